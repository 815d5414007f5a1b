//! Level-synchronous breadth-first search, sequential or parallel, with deterministic shortest
//! counterexamples (the rule is stated in the [module documentation](super)).
//!
//! Memory: the visited set (8 bytes per slot, 16 with parallel claims), plus per distinct
//! state one `u64` in its level's tree array — the position of its parent in the previous
//! level and the action index — plus the states of the current and the next level.
//!
//! Determinism with several threads: workers take chunks of the current level (in increasing
//! order, from a shared cursor) and insert successors into the shared table. Every discoverer
//! of a state new in this level — the one whose insertion wins and every later one — offers a
//! *claim* `(parent position, action index)` for it in the aux word next to its slot, and the
//! smallest claim stays (a compare-and-swap loop). At the end of the level each new state takes
//! its smallest claim as its parent and action, and the level is sorted by it. The result —
//! parent, action and position of every state — is exactly what the sequential search
//! computes, whatever the thread count or timing.
//!
//! The aux word carries the level's tag (12 bits, cycling) above the claim (52 bits: 32 for
//! the parent position, 20 for the action index), and parallel runs store every fingerprint
//! with the table's flag bit, which means "the aux word has been written or is about to be":
//! a hit on a flagged slot whose tag is the current level's (or still the empty tag 0) is a
//! state new in this level. Nothing has to be cleared between levels, and the winner of an
//! insertion knows its own claim is final unless another worker lowered it; those workers
//! report what they lowered, and only those states' aux words are read back at the end of the
//! level.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

use xshard_models::Checkable;
use xshard_properties::Kind;

use super::control::Control;
use super::fingerprint::{fingerprint, FLAG};
use super::table::{FpTable, Insert};
use super::{hit, status, successors, Bound, Options, PropertyResult, Report, Stats, Strategy};

/// States a worker takes from the level at a time.
const CHUNK: usize = 64;
/// States expanded together, so that the cache misses of their successors' table slots
/// overlap.
const GROUP: usize = 4;
/// Bits of the aux word below the level tag.
const TAG_SHIFT: u32 = 52;
const KEY_MASK: u64 = (1 << TAG_SHIFT) - 1;
/// Bits of a claim for the action index.
const ACTION_BITS: u32 = 20;

/// The tag of level `level` (never 0, the tag of an unwritten aux word).
fn tag_of(level: usize) -> u64 {
    (level as u64 % 4095) + 1
}

/// A claim: the parent's position in its level and the action index.
#[inline]
fn claim_key(parent: usize, action: u32) -> u64 {
    debug_assert!(action < 1 << ACTION_BITS && (parent as u64) < 1 << 32);
    ((parent as u64) << ACTION_BITS) | u64::from(action)
}

/// A claim as a tree entry (`pack`).
#[inline]
fn key_to_tree(key: u64) -> u64 {
    pack(
        (key >> ACTION_BITS) as usize,
        (key & ((1 << ACTION_BITS) - 1)) as u32,
    )
}

#[inline]
fn pack(parent: usize, action: u32) -> u64 {
    ((parent as u64) << 32) | u64::from(action)
}

/// What is shared by every strategy-independent part of a BFS run.
struct Ctx<'a, M: Checkable> {
    model: &'a M,
    ctl: &'a Control,
    kinds: Vec<(&'static str, Kind)>,
    /// Canonicalise states (symmetry requested and the model has some).
    sym: bool,
    max_states: Option<u64>,
}

impl<M: Checkable> Ctx<'_, M> {
    #[inline(always)]
    fn canon(&self, s: M::State) -> M::State {
        if self.sym {
            self.model.representative(&s)
        } else {
            s
        }
    }
}

/// The tree: per level, per state, its parent's position and action (`pack`); level 0 holds
/// initial-state indices.
type Tree = Vec<Vec<u64>>;

pub(super) fn run<M: Checkable>(model: &M, opts: &Options, ctl: &Control) -> Report {
    let threads = opts.threads.max(1);
    let cx = Ctx {
        model,
        ctl,
        kinds: model.property_kinds(),
        sym: opts.symmetry && model.has_symmetry(),
        max_states: opts.max_states,
    };
    let nprops = cx.kinds.len();
    let mut table = FpTable::new((threads > 1).then_some(0));
    let mut tree: Tree = Vec::new();
    let mut found: Vec<Option<(usize, usize)>> = vec![None; nprops];
    let mut generated = 0u64;
    let mut distinct = 0u64;
    let mut cut = false;

    // Level 1: the initial states, in order, without duplicates.
    let mut frontier = Vec::new();
    let mut level0 = Vec::new();
    for (i, init) in model.init_states().into_iter().enumerate() {
        if !model.within_boundary(&init) {
            continue;
        }
        generated += 1;
        let c = cx.canon(init);
        if let Insert::New(_) = table.insert::<false>(fingerprint(&c), 0) {
            if cx.max_states.is_some_and(|m| distinct >= m) {
                ctl.stop(Bound::MaxStates);
                break;
            }
            distinct += 1;
            frontier.push(c);
            level0.push(i as u64);
        }
    }
    tree.push(level0);

    let mut depth = 0u64;
    while !frontier.is_empty() && !ctl.stopped() {
        let level = tree.len() - 1;
        depth = level as u64 + 1;
        ctl.depth.store(depth, Relaxed);
        let last = opts.max_depth.is_some_and(|d| depth >= d);
        let out = if threads == 1 {
            level_seq(&cx, &mut table, &frontier, last, &mut distinct)
        } else {
            level_par(
                &cx,
                &mut table,
                &frontier,
                last,
                threads,
                level,
                &mut distinct,
            )
        };
        generated += out.generated;
        cut |= out.cut;
        for (f, hit) in found.iter_mut().zip(out.found) {
            if f.is_none() {
                *f = hit.map(|i| (level, i));
            }
        }
        ctl.generated.store(generated, Relaxed);
        ctl.distinct.store(distinct, Relaxed);
        if out.next.is_empty() {
            break;
        }
        frontier = out.next;
        tree.push(out.tree);
    }
    if cut {
        ctl.stop(Bound::MaxDepth);
    }
    let stopped_by = ctl.reason();
    let complete = stopped_by.is_none();
    let properties = cx
        .kinds
        .iter()
        .zip(&found)
        .map(|(&(name, kind), at)| PropertyResult {
            name,
            kind,
            status: status(kind, at.is_some(), complete),
            path: at.map(|at| path(&cx, &tree, at)),
        })
        .collect();
    Report {
        properties,
        stats: Stats {
            generated_states: generated,
            distinct_states: distinct,
            max_depth: depth,
            engine: "xshard",
            strategy: Strategy::Bfs,
            ..Stats::default()
        },
        stopped_by,
    }
}

/// The outcome of one level.
struct LevelOut<S> {
    /// The next level, in order, and its tree entries.
    next: Vec<S>,
    tree: Vec<u64>,
    generated: u64,
    /// Per property, the first position in this level that hits it.
    found: Vec<Option<usize>>,
    /// A state at the depth bound has a successor not otherwise reached.
    cut: bool,
}

/// Checks the properties on `s`, at position `i`.
#[inline]
fn note<M: Checkable>(
    cx: &Ctx<'_, M>,
    s: &M::State,
    i: usize,
    conds: &mut Vec<bool>,
    found: &mut [Option<usize>],
) {
    cx.model.evaluate(s, conds);
    for ((f, &(_, kind)), &c) in found.iter_mut().zip(&cx.kinds).zip(conds.iter()) {
        if hit(kind, c) && f.map_or(true, |j| i < j) {
            *f = Some(i);
        }
    }
}

/// Whether some successor of `s` (at the depth bound) was not reached otherwise.
fn beyond_bound<M: Checkable>(
    cx: &Ctx<'_, M>,
    table: &FpTable,
    s: &M::State,
    actions: &mut Vec<M::Action>,
    succ: &mut Vec<(u32, M::State)>,
) -> (u64, bool) {
    succ.clear();
    successors(cx.model, s, actions, succ);
    let n = succ.len() as u64;
    let cut = succ
        .drain(..)
        .any(|(_, next)| !table.contains(fingerprint(&cx.canon(next))));
    (n, cut)
}

fn level_seq<M: Checkable>(
    cx: &Ctx<'_, M>,
    table: &mut FpTable,
    frontier: &[M::State],
    last: bool,
    distinct: &mut u64,
) -> LevelOut<M::State> {
    let mut out = LevelOut {
        next: Vec::new(),
        tree: Vec::new(),
        generated: 0,
        found: vec![None; cx.kinds.len()],
        cut: false,
    };
    let mut conds = Vec::new();
    let mut actions = Vec::new();
    let mut succ: Vec<(u32, M::State)> = Vec::new();
    let mut batch: Vec<(u64, usize, u32, M::State)> = Vec::new();
    let mut grow_at = table.grow_at() as u64;
    let mut flushed = 0u64;
    'groups: for (g, group) in frontier.chunks(GROUP).enumerate() {
        let base = g * GROUP;
        if base % 256 == 0 {
            if cx.ctl.stopped() {
                break;
            }
            cx.ctl.generated.fetch_add(out.generated - flushed, Relaxed);
            flushed = out.generated;
            cx.ctl.distinct.store(*distinct, Relaxed);
        }
        for (k, s) in group.iter().enumerate() {
            let i = base + k;
            note(cx, s, i, &mut conds, &mut out.found);
            if last {
                let (n, cut) = beyond_bound(cx, table, s, &mut actions, &mut succ);
                out.generated += n;
                out.cut |= cut;
                continue;
            }
            succ.clear();
            successors(cx.model, s, &mut actions, &mut succ);
            out.generated += succ.len() as u64;
            for (a, next) in succ.drain(..) {
                let c = cx.canon(next);
                batch.push((fingerprint(&c), i, a, c));
            }
        }
        table.touch_all(batch.iter().map(|e| e.0));
        for (fp, i, a, c) in batch.drain(..) {
            if let Insert::New(_) = table.insert::<false>(fp, 0) {
                if cx.max_states.is_some_and(|m| *distinct >= m) {
                    cx.ctl.stop(Bound::MaxStates);
                    break 'groups;
                }
                *distinct += 1;
                out.next.push(c);
                out.tree.push(pack(i, a));
                if *distinct >= grow_at {
                    if cx
                        .ctl
                        .would_exceed(table.bytes_after_growth() - table.bytes())
                    {
                        break 'groups;
                    }
                    table.grow();
                    grow_at = table.grow_at() as u64;
                }
            }
        }
    }
    out
}

/// Per-worker result of a parallel phase (aligned so that two workers' counters never share a
/// cache line).
#[repr(align(128))]
struct WorkerOut<S> {
    /// States this worker inserted first, with its own claim (increasing: chunks are taken in
    /// order) and the canonical state.
    winners: Vec<(u64, S)>,
    /// Fingerprints of states this worker inserted second or later and whose claim it lowered.
    lowered: Vec<u64>,
    found: Vec<Option<usize>>,
    generated: u64,
    cut: bool,
}

/// State shared by the workers of one parallel level.
struct Shared<'a, S> {
    frontier: &'a [S],
    /// The tag of this level's claims.
    tag: u64,
    has_leftovers: AtomicBool,
    cursor: AtomicUsize,
    /// Chunks interrupted by a pause, to finish first in the next phase.
    leftovers: Mutex<Vec<Range<usize>>>,
    pause: AtomicBool,
    /// Entries in the table (flushed by workers every chunk).
    count: AtomicU64,
    grow_at: u64,
    /// With `--max-states`: distinct states accepted so far.
    accepted: AtomicU64,
    last: bool,
}

impl<S> Shared<'_, S> {
    fn next_chunk(&self) -> Option<Range<usize>> {
        if self.has_leftovers.load(Relaxed) {
            if let Ok(mut l) = self.leftovers.lock() {
                if let Some(r) = l.pop() {
                    return Some(r);
                }
                self.has_leftovers.store(false, Relaxed);
            }
        }
        let start = self.cursor.fetch_add(CHUNK, Relaxed);
        (start < self.frontier.len()).then(|| start..(start + CHUNK).min(self.frontier.len()))
    }

    fn exhausted(&self) -> bool {
        self.cursor.load(Relaxed) >= self.frontier.len()
            && self.leftovers.lock().map_or(true, |l| l.is_empty())
    }
}

fn level_par<M: Checkable>(
    cx: &Ctx<'_, M>,
    table: &mut FpTable,
    frontier: &[M::State],
    last: bool,
    threads: usize,
    level: usize,
    distinct: &mut u64,
) -> LevelOut<M::State> {
    let mut outs: Vec<WorkerOut<M::State>> = (0..threads)
        .map(|_| WorkerOut {
            winners: Vec::new(),
            lowered: Vec::new(),
            found: vec![None; cx.kinds.len()],
            generated: 0,
            cut: false,
        })
        .collect();
    let mut shared = Shared {
        frontier,
        tag: tag_of(level),
        has_leftovers: AtomicBool::new(false),
        cursor: AtomicUsize::new(0),
        leftovers: Mutex::new(Vec::new()),
        pause: AtomicBool::new(false),
        count: AtomicU64::new(*distinct),
        grow_at: table.grow_at() as u64,
        accepted: AtomicU64::new(*distinct),
        last,
    };
    // Expansion phases, separated by table growth.
    loop {
        {
            let t: &FpTable = table;
            let sh = &shared;
            std::thread::scope(|s| {
                for o in outs.iter_mut() {
                    s.spawn(move || expand_worker(cx, t, sh, o));
                }
            });
        }
        if cx.ctl.stopped() {
            break;
        }
        if shared.pause.load(Relaxed) {
            if cx
                .ctl
                .would_exceed(table.bytes_after_growth() - table.bytes())
            {
                break;
            }
            table.grow();
            shared.grow_at = table.grow_at() as u64;
            shared.pause.store(false, Relaxed);
            continue;
        }
        if shared.exhausted() {
            break;
        }
    }
    let generated = outs.iter().map(|o| o.generated).sum();
    let cut = outs.iter().any(|o| o.cut);
    let mut found = vec![None; cx.kinds.len()];
    for o in &outs {
        for (f, h) in found.iter_mut().zip(&o.found) {
            if let Some(i) = *h {
                if f.map_or(true, |j| i < j) {
                    *f = Some(i);
                }
            }
        }
    }
    let new: u64 = outs.iter().map(|o| o.winners.len() as u64).sum();
    *distinct += new;
    if cx.ctl.stopped() {
        // A partial level: its order does not matter, it will not be expanded.
        return LevelOut {
            next: Vec::new(),
            tree: Vec::new(),
            generated,
            found,
            cut,
        };
    }
    // Resolve claims: a winner's own claim is final unless another worker lowered it; read
    // those back. Then every worker's list is sorted and the lists merge.
    let lowered: std::collections::HashSet<u64> = outs
        .iter_mut()
        .flat_map(|o| std::mem::take(&mut o.lowered))
        .collect();
    let t: &FpTable = table;
    let low = &lowered;
    let lists: Vec<Vec<(u64, M::State)>> = std::thread::scope(|s| {
        let handles: Vec<_> = outs
            .into_iter()
            .map(|o| {
                s.spawn(move || {
                    let mut v = o.winners;
                    if !low.is_empty() {
                        for (key, c) in v.iter_mut() {
                            let fp = fingerprint(&*c);
                            if low.contains(&fp) {
                                if let Some(slot) = t.find(fp) {
                                    *key = t.aux(slot).load(Relaxed) & KEY_MASK;
                                }
                            }
                        }
                        v.sort_by_key(|e| e.0);
                    }
                    v
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let (next, tree) = merge(lists);
    LevelOut {
        next,
        tree,
        generated,
        found,
        cut,
    }
}

/// Merges lists sorted by key into one level and its tree entries.
fn merge<S>(lists: Vec<Vec<(u64, S)>>) -> (Vec<S>, Vec<u64>) {
    let total = lists.iter().map(Vec::len).sum();
    let mut next = Vec::with_capacity(total);
    let mut tree = Vec::with_capacity(total);
    let mut iters: Vec<_> = lists
        .into_iter()
        .map(|l| l.into_iter().peekable())
        .collect();
    let mut heap = BinaryHeap::new();
    for (k, it) in iters.iter_mut().enumerate() {
        if let Some(&(key, _)) = it.peek() {
            heap.push(Reverse((key, k)));
        }
    }
    while let Some(Reverse((_, k))) = heap.pop() {
        if let Some((key, s)) = iters[k].next() {
            next.push(s);
            tree.push(key_to_tree(key));
        }
        if let Some(&(key, _)) = iters[k].peek() {
            heap.push(Reverse((key, k)));
        }
    }
    (next, tree)
}

fn expand_worker<M: Checkable>(
    cx: &Ctx<'_, M>,
    table: &FpTable,
    sh: &Shared<'_, M::State>,
    out: &mut WorkerOut<M::State>,
) {
    let mut conds = Vec::new();
    let mut actions = Vec::new();
    let mut succ: Vec<(u32, M::State)> = Vec::new();
    let mut batch: Vec<(u64, u32, M::State)> = Vec::new();
    let mut unflushed_new = 0u64;
    let mut unflushed_gen = 0u64;
    'chunks: while let Some(range) = sh.next_chunk() {
        let end = range.end;
        for i in range {
            if cx.ctl.stopped() || sh.pause.load(Relaxed) {
                if let Ok(mut l) = sh.leftovers.lock() {
                    l.push(i..end);
                    sh.has_leftovers.store(true, Relaxed);
                }
                break 'chunks;
            }
            let s = &sh.frontier[i];
            note(cx, s, i, &mut conds, &mut out.found);
            if sh.last {
                let (n, cut) = beyond_bound(cx, table, s, &mut actions, &mut succ);
                out.generated += n;
                out.cut |= cut;
                continue;
            }
            succ.clear();
            successors(cx.model, s, &mut actions, &mut succ);
            out.generated += succ.len() as u64;
            unflushed_gen += succ.len() as u64;
            for (a, next) in succ.drain(..) {
                let c = cx.canon(next);
                let fp = fingerprint(&c);
                batch.push((fp, a, c));
            }
            table.touch_all(batch.iter().map(|e| e.0));
            for (fp, a, c) in batch.drain(..) {
                let key = claim_key(i, a);
                match table.insert::<true>(fp, FLAG) {
                    Insert::New(slot) => {
                        claim(table, slot, sh.tag, key);
                        if let Some(m) = cx.max_states {
                            if sh.accepted.fetch_add(1, Relaxed) >= m {
                                cx.ctl.stop(Bound::MaxStates);
                                continue;
                            }
                        }
                        out.winners.push((key, c));
                        unflushed_new += 1;
                    }
                    Insert::Present { slot, .. } => {
                        if claim(table, slot, sh.tag, key) {
                            out.lowered.push(fp);
                        }
                    }
                }
            }
            if unflushed_new >= 1024 {
                let count = sh.count.fetch_add(unflushed_new, Relaxed) + unflushed_new;
                cx.ctl.distinct.fetch_add(unflushed_new, Relaxed);
                unflushed_new = 0;
                if count >= sh.grow_at {
                    sh.pause.store(true, Relaxed);
                }
            }
        }
        let count = sh.count.fetch_add(unflushed_new, Relaxed) + unflushed_new;
        cx.ctl.distinct.fetch_add(unflushed_new, Relaxed);
        cx.ctl.generated.fetch_add(unflushed_gen, Relaxed);
        unflushed_new = 0;
        unflushed_gen = 0;
        if count >= sh.grow_at {
            sh.pause.store(true, Relaxed);
        }
    }
    sh.count.fetch_add(unflushed_new, Relaxed);
    cx.ctl.distinct.fetch_add(unflushed_new, Relaxed);
    cx.ctl.generated.fetch_add(unflushed_gen, Relaxed);
}

/// Offers claim `key` of level tag `tag` for the state at `slot`: lowers the state's claim if
/// the state is new in this level and `key` is smaller. Whether it lowered it.
#[inline]
fn claim(table: &FpTable, slot: usize, tag: u64, key: u64) -> bool {
    let aux = table.aux(slot);
    let mine = (tag << TAG_SHIFT) | key;
    let mut cur = aux.load(Relaxed);
    loop {
        let cur_tag = cur >> TAG_SHIFT;
        if cur_tag == tag {
            if cur <= mine {
                return false;
            }
        } else if cur_tag != 0 {
            // A state of an earlier level.
            return false;
        }
        match aux.compare_exchange_weak(cur, mine, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(now) => cur = now,
        }
    }
}

/// The encoded action path to the state at `(level, position)`.
fn path<M: Checkable>(cx: &Ctx<'_, M>, tree: &Tree, (level, pos): (usize, usize)) -> Vec<usize> {
    let mut actions = Vec::with_capacity(level);
    let mut j = pos;
    for l in (1..=level).rev() {
        let e = tree[l][j];
        actions.push((e & 0xffff_ffff) as usize);
        j = (e >> 32) as usize;
    }
    actions.reverse();
    let init = tree[0][j] as usize;
    let mut path = Vec::with_capacity(level + 1);
    path.push(init);
    if !cx.sym {
        path.extend(actions);
        return path;
    }
    // The tree's actions are relative to canonical states: follow the canonical chain and, on
    // the concrete states, take the smallest action reaching the next canonical state.
    let model = cx.model;
    let Some(mut concrete) = model.init_states().into_iter().nth(init) else {
        return path;
    };
    let mut canonical = cx.canon(concrete.clone());
    let mut acts = Vec::new();
    for a in actions {
        acts.clear();
        model.actions(&canonical, &mut acts);
        let Some(next_c) = acts
            .get(a)
            .cloned()
            .and_then(|act| model.next_state(&canonical, act))
            .map(|n| cx.canon(n))
        else {
            break;
        };
        acts.clear();
        model.actions(&concrete, &mut acts);
        let step = acts.iter().enumerate().find_map(|(b, act)| {
            let n = model.next_state(&concrete, act.clone())?;
            (model.within_boundary(&n) && cx.canon(n.clone()) == next_c).then_some((b, n))
        });
        let Some((b, n)) = step else {
            break;
        };
        path.push(b);
        concrete = n;
        canonical = next_c;
    }
    path
}
