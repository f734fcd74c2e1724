//! Reference-leak hunting lines (`-R`, §6): R1 `beginning N repetitions`, R2 the digit ruler,
//! R3 the progress symbols, R4 `test_x leaked [...] references, sum=N`.

use super::util::{int, test_name, uint};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::tag,
    combinator::{all_consuming, eof, opt, recognize, rest, value, verify},
    multi::separated_list1,
    sequence::{delimited, preceded},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeakKind {
    References,
    MemoryBlocks,
    FileDescriptors,
}

impl LeakKind {
    /// The `resource` column value.
    pub fn name(self) -> &'static str {
        match self {
            LeakKind::References => "references",
            LeakKind::MemoryBlocks => "memory_blocks",
            LeakKind::FileDescriptors => "file_descriptors",
        }
    }
}

#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum RefleakLine<'a> {
    /// R1/R1b
    Beginning { repetitions: u64 },
    /// R2 `123456` / `123:456`
    Ruler,
    /// R3 `......`, `... ...`, `XX1 111`
    Symbols,
    /// R4
    Leaked {
        test: &'a [u8],
        deltas: &'a [u8],
        kind: LeakKind,
        sum: i64,
        is_fine: bool,
    },
}

/// R1 and R1b
pub fn beginning(i: &[u8]) -> IResult<&[u8], RefleakLine<'_>> {
    let legend = (tag(". Showing number of leaks"), rest);
    delimited(
        tag("beginning "),
        uint,
        (tag(" repetitions"), alt((eof, recognize(legend)))),
    )
    .map(|repetitions| RefleakLine::Beginning { repetitions })
    .parse(i)
}

/// `123456` / `123:456`: digits, with at most one colon after the warm-ups (3.13+).
fn is_ruler(i: &[u8]) -> bool {
    // the first byte that is neither turns most lines away
    i.first().is_some_and(u8::is_ascii_digit)
        && i.iter().all(|&b| b.is_ascii_digit() || b == b':')
        && i.iter().filter(|&&b| b == b':').count() <= 1
}

/// R2
pub fn ruler(i: &[u8]) -> IResult<&[u8], RefleakLine<'_>> {
    value(RefleakLine::Ruler, verify(rest, is_ruler)).parse(i)
}

/// Is `b` one of the R3 symbols (`.` for no leak, `1`–`9`, `X` for ten or more)?
pub fn is_symbol(b: u8) -> bool {
    b == b'.' || b == b'X' || b.is_ascii_digit()
}

/// Only symbols, at least one `.` or `X`, and at most one space (after the warm-ups, 3.13+).
fn is_symbol_run(i: &[u8]) -> bool {
    // the first byte that is no symbol turns most lines away (`./Python/ceval.c:…`)
    !i.is_empty()
        && i.iter().all(|&b| is_symbol(b) || b == b' ')
        && i.iter().filter(|&&b| b == b' ').count() <= 1
        && i.iter().any(|&b| b == b'.' || b == b'X')
}

/// R3
pub fn symbols(i: &[u8]) -> IResult<&[u8], RefleakLine<'_>> {
    value(RefleakLine::Symbols, verify(rest, is_symbol_run)).parse(i)
}

fn leak_kind(i: &[u8]) -> IResult<&[u8], LeakKind> {
    alt((
        value(LeakKind::References, tag("references")),
        value(LeakKind::MemoryBlocks, tag("memory blocks")),
        value(LeakKind::FileDescriptors, tag("file descriptors")),
    ))
    .parse(i)
}

/// R4 `test_x leaked [1, 1, 1] references, sum=3` with an optional ` (this is fine)`.
pub fn leaked(i: &[u8]) -> IResult<&[u8], RefleakLine<'_>> {
    let deltas = recognize(separated_list1(tag(", "), int));
    all_consuming((
        test_name,
        delimited(tag(" leaked ["), deltas, tag("] ")),
        leak_kind,
        preceded(tag(", sum="), int),
        opt(tag(" (this is fine)")),
    ))
    .map(|(test, deltas, kind, sum, fine)| RefleakLine::Leaked {
        test,
        deltas,
        kind,
        sum,
        is_fine: fine.is_some(),
    })
    .parse(i)
}

pub fn refleak_line(i: &[u8]) -> IResult<&[u8], RefleakLine<'_>> {
    alt((beginning, leaked, ruler, symbols)).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(line: &str) -> Option<RefleakLine<'_>> {
        refleak_line(line.as_bytes()).ok().map(|(_, l)| l)
    }

    #[test]
    fn r1_both_forms() {
        assert_eq!(
            r("beginning 6 repetitions"),
            Some(RefleakLine::Beginning { repetitions: 6 })
        );
        assert_eq!(
            r(
                "beginning 9 repetitions. Showing number of leaks (. for 0 or less, X for 10 or more)"
            ),
            Some(RefleakLine::Beginning { repetitions: 9 })
        );
        assert_eq!(r("beginning 6 repetitions of doom"), None);
    }

    #[test]
    fn r2_r3_rulers_and_symbols() {
        assert_eq!(r("123456"), Some(RefleakLine::Ruler));
        assert_eq!(r("123:456"), Some(RefleakLine::Ruler));
        assert_eq!(r("......"), Some(RefleakLine::Symbols));
        assert_eq!(r("... ..."), Some(RefleakLine::Symbols));
        assert_eq!(r("XX1 111"), Some(RefleakLine::Symbols));
        assert_eq!(r("12:34:56"), None);
        assert_eq!(r("1. 2. 3."), None);
        assert_eq!(r("Ran"), None);
    }

    #[test]
    fn r4_leaks_and_fine() {
        assert_eq!(
            r("test_x leaked [1, 1, 1] references, sum=3"),
            Some(RefleakLine::Leaked {
                test: b"test_x",
                deltas: b"1, 1, 1",
                kind: LeakKind::References,
                sum: 3,
                is_fine: false
            })
        );
        assert_eq!(
            r("test_y leaked [8, -2, 8] memory blocks, sum=14"),
            Some(RefleakLine::Leaked {
                test: b"test_y",
                deltas: b"8, -2, 8",
                kind: LeakKind::MemoryBlocks,
                sum: 14,
                is_fine: false
            })
        );
        assert!(matches!(
            r("test_z leaked [1, 1] file descriptors, sum=2"),
            Some(RefleakLine::Leaked {
                kind: LeakKind::FileDescriptors,
                ..
            })
        ));
        assert!(matches!(
            r("test_x leaked [0, 3, 0] references, sum=3 (this is fine)"),
            Some(RefleakLine::Leaked { is_fine: true, .. })
        ));
        assert_eq!(r("test_x leaked [1, 1] bananas, sum=2"), None);
        assert_eq!(r("test_x leaked [] references, sum=0"), None);
    }
}
