//! `two-phase-commit`: two-phase commit between a coordinator and `shards` shard nodes on the
//! world kernel, over a lossy network.
//!
//! Source: Gray & Lamport, "Consensus on Transaction Commit", ACM TODS 2006, §3 (PROTOCOLS.md
//! §4.2): "spontaneous aborting can be triggered by a timeout", but only before an RM has
//! prepared; the TM may abort at any time before deciding. Blocking (§3.3): "if the TM fails
//! right after every RM has sent a Prepared message, then the other RMs have no way of knowing
//! whether the TM committed or aborted".
//!
//! Encoding. The coordinator sends `Prepare` to every shard at start and arms a vote time-out.
//! A shard that got `Prepare` chooses (a local choice) to vote yes (prepared: it holds a write
//! lock on its object) or no (aborted). A shard may abort on its own time-out only before it
//! votes. The coordinator commits when every shard voted yes, aborts on a no vote or on its
//! time-out, logs the decision (it survives a crash) and retransmits it on a timer until every
//! shard has acknowledged, so message loss cannot strand a shard. One transaction (`tx1`).
//!
//! What the checker reports, by configuration:
//! - default (3 shards, so a bug that serves every shard but the last shows; `--loss 1`, no
//!   crash): `atomicity`, `deadlock_freedom`, `progress`,
//!   `timeout_revert` hold; both witnesses (`can_commit`, `can_abort`) are found.
//! - `--crashes 1` (crash-stop of the coordinator): `deadlock_freedom` is violated — the
//!   coordinator crashes after every shard voted yes and the shards stay prepared, holding
//!   their locks, with nothing left that can happen: 2PC's blocking, not a bug of this model.
//!   `progress` is violated too, in 3 steps (a Prepare delivered, that shard votes yes, the
//!   coordinator crashes): from there no step decides the prepared shard. Safety
//!   (`atomicity`) still holds.
//! - `--crashes 1 --crash-mode recover`: everything holds again; the recovered coordinator
//!   re-sends its logged decision, or aborts if it had not decided (presumed abort).
//! - variant `revert-after-vote`: a shard that voted yes keeps its time-out and reverts on it —
//!   "hold and reserve, revert on time-out" taken literally. `atomicity` is violated (committed
//!   on one shard, reverted on another) and so is `timeout_revert` (a revert of a transaction
//!   that committed elsewhere).
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.
//!
//! Abstracted away: the client (the coordinator starts the transaction), the data itself,
//! shard crashes (the failure model crashes only the coordinator).

use serde::Serialize;
use xshard_properties::{
    Event, NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT, DEADLOCK_FREEDOM,
    PROGRESS, TIMEOUT_REVERT,
};

use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, World};
use crate::mutant;

/// The registry name.
pub const NAME: &str = "two-phase-commit";

/// A shard's state for the transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
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
    /// Undid its yes vote on its own (the flawed variant).
    Reverted,
}

/// The coordinator's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Waiting for votes: nothing decided yet.
    Collecting,
    /// Decided (and logged) commit: every shard voted yes.
    Committed,
    /// Decided (and logged) abort: a no vote, or the vote time-out.
    Aborted,
}

/// The coordinator's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Coordinator {
    /// Whether it has decided, and what; survives a crash (the decision log).
    pub phase: Phase,
    /// Bit i: shard i voted yes.
    pub yes: u8,
    /// Bit i: shard i acknowledged the decision.
    pub acks: u8,
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// One of the `shards` resource managers (node ids `0..shards`).
    Shard(ShardState),
    /// The transaction manager (node id `shards`).
    Coordinator(Coordinator),
}

/// A message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// Coordinator to shard, at start: asks the shard to vote.
    Prepare,
    /// Shard to coordinator: its vote, `true` for yes (prepared), `false` for no.
    Vote(bool),
    /// Coordinator to shard: the decision is commit (re-sent until acknowledged).
    Commit,
    /// Coordinator to shard: the decision is abort (re-sent until acknowledged).
    Abort,
    /// Shard to coordinator: the decision was received.
    Ack,
}

/// A timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// A shard gives up waiting (allowed to abort only before voting).
    ShardTimeout,
    /// The coordinator gives up waiting for votes.
    VoteTimeout,
    /// The coordinator re-sends its decision to shards that have not acknowledged it.
    Retransmit,
}

/// A shard's vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// Prepare: take the write lock and vote yes.
    VoteYes,
    /// Abort at once and vote no.
    VoteNo,
}

/// The protocol: `shards` shards and a coordinator (node id `shards`).
#[derive(Clone, Debug)]
pub struct TwoPhaseCommit {
    /// The number of shards (the `shards` parameter); the coordinator's id is this number.
    pub shards: u8,
    /// The flaw: a shard keeps its time-out after voting yes and reverts on it.
    pub revert_after_vote: bool,
}

/// Ticks before a time-out fires, in clocked time.
const TIMEOUT: u32 = 3;

impl TwoPhaseCommit {
    fn coordinator(&self) -> NodeId {
        self.shards
    }

    fn all(&self) -> u8 {
        u8::try_from((1u32 << self.shards) - 1).unwrap_or(u8::MAX)
    }

    fn decide(&self, c: &mut Coordinator, phase: Phase, out: &mut Effects<Self>) {
        c.phase = phase;
        // Seeded mutant (equivalent): the vote time-out is left armed; its handler acts only
        // while collecting, so it fires as a no-op.
        if !mutant::on("two-phase-commit/keep-vote-timeout") {
            out.cancel_timer(Timer::VoteTimeout);
        }
        self.send_decision(c, false, out);
    }

    /// Sends the decision to every shard that has not acknowledged it (`retransmit`: on the
    /// retransmission timer).
    fn send_decision(&self, c: &Coordinator, retransmit: bool, out: &mut Effects<Self>) {
        let msg = if c.phase == Phase::Committed {
            Msg::Commit
        } else {
            Msg::Abort
        };
        for s in 0..self.shards {
            let skipped = retransmit
                && s + 1 == self.shards
                && mutant::on("two-phase-commit/skip-last-retransmit");
            if c.acks & (1 << s) == 0 && !skipped {
                if retransmit {
                    out.resend(s, msg);
                } else {
                    out.send(s, msg);
                }
            }
        }
        // Seeded bug: the decision is sent once and never retransmitted.
        if c.acks != self.all() && !mutant::on("two-phase-commit/no-retransmit-timer") {
            out.set_timer(Timer::Retransmit, TIMEOUT);
        }
    }
}

impl Protocol for TwoPhaseCommit {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.shards)
            .map(|i| format!("shard-{}", char::from(b'a' + i)))
            .collect();
        names.push("coordinator".to_string());
        names
    }

    fn init(&self, id: NodeId, out: &mut Effects<Self>) -> Node {
        if id == self.coordinator() {
            for s in 0..self.shards {
                out.send(s, Msg::Prepare);
            }
            out.set_timer(Timer::VoteTimeout, TIMEOUT);
            Node::Coordinator(Coordinator {
                phase: Phase::Collecting,
                yes: 0,
                acks: 0,
            })
        } else {
            out.set_timer(Timer::ShardTimeout, TIMEOUT);
            Node::Shard(ShardState::Working)
        }
    }

    fn on_message(
        &self,
        id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: &Msg,
        out: &mut Effects<Self>,
    ) {
        match node {
            Node::Shard(s) => match msg {
                Msg::Prepare if *s == ShardState::Working => *s = ShardState::Asked,
                // Seeded bug: a (late or replayed) Prepare revives a shard that already aborted.
                Msg::Prepare
                    if *s == ShardState::Aborted
                        && mutant::on("two-phase-commit/prepare-after-abort") =>
                {
                    *s = ShardState::Asked;
                }
                Msg::Commit | Msg::Abort => {
                    let before = *s;
                    if *msg == Msg::Commit && *s == ShardState::Prepared {
                        *s = ShardState::Committed;
                    }
                    if *msg == Msg::Abort
                        && matches!(
                            s,
                            ShardState::Working | ShardState::Asked | ShardState::Prepared
                        )
                    {
                        *s = ShardState::Aborted;
                    }
                    out.cancel_timer(Timer::ShardTimeout);
                    // A reply to a decision that may be a retransmission: one Ack in flight
                    // stands for all of them. Seeded bug: only a decision that changed the
                    // shard is acknowledged, so a shard that already aborted on its own time-out
                    // (or whose Ack was lost) never answers the retransmissions.
                    if *s != before || !mutant::on("two-phase-commit/ack-only-on-change") {
                        out.resend(from, Msg::Ack);
                    }
                }
                _ => {}
            },
            Node::Coordinator(c) => match msg {
                // Seeded bug: yes votes are still counted after the decision.
                Msg::Vote(true)
                    if c.phase == Phase::Collecting
                        || mutant::on("two-phase-commit/count-vote-after-decision") =>
                {
                    c.yes |= 1 << from;
                    // Seeded bug: commit on the first yes vote.
                    if c.yes == self.all() || mutant::on("two-phase-commit/commit-on-first-yes") {
                        self.decide(c, Phase::Committed, out);
                    }
                }
                Msg::Vote(false) if c.phase == Phase::Collecting => {
                    self.decide(c, Phase::Aborted, out);
                }
                Msg::Ack if c.phase != Phase::Collecting => {
                    c.acks |= 1 << from;
                    // Seeded bug: the first Ack stops the retransmissions to every shard.
                    if c.acks == self.all()
                        || mutant::on("two-phase-commit/ack-cancels-retransmit-early")
                    {
                        out.cancel_timer(Timer::Retransmit);
                    }
                }
                _ => {}
            },
        }
        let _ = id;
    }

    fn on_timer(&self, id: NodeId, node: &mut Node, timer: &Timer, out: &mut Effects<Self>) {
        match (node, timer) {
            (Node::Shard(s), Timer::ShardTimeout) => match *s {
                ShardState::Working | ShardState::Asked => *s = ShardState::Aborted,
                ShardState::Prepared if self.revert_after_vote => {
                    *s = ShardState::Reverted;
                    out.record(Event::Revert { tx: 0, shard: id });
                }
                _ => {}
            },
            (Node::Coordinator(c), Timer::VoteTimeout) if c.phase == Phase::Collecting => {
                self.decide(c, Phase::Aborted, out);
            }
            (Node::Coordinator(c), Timer::Retransmit) => self.send_decision(c, true, out),
            _ => {}
        }
    }

    fn choices(&self, _id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        if *node == Node::Shard(ShardState::Asked) {
            out.push(Choice::VoteYes);
            out.push(Choice::VoteNo);
        }
    }

    fn on_choice(&self, _id: NodeId, node: &mut Node, choice: &Choice, out: &mut Effects<Self>) {
        let coordinator = self.coordinator();
        if let Node::Shard(s) = node {
            match choice {
                Choice::VoteYes => {
                    *s = ShardState::Prepared;
                    if !self.revert_after_vote {
                        out.cancel_timer(Timer::ShardTimeout);
                    }
                    out.send(coordinator, Msg::Vote(true));
                }
                Choice::VoteNo => {
                    *s = ShardState::Aborted;
                    out.cancel_timer(Timer::ShardTimeout);
                    out.send(coordinator, Msg::Vote(false));
                }
            }
        }
    }

    fn can_crash(&self, id: NodeId) -> bool {
        id == self.coordinator()
    }

    /// Everything survives (the decision is logged); only the seeded bug loses the decision.
    fn persisted(&self, _id: NodeId, node: &Node) -> Node {
        match node {
            // Seeded bug: the decision is not logged, so a recovered coordinator presumes abort.
            Node::Coordinator(c) if mutant::on("two-phase-commit/unlogged-decision") => {
                Node::Coordinator(Coordinator {
                    phase: Phase::Collecting,
                    ..*c
                })
            }
            other => *other,
        }
    }

    fn on_recover(&self, _id: NodeId, node: &mut Node, out: &mut Effects<Self>) {
        if let Node::Coordinator(c) = node {
            // The vote tally was volatile: undecided means presumed abort.
            if c.phase == Phase::Collecting {
                c.yes = 0;
                self.decide(c, Phase::Aborted, out);
            } else {
                self.send_decision(c, false, out);
            }
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        for (i, n) in nodes.iter().enumerate() {
            let id = NodeId::try_from(i).unwrap_or(NodeId::MAX);
            if let Node::Shard(s) = n {
                let outcome = match s {
                    ShardState::Working | ShardState::Asked => Outcome::Pending,
                    ShardState::Prepared => Outcome::Locked,
                    ShardState::Committed => Outcome::Committed,
                    ShardState::Aborted => Outcome::Aborted,
                    ShardState::Reverted => Outcome::Reverted,
                };
                obs.participant(0, id, outcome);
            }
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&ATOMICITY),
            Property::catalogue(&DEADLOCK_FREEDOM),
            Property::catalogue(&PROGRESS),
            Property::catalogue(&TIMEOUT_REVERT),
            Property::catalogue(&CAN_COMMIT),
            Property::catalogue(&CAN_ABORT),
        ]
    }

    fn symmetry(&self) -> Vec<Vec<NodeId>> {
        vec![(0..self.shards).collect()]
    }

    fn rename_node(&self, node: &Node, rename: &dyn Fn(NodeId) -> NodeId) -> Node {
        let bits = |mut mask: u8| {
            let mut out = 0u8;
            while mask != 0 {
                out |= 1 << rename(mask.trailing_zeros() as NodeId);
                mask &= mask - 1;
            }
            out
        };
        match node {
            Node::Coordinator(c) => Node::Coordinator(Coordinator {
                phase: c.phase,
                yes: bits(c.yes),
                acks: bits(c.acks),
            }),
            other => *other,
        }
    }
}

/// The default kernel configuration: unordered, one message may be lost, async time.
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        loss: 1,
        ..KernelConfig::default()
    }
}

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Shards time out only before voting.
    Default,
    /// A shard that voted yes reverts on its own time-out.
    RevertAfterVote,
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<TwoPhaseCommit>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary:
                "two-phase commit, coordinator and shards, on the world kernel (lossy network, \
                      time-outs, coordinator crash)",
            source: "Gray & Lamport, Consensus on Transaction Commit, ACM TODS 2006, section 3; \
                     PROTOCOLS.md 4.2",
            params: vec![ParamSpec {
                omit_at_default: false,
                name: "shards",
                default: 3,
                min: 1,
                max: 5,
                doc: "number of shards (participants)",
            }],
            kernel: Some(default_kernel()),
            notes: vec![
                "--crashes 1: deadlock_freedom and progress violated (the coordinator crashes \
                 after all votes and the shards stay prepared: 2PC blocks); atomicity holds",
                "--crashes 1 --crash-mode recover: everything holds (the decision is logged and \
                 re-sent; an undecided coordinator presumes abort)",
            ],
            catches: vec![
                "a coordinator that decides without every vote, or a shard that reverts after voting: atomicity, timeout_revert",
                "a lost Prepare, vote or decision that no time-out or retransmission recovers, or a retransmission that skips a shard: progress (one lost message, and three shards, so a skip-the-last bug leaves a shard out while others are served)",
                "a retry loop that never decides: progress, which unlike deadlock_freedom sees armed timers",
            ],
            misses: vec![
                "duplicated or replayed votes and decisions (--replay 1), crashes and 2PC's blocking (--crashes 1, with --crash-mode recover for the log), a bug needing two lost messages (--loss 2) or a fourth shard (-p shards=4)",
                "deadline bounds on locks (--time clocked); concurrent transactions: the model runs one",
            ],
        }
    }

    /// Clocked time: prepare, vote and decision each take up to Δ around the time-outs, and
    /// every fault (a lost or replayed message, a crash) can cost one more retransmission
    /// period. Measured minimal horizons with two shards are 5Δ + 1 + 3Δ per lost message
    /// (6, 9, 12 at Δ = 1; 11, 17, 23 at Δ = 2) and 10 with one replay; this allows 4Δ per
    /// fault of any kind.
    fn horizon(
        &self,
        _variant: Variant,
        _params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let faults = u32::from(kernel.loss) + u32::from(kernel.replay) + u32::from(kernel.crashes);
        Some(kernel.delta * (5 + 4 * faults) + 1)
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec {
                kernel: None,
                value: Variant::Default,
                name: "default",
                summary: "shards time out only before voting; the coordinator retransmits its \
                              logged decision until acknowledged",
                expect: Expect::Holds,
            },
            VariantSpec {
                kernel: None,
                value: Variant::RevertAfterVote,
                name: "revert-after-vote",
                summary: "a shard that voted yes reverts on its own time-out",
                expect: Expect::Violates(vec![ATOMICITY.name, TIMEOUT_REVERT.name]),
            },
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<TwoPhaseCommit>, ConfigError> {
        Ok(World::new(
            TwoPhaseCommit {
                shards: u8::try_from(c.param("shards")).unwrap_or(2),
                revert_after_vote: matches!(c.variant, Variant::RevertAfterVote),
            },
            c.kernel(),
        ))
    }
}
