//! The command that re-runs a check, which every failure message ends with.

use xshard_models::kernel::{CrashMode, Delivery, TimeMode};

use crate::engine::Bound;
use xshard_models::Resolved;

/// `PROGRAM check MODEL --variant V -p k=v ... [kernel settings]`: re-runs the check that
/// produced `r` with the binary `program`.
pub fn rerun_command(program: &str, r: &Resolved) -> String {
    let mut cmd = format!("{program} check {} --variant {}", r.model, r.variant);
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

/// How a bound is named in messages: the option that sets it (`--max-states`, derived from
/// the bound's name), or `interrupted`.
pub fn bound_text(b: Bound) -> String {
    match b {
        Bound::Interrupted => b.as_str().to_string(),
        _ => format!("--{}", b.as_str().replace('_', "-")),
    }
}
