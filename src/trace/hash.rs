//! The stable hash that names counterexample files.
//!
//! File names must be the same on every machine and every Rust release, so the hash is
//! 64-bit FNV-1a implemented here (std's `DefaultHasher` is explicitly not stable across
//! releases) over a canonical text of the fields that identify a bug: model, variant,
//! parameters, kernel configuration, property and action path.

use super::Counterexample;

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// The canonical text the file hash covers. Fields are separated by a byte that no name or
/// number contains, so different field splits cannot give the same text.
pub fn identity(t: &Counterexample) -> String {
    let params: Vec<String> = t.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let kernel = t
        .kernel
        .map(|k| {
            let mut text = format!(
                "{:?}/loss={}/replay={}/crashes={}/{:?}/{:?}/delta={}/horizon={}",
                k.delivery, k.loss, k.replay, k.crashes, k.crash_mode, k.time, k.delta, k.horizon
            );
            // Only when set, so the names of files from before partitions existed stand.
            if k.partitions > 0 {
                text.push_str(&format!("/partitions={}", k.partitions));
            }
            text
        })
        .unwrap_or_default();
    let path: Vec<String> = t.path.iter().map(usize::to_string).collect();
    [
        t.model.as_str(),
        t.variant.as_str(),
        &params.join(","),
        &kernel,
        t.property.as_str(),
        &path.join(","),
    ]
    .join("\u{1f}")
}

/// The 12 hex digits (48 bits) of the file hash of `t`.
pub fn file_hash(t: &Counterexample) -> String {
    format!("{:012x}", fnv1a(identity(t).as_bytes()) >> 16)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use xshard_properties::Kind;

    use super::{file_hash, fnv1a, identity};
    use crate::trace::{Counterexample, SCHEMA_VERSION};

    fn sample() -> Counterexample {
        Counterexample {
            schema_version: SCHEMA_VERSION,
            xshard_version: "0.1.0".into(),
            model: "tla-two-phase".into(),
            variant: "forged-vote".into(),
            params: BTreeMap::from([("rms".to_string(), 3)]),
            kernel: None,
            property: "atomicity".into(),
            kind: Kind::Always,
            path: vec![0, 4, 1, 2],
            nodes: Vec::new(),
            steps: Vec::new(),
            outcomes: Vec::new(),
            explanation: String::new(),
        }
    }

    #[test]
    fn the_file_hash_is_pinned() {
        // File names are an interface (committed reference files, CI artefacts): this value
        // must never change for the same counterexample.
        let t = sample();
        assert_eq!(
            identity(&t),
            "tla-two-phase\u{1f}forged-vote\u{1f}rms=3\u{1f}\u{1f}atomicity\u{1f}0,4,1,2"
        );
        assert_eq!(
            file_hash(&t),
            format!("{:012x}", fnv1a(identity(&t).as_bytes()) >> 16)
        );
        assert_eq!(file_hash(&t), "9442a91c7cfc");
    }

    #[test]
    fn the_hash_covers_every_identifying_field_and_nothing_else() {
        let base = file_hash(&sample());
        let mut t = sample();
        t.explanation = "anything".into();
        t.xshard_version = "9.9.9".into();
        assert_eq!(file_hash(&t), base, "descriptions do not name the file");
        for change in [
            |t: &mut Counterexample| t.model = "x".into(),
            |t: &mut Counterexample| t.variant = "x".into(),
            |t: &mut Counterexample| {
                t.params.insert("rms".into(), 4);
            },
            |t: &mut Counterexample| t.property = "x".into(),
            |t: &mut Counterexample| t.path.push(0),
            |t: &mut Counterexample| {
                t.kernel = Some(xshard_models::kernel::KernelConfig {
                    delivery: xshard_models::kernel::Delivery::Ordered,
                    loss: 0,
                    replay: 0,
                    crashes: 0,
                    crash_mode: xshard_models::kernel::CrashMode::Stop,
                    time: xshard_models::kernel::TimeMode::Async,
                    delta: 1,
                    horizon: 1,
                    ..xshard_models::kernel::KernelConfig::default()
                })
            },
        ] {
            let mut t = sample();
            change(&mut t);
            assert_ne!(file_hash(&t), base);
        }
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference test suite (Landon Curt Noll).
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
