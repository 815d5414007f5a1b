//! Renderers of counterexamples: the message-sequence chart as DOT ([`dot`]) and, through
//! Graphviz, SVG ([`graphviz`]); and plain text ([`text`]). Both draw the same layout
//! ([`chart`]).

pub mod chart;
pub mod dot;
pub mod graphviz;
pub mod text;

use crate::trace::Counterexample;

/// The DOT chart of `t`; `replay_path` is the file the title's replay command names.
pub fn dot_chart(t: &Counterexample, replay_path: &str) -> String {
    dot::render(&chart::layout(t, replay_path))
}
