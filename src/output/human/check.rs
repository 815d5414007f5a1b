//! Human output: one row per property, statistics, one final verdict line, and each
//! counterexample as numbered steps.

use std::fmt::Write;

use crate::engine::Status;
use crate::files::WrittenFiles;
use crate::output::bound_text;
use crate::run::{collision_probability, Checked, Verdict};
use crate::trace::Counterexample;
use xshard_models::Resolved;

/// The first lines of a report on one configuration: `lead` (`model`, `fuzz`), the model, the
/// variant and every parameter, then the kernel settings of a kernel model.
pub fn resolved_header(out: &mut String, lead: &str, r: &Resolved) {
    let params: Vec<String> = r.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(
        out,
        "{lead} {} (variant {}){}",
        r.model,
        r.variant,
        if params.is_empty() {
            String::new()
        } else {
            format!(", {}", params.join(" "))
        }
    );
    if let Some(k) = r.kernel {
        let _ = writeln!(out, "kernel: {k}");
    }
}

/// The report of a check; `program` is the binary's name, for the commands it prints.
pub fn check(run: &Checked, program: &str) -> String {
    let mut out = String::new();
    resolved_header(&mut out, "model", &run.resolved);
    let _ = writeln!(out);
    let width = run
        .properties
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let _ = writeln!(out, "  {:<width$}  {:<9}  result", "property", "kind");
    for p in &run.properties {
        let detail = match (p.status, &p.path) {
            (Status::Violated, Some(path)) => {
                format!("violated (counterexample of {} steps)", path.len() - 1)
            }
            (Status::Witnessed, Some(path)) => {
                format!("witnessed (after {} steps)", path.len() - 1)
            }
            (Status::Unwitnessed, _) => {
                "unwitnessed (no reachable state is a witness: the model is vacuous here)".into()
            }
            (s, _) => s.as_str().to_string(),
        };
        let _ = writeln!(
            out,
            "  {:<width$}  {:<9}  {detail}",
            p.name,
            p.kind.as_str()
        );
    }
    let s = &run.stats;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "states: {} distinct{}, {} generated, depth {}; {:.2}s, {:.0} states/s{}",
        s.distinct_states,
        if s.symmetry { " (up to symmetry)" } else { "" },
        s.generated_states,
        s.max_depth,
        s.elapsed_secs,
        s.states_per_sec(),
        s.peak_memory_bytes
            .map(|b| format!(", peak memory {:.1} MiB", b as f64 / 1048576.0))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "engine: {} {}, {} thread{}{}",
        s.engine,
        match s.strategy {
            crate::engine::Strategy::Bfs => "bfs",
            crate::engine::Strategy::Dfs => "dfs",
        },
        s.threads,
        if s.threads == 1 { "" } else { "s" },
        s.bytes_per_state
            .map(|b| format!(", {b:.1} bytes per distinct state"))
            .unwrap_or_default()
    );
    if s.spilled_bytes > 0 {
        let _ = writeln!(
            out,
            "spilled: {:.1} MiB of BFS levels and tree written to temporary files (beyond their \
             share of --max-memory)",
            s.spilled_bytes as f64 / 1048576.0
        );
    }
    let p = collision_probability(s.distinct_states);
    if p >= 1e-12 {
        let _ = writeln!(
            out,
            "fingerprints: probability that a state was missed by a fingerprint collision {p:.1e}"
        );
    }
    let shown: Vec<(&Counterexample, Option<&WrittenFiles>)> = run
        .properties
        .iter()
        .filter(|p| p.status.is_failure())
        .filter_map(|p| Some((p.trace.as_ref()?, p.files.as_ref())))
        .collect();
    for (i, &(t, files)) in shown.iter().enumerate() {
        let _ = writeln!(out);
        // Two properties often fail on the same path: print its steps once.
        match shown[..i]
            .iter()
            .map(|s| s.0)
            .find(|earlier| earlier.path == t.path)
        {
            Some(earlier) => {
                out.push_str(&trace_header(t));
                let _ = writeln!(
                    out,
                    "  the same steps as the counterexample for {} above",
                    earlier.property
                );
            }
            None => out.push_str(&trace_text(t)),
        }
        if let Some(f) = files {
            out.push_str(&files_text(f, program));
        }
    }
    for c in &run.cuts {
        let _ = writeln!(out);
        let count = c
            .states
            .map_or_else(|| "some states".to_string(), |n| format!("{n} states"));
        let _ = writeln!(
            out,
            "cut by the {}: {count} not explored further; for example, after {} steps {}",
            match c.cut {
                xshard_models::Cut::Horizon => "horizon",
                xshard_models::Cut::CopyCap => "copy cap",
            },
            c.example.len(),
            c.example.explanation
        );
        out.push_str(&steps_text(&c.example));
    }
    let verdict = run.verdict();
    let _ = writeln!(out);
    match verdict {
        Verdict::Holds => {
            let _ = writeln!(
                out,
                "verdict: holds (exhaustive search, every witness found)"
            );
        }
        Verdict::Violated => {
            let _ = writeln!(out, "verdict: violated ({})", run.failed().join(", "));
            let _ = writeln!(out, "re-run: {}", run.rerun_command(program));
        }
        Verdict::Inconclusive => {
            let bound = run
                .stopped_by
                .map_or_else(|| "a bound".to_string(), bound_text);
            let _ = writeln!(
                out,
                "verdict: inconclusive (stopped by {bound} before the search was exhaustive)"
            );
        }
    }
    out
}

/// The files of a counterexample and the command that replays it.
pub fn files_text(f: &WrittenFiles, program: &str) -> String {
    let paths: Vec<String> = f.paths().iter().map(|p| p.display().to_string()).collect();
    format!(
        "  files: {}\n  replay: {}\n",
        paths.join(" "),
        f.replay_command(program)
    )
}

/// The first line of a counterexample: its property, length and explanation.
fn trace_header(t: &Counterexample) -> String {
    format!(
        "counterexample for {} ({} steps): {}\n",
        t.property,
        t.len(),
        t.explanation
    )
}

/// A trace as numbered steps.
pub fn trace_text(t: &Counterexample) -> String {
    let mut out = trace_header(t);
    out.push_str(&steps_text(t));
    out
}

/// A trace's steps, numbered, one per line.
fn steps_text(t: &Counterexample) -> String {
    let mut out = String::new();
    for (i, s) in t.steps.iter().enumerate() {
        let node = s.node.as_deref().unwrap_or("-");
        let msg = s
            .message
            .as_ref()
            .map(|m| format!(" {} -> {}: {}", m.from, m.to, m.payload))
            .unwrap_or_else(|| {
                if s.detail.is_empty() {
                    String::new()
                } else {
                    format!(" {}", s.detail)
                }
            });
        let clock = s.now.map(|n| format!(" [t={n}]")).unwrap_or_default();
        let _ = write!(
            out,
            "  {:>3}. {node:<12} {:<8}{msg}{clock}",
            i + 1,
            s.event.as_str()
        );
        let changes: Vec<String> = s
            .changes
            .iter()
            .map(|c| format!("{}.{}: {} -> {}", c.node, c.field, c.before, c.after))
            .collect();
        if !changes.is_empty() {
            let _ = write!(out, "   ({})", changes.join("; "));
        }
        let _ = writeln!(out);
    }
    out
}
