//! `paxos-commit` (issue 13, point 5): Paxos Commit on the world kernel, F = 1. Verdicts,
//! exact distinct-state counts, exact counterexample and witness lengths, both flawed
//! variants' counterexamples step by step, the configurations the module doc lists (S8:
//! safety under acceptor crashes and loss, progress under crashes; one acceptor is 2PC and
//! blocks), and the registry's expectations, through the CLI. The failure-free message count
//! against Gray & Lamport's is a unit test of the model (it drives the handlers directly).

use serde_json::Value;

use crate::helpers::{self, all, explanation, json_lines, run, steps, triples, Check, E};

use E::{H, V, W};

const MODEL: &str = "paxos-commit";

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
fn the_default_holds_with_any_one_acceptor_crash() {
    // The defaults: 2 shards, F = 1, --crashes 1 (crash-stop of the leader's node or another
    // acceptor's), no loss, async time. can_commit after 11 steps: the two votes and the
    // failure-free commit's deliveries but the backup's notice (9 of its 10 messages).
    expect(&[], 466_635, holds(11, 4));
    expect(&["--crashes", "0"], 119_983, holds(11, 4));
    // An acceptor's promise and votes survive its crash; the leader's decision is logged.
    expect(&["--crash-mode", "recover"], 618_791, holds(11, 4));
    expect(&["-p", "shards=1"], 16_398, holds(6, 2));
}

#[test]
fn symmetry_keeps_every_verdict_and_length() {
    expect(&["--symmetry"], 242_276, holds(11, 4));
}

/// S8: safety under any loss. Nothing is re-sent, so a lost message may block: progress is
/// for crashes only.
#[test]
fn a_lost_message_keeps_safety_and_may_block() {
    let c = expect(
        &["--loss", "1", "--crashes", "0"],
        427_778,
        [H, V(12), V(9), H, W(11), W(4)],
    );
    assert_eq!(
        explanation(&c, "progress"),
        "no sequence of protocol steps finishes from here; tx1 is still locked on shard-a"
    );
}

/// One acceptor, on the leader's node, is two-phase commit (Gray & Lamport, section 5): its
/// crash blocks, where F = 1 goes on (PROTOCOLS.md S4 against S8).
#[test]
fn one_acceptor_is_two_phase_commit_and_blocks() {
    expect(&["-p", "f=0", "--crashes", "0"], 1_344, holds(8, 4));
    let c = expect(&["-p", "f=0"], 2_688, [H, V(6), V(3), H, W(8), W(4)]);
    assert_eq!(
        steps(&c, "progress"),
        triples(&[
            ("shard-a", "deliver", "Prepare"),
            ("shard-a", "choice", "VoteYes"),
            ("leader", "crash", ""),
        ])
    );
}

/// Every variant's registry expectation (what `xshard list` shows and the gate compares) is
/// exactly the set of properties its check violates at its defaults; the flawed variants'
/// counterexamples step by step.
#[test]
fn the_variants_violate_what_the_registry_says() {
    let (code, out, _) = run(&["list", "--format", "json"]);
    assert_eq!(code, 0);
    let lines = json_lines(&out);
    let info = all(&lines, "model")
        .into_iter()
        .find(|m| m["name"] == "paxos-commit")
        .expect("paxos-commit is listed");
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
    let both = serde_json::json!({ "violates": ["atomicity", "timeout_revert"] });
    assert_eq!(
        variants,
        [
            ("default".to_string(), Value::from("holds")),
            ("minority-quorum".to_string(), both.clone()),
            ("forget-on-recover".to_string(), both),
        ]
    );
    let violated = |c: &Check| -> Vec<Value> {
        c.props
            .iter()
            .filter(|p| p.1 == "violated")
            .map(|p| Value::from(p.0.clone()))
            .collect()
    };
    let c = check(&[]);
    assert!(violated(&c).is_empty());

    // A quorum of one acceptor, and no fault at all: the backup's false suspicion.
    let c = expect(
        &["--variant", "minority-quorum"],
        900_054,
        [V(13), H, H, V(10), W(8), W(4)],
    );
    assert_eq!(
        violated(&c),
        variants[1].1["violates"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    );
    assert_eq!(
        explanation(&c, "atomicity"),
        "tx1 committed on shard-b but aborted on shard-a"
    );
    assert_eq!(
        explanation(&c, "timeout_revert"),
        "tx1 was reverted on backup although it committed on shard-a"
    );
    let aborted = "Phase2a { bal: 1, vals: [shard-a: Aborted, shard-b: Aborted] }";
    let accepted = "Phase2b { bal: 1, vals: [shard-a: Aborted, shard-b: Aborted] }";
    assert_eq!(
        steps(&c, "atomicity"),
        triples(&[
            ("shard-a", "deliver", "Prepare"),
            ("shard-b", "deliver", "Prepare"),
            ("backup", "timeout", "Takeover"),
            ("acceptor-2", "deliver", "Phase1a { bal: 1 }"),
            ("backup", "deliver", "Phase1b { bal: 1, votes: [] }"),
            ("acceptor-2", "deliver", aborted),
            ("backup", "deliver", accepted),
            ("shard-a", "choice", "VoteYes"),
            (
                "leader",
                "deliver",
                "Phase2a { bal: 0, vals: [shard-a: Prepared] }"
            ),
            ("shard-a", "deliver", "Abort"),
            ("shard-b", "choice", "VoteYes"),
            (
                "leader",
                "deliver",
                "Phase2a { bal: 0, vals: [shard-b: Prepared] }"
            ),
            ("shard-b", "deliver", "Commit"),
        ])
    );

    // Volatile acceptors, with one crash and its recovery (the variant's default).
    let c = expect(
        &["--variant", "forget-on-recover"],
        1_237_328,
        [V(22), H, H, V(17), W(11), W(4)],
    );
    assert_eq!(
        violated(&c),
        variants[2].1["violates"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    );
    let atomicity = steps(&c, "atomicity");
    assert_eq!(atomicity.len(), 22);
    // The leader's node crashes after ballot 1 chose aborted with its acceptor, forgets its
    // promise, and then accepts ballot 0's prepared votes: ballot 0 chooses prepared too.
    assert_eq!(
        atomicity[16..],
        triples(&[
            ("leader", "crash", ""),
            ("leader", "recover", ""),
            (
                "leader",
                "deliver",
                "Phase2a { bal: 0, vals: [shard-a: Prepared] }"
            ),
            (
                "leader",
                "deliver",
                "Phase2a { bal: 0, vals: [shard-b: Prepared] }"
            ),
            (
                "leader",
                "deliver",
                "Phase2b { bal: 0, vals: [shard-a: Prepared, shard-b: Prepared] }"
            ),
            ("shard-b", "deliver", "Commit"),
        ])[..]
    );
    // With durable acceptors the same crash is harmless.
    expect(
        &["--variant", "forget-on-recover", "--crash-mode", "stop"],
        // Fewer states than the default's: a crashed acceptor's memory is wiped at once.
        442_572,
        holds(11, 4),
    );
}
