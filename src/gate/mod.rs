//! The CI invariant gate: a suite file lists checks and the verdict each must keep giving;
//! [`run::run_suite`] runs them through the run layer and compares. Nothing here prints: the
//! human table, JSON Lines, JUnit XML and GitHub annotations are `crate::output`'s.

pub mod run;
pub mod suite;

pub use run::{run_suite, CheckResult, GateConfig, GateError, Outcome, PropertyCase};
pub use suite::{load, CheckSpec, Expectation, Mode, Suite, SuiteError};
