//! Python tracebacks and faulthandler dumps, as far as a failure's reason needs them: where a
//! traceback starts, the exception line that ends it, the lines that chain one to the next,
//! and the frames of a faulthandler dump (C2).

use super::crash::{CrashLine, crash_line};
use super::util::{dotted_name_len, uint};

/// `Traceback (most recent call last):`, also as 3.11+ prints it for an exception group.
pub fn is_traceback_start(line: &[u8]) -> bool {
    line == b"Traceback (most recent call last):"
        || line == b"  + Exception Group Traceback (most recent call last):"
}

/// The lines between two chained tracebacks.
pub fn is_chain_line(line: &[u8]) -> bool {
    line == b"During handling of the above exception, another exception occurred:"
        || line == b"The above exception was the direct cause of the following exception:"
}

/// The exception line that ends a traceback: `AssertionError: 58 != 128`,
/// `test.support.TestFailed: …`, `KeyboardInterrupt`. Inside an exception group it is
/// printed after `  | `. 2.7's `<type 'exceptions.ImportError'>: msg` (a T3 detail) comes
/// out as `ImportError: msg`, and `<class 'x.Error'>: msg` as `x.Error: msg`. Anything else
/// is not one.
pub fn exception_line(line: &[u8]) -> Option<String> {
    let line = line.strip_prefix(b"  | ").unwrap_or(line);
    let line = line.trim_ascii_end();
    if let Some(old) = old_style_exception(line) {
        return Some(old);
    }
    let name_end = dotted_name_len(line);
    let name = &line[..name_end];
    let starts_well = name
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
    // a class name: its last part starts with a capital (`ValueError`, `socket.timeout` is
    // the exception that does not, and is let through by its module)
    let last = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
    let class_like = last.first().is_some_and(u8::is_ascii_uppercase) || name.contains(&b'.');
    let rest = &line[name_end..];
    let ends_well = rest.is_empty() || rest.starts_with(b": ") || rest == b":";
    (starts_well && class_like && ends_well && !name.ends_with(b"."))
        .then(|| String::from_utf8_lossy(line).into_owned())
}

/// `<type 'exceptions.ImportError'>: msg` as `ImportError: msg`, `<class 'x.Error'>: msg` as
/// `x.Error: msg`.
fn old_style_exception(line: &[u8]) -> Option<String> {
    let rest = line
        .strip_prefix(b"<type '")
        .or_else(|| line.strip_prefix(b"<class '"))?;
    let close = rest.iter().position(|&b| b == b'\'')?;
    let name = &rest[..close];
    let name = name.strip_prefix(b"exceptions.").unwrap_or(name);
    let tail = rest[close..].strip_prefix(b"'>")?;
    Some(format!(
        "{}{}",
        String::from_utf8_lossy(name),
        String::from_utf8_lossy(tail)
    ))
}

/// One frame of a faulthandler dump, borrowed from its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DumpFrame<'a> {
    /// The file's name without its directory.
    pub file: &'a [u8],
    pub line: u64,
    pub function: &'a [u8],
    /// In a test module (`test_*.py`), not in the machinery that runs it.
    pub in_test: bool,
}

impl DumpFrame<'_> {
    /// `test_signal.py:973 in measure_itimer_resolution`
    pub fn place(&self) -> String {
        format!(
            "{}:{} in {}",
            String::from_utf8_lossy(self.file),
            self.line,
            String::from_utf8_lossy(self.function)
        )
    }
}

/// A faulthandler frame line (no comma before `in`, unlike a traceback's).
pub fn dump_frame(line: &[u8]) -> Option<DumpFrame<'_>> {
    let rest = line.strip_prefix(b"  File \"")?;
    let close = rest.iter().rposition(|&b| b == b'"')?;
    let path = &rest[..close];
    let tail = rest[close + 1..].strip_prefix(b", line ")?;
    let (tail, number) = uint(tail).ok()?;
    let function = tail.strip_prefix(b" in ")?;
    let file = path
        .rsplit(|&b| b == b'/' || b == b'\\')
        .next()
        .unwrap_or(path);
    Some(DumpFrame {
        file,
        line: number,
        function,
        in_test: file.starts_with(b"test_") && file.ends_with(b".py"),
    })
}

/// A line that belongs to a faulthandler dump without being a frame: a thread's header or
/// `Stack (most recent call first):` (C2), and what 3.9+ print after the threads.
pub fn is_dump_line(line: &[u8]) -> bool {
    matches!(crash_line(line), Ok((_, CrashLine::ThreadDump)))
        || line.starts_with(b"Python runtime state:")
        || line.starts_with(b"Extension modules:")
        || line.starts_with(b"Current thread's C stack trace")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_lines_and_what_is_not_one() {
        let ex = |s: &str| exception_line(s.as_bytes());
        assert_eq!(
            ex("AssertionError: 58 != 128").as_deref(),
            Some("AssertionError: 58 != 128")
        );
        assert_eq!(
            ex("ConnectionResetError: [Errno 104] Connection reset by peer").as_deref(),
            Some("ConnectionResetError: [Errno 104] Connection reset by peer")
        );
        assert_eq!(
            ex("KeyboardInterrupt").as_deref(),
            Some("KeyboardInterrupt")
        );
        assert_eq!(
            ex("test.support.TestFailed: 3 != 4").as_deref(),
            Some("test.support.TestFailed: 3 != 4")
        );
        assert_eq!(
            ex("socket.timeout: timed out").as_deref(),
            Some("socket.timeout: timed out")
        );
        assert_eq!(ex("  | ValueError: x").as_deref(), Some("ValueError: x"));
        assert_eq!(
            ex("<type 'exceptions.ImportError'>: No module named foo").as_deref(),
            Some("ImportError: No module named foo")
        );
        for not in [
            "",
            "  File \"x.py\", line 1, in f",
            "0:00:01 load avg: 1.00 [1/2] test_x",
            "Warning -- something",
            "gcc -c foo.c",
            "note: this is prose",
            "Ran 1 test in 0.001s",
        ] {
            assert_eq!(ex(not), None, "{not}");
        }
    }

    #[test]
    fn dump_frames() {
        let f = dump_frame(
            b"  File \"/srv/build/Lib/test/test_signal.py\", line 973 in measure_itimer_resolution",
        )
        .unwrap();
        assert_eq!(f.place(), "test_signal.py:973 in measure_itimer_resolution");
        assert!(f.in_test);
        let f = dump_frame(b"  File \"C:\\b\\Lib\\selectors.py\", line 265 in select").unwrap();
        assert_eq!((f.file, f.in_test), (&b"selectors.py"[..], false));
        assert_eq!(dump_frame(b"  <no Python frame>"), None);
        assert!(is_dump_line(b"Thread 0x405acdc0 (most recent call first):"));
        assert!(is_dump_line(
            b"Current thread 0x000003ffb787f900 (most recent call first):"
        ));
        assert!(!is_dump_line(b"test_x passed"));
        assert!(is_traceback_start(b"Traceback (most recent call last):"));
        assert!(is_chain_line(
            b"During handling of the above exception, another exception occurred:"
        ));
    }
}
