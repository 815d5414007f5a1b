//! Running Graphviz's `dot` to turn a chart into SVG.
//!
//! xshard never links Graphviz: it runs the `dot` program found on `PATH` and reports plainly
//! when there is none, because the DOT file is the deliverable and SVG a convenience.

use std::io::{ErrorKind, Write};
use std::process::{Command, Stdio};

/// Why `dot` could not produce SVG.
#[derive(Debug, thiserror::Error)]
pub enum GraphvizError {
    /// `dot` is not on `PATH`.
    #[error(
        "Graphviz `dot` was not found on PATH (install graphviz, e.g. `apt-get install graphviz`)"
    )]
    Missing,
    /// `dot` could not be run or talked to.
    #[error("could not run Graphviz `dot`: {0}")]
    Io(#[from] std::io::Error),
    /// `dot` rejected the input (a bug in the DOT writer).
    #[error("Graphviz `dot` failed (exit {code}): {stderr}")]
    Failed {
        /// `dot`'s exit code, as text.
        code: String,
        /// What `dot` wrote to its standard error.
        stderr: String,
    },
}

/// Renders DOT text to SVG bytes with `dot -Tsvg`.
pub fn to_svg(dot: &str) -> Result<Vec<u8>, GraphvizError> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            ErrorKind::NotFound => GraphvizError::Missing,
            _ => GraphvizError::Io(e),
        })?;
    // Feed stdin from a thread: dot may start writing before it has read everything, and a
    // full pipe on both sides would deadlock.
    let input = dot.as_bytes().to_vec();
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| GraphvizError::Io(std::io::Error::new(ErrorKind::BrokenPipe, "no stdin")))?;
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output()?;
    let fed = feeder
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("stdin writer panicked")));
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(GraphvizError::Failed {
            code: out
                .status
                .code()
                .map_or_else(|| "by signal".to_string(), |c| c.to_string()),
            stderr: stderr.lines().next().unwrap_or("").to_string(),
        });
    }
    fed?;
    Ok(out.stdout)
}
