//! The kernel's state and actions. Every collection is kept sorted so that equal situations are
//! equal states.

use xshard_properties::NodeId;

/// A message in flight.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Envelope<M> {
    pub src: NodeId,
    pub dst: NodeId,
    pub msg: M,
    /// Clocked time: the last tick at which it can still be delivered (sent + Δ); 0 in async
    /// time.
    pub deadline: u32,
}

/// An armed timer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Armed<T> {
    pub node: NodeId,
    pub timer: T,
    /// Clocked time: the tick at which it fires; 0 in async time.
    pub deadline: u32,
}

/// The whole world: node states plus network, clock, timers and fault budgets.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorldState<N, M, T> {
    pub nodes: Vec<N>,
    /// In-flight messages. Unordered delivery: sorted. Ordered delivery: grouped by channel
    /// (sorted by sender, receiver), in sending order within a channel.
    pub net: Vec<Envelope<M>>,
    /// Armed timers, sorted, at most one per (node, timer).
    pub timers: Vec<Armed<T>>,
    /// Every message ever sent, for replay (kept only while the replay budget is non-zero).
    pub sent: Vec<(NodeId, NodeId, M)>,
    pub now: u32,
    /// Bit i set: node i is crashed.
    pub down: u32,
    pub loss_left: u8,
    pub replay_left: u8,
    pub crashes_left: u8,
}

impl<N, M, T> WorldState<N, M, T> {
    /// Whether node `id` is crashed.
    pub fn is_down(&self, id: NodeId) -> bool {
        self.down & (1 << id) != 0
    }
}

/// A kernel action, enumerated in this order: deliveries, timer firings, local choices, tick,
/// recoveries, then the faults (loss, replay, crash).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KernelAction<M, T, C> {
    Deliver(Envelope<M>),
    Timeout { node: NodeId, timer: T },
    Choose { node: NodeId, choice: C },
    Tick,
    Recover(NodeId),
    Drop(Envelope<M>),
    Replay { src: NodeId, dst: NodeId, msg: M },
    Crash(NodeId),
}

/// The state type of a kernel model.
pub type State<P> = WorldState<
    <P as super::Protocol>::Node,
    <P as super::Protocol>::Msg,
    <P as super::Protocol>::Timer,
>;

/// The action type of a kernel model.
pub type Action<P> = KernelAction<
    <P as super::Protocol>::Msg,
    <P as super::Protocol>::Timer,
    <P as super::Protocol>::Choice,
>;

/// Node index `i` as a node id (the kernel has at most 32 nodes).
pub(crate) fn node_id(i: usize) -> NodeId {
    NodeId::try_from(i).unwrap_or(NodeId::MAX)
}
