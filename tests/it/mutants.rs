//! The mutation suite: every seeded mutant of the built-in models (`xshard_models::mutant`)
//! must get the verdict it lists. Compiled only with the `mutants` feature; CI runs it with
//! `cargo test --release --features mutants --test it mutants -- --nocapture`, which also
//! prints the kill rate.

use xshard_models::mutant::{Expect, MUTANTS, VAR};

use crate::helpers::{all, first, json_lines, xshard};

/// The properties a run fails (violated or unwitnessed), its exit code and verdict.
fn failing(mutant: Option<&str>, args: &[&str]) -> (i32, String, Vec<String>) {
    let mut cmd = xshard();
    cmd.arg("check")
        .args(args)
        .args(["--format", "json", "--out"]);
    cmd.arg(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutants"));
    match mutant {
        Some(m) => cmd.env(VAR, m),
        None => cmd.env_remove(VAR),
    };
    let out = cmd.output().expect("xshard runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines = json_lines(&stdout);
    let verdict = first(&lines, "summary")["verdict"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut failed: Vec<String> = all(&lines, "property")
        .into_iter()
        .filter(|p| matches!(p["status"].as_str(), Some("violated" | "unwitnessed")))
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    failed.sort();
    (out.status.code().unwrap_or(-1), verdict, failed)
}

#[test]
fn every_mutant_gets_its_verdict() {
    let mut wrong = Vec::new();
    let (mut killed, mut equivalent) = (0, 0);
    // The original's result per argument list: equivalent mutants often share one.
    let mut originals = std::collections::BTreeMap::new();
    for m in MUTANTS {
        let (code, verdict, failed) = failing(Some(m.name), m.args);
        match m.expect {
            Expect::Killed(props) => {
                let mut want: Vec<String> = props.iter().map(|p| p.to_string()).collect();
                want.sort();
                if code == 1 && failed == want {
                    killed += 1;
                } else {
                    wrong.push(format!(
                        "{}: expected {want:?} to fail, got exit {code} ({verdict}) with {failed:?} failing",
                        m.name
                    ));
                }
            }
            Expect::Equivalent(_) => {
                let original = originals
                    .entry(m.args)
                    .or_insert_with(|| failing(None, m.args));
                if (code, &verdict, &failed) == (original.0, &original.1, &original.2) {
                    equivalent += 1;
                } else {
                    wrong.push(format!(
                        "{}: listed as equivalent, but gets exit {code} ({verdict}) with {failed:?} \
                         failing where the original gets exit {} ({}) with {:?}",
                        m.name, original.0, original.1, original.2
                    ));
                }
            }
        }
    }
    let total = MUTANTS.len();
    println!(
        "mutation suite: {killed} killed, {equivalent} equivalent, {} wrong, of {total} mutants; \
         kill rate {killed}/{} non-equivalent",
        wrong.len(),
        total - equivalent
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every mutation point named in the table is wired into a model's source, and every
/// `mutant::on` call in a model names a listed mutant, so the table and the code cannot drift.
#[test]
fn the_table_and_the_mutation_points_agree() {
    let mut names_in_source = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/models/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("models/src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("mutant.rs") {
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                for piece in text.split("mutant::on(\"").skip(1) {
                    if let Some(end) = piece.find('"') {
                        names_in_source.push(piece[..end].to_string());
                    }
                }
            }
        }
    }
    names_in_source.sort();
    names_in_source.dedup();
    let mut listed: Vec<String> = MUTANTS.iter().map(|m| m.name.to_string()).collect();
    listed.sort();
    assert_eq!(names_in_source, listed);
}

/// The `progress` line of a mutant's run: its length and the states that can never finish.
fn progress_of(mutant: &str, args: &[&str]) -> (String, u64, u64) {
    let mut cmd = xshard();
    cmd.arg("check")
        .args(args)
        .args(["--format", "json", "--out"]);
    cmd.arg(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutants"));
    let out = cmd.env(VAR, mutant).output().expect("xshard runs");
    let lines = json_lines(&String::from_utf8_lossy(&out.stdout));
    let p = all(&lines, "property")
        .into_iter()
        .find(|p| p["name"] == "progress")
        .cloned()
        .expect("the model declares progress");
    (
        p["status"].as_str().unwrap_or_default().to_string(),
        p["length"].as_u64().unwrap_or(u64::MAX),
        p["stuck_states"].as_u64().unwrap_or(u64::MAX),
    )
}

#[test]
fn a_retransmission_that_skips_the_last_shard_can_never_decide() {
    // The issue found 99 states that can never decide (4 steps: Prepare to shard-b, vote
    // time-out, shard-b votes yes, the Abort to shard-b is lost). Since done also means at
    // rest, 330 states can never finish and the shortest path is 2 steps: the vote time-out
    // and the lost Abort to shard-b. shard-b may still abort on its own time-out, but it never
    // acknowledges an Abort it did not receive, so the coordinator re-sends to nobody forever.
    assert_eq!(
        progress_of(
            "two-phase-commit/skip-last-retransmit",
            &["two-phase-commit", "-p", "shards=2", "--loss", "1"]
        ),
        ("violated".to_string(), 2, 330)
    );
}

#[test]
fn a_home_shard_ignoring_cancel_deadlocks_two_locks() {
    // Both lock requests granted and both proofs in: each transaction waits for the other's
    // lock, and every Cancel is ignored.
    assert_eq!(
        progress_of(
            "locking/ignore-cancel-after-proof",
            &["locking", "--loss", "0"]
        ),
        ("violated".to_string(), 4, 32)
    );
}
