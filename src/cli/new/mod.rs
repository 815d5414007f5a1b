//! `xshard new NAME [--path DIR]`: writes a starter crate for a protocol of one's own — a
//! working model on the world kernel with a correct and a flawed variant, its binary, pinned
//! verdicts and a gate suite — that builds and passes its tests as it stands (docs/new.md).

mod dependency;
mod name;
mod template;

use std::path::{Path, PathBuf};

use super::args::NewArgs;
use super::{CliError, Ctx};
use crate::exit;
use dependency::Dependency;

/// Runs `new`.
pub(crate) fn run(a: &NewArgs, ctx: &Ctx<'_>) -> Result<u8, CliError> {
    let builtin: Vec<&str> = ctx.registry.names().collect();
    name::validate(&a.name, &builtin).map_err(CliError::Usage)?;
    let dir = a.path.clone().unwrap_or_else(|| PathBuf::from(&a.name));
    refuse_non_empty(&dir)?;
    let dependency = Dependency::choose(a.xshard_path.as_deref(), a.xshard_version.as_deref())
        .map_err(CliError::Usage)?;
    let files = template::render(&a.name, &dependency.toml_line());
    for (path, text) in &files {
        let target = dir.join(path);
        write(&target, text)?;
        println!("wrote {}", target.display());
    }
    match &dependency {
        Dependency::Path(p) => println!("xshard dependency: path {}", p.display()),
        Dependency::Version(v) => println!("xshard dependency: version {v}"),
    }
    println!();
    println!("next:");
    println!("  cd {}", dir.display());
    println!("  cargo test");
    println!("  cargo run --release -- check {}", a.name);
    println!("  cargo run --release -- gate");
    Ok(exit::OK)
}

/// Refuses a target that already has something in it: a starter must never overwrite work.
fn refuse_non_empty(dir: &Path) -> Result<(), CliError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(CliError::Usage(format!(
                    "{} already exists and is not empty; choose another --path",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if dir.is_file() => Err(CliError::Usage(format!(
            "{} already exists and is not a directory",
            dir.display()
        ))),
        Err(source) => Err(CliError::Write {
            what: dir.display().to_string(),
            source,
        }),
    }
}

/// Writes one file, creating its directory.
fn write(path: &Path, text: &str) -> Result<(), CliError> {
    let fail = |source| CliError::Write {
        what: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    crate::files::write_atomic(path, text.as_bytes()).map_err(fail)
}
