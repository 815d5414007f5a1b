//! `xshard check` and `xshard list`: TLC's numbers, verdicts, exit codes, bad input.

use crate::helpers::{all, first, json_lines, run};

fn summary(args: &[&str]) -> (i32, serde_json::Value) {
    let (code, out, _) = run(args);
    let lines = json_lines(&out);
    (code, first(&lines, "summary").clone())
}

#[test]
fn tla_two_phase_matches_tlc() {
    // PROTOCOLS.md §7.1: distinct / generated / depth.
    for (rms, distinct, generated, depth) in [
        ("3", 288, 1146, 11),
        ("4", 1568, 8258, 14),
        ("5", 8832, 58146, 17),
        ("6", 50816, 402306, 20),
    ] {
        let p = format!("rms={rms}");
        let (code, s) = summary(&["check", "tla-two-phase", "-p", &p, "--format", "json"]);
        assert_eq!(code, 0, "rms={rms}");
        assert_eq!(s["distinct_states"], distinct, "rms={rms}");
        assert_eq!(s["generated_states"], generated, "rms={rms}");
        assert_eq!(s["max_depth"], depth, "rms={rms}");
        assert_eq!(s["verdict"], "holds");
    }
}

#[test]
fn tla_tcommit_matches_tlc() {
    let (code, s) = summary(&["check", "tla-tcommit", "-p", "rms=3", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(
        (
            &s["distinct_states"],
            &s["generated_states"],
            &s["max_depth"]
        ),
        (&34.into(), &94.into(), &7.into())
    );
}

/// The engines a TLC figure is pinned under: xshard's BFS with one and two threads, its DFS,
/// and stateright's own checker (an independent second engine).
const ENGINES: [&[&str]; 4] = [
    &["--strategy", "bfs", "--threads", "1"],
    &["--strategy", "bfs", "--threads", "2"],
    &["--strategy", "dfs", "--threads", "2"],
    &["--engine", "stateright", "--threads", "1"],
];

/// Checks `model` with `params` under every engine of [`ENGINES`] and asserts TLC's distinct
/// states, generated states and depth, and that every property holds.
fn assert_tlc_counts(model: &str, params: &[&str], tlc: (u64, u64, u64)) {
    for engine in ENGINES {
        let mut args = vec!["check", model, "--format", "json"];
        args.extend_from_slice(params);
        args.extend_from_slice(engine);
        let (code, s) = summary(&args);
        assert_eq!(code, 0, "{args:?}");
        assert_eq!(
            (
                &s["distinct_states"],
                &s["generated_states"],
                &s["max_depth"]
            ),
            (&tlc.0.into(), &tlc.1.into(), &tlc.2.into()),
            "{args:?}"
        );
        assert_eq!(s["verdict"], "holds", "{args:?}");
    }
}

#[test]
fn tla_2pc_btm_matches_tlc() {
    // tlaplus/Examples manifest.json for 2PCwithBTM.cfg (RM = {rm1, rm2, rm3}, RMMAYFAIL and
    // TMMAYFAIL TRUE): 1,245 distinct, 5,841 generated, depth 15 (PROTOCOLS.md §7.1).
    assert_tlc_counts("tla-2pc-btm", &[], (1245, 5841, 15));
    assert_tlc_counts(
        "tla-2pc-btm",
        &["-p", "rms=3", "-p", "rm_may_fail=1", "-p", "tm_may_fail=1"],
        (1245, 5841, 15),
    );
}

#[test]
fn tla_paxos_commit_matches_tlc() {
    // tlaplus/Examples manifest.json for PaxosCommit.cfg (RM = {r1, r2}, Acceptor = {a1, a2,
    // a3}, Majority = the 2-subsets, Ballot = {0, 1}): 1,321,761 distinct, 16,959,159
    // generated, depth 28 (PROTOCOLS.md §7.1). About 2 s per engine in a release build.
    assert_tlc_counts("tla-paxos-commit", &[], (1_321_761, 16_959_159, 28));
}

#[test]
fn flawed_btm_and_paxos_commit_variants_violate_atomicity_only() {
    for (model, variant, steps) in [
        ("tla-2pc-btm", "abort-despite-commit", 11),
        ("tla-paxos-commit", "phase2a-ignores-votes", 16),
    ] {
        let (code, out, _) = run(&["check", model, "--variant", variant, "--format", "json"]);
        assert_eq!(code, 1, "{model} {variant}");
        let lines = json_lines(&out);
        let props = all(&lines, "property");
        let status: Vec<_> = props
            .iter()
            .map(|p| (p["name"].clone(), p["status"].clone()))
            .collect();
        assert_eq!(
            status,
            [
                ("atomicity".into(), "violated".into()),
                ("can_commit".into(), "witnessed".into()),
                ("can_abort".into(), "witnessed".into()),
            ],
            "{model} {variant}"
        );
        // The shortest counterexample (BFS), the trace of the module doc: the path is the
        // initial state's index, then one action index per step.
        let path = props[0]["path"].as_array().map(Vec::len);
        assert_eq!(path, Some(steps + 1), "{model} {variant}");
    }
}

#[test]
fn flawed_two_phase_variants_violate_atomicity() {
    for variant in [
        "commit-without-votes",
        "abort-after-commit",
        "revert-after-vote",
        "forged-vote",
    ] {
        let (code, out, _) = run(&[
            "check",
            "tla-two-phase",
            "--variant",
            variant,
            "--format",
            "json",
        ]);
        assert_eq!(code, 1, "{variant}");
        let lines = json_lines(&out);
        let props = all(&lines, "property");
        let atomicity = props
            .iter()
            .find(|p| p["name"] == "atomicity")
            .expect("atomicity is reported");
        assert_eq!(atomicity["status"], "violated", "{variant}");
        let violated: Vec<_> = props
            .iter()
            .filter(|p| p["status"] == "violated")
            .map(|p| p["name"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(violated, ["atomicity"], "{variant}");
    }
}

#[test]
fn two_phase_commit_verdicts() {
    let (code, s) = summary(&["check", "two-phase-commit", "--format", "json"]);
    assert_eq!((code, &s["verdict"]), (0, &"holds".into()));

    let (code, out, _) = run(&[
        "check",
        "two-phase-commit",
        "-p",
        "shards=2",
        "--variant",
        "revert-after-vote",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let lines = json_lines(&out);
    let violated: Vec<_> = all(&lines, "property")
        .into_iter()
        .filter(|p| p["status"] == "violated")
        .map(|p| p["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(violated, ["atomicity", "timeout_revert"]);
}

#[test]
fn coordinator_crash_blocks_but_stays_safe() {
    let (code, out, _) = run(&[
        "check",
        "two-phase-commit",
        "-p",
        "shards=2",
        "--crashes",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let lines = json_lines(&out);
    let status = |name: &str| {
        all(&lines, "property")
            .into_iter()
            .find(|p| p["name"] == name)
            .map(|p| p["status"].clone())
    };
    assert_eq!(status("deadlock_freedom"), Some("violated".into()));
    assert_eq!(status("atomicity"), Some("holds".into()));

    let (code, _) = summary(&[
        "check",
        "two-phase-commit",
        "-p",
        "shards=2",
        "--crashes",
        "1",
        "--crash-mode",
        "recover",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (&["check", "no-such-model"], "unknown model 'no-such-model'"),
        (
            &["check", "tla-two-phase", "-p", "rms=0"],
            "from 1 to 12, not '0'",
        ),
        (&["check", "tla-two-phase", "-p", "rms=abc"], "not 'abc'"),
        (
            &["check", "tla-two-phase", "-p", "nope=1"],
            "unknown parameter 'nope'",
        ),
        (&["check", "tla-two-phase", "-p", "rms"], "key=value"),
        (
            &["check", "tla-two-phase", "--variant", "nope"],
            "unknown variant 'nope'",
        ),
        (
            &["check", "tla-two-phase", "--loss", "1"],
            "not on the world kernel",
        ),
        (
            &["check", "two-phase-commit", "--delta", "2"],
            "needs --time clocked",
        ),
        (
            &["check", "two-phase-commit", "--loss", "99"],
            "--loss must be from 0 to 6",
        ),
        (
            &["check", "tla-two-phase", "--format", "xml"],
            "possible values: human, json",
        ),
        (&["frobnicate"], "unrecognized subcommand"),
    ];
    for (args, needle) in cases {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: stdout must stay clean");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn list_shows_every_model() {
    let (code, out, _) = run(&["list", "--format", "json"]);
    assert_eq!(code, 0);
    let lines = json_lines(&out);
    assert_eq!(first(&lines, "begin")["schema_version"], 1);
    let names: Vec<_> = all(&lines, "model")
        .into_iter()
        .map(|m| m["name"].as_str().unwrap_or_default().to_string())
        .collect();
    for expected in [
        "tla-tcommit",
        "tla-two-phase",
        "tla-2pc-btm",
        "tla-paxos-commit",
        "two-phase-commit",
        "backup-tm",
        "three-phase-commit",
        "paxos-commit",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
}

#[test]
fn symmetry_counts_exact_orbits() {
    // PROTOCOLS.md §7.1: TwoPhase orbits under RM permutation are 12, 34, 80, 166, 314 for
    // N = 1..5 (stateright's sort-based canonicaliser gives 665 at N = 5; ours is exact).
    for (rms, orbits) in [("1", 12), ("2", 34), ("3", 80), ("4", 166), ("5", 314)] {
        let p = format!("rms={rms}");
        let (code, s) = summary(&[
            "check",
            "tla-two-phase",
            "-p",
            &p,
            "--symmetry",
            "--format",
            "json",
        ]);
        assert_eq!(code, 0);
        assert_eq!(s["distinct_states"], orbits, "rms={rms}");
        assert_eq!(s["symmetry"], true);
    }
}
