//! Where the reader stands inside the run it is reading: which pass, how the run prints its
//! tests, which test owns the output, what is open (a printlist, a `modified` warning waiting
//! for its values), and the progress counter. It changes line by line; the facts it leads
//! to are kept in `RunState`.

use super::reasons::Reading;
use crate::grammar::prefix::Prefix;
use crate::grammar::progress::ProgressLine;
use crate::grammar::summary::ListKind;
use crate::grammar::unittest::{MethodStatus, desc};
use crate::run::{Event, Phase};

/// The passes of a run, in the order they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stage {
    /// Tests of the main pass run.
    #[default]
    Main,
    /// The main pass is over: its summary began (results are in, hints applied).
    MainDone,
    /// `Re-running N failed tests … in subprocesses` (3.11.6+): the M line that follows opens
    /// the re-run with a TOTAL of its own.
    RerunAnnounced,
    /// Failed tests are being re-run.
    Rerun,
}

impl Stage {
    pub fn phase(self) -> Phase {
        match self {
            Stage::Main | Stage::MainDone => Phase::Main,
            Stage::RerunAnnounced | Stage::Rerun => Phase::Rerun,
        }
    }
}

/// How the run prints its tests, as far as it has said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Sequential without an M line (3.5 and older, or a pasted excerpt before anything
    /// said otherwise): a progress line opens a test's window; silence proves nothing.
    #[default]
    Sequential,
    /// Sequential as an M line announced it (2.7.14+, 3.6+): a fast pass prints no verdict,
    /// so a test that gets none before the next one starts passed.
    SequentialSilentPasses,
    /// `-j`: a progress line reports a test that finished; its output block follows.
    Parallel,
}

impl Mode {
    pub fn is_parallel(self) -> bool {
        self == Mode::Parallel
    }

    /// The mode an M line announces.
    pub fn announced(workers: Option<u64>) -> Mode {
        if workers.is_some() {
            Mode::Parallel
        } else {
            Mode::SequentialSilentPasses
        }
    }
}

/// The test whose output block (parallel) or progress window (sequential) is being read.
#[derive(Debug, Clone, PartialEq)]
pub struct TestOwner {
    pub test: String,
    /// The line its block or window began, and that line's PREFIX.
    pub since: u64,
    pub prefix: Option<Prefix>,
}

/// `X was modified by test_y`, waiting for its `Before:`/`After:` lines.
#[derive(Debug)]
pub struct PendingModified {
    pub line: u64,
    pub resource: String,
    pub test: String,
    /// The method running when it was printed.
    pub method: Option<String>,
    pub before: Option<Vec<u8>>,
    /// The `Before:` or `After:` value was cut (`LINE_CAP`).
    pub is_cut: bool,
}

/// The progress counter `[IDX/TOTAL/FAILS]` and the ELAPSED clock: how the run's next
/// progress line must look to belong to it.
#[derive(Debug, Default)]
pub struct Counter {
    pub total: Option<u64>,
    /// `--forever`: progress lines have no TOTAL.
    pub forever: bool,
    pub last_index: Option<u64>,
    pub last_elapsed: Option<u64>,
}

impl Counter {
    /// Is `p` the next progress line of this run (same TOTAL, a higher index, no earlier
    /// ELAPSED)?
    pub fn continues_with(&self, p: &ProgressLine<'_>) -> bool {
        self.has_same_total(p)
            && self.last_index.is_none_or(|last| p.index > last)
            && self.elapsed_not_before(p.prefix)
            && !self.is_padded_wider(p)
    }

    /// An index padded wider than this run's TOTAL is: another run's line (`[  3/1]` of a
    /// `--forever` run after `Run 1 test`). A paste that lost the padding proves nothing.
    fn is_padded_wider(&self, p: &ProgressLine<'_>) -> bool {
        let digits = |n: u64| n.checked_ilog10().map_or(1, |d| d + 1);
        match self.total {
            Some(total) if !self.forever => {
                u32::from(p.index_width) > digits(total).max(digits(p.index))
            }
            _ => false,
        }
    }

    /// Does `p` count against this run's TOTAL (`--forever` runs have none)?
    pub fn has_same_total(&self, p: &ProgressLine<'_>) -> bool {
        let total = if self.forever { None } else { p.total };
        total == self.total
    }

    pub fn elapsed_not_before(&self, prefix: Option<Prefix>) -> bool {
        match (prefix, self.last_elapsed) {
            (Some(p), Some(last)) => p.elapsed >= last,
            _ => true,
        }
    }

    pub fn note(&mut self, prefix: Option<Prefix>) {
        if let Some(p) = prefix {
            self.last_elapsed = Some(p.elapsed);
        }
    }

    /// Does `p` count from below again: its index went back, or its ELAPSED went back to the
    /// first minute (only where ELAPSED is a clock since the start: runs with an M line)?
    pub fn goes_back(&self, p: &ProgressLine<'_>, announced: bool) -> bool {
        // 3.5 and older (no M line) print the wall clock, not ELAPSED: midnight is no restart
        let elapsed_back = match (p.prefix, self.last_elapsed) {
            (Some(now), Some(last)) => announced && now.elapsed < last && now.elapsed < 60,
            _ => false,
        };
        let index_back = self.last_index.is_some_and(|last| p.index < last);
        elapsed_back || index_back
    }
}

/// What method lines said (§10): the module that owns the output where no progress line
/// does (a fragment, a `-v` run), and the method running until its status comes.
#[derive(Debug, Default)]
pub struct UnitOwner {
    pub module: Option<String>,
    /// The description (DESC) of the method running, kept as read: most methods pass, and
    /// their names are never needed. The buffer is reused from one method to the next.
    open_desc: Vec<u8>,
    is_open: bool,
    /// A method line was read in this output: subtests' lines (indented) may follow.
    in_verbose: bool,
    /// The last `Ran N tests` said N was 0.
    pub ran_none: bool,
}

impl UnitOwner {
    /// No method line was read in the output being read.
    pub fn is_idle(&self) -> bool {
        !self.in_verbose
    }

    /// The module of a method line, unless it is the one already known.
    pub fn set_module(&mut self, module: &[u8]) {
        if self.module.as_deref().map(str::as_bytes) != Some(module) {
            self.module = Some(String::from_utf8_lossy(module).into_owned());
        }
        self.in_verbose = true;
    }

    pub fn open(&mut self, desc: &[u8]) {
        self.open_desc.clear();
        self.open_desc.extend_from_slice(desc);
        self.is_open = true;
        self.in_verbose = true;
    }

    /// The open method's description, closing it.
    pub fn close(&mut self) -> Option<&[u8]> {
        std::mem::take(&mut self.is_open).then_some(self.open_desc.as_slice())
    }

    /// `Class.test_m` of the open method.
    pub fn open_method(&self) -> Option<String> {
        self.is_open
            .then(|| desc(&self.open_desc).and_then(|d| d.method()))
            .flatten()
    }
}

/// A method whose status said it failed, waiting for its U2 block and the reason in it.
#[derive(Debug)]
pub struct FailedMethod {
    pub desc: String,
    pub method: Option<String>,
    pub status: MethodStatus,
    pub test: Option<String>,
    pub line: u64,
}

/// At most this many failing methods wait for their U2 block at a time.
const WAITING_MAX: usize = 1024;

/// Failing methods waiting for their U2 block, found by description. Past `WAITING_MAX` a
/// failing method is not kept: its U2 block alone records it (without a block, it is lost).
#[derive(Debug, Default)]
pub struct WaitingMethods {
    /// In the order their statuses came; a taken one leaves `None`.
    slots: Vec<Option<FailedMethod>>,
    by_desc: rustc_hash::FxHashMap<String, Vec<usize>>,
}

impl WaitingMethods {
    pub fn push(&mut self, m: FailedMethod) {
        if self.slots.len() < WAITING_MAX {
            self.by_desc
                .entry(m.desc.clone())
                .or_default()
                .push(self.slots.len());
            self.slots.push(Some(m));
        }
    }

    /// The first one waiting with this description.
    pub fn take(&mut self, desc: &str) -> Option<FailedMethod> {
        let at = self.by_desc.get_mut(desc)?;
        let slot = (!at.is_empty()).then(|| at.remove(0))?;
        self.slots[slot].take()
    }

    /// Every one still waiting, in the order their statuses came.
    pub fn drain(&mut self) -> impl Iterator<Item = FailedMethod> + use<> {
        self.by_desc.clear();
        std::mem::take(&mut self.slots).into_iter().flatten()
    }
}

/// The reader's position in the run.
#[derive(Debug, Default)]
pub struct Cursor {
    pub stage: Stage,
    pub mode: Mode,
    pub counter: Counter,
    pub owner: Option<TestOwner>,
    /// The summary list whose items are being read.
    pub list: Option<ListKind>,
    pub pending_modified: Option<PendingModified>,
    /// The last test of a sequential run, silent when the summary began, and that line.
    pub silent_last: Option<(String, u64)>,
    /// What method lines said in the output being read.
    pub unit: UnitOwner,
    /// Methods that failed and wait for their U2 block.
    pub failed_methods: WaitingMethods,
    /// The line before was a U2 rule: a `FAIL: …` line can only be a U2 header right after
    /// one (a test may print `ERROR: could not connect` anywhere).
    pub after_rule: bool,
    /// A traceback or faulthandler dump being read for its reason.
    pub reading: Reading,
    /// Outcome events of the test whose output is being read: its reason may come after them.
    pub held: Vec<Event>,
    /// An event of another test was held: release after this line.
    pub release_held: bool,
    /// In a sequential run, the test a warning named while no progress line had: the one
    /// that was running, in a log that begins in the middle of it.
    pub running_hint: Option<String>,
}

impl Cursor {
    pub fn phase(&self) -> Phase {
        self.stage.phase()
    }

    pub fn owner_test(&self) -> Option<&str> {
        self.owner.as_ref().map(|o| o.test.as_str())
    }

    /// Which owner (by the line its output began): a different value is another test's output.
    pub fn owner_since(&self) -> Option<u64> {
        self.owner.as_ref().map(|o| o.since)
    }

    /// The test the output being read belongs to: its progress line's, else the module of
    /// the last method line.
    pub fn output_test(&self) -> Option<&str> {
        self.owner_test().or(self.unit.module.as_deref())
    }

    pub fn set_owner(&mut self, test: &[u8], since: u64, prefix: Option<Prefix>) {
        self.owner = Some(TestOwner {
            test: String::from_utf8_lossy(test).into_owned(),
            since,
            prefix,
        });
    }

    /// A main-process line (heartbeat, bare PREFIX, `Kill <…>`) ends a worker block.
    pub fn end_worker_block(&mut self) {
        if self.mode.is_parallel() {
            self.owner = None;
        }
    }

    /// The silent last test, unless it is `test`: the summary named it.
    pub fn forget_silent_last(&mut self, test: &str) {
        if self.silent_last.as_ref().is_some_and(|(t, _)| t == test) {
            self.silent_last = None;
        }
    }
}
