//! `ibc-transfer` (issue 14, point 3): Cosmos IBC packets and ICS-020 token transfer. The
//! default's verdicts and exact counts, PROTOCOLS.md's scenarios S15 (a time-out on the
//! sender's clock), S16 (the refund callback before the commitment is deleted, re-entered)
//! and S17 (an ordered channel after a time-out) as exact counterexamples and witnesses, the
//! faults each needs, and the registry's expectations.

use crate::helpers::{self, all, expect, explanation, json_lines, run, steps, triples, E};

const MODEL: &str = "ibc-transfer";

/// The properties of the unordered variants at the defaults, in declaration order.
const NAMES: &[&str] = &[
    "atomicity",
    "timeout_revert",
    "conservation",
    "no_double_create",
    "timely_receipt",
    "progress",
    "can_commit",
    "can_abort",
];

/// The ordered variant's: S17's witness too.
const ORDERED: &[&str] = &[
    "atomicity",
    "timeout_revert",
    "conservation",
    "no_double_create",
    "timely_receipt",
    "progress",
    "can_commit",
    "can_abort",
    "closed_after_timeout",
];

use E::{H, V, W};

/// Every property holds, a transfer completes in 3 steps and a refund happens in 4.
const ALL_HOLD: &[E] = &[H, H, H, H, H, H, W(3), W(4)];

#[test]
fn the_default_holds_with_a_transfer_and_a_refund_witnessed() {
    expect(MODEL, NAMES, &[], 554, ALL_HOLD);
    expect(MODEL, NAMES, &["--replay", "0"], 117, ALL_HOLD);
    expect(MODEL, NAMES, &["--replay", "2"], 1352, ALL_HOLD);
    expect(MODEL, NAMES, &["-p", "transfers=3"], 5546, ALL_HOLD);
    // A time-out longer than delta: every packet arrives in time, so nothing can be refunded
    // and the refund witness is not declared.
    expect(
        MODEL,
        &NAMES[..7],
        &["-p", "timeout=2"],
        227,
        &[H, H, H, H, H, H, W(3)],
    );
}

#[test]
fn a_lost_datagram_keeps_the_default_safe_but_unfinished() {
    let c = expect(
        MODEL,
        NAMES,
        &["--loss", "1"],
        1207,
        &[H, H, H, H, H, V(2), W(3), W(4)],
    );
    assert_eq!(
        steps(&c, "progress"),
        triples(&[
            ("chain-a", "choice", "Send"),
            ("chain-a", "drop", "Packet { seq: 0, timeout: 1 }"),
        ])
    );
}

#[test]
fn s15_a_time_out_on_the_senders_clock_refunds_a_received_packet() {
    let c = expect(
        MODEL,
        NAMES,
        &["--variant", "sender-clock-timeout"],
        1266,
        &[V(4), V(5), V(4), H, H, H, W(3), W(4)],
    );
    let s15 = [
        ("chain-a", "choice", "Send"),
        ("chain-b", "deliver", "Packet { seq: 0, timeout: 1 }"),
        ("", "tick", "now = 1"),
        ("chain-a", "timeout", "Expire(0)"),
    ];
    assert_eq!(steps(&c, "atomicity"), triples(&s15));
    assert_eq!(steps(&c, "conservation"), triples(&s15));
    let mut refunded = s15.to_vec();
    refunded.push(("chain-a", "timeout", "Callback(0)"));
    assert_eq!(steps(&c, "timeout_revert"), triples(&refunded));
    assert_eq!(
        explanation(&c, "timeout_revert"),
        "tx1 was reverted on chain-a although it committed on chain-b"
    );
    assert_eq!(
        explanation(&c, "conservation"),
        "total value is 3 but the supply is 2"
    );
    // No replay is needed: the acknowledgement is merely slower than chain-a's clock.
    expect(
        MODEL,
        NAMES,
        &["--variant", "sender-clock-timeout", "--replay", "0"],
        338,
        &[V(4), V(5), V(4), H, H, H, W(3), W(4)],
    );
}

#[test]
fn s16_a_re_entrant_time_out_before_the_commitment_is_deleted_refunds_twice() {
    let c = expect(
        MODEL,
        NAMES,
        &["--variant", "refund-before-delete"],
        628,
        &[H, V(5), V(5), H, H, H, W(3), W(4)],
    );
    let s16 = triples(&[
        ("chain-a", "choice", "Send"),
        ("", "tick", "now = 1"),
        ("chain-b", "deliver", "Packet { seq: 0, timeout: 1 }"),
        ("chain-a", "deliver", "Timeout { seq: 0 }"),
        ("chain-a", "replay", "Timeout { seq: 0 }"),
    ]);
    assert_eq!(steps(&c, "timeout_revert"), s16);
    assert_eq!(steps(&c, "conservation"), s16);
    assert_eq!(
        explanation(&c, "timeout_revert"),
        "tx1 was reverted or refunded twice on chain-a"
    );
    // The second refund is the re-entrant proof, which only the replay budget supplies.
    expect(
        MODEL,
        NAMES,
        &["--variant", "refund-before-delete", "--replay", "0"],
        117,
        ALL_HOLD,
    );
}

#[test]
fn s17_an_ordered_channel_refuses_later_packets_and_closes_after_a_time_out() {
    let c = expect(
        MODEL,
        ORDERED,
        &["--variant", "ordered"],
        174,
        &[H, H, H, H, V(5), H, W(3), W(4), W(9)],
    );
    assert_eq!(
        steps(&c, "timely_receipt"),
        triples(&[
            ("chain-a", "choice", "Send"),
            ("", "tick", "now = 1"),
            ("chain-b", "deliver", "Packet { seq: 0, timeout: 1 }"),
            ("chain-a", "choice", "Send"),
            ("chain-b", "deliver", "Packet { seq: 1, timeout: 2 }"),
        ])
    );
    assert_eq!(
        explanation(&c, "timely_receipt"),
        "chain-b refused packet 1, relayed before its time-out, for good: the channel is \
         ordered and waits for packet 0, which timed out"
    );
    // The witness: the time-out closes chain-a's end, the closing is confirmed on chain-b,
    // and the refused packet is refunded by timeoutOnClose.
    let witness = all(&c.lines, "property")
        .into_iter()
        .find(|p| p["name"] == "closed_after_timeout")
        .expect("closed_after_timeout is declared");
    assert_eq!(
        witness["explanation"],
        "packet 0 timed out and closed the ordered channel on both chains; packet 1, relayed \
         in time, was refused by chain-b and refunded on chain-a"
    );
    // An unordered channel strands nothing on FIFO links either.
    expect(MODEL, NAMES, &["--network", "ordered"], 476, ALL_HOLD);
    // A relayer that may submit out of order: packet 1's time-out closes the channel before
    // packet 0's acknowledgement is processed, which the closed channel then refuses.
    let c = expect(
        MODEL,
        ORDERED,
        &["--variant", "ordered", "--replay", "1"],
        948,
        &[H, H, H, H, V(5), V(6), W(3), W(4), W(9)],
    );
    assert_eq!(
        steps(&c, "progress").last().map(|s| s.2.as_str()),
        Some("Timeout { seq: 1 }")
    );
}

/// The registry's expectation of every variant is exactly what the check finds at defaults.
#[test]
fn the_registry_expectations_match_the_checks() {
    let (code, out, _) = run(&["list", "--format", "json"]);
    assert_eq!(code, 0);
    let lines = json_lines(&out);
    let m = all(&lines, "model")
        .into_iter()
        .find(|m| m["name"] == MODEL)
        .expect("ibc-transfer is listed");
    let variants = m["variants"].as_array().expect("variants");
    let names: Vec<&str> = variants.iter().filter_map(|v| v["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "default",
            "sender-clock-timeout",
            "refund-before-delete",
            "ordered"
        ]
    );
    for v in variants {
        helpers::assert_variant_meets_its_listing(MODEL, v);
    }
}
