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
            format!(
                "{:?}/loss={}/replay={}/crashes={}/{:?}/{:?}/delta={}/horizon={}",
                k.delivery, k.loss, k.replay, k.crashes, k.crash_mode, k.time, k.delta, k.horizon
            )
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
    use super::fnv1a;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference test suite (Landon Curt Noll).
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
