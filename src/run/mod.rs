//! Run assembly: a state machine that turns classified lines into regrtest runs, tests and
//! events. Several runs may share one stream; the re-run phase stays inside its run; nested
//! regrtest output (test_regrtest, bisect) is set aside; every warning goes to its test.
//!
//! `RunBuilder` reads a line, classifies it and hands it to the room that knows its family:
//! `outcomes` (run modes, progress lines, verdicts), `warnings` (warnings, leaks, crashes),
//! `summary` (summary lists, the re-run phase), `nested` (output set aside). What the run
//! is known to be is kept in `RunState`; where the reader stands, in `Cursor`.

mod cursor;
pub mod digest;
pub mod dressing;
pub mod event;
pub mod events;
pub mod info;
mod nested;
mod outcomes;
mod reasons;
mod results;
mod state;
mod summary;
mod verbose;
mod warnings;

use cursor::{Cursor, Stage};
use dressing::Dressing;
pub use event::{Detail, Event, Phase};
pub use info::RunInfo;
use nested::{NestedBuffer, Opener};
use state::RunState;
pub use state::{Keep, RunEvents};

use crate::grammar::{self, LineKind, header::HeaderLine, unittest::UnittestLine};
use crate::input::lines::{Flow, Line};
use crate::kind::Kind;
use crate::leak::Rules;
use crate::text::lossy as text;

/// Builds runs from lines; as each run ends, hands `sink` the run and its events (as `Keep`
/// asked). The sink says whether to go on: `Flow::Stop` when nobody reads the output.
pub struct RunBuilder<'r, F: FnMut(RunInfo, RunEvents) -> Flow> {
    rules: &'r Rules,
    sink: F,
    run: RunState,
    cursor: Cursor,
    /// How the stream's lines are dressed: a property of the stream, kept across runs.
    dressing: Dressing,
    /// Index of the current run; advanced when a run with content ends.
    run_index: u32,
    nested: Option<NestedBuffer>,
    /// How many times the lines being read have been set aside and replayed already (0: they
    /// come from the stream). Replayed lines may be set aside again (logs cut in a test's
    /// output, joined one after the other), but only a few times, so every line is read a
    /// bounded number of times, whatever the input.
    replay_depth: u8,
    /// The line being read was cut at `LINE_CAP`: the events made from it say so.
    line_is_cut: bool,
    /// The sink said stop.
    stopped: bool,
    /// No run is being read and nothing is open: the state a builder starts in and returns
    /// to when a run ends. Only a line that holds a marker (`grammar::markers`) can change
    /// that, so the line reader may pass over the others.
    fresh: bool,
}

impl<'r, F: FnMut(RunInfo, RunEvents) -> Flow> RunBuilder<'r, F> {
    pub fn new(rules: &'r Rules, keep: Keep, sink: F) -> Self {
        RunBuilder {
            rules,
            sink,
            run: RunState::new(keep),
            cursor: Cursor::default(),
            dressing: Dressing::default(),
            run_index: 0,
            nested: None,
            replay_depth: 0,
            line_is_cut: false,
            stopped: false,
            fresh: true,
        }
    }

    /// The first guess of how the stream's lines are dressed (from its head).
    pub fn set_dressing(&mut self, dressing: Dressing) {
        self.dressing = dressing;
    }

    /// Feed one line from the line reader; whether to go on, and whether lines without a
    /// marker may be passed over (`Flow::Skip`).
    pub fn push_line(&mut self, line: Line<'_>) -> Flow {
        // passing over keeps a plain stream's state exactly; a dressed one's guess may end
        // at any line, so its lines are all read
        let was_fresh = self.fresh && self.dressing.is_plain();
        let text = self.dressing.undress(line.text);
        self.push_cut(line.number, text, line.text, line.is_cut);
        if self
            .nested
            .as_ref()
            .is_some_and(NestedBuffer::is_over_limit)
        {
            self.replay_as_new_run();
        }
        match self.flow() {
            Flow::Continue if was_fresh && self.fresh && self.dressing.is_plain() => Flow::Skip,
            flow => flow,
        }
    }

    /// Nothing open, no run being read: only a line with a marker can change that.
    pub fn is_fresh(&self) -> bool {
        self.fresh && self.nested.is_none() && self.replay_depth == 0
    }

    fn flow(&self) -> Flow {
        if self.stopped {
            Flow::Stop
        } else {
            Flow::Continue
        }
    }

    /// End of input: close the current run (a truncated one is kept, marked incomplete).
    pub fn finish(mut self) {
        // a replay may set aside output again (a cut log after a cut log)
        while self.nested.is_some() && !self.stopped {
            self.replay_as_new_run();
        }
        self.end_run(false);
    }

    /// A line (`raw`: as read, `line`: undressed), and whether it was cut: events made from a
    /// line too long to keep whole say so.
    fn push_cut(&mut self, number: u64, line: &[u8], raw: &[u8], is_cut: bool) {
        self.line_is_cut = is_cut;
        self.push_one(number, line, raw);
        if is_cut
            && let Some(p) = &mut self.cursor.pending_modified
            && (p.line == number || p.before.is_some())
        {
            p.is_cut = true;
        }
        self.line_is_cut = false;
    }

    /// An event of the run being read.
    fn push_event(&mut self, mut e: Event) {
        e.is_cut |= self.line_is_cut;
        self.run.push_event(e);
    }

    fn push_one(&mut self, number: u64, line: &[u8], raw: &[u8]) {
        if self.nested.is_some() {
            self.fresh = false;
            return self.push_aside(number, line, raw);
        }
        let after_rule = std::mem::take(&mut self.cursor.after_rule);
        // a traceback or a faulthandler dump being read for its reason takes its lines
        if self.cursor.reading.is_open() && self.read_reason(line) {
            self.fresh = false;
            return self.run.touch(number, false);
        }
        let owner = self.cursor.owner_since();
        // most lines are test output: nothing to do unless a warning or a list is open. An
        // indented line (a traceback) can only be a printlist item, a `Before:`/`After:`
        // value or a subtest's method line, so while none can come it is not even classified.
        let idle = self.cursor.pending_modified.is_none()
            && self.cursor.list.is_none()
            && self.cursor.unit.is_idle();
        if !(idle && matches!(line.first(), Some(b' ' | b'\t'))) {
            let (line, kind) = self.classify(line, raw);
            let is_rule = matches!(kind, LineKind::Unittest(UnittestLine::Rule));
            self.cursor.after_rule = after_rule;
            if !(idle && matches!(kind, LineKind::Other | LineKind::Blank)) {
                self.handle(number, line, kind);
            }
            self.cursor.after_rule = is_rule;
        }
        if self.nested.is_none() {
            if self.cursor.owner_since() != owner {
                // another test's output begins
                self.end_unit();
                self.cursor.running_hint = None;
                self.release_held(false);
            } else if self.cursor.release_held {
                self.release_held(false);
            }
            self.run.touch(number, false);
        }
    }

    /// The line's kind; a line that means nothing may be a regrtest line of another
    /// dressing (a log of another form joined to this one).
    fn classify<'l>(&mut self, line: &'l [u8], raw: &'l [u8]) -> (&'l [u8], LineKind<'l>) {
        let kind = grammar::classify_unglued(line);
        if kind != LineKind::Other {
            return (line, kind);
        }
        if self.replay_depth == 0
            && let Some(found) = self.dressing.redetect(raw)
        {
            return found;
        }
        // a log without a final newline, and the next log's header after it
        if let Some((at, kind)) = grammar::glued_header(line) {
            return (&line[at..], kind);
        }
        // a test's text without a final newline, and the next progress line after it
        if self.cursor.counter.last_index.is_some() {
            return (line, grammar::glued(line));
        }
        (line, kind)
    }

    fn handle(&mut self, number: u64, line: &[u8], kind: LineKind<'_>) {
        use grammar::{summary::SummaryLine as S, warning::WarningLine as W};
        // a modified warning owns only the Before:/After: lines right after it
        if !matches!(
            kind,
            LineKind::Warning {
                line: W::Before(_) | W::After(_),
                ..
            }
        ) {
            self.flush_modified();
        }
        // a printlist ends at the first line that is not one of its items
        if !matches!(kind, LineKind::Summary(S::ListItems(_) | S::ListReason(_))) {
            self.cursor.list = None;
        }
        // a line that ends the run leaves the builder fresh (`end_run` says so); any other
        // line may leave something open, even one that ended a run before opening the next
        let ends_run = matches!(
            kind,
            LineKind::BuildbotEnd | LineKind::Summary(S::FinalResult(_))
        );
        if !ends_run {
            self.fresh = false;
        }
        match kind {
            LineKind::Header(h) => self.header(number, line, h),
            LineKind::RunMode(m) => self.run_mode(number, line, m),
            LineKind::Progress(p) => self.progress(number, line, *p),
            LineKind::Verdict(prefix, v) => self.bare_verdict(number, prefix, v),
            LineKind::Heartbeat(prefix, _) => {
                self.cursor.counter.note(prefix);
                self.cursor.end_worker_block();
            }
            LineKind::BarePrefix(p) => {
                self.cursor.counter.note(Some(p));
                self.cursor.end_worker_block();
            }
            LineKind::MainProcess => self.cursor.end_worker_block(),
            LineKind::Test(t) => self.test_line(number, t),
            LineKind::Warning { line, .. } => self.warning(number, line),
            LineKind::Refleak(r) => self.refleak(number, r),
            LineKind::Rerun(r) => self.rerun(number, r),
            LineKind::Summary(s) => self.summary(number, s),
            LineKind::Crash(c) => self.crash(number, line, c),
            LineKind::BuildbotEnd => self.end_run(false),
            LineKind::Unittest(u) => self.unittest(number, u),
            LineKind::Blank | LineKind::Other => {}
        }
        if !ends_run {
            self.fresh = false;
        }
    }

    fn header(&mut self, number: u64, line: &[u8], h: HeaderLine<'_>) {
        match h {
            HeaderLine::Python { .. } => {
                if self.opens_run(number, line, Opener::Header) {
                    return;
                }
                if self.run.has_python() && self.run.is_header_only() {
                    // the header block again (a wrapper or a re-exec printed it twice): the
                    // same run, not one that printed nothing
                } else if self.run.has_python() || self.run.announced().is_some() {
                    // a second header with no test in between: the first run printed nothing
                    self.end_run(false);
                }
            }
            HeaderLine::CommandEcho { .. } if self.run.has_tests() && !self.in_test_output() => {
                self.end_run(false);
            }
            _ => {}
        }
        self.run.header(&h);
    }

    /// A test owns the output being read.
    fn in_test_output(&self) -> bool {
        self.cursor.owner.is_some()
    }

    /// An event of this run, in the current phase.
    fn event(&self, line: u64, kind: Kind, test: Option<String>) -> Event {
        Event::new(line, self.cursor.phase(), kind, test)
    }

    /// Close the current run: derive what the summary and re-run phase imply, sort, emit.
    /// `complete`: its final result line was read.
    fn end_run(&mut self, complete: bool) {
        self.flush_modified();
        self.stop_reading();
        self.end_unit();
        if !complete {
            self.crashed_in_window();
        }
        if self.cursor.stage == Stage::Main {
            self.apply_hints();
        }
        self.settle_silent_last();
        self.release_held(true);
        let next = self.run.next();
        let run = std::mem::replace(&mut self.run, next);
        let cursor = std::mem::take(&mut self.cursor);
        self.fresh = true;
        if !run.has_content(complete) || self.stopped {
            return;
        }
        let main_done = cursor.stage != Stage::Main;
        let (info, events) = run.finish(self.run_index, complete, main_done, &cursor.counter);
        self.stopped = (self.sink)(info, events) == Flow::Stop;
        self.run_index += 1;
    }
}

#[cfg(test)]
mod tests;
