//! Command-line arguments (clap derive).

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
    #[command(after_help = crate::exit::TABLE)]
    List(ListArgs),
    /// Explore every reachable state of a model and check its properties.
    #[command(after_help = crate::exit::TABLE)]
    Check(CheckArgs),
    /// Run a suite of checks (default `xshard.toml`) and fail if any verdict differs from
    /// its expectation: table, JSON Lines, JUnit XML, GitHub annotations, counterexamples.
    #[command(after_help = crate::exit::TABLE)]
    Gate(super::gate::GateArgs),
    /// Re-execute a counterexample file and check its property at the end.
    #[command(after_help = crate::exit::TABLE)]
    Replay(super::replay::ReplayArgs),
    /// Draw a counterexample file as a message-sequence chart (DOT, SVG) or as text.
    #[command(after_help = crate::exit::TABLE)]
    Render(super::render::RenderArgs),
    /// Write a starter crate for a protocol of your own: a model with a correct and a flawed
    /// variant, its binary, pinned verdicts and a gate suite.
    #[command(after_help = crate::exit::TABLE)]
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
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exploration order: bfs gives shortest counterexamples.
    #[arg(long, value_enum, default_value_t = Strategy::Bfs)]
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
    #[arg(long, value_enum, default_value_t = EngineKind::Xshard)]
    pub engine: EngineKind,
    #[command(flatten)]
    pub kernel: KernelArgs,
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
