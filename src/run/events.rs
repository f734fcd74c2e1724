//! The events of the run being read, kept in bounded memory until the run ends, then handed
//! out in line order. Past `CHUNK` events the log spills: the chunk is sorted and written to
//! an anonymous temporary file, and the end merges the chunks.

use super::event::Event;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

/// Events held in memory before a chunk goes to disk (about 150 bytes each).
const CHUNK: usize = 16 * 1024;
/// Sorted chunks on disk before they are merged into one: open files and read buffers stay
/// few however many events a run holds.
const MAX_CHUNKS: usize = 16;

/// A run's events, in memory and in sorted chunks on disk.
#[derive(Default)]
pub struct EventLog {
    chunk: Vec<Event>,
    /// Sorted chunks on disk, oldest first, each with its level: a chunk of level L holds
    /// `MAX_CHUNKS^L` chunks' worth, so merging rewrites each event a logarithmic number of
    /// times, not once per spill.
    spilled: Vec<(u32, File)>,
    /// A spill failed (no temporary directory, disk full): the rest stays in memory.
    spill_failed: bool,
}

impl std::fmt::Debug for EventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLog")
            .field("in_memory", &self.chunk.len())
            .field("spilled_chunks", &self.spilled.len())
            .finish()
    }
}

/// Sort by line, keeping the order of equal lines (events derived at the end of a run come
/// after those read on their line).
fn sort(chunk: &mut [Event]) {
    chunk.sort_by_key(|e| e.line);
}

/// Write `events` (already in order) to a new anonymous temporary file, ready to read.
fn write_sorted(events: impl Iterator<Item = Event>) -> io::Result<File> {
    let mut file = tempfile::tempfile()?;
    {
        let mut w = BufWriter::with_capacity(64 * 1024, &mut file);
        for e in events {
            let bytes = postcard::to_stdvec(&e).map_err(io::Error::other)?;
            w.write_all(&(bytes.len() as u32).to_le_bytes())?;
            w.write_all(&bytes)?;
        }
        w.flush()?;
    }
    file.rewind()?;
    Ok(file)
}

impl EventLog {
    pub fn push(&mut self, e: Event) {
        self.chunk.push(e);
        if self.chunk.len() >= CHUNK && !self.spill_failed {
            self.spill_failed = self.spill().is_err();
        }
    }

    /// The chunk goes to disk, sorted; `MAX_CHUNKS` chunks of one level are merged into one
    /// of the next.
    fn spill(&mut self) -> io::Result<()> {
        sort(&mut self.chunk);
        let file = write_sorted(self.chunk.iter().cloned())?;
        self.spilled.push((0, file));
        self.chunk.clear();
        while let Some(&(level, _)) = self.spilled.last() {
            let same = self
                .spilled
                .iter()
                .rev()
                .take_while(|(l, _)| *l == level)
                .count();
            if same < MAX_CHUNKS {
                break;
            }
            // the newest chunks, in order, merged: ties keep their order
            let tail = self.spilled.split_off(self.spilled.len() - same);
            let merged = merge(tail.into_iter().map(|(_, f)| f).collect(), Vec::new());
            self.spilled.push((level + 1, write_sorted(merged)?));
        }
        Ok(())
    }

    pub fn extend(&mut self, events: impl IntoIterator<Item = Event>) {
        for e in events {
            self.push(e);
        }
    }

    /// The events in line order.
    pub fn into_sorted(mut self) -> SortedEvents {
        sort(&mut self.chunk);
        merge(
            self.spilled.into_iter().map(|(_, f)| f).collect(),
            self.chunk,
        )
    }
}

/// Sorted chunks on disk, then one in memory, merged.
fn merge(spilled: Vec<File>, memory: Vec<Event>) -> SortedEvents {
    let mut sources: Vec<Source> = spilled
        .into_iter()
        .map(|f| Source::File(BufReader::with_capacity(32 * 1024, f)))
        .collect();
    sources.push(Source::Memory(memory.into_iter()));
    let mut heap = BinaryHeap::new();
    let mut heads = Vec::with_capacity(sources.len());
    for (i, source) in sources.iter_mut().enumerate() {
        let head = source.next();
        if let Some(e) = &head {
            heap.push(std::cmp::Reverse((e.line, i)));
        }
        heads.push(head);
    }
    SortedEvents {
        sources,
        heads,
        heap,
    }
}

enum Source {
    File(BufReader<File>),
    Memory(std::vec::IntoIter<Event>),
}

impl Source {
    /// The next event of this chunk. A chunk this process wrote and cannot read back ends
    /// there (the events before it were handed out).
    fn next(&mut self) -> Option<Event> {
        match self {
            Source::Memory(it) => it.next(),
            Source::File(r) => {
                let mut len = [0u8; 4];
                r.read_exact(&mut len).ok()?;
                let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
                r.read_exact(&mut bytes).ok()?;
                postcard::from_bytes(&bytes).ok()
            }
        }
    }
}

/// A run's events in line order: a k-way merge of its sorted chunks (ties go to the earlier
/// chunk, so the order of equal lines is kept).
pub struct SortedEvents {
    sources: Vec<Source>,
    heads: Vec<Option<Event>>,
    heap: BinaryHeap<std::cmp::Reverse<(u64, usize)>>,
}

impl Iterator for SortedEvents {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        let std::cmp::Reverse((_, i)) = self.heap.pop()?;
        let next = self.sources[i].next();
        if let Some(e) = &next {
            self.heap.push(std::cmp::Reverse((e.line, i)));
        }
        std::mem::replace(&mut self.heads[i], next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;
    use crate::run::{Detail, Phase};

    fn ev(line: u64, n: u64) -> Event {
        let mut e = Event::new(
            line,
            Phase::Main,
            Kind::Unraisable,
            Some(format!("test_{n}")),
        );
        e.detail = Detail::Text(format!("#{n}"));
        e
    }

    #[test]
    fn many_events_spill_and_come_back_in_line_order_with_ties_kept() {
        let mut log = EventLog::default();
        let n = (CHUNK * (MAX_CHUNKS + 3) + 123) as u64;
        for i in 0..n {
            log.push(ev(i / 3 + 10, i));
        }
        // derived at the end: earlier lines, after the events read on them
        log.extend([ev(10, n), ev(1, n + 1)]);
        // sixteen chunks were merged into one of the next level, three came after
        assert_eq!(
            log.spilled.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            vec![1, 0, 0, 0]
        );
        let got: Vec<(u64, String)> = log
            .into_sorted()
            .map(|e| (e.line, e.test.unwrap()))
            .collect();
        assert_eq!(got.len() as u64, n + 2);
        assert_eq!(got[0], (1, format!("test_{}", n + 1)));
        assert_eq!(
            got[1..5].iter().map(|g| g.1.as_str()).collect::<Vec<_>>(),
            vec!["test_0", "test_1", "test_2", &format!("test_{n}")]
        );
        assert!(got.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn a_few_events_stay_in_memory() {
        let mut log = EventLog::default();
        log.extend([ev(5, 0), ev(2, 1), ev(5, 2)]);
        assert!(log.spilled.is_empty());
        let lines: Vec<u64> = log.into_sorted().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 5, 5]);
    }
}
