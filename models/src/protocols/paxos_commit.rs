//! `paxos-commit`: Gray & Lamport's Paxos Commit by message passing on the world kernel, with
//! F = 1 (three acceptors) by default, whose acceptors may crash, over a network that may lose
//! messages.
//!
//! Sources. Gray & Lamport, "Consensus on Transaction Commit", ACM TODS 31(1), 2006 (MSR-TR-
//! 2003-96), §4 (Paxos Commit) and §5 (its cost against two-phase commit, and 2PC as "the
//! degenerate case of the Paxos Commit algorithm with a single acceptor"); their
//! `PaxosCommit.tla` (ported exactly as `tla-paxos-commit`); PROTOCOLS.md §4.5, §7.2 and §7.5
//! S8: "Paxos Commit, any F acceptor crashes and any message loss: safety holds; progress with
//! F+1 acceptors".
//!
//! Paxos Commit runs one Paxos consensus instance per resource manager (a shard here) on its
//! vote, prepared or aborted, among 2F + 1 acceptors, and the transaction commits exactly when
//! every instance chooses prepared. A shard is the ballot-0 leader of its own instance: it votes
//! by sending ballot 0's phase 2a message straight to the acceptors, which is what saves 2PC's
//! trip through a coordinator's log. A value is chosen when a quorum of acceptors accepted it
//! in one ballot. The leader learns the acceptors' phase 2b messages and decides: commit when
//! every instance chose prepared, abort when one chose aborted. A leader that takes over runs a
//! higher ballot: phase 1 (promises, each reporting the acceptor's vote), then phase 2 with
//! the highest-ballot value reported in each instance, or aborted where none was: a new leader
//! can never commit for a shard it has not heard from.
//!
//! Nodes (F = 1): the shards (`shard-a`, …, ids `0..shards`); `leader`, the node of acceptor
//! 1 and of the leader (Gray & Lamport place leaders on acceptors' nodes, so one crash takes
//! both: the TM failure 2PC blocks on); `acceptor-2` and `acceptor-3`; `backup`, the backup
//! leader, whose take-over time-out is armed from the start and in async time may fire at any
//! moment (a false suspicion: the leader merely slow). One transaction (`tx1`). The leader
//! sends `Prepare` to every shard; a shard votes yes (prepared, holding its lock) or no
//! (aborted at once) and sends its ballot-0 phase 2a to the F + 1 *active* acceptors, 1 and 2
//! (the paper's normal case needs only a majority; acceptor 3 is the spare the take-over may
//! need). The leader tells the shards its decision and sends the backup a notice, on which the
//! backup stands down. The backup's ballot 1 asks every acceptor for a promise, proposes to
//! those that promised (and to any that promises later: one that promised may have crashed
//! since), and on a quorum of acceptances tells the shards its decision. A shard applies the
//! first decision it receives. Nothing is scripted: the false suspicion is the scheduler's, a
//! crash the kernel's budget.
//!
//! What it abstracts, and why (together these keep the exhaustive check in the hundreds of
//! thousands of states; a first design without them passed 30 million states, with no fault
//! at all, before it was stopped):
//! - Ballots 0 and 1 only: ballot 0 is every shard's own, ballot 1 the backup's. One take-over,
//!   so the backup does not crash (a backup that crashed after its phase 1 would need a third
//!   leader with ballot 2); the shards do not crash either (their failures are not the point).
//! - Ballot 1 covers every instance at once, one message per acceptor and phase, and the
//!   acceptors bundle ballot 0's phase 2b (§4: an acceptor may send one message for all
//!   instances): an aborted vote is reported at once, prepared votes in one message once the
//!   acceptor has one for every instance.
//! - **Nothing is re-sent.** A lost message is lost for good, so the loss budget checks safety,
//!   and progress is checked under crashes without loss: S8's "progress with F+1 acceptors"
//!   presumes messages that eventually arrive. Retransmission until acknowledged (decisions,
//!   phase 1a and 2a) was tried: in async time its timers fire at any moment, every spurious
//!   copy is another state, and the search passed 20 million states, with no fault at all,
//!   before it was stopped.
//! - The client is abstracted away: the leader starts the commit (the paper's BeginCommit and
//!   Prepare are the N `Prepare` messages).
//!
//! Failure model: any one crash of a node hosting an acceptor (`leader`, `acceptor-2`,
//! `acceptor-3`): F = 1 of the 2F + 1. Crash-stop by default; with `--crash-mode recover` an
//! acceptor's promise and votes are on stable storage and survive, the leader's decision is
//! logged and its tallies of phase 2b messages are not. Any message may be lost or replayed
//! within the kernel's budgets. Time is asynchronous.
//!
//! Why it is safe. A shard commits only on `Commit` and aborts after voting yes only on
//! `Abort`. The leader sends `Commit` only when, in every instance, a quorum accepted prepared
//! in ballot 0; the backup only when its ballot 1 chose prepared in every instance, which it
//! proposes only where an acceptor reported a prepared vote. Any two quorums of F + 1 of 2F + 1
//! acceptors share one, and an acceptor that promised ballot 1 (durably) no longer accepts
//! ballot 0, so if ballot 0 chose a value in an instance, every quorum of promises reports it,
//! and ballot 1 proposes that very value: both leaders learn the same chosen values and decide
//! alike (Paxos's safety, per instance). Time-out revert: the take-over records a revert of
//! tx1 when it proposes aborted for an instance in which no vote was reported; a quorum of
//! promises reporting none means prepared cannot have been chosen there in ballot 0, so tx1
//! commits nowhere, and the take-over happens once: `timeout_revert` holds. Progress: with one
//! crash, two acceptors stay up, a quorum; the leader decides if its ballot 0 completes, and
//! otherwise the backup's time-out stays armed (only the leader's notice disarms it) and its
//! ballot 1 completes on the two acceptors left. Done states are at rest: the one timer is
//! disarmed by the notice or spent by the take-over.
//!
//! The flawed variants:
//! - `minority-quorum`: a quorum is one acceptor. No fault is needed (its default is
//!   `--crashes 0`): the backup takes over at once, acceptor-2 alone promises, reporting no vote,
//!   and alone accepts the backup's aborted (chosen, for a quorum of one), and the backup tells
//!   the shards `Abort`; shard-a votes yes, the leader's own acceptor accepts it (a quorum of
//!   one again), shard-a receives the `Abort`; shard-b votes yes, its vote reaches the leader's
//!   acceptor, and the leader, seeing prepared chosen in both instances, sends `Commit`, which
//!   shard-b receives. `atomicity` is violated in 13 steps, `timeout_revert` in 10 (the take-over
//!   aborts, shard-a commits).
//! - `forget-on-recover`: an acceptor's promise and votes are volatile (its default is
//!   `--crash-mode recover`). The backup takes over at once; the leader's acceptor and
//!   acceptor-3 promise and accept aborted in ballot 1, and the backup tells the shards
//!   `Abort`; shard-a receives it after voting yes; acceptor-2 accepts both shards' ballot-0
//!   prepared; the leader's node crashes and recovers having forgotten its promise and its
//!   ballot-1 votes, so it accepts the ballot-0 votes it was sent, and with acceptor-2's phase
//!   2b prepared is chosen in ballot 0 too: the leader sends `Commit` and shard-b commits.
//!   `atomicity` is violated in 22 steps, `timeout_revert` in 17. A forgotten promise is enough:
//!   a lower ballot then chooses what a higher one overrode.
//!
//! What the checker reports, by configuration (2 shards and F = 1 unless said; state counts in
//! `tests/it/paxos_commit.rs`):
//! - default (`--crashes 1`, crash-stop, no loss, async time): `atomicity`,
//!   `deadlock_freedom`, `progress` and `timeout_revert` hold over 466,635 states; both
//!   witnesses are found (`can_commit` after 11 steps: 2 votes and the 9 deliveries of the
//!   failure-free commit below, all but the backup's notice). Also with `--crashes 0`,
//!   `--crash-mode recover`, `--replay 1`, `--network ordered`, `--symmetry`, `-p shards=1`,
//!   `-p shards=3` (checked with `--crashes 0 --symmetry`) and in clocked time.
//! - `--loss 1` (or 2): `atomicity` and `timeout_revert` hold, S8's safety under loss;
//!   `deadlock_freedom` and `progress` are violated, since nothing is re-sent (with a crash:
//!   the backup's phase 1a to the leader's acceptor is lost and acceptor-2 crashes, 5 steps;
//!   without: a lost decision leaves its shard locked).
//! - `-p f=0`: one acceptor, on the leader's node, which is 2PC (§5). Everything holds without
//!   crashes; with `--crashes 1` the leader's node crashes and both ballots are gone:
//!   `deadlock_freedom` (6 steps) and `progress` (3) are violated, as 2PC blocks when its TM
//!   fails (PROTOCOLS.md S4). With F = 1 the same crash is survived: Paxos Commit is
//!   non-blocking.
//! - `minority-quorum`, `forget-on-recover`: `atomicity` and `timeout_revert` violated as
//!   above; `deadlock_freedom` and `progress` hold.
//!
//! Message count (PROTOCOLS.md §7.2; the unit tests drive the failure-free commit through the
//! handlers and count). The model's failure-free commit sends N `Prepare`, N(F + 1) ballot-0
//! phase 2a (each shard to the F + 1 active acceptors), F bundled phase 2b (each active
//! acceptor but the leader's own, which is on its node), N `Commit` and the backup's notice:
//! N(F + 3) + F + 1 messages, 10 at the defaults. Gray & Lamport count the same flow with
//! co-location (§5): the leader on the initiating RM's node and acceptor k on the k-th RM's;
//! no separate backup. Seen that way the same run is (N − 1) `Prepare` (the initiating RM's
//! BeginCommit is local), (N − 1)(F + 1) phase 2a, F phase 2b and (N − 1) `Commit`:
//! N(F + 3) − 3 messages, the paper's 17 for N = 5 and F = 1, and with F = 0 two-phase commit's
//! 3N − 3 (§3.2; 12 for N = 5), against 2PC's 3N − 1 without co-location. The formula is this
//! model's flow, checked against the paper's two figures; the paper's own derivation is not
//! quoted here.
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.

use std::fmt;

use serde::Serialize;
use xshard_properties::{
    Event, NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT, DEADLOCK_FREEDOM,
    PROGRESS, TIMEOUT_REVERT,
};

use crate::entry::{Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{CrashMode, Effects, KernelConfig, Property, Protocol, World};

/// The registry name.
pub const NAME: &str = "paxos-commit";

/// The most shards (instances) a node state can hold; the `shards` parameter goes to 3, the
/// unit tests' failure-free runs to 5 (the paper's example).
pub const MAX_SHARDS: usize = 5;

/// A shard's (resource manager's) state for the transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShardState {
    /// Not asked yet.
    Working,
    /// Asked to prepare, not voted yet.
    Asked,
    /// Voted prepared: holds its lock.
    Prepared,
    /// Applied a commit decision.
    Committed,
    /// Voted aborted, or applied an abort decision.
    Aborted,
}

/// The value of an instance: a shard's vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Val {
    /// The shard is prepared.
    Prepared,
    /// The shard aborts.
    Aborted,
}

/// A decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Every instance chose prepared.
    Commit,
    /// Some instance chose aborted.
    Abort,
}

/// A vote an acceptor cast in one instance: the ballot and the value (ordered by ballot
/// first, so the greatest of several is the highest-ballot one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Vote {
    /// The ballot (0: the shard's own; 1: the backup leader's).
    pub bal: u8,
    /// The value accepted.
    pub val: Val,
}

/// One entry per instance (indexed by the shard's node id); entries at and beyond `shards`
/// stay `None`.
pub type PerShard<T> = [Option<T>; MAX_SHARDS];

/// Per-instance entries, in messages and node states: shown (`Debug`, in traces) as
/// `[shard-a: Prepared, …]` and serialized (in state changes) as a map from shard names,
/// absent entries omitted either way.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Shards<T>(pub PerShard<T>);

fn shard_name(i: usize) -> String {
    format!("shard-{}", char::from(b'a' + u8::try_from(i).unwrap_or(0)))
}

impl<T: fmt::Debug> fmt::Debug for Shards<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        let mut first = true;
        for (i, v) in self.0.iter().enumerate() {
            if let Some(v) = v {
                if !first {
                    f.write_str(", ")?;
                }
                first = false;
                write!(f, "{}: {v:?}", shard_name(i))?;
            }
        }
        f.write_str("]")
    }
}

impl<T: Serialize> Serialize for Shards<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (i, v) in self.0.iter().enumerate() {
            if let Some(v) = v {
                map.serialize_entry(&shard_name(i), v)?;
            }
        }
        map.end()
    }
}

/// A set of acceptors (bit k: acceptor k + 1), serialized as their numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Acceptors(pub u8);

impl Acceptors {
    fn with(self, k: u8) -> Acceptors {
        Acceptors(self.0 | 1 << k)
    }

    fn has(self, k: u8) -> bool {
        self.0 & (1 << k) != 0
    }
}

impl Serialize for Acceptors {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((0..8u8).filter(|&k| self.has(k)).map(|k| k + 1))
    }
}

/// An acceptor's state: Paxos's `mbal` (one for every instance: ballot 1 is started for every
/// instance at once) and its vote (`bal`, `val`) in each instance. Persisted on a crash,
/// except in the variant `forget-on-recover`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Acceptor {
    /// `mbal = 1`: it promised ballot 1 and rejects ballot 0 from now on.
    pub promised: bool,
    /// Its vote in each instance.
    pub votes: Shards<Vote>,
}

impl Acceptor {
    const FRESH: Acceptor = Acceptor {
        promised: false,
        votes: Shards([None; MAX_SHARDS]),
    };
}

/// The leader's role: it learns ballot 0 (the shards' own proposals) and decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Leader {
    /// Per instance: the acceptors known to have accepted prepared in ballot 0 (their phase
    /// 2b arrived, or it is the leader's own).
    pub prepared: Shards<Acceptors>,
    /// Per instance: the same for aborted.
    pub aborted: Shards<Acceptors>,
    /// Its decision, once taken (logged: it survives a crash; the tallies are volatile, and
    /// cleared once it has decided).
    pub decided: Option<Decision>,
}

impl Leader {
    const FRESH: Leader = Leader {
        prepared: Shards([None; MAX_SHARDS]),
        aborted: Shards([None; MAX_SHARDS]),
        decided: None,
    };
}

/// The backup leader: it takes over with ballot 1 on a time-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backup {
    /// Its take-over time-out is armed.
    Waiting,
    /// Phase 1 of ballot 1 for every instance: the acceptors that promised and the
    /// highest-ballot vote they reported in each instance.
    Phase1 {
        /// The acceptors that promised.
        promised: Acceptors,
        /// The highest-ballot vote reported in each instance.
        reported: Shards<Vote>,
    },
    /// Phase 2 of ballot 1: the values proposed and the acceptors that accepted them.
    Phase2 {
        /// The value proposed in each instance.
        proposal: Shards<Val>,
        /// The acceptors that accepted it.
        accepted: Acceptors,
    },
    /// Ballot 1 chose its proposal: this is the decision it told the shards.
    Decided(Decision),
    /// The leader told it the decision: it stood down.
    Learned(Decision),
}

/// The node hosting the leader and acceptor 1 (Gray & Lamport place a leader on an acceptor's
/// node): one node, one crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LeaderNode {
    /// Acceptor 1, active in ballot 0.
    pub acceptor: Acceptor,
    /// The leader.
    pub leader: Leader,
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// One of the `shards` resource managers (node ids `0..shards`).
    Shard(ShardState),
    /// The leader and acceptor 1 (node id `shards`).
    Leader(LeaderNode),
    /// Acceptor k + 1 on a node of its own (node id `shards + k`, k = 1..=2F): acceptors
    /// 2..=F + 1 active in ballot 0, the others spares for the take-over.
    Acceptor(Acceptor),
    /// The backup leader (node id `shards + 2F + 1`).
    Backup(Backup),
}

/// A message. Ballot 0 of an instance is its shard's own (the shard's phase 2a); ballot 1 is
/// the backup's, for every instance at once (one message per acceptor carries them all, as
/// Gray & Lamport's leader may bundle them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// Leader to shard, at start: asks the shard to vote.
    Prepare,
    /// Phase 2a: a shard's vote in its own instance (ballot 0, to the active acceptors), or
    /// the backup's proposal for every instance (ballot 1).
    Phase2a {
        /// The ballot.
        bal: u8,
        /// The value proposed in each instance concerned.
        vals: Shards<Val>,
    },
    /// Phase 2b: an acceptor accepted `vals` in ballot `bal`; to the leader (ballot 0) or the
    /// backup (ballot 1).
    Phase2b {
        /// The ballot.
        bal: u8,
        /// The values accepted.
        vals: Shards<Val>,
    },
    /// Phase 1a: the backup starts ballot `bal` (1) of every instance.
    Phase1a {
        /// The ballot.
        bal: u8,
    },
    /// Phase 1b: an acceptor promises ballot `bal` and reports its vote in each instance.
    Phase1b {
        /// The ballot promised.
        bal: u8,
        /// Its vote in each instance where it has one.
        votes: Shards<Vote>,
    },
    /// To a shard (and from the leader to the backup): the decision is commit.
    Commit,
    /// To a shard (and from the leader to the backup): the decision is abort.
    Abort,
}

/// The one timer: the backup suspects the leader and starts ballot 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// The take-over time-out.
    Takeover,
}

/// A shard's vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// Prepare: take the write lock and propose prepared in ballot 0 of its instance.
    VoteYes,
    /// Abort at once and propose aborted.
    VoteNo,
}

/// The flaws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// Paxos Commit as published.
    None,
    /// Quorums of one acceptor: not a majority, so two quorums need not intersect.
    MinorityQuorum,
    /// An acceptor's votes and promise are volatile: a crash forgets them.
    ForgetOnRecover,
}

/// The protocol: `shards` shards, 2F + 1 acceptors (the first on the leader's node) and the
/// backup leader.
#[derive(Clone, Debug)]
pub struct PaxosCommit {
    /// The number of shards, one Paxos instance each (the `shards` parameter; at most
    /// [`MAX_SHARDS`]).
    pub shards: u8,
    /// F: the acceptors are 2F + 1 (the `f` parameter, 0 or 1).
    pub f: u8,
    /// The flaw, if any.
    pub flaw: Flaw,
}

/// Ticks before the backup takes over, in clocked time.
const TAKEOVER: u32 = 3;

/// `xs` permuted by `rename` (entries `0..n` are the shards' instances; the others stay),
/// the greatest entry winning where `rename` merges two (a merge only weakens the reduction;
/// with the least element as the default, renamings compose).
fn permute<T: Copy + Ord>(xs: &Shards<T>, n: u8, rename: &dyn Fn(NodeId) -> NodeId) -> Shards<T> {
    let mut out = *xs;
    for x in out.0.iter_mut().take(usize::from(n)) {
        *x = None;
    }
    for (i, x) in xs.0.iter().enumerate().take(usize::from(n)) {
        let j = usize::from(rename(NodeId::try_from(i).unwrap_or(0)));
        if j < MAX_SHARDS {
            out.0[j] = out.0[j].max(*x);
        }
    }
    out
}

/// An acceptor's reply: the message and the leader's node it is for.
type Reply = Option<(NodeId, Msg)>;

impl PaxosCommit {
    /// The number of acceptors, 2F + 1.
    pub fn acceptors(&self) -> u8 {
        2 * self.f + 1
    }

    /// The node hosting the leader and acceptor 1.
    pub fn leader(&self) -> NodeId {
        self.shards
    }

    /// The backup leader's node.
    pub fn backup(&self) -> NodeId {
        self.shards + self.acceptors()
    }

    /// The node of acceptor k + 1.
    fn acceptor_node(&self, k: u8) -> NodeId {
        self.shards + k
    }

    /// The acceptor (k, from 0) node `id` hosts, if any.
    fn acceptor_of(&self, id: NodeId) -> Option<u8> {
        (id >= self.shards && id < self.backup()).then(|| id - self.shards)
    }

    /// How many acceptors make a quorum: a majority, F + 1; one in `minority-quorum`.
    pub fn quorum(&self) -> u32 {
        match self.flaw {
            Flaw::MinorityQuorum => 1,
            _ => u32::from(self.f) + 1,
        }
    }

    fn is_quorum(&self, acceptors: Acceptors) -> bool {
        acceptors.0.count_ones() >= self.quorum()
    }

    fn n(&self) -> usize {
        usize::from(self.shards)
    }

    fn decision_msg(d: Decision) -> Msg {
        match d {
            Decision::Commit => Msg::Commit,
            Decision::Abort => Msg::Abort,
        }
    }

    /// Tells every shard the decision `d`.
    fn tell(&self, d: Decision, out: &mut Effects<Self>) {
        for s in 0..self.shards {
            out.send(s, Self::decision_msg(d));
        }
    }

    /// The acceptor role: handles a phase 1a or 2a message and returns its reply, addressed
    /// to the ballot's leader (ballot 0's to the leader, ballot 1's to the backup).
    fn acceptor_handles(&self, a: &mut Acceptor, msg: &Msg) -> Reply {
        match *msg {
            Msg::Phase2a { bal, vals } => {
                // Accepts unless it promised a higher ballot (mbal <= bal).
                if bal == 0 && a.promised {
                    return None;
                }
                for (v, x) in a.votes.0.iter_mut().zip(vals.0) {
                    if let Some(val) = x {
                        *v = Some(Vote { bal, val });
                    }
                }
                a.promised |= bal == 1;
                if bal == 1 {
                    return Some((self.backup(), Msg::Phase2b { bal, vals }));
                }
                // Ballot 0's votes are bundled (Gray & Lamport, section 4): an aborted one is
                // reported at once, prepared ones in one message once every instance has one.
                if vals.0.contains(&Some(Val::Aborted)) {
                    return Some((self.leader(), Msg::Phase2b { bal, vals }));
                }
                let mut all = [None; MAX_SHARDS];
                for (x, v) in all.iter_mut().zip(a.votes.0).take(self.n()) {
                    match v {
                        Some(Vote {
                            bal: 0,
                            val: Val::Prepared,
                        }) => *x = Some(Val::Prepared),
                        _ => return None,
                    }
                }
                Some((
                    self.leader(),
                    Msg::Phase2b {
                        bal,
                        vals: Shards(all),
                    },
                ))
            }
            Msg::Phase1a { bal } => {
                a.promised = true;
                Some((
                    self.backup(),
                    Msg::Phase1b {
                        bal,
                        votes: a.votes,
                    },
                ))
            }
            _ => None,
        }
    }

    /// Sends an acceptor's reply: a reply to a message that may be a repeat (a replay), so
    /// one copy in flight stands for all of them.
    fn send_reply(reply: Reply, out: &mut Effects<Self>) {
        if let Some((to, msg)) = reply {
            out.resend(to, msg);
        }
    }

    /// The leader's decision rule (`Decide` of `PaxosCommit.tla`, for ballot 0): commit when
    /// a quorum accepted prepared in every instance, abort when a quorum accepted aborted in
    /// one.
    fn leader_decision(&self, l: &Leader) -> Option<Decision> {
        let n = self.n();
        let quorum = |m: &Option<Acceptors>| self.is_quorum(m.unwrap_or_default());
        if l.aborted.0[..n].iter().any(quorum) {
            Some(Decision::Abort)
        } else if l.prepared.0[..n].iter().all(quorum) {
            Some(Decision::Commit)
        } else {
            None
        }
    }

    /// The leader learns that acceptor k + 1 accepted `vals` in ballot 0.
    fn leader_learns(&self, l: &mut Leader, k: u8, vals: &Shards<Val>, out: &mut Effects<Self>) {
        if l.decided.is_some() {
            return;
        }
        for (i, x) in vals.0.iter().enumerate() {
            match x {
                Some(Val::Prepared) => {
                    l.prepared.0[i] = Some(l.prepared.0[i].unwrap_or_default().with(k));
                }
                Some(Val::Aborted) => {
                    l.aborted.0[i] = Some(l.aborted.0[i].unwrap_or_default().with(k));
                }
                None => {}
            }
        }
        if let Some(d) = self.leader_decision(l) {
            *l = Leader {
                decided: Some(d),
                ..Leader::FRESH
            };
            self.tell(d, out);
            // A notice to the backup that its take-over is not needed.
            out.send(self.backup(), Self::decision_msg(d));
        }
    }

    /// The backup's ballot-1 proposal: in each instance the value of the highest-ballot vote
    /// reported, aborted where none was (and then the take-over is a time-out revert).
    fn propose(&self, reported: &Shards<Vote>) -> (Shards<Val>, bool) {
        let mut proposal = Shards([None; MAX_SHARDS]);
        let mut revert = false;
        for (p, r) in proposal.0.iter_mut().zip(reported.0).take(self.n()) {
            *p = Some(match r {
                Some(v) => v.val,
                None => {
                    revert = true;
                    Val::Aborted
                }
            });
        }
        (proposal, revert)
    }

    /// Sends `msg` to every acceptor, or to those in `only`.
    fn to_acceptors(&self, msg: Msg, only: Option<Acceptors>, out: &mut Effects<Self>) {
        for k in 0..self.acceptors() {
            if only.is_none_or(|o| o.has(k)) {
                out.send(self.acceptor_node(k), msg);
            }
        }
    }

    /// The backup hears `msg` from acceptor k + 1.
    fn backup_hears(&self, b: &mut Backup, k: u8, msg: &Msg, out: &mut Effects<Self>) {
        match (*b, *msg) {
            (
                Backup::Phase1 {
                    mut promised,
                    mut reported,
                },
                Msg::Phase1b { bal: 1, votes },
            ) => {
                promised = promised.with(k);
                for (r, v) in reported.0.iter_mut().zip(votes.0) {
                    *r = (*r).max(v);
                }
                if !self.is_quorum(promised) {
                    *b = Backup::Phase1 { promised, reported };
                    return;
                }
                let (proposal, revert) = self.propose(&reported);
                if revert {
                    // Aborting an instance in which no vote was reported: the time-out
                    // reverts tx1 (judged by timeout_revert).
                    out.record(Event::Revert {
                        tx: 0,
                        shard: self.backup(),
                    });
                }
                *b = Backup::Phase2 {
                    proposal,
                    accepted: Acceptors::default(),
                };
                // To the acceptors that promised; one that promises later gets it then.
                let msg = Msg::Phase2a {
                    bal: 1,
                    vals: proposal,
                };
                self.to_acceptors(msg, Some(promised), out);
            }
            (Backup::Phase2 { proposal, accepted }, Msg::Phase1b { bal: 1, .. })
                if !accepted.has(k) =>
            {
                // A late promise: this acceptor is needed for a quorum if one of those that
                // promised earlier has crashed since.
                let msg = Msg::Phase2a {
                    bal: 1,
                    vals: proposal,
                };
                out.resend(self.acceptor_node(k), msg);
            }
            (Backup::Phase2 { proposal, accepted }, Msg::Phase2b { bal: 1, .. }) => {
                let accepted = accepted.with(k);
                if !self.is_quorum(accepted) {
                    *b = Backup::Phase2 { proposal, accepted };
                    return;
                }
                let commit = proposal
                    .0
                    .iter()
                    .take(self.n())
                    .all(|v| *v == Some(Val::Prepared));
                let d = if commit {
                    Decision::Commit
                } else {
                    Decision::Abort
                };
                *b = Backup::Decided(d);
                self.tell(d, out);
            }
            _ => {}
        }
    }

    fn on_shard(s: &mut ShardState, msg: &Msg) {
        match msg {
            Msg::Prepare if *s == ShardState::Working => *s = ShardState::Asked,
            // Both leaders send the one chosen outcome; the first received is applied.
            Msg::Commit if *s == ShardState::Prepared => *s = ShardState::Committed,
            Msg::Abort
                if matches!(
                    s,
                    ShardState::Working | ShardState::Asked | ShardState::Prepared
                ) =>
            {
                *s = ShardState::Aborted;
            }
            _ => {}
        }
    }

    fn on_leader_node(&self, l: &mut LeaderNode, from: NodeId, msg: &Msg, out: &mut Effects<Self>) {
        match *msg {
            Msg::Phase2a { .. } | Msg::Phase1a { .. } => {
                match self.acceptor_handles(&mut l.acceptor, msg) {
                    // Its own acceptor's ballot-0 vote reaches the leader in place.
                    Some((_, Msg::Phase2b { bal: 0, vals })) => {
                        self.leader_learns(&mut l.leader, 0, &vals, out);
                    }
                    reply => Self::send_reply(reply, out),
                }
            }
            Msg::Phase2b { bal: 0, vals } => {
                if let Some(k) = self.acceptor_of(from) {
                    self.leader_learns(&mut l.leader, k, &vals, out);
                }
            }
            _ => {}
        }
    }

    fn on_backup(&self, b: &mut Backup, from: NodeId, msg: &Msg, out: &mut Effects<Self>) {
        match (*b, *msg) {
            (Backup::Waiting | Backup::Phase1 { .. } | Backup::Phase2 { .. }, Msg::Commit) => {
                // The leader's notice: nothing is left to take over.
                *b = Backup::Learned(Decision::Commit);
                out.cancel_timer(Timer::Takeover);
            }
            (Backup::Waiting | Backup::Phase1 { .. } | Backup::Phase2 { .. }, Msg::Abort) => {
                *b = Backup::Learned(Decision::Abort);
                out.cancel_timer(Timer::Takeover);
            }
            (_, Msg::Phase1b { .. } | Msg::Phase2b { .. }) => {
                if let Some(k) = self.acceptor_of(from) {
                    self.backup_hears(b, k, msg, out);
                }
            }
            _ => {}
        }
    }
}

impl Protocol for PaxosCommit {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.shards)
            .map(|i| format!("shard-{}", char::from(b'a' + i)))
            .collect();
        names.push("leader".to_string());
        names.extend((2..=self.acceptors()).map(|k| format!("acceptor-{k}")));
        names.push("backup".to_string());
        names
    }

    fn init(&self, id: NodeId, out: &mut Effects<Self>) -> Node {
        if id < self.shards {
            Node::Shard(ShardState::Working)
        } else if id == self.leader() {
            for s in 0..self.shards {
                out.send(s, Msg::Prepare);
            }
            Node::Leader(LeaderNode {
                acceptor: Acceptor::FRESH,
                leader: Leader::FRESH,
            })
        } else if id == self.backup() {
            out.set_timer(Timer::Takeover, TAKEOVER);
            Node::Backup(Backup::Waiting)
        } else {
            Node::Acceptor(Acceptor::FRESH)
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
        match node {
            Node::Shard(s) => Self::on_shard(s, msg),
            Node::Leader(l) => self.on_leader_node(l, from, msg, out),
            Node::Acceptor(a) => Self::send_reply(self.acceptor_handles(a, msg), out),
            Node::Backup(b) => self.on_backup(b, from, msg, out),
        }
    }

    fn on_timer(&self, _id: NodeId, node: &mut Node, _timer: &Timer, out: &mut Effects<Self>) {
        if let Node::Backup(b) = node {
            if *b == Backup::Waiting {
                // Ballot 1 begins: a promise asked of every acceptor (any F may be down).
                *b = Backup::Phase1 {
                    promised: Acceptors::default(),
                    reported: Shards([None; MAX_SHARDS]),
                };
                self.to_acceptors(Msg::Phase1a { bal: 1 }, None, out);
            }
        }
    }

    fn choices(&self, _id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        if *node == Node::Shard(ShardState::Asked) {
            out.push(Choice::VoteYes);
            out.push(Choice::VoteNo);
        }
    }

    fn on_choice(&self, id: NodeId, node: &mut Node, choice: &Choice, out: &mut Effects<Self>) {
        if let Node::Shard(s) = node {
            let val = if *choice == Choice::VoteYes {
                *s = ShardState::Prepared;
                Val::Prepared
            } else {
                *s = ShardState::Aborted;
                Val::Aborted
            };
            // Ballot 0 of its own instance: its phase 2a goes straight to the F + 1 active
            // acceptors (the others are spares for the take-over).
            let mut vals = [None; MAX_SHARDS];
            vals[usize::from(id)] = Some(val);
            let msg = Msg::Phase2a {
                bal: 0,
                vals: Shards(vals),
            };
            for k in 0..=self.f {
                out.send(self.acceptor_node(k), msg);
            }
        }
    }

    /// Every node hosting an acceptor may crash (S8: any F of them), the leader's with it;
    /// the shards and the backup do not.
    fn can_crash(&self, id: NodeId) -> bool {
        self.acceptor_of(id).is_some()
    }

    fn persisted(&self, _id: NodeId, node: &Node) -> Node {
        let acceptor = |a: &Acceptor| {
            if self.flaw == Flaw::ForgetOnRecover {
                Acceptor::FRESH
            } else {
                *a
            }
        };
        match node {
            Node::Acceptor(a) => Node::Acceptor(acceptor(a)),
            // The leader's tallies are volatile; its decision is logged.
            Node::Leader(l) => Node::Leader(LeaderNode {
                acceptor: acceptor(&l.acceptor),
                leader: Leader {
                    decided: l.leader.decided,
                    ..Leader::FRESH
                },
            }),
            Node::Shard(_) | Node::Backup(_) => *node,
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        for (i, n) in nodes.iter().enumerate() {
            let id = NodeId::try_from(i).unwrap_or(NodeId::MAX);
            if let Node::Shard(s) = n {
                let outcome = match s {
                    ShardState::Working | ShardState::Asked => Outcome::Pending,
                    ShardState::Prepared => Outcome::Locked,
                    ShardState::Committed => Outcome::Committed,
                    ShardState::Aborted => Outcome::Aborted,
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
            Property::catalogue(&TIMEOUT_REVERT),
            Property::catalogue(&CAN_COMMIT),
            Property::catalogue(&CAN_ABORT),
        ]
    }

    /// The shards are interchangeable; the acceptors are not (the first hosts the leader, and
    /// only the first F + 1 take ballot-0 votes).
    fn symmetry(&self) -> Vec<Vec<NodeId>> {
        vec![(0..self.shards).collect()]
    }

    fn rename_node(&self, node: &Node, rename: &dyn Fn(NodeId) -> NodeId) -> Node {
        let n = self.shards;
        let acceptor = |a: &Acceptor| Acceptor {
            promised: a.promised,
            votes: permute(&a.votes, n, rename),
        };
        match node {
            Node::Shard(_) => *node,
            Node::Acceptor(a) => Node::Acceptor(acceptor(a)),
            Node::Leader(l) => Node::Leader(LeaderNode {
                acceptor: acceptor(&l.acceptor),
                leader: Leader {
                    prepared: permute(&l.leader.prepared, n, rename),
                    aborted: permute(&l.leader.aborted, n, rename),
                    decided: l.leader.decided,
                },
            }),
            Node::Backup(b) => Node::Backup(match *b {
                Backup::Phase1 { promised, reported } => Backup::Phase1 {
                    promised,
                    reported: permute(&reported, n, rename),
                },
                Backup::Phase2 { proposal, accepted } => Backup::Phase2 {
                    proposal: permute(&proposal, n, rename),
                    accepted,
                },
                other => other,
            }),
        }
    }

    fn rename_msg(&self, msg: &Msg, rename: &dyn Fn(NodeId) -> NodeId) -> Msg {
        let n = self.shards;
        match *msg {
            Msg::Phase2a { bal, vals } => Msg::Phase2a {
                bal,
                vals: permute(&vals, n, rename),
            },
            Msg::Phase2b { bal, vals } => Msg::Phase2b {
                bal,
                vals: permute(&vals, n, rename),
            },
            Msg::Phase1b { bal, votes } => Msg::Phase1b {
                bal,
                votes: permute(&votes, n, rename),
            },
            other => other,
        }
    }
}

/// The default kernel configuration: unordered, no loss (a lost message is never re-sent, so
/// loss is for safety only: see the module doc), one crash of a node hosting an acceptor
/// (crash-stop), async time.
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        crashes: 1,
        ..KernelConfig::default()
    }
}

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Paxos Commit as published.
    Default,
    /// Quorums of one acceptor.
    MinorityQuorum,
    /// Acceptors forget their votes on a crash (crash-recover by default).
    ForgetOnRecover,
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<PaxosCommit>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "Paxos Commit (Gray & Lamport) by message passing: a Paxos instance per \
                      shard's vote, 2F + 1 acceptors, a backup leader that takes over with \
                      ballot 1 (acceptor crashes, lossy network)",
            source: "Gray & Lamport, Consensus on Transaction Commit, ACM TODS 2006, sections \
                     4-5 (Paxos Commit and its cost); PaxosCommit.tla; PROTOCOLS.md 4.5, 7.2, \
                     7.5 S8",
            params: vec![
                ParamSpec {
                    name: "shards",
                    default: 2,
                    min: 1,
                    max: 3,
                    doc: "number of shards (resource managers), one Paxos instance each",
                    implicit_default: false,
                },
                ParamSpec {
                    name: "f",
                    default: 1,
                    min: 0,
                    max: 1,
                    doc: "F: 2F + 1 acceptors, quorums of F + 1 (0: one acceptor, on the \
                          leader's node: two-phase commit's single point of failure)",
                    implicit_default: false,
                },
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "nothing is re-sent: with --loss 1 or 2 atomicity and timeout_revert hold (S8: \
                 safety under any loss) and deadlock_freedom and progress are violated (a lost \
                 message blocks); a retransmitting version is beyond an exhaustive check \
                 (more than 20 million states without any fault)",
                "--crash-mode recover, --replay 1, --network ordered, --time clocked, \
                 -p shards=1 or 3: everything holds",
                "-p f=0: one acceptor, on the leader's node: two-phase commit (Gray & Lamport \
                 section 5); with a crash of the leader's node it blocks (deadlock_freedom, \
                 progress), as 2PC does when its TM fails (PROTOCOLS.md S4)",
                "minority-quorum needs no fault (its default is --crashes 0): the backup's \
                 time-out in async time is a false suspicion; forget-on-recover needs one \
                 crash and its recovery (its default is --crash-mode recover)",
                "the backup leader does not crash: one that crashed after its phase 1 would \
                 need a third leader with ballot 2 (the model's ballots are 0 and 1)",
            ],
            catches: vec![
                "two quorums that need not intersect, or an acceptor that forgets its promise or its votes: atomicity and timeout_revert (the leader's ballot 0 and the backup's ballot 1 choose different values in one instance)",
                "a take-over that cannot finish after the crash of any one node hosting an acceptor (the leader's included: the TM failure that blocks 2PC), or a time-out left armed once done: deadlock_freedom, progress",
            ],
            misses: vec![
                "a crash with recovery (--crash-mode recover), replayed messages (--replay 1), lost messages (--loss 1: safety only, nothing is re-sent), a third shard (-p shards=3)",
                "a crash of the backup leader, ballots beyond 1 and further leaders, time-out bounds (--time clocked), shard crashes and concurrent transactions (abstracted away)",
            ],
        }
    }

    /// Clocked time: the take-over time-out, then ballot 1's four message delays and the
    /// decision's, and one more Δ: `TAKEOVER + 6Δ`. No fault adds a period (nothing is
    /// re-sent); a crash-recover can, by Δ. Measured minimal horizons with two shards: 9 at
    /// Δ = 1 and 15 at Δ = 2 without faults, 9 with a lost message or a crash-stop, 10 with a
    /// crash-recover (Δ = 1). This allows 2Δ per crash-recover.
    fn horizon(
        &self,
        _variant: Variant,
        _params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let recovers = if kernel.crash_mode == CrashMode::Recover {
            u32::from(kernel.crashes)
        } else {
            0
        };
        Some(TAKEOVER + kernel.delta * (6 + 2 * recovers))
    }

    /// Paxos Commit with F tolerates F acceptors that crash for good (Gray & Lamport, §4):
    /// more crash-stops than `f` is outside its claim (at `f = 0` it is 2PC, which blocks).
    fn outside_failure_model(
        &self,
        params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<String> {
        let f = params.get("f").copied().unwrap_or(1);
        (kernel.crash_mode == CrashMode::Stop && u32::from(kernel.crashes) > f).then(|| {
            format!(
                "{} crash-stop(s) exceed f = {f}: Paxos Commit tolerates f acceptor failures",
                kernel.crashes
            )
        })
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec::holds(
                Variant::Default,
                "default",
                "Paxos Commit: quorums are majorities (F + 1 of 2F + 1 acceptors) and an \
                 acceptor's votes and promise survive its crash",
            ),
            VariantSpec::violates(
                Variant::MinorityQuorum,
                "minority-quorum",
                "a quorum is one acceptor, not a majority: the leader's ballot 0 and the \
                 backup's ballot 1 choose different values in one instance",
                &[ATOMICITY.name, TIMEOUT_REVERT.name],
            )
            .kernel(KernelConfig {
                crashes: 0,
                ..default_kernel()
            }),
            VariantSpec::violates(
                Variant::ForgetOnRecover,
                "forget-on-recover",
                "an acceptor's votes are volatile: recovered, it promises ballot 1 reporting \
                 no vote, and the backup aborts an instance that chose prepared",
                &[ATOMICITY.name, TIMEOUT_REVERT.name],
            )
            .kernel(KernelConfig {
                crash_mode: CrashMode::Recover,
                ..default_kernel()
            }),
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<PaxosCommit>, ConfigError> {
        Ok(World::new(
            PaxosCommit {
                shards: u8::try_from(c.param("shards")).unwrap_or(2),
                f: u8::try_from(c.param("f")).unwrap_or(1),
                flaw: match c.variant {
                    Variant::Default => Flaw::None,
                    Variant::MinorityQuorum => Flaw::MinorityQuorum,
                    Variant::ForgetOnRecover => Flaw::ForgetOnRecover,
                },
            },
            c.kernel(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, VecDeque};

    use super::*;

    fn protocol(shards: u8, f: u8, flaw: Flaw) -> PaxosCommit {
        PaxosCommit { shards, f, flaw }
    }

    /// The kind of a message, for counting.
    fn kind(msg: &Msg) -> &'static str {
        match msg {
            Msg::Prepare => "Prepare",
            Msg::Phase2a { .. } => "Phase2a",
            Msg::Phase2b { .. } => "Phase2b",
            Msg::Phase1a { .. } => "Phase1a",
            Msg::Phase1b { .. } => "Phase1b",
            Msg::Commit => "Commit",
            Msg::Abort => "Abort",
        }
    }

    /// A failure-free commit, driven through the handlers: every shard votes yes, every
    /// message is delivered (first sent, first delivered) and no timer fires. Returns every
    /// message sent, (from, to, message), and the final node states.
    fn failure_free(p: &PaxosCommit) -> (Vec<(NodeId, NodeId, Msg)>, Vec<Node>) {
        let count = usize::from(p.backup()) + 1;
        let mut sent = Vec::new();
        let mut queue = VecDeque::new();
        let mut nodes = Vec::new();
        for i in 0..count {
            let id = NodeId::try_from(i).expect("a node id");
            let mut out = Effects::new(0);
            nodes.push(p.init(id, &mut out));
            for (to, m) in out.sent() {
                sent.push((id, to, m));
                queue.push_back((id, to, m));
            }
        }
        loop {
            let (id, out) = if let Some((from, to, m)) = queue.pop_front() {
                let mut out = Effects::new(0);
                p.on_message(to, &mut nodes[usize::from(to)], from, &m, &mut out);
                (to, out)
            } else if let Some(i) = nodes
                .iter()
                .position(|n| *n == Node::Shard(ShardState::Asked))
            {
                let id = NodeId::try_from(i).expect("a node id");
                let mut out = Effects::new(0);
                p.on_choice(id, &mut nodes[i], &Choice::VoteYes, &mut out);
                (id, out)
            } else {
                break;
            };
            for (to, m) in out.sent() {
                sent.push((id, to, m));
                queue.push_back((id, to, m));
            }
            assert!(out.armed().is_empty());
        }
        (sent, nodes)
    }

    fn by_kind(sent: &[(NodeId, NodeId, Msg)]) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for (_, _, m) in sent {
            *counts.entry(kind(m)).or_insert(0) += 1;
        }
        counts
    }

    /// The model's failure-free commit: N Prepare (the client's BeginCommit and the leader's
    /// Prepare), N(F + 1) ballot-0 phase 2a (each shard to the F + 1 active acceptors), F
    /// bundled phase 2b (each active acceptor but the leader's own), N Commit and the notice
    /// to the backup: N(F + 3) + F + 1 messages, 10 at the defaults.
    #[test]
    fn a_failure_free_commit_sends_n_f_plus_3_plus_f_plus_1_messages() {
        for f in 0..=1u8 {
            for n in 1..=5u8 {
                let p = protocol(n, f, Flaw::None);
                let (sent, nodes) = failure_free(&p);
                let (nn, ff) = (usize::from(n), usize::from(f));
                let want: BTreeMap<&str, usize> = [
                    ("Prepare", nn),
                    ("Phase2a", nn * (ff + 1)),
                    ("Commit", nn + 1),
                ]
                .into_iter()
                .chain((f > 0).then_some(("Phase2b", ff)))
                .collect();
                assert_eq!(by_kind(&sent), want, "N = {n}, F = {f}");
                assert_eq!(sent.len(), nn * (ff + 3) + ff + 1, "N = {n}, F = {f}");
                for s in &nodes[..nn] {
                    assert_eq!(*s, Node::Shard(ShardState::Committed));
                }
                assert_eq!(
                    nodes[usize::from(p.backup())],
                    Node::Backup(Backup::Learned(Decision::Commit))
                );
            }
        }
        let (sent, _) = failure_free(&protocol(2, 1, Flaw::None));
        assert_eq!(sent.len(), 10);
    }

    /// Gray & Lamport's count (section 5: "for a transaction with 5 RMs, the Two-Phase
    /// Commit uses 12 messages, regular Paxos Commit uses 17 ... (with co-location)", F = 1)
    /// is this very run seen as the paper places it: the leader and acceptor 1 on shard-a's
    /// node, acceptor k on the k-th shard's node, so messages between them are local and not
    /// counted; and no separate backup (its notice is not counted). What is left is
    /// (N - 1) Prepare, (N - 1)(F + 1) phase 2a, F phase 2b and (N - 1) Commit:
    /// N(F + 3) - 3 messages, 17 at N = 5 and F = 1, and at F = 0 two-phase commit's 3N - 3
    /// with the TM on the initiating RM's node (section 3.2; 12 at N = 5).
    #[test]
    fn seen_co_located_the_run_is_the_papers_17_and_two_phase_commits_12() {
        let colocated = |n: u8, f: u8| {
            let p = protocol(n, f, Flaw::None);
            let machine = |id: NodeId| {
                if id < n {
                    Some(id)
                } else if id < p.backup() {
                    Some(id - n)
                } else {
                    None
                }
            };
            let (sent, _) = failure_free(&p);
            sent.iter()
                .filter(|(from, to, _)| {
                    let (a, b) = (machine(*from), machine(*to));
                    a.is_some() && b.is_some() && a != b
                })
                .count()
        };
        assert_eq!(colocated(5, 1), 17);
        assert_eq!(colocated(5, 0), 12);
        for n in 2..=5u8 {
            for f in 0..=1u8 {
                let (nn, ff) = (usize::from(n), usize::from(f));
                assert_eq!(colocated(n, f), nn * (ff + 3) - 3, "N = {n}, F = {f}");
            }
        }
    }

    const LEADER: NodeId = 2;
    const ACCEPTOR2: NodeId = 3;
    const BACKUP: NodeId = 5;

    fn vote(shard: usize, val: Val) -> Msg {
        let mut vals = [None; MAX_SHARDS];
        vals[shard] = Some(val);
        Msg::Phase2a {
            bal: 0,
            vals: Shards(vals),
        }
    }

    #[test]
    fn an_acceptor_bundles_prepared_votes_and_reports_an_aborted_one_at_once() {
        let p = protocol(2, 1, Flaw::None);
        let mut a = Node::Acceptor(Acceptor::FRESH);
        let mut out = Effects::new(0);
        p.on_message(ACCEPTOR2, &mut a, 0, &vote(0, Val::Prepared), &mut out);
        assert!(out.sent().is_empty());
        let mut out = Effects::new(0);
        p.on_message(ACCEPTOR2, &mut a, 1, &vote(1, Val::Prepared), &mut out);
        let mut both = [None; MAX_SHARDS];
        both[0] = Some(Val::Prepared);
        both[1] = Some(Val::Prepared);
        assert_eq!(
            out.sent(),
            [(
                LEADER,
                Msg::Phase2b {
                    bal: 0,
                    vals: Shards(both)
                }
            )]
        );
        let mut a = Node::Acceptor(Acceptor::FRESH);
        let mut out = Effects::new(0);
        p.on_message(ACCEPTOR2, &mut a, 1, &vote(1, Val::Aborted), &mut out);
        assert_eq!(
            out.sent(),
            [(
                LEADER,
                Msg::Phase2b {
                    bal: 0,
                    vals: match vote(1, Val::Aborted) {
                        Msg::Phase2a { vals, .. } => vals,
                        _ => unreachable!(),
                    }
                }
            )]
        );
    }

    #[test]
    fn a_promise_of_ballot_1_rejects_ballot_0() {
        let p = protocol(2, 1, Flaw::None);
        let mut a = Node::Acceptor(Acceptor::FRESH);
        let mut out = Effects::new(0);
        p.on_message(
            ACCEPTOR2,
            &mut a,
            BACKUP,
            &Msg::Phase1a { bal: 1 },
            &mut out,
        );
        assert_eq!(
            out.sent(),
            [(
                BACKUP,
                Msg::Phase1b {
                    bal: 1,
                    votes: Shards([None; MAX_SHARDS])
                }
            )]
        );
        let before = a;
        let mut out = Effects::new(0);
        p.on_message(ACCEPTOR2, &mut a, 0, &vote(0, Val::Prepared), &mut out);
        assert_eq!(a, before);
        assert!(out.sent().is_empty());
    }

    /// The leader decides commit on a quorum of prepared in every instance: its own acceptor
    /// (in place) and acceptor-2's bundled phase 2b.
    #[test]
    fn the_leader_commits_on_a_quorum_in_every_instance_and_tells_the_backup() {
        let p = protocol(2, 1, Flaw::None);
        let mut l = p.init(LEADER, &mut Effects::new(0));
        for s in 0..2 {
            let mut out = Effects::new(0);
            p.on_message(
                LEADER,
                &mut l,
                s,
                &vote(usize::from(s), Val::Prepared),
                &mut out,
            );
            assert!(out.sent().is_empty());
        }
        let mut both = [None; MAX_SHARDS];
        both[0] = Some(Val::Prepared);
        both[1] = Some(Val::Prepared);
        let mut out = Effects::new(0);
        let b = Msg::Phase2b {
            bal: 0,
            vals: Shards(both),
        };
        p.on_message(LEADER, &mut l, ACCEPTOR2, &b, &mut out);
        assert_eq!(
            out.sent(),
            [(0, Msg::Commit), (1, Msg::Commit), (BACKUP, Msg::Commit)]
        );
        let Node::Leader(l) = l else { unreachable!() };
        assert_eq!(l.leader.decided, Some(Decision::Commit));
        // With one acceptor's report a majority is not reached, except in minority-quorum.
        let q = protocol(2, 1, Flaw::MinorityQuorum);
        let mut l = q.init(LEADER, &mut Effects::new(0));
        let mut out = Effects::new(0);
        q.on_message(LEADER, &mut l, 0, &vote(0, Val::Prepared), &mut out);
        let mut out = Effects::new(0);
        q.on_message(LEADER, &mut l, 1, &vote(1, Val::Prepared), &mut out);
        assert_eq!(out.sent().len(), 3);
    }

    /// Taking over with no vote reported, the backup may only propose aborted, and that is
    /// a time-out revert; a late promise gets the proposal too.
    #[test]
    fn the_backup_proposes_what_is_reported_or_aborted_and_records_the_revert() {
        let p = protocol(2, 1, Flaw::None);
        let mut b = p.init(BACKUP, &mut Effects::new(0));
        let mut out = Effects::new(0);
        p.on_timer(BACKUP, &mut b, &Timer::Takeover, &mut out);
        assert_eq!(
            out.sent(),
            [
                (LEADER, Msg::Phase1a { bal: 1 }),
                (ACCEPTOR2, Msg::Phase1a { bal: 1 }),
                (4, Msg::Phase1a { bal: 1 })
            ]
        );
        let mut votes = [None; MAX_SHARDS];
        votes[0] = Some(Vote {
            bal: 0,
            val: Val::Prepared,
        });
        let reported = Msg::Phase1b {
            bal: 1,
            votes: Shards(votes),
        };
        let mut out = Effects::new(0);
        p.on_message(BACKUP, &mut b, ACCEPTOR2, &reported, &mut out);
        assert!(out.sent().is_empty());
        let none = Msg::Phase1b {
            bal: 1,
            votes: Shards([None; MAX_SHARDS]),
        };
        let mut out = Effects::new(0);
        p.on_message(BACKUP, &mut b, 4, &none, &mut out);
        let mut proposal = [None; MAX_SHARDS];
        proposal[0] = Some(Val::Prepared);
        proposal[1] = Some(Val::Aborted);
        let accept = Msg::Phase2a {
            bal: 1,
            vals: Shards(proposal),
        };
        assert_eq!(out.sent(), [(ACCEPTOR2, accept), (4, accept)]);
        assert_eq!(
            out.recorded(),
            [Event::Revert {
                tx: 0,
                shard: BACKUP
            }]
        );
        // The leader's acceptor promises late: it gets the proposal then.
        let mut out = Effects::new(0);
        p.on_message(BACKUP, &mut b, LEADER, &none, &mut out);
        assert_eq!(out.sent(), [(LEADER, accept)]);
        // A quorum of acceptances: the backup decides abort and tells the shards.
        for k in [ACCEPTOR2, 4] {
            let mut out = Effects::new(0);
            let accepted = Msg::Phase2b {
                bal: 1,
                vals: Shards(proposal),
            };
            p.on_message(BACKUP, &mut b, k, &accepted, &mut out);
            if k == 4 {
                assert_eq!(out.sent(), [(0, Msg::Abort), (1, Msg::Abort)]);
            }
        }
        assert_eq!(b, Node::Backup(Backup::Decided(Decision::Abort)));
    }

    #[test]
    fn the_leaders_notice_stands_the_backup_down() {
        let p = protocol(2, 1, Flaw::None);
        let mut b = p.init(BACKUP, &mut Effects::new(0));
        let mut out = Effects::new(0);
        p.on_message(BACKUP, &mut b, LEADER, &Msg::Commit, &mut out);
        assert_eq!(b, Node::Backup(Backup::Learned(Decision::Commit)));
        assert_eq!(out.cancelled(), [Timer::Takeover]);
    }

    #[test]
    fn only_forget_on_recover_loses_an_acceptors_votes() {
        let mut votes = [None; MAX_SHARDS];
        votes[0] = Some(Vote {
            bal: 0,
            val: Val::Prepared,
        });
        let a = Node::Acceptor(Acceptor {
            promised: true,
            votes: Shards(votes),
        });
        assert_eq!(protocol(2, 1, Flaw::None).persisted(ACCEPTOR2, &a), a);
        assert_eq!(
            protocol(2, 1, Flaw::ForgetOnRecover).persisted(ACCEPTOR2, &a),
            Node::Acceptor(Acceptor::FRESH)
        );
        // The leader's node keeps its acceptor and its decision, not its tallies.
        let p = protocol(2, 1, Flaw::None);
        let mut prepared = [None; MAX_SHARDS];
        prepared[0] = Some(Acceptors(0b11));
        let l = Node::Leader(LeaderNode {
            acceptor: Acceptor {
                promised: false,
                votes: Shards(votes),
            },
            leader: Leader {
                prepared: Shards(prepared),
                ..Leader::FRESH
            },
        });
        let Node::Leader(kept) = p.persisted(LEADER, &l) else {
            unreachable!()
        };
        assert_eq!(kept.leader, Leader::FRESH);
        assert_eq!(kept.acceptor.votes, Shards(votes));
        assert!(p.can_crash(LEADER) && p.can_crash(ACCEPTOR2) && p.can_crash(4));
        assert!(!p.can_crash(0) && !p.can_crash(BACKUP));
    }

    /// Renaming the shards permutes every per-instance entry (a swap applied twice is the
    /// identity).
    #[test]
    fn renaming_the_shards_moves_their_instances() {
        let p = protocol(2, 1, Flaw::None);
        let swap = |id: NodeId| match id {
            0 => 1,
            1 => 0,
            other => other,
        };
        let mut votes = [None; MAX_SHARDS];
        votes[0] = Some(Vote {
            bal: 0,
            val: Val::Prepared,
        });
        let a = Node::Acceptor(Acceptor {
            promised: false,
            votes: Shards(votes),
        });
        let b = p.rename_node(&a, &swap);
        let Node::Acceptor(moved) = b else {
            unreachable!()
        };
        assert_eq!(moved.votes.0[1], votes[0]);
        assert_eq!(moved.votes.0[0], None);
        assert_eq!(p.rename_node(&b, &swap), a);
        let m = vote(0, Val::Aborted);
        assert_eq!(p.rename_msg(&m, &swap), vote(1, Val::Aborted));
    }

    #[test]
    fn shard_entries_serialize_by_name() {
        let mut votes = [None; MAX_SHARDS];
        votes[1] = Some(Vote {
            bal: 1,
            val: Val::Aborted,
        });
        assert_eq!(
            serde_json::to_string(&Shards(votes)).expect("json"),
            r#"{"shard-b":{"bal":1,"val":"aborted"}}"#
        );
        assert_eq!(
            serde_json::to_string(&Acceptors(0b101)).expect("json"),
            "[1,3]"
        );
        assert_eq!(
            format!("{:?}", vote(1, Val::Prepared)),
            "Phase2a { bal: 0, vals: [shard-b: Prepared] }"
        );
    }
}
