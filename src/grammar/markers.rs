//! Where a regrtest line may be, found in bulk: most of a buildbot log is its build step
//! (`./configure`, compiler lines, warnings quoted with their source), and while no run is
//! being read none of it can matter. Instead of classifying such lines one by one, the line
//! reader asks `Markers` for the first line in a whole buffer that may matter, with one
//! multi-substring search (aho-corasick) and a look at each line's first byte.
//!
//! The needles are a superset: every line that does anything to a run builder with no run
//! open holds one of them, or begins with a digit (elapsed-time prefixes, refleak rulers),
//! possibly after a GitHub Actions timestamp. A needle found in a line that turns out to be
//! plain text only costs that line its classification. `tests/skip.rs` checks the superset
//! over every line of the fixtures, the real corpus and a generated archive.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

/// Substrings one of which every regrtest line holds (see the module docs). Case matters
/// (`Error` would match every compiler line's `-Werror=…`). Few, at least three bytes
/// long, and beginning where the token is rare (`hread 0x` for `Thread 0x`/`thread 0x`):
/// then the search runs as a SIMD prefilter (Teddy) with few false candidates, about
/// 2.4 GB/s on compiler output here; a 2-byte needle or twice as many needles make it
/// 0.3–1 GB/s, slower than classifying the lines one by one.
const NEEDLES: &[&str] = &[
    // test names, `Run N tests`, `Tests result`, unittest methods, verdicts, summary counts
    "test",
    "Test",
    "TEST",
    // headers (`== CPython`), U2 rules, separators
    "== ",
    "===",
    "---",
    "Run",
    "load avg",
    "random seed",
    "Warning",
    "Dangling",
    // crashes and faulthandler dumps
    "Fatal Python",
    "fatal exception",
    "Timeout",
    "hread 0x",
    "Stack (most",
    "Traceback",
    "Exception",
    "Kill",
    "running",
    // refleak hunting
    "leaked",
    "beginning",
    // unittest statuses and summaries (a status may end a line: `... ok`)
    " ... ",
    "ok\n",
    "ok\r",
    "OK\n",
    "OK\r",
    "OK (",
    "FAIL",
    "ERROR",
    "skipped",
    "expected",
    // results
    "Result",
    "Total",
    // buildbot's end of a step
    "program finished",
    "command timed out",
];

/// The needle search, built once.
pub struct Markers {
    ac: AhoCorasick,
}

/// How much of a buffer of complete lines can be passed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skipped {
    /// Bytes passed over: the start of the first line that may matter, or all of them.
    pub bytes: usize,
    /// Lines passed over.
    pub lines: u64,
    /// Where the needle search and the search for colour codes found their first match
    /// (`lines.len()`: none; a colour code is looked for only up to the needle's match).
    pub found: [usize; 2],
}

impl Markers {
    pub fn get() -> &'static Markers {
        static MARKERS: OnceLock<Markers> = OnceLock::new();
        MARKERS.get_or_init(|| Markers {
            ac: AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(NEEDLES)
                .expect("the needles are valid"),
        })
    }

    /// Does `line` (raw, as read, without its line end) hold a marker?
    pub fn may_matter(&self, line: &[u8]) -> bool {
        starts_like_regrtest(line)
            || self.ac.is_match(line)
            || line.ends_with(b"ok")
            || line.ends_with(b"OK")
            || memchr::memchr(0x1b, line).is_some()
    }

    /// `lines`: complete lines, each ending with `\n`. How many of them, from the start, hold
    /// no marker and can be passed over. `known`: where the needle search and the search for
    /// colour codes found their first match in these lines on a previous call (`None`: not
    /// searched yet), so that no byte is searched twice by either (a line that begins like
    /// a regrtest line may stop the skip before a match; a log coloured throughout has a
    /// colour code on every line, far before the next needle).
    pub fn skip(&self, lines: &[u8], known: [Option<usize>; 2]) -> Skipped {
        let [needle, escape] = known;
        let needle =
            needle.unwrap_or_else(|| self.ac.find(lines).map_or(lines.len(), |m| m.start()));
        // colour codes: a line that holds one is always classified
        // (not found: none before the needle's match, which is where that search stopped)
        let escape =
            escape.unwrap_or_else(|| memchr::memchr(0x1b, &lines[..needle]).unwrap_or(needle));
        let hit = needle.min(escape);
        let mut start = 0;
        let mut count = 0;
        // the lines before the one holding the hit, unless one begins like a regrtest line
        for nl in memchr::memchr_iter(b'\n', &lines[..hit]) {
            if starts_like_regrtest(&lines[start..nl]) {
                break;
            }
            start = nl + 1;
            count += 1;
        }
        Skipped {
            bytes: start,
            lines: count,
            found: [needle, escape],
        }
    }
}

/// `Markers::skip` as the line reader takes it (`input::lines::PassOver`).
pub fn pass_over(lines: &[u8], known: [Option<usize>; 2]) -> (usize, u64, [usize; 2]) {
    let s = Markers::get().skip(lines, known);
    (s.bytes, s.lines, s.found)
}

/// Does the line begin as a regrtest line that holds no needle can: an elapsed time
/// (`0:01:02 …`: digits and a colon), or a line of refleak symbols or rulers or a bare
/// elapsed time (`......`, `123456789`, `XX1 111`, `0:01:02`)? After a GitHub Actions
/// timestamp, if it has one. Quoted source (`12345 |     code`) does not.
fn starts_like_regrtest(line: &[u8]) -> bool {
    use crate::input::normalize::{strip_cr, strip_gha_timestamp};
    let line = strip_gha_timestamp(strip_cr(line));
    let symbol = |b: &u8| b.is_ascii_digit() || matches!(b, b'.' | b'X' | b':' | b' ');
    match line.first() {
        Some(b) if b.is_ascii_digit() => {
            let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
            line.get(digits) == Some(&b':') || line.iter().all(symbol)
        }
        Some(b'.' | b'X') => line.iter().all(symbol),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_lines_are_passed_over_and_a_header_stops_the_skip() {
        let m = Markers::get();
        let text = b"gcc -pthread -c -Werror=implicit-function-declaration -o Objects/abc.o Objects/abc.c\n\
./Objects/abc.c:415:58: note: declared here\n  415 |     if (x) {\n12345 |     ^~~\n\
== CPython 3.12.1 (main)\nmore\n";
        let s = m.skip(text, [None; 2]);
        assert_eq!(s.lines, 4);
        assert!(text[s.bytes..].starts_with(b"== CPython"));
        // what was found, handed back, gives the same answer
        assert_eq!(m.skip(text, s.found.map(Some)), s);
    }

    #[test]
    fn a_line_that_begins_like_regrtest_stops_the_skip_even_after_a_timestamp() {
        let m = Markers::get();
        let text = b"make all\n2025-01-22T10:11:12.1234567Z 0:00:01 [1/2] x\nmake\n";
        let s = m.skip(text, [None; 2]);
        assert_eq!((s.lines, s.bytes), (1, 9));
        for line in [
            "......",
            "123456789",
            "XX1 111",
            "0:01:02",
            "1:02:03 whatever",
        ] {
            assert!(m.may_matter(line.as_bytes()), "{line}");
            assert_eq!(
                m.skip(format!("{line}\n").as_bytes(), [None; 2]).lines,
                0,
                "{line}"
            );
        }
        // a timestamp alone, quoted source or a path is no reason to stop
        for line in [
            "2025-01-22T10:11:12.1234567Z make all",
            "12345 |     code",
            "./Modules/x.c:1:2: note",
            "X11 found",
        ] {
            assert!(!m.may_matter(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn a_status_at_the_end_of_a_line_is_a_marker() {
        let m = Markers::get();
        assert_eq!(m.skip(b"check it ok\n", [None; 2]).lines, 0);
        assert_eq!(m.skip(b"check it ok\r\n", [None; 2]).lines, 0);
        assert_eq!(m.skip(b"check it okay\n", [None; 2]).lines, 1);
        assert!(m.may_matter(b"check it ok"));
    }
}
