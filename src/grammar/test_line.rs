//! Per-test lines printed outside `Warning --` (§4.2 T1–T4), main-process lines that end a
//! worker block (`Kill <…>`, `Waiting for …`), and buildbot's own end-of-step lines (§12.8).

use super::prefix::prefix;
use super::util::test_name;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::tag,
    combinator::{all_consuming, opt, rest, value},
    sequence::preceded,
};

#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum TestLine<'a> {
    /// T1 `test_syslog skipped -- No module named 'syslog'`
    Skipped { test: &'a [u8], reason: &'a [u8] },
    /// T2 `test test_x failed -- Traceback …` / `test test_x failed` (an empty message)
    Failed { test: &'a [u8], message: &'a [u8] },
    /// T3 `test test_x crashed -- …`
    Crashed { test: &'a [u8], message: &'a [u8] },
    /// T4 `test test_x produced unexpected output:` (2.7)
    UnexpectedOutput { test: &'a [u8] },
}

fn skipped(i: &[u8]) -> IResult<&[u8], TestLine<'_>> {
    (test_name, tag(" skipped -- "), rest)
        .map(|(test, _, reason)| TestLine::Skipped { test, reason })
        .parse(i)
}

fn failed_or_crashed(i: &[u8]) -> IResult<&[u8], TestLine<'_>> {
    let (i, test) = preceded(tag("test "), test_name).parse(i)?;
    alt((
        preceded(tag(" failed"), opt(preceded(tag(" -- "), rest))).map(|message| {
            TestLine::Failed {
                test,
                message: message.unwrap_or_default(),
            }
        }),
        preceded(tag(" crashed -- "), rest).map(|message| TestLine::Crashed { test, message }),
        value(
            TestLine::UnexpectedOutput { test },
            tag(" produced unexpected output:"),
        ),
    ))
    .parse(i)
}

pub fn test_line(i: &[u8]) -> IResult<&[u8], TestLine<'_>> {
    all_consuming(alt((failed_or_crashed, skipped))).parse(i)
}

/// `Kill <WorkerThread #1 running test=test_x pid=1 time=1 sec> process group`,
/// `PREFIX Waiting for <…> thread for 1 min`, 3.6 `Waiting for test_a, test_b (2 tests)`.
pub fn main_process_line(i: &[u8]) -> IResult<&[u8], ()> {
    let start = alt((tag("Kill <"), preceded(opt(prefix), tag("Waiting for "))));
    value((), (start, rest)).parse(i)
}

/// Buildbot's lines after a killed or finished step.
pub fn buildbot_end_line(i: &[u8]) -> IResult<&[u8], ()> {
    let start = alt((
        tag("command timed out: "),
        tag("process killed by signal "),
        tag("program finished with exit code "),
    ));
    value((), (start, rest)).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(line: &str) -> Option<TestLine<'_>> {
        test_line(line.as_bytes()).ok().map(|(_, l)| l)
    }

    #[test]
    fn t1_to_t4() {
        assert_eq!(
            t("test_syslog skipped -- No module named 'syslog'"),
            Some(TestLine::Skipped {
                test: b"test_syslog",
                reason: b"No module named 'syslog'"
            })
        );
        assert_eq!(
            t("test test_x failed -- Traceback (most recent call last):"),
            Some(TestLine::Failed {
                test: b"test_x",
                message: b"Traceback (most recent call last):"
            })
        );
        assert_eq!(
            t("test test_x failed"),
            Some(TestLine::Failed {
                test: b"test_x",
                message: b""
            })
        );
        assert_eq!(
            t("test test_x crashed -- <type 'exceptions.ImportError'>: No module named foo"),
            Some(TestLine::Crashed {
                test: b"test_x",
                message: b"<type 'exceptions.ImportError'>: No module named foo"
            })
        );
        assert_eq!(
            t("test test_x produced unexpected output:"),
            Some(TestLine::UnexpectedOutput { test: b"test_x" })
        );
        assert_eq!(t("test test_x failed badly"), None);
        assert_eq!(t("test_x skipped"), None);
    }

    #[test]
    fn main_process_and_buildbot() {
        assert!(
            main_process_line(
                b"Kill <WorkerThread #1 running test=test_x pid=1 time=1 sec> process group"
            )
            .is_ok()
        );
        assert!(
            main_process_line(
                b"0:25:00 load avg: 1.00 Waiting for <WorkerThread #1> thread for 1 min"
            )
            .is_ok()
        );
        assert!(main_process_line(b"Killed it").is_err());
        assert!(buildbot_end_line(b"command timed out: 1200 seconds without output running [b'make'], attempting to kill").is_ok());
        assert!(buildbot_end_line(b"program finished with exit code 2").is_ok());
        assert!(buildbot_end_line(b"program finished").is_err());
    }
}
