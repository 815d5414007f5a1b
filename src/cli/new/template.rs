//! The starter crate's files: templates embedded at compile time, with the model name, the
//! crate name and the xshard dependency substituted.

/// The distinct states of the template's default variant, which `tests/verdicts.rs` pins. The
/// figures do not depend on the name; CI's scaffold step runs the generated tests, so a
/// template change that alters them fails there until they are updated here.
pub(crate) const DEFAULT_STATES: u64 = 44;
/// The length of the shortest `atomicity` counterexample of `refund-on-timeout`.
pub(crate) const CX_LENGTH: usize = 2;

/// The templates: (path in the new crate, text).
const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("template/Cargo.toml.tmpl")),
    (".gitignore", include_str!("template/gitignore.tmpl")),
    ("README.md", include_str!("template/README.md.tmpl")),
    ("xshard.toml", include_str!("template/xshard.toml.tmpl")),
    ("src/lib.rs", include_str!("template/lib.rs.tmpl")),
    ("src/main.rs", include_str!("template/main.rs.tmpl")),
    (
        "tests/verdicts.rs",
        include_str!("template/verdicts.rs.tmpl"),
    ),
];

/// Every file of a crate named `name` depending on xshard by `dependency` (a TOML line).
pub(crate) fn render(name: &str, dependency: &str) -> Vec<(&'static str, String)> {
    let crate_name = name.replace('-', "_");
    FILES
        .iter()
        .map(|&(path, text)| {
            let text = text
                .replace("__XSHARD_DEPENDENCY__", dependency)
                .replace("__DEFAULT_STATES__", &DEFAULT_STATES.to_string())
                .replace("__CX_LENGTH__", &CX_LENGTH.to_string())
                .replace("__CRATE__", &crate_name)
                .replace("__NAME__", name);
            (path, text)
        })
        .collect()
}
