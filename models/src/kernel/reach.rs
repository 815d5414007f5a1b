//! What the kernel can tell about a model before exploring it: which nodes may crash and
//! whether any message can ever be sent. The registry turns these facts into errors for
//! settings that would do nothing ("a setting that silently does nothing is a lie in the
//! report"), so that `--crashes 1` on a model none of whose nodes can crash is refused
//! instead of reporting the same state space under a "crashes 1" heading.

use xshard_properties::NodeId;

pub use crate::checkable::Reach;

use super::config::CrashMode;
use super::protocol::Protocol;
use super::state::node_id;
use super::world::World;
use stateright::Model;

impl<P: Protocol> World<P> {
    /// The nodes that may crash, in id order.
    pub fn crashable(&self) -> Vec<NodeId> {
        (0..self.node_count())
            .map(node_id)
            .filter(|&id| self.protocol.can_crash(id))
            .collect()
    }

    /// Whether any message may ever be sent in this configuration; see [`Reach::sends`].
    ///
    /// Handlers are opaque functions, so the kernel cannot tell in general whether one sends.
    /// It can tell when no handler ever runs: init sends nothing, arms no timer, and no node
    /// has an enabled choice at any tick of the initial state (choices may depend on `now`),
    /// and no recovery handler can run.
    pub fn may_send(&self) -> bool {
        let Some(init) = self.init_states().into_iter().next() else {
            return false;
        };
        if !init.net.is_empty() || !init.timers.is_empty() {
            return true;
        }
        if self.config.crash_mode == CrashMode::Recover
            && self.config.crashes > 0
            && !self.crashable().is_empty()
        {
            return true;
        }
        let last = if self.config.clocked() {
            self.config.horizon
        } else {
            0
        };
        let mut choices = Vec::new();
        for now in 0..=last {
            for (i, node) in init.nodes.iter().enumerate() {
                self.protocol.choices(node_id(i), node, now, &mut choices);
                if !choices.is_empty() {
                    return true;
                }
            }
        }
        false
    }

    /// The facts above, with node names.
    pub fn reach(&self) -> Reach {
        Reach {
            crashable: self
                .crashable()
                .into_iter()
                .map(|id| self.name(id))
                .collect(),
            sends: self.may_send(),
            nodes: self.node_count(),
        }
    }
}
