//! The setting of the replay-attack paper shared by `sbac`, `atomix` and `byzcuit`: three
//! shards, one cross-shard transaction `T(x1, x2 -> y1, y2, y3)`, helper transactions that lock
//! or spend an input (or spend an output), and the observation every model exposes.
//!
//! Source: A. Sonnino, S. Bano, M. Al-Bassam, G. Danezis, "Replay Attacks and Defenses Against
//! Cross-shard Consensus in Sharded Distributed Ledgers", IEEE EuroS&P 2020 (arXiv 1901.11218),
//! §4.1 (the running example) and Appendix A (how recorded messages are elicited);
//! PROTOCOLS.md §5.4.
//!
//! Nodes: `shard-1` manages x1 and y1, `shard-2` x2 and y2, `shard-3` (output-only for T) y3,
//! and `client`, the honest client that submits T (and, in Atomix and Byzcuit, coordinates it).
//! Each shard is a BFT group behaving as one correct process (the paper's honest shards), so
//! a shard is one node and never crashes in these models.
//!
//! Objects (as findings name them, `objN` being id N-1): obj1 = x1, obj2 = x2, obj3 = y1,
//! obj4 = y2, obj5 = y3, obj6 = w1 and obj7 = w2 (what a helper's spend of x1 or x2 pays
//! out), obj8 = u3 (what a spend of y3 pays out). Transactions: tx1 = T; tx2 and tx3 = T'1 and
//! T'2, helpers that lock x1 or x2 and abort (the paper's `T'(x, z~)` with an inactive `z~`,
//! Appendix A.1); tx4 and tx5 = T''1 and T''2, helpers that spend x1 or x2 (`T''(x1 -> w1)`);
//! tx6 = T3, the owner's spend of y3 (§4.4: spent outputs are forgotten by their shard).
//! Helpers are single-shard transactions, so each is one local step of its shard (its own
//! consensus); a lock is released by a later step (T' aborts). A budget (`locks`) bounds how
//! often x2 is locked by a helper; spends are irreversible and happen at most once per object
//! created. Only T'2 and T''1 are offered (x2 may be locked, x1 spent): that is what the
//! attacks of rows 3 and 6 of Tables 1 and 3 need, and rows 2 and 8 are the same attacks
//! with the shards' roles swapped (the ids of T'1 and T''2 stay reserved for them).
//!
//! Values (for `conservation`, the paper's A4): x1 and x2 hold 3 each (the supply is 6), y1,
//! y2 and y3 2 each, w1 and w2 3, u3 2. The ledger counts every object that exists (an input
//! held for a transaction that has not taken effect still counts), what helpers paid out, and,
//! once T has taken effect somewhere, its outputs not yet created as value in transit (T's
//! held inputs then count nothing: their value is in T's outputs). A correct run keeps the
//! total at 6 in every state; an output created behind an input left active inflates it.

pub mod atomix;
pub mod byzcuit;
pub mod sbac;

use serde::Serialize;
use xshard_properties::{
    Amount, Event, Ledger, NodeId, ObjectId, ObjectStatus, Observation, Outcome, Status, Transfer,
    TxId,
};

use crate::kernel::{Effects, Protocol};

/// `shard-1`: manages x1 and y1.
pub const SHARD1: NodeId = 0;
/// `shard-2`: manages x2 and y2.
pub const SHARD2: NodeId = 1;
/// `shard-3`: manages y3, an output-only shard for T.
pub const SHARD3: NodeId = 2;
/// The client.
pub const CLIENT: NodeId = 3;

/// The node names, in id order.
pub const NODE_NAMES: [&str; 4] = ["shard-1", "shard-2", "shard-3", "client"];

/// x1, T's input on shard-1.
pub const X1: ObjectId = 0;
/// x2, T's input on shard-2.
pub const X2: ObjectId = 1;
/// y1, T's output on shard-1.
pub const Y1: ObjectId = 2;
/// y2, T's output on shard-2.
pub const Y2: ObjectId = 3;
/// y3, T's output on shard-3.
pub const Y3: ObjectId = 4;
/// w1, what T''1 pays out of x1.
pub const W1: ObjectId = 5;
/// w2, what T''2 pays out of x2.
pub const W2: ObjectId = 6;
/// u3, what T3 pays out of y3.
pub const U3: ObjectId = 7;

/// T, the cross-shard transaction.
pub const T: TxId = 0;
/// T'1 and T'2 (ids 1 and 2): helpers that lock x1 or x2 and abort.
pub const LOCKERS: [TxId; 2] = [1, 2];
/// T''1 and T''2 (ids 3 and 4): helpers that spend x1 or x2.
pub const SPENDERS: [TxId; 2] = [3, 4];
/// T3: the owner's spend of y3.
pub const SPEND_Y3: TxId = 5;

const INPUTS: [ObjectId; 2] = [X1, X2];
const OUTPUTS: [ObjectId; 3] = [Y1, Y2, Y3];
const PAID: [ObjectId; 2] = [W1, W2];
const INPUT_VALUE: i64 = 3;
const OUTPUT_VALUE: i64 = 2;

/// Where an input object (x1, x2, or Byzcuit's dummy on shard-3) stands on its shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Obj {
    /// Spendable.
    Active,
    /// Locked for a transaction (Atomix: inactivated until an abort re-activates it).
    Locked(TxId),
    /// Inactive for good, spent by a transaction.
    Spent(TxId),
}

/// Where an output (y1, y2, y3) stands on its shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Out {
    /// Not created (or, after a spend, forgotten: see `Spent`).
    Absent,
    /// Created and unspent.
    Active,
    /// Spent by its owner; a UTXO shard keeps no record of it, so it may be created again.
    Spent,
}

/// A vote in phase 1 (pre-accept or pre-abort), or a decision in phase 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Vote {
    /// Pre-accept / accept (commit).
    Commit,
    /// Pre-abort / abort.
    Abort,
}

/// A helper transaction a user submits at a shard, executed there in one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Helper {
    /// T'k locks the shard's input (x1 or x2).
    Lock,
    /// T'k aborts: the lock is released.
    Release,
    /// T''k spends the shard's input (x1 or x2).
    SpendInput,
    /// T3 spends y3 (shard-3).
    SpendOutput,
}

/// The input shard's index (0 for shard-1, 1 for shard-2), if `id` is one.
pub fn input_index(id: NodeId) -> Option<usize> {
    (id == SHARD1 || id == SHARD2).then_some(usize::from(id))
}

/// The input shard whose input a helper may lock (T'2 locks x2): with it, shard-2's votes of
/// an instance that aborts can be recorded (Appendix A.1).
pub const LOCKED_BY_HELPER: NodeId = SHARD2;
/// The input shard whose input a helper may spend (T''1 spends x1).
pub const SPENT_BY_HELPER: NodeId = SHARD1;

/// The helpers enabled at an input shard with input `x` and `locks_left` helper locks left.
pub fn input_helpers(id: NodeId, x: Obj, locks_left: u8, out: &mut Vec<Helper>) {
    let Some(k) = input_index(id) else { return };
    match x {
        Obj::Active => {
            if locks_left > 0 && id == LOCKED_BY_HELPER {
                out.push(Helper::Lock);
            }
            if id == SPENT_BY_HELPER {
                out.push(Helper::SpendInput);
            }
        }
        Obj::Locked(t) if t == LOCKERS[k] => out.push(Helper::Release),
        _ => {}
    }
}

/// Applies an input helper at input shard `id`: updates `x` and the lock budget, and records
/// a spend. Returns whether a helper lock was released (Byzcuit then bumps the sequence
/// number, as an abort does).
pub fn apply_input_helper<P: Protocol>(
    id: NodeId,
    h: Helper,
    x: &mut Obj,
    locks_left: &mut u8,
    out: &mut Effects<P>,
) -> bool {
    let Some(k) = input_index(id) else {
        return false;
    };
    match h {
        Helper::Lock if *x == Obj::Active && *locks_left > 0 => {
            *x = Obj::Locked(LOCKERS[k]);
            *locks_left -= 1;
        }
        Helper::Release if *x == Obj::Locked(LOCKERS[k]) => {
            *x = Obj::Active;
            return true;
        }
        Helper::SpendInput if *x == Obj::Active => {
            *x = Obj::Spent(SPENDERS[k]);
            out.record(Event::Consume {
                object: INPUTS[k],
                tx: SPENDERS[k],
            });
            out.record(Event::Create {
                object: PAID[k],
                shard: id,
            });
        }
        _ => {}
    }
    false
}

/// The owner spends y3 on shard-3 (enabled while y3 is active).
pub fn spend_y3<P: Protocol>(y3: &mut Out, out: &mut Effects<P>) {
    if *y3 == Out::Active {
        *y3 = Out::Spent;
        out.record(Event::Consume {
            object: Y3,
            tx: SPEND_Y3,
        });
        out.record(Event::Create {
            object: U3,
            shard: SHARD3,
        });
    }
}

/// Creates output `k` (y1, y2 or y3) on shard `id` unless it is active already (a UTXO
/// shard rejects an object that is in its set, and remembers none it has forgotten).
pub fn create_output<P: Protocol>(id: NodeId, k: usize, y: &mut Out, out: &mut Effects<P>) {
    if *y != Out::Active {
        *y = Out::Active;
        out.record(Event::Create {
            object: OUTPUTS[k],
            shard: id,
        });
    }
}

/// T spends input `k` (x1 or x2) on shard `id`: it must be locked for T.
pub fn spend_input<P: Protocol>(id: NodeId, x: &mut Obj, out: &mut Effects<P>) {
    if let (Some(k), Obj::Locked(T)) = (input_index(id), *x) {
        *x = Obj::Spent(T);
        out.record(Event::Consume {
            object: INPUTS[k],
            tx: T,
        });
    }
}

/// What one state of a model in this setting shows.
#[derive(Clone, Copy, Debug)]
pub struct View {
    /// x1 and x2.
    pub inputs: [Obj; 2],
    /// y1, y2 and y3.
    pub outputs: [Out; 3],
    /// T's outcome at shard-1 and shard-2 (its input shards), for the witnesses.
    pub outcomes: [Outcome; 2],
}

fn status(o: Obj) -> Status {
    match o {
        Obj::Active => Status::Active,
        Obj::Locked(t) => Status::Held(t),
        Obj::Spent(t) => Status::Spent(t),
    }
}

fn transfers() -> Vec<Transfer> {
    let mut ts = vec![Transfer {
        tx: T,
        inputs: INPUTS.to_vec(),
        outputs: OUTPUTS.to_vec(),
    }];
    for k in 0..2 {
        ts.push(Transfer {
            tx: LOCKERS[k],
            inputs: vec![INPUTS[k]],
            outputs: Vec::new(),
        });
        ts.push(Transfer {
            tx: SPENDERS[k],
            inputs: vec![INPUTS[k]],
            outputs: vec![PAID[k]],
        });
    }
    ts.push(Transfer {
        tx: SPEND_Y3,
        inputs: vec![Y3],
        outputs: vec![U3],
    });
    ts
}

/// Fills the observation: T's outcomes at its input shards, the transfers, every object's
/// status and the value ledger (the module doc says how it counts).
pub fn observe(v: &View, obs: &mut Observation) {
    obs.transfers = transfers();
    let t_effect = obs.took_effect(&obs.transfers[0]);
    let shards = [SHARD1, SHARD2, SHARD3];
    let mut amounts = Vec::new();
    for k in 0..2 {
        obs.outcome(T, shards[k], v.outcomes[k]);
        let x = v.inputs[k];
        obs.statuses.push(ObjectStatus {
            object: INPUTS[k],
            shard: shards[k],
            status: status(x),
        });
        let value = match x {
            Obj::Active => INPUT_VALUE,
            Obj::Locked(t) if t == T && t_effect => 0,
            Obj::Locked(_) => INPUT_VALUE,
            Obj::Spent(_) => 0,
        };
        amounts.push(Amount {
            holder: format!("x{} on {}", k + 1, NODE_NAMES[k]),
            value,
        });
        if x == Obj::Spent(SPENDERS[k]) {
            obs.statuses.push(ObjectStatus {
                object: PAID[k],
                shard: shards[k],
                status: Status::Active,
            });
            amounts.push(Amount {
                holder: format!("w{} paid out of x{}", k + 1, k + 1),
                value: INPUT_VALUE,
            });
        }
    }
    for (k, &y) in v.outputs.iter().enumerate() {
        let value = match y {
            Out::Active => OUTPUT_VALUE,
            Out::Absent if t_effect => OUTPUT_VALUE,
            _ => 0,
        };
        let holder = match y {
            Out::Active => format!("y{} on {}", k + 1, NODE_NAMES[k]),
            _ => format!("y{} in transit to {}", k + 1, NODE_NAMES[k]),
        };
        match y {
            Out::Active => obs.statuses.push(ObjectStatus {
                object: OUTPUTS[k],
                shard: shards[k],
                status: Status::Active,
            }),
            Out::Spent => obs.statuses.push(ObjectStatus {
                object: OUTPUTS[k],
                shard: shards[k],
                status: Status::Spent(SPEND_Y3),
            }),
            Out::Absent => {}
        }
        if value > 0 {
            amounts.push(Amount { holder, value });
        }
    }
    let paid_u3 = obs
        .history
        .iter()
        .filter(|e| matches!(e, Event::Create { object: U3, .. }))
        .count();
    if paid_u3 > 0 {
        amounts.push(Amount {
            holder: "u3 paid out of y3".to_string(),
            value: OUTPUT_VALUE * i64::try_from(paid_u3).unwrap_or(i64::MAX / 4),
        });
    }
    obs.ledger = Some(Ledger {
        supply: 2 * INPUT_VALUE,
        amounts,
    });
}

/// T's outcome at an input shard from its input and its latest local decision.
pub fn outcome(x: Obj, decision: Option<Vote>) -> Outcome {
    match (decision, x) {
        (Some(Vote::Commit), _) => Outcome::Committed,
        (_, Obj::Locked(T)) => Outcome::Locked,
        (Some(Vote::Abort), _) => Outcome::Aborted,
        (None, _) => Outcome::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger_total(v: &View, history: Vec<Event>) -> (i64, i64) {
        let mut obs = Observation {
            history,
            ..Observation::default()
        };
        observe(v, &mut obs);
        let l = obs.ledger.expect("a ledger");
        (l.total(), l.supply)
    }

    #[test]
    fn a_commit_halfway_keeps_the_value_in_transit() {
        let v = View {
            inputs: [Obj::Spent(T), Obj::Locked(T)],
            outputs: [Out::Active, Out::Absent, Out::Absent],
            outcomes: [Outcome::Committed, Outcome::Locked],
        };
        let history = vec![
            Event::Consume { object: X1, tx: T },
            Event::Create {
                object: Y1,
                shard: SHARD1,
            },
        ];
        assert_eq!(ledger_total(&v, history), (6, 6));
    }

    #[test]
    fn an_output_behind_a_released_input_is_value_from_thin_air() {
        // S-BAC, Table 1 row 3: x1 released, x2 spent by T, y2 created.
        let v = View {
            inputs: [Obj::Active, Obj::Spent(T)],
            outputs: [Out::Absent, Out::Active, Out::Absent],
            outcomes: [Outcome::Aborted, Outcome::Committed],
        };
        let history = vec![
            Event::Consume { object: X2, tx: T },
            Event::Create {
                object: Y2,
                shard: SHARD2,
            },
        ];
        assert_eq!(ledger_total(&v, history), (9, 6));
    }
}
