#!/bin/sh
# Regenerates the reference counterexamples in counterexamples/: one `xshard check` per
# known-flawed configuration, each of which must exit 1 (violated) and writes
# counterexamples/<model>/<property>-<hash>.{json,dot,svg}. Needs Graphviz `dot` for the SVGs.
#
# When a flawed variant is added to a model, add its line below and re-run this script; the
# test `traces::reference_set_covers_every_flawed_variant` fails until the set is complete.
set -eu
cd "$(dirname "$0")/.."
cargo build --quiet --bin xshard
bin=target/debug/xshard
command -v dot >/dev/null || { echo "Graphviz dot is needed for the SVGs (apt-get install graphviz)" >&2; exit 2; }

# Old files go first, so a counterexample that changed does not leave its predecessor behind.
rm -rf counterexamples
mkdir counterexamples

check() {
    rc=0
    "$bin" check "$@" --out counterexamples --render svg >/dev/null || rc=$?
    if [ "$rc" -ne 1 ]; then
        echo "xshard check $* exited $rc, expected 1 (violated)" >&2
        exit 1
    fi
}

for v in commit-without-votes abort-after-commit revert-after-vote forged-vote; do
    check tla-two-phase --variant "$v"
done
check two-phase-commit --variant revert-after-vote
check two-phase-commit --crashes 1
find counterexamples -type f | sort
