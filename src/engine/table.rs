//! The visited set: an open-addressing table of 64-bit fingerprints, written for this engine.
//!
//! - Linear probing from the slot named by the fingerprint's top bits; 0 is the empty slot
//!   (fingerprints are never 0, see [`super::fingerprint`]).
//! - Lock-free: slots are `AtomicU64`s, a new fingerprint is published by a compare-and-swap,
//!   so any number of workers insert concurrently through `&FpTable`. A single worker uses
//!   plain loads and stores (`insert::<false>`), which compile to ordinary moves.
//! - Growth doubles the capacity between the engine's phases (no worker holds the table then).
//!   The table is split into segments (at most 8 MiB each) and growth frees each old segment as
//!   soon as its entries have moved and allocates new segments only when first written, so
//!   resident memory during growth stays close to the size of the new table instead of old +
//!   new: the top-bits placement keeps entries in the same relative order at every size.
//! - An optional auxiliary word per slot (`aux`), used by parallel BFS for the claim of a
//!   state discovered in the current level and by depth-bounded DFS for the smallest depth at
//!   which a state was reached. It sits next to its slot (entries of two words), so reading it
//!   after a probe costs no second cache miss.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::fingerprint::FLAG;

/// The smallest capacity, as a power of two.
const MIN_BITS: u32 = 16;
/// The largest segment, as a power of two (2²⁰ slots: 8 MiB of fingerprints).
const SEG_BITS_MAX: u32 = 20;

/// What an insertion found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Insert {
    /// The fingerprint was absent and is now stored, at this slot.
    New(usize),
    /// The fingerprint was already stored, at this slot; `flagged` if it carries [`FLAG`].
    Present { slot: usize, flagged: bool },
}

type Segment = Box<[AtomicU64]>;

/// A fingerprint set (see the module documentation).
#[derive(Debug)]
pub(crate) struct FpTable {
    /// Segments of `2^seg_bits` entries of `stride` words: the fingerprint, then the aux word.
    segs: Vec<Segment>,
    stride: usize,
    /// The value an unused `aux` word holds.
    aux_fill: u64,
    bits: u32,
    seg_bits: u32,
}

/// A segment of `len` entries of `stride` words.
fn entries(len: usize, stride: usize, aux_fill: u64) -> Segment {
    (0..len * stride)
        .map(|k| AtomicU64::new(if k % stride == 1 { aux_fill } else { 0 }))
        .collect()
}

impl FpTable {
    /// An empty table of at least `2^MIN_BITS` slots; with an `aux` word per slot (initialised
    /// to `aux_fill`) if `aux_fill` is given.
    pub fn new(aux_fill: Option<u64>) -> Self {
        let bits = MIN_BITS;
        let seg_bits = bits.min(SEG_BITS_MAX);
        let nsegs = 1usize << (bits - seg_bits);
        let seg_len = 1usize << seg_bits;
        let stride = if aux_fill.is_some() { 2 } else { 1 };
        let fill = aux_fill.unwrap_or(0);
        FpTable {
            segs: (0..nsegs).map(|_| entries(seg_len, stride, fill)).collect(),
            stride,
            aux_fill: fill,
            bits,
            seg_bits,
        }
    }

    /// The number of slots.
    pub fn capacity(&self) -> usize {
        1usize << self.bits
    }

    /// The number of entries above which the table should grow (a load factor of 3/4).
    pub fn grow_at(&self) -> usize {
        self.capacity() / 4 * 3
    }

    /// Bytes held by the table (slots and aux words).
    pub fn bytes(&self) -> u64 {
        (self.capacity() * self.stride * 8) as u64
    }

    /// Bytes the table will hold after one doubling.
    pub fn bytes_after_growth(&self) -> u64 {
        self.bytes() * 2
    }

    #[inline(always)]
    fn slot(&self, i: usize) -> &AtomicU64 {
        &self.segs[i >> self.seg_bits][(i & ((1 << self.seg_bits) - 1)) * self.stride]
    }

    /// The aux word of slot `i` (the table must have been created with aux words).
    #[inline(always)]
    pub fn aux(&self, i: usize) -> &AtomicU64 {
        &self.segs[i >> self.seg_bits][(i & ((1 << self.seg_bits) - 1)) * self.stride + 1]
    }

    #[inline(always)]
    fn home(&self, fp: u64) -> usize {
        (fp >> (64 - self.bits)) as usize
    }

    /// Loads the home slots of `fps`, so that their cache misses overlap: a tight loop of
    /// independent loads lets the processor have all of them in flight at once (stable Rust
    /// has no safe prefetch instruction).
    #[inline(always)]
    pub fn touch_all(&self, fps: impl Iterator<Item = u64>) {
        let mut acc = 0u64;
        for fp in fps {
            acc ^= self.slot(self.home(fp)).load(Relaxed);
        }
        std::hint::black_box(acc);
    }

    /// Inserts `fp` (stored as `fp | flag`); `CONCURRENT` selects compare-and-swap publication.
    ///
    /// The caller keeps the load below the capacity (see [`FpTable::grow_at`]).
    #[inline(always)]
    pub fn insert<const CONCURRENT: bool>(&self, fp: u64, flag: u64) -> Insert {
        let mask = self.capacity() - 1;
        let mut i = self.home(fp);
        loop {
            let s = self.slot(i);
            let mut v = s.load(Relaxed);
            if v == 0 {
                if !CONCURRENT {
                    s.store(fp | flag, Relaxed);
                    return Insert::New(i);
                }
                match s.compare_exchange(0, fp | flag, Relaxed, Relaxed) {
                    Ok(_) => return Insert::New(i),
                    Err(now) => v = now,
                }
            }
            if v & !FLAG == fp {
                return Insert::Present {
                    slot: i,
                    flagged: v & FLAG != 0,
                };
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot holding `fp`, if any.
    #[inline]
    pub fn find(&self, fp: u64) -> Option<usize> {
        let mask = self.capacity() - 1;
        let mut i = self.home(fp);
        loop {
            let v = self.slot(i).load(Relaxed);
            if v == 0 {
                return None;
            }
            if v & !FLAG == fp {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Whether `fp` is stored.
    #[inline]
    pub fn contains(&self, fp: u64) -> bool {
        self.find(fp).is_some()
    }

    /// Doubles the capacity, keeping every entry, its flag and its aux word.
    pub fn grow(&mut self) {
        let old_bits = self.bits;
        let bits = old_bits + 1;
        let seg_bits = bits.min(SEG_BITS_MAX);
        let nsegs = 1usize << (bits - seg_bits);
        let stride = self.stride;
        let mut new = Grown {
            segs: (0..nsegs).map(|_| None).collect(),
            stride,
            aux_fill: self.aux_fill,
            bits,
            seg_bits,
        };
        let old_segs = std::mem::take(&mut self.segs);
        let old_seg_bits = self.seg_bits;
        // Entries at the start of the old table whose home is near its end wrapped around;
        // they go in last, once every segment they may probe into exists.
        let mut wrapped: Vec<(u64, u64)> = Vec::new();
        for (si, seg) in old_segs.into_iter().enumerate() {
            for (j, e) in seg.chunks_exact(stride).enumerate() {
                let v = e[0].load(Relaxed);
                if v == 0 {
                    continue;
                }
                let a = if stride > 1 { e[1].load(Relaxed) } else { 0 };
                let pos = (si << old_seg_bits) | j;
                let home = ((v & !FLAG) >> (64 - old_bits)) as usize;
                if home > pos {
                    wrapped.push((v, a));
                } else {
                    new.put(v, a);
                }
            }
            // `seg` is dropped here: its memory is returned before the next segment's entries
            // move.
        }
        for (v, a) in wrapped {
            new.put(v, a);
        }
        let seg_len = 1usize << seg_bits;
        let fill = self.aux_fill;
        self.segs = new
            .segs
            .into_iter()
            .map(|s| s.unwrap_or_else(|| entries(seg_len, stride, fill)))
            .collect();
        self.bits = bits;
        self.seg_bits = seg_bits;
    }

    /// Calls `f` on every stored fingerprint value (flag included) and its aux word.
    #[cfg(test)]
    pub fn for_each(&self, mut f: impl FnMut(u64)) {
        for seg in &self.segs {
            for e in seg.chunks_exact(self.stride) {
                let v = e[0].load(Relaxed);
                if v != 0 {
                    f(v);
                }
            }
        }
    }
}

/// A table under construction by [`FpTable::grow`]: segments appear when first written.
struct Grown {
    segs: Vec<Option<Segment>>,
    stride: usize,
    aux_fill: u64,
    bits: u32,
    seg_bits: u32,
}

impl Grown {
    fn put(&mut self, v: u64, aux: u64) {
        let mask = (1usize << self.bits) - 1;
        let seg_mask = (1usize << self.seg_bits) - 1;
        let seg_len = 1usize << self.seg_bits;
        let (stride, fill) = (self.stride, self.aux_fill);
        let mut i = ((v & !FLAG) >> (64 - self.bits)) as usize;
        loop {
            let seg =
                self.segs[i >> self.seg_bits].get_or_insert_with(|| entries(seg_len, stride, fill));
            let k = (i & seg_mask) * stride;
            if seg[k].load(Relaxed) == 0 {
                seg[k].store(v, Relaxed);
                if stride > 1 {
                    seg[k + 1].store(aux, Relaxed);
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fingerprint::fingerprint;

    #[test]
    fn insert_find_grow() {
        let mut t = FpTable::new(None);
        let fps: Vec<u64> = (0u64..300_000).map(|i| fingerprint(&i)).collect();
        for (n, &fp) in fps.iter().enumerate() {
            if n >= t.grow_at() {
                t.grow();
            }
            assert!(matches!(t.insert::<false>(fp, 0), Insert::New(_)));
        }
        assert!(t.capacity() >= 400_000);
        for &fp in &fps {
            assert!(matches!(
                t.insert::<true>(fp, 0),
                Insert::Present { flagged: false, .. }
            ));
            assert!(t.contains(fp));
        }
        assert!(!t.contains(fingerprint(&u64::MAX)));
        let mut count = 0;
        t.for_each(|_| count += 1);
        assert_eq!(count, fps.len());
    }

    #[test]
    fn grow_keeps_flags_and_aux() {
        let mut t = FpTable::new(Some(u64::MAX));
        let fps: Vec<u64> = (0u64..40_000).map(|i| fingerprint(&i)).collect();
        for (k, &fp) in fps.iter().enumerate() {
            let flag = (k % 2) as u64;
            if let Insert::New(i) = t.insert::<true>(fp, flag) {
                t.aux(i).store(k as u64, Relaxed);
            }
        }
        t.grow();
        t.grow();
        for (k, &fp) in fps.iter().enumerate() {
            match t.insert::<true>(fp, 0) {
                Insert::Present { slot, flagged } => {
                    assert_eq!(flagged, k % 2 == 1);
                    assert_eq!(t.aux(slot).load(Relaxed), k as u64);
                }
                Insert::New(_) => panic!("lost {k}"),
            }
        }
        // Fresh slots get the fill value.
        let fp = fingerprint(&"fresh");
        if let Insert::New(i) = t.insert::<true>(fp, 0) {
            assert_eq!(t.aux(i).load(Relaxed), u64::MAX);
        }
    }

    #[test]
    fn concurrent_inserts_agree() {
        let t = FpTable::new(None);
        let fps: Vec<u64> = (0u64..40_000).map(|i| fingerprint(&i)).collect();
        let news: Vec<usize> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        fps.iter()
                            .filter(|&&fp| matches!(t.insert::<true>(fp, 0), Insert::New(_)))
                            .count()
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap_or(0)).collect()
        });
        assert_eq!(news.iter().sum::<usize>(), fps.len());
    }
}
