//! `yanking`: cross-shard contract yanking — a yank deletes a contract from its shard and emits
//! a receipt; claiming the receipt re-instantiates the contract on the target shard; a claimed
//! set stops a receipt from being claimed twice. Applied to train-and-hotel: the room contract
//! is yanked to the train's shard and both are booked in one local transaction.
//!
//! Source: Vitalik Buterin, "Cross-shard contract yanking" (ethresear.ch/t/1450, 2018, thanks to
//! Piper Merriam): "every resource is at all times either 'locked to' a particular shard (by
//! being located inside of that shard) or 'in transit'"; reply #4 on replaying yank receipts and
//! its options (remember every claimed receipt forever; or claim within a window, shards
//! remembering receipts only for that window). PROTOCOLS.md §2.1 and §7.5 S12.
//!
//! Encoding. Two shard nodes, `hotel-shard` and `train-shard`; one resource, the room contract
//! (object 0), first instantiated on the hotel's shard by `Hotel.reserve()`.
//! - `Yank` (anyone's choice at the shard holding the room, while it is not booked; at most
//!   `yanks` yanks per shard so the space stays finite): the room is deleted and a receipt with
//!   id `8 * shard + n` (its n-th yank), stamped with the current tick, enters the shard's state.
//! - `Submit(r)` (anyone's choice at the source, once per receipt, at any later time: the
//!   claimant may be slow or absent): the claim of `r` is sent to the other shard.
//! - On a claim the target instantiates the room (overwriting any instance it holds, as a
//!   contract re-created at its address would) and records `r` in its claimed set, unless `r`
//!   is already in it.
//! - `Book` (the user's choice at the train's shard while the room is there and free): the seat
//!   and the room are booked in one local transaction (tx1).
//!
//! Properties: `unique_location` (the room is on exactly one shard or in exactly one claimable,
//! unclaimed receipt), `conservation` (the same count as a ledger: instances + claimable
//! receipts = 1 room), `no_double_create` (the instance created by claiming receipt `r` is
//! output `r`; the claimed list is the ghost history), and the witness `can_commit` (the booking
//! done locally after yanking). No `can_abort`: yanking has no abort — the "time-out" is that
//! anyone may yank the room away again (which the model allows), not a revert.
//!
//! What the checker reports (default kernel: unordered, `--replay 1`, clocked time, Δ = 1,
//! horizon 3):
//! - default (claimed set kept forever): everything holds, `can_commit` is witnessed in 4 steps
//!   (Yank, Submit, Claim, Book). Holds with `--loss 1` too (a lost claim leaves the receipt
//!   in transit for good — a liveness issue; the model does not resubmit).
//! - `no-claimed-set`: a replay of the claim instantiates the room again — `no_double_create`
//!   violated in 4 steps (Yank, Submit, Claim, replayed Claim); once the train's shard has
//!   yanked the room on, the replay puts a second room there while the first is in transit —
//!   `unique_location` and `conservation` violated in 5 steps (Yank, Submit, Claim, Yank,
//!   replayed Claim). With `--replay 0` it holds.
//! - `claim-window` (reply #4's option (a): a claim counts only within `window` ticks of its
//!   yank, so shards need remember claimed receipts only for the window — the model keeps the
//!   set, which changes nothing since a late claim is refused anyway): a receipt nobody claims
//!   in time is dead — the room is nowhere, `unique_location` and `conservation` violated in 4
//!   steps (Yank, tick, tick, the window closes). No double instantiation.
//!
//! Time is clocked (the model's one kernel configuration, so every variant runs clocked): the
//! claim window is a time bound, and without a clock the window's end could race any claim
//! (`--time async` shows it: claim-window then fails in 2 steps, Yank and the window's end,
//! while the default and no-claimed-set give the verdicts above).
//! The source learns the window closed by a timer at `stamp + window + 1`; the target refuses
//! a claim delivered after `stamp + window`. Abstracted away: Merkle proofs and crosslinks
//! (receipts are final: finality is modelled in `receipts`), the contract's state other than
//! booked/free, yank rules other than "not once booked", more rooms or shards, crashes.

use serde::Serialize;
use xshard_properties::{
    Amount, Event, Ledger, Location, NodeId, Observation, Outcome, CAN_COMMIT, CONSERVATION,
    NO_DOUBLE_CREATE, UNIQUE_LOCATION,
};

use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, TimeMode, World};

/// The registry name.
pub const NAME: &str = "yanking";

/// The room contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Room {
    /// The room is booked (with the seat, tx1); a booked room can no longer be yanked.
    pub booked: bool,
}

/// A yank receipt in its source shard's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Receipt {
    /// The receipt's id, `8 * shard + n` for the shard's n-th yank.
    pub id: u8,
    /// The tick of the yank.
    pub stamp: u32,
    /// Its claim was submitted.
    pub submitted: bool,
    /// Its claim window closed (claim-window variant).
    pub expired: bool,
}

/// A shard.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Shard {
    /// The room contract, if instantiated here.
    pub room: Option<Room>,
    /// Receipts this shard emitted, in order (their number is its yank count).
    pub receipts: Vec<Receipt>,
    /// Receipts claimed here, sorted: the claimed set, and (with repeats, in the flawed
    /// variant) the ghost history of instantiations.
    pub claimed: Vec<u8>,
    /// Train's shard: the seat is booked (tx1 done).
    pub seat_booked: bool,
}

/// A message: the claim of a receipt, submitted to the target shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Claim {
    /// The id of the receipt claimed.
    pub id: u8,
    /// The receipt's yank tick; the target refuses the claim after `stamp + window`
    /// (claim-window variant).
    pub stamp: u32,
}

/// A timer: receipt `id`'s claim window closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WindowEnd(pub u8);

/// A choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// At the shard holding the free room: delete it and emit a receipt.
    Yank,
    /// At a receipt's source: send the claim of the receipt with this id to the other shard.
    Submit(u8),
    /// At the train's shard, with the free room there: book the seat and the room (tx1).
    Book,
}

/// The variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The claimed set is kept forever.
    Correct,
    /// No claimed set.
    NoClaimedSet,
    /// Claims only within the window.
    ClaimWindow,
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct Yanking {
    /// Yanks per shard.
    pub yanks: u8,
    /// The claim window in ticks (claim-window variant).
    pub window: u32,
    /// Which variant of the claimed set is modelled.
    pub variant: Variant,
}

const HOTEL: NodeId = 0;
const TRAIN: NodeId = 1;

fn other(id: NodeId) -> NodeId {
    1 - id
}

impl Yanking {
    fn windowed(&self) -> bool {
        self.variant == Variant::ClaimWindow
    }
}

impl Protocol for Yanking {
    type Node = Shard;
    type Msg = Claim;
    type Timer = WindowEnd;
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        vec!["hotel-shard".to_string(), "train-shard".to_string()]
    }

    fn init(&self, id: NodeId, _out: &mut Effects<Self>) -> Shard {
        Shard {
            room: (id == HOTEL).then_some(Room { booked: false }),
            receipts: Vec::new(),
            claimed: Vec::new(),
            seat_booked: false,
        }
    }

    fn on_message(&self, _: NodeId, s: &mut Shard, _: NodeId, c: &Claim, out: &mut Effects<Self>) {
        let fresh = self.variant == Variant::NoClaimedSet || !s.claimed.contains(&c.id);
        let in_window = !self.windowed() || out.now() <= c.stamp.saturating_add(self.window);
        if fresh && in_window {
            s.room = Some(Room { booked: false });
            let pos = s.claimed.partition_point(|&r| r <= c.id);
            s.claimed.insert(pos, c.id);
        }
    }

    fn on_timer(&self, _: NodeId, s: &mut Shard, t: &WindowEnd, _: &mut Effects<Self>) {
        if let Some(r) = s.receipts.iter_mut().find(|r| r.id == t.0) {
            r.expired = true;
        }
    }

    fn choices(&self, id: NodeId, s: &Shard, _now: u32, out: &mut Vec<Choice>) {
        let free = s.room.is_some_and(|r| !r.booked);
        if free && s.receipts.len() < usize::from(self.yanks) {
            out.push(Choice::Yank);
        }
        for r in &s.receipts {
            if !r.submitted && !r.expired {
                out.push(Choice::Submit(r.id));
            }
        }
        if id == TRAIN && free && !s.seat_booked {
            out.push(Choice::Book);
        }
    }

    fn on_choice(&self, id: NodeId, s: &mut Shard, choice: &Choice, out: &mut Effects<Self>) {
        match *choice {
            Choice::Yank => {
                s.room = None;
                let n = u8::try_from(s.receipts.len()).unwrap_or(u8::MAX);
                let rid = 8 * id + n;
                s.receipts.push(Receipt {
                    id: rid,
                    stamp: out.now(),
                    submitted: false,
                    expired: false,
                });
                if self.windowed() {
                    out.set_timer(WindowEnd(rid), self.window + 1);
                }
            }
            Choice::Submit(rid) => {
                if let Some(r) = s.receipts.iter_mut().find(|r| r.id == rid) {
                    r.submitted = true;
                    out.send(
                        other(id),
                        Claim {
                            id: rid,
                            stamp: r.stamp,
                        },
                    );
                }
            }
            Choice::Book => {
                s.seat_booked = true;
                s.room = Some(Room { booked: true });
            }
        }
    }

    fn observe(&self, nodes: &[Shard], obs: &mut Observation) {
        obs.resources.push(0);
        let mut amounts = Vec::new();
        for (i, s) in nodes.iter().enumerate() {
            let id = NodeId::try_from(i).unwrap_or(NodeId::MAX);
            let name = self.node_names()[i].clone();
            if s.room.is_some() {
                obs.locations.push((0, Location::Shard(id)));
                amounts.push(Amount {
                    holder: format!("room on {name}"),
                    value: 1,
                });
            }
            let target = nodes.get(usize::from(other(id)));
            for r in &s.receipts {
                let claimed = target.is_some_and(|t| t.claimed.contains(&r.id));
                if !claimed && !r.expired {
                    obs.locations.push((0, Location::InTransit(r.id)));
                    amounts.push(Amount {
                        holder: format!("receipt {}", r.id),
                        value: 1,
                    });
                }
            }
            for &r in &s.claimed {
                obs.history.push(Event::Create {
                    object: r,
                    shard: id,
                });
            }
        }
        obs.ledger = Some(Ledger { supply: 1, amounts });
        let booked = nodes.get(usize::from(TRAIN)).is_some_and(|t| t.seat_booked);
        let outcome = if booked {
            Outcome::Committed
        } else {
            Outcome::Pending
        };
        obs.outcome(0, TRAIN, outcome);
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&UNIQUE_LOCATION),
            Property::catalogue(&CONSERVATION),
            Property::catalogue(&NO_DOUBLE_CREATE),
            Property::catalogue(&CAN_COMMIT),
        ]
    }
}

/// The default kernel configuration: unordered, one replay, clocked time (Δ 1, horizon 3).
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        replay: 1,
        time: TimeMode::Clocked,
        delta: 1,
        horizon: 3,
        ..KernelConfig::default()
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<Yanking>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "contract yanking for train-and-hotel: yank receipts, claims, a claimed set, \
                      claim windows",
            source: "Buterin, Cross-shard contract yanking, ethresear.ch/t/1450 (2018), post and \
                     reply #4; PROTOCOLS.md 2.1, 7.5 S12",
            params: vec![
                ParamSpec {
                    name: "yanks",
                    default: 1,
                    min: 1,
                    max: 3,
                    doc: "yanks each shard may perform",
                },
                ParamSpec {
                    name: "window",
                    default: 1,
                    min: 0,
                    max: 8,
                    doc: "claim-window variant: ticks after a yank within which its claim counts",
                },
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "--loss 1: the default still holds",
                "no-claimed-set --replay 0: holds (the double instantiation needs the replay)",
                "--time async: claim-window fails in 2 steps (the window's end races the claim); \
                 the other variants keep their verdicts",
            ],
        }
    }

    /// Each of the `yanks` yanks per shard opens a busy period: a claim in flight (Δ) and, with
    /// a claim window, the window's timer (`window` + Δ); with two shards the room can travel
    /// `yanks` times each way. Measured minimal horizons (Δ = 1) are 2·yanks + 1 without a
    /// window and (2·window + 2)·yanks + 2 with one; the formula is exact there and above it
    /// for larger Δ.
    fn horizon(
        &self,
        variant: Variant,
        params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let yanks = params.get("yanks").copied().unwrap_or(1);
        let window = params.get("window").copied().unwrap_or(1);
        let d = kernel.delta;
        Some(if variant == Variant::ClaimWindow {
            (2 * window + 2 * d) * yanks + 2 * d
        } else {
            2 * d * yanks + d
        })
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec {
                value: Variant::Correct,
                name: "default",
                summary: "every shard remembers every claimed receipt forever",
                expect: Expect::Holds,
            },
            VariantSpec {
                value: Variant::NoClaimedSet,
                name: "no-claimed-set",
                summary: "a shard instantiates every claim it receives (double instantiation \
                              by replay)",
                expect: Expect::Violates(vec![
                    UNIQUE_LOCATION.name,
                    CONSERVATION.name,
                    NO_DOUBLE_CREATE.name,
                ]),
            },
            VariantSpec {
                value: Variant::ClaimWindow,
                name: "claim-window",
                summary: "a claim counts only within a window of its yank; an unclaimed receipt \
                              past it is lost (S12)",
                expect: Expect::Violates(vec![UNIQUE_LOCATION.name, CONSERVATION.name]),
            },
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<Yanking>, ConfigError> {
        Ok(World::new(
            Yanking {
                yanks: u8::try_from(c.param("yanks")).unwrap_or(1),
                window: c.param("window"),
                variant: c.variant,
            },
            c.kernel(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protocol(variant: Variant) -> Yanking {
        Yanking {
            yanks: 1,
            window: 1,
            variant,
        }
    }

    fn observe(p: &Yanking, nodes: &[Shard]) -> Observation {
        let mut obs = Observation::default();
        p.observe(nodes, &mut obs);
        obs
    }

    #[test]
    fn a_yanked_room_is_in_transit_then_on_the_target() {
        let p = protocol(Variant::Correct);
        let mut hotel = p.init(HOTEL, &mut Effects::new(0));
        let mut train = p.init(TRAIN, &mut Effects::new(0));
        let mut out = Effects::new(0);
        p.on_choice(HOTEL, &mut hotel, &Choice::Yank, &mut out);
        let obs = observe(&p, &[hotel.clone(), train.clone()]);
        assert_eq!(obs.locations, [(0, Location::InTransit(0))]);
        let claim = Claim { id: 0, stamp: 0 };
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut Effects::new(0));
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut Effects::new(0));
        let obs = observe(&p, &[hotel, train]);
        assert_eq!(obs.locations, [(0, Location::Shard(TRAIN))]);
        assert_eq!(
            obs.history.len(),
            1,
            "the claimed set refuses the second claim"
        );
    }

    #[test]
    fn a_claim_after_the_window_is_refused() {
        let p = protocol(Variant::ClaimWindow);
        let mut train = p.init(TRAIN, &mut Effects::new(0));
        let claim = Claim { id: 0, stamp: 0 };
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut Effects::new(2));
        assert_eq!(train.room, None);
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut Effects::new(1));
        assert_eq!(train.room, Some(Room { booked: false }));
    }
}
