//! `xshard sweep`: random configurations, each checked exhaustively within a budget, and the
//! smallest failing one.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use proptest::test_runner::{TestCaseError, TestError};
use xshard_models::{ConfigError, Resolved};

use super::regressions::Regressions;
use super::space::Space;
use crate::engine::{Bound, Engine};
use crate::registry::Registry;
use crate::run::{self, Checked, RunError, Verdict};

/// How to sweep.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SweepOptions {
    /// Configurations to draw (proptest's `cases`).
    pub cases: u32,
    /// The seed of the runner's ChaCha RNG.
    pub seed: u64,
    /// The engine of every case: its state budget (`max_states`), timeout, threads and stop
    /// handle.
    pub engine: Engine,
    /// The regressions file to replay first and to add a new failing seed to (`None`: none).
    pub regressions: Option<Regressions>,
}

impl SweepOptions {
    /// `cases` configurations from `seed`, each checked by `engine`.
    pub fn new(cases: u32, seed: u64, engine: Engine) -> Self {
        SweepOptions {
            cases,
            seed,
            engine,
            regressions: None,
        }
    }

    /// Replays and extends `r`.
    pub fn regressions(mut self, r: Regressions) -> Self {
        self.regressions = Some(r);
        self
    }
}

/// One configuration checked.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CaseRecord {
    /// Its value index per dimension.
    pub at: Vec<u32>,
    /// The configuration.
    pub resolved: Resolved,
    /// Holds (exhaustively), violated (some property is violated), or inconclusive (the budget
    /// was hit first). A case whose only failures are missing witnesses holds (and is
    /// `vacuous`).
    pub verdict: Verdict,
    /// Whether some witness is missing at this configuration.
    pub vacuous: bool,
    /// Distinct states explored.
    pub distinct: u64,
    /// The bound that cut an inconclusive case short.
    pub stopped_by: Option<Bound>,
}

/// The smallest failing configuration a sweep found.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SweepFailure {
    /// The configuration that failed first (a replayed seed or a drawn case).
    pub first: CaseRecord,
    /// Whether it came from the regressions file.
    pub from_regression: bool,
    /// The smallest failing configuration's value indices.
    pub at: Vec<u32>,
    /// Its exhaustive check: every violated property's shortest counterexample.
    pub checked: Checked,
    /// Configurations checked while shrinking (proptest's steps and the minus-one pass).
    pub shrink_checks: u64,
}

/// What a sweep found.
#[derive(Debug)]
#[non_exhaustive]
pub struct SweepReport {
    /// The space swept.
    pub space: Space,
    /// The seed.
    pub seed: u64,
    /// Configurations asked for.
    pub cases: u32,
    /// Seeds replayed from the regressions file.
    pub replayed: usize,
    /// Distinct configurations checked before any failure (replayed ones included).
    pub checked: u64,
    /// Of those, how many held after an exhaustive search.
    pub exhaustive: u64,
    /// How many were cut short by the budget (never counted as holding).
    pub inconclusive: u64,
    /// Of those that held, how many miss a witness (the configuration cannot exercise it).
    pub vacuous: u64,
    /// How many the model refused to build (a combination it does not support).
    pub refused: u64,
    /// How many lie outside the protocol's declared failure model (not checked: a violation
    /// there is a known limit of the protocol, not a bug).
    pub outside_failure_model: u64,
    /// The configuration with the most distinct states among those that held.
    pub largest_held: Option<CaseRecord>,
    /// The first bound that made a case inconclusive.
    pub first_bound: Option<Bound>,
    /// The smallest failing configuration, if any case failed.
    pub failure: Option<SweepFailure>,
    /// Whether Ctrl-C stopped the sweep.
    pub interrupted: bool,
}

impl SweepReport {
    /// The overall verdict: violated if a case failed, inconclusive if a case was cut short
    /// (or the sweep was stopped), holds only when every case checked held exhaustively.
    pub fn verdict(&self) -> Verdict {
        if self.failure.is_some() {
            Verdict::Violated
        } else if self.inconclusive > 0 || self.interrupted || self.checked == 0 {
            Verdict::Inconclusive
        } else {
            Verdict::Holds
        }
    }
}

/// The runner's test state: results by configuration, and counts of the cases drawn before
/// the first failure (after it, every call is a shrinking step).
#[derive(Default)]
struct State {
    memo: HashMap<Vec<u32>, Option<CaseRecord>>,
    failing: HashMap<Vec<u32>, Checked>,
    calls: usize,
    failed: bool,
    first: Option<(CaseRecord, bool)>,
    checked: u64,
    exhaustive: u64,
    inconclusive: u64,
    vacuous: u64,
    refused: u64,
    outside: HashSet<Vec<u32>>,
    outside_count: u64,
    shrink_checks: u64,
    largest: Option<CaseRecord>,
    first_bound: Option<Bound>,
    error: Option<RunError>,
}

/// Sweeps `space`.
pub fn run_sweep(
    registry: &Registry,
    space: Space,
    opts: &SweepOptions,
) -> Result<SweepReport, RunError> {
    let replayed = opts.regressions.as_ref().map_or(0, Regressions::replayed);
    let strategy: Vec<Range<u32>> = space
        .dims
        .iter()
        .map(|d| 0..d.values.len().max(1) as u32)
        .collect();
    let state = RefCell::new(State::default());
    let stopped = || {
        opts.engine
            .get_stop_handle()
            .is_some_and(|h| h.is_stopped())
    };
    let evaluate = |at: &[u32]| -> Result<Option<CaseRecord>, RunError> {
        if let Some(r) = state.borrow().memo.get(at) {
            return Ok(r.clone());
        }
        let refuse = |_: ConfigError| {
            state.borrow_mut().memo.insert(at.to_vec(), None);
            Ok(None)
        };
        let resolved = match registry.resolve(space.bound.model, &space.request(at)) {
            Ok(r) => r,
            Err(e) => return refuse(e),
        };
        if registry.outside_failure_model(&resolved).is_some() {
            let mut s = state.borrow_mut();
            s.outside.insert(at.to_vec());
            s.memo.insert(at.to_vec(), None);
            return Ok(None);
        }
        let checked = match run::check_resolved(registry, &resolved, &opts.engine) {
            Ok(c) => c,
            Err(RunError::Config(e)) => return refuse(e),
            Err(e) => return Err(e),
        };
        // A missing witness at a smaller configuration says that configuration cannot
        // exercise something (no reorg, nothing aborts), not that the protocol is wrong: only
        // a violated property fails a case; the others count as held and vacuous.
        let violated = checked
            .properties
            .iter()
            .any(|p| p.status == crate::engine::Status::Violated);
        let verdict = match checked.verdict() {
            Verdict::Violated if !violated => Verdict::Holds,
            v => v,
        };
        let vacuous = checked
            .properties
            .iter()
            .any(|p| p.status == crate::engine::Status::Unwitnessed);
        let record = CaseRecord {
            at: at.to_vec(),
            resolved: checked.resolved.clone(),
            vacuous,
            verdict,
            distinct: checked.stats.distinct_states,
            stopped_by: checked.stopped_by,
        };
        let mut s = state.borrow_mut();
        if record.verdict == Verdict::Violated {
            s.failing.insert(at.to_vec(), checked);
        }
        s.memo.insert(at.to_vec(), Some(record.clone()));
        Ok(Some(record))
    };
    let test = |at: Vec<u32>| -> Result<(), TestCaseError> {
        if state.borrow().error.is_some() || stopped() {
            return Ok(());
        }
        let call = {
            let mut s = state.borrow_mut();
            s.calls += 1;
            s.calls
        };
        let fresh = !state.borrow().memo.contains_key(&at);
        let record = match evaluate(&at) {
            Ok(r) => r,
            Err(e) => {
                state.borrow_mut().error = Some(e);
                return Ok(());
            }
        };
        let mut s = state.borrow_mut();
        if s.failed {
            s.shrink_checks += u64::from(fresh);
        } else if fresh {
            match &record {
                None if s.outside.contains(&at) => s.outside_count += 1,
                None => s.refused += 1,
                Some(r) => {
                    s.checked += 1;
                    match r.verdict {
                        Verdict::Holds => {
                            s.exhaustive += 1;
                            s.vacuous += u64::from(r.vacuous);
                            if s.largest.as_ref().is_none_or(|l| r.distinct > l.distinct) {
                                s.largest = Some(r.clone());
                            }
                        }
                        Verdict::Inconclusive => {
                            s.inconclusive += 1;
                            s.first_bound = s.first_bound.or(r.stopped_by);
                        }
                        Verdict::Violated => {}
                    }
                }
            }
        }
        match record {
            Some(r) if r.verdict == Verdict::Violated => {
                if !s.failed {
                    s.failed = true;
                    s.first = Some((r, call <= replayed));
                }
                Err(TestCaseError::fail("violated"))
            }
            _ => Ok(()),
        }
    };
    let persistence = opts
        .regressions
        .clone()
        .map(|r| Box::new(r) as Box<dyn proptest::test_runner::FailurePersistence>);
    let mut runner = super::runner(opts.seed, opts.cases, 4096, persistence);
    let result = runner.run(&strategy, test);
    if let Some(e) = state.borrow_mut().error.take() {
        return Err(e);
    }
    let shrunk = match result {
        Err(TestError::Fail(_, at)) => Some(at),
        _ => None,
    };
    let failure = match shrunk {
        None => None,
        Some(mut at) => {
            // Binary search assumes a failure is monotone in each dimension; one step down in
            // each, repeated until none fails, makes the result locally minimal either way.
            // Then trades: one step down in a dimension paid for by any other value of a later
            // one (parameters come before settings), because some failures need one of two
            // things — two locking transactions deadlock only when the network reorders, three
            // do under FIFO too — and no single step down leaves the second for the first.
            // Configurations are ordered by their value indices, dimension by dimension, so
            // each accepted move makes the configuration strictly smaller and the loop ends.
            let fails = |c: &[u32]| -> Result<bool, RunError> {
                let fresh = !state.borrow().memo.contains_key(c);
                let r = evaluate(c)?;
                state.borrow_mut().shrink_checks += u64::from(fresh);
                Ok(r.is_some_and(|r| r.verdict == Verdict::Violated))
            };
            'smaller: loop {
                for i in 0..at.len() {
                    if at[i] == 0 {
                        continue;
                    }
                    let mut c = at.clone();
                    c[i] -= 1;
                    if fails(&c)? {
                        at = c;
                        continue 'smaller;
                    }
                }
                for i in 0..at.len() {
                    if at[i] == 0 {
                        continue;
                    }
                    for j in i + 1..at.len() {
                        for v in 0..strategy[j].end {
                            if v == at[j] {
                                continue;
                            }
                            let mut c = at.clone();
                            c[i] -= 1;
                            c[j] = v;
                            if fails(&c)? {
                                at = c;
                                continue 'smaller;
                            }
                        }
                    }
                }
                break;
            }
            let mut s = state.borrow_mut();
            let checked = s.failing.remove(&at).ok_or_else(|| RunError::Undecodable {
                model: space.bound.model.to_string(),
                property: "the smallest failing configuration".to_string(),
            })?;
            let (first, from_regression) = s.first.take().ok_or_else(|| RunError::Undecodable {
                model: space.bound.model.to_string(),
                property: "the first failing configuration".to_string(),
            })?;
            Some(SweepFailure {
                first,
                from_regression,
                at,
                checked,
                shrink_checks: s.shrink_checks,
            })
        }
    };
    let s = state.into_inner();
    Ok(SweepReport {
        seed: opts.seed,
        cases: opts.cases,
        replayed,
        checked: s.checked,
        exhaustive: s.exhaustive,
        inconclusive: s.inconclusive,
        vacuous: s.vacuous,
        refused: s.refused,
        outside_failure_model: s.outside_count,
        largest_held: s.largest,
        first_bound: s.first_bound,
        failure,
        interrupted: stopped(),
        space,
    })
}

/// The command that runs this sweep again with the binary `program`: the model, the variant,
/// the fixed parameters and kernel bounds given, and the cases, seed and budget.
pub fn sweep_command(
    program: &str,
    space: &Space,
    cases: u32,
    seed: u64,
    max_states: Option<u64>,
    timeout: Option<u64>,
) -> String {
    let mut cmd = format!(
        "{program} sweep {} --variant {}",
        space.bound.model, space.bound.variant
    );
    for (k, v) in &space.base.params {
        cmd.push_str(&format!(" -p {k}={v}"));
    }
    for (s, v) in space.base.kernel.iter() {
        cmd.push_str(&format!(" --{} {v}", s.flag()));
    }
    cmd.push_str(&format!(" --cases {cases} --seed {seed}"));
    if let Some(n) = max_states {
        cmd.push_str(&format!(" --max-states {n}"));
    }
    if let Some(t) = timeout {
        cmd.push_str(&format!(" --timeout {t}"));
    }
    cmd
}
