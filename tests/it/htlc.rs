//! `htlc` (issue 14, point 2): Herlihy's two-party swap with hashed timelocks. Verdicts, exact
//! distinct-state counts and counterexample lengths through the CLI; S13 (a leader timelock
//! that does not outlast the follower's) and S14 (a conforming party that crashes after the
//! counterparty's claim) step by step.

use crate::helpers::{check, expect, explanation, steps, triples, E};
use E::{H, V, W};

const HTLC: &str = "htlc";
const PROPS: [&str; 6] = [
    "no_underwater",
    "atomicity",
    "timeout_revert",
    "progress",
    "can_commit",
    "can_abort",
];
const UNDERWATER: &str = "bob gave obj2 and can no longer get obj1: it ends underwater";

#[test]
fn correct_timelocks_leave_no_conforming_party_underwater() {
    // The defaults: T_b = 4, T_a = T_b + 2Δ = 6, Δ = 1, one replay, no loss, no crash.
    expect(HTLC, &PROPS, &[], 412, &[H, H, H, H, W(7), W(15)]);
    expect(
        HTLC,
        &PROPS,
        &["--replay", "0"],
        86,
        &[H, H, H, H, W(7), W(15)],
    );
    // The margin scales with Δ: T_a = T_b + 4 at Δ = 2.
    expect(
        HTLC,
        &PROPS,
        &["--delta", "2"],
        1019,
        &[H, H, H, H, W(7), W(12)],
    );
    // A later T_b: Alice's claim always lands in time, so both refunds are unreachable and
    // the check says the configuration cannot show the refund path.
    let late = check(HTLC, &["-p", "timelock=6"]);
    assert_eq!((late.code, late.distinct), (1, 391));
    let statuses: Vec<&str> = late.props.iter().map(|p| p.1.as_str()).collect();
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

#[test]
fn equal_timelocks_leave_bob_underwater_s13() {
    let c = expect(
        HTLC,
        &PROPS,
        &["--variant", "equal-timelocks"],
        682,
        &[V(9), V(11), V(11), H, W(7), W(11)],
    );
    assert_eq!(explanation(&c, "no_underwater"), UNDERWATER);
    // Every hop takes its full Δ: Alice's claim of b lands at tick 3, just before T_b = 4,
    // and at 4, when T_a = 4 has come, no claim of Bob's can land any more.
    let trace: Vec<(String, String, String)> = steps(&c, "no_underwater")
        .into_iter()
        .filter(|s| s.1 != "tick")
        .collect();
    assert_eq!(
        trace,
        triples(&[
            ("chain-a", "deliver", "Publish"),
            ("bob", "deliver", "Escrowed"),
            ("chain-b", "deliver", "Publish"),
            ("alice", "deliver", "Escrowed"),
            ("chain-b", "deliver", "Claim"),
        ])
    );
    expect(
        HTLC,
        &PROPS,
        &["--variant", "swapped-timelocks"],
        637,
        &[V(7), V(9), V(9), H, W(7), W(11)],
    );
    expect(
        HTLC,
        &PROPS,
        &["--variant", "margin-off-by-one"],
        464,
        &[V(12), V(14), V(14), H, W(7), W(13)],
    );
    // One tick short of the margin at Δ = 2 too.
    expect(
        HTLC,
        &PROPS,
        &["--variant", "margin-off-by-one", "--delta", "2"],
        1061,
        &[V(15), V(17), V(17), H, W(7), W(11)],
    );
}

#[test]
fn a_crashed_conforming_party_ends_underwater_outside_the_failure_model_s14() {
    let c = expect(
        HTLC,
        &PROPS,
        &["--crashes", "1"],
        1305,
        &[V(12), V(14), V(12), V(1), W(7), W(15)],
    );
    assert_eq!(explanation(&c, "no_underwater"), UNDERWATER);
    // The swap runs to Alice's claim, Bob crashes, and T_a = 6 passes without his claim.
    let trace: Vec<String> = steps(&c, "no_underwater")
        .into_iter()
        .map(|(node, event, _)| format!("{node} {event}").trim().to_string())
        .collect();
    assert_eq!(
        trace,
        [
            "chain-a deliver",
            "bob deliver",
            "chain-b deliver",
            "alice deliver",
            "chain-b deliver",
            "tick",
            "bob crash",
            "tick",
            "tick",
            "tick",
            "tick",
            "tick",
        ]
    );
    // A lost observation is a party that could not see the chain: the same loss.
    let lossy = check(HTLC, &["--loss", "1"]);
    assert_eq!(lossy.code, 1);
    assert_eq!(lossy.distinct, 955);
    assert_eq!(explanation(&lossy, "no_underwater"), UNDERWATER);
}
