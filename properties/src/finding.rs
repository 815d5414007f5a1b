//! What a property found in an observation: a violation of an invariant or a witness of a
//! `sometimes` property. Findings are plain data (cheap to produce on the checker's hot path);
//! they become the one-sentence explanation of a counterexample only when described.

use serde::{Deserialize, Serialize};

use crate::observation::{NodeId, ObjectId, Outcome, Status, TxId};

/// A violation or a witness, with the identifiers needed to explain it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "finding")]
pub enum Finding {
    /// `tx` committed at one shard and aborted or reverted at another.
    Split {
        /// The transaction whose decisions disagree.
        tx: TxId,
        /// A shard where `tx` committed.
        committed_at: NodeId,
        /// A different shard where `tx` aborted or reverted.
        negative_at: NodeId,
        /// What happened at `negative_at`: `Aborted` or `Reverted`.
        negative: Outcome,
    },
    /// A quiescent state with `tx` undecided at `shard`.
    Undecided {
        /// The transaction left without a final outcome.
        tx: TxId,
        /// The shard at which `tx` is undecided.
        shard: NodeId,
        /// The outcome it is stuck at: `Pending` or `Locked`.
        outcome: Outcome,
    },
    /// Work still pending in a state (`progress`): `tx` is not yet decided at `shard`. Unlike
    /// [`Finding::Undecided`], steps may still be possible.
    StillUndecided {
        /// The transaction without a final outcome yet.
        tx: TxId,
        /// The shard at which `tx` is undecided.
        shard: NodeId,
        /// The outcome it is at: `Pending` or `Locked`.
        outcome: Outcome,
    },
    /// Work still pending in a state (`progress`): a lock is held. Unlike
    /// [`Finding::LockHeld`], steps may still be possible.
    StillLocked {
        /// The locked object.
        object: ObjectId,
        /// The shard that manages `object` and holds the lock.
        shard: NodeId,
        /// The transaction the lock is held for.
        tx: TxId,
    },
    /// A quiescent state with a lock still held.
    LockHeld {
        /// The locked object.
        object: ObjectId,
        /// The shard that manages `object` and holds the lock.
        shard: NodeId,
        /// The transaction the lock is held for.
        tx: TxId,
    },
    /// `tx` was reverted (or refunded) twice.
    RepeatedRevert {
        /// The transaction undone twice.
        tx: TxId,
        /// The shard of the second revert or refund.
        shard: NodeId,
    },
    /// `tx` was reverted at one shard although it is committed at another.
    RevertedButCommitted {
        /// The transaction both reverted and committed.
        tx: TxId,
        /// The shard at which `tx` was reverted or refunded.
        reverted_at: NodeId,
        /// A shard at which `tx` is committed.
        committed_at: NodeId,
    },
    /// A lock outlived its deadline plus Δ.
    LockOverdue {
        /// The object still locked.
        object: ObjectId,
        /// The shard that manages `object` and holds the lock.
        shard: NodeId,
        /// The transaction the lock is held for.
        tx: TxId,
        /// The lock's deadline, in ticks of clocked time.
        deadline: u32,
        /// The current tick, later than `deadline` plus Δ.
        now: u32,
    },
    /// Value does not add up to the supply.
    Imbalance {
        /// The sum of every amount in the ledger.
        total: i64,
        /// The constant supply the total should equal.
        supply: i64,
    },
    /// A holding is negative: value was paid out that its holder did not have (the total may
    /// still equal the supply, the negative holding making up for the value created).
    Overdrawn {
        /// The holder, as the ledger names it.
        holder: String,
        /// What it holds, below zero.
        value: i64,
    },
    /// An object was consumed twice.
    DoubleSpend {
        /// The object consumed twice.
        object: ObjectId,
        /// The transaction that consumed it first.
        first: TxId,
        /// The transaction that consumed it again.
        second: TxId,
    },
    /// An object was created twice.
    DoubleCreate {
        /// The object created twice.
        object: ObjectId,
        /// The shard on which it was created first.
        first: NodeId,
        /// The shard on which it was created again (possibly the same shard).
        second: NodeId,
    },
    /// Two transactions hold conflicting locks on one object.
    Conflict {
        /// The object locked by both.
        object: ObjectId,
        /// The shard that manages `object`.
        shard: NodeId,
        /// The transaction of the earlier-listed lock.
        first: TxId,
        /// The transaction of the other lock; at least one of the two is a write lock.
        second: TxId,
    },
    /// A resource is in `copies` places instead of exactly one.
    Misplaced {
        /// The resource that does not exist exactly once.
        object: ObjectId,
        /// How many locations hold it: 0 (lost) or 2 or more (duplicated).
        copies: u32,
    },
    /// A committed transaction neither holds a lock it needs on `object` nor has been applied
    /// at the object's shard (it executed without the lock, or lost it before applying).
    Unlocked {
        /// The committed transaction.
        tx: TxId,
        /// The object it reads or writes.
        object: ObjectId,
        /// The shard that manages `object`.
        shard: NodeId,
    },
    /// The values of the settled objects match no serial order of the committed transactions.
    NotSerializable {
        /// The committed transactions, in id order.
        committed: Vec<TxId>,
        /// The settled objects' values now.
        observed: Vec<(ObjectId, i64)>,
        /// What the serial order by transaction id gives those objects.
        serial: Vec<(ObjectId, i64)>,
    },
    /// `tx` took effect (spent an input or created an output) while another of its inputs is
    /// neither held for it nor spent by it: spent on one side and not on the other.
    Inconsistent {
        /// The transaction that took effect.
        tx: TxId,
        /// Its input that is not held for it nor spent by it.
        object: ObjectId,
        /// The shard that manages `object`.
        shard: NodeId,
        /// Where `object` stands instead.
        status: Status,
    },
    /// `tx` took effect although one of its inputs was spent by another transaction: the
    /// input is spent twice.
    SpentInput {
        /// The transaction that took effect.
        tx: TxId,
        /// Its input, spent by `by`.
        object: ObjectId,
        /// The other transaction that spent `object`.
        by: TxId,
    },
    /// An output of `tx` exists while one of `tx`'s inputs is neither held for it nor spent by
    /// it: the output was created although `tx` did not commit.
    Unbacked {
        /// The output that exists.
        object: ObjectId,
        /// The transaction it is an output of.
        tx: TxId,
        /// An input of `tx` not held for it nor spent by it.
        input: ObjectId,
        /// Where `input` stands.
        status: Status,
    },
    /// A party gave an asset that reached its counterparty and can no longer get an asset it is
    /// owed: it is underwater (Herlihy 2018).
    Underwater {
        /// The party left underwater.
        party: NodeId,
        /// An asset it gave that its counterparty received.
        gave: ObjectId,
        /// An asset it was owed that can no longer reach it.
        lost: ObjectId,
    },
    /// Witness: `tx` committed everywhere.
    Committed {
        /// The first transaction committed at every concerned shard.
        tx: TxId,
    },
    /// Witness: `tx` aborted or reverted everywhere.
    Aborted {
        /// The first transaction aborted or reverted at every concerned shard.
        tx: TxId,
    },
    /// Witness: every one of `count` transactions aborted or reverted everywhere.
    AllAborted {
        /// The number of transactions in the observation.
        count: u32,
    },
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Pending => "pending",
        Outcome::Locked => "locked",
        Outcome::Committed => "committed",
        Outcome::Aborted => "aborted",
        Outcome::Reverted => "reverted",
    }
}

fn status_words(s: Status, tx: &dyn Fn(TxId) -> String) -> String {
    match s {
        Status::Active => "active".to_string(),
        Status::Held(t) => format!("held for {}", tx(t)),
        Status::Spent(t) => format!("spent by {}", tx(t)),
    }
}

impl Finding {
    /// One sentence explaining the finding, naming nodes with `name`.
    ///
    /// Transactions are numbered from 1 for people (`tx1` is `TxId` 0), objects likewise
    /// (`obj1` is `ObjectId` 0).
    pub fn describe(&self, name: &dyn Fn(NodeId) -> String) -> String {
        let tx = |t: TxId| format!("tx{}", u32::from(t) + 1);
        let obj = |o: ObjectId| format!("obj{}", u32::from(o) + 1);
        match *self {
            Finding::Split {
                tx: t,
                committed_at,
                negative_at,
                negative,
            } => format!(
                "{} committed on {} but {} on {}",
                tx(t),
                name(committed_at),
                outcome_word(negative),
                name(negative_at)
            ),
            Finding::Undecided {
                tx: t,
                shard,
                outcome,
            } => format!(
                "nothing can happen any more, yet {} is still {} on {}",
                tx(t),
                outcome_word(outcome),
                name(shard)
            ),
            Finding::StillUndecided {
                tx: t,
                shard,
                outcome,
            } => format!(
                "no sequence of protocol steps finishes from here; {} is still {} on {}",
                tx(t),
                outcome_word(outcome),
                name(shard)
            ),
            Finding::StillLocked {
                object,
                shard,
                tx: t,
            } => format!(
                "no sequence of protocol steps finishes from here; {} on {} is still locked by {}",
                obj(object),
                name(shard),
                tx(t)
            ),
            Finding::LockHeld {
                object,
                shard,
                tx: t,
            } => format!(
                "nothing can happen any more, yet {} on {} is still locked by {}",
                obj(object),
                name(shard),
                tx(t)
            ),
            Finding::RepeatedRevert { tx: t, shard } => {
                format!("{} was reverted or refunded twice on {}", tx(t), name(shard))
            }
            Finding::RevertedButCommitted {
                tx: t,
                reverted_at,
                committed_at,
            } => format!(
                "{} was reverted on {} although it committed on {}",
                tx(t),
                name(reverted_at),
                name(committed_at)
            ),
            Finding::LockOverdue {
                object,
                shard,
                tx: t,
                deadline,
                now,
            } => format!(
                "{} on {} is still locked by {} at tick {now}, past its deadline {deadline} plus delta",
                obj(object),
                name(shard),
                tx(t)
            ),
            Finding::Imbalance { total, supply } => {
                format!("total value is {total} but the supply is {supply}")
            }
            Finding::Overdrawn { ref holder, value } => {
                format!("{holder} holds {value}: value was paid out that was not there")
            }
            Finding::DoubleSpend {
                object,
                first,
                second,
            } => format!(
                "{} was consumed twice (by {} and by {})",
                obj(object),
                tx(first),
                tx(second)
            ),
            Finding::DoubleCreate {
                object,
                first,
                second,
            } => format!(
                "{} was created twice (on {} and on {})",
                obj(object),
                name(first),
                name(second)
            ),
            Finding::Conflict {
                object,
                shard,
                first,
                second,
            } => format!(
                "{} on {} is locked by both {} and {} in conflicting modes",
                obj(object),
                name(shard),
                tx(first),
                tx(second)
            ),
            Finding::Misplaced { object, copies } => {
                format!("{} exists in {copies} places instead of exactly one", obj(object))
            }
            Finding::Unlocked {
                tx: t,
                object,
                shard,
            } => format!(
                "{} committed without holding its lock on {} on {} (and is not applied there)",
                tx(t),
                obj(object),
                name(shard)
            ),
            Finding::NotSerializable {
                ref committed,
                ref observed,
                ref serial,
            } => {
                let values = |vs: &[(ObjectId, i64)]| {
                    vs.iter()
                        .map(|&(o, v)| format!("{} = {v}", obj(o)))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let txs: Vec<String> = committed.iter().map(|&t| tx(t)).collect();
                format!(
                    "{} after committing {}, which no serial order gives ({} in that order gives {})",
                    values(observed),
                    txs.join(" and "),
                    txs.join(" then "),
                    values(serial)
                )
            }
            Finding::Inconsistent {
                tx: t,
                object,
                shard,
                status,
            } => format!(
                "{} took effect, yet its input {} on {} is {}: spent on one side and not on the other",
                tx(t),
                obj(object),
                name(shard),
                status_words(status, &tx)
            ),
            Finding::SpentInput { tx: t, object, by } => format!(
                "{} took effect although its input {} was already spent by {}: {} is spent twice",
                tx(t),
                obj(object),
                tx(by),
                obj(object)
            ),
            Finding::Unbacked {
                object,
                tx: t,
                input,
                status,
            } => format!(
                "{}, an output of {}, exists although {}'s input {} is {}: value from thin air",
                obj(object),
                tx(t),
                tx(t),
                obj(input),
                status_words(status, &tx)
            ),
            Finding::Underwater { party, gave, lost } => format!(
                "{} gave {} and can no longer get {}: it ends underwater",
                name(party),
                obj(gave),
                obj(lost)
            ),
            Finding::Committed { tx: t } => format!("{} committed on every shard", tx(t)),
            Finding::Aborted { tx: t } => format!("{} aborted on every shard", tx(t)),
            Finding::AllAborted { count } => {
                format!("all {count} transactions aborted on every shard")
            }
        }
    }
}
