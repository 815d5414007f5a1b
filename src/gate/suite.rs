//! The suite file: parsing and validation.
//!
//! A suite is a TOML file of `[[check]]` tables; each names a model, its variant, parameters,
//! kernel settings and bounds, and the verdict it must keep giving:
//!
//! ```toml
//! [[check]]
//! name = "2pc blocks when the coordinator crashes"   # optional
//! model = "two-phase-commit"
//! variant = "default"                                 # optional: the model's default
//! params = { shards = 2 }                             # optional
//! kernel = { crashes = 1, crash_mode = "stop" }       # optional, kernel models only
//! max_states = 1000000                                # optional bounds; timeout in seconds
//! expect = { violates = ["deadlock_freedom"] }        # or expect = "holds"
//! allow_inconclusive = false                          # optional; default false
//! ```
//!
//! Everything is checked before anything runs, against the registry: unknown keys, models,
//! variants, parameters and properties, wrong types and out-of-range values are reported as
//! `file:line: what is wrong`, the line being where the offending value is written.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;
use xshard_models::kernel::{settings, KernelOverrides, Kind, Setting};
use xshard_models::{ConfigError, Expect, Request, Resolved};

use crate::registry::Registry;

/// A validated suite.
#[derive(Clone, Debug)]
pub struct Suite {
    /// The file it was read from, as given (annotations and messages use it).
    pub path: PathBuf,
    /// The `[[check]]` tables, in file order.
    pub checks: Vec<CheckSpec>,
}

/// One validated `[[check]]`.
#[derive(Clone, Debug)]
pub struct CheckSpec {
    /// The name (given, or derived from model, variant and settings).
    pub name: String,
    /// The line of the check's `[[check]]` header.
    pub line: usize,
    /// The registry name of the model to check.
    pub model: String,
    /// The request as written (what the engine is asked to build).
    pub request: Request,
    /// The request resolved against the model's defaults.
    pub resolved: Resolved,
    /// The verdict the check must give (its `expect` key).
    pub expect: Expectation,
    /// Whether an inconclusive result (a bound hit) meets the expectation.
    pub allow_inconclusive: bool,
    /// Stop after this many distinct states (as `check --max-states`).
    pub max_states: Option<u64>,
    /// Expand no state deeper than this (as `check --max-depth`).
    pub max_depth: Option<u64>,
    /// Seconds.
    pub timeout: Option<u64>,
    /// What runs: one exhaustive check, a sweep or a fuzz run.
    pub mode: Mode,
}

/// What a `[[check]]` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One exhaustive check (`xshard check`).
    Check,
    /// `sweep = { cases = N, seed = S }`: `xshard sweep` with the check's parameters and
    /// kernel settings as the fixed values and bounds, `max_states` (default 100,000) and
    /// `timeout` per configuration.
    Sweep {
        /// Configurations to draw.
        cases: u32,
        /// The seed.
        seed: u64,
    },
    /// `fuzz = { walks = N, depth = D, seed = S }`: `xshard fuzz` on the check's
    /// configuration, `max_states` the confirming search's budget and `timeout` the walks'.
    Fuzz {
        /// Walks to run.
        walks: u32,
        /// The most actions per walk.
        depth: u32,
        /// The seed.
        seed: u64,
    },
}

/// A sweep's configurations when the suite does not say.
pub const DEFAULT_CASES: u32 = 32;
/// A sweep's per-configuration budget when the suite does not say.
pub const DEFAULT_SWEEP_STATES: u64 = 100_000;
/// A fuzz run's walks when the suite does not say.
pub const DEFAULT_WALKS: u32 = 1000;
/// A fuzz run's depth when the suite does not say.
pub const DEFAULT_DEPTH: u32 = 50;
/// A fuzz run's confirming search budget when the suite does not say.
pub const DEFAULT_CONFIRM_STATES: u64 = 2_000_000;

/// The verdict a check must give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// Every property holds and every witness is found.
    Holds,
    /// Exactly these properties fail (violated, or a witness missing); the rest hold.
    Violates(BTreeSet<String>),
}

impl Expectation {
    /// The registry's expectation for a variant.
    pub fn from_registry(e: &Expect) -> Expectation {
        match e {
            Expect::Holds => Expectation::Holds,
            Expect::Violates(ps) => {
                Expectation::Violates(ps.iter().map(|p| (*p).to_string()).collect())
            }
        }
    }

    /// Whether `property` is expected to fail.
    pub fn expects_failure(&self, property: &str) -> bool {
        match self {
            Expectation::Holds => false,
            Expectation::Violates(ps) => ps.contains(property),
        }
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::Holds => f.write_str("holds"),
            Expectation::Violates(ps) => {
                let names: Vec<&str> = ps.iter().map(String::as_str).collect();
                write!(f, "violates {}", names.join(", "))
            }
        }
    }
}

/// Why a suite cannot be used. Displays as one line.
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    /// The suite file could not be read.
    #[error("cannot read suite file '{file}': {source}")]
    Read {
        /// The suite file, as given.
        file: String,
        /// The file system's error.
        source: std::io::Error,
    },
    /// The suite is not valid TOML or a value in it is not valid.
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// The suite file, as given.
        file: String,
        /// The line of the offending value (from 1).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Reads and validates the suite at `path`.
pub fn load(path: &Path, registry: &Registry) -> Result<Suite, SuiteError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| SuiteError::Read {
        file: file.clone(),
        source,
    })?;
    let checks = parse(&text, &file, registry)?;
    Ok(Suite {
        path: path.to_path_buf(),
        checks,
    })
}

/// Parses and validates suite text; `file` names it in messages.
pub fn parse(text: &str, file: &str, registry: &Registry) -> Result<Vec<CheckSpec>, SuiteError> {
    let at = |span: Range<usize>, message: String| SuiteError::Invalid {
        file: file.to_string(),
        line: line_of(text, span.start),
        message,
    };
    let raw: RawSuite = toml::from_str(text).map_err(|e| {
        // toml's message is one line; its Display adds a source excerpt, which we leave out.
        let message = e.message().lines().collect::<Vec<_>>().join(" ");
        at(e.span().unwrap_or(0..0), message)
    })?;
    if raw.check.is_empty() {
        return Err(at(
            0..0,
            "no [[check]] tables: a suite needs at least one check".to_string(),
        ));
    }
    let mut checks: Vec<CheckSpec> = Vec::with_capacity(raw.check.len());
    for c in raw.check {
        let header = c.span();
        let line = line_of(text, header.start);
        let spec = validate(c.into_inner(), header.clone(), line, &at, registry)?;
        if let Some(first) = checks.iter().find(|s| s.name == spec.name) {
            return Err(at(
                header,
                format!(
                    "check name '{}' is already used by the check at line {}; give one of them a distinct name",
                    spec.name, first.line
                ),
            ));
        }
        checks.push(spec);
    }
    Ok(checks)
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn validate(
    c: RawCheck,
    header: Range<usize>,
    line: usize,
    at: &dyn Fn(Range<usize>, String) -> SuiteError,
    registry: &Registry,
) -> Result<CheckSpec, SuiteError> {
    let model = c.model.get_ref().clone();
    let info = registry
        .listing(&model)
        .map_err(|e| at(c.model.span(), e.to_string()))?;
    let kernel = c.kernel.as_ref().map(|k| k.get_ref().overrides());
    let mut request = Request::new().kernel(kernel.unwrap_or_default());
    request.variant = c.variant.as_ref().map(|v| v.get_ref().clone());
    request.params = c
        .params
        .iter()
        .map(|(k, v)| (k.clone(), v.get_ref().to_string()))
        .collect();
    let resolved = registry.resolve(&model, &request).map_err(|e| {
        let span = match &e {
            ConfigError::UnknownModel { .. } => Some(c.model.span()),
            ConfigError::UnknownVariant { .. } => c.variant.as_ref().map(Spanned::span),
            ConfigError::UnknownParam { name, .. } | ConfigError::BadValue { name, .. } => {
                c.params.get(name).map(Spanned::span)
            }
            ConfigError::NotKernel { .. }
            | ConfigError::KernelRange { .. }
            | ConfigError::NeedsClock { .. } => c.kernel.as_ref().map(Spanned::span),
            _ => None,
        };
        at(span.unwrap_or(header.clone()), config_message(&e))
    })?;

    let expect = match c.expect.get_ref() {
        RawExpect::Holds => Expectation::Holds,
        RawExpect::Violates(names) => {
            if names.is_empty() {
                return Err(at(
                    c.expect.span(),
                    "expect.violates must name at least one property (write expect = \"holds\" when none is violated)".to_string(),
                ));
            }
            let mut set = BTreeSet::new();
            for n in names {
                let name = n.get_ref();
                if !info.properties.iter().any(|p| p.name == name) {
                    let valid: Vec<&str> = info.properties.iter().map(|p| p.name).collect();
                    return Err(at(
                        n.span(),
                        format!(
                            "unknown property '{name}' of model '{model}' (its properties: {})",
                            valid.join(", ")
                        ),
                    ));
                }
                if !set.insert(name.clone()) {
                    return Err(at(
                        n.span(),
                        format!("property '{name}' is listed twice in expect.violates"),
                    ));
                }
            }
            Expectation::Violates(set)
        }
    };

    let bound = |b: &Option<Spanned<u64>>, key: &str| -> Result<Option<u64>, SuiteError> {
        match b {
            Some(v) if *v.get_ref() == 0 => Err(at(v.span(), format!("{key} must be at least 1"))),
            Some(v) => Ok(Some(*v.get_ref())),
            None => Ok(None),
        }
    };
    let max_states = bound(&c.max_states, "max_states")?;
    let max_depth = bound(&c.max_depth, "max_depth")?;
    let timeout = bound(&c.timeout, "timeout")?;
    let mode = match (&c.sweep, &c.fuzz) {
        (Some(_), Some(f)) => {
            return Err(at(
                f.span(),
                "a check is a sweep or a fuzz run, not both: keep one of `sweep` and `fuzz`"
                    .to_string(),
            ))
        }
        (Some(s), None) => {
            let r = s.get_ref();
            if r.cases == Some(0) {
                return Err(at(s.span(), "sweep.cases must be at least 1".to_string()));
            }
            Mode::Sweep {
                cases: r.cases.unwrap_or(DEFAULT_CASES),
                seed: r.seed.unwrap_or(crate::explore::DEFAULT_SEED),
            }
        }
        (None, Some(f)) => {
            let r = f.get_ref();
            if r.walks == Some(0) || r.depth == Some(0) {
                return Err(at(
                    f.span(),
                    "fuzz.walks and fuzz.depth must be at least 1".to_string(),
                ));
            }
            Mode::Fuzz {
                walks: r.walks.unwrap_or(DEFAULT_WALKS),
                depth: r.depth.unwrap_or(DEFAULT_DEPTH),
                seed: r.seed.unwrap_or(crate::explore::DEFAULT_SEED),
            }
        }
        (None, None) => Mode::Check,
    };
    if let (Some(d), Mode::Sweep { .. } | Mode::Fuzz { .. }) = (&c.max_depth, mode) {
        return Err(at(
            d.span(),
            "max_depth does not apply to a sweep or a fuzz run (a fuzz run's depth is fuzz.depth)"
                .to_string(),
        ));
    }

    let name = match &c.name {
        Some(n) if n.get_ref().trim().is_empty() => {
            return Err(at(n.span(), "name must not be empty".to_string()));
        }
        Some(n) => n.get_ref().clone(),
        None => default_name(&resolved, &c, mode, max_states, max_depth, timeout),
    };
    Ok(CheckSpec {
        name,
        line,
        model,
        request,
        resolved,
        expect,
        allow_inconclusive: c.allow_inconclusive,
        max_states,
        max_depth,
        timeout,
        mode,
    })
}

/// In a suite, kernel settings are keys of the `kernel` table.
fn config_message(e: &ConfigError) -> String {
    match e {
        ConfigError::NotKernel { model, valid, .. } => format!(
            "model '{model}' is not on the world kernel, so 'kernel' does not apply (kernel models: {valid})"
        ),
        ConfigError::KernelRange {
            setting,
            value,
            min,
            max,
        } => format!("kernel.{setting} must be from {min} to {max}, not {value}"),
        ConfigError::KernelValue {
            setting,
            value,
            expected,
        } => format!("kernel.{setting} must be {expected}, not '{value}'"),
        ConfigError::NeedsClock { setting } => format!(
            "kernel.{setting} needs {} = \"{}\"",
            settings::CLOCK_SETTING,
            settings::CLOCKED
        ),
        other => other.to_string(),
    }
}

/// `model/variant` followed by every parameter, kernel setting and bound the check sets.
fn default_name(
    r: &Resolved,
    c: &RawCheck,
    mode: Mode,
    max_states: Option<u64>,
    max_depth: Option<u64>,
    timeout: Option<u64>,
) -> String {
    let mut name = format!("{}/{}", r.model, r.variant);
    for (k, v) in &c.params {
        name.push_str(&format!(" {k}={}", v.get_ref()));
    }
    if let Some(k) = &c.kernel {
        for (key, value) in k.get_ref().settings() {
            name.push_str(&format!(" {key}={value}"));
        }
    }
    match mode {
        Mode::Check => {}
        Mode::Sweep { cases, seed } => name.push_str(&format!(" sweep cases={cases} seed={seed}")),
        Mode::Fuzz { walks, depth, seed } => {
            name.push_str(&format!(" fuzz walks={walks} depth={depth} seed={seed}"))
        }
    }
    for (key, value) in [
        ("max_states", max_states),
        ("max_depth", max_depth),
        ("timeout", timeout),
    ] {
        if let Some(v) = value {
            name.push_str(&format!(" {key}={v}"));
        }
    }
    name
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    #[serde(default)]
    check: Vec<Spanned<RawCheck>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    name: Option<Spanned<String>>,
    model: Spanned<String>,
    variant: Option<Spanned<String>>,
    // Signed, so a negative value reaches the registry's range message.
    #[serde(default)]
    params: BTreeMap<String, Spanned<i64>>,
    kernel: Option<Spanned<RawKernel>>,
    max_states: Option<Spanned<u64>>,
    max_depth: Option<Spanned<u64>>,
    timeout: Option<Spanned<u64>>,
    expect: Spanned<RawExpect>,
    #[serde(default)]
    allow_inconclusive: bool,
    sweep: Option<Spanned<RawSweep>>,
    fuzz: Option<Spanned<RawFuzz>>,
}

/// `sweep = { cases = N, seed = S }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    cases: Option<u32>,
    seed: Option<u64>,
}

/// `fuzz = { walks = N, depth = D, seed = S }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFuzz {
    walks: Option<u32>,
    depth: Option<u32>,
    seed: Option<u64>,
}

/// `kernel = { ... }`: one key per entry of the kernel's settings table, each typed by its
/// kind. Deserialized by hand from the table so that a setting added there is a key here; the
/// keys and values go through the same serde calls a derived struct makes, so unknown keys,
/// wrong types and unknown choices get the messages (and the positions) they always had.
#[derive(Debug)]
struct RawKernel {
    /// The settings given, in the order written, with their values spelled as flags take them.
    given: Vec<(&'static Setting, String)>,
}

impl RawKernel {
    fn overrides(&self) -> KernelOverrides {
        let mut o = KernelOverrides::new();
        for (s, v) in &self.given {
            o.set(s.name, v);
        }
        o
    }

    /// The settings given, as `(key, value)` in table order.
    fn settings(&self) -> Vec<(&'static str, String)> {
        self.overrides()
            .iter()
            .map(|(s, v)| (s.name, v.to_string()))
            .collect()
    }
}

impl<'de> Deserialize<'de> for RawKernel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_struct("RawKernel", settings::names(), KernelVisitor)
    }
}

struct KernelVisitor;

impl<'de> Visitor<'de> for KernelVisitor {
    type Value = RawKernel;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table of kernel settings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawKernel, A::Error> {
        let mut given: Vec<(&'static Setting, String)> = Vec::new();
        while let Some(s) = map.next_key_seed(KeySeed)? {
            if given.iter().any(|(g, _)| g.name == s.name) {
                return Err(de::Error::duplicate_field(s.name));
            }
            let value = match s.kind {
                Kind::Budget { .. } => map.next_value::<u8>()?.to_string(),
                Kind::Range { .. } => map.next_value::<u32>()?.to_string(),
                Kind::Choice { values } => map.next_value_seed(ChoiceSeed(values))?.to_string(),
            };
            given.push((s, value));
        }
        Ok(RawKernel { given })
    }
}

/// A key of the kernel table: a setting's name, or the unknown-field message listing them.
struct KeySeed;

impl<'de> de::DeserializeSeed<'de> for KeySeed {
    type Value = &'static Setting;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = &'static Setting;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a kernel setting")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        settings::setting(v).ok_or_else(|| E::unknown_field(v, settings::names()))
    }
}

/// A choice's value, read as a unit enum variant (as a derived enum reads it), so that a wrong
/// type and an unknown name keep serde's messages.
struct ChoiceSeed(&'static [&'static str]);

impl<'de> de::DeserializeSeed<'de> for ChoiceSeed {
    type Value = &'static str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_enum("choice", self.0, self)
    }
}

impl<'de> Visitor<'de> for ChoiceSeed {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "one of {}", self.0.join(", "))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let (name, variant) = data.variant_seed(ChoiceName(self.0))?;
        de::VariantAccess::unit_variant(variant)?;
        Ok(name)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        ChoiceName(self.0).visit_str(v)
    }
}

/// The name of a choice's variant.
struct ChoiceName(&'static [&'static str]);

impl<'de> de::DeserializeSeed<'de> for ChoiceName {
    type Value = &'static str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for ChoiceName {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.0
            .iter()
            .copied()
            .find(|c| *c == v)
            .ok_or_else(|| E::unknown_variant(v, self.0))
    }
}

/// `expect`: the string `"holds"` or a table `{ violates = [...] }`. Deserialized by hand so
/// that each property name keeps its position and a wrong form gets a message naming both
/// accepted forms.
#[derive(Debug)]
enum RawExpect {
    Holds,
    Violates(Vec<Spanned<String>>),
}

const EXPECT_FORMS: &str = "\"holds\" or { violates = [\"property\", ...] }";

impl<'de> Deserialize<'de> for RawExpect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ExpectVisitor)
    }
}

struct ExpectVisitor;

impl<'de> Visitor<'de> for ExpectVisitor {
    type Value = RawExpect;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECT_FORMS)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawExpect, E> {
        if v == "holds" {
            Ok(RawExpect::Holds)
        } else {
            Err(E::custom(format!(
                "expect must be {EXPECT_FORMS}, not \"{v}\""
            )))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawExpect, A::Error> {
        let mut violates = None;
        while let Some(key) = map.next_key::<String>()? {
            if key != "violates" {
                return Err(de::Error::unknown_field(&key, &["violates"]));
            }
            violates = Some(map.next_value::<Vec<Spanned<String>>>()?);
        }
        violates
            .map(RawExpect::Violates)
            .ok_or_else(|| de::Error::missing_field("violates"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xshard_models::kernel::{CrashMode, Delivery, TimeMode, SETTINGS};

    fn err(text: &str) -> String {
        parse(text, "s.toml", &Registry::builtin())
            .expect_err("invalid")
            .to_string()
    }

    #[test]
    fn parses_every_key() {
        let text = r#"
[[check]]
name = "blocks"
model = "two-phase-commit"
variant = "default"
params = { shards = 3 }
kernel = { loss = 0, replay = 1, crashes = 1, crash_mode = "stop", time = "clocked", delta = 2, horizon = 5, network = "ordered" }
max_states = 10
max_depth = 20
timeout = 30
expect = { violates = ["deadlock_freedom", "atomicity"] }
allow_inconclusive = true
"#;
        let checks = parse(text, "s.toml", &Registry::builtin()).expect("valid");
        assert_eq!(checks.len(), 1);
        let c = &checks[0];
        assert_eq!((c.name.as_str(), c.line), ("blocks", 2));
        assert_eq!(c.resolved.param("shards"), 3);
        let k = c.resolved.kernel.expect("kernel model");
        assert_eq!(
            (k.loss, k.replay, k.crashes, k.delta, k.horizon),
            (0, 1, 1, 2, 5)
        );
        assert_eq!(
            (k.delivery, k.crash_mode, k.time),
            (Delivery::Ordered, CrashMode::Stop, TimeMode::Clocked)
        );
        assert_eq!(
            (c.max_states, c.max_depth, c.timeout),
            (Some(10), Some(20), Some(30))
        );
        assert!(c.allow_inconclusive);
        assert_eq!(c.expect.to_string(), "violates atomicity, deadlock_freedom");
    }

    #[test]
    fn default_names_list_what_the_check_sets() {
        let text = "[[check]]\nmodel = \"two-phase-commit\"\nkernel = { crashes = 1 }\nexpect = \"holds\"\n\n[[check]]\nmodel = \"tla-two-phase\"\nvariant = \"forged-vote\"\nparams = { rms = 4 }\nmax_states = 9\nexpect = \"holds\"\n";
        let checks = parse(text, "s.toml", &Registry::builtin()).expect("valid");
        assert_eq!(checks[0].name, "two-phase-commit/default crashes=1");
        assert_eq!(
            checks[1].name,
            "tla-two-phase/forged-vote rms=4 max_states=9"
        );
        assert_eq!((checks[0].line, checks[1].line), (1, 6));
        assert!(!checks[0].allow_inconclusive);
    }

    #[test]
    fn errors_name_the_line_of_the_offending_value() {
        let head = "[[check]]\nmodel = \"tla-two-phase\"\n";
        assert_eq!(
            err(&format!("{head}expect = \"holds\"\ncolour = 1\n")),
            "s.toml:4: unknown field `colour`, expected one of `name`, `model`, `variant`, `params`, `kernel`, `max_states`, `max_depth`, `timeout`, `expect`, `allow_inconclusive`, `sweep`, `fuzz`"
        );
        assert_eq!(
            err(&format!("{head}variant = \"nope\"\nexpect = \"holds\"\n")),
            "s.toml:3: unknown variant 'nope' of model 'tla-two-phase' (valid variants: default, commit-without-votes, abort-after-commit, revert-after-vote, forged-vote)"
        );
        assert_eq!(
            err(&format!(
                "{head}params = {{ rms = 13 }}\nexpect = \"holds\"\n"
            )),
            "s.toml:3: parameter 'rms' must be a whole number from 1 to 12, not '13'"
        );
        assert_eq!(
            err(&format!(
                "{head}params = {{ nodes = 3 }}\nexpect = \"holds\"\n"
            )),
            "s.toml:3: unknown parameter 'nodes' of model 'tla-two-phase' (valid parameters: rms)"
        );
        assert_eq!(
            err(&format!(
                "{head}kernel = {{ loss = 1 }}\nexpect = \"holds\"\n"
            )),
            format!(
                "s.toml:3: model 'tla-two-phase' is not on the world kernel, so 'kernel' does \
                 not apply (kernel models: {})",
                Registry::builtin()
                    .listings()
                    .iter()
                    .filter(|m| m.kernel.is_some())
                    .map(|m| m.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
        assert_eq!(
            err(&format!(
                "{head}\nexpect = {{ violates = [\"atomicity\",\n  \"liveness\"] }}\n"
            )),
            "s.toml:5: unknown property 'liveness' of model 'tla-two-phase' (its properties: atomicity, can_commit, can_abort)"
        );
        assert_eq!(
            err(&format!("{head}expect = \"fine\"\n")),
            "s.toml:3: expect must be \"holds\" or { violates = [\"property\", ...] }, not \"fine\""
        );
        assert_eq!(
            err(&format!("{head}expect = {{ violates = [] }}\n")),
            "s.toml:3: expect.violates must name at least one property (write expect = \"holds\" when none is violated)"
        );
        assert_eq!(
            err(&format!("{head}expect = \"holds\"\nmax_states = 0\n")),
            "s.toml:4: max_states must be at least 1"
        );
        assert_eq!(
            err(&format!("{head}expect = \"holds\"\nmax_depth = \"ten\"\n")),
            "s.toml:4: invalid type: string \"ten\", expected u64"
        );
        assert_eq!(
            err("[[check]]\nmodel = \"two-phase-commit\"\nkernel = { delta = 2 }\nexpect = \"holds\"\n"),
            "s.toml:3: kernel.delta needs time = \"clocked\""
        );
        assert_eq!(
            err("[[check]]\nmodel = \"two-phase-commit\"\nkernel = { loss = 9 }\nexpect = \"holds\"\n"),
            "s.toml:3: kernel.loss must be from 0 to 6, not 9"
        );
        assert_eq!(
            err("[[check]]\nmodel = \"two-phase-commit\"\nkernel = { crash_mode = \"halt\" }\nexpect = \"holds\"\n"),
            "s.toml:3: unknown variant `halt`, expected `stop` or `recover`"
        );
        assert_eq!(
            err(&format!(
                "{head}expect = \"holds\"\n\n[[check]]\nmodel = \"tla-tcommit\"\n"
            )),
            "s.toml:5: missing field `expect`"
        );
    }

    #[test]
    fn empty_suites_and_repeated_names_are_rejected() {
        assert_eq!(
            err(""),
            "s.toml:1: no [[check]] tables: a suite needs at least one check"
        );
        assert_eq!(
            err("# only a comment\n"),
            "s.toml:1: no [[check]] tables: a suite needs at least one check"
        );
        let one = "[[check]]\nmodel = \"tla-tcommit\"\nexpect = \"holds\"\n";
        assert_eq!(
            err(&format!("{one}\n{one}")),
            "s.toml:5: check name 'tla-tcommit/default' is already used by the check at line 1; give one of them a distinct name"
        );
    }

    #[test]
    fn every_setting_is_a_kernel_key() {
        for s in SETTINGS {
            // A valid value of each setting, in clocked time so every setting applies.
            let value = match s.kind {
                Kind::Choice { values } => format!("\"{}\"", values[values.len() - 1]),
                Kind::Budget { max } => max.to_string(),
                Kind::Range { max, .. } => max.to_string(),
            };
            let text = format!(
                "[[check]]\nmodel = \"two-phase-commit\"\nkernel = {{ time = \"clocked\", {} = {value} }}\nexpect = \"holds\"\n",
                s.name
            );
            let text = text.replace(
                "time = \"clocked\", time = \"clocked\"",
                "time = \"clocked\"",
            );
            let checks = parse(&text, "s.toml", &Registry::builtin()).expect(&text);
            let k = checks[0].resolved.kernel.expect("kernel model");
            assert_eq!((s.get)(&k), value.trim_matches('"'), "{}", s.name);
            assert!(
                checks[0].name.contains(&format!(" {}=", s.name)),
                "{}",
                checks[0].name
            );
            // And the unknown-key message lists it.
            let unknown = err("[[check]]\nmodel = \"two-phase-commit\"\nkernel = { colour = 1 }\nexpect = \"holds\"\n");
            assert!(unknown.contains(&format!("`{}`", s.name)), "{unknown}");
        }
        assert_eq!(
            err("[[check]]\nmodel = \"two-phase-commit\"\nexpect = \"holds\"\n[check.kernel]\nloss = 1\n\ncrash_mode = 3\n"),
            "s.toml:7: wanted string or table"
        );
        assert_eq!(
            err("[[check]]\nmodel = \"two-phase-commit\"\nexpect = \"holds\"\n[check.kernel]\nloss = 1\ncolour = 2\n"),
            "s.toml:6: unknown field `colour`, expected one of `network`, `loss`, `replay`, `crashes`, `crash_mode`, `partitions`, `copies`, `time`, `delta`, `horizon`"
        );
        for (value, message) in [
            ("loss = \"x\"", "invalid type: string \"x\", expected u8"),
            ("loss = -1", "invalid value: integer `-1`, expected u8"),
            ("loss = 300", "invalid value: integer `300`, expected u8"),
            ("delta = -1", "invalid value: integer `-1`, expected u32"),
            ("network = true", "wanted string or table"),
            (
                "time = \"x\"",
                "unknown variant `x`, expected `async` or `clocked`",
            ),
        ] {
            assert_eq!(
                err(&format!("[[check]]\nmodel = \"two-phase-commit\"\nkernel = {{ {value} }}\nexpect = \"holds\"\n")),
                format!("s.toml:3: {message}")
            );
        }
    }

    #[test]
    fn line_of_counts_newlines_before_the_offset() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a", 99), 1);
    }

    #[test]
    fn registry_expectations_convert() {
        assert_eq!(
            Expectation::from_registry(&Expect::Holds),
            Expectation::Holds
        );
        let e = Expectation::from_registry(&Expect::Violates(vec!["timeout_revert", "atomicity"]));
        assert_eq!(e.to_string(), "violates atomicity, timeout_revert");
        assert!(e.expects_failure("atomicity") && !e.expects_failure("can_commit"));
    }
}
