//! Human output: tables and sentences for people.

pub mod check;
pub mod explore;
pub mod gate;
pub mod list;

pub use check::{check, files_text, trace_text};
pub use gate::report as gate;
pub use list::list;
