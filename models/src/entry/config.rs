//! A request to build a model, the request resolved against the model's defaults, and why a
//! request can be refused.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::kernel::{KernelConfig, KernelOverrides};

/// A request to build a model, as the command line or a suite file gives it: raw values,
/// validated when resolved.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Request {
    /// The variant's name (`None`: the default).
    pub variant: Option<String>,
    /// Parameter values by name, unparsed.
    pub params: BTreeMap<String, String>,
    /// Kernel settings that differ from the model's defaults.
    pub kernel: KernelOverrides,
}

impl Request {
    /// A request for the defaults.
    pub fn new() -> Self {
        Request::default()
    }

    /// Asks for variant `name`.
    #[must_use]
    pub fn variant(mut self, name: impl Into<String>) -> Self {
        self.variant = Some(name.into());
        self
    }

    /// Sets parameter `name` to `value`.
    #[must_use]
    pub fn param(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.params.insert(name.into(), value.to_string());
        self
    }

    /// Overrides kernel settings.
    #[must_use]
    pub fn kernel(mut self, k: KernelOverrides) -> Self {
        self.kernel = k;
        self
    }
}

/// A request resolved against a model's defaults and validated: what counterexample files
/// record, and what rebuilds the same model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// The model's name.
    pub model: &'static str,
    /// The variant's name.
    pub variant: &'static str,
    /// Every declared parameter with its value, except one at its default that the model
    /// declares implicit there ([`ParamSpec::implicit_at_default`](super::ParamSpec::implicit_at_default)):
    /// what files record.
    pub params: BTreeMap<String, u32>,
    /// The parameters left out of `params` because they have their implicit default, with
    /// that value: not recorded, but read by [`Resolved::param`] like the others.
    #[serde(skip)]
    pub implicit: BTreeMap<String, u32>,
    /// The kernel settings, for kernel models.
    pub kernel: Option<KernelConfig>,
    /// The request set the horizon itself (`--horizon`, `kernel = { horizon = … }`). When it
    /// did not, the horizon is the model's derived one, and a run that reaches it with work
    /// pending is run again with a larger one (see the run layer); an explicit horizon is
    /// kept, and reaching it makes the run inconclusive. Not recorded in files: they record
    /// the horizon the run ended with.
    #[serde(skip)]
    pub horizon_explicit: bool,
}

impl Resolved {
    /// A parameter's value (resolution puts every declared parameter in `params` or
    /// `implicit`).
    pub fn param(&self, name: &str) -> u32 {
        self.params
            .get(name)
            .or_else(|| self.implicit.get(name))
            .copied()
            .unwrap_or(0)
    }

    /// Every declared parameter with its value, the implicit ones included.
    pub fn all_params(&self) -> BTreeMap<String, u32> {
        let mut all = self.implicit.clone();
        all.extend(self.params.iter().map(|(k, v)| (k.clone(), *v)));
        all
    }
}

/// What [`ModelEntry::build`](super::ModelEntry::build) receives: the typed variant and the
/// resolved parameters and kernel settings.
#[derive(Clone, Copy, Debug)]
pub struct Config<'a, V> {
    /// The variant chosen.
    pub variant: V,
    resolved: &'a Resolved,
}

impl<'a, V> Config<'a, V> {
    /// The configuration of `resolved` with variant value `variant`.
    pub fn new(variant: V, resolved: &'a Resolved) -> Self {
        Config { variant, resolved }
    }

    /// Parameter `name`'s value (declared parameters are always present, within range).
    pub fn param(&self, name: &str) -> u32 {
        self.resolved.param(name)
    }

    /// The kernel settings (the kernel's defaults for a model declared without a kernel).
    pub fn kernel(&self) -> KernelConfig {
        self.resolved.kernel.unwrap_or_default()
    }

    /// The whole resolved request.
    pub fn resolved(&self) -> &'a Resolved {
        self.resolved
    }
}

/// Why a request cannot be built. Messages name the model's own terms (parameter, variant,
/// kernel setting), never a command-line flag, so they read right in a suite file too.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No registered model has this name.
    #[error("unknown model '{name}' (valid models: {valid})")]
    UnknownModel {
        /// The name asked for.
        name: String,
        /// The registered names.
        valid: String,
    },
    /// The model has no variant of this name.
    #[error("unknown variant '{name}' of model '{model}' (valid variants: {valid})")]
    UnknownVariant {
        /// The model.
        model: String,
        /// The name asked for.
        name: String,
        /// The model's variants.
        valid: String,
    },
    /// The model has no parameter of this name.
    #[error("unknown parameter '{name}' of model '{model}' (valid parameters: {valid})")]
    UnknownParam {
        /// The model.
        model: String,
        /// The name asked for.
        name: String,
        /// The model's parameters.
        valid: String,
    },
    /// A parameter value is not a number in range.
    #[error("parameter '{name}' must be a whole number from {min} to {max}, not '{value}'")]
    BadValue {
        /// The parameter.
        name: String,
        /// The value given.
        value: String,
        /// The smallest value accepted.
        min: u32,
        /// The largest value accepted.
        max: u32,
    },
    /// A kernel setting was given for a model that is not on the kernel.
    #[error("model '{model}' is not on the world kernel, so kernel setting {setting} does not apply (kernel models: {valid})")]
    NotKernel {
        /// The model.
        model: String,
        /// The first kernel setting given.
        setting: &'static str,
        /// The registered kernel models.
        valid: String,
    },
    /// A kernel setting is out of range.
    #[error("kernel setting {setting} must be from {min} to {max}, not {value}")]
    KernelRange {
        /// The setting.
        setting: &'static str,
        /// The value given.
        value: u32,
        /// The smallest value accepted.
        min: u32,
        /// The largest value accepted.
        max: u32,
    },
    /// A kernel setting's value is not one it takes (a number that is not a number, a name
    /// that is not one of its choices).
    #[error("kernel setting {setting} must be {expected}, not '{value}'")]
    KernelValue {
        /// The setting.
        setting: &'static str,
        /// The value given.
        value: String,
        /// What it takes, e.g. `one of ordered, unordered`.
        expected: String,
    },
    /// A clocked-time setting was given in async time.
    #[error("kernel setting {setting} needs time clocked")]
    NeedsClock {
        /// The setting.
        setting: &'static str,
    },
    /// The model declares more properties than the checker supports.
    #[error("model '{model}' declares {count} properties; at most {max} are supported")]
    TooManyProperties {
        /// The model.
        model: String,
        /// How many it declares.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A setting was given a value that can have no effect on this model (crashes where no
    /// node can crash, loss where no message is ever sent, symmetry where no nodes are
    /// interchangeable): checking anyway would report a setting that was never exercised.
    #[error("{setting} has no effect on model '{model}': {reason} (valid: {valid})")]
    NoEffect {
        /// The setting: a kernel setting's name, or `symmetry`.
        setting: &'static str,
        /// The model.
        model: String,
        /// Why, e.g. `none of its nodes can crash`.
        reason: String,
        /// The values that are accepted, e.g. `0`.
        valid: String,
    },
    /// The model refused the configuration (a combination it cannot be built with).
    #[error("model '{model}' cannot be built: {reason}")]
    Invalid {
        /// The model.
        model: String,
        /// Why, in one sentence.
        reason: String,
    },
}
