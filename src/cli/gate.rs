//! `xshard gate [FILE]`: run a suite of checks and fail when a verdict changes.
//!
//! Exit codes: 0 every expectation met (an inconclusive check counts as met only where it sets
//! `allow_inconclusive`), 1 an expectation not met, 2 a bad suite file or an I/O error (one
//! line on stderr: `file:line: what is wrong`).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use super::args::{Format, GateArgs};
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
    let mut stdout = std::io::stdout().lock();
    if json {
        let _ = stdout.write_all(line("begin", &output::json::gate::begin(&suite)).as_bytes());
    }
    let results = gate::run_suite(ctx.registry, &suite, &cfg, |spec, r| {
        if json {
            // Streamed, so a long suite shows progress; the order is the file's.
            let _ = stdout.write_all(line("check", &output::json::gate::check(spec, r)).as_bytes());
            let _ = stdout.flush();
        }
    })?;
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
        let _ = stdout.write_all(line("summary", &summary).as_bytes());
        // stdout stays JSON; the runner reads workflow commands from stderr too.
        eprint!("{annotations}");
    } else {
        let _ = stdout.write_all(output::human::gate(&suite, &results, &a.out).as_bytes());
        let _ = stdout.write_all(annotations.as_bytes());
    }
    let _ = stdout.flush();
    if github::in_actions() {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            github::append_summary(&PathBuf::from(path), &github::summary(&suite, &results))?;
        }
    }
    Ok(code)
}
