//! # xshard
//!
//! A model checker for cross-shard commit protocols. This crate is the verifier: the
//! exploration [`engine`], the [`registry`] of models, the [`run`] layer every command goes
//! through, counterexample [`trace`]s and their [`files`], and the command line ([`cli`]).
//!
//! A protocol designer needs only the items re-exported at the top of this crate: implement
//! [`Protocol`] for the protocol's nodes, describe it with a [`ModelEntry`], and hand a
//! [`Registry`] to [`cli::main_with`]. `docs/guide.md` walks through it.

pub mod cli;
pub mod engine;
pub mod exit;
pub mod explore;
pub mod files;
pub mod registry;
pub mod run;
pub mod trace;

// Not part of the API: the command line's own machinery, public only so that the integration
// tests (one binary, tests/it) can pin its outputs. Hidden from the docs; may change in any
// release.
#[doc(hidden)]
pub mod gate;
#[doc(hidden)]
pub mod output;
#[doc(hidden)]
pub mod render;

pub use cli::main_with;
pub use engine::Engine;
pub use registry::Registry;
pub use xshard_models::kernel::{
    CrashMode, Delivery, Effects, KernelConfig, Property, Protocol, TimeMode, World,
};
pub use xshard_models::{
    Checkable, Config, ConfigError, Expect, ModelEntry, ModelInfo, OnlyDefault, ParamSpec, Request,
    VariantSpec,
};
pub use xshard_properties::{
    Event, Kind, Ledger, Location, Lock, LockMode, NodeId, Observation, Outcome, TxId,
};

/// The crates behind the facade, for what it does not re-export: `xshard::models::…` (the
/// kernel's state types, the built-in protocols) and `xshard::properties::…` (the catalogue).
pub use {xshard_models as models, xshard_properties as properties};
