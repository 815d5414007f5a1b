//! Replaying a counterexample on a model (`xshard replay`): a pure function of the model and
//! the file's contents.
//!
//! The caller rebuilds the model the file names (model, variant, parameters, kernel settings;
//! the run layer does it through the registry); here the recorded action path is re-executed,
//! checking at every step that the index names an enabled action, and each decoded step is
//! compared with the recorded one. Then the property is evaluated on the final state.
//!
//! What must match, and when:
//! - a step's *identity* (acting node, event, detail, message) always: if the action index now
//!   names a different action, the file does not describe this model (a corrupted or stale
//!   file), and the step is named;
//! - a step's *consequences* (messages sent, changed fields, decisions, clock) and the final
//!   outcomes and explanation only when the property is still violated: then the model is
//!   unchanged and any difference means the file was altered. When the property no longer
//!   fails, the model was fixed, and a fix legitimately changes what the steps do; the
//!   differences are returned as notes.
//!
//! A `progress` counterexample ends in a state from which no path of progress steps reaches a
//! done state; the replay checks exactly that, by a search forward from the final state.

use xshard_models::{Checkable, ConfigError, Step};
use xshard_properties::Kind;

use super::Counterexample;

/// What a replay found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayOutcome {
    /// The name of the property the file records.
    pub property: String,
    /// The property's kind, which says whether a violation or a witness was recorded.
    pub kind: Kind,
    /// Whether the recorded fact is reproduced: the invariant is still violated (or, for a
    /// witness, the witness is still reached).
    pub reproduced: bool,
    /// The number of steps replayed.
    pub steps: usize,
    /// The explanation of the final state now.
    pub explanation: String,
    /// Steps whose consequences differ from the recording (only when not reproduced).
    pub notes: Vec<String>,
}

/// Why a file does not replay.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReplayError {
    /// The model, variant, parameters or kernel settings are not valid.
    #[error("{file}: {source}")]
    Config {
        /// The counterexample file.
        file: String,
        /// What is wrong with the configuration.
        source: ConfigError,
    },
    /// The file does not match the model it names.
    #[error("{file}: {what}")]
    Mismatch {
        /// The counterexample file.
        file: String,
        /// What does not match, e.g. the node names.
        what: String,
    },
    /// A step of the path does not replay (step 0 is the initial state).
    #[error("step {step} of {file}: {what}")]
    Step {
        /// The index of the failing step in the path.
        step: usize,
        /// The counterexample file.
        file: String,
        /// Why the step does not replay.
        what: String,
    },
}

/// Replays `t` on `model`, the model the file names; `file` names it in errors.
pub fn replay<M: Checkable>(
    model: &M,
    t: &Counterexample,
    file: &str,
) -> Result<ReplayOutcome, ReplayError> {
    let mismatch = |what: String| ReplayError::Mismatch {
        file: file.to_string(),
        what,
    };
    let at = |step: usize, what: String| ReplayError::Step {
        step,
        file: file.to_string(),
        what,
    };

    let kinds = model.property_kinds();
    let Some(index) = kinds.iter().position(|(n, _)| *n == t.property) else {
        let names: Vec<&str> = kinds.iter().map(|(n, _)| *n).collect();
        return Err(mismatch(format!(
            "model {} has no property '{}' (properties: {})",
            t.model,
            t.property,
            names.join(", ")
        )));
    };
    let kind = kinds[index].1;
    if kind != t.kind {
        return Err(mismatch(format!(
            "property {} is of kind {}, the file says {}",
            t.property,
            kind.as_str(),
            t.kind.as_str()
        )));
    }
    let nodes = model.lifelines();
    if nodes != t.nodes {
        return Err(mismatch(format!(
            "the file's nodes ({}) are not the model's ({})",
            t.nodes.join(", "),
            nodes.join(", ")
        )));
    }

    let Some(&first) = t.path.first() else {
        return Err(mismatch("the path is empty (no initial state)".into()));
    };
    let inits = model.init_states();
    let Some(mut state) = inits.get(first).cloned() else {
        return Err(at(
            0,
            format!(
                "initial state index {first} does not exist ({} initial states)",
                inits.len()
            ),
        ));
    };
    let mut actions = Vec::new();
    let mut differences = Vec::new();
    for (i, &idx) in t.path.iter().enumerate().skip(1) {
        actions.clear();
        model.actions(&state, &mut actions);
        let Some(action) = actions.get(idx).cloned() else {
            return Err(at(
                i,
                format!(
                    "action index {idx} is not enabled ({} actions)",
                    actions.len()
                ),
            ));
        };
        let Some(next) = model.next_state(&state, action.clone()) else {
            return Err(at(
                i,
                format!("action index {idx} ({action:?}) has no successor state"),
            ));
        };
        let decoded = model.decode(&state, &action, &next);
        let Some(recorded) = t.steps.get(i - 1) else {
            return Err(at(
                i,
                format!(
                    "the path has this action but the file records only {} steps",
                    t.steps.len()
                ),
            ));
        };
        if let Some((field, want, got)) = identity_difference(recorded, &decoded) {
            return Err(at(
                i,
                format!(
                    "the file records {field} {want} but action index {idx} has {field} \
                         {got} ({})",
                    describe(&decoded)
                ),
            ));
        }
        if let Some(d) = consequence_difference(recorded, &decoded) {
            differences.push((i, d));
        }
        state = next;
    }
    let path_steps = t.path.len() - 1;
    if t.steps.len() > path_steps {
        return Err(at(
            path_steps + 1,
            format!(
                "the file records {} steps but its path has only {path_steps} actions",
                t.steps.len()
            ),
        ));
    }

    let mut conditions = Vec::new();
    model.evaluate(&state, &mut conditions);
    let holds = conditions.get(index).copied().unwrap_or(true);
    let reproduced = match kind {
        Kind::Always | Kind::Terminal => !holds,
        Kind::Sometimes => holds,
        Kind::Progress => !holds && !can_finish(model, index, &state),
    };
    let obs = model.observe(&state);
    let explanation = if kind == Kind::Progress && !reproduced {
        "a done state is reachable from the final state".to_string()
    } else {
        model.explain(index, &state)
    };
    if reproduced {
        if let Some((i, d)) = differences.first() {
            return Err(at(*i, d.clone()));
        }
        if obs.outcomes != t.outcomes {
            return Err(mismatch(
                "the final outcomes differ from the model's final state".into(),
            ));
        }
        if explanation != t.explanation {
            return Err(mismatch(format!(
                "the explanation \"{}\" is not the model's \"{explanation}\"",
                t.explanation
            )));
        }
    }
    Ok(ReplayOutcome {
        property: t.property.clone(),
        kind,
        reproduced,
        steps: path_steps,
        explanation,
        notes: differences
            .into_iter()
            .map(|(i, d)| format!("step {i} now differs from the recording: {d}"))
            .collect(),
    })
}

/// The first field that identifies the action a step took (acting node, event, detail,
/// message) and differs: (field, the file's value, the model's value).
fn identity_difference(recorded: &Step, model: &Step) -> Option<(&'static str, String, String)> {
    let node = |s: &Step| s.node.clone().unwrap_or_else(|| "none".to_string());
    let message = |s: &Step| {
        s.message.as_ref().map_or_else(
            || "none".to_string(),
            |m| format!("{} -> {}: {}", m.from, m.to, m.payload),
        )
    };
    let quoted = |s: &str| format!("\"{s}\"");
    if recorded.node != model.node {
        Some(("acting node", node(recorded), node(model)))
    } else if recorded.event != model.event {
        Some((
            "event",
            recorded.event.as_str().to_string(),
            model.event.as_str().to_string(),
        ))
    } else if recorded.detail != model.detail {
        Some(("detail", quoted(&recorded.detail), quoted(&model.detail)))
    } else if recorded.message != model.message {
        Some((
            "message",
            quoted(&message(recorded)),
            quoted(&message(model)),
        ))
    } else {
        None
    }
}

/// A step in a few words: "deliver at shard-a (coordinator -> shard-a: Prepare)".
fn describe(s: &Step) -> String {
    let mut out = format!(
        "{} at {}",
        s.event.as_str(),
        s.node.as_deref().unwrap_or("no node")
    );
    match &s.message {
        Some(m) => out.push_str(&format!(" ({} -> {}: {})", m.from, m.to, m.payload)),
        None if !s.detail.is_empty() => out.push_str(&format!(" ({})", s.detail)),
        None => {}
    }
    out
}

/// The first consequence of a step that differs between the recording and the model.
fn consequence_difference(recorded: &Step, model: &Step) -> Option<String> {
    let show = |v: &dyn std::fmt::Debug| format!("{v:?}");
    if recorded.sent != model.sent {
        let list = |s: &Step| {
            s.sent
                .iter()
                .map(|m| format!("{} -> {}: {}", m.from, m.to, m.payload))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Some(format!(
            "the file records sending [{}] but the model sends [{}]",
            list(recorded),
            list(model)
        ));
    }
    if recorded.changes != model.changes {
        let list = |s: &Step| {
            s.changes
                .iter()
                .map(|c| format!("{}.{}: {} -> {}", c.node, c.field, c.before, c.after))
                .collect::<Vec<_>>()
                .join("; ")
        };
        return Some(format!(
            "the file records changes [{}] but the model changes [{}]",
            list(recorded),
            list(model)
        ));
    }
    if recorded.decisions != model.decisions {
        return Some(format!(
            "the file records decisions {} but the model decides {}",
            show(&recorded.decisions),
            show(&model.decisions)
        ));
    }
    if recorded.now != model.now {
        return Some(format!(
            "the file records the clock at {:?} but the model's clock is {:?}",
            recorded.now, model.now
        ));
    }
    None
}

/// Whether some path of progress steps from `state` reaches a state where property `index`
/// (a `progress` one) is done, or a state whose future the model's bounds cut (which might).
fn can_finish<M: Checkable>(model: &M, index: usize, state: &M::State) -> bool {
    use std::collections::{HashSet, VecDeque};
    let mut seen: HashSet<M::State> = HashSet::new();
    let mut queue = VecDeque::from([state.clone()]);
    seen.insert(state.clone());
    let (mut actions, mut conditions) = (Vec::new(), Vec::new());
    while let Some(s) = queue.pop_front() {
        model.evaluate(&s, &mut conditions);
        if conditions.get(index).copied().unwrap_or(true) || model.cut(&s).is_some() {
            return true;
        }
        actions.clear();
        model.actions(&s, &mut actions);
        for a in actions.drain(..) {
            if !model.progress_step(&a) {
                continue;
            }
            if let Some(n) = model.next_state(&s, a) {
                if model.cut(&n) == Some(xshard_models::Cut::CopyCap) {
                    return true;
                }
                if model.within_boundary(&n) && seen.insert(n.clone()) {
                    queue.push_back(n);
                }
            }
        }
    }
    false
}
