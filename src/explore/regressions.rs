//! The sweep's regressions file: the seed of every failing case a sweep found, which later
//! sweeps of the same model and variant replay before drawing new cases (proptest's failure
//! persistence, behind its `FailurePersistence` trait, in a file of xshard's own).
//!
//! One line per seed, `seed <proptest seed> # <the failing configuration's check command>`;
//! other lines are comments. A seed regenerates its case through the sweep's dimensions, so it
//! replays the same configuration as long as the model declares the same parameters and
//! ranges; the comment keeps the configuration readable either way.

use std::any::Any;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use proptest::test_runner::{FailurePersistence, PersistedSeed};

/// The first line of every regressions file.
const HEADER: &str = "# xshard sweep regressions: seeds of failing cases, replayed first by later \
                      sweeps of this model and variant";

/// The seeds of one regressions file: those read from it, and those a sweep adds.
#[derive(Clone, Debug, Default)]
pub struct Regressions {
    /// The file.
    path: PathBuf,
    /// The seed lines read from it, as written.
    loaded: Vec<String>,
    /// Seeds saved by the runner in this sweep (shared by the runner's copies).
    added: Arc<Mutex<Vec<String>>>,
}

impl Regressions {
    /// Reads `path` (a missing file has no seeds).
    pub fn load(path: &Path) -> std::io::Result<Regressions> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let loaded = text
            .lines()
            .filter(|l| l.starts_with("seed "))
            .map(str::to_string)
            .collect();
        Ok(Regressions {
            path: path.to_path_buf(),
            loaded,
            added: Arc::default(),
        })
    }

    /// How many seeds the file held.
    pub fn replayed(&self) -> usize {
        self.seeds().len()
    }

    fn seeds(&self) -> Vec<PersistedSeed> {
        self.loaded
            .iter()
            .filter_map(|l| {
                let s = l.strip_prefix("seed ")?;
                let s = s.split(" #").next()?.trim();
                PersistedSeed::from_str(s).ok()
            })
            .collect()
    }

    /// The seeds this sweep added.
    pub fn added(&self) -> Vec<String> {
        self.added.lock().map(|a| a.clone()).unwrap_or_default()
    }

    /// Writes the file when this sweep added a seed, the new one annotated with `command`
    /// (atomically: never a partial file). Returns whether it wrote.
    pub fn save(&self, command: &str) -> std::io::Result<bool> {
        let added = self.added();
        if added.is_empty() {
            return Ok(false);
        }
        let mut text = format!("{HEADER}\n");
        for l in &self.loaded {
            text.push_str(l);
            text.push('\n');
        }
        for seed in added {
            let line = format!("seed {seed} # {command}");
            if !self.loaded.contains(&line) {
                text.push_str(&line);
                text.push('\n');
            }
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        crate::files::write_atomic(&self.path, text.as_bytes())?;
        Ok(true)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl FailurePersistence for Regressions {
    fn load_persisted_failures2(&self, _source_file: Option<&'static str>) -> Vec<PersistedSeed> {
        // The runner replays the list from its end; reversed, the oldest seed runs first.
        let mut seeds = self.seeds();
        seeds.reverse();
        seeds
    }

    fn save_persisted_failure2(
        &mut self,
        _source_file: Option<&'static str>,
        seed: PersistedSeed,
        _shrunken_value: &dyn std::fmt::Debug,
    ) {
        if let Ok(mut a) = self.added.lock() {
            a.push(seed.to_string());
        }
    }

    fn box_clone(&self) -> Box<dyn FailurePersistence> {
        Box::new(self.clone())
    }

    fn eq(&self, other: &dyn FailurePersistence) -> bool {
        other
            .as_any()
            .downcast_ref::<Regressions>()
            .is_some_and(|o| o.path == self.path)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
