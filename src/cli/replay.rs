//! `xshard replay FILE`: re-execute a counterexample file on the current model and say whether
//! its property still fails (exit 1), no longer fails (exit 0), or the file does not replay
//! (exit 2, naming the step).

use xshard_properties::Kind;

use super::args::ReplayArgs;
use super::{CliError, Ctx};
use crate::exit;
use crate::files;
use crate::run;

/// Runs `replay`.
pub(crate) fn run(a: &ReplayArgs, ctx: &Ctx<'_>) -> Result<u8, CliError> {
    let t = files::load(&a.file)?;
    let name = a.file.display().to_string();
    let outcome = run::replay(ctx.registry, &t, &name)?;
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
    super::stdout::print(&format!(
        "{} {text} after replaying {} {steps} of {name}: {}\n",
        outcome.property, outcome.steps, outcome.explanation
    ))?;
    Ok(code)
}
