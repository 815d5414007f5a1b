//! A decoded step of a trace: what the engine's action indices mean to a reader (node, event,
//! message, messages sent, changed fields, decisions), for charts, text and replay checks.

use serde::{Deserialize, Serialize};
use xshard_properties::{NodeId, Observation, Outcome, TxId};

/// What happened in one step of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A message was delivered and handled.
    Deliver,
    /// A message was lost (a fault from the loss budget).
    Drop,
    /// An old message was delivered again (a fault from the replay budget).
    Replay,
    /// A timer fired.
    Timeout,
    /// The global clock advanced.
    Tick,
    /// A node crashed.
    Crash,
    /// A node recovered from stable storage.
    Recover,
    /// A node made a local nondeterministic choice (vote no, submit, …).
    Choice,
    /// The network split in two (a fault from the partition budget).
    Partition,
    /// The partition healed.
    Heal,
    /// A spec action of a plain model (TLA+ ports), not one of the kernel's events.
    Action,
}

impl EventKind {
    /// The lower-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Deliver => "deliver",
            EventKind::Drop => "drop",
            EventKind::Replay => "replay",
            EventKind::Timeout => "timeout",
            EventKind::Tick => "tick",
            EventKind::Crash => "crash",
            EventKind::Recover => "recover",
            EventKind::Choice => "choice",
            EventKind::Partition => "partition",
            EventKind::Heal => "heal",
            EventKind::Action => "action",
        }
    }
}

/// A message: sender, receiver and payload (formatted).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageInfo {
    /// The sender's node name.
    pub from: String,
    /// The receiver's node name.
    pub to: String,
    /// The message, as its `Debug` formatting.
    pub payload: String,
}

/// A field of a node's state that a step changed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Change {
    /// The name of the node whose state changed.
    pub node: String,
    /// The top-level field of the node's serialised state, or `state` when the state is not a
    /// JSON object.
    pub field: String,
    /// The field's value before the step, as compact JSON (a string without quotes); empty if
    /// the field did not exist.
    pub before: String,
    /// The field's value after the step, in the same format.
    pub after: String,
}

/// A transaction outcome that a step changed at a node.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decision {
    /// The name of the shard at which the outcome changed.
    pub node: String,
    /// The transaction.
    pub tx: TxId,
    /// Its new outcome at that shard.
    pub outcome: Outcome,
}

/// One decoded step of a trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Step {
    /// The node that acted, if one did (a tick has none).
    pub node: Option<String>,
    /// What kind of step it was.
    pub event: EventKind,
    /// What the event is about: the delivered, dropped or replayed message; the timer; the
    /// choice; the spec action's name.
    pub detail: String,
    /// The message delivered, dropped or replayed, if any.
    pub message: Option<MessageInfo>,
    /// Messages this step sent.
    pub sent: Vec<MessageInfo>,
    /// Messages lost to a partition at this step: those in flight across a cut it made, or
    /// those it sent across the cut in force. Left out of files when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<MessageInfo>,
    /// Fields of node state that changed.
    pub changes: Vec<Change>,
    /// Outcomes that changed.
    pub decisions: Vec<Decision>,
    /// The clock after the step, in clocked time.
    pub now: Option<u32>,
}

/// Outcomes that differ between two observations, named with `name`.
pub fn decisions_between(
    before: &Observation,
    after: &Observation,
    name: &dyn Fn(NodeId) -> String,
) -> Vec<Decision> {
    after
        .outcomes
        .iter()
        .filter(|o| !before.outcomes.contains(o))
        .map(|o| Decision {
            node: name(o.shard),
            tx: o.tx,
            outcome: o.outcome,
        })
        .collect()
}

/// Field-level changes between two serialisable values: top-level fields of JSON objects, or
/// the whole value otherwise.
pub fn changes_between<T: Serialize>(node: &str, before: &T, after: &T) -> Vec<Change> {
    use serde_json::Value;
    let (Ok(b), Ok(a)) = (serde_json::to_value(before), serde_json::to_value(after)) else {
        return Vec::new();
    };
    let compact = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match (&b, &a) {
        (Value::Object(bm), Value::Object(am)) => am
            .iter()
            .filter(|(k, v)| bm.get(*k) != Some(v))
            .map(|(k, v)| Change {
                node: node.to_string(),
                field: k.clone(),
                before: bm.get(k).map(compact).unwrap_or_default(),
                after: compact(v),
            })
            .collect(),
        _ if a != b => vec![Change {
            node: node.to_string(),
            field: "state".to_string(),
            before: compact(&b),
            after: compact(&a),
        }],
        _ => Vec::new(),
    }
}
