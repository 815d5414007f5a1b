//! Exact ports of TLA+ specifications as plain `stateright::Model`s. Their state counts equal
//! TLC's, which makes them the engine's conformance anchor (PROTOCOLS.md §7.1).

pub mod paxos_commit;
pub mod tcommit;
pub mod two_pc_btm;
pub mod two_phase;

use xshard_properties::{Observation, PropertySpec};

/// The explanation of a catalogue property in the observation of a spec's state, naming nodes
/// by the spec's lifelines (the same sentence a kernel model gives).
fn explain(spec: Option<&PropertySpec>, obs: &Observation, nodes: &[String]) -> String {
    let name = |id: u8| {
        nodes
            .get(usize::from(id))
            .cloned()
            .unwrap_or_else(|| format!("node{id}"))
    };
    match spec {
        Some(p) => {
            (p.find)(obs).map_or_else(|| format!("{} reached", p.name), |f| f.describe(&name))
        }
        None => "no such property".to_string(),
    }
}
