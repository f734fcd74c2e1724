//! Output set aside: a header or a restarted counter inside a test's output may be nested
//! regrtest output (test_regrtest, bisect runs) or a new run. Its lines wait here until the
//! outer run carries on (nested: dropped) or does not (a new run: replayed).

use super::{Flow, RunBuilder, RunEvents, RunInfo};
use crate::grammar::{LineKind, header::HeaderLine, rerun::RerunLine, summary::SummaryLine};

/// Past this much set-aside output, a "nested" run is taken to be a real new run.
const MAX_LINES: usize = 20_000;
const MAX_BYTES: usize = 32 << 20;
/// Lines are set aside at most this many times (see `RunBuilder::replay_depth`).
const MAX_REPLAY_DEPTH: u8 = 8;

/// Lines set aside while deciding whether a header inside a test's output is a nested
/// regrtest run (it is, when the outer run carries on afterwards) or a new run.
#[derive(Default)]
pub(super) struct NestedBuffer {
    /// Line number, text, and whether the line was cut (`LINE_CAP`).
    lines: Vec<(u64, Vec<u8>, bool)>,
    bytes: usize,
    /// The replay depth its lines will be read at, if they are replayed.
    depth: u8,
    /// Runs begun (H1, or an M line of their own) and not yet ended (final `Result:`) in the
    /// set-aside output: nested runs can hold nested runs of their own (test_regrtest inside a
    /// re-run), and logs joined after a cut one begin one each.
    open_runs: u32,
    /// The next M line belongs to a run already begun (after its H1, or its re-run's
    /// announcement), not to a new one.
    expects_mode: bool,
    /// The set-aside output holds a complete run: a final `Result:` line.
    saw_final_result: bool,
    /// It holds progress lines.
    saw_progress: bool,
}

impl NestedBuffer {
    fn keep(&mut self, number: u64, line: &[u8], is_cut: bool) {
        self.bytes += line.len();
        self.lines.push((number, line.to_vec(), is_cut));
    }

    pub(super) fn is_over_limit(&self) -> bool {
        self.lines.len() > MAX_LINES || self.bytes > MAX_BYTES
    }

    /// Every run begun in the set-aside output has ended: what comes next is the outer run's.
    fn is_closed(&self) -> bool {
        self.saw_final_result && self.open_runs == 0
    }
}

/// What kind of line opened a run where output may be set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Opener {
    /// H1 `== CPython …`
    Header,
    /// M1–M4
    RunMode,
    /// A progress line whose counter or ELAPSED went back.
    Progress,
}

/// What a line means while output is set aside.
enum Aside {
    /// The outer run carries on with this line: what was set aside was its test's output.
    Resume,
    /// Keep setting aside.
    Keep,
    /// The set-aside output is a new run: replay it.
    NewRun,
}

impl<F: FnMut(RunInfo, RunEvents) -> Flow> RunBuilder<'_, F> {
    /// `line` can only open a run (H1, an M line, ELAPSED back to zero) and the current run
    /// has tests. Inside a test's output it may be nested regrtest output: set it aside until
    /// that is known (returns true). Otherwise the current run ends here.
    pub(super) fn opens_run(&mut self, number: u64, line: &[u8], opener: Opener) -> bool {
        if !self.run.has_tests() {
            return false;
        }
        if self.in_test_output() && self.replay_depth < MAX_REPLAY_DEPTH {
            let mut nested = NestedBuffer {
                open_runs: u32::from(opener != Opener::Progress),
                expects_mode: opener == Opener::Header,
                depth: self.replay_depth + 1,
                ..NestedBuffer::default()
            };
            nested.keep(number, line, self.line_is_cut);
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
                    nested.keep(number, line, self.line_is_cut);
                }
            }
            Aside::NewRun => {
                if let Some(nested) = &mut self.nested {
                    nested.keep(number, line, self.line_is_cut);
                }
                self.replay_as_new_run();
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
            LineKind::Progress(p) if counter.continues_with(p) => Aside::Resume,
            // the outer TOTAL counted again from below: a new run of the same size, not
            // nested output (nested runs are small)
            LineKind::Progress(p) if counter.has_same_total(p) => Aside::NewRun,
            LineKind::Progress(_) => {
                nested.saw_progress = true;
                Aside::Keep
            }
            // a new run's own re-run phase would come after progress lines of its own
            LineKind::Rerun(RerunLine::Start {
                prefix: Some(p), ..
            }) if (nested.is_closed() || !nested.saw_progress)
                && counter.elapsed_not_before(Some(*p)) =>
            {
                Aside::Resume
            }
            // once every nested run has ended, a summary is the outer run's
            LineKind::Summary(
                SummaryLine::TestsResult(_)
                | SummaryLine::ListTitle { .. }
                | SummaryLine::Ok { .. }
                | SummaryLine::FinalResult(_),
            ) if nested.is_closed() => Aside::Resume,
            LineKind::Summary(SummaryLine::FinalResult(_)) => {
                nested.saw_final_result = true;
                nested.open_runs = nested.open_runs.saturating_sub(1);
                // a run that printed no M line (3.5 and older) awaits none any more
                nested.expects_mode = false;
                Aside::Keep
            }
            LineKind::Header(HeaderLine::Python { .. }) => {
                nested.open_runs += 1;
                nested.expects_mode = true;
                Aside::Keep
            }
            LineKind::RunMode(_) => {
                if !std::mem::take(&mut nested.expects_mode) {
                    nested.open_runs += 1;
                }
                Aside::Keep
            }
            LineKind::Rerun(RerunLine::Start { count: Some(_), .. }) => {
                // 3.11.6+: the M line that follows opens the re-run phase
                nested.expects_mode = true;
                Aside::Keep
            }
            _ => Aside::Keep,
        }
    }

    /// The set-aside lines were not nested output: end the outer run and read them again as
    /// what follows it.
    pub(super) fn replay_as_new_run(&mut self) {
        let Some(nested) = self.nested.take() else {
            return;
        };
        self.end_run(false);
        let depth = std::mem::replace(&mut self.replay_depth, nested.depth);
        for (number, line, is_cut) in nested.lines {
            self.push_cut(number, &line, &line, is_cut);
        }
        self.replay_depth = depth;
    }
}
