//! BFS storage: levels of packed states in chunks, and the counterexample tree, both spilling
//! to a temporary directory when they would pass their share of `max_memory`, so that a
//! breadth-first search is bounded by disk rather than memory (as TLC's is).
//!
//! A [`Level`] holds its states back to back, each as a LEB128 length and its packed bytes,
//! in chunks of [`CHUNK`] states, each chunk one allocation of exactly its size. Once the
//! closed chunks in memory pass the level's budget they are appended to the level's file and
//! only their offsets stay. A sequential search frees each chunk of the level it expands as
//! soon as the chunk is done, so that level shrinks while the next one grows. Any chunk can be read back by index (`pread`), so the parallel search's
//! workers read the frontier's chunks concurrently. A [`Tree`] keeps each level's tree array
//! (parent position and action per state) in memory until the arrays pass their budget, then
//! moves the oldest to a file, read back entry by entry when a counterexample is rebuilt.
//!
//! Files are created in one temporary directory per run ([`Spill`]) and unlinked as soon as
//! they are opened, so their space returns to the disk when they are closed, whatever ends the
//! process; the directory itself is removed when the run ends (also on an error or an
//! interruption, which end the run normally).

use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// The share of `max_memory` (1/n) a level being written keeps in memory before it spills.
pub(crate) const LEVEL_SHARE: u64 = 8;
/// The share of `max_memory` (1/n) the tree arrays keep in memory before the oldest spill.
pub(crate) const TREE_SHARE: u64 = 8;

/// States per chunk (also the parallel search's unit of work).
pub(crate) const CHUNK: usize = 256;

/// Makes room for `extra` more elements, growing by an eighth rather than doubling: a level
/// or a tree array is the largest allocation of a search, and doubling would leave up to half
/// of it unused.
#[inline]
pub(crate) fn reserve_gently<T>(v: &mut Vec<T>, extra: usize) {
    if v.capacity() - v.len() < extra {
        v.reserve_exact((v.capacity() / 8).max(4096) + extra);
    }
}

/// A temporary directory removed (with anything left in it) when dropped.
#[derive(Debug)]
struct SpillDir {
    path: PathBuf,
}

impl Drop for SpillDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A run's spill directory, created on first use, and the count of bytes spilled.
#[derive(Debug)]
pub(crate) struct Spill<'a> {
    dir: Mutex<Option<SpillDir>>,
    seq: AtomicU64,
    spilled: &'a AtomicU64,
}

impl<'a> Spill<'a> {
    pub fn new(spilled: &'a AtomicU64) -> Self {
        Spill {
            dir: Mutex::new(None),
            seq: AtomicU64::new(0),
            spilled,
        }
    }

    /// A new anonymous file in the spill directory (already unlinked).
    fn file(&self) -> io::Result<File> {
        static RUN: AtomicU64 = AtomicU64::new(0);
        let mut dir = self
            .dir
            .lock()
            .map_err(|_| io::Error::other("the spill directory's lock was poisoned"))?;
        if dir.is_none() {
            let path = std::env::temp_dir().join(format!(
                "xshard-spill-{}-{}",
                std::process::id(),
                RUN.fetch_add(1, Relaxed)
            ));
            std::fs::create_dir_all(&path)?;
            *dir = Some(SpillDir { path });
        }
        let Some(d) = dir.as_ref() else {
            return Err(io::Error::other("no spill directory"));
        };
        let path = d
            .path
            .join(format!("{}.bin", self.seq.fetch_add(1, Relaxed)));
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        std::fs::remove_file(&path)?;
        Ok(file)
    }

    fn count(&self, bytes: u64) {
        self.spilled.fetch_add(bytes, Relaxed);
    }
}

#[derive(Debug)]
enum Loc {
    /// In memory (empty once released).
    Mem(Box<[u8]>),
    /// In the level's file, at this offset, this many bytes.
    Disk(u64, u32),
}

/// One BFS level of packed states (see the module documentation).
#[derive(Debug)]
pub(crate) struct Level {
    chunks: Vec<Loc>,
    /// The chunk being written, and its states so far.
    open: Vec<u8>,
    open_states: u32,
    /// Bytes of closed chunks in memory.
    mem_bytes: usize,
    states: usize,
    file: Option<File>,
    file_len: u64,
    /// Bytes of closed chunks kept in memory before they go to the file (`None`: never).
    budget: Option<usize>,
}

impl Level {
    pub fn new(budget: Option<usize>) -> Self {
        Level {
            chunks: Vec::new(),
            open: Vec::new(),
            open_states: 0,
            mem_bytes: 0,
            states: 0,
            file: None,
            file_len: 0,
            budget,
        }
    }

    /// States in the level.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.states
    }

    pub fn is_empty(&self) -> bool {
        self.states == 0
    }

    /// Closed chunks ([`Level::finish`] closes the last one).
    pub fn chunks(&self) -> usize {
        self.chunks.len()
    }

    /// Appends a packed state.
    #[inline]
    pub fn push(&mut self, bytes: &[u8], spill: &Spill<'_>) -> io::Result<()> {
        let mut n = bytes.len();
        while n >= 0x80 {
            self.open.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.open.push(n as u8);
        self.open.extend_from_slice(bytes);
        self.open_states += 1;
        self.states += 1;
        if self.open_states as usize == CHUNK {
            self.close();
            if self.budget.is_some_and(|b| self.mem_bytes > b) {
                self.flush(spill)?;
            }
        }
        Ok(())
    }

    /// Closes the chunk being written: one allocation of exactly its size (no slack), which
    /// [`Level::release`] can free as soon as the chunk is expanded.
    fn close(&mut self) {
        if self.open_states == 0 {
            return;
        }
        let chunk: Box<[u8]> = self.open.as_slice().into();
        self.mem_bytes += chunk.len();
        self.chunks.push(Loc::Mem(chunk));
        self.open.clear();
        self.open_states = 0;
    }

    /// Moves every closed chunk in memory to the file.
    fn flush(&mut self, spill: &Spill<'_>) -> io::Result<()> {
        if self.file.is_none() {
            self.file = Some(spill.file()?);
        }
        let Some(file) = self.file.as_mut() else {
            return Err(io::Error::other("no spill file"));
        };
        let mut out = io::BufWriter::with_capacity(1 << 20, file);
        for c in &mut self.chunks {
            if let Loc::Mem(b) = c {
                if b.is_empty() {
                    continue;
                }
                out.write_all(b)?;
                spill.count(b.len() as u64);
                let len = b.len() as u32;
                *c = Loc::Disk(self.file_len, len);
                self.file_len += u64::from(len);
            }
        }
        out.flush()?;
        self.mem_bytes = 0;
        Ok(())
    }

    /// Closes the last chunk: the level is complete and will only be read.
    pub fn finish(&mut self) {
        self.close();
        self.open = Vec::new();
    }

    /// The bytes of chunk `k` (read into `buf` if it is on disk).
    #[inline]
    pub fn chunk<'a>(&'a self, k: usize, buf: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        match &self.chunks[k] {
            Loc::Mem(b) => Ok(b),
            Loc::Disk(off, len) => {
                let Some(file) = self.file.as_ref() else {
                    return Err(io::Error::other("a spilled chunk without its file"));
                };
                buf.resize(*len as usize, 0);
                file.read_exact_at(buf, *off)?;
                Ok(buf)
            }
        }
    }

    /// Frees chunk `k`'s memory: a sequential search calls it once the chunk is expanded, so
    /// the level being expanded shrinks while the next one grows.
    pub fn release(&mut self, k: usize) {
        if let Loc::Mem(b) = &mut self.chunks[k] {
            self.mem_bytes -= b.len();
            *b = Box::default();
        }
    }
}

/// The packed states of a chunk, in order.
#[inline]
pub(crate) fn states(chunk: &[u8]) -> States<'_> {
    States { b: chunk, at: 0 }
}

/// Iterator over a chunk's states.
pub(crate) struct States<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Iterator for States<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.at >= self.b.len() {
            return None;
        }
        let mut n = 0usize;
        let mut shift = 0;
        loop {
            let byte = self.b[self.at];
            self.at += 1;
            n |= usize::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                break;
            }
            shift += 7;
        }
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        Some(s)
    }
}

/// Reads a level's states in order, one chunk at a time.
pub(crate) struct Cursor<'a> {
    level: &'a Level,
    next_chunk: usize,
    buf: Vec<u8>,
    at: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(level: &'a Level) -> Self {
        Cursor {
            level,
            next_chunk: 0,
            buf: Vec::new(),
            at: 0,
        }
    }

    /// The next state, or `None` at the end.
    pub fn next_state(&mut self) -> io::Result<Option<&[u8]>> {
        if self.at >= self.buf.len() {
            if self.next_chunk >= self.level.chunks() {
                return Ok(None);
            }
            let mut tmp = std::mem::take(&mut self.buf);
            let data = self.level.chunk(self.next_chunk, &mut tmp)?.to_vec();
            self.buf = data;
            self.next_chunk += 1;
            self.at = 0;
        }
        let mut it = States {
            b: &self.buf,
            at: self.at,
        };
        let s = it.next();
        self.at = it.at;
        Ok(s)
    }
}

#[derive(Debug)]
enum TreeLevel {
    Mem(Vec<u64>),
    Disk { off: u64, len: usize },
}

/// The BFS tree: per level, per state, its parent's position and action (see the module
/// documentation).
#[derive(Debug)]
pub(crate) struct Tree {
    levels: Vec<TreeLevel>,
    mem_bytes: usize,
    budget: Option<usize>,
    file: Option<File>,
    file_len: u64,
}

impl Tree {
    pub fn new(budget: Option<usize>) -> Self {
        Tree {
            levels: Vec::new(),
            mem_bytes: 0,
            budget,
            file: None,
            file_len: 0,
        }
    }

    /// Levels stored.
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    /// Adds the next level's entries; moves the oldest levels to disk while over budget.
    pub fn push(&mut self, entries: Vec<u64>, spill: &Spill<'_>) -> io::Result<()> {
        self.mem_bytes += entries.len() * 8;
        self.levels.push(TreeLevel::Mem(entries));
        let Some(budget) = self.budget else {
            return Ok(());
        };
        let mut l = 0;
        while self.mem_bytes > budget && l + 1 < self.levels.len() {
            if let TreeLevel::Mem(v) = &self.levels[l] {
                if self.file.is_none() {
                    self.file = Some(spill.file()?);
                }
                let Some(file) = self.file.as_mut() else {
                    return Err(io::Error::other("no spill file"));
                };
                let mut bytes = Vec::with_capacity(v.len() * 8);
                for e in v {
                    bytes.extend_from_slice(&e.to_le_bytes());
                }
                file.write_all(&bytes)?;
                spill.count(bytes.len() as u64);
                let (off, len) = (self.file_len, v.len());
                self.file_len += bytes.len() as u64;
                self.mem_bytes -= len * 8;
                self.levels[l] = TreeLevel::Disk { off, len };
            }
            l += 1;
        }
        Ok(())
    }

    /// Moves every level still in memory to the file, without counting it as spilled: what
    /// the search's budget forced out is counted, this is the tree set aside while `progress`
    /// is judged, read back only for a counterexample.
    pub fn set_aside(&mut self, spill: &Spill<'_>) -> io::Result<()> {
        for l in 0..self.levels.len() {
            let TreeLevel::Mem(v) = &self.levels[l] else {
                continue;
            };
            if self.file.is_none() {
                self.file = Some(spill.file()?);
            }
            let Some(file) = self.file.as_mut() else {
                return Err(io::Error::other("no spill file"));
            };
            let mut out = io::BufWriter::with_capacity(1 << 20, file);
            for e in v {
                out.write_all(&e.to_le_bytes())?;
            }
            out.flush()?;
            let (off, len) = (self.file_len, v.len());
            self.file_len += len as u64 * 8;
            self.mem_bytes -= len * 8;
            self.levels[l] = TreeLevel::Disk { off, len };
        }
        Ok(())
    }

    /// The path to the state at position `pos` of level `level`: its initial state's index and
    /// the action indices from it.
    pub fn path(&self, level: usize, pos: usize) -> io::Result<(usize, Vec<usize>)> {
        let mut actions = Vec::with_capacity(level);
        let mut j = pos;
        for l in (1..=level).rev() {
            let e = self.get(l, j)?;
            actions.push((e & 0xffff_ffff) as usize);
            j = (e >> 32) as usize;
        }
        actions.reverse();
        Ok((self.get(0, j)? as usize, actions))
    }

    /// Entry `j` of level `l`.
    pub fn get(&self, l: usize, j: usize) -> io::Result<u64> {
        match &self.levels[l] {
            TreeLevel::Mem(v) => Ok(v[j]),
            TreeLevel::Disk { off, len } => {
                if j >= *len {
                    return Err(io::Error::other("a tree entry beyond its level"));
                }
                let Some(file) = self.file.as_ref() else {
                    return Err(io::Error::other("a spilled tree level without its file"));
                };
                let mut b = [0u8; 8];
                file.read_exact_at(&mut b, off + 8 * j as u64)?;
                Ok(u64::from_le_bytes(b))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_released_chunk_is_freed_and_the_rest_reads_back() {
        let spilled = AtomicU64::new(0);
        let spill = Spill::new(&spilled);
        let mut level = Level::new(None);
        for i in 0..1000u32 {
            level.push(&i.to_le_bytes(), &spill).expect("push");
        }
        level.finish();
        assert_eq!(spilled.load(Relaxed), 0);
        level.release(0);
        let mut buf = Vec::new();
        assert!(level.chunk(0, &mut buf).expect("chunk").is_empty());
        let c = level.chunk(1, &mut buf).expect("chunk");
        assert_eq!(states(c).next(), Some(&256u32.to_le_bytes()[..]));
    }

    #[test]
    fn a_spilling_level_reads_back_in_order() {
        let spilled = AtomicU64::new(0);
        let spill = Spill::new(&spilled);
        let mut level = Level::new(Some(1000));
        let all: Vec<Vec<u8>> = (0..3000u32)
            .map(|i| (0..(i % 300)).map(|b| (b ^ i) as u8).collect())
            .collect();
        for s in &all {
            level.push(s, &spill).expect("push");
        }
        level.finish();
        assert!(spilled.load(Relaxed) > 0);
        assert_eq!(level.len(), all.len());
        let mut got = Vec::new();
        let mut buf = Vec::new();
        for k in 0..level.chunks() {
            let c = level.chunk(k, &mut buf).expect("chunk");
            assert!(states(c).count() <= CHUNK);
            got.extend(states(c).map(<[u8]>::to_vec));
        }
        assert_eq!(got, all);
        let mut cur = Cursor::new(&level);
        let mut again = Vec::new();
        while let Some(s) = cur.next_state().expect("read") {
            again.push(s.to_vec());
        }
        assert_eq!(again, all);
        let dir = spill
            .dir
            .lock()
            .ok()
            .and_then(|d| d.as_ref().map(|d| d.path.clone()));
        drop(level);
        drop(spill);
        assert!(dir.is_some_and(|d| !d.exists()), "the directory is removed");
    }

    #[test]
    fn a_spilling_tree_reads_back() {
        let spilled = AtomicU64::new(0);
        let spill = Spill::new(&spilled);
        let mut tree = Tree::new(Some(800));
        for l in 0..10u64 {
            tree.push((0..50).map(|j| l * 1000 + j).collect(), &spill)
                .expect("push");
        }
        assert!(spilled.load(Relaxed) > 0);
        for l in 0..10usize {
            for j in 0..50usize {
                assert_eq!(tree.get(l, j).expect("get"), l as u64 * 1000 + j as u64);
            }
        }
    }
}
