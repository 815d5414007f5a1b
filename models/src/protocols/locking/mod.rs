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
//! Three nodes: `shard-a` and `shard-b` each keep one resource (`obj1`, `obj2`) with a value;
//! `home` is the home (parent) shard of both transactions. Two conflicting transactions:
//! `tx1` writes `obj1` and reads `obj2`, `tx2` reads `obj1` and writes `obj2`; each computes
//! `written := written + read + 1`. Read locks are shared, a write lock conflicts with any
//! other lock. With `-p reader=1` a third, read-only transaction `tx3` reads both resources, so
//! read locks are actually shared (with `tx1` on `obj2`, with `tx2` on `obj1`). At start the home shard sends `LockReq(T)` for each transaction to both resource
//! shards (the lock transactions of step 1; the client is abstracted into the home shard).
//!
//! - A resource shard grants a lock when it is compatible with the locks held, records it and
//!   sends `LockProof(T, value)` to the home shard (the Merkle proofs of the lock and of the data,
//!   step 2). An incompatible request waits (per-transaction `waiting`); a freed lock is granted
//!   to waiting transactions oldest first.
//! - The home shard executes `T` once it holds a proof from every resource shard: its
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
//!   waits (with `-p reader=1` a shared read lock lets a younger transaction overtake a waiting
//!   older one; wounding only at request time then deadlocks, a 12-step counterexample the
//!   checker found in the first version of this model) — and the home shard
//!   aborts the younger transaction if it has not executed (the point of no return, as in 2PC)
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
//! aborted) and each resource shard's — every transaction concerns both resource shards, so
//! both always report it: pending until the lock is held (never heard of it, or waiting);
//! locked; committed when the release is applied; aborted; reverted when a held lock was
//! undone, which also records a `Revert` event. So `can_commit` needs the release applied on
//! both resource shards. Held locks are reported with their mode and no deadline (async time).
//! For `serializability` each resource's value (initially 0) and each transaction's effect
//! (`tx1`: obj1 := obj1 + obj2 + 1, `tx2`: obj2 := obj2 + obj1 + 1, `tx3` writes nothing):
//! a serial order gives (1, 2) or (2, 1); the lost update (1, 1) — both transactions computed
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
//! No symmetry: the two resource shards are not interchangeable — `tx1` writes `obj1` on
//! `shard-a` and reads `obj2` on `shard-b`, `tx2` the other way round, and the home shard has
//! its own role; swapping the shards is a symmetry only together with swapping the
//! transactions, which are not nodes.
//!
//! Abstracted away: block inclusion, finality and Merkle proofs (a delivered message is a
//! visible, final proof), the 10-block lag, clients.
//!
//! Defaults: unordered delivery, one lost message (`--loss 1`), no replay, async time, so the
//! default run exercises what the lock time-outs are for; `no-timeout`, `wound-wait`,
//! `repeal-confirm` and `wound-after-commit` have no time-out, nothing of theirs re-sends a lost message, and they
//! default to a reliable network (`VariantSpec::kernel`) so that their default runs check the
//! locking discipline rather than the loss. What the checker reports at the defaults: see
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

/// Largest number of transactions (the third, a read-only reader, is a parameter).
pub const TXS: usize = 3;
/// Number of resource shards (one resource each).
pub const RES: usize = 2;
/// The home shard's node id.
pub const HOME: NodeId = 2;

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
    /// Active transactions: 2, or 3 with the read-only reader.
    pub txs: usize,
}

/// The mode in which transaction `tx` locks resource `r`.
pub fn mode(tx: usize, r: usize) -> LockMode {
    if tx == r {
        LockMode::Write
    } else {
        LockMode::Read
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
            // Every transaction concerns both resource shards: a shard that has not heard of
            // it yet is pending there, so a witness or a commit cannot skip it.
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
                    mode: mode(t, r),
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
        let mut names: Vec<String> = (0..RES)
            .map(|r| format!("shard-{}", char::from(b'a' + tx_id(r))))
            .collect();
        names.push("home".to_string());
        names
    }

    fn init(&self, id: NodeId, out: &mut crate::kernel::Effects<Self>) -> Node {
        if id == HOME {
            for t in 0..self.txs {
                for r in 0..RES {
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
                        obs.outcome(tx_id(t), HOME, outcome);
                    }
                }
            }
        }
        obs.outcomes.sort();
        obs.values.sort();
        // What `release` computes: transaction t < RES writes obj(t) := the sum of every
        // resource's value + 1; the reader writes nothing. Every transaction reads both.
        let all: Vec<u8> = (0..RES).map(tx_id).collect();
        for t in 0..self.txs {
            let writes = (t < RES)
                .then(|| Write {
                    object: tx_id(t),
                    reads: all.clone(),
                    plus: 1,
                })
                .into_iter()
                .collect();
            obs.effects.push(TxEffect {
                tx: tx_id(t),
                reads: all.clone(),
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
        // Without time-outs nothing ever aborts: the witness would be vacuous by design.
        if self.variant != Variant::NoTimeout {
            props.push(Property::catalogue(&CAN_ABORT));
        }
        if self.variant == Variant::RepealConfirm {
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
            summary: "cross-shard locking scheme (1) with release-lock messages: 2 resource shards, \
                      a home shard, 2 conflicting transactions; time-outs, wound-wait, repeal/confirm",
            source: "ethresear.ch/t/cross-shard-locking-scheme-1/1269 (#1, #18, #22, page 2); \
                     ethresear.ch/t/cross-shard-locking-resolving-deadlock/1275; PROTOCOLS.md 1, \
                     6.3, 7.5 S1-S3",
            params: vec![ParamSpec {
                name: "reader",
                default: 0,
                min: 0,
                max: 1,
                doc: "1 adds tx3, a read-only transaction reading both resources (read locks are \
                      shared with tx1's read of obj2 and tx2's read of obj1)",
            }],
            kernel: Some(default_kernel()),
            notes: vec![
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
                "a third transaction or shared read locks actually shared (-p reader=1)",
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
        let txs = 2 + usize::try_from(c.param("reader")).unwrap_or(0);
        Ok(World::new(
            Locking {
                variant: c.variant,
                txs,
            },
            c.kernel(),
        ))
    }
}
