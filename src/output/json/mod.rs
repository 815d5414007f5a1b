//! JSON Lines output.
//!
//! Every line is one object `{"type": TYPE, "data": {...}}`; stdout holds nothing else. The
//! first line of every stream is `begin` and carries `schema_version` ([`SCHEMA_VERSION`]);
//! fields are only added within a version, never renamed or removed. Each line's `data` is a
//! `#[derive(Serialize)]` type of [`check`], [`list`] or [`gate`]: its rustdoc is the schema.

pub mod check;
pub mod explore;
pub mod gate;
pub mod list;

use serde::Serialize;

/// The version of the JSON Lines schema.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    data: &'a T,
}

/// One JSON line: `{"type": kind, "data": data}` and a newline.
pub fn line<T: Serialize>(kind: &str, data: &T) -> String {
    // Serialising plain data to a String cannot fail; an empty object keeps the stream valid
    // if a future type ever made it fail.
    let mut s = serde_json::to_string(&Envelope { kind, data })
        .unwrap_or_else(|_| format!("{{\"type\":\"{kind}\",\"data\":null}}"));
    s.push('\n');
    s
}

/// The `begin` line of `list` and of commands without more to say.
#[derive(Debug, Serialize)]
pub struct Begin {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The command (`list`, `check`, `gate`).
    pub command: &'static str,
}
