//! `locking`: the Cross Shard Locking Scheme (1) with Vitalik's release-lock re-expression, and
//! its deadlock remedies (lock time-outs, wound-wait, repeal/confirm), on the world kernel.
//!
//! Sources (PROTOCOLS.md §1): ethresear.ch "Cross Shard Locking Scheme - (1)",
//! <https://ethresear.ch/t/cross-shard-locking-scheme-1/1269>, post #1 (locks on resource
//! shards, execution on the parent shard once every lock proof is present, deadlock handling by
//! lock-holding time-outs or wound-wait), post #18 (Vitalik: `LOCK` on each resource shard
//! targeted at the home shard, execution emits one release-lock message per shard carrying the
//! new value, the lock instance cannot be used again), post #22 (the two-lock deadlock), thread
//! page 2 (Vitalik's repeal/confirm variant); "Cross Shard Locking - Resolving Deadlock",
//! <https://ethresear.ch/t/cross-shard-locking-resolving-deadlock/1275> (wound-wait).
//!
//! # Encoding
//!
//! Resource shards `shard-a`, `shard-b`, … each keep one resource (`obj1`, `obj2`, …) with a
//! value; `home`, the node after them, is the home (parent) shard of every transaction. The
//! transactions compute `written := sum of the values of every resource touched + 1` for each
//! resource they write. Read locks are shared, a write lock conflicts with any other lock. The
//! sizes are parameters (`xshard list locking`), each defaulting to post #22's configuration:
//!
//! - `transactions` (1..=3, default 2): read-write transactions `tx1`, `tx2`, …; one alone
//!   never waits, so nothing can deadlock.
//! - `resources` (1..=3, default 2): resource shards; on one, every transaction queues on
//!   the same lock and no cycle of waits can form.
//! - `pattern` (0..=2, default 1), which resources transaction `t` touches ([`Pattern`]): 0
//!   `disjoint` (it writes resource `t mod resources` and nothing else), 1 `cross` (it writes
//!   that resource and reads every other: with two of each, `tx1` writes `obj1` and reads
//!   `obj2`, `tx2` reads `obj1` and writes `obj2`, the two-lock deadlock of post #22), 2
//!   `write-all` (it writes every resource). Numbered from the fewest conflicts up.
//! - `readers` (0..=2, default 0): read-only transactions after the read-write ones, each
//!   reading every resource, so read locks are actually shared (with the cross pattern,
//!   `tx3` shares `obj2` with `tx1` and `obj1` with `tx2`).
//!
//! At start the home shard sends `LockReq(T)` for each transaction to every resource shard it
//! touches (the lock transactions of step 1; the client is abstracted into the home shard),
//! and a transaction concerns exactly those shards and the home shard.
//!
//! - A resource shard grants a lock when it is compatible with the locks held, records it and
//!   sends `LockProof(T, value)` to the home shard (the Merkle proofs of the lock and of the data,
//!   step 2). An incompatible request waits (per-transaction `waiting`); a freed lock is granted
//!   to waiting transactions oldest first.
//! - The home shard executes `T` once it holds a proof from every resource shard `T` touches: its
//!   `executed` decision is final; it sends `Release(T, new value)` to each resource shard (the
//!   release-lock message of #18). A resource shard applies a release only while it holds `T`'s
//!   lock (replay protection: the lock instance cannot be used twice), then releases.
//! - Every per-shard status is final once decided: a request for a transaction that is already
//!   decided at that shard is ignored, so replays of any message change nothing.
//!
//! # Variants and the commit rule that cannot race the time-out
//!
//! - `default` — lock time-outs whose revert is *proven on the home shard* (the rule of
//!   PROTOCOLS.md §6.3, IBC's proof of non-receipt, and the fix of §1.7 item 2). A resource shard
//!   holding `T`'s lock arms `LockTimeout(T)`. When it fires the shard does not release: it sends
//!   `Cancel(T)` to the home shard and re-arms the timer. The home shard answers from its final
//!   decision: not executed yet → it decides `aborted` (final) and sends `Abort(T)` to every
//!   resource shard; executed → it re-sends the release; aborted → it re-sends `Abort(T)`.
//!   Argument: a resource shard releases `T`'s lock only on `Release(T)` (sent only if the home
//!   shard executed `T`) or on `Abort(T)` (sent only if the home shard decided not to execute
//!   `T`); the home shard decides once, so no two shards can disagree (`atomicity`), and a revert
//!   happens only for a transaction the home shard will never execute (`timeout_revert`). Every
//!   held lock keeps a timer armed, so no quiescent state holds a lock, and a waiting request
//!   either gets the lock (and then a timer) or is aborted (`deadlock_freedom`); from every
//!   reachable state some path decides both transactions and frees every lock (`progress`,
//!   which unlike `deadlock_freedom` also sees retry loops). Locks are
//!   granted only when compatible (`isolation`). None of this depends on timing, so the model
//!   uses **async time** (a timer may fire at any moment), the weakest assumption: the
//!   time-out can race every message and the design is still safe. The time-out retries also
//!   recover a lost `LockProof`, `Cancel`, `Release` or `Abort`.
//! - `no-timeout` — no time-out: `tx1` locks `obj1`, `tx2` locks `obj2`, each waits for the
//!   other forever (post #22, PROTOCOLS.md S1): `deadlock_freedom` is violated. The
//!   counterexample has 6 steps: the two winning lock requests, their two proofs delivered and
//!   the two blocked requests (quiescence needs every message delivered). `progress` is
//!   violated in 2 steps, the two winning lock requests: done is unreachable from there.
//! - `timeout-race` — the lock-holding time-out of post #1 (3a) taken literally: the resource
//!   shard releases on its own time-out and only then tells the home shard (`Cancel`, which
//!   aborts the transaction if it has not executed), independently of the home shard, which may
//!   already have executed with the proof sent before: `atomicity` and `timeout_revert` are
//!   violated.
//! - `wound-wait` — timestamps (`tx1` is older) and wounds (1275): an older transaction that
//!   waits for a conflicting lock of a younger one sends `Wound(younger)` to the home shard —
//!   when it requests, and again whenever a lock is granted to a younger transaction while it
//!   waits (with `-p readers=1` a shared read lock lets a younger transaction overtake a waiting
//!   older one; wounding only at request time then deadlocks, a 12-step counterexample the
//!   checker found in the first version of this model) — and the home shard
//!   aborts the younger transaction if it has not executed (the point of no return, as in 2PC)
//!   (age is the transaction's number: `tx1` is the oldest, readers the youngest)
//!   and sends `Abort` to every resource shard; a younger transaction waits. Wait-for edges go
//!   from younger to older only, so no cycle: deadlock-free with no time-out (S3). The wounded
//!   transaction is not restarted (restart with the same timestamp is abstracted away).
//! - `wound-after-commit` — the blocking shard rolls the wounded transaction back itself (it
//!   releases the lock at once and tells the home shard), without waiting for the home shard's
//!   decision: the home shard may already have executed the wounded transaction, or execute it
//!   before the `Wound` reaches it (the shortest counterexample), which gives a partial
//!   rollback: `atomicity` (and `timeout_revert`) violated (PROTOCOLS.md §1.5, S3).
//! - `repeal-confirm` — Vitalik's 5-step variant (thread page 2): a lock that succeeds is
//!   announced (`Locked(T)`) to the other resource shards; a lock attempt that finds the
//!   resource locked emits `Repeal(T)` to the other resource shards and the home shard, which
//!   unlock or abort `T`; a resource shard that has seen every lock of `T` (and no repeal, as a
//!   repeal excludes a complete set of locks) sends `Confirm(T, value)`; the home shard executes
//!   once every resource shard confirmed. No waiting at all, so no deadlock, and the witness
//!   `all_abort` shows both conflicting transactions repealed (S2): abort-abort, no progress
//!   guarantee.
//!
//! Observation: the home shard's outcome per transaction (pending, committed when executed,
//! aborted) and each resource shard's — a transaction concerns every resource shard it
//! touches, and each always reports it: pending until the lock is held (never heard of it, or waiting);
//! locked; committed when the release is applied; aborted; reverted when a held lock was
//! undone, which also records a `Revert` event. So `can_commit` needs the release applied on
//! both resource shards. Held locks are reported with their mode and no deadline (async time).
//! For `serializability` each resource's value (initially 0) and each transaction's effect
//! (by default `tx1`: obj1 := obj1 + obj2 + 1, `tx2`: obj2 := obj2 + obj1 + 1, a reader writes
//! nothing): a serial order gives (1, 2) or (2, 1); the lost update (1, 1) — both transactions computed
//! from the initial values — is a violation, and so is a transaction that executes without
//! holding every lock (a lock proof missing) or loses a lock before its release is applied
//! (`timeout-race`, `wound-after-commit`: the partial rollback leaves the executed
//! transaction's write unguarded).
//!
//! Crashes. Every node may crash (a shard halting: all of its validators down). What
//! survives is the shard's chain state — values, every slot's lock and status, the home
//! shard's decisions and the proofs it has seen — because each is a state transition
//! recorded on chain (PROTOCOLS.md §0.3, "crash-recover with durable storage"; §1.6: shards
//! are "honest chains with finality", so what a chain has included is never lost); the lock time-outs are the node's local timers and are
//! lost, so a recovered resource shard re-arms the time-out of every lock it still holds. With
//! `--crashes 1` (crash-stop) a halted shard strands its peers' locks: `deadlock_freedom` is
//! violated, which is a halted chain, not a flaw of the scheme; with `--crash-mode recover`
//! everything holds again.
//!
//! No symmetry: the resource shards are not interchangeable — with the default pattern `tx1`
//! writes `obj1` on `shard-a` and reads `obj2` on `shard-b`, `tx2` the other way round (every
//! pattern gives transaction `t` its own written resource), and the home shard has its own
//! role; swapping shards is a symmetry only together with swapping the transactions, whose
//! ages (wound-wait) and numbers the states record, and which are not nodes.
//!
//! Abstracted away: block inclusion, finality and Merkle proofs (a delivered message is a
//! visible, final proof), the 10-block lag, clients.
//!
//! Defaults: unordered delivery, one lost message (`--loss 1`), no replay, async time, so the
//! default run exercises what the lock time-outs are for; `no-timeout`, `wound-wait`,
//! `repeal-confirm` and `wound-after-commit` have no time-out, nothing of theirs re-sends a lost message, and they
//! default to a reliable network (`VariantSpec::kernel`) so that their default runs check the
//! locking discipline rather than the loss. The witnesses follow the sizes: `can_abort` is
//! declared where something can abort (a time-out in `default` and `timeout-race`, a conflict
//! for the wound and repeal variants), `all_abort` (repeal-confirm) where every transaction
//! conflicts on two resources, so that each can lose one lock while its rival loses another.
//! What the checker reports at the defaults: see
//! [`info`] (the variants' expected verdicts) and `tests/it/protocols_a.rs` (pinned counts).
//! `default` also holds with `--loss 0` (94,355 states) and with `--replay 1`.
//!
//! Abstraction limit of `--network ordered`: the home shard sends both transactions' lock
//! requests in one order on each channel, so both resource shards see them in the same order
//! and the two-lock deadlock cannot form — `no-timeout` holds there on a reliable network
//! (`--network ordered --loss 0`). Real shards do not deliver one home shard's requests in
//! lockstep (several home shards, clients submitting directly), which the unordered default
//! models.//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.

mod handlers;

use serde::Serialize;
use xshard_properties::{
    Lock, LockMode, NodeId, Observation, Outcome, TxEffect, Value, Write, ALL_ABORT, ATOMICITY,
    CAN_ABORT, CAN_COMMIT, DEADLOCK_FREEDOM, ISOLATION, PROGRESS, SERIALIZABILITY, TIMEOUT_REVERT,
};

use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{KernelConfig, Property, World};

/// The registry name.
pub const NAME: &str = "locking";
/// Parameter: read-write transactions.
pub const TRANSACTIONS: &str = "transactions";
/// Parameter: resource shards.
pub const RESOURCES: &str = "resources";
/// Parameter: the conflict pattern ([`Pattern`]).
pub const PATTERN: &str = "pattern";
/// Parameter: read-only transactions reading every resource.
pub const READERS: &str = "readers";

/// Largest number of transactions: read-write transactions and read-only readers together
/// (the maxima of `transactions` and `readers`).
pub const TXS: usize = 5;
/// Largest number of resource shards (one resource each; the maximum of `resources`).
pub const RES: usize = 3;

/// The conflict pattern: which resources each read-write transaction touches, and how
/// (`-p pattern=N`; readers read every resource whatever the pattern). Numbered from the
/// fewest conflicts up, so that a sweep's simplest value is the one with none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// 0: transaction `t` writes resource `t mod resources` and touches nothing else: no two
    /// transactions conflict unless there are more of them than resources.
    Disjoint,
    /// 1 (the default, post #22's pair): transaction `t` writes resource `t mod resources` and
    /// reads every other one, so each pair of transactions conflicts on the resources either
    /// writes: with two of each, `tx1` writes `obj1` and reads `obj2`, `tx2` the other way round.
    Cross,
    /// 2: every transaction writes every resource: every pair conflicts everywhere, and no
    /// lock is shared.
    WriteAll,
}

impl Pattern {
    /// The pattern numbered `n` (`pattern`'s range is 0..=2; anything above is `WriteAll`).
    pub fn of(n: u32) -> Pattern {
        match n {
            0 => Pattern::Disjoint,
            1 => Pattern::Cross,
            _ => Pattern::WriteAll,
        }
    }
}

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// `default`: lock time-outs whose revert is decided by the home shard (`Cancel`, then
    /// `Abort` or a re-sent `Release`); every property holds.
    Default,
    /// `no-timeout`: no lock time-out, so two conflicting transactions deadlock.
    NoTimeout,
    /// `timeout-race`: a resource shard releases on its own time-out, racing the home shard's
    /// execution; breaks `atomicity` and `timeout_revert`.
    TimeoutRace,
    /// `wound-wait`: an older transaction wounds a younger one through the home shard, which
    /// aborts it unless it executed; deadlock-free without time-outs.
    WoundWait,
    /// `wound-after-commit`: the blocking shard rolls the wounded transaction back itself, even
    /// after the home shard executed it; breaks `atomicity`.
    WoundAfterCommit,
    /// `repeal-confirm`: Vitalik's variant with `Locked`, `Repeal` and `Confirm` messages and no
    /// waiting; both transactions may be repealed (`all_abort`).
    RepealConfirm,
}

/// A transaction's status at a resource shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum At {
    /// Never heard of it.
    Unknown,
    /// Its lock request waits for a conflicting lock.
    Waiting,
    /// Holds its lock.
    Locked,
    /// The release was applied (committed here).
    Released,
    /// Decided not to lock it (aborted before holding anything).
    Aborted,
    /// Its held lock was undone.
    Reverted,
}

/// A transaction's slot at a resource shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Slot {
    /// How far the transaction has got at this resource shard.
    pub at: At,
    /// Repeal/confirm: bit i set when resource shard i announced its lock of the transaction.
    pub seen: u8,
}

/// A resource shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Resource {
    /// The resource's current value (written by an applied `Release`).
    pub value: u8,
    /// Each transaction's slot, indexed by transaction.
    pub txs: [Slot; TXS],
}

/// The home shard's decision for a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Not decided: waiting for a lock proof (or confirm) from every resource shard.
    Collecting,
    /// Executed (final): `Release` messages carry the new values.
    Executed,
    /// Decided never to execute (final): `Abort` messages tell the resource shards.
    Aborted,
}

/// The home shard's record of a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct HomeTx {
    /// The home shard's decision for the transaction.
    pub phase: Phase,
    /// Bit i: the lock proof (or confirm) of resource shard i is visible.
    pub proofs: u8,
    /// The values the proofs carried.
    pub vals: [u8; RES],
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// A resource shard (`shard-a`, `shard-b`), keeping one resource.
    Resource(Resource),
    /// The home shard: its record of each transaction, indexed by transaction.
    Home([HomeTx; TXS]),
}

/// A transaction in a message or timer (shown as `tx1`, `tx2` like the findings).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tx(pub u8);

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tx{}", u32::from(self.0) + 1)
    }
}

impl Tx {
    fn of(i: usize) -> Tx {
        Tx(tx_id(i))
    }

    fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A message; the first field is the transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// Home → resource: lock the resource for the transaction.
    LockReq(Tx),
    /// Resource → home: the lock is held; the resource's value.
    LockProof(Tx, u8),
    /// Home → resource: the transaction executed; the new value if it wrote the resource.
    Release(Tx, Option<u8>),
    /// Home → resource: the transaction will never execute.
    Abort(Tx),
    /// Resource → home: my lock of the transaction timed out; decide.
    Cancel(Tx),
    /// Wound the (younger) transaction.
    Wound(Tx),
    /// Repeal/confirm: my lock of the transaction is held.
    Locked(Tx),
    /// Repeal/confirm: the transaction could not lock here.
    Repeal(Tx),
    /// Repeal/confirm: every lock of the transaction is held; my value.
    Confirm(Tx, u8),
}

/// A timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// A resource shard's lock-holding time-out for a transaction.
    LockTimeout(Tx),
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct Locking {
    /// Which variant of the scheme is modelled.
    pub variant: Variant,
    /// Active transactions: the read-write ones (`tx1`…) then the readers.
    pub txs: usize,
    /// Resource shards, each keeping one resource: node ids `0..resources`, the home shard
    /// after them.
    pub resources: usize,
    /// `access[t][r]`: how transaction `t` locks resource `r`, `None` when it does not touch it.
    access: [[Option<LockMode>; RES]; TXS],
}

impl Locking {
    /// The model of `variant` with `writers` read-write transactions following `pattern` and
    /// `readers` read-only ones reading every resource, on `resources` resource shards.
    /// Sizes beyond [`TXS`] transactions or [`RES`] resources are clamped.
    pub fn new(
        variant: Variant,
        writers: usize,
        readers: usize,
        resources: usize,
        pattern: Pattern,
    ) -> Locking {
        let resources = resources.clamp(1, RES);
        let txs = (writers + readers).min(TXS);
        let mut access = [[None; RES]; TXS];
        for (t, row) in access.iter_mut().enumerate().take(txs) {
            for (r, a) in row.iter_mut().enumerate().take(resources) {
                *a = if t >= writers {
                    Some(LockMode::Read)
                } else if r == t % resources {
                    Some(LockMode::Write)
                } else {
                    match pattern {
                        Pattern::Disjoint => None,
                        Pattern::Cross => Some(LockMode::Read),
                        Pattern::WriteAll => Some(LockMode::Write),
                    }
                };
            }
        }
        Locking {
            variant,
            txs,
            resources,
            access,
        }
    }

    /// The home shard's node id: after the resource shards.
    pub fn home(&self) -> NodeId {
        node_id(self.resources)
    }

    /// The mode in which transaction `tx` locks resource `r`; `None`: it does not touch `r`.
    pub fn mode(&self, tx: usize, r: usize) -> Option<LockMode> {
        self.access[tx][r]
    }

    /// The resources transaction `tx` touches, in order.
    pub(crate) fn touched(&self, tx: usize) -> impl Iterator<Item = usize> + Clone + '_ {
        (0..self.resources).filter(move |&r| self.access[tx][r].is_some())
    }

    /// Bit `r` set for each resource transaction `tx` touches.
    pub(crate) fn mask(&self, tx: usize) -> u8 {
        self.touched(tx).fold(0, |m, r| m | 1 << r)
    }

    /// Whether transactions `a` and `b` conflict on resource `r`: both touch it and one writes.
    pub(crate) fn conflict(&self, a: usize, b: usize, r: usize) -> bool {
        match (self.access[a][r], self.access[b][r]) {
            (Some(x), Some(y)) => x == LockMode::Write || y == LockMode::Write,
            _ => false,
        }
    }

    /// The resources on which transaction `t` conflicts with some other transaction.
    fn conflicted(&self, t: usize) -> usize {
        (0..self.resources)
            .filter(|&r| (0..self.txs).any(|u| u != t && self.conflict(t, u, r)))
            .count()
    }

    /// Some pair of transactions conflicts somewhere: the variants without a time-out can
    /// abort only then (a wound or a repeal needs a conflict).
    fn any_conflict(&self) -> bool {
        (0..self.txs).any(|t| self.conflicted(t) > 0)
    }
}

fn node_id(i: usize) -> NodeId {
    NodeId::try_from(i).unwrap_or(NodeId::MAX)
}

fn tx_id(i: usize) -> u8 {
    u8::try_from(i).unwrap_or(u8::MAX)
}

impl Locking {
    fn observe_resource(&self, r: usize, res: &Resource, obs: &mut Observation) {
        let shard = node_id(r);
        obs.values.push(Value {
            object: tx_id(r),
            shard,
            initial: 0,
            value: i64::from(res.value),
        });
        for (t, slot) in res.txs.iter().enumerate().take(self.txs) {
            let tx = tx_id(t);
            // A transaction concerns every resource shard it touches: one that has not heard
            // of it yet is pending there, so a witness or a commit cannot skip it.
            let Some(m) = self.mode(t, r) else { continue };
            let outcome = match slot.at {
                At::Unknown | At::Waiting => Outcome::Pending,
                At::Locked => Outcome::Locked,
                At::Released => Outcome::Committed,
                At::Aborted => Outcome::Aborted,
                At::Reverted => Outcome::Reverted,
            };
            obs.outcome(tx, shard, outcome);
            if slot.at == At::Locked {
                obs.locks.push(Lock {
                    object: tx_id(r),
                    shard,
                    tx,
                    mode: m,
                    deadline: None,
                });
            }
        }
    }
}

impl crate::kernel::Protocol for Locking {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Choice = ();

    fn node_names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.resources)
            .map(|r| format!("shard-{}", char::from(b'a' + tx_id(r))))
            .collect();
        names.push("home".to_string());
        names
    }

    fn init(&self, id: NodeId, out: &mut crate::kernel::Effects<Self>) -> Node {
        if id == self.home() {
            for t in 0..self.txs {
                for r in self.touched(t) {
                    out.send(node_id(r), Msg::LockReq(Tx::of(t)));
                }
            }
            Node::Home(
                [HomeTx {
                    phase: Phase::Collecting,
                    proofs: 0,
                    vals: [0; RES],
                }; TXS],
            )
        } else {
            Node::Resource(Resource {
                value: 0,
                txs: [Slot {
                    at: At::Unknown,
                    seen: 0,
                }; TXS],
            })
        }
    }

    fn on_message(
        &self,
        id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: &Msg,
        out: &mut crate::kernel::Effects<Self>,
    ) {
        match node {
            Node::Resource(res) => self.resource_message(id, res, from, *msg, out),
            Node::Home(home) => self.home_message(home, from, *msg, out),
        }
    }

    fn on_timer(
        &self,
        id: NodeId,
        node: &mut Node,
        timer: &Timer,
        out: &mut crate::kernel::Effects<Self>,
    ) {
        if let (Node::Resource(res), Timer::LockTimeout(tx)) = (node, timer) {
            self.lock_timeout(id, res, *tx, out);
        }
    }

    fn can_crash(&self, _id: NodeId) -> bool {
        true
    }

    // `persisted` keeps the whole node (the default): all of it is chain state.

    fn on_recover(&self, _id: NodeId, node: &mut Node, out: &mut crate::kernel::Effects<Self>) {
        // The time-outs were local timers: every lock still held gets its own again, as when
        // it was granted.
        if let Node::Resource(res) = node {
            for (t, slot) in res.txs.iter().enumerate().take(self.txs) {
                if slot.at == At::Locked && self.timed() {
                    out.set_timer(Timer::LockTimeout(Tx::of(t)), 1);
                }
            }
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        for (i, n) in nodes.iter().enumerate() {
            match n {
                Node::Resource(res) => self.observe_resource(i, res, obs),
                Node::Home(home) => {
                    for (t, h) in home.iter().enumerate().take(self.txs) {
                        let outcome = match h.phase {
                            Phase::Collecting => Outcome::Pending,
                            Phase::Executed => Outcome::Committed,
                            Phase::Aborted => Outcome::Aborted,
                        };
                        obs.outcome(tx_id(t), self.home(), outcome);
                    }
                }
            }
        }
        obs.outcomes.sort();
        obs.values.sort();
        // What `release` computes: a transaction writes each resource it write-locks :=
        // the sum of the values of every resource it touches + 1; a reader writes nothing.
        for t in 0..self.txs {
            let reads: Vec<u8> = self.touched(t).map(tx_id).collect();
            let writes = self
                .touched(t)
                .filter(|&r| self.mode(t, r) == Some(LockMode::Write))
                .map(|r| Write {
                    object: tx_id(r),
                    reads: reads.clone(),
                    plus: 1,
                })
                .collect();
            obs.effects.push(TxEffect {
                tx: tx_id(t),
                reads,
                writes,
            });
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        let mut props = vec![
            Property::catalogue(&ATOMICITY),
            Property::catalogue(&DEADLOCK_FREEDOM),
            Property::catalogue(&PROGRESS),
            Property::catalogue(&TIMEOUT_REVERT),
            Property::catalogue(&ISOLATION),
            Property::catalogue(&SERIALIZABILITY),
        ];
        props.push(Property::catalogue(&CAN_COMMIT));
        // Something can abort only through a time-out (default, timeout-race: any transaction,
        // in async time) or a conflict (a wound or a repeal): without either the witness
        // would be missing by design, not by a bug.
        let aborts = match self.variant {
            Variant::NoTimeout => false,
            Variant::Default | Variant::TimeoutRace => true,
            Variant::WoundWait | Variant::WoundAfterCommit | Variant::RepealConfirm => {
                self.any_conflict()
            }
        };
        if aborts {
            props.push(Property::catalogue(&CAN_ABORT));
        }
        // Every transaction repealed at once needs each to lose a lock somewhere while the
        // transaction that beat it loses another elsewhere: each conflicts on two resources.
        if self.variant == Variant::RepealConfirm && (0..self.txs).all(|t| self.conflicted(t) >= 2)
        {
            props.push(Property::catalogue(&ALL_ABORT));
        }
        props
    }
}

/// The default kernel configuration: unordered, async time, one lost message (see the module
/// doc). The lock time-outs are what recovers a lost message, so the default exercises them.
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        loss: 1,
        ..KernelConfig::default()
    }
}

/// The defaults of the variants without lock time-outs (no-timeout, wound-wait,
/// repeal-confirm and wound-after-commit): a reliable network. Nothing in them re-sends a lost message, so under
/// loss they block whatever their locking discipline (see the notes); their defaults check
/// the discipline itself.
pub fn reliable_kernel() -> KernelConfig {
    KernelConfig::default()
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<Locking>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "cross-shard locking scheme (1) with release-lock messages: resource shards, \
                      a home shard, conflicting transactions (2 and 2 by default); time-outs, \
                      wound-wait, repeal/confirm",
            source: "ethresear.ch/t/cross-shard-locking-scheme-1/1269 (#1, #18, #22, page 2); \
                     ethresear.ch/t/cross-shard-locking-resolving-deadlock/1275; PROTOCOLS.md 1, \
                     6.3, 7.5 S1-S3",
            params: vec![
                ParamSpec::new(
                    TRANSACTIONS,
                    2,
                    1..=3,
                    "read-write transactions (tx1, tx2, ...), all from the home shard; with one \
                     nothing can deadlock; 3 with the default's lost message (or --loss 0) are \
                     beyond an exhaustive check in minutes, the reliable variants stay small \
                     (no-timeout 1,308 states, repeal-confirm 49,877)",
                ),
                ParamSpec::new(
                    RESOURCES,
                    2,
                    1..=3,
                    "resource shards (shard-a, shard-b, ...), one resource each (obj1, obj2, \
                     ...); the home shard comes after them; 3 with the default's lost message \
                     are beyond an exhaustive check in minutes",
                ),
                ParamSpec::new(
                    PATTERN,
                    1,
                    0..=2,
                    "which resources transaction t touches: 0 disjoint (writes resource t mod \
                     resources only), 1 cross (writes it and reads every other: tx1 writes obj1 \
                     and reads obj2, tx2 the other way round), 2 write-all (writes every \
                     resource)",
                ),
                ParamSpec::new(
                    READERS,
                    0,
                    0..=2,
                    "read-only transactions after the read-write ones, each reading every \
                     resource (its read locks are shared with the other reads); 2 readers with \
                     the default's lost message take minutes",
                ),
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "-p resources=1 (or -p pattern=0): deadlock_freedom and progress violated under \
                 the default's lost message: a transaction that touches one resource has no \
                 second lock whose time-out would ask the home shard about it, and nothing \
                 re-sends its lost lock request; with --loss 0 everything holds",
                "no-timeout deadlocks from two transactions on two resources (-p transactions=3: \
                 8 steps, 1,308 states) and holds with one transaction, one resource or \
                 disjoint transactions (-p pattern=0)",
                "properties differ by variant: no-timeout has no can_abort witness (nothing can \
                 abort), repeal-confirm adds the all_abort witness",
                "default (one lost message) and with --replay 1: holds (time-out retries \
                 recover lost messages; decided statuses are final); --loss 0: holds, 94,355 \
                 states",
                "serializability: values (1, 2) or (2, 1) only, and every lock held from \
                 execution until the release is applied; timeout-race and wound-after-commit \
                 break it with their partial rollback",
                "default with --loss 1 --replay 1: holds (2,877,669 states, about 30 s)",
                "no-timeout, wound-wait, repeal-confirm and wound-after-commit default to a \
                 reliable network (no time-out of theirs re-sends a lost message): with --loss 1 \
                 deadlock_freedom and progress are violated; with --replay 1 wound-wait and \
                 repeal-confirm hold",
            ],
            catches: vec![
                "partial rollbacks, locks released on a shard's own time-out, executions on a missing lock proof and lost updates: atomicity, timeout_revert, serializability",
                "the two-lock deadlock and retry loops between the resource shards and the home shard: deadlock_freedom, progress",
                "a lost lock request, proof, cancel, release or abort that the time-outs fail to recover (one lost message in the default variant)",
            ],
            misses: vec![
                "replayed messages (--replay 1: 833,683 states) and a double revert by re-locking (needs --replay 1), crashes (--crashes 1)",
                "a third transaction (-p transactions=3), a third resource (-p resources=3), other \
                 conflicts (-p pattern=0 disjoint, 2 write-all) or shared read locks actually \
                 shared (-p readers=1)",
                "under --network ordered the home shard sends every request in one order, so the two-lock deadlock cannot form: no-timeout holds there on a reliable network (--loss 0); keep the default unordered network to see it",
                "no-timeout, wound-wait, repeal-confirm and wound-after-commit run on a reliable network by default (they have no time-out, so a lost message blocks them whatever their discipline): their loss behaviour needs --loss 1",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec {
                kernel: None,
                value: Variant::Default,
                name: "default",
                summary: "lock time-outs ask the home shard, whose execute-or-abort decision is \
                              final; a lock is released only on that decision",
                expect: Expect::Holds,
            },
            VariantSpec {
                kernel: Some(reliable_kernel()),
                value: Variant::NoTimeout,
                name: "no-timeout",
                summary: "no lock time-out: each transaction wins one lock and waits forever",
                expect: Expect::Violates(vec![DEADLOCK_FREEDOM.name, PROGRESS.name]),
            },
            VariantSpec {
                kernel: None,
                value: Variant::TimeoutRace,
                name: "timeout-race",
                summary: "a resource shard releases on its own time-out, independently of the \
                              home shard's execution",
                expect: Expect::Violates(vec![
                    ATOMICITY.name,
                    TIMEOUT_REVERT.name,
                    SERIALIZABILITY.name,
                ]),
            },
            VariantSpec {
                kernel: Some(reliable_kernel()),
                value: Variant::WoundWait,
                name: "wound-wait",
                summary: "timestamps and wounds; the home shard rejects a wound after execution",
                expect: Expect::Holds,
            },
            VariantSpec {
                kernel: Some(reliable_kernel()),
                value: Variant::WoundAfterCommit,
                name: "wound-after-commit",
                summary: "the blocking shard rolls a wounded transaction back itself, even after \
                              the home shard executed it",
                expect: Expect::Violates(vec![
                    ATOMICITY.name,
                    TIMEOUT_REVERT.name,
                    SERIALIZABILITY.name,
                ]),
            },
            VariantSpec {
                kernel: Some(reliable_kernel()),
                value: Variant::RepealConfirm,
                name: "repeal-confirm",
                summary: "Vitalik's repeal/confirm: a failed lock repeals the transaction \
                              everywhere; no deadlock, both transactions can abort (all_abort)",
                expect: Expect::Holds,
            },
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<Locking>, ConfigError> {
        let size = |name| usize::try_from(c.param(name)).unwrap_or(usize::MAX);
        Ok(World::new(
            Locking::new(
                c.variant,
                size(TRANSACTIONS),
                size(READERS),
                size(RESOURCES),
                Pattern::of(c.param(PATTERN)),
            ),
            c.kernel(),
        ))
    }
}
