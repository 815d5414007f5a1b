//! The kernel's own laws, checked by random walks over a real protocol (two-phase commit) under
//! random kernel configurations.

use proptest::prelude::*;
use stateright::Model;

use super::symmetry::{canonical, rename, Permutations};
use super::*;
use crate::checkable::Checkable;
use crate::protocols::two_phase_commit::TwoPhaseCommit;

fn config() -> impl Strategy<Value = KernelConfig> {
    (
        prop_oneof![Just(Delivery::Ordered), Just(Delivery::Unordered)],
        0u8..3,
        0u8..3,
        0u8..2,
        prop_oneof![Just(CrashMode::Stop), Just(CrashMode::Recover)],
        prop_oneof![Just(TimeMode::Async), Just(TimeMode::Clocked)],
        1u32..4,
        1u32..8,
    )
        .prop_map(
            |(delivery, loss, replay, crashes, crash_mode, time, delta, horizon)| KernelConfig {
                delivery,
                loss,
                replay,
                crashes,
                crash_mode,
                time,
                delta,
                horizon,
            },
        )
}

fn world(shards: u8, config: KernelConfig, flawed: bool) -> World<TwoPhaseCommit> {
    World::new(
        TwoPhaseCommit {
            shards,
            revert_after_vote: flawed,
        },
        config,
    )
}

/// Follows `choices` (each picks an enabled action modulo their number) from the initial
/// state; returns every state visited with the action that left it.
fn walk(
    w: &World<TwoPhaseCommit>,
    choices: &[usize],
) -> Vec<(
    super::state::State<TwoPhaseCommit>,
    Option<super::state::Action<TwoPhaseCommit>>,
)> {
    let mut s = w.init_states().remove(0);
    let mut out = Vec::new();
    for &c in choices {
        let mut actions = Vec::new();
        w.actions(&s, &mut actions);
        if actions.is_empty() {
            break;
        }
        let a = actions[c % actions.len()].clone();
        let next = w
            .next_state(&s, a.clone())
            .expect("kernel actions always change the state");
        out.push((s, Some(a)));
        s = next;
    }
    out.push((s, None));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// With Δ set, no message to a live node is ever more than Δ ticks old, and no timer of a
    /// live node is ever overdue: time cannot pass them by.
    #[test]
    fn clocked_time_respects_delta(
        mut cfg in config(), shards in 1u8..4, choices in prop::collection::vec(0usize..64, 0..60),
    ) {
        cfg.time = TimeMode::Clocked;
        let w = world(shards, cfg, false);
        for (s, a) in walk(&w, &choices) {
            for e in &s.net {
                if !s.is_down(e.dst) {
                    prop_assert!(e.deadline >= s.now, "message overdue: {e:?} at {}", s.now);
                    prop_assert!(e.deadline <= s.now + cfg.delta);
                }
            }
            for t in &s.timers {
                prop_assert!(t.deadline >= s.now, "timer overdue: {t:?}");
            }
            prop_assert!(s.now <= cfg.horizon);
            if let Some(KernelAction::Tick) = a {
                prop_assert!(s.now < cfg.horizon);
            }
        }
    }

    /// Budgets only shrink, never below zero, and each fault costs exactly one unit.
    #[test]
    fn budgets_never_underflow(
        cfg in config(), shards in 1u8..4, choices in prop::collection::vec(0usize..64, 0..60),
    ) {
        let w = world(shards, cfg, true);
        let trail = walk(&w, &choices);
        for pair in trail.windows(2) {
            let (before, action) = &pair[0];
            let after = &pair[1].0;
            prop_assert!(after.loss_left <= before.loss_left);
            prop_assert!(after.replay_left <= before.replay_left);
            prop_assert!(after.crashes_left <= before.crashes_left);
            let spent = u32::from(before.loss_left - after.loss_left)
                + u32::from(before.replay_left - after.replay_left)
                + u32::from(before.crashes_left - after.crashes_left);
            let is_fault = matches!(
                action,
                Some(KernelAction::Drop(_) | KernelAction::Replay { .. } | KernelAction::Crash(_))
            );
            prop_assert_eq!(spent, u32::from(is_fault));
        }
        let last = &trail.last().expect("a walk has a last state").0;
        prop_assert!(last.loss_left <= cfg.loss && last.replay_left <= cfg.replay);
        if last.replay_left == 0 {
            prop_assert!(last.sent.is_empty(), "replay history is dropped once unusable");
        }
    }

    /// The same state always yields the same action list, and the same successors, from two
    /// independently built models.
    #[test]
    fn actions_are_deterministic(
        cfg in config(), shards in 1u8..4, choices in prop::collection::vec(0usize..64, 0..40),
    ) {
        let a = world(shards, cfg, false);
        let b = world(shards, cfg, false);
        for (s, _) in walk(&a, &choices) {
            let (mut xs, mut ys) = (Vec::new(), Vec::new());
            a.actions(&s, &mut xs);
            b.actions(&s.clone(), &mut ys);
            prop_assert_eq!(&xs, &ys);
            for x in xs {
                prop_assert_eq!(a.next_state(&s, x.clone()), b.next_state(&s, x));
            }
        }
    }

    /// Every renaming of interchangeable shards of a reachable state has the same
    /// representative, and the representative is itself one of the renamings.
    #[test]
    fn symmetric_states_share_a_representative(
        cfg in config(), shards in 2u8..4, choices in prop::collection::vec(0usize..64, 0..40),
    ) {
        let w = world(shards, cfg, false);
        let perms = Permutations::new(&[(0..shards).collect()]);
        prop_assert!(w.has_symmetry());
        for (s, _) in walk(&w, &choices) {
            let rep = canonical(&w.protocol, w.config.delivery, &perms, &s);
            prop_assert!(perms.maps().iter().any(|m| rename(&w.protocol, w.config.delivery, m, &s) == rep));
            for m in perms.maps() {
                let image = rename(&w.protocol, w.config.delivery, m, &s);
                prop_assert_eq!(&canonical(&w.protocol, w.config.delivery, &perms, &image), &rep);
                prop_assert_eq!(&w.representative(&image), &rep);
            }
        }
    }
}

#[test]
fn permutations_of_a_group_of_three_are_six() {
    let p = Permutations::new(&[vec![0, 1, 2]]);
    assert_eq!(p.maps().len(), 6);
    assert!(!p.is_trivial());
    assert!(Permutations::new(&[]).is_trivial());
}

#[test]
fn quiescence_needs_no_message_timer_or_choice() {
    let w = world(2, KernelConfig::default(), false);
    let init = w.init_states().remove(0);
    assert!(!w.quiescent(&init), "prepare messages are in flight");
    let mut state = init;
    state.net.clear();
    state.timers.clear();
    assert!(w.quiescent(&state));
}

#[test]
fn faults_are_enumerated_only_within_budget() {
    let cfg = KernelConfig {
        loss: 1,
        replay: 1,
        crashes: 1,
        ..KernelConfig::default()
    };
    let w = world(2, cfg, false);
    let s = w.init_states().remove(0);
    let mut actions = Vec::new();
    w.actions(&s, &mut actions);
    let drops = actions
        .iter()
        .filter(|a| matches!(a, KernelAction::Drop(_)))
        .count();
    let replays = actions
        .iter()
        .filter(|a| matches!(a, KernelAction::Replay { .. }))
        .count();
    let crashes = actions
        .iter()
        .filter(|a| matches!(a, KernelAction::Crash(_)))
        .count();
    assert_eq!((drops, replays, crashes), (2, 2, 1));
    let none = world(2, KernelConfig::default(), false);
    let s = none.init_states().remove(0);
    actions.clear();
    none.actions(&s, &mut actions);
    assert!(actions.iter().all(|a| matches!(
        a,
        KernelAction::Deliver(_) | KernelAction::Timeout { .. } | KernelAction::Choose { .. }
    )));
}
