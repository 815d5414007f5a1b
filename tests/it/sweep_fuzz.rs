//! `xshard sweep` and `xshard fuzz`: shrinking to exact configurations and lengths,
//! determinism, the regressions file, exit codes and gate entries.

use std::path::Path;

use serde_json::Value;

use crate::helpers::{all, first, json_lines, run, xshard};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs `xshard ARGS --format json --render none --threads 1` in `dir` (files under
/// `dir/out`); returns (exit code, JSON lines, stdout).
fn json_in(dir: &Path, args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = xshard()
        .current_dir(dir)
        .args(args)
        .args([
            "--format",
            "json",
            "--render",
            "none",
            "--threads",
            "1",
            "--out",
            "out",
        ])
        .output()
        .expect("xshard runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert_ne!(
        code,
        2,
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, json_lines(&stdout), stdout)
}

/// Each `counterexample` line's property and number of steps, in output order.
fn lengths(lines: &[Value]) -> Vec<(String, usize)> {
    all(lines, "counterexample")
        .iter()
        .map(|c| {
            (
                c["property"].as_str().unwrap_or("").to_string(),
                c["steps"].as_array().map_or(0, Vec::len),
            )
        })
        .collect()
}

const SWEEP_2PC: &[&str] = &[
    "sweep",
    "two-phase-commit",
    "--variant",
    "revert-after-vote",
    "--cases",
    "32",
];

#[test]
fn sweep_shrinks_revert_after_vote_to_two_shards_without_faults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, lines, _) = json_in(dir.path(), SWEEP_2PC);
    assert_eq!(code, 1);
    let begin = first(&lines, "begin");
    assert_eq!(begin["command"], "sweep");
    let dims: Vec<String> = begin["dimensions"]
        .as_array()
        .expect("dimensions")
        .iter()
        .map(|d| format!("{}={}", d["name"].as_str().unwrap_or(""), d["values"]))
        .collect();
    assert!(
        dims[0].starts_with("shards=[\"1\",\"2\",\"3\",\"4\",\"5\"]"),
        "{dims:?}"
    );
    assert!(dims.contains(&"loss=[\"0\",\"1\"]".to_string()), "{dims:?}");
    assert!(
        dims.contains(&"transactions=[\"1\",\"2\",\"3\"]".to_string()),
        "{dims:?}"
    );
    assert!(
        dims.contains(&"conflict=[\"0\",\"1\"]".to_string()),
        "{dims:?}"
    );
    let f = first(&lines, "sweep_failure");
    // The first failing case has two conflicting transactions; one is enough.
    let first_failing = &f["first"]["values"];
    assert_eq!(
        (&first_failing["transactions"], &first_failing["conflict"]),
        (&serde_json::json!("2"), &serde_json::json!("1")),
        "{f}"
    );
    let smallest = &f["smallest"]["values"];
    assert_eq!(smallest["shards"], "2");
    assert_eq!(smallest["transactions"], "1");
    assert_eq!(smallest["conflict"], "0");
    assert_eq!(smallest["network"], "ordered");
    assert_eq!(smallest["loss"], "0");
    assert_eq!(smallest["replay"], "0");
    assert_eq!(smallest["crashes"], "0");
    assert_eq!(
        f["violates"],
        serde_json::json!(["atomicity", "timeout_revert"])
    );
    assert_eq!(
        f["check"],
        "xshard check two-phase-commit --variant revert-after-vote -p shards=2 --network ordered --loss 0 --replay 0 --crashes 0"
    );
    assert_eq!(
        lengths(&lines),
        [
            ("atomicity".to_string(), 8),
            ("timeout_revert".to_string(), 8)
        ]
    );
    let summary = first(&lines, "sweep_summary");
    assert_eq!(summary["verdict"], "violated");
    assert!(
        summary["rerun"]
            .as_str()
            .is_some_and(|r| r.ends_with("--cases 32 --seed 0 --max-states 100000")),
        "{summary}"
    );
    // The counterexample files are written and replay.
    let json = dir.path().join(
        all(&lines, "counterexample")[0]["files"]["json"]
            .as_str()
            .expect("a file"),
    );
    let (code, _, err) = run(&["replay", s(&json)]);
    assert_eq!(code, 1, "{err}");
}

/// Two locking transactions deadlock only when the network reorders their lock requests;
/// three do under FIFO too. The first failing case here is three transactions on ordered
/// channels, where no single step down fails: the trade step (one transaction fewer for an
/// unordered network) reaches the two-transaction, two-resource configuration, no faults.
#[test]
fn sweep_finds_the_two_transaction_two_resource_deadlock_of_locking_without_timeouts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, lines, _) = json_in(dir.path(), &["sweep", "locking", "--variant", "no-timeout"]);
    assert_eq!(code, 1);
    let f = first(&lines, "sweep_failure");
    let first_case = &f["first"]["values"];
    assert_eq!(first_case["transactions"], "3", "{f}");
    assert_eq!(first_case["network"], "ordered", "{f}");
    let smallest = &f["smallest"]["values"];
    assert_eq!(smallest["transactions"], "2", "{f}");
    assert_eq!(smallest["resources"], "2", "{f}");
    assert_eq!(smallest["readers"], "0", "{f}");
    assert_eq!(smallest["network"], "unordered", "{f}");
    for fault in ["loss", "replay", "crashes", "partitions"] {
        assert_eq!(smallest[fault], "0", "{fault}: {f}");
    }
    assert_eq!(
        f["check"],
        "xshard check locking --variant no-timeout -p pattern=1 -p readers=0 -p resources=2 -p transactions=2 --network unordered --loss 0 --replay 0 --crashes 0"
    );
    assert_eq!(
        lengths(&lines),
        [
            ("deadlock_freedom".to_string(), 6),
            ("progress".to_string(), 2)
        ]
    );
}

/// A configuration outside the protocol's declared failure model is drawn but not checked:
/// Paxos Commit with `f = 0` and a crash-stop (2PC, which blocks) and 2PC with a backup TM
/// that may crash for good block by design, so sweeping the correct defaults finds no
/// violation, and says how many configurations it left out. The flawed variants still fail.
#[test]
fn sweep_leaves_configurations_outside_the_failure_model_unchecked() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (model, outside) in [("paxos-commit", 5), ("backup-tm", 1)] {
        let (code, lines, _) = json_in(dir.path(), &["sweep", model]);
        assert_eq!(code, 3, "{model}: no violation; some cases hit the budget");
        assert!(all(&lines, "sweep_failure").is_empty(), "{model}");
        let s = first(&lines, "sweep_summary");
        assert_eq!(s["verdict"], "inconclusive", "{model}: {s}");
        assert_eq!(s["outside_failure_model"], outside, "{model}: {s}");
    }
    let (code, _, _) = json_in(
        dir.path(),
        &["sweep", "paxos-commit", "--variant", "minority-quorum"],
    );
    assert_eq!(code, 1);
}

/// Every file under `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("inside").display().to_string();
                out.push((rel, std::fs::read(&p).expect("readable")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_same_seed_gives_byte_identical_output_and_files() {
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let sweep = [SWEEP_2PC, &["--seed", "7"]].concat();
    let (_, _, out_a) = json_in(a.path(), &sweep);
    let (_, _, out_b) = json_in(b.path(), &sweep);
    assert_eq!(out_a, out_b);
    let fuzz = [
        "fuzz",
        "tla-two-phase",
        "--variant",
        "revert-after-vote",
        "--walks",
        "200",
        "--seed",
        "3",
    ];
    let (_, _, fa) = json_in(a.path(), &fuzz);
    let (_, _, fb) = json_in(b.path(), &fuzz);
    assert_eq!(fa, fb);
    let (files_a, files_b) = (files(&a.path().join("out")), files(&b.path().join("out")));
    assert!(
        files_a.len() >= 5,
        "{:?}",
        files_a.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(files_a, files_b);
}

#[test]
fn the_regressions_file_is_replayed_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, lines, _) = json_in(dir.path(), SWEEP_2PC);
    assert_eq!(first(&lines, "begin")["replayed"], 0);
    assert_eq!(first(&lines, "sweep_failure")["from_regression"], false);
    let file = dir
        .path()
        .join("out/two-phase-commit/revert-after-vote.sweep-regressions");
    let text = std::fs::read_to_string(&file).expect("the regressions file is written");
    let seeds: Vec<&str> = text.lines().filter(|l| l.starts_with("seed ")).collect();
    assert_eq!(seeds.len(), 1, "{text}");
    assert!(
        seeds[0].ends_with("# xshard check two-phase-commit --variant revert-after-vote -p shards=2 --network ordered --loss 0 --replay 0 --crashes 0"),
        "{text}"
    );
    // Another seed: the replayed one fails first, before any new case is drawn.
    let again = [SWEEP_2PC, &["--seed", "99"]].concat();
    let (code, lines, _) = json_in(dir.path(), &again);
    assert_eq!(code, 1);
    assert_eq!(first(&lines, "begin")["replayed"], 1);
    let f = first(&lines, "sweep_failure");
    assert_eq!(f["from_regression"], true);
    assert_eq!(f["smallest"]["values"]["shards"], "2");
    assert_eq!(first(&lines, "sweep_summary")["checked"], 1);
    // Nothing new was found, so the file is unchanged.
    assert_eq!(std::fs::read_to_string(&file).expect("still there"), text);
}

/// The shortest counterexample `check` finds for `property`.
fn bfs_length(args: &[&str], property: &str) -> u64 {
    let c = crate::helpers::check(args[0], &args[1..]);
    c.props
        .iter()
        .find(|p| p.0 == property)
        .and_then(|p| p.2)
        .expect("violated")
}

#[test]
fn fuzz_shrinks_a_violating_walk_to_the_breadth_first_length() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (config, walks, seed) in [
        (
            &["tla-two-phase", "--variant", "revert-after-vote"][..],
            "1000",
            "0",
        ),
        (
            &[
                "two-phase-commit",
                "--variant",
                "revert-after-vote",
                "-p",
                "shards=2",
                "--loss",
                "0",
            ][..],
            "5000",
            "1",
        ),
    ] {
        let args = [&["fuzz"], config, &["--walks", walks, "--seed", seed]].concat();
        let (code, lines, _) = json_in(dir.path(), &args);
        assert_eq!(code, 1, "{args:?}");
        let v = first(&lines, "fuzz_violation");
        assert_eq!(v["property"], "atomicity");
        assert_eq!(v["confirmed"], true);
        let want = bfs_length(config, "atomicity");
        assert_eq!(v["shrunk_steps"], want, "{v}");
        assert_eq!(v["shortest"], want, "{v}");
        assert!(v["first_steps"].as_u64() >= Some(want), "{v}");
        assert_eq!(first(&lines, "fuzz_summary")["status"], "violated");
    }
}

/// Issue 12's configuration too large to exhaust: 5 shards with a loss budget of 2 (an
/// exhaustive search, even up to symmetry, is not done after 60 s). Uniform walks spend their
/// steps losing messages and find nothing in 2,000,000 walks; swarm walks (loss switched off
/// in half of them) find the violation, shrink it to 17 actions, and the search bounded by 17
/// steps, up to symmetry, confirms 17 as the shortest: 3 steps per shard plus 2, as
/// breadth-first search gives at 2, 3 and 4 shards (8, 11, 14). Release only (a minute of
/// CPU): `.ci/run` runs it with `--ignored`.
#[test]
#[ignore = "a minute in release: .ci/run runs it with --ignored"]
fn fuzz_finds_and_shrinks_a_violation_in_a_configuration_too_large_to_exhaust() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = [
        "two-phase-commit",
        "--variant",
        "revert-after-vote",
        "-p",
        "shards=5",
        "--loss",
        "2",
    ];
    let args = [
        &["fuzz"][..],
        &config,
        &[
            "--walks",
            "2000000",
            "--seed",
            "1",
            "--max-states",
            "10000000",
        ],
    ]
    .concat();
    let (code, lines, _) = json_in(dir.path(), &args);
    assert_eq!(code, 1, "{args:?}");
    let v = first(&lines, "fuzz_violation");
    assert_eq!(v["property"], "atomicity");
    assert_eq!(v["walk"], 163_520, "{v}");
    assert_eq!(v["shrunk_steps"], 17, "{v}");
    assert_eq!(v["confirmed"], true, "{v}");
    assert_eq!(v["shortest"], 17, "{v}");
    assert_eq!(v["confirm_symmetry"], true, "{v}");
    assert_eq!(v["confirm_distinct_states"], 4_746_094, "{v}");
    for (shards, want) in [(2, 8), (3, 11), (4, 14)] {
        let p = format!("shards={shards}");
        let smaller = [
            "two-phase-commit",
            "--variant",
            "revert-after-vote",
            "-p",
            &p,
            "--loss",
            "0",
        ];
        assert_eq!(bfs_length(&smaller, "atomicity"), want, "{p}");
    }
}

#[test]
fn fuzz_on_a_correct_model_reports_no_violation_found_with_exit_code_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = [
        "fuzz",
        "two-phase-commit",
        "-p",
        "shards=2",
        "--walks",
        "50",
        "--depth",
        "20",
    ];
    let (code, lines, _) = json_in(dir.path(), &args);
    assert_eq!(code, 3);
    let sum = first(&lines, "fuzz_summary");
    assert_eq!(sum["status"], "no_violation_found");
    assert_eq!(sum["message"], "no violation found in 50 walks of depth 20");
    assert_eq!(sum["walks_run"], 50);
    assert!(all(&lines, "fuzz_violation").is_empty());
    let (code, out, _) = run(&args);
    assert_eq!(code, 3);
    let last = out.lines().last().expect("a verdict line");
    assert!(
        last.starts_with("verdict: no violation found in 50 walks of depth 20 (not a proof); rerun: xshard fuzz two-phase-commit --variant default -p shards=2"),
        "{last}"
    );
    assert!(last.ends_with("--walks 50 --depth 20 --seed 0"), "{last}");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    for (args, needle) in [
        (&["sweep", "nope"][..], "unknown model 'nope'"),
        (
            &["sweep", "two-phase-commit", "-p", "shards=9"][..],
            "parameter 'shards' must be a whole number from 1 to 5",
        ),
        (
            &["sweep", "two-phase-commit", "--variant", "x"][..],
            "unknown variant 'x'",
        ),
        (
            &["sweep", "tla-two-phase", "--loss", "1"][..],
            "--loss does not apply",
        ),
        (
            &["sweep", "two-phase-commit", "--cases", "0"][..],
            "--cases",
        ),
        (&["fuzz", "two-phase-commit", "--walks", "0"][..], "--walks"),
        (&["fuzz", "two-phase-commit", "--depth", "x"][..], "--depth"),
        (&["fuzz", "locking", "-p", "reader"][..], "key=value"),
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn sweep_and_fuzz_entries_of_a_suite_appear_in_junit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = dir.path().join("s.toml");
    std::fs::write(
        &suite,
        r#"
[[check]]
model = "two-phase-commit"
variant = "revert-after-vote"
sweep = { cases = 32, seed = 0 }
expect = { violates = ["atomicity", "timeout_revert"] }

[[check]]
model = "tla-two-phase"
variant = "revert-after-vote"
fuzz = { walks = 1000, depth = 30, seed = 0 }
expect = { violates = ["atomicity"] }

[[check]]
model = "tla-two-phase"
fuzz = { walks = 20, depth = 10 }
expect = "holds"
"#,
    )
    .expect("written");
    let junit = dir.path().join("j.xml");
    let out = dir.path().join("out");
    let (code, stdout, err) = run(&["gate", s(&suite), "--out", s(&out), "--junit", s(&junit)]);
    assert_eq!(code, 0, "{stdout}{err}");
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    for name in [
        "two-phase-commit/revert-after-vote sweep cases=32 seed=0",
        "tla-two-phase/revert-after-vote fuzz walks=1000 depth=30 seed=0",
        "tla-two-phase/default fuzz walks=20 depth=10 seed=0",
    ] {
        assert!(
            xml.contains(&format!("name=\"{name}\"")),
            "{name} missing from\n{xml}"
        );
    }
    // The correct model's fuzz run is never a pass: its properties are skipped with the status.
    assert!(
        xml.contains("no violation found in 20 walks of depth 10"),
        "{xml}"
    );
    // A sweep entry expecting what the smallest failing configuration does not do fails, and
    // its message ends with the sweep command that reproduces it.
    std::fs::write(
        &suite,
        "[[check]]\nmodel = \"two-phase-commit\"\nvariant = \"revert-after-vote\"\nsweep = { cases = 32 }\nexpect = { violates = [\"atomicity\"] }\n",
    )
    .expect("written");
    let (code, stdout, _) = run(&["gate", s(&suite), "--out", s(&out)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("Reproduce: xshard sweep two-phase-commit --variant revert-after-vote --cases 32 --seed 0 --max-states 100000"),
        "{stdout}"
    );
    std::fs::write(
        &suite,
        "[[check]]\nmodel = \"tla-two-phase\"\nsweep = {}\nfuzz = {}\nexpect = \"holds\"\n",
    )
    .expect("written");
    let (code, _, err) = run(&["gate", s(&suite)]);
    assert_eq!(code, 2);
    assert_eq!(
        err.trim(),
        format!(
            "error: {}:4: a check is a sweep or a fuzz run, not both: keep one of `sweep` and `fuzz`",
            s(&suite)
        )
    );
}

#[test]
fn sweep_and_fuzz_help_end_with_their_exit_codes() {
    for (sub, table) in [
        ("sweep", xshard::exit::SWEEP_TABLE),
        ("fuzz", xshard::exit::FUZZ_TABLE),
    ] {
        let (code, out, _) = run(&[sub, "--help"]);
        assert_eq!(code, 0);
        assert!(out.trim_end().ends_with(table), "{sub}:\n{out}");
    }
    assert!(xshard::exit::FUZZ_TABLE.contains("3  no violation found in N walks of depth D"));
    assert!(!xshard::exit::FUZZ_TABLE.contains("  0  "));
}
