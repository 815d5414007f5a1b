//! The model registry: every model the CLI knows, its parameters, variants and expected
//! verdicts, and how to build it from a request.
//!
//! Models have different state types, so building one hands it to a [`Visitor`] (the engine, the
//! replayer) rather than returning it.

use std::collections::BTreeMap;

use serde::Serialize;
use xshard_properties::Kind;

use crate::checkable::Checkable;
use crate::kernel::{CrashMode, Delivery, KernelConfig, TimeMode};

/// A numeric parameter of a model.
#[derive(Clone, Debug, Serialize)]
pub struct ParamSpec {
    pub name: &'static str,
    pub default: u32,
    pub min: u32,
    pub max: u32,
    pub doc: &'static str,
}

/// What a variant is expected to do at its default parameters and kernel configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Every property holds and every witness is found.
    Holds,
    /// Exactly these properties are violated.
    Violates(Vec<&'static str>),
}

/// A variant of a model: the correct default or a named flaw.
#[derive(Clone, Debug, Serialize)]
pub struct VariantSpec {
    pub name: &'static str,
    pub summary: &'static str,
    pub expect: Expect,
}

/// A property as listed for a model.
#[derive(Clone, Debug, Serialize)]
pub struct PropertyInfo {
    pub name: &'static str,
    pub kind: Kind,
    pub statement: &'static str,
}

/// Everything `xshard list` says about a model.
#[derive(Clone, Debug, Serialize)]
pub struct ModelInfo {
    pub name: &'static str,
    pub summary: &'static str,
    /// Where the protocol comes from (post, paper, section).
    pub source: &'static str,
    pub params: Vec<ParamSpec>,
    /// The first variant is the default.
    pub variants: Vec<VariantSpec>,
    pub properties: Vec<PropertyInfo>,
    /// The default kernel configuration, for kernel models.
    pub kernel: Option<KernelConfig>,
    /// What the checker reports in notable configurations (e.g. with crashes).
    pub notes: Vec<&'static str>,
}

/// Kernel settings a request overrides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KernelOverrides {
    pub delivery: Option<Delivery>,
    pub loss: Option<u8>,
    pub replay: Option<u8>,
    pub crashes: Option<u8>,
    pub crash_mode: Option<CrashMode>,
    pub time: Option<TimeMode>,
    pub delta: Option<u32>,
    pub horizon: Option<u32>,
}

impl KernelOverrides {
    /// Whether any setting is given.
    pub fn is_empty(&self) -> bool {
        *self == KernelOverrides::default()
    }
}

/// A request to build a model.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub variant: Option<String>,
    pub params: BTreeMap<String, String>,
    pub kernel: KernelOverrides,
}

/// A request resolved against a model's defaults: what is recorded in counterexample files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub model: &'static str,
    pub variant: &'static str,
    pub params: BTreeMap<String, u32>,
    pub kernel: Option<KernelConfig>,
}

impl Resolved {
    /// A parameter's value (resolution guarantees every declared parameter is present).
    pub fn param(&self, name: &str) -> u32 {
        self.params.get(name).copied().unwrap_or(0)
    }
}

/// Why a request cannot be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("unknown model '{name}' (valid models: {valid})")]
    UnknownModel { name: String, valid: String },
    #[error("unknown variant '{name}' of model '{model}' (valid variants: {valid})")]
    UnknownVariant {
        model: String,
        name: String,
        valid: String,
    },
    #[error("unknown parameter '{name}' of model '{model}' (valid parameters: {valid})")]
    UnknownParam {
        model: String,
        name: String,
        valid: String,
    },
    #[error("parameter '{name}' must be a whole number from {min} to {max}, not '{value}'")]
    BadValue {
        name: String,
        value: String,
        min: u32,
        max: u32,
    },
    #[error("model '{model}' is not on the world kernel, so kernel setting --{flag} does not apply (kernel models: {valid})")]
    NotKernel {
        model: String,
        flag: &'static str,
        valid: String,
    },
    #[error("kernel setting --{flag} must be from {min} to {max}, not {value}")]
    KernelRange {
        flag: &'static str,
        value: u32,
        min: u32,
        max: u32,
    },
    #[error("kernel setting --{flag} needs --time clocked")]
    NeedsClock { flag: &'static str },
}

/// Receives a built model.
pub trait Visitor {
    type Out;
    /// Called with the model and the resolved request it was built from.
    fn visit<M: Checkable>(self, model: M, resolved: &Resolved) -> Self::Out;
}

/// The models, in listing order.
pub fn catalogue() -> Vec<ModelInfo> {
    vec![
        crate::tla::tcommit::info(),
        crate::tla::two_phase::info(),
        crate::protocols::two_phase_commit::info(),
        crate::protocols::locking::info(),
        crate::protocols::train_hotel::info(),
        crate::protocols::yanking::info(),
        crate::protocols::receipts::info(),
        crate::protocols::merge_blocks::info(),
    ]
}

/// Looks a model up.
pub fn info(name: &str) -> Result<ModelInfo, ConfigError> {
    catalogue()
        .into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| ConfigError::UnknownModel {
            name: name.to_string(),
            valid: names(catalogue().iter().map(|m| m.name)),
        })
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

/// Resolves `req` against model `name`'s defaults, validating every value.
pub fn resolve(name: &str, req: &Request) -> Result<Resolved, ConfigError> {
    let info = info(name)?;
    let variant = match &req.variant {
        None => info.variants[0].name,
        Some(v) => info
            .variants
            .iter()
            .find(|s| s.name == v)
            .map(|s| s.name)
            .ok_or_else(|| ConfigError::UnknownVariant {
                model: name.to_string(),
                name: v.clone(),
                valid: names(info.variants.iter().map(|s| s.name)),
            })?,
    };
    let mut params: BTreeMap<String, u32> = info
        .params
        .iter()
        .map(|p| (p.name.to_string(), p.default))
        .collect();
    for (k, v) in &req.params {
        let spec =
            info.params
                .iter()
                .find(|p| p.name == k)
                .ok_or_else(|| ConfigError::UnknownParam {
                    model: name.to_string(),
                    name: k.clone(),
                    valid: if info.params.is_empty() {
                        "none".to_string()
                    } else {
                        names(info.params.iter().map(|p| p.name))
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
        params.insert(k.clone(), n);
    }
    let kernel = resolve_kernel(name, info.kernel, &req.kernel)?;
    Ok(Resolved {
        model: info.name,
        variant,
        params,
        kernel,
    })
}

fn resolve_kernel(
    model: &str,
    default: Option<KernelConfig>,
    o: &KernelOverrides,
) -> Result<Option<KernelConfig>, ConfigError> {
    let Some(mut k) = default else {
        if o.is_empty() {
            return Ok(None);
        }
        let flag = first_flag(o);
        return Err(ConfigError::NotKernel {
            model: model.to_string(),
            flag,
            valid: names(
                catalogue()
                    .iter()
                    .filter(|m| m.kernel.is_some())
                    .map(|m| m.name),
            ),
        });
    };
    let budget = |flag: &'static str, v: u8| {
        if v > MAX_BUDGET {
            Err(ConfigError::KernelRange {
                flag,
                value: u32::from(v),
                min: 0,
                max: u32::from(MAX_BUDGET),
            })
        } else {
            Ok(v)
        }
    };
    if let Some(d) = o.delivery {
        k.delivery = d;
    }
    if let Some(v) = o.loss {
        k.loss = budget("loss", v)?;
    }
    if let Some(v) = o.replay {
        k.replay = budget("replay", v)?;
    }
    if let Some(v) = o.crashes {
        k.crashes = budget("crashes", v)?;
    }
    if let Some(m) = o.crash_mode {
        k.crash_mode = m;
    }
    if let Some(t) = o.time {
        k.time = t;
    }
    let clocked = k.time == TimeMode::Clocked;
    if let Some(d) = o.delta {
        if !clocked {
            return Err(ConfigError::NeedsClock { flag: "delta" });
        }
        if !(1..=MAX_DELTA).contains(&d) {
            return Err(ConfigError::KernelRange {
                flag: "delta",
                value: d,
                min: 1,
                max: MAX_DELTA,
            });
        }
        k.delta = d;
    }
    if let Some(h) = o.horizon {
        if !clocked {
            return Err(ConfigError::NeedsClock { flag: "horizon" });
        }
        if !(1..=MAX_HORIZON).contains(&h) {
            return Err(ConfigError::KernelRange {
                flag: "horizon",
                value: h,
                min: 1,
                max: MAX_HORIZON,
            });
        }
        k.horizon = h;
    }
    Ok(Some(k))
}

/// The largest fault budget (loss, replay, crashes).
pub const MAX_BUDGET: u8 = 6;
/// The largest delivery bound Δ.
pub const MAX_DELTA: u32 = 16;
/// The largest horizon.
pub const MAX_HORIZON: u32 = 64;

fn first_flag(o: &KernelOverrides) -> &'static str {
    if o.delivery.is_some() {
        "network"
    } else if o.loss.is_some() {
        "loss"
    } else if o.replay.is_some() {
        "replay"
    } else if o.crashes.is_some() {
        "crashes"
    } else if o.crash_mode.is_some() {
        "crash-mode"
    } else if o.time.is_some() {
        "time"
    } else if o.delta.is_some() {
        "delta"
    } else {
        "horizon"
    }
}

/// Builds model `name` for `req` and hands it to `visitor`.
pub fn build<V: Visitor>(name: &str, req: &Request, visitor: V) -> Result<V::Out, ConfigError> {
    let r = resolve(name, req)?;
    Ok(build_resolved(&r, visitor))
}

/// Builds an already-resolved model and hands it to `visitor`.
pub fn build_resolved<V: Visitor>(r: &Resolved, visitor: V) -> V::Out {
    match r.model {
        crate::tla::tcommit::NAME => visitor.visit(crate::tla::tcommit::build(r), r),
        crate::tla::two_phase::NAME => visitor.visit(crate::tla::two_phase::build(r), r),
        crate::protocols::two_phase_commit::NAME => {
            visitor.visit(crate::protocols::two_phase_commit::build(r), r)
        }
        crate::protocols::locking::NAME => visitor.visit(crate::protocols::locking::build(r), r),
        crate::protocols::train_hotel::NAME => {
            visitor.visit(crate::protocols::train_hotel::build(r), r)
        }
        crate::protocols::yanking::NAME => visitor.visit(crate::protocols::yanking::build(r), r),
        crate::protocols::receipts::NAME => visitor.visit(crate::protocols::receipts::build(r), r),
        crate::protocols::merge_blocks::NAME => {
            visitor.visit(crate::protocols::merge_blocks::build(r), r)
        }
        other => unreachable!("resolve() only returns registered models, got {other}"),
    }
}

/// The property list of a kernel protocol, for [`ModelInfo::properties`].
pub fn property_infos(specs: &[&'static xshard_properties::PropertySpec]) -> Vec<PropertyInfo> {
    specs
        .iter()
        .map(|p| PropertyInfo {
            name: p.name,
            kind: p.kind,
            statement: p.statement,
        })
        .collect()
}
