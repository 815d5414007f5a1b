//! The configurations a sweep draws from: one dimension per model parameter and per kernel
//! setting, each a list of values simplest first, derived from the model's [`ParamSpec`]s
//! and the kernel's settings table (`SETTINGS`, [`Sweep`]) — never a second list. Fixed
//! settings the request leaves to the model stay out of every case's request, so a derived
//! horizon is derived for each case, not pinned at the bound's.
//!
//! [`ParamSpec`]: xshard_models::ParamSpec

use xshard_models::kernel::Sweep;
use xshard_models::{Request, Resolved};

use crate::registry::Registry;
use crate::run::RunError;

/// What a dimension sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DimensionKind {
    /// A model parameter (`-p name=value`).
    Param,
    /// A kernel setting (`--name value`).
    Setting,
}

/// One dimension of a sweep.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Dimension {
    /// The parameter's or the setting's name.
    pub name: &'static str,
    /// Which of the two it is.
    pub kind: DimensionKind,
    /// Its values, simplest first, as `-p` or the flag spells them.
    pub values: Vec<String>,
}

/// The configurations of one sweep: a model, a variant, and the dimensions.
#[derive(Clone, Debug)]
pub struct Space {
    /// The request every case starts from (variant, fixed parameters, kernel flags given).
    pub base: Request,
    /// The bound: the base request resolved (the largest value of every dimension).
    pub bound: Resolved,
    /// The dimensions: parameters in declaration order, then settings in table order.
    pub dims: Vec<Dimension>,
}

impl Space {
    /// The space of model `model` under `req`: a parameter `req` sets is fixed at that value,
    /// every other ranges over its declared `min..=max`; a kernel setting ranges from its
    /// simplest value up to its value in `req` resolved against the variant's defaults
    /// ([`Sweep::UpToBound`]) or stays there ([`Sweep::Fixed`]).
    pub fn new(registry: &Registry, model: &str, req: &Request) -> Result<Space, RunError> {
        let bound = registry.resolve(model, req)?;
        // The bound must build: every case is no larger than it in any dimension, and a
        // setting that can have no effect on this model is refused here, once.
        registry.build(&bound)?;
        let info = registry.info(model)?;
        let mut dims = Vec::new();
        for p in &info.params {
            let values = match req.params.get(p.name) {
                Some(_) => vec![bound.param(p.name).to_string()],
                None => (p.min..=p.max).map(|v| v.to_string()).collect(),
            };
            dims.push(Dimension {
                name: p.name,
                kind: DimensionKind::Param,
                values,
            });
        }
        if let Some(k) = &bound.kernel {
            for (s, _) in k.settings().filter(|(s, _)| s.sweep == Sweep::UpToBound) {
                dims.push(Dimension {
                    name: s.name,
                    kind: DimensionKind::Setting,
                    values: s.sweep_values(k),
                });
            }
        }
        Ok(Space {
            base: req.clone(),
            bound,
            dims,
        })
    }

    /// The request of the case at `at` (one value index per dimension, clamped).
    pub fn request(&self, at: &[u32]) -> Request {
        let mut req = self.base.clone();
        for (d, &i) in self.dims.iter().zip(at) {
            let v = &d.values[(i as usize).min(d.values.len() - 1)];
            match d.kind {
                DimensionKind::Param => {
                    req.params.insert(d.name.to_string(), v.clone());
                }
                DimensionKind::Setting => req.kernel.set(d.name, v),
            }
        }
        req
    }

    /// How many configurations the space holds.
    pub fn size(&self) -> u128 {
        self.dims
            .iter()
            .map(|d| d.values.len() as u128)
            .product::<u128>()
    }

    /// The largest index of every dimension: the bound.
    pub fn top(&self) -> Vec<u32> {
        self.dims
            .iter()
            .map(|d| d.values.len().saturating_sub(1) as u32)
            .collect()
    }
}
