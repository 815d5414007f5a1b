//! Counterexample files: `<out>/<model>/<property>-<hash>.json`.
//!
//! The hash is of what identifies the bug (model, variant, parameters, kernel configuration,
//! property and action path), so the same bug always lands in the same file and re-running a
//! check overwrites rather than accumulates. Files are written to a temporary name and renamed,
//! so a reader never sees half a file.
//!
//! This implementation writes the JSON only; the DOT and SVG renderings are added by the
//! renderer (its `dot`/`svg` fields are `None` here).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::Counterexample;

/// Which renderings to write beside the JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Render {
    /// The JSON, the DOT chart and its SVG (needs Graphviz).
    Svg,
    /// The JSON (and DOT, where the renderer writes one) without SVG.
    None,
}

/// The files written for one counterexample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenFiles {
    pub json: PathBuf,
    pub dot: Option<PathBuf>,
    pub svg: Option<PathBuf>,
}

/// Why a counterexample could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("cannot write counterexample '{}': {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode counterexample of {property}: {source}")]
    Encode {
        property: String,
        source: serde_json::Error,
    },
}

/// Writes `t` under `out_root` and returns the paths written.
pub fn write_counterexample(
    t: &Counterexample,
    out_root: &Path,
    _render: Render,
) -> Result<WrittenFiles, TraceError> {
    let dir = out_root.join(&t.model);
    std::fs::create_dir_all(&dir).map_err(|source| TraceError::Io {
        path: dir.clone(),
        source,
    })?;
    let json = dir.join(format!("{}-{:016x}.json", t.property, identity_hash(t)));
    let mut text = serde_json::to_string_pretty(t).map_err(|source| TraceError::Encode {
        property: t.property.clone(),
        source,
    })?;
    text.push('\n');
    write_atomically(&json, text.as_bytes())?;
    Ok(WrittenFiles {
        json,
        dot: None,
        svg: None,
    })
}

/// FNV-1a (64 bit) of what identifies a bug. FNV rather than `DefaultHasher` because the name
/// must be the same across Rust versions and platforms.
pub fn identity_hash(t: &Counterexample) -> u64 {
    let mut key = format!("{}\n{}\n", t.model, t.variant);
    for (k, v) in &t.params {
        key.push_str(&format!("{k}={v}\n"));
    }
    if let Some(k) = t.kernel {
        key.push_str(&format!(
            "{:?} {} {} {} {:?} {:?} {} {}\n",
            k.delivery, k.loss, k.replay, k.crashes, k.crash_mode, k.time, k.delta, k.horizon
        ));
    }
    key.push_str(&t.property);
    key.push('\n');
    for step in &t.path {
        key.push_str(&format!("{step},"));
    }
    fnv1a(key.as_bytes())
}

fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), TraceError> {
    let io = |source| TraceError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Unique per process and per write: checks run in parallel may write the same bug's file.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let tmp = path.with_extension(format!(
        "json.tmp{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use xshard_properties::Kind;

    fn sample() -> Counterexample {
        Counterexample {
            schema_version: super::super::SCHEMA_VERSION,
            xshard_version: "0".into(),
            model: "m".into(),
            variant: "v".into(),
            params: [("rms".to_string(), 3)].into(),
            kernel: None,
            property: "atomicity".into(),
            kind: Kind::Always,
            path: vec![0, 1, 2],
            nodes: vec![],
            steps: vec![],
            outcomes: vec![],
            explanation: "x".into(),
        }
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_hash_depends_on_the_path_and_not_on_the_explanation() {
        let a = sample();
        let mut b = sample();
        b.explanation = "other words".into();
        assert_eq!(identity_hash(&a), identity_hash(&b));
        b.path = vec![0, 2, 1];
        assert_ne!(identity_hash(&a), identity_hash(&b));
    }

    #[test]
    fn writes_the_json_under_model_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = sample();
        let w = write_counterexample(&t, dir.path(), Render::None).expect("written");
        let name = format!("atomicity-{:016x}.json", identity_hash(&t));
        assert_eq!(w.json, dir.path().join("m").join(name));
        assert_eq!((w.dot, w.svg), (None, None));
        let back: Counterexample =
            serde_json::from_str(&std::fs::read_to_string(&w.json).expect("read")).expect("json");
        assert_eq!(back, t);
        let entries = std::fs::read_dir(dir.path().join("m"))
            .expect("dir")
            .count();
        assert_eq!(entries, 1);
    }

    #[test]
    fn concurrent_writes_of_one_bug_all_succeed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = sample();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| write_counterexample(&t, dir.path(), Render::None)))
                .collect();
            for h in handles {
                h.join().expect("no panic").expect("written");
            }
        });
        let entries = std::fs::read_dir(dir.path().join("m"))
            .expect("dir")
            .count();
        assert_eq!(entries, 1);
    }
}
