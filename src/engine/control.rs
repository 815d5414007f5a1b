//! Run control shared by every engine: the stop signal and its reason (bounds, Ctrl-C), the
//! live counters, memory measurement, and the monitor thread that enforces `--timeout` and
//! `--max-memory` and draws progress on stderr.
//!
//! Workers only read one relaxed atomic (`stopped`) between states; the monitor wakes every
//! 50 ms, so a timeout or an interruption is honoured within a fraction of a second whatever
//! the thread count.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::time::{Duration, Instant};

use super::{Bound, Options};

/// Set by [`super::interrupt`] (the CLI's Ctrl-C handler).
pub(crate) static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How often the monitor wakes.
const TICK: Duration = Duration::from_millis(50);
/// Non-terminal progress: one line this often (and none for shorter runs).
const LINE_EVERY: Duration = Duration::from_secs(5);

/// Shared state of one run.
#[derive(Debug)]
pub(crate) struct Control {
    stop: AtomicU8,
    done: AtomicBool,
    /// Live counters, for progress and for bounds that engines cannot see themselves.
    pub generated: AtomicU64,
    pub distinct: AtomicU64,
    pub depth: AtomicU64,
    pub start: Instant,
    timeout: Option<Duration>,
    max_memory: Option<u64>,
    /// Resident memory when the run started.
    pub baseline: u64,
    peak_seen: AtomicU64,
}

fn code(b: Bound) -> u8 {
    match b {
        Bound::MaxStates => 1,
        Bound::MaxDepth => 2,
        Bound::Timeout => 3,
        Bound::MaxMemory => 4,
        Bound::Interrupted => 5,
    }
}

fn bound(c: u8) -> Option<Bound> {
    Some(match c {
        1 => Bound::MaxStates,
        2 => Bound::MaxDepth,
        3 => Bound::Timeout,
        4 => Bound::MaxMemory,
        5 => Bound::Interrupted,
        _ => return None,
    })
}

impl Control {
    pub fn new(opts: &Options) -> Self {
        reset_peak();
        let baseline = rss().unwrap_or(0);
        Control {
            stop: AtomicU8::new(0),
            done: AtomicBool::new(false),
            generated: AtomicU64::new(0),
            distinct: AtomicU64::new(0),
            depth: AtomicU64::new(0),
            start: Instant::now(),
            timeout: opts.timeout,
            max_memory: opts.max_memory,
            baseline,
            peak_seen: AtomicU64::new(baseline),
        }
    }

    /// Whether the search must stop (a bound was hit or the user interrupted).
    #[inline(always)]
    pub fn stopped(&self) -> bool {
        self.stop.load(Relaxed) != 0
    }

    /// Stops the search for `b`; the first reason given is kept.
    pub fn stop(&self, b: Bound) {
        let _ = self.stop.compare_exchange(0, code(b), Relaxed, Relaxed);
    }

    /// Why the search stopped, if it did.
    pub fn reason(&self) -> Option<Bound> {
        bound(self.stop.load(Relaxed))
    }

    /// Whether allocating `extra` more bytes would break `--max-memory`; if so, stops the run.
    pub fn would_exceed(&self, extra: u64) -> bool {
        let Some(max) = self.max_memory else {
            return false;
        };
        let now = rss().unwrap_or(0);
        if now.saturating_add(extra) > max {
            self.stop(Bound::MaxMemory);
            true
        } else {
            false
        }
    }

    /// One check of the time and memory bounds and of Ctrl-C.
    fn check(&self) {
        if INTERRUPTED.load(Relaxed) {
            self.stop(Bound::Interrupted);
        }
        if self.timeout.is_some_and(|t| self.start.elapsed() >= t) {
            self.stop(Bound::Timeout);
        }
        if let Some(now) = rss() {
            self.peak_seen.fetch_max(now, Relaxed);
            if self.max_memory.is_some_and(|m| now > m) {
                self.stop(Bound::MaxMemory);
            }
        }
    }

    /// Marks the run finished (the monitor then exits).
    pub fn finish(&self) {
        self.done.store(true, Relaxed);
    }

    /// Peak resident memory of the run: the kernel's high-water mark when it could be reset at
    /// the start of the run, else the largest value the monitor sampled.
    pub fn peak(&self) -> Option<u64> {
        let sampled = self.peak_seen.load(Relaxed).max(rss().unwrap_or(0));
        match super::peak_memory() {
            Some(hwm) if PEAK_RESET.load(Relaxed) => Some(hwm.max(sampled)),
            _ if sampled > 0 => Some(sampled),
            other => other,
        }
    }

    /// Runs the monitor until [`Control::finish`]: enforces the time and memory bounds and
    /// Ctrl-C, and shows progress on stderr if `progress`.
    pub fn monitor(&self, progress: bool, label: &str) {
        let mut bar = None;
        let tty = progress && std::io::stderr().is_terminal();
        if tty {
            let pb = indicatif::ProgressBar::new_spinner();
            pb.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(10));
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            {
                pb.set_style(style);
            }
            bar = Some(pb);
        }
        let mut last_line = Instant::now();
        let mut tick = 0u64;
        while !self.done.load(Relaxed) {
            std::thread::park_timeout(TICK);
            if self.done.load(Relaxed) {
                break;
            }
            self.check();
            tick += 1;
            if let Some(pb) = &bar {
                if tick.is_multiple_of(2) {
                    pb.set_message(self.status(label));
                    pb.tick();
                }
            } else if progress && last_line.elapsed() >= LINE_EVERY {
                last_line = Instant::now();
                eprintln!(
                    "[{:>7.1}s] {}",
                    self.start.elapsed().as_secs_f64(),
                    self.status(label)
                );
            }
        }
        if let Some(pb) = bar {
            pb.finish_and_clear();
        }
    }

    /// The one-line status.
    fn status(&self, label: &str) -> String {
        let distinct = self.distinct.load(Relaxed);
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        format!(
            "{label}: {} distinct, {} generated, depth {}, {}/s, {:.0} MiB{}",
            group(distinct),
            group(self.generated.load(Relaxed)),
            self.depth.load(Relaxed),
            group((distinct as f64 / secs) as u64),
            rss().unwrap_or(0) as f64 / 1048576.0,
            match self.reason() {
                Some(b) => format!(" (stopping: {})", b.describe()),
                None => String::new(),
            }
        )
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

static PEAK_RESET: AtomicBool = AtomicBool::new(false);

/// Resets the kernel's resident-memory high-water mark (Linux `clear_refs` 5), so that `VmHWM`
/// measures this run rather than the process's whole life.
fn reset_peak() {
    let ok = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    PEAK_RESET.store(ok, Relaxed);
}

/// Current resident memory of this process in bytes (Linux `VmRSS`), if known.
pub(crate) fn rss() -> Option<u64> {
    status_kb("VmRSS:").map(|kb| kb * 1024)
}

/// A `kB` field of `/proc/self/status`.
pub(crate) fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
