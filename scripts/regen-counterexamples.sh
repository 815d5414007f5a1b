#!/bin/sh
# Regenerates the reference counterexamples in counterexamples/: every flawed variant in the
# registry (and the extra configurations listed in examples/regen_counterexamples.rs) is
# checked and must violate exactly its expected properties; each counterexample is written as
# counterexamples/<model>/<property>-<hash>.{json,dot,svg}. Needs Graphviz `dot` for the SVGs.
#
# Run it after adding a flawed variant or changing a model or the renderer; the tests
# `traces::reference_set_covers_every_flawed_variant` and
# `traces::every_reference_counterexample_replays_and_renders` fail until the set is current.
set -eu
cd "$(dirname "$0")/.."
command -v dot >/dev/null || { echo "Graphviz dot is needed for the SVGs (apt-get install graphviz)" >&2; exit 2; }
cargo build --quiet --example regen_counterexamples
# Old files go first, so a counterexample that changed does not leave its predecessor behind.
rm -rf counterexamples
mkdir counterexamples
cargo run --quiet --example regen_counterexamples
