//! `xshard fuzz`: random walks through one configuration, the first violating walk shrunk and
//! confirmed by a breadth-first search bounded by its length.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::any;
use proptest::test_runner::{TestCaseError, TestError};
use xshard_models::Resolved;

use crate::engine::walk::Walk;
use crate::engine::{Engine, Status};
use crate::files::{self, Render, WrittenFiles};
use crate::registry::Registry;
use crate::run::{self, Checked, RunError};
use crate::trace::Counterexample;

/// How to fuzz.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FuzzOptions {
    /// Walks to run (proptest's `cases`).
    pub walks: u32,
    /// The most actions a walk takes.
    pub depth: u32,
    /// The seed of the runner's ChaCha RNG.
    pub seed: u64,
    /// Stop drawing walks after this long (`None`: run them all). Wall-clock, so a run it
    /// stops is not reproducible; the seed and walk count are.
    pub timeout: Option<Duration>,
    /// The engine of the confirming search (its state budget, threads, stop handle); the
    /// depth bound is set from the shrunk walk.
    pub engine: Engine,
}

impl FuzzOptions {
    /// `walks` walks of at most `depth` actions from `seed`; the confirming search runs on
    /// `engine`.
    pub fn new(walks: u32, depth: u32, seed: u64, engine: Engine) -> Self {
        FuzzOptions {
            walks,
            depth,
            seed,
            timeout: None,
            engine,
        }
    }

    /// Stops drawing walks after `t`.
    pub fn timeout(mut self, t: Option<Duration>) -> Self {
        self.timeout = t;
        self
    }
}

/// A violating walk, shrunk and confirmed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FuzzFailure {
    /// The property the walk violated.
    pub property: &'static str,
    /// The walk's length before shrinking.
    pub first_steps: usize,
    /// The shrunk choice vector (replayable: the same choices give the same walk), after
    /// proptest's shrinking and the deletion of every action the violation does not need.
    pub choices: Vec<u32>,
    /// The shrunk walk, decoded.
    pub walk: Counterexample,
    /// The search bounded by the shrunk walk's length: every property it found violated
    /// within it, with its shortest counterexample there.
    pub confirm: Checked,
    /// The shrunk walk's files, written when the bounded search did not confirm it.
    pub walk_files: Option<WrittenFiles>,
}

impl FuzzFailure {
    /// The length of the shortest counterexample of the walk's property: the bounded
    /// search's when it found one (never longer than the walk), else the walk's.
    pub fn shortest(&self) -> usize {
        self.confirm
            .property(self.property)
            .filter(|p| p.status == Status::Violated)
            .and_then(|p| p.length())
            .unwrap_or(self.walk.len())
    }

    /// Whether the bounded search confirmed the violation.
    pub fn confirmed(&self) -> bool {
        self.confirm
            .property(self.property)
            .is_some_and(|p| p.status == Status::Violated)
    }
}

/// What a fuzz run found.
#[derive(Debug)]
#[non_exhaustive]
pub struct FuzzReport {
    /// The configuration walked.
    pub resolved: Resolved,
    /// The seed.
    pub seed: u64,
    /// Walks asked for.
    pub walks: u32,
    /// The most actions per walk.
    pub depth: u32,
    /// Walks run before the first violation (all of them when none).
    pub walks_run: u64,
    /// The deepest walk, in actions.
    pub deepest: usize,
    /// The shrunk, confirmed violation, if a walk found one.
    pub failure: Option<FuzzFailure>,
    /// Whether the timeout or Ctrl-C stopped it early.
    pub stopped: bool,
}

/// Fuzzes `resolved`.
pub fn run_fuzz(
    registry: &Registry,
    resolved: &Resolved,
    opts: &FuzzOptions,
) -> Result<FuzzReport, RunError> {
    let built = registry.build(resolved)?;
    let infos = built.property_info();
    let started = Instant::now();
    let stopped = || {
        opts.timeout.is_some_and(|t| started.elapsed() >= t)
            || opts
                .engine
                .get_stop_handle()
                .is_some_and(|h| h.is_stopped())
    };
    // (walks run before the first failure, deepest walk, first failure's length, failed)
    let state = RefCell::new((0u64, 0usize, 0usize, false, false));
    let test = |choices: Vec<u32>| -> Result<(), TestCaseError> {
        let mut s = state.borrow_mut();
        if !s.3 && stopped() {
            s.4 = true;
            return Ok(());
        }
        let w: Walk = built.walk(&choices);
        if !s.3 {
            s.0 += 1;
            s.1 = s.1.max(w.steps());
        }
        match w.violated {
            Some(_) => {
                if !s.3 {
                    s.3 = true;
                    s.2 = w.steps();
                }
                Err(TestCaseError::fail("violated"))
            }
            None => Ok(()),
        }
    };
    // The first choice picks the initial state, the second is the swarm mask, the others
    // pick the actions.
    let strategy = vec(any::<u32>(), 2..=opts.depth as usize + 2);
    let mut runner = super::runner(opts.seed, opts.walks, 65_536, None);
    let result = runner.run(&strategy, test);
    let (walks_run, deepest, first_steps, _, stopped_early) = state.into_inner();
    let failure = match result {
        Err(TestError::Fail(_, shrunk)) => {
            let choices = built.minimise_walk(&shrunk);
            let w = built.walk(&choices);
            let index = w.violated.ok_or_else(|| RunError::Undecodable {
                model: resolved.model.to_string(),
                property: "the shrunk walk".to_string(),
            })?;
            let property = infos[index].name;
            let walk =
                built
                    .trace(resolved, index, &w.path)
                    .ok_or_else(|| RunError::Undecodable {
                        model: resolved.model.to_string(),
                        property: property.to_string(),
                    })?;
            // Initial states have depth 1: a path of n actions ends at depth n + 1. In the
            // quotient by the model's symmetry a breadth-first search reaches a violation of
            // a symmetric property at the same depth as in the full model (each state's
            // orbit is at one depth), so the confirming search uses it when there is one.
            let engine = opts
                .engine
                .clone()
                .max_depth(w.steps() as u64 + 1)
                .symmetry(built.has_symmetry());
            let confirm = run::check_resolved(registry, resolved, &engine)?;
            Some(FuzzFailure {
                property,
                first_steps,
                choices,
                walk,
                confirm,
                walk_files: None,
            })
        }
        _ => None,
    };
    Ok(FuzzReport {
        resolved: resolved.clone(),
        seed: opts.seed,
        walks: opts.walks,
        depth: opts.depth,
        walks_run,
        deepest,
        failure,
        stopped: stopped_early,
    })
}

/// The command that runs this fuzz again with the binary `program` (`defaults`: the model's
/// default kernel settings, which the command may leave out).
pub fn fuzz_command(
    program: &str,
    report: &FuzzReport,
    defaults: Option<&xshard_models::kernel::KernelConfig>,
) -> String {
    format!(
        "{} --walks {} --depth {} --seed {}",
        run::command_line(program, "fuzz", &report.resolved, defaults),
        report.walks,
        report.depth,
        report.seed
    )
}

impl FuzzReport {
    /// Writes the counterexample files: the bounded search's (every property it found
    /// violated, each shortest within the walk's length) when it confirmed the walk, else the
    /// shrunk walk's.
    pub fn write_files(
        &mut self,
        out: &std::path::Path,
        render: Render,
        program: &str,
    ) -> Result<(), RunError> {
        if let Some(f) = &mut self.failure {
            if f.confirmed() {
                f.confirm.write_files(out, render, program)?;
            } else {
                f.walk_files = Some(files::write_counterexample(&f.walk, out, render, program)?);
            }
        }
        Ok(())
    }

    /// The files of the shortest counterexample found, once written.
    pub fn files(&self) -> Option<&WrittenFiles> {
        let f = self.failure.as_ref()?;
        f.confirm
            .property(f.property)
            .and_then(|p| p.files.as_ref())
            .or(f.walk_files.as_ref())
    }

    /// `no violation found in N walks of depth D`, or the violation found.
    pub fn status_text(&self) -> String {
        match &self.failure {
            Some(f) => format!("violated {} ({} steps)", f.property, f.shortest()),
            None => format!(
                "no violation found in {} walks of depth {}",
                self.walks_run, self.depth
            ),
        }
    }
}
