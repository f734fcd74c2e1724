//! The re-run phase announcements (§7) in their three era forms, and T6.

use super::prefix::{Prefix, prefix};
use super::util::{quoted_test_name, uint};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::tag,
    character::complete::char,
    combinator::{eof, opt, rest, value},
    sequence::{preceded, terminated},
};

#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum RerunLine<'a> {
    /// `Re-running failed tests in verbose mode` (2.7–3.11.5) or
    /// `Re-running 2 failed tests in verbose mode in subprocesses` (3.11.6+).
    Start {
        prefix: Option<Prefix>,
        count: Option<u64>,
    },
    /// `Re-running test 'test_x' in verbose mode` (2.7–3.6), `Re-running test_x in verbose mode`
    /// (3.7+, with ` (matching: …)` from 3.9.7), which is also T6 in 3.11.6+ worker blocks.
    Test {
        prefix: Option<Prefix>,
        test: &'a [u8],
        matching: Option<&'a [u8]>,
    },
    /// `Re-running failed tests is not supported with --python host runner option.`
    NotSupported,
}

fn start(i: &[u8]) -> IResult<&[u8], RerunLine<'_>> {
    (
        opt(prefix),
        tag("Re-running "),
        opt(terminated(uint, char(' '))),
        tag("failed tests in verbose mode"),
        opt(tag(" in subprocesses")),
        eof,
    )
        .map(|(prefix, _, count, _, _, _)| RerunLine::Start { prefix, count })
        .parse(i)
}

fn test(i: &[u8]) -> IResult<&[u8], RerunLine<'_>> {
    let (i, prefix) = opt(prefix).parse(i)?;
    let (i, _) = (tag("Re-running "), opt(tag("test "))).parse(i)?;
    let (i, test) = terminated(quoted_test_name, tag(" in verbose mode")).parse(i)?;
    let (i, matching) = opt(preceded(tag(" (matching: "), rest)).parse(i)?;
    let matching = matching.map(|m| m.strip_suffix(b")").unwrap_or(m));
    Ok((
        i,
        RerunLine::Test {
            prefix,
            test,
            matching,
        },
    ))
}

fn not_supported(i: &[u8]) -> IResult<&[u8], RerunLine<'_>> {
    value(
        RerunLine::NotSupported,
        (tag("Re-running failed tests is not supported"), rest),
    )
    .parse(i)
}

pub fn rerun_line(i: &[u8]) -> IResult<&[u8], RerunLine<'_>> {
    alt((not_supported, start, test)).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(line: &str) -> Option<RerunLine<'_>> {
        rerun_line(line.as_bytes()).ok().map(|(_, l)| l)
    }

    #[test]
    fn start_forms() {
        assert_eq!(
            r("Re-running failed tests in verbose mode"),
            Some(RerunLine::Start {
                prefix: None,
                count: None
            })
        );
        assert!(matches!(
            r("0:05:00 load avg: 1.00 Re-running failed tests in verbose mode"),
            Some(RerunLine::Start {
                prefix: Some(_),
                count: None
            })
        ));
        assert!(matches!(
            r("0:05:00 load avg: 1.00 Re-running 2 failed tests in verbose mode in subprocesses"),
            Some(RerunLine::Start { count: Some(2), .. })
        ));
        assert_eq!(r("Re-running failed tests in verbose mode now"), None);
    }

    #[test]
    fn test_forms() {
        assert_eq!(
            r("Re-running test 'test_x' in verbose mode"),
            Some(RerunLine::Test {
                prefix: None,
                test: b"test_x",
                matching: None
            })
        );
        assert!(matches!(
            r("0:05:00 Re-running test_x in verbose mode"),
            Some(RerunLine::Test {
                test: b"test_x",
                ..
            })
        ));
        assert_eq!(
            r("Re-running test.test_x in verbose mode (matching: test_a, test_b)"),
            Some(RerunLine::Test {
                prefix: None,
                test: b"test.test_x",
                matching: Some(b"test_a, test_b")
            })
        );
        assert_eq!(
            r("Re-running failed tests is not supported with --python host runner option."),
            Some(RerunLine::NotSupported)
        );
        assert_eq!(r("Re-running test_x in quiet mode"), None);
    }
}
