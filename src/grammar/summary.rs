//! The summary block (§8) of every era, and C6 `Test suite interrupted by signal SIGINT.`.

use super::util::{done, duration, duration_seconds, test_name, uint};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_until},
    combinator::{opt, rest},
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

#[derive(Debug, Clone, PartialEq)]
pub enum SummaryLine<'a> {
    /// `== Tests result: FAILURE then SUCCESS ==`
    TestsResult(&'a [u8]),
    /// `Tests result: FAILURE` (≤3.11.5) / `Result: FAILURE` (3.11.6+): the run's last word.
    FinalResult(&'a [u8]),
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

fn state_text(i: &[u8]) -> &[u8] {
    let mut s = i;
    while let Some(t) = s.strip_suffix(b" ") {
        s = t;
    }
    s
}

fn tests_result(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    let (i, _) = tag("== Tests result: ").parse(i)?;
    let (i, state) = take_until(" ==").parse(i)?;
    let (i, _) = tag(" ==").parse(i)?;
    Ok((i, SummaryLine::TestsResult(state)))
}

/// STATE: upper-case words joined by `, ` and ` then `.
fn is_state(s: &[u8]) -> bool {
    !s.is_empty()
        && s.split(|&b| b == b' ').all(|w| {
            let w = w.strip_suffix(b",").unwrap_or(w);
            w == b"then" || (!w.is_empty() && w.iter().all(|b| b.is_ascii_uppercase()))
        })
}

fn final_result(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    let (i, _) = alt((tag("Tests result: "), tag("Result: "))).parse(i)?;
    let state = state_text(i);
    if !is_state(state) {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok((&i[i.len()..], SummaryLine::FinalResult(state)))
}

fn ok_line(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    let (i, _) = opt(tag("All ")).parse(i)?;
    let (i, count) = uint(i)?;
    let (i, _) = alt((tag(" tests OK."), tag(" test OK."))).parse(i)?;
    Ok((i, SummaryLine::Ok { count }))
}

fn list_kind(i: &[u8]) -> IResult<&[u8], ListKind> {
    alt((
        tag("failed again").map(|_| ListKind::FailedAgain),
        tag("failed").map(|_| ListKind::Failed),
        tag("omitted").map(|_| ListKind::Omitted),
        tag("skipped (resource denied)").map(|_| ListKind::ResourceDenied),
        tag("skipped").map(|_| ListKind::Skipped),
        alt((tag("run no tests"), tag("ran no tests"))).map(|_| ListKind::RanNoTests),
        (
            tag("altered the execution environment"),
            opt(tag(" (env changed)")),
        )
            .map(|_| ListKind::EnvChanged),
    ))
    .parse(i)
}

fn list_title(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    let (i, count) = uint(i)?;
    let (i, kind) = alt((
        (alt((tag(" re-run tests"), tag(" re-run test"))), tag(":")).map(|_| ListKind::Rerun),
        (alt((tag(" tests "), tag(" test "))), list_kind, tag(":")).map(|(_, k, _)| k),
        (
            alt((tag(" skips unexpected on "), tag(" skip unexpected on "))),
            take_until(":"),
            tag(":"),
        )
            .map(|_| ListKind::SkipsUnexpected),
    ))
    .parse(i)?;
    Ok((i, SummaryLine::ListTitle { kind, count }))
}

fn list_reason(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    let (i, _) = tag("        ").parse(i)?;
    Ok((&i[i.len()..], SummaryLine::ListReason(i)))
}

fn list_items(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    let (i, _) = tag("    ").parse(i)?;
    let (_, _) = test_name(i)?;
    // every word must be a test name, or the single 3.15 `test_x:` form
    let ok = i
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .all(|w| matches!(test_name(w), Ok((r, _)) if r.is_empty() || r == b":"));
    if !ok {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok((&i[i.len()..], SummaryLine::ListItems(i)))
}

fn slowest(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    alt((
        (uint, tag(" slowest tests:")).map(|_| SummaryLine::SlowestTitle),
        (tag("- "), test_name, tag(": "), duration).map(|_| SummaryLine::SlowestItem),
    ))
    .parse(i)
}

fn totals(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    if let Ok((rest, _)) = tag::<_, _, nom::error::Error<&[u8]>>("Total duration: ").parse(i)
        && let Some(secs) = duration_seconds(rest)
    {
        return Ok((&rest[rest.len()..], SummaryLine::TotalDuration(secs)));
    }
    let (i, _) = alt((tag("Total tests: run="), tag("Total test files: run="))).parse(i)?;
    Ok((&i[i.len()..], SummaryLine::Total))
}

fn notes(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    alt((
        tag("Test suite interrupted by signal SIGINT.").map(|_| SummaryLine::Interrupted),
        (
            alt((
                tag("Those skips are all expected on "),
                tag("Ask someone to teach regrtest.py"),
                tag("expected to get skipped on "),
            )),
            rest,
        )
            .map(|_| SummaryLine::SkipsNote),
    ))
    .parse(i)
}

pub fn summary_line(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    let (i, s) = alt((
        tests_result,
        final_result,
        ok_line,
        list_title,
        list_reason,
        list_items,
        slowest,
        totals,
        notes,
    ))
    .parse(i)?;
    let (i, _) = done(i)?;
    Ok((i, s))
}

/// A printlist line (or a 3.15 reason line) alone: what an indented line can be.
pub fn list_line(i: &[u8]) -> IResult<&[u8], SummaryLine<'_>> {
    alt((list_reason, list_items)).parse(i)
}

/// The names of a printlist line (the 3.15 trailing `:` removed).
pub fn list_names(items: &[u8]) -> impl Iterator<Item = &[u8]> {
    items
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
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
            Some(SummaryLine::TestsResult(b"FAILURE then SUCCESS"))
        );
        assert_eq!(
            s("Tests result: ENV CHANGED"),
            Some(SummaryLine::FinalResult(b"ENV CHANGED"))
        );
        assert_eq!(
            s("Result: FAILURE, INTERRUPTED"),
            Some(SummaryLine::FinalResult(b"FAILURE, INTERRUPTED"))
        );
        assert_eq!(s("Result: no idea what"), None);
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
