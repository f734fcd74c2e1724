//! Verbose unittest output inside blocks (§10): U1–U4. They carry no event of their own but
//! are recognised so they are never mistaken for regrtest lines.

use super::util::{failure, uint};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::tag,
    character::complete::{char, digit1},
    combinator::{all_consuming, eof, recognize, rest, value, verify},
    sequence::{delimited, preceded, terminated},
};

/// unittest's last word on a run (U4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnittestOutcome {
    Ok,
    Failed,
    NoTestsRan,
}

#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum UnittestLine<'a> {
    /// U1 `desc ... ok|FAIL|ERROR|skipped '…'|expected failure|unexpected success`
    Status { status: &'a [u8] },
    /// U2 `=====…` (70) or `-----…` (70)
    Rule,
    /// U2 `FAIL: desc` / `ERROR: desc` / `UNEXPECTED SUCCESS: desc`
    FailureHeader { what: &'a [u8], desc: &'a [u8] },
    /// U3 `Ran 57 tests in 120.147s`
    Ran { tests: u64 },
    /// U4 `OK`, `FAILED (failures=1, skipped=6)`, `NO TESTS RAN`
    Result {
        state: &'a [u8],
        outcome: UnittestOutcome,
    },
}

/// The statuses that end a U1 line, after ` ... `.
const STATUSES: [&[u8]; 5] = [
    b"ok",
    b"FAIL",
    b"ERROR",
    b"expected failure",
    b"unexpected success",
];

/// ` ... skipped ` and a quoted reason, searched from the end (a description may hold
/// ` ... ` of its own). Built once: verbose lines are common.
static SKIPPED: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new(b" ... skipped "));

/// U1: the status ends the line, so it is looked for there, not searched for.
fn status(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    for word in STATUSES {
        if let Some(head) = i.strip_suffix(word)
            && head.ends_with(b" ... ")
        {
            let status = &i[i.len() - word.len()..];
            return Ok((&i[i.len()..], UnittestLine::Status { status }));
        }
    }
    let quoted = matches!(i.last(), Some(b'\'' | b'"'));
    match SKIPPED.rfind(i).filter(|_| quoted) {
        Some(pos) => {
            let status = &i[pos + 5..pos + 12];
            Ok((&i[i.len()..], UnittestLine::Status { status }))
        }
        None => failure(i, nom::error::ErrorKind::Tag),
    }
}

fn is_rule(i: &[u8]) -> bool {
    i.len() == 70 && (i.iter().all(|&b| b == b'=') || i.iter().all(|&b| b == b'-'))
}

fn rule(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    value(UnittestLine::Rule, verify(rest, is_rule)).parse(i)
}

fn failure_header(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let what = alt((tag("FAIL"), tag("ERROR"), tag("UNEXPECTED SUCCESS")));
    (what, preceded(tag(": "), rest))
        .map(|(what, desc)| UnittestLine::FailureHeader { what, desc })
        .parse(i)
}

fn ran(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let seconds = (digit1, char('.'), digit1, char('s'));
    delimited(
        tag("Ran "),
        uint,
        (alt((tag(" tests in "), tag(" test in "))), seconds),
    )
    .map(|tests| UnittestLine::Ran { tests })
    .parse(i)
}

fn result(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let outcome = alt((
        value(UnittestOutcome::Ok, tag("OK")),
        value(UnittestOutcome::Failed, tag("FAILED")),
        value(UnittestOutcome::NoTestsRan, tag("NO TESTS RAN")),
    ));
    let counts = alt((eof, recognize((tag(" ("), rest))));
    terminated(outcome, counts)
        .map(|outcome| UnittestLine::Result { state: i, outcome })
        .parse(i)
}

pub fn unittest_line(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    all_consuming(alt((rule, ran, result, failure_header, status))).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(line: &str) -> Option<UnittestLine<'_>> {
        unittest_line(line.as_bytes()).ok().map(|(_, l)| l)
    }

    #[test]
    fn u1_status() {
        assert_eq!(
            u(
                "test_map_timeout (test.test_concurrent_futures.test_process_pool.X.test_map_timeout) ... ok"
            ),
            Some(UnittestLine::Status { status: b"ok" })
        );
        assert_eq!(
            u("test_a (m.C) ... FAIL"),
            Some(UnittestLine::Status { status: b"FAIL" })
        );
        assert_eq!(
            u("test_a (m.C) ... skipped 'needs network'"),
            Some(UnittestLine::Status { status: b"skipped" })
        );
        assert_eq!(
            u("  test_sub (m.C) [x] ... ERROR"),
            Some(UnittestLine::Status { status: b"ERROR" })
        );
        assert_eq!(u("test_a (m.C) ... okay then"), None);
    }

    #[test]
    fn u2_u3_u4() {
        assert_eq!(u(&"=".repeat(70)), Some(UnittestLine::Rule));
        assert_eq!(u(&"-".repeat(70)), Some(UnittestLine::Rule));
        assert_eq!(u(&"-".repeat(69)), None);
        assert_eq!(
            u("FAIL: test_bytes (test.test_android.TestAndroidOutput.test_bytes)"),
            Some(UnittestLine::FailureHeader {
                what: b"FAIL",
                desc: b"test_bytes (test.test_android.TestAndroidOutput.test_bytes)"
            })
        );
        assert_eq!(
            u("Ran 57 tests in 120.147s"),
            Some(UnittestLine::Ran { tests: 57 })
        );
        assert_eq!(
            u("Ran 1 test in 0.001s"),
            Some(UnittestLine::Ran { tests: 1 })
        );
        assert_eq!(
            u("FAILED (failures=1, skipped=6)"),
            Some(UnittestLine::Result {
                state: b"FAILED (failures=1, skipped=6)",
                outcome: UnittestOutcome::Failed
            })
        );
        assert_eq!(
            u("OK"),
            Some(UnittestLine::Result {
                state: b"OK",
                outcome: UnittestOutcome::Ok
            })
        );
        assert_eq!(
            u("NO TESTS RAN"),
            Some(UnittestLine::Result {
                state: b"NO TESTS RAN",
                outcome: UnittestOutcome::NoTestsRan
            })
        );
        assert_eq!(u("OKAY"), None);
        assert_eq!(u("FAILEDx"), None);
    }
}
