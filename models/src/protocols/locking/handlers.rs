//! The handlers of the `locking` model: resource shards and the home shard.

use xshard_properties::{Event, LockMode, NodeId};

use super::TXS;
use super::{node_id, At, HomeTx, Locking, Msg, Phase, Resource, Timer, Tx, Variant};
use crate::kernel::Effects;
use crate::mutant;

type Out = Effects<Locking>;

impl Locking {
    pub(super) fn timed(&self) -> bool {
        matches!(self.variant, Variant::Default | Variant::TimeoutRace)
    }

    /// Transactions holding a lock on `res` that conflicts with `tx`'s.
    fn conflicts<'a>(
        &'a self,
        res: &'a Resource,
        r: usize,
        tx: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        // Seeded bug: a lock conflicts only when both are writes, so a read shares a write.
        let weak = mutant::on("locking/write-shares-read");
        (0..self.txs).filter(move |&j| {
            let conflict = if weak {
                [self.mode(tx, r), self.mode(j, r)] == [Some(LockMode::Write); 2]
            } else {
                self.conflict(tx, j, r)
            };
            j != tx && res.txs[j].at == At::Locked && conflict
        })
    }

    /// Grants `tx` the lock on resource `r`.
    fn grant(&self, r: usize, res: &mut Resource, tx: usize, out: &mut Out) {
        res.txs[tx].at = At::Locked;
        let t = Tx::of(tx);
        if self.variant == Variant::RepealConfirm {
            for s in self.touched(tx).filter(|&s| s != r) {
                out.send(node_id(s), Msg::Locked(t));
            }
            self.see(res, tx, r, out);
        } else {
            out.send(self.home(), Msg::LockProof(t, res.value));
            if self.timed() {
                out.set_timer(Timer::LockTimeout(t), 1);
            }
        }
        self.wound(r, res, out);
    }

    /// Wound-wait: every waiting transaction wounds each younger transaction holding a
    /// conflicting lock — not only at request time: a shared read lock can be granted to a
    /// younger transaction while an older one waits, and wounding only on request then
    /// deadlocks (found by the checker with `-p readers=1`).
    fn wound(&self, r: usize, res: &mut Resource, out: &mut Out) {
        if !matches!(self.variant, Variant::WoundWait | Variant::WoundAfterCommit) {
            return;
        }
        for i in 0..self.txs {
            if res.txs[i].at != At::Waiting {
                continue;
            }
            let younger: Vec<usize> = self.conflicts(res, r, i).filter(|&j| j > i).collect();
            for j in younger {
                // The home shard's answer to a wound is final, so a wound already in flight
                // stands for this one: with three transactions two waiters wound one holder,
                // again at every grant, which would otherwise fill the channel with copies.
                out.resend(self.home(), Msg::Wound(Tx::of(j)));
                if self.variant == Variant::WoundAfterCommit {
                    self.undo(r, res, j, out);
                }
            }
        }
    }

    /// Grants waiting requests that became compatible, oldest first.
    fn grant_waiting(&self, r: usize, res: &mut Resource, out: &mut Out) {
        for tx in 0..self.txs {
            if res.txs[tx].at == At::Waiting && self.conflicts(res, r, tx).next().is_none() {
                self.grant(r, res, tx, out);
            }
        }
    }

    /// Undoes `tx`'s held lock (or aborts it if it holds nothing here).
    fn undo(&self, r: usize, res: &mut Resource, tx: usize, out: &mut Out) {
        match res.txs[tx].at {
            At::Locked => {
                res.txs[tx].at = At::Reverted;
                out.record(Event::Revert {
                    tx: Tx::of(tx).0,
                    shard: node_id(r),
                });
                out.cancel_timer(Timer::LockTimeout(Tx::of(tx)));
                // Seeded bug: the freed lock is not passed on to the waiting transactions.
                if !mutant::on("locking/revert-skips-waiting") {
                    self.grant_waiting(r, res, out);
                }
            }
            At::Unknown | At::Waiting => res.txs[tx].at = At::Aborted,
            At::Released | At::Aborted | At::Reverted => {}
        }
    }

    /// Repeal/confirm: resource shard `s` announced its lock of `tx`.
    fn see(&self, res: &mut Resource, tx: usize, s: usize, out: &mut Out) {
        let all = self.mask(tx);
        let slot = &mut res.txs[tx];
        let before = slot.seen;
        slot.seen |= 1 << s;
        if slot.seen == all && before != all && slot.at == At::Locked {
            out.send(self.home(), Msg::Confirm(Tx::of(tx), res.value));
        }
    }

    fn lock_request(&self, r: usize, res: &mut Resource, tx: usize, out: &mut Out) {
        // The seeded bug: a replayed request re-locks a transaction whose lock was undone, so
        // its next time-out reverts it a second time.
        let relock = res.txs[tx].at == At::Reverted && mutant::on("locking/relock-reverted");
        if res.txs[tx].at != At::Unknown && !relock {
            return;
        }
        if self.conflicts(res, r, tx).next().is_none() {
            self.grant(r, res, tx, out);
            return;
        }
        match self.variant {
            Variant::RepealConfirm => {
                res.txs[tx].at = At::Aborted;
                for s in self.touched(tx).filter(|&s| s != r) {
                    out.send(node_id(s), Msg::Repeal(Tx::of(tx)));
                }
                out.send(self.home(), Msg::Repeal(Tx::of(tx)));
            }
            Variant::WoundWait | Variant::WoundAfterCommit => {
                res.txs[tx].at = At::Waiting;
                self.wound(r, res, out);
            }
            Variant::Default | Variant::NoTimeout | Variant::TimeoutRace => {
                res.txs[tx].at = At::Waiting;
            }
        }
    }

    pub(super) fn resource_message(
        &self,
        id: NodeId,
        res: &mut Resource,
        from: NodeId,
        msg: Msg,
        out: &mut Out,
    ) {
        let r = usize::from(id);
        match msg {
            Msg::LockReq(t) => self.lock_request(r, res, t.index(), out),
            Msg::Release(t, value) => {
                let tx = t.index();
                if res.txs[tx].at == At::Locked {
                    res.txs[tx].at = At::Released;
                    // Seeded mutant (equivalent): the lock time-out is left armed; its handler
                    // acts only on a held lock, so it fires as a no-op.
                    if !mutant::on("locking/keep-timeout-after-release") {
                        out.cancel_timer(Timer::LockTimeout(t));
                    }
                    // Seeded bug: the freed lock goes to a waiting transaction before the new
                    // value is installed, so its proof carries the old value (a lost update).
                    let stale = mutant::on("locking/grant-before-write");
                    if stale {
                        self.grant_waiting(r, res, out);
                    }
                    if let Some(v) = value {
                        res.value = v;
                    }
                    if !stale {
                        self.grant_waiting(r, res, out);
                    }
                }
            }
            Msg::Abort(t) | Msg::Repeal(t) => self.undo(r, res, t.index(), out),
            Msg::Locked(t) => self.see(res, t.index(), usize::from(from), out),
            Msg::LockProof(..) | Msg::Cancel(_) | Msg::Wound(_) | Msg::Confirm(..) => {}
        }
    }

    pub(super) fn lock_timeout(&self, id: NodeId, res: &mut Resource, t: Tx, out: &mut Out) {
        let tx = t.index();
        if res.txs[tx].at != At::Locked {
            return;
        }
        if self.variant == Variant::TimeoutRace {
            // The flaw: release first, then tell the home shard, which aborts only if it has
            // not executed yet.
            self.undo(usize::from(id), res, tx, out);
            out.send(self.home(), Msg::Cancel(t));
        } else {
            // Retried until answered: one Cancel in flight stands for every retry. (Seeded
            // bug: the Cancel is sent once, not retried.)
            out.resend(self.home(), Msg::Cancel(t));
            if !mutant::on("locking/cancel-not-retried") {
                out.set_timer(Timer::LockTimeout(t), 1);
            }
        }
    }

    /// The release message for resource `r` of an executed transaction: a resource it
    /// write-locked gets the sum of the values of every resource it touched, plus 1 (with the
    /// default pattern, `written := written + read + 1`).
    fn release(&self, h: &HomeTx, tx: usize, r: usize) -> Msg {
        let value = (self.mode(tx, r) == Some(LockMode::Write)).then(|| {
            self.touched(tx)
                .fold(0u8, |acc, s| acc.saturating_add(h.vals[s]))
                .saturating_add(1)
        });
        Msg::Release(Tx::of(tx), value)
    }

    fn home_abort(&self, h: &mut HomeTx, tx: usize, notify: bool, out: &mut Out) {
        h.phase = Phase::Aborted;
        if notify {
            for r in self.touched(tx) {
                out.send(node_id(r), Msg::Abort(Tx::of(tx)));
            }
        }
    }

    pub(super) fn home_message(
        &self,
        home: &mut [HomeTx; TXS],
        from: NodeId,
        msg: Msg,
        out: &mut Out,
    ) {
        let s = usize::from(from);
        match msg {
            Msg::LockProof(t, v) | Msg::Confirm(t, v) => {
                let tx = t.index();
                let h = &mut home[tx];
                if h.phase == Phase::Collecting && h.proofs & (1 << s) == 0 {
                    h.proofs |= 1 << s;
                    h.vals[s] = v;
                    // Seeded bug: execute on the first lock proof, not on every shard's.
                    if h.proofs == self.mask(tx) || mutant::on("locking/execute-on-one-proof") {
                        h.phase = Phase::Executed;
                        for r in self.touched(tx) {
                            out.send(node_id(r), self.release(h, tx, r));
                        }
                    }
                }
            }
            Msg::Cancel(t) => {
                let tx = t.index();
                let h = &mut home[tx];
                match h.phase {
                    // Seeded bug: a home shard that waits for the missing proof rather than
                    // abort, so two transactions each holding one lock retry forever.
                    Phase::Collecting
                        if h.proofs != 0 && mutant::on("locking/ignore-cancel-after-proof") => {}
                    // Seeded mutant (equivalent): the abort is not announced; every lock of the
                    // transaction still has its time-out, whose retried Cancel gets the Abort.
                    Phase::Collecting => {
                        let notify = !mutant::on("locking/silent-abort");
                        self.home_abort(h, tx, notify, out);
                    }
                    // Answers to a retried Cancel. (Seeded bugs: an executed transaction is
                    // aborted; the release re-sent is the other resource shard's.)
                    Phase::Executed if mutant::on("locking/abort-executed-on-cancel") => {
                        out.resend(from, Msg::Abort(t));
                    }
                    Phase::Executed => {
                        // The seeded bug re-sends the release of the next resource the
                        // transaction touches (with two, the other one).
                        let r = if mutant::on("locking/resend-other-release") {
                            let mut next = self.touched(tx).cycle().skip_while(|&x| x != s);
                            next.nth(1).unwrap_or(s)
                        } else {
                            s
                        };
                        out.resend(from, self.release(h, tx, r));
                    }
                    Phase::Aborted => out.resend(from, Msg::Abort(t)),
                }
            }
            Msg::Wound(t) => {
                let tx = t.index();
                // Seeded bug: a wound is accepted after the point of no return (execution).
                if home[tx].phase == Phase::Collecting || mutant::on("locking/wound-after-execute")
                {
                    self.home_abort(&mut home[tx], tx, true, out);
                }
            }
            Msg::Repeal(t) => {
                let tx = t.index();
                if home[tx].phase == Phase::Collecting {
                    self.home_abort(&mut home[tx], tx, false, out);
                }
            }
            Msg::LockReq(_) | Msg::Release(..) | Msg::Abort(_) | Msg::Locked(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::Protocol;
    use crate::protocols::locking::{Pattern, RES};

    const HOME: NodeId = 2;
    use xshard_properties::{Observation, Outcome};

    #[test]
    fn every_concerned_shard_reports_each_transaction_from_the_start() {
        let p = model(Variant::Default);
        let nodes: Vec<_> = (0..3).map(|i| p.init(i, &mut Effects::new(0))).collect();
        let mut obs = Observation::default();
        p.observe(&nodes, &mut obs);
        // Two transactions, each at shard-a, shard-b and home; none has been heard of yet.
        assert_eq!(obs.outcomes.len(), 6);
        assert!(obs.outcomes.iter().all(|o| o.outcome == Outcome::Pending));
        assert_eq!((obs.values.len(), obs.effects.len()), (2, 2));
    }

    fn model(variant: Variant) -> Locking {
        Locking::new(variant, 2, 0, 2, Pattern::Cross)
    }

    fn resource(p: &Locking) -> Resource {
        let mut out = Effects::new(0);
        match p.init(0, &mut out) {
            super::super::Node::Resource(r) => r,
            other => panic!("shard-a is a resource shard, got {other:?}"),
        }
    }

    #[test]
    fn a_decided_transaction_is_never_locked_again() {
        let p = model(Variant::Default);
        let mut res = resource(&p);
        let mut out = Effects::new(0);
        p.resource_message(0, &mut res, HOME, Msg::LockReq(Tx(0)), &mut out);
        assert_eq!(res.txs[0].at, At::Locked);
        p.resource_message(0, &mut res, HOME, Msg::Abort(Tx(0)), &mut out);
        assert_eq!(res.txs[0].at, At::Reverted);
        // Replays of the request and of a release change nothing.
        let before = res;
        p.resource_message(0, &mut res, HOME, Msg::LockReq(Tx(0)), &mut out);
        p.resource_message(0, &mut res, HOME, Msg::Release(Tx(0), Some(7)), &mut out);
        assert_eq!(res, before);
    }

    #[test]
    fn the_default_time_out_asks_the_home_shard_instead_of_releasing() {
        for (variant, released) in [(Variant::Default, false), (Variant::TimeoutRace, true)] {
            let p = model(variant);
            let mut res = resource(&p);
            let mut out = Effects::new(0);
            p.resource_message(0, &mut res, HOME, Msg::LockReq(Tx(1)), &mut out);
            let mut out = Effects::new(0);
            p.lock_timeout(0, &mut res, Tx(1), &mut out);
            assert_eq!(res.txs[1].at == At::Reverted, released, "{variant:?}");
            assert_eq!(out.sent(), vec![(HOME, Msg::Cancel(Tx(1)))], "{variant:?}");
        }
    }

    #[test]
    fn the_home_shard_answers_a_cancel_from_its_final_decision() {
        let p = model(Variant::Default);
        let mut home = [HomeTx {
            phase: Phase::Collecting,
            proofs: 0,
            vals: [0; RES],
        }; TXS];
        let mut out = Effects::new(0);
        p.home_message(&mut home, 0, Msg::LockProof(Tx(0), 0), &mut out);
        p.home_message(&mut home, 1, Msg::LockProof(Tx(0), 0), &mut out);
        assert_eq!(home[0].phase, Phase::Executed);
        let mut out = Effects::new(0);
        p.home_message(&mut home, 0, Msg::Cancel(Tx(0)), &mut out);
        assert_eq!(home[0].phase, Phase::Executed);
        assert_eq!(out.sent(), vec![(0, Msg::Release(Tx(0), Some(1)))]);
        let mut out = Effects::new(0);
        p.home_message(&mut home, 1, Msg::Cancel(Tx(1)), &mut out);
        assert_eq!(home[1].phase, Phase::Aborted);
        assert_eq!(
            out.sent(),
            vec![(0, Msg::Abort(Tx(1))), (1, Msg::Abort(Tx(1)))]
        );
    }
}
