//! Output set aside: a header or a restarted counter inside a test's output may be nested
//! regrtest output (test_regrtest, bisect runs) or a new run. Its lines wait here until the
//! outer run carries on (nested: dropped) or does not (a new run: replayed).

use super::{Event, RunBuilder, RunInfo};
use crate::grammar::{LineKind, rerun::RerunLine, summary::SummaryLine};

/// Past this much set-aside output, a "nested" run is taken to be a real new run.
const MAX_LINES: usize = 20_000;
const MAX_BYTES: usize = 32 << 20;

/// Lines set aside while deciding whether a header inside a test's output is a nested
/// regrtest run (it is, when the outer run carries on afterwards) or a new run.
#[derive(Default)]
pub(super) struct NestedBuffer {
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

impl NestedBuffer {
    fn keep(&mut self, number: u64, line: &[u8]) {
        self.bytes += line.len();
        self.lines.push((number, line.to_vec(), false));
    }

    pub(super) fn is_over_limit(&self) -> bool {
        self.lines.len() > MAX_LINES || self.bytes > MAX_BYTES
    }
}

/// What a line means while output is set aside.
enum Aside {
    /// The outer run carries on with this line: what was set aside was its test's output.
    Resume,
    /// Keep setting aside.
    Keep,
}

impl<F: FnMut(RunInfo, Vec<Event>)> RunBuilder<'_, F> {
    /// `line` can only open a run (H1, an M line, ELAPSED back to zero) and the current run
    /// has tests. Inside a test's output it may be nested regrtest output: set it aside until
    /// that is known (returns true). Otherwise the current run ends here.
    pub(super) fn opens_run(&mut self, number: u64, line: &[u8]) -> bool {
        if !self.run.has_tests() {
            return false;
        }
        if self.in_test_output() && !self.replaying {
            let mut nested = NestedBuffer::default();
            nested.keep(number, line);
            self.nested = Some(nested);
            return true;
        }
        self.end_run(false);
        false
    }

    /// A line while output is set aside.
    pub(super) fn push_aside(&mut self, number: u64, line: &[u8], raw: &[u8]) {
        let (line, kind) = self.classify(line, raw);
        match self.aside(&kind) {
            Aside::Resume => {
                self.nested = None;
                self.handle(number, line, kind);
                self.run.touch(number, false);
            }
            Aside::Keep => {
                if let Some(nested) = &mut self.nested {
                    nested.keep(number, line);
                }
            }
        }
    }

    /// While output is set aside: does this line show the outer run carrying on?
    fn aside(&mut self, kind: &LineKind<'_>) -> Aside {
        let Some(nested) = &mut self.nested else {
            return Aside::Resume;
        };
        let counter = &self.cursor.counter;
        match kind {
            LineKind::Progress(p) if !nested.restarted_outer_total && counter.continues_with(p) => {
                Aside::Resume
            }
            LineKind::Progress(p) => {
                nested.saw_progress = true;
                // the outer TOTAL counted again from below: a new run of the same size
                nested.restarted_outer_total |= counter.has_same_total(p);
                Aside::Keep
            }
            // a new run's own re-run phase would come after progress lines of its own
            LineKind::Rerun(RerunLine::Start {
                prefix: Some(p), ..
            }) if (nested.saw_final_result || !nested.saw_progress)
                && counter.elapsed_not_before(Some(*p)) =>
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

    /// The set-aside lines were not nested output: end the outer run and read them again as
    /// what follows it. Nothing is set aside while replaying, so this never recurses.
    pub(super) fn replay_as_new_run(&mut self) {
        let Some(nested) = self.nested.take() else {
            return;
        };
        self.end_run(false);
        self.replaying = true;
        for (number, line, is_cut) in nested.lines {
            self.push_cut(number, &line, &line, is_cut);
        }
        self.replaying = false;
    }
}
