//! `tla-2pc-btm`: an exact port of TLA+'s `2PCwithBTM.tla`, two-phase commit with a backup
//! transaction manager, by Murat Demirbas (`tlaplus/Examples/specifications/transaction_commit/
//! 2PCwithBTM.tla`, from his PlusCal examples, github.com/muratdem/PlusCal-examples, 2PCTM;
//! a modified P2TCommit of Gray & Lamport, "Consensus on Transaction Commit", ACM TODS 31(1),
//! 2006; PROTOCOLS.md §4.3), as a plain `stateright::Model`.
//!
//! The spec is PlusCal with shared memory: the RMs, the TM and the backup TM (BTM) read each
//! other's state directly, and labels make the TM's and BTM's steps non-atomic. An RM loops at
//! `RS` while working or prepared, each iteration one of *prepare* (working → prepared),
//! *decide* (commit when `tmState = "commit"`; abort when working or `tmState = "abort"`) or
//! *fail* (→ `failed`, if `RMMAYFAIL` and no RM has failed yet; otherwise the iteration changes
//! nothing), and leaves the loop to `Done`. The TM decides at `TS` on `canCommit` (every RM
//! prepared, or some RM committed) or `canAbort` (some RM aborted or failed, and none
//! committed), writes its decision (`TC`/`TA`) and then, if `TMMAYFAIL`, fails by hiding it
//! (`F1`/`F2`: `tmState := "hidden"`). The BTM takes over only once `tmState = "hidden"`, on
//! the same two conditions (`BTS`, then `BTC`/`BTA`).
//!
//! This port follows the TLA+ translation in the module (`pc` included: one per RM, one for
//! the TM at 0 and one for the BTM at 10), so that distinct states, generated states and depth
//! equal TLC's (PROTOCOLS.md §7.1: 1,245 / 5,841 / 15 with RM = {rm1, rm2, rm3} and both
//! failure flags TRUE). Generated states follow TLC's convention, initial states plus every
//! successor computed, duplicates and self-loops included, and TLC computes successors by
//! walking the action's formula: each element of an `\E` and each true branch of a `\/` in
//! action position yields its own successor, also inside a definition the action uses (TLC
//! expands it) and also when two branches give the same state. So:
//!
//! * `canCommit` is `\A rmc \in RM : rmState[rmc] = "prepared" \/ \E rm \in RM : rmState[rm]
//!   = "committed"` (a quantifier extends as far right as possible, so the `\/` is inside the
//!   `\A`): TLC enumerates, per `rmc`, the branch "rmc is prepared" and each committed `rm`,
//!   so `TS` and `BTS` have ∏ over RMs of ([prepared] + #committed) commit successors; each is
//!   an action here, [`BtmAction::TsCommit`] with its [`CommitWitness`];
//! * `canAbort` is `\E rm \in RM : rmState[rm] \in {"aborted", "failed"} /\ ~\E committed`:
//!   one successor per aborted or failed RM, [`BtmAction::TsAbort`] naming it;
//! * the RM's abort guard `rmState[self] = "working" \/ tmState = "abort"` gives two
//!   successors when both hold ([`AbortGuard`]);
//! * the fail step's `ELSE` branch (`TRUE /\ UNCHANGED rmState`) is a self-loop, and
//!   `Terminating` (every process `Done`, `UNCHANGED vars`) is one too; both are counted.
//!
//! Reading the guards as plain booleans instead gives the same 1,245 distinct states but 4,851
//! generated, and reading `canCommit` as `(\A rmc : prepared) \/ (\E rm : committed)` gives
//! 5,343: only TLC's parse and enumeration give its 5,841. Every process's steps are in the order of the translation's `Next`: `TManager`
//! (`TS`, `TC`, `F1`, `TA`, `F2`), `BTManager` (`BTS`, `BTC`, `BTA`), the RMs, `Terminating`.
//!
//! Invariants: `TypeOK` holds by construction (every field is stored as a code of exactly the
//! spec's values; the unit test `every_reachable_state_is_type_correct` checks the codes), and
//! `Consistency` (no RM aborted while another committed) is the catalogue's `atomicity`, as
//! TwoPhase's `TCConsistent` is in `tla-two-phase`: a failed RM has no outcome (it is
//! `pending` in the observation), so atomicity and Consistency judge the same states. The
//! witnesses `can_commit` and `can_abort` are every RM committed, every RM aborted.
//!
//! The flawed variant `abort-despite-commit` drops `canAbort`'s second conjunct, which the
//! spec marks "inconsistent if commented" (PROTOCOLS.md §7.5 S6): the TM commits, one RM
//! commits, another fails, the TM fails, and the BTM, seeing a failed RM, aborts the rest.
//!
//! The state packs into one `u64`: per RM a nibble (rmState in three bits, its `pc` in one),
//! then `tmState`, the TM's `pc` and the BTM's `pc`.

use std::fmt;

use stateright::{Model, Property};
use xshard_properties::{Observation, Outcome, PropertySpec, ATOMICITY, CAN_ABORT, CAN_COMMIT};

use crate::checkable::{stateright_properties, Checkable, PropertyInfo};
use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::step::{Change, Decision, EventKind, Step};

/// The registry name.
pub const NAME: &str = "tla-2pc-btm";
/// The most resource managers a model may have: the commit witnesses multiply with the RMs
/// (at 6, 112,565 distinct states already generate 21,682,530 successors).
pub const MAX_RMS: u32 = 6;

// rmState codes (three bits of an RM's nibble).
const WORKING: u64 = 0;
const PREPARED: u64 = 1;
const COMMITTED: u64 = 2;
const ABORTED: u64 = 3;
const FAILED: u64 = 4;
const RM_NAMES: [&str; 8] = [
    "working",
    "prepared",
    "committed",
    "aborted",
    "failed",
    "?5",
    "?6",
    "?7",
];
// An RM's pc: bit 3 of its nibble, clear for "RS", set for "Done".
const RM_DONE: u64 = 8;

const TM_STATE_SHIFT: u32 = 48;
// tmState codes: "init" is 0.
const TM_COMMIT: u64 = 1;
const TM_ABORT: u64 = 2;
const TM_HIDDEN: u64 = 3;
const TM_NAMES: [&str; 4] = ["init", "commit", "abort", "hidden"];

const TM_PC_SHIFT: u32 = 50;
const TS: u64 = 0;
const TC: u64 = 1;
const F1: u64 = 2;
const TA: u64 = 3;
const F2: u64 = 4;
const TM_PC_DONE: u64 = 5;
const TM_PC_NAMES: [&str; 8] = ["TS", "TC", "F1", "TA", "F2", "Done", "?6", "?7"];

const BTM_PC_SHIFT: u32 = 53;
const BTS: u64 = 0;
const BTC: u64 = 1;
const BTA: u64 = 2;
const BTM_PC_DONE: u64 = 3;
const BTM_PC_NAMES: [&str; 4] = ["BTS", "BTC", "BTA", "Done"];

/// Which rule a variant changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The spec exactly as in `2PCwithBTM.tla`; Consistency (`atomicity`) holds.
    Default,
    /// `abort-despite-commit`: `canAbort` without `~\E rmc \in RM : rmState[rmc] =
    /// "committed"`.
    AbortDespiteCommit,
}

/// The model: `rms` resource managers, a TM and a backup TM.
#[derive(Clone, Debug)]
pub struct TwoPcBtm {
    /// The number of resource managers (the spec's `RM`), at most [`MAX_RMS`].
    pub rms: u8,
    /// The spec's `RMMAYFAIL`: an RM may fail (at most one ever does).
    pub rm_may_fail: bool,
    /// The spec's `TMMAYFAIL`: the TM may fail after writing its decision.
    pub tm_may_fail: bool,
    /// Which rule, if any, is changed from the spec.
    pub variant: Variant,
}

/// A packed 2PCwithBTM state.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BtmState(pub u64);

impl BtmState {
    fn rm(self, i: u8) -> u64 {
        (self.0 >> (4 * u32::from(i))) & 7
    }
    fn with_rm(self, i: u8, v: u64) -> Self {
        let shift = 4 * u32::from(i);
        BtmState((self.0 & !(7 << shift)) | (v << shift))
    }
    fn rm_done(self, i: u8) -> bool {
        (self.0 >> (4 * u32::from(i))) & RM_DONE != 0
    }
    fn tm(self) -> u64 {
        (self.0 >> TM_STATE_SHIFT) & 3
    }
    fn with_tm(self, v: u64) -> Self {
        BtmState((self.0 & !(3 << TM_STATE_SHIFT)) | (v << TM_STATE_SHIFT))
    }
    fn tm_pc(self) -> u64 {
        (self.0 >> TM_PC_SHIFT) & 7
    }
    fn with_tm_pc(self, v: u64) -> Self {
        BtmState((self.0 & !(7 << TM_PC_SHIFT)) | (v << TM_PC_SHIFT))
    }
    fn btm_pc(self) -> u64 {
        (self.0 >> BTM_PC_SHIFT) & 3
    }
    fn with_btm_pc(self, v: u64) -> Self {
        BtmState((self.0 & !(3 << BTM_PC_SHIFT)) | (v << BTM_PC_SHIFT))
    }
    fn count(self, rms: u8, v: u64) -> usize {
        (0..rms).filter(|&i| self.rm(i) == v).count()
    }
}

fn name_of(names: &[&'static str], code: u64) -> &'static str {
    names
        .get(usize::try_from(code).unwrap_or(usize::MAX))
        .copied()
        .unwrap_or("?")
}

impl fmt::Debug for BtmState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rm = Vec::new();
        let mut pc = Vec::new();
        for i in 0..MAX_RMS as u8 {
            let nibble = (self.0 >> (4 * u32::from(i))) & 0xf;
            if nibble != 0 || i < 3 {
                rm.push(format!("rm{}={}", i + 1, name_of(&RM_NAMES, self.rm(i))));
                pc.push(format!(
                    "rm{}={}",
                    i + 1,
                    if self.rm_done(i) { "Done" } else { "RS" }
                ));
            }
        }
        write!(
            f,
            "rmState[{}] tmState={} pc[{} tm={} btm={}]",
            rm.join(" "),
            name_of(&TM_NAMES, self.tm()),
            pc.join(" "),
            name_of(&TM_PC_NAMES, self.tm_pc()),
            name_of(&BTM_PC_NAMES, self.btm_pc()),
        )
    }
}

/// One way `canCommit` holds, as TLC enumerates it: for each RM `rmc` (digit `rmc` in base
/// `rms + 1`), 0 for the branch "`rmc` is prepared" and `j + 1` for the branch "RM `j` is
/// committed".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommitWitness(pub u32);

impl CommitWitness {
    fn digit(self, rms: u8, rmc: u8) -> u32 {
        (self.0 / (u32::from(rms) + 1).pow(u32::from(rmc))) % (u32::from(rms) + 1)
    }
}

/// Which disjunct of the RM's abort guard (`rmState[self] = "working" \/ tmState = "abort"`)
/// TLC took: when both hold, each gives its own (identical) successor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbortGuard {
    /// `rmState[self] = "working"`.
    Working,
    /// `tmState = "abort"`.
    TmAbort,
}

/// A 2PCwithBTM step: one successor as TLC enumerates them (RM indices from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BtmAction {
    /// `TS`, first branch: `canCommit` holds (this way), the TM goes to `TC`.
    TsCommit(CommitWitness),
    /// `TS`, second branch: `canAbort` holds with this RM aborted or failed, the TM goes to
    /// `TA`.
    TsAbort(u8),
    /// `TC`: `tmState := "commit"`.
    Tc,
    /// `F1`: the TM fails (`tmState := "hidden"`) if `TMMAYFAIL`, and is done.
    F1,
    /// `TA`: `tmState := "abort"`.
    Ta,
    /// `F2`: as `F1`, after aborting.
    F2,
    /// `BTS`, first branch: `canCommit` (this way) and `tmState = "hidden"`; the BTM goes to
    /// `BTC`.
    BtsCommit(CommitWitness),
    /// `BTS`, second branch: `canAbort` (this RM aborted or failed) and `tmState =
    /// "hidden"`; the BTM goes to `BTA`.
    BtsAbort(u8),
    /// `BTC`: `tmState := "commit"`.
    Btc,
    /// `BTA`: `tmState := "abort"`.
    Bta,
    /// `RS(rm)`, `Prepare`: working → prepared.
    Prepare(u8),
    /// `RS(rm)`, `Decide`, first branch: `tmState = "commit"`, → committed.
    Commit(u8),
    /// `RS(rm)`, `Decide`, second branch: the guard's disjunct held, → aborted.
    Abort(u8, AbortGuard),
    /// `RS(rm)`, `Fail`: `RMMAYFAIL` and no RM failed, → failed.
    Fail(u8),
    /// `RS(rm)`, `Fail`'s `ELSE`: no failure allowed, nothing changes (a self-loop).
    NoFail(u8),
    /// `RS(rm)` with `rmState[rm]` neither working nor prepared: the loop ends, `pc := "Done"`.
    Exit(u8),
    /// `Terminating`: every process is `Done`; a stuttering step.
    Terminating,
}

impl TwoPcBtm {
    fn can_abort_by(&self, s: BtmState, rm: u8) -> bool {
        matches!(s.rm(rm), ABORTED | FAILED)
            && (self.variant == Variant::AbortDespiteCommit || s.count(self.rms, COMMITTED) == 0)
    }

    /// Every way `canCommit` holds in `s`, in TLC's order (the last RM's choice varies
    /// slowest): each RM's options are "prepared" (if it is) and every committed RM.
    fn commit_witnesses(&self, s: BtmState, push: &mut dyn FnMut(CommitWitness)) {
        let base = u32::from(self.rms) + 1;
        let committed: Vec<u32> = (0..self.rms)
            .filter(|&j| s.rm(j) == COMMITTED)
            .map(|j| u32::from(j) + 1)
            .collect();
        let options: Vec<Vec<u32>> = (0..self.rms)
            .map(|i| {
                let mut o = Vec::new();
                if s.rm(i) == PREPARED {
                    o.push(0);
                }
                o.extend_from_slice(&committed);
                o
            })
            .collect();
        if options.iter().any(Vec::is_empty) {
            return;
        }
        // An odometer over the options, the first RM's digit turning fastest.
        let mut at = vec![0usize; options.len()];
        loop {
            let code = at
                .iter()
                .zip(&options)
                .enumerate()
                .map(|(i, (&k, o))| o[k] * base.pow(u32::try_from(i).unwrap_or(0)))
                .sum();
            push(CommitWitness(code));
            let mut i = 0;
            loop {
                if i == at.len() {
                    return;
                }
                at[i] += 1;
                if at[i] < options[i].len() {
                    break;
                }
                at[i] = 0;
                i += 1;
            }
        }
    }

    fn all_done(&self, s: BtmState) -> bool {
        (0..self.rms).all(|i| s.rm_done(i)) && s.tm_pc() == TM_PC_DONE && s.btm_pc() == BTM_PC_DONE
    }

    fn name(&self, i: u8) -> String {
        format!("rm{}", u32::from(i) + 1)
    }

    fn witness_text(&self, w: CommitWitness) -> String {
        (0..self.rms)
            .map(|rmc| match w.digit(self.rms, rmc) {
                0 => format!("{} prepared", self.name(rmc)),
                j => format!(
                    "{} committed",
                    self.name(u8::try_from(j - 1).unwrap_or(u8::MAX))
                ),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn atomicity(m: &TwoPcBtm, s: &BtmState) -> bool {
    !(s.count(m.rms, COMMITTED) > 0 && s.count(m.rms, ABORTED) > 0)
}
fn can_commit(m: &TwoPcBtm, s: &BtmState) -> bool {
    s.count(m.rms, COMMITTED) == usize::from(m.rms)
}
fn can_abort(m: &TwoPcBtm, s: &BtmState) -> bool {
    s.count(m.rms, ABORTED) == usize::from(m.rms)
}

/// The properties, declared once: the catalogue property each checks and its condition on the
/// spec's own state (`Consistency` is `atomicity`; the witnesses as in `tla-two-phase`).
const PROPERTIES: [(&PropertySpec, fn(&TwoPcBtm, &BtmState) -> bool); 3] = [
    (&ATOMICITY, atomicity),
    (&CAN_COMMIT, can_commit),
    (&CAN_ABORT, can_abort),
];

/// Sorts the per-RM nibbles (descending, so the unused all-zero slots stay last): the RMs are
/// interchangeable in the spec (nothing names one, and `Fail`'s "no RM failed" is symmetric),
/// and an RM is exactly its nibble, so this is an exact orbit-canonical form.
pub fn canonical(s: &BtmState) -> BtmState {
    let mut nibbles: Vec<u64> = (0..MAX_RMS).map(|i| (s.0 >> (4 * i)) & 0xf).collect();
    nibbles.sort_unstable_by(|a, b| b.cmp(a));
    let mut v = s.0 & !((1u64 << (4 * MAX_RMS)) - 1);
    for (i, n) in nibbles.into_iter().enumerate() {
        v |= n << (4 * i);
    }
    BtmState(v)
}

impl Model for TwoPcBtm {
    type State = BtmState;
    type Action = BtmAction;

    fn init_states(&self) -> Vec<BtmState> {
        // Every RM working at RS, tmState "init", the TM at TS, the BTM at BTS: all codes 0.
        vec![BtmState(0)]
    }

    fn actions(&self, s: &BtmState, actions: &mut Vec<BtmAction>) {
        let tm = s.tm();
        // TManager == TS \/ TC \/ F1 \/ TA \/ F2
        match s.tm_pc() {
            TS => {
                self.commit_witnesses(*s, &mut |w| actions.push(BtmAction::TsCommit(w)));
                for rm in 0..self.rms {
                    if self.can_abort_by(*s, rm) {
                        actions.push(BtmAction::TsAbort(rm));
                    }
                }
            }
            TC => actions.push(BtmAction::Tc),
            F1 => actions.push(BtmAction::F1),
            TA => actions.push(BtmAction::Ta),
            F2 => actions.push(BtmAction::F2),
            _ => {}
        }
        // BTManager == BTS \/ BTC \/ BTA; TLC enumerates canCommit's witnesses before it
        // evaluates `tmState = "hidden"`, so with the TM not hidden none of them is a
        // successor.
        match s.btm_pc() {
            BTS if tm == TM_HIDDEN => {
                self.commit_witnesses(*s, &mut |w| actions.push(BtmAction::BtsCommit(w)));
                for rm in 0..self.rms {
                    if self.can_abort_by(*s, rm) {
                        actions.push(BtmAction::BtsAbort(rm));
                    }
                }
            }
            BTC => actions.push(BtmAction::Btc),
            BTA => actions.push(BtmAction::Bta),
            _ => {}
        }
        // \E self \in RM : RManager(self)
        let failed = s.count(self.rms, FAILED) > 0;
        for rm in 0..self.rms {
            if s.rm_done(rm) {
                continue;
            }
            let r = s.rm(rm);
            if r == WORKING || r == PREPARED {
                if r == WORKING {
                    actions.push(BtmAction::Prepare(rm));
                }
                if tm == TM_COMMIT {
                    actions.push(BtmAction::Commit(rm));
                }
                if r == WORKING {
                    actions.push(BtmAction::Abort(rm, AbortGuard::Working));
                }
                if tm == TM_ABORT {
                    actions.push(BtmAction::Abort(rm, AbortGuard::TmAbort));
                }
                if self.rm_may_fail && !failed {
                    actions.push(BtmAction::Fail(rm));
                } else {
                    actions.push(BtmAction::NoFail(rm));
                }
            } else {
                actions.push(BtmAction::Exit(rm));
            }
        }
        if self.all_done(*s) {
            actions.push(BtmAction::Terminating);
        }
    }

    fn next_state(&self, s: &BtmState, a: BtmAction) -> Option<BtmState> {
        let s = *s;
        let hide = |s: BtmState| {
            if self.tm_may_fail {
                s.with_tm(TM_HIDDEN)
            } else {
                s
            }
        };
        Some(match a {
            BtmAction::TsCommit(_) => s.with_tm_pc(TC),
            BtmAction::TsAbort(_) => s.with_tm_pc(TA),
            BtmAction::Tc => s.with_tm(TM_COMMIT).with_tm_pc(F1),
            BtmAction::Ta => s.with_tm(TM_ABORT).with_tm_pc(F2),
            BtmAction::F1 | BtmAction::F2 => hide(s).with_tm_pc(TM_PC_DONE),
            BtmAction::BtsCommit(_) => s.with_btm_pc(BTC),
            BtmAction::BtsAbort(_) => s.with_btm_pc(BTA),
            BtmAction::Btc => s.with_tm(TM_COMMIT).with_btm_pc(BTM_PC_DONE),
            BtmAction::Bta => s.with_tm(TM_ABORT).with_btm_pc(BTM_PC_DONE),
            BtmAction::Prepare(rm) => s.with_rm(rm, PREPARED),
            BtmAction::Commit(rm) => s.with_rm(rm, COMMITTED),
            BtmAction::Abort(rm, _) => s.with_rm(rm, ABORTED),
            BtmAction::Fail(rm) => s.with_rm(rm, FAILED),
            BtmAction::NoFail(_) | BtmAction::Terminating => s,
            BtmAction::Exit(rm) => BtmState(s.0 | RM_DONE << (4 * u32::from(rm))),
        })
    }

    fn properties(&self) -> Vec<Property<Self>> {
        stateright_properties(self)
    }
}

impl Checkable for TwoPcBtm {
    type Scratch = ();

    #[inline]
    fn next_into(&self, s: &BtmState, a: BtmAction, into: &mut BtmState, _: &mut ()) -> bool {
        match self.next_state(s, a) {
            Some(n) => {
                *into = n;
                true
            }
            None => false,
        }
    }

    #[inline]
    fn pack(&self, s: &BtmState, _: &mut (), out: &mut Vec<u8>) {
        out.extend_from_slice(&s.0.to_le_bytes());
    }

    #[inline]
    fn unpack(&self, bytes: &[u8], _: &mut (), into: &mut BtmState) {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[..8]);
        *into = BtmState(u64::from_le_bytes(b));
    }

    fn blank(&self) -> BtmState {
        BtmState(0)
    }

    fn property_info(&self) -> Vec<PropertyInfo> {
        PROPERTIES
            .iter()
            .map(|(spec, _)| PropertyInfo::from(*spec))
            .collect()
    }

    fn evaluate(&self, s: &BtmState, out: &mut Vec<bool>) {
        out.clear();
        out.extend(PROPERTIES.iter().map(|(_, condition)| condition(self, s)));
    }

    fn explain(&self, index: usize, s: &BtmState) -> String {
        super::explain(
            PROPERTIES.get(index).map(|p| p.0),
            &self.observe(s),
            &self.lifelines(),
        )
    }

    fn representative(&self, s: &BtmState) -> BtmState {
        canonical(s)
    }

    fn has_symmetry(&self) -> bool {
        self.rms > 1
    }

    fn declares_symmetry(&self) -> bool {
        true
    }

    fn stateright_symmetry(&self) -> Option<fn(&BtmState) -> BtmState> {
        Some(canonical)
    }

    fn lifelines(&self) -> Vec<String> {
        let mut l: Vec<String> = (0..self.rms).map(|i| self.name(i)).collect();
        l.push("tm".into());
        l.push("btm".into());
        l
    }

    fn decode(&self, before: &BtmState, action: &BtmAction, after: &BtmState) -> Step {
        let (node, detail) = match *action {
            BtmAction::TsCommit(w) => (
                "tm".into(),
                format!("TS: canCommit ({})", self.witness_text(w)),
            ),
            BtmAction::TsAbort(rm) => (
                "tm".into(),
                format!(
                    "TS: canAbort ({} {})",
                    self.name(rm),
                    name_of(&RM_NAMES, before.rm(rm))
                ),
            ),
            BtmAction::Tc => ("tm".into(), "TC".into()),
            BtmAction::F1 => ("tm".into(), "F1".into()),
            BtmAction::Ta => ("tm".into(), "TA".into()),
            BtmAction::F2 => ("tm".into(), "F2".into()),
            BtmAction::BtsCommit(w) => (
                "btm".into(),
                format!(
                    "BTS: canCommit ({}) and tmState = hidden",
                    self.witness_text(w)
                ),
            ),
            BtmAction::BtsAbort(rm) => (
                "btm".into(),
                format!(
                    "BTS: canAbort ({} {}) and tmState = hidden",
                    self.name(rm),
                    name_of(&RM_NAMES, before.rm(rm))
                ),
            ),
            BtmAction::Btc => ("btm".into(), "BTC".into()),
            BtmAction::Bta => ("btm".into(), "BTA".into()),
            BtmAction::Prepare(rm) => (self.name(rm), format!("RS({}): Prepare", self.name(rm))),
            BtmAction::Commit(rm) => (
                self.name(rm),
                format!("RS({}): Decide (tmState = commit)", self.name(rm)),
            ),
            BtmAction::Abort(rm, AbortGuard::Working) => (
                self.name(rm),
                format!("RS({}): Decide (working)", self.name(rm)),
            ),
            BtmAction::Abort(rm, AbortGuard::TmAbort) => (
                self.name(rm),
                format!("RS({}): Decide (tmState = abort)", self.name(rm)),
            ),
            BtmAction::Fail(rm) => (self.name(rm), format!("RS({}): Fail", self.name(rm))),
            BtmAction::NoFail(rm) => (
                self.name(rm),
                format!("RS({}): Fail (not allowed: no change)", self.name(rm)),
            ),
            BtmAction::Exit(rm) => (self.name(rm), format!("RS({}): loop ends", self.name(rm))),
            BtmAction::Terminating => ("tm".into(), "Terminating (stuttering)".into()),
        };
        let mut changes = Vec::new();
        let mut decisions = Vec::new();
        for i in 0..self.rms {
            if before.rm(i) != after.rm(i) {
                changes.push(Change {
                    node: self.name(i),
                    field: "rmState".into(),
                    before: name_of(&RM_NAMES, before.rm(i)).into(),
                    after: name_of(&RM_NAMES, after.rm(i)).into(),
                });
                decisions.push(Decision {
                    node: self.name(i),
                    tx: 0,
                    outcome: outcome(after.rm(i)),
                });
            }
            if before.rm_done(i) != after.rm_done(i) {
                changes.push(Change {
                    node: self.name(i),
                    field: "pc".into(),
                    before: "RS".into(),
                    after: "Done".into(),
                });
            }
        }
        if before.tm() != after.tm() {
            changes.push(Change {
                node: node.clone(),
                field: "tmState".into(),
                before: name_of(&TM_NAMES, before.tm()).into(),
                after: name_of(&TM_NAMES, after.tm()).into(),
            });
        }
        if before.tm_pc() != after.tm_pc() {
            changes.push(Change {
                node: "tm".into(),
                field: "pc".into(),
                before: name_of(&TM_PC_NAMES, before.tm_pc()).into(),
                after: name_of(&TM_PC_NAMES, after.tm_pc()).into(),
            });
        }
        if before.btm_pc() != after.btm_pc() {
            changes.push(Change {
                node: "btm".into(),
                field: "pc".into(),
                before: name_of(&BTM_PC_NAMES, before.btm_pc()).into(),
                after: name_of(&BTM_PC_NAMES, after.btm_pc()).into(),
            });
        }
        Step {
            node: Some(node),
            event: EventKind::Action,
            detail,
            message: None,
            sent: Vec::new(),
            lost: Vec::new(),
            changes,
            decisions,
            now: None,
        }
    }

    fn observe(&self, s: &BtmState) -> Observation {
        let mut obs = Observation::default();
        for i in 0..self.rms {
            obs.outcome(0, i, outcome(s.rm(i)));
        }
        obs
    }
}

/// An RM's outcome in the catalogue's vocabulary: a failed RM decided nothing.
fn outcome(v: u64) -> Outcome {
    match v {
        PREPARED => Outcome::Locked,
        COMMITTED => Outcome::Committed,
        ABORTED => Outcome::Aborted,
        _ => Outcome::Pending,
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = TwoPcBtm;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "TLA+'s 2PCwithBTM.tla (Demirbas): 2PC with a backup TM, ported exactly: TLC's state counts",
            source: "M. Demirbas, 2PCwithBTM.tla (PlusCal-examples 2PCTM), after Gray & Lamport, \
                     Consensus on Transaction Commit, ACM TODS 2006; \
                     tlaplus/Examples transaction_commit/2PCwithBTM.tla",
            params: vec![
                ParamSpec::new("rms", 3, 1..=MAX_RMS, "number of resource managers"),
                ParamSpec::new(
                    "rm_may_fail",
                    1,
                    0..=1,
                    "RMMAYFAIL: an RM may fail (1) or not (0); at most one ever fails",
                ),
                ParamSpec::new(
                    "tm_may_fail",
                    1,
                    0..=1,
                    "TMMAYFAIL: the TM may fail after writing its decision (1) or not (0)",
                ),
            ],
            kernel: None,
            notes: vec![
                "TLC: rms=3, RMMAYFAIL and TMMAYFAIL TRUE: 1,245 distinct / 5,841 generated / depth 15 \
                 (tlaplus/Examples manifest.json)",
                "generated counts follow TLC's enumeration: each way canCommit, canAbort or an RM's \
                 abort guard holds is its own successor (read as booleans: 4,851 generated)",
                "TypeOK holds by construction; Consistency is atomicity (a failed RM is pending)",
            ],
            catches: vec![
                "TLC's exact state counts, and the backup TM aborting after an RM committed when canAbort \
                 lacks its no-RM-committed conjunct (the spec's 'inconsistent if commented'): atomicity",
            ],
            misses: vec![
                "message loss and false suspicion: the RMs, TM and BTM share memory and the BTM acts only \
                 once the TM has hidden its state (the message-passing race of PROTOCOLS.md §4.3, S5, \
                 needs a model with messages)",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec::holds(Variant::Default, "default", "the spec as published"),
            VariantSpec {
                kernel: None,
                value: Variant::AbortDespiteCommit,
                name: "abort-despite-commit",
                summary: "canAbort without its 'no RM committed' conjunct (the spec's 'inconsistent if commented')",
                expect: Expect::Violates(vec![ATOMICITY.name]),
            },
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<TwoPcBtm, ConfigError> {
        Ok(TwoPcBtm {
            rms: u8::try_from(c.param("rms")).unwrap_or(3),
            rm_may_fail: c.param("rm_may_fail") == 1,
            tm_may_fail: c.param("tm_may_fail") == 1,
            variant: c.variant,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn reachable(m: &TwoPcBtm) -> HashSet<BtmState> {
        let mut seen: HashSet<BtmState> = m.init_states().into_iter().collect();
        let mut stack: Vec<BtmState> = seen.iter().copied().collect();
        let mut actions = Vec::new();
        while let Some(s) = stack.pop() {
            actions.clear();
            m.actions(&s, &mut actions);
            for a in actions.drain(..) {
                if let Some(n) = m.next_state(&s, a) {
                    if seen.insert(n) {
                        stack.push(n);
                    }
                }
            }
        }
        seen
    }

    #[test]
    fn every_reachable_state_is_type_correct() {
        // TypeOK: rmState \in [RM -> {working, prepared, committed, aborted, failed}] and
        // tmState \in {init, commit, abort, hidden}; pc ranges over the translation's labels.
        for rms in 1..=4 {
            let m = TwoPcBtm {
                rms,
                rm_may_fail: true,
                tm_may_fail: true,
                variant: Variant::AbortDespiteCommit,
            };
            for s in reachable(&m) {
                for i in 0..rms {
                    assert!(s.rm(i) <= FAILED, "{s:?}");
                }
                for i in rms..MAX_RMS as u8 {
                    assert_eq!((s.0 >> (4 * u32::from(i))) & 0xf, 0, "{s:?}");
                }
                assert!(s.tm_pc() <= TM_PC_DONE, "{s:?}");
                assert_eq!(s.0 >> (BTM_PC_SHIFT + 2), 0, "{s:?}");
            }
        }
    }

    #[test]
    fn commit_witnesses_are_counted_as_tlc_enumerates_them() {
        let m = TwoPcBtm {
            rms: 3,
            rm_may_fail: true,
            tm_may_fail: true,
            variant: Variant::Default,
        };
        let count = |s: BtmState| {
            let mut n = 0;
            m.commit_witnesses(s, &mut |_| n += 1);
            n
        };
        let all_prepared = BtmState(0)
            .with_rm(0, PREPARED)
            .with_rm(1, PREPARED)
            .with_rm(2, PREPARED);
        assert_eq!(count(all_prepared), 1);
        assert_eq!(count(BtmState(0)), 0);
        // rm1 committed, rm2 prepared, rm3 failed: rm1 (1 way), rm2 (prepared or rm1), rm3 (rm1).
        let s = all_prepared.with_rm(0, COMMITTED).with_rm(2, FAILED);
        assert_eq!(count(s), 2);
        // Two committed, one prepared: 2 * 3 * 2.
        let s = all_prepared.with_rm(0, COMMITTED).with_rm(2, COMMITTED);
        assert_eq!(count(s), 12);
    }
}
