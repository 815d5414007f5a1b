//! `near-callbacks` (issue 14, point 4): the train-and-hotel booking on NEAR with callback
//! compensation and concurrent users. Verdicts, exact distinct-state counts and counterexample
//! lengths through the CLI; S18 (value conserved, all-or-nothing and isolation broken by a
//! concurrent booking) step by step.

use crate::helpers::{check, expect, explanation, steps, E};
use E::{H, V, W};

const NEAR: &str = "near-callbacks";
const PROPS: [&str; 6] = [
    "atomicity",
    "isolation",
    "conservation",
    "progress",
    "can_commit",
    "can_abort",
];

#[test]
fn held_reservations_keep_concurrent_bookings_atomic_and_isolated() {
    // Two users, NEAR's delivery (async, unordered, exactly once).
    expect(NEAR, &PROPS, &[], 302, &[H, H, H, H, W(7), W(6)]);
    expect(
        NEAR,
        &PROPS,
        &["-p", "users=3"],
        6710,
        &[H, H, H, H, W(7), W(6)],
    );
    // A duplicated receipt acts once.
    expect(
        NEAR,
        &PROPS,
        &["--replay", "1"],
        2296,
        &[H, H, H, H, W(7), W(6)],
    );
    // A lost receipt leaves a booking undecided; nothing is created or lost.
    expect(
        NEAR,
        &PROPS,
        &["--loss", "1"],
        982,
        &[H, H, H, V(2), W(7), W(6)],
    );
}

#[test]
fn unheld_reservations_conserve_value_but_break_all_or_nothing_and_isolation_s18() {
    let c = expect(
        NEAR,
        &PROPS,
        &["--variant", "unheld-reserve"],
        266,
        &[V(13), V(4), H, H, W(7), W(10)],
    );
    assert_eq!(
        explanation(&c, "isolation"),
        "obj2 on train is locked by both tx1 and tx2 in conflicting modes"
    );
    assert_eq!(
        explanation(&c, "atomicity"),
        "tx2 committed on hotel but aborted on train"
    );
    // u1's callback buys both; u2 reserves both before u1's purchase of the room lands, its
    // callback buys both too, and the seat is already u1's: u2 ends with the room alone.
    let trace: Vec<String> = steps(&c, "atomicity")
        .into_iter()
        .map(|(node, event, detail)| format!("{node} {event} {detail}"))
        .collect();
    assert_eq!(
        trace,
        [
            "ta choice Book(0)",
            "train deliver Reserve(0)",
            "hotel deliver Reserve(0)",
            "ta deliver Data(0, true)",
            "ta deliver Data(0, true)",
            "ta choice Book(1)",
            "train deliver Reserve(1)",
            "train deliver Confirm(0)",
            "hotel deliver Reserve(1)",
            "ta deliver Data(1, true)",
            "ta deliver Data(1, true)",
            "train deliver Confirm(1)",
            "hotel deliver Confirm(1)",
        ]
    );
    expect(
        NEAR,
        &PROPS,
        &["--variant", "unheld-reserve", "-p", "users=3"],
        8998,
        &[V(13), V(4), H, H, W(7), W(10)],
    );
    // One user alone cannot meet a concurrent booking: everything holds, and nothing can
    // fail a lone booking, so the abort witness is missing.
    let alone = check(NEAR, &["--variant", "unheld-reserve", "-p", "users=1"]);
    assert_eq!((alone.code, alone.distinct), (1, 13));
    let statuses: Vec<&str> = alone.props.iter().map(|p| p.1.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "holds",
            "holds",
            "holds",
            "holds",
            "witnessed",
            "unwitnessed"
        ]
    );
}
