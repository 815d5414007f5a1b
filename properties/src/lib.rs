//! # xshard-properties
//!
//! The vocabulary protocols expose to the checker ([`Observation`]: transactions and their
//! per-shard outcomes, locks, a value ledger, object values and transactions' effects, a history of irreversible events, resource
//! locations) and the named properties over it ([`catalogue`]). This crate knows nothing of
//! protocols: a model maps each of its states to an [`Observation`], and a property judges it.
//!
//! Sources: DESIGN.md (property table) and PROTOCOLS.md §0.2 (invariants A1–A4, L2, TR1, TR2,
//! U1), §6.2 (Herlihy's NoUnderwater).

pub mod catalogue;
pub mod finding;
pub mod observation;

pub use catalogue::{
    by_name, Kind, PropertySpec, ALL, ALL_ABORT, ATOMICITY, CAN_ABORT, CAN_COMMIT, CONSERVATION,
    CONSISTENCY, DEADLOCK_FREEDOM, ISOLATION, NO_DOUBLE_CREATE, NO_DOUBLE_SPEND,
    NO_INACTIVE_INPUT_SPEND, NO_UNDERWATER, OUTPUT_INTEGRITY, PROGRESS, SERIALIZABILITY,
    TIMEOUT_REVERT, UNIQUE_LOCATION,
};
pub use finding::Finding;
pub use observation::{
    Amount, ArcStatus, Event, Ledger, Location, Lock, LockMode, NodeId, ObjectId, ObjectStatus,
    Observation, Outcome, Status, SwapArc, Transfer, TxEffect, TxId, TxOutcome, Value, Write,
};

#[cfg(test)]
mod tests;
