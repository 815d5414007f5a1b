//! The one integration-test binary: CLI contract tests and engine tests, with shared helpers.

mod helpers;

mod actor_port;
mod backup_tm;
mod cli_check;
mod cli_output;
mod engine;
mod gate;
mod honesty;
mod htlc;
mod ibc_transfer;
mod layout;
mod manifest;
#[cfg(feature = "mutants")]
mod mutants;
mod near_callbacks;
mod paxos_commit;
mod progress;
mod protocols_a;
mod protocols_b;
mod replay_attacks;
mod scaffold;
mod settings;
mod sizes;
mod sweep_fuzz;
mod three_phase_commit;
mod traces;
mod traces_render;
