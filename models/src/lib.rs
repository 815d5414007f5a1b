//! # xshard-models
//!
//! The model contract ([`entry`]: [`ModelEntry`], [`ModelInfo`], variants, requests), the
//! interface the engine drives ([`Checkable`]), the world kernel ([`kernel`]) that turns a
//! [`Protocol`](kernel::Protocol) into a checkable model, the protocol models built on it
//! ([`protocols`]) and the exact TLA+ ports that anchor the engine to TLC's numbers ([`tla`]).
//! Nothing here knows the command line: the `xshard` crate's registry holds entries.

pub mod checkable;
pub mod entry;
pub mod kernel;
pub mod mutant;
pub mod protocols;
pub mod step;
pub mod tla;

pub use checkable::{stateright_properties, Checkable, Cut, PropertyInfo, MAX_PROPERTIES};
pub use entry::{
    Config, ConfigError, Expect, ModelEntry, ModelInfo, OnlyDefault, ParamSpec, Request, Resolved,
    VariantInfo, VariantSpec,
};
pub use step::{Change, Decision, EventKind, MessageInfo, Step};
