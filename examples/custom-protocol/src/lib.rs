//! `token-bridge`: a cross-shard token bridge with burn and mint receipts, written outside
//! xshard against its public SDK only (`xshard::{Protocol, ModelEntry, …}`).
//!
//! Source: ICS-020 fungible token transfer over ICS-004 packets (PROTOCOLS.md §6.3: "burn the
//! vouchers, then `sendPacket`"; `onRecvPacket` on B "mint vouchers"; `recvPacket` requires "no
//! receipt yet (*REPLAY PROTECTION*)"; invariant I-2 "received at most once" and preservation of
//! total supply) and Buterin's cross-shard receipts (PROTOCOLS.md §3.1: "Duplicated claims are
//! expected from adversaries"; known bug (a), the missing claimed-bit check, S9 in §7.5).
//!
//! Encoding. Two nodes: `shard-src`, where the token is native, and `shard-dst`, where it is
//! minted.
//! - *Burn* (a user's choice on the source, while its balance lasts) burns 1 token and writes a
//!   receipt with the next nonce into a block of the source (not final yet).
//! - *Finalize* (the source's choice: its next block becomes final) finalizes the oldest
//!   unfinalized receipt; a relayer (anyone) then submits it to the destination. Only final
//!   receipts are ever submitted, so the destination mints only on a finalized receipt; what a
//!   claim against a non-final root does is the built-in `receipts` model's business.
//! - *Mint* (the destination receiving a receipt): if the receipt's nonce is not in its
//!   processed set, record it and mint the receipt's amount.
//! - The attacker is the kernel's: it may deliver any receipt once more (`replay 1`), and the
//!   destination may crash and recover (`crashes 1`, crash-recover) from what it persisted.
//!
//! Properties: `conservation` (source balance + burnt-but-unminted receipts + minted tokens =
//! the supply), this crate's own `mint_backed` (every token minted on a receipt is backed by a
//! burn of that receipt on the source), and the witness `can_commit` (a receipt final on the
//! source and minted on the destination), so a model where nothing happens cannot pass.
//!
//! Variants: `default` holds; `no-mint-guard` (the destination never consults its processed
//! set) mints a replayed receipt twice; `volatile-guard` (the processed set lives in memory, not
//! in stable storage) forgets it in a crash and mints the replayed receipt again after the
//! recovery.

use serde::Serialize;
use xshard::properties::{Amount, CAN_COMMIT, CONSERVATION};
use xshard::{
    Config, ConfigError, CrashMode, Effects, KernelConfig, Kind, Ledger, ModelEntry, ModelInfo,
    NodeId, Observation, Outcome, ParamSpec, Property, Protocol, VariantSpec, World,
};

/// The registry name, as typed after `check`.
pub const NAME: &str = "token-bridge";

/// The source shard's id (the token is native there).
pub const SOURCE: NodeId = 0;
/// The destination shard's id (the token is minted there).
pub const DEST: NodeId = 1;
/// The node names, in id order.
const NAMES: [&str; 2] = ["shard-src", "shard-dst"];

/// The source shard: its user's balance and its chain of burn receipts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Source {
    /// The user's balance of the native token.
    pub balance: u8,
    /// Receipts `0..burned` were written (each burnt 1 token).
    pub burned: u8,
    /// Receipts `0..finalized` are final and submitted to the destination.
    pub finalized: u8,
}

/// The destination shard.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Dest {
    /// The processed set: bit `nonce` is set once receipt `nonce` was minted (the replay guard).
    pub processed: u8,
    /// The nonces minted on, sorted, one entry per mint: the minted supply is its length. It
    /// is the destination's ledger, so it survives crashes in every variant.
    pub minted: Vec<u8>,
}

/// A node: nodes have different roles, so the state is a sum type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// `shard-src`.
    Source(Source),
    /// `shard-dst`.
    Dest(Dest),
}

/// The one message: a finalized burn receipt, submitted to the destination by a relayer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Receipt {
    /// The receipt's nonce (its sequence number on the source).
    pub nonce: u8,
    /// The tokens burnt, to be minted.
    pub amount: u8,
}

/// A local choice of the source shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// The user burns 1 token for the destination.
    Burn,
    /// The source's next block, holding the oldest unfinalized receipt, becomes final.
    Finalize,
}

/// What a variant gets wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// Nothing: the protocol as specified.
    None,
    /// The destination mints without consulting its processed set.
    NoMintGuard,
    /// The destination keeps its processed set in memory only: a crash forgets it.
    VolatileGuard,
}

/// The protocol: its parameters and the variant's flaw.
#[derive(Clone, Debug)]
pub struct Bridge {
    /// Tokens the source's user starts with (the supply); each burn moves 1.
    pub burns: u8,
    /// The variant.
    pub flaw: Flaw,
}

impl Protocol for Bridge {
    type Node = Node;
    type Msg = Receipt;
    type Timer = ();
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        NAMES.iter().map(|n| n.to_string()).collect()
    }

    fn init(&self, id: NodeId, _out: &mut Effects<Self>) -> Node {
        if id == SOURCE {
            Node::Source(Source {
                balance: self.burns,
                burned: 0,
                finalized: 0,
            })
        } else {
            Node::Dest(Dest {
                processed: 0,
                minted: Vec::new(),
            })
        }
    }

    // The source's user burns; the source finalizes. Receipts are submitted only once final.
    fn choices(&self, _id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        if let Node::Source(s) = node {
            if s.balance > 0 {
                out.push(Choice::Burn);
            }
            if s.finalized < s.burned {
                out.push(Choice::Finalize);
            }
        }
    }

    fn on_choice(&self, _id: NodeId, node: &mut Node, choice: &Choice, out: &mut Effects<Self>) {
        let Node::Source(s) = node else { return };
        match choice {
            Choice::Burn => {
                s.balance -= 1;
                s.burned += 1;
            }
            Choice::Finalize => {
                let nonce = s.finalized;
                s.finalized += 1;
                out.send(DEST, Receipt { nonce, amount: 1 });
            }
        }
    }

    // The destination mints on a receipt it has not processed. The guard is the whole defence
    // against replay: the kernel's attacker re-delivers genuine receipts, it never forges one.
    fn on_message(
        &self,
        _id: NodeId,
        node: &mut Node,
        _from: NodeId,
        r: &Receipt,
        _out: &mut Effects<Self>,
    ) {
        let Node::Dest(d) = node else { return };
        let fresh = d.processed & (1 << r.nonce) == 0;
        if fresh || self.flaw == Flaw::NoMintGuard {
            d.processed |= 1 << r.nonce;
            for _ in 0..r.amount {
                let at = d.minted.partition_point(|&n| n <= r.nonce);
                d.minted.insert(at, r.nonce);
            }
        }
    }

    fn on_timer(&self, _id: NodeId, _node: &mut Node, _timer: &(), _out: &mut Effects<Self>) {}

    // Only the destination may crash: the source's receipts are on its chain already.
    fn can_crash(&self, id: NodeId) -> bool {
        id == DEST
    }

    // What a crash keeps. The minted balances are chain state and always survive; the
    // processed set survives only when it is stored with them.
    fn persisted(&self, _id: NodeId, node: &Node) -> Node {
        match node {
            Node::Dest(d) if self.flaw == Flaw::VolatileGuard => Node::Dest(Dest {
                processed: 0,
                minted: d.minted.clone(),
            }),
            other => other.clone(),
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        let (Some(Node::Source(s)), Some(Node::Dest(d))) = (nodes.first(), nodes.get(1)) else {
            return;
        };
        // The ledger: every place a token can be. A burnt receipt not yet minted on is value
        // in flight; counting it keeps conservation true while the relayer is slow.
        let mut amounts = vec![
            Amount {
                holder: "balance shard-src".to_string(),
                value: i64::from(s.balance),
            },
            Amount {
                holder: "minted on shard-dst".to_string(),
                value: i64::try_from(d.minted.len()).unwrap_or(i64::MAX),
            },
        ];
        for nonce in 0..s.burned {
            if !d.minted.contains(&nonce) {
                amounts.push(Amount {
                    holder: format!("receipt {nonce} in flight"),
                    value: 1,
                });
            }
        }
        obs.ledger = Some(Ledger {
            supply: i64::from(self.burns),
            amounts,
        });
        // One transaction per receipt: locked (burnt) then committed (final) on the source,
        // committed on the destination once minted. `can_commit` reads these.
        for nonce in 0..self.burns {
            let at_source = if nonce < s.finalized {
                Outcome::Committed
            } else if nonce < s.burned {
                Outcome::Locked
            } else {
                Outcome::Pending
            };
            obs.outcome(nonce, SOURCE, at_source);
            let at_dest = if d.minted.contains(&nonce) {
                Outcome::Committed
            } else {
                Outcome::Pending
            };
            obs.outcome(nonce, DEST, at_dest);
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&CONSERVATION),
            MINT_BACKED,
            Property::catalogue(&CAN_COMMIT),
        ]
    }
}

/// The name of this crate's own property.
pub const MINT_BACKED_NAME: &str = "mint_backed";

/// This crate's own property: what the catalogue's sum-based `conservation` does not say, per
/// receipt. It reads the node states directly, which only a protocol's own property can.
pub const MINT_BACKED: Property<Bridge> = Property::new(
    MINT_BACKED_NAME,
    Kind::Always,
    "every token minted on shard-dst is backed by a burn of its receipt on shard-src",
    find_unbacked_mint,
);

/// Finds a receipt minted on more often than it was burnt; the sentence names both shards and
/// both amounts, since it becomes the counterexample's explanation and its chart's title.
fn find_unbacked_mint(_: &Bridge, nodes: &[Node], _: &Observation) -> Option<String> {
    let (Some(Node::Source(s)), Some(Node::Dest(d))) = (nodes.first(), nodes.get(1)) else {
        return None;
    };
    let mut nonces = d.minted.clone();
    nonces.dedup();
    nonces.into_iter().find_map(|nonce| {
        let minted = d.minted.iter().filter(|&&n| n == nonce).count();
        let burnt = usize::from(nonce < s.burned);
        (minted > burnt).then(|| {
            format!(
                "{} minted {minted} tokens on receipt {nonce}, but {} burnt only {burnt} for it",
                NAMES[usize::from(DEST)],
                NAMES[usize::from(SOURCE)]
            )
        })
    })
}

/// The default kernel: unordered delivery, one replayed message, one crash of the destination
/// that it recovers from, async time (the bridge has no time-out, so a clock would only
/// multiply states).
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        replay: 1,
        crashes: 1,
        crash_mode: CrashMode::Recover,
        ..KernelConfig::default()
    }
}

/// The model's entry: what `list` shows, the variants with their verdicts, and `build`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<Bridge>;
    type Variant = Flaw;

    fn info(&self) -> ModelInfo {
        ModelInfo::new(
            NAME,
            "cross-shard token bridge: burn on the source, mint on a finalized receipt, \
             a processed set against replayed receipts",
        )
        .source("ICS-020 over ICS-004 (PROTOCOLS.md 6.3, I-2); Buterin, ethresear.ch/t/4748 (PROTOCOLS.md 3.1 bug (a))")
        .param(ParamSpec::new(
            "burns",
            2,
            1..=4,
            "tokens the source's user can burn (the supply)",
        ))
        .kernel(default_kernel())
        .note("--replay 0: every variant holds (a double mint needs a replayed receipt)")
        .note("volatile-guard --crashes 0: holds (the guard is lost only in a crash)")
        .catches("a receipt minted twice by a replay, and a processed set lost in a crash: conservation, mint_backed")
        .misses("bugs needing two replays or two crashes (--replay 2, --crashes 2), or more tokens (-p burns=…)")
    }

    fn variants(&self) -> Vec<VariantSpec<Flaw>> {
        vec![
            VariantSpec::holds(
                Flaw::None,
                "default",
                "the destination mints a receipt once: its processed set is checked and persisted",
            ),
            VariantSpec::violates(
                Flaw::NoMintGuard,
                "no-mint-guard",
                "the destination never consults its processed set: a replayed receipt mints twice",
                &[CONSERVATION.name, MINT_BACKED_NAME],
            ),
            VariantSpec::violates(
                Flaw::VolatileGuard,
                "volatile-guard",
                "the processed set is not persisted: after a crash a replayed receipt mints again",
                &[CONSERVATION.name, MINT_BACKED_NAME],
            ),
        ]
    }

    fn build(&self, c: &Config<'_, Flaw>) -> Result<World<Bridge>, ConfigError> {
        let burns = u8::try_from(c.param("burns")).unwrap_or(2);
        Ok(World::new(
            Bridge {
                burns,
                flaw: c.variant,
            },
            c.kernel(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bridge(flaw: Flaw) -> Bridge {
        Bridge { burns: 2, flaw }
    }

    #[test]
    fn finalizing_submits_the_oldest_receipt_to_the_destination() {
        let p = bridge(Flaw::None);
        let mut node = p.init(SOURCE, &mut Effects::new(0));
        p.on_choice(SOURCE, &mut node, &Choice::Burn, &mut Effects::new(0));
        let mut out = Effects::new(0);
        p.on_choice(SOURCE, &mut node, &Choice::Finalize, &mut out);
        assert_eq!(
            out.sent(),
            &[(
                DEST,
                Receipt {
                    nonce: 0,
                    amount: 1
                }
            )]
        );
        assert!(out.armed().is_empty());
    }

    #[test]
    fn the_guard_stops_a_replayed_receipt_and_its_absence_mints_twice() {
        let r = Receipt {
            nonce: 0,
            amount: 1,
        };
        for (flaw, mints) in [(Flaw::None, 1), (Flaw::NoMintGuard, 2)] {
            let p = bridge(flaw);
            let mut node = p.init(DEST, &mut Effects::new(0));
            for _ in 0..2 {
                p.on_message(DEST, &mut node, SOURCE, &r, &mut Effects::new(0));
            }
            let Node::Dest(d) = node else {
                panic!("DEST is the destination")
            };
            assert_eq!(d.minted.len(), mints, "{flaw:?}");
        }
    }

    #[test]
    fn a_volatile_guard_is_lost_in_a_crash_but_the_minted_tokens_are_not() {
        let d = Node::Dest(Dest {
            processed: 0b1,
            minted: vec![0],
        });
        let kept = bridge(Flaw::VolatileGuard).persisted(DEST, &d);
        assert_eq!(
            kept,
            Node::Dest(Dest {
                processed: 0,
                minted: vec![0]
            })
        );
        assert_eq!(bridge(Flaw::None).persisted(DEST, &d), d);
    }

    #[test]
    fn mint_backed_names_both_shards_and_both_amounts() {
        let p = bridge(Flaw::NoMintGuard);
        let nodes = [
            Node::Source(Source {
                balance: 1,
                burned: 1,
                finalized: 1,
            }),
            Node::Dest(Dest {
                processed: 0b1,
                minted: vec![0, 0],
            }),
        ];
        assert_eq!(
            find_unbacked_mint(&p, &nodes, &Observation::default()).as_deref(),
            Some("shard-dst minted 2 tokens on receipt 0, but shard-src burnt only 1 for it")
        );
    }
}
