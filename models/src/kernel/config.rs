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
    /// Whether channels are FIFO or unordered.
    pub delivery: Delivery,
    /// How many messages the network may lose.
    pub loss: u8,
    /// How many times an already-sent message may be delivered again.
    pub replay: u8,
    /// How many crashes may happen (among the nodes the protocol lets crash).
    pub crashes: u8,
    /// Whether a crashed node stays down or may recover.
    pub crash_mode: CrashMode,
    /// How many network partitions may happen. A partition cuts every channel between two
    /// sets of nodes until it heals: the messages in flight across the cut are lost, and so is
    /// every message sent across it meanwhile. One partition at a time.
    /// Written to files only when non-zero, so files from before it existed keep their bytes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub partitions: u8,
    /// The most copies of one message (same sender, receiver and payload) the network holds in
    /// flight at once. A send beyond it cannot be represented: the run reports the state as
    /// cut by the copy cap and its verdicts as `inconclusive`, never drops the copy silently.
    #[serde(default = "default_copies")]
    pub copies: u8,
    /// Asynchronous time or a discrete global clock.
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
            partitions: 0,
            copies: DEFAULT_COPIES,
            time: TimeMode::Async,
            delta: 1,
            horizon: 4,
        }
    }
}

/// The default copy cap ([`KernelConfig::copies`]): a message and one duplicate of it in flight.
pub const DEFAULT_COPIES: u8 = 2;

/// The largest copy cap.
pub const MAX_COPIES: u8 = 6;

/// Serde's test for a budget left out of files while it is 0.
fn is_zero(n: &u8) -> bool {
    *n == 0
}

/// Serde's default for files written before the copy cap existed (they had one copy, a set).
fn default_copies() -> u8 {
    DEFAULT_COPIES
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

/// The largest fault budget (loss, replay, crashes, partitions).
pub const MAX_BUDGET: u8 = 6;

/// The largest delivery bound Δ.
pub const MAX_DELTA: u32 = 16;

/// The largest horizon.
pub const MAX_HORIZON: u32 = 64;

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
            "network unordered, loss 1, replay 0, crashes 0, crash-mode stop, copies 2, time async"
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
            "network ordered, loss 1, replay 2, crashes 1, crash-mode recover, copies 2, time \
             clocked, delta 2, horizon 5"
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
