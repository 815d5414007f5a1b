//! `xshard new`: the files it writes, what it prints, and what it refuses. The generated
//! crate is compiled and checked by CI's scaffold step (`.ci/run`), not here: it takes minutes.

use crate::helpers::run;

const FILES: &[&str] = &[
    ".gitignore",
    "Cargo.toml",
    "README.md",
    "src/lib.rs",
    "src/main.rs",
    "tests/verdicts.rs",
    "xshard.toml",
];

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("under dir");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn new_writes_a_starter_crate_and_prints_the_next_commands() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("demo");
    let dir_arg = dir.to_str().expect("utf-8 path");
    let (code, stdout, stderr) = run(&["new", "demo", "--path", dir_arg]);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(files_under(&dir), FILES);
    for f in FILES {
        let written = dir.join(f);
        assert!(
            stdout.contains(&format!("wrote {}", written.display())),
            "{f} not listed:\n{stdout}"
        );
    }
    for next in [
        "cargo test",
        "cargo run --release -- check demo",
        "cargo run --release -- gate",
    ] {
        assert!(stdout.contains(next), "{next} missing:\n{stdout}");
    }

    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("written");
    let manifest: toml::Table = read("Cargo.toml").parse().expect("valid TOML");
    assert_eq!(manifest["package"]["name"].as_str(), Some("demo"));
    assert!(manifest["workspace"]
        .as_table()
        .is_some_and(|t| t.is_empty()));
    // Built in this checkout, so the dependency is this checkout.
    assert_eq!(
        manifest["dependencies"]["xshard"]["path"].as_str(),
        Some(env!("CARGO_MANIFEST_DIR"))
    );
    assert!(read("src/main.rs").contains("with::<demo::Entry>()"));
    assert!(read("src/lib.rs").contains("pub const NAME: &str = \"demo\";"));
    let verdicts = read("tests/verdicts.rs");
    assert!(verdicts.contains("demo::NAME") && !verdicts.contains("__"));
    assert!(read("xshard.toml").contains("model = \"demo\""));
    for f in FILES {
        assert!(
            !read(f).contains("__NAME__") && !read(f).contains("__CRATE__"),
            "{f}"
        );
    }
}

#[test]
fn new_names_the_crate_in_snake_case_and_takes_a_version() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("my-escrow");
    let dir_arg = dir.to_str().expect("utf-8 path");
    let (code, _, stderr) = run(&[
        "new",
        "my-escrow",
        "--path",
        dir_arg,
        "--xshard-version",
        "0.1.0",
    ]);
    assert_eq!(code, 0, "stderr: {stderr}");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("written");
    assert!(read("src/main.rs").contains("with::<my_escrow::Entry>()"));
    assert!(read("Cargo.toml").contains("xshard = \"0.1.0\""));
}

#[test]
fn new_refuses_a_non_empty_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("demo");
    let dir_arg = dir.to_str().expect("utf-8 path");
    assert_eq!(run(&["new", "demo", "--path", dir_arg]).0, 0);
    let before = std::fs::read_to_string(dir.join("src/lib.rs")).expect("written");
    std::fs::write(dir.join("src/lib.rs"), "// my work\n").expect("writable");
    let (code, stdout, stderr) = run(&["new", "demo", "--path", dir_arg]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("already exists and is not empty"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("src/lib.rs")).expect("kept"),
        "// my work\n"
    );
    assert!(before.contains("impl Protocol"));
}

#[test]
fn new_refuses_bad_names_with_the_rule() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (name, says) in [
        ("My_Model", "lowercase ASCII letters, digits"),
        ("2pc", "starting with a letter"),
        ("two-phase-commit", "a built-in model has it"),
        ("xshard", "reserved"),
    ] {
        let dir = tmp.path().join("x");
        let (code, stdout, stderr) = run(&["new", name, "--path", dir.to_str().expect("utf-8")]);
        assert_eq!(code, 2, "{name}");
        assert!(stdout.is_empty(), "{name}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert!(!dir.exists(), "{name}: nothing is written");
    }
}
