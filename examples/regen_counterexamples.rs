//! Regenerates the reference counterexamples in `counterexamples/` (run it through
//! `scripts/regen-counterexamples.sh`, which clears the directory first).
//!
//! Every flawed variant in the registry is checked at its defaults and must violate exactly
//! the properties it is expected to; so are the extra configurations below, which show flaws
//! of correct variants under a fault the defaults leave out. Each counterexample is written as
//! `check` writes it: JSON, DOT and (with Graphviz) SVG.

use std::path::Path;
use std::process::ExitCode;

use xshard::engine::{Engine, Status};
use xshard::files::Render;
use xshard::models::kernel::KernelOverrides;
use xshard::models::{Expect, Request};
use xshard::{run, Registry};

/// Configurations beyond the flawed variants: (model, request, the properties violated).
fn extra() -> Vec<(&'static str, Request, Vec<&'static str>)> {
    vec![
        (
            // A crashed coordinator blocks 2PC: the classic blocking problem (at two shards,
            // as the gate suite checks it).
            "two-phase-commit",
            Request::new()
                .param("shards", 2)
                .kernel(KernelOverrides::new().with("crashes", 1)),
            vec!["deadlock_freedom", "progress"],
        ),
        (
            // A crashed backup TM takes the one decision record with it: the shards block.
            "backup-tm",
            Request::new().param("backup_crash", 1),
            vec!["deadlock_freedom", "progress"],
        ),
        (
            // PROTOCOLS.md S7: a partition after PreCommit reached one participant.
            "three-phase-commit",
            Request::new().kernel(
                KernelOverrides::new()
                    .with("partitions", 1)
                    .with("crashes", 0),
            ),
            vec!["atomicity"],
        ),
        (
            // PROTOCOLS.md S14: correct timelocks, Bob crashes after Alice's claim and ends
            // underwater (outside Herlihy's failure model).
            "htlc",
            Request::new().kernel(KernelOverrides::new().with("crashes", 1)),
            vec!["no_underwater", "atomicity", "timeout_revert", "progress"],
        ),
        (
            // Paxos Commit with one acceptor is 2PC: the leader's crash blocks.
            "paxos-commit",
            Request::new().param("f", 0),
            vec!["deadlock_freedom", "progress"],
        ),
    ]
}

fn main() -> ExitCode {
    let registry = Registry::builtin();
    let mut runs: Vec<(&'static str, Request, Vec<&'static str>)> = Vec::new();
    for m in registry.listings() {
        for v in &m.variants {
            if let Expect::Violates(props) = &v.expect {
                runs.push((m.name, Request::new().variant(v.name), props.clone()));
            }
        }
    }
    runs.extend(extra());

    let out = Path::new("counterexamples");
    for (model, req, expected) in runs {
        let what = format!("{model} {req:?}");
        let mut checked = match run::check(&registry, model, &req, &Engine::new()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{what}: {e}");
                return ExitCode::from(2);
            }
        };
        let violated: Vec<&str> = checked
            .properties
            .iter()
            .filter(|p| p.status == Status::Violated)
            .map(|p| p.name)
            .collect();
        if violated != expected {
            eprintln!("{what}: violated {violated:?}, expected {expected:?}");
            return ExitCode::from(1);
        }
        if let Err(e) = checked.write_files(out, Render::Svg, "xshard") {
            eprintln!("{what}: {e}");
            return ExitCode::from(2);
        }
        for f in checked.files() {
            if let Some(note) = &f.svg_note {
                eprintln!("{note}");
            }
            for p in f.paths() {
                println!("{}", p.display());
            }
        }
    }
    ExitCode::SUCCESS
}
