//! `tla-tcommit`: an exact port of TLA+'s `TCommit.tla`, the specification of transaction
//! commit (Gray & Lamport, "Consensus on Transaction Commit", ACM TODS 2006, §2;
//! `tlaplus/Examples/specifications/transaction_commit/TCommit.tla`; PROTOCOLS.md §4.1).
//!
//! `rmState[rm] ∈ {working, prepared, committed, aborted}`; `Prepare(rm)`: working → prepared;
//! `Decide(rm)`: prepared ∧ canCommit → committed, or working/prepared ∧ notCommitted →
//! aborted. TLC counts with `CHECK_DEADLOCK FALSE`: the two terminal states (all committed, all
//! aborted) are expected. Distinct = 3^N + 2^N − 1, depth = 2N + 1 (PROTOCOLS.md §7.1).

// stateright property conditions take `&M::State`, here `&Vec<Rm>`, by signature.
#![allow(clippy::ptr_arg)]

use stateright::{Model, Property};
use xshard_properties::{Observation, Outcome, PropertySpec, ATOMICITY, CAN_ABORT, CAN_COMMIT};

use crate::checkable::{stateright_properties, Checkable, PropertyInfo};
use crate::entry::{
    Config, ConfigError, ModelEntry, ModelInfo, OnlyDefault, ParamSpec, VariantSpec,
};
use crate::step::{Change, Decision, EventKind, Step};

/// The registry name.
pub const NAME: &str = "tla-tcommit";

/// An RM's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rm {
    /// `working`: the initial state, not prepared yet.
    Working,
    /// `prepared`: ready to commit; may still abort while no RM has committed.
    Prepared,
    /// `committed` (final).
    Committed,
    /// `aborted` (final).
    Aborted,
}

impl Rm {
    /// The inverse of `rm as u8` (the packed encoding).
    fn from_byte(b: u8) -> Rm {
        match b {
            0 => Rm::Working,
            1 => Rm::Prepared,
            2 => Rm::Committed,
            _ => Rm::Aborted,
        }
    }
}

/// The model: `rms` resource managers.
#[derive(Clone, Debug)]
pub struct TCommit {
    /// The number of resource managers (the spec's `RM`, the `rms` parameter).
    pub rms: u8,
}

/// A TCommit action (RM indices from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TcAction {
    /// `Prepare(rm)`: working → prepared.
    Prepare(u8),
    /// `Decide(rm)`, commit branch: prepared → committed, when every RM is prepared or
    /// committed (`canCommit`).
    DecideCommit(u8),
    /// `Decide(rm)`, abort branch: working or prepared → aborted, when no RM is committed
    /// (`notCommitted`).
    DecideAbort(u8),
}

fn atomicity(_: &TCommit, s: &Vec<Rm>) -> bool {
    !(s.contains(&Rm::Committed) && s.contains(&Rm::Aborted))
}
fn can_commit(_: &TCommit, s: &Vec<Rm>) -> bool {
    s.iter().all(|r| *r == Rm::Committed)
}
fn can_abort(_: &TCommit, s: &Vec<Rm>) -> bool {
    s.iter().all(|r| *r == Rm::Aborted)
}

/// The properties, declared once: the catalogue property each checks and its condition on the
/// spec's own state.
const PROPERTIES: [(&PropertySpec, fn(&TCommit, &Vec<Rm>) -> bool); 3] = [
    (&ATOMICITY, atomicity),
    (&CAN_COMMIT, can_commit),
    (&CAN_ABORT, can_abort),
];

impl Model for TCommit {
    type State = Vec<Rm>;
    type Action = TcAction;

    fn init_states(&self) -> Vec<Vec<Rm>> {
        vec![vec![Rm::Working; usize::from(self.rms)]]
    }

    fn actions(&self, s: &Vec<Rm>, actions: &mut Vec<TcAction>) {
        let can_commit = s.iter().all(|r| matches!(r, Rm::Prepared | Rm::Committed));
        let not_committed = s.iter().all(|r| *r != Rm::Committed);
        for (i, r) in s.iter().enumerate() {
            let i = u8::try_from(i).unwrap_or(u8::MAX);
            if *r == Rm::Working {
                actions.push(TcAction::Prepare(i));
            }
            if *r == Rm::Prepared && can_commit {
                actions.push(TcAction::DecideCommit(i));
            }
            if matches!(r, Rm::Working | Rm::Prepared) && not_committed {
                actions.push(TcAction::DecideAbort(i));
            }
        }
    }

    fn next_state(&self, s: &Vec<Rm>, a: TcAction) -> Option<Vec<Rm>> {
        let mut s = s.clone();
        match a {
            TcAction::Prepare(i) => s[usize::from(i)] = Rm::Prepared,
            TcAction::DecideCommit(i) => s[usize::from(i)] = Rm::Committed,
            TcAction::DecideAbort(i) => s[usize::from(i)] = Rm::Aborted,
        }
        Some(s)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        stateright_properties(self)
    }
}

fn canonical(s: &Vec<Rm>) -> Vec<Rm> {
    let mut s = s.clone();
    s.sort_unstable();
    s
}

impl Checkable for TCommit {
    type Scratch = ();

    fn next_into(&self, s: &Vec<Rm>, a: TcAction, into: &mut Vec<Rm>, _: &mut ()) -> bool {
        into.clone_from(s);
        match a {
            TcAction::Prepare(i) => into[usize::from(i)] = Rm::Prepared,
            TcAction::DecideCommit(i) => into[usize::from(i)] = Rm::Committed,
            TcAction::DecideAbort(i) => into[usize::from(i)] = Rm::Aborted,
        }
        true
    }

    fn pack(&self, s: &Vec<Rm>, _: &mut (), out: &mut Vec<u8>) {
        out.extend(s.iter().map(|r| *r as u8));
    }

    fn unpack(&self, bytes: &[u8], _: &mut (), into: &mut Vec<Rm>) {
        into.clear();
        into.extend(bytes.iter().map(|&b| Rm::from_byte(b)));
    }

    fn blank(&self) -> Vec<Rm> {
        Vec::new()
    }

    fn property_info(&self) -> Vec<PropertyInfo> {
        PROPERTIES
            .iter()
            .map(|(spec, _)| PropertyInfo::from(*spec))
            .collect()
    }

    fn evaluate(&self, s: &Vec<Rm>, out: &mut Vec<bool>) {
        out.clear();
        out.extend(PROPERTIES.iter().map(|(_, condition)| condition(self, s)));
    }

    fn explain(&self, index: usize, s: &Vec<Rm>) -> String {
        super::explain(
            PROPERTIES.get(index).map(|p| p.0),
            &self.observe(s),
            &self.lifelines(),
        )
    }

    fn representative(&self, s: &Vec<Rm>) -> Vec<Rm> {
        canonical(s)
    }

    fn has_symmetry(&self) -> bool {
        self.rms > 1
    }

    fn declares_symmetry(&self) -> bool {
        true
    }

    fn stateright_symmetry(&self) -> Option<fn(&Vec<Rm>) -> Vec<Rm>> {
        Some(canonical)
    }

    fn lifelines(&self) -> Vec<String> {
        (1..=self.rms).map(|i| format!("rm{i}")).collect()
    }

    fn decode(&self, before: &Vec<Rm>, action: &TcAction, after: &Vec<Rm>) -> Step {
        let (i, detail) = match *action {
            TcAction::Prepare(i) => (i, "Prepare"),
            TcAction::DecideCommit(i) => (i, "Decide (commit)"),
            TcAction::DecideAbort(i) => (i, "Decide (abort)"),
        };
        let node = format!("rm{}", u32::from(i) + 1);
        let idx = usize::from(i);
        let word = |r: Rm| format!("{r:?}").to_lowercase();
        Step {
            node: Some(node.clone()),
            event: EventKind::Action,
            detail: format!("{detail}({node})"),
            message: None,
            sent: Vec::new(),
            lost: Vec::new(),
            changes: vec![Change {
                node: node.clone(),
                field: "rmState".into(),
                before: word(before[idx]),
                after: word(after[idx]),
            }],
            decisions: vec![Decision {
                node,
                tx: 0,
                outcome: outcome(after[idx]),
            }],
            now: None,
        }
    }

    fn observe(&self, s: &Vec<Rm>) -> Observation {
        let mut obs = Observation::default();
        for (i, r) in s.iter().enumerate() {
            obs.outcome(0, u8::try_from(i).unwrap_or(u8::MAX), outcome(*r));
        }
        obs
    }
}

fn outcome(r: Rm) -> Outcome {
    match r {
        Rm::Working => Outcome::Pending,
        Rm::Prepared => Outcome::Locked,
        Rm::Committed => Outcome::Committed,
        Rm::Aborted => Outcome::Aborted,
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = TCommit;
    type Variant = OnlyDefault;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "TLA+'s TCommit.tla, the specification of transaction commit: TLC's counts",
            source: "Gray & Lamport, Consensus on Transaction Commit, ACM TODS 2006, section 2; \
                     tlaplus/Examples transaction_commit/TCommit.tla",
            params: vec![ParamSpec {
                name: "rms",
                default: 3,
                min: 1,
                max: 12,
                doc: "number of resource managers",
                implicit_default: false,
            }],
            kernel: None,
            notes: vec![
                "TLC: rms=3 34 distinct / 94 generated / depth 7 (distinct = 3^N + 2^N - 1)",
                "its two terminal states (all committed, all aborted) are expected, as with TLC's \
                 CHECK_DEADLOCK FALSE",
            ],
            catches: vec![
                "TLC's exact state counts; atomicity of the abstract commit rule",
            ],
            misses: vec![
                "anything about messages, the coordinator or faults: the spec abstracts them all (see tla-two-phase and two-phase-commit)",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<OnlyDefault>> {
        vec![VariantSpec::holds(
            OnlyDefault::Default,
            "default",
            "the spec as published",
        )]
    }

    fn build(&self, c: &Config<'_, OnlyDefault>) -> Result<TCommit, ConfigError> {
        Ok(TCommit {
            rms: u8::try_from(c.param("rms")).unwrap_or(3),
        })
    }
}
