//! `train-hotel`: book a train seat and a hotel room atomically — "hold and reserve but revert
//! within a time out period" — on the world kernel in clocked time.
//!
//! Sources: the train-and-hotel problem and the advice quoted from the Taipei sharding workshop,
//! ethresear.ch "Cross-shard Communication & Developer Experience"
//! (<https://ethresear.ch/t/cross-shard-communication-developer-experience/1446>, PROTOCOLS.md
//! §1.1); hold-and-reserve via pending payments and its time-out-revert bug,
//! "Cross-Shard CryptoKitty Algorithm?" (ethresear.ch/t/1253, PROTOCOLS.md §3.4); the rule that
//! makes a time-out safe — it must be proven where the decision is taken, not assumed from the
//! requester's clock — Cosmos ICS-004 `timeoutPacket` (PROTOCOLS.md §6.3, scenario S15); the
//! shared-deadline discipline of HTLCs, Herlihy, "Atomic Cross-Chain Swaps", PODC 2018
//! (PROTOCOLS.md §6.2).
//!
//! # Encoding
//!
//! Three shards: `train` (one seat, `obj1`), `hotel` (one room, `obj2`) and `escrow`, the
//! user's shard. The user has paid the price (1 per item, supply 2) into escrow when the run
//! starts (the payment, `obj3`, is held); the escrow shard sends `Reserve` to the train and hotel
//! shards. The booking has one shared deadline `D` (parameter `deadline`, an absolute tick).
//!
//! The sizes are parameters (`xshard list train-hotel`), each defaulting to the configuration
//! whose counts and counterexamples are pinned (one booking, one seat, one room):
//!
//! - `bookings` (1..=2, default 1): users, each booking a seat and a room with its own payment
//!   into its own escrow shard (`escrow`; `escrow-1`, `escrow-2` with two), which decides that
//!   booking as below. Booking `b` is transaction `b`, judged on its own: its escrow's outcome
//!   and each shard's request. All bookings share `D`, so a shard has one `Expire` timer.
//! - `capacity` (1..=2, default 1): seats on the train and rooms in the hotel. A shard holds a
//!   request only while fewer than `capacity` units are held or sold, so with more bookings
//!   than capacity the users compete for the same seat and room: whoever is held first may
//!   still lose the other item to a rival, and its escrow reverts at `D`.
//!
//! Node fields hold one value per booking where a shard keeps one (the bare value with one
//! booking, so the default's dumps read as before), and the first booking's choices and
//! timers keep their names (`Hold`, `HoldTimeout`; the second's are `Hold(b2)`, …).
//!
//! - A resource shard that got `Reserve` may hold its item (a local choice, so a slow shard is
//!   explored at every tick) while `now < D`, and reports `Held`; a request still unheld at `D`
//!   expires (aborted, nothing to undo).
//! - The escrow shard decides once, and its decision is a function of what is provably
//!   visible on it by the deadline: it commits as soon as both `Held` proofs are in and `now ≤ D`
//!   (it pays each shard with a payment receipt carried by `Commit`); at `D` (its timer fires
//!   exactly then), if it has not committed, it reverts: refunds the user and sends `Abort`.
//! - A resource shard commits (sells its item, claims the payment receipt, confirms with `Sold`)
//!   on `Commit`, and reverts its hold on `Abort` — never on its own clock.
//!
//! Correctness of the default (argument). The escrow shard's decision is final and made once;
//! every other decision copies it: a shard sells only on `Commit` (sent only after the escrow
//! committed) and reverts only on `Abort` (sent only after it reverted, which it does only if it
//! had not committed), so `atomicity` and the first clause of `timeout_revert` (a refund or
//! revert only for a booking that commits nowhere, at most once: every status is final) hold
//! whatever the timing. The escrow decides by `D` at the latest, so its decision reaches every
//! shard by `D + Δ`: no hold outlives its deadline `D` plus Δ (the clocked clause). Value moves
//! user → escrow → receipts → shards, or escrow → user, never both (`conservation`).
//!
//! Clock mode: **clocked** (default Δ = 1, horizon 4, `D` = 2). Safety of the default needs no
//! clock; the clock is what gives the deadline a meaning (a hold must end by `D + Δ`) and what
//! tells the correct design from the flawed ones without making every timer race every message:
//! in async time any time-out revert looks broken.
//!
//! # Variants
//!
//! - `naive-timeout` — each resource shard reverts its hold on its own timer, `hold` ticks after
//!   holding (parameter, default 1), unrelated to the deadline the escrow uses: the train's hold
//!   lapses while the escrow commits on the two `Held` proofs: `atomicity` and `timeout_revert`
//!   violated (the receipt paid to the train stays unclaimed, so value is conserved). With
//!   `-p hold=4` (a time-out that always outlasts `D + Δ`, HTLC's timelock ordering) it holds
//!   on a reliable network, and breaks again with `--loss 1 --horizon 6` (a lost `Commit`):
//!   a unilateral revert is safe only with synchrony.
//! - `sender-clock-timeout` — the requester refunds on its own clock: at `D` the escrow shard
//!   reverts any booking whose sales it has not seen confirmed (`Sold`), cancelling its payment
//!   receipts — without proof that the shards did not act (S15: send; receive; time-out): the
//!   train sold the seat and claimed its payment, the user is refunded: `atomicity`,
//!   `timeout_revert` and `conservation` violated.
//!
//! Observation: one transaction (the booking) with an outcome per shard (escrow: locked while
//! it holds the payment, committed, reverted with a `Refund` event; train and hotel: pending,
//! locked while holding with deadline `D`, committed when sold, aborted when expired unheld,
//! reverted with a `Revert` event), and the ledger (user, escrow, unclaimed receipts, the
//! shards' takings).
//!
//! Crashes. Every shard may crash (a halted chain). It keeps its chain state — the item's
//! status (a hold is a lock recorded on the resource shard), the escrow's decision, the proofs
//! it has seen, the receipts and balances — because each is a recorded state transition
//! (PROTOCOLS.md §0.3, "crash-recover with durable storage"; §3.4: the pending payment is
//! state of the shard); its timers are local and lost, so a recovered shard re-arms what its
//! state still needs: the escrow's deadline while undecided, a request's expiry while unheld
//! (both at the absolute tick `D`, at once if it has passed), `naive-timeout`'s hold time-out.
//! A crash-stopped escrow never decides, so holds outlive `D + Δ`.
//!
//! Symmetry: `train` and `hotel` are configured identically (the same capacity, price 1, the
//! same handlers, and each escrow knows them only by bits of `held`, `sold` and `receipts`),
//! so they form one group of interchangeable nodes at every size and `--symmetry` counts their
//! orbits (the kernel's brute-force test checks it with two bookings too). The escrows are
//! alike as well but not declared: the shards' `Hold` choices and `HoldTimeout` timers name
//! bookings by number, which renaming nodes does not reach.
//!
//! At other sizes (pinned in `tests/it/sizes.rs`): two bookings competing for one seat and one
//! room keep every verdict (18,200 states with the default's replay); each flaw still needs
//! one booking, and its counterexample keeps its length (`naive-timeout` 8 steps) or grows by
//! the second escrow's two reserves that must be delivered before the clock moves
//! (`sender-clock-timeout` 12). Abstracted away: prices, blocks and proofs (a delivered
//! message is a final, verified proof), users retrying after losing a rival.
//!
//! Defaults: one replayed message (`--replay 1`), no loss. With `--loss 1` the default keeps
//! `atomicity` and `conservation`, but a lost decision leaves a hold past `D + Δ`:
//! `timeout_revert` (its clocked clause) is violated — the deadline bound needs synchrony,
//! which a lossy link breaks — and so is `progress` (nothing re-sends the decision). With
//! `--replay 0` everything holds too (234 states against the default's 940).//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.

mod handlers;

use serde::Serialize;
use xshard_properties::{
    Amount, Ledger, Lock, LockMode, NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT,
    CONSERVATION, PROGRESS, TIMEOUT_REVERT,
};

use super::per_item::PerItem;
use crate::entry::{Config, ConfigError, Expect, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{KernelConfig, Property, TimeMode, World};
use crate::mutant;

/// The registry name.
pub const NAME: &str = "train-hotel";

/// The first escrow shard's node id (train is 0, hotel is 1; booking `b`'s escrow is
/// `ESCROW + b`).
pub const ESCROW: NodeId = 2;
/// The price of each item.
pub const PRICE: u8 = 1;
/// The value of one booking: what its user paid into escrow.
pub const SUPPLY: u8 = 2 * PRICE;
/// Parameter: the shared deadline.
pub const DEADLINE: &str = "deadline";
/// Parameter: naive-timeout's hold time.
pub const HOLD: &str = "hold";
/// Parameter: bookings (users), each with its own escrow shard.
pub const BOOKINGS: &str = "bookings";
/// Parameter: seats on the train, rooms in the hotel.
pub const CAPACITY: &str = "capacity";

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// `default`: the escrow shard decides by the deadline and the shards only copy its
    /// decision; every property holds on a reliable network.
    Default,
    /// `naive-timeout`: each resource shard reverts its hold on its own timer, `hold` ticks
    /// after holding; breaks `atomicity` and `timeout_revert`.
    NaiveTimeout,
    /// `sender-clock-timeout`: at the deadline the escrow refunds any booking whose sales it has
    /// not seen confirmed; also breaks `conservation`.
    SenderClockTimeout,
}

/// A resource shard's status for the booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// No request yet.
    Idle,
    /// Asked to hold, not held yet.
    Asked,
    /// Held (reserved) for the booking.
    Held,
    /// Sold to the user; the payment receipt claimed.
    Sold,
    /// The request expired unheld.
    Expired,
    /// The hold was undone.
    Released,
}

/// The escrow shard's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Not decided: holding the user's payment.
    Open,
    /// Committed (final): both items held by the deadline, payment receipts issued.
    Committed,
    /// Reverted (final) at the deadline: the user refunded and `Abort` sent.
    Reverted,
}

/// The escrow shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Escrow {
    /// The escrow shard's decision for the booking.
    pub phase: Phase,
    /// Bit i: shard i's `Held` proof is visible.
    pub held: u8,
    /// Bit i: shard i's `Sold` confirmation is visible (recorded by `sender-clock-timeout`).
    pub sold: u8,
    /// Bit i: a payment receipt to shard i is issued and not cancelled.
    pub receipts: u8,
    /// Value held in escrow: the user's payment until the booking commits or reverts.
    pub escrow: u8,
    /// Value given back to the user by a revert.
    pub user: u8,
}

/// A node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// The `train` or `hotel` shard: each booking's request, in booking order (the bare
    /// status with one booking).
    Shard(PerItem<Item>),
    /// An escrow shard, its user's shard, which decides its booking.
    Escrow(Escrow),
}

/// A message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// Escrow → shard: hold your item for the booking until the deadline.
    Reserve,
    /// Shard → escrow: held.
    Held,
    /// Escrow → shard: committed; carries the payment receipt.
    Commit,
    /// Escrow → shard: reverted.
    Abort,
    /// Shard → escrow: sold (the receipt is claimed).
    Sold,
}

/// A timer. Debug names the first booking's as the one-booking model did (`HoldTimeout`) and
/// the others' with their booking (`HoldTimeout(b2)`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// An escrow shard's deadline `D`.
    Deadline,
    /// A shard's unheld requests expire at `D` (one timer: every booking shares `D`).
    Expire,
    /// `naive-timeout`: a shard's own hold time-out for a booking.
    HoldTimeout(u8),
}

impl std::fmt::Debug for Timer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Timer::Deadline => write!(f, "Deadline"),
            Timer::Expire => write!(f, "Expire"),
            Timer::HoldTimeout(0) => write!(f, "HoldTimeout"),
            Timer::HoldTimeout(b) => write!(f, "HoldTimeout(b{})", u32::from(b) + 1),
        }
    }
}

/// A local choice. Debug names the first booking's as the one-booking model did (`Hold`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// Hold a unit of the item for a booking.
    Hold(u8),
}

impl std::fmt::Debug for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Choice::Hold(0) => write!(f, "Hold"),
            Choice::Hold(b) => write!(f, "Hold(b{})", u32::from(b) + 1),
        }
    }
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct TrainHotel {
    /// Which variant of the booking is modelled.
    pub variant: Variant,
    /// The shared deadline `D` (absolute tick).
    pub deadline: u32,
    /// `naive-timeout`: ticks a shard holds before reverting on its own.
    pub hold: u32,
    /// Bookings: users, each with its own escrow shard, all wanting a seat and a room.
    pub bookings: u8,
    /// Seats on the train and rooms in the hotel; with fewer than `bookings` the users compete
    /// for them.
    pub capacity: u8,
}

fn shard_name(i: usize) -> &'static str {
    if i == 0 {
        "train"
    } else {
        "hotel"
    }
}

impl TrainHotel {
    /// The model at the defaults' sizes (one booking, one seat and one room).
    pub fn new(variant: Variant, deadline: u32, hold: u32) -> Self {
        TrainHotel {
            variant,
            deadline,
            hold,
            bookings: 1,
            capacity: 1,
        }
    }

    /// Booking `b`'s escrow shard.
    pub fn escrow(b: u8) -> NodeId {
        ESCROW + b
    }

    /// The booking an escrow shard decides.
    fn booking_of(escrow: NodeId) -> u8 {
        escrow - ESCROW
    }

    /// A holder's name in the ledger: `what` alone with one booking, else with its booking.
    fn holder(&self, what: &str, b: u8) -> String {
        if self.bookings == 1 {
            what.to_string()
        } else {
            format!("{what} (b{})", u32::from(b) + 1)
        }
    }

    fn observe_escrow(&self, id: NodeId, e: &Escrow, nodes: &[Node], obs: &mut Observation) {
        let b = Self::booking_of(id);
        let outcome = match e.phase {
            Phase::Open => Outcome::Locked,
            Phase::Committed => Outcome::Committed,
            Phase::Reverted => Outcome::Reverted,
        };
        obs.outcome(b, id, outcome);
        if e.phase == Phase::Open {
            // The user's payment for booking b (obj3 for the first).
            obs.locks.push(Lock {
                object: id,
                shard: id,
                tx: b,
                mode: LockMode::Write,
                deadline: Some(self.deadline),
            });
        }
        let mut amounts = vec![
            Amount {
                holder: self.holder("user", b),
                value: i64::from(e.user),
            },
            Amount {
                holder: self.holder("escrow", b),
                value: i64::from(e.escrow),
            },
        ];
        for (i, n) in nodes.iter().enumerate().take(2) {
            let claimed =
                matches!(n, Node::Shard(items) if items.get(usize::from(b)) == Some(&Item::Sold));
            let issued = e.receipts & (1 << i) != 0;
            amounts.push(Amount {
                holder: self.holder(&format!("unclaimed receipt to {}", shard_name(i)), b),
                value: i64::from(u8::from(issued && !claimed) * PRICE),
            });
            amounts.push(Amount {
                holder: self.holder(shard_name(i), b),
                value: i64::from(u8::from(claimed) * PRICE),
            });
        }
        match obs.ledger.as_mut() {
            Some(ledger) => {
                ledger.supply += i64::from(SUPPLY);
                ledger.amounts.extend(amounts);
            }
            None => {
                obs.ledger = Some(Ledger {
                    supply: i64::from(SUPPLY),
                    amounts,
                })
            }
        }
    }

    fn observe_shard(&self, i: usize, items: &[Item], obs: &mut Observation) {
        let shard = NodeId::try_from(i).unwrap_or(NodeId::MAX);
        for (b, &item) in (0..).zip(items) {
            let outcome = match item {
                Item::Idle | Item::Asked => Outcome::Pending,
                Item::Held => Outcome::Locked,
                Item::Sold => Outcome::Committed,
                Item::Expired => Outcome::Aborted,
                Item::Released => Outcome::Reverted,
            };
            obs.outcome(b, shard, outcome);
            if item == Item::Held {
                obs.locks.push(Lock {
                    object: shard,
                    shard,
                    tx: b,
                    mode: LockMode::Write,
                    deadline: Some(self.deadline),
                });
            }
        }
    }

    /// Units of a shard's item taken: held or sold.
    fn taken(items: &[Item]) -> usize {
        items
            .iter()
            .filter(|i| matches!(i, Item::Held | Item::Sold))
            .count()
    }
}

impl crate::kernel::Protocol for TrainHotel {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        let mut names = vec!["train".to_string(), "hotel".to_string()];
        if self.bookings == 1 {
            names.push("escrow".into());
        } else {
            names.extend((1..=self.bookings).map(|b| format!("escrow-{b}")));
        }
        names
    }

    fn init(&self, id: NodeId, out: &mut crate::kernel::Effects<Self>) -> Node {
        if id >= ESCROW {
            out.send(0, Msg::Reserve);
            out.send(1, Msg::Reserve);
            // Seeded bug (off by one): the escrow's deadline timer fires a tick after D.
            let late = u32::from(mutant::on("train-hotel/deadline-one-late"));
            out.set_timer(Timer::Deadline, self.deadline + late);
            Node::Escrow(Escrow {
                phase: Phase::Open,
                held: 0,
                sold: 0,
                receipts: 0,
                escrow: SUPPLY,
                user: 0,
            })
        } else {
            Node::Shard(PerItem::new(usize::from(self.bookings), Item::Idle))
        }
    }

    fn on_message(
        &self,
        id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: &Msg,
        out: &mut crate::kernel::Effects<Self>,
    ) {
        match node {
            Node::Shard(items) => {
                // Escrow shard `ESCROW + b` speaks for booking `b`.
                if let Some(item) = items.get_mut(usize::from(from.wrapping_sub(ESCROW))) {
                    self.shard_message(id, Self::booking_of(from), item, *msg, out);
                }
                if !items.contains(&Item::Asked) {
                    out.cancel_timer(Timer::Expire);
                }
            }
            Node::Escrow(e) => self.escrow_message(e, from, *msg, out),
        }
    }

    fn on_timer(
        &self,
        id: NodeId,
        node: &mut Node,
        timer: &Timer,
        out: &mut crate::kernel::Effects<Self>,
    ) {
        match node {
            Node::Shard(items) => Self::shard_timer(id, items, *timer, out),
            Node::Escrow(e) => self.escrow_deadline(id, e, out),
        }
    }

    fn can_crash(&self, _id: NodeId) -> bool {
        true
    }

    // `persisted` keeps the whole node (the default): all of it is chain state.

    fn on_recover(&self, _id: NodeId, node: &mut Node, out: &mut crate::kernel::Effects<Self>) {
        let until_deadline = self.deadline.saturating_sub(out.now());
        match node {
            Node::Escrow(e) => {
                let flawed_pending =
                    self.variant == Variant::SenderClockTimeout && e.phase == Phase::Committed;
                if e.phase == Phase::Open || flawed_pending {
                    out.set_timer(Timer::Deadline, until_deadline);
                }
            }
            Node::Shard(items) => {
                if items.contains(&Item::Asked) {
                    out.set_timer(Timer::Expire, until_deadline);
                }
                for (b, item) in (0..).zip(items.iter()) {
                    if *item == Item::Held && self.variant == Variant::NaiveTimeout {
                        out.set_timer(Timer::HoldTimeout(b), self.hold);
                    }
                }
            }
        }
    }

    /// Train and hotel: the same capacity, the same handlers, and each escrow knows them only
    /// by bits. The escrows are configured alike too, but not declared: the shards' timers
    /// and choices name bookings by number, which node renaming does not reach.
    fn symmetry(&self) -> Vec<Vec<NodeId>> {
        vec![vec![0, 1]]
    }

    fn rename_node(&self, node: &Node, rename: &dyn Fn(NodeId) -> NodeId) -> Node {
        let bits = |mask: u8| {
            (0..2u8)
                .filter(|&s| mask & (1 << s) != 0)
                .fold(0u8, |acc, s| acc | (1 << rename(s)))
        };
        match node {
            Node::Escrow(e) => Node::Escrow(Escrow {
                held: bits(e.held),
                sold: bits(e.sold),
                receipts: bits(e.receipts),
                ..*e
            }),
            other => other.clone(),
        }
    }

    fn choices(&self, _id: NodeId, node: &Node, now: u32, out: &mut Vec<Choice>) {
        // Seeded mutant (off by one): a request may still be held at D itself.
        let open = now < self.deadline
            || (now == self.deadline && mutant::on("train-hotel/hold-at-deadline"));
        let Node::Shard(items) = node else { return };
        // A unit is free while fewer than `capacity` are held or sold: the users compete.
        if !open || Self::taken(items) >= usize::from(self.capacity) {
            return;
        }
        for (b, item) in (0..).zip(items.iter()) {
            if *item == Item::Asked {
                out.push(Choice::Hold(b));
            }
        }
    }

    fn on_choice(
        &self,
        _id: NodeId,
        node: &mut Node,
        choice: &Choice,
        out: &mut crate::kernel::Effects<Self>,
    ) {
        let Choice::Hold(b) = *choice;
        if let Node::Shard(items) = node {
            if let Some(item) = items.get_mut(usize::from(b)) {
                self.hold(b, item, out);
            }
            if !items.contains(&Item::Asked) {
                out.cancel_timer(Timer::Expire);
            }
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        for (i, n) in nodes.iter().enumerate() {
            match n {
                Node::Shard(items) => self.observe_shard(i, items, obs),
                Node::Escrow(e) => {
                    let id = NodeId::try_from(i).unwrap_or(NodeId::MAX);
                    self.observe_escrow(id, e, nodes, obs);
                }
            }
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&ATOMICITY),
            Property::catalogue(&TIMEOUT_REVERT),
            Property::catalogue(&CONSERVATION),
            Property::catalogue(&PROGRESS),
            Property::catalogue(&CAN_COMMIT),
            Property::catalogue(&CAN_ABORT),
        ]
    }
}

/// The default kernel configuration: clocked, Δ = 1, horizon 4 (the derived one replaces
/// it), no loss (the deadline bound needs synchrony, see the module doc) and one replayed
/// message.
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        time: TimeMode::Clocked,
        delta: 1,
        horizon: 4,
        replay: 1,
        ..KernelConfig::default()
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<TrainHotel>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "book a train seat and a hotel room: hold and reserve, pay from escrow, revert \
                      at a shared deadline decided on the escrow shard (clocked time)",
            source: "ethresear.ch/t/cross-shard-communication-developer-experience/1446; \
                     ethresear.ch/t/1253 (PROTOCOLS.md 3.4); ICS-004 timeouts (PROTOCOLS.md 6.3, \
                     S15); Herlihy PODC 2018 (PROTOCOLS.md 6.2)",
            params: vec![
                ParamSpec::new(
                    DEADLINE,
                    2,
                    1..=8,
                    "the shared deadline D (absolute tick) by which every booking is decided",
                ),
                ParamSpec::new(
                    HOLD,
                    1,
                    1..=8,
                    "naive-timeout: ticks a shard holds before reverting on its own timer",
                ),
                ParamSpec::new(
                    BOOKINGS,
                    1,
                    1..=2,
                    "bookings: users each wanting a seat and a room, each paying into its own \
                     escrow shard (escrow-1, escrow-2) that decides it; with more bookings than \
                     capacity they compete for the same seat and room",
                )
                .implicit_at_default(),
                ParamSpec::new(
                    CAPACITY,
                    1,
                    1..=2,
                    "seats on the train and rooms in the hotel: a shard holds a request only \
                     while fewer are held or sold",
                )
                .implicit_at_default(),
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "default with --loss 1: timeout_revert and progress violated (a lost decision \
                 leaves a hold past its deadline plus delta: the bound needs synchrony, and \
                 nothing re-sends it); atomicity and conservation hold",
                "default with --replay 0: holds (234 states against the default's 940); with \
                 --time async --loss 1: atomicity, timeout_revert and conservation hold \
                 (safety needs no clock), progress is violated (the lost decision)",
                "naive-timeout with --time async: violated as well (atomicity, timeout_revert)",
            ],
            catches: vec![
                "reverts on a shard's own timer or the requester's clock, a sale and a refund of one booking: atomicity, timeout_revert, conservation",
                "a hold that outlives the deadline plus delta, and a replayed reserve, decision or proof (one replay)",
            ],
            misses: vec![
                "message loss: the deadline bound needs synchrony, so --loss 1 violates timeout_revert by design (a lost decision); its safety under loss is checked with --time async --loss 1",
                "deadlines and hold times other than D = 2, hold = 1 (-p deadline=…, -p hold=…; the horizon follows), competing bookings (-p bookings=2, with -p capacity=1 or 2), crashes (--crashes 1)",
            ],
        }
    }

    /// Everything is decided by the deadline D (or the naive hold timer), then the decision
    /// travels to the shards and their answers back: D + 2Δ + 1 ticks, the measured minimum
    /// for every D and Δ tried.
    fn horizon(
        &self,
        _variant: Variant,
        params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let deadline = params.get(DEADLINE).copied().unwrap_or(2);
        let hold = params.get(HOLD).copied().unwrap_or(1);
        Some(deadline.max(hold) + 2 * kernel.delta + 1)
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec {
                kernel: None,
                value: Variant::Default,
                name: "default",
                summary: "the escrow shard decides once, by the deadline, on the hold proofs it \
                              has; shards sell or revert only on that decision",
                expect: Expect::Holds,
            },
            VariantSpec {
                kernel: None,
                value: Variant::NaiveTimeout,
                name: "naive-timeout",
                summary: "each shard reverts its hold on its own timer, unrelated to the deadline",
                expect: Expect::Violates(vec![ATOMICITY.name, TIMEOUT_REVERT.name]),
            },
            VariantSpec {
                kernel: None,
                value: Variant::SenderClockTimeout,
                name: "sender-clock-timeout",
                summary: "the escrow refunds at the deadline on its own clock when sales are not \
                              confirmed, without proof that the shards did not sell",
                expect: Expect::Violates(vec![
                    ATOMICITY.name,
                    TIMEOUT_REVERT.name,
                    CONSERVATION.name,
                ]),
            },
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<TrainHotel>, ConfigError> {
        Ok(World::new(
            TrainHotel {
                variant: c.variant,
                deadline: c.param(DEADLINE),
                hold: c.param(HOLD),
                bookings: u8::try_from(c.param(BOOKINGS)).unwrap_or(1),
                capacity: u8::try_from(c.param(CAPACITY)).unwrap_or(1),
            },
            c.kernel(),
        ))
    }
}
