//! Random walks (`xshard fuzz`): one path through a model chosen by a vector of numbers, for
//! state spaces too large to exhaust (TLC's `-simulate`, stateright's simulation checker).
//!
//! A walk is total: every vector of choices is a valid path, so a shrinker that deletes or
//! lowers choices (proptest's vector shrinking) only ever proposes other valid paths
//! (Hypothesis's choice-sequence shrinking, EXPLORATION.md §4.2). The first choice picks the
//! initial state (`c mod` their number); the second is the walk's swarm mask; each later
//! choice `c` picks `enabled[c mod len]`, the enabled actions in the model's canonical order,
//! where an action is enabled when it has a successor (stateright's simulation checker takes
//! actions without one, and its paths are then wrong), that successor is not cut by the copy
//! cap (a state the engine neither checks nor expands), and its fault class, if it has one
//! ([`Checkable::swarm_class`]), has its bit set in the mask. The walk stops at a violation, at
//! a state with nothing enabled, at a state the horizon cuts, or when the choices run out.
//!
//! The mask is swarm testing (Groce et al., "Swarm Testing", ISSTA 2012; EXPLORATION.md
//! §4.2): a uniform walk through a model with a loss budget spends its steps losing
//! messages, while a walk with loss switched off behaves as the loss-free model does, so
//! switching each fault class on or off per walk reaches both kinds of behaviour. Mask 0 is
//! the fault-free walk, so shrinking the mask toward 0 drops fault classes the violation does
//! not need.
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

/// The actions enabled in `state` under swarm mask `mask`, with their index in
/// `Model::actions` order and their successor, in that order.
fn enabled<M: Checkable>(
    model: &M,
    state: &M::State,
    mask: u32,
    actions: &mut Vec<M::Action>,
    out: &mut Vec<(usize, M::Action, M::State)>,
) {
    actions.clear();
    out.clear();
    model.actions(state, actions);
    for (i, a) in actions.drain(..).enumerate() {
        if model
            .swarm_class(&a)
            .is_some_and(|c| mask & (1u32 << (c % 32)) == 0)
        {
            continue;
        }
        if let Some(next) = model.next_state(state, a.clone()) {
            if model.cut(&next) != Some(Cut::CopyCap) {
                out.push((i, a, next));
            }
        }
    }
}

/// Walks `model` along `choices` (see the module documentation).
pub fn walk<M: Checkable>(model: &M, choices: &[u32]) -> Walk {
    let inits = model.init_states();
    let mut rest = choices.iter().copied();
    let first = rest.next().unwrap_or(0) as usize;
    let mask = rest.next().unwrap_or(0);
    let Some(init) = (!inits.is_empty()).then(|| first % inits.len()) else {
        return Walk {
            path: Vec::new(),
            violated: None,
        };
    };
    let mut judge = Judge::new(model);
    let mut state = inits[init].clone();
    let mut path = vec![init];
    let mut found = judge.violation(model, &state);
    let mut actions = Vec::new();
    let mut on = Vec::new();
    while found.is_none() && model.cut(&state).is_none() {
        let Some(c) = rest.next() else { break };
        enabled(model, &state, mask, &mut actions, &mut on);
        if on.is_empty() {
            break;
        }
        let pick = c as usize % on.len();
        let (index, _, next) = on.swap_remove(pick);
        path.push(index);
        state = next;
        found = judge.violation(model, &state);
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
    let mask = choices.get(1).copied().unwrap_or(0);
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
    let mut best = replay(model, init, mask, &seq).unwrap_or_else(|| choices.to_vec());
    let mut i = 0;
    while i < seq.len() {
        let mut candidate = seq.clone();
        candidate.remove(i);
        match replay(model, init, mask, &candidate) {
            Some(c) => {
                candidate.truncate(c.len().saturating_sub(2));
                seq = candidate;
                best = c;
                i = 0;
            }
            None => i += 1,
        }
    }
    best
}

/// Replays `seq` from initial state `init` under swarm mask `mask` by identity; the choices
/// of the walk if every action is enabled in turn and a violation is reached (the walk cut
/// there), else `None`.
fn replay<M: Checkable>(model: &M, init: usize, mask: u32, seq: &[M::Action]) -> Option<Vec<u32>> {
    let mut state = model.init_states().get(init)?.clone();
    let mut choices = vec![init as u32, mask];
    let mut actions = Vec::new();
    let mut on = Vec::new();
    let mut judge = Judge::new(model);
    if judge.violation(model, &state).is_some() {
        return Some(choices);
    }
    for a in seq {
        if model.cut(&state).is_some() {
            return None;
        }
        enabled(model, &state, mask, &mut actions, &mut on);
        let position = on.iter().position(|(_, b, _)| b == a)?;
        state = on.swap_remove(position).2;
        choices.push(position as u32);
        if judge.violation(model, &state).is_some() {
            return Some(choices);
        }
    }
    None
}

/// Judges states against a model's `always` and `terminal` properties.
struct Judge {
    kinds: Vec<Kind>,
    out: Vec<bool>,
}

impl Judge {
    fn new<M: Checkable>(model: &M) -> Self {
        Judge {
            kinds: model.property_kinds().iter().map(|(_, k)| *k).collect(),
            out: Vec::new(),
        }
    }

    /// The index of the first `always` or `terminal` property (in declaration order) that
    /// `state` violates.
    fn violation<M: Checkable>(&mut self, model: &M, state: &M::State) -> Option<usize> {
        self.out.clear();
        model.evaluate(state, &mut self.out);
        self.kinds
            .iter()
            .zip(&self.out)
            .position(|(k, ok)| matches!(k, Kind::Always | Kind::Terminal) && !*ok)
    }
}
