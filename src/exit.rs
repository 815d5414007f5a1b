//! The exit codes, the same for every subcommand (DESIGN.md, "Outputs and the CLI contract").

use std::process::ExitCode;

/// Every property holds (exhaustive search), or every suite expectation is met.
pub const OK: u8 = 0;
/// A property is violated or a witness is missing, or a suite expectation is not met.
pub const VIOLATED: u8 = 1;
/// Usage, input or I/O error; one line on stderr names the problem.
pub const USAGE: u8 = 2;
/// Inconclusive: a bound was hit and nothing was violated.
pub const INCONCLUSIVE: u8 = 3;

/// The help text's table of exit codes.
pub const TABLE: &str = "\
Exit codes:
  0  every property holds (exhaustive search) / every suite expectation met
  1  a property violated or a witness missing / an expectation not met
  2  usage, input or I/O error (one line on stderr names it)
  3  inconclusive: a bound was hit before anything was violated
  101 is a panic, always a bug";

/// Converts a code to an [`ExitCode`].
pub fn code(c: u8) -> ExitCode {
    ExitCode::from(c)
}
