//! The plain-text rendering of a counterexample (`xshard render --format text`): the title,
//! then one block per step with the messages numbered as in the chart, the changed fields and
//! the decisions, then the final outcomes and what never arrived.

use std::fmt::Write;

use super::chart::{layout, outcome_word, ArrowKind, Chart};
use crate::trace::Counterexample;

/// Renders `t` as text; `replay_command` is the command that replays it.
pub fn render(t: &Counterexample, replay_command: &str) -> String {
    let chart = layout(t, replay_command);
    let mut out = String::new();
    for line in &chart.title {
        let _ = writeln!(out, "{line}");
    }
    if let Some(k) = t.kernel {
        let _ = writeln!(out, "kernel: {k}");
    }
    let _ = writeln!(out, "nodes: {}", t.nodes.join(", "));
    let _ = writeln!(out);
    for (i, s) in t.steps.iter().enumerate() {
        let row = i + 1;
        let node = s.node.as_deref().unwrap_or("-");
        let clock = s.now.map(|n| format!(" [t={n}]")).unwrap_or_default();
        let what = match arrival(&chart, row) {
            Some(line) => line,
            None => s.detail.clone(),
        };
        let _ = writeln!(
            out,
            "{row:>3}. {node} {}{}{clock}",
            s.event.as_str(),
            if what.is_empty() {
                String::new()
            } else {
                format!(" {what}")
            }
        );
        let mut sends: Vec<_> = chart
            .arrows
            .iter()
            .filter(|a| {
                a.from_row == row && a.kind != ArrowKind::Replay && a.kind != ArrowKind::Cut
            })
            .collect();
        sends.sort_by_key(|a| a.number);
        for a in sends {
            let _ = writeln!(
                out,
                "       sends m{} {} -> {}: {}",
                a.number, chart.lanes[a.from_lane], chart.lanes[a.to_lane], a.payload
            );
        }
        let mut cut: Vec<_> = chart
            .arrows
            .iter()
            .filter(|a| a.kind == ArrowKind::Cut && chart.end_row(a.end) == row)
            .collect();
        cut.sort_by_key(|a| a.number);
        for a in cut {
            let _ = writeln!(
                out,
                "       lost to the partition: m{} {} -> {}: {}",
                a.number, chart.lanes[a.from_lane], chart.lanes[a.to_lane], a.payload
            );
        }
        for c in &s.changes {
            let _ = writeln!(
                out,
                "       {}.{}: {} -> {}",
                c.node, c.field, c.before, c.after
            );
        }
        for d in &s.decisions {
            let _ = writeln!(
                out,
                "       outcome: tx{} {} at {}",
                u32::from(d.tx) + 1,
                outcome_word(d.outcome),
                d.node
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "final outcomes:");
    if t.outcomes.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for o in &t.outcomes {
        let node = t
            .nodes
            .get(usize::from(o.shard))
            .cloned()
            .unwrap_or_else(|| format!("node{}", o.shard));
        let _ = writeln!(
            out,
            "  tx{} {} at {node}",
            u32::from(o.tx) + 1,
            outcome_word(o.outcome)
        );
    }
    let undelivered: Vec<String> = chart
        .arrows
        .iter()
        .filter(|a| a.kind == ArrowKind::InFlight)
        .map(|a| format!("m{} {}", a.number, a.payload))
        .collect();
    if !undelivered.is_empty() {
        let _ = writeln!(out, "never delivered: {}", undelivered.join(", "));
    }
    out
}

/// The message a row receives, drops or replays, as "m3 a -> b: Payload (from step 2)".
fn arrival(chart: &Chart, row: usize) -> Option<String> {
    let a = chart.arrows.iter().find(|a| {
        !matches!(a.kind, ArrowKind::InFlight | ArrowKind::Cut)
            && chart.end_row(a.end) == row
            && a.from_row <= row
    })?;
    let origin = match (a.kind, a.from_row) {
        (ArrowKind::Replay, 0) => "a replay of a message sent before step 1".to_string(),
        (ArrowKind::Replay, r) => format!("a replay of the message sent in step {r}"),
        (_, 0) => "sent before step 1".to_string(),
        (_, r) => format!("sent in step {r}"),
    };
    Some(format!(
        "m{} {} -> {}: {} ({origin})",
        a.number, chart.lanes[a.from_lane], chart.lanes[a.to_lane], a.payload
    ))
}
