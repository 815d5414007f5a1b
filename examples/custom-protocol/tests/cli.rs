//! The crate's binary end to end: every command a protocol designer uses, through
//! `custom-protocol`, the binary `main_with` builds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The explanation `mint_backed` gives for the shortest double mint.
const EXPLANATION: &str =
    "shard-dst minted 2 tokens on receipt 0, but shard-src burnt only 1 for it";

fn bin(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_custom-protocol"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fresh directory of its own for one test (counterexamples are written under it).
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("custom-protocol")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[test]
fn list_shows_the_model_its_variants_and_its_own_property() {
    let o = bin(&scratch("list"), &["list"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for needle in [
        "token-bridge",
        "no-mint-guard",
        "volatile-guard",
        "mint_backed",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[test]
fn the_default_holds_over_exactly_66_states() {
    let o = bin(&scratch("default"), &["check", "token-bridge"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("states: 66 distinct"), "{text}");
    assert!(text.contains("witnessed"), "{text}");
}

#[test]
fn a_replayed_receipt_mints_twice_and_the_chart_says_so() {
    let dir = scratch("no-mint-guard");
    let o = bin(
        &dir,
        &[
            "check",
            "token-bridge",
            "--variant",
            "no-mint-guard",
            "--render",
            "none",
        ],
    );
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("mint_backed   always     violated (counterexample of 4 steps)"));
    assert!(text.contains(EXPLANATION), "{text}");

    let files: Vec<PathBuf> = std::fs::read_dir(dir.join("counterexamples/token-bridge"))
        .expect("counterexamples written")
        .map(|e| e.expect("an entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("mint_backed-"))
        })
        .collect();
    let dot = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "dot"))
        .expect("a chart");
    let json = dot.with_extension("json");
    let title = std::fs::read_to_string(dot).expect("the chart reads");
    let rel = json
        .strip_prefix(&dir)
        .expect("under the scratch directory");
    assert!(title.contains(EXPLANATION), "{title}");
    assert!(
        title.contains(&format!("replay: custom-protocol replay {}", rel.display())),
        "{title}"
    );

    // The bug is still there, so replaying the file reproduces the violation.
    let replay = bin(&dir, &["replay", &rel.to_string_lossy()]);
    assert_eq!(replay.status.code(), Some(1), "{}", stdout(&replay));

    let render = bin(
        &dir,
        &["render", &rel.to_string_lossy(), "--format", "text"],
    );
    assert_eq!(render.status.code(), Some(0));
    let steps = stdout(&render);
    assert!(steps.contains("replay"), "{steps}");
    assert!(steps.contains("Receipt { nonce: 0, amount: 1 }"), "{steps}");
}

#[test]
fn the_gate_suite_keeps_every_verdict() {
    let dir = scratch("gate");
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("xshard.toml");
    let o = bin(&dir, &["gate", &suite.to_string_lossy(), "--out", "cx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
