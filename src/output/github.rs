//! GitHub Actions: an `::error` workflow command per unmet expectation, pointing at the
//! check's `[[check]]` line in the suite file, and a Markdown table for the job summary
//! (`$GITHUB_STEP_SUMMARY`).
//!
//! Workflow commands are parsed from the step's output, so values are escaped by GitHub's rules:
//! in the message `%`, CR and LF; in a property (`file=`, `line=`, `title=`) also `:` and `,`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::gate::Suite;
use crate::gate::{CheckResult, GateError, Outcome};

/// Whether the process runs as a GitHub Actions step.
pub fn in_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// Escapes a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The `::error` lines, one per unmet expectation, each ending in a newline.
pub fn annotations(suite: &Suite, results: &[CheckResult]) -> String {
    let workspace = std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from);
    let file = annotation_file(&suite.path, workspace.as_deref());
    let mut out = String::new();
    for r in results {
        let spec = &suite.checks[r.index];
        if let Some(message) = r.message(spec) {
            let _ = writeln!(
                out,
                "::error file={},line={},title={}::{}",
                escape_property(&file),
                spec.line,
                escape_property(&format!("xshard gate: {}", spec.name)),
                escape_data(&message)
            );
        }
    }
    out
}

/// The suite's path as GitHub matches annotations to files: relative to the checkout
/// (`$GITHUB_WORKSPACE`) when the path given is absolute and inside it.
pub fn annotation_file(path: &Path, workspace: Option<&Path>) -> String {
    let relative = workspace
        .filter(|_| path.is_absolute())
        .and_then(|w| path.strip_prefix(w).ok())
        .unwrap_or(path);
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    relative.display().to_string()
}

/// The job summary: a heading, one table row per check, and the unmet expectations.
pub fn summary(suite: &Suite, results: &[CheckResult]) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let unmet = results.iter().filter(|r| !r.met()).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### xshard gate: {} of {} checks met their expectation ({})\n",
        results.len() - unmet,
        results.len(),
        cell(&suite.path.display().to_string())
    );
    let _ = writeln!(
        out,
        "| | check | expectation | result | distinct states | time |"
    );
    let _ = writeln!(out, "|---|---|---|---|---:|---:|");
    for r in results {
        let spec = &suite.checks[r.index];
        let mark = match r.outcome {
            Outcome::Met => "✅",
            Outcome::Unmet => "❌",
            Outcome::Skipped => "⚠️",
        };
        let _ = writeln!(
            out,
            "| {mark} | {} | {} | {} | {} | {:.2}s |",
            cell(&spec.name),
            cell(&spec.expect.to_string()),
            cell(&r.result()),
            r.run.stats.distinct_states,
            r.elapsed_secs
        );
    }
    let messages: Vec<String> = results
        .iter()
        .filter_map(|r| r.message(&suite.checks[r.index]))
        .collect();
    if !messages.is_empty() {
        let _ = writeln!(out, "\n**Unmet expectations**\n");
        for m in messages {
            // The reproducing command as code, so it can be copied as it is.
            let line = match m.rsplit_once(". Reproduce: ") {
                Some((what, cmd)) => format!("{what}. Reproduce: `{cmd}`"),
                None => m,
            };
            let _ = writeln!(out, "- {}", cell(&line));
        }
    }
    out.push('\n');
    out
}

/// Appends `text` to the job summary file (GitHub collects what every step appends).
pub fn append_summary(path: &Path, text: &str) -> Result<(), GateError> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|source| GateError::Write {
            path: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
        // `%` first, so the escapes themselves are not escaped again.
        assert_eq!(escape_property("%3A"), "%253A");
    }

    #[test]
    fn annotation_files_are_relative_to_the_workspace() {
        let ws = Some(Path::new("/home/runner/work/p/p"));
        let f = |p: &str, w| annotation_file(Path::new(p), w);
        assert_eq!(
            f("/home/runner/work/p/p/ci/xshard.toml", ws),
            "ci/xshard.toml"
        );
        assert_eq!(f("./xshard.toml", ws), "xshard.toml");
        assert_eq!(f("xshard.toml", None), "xshard.toml");
        assert_eq!(f("/elsewhere/xshard.toml", ws), "/elsewhere/xshard.toml");
    }
}
