//! The one trait a protocol author implements, and what its handlers and declarations
//! return: [`Effects`] and [`Property`].

use std::fmt::Debug;
use std::hash::Hash;

use serde::Serialize;
use xshard_properties::{Event, NodeId, Observation};

mod effects;
mod property;

pub use effects::Effects;
pub(crate) use effects::SendMode;
pub use property::{FindFn, Property};

/// A protocol: its nodes' state, messages, timers and local choices, and its handlers.
///
/// The kernel owns everything else (network, clock, timers, faults, symmetry), so a handler only
/// reads and updates its own node and records effects in [`Effects`]. Handlers must be
/// deterministic functions of their inputs; collections in node state must be ordered
/// (`BTreeMap`, sorted `Vec`), never caches or counters that grow without bound.
pub trait Protocol: Debug + Send + Sync + Sized + 'static {
    /// One node's state (a sum type when nodes have different roles).
    type Node: Clone + Debug + Hash + Eq + Ord + Serialize + Send + Sync;
    /// A message.
    type Msg: Clone + Debug + Hash + Eq + Ord + Send + Sync;
    /// A timer name (a node has at most one armed timer of each name).
    type Timer: Clone + Debug + Hash + Eq + Ord + Send + Sync;
    /// A local nondeterministic choice (vote no, submit a transaction, …).
    type Choice: Clone + Debug + Hash + Eq + Ord + Send + Sync;

    /// The names of the nodes, in id order (`shard-a`, `coordinator`, …).
    fn node_names(&self) -> Vec<String>;

    /// The initial state of node `id`; it may send messages and arm timers.
    fn init(&self, id: NodeId, out: &mut Effects<Self>) -> Self::Node;

    /// Node `id` handles `msg` from `from`.
    fn on_message(
        &self,
        id: NodeId,
        node: &mut Self::Node,
        from: NodeId,
        msg: &Self::Msg,
        out: &mut Effects<Self>,
    );

    /// Node `id`'s timer `timer` fired.
    fn on_timer(
        &self,
        id: NodeId,
        node: &mut Self::Node,
        timer: &Self::Timer,
        out: &mut Effects<Self>,
    );

    /// The local choices node `id` may make now (enabled ones only).
    fn choices(&self, _id: NodeId, _node: &Self::Node, _now: u32, _out: &mut Vec<Self::Choice>) {}

    /// Node `id` makes `choice`.
    fn on_choice(
        &self,
        _id: NodeId,
        _node: &mut Self::Node,
        _choice: &Self::Choice,
        _out: &mut Effects<Self>,
    ) {
    }

    /// Whether node `id` may crash (when the crash budget allows).
    fn can_crash(&self, _id: NodeId) -> bool {
        false
    }

    /// What survives a crash of node `id` (its stable storage). The default keeps everything,
    /// as if the node persisted each state before acting on it.
    fn persisted(&self, _id: NodeId, node: &Self::Node) -> Self::Node {
        node.clone()
    }

    /// Node `id` restarts after a crash (crash-recover) from its persisted state.
    fn on_recover(&self, _id: NodeId, _node: &mut Self::Node, _out: &mut Effects<Self>) {}

    /// Fills the protocol part of the observation (outcomes, locks, ledger, locations) from the
    /// node states. The kernel sets `quiescent`, `now` and `delta`, and `history` already holds
    /// the events recorded with [`Effects::record`] (sorted) when `observe` is called: read it
    /// rather than keep a ghost copy in node state. Record events in the handlers, not here: a
    /// history rebuilt from the current node state forgets what the nodes forget (a second
    /// revert after a re-lock looks like one); anything pushed here is appended after the
    /// recorded events.
    fn observe(&self, nodes: &[Self::Node], obs: &mut Observation);

    /// The properties that apply to this protocol, witnesses included: named properties of
    /// the catalogue (`(&ATOMICITY).into()`) and the protocol's own ([`Property::new`]).
    fn properties(&self) -> Vec<Property<Self>>;

    /// Groups of interchangeable nodes (e.g. identically configured shards). The kernel
    /// canonicalises states over permutations within each group (groups that share a node
    /// are merged).
    fn symmetry(&self) -> Vec<Vec<NodeId>> {
        Vec::new()
    }

    /// Renames node ids inside a node's state (symmetry). Only needed when node states mention
    /// node ids and the protocol declares symmetry.
    ///
    /// The three `rename_*` functions must apply `rename` to each id the value holds and
    /// change nothing else, so that renaming by `a` and then by `b` is renaming by `b ∘ a`.
    /// Besides permutations, the kernel calls them with maps that merge ids (to compute the
    /// signatures that order interchangeable nodes), so they must not assume `rename` is
    /// one-to-one: a renaming that does only makes the reduction weaker, never unsound.
    fn rename_node(&self, node: &Self::Node, _rename: &dyn Fn(NodeId) -> NodeId) -> Self::Node {
        node.clone()
    }

    /// Renames node ids inside a recorded event (symmetry). The default renames the shard an
    /// event names ([`Event::renamed`]); override it when the protocol's object or transaction
    /// ids follow node ids too.
    fn rename_event(&self, event: &Event, rename: &dyn Fn(NodeId) -> NodeId) -> Event {
        event.renamed(rename)
    }

    /// Renames node ids inside a message (symmetry).
    fn rename_msg(&self, msg: &Self::Msg, _rename: &dyn Fn(NodeId) -> NodeId) -> Self::Msg {
        msg.clone()
    }
}
