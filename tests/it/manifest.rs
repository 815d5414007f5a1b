//! The workspace manifest against the locked dependency graph.

use std::process::Command;

use serde_json::Value;

/// `1.89` or `1.89.0` as (1, 89, 0).
fn version(v: &str) -> (u64, u64, u64) {
    let mut parts = v
        .split('.')
        .map(|p| p.parse::<u64>().expect("a numeric rust-version"));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

/// The declared `rust-version` is a promise to people on older toolchains, and `cargo update`
/// can break it silently: a dependency that needs a newer Rust builds fine on the newest one.
#[test]
fn rust_version_is_at_least_every_dependencys() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata is JSON");
    let members = meta["workspace_members"]
        .as_array()
        .expect("workspace_members");
    let packages = meta["packages"].as_array().expect("packages");
    let (ours, theirs): (Vec<&Value>, Vec<&Value>) =
        packages.iter().partition(|p| members.contains(&p["id"]));
    let needed = theirs
        .iter()
        .filter_map(|p| Some((version(p["rust_version"].as_str()?), p)))
        .max_by_key(|(v, _)| *v)
        .expect("some dependency declares a rust-version");
    for p in ours {
        let declared = p["rust_version"]
            .as_str()
            .unwrap_or_else(|| panic!("{} declares no rust-version", p["name"]));
        assert!(
            version(declared) >= needed.0,
            "{} declares rust-version {declared}, but {} {} needs {}",
            p["name"],
            needed.1["name"],
            needed.1["version"],
            needed.1["rust_version"]
        );
    }
}
