//! The interface xshard's engine, renderers and replayer use to drive a model.
//!
//! A protocol author never implements this: kernel protocols implement
//! [`Protocol`](crate::kernel::Protocol) and the kernel implements [`Checkable`] for them; the
//! TLA+ ports implement it directly because they are plain `stateright::Model`s (conformance
//! anchors, not protocols on the kernel).

use std::fmt::Debug;
use std::hash::Hash;

use serde::Serialize;
use stateright::{Model, Property};
use xshard_properties::{Kind, Observation};

use crate::step::Step;

/// A `stateright::Model` that xshard can check, explain and replay.
pub trait Checkable:
    Model<State: Clone + Hash + Eq + Debug + Send + Sync, Action: Clone + Debug + PartialEq>
    + Send
    + Sync
    + 'static
{
    /// One engine thread's working memory for [`Checkable::next_into`],
    /// [`Checkable::pack`] and [`Checkable::unpack`] (reused buffers, memos): the engine
    /// keeps one per worker and never shares it.
    type Scratch: Default + Send;

    /// `Model::next_state` into `into`, reusing its allocations and `scratch`'s: writes the
    /// state `action` leads to from `state` and returns `true`, or returns `false` when there
    /// is none (then `into` holds no meaningful state). The engine generates every successor
    /// this way, so that a successor costs no allocation in the steady state.
    fn next_into(
        &self,
        state: &Self::State,
        action: Self::Action,
        into: &mut Self::State,
        scratch: &mut Self::Scratch,
    ) -> bool;

    /// Appends the compact encoding of `state` to `out`. Equal states must have equal
    /// encodings and distinct states distinct ones, within one run: the engine fingerprints
    /// the encoding and stores states only in this form (DESIGN.md, "Kernel state encoding").
    fn pack(&self, state: &Self::State, scratch: &mut Self::Scratch, out: &mut Vec<u8>);

    /// Rebuilds into `into` (reusing its allocations) the state `bytes` encodes, as written by
    /// [`Checkable::pack`] in the same run.
    fn unpack(&self, bytes: &[u8], scratch: &mut Self::Scratch, into: &mut Self::State);

    /// A state to unpack into or generate successors into (its value is never used).
    fn blank(&self) -> Self::State;

    /// The model's properties, declared once: name, kind and statement. Every other list
    /// (stateright's `Model::properties`, the engine's kinds, the listing) derives from it.
    fn property_info(&self) -> Vec<PropertyInfo>;

    /// Evaluates every property's condition on `state` into `out`, in
    /// [`Checkable::property_info`] order: `true` when the state is fine for an `always` or
    /// `terminal` property, `true` when it is a witness of a `sometimes` one, `true` when it
    /// is done for a `progress` one.
    fn evaluate(&self, state: &Self::State, out: &mut Vec<bool>);

    /// [`Checkable::evaluate`] of `state` by a worker whose `scratch` may know it (the
    /// engine calls it right after [`Checkable::unpack`] into `state`), so that a model can
    /// reuse conditions it computed for an earlier state. Must write exactly what `evaluate`
    /// writes; the default calls it.
    fn evaluate_in(&self, state: &Self::State, scratch: &mut Self::Scratch, out: &mut Vec<bool>) {
        let _ = scratch;
        self.evaluate(state, out);
    }

    /// One sentence on property `index` at `state`: what went wrong (or, for a witness, what
    /// was reached). Used for the counterexample's explanation and the chart's title.
    fn explain(&self, index: usize, state: &Self::State) -> String;

    /// Each property's name and kind, in declaration order.
    fn property_kinds(&self) -> Vec<(&'static str, Kind)> {
        self.property_info()
            .iter()
            .map(|p| (p.name, p.kind))
            .collect()
    }

    /// The condition of property `index` alone (stateright's checker asks per property).
    fn condition(&self, index: usize, state: &Self::State) -> bool {
        let mut out = Vec::new();
        self.evaluate(state, &mut out);
        out.get(index).copied().unwrap_or(true)
    }

    /// The canonical representative of `state` under the model's symmetry (identity when the
    /// model declares none).
    fn representative(&self, state: &Self::State) -> Self::State {
        state.clone()
    }

    /// [`Checkable::representative`] of a state the caller gives up, which a model may rename
    /// in place rather than copy (the engine's path for every generated state).
    fn representative_owned(&self, state: Self::State) -> Self::State {
        self.representative(&state)
    }

    /// Appends to `out` what [`Checkable::pack`] writes for [`Checkable::representative`] of
    /// `state`: the engine's path for every generated state under symmetry. The default does
    /// exactly that; the kernel packs the renamed image directly, without a copy of `state`,
    /// reusing the numbers `next_into` kept (DESIGN.md, "Symmetry is exact, at sort cost").
    fn pack_representative(
        &self,
        state: &Self::State,
        scratch: &mut Self::Scratch,
        out: &mut Vec<u8>,
    ) {
        let c = self.representative(state);
        self.pack(&c, scratch, out);
    }

    /// Whether [`Checkable::representative`] does anything.
    fn has_symmetry(&self) -> bool {
        false
    }

    /// Whether the model declares interchangeable nodes at all, even if at these parameters
    /// every group has one node (then `--symmetry` is a noted no-op rather than refused).
    fn declares_symmetry(&self) -> bool {
        self.has_symmetry()
    }

    /// The names of the nodes (lifelines of a message-sequence chart), in id order.
    fn lifelines(&self) -> Vec<String>;

    /// Describes the step from `before` by `action` to `after`.
    fn decode(&self, before: &Self::State, action: &Self::Action, after: &Self::State) -> Step;

    /// The observation of `state`, for explanations and the final state of a counterexample.
    fn observe(&self, state: &Self::State) -> Observation;

    /// Whether the model has a canonical representative function usable by stateright's own
    /// checker (`CheckerBuilder::symmetry_fn`).
    fn stateright_symmetry(&self) -> Option<fn(&Self::State) -> Self::State> {
        None
    }

    /// Whether `action` counts on a path to *done* for `progress` properties (CTL `AG EF
    /// done`): the graph pass follows only such steps backwards. Faults return `false`: the
    /// system must be able to finish without further loss, replay or crashes. The default
    /// counts every action.
    fn progress_step(&self, _action: &Self::Action) -> bool {
        true
    }

    /// The fault class of `action` that a swarm walk (`xshard fuzz`) may switch off for a
    /// whole walk, as a bit index below 32, or `None` for an action every walk may take. The
    /// default has no classes; the kernel's are its faults ([`SWARM_CLASSES`]).
    ///
    /// [`SWARM_CLASSES`]: crate::kernel::SWARM_CLASSES
    fn swarm_class(&self, _action: &Self::Action) -> Option<u32> {
        None
    }

    /// Whether the model's own bounds cut `state`'s behaviour short (see [`Cut`]). The
    /// engine never reports `holds` for a run that reached such a state.
    fn cut(&self, _state: &Self::State) -> Option<Cut> {
        None
    }

    /// What the kernel's fault settings can reach in this model (`None` for a model not on
    /// the world kernel, whose kernel settings are refused anyway). The registry refuses a
    /// setting that could have no effect, rather than report it as if it had been checked.
    fn reach(&self) -> Option<Reach> {
        None
    }
}

/// What a kernel model's fault settings can reach, as far as the kernel knows statically.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reach {
    /// The names of the nodes that may crash (`Protocol::can_crash`), in id order.
    pub crashable: Vec<String>,
    /// Whether a message may ever be sent. `false` only when it is certain: no message is in
    /// flight initially, no timer is armed and no choice is ever enabled, so no handler can
    /// run (and none can on recovery, because no crash-recover is configured).
    pub sends: bool,
    /// How many nodes the model has (a partition needs two).
    pub nodes: usize,
}

/// How a model's own bound cut a state's behaviour short: the search did not cover what the
/// protocol would do next, so undecided verdicts become `inconclusive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cut {
    /// Clocked time: the state is at the horizon and work is still pending (an armed timer, a
    /// message in flight to a live node, an enabled choice, an undecided transaction or a held
    /// lock). The state is real: it is stored and checked, but what happens after the horizon
    /// was not explored.
    Horizon,
    /// A send found its channel already holding the most copies of that message the network
    /// keeps. The state is not faithful (a copy is missing), so it is neither stored nor
    /// checked.
    CopyCap,
}

impl Cut {
    /// The name used in output (its serde name), e.g. `horizon`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cut::Horizon => "horizon",
            Cut::CopyCap => "copy_cap",
        }
    }
}

/// A property as declared by a model: its stable name (a JSON key, a JUnit test name, a file
/// name), its kind and a one-sentence statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PropertyInfo {
    /// The stable name.
    pub name: &'static str,
    /// How it is judged.
    pub kind: Kind,
    /// One sentence: what it states.
    pub statement: &'static str,
}

impl From<&xshard_properties::PropertySpec> for PropertyInfo {
    fn from(p: &xshard_properties::PropertySpec) -> Self {
        PropertyInfo {
            name: p.name,
            kind: p.kind,
            statement: p.statement,
        }
    }
}

/// The most properties one model may declare: stateright's properties are plain `fn`
/// pointers that cannot capture which property they judge, so each index needs its own
/// function (see [`stateright_properties`]). The registry refuses a model with more.
pub const MAX_PROPERTIES: usize = 64;

/// `Model::properties` for any [`Checkable`], derived from its declaration.
///
/// Properties beyond [`MAX_PROPERTIES`] cannot be expressed; the registry refuses such a
/// model before it is ever checked, so none is dropped silently.
pub fn stateright_properties<M: Checkable>(m: &M) -> Vec<Property<M>> {
    let slots = slots::<M>();
    m.property_info()
        .iter()
        .zip(slots)
        .map(|(p, f)| match p.kind {
            Kind::Always | Kind::Terminal => Property::always(p.name, f),
            Kind::Sometimes => Property::sometimes(p.name, f),
            // AG EF is not a per-state property: stateright cannot judge it, and the engine
            // reports it inconclusive there. A property that never fails keeps the slots
            // aligned with the declaration.
            Kind::Progress => Property::always(p.name, |_, _| true),
        })
        .collect()
}

fn slot<M: Checkable, const I: usize>(m: &M, s: &M::State) -> bool {
    m.condition(I, s)
}

macro_rules! slot_table {
    ($($i:literal)*) => {
        fn slots<M: Checkable>() -> [fn(&M, &M::State) -> bool; MAX_PROPERTIES] {
            [$(slot::<M, $i>),*]
        }
    };
}

slot_table!(
    0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
    32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61
    62 63
);
