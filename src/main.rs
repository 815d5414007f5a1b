//! The `xshard` binary: parses the command line, runs it, maps the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    xshard::cli::main()
}
