//! The run layer: what every command does with a model, once. Resolve the request and build
//! the model through the [`Registry`], explore it with the [`Engine`], assemble one
//! [`PropertyOutcome`] per property (status, path, decoded trace, files), write the
//! counterexample files, replay a file. `check`, `gate`, `replay`, the regeneration example
//! and a user's own binary all call this; none re-implements it, and nothing here prints.

mod rerun;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use xshard_models::kernel::{KernelConfig, KernelOverrides, MAX_HORIZON};
use xshard_models::{ConfigError, Cut, Request, Resolved};
use xshard_properties::Kind;

pub use rerun::{bound_text, command_line, rerun_command};

use crate::engine::{Bound, Engine, EngineError, Stats, Status};
use crate::files::{self, Render, TraceError, WrittenFiles};
use crate::registry::Registry;
use crate::trace::replay::{ReplayError, ReplayOutcome};
use crate::trace::Counterexample;

/// Why a run could not produce a result (exit code 2). A violated property is a result, not
/// an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The request does not name a valid model configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The engine refused its settings for this model.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// Counterexample files could not be written or read.
    #[error(transparent)]
    Files(#[from] TraceError),
    /// A counterexample file does not replay.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// The engine found a path that does not decode: a bug in the engine or the model's
    /// `decode`.
    #[error(
        "the path found for property {property} of model {model} does not replay: this is a bug"
    )]
    Undecodable {
        /// The model.
        model: String,
        /// The property.
        property: String,
    },
}

/// Everything known about one property after a check.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PropertyOutcome {
    /// The stable name.
    pub name: &'static str,
    /// How it is judged.
    pub kind: Kind,
    /// One sentence: what it states.
    pub statement: &'static str,
    /// The verdict.
    pub status: Status,
    /// The engine's encoded path to the counterexample or witness.
    pub path: Option<Vec<usize>>,
    /// The decoded path (violations and witnesses).
    pub trace: Option<Counterexample>,
    /// The files written for a violation (after [`Checked::write_files`]).
    pub files: Option<WrittenFiles>,
    /// For a `progress` property judged on the explored graph: the reachable states from
    /// which no done state is reachable.
    pub stuck_states: Option<u64>,
}

impl PropertyOutcome {
    /// The number of actions of the counterexample or witness.
    pub fn length(&self) -> Option<usize> {
        self.path.as_ref().map(|p| p.len().saturating_sub(1))
    }

    /// The one-sentence explanation, when there is a trace.
    pub fn explanation(&self) -> Option<&str> {
        self.trace.as_ref().map(|t| t.explanation.as_str())
    }
}

/// The overall verdict of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Exhaustive search: every invariant holds and every witness was found.
    Holds,
    /// An invariant is violated or a witness is missing.
    Violated,
    /// A bound was hit before anything failed.
    Inconclusive,
}

impl Verdict {
    /// The exit code for this verdict.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Holds => crate::exit::OK,
            Verdict::Violated => crate::exit::VIOLATED,
            Verdict::Inconclusive => crate::exit::INCONCLUSIVE,
        }
    }

    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Violated => "violated",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// States a model's own bound cut short, so that the search did not cover what followed them.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CutOutcome {
    /// Which bound.
    pub cut: Cut,
    /// How many distinct states it cut (`None`: the engine cannot tell).
    pub states: Option<u64>,
    /// The path to one of them, decoded.
    pub example: Counterexample,
}

/// A finished check.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Checked {
    /// What was checked.
    pub resolved: Resolved,
    /// One record per property, in declaration order.
    pub properties: Vec<PropertyOutcome>,
    /// The engine's statistics.
    pub stats: Stats,
    /// The bound that cut the search short, if one did.
    pub stopped_by: Option<Bound>,
    /// States the model's own bounds (horizon, copy cap) cut short, with an example each.
    pub cuts: Vec<CutOutcome>,
    /// The model's default kernel settings, so the re-run command can leave out what is the
    /// default and still reproduce the check.
    pub default_kernel: Option<KernelConfig>,
    /// One line for each setting that was legitimately a no-op in this check (e.g. a crash
    /// mode with no crash budget): shown, so that the report does not imply it was exercised.
    pub notes: Vec<String>,
}

impl Checked {
    /// A result for `resolved` that no single exhaustive check produced (a sweep that found
    /// nothing, a fuzz run): every property of `infos` gets `status`, nothing was explored
    /// here, and `stopped_by` says why an undecided status is undecided.
    pub fn unexplored(
        resolved: Resolved,
        infos: &[xshard_models::PropertyInfo],
        status: Status,
        stopped_by: Option<Bound>,
        default_kernel: Option<KernelConfig>,
    ) -> Checked {
        Checked {
            resolved,
            properties: infos
                .iter()
                .map(|i| PropertyOutcome {
                    name: i.name,
                    kind: i.kind,
                    statement: i.statement,
                    status,
                    path: None,
                    trace: None,
                    files: None,
                    stuck_states: None,
                })
                .collect(),
            stats: Stats::default(),
            stopped_by,
            cuts: Vec::new(),
            default_kernel,
            notes: Vec::new(),
        }
    }

    /// The command that re-runs this check with the binary `program`.
    pub fn rerun_command(&self, program: &str) -> String {
        rerun_command(program, &self.resolved, self.default_kernel.as_ref())
    }

    /// The overall verdict.
    pub fn verdict(&self) -> Verdict {
        if self.properties.iter().any(|p| p.status.is_failure()) {
            Verdict::Violated
        } else if self.stopped_by.is_some()
            || self
                .properties
                .iter()
                .any(|p| p.status == Status::Inconclusive)
        {
            Verdict::Inconclusive
        } else {
            Verdict::Holds
        }
    }

    /// The properties that failed (violated or unwitnessed), in order.
    pub fn failed(&self) -> Vec<&'static str> {
        self.properties
            .iter()
            .filter(|p| p.status.is_failure())
            .map(|p| p.name)
            .collect()
    }

    /// The outcome of property `name`.
    pub fn property(&self, name: &str) -> Option<&PropertyOutcome> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// Writes the files of every violated property's counterexample under `out`; the charts
    /// name `program`'s replay command.
    pub fn write_files(
        &mut self,
        out: &Path,
        render: Render,
        program: &str,
    ) -> Result<(), RunError> {
        for p in &mut self.properties {
            if let (Status::Violated, Some(t)) = (p.status, &p.trace) {
                p.files = Some(files::write_counterexample(t, out, render, program)?);
            }
        }
        Ok(())
    }

    /// Every written file set, in property order.
    pub fn files(&self) -> impl Iterator<Item = &WrittenFiles> {
        self.properties.iter().filter_map(|p| p.files.as_ref())
    }
}

/// Builds and checks model `model` for `req` with `engine`.
pub fn check(
    registry: &Registry,
    model: &str,
    req: &Request,
    engine: &Engine,
) -> Result<Checked, RunError> {
    let resolved = registry.resolve(model, req)?;
    check_resolved(registry, &resolved, engine)
}

/// Checks an already resolved configuration.
pub fn check_resolved(
    registry: &Registry,
    resolved: &Resolved,
    engine: &Engine,
) -> Result<Checked, RunError> {
    let built = registry.build(resolved)?;
    let mut notes = built.notes().to_vec();
    if engine.settings().symmetry && !built.has_symmetry() {
        if !built.declares_symmetry() {
            return Err(crate::registry::no_symmetry(resolved.model).into());
        }
        notes.push(format!(
            "symmetry has no effect on model '{}' at these parameters: each group of \
             interchangeable nodes has one node",
            resolved.model
        ));
    }
    let mut resolved = resolved.clone();
    let (built, report, raised) = deepen(registry, built, &mut resolved, engine)?;
    let resolved = &resolved;
    if let Some((from, cut)) = raised {
        notes.push(format!(
            "the derived horizon {from} left work pending in {cut} state(s), so the search \
             was repeated with horizon {}, which leaves none; the verdict covers every \
             tick at which anything can happen",
            resolved.kernel.map_or(0, |k| k.horizon)
        ));
    }
    let infos = built.property_info();
    let mut properties = Vec::with_capacity(report.properties.len());
    for (index, (p, info)) in report.properties.into_iter().zip(infos).enumerate() {
        let trace =
            match &p.path {
                Some(path) => Some(built.trace(resolved, index, path).ok_or_else(|| {
                    RunError::Undecodable {
                        model: resolved.model.to_string(),
                        property: p.name.to_string(),
                    }
                })?),
                None => None,
            };
        properties.push(PropertyOutcome {
            name: info.name,
            kind: info.kind,
            statement: info.statement,
            status: p.status,
            path: p.path,
            trace,
            files: None,
            stuck_states: p.stuck_states,
        });
    }
    let mut cuts = Vec::with_capacity(report.cuts.len());
    for c in report.cuts {
        let example =
            built
                .trace_cut(resolved, c.cut, &c.path)
                .ok_or_else(|| RunError::Undecodable {
                    model: resolved.model.to_string(),
                    property: c.cut.as_str().to_string(),
                })?;
        cuts.push(CutOutcome {
            cut: c.cut,
            states: c.states,
            example,
        });
    }
    Ok(Checked {
        resolved: resolved.clone(),
        properties,
        stats: report.stats,
        stopped_by: report.stopped_by,
        cuts,
        default_kernel: registry.info(resolved.model)?.kernel,
        notes,
    })
}

/// Builds and checks `resolved`; when its horizon is the model's derived one (not set by the
/// request) and the search reached it with work pending, doubles the horizon and searches
/// again, up to [`MAX_HORIZON`]. A state at the horizon without pending work has nothing
/// after it, so the first horizon without such a cut gives the verdict of every larger one:
/// a designer never has to hand-set `--horizon` for a parameter value, and a protocol that
/// keeps time busy forever still ends `inconclusive` at the largest horizon. Returns the
/// model, its report and, when raised, the first horizon and how many states it cut.
fn deepen(
    registry: &Registry,
    built: Box<dyn crate::registry::AnyModel>,
    resolved: &mut Resolved,
    engine: &Engine,
) -> Result<
    (
        Box<dyn crate::registry::AnyModel>,
        crate::engine::Report,
        Option<(u32, u64)>,
    ),
    RunError,
> {
    let mut first: Option<(u32, u64)> = None;
    let mut built = built;
    loop {
        if first.is_some() {
            built = registry.build(resolved)?;
        }
        let report = built.check(engine)?;
        // Stateright's checker cannot count its cut states (`None`): one is enough.
        let horizon_cut: u64 = report
            .cuts
            .iter()
            .filter(|c| c.cut == Cut::Horizon)
            .map(|c| c.states.unwrap_or(1).max(1))
            .sum();
        let engine_stopped = report
            .stopped_by
            .is_some_and(|b| !matches!(b, Bound::Horizon | Bound::CopyCap));
        match resolved.kernel.as_mut() {
            Some(k)
                if !resolved.horizon_explicit
                    && horizon_cut > 0
                    && !engine_stopped
                    && k.horizon < MAX_HORIZON =>
            {
                first.get_or_insert((k.horizon, horizon_cut));
                k.horizon = (k.horizon * 2).min(MAX_HORIZON);
            }
            _ => return Ok((built, report, first)),
        }
    }
}

/// Replays the counterexample `t` (read from `file`) on the model it names.
pub fn replay(
    registry: &Registry,
    t: &Counterexample,
    file: &str,
) -> Result<ReplayOutcome, RunError> {
    let config = |source| ReplayError::Config {
        file: file.to_string(),
        source,
    };
    let mismatch = |what: String| ReplayError::Mismatch {
        file: file.to_string(),
        what,
    };
    let mut req = Request::new().variant(t.variant.clone()).kernel(
        t.kernel
            .as_ref()
            .map_or_else(KernelOverrides::default, KernelOverrides::all_of),
    );
    req.params = t
        .params
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect::<BTreeMap<_, _>>();
    let resolved = registry.resolve(&t.model, &req).map_err(config)?;
    if resolved.params != t.params {
        return Err(mismatch(format!(
            "the file's parameters ({}) are not the model's full parameter set ({})",
            params_text(&t.params),
            params_text(&resolved.params)
        ))
        .into());
    }
    if t.kernel.is_none() && resolved.kernel.is_some() {
        return Err(mismatch(format!(
            "the file records no kernel configuration but model {} runs on the world kernel",
            t.model
        ))
        .into());
    }
    // In async time delta and horizon are unused; keep the file's values so that nothing the
    // file says is silently replaced.
    let resolved = Resolved {
        kernel: t.kernel,
        ..resolved
    };
    let built = registry.build(&resolved).map_err(config)?;
    Ok(built.replay(t, file)?)
}

fn params_text(p: &BTreeMap<String, u32>) -> String {
    if p.is_empty() {
        return "none".to_string();
    }
    p.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The chance that two of `distinct` states share a fingerprint, so that one of them was taken
/// for the other and never explored: the visited set keeps 63-bit fingerprints, not states
/// (as TLC and SPIN's hash-compact mode do). With `n` states and `2^63` fingerprints the
/// birthday bound gives about `n(n-1)/2 / 2^63`. It is reported so that a `holds` over a large
/// space states its (tiny) residual doubt, as TLC's "probability of fingerprint collision" does.
pub fn collision_probability(distinct: u64) -> f64 {
    let n = distinct as f64;
    let space = 2f64.powi(crate::engine::fingerprint::BITS as i32);
    (n * (n - 1.0).max(0.0) / 2.0 / space).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::collision_probability;

    #[test]
    fn collision_probability_follows_the_birthday_bound() {
        assert_eq!(collision_probability(0), 0.0);
        assert_eq!(collision_probability(1), 0.0);
        // TwoPhase with 9 RMs: 10,340,352 states -> about 5.8e-6.
        let p = collision_probability(10_340_352);
        assert!((5.7e-6..5.9e-6).contains(&p), "{p}");
        assert_eq!(collision_probability(u64::MAX), 1.0);
    }
}
