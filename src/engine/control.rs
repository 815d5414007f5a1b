//! Run control shared by every engine: the stop signal and its reason (bounds, the caller's
//! [`StopHandle`]), the live counters, memory sampling, and the monitor thread that enforces
//! `timeout`, `max_memory` and the stop handle and reports progress.
//!
//! Workers only read one relaxed atomic (`stopped`) between states; the monitor wakes every
//! 50 ms, so a timeout or an interruption is honoured within a fraction of a second whatever
//! the thread count.
//!
//! Everything here belongs to one run: nothing is process-global, so concurrent runs in one
//! process neither stop nor reset each other. Only the memory figures are the process's (see
//! the [module documentation](super)).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::time::{Duration, Instant};

use super::{Bound, Progress, Settings, StopHandle};

/// How often the monitor wakes.
const TICK: Duration = Duration::from_millis(50);
/// Progress is reported every this many ticks (about every 100 ms).
const PROGRESS_TICKS: u64 = 2;

/// Stops the run when dropped during a panic: held by each worker of a parallel search, so
/// a worker whose model code panics does not leave its peers waiting for work or for its
/// partition forever. The peers see the stop, return, and the scope re-raises the panic.
pub(crate) struct StopOnPanic<'a>(pub &'a Control);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop(Bound::Interrupted);
        }
    }
}

/// Shared state of one run.
#[derive(Debug)]
pub(crate) struct Control {
    stop: AtomicU8,
    done: AtomicBool,
    /// Live counters, for progress and for bounds that engines cannot see themselves.
    pub generated: AtomicU64,
    pub distinct: AtomicU64,
    pub depth: AtomicU64,
    /// States cut short by the model's own bounds, per [`super::CUTS`] entry.
    pub cut_states: [AtomicU64; 2],
    /// Bytes written to spill files (BFS levels and tree).
    pub spilled: AtomicU64,
    pub start: Instant,
    timeout: Option<Duration>,
    max_memory: Option<u64>,
    handle: Option<StopHandle>,
    /// Resident memory when the run started, if the platform reports it.
    pub baseline: Option<u64>,
    /// The largest resident memory sampled during the run (0: none known).
    peak_seen: AtomicU64,
}

fn code(b: Bound) -> u8 {
    match b {
        Bound::MaxStates => 1,
        Bound::MaxDepth => 2,
        Bound::Timeout => 3,
        Bound::MaxMemory => 4,
        Bound::Interrupted => 5,
        Bound::Horizon => 6,
        Bound::CopyCap => 7,
    }
}

fn bound(c: u8) -> Option<Bound> {
    Some(match c {
        1 => Bound::MaxStates,
        2 => Bound::MaxDepth,
        3 => Bound::Timeout,
        4 => Bound::MaxMemory,
        5 => Bound::Interrupted,
        6 => Bound::Horizon,
        7 => Bound::CopyCap,
        _ => return None,
    })
}

impl Control {
    pub fn new(s: &Settings, handle: Option<StopHandle>) -> Self {
        let baseline = rss();
        let ctl = Control {
            stop: AtomicU8::new(0),
            done: AtomicBool::new(false),
            generated: AtomicU64::new(0),
            distinct: AtomicU64::new(0),
            depth: AtomicU64::new(0),
            cut_states: [AtomicU64::new(0), AtomicU64::new(0)],
            spilled: AtomicU64::new(0),
            start: Instant::now(),
            timeout: s.timeout,
            max_memory: s.max_memory,
            handle,
            baseline,
            peak_seen: AtomicU64::new(baseline.unwrap_or(0)),
        };
        // A handle stopped before the run must stop it even if the run would end before the
        // monitor's first tick.
        ctl.check_handle();
        ctl
    }

    /// Whether the search must stop (a bound was hit or the stop handle was stopped).
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

    /// The memory budget (`max_memory`), if any.
    /// The live counters (generated, distinct, depth, cut states), for a pass that reuses
    /// this control after the main search ([`Control::restore_counters`]).
    pub fn save_counters(&self) -> [u64; 5] {
        [
            self.generated.load(Relaxed),
            self.distinct.load(Relaxed),
            self.depth.load(Relaxed),
            self.cut_states[0].load(Relaxed),
            self.cut_states[1].load(Relaxed),
        ]
    }

    /// Puts back counters [`Control::save_counters`] took.
    pub fn restore_counters(&self, [g, d, depth, c0, c1]: [u64; 5]) {
        self.generated.store(g, Relaxed);
        self.distinct.store(d, Relaxed);
        self.depth.store(depth, Relaxed);
        self.cut_states[0].store(c0, Relaxed);
        self.cut_states[1].store(c1, Relaxed);
    }

    /// Withdraws a depth-bound stop (any other reason stays): the depth-first strategy's graph
    /// pass applies the bound itself.
    pub fn clear_depth_stop(&self) {
        let _ = self
            .stop
            .compare_exchange(code(Bound::MaxDepth), 0, Relaxed, Relaxed);
    }

    pub fn max_memory(&self) -> Option<u64> {
        self.max_memory
    }

    /// Whether allocating `extra` more bytes would break `max_memory`; if so, stops the run.
    pub fn would_exceed(&self, extra: u64) -> bool {
        let now = self.sample().unwrap_or(0);
        let Some(max) = self.max_memory else {
            return false;
        };
        if now.saturating_add(extra) > max {
            self.stop(Bound::MaxMemory);
            true
        } else {
            false
        }
    }

    /// Samples resident memory into the run's peak. Engines call it when their search ends,
    /// while the visited set is still allocated.
    pub fn sample(&self) -> Option<u64> {
        let now = rss()?;
        self.peak_seen.fetch_max(now, Relaxed);
        Some(now)
    }

    fn check_handle(&self) {
        if self.handle.as_ref().is_some_and(StopHandle::is_stopped) {
            self.stop(Bound::Interrupted);
        }
    }

    /// One check of the time and memory bounds and of the stop handle; the resident memory
    /// sampled.
    fn check(&self) -> Option<u64> {
        self.check_handle();
        if self.timeout.is_some_and(|t| self.start.elapsed() >= t) {
            self.stop(Bound::Timeout);
        }
        let now = self.sample();
        if let (Some(now), Some(max)) = (now, self.max_memory) {
            if now > max {
                self.stop(Bound::MaxMemory);
            }
        }
        now
    }

    /// Marks the run finished (the monitor then exits).
    pub fn finish(&self) {
        self.done.store(true, Relaxed);
    }

    /// Peak resident memory of the run: the largest value sampled, now included.
    pub fn peak(&self) -> Option<u64> {
        self.sample();
        Some(self.peak_seen.load(Relaxed)).filter(|&p| p > 0)
    }

    /// Runs the monitor until [`Control::finish`]: enforces the time and memory bounds and the
    /// stop handle, and reports progress to `progress`.
    pub fn monitor(&self, progress: Option<&(dyn Fn(&Progress) + Send + Sync)>, label: &str) {
        let mut tick = 0u64;
        while !self.done.load(Relaxed) {
            std::thread::park_timeout(TICK);
            if self.done.load(Relaxed) {
                break;
            }
            let rss = self.check();
            tick += 1;
            if let Some(f) = progress {
                if tick.is_multiple_of(PROGRESS_TICKS) {
                    f(&Progress {
                        label: label.to_string(),
                        distinct: self.distinct.load(Relaxed),
                        generated: self.generated.load(Relaxed),
                        depth: self.depth.load(Relaxed),
                        elapsed: self.start.elapsed(),
                        resident_bytes: rss,
                        stopping: self.reason(),
                        done: false,
                    });
                }
            }
        }
    }
}

/// Current resident memory of this process in bytes (Linux `VmRSS`), if known.
pub(crate) fn rss() -> Option<u64> {
    status_kb("VmRSS:").map(|kb| kb * 1024)
}

/// A `kB` field of `/proc/self/status`.
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
