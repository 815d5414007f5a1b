//! Random walks (`xshard fuzz`): one path through a model chosen by a vector of numbers, for
//! state spaces too large to exhaust (TLC's `-simulate`, stateright's simulation checker).
//!
//! A walk is total: every vector of choices is a valid path, so a shrinker that deletes or
//! lowers choices (proptest's vector shrinking) only ever proposes other valid paths
//! (Hypothesis's choice-sequence shrinking, EXPLORATION.md §4.2). The first choice picks the
//! initial state (`c mod` their number); each later choice `c` picks `enabled[c mod len]`, the
//! enabled actions in the model's canonical order, where an action is enabled when it has a
//! successor (stateright's simulation checker takes actions without one, and its paths are
//! then wrong) and that successor is not cut by the copy cap (a state the engine neither
//! checks nor expands). The walk stops at a violation, at a state with nothing enabled, at a
//! state the horizon cuts, or when the choices run out.
//!
//! Only `always` and `terminal` properties are judged: a single path can show that a state is
//! bad, never that a witness is missing (`sometimes`) or that done is unreachable
//! (`progress`).

use xshard_models::{Checkable, Cut};
use xshard_properties::Kind;

/// Where a walk went and what it found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Walk {
    /// The path in the engine's encoding: the initial state's index, then each action's index
    /// in `Model::actions` order.
    pub path: Vec<usize>,
    /// The index of the first property (in declaration order) the last state violates.
    pub violated: Option<usize>,
}

impl Walk {
    /// The number of actions taken.
    pub fn steps(&self) -> usize {
        self.path.len().saturating_sub(1)
    }
}

/// Walks `model` along `choices` (see the module documentation).
pub fn walk<M: Checkable>(model: &M, choices: &[u32]) -> Walk {
    let kinds: Vec<Kind> = model.property_kinds().iter().map(|(_, k)| *k).collect();
    let mut conditions = Vec::with_capacity(kinds.len());
    let mut violated = |state: &M::State| -> Option<usize> {
        conditions.clear();
        model.evaluate(state, &mut conditions);
        kinds
            .iter()
            .zip(&conditions)
            .position(|(k, ok)| matches!(k, Kind::Always | Kind::Terminal) && !*ok)
    };
    let inits = model.init_states();
    let mut rest = choices.iter().copied();
    let first = rest.next().unwrap_or(0) as usize;
    let Some(init) = (!inits.is_empty()).then(|| first % inits.len()) else {
        return Walk {
            path: Vec::new(),
            violated: None,
        };
    };
    let mut state = inits[init].clone();
    let mut path = vec![init];
    let mut found = violated(&state);
    let mut actions = Vec::new();
    let mut enabled: Vec<(usize, M::State)> = Vec::new();
    while found.is_none() && model.cut(&state).is_none() {
        let Some(c) = rest.next() else { break };
        actions.clear();
        model.actions(&state, &mut actions);
        enabled.clear();
        for (i, a) in actions.drain(..).enumerate() {
            if let Some(next) = model.next_state(&state, a) {
                if model.cut(&next) != Some(Cut::CopyCap) {
                    enabled.push((i, next));
                }
            }
        }
        if enabled.is_empty() {
            break;
        }
        let pick = c as usize % enabled.len();
        let (index, next) = enabled.swap_remove(pick);
        path.push(index);
        state = next;
        found = violated(&state);
    }
    Walk {
        path,
        violated: found,
    }
}

/// Deletes actions from a violating walk while it still violates a property, and returns the
/// choices that walk the result (each choice the action's position among the enabled ones).
///
/// proptest's vector shrinking deletes choices, but a deletion changes what every later
/// choice picks (its position is taken among other enabled actions), so it can stall with
/// steps that do not matter (Hypothesis's choice sequences share the weakness). Here a step is
/// the action itself: each candidate drops one action and replays the rest by identity, and
/// is kept only if every remaining action is still enabled and the walk still ends in a
/// violation (cut at the first violating state). Every result is a valid walk, never longer.
pub fn minimise<M: Checkable>(model: &M, choices: &[u32]) -> Vec<u32> {
    let w = walk(model, choices);
    if w.violated.is_none() || w.path.is_empty() {
        return choices.to_vec();
    }
    let inits = model.init_states();
    let init = w.path[0];
    // The actions the walk took, by identity.
    let mut seq = Vec::new();
    let mut state = inits[init].clone();
    let mut actions = Vec::new();
    for &i in &w.path[1..] {
        actions.clear();
        model.actions(&state, &mut actions);
        let a = actions[i].clone();
        match model.next_state(&state, a.clone()) {
            Some(next) => state = next,
            None => return choices.to_vec(),
        }
        seq.push(a);
    }
    let mut best = replay(model, init, &seq).unwrap_or_else(|| choices.to_vec());
    let mut i = 0;
    while i < seq.len() {
        let mut candidate = seq.clone();
        candidate.remove(i);
        match replay(model, init, &candidate) {
            Some(c) => {
                candidate.truncate(c.len().saturating_sub(1));
                seq = candidate;
                best = c;
                i = 0;
            }
            None => i += 1,
        }
    }
    best
}

/// Replays `seq` from initial state `init` by identity; the choices of the walk if every
/// action is enabled in turn and a violation is reached (the walk cut there), else `None`.
fn replay<M: Checkable>(model: &M, init: usize, seq: &[M::Action]) -> Option<Vec<u32>> {
    let mut state = model.init_states().get(init)?.clone();
    let mut choices = vec![init as u32];
    let mut actions = Vec::new();
    let probe = |s: &M::State| walk_violates(model, s);
    if probe(&state) {
        return Some(choices);
    }
    for a in seq {
        if model.cut(&state).is_some() {
            return None;
        }
        actions.clear();
        model.actions(&state, &mut actions);
        let mut position = 0u32;
        let mut found = None;
        for b in actions.drain(..) {
            let same = &b == a;
            if let Some(next) = model.next_state(&state, b) {
                if model.cut(&next) == Some(Cut::CopyCap) {
                    continue;
                }
                if same {
                    found = Some(next);
                    break;
                }
                position += 1;
            }
        }
        state = found?;
        choices.push(position);
        if probe(&state) {
            return Some(choices);
        }
    }
    None
}

/// Whether `state` violates an `always` or `terminal` property.
fn walk_violates<M: Checkable>(model: &M, state: &M::State) -> bool {
    let mut out = Vec::new();
    model.evaluate(state, &mut out);
    model
        .property_kinds()
        .iter()
        .zip(&out)
        .any(|((_, k), ok)| matches!(k, Kind::Always | Kind::Terminal) && !*ok)
}
