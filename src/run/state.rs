//! What the run builder knows about the run in progress.

use super::event::{Event, Phase};
use super::info::{RunInfo, builder_from_cwd, parse_build};
use crate::grammar::{progress::Outcome, summary::ListKind};

/// The test whose output block (parallel) or progress window (sequential) is being read.
#[derive(Debug, Clone, PartialEq)]
pub struct TestOwner {
    pub test: String,
    /// The line its block or window began.
    pub since: u64,
}

/// `X was modified by test_y`, waiting for its `Before:`/`After:` lines.
#[derive(Debug)]
pub struct PendingModified {
    pub line: u64,
    pub resource: String,
    pub test: String,
    pub before: Option<Vec<u8>>,
    /// The `Before:` or `After:` value was cut (`LINE_CAP`).
    pub is_cut: bool,
}

#[derive(Debug, Default)]
pub struct TestState {
    main: Option<Outcome>,
    rerun: Option<(Outcome, u64)>,
    /// A T1/T2/T3 line in the main phase: the outcome when nothing else gives one.
    hint: Option<(Outcome, u64)>,
    /// Line where the test was first seen on a progress line.
    seen: Option<u64>,
    /// Line where the test was announced for a re-run.
    rerun_marked: Option<u64>,
    /// unittest's result line in a main-process re-run.
    rerun_tentative: Option<(Outcome, u64)>,
    failed_again: bool,
}

#[derive(Debug, Default)]
pub struct RunState {
    pub python: Option<String>,
    /// The H1 text after the version: `(main, Dec 15 2023, 13:32:22) [GCC 12.2.0]`.
    pub build_text: Option<String>,
    pub platform: Option<String>,
    pub cwd: Option<String>,
    pub workers: Option<u64>,
    pub duration: Option<f64>,
    pub header_seen: bool,
    pub has_mode: bool,
    pub parallel: bool,
    /// Sequential 2.7.14+/3.6+: a fast pass prints no verdict, so silence means passed.
    pub expects_verdicts: bool,
    pub total: Option<u64>,
    /// `--forever`: progress lines have no TOTAL.
    pub forever: bool,
    pub last_index: Option<u64>,
    pub last_elapsed: Option<u64>,
    pub phase: Phase,
    pub current: Option<TestOwner>,
    pub awaiting_rerun_mode: bool,
    pub main_closed: bool,
    /// The last test of a sequential run, silent when the summary began, and that line.
    pub silent_last: Option<(String, u64)>,
    pub rerun_concluded: Option<u64>,
    pub summaries: u32,
    pub state: Option<String>,
    pub final_seen: bool,
    pub list: Option<ListKind>,
    pub pending_modified: Option<PendingModified>,
    pub events: Vec<Event>,
    /// The lines of the run: from where it first had content to the last line read.
    pub first_line: Option<u64>,
    pub last_line: u64,
    /// Hashed: looked up on every progress line. Iterated in name order (`by_name`).
    tests: hashbrown::HashMap<String, TestState, rustc_hash::FxBuildHasher>,
    outcomes_from_progress: u64,
}

impl RunState {
    pub fn has_tests(&self) -> bool {
        !self.tests.is_empty()
    }

    /// The M line announced how many tests will run.
    pub fn has_mode_total(&self) -> bool {
        self.has_mode && self.total.is_some()
    }

    pub fn has_content(&self) -> bool {
        self.has_tests()
            || !self.events.is_empty()
            || self.header_seen
            || self.summaries > 0
            || self.final_seen
    }

    /// A test owns the output being read, in a run that has not ended.
    pub fn in_test_output(&self) -> bool {
        self.current.is_some() && !self.final_seen
    }

    /// Is `p` the next progress line of this run (same TOTAL, a higher index, no earlier
    /// ELAPSED)?
    pub fn continues_with(&self, p: &crate::grammar::progress::ProgressLine<'_>) -> bool {
        self.has_same_total(p)
            && self.last_index.is_none_or(|last| p.index > last)
            && self.elapsed_not_before(p.prefix)
    }

    /// Does `p` count against this run's TOTAL (`--forever` runs have none)?
    pub fn has_same_total(&self, p: &crate::grammar::progress::ProgressLine<'_>) -> bool {
        let total = if self.forever { None } else { p.total };
        total == self.total
    }

    pub fn elapsed_not_before(&self, prefix: Option<crate::grammar::prefix::Prefix>) -> bool {
        match (prefix, self.last_elapsed) {
            (Some(p), Some(last)) => p.elapsed >= last,
            _ => true,
        }
    }

    /// One hash, and an allocation only for a test not seen before.
    fn test(&mut self, name: &str) -> &mut TestState {
        self.tests.entry_ref(name).or_default()
    }

    /// The test's progress line, at `line`.
    pub fn seen(&mut self, name: &str, line: u64) {
        let t = self.test(name);
        if t.seen.is_none() {
            t.seen = Some(line);
        }
    }

    pub fn record(&mut self, name: &str, outcome: Outcome, line: u64) {
        let phase = self.phase;
        let t = self.test(name);
        if t.seen.is_none() {
            t.seen = Some(line);
        }
        match phase {
            Phase::Main => t.main = Some(outcome),
            Phase::Rerun => t.rerun = Some((outcome, line)),
        }
    }

    /// Set a main-phase result derived after the fact (the run's counts read it).
    fn record_main(&mut self, name: &str, outcome: Outcome) {
        self.test(name).main = Some(outcome);
    }

    /// A progress line carried a result: the era prints them, so silence is not a pass.
    pub fn note_progress_outcome(&mut self) {
        self.outcomes_from_progress += 1;
    }

    /// The summary being read is the one after a re-run (`FAILURE then SUCCESS`).
    pub fn after_rerun_summary(&self) -> bool {
        self.phase == Phase::Rerun || self.state.as_deref().is_some_and(|s| s.contains(" then "))
    }

    pub fn hint(&mut self, name: &str, outcome: Outcome, line: u64) {
        if self.phase == Phase::Main {
            let t = self.test(name);
            if t.hint.is_none() {
                t.hint = Some((outcome, line));
            }
        }
    }

    pub fn has_outcome(&self, name: &[u8]) -> bool {
        let name = String::from_utf8_lossy(name);
        self.tests
            .get(name.as_ref())
            .is_some_and(|t| match self.phase {
                Phase::Main => t.main.is_some(),
                Phase::Rerun => t.rerun.is_some(),
            })
    }

    pub fn has_main_outcome(&self, name: &str) -> bool {
        self.tests.get(name).is_some_and(|t| t.main.is_some())
    }

    pub fn mark_rerun(&mut self, name: &str, line: u64) {
        let t = self.test(name);
        if t.rerun_marked.is_none() {
            t.rerun_marked = Some(line);
        }
    }

    pub fn tentative_rerun(&mut self, name: &str, outcome: Outcome, line: u64) {
        let t = self.test(name);
        if t.rerun.is_none() {
            t.rerun_tentative = Some((outcome, line));
        }
    }

    pub fn failed_again(&mut self, name: &str) {
        self.test(name).failed_again = true;
    }

    /// The tests in name order, so that what is derived from them comes out the same way
    /// every time.
    fn by_name(&self) -> Vec<(&String, &TestState)> {
        let mut v: Vec<_> = self.tests.iter().collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// The main phase is over: T1–T3 lines give the outcome of tests that have none.
    pub fn apply_hints(&mut self) -> Vec<(String, Outcome, u64)> {
        self.by_name()
            .into_iter()
            .filter(|(_, t)| t.main.is_none())
            .filter_map(|(name, t)| t.hint.map(|(o, line)| (name.clone(), o, line)))
            .collect()
    }

    /// A row for this run (the run index is set by the builder).
    pub fn event(&self, line: u64, kind: &'static str, test: Option<String>) -> Event {
        Event {
            line,
            phase: self.phase,
            test,
            kind,
            resource: None,
            count: None,
            detail: None,
            elapsed: None,
            load_avg: None,
            running: None,
        }
    }

    /// Derive what the end of the run implies (re-run results, flaky tests, the results of
    /// tests only a summary or nothing at all spoke of), then return the run's facts and its
    /// events in line order.
    pub fn finish(mut self, run: u32) -> (RunInfo, Vec<Event>) {
        let mut derived = Vec::new();
        let with_phase = |mut e: Event, phase: Phase| {
            e.phase = phase;
            e
        };
        // 3.5 and older print no result on progress lines: a test the summary does not list passed
        let summary_seen = self.summaries > 0 || self.final_seen || self.main_closed;
        if summary_seen && self.outcomes_from_progress == 0 {
            let passed: Vec<(String, u64)> = self
                .by_name()
                .into_iter()
                .filter_map(|(name, t)| match (t.main, t.seen, t.rerun_marked) {
                    (None, Some(line), None) => Some((name.clone(), line)),
                    _ => None,
                })
                .collect();
            for (name, line) in passed {
                derived.push(with_phase(
                    self.event(line, Outcome::Passed.kind(), Some(name.clone())),
                    Phase::Main,
                ));
                self.record_main(&name, Outcome::Passed);
            }
        }
        if let Some(concluded) = self.rerun_concluded {
            let names: Vec<String> = self
                .by_name()
                .into_iter()
                .filter(|(_, t)| t.rerun_marked.is_some() && t.rerun.is_none())
                .map(|(n, _)| n.clone())
                .collect();
            for name in names {
                let t = self.tests.get_mut(&name).expect("listed above");
                let (outcome, line) = match t.rerun_tentative {
                    _ if t.failed_again => (Outcome::Failed, concluded),
                    Some((outcome, line)) => (outcome, line),
                    None => (Outcome::Passed, concluded),
                };
                t.rerun = Some((outcome, line));
                let marked = t.rerun_marked.unwrap_or(concluded);
                let needs_main = t.main.is_none();
                if needs_main {
                    t.main = Some(Outcome::Failed);
                    derived.push(with_phase(
                        self.event(marked, Outcome::Failed.kind(), Some(name.clone())),
                        Phase::Main,
                    ));
                }
                derived.push(with_phase(
                    self.event(line, outcome.kind(), Some(name.clone())),
                    Phase::Rerun,
                ));
            }
        }
        for (name, t) in self.by_name() {
            if let (Some(main), Some((Outcome::Passed, line))) = (t.main, t.rerun)
                && main.is_failure()
            {
                let mut e = self.event(line, "flaky", Some(name.clone()));
                e.phase = Phase::Rerun;
                e.detail = Some(format!("{} then passed", main.kind()));
                derived.push(e);
            }
        }
        self.events.extend(derived);
        self.events.sort_by_key(|e| e.line);
        let info = self.info(run);
        (info, self.events)
    }

    fn info(&self, run: u32) -> RunInfo {
        let (branch, commit, date) = self
            .build_text
            .as_deref()
            .map(parse_build)
            .unwrap_or_default();
        let count = |f: fn(Outcome) -> bool| {
            self.tests
                .values()
                .filter(|t| t.main.is_some_and(f))
                .count() as u64
        };
        RunInfo {
            run,
            python: self.python.clone(),
            platform: self.platform.clone(),
            builder: self.cwd.as_deref().and_then(builder_from_cwd),
            build: None,
            branch,
            commit,
            date,
            mode: self.has_mode.then_some(if self.parallel {
                "parallel"
            } else {
                "sequential"
            }),
            workers: self.workers,
            tests_total: self.total,
            tests_run: count(|_| true),
            failed: count(|o| {
                matches!(
                    o,
                    Outcome::Failed | Outcome::Crashed | Outcome::TimedOut | Outcome::WorkerBug
                )
            }),
            env_changed: count(|o| o == Outcome::EnvChanged),
            skipped: count(|o| matches!(o, Outcome::Skipped | Outcome::ResourceDenied)),
            rerun: self
                .tests
                .values()
                .filter(|t| t.rerun_marked.is_some() || t.rerun.is_some())
                .count() as u64,
            flaky: self.events.iter().filter(|e| e.kind == "flaky").count() as u64,
            result: self.state.clone(),
            duration_s: self.duration.or(self.last_elapsed.map(|s| s as f64)),
            complete: self.final_seen,
            first_line: self.first_line.unwrap_or(0),
            last_line: self.last_line,
        }
    }
}
