//! `check`: build the model, explore it, write the counterexamples, report, exit with the
//! verdict. All of it but the printing is the run layer's.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

use xshard_models::Request;

use super::args::{CheckArgs, Format};
use super::{CliError, Ctx};
use crate::engine::{Engine, EngineKind, StopHandle};
use crate::output;
use crate::run;

/// Parses `key=value` parameters.
pub(crate) fn parse_params(raw: &[String]) -> Result<BTreeMap<String, String>, CliError> {
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

/// The engine of a check: the flags' settings, progress on stderr, and the process's Ctrl-C
/// stop handle.
fn engine(a: &CheckArgs) -> Engine {
    Engine::new()
        .strategy(a.strategy)
        .threads(a.threads.map_or_else(available_threads, |t| t as usize))
        .symmetry(a.symmetry)
        .max_states(a.max_states)
        .max_depth(a.max_depth)
        .timeout(a.timeout.map(Duration::from_secs))
        .max_memory(a.max_memory)
        .kind(a.engine)
        .progress(super::progress::stderr_progress())
        .stop_handle(interrupt_handle().clone())
}

/// The stop handle Ctrl-C stops: one per process, because a signal is, and given to every
/// check the process runs. Never reset: the first Ctrl-C ends the command.
pub(crate) fn interrupt_handle() -> &'static StopHandle {
    static HANDLE: OnceLock<StopHandle> = OnceLock::new();
    HANDLE.get_or_init(StopHandle::new)
}

pub(crate) fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Makes the first Ctrl-C stop the check gracefully (partial summary, exit code 3 with
/// `stopped_by: interrupted`); a second one exits at once with code 130.
pub(crate) fn install_interrupt_handler() {
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
        interrupt_handle().stop();
    });
}

/// Runs `check`.
pub(crate) fn run(a: &CheckArgs, ctx: &Ctx<'_>) -> Result<u8, CliError> {
    let mut req = Request::new().kernel(a.kernel.overrides());
    req.variant = a.variant.clone();
    req.params = parse_params(&a.params)?;
    // Validate before exploring, so bad input fails fast.
    let resolved = ctx.registry.resolve(&a.model, &req)?;
    install_interrupt_handler();
    let mut checked = run::check_resolved(ctx.registry, &resolved, &engine(a))?;
    // Files first: if they cannot be written the command fails with one line and no report.
    checked.write_files(&a.out, a.render, &ctx.program)?;
    if a.format == Format::Human {
        for note in &checked.notes {
            eprintln!("note: {note}");
        }
    }
    for note in checked.files().filter_map(|f| f.svg_note.as_deref()) {
        eprintln!("{note}");
    }
    if a.engine == EngineKind::Stateright {
        let progress: Vec<&str> = checked
            .properties
            .iter()
            .filter(|p| p.kind == xshard_properties::Kind::Progress)
            .map(|p| p.name)
            .collect();
        if !progress.is_empty() {
            eprintln!(
                "note: {} inconclusive: stateright's checker judges states one by one and \
                 cannot compute AG EF; use --engine xshard",
                progress.join(", ")
            );
        }
    }
    super::stdout::print(&match a.format {
        Format::Human => output::human::check(&checked, &ctx.program),
        Format::Json => output::json::check::check(&checked),
    })?;
    Ok(checked.verdict().exit_code())
}
