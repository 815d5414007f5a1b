//! `xshard list`: the models, their variants, parameters and properties.

use super::args::{Format, ListArgs};
use super::{CliError, Ctx};
use crate::exit;
use crate::output;

/// Runs `list`.
pub(crate) fn run(a: &ListArgs, ctx: &Ctx<'_>) -> Result<u8, CliError> {
    let models = ctx.registry.listings();
    super::stdout::print(&match a.format {
        Format::Human => output::human::list(&models),
        Format::Json => output::json::list::list(&models),
    })?;
    Ok(exit::OK)
}
