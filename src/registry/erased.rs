//! The type-erased model: what every command needs from a built model, behind one object-safe
//! trait, implemented once for every [`Checkable`].

use std::sync::Arc;

use xshard_models::{Checkable, Cut, PropertyInfo, Resolved};

use crate::engine::walk::Walk;
use crate::engine::{Engine, EngineError, Report};
use crate::trace::replay::{ReplayError, ReplayOutcome};
use crate::trace::{self, Counterexample};

/// An entry held by the registry.
pub(super) struct Adapter<E>(pub E);

/// A built model of any type, as the commands use it.
pub trait AnyModel: Send + Sync {
    /// The declared properties, in order.
    fn property_info(&self) -> Vec<PropertyInfo>;
    /// The node names (lifelines), in id order.
    fn lifelines(&self) -> Vec<String>;
    /// Explores the model with `engine`.
    fn check(&self, engine: &Engine) -> Result<Report, EngineError>;
    /// Decodes the path the engine found for property `index` into a counterexample.
    fn trace(&self, resolved: &Resolved, index: usize, path: &[usize]) -> Option<Counterexample>;
    /// Decodes the path to a state cut short by the model's own bound.
    fn trace_cut(&self, resolved: &Resolved, cut: Cut, path: &[usize]) -> Option<Counterexample>;
    /// Replays a counterexample file's contents (`file` names it in errors).
    fn replay(&self, t: &Counterexample, file: &str) -> Result<ReplayOutcome, ReplayError>;
    /// Walks the model along `choices` (`xshard fuzz`; see [`crate::engine::walk`]).
    fn walk(&self, choices: &[u32]) -> Walk;
    /// Deletes the actions of a violating walk that it does not need
    /// ([`crate::engine::walk::minimise`]); the choices of the result.
    fn minimise_walk(&self, choices: &[u32]) -> Vec<u32>;
    /// Whether the model's symmetry reduces anything at these parameters.
    fn has_symmetry(&self) -> bool;
    /// Whether the model declares interchangeable nodes at all.
    fn declares_symmetry(&self) -> bool;
    /// One line for each setting of this build that is legitimately a no-op (settings that
    /// can have no effect at all are refused when building).
    fn notes(&self) -> &[String];
}

/// A built model behind [`AnyModel`].
pub(super) struct Erased<M>(Arc<M>, Vec<String>);

impl<M> Erased<M> {
    pub(super) fn new(model: M, notes: Vec<String>) -> Self {
        Erased(Arc::new(model), notes)
    }
}

impl<M: Checkable> AnyModel for Erased<M> {
    fn property_info(&self) -> Vec<PropertyInfo> {
        self.0.property_info()
    }

    fn lifelines(&self) -> Vec<String> {
        self.0.lifelines()
    }

    fn check(&self, engine: &Engine) -> Result<Report, EngineError> {
        engine.check(&self.0)
    }

    fn trace(&self, resolved: &Resolved, index: usize, path: &[usize]) -> Option<Counterexample> {
        trace::build(&*self.0, resolved, index, path)
    }

    fn trace_cut(&self, resolved: &Resolved, cut: Cut, path: &[usize]) -> Option<Counterexample> {
        trace::build_cut(&*self.0, resolved, cut, path)
    }

    fn replay(&self, t: &Counterexample, file: &str) -> Result<ReplayOutcome, ReplayError> {
        trace::replay::replay(&*self.0, t, file)
    }

    fn walk(&self, choices: &[u32]) -> Walk {
        crate::engine::walk::walk(&*self.0, choices)
    }

    fn minimise_walk(&self, choices: &[u32]) -> Vec<u32> {
        crate::engine::walk::minimise(&*self.0, choices)
    }

    fn has_symmetry(&self) -> bool {
        self.0.has_symmetry()
    }

    fn declares_symmetry(&self) -> bool {
        self.0.declares_symmetry()
    }

    fn notes(&self) -> &[String] {
        &self.1
    }
}
