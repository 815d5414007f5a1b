//! Unit tests on hand-made observations, and property tests of the laws the properties obey.

use proptest::prelude::*;

use crate::catalogue::*;
use crate::finding::Finding;
use crate::observation::*;

fn names(id: NodeId) -> String {
    format!("shard-{}", char::from(b'a' + id))
}

fn obs_with(outcomes: &[(TxId, NodeId, Outcome)]) -> Observation {
    let mut o = Observation::default();
    for &(tx, shard, outcome) in outcomes {
        o.outcome(tx, shard, outcome);
    }
    o
}

fn explain(p: &PropertySpec, o: &Observation) -> Option<String> {
    (p.find)(o).map(|f| f.describe(&names))
}

#[test]
fn atomicity_flags_commit_next_to_abort_or_revert() {
    use Outcome::*;
    assert!(ATOMICITY.condition(&obs_with(&[(0, 0, Committed), (0, 1, Committed)])));
    assert!(ATOMICITY.condition(&obs_with(&[(0, 0, Committed), (1, 1, Aborted)])));
    assert!(ATOMICITY.condition(&obs_with(&[(0, 0, Committed), (0, 1, Locked)])));
    let split = obs_with(&[(0, 0, Committed), (0, 1, Reverted)]);
    assert!(!ATOMICITY.condition(&split));
    assert_eq!(
        explain(&ATOMICITY, &split).as_deref(),
        Some("tx1 committed on shard-a but reverted on shard-b")
    );
    assert!(!ATOMICITY.condition(&obs_with(&[(2, 1, Aborted), (2, 0, Committed)])));
}

#[test]
fn deadlock_freedom_only_judges_quiescent_states() {
    use Outcome::*;
    let mut o = obs_with(&[(0, 0, Locked), (0, 1, Committed)]);
    assert!(DEADLOCK_FREEDOM.condition(&o), "not quiescent: vacuous");
    o.quiescent = true;
    assert_eq!(
        explain(&DEADLOCK_FREEDOM, &o).as_deref(),
        Some("nothing can happen any more, yet tx1 is still locked on shard-a")
    );
    let mut decided = obs_with(&[(0, 0, Aborted), (0, 1, Aborted)]);
    decided.quiescent = true;
    assert!(DEADLOCK_FREEDOM.condition(&decided));
    decided.locks.push(Lock {
        object: 3,
        shard: 1,
        tx: 1,
        mode: LockMode::Read,
        deadline: None,
    });
    assert_eq!(
        explain(&DEADLOCK_FREEDOM, &decided).as_deref(),
        Some("nothing can happen any more, yet obj4 on shard-b is still locked by tx2")
    );
}

#[test]
fn timeout_revert_catches_double_and_unjustified_reverts() {
    use Outcome::*;
    let mut o = obs_with(&[(0, 0, Reverted), (0, 1, Aborted)]);
    o.history.push(Event::Revert { tx: 0, shard: 0 });
    assert!(TIMEOUT_REVERT.condition(&o));
    o.history.push(Event::Revert { tx: 0, shard: 0 });
    assert_eq!(
        explain(&TIMEOUT_REVERT, &o).as_deref(),
        Some("tx1 was reverted or refunded twice on shard-a")
    );

    let mut refunded = obs_with(&[(0, 1, Committed)]);
    refunded.history.push(Event::Refund { tx: 0, shard: 0 });
    assert_eq!(
        explain(&TIMEOUT_REVERT, &refunded).as_deref(),
        Some("tx1 was reverted on shard-a although it committed on shard-b")
    );
    // A second refund on the same shard is a repeat, and the sentence names that shard.
    refunded.history.push(Event::Refund { tx: 0, shard: 0 });
    assert_eq!(
        explain(&TIMEOUT_REVERT, &refunded).as_deref(),
        Some("tx1 was reverted or refunded twice on shard-a")
    );
}

#[test]
fn one_refund_on_each_of_two_shards_is_not_a_double_refund() {
    use Outcome::*;
    let mut o = obs_with(&[(0, 0, Reverted), (0, 1, Reverted)]);
    o.history.push(Event::Refund { tx: 0, shard: 0 });
    o.history.push(Event::Refund { tx: 0, shard: 1 });
    assert_eq!(explain(&TIMEOUT_REVERT, &o), None);
    assert!(TIMEOUT_REVERT.condition(&o));
    // A revert and a refund of one transaction on one shard are two different undos.
    o.history.push(Event::Revert { tx: 0, shard: 1 });
    assert!(TIMEOUT_REVERT.condition(&o));
    // Two refunds on shard-b are: the finding names shard-b, not the first refund's shard-a.
    o.history.push(Event::Refund { tx: 0, shard: 1 });
    assert_eq!(
        explain(&TIMEOUT_REVERT, &o).as_deref(),
        Some("tx1 was reverted or refunded twice on shard-b")
    );
    assert_eq!(
        (TIMEOUT_REVERT.find)(&o),
        Some(crate::finding::Finding::RepeatedRevert { tx: 0, shard: 1 })
    );
}

#[test]
fn renaming_an_event_renames_only_its_node_ids() {
    let swap = |n: NodeId| 1 - n;
    assert_eq!(
        Event::Create {
            object: 0,
            shard: 0
        }
        .renamed(&swap),
        Event::Create {
            object: 0,
            shard: 1
        }
    );
    assert_eq!(
        Event::Revert { tx: 1, shard: 1 }.renamed(&swap),
        Event::Revert { tx: 1, shard: 0 }
    );
    assert_eq!(
        Event::Refund { tx: 0, shard: 0 }.renamed(&swap),
        Event::Refund { tx: 0, shard: 1 }
    );
    assert_eq!(
        Event::Consume { object: 1, tx: 0 }.renamed(&swap),
        Event::Consume { object: 1, tx: 0 }
    );
}

#[test]
fn timeout_revert_bounds_lock_lifetime_in_clocked_time() {
    let mut o = Observation::default();
    o.locks.push(Lock {
        object: 0,
        shard: 0,
        tx: 0,
        mode: LockMode::Write,
        deadline: Some(3),
    });
    o.delta = Some(1);
    o.now = Some(4);
    assert!(
        TIMEOUT_REVERT.condition(&o),
        "deadline + delta is still fine"
    );
    o.now = Some(5);
    assert!(!TIMEOUT_REVERT.condition(&o));
    o.now = None;
    assert!(TIMEOUT_REVERT.condition(&o), "no clock: no lifetime bound");
}

#[test]
fn conservation_compares_ledger_to_supply() {
    let mut o = Observation::default();
    assert!(CONSERVATION.condition(&o), "no ledger: nothing to conserve");
    o.ledger = Some(Ledger {
        supply: 10,
        amounts: vec![
            Amount {
                holder: "a".into(),
                value: 7,
            },
            Amount {
                holder: "in flight".into(),
                value: 3,
            },
        ],
    });
    assert!(CONSERVATION.condition(&o));
    if let Some(l) = o.ledger.as_mut() {
        l.amounts[0].value = 8;
    }
    assert_eq!(
        explain(&CONSERVATION, &o).as_deref(),
        Some("total value is 11 but the supply is 10")
    );
}

#[test]
fn conservation_flags_an_overdraft_that_the_total_hides() {
    // receipts' overdraft mutant: A sends 3 of its 2, B is credited 3; the total is 2.
    let mut o = Observation {
        ledger: Some(Ledger {
            supply: 2,
            amounts: vec![
                Amount {
                    holder: "balance shard-a".into(),
                    value: -1,
                },
                Amount {
                    holder: "balance shard-b".into(),
                    value: 3,
                },
            ],
        }),
        ..Observation::default()
    };
    assert_eq!(
        explain(&CONSERVATION, &o).as_deref(),
        Some("balance shard-a holds -1: value was paid out that was not there")
    );
    if let Some(l) = o.ledger.as_mut() {
        l.amounts[1].value = 4;
    }
    assert_eq!(
        explain(&CONSERVATION, &o).as_deref(),
        Some("total value is 3 but the supply is 2"),
        "an imbalance is reported first, as before"
    );
}

#[test]
fn double_spend_and_double_create_read_the_history() {
    let mut o = Observation::default();
    o.history.push(Event::Consume { object: 0, tx: 0 });
    o.history.push(Event::Create {
        object: 1,
        shard: 0,
    });
    o.history.push(Event::Consume { object: 2, tx: 1 });
    assert!(NO_DOUBLE_SPEND.condition(&o));
    assert!(NO_DOUBLE_CREATE.condition(&o));
    o.history.push(Event::Consume { object: 0, tx: 1 });
    assert_eq!(
        explain(&NO_DOUBLE_SPEND, &o).as_deref(),
        Some("obj1 was consumed twice (by tx1 and by tx2)")
    );
    o.history.push(Event::Create {
        object: 1,
        shard: 1,
    });
    assert_eq!(
        explain(&NO_DOUBLE_CREATE, &o).as_deref(),
        Some("obj2 was created twice (on shard-a and on shard-b)")
    );
}

#[test]
fn isolation_allows_shared_reads_only() {
    let lock = |tx, mode| Lock {
        object: 0,
        shard: 0,
        tx,
        mode,
        deadline: None,
    };
    let mut o = Observation {
        locks: vec![lock(0, LockMode::Read), lock(1, LockMode::Read)],
        ..Observation::default()
    };
    assert!(ISOLATION.condition(&o));
    o.locks = vec![lock(0, LockMode::Read), lock(1, LockMode::Write)];
    assert_eq!(
        explain(&ISOLATION, &o).as_deref(),
        Some("obj1 on shard-a is locked by both tx1 and tx2 in conflicting modes")
    );
    o.locks = vec![lock(0, LockMode::Write), lock(0, LockMode::Write)];
    assert!(
        ISOLATION.condition(&o),
        "one transaction does not conflict with itself"
    );
}

#[test]
fn unique_location_counts_copies() {
    let mut o = Observation {
        resources: vec![0, 1],
        locations: vec![(0, Location::Shard(0)), (1, Location::InTransit(0))],
        ..Observation::default()
    };
    assert!(UNIQUE_LOCATION.condition(&o));
    o.locations.push((0, Location::Shard(1)));
    assert_eq!(
        explain(&UNIQUE_LOCATION, &o).as_deref(),
        Some("obj1 exists in 2 places instead of exactly one")
    );
    o.locations.retain(|(r, _)| *r != 1);
    o.locations.retain(|(r, _)| *r == 0);
    o.locations.truncate(1);
    assert_eq!(
        explain(&UNIQUE_LOCATION, &o).as_deref(),
        Some("obj2 exists in 0 places instead of exactly one")
    );
}

#[test]
fn witnesses_need_a_transaction_decided_everywhere() {
    use Outcome::*;
    let o = obs_with(&[
        (0, 0, Committed),
        (0, 1, Locked),
        (1, 0, Aborted),
        (1, 1, Pending),
    ]);
    assert!(!CAN_COMMIT.condition(&o));
    assert!(!CAN_ABORT.condition(&o));
    let o = obs_with(&[
        (0, 0, Committed),
        (0, 1, Committed),
        (1, 0, Aborted),
        (1, 1, Reverted),
    ]);
    assert!(CAN_COMMIT.condition(&o));
    assert!(CAN_ABORT.condition(&o));
    assert!(
        !CAN_COMMIT.condition(&Observation::default()),
        "nothing happens: no witness"
    );
}

/// A two-party swap: asset 0 from party 0 to party 1, asset 1 back, both expiring at `expires`.
fn swap(a: ArcStatus, b: ArcStatus, expires: Option<u32>, now: Option<u32>) -> Observation {
    let arc = |asset, from, to, status| SwapArc {
        asset,
        from,
        to,
        status,
        expires,
    };
    Observation {
        swap_arcs: vec![arc(0, 0, 1, a), arc(1, 1, 0, b)],
        now,
        ..Observation::default()
    }
}

#[test]
fn no_underwater_flags_a_party_that_gave_and_can_no_longer_receive() {
    use ArcStatus::{Done, Off, Open};
    // Deal, NoDeal, and still undecided: nobody is underwater.
    for (a, b) in [
        (Done, Done),
        (Off, Off),
        (Open, Open),
        (Open, Done),
        (Off, Open),
    ] {
        assert_eq!(explain(&NO_UNDERWATER, &swap(a, b, Some(4), Some(3))), None);
    }
    // Party 1 gave asset 1 and asset 0 was refunded to party 0.
    assert_eq!(
        (NO_UNDERWATER.find)(&swap(Off, Done, Some(4), Some(3))),
        Some(Finding::Underwater {
            party: 1,
            gave: 1,
            lost: 0
        })
    );
    assert_eq!(
        explain(&NO_UNDERWATER, &swap(Off, Done, None, None)).as_deref(),
        Some("shard-b gave obj2 and can no longer get obj1: it ends underwater")
    );
    // Still escrowed but past its timelock: no claim can land any more.
    assert!(!NO_UNDERWATER.condition(&swap(Open, Done, Some(4), Some(4))));
    assert!(NO_UNDERWATER.condition(&swap(Open, Done, Some(4), Some(3))));
    // In async time only a refund closes a transfer.
    assert!(NO_UNDERWATER.condition(&swap(Open, Done, Some(4), None)));
    assert_eq!(by_name("no_underwater").map(|p| p.kind), Some(Kind::Always));
}

#[test]
fn names_are_unique_and_stable() {
    let names: Vec<&str> = ALL.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "atomicity",
            "deadlock_freedom",
            "progress",
            "timeout_revert",
            "conservation",
            "no_double_spend",
            "no_double_create",
            "isolation",
            "serializability",
            "unique_location",
            "consistency",
            "no_inactive_input_spend",
            "output_integrity",
            "no_underwater",
            "can_commit",
            "can_abort",
            "all_abort"
        ]
    );
    for p in ALL {
        assert_eq!(by_name(p.name).map(|q| q.name), Some(p.name));
    }
    assert!(by_name("nope").is_none());
}

/// A ledger after applying transfers between accounts: balanced ones keep the total. A
/// transfer that would overdraw an account is refused, as a ledger does.
fn ledger_after(start: &[i64], transfers: &[(usize, usize, i64)], leak: i64) -> Observation {
    let mut balances = start.to_vec();
    let n = balances.len();
    for &(from, to, v) in transfers {
        let (from, to) = (from % n, to % n);
        if from != to && balances[from] >= v && balances[to] >= -v {
            balances[from] -= v;
            balances[to] += v;
        }
    }
    balances[0] += leak;
    ledger_of(start.iter().sum(), balances)
}

fn ledger_of(supply: i64, balances: Vec<i64>) -> Observation {
    Observation {
        ledger: Some(Ledger {
            supply,
            amounts: balances
                .into_iter()
                .enumerate()
                .map(|(i, value)| Amount {
                    holder: format!("account {i}"),
                    value,
                })
                .collect(),
        }),
        ..Observation::default()
    }
}

proptest! {
    #[test]
    fn conservation_holds_for_any_balanced_transfers(
        start in prop::collection::vec(0i64..1000, 1..6),
        transfers in prop::collection::vec((0usize..6, 0usize..6, -50i64..50), 0..20),
    ) {
        prop_assert!(CONSERVATION.condition(&ledger_after(&start, &transfers, 0)));
    }

    #[test]
    fn conservation_fails_for_any_unbalanced_transfers(
        start in prop::collection::vec(0i64..1000, 1..6),
        transfers in prop::collection::vec((0usize..6, 0usize..6, -50i64..50), 0..20),
        leak in prop_oneof![-100i64..0, 1i64..100],
    ) {
        prop_assert!(!CONSERVATION.condition(&ledger_after(&start, &transfers, leak)));
    }

    #[test]
    fn conservation_fails_for_any_overdraft_even_when_balanced(
        start in prop::collection::vec(0i64..1000, 2..6),
        from in 0usize..6,
        over in 1i64..100,
    ) {
        // Account `from` pays the next one more than it holds: the total is unchanged.
        let mut balances = start.clone();
        let (from, to) = (from % start.len(), (from + 1) % start.len());
        let v = balances[from] + over;
        balances[from] -= v;
        balances[to] += v;
        prop_assert!(!CONSERVATION.condition(&ledger_of(start.iter().sum(), balances)));
    }

    #[test]
    fn atomicity_is_exactly_no_committed_next_to_negative(
        outcomes in prop::collection::vec((0u8..3, 0u8..4, 0u8..5), 0..12),
    ) {
        let all = [Outcome::Pending, Outcome::Locked, Outcome::Committed, Outcome::Aborted, Outcome::Reverted];
        let o = obs_with(&outcomes.iter().map(|&(t, s, k)| (t, s, all[usize::from(k)])).collect::<Vec<_>>());
        let split = o.outcomes.iter().any(|a| a.outcome == Outcome::Committed
            && o.outcomes.iter().any(|b| b.tx == a.tx && b.shard != a.shard && b.outcome.is_negative()));
        prop_assert_eq!(ATOMICITY.condition(&o), !split);
    }
}

#[test]
fn quickcheck_double_create_iff_a_repeated_object() {
    fn law(objects: Vec<u8>) -> bool {
        let mut o = Observation::default();
        for &obj in &objects {
            o.history.push(Event::Create {
                object: obj % 8,
                shard: 0,
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        let repeated = objects.iter().any(|&obj| !seen.insert(obj % 8));
        NO_DOUBLE_CREATE.condition(&o) != repeated
    }
    quickcheck::quickcheck(law as fn(Vec<u8>) -> bool);
}

/// Locking's two transactions on obj1 (shard 0) and obj2 (shard 1), home shard 2: tx1 writes
/// obj1 := obj1 + obj2 + 1, tx2 writes obj2 := obj2 + obj1 + 1.
fn two_writers(values: [i64; 2], outcomes: &[(TxId, NodeId, Outcome)]) -> Observation {
    use crate::observation::{TxEffect, Value, Write};
    let mut o = obs_with(outcomes);
    for (i, &value) in values.iter().enumerate() {
        let i = u8::try_from(i).unwrap_or(u8::MAX);
        o.values.push(Value {
            object: i,
            shard: i,
            initial: 0,
            value,
        });
        o.effects.push(TxEffect {
            tx: i,
            reads: vec![0, 1],
            writes: vec![Write {
                object: i,
                reads: vec![0, 1],
                plus: 1,
            }],
        });
    }
    o
}

fn everywhere(tx: TxId, outcome: Outcome) -> [(TxId, NodeId, Outcome); 3] {
    [(tx, 0, outcome), (tx, 1, outcome), (tx, 2, outcome)]
}

#[test]
fn serializability_accepts_either_serial_order_and_catches_the_lost_update() {
    let both: Vec<_> = everywhere(0, Outcome::Committed)
        .into_iter()
        .chain(everywhere(1, Outcome::Committed))
        .collect();
    assert!(SERIALIZABILITY.condition(&two_writers([1, 2], &both)));
    assert!(SERIALIZABILITY.condition(&two_writers([2, 1], &both)));
    let lost = two_writers([1, 1], &both);
    assert_eq!(
        explain(&SERIALIZABILITY, &lost).as_deref(),
        Some(
            "obj1 = 1, obj2 = 1 after committing tx1 and tx2, which no serial order gives \
             (tx1 then tx2 in that order gives obj1 = 1, obj2 = 2)"
        )
    );
    // Nothing committed: any values pass (nothing to serialize).
    assert!(SERIALIZABILITY.condition(&two_writers([5, 5], &[])));
}

#[test]
fn serializability_judges_only_settled_objects() {
    // tx1 and tx2 executed at the home shard; tx2's write to obj2 is still in flight, so obj2's
    // 0 is not judged, and obj1 = 1 is what tx1 then tx2 gives it.
    let mut outcomes = vec![(0, 0, Outcome::Committed), (0, 1, Outcome::Committed)];
    outcomes.extend([(0, 2, Outcome::Committed), (1, 0, Outcome::Committed)]);
    outcomes.extend([(1, 1, Outcome::Locked), (1, 2, Outcome::Committed)]);
    let mut o = two_writers([1, 0], &outcomes);
    o.locks.push(Lock {
        object: 1,
        shard: 1,
        tx: 1,
        mode: LockMode::Write,
        deadline: None,
    });
    assert!(SERIALIZABILITY.condition(&o));
    // The same state without tx2's lock on obj2: it would apply a write it no longer guards.
    o.locks.clear();
    assert_eq!(
        explain(&SERIALIZABILITY, &o).as_deref(),
        Some(
            "tx2 committed without holding its lock on obj2 on shard-b (and is not applied there)"
        )
    );
}

#[test]
fn serializability_needs_every_lock_at_execution() {
    // The home shard executed tx1 with only shard-a's lock proof: shard-b never locked obj2.
    let outcomes = [
        (0, 0, Outcome::Locked),
        (0, 1, Outcome::Pending),
        (0, 2, Outcome::Committed),
    ];
    let mut o = two_writers([0, 0], &outcomes);
    o.locks.push(Lock {
        object: 0,
        shard: 0,
        tx: 0,
        mode: LockMode::Write,
        deadline: None,
    });
    assert_eq!(
        (SERIALIZABILITY.find)(&o),
        Some(Finding::Unlocked {
            tx: 0,
            object: 1,
            shard: 1
        })
    );
    // A read lock does not cover a write.
    o.locks[0].mode = LockMode::Read;
    assert_eq!(
        (SERIALIZABILITY.find)(&o),
        Some(Finding::Unlocked {
            tx: 0,
            object: 0,
            shard: 0
        })
    );
}

#[test]
fn progress_finds_what_is_pending_quiescent_or_not() {
    let mut o = Observation::default();
    o.outcome(0, 1, Outcome::Locked);
    o.quiescent = false;
    // Not quiescent: deadlock_freedom has nothing to say, progress sees the pending outcome.
    assert!(DEADLOCK_FREEDOM.condition(&o));
    assert_eq!(
        (PROGRESS.find)(&o),
        Some(crate::Finding::StillUndecided {
            tx: 0,
            shard: 1,
            outcome: Outcome::Locked
        })
    );
    assert!(!PROGRESS.condition(&o));
    let mut done = Observation::default();
    done.outcome(0, 1, Outcome::Committed);
    assert!(PROGRESS.condition(&done));
    assert_eq!(Kind::Progress.as_str(), "progress");
    assert_eq!(by_name("progress").map(|p| p.kind), Some(Kind::Progress));
}

/// T (tx1) spends obj1 on shard-a and obj2 on shard-b and creates obj3 on shard-c; tx2 is a
/// helper that may spend obj1.
fn utxo(statuses: &[(ObjectId, NodeId, Status)], history: Vec<Event>) -> Observation {
    let mut o = Observation {
        history,
        ..Observation::default()
    };
    o.transfers = vec![
        Transfer {
            tx: 0,
            inputs: vec![0, 1],
            outputs: vec![2],
        },
        Transfer {
            tx: 1,
            inputs: vec![0],
            outputs: vec![],
        },
    ];
    o.statuses = statuses
        .iter()
        .map(|&(object, shard, status)| ObjectStatus {
            object,
            shard,
            status,
        })
        .collect();
    o
}

#[test]
fn consistency_needs_every_input_held_or_spent_once_one_took_effect() {
    let spent = Event::Consume { object: 1, tx: 0 };
    // Half applied: obj2 spent, obj1 still held for T: consistent (the rest is on its way).
    let halfway = utxo(
        &[(0, 0, Status::Held(0)), (1, 1, Status::Spent(0))],
        vec![spent.clone()],
    );
    assert_eq!(explain(&CONSISTENCY, &halfway), None);
    // obj1 released while obj2 is spent by T: S-BAC's Table 1, row 3.
    let split = utxo(
        &[(0, 0, Status::Active), (1, 1, Status::Spent(0))],
        vec![spent.clone()],
    );
    assert_eq!(
        explain(&CONSISTENCY, &split).as_deref(),
        Some("tx1 took effect, yet its input obj1 on shard-a is active: spent on one side and not on the other")
    );
    // A hold that never took effect is no inconsistency: an abort may release it.
    let held = utxo(&[(0, 0, Status::Active), (1, 1, Status::Held(0))], vec![]);
    assert_eq!(explain(&CONSISTENCY, &held), None);
    // Creating an output takes effect too.
    let created = utxo(
        &[
            (0, 0, Status::Spent(1)),
            (1, 1, Status::Held(0)),
            (2, 2, Status::Active),
        ],
        vec![Event::Create {
            object: 2,
            shard: 2,
        }],
    );
    assert!(explain(&CONSISTENCY, &created)
        .is_some_and(|s| s.contains("obj1 on shard-a is spent by tx2")));
}

#[test]
fn an_input_spent_by_another_transaction_is_a_double_spend_once_the_first_takes_effect() {
    let helper = Event::Consume { object: 0, tx: 1 };
    let alone = utxo(&[(0, 0, Status::Spent(1))], vec![helper.clone()]);
    assert_eq!(explain(&NO_INACTIVE_INPUT_SPEND, &alone), None);
    let both = utxo(
        &[(0, 0, Status::Spent(1)), (1, 1, Status::Spent(0))],
        vec![helper, Event::Consume { object: 1, tx: 0 }],
    );
    assert_eq!(
        explain(&NO_INACTIVE_INPUT_SPEND, &both).as_deref(),
        Some(
            "tx1 took effect although its input obj1 was already spent by tx2: obj1 is spent twice"
        )
    );
}

#[test]
fn outputs_are_created_once_and_exist_only_behind_their_inputs() {
    let create = Event::Create {
        object: 2,
        shard: 2,
    };
    let committed = utxo(
        &[
            (0, 0, Status::Spent(0)),
            (1, 1, Status::Held(0)),
            (2, 2, Status::Active),
        ],
        vec![create.clone()],
    );
    assert_eq!(explain(&OUTPUT_INTEGRITY, &committed), None);
    let twice = utxo(
        &[
            (0, 0, Status::Spent(0)),
            (1, 1, Status::Spent(0)),
            (2, 2, Status::Active),
        ],
        vec![create.clone(), create.clone()],
    );
    assert!(matches!(
        (OUTPUT_INTEGRITY.find)(&twice),
        Some(Finding::DoubleCreate { object: 2, .. })
    ));
    let unbacked = utxo(
        &[
            (0, 0, Status::Active),
            (1, 1, Status::Active),
            (2, 2, Status::Active),
        ],
        vec![create],
    );
    assert_eq!(
        explain(&OUTPUT_INTEGRITY, &unbacked).as_deref(),
        Some("obj3, an output of tx1, exists although tx1's input obj1 is active: value from thin air")
    );
}
