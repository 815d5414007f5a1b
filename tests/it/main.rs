//! The one integration-test binary: CLI contract tests and engine tests, with shared helpers.

mod helpers;

mod cli_check;
mod cli_output;
mod engine;
mod gate;
mod layout;
mod manifest;
mod progress;
#[cfg(feature = "mutants")]
mod mutants;
mod protocols_a;
mod protocols_b;
mod scaffold;
mod traces;
mod traces_render;
