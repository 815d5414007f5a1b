//! The structure the README describes: no module imports one that imports it back, and the
//! README's layout section names the top-level folders that exist.
//!
//! The import graph is read from the sources (`use crate::…`, `crate::…` paths and `super::`
//! paths, comments and string literals ignored), per crate. At every folder, the modules in it
//! are siblings; an import from anywhere inside sibling `a` of anything inside sibling `b` is
//! an edge `a → b`. The check fails on any cycle among siblings, naming it, e.g.
//! `src: cli -> gate -> cli`. Run it alone with `cargo test --test it layout`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its module path (`["engine", "bfs"]`).
fn modules(dir: &Path) -> Vec<(Vec<String>, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable source dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(dir).expect("inside");
                let mut parts: Vec<String> = rel
                    .iter()
                    .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
                    .collect();
                if matches!(
                    parts.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    parts.pop();
                }
                out.push((parts, p));
            }
        }
    }
    out.sort();
    out
}

/// The source without comments and string literals, so a doc example is not an import.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut in_str = false;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
            prev = c;
        }
        out.push('\n');
    }
    out
}

/// The module paths `text` (of module `at`) refers to, as absolute paths from the crate root.
fn references(text: &str, at: &[String], is_dir_module: bool) -> Vec<Vec<String>> {
    let code = code_only(text);
    let mut refs = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < bytes.len() {
        let rest: String = bytes[i..bytes.len().min(i + 7)].iter().collect();
        let starts = i == 0 || !ident(bytes[i - 1]);
        let (base, skip): (Option<Vec<String>>, usize) = if starts && rest.starts_with("crate::") {
            (Some(Vec::new()), 7)
        } else if starts && rest.starts_with("super::") {
            // `super` of a file module is its folder's module; of a mod.rs, the parent's.
            let mut b = at.to_vec();
            if !is_dir_module || !b.is_empty() {
                b.pop();
            }
            if is_dir_module {
                // mod.rs: `at` is the folder itself, so super is one level up (done above).
            }
            (Some(b), 7)
        } else {
            (None, 1)
        };
        if let Some(mut path) = base {
            let mut j = i + skip;
            loop {
                let start = j;
                while j < bytes.len() && ident(bytes[j]) {
                    j += 1;
                }
                if j == start {
                    break;
                }
                path.push(bytes[start..j].iter().collect());
                if bytes.get(j) == Some(&':') && bytes.get(j + 1) == Some(&':') {
                    j += 2;
                    if bytes.get(j) == Some(&'{') {
                        break;
                    }
                } else {
                    break;
                }
            }
            refs.push(path);
            i = j.max(i + 1);
        } else {
            i += skip;
        }
    }
    refs
}

/// The sibling cycles of one crate's modules, each as `a -> b -> a`.
fn sibling_cycles(src: &Path) -> Vec<String> {
    let mods = modules(src);
    let known: BTreeSet<Vec<String>> = mods.iter().map(|(m, _)| m.clone()).collect();
    // Edges between siblings under each folder (keyed by the folder's module path).
    let mut edges: BTreeMap<Vec<String>, BTreeSet<(String, String)>> = BTreeMap::new();
    for (m, path) in &mods {
        if m.last().is_some_and(|n| n == "tests") {
            continue; // test modules are leaves: nothing imports them
        }
        let text = std::fs::read_to_string(path).expect("readable");
        // An inline test module (at the end of a file, by convention here) is a leaf too.
        let text = text
            .split("#[cfg(test)]\nmod tests {")
            .next()
            .unwrap_or_default();
        let dir_module = path
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs" || n == "main.rs");
        for r in references(text, m, dir_module) {
            // The longest known module the reference lies in.
            let target = (0..=r.len())
                .rev()
                .map(|k| r[..k].to_vec())
                .find(|p| known.contains(p))
                .unwrap_or_default();
            let common = m.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common >= m.len() || common >= target.len() {
                continue; // a module and its own ancestor or descendant: not siblings
            }
            edges
                .entry(m[..common].to_vec())
                .or_default()
                .insert((m[common].clone(), target[common].clone()));
        }
    }
    let mut cycles = Vec::new();
    for (folder, es) in &edges {
        let succ = |n: &str| -> Vec<String> {
            es.iter()
                .filter(|(a, _)| a == n)
                .map(|(_, b)| b.clone())
                .collect()
        };
        let nodes: BTreeSet<String> = es
            .iter()
            .flat_map(|(a, b)| [a.clone(), b.clone()])
            .collect();
        for start in &nodes {
            // A shortest cycle through `start`, by BFS.
            let mut prev: BTreeMap<String, String> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start.clone()]);
            let mut found = None;
            while let Some(n) = queue.pop_front() {
                for s in succ(&n) {
                    if &s == start {
                        found = Some(n.clone());
                        break;
                    }
                    if !prev.contains_key(&s) {
                        prev.insert(s.clone(), n.clone());
                        queue.push_back(s);
                    }
                }
                if found.is_some() {
                    break;
                }
            }
            if let Some(mut last) = found {
                let mut path = vec![start.clone()];
                let mut back = vec![last.clone()];
                while &last != start {
                    last = prev[&last].clone();
                    if &last != start {
                        back.push(last.clone());
                    }
                }
                back.reverse();
                path.extend(back);
                path.push(start.clone());
                let where_ = if folder.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", folder.join("::"))
                };
                cycles.push(format!("{where_}{}", path.join(" -> ")));
            }
        }
    }
    cycles.sort();
    cycles.dedup();
    cycles
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for krate in ["src", "models/src", "properties/src"] {
        for c in sibling_cycles(&root.join(krate)) {
            all.push(format!("{krate}: {c}"));
        }
    }
    assert!(all.is_empty(), "import cycles:\n{}", all.join("\n"));
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\n").expect("write");
    std::fs::write(src.join("a.rs"), "use crate::b::B;\npub struct A;\n").expect("write");
    std::fs::write(src.join("b.rs"), "use crate::a::A; // x\npub struct B;\n").expect("write");
    assert_eq!(sibling_cycles(src), ["a -> b -> a", "b -> a -> b"]);
    std::fs::write(src.join("b.rs"), "// use crate::a::A;\npub struct B;\n").expect("write");
    assert!(sibling_cycles(src).is_empty());
}

#[test]
fn the_readme_layout_matches_the_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let start = readme.find("## Layout").expect("a layout section");
    let section = &readme[start..];
    let block_start = section.find("```\n").expect("a layout block") + 4;
    let block =
        &section[block_start..block_start + section[block_start..].find("```").expect("end")];
    let named: BTreeSet<String> = block
        .lines()
        // Entries start at the left margin; indented lines describe what is inside one.
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.ends_with('/') || w.contains('.'))
        .map(|w| w.trim_end_matches('/').to_string())
        .collect();
    for name in &named {
        assert!(
            root.join(name).exists(),
            "README names {name}, which does not exist"
        );
    }
    let mut top: BTreeSet<String> = BTreeSet::new();
    for e in std::fs::read_dir(root).expect("root") {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().into_owned();
        let tracked = !name.starts_with('.') && name != "target" && name != "Cargo.lock";
        if tracked && e.path().is_dir() {
            top.insert(name);
        }
    }
    for d in &top {
        assert!(
            named.contains(d),
            "folder {d}/ is not in the README's layout section"
        );
    }
}
