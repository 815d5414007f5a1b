//! The model contract: what a model tells the checker about itself and how it is built.
//!
//! A model is one value implementing [`ModelEntry`]: its [`ModelInfo`] (name, summary, source,
//! parameters, default kernel settings, notes), its variants as a typed choice
//! ([`VariantSpec`], the correct default first, each with the verdict it is expected to give)
//! and `build`, which turns a validated [`Config`] into a [`Checkable`] model. The built-in
//! models are entries like any other; the `xshard` crate's `Registry` holds entries and gives
//! every command (`list`, `check`, `gate`, `replay`, `render`, …) to each of them. This follows
//! the shape of `criterion_main!` and stateright's `impl Model` in the user's crate
//! (EXTENDING.md §1.6): the user owns the model, xshard owns the command line.

mod config;
mod info;

pub use config::{Config, ConfigError, Request, Resolved};
pub use info::{Expect, ModelInfo, ParamSpec, VariantInfo, VariantSpec};

use std::fmt::Debug;

use crate::checkable::Checkable;

/// One model as the command line knows it.
///
/// Implement it for a unit struct and register it with `Registry::with::<MyEntry>()` (or
/// `Registry::with_entry(value)` when the entry carries data). `info` and `variants` are called
/// whenever the registry lists or resolves the model; `build` once per check or replay.
pub trait ModelEntry: Send + Sync + 'static {
    /// The model `build` returns: a [`World`](crate::kernel::World) of a kernel protocol, or
    /// any other [`Checkable`].
    type Model: Checkable;
    /// The model's variants as a typed choice (usually a fieldless enum).
    type Variant: Copy + Debug + Send + Sync + 'static;

    /// Name, summary, source, parameters, default kernel settings and notes.
    fn info(&self) -> ModelInfo;

    /// Every variant, the correct default first, each with its expected verdict at the
    /// default parameters and kernel settings.
    fn variants(&self) -> Vec<VariantSpec<Self::Variant>>;

    /// Builds the model for a validated configuration. Parameters are within their declared
    /// ranges and kernel settings within the kernel's; return [`ConfigError::Invalid`] for a
    /// combination the model cannot be built with.
    fn build(&self, config: &Config<'_, Self::Variant>) -> Result<Self::Model, ConfigError>;

    /// Clocked time: the horizon a check needs with these parameters and kernel settings, the
    /// ticks within which every busy period of the protocol ends (a claim window, a deadline,
    /// retries times the delivery bound). Used whenever the user does not set `horizon`, so
    /// that `-p window=…` or `-p deadline=…` never needs a hand-set horizon; `None` keeps the
    /// kernel setting's value. The kernel reports a run whose horizon still cut a busy state
    /// as inconclusive, so an estimate that is too small costs a verdict, never a wrong one.
    fn horizon(
        &self,
        _variant: Self::Variant,
        _params: &std::collections::BTreeMap<String, u32>,
        _kernel: &crate::kernel::KernelConfig,
    ) -> Option<u32> {
        None
    }

    /// Why a configuration lies outside the failure model the protocol claims to tolerate
    /// (more crashes than it is built for, a node that may crash although the design assumes
    /// it does not), or `None` when it is inside. `check` runs such a configuration all the
    /// same (a designer may want to see the limit); `sweep` counts it apart and never reports
    /// its violations as a failure of the protocol. The default: every configuration is
    /// inside.
    fn outside_failure_model(
        &self,
        _params: &std::collections::BTreeMap<String, u32>,
        _kernel: &crate::kernel::KernelConfig,
    ) -> Option<String> {
        None
    }
}

/// The variant type of a model that has only its default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnlyDefault {
    /// The model as published.
    Default,
}
