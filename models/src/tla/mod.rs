//! Exact ports of TLA+ specifications as plain `stateright::Model`s. Their state counts equal
//! TLC's, which makes them the engine's conformance anchor (PROTOCOLS.md §7.1).

pub mod tcommit;
pub mod two_phase;
