//! The kernel's own laws, checked by random walks over a real protocol (two-phase commit) under
//! random kernel configurations.

use proptest::prelude::*;
use stateright::Model;

use super::symmetry::{least_image, rename, Permutations};
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
        0u8..2,
    )
        .prop_map(
            |(delivery, loss, replay, crashes, crash_mode, time, delta, horizon, partitions)| {
                KernelConfig {
                    delivery,
                    loss,
                    replay,
                    crashes,
                    crash_mode,
                    time,
                    delta,
                    horizon,
                    partitions,
                    ..KernelConfig::default()
                }
            },
        )
}

fn world(shards: u8, config: KernelConfig, flawed: bool) -> World<TwoPhaseCommit> {
    World::new(TwoPhaseCommit::single(shards, flawed), config)
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
            prop_assert!(after.partitions_left <= before.partitions_left);
            let spent = u32::from(before.loss_left - after.loss_left)
                + u32::from(before.replay_left - after.replay_left)
                + u32::from(before.crashes_left - after.crashes_left)
                + u32::from(before.partitions_left - after.partitions_left);
            let is_fault = matches!(
                action,
                Some(
                    KernelAction::Drop(_)
                        | KernelAction::Replay { .. }
                        | KernelAction::Crash(_)
                        | KernelAction::Partition(_)
                )
            );
            prop_assert_eq!(spent, u32::from(is_fault));
            // While a cut holds nothing crosses it.
            for e in &after.net {
                prop_assert!(!after.severed(e.src, e.dst), "{e:?} crosses the cut {}", after.cut);
            }
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
    /// representative, and the representative is itself one of the renamings (for the
    /// sorting canonicaliser and for the brute-force least image alike).
    #[test]
    fn symmetric_states_share_a_representative(
        cfg in config(), shards in 2u8..4, choices in prop::collection::vec(0usize..64, 0..40),
    ) {
        let w = world(shards, cfg, false);
        let perms = Permutations::new(&[(0..shards).collect()]);
        prop_assert!(w.has_symmetry());
        for (s, _) in walk(&w, &choices) {
            let least = least_image(&w.protocol, w.config.delivery, &perms, &s);
            let rep = w.representative(&s);
            prop_assert!(perms.maps().iter().any(|m| rename(&w.protocol, w.config.delivery, m, &s) == least));
            prop_assert!(perms.maps().iter().any(|m| rename(&w.protocol, w.config.delivery, m, &s) == rep));
            for m in perms.maps() {
                let image = rename(&w.protocol, w.config.delivery, m, &s);
                prop_assert_eq!(&least_image(&w.protocol, w.config.delivery, &perms, &image), &least);
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

#[test]
fn a_partition_loses_what_crosses_it_holds_until_it_heals_and_is_not_rest() {
    let cfg = KernelConfig {
        partitions: 1,
        ..KernelConfig::default()
    };
    // Two shards (0, 1) and the coordinator (2), whose Prepares are in flight.
    let w = world(2, cfg, false);
    let s = w.init_states().remove(0);
    let mut actions = Vec::new();
    w.actions(&s, &mut actions);
    let cuts: Vec<u32> = actions
        .iter()
        .filter_map(|a| match a {
            KernelAction::Partition(side) => Some(*side),
            _ => None,
        })
        .collect();
    // Every split of three nodes into two non-empty sides, once: the side without node 0.
    assert_eq!(cuts, [0b010, 0b100, 0b110]);
    assert!(!actions.contains(&KernelAction::Heal));
    // Cut shard-b (1) off: the Prepare to it is lost, the one to shard-a stays.
    let cut = w
        .next_state(&s, KernelAction::Partition(0b010))
        .expect("enabled");
    assert_eq!((cut.cut, cut.partitions_left), (0b010, 0));
    assert_eq!(cut.net.len(), 1);
    assert_eq!((cut.net[0].src, cut.net[0].dst), (2, 0));
    assert!(cut.severed(0, 1) && cut.severed(1, 2) && !cut.severed(0, 2));
    // One partition at a time, and it is not rest: it may heal.
    actions.clear();
    w.actions(&cut, &mut actions);
    assert!(!actions
        .iter()
        .any(|a| matches!(a, KernelAction::Partition(_))));
    assert!(actions.contains(&KernelAction::Heal));
    let mut idle = cut.clone();
    idle.net.clear();
    idle.timers.clear();
    assert!(!w.quiescent(&idle));
    assert_eq!(
        w.unrest(&idle).as_deref(),
        Some("the network is partitioned (shard-a, coordinator | shard-b) and may heal")
    );
    assert!(!w.progress_step(&KernelAction::Partition(0b010)));
    assert!(w.progress_step(&KernelAction::Heal));
    // A message sent across the cut is lost at once; after the heal the channel works.
    let mut out = Effects::new(0);
    let mut sent = cut.clone();
    out.send(
        1,
        crate::protocols::two_phase_commit::Msg::Prepare(
            crate::protocols::two_phase_commit::Tx::new(0, 1),
        ),
    );
    w.apply_effects_for_test(&mut sent, 2, &mut out);
    assert_eq!(sent.net, cut.net);
    assert_eq!(out.cut.len(), 1);
    let healed = w.next_state(&cut, KernelAction::Heal).expect("enabled");
    assert_eq!(healed.cut, 0);
    let mut out = Effects::new(0);
    let mut sent = healed.clone();
    out.send(
        1,
        crate::protocols::two_phase_commit::Msg::Prepare(
            crate::protocols::two_phase_commit::Tx::new(0, 1),
        ),
    );
    w.apply_effects_for_test(&mut sent, 2, &mut out);
    assert_eq!(sent.net.len(), 2);
    // The cut is renamed with the nodes and kept in its one spelling: swapping the shards
    // turns "shard-b alone" into "shard-a alone", the side without node 0 being {1, 2}.
    let swapped = rename(&w.protocol, Delivery::Unordered, &[1, 0, 2], &cut);
    assert_eq!(swapped.cut, 0b110);
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
    assert_eq!(
        least_image(&w.protocol, w.config.delivery, &perms, &a),
        least_image(&w.protocol, w.config.delivery, &perms, &b)
    );
    let rep = w.representative(&a);
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

/// Explores `w` up to symmetry with the brute-force least image (the representative before
/// the sorting canonicaliser: the least image over every renaming) and checks the sorting
/// canonicaliser on every reachable orbit: every renaming of the orbit's states gets one and
/// the same representative, and that representative lies in the orbit. Since the reachable
/// states are closed under renaming, this covers every reachable state. Returns the number of
/// orbits, which equals the number of distinct representatives.
fn against_brute_force<P: Protocol>(w: &World<P>, what: &str) -> usize {
    use std::collections::{HashSet, VecDeque};
    let perms = Permutations::new(&w.protocol.symmetry());
    assert!(!perms.is_trivial(), "{what}: no symmetry to compare");
    let delivery = w.config.delivery;
    let least = |s: &State<P>| least_image(&w.protocol, delivery, &perms, s);
    let mut orbits: HashSet<State<P>> = HashSet::new();
    let mut reps: HashSet<State<P>> = HashSet::new();
    let mut queue = VecDeque::new();
    for s in w.init_states() {
        let c = least(&s);
        if orbits.insert(c.clone()) {
            queue.push_back(c);
        }
    }
    let mut actions = Vec::new();
    while let Some(c) = queue.pop_front() {
        let rep = w.representative(&c);
        assert_eq!(
            least(&rep),
            c,
            "{what}: {rep:?} is not in the orbit of {c:?}"
        );
        for map in perms.maps() {
            let image = rename(&w.protocol, delivery, map, &c);
            assert_eq!(
                w.representative_owned(image),
                rep,
                "{what}: a second representative in the orbit of {c:?} (renamed by {map:?})"
            );
        }
        assert!(
            reps.insert(rep),
            "{what}: two orbits share a representative"
        );
        if c.capped {
            // The engine neither checks nor expands a state cut by the copy cap.
            continue;
        }
        actions.clear();
        w.actions(&c, &mut actions);
        for a in actions.drain(..) {
            if let Some(n) = w.next_state(&c, a) {
                let n = least(&n);
                if orbits.insert(n.clone()) {
                    queue.push_back(n);
                }
            }
        }
    }
    assert_eq!(reps.len(), orbits.len(), "{what}");
    orbits.len()
}

/// [`against_brute_force`] on two-phase commit: (shards, flawed, kernel, orbits: the engine's
/// distinct states with `--symmetry`).
fn two_phase_against_brute_force(cases: &[(u8, bool, KernelConfig, usize)]) {
    for &(shards, flawed, cfg, orbits) in cases {
        let what = format!("two-phase-commit shards={shards} flawed={flawed} {cfg:?}");
        let w = world(shards, cfg, flawed);
        assert_eq!(against_brute_force(&w, &what), orbits, "{what}");
        // Shards that look alike here are interchangeable in the state: no tie is enumerated.
        assert_eq!(w.symmetry().enumerated(), 0, "{what}");
    }
}

/// Four shards (24 renamings): the model's default (one loss, the benchmark's configuration),
/// a reliable network, and a coordinator crash.
#[test]
fn sorted_canonical_form_matches_brute_force_orbits_at_four_shards() {
    let loss = KernelConfig {
        loss: 1,
        ..KernelConfig::default()
    };
    let crash = KernelConfig {
        crashes: 1,
        ..KernelConfig::default()
    };
    two_phase_against_brute_force(&[
        (4, false, KernelConfig::default(), 59114),
        (4, false, loss, 203356),
        (4, false, crash, 118228),
    ]);
}

/// The orbits of naive-timeout train-hotel with two bookings (clocked, horizon 5, no faults).
const TWO_BOOKINGS_ORBITS: usize = 11726;
/// Concurrent transactions keep the shards interchangeable (every transaction concerns every
/// shard alike; with `conflict` each shard's one object is written by all of them): the
/// engine's orbit counts with `--symmetry` (`-p shards=2 -p transactions=2 --network ordered
/// --loss 0`, with and without `-p conflict=1`) are the brute force's.
#[test]
fn concurrent_transactions_match_brute_force_orbits() {
    let reliable_fifo = KernelConfig {
        delivery: Delivery::Ordered,
        ..KernelConfig::default()
    };
    for (conflict, orbits) in [(false, 252_088), (true, 185_455)] {
        let w = World::new(
            TwoPhaseCommit {
                shards: 2,
                transactions: 2,
                conflict,
                revert_after_vote: false,
            },
            reliable_fifo,
        );
        let what = format!("two-phase-commit shards=2 transactions=2 conflict={conflict}");
        assert_eq!(against_brute_force(&w, &what), orbits, "{what}");
        assert_eq!(w.symmetry().enumerated(), 0, "{what}");
    }
}

#[test]
fn sorted_canonical_form_matches_brute_force_orbits() {
    use crate::protocols::train_hotel::{self, TrainHotel};
    let k = |f: fn(&mut KernelConfig)| {
        let mut c = KernelConfig::default();
        f(&mut c);
        c
    };
    // Two-phase commit with two and three shards, each fault and network kind.
    let two_phase: &[(u8, bool, KernelConfig, usize)] = &[
        (2, false, k(|c| c.loss = 1), 1599),
        (3, false, k(|c| c.loss = 1), 20550),
        (3, false, k(|c| c.loss = 2), 37994),
        (3, false, k(|c| c.replay = 1), 39418),
        (3, false, k(|c| c.crashes = 1), 13256),
        // A partition: the cut is renamed with the shards.
        (3, false, k(|c| c.partitions = 1), 26343),
        (
            3,
            false,
            k(|c| {
                c.crashes = 1;
                c.crash_mode = CrashMode::Recover;
            }),
            34970,
        ),
        (
            3,
            false,
            k(|c| {
                c.loss = 1;
                c.delivery = Delivery::Ordered;
            }),
            7504,
        ),
        (
            3,
            false,
            k(|c| {
                c.loss = 1;
                c.time = TimeMode::Clocked;
                c.horizon = 10;
            }),
            22808,
        ),
        (3, true, k(|c| c.loss = 1), 68409),
    ];
    two_phase_against_brute_force(two_phase);
    // Per variant, the orbits for each of the kernel settings below (the engine's counts).
    let train_hotel: [(train_hotel::Variant, [usize; 6]); 3] = [
        (
            train_hotel::Variant::Default,
            [137, 299, 509, 541, 771, 137],
        ),
        (
            train_hotel::Variant::NaiveTimeout,
            [229, 488, 847, 910, 1372, 229],
        ),
        (
            train_hotel::Variant::SenderClockTimeout,
            [233, 542, 1083, 933, 1428, 189],
        ),
    ];
    let settings = [
        k(|_| {}),
        k(|c| c.loss = 1),
        k(|c| c.replay = 1),
        k(|c| c.crashes = 1),
        k(|c| {
            c.crashes = 1;
            c.crash_mode = CrashMode::Recover;
        }),
        k(|c| c.delivery = Delivery::Ordered),
    ];
    for (variant, counts) in train_hotel {
        for (extra, orbits) in settings.iter().zip(counts) {
            let cfg = KernelConfig {
                time: TimeMode::Clocked,
                horizon: 5,
                ..*extra
            };
            let w = World::new(TrainHotel::new(variant, 2, 1), cfg);
            let what = format!("train-hotel {variant:?} {cfg:?}");
            assert_eq!(against_brute_force(&w, &what), orbits, "{what}");
        }
    }
    // Train and hotel stay interchangeable with two bookings competing for one unit each.
    let two = TrainHotel {
        bookings: 2,
        ..TrainHotel::new(train_hotel::Variant::NaiveTimeout, 2, 1)
    };
    let cfg = KernelConfig {
        time: TimeMode::Clocked,
        horizon: 5,
        ..KernelConfig::default()
    };
    let orbits = against_brute_force(&World::new(two, cfg), "train-hotel, two bookings");
    assert_eq!(orbits, TWO_BOOKINGS_ORBITS);
    for relock in [false, true] {
        against_brute_force(&relocker(relock), "relocker");
    }
}

/// A test-local protocol whose interchangeable nodes name each other, so that nodes can look
/// alike (equal signatures) without being interchangeable in the state: each of `n` nodes may
/// once point at another node (a choice) and tells it so with a message carrying its own id.
/// A ring of pointers makes every node's signature equal while no swap fixes the state, which
/// is where the canonicaliser must enumerate.
#[derive(Debug)]
struct Pointers {
    n: u8,
}

impl Protocol for Pointers {
    type Node = Option<xshard_properties::NodeId>;
    type Msg = xshard_properties::NodeId;
    type Timer = ();
    type Choice = xshard_properties::NodeId;

    fn node_names(&self) -> Vec<String> {
        (0..self.n).map(|i| format!("node{i}")).collect()
    }

    fn init(&self, _: xshard_properties::NodeId, _: &mut Effects<Self>) -> Self::Node {
        None
    }

    fn on_message(
        &self,
        _: xshard_properties::NodeId,
        _: &mut Self::Node,
        _: xshard_properties::NodeId,
        _: &xshard_properties::NodeId,
        _: &mut Effects<Self>,
    ) {
    }

    fn on_timer(
        &self,
        _: xshard_properties::NodeId,
        _: &mut Self::Node,
        _: &(),
        _: &mut Effects<Self>,
    ) {
    }

    fn choices(
        &self,
        id: xshard_properties::NodeId,
        node: &Self::Node,
        _: u32,
        out: &mut Vec<xshard_properties::NodeId>,
    ) {
        if node.is_none() {
            out.extend((0..self.n).filter(|&j| j != id));
        }
    }

    fn on_choice(
        &self,
        id: xshard_properties::NodeId,
        node: &mut Self::Node,
        to: &xshard_properties::NodeId,
        out: &mut Effects<Self>,
    ) {
        *node = Some(*to);
        out.send(*to, id);
    }

    fn observe(&self, _: &[Self::Node], _: &mut xshard_properties::Observation) {}

    fn properties(&self) -> Vec<Property<Self>> {
        vec![Property::catalogue(&xshard_properties::CAN_COMMIT)]
    }

    fn symmetry(&self) -> Vec<Vec<xshard_properties::NodeId>> {
        vec![(0..self.n).collect()]
    }

    fn rename_node(
        &self,
        node: &Self::Node,
        rename: &dyn Fn(xshard_properties::NodeId) -> xshard_properties::NodeId,
    ) -> Self::Node {
        node.map(rename)
    }

    fn rename_msg(
        &self,
        msg: &xshard_properties::NodeId,
        rename: &dyn Fn(xshard_properties::NodeId) -> xshard_properties::NodeId,
    ) -> xshard_properties::NodeId {
        rename(*msg)
    }
}

#[test]
fn ties_of_nodes_that_name_each_other_are_enumerated_exactly() {
    let k = |f: fn(&mut KernelConfig)| {
        let mut c = KernelConfig::default();
        f(&mut c);
        c
    };
    for n in [3u8, 4] {
        for cfg in [
            k(|_| {}),
            k(|c| c.loss = 1),
            k(|c| c.replay = 1),
            k(|c| c.delivery = Delivery::Ordered),
        ] {
            let w = World::new(Pointers { n }, cfg);
            let what = format!("pointers n={n} {cfg:?}");
            against_brute_force(&w, &what);
            assert!(
                w.symmetry().enumerated() > 0,
                "{what}: no tie needed enumerating, so this test covers nothing"
            );
        }
    }
    // A ring 0 → 1 → 2 → 0 and the opposite ring are one orbit (rename 1 ↔ 2).
    let w = World::new(Pointers { n: 3 }, KernelConfig::default());
    let ring = |to: [xshard_properties::NodeId; 3]| WorldState {
        nodes: to.iter().map(|&t| Some(t)).collect(),
        ..w.init_states().remove(0)
    };
    assert_eq!(
        w.representative(&ring([1, 2, 0])),
        w.representative(&ring([2, 0, 1]))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Judging an unpacked state through the worker's memo of conditions gives exactly what
    /// `evaluate` gives, on a first look-up and on a hit (each state is judged twice, the
    /// second time after every other, so most look-ups are hits), under every setting.
    #[test]
    fn memoised_conditions_equal_evaluated_ones(
        cfg in config(),
        shards in 1u8..4,
        flawed in any::<bool>(),
        choices in proptest::collection::vec(0usize..64, 0..40),
    ) {
        let w = world(shards, cfg, flawed);
        let mut sc = Scratch::default();
        let packed: Vec<Vec<u8>> = walk(&w, &choices)
            .iter()
            .map(|(s, _)| {
                let mut b = Vec::new();
                w.pack(s, &mut sc, &mut b);
                b
            })
            .collect();
        let mut s = w.blank();
        let (mut memo, mut direct) = (Vec::new(), Vec::new());
        for b in packed.iter().chain(&packed) {
            w.unpack(b, &mut sc, &mut s);
            w.evaluate_in(&s, &mut sc, &mut memo);
            w.evaluate(&s, &mut direct);
            prop_assert_eq!(&memo, &direct);
        }
    }
}
