//! `sweep`: random configurations checked exhaustively, the smallest failing one reported.
//! All of it but the printing is `crate::explore`'s.

use std::time::Duration;

use xshard_models::Request;

use super::args::{Format, SweepArgs};
use super::check::{install_interrupt_handler, interrupt_handle, parse_params};
use super::{CliError, Ctx};
use crate::engine::Engine;
use crate::explore::{self, Regressions, Space, SweepOptions};
use crate::output;

/// Runs `sweep`.
pub(crate) fn run(a: &SweepArgs, ctx: &Ctx<'_>) -> Result<u8, CliError> {
    let mut req = Request::new().kernel(a.kernel.overrides());
    req.variant = a.variant.clone();
    req.params = parse_params(&a.params)?;
    let space = Space::new(ctx.registry, &a.model, &req)?;
    let path = a.regressions.clone().unwrap_or_else(|| {
        a.out
            .join(space.bound.model)
            .join(format!("{}.sweep-regressions", space.bound.variant))
    });
    let regressions = Regressions::load(&path).map_err(|source| CliError::Write {
        what: format!("the regressions file '{}' (reading)", path.display()),
        source,
    })?;
    install_interrupt_handler();
    let engine = Engine::new()
        .threads(
            a.threads
                .map_or_else(super::check::available_threads, |t| t as usize),
        )
        .max_states(a.max_states)
        .timeout(a.timeout.map(Duration::from_secs))
        .stop_handle(interrupt_handle().clone());
    let opts = SweepOptions::new(a.cases, a.seed, engine).regressions(regressions.clone());
    let command = explore::sweep_command(
        &ctx.program,
        &space,
        a.cases,
        a.seed,
        Some(a.max_states),
        a.timeout,
    );
    let mut report = explore::run_sweep(ctx.registry, space, &opts)?;
    let mut saved = None;
    if let Some(f) = &mut report.failure {
        f.checked.write_files(&a.out, a.render, &ctx.program)?;
        let check = f.checked.rerun_command(&ctx.program);
        if regressions.save(&check).map_err(|source| CliError::Write {
            what: format!("the regressions file '{}'", path.display()),
            source,
        })? {
            saved = Some(path.display().to_string());
        }
        for note in f.checked.files().filter_map(|f| f.svg_note.as_deref()) {
            eprintln!("{note}");
        }
    }
    super::stdout::print(&match a.format {
        Format::Human => {
            output::human::explore::sweep(&report, &ctx.program, &command, saved.as_deref())
        }
        Format::Json => {
            output::json::explore::sweep(&report, &ctx.program, &command, saved.as_deref())
        }
    })?;
    Ok(report.verdict().exit_code())
}
