//! Human output of `sweep` and `fuzz`.

use std::fmt::Write;

use crate::explore::{FuzzReport, Space, SweepReport};
use crate::output::human::check::resolved_header;
use crate::output::human::{files_text, trace_text};
use crate::run::{Checked, Verdict};

/// The dimensions of a space, one line: `shards 1..5, loss 0..1, network ordered`.
pub fn dimensions_text(space: &Space) -> String {
    space
        .dims
        .iter()
        .map(|d| match d.values.as_slice() {
            [one] => format!("{} {one}", d.name.replace('_', "-")),
            [first, .., last] => format!("{} {first}..{last}", d.name.replace('_', "-")),
            [] => d.name.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A configuration of a space as `name=value` pairs.
pub fn configuration_text(space: &Space, at: &[u32]) -> String {
    space
        .dims
        .iter()
        .zip(at)
        .map(|(d, &i)| format!("{}={}", d.name, d.values[i as usize]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The violated properties of a check, each with its counterexample and files.
fn counterexamples_text(out: &mut String, checked: &Checked, program: &str) {
    for p in &checked.properties {
        if let (Some(t), true) = (&p.trace, p.status.is_failure()) {
            if p.status == crate::engine::Status::Violated {
                out.push_str(&trace_text(t));
                if let Some(f) = &p.files {
                    out.push_str(&files_text(f, program));
                }
            }
        }
    }
}

/// The report of a sweep; `command` re-runs it.
pub fn sweep(
    report: &SweepReport,
    program: &str,
    command: &str,
    regressions: Option<&str>,
) -> String {
    let mut out = String::new();
    let b = &report.space.bound;
    let _ = writeln!(
        out,
        "sweep {} (variant {}), seed {}, {} cases",
        b.model, b.variant, report.seed, report.cases
    );
    let _ = writeln!(out, "dimensions: {}", dimensions_text(&report.space));
    let _ = writeln!(out, "configurations: {}", report.space.size());
    if report.replayed > 0 {
        let _ = writeln!(
            out,
            "replayed first: {} seed(s) of the regressions file",
            report.replayed
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "checked {} configuration(s): {} held (exhaustive search; {} missing a witness), {} inconclusive (budget hit{}), {} refused by the model",
        report.checked,
        report.exhaustive,
        report.vacuous,
        report.inconclusive,
        report
            .first_bound
            .map(|b| format!(": {}", crate::run::bound_text(b)))
            .unwrap_or_default(),
        report.refused
    );
    if report.outside_failure_model > 0 {
        let _ = writeln!(
            out,
            "not checked: {} configuration(s) outside the protocol's declared failure model",
            report.outside_failure_model
        );
    }
    match &report.largest_held {
        Some(l) => {
            let _ = writeln!(
                out,
                "largest that held: {} ({} distinct states)",
                configuration_text(&report.space, &l.at),
                l.distinct
            );
        }
        None => {
            let _ = writeln!(out, "largest that held: none");
        }
    }
    match &report.failure {
        Some(f) => {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "first failing configuration{}: {}",
                if f.from_regression {
                    " (replayed from the regressions file)"
                } else {
                    ""
                },
                configuration_text(&report.space, &f.first.at)
            );
            let _ = writeln!(
                out,
                "smallest failing configuration ({} configuration(s) checked while shrinking): {}",
                f.shrink_checks,
                configuration_text(&report.space, &f.at)
            );
            let _ = writeln!(out, "  violates: {}", f.checked.failed().join(", "));
            let _ = writeln!(out, "  check: {}", f.checked.rerun_command(program));
            counterexamples_text(&mut out, &f.checked, program);
            if let Some(r) = regressions {
                let _ = writeln!(out, "regressions: {r}");
            }
            let _ = writeln!(
                out,
                "verdict: violated ({}) at the smallest failing configuration; reproduce: {}",
                f.checked.failed().join(", "),
                f.checked.rerun_command(program)
            );
        }
        None => {
            let verdict = report.verdict();
            let _ = writeln!(
                out,
                "verdict: {} ({}); rerun: {command}",
                match verdict {
                    Verdict::Holds => "no violation: every configuration checked held",
                    _ => "no violation found, but not every configuration checked was exhausted",
                },
                if report.interrupted {
                    "interrupted"
                } else {
                    verdict.as_str()
                }
            );
        }
    }
    out
}

/// The report of a fuzz run; `command` re-runs it.
pub fn fuzz(report: &FuzzReport, program: &str, command: &str) -> String {
    let mut out = String::new();
    resolved_header(&mut out, "fuzz", &report.resolved);
    let _ = writeln!(
        out,
        "seed {}: {} walk(s) of at most {} actions",
        report.seed, report.walks, report.depth
    );
    let _ = writeln!(out);
    match &report.failure {
        Some(f) => {
            let _ = writeln!(
                out,
                "walk {} violated {} after {} actions; shrunk to {} actions (choices {:?})",
                report.walks_run,
                f.property,
                f.first_steps,
                f.walk.len(),
                f.choices
            );
            if f.confirmed() {
                let _ = writeln!(
                    out,
                    "breadth-first search to depth {}: the shortest counterexample of {} has {} steps ({} distinct states{})",
                    f.walk.len(),
                    f.property,
                    f.shortest(),
                    f.confirm.stats.distinct_states,
                    if f.confirm.stats.symmetry { " up to symmetry" } else { "" }
                );
                counterexamples_text(&mut out, &f.confirm, program);
            } else {
                let _ = writeln!(
                    out,
                    "breadth-first search to depth {} did not finish ({}): the shrunk walk is the shortest counterexample found",
                    f.walk.len(),
                    f.confirm
                        .stopped_by
                        .map_or_else(|| "undecided".to_string(), crate::run::bound_text)
                );
                out.push_str(&trace_text(&f.walk));
                if let Some(files) = &f.walk_files {
                    out.push_str(&files_text(files, program));
                }
            }
            let replay = report
                .files()
                .map(|files| files.replay_command(program))
                .unwrap_or_else(|| command.to_string());
            let _ = writeln!(
                out,
                "verdict: violated ({}, {} steps); replay: {replay}",
                f.property,
                f.shortest()
            );
        }
        None => {
            let _ = writeln!(
                out,
                "verdict: {}{} (not a proof); rerun: {command}",
                report.status_text(),
                if report.stopped {
                    ", stopped early"
                } else {
                    ""
                }
            );
        }
    }
    out
}
