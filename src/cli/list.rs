//! `xshard list`: the models, their variants, parameters and properties.

use xshard_models::catalogue;

use super::args::{Format, ListArgs};
use super::{output, CliError};
use crate::exit;
use crate::report;

/// Runs `xshard list`.
pub fn run(a: &ListArgs) -> Result<u8, CliError> {
    let models = catalogue();
    output::print(&match a.format {
        Format::Human => report::human::list(&models),
        Format::Json => report::json::list(&models),
    })?;
    Ok(exit::OK)
}
