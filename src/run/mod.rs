//! Run assembly: a state machine that turns classified lines into regrtest runs, tests and
//! events. Several runs may share one stream; the re-run phase stays inside its run; nested
//! regrtest output (test_regrtest, bisect) is set aside; every warning goes to its test.

pub mod event;
pub mod info;
mod state;

pub use event::{Event, Phase};
pub use info::RunInfo;
use state::{RunState, TestOwner};

use crate::grammar::{
    self, LineKind,
    crash::CrashLine,
    header::HeaderLine,
    prefix::Prefix,
    progress::{Outcome, ProgressLine, Verdict, running_tests},
    refleak::RefleakLine,
    rerun::RerunLine,
    summary::{ListKind, SummaryLine, list_names},
    test_line::TestLine,
    unittest::UnittestLine,
    warning::WarningLine,
};
use crate::input::lines::Line;
use crate::leak::Rules;

/// Lines set aside while deciding whether a header inside a test's output is a nested
/// regrtest run (it is, when the outer run carries on afterwards) or a new run.
#[derive(Default)]
struct NestedBuffer {
    /// Line number, text, and whether the line was cut (`LINE_CAP`).
    lines: Vec<(u64, Vec<u8>, bool)>,
    bytes: usize,
    /// The set-aside output holds a complete run: its final `Result:` line.
    saw_final_result: bool,
    /// It holds progress lines, and one of them restarted the outer run's TOTAL from below:
    /// a new run of the same size, not nested output.
    saw_progress: bool,
    restarted_outer_total: bool,
}

/// What a line means while output is set aside.
enum Aside {
    /// The outer run carries on with this line: what was set aside was its test's output.
    Resume,
    /// Keep setting aside.
    Keep,
}

/// Past this much set-aside output, a "nested" run is taken to be a real new run.
const NESTED_MAX_LINES: usize = 20_000;
const NESTED_MAX_BYTES: usize = 32 << 20;

/// Builds runs from lines; as each run ends, hands `sink` the run and its events in line order.
pub struct RunBuilder<'r, F: FnMut(RunInfo, Vec<Event>)> {
    rules: &'r Rules,
    sink: F,
    run: RunState,
    /// Index of the current run; advanced when a run with content ends.
    run_index: u32,
    nested: Option<NestedBuffer>,
    /// Set-aside lines are being replayed as a new run: nothing is set aside again, so a
    /// replay is linear in the lines it replays, whatever the input.
    replaying: bool,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl<'r, F: FnMut(RunInfo, Vec<Event>)> RunBuilder<'r, F> {
    pub fn new(rules: &'r Rules, sink: F) -> Self {
        RunBuilder {
            rules,
            sink,
            run: RunState::default(),
            run_index: 0,
            nested: None,
            replaying: false,
        }
    }

    /// Feed one line from the line reader.
    pub fn push_line(&mut self, line: Line<'_>) {
        self.push_cut(line.number, line.text, line.is_cut);
        let over = self
            .nested
            .as_ref()
            .is_some_and(|n| n.lines.len() > NESTED_MAX_LINES || n.bytes > NESTED_MAX_BYTES);
        if over {
            self.replay_as_new_run();
        }
    }

    /// Feed one normalised line.
    pub fn push(&mut self, number: u64, line: &[u8]) {
        self.push_line(Line {
            number,
            text: line,
            is_cut: false,
        });
    }

    /// A line, and whether it was cut: events made from a line too long to keep whole say so
    /// in their detail.
    fn push_cut(&mut self, number: u64, line: &[u8], is_cut: bool) {
        if !is_cut {
            return self.push_one(number, line);
        }
        let before = self.run.events.len();
        self.push_one(number, line);
        if let Some(p) = &mut self.run.pending_modified
            && (p.line == number || p.before.is_some())
        {
            p.is_cut = true;
        }
        // (a line that ended the run has handed its events on already)
        let from = before.min(self.run.events.len());
        for e in &mut self.run.events[from..] {
            e.note_cut();
        }
    }

    fn push_one(&mut self, number: u64, line: &[u8]) {
        if self.nested.is_some() {
            let kind = grammar::classify(line);
            if let Aside::Resume = self.aside(&kind) {
                self.nested = None;
                self.handle(number, line, kind);
                self.run.last_line = number;
            } else if let Some(nested) = &mut self.nested {
                nested.bytes += line.len();
                nested.lines.push((number, line.to_vec(), false));
            }
            return;
        }
        // most lines are test output: nothing to do unless a warning or a list is open. An
        // indented line (a traceback) can only be a printlist item or a `Before:`/`After:`
        // value, so while neither is open it is not even classified.
        let idle = self.run.pending_modified.is_none() && self.run.list.is_none();
        if !(idle && matches!(line.first(), Some(b' ' | b'\t'))) {
            let kind = grammar::classify(line);
            if !(idle && matches!(kind, LineKind::Other | LineKind::Blank)) {
                self.handle(number, line, kind);
            }
        }
        if self.nested.is_none() {
            if self.run.first_line.is_none() && self.run.has_content() {
                self.run.first_line = Some(number);
            }
            self.run.last_line = number;
        }
    }

    /// While output is set aside: does this line show the outer run carrying on?
    fn aside(&mut self, kind: &LineKind<'_>) -> Aside {
        let Some(nested) = &mut self.nested else {
            return Aside::Resume;
        };
        match kind {
            LineKind::Progress(p)
                if !nested.restarted_outer_total && self.run.continues_with(p) =>
            {
                Aside::Resume
            }
            LineKind::Progress(p) => {
                nested.saw_progress = true;
                // the outer TOTAL counted again from below: a new run of the same size
                nested.restarted_outer_total |= self.run.has_same_total(p);
                Aside::Keep
            }
            // a new run's own re-run phase would come after progress lines of its own
            LineKind::Rerun(RerunLine::Start {
                prefix: Some(p), ..
            }) if (nested.saw_final_result || !nested.saw_progress)
                && self.run.elapsed_not_before(Some(*p)) =>
            {
                Aside::Resume
            }
            // after a nested run's final result, a summary is the outer run's
            LineKind::Summary(
                SummaryLine::TestsResult(_)
                | SummaryLine::ListTitle { .. }
                | SummaryLine::Ok { .. }
                | SummaryLine::FinalResult(_),
            ) if nested.saw_final_result => Aside::Resume,
            LineKind::Summary(SummaryLine::FinalResult(_)) => {
                nested.saw_final_result = true;
                Aside::Keep
            }
            _ => Aside::Keep,
        }
    }

    /// End of input: close the current run (a truncated one is kept, marked incomplete).
    pub fn finish(mut self) {
        self.replay_as_new_run();
        self.end_run();
    }

    /// The set-aside lines were not nested output: end the outer run and read them again as
    /// what follows it. Nothing is set aside while replaying, so this never recurses.
    fn replay_as_new_run(&mut self) {
        let Some(nested) = self.nested.take() else {
            return;
        };
        self.end_run();
        self.replaying = true;
        for (number, line, is_cut) in nested.lines {
            self.push_cut(number, &line, is_cut);
        }
        self.replaying = false;
    }

    /// Close the current run: derive what the summary and re-run phase imply, sort, emit.
    fn end_run(&mut self) {
        self.flush_modified();
        self.crashed_in_window();
        self.settle_silent_last();
        let run = std::mem::take(&mut self.run);
        if !run.has_content() {
            return;
        }
        let (info, events) = run.finish(self.run_index);
        (self.sink)(info, events);
        self.run_index += 1;
    }

    /// A crash kills a sequential regrtest: the log ends inside the test's window, after
    /// faulthandler's dump, with no verdict. That test crashed.
    fn crashed_in_window(&mut self) {
        if self.run.final_seen || self.run.parallel {
            return;
        }
        let Some(owner) = self.run.current.clone() else {
            return;
        };
        if self.run.has_outcome(owner.test.as_bytes()) {
            return;
        }
        let fatal = self.run.events.iter().rev().find(|e| {
            matches!(e.kind, "fatal_error" | "timeout")
                && e.line > owner.since
                && e.test.as_deref() == Some(&owner.test)
        });
        if let Some(line) = fatal.map(|e| e.line) {
            let v = Verdict {
                test: owner.test.as_bytes(),
                outcome: Outcome::Crashed,
                detail: b"",
            };
            self.outcome(line, &v, None, None);
        }
    }

    /// `line` can only open a run (H1, an M line, ELAPSED back to zero) and the current run
    /// has tests. Inside a test's output it may be nested regrtest output: set it aside until
    /// that is known (returns true). Otherwise the current run ends here.
    fn opens_run(&mut self, number: u64, line: &[u8]) -> bool {
        if !self.run.has_tests() {
            return false;
        }
        if self.run.in_test_output() && !self.replaying {
            self.nested = Some(NestedBuffer {
                lines: vec![(number, line.to_vec(), false)],
                bytes: line.len(),
                ..NestedBuffer::default()
            });
            return true;
        }
        self.end_run();
        false
    }

    fn handle(&mut self, number: u64, line: &[u8], kind: LineKind<'_>) {
        // a modified warning owns only the Before:/After: lines right after it
        if !matches!(
            kind,
            LineKind::Warning {
                line: WarningLine::Before(_) | WarningLine::After(_),
                ..
            }
        ) {
            self.flush_modified();
        }
        // a printlist ends at the first line that is not one of its items
        if !matches!(
            kind,
            LineKind::Summary(SummaryLine::ListItems(_) | SummaryLine::ListReason(_))
        ) {
            self.run.list = None;
        }
        match kind {
            LineKind::Header(h) => self.header(number, line, h),
            LineKind::RunMode(m) => {
                if self.run.awaiting_rerun_mode {
                    // the re-run phase counts its own TOTAL
                    self.run.awaiting_rerun_mode = false;
                    self.run.parallel = m.workers.is_some();
                    self.run.total = m.tests;
                    return;
                }
                if self.run.has_tests() && self.opens_run(number, line) {
                    return;
                }
                if self.run.has_mode {
                    // a second M line with no test in between: a new run with no header
                    self.end_run();
                }
                self.run.has_mode = true;
                self.run.workers = m.workers;
                self.run.parallel = m.workers.is_some();
                self.run.expects_verdicts = m.workers.is_none();
                self.run.total = m.tests.or(self.run.total);
                self.note_prefix(m.prefix);
            }
            LineKind::Progress(p) => self.progress(number, line, *p),
            LineKind::Verdict(prefix, v) => {
                // the last sequential verdict names the test whose window it closes; in a
                // pasted excerpt there may be no window at all
                let current = self.run.current.as_ref().map(|o| o.test.as_str());
                let owner_ok = current.is_none() || current == Some(&*text(v.test));
                if !self.run.parallel && owner_ok && !self.run.has_outcome(v.test) {
                    self.note_prefix(prefix);
                    self.outcome(number, &v, prefix, None);
                }
            }
            LineKind::Heartbeat(prefix, _) => {
                self.note_prefix(prefix);
                if self.run.parallel {
                    self.run.current = None;
                }
            }
            LineKind::BarePrefix(p) => {
                self.note_prefix(Some(p));
                if self.run.parallel {
                    self.run.current = None;
                }
            }
            LineKind::MainProcess => {
                if self.run.parallel {
                    self.run.current = None;
                }
            }
            LineKind::Test(t) => self.test_line(number, t),
            LineKind::Warning { line, .. } => self.warning(number, line),
            LineKind::Refleak(RefleakLine::Leaked {
                test,
                deltas,
                kind,
                sum,
                is_fine,
            }) => {
                let event = self.run.event(
                    number,
                    if is_fine { "refleak_fine" } else { "refleak" },
                    Some(text(test)),
                );
                self.run.events.push(Event {
                    resource: Some(kind.name().to_string()),
                    count: Some(sum),
                    detail: Some(text(deltas)),
                    ..event
                });
            }
            LineKind::Refleak(_) => {}
            LineKind::Rerun(r) => self.rerun(number, r),
            LineKind::Summary(s) => self.summary(number, s),
            LineKind::Crash(c) => self.crash(number, c),
            LineKind::BuildbotEnd => {
                self.end_run();
            }
            LineKind::Unittest(UnittestLine::Result { state }) => {
                // ≤3.11.5 re-runs in the main process print no progress line: unittest's
                // own last word is the best result there is until `failed again` says more
                if let (Phase::Rerun, Some(owner)) = (self.run.phase, &self.run.current) {
                    let outcome = if state.starts_with(b"OK") {
                        Outcome::Passed
                    } else if state.starts_with(b"NO TESTS RAN") {
                        Outcome::RanNoTests
                    } else {
                        Outcome::Failed
                    };
                    let test = owner.test.clone();
                    self.run.tentative_rerun(&test, outcome, number);
                }
            }
            LineKind::Blank | LineKind::Unittest(_) | LineKind::Other => {}
        }
    }

    fn note_prefix(&mut self, prefix: Option<Prefix>) {
        if let Some(p) = prefix {
            self.run.last_elapsed = Some(p.elapsed);
        }
    }

    fn header(&mut self, number: u64, line: &[u8], h: HeaderLine<'_>) {
        match h {
            HeaderLine::Python { version, build, .. } => {
                if self.opens_run(number, line) {
                    return;
                }
                if self.run.python.is_some() || self.run.has_mode {
                    // a second header with no test in between: the first run printed nothing
                    self.end_run();
                }
                self.run.python = Some(text(version));
                self.run.build_text = Some(text(build));
                self.run.header_seen = true;
            }
            HeaderLine::CommandEcho { .. }
                if self.run.has_tests() && !self.run.in_test_output() =>
            {
                self.end_run();
            }
            HeaderLine::Cwd { path } => self.run.cwd = Some(text(path)),
            HeaderLine::Platform { platform } => self.run.platform = Some(text(platform)),
            _ => {}
        }
    }

    fn progress(&mut self, number: u64, line: &[u8], p: ProgressLine<'_>) {
        // 3.5 and older (no M line) print the wall clock, not ELAPSED: midnight is no restart
        let elapsed_back = match (p.prefix, self.run.last_elapsed) {
            (Some(now), Some(last)) => self.run.has_mode && now.elapsed < last && now.elapsed < 60,
            _ => false,
        };
        let index_back = self.run.last_index.is_some_and(|last| p.index < last);
        if (elapsed_back || index_back) && self.opens_run(number, line) {
            return;
        }
        self.note_prefix(p.prefix);
        self.run.last_index = Some(p.index);
        // `--forever` prints no TOTAL, so in `[  7/1]` the 1 is FAILS: the first progress
        // line of the run decides which form it is
        if !self.run.has_tests() && !self.run.has_mode_total() {
            self.run.forever = p.total.is_none();
        }
        if self.run.total.is_none() && !self.run.forever {
            self.run.total = p.total;
        }
        if !self.run.has_mode && !self.run.has_tests() {
            // no M line (3.5 and older, or a pasted excerpt): a result on the line means -j
            self.run.parallel = p.verdict.is_some();
        }
        let running = p.running.map(|r| {
            let mut joined = String::with_capacity(r.len());
            for (n, t) in running_tests(r).enumerate() {
                if n > 0 {
                    joined.push(';');
                }
                joined.push_str(&String::from_utf8_lossy(t));
            }
            joined
        });
        if p.previous.is_some() || p.verdict.is_some() {
            self.run.note_progress_outcome();
        }
        if let Some(prev) = &p.previous {
            self.outcome(number, prev, p.prefix, None);
        }
        let is_current = self
            .run
            .current
            .as_ref()
            .is_some_and(|c| c.test.as_bytes() == p.test);
        match &p.verdict {
            // 3.14 sequential: the second line of a test is its verdict, in its own window
            Some(v) if is_current && !self.run.parallel => {
                self.outcome(number, v, p.prefix, running)
            }
            Some(v) => {
                self.outcome(number, v, p.prefix, running);
                self.run.current = Some(TestOwner {
                    test: text(p.test),
                    since: number,
                });
            }
            None => {
                self.infer_pass(number, p.prefix);
                self.run.current = Some(TestOwner {
                    test: text(p.test),
                    since: number,
                });
            }
        }
        self.run.seen(&String::from_utf8_lossy(p.test), number);
    }

    /// Sequential runs of 2.7.14+/3.6+ print nothing for a fast pass: a test that gets no
    /// verdict before the next one starts (or before the summary) passed.
    fn infer_pass(&mut self, number: u64, prefix: Option<Prefix>) {
        if self.run.parallel || !self.run.expects_verdicts {
            return;
        }
        let Some(owner) = self.run.current.clone() else {
            return;
        };
        if self.run.has_outcome(owner.test.as_bytes()) {
            return;
        }
        let verdict = Verdict {
            test: owner.test.as_bytes(),
            outcome: Outcome::Passed,
            detail: b"",
        };
        self.outcome(number, &verdict, prefix, None);
    }

    fn outcome(
        &mut self,
        number: u64,
        v: &Verdict<'_>,
        prefix: Option<Prefix>,
        running: Option<String>,
    ) {
        let test = text(v.test);
        self.run.record(&test, v.outcome, number);
        let event = self.run.event(number, v.outcome.kind(), Some(test));
        self.run.events.push(Event {
            detail: (!v.detail.is_empty()).then(|| text(v.detail)),
            elapsed: prefix.map(|p| p.elapsed),
            load_avg: prefix.and_then(|p| p.load_avg),
            running,
            ..event
        });
    }

    fn test_line(&mut self, number: u64, t: TestLine<'_>) {
        let (test, outcome) = match t {
            TestLine::Skipped { test, .. } => (test, Outcome::Skipped),
            TestLine::Failed { test } | TestLine::Crashed { test, .. } => (test, Outcome::Failed),
            TestLine::UnexpectedOutput { test } => (test, Outcome::Failed),
        };
        self.run.hint(&text(test), outcome, number);
    }

    /// The test a warning belongs to: the one it names, else the owner of the output block.
    fn owner(&self, named: Option<&[u8]>) -> Option<String> {
        named
            .map(text)
            .or_else(|| self.run.current.as_ref().map(|o| o.test.clone()))
    }

    fn warning(&mut self, number: u64, w: WarningLine<'_>) {
        let simple = |kind: &'static str| Some((kind, None::<String>, None::<i64>, None::<String>));
        let leak = match w {
            WarningLine::Modified { resource, test } => {
                self.run.pending_modified = Some(state::PendingModified {
                    line: number,
                    resource: text(resource),
                    test: text(test),
                    before: None,
                    is_cut: false,
                });
                None
            }
            WarningLine::Before(value) => {
                if let Some(p) = &mut self.run.pending_modified {
                    p.before = Some(value.to_vec());
                }
                None
            }
            WarningLine::After(value) => {
                if let Some(p) = self.run.pending_modified.take() {
                    let leaked = self.rules.diff(p.before.as_deref().unwrap_or(b""), value);
                    let event = self.run.event(p.line, "modified", Some(p.test));
                    let mut event = Event {
                        resource: Some(p.resource),
                        count: Some(leaked.count as i64),
                        detail: Some(leaked.detail),
                        ..event
                    };
                    if p.is_cut {
                        event.note_cut();
                    }
                    self.run.events.push(event);
                }
                None
            }
            WarningLine::LeakedTempFiles { test, count, files } => {
                let event = self
                    .run
                    .event(number, "leaked_temp_files", Some(text(test)));
                self.run.events.push(Event {
                    count: Some(count as i64),
                    detail: Some(text(files)),
                    ..event
                });
                None
            }
            WarningLine::ReapChildren { pid } => {
                Some(("reap_children", None, Some(1), Some(pid.to_string())))
            }
            WarningLine::ThreadingCleanup { dangling } => {
                Some(("threading_cleanup", None, dangling, None))
            }
            WarningLine::DanglingThread(repr) | WarningLine::DanglingThreads(repr) => {
                let l = self.rules.describe(repr);
                Some((
                    "dangling_thread",
                    None,
                    Some(l.count as i64),
                    Some(l.detail),
                ))
            }
            WarningLine::DanglingProcesses(repr) => {
                let l = self.rules.describe(repr);
                Some((
                    "dangling_process",
                    None,
                    Some(l.count as i64),
                    Some(l.detail),
                ))
            }
            WarningLine::ManagerChildren(rest) => {
                let list =
                    memchr::memmem::find(rest, b" active children").map_or(rest, |p| &rest[..p]);
                let l = self.rules.describe(list);
                Some((
                    "manager_children",
                    None,
                    Some(l.count as i64),
                    Some(l.detail),
                ))
            }
            WarningLine::Unraisable => simple("unraisable"),
            WarningLine::UncaughtThreadException { exception } => Some((
                "uncaught_thread_exception",
                Some(text(exception)),
                None,
                None,
            )),
            WarningLine::Uncollectable { test, count } => {
                let event = self.run.event(number, "uncollectable", self.owner(test));
                self.run.events.push(Event {
                    count: Some(count as i64),
                    ..event
                });
                None
            }
            WarningLine::LeftBehind { test, what, path } => {
                let event = self.run.event(number, "left_behind", Some(text(test)));
                self.run.events.push(Event {
                    resource: Some(text(what)),
                    detail: Some(self.rules.mask(&String::from_utf8_lossy(path)).into_owned()),
                    ..event
                });
                None
            }
            WarningLine::ThreadingCleanupDetail
            | WarningLine::ManagerSharedObjects
            | WarningLine::WorkerThreadFailed
            | WarningLine::WorkerCleanupFailed
            | WarningLine::RerunParseFailed
            | WarningLine::Other(_) => None,
        };
        if let Some((kind, resource, count, detail)) = leak {
            let event = self.run.event(number, kind, self.owner(None));
            self.run.events.push(Event {
                resource,
                count,
                detail,
                ..event
            });
        }
    }

    fn flush_modified(&mut self) {
        if let Some(p) = self.run.pending_modified.take() {
            // no After: line (early 3.4, or a log cut in the middle): the leak is still counted
            let event = self.run.event(p.line, "modified", Some(p.test));
            self.run.events.push(Event {
                resource: Some(p.resource),
                ..event
            });
        }
    }

    fn rerun(&mut self, number: u64, r: RerunLine<'_>) {
        match r {
            RerunLine::Start { prefix, count } => {
                self.close_main_phase(number);
                self.note_prefix(prefix);
                self.run.phase = Phase::Rerun;
                self.run.current = None;
                self.run.last_index = None;
                // 3.11.6+ re-runs in workers: the M line that follows opens this phase
                self.run.awaiting_rerun_mode = count.is_some();
            }
            RerunLine::Test { prefix, test, .. } => {
                self.note_prefix(prefix);
                let test = text(test);
                if self.run.phase == Phase::Main {
                    self.close_main_phase(number);
                    self.run.phase = Phase::Rerun;
                }
                // ≤3.11.5 re-runs in the main process: this line opens the test's output
                self.run.current = Some(TestOwner {
                    test: test.clone(),
                    since: number,
                });
                self.run.mark_rerun(&test, number);
            }
            RerunLine::NotSupported => {}
        }
    }

    /// The first summary (or the re-run announcement) closes the main phase.
    fn close_main_phase(&mut self, number: u64) {
        if self.run.phase == Phase::Main && !self.run.main_closed {
            for (test, outcome, line) in self.run.apply_hints() {
                let v = Verdict {
                    test: test.as_bytes(),
                    outcome,
                    detail: b"",
                };
                self.outcome(line, &v, None, None);
            }
            // the last test of a sequential run got no verdict: it passed, unless the summary
            // says otherwise (`--failfast` stopped on it, or Ctrl-C left it omitted)
            let silent = !self.run.parallel && self.run.expects_verdicts;
            if let Some(owner) = self
                .run
                .current
                .clone()
                .filter(|o| silent && !self.run.has_outcome(o.test.as_bytes()))
            {
                self.run.silent_last = Some((owner.test, number));
            }
            self.run.main_closed = true;
        }
    }

    /// The run is over: a silent last test the summary did not name passed.
    fn settle_silent_last(&mut self) {
        let Some((test, line)) = self.run.silent_last.take() else {
            return;
        };
        let interrupted = self
            .run
            .state
            .as_deref()
            .is_some_and(|s| s.contains("INTERRUPTED"));
        if !interrupted && !self.run.has_main_outcome(&test) {
            let v = Verdict {
                test: test.as_bytes(),
                outcome: Outcome::Passed,
                detail: b"",
            };
            let phase = std::mem::replace(&mut self.run.phase, Phase::Main);
            self.outcome(line, &v, None, None);
            self.run.phase = phase;
        }
    }

    fn summary(&mut self, number: u64, s: SummaryLine<'_>) {
        match s {
            SummaryLine::TestsResult(state) => {
                self.close_main_phase(number);
                self.run.summaries += 1;
                self.run.state = Some(text(state));
                if self.run.after_rerun_summary() && self.run.rerun_concluded.is_none() {
                    self.run.rerun_concluded = Some(number);
                }
                self.run.current = None;
            }
            SummaryLine::ListTitle { kind, .. } => {
                self.close_main_phase(number);
                self.run.current = None;
                self.run.list = Some(kind);
            }
            SummaryLine::ListItems(items) => {
                if let Some(kind) = self.run.list {
                    for name in list_names(items) {
                        self.list_item(number, kind, &text(name));
                    }
                }
            }
            SummaryLine::FinalResult(state) => {
                self.close_main_phase(number);
                self.run.state = Some(text(state));
                if self.run.after_rerun_summary() && self.run.rerun_concluded.is_none() {
                    self.run.rerun_concluded = Some(number);
                }
                self.run.final_seen = true;
                self.end_run();
            }
            SummaryLine::Ok { .. } | SummaryLine::Interrupted => {
                self.close_main_phase(number);
                self.run.current = None;
            }
            SummaryLine::TotalDuration(secs) => self.run.duration = Some(secs),
            SummaryLine::ListReason(_)
            | SummaryLine::SlowestTitle
            | SummaryLine::SlowestItem
            | SummaryLine::Total
            | SummaryLine::SkipsNote => {}
        }
    }

    fn list_item(&mut self, number: u64, kind: ListKind, test: &str) {
        let rerun_phase = self.run.phase == Phase::Rerun;
        let outcome = match kind {
            ListKind::Failed if rerun_phase => {
                self.run.failed_again(test);
                return;
            }
            // a lone summary after a re-run (`FAILURE then FAILURE`): still failing
            ListKind::Failed if self.run.after_rerun_summary() => {
                self.run.failed_again(test);
                self.run.mark_rerun(test, number);
                Outcome::Failed
            }
            ListKind::FailedAgain => {
                self.run.failed_again(test);
                return;
            }
            ListKind::Rerun => {
                self.run.mark_rerun(test, number);
                return;
            }
            ListKind::Failed => Outcome::Failed,
            ListKind::EnvChanged => Outcome::EnvChanged,
            ListKind::Skipped => Outcome::Skipped,
            ListKind::ResourceDenied => Outcome::ResourceDenied,
            ListKind::RanNoTests => Outcome::RanNoTests,
            ListKind::Omitted => {
                // never ran to the end (Ctrl-C, --failfast): no result
                if self
                    .run
                    .silent_last
                    .as_ref()
                    .is_some_and(|(t, _)| t == test)
                {
                    self.run.silent_last = None;
                }
                return;
            }
            ListKind::SkipsUnexpected => return,
        };
        if rerun_phase || self.run.has_main_outcome(test) {
            return;
        }
        if self
            .run
            .silent_last
            .as_ref()
            .is_some_and(|(t, _)| t == test)
        {
            self.run.silent_last = None;
        }
        // a pasted summary, or an era whose progress lines carry no result (3.5)
        let v = Verdict {
            test: test.as_bytes(),
            outcome,
            detail: b"",
        };
        self.outcome(number, &v, None, None);
    }

    fn crash(&mut self, number: u64, c: CrashLine<'_>) {
        let (kind, detail) = match c {
            CrashLine::Timeout(d) => ("timeout", d),
            CrashLine::FatalError(m) | CrashLine::WindowsFatal(m) => ("fatal_error", m),
            CrashLine::ThreadDump => return,
        };
        let event = self.run.event(number, kind, self.owner(None));
        self.run.events.push(Event {
            detail: Some(text(detail)),
            ..event
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::leak::Rules;
    use crate::scan::scan_bytes;

    /// (run, phase, test, kind) of every event.
    fn events(log: &str) -> Vec<(u32, &'static str, String, &'static str)> {
        scan_bytes(log.as_bytes(), &Rules::builtin())
            .into_iter()
            .flat_map(|(info, events)| {
                events
                    .into_iter()
                    .map(move |e| (info.run, e.phase.name(), e.test.unwrap_or_default(), e.kind))
            })
            .collect()
    }

    fn has(
        evs: &[(u32, &str, String, &str)],
        run: u32,
        phase: &str,
        test: &str,
        kind: &str,
    ) -> bool {
        evs.iter()
            .any(|e| e.0 == run && e.1 == phase && e.2 == test && e.3 == kind)
    }

    #[test]
    fn sequential_silence_is_a_pass_and_prev_verdicts_go_back() {
        let evs = events(
            "0:00:00 Run tests sequentially\n0:00:00 [1/3] test_a\n0:00:01 [2/3] test_b\nWarning -- reap_children() reaped child process 1\n0:00:02 [3/3] test_c -- test_b failed (env changed)\ntest_c failed\n",
        );
        assert_eq!(
            evs,
            vec![
                (0, "main", "test_a".into(), "passed"),
                (0, "main", "test_b".into(), "reap_children"),
                (0, "main", "test_b".into(), "env_changed"),
                (0, "main", "test_c".into(), "failed"),
            ]
        );
    }

    #[test]
    fn rerun_phase_311_stays_in_its_run_and_makes_flaky() {
        let evs = events(
            "== CPython 3.12.1\n0:00:00 Run 2 tests in parallel using 2 worker processes\n0:00:01 [1/2] test_a passed\n0:00:02 [2/2/1] test_b failed (1 failure)\n\n== Tests result: FAILURE ==\n\n1 test failed:\n    test_b\n0:00:03 Re-running 1 failed tests in verbose mode in subprocesses\n0:00:03 Run 1 test in parallel using 1 worker process\n0:00:04 [1/1] test_b passed\n\n== Tests result: FAILURE then SUCCESS ==\nResult: FAILURE then SUCCESS\n",
        );
        assert!(has(&evs, 0, "main", "test_b", "failed"));
        assert!(has(&evs, 0, "rerun", "test_b", "passed"));
        assert!(has(&evs, 0, "rerun", "test_b", "flaky"));
        assert!(evs.iter().all(|e| e.0 == 0), "{evs:?}");
    }

    #[test]
    fn failed_again_means_not_flaky() {
        let evs = events(
            "0:00:00 Run tests in parallel using 2 child processes\n0:00:01 [1/1/1] test_b failed\n== Tests result: FAILURE ==\n0:00:03 Re-running failed tests in verbose mode\n0:00:03 Re-running test_b in verbose mode\nFAILED (failures=1)\n1 test failed again:\n    test_b\n== Tests result: FAILURE then FAILURE ==\nTests result: FAILURE then FAILURE\n",
        );
        assert!(has(&evs, 0, "rerun", "test_b", "failed"));
        assert!(!evs.iter().any(|e| e.3 == "flaky"));
    }

    #[test]
    fn pasted_summary_gives_outcomes_and_flaky() {
        let evs = events(
            "== Tests result: FAILURE then SUCCESS ==\n\n1 test altered the execution environment:\n    test_e\n\n1 re-run test:\n    test_r\nTests result: FAILURE then SUCCESS\n",
        );
        assert!(has(&evs, 0, "main", "test_e", "env_changed"));
        assert!(has(&evs, 0, "main", "test_r", "failed"));
        assert!(has(&evs, 0, "rerun", "test_r", "passed"));
        assert!(has(&evs, 0, "rerun", "test_r", "flaky"));
    }

    #[test]
    fn a_new_header_or_elapsed_reset_opens_a_run() {
        let one = "== CPython 3.12.1\n0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_a\n0:00:05 test_a failed\n";
        let evs = events(&format!("{one}{one}"));
        assert_eq!(
            evs.iter()
                .filter(|e| e.3 == "failed")
                .map(|e| e.0)
                .collect::<Vec<_>>(),
            vec![0, 1]
        );
        let evs = events("0:05:00 [9/9] test_a passed\n0:00:01 [1/9] test_b passed\n");
        assert_eq!(evs.iter().map(|e| e.0).collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn nested_regrtest_output_is_set_aside_when_the_outer_run_goes_on() {
        let evs = events(
            "0:00:00 Run 3 tests in parallel using 2 worker processes\n0:00:10 [1/3] test_a passed\n0:00:20 [2/3/1] test_regrtest failed (1 failure)\n== CPython 3.12.1\n0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_inner\n0:00:01 [1/1/1] test_inner failed\n== Tests result: FAILURE ==\nResult: FAILURE\n0:00:30 [3/3/1] test_c passed\n",
        );
        assert_eq!(
            evs,
            vec![
                (0, "main", "test_a".into(), "passed"),
                (0, "main", "test_regrtest".into(), "failed"),
                (0, "main", "test_c".into(), "passed"),
            ]
        );
    }

    #[test]
    fn set_aside_lines_become_a_run_when_the_outer_never_returns() {
        // a truncated log followed by another log: the second is a run of its own
        let evs = events(
            "0:00:00 Run 3 tests in parallel using 2 worker processes\n0:00:10 [1/3] test_a failed\nTraceback (most recent call last):\n== CPython 3.9.18\n0:00:00 Run tests sequentially\n0:00:00 [1/2] test_x\n0:00:01 [2/2] test_y -- test_x failed\n",
        );
        assert!(has(&evs, 0, "main", "test_a", "failed"));
        assert!(has(&evs, 1, "main", "test_x", "failed"));
    }

    #[test]
    fn warnings_go_to_the_named_test_or_the_block_owner() {
        let evs = events(
            "0:00:00 Run 2 tests in parallel using 2 worker processes\n0:00:01 [1/2/1] test_a failed (env changed)\nWarning -- sys.path was modified by test_zzz\n  Before: []\n  After:  ['/x'] \nWarning -- Dangling thread: <Thread(Thread-1, started 1)>\n0:00:31 load avg: 1.00 running: test_b (30 sec)\nWarning -- Unraisable exception\n",
        );
        assert!(has(&evs, 0, "main", "test_zzz", "modified"));
        assert!(has(&evs, 0, "main", "test_a", "dangling_thread"));
        // after a heartbeat no worker block is open
        assert!(has(&evs, 0, "main", "", "unraisable"));
    }
}
