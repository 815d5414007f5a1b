//! `byzcuit`: Byzcuit, the replay-resistant cross-shard commit protocol (sequence numbers,
//! dummy objects for output-only shards, a session cache), in the setting of the replay-attack
//! paper, with the ablations that each bring an attack back.
//!
//! Source: A. Sonnino, S. Bano, M. Al-Bassam, G. Danezis, "Replay Attacks and Defenses Against
//! Cross-shard Consensus in Sharded Distributed Ledgers", EuroS&P 2020, §6 (root causes), §7
//! (Byzcuit, Fig. 5–6), §7.1 (sequence-number overflow), Lemma 1 and Theorems 1–2;
//! PROTOCOLS.md §5.3 and §5.4 (the held-out ablations). The setting (nodes, objects, helpers,
//! values) is the parent module's.
//!
//! Encoding. Every input and shard-3's dummy object carry a sequence number, starting at 0.
//! The client is the transaction manager (Byzcuit's TM may be anyone, §7): it submits
//! `(T, s)` to all three shards (shard-3's dummy is T's implicit input), where `s` is its
//! session number, 0 at first and `s + 1` after each abort (`submissions` bounds how often).
//! A shard that is not already in session `(T, s)` checks that its object is active and that
//! `s` is at least its sequence number; if so it locks the object for T, caches `(T, s)` and
//! sends `pre-accept(T, s)` to the TM; otherwise it sends `pre-abort(T, s)` and raises its
//! sequence number past `s`. The TM counts only votes of its current session;
//! once it has heard from all three shards it sends `accept(T, s)` to all of them if
//! all pre-accepted, `abort(T, s)` otherwise. A shard acts on
//! `accept(T, s)` or `abort(T, s)` only while `(T, s)` is cached, and then drops it: accept
//! spends its input and creates its output (shard-3 consumes its dummy and creates y3 and a
//! fresh dummy numbered `s + 1`), abort releases the lock and sets the sequence number to
//! `s + 1`. A helper lock's release (T' aborts) raises the input's number by one, as its abort
//! would.
//!
//! Variants (ablations, PROTOCOLS.md §5.4; each is one guard removed):
//! - `no-sequence-numbers`: every number stays 0, so the TM and the shards cannot tell a
//!   session's messages from an earlier one's.
//! - `no-dummy-objects`: shard-3 owns no object for T, so it pre-accepts and caches any
//!   `(T, s)`, also a replayed one after T committed.
//! - `wrapping-sequence-numbers`: numbers are kept modulo 2 (bounded counters that overflow,
//!   §7.1): the third session reuses the first session's number.
//! - `no-cache-check`: shards act on `accept(T, s)` and `abort(T, s)` without consulting the
//!   cache.
//!
//! Abstractions: the BFT inside a shard, signatures (the kernel's attacker only re-delivers
//! genuine messages), the well-formedness of `s` (a signed T), the clone procedure against
//! overflow, the TM's time-out. Failure model: honest shards, an honest client, an unordered
//! network that may re-deliver any message ever sent (`--replay`), no loss, no crashes
//! (`--crashes` is refused).
//!
//! What the checker finds at the defaults (2 submissions, 1 helper lock of x2, replay 1;
//! `no-dummy-objects` and `wrapping-sequence-numbers` replay 2; counts and lengths pinned in
//! `tests/it/replay_attacks.rs`):
//! - `default` (58,943 states): every property holds; `can_commit` and `can_abort` are
//!   witnessed (9 and 5 steps). It still holds with `--replay 2` (492,816 states).
//! - `no-sequence-numbers` (22,506): `consistency`, `output_integrity`, `conservation` in 18
//!   steps — Table 3 row 8 at the TM: session 0 aborts (x2 locked by T'2), the client
//!   resubmits with the same number, and shard-1's replayed pre-accept of session 0 completes
//!   the votes before shard-1 has voted: shard-2 commits while x1 is active.
//!   `no_inactive_input_spend` in 19: Table 3 row 6, the same with x1 spent by T''1 first.
//! - `no-dummy-objects` (562,616): `consistency`, `output_integrity`, `conservation` in 11
//!   steps — Table 2 rows 2–4: T commits, y3 is spent, the replayed `(T, 0)` is cached again
//!   at shard-3 (it has no object whose number would refuse it) and the replayed
//!   `accept(T, 0)` re-creates y3. With one replay it holds (64,121).
//! - `wrapping-sequence-numbers` (910,587): the same three in 22 steps — session 0 aborts,
//!   session 1 commits, shard-3's fresh dummy is numbered 2 mod 2 = 0, and session 1's
//!   replayed `(T, 1)` and `accept(T, 1)` re-create y3 (§7.1: the attacks return after a
//!   wrap). With one replay it holds (89,721).
//! - `no-cache-check` (66,217): `consistency`, `output_integrity`, `conservation` in 10 steps
//!   — Table 2 rows 2–4, a replayed `accept(T, 0)` re-creates a spent y3;
//!   `no_inactive_input_spend` in 21 — Table 4 row 2: session 0 aborts, session 1 commits on
//!   shard-2, the replayed `abort(T, 0)` releases x1 locked for session 1, and T''1 spends it.

use serde::Serialize;
use xshard_properties::{
    NodeId, Observation, CAN_ABORT, CAN_COMMIT, CONSERVATION, CONSISTENCY, NO_INACTIVE_INPUT_SPEND,
    OUTPUT_INTEGRITY,
};

use super::{
    apply_input_helper, create_output, input_helpers, outcome, spend_input, spend_y3, Helper, Obj,
    Out, View, Vote, CLIENT, NODE_NAMES, SHARD1, SHARD2, SHARD3, T,
};
use crate::entry::{Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, World};

/// The registry name.
pub const NAME: &str = "byzcuit";

/// A shard: its object for T (x1, x2, or shard-3's dummy), its sequence number, its cached
/// session and its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Shard {
    /// x1, x2, or shard-3's dummy object.
    pub obj: Obj,
    /// The object's sequence number.
    pub seq: u8,
    /// The live session `(T, s)` cached here.
    pub cache: Option<u8>,
    /// y1, y2 or y3.
    pub y: Out,
    /// Helper locks its input may still suffer (x2 only).
    pub locks_left: u8,
    /// Its latest decision for T.
    pub decision: Option<Vote>,
}

/// The client, T's transaction manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Client {
    /// Submissions left.
    pub left: u8,
    /// The current (or next) session number.
    pub session: u8,
    /// The current session's votes from the three shards, while one is open.
    pub votes: Option<[Option<Vote>; 3]>,
    /// Whether T was accepted (the client stops resubmitting).
    pub committed: bool,
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// shard-1, shard-2 or shard-3.
    Shard(Shard),
    /// The client.
    Client(Client),
}

/// A message; each carries the session number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// `(T, s)`, client to every shard.
    Submit(u8),
    /// `pre-accept(T, s)` or `pre-abort(T, s)`, shard to TM.
    Vote(Vote, u8),
    /// `accept(T, s)` or `abort(T, s)`, TM to every shard.
    Decide(Vote, u8),
}

/// A local choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// The client submits T in its next session.
    Submit,
    /// A helper transaction at a shard.
    Helper(Helper),
}

/// The variant: Byzcuit, or one of its defences removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// Byzcuit as published.
    None,
    /// Every sequence number stays 0.
    NoSequenceNumbers,
    /// Shard-3 has no dummy object.
    NoDummyObjects,
    /// Sequence numbers are kept modulo 2.
    WrappingSequenceNumbers,
    /// Shards act on phase-2 messages without consulting their cache.
    NoCacheCheck,
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct Byzcuit {
    /// How often the client may submit T.
    pub submissions: u8,
    /// How often x2 may be locked by a helper.
    pub locks: u8,
    /// The variant's flaw, if any.
    pub flaw: Flaw,
}

impl Byzcuit {
    /// The number after `s`.
    fn next(&self, s: u8) -> u8 {
        match self.flaw {
            Flaw::NoSequenceNumbers => 0,
            Flaw::WrappingSequenceNumbers => (s + 1) % 2,
            _ => s.saturating_add(1),
        }
    }

    /// Whether shard `id` checks an object of its own for T (shard-3 has none without dummies).
    fn has_object(&self, id: NodeId) -> bool {
        id != SHARD3 || self.flaw != Flaw::NoDummyObjects
    }

    fn on_submit(&self, id: NodeId, s: &mut Shard, session: u8, out: &mut Effects<Self>) {
        if s.cache == Some(session) {
            return;
        }
        let own = self.has_object(id);
        if !own || (s.obj == Obj::Active && session >= s.seq) {
            if own {
                s.obj = Obj::Locked(T);
            }
            s.cache = Some(session);
            s.decision = None;
            out.send(CLIENT, Msg::Vote(Vote::Commit, session));
        } else {
            if session >= s.seq {
                s.seq = self.next(session);
            }
            s.decision = Some(Vote::Abort);
            out.send(CLIENT, Msg::Vote(Vote::Abort, session));
        }
    }

    fn on_decide(&self, id: NodeId, s: &mut Shard, v: Vote, session: u8, out: &mut Effects<Self>) {
        if s.cache != Some(session) && self.flaw != Flaw::NoCacheCheck {
            return;
        }
        match v {
            Vote::Commit => {
                if id == SHARD3 {
                    if s.obj == Obj::Locked(T) {
                        // The dummy is consumed and a fresh one takes its place.
                        s.obj = Obj::Active;
                        s.seq = self.next(session);
                    }
                } else {
                    spend_input(id, &mut s.obj, out);
                }
                create_output(id, usize::from(id), &mut s.y, out);
            }
            Vote::Abort => {
                if s.obj == Obj::Locked(T) {
                    s.obj = Obj::Active;
                }
                s.seq = match self.flaw {
                    Flaw::WrappingSequenceNumbers => self.next(session),
                    _ => s.seq.max(self.next(session)),
                };
            }
        }
        s.cache = None;
        s.decision = Some(v);
    }
}

impl Protocol for Byzcuit {
    type Node = Node;
    type Msg = Msg;
    type Timer = ();
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        NODE_NAMES.iter().map(|s| s.to_string()).collect()
    }

    fn init(&self, id: NodeId, _out: &mut Effects<Self>) -> Node {
        if id == CLIENT {
            Node::Client(Client {
                left: self.submissions,
                session: 0,
                votes: None,
                committed: false,
            })
        } else {
            Node::Shard(Shard {
                obj: Obj::Active,
                seq: 0,
                cache: None,
                y: Out::Absent,
                locks_left: if id == SHARD3 { 0 } else { self.locks },
                decision: None,
            })
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
            (Node::Shard(s), Msg::Submit(session)) => self.on_submit(id, s, session, out),
            (Node::Shard(s), Msg::Decide(v, session)) => self.on_decide(id, s, v, session, out),
            (Node::Client(c), Msg::Vote(v, session)) => {
                let k = usize::from(from);
                let Some(votes) = c.votes.as_mut() else {
                    return;
                };
                if session != c.session || votes.get(k).is_none_or(|v| v.is_some()) {
                    return;
                }
                votes[k] = Some(v);
                // The TM decides once it has heard from every concerned shard (§7, step 3).
                if votes.iter().any(Option::is_none) {
                    return;
                }
                let d = if votes.iter().all(|v| *v == Some(Vote::Commit)) {
                    c.committed = true;
                    Vote::Commit
                } else {
                    c.session = self.next(session);
                    Vote::Abort
                };
                {
                    c.votes = None;
                    for shard in [SHARD1, SHARD2, SHARD3] {
                        out.send(shard, Msg::Decide(d, session));
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
            Node::Shard(s) if id == SHARD3 => {
                if s.y == Out::Active {
                    hs.push(Helper::SpendOutput);
                }
            }
            Node::Shard(s) => input_helpers(id, s.obj, s.locks_left, &mut hs),
            Node::Client(_) => {}
        }
        out.extend(hs.into_iter().map(Choice::Helper));
    }

    fn on_choice(&self, id: NodeId, node: &mut Node, c: &Choice, out: &mut Effects<Self>) {
        match (node, *c) {
            (Node::Client(cl), Choice::Submit) => {
                cl.left -= 1;
                cl.votes = Some([None; 3]);
                for shard in [SHARD1, SHARD2, SHARD3] {
                    out.send(shard, Msg::Submit(cl.session));
                }
            }
            (Node::Shard(s), Choice::Helper(Helper::SpendOutput)) => spend_y3(&mut s.y, out),
            (Node::Shard(s), Choice::Helper(h)) => {
                let released = apply_input_helper(id, h, &mut s.obj, &mut s.locks_left, out);
                // T' aborted: its number is raised as an abort raises it.
                s.seq = if released { self.next(s.seq) } else { s.seq };
            }
            _ => {}
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        let shard = |i: usize| match nodes.get(i) {
            Some(Node::Shard(s)) => *s,
            _ => Shard {
                obj: Obj::Active,
                seq: 0,
                cache: None,
                y: Out::Absent,
                locks_left: 0,
                decision: None,
            },
        };
        let (a, b, c) = (shard(0), shard(1), shard(2));
        super::observe(
            &View {
                inputs: [a.obj, b.obj],
                outputs: [a.y, b.y, c.y],
                outcomes: [outcome(a.obj, a.decision), outcome(b.obj, b.decision)],
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
/// copies of a message in flight (a replay adds one).
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
    type Model = World<Byzcuit>;
    type Variant = Flaw;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "Byzcuit (sequence numbers, dummy objects, a session cache) with \
                      T(x1, x2 -> y1, y2, y3) on three shards, helper transactions and \
                      resubmission; its ablations bring the replay attacks back",
            source: "Sonnino et al., Replay Attacks and Defenses Against Cross-shard Consensus \
                     in Sharded Distributed Ledgers, EuroS&P 2020, 6-7, Fig. 5-6, Lemma 1, \
                     Theorems 1-2; PROTOCOLS.md 5.3, 5.4",
            params: vec![
                ParamSpec::new(
                    "submissions",
                    2,
                    1..=3,
                    "how often the client may submit T (a new session after each abort)",
                ),
                ParamSpec::new(
                    "locks",
                    1,
                    0..=2,
                    "how often a helper may lock x2 (T'2 of Appendix A)",
                ),
            ],
            kernel: Some(default_kernel()),
            notes: vec![],
            catches: vec![
                "replays of votes and decisions of earlier sessions, with every defence in \
                 place (holds) or one removed (each ablation is violated)",
            ],
            misses: vec![
                "more sessions or helper locks (-p submissions=3, -p locks=2); --replay 2 still \
                 holds",
                "the TM's time-out (a stuck session holds its lock), the clone procedure \
                 against overflow, the BFT inside a shard",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<Flaw>> {
        vec![
            VariantSpec::holds(
                Flaw::None,
                "default",
                "Byzcuit: sessions numbered by sequence numbers, dummy objects on output-only \
                 shards, phase-2 messages acted on only for a cached session",
            ),
            VariantSpec::violates(
                Flaw::NoSequenceNumbers,
                "no-sequence-numbers",
                "every sequence number stays 0: a vote or decision of an earlier session \
                 counts in a later one",
                &[
                    CONSISTENCY.name,
                    NO_INACTIVE_INPUT_SPEND.name,
                    OUTPUT_INTEGRITY.name,
                    CONSERVATION.name,
                ],
            ),
            VariantSpec::violates(
                Flaw::NoDummyObjects,
                "no-dummy-objects",
                "the output-only shard caches any session: a replayed session and accept \
                 re-create a spent output",
                &[CONSISTENCY.name, OUTPUT_INTEGRITY.name, CONSERVATION.name],
            )
            .kernel(KernelConfig {
                replay: 2,
                ..default_kernel()
            }),
            VariantSpec::violates(
                Flaw::WrappingSequenceNumbers,
                "wrapping-sequence-numbers",
                "sequence numbers modulo 2: after two sessions the fresh dummy's number wraps \
                 to 0, and a replayed session and accept re-create a spent output",
                &[CONSISTENCY.name, OUTPUT_INTEGRITY.name, CONSERVATION.name],
            )
            .kernel(KernelConfig {
                replay: 2,
                ..default_kernel()
            }),
            VariantSpec::violates(
                Flaw::NoCacheCheck,
                "no-cache-check",
                "shards act on accept and abort without consulting the session cache",
                &[
                    CONSISTENCY.name,
                    NO_INACTIVE_INPUT_SPEND.name,
                    OUTPUT_INTEGRITY.name,
                    CONSERVATION.name,
                ],
            ),
        ]
    }

    fn build(&self, c: &Config<'_, Flaw>) -> Result<World<Byzcuit>, ConfigError> {
        Ok(World::new(
            Byzcuit {
                submissions: u8::try_from(c.param("submissions")).unwrap_or(2),
                locks: u8::try_from(c.param("locks")).unwrap_or(1),
                flaw: c.variant,
            },
            c.kernel(),
        ))
    }
}
