//! Verbose unittest output inside blocks (§10): U1–U4. They carry no event of their own but
//! are recognised so they are never mistaken for regrtest lines.

use super::util::{done, uint};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::tag,
    character::complete::{char, digit1},
    combinator::{opt, rest},
};

#[derive(Debug, Clone, PartialEq)]
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
    Result { state: &'a [u8] },
}

fn status(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let Some(pos) = memchr::memmem::rfind(i, b" ... ") else {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        )));
    };
    let tail = &i[pos + 5..];
    let (r, st) = alt((
        tag("ok"),
        tag("FAIL"),
        tag("ERROR"),
        (tag("skipped "), rest).map(|(s, _): (&[u8], &[u8])| s),
        tag("expected failure"),
        tag("unexpected success"),
    ))
    .parse(tail)?;
    if !r.is_empty() && !tail.starts_with(b"skipped ") {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Eof,
        )));
    }
    let st = if st.starts_with(b"skipped") {
        &b"skipped"[..]
    } else {
        st
    };
    Ok((&i[i.len()..], UnittestLine::Status { status: st }))
}

fn rule(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let ok = i.len() == 70 && (i.iter().all(|&b| b == b'=') || i.iter().all(|&b| b == b'-'));
    if ok {
        Ok((&i[i.len()..], UnittestLine::Rule))
    } else {
        Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )))
    }
}

fn failure_header(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let (i, (what, _, desc)) = (
        alt((tag("FAIL"), tag("ERROR"), tag("UNEXPECTED SUCCESS"))),
        tag(": "),
        rest,
    )
        .parse(i)?;
    Ok((i, UnittestLine::FailureHeader { what, desc }))
}

fn ran(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let (i, (_, tests, _, _, _, _, _)) = (
        tag("Ran "),
        uint,
        alt((tag(" tests in "), tag(" test in "))),
        digit1,
        char('.'),
        digit1,
        char('s'),
    )
        .parse(i)?;
    Ok((i, UnittestLine::Ran { tests }))
}

fn result(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let start = i;
    let (i, _) = (
        alt((tag("OK"), tag("FAILED"), tag("NO TESTS RAN"))),
        opt((tag(" ("), rest)),
    )
        .parse(i)?;
    if start.starts_with(b"OK") && start.len() > 2 && !start.starts_with(b"OK (") {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok((i, UnittestLine::Result { state: start }))
}

pub fn unittest_line(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let (i, u) = alt((rule, ran, result, failure_header, status)).parse(i)?;
    let (i, _) = done(i)?;
    Ok((i, u))
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
                state: b"FAILED (failures=1, skipped=6)"
            })
        );
        assert_eq!(u("OK"), Some(UnittestLine::Result { state: b"OK" }));
        assert_eq!(
            u("NO TESTS RAN"),
            Some(UnittestLine::Result {
                state: b"NO TESTS RAN"
            })
        );
        assert_eq!(u("OKAY"), None);
    }
}
