//! The kernel's compact state encoding: a world state as a flat byte string, for the engine to
//! fingerprint and store (DESIGN.md, "Kernel state encoding").
//!
//! Protocol values (node states, messages, timers, recorded events) are *interned*: each
//! distinct value gets a number, in order of first appearance, from a table the run's threads
//! share, and a state is encoded as those numbers plus the kernel's own fields, every number a
//! LEB128 varint (one byte below 128). This is SPIN's collapse compression: a protocol keeps
//! ordinary Rust types (`Clone + Hash + Eq` suffice, which `Protocol` already asks for), and a
//! two-phase-commit state of 5 nodes and a handful of messages packs into about 30 bytes.
//!
//! Layout, in this order: `now`, `down`, the four fault budgets and `capped` as one number,
//! the cut in force (only when a partition budget is configured),
//! each node's number (the node count is the model's), then `net`, `timers`, `sent` and
//! `history`, each as its length and its entries; an envelope is sender and receiver (one byte
//! for both with at most 16 nodes, else one each), the message's number and, in clocked time
//! only, its deadline; a timer is its node, its number and (clocked) its deadline; a `sent`
//! entry is sender, receiver and message number. The collections are already sorted in the state, so equal states have equal
//! encodings, and the encoding is injective (every list carries its length).
//!
//! Interning costs one hash-table look-up per value, and a successor differs from its parent
//! in one node and a few entries, so the kernel avoids looking up the rest. `unpack` records
//! the numbers of the state it decodes ([`Ids`]); `next_into` copies them for the successor
//! and keeps them aligned with every change the step makes (an entry removed, inserted as
//! [`NEW`], the acting node marked [`NEW`]); `pack` of that successor then writes the known
//! numbers and resolves only the `NEW` ones: a node equal to the parent's keeps its number,
//! anything else goes through a worker's memo of recent values (compared by `Eq`), its own
//! map, and the shared table (behind a lock) only for a value it has never seen. Any other
//! state is packed the general way, value by value through the same memo; debug builds check
//! that both ways agree. Decoding reads a worker's copy of the value table, refreshed
//! from the shared one when it meets a newer number. Numbers depend on the order in which
//! threads meet values, so the bytes (and fingerprints) of a state may differ between parallel
//! runs; counts, verdicts and paths never depend on fingerprint values.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Mutex;

use xshard_properties::{Event, NodeId};

use super::config::Delivery;
use super::protocol::{Effects, Protocol};
use super::state::{node_id, Armed, Envelope, State};
use super::symmetry::{rename_cut, rename_in_place, MAX_NODES};
use super::verdicts::Verdicts;

/// What the encoding of a model's states may leave out.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    /// Clocked time: deadlines are written (in async time they are all 0).
    pub clocked: bool,
    /// At most 16 nodes: a (sender, receiver) pair is one byte.
    pub pair: bool,
    /// A partition budget is configured: the cut in force is written (otherwise it is
    /// always 0, and states pack as they did before partitions existed).
    pub partitioned: bool,
}

/// The fault budgets and the copy-cap flag as one number (a varint of one byte while only
/// the loss budget is non-zero, as it usually is).
#[inline(always)]
fn flags<P: Protocol>(s: &State<P>) -> u32 {
    u32::from(s.loss_left)
        | u32::from(s.replay_left) << 8
        | u32::from(s.crashes_left) << 16
        | u32::from(s.capped) << 24
        | u32::from(s.partitions_left) << 25
}

/// The number of an entry the step changed or added (resolved by `pack`).
pub(crate) const NEW: u32 = u32::MAX;

/// The encoding numbers of a state's entries, aligned with its collections.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    pub nodes: Vec<u32>,
    pub net: Vec<u32>,
    pub timers: Vec<u32>,
    pub sent: Vec<u32>,
    pub history: Vec<u32>,
}

impl Ids {
    /// `clone_from`, field by field (a derived one would allocate every vector anew).
    fn copy_from(&mut self, o: &Ids) {
        copy_vec(&mut self.nodes, &o.nodes);
        copy_vec(&mut self.net, &o.net);
        copy_vec(&mut self.timers, &o.timers);
        copy_vec(&mut self.sent, &o.sent);
        copy_vec(&mut self.history, &o.history);
    }

    fn clear(&mut self) {
        self.nodes.clear();
        self.net.clear();
        self.timers.clear();
        self.sent.clear();
        self.history.clear();
    }
}

/// `v.retain(keep)`, applying the same removals to `ids` when given (order kept).
pub(crate) fn retain<T>(
    v: &mut Vec<T>,
    ids: Option<&mut Vec<u32>>,
    mut keep: impl FnMut(&T) -> bool,
) {
    let Some(ids) = ids else {
        v.retain(keep);
        return;
    };
    let mut k = 0;
    for i in 0..v.len() {
        if keep(&v[i]) {
            v.swap(k, i);
            ids.swap(k, i);
            k += 1;
        }
    }
    v.truncate(k);
    ids.truncate(k);
}

/// `v.insert(pos, x)` for the kernel's short vectors, inlined: the element moves into place
/// by swaps (a handful per step), where `Vec::insert` is a call and a `memmove` each time.
#[inline(always)]
pub(crate) fn insert_at<T>(v: &mut Vec<T>, pos: usize, x: T) {
    v.push(x);
    let mut i = v.len() - 1;
    while i > pos {
        v.swap(i - 1, i);
        i -= 1;
    }
}

/// `v.remove(pos)` for the kernel's short vectors, inlined (see [`insert_at`]).
#[inline(always)]
pub(crate) fn remove_at<T>(v: &mut Vec<T>, pos: usize) {
    for i in pos + 1..v.len() {
        v.swap(i - 1, i);
    }
    v.pop();
}

/// The address of a state, to recognise the one `unpack` or `next_into` last wrote.
#[inline(always)]
fn addr<T>(s: &T) -> usize {
    s as *const T as usize
}

/// A fast hasher for the interning maps (the multiply-rotate of rustc's FxHash).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxHasher(u64);

const FX: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline(always)]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(FX);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

type FxMap<X> = HashMap<X, u32, BuildHasherDefault<FxHasher>>;

/// Values of one type numbered in order of first appearance, shared by a run's threads.
pub(crate) struct Interner<X> {
    inner: Mutex<(FxMap<X>, Vec<X>)>,
}

impl<X> fmt::Debug for Interner<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.inner.lock().map_or(0, |g| g.1.len());
        write!(f, "Interner({n} values)")
    }
}

impl<X: Clone + Hash + Eq> Interner<X> {
    pub(crate) fn new() -> Self {
        Interner {
            inner: Mutex::new((FxMap::default(), Vec::new())),
        }
    }

    fn id(&self, x: &X) -> u32 {
        let Ok(mut g) = self.inner.lock() else {
            panic!("an interning table's lock was poisoned by a panicking thread");
        };
        if let Some(&i) = g.0.get(x) {
            return i;
        }
        let i = u32::try_from(g.1.len()).unwrap_or(u32::MAX);
        assert!(i < u32::MAX, "more than 2^32 distinct values of one type");
        g.1.push(x.clone());
        g.0.insert(x.clone(), i);
        i
    }

    /// Copies the values `local` does not have yet.
    fn refresh(&self, local: &mut Vec<X>) {
        let Ok(g) = self.inner.lock() else {
            panic!("an interning table's lock was poisoned by a panicking thread");
        };
        local.extend_from_slice(&g.1[local.len()..]);
    }
}

/// How many recent values of a kind a worker compares by `Eq` before its map.
const RECENT: usize = 8;

/// One worker's view of an [`Interner`]: recent values, its own map, its copy of the values.
struct Local<X> {
    recent: Vec<(X, u32)>,
    next: usize,
    map: FxMap<X>,
    vals: Vec<X>,
}

impl<X> Default for Local<X> {
    fn default() -> Self {
        Local {
            recent: Vec::new(),
            next: 0,
            map: FxMap::default(),
            vals: Vec::new(),
        }
    }
}

impl<X: Clone + Hash + Eq> Local<X> {
    #[inline]
    fn id(&mut self, shared: &Interner<X>, x: &X) -> u32 {
        if let Some(&(_, i)) = self.recent.iter().find(|(v, _)| v == x) {
            return i;
        }
        let i = match self.map.get(x) {
            Some(&i) => i,
            None => {
                let i = shared.id(x);
                self.map.insert(x.clone(), i);
                i
            }
        };
        if self.recent.len() < RECENT {
            self.recent.push((x.clone(), i));
        } else {
            self.recent[self.next] = (x.clone(), i);
            self.next = (self.next + 1) % RECENT;
        }
        i
    }

    #[inline]
    fn value(&mut self, shared: &Interner<X>, i: u32) -> &X {
        let i = i as usize;
        if i >= self.vals.len() {
            shared.refresh(&mut self.vals);
        }
        &self.vals[i]
    }
}

/// The shared interning tables of a kernel model.
pub(crate) struct Tables<P: Protocol> {
    nodes: Interner<P::Node>,
    msgs: Interner<P::Msg>,
    timers: Interner<P::Timer>,
    events: Interner<Event>,
}

impl<P: Protocol> fmt::Debug for Tables<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tables")
            .field("nodes", &self.nodes)
            .field("msgs", &self.msgs)
            .field("timers", &self.timers)
            .field("events", &self.events)
            .finish()
    }
}

impl<P: Protocol> Tables<P> {
    pub(crate) fn new() -> Self {
        Tables {
            nodes: Interner::new(),
            msgs: Interner::new(),
            timers: Interner::new(),
            events: Interner::new(),
        }
    }
}

/// One engine thread's working memory for a kernel model: the effects buffer handlers write
/// into, and the worker's side of the interning tables (see the module documentation).
pub struct Scratch<P: Protocol> {
    pub(crate) effects: Effects<P>,
    /// The numbers and node values of the state `unpack` last wrote, and its address.
    parent: Ids,
    parent_nodes: Vec<P::Node>,
    parent_addr: usize,
    /// The numbers of the successor `next_into` last wrote, and its address (0: none).
    child: Ids,
    child_addr: usize,
    /// [`pack_known`]'s buffer.
    buf: Vec<u8>,
    /// The renamed state [`pack_renamed`] packs when it cannot pack it from the successor's
    /// numbers (kept between calls for its allocations).
    image: Option<State<P>>,
    /// [`pack_renamed`]'s order of entries, and its renamed events with their numbers.
    order: Vec<(u16, u8)>,
    renamed_events: Vec<(Event, u32)>,
    /// Per node position, the last value encoded there and its number.
    node_memo: Vec<Option<(P::Node, u32)>>,
    /// [`pack_known_renamed`]'s memory of renamed node values, direct-mapped: (number,
    /// renaming as nibbles, number of the renamed value); empty until first used.
    renamed_nodes: Vec<(u32, u64, u32)>,
    nodes: Local<P::Node>,
    msgs: Local<P::Msg>,
    timers: Local<P::Timer>,
    events: Local<Event>,
    /// Property conditions by node and history numbers ([`Scratch::verdicts`]).
    verdicts: Verdicts,
}

impl<P: Protocol> Default for Scratch<P> {
    fn default() -> Self {
        Scratch {
            effects: Effects::new(0),
            parent: Ids::default(),
            parent_nodes: Vec::new(),
            parent_addr: 0,
            child: Ids::default(),
            child_addr: 0,
            buf: Vec::new(),
            image: None,
            order: Vec::new(),
            renamed_events: Vec::new(),
            node_memo: Vec::new(),
            renamed_nodes: Vec::new(),
            nodes: Local::default(),
            msgs: Local::default(),
            timers: Local::default(),
            events: Local::default(),
            verdicts: Verdicts::default(),
        }
    }
}

impl<P: Protocol> fmt::Debug for Scratch<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scratch")
            .field("node_values", &self.nodes.vals.len())
            .field("message_values", &self.msgs.vals.len())
            .finish_non_exhaustive()
    }
}

impl<P: Protocol> Scratch<P> {
    /// `next_into` is about to make `into` a successor of `state`: the numbers to keep aligned
    /// with the step, when `state` is the one `unpack` last wrote.
    /// Returns the effects buffer, and the numbers when they can be kept.
    pub(crate) fn begin_child(
        &mut self,
        state: &State<P>,
        into: &State<P>,
    ) -> (&mut Effects<P>, Option<&mut Ids>) {
        self.child_addr = 0;
        if addr(state) != self.parent_addr || addr(into) == self.parent_addr {
            return (&mut self.effects, None);
        }
        self.child.copy_from(&self.parent);
        (&mut self.effects, Some(&mut self.child))
    }

    /// The memo of property conditions, keyed by `now`, `at_rest` (when the conditions read
    /// it) and the numbers of `state`'s nodes and history, when `state` is the one `unpack`
    /// last wrote (`None` otherwise: its numbers are not known). `next_into` never writes
    /// into that state, so its numbers still hold.
    pub(crate) fn verdicts(
        &mut self,
        state: &State<P>,
        now: u32,
        at_rest: Option<bool>,
    ) -> Option<&mut Verdicts> {
        if addr(state) != self.parent_addr
            || self.parent.nodes.len() != state.nodes.len()
            || self.parent.history.len() != state.history.len()
        {
            return None;
        }
        let rest = at_rest.map_or(0, |q| 1 + u32::from(q));
        self.verdicts
            .set_key([now, rest], &self.parent.nodes, &self.parent.history);
        Some(&mut self.verdicts)
    }

    /// `next_into` is done with `into`: its numbers are valid when the step happened.
    pub(crate) fn end_child(&mut self, into: &State<P>, ok: bool) {
        if ok && self.child.nodes.len() == into.nodes.len() {
            self.child_addr = addr(into);
        }
    }
}

#[inline(always)]
fn put(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The buffer [`pack_known`] writes into: states whose bound exceeds it are packed the
/// general way.
const BUF: usize = 512;

/// Writes `b` at `buf[*n]` (the position stays in a register once inlined, unlike a vector's
/// length, which every push stores and reloads).
#[inline(always)]
fn byte(buf: &mut [u8], n: &mut usize, b: u8) {
    buf[*n] = b;
    *n += 1;
}

#[inline(always)]
fn var(buf: &mut [u8], n: &mut usize, mut v: u32) {
    while v >= 0x80 {
        byte(buf, n, (v as u8) | 0x80);
        v >>= 7;
    }
    byte(buf, n, v as u8);
}

/// The longest encoding `s` can have.
fn bound<P: Protocol>(s: &State<P>) -> usize {
    40 + 5 * s.nodes.len()
        + 12 * s.net.len()
        + 11 * s.timers.len()
        + 7 * s.sent.len()
        + 5 * s.history.len()
}

/// A cursor over an encoding.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    #[inline(always)]
    fn pair(&mut self, one: bool) -> (u8, u8) {
        if one {
            let b = self.byte();
            (b >> 4, b & 15)
        } else {
            (self.byte(), self.byte())
        }
    }

    #[inline(always)]
    fn byte(&mut self) -> u8 {
        let v = self.b[self.at];
        self.at += 1;
        v
    }

    #[inline(always)]
    fn var(&mut self) -> u32 {
        let mut v = 0u32;
        let mut shift = 0;
        loop {
            let b = self.byte();
            v |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
}

/// The layout of most models' states: async time, at most 16 nodes, no partition budget.
const ASYNC_PAIRS: Layout = Layout {
    clocked: false,
    pair: true,
    partitioned: false,
};

/// Appends the encoding of `s` to `out`.
pub(crate) fn pack<P: Protocol>(
    t: &Tables<P>,
    lay: Layout,
    sc: &mut Scratch<P>,
    s: &State<P>,
    out: &mut Vec<u8>,
) {
    if sc.child_addr != 0 && addr(s) == sc.child_addr && bound::<P>(s) <= BUF {
        let start = out.len();
        let mut buf = std::mem::take(&mut sc.buf);
        buf.resize(BUF, 0);
        // The usual layout (async time, at most 16 nodes, no partitions) as constants, so that
        // its instance of `pack_known` tests none of them per entry.
        let n = match (lay.clocked, lay.pair, lay.partitioned) {
            (false, true, false) => pack_known(t, ASYNC_PAIRS, sc, s, &mut buf),
            _ => pack_known(t, lay, sc, s, &mut buf),
        };
        out.extend_from_slice(&buf[..n]);
        sc.buf = buf;
        if cfg!(debug_assertions) {
            let mut check = Vec::new();
            pack_values(t, lay, sc, s, &mut check);
            assert_eq!(
                out[start..],
                check[..],
                "the two encodings of a state disagree"
            );
        }
    } else {
        pack_values(t, lay, sc, s, out);
    }
}

/// Packs the successor whose numbers `next_into` kept ([`Scratch::child`]).
#[inline(always)]
fn pack_known<P: Protocol>(
    t: &Tables<P>,
    lay: Layout,
    sc: &mut Scratch<P>,
    s: &State<P>,
    buf: &mut [u8],
) -> usize {
    let mut n = 0;
    let n = &mut n;
    var(buf, n, s.now);
    var(buf, n, s.down);
    var(buf, n, flags::<P>(s));
    if lay.partitioned {
        var(buf, n, s.cut);
    }
    for (i, node) in s.nodes.iter().enumerate() {
        let mut id = sc.child.nodes[i];
        if id == NEW {
            id = match sc.parent_nodes.get(i) {
                Some(p) if p == node => sc.parent.nodes[i],
                _ => sc.nodes.id(&t.nodes, node),
            };
        }
        var(buf, n, id);
    }
    var(buf, n, s.net.len() as u32);
    for (e, &id) in s.net.iter().zip(&sc.child.net) {
        if lay.pair {
            byte(buf, n, e.src << 4 | e.dst);
        } else {
            byte(buf, n, e.src);
            byte(buf, n, e.dst);
        }
        let id = if id == NEW {
            sc.msgs.id(&t.msgs, &e.msg)
        } else {
            id
        };
        var(buf, n, id);
        if lay.clocked {
            var(buf, n, e.deadline);
        }
    }
    var(buf, n, s.timers.len() as u32);
    for (a, &id) in s.timers.iter().zip(&sc.child.timers) {
        byte(buf, n, a.node);
        let id = if id == NEW {
            sc.timers.id(&t.timers, &a.timer)
        } else {
            id
        };
        var(buf, n, id);
        if lay.clocked {
            var(buf, n, a.deadline);
        }
    }
    var(buf, n, s.sent.len() as u32);
    for ((src, dst, msg), &id) in s.sent.iter().zip(&sc.child.sent) {
        if lay.pair {
            byte(buf, n, *src << 4 | *dst);
        } else {
            byte(buf, n, *src);
            byte(buf, n, *dst);
        }
        let id = if id == NEW {
            sc.msgs.id(&t.msgs, msg)
        } else {
            id
        };
        var(buf, n, id);
    }
    var(buf, n, s.history.len() as u32);
    for (e, &id) in s.history.iter().zip(&sc.child.history) {
        let id = if id == NEW {
            sc.events.id(&t.events, e)
        } else {
            id
        };
        var(buf, n, id);
    }
    *n
}

/// Appends the encoding of the image of `s` under the permutation `map` (the representative
/// [`Symmetry::canonical`](super::symmetry::Symmetry::canonical) chose), without building it
/// when `s` is the successor `next_into` last wrote: the numbers it kept follow the renaming
/// ([`pack_known_renamed`]). Otherwise the image is built in the worker's reused state and
/// packed the general way. Either way nothing is allocated in the steady state.
pub(crate) fn pack_renamed<P: Protocol>(
    t: &Tables<P>,
    lay: Layout,
    sc: &mut Scratch<P>,
    (p, delivery, map): (&P, Delivery, &[NodeId; MAX_NODES]),
    s: &State<P>,
    out: &mut Vec<u8>,
) {
    if sc.child_addr != 0 && addr(s) == sc.child_addr && bound::<P>(s) <= BUF {
        let start = out.len();
        let mut buf = std::mem::take(&mut sc.buf);
        buf.resize(BUF, 0);
        let n = pack_known_renamed(t, lay, sc, p, map, s, &mut buf);
        if let Some(n) = n {
            out.extend_from_slice(&buf[..n]);
        }
        sc.buf = buf;
        if n.is_some() {
            if cfg!(debug_assertions) {
                let mut image = s.clone();
                rename_in_place(p, delivery, map, &mut image);
                let mut check = Vec::new();
                pack_values(t, lay, sc, &image, &mut check);
                assert_eq!(
                    out[start..],
                    check[..],
                    "the two encodings of a renamed state disagree"
                );
            }
            return;
        }
    }
    let mut image = sc.image.take().unwrap_or_else(State::<P>::empty);
    copy_state::<P>(&mut image, s);
    rename_in_place(p, delivery, map, &mut image);
    pack_values(t, lay, sc, &image, out);
    sc.image = Some(image);
}

/// [`pack_known`] of the image of `s` under the permutation `map`, read off `s` and the
/// numbers `next_into` kept for it ([`Scratch::child`]); `None`, having written nothing that
/// matters, when a message changes under the renaming (then the image's order is not the one
/// derived here).
///
/// Node `i` goes to position `map[i]` and keeps its number unless its renamed value differs;
/// the number a (number, renaming) pair gives is remembered ([`Scratch`]'s `renamed_nodes`),
/// so a node met again under the same renaming is neither renamed nor looked up.
/// The kernel keeps `net` sorted by channel and, within a channel, by message and deadline
/// (unordered) or sending order (ordered), so when the renaming leaves every message as it is,
/// two envelopes of one renamed channel were in one channel before and keep their order: the
/// image's `net` is `net` stably sorted by renamed channel, with the same numbers. The same
/// holds of `sent`, and of timers by renamed node (a timer value holds no id). Events may
/// change (they name shards), so they are renamed, sorted and looked up when they do.
#[inline(always)]
fn pack_known_renamed<P: Protocol>(
    t: &Tables<P>,
    lay: Layout,
    sc: &mut Scratch<P>,
    p: &P,
    map: &[NodeId; MAX_NODES],
    s: &State<P>,
    buf: &mut [u8],
) -> Option<usize> {
    let r = |id: NodeId| map.get(usize::from(id)).copied().unwrap_or(id);
    let same = |m: &P::Msg| p.rename_msg(m, &r) == *m;
    if !s.net.iter().all(|e| same(&e.msg)) || !s.sent.iter().all(|e| same(&e.2)) {
        return None;
    }
    let mut n = 0;
    let n = &mut n;
    var(buf, n, s.now);
    let (mut down, mut bits) = (0u32, s.down);
    while bits != 0 {
        down |= 1 << r(node_id(bits.trailing_zeros() as usize));
        bits &= bits - 1;
    }
    var(buf, n, down);
    var(buf, n, flags::<P>(s));
    if lay.partitioned {
        var(buf, n, rename_cut(s.cut, s.nodes.len(), r));
    }
    // Position `k` of the image holds node `from[k]`.
    let mut from = [0u8; MAX_NODES];
    for i in 0..s.nodes.len() {
        from[usize::from(r(node_id(i)))] = node_id(i);
    }
    // The renaming as one number (a nibble per node), to remember renamed node values by.
    let key = (s.nodes.len() <= 16).then(|| {
        (0..s.nodes.len()).fold(0u64, |key, i| {
            key | u64::from(r(node_id(i)) & 15) << (4 * i)
        })
    });
    if key.is_some() && sc.renamed_nodes.is_empty() {
        sc.renamed_nodes.resize(RENAMED_NODES, (NEW, 0, NEW));
    }
    for (k, &i) in from.iter().enumerate().take(s.nodes.len()) {
        let (i, old) = (usize::from(i), &s.nodes[usize::from(i)]);
        let known = sc.child.nodes[i];
        // A node's number and the renaming determine the renamed value's number (numbers and
        // values correspond one to one), so a remembered pair is exact.
        let slot = match key {
            Some(key) if known != NEW => {
                let h = (u64::from(known) << 32 ^ key).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let slot = (h >> 52) as usize & (RENAMED_NODES - 1);
                let (id, k2, to) = sc.renamed_nodes[slot];
                if id == known && k2 == key {
                    var(buf, n, to);
                    continue;
                }
                Some((slot, key))
            }
            _ => None,
        };
        let node = p.rename_node(old, &r);
        let mut id = known;
        if node != *old {
            id = NEW;
        }
        if id == NEW {
            id = match sc.parent_nodes.get(k) {
                Some(p) if *p == node => sc.parent.nodes[k],
                _ => sc.nodes.id(&t.nodes, &node),
            };
        }
        if let Some((slot, key)) = slot {
            sc.renamed_nodes[slot] = (known, key, id);
        }
        var(buf, n, id);
    }
    let mut order = std::mem::take(&mut sc.order);
    let pair = |a: NodeId, b: NodeId| u16::from(r(a)) << 8 | u16::from(r(b));
    sort_by_key(&mut order, s.net.iter().map(|e| pair(e.src, e.dst)));
    var(buf, n, s.net.len() as u32);
    for &(_, k) in &order {
        let (e, id) = (&s.net[usize::from(k)], sc.child.net[usize::from(k)]);
        let (src, dst) = (r(e.src), r(e.dst));
        if lay.pair {
            byte(buf, n, src << 4 | dst);
        } else {
            byte(buf, n, src);
            byte(buf, n, dst);
        }
        let id = if id == NEW {
            sc.msgs.id(&t.msgs, &e.msg)
        } else {
            id
        };
        var(buf, n, id);
        if lay.clocked {
            var(buf, n, e.deadline);
        }
    }
    sort_by_key(&mut order, s.timers.iter().map(|a| u16::from(r(a.node))));
    var(buf, n, s.timers.len() as u32);
    for &(_, k) in &order {
        let (a, id) = (&s.timers[usize::from(k)], sc.child.timers[usize::from(k)]);
        byte(buf, n, r(a.node));
        let id = if id == NEW {
            sc.timers.id(&t.timers, &a.timer)
        } else {
            id
        };
        var(buf, n, id);
        if lay.clocked {
            var(buf, n, a.deadline);
        }
    }
    sort_by_key(&mut order, s.sent.iter().map(|e| pair(e.0, e.1)));
    var(buf, n, s.sent.len() as u32);
    for &(_, k) in &order {
        let ((src, dst, msg), id) = (&s.sent[usize::from(k)], sc.child.sent[usize::from(k)]);
        let (src, dst) = (r(*src), r(*dst));
        if lay.pair {
            byte(buf, n, src << 4 | dst);
        } else {
            byte(buf, n, src);
            byte(buf, n, dst);
        }
        let id = if id == NEW {
            sc.msgs.id(&t.msgs, msg)
        } else {
            id
        };
        var(buf, n, id);
    }
    sc.order = order;
    var(buf, n, s.history.len() as u32);
    let mut events = std::mem::take(&mut sc.renamed_events);
    events.clear();
    let mut moved = false;
    for (e, &id) in s.history.iter().zip(&sc.child.history) {
        let renamed = p.rename_event(e, &r);
        moved |= renamed != *e;
        let id = if renamed == *e { id } else { NEW };
        events.push((renamed, id));
    }
    if moved {
        // Equal events have equal numbers once resolved, so an unstable sort will do.
        events.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
    for (e, id) in &events {
        let id = if *id == NEW {
            sc.events.id(&t.events, e)
        } else {
            *id
        };
        var(buf, n, id);
    }
    sc.renamed_events = events;
    Some(*n)
}

/// The number of renamed node values [`pack_known_renamed`] remembers (a power of two).
const RENAMED_NODES: usize = 4096;

/// Fills `order` with `(key, index)` for the keys `keys` yields, stably sorted by key
/// (insertion: the collections are short, and `bound` keeps them under 256 entries).
#[inline(always)]
fn sort_by_key(order: &mut Vec<(u16, u8)>, keys: impl Iterator<Item = u16>) {
    order.clear();
    for (k, key) in keys.enumerate() {
        let mut j = order.len();
        order.push((key, k as u8));
        while j > 0 && order[j - 1].0 > key {
            order.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Packs any state, value by value.
fn pack_values<P: Protocol>(
    t: &Tables<P>,
    lay: Layout,
    sc: &mut Scratch<P>,
    s: &State<P>,
    out: &mut Vec<u8>,
) {
    put(out, s.now);
    put(out, s.down);
    put(out, flags::<P>(s));
    if lay.partitioned {
        put(out, s.cut);
    }
    if sc.node_memo.len() < s.nodes.len() {
        sc.node_memo.resize_with(s.nodes.len(), || None);
    }
    for (node, memo) in s.nodes.iter().zip(sc.node_memo.iter_mut()) {
        let id = match memo {
            Some((v, id)) if v == node => *id,
            _ => {
                let id = sc.nodes.id(&t.nodes, node);
                match memo {
                    Some((v, i)) => {
                        v.clone_from(node);
                        *i = id;
                    }
                    None => *memo = Some((node.clone(), id)),
                }
                id
            }
        };
        put(out, id);
    }
    put(out, s.net.len() as u32);
    for e in &s.net {
        if lay.pair {
            out.push(e.src << 4 | e.dst);
        } else {
            out.push(e.src);
            out.push(e.dst);
        }
        put(out, sc.msgs.id(&t.msgs, &e.msg));
        if lay.clocked {
            put(out, e.deadline);
        }
    }
    put(out, s.timers.len() as u32);
    for a in &s.timers {
        out.push(a.node);
        put(out, sc.timers.id(&t.timers, &a.timer));
        if lay.clocked {
            put(out, a.deadline);
        }
    }
    put(out, s.sent.len() as u32);
    for (src, dst, msg) in &s.sent {
        if lay.pair {
            out.push(*src << 4 | *dst);
        } else {
            out.push(*src);
            out.push(*dst);
        }
        put(out, sc.msgs.id(&t.msgs, msg));
    }
    put(out, s.history.len() as u32);
    for e in &s.history {
        put(out, sc.events.id(&t.events, e));
    }
}

/// Rebuilds the state encoded in `b` into `s`, reusing its allocations. `nodes` is the
/// model's node count.
pub(crate) fn unpack<P: Protocol>(
    t: &Tables<P>,
    lay: Layout,
    nodes: usize,
    sc: &mut Scratch<P>,
    b: &[u8],
    s: &mut State<P>,
) {
    let mut r = Reader { b, at: 0 };
    sc.child_addr = 0;
    sc.parent_addr = addr(s);
    sc.parent.clear();
    s.now = r.var();
    s.down = r.var();
    let f = r.var();
    s.loss_left = f as u8;
    s.replay_left = (f >> 8) as u8;
    s.crashes_left = (f >> 16) as u8;
    s.capped = (f >> 24) & 1 != 0;
    s.partitions_left = (f >> 25) as u8;
    s.cut = if lay.partitioned { r.var() } else { 0 };
    s.nodes.truncate(nodes);
    for i in 0..nodes {
        let id = r.var();
        sc.parent.nodes.push(id);
        let v = sc.nodes.value(&t.nodes, id);
        match s.nodes.get_mut(i) {
            Some(n) => n.clone_from(v),
            None => s.nodes.push(v.clone()),
        }
    }
    sc.parent_nodes.clone_from(&s.nodes);
    let n = r.var() as usize;
    s.net.truncate(n);
    for i in 0..n {
        let (src, dst) = r.pair(lay.pair);
        let id = r.var();
        sc.parent.net.push(id);
        let msg = sc.msgs.value(&t.msgs, id);
        let deadline = if lay.clocked { r.var() } else { 0 };
        match s.net.get_mut(i) {
            Some(e) => {
                e.src = src;
                e.dst = dst;
                e.msg.clone_from(msg);
                e.deadline = deadline;
            }
            None => s.net.push(Envelope {
                src,
                dst,
                msg: msg.clone(),
                deadline,
            }),
        }
    }
    let n = r.var() as usize;
    s.timers.truncate(n);
    for i in 0..n {
        let node = r.byte();
        let id = r.var();
        sc.parent.timers.push(id);
        let timer = sc.timers.value(&t.timers, id);
        let deadline = if lay.clocked { r.var() } else { 0 };
        match s.timers.get_mut(i) {
            Some(a) => {
                a.node = node;
                a.timer.clone_from(timer);
                a.deadline = deadline;
            }
            None => s.timers.push(Armed {
                node,
                timer: timer.clone(),
                deadline,
            }),
        }
    }
    let n = r.var() as usize;
    s.sent.truncate(n);
    for i in 0..n {
        let (src, dst) = r.pair(lay.pair);
        let id = r.var();
        sc.parent.sent.push(id);
        let msg = sc.msgs.value(&t.msgs, id);
        match s.sent.get_mut(i) {
            Some(e) => {
                e.0 = src;
                e.1 = dst;
                e.2.clone_from(msg);
            }
            None => s.sent.push((src, dst, msg.clone())),
        }
    }
    let n = r.var() as usize;
    s.history.truncate(n);
    for i in 0..n {
        let id = r.var();
        sc.parent.history.push(id);
        let e = sc.events.value(&t.events, id);
        match s.history.get_mut(i) {
            Some(h) => h.clone_from(e),
            None => s.history.push(e.clone()),
        }
    }
}

/// `dst.clone_from(src)`, in one copy when the values own nothing. `Vec::clone_from` clones
/// into the common prefix and then extends by the rest: two calls to copy a vector of plain
/// values, per collection and per successor, which cost more than the copy itself for the
/// kernel's short vectors. Values that own memory (a node holding a map) keep `clone_from`,
/// which reuses the destination's allocations.
#[inline(always)]
fn copy_vec<T: Clone>(dst: &mut Vec<T>, src: &[T]) {
    if std::mem::needs_drop::<T>() {
        src.clone_into(dst);
    } else {
        dst.clear();
        if !src.is_empty() {
            dst.extend_from_slice(src);
        }
    }
}

/// Makes `dst` a copy of `src`, reusing `dst`'s allocations (a derived `Clone` would allocate
/// every collection anew).
pub(crate) fn copy_state<P: Protocol>(dst: &mut State<P>, src: &State<P>) {
    copy_vec(&mut dst.nodes, &src.nodes);
    copy_vec(&mut dst.net, &src.net);
    copy_vec(&mut dst.timers, &src.timers);
    copy_vec(&mut dst.sent, &src.sent);
    copy_vec(&mut dst.history, &src.history);
    dst.now = src.now;
    dst.down = src.down;
    dst.loss_left = src.loss_left;
    dst.replay_left = src.replay_left;
    dst.crashes_left = src.crashes_left;
    dst.capped = src.capped;
    dst.cut = src.cut;
    dst.partitions_left = src.partitions_left;
}
