//! faulthandler and fatal-error lines (§9): C1–C4. C5 is a progress outcome, C6 a summary line.

use super::util::uint;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while1},
    character::complete::char,
    combinator::{all_consuming, opt, recognize, rest, value},
    sequence::{delimited, preceded},
};

#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum CrashLine<'a> {
    /// C1 `Timeout (0:20:00)!` — the duration as printed.
    Timeout(&'a [u8]),
    /// C2 `Thread 0x… (most recent call first):`, `Current thread 0x…`, `Stack (most recent call first):`
    ThreadDump,
    /// C3 `Fatal Python error: Segmentation fault`
    FatalError(&'a [u8]),
    /// C4 `Windows fatal exception: access violation`
    WindowsFatal(&'a [u8]),
}

fn timeout(i: &[u8]) -> IResult<&[u8], CrashLine<'_>> {
    let clock = recognize((
        uint,
        char(':'),
        uint,
        char(':'),
        uint,
        opt((char('.'), uint)),
    ));
    delimited(tag("Timeout ("), clock, tag(")!"))
        .map(CrashLine::Timeout)
        .parse(i)
}

fn thread_dump(i: &[u8]) -> IResult<&[u8], CrashLine<'_>> {
    let thread = (
        alt((tag("Current thread 0x"), tag("Thread 0x"))),
        take_while1(|b: u8| b.is_ascii_hexdigit()),
        rest,
    );
    value(
        CrashLine::ThreadDump,
        alt((
            recognize((tag("Stack (most recent call first):"), rest)),
            recognize(thread),
        )),
    )
    .parse(i)
}

fn fatal(i: &[u8]) -> IResult<&[u8], CrashLine<'_>> {
    alt((
        preceded(tag("Fatal Python error: "), rest).map(CrashLine::FatalError),
        preceded(tag("Windows fatal exception: "), rest).map(CrashLine::WindowsFatal),
    ))
    .parse(i)
}

pub fn crash_line(i: &[u8]) -> IResult<&[u8], CrashLine<'_>> {
    all_consuming(alt((timeout, thread_dump, fatal))).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(line: &str) -> Option<CrashLine<'_>> {
        crash_line(line.as_bytes()).ok().map(|(_, l)| l)
    }

    #[test]
    fn c1_timeout() {
        assert_eq!(
            c("Timeout (0:20:00)!"),
            Some(CrashLine::Timeout(b"0:20:00"))
        );
        assert_eq!(
            c("Timeout (0:02:00.000123)!"),
            Some(CrashLine::Timeout(b"0:02:00.000123"))
        );
        assert_eq!(c("Timeout (0:20:00)"), None);
        assert_eq!(c("Timeout of 20 seconds!"), None);
    }

    #[test]
    fn c2_dumps() {
        assert_eq!(
            c("Thread 0x00007f58c25be6c0 (most recent call first):"),
            Some(CrashLine::ThreadDump)
        );
        assert_eq!(
            c("Thread 0x00007f58c25be6c0 [sleeper] (most recent call first):"),
            Some(CrashLine::ThreadDump)
        );
        assert_eq!(
            c("Current thread 0x00007f58c25be6c0 (most recent call first):"),
            Some(CrashLine::ThreadDump)
        );
        assert_eq!(
            c("Stack (most recent call first):"),
            Some(CrashLine::ThreadDump)
        );
        assert_eq!(c("Thread pool exhausted"), None);
    }

    #[test]
    fn c3_c4_fatal() {
        assert_eq!(
            c("Fatal Python error: Segmentation fault"),
            Some(CrashLine::FatalError(b"Segmentation fault"))
        );
        assert_eq!(
            c("Windows fatal exception: access violation"),
            Some(CrashLine::WindowsFatal(b"access violation"))
        );
        assert_eq!(c("Fatal error: x"), None);
    }
}
