//! The exploration engine: drives any [`Checkable`] model (a `stateright::Model` with xshard's
//! metadata) and reports, per property, a verdict and the action path of its counterexample or
//! witness.
//!
//! Verdicts are honest: `holds` only after an exhaustive search within the model's own bounds; a
//! run cut short by a bound is `inconclusive` and names the bound (DESIGN.md, "The engine").

mod bfs;

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

/// How to explore.
#[derive(Clone, Debug)]
pub struct Options {
    pub strategy: Strategy,
    pub threads: usize,
    pub symmetry: bool,
    pub max_states: Option<u64>,
    pub max_depth: Option<u64>,
    pub timeout: Option<Duration>,
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
    /// TLC's depth: the number of states on the longest shortest path from an initial state.
    pub max_depth: u64,
    pub elapsed_secs: f64,
    /// Peak resident memory of the process, when the platform reports it.
    pub peak_memory_bytes: Option<u64>,
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

/// Explores `model` under `opts`.
pub fn check<M: Checkable>(model: &M, opts: &Options) -> Report {
    bfs::run(model, opts)
}

/// Peak resident set size of this process in bytes (Linux `VmHWM`), if known.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
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
