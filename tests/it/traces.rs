//! Counterexample files, `xshard replay`, `xshard render` and the committed reference set.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::Value;
use xshard::Registry;
use xshard_models::Expect;

use crate::helpers::{all, json_lines, xshard};

/// Runs `xshard` in `dir`; returns (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = xshard()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("xshard runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn dot_installed() -> bool {
    Process::new("dot").arg("-V").output().is_ok()
}

fn require_dot() {
    assert!(
        dot_installed(),
        "Graphviz `dot` is not installed: install graphviz (e.g. `apt-get install graphviz`); \
         CI installs it and these tests need it"
    );
}

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file exists"))
        .expect("file is JSON")
}

/// Checks the flawed two-phase commit into a fresh directory; returns the directory and the
/// JSON file of its atomicity counterexample (relative to the directory).
fn revert_after_vote(extra: &[&str]) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec![
        "check",
        "two-phase-commit",
        "-p",
        "shards=2",
        "--variant",
        "revert-after-vote",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run_in(dir.path(), &args);
    assert_eq!(code, 1, "{err}");
    let json = files_under(dir.path())
        .into_iter()
        .map(|p| p.display().to_string())
        .find(|p| {
            p.starts_with("counterexamples/two-phase-commit/atomicity-") && p.ends_with(".json")
        })
        .expect("the atomicity counterexample is written");
    (dir, json, out)
}

#[test]
fn check_writes_json_dot_and_svg_and_the_json_replays() {
    require_dot();
    let (dir, json, out) = revert_after_vote(&[]);
    let stem = json.trim_end_matches(".json");
    let mut expected = Vec::new();
    for property in ["atomicity", "timeout_revert"] {
        let f = files_under(dir.path())
            .into_iter()
            .map(|p| p.display().to_string())
            .find(|p| p.contains(&format!("/{property}-")) && p.ends_with(".json"))
            .expect("one file set per violated property");
        let s = f.trim_end_matches(".json").to_string();
        expected.extend([format!("{s}.dot"), f.clone(), format!("{s}.svg")]);
        // The human report lists the files and the exact replay command.
        assert!(
            out.contains(&format!("  files: {f} {s}.dot {s}.svg\n")),
            "{out}"
        );
        assert!(
            out.contains(&format!("  replay: xshard replay {f}\n")),
            "{out}"
        );
    }
    expected.sort();
    let written: Vec<String> = files_under(dir.path())
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(written, expected, "exactly json, dot and svg per violation");
    // 12 hex digits of hash.
    let hash = stem.rsplit('-').next().unwrap_or_default();
    assert_eq!(hash.len(), 12);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));

    let trace = read_json(&dir.path().join(&json));
    assert_eq!(trace["model"], "two-phase-commit");
    assert_eq!(trace["variant"], "revert-after-vote");
    assert_eq!(trace["property"], "atomicity");
    assert_eq!(trace["kind"], "always");
    assert_eq!(trace["schema_version"], 1);
    assert_eq!(trace["params"]["shards"], 2);
    assert_eq!(trace["kernel"]["loss"], 1);
    let steps = trace["steps"].as_array().expect("steps").len();
    assert_eq!(trace["path"].as_array().expect("path").len(), steps + 1);
    assert_eq!(steps, 8, "BFS finds the 8-step counterexample");

    let svg = std::fs::read_to_string(dir.path().join(format!("{stem}.svg"))).expect("svg");
    assert!(svg.contains("<svg"), "an SVG document");
    assert!(svg.contains("atomicity violated after 8 steps"));

    let (code, out, err) = run_in(dir.path(), &["replay", &json]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        format!(
            "atomicity still violated after replaying 8 steps of {json}: \
             tx1 committed on shard-b but reverted on shard-a\n"
        )
    );
    assert!(err.is_empty(), "{err}");
}

#[test]
fn json_lines_name_the_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, out, _) = run_in(
        dir.path(),
        &[
            "check",
            "two-phase-commit",
            "-p",
            "shards=2",
            "--variant",
            "revert-after-vote",
            "--format",
            "json",
            "--render",
            "none",
            "--out",
            "cx",
        ],
    );
    assert_eq!(code, 1);
    let lines = json_lines(&out);
    let cx = all(&lines, "counterexample");
    assert_eq!(cx.len(), 2);
    for c in cx {
        let files = &c["files"];
        let json = files["json"].as_str().expect("json path");
        let dot = files["dot"].as_str().expect("dot path");
        assert_eq!(files["svg"], Value::Null, "--render none writes no SVG");
        assert!(json.starts_with("cx/two-phase-commit/"), "{json}");
        assert_eq!(json.trim_end_matches(".json"), dot.trim_end_matches(".dot"));
        let on_disk = read_json(&dir.path().join(json));
        assert_eq!(on_disk["property"], c["property"]);
        assert_eq!(on_disk["path"], c["path"]);
    }
    assert_eq!(files_under(dir.path()).len(), 4, "json and dot twice");
}

#[test]
fn same_check_writes_the_same_bytes_whatever_the_run_or_thread_count() {
    let runs = [
        revert_after_vote(&["--render", "none"]),
        revert_after_vote(&["--render", "none"]),
        revert_after_vote(&["--render", "none", "--threads", "1"]),
        revert_after_vote(&["--render", "none", "--threads", "2"]),
    ];
    let contents = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        files_under(dir)
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(dir.join(&p)).expect("readable");
                (p, bytes)
            })
            .collect()
    };
    let first = contents(runs[0].0.path());
    assert_eq!(first.len(), 4);
    for (dir, _, _) in &runs[1..] {
        assert_eq!(contents(dir.path()), first);
    }
    // No timing or machine-dependent data in the files.
    for (path, bytes) in &first {
        let text = String::from_utf8_lossy(bytes);
        for word in ["elapsed", "secs", "per_sec", "memory", "threads"] {
            assert!(!text.contains(word), "{} contains {word}", path.display());
        }
    }
}

/// Writes `trace` (after `edit`) next to the original and replays it.
fn replay_edited(edit: impl FnOnce(&mut Value)) -> (i32, String, String, String) {
    let (dir, json, _) = revert_after_vote(&["--render", "none"]);
    let mut trace = read_json(&dir.path().join(&json));
    edit(&mut trace);
    let bad = "edited.json";
    std::fs::write(
        dir.path().join(bad),
        serde_json::to_string_pretty(&trace).expect("serialisable"),
    )
    .expect("writable");
    let (code, out, err) = run_in(dir.path(), &["replay", bad]);
    (code, out, err, bad.to_string())
}

#[test]
fn a_corrupted_step_fails_replay_naming_the_step() {
    // A payload changed: the action index still exists but names another message.
    let (code, out, err, file) = replay_edited(|t| {
        t["steps"][3]["message"]["payload"] = "Vote(false)".into();
    });
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_eq!(
        err,
        format!(
            "error: step 4 of {file}: the file records message \"shard-a -> coordinator: \
             Vote(false)\" but action index {} has message \"shard-a -> coordinator: \
             Vote(true)\" (deliver at coordinator (shard-a -> coordinator: Vote(true)))\n",
            read_path_entry(4)
        )
    );

    // A detail changed.
    let (code, _, err, file) = replay_edited(|t| t["steps"][3]["detail"] = "Vote(false)".into());
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!(
            "error: step 4 of {file}: the file records detail \"Vote(false)\" but action index "
        )),
        "{err}"
    );

    // An action index that is not enabled.
    let (code, _, err, file) = replay_edited(|t| t["path"][4] = 99.into());
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!(
            "error: step 4 of {file}: action index 99 is not enabled ("
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);

    // A changed field: the action is the same but its consequence is not.
    let (code, _, err, file) = replay_edited(|t| {
        t["steps"][6]["changes"][0]["after"] = "aborted".into();
    });
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!(
            "error: step 7 of {file}: the file records changes ["
        )),
        "{err}"
    );

    // A step removed from the list but not from the path.
    let (code, _, err, file) = replay_edited(|t| {
        t["steps"].as_array_mut().expect("steps").pop();
    });
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: step 8 of {file}: the path has this action but the file records only 7 steps\n"
        )
    );
}

/// The action index at `step` of the revert-after-vote atomicity counterexample.
fn read_path_entry(step: usize) -> u64 {
    let (dir, json, _) = revert_after_vote(&["--render", "none"]);
    read_json(&dir.path().join(json))["path"][step]
        .as_u64()
        .expect("index")
}

#[test]
fn a_prefix_of_the_path_is_no_longer_violated() {
    let (code, out, err, file) = replay_edited(|t| {
        t["path"].as_array_mut().expect("path").truncate(5);
        t["steps"].as_array_mut().expect("steps").truncate(4);
    });
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!(
            "atomicity no longer violated after replaying 4 steps of {file}: "
        )),
        "{out}"
    );
}

#[test]
fn bad_files_exit_2_with_one_line() {
    let (dir, json, _) = revert_after_vote(&["--render", "none"]);
    let text = std::fs::read_to_string(dir.path().join(&json)).expect("readable");
    let write = |name: &str, body: &str| {
        std::fs::write(dir.path().join(name), body).expect("writable");
    };
    write("truncated.json", &text[..text.len() / 2]);
    write("garbage.json", "not json at all");
    let mut t: Value = serde_json::from_str(&text).expect("json");
    t["model"] = "no-such-model".into();
    write("model.json", &t.to_string());
    let mut t: Value = serde_json::from_str(&text).expect("json");
    t["variant"] = "nope".into();
    write("variant.json", &t.to_string());
    let mut t: Value = serde_json::from_str(&text).expect("json");
    t["property"] = "isolation".into();
    write("property.json", &t.to_string());
    let mut t: Value = serde_json::from_str(&text).expect("json");
    t["schema_version"] = 99.into();
    write("future.json", &t.to_string());
    let mut t: Value = serde_json::from_str(&text).expect("json");
    t["path"][0] = 5.into();
    write("init.json", &t.to_string());

    let cases = [
        ("missing.json", "cannot read missing.json"),
        (
            "truncated.json",
            "truncated.json is not a counterexample file: truncated",
        ),
        ("garbage.json", "garbage.json is not a counterexample file"),
        ("model.json", "model.json: unknown model 'no-such-model'"),
        ("variant.json", "variant.json: unknown variant 'nope'"),
        (
            "property.json",
            "model two-phase-commit has no property 'isolation'",
        ),
        ("future.json", "schema version 99"),
        (
            "init.json",
            "step 0 of init.json: initial state index 5 does not exist",
        ),
    ];
    for (file, needle) in cases {
        for cmd in ["replay", "render"] {
            if cmd == "render"
                && matches!(
                    file,
                    "model.json" | "variant.json" | "property.json" | "init.json"
                )
            {
                // render draws what the file says; only replay checks it against the model.
                continue;
            }
            let (code, out, err) = run_in(dir.path(), &[cmd, file]);
            assert_eq!(code, 2, "{cmd} {file}: {err}");
            assert!(out.is_empty(), "{cmd} {file}: {out}");
            assert_eq!(err.lines().count(), 1, "{cmd} {file}: {err}");
            assert!(err.contains(needle), "{cmd} {file}: {err}");
        }
    }
}

#[test]
fn an_unwritable_out_directory_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("blocker"), "a file, not a directory").expect("writable");
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "check",
            "two-phase-commit",
            "-p",
            "shards=2",
            "--variant",
            "revert-after-vote",
            "--out",
            "blocker/cx",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: cannot create directory blocker/cx/two-phase-commit: "),
        "{err}"
    );
}

#[test]
fn without_graphviz_check_notes_it_and_writes_no_svg() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = xshard()
        .current_dir(dir.path())
        .env("PATH", "")
        .args([
            "check",
            "two-phase-commit",
            "-p",
            "shards=2",
            "--variant",
            "revert-after-vote",
        ])
        .output()
        .expect("xshard runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 2, "one note per counterexample: {err}");
    for line in err.lines() {
        assert!(line.starts_with("note: no SVG written for counterexamples/two-phase-commit/"));
        assert!(
            line.contains("Graphviz `dot` was not found on PATH"),
            "{line}"
        );
    }
    let files = files_under(dir.path());
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(files
        .iter()
        .all(|p| p.extension().is_some_and(|e| e != "svg")));
}

#[test]
fn render_draws_the_file_in_each_format() {
    require_dot();
    let (dir, json, _) = revert_after_vote(&["--render", "none"]);
    let dot_file = std::fs::read_to_string(dir.path().join(json.replace(".json", ".dot")))
        .expect("dot written");
    let (code, out, err) = run_in(dir.path(), &["render", &json]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, dot_file, "render gives the bytes check wrote");

    let (code, out, _) = run_in(dir.path(), &["render", &json, "--format", "text"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("atomicity violated after 8 steps\n"),
        "{out}"
    );
    assert!(out.contains("\nfinal outcomes:\n"), "{out}");

    let (code, out, err) = run_in(
        dir.path(),
        &["render", &json, "--format", "svg", "-o", "chart.svg"],
    );
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let svg = std::fs::read_to_string(dir.path().join("chart.svg")).expect("written");
    assert!(svg.contains("<svg"));
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed reference counterexamples.
fn reference_files() -> Vec<PathBuf> {
    let root = repo_root().join("counterexamples");
    files_under(&root)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| root.join(p))
        .collect()
}

#[test]
fn every_reference_counterexample_replays_and_renders() {
    require_dot();
    let files = reference_files();
    assert!(files.len() >= 7, "{files:?}");
    for json in files {
        let (code, out, err) = run_in(&repo_root(), &["replay", &json.display().to_string()]);
        assert_eq!(code, 1, "{}: {out}{err}", json.display());
        assert!(out.contains(" still violated after replaying "), "{out}");
        let dot = json.with_extension("dot");
        let status = Process::new("dot")
            .arg("-Tsvg")
            .arg(&dot)
            .arg("-o")
            .arg("/dev/null")
            .status()
            .expect("dot runs");
        assert!(status.success(), "{} renders", dot.display());
        // The committed chart is what this xshard draws from the committed JSON (so the set
        // is regenerated whenever the renderer changes).
        let relative = json
            .strip_prefix(repo_root())
            .expect("under the repository")
            .display()
            .to_string();
        let (code, out, err) = run_in(&repo_root(), &["render", &relative]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            out,
            std::fs::read_to_string(&dot).expect("committed dot"),
            "{} is stale: run scripts/regen-counterexamples.sh",
            dot.display()
        );
    }
}

#[test]
fn reference_set_covers_every_flawed_variant() {
    let recorded: Vec<(String, String, String)> = reference_files()
        .iter()
        .map(|f| {
            let t = read_json(f);
            let s = |k: &str| t[k].as_str().unwrap_or_default().to_string();
            (s("model"), s("variant"), s("property"))
        })
        .collect();
    for m in Registry::builtin().listings() {
        for v in &m.variants {
            if let Expect::Violates(props) = &v.expect {
                for p in props {
                    let want = (m.name.to_string(), v.name.to_string(), p.to_string());
                    assert!(
                        recorded.contains(&want),
                        "no reference counterexample for {want:?}: run scripts/regen-counterexamples.sh"
                    );
                }
            }
        }
    }
    assert!(recorded.contains(&(
        "two-phase-commit".into(),
        "default".into(),
        "deadlock_freedom".into()
    )));
}
