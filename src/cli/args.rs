//! Command-line arguments (clap derive; the kernel flags with the builder API, from the
//! kernel's settings table).

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use xshard_models::kernel::{KernelOverrides, Kind, Setting, SETTINGS};

use crate::engine::{EngineKind, Strategy};

/// xshard: a model checker for cross-shard commit protocols.
#[derive(Debug, Parser)]
#[command(name = "xshard", version, about, after_help = crate::exit::TABLE)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the models: summary, variants with expected verdicts, parameters, properties.
    #[command(after_help = crate::exit::LIST_TABLE)]
    List(ListArgs),
    /// Explore every reachable state of a model and check its properties.
    #[command(after_help = crate::exit::TABLE)]
    Check(CheckArgs),
    /// Run a suite of checks (default `xshard.toml`) and fail if any verdict differs from
    /// its expectation: table, JSON Lines, JUnit XML, GitHub annotations, counterexamples.
    #[command(after_help = crate::exit::TABLE)]
    Gate(GateArgs),
    /// Re-execute a counterexample file and check its property at the end.
    #[command(after_help = crate::exit::REPLAY_TABLE)]
    Replay(ReplayArgs),
    /// Draw a counterexample file as a message-sequence chart (DOT, SVG) or as text.
    #[command(after_help = crate::exit::RENDER_TABLE)]
    Render(RenderArgs),
    /// Check random configurations (parameters and kernel settings) exhaustively within a
    /// budget, and shrink a failing one to the smallest failing configuration.
    #[command(after_help = crate::exit::SWEEP_TABLE)]
    Sweep(SweepArgs),
    /// Random walks through one configuration too large to exhaust; a violating walk is
    /// shrunk and confirmed by a search bounded by its length.
    #[command(after_help = crate::exit::FUZZ_TABLE)]
    Fuzz(FuzzArgs),
    /// Write a starter crate for a protocol of your own: a model with a correct and a flawed
    /// variant, its binary, pinned verdicts and a gate suite.
    #[command(after_help = crate::exit::NEW_TABLE)]
    New(NewArgs),
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables and sentences for people.
    Human,
    /// JSON Lines: one `{"type": ..., "data": ...}` object per line.
    Json,
}

/// `xshard list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `xshard new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The model's name, also the package's: lowercase letters, digits and '-'.
    pub name: String,
    /// Where to write the crate (default: ./NAME); must not exist or be empty.
    #[arg(long, value_name = "DIR")]
    pub path: Option<std::path::PathBuf>,
    /// Depend on the xshard checkout at DIR (default: the checkout this binary was built in,
    /// if it still exists).
    #[arg(long, value_name = "DIR", conflicts_with = "xshard_version")]
    pub xshard_path: Option<std::path::PathBuf>,
    /// Depend on this released version of xshard (default: this binary's version, when not
    /// built in a checkout).
    #[arg(long, value_name = "V")]
    pub xshard_version: Option<String>,
}

/// `xshard check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The model to check (see `xshard list`).
    pub model: String,
    /// The variant (default: the model's correct variant).
    #[arg(long)]
    pub variant: Option<String>,
    /// A model parameter, `key=value` (repeatable), e.g. `-p rms=4`.
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Output format: text for people, or JSON Lines for machines.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exploration order: bfs gives shortest counterexamples.
    #[arg(long, value_parser = strategy_parser(), default_value_t = Strategy::Bfs)]
    pub strategy: Strategy,
    /// Worker threads (default: the available cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,
    /// Reduce states by the model's symmetry (counts are then up to symmetry).
    #[arg(long)]
    pub symmetry: bool,
    /// Stop after this many distinct states (verdict inconclusive if reached).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_states: Option<u64>,
    /// Explore states at depth at most this (initial states have depth 1): states at this
    /// depth are checked but not expanded; inconclusive if one of them has a successor that is
    /// not reached otherwise.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_depth: Option<u64>,
    /// Stop after this many seconds (verdict inconclusive if reached).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Where counterexample files go: DIR/<model>/<property>-<hash>.{json,dot,svg}.
    #[arg(long, value_name = "DIR", default_value = "counterexamples")]
    pub out: std::path::PathBuf,
    /// Render each counterexample's chart as SVG (needs Graphviz `dot`), or not.
    #[arg(long, value_enum, default_value_t = crate::files::Render::Svg)]
    pub render: crate::files::Render,
    /// Stop when resident memory would exceed this (bytes, or with a K, M, G suffix: powers
    /// of 1024); verdict inconclusive if reached.
    #[arg(long, value_name = "SIZE", default_value = "8G", value_parser = parse_size)]
    pub max_memory: u64,
    /// The checker: xshard's engine, or stateright's own DFS checker (differential testing).
    /// Ctrl-C stops either and prints the partial summary (verdict inconclusive, exit code 3,
    /// stopped_by interrupted).
    #[arg(long, value_parser = engine_parser(), default_value_t = EngineKind::Xshard)]
    pub engine: EngineKind,
    /// The kernel settings (network, faults, time), for kernel models.
    #[command(flatten)]
    pub kernel: KernelArgs,
}

/// `xshard sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The model to sweep (see `xshard list`).
    pub model: String,
    /// The variant (default: the model's correct variant).
    #[arg(long)]
    pub variant: Option<String>,
    /// Fix a model parameter, `key=value` (repeatable); the others range over their values.
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Configurations to draw.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub cases: u32,
    /// The seed of the random configurations (the same seed, the same sweep).
    #[arg(long, default_value_t = crate::explore::DEFAULT_SEED)]
    pub seed: u64,
    /// The budget of each configuration's exhaustive check, in distinct states (beyond it:
    /// inconclusive, counted apart).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_states: u64,
    /// Seconds per configuration (wall-clock: a case it cuts depends on the machine).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Worker threads per check (default: the available cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,
    /// Output format: text for people, or JSON Lines for machines.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Where counterexample files go, and the regressions file (default
    /// DIR/<model>/<variant>.sweep-regressions).
    #[arg(long, value_name = "DIR", default_value = "counterexamples")]
    pub out: std::path::PathBuf,
    /// The regressions file: failing seeds replayed first, a new one added.
    #[arg(long, value_name = "PATH")]
    pub regressions: Option<std::path::PathBuf>,
    /// Render each counterexample's chart as SVG (needs Graphviz `dot`), or not.
    #[arg(long, value_enum, default_value_t = crate::files::Render::Svg)]
    pub render: crate::files::Render,
    /// The kernel settings bound the sweep: each fault budget ranges from 0 up to its value
    /// (default: the variant's), delivery and crash mode from the simplest up to theirs;
    /// time, copies and horizon stay as given.
    #[command(flatten)]
    pub kernel: KernelArgs,
}

/// `xshard fuzz`.
#[derive(Debug, Args)]
pub struct FuzzArgs {
    /// The model to walk (see `xshard list`).
    pub model: String,
    /// The variant (default: the model's correct variant).
    #[arg(long)]
    pub variant: Option<String>,
    /// A model parameter, `key=value` (repeatable).
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Walks to run.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub walks: u32,
    /// The most actions a walk takes.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub depth: u32,
    /// The seed of the walks (the same seed, the same walks).
    #[arg(long, default_value_t = crate::explore::DEFAULT_SEED)]
    pub seed: u64,
    /// Stop drawing walks after this many seconds (wall-clock: not reproducible).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// The budget of the search that confirms a shrunk walk, in distinct states.
    #[arg(long, default_value_t = 2_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_states: u64,
    /// Worker threads of the confirming search (default: the available cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,
    /// Output format: text for people, or JSON Lines for machines.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Where counterexample files go.
    #[arg(long, value_name = "DIR", default_value = "counterexamples")]
    pub out: std::path::PathBuf,
    /// Render each counterexample's chart as SVG (needs Graphviz `dot`), or not.
    #[arg(long, value_enum, default_value_t = crate::files::Render::Svg)]
    pub render: crate::files::Render,
    /// The kernel settings (network, faults, time), for kernel models.
    #[command(flatten)]
    pub kernel: KernelArgs,
}

/// `--strategy`: the engine's strategies, each with a line of help.
fn strategy_parser() -> impl TypedValueParser<Value = Strategy> {
    let help = |s: Strategy| match s {
        Strategy::Bfs => "Breadth-first: shortest counterexamples",
        Strategy::Dfs => "Depth-first: low memory",
    };
    choices(Strategy::ALL, Strategy::as_str, help)
}

/// `--engine`: the engine kinds, each with a line of help.
fn engine_parser() -> impl TypedValueParser<Value = EngineKind> {
    let help = |k: EngineKind| match k {
        EngineKind::Xshard => "xshard's own engine",
        EngineKind::Stateright => "stateright 0.31's DFS checker (differential testing)",
    };
    choices(EngineKind::ALL, EngineKind::as_str, help)
}

/// A parser accepting the names of `all`: clap lists them in `--help` and in the one-line
/// error for anything else; the engine's `FromStr` turns the name into the value.
fn choices<T>(
    all: &[T],
    name: fn(T) -> &'static str,
    help: fn(T) -> &'static str,
) -> impl TypedValueParser<Value = T>
where
    T: Copy + std::str::FromStr + Send + Sync + 'static,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    PossibleValuesParser::new(
        all.iter()
            .map(|&v| PossibleValue::new(name(v)).help(help(v))),
    )
    .try_map(|s| s.parse::<T>())
}

/// The world kernel's settings, for kernel models (see `xshard list` for each model's
/// defaults): one flag per entry of the kernel's settings table
/// ([`SETTINGS`](xshard_models::kernel::SETTINGS)), built from it with clap's builder API so
/// that a setting added there is a flag here without another line of code.
#[derive(Clone, Debug, Default)]
pub struct KernelArgs {
    overrides: KernelOverrides,
}

impl KernelArgs {
    /// The overrides these flags ask for.
    pub fn overrides(&self) -> KernelOverrides {
        self.overrides.clone()
    }
}

/// The flag of setting `s`: `--crash-mode <CRASH_MODE>`, its doc as help, typed as the suite
/// key is (a budget is a `u8`, a range a `u32`, a choice one of its names).
fn kernel_arg(s: &Setting) -> Arg {
    let arg = Arg::new(s.name)
        .long(s.flag())
        .value_name(s.name.to_uppercase())
        .help(s.doc)
        .help_heading("Kernel")
        .action(ArgAction::Set);
    match s.kind {
        Kind::Budget { .. } => arg.value_parser(clap::value_parser!(u8)),
        Kind::Range { .. } => arg.value_parser(clap::value_parser!(u32)),
        Kind::Choice { values } => {
            arg.value_parser(PossibleValuesParser::new(values.iter().copied()))
        }
    }
}

impl clap::Args for KernelArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        SETTINGS.iter().fold(cmd, |cmd, s| cmd.arg(kernel_arg(s)))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for KernelArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = KernelArgs::default();
        args.update_from_arg_matches(m)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        for s in SETTINGS {
            // Read back with the type `kernel_arg` parsed it as.
            let value = match s.kind {
                Kind::Budget { .. } => m.get_one::<u8>(s.name).map(u8::to_string),
                Kind::Range { .. } => m.get_one::<u32>(s.name).map(u32::to_string),
                Kind::Choice { .. } => m.get_one::<String>(s.name).cloned(),
            };
            if let Some(v) = value {
                self.overrides.set(s.name, v);
            }
        }
        Ok(())
    }
}

/// Parses a size: `1048576`, `512K`, `64M`, `8G` (powers of 1024; a trailing `B`/`iB` is fine).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (num, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        Some('T') => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let n: u64 = num
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a size such as 512M or 8G"))?;
    if n == 0 {
        return Err("the size must be positive".to_string());
    }
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("'{s}' is too large"))
}

/// `xshard gate`.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// The suite file: `[[check]]` tables with their expected verdicts.
    #[arg(default_value = "xshard.toml")]
    pub file: PathBuf,
    /// Directory for counterexample files (`DIR/<model>/<property>-<hash>.json`).
    #[arg(long, value_name = "DIR", default_value = "counterexamples")]
    pub out: PathBuf,
    /// Checks run at once.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: u32,
    /// Engine threads per check.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: u32,
    /// Also render each counterexample as SVG (needs Graphviz's `dot`).
    #[arg(long)]
    pub svg: bool,
    /// Write a JUnit XML report here: a test suite per check, a test case per property.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `xshard replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A counterexample file written by `xshard check` (the `.json`).
    pub file: PathBuf,
}

/// The drawing to produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// The message-sequence chart as Graphviz DOT.
    Dot,
    /// The chart rendered to SVG by Graphviz `dot`.
    Svg,
    /// Numbered steps as plain text.
    Text,
}

/// `xshard render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A counterexample file written by `xshard check` (the `.json`).
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = RenderFormat::Dot)]
    pub format: RenderFormat,
    /// Write here instead of to stdout.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use xshard_models::kernel::{Kind, SETTINGS};

    use super::Cli;

    #[test]
    fn every_setting_is_a_flag_of_check() {
        let mut cmd = Cli::command();
        let help = cmd
            .find_subcommand_mut("check")
            .expect("check")
            .render_help()
            .to_string();
        let kernel = help.split("Kernel:").nth(1).expect("a Kernel heading");
        for s in SETTINGS {
            let flag = format!("--{} <{}>", s.flag(), s.name.to_uppercase());
            assert!(kernel.contains(&flag), "{flag} missing from\n{help}");
            assert!(kernel.contains(s.doc), "{} help missing", s.name);
            if let Kind::Choice { values } = s.kind {
                let listed = format!("[possible values: {}]", values.join(", "));
                assert!(kernel.contains(&listed), "{listed} missing");
            }
        }
    }

    #[test]
    fn flags_read_back_as_overrides() {
        use clap::Parser;
        let args = ["xshard", "check", "two-phase-commit"];
        let flags = ["--crash-mode", "recover", "--loss", "2"];
        let super::Command::Check(a) = Cli::try_parse_from(args.iter().chain(&flags))
            .expect("parses")
            .command
        else {
            panic!("not check");
        };
        let o = a.kernel.overrides();
        assert_eq!(o.get("crash_mode"), Some("recover"));
        assert_eq!(o.get("loss"), Some("2"));
        assert_eq!(o.iter().count(), 2);
    }
}
