//! The command line: `xshard list | check | replay | render`. `main -> run -> ExitCode`; every usage or input
//! error is one line on stderr and exit code 2 (see [`crate::exit`]).

mod args;
pub mod check;
pub mod gate;
mod list;
mod output;
pub mod render;
pub mod replay;

use std::process::ExitCode;

use clap::Parser;

pub use args::{CheckArgs, Cli, Command, Format, KernelArgs};

use crate::exit;

/// An error that ends the command with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] xshard_models::ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(String),
}

/// Parses the process arguments and runs the command.
pub fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(cli),
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
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::List(a) => list::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Gate(a) => gate::run(&a),
        Command::Replay(a) => replay::run(&a),
        Command::Render(a) => render::run(&a),
    };
    match result {
        Ok(code) => exit::code(code),
        Err(e) => {
            eprintln!("error: {e}");
            exit::code(exit::USAGE)
        }
    }
}
