//! `xshard list`: the models, their variants, parameters and properties.

use super::args::{Format, ListArgs};
use super::{CliError, Ctx};
use crate::exit;
use crate::output;

/// Runs `list`.
pub(crate) fn run(a: &ListArgs, ctx: &Ctx<'_>) -> Result<u8, CliError> {
    let models = ctx.registry.listings();
    match a.format {
        Format::Human => print!("{}", output::human::list(&models)),
        Format::Json => print!("{}", output::json::list::list(&models)),
    }
    Ok(exit::OK)
}
