//! `progress` (AG EF done) judged on the explored graph: a retry loop that `deadlock_freedom`
//! cannot see, the correct defaults, and the engines agreeing on the verdict.

use std::sync::Arc;

use serde::Serialize;
use stateright::Model;
use xshard::engine::{Engine, EngineKind, Status, Strategy};
use xshard::models::kernel::{Effects, KernelConfig, Property, Protocol, World};
use xshard::properties::{NodeId, Observation, Outcome, DEADLOCK_FREEDOM, PROGRESS};
use xshard::Checkable;

use crate::helpers::{all, first, json_lines, run};

/// A client that asks a server for a decision and retries on a timer until it gets one. With
/// `answers == false` the server never answers: the client retries forever, a timer is always
/// armed, so no state is quiescent. With `stops == false` the client decides on the answer but
/// never disarms its timer: it keeps re-sending the request (and the server keeps answering)
/// after everything is decided.
#[derive(Debug)]
struct RetryLoop {
    answers: bool,
    stops: bool,
}

/// The client's retry timer.
#[derive(Clone, Debug, Hash, PartialEq, Eq, PartialOrd, Ord)]
struct Retry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, PartialOrd, Ord, Serialize)]
enum Node {
    Idle,
    Waiting,
    Decided,
    Server,
}

const CLIENT: NodeId = 0;
const SERVER: NodeId = 1;

impl Protocol for RetryLoop {
    type Node = Node;
    type Msg = &'static str;
    type Timer = Retry;
    type Choice = ();

    fn node_names(&self) -> Vec<String> {
        vec!["client".into(), "server".into()]
    }

    fn init(&self, id: NodeId, _out: &mut Effects<Self>) -> Node {
        if id == CLIENT {
            Node::Idle
        } else {
            Node::Server
        }
    }

    fn on_message(
        &self,
        _id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: &&'static str,
        out: &mut Effects<Self>,
    ) {
        match (*msg, &*node) {
            ("req", Node::Server) if self.answers => out.resend(from, "ack"),
            ("ack", Node::Waiting) => {
                *node = Node::Decided;
                if self.stops {
                    out.cancel_timer(Retry);
                }
            }
            _ => {}
        }
    }

    fn on_timer(&self, _id: NodeId, node: &mut Node, _t: &Retry, out: &mut Effects<Self>) {
        if *node == Node::Waiting || (*node == Node::Decided && !self.stops) {
            out.resend(SERVER, "req");
            out.set_timer(Retry, 1);
        }
    }

    fn choices(&self, id: NodeId, node: &Node, _now: u32, out: &mut Vec<()>) {
        if id == CLIENT && *node == Node::Idle {
            out.push(());
        }
    }

    fn on_choice(&self, _id: NodeId, node: &mut Node, _c: &(), out: &mut Effects<Self>) {
        *node = Node::Waiting;
        out.send(SERVER, "req");
        out.set_timer(Retry, 1);
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        match nodes[usize::from(CLIENT)] {
            Node::Waiting => {
                obs.outcome(0, CLIENT, Outcome::Pending);
            }
            Node::Decided => {
                obs.outcome(0, CLIENT, Outcome::Committed);
            }
            _ => {}
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![(&DEADLOCK_FREEDOM).into(), (&PROGRESS).into()]
    }
}

fn retry_loop(answers: bool) -> Arc<World<RetryLoop>> {
    retrying(answers, true)
}

fn retrying(answers: bool, stops: bool) -> Arc<World<RetryLoop>> {
    Arc::new(World::new(
        RetryLoop { answers, stops },
        KernelConfig::default(),
    ))
}

#[test]
fn a_retry_loop_passes_deadlock_freedom_and_violates_progress() {
    let report = Engine::new()
        .check(&retry_loop(false))
        .expect("xshard's engine checks it");
    let [deadlock, progress] = &report.properties[..] else {
        panic!("two properties: {:?}", report.properties);
    };
    assert_eq!(deadlock.status, Status::Holds);
    assert_eq!(progress.status, Status::Violated);
    // Done means at rest, and the initial state is not (the client may still ask): no state
    // can finish, so the initial state is the shortest counterexample.
    assert_eq!(progress.path, Some(vec![0]));
    // Idle, waiting with the request in flight, and waiting after it was ignored.
    assert_eq!(progress.stuck_states, Some(3));
    assert_eq!(report.stats.distinct_states, 3);

    let fixed = Engine::new()
        .check(&retry_loop(true))
        .expect("xshard's engine checks it");
    assert_eq!(fixed.properties[1].status, Status::Holds);
    assert_eq!(fixed.properties[1].stuck_states, Some(0));
}

#[test]
fn progress_is_done_only_at_rest_so_retrying_after_the_decision_violates_it() {
    let world = retrying(true, false);
    let report = Engine::new()
        .check(&world)
        .expect("xshard's engine checks it");
    let [deadlock, progress] = &report.properties[..] else {
        panic!("two properties: {:?}", report.properties);
    };
    // Every transaction gets decided and no lock is ever held, and no state is quiescent, so
    // only the requirement that *done* be at rest finds the endless retransmission.
    assert_eq!(deadlock.status, Status::Holds);
    assert_eq!(progress.status, Status::Violated);
    assert_eq!(progress.path, Some(vec![0]));
    // The deepest state, where the client has decided and the server has answered its
    // retransmission, is still not done: the retry timer is armed for ever.
    let path = [0, 0, 0, 0, 0];
    let state = state_at(&world, &path);
    assert_eq!(
        world.explain(1, &state),
        "no sequence of protocol steps finishes from here; nothing is pending, but the system \
         never comes to rest: client's timer Retry is armed"
    );
    assert_eq!(progress.stuck_states, Some(report.stats.distinct_states));

    let fixed = Engine::new()
        .check(&retrying(true, true))
        .expect("xshard's engine checks it");
    assert_eq!(fixed.properties[1].status, Status::Holds);
}

/// The state `path` (an initial state's index, then action indices) leads to.
fn state_at<P: Protocol>(world: &World<P>, path: &[usize]) -> <World<P> as Model>::State {
    let mut state = world.init_states()[path[0]].clone();
    for &a in &path[1..] {
        let mut actions = Vec::new();
        world.actions(&state, &mut actions);
        state = world
            .next_state(&state, actions[a].clone())
            .expect("the action is enabled");
    }
    state
}

#[test]
fn progress_is_inconclusive_under_stateright() {
    let report = Engine::new()
        .kind(EngineKind::Stateright)
        .check(&retry_loop(false))
        .expect("stateright's checker runs it");
    assert_eq!(report.properties[0].status, Status::Holds);
    assert_eq!(report.properties[1].status, Status::Inconclusive);
    assert_eq!(report.properties[1].path, None);
}

#[test]
fn the_cli_says_why_progress_is_inconclusive_under_stateright() {
    let (code, _, stderr) = run(&["check", "train-hotel", "--engine", "stateright"]);
    assert_eq!(code, 3, "{stderr}");
    let notes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("note: progress"))
        .collect();
    assert_eq!(
        notes,
        [
            "note: progress inconclusive: stateright's checker judges states one by one and \
          cannot compute AG EF; use --engine xshard"
        ]
    );
}

#[test]
fn the_correct_defaults_hold_progress() {
    for (model, distinct) in [
        ("two-phase-commit", 115_108),
        ("backup-tm", 11_502),
        ("three-phase-commit", 13_261),
        ("paxos-commit", 466_635),
        ("locking", 335_353),
        ("train-hotel", 940),
        ("receipts", 323),
        ("merge-blocks", 17),
        ("ibc-transfer", 554),
    ] {
        let (code, stdout, stderr) = run(&["check", model, "--format", "json"]);
        assert_eq!(code, 0, "{model}: {stderr}");
        let lines = json_lines(&stdout);
        let progress = all(&lines, "property")
            .into_iter()
            .find(|p| p["name"] == "progress")
            .unwrap_or_else(|| panic!("{model} declares progress"));
        assert_eq!(progress["kind"], "progress", "{model}");
        assert_eq!(progress["status"], "holds", "{model}");
        assert_eq!(progress["stuck_states"], 0, "{model}");
        assert_eq!(
            first(&lines, "summary")["distinct_states"],
            distinct,
            "{model}"
        );
    }
}

#[test]
fn a_blocked_2pc_violates_progress_and_the_counterexample_replays() {
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("progress-replay");
    let out = out.to_str().expect("a UTF-8 path");
    let (code, stdout, _) = run(&[
        "check",
        "two-phase-commit",
        "--crashes",
        "1",
        "--format",
        "json",
        "--out",
        out,
    ]);
    assert_eq!(code, 1);
    let lines = json_lines(&stdout);
    let progress = all(&lines, "property")
        .into_iter()
        .find(|p| p["name"] == "progress")
        .expect("2PC declares progress");
    assert_eq!(progress["status"], "violated");
    // Prepare delivered to shard-a, shard-a votes yes, the coordinator crashes.
    assert_eq!(progress["length"], 3);
    let cx = all(&lines, "counterexample")
        .into_iter()
        .find(|c| c["property"] == "progress")
        .expect("a counterexample for progress");
    assert_eq!(cx["kind"], "progress");
    let file = cx["files"]["json"].as_str().expect("the file written");
    let (code, stdout, _) = run(&["replay", file]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("progress still violated after replaying 3 steps of "),
        "{stdout}"
    );
}

#[test]
fn bfs_dfs_and_two_threads_agree_on_progress() {
    let model = retry_loop(false);
    let engines = [
        Engine::new(),
        Engine::new().threads(2),
        Engine::new().strategy(Strategy::Dfs),
        Engine::new().strategy(Strategy::Dfs).threads(2),
    ];
    for e in engines {
        let r = e.check(&model).expect("xshard's engine checks it");
        let p = &r.properties[1];
        assert_eq!(
            (p.status, p.path.clone(), p.stuck_states),
            (Status::Violated, Some(vec![0]), Some(3)),
            "{e:?}"
        );
    }
}

/// The breadth-first search records the graph `progress` is judged on as it explores, in its
/// own order with one thread or two; the depth-first strategy explores it in a pass of its
/// own. Both must give the same verdict, shortest counterexample and stuck-state count, on
/// violations, on holds, with the horizon, the depth bound and symmetry.
#[test]
fn the_graph_the_search_records_judges_as_the_separate_pass_does() {
    use xshard::models::kernel::KernelOverrides;
    use xshard::models::Request;
    use xshard::Registry;
    let k = KernelOverrides::new;
    let cases: Vec<(&str, Request, Option<u64>, Status)> = vec![
        (
            "two-phase-commit",
            Request::new()
                .param("shards", 2)
                .kernel(k().with("crashes", 1)),
            None,
            Status::Violated,
        ),
        (
            "two-phase-commit",
            Request::new()
                .param("shards", 2)
                .kernel(k().with("crashes", 1)),
            Some(6),
            Status::Violated,
        ),
        (
            "two-phase-commit",
            Request::new().param("shards", 2),
            Some(5),
            Status::Inconclusive,
        ),
        (
            "three-phase-commit",
            Request::new().kernel(k().with("delta", 2).with("horizon", 20)),
            None,
            Status::Inconclusive,
        ),
        ("backup-tm", Request::new(), None, Status::Holds),
        (
            "receipts",
            Request::new().kernel(k().with("loss", 1)),
            None,
            Status::Violated,
        ),
        (
            "merge-blocks",
            Request::new().kernel(k().with("crashes", 1)),
            None,
            Status::Violated,
        ),
        (
            "train-hotel",
            Request::new().kernel(k().with("partitions", 1)),
            None,
            Status::Violated,
        ),
        (
            "paxos-commit",
            Request::new().param("f", 0),
            None,
            Status::Violated,
        ),
    ];
    let registry = Registry::builtin();
    for (model, req, depth, want) in cases {
        let r = registry.resolve(model, &req).expect("a valid request");
        let built = registry.build(&r).expect("the model builds");
        for symmetry in [false, true] {
            let judged = |e: Engine| {
                let e = e.symmetry(symmetry);
                let e = match depth {
                    Some(d) => e.max_depth(d),
                    None => e,
                };
                let report = built.check(&e).expect("xshard's engine checks it");
                report
                    .properties
                    .iter()
                    .filter(|p| p.kind == xshard::Kind::Progress)
                    .map(|p| (p.status, p.path.as_ref().map(Vec::len), p.stuck_states))
                    .collect::<Vec<_>>()
            };
            let separate = judged(Engine::new().strategy(Strategy::Dfs).threads(1));
            let what = format!("{model} {req:?} depth {depth:?} symmetry {symmetry}");
            assert_eq!(separate.first().map(|p| p.0), Some(want), "{what}");
            for threads in [1, 2] {
                let recorded = judged(Engine::new().strategy(Strategy::Bfs).threads(threads));
                assert_eq!(recorded, separate, "{what}, BFS {threads} thread(s)");
            }
        }
    }
}
