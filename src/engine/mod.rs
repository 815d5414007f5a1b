//! The exploration engine: drives any [`Checkable`] model (a `stateright::Model` with xshard's
//! metadata) and reports, per property, a verdict and the action path of its counterexample or
//! witness.
//!
//! A run is described by an [`Engine`], a builder whose settings default to a sequential BFS
//! with no bounds but [`DEFAULT_MAX_MEMORY`], and started with [`Engine::check`]:
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use xshard::engine::{Engine, Strategy};
//! use xshard_models::tla::two_phase::{TwoPhase, Variant};
//!
//! let model = Arc::new(TwoPhase { rms: 3, variant: Variant::Default });
//! let report = Engine::new()
//!     .strategy(Strategy::Dfs)
//!     .threads(2)
//!     .timeout(Duration::from_secs(60))
//!     .check(&model)
//!     .expect("xshard's engine accepts every model");
//! assert_eq!(report.stats.distinct_states, 288);
//! ```
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
//!   every thread count and on every run. With symmetry reduction, levels hold canonical
//!   representatives and the rule applies to the canonical search; the path reported replays
//!   on concrete states, taking at each step the smallest action index that reaches the next
//!   canonical state.
//! - **DFS** ([`Strategy::Dfs`]) keeps only fingerprints of visited states and the current
//!   path, so it needs about half the memory; its counterexamples are valid but not shortest,
//!   and its `max_depth` statistic is the deepest search path, not TLC's depth.
//!
//! Both are parallel ([`Engine::threads`]) and both apply symmetry reduction through
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
//! interruption (a [`StopHandle`] given to [`Engine::stop_handle`]). Any of them ends the run
//! with [`Report::stopped_by`] set and every undecided property [`Status::Inconclusive`]; the
//! statistics are those reached so far.
//!
//! # Memory figures belong to the process
//!
//! The operating system reports resident memory per process, not per run, so
//! [`Stats::peak_memory_bytes`], [`Stats::bytes_per_state`] and the `max_memory` budget all
//! measure the whole process: checks running concurrently in one process (a suite run with
//! several jobs, say) see, and count against their budgets, each other's memory. A run's peak is
//! the largest resident size sampled while it ran (at its start, every 50 ms, before each
//! growth of the visited set and when the search ends); the engine never resets the kernel's
//! high-water mark or any other process-wide state, so runs cannot disturb each other's
//! figures beyond sharing them. For a figure that is one engine's alone, run one check per
//! process (as `benches/engines.rs` does).
//!
//! # Engines
//!
//! [`EngineKind::Stateright`] runs the same model under stateright 0.31's own DFS checker, as an
//! independent second engine for differential testing.

mod bfs;
mod control;
mod dfs;
mod expand;
pub mod fingerprint;
mod graph;
mod level;
mod path;
mod sr;
mod table;

/// Ends a run's monitor when dropped, on a normal return and on a panic alike.
struct Finish<'a> {
    ctl: &'a control::Control,
    monitor: &'a std::thread::Thread,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.ctl.finish();
        self.monitor.unpark();
    }
}

#[cfg(test)]
mod tests;
pub mod walk;

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use xshard_models::{Checkable, Cut};
use xshard_properties::Kind;

/// The exploration order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Breadth-first: shortest counterexamples.
    #[default]
    Bfs,
    /// Depth-first: low memory.
    Dfs,
}

impl Strategy {
    /// Every strategy, in the order choices are listed.
    pub const ALL: &'static [Strategy] = &[Strategy::Bfs, Strategy::Dfs];

    /// The name used in output and accepted by [`FromStr`] (its serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Bfs => "bfs",
            Strategy::Dfs => "dfs",
        }
    }
}

/// Which checker explores the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    /// xshard's own engine.
    #[default]
    Xshard,
    /// stateright 0.31's DFS checker (differential testing).
    Stateright,
}

impl EngineKind {
    /// Every engine, in the order choices are listed.
    pub const ALL: &'static [EngineKind] = &[EngineKind::Xshard, EngineKind::Stateright];

    /// The name used in output and accepted by [`FromStr`] (its serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Xshard => "xshard",
            EngineKind::Stateright => "stateright",
        }
    }
}

/// A name that is none of the choices of [`Strategy`] or [`EngineKind`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}' (expected one of: {})", .choices.join(", "))]
pub struct UnknownChoice {
    what: &'static str,
    given: String,
    choices: Vec<&'static str>,
}

/// Finds the choice named `s` among `all`, for both enums' [`FromStr`].
fn parse_choice<T: Copy>(
    what: &'static str,
    all: &[T],
    name: fn(T) -> &'static str,
    s: &str,
) -> Result<T, UnknownChoice> {
    all.iter()
        .copied()
        .find(|&c| name(c) == s)
        .ok_or_else(|| UnknownChoice {
            what,
            given: s.to_string(),
            choices: all.iter().map(|&c| name(c)).collect(),
        })
}

impl FromStr for Strategy {
    type Err = UnknownChoice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_choice("strategy", Strategy::ALL, Strategy::as_str, s)
    }
}

impl FromStr for EngineKind {
    type Err = UnknownChoice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_choice("engine", EngineKind::ALL, EngineKind::as_str, s)
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The default memory budget ([`Engine::max_memory`]): 8 GiB.
pub const DEFAULT_MAX_MEMORY: u64 = 8 << 30;

/// The settings of an [`Engine`], read through [`Engine::settings`].
///
/// They are set only through the builder methods of [`Engine`], which keep them consistent
/// (for instance `threads >= 1`); this struct is a read-only view of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// The exploration order ([`Engine::strategy`]).
    pub strategy: Strategy,
    /// Worker threads, at least 1 ([`Engine::threads`]).
    pub threads: usize,
    /// Whether states are reduced by the model's symmetry ([`Engine::symmetry`]).
    pub symmetry: bool,
    /// Stop before storing more than this many distinct states ([`Engine::max_states`]).
    pub max_states: Option<u64>,
    /// Check states up to this depth (initial states have depth 1), expand none deeper
    /// ([`Engine::max_depth`]).
    pub max_depth: Option<u64>,
    /// Stop after this long ([`Engine::timeout`]).
    pub timeout: Option<Duration>,
    /// Stop when the process's resident memory would exceed this many bytes
    /// ([`Engine::max_memory`]).
    pub max_memory: Option<u64>,
    /// Which checker explores ([`Engine::kind`]).
    pub kind: EngineKind,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            strategy: Strategy::Bfs,
            threads: 1,
            symmetry: false,
            max_states: None,
            max_depth: None,
            timeout: None,
            max_memory: Some(DEFAULT_MAX_MEMORY),
            kind: EngineKind::Xshard,
        }
    }
}

/// A callback receiving [`Progress`] reports.
type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// How to explore a model: a builder of settings, then [`Engine::check`].
///
/// Every builder method takes and returns the engine by value, so an unused result is a
/// mistake (the setting would be lost): hence `#[must_use]`. An engine holds no state of any
/// run: one engine can check several models, from several threads at once (it is `Clone`, and
/// `check` takes `&self`).
#[must_use]
#[derive(Clone, Default)]
pub struct Engine {
    settings: Settings,
    stop: Option<StopHandle>,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("settings", &self.settings)
            .field("stop_handle", &self.stop)
            .field("progress", &self.progress.as_ref().map(|_| "callback"))
            .finish()
    }
}

impl Engine {
    /// An engine with the default settings: BFS, 1 thread, no symmetry, no bounds but
    /// `max_memory = DEFAULT_MAX_MEMORY`, xshard's engine, no progress, no stop handle.
    pub fn new() -> Self {
        Self::default()
    }

    /// The exploration order.
    pub fn strategy(mut self, s: Strategy) -> Self {
        self.settings.strategy = s;
        self
    }

    /// Worker threads; 0 is taken as 1.
    pub fn threads(mut self, n: usize) -> Self {
        self.settings.threads = n.max(1);
        self
    }

    /// Reduce states by the model's symmetry ([`Checkable::representative`]); the counts are
    /// then up to symmetry. A model without symmetry is explored in full.
    pub fn symmetry(mut self, on: bool) -> Self {
        self.settings.symmetry = on;
        self
    }

    /// Stop before storing more than `n` distinct states (`None`: no bound).
    pub fn max_states(mut self, n: impl Into<Option<u64>>) -> Self {
        self.settings.max_states = n.into();
        self
    }

    /// Check states up to depth `n` (initial states have depth 1) and expand none deeper
    /// (`None`: no bound).
    pub fn max_depth(mut self, n: impl Into<Option<u64>>) -> Self {
        self.settings.max_depth = n.into();
        self
    }

    /// Stop after `t` (`None`: no bound).
    pub fn timeout(mut self, t: impl Into<Option<Duration>>) -> Self {
        self.settings.timeout = t.into();
        self
    }

    /// Stop when the process's resident memory would exceed `bytes` (`None`: no bound). The
    /// budget is the process's, shared with anything else it runs (see the
    /// [module documentation](self)).
    pub fn max_memory(mut self, bytes: impl Into<Option<u64>>) -> Self {
        self.settings.max_memory = bytes.into();
        self
    }

    /// Which checker explores: xshard's engine or stateright's DFS checker.
    pub fn kind(mut self, k: EngineKind) -> Self {
        self.settings.kind = k;
        self
    }

    /// Stop every run of this engine as soon as `h` is stopped, whether before or during the
    /// run; such a run reports [`Bound::Interrupted`]. The handle is the caller's: the engine
    /// never resets it, so a stopped handle stops every later run it is given to.
    pub fn stop_handle(mut self, h: StopHandle) -> Self {
        self.stop = Some(h);
        self
    }

    /// Report progress to `f`: about every 100 ms from a monitor thread while a run explores,
    /// then once more with [`Progress::done`] set and the final counts, from the thread that
    /// called [`Engine::check`], after the last periodic call. `f` should return quickly: the
    /// monitor also enforces the time and memory bounds.
    pub fn progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    /// The settings of this engine.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The stop handle given to [`Engine::stop_handle`], if any.
    pub fn get_stop_handle(&self) -> Option<&StopHandle> {
        self.stop.as_ref()
    }

    /// Whether a progress callback is set.
    pub fn has_progress(&self) -> bool {
        self.progress.is_some()
    }

    /// Explores `model`.
    ///
    /// # Errors
    ///
    /// If the settings cannot run on this model (see [`EngineError`]); nothing is explored
    /// then.
    pub fn check<M: Checkable>(&self, model: &Arc<M>) -> Result<Report, EngineError> {
        self.validate(&**model)?;
        let s = &self.settings;
        let mut io_error = None;
        let report = self.run(|ctl| {
            // The breadth-first search records the graph `progress` is judged on as it goes;
            // the depth-first search has no BFS order, so a breadth-first pass records it.
            let mut recorded = None;
            let mut report = match (s.kind, s.strategy) {
                (EngineKind::Stateright, _) => sr::run(model, s, ctl),
                (EngineKind::Xshard, Strategy::Bfs) => match bfs::run(&**model, s, ctl) {
                    Ok((r, rec)) => {
                        recorded = rec;
                        r
                    }
                    Err(e) => {
                        io_error = Some(e);
                        return empty_report(&**model);
                    }
                },
                (EngineKind::Xshard, Strategy::Dfs) => {
                    let r = dfs::run(&**model, s, ctl);
                    match bfs::graph_pass(&**model, s, ctl) {
                        Ok(rec) => recorded = rec,
                        Err(e) => io_error = Some(e),
                    }
                    r
                }
            };
            match s.kind {
                // stateright's checker judges states one by one: AG EF is beyond it.
                EngineKind::Stateright => {
                    for p in &mut report.properties {
                        if p.kind == Kind::Progress {
                            p.status = Status::Inconclusive;
                            p.path = None;
                        }
                    }
                }
                EngineKind::Xshard if io_error.is_none() => {
                    let props = &mut report.properties;
                    let sym = s.symmetry && model.has_symmetry();
                    if let Err(e) = graph::judge(&**model, sym, ctl, props, recorded) {
                        io_error = Some(e);
                    }
                }
                EngineKind::Xshard => {}
            }
            report
        });
        match io_error {
            Some(e) => Err(EngineError::Io(e)),
            None => Ok(report),
        }
    }

    fn validate<M: Checkable>(&self, model: &M) -> Result<(), EngineError> {
        if self.settings.kind != EngineKind::Stateright {
            return Ok(());
        }
        if self.settings.symmetry && model.stateright_symmetry().is_none() {
            return Err(EngineError::StaterightSymmetry);
        }
        let properties = model.properties().len();
        if properties > sr::MAX_PROPS {
            return Err(EngineError::TooManyProperties {
                properties,
                max: sr::MAX_PROPS,
            });
        }
        Ok(())
    }

    /// Runs `explore` with a monitor thread enforcing time and memory bounds and reporting
    /// progress, then fills in the memory statistics.
    fn run(&self, explore: impl FnOnce(&control::Control) -> Report) -> Report {
        let s = &self.settings;
        let ctl = control::Control::new(s, self.stop.clone());
        let label = format!(
            "{} {}",
            s.kind.as_str(),
            match (s.kind, s.strategy) {
                (EngineKind::Stateright, _) | (_, Strategy::Dfs) => "dfs",
                (_, Strategy::Bfs) => "bfs",
            }
        );
        let progress = self.progress.as_deref();
        let mut report = std::thread::scope(|scope| {
            let monitor = scope.spawn(|| ctl.monitor(progress, &label));
            // Finished on drop, so a panic in `explore` (a protocol's handler, say) also ends
            // the monitor: otherwise the scope would wait for it forever and the process hang
            // instead of exiting 101.
            let finish = Finish {
                ctl: &ctl,
                monitor: monitor.thread(),
            };
            let report = explore(&ctl);
            drop(finish);
            let _ = monitor.join();
            report
        });
        let st = &mut report.stats;
        let elapsed = ctl.start.elapsed();
        st.elapsed_secs = elapsed.as_secs_f64();
        st.peak_memory_bytes = ctl.peak();
        st.bytes_per_state = match (st.peak_memory_bytes, ctl.baseline, st.distinct_states) {
            (Some(peak), Some(base), n) if n > 0 => {
                Some(peak.saturating_sub(base) as f64 / n as f64)
            }
            _ => None,
        };
        st.spilled_bytes = ctl.spilled.load(Relaxed);
        st.symmetry = s.symmetry;
        st.threads = s.threads;
        if let Some(f) = progress {
            f(&Progress {
                label,
                distinct: st.distinct_states,
                generated: st.generated_states,
                depth: st.max_depth,
                elapsed,
                resident_bytes: control::rss(),
                stopping: report.stopped_by,
                done: true,
            });
        }
        report
    }
}

/// Asks the runs it was given to ([`Engine::stop_handle`]) to stop as soon as possible.
///
/// Clones share one flag, so a handle can be kept by whoever decides when to stop (a signal
/// handler, a test, a supervisor) while the engine holds another. The flag is never cleared:
/// use a fresh handle for runs that must not be stopped.
#[derive(Clone, Debug, Default)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    /// A handle that is not stopped.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops every run using this handle (or a clone of it), now and later. Only stores to an
    /// atomic, so it may be called from a signal handler.
    pub fn stop(&self) {
        self.0.store(true, Relaxed);
    }

    /// Whether [`StopHandle::stop`] has been called.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Relaxed)
    }
}

/// A snapshot of a running check, for [`Engine::progress`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Progress {
    /// The engine and the order, e.g. `xshard bfs` or `stateright dfs`.
    pub label: String,
    /// Distinct states so far.
    pub distinct: u64,
    /// Generated states so far (initial states plus every successor computed).
    pub generated: u64,
    /// The depth reached so far (see [`Stats::max_depth`]).
    pub depth: u64,
    /// Time since the run started.
    pub elapsed: Duration,
    /// The process's resident memory now, when the platform reports it.
    pub resident_bytes: Option<u64>,
    /// The bound that is stopping the run, once one has been hit.
    pub stopping: Option<Bound>,
    /// Whether this is the final report of the run (the counts are then the report's).
    pub done: bool,
}

/// Why an [`Engine`] cannot check a model; nothing was explored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// stateright's checker was asked for symmetry reduction, but the model has no
    /// [`Checkable::stateright_symmetry`] to give it.
    #[error(
        "this model has no symmetry function for stateright's checker; \
         use symmetry reduction with xshard's engine, or stateright's checker without it"
    )]
    StaterightSymmetry,
    /// A spill file (BFS levels and tree, or the graph pass's edge log) could not be written
    /// or read.
    #[error("cannot spill to a temporary file: {0}")]
    Io(#[from] std::io::Error),
    /// stateright's checker runs through an adapter with a fixed number of property slots.
    #[error(
        "stateright's checker supports at most {max} properties and this model has \
         {properties}; use xshard's engine"
    )]
    TooManyProperties {
        /// The model's properties.
        properties: usize,
        /// The most the adapter supports.
        max: usize,
    },
}

/// A bound that cut the search short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Bound {
    /// [`Engine::max_states`].
    MaxStates,
    /// [`Engine::max_depth`].
    MaxDepth,
    /// [`Engine::timeout`].
    Timeout,
    /// [`Engine::max_memory`].
    MaxMemory,
    /// The [`StopHandle`] was stopped.
    Interrupted,
    /// The model's clocked horizon: some state at the last tick still had work pending
    /// ([`Cut::Horizon`]).
    Horizon,
    /// The model's copy cap: some send found its channel full of copies ([`Cut::CopyCap`]).
    CopyCap,
}

impl Bound {
    /// The name used in output (its serde name), e.g. `max_states`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::MaxStates => "max_states",
            Bound::MaxDepth => "max_depth",
            Bound::Timeout => "timeout",
            Bound::MaxMemory => "max_memory",
            Bound::Interrupted => "interrupted",
            Bound::Horizon => "horizon",
            Bound::CopyCap => "copy_cap",
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
#[non_exhaustive]
pub struct PropertyResult {
    /// The property's name.
    pub name: &'static str,
    /// Invariant, terminal invariant or witness.
    pub kind: Kind,
    /// Its verdict.
    pub status: Status,
    /// The path to the counterexample or witness state, as stateright's `Path` encodes it: the
    /// index of the initial state, then the index of each action in `Model::actions`.
    pub path: Option<Vec<usize>>,
    /// `progress` properties judged on the explored graph: how many reachable states can
    /// never reach a done state (`None` for other kinds, or when the graph pass did not run).
    pub stuck_states: Option<u64>,
}

/// Statistics of a run.
#[derive(Clone, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct Stats {
    /// Initial states plus every successor computed, duplicates included (TLC's convention).
    pub generated_states: u64,
    /// Distinct states (up to symmetry when symmetry is on).
    pub distinct_states: u64,
    /// BFS: TLC's depth, the number of states on the longest shortest path from an initial
    /// state. DFS (both engines): the number of states on the deepest search path.
    pub max_depth: u64,
    /// Wall-clock seconds of the run.
    pub elapsed_secs: f64,
    /// The largest resident memory of the process sampled during the run, when the platform
    /// reports it (the process's, see the [module documentation](self)).
    pub peak_memory_bytes: Option<u64>,
    /// Memory the run added per distinct state: (peak resident memory − resident memory at
    /// the start of the run) / distinct states.
    pub bytes_per_state: Option<f64>,
    /// Bytes of BFS levels (and of the counterexample tree) written to temporary files
    /// because they would have passed their share of `max_memory` (0: nothing spilled; DFS
    /// never spills).
    pub spilled_bytes: u64,
    /// Whether the counts are up to symmetry.
    pub symmetry: bool,
    /// `xshard` or `stateright` ([`EngineKind::as_str`]).
    pub engine: &'static str,
    /// The exploration order (stateright's checker: always DFS).
    pub strategy: Strategy,
    /// Worker threads.
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
#[non_exhaustive]
pub struct Report {
    /// One per property of the model, in `Model::properties` order.
    pub properties: Vec<PropertyResult>,
    /// Counts, time and memory.
    pub stats: Stats,
    /// The bound that cut the search short, if one did. An engine bound (states, depth,
    /// time, memory, interruption) wins over a model bound (horizon, copy cap).
    pub stopped_by: Option<Bound>,
    /// The model's own bounds that cut states short ([`Checkable::cut`]): one entry per kind
    /// of cut that happened, with how many states and an example path.
    pub cuts: Vec<CutReport>,
}

/// States a model's own bound cut short ([`Checkable::cut`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CutReport {
    /// Which bound.
    pub cut: Cut,
    /// How many distinct states it cut (`None`: the engine cannot count them, as
    /// stateright's checker stops evaluating a property once it has a discovery).
    pub states: Option<u64>,
    /// The encoded path to one of them (BFS: a shortest one).
    pub path: Vec<usize>,
}

/// The report of a run that failed before it could count anything (its error is returned
/// instead).
fn empty_report<M: Checkable>(model: &M) -> Report {
    let kinds = kinds_with_cuts(model);
    let paths = vec![None; kinds.len()];
    report(
        &kinds,
        paths,
        Some(Bound::Interrupted),
        None,
        Counts {
            generated: 0,
            distinct: 0,
            depth: 0,
            engine: "xshard",
            strategy: Strategy::Bfs,
        },
    )
}

/// The bound a cut makes a run stop by.
fn cut_bound(c: Cut) -> Bound {
    match c {
        Cut::Horizon => Bound::Horizon,
        Cut::CopyCap => Bound::CopyCap,
    }
}

/// The model bounds the engines track, in the order of the pseudo-property slots that follow
/// the model's properties (see [`kinds_with_cuts`]).
pub(crate) const CUTS: [Cut; 2] = [Cut::Horizon, Cut::CopyCap];

/// The model's property kinds followed by one `sometimes` slot per [`CUTS`] entry, "hit" when a
/// state is cut that way: the engines then find, count and keep paths to cut states with the
/// machinery they use for witnesses.
pub(crate) fn kinds_with_cuts<M: Checkable>(model: &M) -> Vec<(&'static str, Kind)> {
    let mut kinds = model.property_kinds();
    kinds.extend(CUTS.map(|c| (c.as_str(), Kind::Sometimes)));
    kinds
}

/// Evaluates `state` into `out` (the model's properties, then the [`CUTS`] slots), counting a
/// cut state in `cut_states`, and returns its cut ([`Checkable::cut`], computed once here: a
/// state cut by the copy cap is not expanded). A state cut by the copy cap is not faithful,
/// so none of the model's properties is judged on it: its slots read as "fine" / "no
/// witness".
#[inline]
pub(crate) fn judge<M: Checkable>(
    model: &M,
    kinds: &[(&'static str, Kind)],
    cut_states: &[std::sync::atomic::AtomicU64; 2],
    state: &M::State,
    scratch: Option<&mut M::Scratch>,
    out: &mut Vec<bool>,
) -> Option<Cut> {
    let cut = model.cut(state);
    if cut == Some(Cut::CopyCap) {
        out.clear();
        out.extend(
            kinds[..kinds.len() - CUTS.len()]
                .iter()
                .map(|&(_, k)| k != Kind::Sometimes),
        );
    } else if let Some(scratch) = scratch {
        model.evaluate_in(state, scratch, out);
    } else {
        model.evaluate(state, out);
    }
    for (i, c) in CUTS.iter().enumerate() {
        let hit = cut == Some(*c);
        if hit {
            cut_states[i].fetch_add(1, Relaxed);
        }
        out.push(hit);
    }
    cut
}

/// A property hit: the condition is false for an invariant, true for a witness.
#[inline]
fn hit(kind: Kind, condition: bool) -> bool {
    match kind {
        Kind::Always | Kind::Terminal => !condition,
        Kind::Sometimes => condition,
        // Judged on the explored graph (`graph.rs`), never per state.
        Kind::Progress => false,
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
/// search was complete, and the statistics every engine reports. `kinds` and `paths` end with
/// the [`CUTS`] slots ([`kinds_with_cuts`]); `cut_states` counts them (`None`: uncounted).
fn report(
    kinds: &[(&'static str, Kind)],
    mut paths: Vec<Option<Vec<usize>>>,
    engine_stop: Option<Bound>,
    cut_states: Option<[u64; 2]>,
    c: Counts,
) -> Report {
    let nprops = kinds.len() - CUTS.len();
    let cut_paths = paths.split_off(nprops.min(paths.len()));
    let cuts: Vec<CutReport> = CUTS
        .iter()
        .zip(cut_paths)
        .enumerate()
        .filter_map(|(i, (&cut, path))| {
            path.map(|path| CutReport {
                cut,
                states: cut_states.map(|n| n[i]),
                path,
            })
        })
        .collect();
    let stopped_by = engine_stop.or_else(|| cuts.first().map(|c| cut_bound(c.cut)));
    let complete = stopped_by.is_none();
    let properties = kinds[..nprops]
        .iter()
        .zip(paths)
        .map(|(&(name, kind), path)| PropertyResult {
            name,
            kind,
            status: status(kind, path.is_some(), complete),
            path,
            stuck_states: None,
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
        cuts,
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
