//! `sweep --format json` and `fuzz --format json`, in the envelope of `check`.
//!
//! `sweep`, in order:
//! - `begin`: `schema_version`, `command` (`"sweep"`), `model`, `variant`, `seed`, `cases`,
//!   `dimensions` (each `name`, `kind` (`param` | `setting`), `values`: strings, simplest
//!   first), `configurations` (how many the space holds), `replayed` (seeds of the
//!   regressions file replayed first), `xshard_version`.
//! - `sweep_failure`, when a configuration failed: `first` and `smallest` (each `values`: an
//!   object of dimension name to value, `params`, `kernel`), `from_regression` (the first
//!   failure was a replayed seed), `shrink_checks` (configurations checked while
//!   shrinking), `violates` (the smallest configuration's failed properties), `check` (its
//!   exact `check` command).
//! - one `counterexample` per property violated at the smallest failing configuration, as
//!   `check` prints them.
//! - `sweep_summary`: `verdict` (`holds`: every configuration checked held after an
//!   exhaustive search | `violated` | `inconclusive`: no violation, some configuration cut
//!   short by its budget), `checked`, `exhaustive`, `inconclusive`, `vacuous` (held but
//!   missing a witness: the configuration cannot exercise it), `refused` (the model
//!   refused to build them), `outside_failure_model` (drawn but not checked: outside the
//!   failure model the protocol declares), `stopped_by` (the first bound that cut a case, or null),
//!   `largest_held` (`values`, `distinct_states`, `check`; or null), `regressions` (the file
//!   a new failing seed was added to, or null), `rerun` (the command that runs the sweep
//!   again).
//!
//! `fuzz`, in order:
//! - `begin`: `schema_version`, `command` (`"fuzz"`), `model`, `variant`, `params`, `kernel`,
//!   `seed`, `walks`, `depth`, `xshard_version`.
//! - `fuzz_violation`, when a walk violated a property: `property`, `walk` (its number),
//!   `first_steps` (its length before shrinking), `shrunk_steps`, `choices` (the shrunk
//!   choice vector), `confirmed` (the search bounded by `shrunk_steps` found it too),
//!   `shortest` (the shortest counterexample's length found that way), `confirm_distinct_states`,
//!   `confirm_symmetry` (true: the search ran on the model's symmetry quotient, and its
//!   count is up to symmetry).
//! - one `counterexample` per counterexample written (the bounded search's violations, or the
//!   shrunk walk when the search did not finish).
//! - `fuzz_summary`: `status` (`violated` | `no_violation_found`: never `holds`), `message`
//!   (`no violation found in N walks of depth D`, or the violation), `walks_run`, `depth`,
//!   `deepest` (the longest walk taken), `seed`, `stopped_early` (the timeout or Ctrl-C),
//!   `rerun`.

use std::collections::BTreeMap;

use serde::Serialize;
use xshard_models::kernel::KernelConfig;
use xshard_models::Resolved;

use super::check::{counterexample, counterexamples};
use super::{line, SCHEMA_VERSION};
use crate::engine::Bound;
use crate::explore::{Dimension, FuzzReport, Space, SweepReport};
use crate::run::Verdict;

/// `begin` of a sweep.
#[derive(Debug, Serialize)]
pub struct SweepBegin<'a> {
    /// The JSON Lines schema version.
    pub schema_version: u32,
    /// `"sweep"`.
    pub command: &'static str,
    /// The model.
    pub model: &'a str,
    /// The variant.
    pub variant: &'a str,
    /// The seed.
    pub seed: u64,
    /// Configurations asked for.
    pub cases: u32,
    /// The dimensions.
    pub dimensions: &'a [Dimension],
    /// How many configurations the space holds.
    pub configurations: u128,
    /// Seeds of the regressions file replayed first.
    pub replayed: usize,
    /// The version of xshard.
    pub xshard_version: &'static str,
}

/// A configuration of a sweep.
#[derive(Debug, Serialize)]
pub struct Configuration<'a> {
    /// Each dimension's value.
    pub values: BTreeMap<&'static str, &'a str>,
    /// The model's parameters.
    pub params: &'a BTreeMap<String, u32>,
    /// The kernel settings.
    pub kernel: Option<KernelConfig>,
}

fn configuration<'a>(space: &'a Space, at: &[u32], r: &'a Resolved) -> Configuration<'a> {
    Configuration {
        values: space
            .dims
            .iter()
            .zip(at)
            .map(|(d, &i)| (d.name, d.values[i as usize].as_str()))
            .collect(),
        params: &r.params,
        kernel: r.kernel,
    }
}

/// `sweep_failure`.
#[derive(Debug, Serialize)]
pub struct SweepFailureLine<'a> {
    /// The configuration that failed first.
    pub first: Configuration<'a>,
    /// The smallest failing configuration.
    pub smallest: Configuration<'a>,
    /// Whether the first failure was a replayed seed.
    pub from_regression: bool,
    /// Configurations checked while shrinking.
    pub shrink_checks: u64,
    /// The smallest configuration's failed properties.
    pub violates: Vec<&'static str>,
    /// Its exact `check` command.
    pub check: String,
}

/// The largest configuration that held.
#[derive(Debug, Serialize)]
pub struct Largest<'a> {
    /// Each dimension's value.
    pub values: BTreeMap<&'static str, &'a str>,
    /// Its distinct states.
    pub distinct_states: u64,
    /// Its exact `check` command.
    pub check: String,
}

/// `sweep_summary`.
#[derive(Debug, Serialize)]
pub struct SweepSummary<'a> {
    /// The verdict.
    pub verdict: Verdict,
    /// Distinct configurations checked before any failure.
    pub checked: u64,
    /// Of those, held after an exhaustive search.
    pub exhaustive: u64,
    /// Of those, cut short by the budget.
    pub inconclusive: u64,
    /// Of those that held, how many miss a witness.
    pub vacuous: u64,
    /// Configurations the model refused to build.
    pub refused: u64,
    /// Configurations outside the protocol's declared failure model, not checked.
    pub outside_failure_model: u64,
    /// The first bound that cut a case.
    pub stopped_by: Option<Bound>,
    /// The largest configuration that held.
    pub largest_held: Option<Largest<'a>>,
    /// The regressions file a failing seed was added to.
    pub regressions: Option<&'a str>,
    /// The command that runs the sweep again.
    pub rerun: &'a str,
}

/// The JSON Lines of a sweep.
pub fn sweep(
    report: &SweepReport,
    program: &str,
    command: &str,
    regressions: Option<&str>,
) -> String {
    let space = &report.space;
    let mut out = line(
        "begin",
        &SweepBegin {
            schema_version: SCHEMA_VERSION,
            command: "sweep",
            model: space.bound.model,
            variant: space.bound.variant,
            seed: report.seed,
            cases: report.cases,
            dimensions: &space.dims,
            configurations: space.size(),
            replayed: report.replayed,
            xshard_version: env!("CARGO_PKG_VERSION"),
        },
    );
    if let Some(f) = &report.failure {
        out.push_str(&line(
            "sweep_failure",
            &SweepFailureLine {
                first: configuration(space, &f.first.at, &f.first.resolved),
                smallest: configuration(space, &f.at, &f.checked.resolved),
                from_regression: f.from_regression,
                shrink_checks: f.shrink_checks,
                violates: f.checked.failed(),
                check: f.checked.rerun_command(program),
            },
        ));
        out.push_str(&counterexamples(&f.checked));
    }
    let largest_held = report.largest_held.as_ref().map(|l| Largest {
        values: configuration(space, &l.at, &l.resolved).values,
        distinct_states: l.distinct,
        check: crate::run::rerun_command(program, &l.resolved, None),
    });
    out.push_str(&line(
        "sweep_summary",
        &SweepSummary {
            verdict: report.verdict(),
            checked: report.checked,
            exhaustive: report.exhaustive,
            inconclusive: report.inconclusive,
            vacuous: report.vacuous,
            refused: report.refused,
            outside_failure_model: report.outside_failure_model,
            stopped_by: report.first_bound,
            largest_held,
            regressions,
            rerun: command,
        },
    ));
    out
}

/// `begin` of a fuzz run.
#[derive(Debug, Serialize)]
pub struct FuzzBegin<'a> {
    /// The JSON Lines schema version.
    pub schema_version: u32,
    /// `"fuzz"`.
    pub command: &'static str,
    /// The model.
    pub model: &'a str,
    /// The variant.
    pub variant: &'a str,
    /// Every parameter with its value.
    pub params: &'a BTreeMap<String, u32>,
    /// The kernel settings, for kernel models.
    pub kernel: Option<KernelConfig>,
    /// The seed.
    pub seed: u64,
    /// Walks asked for.
    pub walks: u32,
    /// The most actions per walk.
    pub depth: u32,
    /// The version of xshard.
    pub xshard_version: &'static str,
}

/// `fuzz_violation`.
#[derive(Debug, Serialize)]
pub struct FuzzViolation<'a> {
    /// The property the walk violated.
    pub property: &'a str,
    /// The walk's number.
    pub walk: u64,
    /// Its length before shrinking.
    pub first_steps: usize,
    /// Its length after.
    pub shrunk_steps: usize,
    /// The shrunk choice vector.
    pub choices: &'a [u32],
    /// Whether the bounded search found the violation too.
    pub confirmed: bool,
    /// The shortest counterexample's length found.
    pub shortest: usize,
    /// Distinct states of the bounded search.
    pub confirm_distinct_states: u64,
    /// Whether the bounded search ran up to symmetry.
    pub confirm_symmetry: bool,
}

/// Whether a fuzz run found something: never `holds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FuzzStatus {
    /// A walk violated a property.
    Violated,
    /// No walk violated anything: not a proof.
    NoViolationFound,
}

/// `fuzz_summary`.
#[derive(Debug, Serialize)]
pub struct FuzzSummary<'a> {
    /// `violated` or `no_violation_found`.
    pub status: FuzzStatus,
    /// One line: the violation, or `no violation found in N walks of depth D`.
    pub message: String,
    /// Walks run before the first violation (all of them when none).
    pub walks_run: u64,
    /// The most actions per walk.
    pub depth: u32,
    /// The longest walk taken.
    pub deepest: usize,
    /// The seed.
    pub seed: u64,
    /// Whether the timeout or Ctrl-C stopped it early.
    pub stopped_early: bool,
    /// The command that runs it again.
    pub rerun: &'a str,
}

/// The JSON Lines of a fuzz run.
pub fn fuzz(report: &FuzzReport, command: &str) -> String {
    let r = &report.resolved;
    let mut out = line(
        "begin",
        &FuzzBegin {
            schema_version: SCHEMA_VERSION,
            command: "fuzz",
            model: r.model,
            variant: r.variant,
            params: &r.params,
            kernel: r.kernel,
            seed: report.seed,
            walks: report.walks,
            depth: report.depth,
            xshard_version: env!("CARGO_PKG_VERSION"),
        },
    );
    if let Some(f) = &report.failure {
        out.push_str(&line(
            "fuzz_violation",
            &FuzzViolation {
                property: f.property,
                walk: report.walks_run,
                first_steps: f.first_steps,
                shrunk_steps: f.walk.len(),
                choices: &f.choices,
                confirmed: f.confirmed(),
                shortest: f.shortest(),
                confirm_distinct_states: f.confirm.stats.distinct_states,
                confirm_symmetry: f.confirm.stats.symmetry,
            },
        ));
        if f.confirmed() {
            out.push_str(&counterexamples(&f.confirm));
        } else {
            out.push_str(&counterexample(&f.walk, f.walk_files.as_ref()));
        }
    }
    out.push_str(&line(
        "fuzz_summary",
        &FuzzSummary {
            status: if report.failure.is_some() {
                FuzzStatus::Violated
            } else {
                FuzzStatus::NoViolationFound
            },
            message: report.status_text(),
            walks_run: report.walks_run,
            depth: report.depth,
            deepest: report.deepest,
            seed: report.seed,
            stopped_early: report.stopped,
            rerun: command,
        },
    ));
    out
}
