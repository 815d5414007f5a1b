//! What a handler does besides changing its node: messages to send, timers to arm or cancel and
//! irreversible events to record, applied by the kernel after the handler returns.

use xshard_properties::{Event, NodeId};

use super::Protocol;

/// How a message was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SendMode {
    /// A new copy, always (up to the copy cap).
    Copy,
    /// A retransmission: a copy only if none of this message is in flight on the channel.
    Resend,
}

/// The effects of a handler: messages to send, timers to arm or cancel, events to record.
#[derive(Debug)]
pub struct Effects<P: Protocol> {
    pub(crate) now: u32,
    pub(crate) sends: Vec<(NodeId, P::Msg, SendMode)>,
    pub(crate) arm: Vec<(P::Timer, u32)>,
    pub(crate) cancel: Vec<P::Timer>,
    pub(crate) events: Vec<Event>,
    /// What the kernel lost of `sends` to the partition in force (receiver, message), for
    /// the chart; filled by the kernel, never by the handler.
    pub(crate) cut: Vec<(NodeId, P::Msg)>,
}

impl<P: Protocol> Effects<P> {
    /// Empty effects at tick `now`: what the kernel hands a handler. Public so that a
    /// protocol's unit tests can call its handlers directly and inspect what they did.
    pub fn new(now: u32) -> Self {
        Effects {
            now,
            sends: Vec::new(),
            arm: Vec::new(),
            cancel: Vec::new(),
            events: Vec::new(),
            cut: Vec::new(),
        }
    }

    /// Empties the effects for another handler at tick `now`, keeping the buffers.
    pub(crate) fn reset(&mut self, now: u32) {
        self.now = now;
        self.sends.clear();
        self.arm.clear();
        self.cancel.clear();
        self.events.clear();
        self.cut.clear();
    }

    /// The current tick (always 0 in async time).
    pub fn now(&self) -> u32 {
        self.now
    }

    /// Sends `msg` to `to` over the network: one more copy in flight, even when identical
    /// copies are already on their way (the network is a multiset; the loss budget is the
    /// only way a copy disappears). A channel holds at most the configured number of copies
    /// of one message (`copies`); a send beyond it makes the run inconclusive (copy cap).
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.sends.push((to, msg, SendMode::Copy));
    }

    /// Retransmits `msg` to `to`: sends a copy only if no copy of `msg` is in flight on the
    /// channel. Use it for a retransmission timer (a re-sent decision, a repeated request), so
    /// that a timer firing again and again while a copy is still on its way does not pile up
    /// copies: the copy in flight already stands for the retransmission, and a duplicate
    /// delivery is what the replay budget explores. A state space with a retransmission loop
    /// stays finite this way; with plain [`Effects::send`] it would hit the copy cap.
    pub fn resend(&mut self, to: NodeId, msg: P::Msg) {
        self.sends.push((to, msg, SendMode::Resend));
    }

    /// Arms (or re-arms) `timer` to fire `after` ticks from now in clocked time; in async time
    /// it may fire at any moment.
    pub fn set_timer(&mut self, timer: P::Timer, after: u32) {
        self.cancel.retain(|t| *t != timer);
        self.arm.retain(|(t, _)| *t != timer);
        self.arm.push((timer, after));
    }

    /// The messages sent (and resent) so far, in order: (receiver, message).
    pub fn sent(&self) -> Vec<(NodeId, P::Msg)> {
        self.sends
            .iter()
            .map(|(to, m, _)| (*to, m.clone()))
            .collect()
    }

    /// The timers armed so far: (timer, ticks from now).
    pub fn armed(&self) -> &[(P::Timer, u32)] {
        &self.arm
    }

    /// The timers cancelled so far.
    pub fn cancelled(&self) -> &[P::Timer] {
        &self.cancel
    }

    /// Records that the irreversible `event` happened in this step (a revert, a refund, an
    /// object created or consumed). The kernel adds it to the run's history, which is part of
    /// the world state and is what every property sees as `Observation::history`; it survives
    /// crashes, reorgs and anything else the node forgets, so a second revert or a second
    /// creation is visible even when the node's state no longer shows the first.
    ///
    /// The history only grows, and it is part of the state, so record only irreversible events,
    /// at the moment they happen: a correct protocol emits each a bounded number of times, and
    /// the space stays finite. A handler that records an event on every retry, every timer or
    /// every message of a loop makes every repetition a new state: the state space is then
    /// infinite and the check never ends (or hits its bounds and is inconclusive).
    pub fn record(&mut self, event: Event) {
        self.events.push(event);
    }

    /// The events recorded so far, in order.
    pub fn recorded(&self) -> &[Event] {
        &self.events
    }

    /// Disarms `timer` if it is armed.
    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.arm.retain(|(t, _)| *t != timer);
        self.cancel.push(timer);
    }
}
