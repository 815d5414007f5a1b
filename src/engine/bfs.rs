//! Level-synchronous breadth-first search, sequential or parallel, with deterministic shortest
//! counterexamples (the rule is stated in the [module documentation](super)).
//!
//! Memory: the visited set (8 bytes per slot), plus per distinct state one `u64` in its level's
//! tree array — the position of its parent in the previous level and the action index — plus
//! the current and the next level as packed states ([`Checkable::pack`]). Levels and tree
//! arrays spill to a temporary directory beyond their share of `max_memory` (`level.rs`): each
//! level being written keeps at most [`LEVEL_SHARE`] of it in memory, the tree
//! [`TREE_SHARE`].
//!
//! Sequentially, a level is expanded in order and each successor is inserted in action order,
//! so the first discovery of a state is its smallest `(parent position, action index)`, and the
//! new level comes out sorted by it. With several threads the visited set is split by
//! fingerprint into one partition per worker, and a level runs as an ordered pipeline (see
//! `level_par`): every partition sees its insertions in exactly the sequential order, so the
//! parallel search computes the same levels, parents and actions as the sequential one,
//! whatever the thread count or timing.

use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

use xshard_models::{Checkable, Cut};
use xshard_properties::Kind;

use super::control::{Control, StopOnPanic};
use super::expand::{Expander, Succ, Sym};
use super::graph::{EdgeSink, Recorded, Recorder, MARK_UNKNOWN};
use super::level::{
    reserve_gently, states, Cursor, Level, Spill, Tree, CHUNK, LEVEL_SHARE, TREE_SHARE,
};
use super::path::concrete_path;
use super::table::{FpTable, Insert};
use super::{hit, report, Bound, Counts, Report, Settings, Strategy};

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
    sym: Sym,
    max_states: Option<u64>,
    spill: Spill<'a>,
    /// In-memory bytes of a level being written (`None`: no bound).
    level_budget: Option<usize>,
}

/// A successor's flags in a batch: a progress step, cut by the copy cap.
const PROGRESS: u8 = 1;
const CAPPED: u8 = 2;

#[inline]
fn flags(n: &Succ) -> u8 {
    (u8::from(n.progress) * PROGRESS) | (u8::from(n.capped) * CAPPED)
}

/// Whether a successor with these flags is an edge of the recorded graph: a progress step to a
/// state that is faithful (a capped one is never expanded; its predecessor is unknown).
#[inline]
fn is_edge(flags: u8) -> bool {
    flags == PROGRESS
}

/// Explores `model` breadth first. When it declares `progress` properties, the search also
/// records the state graph they are judged on ([`Recorder`]) and hands it back, resolved,
/// unless the run stopped early.
pub(super) fn run<M: Checkable>(
    model: &M,
    opts: &Settings,
    ctl: &Control,
) -> io::Result<(Report, Option<Recorded>)> {
    let threads = opts.threads.max(1);
    let mut rec = Recorder::new(model);
    // The visited set keeps no id: the recorder logs fingerprints, resolved at the end.
    let aux = None;
    let share = |n: u64| ctl.max_memory().map(|m| (m / n) as usize);
    let cx = Ctx {
        model,
        ctl,
        kinds: super::kinds_with_cuts(model),
        sym: Sym::new(opts.symmetry && model.has_symmetry(), false),
        max_states: opts.max_states,
        spill: Spill::new(&ctl.spilled),
        level_budget: share(LEVEL_SHARE),
    };
    let nprops = cx.kinds.len();
    // One table, or one partition per worker (see `level_par`).
    let mut table = FpTable::new(aux);
    let mut parts: Vec<Partition> = if threads > 1 {
        (0..threads)
            .map(|_| Partition {
                table: FpTable::new(aux),
                len: 0,
                edges: EdgeSink::default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut tree = Tree::new(share(TREE_SHARE));
    let mut found: Vec<Option<(usize, usize)>> = vec![None; nprops];
    let mut generated = 0u64;
    let mut distinct = 0u64;
    let mut cut = false;
    let mut x = Expander::new(model);
    let mut actions = Vec::new();

    // Level 1: the initial states, in order, without duplicates.
    let mut frontier = Level::new(cx.level_budget);
    let mut level0 = Vec::new();
    let mut packed = Vec::new();
    for (i, init) in model.init_states().into_iter().enumerate() {
        if !model.within_boundary(&init) {
            continue;
        }
        generated += 1;
        packed.clear();
        let fp = x.pack_into(model, cx.sym, &init, &mut packed);
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
            if let Some(r) = rec.as_mut() {
                if r.add(fp)?.is_none() {
                    ctl.stop(Bound::MaxStates);
                    break;
                }
            }
            distinct += 1;
            frontier.push(&packed, &cx.spill)?;
            level0.push(i as u64);
        }
    }
    frontier.finish();
    // The id of the frontier's first state, and how many it holds.
    let mut base = 0u32;
    let mut frontier_len = level0.len();
    tree.push(level0, &cx.spill)?;
    // Per level, the id of its first state.
    let mut bases = vec![0u32];

    let mut depth = 0u64;
    while !frontier.is_empty() && !ctl.stopped() {
        let level = tree.len() - 1;
        depth = level as u64 + 1;
        ctl.depth.store(depth, Relaxed);
        let last = opts.max_depth.is_some_and(|d| depth >= d);
        let mut next = Level::new(cx.level_budget);
        let mut entries = Vec::new();
        let out = if threads == 1 {
            level_seq(
                &cx,
                &mut table,
                &mut frontier,
                (last, base, &mut rec),
                &mut distinct,
                (&mut x, &mut actions),
                (&mut next, &mut entries),
            )?
        } else {
            level_par(
                &cx,
                &mut parts,
                &frontier,
                (last, base, &mut rec),
                &mut distinct,
                (&mut next, &mut entries),
            )?
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
        next.finish();
        if next.is_empty() {
            break;
        }
        // The frontier's memory (and file) goes before the next level is expanded.
        frontier = next;
        base += frontier_len as u32;
        bases.push(base);
        frontier_len = entries.len();
        tree.push(entries, &cx.spill)?;
    }
    drop(frontier);
    if cut {
        ctl.stop(Bound::MaxDepth);
    }
    ctl.sample();
    let mut paths = Vec::with_capacity(found.len());
    for at in &found {
        paths.push(match at {
            Some(at) => Some(path(&cx, &tree, *at)?),
            None => None,
        });
    }
    let report = report(
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
    );
    // The graph's ids are resolved once the search's buffers are gone, its tree set aside on
    // disk, and the visited set goes once the ids are known: judging holds a bit per state.
    let recorded = match rec {
        Some(r) if !ctl.reason().is_some_and(|b| b != Bound::MaxDepth) => {
            tree.set_aside(&cx.spill)?;
            let graph = if parts.is_empty() {
                r.resolve(&[&table], |_| 0)?
            } else {
                let mut r = r;
                r.adopt(parts.iter_mut().map(|p| std::mem::take(&mut p.edges)));
                let tables: Vec<&FpTable> = parts.iter().map(|p| &p.table).collect();
                let n = tables.len();
                r.resolve(&tables, |fp| part_of(fp, n))?
            };
            Some(Recorded { graph, tree, bases })
        }
        _ => None,
    };
    Ok((report, recorded))
}

/// The depth-first strategy's graph pass: its search has no BFS order, so once it is done a
/// breadth-first search of the same model, with the same bounds, symmetry and threads,
/// records the graph `progress` is judged on (its own report is not used). `None`: the run
/// stopped early, or the model declares no `progress` property.
pub(super) fn graph_pass<M: Checkable>(
    model: &M,
    opts: &Settings,
    ctl: &Control,
) -> io::Result<Option<Recorded>> {
    if Recorder::new(model).is_none() || ctl.reason().is_some_and(|b| b != Bound::MaxDepth) {
        return Ok(None);
    }
    // The main run's counters and depth-bound stop are its report's: the pass runs without
    // them and puts them back.
    let depth_stop = ctl.reason() == Some(Bound::MaxDepth);
    let saved = ctl.save_counters();
    ctl.clear_depth_stop();
    let recorded = run(model, opts, ctl).map(|(_, r)| r);
    ctl.restore_counters(saved);
    ctl.clear_depth_stop();
    if depth_stop {
        ctl.stop(Bound::MaxDepth);
    }
    recorded
}

/// The outcome of one level (its states and tree entries go to the caller's buffers).
struct LevelOut {
    generated: u64,
    /// Per property, the first position in this level that hits it.
    found: Vec<Option<usize>>,
    /// A state at the depth bound has a successor not otherwise reached.
    cut: bool,
}

/// Checks the properties on `s`, at position `i`; its cut.
#[inline]
fn note<M: Checkable>(
    cx: &Ctx<'_, M>,
    (s, scratch): (&M::State, &mut M::Scratch),
    i: usize,
    conds: &mut Vec<bool>,
    found: &mut [Option<usize>],
) -> Option<Cut> {
    let cut = super::judge(
        cx.model,
        &cx.kinds,
        &cx.ctl.cut_states,
        s,
        Some(scratch),
        conds,
    );
    for ((f, &(_, kind)), &c) in found.iter_mut().zip(&cx.kinds).zip(conds.iter()) {
        if hit(kind, c) && f.is_none_or(|j| i < j) {
            *f = Some(i);
        }
    }
    cut
}

/// Records, for the state `id` at the depth bound, its successors' edges to known states (a
/// successor not otherwise reached is cut: the state's future is unknown).
fn record_probes(
    r: &mut Recorder,
    table: &FpTable,
    id: u32,
    succ: impl Iterator<Item = (u64, u8)>,
) -> io::Result<()> {
    for (fp, f) in succ {
        if f & CAPPED != 0 {
            continue;
        }
        match table.find(fp) {
            Some(_) if is_edge(f) => r.sink().push(id, fp)?,
            Some(_) => {}
            None => r.depth_cut(id),
        }
    }
    Ok(())
}

fn level_seq<M: Checkable>(
    cx: &Ctx<'_, M>,
    table: &mut FpTable,
    frontier: &mut Level,
    (last, base, rec): (bool, u32, &mut Option<Recorder>),
    distinct: &mut u64,
    (x, actions): (&mut Expander<M>, &mut Vec<M::Action>),
    (next, entries): (&mut Level, &mut Vec<u64>),
) -> io::Result<LevelOut> {
    let mut out = LevelOut {
        generated: 0,
        found: vec![None; cx.kinds.len()],
        cut: false,
    };
    let mut conds = Vec::new();
    // Successors of a group of states: fingerprint, parent position, action, bytes (in
    // `x.bytes`, where the expander packed them: the group's successors stay there until
    // the group is inserted, so they are copied once, into the next level), flags.
    let mut batch: Vec<(u64, usize, u32, u32, u32, u8)> = Vec::new();
    x.bytes.clear();
    let mut grow_at = table.grow_at() as u64;
    let mut flushed = 0u64;
    let mut buf = Vec::new();
    let mut i = 0usize;
    'chunks: for k in 0..frontier.chunks() {
        if cx.ctl.stopped() {
            break;
        }
        cx.ctl.generated.fetch_add(out.generated - flushed, Relaxed);
        flushed = out.generated;
        cx.ctl.distinct.store(*distinct, Relaxed);
        let chunk = frontier.chunk(k, &mut buf)?;
        let mut it = states(chunk).peekable();
        while it.peek().is_some() {
            for s in it.by_ref().take(GROUP) {
                x.load(cx.model, s);
                let c = note(
                    cx,
                    (&x.state, &mut x.scratch),
                    i,
                    &mut conds,
                    &mut out.found,
                );
                let id = base + i as u32;
                if let Some(r) = rec.as_mut() {
                    r.judged(id, &conds, c);
                }
                if c != Some(Cut::CopyCap) {
                    x.expand_appending(cx.model, cx.sym, rec.is_some(), actions);
                    out.generated += x.succ.len() as u64;
                    if let Some(r) = rec.as_mut() {
                        if x.succ.iter().any(|n| n.capped) {
                            r.unknown(id);
                        }
                    }
                    if last {
                        out.cut |= x.succ.iter().any(|n| !table.contains(n.fp));
                        if let Some(r) = rec.as_mut() {
                            record_probes(r, table, id, x.succ.iter().map(|n| (n.fp, flags(n))))?;
                        }
                    } else {
                        for n in &x.succ {
                            batch.push((n.fp, i, n.action, n.start, n.end, flags(n)));
                        }
                    }
                }
                i += 1;
            }
            table.touch_all(batch.iter().map(|e| e.0));
            for &(fp, i, a, start, end, f) in &batch {
                let src = base + i as u32;
                match table.insert::<false>(fp) {
                    Insert::Present(_) => {
                        if let Some(r) = rec.as_mut().filter(|_| is_edge(f)) {
                            r.sink().push(src, fp)?;
                        }
                        continue;
                    }
                    Insert::New(_) => {
                        if cx.max_states.is_some_and(|m| *distinct >= m) {
                            cx.ctl.stop(Bound::MaxStates);
                            break 'chunks;
                        }
                        if let Some(r) = rec.as_mut() {
                            if r.add(fp)?.is_none() {
                                cx.ctl.stop(Bound::MaxStates);
                                break 'chunks;
                            }
                            if is_edge(f) {
                                r.sink().push(src, fp)?;
                            }
                        }
                    }
                }
                *distinct += 1;
                next.push(&x.bytes[start as usize..end as usize], &cx.spill)?;
                reserve_gently(entries, 1);
                entries.push(pack(i, a));
                if *distinct >= grow_at {
                    if cx
                        .ctl
                        .would_exceed(table.bytes_after_growth() - table.bytes())
                    {
                        break 'chunks;
                    }
                    table.grow();
                    grow_at = table.grow_at() as u64;
                }
            }
            batch.clear();
            x.bytes.clear();
        }
        frontier.release(k);
    }
    Ok(out)
}

/// Lookups whose cache misses a worker overlaps.
const TOUCH: usize = 32;
/// Chunks a partition's queue holds: producers stay at most this far ahead of the slowest
/// partition.
const WINDOW: usize = 32;

/// Successors routed to one partition from one chunk, in `(position, action)` order.
#[derive(Default)]
struct Batch {
    /// Fingerprint, tree entry (`pack`), the packed state's range in `bytes`, and its flags.
    items: Vec<(u64, u64, u32, u32, u8)>,
    bytes: Vec<u8>,
    /// At the depth bound: fingerprints to look up only (with the parent's id and the flags,
    /// for the recorded graph).
    probes: Vec<(u64, u32, u8)>,
}

/// One partition's queue of batches, indexed by chunk number modulo [`WINDOW`].
struct Queue {
    slots: Vec<Mutex<Option<(usize, Batch)>>>,
    /// The next chunk this partition's owner will take (cache-line aligned).
    consumed: Padded<AtomicUsize>,
}

#[repr(align(128))]
struct Padded<T>(T);

/// One partition of the visited set of a parallel run, how many entries it holds, and the
/// progress steps into its states the recorded graph gains.
struct Partition {
    table: FpTable,
    len: u64,
    edges: EdgeSink,
}

/// The partition (visited table) of a fingerprint.
#[inline]
fn part_of(fp: u64, parts: usize) -> usize {
    // The tables place fingerprints by their high bits; partition by the low ones.
    ((fp >> 2) % parts as u64) as usize
}

/// What the workers of one parallel level share.
struct Shared<'a> {
    frontier: &'a Level,
    nchunks: usize,
    /// The next chunk to expand.
    cursor: AtomicUsize,
    queues: Vec<Queue>,
    last: bool,
    /// With `max_states`: distinct states accepted so far.
    accepted: AtomicU64,
    /// The id of the level's first state.
    base: u32,
    /// When the graph is recorded: the progress properties' indices.
    props: Option<Vec<usize>>,
}

/// One worker's part of a level: it owns one partition of the visited set.
#[repr(align(128))]
struct Part<'t> {
    table: &'t mut Partition,
    /// States new in this level, in key order, and their keys (`pack`).
    winners: Level,
    keys: Vec<u64>,
    found: Vec<Option<usize>>,
    generated: u64,
    cut: bool,
    /// Emptied batch buffers, for reuse.
    spare: Vec<Batch>,
    error: Option<io::Error>,
    /// What the recorded graph gains from this level, kept until the level is merged: the
    /// fingerprints of this partition's new states (in `keys` order: merged, they are the
    /// recorder's fingerprints in id order), the marks of judged states
    /// ([`Recorder::mark_of`]) and the states the depth bound cut.
    fresh: Vec<u64>,
    marks: Vec<(u32, u32)>,
    depth_cuts: Vec<u32>,
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
    frontier: &Level,
    (last, base, rec): (bool, u32, &mut Option<Recorder>),
    distinct: &mut u64,
    (next, entries): (&mut Level, &mut Vec<u64>),
) -> io::Result<LevelOut> {
    let parts = tables.len();
    let nchunks = frontier.chunks();
    let level = Shared {
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
        base,
        props: rec.as_ref().map(|r| r.props().to_vec()),
    };
    let part_budget = cx.level_budget.map(|b| b / parts);
    let mut outs: Vec<Part<'_>> = tables
        .iter_mut()
        .map(|table| Part {
            table,
            winners: Level::new(part_budget),
            keys: Vec::new(),
            found: vec![None; cx.kinds.len()],
            generated: 0,
            cut: false,
            spare: Vec::new(),
            error: None,
            fresh: Vec::new(),
            marks: Vec::new(),
            depth_cuts: Vec::new(),
        })
        .collect();
    {
        let lv = &level;
        std::thread::scope(|s| {
            for (me, part) in outs.iter_mut().enumerate() {
                s.spawn(move || {
                    let _stop = StopOnPanic(cx.ctl);
                    if let Err(e) = pipeline_worker(cx, lv, me, part) {
                        part.error = Some(e);
                        // The others must not wait for this partition.
                        cx.ctl.stop(Bound::Interrupted);
                    }
                });
            }
        });
    }
    if let Some(e) = outs.iter_mut().find_map(|o| o.error.take()) {
        return Err(e);
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
    *distinct += outs.iter().map(|o| o.keys.len() as u64).sum::<u64>();
    let out = LevelOut {
        generated,
        found,
        cut,
    };
    if cx.ctl.stopped() {
        // A partial level: it will not be expanded.
        return Ok(out);
    }
    for o in &mut outs {
        o.winners.finish();
    }
    if !merge(cx, &outs, next, entries, rec)? {
        cx.ctl.stop(Bound::MaxStates);
        return Ok(out);
    }
    if let Some(r) = rec.as_mut() {
        for o in &outs {
            for &(v, m) in &o.marks {
                r.apply_mark(v, m);
            }
            for &v in &o.depth_cuts {
                r.depth_cut(v);
            }
        }
    }
    Ok(out)
}

fn pipeline_worker<M: Checkable>(
    cx: &Ctx<'_, M>,
    lv: &Shared<'_>,
    me: usize,
    part: &mut Part<'_>,
) -> io::Result<()> {
    let parts = lv.queues.len();
    let mut conds = Vec::new();
    let mut actions = Vec::new();
    let mut x = Expander::new(cx.model);
    let mut buf = Vec::new();
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
                    return Ok(());
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
            let recording = lv.props.is_some();
            for &(fp, src, f) in &batch.probes {
                match table.find(fp) {
                    None => {
                        part.cut = true;
                        if recording && f & CAPPED == 0 {
                            part.depth_cuts.push(src);
                        }
                    }
                    Some(_) if recording && is_edge(f) => {
                        part.table.edges.push(src, fp)?;
                    }
                    Some(_) => {}
                }
            }
            // Overlap the cache misses of a few dozen lookups at a time: more would evict
            // each other's lines (and translations) before their insertion.
            let mut touched = 0;
            for (k, &(fp, key, start, end, f)) in batch.items.iter().enumerate() {
                if k == touched {
                    let upto = (k + TOUCH).min(batch_len);
                    table.touch_all(fps[k..upto].iter().copied());
                    touched = upto;
                }
                let src = lv.base + (key >> 32) as u32;
                let new = matches!(table.insert::<false>(fp), Insert::New(_));
                if recording && is_edge(f) {
                    part.table.edges.push(src, fp)?;
                }
                if !new {
                    continue;
                }
                if let Some(m) = cx.max_states {
                    if lv.accepted.fetch_add(1, Relaxed) >= m {
                        cx.ctl.stop(Bound::MaxStates);
                        continue;
                    }
                }
                if recording {
                    part.fresh.push(fp);
                }
                part.winners
                    .push(&batch.bytes[start as usize..end as usize], &cx.spill)?;
                reserve_gently(&mut part.keys, 1);
                part.keys.push(key);
                unflushed_new += 1;
                part.table.len += 1;
            }
            batch.items.clear();
            batch.bytes.clear();
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
                    return Ok(());
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
                let mut batches: Vec<Batch> = (0..parts)
                    .map(|_| part.spare.pop().unwrap_or_default())
                    .collect();
                let mut generated = 0u64;
                let chunk = lv.frontier.chunk(k, &mut buf)?;
                for (j, s) in states(chunk).enumerate() {
                    let i = k * CHUNK + j;
                    x.load(cx.model, s);
                    let id = lv.base + i as u32;
                    let c = note(
                        cx,
                        (&x.state, &mut x.scratch),
                        i,
                        &mut conds,
                        &mut part.found,
                    );
                    if let Some(props) = &lv.props {
                        Recorder::mark_of(props, &conds, c, |m| part.marks.push((id, m)));
                    }
                    if c == Some(Cut::CopyCap) {
                        continue;
                    }
                    x.expand(cx.model, cx.sym, lv.props.is_some(), &mut actions);
                    generated += x.succ.len() as u64;
                    if x.succ.iter().any(|n| n.capped) {
                        part.marks.push((id, MARK_UNKNOWN));
                    }
                    for (n, succ) in x.succ.iter().enumerate() {
                        let b = &mut batches[part_of(succ.fp, parts)];
                        if lv.last {
                            b.probes.push((succ.fp, id, flags(succ)));
                        } else {
                            let start = b.bytes.len() as u32;
                            b.bytes.extend_from_slice(x.packed(n));
                            b.items.push((
                                succ.fp,
                                pack(i, succ.action),
                                start,
                                b.bytes.len() as u32,
                                flags(succ),
                            ));
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
    Ok(())
}

/// Merges the partitions' new states, each sorted by key, into the next level and its tree
/// entries. With a recorder, gives each new state its id (in the merged order, which is the
/// sequential search's) by recording its fingerprint; whether ids sufficed.
fn merge<M: Checkable>(
    cx: &Ctx<'_, M>,
    outs: &[Part<'_>],
    next: &mut Level,
    entries: &mut Vec<u64>,
    rec: &mut Option<Recorder>,
) -> io::Result<bool> {
    let total = outs.iter().map(|o| o.keys.len()).sum();
    entries.reserve(total);
    let mut cursors: Vec<Cursor<'_>> = outs.iter().map(|o| Cursor::new(&o.winners)).collect();
    let mut at = vec![0usize; outs.len()];
    loop {
        // The partition with the smallest next key (few partitions: a scan).
        let mut best: Option<(u64, usize)> = None;
        for (p, o) in outs.iter().enumerate() {
            if let Some(&key) = o.keys.get(at[p]) {
                if best.is_none_or(|(b, _)| key < b) {
                    best = Some((key, p));
                }
            }
        }
        let Some((key, p)) = best else {
            return Ok(true);
        };
        let fp = outs[p].fresh.get(at[p]).copied();
        at[p] += 1;
        let Some(s) = cursors[p].next_state()? else {
            return Err(io::Error::other("a partition's states and keys disagree"));
        };
        next.push(s, &cx.spill)?;
        entries.push(key);
        if let Some(r) = rec.as_mut() {
            let fp =
                fp.ok_or_else(|| io::Error::other("a partition's states and keys disagree"))?;
            if r.add(fp)?.is_none() {
                return Ok(false);
            }
        }
    }
}

/// The encoded action path to the state at `(level, position)`.
fn path<M: Checkable>(
    cx: &Ctx<'_, M>,
    tree: &Tree,
    (level, pos): (usize, usize),
) -> io::Result<Vec<usize>> {
    let (init, actions) = tree.path(level, pos)?;
    if cx.sym == Sym::Off {
        let mut path = Vec::with_capacity(level + 1);
        path.push(init);
        path.extend(actions);
        return Ok(path);
    }
    Ok(concrete_path(cx.model, init, &actions))
}
