//! How the new crate depends on xshard: by path on the checkout this binary was built from,
//! while that checkout still exists, so a model is developed against the code at hand; by
//! version otherwise (an installed binary whose sources are gone).

use std::path::{Path, PathBuf};

/// Where the dependency points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Dependency {
    /// A local checkout of xshard.
    Path(PathBuf),
    /// A released version.
    Version(String),
}

impl Dependency {
    /// The choice: an explicit `--xshard-path` or `--xshard-version`, else the checkout this
    /// binary was built in if it is still there, else this binary's version.
    pub(crate) fn choose(path: Option<&Path>, version: Option<&str>) -> Result<Self, String> {
        if let Some(p) = path {
            let abs = std::fs::canonicalize(p)
                .map_err(|e| format!("--xshard-path {}: {e}", p.display()))?;
            if !is_xshard_checkout(&abs) {
                return Err(format!(
                    "--xshard-path {}: no Cargo.toml of package xshard there",
                    p.display()
                ));
            }
            return Ok(Dependency::Path(abs));
        }
        if let Some(v) = version {
            return Ok(Dependency::Version(v.to_string()));
        }
        let built_in = Path::new(env!("CARGO_MANIFEST_DIR"));
        Ok(if is_xshard_checkout(built_in) {
            Dependency::Path(built_in.to_path_buf())
        } else {
            Dependency::Version(env!("CARGO_PKG_VERSION").to_string())
        })
    }

    /// The line of `[dependencies]`.
    pub(crate) fn toml_line(&self) -> String {
        match self {
            Dependency::Path(p) => {
                let quoted = toml::Value::String(p.display().to_string()).to_string();
                format!("xshard = {{ path = {quoted} }}")
            }
            Dependency::Version(v) => {
                format!("xshard = {}", toml::Value::String(v.clone()))
            }
        }
    }
}

/// Whether `dir` holds the manifest of package `xshard`: a directory that merely has the same
/// path as the build's (a reused build machine, a moved checkout) must not be depended on.
fn is_xshard_checkout(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return false;
    };
    text.parse::<toml::Table>().ok().is_some_and(|t| {
        t.get("package")
            .and_then(|p| p.get("name"))
            .and_then(toml::Value::as_str)
            == Some("xshard")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_checkout_is_found_and_quoted() {
        let d = Dependency::choose(None, None).expect("chooses");
        assert_eq!(
            d,
            Dependency::Path(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        );
        assert!(d.toml_line().starts_with("xshard = { path = \""));
        assert_eq!(
            Dependency::Version("0.1.0".into()).toml_line(),
            "xshard = \"0.1.0\""
        );
    }
}
