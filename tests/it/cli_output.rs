//! What every command does with its stdout: a reader that goes away, a stdout that cannot be
//! written; each subcommand's table of exit codes in its help; the kernel line.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::helpers::run;

/// A counterexample file of the reference set (a violation: `replay` exits 1).
const REFERENCE: &str = "counterexamples/two-phase-commit/atomicity-8afdc8856491.json";

fn reference() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(REFERENCE)
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

/// Runs `xshard ARGS` with stdout on a pipe whose reader has gone, as in `xshard list | head
/// -1` once `head` has exited; returns (exit code, stderr). The reader goes before the child
/// starts, not after reading a few bytes: every output here fits in the pipe's buffer, so a
/// reader that waited for the first bytes would let the one write succeed and test nothing.
fn into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = Command::new(assert_cmd::cargo::cargo_bin("xshard"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .output()
        .expect("xshard runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_quiet_end(args: &[&str], code: i32) {
    let (status, stderr) = into_closed_pipe(args);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert_ne!(status, Some(101), "{args:?}: {stderr}");
    // The verdict stays the exit code: the output was cut, not the check (src/cli/output.rs).
    assert_eq!(status, Some(code), "{args:?}: {stderr}");
    assert_eq!(stderr, "", "{args:?}");
}

#[test]
fn list_ends_quietly_when_the_reader_goes() {
    assert_quiet_end(&["list"], 0);
    assert_quiet_end(&["list", "--format", "json"], 0);
}

#[test]
fn check_ends_quietly_when_the_reader_goes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("utf-8 path");
    for format in ["human", "json"] {
        let args = [
            "check",
            "tla-two-phase",
            "-p",
            "rms=3",
            "--render",
            "none",
            "--out",
            out,
            "--format",
            format,
        ];
        assert_quiet_end(&args, 0);
    }
    let violated = [
        "check",
        "two-phase-commit",
        "-p",
        "shards=2",
        "--variant",
        "revert-after-vote",
        "--render",
        "none",
        "--out",
        out,
    ];
    assert_quiet_end(&violated, 1);
}

#[test]
fn gate_render_and_replay_end_quietly_when_the_reader_goes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = dir.path().join("suite.toml");
    std::fs::write(
        &suite,
        "[[check]]\nmodel = \"tla-tcommit\"\nvariant = \"default\"\nexpect = \"holds\"\n",
    )
    .expect("write suite");
    let suite = suite.to_str().expect("utf-8 path");
    let out = dir.path().join("cx");
    let out = out.to_str().expect("utf-8 path");
    assert_quiet_end(&["gate", suite, "--out", out], 0);
    assert_quiet_end(&["gate", suite, "--out", out, "--format", "json"], 0);
    let file = reference();
    for format in ["dot", "text"] {
        assert_quiet_end(&["render", &file, "--format", format], 0);
    }
    assert_quiet_end(&["replay", &file], 1);
}

/// Any other write error is the usual one line and exit code 2, not a panic.
#[cfg(target_os = "linux")]
#[test]
fn a_stdout_that_cannot_be_written_is_one_line_and_exit_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = Command::new(assert_cmd::cargo::cargo_bin("xshard"))
        .arg("list")
        .stdout(full)
        .output()
        .expect("xshard runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write to stdout: ") && stderr.lines().count() == 1,
        "{stderr}"
    );
}

/// The lines of `xshard SUBCOMMAND --help` from `Exit codes:` on.
fn exit_codes(subcommand: &str) -> Vec<String> {
    let (code, out, err) = run(&[subcommand, "--help"]);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .skip_while(|l| *l != "Exit codes:")
        .map(str::to_string)
        .collect()
}

#[test]
fn replay_help_has_its_own_exit_codes() {
    assert_eq!(
        exit_codes("replay"),
        [
            "Exit codes:",
            "  0  the property no longer fails, or a witness is still reached",
            "  1  the property still fails, or a witness is no longer reached",
            "  2  the file does not replay (one line on stderr says where), usage or I/O error",
            "  101 is a panic, always a bug",
        ]
    );
}

#[test]
fn render_help_has_its_own_exit_codes() {
    assert_eq!(
        exit_codes("render"),
        [
            "Exit codes:",
            "  0  the drawing is written",
            "  2  a bad counterexample file, Graphviz `dot` failed (svg), usage or I/O error (one line",
            "     on stderr names it)",
            "  101 is a panic, always a bug",
        ]
    );
}

#[test]
fn list_help_has_its_own_exit_codes() {
    assert_eq!(
        exit_codes("list"),
        [
            "Exit codes:",
            "  0  the models are listed",
            "  2  usage or I/O error (one line on stderr names it)",
            "  101 is a panic, always a bug",
        ]
    );
}

#[test]
fn check_and_gate_help_keep_the_verdict_table() {
    for subcommand in ["check", "gate"] {
        let table = exit_codes(subcommand);
        assert_eq!(table.join("\n"), xshard::exit::TABLE, "{subcommand}");
        assert!(
            table.contains(
                &"  3  inconclusive: a bound was hit before anything was violated".into()
            ),
            "{subcommand}"
        );
    }
}

#[test]
fn the_kernel_line_uses_the_flags_spellings() {
    let kernel_line = |extra: &[&str]| {
        let mut args = vec!["check", "two-phase-commit", "--render", "none"];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        out.lines()
            .find(|l| l.starts_with("kernel: "))
            .expect("a kernel line")
            .to_string()
    };
    assert_eq!(
        kernel_line(&[]),
        "kernel: network unordered, loss 1, replay 0, crashes 0, crash-mode stop, copies 2, time async"
    );
    assert_eq!(
        kernel_line(&["--network", "ordered", "--time", "clocked", "--delta", "2"]),
        "kernel: network ordered, loss 1, replay 0, crashes 0, crash-mode stop, copies 2, time \
         clocked, delta 2, horizon 19"
    );
}
