//! `check --format json`, in order:
//!
//! - `begin`: `schema_version`, `command` (`"check"`), `model`, `variant`, `params` (object of
//!   numbers), `kernel` (object or null: `delivery`, `loss`, `replay`, `crashes`, `crash_mode`,
//!   `time`, `delta`, `horizon`), `xshard_version`.
//! - one `property` per property: `name`, `kind` (`always` | `terminal` | `sometimes` |
//!   `progress`), `status` (`holds` | `violated` | `witnessed` | `unwitnessed` |
//!   `inconclusive`), `length` (number of actions of the counterexample or witness path, or
//!   null), `path` (the encoded action path or null), `explanation` (one sentence, or null),
//!   and for a `progress` property judged on the explored graph `stuck_states` (how many
//!   reachable states can never reach a done state; absent for other kinds and under
//!   stateright's checker).
//! - one `counterexample` per violated property: the whole trace (see
//!   [`crate::trace::Counterexample`]) plus `files`: `json`, `dot` (paths of the written
//!   files) and `svg` (path or null when no SVG was rendered), or null when no files were
//!   written.
//! - one `cut` per kind of state the model's own bounds cut short (absent when none was):
//!   `cut` (`horizon`: a state at the clocked horizon with work pending; `copy_cap`: a send
//!   beyond `copies` copies of one message in flight), `states` (how many distinct states, or
//!   null when the engine cannot count them), `length` and `path` of an example (a shortest
//!   one under BFS), `explanation`, and `steps` (the example, decoded as a counterexample's).
//!   A cut makes every undecided verdict `inconclusive`, with `stopped_by` naming it.
//! - `summary`: `model`, `variant`, `params`, `verdict` (`holds` | `violated` |
//!   `inconclusive`), `stopped_by` (null or `max_states` | `max_depth` | `timeout` |
//!   `max_memory` | `interrupted` | `horizon` | `copy_cap`), `distinct_states`, `generated_states`, `max_depth`,
//!   `elapsed_secs`, `states_per_sec`, `peak_memory_bytes`, `bytes_per_state` (memory the run
//!   added per distinct state, or null), `spilled_bytes` (bytes of BFS levels and tree the
//!   run wrote to temporary files because they would have passed their share of
//!   `--max-memory`; 0 when nothing was spilled, always 0 under DFS), `symmetry` (true: the counts are up to symmetry),
//!   `engine` (`xshard` | `stateright`), `strategy`, `threads`,
//!   `fingerprint_collision_probability` (the birthday bound for the visited set's 63-bit
//!   fingerprints: the chance that some state was taken for another and never explored),
//!   and `note` only when a setting was legitimately a no-op (e.g. `crash-mode recover` with
//!   `crashes 0`), saying so.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use xshard_models::kernel::KernelConfig;
use xshard_properties::Kind;

use super::{line, SCHEMA_VERSION};
use crate::engine::{Bound, Status, Strategy};
use crate::run::{collision_probability, Checked, Verdict};
use crate::trace::Counterexample;

/// `begin`: what is checked.
#[derive(Debug, Serialize)]
pub struct Begin<'a> {
    /// The JSON Lines schema version.
    pub schema_version: u32,
    /// `"check"`.
    pub command: &'static str,
    /// The model.
    pub model: &'a str,
    /// The variant.
    pub variant: &'a str,
    /// Every parameter with its value.
    pub params: &'a BTreeMap<String, u32>,
    /// The kernel settings, for kernel models.
    pub kernel: Option<KernelConfig>,
    /// The version of xshard.
    pub xshard_version: &'static str,
}

/// `property`: one per property, in declaration order.
#[derive(Debug, Serialize)]
pub struct Property<'a> {
    /// The stable name.
    pub name: &'a str,
    /// `always`, `terminal`, `sometimes` or `progress`.
    pub kind: Kind,
    /// The verdict.
    pub status: Status,
    /// Actions of the counterexample or witness path.
    pub length: Option<usize>,
    /// The encoded action path.
    pub path: Option<&'a [usize]>,
    /// One sentence on what was found.
    pub explanation: Option<&'a str>,
    /// `progress` only: reachable states from which no done state is reachable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stuck_states: Option<u64>,
}

/// The files of a counterexample.
#[derive(Debug, Serialize)]
pub struct Files<'a> {
    /// The replayable JSON.
    pub json: &'a PathBuf,
    /// The DOT chart.
    pub dot: &'a PathBuf,
    /// The SVG chart, when rendered.
    pub svg: Option<&'a PathBuf>,
}

/// `counterexample`: one per violated property, the whole trace plus its files.
#[derive(Debug, Serialize)]
pub struct CounterexampleLine<'a> {
    /// The trace, as the counterexample file holds it.
    #[serde(flatten)]
    pub trace: &'a Counterexample,
    /// The files written, or null.
    pub files: Option<Files<'a>>,
}

/// `cut`: states the model's own bound cut short.
#[derive(Debug, Serialize)]
pub struct CutLine<'a> {
    /// `horizon` or `copy_cap`.
    pub cut: xshard_models::Cut,
    /// Distinct states cut, when the engine counts them.
    pub states: Option<u64>,
    /// Actions of the example path.
    pub length: usize,
    /// The example's encoded action path.
    pub path: &'a [usize],
    /// What was cut and what to raise.
    pub explanation: &'a str,
    /// The example, decoded.
    pub steps: &'a [xshard_models::Step],
}

/// `summary`: the verdict and the statistics.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    /// The model.
    pub model: &'a str,
    /// The variant.
    pub variant: &'a str,
    /// Every parameter with its value.
    pub params: &'a BTreeMap<String, u32>,
    /// The overall verdict.
    pub verdict: Verdict,
    /// The bound that cut the search short.
    pub stopped_by: Option<Bound>,
    /// Distinct states (up to symmetry when `symmetry`).
    pub distinct_states: u64,
    /// Generated states, duplicates included.
    pub generated_states: u64,
    /// The depth.
    pub max_depth: u64,
    /// Seconds of exploration.
    pub elapsed_secs: f64,
    /// Distinct states per second.
    pub states_per_sec: f64,
    /// Peak resident memory.
    pub peak_memory_bytes: Option<u64>,
    /// Memory added per distinct state.
    pub bytes_per_state: Option<f64>,
    /// Bytes written to temporary spill files (BFS levels and tree).
    pub spilled_bytes: u64,
    /// Whether the counts are up to symmetry.
    pub symmetry: bool,
    /// `xshard` or `stateright`.
    pub engine: &'a str,
    /// `bfs` or `dfs`.
    pub strategy: Strategy,
    /// Worker threads.
    pub threads: usize,
    /// The birthday bound of the visited set's 63-bit fingerprints.
    pub fingerprint_collision_probability: f64,
    /// Settings that were legitimately a no-op in this check, one sentence each joined by
    /// `; ` (absent when there are none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The whole stream of a check.
pub fn check(run: &Checked) -> String {
    let r = &run.resolved;
    let mut out = line(
        "begin",
        &Begin {
            schema_version: SCHEMA_VERSION,
            command: "check",
            model: r.model,
            variant: r.variant,
            params: &r.params,
            kernel: r.kernel,
            xshard_version: env!("CARGO_PKG_VERSION"),
        },
    );
    for p in &run.properties {
        out.push_str(&line(
            "property",
            &Property {
                name: p.name,
                kind: p.kind,
                status: p.status,
                length: p.length(),
                path: p.path.as_deref(),
                explanation: p.explanation(),
                stuck_states: p.stuck_states,
            },
        ));
    }
    out.push_str(&counterexamples(run));
    for c in &run.cuts {
        out.push_str(&line(
            "cut",
            &CutLine {
                cut: c.cut,
                states: c.states,
                length: c.example.len(),
                path: &c.example.path,
                explanation: &c.example.explanation,
                steps: &c.example.steps,
            },
        ));
    }
    let s = &run.stats;
    out.push_str(&line(
        "summary",
        &Summary {
            model: r.model,
            variant: r.variant,
            params: &r.params,
            verdict: run.verdict(),
            stopped_by: run.stopped_by,
            distinct_states: s.distinct_states,
            generated_states: s.generated_states,
            max_depth: s.max_depth,
            elapsed_secs: s.elapsed_secs,
            states_per_sec: s.states_per_sec(),
            peak_memory_bytes: s.peak_memory_bytes,
            bytes_per_state: s.bytes_per_state,
            spilled_bytes: s.spilled_bytes,
            symmetry: s.symmetry,
            engine: s.engine,
            strategy: s.strategy,
            threads: s.threads,
            fingerprint_collision_probability: collision_probability(s.distinct_states),
            note: (!run.notes.is_empty()).then(|| run.notes.join("; ")),
        },
    ));
    out
}

/// One `counterexample` line per violated property of `run`.
pub fn counterexamples(run: &Checked) -> String {
    let mut out = String::new();
    for p in run
        .properties
        .iter()
        .filter(|p| p.status == Status::Violated)
    {
        if let Some(t) = &p.trace {
            out.push_str(&counterexample(t, p.files.as_ref()));
        }
    }
    out
}

/// The `counterexample` line of `t` with its files.
pub fn counterexample(t: &Counterexample, files: Option<&crate::files::WrittenFiles>) -> String {
    let files = files.map(|f| Files {
        json: &f.json,
        dot: &f.dot,
        svg: f.svg.as_ref(),
    });
    line("counterexample", &CounterexampleLine { trace: t, files })
}
