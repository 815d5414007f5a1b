//! [`EngineKind::Stateright`](super::EngineKind::Stateright): the same model under stateright 0.31's own DFS checker, for
//! differential testing, reported with the same fields as xshard's engine.
//!
//! stateright's defaults would stop early: its DFS does not expand a state once every property
//! has a discovery, and `HasDiscoveries::All` ends the run when they all have one. The model is
//! therefore wrapped in an adapter with one extra `always` property that never fails, so the
//! search always explores every reachable state and its counts compare with xshard's.
//!
//! Bounds: stateright ignores `timeout` with one thread, and its `target_state_count` counts
//! generated states, so the adapter enforces `timeout`, `max_memory`, `max_states` and the
//! stop handle itself by offering no more actions once the run must stop (the checker then
//! drains its queues and returns). `max_depth` maps to `target_max_depth`: stateright's depth bound
//! skips states deeper than the bound, and like any plain DFS bound it can miss states inside
//! it (DESIGN.md); the run is reported inconclusive if the bound was reached.
//!
//! Discoveries come back as stateright `Path`s and are re-encoded as action-index paths, the
//! encoding xshard's engine reports.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use stateright::{Checker, Model, Property};
use xshard_models::{stateright_properties, Checkable, PropertyInfo, Step};
use xshard_properties::Observation;

use super::control::Control;
use super::{report, Bound, Counts, Report, Settings, Strategy};

/// The name of the adapter's extra property.
const KEEP_GOING: &str = "xshard:explore-everything";
/// The most properties a model may have under the adapter: the models' own slot table (its
/// extra property is not one of them).
/// The adapter also carries one pseudo-property per model bound ([`super::CUTS`]).
pub(super) const MAX_PROPS: usize = xshard_models::MAX_PROPERTIES - super::CUTS.len();

struct Adapter<M: Checkable> {
    inner: Arc<M>,
    halt: Arc<AtomicBool>,
    /// The model's kinds followed by the cut slots ([`super::kinds_with_cuts`]).
    kinds: Vec<(&'static str, xshard_properties::Kind)>,
    /// Counted, but not reported: stateright stops evaluating a slot after its discovery.
    cut_states: [std::sync::atomic::AtomicU64; 2],
}

impl<M: Checkable> Model for Adapter<M> {
    type State = M::State;
    type Action = M::Action;

    fn init_states(&self) -> Vec<Self::State> {
        self.inner.init_states()
    }

    fn actions(&self, state: &Self::State, actions: &mut Vec<Self::Action>) {
        if !self.halt.load(Relaxed) && self.inner.cut(state) != Some(xshard_models::Cut::CopyCap) {
            self.inner.actions(state, actions);
        }
    }

    fn next_state(&self, state: &Self::State, action: Self::Action) -> Option<Self::State> {
        self.inner.next_state(state, action)
    }

    fn within_boundary(&self, state: &Self::State) -> bool {
        self.inner.within_boundary(state)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        // The model's properties through the one slot table every Checkable shares, plus the
        // property that keeps stateright's search going.
        let mut out = stateright_properties(self);
        out.push(Property::always(KEEP_GOING, |_, _| true));
        out
    }
}

/// The adapter is the model as far as properties go, so stateright's properties derive from the
/// model's declaration exactly as they do for the model itself.
impl<M: Checkable> Checkable for Adapter<M> {
    type Scratch = M::Scratch;

    fn next_into(
        &self,
        state: &Self::State,
        action: Self::Action,
        into: &mut Self::State,
        scratch: &mut Self::Scratch,
    ) -> bool {
        self.inner.next_into(state, action, into, scratch)
    }

    fn pack(&self, state: &Self::State, scratch: &mut Self::Scratch, out: &mut Vec<u8>) {
        self.inner.pack(state, scratch, out);
    }

    fn unpack(&self, bytes: &[u8], scratch: &mut Self::Scratch, into: &mut Self::State) {
        self.inner.unpack(bytes, scratch, into);
    }

    fn blank(&self) -> Self::State {
        self.inner.blank()
    }

    fn property_info(&self) -> Vec<PropertyInfo> {
        let mut info = self.inner.property_info();
        info.extend(super::CUTS.map(|c| PropertyInfo {
            name: c.as_str(),
            kind: xshard_properties::Kind::Sometimes,
            statement: "a state cut short by the model's own bound",
        }));
        info
    }

    fn evaluate(&self, state: &Self::State, out: &mut Vec<bool>) {
        let _ = super::judge(
            &*self.inner,
            &self.kinds,
            &self.cut_states,
            state,
            None,
            out,
        );
    }

    fn explain(&self, index: usize, state: &Self::State) -> String {
        self.inner.explain(index, state)
    }

    fn lifelines(&self) -> Vec<String> {
        self.inner.lifelines()
    }

    fn decode(&self, before: &Self::State, action: &Self::Action, after: &Self::State) -> Step {
        self.inner.decode(before, action, after)
    }

    fn observe(&self, state: &Self::State) -> Observation {
        self.inner.observe(state)
    }
}

pub(super) fn run<M: Checkable>(model: &Arc<M>, opts: &Settings, ctl: &Control) -> Report {
    // `Engine::check` has refused models with more than `MAX_PROPS` properties.
    let kinds = super::kinds_with_cuts(&**model);
    // Stopped before it started (a stopped handle): offer no actions at all.
    let halt = Arc::new(AtomicBool::new(ctl.stopped()));
    let adapter = Adapter {
        inner: Arc::clone(model),
        halt: Arc::clone(&halt),
        kinds: kinds.clone(),
        cut_states: Default::default(),
    };
    let threads = opts.threads.max(1);
    let mut builder = adapter.checker().threads(threads);
    if opts.symmetry {
        if let Some(f) = model.stateright_symmetry() {
            builder = builder.symmetry_fn(f);
        }
    }
    if let Some(d) = opts.max_depth {
        builder =
            builder.target_max_depth(usize::try_from(d.saturating_add(1)).unwrap_or(usize::MAX));
    }
    let checker = builder.spawn_dfs();
    while !checker.is_done() {
        std::thread::sleep(Duration::from_millis(20));
        let distinct = checker.unique_state_count() as u64;
        ctl.distinct.store(distinct, Relaxed);
        ctl.generated.store(checker.state_count() as u64, Relaxed);
        ctl.depth.store(checker.max_depth() as u64, Relaxed);
        if opts.max_states.is_some_and(|m| distinct > m) {
            ctl.stop(Bound::MaxStates);
        }
        if ctl.stopped() {
            halt.store(true, Relaxed);
        }
    }
    let checker = checker.join();
    ctl.sample();
    // Paths are rebuilt through the adapter: offer actions again.
    halt.store(false, Relaxed);
    let distinct = checker.unique_state_count() as u64;
    let depth = checker.max_depth() as u64;
    if opts.max_states.is_some_and(|m| distinct > m) {
        ctl.stop(Bound::MaxStates);
    }
    if opts.max_depth.is_some_and(|d| depth > d) {
        ctl.stop(Bound::MaxDepth);
    }
    let discoveries = checker.discoveries();
    let adapter = checker.model();
    let paths = kinds
        .iter()
        .map(|&(name, _)| discoveries.get(name).map(|p| encode(&p.encode(adapter))))
        .collect();
    report(
        &kinds,
        paths,
        ctl.reason(),
        None,
        Counts {
            generated: checker.state_count() as u64,
            distinct,
            depth,
            engine: "stateright",
            strategy: Strategy::Dfs,
        },
    )
}

/// Parses stateright's `"0/3/1"` path encoding.
fn encode(s: &str) -> Vec<usize> {
    s.split('/').filter_map(|x| x.parse().ok()).collect()
}
