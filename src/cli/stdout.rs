//! Command output on stdout.
//!
//! Every command writes its stdout through [`print`] so that a reader that goes away early
//! (`xshard list | head -1`) ends the output quietly instead of panicking the way `print!`
//! does. The exit code is left as the command computed it rather than forced to 0 (ripgrep's
//! choice): for `check`, `gate` and `replay` it is the verdict, decided before anything is
//! written, and a script under `set -o pipefail` must still see a violation when it only
//! looked at the first line.

use std::io::{ErrorKind, Write};

use super::CliError;

/// Writes `text` to stdout and flushes it. A closed pipe is success; any other I/O error is
/// `cannot write to stdout: ...` (exit code 2).
pub fn print(text: &str) -> Result<(), CliError> {
    print_bytes(text.as_bytes())
}

/// [`print`] for output that is not text (an SVG from Graphviz is bytes as it came).
pub fn print_bytes(bytes: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(CliError::Write {
            what: "to stdout".to_string(),
            source: e,
        }),
        _ => Ok(()),
    }
}
