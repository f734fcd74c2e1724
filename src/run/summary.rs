//! The end of the main pass and what follows it: the summary and its lists, the re-run phase
//! (announcements, unittest's last word in main-process re-runs, `failed again`), and the
//! results the summary implies for tests that had none.

use super::cursor::{Mode, Stage};
use super::outcomes::Said;
use super::{Flow, Phase, RunBuilder, RunEvents, RunInfo, text};
use crate::grammar::{
    progress::Outcome,
    rerun::RerunLine,
    summary::{ListKind, SummaryLine, list_names},
    unittest::UnittestOutcome,
};

impl<F: FnMut(RunInfo, RunEvents) -> Flow> RunBuilder<'_, F> {
    pub(super) fn summary(&mut self, number: u64, s: SummaryLine<'_>) {
        match s {
            SummaryLine::TestsResult(state) => {
                self.close_main_phase(number);
                self.run.note_summary();
                self.run.set_result(state);
                self.conclude_rerun_if_over(number);
                self.cursor.owner = None;
            }
            SummaryLine::ListTitle { kind, .. } => {
                self.close_main_phase(number);
                self.cursor.owner = None;
                self.cursor.list = Some(kind);
            }
            SummaryLine::ListItems(items) => {
                if let Some(kind) = self.cursor.list {
                    for name in list_names(items) {
                        self.list_item(number, kind, &text(name));
                    }
                }
            }
            SummaryLine::FinalResult(state) => {
                self.close_main_phase(number);
                self.run.set_result(state);
                self.conclude_rerun_if_over(number);
                self.end_run(true);
            }
            SummaryLine::Ok { .. } => {
                self.close_main_phase(number);
                self.cursor.owner = None;
            }
            SummaryLine::Interrupted => {
                self.close_main_phase(number);
                self.cursor.owner = None;
                self.run.mark_interrupted();
            }
            SummaryLine::TotalDuration(secs) => self.run.set_duration(secs),
            SummaryLine::ListReason(_)
            | SummaryLine::SlowestTitle
            | SummaryLine::SlowestItem
            | SummaryLine::Total
            | SummaryLine::SkipsNote => {}
        }
    }

    /// The summary being read is the one after a re-run (`FAILURE then SUCCESS`).
    fn after_rerun_summary(&self) -> bool {
        self.cursor.phase() == Phase::Rerun || self.run.result_is_after_rerun()
    }

    fn conclude_rerun_if_over(&mut self, number: u64) {
        if self.after_rerun_summary() {
            self.run.conclude_rerun(number);
        }
    }

    fn list_item(&mut self, number: u64, kind: ListKind, test: &str) {
        let in_rerun = self.cursor.phase() == Phase::Rerun;
        let after_rerun = self.after_rerun_summary();
        let interrupted_here = self.was_running_when_interrupted(test);
        let results = self.run.results_mut();
        let outcome = match kind {
            // 3.9–3.11.2 re-runs may run nothing at all: that is no pass
            ListKind::RanNoTests if (in_rerun || after_rerun) && results.was_rerun(test) => {
                return results.rerun_ran_no_tests(test, number);
            }
            ListKind::Failed if in_rerun => return results.failed_again(test),
            // a lone summary after a re-run (`FAILURE then FAILURE`): still failing
            ListKind::Failed if after_rerun => {
                results.failed_again(test);
                results.mark_rerun(test, number);
                Outcome::Failed
            }
            ListKind::FailedAgain => return results.failed_again(test),
            ListKind::Rerun => return results.mark_rerun(test, number),
            ListKind::Failed => Outcome::Failed,
            ListKind::EnvChanged => Outcome::EnvChanged,
            ListKind::Skipped => Outcome::Skipped,
            ListKind::ResourceDenied => Outcome::ResourceDenied,
            ListKind::RanNoTests => Outcome::RanNoTests,
            // the test running when Ctrl-C came is omitted too: it was interrupted
            ListKind::Omitted if interrupted_here => Outcome::Interrupted,
            ListKind::Omitted => {
                // never ran to the end (Ctrl-C, --failfast): no result
                return self.cursor.forget_silent_last(test);
            }
            ListKind::SkipsUnexpected => return,
        };
        if in_rerun || self.run.results().has_outcome(test, Phase::Main) {
            return;
        }
        self.cursor.forget_silent_last(test);
        // a pasted summary, or an era whose progress lines carry no result (3.5)
        self.record_outcome(
            number,
            test.to_string(),
            outcome,
            Phase::Main,
            Said::default(),
        );
    }

    /// A sequential run was interrupted while `test` ran: its window was open (or, in a log
    /// that begins in its middle, a warning named it) and it got no result.
    fn was_running_when_interrupted(&self, test: &str) -> bool {
        let running = self.cursor.silent_last.as_ref().map(|(t, _)| t.as_str());
        let running = running.or(self.cursor.running_hint.as_deref());
        self.run.result_is_interrupted()
            && !self.cursor.mode.is_parallel()
            && running == Some(test)
            && !self.run.results().has_outcome(test, Phase::Main)
    }

    pub(super) fn rerun(&mut self, number: u64, r: RerunLine<'_>) {
        match r {
            RerunLine::Start { prefix, count } => {
                self.close_main_phase(number);
                self.cursor.counter.note(prefix);
                // 3.11.6+ re-runs in workers: the M line that follows opens this phase
                self.cursor.stage = if count.is_some() {
                    Stage::RerunAnnounced
                } else {
                    Stage::Rerun
                };
                self.cursor.owner = None;
                self.cursor.counter.last_index = None;
            }
            RerunLine::Test {
                prefix,
                test,
                matching,
            } => {
                self.cursor.counter.note(prefix);
                if self.cursor.phase() == Phase::Main {
                    self.close_main_phase(number);
                    self.cursor.stage = Stage::Rerun;
                }
                // ≤3.11.5 re-runs in the main process: this line opens the test's output
                self.cursor.set_owner(test, number, prefix);
                let name = text(test);
                let results = self.run.results_mut();
                results.mark_rerun(&name, number);
                if let Some(m) = matching {
                    let m = String::from_utf8_lossy(m);
                    results.rerun_matching(&name, m.split(", ").map(str::trim));
                }
            }
            RerunLine::NotSupported => {}
        }
    }

    /// ≤3.11.5 re-runs in the main process print no progress line: unittest's own last word
    /// is the best result there is until `failed again` says more.
    pub(super) fn unittest_result(&mut self, number: u64, outcome: UnittestOutcome) {
        if self.cursor.phase() != Phase::Rerun {
            return;
        }
        let Some(owner) = self.cursor.owner_test().map(str::to_string) else {
            return;
        };
        let outcome = match outcome {
            // `Ran 0 tests` then `OK` (before 3.12 said `NO TESTS RAN`)
            UnittestOutcome::Ok if self.cursor.unit.ran_none => Outcome::RanNoTests,
            UnittestOutcome::Ok => Outcome::Passed,
            UnittestOutcome::NoTestsRan => Outcome::RanNoTests,
            UnittestOutcome::Failed => Outcome::Failed,
        };
        self.run
            .results_mut()
            .tentative_rerun(&owner, outcome, number);
    }

    /// The first summary (or the re-run announcement) closes the main phase.
    fn close_main_phase(&mut self, number: u64) {
        if self.cursor.stage != Stage::Main {
            return;
        }
        self.apply_hints();
        // the last test of a sequential run got no verdict: it passed, unless the summary
        // says otherwise (`--failfast` stopped on it, or Ctrl-C left it omitted)
        if self.cursor.mode == Mode::SequentialSilentPasses
            && let Some(owner) = self.cursor.owner_test()
            && !self.run.results().has_outcome(owner, Phase::Main)
        {
            self.cursor.silent_last = Some((owner.to_string(), number));
        }
        self.cursor.stage = Stage::MainDone;
    }

    /// The main phase is over (its summary began, or the log ended in it): a T1–T4 line is
    /// the outcome of a test that got none.
    pub(super) fn apply_hints(&mut self) {
        for (test, outcome, line) in self.run.results().unresolved_hints() {
            self.record_outcome(line, test, outcome, Phase::Main, Said::default());
        }
    }

    /// The run is over: a silent last test the summary did not name passed.
    pub(super) fn settle_silent_last(&mut self) {
        let Some((test, line)) = self.cursor.silent_last.take() else {
            return;
        };
        if !self.run.result_is_interrupted() && !self.run.results().has_outcome(&test, Phase::Main)
        {
            self.record_outcome(line, test, Outcome::Passed, Phase::Main, Said::default());
        }
    }
}
