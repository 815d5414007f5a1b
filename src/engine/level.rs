//! BFS storage: levels of packed states in chunks, and the counterexample tree, both spilling
//! to a temporary directory when they would pass their share of `max_memory`, so that a
//! breadth-first search is bounded by disk rather than memory (as TLC's is).
//!
//! A [`Level`] holds its states back to back, each as a LEB128 length and its packed bytes,
//! in chunks of [`CHUNK`] states. The chunk being written is in memory; once the closed chunks
//! in memory pass the level's budget they are appended to the level's file and only their
//! offsets stay. Any chunk can be read back by index (`pread`), so the parallel search's
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

/// States per chunk (also the parallel search's unit of work).
pub(crate) const CHUNK: usize = 256;

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

#[derive(Clone, Copy, Debug)]
enum Loc {
    Mem(usize),
    Disk(u64),
}

#[derive(Clone, Copy, Debug)]
struct Chunk {
    loc: Loc,
    bytes: u32,
}

/// One BFS level of packed states (see the module documentation).
#[derive(Debug)]
pub(crate) struct Level {
    mem: Vec<u8>,
    chunks: Vec<Chunk>,
    /// Where the chunk being written starts in `mem`, and its states so far.
    open_start: usize,
    open_states: u32,
    states: usize,
    file: Option<File>,
    file_len: u64,
    /// Bytes of closed chunks kept in memory before they go to the file (`None`: never).
    budget: Option<usize>,
}

impl Level {
    pub fn new(budget: Option<usize>) -> Self {
        Level {
            mem: Vec::new(),
            chunks: Vec::new(),
            open_start: 0,
            open_states: 0,
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
            self.mem.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.mem.push(n as u8);
        self.mem.extend_from_slice(bytes);
        self.open_states += 1;
        self.states += 1;
        if self.open_states as usize == CHUNK {
            self.close();
            if self.budget.is_some_and(|b| self.mem.len() > b) {
                self.flush(spill)?;
            }
        }
        Ok(())
    }

    fn close(&mut self) {
        if self.open_states == 0 {
            return;
        }
        self.chunks.push(Chunk {
            loc: Loc::Mem(self.open_start),
            bytes: (self.mem.len() - self.open_start) as u32,
        });
        self.open_start = self.mem.len();
        self.open_states = 0;
    }

    /// Moves every closed chunk in memory to the file (the open chunk must be empty).
    fn flush(&mut self, spill: &Spill<'_>) -> io::Result<()> {
        if self.file.is_none() {
            self.file = Some(spill.file()?);
        }
        let Some(file) = self.file.as_mut() else {
            return Err(io::Error::other("no spill file"));
        };
        file.write_all(&self.mem)?;
        let base = self.file_len;
        for c in &mut self.chunks {
            if let Loc::Mem(off) = c.loc {
                c.loc = Loc::Disk(base + off as u64);
            }
        }
        self.file_len += self.mem.len() as u64;
        spill.count(self.mem.len() as u64);
        self.mem.clear();
        self.open_start = 0;
        Ok(())
    }

    /// Closes the last chunk: the level is complete and will only be read.
    pub fn finish(&mut self) {
        self.close();
        if self.file.is_some() {
            self.mem.shrink_to_fit();
        }
    }

    /// The bytes of chunk `k` (read into `buf` if it is on disk).
    #[inline]
    pub fn chunk<'a>(&'a self, k: usize, buf: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        let c = self.chunks[k];
        match c.loc {
            Loc::Mem(off) => Ok(&self.mem[off..off + c.bytes as usize]),
            Loc::Disk(off) => {
                let Some(file) = self.file.as_ref() else {
                    return Err(io::Error::other("a spilled chunk without its file"));
                };
                buf.resize(c.bytes as usize, 0);
                file.read_exact_at(buf, off)?;
                Ok(buf)
            }
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
