//! `list --format json`: `begin` (`schema_version`, `command`: `"list"`), then one `model`
//! line per model, whose data is the registry's [`Listing`].

use super::{line, Begin, SCHEMA_VERSION};
use crate::registry::Listing;

/// The stream of `list`.
pub fn list(models: &[Listing]) -> String {
    let mut out = line(
        "begin",
        &Begin {
            schema_version: SCHEMA_VERSION,
            command: "list",
        },
    );
    for m in models {
        out.push_str(&line("model", m));
    }
    out
}
