//! The named properties. Names are an API (JSON keys, JUnit test names, file names): never rename
//! one. Statements follow DESIGN.md's property table and PROTOCOLS.md §0.2 (A1–A4, L2, TR1, TR2,
//! U1); `serializability` follows Bernstein, Hadzilacos and Goodman (1987), ch. 2–3.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::observation::{
    ArcStatus, LockMode, NodeId, ObjectId, Observation, Outcome, Status, TxId,
};

/// How a property is judged over the reachable states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Must hold in every reachable state; a state where it fails is a counterexample.
    Always,
    /// Must hold in every reachable quiescent state (checked as an invariant that is vacuous in
    /// states that are not quiescent).
    Terminal,
    /// A witness: some reachable state must satisfy it, or the model is vacuous.
    Sometimes,
    /// CTL `AG EF done`: from every reachable state some path of progress steps reaches a
    /// state where the condition holds. Judged on the explored state graph, not per state: the
    /// condition says whether a state is *done*.
    Progress,
}

impl Kind {
    /// The name used in output (`always`, `terminal`, `sometimes`, `progress`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Always => "always",
            Kind::Terminal => "terminal",
            Kind::Sometimes => "sometimes",
            Kind::Progress => "progress",
        }
    }
}

/// A named property over observations.
#[derive(Clone, Copy, Debug)]
pub struct PropertySpec {
    /// The stable name.
    pub name: &'static str,
    /// How it is judged: in every state, in quiescent states, or as a witness.
    pub kind: Kind,
    /// One sentence: what the property states.
    pub statement: &'static str,
    /// For `always` and `terminal` kinds, finds a violation; for `sometimes`, finds a witness;
    /// for `progress`, finds what is still pending (`None` exactly when the state is done).
    pub find: fn(&Observation) -> Option<Finding>,
}

impl PropertySpec {
    /// The condition a checker evaluates per state: true when the state is fine for an
    /// `always`/`terminal` property, true when the state is a witness for a `sometimes` one,
    /// true when the state is done for a `progress` one.
    pub fn condition(&self, obs: &Observation) -> bool {
        match self.kind {
            Kind::Always | Kind::Terminal | Kind::Progress => (self.find)(obs).is_none(),
            Kind::Sometimes => (self.find)(obs).is_some(),
        }
    }
}

/// No transaction is committed on one shard and aborted or reverted on another (A1, TCConsistent).
pub const ATOMICITY: PropertySpec = PropertySpec {
    name: "atomicity",
    kind: Kind::Always,
    statement: "no transaction is committed on one shard and aborted or reverted on another",
    find: find_atomicity,
};

/// No quiescent state leaves a transaction undecided or a lock held (L2). It judges quiescent
/// states only, so a protocol stuck in a retry loop (a timer re-armed forever) passes it:
/// [`PROGRESS`] covers that.
pub const DEADLOCK_FREEDOM: PropertySpec = PropertySpec {
    name: "deadlock_freedom",
    kind: Kind::Terminal,
    statement: "no quiescent state (no deliverable message, no armed timer, no enabled choice) \
                leaves a transaction undecided or a lock held; retry loops are progress's",
    find: find_deadlock,
};

/// From every reachable state, some path of protocol steps (no further loss, replay or crash)
/// reaches a state at rest where every transaction is decided and no lock is held: CTL
/// `AG EF done`, L2 without the quiescence proviso (PROTOCOLS.md §0.2). [`PropertySpec::find`]
/// judges the decisions and locks; the model judges rest (the world kernel requires its
/// quiescence of every progress property's done state, so a coordinator that re-sends a
/// decision forever after everything is decided does not finish).
pub const PROGRESS: PropertySpec = PropertySpec {
    name: "progress",
    kind: Kind::Progress,
    statement: "from every reachable state some path of protocol steps, without further \
                faults, reaches a state at rest (nothing deliverable, no timer armed, no \
                choice open) where every transaction is decided and no lock is held",
    find: find_pending,
};

/// Reverts and refunds happen only when the transaction can no longer commit, and at most once;
/// in clocked time no lock outlives its deadline plus Δ (TR1, TR2).
pub const TIMEOUT_REVERT: PropertySpec = PropertySpec {
    name: "timeout_revert",
    kind: Kind::Always,
    statement: "a revert or refund of T happens only if T commits nowhere, and at most once; in \
                clocked time no lock outlives its deadline plus delta",
    find: find_timeout_revert,
};

/// Total value is constant (A4), and no holding is negative: an overdraft pays out value the
/// holder did not have, and the total, which counts the negative holding, would hide it.
pub const CONSERVATION: PropertySpec = PropertySpec {
    name: "conservation",
    kind: Kind::Always,
    statement: "total value (balances + escrow + in-flight receipts + burnt) equals the supply, \
                and no holding is negative",
    find: find_conservation,
};

/// An object is consumed at most once (A2).
pub const NO_DOUBLE_SPEND: PropertySpec = PropertySpec {
    name: "no_double_spend",
    kind: Kind::Always,
    statement: "an object is consumed by at most one committed transaction, at most once",
    find: find_double_spend,
};

/// An object is created at most once over the whole history (A3).
pub const NO_DOUBLE_CREATE: PropertySpec = PropertySpec {
    name: "no_double_create",
    kind: Kind::Always,
    statement: "an object is created at most once over the whole history",
    find: find_double_create,
};

/// No two transactions hold conflicting locks on one object.
pub const ISOLATION: PropertySpec = PropertySpec {
    name: "isolation",
    kind: Kind::Always,
    statement: "no two transactions hold conflicting locks (a write and any other) on one object",
    find: find_isolation,
};

/// The committed transactions are serializable, checked on values and on locks: every
/// committed transaction holds each lock it needs until it is applied at that object's shard,
/// and the values of every settled object (one at which each committed writer has been
/// applied) are those of one serial order of the committed transactions.
///
/// Kind `always` rather than `terminal`: the lock half is a safety fact of every state (a
/// transaction that executed without a lock is wrong at that moment, whatever follows), and
/// the value half judges only settled objects, so a write still in flight is never mistaken
/// for a lost one, while a lost update is caught as soon as the last write lands — also in
/// runs that never become quiescent. Sources: Bernstein, Hadzilacos, Goodman, "Concurrency
/// Control and Recovery in Database Systems" (1987), ch. 2 (serializability) and 3 (strict
/// two-phase locking); PROTOCOLS.md §1 (the lock proofs the home shard executes on).
pub const SERIALIZABILITY: PropertySpec = PropertySpec {
    name: "serializability",
    kind: Kind::Always,
    statement: "every committed transaction holds each lock it needs until applied there, and                 the values written equal those of some serial order of the committed                 transactions",
    find: find_serializability,
};

/// Every resource is at exactly one place: one shard or one unclaimed receipt (U1).
pub const UNIQUE_LOCATION: PropertySpec = PropertySpec {
    name: "unique_location",
    kind: Kind::Always,
    statement: "every resource is on exactly one shard or in exactly one unclaimed receipt",
    find: find_unique_location,
};

/// A1 in object terms (PROTOCOLS.md §0.2; Byzcuit's "consistency", Sonnino et al. 2020 §3): a
/// transaction that has spent one of its inputs or created one of its outputs has each of its
/// inputs held for it or spent by it. No input is spent while another is left active, or
/// spent by some other transaction. Judged on [`Observation::transfers`], the inputs'
/// [`Observation::statuses`] and the history (what took effect is irreversible).
pub const CONSISTENCY: PropertySpec = PropertySpec {
    name: "consistency",
    kind: Kind::Always,
    statement: "a transaction that has spent an input or created an output has each of its \
                inputs held for it or spent by it: no input spent while another is not",
    find: find_inconsistency,
};

/// A2 for inactive inputs (PROTOCOLS.md §5.4, Byzcuit Tables 1 and 3, rows 6): no transaction
/// takes effect while one of its inputs was spent by another transaction, i.e. no input is
/// double-spent by a transaction that commits on the strength of a stale vote. Judged on the
/// history alone: `Consume` events of the other transaction, and the transaction's own
/// `Consume` or `Create` events.
pub const NO_INACTIVE_INPUT_SPEND: PropertySpec = PropertySpec {
    name: "no_inactive_input_spend",
    kind: Kind::Always,
    statement: "no transaction takes effect while one of its inputs has been spent by another \
                transaction (a double spend of an inactive input)",
    find: find_inactive_input_spend,
};

/// A3 (PROTOCOLS.md §0.2, §5.4 Tables 2 and 4): every output is created at most once over the
/// whole history, and an output exists only while its transaction holds or has spent every
/// one of its inputs (outputs only if the transaction commits).
pub const OUTPUT_INTEGRITY: PropertySpec = PropertySpec {
    name: "output_integrity",
    kind: Kind::Always,
    statement: "every output is created at most once, and exists only while each input of its \
                transaction is held for it or spent by it",
    find: find_output_integrity,
};

/// No conforming party of a swap ends underwater (Herlihy, "Atomic Cross-Chain Swaps", PODC
/// 2018, §3 and Theorem 4.7; PROTOCOLS.md §6.2 NoUnderwater): a party is underwater when
/// some asset it gives has reached its counterparty while some asset it is owed never will.
/// Both halves are irreversible — a claimed contract stays claimed, a refunded one refunded,
/// and a hashed timelock accepts no claim at or after its expiry — so judging every state
/// (`always`) is judging how every run ends, and the counterexample stops at the first state
/// from which the loss is certain, not at the refund that follows. A party that keeps what it
/// gives, or receives everything it is owed (Herlihy's Deal, NoDeal, Discount and FreeRide),
/// is not underwater.
pub const NO_UNDERWATER: PropertySpec = PropertySpec {
    name: "no_underwater",
    kind: Kind::Always,
    statement: "no conforming party ends underwater: once an asset it gives has reached its \
                counterparty, every asset it is owed has reached it or still can (not refunded, \
                its claim window still open)",
    find: find_underwater,
};

/// Witness: some transaction commits at every shard it concerns.
pub const CAN_COMMIT: PropertySpec = PropertySpec {
    name: "can_commit",
    kind: Kind::Sometimes,
    statement: "some transaction is committed at every shard it concerns",
    find: find_commit_witness,
};

/// Witness: some transaction is aborted or reverted at every shard it concerns.
pub const CAN_ABORT: PropertySpec = PropertySpec {
    name: "can_abort",
    kind: Kind::Sometimes,
    statement: "some transaction is aborted or reverted at every shard it concerns",
    find: find_abort_witness,
};

/// Witness: every transaction is aborted or reverted at every shard it concerns (PROTOCOLS.md
/// §1.4: two conflicting transactions can both be repealed, abort-abort instead of deadlock).
pub const ALL_ABORT: PropertySpec = PropertySpec {
    name: "all_abort",
    kind: Kind::Sometimes,
    statement: "every transaction is aborted or reverted at every shard it concerns",
    find: find_all_abort_witness,
};

/// Every property, in the order output lists them.
pub const ALL: &[PropertySpec] = &[
    ATOMICITY,
    DEADLOCK_FREEDOM,
    PROGRESS,
    TIMEOUT_REVERT,
    CONSERVATION,
    NO_DOUBLE_SPEND,
    NO_DOUBLE_CREATE,
    ISOLATION,
    SERIALIZABILITY,
    UNIQUE_LOCATION,
    CONSISTENCY,
    NO_INACTIVE_INPUT_SPEND,
    OUTPUT_INTEGRITY,
    NO_UNDERWATER,
    CAN_COMMIT,
    CAN_ABORT,
    ALL_ABORT,
];

/// Looks a property up by its stable name.
pub fn by_name(name: &str) -> Option<&'static PropertySpec> {
    ALL.iter().find(|p| p.name == name)
}

fn find_atomicity(obs: &Observation) -> Option<Finding> {
    for c in obs
        .outcomes
        .iter()
        .filter(|o| o.outcome == Outcome::Committed)
    {
        if let Some(n) = obs
            .outcomes_of(c.tx)
            .find(|o| o.outcome.is_negative() && o.shard != c.shard)
        {
            return Some(Finding::Split {
                tx: c.tx,
                committed_at: c.shard,
                negative_at: n.shard,
                negative: n.outcome,
            });
        }
    }
    None
}

fn find_deadlock(obs: &Observation) -> Option<Finding> {
    if !obs.quiescent {
        return None;
    }
    if let Some(o) = obs.outcomes.iter().find(|o| !o.outcome.is_decided()) {
        return Some(Finding::Undecided {
            tx: o.tx,
            shard: o.shard,
            outcome: o.outcome,
        });
    }
    obs.locks.first().map(|l| Finding::LockHeld {
        object: l.object,
        shard: l.shard,
        tx: l.tx,
    })
}

/// What is still pending in a state, quiescent or not: `None` exactly when it is done.
fn find_pending(obs: &Observation) -> Option<Finding> {
    if let Some(o) = obs.outcomes.iter().find(|o| !o.outcome.is_decided()) {
        return Some(Finding::StillUndecided {
            tx: o.tx,
            shard: o.shard,
            outcome: o.outcome,
        });
    }
    obs.locks.first().map(|l| Finding::StillLocked {
        object: l.object,
        shard: l.shard,
        tx: l.tx,
    })
}

fn find_timeout_revert(obs: &Observation) -> Option<Finding> {
    use crate::observation::Event;
    // Reverts and refunds are counted per (transaction, shard), each kind on its own: a
    // transaction that held value on two shards is rightly undone once on each, and only a
    // second revert (or a second refund) on the same shard is a repeat.
    let mut undone: BTreeMap<(bool, u8, u8), u32> = BTreeMap::new();
    for e in &obs.history {
        let key = match *e {
            Event::Revert { tx, shard } => (false, tx, shard),
            Event::Refund { tx, shard } => (true, tx, shard),
            _ => continue,
        };
        let n = undone.entry(key).or_default();
        *n += 1;
        if *n > 1 {
            return Some(Finding::RepeatedRevert {
                tx: key.1,
                shard: key.2,
            });
        }
    }
    for &(_, tx, shard) in undone.keys() {
        if let Some(c) = obs
            .outcomes_of(tx)
            .find(|o| o.outcome == Outcome::Committed)
        {
            return Some(Finding::RevertedButCommitted {
                tx,
                reverted_at: shard,
                committed_at: c.shard,
            });
        }
    }
    if let (Some(now), Some(delta)) = (obs.now, obs.delta) {
        for l in &obs.locks {
            if let Some(deadline) = l.deadline {
                if now > deadline.saturating_add(delta) {
                    return Some(Finding::LockOverdue {
                        object: l.object,
                        shard: l.shard,
                        tx: l.tx,
                        deadline,
                        now,
                    });
                }
            }
        }
    }
    None
}

fn find_conservation(obs: &Observation) -> Option<Finding> {
    let ledger = obs.ledger.as_ref()?;
    let total = ledger.total();
    if total != ledger.supply {
        return Some(Finding::Imbalance {
            total,
            supply: ledger.supply,
        });
    }
    ledger
        .amounts
        .iter()
        .find(|a| a.value < 0)
        .map(|a| Finding::Overdrawn {
            holder: a.holder.clone(),
            value: a.value,
        })
}

fn find_double_spend(obs: &Observation) -> Option<Finding> {
    use crate::observation::Event;
    let mut first: BTreeMap<u8, u8> = BTreeMap::new();
    for e in &obs.history {
        if let Event::Consume { object, tx } = *e {
            if let Some(&earlier) = first.get(&object) {
                return Some(Finding::DoubleSpend {
                    object,
                    first: earlier,
                    second: tx,
                });
            }
            first.insert(object, tx);
        }
    }
    None
}

fn find_double_create(obs: &Observation) -> Option<Finding> {
    use crate::observation::Event;
    let mut seen: BTreeMap<u8, u8> = BTreeMap::new();
    for e in &obs.history {
        if let Event::Create { object, shard } = *e {
            if let Some(&first) = seen.get(&object) {
                return Some(Finding::DoubleCreate {
                    object,
                    first,
                    second: shard,
                });
            }
            seen.insert(object, shard);
        }
    }
    None
}

fn find_isolation(obs: &Observation) -> Option<Finding> {
    for (i, a) in obs.locks.iter().enumerate() {
        for b in &obs.locks[i + 1..] {
            let conflict = a.object == b.object
                && a.shard == b.shard
                && a.tx != b.tx
                && (a.mode == LockMode::Write || b.mode == LockMode::Write);
            if conflict {
                return Some(Finding::Conflict {
                    object: a.object,
                    shard: a.shard,
                    first: a.tx,
                    second: b.tx,
                });
            }
        }
    }
    None
}

fn find_serializability(obs: &Observation) -> Option<Finding> {
    use crate::observation::{TxEffect, Value};
    let committed: Vec<&TxEffect> = obs
        .effects
        .iter()
        .filter(|e| obs.committed_somewhere(e.tx))
        .collect();
    if committed.is_empty() {
        return None;
    }
    let value_of = |o: ObjectId| obs.values.iter().find(|v| v.object == o);
    let applied = |tx: TxId, shard: NodeId| {
        obs.outcomes_of(tx)
            .any(|x| x.shard == shard && x.outcome == Outcome::Committed)
    };
    // Strict two-phase locking: a committed transaction keeps each lock until it is applied at
    // that object's shard (then it may be released).
    for e in &committed {
        let touched = e.reads.iter().chain(e.writes.iter().map(|w| &w.object));
        for &object in touched {
            let shard = value_of(object).map(|v| v.shard);
            let write = e.writes_to(object);
            let held = obs.locks.iter().any(|l| {
                l.tx == e.tx
                    && l.object == object
                    && shard.is_none_or(|s| s == l.shard)
                    && (!write || l.mode == LockMode::Write)
            });
            let done = shard.is_some_and(|s| applied(e.tx, s));
            if !held && !done {
                return Some(Finding::Unlocked {
                    tx: e.tx,
                    object,
                    shard: shard.unwrap_or(NodeId::MAX),
                });
            }
        }
    }
    // Only settled objects are judged: one with a committed writer not yet applied there holds
    // an intermediate value, not a wrong one.
    let settled: Vec<&Value> = obs
        .values
        .iter()
        .filter(|v| {
            committed
                .iter()
                .all(|e| !e.writes_to(v.object) || applied(e.tx, v.shard))
        })
        .collect();
    if settled.is_empty() {
        return None;
    }
    let serial = |order: &[&TxEffect]| -> Vec<(ObjectId, i64)> {
        let mut now: BTreeMap<ObjectId, i64> =
            obs.values.iter().map(|v| (v.object, v.initial)).collect();
        for e in order {
            let before = now.clone();
            for w in &e.writes {
                let sum = w
                    .reads
                    .iter()
                    .map(|o| before.get(o).copied().unwrap_or(0))
                    .fold(w.plus, i64::saturating_add);
                now.insert(w.object, sum);
            }
        }
        settled
            .iter()
            .map(|v| (v.object, now.get(&v.object).copied().unwrap_or(0)))
            .collect()
    };
    let observed: Vec<(ObjectId, i64)> = settled.iter().map(|v| (v.object, v.value)).collect();
    let mut order = committed.clone();
    if permutations(&mut order, 0, &mut |o| serial(o) == observed) {
        return None;
    }
    Some(Finding::NotSerializable {
        committed: committed.iter().map(|e| e.tx).collect(),
        observed,
        serial: serial(&committed),
    })
}

/// Whether `found` holds for some ordering of `items[k..]` (after `items[..k]`); Heap-style
/// swaps, so no allocation per ordering. Models have a handful of transactions, so the n!
/// orderings stay cheap.
fn permutations<T>(items: &mut [T], k: usize, found: &mut impl FnMut(&[T]) -> bool) -> bool {
    if k + 1 >= items.len() {
        return found(items);
    }
    for i in k..items.len() {
        items.swap(k, i);
        let hit = permutations(items, k + 1, found);
        items.swap(k, i);
        if hit {
            return true;
        }
    }
    false
}

fn find_unique_location(obs: &Observation) -> Option<Finding> {
    for &r in &obs.resources {
        let copies = obs.locations.iter().filter(|(o, _)| *o == r).count();
        if copies != 1 {
            return Some(Finding::Misplaced {
                object: r,
                copies: u32::try_from(copies).unwrap_or(u32::MAX),
            });
        }
    }
    None
}

/// The first input of `t` that is neither held for it nor spent by it, with where it stands
/// (an input the observation does not list counts as neither).
fn unbacked_input(
    obs: &Observation,
    t: &crate::observation::Transfer,
) -> Option<(ObjectId, NodeId, Status)> {
    t.inputs.iter().find_map(|&i| {
        let s = obs.statuses.iter().find(|s| s.object == i)?;
        match s.status {
            Status::Held(x) | Status::Spent(x) if x == t.tx => None,
            other => Some((i, s.shard, other)),
        }
    })
}

fn find_inconsistency(obs: &Observation) -> Option<Finding> {
    obs.transfers
        .iter()
        .filter(|t| obs.took_effect(t))
        .find_map(|t| {
            unbacked_input(obs, t).map(|(object, shard, status)| Finding::Inconsistent {
                tx: t.tx,
                object,
                shard,
                status,
            })
        })
}

fn find_inactive_input_spend(obs: &Observation) -> Option<Finding> {
    use crate::observation::Event;
    obs.transfers
        .iter()
        .filter(|t| obs.took_effect(t))
        .find_map(|t| {
            obs.history.iter().find_map(|e| match *e {
                Event::Consume { object, tx } if tx != t.tx && t.inputs.contains(&object) => {
                    Some(Finding::SpentInput {
                        tx: t.tx,
                        object,
                        by: tx,
                    })
                }
                _ => None,
            })
        })
}

fn find_output_integrity(obs: &Observation) -> Option<Finding> {
    if let Some(f) = find_double_create(obs) {
        return Some(f);
    }
    obs.transfers.iter().find_map(|t| {
        let exists = t.outputs.iter().find(|&&o| obs.status_of(o).is_some())?;
        unbacked_input(obs, t).map(|(input, _, status)| Finding::Unbacked {
            object: *exists,
            tx: t.tx,
            input,
            status,
        })
    })
}

fn find_underwater(obs: &Observation) -> Option<Finding> {
    obs.swap_arcs.iter().find_map(|lost| {
        if !lost.lost(obs.now) {
            return None;
        }
        let party = lost.to;
        obs.swap_arcs
            .iter()
            .find(|gave| gave.from == party && gave.status == ArcStatus::Done)
            .map(|gave| Finding::Underwater {
                party,
                gave: gave.asset,
                lost: lost.asset,
            })
    })
}

fn all_outcomes(obs: &Observation, ok: impl Fn(Outcome) -> bool) -> Option<u8> {
    obs.txs()
        .into_iter()
        .find(|&tx| obs.outcomes_of(tx).all(|o| ok(o.outcome)))
}

fn find_commit_witness(obs: &Observation) -> Option<Finding> {
    all_outcomes(obs, |o| o == Outcome::Committed).map(|tx| Finding::Committed { tx })
}

fn find_abort_witness(obs: &Observation) -> Option<Finding> {
    all_outcomes(obs, Outcome::is_negative).map(|tx| Finding::Aborted { tx })
}

fn find_all_abort_witness(obs: &Observation) -> Option<Finding> {
    let txs = obs.txs();
    let all = !txs.is_empty()
        && txs
            .iter()
            .all(|&tx| obs.outcomes_of(tx).all(|o| o.outcome.is_negative()));
    all.then(|| Finding::AllAborted {
        count: u32::try_from(txs.len()).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod all_abort_tests {
    use super::*;

    fn obs(outcomes: &[(u8, u8, Outcome)]) -> Observation {
        let mut o = Observation::default();
        for &(tx, shard, outcome) in outcomes {
            o.outcome(tx, shard, outcome);
        }
        o
    }

    #[test]
    fn all_abort_needs_every_transaction_negative_everywhere() {
        let both = obs(&[
            (0, 0, Outcome::Reverted),
            (0, 1, Outcome::Aborted),
            (1, 0, Outcome::Aborted),
            (1, 1, Outcome::Reverted),
        ]);
        assert_eq!(
            (ALL_ABORT.find)(&both),
            Some(Finding::AllAborted { count: 2 })
        );
        assert!(ALL_ABORT.condition(&both));
        // One transaction aborted everywhere is CAN_ABORT's witness, not ALL_ABORT's.
        let one = obs(&[
            (0, 0, Outcome::Aborted),
            (0, 1, Outcome::Aborted),
            (1, 0, Outcome::Locked),
            (1, 1, Outcome::Aborted),
        ]);
        assert!(CAN_ABORT.condition(&one));
        assert!(!ALL_ABORT.condition(&one));
        // No transaction at all is no witness.
        assert!(!ALL_ABORT.condition(&Observation::default()));
        assert_eq!(by_name("all_abort").map(|p| p.kind), Some(Kind::Sometimes));
    }
}
