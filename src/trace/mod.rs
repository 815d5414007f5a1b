//! Counterexamples as data: the serialisable record of a violation (or a witness) that the
//! counterexample files hold, that the renderers draw and that `xshard replay` re-executes.
//!
//! The JSON form is versioned by [`SCHEMA_VERSION`]; fields are only ever added. [`files`]
//! writes and reads the counterexample files, [`hash`] names them, [`replay`] re-executes them.

pub mod files;
pub mod hash;
pub mod replay;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use xshard_models::kernel::KernelConfig;
use xshard_models::{Checkable, Resolved, Step};
use xshard_properties::{Kind, Observation, TxOutcome};

use crate::engine::replay_path;

/// The version of the counterexample file format.
pub const SCHEMA_VERSION: u32 = 1;

/// A counterexample (or witness) trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counterexample {
    pub schema_version: u32,
    /// The version of xshard that wrote it.
    pub xshard_version: String,
    pub model: String,
    pub variant: String,
    pub params: BTreeMap<String, u32>,
    /// The kernel configuration, for kernel models.
    pub kernel: Option<KernelConfig>,
    pub property: String,
    pub kind: Kind,
    /// The action path: the initial state's index, then each action's index in the model's
    /// action list (stateright's `Path` encoding).
    pub path: Vec<usize>,
    /// The node names (lifelines), in id order.
    pub nodes: Vec<String>,
    /// The decoded steps, one per action.
    pub steps: Vec<Step>,
    /// Each transaction's outcome per shard in the final state.
    pub outcomes: Vec<TxOutcome>,
    /// One sentence: what went wrong (or, for a witness, what was reached).
    pub explanation: String,
}

impl Counterexample {
    /// The number of actions.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the trace has no action.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// Decodes `path` on `model` into a [`Counterexample`] for property `property`.
///
/// Returns `None` if the path does not replay (a bug in the engine that produced it).
pub fn build<M: Checkable>(
    model: &M,
    resolved: &Resolved,
    property: &str,
    kind: Kind,
    path: &[usize],
) -> Option<Counterexample> {
    let states = replay_path(model, path).ok()?;
    let mut steps = Vec::with_capacity(states.len().saturating_sub(1));
    for w in states.windows(2) {
        let (before, action) = &w[0];
        let (after, _) = &w[1];
        steps.push(model.decode(before, action.as_ref()?, after));
    }
    let last = &states.last()?.0;
    let obs = model.observe(last);
    let nodes = model.lifelines();
    Some(Counterexample {
        schema_version: SCHEMA_VERSION,
        xshard_version: env!("CARGO_PKG_VERSION").to_string(),
        model: resolved.model.to_string(),
        variant: resolved.variant.to_string(),
        params: resolved.params.clone(),
        kernel: resolved.kernel,
        property: property.to_string(),
        kind,
        path: path.to_vec(),
        explanation: explain(property, &obs, &nodes),
        nodes,
        steps,
        outcomes: obs.outcomes,
    })
}

/// The one-sentence explanation of `property` in `obs`.
pub fn explain(property: &str, obs: &Observation, nodes: &[String]) -> String {
    let name = |id: u8| {
        nodes
            .get(usize::from(id))
            .cloned()
            .unwrap_or_else(|| format!("node{id}"))
    };
    match xshard_properties::by_name(property).and_then(|p| (p.find)(obs)) {
        Some(f) => f.describe(&name),
        None => format!("{property} reached"),
    }
}
