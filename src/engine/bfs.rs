//! Sequential breadth-first search with a fingerprint table that keeps, per distinct state, its
//! parent and the action that discovered it, so every counterexample can be rebuilt.

use std::collections::hash_map::{DefaultHasher, Entry};
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::time::Instant;

use xshard_models::Checkable;
use xshard_properties::Kind;

use super::{peak_memory, Bound, Options, PropertyResult, Report, Stats, Status, Strategy};

fn fingerprint<T: Hash>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish() | 1
}

struct Visit {
    parent: u64,
    /// For initial states, the index of the initial state; otherwise the action index.
    action: u32,
}

pub(super) fn run<M: Checkable>(model: &M, opts: &Options) -> Report {
    let start = Instant::now();
    let kinds = model.property_kinds();
    let canon = |s: &M::State| {
        if opts.symmetry {
            model.representative(s)
        } else {
            s.clone()
        }
    };
    let mut found: Vec<Option<u64>> = vec![None; kinds.len()];
    let mut visited: HashMap<u64, Visit> = HashMap::new();
    let mut queue: VecDeque<(M::State, u64, u64)> = VecDeque::new();
    let mut generated = 0u64;
    let mut max_depth = 0u64;
    let mut stopped_by = None;
    let mut conditions = Vec::new();

    let mut note = |state: &M::State, fp: u64, found: &mut Vec<Option<u64>>| {
        model.evaluate(state, &mut conditions);
        for (i, (_, kind)) in kinds.iter().enumerate() {
            let hit = match kind {
                Kind::Always | Kind::Terminal => !conditions[i],
                Kind::Sometimes => conditions[i],
            };
            if hit && found[i].is_none() {
                found[i] = Some(fp);
            }
        }
    };

    for (i, init) in model.init_states().into_iter().enumerate() {
        generated += 1;
        let state = canon(&init);
        let fp = fingerprint(&state);
        if let Entry::Vacant(e) = visited.entry(fp) {
            e.insert(Visit {
                parent: 0,
                action: u32::try_from(i).unwrap_or(u32::MAX),
            });
            note(&state, fp, &mut found);
            queue.push_back((state, fp, 1));
        }
    }

    let mut actions = Vec::new();
    let mut expanded = 0u64;
    while let Some((state, fp, depth)) = queue.pop_front() {
        max_depth = max_depth.max(depth);
        expanded += 1;
        if expanded % 4096 == 0 {
            if let Some(t) = opts.timeout {
                if start.elapsed() >= t {
                    stopped_by = Some(Bound::Timeout);
                    break;
                }
            }
        }
        actions.clear();
        model.actions(&state, &mut actions);
        if opts.max_depth.is_some_and(|d| depth >= d) && !actions.is_empty() {
            stopped_by.get_or_insert(Bound::MaxDepth);
            continue;
        }
        for (ai, action) in actions.drain(..).enumerate() {
            let Some(next) = model.next_state(&state, action) else {
                continue;
            };
            generated += 1;
            let next = canon(&next);
            let nfp = fingerprint(&next);
            let full = opts.max_states.is_some_and(|m| visited_len(&visited) >= m);
            if let Entry::Vacant(e) = visited.entry(nfp) {
                if full {
                    stopped_by = Some(Bound::MaxStates);
                    break;
                }
                e.insert(Visit {
                    parent: fp,
                    action: u32::try_from(ai).unwrap_or(u32::MAX),
                });
                note(&next, nfp, &mut found);
                queue.push_back((next, nfp, depth + 1));
            }
        }
        if stopped_by == Some(Bound::MaxStates) {
            break;
        }
    }

    let complete = stopped_by.is_none();
    let properties = kinds
        .iter()
        .zip(&found)
        .map(|(&(name, kind), hit)| {
            let status = match (kind, hit, complete) {
                (Kind::Sometimes, Some(_), _) => Status::Witnessed,
                (_, Some(_), _) => Status::Violated,
                (_, None, false) => Status::Inconclusive,
                (Kind::Sometimes, None, true) => Status::Unwitnessed,
                (_, None, true) => Status::Holds,
            };
            PropertyResult {
                name,
                kind,
                status,
                path: hit.map(|fp| rebuild_path(model, &visited, fp, opts.symmetry)),
            }
        })
        .collect();
    Report {
        properties,
        stats: Stats {
            generated_states: generated,
            distinct_states: visited_len(&visited),
            max_depth,
            elapsed_secs: start.elapsed().as_secs_f64(),
            peak_memory_bytes: peak_memory(),
            symmetry: opts.symmetry,
            engine: "xshard",
            strategy: Strategy::Bfs,
            threads: 1,
        },
        stopped_by,
    }
}

fn visited_len(v: &HashMap<u64, Visit>) -> u64 {
    u64::try_from(v.len()).unwrap_or(u64::MAX)
}

/// Rebuilds the encoded action path to the state with fingerprint `target`.
///
/// The fingerprint chain gives the (canonical) states along the path; walking it forward from
/// the initial state re-derives, at each step, the first action whose successor is (up to
/// symmetry) the next state on the chain, so the path replays on concrete states.
fn rebuild_path<M: Checkable>(
    model: &M,
    visited: &HashMap<u64, Visit>,
    target: u64,
    symmetry: bool,
) -> Vec<usize> {
    let mut chain = vec![target];
    let mut fp = target;
    while let Some(v) = visited.get(&fp) {
        if v.parent == 0 {
            break;
        }
        fp = v.parent;
        chain.push(fp);
    }
    chain.reverse();
    let init_index = visited.get(&chain[0]).map_or(0, |v| v.action as usize);
    let mut path = vec![init_index];
    let inits = model.init_states();
    let Some(mut state) = inits.get(init_index).cloned() else {
        return path;
    };
    let mut actions = Vec::new();
    for &want in &chain[1..] {
        actions.clear();
        model.actions(&state, &mut actions);
        let step = actions.iter().enumerate().find_map(|(i, a)| {
            let next = model.next_state(&state, a.clone())?;
            let canon = if symmetry {
                model.representative(&next)
            } else {
                next.clone()
            };
            (fingerprint(&canon) == want).then_some((i, next))
        });
        match step {
            Some((i, next)) => {
                path.push(i);
                state = next;
            }
            None => break,
        }
    }
    path
}
