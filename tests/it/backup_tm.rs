//! `backup-tm` (issue 13, point 3): 2PC with a backup TM that takes over on a time-out.
//! Verdicts, exact distinct-state counts, exact counterexample and witness lengths, the naive
//! variant's counterexample step by step (PROTOCOLS.md §7.5 S5), the crash configurations the
//! module doc lists, and the registry's expectations, through the CLI.

use serde_json::Value;

use crate::helpers::{self, all, explanation, json_lines, run, steps, triples, Check, E};

use E::{H, V, W};

const MODEL: &str = "backup-tm";

fn check(args: &[&str]) -> Check {
    helpers::check(MODEL, args)
}

/// The properties in the model's order: atomicity, deadlock_freedom, progress,
/// timeout_revert, can_commit, can_abort.
const NAMES: [&str; 6] = [
    "atomicity",
    "deadlock_freedom",
    "progress",
    "timeout_revert",
    "can_commit",
    "can_abort",
];

fn expect(args: &[&str], distinct: u64, props: [E; 6]) -> Check {
    helpers::expect(MODEL, &NAMES, args, distinct, &props)
}

/// Everything holds, both witnesses at these lengths.
fn holds(commit: u64, abort: u64) -> [E; 6] {
    [H, H, H, H, W(commit), W(abort)]
}

#[test]
fn the_default_holds_with_a_lost_message_and_a_primary_crash() {
    // The defaults: 2 shards, --loss 1 --crashes 1 (crash-stop; only the primary may crash).
    expect(&[], 11_502, holds(9, 3));
    // Thinner and thicker faults, recovery, and clocked time: the same verdicts.
    expect(&["--loss", "0", "--crashes", "0"], 2_054, holds(9, 3));
    expect(&["--loss", "2"], 19_786, holds(9, 3));
    expect(&["--replay", "1"], 57_024, holds(9, 3));
    expect(&["--crash-mode", "recover"], 17_704, holds(9, 3));
    expect(&["--time", "clocked"], 24_158, holds(9, 4));
    expect(&["-p", "shards=1"], 310, holds(5, 2));
    expect(&["-p", "shards=3", "--symmetry"], 84_274, holds(13, 4));
    // No channel ever holds two messages, so FIFO delivery explores the very same states.
    expect(&["--network", "ordered"], 11_502, holds(9, 3));
}

#[test]
fn the_naive_backup_splits_the_transaction_s5() {
    let c = expect(
        &["--variant", "naive"],
        60_932,
        [V(9), H, H, V(8), W(8), W(3)],
    );
    assert_eq!(
        explanation(&c, "atomicity"),
        "tx1 committed on shard-b but aborted on shard-a"
    );
    assert_eq!(
        explanation(&c, "timeout_revert"),
        "tx1 was reverted on backup-tm although it committed on shard-a"
    );
    // Nothing scripted: the take-over is the backup's time-out firing early (async time),
    // both TMs broadcast, and each shard applies the decision it receives first.
    let prefix = [
        ("shard-a", "deliver", "Prepare"),
        ("shard-b", "deliver", "Prepare"),
        ("backup-tm", "timeout", "Takeover"),
        ("shard-a", "choice", "VoteYes"),
        ("primary-tm", "deliver", "Vote(true)"),
    ];
    let split = [
        ("shard-a", "deliver", "Abort"),
        ("shard-b", "choice", "VoteYes"),
        ("primary-tm", "deliver", "Vote(true)"),
        ("shard-b", "deliver", "Commit"),
    ];
    assert_eq!(
        steps(&c, "atomicity"),
        triples(&[&prefix[..], &split[..]].concat())
    );
    let revert = [
        ("shard-b", "choice", "VoteYes"),
        ("primary-tm", "deliver", "Vote(true)"),
        ("shard-a", "deliver", "Commit"),
    ];
    assert_eq!(
        steps(&c, "timeout_revert"),
        triples(&[&prefix[..], &revert[..]].concat())
    );
    // No fault is needed, and neither is asynchrony: in clocked time the votes are unbounded.
    expect(
        &["--variant", "naive", "--loss", "0", "--crashes", "0"],
        11_846,
        [V(9), H, H, V(8), W(8), W(3)],
    );
    expect(
        &["--variant", "naive", "--time", "clocked"],
        231_072,
        [V(12), H, H, V(11), W(8), W(4)],
    );
    // One shard cannot disagree with itself; the take-over still reverts a commit.
    expect(
        &["--variant", "naive", "-p", "shards=1"],
        746,
        [H, H, H, V(5), W(4), W(2)],
    );
}

#[test]
fn a_crashed_backup_blocks_and_a_restarted_one_resumes() {
    let c = expect(
        &["-p", "backup_crash=1"],
        17_253,
        [H, V(5), V(2), H, W(9), W(3)],
    );
    // The Prepare to shard-a is lost and the backup crashes: nobody can ever decide for it.
    assert_eq!(
        steps(&c, "progress"),
        triples(&[
            ("primary-tm", "drop", "Prepare"),
            ("backup-tm", "crash", ""),
        ])
    );
    assert_eq!(
        explanation(&c, "deadlock_freedom"),
        "nothing can happen any more, yet tx1 is still locked on shard-a"
    );
    expect(
        &["-p", "backup_crash=1", "--crash-mode", "recover"],
        27_007,
        holds(9, 3),
    );
    expect(
        &[
            "-p",
            "backup_crash=1",
            "--crashes",
            "2",
            "--crash-mode",
            "recover",
        ],
        62_020,
        holds(9, 3),
    );
}

#[test]
fn symmetry_keeps_every_verdict_and_length() {
    expect(&["--symmetry"], 5_880, holds(9, 3));
    expect(
        &["--variant", "naive", "--symmetry"],
        30_790,
        [V(9), H, H, V(8), W(8), W(3)],
    );
}

/// Every variant's registry expectation (what `xshard list` shows and the gate compares) is
/// exactly the set of properties the check violates at the defaults.
#[test]
fn registry_expectations_match_the_checks() {
    let (code, out, _) = run(&["list", "--format", "json"]);
    assert_eq!(code, 0);
    let lines = json_lines(&out);
    let info = all(&lines, "model")
        .into_iter()
        .find(|m| m["name"] == "backup-tm")
        .expect("backup-tm is listed");
    let variants: Vec<(String, Value)> = info["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap_or_default().to_string(),
                v["expect"].clone(),
            )
        })
        .collect();
    assert_eq!(
        variants,
        [
            ("default".to_string(), Value::from("holds")),
            (
                "naive".to_string(),
                serde_json::json!({ "violates": ["atomicity", "timeout_revert"] })
            ),
        ]
    );
    for (name, expected) in variants {
        let c = check(&["--variant", &name]);
        let violated: Vec<Value> = c
            .props
            .iter()
            .filter(|p| p.1 == "violated")
            .map(|p| Value::from(p.0.clone()))
            .collect();
        let want = expected["violates"].as_array().cloned().unwrap_or_default();
        assert_eq!(violated, want, "{name}");
    }
}
