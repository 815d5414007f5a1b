//! `custom-protocol`: xshard's whole command line (`list`, `check`, `gate`, `replay`,
//! `render`) over the built-in models plus this crate's `token-bridge`.
//!
//! The built-in models stay registered so this binary is a drop-in superset of `xshard`; a
//! repository that wants only its own models would start from `Registry::new()` instead.

use std::process::ExitCode;

use xshard::Registry;

fn main() -> ExitCode {
    xshard::main_with(Registry::builtin().with::<custom_protocol::Entry>())
}
