//! The command line: `list | check | sweep | fuzz | gate | replay | render | new`. `main -> run -> ExitCode`;
//! every usage or input error is one line on stderr and exit code 2 (see [`crate::exit`]).
//!
//! [`main_with`] gives the whole command line to any [`Registry`]: a protocol designer's
//! binary is `fn main() -> ExitCode { xshard::cli::main_with(Registry::builtin().with::<MyModel>()) }`
//! and gets every command, with the same exit codes, JSON Lines, JUnit, charts and messages
//! as `xshard` itself; its messages name that binary.

mod args;
mod check;
mod fuzz;
mod gate;
mod list;
mod new;
mod progress;
mod render;
mod replay;
mod stdout;
mod sweep;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

pub use args::{CheckArgs, Cli, Command, Format, FuzzArgs, KernelArgs, NewArgs, SweepArgs};

use crate::exit;
use crate::registry::{Registry, RegistryError};

/// An error that ends the command with exit code 2.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The run layer failed (bad configuration, unwritable files, a file that does not replay).
    #[error(transparent)]
    Run(#[from] crate::run::RunError),
    /// The request names no valid configuration.
    #[error(transparent)]
    Config(#[from] xshard_models::ConfigError),
    /// A suite file is invalid.
    #[error(transparent)]
    Suite(#[from] crate::gate::SuiteError),
    /// A suite could not be run to the end.
    #[error(transparent)]
    Gate(#[from] crate::gate::GateError),
    /// A counterexample file could not be read or written.
    #[error(transparent)]
    Files(#[from] crate::files::TraceError),
    /// The registry the binary was built with cannot serve.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// A command-line value is invalid.
    #[error("{0}")]
    Usage(String),
    /// Writing output failed.
    #[error("cannot write {what}: {source}")]
    Write {
        /// What was being written.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

/// What every command runs with: the models and the binary's name.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub registry: &'a Registry,
    /// The binary's name as invoked (`xshard`, or a user's own binary), for the commands that
    /// messages and charts print.
    pub program: String,
}

/// `xshard`'s own command line: [`main_with`] over [`Registry::builtin`].
pub fn main() -> ExitCode {
    main_with(Registry::builtin())
}

/// The whole command line over `registry`: parses the process arguments, runs the command and
/// returns its exit code.
pub fn main_with(registry: Registry) -> ExitCode {
    let program = program_name();
    let mut cmd = Cli::command();
    if program != "xshard" {
        cmd = cmd.name(program.clone()).bin_name(program.clone());
    }
    let parsed = cmd
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => {
            if let Err(e) = registry.validate() {
                eprintln!("error: {e}");
                return exit::code(exit::USAGE);
            }
            run(
                cli,
                &Ctx {
                    registry: &registry,
                    program,
                },
            )
        }
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    exit::code(exit::USAGE)
                } else {
                    exit::code(exit::OK)
                }
            }
            _ => {
                eprintln!("{}", one_line(&e.render().to_string()));
                exit::code(exit::USAGE)
            }
        },
    }
}

/// The name the binary was invoked by, without its directory.
fn program_name() -> String {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "xshard".to_string())
}
/// Folds clap's multi-line error into one line, keeping the valid choices it lists.
fn one_line(text: &str) -> String {
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more"))
        .collect();
    let joined = parts.join(" ");
    if joined.starts_with("error:") {
        joined
    } else {
        format!("error: {joined}")
    }
}

/// Runs a parsed command line.
fn run(cli: Cli, ctx: &Ctx<'_>) -> ExitCode {
    let result = match cli.command {
        Command::List(a) => list::run(&a, ctx),
        Command::Check(a) => check::run(&a, ctx),
        Command::Gate(a) => gate::run(&a, ctx),
        Command::Replay(a) => replay::run(&a, ctx),
        Command::Render(a) => render::run(&a, ctx),
        Command::Sweep(a) => sweep::run(&a, ctx),
        Command::Fuzz(a) => fuzz::run(&a, ctx),
        Command::New(a) => new::run(&a, ctx),
    };
    match result {
        Ok(code) => exit::code(code),
        Err(e) => {
            eprintln!("error: {}", message(&e));
            exit::code(exit::USAGE)
        }
    }
}

/// The one-line message of `e`. Models name kernel settings; on the command line they are
/// flags, so the message names the flag the user typed.
fn message(e: &CliError) -> String {
    use xshard_models::{kernel, ConfigError};
    let config = match e {
        CliError::Config(c) | CliError::Run(crate::run::RunError::Config(c)) => c,
        CliError::Run(crate::run::RunError::Engine(
            crate::engine::EngineError::StaterightSymmetry,
        )) => {
            return "this model has no symmetry function for stateright's checker; run \
                    --symmetry with --engine xshard, or --engine stateright without it"
                .to_string()
        }
        other => return other.to_string(),
    };
    let flag = |setting: &str| match kernel::settings::setting(setting) {
        Some(s) => format!("--{}", s.flag()),
        None => setting.to_string(),
    };
    match config {
        ConfigError::NotKernel {
            model,
            setting,
            valid,
        } => format!(
            "model '{model}' is not on the world kernel, so kernel setting {} does not apply (kernel models: {valid})",
            flag(setting)
        ),
        ConfigError::KernelRange {
            setting,
            value,
            min,
            max,
        } => format!(
            "kernel setting {} must be from {min} to {max}, not {value}",
            flag(setting)
        ),
        ConfigError::KernelValue {
            setting,
            value,
            expected,
        } => format!(
            "kernel setting {} must be {expected}, not '{value}'",
            flag(setting)
        ),
        ConfigError::NoEffect {
            setting,
            model,
            reason,
            valid,
        } => format!(
            "--{} has no effect on model '{model}': {reason} (valid: {valid})",
            kernel::settings::setting(setting).map_or_else(|| setting.replace('_', "-"), |s| s.flag())
        ),
        ConfigError::NeedsClock { setting } => format!(
            "kernel setting {} needs {} {}",
            flag(setting),
            flag(kernel::settings::CLOCK_SETTING),
            kernel::settings::CLOCKED
        ),
        other => other.to_string(),
    }
}
