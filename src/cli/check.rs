//! `xshard check`: build the model, explore it, report, exit with the verdict.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use xshard_models::{registry, Checkable, Request, Resolved, Visitor};

use super::args::{CheckArgs, Format};
use super::CliError;
use crate::engine::{self, Options, Report, Status};
use crate::report::{self, Verdict};
use crate::trace::files::{self, Render, WrittenFiles};
use crate::trace::{self, Counterexample};

/// A finished check: what was checked, the engine's report, and the decoded traces of every
/// violated property and found witness.
#[derive(Debug)]
pub struct CheckRun {
    pub resolved: Resolved,
    pub report: Report,
    /// One per property with a path (violations and witnesses), in property order.
    pub traces: Vec<Counterexample>,
    /// The counterexample files written for the violations (empty until
    /// [`write_files`] runs).
    pub files: Vec<WrittenFiles>,
}

impl CheckRun {
    /// The overall verdict.
    pub fn verdict(&self) -> Verdict {
        Verdict::of(&self.report)
    }
}

struct RunVisitor<'a> {
    opts: &'a Options,
}

impl Visitor for RunVisitor<'_> {
    type Out = Result<CheckRun, CliError>;

    fn visit<M: Checkable>(self, model: M, resolved: &Resolved) -> Self::Out {
        engine::validate(&model, self.opts).map_err(CliError::Usage)?;
        let model = Arc::new(model);
        let report = engine::check_arc(&model, self.opts);
        let traces = report
            .properties
            .iter()
            .filter_map(|p| {
                let path = p.path.as_ref()?;
                trace::build(&*model, resolved, p.name, p.kind, path)
            })
            .collect();
        Ok(CheckRun {
            resolved: resolved.clone(),
            report,
            traces,
            files: Vec::new(),
        })
    }
}

/// Parses `key=value` parameters.
pub fn parse_params(raw: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut out = BTreeMap::new();
    for p in raw {
        let (k, v) = p.split_once('=').ok_or_else(|| {
            CliError::Usage(format!(
                "parameter '{p}' must be written key=value, e.g. -p rms=3"
            ))
        })?;
        if out
            .insert(k.trim().to_string(), v.trim().to_string())
            .is_some()
        {
            return Err(CliError::Usage(format!(
                "parameter '{}' is given twice",
                k.trim()
            )));
        }
    }
    Ok(out)
}

/// Builds the engine options of a check.
pub fn options(a: &CheckArgs) -> Options {
    Options {
        strategy: a.strategy,
        threads: a.threads.map_or_else(available_threads, |t| t as usize),
        symmetry: a.symmetry,
        max_states: a.max_states,
        max_depth: a.max_depth,
        timeout: a.timeout.map(Duration::from_secs),
        max_memory: Some(a.max_memory),
        engine: a.engine,
        progress: true,
    }
}

fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Builds and checks the model a request names.
pub fn execute(model: &str, req: &Request, opts: &Options) -> Result<CheckRun, CliError> {
    registry::build(model, req, RunVisitor { opts })?
}

/// Makes the first Ctrl-C stop the check gracefully (partial summary, exit code 3 with
/// `stopped_by: interrupted`); a second one exits at once with code 130.
fn install_interrupt_handler() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static ONCE: AtomicBool = AtomicBool::new(false);
    if ONCE.swap(true, Ordering::SeqCst) {
        return;
    }
    let seen = AtomicBool::new(false);
    let _ = ctrlc::set_handler(move || {
        if seen.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        engine::interrupt();
    });
}

/// Writes the files of every violated property's counterexample under `out` and records
/// them in `run.files`.
pub fn write_files(run: &mut CheckRun, out: &Path, render: Render) -> Result<(), CliError> {
    let violated: Vec<&Counterexample> = run
        .traces
        .iter()
        .filter(|t| {
            run.report
                .properties
                .iter()
                .any(|p| p.name == t.property && p.status == Status::Violated)
        })
        .collect();
    let mut written = Vec::with_capacity(violated.len());
    for t in violated {
        written.push(
            files::write_counterexample(t, out, render).map_err(|e| CliError::Io(e.to_string()))?,
        );
    }
    run.files = written;
    Ok(())
}

/// Runs `xshard check`.
pub fn run(a: &CheckArgs) -> Result<u8, CliError> {
    let req = Request {
        variant: a.variant.clone(),
        params: parse_params(&a.params)?,
        kernel: a.kernel.overrides(),
    };
    // Validate before exploring, so bad input fails fast.
    registry::resolve(&a.model, &req)?;
    let opts = options(a);
    install_interrupt_handler();
    let mut run = execute(&a.model, &req, &opts)?;
    // Files first: if they cannot be written the command fails with one line and no report.
    write_files(&mut run, &a.out, a.render)?;
    for note in run.files.iter().filter_map(|f| f.svg_note.as_deref()) {
        eprintln!("{note}");
    }
    super::output::print(&match a.format {
        Format::Human => report::human::check(&run),
        Format::Json => report::json::check(&run),
    })?;
    Ok(run.verdict().exit_code())
}
