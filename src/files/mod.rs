//! Everything xshard writes to disk goes through here, above the traces and the renderers:
//! counterexample files ([`counterexample`]) and reports (JUnit XML, job summaries, charts).
//!
//! One writer, [`write_atomic`]: a temporary file beside the target, flushed to disk, then
//! renamed over it, so a reader (a CI dashboard, a later step, a concurrent `replay`) never
//! sees half a file, and a crash leaves either the old file or the new one.

pub mod counterexample;

use std::io::Write;
use std::path::Path;

pub use counterexample::{load, write_counterexample, Render, TraceError, WrittenFiles};

/// Writes `bytes` to `path` atomically: a temporary file in the same directory (same file
/// system, so the rename is atomic), synced, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(path.file_name().unwrap_or_default());
    // Unique per call: concurrent checks of one process may write the same file.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tmp_name.push(format!(".tmp-{}-{n}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
