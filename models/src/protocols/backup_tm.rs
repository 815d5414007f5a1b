//! `backup-tm`: two-phase commit with a backup transaction manager that takes over when it
//! times out waiting for the primary, by message passing on the world kernel, over a lossy
//! network with a primary that may crash.
//!
//! Sources. Gray & Lamport, "Consensus on Transaction Commit", ACM TODS 31(1), 2006 (MSR-TR-
//! 2003-96), §3.3–§5 (PROTOCOLS.md §4.2–§4.5): 2PC blocks when its TM fails (§3.3), and
//! whoever finishes for it must first learn what was decided, which Paxos Commit does with
//! a consensus on each vote (§4). A backup TM that takes over is only as good as what it
//! knows of the primary's decision. Lamport's TLA+
//! Video Course (Paxos Commit lecture) tells the naive version's failure as a trace,
//! PROTOCOLS.md §7.5 S5: "The primary TM decides to commit and then pauses. The backup TM
//! thinks the primary failed and it decides to take over. The backup TM broadcasts an Abort
//! message. The primary TM resumes and broadcasts a Commit message. Some RMs abort and others
//! commit." `2PCwithBTM.tla` (M. Demirbas, tlaplus/Examples; ported exactly as `tla-2pc-btm`)
//! avoids it with shared memory: its backup takes over only once the TM's state is "hidden"
//! and decides by reading the RMs' states. Here nothing is shared: every step is a message,
//! and the backup knows only what it was told.
//!
//! Nodes: `shards` shards (ids `0..shards`), the primary TM (`primary-tm`, id `shards`) and
//! the backup TM (`backup-tm`, id `shards + 1`); one transaction (`tx1`). A shard is 2PC's
//! resource manager: asked to prepare, it votes yes (prepared, holding its lock) or no
//! (aborted), applies the first decision it receives and acknowledges every decision message
//! to its sender. The primary sends `Prepare` to every shard, collects the votes and decides:
//! commit on every yes, abort on a no vote. The backup arms a take-over time-out at start; if
//! it fires before the backup knows a decision, the backup decides abort (it has no votes, so
//! abort is all it may decide) and tells the shards. In async time that time-out may fire at
//! any moment: a false suspicion, the primary's next step (or the network) merely being slow.
//! Nothing is scripted: the pause is the scheduler's and the network's, a real crash is the
//! kernel's crash budget.
//!
//! The default's design: **the decision goes through the backup first.** The backup holds the
//! one decision record, written once and persisted: the first of the primary's proposal
//! (`Propose`) and its own take-over abort wins, and only the record is ever sent to a shard,
//! by the backup, with retransmissions until every shard has acknowledged it. The primary
//! tells no shard anything but `Prepare`; it proposes once (a lost proposal is what the
//! take-over is for) and is not told the outcome (the client is abstracted away). This is
//! 2PC with the TM's decision log on the backup, and it is Gray & Lamport's Paxos Commit
//! (§4) with a single acceptor, the backup (§5: "Two-Phase Commit is the degenerate case of
//! the Paxos Commit algorithm with a single acceptor"), its take-over the change of leader: a
//! new leader that finds no accepted value may only propose abort, and with one acceptor that
//! is the new leader it cannot miss an accepted value.
//!
//! Why it is sound. Atomicity: a shard commits only on `Commit` and aborts after voting yes
//! only on `Abort`; every such message carries the backup's record, which is written at most
//! once and survives a crash, so no two decision messages disagree; a commit is recorded only
//! from a proposal, which needs every yes vote, and a shard that voted yes never aborts on its
//! own. Time-out revert: the take-over (recorded as a revert of `tx1` on the backup, the one
//! time-out that undoes prepared shards' locks) writes abort only when nothing is recorded,
//! so after it nothing commits anywhere: `timeout_revert` holds. Progress: the take-over
//! time-out stays armed until the backup has a record, the record is retransmitted until
//! every shard has acknowledged it, and every timer is disarmed once its work is done (the
//! take-over on recording, the retransmission on the last acknowledgement), so done states
//! are at rest; a lost `Prepare`, vote or proposal leaves the take-over to decide abort.
//!
//! The naive variant (`naive`, S5) differs in one place: the primary sends its decision to the
//! shards itself the moment it decides, in the same step as its proposal to the backup (which
//! still stops the backup's time-out when it arrives first). At the defaults the search finds
//! `atomicity` violated in 9 steps with no fault at all: both shards receive `Prepare`, the
//! backup's time-out fires (Abort to both shards, in flight), shard-a votes yes and its vote
//! arrives, shard-a receives Abort, shard-b votes yes and its vote arrives (the primary
//! decides commit: Commit to both shards), shard-b receives Commit. S5's order, the primary
//! deciding before the backup times out, is another path of the same length. The take-over
//! is a time-out revert of a transaction that commits: `timeout_revert`, 8 steps (the same
//! path without shard-a's Abort, ending with shard-a receiving the Commit).
//!
//! What the checker reports, by configuration (2 shards unless said; state counts in
//! `tests/it/backup_tm.rs`):
//! - default (`--loss 1 --crashes 1`, crash-stop, only the primary may crash, async time):
//!   `atomicity`, `deadlock_freedom`, `progress`, `timeout_revert` hold; both witnesses are
//!   found. The crash is the failure the backup exists for: the backup finishes alone, with
//!   the primary's recorded decision or with abort. Also with `--replay 1`, `--loss 2`,
//!   `--crash-mode recover` (a recovered primary that had not decided proposes abort, its
//!   tally being volatile; its proposal, if any, outlived the crash), `--time clocked` and
//!   `-p shards=1` or `3`.
//! - `naive` at the same defaults: `atomicity` and `timeout_revert` violated (no fault is
//!   needed); `deadlock_freedom` and `progress` hold. With one shard only `timeout_revert` is
//!   (nobody is left to disagree). In clocked time it is violated too, without faults: the
//!   shards' votes are not bounded in time, so a time-out cannot tell a slow vote from a dead
//!   primary.
//! - `-p backup_crash=1` (the backup may crash instead of the primary; one crash in all):
//!   with crash-stop, `deadlock_freedom` and `progress` are violated; atomicity holds. A
//!   backup that crashes before its record reaches every shard leaves them pending or
//!   prepared for good: the primary cannot decide alone, since it cannot tell a crashed backup
//!   from one whose take-over abort is on its way. This is inherent to a single decision
//!   record, as 2PC blocks when its TM fails (Gray & Lamport, abstract: Paxos Commit "uses
//!   2F + 1 coordinators and makes progress if at least F + 1 of them are working
//!   properly"; 2PC is its F = 0 case), not a bug of the design. With `--crash-mode recover` everything holds
//!   (the backup re-arms its time-out or re-sends its record), also with `--crashes 2`.
//! - both TMs crashing for good (`-p backup_crash=1 --crashes 2`, crash-stop) is outside the
//!   failure model, as any single crash of the backup is: nobody is left to decide.
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.
//!
//! Abstracted away: the client (and so the primary learning the outcome), the data, the
//! shards' own time-outs before voting (`two-phase-commit` has them; here the backup's
//! take-over is the one time-out, and a shard that gives up is a no vote), shard crashes
//! (2PC's failure model crashes the TM), and a backup that collects votes itself (it only
//! aborts, as a Paxos Commit leader that finds no accepted value must). No channel ever holds
//! two messages in the default, so `--network ordered` changes nothing there.

use serde::Serialize;
use xshard_properties::{
    Event, NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT, DEADLOCK_FREEDOM,
    PROGRESS, TIMEOUT_REVERT,
};

use crate::entry::{Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, World};

/// The registry name.
pub const NAME: &str = "backup-tm";

/// A shard's state for the transaction (2PC's resource manager).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShardState {
    /// Not asked yet.
    Working,
    /// Asked to prepare, not voted yet.
    Asked,
    /// Voted yes: holds its lock.
    Prepared,
    /// Applied a commit decision.
    Committed,
    /// Voted no, or applied an abort decision.
    Aborted,
}

/// A decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Commit: every shard voted yes.
    Commit,
    /// Abort.
    Abort,
}

/// The primary TM's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Primary {
    /// The decision it proposed to the backup, once it has decided; survives a crash (its
    /// log).
    pub decided: Option<Decision>,
    /// Bit i: shard i voted yes (volatile: cleared on recovery).
    pub yes: u8,
}

/// The backup TM's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Backup {
    /// The decision record: written once (the primary's proposal, or abort on take-over) and
    /// persisted.
    pub record: Option<Decision>,
    /// Bit i: shard i acknowledged the recorded decision.
    pub acks: u8,
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// One of the `shards` resource managers (node ids `0..shards`).
    Shard(ShardState),
    /// The primary transaction manager (node id `shards`).
    Primary(Primary),
    /// The backup transaction manager (node id `shards + 1`).
    Backup(Backup),
}

/// A message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// Primary to shard, at start: asks the shard to vote.
    Prepare,
    /// Shard to primary: its vote, `true` for yes (prepared), `false` for no.
    Vote(bool),
    /// Primary to backup: the primary's decision, to be recorded.
    Propose(Decision),
    /// To a shard: the decision is commit (the backup re-sends it until acknowledged).
    Commit,
    /// To a shard: the decision is abort (the backup re-sends it until acknowledged).
    Abort,
    /// Shard to the sender of a decision: it was received.
    Ack,
}

/// A timer (both are the backup's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// The backup suspects the primary and takes over.
    Takeover,
    /// The backup re-sends its record to the shards that have not acknowledged it.
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

/// The protocol: `shards` shards, the primary (id `shards`) and the backup (id `shards + 1`).
#[derive(Clone, Debug)]
pub struct BackupTm {
    /// The number of shards (the `shards` parameter).
    pub shards: u8,
    /// The flaw (S5): the primary tells the shards its decision itself, before the backup
    /// has recorded it.
    pub naive: bool,
    /// Whether the backup may crash too (the `backup_crash` parameter); the primary always may.
    pub backup_may_crash: bool,
}

/// Ticks between the backup's retransmissions, in clocked time (2PC's).
const RETRANSMIT: u32 = 3;

/// Ticks before the backup takes over, in clocked time.
const TAKEOVER: u32 = 3;

impl BackupTm {
    fn primary(&self) -> NodeId {
        self.shards
    }

    fn backup(&self) -> NodeId {
        self.shards + 1
    }

    fn all(&self) -> u8 {
        u8::try_from((1u32 << self.shards) - 1).unwrap_or(u8::MAX)
    }

    /// Sends `d` to every shard whose bit in `acks` is clear (`retransmit`: on the
    /// retransmission timer, where a copy still in flight stands for the retransmission).
    fn tell_shards(&self, d: Decision, acks: u8, retransmit: bool, out: &mut Effects<Self>) {
        let msg = match d {
            Decision::Commit => Msg::Commit,
            Decision::Abort => Msg::Abort,
        };
        for s in 0..self.shards {
            if acks & (1 << s) == 0 {
                if retransmit {
                    out.resend(s, msg);
                } else {
                    out.send(s, msg);
                }
            }
        }
    }

    /// The primary decides `d`: every yes vote, a no vote, or presumed abort on recovery.
    fn primary_decides(&self, p: &mut Primary, d: Decision, out: &mut Effects<Self>) {
        p.decided = Some(d);
        out.send(self.backup(), Msg::Propose(d));
        if self.naive {
            // The flaw: the shards hear the decision before the backup has recorded it, so a
            // backup that takes over meanwhile records and sends the other one.
            self.tell_shards(d, 0, false, out);
        }
    }

    /// The backup writes its record (the first proposal, or abort on take-over) and starts
    /// telling the shards.
    fn backup_records(&self, b: &mut Backup, d: Decision, out: &mut Effects<Self>) {
        b.record = Some(d);
        out.cancel_timer(Timer::Takeover);
        self.tell_shards(d, b.acks, false, out);
        self.backup_rearm(b, out);
    }

    /// Arms the retransmission timer while a shard has not acknowledged the record, disarms
    /// it once every shard has (done states must be at rest).
    fn backup_rearm(&self, b: &Backup, out: &mut Effects<Self>) {
        if b.record.is_some() && b.acks != self.all() {
            out.set_timer(Timer::Retransmit, RETRANSMIT);
        } else {
            out.cancel_timer(Timer::Retransmit);
        }
    }
}

impl Protocol for BackupTm {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.shards)
            .map(|i| format!("shard-{}", char::from(b'a' + i)))
            .collect();
        names.push("primary-tm".to_string());
        names.push("backup-tm".to_string());
        names
    }

    fn init(&self, id: NodeId, out: &mut Effects<Self>) -> Node {
        if id == self.primary() {
            for s in 0..self.shards {
                out.send(s, Msg::Prepare);
            }
            Node::Primary(Primary {
                decided: None,
                yes: 0,
            })
        } else if id == self.backup() {
            out.set_timer(Timer::Takeover, TAKEOVER);
            Node::Backup(Backup {
                record: None,
                acks: 0,
            })
        } else {
            Node::Shard(ShardState::Working)
        }
    }

    fn on_message(
        &self,
        _id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: &Msg,
        out: &mut Effects<Self>,
    ) {
        match node {
            Node::Shard(s) => match msg {
                Msg::Prepare if *s == ShardState::Working => *s = ShardState::Asked,
                Msg::Commit | Msg::Abort => {
                    // The first decision a shard receives is final; a later one changes
                    // nothing (in the default it is the same decision again).
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
                    // A reply to a decision that may be a retransmission: one Ack in flight
                    // stands for all of them.
                    out.resend(from, Msg::Ack);
                }
                _ => {}
            },
            Node::Primary(p) => match *msg {
                Msg::Vote(true) if p.decided.is_none() => {
                    p.yes |= 1 << from;
                    if p.yes == self.all() {
                        self.primary_decides(p, Decision::Commit, out);
                    }
                }
                Msg::Vote(false) if p.decided.is_none() => {
                    self.primary_decides(p, Decision::Abort, out);
                }
                // Acknowledgements of the naive primary's own decisions: it does not
                // retransmit, so it has nothing to stop.
                _ => {}
            },
            Node::Backup(b) => match *msg {
                Msg::Propose(d) if b.record.is_none() => self.backup_records(b, d, out),
                Msg::Ack if b.record.is_some() => {
                    b.acks |= 1 << from;
                    self.backup_rearm(b, out);
                }
                _ => {}
            },
        }
    }

    fn on_timer(&self, id: NodeId, node: &mut Node, timer: &Timer, out: &mut Effects<Self>) {
        if let Node::Backup(b) = node {
            match timer {
                Timer::Takeover if b.record.is_none() => {
                    // The take-over: the backup has no votes, so it can only abort, and it
                    // undoes on a time-out whatever the shards hold (a time-out revert of
                    // tx1, which timeout_revert judges).
                    out.record(Event::Revert { tx: 0, shard: id });
                    self.backup_records(b, Decision::Abort, out);
                }
                Timer::Retransmit => {
                    if let Some(d) = b.record {
                        self.tell_shards(d, b.acks, true, out);
                    }
                    self.backup_rearm(b, out);
                }
                Timer::Takeover => {}
            }
        }
    }

    fn choices(&self, _id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        if *node == Node::Shard(ShardState::Asked) {
            out.push(Choice::VoteYes);
            out.push(Choice::VoteNo);
        }
    }

    fn on_choice(&self, _id: NodeId, node: &mut Node, choice: &Choice, out: &mut Effects<Self>) {
        let primary = self.primary();
        if let Node::Shard(s) = node {
            let yes = *choice == Choice::VoteYes;
            *s = if yes {
                ShardState::Prepared
            } else {
                ShardState::Aborted
            };
            out.send(primary, Msg::Vote(yes));
        }
    }

    /// The primary may always crash (the failure the backup is for); the backup only with
    /// `-p backup_crash=1`. Shards do not crash (2PC's failure model).
    fn can_crash(&self, id: NodeId) -> bool {
        id == self.primary() || (id == self.backup() && self.backup_may_crash)
    }

    fn on_recover(&self, _id: NodeId, node: &mut Node, out: &mut Effects<Self>) {
        match node {
            Node::Primary(p) => {
                // The vote tally was volatile: undecided means presumed abort, proposed like
                // any decision, so the backup's record still decides. A primary that had
                // decided has already proposed, and the message outlives its crash.
                p.yes = 0;
                if p.decided.is_none() {
                    self.primary_decides(p, Decision::Abort, out);
                }
            }
            Node::Backup(b) => match b.record {
                // Still undecided: the take-over time-out is armed again.
                None => out.set_timer(Timer::Takeover, TAKEOVER),
                Some(d) => {
                    self.tell_shards(d, b.acks, true, out);
                    self.backup_rearm(b, out);
                }
            },
            Node::Shard(_) => {}
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
            Node::Primary(p) => Node::Primary(Primary {
                yes: bits(p.yes),
                ..*p
            }),
            Node::Backup(b) => Node::Backup(Backup {
                acks: bits(b.acks),
                ..*b
            }),
            other => *other,
        }
    }
}

/// The default kernel configuration: unordered, one message may be lost, one crash-stop (of
/// the primary), async time.
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        loss: 1,
        crashes: 1,
        ..KernelConfig::default()
    }
}

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The decision goes through the backup first.
    Default,
    /// The primary tells the shards before the backup records (S5).
    Naive,
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<BackupTm>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "two-phase commit with a backup TM that takes over on a time-out, by \
                      message passing (lossy network, primary crash)",
            source: "Gray & Lamport, Consensus on Transaction Commit, ACM TODS 2006, sections \
                     3.3-5; Lamport, TLA+ Video Course, Paxos Commit lecture; PROTOCOLS.md 4.3, \
                     7.5 S5",
            params: vec![
                ParamSpec {
                    name: "shards",
                    default: 2,
                    min: 1,
                    max: 3,
                    doc: "number of shards (participants)",
                    implicit_default: false,
                },
                ParamSpec {
                    name: "backup_crash",
                    default: 0,
                    min: 0,
                    max: 1,
                    doc: "1: the backup TM may crash too (the crash budget is shared)",
                    implicit_default: false,
                },
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "naive: atomicity and timeout_revert violated without any fault (the backup's \
                 time-out fires while the primary's Commit is in flight: a false suspicion); \
                 also in --time clocked, where the votes are not bounded in time",
                "--crash-mode recover, --replay 1, --loss 2, --time clocked, -p shards=3: \
                 everything holds (the record is persisted; a recovered primary that had not \
                 decided proposes abort)",
                "-p backup_crash=1: deadlock_freedom and progress violated with crash-stop (a \
                 backup that crashes before its record reaches the shards leaves them pending \
                 or prepared: a single decision record blocks when lost, as 2PC's TM does); \
                 everything holds with --crash-mode recover",
                "both TMs crashing for good (-p backup_crash=1 --crashes 2) is outside the \
                 failure model: nobody is left to decide",
            ],
            catches: vec![
                "a decision that reaches a shard before the backup has recorded it, or a take-over that overrides a recorded decision: atomicity, timeout_revert (the backup's time-out may fire at any moment in async time, so no fault is needed)",
                "a primary crash or a lost message that the take-over or the record's retransmission does not recover, or a timer left armed once done: progress (one crash of the primary, one lost message)",
            ],
            misses: vec![
                "a crash of the backup (-p backup_crash=1: blocks by design), a crash with recovery (--crash-mode recover), replayed messages (--replay 1), a bug needing two lost messages (--loss 2) or a third shard (-p shards=3)",
                "time-out bounds (--time clocked); shard crashes, the shards' own time-outs, concurrent transactions and a backup that collects votes itself (abstracted away)",
            ],
        }
    }

    /// Clocked time: the take-over or the proposal, then the decision and its acknowledgement,
    /// take 4Δ + 3 ticks, and every fault (a lost or replayed message, a crash) can cost one
    /// more take-over or retransmission period and its round trip. Measured minimal horizons
    /// with two shards: 6, 11, 15 without faults at Δ = 1, 2, 3; one lost message 11, 20, 27;
    /// two 14, 26, 36; one replay 7, 13, 18; a lost message and a crash-recover 12, 22; a lost
    /// message and two crash-recovers of either TM 20, 38. This allows 3Δ + 3 per fault.
    fn horizon(
        &self,
        _variant: Variant,
        _params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let faults = u32::from(kernel.loss) + u32::from(kernel.replay) + u32::from(kernel.crashes);
        Some(kernel.delta * (4 + 3 * faults) + TAKEOVER.max(RETRANSMIT) * (1 + faults))
    }

    /// The design tolerates a crash of the primary, which the backup covers; a backup that
    /// crashes for good blocks by design (a single decision record, as 2PC's TM; module doc).
    fn outside_failure_model(
        &self,
        params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<String> {
        (params.get("backup_crash") == Some(&1)
            && kernel.crash_mode == crate::kernel::CrashMode::Stop
            && kernel.crashes > 0)
            .then(|| {
                "the backup TM may crash for good: a single decision record blocks".to_string()
            })
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec::holds(
                Variant::Default,
                "default",
                "the decision goes through the backup first: the backup records the first of \
                 the primary's proposal and its own take-over abort, and only the record is \
                 sent to the shards",
            ),
            VariantSpec::violates(
                Variant::Naive,
                "naive",
                "the primary sends its decision to the shards at once; the backup, timing out, \
                 sends Abort (PROTOCOLS.md S5)",
                &[ATOMICITY.name, TIMEOUT_REVERT.name],
            ),
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<BackupTm>, ConfigError> {
        Ok(World::new(
            BackupTm {
                shards: u8::try_from(c.param("shards")).unwrap_or(2),
                naive: matches!(c.variant, Variant::Naive),
                backup_may_crash: c.param("backup_crash") == 1,
            },
            c.kernel(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protocol(naive: bool) -> BackupTm {
        BackupTm {
            shards: 2,
            naive,
            backup_may_crash: false,
        }
    }

    const PRIMARY: NodeId = 2;
    const BACKUP: NodeId = 3;

    /// The primary's state after shard-a's yes vote, and the effects of shard-b's.
    fn second_yes(naive: bool) -> (Node, Effects<BackupTm>) {
        let p = protocol(naive);
        let mut node = Node::Primary(Primary {
            decided: None,
            yes: 0b01,
        });
        let mut out = Effects::new(0);
        p.on_message(PRIMARY, &mut node, 1, &Msg::Vote(true), &mut out);
        (node, out)
    }

    #[test]
    fn the_primary_tells_only_the_backup_unless_naive() {
        let (node, out) = second_yes(false);
        assert_eq!(
            node,
            Node::Primary(Primary {
                decided: Some(Decision::Commit),
                yes: 0b11,
            })
        );
        assert_eq!(out.sent(), [(BACKUP, Msg::Propose(Decision::Commit))]);
        // S5's flaw: the shards hear the decision in the same step as the backup.
        let (_, out) = second_yes(true);
        assert_eq!(
            out.sent(),
            [
                (BACKUP, Msg::Propose(Decision::Commit)),
                (0, Msg::Commit),
                (1, Msg::Commit)
            ]
        );
        assert!(out.armed().is_empty());
    }

    #[test]
    fn the_take_over_aborts_once_and_outranks_a_later_proposal() {
        let p = protocol(false);
        let mut node = p.init(BACKUP, &mut Effects::new(0));
        let mut out = Effects::new(0);
        p.on_timer(BACKUP, &mut node, &Timer::Takeover, &mut out);
        assert_eq!(
            node,
            Node::Backup(Backup {
                record: Some(Decision::Abort),
                acks: 0,
            })
        );
        assert_eq!(out.sent(), [(0, Msg::Abort), (1, Msg::Abort)]);
        assert_eq!(
            out.recorded(),
            [Event::Revert {
                tx: 0,
                shard: BACKUP
            }]
        );
        assert_eq!(out.armed(), [(Timer::Retransmit, RETRANSMIT)]);
        assert_eq!(out.cancelled(), [Timer::Takeover]);
        // The record is written once: the primary's commit, arriving late, is void.
        let before = node;
        let mut out = Effects::new(0);
        p.on_message(
            BACKUP,
            &mut node,
            PRIMARY,
            &Msg::Propose(Decision::Commit),
            &mut out,
        );
        assert_eq!(node, before);
        assert!(out.sent().is_empty());
    }

    #[test]
    fn a_proposal_stops_the_take_over_and_the_last_ack_the_retransmissions() {
        let p = protocol(false);
        let mut node = p.init(BACKUP, &mut Effects::new(0));
        let mut out = Effects::new(0);
        let commit = Msg::Propose(Decision::Commit);
        p.on_message(BACKUP, &mut node, PRIMARY, &commit, &mut out);
        assert_eq!(out.sent(), [(0, Msg::Commit), (1, Msg::Commit)]);
        assert_eq!(out.cancelled(), [Timer::Takeover]);
        assert!(out.recorded().is_empty());
        let mut out = Effects::new(0);
        p.on_message(BACKUP, &mut node, 0, &Msg::Ack, &mut out);
        assert_eq!(out.armed(), [(Timer::Retransmit, RETRANSMIT)]);
        // Done is at rest: the last acknowledgement disarms the timer.
        let mut out = Effects::new(0);
        p.on_message(BACKUP, &mut node, 1, &Msg::Ack, &mut out);
        assert!(out.armed().is_empty());
        assert_eq!(out.cancelled(), [Timer::Retransmit]);
        // A retransmission goes only to shards that have not acknowledged.
        let mut half = Node::Backup(Backup {
            record: Some(Decision::Commit),
            acks: 0b10,
        });
        let mut out = Effects::new(0);
        p.on_timer(BACKUP, &mut half, &Timer::Retransmit, &mut out);
        assert_eq!(out.sent(), [(0, Msg::Commit)]);
    }

    #[test]
    fn recovery_presumes_abort_or_resumes_from_the_record() {
        let p = protocol(false);
        let mut primary = Node::Primary(Primary {
            decided: None,
            yes: 0b01,
        });
        let mut out = Effects::new(0);
        p.on_recover(PRIMARY, &mut primary, &mut out);
        assert_eq!(out.sent(), [(BACKUP, Msg::Propose(Decision::Abort))]);
        assert_eq!(
            primary,
            Node::Primary(Primary {
                decided: Some(Decision::Abort),
                yes: 0,
            })
        );
        let mut undecided = Node::Backup(Backup {
            record: None,
            acks: 0,
        });
        let mut out = Effects::new(0);
        p.on_recover(BACKUP, &mut undecided, &mut out);
        assert_eq!(out.armed(), [(Timer::Takeover, TAKEOVER)]);
        let mut decided = Node::Backup(Backup {
            record: Some(Decision::Abort),
            acks: 0b01,
        });
        let mut out = Effects::new(0);
        p.on_recover(BACKUP, &mut decided, &mut out);
        assert_eq!(out.sent(), [(1, Msg::Abort)]);
        assert_eq!(out.armed(), [(Timer::Retransmit, RETRANSMIT)]);
    }

    #[test]
    fn a_shard_applies_the_first_decision_and_acknowledges_every_one() {
        let p = protocol(true);
        let mut shard = Node::Shard(ShardState::Prepared);
        let mut out = Effects::new(0);
        p.on_message(0, &mut shard, PRIMARY, &Msg::Commit, &mut out);
        assert_eq!(shard, Node::Shard(ShardState::Committed));
        assert_eq!(out.sent(), [(PRIMARY, Msg::Ack)]);
        let mut out = Effects::new(0);
        p.on_message(0, &mut shard, BACKUP, &Msg::Abort, &mut out);
        assert_eq!(shard, Node::Shard(ShardState::Committed));
        assert_eq!(out.sent(), [(BACKUP, Msg::Ack)]);
    }
}
