//! The observation vocabulary: what a protocol model exposes of one of its states so that the
//! named properties can judge it without knowing the protocol.
//!
//! Terms follow PROTOCOLS.md §0.1: an *object* is managed by one shard; a *transaction* has a
//! decision per concerned shard; *history* records irreversible events (a ghost variable where
//! the protocol itself would forget them, e.g. spent UTXOs).

use serde::{Deserialize, Serialize};

/// A transaction identifier, small and dense (models have a handful of transactions).
pub type TxId = u8;
/// A node identifier: the index of a node (shard, coordinator, client) in its model.
pub type NodeId = u8;
/// An object (resource, UTXO, contract, seat, room) identifier.
pub type ObjectId = u8;

/// The outcome of one transaction at one shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing irreversible has happened for the transaction here.
    Pending,
    /// The shard holds resources for the transaction (voted yes, reserved, locked).
    Locked,
    /// The shard applied the transaction.
    Committed,
    /// The shard decided not to apply the transaction (before or instead of locking).
    Aborted,
    /// The shard undid a hold for the transaction (unlock on time-out, refund, compensation).
    Reverted,
}

impl Outcome {
    /// A final outcome: committed, aborted or reverted.
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            Outcome::Committed | Outcome::Aborted | Outcome::Reverted
        )
    }

    /// A negative final outcome: aborted or reverted.
    pub fn is_negative(self) -> bool {
        matches!(self, Outcome::Aborted | Outcome::Reverted)
    }
}

/// The decision of transaction `tx` at `shard`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TxOutcome {
    /// The transaction.
    pub tx: TxId,
    /// The concerned shard at which the decision is taken.
    pub shard: NodeId,
    /// How far `tx` has got at `shard`.
    pub outcome: Outcome,
}

/// The mode of a lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockMode {
    /// Shared: compatible with other read locks on the same object.
    Read,
    /// Exclusive: conflicts with any other lock on the same object (`isolation`).
    Write,
}

/// A lock held on `object` (managed by `shard`) for `tx`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Lock {
    /// The locked object.
    pub object: ObjectId,
    /// The shard that manages `object` and holds the lock.
    pub shard: NodeId,
    /// The transaction the lock is held for.
    pub tx: TxId,
    /// Shared or exclusive.
    pub mode: LockMode,
    /// In clocked time, the tick by which the lock must be released (committed or reverted).
    pub deadline: Option<u32>,
}

/// An irreversible event, recorded once when it happens.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// An object (output, contract instance, voucher) came into existence.
    Create {
        /// The object created.
        object: ObjectId,
        /// The shard on which it was created.
        shard: NodeId,
    },
    /// An object was consumed (spent) by `tx`.
    Consume {
        /// The object spent.
        object: ObjectId,
        /// The transaction that spent it.
        tx: TxId,
    },
    /// `tx` was reverted (a hold undone) at `shard`.
    Revert {
        /// The transaction whose hold was undone.
        tx: TxId,
        /// The shard that undid it.
        shard: NodeId,
    },
    /// Value held for `tx` was given back to its owner (on `shard`).
    Refund {
        /// The transaction whose held value was given back.
        tx: TxId,
        /// The shard on which the refund happened.
        shard: NodeId,
    },
}

impl Event {
    /// The same event with every node id in it renamed by `rename` (symmetry reduction renames
    /// the shards named in a recorded history along with the nodes). Transaction and object ids
    /// are left alone: they are the protocol's names, not the kernel's.
    pub fn renamed(&self, rename: &dyn Fn(NodeId) -> NodeId) -> Event {
        match *self {
            Event::Create { object, shard } => Event::Create {
                object,
                shard: rename(shard),
            },
            Event::Consume { object, tx } => Event::Consume { object, tx },
            Event::Revert { tx, shard } => Event::Revert {
                tx,
                shard: rename(shard),
            },
            Event::Refund { tx, shard } => Event::Refund {
                tx,
                shard: rename(shard),
            },
        }
    }
}

/// Where a resource is (yanking, PROTOCOLS.md §2.1).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// Instantiated on a shard.
    Shard(NodeId),
    /// In an unclaimed receipt (identified by the receipt's id).
    InTransit(u8),
}

/// One amount of value in the conservation ledger: balances, escrow, in-flight receipts, burnt.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Amount {
    /// What holds the value, e.g. `"balance shard-a"`, `"escrow"`, `"in-flight receipt 1"`.
    pub holder: String,
    /// The value it holds, in the model's units of value (may be 0, never below:
    /// `conservation` flags a negative holding).
    pub value: i64,
}

/// The value ledger of a state: every place value can be, and the supply it must add up to.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ledger {
    /// The constant total (what was minted at the start).
    pub supply: i64,
    /// Every place value can be; their sum must equal `supply` and none may be negative
    /// (`conservation`).
    pub amounts: Vec<Amount>,
}

impl Ledger {
    /// The sum of all amounts.
    pub fn total(&self) -> i64 {
        self.amounts.iter().map(|a| a.value).sum()
    }
}

/// An object's value, for `serializability`: the value it started with, the value it holds
/// now, and the shard that manages it (where a transaction's write to it is applied).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Value {
    /// The object.
    pub object: ObjectId,
    /// The shard that manages `object`.
    pub shard: NodeId,
    /// Its value in the initial state.
    pub initial: i64,
    /// Its value now.
    pub value: i64,
}

/// One write of a transaction: `object := sum of reads + plus`, with every read taken before
/// the transaction (an increment reads the object itself; a blind write reads nothing).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Write {
    /// The object written.
    pub object: ObjectId,
    /// The objects whose values (before the transaction) are summed.
    pub reads: Vec<ObjectId>,
    /// The constant added.
    pub plus: i64,
}

/// What a transaction does when it executes, for `serializability`: the objects it reads (it
/// must hold at least a read lock on each) and its writes (a write lock on each object).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TxEffect {
    /// The transaction.
    pub tx: TxId,
    /// The objects it reads.
    pub reads: Vec<ObjectId>,
    /// Its writes, applied together.
    pub writes: Vec<Write>,
}

impl TxEffect {
    /// Whether the transaction writes `object`.
    pub fn writes_to(&self, object: ObjectId) -> bool {
        self.writes.iter().any(|w| w.object == object)
    }
}

/// A transaction of the UTXO model (PROTOCOLS.md §0.1): the objects it spends and the objects
/// it creates, for `consistency`, `no_inactive_input_spend` and `output_integrity`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Transfer {
    /// The transaction.
    pub tx: TxId,
    /// The objects it spends.
    pub inputs: Vec<ObjectId>,
    /// The objects it creates.
    pub outputs: Vec<ObjectId>,
}

/// Where an object stands now on the shard that manages it (PROTOCOLS.md §5.1, Chainspace's
/// object life cycle: active, locked for a transaction, inactive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "tx")]
pub enum Status {
    /// Spendable.
    Active,
    /// Held for the transaction (locked, or inactivated reversibly until it is decided).
    Held(TxId),
    /// Spent (inactive for good) by the transaction.
    Spent(TxId),
}

/// The status of one object on its shard.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjectStatus {
    /// The object.
    pub object: ObjectId,
    /// The shard that manages it.
    pub shard: NodeId,
    /// Where it stands.
    pub status: Status,
}

/// How far an asset transfer of a swap has got (Herlihy 2018: an arc whose contract is
/// triggered, refunded or still pending).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArcStatus {
    /// It may still happen: not offered yet, or offered (escrowed) and still claimable until
    /// [`SwapArc::expires`].
    Open,
    /// It happened: the asset reached its recipient (the contract was claimed).
    Done,
    /// It can no longer happen: the asset went back to its owner (refunded).
    Off,
}

/// One asset transfer between two parties: an arc of a swap digraph (Herlihy, "Atomic
/// Cross-Chain Swaps", PODC 2018, §3), for `no_underwater`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SwapArc {
    /// The asset transferred.
    pub asset: ObjectId,
    /// The party that gives it.
    pub from: NodeId,
    /// The party that receives it.
    pub to: NodeId,
    /// How far it has got.
    pub status: ArcStatus,
    /// In clocked time, the tick from which an open transfer can no longer happen (a hashed
    /// timelock's expiry: no claim is accepted at or after it).
    pub expires: Option<u32>,
}

impl SwapArc {
    /// Whether the transfer can no longer happen at tick `now` (`None`: async time, where
    /// only a refund closes it).
    pub fn lost(&self, now: Option<u32>) -> bool {
        match self.status {
            ArcStatus::Done => false,
            ArcStatus::Off => true,
            ArcStatus::Open => matches!((self.expires, now), (Some(e), Some(n)) if n >= e),
        }
    }
}

/// What a model exposes of one state for the named properties.
///
/// Fields a protocol does not have stay empty (`None` for the ledger and the clock); a property
/// over an empty field holds trivially, so a model only lists the properties that apply to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Observation {
    /// Each transaction's outcome at each concerned shard.
    pub outcomes: Vec<TxOutcome>,
    /// Locks currently held.
    pub locks: Vec<Lock>,
    /// The conservation ledger, for models that move value.
    pub ledger: Option<Ledger>,
    /// Irreversible events so far, one entry per occurrence. On the world kernel this is the
    /// history its protocol recorded through `Effects::record`, kept sorted (a multiset: the
    /// properties count events, they do not order them), followed by anything the protocol's
    /// `observe` appends.
    pub history: Vec<Event>,
    /// The resources that must always exist somewhere (yanking's contracts), for
    /// `unique_location`.
    pub resources: Vec<ObjectId>,
    /// Where each copy of a resource is, for models that move resources between shards.
    pub locations: Vec<(ObjectId, Location)>,
    /// Every object's initial and current value, for models whose transactions compute
    /// values (`serializability`).
    pub values: Vec<Value>,
    /// What each transaction does when it executes (every transaction of the model, committed
    /// or not; `serializability` judges the committed ones).
    pub effects: Vec<TxEffect>,
    /// The transactions of a UTXO model, with their inputs and outputs.
    pub transfers: Vec<Transfer>,
    /// The status of every input object and of every output that exists now (an output not
    /// listed does not exist); with `transfers` and the history's `Create` and `Consume`
    /// events, what `consistency`, `no_inactive_input_spend` and `output_integrity` judge.
    pub statuses: Vec<ObjectStatus>,
    /// The asset transfers between parties of a swap, for `no_underwater`. Every party named
    /// here is judged as conforming: on the world kernel parties follow their protocol and
    /// attacks come only from the kernel's faults.
    pub swap_arcs: Vec<SwapArc>,
    /// Whether the state is quiescent: no protocol step is enabled (fault injections and clock
    /// ticks do not count) and no timer is armed. Judged by the model, read by `deadlock_freedom`.
    pub quiescent: bool,
    /// The current tick in clocked time.
    pub now: Option<u32>,
    /// The delivery bound Δ in clocked time.
    pub delta: Option<u32>,
}

impl Observation {
    /// Records `outcome` of `tx` at `shard`.
    pub fn outcome(&mut self, tx: TxId, shard: NodeId, outcome: Outcome) -> &mut Self {
        self.outcomes.push(TxOutcome { tx, shard, outcome });
        self
    }

    /// Records `outcome` of `tx` at `shard`, a participant that holds its own state under a
    /// write lock while the outcome is [`Outcome::Locked`] (prepared, not yet decided): the
    /// observation of every single-transaction commit protocol's participant.
    pub fn participant(&mut self, tx: TxId, shard: NodeId, outcome: Outcome) -> &mut Self {
        self.outcome(tx, shard, outcome);
        if outcome == Outcome::Locked {
            self.locks.push(Lock {
                object: shard,
                shard,
                tx,
                mode: LockMode::Write,
                deadline: None,
            });
        }
        self
    }

    /// The distinct transactions mentioned by the outcomes, in order.
    pub fn txs(&self) -> Vec<TxId> {
        let mut txs: Vec<TxId> = self.outcomes.iter().map(|o| o.tx).collect();
        txs.sort_unstable();
        txs.dedup();
        txs
    }

    /// The outcomes of `tx`.
    pub fn outcomes_of(&self, tx: TxId) -> impl Iterator<Item = &TxOutcome> {
        self.outcomes.iter().filter(move |o| o.tx == tx)
    }

    /// The status of `object` now, if it exists.
    pub fn status_of(&self, object: ObjectId) -> Option<Status> {
        self.statuses
            .iter()
            .find(|s| s.object == object)
            .map(|s| s.status)
    }

    /// Whether `tx` has taken effect somewhere: the history records it spending one of its
    /// inputs or creating one of its outputs (irreversible steps; a reversible hold is not one).
    pub fn took_effect(&self, t: &Transfer) -> bool {
        self.history.iter().any(|e| match *e {
            Event::Consume { object, tx } => tx == t.tx && t.inputs.contains(&object),
            Event::Create { object, .. } => t.outputs.contains(&object),
            _ => false,
        })
    }

    /// Whether `tx` is committed at some shard.
    pub fn committed_somewhere(&self, tx: TxId) -> bool {
        self.outcomes_of(tx)
            .any(|o| o.outcome == Outcome::Committed)
    }
}
