//! What a property found in an observation: a violation of an invariant or a witness of a
//! `sometimes` property. Findings are plain data (cheap to produce on the checker's hot path);
//! they become the one-sentence explanation of a counterexample only when described.

use serde::{Deserialize, Serialize};

use crate::observation::{NodeId, ObjectId, Outcome, TxId};

/// A violation or a witness, with the identifiers needed to explain it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "finding")]
pub enum Finding {
    /// `tx` committed at one shard and aborted or reverted at another.
    Split {
        tx: TxId,
        committed_at: NodeId,
        negative_at: NodeId,
        negative: Outcome,
    },
    /// A quiescent state with `tx` undecided at `shard`.
    Undecided {
        tx: TxId,
        shard: NodeId,
        outcome: Outcome,
    },
    /// A quiescent state with a lock still held.
    LockHeld {
        object: ObjectId,
        shard: NodeId,
        tx: TxId,
    },
    /// `tx` was reverted (or refunded) twice.
    RepeatedRevert { tx: TxId, shard: NodeId },
    /// `tx` was reverted at one shard although it is committed at another.
    RevertedButCommitted {
        tx: TxId,
        reverted_at: NodeId,
        committed_at: NodeId,
    },
    /// A lock outlived its deadline plus Δ.
    LockOverdue {
        object: ObjectId,
        shard: NodeId,
        tx: TxId,
        deadline: u32,
        now: u32,
    },
    /// Value does not add up to the supply.
    Imbalance { total: i64, supply: i64 },
    /// An object was consumed twice.
    DoubleSpend {
        object: ObjectId,
        first: TxId,
        second: TxId,
    },
    /// An object was created twice.
    DoubleCreate {
        object: ObjectId,
        first: NodeId,
        second: NodeId,
    },
    /// Two transactions hold conflicting locks on one object.
    Conflict {
        object: ObjectId,
        shard: NodeId,
        first: TxId,
        second: TxId,
    },
    /// A resource is in `copies` places instead of exactly one.
    Misplaced { object: ObjectId, copies: u32 },
    /// Witness: `tx` committed everywhere.
    Committed { tx: TxId },
    /// Witness: `tx` aborted or reverted everywhere.
    Aborted { tx: TxId },
    /// Witness: every one of `count` transactions aborted or reverted everywhere.
    AllAborted { count: u32 },
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
            Finding::Committed { tx: t } => format!("{} committed on every shard", tx(t)),
            Finding::Aborted { tx: t } => format!("{} aborted on every shard", tx(t)),
            Finding::AllAborted { count } => {
                format!("all {count} transactions aborted on every shard")
            }
        }
    }
}
