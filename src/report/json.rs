//! JSON Lines output.
//!
//! Every line is one object `{"type": TYPE, "data": {...}}`; stdout holds nothing else. The
//! first line of every stream is `begin` and carries `schema_version` ([`SCHEMA_VERSION`]);
//! fields are only added within a version, never renamed or removed.
//!
//! `xshard check` emits, in order:
//!
//! - `begin`: `schema_version`, `command` (`"check"`), `model`, `variant`, `params` (object of
//!   numbers), `kernel` (object or null: `delivery`, `loss`, `replay`, `crashes`, `crash_mode`,
//!   `time`, `delta`, `horizon`), `xshard_version`.
//! - one `property` per property: `name`, `kind` (`always` | `terminal` | `sometimes`),
//!   `status` (`holds` | `violated` | `witnessed` | `unwitnessed` | `inconclusive`), `length`
//!   (number of actions of the counterexample or witness path, or null), `path` (the encoded
//!   action path or null), `explanation` (one sentence, or null).
//! - one `counterexample` per violated property: the whole trace (see
//!   [`crate::trace::Counterexample`]) plus `files`: `json`, `dot` (paths of the written
//!   files) and `svg` (path or null when no SVG was rendered), or null when no files were
//!   written.
//! - `summary`: `model`, `variant`, `params`, `verdict` (`holds` | `violated` |
//!   `inconclusive`), `stopped_by` (null or `max_states` | `max_depth` | `timeout` |
//!   `max_memory` | `interrupted`), `distinct_states`, `generated_states`, `max_depth`,
//!   `elapsed_secs`, `states_per_sec`, `peak_memory_bytes`, `bytes_per_state` (memory the run
//!   added per distinct state, or null), `symmetry` (true: the counts are up to symmetry),
//!   `engine` (`xshard` | `stateright`), `strategy`, `threads`,
//!   `fingerprint_collision_probability` (the birthday bound for the visited set's 63-bit
//!   fingerprints: the chance that some state was taken for another and never explored).
//!
//! `xshard list` emits `begin` (`schema_version`, `command`: `"list"`), then one `model` per
//! model (the registry's `ModelInfo`).

use serde::Serialize;
use serde_json::{json, Value};
use xshard_models::registry::ModelInfo;

use crate::cli::check::CheckRun;
use crate::engine::Status;

/// The version of the JSON Lines schema.
pub const SCHEMA_VERSION: u32 = 1;

/// One JSON line.
pub fn line<T: Serialize>(kind: &str, data: &T) -> String {
    let v = json!({ "type": kind, "data": data });
    format!("{v}\n")
}

/// The `begin` line of a check.
pub fn begin(run: &CheckRun) -> Value {
    let r = &run.resolved;
    json!({
        "schema_version": SCHEMA_VERSION,
        "command": "check",
        "model": r.model,
        "variant": r.variant,
        "params": r.params,
        "kernel": r.kernel,
        "xshard_version": env!("CARGO_PKG_VERSION"),
    })
}

/// The `property` lines of a check.
pub fn properties(run: &CheckRun) -> Vec<Value> {
    run.report
        .properties
        .iter()
        .map(|p| {
            let trace = run.traces.iter().find(|t| t.property == p.name);
            json!({
                "name": p.name,
                "kind": p.kind,
                "status": p.status,
                "length": p.path.as_ref().map(|x| x.len() - 1),
                "path": p.path,
                "explanation": trace.map(|t| t.explanation.clone()),
            })
        })
        .collect()
}

/// The `summary` line of a check.
pub fn summary(run: &CheckRun) -> Value {
    let r = &run.resolved;
    let s = &run.report.stats;
    json!({
        "model": r.model,
        "variant": r.variant,
        "params": r.params,
        "verdict": run.verdict(),
        "stopped_by": run.report.stopped_by,
        "distinct_states": s.distinct_states,
        "generated_states": s.generated_states,
        "max_depth": s.max_depth,
        "elapsed_secs": s.elapsed_secs,
        "states_per_sec": s.states_per_sec(),
        "peak_memory_bytes": s.peak_memory_bytes,
        "bytes_per_state": s.bytes_per_state,
        "symmetry": s.symmetry,
        "engine": s.engine,
        "strategy": s.strategy,
        "threads": s.threads,
        "fingerprint_collision_probability": super::collision_probability(s.distinct_states),
    })
}

/// The whole stream of a check.
pub fn check(run: &CheckRun) -> String {
    let mut out = line("begin", &begin(run));
    for p in properties(run) {
        out.push_str(&line("property", &p));
    }
    for t in &run.traces {
        let failed = run
            .report
            .properties
            .iter()
            .any(|p| p.name == t.property && p.status == Status::Violated);
        if failed {
            let mut data = serde_json::to_value(t).unwrap_or(Value::Null);
            let files = run
                .files
                .iter()
                .find(|f| f.property == t.property)
                .map(|f| json!({ "json": f.json, "dot": f.dot, "svg": f.svg }));
            if let Value::Object(map) = &mut data {
                map.insert("files".to_string(), files.unwrap_or(Value::Null));
            }
            out.push_str(&line("counterexample", &data));
        }
    }
    out.push_str(&line("summary", &summary(run)));
    out
}

/// The stream of `xshard list`.
pub fn list(models: &[ModelInfo]) -> String {
    let mut out = line(
        "begin",
        &json!({ "schema_version": SCHEMA_VERSION, "command": "list" }),
    );
    for m in models {
        out.push_str(&line("model", m));
    }
    out
}
