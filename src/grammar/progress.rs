//! Progress lines in every era (§3), sequential `-- PREV` verdicts, the bare last verdict,
//! and the parallel heartbeat `running:` line.

use super::prefix::{Prefix, prefix};
use super::util::{duration, parenthesized, test_name, uint};
use crate::kind::Kind;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while},
    character::complete::{char, digit1},
    combinator::{all_consuming, eof, opt, peek, recognize, rest},
    multi::many0,
    sequence::{preceded, terminated},
};

/// A test file's result, as the progress line words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    EnvChanged,
    Skipped,
    ResourceDenied,
    RanNoTests,
    Interrupted,
    Crashed,
    TimedOut,
    WorkerBug,
}

impl Outcome {
    /// The event kind this outcome is.
    pub fn kind(self) -> Kind {
        match self {
            Outcome::Passed => Kind::Passed,
            Outcome::Failed => Kind::Failed,
            Outcome::EnvChanged => Kind::EnvChanged,
            Outcome::Skipped => Kind::Skipped,
            Outcome::ResourceDenied => Kind::ResourceDenied,
            Outcome::RanNoTests => Kind::RanNoTests,
            Outcome::Interrupted => Kind::Interrupted,
            Outcome::Crashed => Kind::Crashed,
            Outcome::TimedOut => Kind::TimedOut,
            Outcome::WorkerBug => Kind::WorkerBug,
        }
    }

    /// A failure of the test itself, one a passing re-run makes flaky. Not `worker_bug`
    /// (regrtest's own trouble) nor `interrupted` (the user's Ctrl-C).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Outcome::Failed | Outcome::EnvChanged | Outcome::Crashed | Outcome::TimedOut
        )
    }
}

/// `test_x failed (2 failures) in 2 min 5 sec`: what a test's result says.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict<'a> {
    pub test: &'a [u8],
    pub outcome: Outcome,
    /// The words after the outcome: `2 failures`, `Exit code -9`, `reference leak`, the
    /// duration of a slow test (` (2 min 5 sec)` or ` in 2 min 5 sec`).
    pub detail: &'a [u8],
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgressLine<'a> {
    pub prefix: Option<Prefix>,
    pub index: u64,
    /// How wide the index is printed, padding included: regrtest pads it to TOTAL's width
    /// (`[ 7/12]`), and `--forever` to three (`[  7/1]`, where 1 is FAILS).
    pub index_width: u8,
    pub total: Option<u64>,
    pub fails: Option<u64>,
    pub test: &'a [u8],
    /// Parallel and 3.14 sequential: this test's own result.
    pub verdict: Option<Verdict<'a>>,
    /// Sequential 2.7.14+/3.6–3.13: the previous test's result after ` -- `.
    pub previous: Option<Verdict<'a>>,
    /// The tests of the ` -- running: …` suffix, as printed.
    pub running: Option<&'a [u8]>,
}

/// The outcome words, longest first so `failed (env changed)` wins over `failed`, and
/// whether the word itself is kept as detail when no tail follows (a renamed crash outcome).
const OUTCOME_WORDS: [(&[u8], Outcome, bool); 13] = [
    (b"failed (env changed)", Outcome::EnvChanged, false),
    (b"skipped (resource denied)", Outcome::ResourceDenied, false),
    (b"passed", Outcome::Passed, false),
    (b"failed", Outcome::Failed, false),
    (b"skipped", Outcome::Skipped, false),
    (b"ran no tests", Outcome::RanNoTests, false),
    (b"run no tests", Outcome::RanNoTests, false),
    (b"interrupted", Outcome::Interrupted, false),
    (b"process crashed", Outcome::Crashed, true),
    (b"worker non-zero exit code", Outcome::Crashed, true),
    (b"crashed", Outcome::Crashed, false),
    (b"timed out", Outcome::TimedOut, false),
    (b"worker bug", Outcome::WorkerBug, false),
];

/// An outcome word and the wording kept as detail (see `OUTCOME_WORDS`). A table, not an
/// `alt` of tags: build output inside a run (`checking for …`, `config.status: creating …`)
/// asks this of most of its lines, and the first byte turns nearly all of them away.
fn outcome(i: &[u8]) -> IResult<&[u8], (Outcome, &[u8])> {
    let Some(&first) = i.first() else {
        return super::util::failure(i, nom::error::ErrorKind::Tag);
    };
    for (word, outcome, keep) in OUTCOME_WORDS {
        if word[0] == first && i.starts_with(word) {
            let detail = if keep { &i[..word.len()] } else { &b""[..] };
            return Ok((&i[word.len()..], (outcome, detail)));
        }
    }
    super::util::failure(i, nom::error::ErrorKind::Tag)
}

/// ` (…)` groups and ` in DUR` after the outcome; returns the span they cover (without the
/// leading space), so the detail keeps the original text.
fn outcome_tail(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let group = alt((
        recognize((char(' '), parenthesized)),
        recognize((tag(" in "), duration)),
    ));
    recognize(many0(group))
        .map(|used: &[u8]| used.strip_prefix(b" ").unwrap_or(used))
        .parse(i)
}

/// Does the text start with an outcome word? A cheap test before `verdict` runs.
pub fn starts_with_outcome(i: &[u8]) -> bool {
    outcome(i).is_ok()
}

/// `OUTCOME [ (…)]* [ in DUR]` of `test`.
fn result_of<'a>(test: &'a [u8]) -> impl FnMut(&'a [u8]) -> IResult<&'a [u8], Verdict<'a>> {
    move |i| {
        (outcome, outcome_tail)
            .map(|((outcome, word), tail)| Verdict {
                test,
                outcome,
                // the tail carries the exit code or counts, which is what users group by
                detail: if tail.is_empty() { word } else { tail },
            })
            .parse(i)
    }
}

/// `TEST OUTCOME [ (…)]* [ in DUR]`
pub fn verdict(i: &[u8]) -> IResult<&[u8], Verdict<'_>> {
    let (i, test) = terminated(test_name, char(' ')).parse(i)?;
    result_of(test)(i)
}

/// The bare verdict printed after the sequential loop for the last test (`test_zlib failed`).
/// Without a PREFIX the name must be a test's (regrtest runs only `test*` modules): a build
/// log's `Build failed` is no verdict.
pub fn verdict_line(i: &[u8]) -> IResult<&[u8], (Option<Prefix>, Verdict<'_>)> {
    let (rest, (prefix, v)) = all_consuming((opt(prefix), verdict)).parse(i)?;
    if prefix.is_none() && !v.test.starts_with(b"test") {
        return super::util::failure(i, nom::error::ErrorKind::Verify);
    }
    Ok((rest, (prefix, v)))
}

fn running_suffix(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let head = (
        tag(" -- running"),
        opt((tag(" ("), uint, char(')'))),
        tag(": "),
    );
    preceded(head, rest).parse(i)
}

/// `[IDX/TOTAL/FAILS]`: index, the two optional numbers after it, and the index's width.
type Counters = (u64, Option<u64>, Option<u64>, u8);

fn counters(i: &[u8]) -> IResult<&[u8], Counters> {
    let (rest, (pad, index)) =
        preceded(char('['), (take_while(|b| b == b' '), recognize(digit1))).parse(i)?;
    let width = (pad.len() + index.len()).min(u8::MAX as usize) as u8;
    let (_, index) = uint(index)?;
    let (rest, (total, fails)) = terminated(
        (
            opt(preceded(char('/'), uint)),
            opt(preceded(char('/'), uint)),
        ),
        tag("] "),
    )
    .parse(rest)?;
    Ok((rest, (index, total, fails, width)))
}

/// `PREFIX [IDX/TOTAL/FAILS] REST` — PREFIX is optional only for 3.5 and older.
pub fn progress_line(i: &[u8]) -> IResult<&[u8], ProgressLine<'_>> {
    let (i, (prefix, (index, total, fails, index_width), test)) =
        (opt(prefix), counters, test_name).parse(i)?;
    let (i, verdict) = opt(preceded(char(' '), result_of(test))).parse(i)?;
    let (i, running) = opt(running_suffix).parse(i)?;
    let (i, previous) = if verdict.is_none() && running.is_none() {
        opt(preceded(tag(" -- "), self::verdict)).parse(i)?
    } else {
        (i, None)
    };
    let (i, _) = eof(i)?;
    // `--forever` prints no TOTAL: `[  7/1]` is index 7 with 1 failure. The run decides that
    // (whether its first progress line has a TOTAL); here a lone second number stays TOTAL.
    Ok((
        i,
        ProgressLine {
            prefix,
            index,
            index_width,
            total,
            fails,
            test,
            verdict,
            previous,
            running,
        },
    ))
}

/// `load avg: N.NN ` just before `end`? Returns where it starts.
fn load_avg_before(line: &[u8], end: usize) -> Option<usize> {
    let head = &line[..end];
    let digits = head.strip_suffix(b" ")?;
    // N.NN: digits, a dot, two digits
    let (int_part, frac) = digits.split_at(digits.len().checked_sub(3)?);
    let int_len = int_part
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let ok = frac[0] == b'.' && frac[1..].iter().all(u8::is_ascii_digit) && int_len > 0;
    let start = int_part.len() - int_len;
    (ok && head[..start].ends_with(b"load avg: ")).then(|| start - b"load avg: ".len())
}

/// `H:MM:SS ` just before `end`. Returns where it starts. The glued text may end in digits
/// of its own: two digits of hours only when no digit comes before them, else one (runs of
/// ten hours and more are rare).
fn elapsed_before(line: &[u8], end: usize) -> Option<usize> {
    let head = line[..end].strip_suffix(b" ")?;
    let n = head.len();
    let clock = |i: usize| head.get(i).is_some_and(u8::is_ascii_digit);
    let mmss = n >= 6 && head[n - 3] == b':' && head[n - 6] == b':';
    if !(mmss && [n - 1, n - 2, n - 4, n - 5].iter().all(|&i| clock(i))) {
        return None;
    }
    let digits = (1..=3)
        .take_while(|k| n >= 6 + k && clock(n - 6 - k))
        .count();
    let hours = if digits == 3 { 1 } else { digits };
    (hours > 0).then(|| n - 6 - hours)
}

/// A progress line glued after other text: a test wrote to stderr without a final newline,
/// or a terminal answered (`fl: noisy text without newline0:00:17 load avg: 0.18 [17/28/4]
/// test_re`). Found only where its shape starts: `H:MM:SS [load avg: N.NN ][` (or, in the
/// eras without a prefix, a `[ n/N]` counter padded as regrtest pads it), never anywhere a
/// test name appears. Returns where it starts, and the line.
pub fn glued_progress_line(line: &[u8]) -> Option<(usize, ProgressLine<'_>)> {
    for bracket in memchr::memchr_iter(b'[', line) {
        if bracket == 0 || counters(&line[bracket..]).is_err() {
            continue;
        }
        let before_counter = load_avg_before(line, bracket).unwrap_or(bracket);
        let start = match elapsed_before(line, before_counter) {
            Some(start) => start,
            // no prefix: only the padded `[ n/N]` of a counter with a TOTAL
            None if before_counter == bracket && line.get(bracket + 1) == Some(&b' ') => bracket,
            None => continue,
        };
        // glued means no separator: text and a space before it is something else (a
        // wrapper's prefix, which the reader recognises as such)
        if start == 0 || line[start - 1].is_ascii_whitespace() {
            continue;
        }
        if let Ok((_, p)) = progress_line(&line[start..]) {
            return Some((start, p));
        }
    }
    None
}

/// Heartbeat: `PREFIX? running: test_a (7 min 28 sec), …` / `running (2): …` (3.11.6+).
pub fn heartbeat_line(i: &[u8]) -> IResult<&[u8], (Option<Prefix>, &[u8])> {
    let head = (tag("running"), opt((tag(" ("), uint, char(')'))), tag(": "));
    (opt(prefix), preceded(head, peek_rest(test_name))).parse(i)
}

/// The rest of the input, when it starts with what `first` matches.
fn peek_rest<'a>(
    first: impl Parser<&'a [u8], Error = nom::error::Error<&'a [u8]>>,
) -> impl Parser<&'a [u8], Output = &'a [u8], Error = nom::error::Error<&'a [u8]>> {
    preceded(peek(first), rest)
}

/// The test names of a `running:` list, without their durations.
pub fn running_tests(list: &[u8]) -> impl Iterator<Item = &[u8]> {
    list.split(|&b| b == b',').filter_map(|item| {
        let item = item.strip_prefix(b" ").unwrap_or(item);
        test_name(item).ok().map(|(_, name)| name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> ProgressLine<'_> {
        progress_line(line.as_bytes()).unwrap().1
    }

    #[test]
    fn parallel_progress_with_outcome_and_running() {
        let l = p(
            "0:03:12 load avg: 2.10 [ 52/433/1] test_os failed (env changed) -- running: test_a (7 min 28 sec), test_b (31.5 sec)",
        );
        assert_eq!((l.index, l.total, l.fails), (52, Some(433), Some(1)));
        assert_eq!(l.test, b"test_os");
        let v = l.verdict.unwrap();
        assert_eq!(v.outcome, Outcome::EnvChanged);
        assert_eq!(
            l.running,
            Some(&b"test_a (7 min 28 sec), test_b (31.5 sec)"[..])
        );
        assert_eq!(
            running_tests(l.running.unwrap()).collect::<Vec<_>>(),
            vec![&b"test_a"[..], b"test_b"]
        );
        assert_eq!(l.prefix.unwrap().load_avg, Some(2.10));
    }

    #[test]
    fn outcomes_of_every_era() {
        let cases: &[(&str, Outcome, &str)] = &[
            ("test_x passed", Outcome::Passed, ""),
            (
                "test_x passed (2 min 3 sec)",
                Outcome::Passed,
                "(2 min 3 sec)",
            ),
            ("test_x failed", Outcome::Failed, ""),
            (
                "test_x failed (2 failures)",
                Outcome::Failed,
                "(2 failures)",
            ),
            (
                "test_x failed (1 error, 2 failures)",
                Outcome::Failed,
                "(1 error, 2 failures)",
            ),
            (
                "test_x failed (uncaught exception)",
                Outcome::Failed,
                "(uncaught exception)",
            ),
            (
                "test_x failed (reference leak)",
                Outcome::Failed,
                "(reference leak)",
            ),
            ("test_x failed (env changed)", Outcome::EnvChanged, ""),
            ("test_x skipped", Outcome::Skipped, ""),
            (
                "test_x skipped (resource denied)",
                Outcome::ResourceDenied,
                "",
            ),
            ("test_x run no tests", Outcome::RanNoTests, ""),
            ("test_x ran no tests", Outcome::RanNoTests, ""),
            ("test_x interrupted", Outcome::Interrupted, ""),
            ("test_x crashed", Outcome::Crashed, ""),
            (
                "test_x crashed (Exit code -9)",
                Outcome::Crashed,
                "(Exit code -9)",
            ),
            (
                "test_x timed out (25 min) (25 min)",
                Outcome::TimedOut,
                "(25 min) (25 min)",
            ),
            (
                "test_x process crashed (Exit code 1)",
                Outcome::Crashed,
                "(Exit code 1)",
            ),
            (
                "test_x worker non-zero exit code (Exit code -11 (SIGSEGV))",
                Outcome::Crashed,
                "(Exit code -11 (SIGSEGV))",
            ),
            (
                "test_x worker bug (empty JSON)",
                Outcome::WorkerBug,
                "(empty JSON)",
            ),
        ];
        for (text, outcome, detail) in cases {
            let line = format!("0:00:01 [ 1/10] {text}");
            let l = progress_line(line.as_bytes())
                .unwrap_or_else(|e| panic!("{text}: {e:?}"))
                .1;
            let v = l.verdict.unwrap();
            assert_eq!(v.outcome, *outcome, "{text}");
            assert_eq!(v.detail, detail.as_bytes(), "{text}");
        }
    }

    #[test]
    fn sequential_prev_verdict() {
        let l = p(
            "0:02:31 load avg: 1.02 [ 12/433] test_asdl_parser -- test_asyncio failed (env changed) in 2 min 5 sec",
        );
        assert_eq!(l.test, b"test_asdl_parser");
        assert!(l.verdict.is_none());
        let prev = l.previous.unwrap();
        assert_eq!(
            (prev.test, prev.outcome),
            (&b"test_asyncio"[..], Outcome::EnvChanged)
        );
        assert_eq!(prev.detail, b"in 2 min 5 sec");
    }

    #[test]
    fn start_lines_of_old_eras() {
        let l = p("[ 12/398] test_x");
        assert_eq!(
            (l.prefix, l.index, l.total, l.verdict),
            (None, 12, Some(398), None)
        );
        let l = p("[ 12/398/1] test_x");
        assert_eq!(l.fails, Some(1));
        let l = p("0:00:05 [  5/491] test_x");
        assert_eq!((l.index, l.total, l.index_width), (5, Some(491), 3));
        assert_eq!(p("[7/12] test_x").index_width, 1);
        let l = p("0:00:05 [  5/491/1] test_x failed (1 failure)");
        assert_eq!(l.verdict.unwrap().outcome, Outcome::Failed);
    }

    #[test]
    fn progress_near_misses() {
        for bad in [
            "0:00:01 [ 1/10]test_x",
            "0:00:01 [ x/10] test_x",
            "0:00:01 [ 1/10] test_x exploded",
            "[1/1] 123",
            "0:00:01 [ 1/10] test_x passed trailing",
        ] {
            assert!(progress_line(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn bare_verdict() {
        let (_, (prefix, v)) = verdict_line(b"test_zlib failed").unwrap();
        assert_eq!(
            (prefix, v.test, v.outcome),
            (None, &b"test_zlib"[..], Outcome::Failed)
        );
        assert!(verdict_line(b"test_zlib failed badly").is_err());
        assert!(verdict_line(b"test_zlib skipped -- no zlib").is_err());
        // A build log's last word is no test's verdict.
        assert!(verdict_line(b"Build failed").is_err());
    }

    #[test]
    fn glued_progress_lines_are_found_where_their_shape_starts() {
        let (at, p) = glued_progress_line(
            b"fl: noisy text on stderr without newline0:00:17 load avg: 0.18 [17/28/4] test_re",
        )
        .unwrap();
        assert_eq!(at, 40);
        assert_eq!(
            (p.index, p.total, p.fails, p.test),
            (17, Some(28), Some(4), &b"test_re"[..])
        );
        assert_eq!(p.prefix.unwrap().elapsed, 17);
        // text ending in digits: the hours are one or two digits of the clock
        let (at, p) = glued_progress_line(b"12340:00:17 [ 2/10] test_x passed").unwrap();
        assert_eq!((at, p.prefix.unwrap().elapsed), (4, 17));
        let (at, p) = glued_progress_line(b"noise:12:00:17 [ 2/10] test_x passed").unwrap();
        assert_eq!((at, p.prefix.unwrap().elapsed), (6, 12 * 3600 + 17));
        // a terminal's answer, and the prefix-less form of 3.4
        assert!(glued_progress_line(b"[1;5R0:01:02 load avg: 1.00 [ 5/9] test_a").is_some());
        assert_eq!(glued_progress_line(b"xyz[ 12/398] test_x").unwrap().0, 3);
        for not in [
            &b"0:00:17 load avg: 0.18 [17/28/4] test_re"[..], // not glued: a line of its own
            b"Processing [1/2] files",
            b"list [1, 2] test_x",
            b"see [12/398] test_x",
            b"x 0:00:17 load avg: 0.18 [17/28/4] test_re trailing words",
            b"web-1  | 0:00:01 [1/2] test_a passed",
        ] {
            assert!(
                glued_progress_line(not).is_none(),
                "{}",
                String::from_utf8_lossy(not)
            );
        }
    }

    #[test]
    fn heartbeat() {
        let (_, (p, list)) =
            heartbeat_line(b"0:33:01 load avg: 0.05 running: test.test_concurrent_futures.test_deadlock (18 min 14 sec)").unwrap();
        assert_eq!(p.unwrap().elapsed, 33 * 60 + 1);
        assert_eq!(
            list,
            b"test.test_concurrent_futures.test_deadlock (18 min 14 sec)"
        );
        assert!(heartbeat_line(b"0:33:01 running (2): test_a (1 min), test_b (31.5 sec)").is_ok());
        assert!(heartbeat_line(b"running: test_a (30 sec)").is_ok());
        assert!(heartbeat_line(b"running: 12 things").is_err());
        assert!(heartbeat_line(b"0:33:01 Running: test_a").is_err());
    }
}
