//! # xshard-models
//!
//! The world kernel ([`kernel`]), the protocol models built on it ([`protocols`]), the exact
//! TLA+ ports that anchor the engine to TLC's numbers ([`tla`]), and the [`registry`] the CLI
//! reads. Every model implements [`Checkable`], the interface the engine drives.

pub mod checkable;
pub mod kernel;
pub mod protocols;
pub mod registry;
pub mod tla;

pub use checkable::{Change, Checkable, Decision, EventKind, MessageInfo, Step};
pub use registry::{
    build, build_resolved, catalogue, resolve, ConfigError, Request, Resolved, Visitor,
};
