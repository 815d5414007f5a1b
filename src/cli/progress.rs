//! Progress of a check on stderr: a spinner with a status line on a terminal, otherwise one
//! line every 5 s (and none for shorter runs), so that logs of long runs in CI show the search
//! advancing without filling up with redraws.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use crate::engine::Progress;
use crate::run::bound_text;

/// Non-terminal progress: one line this often.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// The callback `xshard check` gives [`crate::engine::Engine::progress`].
///
/// It keeps per-run state (the bar, when the next line is due) and resets it on the final
/// report, so one callback serves consecutive runs.
pub(crate) fn stderr_progress() -> impl Fn(&Progress) + Send + Sync + 'static {
    let tty = std::io::stderr().is_terminal();
    let state = Mutex::new(State {
        bar: None,
        next_line: LINE_EVERY,
    });
    move |p: &Progress| {
        let Ok(mut st) = state.lock() else {
            return;
        };
        if p.done {
            if let Some(bar) = st.bar.take() {
                bar.finish_and_clear();
            }
            st.next_line = LINE_EVERY;
        } else if tty {
            let bar = st.bar.get_or_insert_with(|| spinner(p.elapsed));
            bar.set_message(status(p));
            bar.tick();
        } else if p.elapsed >= st.next_line {
            st.next_line = p.elapsed + LINE_EVERY;
            eprintln!("[{:>7.1}s] {}", p.elapsed.as_secs_f64(), status(p));
        }
    }
}

struct State {
    bar: Option<indicatif::ProgressBar>,
    /// Elapsed time at which the next non-terminal line is due.
    next_line: Duration,
}

/// A spinner whose clock starts with the run, not with its first report.
fn spinner(elapsed: Duration) -> indicatif::ProgressBar {
    let pb = indicatif::ProgressBar::new_spinner().with_elapsed(elapsed);
    pb.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(10));
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
    {
        pb.set_style(style);
    }
    pb
}

/// The one-line status, e.g. `xshard bfs: 1,234 distinct, 5,678 generated, depth 9,
/// 12,345/s, 42 MiB`.
fn status(p: &Progress) -> String {
    let secs = p.elapsed.as_secs_f64().max(1e-9);
    format!(
        "{}: {} distinct, {} generated, depth {}, {}/s, {:.0} MiB{}",
        p.label,
        group(p.distinct),
        group(p.generated),
        p.depth,
        group((p.distinct as f64 / secs) as u64),
        p.resident_bytes.unwrap_or(0) as f64 / 1048576.0,
        match p.stopping {
            Some(b) => format!(" (stopping: {})", bound_text(b)),
            None => String::new(),
        }
    )
}

/// `1234567` as `1,234,567`.
fn group(n: u64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Bound;

    #[test]
    fn groups_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1234567), "1,234,567");
    }

    #[test]
    fn status_reads_as_before() {
        // Progress is non-exhaustive outside the engine, but this crate may build one.
        let p = Progress {
            label: "xshard bfs".into(),
            distinct: 1_234_567,
            generated: 4_000_000,
            depth: 12,
            elapsed: Duration::from_secs(2),
            resident_bytes: Some(64 << 20),
            stopping: Some(Bound::MaxStates),
            done: false,
        };
        assert_eq!(
            status(&p),
            "xshard bfs: 1,234,567 distinct, 4,000,000 generated, depth 12, 617,283/s, 64 MiB \
             (stopping: --max-states)"
        );
    }
}
