//! Renderers of counterexamples: the message-sequence chart as DOT ([`dot`]) and, through
//! Graphviz, SVG ([`graphviz`]); and plain text ([`text`]). Both draw the same layout
//! ([`chart`]).

pub mod chart;
pub mod dot;
pub mod graphviz;
pub mod text;

use crate::trace::Counterexample;

/// The DOT chart of `t`; `replay_command` is the command that replays it, shown in the title.
pub fn dot_chart(t: &Counterexample, replay_command: &str) -> String {
    dot::render(&chart::layout(t, replay_command))
}
