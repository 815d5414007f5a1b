//! `tla-two-phase`: an exact port of TLA+'s `TwoPhase.tla` (Gray & Lamport, "Consensus on
//! Transaction Commit", ACM TODS 31(1), 2006; `tlaplus/Examples/specifications/
//! transaction_commit/TwoPhase.tla`; PROTOCOLS.md §4.2) as a plain `stateright::Model`.
//!
//! It is the engine's conformance anchor: distinct states, generated states (TLC's convention:
//! initial states plus every successor computed, duplicates and self-loops included) and depth
//! (states on the longest shortest path) must equal TLC's (PROTOCOLS.md §7.1). So the action
//! list is exactly the spec's `Next`: `TMCommit`, `TMAbort`, then for each RM
//! `TMRcvPrepared`, `RMPrepare`, `RMChooseToAbort`, `RMRcvCommitMsg`, `RMRcvAbortMsg`, each
//! enabled by its guard, receive actions included when they change nothing (as in TLC).
//!
//! `msgs` only grows and receiving is optional and repeatable, which is the spec's model of
//! loss, duplication and reordering. The state packs into one `u64`: per RM a nibble (rmState in
//! two bits, membership of `tmPrepared`, a `Prepared` message in `msgs`), then `tmState` and the
//! `Commit` and `Abort` messages.
//!
//! Flawed variants, each a one-rule change expected to violate `atomicity` (TCConsistent):
//! `commit-without-votes` (TMCommit without `tmPrepared = RM`), `abort-after-commit` (TMAbort
//! also when `tmState = committed`), `revert-after-vote` (RMChooseToAbort also from
//! `prepared`: "hold and reserve, revert on time-out" taken literally), `forged-vote`
//! (TMRcvPrepared without the `Prepared` message).

use std::fmt;

use stateright::{Model, Property};
use xshard_properties::{Observation, Outcome, PropertySpec, ATOMICITY, CAN_ABORT, CAN_COMMIT};

use crate::checkable::{stateright_properties, Checkable, PropertyInfo};
use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::step::{Change, Decision, EventKind, MessageInfo, Step};

/// The registry name.
pub const NAME: &str = "tla-two-phase";
/// The most resource managers a packed state holds.
pub const MAX_RMS: u32 = 12;

const WORKING: u64 = 0;
const PREPARED: u64 = 1;
const COMMITTED: u64 = 2;
const ABORTED: u64 = 3;
const TM_SHIFT: u32 = 48;
const TM_INIT: u64 = 0;
const TM_COMMITTED: u64 = 1;
const TM_ABORTED: u64 = 2;
const COMMIT_MSG: u64 = 1 << 50;
const ABORT_MSG: u64 = 1 << 51;

/// Which rule a variant changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The spec exactly as in `TwoPhase.tla`; `atomicity` holds.
    Default,
    /// `commit-without-votes`: `TMCommit` without `tmPrepared = RM`.
    CommitWithoutVotes,
    /// `abort-after-commit`: `TMAbort` also when `tmState = committed`.
    AbortAfterCommit,
    /// `revert-after-vote`: `RMChooseToAbort` also from `prepared`.
    RevertAfterVote,
    /// `forged-vote`: `TMRcvPrepared` without the `Prepared` message in `msgs`.
    ForgedVote,
}

/// The model: `rms` resource managers and one transaction manager.
#[derive(Clone, Debug)]
pub struct TwoPhase {
    /// The number of resource managers (the spec's `RM`), at most [`MAX_RMS`].
    pub rms: u8,
    /// Which rule, if any, is changed from the spec.
    pub variant: Variant,
}

/// A packed TwoPhase state.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TpState(pub u64);

impl TpState {
    fn rm(self, i: u8) -> u64 {
        (self.0 >> (4 * u32::from(i))) & 3
    }
    fn with_rm(self, i: u8, v: u64) -> Self {
        let shift = 4 * u32::from(i);
        TpState((self.0 & !(3 << shift)) | (v << shift))
    }
    fn tm_prepared(self, i: u8) -> bool {
        self.0 & (1 << (4 * u32::from(i) + 2)) != 0
    }
    fn prepared_msg(self, i: u8) -> bool {
        self.0 & (1 << (4 * u32::from(i) + 3)) != 0
    }
    fn tm(self) -> u64 {
        (self.0 >> TM_SHIFT) & 3
    }
    fn with_tm(self, v: u64) -> Self {
        TpState((self.0 & !(3 << TM_SHIFT)) | (v << TM_SHIFT))
    }
    fn count(self, rms: u8, v: u64) -> usize {
        (0..rms).filter(|&i| self.rm(i) == v).count()
    }
}

impl fmt::Debug for TpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = ["working", "prepared", "committed", "aborted"];
        let tm = ["init", "committed", "aborted", "?"];
        let mut rm = Vec::new();
        let mut prepared = Vec::new();
        let mut msgs = Vec::new();
        for i in 0..MAX_RMS as u8 {
            let v = usize::try_from(self.rm(i)).unwrap_or(0);
            if v != 0 || self.tm_prepared(i) || self.prepared_msg(i) {
                rm.push(format!("rm{}={}", i + 1, names[v]));
            }
            if self.tm_prepared(i) {
                prepared.push(format!("rm{}", i + 1));
            }
            if self.prepared_msg(i) {
                msgs.push(format!("Prepared(rm{})", i + 1));
            }
        }
        if self.0 & COMMIT_MSG != 0 {
            msgs.push("Commit".into());
        }
        if self.0 & ABORT_MSG != 0 {
            msgs.push("Abort".into());
        }
        write!(
            f,
            "rmState[{}] tmState={} tmPrepared={{{}}} msgs={{{}}}",
            rm.join(" "),
            tm[usize::try_from(self.tm()).unwrap_or(3)],
            prepared.join(","),
            msgs.join(",")
        )
    }
}

/// A TwoPhase action (RM indices from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TpAction {
    /// The TM, in `init` with every RM in `tmPrepared`, commits and sends `Commit`.
    TMCommit,
    /// The TM, in `init`, aborts and sends `Abort`.
    TMAbort,
    /// The TM receives `Prepared` from the RM and adds it to `tmPrepared`.
    TMRcvPrepared(u8),
    /// A working RM prepares and sends `Prepared`.
    RMPrepare(u8),
    /// A working RM aborts on its own.
    RMChooseToAbort(u8),
    /// The RM receives `Commit` and commits.
    RMRcvCommitMsg(u8),
    /// The RM receives `Abort` and aborts.
    RMRcvAbortMsg(u8),
}

impl TwoPhase {
    fn all_prepared(&self, s: TpState) -> bool {
        (0..self.rms).all(|i| s.tm_prepared(i))
    }

    fn atomic(&self, s: TpState) -> bool {
        !(s.count(self.rms, COMMITTED) > 0 && s.count(self.rms, ABORTED) > 0)
    }

    fn name(&self, i: u8) -> String {
        if i == self.rms {
            "tm".to_string()
        } else {
            format!("rm{}", u32::from(i) + 1)
        }
    }
}

fn atomicity(m: &TwoPhase, s: &TpState) -> bool {
    m.atomic(*s)
}
fn can_commit(m: &TwoPhase, s: &TpState) -> bool {
    s.count(m.rms, COMMITTED) == usize::from(m.rms)
}
fn can_abort(m: &TwoPhase, s: &TpState) -> bool {
    s.count(m.rms, ABORTED) == usize::from(m.rms)
}

/// The properties, declared once: the catalogue property each checks and its condition on the
/// spec's own state (the spec's invariant or witness, not an observation).
const PROPERTIES: [(&PropertySpec, fn(&TwoPhase, &TpState) -> bool); 3] = [
    (&ATOMICITY, atomicity),
    (&CAN_COMMIT, can_commit),
    (&CAN_ABORT, can_abort),
];

/// Sorts the per-RM nibbles (descending, so unused all-zero slots stay last): RMs are otherwise
/// anonymous in TwoPhase, so this is an exact orbit-canonical form.
pub fn canonical(s: &TpState) -> TpState {
    let mut nibbles: Vec<u64> = (0..MAX_RMS).map(|i| (s.0 >> (4 * i)) & 0xf).collect();
    nibbles.sort_unstable_by(|a, b| b.cmp(a));
    let mut v = s.0 & !((1u64 << (4 * MAX_RMS)) - 1);
    for (i, n) in nibbles.into_iter().enumerate() {
        v |= n << (4 * i);
    }
    TpState(v)
}

impl Model for TwoPhase {
    type State = TpState;
    type Action = TpAction;

    fn init_states(&self) -> Vec<TpState> {
        vec![TpState(0)]
    }

    fn actions(&self, s: &TpState, actions: &mut Vec<TpAction>) {
        let tm = s.tm();
        let commit_ok =
            tm == TM_INIT && (self.variant == Variant::CommitWithoutVotes || self.all_prepared(*s));
        if commit_ok {
            actions.push(TpAction::TMCommit);
        }
        if tm == TM_INIT || (self.variant == Variant::AbortAfterCommit && tm == TM_COMMITTED) {
            actions.push(TpAction::TMAbort);
        }
        for i in 0..self.rms {
            let rm = s.rm(i);
            if tm == TM_INIT && (s.prepared_msg(i) || self.variant == Variant::ForgedVote) {
                actions.push(TpAction::TMRcvPrepared(i));
            }
            if rm == WORKING {
                actions.push(TpAction::RMPrepare(i));
            }
            if rm == WORKING || (self.variant == Variant::RevertAfterVote && rm == PREPARED) {
                actions.push(TpAction::RMChooseToAbort(i));
            }
            if s.0 & COMMIT_MSG != 0 {
                actions.push(TpAction::RMRcvCommitMsg(i));
            }
            if s.0 & ABORT_MSG != 0 {
                actions.push(TpAction::RMRcvAbortMsg(i));
            }
        }
    }

    fn next_state(&self, s: &TpState, a: TpAction) -> Option<TpState> {
        let s = *s;
        Some(match a {
            TpAction::TMCommit => TpState(s.with_tm(TM_COMMITTED).0 | COMMIT_MSG),
            TpAction::TMAbort => TpState(s.with_tm(TM_ABORTED).0 | ABORT_MSG),
            TpAction::TMRcvPrepared(i) => TpState(s.0 | 1 << (4 * u32::from(i) + 2)),
            TpAction::RMPrepare(i) => {
                TpState(s.with_rm(i, PREPARED).0 | 1 << (4 * u32::from(i) + 3))
            }
            TpAction::RMChooseToAbort(i) | TpAction::RMRcvAbortMsg(i) => s.with_rm(i, ABORTED),
            TpAction::RMRcvCommitMsg(i) => s.with_rm(i, COMMITTED),
        })
    }

    fn properties(&self) -> Vec<Property<Self>> {
        stateright_properties(self)
    }
}

impl Checkable for TwoPhase {
    type Scratch = ();

    #[inline]
    fn next_into(&self, s: &TpState, a: Self::Action, into: &mut TpState, _: &mut ()) -> bool {
        match self.next_state(s, a) {
            Some(n) => {
                *into = n;
                true
            }
            None => false,
        }
    }

    #[inline]
    fn pack(&self, s: &TpState, _: &mut (), out: &mut Vec<u8>) {
        out.extend_from_slice(&s.0.to_le_bytes());
    }

    #[inline]
    fn unpack(&self, bytes: &[u8], _: &mut (), into: &mut TpState) {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[..8]);
        *into = TpState(u64::from_le_bytes(b));
    }

    fn blank(&self) -> TpState {
        TpState(0)
    }

    fn property_info(&self) -> Vec<PropertyInfo> {
        PROPERTIES
            .iter()
            .map(|(spec, _)| PropertyInfo::from(*spec))
            .collect()
    }

    fn evaluate(&self, s: &TpState, out: &mut Vec<bool>) {
        out.clear();
        out.extend(PROPERTIES.iter().map(|(_, condition)| condition(self, s)));
    }

    fn explain(&self, index: usize, s: &TpState) -> String {
        super::explain(
            PROPERTIES.get(index).map(|p| p.0),
            &self.observe(s),
            &self.lifelines(),
        )
    }

    fn representative(&self, s: &TpState) -> TpState {
        canonical(s)
    }

    fn has_symmetry(&self) -> bool {
        self.rms > 1
    }

    fn declares_symmetry(&self) -> bool {
        true
    }

    fn stateright_symmetry(&self) -> Option<fn(&TpState) -> TpState> {
        Some(canonical)
    }

    fn lifelines(&self) -> Vec<String> {
        (0..=self.rms).map(|i| self.name(i)).collect()
    }

    fn decode(&self, before: &TpState, action: &TpAction, after: &TpState) -> Step {
        let tm = self.name(self.rms);
        let msg = |from: String, to: String, payload: &str| MessageInfo {
            from,
            to,
            payload: payload.to_string(),
        };
        let broadcast = |payload: &str| -> Vec<MessageInfo> {
            (0..self.rms)
                .map(|i| msg(tm.clone(), self.name(i), payload))
                .collect()
        };
        let (node, detail, message, sent) = match *action {
            TpAction::TMCommit => (
                tm.clone(),
                "TMCommit".to_string(),
                None,
                broadcast("Commit"),
            ),
            TpAction::TMAbort => (tm.clone(), "TMAbort".to_string(), None, broadcast("Abort")),
            TpAction::TMRcvPrepared(i) => (
                tm.clone(),
                format!("TMRcvPrepared({})", self.name(i)),
                Some(msg(self.name(i), tm.clone(), "Prepared")),
                Vec::new(),
            ),
            TpAction::RMPrepare(i) => (
                self.name(i),
                format!("RMPrepare({})", self.name(i)),
                None,
                vec![msg(self.name(i), tm.clone(), "Prepared")],
            ),
            TpAction::RMChooseToAbort(i) => (
                self.name(i),
                format!("RMChooseToAbort({})", self.name(i)),
                None,
                Vec::new(),
            ),
            TpAction::RMRcvCommitMsg(i) => (
                self.name(i),
                format!("RMRcvCommitMsg({})", self.name(i)),
                Some(msg(tm.clone(), self.name(i), "Commit")),
                Vec::new(),
            ),
            TpAction::RMRcvAbortMsg(i) => (
                self.name(i),
                format!("RMRcvAbortMsg({})", self.name(i)),
                Some(msg(tm.clone(), self.name(i), "Abort")),
                Vec::new(),
            ),
        };
        let rm_word = ["working", "prepared", "committed", "aborted"];
        let word = |v: u64| rm_word[usize::try_from(v).unwrap_or(0)].to_string();
        let mut changes = Vec::new();
        let mut decisions = Vec::new();
        for i in 0..self.rms {
            if before.rm(i) != after.rm(i) {
                changes.push(Change {
                    node: self.name(i),
                    field: "rmState".into(),
                    before: word(before.rm(i)),
                    after: word(after.rm(i)),
                });
                decisions.push(Decision {
                    node: self.name(i),
                    tx: 0,
                    outcome: outcome(after.rm(i)),
                });
            }
            if before.tm_prepared(i) != after.tm_prepared(i) {
                changes.push(Change {
                    node: tm.clone(),
                    field: "tmPrepared".into(),
                    before: String::new(),
                    after: format!("+{}", self.name(i)),
                });
            }
        }
        if before.tm() != after.tm() {
            let w = ["init", "committed", "aborted", "?"];
            changes.push(Change {
                node: tm.clone(),
                field: "tmState".into(),
                before: w[usize::try_from(before.tm()).unwrap_or(3)].into(),
                after: w[usize::try_from(after.tm()).unwrap_or(3)].into(),
            });
        }
        Step {
            node: Some(node),
            event: EventKind::Action,
            detail,
            message,
            sent,
            lost: Vec::new(),
            changes,
            decisions,
            now: None,
        }
    }

    fn observe(&self, s: &TpState) -> Observation {
        let mut obs = Observation::default();
        for i in 0..self.rms {
            obs.outcome(0, i, outcome(s.rm(i)));
        }
        obs
    }
}

fn outcome(v: u64) -> Outcome {
    match v {
        WORKING => Outcome::Pending,
        PREPARED => Outcome::Locked,
        COMMITTED => Outcome::Committed,
        _ => Outcome::Aborted,
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = TwoPhase;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "TLA+'s TwoPhase.tla (Gray & Lamport), ported exactly: TLC's state counts",
            source: "Gray & Lamport, Consensus on Transaction Commit, ACM TODS 2006; \
                     tlaplus/Examples transaction_commit/TwoPhase.tla",
            params: vec![ParamSpec {
                name: "rms",
                default: 3,
                min: 1,
                max: MAX_RMS,
                doc: "number of resource managers",
                implicit_default: false,
            }],
            kernel: None,
            notes: vec![
                "TLC: rms=3 288 distinct / 1,146 generated / depth 11; rms=4 1,568 / 8,258 / 14; \
                 rms=5 8,832 / 58,146 / 17; rms=6 50,816 / 402,306 / 20",
                "no deadlock property: receive actions stay enabled as self-loops, as in the spec",
            ],
            catches: vec![
                "TLC's exact state counts for every rms, and each seeded flaw of the TM's rules (commit without every vote, abort after commit, a prepared RM aborting, a forged vote): atomicity",
            ],
            misses: vec![
                "message loss, replay, crashes and time-outs: the spec has none (its messages are a set that is never emptied); use two-phase-commit for those",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec {
                kernel: None,
                value: Variant::Default,
                name: "default",
                summary: "the spec as published",
                expect: Expect::Holds,
            },
            VariantSpec {
                kernel: None,
                value: Variant::CommitWithoutVotes,
                name: "commit-without-votes",
                summary: "TMCommit is enabled without every RM in tmPrepared",
                expect: Expect::Violates(vec![ATOMICITY.name]),
            },
            VariantSpec {
                kernel: None,
                value: Variant::AbortAfterCommit,
                name: "abort-after-commit",
                summary: "TMAbort is also enabled when tmState = committed",
                expect: Expect::Violates(vec![ATOMICITY.name]),
            },
            VariantSpec {
                kernel: None,
                value: Variant::RevertAfterVote,
                name: "revert-after-vote",
                summary: "a prepared RM may abort on its own (revert on time-out after voting)",
                expect: Expect::Violates(vec![ATOMICITY.name]),
            },
            VariantSpec {
                kernel: None,
                value: Variant::ForgedVote,
                name: "forged-vote",
                summary: "the TM may add an RM to tmPrepared without its Prepared message",
                expect: Expect::Violates(vec![ATOMICITY.name]),
            },
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<TwoPhase, ConfigError> {
        Ok(TwoPhase {
            rms: u8::try_from(c.param("rms")).unwrap_or(3),
            variant: c.variant,
        })
    }
}
