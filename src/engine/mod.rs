//! The exploration engine: drives any [`Checkable`] model (a `stateright::Model` with xshard's
//! metadata) and reports, per property, a verdict and the action path of its counterexample or
//! witness.
//!
//! Verdicts are honest: `holds` only after an exhaustive search within the model's own bounds; a
//! run cut short by a bound is `inconclusive` and names the bound (DESIGN.md, "The engine").
//!
//! # Strategies
//!
//! - **BFS** ([`Strategy::Bfs`], the default) explores level by level (level `d` holds the
//!   states whose shortest path from an initial state has `d` states) and returns, for every
//!   violated property, a counterexample of minimum length. Among the minimum-length paths it
//!   returns **the lexicographically smallest encoded action path** (initial-state index first,
//!   then action indices in `Model::actions` order) that ends in a violating state. That is
//!   exactly what a sequential FIFO search finds when it expands states in order and tries
//!   actions in index order; the parallel search computes exactly the same levels (an ordered
//!   pipeline over partitions of the visited set, see `bfs.rs`), so the path is the same for
//!   every thread count and on every run. With
//!   `--symmetry`, levels hold canonical representatives and the rule applies to the canonical
//!   search; the path reported replays on concrete states, taking at each step the smallest
//!   action index that reaches the next canonical state.
//! - **DFS** ([`Strategy::Dfs`]) keeps only fingerprints of visited states and the current
//!   path, so it needs about half the memory; its counterexamples are valid but not shortest,
//!   and its `max_depth` statistic is the deepest search path, not TLC's depth.
//!
//! Both are parallel (`threads`) and both apply symmetry reduction through
//! [`Checkable::representative`]. The visited set holds 63-bit fingerprints (see
//! [`fingerprint`]); BFS additionally keeps 8 bytes per state (parent position and action
//! index) so that every counterexample can be rebuilt.
//!
//! # Bounds
//!
//! `max_states` (distinct states stored), `max_depth` (inclusive; initial states have depth 1:
//! states at depth `max_depth` are checked but not expanded, and the bound counts as hit only if
//! one of them has a successor that was not otherwise reached), `timeout`, `max_memory`
//! (resident memory, sampled every 50 ms and checked before the visited set grows) and
//! interruption ([`interrupt`], Ctrl-C in the CLI). Any of them ends the run with
//! [`Report::stopped_by`] set and every undecided property [`Status::Inconclusive`]; the
//! statistics are those reached so far.
//!
//! # Engines
//!
//! [`EngineKind::Stateright`] runs the same model under stateright 0.31's own DFS checker, as an
//! independent second engine for differential testing (see [`check_arc`]).

mod bfs;
mod control;
mod dfs;
pub mod fingerprint;
mod shim;
mod sr;
mod table;

pub use shim::{Engine, EngineError};

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use xshard_models::Checkable;
use xshard_properties::Kind;

/// The exploration order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Breadth-first: shortest counterexamples.
    #[default]
    Bfs,
    /// Depth-first: low memory.
    Dfs,
}

/// Which checker explores the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    /// xshard's own engine.
    #[default]
    Xshard,
    /// stateright 0.31's DFS checker (differential testing).
    Stateright,
}

impl EngineKind {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Xshard => "xshard",
            EngineKind::Stateright => "stateright",
        }
    }
}

/// The default `--max-memory`: 8 GiB.
pub const DEFAULT_MAX_MEMORY: u64 = 8 << 30;

/// How to explore.
#[derive(Clone, Debug)]
pub struct Options {
    pub strategy: Strategy,
    pub threads: usize,
    pub symmetry: bool,
    /// Stop before storing more than this many distinct states.
    pub max_states: Option<u64>,
    /// Check states up to this depth (initial states have depth 1), expand none deeper.
    pub max_depth: Option<u64>,
    pub timeout: Option<Duration>,
    /// Stop when the process's resident memory would exceed this many bytes.
    pub max_memory: Option<u64>,
    pub engine: EngineKind,
    /// Show progress on stderr (a bar on a terminal, a line every 5 s otherwise).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            strategy: Strategy::Bfs,
            threads: 1,
            symmetry: false,
            max_states: None,
            max_depth: None,
            timeout: None,
            max_memory: Some(DEFAULT_MAX_MEMORY),
            engine: EngineKind::Xshard,
            progress: false,
        }
    }
}

/// A bound that cut the search short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    MaxStates,
    MaxDepth,
    Timeout,
    MaxMemory,
    Interrupted,
}

impl Bound {
    /// The flag or event that names the bound in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Bound::MaxStates => "--max-states",
            Bound::MaxDepth => "--max-depth",
            Bound::Timeout => "--timeout",
            Bound::MaxMemory => "--max-memory",
            Bound::Interrupted => "interrupted",
        }
    }
}

/// A property's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An invariant held in every reachable state (exhaustive search).
    Holds,
    /// An invariant failed in a reachable state.
    Violated,
    /// A witness was found.
    Witnessed,
    /// No reachable state is a witness (exhaustive search): the model is vacuous here.
    Unwitnessed,
    /// The search was cut short before the property was decided.
    Inconclusive,
}

impl Status {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Holds => "holds",
            Status::Violated => "violated",
            Status::Witnessed => "witnessed",
            Status::Unwitnessed => "unwitnessed",
            Status::Inconclusive => "inconclusive",
        }
    }

    /// Whether this status fails the check.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Violated | Status::Unwitnessed)
    }
}

/// The result for one property.
#[derive(Clone, Debug)]
pub struct PropertyResult {
    pub name: &'static str,
    pub kind: Kind,
    pub status: Status,
    /// The path to the counterexample or witness state, as stateright's `Path` encodes it: the
    /// index of the initial state, then the index of each action in `Model::actions`.
    pub path: Option<Vec<usize>>,
}

/// Statistics of a run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// Initial states plus every successor computed, duplicates included (TLC's convention).
    pub generated_states: u64,
    /// Distinct states (up to symmetry when symmetry is on).
    pub distinct_states: u64,
    /// BFS: TLC's depth, the number of states on the longest shortest path from an initial
    /// state. DFS (both engines): the number of states on the deepest search path.
    pub max_depth: u64,
    pub elapsed_secs: f64,
    /// Peak resident memory of the process during the run, when the platform reports it.
    pub peak_memory_bytes: Option<u64>,
    /// Memory the run added per distinct state: (peak resident memory − resident memory at
    /// the start of the run) / distinct states.
    pub bytes_per_state: Option<f64>,
    pub symmetry: bool,
    pub engine: &'static str,
    pub strategy: Strategy,
    pub threads: usize,
}

impl Stats {
    /// Distinct states per second.
    pub fn states_per_sec(&self) -> f64 {
        if self.elapsed_secs > 0.0 {
            self.distinct_states as f64 / self.elapsed_secs
        } else {
            0.0
        }
    }
}

/// The result of a run.
#[derive(Clone, Debug)]
pub struct Report {
    pub properties: Vec<PropertyResult>,
    pub stats: Stats,
    /// The bound that cut the search short, if one did.
    pub stopped_by: Option<Bound>,
}

/// Explores `model` under `opts` with xshard's engine.
///
/// # Panics
///
/// If `opts.engine` is [`EngineKind::Stateright`]: stateright's checker needs to own the
/// model, so use [`check_arc`] for it.
pub fn check<M: Checkable>(model: &M, opts: &Options) -> Report {
    assert!(
        opts.engine == EngineKind::Xshard,
        "engine::check runs xshard's engine; use engine::check_arc for --engine stateright"
    );
    run(opts, |ctl| match opts.strategy {
        Strategy::Bfs => bfs::run(model, opts, ctl),
        Strategy::Dfs => dfs::run(model, opts, ctl),
    })
}

/// Explores `model` under `opts` with the engine `opts.engine` names.
///
/// # Panics
///
/// If [`validate`] rejects the options (the CLI validates first).
pub fn check_arc<M: Checkable>(model: &Arc<M>, opts: &Options) -> Report {
    match opts.engine {
        EngineKind::Xshard => check(&**model, opts),
        EngineKind::Stateright => {
            if let Err(e) = validate(&**model, opts) {
                panic!("{e}");
            }
            run(opts, |ctl| sr::run(model, opts, ctl))
        }
    }
}

/// Checks that `opts` can run on `model`: `--engine stateright --symmetry` needs the model's
/// [`Checkable::stateright_symmetry`].
pub fn validate<M: Checkable>(model: &M, opts: &Options) -> Result<(), String> {
    if opts.engine == EngineKind::Stateright
        && opts.symmetry
        && model.stateright_symmetry().is_none()
    {
        return Err(
            "this model has no symmetry function for stateright's checker; \
                    run --symmetry with --engine xshard, or --engine stateright without it"
                .to_string(),
        );
    }
    Ok(())
}

/// Asks every running and future check of this process to stop as soon as possible; their
/// reports say `stopped_by: interrupted`. The CLI calls this on Ctrl-C.
pub fn interrupt() {
    control::INTERRUPTED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Runs `engine` with a monitor thread enforcing time and memory bounds and drawing progress,
/// then fills in the memory statistics.
fn run(opts: &Options, engine: impl FnOnce(&control::Control) -> Report) -> Report {
    let ctl = control::Control::new(opts);
    let label = format!(
        "{} {}",
        opts.engine.as_str(),
        match (opts.engine, opts.strategy) {
            (EngineKind::Stateright, _) | (_, Strategy::Dfs) => "dfs",
            (_, Strategy::Bfs) => "bfs",
        }
    );
    let mut report = std::thread::scope(|s| {
        let monitor = s.spawn(|| ctl.monitor(opts.progress, &label));
        let report = engine(&ctl);
        ctl.finish();
        monitor.thread().unpark();
        let _ = monitor.join();
        report
    });
    let st = &mut report.stats;
    st.elapsed_secs = ctl.start.elapsed().as_secs_f64();
    st.peak_memory_bytes = ctl.peak();
    st.bytes_per_state = match (st.peak_memory_bytes, st.distinct_states) {
        (Some(peak), n) if n > 0 => Some(peak.saturating_sub(ctl.baseline) as f64 / n as f64),
        _ => None,
    };
    st.symmetry = opts.symmetry;
    st.threads = opts.threads.max(1);
    report
}

/// Peak resident set size of this process in bytes (Linux `VmHWM`), if known.
pub fn peak_memory() -> Option<u64> {
    control::status_kb("VmHWM:").map(|kb| kb * 1024)
}

/// A property hit: the condition is false for an invariant, true for a witness.
#[inline]
fn hit(kind: Kind, condition: bool) -> bool {
    match kind {
        Kind::Always | Kind::Terminal => !condition,
        Kind::Sometimes => condition,
    }
}

/// The verdict of a property from whether it was hit and whether the search was complete.
fn status(kind: Kind, hit: bool, complete: bool) -> Status {
    match (kind, hit, complete) {
        (Kind::Sometimes, true, _) => Status::Witnessed,
        (_, true, _) => Status::Violated,
        (_, false, false) => Status::Inconclusive,
        (Kind::Sometimes, false, true) => Status::Unwitnessed,
        (_, false, true) => Status::Holds,
    }
}

/// Counts of a finished (or stopped) run, as each engine measured them.
struct Counts {
    generated: u64,
    distinct: u64,
    depth: u64,
    engine: &'static str,
    strategy: Strategy,
}

/// Assembles a report: each property's status from whether a path was found and whether the
/// search was complete, and the statistics every engine reports.
fn report(
    kinds: &[(&'static str, Kind)],
    paths: Vec<Option<Vec<usize>>>,
    stopped_by: Option<Bound>,
    c: Counts,
) -> Report {
    let complete = stopped_by.is_none();
    let properties = kinds
        .iter()
        .zip(paths)
        .map(|(&(name, kind), path)| PropertyResult {
            name,
            kind,
            status: status(kind, path.is_some(), complete),
            path,
        })
        .collect();
    Report {
        properties,
        stats: Stats {
            generated_states: c.generated,
            distinct_states: c.distinct,
            max_depth: c.depth,
            engine: c.engine,
            strategy: c.strategy,
            ..Stats::default()
        },
        stopped_by,
    }
}

/// The successors of `state`: `(action index, next state)` for every action whose next state
/// exists and is within the model's boundary. Action indices count every action of
/// `Model::actions`, as stateright's paths do.
#[inline]
fn successors<M: Checkable>(
    model: &M,
    state: &M::State,
    actions: &mut Vec<M::Action>,
    out: &mut Vec<(u32, M::State)>,
) {
    actions.clear();
    model.actions(state, actions);
    for (i, a) in actions.drain(..).enumerate() {
        if let Some(next) = model.next_state(state, a) {
            if model.within_boundary(&next) {
                out.push((i as u32, next));
            }
        }
    }
}

/// Re-executes an encoded path on `model`: the states along it (initial state first), or the
/// index of the first entry that does not name an enabled action.
pub fn replay_path<M: Checkable>(
    model: &M,
    path: &[usize],
) -> Result<Vec<(M::State, Option<M::Action>)>, usize> {
    let inits = model.init_states();
    let first = *path.first().ok_or(0usize)?;
    let mut state = inits.get(first).cloned().ok_or(0usize)?;
    let mut out = Vec::with_capacity(path.len());
    let mut actions = Vec::new();
    for (i, &idx) in path.iter().enumerate().skip(1) {
        actions.clear();
        model.actions(&state, &mut actions);
        let action = actions.get(idx).cloned().ok_or(i)?;
        let next = model.next_state(&state, action.clone()).ok_or(i)?;
        out.push((state, Some(action)));
        state = next;
    }
    out.push((state, None));
    Ok(out)
}
