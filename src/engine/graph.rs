//! The explored state graph, and `progress` properties (CTL `AG EF done`) judged on it.
//!
//! `AG EF done` is not a per-state condition: a state is fine when *some* path of progress
//! steps from it reaches a done state, which depends on the whole graph below it. Following
//! the standard explicit-state algorithm for `EF` (Clarke, Grumberg, Peled, *Model Checking*,
//! MIT Press 1999, §4.1: the states satisfying `E[true U φ]` are those reached backwards from
//! the φ-states), the graph is explored breadth first, keeping (the breadth-first search
//! records it as it goes, through a [`Recorder`]; the depth-first strategy, which has no BFS
//! order, runs a sequential pass of its own, [`run`]):
//!
//! - dense state ids in BFS order: a fingerprint table whose aux word is the id;
//! - the BFS tree (parent id, action index per id), for counterexample paths;
//! - an edge log of the progress steps (source id, destination id), spilled to a temporary
//!   file once it outgrows [`SPILL_EDGES`] so that memory stays near 8 bytes per edge only up
//!   to that point;
//! - then the reverse adjacency in CSR form (in-degree counts, prefix sums, sources).
//!
//! Backward reachability from the done states marks every state that can finish. States whose
//! future the search did not cover (the model's horizon, a successor dropped for the copy cap,
//! the depth bound, or a run stopped early) are seeds too, as "might finish": a state that
//! reaches neither a done state nor such a seed provably cannot finish, so every violation is
//! real; a state that reaches only such seeds makes the verdict inconclusive. The
//! counterexample is the BFS path to the smallest stuck id: a shortest path to a state from
//! which done is unreachable.
//!
//! [`StateGraph`] is kept apart from the progress verdict so that leads-to properties under
//! fairness (DESIGN.md, roadmap) can reuse the same ids, tree, edge log and reverse CSR.
//!
//! Cost: per state 8 bytes of the visited set's aux word (the id) at most 4/3 loaded, 8 bytes
//! of tree and a few bits of flags, and per progress edge 8 bytes in the log (or on disk) and 4
//! in the CSR; and with the depth-first strategy one more sequential exploration (the same
//! distinct and generated states as the main run) with a table of its own.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use xshard_models::{Checkable, Cut};
use xshard_properties::Kind;

use super::control::Control;
use super::expand::{Expander, Sym};
use super::level::{self, states, Level};
use super::table::{FpTable, Insert};
use super::{Bound, PropertyResult, Settings, Status};

/// Edges the log keeps in memory before it spills them to a temporary file.
pub(crate) const SPILL_EDGES: usize = 1 << 22;

/// No parent: an initial state.
const ROOT: u32 = u32::MAX;

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
}

/// A temporary file removed when dropped.
#[derive(Debug)]
struct Spill {
    path: PathBuf,
    out: Option<BufWriter<File>>,
}

impl Drop for Spill {
    fn drop(&mut self) {
        self.out = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The log of `(source, destination)` edges, in memory up to a threshold and then spilled.
#[derive(Debug)]
pub(crate) struct EdgeLog {
    mem: Vec<(u32, u32)>,
    spill_at: usize,
    spill: Option<Spill>,
    spilled: u64,
}

impl EdgeLog {
    /// An empty log that spills to a temporary file whenever `spill_at` edges are in memory.
    pub fn new(spill_at: usize) -> Self {
        EdgeLog {
            mem: Vec::new(),
            spill_at: spill_at.max(1),
            spill: None,
            spilled: 0,
        }
    }

    /// Appends an edge.
    #[inline]
    pub fn push(&mut self, src: u32, dst: u32) -> io::Result<()> {
        self.mem.push((src, dst));
        if self.mem.len() >= self.spill_at {
            self.flush_to_disk()?;
        }
        Ok(())
    }

    // Out of line: `push` is on the search's hot path, and this one's block buffer must not
    // make every call set up its stack frame.
    #[cold]
    #[inline(never)]
    fn flush_to_disk(&mut self) -> io::Result<()> {
        if self.spill.is_none() {
            static SEQ: AtomicU64 = AtomicU64::new(0);
            let path = std::env::temp_dir().join(format!(
                "xshard-edges-{}-{}.bin",
                std::process::id(),
                SEQ.fetch_add(1, Relaxed)
            ));
            let file = File::create(&path)?;
            self.spill = Some(Spill {
                path,
                out: Some(BufWriter::new(file)),
            });
        }
        let Some(out) = self.spill.as_mut().and_then(|s| s.out.as_mut()) else {
            return Err(io::Error::other("the edge log's spill file is closed"));
        };
        // In blocks: one write per block rather than two per edge.
        let mut block = vec![0u8; 1 << 16];
        for edges in self.mem.chunks(block.len() / 8) {
            for (e, &(s, d)) in block.chunks_exact_mut(8).zip(edges) {
                e[..4].copy_from_slice(&s.to_le_bytes());
                e[4..].copy_from_slice(&d.to_le_bytes());
            }
            out.write_all(&block[..edges.len() * 8])?;
        }
        self.spilled += self.mem.len() as u64;
        self.mem.clear();
        Ok(())
    }

    /// Edges logged.
    pub fn len(&self) -> u64 {
        self.spilled + self.mem.len() as u64
    }

    /// Whether part of the log is on disk.
    #[cfg(test)]
    pub fn is_spilled(&self) -> bool {
        self.spilled > 0
    }

    /// Calls `f` on every edge, in the order logged.
    pub fn for_each(&mut self, mut f: impl FnMut(u32, u32)) -> io::Result<()> {
        if let Some(spill) = self.spill.as_mut() {
            if let Some(out) = spill.out.as_mut() {
                out.flush()?;
            }
            // In blocks of a mebibyte: a read per edge costs more than the edge's use.
            let mut r = File::open(&spill.path)?;
            let mut block = vec![0u8; 1 << 20];
            let mut left = self.spilled as usize * 8;
            while left > 0 {
                let n = left.min(block.len());
                r.read_exact(&mut block[..n])?;
                for e in block[..n].chunks_exact(8) {
                    let s = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
                    let d = u32::from_le_bytes([e[4], e[5], e[6], e[7]]);
                    f(s, d);
                }
                left -= n;
            }
        }
        for &(s, d) in &self.mem {
            f(s, d);
        }
        Ok(())
    }
}

/// Reverse adjacency in compressed sparse row form: the predecessors of `v` are
/// `sources[offsets[v]..offsets[v + 1]]`.
#[derive(Debug, Default)]
struct Csr {
    offsets: Vec<u64>,
    sources: Vec<u32>,
}

/// The explored graph: dense ids in BFS order, the BFS tree, the edge log and (once built)
/// the reverse adjacency.
#[derive(Debug)]
pub(crate) struct StateGraph {
    /// Per id: the parent's id ([`ROOT`] for an initial state).
    parent: Vec<u32>,
    /// Per id: the action index from the parent (the initial-state index for a root).
    action: Vec<u32>,
    edges: EdgeLog,
    reverse: Option<Csr>,
}

impl StateGraph {
    /// An empty graph whose edge log spills beyond `spill_at` edges.
    pub fn new(spill_at: usize) -> Self {
        StateGraph {
            parent: Vec::new(),
            action: Vec::new(),
            edges: EdgeLog::new(spill_at),
            reverse: None,
        }
    }

    /// States (ids are `0..len`).
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// Adds a state reached from `parent` by action index `action` (an initial state: no
    /// parent, `action` is its initial-state index); its id.
    pub fn add(&mut self, parent: Option<u32>, action: u32) -> u32 {
        let id = self.parent.len() as u32;
        self.parent.push(parent.unwrap_or(ROOT));
        self.action.push(action);
        id
    }

    /// Logs an edge; invalidates the reverse adjacency.
    pub fn edge(&mut self, src: u32, dst: u32) -> io::Result<()> {
        self.reverse = None;
        self.edges.push(src, dst)
    }

    /// The encoded path of the BFS tree to `id`: initial-state index, then action indices.
    pub fn tree_path(&self, id: u32) -> Vec<usize> {
        let mut out = Vec::new();
        let mut v = id as usize;
        while self.parent[v] != ROOT {
            out.push(self.action[v] as usize);
            v = self.parent[v] as usize;
        }
        out.push(self.action[v] as usize);
        out.reverse();
        out
    }

    /// Builds the reverse adjacency from the edge log (two passes over it).
    pub fn build_reverse(&mut self) -> io::Result<()> {
        let n = self.len();
        let mut offsets = vec![0u64; n + 1];
        self.edges.for_each(|_, d| offsets[d as usize + 1] += 1)?;
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill: Vec<u64> = offsets[..n].to_vec();
        let mut sources = vec![0u32; self.edges.len() as usize];
        self.edges.for_each(|s, d| {
            let at = &mut fill[d as usize];
            sources[*at as usize] = s;
            *at += 1;
        })?;
        self.reverse = Some(Csr { offsets, sources });
        Ok(())
    }

    /// The predecessors of `v` along logged edges ([`StateGraph::build_reverse`] first).
    pub fn predecessors(&self, v: u32) -> &[u32] {
        match &self.reverse {
            Some(c) => {
                let v = v as usize;
                &c.sources[c.offsets[v] as usize..c.offsets[v + 1] as usize]
            }
            None => &[],
        }
    }

    /// Every state with a path of logged edges to a state in `seeds` (the seeds included).
    pub fn reach_backwards(&self, seeds: &Bits) -> Bits {
        let n = self.len();
        let mut reached = Bits::new(n);
        let mut stack: Vec<u32> = (0..n as u32)
            .filter(|&v| seeds.contains(v as usize))
            .collect();
        for &v in &stack {
            reached.insert(v as usize);
        }
        while let Some(v) = stack.pop() {
            for &u in self.predecessors(v) {
                if reached.insert(u as usize) {
                    stack.push(u);
                }
            }
        }
        reached
    }
}

/// What the graph pass explored.
struct Explored {
    graph: StateGraph,
    /// Per progress property (in `props` order), the done states.
    done: Vec<Bits>,
    /// States whose future the search did not cover.
    unknown: Bits,
    /// Every reachable state was stored and expanded (the depth bound cut nothing).
    complete: bool,
}

/// The graph pass's visited set and what it records per new state.
struct Pass<'a, M: Checkable> {
    model: &'a M,
    ctl: &'a Control,
    opts: &'a Settings,
    props: &'a [usize],
    table: FpTable,
    grow_at: usize,
    graph: StateGraph,
    done: Vec<Bits>,
    unknown: Bits,
    conds: Vec<bool>,
}

impl<M: Checkable> Pass<'_, M> {
    /// Stops the run when the graph cannot take another state.
    fn full(&self) -> bool {
        let n = self.graph.len();
        if self.opts.max_states.is_some_and(|m| n as u64 >= m) || n >= ROOT as usize {
            self.ctl.stop(Bound::MaxStates);
            return true;
        }
        false
    }

    /// Looks `fp` up: `Some((id, false))` for a known state; for a new one, `state()` gives
    /// it, it is stored and checked, and `Some((id, true))`; `None` when the run stops.
    fn visit<'s>(
        &mut self,
        fp: u64,
        state: impl FnOnce() -> &'s M::State,
        parent: Option<u32>,
        action: u32,
    ) -> Option<(u32, bool)>
    where
        M::State: 's,
    {
        match self.table.insert::<false>(fp) {
            Insert::Present(slot) => Some((self.table.aux(slot).load(Relaxed) as u32, false)),
            Insert::New(slot) => {
                if self.full() {
                    return None;
                }
                let id = self.graph.add(parent, action);
                self.table.aux(slot).store(u64::from(id), Relaxed);
                let s = state();
                self.model.evaluate(s, &mut self.conds);
                for (d, &p) in self.done.iter_mut().zip(self.props) {
                    if self.conds.get(p).copied().unwrap_or(true) {
                        d.insert(id as usize);
                    }
                }
                if self.model.cut(s) == Some(Cut::Horizon) {
                    self.unknown.insert(id as usize);
                }
                if self.graph.len() >= self.grow_at {
                    if self
                        .ctl
                        .would_exceed(self.table.bytes_after_growth() - self.table.bytes())
                    {
                        return None;
                    }
                    self.table.grow();
                    self.grow_at = self.table.grow_at();
                }
                Some((id, true))
            }
        }
    }
}

/// Explores `model` breadth first into a [`StateGraph`], logging the progress steps, with the
/// run's bounds and symmetry exactly as `bfs.rs` applies them.
fn explore<M: Checkable>(
    model: &M,
    opts: &Settings,
    ctl: &Control,
    props: &[usize],
    spill_at: usize,
) -> io::Result<Explored> {
    let sym = Sym::new(sym(model, opts), false);
    let spill = level::Spill::new(&ctl.spilled);
    let budget = ctl.max_memory().map(|m| (m / level::LEVEL_SHARE) as usize);
    let table = FpTable::new(Some(u64::MAX));
    let mut pass = Pass {
        model,
        ctl,
        opts,
        props,
        grow_at: table.grow_at(),
        table,
        graph: StateGraph::new(spill_at),
        done: props.iter().map(|_| Bits::default()).collect(),
        unknown: Bits::default(),
        conds: Vec::new(),
    };
    let mut x = Expander::new(model);
    let mut frontier = Level::new(budget);
    // The main run's depth bound has already stopped `ctl`; this pass applies it itself.
    let halt = || ctl.reason().is_some_and(|b| b != Bound::MaxDepth);
    let mut depth_cut = false;
    let mut packed = Vec::new();
    for (i, init) in model.init_states().into_iter().enumerate() {
        if !model.within_boundary(&init) {
            continue;
        }
        packed.clear();
        let fp = x.pack_into(model, sym, &init, &mut packed);
        let Expander { scratch, child, .. } = &mut x;
        let visited = pass.visit(
            fp,
            || {
                model.unpack(&packed, scratch, child);
                &*child
            },
            None,
            i as u32,
        );
        match visited {
            Some((_, true)) => frontier.push(&packed, &spill)?,
            Some((_, false)) => {}
            None => break,
        }
    }
    frontier.finish();
    // States with ids below `expanded` have every successor stored and every progress edge
    // logged.
    let mut expanded = 0u32;
    let mut depth = 0u64;
    let mut actions = Vec::new();
    let mut buf = Vec::new();
    'levels: while !frontier.is_empty() && !halt() {
        depth += 1;
        let last = opts.max_depth.is_some_and(|d| depth >= d);
        let mut next = Level::new(budget);
        for k in 0..frontier.chunks() {
            if halt() {
                break 'levels;
            }
            let chunk = frontier.chunk(k, &mut buf)?;
            for s in states(chunk) {
                let id = expanded;
                x.load(model, s);
                x.expand(model, sym, true, &mut actions);
                for n in 0..x.succ.len() {
                    let succ = x.succ[n];
                    if succ.capped {
                        // Not faithful, never stored: what follows it is unknown.
                        pass.unknown.insert(id as usize);
                        continue;
                    }
                    if last {
                        // Checked but not expanded: link what is already known, and leave
                        // the rest unknown.
                        match pass.table.find(succ.fp) {
                            Some(slot) if succ.progress => {
                                let dst = pass.table.aux(slot).load(Relaxed) as u32;
                                if dst != id {
                                    pass.graph.edge(id, dst)?;
                                }
                            }
                            Some(_) => {}
                            None => {
                                depth_cut = true;
                                pass.unknown.insert(id as usize);
                            }
                        }
                        continue;
                    }
                    let visited =
                        pass.visit(succ.fp, || x.successor(model, n), Some(id), succ.action);
                    match visited {
                        Some((dst, new)) => {
                            if succ.progress && dst != id {
                                pass.graph.edge(id, dst)?;
                            }
                            if new {
                                next.push(x.packed(n), &spill)?;
                            }
                        }
                        None => break 'levels,
                    }
                }
                expanded += 1;
            }
            frontier.release(k);
        }
        next.finish();
        frontier = next;
    }
    ctl.sample();
    let mut unknown = pass.unknown;
    for v in expanded as usize..pass.graph.len() {
        unknown.insert(v);
    }
    Ok(Explored {
        graph: pass.graph,
        done: pass.done,
        unknown,
        complete: !depth_cut && !halt(),
    })
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

/// Judges the model's `progress` properties on a graph explored by a pass of its own (the
/// depth-first strategy, whose own search has no BFS order) and writes their results into
/// `results` (one per property of the model, in declaration order).
pub(super) fn run<M: Checkable>(
    model: &M,
    opts: &Settings,
    ctl: &Control,
    results: &mut [PropertyResult],
    spill_at: usize,
) -> io::Result<()> {
    let props = progress_props(model);
    if props.is_empty() || stopped_early(ctl, &props, results) {
        return Ok(());
    }
    let ex = explore(model, opts, ctl, &props, spill_at)?;
    judge(model, opts, &props, ex, results)
}

/// Judges the `progress` properties on the graph a breadth-first search recorded as it went
/// ([`Recorder`]).
pub(super) fn judge_recorded<M: Checkable>(
    model: &M,
    opts: &Settings,
    ctl: &Control,
    results: &mut [PropertyResult],
    rec: Recorder,
) -> io::Result<()> {
    let props = rec.props.clone();
    if stopped_early(ctl, &props, results) {
        return Ok(());
    }
    judge(model, opts, &props, rec.finish(), results)
}

/// When the main run stopped early (time, memory, states, interruption), its results for the
/// progress properties are inconclusive: the graph is partial, and a second pass would stop
/// too. Whether it did.
fn stopped_early(ctl: &Control, props: &[usize], results: &mut [PropertyResult]) -> bool {
    if ctl.reason().is_some_and(|b| b != Bound::MaxDepth) {
        for &p in props {
            results[p].status = Status::Inconclusive;
        }
        return true;
    }
    false
}

fn judge<M: Checkable>(
    model: &M,
    opts: &Settings,
    props: &[usize],
    mut ex: Explored,
    results: &mut [PropertyResult],
) -> io::Result<()> {
    ex.graph.build_reverse()?;
    let n = ex.graph.len();
    for (done, &p) in ex.done.iter().zip(props) {
        // The states that might finish: those reaching a done state or one whose future is
        // unknown. A state whose future was not explored (cut by the horizon or the copy cap,
        // beyond the depth bound) may lead to stuck states nobody saw, even when it can finish
        // itself: AG EF done over the explored part says nothing of them, so with any such
        // state the verdict is at best inconclusive. Without one the states that might finish
        // are the states that finish, so one backward search decides both.
        let undecided_future = !ex.unknown.is_empty();
        let might = if undecided_future {
            let mut maybe = done.clone();
            maybe.union_with(&ex.unknown);
            ex.graph.reach_backwards(&maybe)
        } else {
            ex.graph.reach_backwards(done)
        };
        let stuck = (0..n).filter(|&v| !might.contains(v)).count() as u64;
        let first = (0..n).find(|&v| !might.contains(v));
        let undecided = undecided_future || stuck > 0;
        let r = &mut results[p];
        r.stuck_states = Some(stuck);
        (r.status, r.path) = match first {
            Some(v) => (
                Status::Violated,
                Some(tree_path(model, sym(model, opts), &ex.graph, v)),
            ),
            None if undecided || !ex.complete => (Status::Inconclusive, None),
            None => (Status::Holds, None),
        };
    }
    Ok(())
}

/// The graph a breadth-first search records while it explores, so that `progress` needs no
/// pass of its own: ids are the search's own order (level by level, each level in its
/// deterministic order, whatever the thread count), so the graph, and every verdict, path and
/// count drawn from it, are those the separate pass computes. The search calls
/// [`Recorder::add`] for each new state in id order, [`Recorder::judged`] as it judges one,
/// [`Recorder::edge`] for each progress step and [`Recorder::unknown`] for a state whose
/// successors it cut.
///
/// One difference in what is stored: a successor cut by the copy cap is a state of the main
/// search (judged, never expanded) but not of the separate pass. Here it is a state with no
/// edge into it, whose future is unknown, which changes no verdict, path or stuck count: its
/// predecessors are unknown either way (the search marks each state with a capped successor).
#[derive(Debug)]
pub(crate) struct Recorder {
    props: Vec<usize>,
    graph: StateGraph,
    done: Vec<Bits>,
    unknown: Bits,
    /// The depth bound cut a successor not otherwise reached.
    depth_cut: bool,
}

impl Recorder {
    /// A recorder for `model`'s progress properties (`None`: it declares none) whose edge log
    /// spills beyond `spill_at` edges.
    pub fn new<M: Checkable>(model: &M, spill_at: usize) -> Option<Self> {
        let props = progress_props(model);
        if props.is_empty() || props.len() >= 64 {
            return None;
        }
        Some(Recorder {
            done: props.iter().map(|_| Bits::default()).collect(),
            props,
            graph: StateGraph::new(spill_at),
            unknown: Bits::default(),
            depth_cut: false,
        })
    }

    /// Records a new state, reached from `parent` by action index `action` (an initial
    /// state: no parent, its initial-state index); its id, or `None` when ids are exhausted.
    #[inline]
    pub fn add(&mut self, parent: Option<u32>, action: u32) -> Option<u32> {
        (self.graph.len() < ROOT as usize - 1).then(|| self.graph.add(parent, action))
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

    /// Records a progress step (self-loops are left out).
    #[inline]
    pub fn edge(&mut self, src: u32, dst: u32) -> io::Result<()> {
        if src != dst {
            self.graph.edge(src, dst)?;
        }
        Ok(())
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

    /// Marks a state done for the `k`-th progress property and/or unknown, from a mark a
    /// parallel worker took ([`Recorder::mark_of`]).
    #[inline]
    pub fn apply_mark(&mut self, id: u32, mark: u64) {
        if mark & MARK_UNKNOWN != 0 {
            self.unknown.insert(id as usize);
        }
        for (k, d) in self.done.iter_mut().enumerate() {
            if mark & (1 << k) != 0 {
                d.insert(id as usize);
            }
        }
    }

    /// What [`Recorder::judged`] would record, as a word a parallel worker keeps until the
    /// level is merged (bit `k`: done for the `k`-th progress property; [`MARK_UNKNOWN`]).
    #[inline]
    pub fn mark_of(props: &[usize], conds: &[bool], cut: Option<Cut>) -> u64 {
        let mut m = match cut {
            Some(Cut::CopyCap) => return MARK_UNKNOWN,
            Some(Cut::Horizon) => MARK_UNKNOWN,
            None => 0,
        };
        for (k, &p) in props.iter().enumerate() {
            if conds.get(p).copied().unwrap_or(true) {
                m |= 1 << k;
            }
        }
        m
    }

    /// The progress properties' indices.
    pub fn props(&self) -> &[usize] {
        &self.props
    }

    fn finish(self) -> Explored {
        Explored {
            graph: self.graph,
            done: self.done,
            unknown: self.unknown,
            complete: !self.depth_cut,
        }
    }
}

/// The unknown bit of a parallel worker's mark ([`Recorder::mark_of`]); the low bits are the
/// progress properties' done bits, so a model may declare at most 63 of them for the
/// breadth-first search to record its graph (more: the separate pass).
pub(crate) const MARK_UNKNOWN: u64 = 1 << 63;

fn sym<M: Checkable>(model: &M, opts: &Settings) -> bool {
    opts.symmetry && model.has_symmetry()
}

/// The concrete encoded path to `id`: the tree's path, mapped onto concrete states when the
/// graph holds canonical representatives.
fn tree_path<M: Checkable>(model: &M, sym: bool, graph: &StateGraph, id: usize) -> Vec<usize> {
    let path = graph.tree_path(id as u32);
    if !sym {
        return path;
    }
    super::path::concrete_path(model, path[0], &path[1..])
}
