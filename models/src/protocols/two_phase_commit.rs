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
//! shard has acknowledged, so message loss cannot strand a shard.
//!
//! Concurrent transactions (`-p transactions=N`, 1..=3, default 1): `tx1`, `tx2`, … run at
//! once, each coordinated as above by the one coordinator, over every shard (so the shards
//! stay interchangeable and `--symmetry` stays exact). Messages, timers and votes carry their
//! transaction; each shard keeps a state per transaction and decides each one independently,
//! the coordinator a decision, a tally and acknowledgements per transaction, and the flawed
//! variant reverts per transaction. Whether they contend is the `conflict` parameter:
//! - `0` (default): each transaction writes an object of its own on every shard, so nothing
//!   is shared and the transactions only interleave (the states multiply: two shards, two
//!   transactions and the default's lost message give 4,599,077 states);
//! - `1`: every transaction writes the shard's one object. A shard holds one write lock at a
//!   time (prepared for one transaction): asked to prepare another meanwhile, it waits — it
//!   cannot vote yes until the lock is released by a decision, but may still vote no, and its
//!   time-out or the coordinator's aborts the waiting transaction. `isolation` is checked then
//!   (no two transactions hold the lock of one object), and `deadlock_freedom` and `progress`
//!   say the waits never block: every wait ends in a vote or a time-out. With one transaction
//!   there is nothing to contend for, and `-p conflict=1` is refused as having no effect.
//!
//! Every property is per transaction: `atomicity` and `timeout_revert` for each transaction
//! over its shards, `deadlock_freedom` and `progress` for every transaction decided and every
//! lock released, the witnesses for some transaction committed (aborted) on every shard.
//! With one transaction it is implicit: messages read `Prepare`, `Vote(true)`, node states
//! and charts as before there could be several, and the two parameters at their defaults are
//! left out of files and reports (`ParamSpec::implicit_at_default`), so the reference
//! counterexamples keep their names and bytes. With several, messages read `Prepare(tx2)`,
//! `Vote(tx1, true)`, and a node's changes name the transaction (`shard-a.tx2: asked ->
//! prepared`, `coordinator.tx1.yes: 1 -> 3`).
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
//! - `-p shards=2 -p transactions=2 --network ordered --loss 0` (502,976 states): everything
//!   holds; with `-p conflict=1` (369,862) `isolation` too. `revert-after-vote` there is
//!   violated per transaction in 9 steps (4,089,832 states): `tx1` commits on one shard and is
//!   reverted on the other while `tx2`'s Prepare is delivered before `tx1`'s Commit on the
//!   FIFO channel. With one shard nothing can disagree, and it holds.
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.
//!
//! Abstracted away: the client (the coordinator starts the transaction), the data itself,
//! shard crashes (the failure model crashes only the coordinator).

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use xshard_properties::{
    Event, Lock, LockMode, NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT,
    DEADLOCK_FREEDOM, ISOLATION, PROGRESS, TIMEOUT_REVERT,
};

use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, World};
use crate::mutant;

/// The registry name.
pub const NAME: &str = "two-phase-commit";
/// Parameter: the number of shards.
pub const SHARDS: &str = "shards";
/// Parameter: the number of concurrent transactions.
pub const TRANSACTIONS: &str = "transactions";
/// Parameter: whether the transactions write one object per shard (1) or each its own (0).
pub const CONFLICT: &str = "conflict";
/// The largest number of concurrent transactions (the maximum of `transactions`).
pub const MAX_TRANSACTIONS: usize = 3;

/// The transaction a message, timer or choice concerns (`tx1`, `tx2`, …). With one
/// transaction it is implicit and not shown, so that a single transaction's steps read
/// `Prepare`, `Vote(true)`, `ShardTimeout` as they did before there could be several.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tx {
    index: u8,
    shown: bool,
}

impl Tx {
    /// Transaction number `index` (from 0) of a model with `transactions` of them.
    pub fn new(index: usize, transactions: u8) -> Tx {
        Tx {
            index: u8::try_from(index).unwrap_or(u8::MAX),
            shown: transactions > 1,
        }
    }

    /// The transaction's number, from 0 (its `TxId` in observations and events).
    pub fn index(self) -> usize {
        usize::from(self.index)
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tx{}", u32::from(self.index) + 1)
    }
}

/// Writes `name`, then in parentheses the transaction (when shown) and `arg` (when given):
/// `Vote(tx2, true)`, `Vote(true)` with one transaction, `Prepare(tx1)`, `Prepare`.
fn tagged(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    tx: Tx,
    arg: Option<bool>,
) -> std::fmt::Result {
    f.write_str(name)?;
    match (tx.shown, arg) {
        (false, None) => Ok(()),
        (false, Some(a)) => write!(f, "({a})"),
        (true, None) => write!(f, "({tx:?})"),
        (true, Some(a)) => write!(f, "({tx:?}, {a})"),
    }
}

/// A shard's state for one transaction.
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

/// The coordinator's decision for one transaction.
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

/// The coordinator's state for one transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Coordinator {
    /// Whether it has decided, and what; survives a crash (the decision log).
    pub phase: Phase,
    /// Bit i: shard i voted yes.
    pub yes: u8,
    /// Bit i: shard i acknowledged the decision.
    pub acks: u8,
}

/// A node's state for each transaction, `tx1` first. Only the first `len` entries are used
/// (the rest keep their initial value), and only they are hashed and shown: with one
/// transaction the node hashes and serialises as that transaction's state alone (charts and
/// files read as they did with one transaction, and so do symmetry's signatures); with
/// several it serialises as `{"tx1": …, "tx2": …}`, a record's fields flattened
/// (`{"tx1.phase": …, "tx1.yes": …}`), so a step's changes name the transaction and field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PerTx<T> {
    txs: [T; MAX_TRANSACTIONS],
    len: u8,
}

impl<T: Copy> PerTx<T> {
    fn new(len: u8, init: T) -> Self {
        PerTx {
            txs: [init; MAX_TRANSACTIONS],
            len: len.min(MAX_TRANSACTIONS as u8),
        }
    }

    /// The state for transaction `tx` (by its number, from 0).
    pub fn get(&self, tx: usize) -> T {
        self.txs[tx]
    }

    fn at(&mut self, tx: Tx) -> &mut T {
        &mut self.txs[tx.index()]
    }

    /// The states of the transactions in use, `tx1` first.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.txs.iter().take(usize::from(self.len))
    }
}

impl<T: std::hash::Hash> std::hash::Hash for PerTx<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // The entries in use, without a length: `len` is the model's, the same in every state.
        for t in self.txs.iter().take(usize::from(self.len)) {
            t.hash(state);
        }
    }
}

impl<T: Serialize> Serialize for PerTx<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.len == 1 {
            return self.txs[0].serialize(s);
        }
        // A record's fields are flattened (`tx1.phase`, `tx1.yes`), so a step's changes name
        // the field that changed rather than the whole record.
        let mut map = s.serialize_map(None)?;
        for (i, t) in self.txs.iter().take(usize::from(self.len)).enumerate() {
            let key = format!("tx{}", i + 1);
            match serde_json::to_value(t).map_err(serde::ser::Error::custom)? {
                serde_json::Value::Object(fields) => {
                    for (field, v) in fields {
                        map.serialize_entry(&format!("{key}.{field}"), &v)?;
                    }
                }
                other => map.serialize_entry(&key, &other)?,
            }
        }
        map.end()
    }
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// One of the `shards` resource managers (node ids `0..shards`): its state per transaction.
    Shard(PerTx<ShardState>),
    /// The transaction manager (node id `shards`): its record per transaction.
    Coordinator(PerTx<Coordinator>),
}

/// A message; each concerns one transaction.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// Coordinator to shard, at start: asks the shard to vote.
    Prepare(Tx),
    /// Shard to coordinator: its vote, `true` for yes (prepared), `false` for no.
    Vote(Tx, bool),
    /// Coordinator to shard: the decision is commit (re-sent until acknowledged).
    Commit(Tx),
    /// Coordinator to shard: the decision is abort (re-sent until acknowledged).
    Abort(Tx),
    /// Shard to coordinator: the decision was received.
    Ack(Tx),
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Msg::Prepare(t) => tagged(f, "Prepare", t, None),
            Msg::Vote(t, yes) => tagged(f, "Vote", t, Some(yes)),
            Msg::Commit(t) => tagged(f, "Commit", t, None),
            Msg::Abort(t) => tagged(f, "Abort", t, None),
            Msg::Ack(t) => tagged(f, "Ack", t, None),
        }
    }
}

/// A timer; each concerns one transaction.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// A shard gives up waiting (allowed to abort only before voting).
    ShardTimeout(Tx),
    /// The coordinator gives up waiting for votes.
    VoteTimeout(Tx),
    /// The coordinator re-sends its decision to shards that have not acknowledged it.
    Retransmit(Tx),
}

impl std::fmt::Debug for Timer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Timer::ShardTimeout(t) => tagged(f, "ShardTimeout", t, None),
            Timer::VoteTimeout(t) => tagged(f, "VoteTimeout", t, None),
            Timer::Retransmit(t) => tagged(f, "Retransmit", t, None),
        }
    }
}

/// A shard's vote on a transaction.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// Prepare: take the write lock and vote yes.
    VoteYes(Tx),
    /// Abort at once and vote no.
    VoteNo(Tx),
}

impl std::fmt::Debug for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Choice::VoteYes(t) => tagged(f, "VoteYes", t, None),
            Choice::VoteNo(t) => tagged(f, "VoteNo", t, None),
        }
    }
}

/// The protocol: `shards` shards and a coordinator (node id `shards`), running `transactions`
/// transactions at once, each over every shard.
#[derive(Clone, Debug)]
pub struct TwoPhaseCommit {
    /// The number of shards (the `shards` parameter); the coordinator's id is this number.
    pub shards: u8,
    /// The number of concurrent transactions (the `transactions` parameter, at most
    /// [`MAX_TRANSACTIONS`]).
    pub transactions: u8,
    /// The transactions write one object per shard (the `conflict` parameter): a shard holds
    /// at most one transaction's lock, and another waits for it (or votes no, or times out).
    pub conflict: bool,
    /// The flaw: a shard keeps its time-out after voting yes and reverts on it.
    pub revert_after_vote: bool,
}

/// Ticks before a time-out fires, in clocked time.
const TIMEOUT: u32 = 3;

impl TwoPhaseCommit {
    /// `shards` shards running one transaction (the model before concurrent transactions).
    pub fn single(shards: u8, revert_after_vote: bool) -> Self {
        TwoPhaseCommit {
            shards,
            transactions: 1,
            conflict: false,
            revert_after_vote,
        }
    }

    fn coordinator(&self) -> NodeId {
        self.shards
    }

    fn all(&self) -> u8 {
        u8::try_from((1u32 << self.shards) - 1).unwrap_or(u8::MAX)
    }

    /// The transactions, `tx1` first.
    fn txs(&self) -> impl Iterator<Item = Tx> + '_ {
        (0..usize::from(self.transactions)).map(|t| Tx::new(t, self.transactions))
    }

    /// The object transaction `tx` writes on `shard`: the shard's one object when the
    /// transactions conflict, otherwise one of its own (`shard` itself for `tx1`).
    fn object(&self, tx: usize, shard: NodeId) -> u8 {
        if self.conflict {
            shard
        } else {
            u8::try_from(tx * usize::from(self.shards)).unwrap_or(u8::MAX) + shard
        }
    }

    fn decide(&self, c: &mut Coordinator, tx: Tx, phase: Phase, out: &mut Effects<Self>) {
        c.phase = phase;
        // Seeded mutant (equivalent): the vote time-out is left armed; its handler acts only
        // while collecting, so it fires as a no-op.
        if !mutant::on("two-phase-commit/keep-vote-timeout") {
            out.cancel_timer(Timer::VoteTimeout(tx));
        }
        self.send_decision(c, tx, false, out);
    }

    /// Sends the decision on `tx` to every shard that has not acknowledged it (`retransmit`:
    /// on the retransmission timer).
    fn send_decision(&self, c: &Coordinator, tx: Tx, retransmit: bool, out: &mut Effects<Self>) {
        let msg = if c.phase == Phase::Committed {
            Msg::Commit(tx)
        } else {
            Msg::Abort(tx)
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
            out.set_timer(Timer::Retransmit(tx), TIMEOUT);
        }
    }

    fn shard_message(
        &self,
        s: &mut PerTx<ShardState>,
        from: NodeId,
        msg: Msg,
        out: &mut Effects<Self>,
    ) {
        match msg {
            Msg::Prepare(tx) => {
                let st = s.at(tx);
                if *st == ShardState::Working {
                    *st = ShardState::Asked;
                } else if *st == ShardState::Aborted
                    && mutant::on("two-phase-commit/prepare-after-abort")
                {
                    // Seeded bug: a (late or replayed) Prepare revives a shard that already
                    // aborted.
                    *st = ShardState::Asked;
                }
            }
            Msg::Commit(tx) | Msg::Abort(tx) => {
                let st = s.at(tx);
                let before = *st;
                if matches!(msg, Msg::Commit(_)) && *st == ShardState::Prepared {
                    *st = ShardState::Committed;
                }
                if matches!(msg, Msg::Abort(_))
                    && matches!(
                        st,
                        ShardState::Working | ShardState::Asked | ShardState::Prepared
                    )
                {
                    *st = ShardState::Aborted;
                }
                let changed = *st != before;
                out.cancel_timer(Timer::ShardTimeout(tx));
                // A reply to a decision that may be a retransmission: one Ack in flight
                // stands for all of them. Seeded bug: only a decision that changed the
                // shard is acknowledged, so a shard that already aborted on its own time-out
                // (or whose Ack was lost) never answers the retransmissions.
                if changed || !mutant::on("two-phase-commit/ack-only-on-change") {
                    out.resend(from, Msg::Ack(tx));
                }
            }
            Msg::Vote(..) | Msg::Ack(_) => {}
        }
    }

    fn coordinator_message(
        &self,
        cs: &mut PerTx<Coordinator>,
        from: NodeId,
        msg: Msg,
        out: &mut Effects<Self>,
    ) {
        match msg {
            Msg::Vote(tx, true) => {
                let c = cs.at(tx);
                // Seeded bug: yes votes are still counted after the decision.
                if c.phase == Phase::Collecting
                    || mutant::on("two-phase-commit/count-vote-after-decision")
                {
                    c.yes |= 1 << from;
                    // Seeded bug: commit on the first yes vote.
                    if c.yes == self.all() || mutant::on("two-phase-commit/commit-on-first-yes") {
                        self.decide(c, tx, Phase::Committed, out);
                    }
                }
            }
            Msg::Vote(tx, false) => {
                let c = cs.at(tx);
                if c.phase == Phase::Collecting {
                    self.decide(c, tx, Phase::Aborted, out);
                }
            }
            Msg::Ack(tx) => {
                let c = cs.at(tx);
                if c.phase != Phase::Collecting {
                    c.acks |= 1 << from;
                    // Seeded bug: the first Ack stops the retransmissions to every shard.
                    if c.acks == self.all()
                        || mutant::on("two-phase-commit/ack-cancels-retransmit-early")
                    {
                        out.cancel_timer(Timer::Retransmit(tx));
                    }
                }
            }
            Msg::Prepare(_) | Msg::Commit(_) | Msg::Abort(_) => {}
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
            for tx in self.txs() {
                for s in 0..self.shards {
                    out.send(s, Msg::Prepare(tx));
                }
                out.set_timer(Timer::VoteTimeout(tx), TIMEOUT);
            }
            Node::Coordinator(PerTx::new(
                self.transactions,
                Coordinator {
                    phase: Phase::Collecting,
                    yes: 0,
                    acks: 0,
                },
            ))
        } else {
            for tx in self.txs() {
                out.set_timer(Timer::ShardTimeout(tx), TIMEOUT);
            }
            Node::Shard(PerTx::new(self.transactions, ShardState::Working))
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
            Node::Shard(s) => self.shard_message(s, from, *msg, out),
            Node::Coordinator(cs) => self.coordinator_message(cs, from, *msg, out),
        }
    }

    fn on_timer(&self, id: NodeId, node: &mut Node, timer: &Timer, out: &mut Effects<Self>) {
        match (node, *timer) {
            (Node::Shard(s), Timer::ShardTimeout(tx)) => {
                let st = s.at(tx);
                match *st {
                    ShardState::Working | ShardState::Asked => *st = ShardState::Aborted,
                    ShardState::Prepared if self.revert_after_vote => {
                        *st = ShardState::Reverted;
                        out.record(Event::Revert {
                            tx: tx.index,
                            shard: id,
                        });
                    }
                    _ => {}
                }
            }
            (Node::Coordinator(cs), Timer::VoteTimeout(tx)) => {
                let c = cs.at(tx);
                if c.phase == Phase::Collecting {
                    self.decide(c, tx, Phase::Aborted, out);
                }
            }
            (Node::Coordinator(cs), Timer::Retransmit(tx)) => {
                self.send_decision(cs.at(tx), tx, true, out);
            }
            _ => {}
        }
    }

    fn choices(&self, _id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        if let Node::Shard(s) = node {
            // With conflicting transactions a shard holds at most one transaction's lock: one
            // asked while another is prepared here waits (it may still vote no, and its
            // time-out aborts it).
            let locked = self.conflict && s.iter().any(|st| *st == ShardState::Prepared);
            for tx in self.txs() {
                if s.get(tx.index()) == ShardState::Asked {
                    if !locked {
                        out.push(Choice::VoteYes(tx));
                    }
                    out.push(Choice::VoteNo(tx));
                }
            }
        }
    }

    fn on_choice(&self, _id: NodeId, node: &mut Node, choice: &Choice, out: &mut Effects<Self>) {
        let coordinator = self.coordinator();
        if let Node::Shard(s) = node {
            match *choice {
                Choice::VoteYes(tx) => {
                    *s.at(tx) = ShardState::Prepared;
                    if !self.revert_after_vote {
                        out.cancel_timer(Timer::ShardTimeout(tx));
                    }
                    out.send(coordinator, Msg::Vote(tx, true));
                }
                Choice::VoteNo(tx) => {
                    *s.at(tx) = ShardState::Aborted;
                    out.cancel_timer(Timer::ShardTimeout(tx));
                    out.send(coordinator, Msg::Vote(tx, false));
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
            Node::Coordinator(cs) if mutant::on("two-phase-commit/unlogged-decision") => {
                let mut lost = *cs;
                for tx in self.txs() {
                    lost.at(tx).phase = Phase::Collecting;
                }
                Node::Coordinator(lost)
            }
            other => *other,
        }
    }

    fn on_recover(&self, _id: NodeId, node: &mut Node, out: &mut Effects<Self>) {
        if let Node::Coordinator(cs) = node {
            for tx in self.txs() {
                let c = cs.at(tx);
                // The vote tally was volatile: undecided means presumed abort.
                if c.phase == Phase::Collecting {
                    c.yes = 0;
                    self.decide(c, tx, Phase::Aborted, out);
                } else {
                    self.send_decision(c, tx, false, out);
                }
            }
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        for (i, n) in nodes.iter().enumerate() {
            let id = NodeId::try_from(i).unwrap_or(NodeId::MAX);
            if let Node::Shard(s) = n {
                for (t, st) in s.iter().enumerate() {
                    let tx = u8::try_from(t).unwrap_or(u8::MAX);
                    let outcome = match st {
                        ShardState::Working | ShardState::Asked => Outcome::Pending,
                        ShardState::Prepared => Outcome::Locked,
                        ShardState::Committed => Outcome::Committed,
                        ShardState::Aborted => Outcome::Aborted,
                        ShardState::Reverted => Outcome::Reverted,
                    };
                    obs.outcome(tx, id, outcome);
                    // A prepared shard holds its write lock on the object the transaction
                    // writes there.
                    if outcome == Outcome::Locked {
                        obs.locks.push(Lock {
                            object: self.object(t, id),
                            shard: id,
                            tx,
                            mode: LockMode::Write,
                            deadline: None,
                        });
                    }
                }
            }
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        let mut props = vec![
            Property::catalogue(&ATOMICITY),
            Property::catalogue(&DEADLOCK_FREEDOM),
            Property::catalogue(&PROGRESS),
            Property::catalogue(&TIMEOUT_REVERT),
        ];
        // Transactions contend for locks only when they write one object per shard.
        if self.conflict && self.transactions > 1 {
            props.push(Property::catalogue(&ISOLATION));
        }
        props.push(Property::catalogue(&CAN_COMMIT));
        props.push(Property::catalogue(&CAN_ABORT));
        props
    }

    fn symmetry(&self) -> Vec<Vec<NodeId>> {
        // Every transaction concerns every shard alike (and with `conflict` every shard keeps
        // one object that all of them write), so the shards stay interchangeable.
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
            Node::Coordinator(cs) => {
                let mut renamed = *cs;
                for tx in self.txs() {
                    let c = renamed.at(tx);
                    c.yes = bits(c.yes);
                    c.acks = bits(c.acks);
                }
                Node::Coordinator(renamed)
            }
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
            params: vec![
                ParamSpec::new(SHARDS, 3, 1..=5, "number of shards (participants)"),
                ParamSpec::new(
                    TRANSACTIONS,
                    1,
                    1..=MAX_TRANSACTIONS as u32,
                    "concurrent transactions (tx1, tx2, ...), each coordinated by the one \
                     coordinator over every shard and decided independently; the states \
                     multiply (-p shards=2 -p transactions=2: 4,599,077 with the default's \
                     lost message, 502,976 with --network ordered --loss 0)",
                )
                .implicit_at_default(),
                ParamSpec::new(
                    CONFLICT,
                    0,
                    0..=1,
                    "0: each transaction writes its own object on every shard (independent); \
                     1: all write the shard's one object, so a shard holds one transaction's \
                     lock at a time and another waits for it, votes no or times out (isolation \
                     is checked); needs -p transactions=2 or more",
                )
                .implicit_at_default(),
            ],
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
                "deadline bounds on locks (--time clocked); concurrent transactions and their contention for a shard's lock (-p transactions=2, -p conflict=1): the default runs one",
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
        let transactions = u8::try_from(c.param(TRANSACTIONS)).unwrap_or(1);
        let conflict = c.param(CONFLICT) == 1;
        // One transaction has nothing to contend with: a report headed "conflict=1" over
        // exactly the states of "conflict=0" would claim a check that never happened.
        if conflict && transactions < 2 {
            return Err(ConfigError::NoEffect {
                setting: CONFLICT,
                model: NAME.to_string(),
                reason: "one transaction has nothing to conflict with".to_string(),
                valid: "0, or 1 with -p transactions=2 or more".to_string(),
            });
        }
        Ok(World::new(
            TwoPhaseCommit {
                shards: u8::try_from(c.param(SHARDS)).unwrap_or(2),
                transactions,
                conflict,
                revert_after_vote: matches!(c.variant, Variant::RevertAfterVote),
            },
            c.kernel(),
        ))
    }
}
