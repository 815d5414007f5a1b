//! `World<P>`: a protocol plus a kernel configuration, as a `stateright::Model`.

use stateright::Model;
use xshard_properties::{Kind, NodeId, Observation};

use super::config::{CrashMode, Delivery, KernelConfig};
use super::pack::{self, insert_at, remove_at, retain, Ids, Scratch, Tables, NEW};
use super::protocol::{Effects, Property, Protocol, SendMode};
use super::state::{node_id, Action, Armed, Envelope, KernelAction, State, WorldState};
use super::symmetry::{Canon, Symmetry};
use crate::checkable::{stateright_properties, Checkable, Cut, PropertyInfo};
use crate::step::{changes_between, decisions_between, EventKind, MessageInfo, Step};

/// The kernel's fault classes a swarm walk (`xshard fuzz`) switches on or off per walk, by bit
/// index ([`Checkable::swarm_class`]): message loss, replay, crashes and partitions.
pub const SWARM_CLASSES: [&str; 4] = ["drop", "replay", "crash", "partition"];

/// A protocol on the world kernel.
#[derive(Debug)]
pub struct World<P: Protocol> {
    /// The protocol: its nodes, handlers, observation and properties.
    pub protocol: P,
    /// Network semantics, fault budgets and time for this run.
    pub config: KernelConfig,
    names: Vec<String>,
    props: Vec<Property<P>>,
    sym: Symmetry,
    tables: Tables<P>,
}

impl<P: Protocol> World<P> {
    /// Puts `protocol` on the kernel with `config`.
    pub fn new(protocol: P, config: KernelConfig) -> Self {
        let names = protocol.node_names();
        assert!(names.len() <= 32, "the kernel supports at most 32 nodes");
        let props = protocol.properties();
        let sym = Symmetry::new(&protocol.symmetry(), names.len());
        World {
            protocol,
            config,
            names,
            props,
            sym,
            tables: Tables::new(),
        }
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.names.len()
    }

    /// The name of node `id`.
    pub fn name(&self, id: NodeId) -> String {
        self.names
            .get(usize::from(id))
            .cloned()
            .unwrap_or_else(|| format!("node{id}"))
    }

    /// The prepared symmetry groups (tests read its diagnostics).
    #[cfg(test)]
    pub(crate) fn symmetry(&self) -> &Symmetry {
        &self.sym
    }

    /// The properties this model checks.
    pub fn properties_declared(&self) -> &[Property<P>] {
        &self.props
    }

    /// What this model's packed states leave out.
    fn layout(&self) -> pack::Layout {
        pack::Layout {
            clocked: self.config.clocked(),
            pair: self.names.len() <= 16,
            partitioned: self.config.partitions > 0,
        }
    }

    fn deadline_for_send(&self, now: u32) -> u32 {
        if self.config.clocked() {
            now.saturating_add(self.config.delta)
        } else {
            0
        }
    }

    /// Applies `out`, the effects of node `id`, to `state`.
    fn apply_effects(
        &self,
        state: &mut State<P>,
        id: NodeId,
        out: &mut Effects<P>,
        mut ids: Option<&mut Ids>,
    ) {
        let deadline = self.deadline_for_send(state.now);
        for (dst, msg, how) in out.sends.drain(..) {
            if state.replay_left > 0 {
                let entry = (id, dst, msg.clone());
                if let Err(pos) = state.sent.binary_search(&entry) {
                    insert_at(&mut state.sent, pos, entry);
                    if let Some(ids) = ids.as_deref_mut() {
                        insert_at(&mut ids.sent, pos, NEW);
                    }
                }
            }
            let copies = state
                .net
                .iter()
                .filter(|e| e.src == id && e.dst == dst && e.msg == msg)
                .count();
            if how == SendMode::Resend && copies > 0 {
                // A retransmission while a copy is on its way: that copy stands for it.
                continue;
            }
            if state.severed(id, dst) {
                // Sent into a partition: lost (the partition's, not the loss budget's).
                out.cut.push((dst, msg));
                continue;
            }
            if copies >= usize::from(self.config.copies) {
                // The network cannot hold another copy: the state is not faithful, and the
                // engine reports it (never a silent drop).
                state.capped = true;
                continue;
            }
            let env = Envelope {
                src: id,
                dst,
                msg,
                deadline,
            };
            match self.config.delivery {
                Delivery::Unordered => {
                    let pos = state.net.partition_point(|e| e <= &env);
                    insert_at(&mut state.net, pos, env);
                    if let Some(ids) = ids.as_deref_mut() {
                        insert_at(&mut ids.net, pos, NEW);
                    }
                }
                Delivery::Ordered => {
                    // After the last message of the same channel (or where the channel sorts).
                    let pos = state
                        .net
                        .partition_point(|e| (e.src, e.dst) <= (env.src, env.dst));
                    insert_at(&mut state.net, pos, env);
                    if let Some(ids) = ids.as_deref_mut() {
                        insert_at(&mut ids.net, pos, NEW);
                    }
                }
            }
        }
        for event in out.events.drain(..) {
            let pos = state.history.partition_point(|e| e <= &event);
            insert_at(&mut state.history, pos, event);
            if let Some(ids) = ids.as_deref_mut() {
                insert_at(&mut ids.history, pos, NEW);
            }
        }
        // At most one timer of a name is armed per node.
        let disarm = |state: &mut State<P>, ids: &mut Option<&mut Ids>, timer: &P::Timer| {
            if let Some(pos) = state
                .timers
                .iter()
                .position(|a| a.node == id && a.timer == *timer)
            {
                remove_at(&mut state.timers, pos);
                if let Some(ids) = ids.as_deref_mut() {
                    remove_at(&mut ids.timers, pos);
                }
            }
        };
        for timer in out.cancel.drain(..) {
            disarm(state, &mut ids, &timer);
        }
        for (timer, after) in out.arm.drain(..) {
            disarm(state, &mut ids, &timer);
            let deadline = if self.config.clocked() {
                state.now.saturating_add(after)
            } else {
                0
            };
            let armed = Armed {
                node: id,
                timer,
                deadline,
            };
            let pos = state.timers.partition_point(|a| a <= &armed);
            insert_at(&mut state.timers, pos, armed);
            if let Some(ids) = ids.as_deref_mut() {
                insert_at(&mut ids.timers, pos, NEW);
            }
        }
    }

    /// [`World::apply_effects`] for the kernel's tests.
    #[cfg(test)]
    pub(crate) fn apply_effects_for_test(
        &self,
        state: &mut State<P>,
        id: NodeId,
        out: &mut Effects<P>,
    ) {
        self.apply_effects(state, id, out, None);
    }

    /// Whether any message of a live node is due, or any timer is due, so time cannot pass.
    fn urgent(&self, state: &State<P>) -> bool {
        state
            .net
            .iter()
            .any(|e| !state.is_down(e.dst) && e.deadline <= state.now)
            || state.timers.iter().any(|a| a.deadline <= state.now)
    }

    /// Whether envelope `i` is at the head of its channel (ordered delivery).
    fn deliverable(&self, state: &State<P>, i: usize) -> bool {
        let e = &state.net[i];
        if state.is_down(e.dst) || state.severed(e.src, e.dst) {
            return false;
        }
        match self.config.delivery {
            Delivery::Unordered => true,
            Delivery::Ordered => {
                i == 0 || (state.net[i - 1].src, state.net[i - 1].dst) != (e.src, e.dst)
            }
        }
    }

    /// Whether no protocol step can happen any more: no deliverable message, no armed timer,
    /// no local choice, no partition that could heal, and (crash-recover) no crashed node that
    /// could recover. Faults and ticks do not count as steps.
    pub fn quiescent(&self, state: &State<P>) -> bool {
        if !state.timers.is_empty() {
            return false;
        }
        if (0..state.net.len()).any(|i| self.deliverable(state, i)) {
            return false;
        }
        if self.config.crash_mode == CrashMode::Recover && state.down != 0 {
            return false;
        }
        if state.cut != 0 {
            return false;
        }
        let mut choices = Vec::new();
        for (i, node) in state.nodes.iter().enumerate() {
            let id = node_id(i);
            if state.is_down(id) {
                continue;
            }
            self.protocol.choices(id, node, state.now, &mut choices);
            if !choices.is_empty() {
                return false;
            }
        }
        true
    }

    /// What keeps `state` from being at rest ([`World::quiescent`]), in one phrase naming
    /// the node: the first armed timer, deliverable message, enabled choice or (crash-recover)
    /// crashed node. `None` when it is at rest.
    pub fn unrest(&self, state: &State<P>) -> Option<String> {
        if let Some(a) = state.timers.first() {
            return Some(format!(
                "{}'s timer {:?} is armed",
                self.name(a.node),
                a.timer
            ));
        }
        if let Some(e) = (0..state.net.len())
            .find(|&i| self.deliverable(state, i))
            .map(|i| &state.net[i])
        {
            return Some(format!(
                "{:?} from {} to {} can still be delivered",
                e.msg,
                self.name(e.src),
                self.name(e.dst)
            ));
        }
        if self.config.crash_mode == CrashMode::Recover {
            if let Some(i) = (0..state.nodes.len()).find(|&i| state.is_down(node_id(i))) {
                return Some(format!("{} is down and may recover", self.name(node_id(i))));
            }
        }
        if state.cut != 0 {
            return Some(format!(
                "the network is partitioned ({}) and may heal",
                self.cut_text(state.cut)
            ));
        }
        let mut choices = Vec::new();
        for (i, node) in state.nodes.iter().enumerate() {
            let id = node_id(i);
            if state.is_down(id) {
                continue;
            }
            self.protocol.choices(id, node, state.now, &mut choices);
            if let Some(c) = choices.first() {
                return Some(format!("{} can still choose {c:?}", self.name(id)));
            }
        }
        None
    }

    /// Clocked time: whether something is scheduled, so that time passing matters: an armed
    /// timer, or a message in flight to a node that is up (or may recover).
    fn busy(&self, state: &State<P>) -> bool {
        // A crashed node that may recover is not scheduled work: with nothing else pending,
        // recovering a tick later is the same behaviour shifted in time (like a choice).
        let recover = self.config.crash_mode == CrashMode::Recover;
        !state.timers.is_empty() || state.net.iter().any(|e| recover || !state.is_down(e.dst))
    }

    /// Whether some node's enabled choices at the next tick differ from those now (a choice
    /// with an absolute deadline).
    fn choices_change(&self, state: &State<P>) -> bool {
        let (mut now, mut next) = (Vec::new(), Vec::new());
        state.nodes.iter().enumerate().any(|(i, node)| {
            let id = node_id(i);
            if state.is_down(id) {
                return false;
            }
            now.clear();
            next.clear();
            self.protocol.choices(id, node, state.now, &mut now);
            self.protocol
                .choices(id, node, state.now.saturating_add(1), &mut next);
            now != next
        })
    }

    /// Clocked time: whether a tick would change anything but the clock's reading: something
    /// is scheduled ([`World::busy`]) or a choice's availability changes with the tick. When
    /// neither holds the system is idle, and a tick would only make every later event happen
    /// one tick later: the same behaviour shifted in time, provided handlers compare ticks
    /// only with ticks they recorded or with deadlines their choices expose (the contract of a
    /// clocked protocol, `Protocol` docs). Idle time is therefore not explored, which keeps
    /// clocked spaces finite and lets the horizon bound busy periods only.
    fn time_matters(&self, state: &State<P>) -> bool {
        self.busy(state) || self.choices_change(state)
    }

    /// Clocked time: whether `state` is at the horizon while time still matters
    /// ([`World::time_matters`]), so that what the protocol would do after the last tick was
    /// not explored: exactly the states that would tick but for the horizon. A state with
    /// something due ([`World::urgent`]) cannot tick anyway; its due deliveries and firings
    /// are explored at this tick and their successors are judged in turn.
    pub fn cut_by_horizon(&self, state: &State<P>) -> bool {
        self.config.clocked()
            && state.now >= self.config.horizon
            && !self.urgent(state)
            && self.time_matters(state)
    }

    /// Applies `action` to `s` in place (a copy of the state it acts on), with `out` as the
    /// handler's effects buffer; `false` (and `s` unchanged) when the action is not enabled.
    ///
    /// `ids`: the encoding numbers of `s`'s entries ([`Ids`]), kept aligned with every change
    /// (a changed or new entry gets [`NEW`]), so that packing the result looks up only those.
    fn step(
        &self,
        s: &mut State<P>,
        action: Action<P>,
        out: &mut Effects<P>,
        mut ids: Option<&mut Ids>,
    ) -> bool {
        let touch = |ids: &mut Option<&mut Ids>, node: NodeId| {
            if let Some(ids) = ids.as_deref_mut() {
                ids.nodes[usize::from(node)] = NEW;
            }
        };
        match action {
            KernelAction::Deliver(env) => {
                let Some(pos) = s.net.iter().position(|e| *e == env) else {
                    return false;
                };
                remove_at(&mut s.net, pos);
                if let Some(ids) = ids.as_deref_mut() {
                    remove_at(&mut ids.net, pos);
                }
                touch(&mut ids, env.dst);
                out.reset(s.now);
                let dst = usize::from(env.dst);
                self.protocol
                    .on_message(env.dst, &mut s.nodes[dst], env.src, &env.msg, out);
                self.apply_effects(s, env.dst, out, ids.as_deref_mut());
            }
            KernelAction::Timeout { node, timer } => {
                let Some(pos) = s
                    .timers
                    .iter()
                    .position(|a| a.node == node && a.timer == timer)
                else {
                    return false;
                };
                remove_at(&mut s.timers, pos);
                if let Some(ids) = ids.as_deref_mut() {
                    remove_at(&mut ids.timers, pos);
                }
                touch(&mut ids, node);
                out.reset(s.now);
                self.protocol
                    .on_timer(node, &mut s.nodes[usize::from(node)], &timer, out);
                self.apply_effects(s, node, out, ids.as_deref_mut());
            }
            KernelAction::Choose { node, choice } => {
                touch(&mut ids, node);
                out.reset(s.now);
                self.protocol
                    .on_choice(node, &mut s.nodes[usize::from(node)], &choice, out);
                self.apply_effects(s, node, out, ids.as_deref_mut());
            }
            KernelAction::Tick => {
                s.now += 1;
                // A message whose delivery window passed while its receiver was down arrived at
                // a crashed node: it is gone (crash semantics, not a loss from the budget).
                let now = s.now;
                let down = s.down;
                retain(&mut s.net, ids.as_deref_mut().map(|i| &mut i.net), |e| {
                    down & (1 << e.dst) == 0 || e.deadline >= now
                });
            }
            KernelAction::Recover(node) => {
                s.down &= !(1 << node);
                touch(&mut ids, node);
                out.reset(s.now);
                self.protocol
                    .on_recover(node, &mut s.nodes[usize::from(node)], out);
                self.apply_effects(s, node, out, ids.as_deref_mut());
            }
            KernelAction::Drop(env) => {
                let Some(pos) = s.net.iter().position(|e| *e == env) else {
                    return false;
                };
                remove_at(&mut s.net, pos);
                if let Some(ids) = ids.as_deref_mut() {
                    remove_at(&mut ids.net, pos);
                }
                s.loss_left -= 1;
            }
            KernelAction::Replay { src, dst, msg } => {
                s.replay_left -= 1;
                if s.replay_left == 0 {
                    s.sent.clear();
                    if let Some(ids) = ids.as_deref_mut() {
                        ids.sent.clear();
                    }
                }
                touch(&mut ids, dst);
                out.reset(s.now);
                self.protocol
                    .on_message(dst, &mut s.nodes[usize::from(dst)], src, &msg, out);
                self.apply_effects(s, dst, out, ids.as_deref_mut());
            }
            KernelAction::Crash(node) => {
                s.crashes_left -= 1;
                s.down |= 1 << node;
                retain(
                    &mut s.timers,
                    ids.as_deref_mut().map(|i| &mut i.timers),
                    |a| a.node != node,
                );
                touch(&mut ids, node);
                let idx = usize::from(node);
                s.nodes[idx] = self.protocol.persisted(node, &s.nodes[idx]);
            }
            KernelAction::Heal => {
                if s.cut == 0 {
                    return false;
                }
                s.cut = 0;
            }
            KernelAction::Partition(side) => {
                if s.cut != 0 || s.partitions_left == 0 || side == 0 {
                    return false;
                }
                s.partitions_left -= 1;
                s.cut = side;
                // What is in flight across the cut is lost with it.
                retain(&mut s.net, ids.map(|i| &mut i.net), |e| {
                    ((side >> e.src) ^ (side >> e.dst)) & 1 == 0
                });
            }
        }
        true
    }

    /// The two sides of a cut, by node name: `shard-a, coordinator | shard-b`.
    pub fn cut_text(&self, cut: u32) -> String {
        let side = |far: bool| {
            (0..self.node_count())
                .filter(|&i| (cut >> i) & 1 == u32::from(far))
                .map(|i| self.name(node_id(i)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!("{} | {}", side(false), side(true))
    }

    /// Each property's condition on `state`, in declaration order, before `progress` is
    /// settled ([`World::settle_progress`]): a function of the observation alone, which reads
    /// the nodes, the history, the clock and (only with a `terminal` property) quiescence.
    fn conditions(&self, state: &State<P>, out: &mut Vec<bool>) {
        let obs = self.observation(state);
        out.clear();
        out.extend(
            self.props
                .iter()
                .map(|p| p.condition(&self.protocol, &state.nodes, &obs)),
        );
    }

    /// A `progress` property's *done* also requires the system to be at rest
    /// ([`World::quiescent`]), computed once and only when some progress condition holds
    /// (`at_rest`: already computed).
    fn settle_progress(&self, state: &State<P>, mut at_rest: Option<bool>, out: &mut [bool]) {
        for (p, fine) in self.props.iter().zip(out.iter_mut()) {
            if *fine && p.info().kind == Kind::Progress {
                *fine = *at_rest.get_or_insert_with(|| self.quiescent(state));
            }
        }
    }

    /// The observation of `state`.
    pub fn observation(&self, state: &State<P>) -> Observation {
        let mut obs = Observation {
            history: state.history.clone(),
            ..Observation::default()
        };
        self.protocol.observe(&state.nodes, &mut obs);
        if self.config.clocked() {
            obs.now = Some(state.now);
            obs.delta = Some(self.config.delta);
        }
        // Quiescence only matters to terminal properties, and is the costly part.
        if self.props.iter().any(|p| p.info().kind == Kind::Terminal) {
            obs.quiescent = self.quiescent(state);
        }
        obs
    }
}

impl<P: Protocol> Model for World<P> {
    type State = State<P>;
    type Action = Action<P>;

    fn init_states(&self) -> Vec<Self::State> {
        let mut state = WorldState {
            nodes: Vec::with_capacity(self.names.len()),
            net: Vec::new(),
            timers: Vec::new(),
            sent: Vec::new(),
            now: 0,
            down: 0,
            loss_left: self.config.loss,
            replay_left: self.config.replay,
            crashes_left: self.config.crashes,
            cut: 0,
            partitions_left: self.config.partitions,
            history: Vec::new(),
            capped: false,
        };
        for i in 0..self.names.len() {
            let id = node_id(i);
            let mut out = Effects::new(0);
            let node = self.protocol.init(id, &mut out);
            state.nodes.push(node);
            self.apply_effects(&mut state, id, &mut out, None);
        }
        vec![state]
    }

    fn actions(&self, state: &Self::State, actions: &mut Vec<Self::Action>) {
        let clocked = self.config.clocked();
        for i in 0..state.net.len() {
            if self.deliverable(state, i) {
                actions.push(KernelAction::Deliver(state.net[i].clone()));
            }
        }
        for a in &state.timers {
            if !clocked || a.deadline <= state.now {
                actions.push(KernelAction::Timeout {
                    node: a.node,
                    timer: a.timer.clone(),
                });
            }
        }
        let mut choices = Vec::new();
        for (i, node) in state.nodes.iter().enumerate() {
            let id = node_id(i);
            if state.is_down(id) {
                continue;
            }
            choices.clear();
            self.protocol.choices(id, node, state.now, &mut choices);
            for choice in choices.drain(..) {
                actions.push(KernelAction::Choose { node: id, choice });
            }
        }
        if clocked
            && state.now < self.config.horizon
            && !self.urgent(state)
            && self.time_matters(state)
        {
            actions.push(KernelAction::Tick);
        }
        if self.config.crash_mode == CrashMode::Recover {
            for i in 0..state.nodes.len() {
                let id = node_id(i);
                if state.is_down(id) {
                    actions.push(KernelAction::Recover(id));
                }
            }
        }
        if state.cut != 0 {
            actions.push(KernelAction::Heal);
        }
        if state.loss_left > 0 {
            for e in &state.net {
                actions.push(KernelAction::Drop(e.clone()));
            }
        }
        if state.replay_left > 0 {
            for (src, dst, msg) in &state.sent {
                if !state.is_down(*dst) && !state.severed(*src, *dst) {
                    actions.push(KernelAction::Replay {
                        src: *src,
                        dst: *dst,
                        msg: msg.clone(),
                    });
                }
            }
        }
        if state.crashes_left > 0 {
            for i in 0..state.nodes.len() {
                let id = node_id(i);
                if !state.is_down(id) && self.protocol.can_crash(id) {
                    actions.push(KernelAction::Crash(id));
                }
            }
        }
        if state.partitions_left > 0 && state.cut == 0 && state.nodes.len() >= 2 {
            // Every split into two non-empty sides, each once: the side without node 0.
            let n = state.nodes.len();
            for side in 1..(1u32 << (n - 1)) {
                actions.push(KernelAction::Partition(side << 1));
            }
        }
    }

    fn next_state(&self, last: &Self::State, action: Self::Action) -> Option<Self::State> {
        let mut s = last.clone();
        let mut out = Effects::new(s.now);
        self.step(&mut s, action, &mut out, None).then_some(s)
    }

    fn properties(&self) -> Vec<stateright::Property<Self>> {
        stateright_properties(self)
    }
}

impl<P: Protocol> Checkable for World<P> {
    type Scratch = Scratch<P>;

    fn next_into(
        &self,
        state: &Self::State,
        action: Self::Action,
        into: &mut Self::State,
        scratch: &mut Self::Scratch,
    ) -> bool {
        pack::copy_state::<P>(into, state);
        let (effects, ids) = scratch.begin_child(state, into);
        let ok = self.step(into, action, effects, ids);
        scratch.end_child(into, ok);
        ok
    }

    fn pack(&self, state: &Self::State, scratch: &mut Self::Scratch, out: &mut Vec<u8>) {
        pack::pack(&self.tables, self.layout(), scratch, state, out);
    }

    fn unpack(&self, bytes: &[u8], scratch: &mut Self::Scratch, into: &mut Self::State) {
        pack::unpack(
            &self.tables,
            self.layout(),
            self.names.len(),
            scratch,
            bytes,
            into,
        );
    }

    fn blank(&self) -> Self::State {
        WorldState::empty()
    }

    fn property_info(&self) -> Vec<PropertyInfo> {
        self.props.iter().map(Property::info).collect()
    }

    /// A `progress` property's *done* also requires the system to be at rest
    /// ([`World::quiescent`]): a state where every transaction is decided and no lock is held
    /// but a timer keeps firing (a coordinator re-sending a decision that is never
    /// acknowledged) is not finished. Applied here, for every protocol's progress properties,
    /// catalogue or own; quiescence is computed only for states that are otherwise done.
    fn evaluate(&self, state: &Self::State, out: &mut Vec<bool>) {
        self.conditions(state, out);
        self.settle_progress(state, None, out);
    }

    /// [`Checkable::evaluate`] through the worker's memo of conditions (`verdicts.rs`) when
    /// `state` is the one the worker unpacked: keyed by its node and history numbers, the
    /// clock (clocked time) and, when a property is `terminal` (its observation reads it),
    /// whether the state is at rest. Debug builds check each hit.
    fn evaluate_in(&self, state: &Self::State, scratch: &mut Self::Scratch, out: &mut Vec<bool>) {
        let now = if self.config.clocked() { state.now } else { 0 };
        let at_rest = self
            .props
            .iter()
            .any(|p| p.info().kind == Kind::Terminal)
            .then(|| self.quiescent(state));
        let Some(memo) = scratch.verdicts(state, now, at_rest) else {
            return self.evaluate(state, out);
        };
        match memo.get() {
            Some(conds) => {
                out.clear();
                out.extend_from_slice(conds);
                if cfg!(debug_assertions) {
                    let mut check = Vec::new();
                    self.conditions(state, &mut check);
                    assert_eq!(*out, check, "memoised conditions disagree");
                }
            }
            None => {
                self.conditions(state, out);
                memo.put(out);
            }
        }
        self.settle_progress(state, at_rest, out);
    }

    fn explain(&self, index: usize, state: &Self::State) -> String {
        let obs = self.observe(state);
        match self.props.get(index) {
            Some(p)
                if p.info().kind == Kind::Progress
                    && p.condition(&self.protocol, &state.nodes, &obs) =>
            {
                match self.unrest(state) {
                    Some(what) => format!(
                        "no sequence of protocol steps finishes from here; nothing is pending, \
                         but the system never comes to rest: {what}"
                    ),
                    None => format!("{} reached", p.info().name),
                }
            }
            Some(p) => p.explain(&self.protocol, &state.nodes, &obs, &|id| self.name(id)),
            None => format!("property {index} does not exist"),
        }
    }

    /// Faults are not progress: a system that finishes only if more messages are lost,
    /// replayed, nodes crash or the network splits does not finish. Ticks, deliveries,
    /// timers, choices, recoveries and the healing of a partition count.
    fn progress_step(&self, action: &Self::Action) -> bool {
        !matches!(
            action,
            KernelAction::Drop(_)
                | KernelAction::Replay { .. }
                | KernelAction::Crash(_)
                | KernelAction::Partition(_)
        )
    }

    fn swarm_class(&self, action: &Self::Action) -> Option<u32> {
        // Indices into SWARM_CLASSES.
        match action {
            KernelAction::Drop(_) => Some(0),
            KernelAction::Replay { .. } => Some(1),
            KernelAction::Crash(_) => Some(2),
            KernelAction::Partition(_) => Some(3),
            _ => None,
        }
    }

    fn representative(&self, state: &Self::State) -> Self::State {
        self.representative_owned(state.clone())
    }

    #[inline]
    fn representative_owned(&self, mut state: Self::State) -> Self::State {
        self.sym
            .canonicalise(&self.protocol, self.config.delivery, &mut state);
        state
    }

    /// The representative packed without building it: the state itself when its signatures
    /// are already sorted (through the successor's fast path), else its image under the
    /// sorting renaming, written into the scratch's reused state.
    fn pack_representative(
        &self,
        state: &Self::State,
        scratch: &mut Self::Scratch,
        out: &mut Vec<u8>,
    ) {
        let start = out.len();
        let (p, delivery) = (&self.protocol, self.config.delivery);
        match self.sym.canonical(p, delivery, state) {
            Canon::Itself => pack::pack(&self.tables, self.layout(), scratch, state, out),
            Canon::Renamed(map) => {
                let how = (p, delivery, &map);
                pack::pack_renamed(&self.tables, self.layout(), scratch, how, state, out);
            }
            Canon::Found(c) => pack::pack(&self.tables, self.layout(), scratch, &c, out),
        }
        if cfg!(debug_assertions) {
            let mut check = Vec::new();
            let c = self.representative(state);
            pack::pack(&self.tables, self.layout(), scratch, &c, &mut check);
            assert_eq!(out[start..], check[..], "packed representatives disagree");
        }
    }

    fn has_symmetry(&self) -> bool {
        !self.sym.is_trivial()
    }

    fn declares_symmetry(&self) -> bool {
        !self.protocol.symmetry().is_empty()
    }

    fn reach(&self) -> Option<super::Reach> {
        Some(World::reach(self))
    }

    fn cut(&self, state: &Self::State) -> Option<Cut> {
        if state.capped {
            Some(Cut::CopyCap)
        } else if self.cut_by_horizon(state) {
            Some(Cut::Horizon)
        } else {
            None
        }
    }

    fn lifelines(&self) -> Vec<String> {
        self.names.clone()
    }

    fn decode(&self, before: &Self::State, action: &Self::Action, after: &Self::State) -> Step {
        let name = |id: NodeId| self.name(id);
        let msg_info = |src: NodeId, dst: NodeId, msg: &P::Msg| MessageInfo {
            from: name(src),
            to: name(dst),
            payload: format!("{msg:?}"),
        };
        let (node, event, detail, message) = match action {
            KernelAction::Deliver(e) => (
                Some(e.dst),
                EventKind::Deliver,
                format!("{:?}", e.msg),
                Some(msg_info(e.src, e.dst, &e.msg)),
            ),
            KernelAction::Drop(e) => (
                Some(e.src),
                EventKind::Drop,
                format!("{:?}", e.msg),
                Some(msg_info(e.src, e.dst, &e.msg)),
            ),
            KernelAction::Replay { src, dst, msg } => (
                Some(*dst),
                EventKind::Replay,
                format!("{msg:?}"),
                Some(msg_info(*src, *dst, msg)),
            ),
            KernelAction::Timeout { node, timer } => {
                (Some(*node), EventKind::Timeout, format!("{timer:?}"), None)
            }
            KernelAction::Choose { node, choice } => {
                (Some(*node), EventKind::Choice, format!("{choice:?}"), None)
            }
            KernelAction::Tick => (None, EventKind::Tick, format!("now = {}", after.now), None),
            KernelAction::Crash(node) => (Some(*node), EventKind::Crash, String::new(), None),
            KernelAction::Recover(node) => (Some(*node), EventKind::Recover, String::new(), None),
            KernelAction::Partition(side) => {
                (None, EventKind::Partition, self.cut_text(*side), None)
            }
            KernelAction::Heal => (None, EventKind::Heal, self.cut_text(before.cut), None),
        };
        // New in-flight envelopes are the messages this step sent (a multiset difference).
        let mut sent = Vec::new();
        let mut old = before.net.clone();
        for e in &after.net {
            if let Some(pos) = old.iter().position(|o| o == e) {
                old.remove(pos);
            } else {
                sent.push(msg_info(e.src, e.dst, &e.msg));
            }
        }
        // Lost to a partition: what was in flight across a new cut, and what a handler sent
        // across the cut in force (found by running the step again, which reports them).
        let mut lost = Vec::new();
        if let KernelAction::Partition(_) = action {
            lost.extend(old.iter().map(|e| msg_info(e.src, e.dst, &e.msg)));
        } else if before.cut != 0 {
            let mut again = before.clone();
            let mut out = Effects::new(before.now);
            if self.step(&mut again, action.clone(), &mut out, None) {
                let src = match action {
                    KernelAction::Deliver(e) => Some(e.dst),
                    KernelAction::Replay { dst, .. } => Some(*dst),
                    KernelAction::Timeout { node, .. }
                    | KernelAction::Choose { node, .. }
                    | KernelAction::Recover(node) => Some(*node),
                    _ => None,
                };
                if let Some(src) = src {
                    lost.extend(out.cut.iter().map(|(dst, m)| msg_info(src, *dst, m)));
                }
            }
        }
        let mut changes = Vec::new();
        for (i, (b, a)) in before.nodes.iter().zip(&after.nodes).enumerate() {
            if b != a {
                changes.extend(changes_between(&name(node_id(i)), b, a));
            }
        }
        let decisions =
            decisions_between(&self.observation(before), &self.observation(after), &name);
        Step {
            node: node.map(name),
            event,
            detail,
            message,
            sent,
            lost,
            changes,
            decisions,
            now: self.config.clocked().then_some(after.now),
        }
    }

    fn observe(&self, state: &Self::State) -> Observation {
        let mut obs = self.observation(state);
        obs.quiescent = self.quiescent(state);
        obs
    }
}
