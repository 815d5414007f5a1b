//! The command that re-runs a check, which every failure message ends with.

use xshard_models::kernel::KernelConfig;
use xshard_models::Resolved;

use crate::engine::Bound;

/// `PROGRAM check MODEL --variant V -p k=v ... [kernel settings]`: re-runs the check that
/// produced `r` with the binary `program`. The kernel settings come from the settings table:
/// every setting that applies, as its flag, except a value the table marks as left out
/// (`--crash-mode stop`, `--time async`) when it is also the model's default (`defaults`), so
/// the commands stay short and still reproduce the check exactly: a clocked model checked in
/// async time gets its `--time async`.
pub fn rerun_command(program: &str, r: &Resolved, defaults: Option<&KernelConfig>) -> String {
    command_line(program, "check", r, defaults)
}

/// [`rerun_command`] for subcommand `sub` (`check`, `fuzz`), which take the same model, variant,
/// parameters and kernel settings.
pub fn command_line(
    program: &str,
    sub: &str,
    r: &Resolved,
    defaults: Option<&KernelConfig>,
) -> String {
    let mut cmd = format!("{program} {sub} {} --variant {}", r.model, r.variant);
    for (k, v) in &r.params {
        cmd.push_str(&format!(" -p {k}={v}"));
    }
    if let Some(k) = r.kernel {
        let default_of = |name: &str| {
            defaults.and_then(|d| d.settings().find(|(s, _)| s.name == name).map(|(_, v)| v))
        };
        for (s, v) in k.settings() {
            let omit = s.rerun_omits == Some(v.as_str()) && default_of(s.name).as_ref() == Some(&v);
            if !omit {
                cmd.push_str(&format!(" --{} {v}", s.flag()));
            }
        }
    }
    cmd
}

/// How a bound is named in messages: the option that sets it (`--max-states`, derived from
/// the bound's name), or `interrupted`.
pub fn bound_text(b: Bound) -> String {
    match b {
        Bound::Interrupted => b.as_str().to_string(),
        Bound::Horizon => "the horizon (--horizon)".to_string(),
        Bound::CopyCap => "the copy cap (--copies)".to_string(),
        _ => format!("--{}", b.as_str().replace('_', "-")),
    }
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
            implicit: BTreeMap::new(),
            kernel: Some(kernel),
            horizon_explicit: false,
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
                ..KernelConfig::default()
            },
        ]
    }

    #[test]
    fn a_left_out_value_is_written_when_the_model_defaults_otherwise() {
        // A clocked model (train-hotel, yanking) checked in async time: `--time async` must be
        // in the command, or re-running it would check the clocked default.
        let clocked = KernelConfig {
            time: TimeMode::Clocked,
            ..KernelConfig::default()
        };
        let cmd = rerun_command("xshard", &resolved(KernelConfig::default()), Some(&clocked));
        assert!(cmd.ends_with(" --time async"), "{cmd}");
        let recover = KernelConfig {
            crash_mode: CrashMode::Recover,
            ..KernelConfig::default()
        };
        let cmd = rerun_command("xshard", &resolved(KernelConfig::default()), Some(&recover));
        assert!(cmd.ends_with(" --crash-mode stop"), "{cmd}");
    }

    #[test]
    fn the_command_is_as_it_always_was() {
        assert_eq!(
            rerun_command("xshard", &resolved(configs()[1]), Some(&KernelConfig::default())),
            "xshard check two-phase-commit --variant default -p shards=2 --network unordered --loss 1 --replay 0 --crashes 0"
        );
        assert_eq!(
            rerun_command("xshard", &resolved(configs()[2]), Some(&KernelConfig::default())),
            "xshard check two-phase-commit --variant default -p shards=2 --network ordered --loss 2 --replay 3 --crashes 1 --crash-mode recover --time clocked --delta 3 --horizon 9"
        );
    }

    #[test]
    fn the_command_parses_back_to_the_same_configuration() {
        for k in configs() {
            let cmd = rerun_command("xshard", &resolved(k), Some(&KernelConfig::default()));
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
