//! The exit codes (DESIGN.md, "Outputs and the CLI contract"). 0 is success, 1 a failed
//! verdict and 2 bad input in every subcommand, but `list`, `render` and `replay` return only
//! some of the codes and mean something narrower by them, so their help has a table of its own.

use std::process::ExitCode;

/// Every property holds (exhaustive search), or every suite expectation is met.
pub const OK: u8 = 0;
/// A property is violated or a witness is missing, or a suite expectation is not met.
pub const VIOLATED: u8 = 1;
/// Usage, input or I/O error; one line on stderr names the problem.
pub const USAGE: u8 = 2;
/// Inconclusive: a bound was hit and nothing was violated.
pub const INCONCLUSIVE: u8 = 3;

/// The table of exit codes in the help of `xshard`, `check` and `gate`.
pub const TABLE: &str = "\
Exit codes:
  0  every property holds (exhaustive search) / every suite expectation met
  1  a property violated or a witness missing / an expectation not met
  2  usage, input or I/O error (one line on stderr names it)
  3  inconclusive: a bound was hit before anything was violated
  101 is a panic, always a bug";

/// `xshard replay --help`'s table: the verdict is about the recorded fact, not the property.
pub const REPLAY_TABLE: &str = "\
Exit codes:
  0  the property no longer fails, or a witness is still reached
  1  the property still fails, or a witness is no longer reached
  2  the file does not replay (one line on stderr says where), usage or I/O error
  101 is a panic, always a bug";

/// `xshard render --help`'s table.
pub const RENDER_TABLE: &str = "\
Exit codes:
  0  the drawing is written
  2  a bad counterexample file, Graphviz `dot` failed (svg), usage or I/O error (one line
     on stderr names it)
  101 is a panic, always a bug";

/// `xshard list --help`'s table.
pub const LIST_TABLE: &str = "\
Exit codes:
  0  the models are listed
  2  usage or I/O error (one line on stderr names it)
  101 is a panic, always a bug";

/// Converts a code to an [`ExitCode`].
pub fn code(c: u8) -> ExitCode {
    ExitCode::from(c)
}

/// `new`'s exit codes.
pub const NEW_TABLE: &str = "\
Exit codes:
  0  the starter crate was written
  2  a bad name, a directory that is not empty, or an I/O error (one line on stderr names it)
  101 is a panic, always a bug";

/// `sweep`'s exit codes.
pub const SWEEP_TABLE: &str = "\
Exit codes:
  0  every configuration checked held after an exhaustive search
  1  a configuration is violated (the smallest failing one is reported)
  2  usage, input or I/O error (one line on stderr names it)
  3  no violation, but some configuration was cut short by its budget (inconclusive)
  101 is a panic, always a bug";

/// `fuzz`'s exit codes. A fuzz run that finds nothing never proves anything: its status is
/// `no_violation_found` and its code is 3, the code of every result that is neither a proof
/// nor a counterexample (DESIGN.md, "Property-based exploration").
pub const FUZZ_TABLE: &str = "\
Exit codes:
  1  a walk violated a property (shrunk, confirmed by a bounded search, files written)
  2  usage, input or I/O error (one line on stderr names it)
  3  no violation found in N walks of depth D: not a proof (never 0)
  101 is a panic, always a bug";
