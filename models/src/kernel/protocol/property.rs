//! A kernel protocol's properties: named properties of the catalogue, judged on the
//! [`Observation`] the protocol exposes, and the protocol's own properties, judged on its node
//! states. Declared once, in [`Protocol::properties`]; names, kinds, statements, evaluation
//! and explanations all derive from the declaration.

use std::fmt;

use xshard_properties::{Kind, Observation, PropertySpec};

use super::Protocol;
use crate::checkable::PropertyInfo;

/// How a protocol's own property finds a violation (or, for `sometimes`, a witness): `Some`
/// with one sentence saying what it found, `None` when the state is fine (no witness).
pub type FindFn<P> = fn(&P, &[<P as Protocol>::Node], &Observation) -> Option<String>;

/// One property of a kernel protocol.
pub struct Property<P: Protocol> {
    info: PropertyInfo,
    find: Find<P>,
}

enum Find<P: Protocol> {
    Catalogue(&'static PropertySpec),
    Own(FindFn<P>),
}

impl<P: Protocol> Property<P> {
    /// A named property of the catalogue (`atomicity`, `conservation`, …).
    pub const fn catalogue(spec: &'static PropertySpec) -> Self {
        Property {
            info: PropertyInfo {
                name: spec.name,
                kind: spec.kind,
                statement: spec.statement,
            },
            find: Find::Catalogue(spec),
        }
    }

    /// The protocol's own property. `find` sees the protocol, every node's state and the
    /// observation, and returns the explanation of what it found. Its sentence is the
    /// counterexample's explanation and the chart's title, so name nodes and values.
    pub const fn new(
        name: &'static str,
        kind: Kind,
        statement: &'static str,
        find: FindFn<P>,
    ) -> Self {
        Property {
            info: PropertyInfo {
                name,
                kind,
                statement,
            },
            find: Find::Own(find),
        }
    }

    /// Name, kind and statement.
    pub fn info(&self) -> PropertyInfo {
        self.info
    }

    /// Whether the state is fine (`always`, `terminal`), a witness (`sometimes`) or done
    /// (`progress`).
    pub fn condition(&self, protocol: &P, nodes: &[P::Node], obs: &Observation) -> bool {
        let found = match &self.find {
            Find::Catalogue(spec) => (spec.find)(obs).is_some(),
            Find::Own(f) => f(protocol, nodes, obs).is_some(),
        };
        match self.info.kind {
            Kind::Always | Kind::Terminal | Kind::Progress => !found,
            Kind::Sometimes => found,
        }
    }

    /// The sentence explaining what the property finds in this state, naming nodes with
    /// `name`.
    pub fn explain(
        &self,
        protocol: &P,
        nodes: &[P::Node],
        obs: &Observation,
        name: &dyn Fn(xshard_properties::NodeId) -> String,
    ) -> String {
        let found = match &self.find {
            Find::Catalogue(spec) => (spec.find)(obs).map(|f| f.describe(name)),
            Find::Own(f) => f(protocol, nodes, obs),
        };
        found.unwrap_or_else(|| format!("{} reached", self.info.name))
    }
}

impl<P: Protocol> From<&'static PropertySpec> for Property<P> {
    fn from(spec: &'static PropertySpec) -> Self {
        Property::catalogue(spec)
    }
}

impl<P: Protocol> Clone for Property<P> {
    fn clone(&self) -> Self {
        Property {
            info: self.info,
            find: match &self.find {
                Find::Catalogue(s) => Find::Catalogue(s),
                Find::Own(f) => Find::Own(*f),
            },
        }
    }
}

impl<P: Protocol> fmt::Debug for Property<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Property")
            .field("name", &self.info.name)
            .field("kind", &self.info.kind)
            .field(
                "source",
                &match self.find {
                    Find::Catalogue(_) => "catalogue",
                    Find::Own(_) => "own",
                },
            )
            .finish()
    }
}
