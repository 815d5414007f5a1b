//! The CI invariant gate: a suite file lists checks and the verdict each must keep giving;
//! [`run::run_suite`] runs them and compares, and the outputs tell a pipeline what broke: a
//! [`human`] table, [`json`] Lines, [`junit`] XML, [`github`] annotations and job summary, and
//! counterexample files for every violation.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod run;
pub mod suite;

use std::io::Write;
use std::path::Path;

pub use run::{run_suite, CheckResult, GateConfig, GateError, Outcome};
pub use suite::{load, CheckSpec, Expectation, Suite, SuiteError};

/// Writes `bytes` to `path` through a temporary file beside it and a rename, so a reader (a CI
/// dashboard, a later step) never sees half a file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
