//! `three-phase-commit`: Skeen's three-phase commit with its termination protocol, on the
//! world kernel in clocked time: safe and non-blocking under crash-stop failures of all but
//! one site with a reliable network, and broken by a network partition.
//!
//! Sources. D. Skeen, "Nonblocking Commit Protocols", SIGMOD 1981 (the protocol, the
//! termination rules and the design rule "no state is adjacent to both commit and abort, and
//! no non-committable state is adjacent to commit"); Skeen & Stonebraker, "A Formal Model of
//! Crash Recovery in a Distributed System", IEEE TSE 1983 (the failure model: fail-stop sites,
//! reliable links, synchrony with perfect failure detection, no partitions); PROTOCOLS.md §4.4
//! and §7.5 S7 (the minimal partition counterexample). Keidar & Dolev, "Increasing the
//! resilience of atomic commit, at no additional cost", PODS 1995, for why quorums are needed
//! once partitions are in the failure model.
//!
//! Nodes: `shards` participants (ids `0..shards`) and the coordinator (id `shards`); one
//! transaction (`tx1`). The coordinator sends `CanCommit` to every participant; a participant
//! answers with its vote (yes unless it chose `Refuse` before being asked) and enters the
//! uncertain state `w` (or aborts, on a no). On every yes the coordinator sends `PreCommit`
//! and enters `p`; a participant that receives it enters the committable state `p` and
//! acknowledges; on every acknowledgement the coordinator commits and sends `DoCommit`. A no
//! vote, or a missing vote at the coordinator's time-out, aborts. Time-outs, sized from Δ so
//! that in clocked time without partitions they fire only when a site really failed:
//!
//! | who, in which state | time-out | action |
//! |---|---|---|
//! | coordinator in `w` | 2Δ + 1 after `CanCommit` | abort |
//! | coordinator in `p` | 2Δ + 1 after `PreCommit` | commit (a silent participant crashed in `p`) |
//! | participant in `q` | Δ + 1 from the start | abort (it has not voted) |
//! | participant in `w` or `p` | 3Δ + 2 after its vote or `PreCommit` | the termination protocol |
//!
//! The termination protocol (Skeen's, run by every participant whose time-out fires, so no
//! election is needed): ask every other participant for its state (`StateReq`), collect the
//! replies for 2Δ + 1 ticks, then decide from its own state and the replies: (1) any aborted
//! or not yet voted: abort; (2) any committed: commit; (3) any committable (itself included):
//! move the others to `p` with `PreCommit`, then commit; (4) all uncertain: abort. The
//! decision is sent to every other participant.
//!
//! **Broadcasts are one message per step.** A site that fails part-way through a broadcast is
//! the failure 3PC is designed around (the coordinator crashing after its `PreCommit` reached
//! some participants), and a kernel handler's sends are atomic; so every broadcast sends to
//! the first participant in the step that starts it and to each next one on a zero-delay
//! timer (`Send`), which in clocked time fires before the clock moves on. A crash between two
//! of those steps leaves the broadcast half done.
//!
//! What the checker reports (2 participants unless said; counts in
//! `tests/it/three_phase_commit.rs`):
//! - default (clocked, Δ = 1, `--crashes 2`, crash-stop, every site may crash): `atomicity`,
//!   `deadlock_freedom` and `progress` hold; both witnesses are found. Any two of the three
//!   sites may fail, at any point of any broadcast, and the survivor decides alone.
//! - `--partitions 1` (S7): `atomicity` violated. The shortest counterexample: both
//!   participants vote yes, the coordinator sends `PreCommit` to shard-a, the network splits
//!   {shard-a, coordinator} | {shard-b} (the `PreCommit` to shard-b is lost with it),
//!   shard-b's termination protocol hears nobody and aborts (all it sees is uncertain), the
//!   coordinator times out waiting for shard-b's acknowledgement and commits, shard-a commits.
//! - `--time async` (false suspicion: a time-out fires while the coordinator is merely slow)
//!   and `--loss 1` (a lost `PreCommit` looks like a crash): `atomicity` violated too. Both
//!   are outside 3PC's failure model, as a partition is; they are why 3PC is not used on
//!   real networks without quorums (Keidar & Dolev).
//! - `two-phase` (2PC with the same termination protocol: no `PreCommit` round, the
//!   coordinator commits on every yes): holds with one crash, and violates `atomicity` with
//!   two: the coordinator commits, its `DoCommit` reaches shard-a, and both crash; shard-b,
//!   uncertain, can only abort (rule 4) although shard-a committed. This is the blocking that
//!   3PC's extra phase removes: in 3PC nobody commits before every live participant is
//!   committable.
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.
//!
//! Abstracted away: the data and the client; site recovery (`--crash-mode recover` runs, but
//! Skeen's recovery protocol, which asks the other sites before deciding, is not modelled: a
//! recovered participant just runs the termination protocol again); an election among
//! terminators (each runs its own, which the rules make consistent without partitions).

use serde::Serialize;
use xshard_properties::{
    NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT, DEADLOCK_FREEDOM, PROGRESS,
};

use crate::entry::{Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, TimeMode, World};

/// The registry name.
pub const NAME: &str = "three-phase-commit";

/// A participant's state (Skeen's `q`, `w`, `p`, `c`, `a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// `q`: not voted yet.
    Initial,
    /// `w`: voted yes, does not know the outcome.
    Uncertain,
    /// `p`: received `PreCommit`: every participant voted yes.
    Committable,
    /// `c`: committed.
    Committed,
    /// `a`: aborted.
    Aborted,
}

impl Phase {
    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A broadcast under way: the message and the next participant to send it to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Sending {
    /// What is broadcast.
    pub msg: Msg,
    /// The next receiver's id.
    pub next: u8,
}

/// A participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Participant {
    /// Its state.
    pub phase: Phase,
    /// It chose to vote no when asked.
    pub refuse: bool,
    /// It is running the termination protocol (collecting states).
    pub terminating: bool,
    /// Running the termination protocol: the phases it heard of (one bit per [`Phase`]).
    pub heard: u8,
    /// A broadcast under way.
    pub sending: Option<Sending>,
    /// It crashed (set by the crash, cleared by a recovery): an undecided crashed site has no
    /// outcome, since 3PC promises a decision at the operational sites only.
    pub crashed: bool,
}

/// The coordinator's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Waiting for votes (`w`).
    Waiting,
    /// Sent `PreCommit`, waiting for acknowledgements (`p`).
    Precommitted,
    /// Committed.
    Committed,
    /// Aborted.
    Aborted,
}

/// The coordinator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Coordinator {
    /// Its state.
    pub stage: Stage,
    /// Bit i: participant i voted yes.
    pub yes: u8,
    /// Bit i: participant i acknowledged `PreCommit`.
    pub acks: u8,
    /// A broadcast under way.
    pub sending: Option<Sending>,
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// One of the participants (ids `0..shards`).
    Participant(Participant),
    /// The coordinator (id `shards`).
    Coordinator(Coordinator),
}

/// A message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Msg {
    /// Coordinator to participant: the vote request.
    CanCommit,
    /// Participant to coordinator: its vote.
    Vote(bool),
    /// Every participant voted yes (from the coordinator, or a terminator's rule 3).
    PreCommit,
    /// Participant to coordinator: `PreCommit` received.
    Ack,
    /// The decision is commit.
    DoCommit,
    /// The decision is abort.
    Abort,
    /// A terminator asks for the receiver's state.
    StateReq,
    /// The reply: the sender's state.
    State(Phase),
}

/// A timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// The coordinator's time-out in `w` or `p`, a participant's in `q`, `w` or `p`.
    Wait,
    /// A terminator stops collecting states and decides.
    Collect,
    /// The next message of a broadcast (zero delay).
    Send,
}

/// A participant's one choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// Vote no when asked.
    Refuse,
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct ThreePhase {
    /// The number of participants.
    pub shards: u8,
    /// The delivery bound Δ the time-outs are sized from (1 in async time).
    pub delta: u32,
    /// The flaw: no `PreCommit` round (2PC with 3PC's termination protocol).
    pub two_phase: bool,
}

impl ThreePhase {
    fn coordinator(&self) -> NodeId {
        self.shards
    }

    fn all(&self) -> u8 {
        u8::try_from((1u32 << self.shards) - 1).unwrap_or(u8::MAX)
    }

    /// The first receiver of a broadcast by `from` at or after `next`, skipping the sender.
    fn receiver(&self, from: NodeId, next: u8) -> Option<u8> {
        (next..self.shards).find(|&i| i != from)
    }

    /// Sends the broadcast's next message and arms `Send` for the one after; clears
    /// `sending` once the last is sent.
    fn send_next(&self, from: NodeId, sending: &mut Option<Sending>, out: &mut Effects<Self>) {
        let Some(b) = *sending else { return };
        match self.receiver(from, b.next) {
            Some(to) => {
                out.send(to, b.msg);
                match self.receiver(from, to + 1) {
                    Some(after) => {
                        *sending = Some(Sending {
                            msg: b.msg,
                            next: after,
                        });
                        out.set_timer(Timer::Send, 0);
                    }
                    None => *sending = None,
                }
            }
            None => *sending = None,
        }
    }

    /// Starts broadcasting `msg` from `from` to every participant but itself.
    fn broadcast(
        &self,
        from: NodeId,
        sending: &mut Option<Sending>,
        msg: Msg,
        out: &mut Effects<Self>,
    ) {
        *sending = Some(Sending { msg, next: 0 });
        self.send_next(from, sending, out);
    }

    fn wait(&self) -> u32 {
        3 * self.delta + 2
    }

    fn round_trip(&self) -> u32 {
        2 * self.delta + 1
    }

    /// A participant applies a decision: its time-outs stop.
    fn decide(p: &mut Participant, phase: Phase, out: &mut Effects<Self>) {
        p.phase = phase;
        p.terminating = false;
        p.heard = 0;
        out.cancel_timer(Timer::Wait);
        out.cancel_timer(Timer::Collect);
    }

    /// The coordinator's decision, and its broadcast.
    fn coordinator_decides(&self, c: &mut Coordinator, stage: Stage, out: &mut Effects<Self>) {
        c.stage = stage;
        out.cancel_timer(Timer::Wait);
        let msg = if stage == Stage::Committed {
            Msg::DoCommit
        } else {
            Msg::Abort
        };
        self.broadcast(self.coordinator(), &mut c.sending, msg, out);
    }

    /// The termination protocol's decision at participant `id`.
    fn terminate(&self, id: NodeId, p: &mut Participant, out: &mut Effects<Self>) {
        let heard = p.heard | p.phase.bit();
        p.terminating = false;
        p.heard = 0;
        let abort = Phase::Aborted.bit() | Phase::Initial.bit();
        if heard & abort != 0 {
            Self::decide(p, Phase::Aborted, out);
            self.broadcast(id, &mut p.sending, Msg::Abort, out);
        } else if heard & Phase::Committed.bit() != 0 {
            Self::decide(p, Phase::Committed, out);
            self.broadcast(id, &mut p.sending, Msg::DoCommit, out);
        } else if heard & Phase::Committable.bit() != 0 {
            // Rule 3: nobody commits before every live participant is committable.
            p.phase = Phase::Committable;
            out.cancel_timer(Timer::Wait);
            self.broadcast(id, &mut p.sending, Msg::PreCommit, out);
            if p.sending.is_none() {
                Self::decide(p, Phase::Committed, out);
                self.broadcast(id, &mut p.sending, Msg::DoCommit, out);
            }
        } else {
            Self::decide(p, Phase::Aborted, out);
            self.broadcast(id, &mut p.sending, Msg::Abort, out);
        }
    }
}

impl Protocol for ThreePhase {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.shards)
            .map(|i| format!("shard-{}", char::from(b'a' + i)))
            .collect();
        names.push("coordinator".to_string());
        names
    }

    fn init(&self, id: NodeId, out: &mut Effects<Self>) -> Node {
        if id == self.coordinator() {
            // The vote requests all leave at the start: no crash can come between them.
            for s in 0..self.shards {
                out.send(s, Msg::CanCommit);
            }
            out.set_timer(Timer::Wait, self.round_trip());
            Node::Coordinator(Coordinator {
                stage: Stage::Waiting,
                yes: 0,
                acks: 0,
                sending: None,
            })
        } else {
            out.set_timer(Timer::Wait, self.delta + 1);
            Node::Participant(Participant {
                phase: Phase::Initial,
                refuse: false,
                terminating: false,
                heard: 0,
                sending: None,
                crashed: false,
            })
        }
    }

    fn on_message(
        &self,
        _id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: &Msg,
        out: &mut Effects<Self>,
    ) {
        let coordinator = self.coordinator();
        match node {
            Node::Participant(p) => match *msg {
                Msg::CanCommit if p.phase == Phase::Initial => {
                    if p.refuse {
                        Self::decide(p, Phase::Aborted, out);
                        out.send(coordinator, Msg::Vote(false));
                    } else {
                        p.phase = Phase::Uncertain;
                        out.send(coordinator, Msg::Vote(true));
                        out.set_timer(Timer::Wait, self.wait());
                    }
                }
                Msg::PreCommit if p.phase == Phase::Uncertain => {
                    p.phase = Phase::Committable;
                    if from == coordinator {
                        out.send(coordinator, Msg::Ack);
                    }
                    if !p.terminating {
                        out.set_timer(Timer::Wait, self.wait());
                    }
                }
                Msg::DoCommit if matches!(p.phase, Phase::Uncertain | Phase::Committable) => {
                    Self::decide(p, Phase::Committed, out);
                }
                // Without partitions only an uncertain or unvoted participant can be told
                // abort; a committable one obeys it too (the sender decided).
                Msg::Abort
                    if matches!(
                        p.phase,
                        Phase::Initial | Phase::Uncertain | Phase::Committable
                    ) =>
                {
                    Self::decide(p, Phase::Aborted, out);
                }
                Msg::StateReq => out.send(from, Msg::State(p.phase)),
                Msg::State(ph) if p.terminating => p.heard |= ph.bit(),
                _ => {}
            },
            Node::Coordinator(c) => match *msg {
                Msg::Vote(true) if c.stage == Stage::Waiting => {
                    c.yes |= 1 << from;
                    if c.yes == self.all() {
                        if self.two_phase {
                            self.coordinator_decides(c, Stage::Committed, out);
                        } else {
                            c.stage = Stage::Precommitted;
                            self.broadcast(coordinator, &mut c.sending, Msg::PreCommit, out);
                            out.set_timer(Timer::Wait, self.round_trip());
                        }
                    }
                }
                Msg::Vote(false) if c.stage == Stage::Waiting => {
                    self.coordinator_decides(c, Stage::Aborted, out);
                }
                Msg::Ack if c.stage == Stage::Precommitted => {
                    c.acks |= 1 << from;
                    if c.acks == self.all() {
                        self.coordinator_decides(c, Stage::Committed, out);
                    }
                }
                _ => {}
            },
        }
    }

    fn on_timer(&self, id: NodeId, node: &mut Node, timer: &Timer, out: &mut Effects<Self>) {
        match (node, timer) {
            (Node::Coordinator(c), Timer::Send) => {
                self.send_next(id, &mut c.sending, out);
            }
            (Node::Coordinator(c), Timer::Wait) => match c.stage {
                Stage::Waiting => self.coordinator_decides(c, Stage::Aborted, out),
                // A participant that does not acknowledge crashed committable.
                Stage::Precommitted => self.coordinator_decides(c, Stage::Committed, out),
                Stage::Committed | Stage::Aborted => {}
            },
            (Node::Coordinator(_), Timer::Collect) => {}
            (Node::Participant(p), Timer::Send) => {
                self.send_next(id, &mut p.sending, out);
                // Rule 3's PreCommit round is done: now commit.
                if p.sending.is_none() && p.phase == Phase::Committable {
                    Self::decide(p, Phase::Committed, out);
                    self.broadcast(id, &mut p.sending, Msg::DoCommit, out);
                }
            }
            (Node::Participant(p), Timer::Wait) => match p.phase {
                Phase::Initial => Self::decide(p, Phase::Aborted, out),
                Phase::Uncertain | Phase::Committable => {
                    p.terminating = true;
                    p.heard = 0;
                    for s in (0..self.shards).filter(|&s| s != id) {
                        out.send(s, Msg::StateReq);
                    }
                    out.set_timer(Timer::Collect, self.round_trip());
                }
                Phase::Committed | Phase::Aborted => {}
            },
            (Node::Participant(p), Timer::Collect) => {
                if p.terminating && matches!(p.phase, Phase::Uncertain | Phase::Committable) {
                    self.terminate(id, p, out);
                }
            }
        }
    }

    fn choices(&self, _id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        if let Node::Participant(p) = node {
            if p.phase == Phase::Initial && !p.refuse {
                out.push(Choice::Refuse);
            }
        }
    }

    fn on_choice(&self, _id: NodeId, node: &mut Node, _choice: &Choice, _out: &mut Effects<Self>) {
        if let Node::Participant(p) = node {
            p.refuse = true;
        }
    }

    /// Every site may crash (3PC is non-blocking unless every site fails).
    fn can_crash(&self, _id: NodeId) -> bool {
        true
    }

    /// The state is logged; what a site was doing (a broadcast, a termination) is not.
    fn persisted(&self, _id: NodeId, node: &Node) -> Node {
        match *node {
            Node::Participant(p) => Node::Participant(Participant {
                terminating: false,
                heard: 0,
                sending: None,
                crashed: true,
                ..p
            }),
            Node::Coordinator(c) => Node::Coordinator(Coordinator { sending: None, ..c }),
        }
    }

    fn on_recover(&self, _id: NodeId, node: &mut Node, out: &mut Effects<Self>) {
        match node {
            Node::Participant(p) => {
                p.crashed = false;
                if matches!(
                    p.phase,
                    Phase::Initial | Phase::Uncertain | Phase::Committable
                ) {
                    out.set_timer(Timer::Wait, 0);
                }
            }
            Node::Coordinator(c) => {
                if matches!(c.stage, Stage::Waiting | Stage::Precommitted) {
                    out.set_timer(Timer::Wait, 0);
                }
            }
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        for (i, n) in nodes.iter().enumerate() {
            let id = NodeId::try_from(i).unwrap_or(NodeId::MAX);
            if let Node::Participant(p) = n {
                if p.crashed && !matches!(p.phase, Phase::Committed | Phase::Aborted) {
                    continue;
                }
                let outcome = match p.phase {
                    Phase::Initial => Outcome::Pending,
                    Phase::Uncertain | Phase::Committable => Outcome::Locked,
                    Phase::Committed => Outcome::Committed,
                    Phase::Aborted => Outcome::Aborted,
                };
                obs.participant(0, id, outcome);
            }
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&ATOMICITY),
            Property::catalogue(&DEADLOCK_FREEDOM),
            Property::catalogue(&PROGRESS),
            Property::catalogue(&CAN_COMMIT),
            Property::catalogue(&CAN_ABORT),
        ]
    }
}

/// The default kernel configuration: clocked time with Δ = 1, a reliable network, up to two
/// crash-stop failures (all sites but one).
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        crashes: 2,
        time: TimeMode::Clocked,
        delta: 1,
        horizon: 12,
        ..KernelConfig::default()
    }
}

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Three-phase commit.
    Default,
    /// No `PreCommit` round: two-phase commit with 3PC's termination protocol.
    TwoPhase,
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<ThreePhase>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "Skeen's three-phase commit with its termination protocol, in clocked time \
                      (crash-stop sites; partitions break it)",
            source: "Skeen, Nonblocking Commit Protocols, SIGMOD 1981; Skeen & Stonebraker, IEEE \
                     TSE 1983; PROTOCOLS.md 4.4, 7.5 S7",
            params: vec![ParamSpec {
                name: "shards",
                default: 2,
                min: 1,
                max: 3,
                doc: "number of participants",
                implicit_default: false,
            }],
            kernel: Some(default_kernel()),
            notes: vec![
                "--partitions 1: atomicity violated (S7): the side without the coordinator \
                 aborts by its termination protocol while the coordinator's side commits",
                "--time async (a false time-out) and --loss 1 (a lost PreCommit looks like a \
                 crash): atomicity violated; both are outside 3PC's failure model",
                "two-phase: holds with one crash; with two (the default) the coordinator and the \
                 one participant that committed crash, and the other aborts",
            ],
            catches: vec![
                "a commit reachable while some live participant is not yet committable, or a termination rule that decides differently from a failed site: atomicity (any two of three sites crashing at any point of a broadcast)",
                "a survivor that cannot decide alone, or a timer left armed once done: progress, deadlock_freedom",
            ],
            misses: vec![
                "partitions (--partitions 1), lost messages (--loss 1) and false time-outs (--time async): outside the failure model, and each breaks 3PC",
                "site recovery (Skeen's recovery protocol is not modelled), a third participant (-p shards=3)",
            ],
        }
    }

    fn horizon(
        &self,
        _variant: Variant,
        _params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let faults =
            u32::from(kernel.crashes) + u32::from(kernel.loss) + u32::from(kernel.partitions);
        Some(kernel.delta * (9 + 3 * faults) + 4 + 2 * faults)
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec::holds(
                Variant::Default,
                "default",
                "three-phase commit: nobody commits before every live participant is \
                 committable",
            ),
            VariantSpec::violates(
                Variant::TwoPhase,
                "two-phase",
                "no PreCommit round: a participant that committed and crashed with the \
                 coordinator leaves the other uncertain, and it aborts",
                &[ATOMICITY.name],
            ),
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<ThreePhase>, ConfigError> {
        let kernel = c.kernel();
        Ok(World::new(
            ThreePhase {
                shards: u8::try_from(c.param("shards")).unwrap_or(2),
                delta: if kernel.clocked() { kernel.delta } else { 1 },
                two_phase: matches!(c.variant, Variant::TwoPhase),
            },
            kernel,
        ))
    }
}
