//! Shared helpers: run the `xshard` binary, parse its JSON Lines.

use assert_cmd::Command;
use serde_json::Value;

/// A command running the built `xshard` binary.
pub fn xshard() -> Command {
    Command::cargo_bin("xshard").expect("the xshard binary is built for integration tests")
}

/// Runs `xshard` with `args`; returns (exit code, stdout, stderr).
///
/// `check` writes counterexample files; unless the test chooses `--out`, they go to Cargo's
/// scratch directory for integration tests, never into the repository's reference set.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let mut cmd = xshard();
    cmd.args(args);
    if args.first() == Some(&"check") && !args.contains(&"--out") {
        cmd.arg("--out")
            .arg(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("counterexamples"));
    }
    let out = cmd.output().expect("xshard runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Parses JSON Lines output.
pub fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect()
}

/// The `data` of the first line of type `kind`.
pub fn first<'a>(lines: &'a [Value], kind: &str) -> &'a Value {
    &lines
        .iter()
        .find(|l| l["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} line"))["data"]
}

/// The `data` of every line of type `kind`.
pub fn all<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|l| l["type"] == kind)
        .map(|l| &l["data"])
        .collect()
}
