//! Split a byte stream into normalised lines, numbered from 1, pushed to a callback that says
//! whether to go on.
//!
//! A rolling buffer in the manner of ripgrep's `LineBuffer`: read a large block, hand out the
//! complete lines in it as borrowed slices (found with memchr), move the unfinished last line
//! to the front, read again. No copy or allocation per line. A line longer than `LINE_CAP` is
//! handed out cut to `LINE_CAP` bytes (flagged), and the rest of it is skipped, so memory stays
//! bounded whatever the input.

use super::normalize::{normalize, normalize_known};
use std::io::{self, Read};

/// An I/O or decompression error after `line` complete lines were read.
#[derive(Debug)]
pub struct ReadError {
    pub line: u64,
    pub error: io::Error,
}

/// Bytes read at a time.
const BLOCK: usize = 256 * 1024;
/// The most of one line that is kept (a 50 MB repr is cut here).
pub const LINE_CAP: usize = 4 * 1024 * 1024;

/// One line as the callback sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub number: u64,
    pub text: &'a [u8],
    /// The line was longer than `LINE_CAP`: `text` is its beginning only.
    pub is_cut: bool,
}

struct Buffer<R> {
    reader: R,
    buf: Vec<u8>,
    /// `buf[start..end]` is read and not yet handed out.
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Buffer<R> {
    /// Read more after `end`, first moving what is left to the front and growing the buffer
    /// (up to the cap) when a line fills it. Returns false at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end + BLOCK > self.buf.len() {
            let want = (self.end + BLOCK).min(LINE_CAP + BLOCK);
            if want > self.buf.len() {
                self.buf.resize(want, 0);
            }
        }
        if self.end == self.buf.len() {
            return Ok(true); // full: the caller cuts the line
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// How many lines `LineReader::head` reads ahead.
pub const HEAD_LINES: usize = 64;

/// Whether the reader should go on after a line (as ripgrep's `Sink` says with its `bool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Nobody wants more (the output was closed): stop reading.
    Stop,
    /// Go on; the line changed nothing, and no line the reader's `PassOver` passes over
    /// would: those may be counted without being handed out.
    Skip,
}

/// How many of a buffer's complete lines (each ending with `\n`), from its start, can be
/// passed over: `(lines, known) -> (bytes, lines, found)`. `found`: where its two searches
/// stopped; handed back as `known` (relative to the new start) while the same buffer is
/// looked at again, so that no byte is searched twice.
pub type PassOver = fn(&[u8], [Option<usize>; 2]) -> (usize, u64, [usize; 2]);

/// Splits a byte stream into normalised lines.
pub struct LineReader<R> {
    b: Buffer<R>,
    /// Lines handed out so far.
    number: u64,
    scratch: Vec<u8>,
    /// The rest of an over-long line is being skipped.
    skipping: bool,
    /// What lines can be passed over when the callback says `Flow::Skip`.
    pass_over: Option<PassOver>,
    /// The callback said `Flow::Skip` after the last line it saw.
    passing: bool,
    /// Where in `buf` the pass-over searches stopped (valid until the buffer moves).
    pass_found: [Option<usize>; 2],
}

impl<R: Read> LineReader<R> {
    pub fn new(reader: R) -> Self {
        LineReader {
            b: Buffer {
                reader,
                buf: vec![0; BLOCK],
                start: 0,
                end: 0,
                eof: false,
            },
            number: 0,
            scratch: Vec::new(),
            skipping: false,
            pass_over: None,
            passing: false,
            pass_found: [None; 2],
        }
    }

    /// Pass lines over with `pass_over` whenever the callback says `Flow::Skip` (without
    /// it, `Flow::Skip` is `Flow::Continue`).
    pub fn passing_over(mut self, pass_over: PassOver) -> Self {
        self.pass_over = Some(pass_over);
        self
    }

    /// The first `HEAD_LINES` lines of the stream (or all there is), read ahead and not yet
    /// handed out, as raw bytes: what a reader may look at before deciding how to read.
    pub fn head(&mut self) -> Result<&[u8], ReadError> {
        loop {
            let lines = memchr::memchr_iter(b'\n', &self.b.buf[..self.b.end]).count();
            if lines >= HEAD_LINES || self.b.end >= LINE_CAP {
                break;
            }
            match self.b.fill() {
                Ok(true) => {}
                Ok(false) => break,
                Err(error) => return Err(ReadError { line: 0, error }),
            }
        }
        Ok(&self.b.buf[self.b.start..self.b.end])
    }

    /// Call `f` for every line, normalised (see `normalize`), until the input ends or `f`
    /// says stop. Returns the number of lines read; on a read error the lines before it have
    /// been delivered.
    pub fn for_each(mut self, mut f: impl FnMut(Line<'_>) -> Flow) -> Result<u64, ReadError> {
        loop {
            if self.deliver_block(&mut f) == Flow::Stop {
                return Ok(self.number);
            }
            match self.b.fill() {
                Ok(true) => {}
                Ok(false) => break,
                Err(error) => {
                    return Err(ReadError {
                        line: self.number,
                        error,
                    });
                }
            }
        }
        let b = &self.b;
        if b.end > b.start && !self.skipping {
            self.number += 1;
            let text = normalize(&b.buf[b.start..b.end], &mut self.scratch);
            f(Line {
                number: self.number,
                text,
                is_cut: false,
            });
        }
        Ok(self.number)
    }

    /// Hand out the complete lines in the buffer (passing over what the callback allows);
    /// cut a line that fills a cap's worth.
    fn deliver_block(&mut self, f: &mut impl FnMut(Line<'_>) -> Flow) -> Flow {
        let b = &mut self.b;
        let mut pos = b.start;
        // colours are rare: one look per block spares one per line
        let escapes = memchr::memchr(0x1b, &b.buf[b.start..b.end]).is_some();
        // the end of the last complete line: only complete lines are passed over
        let complete = memchr::memrchr(b'\n', &b.buf[b.start..b.end]).map(|nl| b.start + nl + 1);
        loop {
            if self.passing
                && !self.skipping
                && let (Some(pass_over), Some(complete)) = (self.pass_over, complete)
                && pos < complete
            {
                let known = self
                    .pass_found
                    .map(|found| found.filter(|&at| at >= pos).map(|at| at - pos));
                let (bytes, lines, found) = pass_over(&b.buf[pos..complete], known);
                self.pass_found = found.map(|at| Some(pos + at));
                pos += bytes;
                self.number += lines;
            }
            let Some(nl) = memchr::memchr(b'\n', &b.buf[pos..b.end]) else {
                break;
            };
            let end = pos + nl;
            if self.skipping {
                self.skipping = false;
            } else {
                self.number += 1;
                let text = normalize_known(&b.buf[pos..end], escapes, &mut self.scratch);
                let line = Line {
                    number: self.number,
                    text,
                    is_cut: false,
                };
                match f(line) {
                    Flow::Stop => return Flow::Stop,
                    Flow::Skip => self.passing = true,
                    Flow::Continue => self.passing = false,
                }
            }
            pos = end + 1;
        }
        b.start = pos;
        // the buffer moves before the next block: a search's stop means nothing in it
        self.pass_found = [None; 2];
        if b.end - b.start >= LINE_CAP && !self.skipping {
            // no newline in a whole cap's worth: hand out the beginning, skip the rest
            self.number += 1;
            let text = normalize(&b.buf[b.start..b.start + LINE_CAP], &mut self.scratch);
            self.skipping = true;
            self.passing = false;
            b.start = b.end;
            let line = Line {
                number: self.number,
                text,
                is_cut: true,
            };
            return match f(line) {
                Flow::Stop => Flow::Stop,
                Flow::Skip | Flow::Continue => Flow::Continue,
            };
        }
        if self.skipping {
            b.start = b.end;
        }
        Flow::Continue
    }
}

/// Call `f` for every line of `reader` (see `LineReader::for_each`), to the end.
pub fn for_each_line<R: Read>(reader: R, mut f: impl FnMut(Line<'_>)) -> Result<u64, ReadError> {
    LineReader::new(reader).for_each(|line| {
        f(line);
        Flow::Continue
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(data: &[u8]) -> Vec<(u64, Vec<u8>, bool)> {
        let mut out = Vec::new();
        for_each_line(io::Cursor::new(data), |l| {
            out.push((l.number, l.text.to_vec(), l.is_cut))
        })
        .unwrap();
        out
    }

    fn texts(data: &[u8]) -> Vec<Vec<u8>> {
        collect(data).into_iter().map(|(_, t, _)| t).collect()
    }

    #[test]
    fn numbers_lines_and_keeps_last_without_newline() {
        let got = collect(b"a\r\nb\n\nc");
        let want: Vec<(u64, Vec<u8>, bool)> = vec![
            (1, b"a".to_vec(), false),
            (2, b"b".to_vec(), false),
            (3, b"".to_vec(), false),
            (4, b"c".to_vec(), false),
        ];
        assert_eq!(got, want);
        assert!(collect(b"").is_empty());
        assert_eq!(texts(b"x\n"), vec![b"x".to_vec()]);
    }

    #[test]
    fn lines_across_block_boundaries_are_whole() {
        let mut data = Vec::new();
        for i in 0..200_000 {
            data.extend_from_slice(format!("line number {i} with some padding text\n").as_bytes());
        }
        let got = texts(&data);
        assert_eq!(got.len(), 200_000);
        assert_eq!(got[123_456], b"line number 123456 with some padding text");
    }

    #[test]
    fn the_head_is_read_ahead_and_still_handed_out() {
        let mut data = Vec::new();
        for i in 0..100 {
            data.extend_from_slice(format!("oline {i}\n").as_bytes());
        }
        let mut reader = LineReader::new(io::Cursor::new(&data));
        let head = reader.head().unwrap();
        assert!(memchr::memchr_iter(b'\n', head).count() >= HEAD_LINES);
        assert!(head.starts_with(b"oline 0\n"));
        let mut got = Vec::new();
        reader
            .for_each(|l| {
                got.push(l.text.to_vec());
                Flow::Continue
            })
            .unwrap();
        assert_eq!(got.len(), 100);
        assert_eq!(got[99], b"oline 99");
    }

    #[test]
    fn the_callback_can_stop_the_reading() {
        let data = b"a\nb\nc\nd\n".repeat(1000);
        let mut seen = 0;
        let n = LineReader::new(io::Cursor::new(&data))
            .for_each(|l| {
                seen += 1;
                if l.number == 3 {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            })
            .unwrap();
        assert_eq!((seen, n), (3, 3));
    }

    #[test]
    fn invalid_utf8_and_nul_pass_through() {
        assert_eq!(texts(b"\xff\xfe\x00x\n")[0], b"\xff\xfe\x00x");
    }

    #[test]
    fn an_over_long_line_is_cut_and_counted_once() {
        let mut data = b"first\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', LINE_CAP * 2 + 12345));
        data.extend_from_slice(b"\nlast\n");
        let got = collect(&data);
        assert_eq!(got.len(), 3);
        assert_eq!((got[1].0, got[1].1.len(), got[1].2), (2, LINE_CAP, true));
        assert_eq!(
            (got[2].0, got[2].1.as_slice(), got[2].2),
            (3, &b"last"[..], false)
        );
        // cut at the very end of input too
        let tail = vec![b'y'; LINE_CAP + 10];
        let got = collect(&tail);
        assert_eq!(got.len(), 1);
        assert!(got[0].2);
    }

    struct FailAfter(usize);

    impl Read for FailAfter {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("boom"));
            }
            self.0 -= 1;
            let line = b"a line\n";
            buf[..line.len()].copy_from_slice(line);
            Ok(line.len())
        }
    }

    #[test]
    fn a_read_error_keeps_the_lines_before_it() {
        let mut n = 0;
        let err = for_each_line(FailAfter(100), |_| n += 1).unwrap_err();
        assert_eq!((n, err.line), (100, 100));
    }
}
