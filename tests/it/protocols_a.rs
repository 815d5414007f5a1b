//! The train-and-hotel protocols of issue 5 (models `locking` and `train-hotel`): verdicts,
//! exact distinct-state counts and exact counterexample and witness lengths, through the CLI.

use crate::helpers::{all, first, json_lines, run};

/// What a check reports: exit code, verdict, distinct states, and per property its status and
/// path length.
#[derive(Debug)]
struct Report {
    code: i32,
    verdict: String,
    distinct: u64,
    props: Vec<(String, String, Option<u64>)>,
}

fn check(model: &str, variant: &str, extra: &[&str]) -> Report {
    let mut args = vec!["check", model, "--variant", variant, "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    let lines = json_lines(&out);
    let summary = first(&lines, "summary");
    let props = all(&lines, "property")
        .into_iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["status"].as_str().unwrap_or_default().to_string(),
                p["length"].as_u64(),
            )
        })
        .collect();
    Report {
        code,
        verdict: summary["verdict"].as_str().unwrap_or_default().to_string(),
        distinct: summary["distinct_states"]
            .as_u64()
            .unwrap_or_else(|| panic!("{args:?}: no distinct_states: {err}")),
        props,
    }
}

/// Expected per-property result: `H` holds, `V(n)` violated by a counterexample of n steps,
/// `W(n)` witnessed after n steps.
#[derive(Clone, Copy, Debug)]
enum E {
    H,
    V(u64),
    W(u64),
}

fn expect(model: &str, variant: &str, extra: &[&str], distinct: u64, props: &[(&str, E)]) {
    let r = check(model, variant, extra);
    let ctx = format!("{model} --variant {variant} {extra:?}");
    let want: Vec<(String, String, Option<u64>)> = props
        .iter()
        .map(|&(name, e)| {
            let (status, len) = match e {
                E::H => ("holds", None),
                E::V(n) => ("violated", Some(n)),
                E::W(n) => ("witnessed", Some(n)),
            };
            (name.to_string(), status.to_string(), len)
        })
        .collect();
    assert_eq!(r.props, want, "{ctx}");
    let violated = props.iter().any(|(_, e)| matches!(e, E::V(_)));
    let (code, verdict) = if violated {
        (1, "violated")
    } else {
        (0, "holds")
    };
    assert_eq!((r.code, r.verdict.as_str()), (code, verdict), "{ctx}");
    assert_eq!(r.distinct, distinct, "{ctx}");
}

use E::{H, V, W};

#[test]
fn locking_default_holds_with_both_witnesses() {
    let props = [
        ("atomicity", H),
        ("deadlock_freedom", H),
        ("progress", H),
        ("timeout_revert", H),
        ("isolation", H),
        ("serializability", H),
        ("can_commit", W(6)),
        // Every concerned shard counts: the abort needs both resource shards to have heard of
        // the transaction (5 steps; 4 when a shard that never heard of it was left out).
        ("can_abort", W(5)),
    ];
    // The default loses one message: the time-out retries recover it.
    expect("locking", "default", &[], 335353, &props);
    // On a reliable network.
    expect("locking", "default", &["--loss", "0"], 94355, &props);
}

#[test]
fn locking_no_timeout_deadlocks() {
    // PROTOCOLS.md S1: tx1 locks obj1, tx2 locks obj2, each waits for the other.
    expect(
        "locking",
        "no-timeout",
        &[],
        129,
        &[
            ("atomicity", H),
            ("deadlock_freedom", V(6)),
            ("progress", V(2)),
            ("timeout_revert", H),
            ("isolation", H),
            ("serializability", H),
            ("can_commit", W(6)),
        ],
    );
}

#[test]
fn locking_timeout_race_splits_a_transaction() {
    expect(
        "locking",
        "timeout-race",
        &[],
        146431,
        &[
            ("atomicity", V(5)),
            ("deadlock_freedom", H),
            ("progress", H),
            ("timeout_revert", V(5)),
            ("isolation", H),
            ("serializability", V(5)),
            ("can_commit", W(6)),
            ("can_abort", W(4)),
        ],
    );
}

#[test]
fn locking_wound_wait_is_deadlock_free_but_needs_a_reliable_network() {
    let props = [
        ("atomicity", H),
        ("deadlock_freedom", H),
        ("progress", H),
        ("timeout_revert", H),
        ("isolation", H),
        ("serializability", H),
        ("can_commit", W(6)),
        ("can_abort", W(5)),
    ];
    expect("locking", "wound-wait", &[], 849, &props);
    expect("locking", "wound-wait", &["--replay", "1"], 7813, &props);
    // A read-only third transaction: a shared read lock lets a younger transaction overtake a
    // waiting older one, which must wound it then too.
    expect(
        "locking",
        "wound-wait",
        &["-p", "readers=1"],
        118659,
        &props,
    );
    // No time-out recovers a lost message: a waiting transaction waits forever.
    let mut lossy = props;
    lossy[1].1 = V(6);
    lossy[2].1 = V(1);
    expect("locking", "wound-wait", &["--loss", "1"], 2876, &lossy);
}

#[test]
fn locking_wound_after_commit_breaks_atomicity() {
    expect(
        "locking",
        "wound-after-commit",
        &[],
        1692,
        &[
            ("atomicity", V(5)),
            ("deadlock_freedom", H),
            ("progress", H),
            ("timeout_revert", V(5)),
            ("isolation", H),
            ("serializability", V(5)),
            ("can_commit", W(6)),
            ("can_abort", W(4)),
        ],
    );
}

#[test]
fn locking_repeal_confirm_can_abort_both() {
    // PROTOCOLS.md S2: no deadlock, and both conflicting transactions can be repealed.
    let props = [
        ("atomicity", H),
        ("deadlock_freedom", H),
        ("progress", H),
        ("timeout_revert", H),
        ("isolation", H),
        ("serializability", H),
        ("can_commit", W(8)),
        ("can_abort", W(4)),
        ("all_abort", W(8)),
    ];
    expect("locking", "repeal-confirm", &[], 1169, &props);
    expect(
        "locking",
        "repeal-confirm",
        &["--replay", "1"],
        10605,
        &props,
    );
}

#[test]
fn train_hotel_default_holds_with_both_witnesses() {
    let props = [
        ("atomicity", H),
        ("timeout_revert", H),
        ("conservation", H),
        ("progress", H),
        ("can_commit", W(8)),
        ("can_abort", W(7)),
    ];
    // The default replays a message; replays change nothing: every status is final.
    expect("train-hotel", "default", &[], 940, &props);
    expect("train-hotel", "default", &["--replay", "0"], 234, &props);
    // Safety does not depend on timing at all: async time, lossy and replaying network (the
    // deadline fires at once, so the shortest revert is shorter).
    let mut untimed = props;
    untimed[5].1 = W(3);
    // Liveness does: a lost message is never re-sent, so a hold can stay for good.
    untimed[3].1 = V(4);
    expect(
        "train-hotel",
        "default",
        &["--time", "async", "--loss", "1", "--replay", "1"],
        1630,
        &untimed,
    );
}

#[test]
fn train_hotel_deadline_bound_needs_synchrony() {
    // A lost decision leaves a hold past D + delta; atomicity and conservation still hold.
    expect(
        "train-hotel",
        "default",
        &["--loss", "1"],
        2168,
        &[
            ("atomicity", H),
            ("timeout_revert", V(12)),
            ("conservation", H),
            // A lost Commit is never re-sent: the train stays held for good.
            ("progress", V(7)),
            ("can_commit", W(8)),
            ("can_abort", W(7)),
        ],
    );
}

#[test]
fn train_hotel_naive_timeout_breaks_atomicity() {
    expect(
        "train-hotel",
        "naive-timeout",
        &[],
        1598,
        &[
            ("atomicity", V(8)),
            ("timeout_revert", V(8)),
            ("conservation", H),
            ("progress", H),
            ("can_commit", W(8)),
            ("can_abort", W(7)),
        ],
    );
}

#[test]
fn train_hotel_sender_clock_timeout_refunds_a_sale() {
    // PROTOCOLS.md S15 on the escrow: commit; the train sells; the escrow times out and refunds.
    expect(
        "train-hotel",
        "sender-clock-timeout",
        &[],
        2053,
        &[
            ("atomicity", V(10)),
            ("timeout_revert", V(10)),
            ("conservation", V(10)),
            ("progress", H),
            ("can_commit", W(8)),
            ("can_abort", W(7)),
        ],
    );
}

/// Every variant's registry expectation (what `xshard list` shows and the suite gate compares)
/// is exactly the set of properties the check violates at defaults.
#[test]
fn registry_expectations_match_the_checks() {
    let (code, out, _) = run(&["list", "--format", "json"]);
    assert_eq!(code, 0);
    let lines = json_lines(&out);
    for model in ["locking", "train-hotel"] {
        let info = all(&lines, "model")
            .into_iter()
            .find(|m| m["name"] == model)
            .unwrap_or_else(|| panic!("{model} is listed"));
        let variants = info["variants"].as_array().expect("variants");
        assert_eq!(variants.len(), if model == "locking" { 6 } else { 3 });
        for v in variants {
            let name = v["name"].as_str().unwrap_or_default();
            let expected: Vec<String> = match &v["expect"] {
                serde_json::Value::String(s) if s == "holds" => Vec::new(),
                other => other["violates"]
                    .as_array()
                    .expect("violates list")
                    .iter()
                    .map(|p| p.as_str().unwrap_or_default().to_string())
                    .collect(),
            };
            let r = check(model, name, &[]);
            let violated: Vec<String> = r
                .props
                .iter()
                .filter(|p| p.1 != "holds" && p.1 != "witnessed")
                .map(|p| p.0.clone())
                .collect();
            assert_eq!(violated, expected, "{model} --variant {name}");
        }
    }
}
