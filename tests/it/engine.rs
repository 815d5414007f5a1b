//! The exploration engine: counts agree across strategies, thread counts and stateright's
//! checker; BFS counterexamples are the true minima and do not depend on the thread count; each
//! bound stops the run, exits 3 and names itself.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use stateright::Expectation;
use xshard::engine::{self, Engine, EngineError, EngineKind, Report, Status, Strategy};
use xshard::run::RunError;
use xshard::Registry;
use xshard_models::kernel::KernelOverrides;
use xshard_models::tla::two_phase::{self, TwoPhase};
use xshard_models::{Checkable, Config, ModelEntry, Request};

use crate::helpers::{first, json_lines, run, xshard};

/// TLA+'s TwoPhase, typed, for the tests that look inside its states.
fn two_phase(req: &Request) -> TwoPhase {
    let r = Registry::builtin()
        .resolve("tla-two-phase", req)
        .expect("a valid request");
    let entry = two_phase::Entry;
    let variant = entry
        .variants()
        .into_iter()
        .find(|v| v.name == r.variant)
        .expect("a registered variant")
        .value;
    entry
        .build(&Config::new(variant, &r))
        .expect("TwoPhase builds")
}

fn opts(engine: EngineKind, strategy: Strategy, threads: usize, symmetry: bool) -> Engine {
    Engine::new()
        .kind(engine)
        .strategy(strategy)
        .threads(threads)
        .symmetry(symmetry)
}

/// The request the cross-engine comparison runs for `model`: its defaults, made smaller where
/// they take more than a moment in a debug build (2PC's third shard, locking's lost message,
/// Paxos Commit's second shard),
/// since the comparison runs every variant under six engines and twice (Paxos Commit's two
/// instances too); the defaults
/// themselves are pinned in `protocols_a.rs` and gated in release by `xshard.toml`.
fn comparison_request(model: &str, variant: &str) -> Request {
    let req = Request::new().variant(variant);
    match model {
        "two-phase-commit" => req.param("shards", 2),
        "locking" => req.kernel(KernelOverrides::new().with("loss", 0)),
        // One instance (1,461 states) rather than TLC's two (1,321,761): the full size is
        // pinned under every engine in `cli_check.rs`.
        "tla-paxos-commit" => req.param("rms", 1),
        // One shard (16,398 states at the defaults) rather than two (466,635; its variants up
        // to 1,237,328): the defaults are pinned in `paxos_commit.rs`.
        "paxos-commit" => req.param("shards", 1),
        // One session (1,751 states at the default): the ablations' replay-2 defaults reach
        // 910,587; every default is pinned in `replay_attacks.rs`.
        "byzcuit" => req.param("submissions", 1),
        _ => req,
    }
}

/// Runs one model under several engines and hands back the reports (`None`: refused because
/// stateright's checker cannot reduce this model by symmetry).
fn reports(model: &str, variant: &str, opts: &[Engine]) -> Vec<Option<Report>> {
    let registry = Registry::builtin();
    let r = registry
        .resolve(model, &comparison_request(model, variant))
        .expect("a registered variant");
    let built = registry.build(&r).expect("registered model builds");
    opts.iter()
        .map(|o| match built.check(o) {
            Ok(r) => Some(r),
            Err(EngineError::StaterightSymmetry) => None,
            Err(e) => panic!("{o:?}: {}", RunError::from(e)),
        })
        .collect()
}

fn hits(r: &Report) -> Vec<(&'static str, bool)> {
    // stateright's checker cannot judge progress (always inconclusive there): compared
    // separately, among xshard's engines.
    r.properties
        .iter()
        .filter(|p| p.kind != xshard::Kind::Progress)
        .map(|p| {
            (
                p.name,
                matches!(p.status, Status::Violated | Status::Witnessed),
            )
        })
        .collect()
}

#[test]
fn every_model_and_variant_counts_the_same_everywhere() {
    use EngineKind::{Stateright, Xshard};
    use Strategy::{Bfs, Dfs};
    for info in Registry::builtin().listings() {
        for variant in &info.variants {
            for symmetry in [false, true] {
                let configs = [
                    opts(Xshard, Bfs, 1, symmetry),
                    opts(Xshard, Bfs, 2, symmetry),
                    opts(Xshard, Dfs, 1, symmetry),
                    opts(Xshard, Dfs, 2, symmetry),
                    opts(Stateright, Dfs, 1, symmetry),
                    opts(Stateright, Dfs, 2, symmetry),
                ];
                let got = reports(info.name, variant.name, &configs);
                let base = got[0].as_ref().expect("xshard BFS always runs");
                let what = format!("{} {} symmetry={symmetry}", info.name, variant.name);
                assert_eq!(base.stopped_by, None, "{what}");
                for (cfg, r) in configs.iter().zip(&got) {
                    let Some(r) = r else {
                        // Only stateright with symmetry may be refused, and only for a model
                        // without a stateright symmetry function.
                        assert!(
                            cfg.settings().kind == Stateright && symmetry,
                            "{what}: {cfg:?}"
                        );
                        continue;
                    };
                    let s = cfg.settings();
                    let label = format!("{what}: {:?} {:?} t{}", s.kind, s.strategy, s.threads);
                    assert_eq!(r.stopped_by, None, "{label}");
                    assert_eq!(
                        r.stats.distinct_states, base.stats.distinct_states,
                        "{label}: distinct states"
                    );
                    if !symmetry {
                        assert_eq!(
                            r.stats.generated_states, base.stats.generated_states,
                            "{label}: generated states"
                        );
                    }
                    assert_eq!(hits(r), hits(base), "{label}: verdicts");
                    if s.kind == xshard::engine::EngineKind::Xshard {
                        let progress = |r: &Report| -> Vec<_> {
                            r.properties
                                .iter()
                                .map(|p| (p.status, p.stuck_states))
                                .collect()
                        };
                        assert_eq!(progress(r), progress(base), "{label}: progress");
                    }
                    assert_eq!(r.stats.symmetry, symmetry, "{label}");
                }
                // BFS: identical paths (all properties) with one and two threads.
                let paths = |r: &Report| -> Vec<Option<Vec<usize>>> {
                    r.properties.iter().map(|p| p.path.clone()).collect()
                };
                let bfs2 = got[1].as_ref().expect("xshard BFS always runs");
                assert_eq!(
                    paths(base),
                    paths(bfs2),
                    "{what}: BFS paths, 1 vs 2 threads"
                );
            }
        }
    }
}

/// An independent brute-force search: a plain FIFO breadth-first search over whole states (no
/// fingerprints, no symmetry), trying actions in index order and keeping each state's first
/// discovery. For every property it returns the path to the first state, in that order, that
/// hits it: the shortest, and among the shortest the lexicographically smallest encoded path.
fn brute_force<M: Checkable>(model: &M) -> Vec<Option<Vec<usize>>> {
    let props = model.properties();
    let mut found: Vec<Option<Vec<usize>>> = vec![None; props.len()];
    let mut parent: HashMap<M::State, (Option<M::State>, usize)> = HashMap::new();
    let mut queue = VecDeque::new();
    for (i, s) in model.init_states().into_iter().enumerate() {
        if !parent.contains_key(&s) {
            parent.insert(s.clone(), (None, i));
            queue.push_back(s);
        }
    }
    let path_to = |parent: &HashMap<M::State, (Option<M::State>, usize)>, s: &M::State| {
        let mut p = Vec::new();
        let mut cur = s.clone();
        loop {
            let (prev, idx) = parent[&cur].clone();
            p.push(idx);
            match prev {
                Some(prev) => cur = prev,
                None => break,
            }
        }
        p.reverse();
        p
    };
    while let Some(s) = queue.pop_front() {
        for (k, p) in props.iter().enumerate() {
            let c = (p.condition)(model, &s);
            let hit = match p.expectation {
                Expectation::Sometimes => c,
                _ => !c,
            };
            if hit && found[k].is_none() {
                found[k] = Some(path_to(&parent, &s));
            }
        }
        let mut actions = Vec::new();
        model.actions(&s, &mut actions);
        for (a, action) in actions.into_iter().enumerate() {
            if let Some(n) = model.next_state(&s, action) {
                if !parent.contains_key(&n) {
                    parent.insert(n.clone(), (Some(s.clone()), a));
                    queue.push_back(n);
                }
            }
        }
    }
    found
}

/// (brute-force paths, per thread count the BFS paths, BFS-with-symmetry paths).
type Paths = (
    Vec<Option<Vec<usize>>>,
    Vec<Vec<Option<Vec<usize>>>>,
    Vec<Vec<Option<Vec<usize>>>>,
);

fn minimal<M: Checkable>(model: M, threads: &[usize]) -> Paths {
    let truth = brute_force(&model);
    let model = Arc::new(model);
    let run = |threads: usize, symmetry: bool| {
        let r = Engine::new()
            .threads(threads)
            .symmetry(symmetry)
            .check(&model)
            .expect("xshard's engine checks every model");
        let model = &*model;
        for p in &r.properties {
            if let Some(path) = &p.path {
                // Every path replays, and ends where the property is hit.
                let states = engine::replay_path(model, path).expect("the path replays");
                let last = &states.last().expect("a path has a state").0;
                let cond = model
                    .properties()
                    .into_iter()
                    .find(|q| q.name == p.name)
                    .map(|q| (q.condition)(model, last));
                let expect_hit = p.status == Status::Violated;
                assert_eq!(cond, Some(!expect_hit), "{} does not end in a hit", p.name);
            }
        }
        r.properties
            .iter()
            .map(|p| p.path.clone())
            .collect::<Vec<_>>()
    };
    let plain = threads.iter().map(|&t| run(t, false)).collect();
    let sym = threads.iter().map(|&t| run(t, true)).collect();
    (truth, plain, sym)
}

#[test]
fn flawed_two_phase_counterexamples_are_minimal_and_thread_independent() {
    let expected_len = [
        ("commit-without-votes", 3),
        ("abort-after-commit", 10),
        ("revert-after-vote", 9),
        ("forged-vote", 6),
    ];
    for rms in ["3", "4"] {
        for (variant, len3) in expected_len {
            let req = Request::new().variant(variant).param("rms", rms);
            let (truth, plain, sym) = minimal(two_phase(&req), &[1, 2, 3]);
            let what = format!("{variant} rms={rms}");
            // Property 0 is atomicity.
            let atomicity = truth[0].as_ref().expect("the flaw is reachable");
            if rms == "3" {
                assert_eq!(atomicity.len() - 1, len3, "{what}: brute-force minimum");
            }
            for (t, paths) in plain.iter().enumerate() {
                // The same paths as the brute-force search for every property: minimum length
                // and the documented tie-break (lexicographically smallest encoded path).
                assert_eq!(paths, &truth, "{what}: BFS with {} thread(s)", t + 1);
            }
            for paths in &sym {
                assert_eq!(
                    paths, &sym[0],
                    "{what}: symmetric BFS differs by thread count"
                );
                for (p, t) in paths.iter().zip(&truth) {
                    assert_eq!(
                        p.as_ref().map(Vec::len),
                        t.as_ref().map(Vec::len),
                        "{what}: symmetry changed a minimum length"
                    );
                }
            }
        }
    }
}

#[test]
fn bfs_paths_are_identical_across_runs_and_thread_counts_on_a_larger_model() {
    let args = |t: &str| {
        vec![
            "check".to_string(),
            "tla-two-phase".into(),
            "--variant".into(),
            "revert-after-vote".into(),
            "-p".into(),
            "rms=5".into(),
            "--threads".into(),
            t.into(),
            "--format".into(),
            "json".into(),
        ]
    };
    let paths = |t: &str| {
        let a = args(t);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (code, out, _) = run(&a);
        assert_eq!(code, 1);
        json_lines(&out)
            .into_iter()
            .filter(|l| l["type"] == "property")
            .map(|l| l["data"]["path"].clone())
            .collect::<Vec<_>>()
    };
    let one = paths("1");
    for t in ["2", "2", "4"] {
        assert_eq!(paths(t), one, "--threads {t}");
    }
}

fn summary_of(args: &[&str]) -> (i32, serde_json::Value, String) {
    let (code, out, err) = run(args);
    let lines = json_lines(&out);
    (code, first(&lines, "summary").clone(), err)
}

#[test]
fn each_bound_exits_3_and_names_itself() {
    let engines: [&[&str]; 4] = [
        &["--strategy", "bfs", "--threads", "1"],
        &["--strategy", "dfs", "--threads", "2"],
        &["--strategy", "bfs", "--threads", "2"],
        &["--engine", "stateright", "--threads", "1"],
    ];
    for engine in engines {
        let cases: [(&[&str], &str); 4] = [
            (&["-p", "rms=6", "--max-states", "100"], "max_states"),
            (&["-p", "rms=3", "--max-depth", "4"], "max_depth"),
            (&["-p", "rms=12", "--timeout", "1"], "timeout"),
            (&["-p", "rms=12", "--max-memory", "1M"], "max_memory"),
        ];
        for (bound, name) in cases {
            let mut args = vec!["check", "tla-two-phase", "--format", "json"];
            args.extend_from_slice(bound);
            args.extend_from_slice(engine);
            let start = Instant::now();
            let (code, s, err) = summary_of(&args);
            assert_eq!(code, 3, "{args:?}: {err}");
            assert_eq!(s["stopped_by"], name, "{args:?}");
            assert_eq!(s["verdict"], "inconclusive", "{args:?}");
            assert!(s["distinct_states"].as_u64().unwrap_or(0) > 0, "{args:?}");
            if name == "timeout" {
                assert!(
                    start.elapsed() < Duration::from_secs(5),
                    "{args:?}: slow timeout"
                );
            }
        }
    }
    // The human output names the flag.
    let (code, out, _) = run(&["check", "tla-two-phase", "--max-states", "10"]);
    assert_eq!(code, 3);
    assert!(out.contains("stopped by --max-states"), "{out}");
}

#[test]
fn a_depth_bound_that_cuts_nothing_still_holds() {
    // rms=3 has depth 11: a bound of 11 explores everything (inclusive), 10 does not.
    for extra in [
        &["--strategy", "bfs"][..],
        &["--strategy", "dfs"],
        &["--threads", "2"],
    ] {
        let mut args = vec![
            "check",
            "tla-two-phase",
            "--format",
            "json",
            "--max-depth",
            "11",
        ];
        args.extend_from_slice(extra);
        let (code, s, _) = summary_of(&args);
        assert_eq!((code, &s["distinct_states"]), (0, &288.into()), "{args:?}");
        args[5] = "10";
        let (code, s, _) = summary_of(&args);
        assert_eq!(
            (code, &s["stopped_by"]),
            (3, &"max_depth".into()),
            "{args:?}"
        );
    }
}

#[test]
fn ctrl_c_prints_the_partial_summary_and_exits_3() {
    for engine in ["xshard", "stateright"] {
        let mut cmd = std::process::Command::new(xshard().get_program());
        cmd.args([
            "check",
            "tla-two-phase",
            "-p",
            "rms=12",
            "--engine",
            engine,
            "--format",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().expect("xshard starts");
        std::thread::sleep(Duration::from_millis(700));
        let status = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let out = child.wait_with_output().expect("xshard ends");
        assert_eq!(out.status.code(), Some(3), "{engine}");
        let lines = json_lines(&String::from_utf8_lossy(&out.stdout));
        let s = first(&lines, "summary");
        assert_eq!(s["stopped_by"], "interrupted", "{engine}");
        assert_eq!(s["verdict"], "inconclusive", "{engine}");
    }
}

#[test]
fn summary_reports_memory_and_engine() {
    let (code, s, _) = summary_of(&[
        "check",
        "tla-two-phase",
        "-p",
        "rms=5",
        "--engine",
        "stateright",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(s["engine"], "stateright");
    assert_eq!(s["strategy"], "dfs");
    assert_eq!(s["distinct_states"], 8832);
    assert!(s["bytes_per_state"].is_number() || s["bytes_per_state"].is_null());
    let (code, s, _) = summary_of(&[
        "check",
        "tla-two-phase",
        "-p",
        "rms=5",
        "--symmetry",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(s["symmetry"], true);
    assert!(s["distinct_states"].as_u64().unwrap_or(0) < 8832);
    let (code, out, _) = run(&["check", "tla-two-phase", "-p", "rms=5", "--symmetry"]);
    assert_eq!(code, 0);
    assert!(out.contains("(up to symmetry)"), "{out}");
    assert!(out.contains("bytes per distinct state"), "{out}");
}

#[test]
fn stateright_symmetry_needs_a_symmetry_function() {
    let (code, out, err) = run(&[
        "check",
        "two-phase-commit",
        "--engine",
        "stateright",
        "--symmetry",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("no symmetry function"), "{err}");
    // The CLI names the flags to change (the engine's own message names no flags).
    assert!(
        err.contains("run --symmetry with --engine xshard, or --engine stateright without it"),
        "{err}"
    );
}

#[test]
fn bad_sizes_are_usage_errors() {
    for bad in ["0", "12Q", "lots"] {
        let (code, _, err) = run(&["check", "tla-two-phase", "--max-memory", bad]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

/// The brute force itself is pinned against TLC's numbers, so the minimality test compares
/// against something trustworthy.
#[test]
fn brute_force_agrees_with_tlc() {
    fn count<M: Checkable>(model: M) -> usize {
        let mut seen = std::collections::HashSet::new();
        let mut queue: VecDeque<M::State> = model.init_states().into();
        for s in &queue {
            seen.insert(s.clone());
        }
        while let Some(s) = queue.pop_front() {
            let mut actions = Vec::new();
            model.actions(&s, &mut actions);
            for a in actions {
                if let Some(n) = model.next_state(&s, a) {
                    if seen.insert(n.clone()) {
                        queue.push_back(n);
                    }
                }
            }
        }
        seen.len()
    }
    let req = Request::new().param("rms", 4);
    assert_eq!(count(two_phase(&req)), 1568);
}
