//! Settings that do nothing are refused (exit 2) or noted: crashes, symmetry, loss and replay
//! on every kernel model, pinned with and without each.

use xshard::models::kernel::KernelOverrides;
use xshard::run::{self, RunError};
use xshard::KernelConfig;
use xshard::{
    Config, ConfigError, Effects, Engine, ModelEntry, ModelInfo, NodeId, Observation, Property,
    Protocol, Registry, Request, VariantSpec, World,
};

use crate::helpers::{all, first, json_lines, run};

/// (exit code, distinct states, failed properties, each property's counterexample length).
fn check(args: &[&str]) -> (i32, u64, Vec<String>, Vec<(String, Option<u64>)>) {
    let mut a = vec!["check"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json", "--render", "none", "--out"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_string_lossy().into_owned();
    a.push(&out);
    let (code, stdout, stderr) = run(&a);
    let lines = json_lines(&stdout);
    assert!(!lines.is_empty(), "{args:?}: {stderr}");
    let s = first(&lines, "summary");
    let props = all(&lines, "property");
    let failed = props
        .iter()
        .filter(|p| p["status"] == "violated" || p["status"] == "unwitnessed")
        .map(|p| p["name"].as_str().unwrap_or_default().to_string())
        .collect();
    let lengths = props
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["length"].as_u64(),
            )
        })
        .collect();
    (
        code,
        s["distinct_states"].as_u64().unwrap_or(0),
        failed,
        lengths,
    )
}

#[test]
fn crashes_change_every_kernel_model() {
    // (model, distinct states with crashes 0 / crashes 1 stop / crashes 1 recover, what
    // fails with crash-stop, what fails with crash-recover, the crash-recover exit code). A
    // node that stays crashed can never decide what it holds, so crash-stop breaks `progress`
    // wherever a crashable node holds something. Each model runs with the faults of its
    // defaults set to those these counts were pinned at (a bare model name: its defaults), so
    // that only the crash setting differs between the three runs.
    let cases: &[(&str, [u64; 3], &[&str], &[&str], i32)] = &[
        (
            "two-phase-commit -p shards=2",
            [3125, 6250, 13304],
            &["deadlock_freedom", "progress"],
            &[],
            0,
        ),
        (
            "locking --loss 0",
            [94355, 377_420, 471_775],
            &["deadlock_freedom", "progress"],
            &[],
            0,
        ),
        (
            "train-hotel --replay 0",
            [234, 1002, 1412],
            &["progress", "timeout_revert"],
            &["progress", "timeout_revert"],
            1,
        ),
        ("yanking --loss 0", [54, 162, 248], &[], &[], 0),
        ("receipts", [323, 969, 1292], &["progress"], &[], 0),
        ("merge-blocks", [17, 51, 68], &["progress"], &[], 0),
    ];
    for (model, counts, stop, recover, recover_code) in cases {
        let base: Vec<&str> = model.split(' ').collect();
        let with = |extra: &[&'static str]| -> Vec<&str> {
            base.iter().copied().chain(extra.iter().copied()).collect()
        };
        let (code, n, failed, _) = check(&base);
        assert_eq!((code, n, failed.len()), (0, counts[0], 0), "{model}");
        let (code, n, mut failed, _) = check(&with(&["--crashes", "1"]));
        failed.sort();
        assert_eq!(
            (n, &failed[..]),
            (
                counts[1],
                &stop.iter().map(|s| s.to_string()).collect::<Vec<_>>()[..]
            ),
            "{model} crash-stop"
        );
        assert_eq!(code, if stop.is_empty() { 0 } else { 1 }, "{model}");
        let (code, n, mut failed, _) = check(&with(&["--crashes", "1", "--crash-mode", "recover"]));
        failed.sort();
        assert_eq!(
            (n, &failed[..]),
            (
                counts[2],
                &recover.iter().map(|s| s.to_string()).collect::<Vec<_>>()[..]
            ),
            "{model} crash-recover"
        );
        assert_eq!(code, *recover_code, "{model}");
    }
}

#[test]
fn symmetry_reduces_and_keeps_every_verdict_and_length() {
    // (model, extra settings, distinct states without / with symmetry).
    let cases: &[(&str, &[&str], [u64; 2])] = &[
        ("two-phase-commit", &["-p", "shards=2"], [3125, 1599]),
        (
            "two-phase-commit",
            &["-p", "shards=2", "--crashes", "1"],
            [6250, 3198],
        ),
        (
            "two-phase-commit",
            &[
                "-p",
                "shards=2",
                "--crashes",
                "1",
                "--crash-mode",
                "recover",
            ],
            [13304, 6780],
        ),
        ("train-hotel", &["--replay", "0"], [234, 137]),
        (
            "train-hotel",
            &["--replay", "0", "--crashes", "1"],
            [1002, 541],
        ),
        (
            "train-hotel",
            &["--replay", "0", "--crashes", "1", "--crash-mode", "recover"],
            [1412, 771],
        ),
    ];
    for (model, extra, counts) in cases {
        let mut args = vec![*model];
        args.extend_from_slice(extra);
        let (code, n, failed, lengths) = check(&args);
        args.push("--symmetry");
        let (code_s, n_s, failed_s, lengths_s) = check(&args);
        assert_eq!([n, n_s], *counts, "{model} {extra:?}");
        assert_eq!(
            (code, failed, lengths),
            (code_s, failed_s, lengths_s),
            "{model} {extra:?}"
        );
    }
}

#[test]
fn symmetry_on_a_model_without_interchangeable_nodes_exits_2() {
    for model in ["locking", "yanking", "receipts", "merge-blocks"] {
        let (code, out, err) = run(&["check", model, "--symmetry"]);
        assert_eq!(code, 2, "{model}: {err}");
        assert_eq!(out, "");
        assert_eq!(
            err,
            format!(
                "error: --symmetry has no effect on model '{model}': it declares no \
                 interchangeable nodes (valid: off)\n"
            )
        );
    }
}

#[test]
fn crash_mode_recover_without_crashes_is_noted() {
    let (code, out, err) = run(&["check", "merge-blocks", "--crash-mode", "recover"]);
    assert_eq!(code, 0, "{err}");
    let note = "crash-mode recover has no effect on model 'merge-blocks': crashes is 0, so no \
                node ever crashes";
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("note:"))
            .collect::<Vec<_>>(),
        [format!("note: {note}")]
    );
    assert!(!out.contains("note"), "{out}");
    let (_, out, _) = run(&[
        "check",
        "merge-blocks",
        "--crash-mode",
        "recover",
        "--format",
        "json",
    ]);
    let lines = json_lines(&out);
    assert_eq!(first(&lines, "summary")["note"], note);
    let (_, out, _) = run(&["check", "merge-blocks", "--format", "json"]);
    assert!(first(&json_lines(&out), "summary").get("note").is_none());
}

#[test]
fn clocked_settings_in_async_time_exit_2() {
    for flag in ["--horizon", "--delta"] {
        let (code, _, err) = run(&["check", "locking", flag, "3"]);
        assert_eq!(code, 2);
        assert_eq!(
            err,
            format!("error: kernel setting {flag} needs --time clocked\n")
        );
    }
}

/// A protocol in which nothing can crash and nothing is ever sent: one node that never acts.
#[derive(Debug)]
struct Still;

impl Protocol for Still {
    type Node = u8;
    type Msg = u8;
    type Timer = u8;
    type Choice = u8;
    fn node_names(&self) -> Vec<String> {
        vec!["still".into()]
    }
    fn init(&self, _id: NodeId, _out: &mut Effects<Self>) -> u8 {
        0
    }
    fn on_message(&self, _: NodeId, _: &mut u8, _: NodeId, _: &u8, _: &mut Effects<Self>) {}
    fn on_timer(&self, _: NodeId, _: &mut u8, _: &u8, _: &mut Effects<Self>) {}
    fn observe(&self, _nodes: &[u8], _obs: &mut Observation) {}
    fn properties(&self) -> Vec<Property<Self>> {
        Vec::new()
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct StillEntry;

impl ModelEntry for StillEntry {
    type Model = World<Still>;
    type Variant = ();
    fn info(&self) -> ModelInfo {
        ModelInfo::new("still", "a node that never acts").kernel(KernelConfig::default())
    }
    fn variants(&self) -> Vec<VariantSpec<()>> {
        vec![VariantSpec::holds((), "default", "nothing happens")]
    }
    fn build(&self, c: &Config<()>) -> Result<World<Still>, ConfigError> {
        Ok(World::new(Still, c.kernel()))
    }
}

#[test]
fn a_users_model_is_refused_settings_it_cannot_exercise() {
    let registry = Registry::builtin().with::<StillEntry>();
    let engine = Engine::new();
    let refused = |setting: &str, value: &str| {
        let req = Request::new().kernel(KernelOverrides::new().with(setting, value));
        match run::check(&registry, "still", &req, &engine) {
            Err(RunError::Config(e)) => e.to_string(),
            other => panic!("{setting}: {:?}", other.map(|c| c.stats.distinct_states)),
        }
    };
    assert_eq!(
        refused("crashes", "1"),
        "crashes has no effect on model 'still': none of its nodes can crash (valid: 0)"
    );
    assert_eq!(
        refused("loss", "1"),
        "loss has no effect on model 'still': it never sends a message (valid: 0)"
    );
    assert_eq!(
        refused("replay", "2"),
        "replay has no effect on model 'still': it never sends a message (valid: 0)"
    );
    let sym = run::check(
        &registry,
        "still",
        &Request::new(),
        &Engine::new().symmetry(true),
    );
    assert!(
        matches!(
            &sym,
            Err(RunError::Config(ConfigError::NoEffect {
                setting: "symmetry",
                ..
            }))
        ),
        "{:?}",
        sym.map(|c| c.stats.distinct_states)
    );
    let ok = run::check(&registry, "still", &Request::new(), &engine).expect("defaults run");
    assert_eq!(ok.stats.distinct_states, 1);
}

#[test]
fn symmetry_of_one_node_groups_is_noted_not_refused() {
    let (code, _, err) = run(&["check", "tla-two-phase", "-p", "rms=1", "--symmetry"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("note:"))
            .collect::<Vec<_>>(),
        [
            "note: symmetry has no effect on model 'tla-two-phase' at these parameters: each \
          group of interchangeable nodes has one node"
        ]
    );
}
