//! `two-phase-commit` ported to stateright's own actor framework (`stateright::actor`): the
//! external anchor of the kernel bench (`benches/kernel.rs`, `docs/bench.md`).
//!
//! The same roles, messages, time-outs and loss as xshard's kernel model
//! (`models/src/protocols/two_phase_commit.rs`) at its default settings (unordered network,
//! loss 1, no replay, no crash, async time), written as one [`Actor`] per node and checked by
//! stateright's own checkers on an [`ActorModel`]. Shards are actors `0..shards`, the
//! coordinator is actor `shards`, as in the kernel.
//!
//! What it takes to make stateright's actor semantics match the kernel's, each switchable in
//! [`PortConfig`] so that its effect on the counts can be measured
//! (`tests/it/actor_port.rs`):
//!
//! - **A multiset network.** `Network::new_unordered_nonduplicating`: every copy sent is in
//!   flight until delivered or dropped, as in the kernel. (stateright's default,
//!   `unordered_duplicating`, is a set of messages that are never consumed.)
//! - **Delivery consumes the message** (`consume_noops`). stateright disables the delivery of
//!   a message whose handler changes nothing and sends nothing (the message then stays in the
//!   network until dropped); the kernel removes it. The port's handlers mark their state as
//!   written (`Cow::to_mut`) on every message, so that every delivery is a step.
//! - **A loss budget** (`loss`). `LossyNetwork::Yes` lets every in-flight message be dropped
//!   at any time, any number of times. The port keeps, as the model's history, the number of
//!   messages sent minus the number delivered (`record_msg_out`, `record_msg_in`): that minus
//!   the messages in flight is the number lost, and `within_boundary` excludes states that
//!   lost more than the budget. The history is the kernel's `loss_left` in another form (given
//!   the network, one determines the other), so it adds no states.
//! - **Votes as random choices.** A shard asked to prepare offers `VoteYes`/`VoteNo` with
//!   `Out::choose_random` and withdraws the offer (an empty choice) when it leaves that state
//!   otherwise (time-out, abort): the offer is then a function of the shard's state, as the
//!   kernel's `choices` are.
//! - **Retransmission is blind.** The kernel's `Effects::resend` sends a copy only when none is
//!   in flight on the channel; a stateright actor cannot see the network, so the port's
//!   retransmission timer and its Ack replies always send. `within_boundary` bounds identical
//!   copies in flight by `copies` (the kernel's copy cap; 1 is what 2PC's kernel model ever
//!   holds): beyond it the state is excluded, so the space stays finite. This is the one
//!   difference left at `copies = 1`; `tests/it/actor_port.rs` and `docs/bench.md` account for
//!   it state by state.

use std::borrow::Cow;

use stateright::actor::{Actor, ActorModel, ActorModelState, Id, LossyNetwork, Network, Out};
use stateright::Expectation;

/// A shard's state for the transaction (the kernel's `ShardState` without the flawed
/// variant's `Reverted`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShardState {
    /// Not asked yet.
    Working,
    /// Asked to prepare, not voted yet.
    Asked,
    /// Voted yes: holds its lock.
    Prepared,
    /// Applied the coordinator's commit decision.
    Committed,
    /// Voted no, timed out before voting, or applied the coordinator's abort decision.
    Aborted,
}

/// The coordinator's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Waiting for votes.
    Collecting,
    /// Decided commit.
    Committed,
    /// Decided abort.
    Aborted,
}

/// One actor's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeState {
    /// A shard.
    Shard(ShardState),
    /// The coordinator: its decision, and bit masks of the yes votes and the acknowledgements.
    Coordinator {
        /// Whether it has decided, and what.
        phase: Phase,
        /// Bit i: shard i voted yes.
        yes: u8,
        /// Bit i: shard i acknowledged the decision.
        acks: u8,
    },
}

/// A message (the kernel's `Msg`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// Coordinator to shard: vote.
    Prepare,
    /// Shard to coordinator: its vote, `true` for yes.
    Vote(bool),
    /// Coordinator to shard: the decision is commit (re-sent until acknowledged).
    Commit,
    /// Coordinator to shard: the decision is abort (re-sent until acknowledged).
    Abort,
    /// Shard to coordinator: the decision was received.
    Ack,
}

/// A timer (the kernel's `Timer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// A shard gives up waiting (only before voting).
    ShardTimeout,
    /// The coordinator gives up waiting for votes.
    VoteTimeout,
    /// The coordinator re-sends its decision to shards that have not acknowledged it.
    Retransmit,
}

/// A shard's vote (the kernel's `Choice`), offered as a random choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Vote {
    /// Prepare and vote yes.
    VoteYes,
    /// Abort and vote no.
    VoteNo,
}

/// The key of a shard's vote among its random choices.
const VOTE: &str = "vote";

/// One node of the port.
#[derive(Clone, Debug)]
pub enum Node {
    /// A shard, knowing the coordinator.
    Shard {
        /// The coordinator's id.
        coordinator: Id,
        /// Whether a message that changes nothing still counts as delivered.
        consume_noops: bool,
    },
    /// The coordinator, knowing the number of shards (ids `0..shards`).
    Coordinator {
        /// The number of shards.
        shards: u8,
        /// Whether a message that changes nothing still counts as delivered.
        consume_noops: bool,
    },
}

/// The port's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortConfig {
    /// The number of shards (the kernel model's `shards`).
    pub shards: u8,
    /// The loss budget (the kernel's `--loss`), or `None` for stateright's unbounded loss.
    pub loss: Option<u8>,
    /// The most identical copies of a message in flight (states beyond are excluded).
    pub copies: usize,
    /// Whether a delivery that changes nothing consumes the message (the kernel) or is not a
    /// step at all (stateright's actor default).
    pub consume_noops: bool,
}

impl PortConfig {
    /// The closest port of the kernel model's defaults with `shards` shards.
    pub fn matched(shards: u8) -> Self {
        PortConfig {
            shards,
            loss: Some(1),
            copies: 1,
            consume_noops: true,
        }
    }
}

/// The port's model type: the history is "messages sent minus messages delivered".
pub type PortModel = ActorModel<Node, PortConfig, u32>;

/// The port's state type.
pub type PortState = ActorModelState<Node, u32>;

fn all(shards: u8) -> u8 {
    u8::try_from((1u32 << shards) - 1).unwrap_or(u8::MAX)
}

fn timeout() -> std::ops::Range<std::time::Duration> {
    stateright::actor::model_timeout()
}

/// Sends the decision to every shard that has not acknowledged it and re-arms the
/// retransmission timer while some shard has not.
fn send_decision(shards: u8, phase: Phase, acks: u8, o: &mut Out<Node>) {
    let msg = if phase == Phase::Committed {
        Msg::Commit
    } else {
        Msg::Abort
    };
    for s in 0..shards {
        if acks & (1 << s) == 0 {
            o.send(Id::from(usize::from(s)), msg);
        }
    }
    if acks != all(shards) {
        o.set_timer(Timer::Retransmit, timeout());
    }
}

fn decide(shards: u8, state: &mut NodeState, phase: Phase, o: &mut Out<Node>) {
    if let NodeState::Coordinator { phase: p, acks, .. } = state {
        *p = phase;
        o.cancel_timer(Timer::VoteTimeout);
        send_decision(shards, phase, *acks, o);
    }
}

impl Actor for Node {
    type Msg = Msg;
    type State = NodeState;
    type Timer = Timer;
    type Random = Vote;
    type Storage = ();

    fn on_start(&self, _id: Id, _storage: &Option<()>, o: &mut Out<Self>) -> NodeState {
        match self {
            Node::Shard { .. } => {
                o.set_timer(Timer::ShardTimeout, timeout());
                NodeState::Shard(ShardState::Working)
            }
            Node::Coordinator { shards, .. } => {
                for s in 0..*shards {
                    o.send(Id::from(usize::from(s)), Msg::Prepare);
                }
                o.set_timer(Timer::VoteTimeout, timeout());
                NodeState::Coordinator {
                    phase: Phase::Collecting,
                    yes: 0,
                    acks: 0,
                }
            }
        }
    }

    fn on_msg(&self, _id: Id, state: &mut Cow<NodeState>, src: Id, msg: Msg, o: &mut Out<Self>) {
        match self {
            Node::Shard { consume_noops, .. } => {
                if *consume_noops {
                    state.to_mut();
                }
                let NodeState::Shard(s) = **state else {
                    return;
                };
                match msg {
                    Msg::Prepare if s == ShardState::Working => {
                        *state.to_mut() = NodeState::Shard(ShardState::Asked);
                        o.choose_random(VOTE, vec![Vote::VoteYes, Vote::VoteNo]);
                    }
                    Msg::Commit | Msg::Abort => {
                        let next = match (msg, s) {
                            (Msg::Commit, ShardState::Prepared) => ShardState::Committed,
                            (
                                Msg::Abort,
                                ShardState::Working | ShardState::Asked | ShardState::Prepared,
                            ) => ShardState::Aborted,
                            _ => s,
                        };
                        if next != s {
                            *state.to_mut() = NodeState::Shard(next);
                        }
                        if s == ShardState::Asked && next != s {
                            o.choose_random(VOTE, Vec::new());
                        }
                        o.cancel_timer(Timer::ShardTimeout);
                        // The kernel replies with `resend` (no copy if an Ack is in flight);
                        // an actor cannot see the network, so it always replies.
                        o.send(src, Msg::Ack);
                    }
                    _ => {}
                }
            }
            Node::Coordinator {
                shards,
                consume_noops,
            } => {
                if *consume_noops {
                    state.to_mut();
                }
                let NodeState::Coordinator { phase, yes, acks } = **state else {
                    return;
                };
                let from = u8::try_from(usize::from(src)).unwrap_or(u8::MAX);
                match msg {
                    Msg::Vote(true) if phase == Phase::Collecting => {
                        let yes = yes | (1 << from);
                        let next = state.to_mut();
                        *next = NodeState::Coordinator { phase, yes, acks };
                        if yes == all(*shards) {
                            decide(*shards, next, Phase::Committed, o);
                        }
                    }
                    Msg::Vote(false) if phase == Phase::Collecting => {
                        decide(*shards, state.to_mut(), Phase::Aborted, o);
                    }
                    Msg::Ack if phase != Phase::Collecting && acks & (1 << from) == 0 => {
                        let acks = acks | (1 << from);
                        *state.to_mut() = NodeState::Coordinator { phase, yes, acks };
                        if acks == all(*shards) {
                            o.cancel_timer(Timer::Retransmit);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn on_timeout(&self, _id: Id, state: &mut Cow<NodeState>, timer: &Timer, o: &mut Out<Self>) {
        match (self, **state, timer) {
            (Node::Shard { .. }, NodeState::Shard(s), Timer::ShardTimeout) => {
                if matches!(s, ShardState::Working | ShardState::Asked) {
                    *state.to_mut() = NodeState::Shard(ShardState::Aborted);
                    if s == ShardState::Asked {
                        o.choose_random(VOTE, Vec::new());
                    }
                }
            }
            (
                Node::Coordinator { shards, .. },
                NodeState::Coordinator {
                    phase: Phase::Collecting,
                    ..
                },
                Timer::VoteTimeout,
            ) => {
                decide(*shards, state.to_mut(), Phase::Aborted, o);
            }
            (
                Node::Coordinator { shards, .. },
                NodeState::Coordinator { phase, acks, .. },
                Timer::Retransmit,
            ) => {
                // The kernel's `resend`: only where no copy is in flight. Blind here.
                send_decision(*shards, phase, acks, o);
            }
            _ => {}
        }
    }

    fn on_random(&self, _id: Id, state: &mut Cow<NodeState>, random: &Vote, o: &mut Out<Self>) {
        if let Node::Shard { coordinator, .. } = self {
            match random {
                Vote::VoteYes => {
                    *state.to_mut() = NodeState::Shard(ShardState::Prepared);
                    o.cancel_timer(Timer::ShardTimeout);
                    o.send(*coordinator, Msg::Vote(true));
                }
                Vote::VoteNo => {
                    *state.to_mut() = NodeState::Shard(ShardState::Aborted);
                    o.cancel_timer(Timer::ShardTimeout);
                    o.send(*coordinator, Msg::Vote(false));
                }
            }
        }
    }
}

fn shard_states(state: &PortState) -> impl Iterator<Item = ShardState> + '_ {
    state.actor_states.iter().filter_map(|a| match **a {
        NodeState::Shard(s) => Some(s),
        NodeState::Coordinator { .. } => None,
    })
}

/// The number of messages lost so far: sent minus delivered minus in flight.
pub fn lost(state: &PortState) -> usize {
    usize::try_from(state.history)
        .unwrap_or(usize::MAX)
        .saturating_sub(state.network.len())
}

/// Whether some message is in flight in more than `copies` identical copies.
pub fn over_copies(state: &PortState, copies: usize) -> bool {
    match &state.network {
        Network::UnorderedNonDuplicating(multiset) => multiset.values().any(|&n| n > copies),
        _ => false,
    }
}

/// Builds the port: the actors, the network, the loss model, the budget and copy boundary and
/// the properties (atomicity, which holds, keeps stateright's checker exploring the whole
/// space; the two witnesses are the kernel model's `can_commit` and `can_abort`).
pub fn build(cfg: PortConfig) -> PortModel {
    let coordinator = Id::from(usize::from(cfg.shards));
    let consume_noops = cfg.consume_noops;
    let shards = (0..cfg.shards).map(move |_| Node::Shard {
        coordinator,
        consume_noops,
    });
    ActorModel::new(cfg, 0u32)
        .actors(shards)
        .actor(Node::Coordinator {
            shards: cfg.shards,
            consume_noops,
        })
        .init_network(Network::new_unordered_nonduplicating([]))
        .lossy_network(LossyNetwork::Yes)
        .record_msg_out(|cfg, sent, _| cfg.loss.map(|_| sent + 1))
        .record_msg_in(|cfg, sent, _| cfg.loss.map(|_| sent.saturating_sub(1)))
        .within_boundary(|cfg, state| {
            cfg.loss
                .is_none_or(|budget| lost(state) <= usize::from(budget))
                && !over_copies(state, cfg.copies)
        })
        .property(Expectation::Always, "atomicity", |_, state| {
            let committed = shard_states(state).any(|s| s == ShardState::Committed);
            let aborted = shard_states(state).any(|s| s == ShardState::Aborted);
            !(committed && aborted)
        })
        .property(Expectation::Sometimes, "can_commit", |_, state| {
            shard_states(state).all(|s| s == ShardState::Committed)
        })
        .property(Expectation::Sometimes, "can_abort", |_, state| {
            shard_states(state).all(|s| s == ShardState::Aborted)
        })
}
