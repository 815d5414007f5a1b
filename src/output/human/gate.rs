//! The gate's human output: one table row per check (in file order), then each unmet
//! expectation with its counterexample files and the command that reproduces it, then one
//! summary line.

use std::fmt::Write;
use std::path::Path;

use crate::gate::Suite;
use crate::gate::{CheckResult, Outcome};

/// The whole report of a finished suite.
pub fn report(suite: &Suite, results: &[CheckResult], out_dir: &Path) -> String {
    let rows: Vec<[String; 6]> = results
        .iter()
        .map(|r| {
            let spec = &suite.checks[r.index];
            [
                match r.outcome {
                    Outcome::Met => "ok",
                    Outcome::Unmet => "FAIL",
                    Outcome::Skipped => "skip",
                }
                .to_string(),
                spec.name.clone(),
                spec.expect.to_string(),
                r.result(),
                r.run.stats.distinct_states.to_string(),
                format!("{:.2}s", r.elapsed_secs),
            ]
        })
        .collect();
    let header = [
        "",
        "check",
        "expectation",
        "result",
        "distinct states",
        "time",
    ];
    let mut w = header.map(str::len);
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            w[i] = w[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |c: [&str; 6]| {
        let text = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:>w4$}  {:>w5$}",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            c[5],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4],
            w5 = w[5]
        );
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(header);
    for row in &rows {
        line(row.each_ref().map(String::as_str));
    }

    let mut unmet = 0;
    for r in results {
        let spec = &suite.checks[r.index];
        let Some(message) = r.message(spec) else {
            continue;
        };
        unmet += 1;
        let _ = writeln!(out, "\nunmet: {message}");
        for f in r.files() {
            let _ = writeln!(out, "  counterexample: {}", f.display());
        }
    }
    let skipped = results
        .iter()
        .filter(|r| r.outcome == Outcome::Skipped)
        .count();
    let written: usize = results.iter().map(|r| r.files().len()).sum();
    let _ = writeln!(
        out,
        "\ngate: {} check{}, {} met, {unmet} unmet, {skipped} inconclusive (allowed); {written} counterexample files under {}",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        results.len() - unmet - skipped,
        out_dir.display()
    );
    let _ = writeln!(
        out,
        "verdict: {}",
        if unmet == 0 {
            "every expectation met".to_string()
        } else if unmet == 1 {
            "1 expectation not met".to_string()
        } else {
            format!("{unmet} expectations not met")
        }
    );
    out
}
