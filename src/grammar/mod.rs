//! The regrtest output grammar: one nom parser per line kind of regrtest-format.md, over
//! normalised `&[u8]` lines. `classify` is the entry point; it is pure (no state, no I/O).

pub mod crash;
pub mod header;
pub mod markers;
pub mod prefix;
pub mod progress;
pub mod refleak;
pub mod rerun;
pub mod summary;
pub mod test_line;
pub mod traceback;
pub mod unittest;
pub mod util;
pub mod warning;

use crash::CrashLine;
use header::{HeaderLine, RunMode};
use nom::{Parser, branch::alt, combinator::value};
use prefix::Prefix;
use progress::{ProgressLine, Verdict};
use refleak::RefleakLine;
use rerun::RerunLine;
use summary::SummaryLine;
use test_line::TestLine;
use unittest::UnittestLine;
use warning::WarningLine;

/// What one line is. Unknown text is `Other`, never an error.
#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum LineKind<'a> {
    Blank,
    Header(HeaderLine<'a>),
    RunMode(RunMode),
    /// Boxed: the largest variant, and rare next to test output, which should not pay to
    /// move it around.
    Progress(Box<ProgressLine<'a>>),
    /// A bare verdict line (`test_zlib failed`), the last sequential `-- PREV`.
    Verdict(Option<Prefix>, Verdict<'a>),
    Heartbeat(Option<Prefix>, &'a [u8]),
    /// A bare PREFIX (`log('')`).
    BarePrefix(Prefix),
    Test(TestLine<'a>),
    /// `Warning -- …`, or one of the forms printed without that prefix (`bare`).
    Warning {
        line: WarningLine<'a>,
        bare: bool,
    },
    Refleak(RefleakLine<'a>),
    Rerun(RerunLine<'a>),
    Summary(SummaryLine<'a>),
    Crash(CrashLine<'a>),
    Unittest(UnittestLine<'a>),
    /// `Kill <…>`, `Waiting for …`: printed by the main process between worker blocks.
    MainProcess,
    /// Buildbot's `command timed out`, `program finished with exit code N`.
    BuildbotEnd,
    Other,
}

impl LineKind<'_> {
    /// The kind's name, with the line family's variant where it has one: `Progress`,
    /// `Warning(Modified)`, `Summary(ListTitle)`. What grammars/regrtest.md names.
    pub fn name(&self) -> String {
        let outer: &'static str = self.into();
        let inner: Option<&'static str> = match self {
            LineKind::Header(h) => Some(h.into()),
            LineKind::Test(t) => Some(t.into()),
            LineKind::Warning { line, .. } => Some(line.into()),
            LineKind::Refleak(r) => Some(r.into()),
            LineKind::Rerun(r) => Some(r.into()),
            LineKind::Summary(s) => Some(s.into()),
            LineKind::Crash(c) => Some(c.into()),
            LineKind::Unittest(u) => Some(u.into()),
            _ => None,
        };
        match inner {
            Some(inner) => format!("{outer}({inner})"),
            None => outer.to_string(),
        }
    }
}

impl LineKind<'_> {
    /// A line that plain text is not mistaken for (a header, a run mode, a progress line, a
    /// `Warning --` line, a summary title or result…): the kind of line that may tell how a
    /// stream is dressed.
    pub fn is_distinctive(&self) -> bool {
        use crash::CrashLine as C;
        use summary::SummaryLine as S;
        matches!(
            self,
            LineKind::Header(_)
                | LineKind::RunMode(_)
                | LineKind::Progress(_)
                | LineKind::Heartbeat(..)
                | LineKind::Rerun(_)
                | LineKind::Test(_)
                | LineKind::Warning { bare: false, .. }
                | LineKind::Summary(
                    S::TestsResult(_)
                        | S::FinalResult(_)
                        | S::ListTitle { .. }
                        | S::Ok { .. }
                        | S::TotalDuration(_)
                        | S::Total
                )
                | LineKind::Crash(C::Timeout(_) | C::FatalError(_) | C::WindowsFatal(_))
        )
    }
}

type Error<'a> = nom::error::Error<&'a [u8]>;

/// The first of `parsers` (an `alt` of parsers giving a `LineKind`) that matches `line`.
fn first<'a>(
    line: &'a [u8],
    mut parsers: impl Parser<&'a [u8], Output = LineKind<'a>, Error = Error<'a>>,
) -> Option<LineKind<'a>> {
    parsers.parse(line).ok().map(|(_, kind)| kind)
}

fn progress<'a>(i: &'a [u8]) -> nom::IResult<&'a [u8], LineKind<'a>> {
    progress::progress_line
        .map(|p| LineKind::Progress(Box::new(p)))
        .parse(i)
}

fn verdict<'a>(i: &'a [u8]) -> nom::IResult<&'a [u8], LineKind<'a>> {
    progress::verdict_line
        .map(|(p, v)| LineKind::Verdict(p, v))
        .parse(i)
}

fn heartbeat<'a>(i: &'a [u8]) -> nom::IResult<&'a [u8], LineKind<'a>> {
    progress::heartbeat_line
        .map(|(p, l)| LineKind::Heartbeat(p, l))
        .parse(i)
}

fn warning<'a>(i: &'a [u8]) -> nom::IResult<&'a [u8], LineKind<'a>> {
    warning::warning_line
        .map(|line| LineKind::Warning { line, bare: false })
        .parse(i)
}

fn bare_warning<'a>(i: &'a [u8]) -> nom::IResult<&'a [u8], LineKind<'a>> {
    warning::bare_warning_line
        .map(|line| LineKind::Warning { line, bare: true })
        .parse(i)
}

fn main_process<'a>(i: &'a [u8]) -> nom::IResult<&'a [u8], LineKind<'a>> {
    value(LineKind::MainProcess, test_line::main_process_line).parse(i)
}

/// Lines that start with ELAPSED, or with a count (`2 tests failed:`, `123456`).
fn digit_line(line: &[u8]) -> Option<LineKind<'_>> {
    if let Ok((rest, p)) = prefix::prefix(line) {
        return match rest.first() {
            None => Some(LineKind::BarePrefix(p)),
            Some(b'[') => first(line, progress),
            Some(b'R') => first(
                line,
                alt((
                    header::run_mode_line.map(LineKind::RunMode),
                    rerun::rerun_line.map(LineKind::Rerun),
                )),
            ),
            Some(b'r') => first(line, heartbeat),
            Some(b'W') => first(line, main_process),
            Some(_) => first(line, verdict),
        }
        .or_else(|| count_line(line));
    }
    // `2.22s ok`: a status with 3.12+'s duration, alone on its line
    count_line(line).or_else(|| {
        unittest::method_status(line).map(|s| LineKind::Unittest(unittest::UnittestLine::Status(s)))
    })
}

/// A summary count (`2 tests failed:`) or a refleak ruler (`123456`).
fn count_line(line: &[u8]) -> Option<LineKind<'_>> {
    first(
        line,
        alt((
            summary::summary_line.map(LineKind::Summary),
            refleak::refleak_line.map(LineKind::Refleak),
        )),
    )
}

/// Dispatch on the first byte, so that most lines (test output) are turned away after one
/// comparison and only the parsers that can match a line are tried.
fn classify_once(line: &[u8]) -> LineKind<'_> {
    let Some(&first_byte) = line.first() else {
        return LineKind::Blank;
    };
    let header = || header::header_line.map(LineKind::Header);
    let summary = || summary::summary_line.map(LineKind::Summary);
    let unittest = || unittest::unittest_line.map(LineKind::Unittest);
    let crash = || crash::crash_line.map(LineKind::Crash);
    let found = match first_byte {
        b'0'..=b'9' => return digit_line(line).unwrap_or(LineKind::Other),
        b'[' => first(line, progress),
        b'=' => first(line, alt((header(), summary(), unittest()))),
        b'W' => first(
            line,
            alt((
                warning,
                bare_warning,
                header::huntrleaks_warning_line.map(LineKind::Header),
                crash(),
                // 3.6: `Waiting for test_a, test_b (2 tests)`
                main_process,
            )),
        ),
        b' ' if line.starts_with(b"    ") => first(line, summary::list_line.map(LineKind::Summary)),
        b' ' if line.starts_with(b"  B") || line.starts_with(b"  A") => {
            first(line, alt((bare_warning, unittest())))
        }
        // U1c: a subtest's method line, indented by two
        b' ' if line.get(2).is_some_and(u8::is_ascii_alphabetic) && line[1] == b' ' => {
            first(line, unittest())
        }
        b't' | b'<' => return named_line(line),
        b'R' => first(
            line,
            alt((
                rerun::rerun_line.map(LineKind::Rerun),
                header::run_mode_line.map(LineKind::RunMode),
                summary(),
                unittest(),
            )),
        ),
        // `Traceback (most recent call last):` is the most common line that starts so
        b'T' if line.starts_with(b"Traceback") => None,
        b'T' => first(line, alt((summary(), crash(), header()))),
        b'U' => first(line, alt((header(), unittest()))),
        b'F' | b'E' | b'O' | b'N' | b'-' => first(line, alt((crash(), unittest(), summary()))),
        b'C' | b'S' => first(line, crash()),
        b'D' | b'r' => first(line, alt((bare_warning, heartbeat))),
        b'K' => first(line, main_process),
        b'b' | b'.' | b'X' => first(line, refleak::refleak_line.map(LineKind::Refleak)),
        b'c' | b'p' => first(
            line,
            value(LineKind::BuildbotEnd, test_line::buildbot_end_line),
        ),
        b'A' if line.starts_with(b"All ") || line.starts_with(b"Ask ") => first(line, summary()),
        b'e' if line.starts_with(b"expected ") => first(line, alt((summary(), unittest()))),
        // a method's status alone on its line (the test printed after ` ... `)
        b'o' | b'u' | b's' => unittest::method_status(line)
            .map(|s| LineKind::Unittest(unittest::UnittestLine::Status(s))),
        b'+' => first(line, header()),
        _ => None,
    };
    if let Some(kind) = found {
        return kind;
    }
    // a test name need not start with `test`: the verdict and T1 forms for any name
    let kind = if first_byte.is_ascii_alphabetic() || first_byte == b'_' {
        named_line(line)
    } else {
        LineKind::Other
    };
    match kind {
        // U1b: a docstring's line ends with the method's status
        LineKind::Other => match unittest::trailing_status(line) {
            Some(s) => LineKind::Unittest(unittest::UnittestLine::Status(s)),
            None => LineKind::Other,
        },
        kind => kind,
    }
}

/// Lines that start with a test name: T1–T4, R4, bare W9, the last sequential verdict. Most
/// lines that start so are verbose unittest output (`test_foo (test.test_x.T.test_foo) ...
/// ok`), so the word after the name decides before any parser runs.
fn named_line(line: &[u8]) -> LineKind<'_> {
    let test = || test_line::test_line.map(LineKind::Test);
    if line.starts_with(b"test ")
        && let Some(kind) = first(line, test())
    {
        return kind;
    }
    let Ok((rest, _)) = util::test_name(line) else {
        return LineKind::Other;
    };
    let found = match rest {
        [b' ', b's', ..] => first(line, alt((test(), verdict))),
        // U1 `test_foo (test.test_x.T.test_foo) ... ok`
        [b' ', b'(', ..] => first(line, unittest::unittest_line.map(LineKind::Unittest)),
        [b' ', b'l', ..] => first(
            line,
            alt((refleak::leaked.map(LineKind::Refleak), bare_warning)),
        ),
        // `gcc -pthread …` starts like a name and a word: only an outcome word goes on
        [b' ', b'p' | b'f' | b'r' | b'i' | b'c' | b't' | b'w', ..]
            if progress::starts_with_outcome(&rest[1..]) =>
        {
            first(line, verdict)
        }
        _ => None,
    };
    found.unwrap_or(LineKind::Other)
}

/// Classify one normalised line. A line that matches nothing is tried once more without a
/// leading run of refleak progress symbols (`....Warning -- …`, §6), which the `-R` dots glue
/// to whatever the test prints next.
pub fn classify(line: &[u8]) -> LineKind<'_> {
    match classify_unglued(line) {
        LineKind::Other => glued(line),
        kind => kind,
    }
}

/// `classify`, but for progress lines glued after other text, which are looked for only
/// where a run is being read (a search through the whole line: most lines are not in one).
pub fn classify_unglued(line: &[u8]) -> LineKind<'_> {
    let kind = classify_once(line);
    if kind != LineKind::Other || !line.first().is_some_and(|&b| refleak::is_symbol(b)) {
        return kind;
    }
    let cut = line
        .iter()
        .position(|&b| !(refleak::is_symbol(b) || b == b' '))
        .unwrap_or(line.len());
    if cut == line.len() {
        return kind;
    }
    let rest = classify_once(&line[cut..]);
    // `.`/`X` cannot begin a regrtest line, so after them anything goes; digits alone
    // (3.13+ `111 1` for a leak of one each repetition) could be a count, so after them
    // only what a test prints to stderr during `-R` is taken
    let dotted = line[..cut].iter().any(|&b| b == b'.' || b == b'X');
    match rest {
        LineKind::Blank => LineKind::Other,
        LineKind::Warning { .. } | LineKind::Crash(_) | LineKind::Refleak(_) => rest,
        k if dotted => k,
        _ => kind,
    }
}

/// A line that matched nothing may end with a progress line glued after other text.
pub fn glued(line: &[u8]) -> LineKind<'_> {
    match progress::glued_progress_line(line) {
        Some((_, p)) => LineKind::Progress(Box::new(p)),
        None => LineKind::Other,
    }
}

/// A run's `== CPython …` header glued after other text: a log that ended without a final
/// newline, then the next log, joined by `cat`/`zcat`. Where the header begins, and it.
pub fn glued_header(line: &[u8]) -> Option<(usize, LineKind<'_>)> {
    static HEADER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"== CPython "));
    let at = HEADER.find(line).filter(|&at| at > 0)?;
    match header::header_line(&line[at..]) {
        Ok((_, h @ header::HeaderLine::Python { .. })) => Some((at, LineKind::Header(h))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_glued_after_text_is_found_where_it_begins() {
        let line = b"elapsedTime=1774.3== CPython 3.9.18 (tags/v3.9.18:8f2d7f5, Aug 24 2023, 17:31:07) [MSC v.1929 64 bit (AMD64)]";
        let (at, kind) = glued_header(line).unwrap();
        assert_eq!(at, 18);
        assert!(matches!(
            kind,
            LineKind::Header(header::HeaderLine::Python { .. })
        ));
        assert!(glued_header(b"== CPython 3.12.1 (main)").is_none());
        assert!(glued_header(b"print('== CPython is great')").is_none());
    }

    #[test]
    fn dispatch_picks_each_family() {
        assert!(matches!(classify(b""), LineKind::Blank));
        assert!(matches!(
            classify(b"0:00:01 load avg: 0.50 [ 1/12] test_x passed"),
            LineKind::Progress(_)
        ));
        assert!(matches!(
            classify(b"0:00:00 Run 433 tests sequentially"),
            LineKind::RunMode(_)
        ));
        assert!(matches!(
            classify(b"== CPython 3.12.1 (main)"),
            LineKind::Header(_)
        ));
        assert!(matches!(
            classify(b"Warning -- reap_children() reaped child process 1"),
            LineKind::Warning { bare: false, .. }
        ));
        assert!(matches!(
            classify(b"  Before: set()"),
            LineKind::Warning { bare: true, .. }
        ));
        assert!(matches!(
            classify(b"test_x leaked [1, 1, 1] references, sum=3"),
            LineKind::Refleak(_)
        ));
        assert!(matches!(
            classify(b"== Tests result: SUCCESS =="),
            LineKind::Summary(_)
        ));
        assert!(matches!(classify(b"2 tests failed:"), LineKind::Summary(_)));
        assert!(matches!(
            classify(b"Fatal Python error: Aborted"),
            LineKind::Crash(_)
        ));
        assert!(matches!(
            classify(b"test test_x failed -- boom"),
            LineKind::Test(_)
        ));
        assert!(matches!(
            classify(b"test_zlib failed"),
            LineKind::Verdict(None, _)
        ));
        assert!(matches!(
            classify(b"0:45:12 load avg: 2.15"),
            LineKind::BarePrefix(_)
        ));
        assert!(matches!(
            classify(b"Ran 3 tests in 0.100s"),
            LineKind::Unittest(_)
        ));
        assert!(matches!(
            classify(b"0:01:00 running: test_a (1 min)"),
            LineKind::Heartbeat(..)
        ));
        assert!(matches!(
            classify(b"Re-running test_x in verbose mode"),
            LineKind::Rerun(_)
        ));
        assert!(matches!(
            classify(b"Kill <WorkerThread #1 running>"),
            LineKind::MainProcess
        ));
        assert!(matches!(
            classify(b"program finished with exit code 2"),
            LineKind::BuildbotEnd
        ));
        assert!(matches!(classify(b"gcc -c foo.c"), LineKind::Other));
    }

    #[test]
    fn refleak_symbols_are_stripped_once() {
        assert!(matches!(
            classify(b".Warning -- threading_cleanup() failed to cleanup 0 threads (count: 0, dangling: 2)"),
            LineKind::Warning { line: WarningLine::ThreadingCleanup { dangling: Some(2) }, .. }
        ));
        assert!(matches!(
            classify(b"XX1 .Warning -- Unraisable exception"),
            LineKind::Warning { .. }
        ));
        assert!(matches!(
            classify(b"....test_x leaked [1, 1, 1] references, sum=3"),
            LineKind::Refleak(RefleakLine::Leaked { .. })
        ));
        // digits alone are a count when the line parses whole: `3 tests OK.` stays what it is
        assert!(matches!(classify(b"3 tests OK."), LineKind::Summary(_)));
        // but 3.13+ prints digits for small leaks, and a warning glued to them is found
        assert!(matches!(
            classify(b"111 1Warning -- reap_children() reaped child process 42"),
            LineKind::Warning {
                line: WarningLine::ReapChildren { pid: 42 },
                ..
            }
        ));
        // digits before something that is not stderr output of a test: left alone
        assert!(matches!(classify(b"12test_x passed"), LineKind::Other));
        // nothing but symbols is R3, not a stripped empty line
        assert!(matches!(
            classify(b"......"),
            LineKind::Refleak(RefleakLine::Symbols)
        ));
        assert!(matches!(
            classify(b".Resource 'x' is not available"),
            LineKind::Other
        ));
    }
}

#[cfg(test)]
mod size_tests {
    /// `LineKind` is returned for every line: keep it small enough to move cheaply.
    #[test]
    fn line_kind_stays_small() {
        assert!(
            std::mem::size_of::<super::LineKind<'static>>() <= 80,
            "{}",
            std::mem::size_of::<super::LineKind<'static>>()
        );
    }
}
