//! Running a suite: every check explored (several at once with `jobs > 1`), each property's
//! result compared with the expectation, counterexamples written for every violation.
//!
//! Results are handed back in file order whatever order the workers finish in, so the output
//! of a suite is the same with any number of jobs.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::suite::{self, CheckSpec, Mode, Suite};
use crate::engine::{Bound, Engine, Status};
use crate::explore;
use crate::files::{Render, TraceError, WrittenFiles};
use crate::registry::Registry;
use crate::run::{self, bound_text, Checked, RunError, Verdict};

/// How to run a suite.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct GateConfig {
    /// Checks run at once.
    pub jobs: usize,
    /// Engine threads per check.
    pub threads: usize,
    /// Where counterexample files go.
    pub out: PathBuf,
    /// Whether counterexample charts are also rendered to SVG.
    pub render: Render,
    /// The binary's name, for the commands that reproduce a check.
    pub program: String,
    /// The engine every check starts from (threads, stop handle, progress); each check's
    /// bounds are set on a copy.
    pub engine: Engine,
}

/// Why a suite could not be run to the end (exit code 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GateError {
    /// The counterexample files of a failing property could not be written or rendered.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// A check could not be run.
    #[error("check '{check}': {source}")]
    Check {
        /// The check's name in the suite.
        check: String,
        /// Why it could not be run.
        source: RunError,
    },
    /// A report file (JUnit XML, GitHub step summary) could not be written.
    #[error("cannot write '{}': {source}", path.display())]
    Write {
        /// The report file.
        path: PathBuf,
        /// The file system's error.
        source: std::io::Error,
    },
}

/// Whether a property (or a whole check) met its expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The verdict is the expected one (holds as expected, or fails as expected).
    Met,
    /// The verdict differs from the expectation, or a bound was hit and the check does not
    /// allow that: the gate fails.
    Unmet,
    /// Undecided (a bound was hit) and the check allows that.
    Skipped,
}

/// One property of one check.
#[derive(Clone, Debug)]
pub struct PropertyCase {
    /// The property's name.
    pub name: &'static str,
    /// What the check found for it: holds, violated, witnessed, unwitnessed or inconclusive.
    pub status: Status,
    /// Whether the suite expects it to fail.
    pub expected_failure: bool,
    /// Whether `status` meets the expectation.
    pub outcome: Outcome,
    /// One sentence: what happened, when it matters (a failure, an unmet expectation, a skip).
    pub detail: Option<String>,
    /// The counterexample files, for a violated property.
    pub files: Option<WrittenFiles>,
}

/// The result of one check of the suite.
#[derive(Debug)]
pub struct CheckResult {
    /// Its position in the suite.
    pub index: usize,
    /// The check's run: what was checked, per-property outcomes, statistics.
    pub run: Checked,
    /// One case per property, in property order.
    pub cases: Vec<PropertyCase>,
    /// The whole check's outcome: unmet if a case is, else skipped if a case is, else met.
    pub outcome: Outcome,
    /// The properties that failed (violated or unwitnessed), in property order.
    pub failed: Vec<&'static str>,
    /// Set when the search was cut short.
    pub stopped_by: Option<Bound>,
    /// The command that reproduces the check.
    pub rerun: String,
    /// Wall-clock seconds of the whole check.
    pub elapsed_secs: f64,
}

impl CheckResult {
    /// What the check gave, e.g. `holds`, `violates atomicity`, `inconclusive (--timeout)`.
    pub fn result(&self) -> String {
        let undecided = self.cases.iter().any(|c| c.status == Status::Inconclusive);
        let bound = format!(
            "inconclusive ({})",
            self.stopped_by
                .map_or_else(|| "undecided".to_string(), bound_text)
        );
        match (self.failed.is_empty(), undecided) {
            (true, false) => "holds".to_string(),
            (true, true) => bound,
            (false, false) => format!("violates {}", self.failed.join(", ")),
            (false, true) => format!("violates {}; {bound}", self.failed.join(", ")),
        }
    }

    /// Whether the expectation is met (a skip is met: the check allows it).
    pub fn met(&self) -> bool {
        self.outcome != Outcome::Unmet
    }

    /// Every counterexample file written for this check.
    pub fn files(&self) -> Vec<PathBuf> {
        self.cases
            .iter()
            .filter_map(|c| c.files.as_ref())
            .flat_map(|f| {
                [f.json.clone(), f.dot.clone()]
                    .into_iter()
                    .chain(f.svg.clone())
            })
            .collect()
    }

    /// For an unmet expectation: one line saying what differs, ending with the command that
    /// reproduces it.
    pub fn message(&self, spec: &CheckSpec) -> Option<String> {
        if self.outcome != Outcome::Unmet {
            return None;
        }
        let unmet = || self.cases.iter().filter(|c| c.outcome == Outcome::Unmet);
        let mut details: Vec<String> = unmet()
            .filter(|c| c.status != Status::Inconclusive)
            .filter_map(|c| c.detail.clone())
            .collect();
        // Undecided properties share one reason; say it once.
        let undecided: Vec<&str> = unmet()
            .filter(|c| c.status == Status::Inconclusive)
            .map(|c| c.name)
            .collect();
        if !undecided.is_empty() {
            details.push(format!(
                "{} undecided: the search was stopped by {} first and allow_inconclusive is false",
                undecided.join(", "),
                self.stopped_by
                    .map_or_else(|| "a bound".to_string(), bound_text)
            ));
        }
        Some(format!(
            "{}: expected {}, got {}: {}. Reproduce: {}",
            spec.name,
            spec.expect,
            self.result(),
            details.join("; "),
            self.rerun
        ))
    }
}

/// The command that reproduces a check: the model's re-run command plus the check's bounds.
pub fn reproduce_command(program: &str, spec: &CheckSpec, run: &Checked) -> String {
    let mut cmd = run.rerun_command(program);
    for (flag, v) in [
        ("--max-states", spec.max_states),
        ("--max-depth", spec.max_depth),
        ("--timeout", spec.timeout),
    ] {
        if let Some(v) = v {
            cmd.push_str(&format!(" {flag} {v}"));
        }
    }
    cmd
}

/// Runs every check of `suite`; `each` receives every result in file order as soon as it and
/// all before it are done.
pub fn run_suite(
    registry: &Registry,
    suite: &Suite,
    cfg: &GateConfig,
    mut each: impl FnMut(&CheckSpec, &CheckResult),
) -> Result<Vec<CheckResult>, GateError> {
    let n = suite.checks.len();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, Result<CheckResult, GateError>)>();
    let mut slots: Vec<Option<CheckResult>> = (0..n).map(|_| None).collect();
    let mut done = Vec::with_capacity(n);
    let mut first_error = None;
    std::thread::scope(|scope| {
        for _ in 0..cfg.jobs.clamp(1, n.max(1)) {
            let tx = tx.clone();
            let (next, stop) = (&next, &stop);
            scope.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(spec) = suite.checks.get(i) else {
                    break;
                };
                if tx.send((i, run_check(registry, i, spec, cfg))).is_err() {
                    break;
                }
            });
        }
        // Only the workers hold senders now, so the loop below ends when they all have.
        drop(tx);
        for (i, r) in rx {
            match r {
                Ok(r) => slots[i] = Some(r),
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    first_error.get_or_insert(e);
                }
            }
            if first_error.is_some() {
                continue;
            }
            while let Some(r) = slots.get_mut(done.len()).and_then(Option::take) {
                each(&suite.checks[done.len()], &r);
                done.push(r);
            }
        }
    });
    match first_error {
        Some(e) => Err(e),
        None => Ok(done),
    }
}

/// Runs one check and compares it with its expectation.
pub fn run_check(
    registry: &Registry,
    index: usize,
    spec: &CheckSpec,
    cfg: &GateConfig,
) -> Result<CheckResult, GateError> {
    let started = Instant::now();
    let fail = |source| GateError::Check {
        check: spec.name.clone(),
        source,
    };
    let (run, rerun, fuzz) = match spec.mode {
        Mode::Check => {
            let engine = cfg
                .engine
                .clone()
                .max_states(spec.max_states)
                .max_depth(spec.max_depth)
                .timeout(spec.timeout.map(Duration::from_secs));
            let mut run = run::check_resolved(registry, &spec.resolved, &engine).map_err(fail)?;
            run.write_files(&cfg.out, cfg.render, &cfg.program)
                .map_err(fail)?;
            let rerun = reproduce_command(&cfg.program, spec, &run);
            (run, rerun, None)
        }
        Mode::Sweep { cases, seed } => {
            let (run, rerun) = sweep_check(registry, spec, cfg, cases, seed).map_err(fail)?;
            (run, rerun, None)
        }
        Mode::Fuzz { walks, depth, seed } => {
            let (run, rerun, status) =
                fuzz_check(registry, spec, cfg, walks, depth, seed).map_err(fail)?;
            (run, rerun, Some(status))
        }
    };
    let stopped_by = run.stopped_by;
    let mut cases = Vec::with_capacity(run.properties.len());
    for p in &run.properties {
        let expected_failure = spec.expect.expects_failure(p.name);
        let (outcome, detail) = match (&fuzz, p.status) {
            // A walk proves nothing: a property no walk violated is skipped with the fuzz
            // run's status, or unmet when the suite expects it to fail.
            (Some(status), Status::Inconclusive) if expected_failure => (
                Outcome::Unmet,
                Some(format!("{} was expected to fail: {status}", p.name)),
            ),
            (Some(status), Status::Inconclusive) => (
                Outcome::Skipped,
                Some(format!(
                    "{}: {status} (a fuzz run is never a proof)",
                    p.name
                )),
            ),
            _ => judge(
                p.name,
                p.status,
                expected_failure,
                spec.allow_inconclusive,
                stopped_by,
                p.explanation(),
            ),
        };
        cases.push(PropertyCase {
            name: p.name,
            status: p.status,
            expected_failure,
            outcome,
            detail,
            files: p.files.clone(),
        });
    }
    let found = |c: &PropertyCase| c.outcome == Outcome::Met && c.status == Status::Violated;
    let outcome = if cases.iter().any(|c| c.outcome == Outcome::Unmet) {
        Outcome::Unmet
    } else if fuzz.is_some() && cases.iter().any(found) {
        // A fuzz run that found the violations it is for met its expectation; the properties
        // no walk violated stay skipped in JUnit.
        Outcome::Met
    } else if cases.iter().any(|c| c.outcome == Outcome::Skipped) {
        Outcome::Skipped
    } else {
        Outcome::Met
    };
    let failed = run.failed();
    Ok(CheckResult {
        index,
        // The engine times its exploration; the gate reports the whole check, decoding and
        // counterexample files included.
        elapsed_secs: started.elapsed().as_secs_f64(),
        run,
        cases,
        outcome,
        failed,
        stopped_by,
        rerun,
    })
}

/// A suite's sweep: the smallest failing configuration's exhaustive check, or a result with
/// every property holding (every configuration held) or undecided (some were cut short).
fn sweep_check(
    registry: &Registry,
    spec: &CheckSpec,
    cfg: &GateConfig,
    cases: u32,
    seed: u64,
) -> Result<(Checked, String), RunError> {
    let space = explore::Space::new(registry, &spec.model, &spec.request)?;
    let max_states = spec.max_states.unwrap_or(suite::DEFAULT_SWEEP_STATES);
    let engine = cfg
        .engine
        .clone()
        .max_states(max_states)
        .timeout(spec.timeout.map(Duration::from_secs));
    let rerun = explore::sweep_command(
        &cfg.program,
        &space,
        cases,
        seed,
        Some(max_states),
        spec.timeout,
    );
    let report = explore::run_sweep(
        registry,
        space,
        &explore::SweepOptions::new(cases, seed, engine),
    )?;
    let default_kernel = registry.info(&spec.model)?.kernel;
    let run = match report.failure {
        Some(f) => {
            let mut run = f.checked;
            run.write_files(&cfg.out, cfg.render, &cfg.program)?;
            run
        }
        None => {
            let infos = registry.build(&report.space.bound)?.property_info();
            let (status, bound) = match report.verdict() {
                Verdict::Holds => (Status::Holds, None),
                _ => (
                    Status::Inconclusive,
                    Some(report.first_bound.unwrap_or(Bound::Interrupted)),
                ),
            };
            Checked::unexplored(
                report.space.bound.clone(),
                &infos,
                status,
                bound,
                default_kernel,
            )
        }
    };
    Ok((run, rerun))
}

/// A suite's fuzz run: the properties found violated (with the shortest counterexample found)
/// and every other one undecided, and the fuzz run's status line.
fn fuzz_check(
    registry: &Registry,
    spec: &CheckSpec,
    cfg: &GateConfig,
    walks: u32,
    depth: u32,
    seed: u64,
) -> Result<(Checked, String, String), RunError> {
    let engine = cfg
        .engine
        .clone()
        .max_states(spec.max_states.unwrap_or(suite::DEFAULT_CONFIRM_STATES));
    let opts = explore::FuzzOptions::new(walks, depth, seed, engine)
        .timeout(spec.timeout.map(Duration::from_secs));
    let mut report = explore::run_fuzz(registry, &spec.resolved, &opts)?;
    report.write_files(&cfg.out, cfg.render, &cfg.program)?;
    let default_kernel = registry.info(&spec.model)?.kernel;
    let rerun = explore::fuzz_command(&cfg.program, &report, default_kernel.as_ref());
    let status = match &report.failure {
        None => report.status_text(),
        Some(_) => format!(
            "no walk violated it ({} walks of depth {} ran until the first violation)",
            report.walks_run, report.depth
        ),
    };
    let infos = registry.build(&spec.resolved)?.property_info();
    let mut run = Checked::unexplored(
        spec.resolved.clone(),
        &infos,
        Status::Inconclusive,
        None,
        default_kernel,
    );
    if let Some(f) = report.failure {
        run.stats = f.confirm.stats.clone();
        for (p, c) in run.properties.iter_mut().zip(f.confirm.properties) {
            if c.status == Status::Violated {
                *p = c;
            }
        }
        if let Some(p) = run.properties.iter_mut().find(|p| p.name == f.property) {
            if p.status != Status::Violated {
                p.status = Status::Violated;
                p.path = Some(f.walk.path.clone());
                p.trace = Some(f.walk);
                p.files = f.walk_files;
            }
        }
    }
    Ok((run, rerun, status))
}

/// Compares one property's status with what the suite expects of it.
///
/// A violation or a witness found is definite even when the search was cut short; `holds` and
/// `unwitnessed` are only ever reported after an exhaustive search, so `inconclusive` is the
/// one status that depends on `allow_inconclusive`.
fn judge(
    name: &str,
    status: Status,
    expected_failure: bool,
    allow_inconclusive: bool,
    stopped_by: Option<Bound>,
    explanation: Option<&str>,
) -> (Outcome, Option<String>) {
    let sentence = |s: &str| s.trim_end_matches('.').to_string();
    match status {
        Status::Inconclusive => {
            let why = format!(
                "{name} is undecided: the search was stopped by {} first",
                stopped_by.map_or_else(|| "a bound".to_string(), bound_text)
            );
            if allow_inconclusive {
                (Outcome::Skipped, Some(why))
            } else {
                (
                    Outcome::Unmet,
                    Some(format!("{why} (allow_inconclusive is false)")),
                )
            }
        }
        Status::Violated | Status::Unwitnessed if expected_failure => (Outcome::Met, None),
        Status::Violated => (
            Outcome::Unmet,
            Some(match explanation {
                Some(e) => format!("{name} is violated: {}", sentence(e)),
                None => format!("{name} is violated"),
            }),
        ),
        Status::Unwitnessed => (
            Outcome::Unmet,
            Some(format!(
                "{name} is unwitnessed: no reachable state is a witness, so the model is vacuous here"
            )),
        ),
        Status::Holds | Status::Witnessed if expected_failure => (
            Outcome::Unmet,
            Some(format!(
                "{name} was expected to fail but {}",
                status.as_str()
            )),
        ),
        Status::Holds | Status::Witnessed => (Outcome::Met, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_covers_every_status_and_expectation() {
        let j = |s, exp, allow| judge("p", s, exp, allow, Some(Bound::MaxStates), Some("x broke."));
        assert_eq!(j(Status::Holds, false, false), (Outcome::Met, None));
        assert_eq!(j(Status::Witnessed, false, false), (Outcome::Met, None));
        assert_eq!(j(Status::Violated, true, false), (Outcome::Met, None));
        assert_eq!(j(Status::Unwitnessed, true, false), (Outcome::Met, None));
        assert_eq!(
            j(Status::Violated, false, false),
            (Outcome::Unmet, Some("p is violated: x broke".into()))
        );
        assert_eq!(
            j(Status::Holds, true, false),
            (
                Outcome::Unmet,
                Some("p was expected to fail but holds".into())
            )
        );
        assert_eq!(
            j(Status::Inconclusive, false, true),
            (
                Outcome::Skipped,
                Some("p is undecided: the search was stopped by --max-states first".into())
            )
        );
        assert_eq!(j(Status::Inconclusive, true, false).0, Outcome::Unmet);
        assert_eq!(j(Status::Unwitnessed, false, true).0, Outcome::Unmet);
    }
}
