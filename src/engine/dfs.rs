//! Depth-first search, sequential or parallel.
//!
//! Memory: only the visited set of fingerprints and, per worker, the current search path with
//! the not-yet-explored successors of each state on it, as packed states ([`Checkable::pack`])
//! on one byte stack. A counterexample is the search path itself (its action indices), so
//! nothing per state is needed to rebuild one.
//!
//! A state is inserted into the visited set, and its properties checked, when it is generated;
//! it is expanded when the search descends into it. Workers keep their own stacks; an idle
//! worker raises `hungry`, and a busy one hands over unexplored successors from the bottom of
//! its stack (the largest subtrees) together with their paths. The visited set grows between
//! phases: a worker that sees the load pass 3/4 pauses everyone, the table grows (all workers
//! moving their share of the entries), and the
//! workers resume with their stacks.
//!
//! With `max_depth`, plain DFS would be incomplete inside the bound (a state first reached on a
//! long path is not re-expanded when a shorter path reaches it later), so each visited state
//! also records the smallest depth it was reached at, and a shorter arrival expands it again.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use xshard_models::{Checkable, Cut};
use xshard_properties::Kind;

use super::control::{Control, StopOnPanic};
use super::expand::{Expander, Sym};
use super::table::{FpTable, Insert};
use super::{hit, report, Bound, Counts, Report, Settings, Strategy};

/// Beyond-bound fingerprints a worker remembers before assuming the bound cut the search.
const BEYOND_MAX: usize = 1 << 20;

/// A state on the search path: the action that led to it, and where its unexplored
/// successors start in the worker's `kids`.
struct Frame {
    /// The action index that led here (for a root: its last path entry).
    action: u32,
    kids: usize,
}

/// An unexplored successor: its action, its packed bytes in the worker's arena, and whether
/// it is to be expanded (`false`: cut by the copy cap; `None`: not known, a state visited
/// before and reached again at a smaller depth).
#[derive(Clone, Copy)]
struct Kid {
    action: u32,
    start: usize,
    end: usize,
    expand: Option<bool>,
}

/// A visited, unexpanded state handed between workers, with its full encoded path.
struct Job {
    bytes: Vec<u8>,
    path: Vec<usize>,
    expand: Option<bool>,
}

struct Pool {
    jobs: Vec<Job>,
    idle: usize,
    done: bool,
}

/// What every worker of a run shares.
struct Shared<'a, M: Checkable> {
    model: &'a M,
    ctl: &'a Control,
    kinds: Vec<(&'static str, Kind)>,
    sym: Sym,
    threads: usize,
    max_states: Option<u64>,
    max_depth: Option<u64>,
    pool: Mutex<Pool>,
    wake: Condvar,
    hungry: AtomicUsize,
    pause: AtomicBool,
    /// Entries in the table (flushed by workers).
    count: AtomicU64,
    grow_at: AtomicU64,
    /// A state at the depth bound has a successor not otherwise reached.
    cut: AtomicBool,
    /// With `max_states`: distinct states accepted so far.
    accepted: AtomicU64,
}

/// One worker's search: its stack and its findings (aligned so that two workers' counters never
/// share a cache line).
#[repr(align(128))]
struct Worker<M: Checkable> {
    /// The path to the parent of `frames[0]` (empty for a root at an initial state).
    prefix: Vec<usize>,
    frames: Vec<Frame>,
    /// Unexplored successors of every frame, frame by frame; each frame's last first (so they
    /// are explored in action order). Their bytes are in `arena` in the same order.
    kids: Vec<Kid>,
    arena: Vec<u8>,
    /// New successors of the state being expanded: index in the expander, and `Kid::expand`.
    fresh: Vec<(usize, Option<bool>)>,
    x: Expander<M>,
    found: Vec<Option<Vec<usize>>>,
    generated: u64,
    distinct: u64,
    depth: u64,
    conds: Vec<bool>,
    /// Fingerprints of successors of states at the depth bound not visited when generated.
    beyond: Vec<u64>,
}

/// The encoded path to the state of frame `f`.
fn path_to(prefix: &[usize], frames: &[Frame], f: usize) -> Vec<usize> {
    let mut p = Vec::with_capacity(prefix.len() + f + 2);
    p.extend_from_slice(prefix);
    p.extend(frames[..=f].iter().map(|fr| fr.action as usize));
    p
}

impl<M: Checkable> Worker<M> {
    fn new(model: &M, nprops: usize) -> Self {
        Worker {
            prefix: Vec::new(),
            frames: Vec::new(),
            kids: Vec::new(),
            arena: Vec::new(),
            fresh: Vec::new(),
            x: Expander::new(model),
            found: vec![None; nprops],
            generated: 0,
            distinct: 0,
            depth: 0,
            conds: Vec::new(),
            beyond: Vec::new(),
        }
    }

    /// The depth (states on the path) of frame `f`.
    fn depth_of(&self, f: usize) -> u64 {
        (self.prefix.len() + f + 1) as u64
    }
}

pub(super) fn run<M: Checkable>(model: &M, opts: &Settings, ctl: &Control) -> Report {
    let threads = opts.threads.max(1);
    let kinds = super::kinds_with_cuts(model);
    let nprops = kinds.len();
    let sh = Shared {
        model,
        ctl,
        kinds,
        sym: Sym::new(opts.symmetry && model.has_symmetry(), true),
        threads,
        max_states: opts.max_states,
        max_depth: opts.max_depth,
        pool: Mutex::new(Pool {
            jobs: Vec::new(),
            idle: 0,
            done: false,
        }),
        wake: Condvar::new(),
        hungry: AtomicUsize::new(0),
        pause: AtomicBool::new(false),
        count: AtomicU64::new(0),
        grow_at: AtomicU64::new(0),
        cut: AtomicBool::new(false),
        accepted: AtomicU64::new(0),
    };
    // The depth-bounded search records each state's smallest depth in the aux words.
    let mut table = FpTable::new(opts.max_depth.map(|_| u64::MAX));
    sh.grow_at.store(table.grow_at() as u64, Relaxed);
    let mut workers: Vec<Worker<M>> = (0..threads).map(|_| Worker::new(model, nprops)).collect();

    // Initial states: visited and checked here, expanded by the workers.
    let mut roots = Vec::new();
    {
        let w = &mut workers[0];
        for (i, init) in model.init_states().into_iter().enumerate() {
            if !model.within_boundary(&init) {
                continue;
            }
            w.generated += 1;
            let mut bytes = Vec::new();
            let fp = w.x.pack_into(model, sh.sym, &init, &mut bytes);
            match table.insert::<false>(fp) {
                Insert::New(slot) => {
                    if sh.max_states.is_some_and(|m| w.distinct >= m) {
                        ctl.stop(Bound::MaxStates);
                        break;
                    }
                    if sh.max_depth.is_some() {
                        table.aux(slot).store(1, Relaxed);
                    }
                    w.distinct += 1;
                    w.depth = 1;
                    // The concrete initial state is judged, as before packing.
                    let cut = sh.note(&mut w.conds, &mut w.found, &init, || vec![i]);
                    roots.push(Job {
                        bytes,
                        path: vec![i],
                        expand: Some(cut != Some(Cut::CopyCap)),
                    });
                }
                Insert::Present(_) => {}
            }
        }
    }
    sh.count.store(workers[0].distinct, Relaxed);
    sh.accepted.store(workers[0].distinct, Relaxed);
    roots.reverse();
    if let Ok(mut p) = sh.pool.lock() {
        p.jobs = roots;
    }

    // Phases, separated by table growth.
    loop {
        if let Ok(mut p) = sh.pool.lock() {
            p.idle = 0;
        }
        sh.hungry.store(0, Relaxed);
        {
            let t: &FpTable = &table;
            let s_ref = &sh;
            std::thread::scope(|s| {
                for w in workers.iter_mut() {
                    s.spawn(move || {
                        let _stop = StopOnPanic(s_ref.ctl);
                        if threads == 1 {
                            s_ref.work::<false>(t, w)
                        } else {
                            s_ref.work::<true>(t, w)
                        }
                    });
                }
            });
        }
        let finished = sh.pool.lock().map_or(true, |p| p.done);
        if finished || ctl.stopped() {
            break;
        }
        if sh.pause.load(Relaxed) {
            if ctl.would_exceed(table.bytes_after_growth() - table.bytes()) {
                break;
            }
            table.grow_parallel(threads);
            sh.grow_at.store(table.grow_at() as u64, Relaxed);
            sh.pause.store(false, Relaxed);
        }
    }
    ctl.sample();
    let beyond = workers
        .iter()
        .flat_map(|w| &w.beyond)
        .any(|&fp| !table.contains(fp));
    if sh.cut.load(Relaxed) || beyond {
        ctl.stop(Bound::MaxDepth);
    }
    let generated = workers.iter().map(|w| w.generated).sum();
    let distinct = workers.iter().map(|w| w.distinct).sum();
    let depth = workers.iter().map(|w| w.depth).max().unwrap_or(0);
    // With several workers, the shortest (then smallest) path any of them found.
    let paths = (0..sh.kinds.len())
        .map(|p| {
            workers
                .iter_mut()
                .filter_map(|w| w.found[p].take())
                .min_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)))
        })
        .collect();
    report(
        &sh.kinds,
        paths,
        ctl.reason(),
        Some(ctl.cut_states.each_ref().map(|n| n.load(Relaxed))),
        Counts {
            generated,
            distinct,
            depth,
            engine: "xshard",
            strategy: Strategy::Dfs,
        },
    )
}

impl<M: Checkable> Shared<'_, M> {
    /// Checks the properties on a newly visited state; `path` builds its path on a first hit.
    /// Returns the state's cut.
    #[inline]
    fn note(
        &self,
        conds: &mut Vec<bool>,
        found: &mut [Option<Vec<usize>>],
        s: &M::State,
        path: impl FnOnce() -> Vec<usize>,
    ) -> Option<Cut> {
        let cut = super::judge(
            self.model,
            &self.kinds,
            &self.ctl.cut_states,
            s,
            None,
            conds,
        );
        let first = |found: &[Option<Vec<usize>>], p: usize| {
            found[p].is_none() && hit(self.kinds[p].1, conds[p])
        };
        if !(0..self.kinds.len()).any(|p| first(found, p)) {
            return cut;
        }
        let built = path();
        for p in 0..self.kinds.len() {
            if first(found, p) {
                found[p] = Some(built.clone());
            }
        }
        cut
    }

    /// One worker's phase: explore until the search is done, stopped, or paused for growth.
    fn work<const CONCURRENT: bool>(&self, table: &FpTable, w: &mut Worker<M>) {
        let mut actions = Vec::new();
        let mut flushed_gen = w.generated;
        let mut flushed_new = w.distinct;
        let mut steps = 0u32;
        loop {
            steps = steps.wrapping_add(1);
            if steps.is_multiple_of(64) || w.distinct - flushed_new >= 512 {
                if self.ctl.stopped() || self.pause.load(Relaxed) {
                    break;
                }
                self.ctl
                    .generated
                    .fetch_add(w.generated - flushed_gen, Relaxed);
                flushed_gen = w.generated;
                let new = w.distinct - flushed_new;
                if new > 0 {
                    flushed_new = w.distinct;
                    self.ctl.distinct.fetch_add(new, Relaxed);
                    let count = self.count.fetch_add(new, Relaxed) + new;
                    if count + 1024 >= self.grow_at.load(Relaxed) {
                        self.pause.store(true, Relaxed);
                        break;
                    }
                }
                self.ctl.depth.fetch_max(w.depth, Relaxed);
                if CONCURRENT && self.hungry.load(Relaxed) > 0 {
                    self.share(w);
                }
            }
            let expand = match w.frames.last() {
                None => match self.take_job() {
                    Some(job) => {
                        let mut path = job.path;
                        let action = path.pop().unwrap_or(0) as u32;
                        w.prefix = path;
                        w.kids.clear();
                        w.arena.clear();
                        w.x.load(self.model, &job.bytes);
                        w.frames.push(Frame { action, kids: 0 });
                        job.expand
                    }
                    None => break,
                },
                Some(top) if w.kids.len() > top.kids => {
                    let Some(kid) = w.kids.pop() else {
                        break;
                    };
                    w.x.load(self.model, &w.arena[kid.start..kid.end]);
                    w.arena.truncate(kid.start);
                    w.frames.push(Frame {
                        action: kid.action,
                        kids: w.kids.len(),
                    });
                    kid.expand
                }
                Some(_) => {
                    w.frames.pop();
                    continue;
                }
            };
            let expand = expand.unwrap_or_else(|| self.model.cut(&w.x.state) != Some(Cut::CopyCap));
            self.expand::<CONCURRENT>(table, w, expand, &mut actions);
        }
        self.ctl
            .generated
            .fetch_add(w.generated - flushed_gen, Relaxed);
        let new = w.distinct - flushed_new;
        self.ctl.distinct.fetch_add(new, Relaxed);
        self.count.fetch_add(new, Relaxed);
        self.ctl.depth.fetch_max(w.depth, Relaxed);
    }

    /// Generates the successors of the top frame's state (loaded in the expander), visits the
    /// new ones and keeps them as the frame's kids.
    #[inline]
    fn expand<const CONCURRENT: bool>(
        &self,
        table: &FpTable,
        w: &mut Worker<M>,
        expand: bool,
        actions: &mut Vec<M::Action>,
    ) {
        let f = w.frames.len() - 1;
        let depth = w.depth_of(f);
        w.depth = w.depth.max(depth);
        if !expand {
            // Cut by the copy cap: checked, not expanded (not faithful).
            return;
        }
        w.x.expand(self.model, self.sym, false, actions);
        w.generated += w.x.succ.len() as u64;
        if self.max_depth.is_some_and(|d| depth >= d) {
            // At the bound: checked, not expanded. Successors not visited yet may still be
            // reached within the bound on another path: decide at the end of the search.
            for n in &w.x.succ {
                if !table.contains(n.fp) {
                    if w.beyond.len() < BEYOND_MAX {
                        w.beyond.push(n.fp);
                    } else {
                        self.cut.store(true, Relaxed);
                    }
                }
            }
            return;
        }
        table.touch_all(w.x.succ.iter().map(|n| n.fp));
        let child_depth = depth + 1;
        w.fresh.clear();
        for k in 0..w.x.succ.len() {
            let n = w.x.succ[k];
            match table.insert::<CONCURRENT>(n.fp) {
                Insert::New(slot) => {
                    if let Some(m) = self.max_states {
                        if self.accepted.fetch_add(1, Relaxed) >= m {
                            self.ctl.stop(Bound::MaxStates);
                            continue;
                        }
                    }
                    if self.max_depth.is_some() {
                        lower(table, slot, child_depth);
                    }
                    w.distinct += 1;
                    let Worker {
                        x,
                        conds,
                        found,
                        prefix,
                        frames,
                        ..
                    } = w;
                    let child = x.successor(self.model, k);
                    let cut = self.note(conds, found, child, || {
                        let mut p = path_to(prefix, frames, f);
                        p.push(n.action as usize);
                        p
                    });
                    w.fresh.push((k, Some(cut != Some(Cut::CopyCap))));
                }
                Insert::Present(slot) => {
                    if self.max_depth.is_some() && lower(table, slot, child_depth) {
                        // Reached at a smaller depth than before: explore it again from here.
                        w.fresh.push((k, None));
                    }
                }
            }
        }
        // Last first, bytes in the same order.
        for &(k, expand) in w.fresh.iter().rev() {
            let start = w.arena.len();
            w.arena.extend_from_slice(w.x.packed(k));
            w.kids.push(Kid {
                action: w.x.succ[k].action,
                start,
                end: w.arena.len(),
                expand,
            });
        }
    }

    /// Takes a job from the pool, waiting while other workers may still produce one. `None`:
    /// the search is over, stopped, or paused.
    fn take_job(&self) -> Option<Job> {
        let Ok(mut p) = self.pool.lock() else {
            return None;
        };
        loop {
            if let Some(job) = p.jobs.pop() {
                return Some(job);
            }
            if p.done || self.ctl.stopped() || self.pause.load(Relaxed) {
                return None;
            }
            p.idle += 1;
            self.hungry.store(p.idle, Relaxed);
            if p.idle == self.threads {
                p.done = true;
                self.wake.notify_all();
                return None;
            }
            p = match self.wake.wait_timeout(p, Duration::from_millis(5)) {
                Ok((g, _)) => g,
                Err(_) => return None,
            };
            p.idle -= 1;
            self.hungry.store(p.idle, Relaxed);
        }
    }

    /// Hands unexplored successors from the bottom of this worker's stack to the pool.
    fn share(&self, w: &mut Worker<M>) {
        let nframes = w.frames.len();
        let region = |f: usize| {
            let end = if f + 1 < nframes {
                w.frames[f + 1].kids
            } else {
                w.kids.len()
            };
            w.frames[f].kids..end
        };
        let Some(f) = (0..nframes).find(|&f| !region(f).is_empty()) else {
            return;
        };
        // Keep the top frame's last child for ourselves.
        let top = nframes - 1;
        let r = region(f);
        let n = r.len();
        let give = if f == top { n / 2 } else { n.div_ceil(2) };
        if give == 0 {
            return;
        }
        let base = path_to(&w.prefix, &w.frames, f);
        // Kids are stored last-first: give the ones explored last. Their bytes stay in the
        // arena as a hole until the stack unwinds below them.
        let given: Vec<Kid> = w.kids.drain(r.start..r.start + give).collect();
        for fr in &mut w.frames[f + 1..] {
            fr.kids -= give;
        }
        let jobs: Vec<Job> = given
            .into_iter()
            .map(|k| {
                let mut path = base.clone();
                path.push(k.action as usize);
                Job {
                    bytes: w.arena[k.start..k.end].to_vec(),
                    path,
                    expand: k.expand,
                }
            })
            .collect();
        if let Ok(mut p) = self.pool.lock() {
            p.jobs.extend(jobs);
            self.wake.notify_all();
        }
    }
}

/// Lowers the recorded depth at `slot` to `depth`; whether it was lowered.
fn lower(table: &FpTable, slot: usize, depth: u64) -> bool {
    let aux = table.aux(slot);
    let mut cur = aux.load(Relaxed);
    while depth < cur {
        match aux.compare_exchange_weak(cur, depth, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(now) => cur = now,
        }
    }
    false
}
