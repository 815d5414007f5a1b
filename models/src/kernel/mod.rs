//! The world kernel: turns a [`Protocol`] (node states, messages, timers, handlers) into one
//! `stateright::Model` whose state is the node states plus the network, the clock, the timers
//! and the remaining fault budgets.
//!
//! What the kernel decides, so that no protocol re-implements it (DESIGN.md, "The world
//! kernel"):
//!
//! - **Network.** Ordered (FIFO per channel) or unordered delivery; loss (a `Drop` action per
//!   in-flight message while the loss budget lasts); replay (a `Replay` action delivering again
//!   any message ever sent, while the replay budget lasts — the attacker of the replay-attack
//!   papers is exactly this, never a scripted actor). In-flight messages form a set per channel:
//!   sending a copy of a message that is still in flight adds nothing, so retransmission loops
//!   stay finite; duplication is what the replay budget is for.
//! - **Time.** `async`: an armed timer may fire at any moment. `clocked`: a global tick `now`;
//!   a message sent at `t` must be delivered or lost by `t + Δ` and a timer fires exactly at its
//!   deadline (time cannot pass while either is due); no tick beyond the horizon.
//! - **Faults.** Crash-stop and crash-recover for the nodes the protocol lets crash; a crash
//!   keeps only what the protocol persists and disarms the node's timers; a crashed node
//!   receives nothing. In async time its messages wait in the network (they may arrive after a
//!   recovery); in clocked time a message whose delivery window passes while its receiver is
//!   down is gone.
//! - **Determinism.** Actions are enumerated in a canonical order (deliveries, timeouts,
//!   choices, tick, recoveries, losses, replays, crashes); every collection is sorted.
//! - **Symmetry.** Exact orbit canonicalisation over the groups of interchangeable nodes a
//!   protocol declares, at sort cost: nodes are ordered by renaming-invariant signatures and
//!   only ties that are not interchangeable in the state are enumerated ([`symmetry`]).
//!
//! Quiescence (for `deadlock_freedom`, and required of every `progress` property's done
//! state): no deliverable message, no armed timer, no enabled choice and, with crash-recover,
//! no crashed node. Faults and ticks are not progress.

pub mod config;
mod pack;
pub mod protocol;
pub mod reach;
pub mod settings;
pub mod state;
pub mod symmetry;
mod verdicts;
pub mod world;

pub use config::{
    CrashMode, Delivery, KernelConfig, TimeMode, DEFAULT_COPIES, MAX_BUDGET, MAX_COPIES, MAX_DELTA,
    MAX_HORIZON,
};
pub use pack::Scratch;
pub use protocol::{Effects, FindFn, Property, Protocol};
pub use reach::Reach;
pub use settings::{KernelOverrides, Kind, Setting, Sweep, SETTINGS};
pub use state::{Action, Armed, Envelope, KernelAction, State, WorldState};
pub use world::{World, SWARM_CLASSES};

#[cfg(test)]
mod tests;
