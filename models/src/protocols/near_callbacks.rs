//! `near-callbacks`: the train-and-hotel booking as NEAR (Nightshade) runs it — asynchronous
//! receipts, a callback that joins the two answers, and compensation instead of rollback —
//! with several users booking at once.
//!
//! Sources: `near/NEPs` `specs/RuntimeSpec/Receipts.md` (action receipts, data receipts, a
//! receipt postponed until its input data arrives: `promise_and(..).then(callback)`) and
//! `Refunds.md` (a failed receipt's deposit goes back to its predecessor); docs.near.org,
//! "Cross-Contract Calls" (security: "between the call and the callback, people could
//! interact with the contract"; "manually rollback any changes to the state in the callback
//! if the external call failed") and "Reentrancy Attacks"; PROTOCOLS.md §3.2 (the
//! train-and-hotel contract on NEAR, eventual all-or-nothing, "there is no isolation") and
//! §7.5 scenario S18. Sagas (Garcia-Molina & Salem, SIGMOD 1987) are the same design:
//! committed steps undone by compensating steps, with no isolation between sagas.
//!
//! # Encoding
//!
//! Three shards: `ta`, the travel agent's contract (shard 0, where the users' accounts are
//! too), `train` (one seat, obj2) and `hotel` (one room, obj3). Each of `users` users (default
//! 2) holds 2 units of value and books the pair once, whenever they like: a user's signed
//! transaction is a local choice at `ta` (`Book(u)`), so every interleaving of the users is
//! explored and none is scripted. Booking `u` is transaction `tx(u+1)`.
//!
//! 1. `TA.book(u)` moves the price (1 per item) from u's account into escrow and sends a
//!    `Reserve(u)` action receipt to each shard; its callback is postponed until both data
//!    receipts are in.
//! 2. Each shard executes its receipt on its own and answers with a data receipt: reserved or
//!    failed.
//! 3. The callback: both reserved → a `Confirm(u)` receipt to each, carrying the payment;
//!    otherwise `Cancel(u)` to the side that reserved (the compensation) and the escrow back
//!    to u. A `Confirm` that finds the item sold to someone else fails, and its deposit comes
//!    back to `ta` as a refund receipt, which `ta` credits to u.
//!
//! Delivery is NEAR's: reliable, exactly once, unordered, arbitrarily delayed (async time,
//! `--network unordered`, no loss, no replay, no crash: a shard is a chain that does not stop).
//!
//! # Variants, and what the checker reports (counts in `tests/it/near_callbacks.rs`)
//!
//! - default — a reservation holds the item for u until the callback confirms or cancels it
//!   (the discipline the NEAR docs ask of a contract between a call and its callback, applied
//!   by the callee: change the state first, undo it by compensation): `atomicity`,
//!   `isolation`, `conservation` and `progress` hold with two users; both witnesses are
//!   found (one user books both, and a booking fails everywhere when the users split the
//!   items and both compensate).
//! - `unheld-reserve` (S18) — NEAR has no lock across receipts, and the reservation holds
//!   nothing: it answers that the item is unsold, the item stays on sale, and the callback's
//!   `Confirm` buys it. A concurrent booking buys first, so the callback's settlement runs
//!   into it: u1 buys the seat, u2 the room, each `Confirm` on the other side fails and is
//!   refunded. `conservation` holds (every unit is in an account, escrow, a receipt in flight
//!   or a shard's takings), `atomicity` is violated (a booking committed on one shard and
//!   aborted on the other, at rest: nothing undoes a sale), and so is `isolation` (both
//!   bookings hold the same item at once). With one user (`-p users=1`) it holds: the
//!   violations need the second user.
//!
//! Isolation, precisely. NEAR takes no locks, so the observation exposes the locks a strict
//! two-phase-locking execution of the same steps would hold (Bernstein, Hadzilacos and
//! Goodman, "Concurrency Control and Recovery in Database Systems", 1987, ch. 3): from the
//! moment a shard reserves an item for an undecided booking until the booking is decided
//! there (sold, cancelled or failed), the booking holds a write lock on the item — the
//! reservation is what its purchase relies on. The catalogue's `isolation` (no two
//! transactions hold conflicting locks on one object) then says that no booking ever relies
//! on an item another undecided booking relies on: what locking would have prevented.
//!
//! Observation: each booking's outcome at train and hotel (pending, locked while reserved,
//! committed when sold, aborted when its reservation or purchase failed, reverted when
//! cancelled by the compensation), the locks above, and the ledger (accounts, escrow,
//! payments and refunds in flight, the shards' takings).
//!
//! Symmetry: none declared. The users are not nodes, and train and hotel, though configured
//! alike, are named by the travel agent's records (its replies, payments and refunds per
//! shard).
//!
//! Abstracted away: gas and its refunds, callback spoofing (the callback is private),
//! failures of a receipt for reasons other than the item (the cancel itself never fails
//! here), the users' own shards (their accounts are kept at `ta`), prices.
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.

use serde::Serialize;
use xshard_properties::{
    Amount, Ledger, Lock, LockMode, NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT,
    CONSERVATION, ISOLATION, PROGRESS,
};

use crate::entry::{Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Delivery, Effects, KernelConfig, Property, Protocol, TimeMode, World};

/// The registry name.
pub const NAME: &str = "near-callbacks";

/// The travel agent's contract (and the users' accounts).
pub const TA: NodeId = 0;
/// The train shard.
pub const TRAIN: NodeId = 1;
/// The hotel shard.
pub const HOTEL: NodeId = 2;
/// The price of each item.
pub const PRICE: u8 = 1;
/// What each user holds at the start: the price of the pair.
pub const WALLET: u8 = 2 * PRICE;

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// A reservation holds the item until the callback confirms or cancels it.
    Default,
    /// A reservation holds nothing; the callback's purchase can find the item sold (S18).
    UnheldReserve,
}

/// A booking's state at a shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No receipt of the booking has executed here.
    None,
    /// Reserved (held in the default, merely answered in `unheld-reserve`).
    Reserved,
    /// The reservation or the purchase failed: the item was taken.
    Failed,
    /// Sold to the booking's user; the payment is the shard's.
    Sold,
    /// The reservation was cancelled by the callback's compensation.
    Cancelled,
}

/// A resource shard: each booking's state there, and whose payments it sent back.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Shard {
    /// Booking u's state, per user.
    pub status: Vec<Status>,
    /// Bit u: u's payment came with a purchase that failed, and was sent back.
    pub returned: u8,
}

impl Shard {
    fn holder(&self, variant: Variant) -> Option<usize> {
        self.status.iter().position(|s| match s {
            Status::Sold => true,
            Status::Reserved => variant == Variant::Default,
            _ => false,
        })
    }
}

/// An answer a callback waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// Not arrived yet.
    Awaited,
    /// The shard reserved.
    Reserved,
    /// The shard's receipt failed.
    Failed,
}

/// One user's booking at the travel agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Booking {
    /// The user has booked (the choice is spent).
    pub booked: bool,
    /// The callback has run.
    pub settled: bool,
    /// The train's and the hotel's answers.
    pub replies: [Reply; 2],
    /// The user's account.
    pub account: u8,
    /// Value held in escrow for the booking.
    pub escrow: u8,
    /// Bit s: a payment was sent to shard s (1 train, 2 hotel).
    pub paid: u8,
    /// Bit s: shard s's refund of a failed purchase arrived and was credited.
    pub refunded: u8,
}

/// A node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// `ta`: every user's booking.
    Agent(Vec<Booking>),
    /// `train` or `hotel`.
    Shard(Shard),
}

/// A receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// Action receipt, ta → shard: reserve the item for user u.
    Reserve(u8),
    /// Data receipt, shard → ta: the reservation for u succeeded (`true`) or failed.
    Data(u8, bool),
    /// Action receipt, ta → shard: buy the reserved item for u (carries the price).
    Confirm(u8),
    /// Action receipt, ta → shard: cancel u's reservation (the compensation).
    Cancel(u8),
    /// Refund receipt, shard → ta: u's payment, from a purchase that failed.
    Refund(u8),
}

/// A user's transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// User u calls `TA.book()`.
    Book(u8),
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct NearCallbacks {
    /// Which variant is modelled.
    pub variant: Variant,
    /// The number of users.
    pub users: u8,
}

fn bit(shard: NodeId) -> u8 {
    1 << shard
}

fn side(shard: NodeId) -> usize {
    usize::from(shard == HOTEL)
}

impl NearCallbacks {
    fn shard_receipt(&self, s: &mut Shard, msg: Msg, out: &mut Effects<Self>) {
        match msg {
            // Each receipt acts once: a booking's receipt that finds the booking past the
            // state it expects is a duplicate (outside NEAR's exactly-once delivery, but a
            // replay budget may deliver one) and changes nothing.
            Msg::Reserve(u) if s.status[usize::from(u)] == Status::None => {
                let ok = self.shard_holder(s).is_none();
                s.status[usize::from(u)] = if ok { Status::Reserved } else { Status::Failed };
                out.send(TA, Msg::Data(u, ok));
            }
            Msg::Confirm(u) if s.status[usize::from(u)] == Status::Reserved => {
                let me = usize::from(u);
                let taken = s
                    .status
                    .iter()
                    .enumerate()
                    .any(|(v, st)| v != me && *st == Status::Sold);
                if !taken {
                    s.status[me] = Status::Sold;
                } else {
                    // The purchase fails; its deposit goes back to the predecessor.
                    s.status[me] = Status::Failed;
                    s.returned |= 1 << u;
                    out.send(TA, Msg::Refund(u));
                }
            }
            Msg::Cancel(u) if s.status[usize::from(u)] == Status::Reserved => {
                s.status[usize::from(u)] = Status::Cancelled;
            }
            _ => {}
        }
    }

    fn shard_holder(&self, s: &Shard) -> Option<usize> {
        s.holder(self.variant)
    }

    fn agent_receipt(
        &self,
        bookings: &mut [Booking],
        from: NodeId,
        msg: Msg,
        out: &mut Effects<Self>,
    ) {
        match msg {
            Msg::Data(u, ok) => {
                let b = &mut bookings[usize::from(u)];
                let reply = &mut b.replies[side(from)];
                if b.settled || *reply != Reply::Awaited {
                    return;
                }
                *reply = if ok { Reply::Reserved } else { Reply::Failed };
                if b.replies.contains(&Reply::Awaited) {
                    return;
                }
                // The callback: both data receipts are in.
                b.settled = true;
                if b.replies == [Reply::Reserved; 2] {
                    b.escrow -= 2 * PRICE;
                    b.paid = bit(TRAIN) | bit(HOTEL);
                    out.send(TRAIN, Msg::Confirm(u));
                    out.send(HOTEL, Msg::Confirm(u));
                } else {
                    for (shard, reply) in [TRAIN, HOTEL].into_iter().zip(b.replies) {
                        if reply == Reply::Reserved {
                            out.send(shard, Msg::Cancel(u));
                        }
                    }
                    b.account += b.escrow;
                    b.escrow = 0;
                }
            }
            Msg::Refund(u) => {
                let b = &mut bookings[usize::from(u)];
                if b.paid & bit(from) != 0 && b.refunded & bit(from) == 0 {
                    b.refunded |= bit(from);
                    b.account += PRICE;
                }
            }
            Msg::Reserve(_) | Msg::Confirm(_) | Msg::Cancel(_) => {}
        }
    }

    fn observe_shard(&self, id: NodeId, s: &Shard, obs: &mut Observation) {
        for (u, st) in s.status.iter().enumerate() {
            let tx = u8::try_from(u).unwrap_or(u8::MAX);
            let outcome = match st {
                Status::None => Outcome::Pending,
                Status::Reserved => Outcome::Locked,
                Status::Failed => Outcome::Aborted,
                Status::Sold => Outcome::Committed,
                Status::Cancelled => Outcome::Reverted,
            };
            obs.outcome(tx, id, outcome);
            if *st == Status::Reserved {
                obs.locks.push(Lock {
                    object: id,
                    shard: id,
                    tx,
                    mode: LockMode::Write,
                    deadline: None,
                });
            }
        }
    }

    fn ledger(&self, nodes: &[Node]) -> Ledger {
        let shard = |id: NodeId| match nodes.get(usize::from(id)) {
            Some(Node::Shard(s)) => Some(s),
            _ => None,
        };
        let mut amounts = Vec::new();
        if let Some(Node::Agent(bookings)) = nodes.first() {
            for (u, b) in bookings.iter().enumerate() {
                let name = format!("u{}", u + 1);
                amounts.push(Amount {
                    holder: format!("{name}'s account"),
                    value: i64::from(b.account),
                });
                amounts.push(Amount {
                    holder: format!("escrow for {name}"),
                    value: i64::from(b.escrow),
                });
                for id in [TRAIN, HOTEL] {
                    let Some(s) = shard(id) else { continue };
                    let sold = s.status.get(u) == Some(&Status::Sold);
                    let returned = s.returned & (1 << u) != 0;
                    let paid = b.paid & bit(id) != 0;
                    let refunded = b.refunded & bit(id) != 0;
                    let in_flight =
                        u8::from(paid && !sold && !returned) + u8::from(returned && !refunded);
                    amounts.push(Amount {
                        holder: format!("receipts in flight between ta and shard {id} for {name}"),
                        value: i64::from(in_flight * PRICE),
                    });
                }
            }
        }
        for id in [TRAIN, HOTEL] {
            if let Some(s) = shard(id) {
                let sold = s.status.iter().filter(|st| **st == Status::Sold).count();
                amounts.push(Amount {
                    holder: format!("takings of shard {id}"),
                    value: i64::try_from(sold).unwrap_or(i64::MAX) * i64::from(PRICE),
                });
            }
        }
        Ledger {
            supply: i64::from(self.users) * i64::from(WALLET),
            amounts,
        }
    }
}

impl Protocol for NearCallbacks {
    type Node = Node;
    type Msg = Msg;
    type Timer = ();
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        ["ta", "train", "hotel"].map(String::from).to_vec()
    }

    fn init(&self, id: NodeId, _out: &mut Effects<Self>) -> Node {
        if id == TA {
            Node::Agent(vec![
                Booking {
                    booked: false,
                    settled: false,
                    replies: [Reply::Awaited; 2],
                    account: WALLET,
                    escrow: 0,
                    paid: 0,
                    refunded: 0,
                };
                usize::from(self.users)
            ])
        } else {
            Node::Shard(Shard {
                status: vec![Status::None; usize::from(self.users)],
                returned: 0,
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
        match node {
            Node::Agent(bookings) => self.agent_receipt(bookings, from, *msg, out),
            Node::Shard(s) => self.shard_receipt(s, *msg, out),
        }
    }

    fn on_timer(&self, _id: NodeId, _node: &mut Node, _timer: &(), _out: &mut Effects<Self>) {}

    fn choices(&self, _id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        if let Node::Agent(bookings) = node {
            for (u, b) in bookings.iter().enumerate() {
                if !b.booked {
                    out.push(Choice::Book(u8::try_from(u).unwrap_or(u8::MAX)));
                }
            }
        }
    }

    fn on_choice(&self, _id: NodeId, node: &mut Node, choice: &Choice, out: &mut Effects<Self>) {
        let (Node::Agent(bookings), Choice::Book(u)) = (node, choice) else {
            return;
        };
        let Some(b) = bookings.get_mut(usize::from(*u)) else {
            return;
        };
        if b.booked || b.account < WALLET {
            return;
        }
        b.booked = true;
        b.account -= WALLET;
        b.escrow += WALLET;
        out.send(TRAIN, Msg::Reserve(*u));
        out.send(HOTEL, Msg::Reserve(*u));
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        for (i, n) in nodes.iter().enumerate() {
            if let Node::Shard(s) = n {
                self.observe_shard(NodeId::try_from(i).unwrap_or(NodeId::MAX), s, obs);
            }
        }
        obs.ledger = Some(self.ledger(nodes));
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::catalogue(&ATOMICITY),
            Property::catalogue(&ISOLATION),
            Property::catalogue(&CONSERVATION),
            Property::catalogue(&PROGRESS),
            Property::catalogue(&CAN_COMMIT),
            Property::catalogue(&CAN_ABORT),
        ]
    }
}

/// The default kernel configuration: NEAR's delivery (reliable, exactly once, unordered,
/// arbitrarily delayed): async time, no faults.
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        time: TimeMode::Async,
        delivery: Delivery::Unordered,
        ..KernelConfig::default()
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<NearCallbacks>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "the train-and-hotel booking on NEAR: asynchronous receipts, a callback \
                      joining both answers, compensation instead of rollback, several users \
                      booking at once",
            source: "near/NEPs RuntimeSpec Receipts.md, Refunds.md; docs.near.org Cross-Contract \
                     Calls, Reentrancy Attacks; PROTOCOLS.md 3.2, 7.5 S18",
            params: vec![ParamSpec {
                implicit_default: false,
                name: "users",
                default: 2,
                min: 1,
                max: 3,
                doc: "users booking the same train seat and hotel room, each once, at any time",
            }],
            kernel: Some(default_kernel()),
            notes: vec![
                "unheld-reserve with -p users=1: atomicity, isolation and conservation hold \
                 (the violations need a concurrent booking); can_abort is unwitnessed, as \
                 nothing can fail a lone booking",
                "isolation is judged on the locks strict two-phase locking would hold: a \
                 booking holds the item a shard reserved for it until it is decided there",
            ],
            catches: vec![
                "a reservation that does not hold the item, so the callback's purchase or compensation meets a concurrent booking: atomicity, isolation (two users)",
                "value lost or created by a failed purchase, its refund or a compensation: conservation",
            ],
            misses: vec![
                "loss and crashes: NEAR delivers every receipt exactly once and its shards do not stop (--loss 1 violates progress: a lost receipt leaves a booking undecided; --replay 1 changes no verdict, every receipt acting once)",
                "gas, callback spoofing, a cancel that fails for reasons of its own, more items per shard",
            ],
        }
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec::holds(
                Variant::Default,
                "default",
                "a reservation holds the item for the booking until the callback confirms or \
                 cancels it",
            ),
            VariantSpec::violates(
                Variant::UnheldReserve,
                "unheld-reserve",
                "a reservation holds nothing (S18): a concurrent booking buys first, the \
                 callback's purchase fails on one side and succeeds on the other",
                &[ATOMICITY.name, ISOLATION.name],
            ),
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<NearCallbacks>, ConfigError> {
        Ok(World::new(
            NearCallbacks {
                variant: c.variant,
                users: u8::try_from(c.param("users")).unwrap_or(2),
            },
            c.kernel(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(users: usize) -> Shard {
        Shard {
            status: vec![Status::None; users],
            returned: 0,
        }
    }

    #[test]
    fn a_held_item_refuses_a_second_reservation_an_unheld_one_does_not() {
        for (variant, second) in [
            (Variant::Default, Status::Failed),
            (Variant::UnheldReserve, Status::Reserved),
        ] {
            let p = NearCallbacks { variant, users: 2 };
            let mut s = shard(2);
            p.shard_receipt(&mut s, Msg::Reserve(0), &mut Effects::new(0));
            let mut out = Effects::new(0);
            p.shard_receipt(&mut s, Msg::Reserve(1), &mut out);
            assert_eq!(s.status, [Status::Reserved, second], "{variant:?}");
            assert_eq!(out.sent(), [(TA, Msg::Data(1, second == Status::Reserved))]);
        }
    }

    #[test]
    fn a_purchase_of_a_sold_item_fails_and_returns_the_payment() {
        let p = NearCallbacks {
            variant: Variant::UnheldReserve,
            users: 2,
        };
        let mut s = shard(2);
        for u in 0..2 {
            p.shard_receipt(&mut s, Msg::Reserve(u), &mut Effects::new(0));
        }
        p.shard_receipt(&mut s, Msg::Confirm(1), &mut Effects::new(0));
        let mut out = Effects::new(0);
        p.shard_receipt(&mut s, Msg::Confirm(0), &mut out);
        assert_eq!(s.status, [Status::Failed, Status::Sold]);
        assert_eq!((s.returned, out.sent()), (1, vec![(TA, Msg::Refund(0))]));
    }

    #[test]
    fn the_callback_compensates_the_side_that_reserved_and_refunds_the_user() {
        let p = NearCallbacks {
            variant: Variant::Default,
            users: 1,
        };
        let mut bookings = vec![Booking {
            booked: true,
            settled: false,
            replies: [Reply::Awaited; 2],
            account: 0,
            escrow: WALLET,
            paid: 0,
            refunded: 0,
        }];
        p.agent_receipt(
            &mut bookings,
            TRAIN,
            Msg::Data(0, true),
            &mut Effects::new(0),
        );
        let mut out = Effects::new(0);
        p.agent_receipt(&mut bookings, HOTEL, Msg::Data(0, false), &mut out);
        assert_eq!(out.sent(), [(TRAIN, Msg::Cancel(0))]);
        assert_eq!((bookings[0].account, bookings[0].escrow), (WALLET, 0));
    }
}
