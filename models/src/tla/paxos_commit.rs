//! `tla-paxos-commit`: an exact port of TLA+'s `PaxosCommit.tla` (Gray & Lamport, "Consensus
//! on Transaction Commit", ACM TODS 31(1), 2006, §4–§5; `tlaplus/Examples/specifications/
//! transaction_commit/PaxosCommit.tla`; PROTOCOLS.md §4.5) as a plain `stateright::Model`.
//!
//! Paxos Commit runs one Paxos consensus instance per RM on that RM's vote, with a set of
//! acceptors any two of whose majorities intersect. An RM prepares (or chooses to abort) by
//! sending the phase 2a message of ballot 0 of its own instance; a leader that suspects an RM
//! is silent starts a ballot `bal > 0` of its instance (`Phase1a`), acceptors promise
//! (`Phase1b`, reporting what they last accepted), the leader proposes the value of the
//! highest-ballot vote reported by a majority, or "aborted" if there is none (`Phase2a`),
//! acceptors accept (`Phase2b`), and a leader announces `Commit` when every instance has
//! chosen "prepared" and `Abort` when any instance has chosen "aborted" (`Decide`). With one
//! acceptor it is two-phase commit. Like `TwoPhase.tla`, the spec keeps `msgs`, the set of
//! every message ever sent, and models receipt as enabling: loss, duplication and reordering
//! are all in that set never being emptied. Leader selection is not modelled.
//!
//! The port follows the module exactly: `rmState`, `aState[ins][acc] = [mbal, bal, val]` and
//! `msgs`; the constants are parameters (`rms` RMs, `acceptors` acceptors with `Majority` all
//! subsets of ⌊acceptors/2⌋ + 1 of them, `ballots` ballot numbers `0..ballots`), defaulting to
//! TLC's configuration `PaxosCommit.cfg`: RM = {r1, r2}, Acceptor = {a1, a2, a3}, Majority =
//! the three 2-subsets, Ballot = {0, 1}. There TLC reports 1,321,761 distinct states,
//! 16,959,159 generated and depth 28 (PROTOCOLS.md §7.1), and so does this port. Generated
//! states follow TLC's convention (initial states plus every successor computed, duplicates
//! and self-loops included), and TLC computes successors by walking the action's formula:
//! each element of an `\E` and each true branch of a `\/` in action position is its own
//! successor, also inside an operator the action uses. So, besides one successor per message
//! for `Phase1b` and `Phase2b` (`\E m \in msgs`):
//!
//! * `Phase2a(bal, rm)` has one successor per majority `MS` all of whose acceptors sent their
//!   phase 1b message (each sends at most one per instance and ballot, so `\A ac \in MS : \E
//!   m \in mset : m.acc = ac` has one witness), [`PcAction::Phase2a`] naming `MS`;
//! * `Decide`'s commit branch `\A rm \in RM : Decided(rm, "prepared")`, where `Decided(rm, v)
//!   == \E b \in Ballot, MS \in Majority : ...`, has ∏ over RMs of #(b, MS) successors (one
//!   choice of ballot and majority per RM, [`PcAction::DecideCommit`] with its code), and the
//!   abort branch `\E rm \in RM : Decided(rm, "aborted")` has Σ over RMs of #(b, MS);
//! * `Phase1a` (sending a message that may already be in `msgs`), `Phase2b` of an acceptor
//!   that already accepted that message and `RMRcvCommitMsg`/`RMRcvAbortMsg` of an RM already
//!   committed/aborted are self-loops, counted as TLC counts them.
//!
//! The actions are enumerated in the order of `PCNext`: for each RM `RMPrepare`,
//! `RMChooseToAbort`, `RMRcvCommitMsg`, `RMRcvAbortMsg`; for each ballot `bal > 0` and RM
//! `Phase1a`, `Phase2a`; `Decide`; for each acceptor `Phase1b`, `Phase2b`.
//!
//! Invariants: `PCTypeOK` holds by construction (each field is stored as a code of one of the
//! spec's values, and `msgs` as a bitset over a finite universe of messages within `Message`),
//! and `TCConsistent` (TCommit's consistency, which `PCSpec => TC!TCSpec` implies: no RM
//! aborted while another committed) is the catalogue's `atomicity`, as in `tla-two-phase`. The
//! witnesses `can_commit` and `can_abort` are every RM committed, every RM aborted.
//!
//! The flawed variant `phase2a-ignores-votes` has the leader propose "aborted" whatever the
//! phase 1b messages report: a ballot-1 leader then overrides a "prepared" already chosen in
//! ballot 0, `Commit` and `Abort` are both sent, and `atomicity` fails.
//!
//! No symmetry is declared: the RMs (instances) and the acceptors are interchangeable in the
//! spec, but `--symmetry` is not implemented for this port (its counts are TLC's, which uses
//! none for this configuration).
//!
//! State encoding: one `u128` (packed into its low ⌈bits/8⌉ bytes, 11 at the defaults):
//! `rmState` in two bits per RM; per (instance, acceptor) `mbal` and a code of (`bal`, `val`)
//! (0 for (-1, "none"), `1 + 2·bal + v` otherwise, `v` 0 for "prepared" and 1 for "aborted":
//! `val` is "none" exactly while `bal = -1`); then `msgs` as one bit per message of the
//! universe the spec's actions can send: phase 1a (instance, `bal > 0`); phase 1b (instance,
//! acceptor, `mbal > 0`, and the (`bal`, `val`) code with `bal < mbal`, since an acceptor
//! promises only a ballot above any it accepted); phase 2a (instance, ballot, value); phase 2b
//! (acceptor, instance, ballot, value); `Commit`; `Abort`. A configuration whose layout needs
//! more than 128 bits is refused when the model is built.

use std::fmt;

use stateright::{Model, Property};
use xshard_properties::{Observation, Outcome, PropertySpec, ATOMICITY, CAN_ABORT, CAN_COMMIT};

use crate::checkable::{stateright_properties, Checkable, PropertyInfo};
use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::step::{Change, Decision, EventKind, MessageInfo, Step};

/// The registry name.
pub const NAME: &str = "tla-paxos-commit";

const WORKING: u128 = 0;
const PREPARED: u128 = 1;
const COMMITTED: u128 = 2;
const ABORTED: u128 = 3;
const RM_NAMES: [&str; 4] = ["working", "prepared", "committed", "aborted"];

/// A value of a vote: `"prepared"` (0) or `"aborted"` (1), as in phase 2a and 2b messages.
const VALS: [&str; 2] = ["prepared", "aborted"];

/// Which rule a variant changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The spec exactly as in `PaxosCommit.tla`; `TCConsistent` (`atomicity`) holds.
    Default,
    /// `phase2a-ignores-votes`: `Phase2a` proposes "aborted" whatever the phase 1b messages
    /// report.
    Phase2aIgnoresVotes,
}

/// Where each field and message lives in the packed `u128` (computed once per model).
#[derive(Clone, Debug)]
struct Layout {
    /// Bits of `mbal` in an acceptor's entry.
    mbal_bits: u32,
    /// Bits of one (instance, acceptor) entry: `mbal`, then the (`bal`, `val`) code.
    entry_bits: u32,
    /// First bit of `aState`.
    a_at: u32,
    /// First bit of the phase 1a messages, of 1b, 2a and 2b.
    p1a_at: u32,
    p1b_at: u32,
    p2a_at: u32,
    p2b_at: u32,
    /// The bits of `[type |-> "Commit"]` and `[type |-> "Abort"]`.
    commit_bit: u32,
    abort_bit: u32,
    /// Every bit the layout uses.
    bits: u32,
}

/// The model: the spec's constants and the layout of its packed states.
#[derive(Clone, Debug)]
pub struct PaxosCommit {
    /// `RM`: the number of resource managers (instances of Paxos), `r1, r2, …`.
    pub rms: u8,
    /// `Acceptor`: the number of acceptors, `a1, a2, …`.
    pub acceptors: u8,
    /// `Ballot = 0..ballots-1`.
    pub ballots: u8,
    /// Which rule, if any, is changed from the spec.
    pub variant: Variant,
    /// `Majority`: every subset of ⌊acceptors/2⌋ + 1 acceptors, as bitmasks, in
    /// lexicographic order.
    majorities: Vec<u8>,
    layout: Layout,
}

/// A packed Paxos Commit state (see the module doc for the layout).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PcState(pub u128);

/// A Paxos Commit step: one successor as TLC enumerates them (RM, acceptor and majority
/// indices from 0; a value is 0 for "prepared", 1 for "aborted").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PcAction {
    /// `RMPrepare(rm)`: working → prepared, sending phase 2a (rm, 0, "prepared").
    RMPrepare(u8),
    /// `RMChooseToAbort(rm)`: working → aborted, sending phase 2a (rm, 0, "aborted").
    RMChooseToAbort(u8),
    /// `RMRcvCommitMsg(rm)`: `Commit` was sent; → committed.
    RMRcvCommitMsg(u8),
    /// `RMRcvAbortMsg(rm)`: `Abort` was sent; → aborted.
    RMRcvAbortMsg(u8),
    /// `Phase1a(bal, rm)`: a leader starts ballot `bal` of instance `rm`.
    Phase1a {
        /// The ballot (> 0).
        bal: u8,
        /// The instance.
        rm: u8,
    },
    /// `Phase2a(bal, rm)` with majority `ms`: every acceptor of `ms` sent its phase 1b
    /// message for (rm, bal); the leader sends phase 2a with the value they determine.
    Phase2a {
        /// The ballot (> 0).
        bal: u8,
        /// The instance.
        rm: u8,
        /// The index of the majority in `Majority`.
        ms: u8,
    },
    /// `Decide`, commit branch: every instance chose "prepared"; the code names, per RM, the
    /// ballot and majority that witness it (digit `rm` in base `ballots · |Majority|`).
    DecideCommit(u32),
    /// `Decide`, abort branch: instance `rm` chose "aborted" in `bal` by majority `ms`.
    DecideAbort {
        /// The instance.
        rm: u8,
        /// The ballot.
        bal: u8,
        /// The index of the majority in `Majority`.
        ms: u8,
    },
    /// `Phase1b(acc)` on the phase 1a message (ins, bal).
    Phase1b {
        /// The acceptor.
        acc: u8,
        /// The instance.
        ins: u8,
        /// The ballot of the phase 1a message.
        bal: u8,
    },
    /// `Phase2b(acc)` on the phase 2a message (ins, bal, val).
    Phase2b {
        /// The acceptor.
        acc: u8,
        /// The instance.
        ins: u8,
        /// The ballot.
        bal: u8,
        /// The value: 0 "prepared", 1 "aborted".
        val: u8,
    },
}

/// The (`bal`, `val`) code of an acceptor's entry or a phase 1b message: 0 for (-1, "none").
fn bv_code(bal: u8, val: u8) -> u32 {
    1 + 2 * u32::from(bal) + u32::from(val)
}

/// The ballot of a (`bal`, `val`) code, -1 for none.
fn code_bal(code: u32) -> i32 {
    if code == 0 {
        -1
    } else {
        i32::try_from((code - 1) / 2).unwrap_or(i32::MAX)
    }
}

fn code_text(code: u32) -> String {
    if code == 0 {
        "bal=-1 val=none".into()
    } else {
        format!(
            "bal={} val={}",
            (code - 1) / 2,
            VALS[((code - 1) % 2) as usize]
        )
    }
}

fn bits_for(values: u32) -> u32 {
    // The bits to store 0..values (0 bits for a single value).
    u32::BITS - values.saturating_sub(1).leading_zeros()
}

impl PaxosCommit {
    /// The spec with `rms` RMs, `acceptors` acceptors and `ballots` ballot numbers, or why its
    /// states do not fit the packed layout.
    pub fn new(rms: u8, acceptors: u8, ballots: u8, variant: Variant) -> Result<Self, String> {
        if rms == 0 || acceptors == 0 || ballots == 0 || acceptors > 8 {
            return Err(
                "RM, Acceptor and Ballot must be non-empty (and at most 8 acceptors)".into(),
            );
        }
        let (r, a, b) = (u32::from(rms), u32::from(acceptors), u32::from(ballots));
        let mbal_bits = bits_for(b);
        let entry_bits = mbal_bits + bits_for(2 * b + 1);
        let a_at = 2 * r;
        let p1a_at = a_at + r * a * entry_bits;
        let p1b_at = p1a_at + r * (b - 1);
        // Per (instance, acceptor): for each mbal in 1..b, codes 0..1 + 2·mbal (bal < mbal),
        // Σ = b² - 1.
        let p2a_at = p1b_at + r * a * (b * b - 1);
        let p2b_at = p2a_at + r * b * 2;
        let commit_bit = p2b_at + a * r * b * 2;
        let abort_bit = commit_bit + 1;
        let bits = abort_bit + 1;
        if bits > 128 {
            return Err(format!(
                "{rms} RMs, {acceptors} acceptors and {ballots} ballots need {bits} bits of \
                 state; at most 128 fit"
            ));
        }
        let size = acceptors / 2 + 1;
        let majorities = (0..1u16 << acceptors)
            .filter(|m| m.count_ones() == u32::from(size))
            .map(|m| u8::try_from(m).unwrap_or(u8::MAX))
            .collect::<Vec<_>>();
        let mut majorities = majorities;
        // Lexicographic order of the acceptor lists ({a1,a2} < {a1,a3} < {a2,a3}).
        majorities.sort_by_key(|m| {
            (0..acceptors)
                .filter(|i| m & (1 << i) != 0)
                .collect::<Vec<_>>()
        });
        Ok(PaxosCommit {
            rms,
            acceptors,
            ballots,
            variant,
            majorities,
            layout: Layout {
                mbal_bits,
                entry_bits,
                a_at,
                p1a_at,
                p1b_at,
                p2a_at,
                p2b_at,
                commit_bit,
                abort_bit,
                bits,
            },
        })
    }

    /// The bytes a packed state takes.
    pub fn packed_len(&self) -> usize {
        self.layout.bits.div_ceil(8) as usize
    }

    fn rm(&self, s: PcState, rm: u8) -> u128 {
        (s.0 >> (2 * u32::from(rm))) & 3
    }
    fn with_rm(&self, s: PcState, rm: u8, v: u128) -> PcState {
        let shift = 2 * u32::from(rm);
        PcState((s.0 & !(3 << shift)) | (v << shift))
    }

    fn entry_at(&self, ins: u8, acc: u8) -> u32 {
        self.layout.a_at
            + (u32::from(ins) * u32::from(self.acceptors) + u32::from(acc)) * self.layout.entry_bits
    }
    /// `aState[ins][acc]` as (mbal, (bal, val) code).
    fn entry(&self, s: PcState, ins: u8, acc: u8) -> (u32, u32) {
        let l = &self.layout;
        let e = (s.0 >> self.entry_at(ins, acc)) as u32 & ((1 << l.entry_bits) - 1);
        (e & ((1 << l.mbal_bits) - 1), e >> l.mbal_bits)
    }
    fn with_entry(&self, s: PcState, ins: u8, acc: u8, mbal: u32, code: u32) -> PcState {
        let l = &self.layout;
        let at = self.entry_at(ins, acc);
        let mask = ((1u128 << l.entry_bits) - 1) << at;
        let e = u128::from(mbal | (code << l.mbal_bits));
        PcState((s.0 & !mask) | (e << at))
    }

    fn p1a_bit(&self, ins: u8, bal: u8) -> u32 {
        self.layout.p1a_at + u32::from(ins) * (u32::from(self.ballots) - 1) + u32::from(bal) - 1
    }
    /// The first bit of the phase 1b messages of (ins, acc, mbal); the code is added to it.
    fn p1b_base(&self, ins: u8, acc: u8, mbal: u8) -> u32 {
        let b = u32::from(self.ballots);
        let m = u32::from(mbal);
        self.layout.p1b_at
            + (u32::from(ins) * u32::from(self.acceptors) + u32::from(acc)) * (b * b - 1)
            + (m * m - 1)
    }
    fn p2a_bit(&self, ins: u8, bal: u8, val: u8) -> u32 {
        self.layout.p2a_at
            + (u32::from(ins) * u32::from(self.ballots) + u32::from(bal)) * 2
            + u32::from(val)
    }
    fn p2b_bit(&self, acc: u8, ins: u8, bal: u8, val: u8) -> u32 {
        self.layout.p2b_at
            + ((u32::from(acc) * u32::from(self.rms) + u32::from(ins)) * u32::from(self.ballots)
                + u32::from(bal))
                * 2
            + u32::from(val)
    }

    fn has(s: PcState, bit: u32) -> bool {
        s.0 & (1u128 << bit) != 0
    }
    fn send(s: PcState, bit: u32) -> PcState {
        PcState(s.0 | (1u128 << bit))
    }

    /// The code of the phase 1b message acceptor `acc` sent for (ins, mbal), if it sent one
    /// (it sends at most one: its `mbal` rises to the ballot it promises).
    fn p1b(&self, s: PcState, ins: u8, acc: u8, mbal: u8) -> Option<u32> {
        let base = self.p1b_base(ins, acc, mbal);
        let n = 1 + 2 * u32::from(mbal);
        let field = (s.0 >> base) as u64 & ((1u64 << n) - 1);
        (field != 0).then(|| field.trailing_zeros())
    }

    /// The acceptors that sent phase 2b (ins, bal, val), as a bitmask.
    fn p2b_senders(&self, s: PcState, ins: u8, bal: u8, val: u8) -> u8 {
        (0..self.acceptors)
            .filter(|&acc| Self::has(s, self.p2b_bit(acc, ins, bal, val)))
            .fold(0, |m, acc| m | (1 << acc))
    }

    /// `Decided(rm, v)`'s witnesses: the (ballot, majority index) pairs whose every acceptor
    /// sent phase 2b (rm, ballot, v), in the order of `\E b \in Ballot, MS \in Majority`.
    fn decided(&self, s: PcState, rm: u8, val: u8, push: &mut dyn FnMut(u8, u8)) {
        for bal in 0..self.ballots {
            let senders = self.p2b_senders(s, rm, bal, val);
            for (k, &ms) in self.majorities.iter().enumerate() {
                if ms & !senders == 0 {
                    push(bal, u8::try_from(k).unwrap_or(u8::MAX));
                }
            }
        }
    }

    /// The value `Phase2a(bal, rm)` sends with majority `ms`: that of the highest-ballot vote
    /// the majority's phase 1b messages report, "aborted" if none reports one.
    fn phase2a_value(&self, s: PcState, bal: u8, rm: u8, ms: u8) -> u8 {
        if self.variant == Variant::Phase2aIgnoresVotes {
            return 1;
        }
        let mut best: Option<u32> = None;
        for acc in 0..self.acceptors {
            if ms & (1 << acc) == 0 {
                continue;
            }
            if let Some(code) = self.p1b(s, rm, acc, bal) {
                if code != 0 && best.is_none_or(|b| code_bal(code) > code_bal(b)) {
                    best = Some(code);
                }
            }
        }
        // (CHOOSE m \in mset : m.bal = maxbal).val: one value per ballot and instance (an RM
        // sends one ballot-0 vote, and Phase2a at most one message per ballot), so any message
        // of the highest ballot gives it.
        best.map_or(1, |code| u8::from((code - 1) % 2 == 1))
    }

    fn rm_name(i: u8) -> String {
        format!("r{}", u32::from(i) + 1)
    }
    fn acc_name(i: u8) -> String {
        format!("a{}", u32::from(i) + 1)
    }
    fn ms_name(&self, ms: u8) -> String {
        let m = self.majorities.get(usize::from(ms)).copied().unwrap_or(0);
        let names: Vec<String> = (0..self.acceptors)
            .filter(|i| m & (1 << i) != 0)
            .map(Self::acc_name)
            .collect();
        format!("{{{}}}", names.join(","))
    }

    fn count(&self, s: PcState, v: u128) -> usize {
        (0..self.rms).filter(|&i| self.rm(s, i) == v).count()
    }

    fn entry_text(&self, s: PcState, ins: u8, acc: u8) -> String {
        let (mbal, code) = self.entry(s, ins, acc);
        format!("mbal={mbal} {}", code_text(code))
    }
}

impl fmt::Debug for PcState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PcState({:#x})", self.0)
    }
}

fn atomicity(m: &PaxosCommit, s: &PcState) -> bool {
    !(m.count(*s, COMMITTED) > 0 && m.count(*s, ABORTED) > 0)
}
fn can_commit(m: &PaxosCommit, s: &PcState) -> bool {
    m.count(*s, COMMITTED) == usize::from(m.rms)
}
fn can_abort(m: &PaxosCommit, s: &PcState) -> bool {
    m.count(*s, ABORTED) == usize::from(m.rms)
}

/// The properties, declared once: the catalogue property each checks and its condition on the
/// spec's own state (`TCConsistent` is `atomicity`; the witnesses as in `tla-two-phase`).
const PROPERTIES: [(&PropertySpec, fn(&PaxosCommit, &PcState) -> bool); 3] = [
    (&ATOMICITY, atomicity),
    (&CAN_COMMIT, can_commit),
    (&CAN_ABORT, can_abort),
];

impl Model for PaxosCommit {
    type State = PcState;
    type Action = PcAction;

    fn init_states(&self) -> Vec<PcState> {
        // rmState all "working", every aState entry [mbal |-> 0, bal |-> -1, val |-> "none"],
        // msgs = {}: all codes 0.
        vec![PcState(0)]
    }

    fn actions(&self, s: &PcState, actions: &mut Vec<PcAction>) {
        let s = *s;
        let l = &self.layout;
        // \E rm \in RM : RMPrepare(rm) \/ RMChooseToAbort(rm) \/ RMRcvCommitMsg(rm) \/
        //                RMRcvAbortMsg(rm)
        let commit = Self::has(s, l.commit_bit);
        let abort = Self::has(s, l.abort_bit);
        for rm in 0..self.rms {
            if self.rm(s, rm) == WORKING {
                actions.push(PcAction::RMPrepare(rm));
                actions.push(PcAction::RMChooseToAbort(rm));
            }
            if commit {
                actions.push(PcAction::RMRcvCommitMsg(rm));
            }
            if abort {
                actions.push(PcAction::RMRcvAbortMsg(rm));
            }
        }
        // \E bal \in Ballot \ {0}, rm \in RM : Phase1a(bal, rm) \/ Phase2a(bal, rm)
        for bal in 1..self.ballots {
            for rm in 0..self.rms {
                actions.push(PcAction::Phase1a { bal, rm });
                if Self::has(s, self.p2a_bit(rm, bal, 0)) || Self::has(s, self.p2a_bit(rm, bal, 1))
                {
                    continue;
                }
                let promised = (0..self.acceptors)
                    .filter(|&acc| self.p1b(s, rm, acc, bal).is_some())
                    .fold(0u8, |m, acc| m | (1 << acc));
                for (k, &ms) in self.majorities.iter().enumerate() {
                    if ms & !promised == 0 {
                        let ms = u8::try_from(k).unwrap_or(u8::MAX);
                        actions.push(PcAction::Phase2a { bal, rm, ms });
                    }
                }
            }
        }
        // Decide: the commit branch has one successor per choice of a witness of
        // Decided(rm, "prepared") for every rm, the abort branch one per witness of
        // Decided(rm, "aborted") for any rm.
        // Most states have no instance decided: look before building witness codes.
        let all_prepared = (0..self.rms).all(|rm| {
            let mut any = false;
            self.decided(s, rm, 0, &mut |_, _| any = true);
            any
        });
        if all_prepared {
            let n = self.majorities.len() as u32;
            let radix = u32::from(self.ballots) * n;
            let mut codes = vec![0u32];
            for rm in 0..self.rms {
                let mut next = Vec::new();
                let weight = radix.pow(u32::from(rm));
                self.decided(s, rm, 0, &mut |bal, ms| {
                    let digit = u32::from(bal) * n + u32::from(ms);
                    next.extend(codes.iter().map(|c| c + digit * weight));
                });
                codes = next;
            }
            actions.extend(codes.into_iter().map(PcAction::DecideCommit));
        }
        for rm in 0..self.rms {
            self.decided(s, rm, 1, &mut |bal, ms| {
                actions.push(PcAction::DecideAbort { rm, bal, ms });
            });
        }
        // \E acc \in Acceptor : Phase1b(acc) \/ Phase2b(acc)
        for acc in 0..self.acceptors {
            for ins in 0..self.rms {
                let (mbal, _) = self.entry(s, ins, acc);
                for bal in 1..self.ballots {
                    if Self::has(s, self.p1a_bit(ins, bal)) && mbal < u32::from(bal) {
                        actions.push(PcAction::Phase1b { acc, ins, bal });
                    }
                }
            }
            for ins in 0..self.rms {
                let (mbal, _) = self.entry(s, ins, acc);
                for bal in 0..self.ballots {
                    for val in 0..2 {
                        if Self::has(s, self.p2a_bit(ins, bal, val)) && mbal <= u32::from(bal) {
                            actions.push(PcAction::Phase2b { acc, ins, bal, val });
                        }
                    }
                }
            }
        }
    }

    fn next_state(&self, s: &PcState, a: PcAction) -> Option<PcState> {
        let s = *s;
        let l = &self.layout;
        Some(match a {
            PcAction::RMPrepare(rm) => {
                Self::send(self.with_rm(s, rm, PREPARED), self.p2a_bit(rm, 0, 0))
            }
            PcAction::RMChooseToAbort(rm) => {
                Self::send(self.with_rm(s, rm, ABORTED), self.p2a_bit(rm, 0, 1))
            }
            PcAction::RMRcvCommitMsg(rm) => self.with_rm(s, rm, COMMITTED),
            PcAction::RMRcvAbortMsg(rm) => self.with_rm(s, rm, ABORTED),
            PcAction::Phase1a { bal, rm } => Self::send(s, self.p1a_bit(rm, bal)),
            PcAction::Phase2a { bal, rm, ms } => {
                let mask = self.majorities.get(usize::from(ms)).copied().unwrap_or(0);
                let val = self.phase2a_value(s, bal, rm, mask);
                Self::send(s, self.p2a_bit(rm, bal, val))
            }
            PcAction::DecideCommit(_) => Self::send(s, l.commit_bit),
            PcAction::DecideAbort { .. } => Self::send(s, l.abort_bit),
            PcAction::Phase1b { acc, ins, bal } => {
                let (_, code) = self.entry(s, ins, acc);
                let s = self.with_entry(s, ins, acc, u32::from(bal), code);
                Self::send(s, self.p1b_base(ins, acc, bal) + code)
            }
            PcAction::Phase2b { acc, ins, bal, val } => {
                let s = self.with_entry(s, ins, acc, u32::from(bal), bv_code(bal, val));
                Self::send(s, self.p2b_bit(acc, ins, bal, val))
            }
        })
    }

    fn properties(&self) -> Vec<Property<Self>> {
        stateright_properties(self)
    }
}

impl Checkable for PaxosCommit {
    type Scratch = ();

    #[inline]
    fn next_into(&self, s: &PcState, a: PcAction, into: &mut PcState, _: &mut ()) -> bool {
        match self.next_state(s, a) {
            Some(n) => {
                *into = n;
                true
            }
            None => false,
        }
    }

    #[inline]
    fn pack(&self, s: &PcState, _: &mut (), out: &mut Vec<u8>) {
        // Every bit above the layout is 0, so the low bytes are the whole state.
        out.extend_from_slice(&s.0.to_le_bytes()[..self.packed_len()]);
    }

    #[inline]
    fn unpack(&self, bytes: &[u8], _: &mut (), into: &mut PcState) {
        let mut b = [0u8; 16];
        let n = self.packed_len();
        b[..n].copy_from_slice(&bytes[..n]);
        *into = PcState(u128::from_le_bytes(b));
    }

    fn blank(&self) -> PcState {
        PcState(0)
    }

    fn property_info(&self) -> Vec<PropertyInfo> {
        PROPERTIES
            .iter()
            .map(|(spec, _)| PropertyInfo::from(*spec))
            .collect()
    }

    fn evaluate(&self, s: &PcState, out: &mut Vec<bool>) {
        out.clear();
        out.extend(PROPERTIES.iter().map(|(_, condition)| condition(self, s)));
    }

    fn explain(&self, index: usize, s: &PcState) -> String {
        super::explain(
            PROPERTIES.get(index).map(|p| p.0),
            &self.observe(s),
            &self.lifelines(),
        )
    }

    fn lifelines(&self) -> Vec<String> {
        let mut l: Vec<String> = (0..self.rms).map(Self::rm_name).collect();
        l.extend((0..self.acceptors).map(Self::acc_name));
        l.push("leader".into());
        l
    }

    fn decode(&self, before: &PcState, action: &PcAction, after: &PcState) -> Step {
        let msg = |from: String, to: String, payload: String| MessageInfo { from, to, payload };
        let leader = "leader".to_string();
        let to_acceptors = |from: &str, payload: String| -> Vec<MessageInfo> {
            (0..self.acceptors)
                .map(|a| msg(from.to_string(), Self::acc_name(a), payload.clone()))
                .collect()
        };
        let to_rms = |payload: &str| -> Vec<MessageInfo> {
            (0..self.rms)
                .map(|r| msg(leader.clone(), Self::rm_name(r), payload.to_string()))
                .collect()
        };
        let (node, detail, message, sent) = match *action {
            PcAction::RMPrepare(rm) => (
                Self::rm_name(rm),
                format!("RMPrepare({})", Self::rm_name(rm)),
                None,
                to_acceptors(
                    &Self::rm_name(rm),
                    format!("2a(ins={} bal=0 val=prepared)", Self::rm_name(rm)),
                ),
            ),
            PcAction::RMChooseToAbort(rm) => (
                Self::rm_name(rm),
                format!("RMChooseToAbort({})", Self::rm_name(rm)),
                None,
                to_acceptors(
                    &Self::rm_name(rm),
                    format!("2a(ins={} bal=0 val=aborted)", Self::rm_name(rm)),
                ),
            ),
            PcAction::RMRcvCommitMsg(rm) => (
                Self::rm_name(rm),
                format!("RMRcvCommitMsg({})", Self::rm_name(rm)),
                Some(msg(leader.clone(), Self::rm_name(rm), "Commit".into())),
                Vec::new(),
            ),
            PcAction::RMRcvAbortMsg(rm) => (
                Self::rm_name(rm),
                format!("RMRcvAbortMsg({})", Self::rm_name(rm)),
                Some(msg(leader.clone(), Self::rm_name(rm), "Abort".into())),
                Vec::new(),
            ),
            PcAction::Phase1a { bal, rm } => (
                leader.clone(),
                format!("Phase1a({bal}, {})", Self::rm_name(rm)),
                None,
                to_acceptors(&leader, format!("1a(ins={} bal={bal})", Self::rm_name(rm))),
            ),
            PcAction::Phase2a { bal, rm, ms } => {
                let mask = self.majorities.get(usize::from(ms)).copied().unwrap_or(0);
                let val = self.phase2a_value(*before, bal, rm, mask);
                (
                    leader.clone(),
                    format!(
                        "Phase2a({bal}, {}) with majority {}",
                        Self::rm_name(rm),
                        self.ms_name(ms)
                    ),
                    None,
                    to_acceptors(
                        &leader,
                        format!(
                            "2a(ins={} bal={bal} val={})",
                            Self::rm_name(rm),
                            VALS[usize::from(val)]
                        ),
                    ),
                )
            }
            PcAction::DecideCommit(code) => {
                let radix = u32::from(self.ballots) * self.majorities.len() as u32;
                let witnesses: Vec<String> = (0..self.rms)
                    .map(|rm| {
                        let d = (code / radix.pow(u32::from(rm))) % radix;
                        let n = self.majorities.len() as u32;
                        format!(
                            "{} in ballot {} by {}",
                            Self::rm_name(rm),
                            d / n,
                            self.ms_name(u8::try_from(d % n).unwrap_or(u8::MAX))
                        )
                    })
                    .collect();
                (
                    leader.clone(),
                    format!("Decide: Commit (prepared chosen: {})", witnesses.join(", ")),
                    None,
                    to_rms("Commit"),
                )
            }
            PcAction::DecideAbort { rm, bal, ms } => (
                leader.clone(),
                format!(
                    "Decide: Abort (aborted chosen: {} in ballot {bal} by {})",
                    Self::rm_name(rm),
                    self.ms_name(ms)
                ),
                None,
                to_rms("Abort"),
            ),
            PcAction::Phase1b { acc, ins, bal } => {
                let (_, code) = self.entry(*before, ins, acc);
                (
                    Self::acc_name(acc),
                    format!("Phase1b({})", Self::acc_name(acc)),
                    Some(msg(
                        leader.clone(),
                        Self::acc_name(acc),
                        format!("1a(ins={} bal={bal})", Self::rm_name(ins)),
                    )),
                    vec![msg(
                        Self::acc_name(acc),
                        leader.clone(),
                        format!(
                            "1b(ins={} mbal={bal} {} acc={})",
                            Self::rm_name(ins),
                            code_text(code),
                            Self::acc_name(acc)
                        ),
                    )],
                )
            }
            PcAction::Phase2b { acc, ins, bal, val } => {
                let from = if bal == 0 {
                    Self::rm_name(ins)
                } else {
                    leader.clone()
                };
                let v = VALS[usize::from(val)];
                (
                    Self::acc_name(acc),
                    format!("Phase2b({})", Self::acc_name(acc)),
                    Some(msg(
                        from,
                        Self::acc_name(acc),
                        format!("2a(ins={} bal={bal} val={v})", Self::rm_name(ins)),
                    )),
                    vec![msg(
                        Self::acc_name(acc),
                        leader.clone(),
                        format!(
                            "2b(acc={} ins={} bal={bal} val={v})",
                            Self::acc_name(acc),
                            Self::rm_name(ins)
                        ),
                    )],
                )
            }
        };
        let mut changes = Vec::new();
        let mut decisions = Vec::new();
        for rm in 0..self.rms {
            let (b, a) = (self.rm(*before, rm), self.rm(*after, rm));
            if b != a {
                changes.push(Change {
                    node: Self::rm_name(rm),
                    field: "rmState".into(),
                    before: RM_NAMES[b as usize].into(),
                    after: RM_NAMES[a as usize].into(),
                });
                decisions.push(Decision {
                    node: Self::rm_name(rm),
                    tx: 0,
                    outcome: outcome(a),
                });
            }
            for acc in 0..self.acceptors {
                if self.entry(*before, rm, acc) != self.entry(*after, rm, acc) {
                    changes.push(Change {
                        node: Self::acc_name(acc),
                        field: format!("aState[{}]", Self::rm_name(rm)),
                        before: self.entry_text(*before, rm, acc),
                        after: self.entry_text(*after, rm, acc),
                    });
                }
            }
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

    fn observe(&self, s: &PcState) -> Observation {
        let mut obs = Observation::default();
        for i in 0..self.rms {
            obs.outcome(0, i, outcome(self.rm(*s, i)));
        }
        obs
    }
}

fn outcome(v: u128) -> Outcome {
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
    type Model = PaxosCommit;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "TLA+'s PaxosCommit.tla (Gray & Lamport), ported exactly: TLC's state counts",
            source: "Gray & Lamport, Consensus on Transaction Commit, ACM TODS 2006, sections 4-5; \
                     tlaplus/Examples transaction_commit/PaxosCommit.tla",
            params: vec![
                ParamSpec::new("rms", 2, 1..=3, "number of resource managers (Paxos instances)"),
                ParamSpec::new(
                    "acceptors",
                    3,
                    1..=5,
                    "number of acceptors; Majority is every subset of acceptors/2 + 1 of them",
                ),
                ParamSpec::new("ballots", 2, 1..=3, "number of ballots: Ballot = 0..ballots-1"),
            ],
            kernel: None,
            notes: vec![
                "TLC: rms=2, acceptors=3, ballots=2 (PaxosCommit.cfg): 1,321,761 distinct / \
                 16,959,159 generated / depth 28, in about 1 minute (tlaplus/Examples manifest.json)",
                "generated counts follow TLC's enumeration: one successor per majority for Phase2a and \
                 per chosen (ballot, majority) witness for Decide, self-loops included",
                "PCTypeOK holds by construction; TCConsistent is atomicity; layouts over 128 bits \
                 (e.g. rms=2 ballots=3) are refused",
            ],
            catches: vec![
                "TLC's exact state counts, and a leader whose phase 2a ignores the votes its phase 1b \
                 messages report (overriding a chosen prepared): atomicity",
            ],
            misses: vec![
                "acceptor crashes beyond 'never acting again' and liveness (the spec is safety only, \
                 and leaders are unconstrained); progress needs fairness the spec does not state",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec::holds(Variant::Default, "default", "the spec as published"),
            VariantSpec {
                kernel: None,
                value: Variant::Phase2aIgnoresVotes,
                name: "phase2a-ignores-votes",
                summary: "Phase2a proposes aborted whatever the phase 1b messages report",
                expect: Expect::Violates(vec![ATOMICITY.name]),
            },
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<PaxosCommit, ConfigError> {
        let p = |name| u8::try_from(c.param(name)).unwrap_or(u8::MAX);
        PaxosCommit::new(p("rms"), p("acceptors"), p("ballots"), c.variant).map_err(|reason| {
            ConfigError::Invalid {
                model: NAME.to_string(),
                reason,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn reachable(m: &PaxosCommit) -> HashSet<PcState> {
        let mut seen: HashSet<PcState> = m.init_states().into_iter().collect();
        let mut stack: Vec<PcState> = seen.iter().copied().collect();
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
    fn layout_of_the_tlc_configuration() {
        let m = PaxosCommit::new(2, 3, 2, Variant::Default).expect("fits");
        // rmState 4 bits, aState 6 entries of 4 bits, messages 2 + 18 + 8 + 24 + 2.
        assert_eq!(m.layout.bits, 4 + 24 + 54);
        assert_eq!(m.packed_len(), 11);
        assert_eq!(m.majorities, vec![0b011, 0b101, 0b110]);
        assert!(PaxosCommit::new(2, 3, 3, Variant::Default).is_err());
    }

    #[test]
    fn packing_is_exact_and_every_reachable_state_is_type_correct() {
        for (rms, acceptors, ballots) in [(1, 3, 2), (2, 1, 2), (1, 1, 3), (1, 3, 3), (2, 2, 2)] {
            let m = PaxosCommit::new(rms, acceptors, ballots, Variant::Default).expect("fits");
            let states = reachable(&m);
            let mut packed = HashSet::new();
            for s in &states {
                let mut bytes = Vec::new();
                m.pack(s, &mut (), &mut bytes);
                assert_eq!(bytes.len(), m.packed_len());
                let mut back = PcState::default();
                m.unpack(&bytes, &mut (), &mut back);
                assert_eq!(back, *s, "{rms} {acceptors} {ballots}");
                packed.insert(bytes);
                // Nothing outside the layout, and PCTypeOK's ranges: mbal \in Ballot,
                // bal \in Ballot \cup {-1} with val "none" exactly when bal = -1.
                assert_eq!(s.0 >> m.layout.bits, 0);
                for ins in 0..rms {
                    for acc in 0..acceptors {
                        let (mbal, code) = m.entry(*s, ins, acc);
                        assert!(mbal < u32::from(ballots));
                        assert!(code <= 2 * u32::from(ballots));
                        // bal <= mbal: what makes a phase 1b's bal < its mbal.
                        assert!(code_bal(code) <= i32::try_from(mbal).unwrap_or(0));
                    }
                }
            }
            assert_eq!(packed.len(), states.len());
        }
    }

    #[test]
    fn each_instance_and_ballot_has_at_most_one_value_and_each_acceptor_one_promise() {
        // The two facts the port relies on: Phase2a's CHOOSE has one value to choose, and
        // `\E m \in mset : m.acc = ac` has at most one witness.
        let m = PaxosCommit::new(1, 3, 3, Variant::Default).expect("fits");
        for s in reachable(&m) {
            for bal in 0..3 {
                assert!(
                    !(PaxosCommit::has(s, m.p2a_bit(0, bal, 0))
                        && PaxosCommit::has(s, m.p2a_bit(0, bal, 1)))
                );
            }
            for acc in 0..3 {
                for mbal in 1..3u8 {
                    let base = m.p1b_base(0, acc, mbal);
                    let field = (s.0 >> base) & ((1 << (1 + 2 * mbal)) - 1);
                    assert!(field.count_ones() <= 1);
                }
            }
        }
    }
}
