//! Which names `xshard new` accepts: one name is the model's, the package's and (in
//! snake_case) the Rust crate's, so it must be valid as all three.

/// The rule, as the error message states it.
pub(crate) const RULE: &str =
    "a model name is lowercase ASCII letters, digits and single '-' between them, starting with a letter";

/// Names that are valid by the rule but that Cargo, Rust or the registry would refuse.
const RESERVED: &[&str] = &[
    "xshard",
    "xshard-models",
    "xshard-properties",
    "test",
    "core",
    "std",
    "alloc",
    "proc-macro",
    "build",
    "deps",
    "examples",
    "incremental",
];

/// Rust keywords a crate name cannot be (`use fn::Entry` does not parse).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Checks `name`; the error is the one-line reason.
pub(crate) fn validate(name: &str, builtin: &[&str]) -> Result<(), String> {
    let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !well_formed {
        return Err(format!("invalid model name '{name}': {RULE}"));
    }
    if RESERVED.contains(&name) || KEYWORDS.contains(&name) {
        return Err(format!(
            "invalid model name '{name}': it is reserved by Cargo, Rust or xshard"
        ));
    }
    if builtin.contains(&name) {
        return Err(format!(
            "invalid model name '{name}': a built-in model has it (see `xshard list`)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn the_rule() {
        for ok in ["demo", "escrow-2", "a1-b2"] {
            assert_eq!(validate(ok, &[]), Ok(()), "{ok}");
        }
        for bad in [
            "", "Demo", "1demo", "-demo", "demo-", "de--mo", "de_mo", "de mo", "fn",
        ] {
            assert!(validate(bad, &[]).is_err(), "{bad}");
        }
        assert!(validate("locking", &["locking"]).is_err());
    }
}
