//! `xshard replay FILE`: re-execute a counterexample file on the current model and say whether
//! its property still fails (exit 1), no longer fails (exit 0), or the file does not replay
//! (exit 2, naming the step).

use std::path::PathBuf;

use clap::Args;
use xshard_properties::Kind;

use super::{output, CliError};
use crate::exit;
use crate::trace::{files, replay};

/// `xshard replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A counterexample file written by `xshard check` (the `.json`).
    pub file: PathBuf,
}

/// Runs `xshard replay`.
pub fn run(a: &ReplayArgs) -> Result<u8, CliError> {
    let t = files::load(&a.file).map_err(|e| CliError::Io(e.to_string()))?;
    let name = a.file.display().to_string();
    let outcome = replay::replay(&t, &name).map_err(|e| CliError::Usage(e.to_string()))?;
    for note in &outcome.notes {
        eprintln!("note: {note}");
    }
    let steps = if outcome.steps == 1 { "step" } else { "steps" };
    let (text, code) = match (outcome.kind, outcome.reproduced) {
        (Kind::Sometimes, true) => ("witness still reached", exit::OK),
        (Kind::Sometimes, false) => ("witness no longer reached", exit::VIOLATED),
        (_, true) => ("still violated", exit::VIOLATED),
        (_, false) => ("no longer violated", exit::OK),
    };
    output::print(&format!(
        "{} {text} after replaying {} {steps} of {name}: {}\n",
        outcome.property, outcome.steps, outcome.explanation
    ))?;
    Ok(code)
}
