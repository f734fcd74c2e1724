//! Header lines (H1–H13) and run-mode lines (M1–M4), §2 of regrtest-format.md.

use super::prefix::{Prefix, prefix};
use super::util::uint;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_till1, take_until, take_while1},
    character::complete::char,
    combinator::{all_consuming, opt, rest, value, verify},
    sequence::{delimited, preceded, terminated},
};

#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum HeaderLine<'a> {
    /// H1 `== CPython 3.11.7 (main, Dec 15 2023, 13:32:22) [GCC 12.2.0]`
    Python {
        implementation: &'a [u8],
        version: &'a [u8],
        /// `(main, Dec 15 2023, 13:32:22) [GCC 12.2.0]`: see `build_info`.
        build: &'a [u8],
    },
    /// H2 `== Linux-6.5.0-x86_64-with-glibc2.36 little-endian`
    Platform { platform: &'a [u8] },
    /// H3 `==   hash algorithm: siphash24 64bit`
    HashAlgorithm,
    /// H4 `== cwd: /path` (3.6+) or `==   /path` (2.7, 3.5)
    Cwd { path: &'a [u8] },
    /// H5 `Testing with flags: sys.flags(...)`
    TestingFlags,
    /// H6 `== CPU count: 4 (process) / 8 (system)`
    CpuCount { count: u64 },
    /// H7–H10 and the other `== key: value` lines of 3.11.6+.
    Info { key: &'a [u8], value: &'a [u8] },
    /// H11 `Using random seed: 1265715576`
    RandomSeed { seed: u64 },
    /// H12 the -R warm-up warning
    HuntrleaksWarning,
    /// H13 `+ ./python -m test ...` re-exec echo
    CommandEcho { command: &'a [u8] },
}

/// The number of tests and workers announced by M1–M4.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunMode {
    pub prefix: Option<Prefix>,
    /// `None` for sequential runs.
    pub workers: Option<u64>,
    /// `None` when the line does not say (M1/M2, or `--forever`).
    pub tests: Option<u64>,
    /// The per-test `(timeout: 20 min, …)`, in seconds.
    pub timeout_s: Option<u64>,
}

/// The `(timeout: 20 min, worker timeout: 25 min)` tail of an M line: the per-test timeout.
fn timeout_tail(tail: &[u8]) -> Option<u64> {
    let at = memchr::memmem::find(tail, b"(timeout: ")?;
    let value = &tail[at + b"(timeout: ".len()..];
    let end = value.iter().position(|&b| b == b',' || b == b')')?;
    super::util::duration_seconds(&value[..end]).map(|s| s as u64)
}

/// `\d+\.\d+\.\d+\S*`: three dotted numbers, anything after the third.
fn is_version(v: &[u8]) -> bool {
    let mut parts = v.splitn(3, |&b| b == b'.');
    (0..3).all(|n| {
        parts.next().is_some_and(|p| {
            let digits = p.iter().take_while(|b| b.is_ascii_digit()).count();
            digits > 0 && (n == 2 || digits == p.len())
        })
    })
}

fn version(i: &[u8]) -> IResult<&[u8], &[u8]> {
    verify(take_till1(|b| b == b' '), |v: &[u8]| is_version(v)).parse(i)
}

/// What the H1 build text says of the source: `(heads/main:abc1234, Dec 15 2023, 13:32:22)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BuildInfo<'a> {
    /// `main`, `3.12`, `v3.12.1` (`heads/` and `tags/` removed).
    pub branch: Option<&'a [u8]>,
    pub commit: Option<&'a [u8]>,
    /// The build date as (year, month, day).
    pub date: Option<(u32, u32, u32)>,
}

const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// `Dec 15 2023` / `Dec  7 2023`.
fn build_date(text: &[u8]) -> Option<(u32, u32, u32)> {
    let mut words = text.split(|&b| b == b' ').filter(|w| !w.is_empty());
    let name = words.next()?;
    let month = MONTHS.iter().position(|m| *m == name)? as u32 + 1;
    let number = |w: &[u8]| std::str::from_utf8(w).ok()?.parse::<u32>().ok();
    let day = number(words.next()?)?;
    let year = number(words.next()?)?;
    ((1..=31).contains(&day) && (1970..=9999).contains(&year)).then_some((year, month, day))
}

/// The H1 build text: `(main, Dec 15 2023, 13:32:22) [GCC 12.2.0]` → branch, commit, date.
pub fn build_info(build: &[u8]) -> BuildInfo<'_> {
    let Some(inner) = build
        .strip_prefix(b"(")
        .and_then(|b| b.split(|&c| c == b')').next())
    else {
        return BuildInfo::default();
    };
    let mut parts = inner.split_str(b", ");
    let mut info = BuildInfo::default();
    if let Some(first) = parts.next().filter(|f| !f.is_empty()) {
        let (reference, commit) = match memchr::memchr(b':', first) {
            Some(p) => (&first[..p], Some(&first[p + 1..])),
            None => (first, None),
        };
        let name = reference
            .strip_prefix(b"heads/")
            .or_else(|| reference.strip_prefix(b"tags/"))
            .unwrap_or(reference);
        info.branch = Some(name).filter(|n| !n.is_empty());
        info.commit = commit.filter(|c| !c.is_empty());
    }
    info.date = parts.next().and_then(build_date);
    info
}

/// `haystack.split(needle)` for a byte needle of more than one byte.
trait SplitStr {
    fn split_str<'a>(&'a self, needle: &'a [u8]) -> impl Iterator<Item = &'a [u8]>;
}

impl SplitStr for [u8] {
    fn split_str<'a>(&'a self, needle: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
        let mut rest = Some(self);
        std::iter::from_fn(move || {
            let r = rest?;
            match memchr::memmem::find(r, needle) {
                Some(p) => {
                    rest = Some(&r[p + needle.len()..]);
                    Some(&r[..p])
                }
                None => {
                    rest = None;
                    Some(r)
                }
            }
        })
    }
}

/// H1
pub fn python_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    let (i, _) = tag("== ").parse(i)?;
    let (i, implementation) = take_while1(|b: u8| b.is_ascii_alphanumeric())(i)?;
    let (i, version) = preceded(char(' '), version).parse(i)?;
    let (i, build) = rest(i)?;
    let build = build.strip_prefix(b" ").unwrap_or(build);
    Ok((
        i,
        HeaderLine::Python {
            implementation,
            version,
            build,
        },
    ))
}

/// H2: `== <platform> little-endian` (three spaces after `==` in 2.7/3.5).
pub fn platform_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    let endian = alt((tag(" little-endian"), tag(" big-endian")));
    all_consuming(delimited(
        (tag("=="), take_while1(|b| b == b' ')),
        take_till1(|b| b == b' '),
        endian,
    ))
    .map(|platform| HeaderLine::Platform { platform })
    .parse(i)
}

/// H3
pub fn hash_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    value(
        HeaderLine::HashAlgorithm,
        (tag("==   hash algorithm: "), rest),
    )
    .parse(i)
}

/// `/path` or `C:\path`: the 2.7/3.5 cwd line is told from other `==   ` lines by it.
fn is_absolute_path(p: &[u8]) -> bool {
    p.first() == Some(&b'/') || (p.len() > 2 && p[0].is_ascii_uppercase() && &p[1..3] == b":\\")
}

/// H4, both forms.
pub fn cwd_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    alt((
        preceded(tag("== cwd: "), rest),
        preceded(tag("==   "), verify(rest, |p: &[u8]| is_absolute_path(p))),
    ))
    .map(|path| HeaderLine::Cwd { path })
    .parse(i)
}

/// H5
pub fn flags_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    value(
        HeaderLine::TestingFlags,
        (tag("Testing with flags: sys.flags("), rest),
    )
    .parse(i)
}

/// H6
pub fn cpu_count_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    terminated(preceded(tag("== CPU count: "), uint), rest)
        .map(|count| HeaderLine::CpuCount { count })
        .parse(i)
}

/// H7–H10: `== encodings: …`, `== Python build: …`, `== resources: …`, `== sanitizers: …`,
/// `== ASAN_OPTIONS=…`. Keys are lower-case words, so `== CPython 3.x` never matches.
pub fn info_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    let (i, _) = tag("== ").parse(i)?;
    let (i, key) = alt((
        tag("encodings"),
        tag("Python build"),
        tag("resources"),
        tag("cross compiled"),
        tag("host python"),
        tag("host platform"),
        tag("host runner"),
        tag("sanitizers"),
        tag("PYTHON_GIL"),
        take_until("_OPTIONS="),
    ))
    .parse(i)?;
    let (i, _) = opt(alt((tag(" ("), tag("_OPTIONS=")))).parse(i)?;
    let value = match memchr::memchr(b':', i) {
        Some(p) if p < 8 => &i[(p + 1).min(i.len())..],
        _ => i,
    };
    let value = value.strip_prefix(b" ").unwrap_or(value);
    Ok((&i[i.len()..], HeaderLine::Info { key, value }))
}

/// H11 (with and without the colon)
pub fn random_seed_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    all_consuming(preceded(
        (tag("Using random seed"), opt(tag(":")), tag(" ")),
        uint,
    ))
    .map(|seed| HeaderLine::RandomSeed { seed })
    .parse(i)
}

/// H12
pub fn huntrleaks_warning_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    let text = tag("WARNING: Running tests with --huntrleaks/-R and less than");
    value(HeaderLine::HuntrleaksWarning, (text, rest)).parse(i)
}

/// H13: `+ ./python … -m test …` (only when it runs the test package).
pub fn command_echo_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    let runs_tests = |c: &[u8]| memchr::memmem::find(c, b"-m test").is_some();
    preceded(tag("+ "), verify(rest, runs_tests))
        .map(|command| HeaderLine::CommandEcho { command })
        .parse(i)
}

pub fn header_line(i: &[u8]) -> IResult<&[u8], HeaderLine<'_>> {
    alt((
        cwd_line,
        platform_line,
        hash_line,
        cpu_count_line,
        info_line,
        python_line,
        flags_line,
        random_seed_line,
        huntrleaks_warning_line,
        command_echo_line,
    ))
    .parse(i)
}

/// `433 tests`, `1 test`, or `tests` alone (`--forever`: no count).
fn tests_count(i: &[u8]) -> IResult<&[u8], Option<u64>> {
    alt((
        terminated(uint, alt((tag(" tests"), tag(" test")))).map(Some),
        value(None, tag("tests")),
    ))
    .parse(i)
}

/// M1 `Run tests in parallel using 4 child processes (…)` and
/// M3 `Run 433 tests in parallel using 2 worker processes (…)`.
fn parallel_mode(i: &[u8]) -> IResult<&[u8], RunMode> {
    (
        opt(prefix),
        preceded(tag("Run "), tests_count),
        preceded(tag(" in parallel using "), uint),
        alt((tag(" child process"), tag(" worker process"))),
        rest,
    )
        .map(|(prefix, tests, workers, _, tail)| RunMode {
            prefix,
            workers: Some(workers),
            tests,
            timeout_s: timeout_tail(tail),
        })
        .parse(i)
}

/// M2 `Run tests sequentially` and M4 `Run 433 tests sequentially in a single process`.
fn sequential_mode(i: &[u8]) -> IResult<&[u8], RunMode> {
    (
        opt(prefix),
        delimited(tag("Run "), tests_count, tag(" sequentially")),
        rest,
    )
        .map(|(prefix, tests, tail)| RunMode {
            prefix,
            workers: None,
            tests,
            timeout_s: timeout_tail(tail),
        })
        .parse(i)
}

/// M1–M4, with or without PREFIX, and the per-test timeout of their `(timeout: …)` tail.
pub fn run_mode_line(i: &[u8]) -> IResult<&[u8], RunMode> {
    alt((parallel_mode, sequential_mode)).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Option<HeaderLine<'_>> {
        header_line(line.as_bytes()).ok().map(|(_, h)| h)
    }

    #[test]
    fn h1_python() {
        let h = parse("== CPython 3.11.7 (main, Dec 15 2023, 13:32:22) [GCC 12.2.0]").unwrap();
        assert_eq!(
            h,
            HeaderLine::Python {
                implementation: b"CPython",
                version: b"3.11.7",
                build: b"(main, Dec 15 2023, 13:32:22) [GCC 12.2.0]"
            }
        );
        assert!(matches!(
            parse("== CPython 3.14.0rc1+ (heads/main:abc)"),
            Some(HeaderLine::Python {
                version: b"3.14.0rc1+",
                ..
            })
        ));
        assert!(matches!(
            parse("== CPython 2.7.18"),
            Some(HeaderLine::Python { .. })
        ));
        // near misses: no patch number, or a word
        assert!(parse("== CPython 3.11 foo").is_none());
        assert!(parse("== Tests result: SUCCESS ==").is_none());
    }

    #[test]
    fn build_text_gives_branch_commit_date() {
        let info = build_info(b"(heads/main:abc1234, Dec  7 2023, 13:32:22) [GCC]");
        assert_eq!(
            info,
            BuildInfo {
                branch: Some(b"main"),
                commit: Some(b"abc1234"),
                date: Some((2023, 12, 7))
            }
        );
        let info = build_info(
            b"(tags/v3.9.18:8f2d7f5, Aug 24 2023, 17:31:07) [MSC v.1929 64 bit (AMD64)]",
        );
        assert_eq!(
            (info.branch, info.commit, info.date),
            (
                Some(&b"v3.9.18"[..]),
                Some(&b"8f2d7f5"[..]),
                Some((2023, 8, 24))
            )
        );
        assert_eq!(build_info(b""), BuildInfo::default());
        assert_eq!(build_info(b"(main, Smarch 40 2023, x)").date, None);
        assert_eq!(build_info(b"(, Dec 15 2023, x)").branch, None);
    }

    #[test]
    fn h2_platform() {
        assert_eq!(
            parse("== Linux-6.5.0-4-amd64-x86_64-with-glibc2.36 little-endian"),
            Some(HeaderLine::Platform {
                platform: b"Linux-6.5.0-4-amd64-x86_64-with-glibc2.36"
            })
        );
        assert!(matches!(
            parse("==   Linux-2.6-x86_64 little-endian"),
            Some(HeaderLine::Platform { .. })
        ));
        assert!(parse("== Linux little-endian extra").is_none());
    }

    #[test]
    fn h3_h5_hash_and_flags() {
        assert_eq!(
            parse("==   hash algorithm: siphash24 64bit"),
            Some(HeaderLine::HashAlgorithm)
        );
        assert_eq!(
            parse("Testing with flags: sys.flags(debug=0, inspect=0)"),
            Some(HeaderLine::TestingFlags)
        );
        assert!(parse("Testing with flags: none").is_none());
    }

    #[test]
    fn h4_cwd_both_forms() {
        assert_eq!(
            parse("== cwd: /buildarea/3.x/build/build/test_python_worker_35953æ"),
            Some(HeaderLine::Cwd {
                path: "/buildarea/3.x/build/build/test_python_worker_35953æ".as_bytes()
            })
        );
        assert_eq!(
            parse("==   /tmp/test_python_1"),
            Some(HeaderLine::Cwd {
                path: b"/tmp/test_python_1"
            })
        );
        assert_eq!(
            parse("==   C:\\buildbot\\x"),
            Some(HeaderLine::Cwd {
                path: b"C:\\buildbot\\x"
            })
        );
        assert!(parse("==   relative/path").is_none());
    }

    #[test]
    fn h6_to_h10_info() {
        assert_eq!(
            parse("== CPU count: 4 (process) / 8 (system)"),
            Some(HeaderLine::CpuCount { count: 4 })
        );
        assert_eq!(
            parse("== encodings: locale=UTF-8, FS=utf-8"),
            Some(HeaderLine::Info {
                key: b"encodings",
                value: b"locale=UTF-8, FS=utf-8"
            })
        );
        assert_eq!(
            parse("== Python build: debug TraceRefs"),
            Some(HeaderLine::Info {
                key: b"Python build",
                value: b"debug TraceRefs"
            })
        );
        assert!(matches!(
            parse("== resources (12): all,-cpu"),
            Some(HeaderLine::Info {
                key: b"resources",
                ..
            })
        ));
        assert!(matches!(
            parse("== sanitizers: address"),
            Some(HeaderLine::Info {
                key: b"sanitizers",
                ..
            })
        ));
        assert!(matches!(
            parse("== ASAN_OPTIONS=detect_leaks=0"),
            Some(HeaderLine::Info { .. })
        ));
        assert!(parse("== other thing: x").is_none());
    }

    #[test]
    fn h11_h12_h13() {
        assert_eq!(
            parse("Using random seed: 1265715576"),
            Some(HeaderLine::RandomSeed { seed: 1265715576 })
        );
        assert_eq!(
            parse("Using random seed 42"),
            Some(HeaderLine::RandomSeed { seed: 42 })
        );
        assert!(parse("Using random seed: x").is_none());
        assert_eq!(
            parse(
                "WARNING: Running tests with --huntrleaks/-R and less than 3 warmup repetitions can give false positives!"
            ),
            Some(HeaderLine::HuntrleaksWarning)
        );
        assert!(matches!(
            parse("+ ./python -u -W default -bb -E -m test --slow-ci"),
            Some(HeaderLine::CommandEcho { .. })
        ));
        assert!(parse("+ make install").is_none());
    }

    fn mode(line: &str) -> Option<RunMode> {
        run_mode_line(line.as_bytes()).ok().map(|(_, m)| m)
    }

    #[test]
    fn m1_to_m4() {
        let m = mode("0:00:00 load avg: 1.10 Run tests in parallel using 4 child processes (timeout: 20 min, worker timeout: 25 min)").unwrap();
        assert_eq!(
            (m.workers, m.tests, m.prefix.map(|p| p.elapsed), m.timeout_s),
            (Some(4), None, Some(0), Some(1200))
        );
        let m = mode("Run tests in parallel using 2 child processes").unwrap();
        assert_eq!((m.workers, m.prefix, m.timeout_s), (Some(2), None, None));
        let m =
            mode("0:00:00 load avg: 0.52 Run tests sequentially (timeout: 3 hour 15 min)").unwrap();
        assert_eq!(m.timeout_s, Some(11700));
        let m = mode("Run tests sequentially").unwrap();
        assert_eq!(m.workers, None);
        let m =
            mode("0:00:00 load avg: 1.10 Run 1 test in parallel using 1 worker process").unwrap();
        assert_eq!((m.workers, m.tests), (Some(1), Some(1)));
        let m = mode("0:00:00 Run 433 tests sequentially in a single process").unwrap();
        assert_eq!((m.workers, m.tests), (None, Some(433)));
        let m = mode("0:00:00 Run tests in parallel using 2 worker processes").unwrap();
        assert_eq!(m.tests, None);
        assert!(mode("Run the tests").is_none());
        assert!(mode("0:00:00 Running tests sequentially").is_none());
    }
}
