//! Temporary: the builder API over today's `Options` (replaced by the engine branch).
#![allow(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use xshard_models::Checkable;

use super::{EngineKind, Options, Report, Strategy};

#[must_use]
#[derive(Clone, Debug, Default)]
pub struct Engine {
    opts: Options,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    Invalid(String),
}

impl Engine {
    pub fn new() -> Self {
        Engine::default()
    }
    pub fn strategy(mut self, s: Strategy) -> Self {
        self.opts.strategy = s;
        self
    }
    pub fn threads(mut self, n: usize) -> Self {
        self.opts.threads = n.max(1);
        self
    }
    pub fn symmetry(mut self, on: bool) -> Self {
        self.opts.symmetry = on;
        self
    }
    pub fn max_states(mut self, n: impl Into<Option<u64>>) -> Self {
        self.opts.max_states = n.into();
        self
    }
    pub fn max_depth(mut self, n: impl Into<Option<u64>>) -> Self {
        self.opts.max_depth = n.into();
        self
    }
    pub fn timeout(mut self, t: impl Into<Option<Duration>>) -> Self {
        self.opts.timeout = t.into();
        self
    }
    pub fn max_memory(mut self, b: impl Into<Option<u64>>) -> Self {
        self.opts.max_memory = b.into();
        self
    }
    pub fn kind(mut self, k: EngineKind) -> Self {
        self.opts.engine = k;
        self
    }
    pub fn show_progress(mut self, on: bool) -> Self {
        self.opts.progress = on;
        self
    }
    pub fn check<M: Checkable>(&self, model: &Arc<M>) -> Result<Report, EngineError> {
        super::validate(&**model, &self.opts).map_err(EngineError::Invalid)?;
        Ok(super::check_arc(model, &self.opts))
    }
}
