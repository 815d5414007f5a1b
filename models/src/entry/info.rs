//! What `xshard list` shows of a model: its description, parameters and variants.

use serde::Serialize;

use crate::kernel::KernelConfig;

/// A numeric parameter of a model (`-p name=value`, `params = { name = value }`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ParamSpec {
    /// The name, as typed after `-p`.
    pub name: &'static str,
    /// The value when the request names none.
    pub default: u32,
    /// The smallest value accepted.
    pub min: u32,
    /// The largest value accepted.
    pub max: u32,
    /// What the parameter means, for `xshard list`.
    pub doc: &'static str,
    /// Left out of a resolved configuration while at its default
    /// ([`ParamSpec::implicit_at_default`]).
    #[serde(skip)]
    pub implicit_default: bool,
}

impl ParamSpec {
    /// A parameter accepting `min..=max`, `default` when not given.
    pub fn new(
        name: &'static str,
        default: u32,
        range: std::ops::RangeInclusive<u32>,
        doc: &'static str,
    ) -> Self {
        ParamSpec {
            name,
            default,
            min: *range.start(),
            max: *range.end(),
            doc,
            implicit_default: false,
        }
    }

    /// The parameter is left out of a resolved configuration while it has its default value
    /// ([`Resolved::params`](super::Resolved::params)), and so out of everything that records
    /// one: counterexample files and their names (the hash covers the parameters), chart
    /// titles, re-run commands and reports. For a size added to a model after files were
    /// recorded without it, whose default is the configuration those files describe: they
    /// keep their names and bytes, and replay as before. Any other value is recorded as usual.
    #[must_use]
    pub fn implicit_at_default(mut self) -> Self {
        self.implicit_default = true;
        self
    }
}

/// What a variant is expected to do at its default parameters and kernel settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Every property holds and every witness is found.
    Holds,
    /// Exactly these properties fail (violated invariants, missing witnesses).
    Violates(Vec<&'static str>),
}

/// A variant of a model: its typed value, its name and what it is expected to do.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VariantSpec<V> {
    /// The value `build` receives.
    pub value: V,
    /// The name, as typed after `--variant`.
    pub name: &'static str,
    /// One line: what this variant does (for a flaw: what it gets wrong).
    pub summary: &'static str,
    /// The verdict at the defaults; the project's suites pin it.
    pub expect: Expect,
    /// The variant's own default kernel settings, when they differ from the model's
    /// ([`VariantSpec::kernel`]); `None`: the model's.
    pub kernel: Option<KernelConfig>,
}

impl<V> VariantSpec<V> {
    /// Gives the variant its own default kernel settings in place of the model's: for a
    /// variant whose protocol assumes less of the network than the model's default exercises
    /// (say a reliable network, where the model's default loses a message), so that its
    /// default run checks what it is for. `xshard list` shows them beside the variant, and
    /// command-line settings override them as they do the model's.
    #[must_use]
    pub fn kernel(mut self, k: KernelConfig) -> Self {
        self.kernel = Some(k);
        self
    }

    /// A variant expected to hold.
    pub fn holds(value: V, name: &'static str, summary: &'static str) -> Self {
        VariantSpec {
            value,
            name,
            summary,
            expect: Expect::Holds,
            kernel: None,
        }
    }

    /// A variant expected to violate exactly `properties`.
    pub fn violates(
        value: V,
        name: &'static str,
        summary: &'static str,
        properties: &[&'static str],
    ) -> Self {
        VariantSpec {
            value,
            name,
            summary,
            expect: Expect::Violates(properties.to_vec()),
            kernel: None,
        }
    }

    /// The variant without its typed value, as listed.
    pub fn info(&self) -> VariantInfo {
        VariantInfo {
            name: self.name,
            summary: self.summary,
            expect: self.expect.clone(),
            kernel: self.kernel,
        }
    }
}

/// A variant as listed: name, summary and expected verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VariantInfo {
    /// The name, as typed after `--variant`.
    pub name: &'static str,
    /// One line: what this variant does.
    pub summary: &'static str,
    /// The verdict at the defaults.
    pub expect: Expect,
    /// The variant's own default kernel settings; `None` (JSON `null`): the model's.
    pub kernel: Option<KernelConfig>,
}

/// A model's description: everything `xshard list` shows except the variants and the
/// properties, which come from [`ModelEntry::variants`](super::ModelEntry::variants) and the
/// built model.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct ModelInfo {
    /// The name, as typed after `xshard check`; also the directory of its counterexamples.
    pub name: &'static str,
    /// One line: what the model is.
    pub summary: &'static str,
    /// Where the protocol comes from (post, paper, section).
    pub source: &'static str,
    /// The numeric parameters.
    pub params: Vec<ParamSpec>,
    /// The default kernel settings, for models on the world kernel (`None` for other models:
    /// kernel settings are then refused).
    pub kernel: Option<KernelConfig>,
    /// What the checker reports in notable configurations (e.g. with crashes).
    pub notes: Vec<&'static str>,
    /// What a check at the defaults can catch: the kinds of bug its nodes, faults and
    /// properties are enough to show.
    pub catches: Vec<&'static str>,
    /// What a check at the defaults cannot catch, and the abstraction limits behind it (a bug
    /// that needs more nodes, another fault, or a behaviour the model abstracts away), with
    /// the settings that reach it where some do.
    pub misses: Vec<&'static str>,
}

impl ModelInfo {
    /// A model named `name`; add a source, parameters, kernel settings and notes with the
    /// other methods.
    pub fn new(name: &'static str, summary: &'static str) -> Self {
        ModelInfo {
            name,
            summary,
            source: "",
            params: Vec::new(),
            kernel: None,
            notes: Vec::new(),
            catches: Vec::new(),
            misses: Vec::new(),
        }
    }

    /// Where the protocol comes from.
    #[must_use]
    pub fn source(mut self, source: &'static str) -> Self {
        self.source = source;
        self
    }

    /// Adds a parameter.
    #[must_use]
    pub fn param(mut self, p: ParamSpec) -> Self {
        self.params.push(p);
        self
    }

    /// Puts the model on the world kernel with these default settings.
    #[must_use]
    pub fn kernel(mut self, k: KernelConfig) -> Self {
        self.kernel = Some(k);
        self
    }

    /// Adds a note.
    #[must_use]
    pub fn note(mut self, n: &'static str) -> Self {
        self.notes.push(n);
        self
    }

    /// Adds a kind of bug a check at the defaults catches (`xshard list`: "default catches").
    #[must_use]
    pub fn catches(mut self, what: &'static str) -> Self {
        self.catches.push(what);
        self
    }

    /// Adds something a check at the defaults cannot catch, or an abstraction limit of the
    /// model (`xshard list`: "default misses").
    #[must_use]
    pub fn misses(mut self, what: &'static str) -> Self {
        self.misses.push(what);
        self
    }
}
