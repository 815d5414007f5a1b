//! `xshard gate [FILE]`: run a suite of checks and fail when a verdict changes.
//!
//! Exit codes: 0 every expectation met (an inconclusive check counts as met only where it sets
//! `allow_inconclusive`), 1 an expectation not met, 2 a bad suite file or an I/O error (one
//! line on stderr: `file:line: what is wrong`).

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::args::Format;
use super::{output, CliError};
use crate::exit;
use crate::gate::{self, github, junit, GateConfig, GateError};
use crate::report::json::line;
use crate::trace::files::Render;

/// `xshard gate`.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// The suite file: `[[check]]` tables with their expected verdicts.
    #[arg(default_value = "xshard.toml")]
    pub file: PathBuf,
    /// Directory for counterexample files (`DIR/<model>/<property>-<hash>.json`).
    #[arg(long, value_name = "DIR", default_value = "counterexamples")]
    pub out: PathBuf,
    /// Checks run at once.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: u32,
    /// Engine threads per check.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: u32,
    /// Also render each counterexample as SVG (needs Graphviz's `dot`).
    #[arg(long)]
    pub svg: bool,
    /// Write a JUnit XML report here: a test suite per check, a test case per property.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

impl From<GateError> for CliError {
    fn from(e: GateError) -> Self {
        CliError::Io(e.to_string())
    }
}

/// Runs `xshard gate`.
pub fn run(a: &GateArgs) -> Result<u8, CliError> {
    let started = Instant::now();
    let suite = gate::load(&a.file).map_err(|e| CliError::Usage(e.to_string()))?;
    let cfg = GateConfig {
        jobs: a.jobs as usize,
        threads: a.threads as usize,
        out: a.out.clone(),
        render: if a.svg { Render::Svg } else { Render::None },
    };
    let json = a.format == Format::Json;
    if json {
        output::print(&line("begin", &gate::json::begin(&suite)))?;
    }
    // The callback cannot fail the suite, so a write error waits for the suite to finish.
    let mut write_error = None;
    let results = gate::run_suite(&suite, &cfg, |spec, r| {
        if json && write_error.is_none() {
            // Streamed, so a long suite shows progress; the order is the file's.
            write_error = output::print(&line("check", &gate::json::check(spec, r))).err();
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
        let summary = gate::json::summary(
            &suite,
            &results,
            code,
            started.elapsed().as_secs_f64(),
            &a.out,
            a.junit.as_deref(),
        );
        output::print(&line("summary", &summary))?;
        // stdout stays JSON; the runner reads workflow commands from stderr too.
        eprint!("{annotations}");
    } else {
        output::print(&(gate::human::report(&suite, &results, &a.out) + &annotations))?;
    }
    if github::in_actions() {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            github::append_summary(&PathBuf::from(path), &github::summary(&suite, &results))?;
        }
    }
    Ok(code)
}
