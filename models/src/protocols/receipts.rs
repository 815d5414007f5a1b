//! `receipts`: receipt-based asynchronous cross-shard transfers with per-source sequence numbers,
//! a claimed bitfield on the destination, and finality of the source chain.
//!
//! Source: Vitalik Buterin, "Cross-shard receipt and hibernation/waking anti-double-spending"
//! (ethresear.ch/t/4748, 2019) and "Phase 2 pre-spec: cross-shard mechanics" (ethresear.ch/t/4970);
//! PROTOCOLS.md §3.1 (known bugs (a) and (b)), §2.3 (the finality lesson) and §7.5 S9/S10.
//! *Send* on shard A destroys the value and commits a receipt (destination, value, a sequence
//! number `next_seq[B]++`) into A's state; *Claim* on shard B verifies the receipt's Merkle branch
//! against a root of A that B knows, and credits it if the receipt "has not already been spent",
//! kept as one bit per receipt in a per-source bitfield.
//!
//! Encoding. The sizes are parameters (`xshard list receipts`), each defaulting to the
//! configuration whose counts and counterexamples are pinned:
//!
//! - `sources` (1..=3, default 1): source chains `shard-a`, `shard-b`, …, and after them the
//!   one destination (`shard-b` by default). Each source has its own sequence numbers and its
//!   own bitfield on the destination (the post's "per-source bitfield"), and the destination
//!   tells the source of a claim from its Merkle branch (in the model: the sender). Receipt
//!   `seq` of source `s` is transfer (and output) `s · transfers + seq`, so the properties
//!   judge each transfer of each source. The sources are configured identically, but no
//!   symmetry is declared: a receipt's id names its source, so renaming sources would have
//!   to rename the history's receipts too.
//! - `transfers` (1..=4, default 2): transfers of 1 each source can afford (its balance); the
//!   supply is `transfers · sources`.
//! - `reorgs` (0..=3, default 1): reorgs each source may suffer (a fault budget per source).
//!
//! Below, A is a source and B the destination.
//! - A's chain is its block count `sent` (block `i` holds the one receipt with sequence number
//!   `i`, of value 1) and its finalized prefix `finalized`; A's balance is `transfers - sent`.
//! - `Send` (a user's choice at A, while the balance lasts) produces a block with the next
//!   receipt. A relayer (anyone) submits the claim at once, proven against A's latest header:
//!   A sends `Claim { seq, root: Head }` to B.
//! - `Finalize` (A's choice: the beacon chain crosslinks A's next block) finalizes one block; the
//!   relayer submits again, proven against the crosslinked root: `Claim { seq, root:
//!   Crosslinked }`. Crosslinks are irreversible, so a proof against a crosslinked root stays
//!   valid; B can check which kind of root a proof uses against the beacon chain (the model
//!   carries that fact in the message; the attacker only re-delivers genuine messages).
//! - `Reorg` (A's choice, a bounded fault: at most `reorgs` times, only while a block is not
//!   final) drops A's non-final blocks: their sends are undone and A's balance comes back.
//!   After a reorg A may send again and reuse the sequence numbers, as the real chain would.
//! - B credits a claim whose root is crosslinked and whose bit is clear, then sets the bit.
//!
//! Properties: `conservation` (the sources' balances + B's balance + receipts in the sources'
//! chains not yet claimed = `transfers · sources`), `no_double_spend` (a credit spends its receipt — the bitfield is the
//! post's anti-double-spending guard — so each receipt is consumed at most once),
//! `no_double_create` (the credit of receipt `seq` is an output created by B), both recorded in
//! the kernel's history when B credits it, and the witness `can_commit` (a transfer final on A
//! and credited on B).
//!
//! What the checker reports (default kernel: unordered delivery, `--replay 1`, async time):
//! - default: `conservation`, `no_double_create` and `progress` hold, `can_commit` is
//!   witnessed. The safety properties still hold with `--loss 1` (a lost claim leaves the
//!   receipt unclaimed, counted as in flight), but `progress` is violated in 3 steps (Send,
//!   Finalize, the claim is lost): nobody resubmits the receipt, so the transfer stays pending
//!   on B for good — the relayer's liveness issue, found.
//! - `no-replay-guard` (B does not consult its bitfield; bug (a), S9): the replayed claim credits
//!   the receipt twice — `conservation`, `no_double_spend` and `no_double_create` violated in
//!   4 steps: Send,
//!   Finalize, Claim, Claim (S9's three steps plus the crosslink that makes the claim valid).
//!   With `--replay 0` it holds: the duplicate comes only from the kernel's replay budget.
//! - `unfinalized-claim` (B accepts a proof against A's non-final head; bug (b), S10): Send,
//!   Claim (credited), Reorg of A (the send is undone) — supply inflates, `conservation`
//!   violated in 3 steps. `no_double_create` holds (the bitfield still guards).
//!
//! Time is async: the protocol has no time-out (receipts never expire, §3.1), so a clock would
//! only multiply states. Abstracted away: Merkle proofs (a claim names its receipt and the kind
//! of root it is proven against), values other than 1, calldata, the hibernation use, more than
//! one destination, the relayer's identity.
//!
//! At other sizes (pinned in `tests/it/sizes.rs`): with two sources every variant keeps its
//! verdicts and counterexample lengths (default 49,080 states; the flaws need one source's
//! receipt, so two sources only add interleavings); three sources with the default's replay
//! are beyond an exhaustive check in a minute (about 7.1 million states).
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.
//!
//! Crashes. Both shards may crash (a halted chain) and keep their whole state — sent and
//! finalized receipts, sequence numbers, the destination's processed set and balances —
//! because each is chain state that a Merkle proof is made against (PROTOCOLS.md §3.1: the
//! receipt is committed "into A's state" and the claimed record into B's; §0.3,
//! "crash-recover with durable storage"). The model has no timers, so recovery re-arms
//! nothing; a crash only delays (recover) or ends (stop) a shard's part.
//!
//! No symmetry: a source and the destination have different roles, and the sources, though
//! configured alike, name the receipts the history records (see `sources` above).

use serde::Serialize;
use xshard_properties::{
    Amount, Event, Ledger, NodeId, Observation, Outcome, CAN_COMMIT, CONSERVATION,
    NO_DOUBLE_CREATE, NO_DOUBLE_SPEND, PROGRESS,
};

use super::per_item::PerItem;
use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, World};
use crate::mutant;

/// The registry name.
pub const NAME: &str = "receipts";

/// The source shard's chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Source {
    /// Blocks (one receipt each, sequence numbers `0..sent`).
    pub sent: u8,
    /// Blocks `0..finalized` are final (crosslinked).
    pub finalized: u8,
    /// Reorgs the fault budget still allows.
    pub reorgs_left: u8,
}

/// The destination shard.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Dest {
    /// The claimed bitfields, one per source (the post's per-source bitfield): bit `seq` of
    /// source `s`'s set once that source's receipt `seq` was credited.
    pub bits: PerItem<u8>,
    /// B's balance: what it was credited.
    pub balance: u8,
}

/// A node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// A source chain that sends receipts (`shard-a`, …).
    Source(Source),
    /// The destination that claims them (the last shard).
    Dest(Dest),
}

/// The root a claim's Merkle branch is proven against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Root {
    /// A's latest (possibly non-final) header.
    Head,
    /// A crosslinked (final) root of A.
    Crosslinked,
}

/// A message: a claim of receipt `seq` submitted to B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Claim {
    /// The receipt's sequence number (its block in A's chain).
    pub seq: u8,
    /// Which kind of A's root the claim's Merkle branch is proven against.
    pub root: Root,
}

/// A choice of the source shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// A user sends 1 to B.
    Send,
    /// The beacon chain crosslinks A's next block.
    Finalize,
    /// A's non-final blocks are reorganised away (a budgeted fault).
    Reorg,
}

/// The flaw of a variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// The `default` variant: B credits only crosslinked claims whose bit is clear.
    None,
    /// B credits without consulting its bitfield.
    NoReplayGuard,
    /// B accepts a proof against A's non-final head.
    UnfinalizedClaim,
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct Receipts {
    /// How many transfers of 1 each source can afford (its initial balance).
    pub transfers: u8,
    /// How many reorgs each source may suffer.
    pub reorgs: u8,
    /// How many source shards send to the one destination.
    pub sources: u8,
    /// The variant's flaw, if any.
    pub flaw: Flaw,
}

/// Parameter: transfers each source can afford.
pub const TRANSFERS: &str = "transfers";
/// Parameter: reorgs of each source's non-final blocks.
pub const REORGS: &str = "reorgs";
/// Parameter: source shards.
pub const SOURCES: &str = "sources";

impl Receipts {
    /// The destination's node id: after the sources.
    pub fn dest(&self) -> NodeId {
        self.sources
    }

    /// The id of source `source`'s receipt `seq`, its transfer: sources number theirs in turn,
    /// so with one source it is `seq`.
    fn receipt(&self, source: NodeId, seq: u8) -> u8 {
        source * self.transfers + seq
    }
}

impl Protocol for Receipts {
    type Node = Node;
    type Msg = Claim;
    type Timer = ();
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        (0..=self.sources)
            .map(|i| format!("shard-{}", char::from(b'a' + i)))
            .collect()
    }

    fn init(&self, id: NodeId, _out: &mut Effects<Self>) -> Node {
        if id < self.dest() {
            Node::Source(Source {
                sent: 0,
                finalized: 0,
                reorgs_left: self.reorgs,
            })
        } else {
            Node::Dest(Dest {
                bits: PerItem::new(usize::from(self.sources), 0),
                balance: 0,
            })
        }
    }

    fn on_message(
        &self,
        id: NodeId,
        node: &mut Node,
        from: NodeId,
        m: &Claim,
        out: &mut Effects<Self>,
    ) {
        let Node::Dest(d) = node else { return };
        // The claim's Merkle branch names its source chain: the sender of the message.
        let Some(&bits) = d.bits.get(usize::from(from)) else {
            return;
        };
        let root_ok = m.root == Root::Crosslinked || self.flaw == Flaw::UnfinalizedClaim;
        let unspent = bits & (1 << m.seq) == 0 || self.flaw == Flaw::NoReplayGuard;
        if root_ok && unspent {
            // Seeded bugs: the bit is not set; the bit set is the credit count's, not the
            // receipt's (the same while receipts arrive in order).
            let bit = if mutant::on("receipts/bit-by-credit-count") {
                d.balance
            } else {
                m.seq
            };
            if !mutant::on("receipts/forget-bit") {
                d.bits[usize::from(from)] |= 1u8.checked_shl(u32::from(bit)).unwrap_or(0);
            }
            d.balance = d.balance.saturating_add(1);
            // The credit spends the receipt (the bit guards it) and creates B's output.
            let receipt = self.receipt(from, m.seq);
            out.record(Event::Consume {
                object: receipt,
                tx: receipt,
            });
            out.record(Event::Create {
                object: receipt,
                shard: id,
            });
        }
    }

    fn on_timer(&self, _: NodeId, _: &mut Node, _: &(), _: &mut Effects<Self>) {}

    fn choices(&self, _id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        if let Node::Source(s) = node {
            // Seeded bug (off by one): a send is allowed with the balance at zero.
            let room = u8::from(mutant::on("receipts/overdraft"));
            if s.sent < self.transfers + room {
                out.push(Choice::Send);
            }
            if s.finalized < s.sent {
                out.push(Choice::Finalize);
                if s.reorgs_left > 0 {
                    out.push(Choice::Reorg);
                }
            }
        }
    }

    fn on_choice(&self, _id: NodeId, node: &mut Node, choice: &Choice, out: &mut Effects<Self>) {
        let Node::Source(s) = node else { return };
        match choice {
            Choice::Send => {
                let seq = s.sent;
                s.sent += 1;
                out.send(
                    self.dest(),
                    Claim {
                        seq,
                        root: Root::Head,
                    },
                );
            }
            Choice::Finalize => {
                // Seeded bug (off by one): the claim names the block after the finalized one.
                let seq = s.finalized + u8::from(mutant::on("receipts/claim-next-block"));
                s.finalized += 1;
                // Seeded bug: the relayer proves the claim against the head again.
                let root = if mutant::on("receipts/finalize-claims-head") {
                    Root::Head
                } else {
                    Root::Crosslinked
                };
                out.send(self.dest(), Claim { seq, root });
            }
            Choice::Reorg => {
                s.sent = s.finalized;
                s.reorgs_left -= 1;
            }
        }
    }

    fn can_crash(&self, _id: NodeId) -> bool {
        true
    }

    /// The whole node survives: all of it is chain state (only the seeded bug loses some).
    fn persisted(&self, _id: NodeId, node: &Node) -> Node {
        match node {
            // Seeded bug: the claimed bitfield is kept in memory only, and a crash forgets it.
            Node::Dest(d) if mutant::on("receipts/volatile-bitfield") => Node::Dest(Dest {
                bits: PerItem::new(d.bits.len(), 0),
                balance: d.balance,
            }),
            other => other.clone(),
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        let dest = usize::from(self.dest());
        let Some(Node::Dest(d)) = nodes.get(dest) else {
            return;
        };
        let names = self.node_names();
        let sources: Vec<(NodeId, Source)> = nodes[..dest]
            .iter()
            .zip(0..)
            .filter_map(|(n, i)| match n {
                Node::Source(s) => Some((i, *s)),
                Node::Dest(_) => None,
            })
            .collect();
        let mut amounts: Vec<Amount> = sources
            .iter()
            .map(|&(i, s)| Amount {
                holder: format!("balance {}", names[usize::from(i)]),
                value: i64::from(self.transfers) - i64::from(s.sent),
            })
            .collect();
        amounts.push(Amount {
            holder: format!("balance {}", names[dest]),
            value: i64::from(d.balance),
        });
        for &(i, s) in &sources {
            let bits = d.bits.get(usize::from(i)).copied().unwrap_or(0);
            for seq in 0..s.sent {
                if bits & (1 << seq) == 0 {
                    let holder = if self.sources == 1 {
                        format!("unclaimed receipt {seq}")
                    } else {
                        format!("unclaimed receipt {seq} of {}", names[usize::from(i)])
                    };
                    amounts.push(Amount { holder, value: 1 });
                }
            }
        }
        obs.ledger = Some(Ledger {
            supply: i64::from(self.transfers) * i64::from(self.sources),
            amounts,
        });
        for &(i, s) in &sources {
            let bits = d.bits.get(usize::from(i)).copied().unwrap_or(0);
            for seq in 0..self.transfers {
                let at_a = if seq < s.finalized {
                    Outcome::Committed
                } else if seq < s.sent {
                    Outcome::Locked
                } else {
                    Outcome::Pending
                };
                let tx = self.receipt(i, seq);
                obs.outcome(tx, i, at_a);
                let at_b = if bits & (1 << seq) != 0 {
                    Outcome::Committed
                } else {
                    Outcome::Pending
                };
                obs.outcome(tx, self.dest(), at_b);
            }
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&CONSERVATION),
            Property::catalogue(&NO_DOUBLE_SPEND),
            Property::catalogue(&NO_DOUBLE_CREATE),
            Property::catalogue(&PROGRESS),
            Property::catalogue(&CAN_COMMIT),
        ]
    }
}

/// The default kernel configuration: unordered, one replay, async time.
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        replay: 1,
        ..KernelConfig::default()
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<Receipts>;
    type Variant = Flaw;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "receipt-based cross-shard transfers: sequence numbers, a claimed bitfield, \
                      claims only against crosslinked (final) roots, source reorgs",
            source: "Buterin, Cross-shard receipt and hibernation/waking anti-double-spending, \
                     ethresear.ch/t/4748 (2019); Phase 2 pre-spec, ethresear.ch/t/4970; \
                     PROTOCOLS.md 3.1, 2.3, 7.5 S9 S10",
            params: vec![
                ParamSpec::new(
                    TRANSFERS,
                    2,
                    1..=4,
                    "transfers of 1 each source can afford (its balance; the supply is \
                     transfers times sources), each a receipt with its own sequence number",
                ),
                ParamSpec::new(
                    REORGS,
                    1,
                    0..=3,
                    "reorgs of each source's non-final blocks (a bounded fault)",
                ),
                ParamSpec::new(
                    SOURCES,
                    1,
                    1..=3,
                    "source shards (shard-a, ...), each with its own receipts, sequence numbers \
                     and bitfield on the destination, which is the shard after them; 3 sources \
                     with the default's replay take minutes",
                )
                .implicit_at_default(),
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "--loss 1: progress violated (a lost claim is never resubmitted); the rest holds",
                "no-replay-guard --replay 0: holds (the double claim needs the replay)",
                "unfinalized-claim -p reorgs=0: holds (the flaw needs a reorg of the source)",
            ],
            catches: vec![
                "double claims by replay, claims against non-final roots undone by a reorg: conservation, no_double_spend, no_double_create (one replay, one reorg, two transfers)",
            ],
            misses: vec![
                "a lost claim: nobody resubmits it, so --loss 1 violates progress by design of the model (the relayer's liveness)",
                "bugs needing more transfers, reorgs or sources (-p transfers=…, -p reorgs=…, -p sources=…; one destination only), crashes (--crashes 1)",
            ],
        }
    }

    /// Clocked time: each transfer is sent, finalized and claimed within 2Δ, and each reorg
    /// or lost claim can cost every transfer another Δ. Measured minimal horizons are
    /// Δ·transfers·(2 + reorgs) + 1 for every transfers 1–3, reorgs 0–2 and Δ 1–2 tried.
    fn horizon(
        &self,
        _variant: Flaw,
        params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let transfers = params.get(TRANSFERS).copied().unwrap_or(2);
        let reorgs = params.get(REORGS).copied().unwrap_or(1);
        // The sources' transfers interleave: the busy time adds up.
        let sources = params.get(SOURCES).copied().unwrap_or(1);
        let faults = u32::from(kernel.loss) + u32::from(kernel.crashes);
        Some(kernel.delta * transfers * sources * (2 + reorgs + faults) + 1)
    }

    fn variants(&self) -> Vec<VariantSpec<Flaw>> {
        vec![
            VariantSpec {
                kernel: None,
                value: Flaw::None,
                name: "default",
                summary: "B credits a claim proven against a crosslinked root whose bit is clear",
                expect: Expect::Holds,
            },
            VariantSpec {
                kernel: None,
                value: Flaw::NoReplayGuard,
                name: "no-replay-guard",
                summary: "B credits without consulting its claimed bitfield (double claim by \
                              replay, S9)",
                expect: Expect::Violates(vec![
                    CONSERVATION.name,
                    NO_DOUBLE_SPEND.name,
                    NO_DOUBLE_CREATE.name,
                ]),
            },
            VariantSpec {
                kernel: None,
                value: Flaw::UnfinalizedClaim,
                name: "unfinalized-claim",
                summary: "B accepts a proof against A's non-final head; A then reorgs (supply \
                              inflates, S10)",
                expect: Expect::Violates(vec![CONSERVATION.name]),
            },
        ]
    }

    fn build(&self, c: &Config<'_, Flaw>) -> Result<World<Receipts>, ConfigError> {
        Ok(World::new(
            Receipts {
                transfers: u8::try_from(c.param(TRANSFERS)).unwrap_or(2),
                reorgs: u8::try_from(c.param(REORGS)).unwrap_or(1),
                sources: u8::try_from(c.param(SOURCES)).unwrap_or(1),
                flaw: c.variant,
            },
            c.kernel(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NodeId = 0;
    const B: NodeId = 1;

    /// B after the claims, and the sequence numbers of the outputs it recorded as created.
    fn dest(p: &Receipts, claims: &[Claim]) -> (Dest, Vec<u8>) {
        let mut node = p.init(B, &mut Effects::new(0));
        let mut out = Effects::new(0);
        for c in claims {
            p.on_message(B, &mut node, A, c, &mut out);
        }
        let created = out
            .recorded()
            .iter()
            .filter_map(|e| match *e {
                Event::Create { object, shard } if shard == B => Some(object),
                Event::Consume { object, tx } if object == tx => None,
                ref other => panic!("B records only its credits, got {other:?}"),
            })
            .collect();
        match node {
            Node::Dest(d) => (d, created),
            Node::Source(_) => unreachable!("B is the destination"),
        }
    }

    const HEAD: Claim = Claim {
        seq: 1,
        root: Root::Head,
    };
    const FINAL: Claim = Claim {
        seq: 1,
        root: Root::Crosslinked,
    };

    fn protocol(flaw: Flaw) -> Receipts {
        Receipts {
            transfers: 2,
            reorgs: 1,
            sources: 1,
            flaw,
        }
    }

    #[test]
    fn the_destination_credits_final_unspent_receipts_once() {
        let (d, created) = dest(&protocol(Flaw::None), &[HEAD, FINAL, FINAL]);
        assert_eq!(
            (d.bits, d.balance, created),
            (PerItem(vec![0b10]), 1, vec![1])
        );
    }

    #[test]
    fn each_flaw_drops_exactly_one_guard() {
        let (d, created) = dest(&protocol(Flaw::NoReplayGuard), &[HEAD, FINAL, FINAL]);
        assert_eq!((d.balance, created), (2, vec![1, 1]));
        let (d, created) = dest(&protocol(Flaw::UnfinalizedClaim), &[HEAD, FINAL]);
        assert_eq!((d.balance, created), (1, vec![1]));
    }

    #[test]
    fn each_source_has_its_own_bitfield_and_receipt_ids() {
        let p = Receipts {
            sources: 2,
            ..protocol(Flaw::None)
        };
        let mut d = p.init(p.dest(), &mut Effects::new(0));
        let mut out = Effects::new(0);
        // Receipt 1 of shard-a and receipt 1 of shard-b are two receipts: both credited.
        p.on_message(p.dest(), &mut d, 0, &FINAL, &mut out);
        p.on_message(p.dest(), &mut d, 1, &FINAL, &mut out);
        p.on_message(p.dest(), &mut d, 1, &FINAL, &mut out);
        let Node::Dest(d) = d else {
            unreachable!("the last shard is the destination")
        };
        assert_eq!((d.bits, d.balance), (PerItem(vec![0b10, 0b10]), 2));
        let created: Vec<u8> = out
            .recorded()
            .iter()
            .filter_map(|e| match *e {
                Event::Create { object, .. } => Some(object),
                _ => None,
            })
            .collect();
        assert_eq!(created, [1, 3]);
        assert_eq!(p.node_names(), ["shard-a", "shard-b", "shard-c"]);
    }

    #[test]
    fn the_ledger_counts_unclaimed_receipts_as_in_flight() {
        let p = protocol(Flaw::None);
        let source = Node::Source(Source {
            sent: 2,
            finalized: 1,
            reorgs_left: 1,
        });
        let d = Node::Dest(Dest {
            bits: PerItem(vec![0b01]),
            balance: 1,
        });
        let mut obs = Observation::default();
        p.observe(&[source, d], &mut obs);
        let ledger = obs.ledger.expect("a ledger");
        assert_eq!((ledger.total(), ledger.supply), (2, 2));
        assert_eq!(ledger.amounts[2].holder, "unclaimed receipt 1");
    }
}
