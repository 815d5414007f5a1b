//! docs/guide.md cannot drift: every ```rust block in it must occur verbatim in one of this
//! crate's source files (which compile and are tested), and every other block must say what it
//! is, so that no Rust hides in an untagged block.

use std::path::{Path, PathBuf};

/// The languages a non-Rust block of the guide may be tagged with.
const OTHER_LANGUAGES: &[&str] = &["sh", "toml", "text"];

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The crate's Rust sources: src/ and tests/.
fn sources() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for dir in ["src", "tests"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(crate_dir().join(dir))
            .expect("the directory reads")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).expect("the source reads");
            out.push((p, text));
        }
    }
    out
}

/// The fenced blocks of `markdown`: (language tag, 1-based line of the fence, body).
fn blocks(markdown: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match open.take() {
            None => {
                if let Some(tag) = line.strip_prefix("```") {
                    open = Some((tag.trim().to_string(), i + 1, String::new()));
                }
            }
            Some((tag, at, mut body)) => {
                if line.trim_end() == "```" {
                    out.push((tag, at, body));
                } else {
                    body.push_str(line);
                    body.push('\n');
                    open = Some((tag, at, body));
                }
            }
        }
    }
    assert!(
        open.is_none(),
        "docs/guide.md: a fenced block is not closed"
    );
    out
}

#[test]
fn every_rust_block_of_the_guide_is_an_excerpt_of_this_crate() {
    let guide_path = crate_dir().join("../../docs/guide.md");
    let guide = std::fs::read_to_string(&guide_path).expect("docs/guide.md reads");
    let sources = sources();
    let mut rust = 0;
    for (tag, line, body) in blocks(&guide) {
        if tag == "rust" {
            rust += 1;
            assert!(
                sources.iter().any(|(_, text)| text.contains(&body)),
                "docs/guide.md:{line}: this rust block is not an exact excerpt of any file of \
                 examples/custom-protocol (src/, tests/):\n{body}"
            );
        } else {
            assert!(
                OTHER_LANGUAGES.contains(&tag.as_str()),
                "docs/guide.md:{line}: a block tagged {tag:?}; tag Rust as rust (it is then \
                 checked) and anything else as one of {OTHER_LANGUAGES:?}"
            );
        }
    }
    // The guide's point is its code: an edit that drops every block must not pass silently.
    assert!(rust >= 10, "docs/guide.md has only {rust} rust blocks");
}
