//! `merge-blocks`: a synchronous cross-shard transaction (book the train on shard A and the
//! hotel on shard B) in a merged pair of blocks, and the coupled fork choice that keeps the pair
//! atomic under reorgs.
//!
//! Sources: Vitalik Buterin, "Merge blocks and synchronous cross-shard state execution"
//! (ethresear.ch/t/1240, 2018): "a block on one shard is atomic with a block on another shard;
//! that is, either both blocks are part of the final chain or neither are", by the fork-choice
//! constraint canonical(A) ⇔ canonical(B); and "Simple synchronous cross-shard transaction
//! protocol" (ethresear.ch/t/3097): without it, "suppose that shard A reorgs, but not shard B.
//! Oh no! The hotel is now booked and not the train." PROTOCOLS.md §2.2 and §7.5 S11.
//!
//! Encoding. Two shard nodes, `shard-a` (the train) and `shard-b` (the hotel). Each holds its
//! chain above genesis as a list of blocks; a block is identified by (height, fork), where
//! `fork` counts the reorgs that shard had suffered when the block was made, so ids are unique.
//! - `Submit` (the user's choice at A, once): A includes the train half of T in a new block and
//!   proposes the merge to B (`Merge(block id)`); on delivery B includes the hotel half in a new
//!   block that names its partner.
//! - `Reorg` (a shard's choice, a bounded fault: at most `reorgs` times per shard) replaces the
//!   shard's tip by an empty sibling block. Only the tip is reorganised: blocks above genesis are
//!   the non-final suffix within this model's few steps.
//! - The fork choice is what every client following both shards computes from the two chains.
//!   Coupled (default): a chain's canonical prefix stops at its first merged block whose partner
//!   is not on the other chain (so a reorg of one shard that drops a merged block drops its
//!   partner too, the "forced reorg" of §2.2). Independent (`independent-reorg`): each shard's
//!   canonical chain is its own chain.
//!
//! Outcomes of T per shard: committed while its half is canonical; locked while A's half waits
//! for B's (B never included its half yet); reverted once the shard had included its half and it
//! is no longer canonical; pending before. `atomicity` is then "the train is booked iff the
//! hotel is booked" (no state where one half is canonical and the other reverted). Witnesses:
//! `can_commit` (both booked) and `can_abort` (both halves reverted after a reorg).
//!
//! What the checker reports (default kernel: unordered delivery, `--replay 1`, async time):
//! - default: `atomicity` holds, both witnesses found. The coupling is a definition of the fork
//!   choice; what the search establishes is that no interleaving of the proposal, its delivery,
//!   replays, losses and reorgs of either shard breaks it (e.g. a merge proposal replayed after
//!   A's reorg gives B a hotel half whose partner is gone, which the coupled rule keeps out of
//!   the canonical chain). `atomicity` holds with `--loss 1` too; `progress` does not, since
//!   nothing re-proposes a lost merge proposal (inclusion brittleness).
//! - `independent-reorg`: Submit, Merge delivered, Reorg of A — the hotel is booked and the
//!   train is not: `atomicity` violated in 3 steps (S11). (A lost proposal there leaves the
//!   train booked and the hotel pending for good: inclusion brittleness, a liveness failure
//!   that `atomicity`, a safety property, does not flag.)
//!
//! Time is async: nothing here has a time-out. Abstracted away: execution, access lists and
//! witnesses (the post's main subject), block contents other than T, finality (modelled in
//! `receipts`), inclusion brittleness and censorship (liveness, not safety).
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.
//!
//! Crashes. Both shards may crash (a halted chain) and keep their chain — blocks, forks, the
//! reorg budget — which is what a chain is (PROTOCOLS.md §2.2: the merged block is part of
//! both chains; §0.3, "crash-recover with durable storage"). There are no timers to re-arm.
//!
//! No symmetry: `shard-a` books the train and `shard-b` the hotel, so their chains carry
//! different halves of T and are not interchangeable.

use serde::Serialize;
use xshard_properties::{NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT, PROGRESS};

use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, World};
use crate::mutant;

/// The registry name.
pub const NAME: &str = "merge-blocks";

/// A block id: (height above genesis, fork).
pub type BlockId = (u8, u8);

/// A block above genesis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Block {
    /// The number of reorgs the shard had suffered when it made the block.
    pub fork: u8,
    /// Whether the block holds this shard's half of T.
    pub tx: bool,
    /// For B's half of T: the id of A's block it is merged with.
    pub partner: Option<BlockId>,
}

/// A shard's chain.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Chain {
    /// Blocks above genesis, lowest first.
    pub blocks: Vec<Block>,
    /// Reorgs suffered so far.
    pub forks: u8,
    /// Reorgs the fault budget still allows.
    pub reorgs_left: u8,
    /// A: the user submitted T. B: unused.
    pub submitted: bool,
    /// Ghost: this shard included its half of T at some point.
    pub ever: bool,
}

impl Chain {
    fn id_of(&self, index: usize) -> BlockId {
        let height = u8::try_from(index + 1).unwrap_or(u8::MAX);
        (height, self.blocks[index].fork)
    }

    fn has(&self, id: BlockId) -> bool {
        let index = usize::from(id.0).wrapping_sub(1);
        // Seeded mutant (equivalent): the fork is not compared; a reorganised block at that
        // height is always empty, so the `tx` test alone tells it apart.
        let any_fork = mutant::on("merge-blocks/has-ignores-fork");
        self.blocks
            .get(index)
            .is_some_and(|b| (b.fork == id.1 || any_fork) && b.tx)
    }
}

/// A message: A proposes to merge its block with a new block of B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Merge(pub BlockId);

/// A shard's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// The user submits T (at A).
    Submit,
    /// The shard's tip is reorganised away (a budgeted fault).
    Reorg,
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct MergeBlocks {
    /// Reorgs each shard may suffer.
    pub reorgs: u8,
    /// The flaw: each shard's fork choice ignores the other shard.
    pub independent: bool,
}

const A: NodeId = 0;
const B: NodeId = 1;

impl MergeBlocks {
    /// The length of each chain's canonical prefix under the variant's fork choice.
    pub fn canonical(&self, a: &Chain, b: &Chain) -> (usize, usize) {
        if self.independent {
            return (a.blocks.len(), b.blocks.len());
        }
        // Seeded bugs: one half of the coupling is missing (B's half is canonical whatever A
        // holds; A's half is canonical whatever B references).
        let b_free = mutant::on("merge-blocks/b-ignores-partner");
        let a_free = mutant::on("merge-blocks/a-ignores-reference");
        let b_cut = b
            .blocks
            .iter()
            .position(|blk| blk.tx && !b_free && !blk.partner.is_some_and(|p| a.has(p)))
            .unwrap_or(b.blocks.len());
        // Seeded mutant (equivalent): A's blocks may be referenced from B's whole chain.
        let seen = if mutant::on("merge-blocks/reference-whole-chain") {
            b.blocks.len()
        } else {
            b_cut
        };
        let referenced = |id: BlockId| b.blocks[..seen].iter().any(|y| y.partner == Some(id));
        let a_cut = (0..a.blocks.len())
            .find(|&i| a.blocks[i].tx && !a_free && !referenced(a.id_of(i)))
            .unwrap_or(a.blocks.len());
        (a_cut, b_cut)
    }
}

fn outcome(chain: &Chain, cut: usize, waiting: bool) -> Outcome {
    let half = chain.blocks.iter().position(|b| b.tx);
    match half {
        Some(i) if i < cut => Outcome::Committed,
        Some(_) if waiting => Outcome::Locked,
        _ if chain.ever => Outcome::Reverted,
        _ => Outcome::Pending,
    }
}

impl Protocol for MergeBlocks {
    type Node = Chain;
    type Msg = Merge;
    type Timer = ();
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        vec!["shard-a".to_string(), "shard-b".to_string()]
    }

    fn init(&self, _id: NodeId, _out: &mut Effects<Self>) -> Chain {
        Chain {
            blocks: Vec::new(),
            forks: 0,
            reorgs_left: self.reorgs,
            submitted: false,
            ever: false,
        }
    }

    fn on_message(&self, id: NodeId, c: &mut Chain, _: NodeId, m: &Merge, _: &mut Effects<Self>) {
        if id == B {
            c.blocks.push(Block {
                fork: c.forks,
                tx: true,
                partner: Some(m.0),
            });
            c.ever = true;
        }
    }

    fn on_timer(&self, _: NodeId, _: &mut Chain, _: &(), _: &mut Effects<Self>) {}

    fn choices(&self, id: NodeId, c: &Chain, _now: u32, out: &mut Vec<Choice>) {
        if id == A && !c.submitted {
            out.push(Choice::Submit);
        }
        if c.reorgs_left > 0 && !c.blocks.is_empty() {
            out.push(Choice::Reorg);
        }
    }

    fn on_choice(&self, _id: NodeId, c: &mut Chain, choice: &Choice, out: &mut Effects<Self>) {
        match choice {
            Choice::Submit => {
                c.blocks.push(Block {
                    fork: c.forks,
                    tx: true,
                    partner: None,
                });
                c.submitted = true;
                c.ever = true;
                let (height, fork) = c.id_of(c.blocks.len() - 1);
                // Seeded bug (off by one): the proposal names the block below the new one.
                let below = u8::from(mutant::on("merge-blocks/partner-off-by-one"));
                out.send(B, Merge((height - below, fork)));
            }
            Choice::Reorg => {
                c.forks += 1;
                c.reorgs_left -= 1;
                if let Some(tip) = c.blocks.last_mut() {
                    *tip = Block {
                        fork: c.forks,
                        tx: false,
                        partner: None,
                    };
                }
            }
        }
    }

    fn can_crash(&self, _id: NodeId) -> bool {
        true
    }

    // `persisted` keeps the whole chain (the default): a chain is its stable storage.

    fn observe(&self, nodes: &[Chain], obs: &mut Observation) {
        let (Some(a), Some(b)) = (nodes.first(), nodes.get(1)) else {
            return;
        };
        let (a_cut, b_cut) = self.canonical(a, b);
        obs.outcome(0, A, outcome(a, a_cut, !b.ever));
        obs.outcome(0, B, outcome(b, b_cut, false));
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&ATOMICITY),
            Property::catalogue(&PROGRESS),
            Property::catalogue(&CAN_COMMIT),
            Property::catalogue(&CAN_ABORT),
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

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The coupled fork choice.
    Default,
    /// Each shard's fork choice ignores the other (S11).
    IndependentReorg,
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<MergeBlocks>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "a synchronous train-and-hotel transaction in merged blocks of two shard \
                      chains, with the coupled fork choice, under reorgs",
            source: "Buterin, Merge blocks and synchronous cross-shard state execution, \
                     ethresear.ch/t/1240 (2018); Simple synchronous cross-shard transaction \
                     protocol, ethresear.ch/t/3097; PROTOCOLS.md 2.2, 7.5 S11",
            params: vec![ParamSpec {
                name: "reorgs",
                default: 1,
                min: 0,
                max: 3,
                doc: "reorgs of its tip each shard may suffer (a bounded fault)",
                implicit_default: false,
            }],
            kernel: Some(default_kernel()),
            notes: vec![
                "--loss 1: atomicity still holds; progress is violated, since nothing \
                 re-proposes a lost merge proposal",
                "-p reorgs=0 (either variant): atomicity holds and can_abort is unwitnessed (only \
                 a reorg reverts T), so the verdict is violated",
            ],
            catches: vec![
                "a merged pair split by a reorg of one shard: atomicity (one reorg per shard, one replay)",
            ],
            misses: vec![
                "a lost merge proposal: nothing re-proposes it, so --loss 1 violates progress (inclusion brittleness, a liveness failure)",
                "execution, access lists and finality (abstracted away); more than one transaction or a deeper reorg (-p reorgs=…)",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec {
                kernel: None,
                value: Variant::Default,
                name: "default",
                summary: "coupled fork choice: a merged block is canonical only with its \
                              partner",
                expect: Expect::Holds,
            },
            VariantSpec {
                kernel: None,
                value: Variant::IndependentReorg,
                name: "independent-reorg",
                summary: "the naive synchronous transaction: each shard's fork choice ignores \
                              the other, one shard reorgs alone (S11)",
                expect: Expect::Violates(vec![ATOMICITY.name]),
            },
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<MergeBlocks>, ConfigError> {
        Ok(World::new(
            MergeBlocks {
                reorgs: u8::try_from(c.param("reorgs")).unwrap_or(1),
                independent: matches!(c.variant, Variant::IndependentReorg),
            },
            c.kernel(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(blocks: &[Block], ever: bool) -> Chain {
        Chain {
            blocks: blocks.to_vec(),
            forks: 0,
            reorgs_left: 0,
            submitted: false,
            ever,
        }
    }

    const HALF_A: Block = Block {
        fork: 0,
        tx: true,
        partner: None,
    };
    const HALF_B: Block = Block {
        fork: 0,
        tx: true,
        partner: Some((1, 0)),
    };
    const EMPTY: Block = Block {
        fork: 1,
        tx: false,
        partner: None,
    };

    fn outcomes(independent: bool, a: &Chain, b: &Chain) -> Vec<Outcome> {
        let p = MergeBlocks {
            reorgs: 1,
            independent,
        };
        let mut obs = Observation::default();
        p.observe(&[a.clone(), b.clone()], &mut obs);
        obs.outcomes.iter().map(|o| o.outcome).collect()
    }

    #[test]
    fn a_merged_pair_is_canonical_only_whole() {
        let a = chain(&[HALF_A], true);
        let b = chain(&[HALF_B], true);
        assert_eq!(outcomes(false, &a, &b), [Outcome::Committed; 2]);
        assert_eq!(
            outcomes(false, &a, &chain(&[], false)),
            [Outcome::Locked, Outcome::Pending]
        );
        let reorged = chain(&[EMPTY], true);
        assert_eq!(outcomes(false, &reorged, &b), [Outcome::Reverted; 2]);
        assert_eq!(outcomes(false, &a, &reorged), [Outcome::Reverted; 2]);
    }

    #[test]
    fn independent_fork_choice_splits_the_pair() {
        let b = chain(&[HALF_B], true);
        assert_eq!(
            outcomes(true, &chain(&[EMPTY], true), &b),
            [Outcome::Reverted, Outcome::Committed]
        );
    }
}
