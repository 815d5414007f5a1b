//! The gate's JSON Lines, in the envelope of `xshard check` ([`crate::output::json`]): every
//! line is `{"type": TYPE, "data": {...}}`, the first is `begin` with `schema_version`.
//!
//! - `begin`: `schema_version`, `command` (`"gate"`), `file` (the suite), `checks` (how many),
//!   `xshard_version`.
//! - one `check` per check, in file order, as each finishes: `name`, `line` (of its
//!   `[[check]]`), `model`, `variant`, `params`, `kernel` (object or null), `expect` (`"holds"`
//!   or `{"violates": [...]}`), `allow_inconclusive`, `result` (e.g. `"violates atomicity"`),
//!   `outcome` (`met` | `unmet` | `skipped`), `met` (bool; a skip allowed by the check is met),
//!   `failed` (the properties violated or unwitnessed), `stopped_by` (null or the bound),
//!   `properties` (each `name`, `status`, `expected` (`holds` | `fails`), `outcome`, `detail`,
//!   `counterexample` (null or `{json, dot, svg}`)), `distinct_states`, `generated_states`,
//!   `elapsed_secs`, `counterexample_files` (every file written), `message` (for an unmet
//!   expectation: one line ending with the command that reproduces it, else null),
//!   `reproduce` (that command).
//! - `summary`: `file`, `checks`, `met`, `unmet`, `skipped`, `verdict` (`met` | `unmet`),
//!   `exit_code`, `elapsed_secs`, `out` (the counterexample directory), `junit` (path or null).

use std::path::Path;

use serde_json::{json, Value};

use super::SCHEMA_VERSION;
use crate::gate::{CheckResult, Outcome};
use crate::gate::{CheckSpec, Expectation, Suite};

/// The `begin` line's data.
pub fn begin(suite: &Suite) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "command": "gate",
        "file": suite.path.display().to_string(),
        "checks": suite.checks.len(),
        "xshard_version": env!("CARGO_PKG_VERSION"),
    })
}

/// A `check` line's data.
pub fn check(spec: &CheckSpec, r: &CheckResult) -> Value {
    let resolved = &r.run.resolved;
    let stats = &r.run.stats;
    let expect = match &spec.expect {
        Expectation::Holds => json!("holds"),
        Expectation::Violates(ps) => json!({ "violates": ps }),
    };
    let properties: Vec<Value> = r
        .cases
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "status": c.status,
                "expected": if c.expected_failure { "fails" } else { "holds" },
                "outcome": c.outcome,
                "detail": c.detail,
                "counterexample": c.files.as_ref().map(|f| json!({
                    "json": f.json,
                    "dot": f.dot,
                    "svg": f.svg,
                })),
            })
        })
        .collect();
    json!({
        "name": spec.name,
        "line": spec.line,
        "model": resolved.model,
        "variant": resolved.variant,
        "params": resolved.params,
        "kernel": resolved.kernel,
        "expect": expect,
        "allow_inconclusive": spec.allow_inconclusive,
        "result": r.result(),
        "outcome": r.outcome,
        "met": r.met(),
        "failed": r.failed,
        "stopped_by": r.stopped_by,
        "properties": properties,
        "distinct_states": stats.distinct_states,
        "generated_states": stats.generated_states,
        "elapsed_secs": r.elapsed_secs,
        "counterexample_files": r.files(),
        "message": r.message(spec),
        "reproduce": r.rerun,
    })
}

/// The `summary` line's data.
pub fn summary(
    suite: &Suite,
    results: &[CheckResult],
    exit_code: u8,
    elapsed_secs: f64,
    out: &Path,
    junit: Option<&Path>,
) -> Value {
    let count = |o| results.iter().filter(|r| r.outcome == o).count();
    let unmet = count(Outcome::Unmet);
    json!({
        "file": suite.path.display().to_string(),
        "checks": results.len(),
        "met": count(Outcome::Met),
        "unmet": unmet,
        "skipped": count(Outcome::Skipped),
        "verdict": if unmet == 0 { "met" } else { "unmet" },
        "exit_code": exit_code,
        "elapsed_secs": elapsed_secs,
        "out": out,
        "junit": junit,
    })
}
