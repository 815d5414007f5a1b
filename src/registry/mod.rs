//! The registry: every model a binary knows, open to models from any crate.
//!
//! A model is one [`ModelEntry`] value. [`Registry::builtin`] holds xshard's own models and
//! [`Registry::with`] / [`Registry::with_entry`] add more; `cli::main_with(registry)` then gives every
//! command to all of them. Models have different state types, so an entry is kept behind an
//! object-safe adapter that builds a [`Model`](erased::AnyModel): the one place where a
//! model's type is erased. Everything generic (the engine, decoding, replay) is monomorphised
//! per model inside the adapter, so dispatch costs one virtual call per command, never per
//! state.

mod effect;
mod erased;

use std::collections::BTreeMap;

use serde::Serialize;
use xshard_models::{
    Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, PropertyInfo, Request, Resolved,
    VariantInfo, MAX_PROPERTIES,
};

pub(crate) use effect::no_symmetry;
pub use erased::AnyModel;

use xshard_models::kernel::KernelConfig;

/// The models a binary knows, in listing order.
#[derive(Default)]
pub struct Registry {
    entries: Vec<Box<dyn Registered>>,
    /// Names added twice: reported by [`Registry::validate`] rather than silently shadowed.
    duplicates: Vec<&'static str>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// Everything `list` shows of a model (its JSON form is the `model` line of `list --format
/// json`).
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Listing {
    /// The name.
    pub name: &'static str,
    /// One line: what the model is.
    pub summary: &'static str,
    /// Where the protocol comes from.
    pub source: &'static str,
    /// The numeric parameters.
    pub params: Vec<ParamSpec>,
    /// The variants, the default first.
    pub variants: Vec<VariantInfo>,
    /// The properties of the default variant, as the built model declares them.
    pub properties: Vec<PropertyInfo>,
    /// The default kernel settings, for kernel models.
    pub kernel: Option<KernelConfig>,
    /// Notes on notable configurations.
    pub notes: Vec<&'static str>,
    /// What a check at the defaults catches.
    pub catches: Vec<&'static str>,
    /// What a check at the defaults cannot catch, and the model's abstraction limits.
    pub misses: Vec<&'static str>,
}

/// Why a registry cannot serve (a programming error of the binary that built it).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryError {
    /// Two entries have the same name.
    #[error("model '{0}' is registered twice")]
    Duplicate(&'static str),
    /// A model's default does not build.
    #[error("model '{model}' does not build with its defaults: {source}")]
    Default {
        /// The model.
        model: &'static str,
        /// Why.
        source: ConfigError,
    },
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// xshard's own models: the TLA+ ports and the protocols on the world kernel.
    pub fn builtin() -> Self {
        use xshard_models::{protocols, tla};
        Registry::new()
            .with::<tla::tcommit::Entry>()
            .with::<tla::two_phase::Entry>()
            .with::<tla::two_pc_btm::Entry>()
            .with::<tla::paxos_commit::Entry>()
            .with::<protocols::two_phase_commit::Entry>()
            .with::<protocols::backup_tm::Entry>()
            .with::<protocols::three_phase_commit::Entry>()
            .with::<protocols::paxos_commit::Entry>()
            .with::<protocols::locking::Entry>()
            .with::<protocols::train_hotel::Entry>()
            .with::<protocols::yanking::Entry>()
            .with::<protocols::receipts::Entry>()
            .with::<protocols::merge_blocks::Entry>()
            .with::<protocols::replay::sbac::Entry>()
            .with::<protocols::replay::atomix::Entry>()
            .with::<protocols::replay::byzcuit::Entry>()
            .with::<protocols::ibc_transfer::Entry>()
            .with::<protocols::htlc::Entry>()
            .with::<protocols::near_callbacks::Entry>()
    }

    /// Adds the entry `E` (a unit struct, or any entry with a `Default`).
    #[must_use]
    pub fn with<E: ModelEntry + Default>(self) -> Self {
        self.with_entry(E::default())
    }

    /// Adds `entry`.
    #[must_use]
    pub fn with_entry<E: ModelEntry>(mut self, entry: E) -> Self {
        let name = entry.info().name;
        if self.names().any(|n| n == name) {
            self.duplicates.push(name);
        } else {
            self.entries.push(Box::new(erased::Adapter(entry)));
        }
        self
    }

    /// Checks that the registry can serve: no name twice, every default builds.
    pub fn validate(&self) -> Result<(), RegistryError> {
        if let Some(&name) = self.duplicates.first() {
            return Err(RegistryError::Duplicate(name));
        }
        for e in &self.entries {
            let info = e.info();
            self.resolve(info.name, &Request::default())
                .and_then(|r| e.build(&r))
                .map_err(|source| RegistryError::Default {
                    model: info.name,
                    source,
                })?;
        }
        Ok(())
    }

    /// The names, in listing order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.iter().map(|e| e.info().name)
    }

    /// Every model's listing, in order.
    pub fn listings(&self) -> Vec<Listing> {
        self.entries.iter().map(|e| e.listing()).collect()
    }

    /// Model `name`'s description, without building it (the listing builds the default to
    /// read its properties).
    pub fn info(&self, name: &str) -> Result<ModelInfo, ConfigError> {
        Ok(self.entry(name)?.info())
    }

    /// Why the resolved configuration `r` lies outside its model's declared failure model,
    /// if it does ([`ModelEntry::outside_failure_model`]).
    pub fn outside_failure_model(&self, r: &Resolved) -> Option<String> {
        self.entry(r.model).ok()?.outside_failure_model(r)
    }

    /// The listing of model `name`.
    pub fn listing(&self, name: &str) -> Result<Listing, ConfigError> {
        Ok(self.entry(name)?.listing())
    }

    fn entry(&self, name: &str) -> Result<&dyn Registered, ConfigError> {
        self.entries
            .iter()
            .find(|e| e.info().name == name)
            .map(|e| &**e)
            .ok_or_else(|| ConfigError::UnknownModel {
                name: name.to_string(),
                valid: join(self.names()),
            })
    }

    /// Resolves `req` against model `name`'s defaults, validating every value.
    pub fn resolve(&self, name: &str, req: &Request) -> Result<Resolved, ConfigError> {
        let entry = self.entry(name)?;
        let info = entry.info();
        let variants = entry.variants();
        let spec = match &req.variant {
            None => variants.first(),
            Some(v) => Some(variants.iter().find(|s| s.name == v).ok_or_else(|| {
                ConfigError::UnknownVariant {
                    model: name.to_string(),
                    name: v.clone(),
                    valid: join(variants.iter().map(|s| s.name)),
                }
            })?),
        };
        let variant = spec.map_or("default", |v| v.name);
        let (params, implicit) = resolve_params(&info, req)?;
        // A variant's own kernel defaults stand in for the model's; the request overrides
        // either.
        let kernel = match info
            .kernel
            .map(|k| spec.and_then(|v| v.kernel).unwrap_or(k))
        {
            Some(k) => Some(req.kernel.apply(k)?),
            None => match req.kernel.first_setting() {
                None => None,
                Some(setting) => {
                    return Err(ConfigError::NotKernel {
                        model: name.to_string(),
                        setting,
                        valid: join(
                            self.entries
                                .iter()
                                .map(|e| e.info())
                                .filter(|i| i.kernel.is_some())
                                .map(|i| i.name),
                        ),
                    })
                }
            },
        };
        let horizon_explicit = req.kernel.get("horizon").is_some();
        let mut resolved = Resolved {
            model: info.name,
            variant,
            params,
            implicit,
            kernel,
            horizon_explicit,
        };
        derive_horizon(entry, &mut resolved);
        Ok(resolved)
    }

    /// Builds a resolved model.
    pub fn build(&self, r: &Resolved) -> Result<Box<dyn AnyModel>, ConfigError> {
        self.entry(r.model)?.build(r)
    }
}

/// Every declared parameter at its default: the recorded ones, and those implicit at their
/// default ([`ParamSpec::implicit_at_default`]).
fn default_params(info: &ModelInfo) -> (BTreeMap<String, u32>, BTreeMap<String, u32>) {
    let (implicit, params): (Vec<&ParamSpec>, Vec<&ParamSpec>) =
        info.params.iter().partition(|p| p.implicit_default);
    let map = |ps: Vec<&ParamSpec>| {
        ps.iter()
            .map(|p| (p.name.to_string(), p.default))
            .collect::<BTreeMap<_, _>>()
    };
    (map(params), map(implicit))
}

/// The request's parameters over the defaults, validated; a parameter implicit at its default
/// goes to the second map while it has that value, to the first otherwise.
fn resolve_params(
    info: &ModelInfo,
    req: &Request,
) -> Result<(BTreeMap<String, u32>, BTreeMap<String, u32>), ConfigError> {
    let (mut params, mut implicit) = default_params(info);
    for (k, v) in &req.params {
        let spec =
            info.params
                .iter()
                .find(|p| p.name == k)
                .ok_or_else(|| ConfigError::UnknownParam {
                    model: info.name.to_string(),
                    name: k.clone(),
                    valid: if info.params.is_empty() {
                        "none".to_string()
                    } else {
                        join(info.params.iter().map(|p| p.name))
                    },
                })?;
        let bad = || ConfigError::BadValue {
            name: k.clone(),
            value: v.clone(),
            min: spec.min,
            max: spec.max,
        };
        let n: u32 = v.trim().parse().map_err(|_| bad())?;
        if n < spec.min || n > spec.max {
            return Err(bad());
        }
        if spec.implicit_default && n == spec.default {
            continue;
        }
        implicit.remove(k);
        params.insert(k.clone(), n);
    }
    Ok((params, implicit))
}

fn join<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

/// An entry behind its object-safe adapter.
trait Registered: Send + Sync {
    fn info(&self) -> ModelInfo;
    fn variants(&self) -> Vec<VariantInfo>;
    fn listing(&self) -> Listing;
    fn build(&self, r: &Resolved) -> Result<Box<dyn AnyModel>, ConfigError>;
    /// Why `r` is outside the entry's failure model ([`ModelEntry::outside_failure_model`]).
    fn outside_failure_model(&self, r: &Resolved) -> Option<String>;
    /// The entry's derived horizon ([`ModelEntry::horizon`]) for variant `variant`.
    fn horizon(
        &self,
        variant: &str,
        params: &BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32>;
}

/// Sets the derived horizon in `r`'s kernel when the clock is on and the request leaves
/// `horizon` to the model. The model sees every parameter, the implicit ones included.
fn derive_horizon(entry: &dyn Registered, r: &mut Resolved) {
    let params = r.all_params();
    if let Some(k) = r.kernel.as_mut() {
        if k.clocked() && !r.horizon_explicit {
            if let Some(h) = entry.horizon(r.variant, &params, k) {
                k.horizon = h.clamp(1, xshard_models::kernel::MAX_HORIZON);
            }
        }
    }
}

impl<E: ModelEntry> Registered for erased::Adapter<E> {
    fn info(&self) -> ModelInfo {
        self.0.info()
    }

    fn variants(&self) -> Vec<VariantInfo> {
        self.0.variants().iter().map(|v| v.info()).collect()
    }

    fn listing(&self) -> Listing {
        let info = self.0.info();
        // The properties come from the model itself, built at its defaults: declared once.
        let (params, implicit) = default_params(&info);
        let mut defaults = Resolved {
            model: info.name,
            variant: self.0.variants().first().map_or("default", |v| v.name),
            params,
            implicit,
            kernel: info.kernel,
            horizon_explicit: false,
        };
        derive_horizon(self, &mut defaults);
        let properties = self
            .build(&defaults)
            .map(|m| m.property_info())
            .unwrap_or_default();
        Listing {
            name: info.name,
            summary: info.summary,
            source: info.source,
            params: info.params,
            variants: self.variants(),
            properties,
            kernel: defaults.kernel,
            notes: info.notes,
            catches: info.catches,
            misses: info.misses,
        }
    }

    fn outside_failure_model(&self, r: &Resolved) -> Option<String> {
        let kernel = r.kernel.as_ref()?;
        self.0.outside_failure_model(&r.all_params(), kernel)
    }

    fn build(&self, r: &Resolved) -> Result<Box<dyn AnyModel>, ConfigError> {
        let variants = self.0.variants();
        let spec = variants
            .iter()
            .find(|v| v.name == r.variant)
            .ok_or_else(|| ConfigError::UnknownVariant {
                model: r.model.to_string(),
                name: r.variant.to_string(),
                valid: join(variants.iter().map(|v| v.name)),
            })?;
        let model = self.0.build(&Config::new(spec.value, r))?;
        let count = xshard_models::Checkable::property_info(&model).len();
        if count > MAX_PROPERTIES {
            return Err(ConfigError::TooManyProperties {
                model: r.model.to_string(),
                count,
                max: MAX_PROPERTIES,
            });
        }
        let notes = match (r.kernel, xshard_models::Checkable::reach(&model)) {
            (Some(k), Some(reach)) => effect::judge(r.model, &k, &reach)?,
            _ => Vec::new(),
        };
        Ok(Box::new(erased::Erased::new(model, notes)))
    }

    fn horizon(
        &self,
        variant: &str,
        params: &BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let variants = self.0.variants();
        let spec = variants.iter().find(|v| v.name == variant)?;
        self.0.horizon(spec.value, params, kernel)
    }
}
