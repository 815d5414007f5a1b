//! `fuzz`: random walks, the first violating one shrunk and confirmed. All of it but the
//! printing is `crate::explore`'s.

use std::time::Duration;

use xshard_models::Request;

use super::args::{Format, FuzzArgs};
use super::check::{install_interrupt_handler, interrupt_handle, parse_params};
use super::{CliError, Ctx};
use crate::engine::Engine;
use crate::explore::{self, FuzzOptions};
use crate::output;

/// Runs `fuzz`.
pub(crate) fn run(a: &FuzzArgs, ctx: &Ctx<'_>) -> Result<u8, CliError> {
    let mut req = Request::new().kernel(a.kernel.overrides());
    req.variant = a.variant.clone();
    req.params = parse_params(&a.params)?;
    let resolved = ctx.registry.resolve(&a.model, &req)?;
    install_interrupt_handler();
    let engine = Engine::new()
        .threads(
            a.threads
                .map_or_else(super::check::available_threads, |t| t as usize),
        )
        .max_states(a.max_states)
        .stop_handle(interrupt_handle().clone());
    let opts = FuzzOptions::new(a.walks, a.depth, a.seed, engine)
        .timeout(a.timeout.map(Duration::from_secs));
    let mut report = explore::run_fuzz(ctx.registry, &resolved, &opts)?;
    report.write_files(&a.out, a.render, &ctx.program)?;
    let defaults = ctx.registry.info(resolved.model)?.kernel;
    let command = explore::fuzz_command(&ctx.program, &report, defaults.as_ref());
    super::stdout::print(&match a.format {
        Format::Human => output::human::explore::fuzz(&report, &ctx.program, &command),
        Format::Json => output::json::explore::fuzz(&report, &command),
    })?;
    Ok(match report.failure {
        Some(_) => crate::exit::VIOLATED,
        None => crate::exit::INCONCLUSIVE,
    })
}
