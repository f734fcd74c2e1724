//! `Warning -- …` lines (§5), `X was modified by test_y` with its `Before:`/`After:` lines
//! (§5.1), and the forms some versions print without the prefix.

use super::util::{int, quoted_test_name, test_name, uint};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_till1, take_until},
    character::complete::char,
    combinator::{opt, rest, value},
    sequence::{delimited, preceded, terminated},
};

#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum WarningLine<'a> {
    /// §5.1 `os.environ was modified by test_x`
    Modified { resource: &'a [u8], test: &'a [u8] },
    /// `  Before: …` (value as printed)
    Before(&'a [u8]),
    /// `  After:  … ` (value without the trailing space)
    After(&'a [u8]),
    /// T5 `test_x leaked temporary files (1): tmpab12cd`
    LeakedTempFiles {
        test: &'a [u8],
        count: u64,
        files: &'a [u8],
    },
    /// W1
    ReapChildren { pid: u64 },
    /// W2 `threading_cleanup() failed to cleanup N threads (count: C, dangling: D)` and
    /// W2b `threading_cleanup() failed to clean up threads in 1.0 seconds`
    ThreadingCleanup { dangling: Option<i64> },
    /// W2b continuation: `  before: thread count=1, dangling=1` / `  after: …`
    ThreadingCleanupDetail,
    /// W3 `Dangling thread: <Thread(...)>`
    DanglingThread(&'a [u8]),
    /// W4 `Dangling threads: {...}`
    DanglingThreads(&'a [u8]),
    /// W4 `Dangling processes: {...}`
    DanglingProcesses(&'a [u8]),
    /// W5 `multiprocessing.Manager still has [...] active children after N seconds`: the list.
    ManagerChildren(&'a [u8]),
    /// W5 `Shared objects which still exist at manager shutdown:`
    ManagerSharedObjects,
    /// W6
    Unraisable,
    /// W7 `Uncaught thread exception: RuntimeError`
    UncaughtThreadException { exception: &'a [u8] },
    /// W8 `test_x created 2 uncollectable object(s).`, W8b (no test name)
    Uncollectable { test: Option<&'a [u8]>, count: u64 },
    /// W9 `test_x left behind directory 'x'`
    LeftBehind {
        test: &'a [u8],
        what: &'a [u8],
        path: &'a [u8],
    },
    /// W10 `regrtest worker thread failed: …`
    WorkerThreadFailed,
    /// W11 `Failed to kill <…>`, `Failed to wait for …`, `Failed to join …`
    WorkerCleanupFailed,
    /// W12
    RerunParseFailed,
    /// Any other `Warning -- ` text (continuation of a multi-line warning, W13, …).
    Other(&'a [u8]),
}

/// The `Warning -- ` prefix.
pub fn warning_prefix(i: &[u8]) -> IResult<&[u8], &[u8]> {
    tag("Warning -- ").parse(i)
}

/// §5.1 head: `RES was modified by TEST`
pub fn modified(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    (
        take_till1(|b| b == b' '),
        preceded(tag(" was modified by "), test_name),
        opt(char(' ')),
    )
        .map(|(resource, test, _)| WarningLine::Modified { resource, test })
        .parse(i)
}

/// `  Before: VALUE` (two spaces before, one after)
pub fn before(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    preceded(tag("  Before: "), rest)
        .map(WarningLine::Before)
        .parse(i)
}

/// The value of an `After:` line: after its two spaces, without the trailing one.
fn after_value(i: &[u8]) -> &[u8] {
    let v = i
        .strip_prefix(b"  ")
        .or_else(|| i.strip_prefix(b" "))
        .unwrap_or(i);
    v.strip_suffix(b" ").unwrap_or(v)
}

/// `  After:  VALUE ` (two spaces after the colon, one trailing)
pub fn after(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    preceded(tag("  After:"), rest.map(after_value))
        .map(WarningLine::After)
        .parse(i)
}

fn leaked_temp_files(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    (
        test_name,
        delimited(tag(" leaked temporary files ("), uint, tag("): ")),
        rest,
    )
        .map(|(test, count, files)| WarningLine::LeakedTempFiles { test, count, files })
        .parse(i)
}

fn reap_children(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    preceded(tag("reap_children() reaped child process "), uint)
        .map(|pid| WarningLine::ReapChildren { pid })
        .parse(i)
}

fn threading_cleanup(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    let dangling = opt(preceded((take_until("dangling: "), tag("dangling: ")), int));
    (tag("threading_cleanup() failed to "), dangling, rest)
        .map(|(_, dangling, _)| WarningLine::ThreadingCleanup { dangling })
        .parse(i)
}

fn threading_cleanup_detail(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    let head = alt((
        tag("  before: thread count="),
        tag("  after: thread count="),
    ));
    value(WarningLine::ThreadingCleanupDetail, (head, rest)).parse(i)
}

fn dangling(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    alt((
        preceded(tag("Dangling thread: "), rest).map(WarningLine::DanglingThread),
        preceded(tag("Dangling threads: "), rest).map(WarningLine::DanglingThreads),
        preceded(tag("Dangling processes: "), rest).map(WarningLine::DanglingProcesses),
    ))
    .parse(i)
}

/// W5: the repr of the children's list comes before ` active children after N seconds`.
fn manager(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    let children = alt((terminated(take_until(" active children"), rest), rest));
    alt((
        preceded(tag("multiprocessing.Manager still has "), children)
            .map(WarningLine::ManagerChildren),
        value(
            WarningLine::ManagerSharedObjects,
            tag("Shared objects which still exist at manager shutdown:"),
        ),
    ))
    .parse(i)
}

fn uncollectable(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    (
        test_name,
        delimited(tag(" created "), uint, tag(" uncollectable object(s)")),
        opt(char('.')),
    )
        .map(|(test, count, _)| WarningLine::Uncollectable {
            // W8b says `test created …` without naming one
            test: (test != b"test").then_some(test),
            count,
        })
        .parse(i)
}

fn left_behind(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    (
        quoted_test_name,
        delimited(
            tag(" left behind "),
            alt((tag("file"), tag("directory"))),
            tag(" "),
        ),
        rest,
    )
        .map(|(test, what, path)| WarningLine::LeftBehind { test, what, path })
        .parse(i)
}

fn misc(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    let exception = take_till1(|b: u8| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'.'));
    alt((
        value(WarningLine::Unraisable, tag("Unraisable exception")),
        preceded(tag("Uncaught thread exception: "), exception)
            .map(|exception| WarningLine::UncaughtThreadException { exception }),
        value(
            WarningLine::WorkerThreadFailed,
            tag("regrtest worker thread failed"),
        ),
        value(
            WarningLine::WorkerCleanupFailed,
            alt((
                tag("Failed to kill "),
                tag("Failed to wait for "),
                tag("Failed to join "),
            )),
        ),
        value(WarningLine::RerunParseFailed, tag("rerun failed to parse ")),
    ))
    .parse(i)
}

/// The text after `Warning -- `: a known warning, else `Other` (never an error).
pub fn warning_body(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    let known = alt((
        before,
        after,
        threading_cleanup_detail,
        modified,
        leaked_temp_files,
        reap_children,
        threading_cleanup,
        dangling,
        manager,
        uncollectable,
        left_behind,
        misc,
    ));
    terminated(alt((known, rest.map(WarningLine::Other))), rest).parse(i)
}

/// A whole `Warning -- …` line.
pub fn warning_line(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    preceded(warning_prefix, warning_body).parse(i)
}

/// The forms printed without `Warning -- ` in some versions: bare `Before:`/`After:` lines
/// (≤3.10), `Dangling thread:` (3.7), `reap_children()` (3.6/3.7), `left behind` (2.7–3.6),
/// and W8b `Warning: test created N uncollectable object(s).`.
pub fn bare_warning_line(i: &[u8]) -> IResult<&[u8], WarningLine<'_>> {
    let known = alt((
        before,
        after,
        dangling,
        reap_children,
        left_behind,
        preceded(tag("Warning: "), uncollectable),
    ));
    terminated(known, rest).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(line: &str) -> WarningLine<'_> {
        warning_line(line.as_bytes()).unwrap().1
    }

    #[test]
    fn modified_and_values_both_forms() {
        assert_eq!(
            w("Warning -- os.environ was modified by test_x"),
            WarningLine::Modified {
                resource: b"os.environ",
                test: b"test_x"
            }
        );
        assert_eq!(
            w("Warning --   Before: set()"),
            WarningLine::Before(b"set()")
        );
        assert_eq!(
            w("Warning --   After:  {<weakref at 0x1>} "),
            WarningLine::After(b"{<weakref at 0x1>}")
        );
        assert_eq!(
            bare_warning_line(b"  Before: []").unwrap().1,
            WarningLine::Before(b"[]")
        );
        assert_eq!(
            bare_warning_line(b"  After:  [1] ").unwrap().1,
            WarningLine::After(b"[1]")
        );
        // near misses: one leading space, or `Before` without colon
        assert!(bare_warning_line(b" Before: []").is_err());
        assert!(bare_warning_line(b"  Before []").is_err());
        assert_eq!(
            w("Warning -- os.environ was changed by test_x"),
            WarningLine::Other(b"os.environ was changed by test_x")
        );
    }

    #[test]
    fn t5_leaked_temp_files() {
        assert_eq!(
            w("Warning -- test_x leaked temporary files (1): tmpab12cd"),
            WarningLine::LeakedTempFiles {
                test: b"test_x",
                count: 1,
                files: b"tmpab12cd"
            }
        );
    }

    #[test]
    fn w1_w2_w3_w4() {
        assert_eq!(
            w("Warning -- reap_children() reaped child process 12345"),
            WarningLine::ReapChildren { pid: 12345 }
        );
        assert_eq!(
            bare_warning_line(b"reap_children() reaped child process 7")
                .unwrap()
                .1,
            WarningLine::ReapChildren { pid: 7 }
        );
        assert_eq!(
            w("Warning -- threading_cleanup() failed to cleanup 0 threads (count: 0, dangling: 2)"),
            WarningLine::ThreadingCleanup { dangling: Some(2) }
        );
        assert_eq!(
            w("Warning -- threading_cleanup() failed to clean up threads in 1.0 seconds"),
            WarningLine::ThreadingCleanup { dangling: None }
        );
        assert_eq!(
            w("Warning --   before: thread count=1, dangling=1"),
            WarningLine::ThreadingCleanupDetail
        );
        assert_eq!(
            w("Warning -- Dangling thread: <Thread(Thread-3, started daemon 1402)>"),
            WarningLine::DanglingThread(b"<Thread(Thread-3, started daemon 1402)>")
        );
        assert_eq!(
            bare_warning_line(b"Dangling thread: <Thread(x)>")
                .unwrap()
                .1,
            WarningLine::DanglingThread(b"<Thread(x)>")
        );
        assert_eq!(
            w("Warning -- Dangling processes: {<SpawnProcess(SpawnProcess-1, started)>}"),
            WarningLine::DanglingProcesses(b"{<SpawnProcess(SpawnProcess-1, started)>}")
        );
        assert!(matches!(
            w("Warning -- Dangling threads: {<Thread(a)>}"),
            WarningLine::DanglingThreads(_)
        ));
    }

    #[test]
    fn w5_to_w8() {
        assert!(matches!(
            w(
                "Warning -- multiprocessing.Manager still has [<ForkProcess(x)>] active children after 5.0 seconds"
            ),
            WarningLine::ManagerChildren(_)
        ));
        assert_eq!(
            w("Warning -- Shared objects which still exist at manager shutdown:"),
            WarningLine::ManagerSharedObjects
        );
        assert_eq!(
            w("Warning -- Unraisable exception"),
            WarningLine::Unraisable
        );
        assert_eq!(
            w("Warning -- Uncaught thread exception: RuntimeError"),
            WarningLine::UncaughtThreadException {
                exception: b"RuntimeError"
            }
        );
        assert_eq!(
            w("Warning -- test_gc created 2 uncollectable object(s)."),
            WarningLine::Uncollectable {
                test: Some(b"test_gc"),
                count: 2
            }
        );
        assert_eq!(
            w("Warning -- test.test_gc created 1 uncollectable object(s)"),
            WarningLine::Uncollectable {
                test: Some(b"test.test_gc"),
                count: 1
            }
        );
        assert_eq!(
            bare_warning_line(b"Warning: test created 3 uncollectable object(s).")
                .unwrap()
                .1,
            WarningLine::Uncollectable {
                test: None,
                count: 3
            }
        );
    }

    #[test]
    fn w9_to_w12() {
        assert_eq!(
            w("Warning -- test_x left behind directory '@test_123_tmp'"),
            WarningLine::LeftBehind {
                test: b"test_x",
                what: b"directory",
                path: b"'@test_123_tmp'"
            }
        );
        assert!(matches!(
            w("Warning -- 'test_x' left behind file 'x'"),
            WarningLine::LeftBehind {
                test: b"test_x",
                ..
            }
        ));
        assert!(matches!(
            bare_warning_line(b"test_x left behind file 'x'").unwrap().1,
            WarningLine::LeftBehind { .. }
        ));
        assert_eq!(
            w("Warning -- regrtest worker thread failed: Traceback (most recent call last):"),
            WarningLine::WorkerThreadFailed
        );
        assert_eq!(
            w(
                "Warning -- Failed to kill <WorkerThread #1 running test=test_x pid=1 time=1 sec> process group"
            ),
            WarningLine::WorkerCleanupFailed
        );
        assert_eq!(
            w("Warning -- rerun failed to parse FAIL test name: 'x': don't filter tests"),
            WarningLine::RerunParseFailed
        );
    }

    #[test]
    fn prefix_required_for_family() {
        assert!(warning_line(b"Warning: something").is_err());
        assert!(warning_line(b"DeprecationWarning -- x").is_err());
        assert!(bare_warning_line(b"Unraisable exception").is_err());
    }
}
