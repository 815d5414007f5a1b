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
//! Encoding. Two shard nodes, `hotel-shard` and `train-shard`; the sizes are parameters
//! (`xshard list yanking`), each defaulting to the configuration whose counts and
//! counterexamples are pinned:
//!
//! - `contracts` (1..=2, default 1): room contracts `obj1`, `obj2` (objects 0, 1), each first
//!   instantiated on the hotel's shard by `Hotel.reserve()` and booked with its own seat on the
//!   train's shard (its own transaction, `tx1`, `tx2`). Each is yanked, claimed and judged on
//!   its own: `unique_location` and `booking_integrity` per contract, `conservation` over all
//!   of them (the supply is `contracts`), `no_double_create` per receipt. Node fields hold one
//!   value per contract (the bare value with one, so the default's dumps read as before), and
//!   the first contract's actions keep their names (`Yank`, `Book`; the second's are
//!   `Yank(obj2)`, `Book(obj2)`).
//! - `yanks` (1..=3, default 1): yanks each shard may perform of each contract.
//! - `window` (0..=8, default 1): the claim window of the `claim-window` variant.
//!
//! Below, the room is any one contract.
//! - `Yank` (anyone's choice at the shard holding the room, while it is not booked; at most
//!   `yanks` yanks per shard so the space stays finite): the room is deleted and a receipt with
//!   id `16 * contract + 8 * shard + n` (its n-th yank of the contract; `8 * shard + n` with
//!   one contract), stamped with the current tick, enters the shard's state.
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
//! output `r`, recorded in the kernel's history when the claim instantiates it; a receipt is
//! claimed, no longer in transit, once that history holds its creation), the witness
//! `can_commit` (the booking done locally after yanking), and the model's own
//! `booking_integrity` (once the seat is booked, the room stays on the train's shard, booked:
//! never yanked away, never replaced by a free instance). tx1 concerns only the train's shard,
//! where the room is when it is booked, so that is the one outcome reported. No `can_abort`:
//! yanking has no abort — the "time-out" is that
//! anyone may yank the room away again (which the model allows), not a revert. No
//! `progress` either: the booking is the user's option, not an obligation, so tx1 legitimately
//! stays pending for good — once both shards have used their yanks with the room back on the
//! hotel's shard, `Book` is never enabled again (the catalogue's `progress` finds such a state
//! in 4 steps: Yank, Submit, Claim, Yank), and that is not a protocol failure.
//!
//! What the checker reports (default kernel: unordered, `--replay 1`, `--loss 1`, clocked
//! time, Δ = 1, horizon derived from `yanks` and `window`):
//! - default (claimed set kept forever): everything holds, `can_commit` is witnessed in 4 steps
//!   (Yank, Submit, Claim, Book). Holds with `--loss 0` too (a lost claim leaves the receipt
//!   in transit for good — a liveness issue; the model does not resubmit).
//! - `no-claimed-set`: a replay of the claim instantiates the room again — `no_double_create`
//!   violated in 4 steps (Yank, Submit, Claim, replayed Claim); once the train's shard has
//!   yanked the room on, the replay puts a second room there while the first is in transit —
//!   `unique_location` and `conservation` violated in 5 steps (Yank, Submit, Claim, Yank,
//!   replayed Claim); after the booking the replay puts a free room over the booked one —
//!   `booking_integrity` violated in 5 steps (Yank, Submit, Claim, Book, replayed Claim). With
//!   `--replay 0` it holds.
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
//! booked/free, yank rules other than "not once booked", more shards.
//!
//! At other sizes (pinned in `tests/it/sizes.rs`): with two contracts every variant keeps its
//! verdicts and counterexample lengths (default 13,541 states; each flaw needs one contract);
//! a second contract only interleaves with the first, since no step involves both.
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.
//!
//! Crashes. Both shards may crash (a halted chain) and keep their chain state — the room, the
//! receipts with their stamps, the claimed set, the booking — because yanks, receipts and
//! claims are state transitions of the shard (PROTOCOLS.md §2.1: the claimed set is state the
//! target must "remember"; §0.3, "crash-recover with durable storage"). The window's end is a
//! local timer and is lost; a recovered source re-arms it for every receipt still open, at
//! `stamp + window + 1` (at once if that has passed).
//!
//! No symmetry: the hotel's shard holds the room and the train's shard the seat (only it can
//! book), so the two shards are not interchangeable.

use serde::Serialize;
use xshard_properties::{
    Amount, Event, Ledger, Location, NodeId, Observation, Outcome, CAN_COMMIT, CONSERVATION,
    NO_DOUBLE_CREATE, UNIQUE_LOCATION,
};

use super::per_item::PerItem;
use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Effects, KernelConfig, Property, Protocol, TimeMode, World};
use crate::mutant;
use xshard_properties::Kind;

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
    /// The receipt's id, `16 * contract + 8 * shard + n` for the shard's n-th yank of the
    /// contract ([`receipt_id`]).
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
    /// Each contract, if instantiated here (one per contract; the bare value with one).
    pub room: PerItem<Option<Room>>,
    /// Receipts this shard emitted, in order (their number is its yank count).
    pub receipts: Vec<Receipt>,
    /// Receipts claimed here, sorted: the claimed set (empty in `no-claimed-set`, which keeps
    /// none; the instantiations themselves are in the kernel's history).
    pub claimed: Vec<u8>,
    /// Train's shard: each contract's seat is booked (its transaction done).
    pub seat_booked: PerItem<bool>,
}

/// The id of the `n`-th receipt of contract `contract` yanked from shard `shard`: unique, and
/// with one contract `8 * shard + n` as before contracts were a parameter.
pub fn receipt_id(contract: u8, shard: NodeId, n: u8) -> u8 {
    16 * contract + 8 * shard + n
}

/// The contract a receipt carries.
pub fn contract_of(receipt: u8) -> u8 {
    receipt / 16
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

/// A choice. Debug names the first contract's actions as the one-contract model did (`Yank`,
/// `Book`) and the others' with their object (`Yank(obj2)`), so counterexamples at the
/// default read as before.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// At the shard holding this free contract: delete it and emit a receipt.
    Yank(u8),
    /// At a receipt's source: send the claim of the receipt with this id to the other shard.
    Submit(u8),
    /// At the train's shard, with this contract there and free: book its seat and the room
    /// (its transaction, `tx1` for the first).
    Book(u8),
}

impl std::fmt::Debug for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Choice::Yank(0) => write!(f, "Yank"),
            Choice::Yank(c) => write!(f, "Yank(obj{})", u32::from(c) + 1),
            Choice::Submit(r) => write!(f, "Submit({r})"),
            Choice::Book(0) => write!(f, "Book"),
            Choice::Book(c) => write!(f, "Book(obj{})", u32::from(c) + 1),
        }
    }
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
    /// Contracts (rooms, each booked with its own seat).
    pub contracts: u8,
    /// Yanks per shard and contract.
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

/// Parameter: contracts.
pub const CONTRACTS: &str = "contracts";
/// Parameter: yanks per shard and contract.
pub const YANKS: &str = "yanks";
/// Parameter: the claim window.
pub const WINDOW: &str = "window";

impl Yanking {
    fn windowed(&self) -> bool {
        self.variant == Variant::ClaimWindow
    }

    fn contract_ids(&self) -> std::ops::Range<u8> {
        0..self.contracts
    }

    /// How contract `c` is named in a sentence: "the room" when it is the only one.
    fn room_name(&self, c: u8) -> String {
        if self.contracts == 1 {
            "the room".to_string()
        } else {
            format!("room obj{}", u32::from(c) + 1)
        }
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
        let n = usize::from(self.contracts);
        Shard {
            room: PerItem::new(n, (id == HOTEL).then_some(Room { booked: false })),
            receipts: Vec::new(),
            claimed: Vec::new(),
            seat_booked: PerItem::new(n, false),
        }
    }

    fn on_message(&self, id: NodeId, s: &mut Shard, _: NodeId, c: &Claim, out: &mut Effects<Self>) {
        let guarded = self.variant != Variant::NoClaimedSet;
        let fresh = !guarded || !s.claimed.contains(&c.id);
        let in_window = !self.windowed() || out.now() <= c.stamp.saturating_add(self.window);
        let Some(room) = s.room.get_mut(usize::from(contract_of(c.id))) else {
            return;
        };
        if fresh && in_window {
            *room = Some(Room { booked: false });
            out.record(Event::Create {
                object: c.id,
                shard: id,
            });
            // Seeded bug: the claim is honoured but not recorded in the claimed set.
            if guarded && !mutant::on("yanking/forget-claimed-insert") {
                // Seeded mutant (equivalent): the id is appended, not inserted in order.
                let pos = if mutant::on("yanking/claimed-unsorted") {
                    s.claimed.len()
                } else {
                    s.claimed.partition_point(|&r| r <= c.id)
                };
                s.claimed.insert(pos, c.id);
            }
        }
    }

    fn on_timer(&self, _: NodeId, s: &mut Shard, t: &WindowEnd, _: &mut Effects<Self>) {
        if let Some(r) = s.receipts.iter_mut().find(|r| r.id == t.0) {
            r.expired = true;
        }
    }

    fn can_crash(&self, _id: NodeId) -> bool {
        true
    }

    /// The whole shard survives: all of it is chain state (only the seeded bug loses some).
    fn persisted(&self, _id: NodeId, s: &Shard) -> Shard {
        let mut kept = s.clone();
        // Seeded bug: the claimed set is kept in memory only, and a crash forgets it.
        if mutant::on("yanking/volatile-claimed-set") {
            kept.claimed.clear();
        }
        kept
    }

    fn on_recover(&self, _id: NodeId, s: &mut Shard, out: &mut Effects<Self>) {
        if !self.windowed() {
            return;
        }
        let now = out.now();
        for r in s.receipts.iter().filter(|r| !r.expired) {
            let end = r.stamp.saturating_add(self.window + 1);
            out.set_timer(WindowEnd(r.id), end.saturating_sub(now));
        }
    }

    fn choices(&self, id: NodeId, s: &Shard, _now: u32, out: &mut Vec<Choice>) {
        let free = |c: u8| s.room[usize::from(c)].is_some_and(|r| !r.booked);
        for c in self.contract_ids() {
            // Seeded bug: the yank rule forgets the booking.
            let here = s.room[usize::from(c)].is_some();
            let yankable = free(c) || (here && mutant::on("yanking/yank-booked"));
            let yanked = s.receipts.iter().filter(|r| contract_of(r.id) == c).count();
            if yankable && yanked < usize::from(self.yanks) {
                out.push(Choice::Yank(c));
            }
        }
        for r in &s.receipts {
            if !r.submitted && !r.expired {
                out.push(Choice::Submit(r.id));
            }
        }
        for c in self.contract_ids() {
            // Seeded bug: the booking does not check that the room is here and free.
            let bookable = free(c) || mutant::on("yanking/book-without-room");
            if id == TRAIN && bookable && !s.seat_booked[usize::from(c)] {
                out.push(Choice::Book(c));
            }
        }
    }

    fn on_choice(&self, id: NodeId, s: &mut Shard, choice: &Choice, out: &mut Effects<Self>) {
        match *choice {
            Choice::Yank(c) => {
                // Seeded bug: the receipt is emitted but the room is not deleted.
                if !mutant::on("yanking/yank-keeps-room") {
                    s.room[usize::from(c)] = None;
                }
                let yanked = s.receipts.iter().filter(|r| contract_of(r.id) == c).count();
                let n = u8::try_from(yanked).unwrap_or(u8::MAX);
                let rid = receipt_id(c, id, n);
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
                    // Seeded bug: the claim is submitted to the receipt's own shard.
                    let to = if mutant::on("yanking/claim-to-source") {
                        id
                    } else {
                        other(id)
                    };
                    out.send(
                        to,
                        Claim {
                            id: rid,
                            stamp: r.stamp,
                        },
                    );
                }
            }
            Choice::Book(c) => {
                s.seat_booked[usize::from(c)] = true;
                s.room[usize::from(c)] = Some(Room { booked: true });
            }
        }
    }

    fn observe(&self, nodes: &[Shard], obs: &mut Observation) {
        let names = self.node_names();
        obs.resources.extend(self.contract_ids());
        let mut amounts = Vec::new();
        for c in self.contract_ids() {
            let what = if self.contracts == 1 {
                "room".to_string()
            } else {
                format!("room obj{}", u32::from(c) + 1)
            };
            for (i, s) in nodes.iter().enumerate() {
                let id = NodeId::try_from(i).unwrap_or(NodeId::MAX);
                if s.room[usize::from(c)].is_some() {
                    obs.locations.push((c, Location::Shard(id)));
                    amounts.push(Amount {
                        holder: format!("{what} on {}", names[i]),
                        value: 1,
                    });
                }
                for r in s.receipts.iter().filter(|r| contract_of(r.id) == c) {
                    let claimed = obs
                        .history
                        .iter()
                        .any(|e| matches!(*e, Event::Create { object, .. } if object == r.id));
                    if !claimed && !r.expired {
                        obs.locations.push((c, Location::InTransit(r.id)));
                        amounts.push(Amount {
                            holder: format!("receipt {}", r.id),
                            value: 1,
                        });
                    }
                }
            }
        }
        obs.ledger = Some(Ledger {
            supply: i64::from(self.contracts),
            amounts,
        });
        for c in self.contract_ids() {
            let booked = nodes
                .get(usize::from(TRAIN))
                .is_some_and(|t| t.seat_booked[usize::from(c)]);
            let outcome = if booked {
                Outcome::Committed
            } else {
                Outcome::Pending
            };
            obs.outcome(c, TRAIN, outcome);
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&UNIQUE_LOCATION),
            Property::catalogue(&CONSERVATION),
            Property::catalogue(&NO_DOUBLE_CREATE),
            Property::new(
                BOOKING_INTEGRITY,
                Kind::Always,
                "once the seat is booked (tx1), the room stays on the train's shard, booked: \
                 never yanked away or re-instantiated free over the booking",
                booking_broken,
            ),
            Property::catalogue(&CAN_COMMIT),
        ]
    }
}

/// The name of yanking's own property: a booked room is never taken from its booking.
pub const BOOKING_INTEGRITY: &str = "booking_integrity";

/// Yanking's point is that a resource, once used where it was yanked to, stays there (post
/// 1450: the room is "locked to" the train's shard by being inside it); the catalogue's
/// `unique_location` counts copies and cannot see that the one copy is no longer the booked one.
fn booking_broken(p: &Yanking, nodes: &[Shard], _: &Observation) -> Option<String> {
    let train = nodes.get(usize::from(TRAIN))?;
    p.contract_ids().find_map(|c| {
        let i = usize::from(c);
        let (tx, room) = (u32::from(c) + 1, p.room_name(c));
        if !train.seat_booked[i] {
            return None;
        }
        match train.room[i] {
            Some(Room { booked: true }) => None,
            Some(Room { booked: false }) => Some(format!(
                "the seat is booked (tx{tx}) but {room} on train-shard is free: a claim \
                 re-instantiated it over the booking"
            )),
            None => Some(format!(
                "the seat is booked (tx{tx}) but {room} was yanked away from train-shard"
            )),
        }
    })
}

/// The default kernel configuration: unordered, one replay, clocked time (Δ 1, horizon 3).
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        replay: 1,
        loss: 1,
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
                ParamSpec::new(
                    YANKS,
                    1,
                    1..=3,
                    "yanks each shard may perform of each contract",
                ),
                ParamSpec::new(
                    WINDOW,
                    1,
                    0..=8,
                    "claim-window variant: ticks after a yank within which its claim counts",
                ),
                ParamSpec::new(
                    CONTRACTS,
                    1,
                    1..=2,
                    "contracts (rooms obj1, obj2), each first on the hotel's shard and booked \
                     with its own seat on the train's shard (its own transaction); each is \
                     yanked, claimed and judged on its own",
                )
                .implicit_at_default(),
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "--loss 0: the default holds as well (54 states against the default's 86)",
                "booking_integrity: no-claimed-set breaks it too (a replayed claim re-creates \
                 the room free over the booked one, 5 steps)",
                "no-claimed-set --replay 0: holds (the double instantiation needs the replay)",
                "--time async: claim-window fails in 2 steps (the window's end races the claim); \
                 the other variants keep their verdicts",
            ],
            catches: vec![
                "double instantiation by a replayed claim, a room yanked from its booking, a receipt lost past its claim window: unique_location, conservation, no_double_create, booking_integrity (one replay, one lost message)",
            ],
            misses: vec![
                "bugs needing two yanks per shard (-p yanks=2), longer windows (-p window=…) or two contracts (-p contracts=2), crashes (--crashes 1)",
                "liveness of claims: the booking is the user's option, so the model has no progress property, and a lost claim is never resubmitted",
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
        // Each contract's yanks are busy periods of their own, and they interleave.
        let yanks =
            params.get(YANKS).copied().unwrap_or(1) * params.get(CONTRACTS).copied().unwrap_or(1);
        let window = params.get(WINDOW).copied().unwrap_or(1);
        let d = kernel.delta;
        // A recovering shard re-arms its window timers: one more Δ (measured: 4 and 7 with
        // crash-recover against 3 and 6 without).
        let recovery = if kernel.crashes > 0 { d } else { 0 };
        Some(
            recovery
                + if variant == Variant::ClaimWindow {
                    (2 * window + 2 * d) * yanks + 2 * d
                } else {
                    2 * d * yanks + d
                },
        )
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec {
                kernel: None,
                value: Variant::Correct,
                name: "default",
                summary: "every shard remembers every claimed receipt forever",
                expect: Expect::Holds,
            },
            VariantSpec {
                kernel: None,
                value: Variant::NoClaimedSet,
                name: "no-claimed-set",
                summary: "a shard instantiates every claim it receives (double instantiation \
                              by replay)",
                expect: Expect::Violates(vec![
                    UNIQUE_LOCATION.name,
                    CONSERVATION.name,
                    NO_DOUBLE_CREATE.name,
                    BOOKING_INTEGRITY,
                ]),
            },
            VariantSpec {
                kernel: None,
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
                contracts: u8::try_from(c.param(CONTRACTS)).unwrap_or(1),
                yanks: u8::try_from(c.param(YANKS)).unwrap_or(1),
                window: c.param(WINDOW),
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
            contracts: 1,
            yanks: 1,
            window: 1,
            variant,
        }
    }

    /// The observation as the kernel builds it: the recorded history first, then `observe`.
    fn observe(p: &Yanking, nodes: &[Shard], history: &[Event]) -> Observation {
        let mut obs = Observation {
            history: history.to_vec(),
            ..Observation::default()
        };
        p.observe(nodes, &mut obs);
        obs
    }

    #[test]
    fn a_yanked_room_is_in_transit_then_on_the_target() {
        let p = protocol(Variant::Correct);
        let mut hotel = p.init(HOTEL, &mut Effects::new(0));
        let mut train = p.init(TRAIN, &mut Effects::new(0));
        let mut out = Effects::new(0);
        p.on_choice(HOTEL, &mut hotel, &Choice::Yank(0), &mut out);
        let obs = observe(&p, &[hotel.clone(), train.clone()], &[]);
        assert_eq!(obs.locations, [(0, Location::InTransit(0))]);
        let claim = Claim { id: 0, stamp: 0 };
        let mut out = Effects::new(0);
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut out);
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut out);
        assert_eq!(
            out.recorded(),
            [Event::Create {
                object: 0,
                shard: TRAIN
            }],
            "the claimed set refuses the second claim"
        );
        let obs = observe(&p, &[hotel, train], out.recorded());
        assert_eq!(obs.locations, [(0, Location::Shard(TRAIN))]);
    }

    #[test]
    fn without_a_claimed_set_every_claim_creates_the_room_again() {
        let p = protocol(Variant::NoClaimedSet);
        let mut train = p.init(TRAIN, &mut Effects::new(0));
        let claim = Claim { id: 0, stamp: 0 };
        let mut out = Effects::new(0);
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut out);
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut out);
        assert_eq!(out.recorded().len(), 2);
        assert!(
            train.claimed.is_empty(),
            "no claimed set, no ghost copy of it"
        );
    }

    #[test]
    fn a_claim_after_the_window_is_refused() {
        let p = protocol(Variant::ClaimWindow);
        let mut train = p.init(TRAIN, &mut Effects::new(0));
        let claim = Claim { id: 0, stamp: 0 };
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut Effects::new(2));
        assert_eq!(train.room[0], None);
        p.on_message(TRAIN, &mut train, HOTEL, &claim, &mut Effects::new(1));
        assert_eq!(train.room[0], Some(Room { booked: false }));
    }
}
