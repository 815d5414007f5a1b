//! Successor generation on packed states, shared by every strategy.
//!
//! The engine stores states only in their packed form ([`Checkable::pack`]) and fingerprints
//! that form. An [`Expander`] is one worker's working memory: the state being expanded
//! (unpacked into a reused value), the successor being built (ditto, by
//! [`Checkable::next_into`]), the model's scratch, and the packed successors of the last
//! expansion back to back in one buffer. Nothing is allocated per successor once the buffers
//! have grown to the model's size.

use xshard_models::{Checkable, Cut};

use super::fingerprint::fingerprint_bytes;

/// One successor of the last expansion.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Succ {
    /// Its action index in `Model::actions` order.
    pub action: u32,
    /// Its packed bytes in [`Expander::bytes`].
    pub start: u32,
    pub end: u32,
    /// The fingerprint of those bytes.
    pub fp: u64,
    /// Whether the action is a progress step ([`Checkable::progress_step`]).
    pub progress: bool,
    /// Whether the successor was cut by the copy cap (computed only when asked for).
    pub capped: bool,
}

/// A worker's working memory for expanding packed states (see the module documentation).
pub(crate) struct Expander<M: Checkable> {
    pub scratch: M::Scratch,
    /// The state being expanded.
    pub state: M::State,
    /// The successors of the last expansion, one reused state each (`succ[k]` is `kids[k]`).
    kids: Vec<M::State>,
    /// Where packed states are unpacked for judging.
    pub child: M::State,
    /// How the last expansion packed its successors.
    last: Sym,
    /// The packed successors of the last expansion.
    pub bytes: Vec<u8>,
    pub succ: Vec<Succ>,
    /// A canonical successor's packed bytes, when the concrete one is kept.
    tmp: Vec<u8>,
}

/// What a search stores, and fingerprints, with symmetry reduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sym {
    /// No reduction: the state itself.
    Off,
    /// Stores and fingerprints the canonical representative (BFS, the graph pass).
    Canonical,
    /// Stores the concrete state and fingerprints its representative (DFS, whose paths are
    /// the concrete search path).
    Concrete,
}

impl Sym {
    pub fn new(on: bool, keep_concrete: bool) -> Sym {
        match (on, keep_concrete) {
            (false, _) => Sym::Off,
            (true, false) => Sym::Canonical,
            (true, true) => Sym::Concrete,
        }
    }
}

impl<M: Checkable> Expander<M> {
    pub fn new(model: &M) -> Self {
        Expander {
            scratch: M::Scratch::default(),
            state: model.blank(),
            kids: Vec::new(),
            child: model.blank(),
            last: Sym::Off,
            bytes: Vec::new(),
            succ: Vec::new(),
            tmp: Vec::new(),
        }
    }

    /// Unpacks `bytes` as the state to expand.
    #[inline]
    pub fn load(&mut self, model: &M, bytes: &[u8]) {
        model.unpack(bytes, &mut self.scratch, &mut self.state);
    }

    /// Appends the packed form `sym` stores of `s` to `out`; its fingerprint.
    #[inline]
    pub fn pack_into(&mut self, model: &M, sym: Sym, s: &M::State, out: &mut Vec<u8>) -> u64 {
        let start = out.len();
        match sym {
            Sym::Off => {
                model.pack(s, &mut self.scratch, out);
                fingerprint_bytes(&out[start..])
            }
            Sym::Canonical => {
                model.pack_representative(s, &mut self.scratch, out);
                fingerprint_bytes(&out[start..])
            }
            Sym::Concrete => {
                self.tmp.clear();
                model.pack_representative(s, &mut self.scratch, &mut self.tmp);
                model.pack(s, &mut self.scratch, out);
                fingerprint_bytes(&self.tmp)
            }
        }
    }

    /// Generates the successors of the loaded state into [`Expander::succ`] and
    /// [`Expander::bytes`]: every action whose next state exists and is within the model's
    /// boundary, packed and fingerprinted as `sym` says. Action indices count every
    /// action of `Model::actions`, as stateright's paths do. `capped`: also tell which
    /// successors the copy cap cut.
    #[inline]
    pub fn expand(&mut self, model: &M, sym: Sym, capped: bool, actions: &mut Vec<M::Action>) {
        self.bytes.clear();
        self.expand_appending(model, sym, capped, actions);
    }

    /// [`Expander::expand`], appending the packed successors to [`Expander::bytes`] after
    /// those already there (a caller that collects the successors of several states keeps
    /// them where they are packed rather than copying them out; it empties `bytes` itself).
    #[inline]
    pub fn expand_appending(
        &mut self,
        model: &M,
        sym: Sym,
        capped: bool,
        actions: &mut Vec<M::Action>,
    ) {
        self.succ.clear();
        self.last = sym;
        actions.clear();
        model.actions(&self.state, actions);
        for (i, a) in actions.drain(..).enumerate() {
            let progress = model.progress_step(&a);
            let n = self.succ.len();
            if n == self.kids.len() {
                self.kids.push(model.blank());
            }
            let kid = &mut self.kids[n];
            if !model.next_into(&self.state, a, kid, &mut self.scratch) {
                continue;
            }
            if !model.within_boundary(kid) {
                continue;
            }
            let cap = capped && model.cut(kid) == Some(Cut::CopyCap);
            let start = self.bytes.len();
            let fp = match sym {
                Sym::Off => {
                    model.pack(kid, &mut self.scratch, &mut self.bytes);
                    fingerprint_bytes(&self.bytes[start..])
                }
                // Packed without a copy of the successor (the kernel renames straight into
                // its scratch, or packs `kid` itself when it is already canonical).
                Sym::Canonical => {
                    model.pack_representative(kid, &mut self.scratch, &mut self.bytes);
                    fingerprint_bytes(&self.bytes[start..])
                }
                Sym::Concrete => {
                    self.tmp.clear();
                    model.pack_representative(kid, &mut self.scratch, &mut self.tmp);
                    model.pack(kid, &mut self.scratch, &mut self.bytes);
                    fingerprint_bytes(&self.tmp)
                }
            };
            self.succ.push(Succ {
                action: i as u32,
                start: start as u32,
                end: self.bytes.len() as u32,
                fp,
                progress,
                capped: cap,
            });
        }
    }

    /// The packed bytes of successor `k`.
    #[inline]
    pub fn packed(&self, k: usize) -> &[u8] {
        let s = self.succ[k];
        &self.bytes[s.start as usize..s.end as usize]
    }

    /// Successor `k` as stored: the state itself, or (symmetry, canonical storage) its
    /// representative, unpacked into [`Expander::child`].
    #[inline]
    pub fn successor(&mut self, model: &M, k: usize) -> &M::State {
        if self.last != Sym::Canonical {
            return &self.kids[k];
        }
        let s = self.succ[k];
        model.unpack(
            &self.bytes[s.start as usize..s.end as usize],
            &mut self.scratch,
            &mut self.child,
        );
        &self.child
    }
}
