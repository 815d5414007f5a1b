//! `ibc-transfer`: Cosmos IBC packets (ICS-004) carrying fungible token transfers (ICS-020)
//! between two chains, with time-outs proven on the receiving chain, in clocked time.
//!
//! Sources: ICS-004 "Channel & Packet Semantics" (cosmos/ibc, `spec/core/ics-004-channel-and-
//! packet-semantics`: `sendPacket`, `recvPacket`, `acknowledgePacket`, `timeoutPacket`,
//! `timeoutOnClose`, "Timeouts", "Ordering"); ICS-020 "Fungible Token Transfer"
//! (`sendFungibleTokens`, `onRecvPacket`, `onAcknowledgePacket`, `onTimeoutPacket`,
//! `refundTokens`); PROTOCOLS.md §6.3 (the steps, invariants I-1 to I-4, the known bugs) and
//! §7.5 scenarios S15, S16, S17; the time-out re-entrancy disclosed by Asymmetric Research
//! (Cosmos bug bounty, April 2024), PROTOCOLS.md §6.3 known bug 2.
//!
//! # Encoding
//!
//! Two nodes: `chain-a` (the token's native chain: users' balances and the transfer module's
//! escrow) and `chain-b` (where vouchers are minted), one channel between them.
//!
//! - A user on chain-a sends one token (a choice, each of `transfers` users once, while the
//!   channel is open): `sendFungibleTokens` escrows it and `sendPacket` stores the packet
//!   commitment (sequence `seq = nextSequenceSend++`) with a time-out `timeout` ticks ahead
//!   on chain-b's clock.
//! - Relayers are the kernel's network: the packet datagram goes to chain-b, the proofs go
//!   back. A light-client proof is abstracted as a message carrying a fact the other chain
//!   committed, which the receiver trusts (it cannot be forged; it can be lost, replayed and
//!   reordered by the kernel's budgets): the packet commitment (`Packet`), the written
//!   acknowledgement (`Ack`), the absence of a receipt at a height past the time-out (or, on an
//!   ordered channel, `nextSequenceRecv <= seq`) (`Timeout`), a channel end closed (`Close`,
//!   and `Closed` with `nextSequenceRecv` for `timeoutOnClose`).
//! - chain-b on a packet before its time-out (`now < timeout`): `recvPacket` with replay
//!   protection (a receipt; ordered: `seq == nextSequenceRecv`), `onRecvPacket` mints a voucher
//!   and writes the acknowledgement, which the relayer proves to chain-a. At or past the
//!   time-out the packet can never be received there, and the relayer proves that instead.
//!   Chain heights and timestamps are the kernel's clock `now` on both chains.
//! - chain-a on an acknowledgement: `acknowledgePacket` deletes the commitment (ICS-020 does
//!   nothing more on success). On a proof of non-receipt: `timeoutPacket` checks the
//!   commitment is still there, deletes it, and `onTimeoutPacket` refunds the escrowed token
//!   (`refundTokens`). The callback is a step of its own (it hands control to application
//!   code, where a contract may re-enter), so a second submission of the same proof — the
//!   kernel's replay, a second relayer or the re-entering contract — can land while it runs;
//!   deleting the commitment first makes that submission fail.
//!
//! Correctness of the default (argument, ICS-004 "Timeouts / packet confirmation": there is
//! no race, a packet either passed its time-out before receipt or not). chain-b receives only
//! before the time-out and proves non-receipt only at or after it, each as a function of its
//! own state and clock, so a packet is received or timed out, never both (I-1: `atomicity`);
//! the receipt or sequence makes receipt at most once (I-2: `no_double_create`); the
//! commitment is deleted in the step that accepts a proof, so a refund happens at most once
//! and only for a packet not received (I-3, TR1/TR2: `timeout_revert`); hence value is
//! conserved. Safety needs no synchrony; time only decides which of the two happens.
//!
//! # Properties
//!
//! - `conservation`, the ICS-020 supply invariant made precise: the supply is the `transfers`
//!   tokens chain-a's users hold at the start. The ledger holds chain-a's balances, chain-b's
//!   vouchers, and the escrowed tokens that back no voucher: one per packet committed and not
//!   received, and one per packet whose commitment a time-out deleted and whose refund is
//!   due. Every handler moves a token between a balance and the escrow on chain-a, so
//!   balances plus escrow is the supply by construction; the ledger adds up to the supply
//!   exactly when the escrow equals the vouchers plus the in-flight and refund-due packets,
//!   Informal Systems' `ICS20Inv` (PROTOCOLS.md §6.3, "escrow(d) on the native chain =
//!   in-flight amounts + vouchers"). A voucher minted and a refund paid for one packet is
//!   one token too many.
//! - `atomicity` (I-1): a packet received on chain-b (committed) and timed out on chain-a
//!   (reverted). `timeout_revert` (I-3, TR1/TR2): a refund only for a packet received
//!   nowhere, at most once (each refund is a `Refund` event in the kernel's history).
//!   `no_double_create` (I-2): a voucher mint is the creation of object `seq` on chain-b.
//! - `timely_receipt` (the model's own): no packet relayed to chain-b before its time-out is
//!   refused there for good, by a closed channel end or by an ordered channel that waits for
//!   a packet that timed out (a packet refused because an earlier one is still on its way,
//!   as after a relayer's out-of-order submission, may yet be received). It holds on an
//!   unordered channel and is what an ordered channel gives up (S17).
//! - `progress`: every packet ends acknowledged or refunded on chain-a and received, timed
//!   out or closed out on chain-b, at rest. Witnesses: `can_commit` (a transfer completes:
//!   received and acknowledged) and `can_abort` (a refund: timed out on both chains; declared
//!   when a time-out can happen, `timeout <= delta`), `closed_after_timeout` (`ordered`).
//!
//! Outcomes per packet: on chain-a pending (unsent), locked (committed), committed
//! (acknowledged), reverted (commitment deleted by a time-out, refunded or about to be);
//! on chain-b pending, committed (received), aborted (seen past its time-out, or its channel
//! end closed). An unsent packet on a closed channel is aborted on both.
//!
//! # Variants
//!
//! - `sender-clock-timeout` (S15, ICS-004 "Timeouts": "an obvious attack vector for a double
//!   spend"): chain-a times a packet out on its own clock when no acknowledgement came by the
//!   time-out, without a proof from chain-b. Send; chain-b receives (mints); the clock
//!   reaches the time-out before the acknowledgement lands: the commitment is deleted
//!   (`atomicity`, `conservation`, 4 steps: 3 plus a tick) and the token refunded
//!   (`timeout_revert`, 5).
//! - `refund-before-delete` (S16, the 2024 re-entrancy): `onTimeoutPacket` refunds before the
//!   commitment is deleted, which happens when the callback returns. A second submission of
//!   the proof while the callback runs (the kernel's one replay) passes the commitment check
//!   and refunds again: `timeout_revert` (refunded twice) and `conservation`. With `--replay
//!   0` it holds: the re-entry is the replay.
//! - `ordered` (S17, ICS-004 "Ordering", an ordered channel on FIFO links): once a packet
//!   times out, `nextSequenceRecv` stays below every later packet, so chain-b refuses them
//!   even when relayed in time (`timely_receipt` violated), the time-out closes chain-a's end,
//!   the closing is confirmed on chain-b and the later packets are refunded by
//!   `timeoutOnClose`. The witness `closed_after_timeout` shows the whole of S17: both ends
//!   CLOSED, a later packet refused in time and refunded. Everything else holds: this is the
//!   price of ordering, not a bug. Its defaults relay in order (FIFO links, no replay). With
//!   `--replay 1` a relayer may submit out of order, and one more thing breaks: packet 1's
//!   time-out submitted before packet 0's acknowledgement closes chain-a's end, after which
//!   `acknowledgePacket` (which requires an OPEN channel) refuses that acknowledgement, so
//!   packet 0's commitment is never deleted: `progress` violated (6 steps; no value is lost,
//!   its escrow backs its voucher).
//!
//! # Failure model and abstractions
//!
//! Chains are correct (PROTOCOLS.md §6.3: "chains are correct and live"); relayers are the
//! network: the default replays one datagram (a redundant relayer, or a re-entering
//! contract), and delays each by at most Δ, so a packet reaches chain-b in time or late
//! (`timeout` = Δ = 1: both happen). With `--loss 1` safety still holds, but a lost
//! datagram is never relayed again (the model's relayer acts once per datagram), so the
//! transfer never completes: `progress` is violated, the liveness assumption "at least one
//! live relayer" made visible. Both chains may crash (a halted chain) and keep their whole
//! state, which is what proofs are made against; a recovered chain-a re-arms a pending
//! callback (and the flawed variant's expiry at its absolute tick). Abstracted away: Merkle
//! proofs and light clients (a proof is its fact), error acknowledgements (chain-b's
//! `onRecvPacket` always succeeds), amounts other than 1, transfers back from chain-b
//! (burning vouchers), the channel handshake (the channel starts open), relayer fees and
//! identities, heights distinct from timestamps.
//!
//! No symmetry: the two chains have different roles.
//!
//! What a check at the defaults can and cannot catch is declared in the entry
//! (`ModelInfo::catches`, `ModelInfo::misses`) and printed by `xshard list`.

mod handlers;

use serde::Serialize;
use xshard_properties::{
    Amount, Kind, Ledger, NodeId, Observation, Outcome, ATOMICITY, CAN_ABORT, CAN_COMMIT,
    CONSERVATION, NO_DOUBLE_CREATE, PROGRESS, TIMEOUT_REVERT,
};

use crate::entry::{Config, ConfigError, ModelEntry, ModelInfo, ParamSpec, VariantSpec};
use crate::kernel::{Delivery, Effects, KernelConfig, Property, Protocol, TimeMode, World};

/// The registry name.
pub const NAME: &str = "ibc-transfer";

/// chain-a, the token's native chain (sender).
pub const A: NodeId = 0;
/// chain-b, where vouchers are minted (receiver).
pub const B: NodeId = 1;

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// `default`: an unordered channel; time-outs proven on chain-b; the commitment deleted
    /// before the refund callback runs.
    Default,
    /// `sender-clock-timeout`: chain-a times out on its own clock without a proof (S15).
    SenderClockTimeout,
    /// `refund-before-delete`: the refund callback runs before the commitment is deleted, so
    /// a re-entrant time-out refunds again (S16).
    RefundBeforeDelete,
    /// `ordered`: an ordered channel; one time-out closes it and strands later packets (S17).
    Ordered,
}

/// chain-a's record of one packet (its sequence number is its index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Packet {
    /// Not sent yet.
    Unsent,
    /// The commitment is stored and the token escrowed. `expires`: the flawed
    /// `sender-clock-timeout`'s own deadline on chain-a's clock (0 in the other variants).
    Committed {
        /// The tick at which `sender-clock-timeout` times the packet out unacknowledged.
        expires: u32,
    },
    /// Acknowledged: the commitment deleted, the transfer complete.
    Acked,
    /// Timed out: the commitment deleted, the refund callback about to run.
    Deleted,
    /// `refund-before-delete`: refunded, the commitment still stored until the callback
    /// returns.
    Refunded,
    /// Timed out: the commitment deleted and the token refunded.
    TimedOut,
}

/// chain-b's record of one packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recv {
    /// Nothing known of it.
    None,
    /// Received: the receipt written (or `nextSequenceRecv` passed it), a voucher minted.
    Received,
    /// Relayed at or past its time-out unreceived: it can never be received.
    Expired,
    /// Relayed before its time-out and refused (out of order, or the channel end closed).
    Refused,
}

/// chain-a: users' balances, the channel end and the packet commitments.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Source {
    /// Tokens in users' accounts (the escrow holds the rest of the supply).
    pub balance: u8,
    /// `nextSequenceSend`: packets sent so far.
    pub sent: u8,
    /// The channel end is OPEN (an ordered channel closes on a time-out).
    pub open: bool,
    /// Each packet's record, by sequence number.
    pub packets: Vec<Packet>,
}

/// chain-b: vouchers, the channel end and the receipts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Dest {
    /// Vouchers minted (held by the receivers).
    pub vouchers: u8,
    /// `nextSequenceRecv` (ordered channel; stays 0 on an unordered one).
    pub next_recv: u8,
    /// The channel end is OPEN.
    pub open: bool,
    /// Each packet's record, by sequence number.
    pub packets: Vec<Recv>,
}

/// A node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// `chain-a`.
    Source(Source),
    /// `chain-b`.
    Dest(Dest),
}

/// A datagram a relayer submits, with the fact its proof establishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// To chain-b: packet `seq`'s commitment on chain-a, with its time-out tick on chain-b.
    Packet {
        /// The sequence number.
        seq: u8,
        /// The time-out: chain-b receives it only before this tick.
        timeout: u32,
    },
    /// To chain-a: chain-b wrote the acknowledgement of `seq`.
    Ack {
        /// The sequence number.
        seq: u8,
    },
    /// To chain-a: chain-b, at a height past `seq`'s time-out, has not received it.
    Timeout {
        /// The sequence number.
        seq: u8,
    },
    /// To chain-b: chain-a's channel end is CLOSED (`chanCloseConfirm`).
    Close,
    /// To chain-a: chain-b's channel end is CLOSED with this `nextSequenceRecv`.
    Closed {
        /// chain-b's `nextSequenceRecv`: packets from it on were never received.
        next_recv: u8,
    },
}

/// A timer of chain-a.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// The time-out callback of packet `seq` runs (correct order) or returns (the flaw).
    Callback(u8),
    /// `sender-clock-timeout`: packet `seq`'s time-out on chain-a's own clock.
    Expire(u8),
}

/// A user's choice on chain-a.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// Transfer one token to chain-b.
    Send,
}

/// The protocol.
#[derive(Clone, Debug)]
pub struct IbcTransfer {
    /// Which variant is modelled.
    pub variant: Variant,
    /// Transfers of one token (the supply).
    pub transfers: u8,
    /// Ticks after sending at which a packet times out on chain-b.
    pub timeout: u32,
    /// The kernel's Δ: whether a packet can arrive late decides which witnesses apply.
    pub delta: u32,
}

/// The name of `timely_receipt`.
pub const TIMELY_RECEIPT_NAME: &str = "timely_receipt";
/// The name of `closed_after_timeout`.
pub const CLOSED_AFTER_TIMEOUT_NAME: &str = "closed_after_timeout";

/// No packet relayed to chain-b before its time-out is refused there for good.
pub const TIMELY_RECEIPT: Property<IbcTransfer> = Property::new(
    TIMELY_RECEIPT_NAME,
    Kind::Always,
    "no packet relayed to chain-b before its time-out is refused there for good (by a closed \
     channel end, or an ordered channel waiting for a packet that timed out)",
    find_refused,
);

/// S17's witness: a time-out closed the ordered channel on both chains, and a later packet,
/// relayed in time, was refused and refunded.
pub const CLOSED_AFTER_TIMEOUT: Property<IbcTransfer> = Property::new(
    CLOSED_AFTER_TIMEOUT_NAME,
    Kind::Sometimes,
    "a packet timed out, the channel is CLOSED on both chains, and a later packet relayed in \
     time was refused by chain-b and refunded on chain-a",
    find_closed_after_timeout,
);

fn chains(nodes: &[Node]) -> Option<(&Source, &Dest)> {
    match nodes {
        [Node::Source(a), Node::Dest(b)] => Some((a, b)),
        _ => None,
    }
}

fn find_refused(_: &IbcTransfer, nodes: &[Node], _: &Observation) -> Option<String> {
    let (_, b) = chains(nodes)?;
    // A refusal for good: the channel end is closed, or the packet the ordered channel waits
    // for timed out. A packet refused only because an earlier one has not arrived yet (a
    // relayer that submits out of order) may still be received.
    let waits_for_expired = b.packets.get(usize::from(b.next_recv)) == Some(&Recv::Expired);
    if b.open && !waits_for_expired {
        return None;
    }
    let seq = b.packets.iter().position(|&r| r == Recv::Refused)?;
    let why = if b.open {
        format!(
            "the channel is ordered and waits for packet {}, which timed out",
            b.next_recv
        )
    } else {
        "its channel end is closed".to_string()
    };
    Some(format!(
        "chain-b refused packet {seq}, relayed before its time-out, for good: {why}"
    ))
}

fn find_closed_after_timeout(_: &IbcTransfer, nodes: &[Node], _: &Observation) -> Option<String> {
    let (a, b) = chains(nodes)?;
    if a.open || b.open {
        return None;
    }
    let first = b.packets.iter().position(|&r| r == Recv::Expired)?;
    let later = (first + 1..b.packets.len())
        .find(|&s| b.packets[s] == Recv::Refused && a.packets.get(s) == Some(&Packet::TimedOut))?;
    Some(format!(
        "packet {first} timed out and closed the ordered channel on both chains; packet \
         {later}, relayed in time, was refused by chain-b and refunded on chain-a"
    ))
}

impl IbcTransfer {
    /// Whether a packet can reach chain-b at or past its time-out, so that a refund can happen.
    fn can_time_out(&self) -> bool {
        self.timeout <= self.delta
    }
}

impl Protocol for IbcTransfer {
    type Node = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Choice = Choice;

    fn node_names(&self) -> Vec<String> {
        vec!["chain-a".to_string(), "chain-b".to_string()]
    }

    fn init(&self, id: NodeId, _out: &mut Effects<Self>) -> Node {
        let n = usize::from(self.transfers);
        if id == A {
            Node::Source(Source {
                balance: self.transfers,
                sent: 0,
                open: true,
                packets: vec![Packet::Unsent; n],
            })
        } else {
            Node::Dest(Dest {
                vouchers: 0,
                next_recv: 0,
                open: true,
                packets: vec![Recv::None; n],
            })
        }
    }

    fn on_message(
        &self,
        _id: NodeId,
        node: &mut Node,
        _from: NodeId,
        msg: &Msg,
        out: &mut Effects<Self>,
    ) {
        match node {
            Node::Source(a) => self.source_message(a, *msg, out),
            Node::Dest(b) => self.dest_message(b, *msg, out),
        }
    }

    fn on_timer(&self, _id: NodeId, node: &mut Node, timer: &Timer, out: &mut Effects<Self>) {
        if let Node::Source(a) = node {
            self.source_timer(a, *timer, out);
        }
    }

    fn choices(&self, _id: NodeId, node: &Node, _now: u32, out: &mut Vec<Choice>) {
        if let Node::Source(a) = node {
            if a.open && a.sent < self.transfers {
                out.push(Choice::Send);
            }
        }
    }

    fn on_choice(&self, _id: NodeId, node: &mut Node, _choice: &Choice, out: &mut Effects<Self>) {
        if let Node::Source(a) = node {
            self.send(a, out);
        }
    }

    fn can_crash(&self, _id: NodeId) -> bool {
        true
    }

    /// Everything is chain state (commitments, receipts, sequences, balances): the default
    /// `persisted` keeps it. Timers are not: a pending callback runs on recovery, and the
    /// flawed expiry is re-armed for the tick it recorded.
    fn on_recover(&self, _id: NodeId, node: &mut Node, out: &mut Effects<Self>) {
        let Node::Source(a) = node else { return };
        let now = out.now();
        for (seq, p) in (0u8..).zip(a.packets.iter()) {
            match *p {
                Packet::Deleted | Packet::Refunded => out.set_timer(Timer::Callback(seq), 0),
                Packet::Committed { expires } if self.variant == Variant::SenderClockTimeout => {
                    out.set_timer(Timer::Expire(seq), expires.saturating_sub(now));
                }
                _ => {}
            }
        }
    }

    fn observe(&self, nodes: &[Node], obs: &mut Observation) {
        let Some((a, b)) = chains(nodes) else { return };
        let mut amounts = vec![
            Amount {
                holder: "balances on chain-a".to_string(),
                value: i64::from(a.balance),
            },
            Amount {
                holder: "vouchers on chain-b".to_string(),
                value: i64::from(b.vouchers),
            },
        ];
        for (seq, (&p, &r)) in (0u8..).zip(a.packets.iter().zip(b.packets.iter())) {
            let held = match p {
                Packet::Committed { .. } if r != Recv::Received => {
                    Some(format!("escrow for packet {seq}, not received"))
                }
                Packet::Deleted => Some(format!("escrow for packet {seq}, refund due")),
                _ => None,
            };
            if let Some(holder) = held {
                amounts.push(Amount { holder, value: 1 });
            }
            let at_a = match p {
                Packet::Unsent if !a.open => Outcome::Aborted,
                Packet::Unsent => Outcome::Pending,
                Packet::Committed { .. } => Outcome::Locked,
                Packet::Acked => Outcome::Committed,
                Packet::Deleted | Packet::Refunded | Packet::TimedOut => Outcome::Reverted,
            };
            let at_b = match r {
                Recv::Received => Outcome::Committed,
                Recv::Expired => Outcome::Aborted,
                Recv::None | Recv::Refused if !b.open => Outcome::Aborted,
                Recv::None | Recv::Refused => Outcome::Pending,
            };
            obs.outcome(seq, A, at_a);
            obs.outcome(seq, B, at_b);
        }
        obs.ledger = Some(Ledger {
            supply: i64::from(self.transfers),
            amounts,
        });
    }

    fn properties(&self) -> Vec<Property<Self>> {
        let mut props = vec![
            Property::catalogue(&ATOMICITY),
            Property::catalogue(&TIMEOUT_REVERT),
            Property::catalogue(&CONSERVATION),
            Property::catalogue(&NO_DOUBLE_CREATE),
            TIMELY_RECEIPT,
            Property::catalogue(&PROGRESS),
            Property::catalogue(&CAN_COMMIT),
        ];
        // A refund needs a packet that reaches chain-b at or past its time-out: with a
        // time-out longer than Δ every packet arrives in time, by design, not by a bug.
        if self.can_time_out() {
            props.push(Property::catalogue(&CAN_ABORT));
            if self.variant == Variant::Ordered && self.transfers >= 2 {
                props.push(CLOSED_AFTER_TIMEOUT);
            }
        }
        props
    }
}

/// The default kernel configuration: clocked, Δ = 1 (the derived horizon replaces 8), one
/// replayed datagram, no loss.
pub fn default_kernel() -> KernelConfig {
    KernelConfig {
        time: TimeMode::Clocked,
        delta: 1,
        horizon: 8,
        replay: 1,
        ..KernelConfig::default()
    }
}

/// The `ordered` variant's defaults: the model's with FIFO links and no replay, a relayer
/// that submits an ordered channel's datagrams in order, so that its default run shows S17
/// alone; `--replay 1` lets a relayer submit out of order, which costs progress too (notes).
pub fn ordered_kernel() -> KernelConfig {
    KernelConfig {
        delivery: Delivery::Ordered,
        replay: 0,
        ..default_kernel()
    }
}

/// The model's entry in the registry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Entry;

impl ModelEntry for Entry {
    type Model = World<IbcTransfer>;
    type Variant = Variant;

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: NAME,
            summary: "Cosmos IBC token transfer (ICS-004 packets, ICS-020 escrow and vouchers) \
                      between two chains: time-outs proven on the receiving chain, refunds, \
                      ordered channels (clocked time)",
            source: "cosmos/ibc ICS-004 (sendPacket, recvPacket, acknowledgePacket, \
                     timeoutPacket, timeoutOnClose) and ICS-020; Asymmetric Research, IBC \
                     time-out re-entrancy (2024); PROTOCOLS.md 6.3, 7.5 S15-S17",
            params: vec![
                ParamSpec {
                    implicit_default: false,
                    name: "transfers",
                    default: 2,
                    min: 1,
                    max: 4,
                    doc: "transfers of one token from chain-a to chain-b (the supply)",
                },
                ParamSpec {
                    implicit_default: false,
                    name: "timeout",
                    default: 1,
                    min: 1,
                    max: 8,
                    doc: "ticks after sending at which a packet times out on chain-b (above \
                          delta every packet arrives in time and nothing is refunded)",
                },
            ],
            kernel: Some(default_kernel()),
            notes: vec![
                "default with --loss 1: safe, progress violated (a lost datagram is never \
                 relayed again: the model's relayer acts once per datagram); so with \
                 --partitions 1 and with crashes (a datagram due while its chain is down is \
                 gone, and a crash-stopped chain never finishes)",
                "ordered with --replay 1 (a relayer that may submit out of order): progress \
                 is violated too: packet 1's time-out submitted before packet 0's \
                 acknowledgement closes the channel, acknowledgePacket then refuses the \
                 acknowledgement (the channel is not OPEN), and packet 0's commitment stays \
                 for good (its escrow rightly backs its voucher: no value is lost)",
                "refund-before-delete with --replay 0: holds (the second refund needs the \
                 re-entrant proof); sender-clock-timeout with --replay 0: still violated",
                "-p timeout=2 (above delta): every packet arrives in time, nothing is refunded, \
                 and can_abort is not declared; --delta 2 makes late arrivals possible again",
            ],
            catches: vec![
                "time-outs judged without chain-b's proof, refunds that can run twice, \
                 receipts twice: atomicity, timeout_revert, conservation, no_double_create \
                 (two transfers, a packet in time or late, one replayed datagram)",
                "an ordered channel stranding later packets after a time-out (timely_receipt, \
                 and the closed_after_timeout witness)",
            ],
            misses: vec![
                "relayer liveness: a lost datagram is never relayed again, so --loss 1 \
                 violates progress by design of the model",
                "bugs needing more transfers or replays (-p transfers=…, --replay 2), error \
                 acknowledgements, transfers back from chain-b, the channel handshake, \
                 Byzantine chains or forged proofs (proofs are facts)",
            ],
        }
    }

    /// Each transfer is sent, relayed and proven back within 2Δ, and an ordered channel's
    /// closing takes another round trip; the flawed expiry fires `timeout` ticks after a
    /// send. Δ·(2·transfers + 2) + timeout − 1 is at or above the measured minimum of every
    /// variant for transfers 1–3, timeout 1–3 and Δ 1–2 (2·transfers + 1 at Δ = 1 for the
    /// unordered variants; a larger horizon cuts nothing more, so the counts are the same).
    fn horizon(
        &self,
        _variant: Variant,
        params: &std::collections::BTreeMap<String, u32>,
        kernel: &KernelConfig,
    ) -> Option<u32> {
        let transfers = params.get("transfers").copied().unwrap_or(2);
        let timeout = params.get("timeout").copied().unwrap_or(1);
        Some(kernel.delta * (2 * transfers + 2) + timeout - 1)
    }

    fn variants(&self) -> Vec<VariantSpec<Variant>> {
        vec![
            VariantSpec::holds(
                Variant::Default,
                "default",
                "unordered channel; a time-out needs chain-b's proof of non-receipt past it, \
                 and the commitment is deleted before the refund callback runs",
            ),
            VariantSpec::violates(
                Variant::SenderClockTimeout,
                "sender-clock-timeout",
                "chain-a times a packet out on its own clock when no acknowledgement came, \
                 without proof of non-receipt (S15)",
                &[ATOMICITY.name, TIMEOUT_REVERT.name, CONSERVATION.name],
            ),
            VariantSpec::violates(
                Variant::RefundBeforeDelete,
                "refund-before-delete",
                "the time-out callback refunds before the commitment is deleted; a re-entrant \
                 time-out refunds again (S16)",
                &[TIMEOUT_REVERT.name, CONSERVATION.name],
            ),
            VariantSpec::violates(
                Variant::Ordered,
                "ordered",
                "an ordered channel: one time-out closes it, and later packets relayed in \
                 time are refused and refunded on close (S17)",
                &[TIMELY_RECEIPT_NAME],
            )
            .kernel(ordered_kernel()),
        ]
    }

    fn build(&self, c: &Config<'_, Variant>) -> Result<World<IbcTransfer>, ConfigError> {
        let kernel = c.kernel();
        Ok(World::new(
            IbcTransfer {
                variant: c.variant,
                transfers: u8::try_from(c.param("transfers")).unwrap_or(2),
                timeout: c.param("timeout"),
                // In async time chain-b's clock never passes a time-out.
                delta: if kernel.clocked() { kernel.delta } else { 0 },
            },
            kernel,
        ))
    }
}
