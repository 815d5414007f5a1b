//! Reporters: human tables and JSON Lines for `check` and `list`.

pub mod human;
pub mod json;

use serde::Serialize;

use crate::engine::{Bound, Report, Status};
use crate::exit;

/// The overall verdict of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Exhaustive search: every invariant holds and every witness was found.
    Holds,
    /// An invariant is violated or a witness is missing.
    Violated,
    /// A bound was hit before anything failed.
    Inconclusive,
}

impl Verdict {
    /// The verdict of an engine report.
    pub fn of(report: &Report) -> Verdict {
        if report.properties.iter().any(|p| p.status.is_failure()) {
            Verdict::Violated
        } else if report.stopped_by.is_some()
            || report
                .properties
                .iter()
                .any(|p| p.status == Status::Inconclusive)
        {
            Verdict::Inconclusive
        } else {
            Verdict::Holds
        }
    }

    /// The exit code for this verdict.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Holds => exit::OK,
            Verdict::Violated => exit::VIOLATED,
            Verdict::Inconclusive => exit::INCONCLUSIVE,
        }
    }

    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Violated => "violated",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// How messages name a bound: the command-line flag that sets it (`--max-states`, from the
/// serde name `max_states`), or `interrupted`, which no flag sets.
pub fn bound_flag(b: Bound) -> String {
    match b {
        Bound::Interrupted => b.as_str().to_string(),
        _ => format!("--{}", b.as_str().replace('_', "-")),
    }
}

/// The chance that two of `distinct` states share a fingerprint, so that one of them was taken
/// for the other and never explored: the visited set keeps 63-bit fingerprints, not states
/// (as TLC and SPIN's hash-compact mode do). With `n` states and `2^63` fingerprints the
/// birthday bound gives about `n(n-1)/2 / 2^63`. It is reported so that a `holds` over a large
/// space states its (tiny) residual doubt, as TLC's "probability of fingerprint collision" does.
pub fn collision_probability(distinct: u64) -> f64 {
    let n = distinct as f64;
    let space = 2f64.powi(crate::engine::fingerprint::BITS as i32);
    (n * (n - 1.0).max(0.0) / 2.0 / space).min(1.0)
}

/// The command line that re-runs a check: `xshard check MODEL --variant V -p k=v ...`.
pub fn rerun_command(r: &xshard_models::Resolved) -> String {
    use xshard_models::kernel::{CrashMode, Delivery, TimeMode};
    let mut cmd = format!("xshard check {} --variant {}", r.model, r.variant);
    for (k, v) in &r.params {
        cmd.push_str(&format!(" -p {k}={v}"));
    }
    if let Some(k) = r.kernel {
        let net = match k.delivery {
            Delivery::Ordered => "ordered",
            Delivery::Unordered => "unordered",
        };
        cmd.push_str(&format!(
            " --network {net} --loss {} --replay {} --crashes {}",
            k.loss, k.replay, k.crashes
        ));
        if k.crash_mode == CrashMode::Recover {
            cmd.push_str(" --crash-mode recover");
        }
        if k.time == TimeMode::Clocked {
            cmd.push_str(&format!(
                " --time clocked --delta {} --horizon {}",
                k.delta, k.horizon
            ));
        }
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::{bound_flag, collision_probability};
    use crate::engine::Bound;

    #[test]
    fn bounds_are_named_by_their_flags() {
        let names = [
            (Bound::MaxStates, "--max-states"),
            (Bound::MaxDepth, "--max-depth"),
            (Bound::Timeout, "--timeout"),
            (Bound::MaxMemory, "--max-memory"),
            (Bound::Interrupted, "interrupted"),
        ];
        for (b, flag) in names {
            assert_eq!(bound_flag(b), flag);
        }
    }

    #[test]
    fn collision_probability_follows_the_birthday_bound() {
        assert_eq!(collision_probability(0), 0.0);
        assert_eq!(collision_probability(1), 0.0);
        // TwoPhase with 9 RMs: 10,340,352 states -> about 5.8e-6.
        let p = collision_probability(10_340_352);
        assert!((5.7e-6..5.9e-6).contains(&p), "{p}");
        assert_eq!(collision_probability(u64::MAX), 1.0);
    }
}
