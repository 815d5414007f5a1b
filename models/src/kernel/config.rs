//! The kernel's configuration: network semantics, fault budgets and time.

use serde::{Deserialize, Serialize};

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

/// The value as `--network` takes it (and as files spell it).
impl std::fmt::Display for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Delivery::Ordered => "ordered",
            Delivery::Unordered => "unordered",
        })
    }
}

/// The value as `--crash-mode` takes it (and as files spell it).
impl std::fmt::Display for CrashMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CrashMode::Stop => "stop",
            CrashMode::Recover => "recover",
        })
    }
}

/// The value as `--time` takes it (and as files spell it).
impl std::fmt::Display for TimeMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimeMode::Async => "async",
            TimeMode::Clocked => "clocked",
        })
    }
}

impl std::fmt::Display for KernelConfig {
    /// One line for reports, each setting named by its `xshard check` flag and followed by its
    /// value, so a reader can type it back: `network unordered, loss 1, replay 0, crashes 0,
    /// crash-mode stop, time async`; clocked time adds `, delta 2, horizon 5`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "network {}, loss {}, replay {}, crashes {}, crash-mode {}, time {}",
            self.delivery, self.loss, self.replay, self.crashes, self.crash_mode, self.time
        )?;
        if self.clocked() {
            write!(f, ", delta {}, horizon {}", self.delta, self.horizon)?;
        }
        Ok(())
    }
}

/// Kernel settings a request overrides (`None`: the model's default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KernelOverrides {
    /// `network`.
    pub delivery: Option<Delivery>,
    /// `loss`.
    pub loss: Option<u8>,
    /// `replay`.
    pub replay: Option<u8>,
    /// `crashes`.
    pub crashes: Option<u8>,
    /// `crash_mode`.
    pub crash_mode: Option<CrashMode>,
    /// `time`.
    pub time: Option<TimeMode>,
    /// `delta`.
    pub delta: Option<u32>,
    /// `horizon`.
    pub horizon: Option<u32>,
}

/// The largest fault budget (loss, replay, crashes).
pub const MAX_BUDGET: u8 = 6;
/// The largest delivery bound Δ.
pub const MAX_DELTA: u32 = 16;
/// The largest horizon.
pub const MAX_HORIZON: u32 = 64;

impl KernelOverrides {
    /// Whether any setting is given.
    pub fn is_empty(&self) -> bool {
        *self == KernelOverrides::default()
    }

    /// Every setting of `k`, as overrides that reproduce it exactly (delta and horizon only in
    /// clocked time, where they apply).
    pub fn all_of(k: &KernelConfig) -> Self {
        KernelOverrides {
            delivery: Some(k.delivery),
            loss: Some(k.loss),
            replay: Some(k.replay),
            crashes: Some(k.crashes),
            crash_mode: Some(k.crash_mode),
            time: Some(k.time),
            delta: k.clocked().then_some(k.delta),
            horizon: k.clocked().then_some(k.horizon),
        }
    }

    /// The name of the first setting given, for messages.
    pub fn first_setting(&self) -> Option<&'static str> {
        [
            (self.delivery.is_some(), "network"),
            (self.loss.is_some(), "loss"),
            (self.replay.is_some(), "replay"),
            (self.crashes.is_some(), "crashes"),
            (self.crash_mode.is_some(), "crash_mode"),
            (self.time.is_some(), "time"),
            (self.delta.is_some(), "delta"),
            (self.horizon.is_some(), "horizon"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }

    /// Applies the overrides to `k`, validating every value.
    pub fn apply(&self, mut k: KernelConfig) -> Result<KernelConfig, crate::ConfigError> {
        use crate::ConfigError;
        let budget = |setting: &'static str, v: u8| {
            if v > MAX_BUDGET {
                Err(ConfigError::KernelRange {
                    setting,
                    value: u32::from(v),
                    min: 0,
                    max: u32::from(MAX_BUDGET),
                })
            } else {
                Ok(v)
            }
        };
        if let Some(d) = self.delivery {
            k.delivery = d;
        }
        if let Some(v) = self.loss {
            k.loss = budget("loss", v)?;
        }
        if let Some(v) = self.replay {
            k.replay = budget("replay", v)?;
        }
        if let Some(v) = self.crashes {
            k.crashes = budget("crashes", v)?;
        }
        if let Some(m) = self.crash_mode {
            k.crash_mode = m;
        }
        if let Some(t) = self.time {
            k.time = t;
        }
        let clocked = k.clocked();
        for (setting, value, max, slot) in [
            ("delta", self.delta, MAX_DELTA, &mut k.delta),
            ("horizon", self.horizon, MAX_HORIZON, &mut k.horizon),
        ] {
            let Some(v) = value else { continue };
            if !clocked {
                return Err(ConfigError::NeedsClock { setting });
            }
            if !(1..=max).contains(&v) {
                return Err(ConfigError::KernelRange {
                    setting,
                    value: v,
                    min: 1,
                    max,
                });
            }
            *slot = v;
        }
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_each_setting_by_its_flag() {
        let mut k = KernelConfig {
            loss: 1,
            ..KernelConfig::default()
        };
        assert_eq!(
            k.to_string(),
            "network unordered, loss 1, replay 0, crashes 0, crash-mode stop, time async"
        );
        k = KernelConfig {
            delivery: Delivery::Ordered,
            replay: 2,
            crashes: 1,
            crash_mode: CrashMode::Recover,
            time: TimeMode::Clocked,
            delta: 2,
            horizon: 5,
            ..k
        };
        assert_eq!(
            k.to_string(),
            "network ordered, loss 1, replay 2, crashes 1, crash-mode recover, time clocked, \
             delta 2, horizon 5"
        );
    }

    /// The flags take the values files use, so the report, the file and the command line agree.
    #[test]
    fn display_of_each_setting_is_its_serde_spelling() {
        let json = |v: serde_json::Value| v.as_str().map(str::to_string);
        for d in [Delivery::Ordered, Delivery::Unordered] {
            assert_eq!(json(serde_json::json!(d)), Some(d.to_string()));
        }
        for c in [CrashMode::Stop, CrashMode::Recover] {
            assert_eq!(json(serde_json::json!(c)), Some(c.to_string()));
        }
        for t in [TimeMode::Async, TimeMode::Clocked] {
            assert_eq!(json(serde_json::json!(t)), Some(t.to_string()));
        }
    }
}
