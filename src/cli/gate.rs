//! `xshard gate [FILE]`: run a suite of checks and fail when a verdict changes.
//!
//! Exit codes: 0 every expectation met (an inconclusive check counts as met only where it sets
//! `allow_inconclusive`), 1 an expectation not met, 2 a bad suite file or an I/O error (one
//! line on stderr: `file:line: what is wrong`).

use std::path::PathBuf;
use std::time::Instant;

use super::args::{Format, GateArgs};
use super::stdout::print;
use super::{CliError, Ctx};
use crate::engine::Engine;
use crate::exit;
use crate::files::Render;
use crate::gate::{self, GateConfig};
use crate::output::json::line;
use crate::output::{self, github, junit};

/// Runs `gate`.
pub(crate) fn run(a: &GateArgs, ctx: &Ctx<'_>) -> Result<u8, CliError> {
    let started = Instant::now();
    let suite = gate::load(&a.file, ctx.registry)?;
    let cfg = GateConfig {
        jobs: a.jobs as usize,
        threads: a.threads as usize,
        out: a.out.clone(),
        render: if a.svg { Render::Svg } else { Render::None },
        program: ctx.program.clone(),
        engine: Engine::new().threads(a.threads as usize),
    };
    let json = a.format == Format::Json;
    if json {
        print(&line("begin", &output::json::gate::begin(&suite)))?;
    }
    // The callback cannot fail the suite, so a write error waits for the suite to finish.
    let mut write_error = None;
    let results = gate::run_suite(ctx.registry, &suite, &cfg, |spec, r| {
        if json && write_error.is_none() {
            // Streamed, so a long suite shows progress; the order is the file's.
            write_error = print(&line("check", &output::json::gate::check(spec, r))).err();
        }
    })?;
    if let Some(e) = write_error {
        return Err(e);
    }
    let code = if results.iter().all(gate::CheckResult::met) {
        exit::OK
    } else {
        exit::VIOLATED
    };
    if let Some(path) = &a.junit {
        junit::write(path, &junit::report(&suite, &results))?;
    }
    let annotations = if github::in_actions() {
        github::annotations(&suite, &results)
    } else {
        String::new()
    };
    if json {
        let summary = output::json::gate::summary(
            &suite,
            &results,
            code,
            started.elapsed().as_secs_f64(),
            &a.out,
            a.junit.as_deref(),
        );
        print(&line("summary", &summary))?;
        // stdout stays JSON; the runner reads workflow commands from stderr too.
        eprint!("{annotations}");
    } else {
        print(&(output::human::gate(&suite, &results, &a.out) + &annotations))?;
    }
    if github::in_actions() {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            github::append_summary(&PathBuf::from(path), &github::summary(&suite, &results))?;
        }
    }
    Ok(code)
}
