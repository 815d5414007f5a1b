//! `htlc`: Herlihy's two-party atomic cross-chain swap with hashed timelock contracts, on the
//! world kernel in clocked time.
//!
//! Sources: M. Herlihy, "Atomic Cross-Chain Swaps", PODC 2018 (arXiv 1801.09515): §3 (swap
//! digraphs, conforming parties, the Deal / NoDeal / Discount / FreeRide / Underwater
//! outcomes), §4 (the protocol: the leader publishes first, followers publish after seeing
//! the contracts they are owed, the leader triggers with its secret, each follower triggers
//! the contract it is owed with the secret it saw, and a contract's timeout grows by Δ per
//! hop from the leader), Theorem 4.7 (no conforming party ends underwater, under synchrony);
//! PROTOCOLS.md §6.2 (the HTLC state machine, the timelock ordering `T_a ≥ T_b + Δ`, the
//! wrong-order and offline-party failures) and §7.5, scenarios S13 and S14.
//!
//! # Encoding
//!
//! Four nodes: the parties `alice` (the leader, who knows the secret `s`) and `bob`, and the
//! chains `chain-a` and `chain-b`, each holding one contract. Asset `a` (obj1) goes from Alice
//! to Bob through the contract on chain-a with timelock `T_a`; asset `b` (obj2) from Bob to
//! Alice through the contract on chain-b with timelock `T_b` (parameter `timelock`, an
//! absolute tick). A contract is absent, escrowed, claimed or refunded.
//!
//! - A party acts on a chain by sending it a transaction (`Publish`, `Claim`, `Refund`); the
//!   chain applies it when it is delivered, which the kernel bounds by Δ. A chain shows a
//!   change to the party watching for it by sending it an event (`Escrowed` to the party a
//!   new contract pays, `Revealed` to Bob when Alice's claim puts `s` on chain-b), also within
//!   Δ. Herlihy's Δ — the time to change a contract and for every party to see the change —
//!   is therefore two kernel hops here: Bob sees Alice's claim within Δ and his own claim
//!   lands within another Δ, so the ordering that gives Bob time to claim is
//!   `T_a ≥ T_b + 2Δ` in kernel ticks.
//! - `Claim` succeeds only before the timelock (`now < T`); `Refund` only from it on
//!   (`now ≥ T`), and only by the owner. The secret is abstracted to who can send a claim:
//!   Alice from the start, Bob once chain-b revealed it to him.
//! - The parties are conforming (honest) and deterministic: Alice publishes at once and arms
//!   her refund for `T_a`; Bob publishes `b` when he sees `a` escrowed (unless `T_b` has
//!   already passed: a contract that expires at birth would only lock his asset), arming his
//!   refund for `T_b`; Alice claims `b` when she sees it escrowed; Bob claims `a` when he
//!   sees `s`. Every party refunds at its timelock whatever happened (a chain refuses a
//!   refund of a claimed contract). Nothing is scripted: every timing is the kernel's
//!   choice of delivery within Δ.
//! - Each party's transactions reach a chain in the order sent (`--network ordered`: an
//!   account's transactions carry nonces), so a refund never lands before its own publish.
//!
//! # Failure model, and what the checker reports (counts in `tests/it/htlc.rs`)
//!
//! Herlihy assumes synchrony (every change visible within Δ) and live conforming parties. The
//! default therefore has no loss and no crash; it allows one replayed message (a transaction
//! or event delivered again, which every handler ignores).
//!
//! - default (`T_a = T_b + 2Δ`, `T_b` = 4, Δ = 1): `no_underwater`, `atomicity`,
//!   `timeout_revert` and `progress` hold; both witnesses are found: the swap completes
//!   (`can_commit`), and both contracts are refunded when Alice's claim lands at `T_b` or
//!   later (`can_abort`).
//! - `equal-timelocks` (`T_a = T_b`, PROTOCOLS.md S13): Alice claims `b` just before `T_b`,
//!   Bob sees `s` too late to claim `a` before `T_a`, and Alice refunds `a`: she ends with
//!   both assets and Bob is underwater (`no_underwater`, and the swap's `atomicity` and
//!   `timeout_revert`).
//! - `swapped-timelocks` (`T_a = T_b − 2Δ`, the leader's lock the shorter one; S13's trace):
//!   Alice's refund of `a` at `T_a` can come before she even sees `b`, which she then claims.
//! - `margin-off-by-one` (`T_a = T_b + 2Δ − 1`): a margin one tick short of Bob's two hops;
//!   the same violation when every hop takes its full Δ.
//! - `--crashes 1` (PROTOCOLS.md S14): Bob crashes after Alice's claim and never claims `a`:
//!   `no_underwater` is violated under the correct timelocks. This is outside the failure
//!   model (a conforming party must be live), which is why the default allows no crash; so
//!   is `--loss 1` (a lost `Revealed` is a party that could not observe the chain). In
//!   `--time async` no timelock ever passes (the clock stays at 0), so nothing is refunded:
//!   the safety properties hold only because every claim is in time, and `can_abort` is
//!   unwitnessed, which is the check's way of saying the run means nothing.
//!
//! Observation: one transaction (the swap) with an outcome per chain (pending while its
//! contract is absent or its publisher declined, locked while escrowed — a lock with the
//! timelock as deadline, so `timeout_revert` bounds an escrow by `T + Δ` — committed when
//! claimed, reverted with a `Refund` event when refunded), and the two transfers for
//! `no_underwater`, each with its timelock as expiry.
//!
//! Crashes. The parties may crash (`can_crash`); the chains never do (a chain is the
//! "honest shard" of PROTOCOLS.md §0.3). A party persists what it has done; its refund timer
//! is re-armed on recovery, at its absolute timelock.
//!
//! Symmetry: none; the leader and the follower, and their chains, play different roles.
//!
//! Abstracted away: the hash and the secret (only who can claim), more than two parties or a
//! leader set (swap digraphs), premiums and the sore-loser and free-option attacks (economic,
//! not safety: PROTOCOLS.md §6.2), deviating parties.
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.

use serde::Serialize;
use xshard_properties::{
    ArcStatus, Event, Lock, LockMode, NodeId, ObjectId, Observation, Outcome, SwapArc, ATOMICITY,
    CAN_ABORT, CAN_COMMIT, NO_UNDERWATER, PROGRESS, TIMEOUT_REVERT,
};

use crate::entry::{Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Delivery, Effects, KernelConfig, Property, Protocol, TimeMode, World};

/// The registry name.
pub const NAME: &str = "htlc";

/// Alice, the leader: she knows the secret.
pub const ALICE: NodeId = 0;
/// Bob, the follower.
pub const BOB: NodeId = 1;
/// The chain holding Alice's contract (asset `a`, obj1, for Bob).
pub const CHAIN_A: NodeId = 2;
/// The chain holding Bob's contract (asset `b`, obj2, for Alice).
pub const CHAIN_B: NodeId = 3;

/// The variants: how the leader's timelock `T_a` is set from the follower's `T_b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// `T_a = T_b + 2Δ`: Bob has a full observation and a full inclusion after Alice's
    /// latest claim.
    Default,
    /// `T_a = T_b`.
    EqualTimelocks,
    /// `T_a = T_b − 2Δ`: the leader's lock is the shorter one.
    SwappedTimelocks,
    /// `T_a = T_b + 2Δ − 1`.
    MarginOffByOne,
}

/// A hashed timelock contract on a chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contract {
    /// Not published.
    Absent,
    /// The asset is escrowed, claimable with the secret until the timelock.
    Escrowed,
    /// Claimed by the counterparty with the secret: the asset is theirs.
    Claimed,
    /// Refunded to the owner at or after the timelock.
    Refunded,
}

/// A party: what it has done (a party acts once per step of the protocol).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Party {
    /// It has published its contract (Bob; Alice publishes at the start).
    pub published: bool,
    /// It saw the contract it is owed too late to publish its own (Bob).
    pub declined: bool,
    /// It has sent its claim.
    pub claimed: bool,
}

/// A node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// `alice` or `bob`.
    Party(Party),
    /// `chain-a` or `chain-b`: its contract.
    Chain(Contract),
}

/// A message: a party's transaction to a chain, or a chain's event to a watching party.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// Party → its chain: publish my contract (escrow my asset).
    Publish,
    /// Party → the counterparty's chain: claim with the secret.
    Claim,
    /// Party → its chain: refund my asset (the timelock has passed).
    Refund,
    /// Chain → the party the new contract pays: it is escrowed.
    Escrowed,
    /// chain-b → Bob: Alice's claim made the secret public.
    Revealed,
}

/// A timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// A party's refund, at its contract's timelock.
    Refund,
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct Htlc {
    /// Which timelock ordering is modelled.
    pub variant: Variant,
    /// `T_a`: the timelock of Alice's contract on chain-a (absolute tick).
    pub ta: u32,
    /// `T_b`: the timelock of Bob's contract on chain-b (absolute tick).
    pub tb: u32,
}

impl Htlc {
    /// `T_a` for `variant`, from `T_b` and Δ.
    pub fn leader_timelock(variant: Variant, tb: u32, delta: u32) -> u32 {
        match variant {
            Variant::Default => tb + 2 * delta,
            Variant::EqualTimelocks => tb,
            Variant::SwappedTimelocks => tb.saturating_sub(2 * delta),
            Variant::MarginOffByOne => tb + 2 * delta - 1,
        }
    }

    /// A chain's contract: (owner, counterparty, timelock, asset).
    fn arc(&self, chain: NodeId) -> (NodeId, NodeId, u32, ObjectId) {
        if chain == CHAIN_A {
            (ALICE, BOB, self.ta, 0)
        } else {
            (BOB, ALICE, self.tb, 1)
        }
    }

    fn chain_message(
        &self,
        chain: NodeId,
        c: &mut Contract,
        from: NodeId,
        msg: Msg,
        out: &mut Effects<Self>,
    ) {
        let (owner, counterparty, timelock, _) = self.arc(chain);
        let now = out.now();
        match (msg, *c) {
            (Msg::Publish, Contract::Absent) if from == owner => {
                *c = Contract::Escrowed;
                out.send(counterparty, Msg::Escrowed);
            }
            (Msg::Claim, Contract::Escrowed) if from == counterparty && now < timelock => {
                *c = Contract::Claimed;
                // The claim's secret is public on this chain; only the follower needs it.
                if owner == BOB {
                    out.send(BOB, Msg::Revealed);
                }
            }
            (Msg::Refund, Contract::Escrowed) if from == owner && now >= timelock => {
                *c = Contract::Refunded;
                out.record(Event::Refund {
                    tx: 0,
                    shard: chain,
                });
            }
            _ => {}
        }
    }

    fn party_message(
        &self,
        id: NodeId,
        p: &mut Party,
        from: NodeId,
        msg: Msg,
        out: &mut Effects<Self>,
    ) {
        match (id, msg) {
            // Bob sees Alice's contract: he publishes his own, unless it would expire at birth.
            (BOB, Msg::Escrowed) if from == CHAIN_A && !p.published && !p.declined => {
                if out.now() < self.tb {
                    p.published = true;
                    out.send(CHAIN_B, Msg::Publish);
                    out.set_timer(Timer::Refund, self.tb - out.now());
                } else {
                    p.declined = true;
                }
            }
            // Alice sees Bob's contract: she triggers it with her secret.
            (ALICE, Msg::Escrowed) if from == CHAIN_B && !p.claimed => {
                p.claimed = true;
                out.send(CHAIN_B, Msg::Claim);
            }
            // Bob sees the secret on chain-b: he triggers Alice's contract with it.
            (BOB, Msg::Revealed) if from == CHAIN_B && !p.claimed => {
                p.claimed = true;
                out.send(CHAIN_A, Msg::Claim);
            }
            _ => {}
        }
    }

    fn observe_chain(&self, chain: NodeId, c: Contract, nodes: &[Node], obs: &mut Observation) {
        let (owner, counterparty, timelock, asset) = self.arc(chain);
        let declined = matches!(nodes.get(usize::from(owner)), Some(Node::Party(p)) if p.declined);
        let outcome = match c {
            Contract::Absent if declined => Outcome::Aborted,
            Contract::Absent => Outcome::Pending,
            Contract::Escrowed => Outcome::Locked,
            Contract::Claimed => Outcome::Committed,
            Contract::Refunded => Outcome::Reverted,
        };
        obs.outcome(0, chain, outcome);
        if c == Contract::Escrowed {
            obs.locks.push(Lock {
                object: asset,
                shard: chain,
                tx: 0,
                mode: LockMode::Write,
                deadline: Some(timelock),
            });
        }
        let status = match c {
            Contract::Absent if declined => ArcStatus::Off,
            Contract::Absent | Contract::Escrowed => ArcStatus::Open,
            Contract::Claimed => ArcStatus::Done,
            Contract::Refunded => ArcStatus::Off,
        };
        obs.swap_arcs.push(SwapArc {
            asset,
            from: owner,
            to: counterparty,
            status,
            expires: Some(timelock),
        });
    }
}

impl Protocol for Htlc {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Choice = ();

    fn node_names(&self) -> Vec<String> {
        ["alice", "bob", "chain-a", "chain-b"]
            .map(String::from)
            .to_vec()
    }

    fn init(&self, id: NodeId, out: &mut Effects<Self>) -> Node {
        let idle = Party {
            published: false,
            declined: false,
            claimed: false,
        };
        match id {
            ALICE => {
                out.send(CHAIN_A, Msg::Publish);
                out.set_timer(Timer::Refund, self.ta);
                Node::Party(Party {
                    published: true,
                    ..idle
                })
            }
            BOB => Node::Party(idle),
            _ => Node::Chain(Contract::Absent),
        }
    }

    fn on_message(
        &self,
        id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: &Msg,
        out: &mut Effects<Self>,
    ) {
        match node {
            Node::Chain(c) => self.chain_message(id, c, from, *msg, out),
            Node::Party(p) => self.party_message(id, p, from, *msg, out),
        }
    }

    fn on_timer(&self, id: NodeId, _node: &mut Node, _timer: &Timer, out: &mut Effects<Self>) {
        let chain = if id == ALICE { CHAIN_A } else { CHAIN_B };
        out.send(chain, Msg::Refund);
    }

    /// The parties may crash (S14); a chain does not.
    fn can_crash(&self, id: NodeId) -> bool {
        id == ALICE || id == BOB
    }

    // `persisted` keeps the whole node (the default): what a party has done is on chain.

    fn on_recover(&self, id: NodeId, node: &mut Node, out: &mut Effects<Self>) {
        let timelock = if id == ALICE { self.ta } else { self.tb };
        if matches!(node, Node::Party(p) if p.published) {
            out.set_timer(Timer::Refund, timelock.saturating_sub(out.now()));
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        for chain in [CHAIN_A, CHAIN_B] {
            if let Some(Node::Chain(c)) = nodes.get(usize::from(chain)) {
                self.observe_chain(chain, *c, nodes, obs);
            }
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&NO_UNDERWATER),
            Property::catalogue(&ATOMICITY),
            Property::catalogue(&TIMEOUT_REVERT),
            Property::catalogue(&PROGRESS),
            Property::catalogue(&CAN_COMMIT),
            Property::catalogue(&CAN_ABORT),
        ]
    }
}

/// The default kernel configuration: clocked, Δ = 1, each party's transactions in order, one
/// replayed message, no loss and no crash (Herlihy's synchrony and live conforming parties).
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        time: TimeMode::Clocked,
        delta: 1,
        horizon: 8,
        delivery: Delivery::Ordered,
        replay: 1,
        ..KernelConfig::default()
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<Htlc>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "Herlihy's two-party atomic swap with hashed timelock contracts on two \
                      chains (clocked time): the leader's timelock must outlast the follower's \
                      by the time to see a claim and land one",
            source: "Herlihy, Atomic Cross-Chain Swaps, PODC 2018 (arXiv 1801.09515) 3-4; \
                     PROTOCOLS.md 6.2, 7.5 S13 S14",
            params: vec![ParamSpec {
                implicit_default: false,
                name: "timelock",
                default: 4,
                min: 1,
                max: 8,
                doc: "T_b, the follower's timelock (absolute tick); the leader's T_a follows \
                      from it, delta and the variant",
            }],
            kernel: Some(default_kernel()),
            notes: vec![
                "--crashes 1: no_underwater violated (S14): bob crashes after alice's claim and \
                 never claims; outside the failure model, which needs live conforming parties",
                "--loss 1 (a lost observation breaks the synchrony Herlihy assumes): \
                 no_underwater violated; --time async: no timelock ever passes, nothing is \
                 refunded and can_abort is unwitnessed",
                "the leader's timelock is T_b + 2 delta: one delta for bob to see alice's claim, \
                 one for his own claim to land (Herlihy's one delta, to change a contract and \
                 be seen, is two kernel hops)",
            ],
            catches: vec![
                "a leader timelock that does not outlast the follower's by an observation and an inclusion: no_underwater, atomicity, timeout_revert",
                "an escrow left past its timelock plus delta, a swap that cannot finish, and a replayed transaction or event (one replay)",
            ],
            misses: vec![
                "crashes and loss: outside Herlihy's failure model, each violates no_underwater (--crashes 1, --loss 1); async time has no timelocks at all",
                "deviating parties, more than two parties or chains, and the economic attacks (free option, sore loser)",
            ],
        }
    }

    /// The last event is a refund sent at the later timelock, landing within Δ: max(T_a, T_b)
    /// + Δ + 1 ticks.
    fn horizon(
        &self,
        variant: Variant,
        params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let tb = params.get("timelock").copied().unwrap_or(4);
        let ta = Htlc::leader_timelock(variant, tb, kernel.delta);
        Some(ta.max(tb) + kernel.delta + 1)
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        let underwater = &[NO_UNDERWATER.name, ATOMICITY.name, TIMEOUT_REVERT.name];
        vec![
            VariantSpec::holds(
                Variant::Default,
                "default",
                "T_a = T_b + 2 delta: after alice's latest claim bob can see the secret and \
                 land his claim before T_a",
            ),
            VariantSpec::violates(
                Variant::EqualTimelocks,
                "equal-timelocks",
                "T_a = T_b (S13): alice claims just before T_b, bob's claim lands too late, \
                 alice refunds and keeps both assets",
                underwater,
            ),
            VariantSpec::violates(
                Variant::SwappedTimelocks,
                "swapped-timelocks",
                "T_a = T_b - 2 delta (S13): alice's refund can come before her claim of b",
                underwater,
            ),
            VariantSpec::violates(
                Variant::MarginOffByOne,
                "margin-off-by-one",
                "T_a = T_b + 2 delta - 1: one tick short of bob's observation and inclusion",
                underwater,
            ),
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<Htlc>, ConfigError> {
        let kernel = c.kernel();
        let tb = c.param("timelock");
        let delta = if kernel.clocked() { kernel.delta } else { 1 };
        Ok(World::new(
            Htlc {
                variant: c.variant,
                ta: Htlc::leader_timelock(c.variant, tb, delta),
                tb,
            },
            kernel,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(variant: Variant) -> Htlc {
        Htlc {
            variant,
            ta: Htlc::leader_timelock(variant, 4, 1),
            tb: 4,
        }
    }

    #[test]
    fn a_claim_counts_only_before_the_timelock_and_a_refund_only_from_it() {
        let p = model(Variant::Default);
        for (now, claimed) in [(5, true), (6, false)] {
            let mut c = Contract::Escrowed;
            let mut out = Effects::new(now);
            p.chain_message(CHAIN_A, &mut c, BOB, Msg::Claim, &mut out);
            assert_eq!(c == Contract::Claimed, claimed, "claim at {now}");
        }
        for (now, refunded) in [(5, false), (6, true)] {
            let mut c = Contract::Escrowed;
            let mut out = Effects::new(now);
            p.chain_message(CHAIN_A, &mut c, ALICE, Msg::Refund, &mut out);
            assert_eq!(c == Contract::Refunded, refunded, "refund at {now}");
        }
        // Only the counterparty claims, only the owner refunds.
        let mut c = Contract::Escrowed;
        p.chain_message(CHAIN_A, &mut c, ALICE, Msg::Claim, &mut Effects::new(0));
        p.chain_message(CHAIN_A, &mut c, BOB, Msg::Refund, &mut Effects::new(9));
        assert_eq!(c, Contract::Escrowed);
    }

    #[test]
    fn alices_claim_reveals_the_secret_to_bob_who_claims_once() {
        let p = model(Variant::Default);
        let mut b = Contract::Escrowed;
        let mut out = Effects::new(3);
        p.chain_message(CHAIN_B, &mut b, ALICE, Msg::Claim, &mut out);
        assert_eq!(out.sent(), [(BOB, Msg::Revealed)]);
        let mut bob = Party {
            published: true,
            declined: false,
            claimed: false,
        };
        let mut out = Effects::new(4);
        p.party_message(BOB, &mut bob, CHAIN_B, Msg::Revealed, &mut out);
        assert_eq!(out.sent(), [(CHAIN_A, Msg::Claim)]);
        let mut out = Effects::new(4);
        p.party_message(BOB, &mut bob, CHAIN_B, Msg::Revealed, &mut out);
        assert!(out.sent().is_empty(), "a replayed event is ignored");
    }

    #[test]
    fn the_variants_set_the_leaders_timelock() {
        let ta = |v| Htlc::leader_timelock(v, 4, 1);
        assert_eq!(
            [
                ta(Variant::Default),
                ta(Variant::EqualTimelocks),
                ta(Variant::SwappedTimelocks),
                ta(Variant::MarginOffByOne)
            ],
            [6, 4, 2, 5]
        );
    }
}
