//! The kernel models' size parameters (`-p transactions=…`, `-p resources=…`, `-p sources=…`,
//! `-p contracts=…`, `-p shards=…`, `-p bookings=…`, …): exact distinct and generated counts
//! and verdicts at sizes other than the defaults, one of each cross-checked against
//! stateright's checker, a flawed variant's counterexample at a larger size, the message for a
//! value out of range, and the files of sizes added after the reference counterexamples (left
//! out at their defaults, recorded and replayed otherwise).

use crate::helpers::{all, check, expect, first, run, steps, triples, E};
use E::{H, V, W};

const LOCKING: [&str; 8] = [
    "atomicity",
    "deadlock_freedom",
    "progress",
    "timeout_revert",
    "isolation",
    "serializability",
    "can_commit",
    "can_abort",
];

/// The generated states of a check.
fn generated(c: &crate::helpers::Check) -> u64 {
    first(&c.lines, "summary")["generated_states"]
        .as_u64()
        .unwrap_or_default()
}

#[test]
fn locking_deadlock_needs_two_transactions_and_two_resources() {
    let no_abort = &LOCKING[..7];
    // Post #22's pair at three transactions: the deadlock is a longer cycle of waits.
    let c = expect(
        "locking",
        no_abort,
        &["--variant", "no-timeout", "-p", "transactions=3"],
        1308,
        &[H, V(8), V(2), H, H, H, W(6)],
    );
    assert_eq!(generated(&c), 3989);
    // One transaction never waits; on one resource every transaction queues on one lock.
    expect(
        "locking",
        no_abort,
        &["--variant", "no-timeout", "-p", "transactions=1"],
        12,
        &[H, H, H, H, H, H, W(6)],
    );
    expect(
        "locking",
        no_abort,
        &["--variant", "no-timeout", "-p", "resources=1"],
        17,
        &[H, H, H, H, H, H, W(3)],
    );
    // Disjoint transactions share nothing; writing everything deadlocks as the cross does.
    expect(
        "locking",
        no_abort,
        &["--variant", "no-timeout", "-p", "pattern=0"],
        16,
        &[H, H, H, H, H, H, W(3)],
    );
    expect(
        "locking",
        no_abort,
        &["--variant", "no-timeout", "-p", "pattern=2"],
        129,
        &[H, V(6), V(2), H, H, H, W(6)],
    );
}

#[test]
fn locking_sizes_agree_with_stateright() {
    let args = ["--variant", "no-timeout", "-p", "transactions=3"];
    let ours = check("locking", &args);
    let mut theirs = args.to_vec();
    theirs.extend_from_slice(&["--engine", "stateright", "--threads", "1"]);
    let sr = check("locking", &theirs);
    assert_eq!((ours.distinct, sr.distinct), (1308, 1308));
    let args = ["-p", "transactions=1"];
    let sr = check(
        "locking",
        &[&args[..], &["--engine", "stateright"]].concat(),
    );
    assert_eq!(sr.distinct, 977);
}

#[test]
fn locking_default_at_other_sizes() {
    // One transaction on the default's lossy network: the time-out still recovers every loss.
    let c = expect(
        "locking",
        &LOCKING,
        &["-p", "transactions=1"],
        977,
        &[H, H, H, H, H, H, W(6), W(5)],
    );
    assert_eq!(generated(&c), 4055);
    // A transaction that touches one resource has no other resource shard whose lock
    // time-out would ask the home shard about it: its lost lock request is never recovered.
    expect(
        "locking",
        &LOCKING,
        &["-p", "resources=1"],
        817,
        &[H, V(4), V(1), H, H, H, W(3), W(4)],
    );
    // Repeal/confirm with three transactions: all three can be repealed at once.
    let mut names = LOCKING.to_vec();
    names.push("all_abort");
    expect(
        "locking",
        &names,
        &["--variant", "repeal-confirm", "-p", "transactions=3"],
        49877,
        &[H, H, H, H, H, H, W(8), W(4), W(11)],
    );
}

#[test]
fn locking_witnesses_follow_the_sizes() {
    // Nothing conflicts with one transaction: wound-wait can neither wound nor abort, so
    // can_abort is not declared (a missing witness would fail a correct model).
    expect(
        "locking",
        &LOCKING[..7],
        &["--variant", "wound-wait", "-p", "transactions=1"],
        12,
        &[H, H, H, H, H, H, W(6)],
    );
}

#[test]
fn a_size_out_of_range_names_the_range() {
    for (arg, line) in [
        (
            "transactions=4",
            "parameter 'transactions' must be a whole number from 1 to 3, not '4'",
        ),
        (
            "resources=0",
            "parameter 'resources' must be a whole number from 1 to 3, not '0'",
        ),
        (
            "pattern=3",
            "parameter 'pattern' must be a whole number from 0 to 2, not '3'",
        ),
    ] {
        let (code, out, err) = run(&["check", "locking", "-p", arg]);
        assert_eq!(code, 2, "{arg}");
        assert!(out.is_empty(), "{arg}: {out}");
        assert_eq!(err.lines().count(), 1, "{arg}: {err}");
        assert!(err.contains(line), "{arg}: {err}");
    }
}

const RECEIPTS: [&str; 5] = [
    "conservation",
    "no_double_spend",
    "no_double_create",
    "progress",
    "can_commit",
];

#[test]
fn receipts_with_two_sources() {
    // Each source has its own receipts and bitfield: one transfer each, both final.
    let c = expect(
        "receipts",
        &RECEIPTS,
        &["-p", "sources=2", "-p", "transfers=1"],
        827,
        &[H, H, H, H, W(3)],
    );
    assert_eq!(generated(&c), 3591);
    // The double claim needs one source's receipt: the same four steps, now on shard-c.
    let c = expect(
        "receipts",
        &RECEIPTS,
        &[
            "--variant",
            "no-replay-guard",
            "-p",
            "sources=2",
            "-p",
            "transfers=1",
        ],
        1007,
        &[V(4), V(4), V(4), H, W(3)],
    );
    assert_eq!(generated(&c), 4015);
    let claim = "Claim { seq: 0, root: Crosslinked }";
    assert_eq!(
        steps(&c, "no_double_spend"),
        triples(&[
            ("shard-a", "choice", "Send"),
            ("shard-a", "choice", "Finalize"),
            ("shard-c", "deliver", claim),
            ("shard-c", "replay", claim),
        ])
    );
    let c = expect(
        "receipts",
        &RECEIPTS,
        &[
            "--variant",
            "unfinalized-claim",
            "-p",
            "sources=2",
            "-p",
            "transfers=1",
        ],
        792,
        &[V(3), H, H, H, W(3)],
    );
    assert_eq!(generated(&c), 3569);
}

const YANKING: [&str; 5] = [
    "unique_location",
    "conservation",
    "no_double_create",
    "booking_integrity",
    "can_commit",
];

#[test]
fn yanking_with_two_contracts() {
    let c = expect(
        "yanking",
        &YANKING,
        &["-p", "contracts=2", "--loss", "0"],
        6925,
        &[H, H, H, H, W(4)],
    );
    assert_eq!(generated(&c), 19081);
    let c = expect(
        "yanking",
        &YANKING,
        &[
            "--variant",
            "no-claimed-set",
            "-p",
            "contracts=2",
            "--loss",
            "0",
        ],
        17735,
        &[V(5), V(5), V(4), V(5), W(4)],
    );
    assert_eq!(generated(&c), 38545);
    // Each contract is judged on its own: the second room stays put while the first is
    // instantiated twice.
    assert!(
        crate::helpers::explanation(&c, "unique_location").contains("obj1 exists in 2 places"),
        "{}",
        crate::helpers::explanation(&c, "unique_location")
    );
}

const MERGE: [&str; 4] = ["atomicity", "progress", "can_commit", "can_abort"];

#[test]
fn merge_blocks_with_three_shards_and_two_transactions() {
    // Three shards: the origin's block stands only with both partners' blocks.
    let c = expect(
        "merge-blocks",
        &MERGE,
        &["-p", "shards=3"],
        79,
        &[H, H, W(3), W(4)],
    );
    assert_eq!(generated(&c), 189);
    // Two transactions, each submitted on its own shard.
    let c = expect(
        "merge-blocks",
        &MERGE,
        &["-p", "transactions=2"],
        310,
        &[H, H, W(2), W(3)],
    );
    assert_eq!(generated(&c), 569);
    let c = expect(
        "merge-blocks",
        &MERGE,
        &[
            "--variant",
            "independent-reorg",
            "-p",
            "shards=3",
            "-p",
            "transactions=2",
        ],
        5404,
        &[V(3), H, W(3), W(6)],
    );
    assert_eq!(generated(&c), 14975);
}

const TRAIN_HOTEL: [&str; 6] = [
    "atomicity",
    "timeout_revert",
    "conservation",
    "progress",
    "can_commit",
    "can_abort",
];

const TWO_PHASE: [&str; 6] = [
    "atomicity",
    "deadlock_freedom",
    "progress",
    "timeout_revert",
    "can_commit",
    "can_abort",
];

#[test]
fn train_hotel_with_two_bookings_competing() {
    // Two users for one seat and one room: at most one books, the other is refunded at D.
    let c = expect(
        "train-hotel",
        &TRAIN_HOTEL,
        &["-p", "bookings=2", "--replay", "0"],
        4461,
        &[H, H, H, H, W(8), W(9)],
    );
    assert_eq!(generated(&c), 15455);
    let c = expect(
        "train-hotel",
        &TRAIN_HOTEL,
        &["-p", "bookings=2", "-p", "capacity=2", "--replay", "0"],
        17094,
        &[H, H, H, H, W(8), W(9)],
    );
    assert_eq!(generated(&c), 58775);
    let c = expect(
        "train-hotel",
        &TRAIN_HOTEL,
        &[
            "--variant",
            "naive-timeout",
            "-p",
            "bookings=2",
            "--replay",
            "0",
        ],
        23070,
        &[V(8), V(8), H, H, W(8), W(9)],
    );
    assert_eq!(generated(&c), 90928);
    // Train and hotel stay interchangeable with two bookings.
    let c = check(
        "train-hotel",
        &["-p", "bookings=2", "--replay", "0", "--symmetry"],
    );
    assert_eq!(
        (c.code, c.distinct),
        (0, SYMMETRIC_TWO_BOOKINGS),
        "{:?}",
        c.props
    );
}

/// The orbits of `train-hotel -p bookings=2 --replay 0` under train-hotel symmetry.
const SYMMETRIC_TWO_BOOKINGS: u64 = 2331;

/// Sizes added after the reference counterexamples are left out of files at their defaults
/// (so those files keep their contents and names), recorded otherwise, and both replay.
#[test]
fn sizes_added_later_are_recorded_only_off_their_defaults() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().to_str().expect("a UTF-8 path");
    for (args, recorded) in [
        (
            vec!["--variant", "no-replay-guard"],
            "{\"reorgs\":1,\"transfers\":2}",
        ),
        (
            vec!["--variant", "no-replay-guard", "-p", "sources=1"],
            "{\"reorgs\":1,\"transfers\":2}",
        ),
        (
            vec!["--variant", "no-replay-guard", "-p", "sources=2"],
            "{\"reorgs\":1,\"sources\":2,\"transfers\":2}",
        ),
    ] {
        let mut full = vec!["check", "receipts", "--out", out, "--format", "json"];
        full.extend_from_slice(&args);
        let (code, stdout, err) = run(&full);
        assert_eq!(code, 1, "{args:?}: {err}");
        let lines = crate::helpers::json_lines(&stdout);
        let ce = all(&lines, "counterexample")[0];
        let file = ce["files"]["json"].as_str().expect("a file");
        let text = std::fs::read_to_string(file).expect("readable");
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(json["params"].to_string(), recorded, "{args:?}");
        let (code, _, err) = run(&["replay", file]);
        assert_eq!(code, 1, "{file} still violates: {err}");
    }
    // The default's file is the reference one, byte for byte.
    let reference = "counterexamples/receipts/no_double_spend-42ab91ce2c8b.json";
    let ours = format!("{out}/receipts/no_double_spend-42ab91ce2c8b.json");
    assert_eq!(
        std::fs::read_to_string(ours).expect("written under the reference name"),
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(reference))
            .expect("the reference file")
    );
}

/// The `params` a check's JSON summary reports.
fn params(c: &crate::helpers::Check) -> serde_json::Value {
    first(&c.lines, "summary")["params"].clone()
}

#[test]
fn two_phase_commit_runs_concurrent_transactions() {
    // Two independent transactions over two shards, on a reliable FIFO network: each is
    // decided on its own, every property holds per transaction.
    let args = [
        "-p",
        "shards=2",
        "-p",
        "transactions=2",
        "--network",
        "ordered",
        "--loss",
        "0",
    ];
    let c = expect(
        "two-phase-commit",
        &TWO_PHASE,
        &args,
        502_976,
        &[H, H, H, H, W(10), W(2)],
    );
    assert_eq!(generated(&c), 2_888_777);
    assert_eq!(
        params(&c),
        serde_json::json!({"shards": 2, "transactions": 2})
    );
    // The same with both transactions writing each shard's one object: a shard prepares one
    // at a time (the other waits, votes no or times out), so fewer states, and isolation holds.
    let mut names = TWO_PHASE.to_vec();
    names.insert(4, "isolation");
    let conflict = [&args[..], &["-p", "conflict=1"]].concat();
    let c = expect(
        "two-phase-commit",
        &names,
        &conflict,
        369_862,
        &[H, H, H, H, H, W(10), W(2)],
    );
    assert_eq!(generated(&c), 2_126_691);
    // One shard and the default's lost message; three transactions on a reliable network.
    let c = expect(
        "two-phase-commit",
        &TWO_PHASE,
        &["-p", "shards=1", "-p", "transactions=2"],
        4187,
        &[H, H, H, H, W(4), W(1)],
    );
    assert_eq!(generated(&c), 22_947);
    let c = expect(
        "two-phase-commit",
        &TWO_PHASE,
        &["-p", "shards=1", "-p", "transactions=3", "--loss", "0"],
        59_319,
        &[H, H, H, H, W(4), W(1)],
    );
    assert_eq!(generated(&c), 401_545);
}

#[test]
fn two_phase_commit_keeps_its_flaw_per_transaction() {
    // revert-after-vote with two transactions on two shards: tx1 commits on one shard and is
    // reverted on the other, while tx2's Prepare waits ahead of tx1's Commit on the FIFO
    // channel (9 steps; 8 with one transaction). The exhaustive check has 4,089,832 states
    // (docs/DESIGN.md); a search to depth 10 finds the same shortest counterexample.
    let c = crate::helpers::check(
        "two-phase-commit",
        &[
            "--variant",
            "revert-after-vote",
            "-p",
            "shards=2",
            "-p",
            "transactions=2",
            "--network",
            "ordered",
            "--loss",
            "0",
            "--max-depth",
            "10",
        ],
    );
    assert_eq!((c.code, c.verdict.as_str()), (1, "violated"));
    assert_eq!((c.distinct, generated(&c)), (28_408, 223_963));
    let props: Vec<(&str, &str, Option<u64>)> = c
        .props
        .iter()
        .map(|(n, s, l)| (n.as_str(), s.as_str(), *l))
        .collect();
    assert_eq!(
        props,
        [
            ("atomicity", "violated", Some(9)),
            ("deadlock_freedom", "inconclusive", None),
            ("progress", "inconclusive", None),
            ("timeout_revert", "violated", Some(9)),
            ("can_commit", "inconclusive", None),
            ("can_abort", "witnessed", Some(2)),
        ]
    );
    assert_eq!(
        crate::helpers::explanation(&c, "atomicity"),
        "tx1 committed on shard-a but reverted on shard-b"
    );
    // Messages, timers and choices name their transaction once there are several.
    let details: Vec<String> = crate::helpers::steps(&c, "atomicity")
        .into_iter()
        .map(|(node, _, detail)| format!("{node}: {detail}"))
        .collect();
    assert!(
        details.contains(&"shard-b: ShardTimeout(tx1)".to_string()),
        "{details:?}"
    );
    assert!(
        details.contains(&"shard-a: VoteYes(tx1)".to_string()),
        "{details:?}"
    );
    assert!(
        details.contains(&"coordinator: Vote(tx1, true)".to_string()),
        "{details:?}"
    );
    // One shard cannot disagree with itself: the flaw needs two.
    let c = expect(
        "two-phase-commit",
        &TWO_PHASE,
        &[
            "--variant",
            "revert-after-vote",
            "-p",
            "shards=1",
            "-p",
            "transactions=2",
        ],
        8896,
        &[H, H, H, H, W(4), W(1)],
    );
    assert_eq!(generated(&c), 48_019);
}

#[test]
fn one_transaction_is_the_model_as_it_was() {
    // `-p transactions=1 -p conflict=0` are the defaults, which files and reports leave out:
    // the reference counterexample keeps its name, and the summary its parameters.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("utf-8 path");
    let c = crate::helpers::check(
        "two-phase-commit",
        &[
            "--variant",
            "revert-after-vote",
            "-p",
            "transactions=1",
            "-p",
            "conflict=0",
            "--out",
            out,
            "--render",
            "none",
        ],
    );
    assert_eq!((c.code, c.distinct), (1, 391_817));
    assert_eq!(params(&c), serde_json::json!({"shards": 3}));
    let written = dir
        .path()
        .join("two-phase-commit/atomicity-8afdc8856491.json");
    let reference = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("counterexamples/two-phase-commit/atomicity-8afdc8856491.json");
    assert_eq!(
        std::fs::read_to_string(&written).expect("the same file name as the reference"),
        std::fs::read_to_string(&reference).expect("the reference file")
    );
}

#[test]
fn transactions_are_listed_and_bad_values_refused() {
    let (code, out, _) = run(&["list", "--format", "json"]);
    assert_eq!(code, 0);
    let lines = crate::helpers::json_lines(&out);
    let model = crate::helpers::all(&lines, "model")
        .into_iter()
        .find(|m| m["name"] == "two-phase-commit")
        .expect("listed");
    let ranges: Vec<String> = model["params"]
        .as_array()
        .expect("params")
        .iter()
        .map(|p| {
            format!(
                "{}={}..={}/{}",
                p["name"].as_str().unwrap_or(""),
                p["min"],
                p["max"],
                p["default"]
            )
        })
        .collect();
    assert_eq!(
        ranges,
        ["shards=1..=5/3", "transactions=1..=3/1", "conflict=0..=1/0"]
    );
    for (args, line) in [
        (
            &["-p", "transactions=4"][..],
            "parameter 'transactions' must be a whole number from 1 to 3, not '4'",
        ),
        (
            &["-p", "conflict=1"][..],
            "conflict has no effect on model 'two-phase-commit': one transaction has nothing to conflict with (valid: 0, or 1 with -p transactions=2 or more)",
        ),
    ] {
        let full = [&["check", "two-phase-commit"][..], args].concat();
        let (code, out, err) = run(&full);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(line), "{args:?}: {err}");
    }
}

#[test]
fn a_suite_sets_the_transactions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = dir.path().join("suite.toml");
    std::fs::write(
        &suite,
        "[[check]]\nmodel = \"two-phase-commit\"\nvariant = \"default\"\n\
         params = { shards = 1, transactions = 2 }\nexpect = \"holds\"\n",
    )
    .expect("write");
    let out_dir = dir.path().join("out");
    let (code, out, err) = run(&[
        "gate",
        suite.to_str().expect("utf-8 path"),
        "--out",
        out_dir.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let lines = crate::helpers::json_lines(&out);
    let c = crate::helpers::all(&lines, "check")
        .into_iter()
        .next()
        .cloned()
        .expect("one check");
    assert_eq!(c["distinct_states"], 4187, "{c}");
    assert_eq!(
        c["params"],
        serde_json::json!({"shards": 1, "transactions": 2})
    );
}
