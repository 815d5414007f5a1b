//! The chart renderers: snapshots of the DOT and text renderings, and property tests of the
//! chart layout on random traces.

use std::collections::BTreeMap;

use proptest::prelude::*;
use xshard::render::chart::{layout, ArrowKind, End};
use xshard::render::{dot_chart, text};

/// The replay command a chart of `xshard` names for the file `path`.
fn replay(path: &str) -> String {
    format!("xshard replay {path}")
}
use xshard::trace::Counterexample;
use xshard_models::{Change, Decision, EventKind, MessageInfo, Step};
use xshard_properties::{Kind, Outcome, TxOutcome};

fn msg(from: &str, to: &str, payload: &str) -> MessageInfo {
    MessageInfo {
        from: from.into(),
        to: to.into(),
        payload: payload.into(),
    }
}

fn step(node: Option<&str>, event: EventKind, detail: &str) -> Step {
    Step {
        node: node.map(str::to_string),
        event,
        detail: detail.into(),
        message: None,
        sent: Vec::new(),
        lost: Vec::new(),
        changes: Vec::new(),
        decisions: Vec::new(),
        now: None,
    }
}

fn trace(nodes: Vec<String>, steps: Vec<Step>, outcomes: Vec<TxOutcome>) -> Counterexample {
    Counterexample {
        schema_version: 1,
        xshard_version: "0.1.0".into(),
        model: "sample".into(),
        variant: "flawed".into(),
        params: BTreeMap::from([("shards".to_string(), 2)]),
        kernel: None,
        property: "atomicity".into(),
        kind: Kind::Always,
        path: (0..=steps.len()).collect(),
        nodes,
        steps,
        outcomes,
        explanation: "tx1 committed on shard-a but aborted on shard-b".into(),
    }
}

/// A trace with every kind of event: a submission, sends, a tick, a loss, a delivery, a
/// time-out, a crash and recovery, a replay, a message that is never delivered, and text that
/// needs escaping.
fn sample() -> Counterexample {
    let nodes: Vec<String> = ["client", "coordinator", "shard-a", "shard-b"]
        .map(String::from)
        .to_vec();
    let mut s = Vec::new();

    let mut submit = step(Some("client"), EventKind::Choice, "Submit");
    submit.sent.push(msg("client", "coordinator", "Begin(tx1)"));
    s.push(submit);

    let mut begin = step(Some("coordinator"), EventKind::Deliver, "Begin(tx1)");
    begin.message = Some(msg("client", "coordinator", "Begin(tx1)"));
    begin
        .sent
        .push(msg("coordinator", "shard-a", "Prepare(tx1)"));
    begin
        .sent
        .push(msg("coordinator", "shard-b", "Prepare(tx1)"));
    begin.changes.push(Change {
        node: "coordinator".into(),
        field: "phase".into(),
        before: "idle".into(),
        after: "collecting".into(),
    });
    s.push(begin);

    let mut tick = step(None, EventKind::Tick, "now = 1");
    tick.now = Some(1);
    s.push(tick);

    let mut lost = step(Some("coordinator"), EventKind::Drop, "Prepare(tx1)");
    lost.message = Some(msg("coordinator", "shard-b", "Prepare(tx1)"));
    lost.now = Some(1);
    s.push(lost);

    let mut prepare = step(Some("shard-a"), EventKind::Deliver, "Prepare(tx1)");
    prepare.message = Some(msg("coordinator", "shard-a", "Prepare(tx1)"));
    prepare
        .sent
        .push(msg("shard-a", "coordinator", "Vote(tx1, yes)"));
    prepare.decisions.push(Decision {
        node: "shard-a".into(),
        tx: 0,
        outcome: Outcome::Locked,
    });
    prepare.now = Some(1);
    s.push(prepare);

    let mut timeout = step(Some("coordinator"), EventKind::Timeout, "PrepareTimer");
    timeout
        .sent
        .push(msg("coordinator", "shard-b", "Abort(tx1)"));
    timeout.now = Some(1);
    s.push(timeout);

    let mut crash = step(Some("shard-b"), EventKind::Crash, "");
    crash.now = Some(1);
    s.push(crash);
    let mut recover = step(Some("shard-b"), EventKind::Recover, "");
    recover.now = Some(1);
    s.push(recover);

    let mut abort = step(Some("shard-b"), EventKind::Deliver, "Abort(tx1)");
    abort.message = Some(msg("coordinator", "shard-b", "Abort(tx1)"));
    abort.decisions.push(Decision {
        node: "shard-b".into(),
        tx: 0,
        outcome: Outcome::Aborted,
    });
    abort.now = Some(1);
    s.push(abort);

    let mut replay = step(Some("shard-a"), EventKind::Replay, "Prepare(tx1)");
    replay.message = Some(msg("coordinator", "shard-a", "Prepare(tx1)"));
    replay.now = Some(1);
    s.push(replay);

    let mut odd = step(
        Some("shard-a"),
        EventKind::Choice,
        r#"Say("hi \l \"there\"")"#,
    );
    odd.decisions.push(Decision {
        node: "shard-a".into(),
        tx: 0,
        outcome: Outcome::Committed,
    });
    odd.now = Some(1);
    s.push(odd);

    trace(
        nodes,
        s,
        vec![
            TxOutcome {
                tx: 0,
                shard: 2,
                outcome: Outcome::Committed,
            },
            TxOutcome {
                tx: 0,
                shard: 3,
                outcome: Outcome::Aborted,
            },
        ],
    )
}

const SAMPLE_PATH: &str = "counterexamples/sample/atomicity-0123456789ab.json";

#[test]
fn dot_rendering_snapshot() {
    insta::assert_snapshot!("sample_dot", dot_chart(&sample(), &replay(SAMPLE_PATH)));
}

#[test]
fn text_rendering_snapshot() {
    insta::assert_snapshot!("sample_text", text::render(&sample(), &replay(SAMPLE_PATH)));
}

#[test]
fn reference_two_phase_commit_text_snapshot() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("counterexamples")
        .join("two-phase-commit");
    let json = std::fs::read_dir(&dir)
        .expect("reference set")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("atomicity-"))
                && p.extension().is_some_and(|e| e == "json")
        })
        .expect("the revert-after-vote counterexample is committed");
    let t = xshard::files::load(&json).expect("loads");
    insta::assert_snapshot!(
        "two_phase_commit_revert_after_vote_text",
        text::render(
            &t,
            &replay("counterexamples/two-phase-commit/atomicity.json")
        )
    );
}

#[test]
fn labels_are_escaped() {
    let dot = dot_chart(&sample(), &replay(SAMPLE_PATH));
    assert!(dot.contains(r#"label="choice: Say(\"hi \\l \\\"there\\\"\")\ntx1 COMMITTED""#));
    // No raw quote from the payload ends a string early: every line has balanced quotes.
    for line in dot.lines() {
        let unescaped = line.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{line}");
    }
}

/// A random trace: up to 6 nodes, up to 60 steps of random events and messages.
fn arb_trace() -> impl Strategy<Value = Counterexample> {
    (1usize..=6)
        .prop_flat_map(|n| {
            let event = prop_oneof![
                Just(EventKind::Deliver),
                Just(EventKind::Drop),
                Just(EventKind::Replay),
                Just(EventKind::Timeout),
                Just(EventKind::Tick),
                Just(EventKind::Crash),
                Just(EventKind::Recover),
                Just(EventKind::Choice),
                Just(EventKind::Action),
            ];
            let message = (0..n, 0..n, 0u8..3);
            let one = (
                event,
                0..n,
                proptest::option::of(message.clone()),
                proptest::collection::vec(message, 0..3),
                proptest::option::of(0..n),
            );
            (Just(n), proptest::collection::vec(one, 0..=60))
        })
        .prop_map(|(n, raw)| {
            let nodes: Vec<String> = (0..n).map(|i| format!("node-{i}")).collect();
            let name = |i: usize| nodes[i].clone();
            let m = |(f, t, p): (usize, usize, u8)| msg(&name(f), &name(t), &format!("P{p}"));
            let steps = raw
                .into_iter()
                .map(|(event, node, message, sent, decides)| Step {
                    node: (event != EventKind::Tick).then(|| name(node)),
                    event,
                    detail: format!("{event:?}"),
                    message: message.map(m),
                    sent: sent.into_iter().map(m).collect(),
                    lost: Vec::new(),
                    changes: Vec::new(),
                    decisions: decides
                        .map(|d| Decision {
                            node: name(d),
                            tx: 0,
                            outcome: Outcome::Locked,
                        })
                        .into_iter()
                        .collect(),
                    now: None,
                })
                .collect();
            let outcomes = (0..n)
                .map(|i| TxOutcome {
                    tx: 0,
                    shard: u8::try_from(i).unwrap_or(0),
                    outcome: Outcome::Committed,
                })
                .collect();
            trace(nodes, steps, outcomes)
        })
}

/// The row of a DOT node id: heads are row 0, `n<lane>_<row>` its row, markers their row.
fn dot_row(id: &str, marker_rows: &[usize]) -> usize {
    if id.starts_with('h') {
        0
    } else if let Some(rest) = id.strip_prefix('x') {
        marker_rows[rest.parse::<usize>().expect("marker index")]
    } else {
        id.rsplit('_')
            .next()
            .and_then(|r| r.parse().ok())
            .expect("a cell id")
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn each_node_has_exactly_one_point_per_row(t in arb_trace()) {
        let chart = layout(&t, &replay("f.json"));
        prop_assert_eq!(chart.rows.len(), t.steps.len() + 1);
        for row in &chart.rows {
            prop_assert_eq!(row.cells.len(), t.nodes.len());
        }
        let dot = dot_chart(&t, &replay("f.json"));
        let lines: Vec<&str> = dot.lines().map(str::trim).collect();
        for lane in 0..t.nodes.len() {
            let head = format!("h{lane} [");
            prop_assert_eq!(lines.iter().filter(|l| l.starts_with(&head)).count(), 1);
            for row in 1..=chart.rows.len() {
                let id = format!("n{lane}_{row} [");
                prop_assert_eq!(lines.iter().filter(|l| l.starts_with(&id)).count(), 1);
            }
            // The lifeline chains the head and every row, in order.
            let chain: Vec<String> = std::iter::once(format!("h{lane}"))
                .chain((1..=chart.rows.len()).map(|r| format!("n{lane}_{r}")))
                .collect();
            let chain = format!("{} [style=dashed", chain.join(" -> "));
            prop_assert!(lines.iter().any(|l| l.starts_with(&chain)));
        }
    }

    #[test]
    fn each_message_goes_from_its_send_row_to_a_later_or_equal_row(t in arb_trace()) {
        let chart = layout(&t, &replay("f.json"));
        for a in &chart.arrows {
            prop_assert!(a.from_row <= chart.end_row(a.end), "{:?}", a);
            if a.from_row > 0 && a.kind != ArrowKind::Replay {
                // The send row's step sent this message.
                let s = &t.steps[a.from_row - 1];
                prop_assert!(s.sent.iter().any(|m| m.from == t.nodes[a.from_lane]
                    && m.to == t.nodes[a.to_lane]
                    && m.payload == a.payload));
            }
            if let End::Lane { lane, row } = a.end {
                // The delivery row's step received it.
                let m = t.steps[row - 1].message.as_ref().expect("a delivery has a message");
                prop_assert_eq!(&m.to, &t.nodes[lane]);
                prop_assert_eq!(&m.payload, &a.payload);
                prop_assert!(a.from_row < row, "sent strictly before it arrives");
            }
        }
        // Every message arrow in the DOT file goes downwards or stays in its row.
        let marker_rows: Vec<usize> = chart.markers.iter().map(|m| m.row).collect();
        let dot = dot_chart(&t, &replay("f.json"));
        let edges: Vec<&str> = dot
            .lines()
            .map(str::trim)
            .filter(|l| l.contains("constraint=false"))
            .collect();
        prop_assert_eq!(edges.len(), chart.arrows.len());
        for e in edges {
            let (ends, _) = e.split_once(" [").expect("attributes");
            let (from, to) = ends.split_once(" -> ").expect("an edge");
            prop_assert!(dot_row(from, &marker_rows) <= dot_row(to, &marker_rows), "{}", e);
        }
    }

    #[test]
    fn the_title_names_the_property_and_the_bytes_are_deterministic(t in arb_trace()) {
        let dot = dot_chart(&t, &replay("f.json"));
        let title = dot.lines().nth(1).expect("graph attributes");
        prop_assert!(title.contains("label=\"atomicity violated after "), "{}", title);
        prop_assert!(title.contains("replay: xshard replay f.json"));
        prop_assert_eq!(dot_chart(&t, &replay("f.json")), dot);
        prop_assert!(text::render(&t, &replay("f.json")).starts_with("atomicity violated after "));
    }
}

#[test]
fn a_sixty_step_six_node_chart_renders_with_graphviz() {
    assert!(
        std::process::Command::new("dot").arg("-V").output().is_ok(),
        "Graphviz `dot` is not installed: install graphviz (e.g. `apt-get install graphviz`)"
    );
    let nodes: Vec<String> = std::iter::once("coordinator".to_string())
        .chain((0..5).map(|i| format!("shard-{i}")))
        .collect();
    let mut steps = Vec::new();
    let mut round = 0;
    while steps.len() < 60 {
        round += 1;
        let mut begin = step(Some("coordinator"), EventKind::Choice, "Begin");
        for s in &nodes[1..] {
            begin
                .sent
                .push(msg("coordinator", s, &format!("Prepare(tx{round})")));
        }
        steps.push(begin);
        for (i, s) in nodes[1..].iter().enumerate() {
            let prepare = msg("coordinator", s, &format!("Prepare(tx{round})"));
            if (i + round) % 4 == 0 {
                let mut lost = step(Some("coordinator"), EventKind::Drop, "Prepare");
                lost.message = Some(prepare);
                steps.push(lost);
                steps.push(step(Some(s), EventKind::Timeout, "ShardTimeout"));
            } else {
                let mut got = step(Some(s), EventKind::Deliver, "Prepare");
                got.message = Some(prepare);
                got.sent.push(msg(s, "coordinator", "Vote(yes)"));
                steps.push(got);
                let mut vote = step(Some("coordinator"), EventKind::Deliver, "Vote");
                vote.message = Some(msg(s, "coordinator", "Vote(yes)"));
                steps.push(vote);
            }
        }
    }
    steps.truncate(60);
    let t = trace(nodes, steps, Vec::new());
    let chart = layout(&t, &replay(SAMPLE_PATH));
    assert_eq!(chart.rows.len(), 61);
    assert_eq!(chart.lanes.len(), 6);
    let svg = xshard::render::graphviz::to_svg(&dot_chart(&t, &replay(SAMPLE_PATH)))
        .expect("Graphviz renders the chart");
    let svg = String::from_utf8(svg).expect("SVG is text");
    for row in 1..=60 {
        assert!(
            svg.contains(&format!(">{row}</text>")),
            "row {row} is drawn"
        );
    }
}
