//! `sbac`: Chainspace's Sharded Byzantine Atomic Commit (shard-led), in the setting of the
//! replay-attack paper: its phase-1 and phase-2 replay attacks emerge from the kernel's replay
//! budget and an honest client's resubmission.
//!
//! Sources: M. Al-Bassam et al., "Chainspace", NDSS 2018, §IV-C (S-BAC) and Fig. 3 (object
//! life cycle); A. Sonnino et al., "Replay Attacks and Defenses Against Cross-shard Consensus
//! in Sharded Distributed Ledgers", EuroS&P 2020, §4 (the attacks), Tables 1 and 2, Appendix
//! A.1; PROTOCOLS.md §5.1 and §5.4. The setting (nodes, objects, helpers, values) is the
//! parent module's.
//!
//! Encoding. The client submits `prepare(T)` to the input shards (a budget, `submissions`,
//! bounds how often; an honest client may resubmit, §5.4). An input shard sequences
//! `prepare(T)`: with its input active it locks it and pre-accepts, otherwise it pre-aborts;
//! it sends its `prepared(T, vote)` to the other input shard (every concerned shard acts as
//! its own coordinator). A shard decides `accept(T, abort)` on its own pre-abort or on
//! hearing one (SOMEPREPARED abort), `accept(T, commit)` on hearing the other's pre-accept
//! after its own (ALLPREPARED commit). Commit spends its input, creates its output and sends
//! `accept(T)` to shard-3, which creates y3 unless it is active (shard-3 takes part only in
//! phase 2). A `prepared` heard before `prepare` is an implicit prepare (§IV-C). A shard
//! remembers its decision and ignores `prepared` messages; a `prepare(T)` after a commit is
//! ignored too, but after an abort it starts a fresh instance: a shard keeps no record of
//! aborted instances, and shard-3 none of spent objects (the paper's two root causes, §6).
//!
//! Abstractions: the BFT inside a shard (a shard is one correct node), signatures (the
//! kernel's attacker only re-delivers genuine messages), the contract checkers, the
//! decisions sent to the client. Failure model: honest shards, an unordered network that may
//! re-deliver any message ever sent (`--replay`, the paper's attacker: no step of an attack is
//! scripted), no loss, no crashes (shards are BFT groups; `--crashes` is refused).
//!
//! What the checker finds at the defaults (2 submissions, 1 helper lock of x2, replay 1: 5,127
//! states; counts and lengths pinned in `tests/it/replay_attacks.rs`), by table row:
//! - `consistency`, `output_integrity`, `conservation` (6 steps): Table 2 rows 2–4 — T
//!   commits, shard-2's `accept(T)` creates y3, its owner spends it (T3), the replayed
//!   `accept(T)` creates it again (y3 is spent by T3 and active: value from thin air).
//! - `no_inactive_input_spend` (8 steps): Table 1 row 6 (Byzcuit Fig. 3) — T'2 locks x2, T is
//!   submitted, shard-2 pre-aborts and shard-1, hearing it before `prepare(T)`, sequences an
//!   implicit prepare: it locks x1, sends a pre-accept (the recorded `pa(T)@1`) and aborts;
//!   T''1 spends x1, T'2 releases x2, `prepare(T)` reaches shard-2 again (the replay; a
//!   resubmission does the same), and the old pre-accept makes shard-2 commit T.
//! - `can_commit` and `can_abort` are witnessed (4 steps each).
//!
//! With `--replay 0` all four are still violated (7, 9, 7, 7 steps): the old pre-accept is
//! then delivered late rather than replayed, after the client's resubmission, and shard-3
//! re-creates a spent y3 on the second genuine `accept(T)` (it hears one from each input
//! shard). An asynchronous network and an honest client's resubmission are enough; the race
//! the paper needs a replay for is a delay here.

use serde::Serialize;
use xshard_properties::{
    NodeId, Observation, CAN_ABORT, CAN_COMMIT, CONSERVATION, CONSISTENCY, NO_INACTIVE_INPUT_SPEND,
    OUTPUT_INTEGRITY,
};

use super::{
    apply_input_helper, create_output, input_helpers, input_index, outcome, spend_input, spend_y3,
    Helper, Obj, Out, View, Vote, NODE_NAMES, SHARD1, SHARD2, SHARD3,
};
use crate::entry::{Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, World};

/// The registry name.
pub const NAME: &str = "sbac";

/// Where an input shard is in T's current instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Phase {
    /// Never heard of T.
    Idle,
    /// Locked its input and pre-accepted; waiting for the other input shard's vote.
    Voting,
    /// Decided this instance (kept until the client's next `prepare(T)`).
    Decided(Vote),
}

/// An input shard (shard-1 or shard-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct InputShard {
    /// Its input, x1 or x2.
    pub x: Obj,
    /// Its output, y1 or y2.
    pub y: Out,
    /// Helper locks its input may still suffer (x2 only).
    pub locks_left: u8,
    /// T's current instance here.
    pub phase: Phase,
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// shard-1 or shard-2.
    Input(InputShard),
    /// shard-3: y3.
    Output(Out),
    /// The client: submissions left.
    Client(u8),
}

/// A message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// `prepare(T)`, client to input shard.
    Prepare,
    /// `prepared(T, vote)`, input shard to the other input shard.
    Prepared(Vote),
    /// `accept(T, commit)`, input shard to shard-3 (create y3).
    Accept,
}

/// A local choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// The client submits T.
    Submit,
    /// A helper transaction at a shard.
    Helper(Helper),
}

/// The variant (S-BAC has one: the published protocol).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// The protocol as published.
    Published,
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct Sbac {
    /// How often the client may submit T.
    pub submissions: u8,
    /// How often x2 may be locked by a helper.
    pub locks: u8,
}

fn other(id: NodeId) -> NodeId {
    if id == SHARD1 {
        SHARD2
    } else {
        SHARD1
    }
}

impl Sbac {
    /// Sequences `prepare(T)`: lock and pre-accept, or pre-abort and decide abort.
    fn sequence(id: NodeId, s: &mut InputShard, out: &mut Effects<Self>) {
        if s.x == Obj::Active {
            s.x = Obj::Locked(super::T);
            s.phase = Phase::Voting;
            out.send(other(id), Msg::Prepared(Vote::Commit));
        } else {
            s.phase = Phase::Decided(Vote::Abort);
            out.send(other(id), Msg::Prepared(Vote::Abort));
        }
    }

    /// The other input shard's vote reaches a shard that pre-accepted.
    fn decide(id: NodeId, s: &mut InputShard, v: Vote, out: &mut Effects<Self>) {
        match v {
            Vote::Commit => {
                spend_input(id, &mut s.x, out);
                if let Some(k) = input_index(id) {
                    create_output(id, k, &mut s.y, out);
                }
                out.send(SHARD3, Msg::Accept);
            }
            Vote::Abort => {
                if s.x == Obj::Locked(super::T) {
                    s.x = Obj::Active;
                }
            }
        }
        s.phase = Phase::Decided(v);
    }
}

impl Protocol for Sbac {
    type Node = Node;
    type Msg = Msg;
    type Timer = ();
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        NODE_NAMES.iter().map(|s| s.to_string()).collect()
    }

    fn init(&self, id: NodeId, _out: &mut Effects<Self>) -> Node {
        match id {
            SHARD1 | SHARD2 => Node::Input(InputShard {
                x: Obj::Active,
                y: Out::Absent,
                locks_left: self.locks,
                phase: Phase::Idle,
            }),
            SHARD3 => Node::Output(Out::Absent),
            _ => Node::Client(self.submissions),
        }
    }

    fn on_message(&self, id: NodeId, node: &mut Node, _: NodeId, m: &Msg, out: &mut Effects<Self>) {
        match (node, *m) {
            (Node::Input(s), Msg::Prepare) => {
                // A prepare while T is in progress or committed here is one already sequenced
                // (an implicit prepare counts); after an abort, which the shard forgets, it
                // starts a fresh instance.
                if matches!(s.phase, Phase::Idle | Phase::Decided(Vote::Abort)) {
                    Self::sequence(id, s, out);
                }
            }
            (Node::Input(s), Msg::Prepared(v)) => {
                if s.phase == Phase::Idle {
                    // An implicit prepare (Chainspace §IV-C).
                    Self::sequence(id, s, out);
                }
                if s.phase == Phase::Voting {
                    Self::decide(id, s, v, out);
                }
            }
            (Node::Output(y3), Msg::Accept) => create_output(SHARD3, 2, y3, out),
            _ => {}
        }
    }

    fn on_timer(&self, _: NodeId, _: &mut Node, _: &(), _: &mut Effects<Self>) {}

    fn choices(&self, id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        let mut hs = Vec::new();
        match node {
            Node::Client(left) if *left > 0 => out.push(Choice::Submit),
            Node::Input(s) => input_helpers(id, s.x, s.locks_left, &mut hs),
            Node::Output(Out::Active) => hs.push(Helper::SpendOutput),
            _ => {}
        }
        out.extend(hs.into_iter().map(Choice::Helper));
    }

    fn on_choice(&self, id: NodeId, node: &mut Node, c: &Choice, out: &mut Effects<Self>) {
        match (node, *c) {
            (Node::Client(left), Choice::Submit) => {
                *left -= 1;
                out.send(SHARD1, Msg::Prepare);
                out.send(SHARD2, Msg::Prepare);
            }
            (Node::Input(s), Choice::Helper(h)) => {
                apply_input_helper(id, h, &mut s.x, &mut s.locks_left, out);
            }
            (Node::Output(y3), Choice::Helper(Helper::SpendOutput)) => spend_y3(y3, out),
            _ => {}
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        let input = |i: usize| match nodes.get(i) {
            Some(Node::Input(s)) => *s,
            _ => InputShard {
                x: Obj::Active,
                y: Out::Absent,
                locks_left: 0,
                phase: Phase::Idle,
            },
        };
        let (a, b) = (input(0), input(1));
        let y3 = match nodes.get(2) {
            Some(Node::Output(y)) => *y,
            _ => Out::Absent,
        };
        let decision = |s: &InputShard| match s.phase {
            Phase::Decided(v) => Some(v),
            _ => None,
        };
        super::observe(
            &View {
                inputs: [a.x, b.x],
                outputs: [a.y, b.y, y3],
                outcomes: [outcome(a.x, decision(&a)), outcome(b.x, decision(&b))],
            },
            obs,
        );
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&CONSISTENCY),
            Property::catalogue(&NO_INACTIVE_INPUT_SPEND),
            Property::catalogue(&OUTPUT_INTEGRITY),
            Property::catalogue(&CONSERVATION),
            Property::catalogue(&CAN_COMMIT),
            Property::catalogue(&CAN_ABORT),
        ]
    }
}

/// The default kernel configuration: unordered, one replay, async time, and room for four
/// copies of a message in flight (each instance, implicit prepares and a replay send the same
/// messages again).
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        replay: 1,
        copies: 4,
        ..KernelConfig::default()
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<Sbac>;
    type Variant = Flaw;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "Chainspace's S-BAC (shard-led) with T(x1, x2 -> y1, y2, y3) on three \
                      shards, helper transactions and resubmission: the replay attacks of \
                      Byzcuit's Tables 1 and 2",
            source: "Al-Bassam et al., Chainspace, NDSS 2018, IV-C; Sonnino et al., Replay \
                     Attacks and Defenses Against Cross-shard Consensus, EuroS&P 2020, 4, \
                     Tables 1-2, App. A.1; PROTOCOLS.md 5.1, 5.4",
            params: vec![
                ParamSpec::new(
                    "submissions",
                    2,
                    1..=3,
                    "how often the client may submit T (a resubmission starts a new instance)",
                ),
                ParamSpec::new(
                    "locks",
                    1,
                    0..=2,
                    "how often a helper may lock x2 (T'2 of Appendix A.1)",
                ),
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "--replay 0: all four still violated: an old pre-accept delivered late plays the \
                 recorded one, and shard-3 re-creates a spent y3 on the second genuine accept",
            ],
            catches: vec![
                "phase-1 replays racing a genuine vote (Table 1 rows 2, 3, 6, 8) and phase-2 \
                 re-creation of a spent output (Table 2): consistency, no_inactive_input_spend, \
                 output_integrity, conservation",
            ],
            misses: vec![
                "attacks needing more instances or helper locks (-p submissions=3, -p locks=2)",
                "the BFT inside a shard, malicious clients forging messages, the client's \
                 view of decisions",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<Flaw>> {
        vec![VariantSpec::violates(
            Flaw::Published,
            "default",
            "S-BAC as published: shards forget aborted instances and shard-3 spent outputs",
            &[
                CONSISTENCY.name,
                NO_INACTIVE_INPUT_SPEND.name,
                OUTPUT_INTEGRITY.name,
                CONSERVATION.name,
            ],
        )]
    }

    fn build(&self, c: &Config<'_, Flaw>) -> Result<World<Sbac>, ConfigError> {
        Ok(World::new(
            Sbac {
                submissions: u8::try_from(c.param("submissions")).unwrap_or(2),
                locks: u8::try_from(c.param("locks")).unwrap_or(1),
            },
            c.kernel(),
        ))
    }
}
