//! What is known of the run being read: its header, its announced mode, its summary, its
//! tests' results and the events found so far. The reader's position is in `Cursor`.

use super::cursor::Counter;
use super::digest::RunDigest;
use super::event::Event;
use super::events::{EventLog, SortedEvents};
use super::info::{RunInfo, builder_from_cwd};
use super::results::TestResults;
use crate::grammar::header::{HeaderLine, RunMode, build_info};
use crate::grammar::summary::ResultState;
use crate::kind::Kind;
use crate::text::lossy as text;

/// What a reader keeps of a run's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    /// Every event, in line order at the end of the run (`events`).
    #[default]
    Events,
    /// Folded per (test, kind, resource) as they come (`stats`).
    Digest,
    /// Only how many (`runs`).
    Count,
}

/// A run's events, kept as asked.
#[derive(Debug)]
enum EventStore {
    Events(EventLog),
    Digest(RunDigest),
    Count,
}

impl EventStore {
    fn new(keep: Keep) -> EventStore {
        match keep {
            Keep::Events => EventStore::Events(EventLog::default()),
            Keep::Digest => EventStore::Digest(RunDigest::default()),
            Keep::Count => EventStore::Count,
        }
    }
}

/// What a run hands on when it ends, besides its facts.
pub enum RunEvents {
    Events(SortedEvents),
    Digest(RunDigest),
    Count,
}

#[derive(Debug)]
pub struct RunState {
    python: Option<String>,
    platform: Option<String>,
    cwd: Option<String>,
    /// From the H1 build text.
    branch: Option<String>,
    commit: Option<String>,
    date: Option<String>,
    /// The M line of the main pass.
    announced: Option<RunMode>,
    /// The main pass's TOTAL (itself optional), kept once a re-run counts its own.
    main_total: Option<Option<u64>>,
    summaries: u32,
    /// The last result state read (`FAILURE then SUCCESS`).
    result: Option<String>,
    result_is_after_rerun: bool,
    result_is_interrupted: bool,
    duration: Option<f64>,
    /// The line where a re-run's results were concluded (its summary began).
    rerun_concluded: Option<u64>,
    events: EventStore,
    event_count: u64,
    flaky: u64,
    /// The latest `fatal_error` or `timeout`: its line, test and kind.
    last_fatal: Option<(u64, Option<String>, Kind)>,
    /// The longest faulthandler `Timeout (…)!` printed, in seconds.
    faulthandler_timeout_s: Option<u64>,
    /// How often each `reason_key` came, and its first line (`top_reason`).
    reasons: hashbrown::HashMap<String, (u64, u64), rustc_hash::FxBuildHasher>,
    /// The lines of the run: from where it first had content to the last line read.
    first_line: Option<u64>,
    last_line: u64,
    results: TestResults,
}

impl RunState {
    pub fn new(keep: Keep) -> RunState {
        RunState {
            python: None,
            platform: None,
            cwd: None,
            branch: None,
            commit: None,
            date: None,
            announced: None,
            main_total: None,
            summaries: 0,
            result: None,
            result_is_after_rerun: false,
            result_is_interrupted: false,
            duration: None,
            rerun_concluded: None,
            events: EventStore::new(keep),
            event_count: 0,
            flaky: 0,
            last_fatal: None,
            faulthandler_timeout_s: None,
            reasons: Default::default(),
            first_line: None,
            last_line: 0,
            results: TestResults::default(),
        }
    }

    /// A new run, keeping its events the way this one did.
    pub fn next(&self) -> RunState {
        RunState::new(match self.events {
            EventStore::Events(_) => Keep::Events,
            EventStore::Digest(_) => Keep::Digest,
            EventStore::Count => Keep::Count,
        })
    }

    /// A header line of this run.
    pub fn header(&mut self, h: &HeaderLine<'_>) {
        match *h {
            HeaderLine::Python { version, build, .. } => {
                self.python = Some(text(version));
                let info = build_info(build);
                self.branch = info.branch.map(text);
                self.commit = info.commit.map(text);
                self.date = info.date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
            }
            HeaderLine::Cwd { path } => self.cwd = Some(text(path)),
            HeaderLine::Platform { platform } => self.platform = Some(text(platform)),
            _ => {}
        }
    }

    pub fn has_python(&self) -> bool {
        self.python.is_some()
    }

    /// Nothing but header lines so far: no run mode, test, event or summary.
    pub fn is_header_only(&self) -> bool {
        self.announced.is_none()
            && !self.has_tests()
            && self.event_count == 0
            && self.summaries == 0
    }

    /// The main pass's M line.
    pub fn announce(&mut self, mode: RunMode) {
        self.announced = Some(mode);
    }

    pub fn announced(&self) -> Option<RunMode> {
        self.announced
    }

    /// The re-run begins counting its own TOTAL: keep the main pass's.
    pub fn keep_main_total(&mut self, total: Option<u64>) {
        self.main_total.get_or_insert(total);
    }

    pub fn results(&self) -> &TestResults {
        &self.results
    }

    pub fn results_mut(&mut self) -> &mut TestResults {
        &mut self.results
    }

    pub fn has_tests(&self) -> bool {
        !self.results.is_empty()
    }

    pub fn push_event(&mut self, event: Event) {
        self.event_count += 1;
        match event.kind {
            Kind::Flaky => self.flaky += 1,
            Kind::FatalError | Kind::Timeout => {
                self.last_fatal = Some((event.line, event.test.clone(), event.kind));
            }
            _ => {}
        }
        if let Some(key) = &event.reason_key {
            self.count_reason(key, event.line);
        }
        match &mut self.events {
            EventStore::Events(log) => log.push(event),
            EventStore::Digest(digest) => digest.add(&event),
            EventStore::Count => {}
        }
    }

    /// The line and kind of the latest `fatal_error` or `timeout` of `test` after line
    /// `since`.
    pub fn last_fatal_of(&self, test: &str, since: u64) -> Option<(u64, Kind)> {
        match &self.last_fatal {
            Some((line, Some(t), kind)) if *line > since && t == test => Some((*line, *kind)),
            _ => None,
        }
    }

    /// One more event said `key`. Distinct keys are counted up to a bound, so that a run of
    /// endless different reasons keeps a bounded table.
    fn count_reason(&mut self, key: &str, line: u64) {
        const KEYS_MAX: usize = 10_000;
        if let Some((n, _)) = self.reasons.get_mut(key) {
            *n += 1;
        } else if self.reasons.len() < KEYS_MAX {
            self.reasons.insert(key.to_string(), (1, line));
        }
    }

    /// The most frequent reason key of the run; a tie goes to the one seen first.
    fn top_reason(&self) -> Option<String> {
        self.reasons
            .iter()
            .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)).then(b.0.cmp(a.0)))
            .map(|(k, _)| k.clone())
    }

    /// A `== Tests result` line was read.
    pub fn note_summary(&mut self) {
        self.summaries += 1;
    }

    pub fn set_result(&mut self, state: ResultState<'_>) {
        self.result = Some(text(state.text()));
        self.result_is_after_rerun = state.is_after_rerun();
        self.result_is_interrupted = state.is_interrupted();
    }

    pub fn result_is_interrupted(&self) -> bool {
        self.result_is_interrupted
    }

    /// faulthandler printed `Timeout (…)!` for a timeout of `seconds`.
    pub fn note_timeout(&mut self, seconds: u64) {
        self.faulthandler_timeout_s = self.faulthandler_timeout_s.max(Some(seconds));
    }

    /// `Test suite interrupted by signal SIGINT.`
    pub fn mark_interrupted(&mut self) {
        self.result_is_interrupted = true;
    }

    /// A result state of `FIRST then SECOND` was read: the summary is the one after a re-run.
    pub fn result_is_after_rerun(&self) -> bool {
        self.result_is_after_rerun
    }

    pub fn set_duration(&mut self, seconds: f64) {
        self.duration = Some(seconds);
    }

    /// The re-run's results are in at `line` (the first time only).
    pub fn conclude_rerun(&mut self, line: u64) {
        self.rerun_concluded.get_or_insert(line);
    }

    /// Is there anything to report: tests, events, a header, a summary?
    pub fn has_content(&self, complete: bool) -> bool {
        self.has_tests()
            || self.event_count > 0
            || self.python.is_some()
            || self.summaries > 0
            || complete
    }

    /// Line `number` belongs to the run.
    pub fn touch(&mut self, number: u64, complete: bool) {
        if self.first_line.is_none() && self.has_content(complete) {
            self.first_line = Some(number);
        }
        self.last_line = number;
    }

    /// Derive what the end of the run implies, then return the run's facts and its events
    /// (in line order, when kept). `main_done`: the main pass's summary began.
    pub fn finish(
        mut self,
        run: u32,
        complete: bool,
        main_done: bool,
        counter: &Counter,
    ) -> (RunInfo, RunEvents) {
        let summary_seen = self.summaries > 0 || complete || main_done;
        let mut results = std::mem::take(&mut self.results);
        results.derive_at_end(summary_seen, self.rerun_concluded, |e| self.push_event(e));
        self.results = results;
        let tally = self.results.tally();
        let top_reason = self.top_reason();
        let info = RunInfo {
            run,
            python: self.python,
            platform: self.platform,
            builder: self.cwd.as_deref().and_then(builder_from_cwd),
            build: None,
            branch: self.branch,
            commit: self.commit,
            date: self.date,
            mode: self.announced.map(|m| {
                if m.workers.is_some() {
                    "parallel"
                } else {
                    "sequential"
                }
            }),
            workers: self.announced.and_then(|m| m.workers),
            tests_total: self.main_total.unwrap_or(counter.total),
            tests_run: tally.run,
            failed: tally.failed,
            env_changed: tally.env_changed,
            skipped: tally.skipped,
            rerun: tally.rerun,
            flaky: self.flaky,
            result: self.result,
            top_reason,
            timeout_s: self
                .announced
                .and_then(|m| m.timeout_s)
                .max(self.faulthandler_timeout_s),
            duration_s: self.duration.or(counter.last_elapsed.map(|s| s as f64)),
            complete,
            first_line: self.first_line.unwrap_or(0),
            last_line: self.last_line,
            events: self.event_count,
        };
        let events = match self.events {
            EventStore::Events(log) => RunEvents::Events(log.into_sorted()),
            EventStore::Digest(digest) => RunEvents::Digest(digest),
            EventStore::Count => RunEvents::Count,
        };
        (info, events)
    }
}
