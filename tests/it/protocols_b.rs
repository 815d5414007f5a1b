//! `yanking`, `receipts`, `merge-blocks` (issue 5, models 3–5): verdicts, exact distinct-state
//! counts, exact counterexample and witness lengths, the counterexamples' steps, fault budgets,
//! and the registry's expectations.

use crate::helpers::{self, all, json_lines, run, Check};

/// `xshard check ARGS` (the model first).
fn check(args: &[&str]) -> Check {
    let (model, rest) = args.split_first().expect("a model");
    helpers::check(model, rest)
}

type Expected<'a> = (&'a str, &'a str, Option<u64>);

fn assert_check(args: &[&str], verdict: &str, distinct: u64, props: &[Expected]) -> Check {
    let c = check(args);
    let code = if verdict == "holds" { 0 } else { 1 };
    assert_eq!((c.code, c.verdict.as_str()), (code, verdict), "{args:?}");
    assert_eq!(c.distinct, distinct, "{args:?}");
    let want: Vec<_> = props
        .iter()
        .map(|(n, s, l)| (n.to_string(), s.to_string(), *l))
        .collect();
    assert_eq!(c.props, want, "{args:?}");
    c
}

/// The (event, detail) of each step of the counterexample for `property`.
fn steps(c: &Check, property: &str) -> Vec<(String, String)> {
    let ce = all(&c.lines, "counterexample")
        .into_iter()
        .find(|t| t["property"] == property)
        .unwrap_or_else(|| panic!("a counterexample for {property}"));
    ce["steps"]
        .as_array()
        .map(|s| {
            s.iter()
                .map(|st| {
                    (
                        st["event"].as_str().unwrap_or_default().to_string(),
                        st["detail"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

const HOLDS: &str = "holds";
const VIOLATED: &str = "violated";

#[test]
fn receipts_default_holds_under_replay_loss_and_reorgs() {
    let props = [
        ("conservation", "holds", None),
        ("no_double_spend", "holds", None),
        ("no_double_create", "holds", None),
        ("progress", "holds", None),
        ("can_commit", "witnessed", Some(3)),
    ];
    assert_check(&["receipts"], HOLDS, 323, &props);
    // A lost claim is never resubmitted: safe, but the transfer stays pending on B.
    assert_check(
        &["receipts", "--loss", "1"],
        VIOLATED,
        772,
        &[
            ("conservation", "holds", None),
            ("no_double_spend", "holds", None),
            ("no_double_create", "holds", None),
            ("progress", "violated", Some(3)),
            ("can_commit", "witnessed", Some(3)),
        ],
    );
    // Async is the model's choice; a clock only multiplies states.
    assert_check(&["receipts", "--time", "clocked"], HOLDS, 2450, &props);
    assert_check(
        &["receipts", "-p", "transfers=3", "--replay", "2"],
        HOLDS,
        4139,
        &props,
    );
}

#[test]
fn receipts_without_replay_guard_double_claim_by_replay() {
    let c = assert_check(
        &["receipts", "--variant", "no-replay-guard"],
        VIOLATED,
        396,
        &[
            ("conservation", "violated", Some(4)),
            ("no_double_spend", "violated", Some(4)),
            ("no_double_create", "violated", Some(4)),
            ("progress", "holds", None),
            ("can_commit", "witnessed", Some(3)),
        ],
    );
    let claim = "Claim { seq: 0, root: Crosslinked }";
    let s9 = pairs(&[
        ("choice", "Send"),
        ("choice", "Finalize"),
        ("deliver", claim),
        ("replay", claim),
    ]);
    assert_eq!(steps(&c, "conservation"), s9);
    assert_eq!(steps(&c, "no_double_spend"), s9);
    assert_eq!(steps(&c, "no_double_create"), s9);
    // The duplicate comes from the kernel's replay budget only.
    assert_check(
        &["receipts", "--variant", "no-replay-guard", "--replay", "0"],
        HOLDS,
        120,
        &[
            ("conservation", "holds", None),
            ("no_double_spend", "holds", None),
            ("no_double_create", "holds", None),
            ("progress", "holds", None),
            ("can_commit", "witnessed", Some(3)),
        ],
    );
}

#[test]
fn receipts_claimed_against_a_non_final_root_inflate_on_reorg() {
    let c = assert_check(
        &["receipts", "--variant", "unfinalized-claim"],
        VIOLATED,
        366,
        &[
            ("conservation", "violated", Some(3)),
            ("no_double_spend", "holds", None),
            ("no_double_create", "holds", None),
            ("progress", "holds", None),
            ("can_commit", "witnessed", Some(3)),
        ],
    );
    assert_eq!(
        steps(&c, "conservation"),
        pairs(&[
            ("choice", "Send"),
            ("deliver", "Claim { seq: 0, root: Head }"),
            ("choice", "Reorg"),
        ])
    );
    assert_check(
        &[
            "receipts",
            "--variant",
            "unfinalized-claim",
            "-p",
            "reorgs=0",
        ],
        HOLDS,
        84,
        &[
            ("conservation", "holds", None),
            ("no_double_spend", "holds", None),
            ("no_double_create", "holds", None),
            ("progress", "holds", None),
            ("can_commit", "witnessed", Some(3)),
        ],
    );
}

#[test]
fn merge_blocks_coupled_fork_choice_keeps_the_pair_atomic() {
    let props = [
        ("atomicity", "holds", None),
        ("progress", "holds", None),
        ("can_commit", "witnessed", Some(2)),
        ("can_abort", "witnessed", Some(3)),
    ];
    assert_check(&["merge-blocks"], HOLDS, 17, &props);
    // Safe under loss, but a lost message is never re-sent: a lock stays for good.
    let mut lossy = props;
    lossy[1] = ("progress", "violated", Some(2));
    assert_check(&["merge-blocks", "--loss", "1"], VIOLATED, 23, &lossy);
    assert_check(
        &[
            "merge-blocks",
            "-p",
            "reorgs=3",
            "--loss",
            "2",
            "--replay",
            "3",
        ],
        VIOLATED,
        557,
        &lossy,
    );
}

#[test]
fn merge_blocks_independent_reorg_books_the_hotel_without_the_train() {
    let c = assert_check(
        &["merge-blocks", "--variant", "independent-reorg"],
        VIOLATED,
        17,
        &[
            ("atomicity", "violated", Some(3)),
            ("progress", "holds", None),
            ("can_commit", "witnessed", Some(2)),
            ("can_abort", "witnessed", Some(4)),
        ],
    );
    assert_eq!(
        steps(&c, "atomicity"),
        pairs(&[
            ("choice", "Submit"),
            ("deliver", "Merge((1, 0))"),
            ("choice", "Reorg"),
        ])
    );
    let ce = all(&c.lines, "counterexample")[0];
    assert_eq!(
        ce["explanation"],
        "tx1 committed on shard-b but reverted on shard-a"
    );
    assert_check(
        &[
            "merge-blocks",
            "--variant",
            "independent-reorg",
            "--replay",
            "0",
        ],
        VIOLATED,
        7,
        &[
            ("atomicity", "violated", Some(3)),
            ("progress", "holds", None),
            ("can_commit", "witnessed", Some(2)),
            ("can_abort", "witnessed", Some(4)),
        ],
    );
}

#[test]
fn yanking_default_keeps_the_room_in_one_place() {
    let props = [
        ("unique_location", "holds", None),
        ("conservation", "holds", None),
        ("no_double_create", "holds", None),
        ("booking_integrity", "holds", None),
        ("can_commit", "witnessed", Some(4)),
    ];
    // The default loses a message and replays one.
    assert_check(&["yanking"], HOLDS, 86, &props);
    assert_check(&["yanking", "--loss", "0"], HOLDS, 54, &props);
    assert_check(&["yanking", "-p", "yanks=2"], HOLDS, 652, &props);
}

#[test]
fn yanking_without_claimed_set_instantiates_twice() {
    let c = assert_check(
        &["yanking", "--variant", "no-claimed-set"],
        VIOLATED,
        139,
        &[
            ("unique_location", "violated", Some(5)),
            ("conservation", "violated", Some(5)),
            ("no_double_create", "violated", Some(4)),
            ("booking_integrity", "violated", Some(5)),
            ("can_commit", "witnessed", Some(4)),
        ],
    );
    let claim = "Claim { id: 0, stamp: 0 }";
    // The replayed claim re-instantiates the room free over the booked one.
    assert_eq!(
        steps(&c, "booking_integrity"),
        pairs(&[
            ("choice", "Yank"),
            ("choice", "Submit(0)"),
            ("deliver", claim),
            ("choice", "Book"),
            ("replay", claim),
        ])
    );
    assert_eq!(
        steps(&c, "no_double_create"),
        pairs(&[
            ("choice", "Yank"),
            ("choice", "Submit(0)"),
            ("deliver", claim),
            ("replay", claim),
        ])
    );
    assert_eq!(
        steps(&c, "unique_location"),
        pairs(&[
            ("choice", "Yank"),
            ("choice", "Submit(0)"),
            ("deliver", claim),
            ("choice", "Yank"),
            ("replay", claim),
        ])
    );
    assert_check(
        &["yanking", "--variant", "no-claimed-set", "--replay", "0"],
        HOLDS,
        24,
        &[
            ("unique_location", "holds", None),
            ("conservation", "holds", None),
            ("no_double_create", "holds", None),
            ("booking_integrity", "holds", None),
            ("can_commit", "witnessed", Some(4)),
        ],
    );
}

#[test]
fn yanking_claim_window_loses_an_unclaimed_room() {
    let props = [
        ("unique_location", "violated", Some(4)),
        ("conservation", "violated", Some(4)),
        ("no_double_create", "holds", None),
        ("booking_integrity", "holds", None),
        ("can_commit", "witnessed", Some(4)),
    ];
    let c = assert_check(
        &["yanking", "--variant", "claim-window"],
        VIOLATED,
        370,
        &props,
    );
    assert_eq!(
        steps(&c, "unique_location"),
        pairs(&[
            ("choice", "Yank"),
            ("tick", "now = 1"),
            ("tick", "now = 2"),
            ("timeout", "WindowEnd(0)"),
        ])
    );
    assert_check(
        &["yanking", "--variant", "claim-window", "--replay", "0"],
        VIOLATED,
        122,
        &props,
    );
}

/// The registry's expectation of every variant is exactly what the check finds at defaults.
#[test]
fn registry_expectations_match_the_checks() {
    let (code, out, _) = run(&["list", "--format", "json"]);
    assert_eq!(code, 0);
    let lines = json_lines(&out);
    let models = all(&lines, "model");
    for name in ["yanking", "receipts", "merge-blocks"] {
        let m = models
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("{name} is listed"));
        let variants = m["variants"].as_array().expect("variants");
        assert!(variants.len() >= 2, "{name}");
        for v in variants {
            helpers::assert_variant_meets_its_listing(name, v);
        }
    }
}
