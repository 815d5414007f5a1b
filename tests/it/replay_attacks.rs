//! `sbac`, `atomix`, `byzcuit` (issue 14, point 1): the replay attacks of Sonnino et al.,
//! "Replay Attacks and Defenses Against Cross-shard Consensus in Sharded Distributed Ledgers"
//! (EuroS&P 2020), found by the kernel's replay budget and an honest client's resubmission.
//! Verdicts, exact distinct-state counts, exact counterexample and witness lengths, the
//! counterexamples' decisive steps (mapped to the paper's table rows in the module docs), the
//! ablations of Byzcuit, and the registry's expectations, through the CLI.

use crate::helpers::{self, all, explanation, json_lines, run, steps, E};

use E::{H, V, W};

/// The properties in the models' order.
const NAMES: [&str; 6] = [
    "consistency",
    "no_inactive_input_spend",
    "output_integrity",
    "conservation",
    "can_commit",
    "can_abort",
];

fn expect(model: &str, args: &[&str], distinct: u64, props: [E; 6]) -> helpers::Check {
    helpers::expect(model, &NAMES, args, distinct, &props)
}

/// One step as `steps` reports it: (node, event, payload or choice).
fn step(node: &str, event: &str, detail: &str) -> (String, String, String) {
    (node.to_string(), event.to_string(), detail.to_string())
}

/// The last step of the counterexample for `property`: (node, event, detail).
fn last_step(c: &helpers::Check, property: &str) -> (String, String, String) {
    steps(c, property)
        .last()
        .cloned()
        .unwrap_or_else(|| panic!("a step for {property}"))
}

#[test]
fn sbac_breaks_every_property_as_tables_1_and_2_say() {
    let c = expect("sbac", &[], 5_127, [V(6), V(8), V(6), V(6), W(4), W(4)]);
    // Table 2, rows 2-4: the replayed accept(T) re-creates the spent y3 on shard-3.
    assert_eq!(
        last_step(&c, "output_integrity"),
        step("shard-3", "replay", "Accept")
    );
    assert_eq!(
        explanation(&c, "output_integrity"),
        "obj5 was created twice (on shard-3 and on shard-3)"
    );
    assert_eq!(
        explanation(&c, "conservation"),
        "total value is 8 but the supply is 6"
    );
    // Table 1, row 6: shard-2 commits T on shard-1's old pre-accept although T''1 spent x1.
    let a2 = steps(&c, "no_inactive_input_spend");
    assert_eq!(a2[4], step("shard-1", "choice", "Helper(SpendInput)"));
    assert_eq!(a2[6], step("shard-2", "replay", "Prepare"));
    assert_eq!(a2[7], step("shard-2", "deliver", "Prepared(Commit)"));
    assert_eq!(
        explanation(&c, "no_inactive_input_spend"),
        "tx1 took effect although its input obj1 was already spent by tx4: obj1 is spent twice"
    );
    // Without replays a late genuine message plays the recorded one.
    expect(
        "sbac",
        &["--replay", "0"],
        1_117,
        [V(7), V(9), V(7), V(7), W(4), W(4)],
    );
}

#[test]
fn atomix_breaks_every_property_as_tables_3_and_4_say() {
    let c = expect("atomix", &[], 28_867, [V(8), V(11), V(8), V(8), W(7), W(5)]);
    // Table 4: a replayed unlock-to-commit re-creates the spent y3.
    assert_eq!(
        last_step(&c, "output_integrity"),
        step("shard-3", "replay", "UnlockCommit")
    );
    // Table 3, row 6: the client commits T on an aborted instance's acceptance of x1, spent
    // by T''1 meanwhile.
    let a2 = steps(&c, "no_inactive_input_spend");
    assert_eq!(a2[3], step("shard-1", "replay", "Lock"));
    assert_eq!(a2[6], step("shard-1", "choice", "Helper(SpendInput)"));
    assert_eq!(a2[8], step("client", "deliver", "Proof(Commit)"));
    assert_eq!(a2[9], step("client", "deliver", "Proof(Commit)"));
    assert_eq!(a2[10], step("shard-1", "deliver", "UnlockCommit"));
    expect(
        "atomix",
        &["--replay", "0"],
        2_956,
        [V(12), V(13), V(12), V(12), W(7), W(5)],
    );
}

#[test]
fn byzcuit_holds_under_replays_and_resubmission() {
    expect("byzcuit", &[], 58_943, [H, H, H, H, W(9), W(5)]);
    expect(
        "byzcuit",
        &["-p", "submissions=1"],
        1_751,
        [H, H, H, H, W(9), W(5)],
    );
}

#[test]
fn byzcuit_without_sequence_numbers_counts_old_votes_table_3() {
    let c = expect(
        "byzcuit",
        &["--variant", "no-sequence-numbers"],
        22_506,
        [V(18), V(19), V(18), V(18), W(9), W(5)],
    );
    // The TM completes the second session numbered 0 with shard-1's vote of the first.
    assert_eq!(
        steps(&c, "consistency")[16],
        step("client", "replay", "Vote(Commit, 0)")
    );
}

#[test]
fn byzcuit_without_dummy_objects_recreates_y3_table_2() {
    let c = expect(
        "byzcuit",
        &["--variant", "no-dummy-objects"],
        562_616,
        [V(11), H, V(11), V(11), W(9), W(5)],
    );
    let replays: Vec<_> = steps(&c, "output_integrity")
        .into_iter()
        .filter(|(_, e, _)| e == "replay")
        .collect();
    assert_eq!(
        replays,
        [
            step("shard-3", "replay", "Submit(0)"),
            step("shard-3", "replay", "Decide(Commit, 0)")
        ]
    );
    // Both replays are needed: with one, it holds.
    expect(
        "byzcuit",
        &["--variant", "no-dummy-objects", "--replay", "1"],
        64_121,
        [H, H, H, H, W(9), W(5)],
    );
}

#[test]
fn byzcuit_with_wrapping_numbers_fails_after_the_wrap() {
    let c = expect(
        "byzcuit",
        &["--variant", "wrapping-sequence-numbers"],
        910_587,
        [V(22), H, V(22), V(22), W(9), W(5)],
    );
    let s = steps(&c, "output_integrity");
    assert!(s.contains(&step("shard-3", "replay", "Submit(1)")));
    assert!(s.contains(&step("shard-3", "replay", "Decide(Commit, 1)")));
    expect(
        "byzcuit",
        &["--variant", "wrapping-sequence-numbers", "--replay", "1"],
        89_721,
        [H, H, H, H, W(9), W(5)],
    );
}

#[test]
fn byzcuit_without_the_cache_check_takes_phase_2_replays_table_2_and_4() {
    let c = expect(
        "byzcuit",
        &["--variant", "no-cache-check"],
        66_217,
        [V(10), V(21), V(10), V(10), W(9), W(5)],
    );
    assert_eq!(
        last_step(&c, "output_integrity"),
        step("shard-3", "replay", "Decide(Commit, 0)")
    );
    // Table 4, row 2: an old abort releases x1 locked for the session that committed.
    let a2 = steps(&c, "no_inactive_input_spend");
    assert_eq!(a2[19], step("shard-1", "replay", "Decide(Abort, 0)"));
}

/// The registry's expectation of every variant is exactly what the check finds at defaults.
#[test]
fn registry_expectations_match_the_checks() {
    let (code, out, _) = run(&["list", "--format", "json"]);
    assert_eq!(code, 0);
    let lines = json_lines(&out);
    let models = all(&lines, "model");
    for name in ["sbac", "atomix", "byzcuit"] {
        let m = models
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("{name} is listed"));
        for v in m["variants"].as_array().expect("variants") {
            helpers::assert_variant_meets_its_listing(name, v);
        }
    }
}
