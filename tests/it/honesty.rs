//! Verdicts that do not lie about what was explored: the network keeps every copy a handler
//! sends (a multiset, lost only through the loss budget), a run that reaches the copy cap or a
//! busy clocked horizon is `inconclusive` with the cut states reported, and models derive the
//! horizon their parameters need.

use std::sync::Arc;

use serde::Serialize;
use xshard::engine::{Bound, Engine, Status};
use xshard::models::kernel::{Delivery, Effects, KernelConfig, Property, Protocol, World};
use xshard::models::Cut;
use xshard::properties::{Kind, NodeId, Observation};

use crate::helpers::{all, first, json_lines, run};

/// Node 0 sends `sends` to node 1 at start (and, with `retry`, again on a timer forever, by
/// plain `send` or by `resend`); node 1 records what it receives, in order.
#[derive(Debug)]
struct Sender {
    sends: Vec<u8>,
    retry: Option<bool>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, PartialOrd, Ord, Serialize)]
enum Node {
    Sender,
    Receiver(Vec<u8>),
}

fn got(nodes: &[Node]) -> &[u8] {
    match &nodes[1] {
        Node::Receiver(v) => v,
        Node::Sender => &[],
    }
}

impl Protocol for Sender {
    type Node = Node;
    type Msg = u8;
    type Timer = ();
    type Choice = ();

    fn node_names(&self) -> Vec<String> {
        vec!["sender".into(), "receiver".into()]
    }

    fn init(&self, id: NodeId, out: &mut Effects<Self>) -> Node {
        if id == 0 {
            for &m in &self.sends {
                out.send(1, m);
            }
            if self.retry.is_some() {
                out.set_timer((), 1);
            }
            Node::Sender
        } else {
            Node::Receiver(Vec::new())
        }
    }

    fn on_message(&self, _: NodeId, node: &mut Node, _: NodeId, m: &u8, _: &mut Effects<Self>) {
        if let Node::Receiver(v) = node {
            if v.len() < 4 {
                v.push(*m);
            }
        }
    }

    fn on_timer(&self, _: NodeId, _: &mut Node, _: &(), out: &mut Effects<Self>) {
        match self.retry {
            Some(true) => out.resend(1, 9),
            _ => out.send(1, 9),
        }
        out.set_timer((), 1);
    }

    fn observe(&self, _: &[Node], _: &mut Observation) {}

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::new(
                "in_order",
                Kind::Always,
                "the receiver never sees 2 before the first 1",
                |_, nodes, _| (got(nodes).first() == Some(&2)).then(|| "2 came first".into()),
            ),
            Property::new(
                "all_three",
                Kind::Sometimes,
                "the receiver gets 1, 2, 1",
                |_, nodes, _| (got(nodes) == [1, 2, 1]).then(|| "1, 2, 1 received".into()),
            ),
        ]
    }
}

fn check(p: Sender, k: KernelConfig) -> xshard::engine::Report {
    Engine::new()
        .check(&Arc::new(World::new(p, k)))
        .expect("the engine accepts the model")
}

/// Finding 3: a handler sending `[1, 2, 1]` on a reliable ordered channel delivers all three
/// (a set network delivered `[1, 2]` only, so `all_three` was unwitnessed).
#[test]
fn every_copy_sent_is_delivered_in_order() {
    let k = KernelConfig {
        delivery: Delivery::Ordered,
        ..KernelConfig::default()
    };
    let r = check(
        Sender {
            sends: vec![1, 2, 1],
            retry: None,
        },
        k,
    );
    let status: Vec<Status> = r.properties.iter().map(|p| p.status).collect();
    assert_eq!(status, [Status::Holds, Status::Witnessed]);
    assert_eq!(r.properties[1].path.as_ref().map(Vec::len), Some(4));
    assert_eq!((r.stopped_by, r.stats.distinct_states), (None, 4));
    // Unordered, the second 1 may overtake: still every copy, in any order.
    let r = check(
        Sender {
            sends: vec![1, 2, 1],
            retry: None,
        },
        KernelConfig::default(),
    );
    assert_eq!(r.properties[1].status, Status::Witnessed);
    assert_eq!(r.stats.distinct_states, 9);
}

/// A retry loop with plain `send` piles up copies: the copy cap cuts the run, which is
/// inconclusive and says where; with `resend` one copy in flight stands for every retry.
#[test]
fn the_copy_cap_makes_a_run_inconclusive_never_silent() {
    let r = check(
        Sender {
            sends: vec![],
            retry: Some(false),
        },
        KernelConfig::default(),
    );
    assert_eq!(r.stopped_by, Some(Bound::CopyCap));
    assert_eq!(r.properties[0].status, Status::Inconclusive);
    let cut = &r.cuts[0];
    assert_eq!((cut.cut, cut.path.len()), (Cut::CopyCap, 4));
    assert!(cut.states.is_some_and(|n| n > 0), "{cut:?}");
    let r = check(
        Sender {
            sends: vec![],
            retry: Some(true),
        },
        KernelConfig::default(),
    );
    assert_eq!((r.stopped_by, r.cuts.len()), (None, 0));
    assert_eq!(r.properties[0].status, Status::Holds);
}

/// Finding 2: the claim window of 3 ticks needs more than the old fixed horizon of 3; the
/// derived horizon (10) finds the lost room, where the old run said `holds`.
#[test]
fn a_claim_window_gets_the_horizon_it_needs() {
    let (code, out, _) = run(&[
        "check",
        "yanking",
        "--variant",
        "claim-window",
        "-p",
        "window=3",
        "--format",
        "json",
    ]);
    let lines = json_lines(&out);
    assert_eq!(code, 1);
    assert_eq!(first(&lines, "begin")["kernel"]["horizon"], 10);
    assert!(all(&lines, "cut").is_empty());
    // The old horizon is cut busy: inconclusive (exit 3), never holds.
    let (code, out, _) = run(&[
        "check",
        "yanking",
        "--variant",
        "claim-window",
        "-p",
        "window=3",
        "--horizon",
        "3",
        "--format",
        "json",
    ]);
    let lines = json_lines(&out);
    assert_eq!(code, 3);
    assert_eq!(first(&lines, "summary")["stopped_by"], "horizon");
    let cut = all(&lines, "cut");
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0]["cut"], "horizon");
    assert_eq!(cut[0]["states"], 63);
    assert_eq!(cut[0]["length"], 4);
}

/// Finding 2, for a model that derives no horizon (locking) or derives too small a one: the
/// run that reaches the horizon with work pending is repeated with a larger one and says so,
/// where a hand-set horizon is kept and makes the run inconclusive.
#[test]
fn a_horizon_that_leaves_work_pending_is_raised_unless_set_by_hand() {
    let args = [
        "check",
        "locking",
        "--variant",
        "wound-wait",
        "--time",
        "clocked",
    ];
    let (code, out, err) = run(&[&args[..], &["--format", "json"]].concat());
    let lines = json_lines(&out);
    assert_eq!(code, 0, "{err}");
    assert_eq!(first(&lines, "summary")["verdict"], "holds");
    assert_eq!(first(&lines, "summary")["distinct_states"], 5446);
    assert!(all(&lines, "cut").is_empty());
    assert_eq!(first(&lines, "begin")["kernel"]["horizon"], 8);
    let (_, _, notes) = run(&args);
    assert!(
        notes.contains(
            "note: the derived horizon 4 left work pending in 27 state(s), so the search was \
             repeated with horizon 8, which leaves none"
        ),
        "{notes}"
    );
    let (code, out, _) = run(&[&args[..], &["--horizon", "4", "--format", "json"]].concat());
    let lines = json_lines(&out);
    assert_eq!(code, 3);
    assert_eq!(first(&lines, "summary")["stopped_by"], "horizon");
    assert_eq!(all(&lines, "cut")[0]["states"], 27);
}

/// Finding 2's second case: 2PC's revert-after-vote at horizon 2 stops with timers armed.
#[test]
fn a_busy_horizon_is_reported_with_an_example() {
    let (code, out, _) = run(&[
        "check",
        "two-phase-commit",
        "--variant",
        "revert-after-vote",
        "--time",
        "clocked",
        "--horizon",
        "2",
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains(
            "verdict: inconclusive (stopped by the horizon (--horizon) before the search was \
             exhaustive)"
        ),
        "{out}"
    );
    assert!(out.contains("cut by the horizon: "), "{out}");
    // Without --horizon the model derives one that covers its time-outs, and the flaw shows.
    let (code, _, _) = run(&[
        "check",
        "two-phase-commit",
        "--variant",
        "revert-after-vote",
        "--time",
        "clocked",
    ]);
    assert_eq!(code, 1);
}
