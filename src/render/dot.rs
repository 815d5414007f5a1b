//! The DOT message-sequence chart of a counterexample (DESIGN.md, "Outputs"; the shared
//! `msc-example.dot` is the template), written with `dot-writer`.
//!
//! How the layout is forced: every row is a `rank=same` subgraph (time flows downwards, one row
//! per step); each lifeline is a chain of point nodes with one `group` and heavy `weight`, so
//! dot keeps it straight; the heads are ordered left to right by invisible flat edges; message
//! arrows are `constraint=false` so they never move the rows; a cross or in-flight marker is
//! held between its two lifelines by invisible flat edges in its row.
//!
//! Node ids are generated (`h0`, `n0_3`, `t3`, `x1`), never taken from names, and every label
//! goes through [`escape`], so no model text can break the file. The output is a pure function
//! of the chart: the same counterexample gives the same bytes.

use dot_writer::{Attributes, DotWriter, Rank, Scope};

use super::chart::{Arrow, ArrowKind, Cell, Chart, End, Marker, Tone};

/// Escapes `text` for a double-quoted DOT string: backslashes and quotes are escaped (so no
/// `\l`, `\N` or `"` from a payload is interpreted), line breaks become `\n`, other control
/// characters are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escaped lines, each left-justified (`\l`), for the graph title.
fn left_lines(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{}\\l", escape(l))).collect()
}

fn head_id(lane: usize) -> String {
    format!("h{lane}")
}

fn cell_id(lane: usize, row: usize) -> String {
    if row == 0 {
        head_id(lane)
    } else {
        format!("n{lane}_{row}")
    }
}

fn group(lane: usize) -> String {
    format!("g{lane}")
}

const GREY: &str = "#777777";
const LIFELINE: &str = "#bbbbbb";

/// Fill and border colours of a box tone.
fn tone_colours(t: Tone) -> (&'static str, &'static str) {
    match t {
        Tone::Event => ("#fff3c4", "#c9a227"),
        Tone::Fault => ("#e4e4e4", "#444444"),
        Tone::Partition => ("#ecdcff", "#7a3fc0"),
        Tone::Decision => ("#dbe8ff", "#1f5fbf"),
        Tone::Violation => ("#ffd6d6", "red"),
    }
}

/// Renders `chart` as DOT.
pub fn render(chart: &Chart) -> String {
    let mut bytes = Vec::new();
    {
        let mut writer = DotWriter::from(&mut bytes);
        writer.set_pretty_print(true);
        let mut g = writer.digraph();
        g.graph_attributes()
            .set("fontname", "Helvetica", true)
            .set("fontsize", "12", false)
            .set("labelloc", "t", false)
            .set("labeljust", "l", false)
            .set("label", &left_lines(&chart.title), true)
            .set("newrank", "true", false)
            .set("splines", "line", false)
            .set("forcelabels", "true", false)
            .set("nodesep", "0.9", false)
            .set("ranksep", "0.3", false);
        g.node_attributes()
            .set("fontname", "Helvetica", true)
            .set("fontsize", "10", false);
        g.edge_attributes()
            .set("fontname", "Helvetica", true)
            .set("fontsize", "9", false);

        heads(&mut g, chart);
        g.node_attributes()
            .set("shape", "point", false)
            .set("width", "0.05", false)
            .set("color", GREY, true);
        for (i, row) in chart.rows.iter().enumerate() {
            let r = i + 1;
            let mut s = g.subgraph();
            s.set_rank(Rank::Same);
            s.node_named(format!("t{r}"))
                .set("shape", "plaintext", false)
                .set("label", &escape(&row.label), true)
                .set("group", "steps", false);
            for (lane, cell) in row.cells.iter().enumerate() {
                let mut n = s.node_named(cell_id(lane, r));
                n.set("group", &group(lane), false);
                if let Cell::Box { lines, tone } = cell {
                    let (fill, border) = tone_colours(*tone);
                    let label: Vec<String> = lines.iter().map(|l| escape(l)).collect();
                    n.set("shape", "box", false)
                        .set("style", "rounded,filled", true)
                        .set("fillcolor", fill, true)
                        .set("color", border, true)
                        .set("width", "0", false)
                        .set("height", "0", false)
                        .set("fontsize", "9", false)
                        .set("label", &label.join("\\n"), true);
                }
            }
            for (m, marker) in chart.markers.iter().enumerate() {
                if marker.row == r {
                    marker_node(&mut s, m, marker);
                }
            }
        }

        lifelines(&mut g, chart);
        for (m, marker) in chart.markers.iter().enumerate() {
            hold_marker(&mut g, chart, m, marker);
        }
        for a in &chart.arrows {
            arrow(&mut g, a);
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// The heads row: the step column's heading and one box per lifeline, in order.
fn heads(g: &mut Scope<'_, '_>, chart: &Chart) {
    let mut s = g.subgraph();
    s.set_rank(Rank::Same);
    s.node_named("step")
        .set("shape", "plaintext", false)
        .set("label", "step", true)
        .set("group", "steps", false);
    for (lane, name) in chart.lanes.iter().enumerate() {
        s.node_named(head_id(lane))
            .set("shape", "box", false)
            .set("style", "rounded,filled", true)
            .set("fillcolor", "#eeeeee", true)
            .set("group", &group(lane), false)
            .set("label", &escape(name), true);
    }
    let order: Vec<String> = std::iter::once("step".to_string())
        .chain((0..chart.lanes.len()).map(head_id))
        .collect();
    if let Some(e) = s.edges(order) {
        e.attributes().set("style", "invis", false);
    };
}

/// One chain per lifeline, and the invisible chain of the step column.
fn lifelines(g: &mut Scope<'_, '_>, chart: &Chart) {
    let rows = chart.depth();
    let steps: Vec<String> = std::iter::once("step".to_string())
        .chain((1..=rows).map(|r| format!("t{r}")))
        .collect();
    if let Some(e) = g.edges(steps) {
        e.attributes().set("style", "invis", false);
    }
    for lane in 0..chart.lanes.len() {
        let chain: Vec<String> = (0..=rows).map(|r| cell_id(lane, r)).collect();
        if let Some(e) = g.edges(chain) {
            e.attributes()
                .set("style", "dashed", false)
                .set("arrowhead", "none", false)
                .set("color", LIFELINE, true)
                .set("weight", "100", false);
        }
    }
}

fn marker_id(m: usize) -> String {
    format!("x{m}")
}

fn marker_node(s: &mut Scope<'_, '_>, m: usize, marker: &Marker) {
    let mut n = s.node_named(marker_id(m));
    n.set("shape", "plaintext", false);
    match marker.kind {
        ArrowKind::InFlight => n
            .set("label", "in flight", true)
            .set("fontcolor", GREY, true)
            .set("fontsize", "8", false),
        _ => n
            .set("label", "✕", true)
            .set("fontcolor", "red", false)
            .set("fontsize", "14", false),
    };
}

/// Invisible flat edges that park a marker between its two lifelines.
fn hold_marker(g: &mut Scope<'_, '_>, chart: &Chart, m: usize, marker: &Marker) {
    let right = if marker.right > marker.left {
        Some(marker.right)
    } else if marker.left + 1 < chart.lanes.len() {
        Some(marker.left + 1)
    } else {
        None
    };
    let mut chain = vec![cell_id(marker.left, marker.row), marker_id(m)];
    if let Some(r) = right {
        chain.push(cell_id(r, marker.row));
    }
    if let Some(e) = g.edges(chain) {
        e.attributes()
            .set("style", "invis", false)
            .set("weight", "1", false);
    }
}

fn arrow(g: &mut Scope<'_, '_>, a: &Arrow) {
    let from = cell_id(a.from_lane, a.from_row);
    let to = match a.end {
        End::Lane { lane, row } => cell_id(lane, row),
        End::Marker(m) => marker_id(m),
    };
    let label = match a.kind {
        ArrowKind::Delivery => format!("m{} {}", a.number, a.payload),
        ArrowKind::Replay => format!("m{} {} (replay)", a.number, a.payload),
        ArrowKind::Lost => format!("m{} {} lost", a.number, a.payload),
        ArrowKind::Cut => format!("m{} {} lost to the partition", a.number, a.payload),
        ArrowKind::InFlight => format!("m{} {} never delivered", a.number, a.payload),
    };
    let mut attrs = g.edge(from, to).attributes();
    attrs
        .set("constraint", "false", false)
        .set("weight", "0", false)
        .set("xlabel", &escape(&label), true);
    match a.kind {
        ArrowKind::Delivery => {}
        ArrowKind::Replay => {
            attrs
                .set("style", "dashed", false)
                .set("color", "#d9822b", true)
                .set("fontcolor", "#d9822b", true);
        }
        ArrowKind::Lost | ArrowKind::Cut => {
            attrs
                .set("style", "dashed", false)
                .set("color", "red", false)
                .set("fontcolor", "red", false)
                .set("arrowhead", "none", false);
        }
        ArrowKind::InFlight => {
            attrs
                .set("style", "dotted", false)
                .set("color", GREY, true)
                .set("fontcolor", GREY, true);
        }
    }
}
