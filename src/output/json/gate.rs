//! The gate's JSON Lines, in the envelope of `xshard check` ([`crate::output::json`]): every
//! line is `{"type": TYPE, "data": {...}}`, the first is `begin` with `schema_version`.
//!
//! - `begin`: `schema_version`, `command` (`"gate"`), `file` (the suite), `checks` (how many),
//!   `xshard_version`.
//! - one `check` per check, in file order, as each finishes: `name`, `line` (of its
//!   `[[check]]`), `model`, `variant`, `params`, `kernel` (object or null), `expect` (`"holds"`
//!   or `{"violates": [...]}`), `allow_inconclusive`, `result` (e.g. `"violates atomicity"`),
//!   `outcome` (`met` | `unmet` | `skipped`), `met` (bool; a skip allowed by the check is met),
//!   `failed` (the properties violated or unwitnessed), `stopped_by` (null or the bound),
//!   `properties` (each `name`, `status`, `expected` (`holds` | `fails`), `outcome`, `detail`,
//!   `counterexample` (null or `{json, dot, svg}`)), `distinct_states`, `generated_states`,
//!   `elapsed_secs`, `counterexample_files` (every file written), `message` (for an unmet
//!   expectation: one line ending with the command that reproduces it, else null),
//!   `reproduce` (that command).
//! - `summary`: `file`, `checks`, `met`, `unmet`, `skipped`, `verdict` (`met` | `unmet`),
//!   `exit_code`, `elapsed_secs`, `out` (the counterexample directory), `junit` (path or null).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use xshard_models::kernel::KernelConfig;

use super::check::Files;
use super::SCHEMA_VERSION;
use crate::engine::{Bound, Status};
use crate::gate::{CheckResult, Outcome};
use crate::gate::{CheckSpec, Expectation, Suite};

/// `begin`: the suite.
#[derive(Debug, Serialize)]
pub struct Begin {
    /// The JSON Lines schema version.
    pub schema_version: u32,
    /// `"gate"`.
    pub command: &'static str,
    /// The suite file.
    pub file: String,
    /// How many checks it has.
    pub checks: usize,
    /// The version of xshard.
    pub xshard_version: &'static str,
}

/// The `begin` line's data.
pub fn begin(suite: &Suite) -> Begin {
    Begin {
        schema_version: SCHEMA_VERSION,
        command: "gate",
        file: suite.path.display().to_string(),
        checks: suite.checks.len(),
        xshard_version: env!("CARGO_PKG_VERSION"),
    }
}

/// What a check expects: `"holds"` or `{"violates": [...]}`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Expect<'a> {
    /// `"holds"`.
    Holds(&'static str),
    /// `{"violates": [...]}`.
    Violates {
        /// The properties expected to fail.
        violates: Vec<&'a str>,
    },
}

/// One property of a check.
#[derive(Debug, Serialize)]
pub struct Case<'a> {
    /// The property.
    pub name: &'a str,
    /// Its verdict.
    pub status: Status,
    /// `holds` or `fails`: what the suite expects of it.
    pub expected: &'static str,
    /// Whether the expectation is met.
    pub outcome: Outcome,
    /// One sentence when it matters (a failure, an unmet expectation, a skip).
    pub detail: Option<&'a str>,
    /// The counterexample files of a violation.
    pub counterexample: Option<Files<'a>>,
}

/// `check`: one per check, in file order, as each finishes.
#[derive(Debug, Serialize)]
pub struct Check<'a> {
    /// The check's name.
    pub name: &'a str,
    /// The line of its `[[check]]`.
    pub line: usize,
    /// The model.
    pub model: &'a str,
    /// The variant.
    pub variant: &'a str,
    /// Every parameter with its value.
    pub params: &'a BTreeMap<String, u32>,
    /// The kernel settings, for kernel models.
    pub kernel: Option<KernelConfig>,
    /// The expectation.
    pub expect: Expect<'a>,
    /// Whether an undecided check counts as met.
    pub allow_inconclusive: bool,
    /// What the check gave, e.g. `violates atomicity`.
    pub result: String,
    /// Met, unmet or skipped.
    pub outcome: Outcome,
    /// Whether the expectation is met (a skip the check allows is met).
    pub met: bool,
    /// The properties that failed.
    pub failed: &'a [&'static str],
    /// The bound that cut the search short.
    pub stopped_by: Option<Bound>,
    /// Each property.
    pub properties: Vec<Case<'a>>,
    /// Distinct states.
    pub distinct_states: u64,
    /// Generated states.
    pub generated_states: u64,
    /// Seconds of the whole check, files included.
    pub elapsed_secs: f64,
    /// Every file written.
    pub counterexample_files: Vec<PathBuf>,
    /// For an unmet expectation: one line ending with the command that reproduces it.
    pub message: Option<String>,
    /// The command that reproduces the check.
    pub reproduce: &'a str,
}

/// A `check` line's data.
pub fn check<'a>(spec: &'a CheckSpec, r: &'a CheckResult) -> Check<'a> {
    let resolved = &r.run.resolved;
    let stats = &r.run.stats;
    Check {
        name: &spec.name,
        line: spec.line,
        model: resolved.model,
        variant: resolved.variant,
        params: &resolved.params,
        kernel: resolved.kernel,
        expect: match &spec.expect {
            Expectation::Holds => Expect::Holds("holds"),
            Expectation::Violates(ps) => Expect::Violates {
                violates: ps.iter().map(String::as_str).collect(),
            },
        },
        allow_inconclusive: spec.allow_inconclusive,
        result: r.result(),
        outcome: r.outcome,
        met: r.met(),
        failed: &r.failed,
        stopped_by: r.stopped_by,
        properties: r
            .cases
            .iter()
            .map(|c| Case {
                name: c.name,
                status: c.status,
                expected: if c.expected_failure { "fails" } else { "holds" },
                outcome: c.outcome,
                detail: c.detail.as_deref(),
                counterexample: c.files.as_ref().map(|f| Files {
                    json: &f.json,
                    dot: &f.dot,
                    svg: f.svg.as_ref(),
                }),
            })
            .collect(),
        distinct_states: stats.distinct_states,
        generated_states: stats.generated_states,
        elapsed_secs: r.elapsed_secs,
        counterexample_files: r.files(),
        message: r.message(spec),
        reproduce: &r.rerun,
    }
}

/// `summary`: how the suite went.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    /// The suite file.
    pub file: String,
    /// How many checks ran.
    pub checks: usize,
    /// How many met their expectation.
    pub met: usize,
    /// How many did not.
    pub unmet: usize,
    /// How many were undecided and allowed to be.
    pub skipped: usize,
    /// `met` or `unmet`.
    pub verdict: &'static str,
    /// The exit code.
    pub exit_code: u8,
    /// Seconds of the whole suite.
    pub elapsed_secs: f64,
    /// The counterexample directory.
    pub out: &'a Path,
    /// The JUnit report, if written.
    pub junit: Option<&'a Path>,
}

/// The `summary` line's data.
pub fn summary<'a>(
    suite: &Suite,
    results: &[CheckResult],
    exit_code: u8,
    elapsed_secs: f64,
    out: &'a Path,
    junit: Option<&'a Path>,
) -> Summary<'a> {
    let count = |o| results.iter().filter(|r| r.outcome == o).count();
    let unmet = count(Outcome::Unmet);
    Summary {
        file: suite.path.display().to_string(),
        checks: results.len(),
        met: count(Outcome::Met),
        unmet,
        skipped: count(Outcome::Skipped),
        verdict: if unmet == 0 { "met" } else { "unmet" },
        exit_code,
        elapsed_secs,
        out,
        junit,
    }
}
