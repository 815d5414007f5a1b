//! Level-synchronous breadth-first search, sequential or parallel, with deterministic shortest
//! counterexamples (the rule is stated in the [module documentation](super)).
//!
//! Memory: the visited set (8 bytes per slot), plus per distinct state one `u64` in its level's
//! tree array — the position of its parent in the previous level and the action index — plus
//! the states of the current and the next level.
//!
//! Sequentially, a level is expanded in order and each successor is inserted in action order,
//! so the first discovery of a state is its smallest `(parent position, action index)`, and the
//! new level comes out sorted by it. With several threads the visited set is split by
//! fingerprint into one partition per worker, and a level runs as an ordered pipeline (see
//! `level_par`): every partition sees its insertions in exactly the sequential order, so the
//! parallel search computes the same levels, parents and actions as the sequential one,
//! whatever the thread count or timing.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

use xshard_models::Checkable;
use xshard_properties::Kind;

use super::control::Control;
use super::fingerprint::fingerprint;
use super::table::{FpTable, Insert};
use super::{hit, report, successors, Bound, Counts, Report, Settings, Strategy};

/// States expanded together, so that the cache misses of their successors' table slots
/// overlap.
const GROUP: usize = 4;

/// A tree entry: the parent's position in its level and the action index.
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
            self.model.representative_owned(s)
        } else {
            s
        }
    }
}

/// The tree: per level, per state, its parent's position and action (`pack`); level 0 holds
/// initial-state indices.
type Tree = Vec<Vec<u64>>;

pub(super) fn run<M: Checkable>(model: &M, opts: &Settings, ctl: &Control) -> Report {
    let threads = opts.threads.max(1);
    let cx = Ctx {
        model,
        ctl,
        kinds: super::kinds_with_cuts(model),
        sym: opts.symmetry && model.has_symmetry(),
        max_states: opts.max_states,
    };
    let nprops = cx.kinds.len();
    // One table, or one partition per worker (see `level_par`).
    let mut table = FpTable::new(None);
    let mut parts: Vec<Partition> = if threads > 1 {
        (0..threads)
            .map(|_| Partition {
                table: FpTable::new(None),
                len: 0,
            })
            .collect()
    } else {
        Vec::new()
    };
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
        let fp = fingerprint(&c);
        let inserted = if parts.is_empty() {
            table.insert::<false>(fp)
        } else {
            let n = parts.len();
            let p = &mut parts[part_of(fp, n)];
            p.len += 1;
            p.table.insert::<false>(fp)
        };
        if let Insert::New(_) = inserted {
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
            level_par(&cx, &mut parts, &frontier, last, &mut distinct)
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
    ctl.sample();
    let paths = found
        .iter()
        .map(|at| at.map(|at| path(&cx, &tree, at)))
        .collect();
    report(
        &cx.kinds,
        paths,
        ctl.reason(),
        Some(ctl.cut_states.each_ref().map(|n| n.load(Relaxed))),
        Counts {
            generated,
            distinct,
            depth,
            engine: "xshard",
            strategy: Strategy::Bfs,
        },
    )
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
    super::judge(cx.model, &cx.kinds, &cx.ctl.cut_states, s, conds);
    for ((f, &(_, kind)), &c) in found.iter_mut().zip(&cx.kinds).zip(conds.iter()) {
        if hit(kind, c) && f.is_none_or(|j| i < j) {
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
        if base.is_multiple_of(256) {
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
            if let Insert::New(_) = table.insert::<false>(fp) {
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

/// States per chunk of a parallel level.
const PCHUNK: usize = 256;
/// Lookups whose cache misses a worker overlaps.
const TOUCH: usize = 32;
/// Chunks a partition's queue holds: producers stay at most this far ahead of the slowest
/// partition.
const WINDOW: usize = 32;

/// Successors routed to one partition from one chunk, in `(position, action)` order.
struct Batch<S> {
    /// Fingerprint, tree entry (`pack`) and canonical state.
    items: Vec<(u64, u64, S)>,
    /// At the depth bound: fingerprints to look up only.
    probes: Vec<u64>,
}

/// One partition's queue of batches, indexed by chunk number modulo [`WINDOW`].
struct Queue<S> {
    slots: Vec<Mutex<Option<(usize, Batch<S>)>>>,
    /// The next chunk this partition's owner will take (cache-line aligned).
    consumed: Padded<AtomicUsize>,
}

#[repr(align(128))]
struct Padded<T>(T);

/// One partition of the visited set of a parallel run, and how many entries it holds.
struct Partition {
    table: FpTable,
    len: u64,
}

/// The partition (visited table) of a fingerprint.
#[inline]
fn part_of(fp: u64, parts: usize) -> usize {
    // The tables place fingerprints by their high bits; partition by the low ones.
    ((fp >> 2) % parts as u64) as usize
}

/// What the workers of one parallel level share.
struct Level<'a, S> {
    frontier: &'a [S],
    nchunks: usize,
    /// The next chunk to expand.
    cursor: AtomicUsize,
    queues: Vec<Queue<S>>,
    last: bool,
    /// With `max_states`: distinct states accepted so far.
    accepted: AtomicU64,
}

/// One worker's part of a level: it owns one partition of the visited set.
#[repr(align(128))]
struct Part<'t, S> {
    table: &'t mut Partition,
    /// States new in this level, in key order (`pack`).
    winners: Vec<(u64, S)>,
    found: Vec<Option<usize>>,
    generated: u64,
    cut: bool,
    /// Emptied batch buffers, for reuse.
    spare: Vec<Batch<S>>,
}

/// A parallel level: an ordered pipeline over partitions of the visited set.
///
/// The visited set is split into one table per worker by fingerprint. Workers take chunks of
/// the level in order, expand them and route each successor to its partition's queue; each
/// worker also inserts, in chunk order, the batches of its own partition into its own table.
/// Every table therefore sees its insertions in exactly the sequential order — the first
/// discovery of a state is its smallest `(parent position, action)` — and the new states of a
/// partition come out sorted by it, so merging the partitions gives the sequential level. No
/// insertion races, no claims, one writer per table (growth needs no pause).
fn level_par<M: Checkable>(
    cx: &Ctx<'_, M>,
    tables: &mut [Partition],
    frontier: &[M::State],
    last: bool,
    distinct: &mut u64,
) -> LevelOut<M::State> {
    let parts = tables.len();
    let nchunks = frontier.len().div_ceil(PCHUNK);
    let level = Level {
        frontier,
        nchunks,
        cursor: AtomicUsize::new(0),
        queues: (0..parts)
            .map(|_| Queue {
                slots: (0..WINDOW).map(|_| Mutex::new(None)).collect(),
                consumed: Padded(AtomicUsize::new(0)),
            })
            .collect(),
        last,
        accepted: AtomicU64::new(*distinct),
    };
    let mut outs: Vec<Part<'_, M::State>> = tables
        .iter_mut()
        .map(|table| Part {
            table,
            winners: Vec::new(),
            found: vec![None; cx.kinds.len()],
            generated: 0,
            cut: false,
            spare: Vec::new(),
        })
        .collect();
    {
        let lv = &level;
        std::thread::scope(|s| {
            for (me, part) in outs.iter_mut().enumerate() {
                s.spawn(move || pipeline_worker(cx, lv, me, part));
            }
        });
    }
    let generated = outs.iter().map(|o| o.generated).sum();
    let cut = outs.iter().any(|o| o.cut);
    let mut found = vec![None; cx.kinds.len()];
    for o in &outs {
        for (f, h) in found.iter_mut().zip(&o.found) {
            if let Some(i) = *h {
                if f.is_none_or(|j| i < j) {
                    *f = Some(i);
                }
            }
        }
    }
    *distinct += outs.iter().map(|o| o.winners.len() as u64).sum::<u64>();
    if cx.ctl.stopped() {
        // A partial level: it will not be expanded.
        return LevelOut {
            next: Vec::new(),
            tree: Vec::new(),
            generated,
            found,
            cut,
        };
    }
    let (next, tree) = merge(outs.into_iter().map(|o| o.winners).collect());
    LevelOut {
        next,
        tree,
        generated,
        found,
        cut,
    }
}

fn pipeline_worker<M: Checkable>(
    cx: &Ctx<'_, M>,
    lv: &Level<'_, M::State>,
    me: usize,
    part: &mut Part<'_, M::State>,
) {
    let parts = lv.queues.len();
    let mut conds = Vec::new();
    let mut actions = Vec::new();
    let mut succ: Vec<(u32, M::State)> = Vec::new();
    let mut fps: Vec<u64> = Vec::new();
    let mut next = 0usize;
    let mut idle = 0u32;
    let mut unflushed_new = 0u64;
    let mut grow_at = part.table.table.grow_at() as u64;
    while !cx.ctl.stopped() {
        let mut progressed = false;
        // Insert this partition's batches, in chunk order, as far as they are ready.
        while next < lv.nchunks {
            let batch = {
                let Ok(mut slot) = lv.queues[me].slots[next % WINDOW].lock() else {
                    return;
                };
                match slot.take() {
                    Some((k, b)) if k == next => Some(b),
                    other => {
                        *slot = other;
                        None
                    }
                }
            };
            let Some(mut batch) = batch else {
                break;
            };
            let table = &mut part.table.table;
            fps.clear();
            fps.extend(batch.items.iter().map(|e| e.0));
            let batch_len = fps.len();
            for &fp in &batch.probes {
                if !table.contains(fp) {
                    part.cut = true;
                }
            }
            // Overlap the cache misses of a few dozen lookups at a time: more would evict
            // each other's lines (and translations) before their insertion.
            let mut touched = 0;
            for (k, (fp, key, c)) in batch.items.drain(..).enumerate() {
                if k == touched {
                    let upto = (k + TOUCH).min(batch_len);
                    table.touch_all(fps[k..upto].iter().copied());
                    touched = upto;
                }
                if let Insert::New(_) = table.insert::<false>(fp) {
                    if let Some(m) = cx.max_states {
                        if lv.accepted.fetch_add(1, Relaxed) >= m {
                            cx.ctl.stop(Bound::MaxStates);
                            continue;
                        }
                    }
                    part.winners.push((key, c));
                    unflushed_new += 1;
                    part.table.len += 1;
                }
            }
            batch.probes.clear();
            part.spare.push(batch);
            next += 1;
            lv.queues[me].consumed.0.store(next, Relaxed);
            progressed = true;
            if unflushed_new >= 1024 {
                cx.ctl.distinct.fetch_add(unflushed_new, Relaxed);
                unflushed_new = 0;
            }
            if part.table.len >= grow_at {
                let t = &mut part.table.table;
                if cx.ctl.would_exceed(t.bytes_after_growth() - t.bytes()) {
                    return;
                }
                t.grow();
                grow_at = t.grow_at() as u64;
            }
        }
        if next >= lv.nchunks && lv.cursor.load(Relaxed) >= lv.nchunks {
            break;
        }
        // Expand the next chunk if every partition has room for it.
        let k = lv.cursor.load(Relaxed);
        if k < lv.nchunks {
            let slowest = lv
                .queues
                .iter()
                .map(|q| q.consumed.0.load(Relaxed))
                .min()
                .unwrap_or(0);
            if k < slowest + WINDOW
                && lv
                    .cursor
                    .compare_exchange(k, k + 1, Relaxed, Relaxed)
                    .is_ok()
            {
                let mut batches: Vec<Batch<M::State>> = (0..parts)
                    .map(|_| {
                        part.spare.pop().unwrap_or_else(|| Batch {
                            items: Vec::new(),
                            probes: Vec::new(),
                        })
                    })
                    .collect();
                let start = k * PCHUNK;
                let end = (start + PCHUNK).min(lv.frontier.len());
                let mut generated = 0u64;
                for i in start..end {
                    let s = &lv.frontier[i];
                    note(cx, s, i, &mut conds, &mut part.found);
                    succ.clear();
                    successors(cx.model, s, &mut actions, &mut succ);
                    generated += succ.len() as u64;
                    for (a, n) in succ.drain(..) {
                        let c = cx.canon(n);
                        let fp = fingerprint(&c);
                        let b = &mut batches[part_of(fp, parts)];
                        if lv.last {
                            b.probes.push(fp);
                        } else {
                            b.items.push((fp, pack(i, a), c));
                        }
                    }
                }
                part.generated += generated;
                cx.ctl.generated.fetch_add(generated, Relaxed);
                for (p, b) in batches.into_iter().enumerate() {
                    if let Ok(mut slot) = lv.queues[p].slots[k % WINDOW].lock() {
                        *slot = Some((k, b));
                    }
                }
                progressed = true;
            }
        }
        if progressed {
            idle = 0;
        } else {
            idle += 1;
            if idle < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
    cx.ctl.distinct.fetch_add(unflushed_new, Relaxed);
}

/// Merges two lists sorted by key into `next` (states) and `tree` (keys).
fn merge_two<S: Clone>(a: Vec<(u64, S)>, b: Vec<(u64, S)>, next: &mut Vec<S>, tree: &mut Vec<u64>) {
    if !std::mem::needs_drop::<S>() {
        // Plain-data states: a branch-free merge (which list comes next is unpredictable)
        // that copies instead of moving.
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let take_b = b[j].0 < a[i].0;
            let e = if take_b { &b[j] } else { &a[i] };
            tree.push(e.0);
            next.push(e.1.clone());
            i += usize::from(!take_b);
            j += usize::from(take_b);
        }
        for e in a[i..].iter().chain(&b[j..]) {
            tree.push(e.0);
            next.push(e.1.clone());
        }
        return;
    }
    let mut a = a.into_iter();
    let mut b = b.into_iter();
    let mut x = a.next();
    let mut y = b.next();
    loop {
        match (x, y) {
            (Some(p), Some(q)) => {
                if p.0 <= q.0 {
                    tree.push(p.0);
                    next.push(p.1);
                    x = a.next();
                    y = Some(q);
                } else {
                    tree.push(q.0);
                    next.push(q.1);
                    x = Some(p);
                    y = b.next();
                }
            }
            (Some(p), None) => {
                tree.push(p.0);
                next.push(p.1);
                for (k, s) in a {
                    tree.push(k);
                    next.push(s);
                }
                return;
            }
            (None, Some(q)) => {
                tree.push(q.0);
                next.push(q.1);
                for (k, s) in b {
                    tree.push(k);
                    next.push(s);
                }
                return;
            }
            (None, None) => return,
        }
    }
}

/// Merges lists sorted by key into one level and its tree entries.
fn merge<S: Clone>(mut lists: Vec<Vec<(u64, S)>>) -> (Vec<S>, Vec<u64>) {
    lists.retain(|l| !l.is_empty());
    let total = lists.iter().map(Vec::len).sum();
    let mut next = Vec::with_capacity(total);
    let mut tree = Vec::with_capacity(total);
    if lists.len() <= 2 {
        let b = lists.pop().unwrap_or_default();
        let a = lists.pop().unwrap_or_default();
        merge_two(a, b, &mut next, &mut tree);
        return (next, tree);
    }
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
            tree.push(key);
        }
        if let Some(&(key, _)) = iters[k].peek() {
            heap.push(Reverse((key, k)));
        }
    }
    (next, tree)
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
    if !cx.sym {
        let mut path = Vec::with_capacity(level + 1);
        path.push(init);
        path.extend(actions);
        return path;
    }
    concrete_path(cx.model, init, &actions)
}

/// Maps an encoded path of the canonical search (initial-state index, then action indices
/// relative to canonical states) onto concrete states: it follows the canonical chain and, on
/// the concrete states, takes the smallest action reaching the next canonical state.
pub(super) fn concrete_path<M: Checkable>(model: &M, init: usize, actions: &[usize]) -> Vec<usize> {
    let canon = |s: M::State| model.representative_owned(s);
    let mut path = Vec::with_capacity(actions.len() + 1);
    path.push(init);
    let Some(mut concrete) = model.init_states().into_iter().nth(init) else {
        return path;
    };
    let mut canonical = canon(concrete.clone());
    let mut acts = Vec::new();
    for &a in actions {
        acts.clear();
        model.actions(&canonical, &mut acts);
        let Some(next_c) = acts
            .get(a)
            .cloned()
            .and_then(|act| model.next_state(&canonical, act))
            .map(canon)
        else {
            break;
        };
        acts.clear();
        model.actions(&concrete, &mut acts);
        let step = acts.iter().enumerate().find_map(|(b, act)| {
            let n = model.next_state(&concrete, act.clone())?;
            (model.within_boundary(&n) && canon(n.clone()) == next_c).then_some((b, n))
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
