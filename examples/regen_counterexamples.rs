//! Regenerates the reference counterexamples in `counterexamples/` (run it through
//! `scripts/regen-counterexamples.sh`, which clears the directory first).
//!
//! Every flawed variant in the registry is checked at its defaults and must violate exactly
//! the properties it is expected to; so are the extra configurations below, which show flaws
//! of correct variants under a fault the defaults leave out. Each counterexample is written as
//! `check` writes it: JSON, DOT and (with Graphviz) SVG.

use std::path::Path;
use std::process::ExitCode;

use xshard::cli::check::{execute, write_files};
use xshard::engine::{Engine, Status};
use xshard::trace::files::Render;
use xshard_models::registry::{Expect, KernelOverrides};
use xshard_models::{catalogue, Request};

/// Configurations beyond the flawed variants: (model, request, the properties violated).
fn extra() -> Vec<(&'static str, Request, Vec<&'static str>)> {
    vec![(
        // A crashed coordinator blocks 2PC: the classic blocking problem.
        "two-phase-commit",
        Request {
            variant: None,
            params: Default::default(),
            kernel: KernelOverrides {
                crashes: Some(1),
                ..KernelOverrides::default()
            },
        },
        vec!["deadlock_freedom"],
    )]
}

fn main() -> ExitCode {
    let mut runs: Vec<(&'static str, Request, Vec<&'static str>)> = Vec::new();
    for m in catalogue() {
        for v in &m.variants {
            if let Expect::Violates(props) = &v.expect {
                let req = Request {
                    variant: Some(v.name.to_string()),
                    ..Request::default()
                };
                runs.push((m.name, req, props.clone()));
            }
        }
    }
    runs.extend(extra());

    let out = Path::new("counterexamples");
    for (model, req, expected) in runs {
        let what = format!("{model} {req:?}");
        let mut run = match execute(model, &req, &Engine::new()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{what}: {e}");
                return ExitCode::from(2);
            }
        };
        let violated: Vec<&str> = run
            .report
            .properties
            .iter()
            .filter(|p| p.status == Status::Violated)
            .map(|p| p.name)
            .collect();
        if violated != expected {
            eprintln!("{what}: violated {violated:?}, expected {expected:?}");
            return ExitCode::from(1);
        }
        if let Err(e) = write_files(&mut run, out, Render::Svg) {
            eprintln!("{what}: {e}");
            return ExitCode::from(2);
        }
        for f in &run.files {
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
