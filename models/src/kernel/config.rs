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

impl std::fmt::Display for KernelConfig {
    /// One line for reports, e.g. `Unordered network, loss 1, replay 0, crashes 0 (Stop), Async
    /// time`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} network, loss {}, replay {}, crashes {} ({:?}), {:?} time",
            self.delivery, self.loss, self.replay, self.crashes, self.crash_mode, self.time
        )?;
        if self.clocked() {
            write!(f, ", delta {}, horizon {}", self.delta, self.horizon)?;
        }
        Ok(())
    }
}
