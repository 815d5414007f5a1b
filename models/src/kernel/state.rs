//! The kernel's state and actions. Every collection is kept sorted so that equal situations are
//! equal states.

use xshard_properties::{Event, NodeId};

/// A message in flight.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Envelope<M> {
    /// The sending node.
    pub src: NodeId,
    /// The receiving node.
    pub dst: NodeId,
    /// The protocol message carried.
    pub msg: M,
    /// Clocked time: the last tick at which it can still be delivered (sent + Δ); 0 in async
    /// time.
    pub deadline: u32,
}

/// An armed timer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Armed<T> {
    /// The node that armed it and whose `on_timer` runs when it fires.
    pub node: NodeId,
    /// Which of the protocol's timers it is.
    pub timer: T,
    /// Clocked time: the tick at which it fires; 0 in async time.
    pub deadline: u32,
}

/// The whole world: node states plus network, clock, timers and fault budgets.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorldState<N, M, T> {
    /// Each node's protocol state, indexed by node id.
    pub nodes: Vec<N>,
    /// In-flight messages, a multiset: every copy sent is here until delivered or lost, up to
    /// the copy cap. Unordered delivery: sorted. Ordered delivery: grouped by channel (sorted
    /// by sender, receiver), in sending order within a channel.
    pub net: Vec<Envelope<M>>,
    /// Armed timers, sorted, at most one per (node, timer).
    pub timers: Vec<Armed<T>>,
    /// Every message ever sent, for replay (kept only while the replay budget is non-zero).
    pub sent: Vec<(NodeId, NodeId, M)>,
    /// Clocked time: the current tick, from 0; stays 0 in async time.
    pub now: u32,
    /// Bit i set: node i is crashed.
    pub down: u32,
    /// How many more messages the network may lose (starts at the configured `loss`).
    pub loss_left: u8,
    /// How many more replays may happen (starts at the configured `replay`).
    pub replay_left: u8,
    /// How many more crashes may happen (starts at the configured `crashes`).
    pub crashes_left: u8,
    /// The network partition in force: bit i set for the nodes on the side that does not hold
    /// node 0 (so each cut has one spelling); 0 when the network is whole. No message crosses
    /// the cut while it holds.
    pub cut: u32,
    /// How many more partitions may happen (starts at the configured `partitions`).
    pub partitions_left: u8,
    /// The irreversible events the protocol recorded ([`Effects::record`]), one entry per
    /// occurrence, sorted: a multiset, because the properties count events and never order
    /// them, and an ordered log would make every interleaving of two independent events a
    /// different state. It only grows and is part of the state, so two runs that did different
    /// things are two states even when their nodes look alike.
    ///
    /// [`Effects::record`]: super::Effects::record
    pub history: Vec<Event>,
    /// A send found its channel already holding the copy cap's number of copies of that
    /// message: this state is missing a copy, so it is not faithful. The engine neither
    /// checks nor expands it and reports the run as cut by the copy cap.
    pub capped: bool,
}

impl<N, M, T> WorldState<N, M, T> {
    /// A state with nothing in it, to be overwritten (the engine's reused buffers).
    pub(crate) fn empty() -> Self {
        WorldState {
            nodes: Vec::new(),
            net: Vec::new(),
            timers: Vec::new(),
            sent: Vec::new(),
            now: 0,
            down: 0,
            loss_left: 0,
            replay_left: 0,
            crashes_left: 0,
            cut: 0,
            partitions_left: 0,
            history: Vec::new(),
            capped: false,
        }
    }
}

impl<N, M, T> WorldState<N, M, T> {
    /// Whether node `id` is crashed.
    pub fn is_down(&self, id: NodeId) -> bool {
        self.down & (1 << id) != 0
    }

    /// Whether the partition in force separates nodes `a` and `b`.
    pub fn severed(&self, a: NodeId, b: NodeId) -> bool {
        self.cut != 0 && ((self.cut >> a) ^ (self.cut >> b)) & 1 != 0
    }
}

/// The one spelling of the cut whose one side is `side` among `n` nodes: the side without
/// node 0 ([`WorldState::cut`]).
pub(crate) fn normal_cut(side: u32, n: usize) -> u32 {
    let all = if n >= 32 { u32::MAX } else { (1u32 << n) - 1 };
    let side = side & all;
    if side & 1 != 0 {
        all & !side
    } else {
        side
    }
}

/// A kernel action, enumerated in this order: deliveries, timer firings, local choices, tick,
/// recoveries, the healing of a partition, then the faults (loss, replay, crash, partition).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KernelAction<M, T, C> {
    /// Removes the in-flight message from the network and hands it to its receiver.
    Deliver(Envelope<M>),
    /// An armed timer fires: it is disarmed and the node handles it.
    Timeout {
        /// The node whose timer fires.
        node: NodeId,
        /// Which timer.
        timer: T,
    },
    /// A node makes one of the local nondeterministic choices its protocol offers.
    Choose {
        /// The node choosing.
        node: NodeId,
        /// What it chooses.
        choice: C,
    },
    /// Clocked time: the clock advances one tick.
    Tick,
    /// A crashed node comes back up with its persisted state (crash mode `recover`).
    Recover(NodeId),
    /// The network loses the in-flight message (spends one unit of the loss budget).
    Drop(Envelope<M>),
    /// A message sent earlier is delivered again (spends one unit of the replay budget).
    Replay {
        /// The original sender.
        src: NodeId,
        /// The receiver it is delivered to again.
        dst: NodeId,
        /// The message replayed.
        msg: M,
    },
    /// The node crashes: its timers are disarmed and its state reduced to what it persisted
    /// (spends one unit of the crash budget).
    Crash(NodeId),
    /// The partition in force heals: every channel carries messages again.
    Heal,
    /// The network splits: every channel between the nodes whose bits are set and the others
    /// is cut until a `Heal` (spends one unit of the partition budget). Messages in flight
    /// across the cut are lost, as is every message sent across it until it heals. The set is
    /// spelled as [`WorldState::cut`] is.
    Partition(u32),
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
