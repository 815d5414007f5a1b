//! Settings that can have no effect on a model are refused, or noted where they are
//! legitimately a no-op: a report headed "crashes 1" over the same states as "crashes 0" says
//! something was checked that never was. The kernel states what it knows of a built model
//! ([`Reach`]: which nodes may crash, whether any message can be sent); this turns it into a
//! [`ConfigError::NoEffect`] for every model, built-in or a user's, before anything is
//! explored. Setting names come from the settings table, so messages spell them as suite
//! keys do and the command line maps them to its flags.

use xshard_models::kernel::{settings, CrashMode, KernelConfig, Reach};
use xshard_models::ConfigError;

/// The most nodes a partition budget is accepted for: every state with the budget left
/// offers 2^(n-1) - 1 cuts.
const MAX_PARTITION_NODES: usize = 12;

/// The setting called `name` in the settings table (names here are fixed, so a missing one is
/// a bug this module's tests catch).
fn name(n: &str) -> &'static str {
    settings::setting(n).map_or("?", |s| s.name)
}

/// Refuses a setting of `k` that can have no effect on `model`; returns a note for each
/// setting that is legitimately a no-op (a combination the user may give on purpose, such as
/// a crash mode with no crash budget).
pub(crate) fn judge(
    model: &str,
    k: &KernelConfig,
    reach: &Reach,
) -> Result<Vec<String>, ConfigError> {
    let no_effect = |setting: &str, reason: &str| ConfigError::NoEffect {
        setting: name(setting),
        model: model.to_string(),
        reason: reason.to_string(),
        valid: "0".to_string(),
    };
    if k.crashes > 0 && reach.crashable.is_empty() {
        return Err(no_effect("crashes", "none of its nodes can crash"));
    }
    if !reach.sends {
        if k.loss > 0 {
            return Err(no_effect("loss", "it never sends a message"));
        }
        if k.replay > 0 {
            return Err(no_effect("replay", "it never sends a message"));
        }
        if k.partitions > 0 {
            return Err(no_effect("partitions", "it never sends a message"));
        }
    }
    if k.partitions > 0 && reach.nodes < 2 {
        return Err(no_effect("partitions", "it has fewer than two nodes"));
    }
    if k.partitions > 0 && reach.nodes > MAX_PARTITION_NODES {
        return Err(ConfigError::KernelValue {
            setting: name("partitions"),
            value: k.partitions.to_string(),
            expected: format!(
                "0: a partition splits the nodes every way (2^(n-1) - 1 cuts), and model \
                 '{model}' has {} nodes, more than {MAX_PARTITION_NODES}",
                reach.nodes
            ),
        });
    }
    let mut notes = Vec::new();
    if k.crash_mode == CrashMode::Recover && k.crashes == 0 {
        notes.push(format!(
            "{} {} has no effect on model '{model}': {} is 0, so no node ever crashes",
            settings::setting("crash_mode").map_or("crash-mode".into(), |s| s.flag()),
            k.crash_mode,
            name("crashes"),
        ));
    }
    Ok(notes)
}

/// The error for `--symmetry` (an engine setting) on a model that declares no interchangeable
/// nodes: the reduced count would be the full count.
pub(crate) fn no_symmetry(model: &str) -> ConfigError {
    ConfigError::NoEffect {
        setting: "symmetry",
        model: model.to_string(),
        reason: "it declares no interchangeable nodes".to_string(),
        valid: "off".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(crashable: &[&str], sends: bool) -> Reach {
        let mut r = Reach::default();
        r.crashable = crashable.iter().map(|s| (*s).to_string()).collect();
        r.sends = sends;
        r.nodes = 3;
        r
    }

    #[test]
    fn names_exist_in_the_settings_table() {
        for n in ["crashes", "loss", "replay", "crash_mode", "partitions"] {
            assert_eq!(name(n), n);
        }
    }

    #[test]
    fn refuses_what_cannot_happen_and_notes_what_is_a_no_op() {
        let k = |crashes, loss, replay, crash_mode| KernelConfig {
            crashes,
            loss,
            replay,
            crash_mode,
            ..KernelConfig::default()
        };
        let err = |c| judge("m", &c, &reach(&[], false)).map_err(|e| e.to_string());
        assert_eq!(
            err(k(1, 0, 0, CrashMode::Stop)),
            Err(
                "crashes has no effect on model 'm': none of its nodes can crash (valid: 0)".into()
            )
        );
        assert_eq!(
            err(k(0, 1, 0, CrashMode::Stop)),
            Err("loss has no effect on model 'm': it never sends a message (valid: 0)".into())
        );
        assert_eq!(
            err(k(0, 0, 2, CrashMode::Stop)),
            Err("replay has no effect on model 'm': it never sends a message (valid: 0)".into())
        );
        assert_eq!(err(k(0, 0, 0, CrashMode::Stop)), Ok(vec![]));
        assert_eq!(
            err(k(0, 0, 0, CrashMode::Recover)),
            Ok(vec![
                "crash-mode recover has no effect on model 'm': crashes is 0, so no node ever crashes"
                    .into()
            ])
        );
        let live = reach(&["a"], true);
        assert_eq!(
            judge("m", &k(1, 1, 1, CrashMode::Recover), &live),
            Ok(vec![])
        );
        let split = KernelConfig {
            partitions: 1,
            ..KernelConfig::default()
        };
        assert_eq!(
            err(split),
            Err(
                "partitions has no effect on model 'm': it never sends a message (valid: 0)".into()
            )
        );
        assert_eq!(judge("m", &split, &live), Ok(vec![]));
        let mut alone = live.clone();
        alone.nodes = 1;
        assert_eq!(
            judge("m", &split, &alone).map_err(|e| e.to_string()),
            Err(
                "partitions has no effect on model 'm': it has fewer than two nodes (valid: 0)"
                    .into()
            )
        );
        let mut crowd = live;
        crowd.nodes = 13;
        assert!(judge("m", &split, &crowd)
            .map_err(|e| e.to_string())
            .expect_err("13 nodes are too many")
            .contains("model 'm' has 13 nodes, more than 12"));
    }
}
