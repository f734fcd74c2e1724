//! Split a byte stream into normalised lines, numbered from 1, pushed to a callback.
//!
//! A rolling buffer in the manner of ripgrep's `LineBuffer`: read a large block, hand out the
//! complete lines in it as borrowed slices (found with memchr), move the unfinished last line
//! to the front, read again. No copy or allocation per line. A line longer than `LINE_CAP` is
//! handed out cut to `LINE_CAP` bytes (flagged), and the rest of it is skipped, so memory stays
//! bounded whatever the input.

use super::normalize::{SNIFF_LINES, StreamPrefix, normalize, normalize_known};
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

impl<R: Read> Buffer<R> {
    /// Read until the buffer holds the head that decides the stream-prefix form:
    /// `SNIFF_LINES` lines, or all there is.
    fn fill_head(&mut self) -> io::Result<()> {
        loop {
            let lines = memchr::memchr_iter(b'\n', &self.buf[..self.end]).count();
            if lines >= SNIFF_LINES || self.end >= LINE_CAP || !self.fill()? {
                return Ok(());
            }
        }
    }
}

/// Call `f` for every line of `reader`, normalised (see `normalize`). The buildbot channel
/// prefix is decided from the first `SNIFF_LINES` lines of this stream. Returns the number of
/// lines read; on a read error the lines before it have been delivered.
pub fn for_each_line<R: Read>(reader: R, mut f: impl FnMut(Line<'_>)) -> Result<u64, ReadError> {
    let mut b = Buffer {
        reader,
        buf: vec![0; BLOCK],
        start: 0,
        end: 0,
        eof: false,
    };
    let mut number = 0u64;
    let fail = |number, error| {
        Err(ReadError {
            line: number,
            error,
        })
    };

    if let Err(e) = b.fill_head() {
        return fail(0, e);
    }
    let prefix = StreamPrefix::detect(b.buf[..b.end].split(|&c| c == b'\n').take(SNIFF_LINES));

    let mut scratch = Vec::new();
    // bytes of an over-long line still to skip
    let mut skipping = false;
    loop {
        let mut pos = b.start;
        // colours are rare: one look per block spares one per line
        let escapes = memchr::memchr(0x1b, &b.buf[b.start..b.end]).is_some();
        for nl in memchr::memchr_iter(b'\n', &b.buf[b.start..b.end]) {
            let end = b.start + nl;
            if skipping {
                skipping = false;
            } else {
                number += 1;
                let text = normalize_known(&b.buf[pos..end], prefix, escapes, &mut scratch);
                f(Line {
                    number,
                    text,
                    is_cut: false,
                });
            }
            pos = end + 1;
        }
        b.start = pos;
        let pending = b.end - b.start;
        if pending >= LINE_CAP && !skipping {
            // no newline in a whole cap's worth: hand out the beginning, skip the rest
            number += 1;
            let text = normalize(&b.buf[b.start..b.start + LINE_CAP], prefix, &mut scratch);
            f(Line {
                number,
                text,
                is_cut: true,
            });
            skipping = true;
            b.start = b.end;
        } else if skipping {
            b.start = b.end;
        }
        match b.fill() {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return fail(number, e);
            }
        }
    }
    if b.end > b.start && !skipping {
        number += 1;
        let text = normalize(&b.buf[b.start..b.end], prefix, &mut scratch);
        f(Line {
            number,
            text,
            is_cut: false,
        });
    }
    Ok(number)
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
    fn buildbot_form_applies_past_the_sniffed_head() {
        let mut data = Vec::new();
        for i in 0..100 {
            data.extend_from_slice(format!("oline {i}\n").as_bytes());
        }
        let got = texts(&data);
        assert_eq!(got.len(), 100);
        assert_eq!(got[99], b"line 99");
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
