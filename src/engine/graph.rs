//! The explored state graph, and `progress` properties (CTL `AG EF done`) judged on it.
//!
//! `AG EF done` is not a per-state condition: a state is fine when *some* path of progress
//! steps from it reaches a done state, which depends on the whole graph below it. Following
//! the standard explicit-state algorithm for `EF` (Clarke, Grumberg, Peled, *Model Checking*,
//! MIT Press 1999, §4.1: the states satisfying `E[true U φ]` are those reached backwards from
//! the φ-states), the breadth-first search records, through a [`Recorder`] (the depth-first
//! strategy runs one as a pass of its own, `bfs::graph_pass`):
//!
//! - dense state ids in BFS order, as a log of the states' fingerprints in id order (on disk);
//! - the progress steps as `(source id, destination fingerprint)` records (on disk, one file
//!   per writer, each in non-decreasing source order), since the visited set keeps no id;
//! - per state a done bit per property and an "unknown future" bit (in memory).
//!
//! When the search ends, [`Recorder::resolve`] gives every slot of the visited set its id
//! (one `u32` per slot, from the fingerprint log), turns each record into `(source,
//! destination)` ids, merged in source order into one file, and lets the visited set go. The
//! backward reachability then runs on that file with one bit per state, in sequential passes
//! over it from the last record to the first until a pass adds nothing (semi-external, as in
//! Barnat, Brim, Šimeček, *I/O efficient accepting cycle detection*, CAV 2007, which also
//! keeps the graph on disk and a bit per state in memory): an edge to a larger id, the usual
//! case in BFS order, propagates within the pass that meets it, so a pass count stays near
//! one more than the number of steps to a smaller id a finishing path needs.
//!
//! States whose future the search did not cover (the model's horizon, a successor dropped for
//! the copy cap, the depth bound) are seeds too, as "might finish": a state that reaches
//! neither a done state nor such a seed provably cannot finish, so every violation is real; a
//! state that reaches only such seeds makes the verdict inconclusive. The counterexample is
//! the BFS tree's path (the search's own tree, [`Tree`]) to the smallest stuck id: a shortest
//! path to a state from which done is unreachable.
//!
//! Cost in memory: a few bits per state during the search (the records are written through
//! small buffers), one `u32` per slot of the visited set while the records are resolved (the
//! search's tree is on disk then), and a bit per state and per seed set while judging. On
//! disk: 8 bytes per state and 12, then 8, per progress edge.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use xshard_models::{Checkable, Cut};
use xshard_properties::Kind;

use super::control::Control;
use super::level::Tree;
use super::path::concrete_path;
use super::table::FpTable;
use super::{Bound, PropertyResult, Status};

/// No more ids: the largest id is below this.
const MAX_IDS: u32 = u32::MAX - 1;

/// Bytes read from a record file at a time.
const BLOCK: usize = 1 << 20;

/// Bytes buffered before a record file is written to.
const BUFFER: usize = 1 << 16;

/// A fixed-size set of state ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    /// An empty set for ids below `n`.
    pub fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }

    fn grow_to(&mut self, n: usize) {
        let words = n.div_ceil(64);
        if self.0.len() < words {
            self.0.resize(words, 0);
        }
    }

    /// Adds `i`; whether it was new.
    #[inline]
    pub fn insert(&mut self, i: usize) -> bool {
        self.grow_to(i + 1);
        let (w, b) = (i / 64, 1u64 << (i % 64));
        let new = self.0[w] & b == 0;
        self.0[w] |= b;
        new
    }

    /// Whether `i` is in the set.
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Adds every element of `other`.
    pub fn union_with(&mut self, other: &Bits) {
        self.grow_to(other.0.len() * 64);
        for (w, o) in self.0.iter_mut().zip(&other.0) {
            *w |= o;
        }
    }

    /// Whether the set has no element.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    /// Elements below `n`.
    fn count_below(&self, n: usize) -> usize {
        (0..n).filter(|&v| self.contains(v)).count()
    }
}

/// A new temporary file, already unlinked: its space returns to the disk when it is closed,
/// whatever ends the process.
fn unlinked_file() -> io::Result<File> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "xshard-graph-{}-{}.bin",
        std::process::id(),
        SEQ.fetch_add(1, Relaxed)
    ));
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

/// An append-only file of fixed-size records, created on the first record, written through a
/// buffer and read back in blocks.
#[derive(Debug, Default)]
pub(crate) struct Records {
    out: Option<BufWriter<File>>,
    bytes: u64,
}

impl Records {
    /// Appends a record.
    #[inline]
    fn push(&mut self, record: &[u8]) -> io::Result<()> {
        self.bytes += record.len() as u64;
        match self.out.as_mut() {
            Some(out) => out.write_all(record),
            None => self.open_and_push(record),
        }
    }

    #[cold]
    #[inline(never)]
    fn open_and_push(&mut self, record: &[u8]) -> io::Result<()> {
        let mut out = BufWriter::with_capacity(BUFFER, unlinked_file()?);
        out.write_all(record)?;
        self.out = Some(out);
        Ok(())
    }

    /// Flushes the buffer: the file is complete and will only be read.
    fn finish(&mut self) -> io::Result<()> {
        match self.out.as_mut() {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }

    fn file(&self) -> Option<&File> {
        self.out.as_ref().map(BufWriter::get_ref)
    }

    /// Reads block `k` of records of `len` bytes into `buf`: a block is as many whole
    /// records as fit in `BLOCK` bytes (the last one fewer).
    fn block(&self, k: u64, len: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        let size = (BLOCK / len * len) as u64;
        let at = k * size;
        let n = (self.bytes - at).min(size) as usize;
        buf.resize(n, 0);
        match self.file() {
            Some(f) => f.read_exact_at(buf, at),
            None => Err(io::Error::other("a record file without its file")),
        }
    }

    /// Blocks of records of `len` bytes.
    fn blocks(&self, len: usize) -> u64 {
        self.bytes.div_ceil((BLOCK / len * len) as u64)
    }
}

/// Reads a record file forward, one record of `N` bytes at a time.
struct Reader<'a, const N: usize> {
    records: &'a Records,
    next_block: u64,
    buf: Vec<u8>,
    at: usize,
}

impl<'a, const N: usize> Reader<'a, N> {
    fn new(records: &'a Records) -> Self {
        Reader {
            records,
            next_block: 0,
            buf: Vec::new(),
            at: 0,
        }
    }

    /// The next record, or `None` at the end.
    #[inline]
    fn next(&mut self) -> io::Result<Option<[u8; N]>> {
        if self.at >= self.buf.len() {
            if self.next_block >= self.records.blocks(N) {
                return Ok(None);
            }
            self.records.block(self.next_block, N, &mut self.buf)?;
            self.next_block += 1;
            self.at = 0;
        }
        let mut r = [0u8; N];
        r.copy_from_slice(&self.buf[self.at..self.at + N]);
        self.at += N;
        Ok(Some(r))
    }
}

/// The progress steps one writer records: `(source id, destination fingerprint)`, 12 bytes
/// each, in the order the writer meets them (non-decreasing source ids).
#[derive(Debug, Default)]
pub(crate) struct EdgeSink(Records);

impl EdgeSink {
    /// Records a progress step from state `src` to the state whose fingerprint is `dst`.
    #[inline]
    pub fn push(&mut self, src: u32, dst: u64) -> io::Result<()> {
        let mut r = [0u8; 12];
        r[..4].copy_from_slice(&src.to_le_bytes());
        r[4..].copy_from_slice(&dst.to_le_bytes());
        self.0.push(&r)
    }
}

/// The unknown-future mark of a parallel worker ([`Recorder::mark_of`]).
pub(crate) const MARK_UNKNOWN: u32 = u32::MAX;

/// The graph a breadth-first search records while it explores (see the module
/// documentation): ids are the search's own order (level by level, each level in its
/// deterministic order, whatever the thread count). The search calls [`Recorder::add`] for
/// each new state in id order, [`Recorder::judged`] as it judges one, [`EdgeSink::push`] for
/// each progress step and [`Recorder::unknown`] for a state whose successors it cut.
///
/// A successor cut by the copy cap is a state of the search (judged, never expanded) with no
/// edge into it, whose future is unknown; its predecessors are unknown too (the search marks
/// each state with a capped successor), so it changes no verdict, path or stuck count.
#[derive(Debug)]
pub(crate) struct Recorder {
    props: Vec<usize>,
    /// Ids given.
    len: u32,
    /// Per id, its state's fingerprint.
    fps: Records,
    /// The sequential search's progress steps; a parallel one's, one per partition.
    sinks: Vec<EdgeSink>,
    done: Vec<Bits>,
    unknown: Bits,
    /// The depth bound cut a successor not otherwise reached.
    depth_cut: bool,
}

impl Recorder {
    /// A recorder for `model`'s progress properties (`None`: it declares none).
    pub fn new<M: Checkable>(model: &M) -> Option<Self> {
        let props = progress_props(model);
        if props.is_empty() {
            return None;
        }
        Some(Recorder {
            done: props.iter().map(|_| Bits::default()).collect(),
            props,
            len: 0,
            fps: Records::default(),
            sinks: vec![EdgeSink::default()],
            unknown: Bits::default(),
            depth_cut: false,
        })
    }

    /// Records a new state (the next id) by its fingerprint; its id, or `None` when ids are
    /// exhausted.
    #[inline]
    pub fn add(&mut self, fp: u64) -> io::Result<Option<u32>> {
        if self.len >= MAX_IDS {
            return Ok(None);
        }
        self.fps.push(&fp.to_le_bytes())?;
        self.len += 1;
        Ok(Some(self.len - 1))
    }

    /// The sequential search's progress steps.
    #[inline]
    pub fn sink(&mut self) -> &mut EdgeSink {
        &mut self.sinks[0]
    }

    /// Adds the progress steps a parallel search's partitions recorded.
    pub fn adopt(&mut self, sinks: impl IntoIterator<Item = EdgeSink>) {
        self.sinks.extend(sinks);
    }

    /// Records what judging state `id` found: `conds` as `super::judge` filled them, and its
    /// cut.
    #[inline]
    pub fn judged(&mut self, id: u32, conds: &[bool], cut: Option<Cut>) {
        match cut {
            Some(Cut::CopyCap) => {
                self.unknown.insert(id as usize);
                return;
            }
            Some(Cut::Horizon) => {
                self.unknown.insert(id as usize);
            }
            None => {}
        }
        for (d, &p) in self.done.iter_mut().zip(&self.props) {
            if conds.get(p).copied().unwrap_or(true) {
                d.insert(id as usize);
            }
        }
    }

    /// Marks a state whose future the search did not cover.
    #[inline]
    pub fn unknown(&mut self, id: u32) {
        self.unknown.insert(id as usize);
    }

    /// Notes that the depth bound cut a successor of `id` not otherwise reached.
    pub fn depth_cut(&mut self, id: u32) {
        self.depth_cut = true;
        self.unknown.insert(id as usize);
    }

    /// Applies a mark a parallel worker took ([`Recorder::mark_of`]).
    #[inline]
    pub fn apply_mark(&mut self, id: u32, mark: u32) {
        if mark == MARK_UNKNOWN {
            self.unknown.insert(id as usize);
        } else if let Some(d) = self.done.get_mut(mark as usize) {
            d.insert(id as usize);
        }
    }

    /// What [`Recorder::judged`] would record, as marks a parallel worker keeps until the
    /// level is merged: `k` for done for the `k`-th progress property, [`MARK_UNKNOWN`].
    #[inline]
    pub fn mark_of(props: &[usize], conds: &[bool], cut: Option<Cut>, mut f: impl FnMut(u32)) {
        match cut {
            Some(Cut::CopyCap) => return f(MARK_UNKNOWN),
            Some(Cut::Horizon) => f(MARK_UNKNOWN),
            None => {}
        }
        for (k, &p) in props.iter().enumerate() {
            if conds.get(p).copied().unwrap_or(true) {
                f(k as u32);
            }
        }
    }

    /// The progress properties' indices.
    pub fn props(&self) -> &[usize] {
        &self.props
    }

    /// Turns the recorded fingerprints into ids with the search's visited set (`tables`, a
    /// fingerprint's table being `part(fp)`): every progress step becomes `(source,
    /// destination)`, self-loops left out, merged by source into one file.
    pub fn resolve(
        mut self,
        tables: &[&FpTable],
        part: impl Fn(u64) -> usize,
    ) -> io::Result<Graph> {
        self.fps.finish()?;
        for s in &mut self.sinks {
            s.0.finish()?;
        }
        let missing = || io::Error::other("a recorded state is not in the visited set");
        // Per table, per slot, the id of the state stored there.
        let mut ids: Vec<SlotIds> = tables.iter().map(|t| SlotIds::new(t.capacity())).collect();
        {
            let mut r = Reader::<8>::new(&self.fps);
            let mut batch = Vec::with_capacity(TOUCH);
            let mut id = 0u32;
            loop {
                batch.clear();
                while batch.len() < TOUCH {
                    match r.next()? {
                        Some(b) => batch.push(u64::from_le_bytes(b)),
                        None => break,
                    }
                }
                if batch.is_empty() {
                    break;
                }
                for &fp in &batch {
                    tables[part(fp)].touch_all(std::iter::once(fp));
                }
                for &fp in &batch {
                    let t = part(fp);
                    let slot = tables[t].find(fp).ok_or_else(missing)?;
                    ids[t].set(slot, id);
                    id += 1;
                }
            }
            if id != self.len {
                return Err(io::Error::other("the fingerprint log and the ids disagree"));
            }
        }
        let mut edges = Records::default();
        {
            let mut readers: Vec<Reader<'_, 12>> =
                self.sinks.iter().map(|s| Reader::new(&s.0)).collect();
            let mut heads: Vec<Option<(u32, u64)>> = Vec::with_capacity(readers.len());
            for r in &mut readers {
                heads.push(r.next()?.map(split));
            }
            let mut batch: Vec<(u32, u64)> = Vec::with_capacity(TOUCH);
            loop {
                batch.clear();
                while batch.len() < TOUCH {
                    // The reader with the smallest next source (few readers: a scan).
                    let Some(k) = (0..heads.len())
                        .filter(|&k| heads[k].is_some())
                        .min_by_key(|&k| heads[k].map(|h| h.0))
                    else {
                        break;
                    };
                    let Some(h) = heads[k] else {
                        break;
                    };
                    batch.push(h);
                    heads[k] = readers[k].next()?.map(split);
                }
                if batch.is_empty() {
                    break;
                }
                for &(_, fp) in &batch {
                    tables[part(fp)].touch_all(std::iter::once(fp));
                }
                for &(src, fp) in &batch {
                    let t = part(fp);
                    let slot = tables[t].find(fp).ok_or_else(missing)?;
                    let dst = ids[t].get(slot);
                    if dst == u32::MAX {
                        return Err(missing());
                    }
                    if dst != src {
                        let mut r = [0u8; 8];
                        r[..4].copy_from_slice(&src.to_le_bytes());
                        r[4..].copy_from_slice(&dst.to_le_bytes());
                        edges.push(&r)?;
                    }
                }
            }
        }
        edges.finish()?;
        Ok(Graph {
            len: self.len as usize,
            edges,
            done: self.done,
            unknown: self.unknown,
            complete: !self.depth_cut,
        })
    }
}

/// Slot ids per piece of [`SlotIds`], as a power of two.
const PIECE_BITS: u32 = 18;

/// Per slot of a visited set, the id of the state stored there (`u32::MAX`: none), in pieces
/// of a mebibyte: pieces that small reuse the memory the search freed (its tree, its levels),
/// where one array of the table's size would be mapped afresh and raise the peak.
struct SlotIds(Vec<Vec<u32>>);

impl SlotIds {
    fn new(slots: usize) -> Self {
        let piece = 1usize << PIECE_BITS;
        SlotIds(
            (0..slots.div_ceil(piece))
                .map(|k| vec![u32::MAX; piece.min(slots - k * piece)])
                .collect(),
        )
    }

    #[inline]
    fn set(&mut self, slot: usize, id: u32) {
        self.0[slot >> PIECE_BITS][slot & ((1 << PIECE_BITS) - 1)] = id;
    }

    #[inline]
    fn get(&self, slot: usize) -> u32 {
        self.0[slot >> PIECE_BITS][slot & ((1 << PIECE_BITS) - 1)]
    }
}

/// Lookups whose cache misses the resolution overlaps.
const TOUCH: usize = 32;

fn split(r: [u8; 12]) -> (u32, u64) {
    let mut s = [0u8; 4];
    let mut d = [0u8; 8];
    s.copy_from_slice(&r[..4]);
    d.copy_from_slice(&r[4..]);
    (u32::from_le_bytes(s), u64::from_le_bytes(d))
}

/// The recorded graph with ids resolved: per state its done and unknown bits, and the
/// progress steps as `(source, destination)` ids on disk, in non-decreasing source order.
#[derive(Debug)]
pub(crate) struct Graph {
    len: usize,
    edges: Records,
    /// Per progress property (in the recorder's order), the done states.
    done: Vec<Bits>,
    /// States whose future the search did not cover.
    unknown: Bits,
    /// Every reachable state was stored and expanded (the depth bound cut nothing).
    complete: bool,
}

impl Graph {
    /// A graph of `len` states and these edges (for tests).
    #[cfg(test)]
    pub fn from_edges(len: usize, edges: &[(u32, u32)]) -> io::Result<Self> {
        let mut sorted = edges.to_vec();
        sorted.sort_by_key(|e| e.0);
        let mut records = Records::default();
        for (s, d) in sorted {
            let mut r = [0u8; 8];
            r[..4].copy_from_slice(&s.to_le_bytes());
            r[4..].copy_from_slice(&d.to_le_bytes());
            records.push(&r)?;
        }
        records.finish()?;
        Ok(Graph {
            len,
            edges: records,
            done: Vec::new(),
            unknown: Bits::default(),
            complete: true,
        })
    }

    /// Every state with a path of edges to a state in `seeds` (the seeds included), and the
    /// passes over the edges it took.
    pub fn reach_backwards(&self, seeds: &Bits) -> io::Result<(Bits, usize)> {
        let mut reached = Bits::new(self.len);
        reached.union_with(seeds);
        let mut buf = Vec::new();
        let mut passes = 0;
        // The edges whose source is not reached yet, the only ones a later pass can use, kept
        // once they are few (at most one per state: the search's peak is several times that).
        let cap = self.len;
        loop {
            passes += 1;
            let mut changed = false;
            let mut left: Option<Vec<(u32, u32)>> = Some(Vec::new());
            // From the last record to the first: sources in decreasing order, so an edge to a
            // larger id sees its destination's final bit in this very pass.
            for k in (0..self.edges.blocks(8)).rev() {
                self.edges.block(k, 8, &mut buf)?;
                for e in buf.chunks_exact(8).rev() {
                    let s = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
                    if reached.contains(s as usize) {
                        continue;
                    }
                    let d = u32::from_le_bytes([e[4], e[5], e[6], e[7]]);
                    if reached.contains(d as usize) {
                        reached.insert(s as usize);
                        changed = true;
                    } else if let Some(l) = left.as_mut() {
                        if l.len() < cap {
                            l.push((s, d));
                        } else {
                            left = None;
                        }
                    }
                }
            }
            if !changed {
                return Ok((reached, passes));
            }
            if let Some(mut left) = left {
                // In memory from here on, in the same (decreasing) order, dropping the edges
                // whose source is reached.
                loop {
                    passes += 1;
                    let before = left.len();
                    left.retain(|&(s, d)| {
                        if reached.contains(s as usize) {
                            return false;
                        }
                        !(reached.contains(d as usize) && reached.insert(s as usize))
                    });
                    if left.len() == before {
                        return Ok((reached, passes));
                    }
                }
            }
        }
    }
}

/// What the search leaves for judging `progress`: the resolved graph, and the search's tree
/// (on disk) with the id of each level's first state, for the counterexample path.
#[derive(Debug)]
pub(crate) struct Recorded {
    pub graph: Graph,
    pub tree: Tree,
    /// Per level, the id of its first state.
    pub bases: Vec<u32>,
}

impl Recorded {
    /// The encoded concrete path to state `id`: the tree's path, mapped onto concrete states
    /// when the search stored canonical representatives.
    fn path<M: Checkable>(&self, model: &M, sym: bool, id: u32) -> io::Result<Vec<usize>> {
        let level = self.bases.partition_point(|&b| b <= id).saturating_sub(1);
        let pos = (id - self.bases[level]) as usize;
        let (init, actions) = self.tree.path(level, pos)?;
        if sym {
            return Ok(concrete_path(model, init, &actions));
        }
        let mut path = Vec::with_capacity(actions.len() + 1);
        path.push(init);
        path.extend(actions);
        Ok(path)
    }
}

/// The model's `progress` properties, as indices into its properties.
pub(super) fn progress_props<M: Checkable>(model: &M) -> Vec<usize> {
    model
        .property_kinds()
        .iter()
        .enumerate()
        .filter(|(_, (_, k))| *k == Kind::Progress)
        .map(|(i, _)| i)
        .collect()
}

/// When the run stopped early (time, memory, states, interruption), its results for the
/// progress properties are inconclusive: the graph is partial. Whether it did.
pub(super) fn stopped_early<M: Checkable>(
    model: &M,
    ctl: &Control,
    results: &mut [PropertyResult],
) -> bool {
    if ctl.reason().is_some_and(|b| b != Bound::MaxDepth) {
        for p in progress_props(model) {
            results[p].status = Status::Inconclusive;
        }
        return true;
    }
    false
}

/// Judges the model's `progress` properties on the graph a breadth-first search recorded
/// (`None`: none was, as when the search stopped early) and writes their results into
/// `results` (one per property of the model, in declaration order). `sym`: the search stored
/// canonical representatives.
pub(super) fn judge<M: Checkable>(
    model: &M,
    sym: bool,
    ctl: &Control,
    results: &mut [PropertyResult],
    recorded: Option<Recorded>,
) -> io::Result<()> {
    let props = progress_props(model);
    if props.is_empty() || stopped_early(model, ctl, results) {
        return Ok(());
    }
    let Some(rec) = recorded else {
        for &p in &props {
            results[p].status = Status::Inconclusive;
        }
        return Ok(());
    };
    let g = &rec.graph;
    let n = g.len;
    for (done, &p) in g.done.iter().zip(&props) {
        // The states that might finish: those reaching a done state or one whose future is
        // unknown. A state whose future was not explored (cut by the horizon or the copy cap,
        // beyond the depth bound) may lead to stuck states nobody saw, even when it can finish
        // itself: AG EF done over the explored part says nothing of them, so with any such
        // state the verdict is at best inconclusive. Without one the states that might finish
        // are the states that finish, so one backward search decides both.
        let undecided_future = !g.unknown.is_empty();
        let (might, _) = if undecided_future {
            let mut maybe = done.clone();
            maybe.union_with(&g.unknown);
            g.reach_backwards(&maybe)?
        } else {
            g.reach_backwards(done)?
        };
        let stuck = (n - might.count_below(n)) as u64;
        let first = (0..n).find(|&v| !might.contains(v));
        let undecided = undecided_future || stuck > 0;
        let r = &mut results[p];
        r.stuck_states = Some(stuck);
        (r.status, r.path) = match first {
            Some(v) => (Status::Violated, Some(rec.path(model, sym, v as u32)?)),
            None if undecided || !g.complete => (Status::Inconclusive, None),
            None => (Status::Holds, None),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backward_reachability_over_the_edge_file_follows_edges_against_id_order() {
        // 0 -> 1 -> 2 -> 3, then 3 -> 7 -> 6 -> 5 -> 4 (each a step to a smaller id), and
        // 8 -> 9 with 9 stuck; seeds: 4.
        let edges = [
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 7),
            (7, 6),
            (6, 5),
            (5, 4),
            (8, 9),
        ];
        let g = Graph::from_edges(10, &edges).expect("a temporary file");
        let mut seeds = Bits::new(10);
        seeds.insert(4);
        let (reached, passes) = g.reach_backwards(&seeds).expect("reads back");
        let got: Vec<usize> = (0..10).filter(|&v| reached.contains(v)).collect();
        assert_eq!(got, vec![0, 1, 2, 3, 4, 5, 6, 7]);
        // One pass per step to a smaller id on the way, and one that finds nothing new.
        assert_eq!(passes, 4);
        let forward = Graph::from_edges(4, &[(0, 1), (1, 2), (2, 3)]).expect("a temporary file");
        let mut seeds = Bits::new(4);
        seeds.insert(3);
        let (reached, passes) = forward.reach_backwards(&seeds).expect("reads back");
        assert_eq!(reached.count_below(4), 4);
        assert_eq!(passes, 2, "edges to larger ids propagate within one pass");
    }

    #[test]
    fn a_record_file_reads_back_across_blocks() {
        let n = BLOCK / 12 * 3 + 5;
        let mut sink = EdgeSink::default();
        for i in 0..n as u32 {
            sink.push(i, u64::from(i) * 3).expect("a temporary file");
        }
        sink.0.finish().expect("flushes");
        let mut reader = Reader::<12>::new(&sink.0);
        let mut i = 0u32;
        while let Some(rec) = reader.next().expect("reads") {
            assert_eq!(split(rec), (i, u64::from(i) * 3));
            i += 1;
        }
        assert_eq!(i as usize, n);
    }
}
