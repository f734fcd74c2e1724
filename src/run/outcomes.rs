//! Test outcomes: run-mode lines, progress lines in every era, sequential verdicts (on the
//! next progress line, on a line of their own, or silence), T1–T3 hints, and the crash that
//! kills a sequential run.

use super::cursor::{Mode, Stage};
use super::nested::Opener;
use super::reasons::{Explains, Reading, TracebackReader};
use super::results::ReasonFrom;
use super::{Detail, Event, Flow, Phase, RunBuilder, RunEvents, RunInfo, text};
use crate::grammar::traceback::{exception_line, is_traceback_start};
use crate::grammar::{
    header::RunMode,
    prefix::Prefix,
    progress::{Outcome, ProgressLine, Verdict, running_tests},
    test_line::TestLine,
};
use crate::kind::Kind;

/// What a result line says besides the outcome.
#[derive(Debug, Default)]
pub(super) struct Said {
    pub detail: Option<String>,
    pub prefix: Option<Prefix>,
    pub running: Option<String>,
}

impl Said {
    fn of(v: &Verdict<'_>, prefix: Option<Prefix>, running: Option<String>) -> Said {
        Said {
            detail: (!v.detail.is_empty()).then(|| text(v.detail)),
            prefix,
            running,
        }
    }
}

/// The tests of a `-- running:` suffix, `;`-separated.
fn running_column(list: &[u8]) -> String {
    let mut joined = String::with_capacity(list.len());
    for (n, t) in running_tests(list).enumerate() {
        if n > 0 {
            joined.push(';');
        }
        joined.push_str(&String::from_utf8_lossy(t));
    }
    joined
}

impl<F: FnMut(RunInfo, RunEvents) -> Flow> RunBuilder<'_, F> {
    /// Record `test`'s outcome in `phase`, and its event.
    pub(super) fn record_outcome(
        &mut self,
        line: u64,
        test: String,
        outcome: Outcome,
        phase: Phase,
        said: Said,
    ) {
        self.run.results_mut().record(&test, phase, outcome, line);
        let mut e = Event::new(line, phase, outcome.kind(), Some(test));
        e.detail = said.detail.map_or(Detail::None, Detail::Text);
        e.elapsed = said.prefix.map(|p| p.elapsed);
        e.load_avg = said.prefix.and_then(|p| p.load_avg);
        e.running = said.running;
        e.is_cut |= self.line_is_cut;
        self.hold_outcome(e);
    }

    /// A verdict line's outcome, in the current phase.
    fn verdict(
        &mut self,
        line: u64,
        v: &Verdict<'_>,
        prefix: Option<Prefix>,
        running: Option<String>,
    ) {
        let said = Said::of(v, prefix, running);
        let phase = self.cursor.phase();
        self.record_outcome(line, text(v.test), v.outcome, phase, said);
    }

    fn has_outcome(&self, test: &str) -> bool {
        self.run.results().has_outcome(test, self.cursor.phase())
    }

    /// M1–M4: the run's mode, or the re-run phase's right after its announcement.
    pub(super) fn run_mode(&mut self, number: u64, line: &[u8], m: RunMode) {
        if self.cursor.stage == Stage::RerunAnnounced {
            // the re-run phase counts its own TOTAL
            self.cursor.stage = Stage::Rerun;
            self.cursor.mode = Mode::announced(m.workers);
            self.run.keep_main_total(self.cursor.counter.total);
            self.cursor.counter.total = m.tests;
            return;
        }
        if self.run.has_tests() && self.opens_run(number, line, Opener::RunMode) {
            return;
        }
        if self.run.announced().is_some() {
            // a second M line with no test in between: a new run with no header
            self.end_run(false);
        }
        self.run.announce(m);
        self.cursor.mode = Mode::announced(m.workers);
        self.cursor.counter.total = m.tests.or(self.cursor.counter.total);
        self.cursor.counter.note(m.prefix);
    }

    pub(super) fn progress(&mut self, number: u64, line: &[u8], p: ProgressLine<'_>) {
        let goes_back = self
            .cursor
            .counter
            .goes_back(&p, self.run.announced().is_some());
        if goes_back && self.opens_run(number, line, Opener::Progress) {
            return;
        }
        self.count_progress(&p);
        if p.previous.is_some() || p.verdict.is_some() {
            self.run.results_mut().note_progress_result();
        }
        if let Some(prev) = &p.previous {
            self.verdict(number, prev, p.prefix, None);
        }
        let running = p.running.map(running_column);
        let is_owner = self
            .cursor
            .owner_test()
            .is_some_and(|t| t.as_bytes() == p.test);
        // 3.14 sequential: the second line of a test is its verdict, in its own window
        let closes_window = is_owner && p.verdict.is_some() && !self.cursor.mode.is_parallel();
        if !closes_window {
            self.note_silent_pass(number, p.prefix);
        }
        if let Some(v) = &p.verdict {
            self.verdict(number, v, p.prefix, running);
        }
        if !closes_window {
            self.cursor.set_owner(p.test, number, p.prefix);
        }
        self.run
            .results_mut()
            .seen(&String::from_utf8_lossy(p.test), number);
    }

    /// What a progress line says of the counter, and of the mode when nothing said it yet.
    fn count_progress(&mut self, p: &ProgressLine<'_>) {
        let announced = self.run.announced().is_some();
        let first = !self.run.has_tests();
        let counter = &mut self.cursor.counter;
        counter.note(p.prefix);
        counter.last_index = Some(p.index);
        // `--forever` prints no TOTAL, so in `[  7/1]` the 1 is FAILS: the first progress
        // line of the run decides which form it is
        if first && !(announced && counter.total.is_some()) {
            counter.forever = p.total.is_none();
        }
        if counter.total.is_none() && !counter.forever {
            counter.total = p.total;
        }
        if first && !announced {
            // no M line (3.5 and older, or a pasted excerpt): a result on the line means -j
            self.cursor.mode = if p.verdict.is_some() {
                Mode::Parallel
            } else {
                Mode::Sequential
            };
        }
    }

    /// Another progress line came and the test that owned the output got no verdict: it
    /// passed, as far as anyone knows (a verdict arriving later wins, see `TestResults`). In
    /// parallel runs its progress line reported it finished; in sequential runs a fast pass
    /// prints nothing (2.7.14+, 3.6+), and a log cut before its run-mode line is no different.
    fn note_silent_pass(&mut self, number: u64, prefix: Option<Prefix>) {
        let Some(owner) = &self.cursor.owner else {
            return;
        };
        let phase = self.cursor.phase();
        if self.run.results().has_outcome(&owner.test, phase) {
            return;
        }
        let (line, prefix) = match self.cursor.mode {
            // the test's own line reported it finished
            Mode::Parallel => (owner.since, owner.prefix),
            // known when the next test starts
            Mode::SequentialSilentPasses => (number, prefix),
            // without a run-mode line the time in front of a line may be the wall clock
            // (3.5 and older), not ELAPSED: the test's own line, and no time
            Mode::Sequential => (owner.since, None),
        };
        let test = owner.test.clone();
        self.run
            .results_mut()
            .silent_pass(&test, phase, line, prefix);
    }

    /// The bare verdict printed after the sequential loop: it names the test whose window it
    /// closes; in a pasted excerpt there may be no window at all.
    pub(super) fn bare_verdict(&mut self, number: u64, prefix: Option<Prefix>, v: Verdict<'_>) {
        let owner_ok = self
            .cursor
            .owner_test()
            .is_none_or(|t| t.as_bytes() == v.test);
        if !self.cursor.mode.is_parallel() && owner_ok && !self.has_outcome(&text(v.test)) {
            self.cursor.counter.note(prefix);
            self.verdict(number, &v, prefix, None);
        }
    }

    /// T1–T4: the test's main-phase outcome when nothing else gives one. T2/T3 say why: the
    /// traceback that follows, or (2.7) the exception on the line itself.
    pub(super) fn test_line(&mut self, number: u64, t: TestLine<'_>) {
        let (test, outcome, message) = match t {
            TestLine::Skipped { test, .. } => (test, Outcome::Skipped, &b""[..]),
            TestLine::Failed { test, message } | TestLine::Crashed { test, message } => {
                (test, Outcome::Failed, message)
            }
            TestLine::UnexpectedOutput { test } => (test, Outcome::Failed, &b""[..]),
        };
        let (name, phase) = (text(test), self.cursor.phase());
        if is_traceback_start(message) {
            let explains = Explains::Test {
                test: name.clone(),
                phase,
            };
            self.start_reading(Reading::Traceback(TracebackReader::in_frames(explains)));
        } else if let Some(exception) = exception_line(message) {
            self.run
                .results_mut()
                .note_reason(&name, phase, ReasonFrom::Traceback, &exception);
        }
        if phase == Phase::Main {
            self.run.results_mut().hint(&name, outcome, number);
        }
    }

    /// A crash kills a sequential regrtest: the log ends inside the test's window, after
    /// faulthandler's dump, with no verdict. That test crashed, or timed out when what
    /// faulthandler said was a `Timeout` (it exits the process then).
    pub(super) fn crashed_in_window(&mut self) {
        if self.cursor.mode.is_parallel() {
            return;
        }
        let Some(owner) = self.cursor.owner.clone() else {
            return;
        };
        if self.has_outcome(&owner.test) {
            return;
        }
        if let Some((line, kind)) = self.run.last_fatal_of(&owner.test, owner.since) {
            let outcome = if kind == Kind::Timeout {
                Outcome::TimedOut
            } else {
                Outcome::Crashed
            };
            let phase = self.cursor.phase();
            self.record_outcome(line, owner.test, outcome, phase, Said::default());
        }
    }
}
