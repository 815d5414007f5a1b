//! Reporters: human tables and JSON Lines for `check` and `list`.

pub mod human;
pub mod json;

use serde::Serialize;

use crate::engine::{Report, Status};
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
