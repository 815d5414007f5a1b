//! # xshard
//!
//! A model checker for cross-shard commit protocols. This crate is the verifier: the
//! exploration [`engine`], counterexample [`trace`]s and their [`render`]ers, the output [`report`]ers and the command
//! line ([`cli`]). Models live in `xshard-models`, properties in `xshard-properties`.

pub mod cli;
pub mod engine;
pub mod exit;
pub mod gate;
pub mod render;
pub mod report;
pub mod trace;
