//! Engine benchmark: TLA+'s TwoPhase (`tla-two-phase`) under xshard BFS, xshard DFS and
//! stateright's DFS, and under SPIN when it is installed; then TLA+'s PaxosCommit
//! (`tla-paxos-commit` at TLC's configuration) under the same engines, with its states per
//! second against TwoPhase's; see `docs/bench.md`.
//!
//! ```text
//! cargo bench --bench engines -- [--rms 7,8,9] [--threads 1,2] [--repeat N]
//!                                [--spin-script PATH | --no-spin] [--no-paxos]
//! ```
//!
//! Every run is a separate process (`xshard check ... --format json`, or SPIN's `pan`), so each
//! peak resident memory is that engine's own. Times are the engines' own (xshard's `elapsed_secs`,
//! SPIN's `pan` wall time, compilation excluded). With `--repeat N` each configuration runs N
//! times (round-robin over the configurations) and the fastest run is kept.

#[path = "support/machine.rs"]
mod machine;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use machine::{mib, parallel_capacity};

#[derive(Clone, Debug)]
struct Run {
    engine: String,
    threads: u32,
    rms: u32,
    distinct: f64,
    generated: f64,
    wall: f64,
    peak: Option<f64>,
    bytes_per_state: Option<f64>,
}

impl Run {
    fn rate(&self) -> f64 {
        if self.wall > 0.0 {
            self.distinct / self.wall
        } else {
            0.0
        }
    }
}

struct Args {
    rms: Vec<u32>,
    threads: Vec<u32>,
    repeat: u32,
    spin: Option<PathBuf>,
    paxos: bool,
}

fn list(s: &str) -> Vec<u32> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

fn parse_args() -> Args {
    let default_spin = std::env::var_os("XSHARD_SPIN_SCRIPT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/spin-twophase.sh")
        });
    let mut a = Args {
        rms: vec![7, 8, 9],
        threads: vec![1, 2],
        repeat: 1,
        spin: Some(default_spin),
        paxos: true,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let val = argv.get(i + 1).cloned().unwrap_or_default();
        match argv[i].as_str() {
            "--rms" => {
                a.rms = list(&val);
                i += 1;
            }
            "--threads" => {
                a.threads = list(&val);
                i += 1;
            }
            "--repeat" => {
                a.repeat = val.parse().unwrap_or(1).max(1);
                i += 1;
            }
            "--spin-script" => {
                a.spin = Some(PathBuf::from(val));
                i += 1;
            }
            "--no-spin" => a.spin = None,
            "--no-paxos" => a.paxos = false,
            // `cargo bench` passes `--bench`; ignore it and anything unknown.
            _ => {}
        }
        i += 1;
    }
    if !a.threads.contains(&1) {
        a.threads.insert(0, 1);
    }
    a
}

fn xshard(engine: &str, strategy: &str, threads: u32, rms: u32) -> Option<Run> {
    check(
        "tla-two-phase",
        &[format!("rms={rms}")],
        engine,
        strategy,
        threads,
        rms,
    )
}

/// Paxos Commit at its defaults, TLC's configuration (`rms` is reported as 2, its RMs).
fn paxos(engine: &str, strategy: &str, threads: u32) -> Option<Run> {
    check("tla-paxos-commit", &[], engine, strategy, threads, 2)
}

fn check(
    model: &str,
    params: &[String],
    engine: &str,
    strategy: &str,
    threads: u32,
    rms: u32,
) -> Option<Run> {
    let mut args = vec!["check".to_string(), model.to_string()];
    for p in params {
        args.push("-p".into());
        args.push(p.clone());
    }
    let out = Command::new(env!("CARGO_BIN_EXE_xshard"))
        .args(&args)
        .args([
            "--engine",
            engine,
            "--strategy",
            strategy,
            "--threads",
            &threads.to_string(),
            "--format",
            "json",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let summary = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["type"] == "summary")?;
    let d = &summary["data"];
    if d["verdict"] != "holds" {
        eprintln!("unexpected verdict for {model} {engine} {strategy} t{threads}: {d}");
    }
    let name = if engine == "stateright" {
        "stateright dfs".to_string()
    } else {
        format!("xshard {strategy}")
    };
    Some(Run {
        engine: name,
        threads,
        rms,
        distinct: d["distinct_states"].as_f64()?,
        generated: d["generated_states"].as_f64()?,
        wall: d["elapsed_secs"].as_f64()?,
        peak: d["peak_memory_bytes"].as_f64(),
        bytes_per_state: d["bytes_per_state"].as_f64(),
    })
}

fn spin(script: &Path, rms: u32) -> Option<Run> {
    let out = Command::new("bash")
        .arg(script)
        .arg(rms.to_string())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .rev()
        .find(|l| l.starts_with("spin twophase"))?;
    let field = |k: &str| -> Option<f64> {
        last.split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.parse().ok())
    };
    let distinct = field("distinct")?;
    let peak = field("maxrss_kb").map(|kb| kb * 1024.0);
    Some(Run {
        engine: "spin".into(),
        threads: 1,
        rms,
        distinct,
        generated: field("generated")?,
        wall: field("wall_s")?,
        peak,
        bytes_per_state: peak.map(|p| p / distinct),
    })
}

fn best(runs: impl Iterator<Item = Option<Run>>) -> Option<Run> {
    runs.flatten().min_by(|a, b| {
        a.wall
            .partial_cmp(&b.wall)
            .unwrap_or(std::cmp::Ordering::Equal)
    })
}

fn opt(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{x:.1}"))
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

fn main() {
    let a = parse_args();
    let spin_ok = a.spin.as_ref().is_some_and(|p| p.exists())
        && Command::new("spin").arg("-V").output().is_ok();
    if a.spin.is_some() && !spin_ok {
        eprintln!("SPIN or its script is missing: skipping SPIN (apt-get install -y spin)");
    }
    println!(
        "{:<16} {:>3} {:>4} {:>12} {:>13} {:>8} {:>12} {:>9} {:>8}",
        "engine",
        "thr",
        "rms",
        "distinct",
        "generated",
        "wall s",
        "states/s",
        "peak MiB",
        "B/state"
    );
    let mut all: Vec<Run> = Vec::new();
    let mut capacity = Vec::new();
    for &rms in &a.rms {
        capacity.push(parallel_capacity());
        let mut configs: Vec<(&str, &str, u32)> = Vec::new();
        for &t in &a.threads {
            configs.push(("xshard", "bfs", t));
            configs.push(("xshard", "dfs", t));
            configs.push(("stateright", "dfs", t));
        }
        // Repeats go round the configurations, so that a disturbance on the machine hits
        // different configurations rather than every run of one.
        let mut tries: Vec<Vec<Option<Run>>> = vec![Vec::new(); configs.len() + 1];
        for _ in 0..a.repeat {
            for (k, &(e, s, t)) in configs.iter().enumerate() {
                tries[k].push(xshard(e, s, t, rms));
            }
            if spin_ok {
                if let Some(script) = &a.spin {
                    tries[configs.len()].push(spin(script, rms));
                }
            }
        }
        let runs: Vec<Run> = tries
            .into_iter()
            .filter_map(|t| best(t.into_iter()))
            .collect();
        for r in &runs {
            println!(
                "{:<16} {:>3} {:>4} {:>12.0} {:>13.0} {:>8.2} {:>12.0} {:>9} {:>8}",
                r.engine,
                r.threads,
                r.rms,
                r.distinct,
                r.generated,
                r.wall,
                r.rate(),
                mib(r.peak),
                opt(r.bytes_per_state)
            );
        }
        all.extend(runs);
        capacity.push(parallel_capacity());
    }
    let (lo, hi) = capacity
        .iter()
        .fold((f64::MAX, 0.0f64), |(l, h), &c| (l.min(c), h.max(c)));
    println!();
    println!(
        "two busy threads got {lo:.2}..{hi:.2} CPUs during this run (2.00 on an idle 2-core machine)"
    );
    println!();
    println!("ratios (issue 3's targets, which apply at rms=9, in brackets):");
    for &rms in &a.rms {
        let get = |engine: &str, t: u32| {
            all.iter()
                .find(|r| r.rms == rms && r.engine == engine && r.threads == t)
        };
        let (Some(bfs), Some(dfs), Some(sr)) = (
            get("xshard bfs", 1),
            get("xshard dfs", 1),
            get("stateright dfs", 1),
        ) else {
            continue;
        };
        println!("  rms={rms}:");
        let x = dfs.rate() / sr.rate();
        println!(
            "    xshard dfs / stateright dfs, states/s, 1 thread: {x:.2}x  [>= 1.3: {}]",
            verdict(x >= 1.3)
        );
        if let Some(sp) = get("spin", 1) {
            let x = dfs.wall / sp.wall;
            println!(
                "    xshard dfs / spin, wall time, 1 thread:          {x:.2}   [<= 1.0: {}]",
                verdict(x <= 1.0)
            );
            let x = bfs.wall / sp.wall;
            println!("    xshard bfs / spin, wall time, 1 thread:          {x:.2}");
        }
        let x = bfs.wall / dfs.wall;
        println!(
            "    xshard bfs / xshard dfs, wall time, 1 thread:    {x:.2}   [<= 1.5: {}]",
            verdict(x <= 1.5)
        );
        if let Some(b) = bfs.bytes_per_state {
            println!(
                "    xshard bfs bytes per distinct state:             {b:.1}   [<= 48: {}]",
                verdict(b <= 48.0)
            );
        }
        if let Some(b) = dfs.bytes_per_state {
            println!(
                "    xshard dfs bytes per distinct state:             {b:.1}   [<= 20: {}]",
                verdict(b <= 20.0)
            );
        }
        for &t in a.threads.iter().filter(|&&t| t > 1) {
            for (name, one) in [
                ("xshard bfs", bfs),
                ("xshard dfs", dfs),
                ("stateright dfs", sr),
            ] {
                if let Some(many) = get(name, t) {
                    let x = many.rate() / one.rate();
                    let target = if name.starts_with("xshard") && t == 2 {
                        format!("  [>= 1.7: {}]", verdict(x >= 1.7))
                    } else {
                        String::new()
                    };
                    println!("    {name:<14} {t} threads / 1 thread, states/s:  {x:.2}x{target}",);
                }
            }
        }
    }

    if a.paxos {
        paxos_section(&a, &all);
    }
}

/// Paxos Commit at TLC's configuration (1,321,761 distinct states) under the same engines and
/// thread counts, and each run's states per second against TwoPhase's largest `rms` in this
/// invocation (same engine, strategy and threads).
fn paxos_section(a: &Args, two_phase: &[Run]) {
    println!();
    println!("tla-paxos-commit (TLC's PaxosCommit.cfg; TLC's published run: about 1 minute):");
    println!(
        "{:<16} {:>3} {:>12} {:>13} {:>8} {:>12} {:>9} {:>8} {:>10}",
        "engine",
        "thr",
        "distinct",
        "generated",
        "wall s",
        "states/s",
        "peak MiB",
        "B/state",
        "/TwoPhase"
    );
    let mut configs: Vec<(&str, &str, u32)> = Vec::new();
    for &t in &a.threads {
        configs.push(("xshard", "bfs", t));
        configs.push(("xshard", "dfs", t));
        configs.push(("stateright", "dfs", t));
    }
    let mut tries: Vec<Vec<Option<Run>>> = vec![Vec::new(); configs.len()];
    for _ in 0..a.repeat {
        for (k, &(e, s, t)) in configs.iter().enumerate() {
            tries[k].push(paxos(e, s, t));
        }
    }
    let reference = a.rms.iter().copied().max();
    for r in tries.into_iter().filter_map(|t| best(t.into_iter())) {
        let ratio = two_phase
            .iter()
            .find(|tp| {
                Some(tp.rms) == reference && tp.engine == r.engine && tp.threads == r.threads
            })
            .map(|tp| r.rate() / tp.rate());
        println!(
            "{:<16} {:>3} {:>12.0} {:>13.0} {:>8.2} {:>12.0} {:>9} {:>8} {:>10}",
            r.engine,
            r.threads,
            r.distinct,
            r.generated,
            r.wall,
            r.rate(),
            mib(r.peak),
            opt(r.bytes_per_state),
            ratio.map_or("-".into(), |x| format!("{x:.2}x")),
        );
    }
    if let Some(rms) = reference {
        println!("(/TwoPhase: states/s against tla-two-phase rms={rms}, same engine and threads)");
    }
}
