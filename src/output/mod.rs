//! The printers, grouped by format: [`human`] text for people, [`json`] Lines for machines
//! (typed `#[derive(Serialize)]` messages: the schema is the types), [`junit`] XML and
//! [`github`] annotations and job summaries for CI. Each takes a finished result of the run
//! layer or the gate and returns text; the CLI decides where it goes.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;

use crate::engine::Bound;

/// How a bound is named in messages: the option that sets it (`--max-states`), or
/// `interrupted`.
pub fn bound_text(b: Bound) -> &'static str {
    match b {
        Bound::MaxStates => "--max-states",
        Bound::MaxDepth => "--max-depth",
        Bound::Timeout => "--timeout",
        Bound::MaxMemory => "--max-memory",
        Bound::Interrupted => "interrupted",
    }
}
