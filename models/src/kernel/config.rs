//! The kernel's configuration: network semantics, fault budgets and time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::settings::{names, setting, Setting, SETTINGS};

/// How the network delivers messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// FIFO per channel (sender, receiver): only the oldest in-flight message of a channel can
    /// be delivered. Loss may remove any message.
    Ordered,
    /// Any in-flight message can be delivered next.
    Unordered,
}

/// What a crash does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrashMode {
    /// A crashed node never acts again.
    Stop,
    /// A crashed node may recover with what it persisted (the protocol's `persisted`).
    Recover,
}

/// How time passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeMode {
    /// No clock: an armed timer may fire at any moment (stateright's actor timers).
    Async,
    /// A global discrete clock `now` advanced by `tick`; every message is delivered or lost
    /// within `delta` ticks of its sending; a timer fires exactly at its deadline; no tick
    /// beyond `horizon`.
    Clocked,
}

/// The kernel's configuration. Budgets are part of the state, so spaces stay finite and
/// counterexamples stay short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KernelConfig {
    pub delivery: Delivery,
    /// How many messages the network may lose.
    pub loss: u8,
    /// How many times an already-sent message may be delivered again.
    pub replay: u8,
    /// How many crashes may happen (among the nodes the protocol lets crash).
    pub crashes: u8,
    pub crash_mode: CrashMode,
    pub time: TimeMode,
    /// Clocked time: the delivery bound Δ in ticks.
    pub delta: u32,
    /// Clocked time: the last tick.
    pub horizon: u32,
}

impl Default for KernelConfig {
    fn default() -> Self {
        KernelConfig {
            delivery: Delivery::Unordered,
            loss: 0,
            replay: 0,
            crashes: 0,
            crash_mode: CrashMode::Stop,
            time: TimeMode::Async,
            delta: 1,
            horizon: 4,
        }
    }
}

impl KernelConfig {
    /// Whether the clock exists.
    pub fn clocked(&self) -> bool {
        self.time == TimeMode::Clocked
    }
}

impl std::fmt::Display for KernelConfig {
    /// One line for reports, every setting that applies as its flag spells it, e.g. `network
    /// unordered, loss 1, replay 0, crashes 0, crash-mode stop, time async` (see
    /// [`SETTINGS`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (s, v)) in self.settings().enumerate() {
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

/// The largest fault budget (loss, replay, crashes).
pub const MAX_BUDGET: u8 = 6;
/// The largest delivery bound Δ.
pub const MAX_DELTA: u32 = 16;
/// The largest horizon.
pub const MAX_HORIZON: u32 = 64;

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
