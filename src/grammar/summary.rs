//! The summary block (§8) of every era, and C6 `Test suite interrupted by signal SIGINT.`.

use super::util::{duration, duration_seconds, test_name, uint};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_until},
    combinator::{all_consuming, map_opt, opt, rest, value, verify},
    sequence::{delimited, preceded},
};

/// Which list a summary title opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Failed,
    Omitted,
    Skipped,
    ResourceDenied,
    RanNoTests,
    EnvChanged,
    FailedAgain,
    Rerun,
    /// 2.7 `N skips unexpected on linux2:`
    SkipsUnexpected,
}

#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum SummaryLine<'a> {
    /// `== Tests result: FAILURE then SUCCESS ==`
    TestsResult(ResultState<'a>),
    /// `Tests result: FAILURE` (≤3.11.5) / `Result: FAILURE` (3.11.6+): the run's last word.
    FinalResult(ResultState<'a>),
    /// `395 tests OK.` / `All 395 tests OK.`
    Ok { count: u64 },
    /// `2 tests failed:` and friends
    ListTitle { kind: ListKind, count: u64 },
    /// A printlist line: four spaces then names (or, 3.15, `test_x:` on its own).
    ListItems(&'a [u8]),
    /// 3.15 env-changed reasons, indented eight spaces.
    ListReason(&'a [u8]),
    /// `10 slowest tests:`
    SlowestTitle,
    /// `- test_x: 2 min 40 sec`
    SlowestItem,
    /// `Total duration: 34 min 48 sec`, in seconds
    TotalDuration(f64),
    /// `Total tests: …`, `Total test files: …`
    Total,
    /// C6
    Interrupted,
    /// 2.7 `Those skips are all expected on linux2.` and the "teach regrtest" lines.
    SkipsNote,
}

/// A result STATE: `FAILURE`, `FAILURE then SUCCESS`, `FAILURE, INTERRUPTED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultState<'a>(pub &'a [u8]);

impl<'a> ResultState<'a> {
    pub fn text(self) -> &'a [u8] {
        self.0
    }

    /// The state of a run that re-ran its failed tests: `FIRST then SECOND`.
    pub fn is_after_rerun(self) -> bool {
        memchr::memmem::find(self.0, b" then ").is_some()
    }

    /// Ctrl-C stopped the run (`INTERRUPTED` among the parts).
    pub fn is_interrupted(self) -> bool {
        memchr::memmem::find(self.0, b"INTERRUPTED").is_some()
    }
}

fn trim_end_spaces(s: &[u8]) -> &[u8] {
    let end = s.iter().rposition(|&b| b != b' ').map_or(0, |p| p + 1);
    &s[..end]
}

/// STATE: upper-case words joined by `, ` and ` then `.
fn is_state(s: &[u8]) -> bool {
    !s.is_empty()
        && s.split(|&b| b == b' ').all(|w| {
            let w = w.strip_suffix(b",").unwrap_or(w);
            w == b"then" || (!w.is_empty() && w.iter().all(|b| b.is_ascii_uppercase()))
        })
}

fn tests_result(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    delimited(tag("== Tests result: "), take_until(" =="), tag(" =="))
        .map(|state| SummaryLine::TestsResult(ResultState(state)))
        .parse(i)
}

fn final_result(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    preceded(
        alt((tag("Tests result: "), tag("Result: "))),
        verify(rest.map(trim_end_spaces), |s: &[u8]| is_state(s)),
    )
    .map(|s| SummaryLine::FinalResult(ResultState(s)))
    .parse(i)
}

fn ok_line(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    delimited(
        opt(tag("All ")),
        uint,
        alt((tag(" tests OK."), tag(" test OK."))),
    )
    .map(|count| SummaryLine::Ok { count })
    .parse(i)
}

fn list_kind(i: &[u8]) -> IResult<&[u8], ListKind> {
    alt((
        value(ListKind::FailedAgain, tag("failed again")),
        value(ListKind::Failed, tag("failed")),
        value(ListKind::Omitted, tag("omitted")),
        value(ListKind::ResourceDenied, tag("skipped (resource denied)")),
        value(ListKind::Skipped, tag("skipped")),
        value(
            ListKind::RanNoTests,
            alt((tag("run no tests"), tag("ran no tests"))),
        ),
        value(
            ListKind::EnvChanged,
            (
                tag("altered the execution environment"),
                opt(tag(" (env changed)")),
            ),
        ),
    ))
    .parse(i)
}

fn list_title(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    let rerun = value(
        ListKind::Rerun,
        (alt((tag(" re-run tests"), tag(" re-run test"))), tag(":")),
    );
    let tests = delimited(alt((tag(" tests "), tag(" test "))), list_kind, tag(":"));
    let skips = value(
        ListKind::SkipsUnexpected,
        (
            alt((tag(" skips unexpected on "), tag(" skip unexpected on "))),
            take_until(":"),
            tag(":"),
        ),
    );
    (uint, alt((rerun, tests, skips)))
        .map(|(count, kind)| SummaryLine::ListTitle { kind, count })
        .parse(i)
}

fn list_reason(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    preceded(tag("        "), rest)
        .map(SummaryLine::ListReason)
        .parse(i)
}

/// `...` (or `…`): where someone who pasted a list left names out.
fn is_elision(word: &[u8]) -> bool {
    word == b"..." || word == "…".as_bytes()
}

/// Every word is a test name (or an elision), or the line is the single 3.15 `test_x:` form.
fn is_name_list(i: &[u8]) -> bool {
    test_name(i).is_ok()
        && i.split(|&b| b == b' ').filter(|w| !w.is_empty()).all(|w| {
            is_elision(w) || matches!(test_name(w), Ok((r, _)) if r.is_empty() || r == b":")
        })
}

fn list_items(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    preceded(tag("    "), verify(rest, is_name_list))
        .map(SummaryLine::ListItems)
        .parse(i)
}

fn slowest(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    alt((
        value(SummaryLine::SlowestTitle, (uint, tag(" slowest tests:"))),
        value(
            SummaryLine::SlowestItem,
            (tag("- "), test_name, tag(": "), duration),
        ),
    ))
    .parse(i)
}

fn totals(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    alt((
        preceded(tag("Total duration: "), map_opt(rest, duration_seconds))
            .map(SummaryLine::TotalDuration),
        value(
            SummaryLine::Total,
            (
                alt((tag("Total tests: run="), tag("Total test files: run="))),
                rest,
            ),
        ),
    ))
    .parse(i)
}

fn notes(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    let skips_note = alt((
        tag("Those skips are all expected on "),
        tag("Ask someone to teach regrtest.py"),
        tag("expected to get skipped on "),
    ));
    alt((
        value(
            SummaryLine::Interrupted,
            tag("Test suite interrupted by signal SIGINT."),
        ),
        value(SummaryLine::SkipsNote, (skips_note, rest)),
    ))
    .parse(i)
}

pub fn summary_line(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    all_consuming(alt((
        tests_result,
        final_result,
        ok_line,
        list_title,
        list_reason,
        list_items,
        slowest,
        totals,
        notes,
    )))
    .parse(i)
}

/// A printlist line (or a 3.15 reason line) alone: what an indented line can be.
pub fn list_line(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    alt((list_reason, list_items)).parse(i)
}

/// The names of a printlist line (the 3.15 trailing `:` removed, elisions left out).
pub fn list_names(items: &[u8]) -> impl Iterator<Item = &[u8]> {
    items
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty() && !is_elision(w))
        .map(|w| w.strip_suffix(b":").unwrap_or(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(line: &str) -> Option<SummaryLine<'_>> {
        summary_line(line.as_bytes()).ok().map(|(_, l)| l)
    }

    #[test]
    fn results() {
        assert_eq!(
            s("== Tests result: FAILURE then SUCCESS =="),
            Some(SummaryLine::TestsResult(ResultState(
                b"FAILURE then SUCCESS"
            )))
        );
        assert_eq!(
            s("Tests result: ENV CHANGED"),
            Some(SummaryLine::FinalResult(ResultState(b"ENV CHANGED")))
        );
        assert_eq!(
            s("Result: FAILURE, INTERRUPTED"),
            Some(SummaryLine::FinalResult(ResultState(
                b"FAILURE, INTERRUPTED"
            )))
        );
        assert_eq!(s("Result: no idea what"), None);
        assert_eq!(
            s("Result: SUCCESS  "),
            Some(SummaryLine::FinalResult(ResultState(b"SUCCESS")))
        );
        let state = ResultState(b"FAILURE, INTERRUPTED then SUCCESS");
        assert!(state.is_after_rerun() && state.is_interrupted());
        assert!(!ResultState(b"FAILURE").is_after_rerun());
    }

    #[test]
    fn ok_and_titles() {
        assert_eq!(s("395 tests OK."), Some(SummaryLine::Ok { count: 395 }));
        assert_eq!(s("All 1 test OK."), Some(SummaryLine::Ok { count: 1 }));
        let titles = [
            ("2 tests failed:", ListKind::Failed),
            ("1 test failed again:", ListKind::FailedAgain),
            ("2 tests omitted:", ListKind::Omitted),
            ("20 tests skipped:", ListKind::Skipped),
            (
                "1 test skipped (resource denied):",
                ListKind::ResourceDenied,
            ),
            ("1 test run no tests:", ListKind::RanNoTests),
            ("1 test ran no tests:", ListKind::RanNoTests),
            (
                "1 test altered the execution environment:",
                ListKind::EnvChanged,
            ),
            (
                "3 tests altered the execution environment (env changed):",
                ListKind::EnvChanged,
            ),
            ("1 re-run test:", ListKind::Rerun),
            ("3 re-run tests:", ListKind::Rerun),
            ("2 skips unexpected on linux2:", ListKind::SkipsUnexpected),
        ];
        for (line, kind) in titles {
            assert!(
                matches!(s(line), Some(SummaryLine::ListTitle { kind: k, .. }) if k == kind),
                "{line}"
            );
        }
        assert_eq!(s("2 tests exploded:"), None);
        assert_eq!(s("2 tests failed"), None);
    }

    #[test]
    fn list_lines() {
        assert_eq!(
            s("    test_a test_b"),
            Some(SummaryLine::ListItems(b"test_a test_b"))
        );
        assert_eq!(
            s("    test_example:"),
            Some(SummaryLine::ListItems(b"test_example:"))
        );
        assert_eq!(
            s("        os.environ was modified"),
            Some(SummaryLine::ListReason(b"os.environ was modified"))
        );
        assert_eq!(
            list_names(b"test_a  test_b test_c:").collect::<Vec<_>>(),
            vec![&b"test_a"[..], b"test_b", b"test_c"]
        );
        // a pasted list cut short by whoever pasted it
        assert_eq!(
            s("    test_devpoll test_ioctl test_kqueue ..."),
            Some(SummaryLine::ListItems(
                b"test_devpoll test_ioctl test_kqueue ..."
            ))
        );
        assert_eq!(
            list_names(b"test_a ... test_b").collect::<Vec<_>>(),
            vec![&b"test_a"[..], b"test_b"]
        );
        assert_eq!(s("    ... test_a"), None);
        // a traceback line indented four spaces is not a list
        assert_eq!(s("    raise ValueError(x)"), None);
        assert_eq!(s("    self.assertEqual(a, b)"), None);
    }

    #[test]
    fn totals_slowest_notes() {
        assert_eq!(
            s("Total duration: 34 min 48 sec"),
            Some(SummaryLine::TotalDuration(2088.0))
        );
        assert_eq!(s("Total duration: soon"), None);
        assert_eq!(
            s("Total tests: run=40,332 failures=3 skipped=2,283"),
            Some(SummaryLine::Total)
        );
        assert_eq!(
            s("Total test files: run=461/462 failed=1"),
            Some(SummaryLine::Total)
        );
        assert_eq!(s("10 slowest tests:"), Some(SummaryLine::SlowestTitle));
        assert_eq!(
            s("- test.test_concurrent_futures.test_deadlock: 5 min 1 sec"),
            Some(SummaryLine::SlowestItem)
        );
        assert_eq!(s("- test_x: 160.2s"), Some(SummaryLine::SlowestItem));
        assert_eq!(
            s("Test suite interrupted by signal SIGINT."),
            Some(SummaryLine::Interrupted)
        );
        assert_eq!(
            s("Those skips are all expected on linux2."),
            Some(SummaryLine::SkipsNote)
        );
    }
}
