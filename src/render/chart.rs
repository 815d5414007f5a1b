//! The layout of a message-sequence chart, as plain data: which lifelines, which rows, what
//! sits on each lifeline in each row, and every message arrow with its send and arrival rows.
//!
//! The DOT and text renderers both draw this layout, so a message has the same number (`m3`)
//! in the chart and in the text, and the layout rules are tested once (property tests below
//! and in `tests/it/traces.rs`).
//!
//! Rows: row 0 is the lifeline heads (and stands for "sent before step 1": kernel models start
//! with messages in flight), row `i` is step `i`, and the last row (`steps + 1`) is the final
//! state, drawn in red because it is the violating state.
//!
//! Matching messages to rows:
//! - a delivery (or a TLA+ spec action that receives) takes the *earliest unmatched* send of
//!   the same sender, receiver and payload; with none (a message in flight at the start, or a
//!   TLA+ message that no step of the trace sent) the arrow starts at the sender's head, row 0;
//! - a replay redelivers an old message: the arrow starts at the earliest send of the same
//!   message, matched or not, and is drawn as a replay; it consumes nothing;
//! - a drop consumes the earliest unmatched send and ends in a red cross on the drop's row;
//! - a message still unmatched after the last step (in flight in the final state) ends in an
//!   "in flight" marker on the final row, parked beside the receiver's lifeline, so a reader
//!   sees what never arrived and for whom (e.g. the votes a crashed coordinator never read).

use xshard_models::{EventKind, MessageInfo, Step};
use xshard_properties::Outcome;

use crate::trace::Counterexample;

/// What a lifeline shows in one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Nothing happened here: a point on the lifeline.
    Point,
    /// A box on the lifeline: a local event, a decision, or the final state.
    Box {
        /// The text lines in the box, top to bottom.
        lines: Vec<String>,
        /// Its colour: what kind of thing happened.
        tone: Tone,
    },
}

/// The colour of a box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// A local event: time-out, choice, spec action.
    Event,
    /// A fault: crash or recovery.
    Fault,
    /// A network partition or its healing: a band across every lifeline.
    Partition,
    /// An outcome changed in this step.
    Decision,
    /// The violating final state.
    Violation,
}

/// One row: a step, or the final state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The text in the step column ("3", "7 tick t=2", "end").
    pub label: String,
    /// One cell per lifeline, in lifeline order.
    pub cells: Vec<Cell>,
}

/// How a message arrow is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrowKind {
    /// Sent and delivered.
    Delivery,
    /// An old message delivered again.
    Replay,
    /// Lost by the network: ends in a red cross.
    Lost,
    /// Lost to a partition (in flight across the cut when it came, or sent across it while
    /// it held): ends in a red cross.
    Cut,
    /// Never delivered: ends in an "in flight" marker on the final row.
    InFlight,
}

/// Where an arrow ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// On a lifeline, in a row.
    Lane {
        /// The receiver's lifeline, by index in [`Chart::lanes`].
        lane: usize,
        /// The row of the delivery step.
        row: usize,
    },
    /// At a marker (cross or in-flight marker), by index in [`Chart::markers`].
    Marker(usize),
}

/// A message arrow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// The message's number (`m1`, `m2`, …), in order of first appearance.
    pub number: usize,
    /// The sender's lifeline, by index in [`Chart::lanes`].
    pub from_lane: usize,
    /// The send row (0: sent before step 1).
    pub from_row: usize,
    /// The receiver's lifeline (also for lost and undelivered messages).
    pub to_lane: usize,
    /// Where the arrow ends: the receiver's lifeline, or a marker for a lost or undelivered
    /// message.
    pub end: End,
    /// Delivered, replayed, lost or in flight.
    pub kind: ArrowKind,
    /// The message, as the label of the arrow.
    pub payload: String,
}

/// A marker that ends a lost or undelivered message: parked in a row between two lifelines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    /// The row it is parked in: the loss step, or the final row for an undelivered message.
    pub row: usize,
    /// The lifelines it sits between (left < right, or equal with one lifeline).
    pub left: usize,
    /// The right one of the two lifelines.
    pub right: usize,
    /// `Lost` (a red cross) or `InFlight` (an "in flight" marker).
    pub kind: ArrowKind,
}

/// A whole chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// Title lines: verdict, model, explanation, replay command.
    pub title: Vec<String>,
    /// Lifeline names.
    pub lanes: Vec<String>,
    /// Rows 1..=steps+1 (row 0, the heads, is implicit); `rows[i - 1]` is row `i`.
    pub rows: Vec<Row>,
    /// Every message arrow, numbered in order of first appearance.
    pub arrows: Vec<Arrow>,
    /// The markers that end lost and undelivered messages.
    pub markers: Vec<Marker>,
}

impl Chart {
    /// The number of rows below the heads (steps plus the final row).
    pub fn depth(&self) -> usize {
        self.rows.len()
    }

    /// The row an arrow ends in.
    pub fn end_row(&self, end: End) -> usize {
        match end {
            End::Lane { row, .. } => row,
            End::Marker(i) => self.markers[i].row,
        }
    }
}

/// The verdict word for a trace's kind.
pub fn verdict_word(t: &Counterexample) -> &'static str {
    match t.kind {
        xshard_properties::Kind::Sometimes => "witnessed",
        _ => "violated",
    }
}

/// The title lines of a trace's chart.
pub fn title(t: &Counterexample, replay_command: &str) -> Vec<String> {
    let params: Vec<String> = t.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let steps = if t.len() == 1 { "step" } else { "steps" };
    vec![
        format!(
            "{} {} after {} {steps}",
            t.property,
            verdict_word(t),
            t.len()
        ),
        format!(
            "model {}, variant {}{}",
            t.model,
            t.variant,
            if params.is_empty() {
                String::new()
            } else {
                format!(", {}", params.join(" "))
            }
        ),
        t.explanation.clone(),
        format!("replay: {replay_command}"),
    ]
}

/// The name of an outcome as the chart writes it.
pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Pending => "pending",
        Outcome::Locked => "locked",
        Outcome::Committed => "COMMITTED",
        Outcome::Aborted => "ABORTED",
        Outcome::Reverted => "REVERTED",
    }
}

/// The box text of a step's local event at its acting node, if the event is drawn as a box.
fn event_box(s: &Step) -> Option<(String, Tone)> {
    let with_detail = |word: &str| {
        if s.detail.is_empty() {
            word.to_string()
        } else {
            format!("{word}: {}", s.detail)
        }
    };
    match s.event {
        EventKind::Timeout => Some((with_detail("timeout"), Tone::Event)),
        EventKind::Choice => Some((with_detail("choice"), Tone::Event)),
        EventKind::Crash => Some((with_detail("crash"), Tone::Fault)),
        EventKind::Recover => Some((with_detail("recover"), Tone::Fault)),
        // A spec action that receives is drawn as its message; the others as a box.
        EventKind::Action if s.message.is_none() => Some((s.detail.clone(), Tone::Event)),
        EventKind::Action
        | EventKind::Deliver
        | EventKind::Drop
        | EventKind::Replay
        | EventKind::Tick
        | EventKind::Partition
        | EventKind::Heal => None,
    }
}

/// The band a partition or its healing draws across the lifelines: what each lane shows.
/// A partition's detail names its two sides (`a, b | c`); each lane says whom it is cut off
/// from.
fn band(s: &Step, lanes: &[String]) -> Option<Vec<String>> {
    let sides: Vec<Vec<&str>> = s
        .detail
        .split(" | ")
        .map(|side| side.split(", ").collect())
        .collect();
    let apart = |name: &str| -> String {
        match sides.as_slice() {
            [a, b] if a.contains(&name) => b.join(", "),
            [a, b] if b.contains(&name) => a.join(", "),
            _ => s.detail.clone(),
        }
    };
    match s.event {
        EventKind::Partition => Some(
            lanes
                .iter()
                .map(|l| format!("partition: cut off from {}", apart(l)))
                .collect(),
        ),
        EventKind::Heal => Some(
            lanes
                .iter()
                .map(|l| format!("healed: reaches {} again", apart(l)))
                .collect(),
        ),
        _ => None,
    }
}

struct Sent {
    number: usize,
    lane: usize,
    row: usize,
    msg: MessageInfo,
    matched: bool,
}

/// Lays out the chart of `t`; `replay_command` is the command that replays it, shown in the title.
pub fn layout(t: &Counterexample, replay_command: &str) -> Chart {
    let lanes = t.nodes.clone();
    let lane = |name: &str| lanes.iter().position(|n| n == name);
    let final_row = t.steps.len() + 1;
    let mut rows = Vec::with_capacity(final_row);
    let mut arrows = Vec::new();
    let mut markers = Vec::new();
    let mut sends: Vec<Sent> = Vec::new();
    let mut next_number = 1;
    let mut number = || {
        let n = next_number;
        next_number += 1;
        n
    };

    for (i, s) in t.steps.iter().enumerate() {
        let row = i + 1;
        let mut cells = vec![Cell::Point; lanes.len()];
        let add = |cells: &mut Vec<Cell>, at: usize, line: String, tone: Tone| match &mut cells[at]
        {
            Cell::Point => {
                cells[at] = Cell::Box {
                    lines: vec![line],
                    tone,
                }
            }
            Cell::Box { lines, tone: have } => {
                lines.push(line);
                // A decision outranks the event that made it.
                if tone == Tone::Decision {
                    *have = tone;
                }
            }
        };
        if let (Some((text, tone)), Some(at)) = (event_box(s), s.node.as_deref().and_then(lane)) {
            add(&mut cells, at, text, tone);
        }
        if let Some(texts) = band(s, &lanes) {
            for (at, text) in texts.into_iter().enumerate() {
                add(&mut cells, at, text, Tone::Partition);
            }
        }
        for d in &s.decisions {
            if let Some(at) = lane(&d.node) {
                let line = format!("tx{} {}", u32::from(d.tx) + 1, outcome_word(d.outcome));
                add(&mut cells, at, line, Tone::Decision);
            }
        }

        if let Some(m) = &s.message {
            if let (Some(from), Some(to)) = (lane(&m.from), lane(&m.to)) {
                let same = |x: &Sent| x.msg == *m;
                match s.event {
                    EventKind::Replay => {
                        let (n, from_row) = sends
                            .iter()
                            .find(|x| same(x))
                            .map_or_else(|| (number(), 0), |x| (x.number, x.row));
                        arrows.push(Arrow {
                            number: n,
                            from_lane: from,
                            from_row,
                            to_lane: to,
                            end: End::Lane { lane: to, row },
                            kind: ArrowKind::Replay,
                            payload: m.payload.clone(),
                        });
                    }
                    event => {
                        let (n, from_row) = match sends.iter_mut().find(|x| !x.matched && same(x)) {
                            Some(x) => {
                                x.matched = true;
                                (x.number, x.row)
                            }
                            None => (number(), 0),
                        };
                        let (end, kind) = if event == EventKind::Drop {
                            markers.push(marker(row, from, to, ArrowKind::Lost));
                            (End::Marker(markers.len() - 1), ArrowKind::Lost)
                        } else {
                            (End::Lane { lane: to, row }, ArrowKind::Delivery)
                        };
                        arrows.push(Arrow {
                            number: n,
                            from_lane: from,
                            from_row,
                            to_lane: to,
                            end,
                            kind,
                            payload: m.payload.clone(),
                        });
                    }
                }
            }
        }
        for m in &s.sent {
            if let Some(from) = lane(&m.from) {
                sends.push(Sent {
                    number: number(),
                    lane: from,
                    row,
                    msg: m.clone(),
                    matched: false,
                });
            }
        }
        // Lost to a partition: a new cut takes what was in flight across it (the earliest
        // unmatched sends, as a drop does); a cut in force takes what this step sent across it.
        for m in &s.lost {
            if let (Some(from), Some(to)) = (lane(&m.from), lane(&m.to)) {
                let (n, from_row) = match sends
                    .iter_mut()
                    .find(|x| s.event == EventKind::Partition && !x.matched && x.msg == *m)
                {
                    Some(x) => {
                        x.matched = true;
                        (x.number, x.row)
                    }
                    None if s.event == EventKind::Partition => (number(), 0),
                    None => (number(), row),
                };
                markers.push(marker(row, from, to, ArrowKind::Cut));
                arrows.push(Arrow {
                    number: n,
                    from_lane: from,
                    from_row,
                    to_lane: to,
                    end: End::Marker(markers.len() - 1),
                    kind: ArrowKind::Cut,
                    payload: m.payload.clone(),
                });
            }
        }

        let mut label = row.to_string();
        match s.event {
            EventKind::Tick => label.push_str(" tick"),
            EventKind::Partition => label.push_str(" partition"),
            EventKind::Heal => label.push_str(" heal"),
            _ => {}
        }
        if let Some(now) = s.now {
            label.push_str(&format!(" t={now}"));
        }
        rows.push(Row { label, cells });
    }

    for x in sends.iter().filter(|x| !x.matched) {
        if let Some(to) = lane(&x.msg.to) {
            // Parked beside the receiver, on the sender's side, so the arrow points at whom it
            // never reached.
            let (left, right) = match x.lane.cmp(&to) {
                std::cmp::Ordering::Greater => (to, to + 1),
                std::cmp::Ordering::Less => (to - 1, to),
                std::cmp::Ordering::Equal => (to, to),
            };
            markers.push(Marker {
                row: final_row,
                left,
                right,
                kind: ArrowKind::InFlight,
            });
            arrows.push(Arrow {
                number: x.number,
                from_lane: x.lane,
                from_row: x.row,
                to_lane: to,
                end: End::Marker(markers.len() - 1),
                kind: ArrowKind::InFlight,
                payload: x.msg.payload.clone(),
            });
        }
    }

    let mut last = vec![Cell::Point; lanes.len()];
    for o in &t.outcomes {
        let at = usize::from(o.shard);
        if let Some(cell) = last.get_mut(at) {
            let line = format!("tx{} {}", u32::from(o.tx) + 1, outcome_word(o.outcome));
            match cell {
                Cell::Point => {
                    *cell = Cell::Box {
                        lines: vec![line],
                        tone: Tone::Violation,
                    }
                }
                Cell::Box { lines, .. } => lines.push(line),
            }
        }
    }
    rows.push(Row {
        label: "end".to_string(),
        cells: last,
    });

    Chart {
        title: title(t, replay_command),
        lanes,
        rows,
        arrows,
        markers,
    }
}

fn marker(row: usize, a: usize, b: usize, kind: ArrowKind) -> Marker {
    Marker {
        row,
        left: a.min(b),
        right: a.max(b),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use xshard_models::{EventKind, MessageInfo, Step};
    use xshard_properties::Kind;

    use super::{layout, ArrowKind, End};
    use crate::trace::Counterexample;

    fn ping() -> MessageInfo {
        MessageInfo {
            from: "a".into(),
            to: "b".into(),
            payload: "Ping".into(),
        }
    }

    fn step(event: EventKind, message: bool, sends: usize) -> Step {
        Step {
            node: Some(if sends > 0 { "a" } else { "b" }.into()),
            event,
            detail: String::new(),
            message: message.then(ping),
            sent: vec![ping(); sends],
            lost: Vec::new(),
            changes: Vec::new(),
            decisions: Vec::new(),
            now: None,
        }
    }

    #[test]
    fn deliveries_take_the_earliest_unmatched_send_and_replays_take_none() {
        let steps = vec![
            step(EventKind::Choice, false, 1), // 1: sends m1
            step(EventKind::Choice, false, 2), // 2: sends m2, m3
            step(EventKind::Deliver, true, 0), // 3: delivers m1
            step(EventKind::Drop, true, 0),    // 4: loses m2
            step(EventKind::Replay, true, 0),  // 5: replays m1
            step(EventKind::Deliver, true, 0), // 6: delivers m3
            step(EventKind::Choice, false, 1), // 7: sends m4
            step(EventKind::Deliver, true, 0), // 8: delivers m4
            step(EventKind::Deliver, true, 0), // 9: nothing left: sent before step 1
            step(EventKind::Choice, false, 1), // 10: sends m6, never delivered
        ];
        let t = Counterexample {
            schema_version: 1,
            xshard_version: "0".into(),
            model: "m".into(),
            variant: "v".into(),
            params: BTreeMap::new(),
            kernel: None,
            property: "atomicity".into(),
            kind: Kind::Always,
            path: (0..=steps.len()).collect(),
            nodes: vec!["a".into(), "b".into()],
            steps,
            outcomes: Vec::new(),
            explanation: String::new(),
        };
        let chart = layout(&t, "xshard replay f.json");
        let got: Vec<(usize, usize, usize, ArrowKind)> = chart
            .arrows
            .iter()
            .map(|a| (a.number, a.from_row, chart.end_row(a.end), a.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, 1, 3, ArrowKind::Delivery),
                (2, 2, 4, ArrowKind::Lost),
                (1, 1, 5, ArrowKind::Replay),
                (3, 2, 6, ArrowKind::Delivery),
                (4, 7, 8, ArrowKind::Delivery),
                (5, 0, 9, ArrowKind::Delivery),
                (6, 10, 11, ArrowKind::InFlight),
            ]
        );
        assert!(matches!(chart.arrows[1].end, End::Marker(0)));
        assert_eq!(chart.markers.len(), 2, "the cross and the in-flight marker");
        assert_eq!(chart.markers[1].row, 11, "in flight ends on the final row");
        assert_eq!(chart.rows.len(), 11);
        assert_eq!(chart.rows[10].label, "end");
    }
}
