//! The builder's contract: runs share nothing (a stop handle stops its own runs only, a fresh
//! run in the same process is exact), progress ends with one final report, and settings a
//! model cannot run with are an error, not a panic.

use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use xshard_models::kernel::World;
use xshard_models::protocols::two_phase_commit::{default_kernel, TwoPhaseCommit};
use xshard_models::tla::two_phase::{TwoPhase, Variant};
use xshard_properties::Kind;

use super::*;

/// TLC's counts for TwoPhase with 3 RMs: distinct, generated.
const RMS3: (u64, u64) = (288, 1146);
/// And with 5 RMs.
const RMS5: (u64, u64) = (8832, 58_146);

fn two_phase(rms: u8) -> Arc<TwoPhase> {
    Arc::new(TwoPhase {
        rms,
        variant: Variant::Default,
    })
}

/// One engine of each kind and strategy, sequential and parallel.
fn every_engine() -> Vec<Engine> {
    vec![
        Engine::new(),
        Engine::new().threads(2),
        Engine::new().strategy(Strategy::Dfs),
        Engine::new().strategy(Strategy::Dfs).threads(2),
        Engine::new().kind(EngineKind::Stateright),
        Engine::new().kind(EngineKind::Stateright).threads(2),
    ]
}

fn counts(r: &Report) -> (u64, u64) {
    (r.stats.distinct_states, r.stats.generated_states)
}

fn check(e: &Engine, model: &Arc<TwoPhase>) -> Report {
    e.check(model).expect("every engine checks TwoPhase")
}

#[test]
fn a_stopped_handle_stops_its_runs_and_nothing_leaks_into_the_next() {
    let model = two_phase(3);
    for e in every_engine() {
        let stopped = StopHandle::new();
        stopped.stop();
        let r = check(&e.clone().stop_handle(stopped.clone()), &model);
        assert_eq!(r.stopped_by, Some(Bound::Interrupted), "{e:?}");
        assert!(
            r.properties
                .iter()
                .any(|p| p.status == Status::Inconclusive),
            "{e:?}: undecided properties make the verdict inconclusive"
        );
        assert!(
            r.properties.iter().all(|p| p.status != Status::Holds),
            "{e:?}: nothing holds after a partial search"
        );
        assert!(stopped.is_stopped(), "the engine never resets a handle");
        // The same process, right after: without a handle, or with a fresh one, the run is
        // exhaustive and exact.
        for next in [e.clone(), e.clone().stop_handle(StopHandle::new())] {
            let r = check(&next, &model);
            assert_eq!(r.stopped_by, None, "{next:?}");
            assert_eq!(counts(&r), RMS3, "{next:?}");
            assert!(
                r.properties
                    .iter()
                    .all(|p| matches!(p.status, Status::Holds | Status::Witnessed)),
                "{next:?}"
            );
        }
    }
}

#[test]
fn stopping_a_handle_during_a_run_stops_it_promptly() {
    // 12 RMs take far longer than this test may: only the stop can end the run in time.
    let model = two_phase(12);
    for e in [
        Engine::new(),
        Engine::new().strategy(Strategy::Dfs).threads(2),
        Engine::new().kind(EngineKind::Stateright),
    ] {
        let h = StopHandle::new();
        let e = e.stop_handle(h.clone());
        let started = Instant::now();
        let r = std::thread::scope(|s| {
            let run = s.spawn(|| check(&e, &model));
            std::thread::sleep(Duration::from_millis(300));
            h.stop();
            run.join().expect("the run does not panic")
        });
        assert_eq!(r.stopped_by, Some(Bound::Interrupted), "{e:?}");
        assert!(
            r.properties
                .iter()
                .any(|p| p.status == Status::Inconclusive),
            "{e:?}: undecided properties make the verdict inconclusive"
        );
        assert!(r.stats.distinct_states > 0, "{e:?}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{e:?}: slow stop"
        );
    }
}

#[test]
fn concurrent_checks_are_exact_and_independent() {
    let small = two_phase(5);
    let big = two_phase(12);
    let engines = every_engine();
    // `together`: every run and the long one start at once; `first_done` and `resume`: the
    // long run is stopped between the two runs of each engine.
    let together = Barrier::new(engines.len() + 1);
    let first_done = Barrier::new(engines.len() + 1);
    let resume = Barrier::new(engines.len() + 1);
    let big_stop = StopHandle::new();
    std::thread::scope(|s| {
        let long = {
            let e = Engine::new().threads(2).stop_handle(big_stop.clone());
            let (big, together) = (&big, &together);
            s.spawn(move || {
                together.wait();
                check(&e, big)
            })
        };
        let runs: Vec<_> = engines
            .iter()
            .map(|e| {
                let (small, together, first_done, resume) =
                    (&small, &together, &first_done, &resume);
                s.spawn(move || {
                    together.wait();
                    let first = check(e, small);
                    first_done.wait();
                    resume.wait();
                    let second = check(e, small);
                    (first, second)
                })
            })
            .collect();
        first_done.wait();
        // Stopping the long run must not reach the others, running or starting later.
        big_stop.stop();
        let stopped = long.join().map(|r| r.stopped_by);
        resume.wait();
        assert_eq!(stopped.ok(), Some(Some(Bound::Interrupted)));
        for (e, run) in engines.iter().zip(runs) {
            let (first, second) = run.join().expect("no panic");
            for r in [first, second] {
                assert_eq!(r.stopped_by, None, "{e:?}");
                assert_eq!(counts(&r), RMS5, "{e:?}");
            }
        }
    });
}

#[test]
fn progress_reports_periodically_and_once_at_the_end() {
    type Seen = Arc<Mutex<Vec<Progress>>>;
    let recorder = |seen: &Seen| {
        let seen = Arc::clone(seen);
        move |p: &Progress| seen.lock().expect("not poisoned").push(p.clone())
    };
    // A run shorter than the monitor's period: only the final report.
    let seen: Seen = Arc::default();
    let r = check(&Engine::new().progress(recorder(&seen)), &two_phase(3));
    let got = seen.lock().expect("not poisoned").clone();
    let last = got.last().expect("at least the final report");
    assert!(last.done);
    assert_eq!(got.iter().filter(|p| p.done).count(), 1);
    assert_eq!((last.distinct, last.generated), RMS3);
    assert_eq!(last.depth, r.stats.max_depth);
    assert_eq!(last.label, "xshard bfs");
    assert_eq!(last.stopping, None);

    // A longer run: periodic reports first, counts never decreasing, then the final one.
    let seen: Seen = Arc::default();
    let e = Engine::new()
        .strategy(Strategy::Dfs)
        .timeout(Duration::from_millis(800))
        .progress(recorder(&seen));
    let r = check(&e, &two_phase(12));
    assert_eq!(r.stopped_by, Some(Bound::Timeout));
    let got = seen.lock().expect("not poisoned").clone();
    let (last, periodic) = got.split_last().expect("reports");
    assert!(last.done && periodic.iter().all(|p| !p.done));
    assert!(periodic.len() >= 3, "{} periodic reports", periodic.len());
    assert!(periodic.windows(2).all(|w| w[0].distinct <= w[1].distinct));
    assert!(periodic.iter().all(|p| p.label == "xshard dfs"));
    assert_eq!(last.stopping, Some(Bound::Timeout));
    assert_eq!(last.distinct, r.stats.distinct_states);
}

#[test]
fn stateright_symmetry_needs_the_models_symmetry_function() {
    let e = Engine::new().kind(EngineKind::Stateright).symmetry(true);
    // two-phase-commit has symmetry for xshard's engine only.
    let model = Arc::new(World::new(
        TwoPhaseCommit::single(2, false),
        default_kernel(),
    ));
    let err = e.check(&model).expect_err("refused");
    assert!(matches!(err, EngineError::StaterightSymmetry), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("no symmetry function"), "{text}");
    assert!(
        text.contains("xshard's engine"),
        "{text}: says what to do instead"
    );
    assert!(!text.contains("--"), "{text}: the engine knows no flags");
    // TwoPhase has one, so the same settings run.
    let r = check(&e, &two_phase(3));
    assert_eq!(r.stopped_by, None);
    assert!(r.stats.symmetry);
}

#[test]
fn the_builder_keeps_its_settings() {
    let s = *Engine::new().settings();
    assert_eq!(s, Settings::default());
    assert_eq!(
        (s.strategy, s.threads, s.symmetry, s.kind),
        (Strategy::Bfs, 1, false, EngineKind::Xshard)
    );
    assert_eq!(
        (s.max_states, s.max_depth, s.timeout, s.max_memory),
        (None, None, None, Some(DEFAULT_MAX_MEMORY))
    );
    let e = Engine::new()
        .strategy(Strategy::Dfs)
        .threads(0)
        .symmetry(true)
        .max_states(10)
        .max_depth(3)
        .timeout(Duration::from_secs(2))
        .max_memory(None)
        .kind(EngineKind::Stateright)
        .stop_handle(StopHandle::new())
        .progress(|_| {});
    let s = e.settings();
    assert_eq!(s.threads, 1, "clamped");
    assert_eq!(
        (s.strategy, s.symmetry, s.kind),
        (Strategy::Dfs, true, EngineKind::Stateright)
    );
    assert_eq!(
        (s.max_states, s.max_depth, s.timeout, s.max_memory),
        (Some(10), Some(3), Some(Duration::from_secs(2)), None)
    );
    assert!(e.has_progress());
    assert!(e.get_stop_handle().is_some_and(|h| !h.is_stopped()));
    let shown = format!("{e:?}");
    assert!(
        shown.contains("Stateright") && shown.contains("callback"),
        "{shown}"
    );
    // Unsetting a bound.
    assert_eq!(e.max_states(None).settings().max_states, None);
}

#[test]
fn names_parse_back_and_match_serde() {
    for &s in Strategy::ALL {
        assert_eq!(s.as_str().parse::<Strategy>(), Ok(s));
        assert_eq!(serde_json::to_value(s).ok(), Some(s.as_str().into()));
    }
    for &k in EngineKind::ALL {
        assert_eq!(k.as_str().parse::<EngineKind>(), Ok(k));
        assert_eq!(serde_json::to_value(k).ok(), Some(k.as_str().into()));
    }
    for b in [
        Bound::MaxStates,
        Bound::MaxDepth,
        Bound::Timeout,
        Bound::MaxMemory,
        Bound::Interrupted,
    ] {
        assert_eq!(serde_json::to_value(b).ok(), Some(b.as_str().into()));
    }
    let err = "bfss".parse::<Strategy>().expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "unknown strategy 'bfss' (expected one of: bfs, dfs)"
    );
    let err = "spin".parse::<EngineKind>().expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "unknown engine 'spin' (expected one of: xshard, stateright)"
    );
}

fn blocked_2pc() -> Arc<World<TwoPhaseCommit>> {
    let mut kernel = default_kernel();
    kernel.crashes = 1;
    Arc::new(World::new(TwoPhaseCommit::single(2, false), kernel))
}

/// The progress property's verdict, path and stuck count.
fn progress(r: &Report) -> (Status, Option<Vec<usize>>, Option<u64>) {
    let p = r
        .properties
        .iter()
        .find(|p| p.kind == Kind::Progress)
        .expect("the model declares progress");
    (p.status, p.path.clone(), p.stuck_states)
}

#[test]
fn a_blocked_commit_is_stuck_with_its_shortest_path() {
    let model = blocked_2pc();
    let (status, path, stuck) = progress(&Engine::new().check(&model).expect("checks"));
    assert_eq!(status, Status::Violated);
    assert_eq!(path.map(|p| p.len() - 1), Some(3));
    assert_eq!(stuck, Some(243));
}

#[test]
fn engines_and_symmetry_agree_on_progress() {
    let model = blocked_2pc();
    let want = progress(&Engine::new().check(&model).expect("checks"));
    for e in [
        Engine::new().threads(2),
        Engine::new().strategy(Strategy::Dfs),
        Engine::new().strategy(Strategy::Dfs).threads(2),
    ] {
        assert_eq!(progress(&e.check(&model).expect("checks")), want, "{e:?}");
    }
    // Up to symmetry the graph is smaller, but a shortest path to a stuck state is as long,
    // and it replays on concrete states.
    let sym = progress(&Engine::new().symmetry(true).check(&model).expect("checks"));
    assert_eq!(sym.0, Status::Violated);
    let path = sym.1.expect("a counterexample");
    assert_eq!(path.len() - 1, 3);
    assert!(replay_path(&*model, &path).is_ok());
}

#[test]
fn a_depth_bound_leaves_progress_inconclusive_unless_violated() {
    let model = blocked_2pc();
    // The 3-step stuck state is at the bound: its successors were not explored, so it might
    // finish, and nothing is provably stuck.
    let r = Engine::new().max_depth(4).check(&model).expect("checks");
    assert_eq!(progress(&r).0, Status::Inconclusive);
    assert_eq!(progress(&r).2, Some(0));
    // A state counts as stuck only when everything it can reach is inside the bound: 4 such
    // at depth 6, all 243 once the bound cuts nothing that matters.
    let r = Engine::new().max_depth(6).check(&model).expect("checks");
    assert_eq!(
        (progress(&r).0, progress(&r).2),
        (Status::Violated, Some(4))
    );
    assert_eq!(r.stopped_by, Some(Bound::MaxDepth));
    let r = Engine::new().max_depth(14).check(&model).expect("checks");
    assert_eq!(progress(&r).2, Some(243));
}

/// A protocol whose only handler panics: node 0 sends itself a message at start.
#[derive(Debug)]
struct Panics;

impl xshard_models::kernel::Protocol for Panics {
    type Node = u8;
    type Msg = ();
    type Timer = ();
    type Choice = ();

    fn node_names(&self) -> Vec<String> {
        vec!["shard-a".into()]
    }

    fn init(
        &self,
        id: xshard_properties::NodeId,
        out: &mut xshard_models::kernel::Effects<Self>,
    ) -> u8 {
        out.send(id, ());
        0
    }

    fn on_message(
        &self,
        _: xshard_properties::NodeId,
        _: &mut u8,
        _: xshard_properties::NodeId,
        _: &(),
        _: &mut xshard_models::kernel::Effects<Self>,
    ) {
        panic!("the protocol's handler panics");
    }

    fn on_timer(
        &self,
        _: xshard_properties::NodeId,
        _: &mut u8,
        _: &(),
        _: &mut xshard_models::kernel::Effects<Self>,
    ) {
    }

    fn observe(&self, _: &[u8], _: &mut xshard_properties::Observation) {}

    fn properties(&self) -> Vec<xshard_models::kernel::Property<Self>> {
        vec![xshard_models::kernel::Property::catalogue(
            &xshard_properties::ATOMICITY,
        )]
    }
}

/// Sequential and parallel, both strategies: the monitor ends on a panic, and a panicking
/// worker stops its peers instead of leaving them waiting for its work.
#[test]
fn a_panic_in_the_search_ends_the_run_instead_of_hanging() {
    for e in [
        Engine::new().threads(1),
        Engine::new().threads(1).strategy(Strategy::Dfs),
        Engine::new().threads(2),
        Engine::new().threads(2).strategy(Strategy::Dfs),
    ] {
        let (tx, rx) = std::sync::mpsc::channel();
        let label = format!("{e:?}");
        std::thread::spawn(move || {
            let model = Arc::new(World::new(
                Panics,
                xshard_models::kernel::KernelConfig::default(),
            ));
            let ended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _ = e.check(&model);
            }));
            let _ = tx.send(ended.is_err());
        });
        // Without the monitor ending on a panic, the run never returns.
        let panicked = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{label}: the run hung after a panic"));
        assert!(panicked, "{label}: the handler's panic reaches the caller");
    }
}

/// The actions a walk took, decoded by replaying its path.
fn walked<M: Checkable>(model: &M, w: &walk::Walk) -> Vec<M::Action> {
    let mut state = model.init_states()[w.path[0]].clone();
    let mut taken = Vec::new();
    for &i in &w.path[1..] {
        let mut actions = Vec::new();
        model.actions(&state, &mut actions);
        let a = actions[i].clone();
        state = model
            .next_state(&state, a.clone())
            .expect("a walked action");
        taken.push(a);
    }
    taken
}

#[test]
fn a_walks_swarm_mask_switches_fault_classes_on_and_off_and_shrinking_keeps_it() {
    use xshard_models::kernel::{KernelAction, SWARM_CLASSES};
    let mut kernel = default_kernel();
    kernel.loss = 2;
    let model = World::new(TwoPhaseCommit::single(2, true), kernel);
    let drop_bit = 1u32
        << SWARM_CLASSES
            .iter()
            .position(|&c| c == "drop")
            .expect("drop");
    let mut seed = 7u32;
    let mut drops = [0usize; 3];
    let mut violating = None;
    for _ in 0..1000 {
        let choices: Vec<u32> = (0..30)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                seed >> 8
            })
            .collect();
        for (k, mask) in [0, !drop_bit, drop_bit].into_iter().enumerate() {
            let mut c = choices.clone();
            c[1] = mask;
            let w = walk::walk(&model, &c);
            let taken = walked(&model, &w);
            drops[k] += taken
                .iter()
                .filter(|a| matches!(a, KernelAction::Drop(_)))
                .count();
            if k > 0 && w.violated.is_some() && violating.is_none() {
                violating = Some(c);
            }
        }
    }
    assert_eq!(drops[0], 0, "mask 0 is the fault-free walk");
    assert_eq!(drops[1], 0, "every class but drop");
    assert!(drops[2] > 0, "drops switched on are taken");
    let choices = violating.expect("some walk with a nonzero mask violates atomicity");
    let shrunk = walk::minimise(&model, &choices);
    assert_eq!(shrunk[1], choices[1], "shrinking keeps the walk's mask");
    let w = walk::walk(&model, &shrunk);
    assert!(w.violated.is_some());
    assert_eq!(
        w.steps(),
        shrunk.len() - 2,
        "one choice per action after init and mask"
    );
}
