//! Seeded mutants: one-line, plausible bugs in the built-in models, switched on one at a time
//! to check that the properties catch them (the mutation suite, `tests/it/mutants.rs`).
//!
//! A mutation point in a model reads `if mutant::on("two-phase-commit/skip-last-retransmit")
//! { … }`. Without the `mutants` cargo feature [`on`] is a constant `false`, so release
//! binaries carry no mutant and pay nothing. With it, the mutant named by the environment
//! variable [`VAR`] is on (at most one per process). [`MUTANTS`] lists every mutation point
//! with the properties that must catch it; the suite runs each and reports the kill rate.
//!
//! A mutant listed as [`Expect::Equivalent`] cannot change a verdict, for the reason it gives
//! (a left-over timer whose handler is guarded, a check made redundant by another); the suite
//! checks that it gets the original's verdict. A real bug that no property catches is never
//! listed as equivalent: the property layer is fixed instead (`receipts/overdraft` is why
//! `conservation` also flags a negative holding), or the mutant stays out of the table and
//! the gap is documented (DESIGN.md, "Seeded mutants are data").

/// The environment variable naming the active mutant (builds with the `mutants` feature only).
pub const VAR: &str = "XSHARD_MUTANT";

/// Whether mutant `name` is the active one.
#[cfg(not(feature = "mutants"))]
#[inline(always)]
pub fn on(_name: &str) -> bool {
    false
}

/// Whether mutant `name` is the active one.
#[cfg(feature = "mutants")]
pub fn on(name: &str) -> bool {
    use std::sync::OnceLock;
    static ACTIVE: OnceLock<Option<String>> = OnceLock::new();
    ACTIVE.get_or_init(|| std::env::var(VAR).ok()).as_deref() == Some(name)
}

/// What a mutant must get: the properties that must be violated (or unwitnessed), or a
/// reason the mutant is equivalent to the original (the suite then checks it gets the original
/// verdict).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Exactly these properties fail.
    Killed(&'static [&'static str]),
    /// The mutant cannot change behaviour, for this reason; it must keep the original verdict.
    Equivalent(&'static str),
}

/// One seeded mutant.
#[derive(Clone, Copy, Debug)]
pub struct Mutant {
    /// `model/what`: the name [`on`] is called with.
    pub name: &'static str,
    /// The command-line arguments after `xshard check` that run it (model first).
    pub args: &'static [&'static str],
    /// The bug, in one sentence.
    pub summary: &'static str,
    /// What it must get.
    pub expect: Expect,
}

/// Every mutation point of the built-in models, by model. Each run explores at most about
/// 13,000 states, except those on locking's default variant (100,000 to 240,000 states) and
/// `locking/relock-reverted` (`--replay 1`: 1.5 million states, most of the suite's time).
pub const MUTANTS: &[Mutant] = &[
    // two-phase-commit
    Mutant {
        name: "two-phase-commit/skip-last-retransmit",
        args: &["two-phase-commit", "--loss", "1"],
        summary: "the coordinator's retransmission skips the last shard, so a lost decision to it \
                  is never repeated and the coordinator retries forever",
        expect: Expect::Killed(&["progress"]),
    },
    Mutant {
        name: "two-phase-commit/ack-only-on-change",
        args: &["two-phase-commit"],
        summary: "a shard acknowledges a decision only when it changes the shard, so a shard \
                  that aborted on its own time-out never answers and the coordinator re-sends \
                  the Abort forever",
        expect: Expect::Killed(&["progress"]),
    },
    Mutant {
        name: "two-phase-commit/commit-on-first-yes",
        args: &["two-phase-commit"],
        summary: "the coordinator commits on the first yes vote: the other shard may have \
                  aborted on its time-out, or, its Prepare lost, ignore the Commit and never \
                  decide",
        expect: Expect::Killed(&["atomicity", "deadlock_freedom", "progress"]),
    },
    Mutant {
        name: "two-phase-commit/count-vote-after-decision",
        args: &["two-phase-commit"],
        summary: "the coordinator still counts yes votes after its vote time-out aborted the \
                  transaction, and commits when the last one arrives: shards already told \
                  to abort stay aborted",
        expect: Expect::Killed(&["atomicity"]),
    },
    Mutant {
        name: "two-phase-commit/no-retransmit-timer",
        args: &["two-phase-commit", "--loss", "1"],
        summary: "the coordinator sends its decision once and never arms the retransmission \
                  timer, so a lost decision leaves its shard prepared, holding its lock",
        expect: Expect::Killed(&["deadlock_freedom", "progress"]),
    },
    Mutant {
        name: "two-phase-commit/ack-cancels-retransmit-early",
        args: &["two-phase-commit", "--loss", "1"],
        summary: "the first Ack cancels the retransmission timer, so a decision lost to \
                  another shard is never repeated and that shard stays prepared",
        expect: Expect::Killed(&["deadlock_freedom", "progress"]),
    },
    Mutant {
        name: "two-phase-commit/unlogged-decision",
        args: &[
            "two-phase-commit",
            "--crashes",
            "1",
            "--crash-mode",
            "recover",
        ],
        summary: "the coordinator does not log its decision before sending it, so after a \
                  crash it presumes abort for a transaction it committed and tells the \
                  shards that have not acknowledged to abort",
        expect: Expect::Killed(&["atomicity"]),
    },
    Mutant {
        name: "two-phase-commit/prepare-after-abort",
        args: &["two-phase-commit"],
        summary: "a late Prepare revives a shard that had already aborted and acknowledged the \
                  abort; it votes yes after the decision and stays prepared, holding its lock, \
                  for good",
        expect: Expect::Killed(&["deadlock_freedom", "progress"]),
    },
    Mutant {
        name: "two-phase-commit/keep-vote-timeout",
        args: &["two-phase-commit"],
        summary: "the coordinator does not cancel its vote time-out when it decides",
        expect: Expect::Equivalent(
            "the vote time-out's handler acts only while the coordinator is collecting votes, \
             so the left-over timer fires as a no-op: more states, the same verdicts",
        ),
    },
    // locking
    Mutant {
        name: "locking/relock-reverted",
        args: &["locking", "--replay", "1"],
        summary: "a resource shard grants a replayed lock request of a transaction whose lock it \
                  already undid, and its next time-out reverts the transaction a second time",
        expect: Expect::Killed(&["timeout_revert"]),
    },
    Mutant {
        name: "locking/execute-on-one-proof",
        args: &["locking"],
        summary: "the home shard executes a transaction on its first lock proof, without the \
                  other resource shard's lock",
        // With the default's lost message the premature execution also strands the other
        // shard's lock request.
        expect: Expect::Killed(&["deadlock_freedom", "progress", "serializability"]),
    },
    Mutant {
        name: "locking/grant-before-write",
        args: &["locking"],
        summary: "a release grants the freed lock to a waiting transaction before installing \
                  the new value, so its lock proof carries the old one (a lost update)",
        expect: Expect::Killed(&["serializability"]),
    },
    Mutant {
        name: "locking/ignore-cancel-after-proof",
        args: &["locking"],
        summary: "the two-lock deadlock: the home shard ignores Cancel once a lock proof is in, \
                  so two transactions each holding one lock time out and retry forever",
        expect: Expect::Killed(&["progress"]),
    },
    Mutant {
        name: "locking/write-shares-read",
        args: &["locking", "--variant", "wound-wait"],
        summary: "two locks conflict only when both are writes, so a read lock is granted next \
                  to a write lock: both transactions execute on the initial values (a lost \
                  update); nothing ever waits, so nothing is wounded and nothing aborts",
        expect: Expect::Killed(&["can_abort", "isolation", "serializability"]),
    },
    Mutant {
        name: "locking/revert-skips-waiting",
        args: &["locking", "--variant", "wound-wait"],
        summary: "undoing a lock (here a wounded transaction's) does not pass it on to the \
                  transaction waiting for it, which waits for good",
        expect: Expect::Killed(&["deadlock_freedom", "progress"]),
    },
    Mutant {
        name: "locking/abort-executed-on-cancel",
        args: &["locking"],
        summary: "the home shard answers a Cancel of a transaction it already executed with \
                  Abort, and the resource shard reverts an executed transaction",
        expect: Expect::Killed(&["atomicity", "serializability", "timeout_revert"]),
    },
    Mutant {
        name: "locking/resend-other-release",
        args: &["locking"],
        summary: "the release the home shard re-sends in answer to a Cancel is the other \
                  resource shard's, so a shard installs the wrong value (or none) and the \
                  original release, arriving later, is ignored",
        expect: Expect::Killed(&["serializability"]),
    },
    Mutant {
        name: "locking/cancel-not-retried",
        args: &["locking", "--loss", "1"],
        summary: "a lock time-out sends Cancel once and is not re-armed, so a lost Cancel (or a \
                  lost answer) leaves the lock held for good",
        expect: Expect::Killed(&["deadlock_freedom", "progress"]),
    },
    Mutant {
        name: "locking/wound-after-execute",
        args: &["locking", "--variant", "wound-wait"],
        summary: "the home shard accepts a wound after it executed the wounded transaction (no \
                  point of no return) and aborts it: a resource shard the release has not \
                  reached yet reverts it",
        expect: Expect::Killed(&["atomicity", "serializability", "timeout_revert"]),
    },
    Mutant {
        name: "locking/silent-abort",
        args: &["locking"],
        summary: "the home shard aborts a transaction on a Cancel without sending Abort to the \
                  resource shards",
        // Listed as equivalent while locking's default had a reliable network (the retried
        // Cancel gets the Abort anyway); the default's lost message shows it is not
        // (deadlock_freedom and progress are violated).
        expect: Expect::Killed(&["deadlock_freedom", "progress"]),
    },
    Mutant {
        name: "locking/keep-timeout-after-release",
        args: &["locking"],
        summary: "a resource shard does not cancel the lock time-out when it applies the \
                  release",
        expect: Expect::Equivalent(
            "the lock time-out's handler acts only on a lock still held, so the left-over timer \
             fires as a no-op: more states, the same verdicts",
        ),
    },
    // train-hotel
    Mutant {
        name: "train-hotel/commit-on-one-hold",
        args: &["train-hotel"],
        summary: "the escrow commits on the first Held proof: the other item expires at the \
                  deadline, or is held after its Commit went by and stays held",
        expect: Expect::Killed(&["atomicity", "progress"]),
    },
    Mutant {
        name: "train-hotel/mint-without-debit",
        args: &["train-hotel"],
        summary: "the escrow issues the payment receipts without debiting the escrow (value \
                  minted twice)",
        expect: Expect::Killed(&["conservation"]),
    },
    Mutant {
        name: "train-hotel/commit-copy-paste",
        args: &["train-hotel"],
        summary: "the hotel's Commit is sent to the train (a copy-and-paste slip): the hotel \
                  keeps its hold past the deadline and never sells",
        expect: Expect::Killed(&["can_commit", "progress", "timeout_revert"]),
    },
    Mutant {
        name: "train-hotel/refund-keeps-escrow",
        args: &["train-hotel"],
        summary: "the refund at the deadline pays the user back without emptying the escrow",
        expect: Expect::Killed(&["conservation"]),
    },
    Mutant {
        name: "train-hotel/deadline-one-late",
        args: &["train-hotel"],
        summary: "the escrow's deadline timer fires a tick after D, so its Abort reaches a hold \
                  after D plus delta",
        expect: Expect::Killed(&["timeout_revert"]),
    },
    Mutant {
        name: "train-hotel/abort-forgets-request",
        args: &["train-hotel"],
        summary: "an Abort that reaches an unheld request cancels its expiry but does not mark \
                  it expired, so the request stays open for good",
        expect: Expect::Killed(&["progress"]),
    },
    Mutant {
        name: "train-hotel/keep-deadline-after-commit",
        args: &["train-hotel"],
        summary: "the escrow does not cancel its deadline timer when it commits",
        expect: Expect::Equivalent(
            "the deadline's handler refunds only an open booking, so the left-over timer fires \
             at D as a no-op: more states, the same verdicts",
        ),
    },
    Mutant {
        name: "train-hotel/hold-at-deadline",
        args: &["train-hotel"],
        summary: "a resource shard may still hold its item at tick D itself (`<=` for `<`)",
        expect: Expect::Equivalent(
            "the escrow decides at D on the proofs it has: a hold made at D either counts (its \
             Held arrives at D, before the deadline fires) or is answered by the Abort sent at \
             D, which reaches it by D plus delta, so no hold outlives its bound",
        ),
    },
    // yanking
    Mutant {
        name: "yanking/yank-booked",
        args: &["yanking"],
        summary: "the room may be yanked while booked, taking it away from its booking",
        expect: Expect::Killed(&["booking_integrity"]),
    },
    Mutant {
        name: "yanking/forget-claimed-insert",
        args: &["yanking", "--replay", "1"],
        summary: "the target instantiates a claimed room but does not add the receipt to its \
                  claimed set, so a replayed claim instantiates it again",
        expect: Expect::Killed(&[
            "booking_integrity",
            "conservation",
            "no_double_create",
            "unique_location",
        ]),
    },
    Mutant {
        name: "yanking/book-without-room",
        args: &["yanking"],
        summary: "the booking does not check that the room is on the train's shard and free, \
                  so it books (and instantiates) a room that is elsewhere",
        expect: Expect::Killed(&["booking_integrity", "conservation", "unique_location"]),
    },
    Mutant {
        name: "yanking/yank-keeps-room",
        args: &["yanking"],
        summary: "a yank emits its receipt but does not delete the room, which is then both \
                  on its shard and in transit",
        expect: Expect::Killed(&["conservation", "unique_location"]),
    },
    Mutant {
        name: "yanking/claim-to-source",
        args: &["yanking"],
        summary: "the claim is submitted to the receipt's own shard, which re-creates the room \
                  there: it never reaches the train's shard and nothing can be booked",
        expect: Expect::Killed(&["can_commit"]),
    },
    Mutant {
        name: "yanking/volatile-claimed-set",
        args: &["yanking", "--crashes", "1", "--crash-mode", "recover"],
        summary: "the claimed set is not persisted, so a shard that crashes and recovers \
                  honours a replayed claim again",
        expect: Expect::Killed(&[
            "booking_integrity",
            "conservation",
            "no_double_create",
            "unique_location",
        ]),
    },
    Mutant {
        name: "yanking/claimed-unsorted",
        args: &["yanking", "-p", "yanks=3"],
        summary: "a claimed receipt is appended to the claimed set instead of inserted in order",
        expect: Expect::Equivalent(
            "each shard claims only the other shard's receipts, and claims them in yank order \
             (the room must come back before its next yank), whose ids increase: appending \
             keeps the set sorted, and the state graph is identical",
        ),
    },
    // receipts
    Mutant {
        name: "receipts/forget-bit",
        args: &["receipts"],
        summary: "the destination credits a receipt without setting its bit, so every copy of \
                  the claim is credited and no transfer is ever recorded as done",
        expect: Expect::Killed(&[
            "can_commit",
            "conservation",
            "no_double_create",
            "no_double_spend",
            "progress",
        ]),
    },
    Mutant {
        name: "receipts/bit-by-credit-count",
        args: &["receipts"],
        summary: "the destination sets the bit of its credit count, not of the receipt's \
                  sequence number (the same while claims arrive in order): a receipt credited \
                  out of order can be credited again, and the one whose bit it took never is",
        expect: Expect::Killed(&["no_double_create", "no_double_spend", "progress"]),
    },
    Mutant {
        name: "receipts/claim-next-block",
        args: &["receipts"],
        summary: "the crosslink's claim names the block after the one finalized (off by one): \
                  a receipt not final, or not sent, is credited and the first is never claimed",
        expect: Expect::Killed(&["conservation", "progress"]),
    },
    Mutant {
        name: "receipts/finalize-claims-head",
        args: &["receipts", "--copies", "3"],
        summary: "the relayer proves the claim against the head again after the crosslink, so \
                  the destination refuses every claim and nothing is ever transferred",
        expect: Expect::Killed(&["can_commit", "progress"]),
    },
    Mutant {
        name: "receipts/volatile-bitfield",
        args: &["receipts", "--crashes", "1", "--crash-mode", "recover"],
        summary: "the claimed bitfield is not persisted, so after a crash the destination \
                  credits a replayed claim again",
        expect: Expect::Killed(&[
            "conservation",
            "no_double_create",
            "no_double_spend",
            "progress",
        ]),
    },
    // Found by this suite: the total of the ledger stays equal to the supply (A's balance
    // goes to -1), so `conservation` held until it also flagged a negative holding.
    Mutant {
        name: "receipts/overdraft",
        args: &["receipts"],
        summary: "the source may send with its balance at zero (`<=` for `<`): it overdraws \
                  and the destination is credited more than the supply",
        expect: Expect::Killed(&["conservation"]),
    },
    // merge-blocks
    Mutant {
        name: "merge-blocks/b-ignores-partner",
        args: &["merge-blocks"],
        summary: "the fork choice keeps B's half canonical whether or not its partner is on A: \
                  after A reorgs, the hotel is booked and the train is not",
        expect: Expect::Killed(&["atomicity"]),
    },
    Mutant {
        name: "merge-blocks/a-ignores-reference",
        args: &["merge-blocks"],
        summary: "the fork choice keeps A's half canonical whether or not B's canonical chain \
                  references it: after B reorgs, the train is booked and the hotel is not",
        expect: Expect::Killed(&["atomicity"]),
    },
    Mutant {
        name: "merge-blocks/partner-off-by-one",
        args: &["merge-blocks"],
        summary: "the merge proposal names the block below A's new one (off by one), so B's \
                  half never finds its partner and neither half is ever canonical",
        expect: Expect::Killed(&["can_commit"]),
    },
    Mutant {
        name: "merge-blocks/has-ignores-fork",
        args: &["merge-blocks", "-p", "reorgs=2"],
        summary: "looking a partner up on A compares the height but not the fork",
        expect: Expect::Equivalent(
            "A holds at most one block, its half of T, and a reorg replaces it by an empty \
             block, which the lookup's `tx` test already rejects: the lookup gives the same \
             answer in every state",
        ),
    },
    Mutant {
        name: "merge-blocks/reference-whole-chain",
        args: &["merge-blocks", "-p", "reorgs=2", "--replay", "2"],
        summary: "A's half counts as referenced by any block of B, not only by B's canonical \
                  prefix",
        expect: Expect::Equivalent(
            "every half B includes names A's one block: if A holds it, no half of B is cut and \
             the prefix is the whole chain; if not, A has no half to reference: the fork \
             choice gives the same answer in every state",
        ),
    },
];
