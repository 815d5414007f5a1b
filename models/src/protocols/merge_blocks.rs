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
//! Encoding. Shard nodes `shard-a` (the train) and `shard-b` (the hotel). Each holds its
//! chain above genesis as a list of blocks; a block is identified by (height, fork), where
//! `fork` counts the reorgs that shard had suffered when the block was made, so ids are unique.
//! The sizes are parameters (`xshard list merge-blocks`), each defaulting to the configuration
//! whose counts and counterexamples are pinned:
//!
//! - `shards` (2..=3, default 2): shard chains; every transaction has a part on each, and its
//!   blocks form one merged group that is canonical whole or not at all.
//! - `transactions` (1..=2, default 1): transaction `t` is submitted on shard `t`, its origin,
//!   which proposes the merge to every other shard (its partners); a partner tells the
//!   transaction from the proposal's sender. Each transaction is judged on its own.
//!   A block records its transaction (`index`, left out of dumps for `tx1`, so the default's
//!   dumps read as before) and a chain one `ever` flag per transaction.
//! - `reorgs` (0..=3, default 1): reorgs of its tip each shard may suffer.
//!
//! Below, A is a transaction's origin and B a partner (with the defaults, the only ones).
//! - `Submit` (the user's choice at A, once): A includes the train half of T in a new block and
//!   proposes the merge to B (`Merge(block id)`); on delivery B includes the hotel half in a new
//!   block that names its partner.
//! - `Reorg` (a shard's choice, a bounded fault: at most `reorgs` times per shard) replaces the
//!   shard's tip by an empty sibling block. Only the tip is reorganised: blocks above genesis are
//!   the non-final suffix within this model's few steps.
//! - The fork choice is what every client following the shards computes from their chains.
//!   Coupled (default): a chain's canonical prefix stops at its first merged block whose group
//!   is not whole among the canonical prefixes — a partner's block without the origin's block
//!   it names, an origin's block that some partner does not name — taken as the largest such
//!   prefixes (a fixpoint from the whole chains down; with two shards, B's half stands with A's
//!   and A's with B's reference, the rule of the post). So a reorg of one shard that drops a
//!   merged block drops the rest of its group too, the "forced reorg" of §2.2. Independent
//!   (`independent-reorg`): each shard's canonical chain is its own chain.
//!
//! Outcomes of T per shard: committed while its part is canonical; locked while its group
//! waits for a shard that never included its part yet; reverted once the shard had included
//! its part and it is no longer canonical; pending before. `atomicity` is then "the train is booked iff the
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
//! At other sizes (pinned in `tests/it/sizes.rs`): the coupled rule keeps `atomicity` with
//! three shards (79 states), two transactions (310) and both (5,404); `independent-reorg`
//! splits a group in the same 3 steps at every size.
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
//! different halves of T and are not interchangeable (and shard `t` alone originates `t`).

use serde::Serialize;
use xshard_properties::{NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT, PROGRESS};

use super::per_item::PerItem;
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
    /// Whether the block holds this shard's part of a transaction.
    pub tx: bool,
    /// For a partner's part: the id of the origin's block it is merged with.
    pub partner: Option<BlockId>,
    /// Which transaction (0 for `tx1`, which is also its origin shard); left out of dumps
    /// when 0, so the one-transaction default reads as before transactions were a parameter.
    #[serde(skip_serializing_if = "is_first")]
    pub index: u8,
}

fn is_first(index: &u8) -> bool {
    *index == 0
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
    /// An origin: the user submitted its transaction. Other shards: unused.
    pub submitted: bool,
    /// Ghost: this shard included its part of each transaction at some point (one per
    /// transaction; the bare value with one).
    pub ever: PerItem<bool>,
}

impl Chain {
    fn id_of(&self, index: usize) -> BlockId {
        let height = u8::try_from(index + 1).unwrap_or(u8::MAX);
        (height, self.blocks[index].fork)
    }

    /// Whether the first `cut` blocks hold block `id` with the origin's part of transaction
    /// `tx`.
    fn has(&self, id: BlockId, tx: u8, cut: usize) -> bool {
        let index = usize::from(id.0).wrapping_sub(1);
        // Seeded mutant (equivalent): the fork is not compared; a reorganised block at that
        // height is always empty, so the `tx` test alone tells it apart.
        let any_fork = mutant::on("merge-blocks/has-ignores-fork");
        index < cut
            && self.blocks.get(index).is_some_and(|b| {
                (b.fork == id.1 || any_fork) && b.tx && b.index == tx && b.partner.is_none()
            })
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
    /// Shards (chains), all of which every transaction spans.
    pub shards: u8,
    /// Transactions; transaction `t` originates on shard `t` (at most one per shard).
    pub transactions: u8,
    /// Reorgs each shard may suffer.
    pub reorgs: u8,
    /// The flaw: each shard's fork choice ignores the other shard.
    pub independent: bool,
}

/// Parameter: shards.
pub const SHARDS: &str = "shards";
/// Parameter: transactions.
pub const TRANSACTIONS: &str = "transactions";
/// Parameter: reorgs per shard.
pub const REORGS: &str = "reorgs";

impl MergeBlocks {
    /// The length of each chain's canonical prefix under the variant's fork choice.
    ///
    /// Coupled: the greatest set of prefixes in which every merged block has its whole group —
    /// a partner's block is canonical only with the origin's block it names, and an origin's
    /// block only when every other shard's canonical prefix holds a block naming it. Computed
    /// from the whole chains down, each chain cut at its first block without its group, until
    /// nothing changes (cuts only shrink, so this ends). With two shards and one transaction
    /// this is the rule of the post: B's half stands with A's, A's with B's reference to it.
    pub fn canonical(&self, chains: &[Chain]) -> Vec<usize> {
        let mut cuts: Vec<usize> = chains.iter().map(|c| c.blocks.len()).collect();
        if self.independent {
            return cuts;
        }
        // Seeded bugs: one side of the coupling is missing (a partner's part is canonical
        // whatever the origin holds; an origin's part whatever the partners reference).
        let b_free = mutant::on("merge-blocks/b-ignores-partner");
        let a_free = mutant::on("merge-blocks/a-ignores-reference");
        // Seeded mutant (equivalent): an origin's blocks may be referenced from the partners'
        // whole chains.
        let whole = mutant::on("merge-blocks/reference-whole-chain");
        loop {
            let mut changed = false;
            for (i, chain) in chains.iter().enumerate() {
                let stands = |j: usize| {
                    let blk = &chain.blocks[j];
                    if !blk.tx {
                        return true;
                    }
                    let origin = usize::from(blk.index);
                    match blk.partner {
                        Some(p) => {
                            b_free
                                || chains
                                    .get(origin)
                                    .is_some_and(|o| o.has(p, blk.index, cuts[origin]))
                        }
                        None => {
                            let id = Some(chain.id_of(j));
                            a_free
                                || chains.iter().enumerate().all(|(k, other)| {
                                    let seen = if whole { other.blocks.len() } else { cuts[k] };
                                    k == i
                                        || other.blocks[..seen]
                                            .iter()
                                            .any(|y| y.partner == id && y.index == blk.index)
                                })
                        }
                    }
                };
                let cut = (0..cuts[i]).find(|&j| !stands(j)).unwrap_or(cuts[i]);
                if cut != cuts[i] {
                    cuts[i] = cut;
                    changed = true;
                }
            }
            if !changed {
                return cuts;
            }
        }
    }
}

/// Transaction `tx`'s outcome on `chain`, whose canonical prefix is `cut` blocks long;
/// `waiting` while some shard has never included its part.
fn outcome(chain: &Chain, tx: u8, cut: usize, waiting: bool) -> Outcome {
    let half = chain.blocks.iter().position(|b| b.tx && b.index == tx);
    let ever = chain.ever.get(usize::from(tx)).copied().unwrap_or(false);
    match half {
        Some(i) if i < cut => Outcome::Committed,
        Some(_) if waiting => Outcome::Locked,
        _ if ever => Outcome::Reverted,
        _ => Outcome::Pending,
    }
}

impl Protocol for MergeBlocks {
    type Node = Chain;
    type Msg = Merge;
    type Timer = ();
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        (0..self.shards)
            .map(|i| format!("shard-{}", char::from(b'a' + i)))
            .collect()
    }

    fn init(&self, _id: NodeId, _out: &mut Effects<Self>) -> Chain {
        Chain {
            blocks: Vec::new(),
            forks: 0,
            reorgs_left: self.reorgs,
            submitted: false,
            ever: PerItem::new(usize::from(self.transactions), false),
        }
    }

    /// A partner includes its part of the sender's transaction (shard `t` originates `t`).
    fn on_message(
        &self,
        _id: NodeId,
        c: &mut Chain,
        from: NodeId,
        m: &Merge,
        _: &mut Effects<Self>,
    ) {
        let Some(ever) = c.ever.get_mut(usize::from(from)) else {
            return;
        };
        *ever = true;
        c.blocks.push(Block {
            fork: c.forks,
            tx: true,
            partner: Some(m.0),
            index: from,
        });
    }

    fn on_timer(&self, _: NodeId, _: &mut Chain, _: &(), _: &mut Effects<Self>) {}

    fn choices(&self, id: NodeId, c: &Chain, _now: u32, out: &mut Vec<Choice>) {
        if id < self.transactions && !c.submitted {
            out.push(Choice::Submit);
        }
        if c.reorgs_left > 0 && !c.blocks.is_empty() {
            out.push(Choice::Reorg);
        }
    }

    fn on_choice(&self, id: NodeId, c: &mut Chain, choice: &Choice, out: &mut Effects<Self>) {
        match choice {
            Choice::Submit => {
                c.blocks.push(Block {
                    fork: c.forks,
                    tx: true,
                    partner: None,
                    index: id,
                });
                c.submitted = true;
                if let Some(ever) = c.ever.get_mut(usize::from(id)) {
                    *ever = true;
                }
                let (height, fork) = c.id_of(c.blocks.len() - 1);
                // Seeded bug (off by one): the proposal names the block below the new one.
                let below = u8::from(mutant::on("merge-blocks/partner-off-by-one"));
                for to in (0..self.shards).filter(|&to| to != id) {
                    out.send(to, Merge((height - below, fork)));
                }
            }
            Choice::Reorg => {
                c.forks += 1;
                c.reorgs_left -= 1;
                if let Some(tip) = c.blocks.last_mut() {
                    *tip = Block {
                        fork: c.forks,
                        tx: false,
                        partner: None,
                        index: 0,
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
        let cuts = self.canonical(nodes);
        for t in 0..self.transactions {
            let never = |c: &Chain| !c.ever.get(usize::from(t)).copied().unwrap_or(false);
            let waiting = nodes.iter().any(never);
            for (i, (chain, &cut)) in nodes.iter().zip(&cuts).enumerate() {
                let shard = NodeId::try_from(i).unwrap_or(NodeId::MAX);
                obs.outcome(t, shard, outcome(chain, t, cut, waiting));
            }
        }
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
            params: vec![
                ParamSpec::new(
                    REORGS,
                    1,
                    0..=3,
                    "reorgs of its tip each shard may suffer (a bounded fault)",
                ),
                ParamSpec::new(
                    SHARDS,
                    2,
                    2..=3,
                    "shard chains (shard-a, shard-b, ...); every transaction has a part on each, \
                     merged into one atomic group of blocks",
                )
                .implicit_at_default(),
                ParamSpec::new(
                    TRANSACTIONS,
                    1,
                    1..=2,
                    "transactions (tx1, tx2); transaction t is submitted on shard t, which \
                     proposes the merge to every other shard",
                )
                .implicit_at_default(),
            ],
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
                "execution, access lists and finality (abstracted away); a third shard (-p shards=3), a second transaction (-p transactions=2) or a deeper reorg (-p reorgs=…)",
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
        let shards = u8::try_from(c.param(SHARDS)).unwrap_or(2);
        let transactions = u8::try_from(c.param(TRANSACTIONS)).unwrap_or(1);
        // Shard t originates transaction t, so there are at most as many as shards.
        if transactions > shards {
            return Err(ConfigError::Invalid {
                model: NAME.to_string(),
                reason: format!(
                    "{TRANSACTIONS} ({transactions}) must not exceed {SHARDS} ({shards}): \
                     shard t originates transaction t"
                ),
            });
        }
        Ok(World::new(
            MergeBlocks {
                shards,
                transactions,
                reorgs: u8::try_from(c.param(REORGS)).unwrap_or(1),
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
            ever: PerItem(vec![ever]),
        }
    }

    const HALF_A: Block = Block {
        fork: 0,
        tx: true,
        partner: None,
        index: 0,
    };
    const HALF_B: Block = Block {
        fork: 0,
        tx: true,
        partner: Some((1, 0)),
        index: 0,
    };
    const EMPTY: Block = Block {
        fork: 1,
        tx: false,
        partner: None,
        index: 0,
    };

    fn outcomes(independent: bool, a: &Chain, b: &Chain) -> Vec<Outcome> {
        let p = MergeBlocks {
            shards: 2,
            transactions: 1,
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
    fn a_group_of_three_stands_only_whole() {
        let p = MergeBlocks {
            shards: 3,
            transactions: 1,
            reorgs: 1,
            independent: false,
        };
        let (a, b, c) = (
            chain(&[HALF_A], true),
            chain(&[HALF_B], true),
            chain(&[HALF_B], true),
        );
        assert_eq!(p.canonical(&[a.clone(), b.clone(), c]), [1, 1, 1]);
        // shard-c dropped its part: shard-a's block loses its group, and with it shard-b's.
        let reorged = chain(&[EMPTY], true);
        assert_eq!(p.canonical(&[a, b, reorged]), [0, 0, 1]);
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
