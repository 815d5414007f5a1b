//! Paths of a search under symmetry, mapped back onto concrete states.
//!
//! A search that stores canonical representatives records its paths as action indices of
//! canonical states; a counterexample must be a path a reader can replay on the model itself.
//! Used by the breadth-first search and by the graph `progress` is judged on.

use xshard_models::Checkable;

/// Maps an encoded path of the canonical search (initial-state index, then action indices
/// relative to canonical states) onto concrete states: it follows the canonical chain and, on
/// the concrete states, takes the smallest action reaching the next canonical state.
pub(crate) fn concrete_path<M: Checkable>(model: &M, init: usize, actions: &[usize]) -> Vec<usize> {
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
