//! Counterexample files: `<out>/<model>/<property>-<hash>.{json,dot,svg}` (DESIGN.md,
//! "Outputs"), written atomically, and read back for `replay` and `render`.
//!
//! The hash ([`super::hash`]) covers what identifies the bug, so the same bug always gets the
//! same file name and the same bytes (nothing in the files depends on timing, threads or the
//! machine). Each file is written to a temporary name in its directory and renamed, so a reader
//! never sees half a file.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::write_atomic;
use crate::render::{self, graphviz::GraphvizError};
use crate::trace::{hash, Counterexample, SCHEMA_VERSION};

/// Whether `check` renders SVG next to the DOT file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Render {
    /// Render `.svg` with Graphviz `dot` when it is installed (a note on stderr when not).
    #[default]
    Svg,
    /// Write only `.json` and `.dot`.
    None,
}

/// The files written for one counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WrittenFiles {
    /// The property the counterexample violates.
    pub property: String,
    /// The counterexample record, `<property>-<hash>.json`, which `xshard replay` reads.
    pub json: PathBuf,
    /// The chart as Graphviz DOT source, next to the JSON file.
    pub dot: PathBuf,
    /// The SVG chart, when it was rendered.
    pub svg: Option<PathBuf>,
    /// Why no SVG was rendered although `--render svg` asked for it (Graphviz missing).
    #[serde(skip)]
    pub svg_note: Option<String>,
}

impl WrittenFiles {
    /// The command that replays the counterexample with `program` (the binary's name).
    pub fn replay_command(&self, program: &str) -> String {
        replay_command(program, &self.json)
    }

    /// Every written path, JSON first.
    pub fn paths(&self) -> Vec<&Path> {
        let mut v = vec![self.json.as_path(), self.dot.as_path()];
        v.extend(self.svg.as_deref());
        v
    }
}

/// Why counterexample files could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The output directory for the model's counterexamples could not be created.
    #[error("cannot create directory {path}: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The file system's error.
        source: std::io::Error,
    },
    /// A counterexample file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The file system's error.
        source: std::io::Error,
    },
    /// A counterexample file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The file system's error.
        source: std::io::Error,
    },
    /// The file is not valid counterexample JSON.
    #[error("{path} is not a counterexample file: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The JSON parser's error.
        reason: String,
    },
    /// The file was written in a format version this xshard does not read.
    #[error("{path} has schema version {found}; this xshard reads version {SCHEMA_VERSION}")]
    Schema {
        /// The file.
        path: PathBuf,
        /// The file's `schema_version`.
        found: u32,
    },
    /// Graphviz failed on the chart (a missing `dot` is a note, not this error).
    #[error("cannot render SVG for {path}: {source}")]
    Svg {
        /// The DOT file that was to be rendered.
        path: PathBuf,
        /// Why `dot` failed.
        source: GraphvizError,
    },
}

/// The command that replays the counterexample file `json` with `program`.
pub fn replay_command(program: &str, json: &Path) -> String {
    format!("{program} replay {}", json.display())
}

/// The file name stem of `t`: `<property>-<hash>`.
pub fn stem(t: &Counterexample) -> String {
    format!("{}-{}", t.property, hash::file_hash(t))
}

/// The JSON text of `t` exactly as written to its file.
pub fn to_json(t: &Counterexample) -> String {
    // Serialising plain data to a String cannot fail; fall back to an empty object rather than
    // panic if a future field ever made it fail.
    let mut s = serde_json::to_string_pretty(t).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

/// Writes `t` under `out_root`: `<out_root>/<model>/<stem>.json` and `.dot`, and `.svg` when
/// `render` asks for it and Graphviz is installed (otherwise `svg_note` says why not). The
/// chart's title names the replay command of `program` (the binary's name).
pub fn write_counterexample(
    t: &Counterexample,
    out_root: &Path,
    render: Render,
    program: &str,
) -> Result<WrittenFiles, TraceError> {
    let dir = out_root.join(&t.model);
    fs::create_dir_all(&dir).map_err(|source| TraceError::CreateDir {
        path: dir.clone(),
        source,
    })?;
    let stem = stem(t);
    let json = dir.join(format!("{stem}.json"));
    let dot = dir.join(format!("{stem}.dot"));
    let write = |path: &Path, bytes: &[u8]| {
        write_atomic(path, bytes).map_err(|source| TraceError::Write {
            path: path.to_path_buf(),
            source,
        })
    };
    write(&json, to_json(t).as_bytes())?;
    let dot_text = render::dot_chart(t, &replay_command(program, &json));
    write(&dot, dot_text.as_bytes())?;
    let (svg, svg_note) = match render {
        Render::None => (None, None),
        Render::Svg => match render::graphviz::to_svg(&dot_text) {
            Ok(bytes) => {
                let path = dir.join(format!("{stem}.svg"));
                write(&path, &bytes)?;
                (Some(path), None)
            }
            Err(GraphvizError::Missing) => (
                None,
                Some(format!(
                    "note: no SVG written for {}: {} (or pass --render none)",
                    dot.display(),
                    GraphvizError::Missing
                )),
            ),
            Err(source) => return Err(TraceError::Svg { path: dot, source }),
        },
    };
    Ok(WrittenFiles {
        property: t.property.clone(),
        json,
        dot,
        svg,
        svg_note,
    })
}

/// Reads a counterexample file.
pub fn load(path: &Path) -> Result<Counterexample, TraceError> {
    let text = fs::read_to_string(path).map_err(|source| TraceError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    // Check the version first, so a newer file is reported as such rather than as a parse
    // error about a field this version does not know.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        if let Some(found) = v.get("schema_version").and_then(serde_json::Value::as_u64) {
            if found != u64::from(SCHEMA_VERSION) {
                return Err(TraceError::Schema {
                    path: path.to_path_buf(),
                    found: u32::try_from(found).unwrap_or(u32::MAX),
                });
            }
        }
    }
    serde_json::from_str(&text).map_err(|e| TraceError::Parse {
        path: path.to_path_buf(),
        reason: if e.is_eof() {
            format!("truncated ({e})")
        } else {
            e.to_string()
        },
    })
}
