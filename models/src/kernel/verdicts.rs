//! A worker's memo of property conditions, by the encoding numbers of a state's nodes and
//! recorded history (DESIGN.md, "Kernel state encoding").
//!
//! A kernel model's conditions read only the node states, the history, the clock (clocked
//! time) and, for `terminal` properties, whether the state is at rest: the observation is
//! built from those alone (`progress` also needs the state at rest, which the kernel applies
//! after the conditions, [`World`](super::World)'s `evaluate`). Keyed by those, and at rest
//! computed for the key when a property is `terminal`, the conditions can be reused. Many
//! distinct states share their nodes and history and differ only in what is in flight (for
//! two-phase commit at three shards, 115,108 states), so a breadth-first search judging a
//! level meets the same conditions over and over. Interned numbers identify values exactly
//! (one number per value), so a key of numbers compared in full, not a hash, says that two
//! states have the same nodes and history: a hit returns exactly what the conditions would.
//!
//! The memo is direct-mapped (a key's slot is fixed by its hash; a new key replaces the old),
//! so its memory is bounded: [`SLOTS`] keys and their conditions per worker.

/// Slots in a worker's memo (a power of two).
const SLOTS: usize = 4096;

/// Conditions by key: the clock (0 in async time) and whether the state is at rest (0: not
/// read, 1: no, 2: yes), then the node numbers (the model's node count of them), then the
/// numbers of the recorded events.
#[derive(Debug, Default)]
pub(crate) struct Verdicts {
    key: Vec<u32>,
    slot: usize,
    slots: Vec<(Vec<u32>, Vec<bool>)>,
}

impl Verdicts {
    /// Makes `head` (the clock and at rest), `nodes` and `history` the key that
    /// [`Verdicts::get`] and [`Verdicts::put`] use.
    pub(crate) fn set_key(&mut self, head: [u32; 2], nodes: &[u32], history: &[u32]) {
        if self.slots.is_empty() {
            self.slots.resize_with(SLOTS, Default::default);
        }
        self.key.clear();
        self.key.extend_from_slice(&head);
        self.key.extend_from_slice(nodes);
        self.key.extend_from_slice(history);
        // The multiply-rotate of rustc's FxHash (as the interning maps use); the multiply
        // leaves its best-mixed bits at the top.
        let mut h = 0u64;
        for &k in &self.key {
            h = (h.rotate_left(5) ^ u64::from(k)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        self.slot = (h >> 52) as usize & (SLOTS - 1);
    }

    /// The conditions stored under the key, if any (an empty slot never matches: a key
    /// holds at least the clock).
    pub(crate) fn get(&self) -> Option<&[bool]> {
        let (key, conds) = &self.slots[self.slot];
        (*key == self.key).then_some(&conds[..])
    }

    /// Stores `conds` under the key, replacing what the slot held.
    pub(crate) fn put(&mut self, conds: &[bool]) {
        let (key, stored) = &mut self.slots[self.slot];
        key.clone_from(&self.key);
        stored.clear();
        stored.extend_from_slice(conds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_finds_only_its_own_conditions() {
        let mut v = Verdicts::default();
        v.set_key([0, 0], &[1, 2, 3], &[]);
        assert_eq!(v.get(), None);
        v.put(&[true, false]);
        assert_eq!(v.get(), Some(&[true, false][..]));
        v.set_key([1, 0], &[1, 2, 3], &[]);
        assert_eq!(v.get(), None, "another clock is another key");
        // The key does not say where the nodes end: the node count is the model's, and one
        // memo serves one model.
        v.set_key([0, 0], &[1, 2], &[3]);
        assert_eq!(v.get(), Some(&[true, false][..]));
        v.set_key([0, 0], &[1, 2, 4], &[]);
        assert_eq!(v.get(), None);
        v.set_key([0, 0], &[1, 2, 3], &[7]);
        assert_eq!(v.get(), None);
        v.set_key([0, 2], &[1, 2, 3], &[]);
        assert_eq!(v.get(), None, "at rest is part of the key");
    }
}
