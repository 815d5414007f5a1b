//! Shared helpers: run the `xshard` binary, parse its JSON Lines.

use assert_cmd::Command;
use serde_json::Value;

/// A command running the built `xshard` binary.
pub fn xshard() -> Command {
    Command::cargo_bin("xshard").expect("the xshard binary is built for integration tests")
}

/// Runs `xshard` with `args`; returns (exit code, stdout, stderr).
///
/// `check` writes counterexample files; unless the test chooses `--out`, they go to Cargo's
/// scratch directory for integration tests, never into the repository's reference set.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let mut cmd = xshard();
    cmd.args(args);
    if args.first() == Some(&"check") && !args.contains(&"--out") {
        cmd.arg("--out")
            .arg(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("counterexamples"));
    }
    let out = cmd.output().expect("xshard runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Parses JSON Lines output.
pub fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect()
}

/// The `data` of the first line of type `kind`.
pub fn first<'a>(lines: &'a [Value], kind: &str) -> &'a Value {
    &lines
        .iter()
        .find(|l| l["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} line"))["data"]
}

/// The `data` of every line of type `kind`.
pub fn all<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|l| l["type"] == kind)
        .map(|l| &l["data"])
        .collect()
}

/// One `check`'s outcome, read off its JSON lines: exit code, verdict, distinct states, per
/// property (name, status, length), and the lines themselves.
pub struct Check {
    pub code: i32,
    pub verdict: String,
    pub distinct: u64,
    pub props: Vec<(String, String, Option<u64>)>,
    pub lines: Vec<Value>,
}

/// Runs `xshard check MODEL ARGS --format json`, which must not be refused.
pub fn check(model: &str, args: &[&str]) -> Check {
    let mut full = vec!["check", model];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = run(&full);
    assert_ne!(code, 2, "{model} {args:?}: {err}");
    let lines = json_lines(&out);
    let s = first(&lines, "summary");
    Check {
        code,
        verdict: s["verdict"].as_str().unwrap_or_default().to_string(),
        distinct: s["distinct_states"].as_u64().unwrap_or_default(),
        props: all(&lines, "property")
            .into_iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap_or_default().to_string(),
                    p["status"].as_str().unwrap_or_default().to_string(),
                    p["length"].as_u64(),
                )
            })
            .collect(),
        lines,
    }
}

/// Expected per-property result: `H` holds, `V(n)` violated by a counterexample of n steps,
/// `W(n)` witnessed after n steps.
#[derive(Clone, Copy, Debug)]
pub enum E {
    H,
    V(u64),
    W(u64),
}

/// Checks `model` with `args` and asserts every property's result (`names` in the model's
/// order, `props` the same length), the exit code and verdict they imply, and the distinct
/// states.
pub fn expect(model: &str, names: &[&str], args: &[&str], distinct: u64, props: &[E]) -> Check {
    let c = check(model, args);
    let want: Vec<(String, String, Option<u64>)> = names
        .iter()
        .zip(props)
        .map(|(name, e)| {
            let (status, len) = match *e {
                E::H => ("holds", None),
                E::V(n) => ("violated", Some(n)),
                E::W(n) => ("witnessed", Some(n)),
            };
            (name.to_string(), status.to_string(), len)
        })
        .collect();
    assert_eq!(c.props, want, "{model} {args:?}");
    let violated = props.iter().any(|e| matches!(e, E::V(_)));
    let (code, verdict) = if violated {
        (1, "violated")
    } else {
        (0, "holds")
    };
    assert_eq!(
        (c.code, c.verdict.as_str()),
        (code, verdict),
        "{model} {args:?}"
    );
    assert_eq!(c.distinct, distinct, "{model} {args:?}");
    c
}

/// The (node, event, detail) of each step of the counterexample for `property`.
pub fn steps(c: &Check, property: &str) -> Vec<(String, String, String)> {
    let ce = all(&c.lines, "counterexample")
        .into_iter()
        .find(|t| t["property"] == property)
        .unwrap_or_else(|| panic!("a counterexample for {property}"));
    ce["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|st| {
            let s = |k: &str| st[k].as_str().unwrap_or_default().to_string();
            (s("node"), s("event"), s("detail"))
        })
        .collect()
}

/// The explanation of the counterexample for `property` (empty when there is none).
pub fn explanation(c: &Check, property: &str) -> String {
    all(&c.lines, "counterexample")
        .into_iter()
        .find(|t| t["property"] == property)
        .and_then(|t| t["explanation"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Owned (node, event, detail) triples, to compare with [`steps`].
pub fn triples(v: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    v.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

/// Checks variant `v` (an entry of `xshard list --format json`'s `variants`) of `model` at its
/// defaults and asserts that exactly the properties its listing expects fail (violated or
/// unwitnessed), so a registry's expectations and the checks cannot drift apart.
pub fn assert_variant_meets_its_listing(model: &str, v: &Value) {
    let variant = v["name"].as_str().unwrap_or_default();
    let c = check(model, &["--variant", variant]);
    let failed: Vec<Value> = c
        .props
        .iter()
        .filter(|(_, s, _)| s == "violated" || s == "unwitnessed")
        .map(|(n, _, _)| Value::from(n.as_str()))
        .collect();
    let expected = if v["expect"] == "holds" {
        Vec::new()
    } else {
        v["expect"]["violates"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(failed, expected, "{model} {variant}");
}
