//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use xshard_models::kernel::KernelOverrides;
use xshard_models::kernel::{CrashMode, Delivery, TimeMode};

use crate::engine::{EngineKind, Strategy};

/// xshard: a model checker for cross-shard commit protocols.
#[derive(Debug, Parser)]
#[command(name = "xshard", version, about, after_help = crate::exit::TABLE)]
pub struct Cli {
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
/// defaults).
#[derive(Debug, Args, Default)]
pub struct KernelArgs {
    /// Message delivery: ordered (FIFO per channel) or unordered.
    #[arg(long, value_enum, help_heading = "Kernel")]
    pub network: Option<NetworkArg>,
    /// How many messages the network may lose.
    #[arg(long, help_heading = "Kernel")]
    pub loss: Option<u8>,
    /// How many times an already-sent message may be delivered again.
    #[arg(long, help_heading = "Kernel")]
    pub replay: Option<u8>,
    /// How many node crashes may happen.
    #[arg(long, help_heading = "Kernel")]
    pub crashes: Option<u8>,
    /// What a crash does: stop forever, or recover from stable storage.
    #[arg(long, value_enum, help_heading = "Kernel")]
    pub crash_mode: Option<CrashArg>,
    /// Time: async (timers fire any time) or clocked (global ticks, delivery bound, horizon).
    #[arg(long, value_enum, help_heading = "Kernel")]
    pub time: Option<TimeArg>,
    /// Clocked time: every message is delivered or lost within this many ticks.
    #[arg(long, help_heading = "Kernel")]
    pub delta: Option<u32>,
    /// Clocked time: the last tick.
    #[arg(long, help_heading = "Kernel")]
    pub horizon: Option<u32>,
}

/// `--network`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum NetworkArg {
    Ordered,
    Unordered,
}

/// `--crash-mode`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CrashArg {
    Stop,
    Recover,
}

/// `--time`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TimeArg {
    Async,
    Clocked,
}

impl KernelArgs {
    /// The overrides these flags ask for.
    pub fn overrides(&self) -> KernelOverrides {
        KernelOverrides {
            delivery: self.network.map(|n| match n {
                NetworkArg::Ordered => Delivery::Ordered,
                NetworkArg::Unordered => Delivery::Unordered,
            }),
            loss: self.loss,
            replay: self.replay,
            crashes: self.crashes,
            crash_mode: self.crash_mode.map(|c| match c {
                CrashArg::Stop => CrashMode::Stop,
                CrashArg::Recover => CrashMode::Recover,
            }),
            time: self.time.map(|t| match t {
                TimeArg::Async => TimeMode::Async,
                TimeArg::Clocked => TimeMode::Clocked,
            }),
            delta: self.delta,
            horizon: self.horizon,
        }
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
