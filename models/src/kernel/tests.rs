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
                ..KernelConfig::default()
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

/// A test-local protocol for the kernel's history: two interchangeable shards, each of which
/// may lock (a choice), revert its lock (a choice that records a `Revert`) and, when `relock`
/// is set, lock again once after reverting — the bug a history rebuilt from node state cannot
/// see. A shard may crash and then forgets everything (it persists nothing).
#[derive(Debug)]
struct Relocker {
    relock: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
enum Hold {
    Idle,
    Locked { again: bool },
    Reverted { again: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Act {
    Lock,
    Revert,
}

impl Protocol for Relocker {
    type Node = Hold;
    type Msg = ();
    type Timer = ();
    type Choice = Act;

    fn node_names(&self) -> Vec<String> {
        vec!["shard-a".into(), "shard-b".into()]
    }

    fn init(&self, _: xshard_properties::NodeId, _: &mut Effects<Self>) -> Hold {
        Hold::Idle
    }

    fn on_message(
        &self,
        _: xshard_properties::NodeId,
        _: &mut Hold,
        _: xshard_properties::NodeId,
        _: &(),
        _: &mut Effects<Self>,
    ) {
    }

    fn on_timer(&self, _: xshard_properties::NodeId, _: &mut Hold, _: &(), _: &mut Effects<Self>) {}

    fn choices(&self, _: xshard_properties::NodeId, node: &Hold, _: u32, out: &mut Vec<Act>) {
        match *node {
            Hold::Idle => out.push(Act::Lock),
            Hold::Reverted { again: false } if self.relock => out.push(Act::Lock),
            Hold::Locked { .. } => out.push(Act::Revert),
            Hold::Reverted { .. } => {}
        }
    }

    fn on_choice(
        &self,
        id: xshard_properties::NodeId,
        node: &mut Hold,
        choice: &Act,
        out: &mut Effects<Self>,
    ) {
        *node = match (*choice, *node) {
            (Act::Lock, Hold::Idle) => Hold::Locked { again: false },
            (Act::Lock, Hold::Reverted { .. }) => Hold::Locked { again: true },
            (Act::Revert, Hold::Locked { again }) => {
                out.record(xshard_properties::Event::Revert { tx: 0, shard: id });
                Hold::Reverted { again }
            }
            (_, other) => other,
        };
    }

    fn can_crash(&self, _: xshard_properties::NodeId) -> bool {
        true
    }

    fn persisted(&self, _: xshard_properties::NodeId, _: &Hold) -> Hold {
        Hold::Idle
    }

    fn observe(&self, nodes: &[Hold], obs: &mut xshard_properties::Observation) {
        for (i, n) in nodes.iter().enumerate() {
            let outcome = match n {
                Hold::Idle => xshard_properties::Outcome::Pending,
                Hold::Locked { .. } => xshard_properties::Outcome::Locked,
                Hold::Reverted { .. } => xshard_properties::Outcome::Reverted,
            };
            obs.outcome(0, super::state::node_id(i), outcome);
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![Property::catalogue(&xshard_properties::TIMEOUT_REVERT)]
    }

    fn symmetry(&self) -> Vec<Vec<xshard_properties::NodeId>> {
        vec![vec![0, 1]]
    }
}

fn relocker(relock: bool) -> World<Relocker> {
    World::new(
        Relocker { relock },
        KernelConfig {
            crashes: 1,
            ..KernelConfig::default()
        },
    )
}

/// Applies `path` from the initial state, each action required to be enabled.
fn follow(w: &World<Relocker>, path: &[Action<Relocker>]) -> State<Relocker> {
    let mut s = w.init_states().remove(0);
    for a in path {
        let mut enabled = Vec::new();
        w.actions(&s, &mut enabled);
        assert!(enabled.contains(a), "{a:?} is not enabled in {s:?}");
        s = w
            .next_state(&s, a.clone())
            .expect("an enabled action has a successor");
    }
    s
}

fn choose(node: xshard_properties::NodeId, choice: Act) -> Action<Relocker> {
    KernelAction::Choose { node, choice }
}

const REVERT_A: xshard_properties::Event = xshard_properties::Event::Revert { tx: 0, shard: 0 };
const REVERT_B: xshard_properties::Event = xshard_properties::Event::Revert { tx: 0, shard: 1 };

#[test]
fn the_history_survives_later_steps_and_what_a_node_forgets() {
    let w = relocker(false);
    let reverted = follow(&w, &[choose(0, Act::Lock), choose(0, Act::Revert)]);
    assert_eq!(reverted.history, [REVERT_A]);
    // Later steps of another node keep it, and add theirs in sorted order.
    let both = follow(
        &w,
        &[
            choose(0, Act::Lock),
            choose(0, Act::Revert),
            choose(1, Act::Lock),
            choose(1, Act::Revert),
        ],
    );
    assert_eq!(both.history, [REVERT_A, REVERT_B]);
    assert_eq!(w.observation(&both).history, [REVERT_A, REVERT_B]);
    // A crash resets shard-a to its initial node state; the revert stays in the history, so
    // the state is not the initial state even though every node looks as it did then.
    let crashed = follow(
        &w,
        &[
            choose(0, Act::Lock),
            choose(0, Act::Revert),
            KernelAction::Crash(0),
        ],
    );
    let init = w.init_states().remove(0);
    assert_eq!(crashed.nodes, init.nodes);
    assert_eq!(crashed.history, [REVERT_A]);
    assert_ne!(
        crashed,
        WorldState {
            down: 1,
            crashes_left: 0,
            ..init
        }
    );
}

#[test]
fn a_second_revert_after_a_relock_violates_timeout_revert() {
    let w = relocker(true);
    let path = [
        choose(0, Act::Lock),
        choose(0, Act::Revert),
        choose(0, Act::Lock),
        choose(0, Act::Revert),
    ];
    let twice = follow(&w, &path);
    // The node state alone shows one revert; the kernel's history shows both.
    assert_eq!(twice.nodes[0], Hold::Reverted { again: true });
    assert_eq!(twice.history, [REVERT_A, REVERT_A]);
    let mut verdicts = Vec::new();
    w.evaluate(&twice, &mut verdicts);
    assert_eq!(verdicts, [false], "timeout_revert must be violated");
    assert_eq!(
        w.explain(0, &twice),
        "tx1 was reverted or refunded twice on shard-a"
    );
    // One revert on each shard is fine.
    let once_each = follow(
        &w,
        &[
            choose(0, Act::Lock),
            choose(0, Act::Revert),
            choose(1, Act::Lock),
            choose(1, Act::Revert),
        ],
    );
    w.evaluate(&once_each, &mut verdicts);
    assert_eq!(verdicts, [true]);
}

#[test]
fn symmetry_renames_the_shards_named_in_the_history() {
    let w = relocker(false);
    let perms = Permutations::new(&[vec![0, 1]]);
    let a = follow(&w, &[choose(0, Act::Lock), choose(0, Act::Revert)]);
    let b = follow(&w, &[choose(1, Act::Lock), choose(1, Act::Revert)]);
    let swap: Vec<xshard_properties::NodeId> = vec![1, 0];
    let image = rename(&w.protocol, w.config.delivery, &swap, &a);
    // The swapped image is exactly the run in which shard-b reverted: node and event agree.
    assert_eq!(image, b);
    assert_eq!(image.history, [REVERT_B]);
    assert_eq!(w.representative(&a), w.representative(&b));
    let rep = canonical(&w.protocol, w.config.delivery, &perms, &a);
    let reverted = rep
        .nodes
        .iter()
        .position(|n| matches!(n, Hold::Reverted { .. }))
        .expect("one shard reverted");
    assert_eq!(
        rep.history,
        [xshard_properties::Event::Revert {
            tx: 0,
            shard: super::state::node_id(reverted)
        }]
    );
    // Two states whose nodes agree but whose histories differ are two states, also up to
    // symmetry: a crash made shard-a forget its revert.
    let forgot = follow(
        &w,
        &[
            choose(0, Act::Lock),
            choose(0, Act::Revert),
            KernelAction::Crash(0),
        ],
    );
    let never = follow(&w, &[KernelAction::Crash(0)]);
    assert_eq!(forgot.nodes, never.nodes);
    assert_ne!(w.representative(&forgot), w.representative(&never));
}
