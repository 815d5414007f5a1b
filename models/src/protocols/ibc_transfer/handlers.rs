//! The handlers of the `ibc-transfer` model: ICS-004's packet handlers on both chains with
//! ICS-020's escrow, mint and refund callbacks, and the flawed variants' departures from them.

use xshard_properties::Event;

use super::{Dest, IbcTransfer, Msg, Packet, Recv, Source, Timer, Variant, A, B};
use crate::kernel::Effects;

type Out = Effects<IbcTransfer>;

impl IbcTransfer {
    /// Whether chain-a still stores the packet commitment of a packet in this status: the
    /// check `timeoutPacket` and `acknowledgePacket` make before they act.
    fn commitment(&self, p: Packet) -> bool {
        match p {
            Packet::Committed { .. } => true,
            // The flaw: the refund ran, the commitment is deleted only when the callback returns.
            Packet::Refunded => self.variant == Variant::RefundBeforeDelete,
            Packet::Unsent | Packet::Acked | Packet::Deleted | Packet::TimedOut => false,
        }
    }

    /// `sendFungibleTokens` + `sendPacket` (a user's choice on chain-a): escrow one token,
    /// store the commitment and let the relayer carry it; the time-out is a tick on chain-b.
    pub(super) fn send(&self, a: &mut Source, out: &mut Out) {
        let seq = a.sent;
        let Some(slot) = a.packets.get_mut(usize::from(seq)) else {
            return;
        };
        let timeout = out.now() + self.timeout;
        let expires = if self.variant == Variant::SenderClockTimeout {
            // The flaw's own copy of the deadline, judged on chain-a's clock.
            out.set_timer(Timer::Expire(seq), self.timeout);
            timeout
        } else {
            0
        };
        *slot = Packet::Committed { expires };
        a.sent += 1;
        a.balance -= 1;
        out.send(B, Msg::Packet { seq, timeout });
    }

    /// chain-a handles a proof relayed from chain-b.
    pub(super) fn source_message(&self, a: &mut Source, msg: Msg, out: &mut Out) {
        match msg {
            // `acknowledgePacket`: the channel is open and the commitment present; delete it.
            // ICS-020's `onAcknowledgePacket` does nothing more on a success acknowledgement.
            Msg::Ack { seq } => {
                let Some(p) = a.packets.get_mut(usize::from(seq)) else {
                    return;
                };
                if a.open && matches!(p, Packet::Committed { .. }) {
                    *p = Packet::Acked;
                    out.cancel_timer(Timer::Expire(seq));
                }
            }
            // `timeoutPacket`: the channel is open and the commitment present, and the proof
            // says chain-b passed the time-out without the packet (the message carries that
            // fact). An ordered channel closes, and the relayer carries the closing to chain-b.
            Msg::Timeout { seq } => {
                let present = a
                    .packets
                    .get(usize::from(seq))
                    .is_some_and(|&p| self.commitment(p));
                if a.open && present {
                    self.time_out(a, seq, out);
                    if self.variant == Variant::Ordered {
                        a.open = false;
                        out.send(B, Msg::Close);
                    }
                }
            }
            // `timeoutOnClose`, once per packet still committed from `next_recv` on: chain-b's
            // end is closed and nothing from there on was received.
            Msg::Closed { next_recv } => {
                for seq in next_recv..a.sent {
                    if a.packets
                        .get(usize::from(seq))
                        .is_some_and(|&p| self.commitment(p))
                    {
                        self.time_out(a, seq, out);
                    }
                }
            }
            Msg::Packet { .. } | Msg::Close => {}
        }
    }

    /// A time-out is accepted for `seq`. The correct order deletes the commitment and then
    /// runs `onTimeoutPacket` (the refund) as its own step; the flaw refunds first and deletes
    /// when the callback returns, a step later, leaving the commitment there meanwhile.
    fn time_out(&self, a: &mut Source, seq: u8, out: &mut Out) {
        let Some(p) = a.packets.get_mut(usize::from(seq)) else {
            return;
        };
        out.cancel_timer(Timer::Expire(seq));
        if self.variant == Variant::RefundBeforeDelete {
            *p = Packet::Refunded;
            a.balance += 1;
            out.record(Event::Refund { tx: seq, shard: A });
        } else {
            *p = Packet::Deleted;
        }
        out.set_timer(Timer::Callback(seq), 0);
    }

    /// chain-a's timers: the callback returning, and the flawed sender-side expiry.
    pub(super) fn source_timer(&self, a: &mut Source, timer: Timer, out: &mut Out) {
        match timer {
            Timer::Callback(seq) => {
                let Some(p) = a.packets.get_mut(usize::from(seq)) else {
                    return;
                };
                match *p {
                    // `refundTokens`: unescrow to the sender.
                    Packet::Deleted => {
                        *p = Packet::TimedOut;
                        a.balance += 1;
                        out.record(Event::Refund { tx: seq, shard: A });
                    }
                    // The flawed callback returns: only now is the commitment deleted.
                    Packet::Refunded => *p = Packet::TimedOut,
                    _ => {}
                }
            }
            // The flaw of `sender-clock-timeout`: no acknowledgement by the time-out on
            // chain-a's own clock counts as a time-out, with no proof from chain-b.
            Timer::Expire(seq) => {
                if a.packets
                    .get(usize::from(seq))
                    .is_some_and(|p| matches!(p, Packet::Committed { .. }))
                {
                    self.time_out(a, seq, out);
                }
            }
        }
    }

    /// chain-b handles a datagram relayed from chain-a.
    pub(super) fn dest_message(&self, b: &mut Dest, msg: Msg, out: &mut Out) {
        match msg {
            Msg::Packet { seq, timeout } => self.recv(b, seq, timeout, out),
            // `chanCloseConfirm`: chain-a's end is closed; close ours, and the relayer proves
            // it (with `nextSequenceRecv`) back to chain-a for `timeoutOnClose`.
            Msg::Close => {
                if b.open {
                    b.open = false;
                    out.send(
                        A,
                        Msg::Closed {
                            next_recv: b.next_recv,
                        },
                    );
                }
            }
            Msg::Ack { .. } | Msg::Timeout { .. } | Msg::Closed { .. } => {}
        }
    }

    /// `recvPacket` on chain-b, or, past the time-out, the proof of non-receipt the relayer
    /// reads off chain-b's state instead.
    fn recv(&self, b: &mut Dest, seq: u8, timeout: u32, out: &mut Out) {
        let Some(&status) = b.packets.get(usize::from(seq)) else {
            return;
        };
        let received = status == Recv::Received;
        let in_time = out.now() < timeout;
        if !b.open {
            // A closed channel end receives nothing.
            if in_time && !received {
                b.packets[usize::from(seq)] = Recv::Refused;
            }
            return;
        }
        let ordered = self.variant == Variant::Ordered;
        if in_time {
            let next = !ordered || seq == b.next_recv;
            if next && !received {
                // The replay protection: a receipt (unordered) or the sequence (ordered).
                b.packets[usize::from(seq)] = Recv::Received;
                b.next_recv += u8::from(ordered);
                b.vouchers += 1;
                out.record(Event::Create {
                    object: seq,
                    shard: B,
                });
                out.send(A, Msg::Ack { seq });
            } else if ordered && seq > b.next_recv {
                // Out of order: an earlier packet is missing, and on an ordered channel it
                // can only have timed out (or been lost).
                b.packets[usize::from(seq)] = Recv::Refused;
            }
        } else if !received && (!ordered || b.next_recv <= seq) {
            // Past the time-out without the packet: it can never be received, which is the
            // fact the proof of non-receipt (or of `nextSequenceRecv <= seq`) carries.
            b.packets[usize::from(seq)] = Recv::Expired;
            // A proof in flight already stands for this one (a replayed packet proves it again).
            out.resend(A, Msg::Timeout { seq });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(variant: Variant) -> IbcTransfer {
        IbcTransfer {
            variant,
            transfers: 2,
            timeout: 1,
            delta: 1,
        }
    }

    fn source(p: &IbcTransfer) -> Source {
        Source {
            balance: p.transfers,
            sent: 0,
            open: true,
            packets: vec![Packet::Unsent; usize::from(p.transfers)],
        }
    }

    fn dest(p: &IbcTransfer) -> Dest {
        Dest {
            vouchers: 0,
            next_recv: 0,
            open: true,
            packets: vec![Recv::None; usize::from(p.transfers)],
        }
    }

    #[test]
    fn the_destination_receives_in_time_once_and_proves_non_receipt_after() {
        let p = model(Variant::Default);
        let mut b = dest(&p);
        let mut out = Effects::new(0);
        p.recv(&mut b, 0, 1, &mut out);
        p.recv(&mut b, 0, 1, &mut out);
        assert_eq!((b.vouchers, b.packets[0]), (1, Recv::Received));
        assert_eq!(out.sent(), [(A, Msg::Ack { seq: 0 })]);
        let mut out = Effects::new(1);
        p.recv(&mut b, 0, 1, &mut out);
        p.recv(&mut b, 1, 1, &mut out);
        assert_eq!(b.packets[1], Recv::Expired);
        assert_eq!(out.sent(), [(A, Msg::Timeout { seq: 1 })]);
    }

    #[test]
    fn the_correct_time_out_deletes_before_the_refund_and_a_second_proof_does_nothing() {
        let p = model(Variant::Default);
        let mut a = source(&p);
        p.send(&mut a, &mut Effects::new(0));
        let mut out = Effects::new(1);
        p.source_message(&mut a, Msg::Timeout { seq: 0 }, &mut out);
        assert_eq!((a.packets[0], a.balance), (Packet::Deleted, 1));
        p.source_message(&mut a, Msg::Timeout { seq: 0 }, &mut out);
        p.source_timer(&mut a, Timer::Callback(0), &mut out);
        assert_eq!((a.packets[0], a.balance), (Packet::TimedOut, 2));
        assert_eq!(out.recorded(), [Event::Refund { tx: 0, shard: A }]);
    }

    #[test]
    fn the_flawed_callback_refunds_again_on_a_re_entrant_proof() {
        let p = model(Variant::RefundBeforeDelete);
        let mut a = source(&p);
        p.send(&mut a, &mut Effects::new(0));
        let mut out = Effects::new(1);
        p.source_message(&mut a, Msg::Timeout { seq: 0 }, &mut out);
        p.source_message(&mut a, Msg::Timeout { seq: 0 }, &mut out);
        assert_eq!((a.packets[0], a.balance), (Packet::Refunded, 3));
        p.source_timer(&mut a, Timer::Callback(0), &mut out);
        p.source_message(&mut a, Msg::Timeout { seq: 0 }, &mut out);
        assert_eq!((a.packets[0], a.balance), (Packet::TimedOut, 3));
    }

    #[test]
    fn an_ordered_channel_refuses_a_later_packet_and_closes_on_a_time_out() {
        let p = model(Variant::Ordered);
        let mut b = dest(&p);
        let mut out = Effects::new(1);
        p.recv(&mut b, 0, 1, &mut out);
        p.recv(&mut b, 1, 2, &mut out);
        assert_eq!(b.packets, [Recv::Expired, Recv::Refused]);
        let mut a = source(&p);
        p.send(&mut a, &mut Effects::new(0));
        p.send(&mut a, &mut Effects::new(1));
        let mut out = Effects::new(1);
        p.source_message(&mut a, Msg::Timeout { seq: 0 }, &mut out);
        assert!(!a.open);
        assert_eq!(out.sent(), [(B, Msg::Close)]);
        p.dest_message(&mut b, Msg::Close, &mut out);
        p.source_message(&mut a, Msg::Closed { next_recv: 0 }, &mut out);
        assert_eq!(a.packets, [Packet::Deleted, Packet::Deleted]);
    }
}
