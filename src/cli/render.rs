//! `xshard render FILE [--format dot|svg|text] [-o OUT]`: draw a counterexample file.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{output, CliError};
use crate::exit;
use crate::render;
use crate::trace::files;

/// The drawing to produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// The message-sequence chart as Graphviz DOT.
    Dot,
    /// The chart rendered to SVG by Graphviz `dot`.
    Svg,
    /// Numbered steps as plain text.
    Text,
}

/// `xshard render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A counterexample file written by `xshard check` (the `.json`).
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = RenderFormat::Dot)]
    pub format: RenderFormat,
    /// Write here instead of to stdout.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// Runs `xshard render`.
pub fn run(a: &RenderArgs) -> Result<u8, CliError> {
    let t = files::load(&a.file).map_err(|e| CliError::Io(e.to_string()))?;
    let name = a.file.display().to_string();
    let bytes = match a.format {
        RenderFormat::Dot => render::dot_chart(&t, &name).into_bytes(),
        RenderFormat::Text => render::text::render(&t, &name).into_bytes(),
        RenderFormat::Svg => render::graphviz::to_svg(&render::dot_chart(&t, &name))
            .map_err(|e| CliError::Io(e.to_string()))?,
    };
    match &a.output {
        Some(out) => files::write_atomic(out, &bytes).map_err(|e| CliError::Io(e.to_string()))?,
        None => output::print_bytes(&bytes)?,
    }
    Ok(exit::OK)
}
