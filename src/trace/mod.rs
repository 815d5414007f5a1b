//! Counterexamples as data: the serialisable record of a violation (or a witness) that the
//! counterexample files hold, that the renderers draw and that `xshard replay` re-executes.
//!
//! The JSON form is versioned by [`SCHEMA_VERSION`]; fields are only ever added. [`hash`] names
//! them, [`replay`] re-executes one on a model. Reading and writing the files is
//! `crate::files`' job, above this module and the renderers.

pub mod hash;
pub mod replay;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use xshard_models::kernel::KernelConfig;
use xshard_models::{Checkable, Cut, PropertyInfo, Resolved, Step};
use xshard_properties::{Kind, TxOutcome};

use crate::engine::replay_path;

/// The version of the counterexample file format.
pub const SCHEMA_VERSION: u32 = 1;

/// A counterexample (or witness) trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counterexample {
    /// The file format version it was written in ([`SCHEMA_VERSION`] when written now).
    pub schema_version: u32,
    /// The version of xshard that wrote it.
    pub xshard_version: String,
    /// The registry name of the model checked.
    pub model: String,
    /// The name of the model's variant checked.
    pub variant: String,
    /// The model's parameters (`-p name=value`), by name.
    pub params: BTreeMap<String, u32>,
    /// The kernel configuration, for kernel models.
    pub kernel: Option<KernelConfig>,
    /// The name of the property violated (or witnessed).
    pub property: String,
    /// The property's kind: a violation for `always` and `terminal`, a witness for `sometimes`.
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

/// Decodes `path` on `model` into a [`Counterexample`] for its property number `index`.
///
/// Returns `None` if the path does not replay or the property does not exist (a bug in the
/// engine that produced it).
pub fn build<M: Checkable>(
    model: &M,
    resolved: &Resolved,
    index: usize,
    path: &[usize],
) -> Option<Counterexample> {
    let info = *model.property_info().get(index)?;
    build_with(model, resolved, info, path, |last| {
        model.explain(index, last)
    })
}

/// The path to a state a model's own bound cut short ([`Cut`]), decoded like a
/// counterexample: its `property` is the cut's name and its explanation says what to raise.
pub fn build_cut<M: Checkable>(
    model: &M,
    resolved: &Resolved,
    cut: Cut,
    path: &[usize],
) -> Option<Counterexample> {
    let info = PropertyInfo {
        name: cut.as_str(),
        kind: Kind::Sometimes,
        statement: "a state the model's own bound cut short",
    };
    let k = resolved.kernel.unwrap_or_default();
    build_with(model, resolved, info, path, |_| match cut {
        Cut::Horizon => format!(
            "tick {} (the horizon) is reached with work still pending, so what happens next \
             was not explored; raise --horizon",
            k.horizon
        ),
        Cut::CopyCap => format!(
            "a send finds {} copies of its message already in flight on the channel (the copy \
             cap), so the copy cannot be represented; raise --copies, or send a retransmission \
             with Effects::resend",
            k.copies
        ),
    })
}

fn build_with<M: Checkable>(
    model: &M,
    resolved: &Resolved,
    info: PropertyInfo,
    path: &[usize],
    explain: impl FnOnce(&M::State) -> String,
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
    Some(Counterexample {
        schema_version: SCHEMA_VERSION,
        xshard_version: env!("CARGO_PKG_VERSION").to_string(),
        model: resolved.model.to_string(),
        variant: resolved.variant.to_string(),
        params: resolved.params.clone(),
        kernel: resolved.kernel,
        property: info.name.to_string(),
        kind: info.kind,
        path: path.to_vec(),
        explanation: explain(last),
        nodes: model.lifelines(),
        steps,
        outcomes: obs.outcomes,
    })
}
