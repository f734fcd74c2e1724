//! Verbose unittest output (§10, U1–U4): method lines in every era, the failure blocks
//! unittest prints after its run, `Ran N tests`, its last word. A method line names the module
//! and the method that own what follows it; whatever a test printed after ` ... ` is a line of
//! its own (the builder classifies it again).

use super::util::{dotted_name_len, failure, uint};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::tag,
    character::complete::{char, digit1},
    combinator::{all_consuming, eof, opt, recognize, rest, value, verify},
    sequence::{delimited, preceded, terminated},
};

/// unittest's last word on a run (U4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnittestOutcome {
    Ok,
    Failed,
    NoTestsRan,
}

/// How one method (or subtest) ended (U1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
pub enum MethodStatus {
    Ok,
    Fail,
    Error,
    Skipped,
    ExpectedFailure,
    UnexpectedSuccess,
}

impl MethodStatus {
    /// A status that fails the run (`FAIL`, `ERROR`, `unexpected success`).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            MethodStatus::Fail | MethodStatus::Error | MethodStatus::UnexpectedSuccess
        )
    }
}

/// What a U2 failure block says went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureWhat {
    Fail,
    Error,
    UnexpectedSuccess,
}

impl FailureWhat {
    pub fn status(self) -> MethodStatus {
        match self {
            FailureWhat::Fail => MethodStatus::Fail,
            FailureWhat::Error => MethodStatus::Error,
            FailureWhat::UnexpectedSuccess => MethodStatus::UnexpectedSuccess,
        }
    }
}

/// DESC, unittest's `str(test)`: `test_foo (test.test_x.TestY.test_foo)` (3.11+ repeats the
/// name), `test_foo (test.test_x.TestY)` (≤3.10), and for a subtest ` [msg]`/` (i=1)` after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Desc<'a> {
    /// The whole description: what a U1 line and its U2 block have in common.
    pub text: &'a [u8],
    /// Where the name and the path end in `text` (kept as lengths: the line kind stays small).
    name_len: u32,
    path_len: u32,
}

/// The class and method names unittest reports for setup outside a method.
const FIXTURES: [&[u8]; 4] = [
    b"setUpModule",
    b"tearDownModule",
    b"setUpClass",
    b"tearDownClass",
];

impl<'a> Desc<'a> {
    /// `test_foo`
    pub fn name(&self) -> &'a [u8] {
        &self.text[..self.name_len as usize]
    }

    /// `test.test_x.TestY.test_foo` (3.11+), `test.test_x.TestY` (≤3.10)
    pub fn path(&self) -> &'a [u8] {
        let start = self.name_len as usize + 2;
        &self.text[start..start + self.path_len as usize]
    }

    /// The subtest's `[msg] (params)`; empty for a method.
    pub fn subtest(&self) -> &'a [u8] {
        let end = self.name_len as usize + 2 + self.path_len as usize + 1;
        self.text[end..].trim_ascii_start()
    }

    /// The path without the repeated method name (3.11+).
    fn class_path(&self) -> &'a [u8] {
        let (name, path) = (self.name(), self.path());
        match path.strip_suffix(name) {
            Some(head) if head.ends_with(b".") => &head[..head.len() - 1],
            _ => path,
        }
    }

    /// An import unittest could not do: the name is the module that failed.
    fn is_failed_import(&self) -> bool {
        let path = self.path();
        path.starts_with(b"unittest.loader._FailedTest")
            || path.starts_with(b"unittest.loader.ModuleImportFailure")
    }

    /// The module that holds the test (`test.test_x`), when the description says it.
    pub fn module(&self) -> Option<&'a [u8]> {
        let name = self.name();
        if name.contains(&b'.') {
            // FunctionTestCase: `unittest.case.FunctionTestCase (func)`
            return None;
        }
        if self.is_failed_import() {
            return Some(name);
        }
        let path = self.class_path();
        if name == b"setUpModule" || name == b"tearDownModule" {
            return Some(path);
        }
        let dot = path.iter().rposition(|&b| b == b'.')?;
        Some(&path[..dot])
    }

    /// `Class.method` (`setUpModule` for module fixtures), when the description says it.
    pub fn method(&self) -> Option<String> {
        let raw = self.name();
        if raw.contains(&b'.') || self.is_failed_import() {
            return None;
        }
        let name = String::from_utf8_lossy(raw);
        if raw == b"setUpModule" || raw == b"tearDownModule" {
            return Some(name.into_owned());
        }
        let path = self.class_path();
        let dot = path.iter().rposition(|&b| b == b'.')?;
        let class = String::from_utf8_lossy(&path[dot + 1..]);
        Some(format!("{class}.{name}"))
    }
}

/// `name (dotted.path)`, the start of every DESC. Scanned by table: it is tried on every
/// line of verbose output.
fn desc_head(i: &[u8]) -> IResult<&[u8], (&[u8], &[u8])> {
    let name_len = dotted_name_len(i);
    let after_name = &i[name_len..];
    let Some(path_start) = after_name.strip_prefix(b" (").filter(|_| name_len > 0) else {
        return failure(i, nom::error::ErrorKind::Tag);
    };
    let path_len = dotted_name_len(path_start);
    match path_start[path_len..].first() {
        Some(b')') if path_len > 0 => Ok((
            &path_start[path_len + 1..],
            (&i[..name_len], &path_start[..path_len]),
        )),
        _ => failure(i, nom::error::ErrorKind::Tag),
    }
}

/// ` ... ` as a finder: a method line's DESC ends at its first one.
static ELLIPSIS: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b" ... "));

/// A subtest part must be ` [msg]` and/or ` (params)`.
fn is_subtest(s: &[u8]) -> bool {
    s.is_empty() || s.starts_with(b" [") || s.starts_with(b" (")
}

/// The description that starts `line` (after its indentation): `name (path)` and `subtest`
/// (` [msg] (params)` or empty), which follow each other there.
fn desc_from<'a>(line: &'a [u8], name: &'a [u8], path: &'a [u8], subtest: &'a [u8]) -> Desc<'a> {
    let start = line.len() - line.trim_ascii_start().len();
    let len = name.len() + 2 + path.len() + 1 + subtest.len();
    Desc {
        text: &line[start..(start + len).min(line.len())],
        name_len: name.len() as u32,
        path_len: path.len() as u32,
    }
}

/// U1: `DESC ... ` and what follows (a status, another DESC in ≤3.10 subtest output, or text
/// the test printed). Subtest lines (3.11+) are indented by two.
pub fn method_line(line: &[u8]) -> Option<(Desc<'_>, &[u8])> {
    let body = line.strip_prefix(b"  ").unwrap_or(line);
    let (after_head, (name, path)) = desc_head(body).ok()?;
    let (subtest, after) = match ELLIPSIS.find(after_head) {
        Some(at) => (&after_head[..at], &after_head[at + 5..]),
        // a paste that lost the trailing space
        None => (
            after_head.strip_suffix(b" ...")?,
            &after_head[after_head.len()..],
        ),
    };
    if !is_subtest(subtest) {
        return None;
    }
    Some((desc_from(line, name, path, subtest), after))
}

/// `text` as a description (what a U1 line's `Desc::text` holds), to read its parts again.
pub fn desc(text: &[u8]) -> Option<Desc<'_>> {
    let (subtest, (name, path)) = desc_head(text).ok()?;
    is_subtest(subtest).then(|| desc_from(text, name, path, subtest))
}

/// A description alone on its line: U1b (the docstring's line carries ` ... STATUS`), or a
/// doctest. Only a test-like name counts, so prose with parentheses is not taken for one.
fn bare_desc(line: &[u8]) -> Option<Desc<'_>> {
    let (subtest, (name, path)) = desc_head(line).ok()?;
    let test_like = name.starts_with(b"test")
        || FIXTURES.contains(&name)
        || path.ends_with(name) && path.len() > name.len();
    (test_like && path.contains(&b'.') && is_subtest(subtest))
        .then(|| desc_from(line, name, path, subtest))
}

/// A status as U1 prints it, optionally after 3.12+'s duration (`2.22s ok`).
pub fn method_status(i: &[u8]) -> Option<MethodStatus> {
    let mut duration = recognize((
        digit1::<_, nom::error::Error<&[u8]>>,
        opt((char('.'), digit1)),
        tag("s "),
    ));
    let i = match duration.parse(i) {
        Ok((rest, _)) => rest,
        Err(_) => i,
    };
    Some(match i {
        b"ok" => MethodStatus::Ok,
        b"FAIL" => MethodStatus::Fail,
        b"ERROR" => MethodStatus::Error,
        b"expected failure" => MethodStatus::ExpectedFailure,
        b"unexpected success" => MethodStatus::UnexpectedSuccess,
        _ if i.starts_with(b"skipped ") && matches!(i.last(), Some(b'\'' | b'"')) => {
            MethodStatus::Skipped
        }
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, strum::IntoStaticStr)]
pub enum UnittestLine<'a> {
    /// U1 `DESC ... ` and what came after it: `status` when that is a status, else `after`
    /// is what the test printed (maybe nothing, or the next DESC).
    Method {
        desc: Desc<'a>,
        status: Option<MethodStatus>,
        after: &'a [u8],
    },
    /// U1b `DESC` alone (its docstring's line ends with the status).
    Desc(Desc<'a>),
    /// U1b `docstring ... STATUS`, or a status alone on its line (the test printed text after
    /// ` ... `): the status of the method being run.
    Status(MethodStatus),
    /// U2 `=====…` (70) or `-----…` (70)
    Rule,
    /// U2 `FAIL: DESC` / `ERROR: DESC` / `UNEXPECTED SUCCESS: DESC`
    FailureHeader {
        what: FailureWhat,
        desc: Option<Desc<'a>>,
    },
    /// U3 `Ran 57 tests in 120.147s`
    Ran { tests: u64 },
    /// U4 `OK`, `FAILED (failures=1, skipped=6)`, `NO TESTS RAN`
    Result {
        state: &'a [u8],
        outcome: UnittestOutcome,
    },
}

/// ` ... skipped ` and a quoted reason, searched from the end (a description may hold
/// ` ... ` of its own). Built once: verbose lines are common.
static SKIPPED: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new(b" ... skipped "));

/// The statuses that end a U1b docstring line, after ` ... `.
const STATUS_WORDS: [&[u8]; 5] = [
    b"ok",
    b"FAIL",
    b"ERROR",
    b"expected failure",
    b"unexpected success",
];

fn method<'a>(i: &'a [u8]) -> IResult<&'a [u8], UnittestLine<'a>> {
    match method_line(i) {
        Some((desc, after)) => Ok((
            &i[i.len()..],
            UnittestLine::Method {
                desc,
                status: method_status(after),
                after,
            },
        )),
        None => match bare_desc(i) {
            Some(desc) => Ok((&i[i.len()..], UnittestLine::Desc(desc))),
            None => failure(i, nom::error::ErrorKind::Tag),
        },
    }
}

/// U1b's docstring line (`Check foo. ... ok`), or a status alone: the status ends the line,
/// so it is looked for there (only `skipped 'reason'`, whose reason may hold anything, is
/// searched for, and only in a line that ends with a quote).
pub fn trailing_status(i: &[u8]) -> Option<MethodStatus> {
    // every status ends with one of these: most lines are turned away by their last byte
    if !matches!(
        i.last(),
        Some(b'k' | b'L' | b'R' | b'e' | b's' | b'\'' | b'"')
    ) {
        return None;
    }
    if let Some(s) = method_status(i) {
        return Some(s);
    }
    for word in STATUS_WORDS {
        if let Some(head) = i.strip_suffix(word)
            && head.ends_with(b" ... ")
        {
            return method_status(word);
        }
    }
    let quoted = matches!(i.last(), Some(b'\'' | b'"'));
    (quoted && SKIPPED.rfind(i).is_some()).then_some(MethodStatus::Skipped)
}

fn status(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    match trailing_status(i) {
        Some(s) => Ok((&i[i.len()..], UnittestLine::Status(s))),
        None => failure(i, nom::error::ErrorKind::Tag),
    }
}

/// U2's rules: 70 `=` or 70 `-`.
pub fn is_rule(i: &[u8]) -> bool {
    i.len() == 70 && (i.iter().all(|&b| b == b'=') || i.iter().all(|&b| b == b'-'))
}

fn rule(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    value(UnittestLine::Rule, verify(rest, is_rule)).parse(i)
}

fn failure_header(i: &[u8]) -> IResult<&[u8], UnittestLine<'_>> {
    let what = alt((
        value(FailureWhat::Fail, tag("FAIL")),
        value(FailureWhat::Error, tag("ERROR")),
        value(FailureWhat::UnexpectedSuccess, tag("UNEXPECTED SUCCESS")),
    ));
    (what, preceded(tag(": "), rest))
        .map(|(what, text)| {
            let desc = desc_head(text)
                .ok()
                .filter(|(sub, _)| is_subtest(sub))
                .map(|(sub, (name, path))| desc_from(text, name, path, sub));
            UnittestLine::FailureHeader { what, desc }
        })
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
    all_consuming(alt((rule, ran, result, failure_header, method, status))).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(line: &str) -> Option<UnittestLine<'_>> {
        unittest_line(line.as_bytes()).ok().map(|(_, l)| l)
    }

    fn status_of(line: &str) -> Option<MethodStatus> {
        match u(line)? {
            UnittestLine::Method { status, .. } => status,
            UnittestLine::Status(s) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn u1_method_lines_of_every_era() {
        let line = "test_map_timeout (test.test_concurrent_futures.test_process_pool.X.test_map_timeout) ... ok";
        let Some(UnittestLine::Method { desc, status, .. }) = u(line) else {
            panic!("{line}")
        };
        assert_eq!(status, Some(MethodStatus::Ok));
        assert_eq!(
            desc.module(),
            Some(&b"test.test_concurrent_futures.test_process_pool"[..])
        );
        assert_eq!(desc.method().as_deref(), Some("X.test_map_timeout"));
        // ≤3.10 and 2.7: no repeated name
        let Some(UnittestLine::Method { desc, .. }) =
            u("test_b_fail (test_fl_fail.FailTests) ... FAIL")
        else {
            panic!()
        };
        assert_eq!(
            (desc.module(), desc.method().as_deref()),
            (Some(&b"test_fl_fail"[..]), Some("FailTests.test_b_fail"))
        );
        assert_eq!(status_of("test_a (m.C) ... FAIL"), Some(MethodStatus::Fail));
        assert_eq!(
            status_of("test_a (m.C) ... ERROR"),
            Some(MethodStatus::Error)
        );
        assert_eq!(
            status_of("test_a (m.C) ... skipped 'needs network'"),
            Some(MethodStatus::Skipped)
        );
        assert_eq!(
            status_of("test_a (m.C) ... expected failure"),
            Some(MethodStatus::ExpectedFailure)
        );
        assert_eq!(
            status_of("test_a (m.C) ... unexpected success"),
            Some(MethodStatus::UnexpectedSuccess)
        );
        // 3.12+ durations
        assert_eq!(
            status_of("test_a (m.C.test_a) ... 0.18s ok"),
            Some(MethodStatus::Ok)
        );
        assert_eq!(
            u("test_a (m.C) ... okay then").map(|l| l.into()),
            Some("Method")
        );
        assert_eq!(status_of("test_a (m.C) ... okay then"), None);
    }

    #[test]
    fn u1_what_follows_the_dots() {
        let Some(UnittestLine::Method {
            after,
            status,
            desc,
        }) = u("test_stress (test.test_signal.StressTest) ... Timeout (0:15:00)!")
        else {
            panic!()
        };
        assert_eq!((after, status), (&b"Timeout (0:15:00)!"[..], None));
        assert_eq!(desc.text, b"test_stress (test.test_signal.StressTest)");
        // ≤3.10 subtest failures: no status, the next DESC continues the line
        let Some(UnittestLine::Method { after, .. }) = u("test_a (m.C) ... test_b (m.C) ... ok")
        else {
            panic!()
        };
        assert_eq!(after, b"test_b (m.C) ... ok");
        // open: the status comes later; a paste may have lost the trailing space
        for line in ["test_a (m.C.test_a) ... ", "test_a (m.C.test_a) ..."] {
            let Some(UnittestLine::Method { after, status, .. }) = u(line) else {
                panic!("{line}")
            };
            assert_eq!((after, status), (&b""[..], None));
        }
    }

    #[test]
    fn u1c_subtests_are_indented_and_keep_their_params() {
        let line = "  test_subtests (test_fl_subtest.SubTests.test_subtests) (i=1) ... FAIL";
        let Some(UnittestLine::Method { desc, status, .. }) = u(line) else {
            panic!()
        };
        assert_eq!(status, Some(MethodStatus::Fail));
        assert_eq!(desc.subtest(), b"(i=1)");
        assert_eq!(
            desc.text,
            b"test_subtests (test_fl_subtest.SubTests.test_subtests) (i=1)"
        );
        assert_eq!(desc.method().as_deref(), Some("SubTests.test_subtests"));
        // text between the path and the dots that is no subtest: not a method line
        assert_eq!(
            u("test_a (m.C) and more ... ok").map(|l| l.into()),
            Some("Status")
        );
    }

    #[test]
    fn u1b_docstring_and_late_statuses() {
        let Some(UnittestLine::Desc(d)) =
            u("test_d_docstring (test_fl_fail.FailTests.test_d_docstring)")
        else {
            panic!()
        };
        assert_eq!(d.method().as_deref(), Some("FailTests.test_d_docstring"));
        assert_eq!(
            u("Check foo. ... ok"),
            Some(UnittestLine::Status(MethodStatus::Ok))
        );
        assert_eq!(u("ok"), Some(UnittestLine::Status(MethodStatus::Ok)));
        assert_eq!(u("2.22s ok"), Some(UnittestLine::Status(MethodStatus::Ok)));
        assert_eq!(u("FAIL"), Some(UnittestLine::Status(MethodStatus::Fail)));
        // prose with parentheses is not a description
        assert_eq!(u("Python (main.c)"), None);
        assert_eq!(u("see foo (bar)"), None);
    }

    #[test]
    fn module_and_method_of_special_descriptions() {
        let d = |s: &'static str| match u(s) {
            Some(UnittestLine::Method { desc, .. }) => desc,
            other => panic!("{other:?}"),
        };
        let fixture = d("setUpClass (test.test_x.TestY) ... ERROR");
        assert_eq!(
            (fixture.module(), fixture.method().as_deref()),
            (Some(&b"test.test_x"[..]), Some("TestY.setUpClass"))
        );
        let module = d("setUpModule (test.test_x) ... ERROR");
        assert_eq!(
            (module.module(), module.method().as_deref()),
            (Some(&b"test.test_x"[..]), Some("setUpModule"))
        );
        let import = d("test_foo (unittest.loader._FailedTest.test_foo) ... ERROR");
        assert_eq!(
            (import.module(), import.method()),
            (Some(&b"test_foo"[..]), None)
        );
        let func = d("unittest.case.FunctionTestCase (check) ... ok");
        assert_eq!((func.module(), func.method()), (None, None));
    }

    #[test]
    fn u2_u3_u4() {
        assert_eq!(u(&"=".repeat(70)), Some(UnittestLine::Rule));
        assert_eq!(u(&"-".repeat(70)), Some(UnittestLine::Rule));
        assert_eq!(u(&"-".repeat(69)), None);
        let Some(UnittestLine::FailureHeader {
            what,
            desc: Some(desc),
        }) = u("FAIL: test_bytes (test.test_android.TestAndroidOutput.test_bytes)")
        else {
            panic!()
        };
        assert_eq!(what, FailureWhat::Fail);
        assert_eq!(
            desc.method().as_deref(),
            Some("TestAndroidOutput.test_bytes")
        );
        let Some(UnittestLine::FailureHeader {
            desc: Some(desc), ..
        }) = u("ERROR: test_subtests (m.SubTests.test_subtests) (i=3)")
        else {
            panic!()
        };
        assert_eq!(desc.text, b"test_subtests (m.SubTests.test_subtests) (i=3)");
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
