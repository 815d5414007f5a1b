//! `list` for people: each model with its source, parameters, kernel defaults, variants with
//! their expected verdicts, properties and notes.

use std::fmt::Write;

use xshard_models::Expect;

use crate::registry::Listing;

/// The model list.
pub fn list(models: &[Listing]) -> String {
    let mut out = String::new();
    for m in models {
        let _ = writeln!(out, "{}  {}", m.name, m.summary);
        let _ = writeln!(out, "  source: {}", m.source);
        if m.params.is_empty() {
            let _ = writeln!(out, "  parameters: none");
        } else {
            let _ = writeln!(out, "  parameters:");
            for p in &m.params {
                let _ = writeln!(
                    out,
                    "    {} (default {}, {}..={}): {}",
                    p.name, p.default, p.min, p.max, p.doc
                );
            }
        }
        if let Some(k) = m.kernel {
            let _ = writeln!(out, "  kernel defaults: {k}");
        }
        let _ = writeln!(out, "  variants:");
        for v in &m.variants {
            let expect = match &v.expect {
                Expect::Holds => "expected: holds".to_string(),
                Expect::Violates(p) => format!("expected: violates {}", p.join(", ")),
            };
            let _ = writeln!(out, "    {:<22} {} [{expect}]", v.name, v.summary);
            if let Some(k) = v.kernel {
                let _ = writeln!(out, "    {:<22} kernel defaults of this variant: {k}", "");
            }
        }
        let _ = writeln!(out, "  properties:");
        for p in &m.properties {
            let _ = writeln!(
                out,
                "    {:<18} {:<9} {}",
                p.name,
                p.kind.as_str(),
                p.statement
            );
        }
        for c in &m.catches {
            let _ = writeln!(out, "  default catches: {c}");
        }
        for c in &m.misses {
            let _ = writeln!(out, "  default misses: {c}");
        }
        for n in &m.notes {
            let _ = writeln!(out, "  note: {n}");
        }
        let _ = writeln!(out);
    }
    out
}
