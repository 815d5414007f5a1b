//! The printers, grouped by format: [`human`] text for people, [`json`] Lines for machines
//! (typed `#[derive(Serialize)]` messages: the schema is the types), [`junit`] XML and
//! [`github`] annotations and job summaries for CI. Each takes a finished result of the run
//! layer or the gate and returns text; the CLI decides where it goes.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;

pub use crate::run::bound_text;
