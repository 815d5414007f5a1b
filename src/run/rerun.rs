//! The command that re-runs a check, which every failure message ends with.

use xshard_models::Resolved;

/// `PROGRAM check MODEL --variant V -p k=v ... [kernel settings]`: re-runs the check that
/// produced `r` with the binary `program`. The kernel settings come from the settings table:
/// every setting that applies, as its flag, except a value the table marks as left out
/// (`--crash-mode stop`, `--time async`), so the commands stay as short as they always were.
pub fn rerun_command(program: &str, r: &Resolved) -> String {
    let mut cmd = format!("{program} check {} --variant {}", r.model, r.variant);
    for (k, v) in &r.params {
        cmd.push_str(&format!(" -p {k}={v}"));
    }
    if let Some(k) = r.kernel {
        for (s, v) in k.settings() {
            if s.rerun_omits != Some(v.as_str()) {
                cmd.push_str(&format!(" --{} {v}", s.flag()));
            }
        }
    }
    cmd
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use clap::Parser;
    use xshard_models::kernel::{CrashMode, Delivery, KernelConfig, TimeMode, SETTINGS};
    use xshard_models::Resolved;

    use super::rerun_command;
    use crate::cli::{Cli, Command};

    fn resolved(kernel: KernelConfig) -> Resolved {
        Resolved {
            model: "two-phase-commit",
            variant: "default",
            params: BTreeMap::from([("shards".to_string(), 2)]),
            kernel: Some(kernel),
        }
    }

    /// Configurations that between them give every setting a value other than the default.
    fn configs() -> Vec<KernelConfig> {
        vec![
            KernelConfig::default(),
            KernelConfig {
                loss: 1,
                ..KernelConfig::default()
            },
            KernelConfig {
                delivery: Delivery::Ordered,
                loss: 2,
                replay: 3,
                crashes: 1,
                crash_mode: CrashMode::Recover,
                time: TimeMode::Clocked,
                delta: 3,
                horizon: 9,
            },
        ]
    }

    #[test]
    fn the_command_is_as_it_always_was() {
        assert_eq!(
            rerun_command("xshard", &resolved(configs()[1])),
            "xshard check two-phase-commit --variant default -p shards=2 --network unordered --loss 1 --replay 0 --crashes 0"
        );
        assert_eq!(
            rerun_command("xshard", &resolved(configs()[2])),
            "xshard check two-phase-commit --variant default -p shards=2 --network ordered --loss 2 --replay 3 --crashes 1 --crash-mode recover --time clocked --delta 3 --horizon 9"
        );
    }

    #[test]
    fn the_command_parses_back_to_the_same_configuration() {
        for k in configs() {
            let cmd = rerun_command("xshard", &resolved(k));
            let cli = Cli::try_parse_from(cmd.split(' ')).expect(&cmd);
            let Command::Check(a) = cli.command else {
                panic!("{cmd}: not check");
            };
            // From the kernel's defaults, as the model's defaults would be.
            assert_eq!(
                a.kernel.overrides().apply(KernelConfig::default()),
                Ok(k),
                "{cmd}"
            );
            if k.clocked() {
                for s in SETTINGS {
                    assert!(
                        a.kernel.overrides().get(s.name).is_some()
                            || s.rerun_omits == Some((s.get)(&k).as_str()),
                        "{cmd}: {} missing",
                        s.name
                    );
                }
            }
        }
    }
}
