//! `xshard render FILE [--format dot|svg|text] [-o OUT]`: draw a counterexample file.

use super::args::{RenderArgs, RenderFormat};
use super::{CliError, Ctx};
use crate::exit;
use crate::files;
use crate::render;

/// Runs `xshard render`.
pub(crate) fn run(a: &RenderArgs, ctx: &Ctx<'_>) -> Result<u8, CliError> {
    let t = files::load(&a.file)?;
    let replay = files::counterexample::replay_command(&ctx.program, &a.file);
    let bytes = match a.format {
        RenderFormat::Dot => render::dot_chart(&t, &replay).into_bytes(),
        RenderFormat::Text => render::text::render(&t, &replay).into_bytes(),
        RenderFormat::Svg => render::graphviz::to_svg(&render::dot_chart(&t, &replay))
            .map_err(|e| CliError::Usage(e.to_string()))?,
    };
    match &a.output {
        Some(out) => files::write_atomic(out, &bytes).map_err(|source| CliError::Write {
            what: out.display().to_string(),
            source,
        })?,
        None => super::stdout::print_bytes(&bytes)?,
    }
    Ok(exit::OK)
}
