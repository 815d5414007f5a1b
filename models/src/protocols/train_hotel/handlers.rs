//! The handlers of the `train-hotel` model: the train and hotel shards and the escrow shard.

use xshard_properties::{Event, NodeId};

use super::{Escrow, Item, Msg, Phase, Timer, TrainHotel, Variant, PRICE};
use crate::kernel::Effects;
use crate::mutant;

type Out = Effects<TrainHotel>;

/// Both resource shards.
const BOTH: u8 = 0b11;

impl TrainHotel {
    /// Shard `id`'s request of booking `b` on a message from the booking's escrow shard. The
    /// caller disarms the shard's one `Expire` timer once no request is left unheld.
    pub(super) fn shard_message(
        &self,
        id: NodeId,
        b: u8,
        item: &mut Item,
        msg: Msg,
        out: &mut Out,
    ) {
        let escrow = Self::escrow(b);
        match (msg, *item) {
            (Msg::Reserve, Item::Idle) => {
                *item = Item::Asked;
                // The request carries the deadline: unheld at D, it expires.
                let now = out.now();
                out.set_timer(Timer::Expire, self.deadline.saturating_sub(now));
            }
            (Msg::Commit, Item::Held) => {
                *item = Item::Sold;
                out.cancel_timer(Timer::HoldTimeout(b));
                out.send(escrow, Msg::Sold);
            }
            (Msg::Abort, Item::Held) => {
                *item = Item::Released;
                out.record(Event::Revert { tx: b, shard: id });
                out.cancel_timer(Timer::HoldTimeout(b));
            }
            (Msg::Abort, Item::Idle | Item::Asked) => {
                // Seeded bug: the expiry is cancelled but the request is not marked expired.
                if mutant::on("train-hotel/abort-forgets-request") {
                    out.cancel_timer(Timer::Expire);
                } else {
                    *item = Item::Expired;
                }
            }
            _ => {}
        }
    }

    /// Booking `b`'s request is held (the caller disarms `Expire` once none is unheld).
    pub(super) fn hold(&self, b: u8, item: &mut Item, out: &mut Out) {
        if *item != Item::Asked {
            return;
        }
        *item = Item::Held;
        out.send(Self::escrow(b), Msg::Held);
        if self.variant == Variant::NaiveTimeout {
            out.set_timer(Timer::HoldTimeout(b), self.hold);
        }
    }

    pub(super) fn shard_timer(id: NodeId, items: &mut [Item], timer: Timer, out: &mut Out) {
        match timer {
            // Every booking shares D: each request still unheld expires.
            Timer::Expire => {
                for item in items.iter_mut().filter(|i| **i == Item::Asked) {
                    *item = Item::Expired;
                }
            }
            Timer::HoldTimeout(b) => {
                if let Some(item) = items.get_mut(usize::from(b)) {
                    if *item == Item::Held {
                        *item = Item::Released;
                        out.record(Event::Revert { tx: b, shard: id });
                    }
                }
            }
            Timer::Deadline => {}
        }
    }

    pub(super) fn escrow_message(&self, e: &mut Escrow, from: NodeId, msg: Msg, out: &mut Out) {
        let bit = 1u8 << from;
        match msg {
            Msg::Held if e.phase == Phase::Open => {
                e.held |= bit;
                // Seeded bug: commit on the first hold proof.
                if e.held == BOTH || mutant::on("train-hotel/commit-on-one-hold") {
                    e.phase = Phase::Committed;
                    // Seeded bug: the payment receipts are minted without debiting the escrow.
                    if !mutant::on("train-hotel/mint-without-debit") {
                        e.escrow -= 2 * PRICE;
                    }
                    e.receipts = BOTH;
                    out.send(0, Msg::Commit);
                    // Seeded bug (copy and paste): the hotel's Commit goes to the train.
                    let hotel = u8::from(!mutant::on("train-hotel/commit-copy-paste"));
                    out.send(hotel, Msg::Commit);
                    // Seeded mutant (equivalent): the deadline is left armed; its handler acts
                    // only on an open booking, so it fires as a no-op.
                    let keep = mutant::on("train-hotel/keep-deadline-after-commit");
                    if self.variant != Variant::SenderClockTimeout && !keep {
                        out.cancel_timer(Timer::Deadline);
                    }
                }
            }
            Msg::Sold if self.variant == Variant::SenderClockTimeout => e.sold |= bit,
            _ => {}
        }
    }

    pub(super) fn escrow_deadline(&self, id: NodeId, e: &mut Escrow, out: &mut Out) {
        let flawed_refund = self.variant == Variant::SenderClockTimeout
            && e.phase == Phase::Committed
            && e.sold != BOTH;
        if e.phase == Phase::Open || flawed_refund {
            // Refund the user: the escrow, and (the flaw) the cancelled payment receipts.
            let cancelled = u8::try_from(e.receipts.count_ones()).unwrap_or(0) * PRICE;
            e.user += e.escrow + cancelled;
            // Seeded bug: the refund does not empty the escrow.
            if !mutant::on("train-hotel/refund-keeps-escrow") {
                e.escrow = 0;
            }
            e.receipts = 0;
            e.phase = Phase::Reverted;
            out.record(Event::Refund {
                tx: Self::booking_of(id),
                shard: id,
            });
            out.send(0, Msg::Abort);
            out.send(1, Msg::Abort);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ESCROW;
    use super::*;

    fn model(variant: Variant) -> TrainHotel {
        TrainHotel::new(variant, 2, 1)
    }

    fn open() -> Escrow {
        Escrow {
            phase: Phase::Open,
            held: 0,
            sold: 0,
            receipts: 0,
            escrow: 2 * PRICE,
            user: 0,
        }
    }

    #[test]
    fn the_escrow_commits_on_both_holds_and_then_never_refunds() {
        let p = model(Variant::Default);
        let mut e = open();
        let mut out = Effects::new(0);
        p.escrow_message(&mut e, 0, Msg::Held, &mut out);
        assert_eq!(e.phase, Phase::Open);
        p.escrow_message(&mut e, 1, Msg::Held, &mut out);
        assert_eq!((e.phase, e.escrow, e.receipts), (Phase::Committed, 0, BOTH));
        let mut out = Effects::new(2);
        p.escrow_deadline(ESCROW, &mut e, &mut out);
        assert_eq!((e.phase, e.user), (Phase::Committed, 0));
        assert!(out.sends.is_empty());
    }

    #[test]
    fn the_sender_clock_flaw_refunds_a_committed_booking() {
        let p = model(Variant::SenderClockTimeout);
        let mut e = open();
        let mut out = Effects::new(0);
        p.escrow_message(&mut e, 0, Msg::Held, &mut out);
        p.escrow_message(&mut e, 1, Msg::Held, &mut out);
        p.escrow_message(&mut e, 0, Msg::Sold, &mut out);
        let mut out = Effects::new(2);
        p.escrow_deadline(ESCROW, &mut e, &mut out);
        assert_eq!((e.phase, e.user, e.receipts), (Phase::Reverted, 2, 0));
    }

    #[test]
    fn shards_revert_only_on_the_escrow_decision_unless_naive() {
        for (variant, armed) in [(Variant::Default, false), (Variant::NaiveTimeout, true)] {
            let p = model(variant);
            let mut item = Item::Asked;
            let mut out = Effects::new(0);
            p.hold(0, &mut item, &mut out);
            assert_eq!(item, Item::Held);
            assert_eq!(
                out.arm.iter().any(|(t, _)| *t == Timer::HoldTimeout(0)),
                armed,
                "{variant:?}"
            );
            p.shard_message(0, 0, &mut item, Msg::Abort, &mut out);
            assert_eq!(item, Item::Released);
            assert_eq!(out.recorded(), [Event::Revert { tx: 0, shard: 0 }]);
        }
    }
}
