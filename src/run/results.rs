//! Each test file's results in one run: what its lines said in each phase, and what the end
//! of the run implies (results only a summary gave, re-run results, flaky tests).

use super::event::{Detail, Event, Phase};
use crate::grammar::{prefix::Prefix, progress::Outcome};
use crate::kind::Kind;

/// What said why a test failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonFrom {
    /// A traceback: after T2/T3, or in a method's U2 block.
    Traceback,
    /// faulthandler: `Timeout (…)!`, `Fatal Python error: …`, and where.
    Faulthandler,
}

/// Why a test failed in one phase, by what said so; the first of each kind is kept.
#[derive(Debug, Default)]
struct Reasons {
    traceback: Option<String>,
    faulthandler: Option<String>,
}

/// At most this many methods are remembered per test and list, for `method_flaky`.
const METHODS_MAX: usize = 256;

/// What a run said of a test's methods, for `method_flaky`.
#[derive(Debug, Default)]
struct MethodNotes {
    /// `Class.test_m` that failed in the main phase, and why.
    failed_main: Vec<(String, Option<String>)>,
    /// The names a re-run matched (`matching: test_a, test_b`): what failed before.
    matching: Vec<String>,
    /// `Class.test_m` that passed in the re-run, and where.
    passed_rerun: Vec<(String, u64)>,
}

/// The name of a method without its class.
fn bare_method(method: &str) -> &str {
    method.rsplit('.').next().unwrap_or(method)
}

fn push_capped<T>(v: &mut Vec<T>, item: T) {
    if v.len() < METHODS_MAX {
        v.push(item);
    }
}

/// What the lines of a run said about one test file.
#[derive(Debug, Default)]
struct TestState {
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
    /// A pass no line said, in each phase (main, re-run): the next progress line came and
    /// the test had no verdict. Any verdict, list or hint that says otherwise wins.
    silent_pass: [Option<(u64, Option<Prefix>)>; 2],
    /// Why it failed, in each phase; boxed, as most tests pass.
    reasons: [Option<Box<Reasons>>; 2],
    methods: Option<Box<MethodNotes>>,
}

impl TestState {
    fn methods(&mut self) -> &mut MethodNotes {
        self.methods.get_or_insert_default()
    }
}

fn slot(phase: Phase) -> usize {
    match phase {
        Phase::Main => 0,
        Phase::Rerun => 1,
    }
}

/// The test files of one run, by name. Hashed (looked up on every progress line); iterated in
/// name order, so that what is derived from them comes out the same way every time.
#[derive(Debug, Default)]
pub struct TestResults {
    tests: hashbrown::HashMap<String, TestState, rustc_hash::FxBuildHasher>,
    /// Progress lines carried results: the era prints them, so silence is not a pass.
    progress_has_results: bool,
}

/// Where derived events go, as they are derived (a run may derive hundreds of thousands).
struct Derived<F: FnMut(Event)>(F);

impl<F: FnMut(Event)> Derived<F> {
    fn push(&mut self, e: Event) {
        (self.0)(e)
    }
}

/// Counts of main-phase results, for the `runs` table.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub run: u64,
    pub failed: u64,
    pub env_changed: u64,
    pub skipped: u64,
    pub rerun: u64,
}

impl TestResults {
    pub fn is_empty(&self) -> bool {
        self.tests.is_empty()
    }

    /// One hash, and an allocation only for a test not seen before.
    fn test(&mut self, name: &str) -> &mut TestState {
        self.tests.entry_ref(name).or_default()
    }

    fn by_name(&self) -> Vec<(&String, &TestState)> {
        let mut v: Vec<_> = self.tests.iter().collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// The test's progress line, at `line`.
    pub fn seen(&mut self, name: &str, line: u64) {
        self.test(name).seen.get_or_insert(line);
    }

    /// A progress line carried a result.
    pub fn note_progress_result(&mut self) {
        self.progress_has_results = true;
    }

    pub fn record(&mut self, name: &str, phase: Phase, outcome: Outcome, line: u64) {
        let t = self.test(name);
        t.seen.get_or_insert(line);
        match phase {
            Phase::Main => t.main = Some(outcome),
            Phase::Rerun => t.rerun = Some((outcome, line)),
        }
    }

    pub fn has_outcome(&self, name: &str, phase: Phase) -> bool {
        self.tests.get(name).is_some_and(|t| match phase {
            Phase::Main => t.main.is_some(),
            Phase::Rerun => t.rerun.is_some(),
        })
    }

    /// A T1–T3 line: the main-phase outcome if nothing better comes.
    pub fn hint(&mut self, name: &str, outcome: Outcome, line: u64) {
        self.test(name).hint.get_or_insert((outcome, line));
    }

    /// The main phase is over: the hinted outcomes of tests that got none, in name order.
    pub fn unresolved_hints(&self) -> Vec<(String, Outcome, u64)> {
        self.by_name()
            .into_iter()
            .filter(|(_, t)| t.main.is_none())
            .filter_map(|(name, t)| t.hint.map(|(o, line)| (name.clone(), o, line)))
            .collect()
    }

    /// `name` passed in `phase` at `line`, unless something says otherwise before the run ends.
    pub fn silent_pass(&mut self, name: &str, phase: Phase, line: u64, prefix: Option<Prefix>) {
        self.test(name).silent_pass[slot(phase)].get_or_insert((line, prefix));
    }

    pub fn mark_rerun(&mut self, name: &str, line: u64) {
        self.test(name).rerun_marked.get_or_insert(line);
    }

    /// unittest's last word in a main-process re-run, until `failed again` says more.
    pub fn tentative_rerun(&mut self, name: &str, outcome: Outcome, line: u64) {
        let t = self.test(name);
        if t.rerun.is_none() {
            t.rerun_tentative = Some((outcome, line));
        }
    }

    /// A re-run ran no test at all (3.9–3.11.2 keep the previous re-run's `--match`): no
    /// pass, so not flaky.
    pub fn rerun_ran_no_tests(&mut self, name: &str, line: u64) {
        let t = self.test(name);
        if t.rerun.is_none() {
            t.rerun_tentative = Some((Outcome::RanNoTests, line));
        }
    }

    /// Was `name` announced for a re-run?
    pub fn was_rerun(&self, name: &str) -> bool {
        self.tests
            .get(name)
            .is_some_and(|t| t.rerun_marked.is_some() || t.rerun.is_some())
    }

    /// Why `name` failed in `phase`, as `from` said; the first such reason stays.
    pub fn note_reason(&mut self, name: &str, phase: Phase, from: ReasonFrom, reason: &str) {
        let reasons = self.test(name).reasons[slot(phase)].get_or_insert_default();
        let kept = match from {
            ReasonFrom::Traceback => &mut reasons.traceback,
            ReasonFrom::Faulthandler => &mut reasons.faulthandler,
        };
        kept.get_or_insert_with(|| reason.to_string());
    }

    /// The reason for an event of `kind` of `name` in `phase`: a crash or timeout by what
    /// faulthandler said, a failure by its traceback, each else by the other; `flaky` by the
    /// main phase's failure.
    pub fn reason_for(&self, name: &str, phase: Phase, kind: Kind) -> Option<&str> {
        let t = self.tests.get(name)?;
        let phase = if kind == Kind::Flaky {
            Phase::Main
        } else {
            phase
        };
        let r = t.reasons[slot(phase)].as_deref()?;
        let main_kind = match kind {
            Kind::Flaky => t.main.map_or(Kind::Failed, Outcome::kind),
            k => k,
        };
        let (first, second) = match main_kind {
            Kind::Crashed | Kind::TimedOut => (&r.faulthandler, &r.traceback),
            _ => (&r.traceback, &r.faulthandler),
        };
        first.as_deref().or(second.as_deref())
    }

    /// A method of `name` failed in the main phase.
    pub fn method_failed(&mut self, name: &str, method: &str, reason: Option<&str>) {
        let notes = self.test(name).methods();
        if !notes.failed_main.iter().any(|(m, _)| m == method) {
            push_capped(
                &mut notes.failed_main,
                (method.to_string(), reason.map(str::to_string)),
            );
        }
    }

    /// The re-run of `name` matched these method names.
    pub fn rerun_matching<'n>(&mut self, name: &str, methods: impl Iterator<Item = &'n str>) {
        let notes = self.test(name).methods();
        for m in methods {
            if !notes.matching.iter().any(|known| known == m) {
                push_capped(&mut notes.matching, m.to_string());
            }
        }
    }

    /// A method of `name` passed in the re-run: kept when it failed before (or the re-run
    /// matched it), so the methods of a whole re-run test file do not crowd it out.
    pub fn method_passed_in_rerun(&mut self, name: &str, method: &str, line: u64) {
        let Some(notes) = self
            .tests
            .get_mut(name)
            .and_then(|t| t.methods.as_deref_mut())
        else {
            return;
        };
        let failed_before = notes.failed_main.iter().any(|(m, _)| m == method)
            || notes
                .matching
                .iter()
                .any(|m| m == bare_method(method) || m == method);
        if failed_before && !notes.passed_rerun.iter().any(|(m, _)| m == method) {
            push_capped(&mut notes.passed_rerun, (method.to_string(), line));
        }
    }

    pub fn failed_again(&mut self, name: &str) {
        self.test(name).failed_again = true;
    }

    /// What the end of the run implies, as events: silent passes nothing contradicted, passes
    /// of an era whose progress lines carry no result (once a summary was read), the results
    /// of re-run tests that no progress line gave (once the re-run was concluded at
    /// `rerun_concluded`), and flaky tests.
    pub fn derive_at_end(
        &mut self,
        summary_seen: bool,
        rerun_concluded: Option<u64>,
        emit: impl FnMut(Event),
    ) {
        let mut derived = Derived(emit);
        self.settle_silent_passes(&mut derived);
        if summary_seen && !self.progress_has_results {
            self.derive_silent_passes(&mut derived);
        }
        if let Some(concluded) = rerun_concluded {
            self.derive_rerun_results(concluded, &mut derived);
        }
        for (name, t) in self.by_name() {
            if let (Some(main), Some((Outcome::Passed, line))) = (t.main, t.rerun)
                && main.is_failure()
            {
                let mut e = Event::new(line, Phase::Rerun, Kind::Flaky, Some(name.clone()));
                e.detail = Detail::Text(format!("{} then passed", main.kind()));
                e.give_reason(self.reason_for(name, Phase::Main, Kind::Flaky));
                derived.push(e);
            }
            if let Some(notes) = &t.methods {
                let test_reason = self.reason_for(name, Phase::Main, Kind::Failed);
                for e in method_flakes(name, notes, test_reason) {
                    derived.push(e);
                }
            }
        }
    }

    /// A silent pass holds when nothing else gave the test a result in that phase: no
    /// verdict, list or hint, no re-run (the main phase failed), no `failed again`.
    fn settle_silent_passes(&mut self, derived: &mut Derived<impl FnMut(Event)>) {
        let mut names: Vec<&String> = self
            .tests
            .iter()
            .filter(|(_, t)| t.silent_pass.iter().any(Option::is_some))
            .map(|(n, _)| n)
            .collect();
        names.sort_unstable();
        let names: Vec<String> = names.into_iter().cloned().collect();
        for name in names {
            let t = self.test(&name);
            for phase in [Phase::Main, Phase::Rerun] {
                let Some((line, prefix)) = t.silent_pass[slot(phase)] else {
                    continue;
                };
                let contradicted = match phase {
                    Phase::Main => t.main.is_some() || t.rerun_marked.is_some(),
                    Phase::Rerun => t.rerun.is_some() || t.failed_again,
                };
                if contradicted {
                    continue;
                }
                match phase {
                    Phase::Main => t.main = Some(Outcome::Passed),
                    Phase::Rerun => t.rerun = Some((Outcome::Passed, line)),
                }
                let mut e = Event::new(line, phase, Kind::Passed, Some(name.clone()));
                e.elapsed = prefix.map(|p| p.elapsed);
                e.load_avg = prefix.and_then(|p| p.load_avg);
                derived.push(e);
            }
        }
    }

    /// 3.5 and older print no result on progress lines: a test the summary does not list
    /// passed.
    fn derive_silent_passes(&mut self, derived: &mut Derived<impl FnMut(Event)>) {
        let passed: Vec<(String, u64)> = self
            .by_name()
            .into_iter()
            .filter_map(|(name, t)| match (t.main, t.seen, t.rerun_marked) {
                (None, Some(line), None) => Some((name.clone(), line)),
                _ => None,
            })
            .collect();
        for (name, line) in passed {
            self.test(&name).main = Some(Outcome::Passed);
            derived.push(Event::new(line, Phase::Main, Kind::Passed, Some(name)));
        }
    }

    /// A re-run test without a result of its own failed again (if `failed again` lists it),
    /// ended as unittest said, or passed.
    fn derive_rerun_results(&mut self, concluded: u64, derived: &mut Derived<impl FnMut(Event)>) {
        let names: Vec<String> = self
            .by_name()
            .into_iter()
            .filter(|(_, t)| t.rerun_marked.is_some() && t.rerun.is_none())
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            let t = self.test(&name);
            let (outcome, line) = match t.rerun_tentative {
                _ if t.failed_again => (Outcome::Failed, concluded),
                Some((outcome, line)) => (outcome, line),
                None => (Outcome::Passed, concluded),
            };
            t.rerun = Some((outcome, line));
            if t.main.is_none() {
                t.main = Some(Outcome::Failed);
                let marked = t.rerun_marked.unwrap_or(concluded);
                let mut e = Event::new(marked, Phase::Main, Kind::Failed, Some(name.clone()));
                e.give_reason(self.reason_for(&name, Phase::Main, Kind::Failed));
                derived.push(e);
            }
            let reason = self.reason_for(&name, Phase::Rerun, outcome.kind());
            let mut e = Event::new(line, Phase::Rerun, outcome.kind(), None);
            e.give_reason(reason);
            e.test = Some(name);
            derived.push(e);
        }
    }

    /// Main-phase results, counted.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for t in self.tests.values() {
            if t.rerun_marked.is_some() || t.rerun.is_some() {
                tally.rerun += 1;
            }
            let Some(main) = t.main else { continue };
            tally.run += 1;
            match main {
                Outcome::Failed | Outcome::Crashed | Outcome::TimedOut | Outcome::WorkerBug => {
                    tally.failed += 1
                }
                Outcome::EnvChanged => tally.env_changed += 1,
                Outcome::Skipped | Outcome::ResourceDenied => tally.skipped += 1,
                _ => {}
            }
        }
        tally
    }
}

/// Methods that failed in the main phase (or that the re-run matched) and passed in the
/// re-run: `method_flaky`, whatever became of the test file as a whole.
/// Without a reason of its own, a method gets its test's main-phase reason.
fn method_flakes<'a>(
    test: &'a str,
    notes: &'a MethodNotes,
    test_reason: Option<&'a str>,
) -> impl Iterator<Item = Event> + 'a {
    // only methods that failed before were kept as passing in the re-run
    notes.passed_rerun.iter().map(move |(method, line)| {
        let failed = notes.failed_main.iter().find(|(m, _)| m == method);
        let mut e = Event::new(
            *line,
            Phase::Rerun,
            Kind::MethodFlaky,
            Some(test.to_string()),
        );
        e.method = Some(method.clone());
        e.give_reason(failed.and_then(|(_, r)| r.as_deref()).or(test_reason));
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_that_passes_on_rerun_is_flaky() {
        let mut r = TestResults::default();
        r.record("test_a", Phase::Main, Outcome::Failed, 3);
        r.note_progress_result();
        r.mark_rerun("test_a", 10);
        r.record("test_b", Phase::Main, Outcome::EnvChanged, 4);
        r.mark_rerun("test_b", 11);
        r.failed_again("test_b");
        let mut derived = Vec::new();
        r.derive_at_end(true, Some(20), |e| derived.push(e));
        let got: Vec<(u64, Phase, Kind, &str)> = derived
            .iter()
            .map(|e| (e.line, e.phase, e.kind, e.test.as_deref().unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![
                (20, Phase::Rerun, Kind::Passed, "test_a"),
                (20, Phase::Rerun, Kind::Failed, "test_b"),
                (20, Phase::Rerun, Kind::Flaky, "test_a"),
            ]
        );
        assert_eq!(derived[2].detail, Detail::Text("failed then passed".into()));
        let tally = r.tally();
        assert_eq!(
            (tally.run, tally.failed, tally.env_changed, tally.rerun),
            (2, 1, 1, 2)
        );
    }

    #[test]
    fn silent_passes_only_where_progress_lines_carry_no_result() {
        let mut r = TestResults::default();
        r.seen("test_a", 1);
        r.seen("test_b", 2);
        r.record("test_b", Phase::Main, Outcome::Failed, 9);
        let mut derived = Vec::new();
        r.derive_at_end(true, None, |e| derived.push(e));
        assert_eq!(derived.len(), 1);
        assert_eq!((derived[0].line, derived[0].kind), (1, Kind::Passed));
        let mut r = TestResults::default();
        r.seen("test_a", 1);
        r.note_progress_result();
        let mut derived = Vec::new();
        r.derive_at_end(true, None, |e| derived.push(e));
        assert!(derived.is_empty());
    }
}
