//! `atomix`: OmniLedger's Atomix (client-led), in the setting of the replay-attack paper: its
//! phase-1 and phase-2 replay attacks emerge from the kernel's replay budget and an honest
//! client's resubmission after an abort.
//!
//! Sources: E. Kokoris-Kogias et al., "OmniLedger", IEEE S&P 2018, §IV-C (Atomix); A. Sonnino
//! et al., "Replay Attacks and Defenses Against Cross-shard Consensus in Sharded Distributed
//! Ledgers", EuroS&P 2020, §5 (the attacks), Tables 3 and 4, Appendix A.2; PROTOCOLS.md §5.2
//! and §5.4. The setting (nodes, objects, helpers, values) is the parent module's.
//!
//! Encoding. The client gossips T to the input shards and coordinates it. An input shard with
//! its input active inactivates it for T ("marks within the state that the input is spent")
//! and sends a proof of acceptance to the client; otherwise a proof of rejection. The client
//! acts on the first vote of each input shard in its current instance: on a rejection it sends
//! `unlock-to-abort(T)` to the input shards, which re-activate an input inactivated for T; on
//! two acceptances `unlock-to-commit(T)` to the output shards (all three: y1, y2, y3), which
//! create their output unless it is active. The client resubmits T after an abort (a budget,
//! `submissions`), never after a commit; input shards keep no record of instances. The
//! observation reports an input inactivated for T as held for T (the abort can undo it).
//!
//! Abstractions: the BFT inside a shard, signatures and Merkle proofs (the kernel's attacker
//! only re-delivers genuine messages), the time-out by which a shard leader may drive the
//! unlock. Failure model: honest shards, an honest client, an unordered network that may
//! re-deliver any message ever sent (`--replay`, the paper's attacker: no step of an attack is
//! scripted), no loss, no crashes (`--crashes` is refused).
//!
//! What the checker finds at the defaults (2 submissions, 1 helper lock of x2, replay 1:
//! 28,867 states; counts and lengths pinned in `tests/it/replay_attacks.rs`), by table row:
//! - `consistency`, `output_integrity`, `conservation` (8 steps): Table 4 row 4's replayed
//!   `unlock-to-commit(T)`, here after the commit — T commits, shard-3 creates y3, its owner
//!   spends it, the replayed unlock creates it again (Byzcuit §5.5: coins from thin air).
//! - `no_inactive_input_spend` (11 steps): Table 3 row 6 (A-T3-R6) — the replayed gossip of T
//!   makes shard-1 reject T (x1 is already inactivated for it), the client aborts and shard-1
//!   re-activates x1 while shard-2 has not yet heard the abort; T''1 spends x1, the client
//!   resubmits, and the proofs of acceptance of the aborted instance, still in flight, reach
//!   the client first: it unlocks T to commit and the outputs appear behind a spent x1.
//! - `can_commit` and `can_abort` are witnessed (7 and 5 steps).
//!
//! With `--replay 0` all four are still violated (12, 13, 12, 12 steps): proofs of an aborted
//! instance delivered late count in the next one, as replayed ones do.

use serde::Serialize;
use xshard_properties::{
    NodeId, Observation, CAN_ABORT, CAN_COMMIT, CONSERVATION, CONSISTENCY, NO_INACTIVE_INPUT_SPEND,
    OUTPUT_INTEGRITY,
};

use super::{
    apply_input_helper, create_output, input_helpers, input_index, outcome, spend_y3, Helper, Obj,
    Out, View, Vote, CLIENT, NODE_NAMES, SHARD1, SHARD2, SHARD3, T,
};
use crate::entry::{Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, World};

/// The registry name.
pub const NAME: &str = "atomix";

/// An input shard (shard-1 or shard-2), also the output shard of y1 or y2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct InputShard {
    /// Its input, x1 or x2.
    pub x: Obj,
    /// Its output, y1 or y2.
    pub y: Out,
    /// Helper locks its input may still suffer (x2 only).
    pub locks_left: u8,
    /// Its latest decision for T: rejected or unlocked to abort, unlocked to commit.
    pub decision: Option<Vote>,
}

/// The client, T's coordinator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Client {
    /// Submissions left.
    pub left: u8,
    /// The current instance's votes from shard-1 and shard-2, while one is open.
    pub votes: Option<[Option<Vote>; 2]>,
    /// Whether T was unlocked to commit (the client stops resubmitting).
    pub committed: bool,
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// shard-1 or shard-2.
    Input(InputShard),
    /// shard-3: y3.
    Output(Out),
    /// The client.
    Client(Client),
}

/// A message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// T gossiped to an input shard.
    Lock,
    /// A proof of acceptance (`Commit`) or rejection (`Abort`), input shard to client.
    Proof(Vote),
    /// `unlock-to-commit(T)`, client to an output shard.
    UnlockCommit,
    /// `unlock-to-abort(T)`, client to an input shard.
    UnlockAbort,
}

/// A local choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// The client submits T.
    Submit,
    /// A helper transaction at a shard.
    Helper(Helper),
}

/// The variant (Atomix has one: the published protocol).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// The protocol as published.
    Published,
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct Atomix {
    /// How often the client may submit T.
    pub submissions: u8,
    /// How often x2 may be locked by a helper.
    pub locks: u8,
}

impl Protocol for Atomix {
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
                decision: None,
            }),
            SHARD3 => Node::Output(Out::Absent),
            _ => Node::Client(Client {
                left: self.submissions,
                votes: None,
                committed: false,
            }),
        }
    }

    fn on_message(
        &self,
        id: NodeId,
        node: &mut Node,
        from: NodeId,
        m: &Msg,
        out: &mut Effects<Self>,
    ) {
        match (node, *m) {
            (Node::Input(s), Msg::Lock) => {
                if s.x == Obj::Active {
                    s.x = Obj::Locked(T);
                    s.decision = None;
                    out.send(CLIENT, Msg::Proof(Vote::Commit));
                } else {
                    s.decision = Some(Vote::Abort);
                    out.send(CLIENT, Msg::Proof(Vote::Abort));
                }
            }
            (Node::Input(s), Msg::UnlockAbort) => {
                if s.x == Obj::Locked(T) {
                    s.x = Obj::Active;
                }
                s.decision = Some(Vote::Abort);
            }
            (Node::Input(s), Msg::UnlockCommit) => {
                if let Some(k) = input_index(id) {
                    create_output(id, k, &mut s.y, out);
                }
                s.decision = Some(Vote::Commit);
            }
            (Node::Output(y3), Msg::UnlockCommit) => create_output(SHARD3, 2, y3, out),
            (Node::Client(c), Msg::Proof(v)) => {
                let (Some(votes), Some(k)) = (c.votes.as_mut(), input_index(from)) else {
                    return;
                };
                if votes[k].is_some() {
                    return;
                }
                votes[k] = Some(v);
                if v == Vote::Abort {
                    c.votes = None;
                    out.send(SHARD1, Msg::UnlockAbort);
                    out.send(SHARD2, Msg::UnlockAbort);
                } else if votes.iter().all(|v| *v == Some(Vote::Commit)) {
                    c.votes = None;
                    c.committed = true;
                    for shard in [SHARD1, SHARD2, SHARD3] {
                        out.send(shard, Msg::UnlockCommit);
                    }
                }
            }
            _ => {}
        }
    }

    fn on_timer(&self, _: NodeId, _: &mut Node, _: &(), _: &mut Effects<Self>) {}

    fn choices(&self, id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        let mut hs = Vec::new();
        match node {
            Node::Client(c) if c.left > 0 && c.votes.is_none() && !c.committed => {
                out.push(Choice::Submit);
            }
            Node::Input(s) => input_helpers(id, s.x, s.locks_left, &mut hs),
            Node::Output(Out::Active) => hs.push(Helper::SpendOutput),
            _ => {}
        }
        out.extend(hs.into_iter().map(Choice::Helper));
    }

    fn on_choice(&self, id: NodeId, node: &mut Node, c: &Choice, out: &mut Effects<Self>) {
        match (node, *c) {
            (Node::Client(cl), Choice::Submit) => {
                cl.left -= 1;
                cl.votes = Some([None, None]);
                out.send(SHARD1, Msg::Lock);
                out.send(SHARD2, Msg::Lock);
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
                decision: None,
            },
        };
        let (a, b) = (input(0), input(1));
        let y3 = match nodes.get(2) {
            Some(Node::Output(y)) => *y,
            _ => Out::Absent,
        };
        super::observe(
            &View {
                inputs: [a.x, b.x],
                outputs: [a.y, b.y, y3],
                outcomes: [outcome(a.x, a.decision), outcome(b.x, b.decision)],
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

/// The default kernel configuration: unordered, one replay, async time, and room for three
/// copies of a message in flight (each instance sends the same messages again).
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        replay: 1,
        copies: 3,
        ..KernelConfig::default()
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<Atomix>;
    type Variant = Flaw;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "OmniLedger's Atomix (client-led) with T(x1, x2 -> y1, y2, y3) on three \
                      shards, helper transactions and resubmission after an abort: the replay \
                      attacks of Byzcuit's Tables 3 and 4",
            source: "Kokoris-Kogias et al., OmniLedger, IEEE S&P 2018, IV-C; Sonnino et al., \
                     Replay Attacks and Defenses Against Cross-shard Consensus, EuroS&P 2020, \
                     5, Tables 3-4, App. A.2; PROTOCOLS.md 5.2, 5.4",
            params: vec![
                ParamSpec::new(
                    "submissions",
                    2,
                    1..=3,
                    "how often the client may submit T (it resubmits only after an abort)",
                ),
                ParamSpec::new(
                    "locks",
                    1,
                    0..=2,
                    "how often a helper may lock x2 (T'2 of Appendix A.2)",
                ),
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "--replay 0: all four still violated: proofs of an aborted instance delivered \
                 late count in the next one",
            ],
            catches: vec![
                "a replayed proof of acceptance reaching the client first (Table 3 rows 6, 8, \
                 10) and a replayed unlock of an earlier instance (Table 4 rows 2, 4): \
                 consistency, no_inactive_input_spend, output_integrity, conservation",
            ],
            misses: vec![
                "attacks needing more instances or helper locks (-p submissions=3, -p locks=2)",
                "a malicious or crashed client (inputs locked for good: availability), the \
                 BFT inside a shard",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<Flaw>> {
        vec![VariantSpec::violates(
            Flaw::Published,
            "default",
            "Atomix as published: the client and the shards cannot tell an instance's \
             messages from an earlier one's",
            &[
                CONSISTENCY.name,
                NO_INACTIVE_INPUT_SPEND.name,
                OUTPUT_INTEGRITY.name,
                CONSERVATION.name,
            ],
        )]
    }

    fn build(&self, c: &Config<'_, Flaw>) -> Result<World<Atomix>, ConfigError> {
        Ok(World::new(
            Atomix {
                submissions: u8::try_from(c.param("submissions")).unwrap_or(2),
                locks: u8::try_from(c.param("locks")).unwrap_or(1),
            },
            c.kernel(),
        ))
    }
}
