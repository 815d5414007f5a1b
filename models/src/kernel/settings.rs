//! The kernel's settings, defined once.
//!
//! [`SETTINGS`] is the one definition of every world-kernel setting: its name, what it means,
//! which values it takes and how it is read from and written to a [`KernelConfig`]. Everything
//! that spells the settings derives from this table instead of listing them again, so that a
//! setting added here appears everywhere at once:
//!
//! - the command line's `--network`, `--loss`, …, `--crash-mode` flags (flag = name with `_`
//!   spelled `-`, help = [`Setting::doc`], possible values of a [`Kind::Choice`]);
//! - the keys of a suite file's `kernel = { … }` table (key = name);
//! - validation ([`KernelOverrides::apply`](super::KernelOverrides::apply)), whose
//!   [`ConfigError`]s name the setting;
//! - [`KernelConfig`]'s one-line Display and the re-run command failure messages end with;
//! - the overrides that reproduce a recorded configuration (replay).
//!
//! Counterexample files and JSON output serialize [`KernelConfig`] itself (serde), whose field
//! for `network` is `delivery`; they are not derived from this table because their bytes are
//! pinned by the files already written.

use super::config::{CrashMode, Delivery, KernelConfig, TimeMode};
use super::config::{DEFAULT_COPIES, MAX_BUDGET, MAX_COPIES, MAX_DELTA, MAX_HORIZON};
use crate::ConfigError;

use std::collections::BTreeMap;

use serde::Serialize;

/// The values a setting takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A fault budget: a whole number from 0 to `max` (a `u8` on the command line and in
    /// suites, so a value beyond 255 is a type error there, as before the table existed).
    Budget {
        /// The largest budget.
        max: u8,
    },
    /// One of a few names.
    Choice {
        /// The names, in the order help and messages list them.
        values: &'static [&'static str],
    },
    /// A whole number from `min` to `max` (a `u32` on the command line and in suites).
    Range {
        /// The smallest value.
        min: u32,
        /// The largest value.
        max: u32,
    },
}

/// One kernel setting.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    /// The name: the suite file's key, the flag with `_` spelled `-`, and what
    /// [`ConfigError`]s name.
    pub name: &'static str,
    /// One line, without a final period: the flag's help.
    pub doc: &'static str,
    /// The values it takes.
    pub kind: Kind,
    /// Whether it only means something in clocked time: given in async time it is refused
    /// ([`ConfigError::NeedsClock`]), and the Display line and re-run command leave it out.
    pub clocked_only: bool,
    /// A value the re-run command leaves out (`--crash-mode stop`, `--time async`), which keeps
    /// the commands that gate messages and tests pin as they were.
    pub rerun_omits: Option<&'static str>,
    /// A value the one-line Display leaves out (`partitions 0`), so that reports and the
    /// messages tests pin read as they did before the setting existed.
    pub display_omits: Option<&'static str>,
    /// The setting's value in `k`, spelled as the flag and suite key take it.
    pub get: fn(&KernelConfig) -> String,
    /// Stores a value (already validated against [`Setting::kind`]); `None` if the value is
    /// not one it knows, which validation rules out.
    pub set: fn(&mut KernelConfig, &str) -> Option<()>,
    /// How `xshard sweep` varies it ([`Sweep`]).
    pub sweep: Sweep,
}

/// How `xshard sweep` varies a setting. A sweep's bound is the configuration it starts from
/// (the variant's defaults, overridden by the sweep's own flags); each setting then ranges
/// over its values from the simplest up to the bound's, or stays at the bound's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sweep {
    /// Kept at the bound's value: an assumption of the protocol (`time`: async time breaks
    /// protocols that rely on synchrony by design) or a representation limit (`copies`,
    /// `horizon`, which the model derives), not a fault a smaller configuration has less of.
    Fixed,
    /// From the simplest value up to the bound's: 0 (or the smallest value) for a number, the
    /// first of [`Kind::Choice`]'s values for a choice (the table lists them simplest first:
    /// `ordered` before `unordered`, `stop` before `recover`).
    UpToBound,
}

/// Every kernel setting, in the order flags, suite keys, messages, the Display line and the
/// re-run command list them. `time` comes before the clocked-only settings so that the re-run
/// command reads `--time clocked --delta D --horizon H`.
pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "network",
        doc: "Message delivery: ordered (FIFO per channel) or unordered",
        kind: Kind::Choice {
            values: &["ordered", "unordered"],
        },
        clocked_only: false,
        rerun_omits: None,
        display_omits: None,
        get: |k| {
            match k.delivery {
                Delivery::Ordered => "ordered",
                Delivery::Unordered => "unordered",
            }
            .to_string()
        },
        set: |k, v| {
            k.delivery = match v {
                "ordered" => Delivery::Ordered,
                "unordered" => Delivery::Unordered,
                _ => return None,
            };
            Some(())
        },
        sweep: Sweep::UpToBound,
    },
    Setting {
        name: "loss",
        doc: "How many messages the network may lose",
        kind: Kind::Budget { max: MAX_BUDGET },
        clocked_only: false,
        rerun_omits: None,
        display_omits: None,
        get: |k| k.loss.to_string(),
        set: |k, v| {
            k.loss = v.parse().ok()?;
            Some(())
        },
        sweep: Sweep::UpToBound,
    },
    Setting {
        name: "replay",
        doc: "How many times an already-sent message may be delivered again",
        kind: Kind::Budget { max: MAX_BUDGET },
        clocked_only: false,
        rerun_omits: None,
        display_omits: None,
        get: |k| k.replay.to_string(),
        set: |k, v| {
            k.replay = v.parse().ok()?;
            Some(())
        },
        sweep: Sweep::UpToBound,
    },
    Setting {
        name: "crashes",
        doc: "How many node crashes may happen",
        kind: Kind::Budget { max: MAX_BUDGET },
        clocked_only: false,
        rerun_omits: None,
        display_omits: None,
        get: |k| k.crashes.to_string(),
        set: |k, v| {
            k.crashes = v.parse().ok()?;
            Some(())
        },
        sweep: Sweep::UpToBound,
    },
    Setting {
        name: "crash_mode",
        doc: "What a crash does: stop forever, or recover from stable storage",
        kind: Kind::Choice {
            values: &["stop", "recover"],
        },
        clocked_only: false,
        rerun_omits: Some("stop"),
        display_omits: None,
        get: |k| {
            match k.crash_mode {
                CrashMode::Stop => "stop",
                CrashMode::Recover => "recover",
            }
            .to_string()
        },
        set: |k, v| {
            k.crash_mode = match v {
                "stop" => CrashMode::Stop,
                "recover" => CrashMode::Recover,
                _ => return None,
            };
            Some(())
        },
        sweep: Sweep::UpToBound,
    },
    Setting {
        name: "partitions",
        doc: "How many network partitions may happen (each cuts two node sets apart, then heals)",
        kind: Kind::Budget { max: MAX_BUDGET },
        clocked_only: false,
        rerun_omits: Some("0"),
        display_omits: Some("0"),
        get: |k| k.partitions.to_string(),
        set: |k, v| {
            k.partitions = v.parse().ok()?;
            Some(())
        },
        sweep: Sweep::UpToBound,
    },
    Setting {
        name: "copies",
        doc: "The most copies of one message in flight on a channel (beyond: inconclusive)",
        kind: Kind::Range {
            min: 1,
            max: MAX_COPIES as u32,
        },
        clocked_only: false,
        rerun_omits: Some(COPIES_DEFAULT_TEXT),
        display_omits: None,
        get: |k| k.copies.to_string(),
        set: |k, v| {
            k.copies = v.parse().ok()?;
            Some(())
        },
        sweep: Sweep::Fixed,
    },
    Setting {
        name: CLOCK_SETTING,
        doc:
            "Time: async (timers fire any time) or clocked (global ticks, delivery bound, horizon)",
        kind: Kind::Choice {
            values: &["async", CLOCKED],
        },
        clocked_only: false,
        rerun_omits: Some("async"),
        display_omits: None,
        get: |k| {
            match k.time {
                TimeMode::Async => "async",
                TimeMode::Clocked => CLOCKED,
            }
            .to_string()
        },
        set: |k, v| {
            k.time = match v {
                "async" => TimeMode::Async,
                CLOCKED => TimeMode::Clocked,
                _ => return None,
            };
            Some(())
        },
        sweep: Sweep::Fixed,
    },
    Setting {
        name: "delta",
        doc: "Clocked time: every message is delivered or lost within this many ticks",
        kind: Kind::Range {
            min: 1,
            max: MAX_DELTA,
        },
        clocked_only: true,
        rerun_omits: None,
        display_omits: None,
        get: |k| k.delta.to_string(),
        set: |k, v| {
            k.delta = v.parse().ok()?;
            Some(())
        },
        sweep: Sweep::UpToBound,
    },
    Setting {
        name: "horizon",
        doc: "Clocked time: the last tick",
        kind: Kind::Range {
            min: 1,
            max: MAX_HORIZON,
        },
        clocked_only: true,
        rerun_omits: None,
        display_omits: None,
        get: |k| k.horizon.to_string(),
        set: |k, v| {
            k.horizon = v.parse().ok()?;
            Some(())
        },
        sweep: Sweep::Fixed,
    },
];

/// [`DEFAULT_COPIES`] as the flag spells it (the re-run command leaves the default out).
const COPIES_DEFAULT_TEXT: &str = "2";
const _: () = assert!(
    DEFAULT_COPIES == 2,
    "COPIES_DEFAULT_TEXT spells DEFAULT_COPIES"
);

/// The setting that turns the clock on, which messages about clocked-only settings name.
pub const CLOCK_SETTING: &str = "time";
/// The value of [`CLOCK_SETTING`] that turns the clock on.
pub const CLOCKED: &str = "clocked";

/// The setting called `name`.
pub fn setting(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

/// Every setting's name, in table order (serde's unknown-field message wants a static list).
pub fn names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| SETTINGS.iter().map(|s| s.name).collect())
}

impl Setting {
    /// The command-line flag without its dashes: the name with `_` spelled `-`.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }

    /// Validates `raw` against the setting's kind and the clock of `k`, then stores it in `k`.
    pub fn apply(&self, k: &mut KernelConfig, raw: &str) -> Result<(), ConfigError> {
        let setting = self.name;
        if self.clocked_only && !k.clocked() {
            return Err(ConfigError::NeedsClock { setting });
        }
        let (min, max) = match self.kind {
            Kind::Budget { max } => (0, u32::from(max)),
            Kind::Range { min, max } => (min, max),
            Kind::Choice { values } => {
                if !values.contains(&raw) {
                    return Err(ConfigError::KernelValue {
                        setting,
                        value: raw.to_string(),
                        expected: format!("one of {}", values.join(", ")),
                    });
                }
                (0, 0)
            }
        };
        if !matches!(self.kind, Kind::Choice { .. }) {
            let value: u32 = raw.trim().parse().map_err(|_| ConfigError::KernelValue {
                setting,
                value: raw.to_string(),
                expected: format!("a whole number from {min} to {max}"),
            })?;
            if !(min..=max).contains(&value) {
                return Err(ConfigError::KernelRange {
                    setting,
                    value,
                    min,
                    max,
                });
            }
            return (self.set)(k, &value.to_string()).ok_or_else(|| self.unknown(raw));
        }
        (self.set)(k, raw).ok_or_else(|| self.unknown(raw))
    }

    /// The values a sweep bounded by `bound` gives this setting, simplest first (see
    /// [`Sweep`]); the last is `bound`'s own value.
    pub fn sweep_values(&self, bound: &KernelConfig) -> Vec<String> {
        let at = (self.get)(bound);
        if self.sweep == Sweep::Fixed {
            return vec![at];
        }
        match self.kind {
            Kind::Choice { values } => {
                let end = values.iter().position(|v| *v == at).map_or(0, |i| i + 1);
                let mut out: Vec<String> = values[..end].iter().map(|v| (*v).to_string()).collect();
                if out.is_empty() {
                    out.push(at);
                }
                out
            }
            Kind::Budget { .. } | Kind::Range { .. } => {
                let min = match self.kind {
                    Kind::Range { min, .. } => min,
                    _ => 0,
                };
                match at.parse::<u32>() {
                    Ok(top) if top >= min => (min..=top).map(|v| v.to_string()).collect(),
                    _ => vec![at],
                }
            }
        }
    }

    /// The error for a value the table's `set` does not know: the table contradicts itself.
    fn unknown(&self, raw: &str) -> ConfigError {
        ConfigError::KernelValue {
            setting: self.name,
            value: raw.to_string(),
            expected: "a value the kernel knows".to_string(),
        }
    }
}

impl KernelConfig {
    /// The settings that apply to this configuration (the clocked-only ones only in clocked
    /// time) with their values, in table order.
    pub fn settings(&self) -> impl Iterator<Item = (&'static Setting, String)> + '_ {
        SETTINGS
            .iter()
            .filter(|s| !s.clocked_only || self.clocked())
            .map(|s| (s, (s.get)(self)))
    }
}

impl std::fmt::Display for KernelConfig {
    /// One line for reports, every setting that applies as its flag spells it, e.g. `network
    /// unordered, loss 1, replay 0, crashes 0, crash-mode stop, time async` (see
    /// [`SETTINGS`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = self
            .settings()
            .filter(|(s, v)| s.display_omits != Some(v.as_str()));
        for (i, (s, v)) in shown.enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{} {v}", s.flag())?;
        }
        Ok(())
    }
}

/// Kernel settings a request overrides, by setting name, as raw values (the text a flag or
/// suite key gave): validated when applied, so the command line, suite files and library
/// callers all get the same checks and messages. A setting not given keeps the model's
/// default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KernelOverrides {
    values: BTreeMap<&'static str, String>,
}

impl KernelOverrides {
    /// No override: the model's defaults.
    pub fn new() -> Self {
        KernelOverrides::default()
    }

    /// Overrides setting `name` (one of [`SETTINGS`]) with `value`, validated by
    /// [`KernelOverrides::apply`].
    ///
    /// # Panics
    ///
    /// If no setting is called `name`: names are fixed by the table, so that is a bug in the
    /// caller (the command line and suite files only pass names they took from the table).
    #[must_use]
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.set(name, value);
        self
    }

    /// Overrides setting `name` with `value`, as [`KernelOverrides::with`] does.
    ///
    /// # Panics
    ///
    /// If no setting is called `name`.
    pub fn set(&mut self, name: &str, value: impl ToString) {
        let s = setting(name).unwrap_or_else(|| {
            panic!(
                "no kernel setting is called '{name}' (settings: {})",
                names().join(", ")
            )
        });
        self.values.insert(s.name, value.to_string());
    }

    /// The raw value given for setting `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The settings given with their raw values, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static Setting, &str)> + '_ {
        SETTINGS
            .iter()
            .filter_map(|s| self.get(s.name).map(|v| (s, v)))
    }

    /// Whether any setting is given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every setting of `k`, as overrides that reproduce it exactly (the clocked-only ones only
    /// in clocked time, where they apply).
    pub fn all_of(k: &KernelConfig) -> Self {
        KernelOverrides {
            values: k.settings().map(|(s, v)| (s.name, v)).collect(),
        }
    }

    /// The name of the first setting given (in table order), for messages.
    pub fn first_setting(&self) -> Option<&'static str> {
        self.iter().next().map(|(s, _)| s.name)
    }

    /// Applies the overrides to `k`, validating every value.
    pub fn apply(&self, mut k: KernelConfig) -> Result<KernelConfig, crate::ConfigError> {
        // Clocked-only settings last, so that whether they apply depends on the time setting
        // given with them, not on the order they were given in.
        for clocked_only in [false, true] {
            for (s, v) in self.iter().filter(|(s, _)| s.clocked_only == clocked_only) {
                s.apply(&mut k, v)?;
            }
        }
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::KernelOverrides;

    /// A configuration where every setting differs from the default, clocked so that every
    /// setting applies.
    fn unusual() -> KernelConfig {
        KernelConfig {
            delivery: Delivery::Ordered,
            loss: 1,
            replay: 2,
            crashes: 3,
            crash_mode: CrashMode::Recover,
            partitions: 1,
            copies: 3,
            time: TimeMode::Clocked,
            delta: 5,
            horizon: 7,
        }
    }

    #[test]
    fn sweep_values_run_from_the_simplest_to_the_bound() {
        let k = unusual();
        let values = |name: &str| setting(name).expect("a setting").sweep_values(&k);
        assert_eq!(values("loss"), ["0", "1"]);
        assert_eq!(values("replay"), ["0", "1", "2"]);
        assert_eq!(values("network"), ["ordered"]);
        assert_eq!(values("crash_mode"), ["stop", "recover"]);
        assert_eq!(values("delta"), ["1", "2", "3", "4", "5"]);
        assert_eq!(values("copies"), ["3"]);
        assert_eq!(values("time"), ["clocked"]);
        assert_eq!(values("horizon"), ["7"]);
        for s in SETTINGS {
            let v = s.sweep_values(&k);
            assert_eq!(v.last(), Some(&(s.get)(&k)), "{}", s.name);
        }
    }

    #[test]
    fn every_setting_reads_back_what_it_stores() {
        for s in SETTINGS {
            let values: Vec<String> = match s.kind {
                Kind::Choice { values } => values.iter().map(|v| (*v).to_string()).collect(),
                Kind::Budget { max } => vec!["0".into(), max.to_string()],
                Kind::Range { min, max } => vec![min.to_string(), max.to_string()],
            };
            for v in values {
                let mut k = unusual();
                s.apply(&mut k, &v).expect("valid");
                assert_eq!((s.get)(&k), v, "{}", s.name);
            }
        }
    }

    #[test]
    fn every_setting_reaches_a_distinct_field() {
        // Setting each one from the default to the unusual value changes exactly what it
        // reads: no two settings share a field, and none is forgotten by `set`.
        let target = unusual();
        let mut k = KernelConfig {
            time: TimeMode::Clocked,
            ..KernelConfig::default()
        };
        for s in SETTINGS {
            let before: Vec<String> = SETTINGS.iter().map(|o| (o.get)(&k)).collect();
            s.apply(&mut k, &(s.get)(&target)).expect("valid");
            for (o, b) in SETTINGS.iter().zip(before) {
                if o.name != s.name {
                    assert_eq!((o.get)(&k), b, "setting {} changed {}", s.name, o.name);
                }
            }
        }
        assert_eq!(k, target);
    }

    #[test]
    fn names_are_unique_and_clocked_ones_follow_the_clock() {
        let mut seen = std::collections::BTreeSet::new();
        let clock = SETTINGS
            .iter()
            .position(|s| s.name == CLOCK_SETTING)
            .expect("the clock is a setting");
        for (i, s) in SETTINGS.iter().enumerate() {
            assert!(seen.insert(s.name), "{} twice", s.name);
            assert!(!s.clocked_only || i > clock, "{} before time", s.name);
            assert!(!s.doc.ends_with('.'), "{}", s.name);
        }
        assert_eq!(names().len(), SETTINGS.len());
    }

    #[test]
    fn display_names_every_setting_that_applies() {
        let k = unusual();
        let line = k.to_string();
        for s in SETTINGS {
            assert!(
                line.contains(&format!("{} {}", s.flag(), (s.get)(&k))),
                "{} missing from {line}",
                s.name
            );
        }
        assert_eq!(
            line,
            "network ordered, loss 1, replay 2, crashes 3, crash-mode recover, partitions 1, copies 3, time clocked, delta 5, horizon 7"
        );
        // No partition budget: the line reads as it did before the setting existed.
        let whole = KernelConfig { partitions: 0, ..k };
        assert_eq!(
            whole.to_string(),
            "network ordered, loss 1, replay 2, crashes 3, crash-mode recover, copies 3, time clocked, delta 5, horizon 7"
        );
        assert_eq!(
            KernelConfig {
                loss: 1,
                ..KernelConfig::default()
            }
            .to_string(),
            "network unordered, loss 1, replay 0, crashes 0, crash-mode stop, copies 2, time async"
        );
    }

    #[test]
    fn all_of_reproduces_the_configuration() {
        for k in [unusual(), KernelConfig::default()] {
            let o = KernelOverrides::all_of(&k);
            // From a different starting point, so that a setting all_of forgot would show.
            let start = KernelConfig {
                delivery: Delivery::Unordered,
                loss: 6,
                replay: 6,
                crashes: 6,
                crash_mode: CrashMode::Stop,
                time: TimeMode::Async,
                delta: k.delta,
                horizon: k.horizon,
                ..KernelConfig::default()
            };
            assert_eq!(o.apply(start), Ok(k));
        }
    }

    #[test]
    fn validation_names_the_setting() {
        let o = |name: &str, v: &str| {
            KernelOverrides::new()
                .with(name, v)
                .apply(KernelConfig::default())
        };
        assert_eq!(
            o("loss", "9"),
            Err(ConfigError::KernelRange {
                setting: "loss",
                value: 9,
                min: 0,
                max: 6
            })
        );
        assert_eq!(
            o("delta", "2"),
            Err(ConfigError::NeedsClock { setting: "delta" })
        );
        assert_eq!(
            o("network", "random").map_err(|e| e.to_string()),
            Err("kernel setting network must be one of ordered, unordered, not 'random'".into())
        );
        let clocked = KernelOverrides::new().with("time", "clocked");
        assert_eq!(
            clocked
                .clone()
                .with("horizon", "0")
                .apply(KernelConfig::default()),
            Err(ConfigError::KernelRange {
                setting: "horizon",
                value: 0,
                min: 1,
                max: 64
            })
        );
        assert_eq!(
            clocked
                .with("horizon", "9")
                .apply(KernelConfig::default())
                .map(|k| k.horizon),
            Ok(9)
        );
    }
}
