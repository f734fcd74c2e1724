//! `context`: what was around a test when it failed. Per test: its runs by month and by
//! builder (failed, flaky, env changed), the load average its progress lines showed when it
//! failed against when it passed, and the tests `running:` alongside it, with their lift: how
//! much more often a neighbour is there when the test fails than when it runs at all.
//!
//! Every tally is an integer (loads in hundredths), so merging in any order gives the same
//! numbers and the same output.

use super::test_name;
use crate::kind::Kind;
use crate::run::RunInfo;
use crate::run::digest::RunDigest;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// Load averages summed in hundredths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadTally {
    pub sum_centi: u64,
    pub n: u64,
}

impl LoadTally {
    fn add(&mut self, centi: Option<u64>) {
        if let Some(c) = centi {
            self.sum_centi += c;
            self.n += 1;
        }
    }

    fn merge(&mut self, other: LoadTally) {
        self.sum_centi += other.sum_centi;
        self.n += other.n;
    }

    /// The mean, to two decimals (as regrtest prints it).
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| (self.sum_centi as f64 / self.n as f64).round() / 100.0)
    }
}

/// A test's runs, and in how many it failed, flaked or changed the environment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TestRuns {
    pub runs: u64,
    pub failed: u64,
    pub flaky: u64,
    pub env_changed: u64,
}

impl TestRuns {
    fn merge(&mut self, o: TestRuns) {
        self.runs += o.runs;
        self.failed += o.failed;
        self.flaky += o.flaky;
        self.env_changed += o.env_changed;
    }

    /// Runs that failed or flaked.
    pub fn bad(&self) -> u64 {
        self.failed + self.flaky
    }
}

/// How often a neighbour was running alongside the test's failing and passing results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Together {
    pub failing: u64,
    pub passing: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TestContext {
    /// Main-phase results that failed (failed, crashed, timed out) and that passed.
    pub failing: u64,
    pub passing: u64,
    pub load_failing: LoadTally,
    pub load_passing: LoadTally,
    /// Failing and passing results in parallel runs, where `running:` can be printed: the
    /// denominators of lift.
    pub failing_parallel: u64,
    pub passing_parallel: u64,
    pub neighbours: BTreeMap<String, Together>,
    /// By month of the run's date (`YYYY-MM`, or `undated`).
    pub months: BTreeMap<String, TestRuns>,
    /// By builder (empty when unknown).
    pub builders: BTreeMap<String, TestRuns>,
}

/// A neighbour of a test, with its lift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour<'a> {
    pub test: &'a str,
    pub together: Together,
    /// P(running alongside | the test failed) / P(running alongside | the test ran), to two
    /// decimals; `None` without a failing result in a parallel run.
    pub lift: Option<f64>,
}

impl TestContext {
    /// The neighbours of its failing results, highest lift first, then most often together,
    /// then by name.
    pub fn neighbours(&self) -> Vec<Neighbour<'_>> {
        let ran = (self.failing_parallel + self.passing_parallel) as f64;
        let mut v: Vec<Neighbour<'_>> = self
            .neighbours
            .iter()
            .filter(|(_, t)| t.failing > 0)
            .map(|(name, &t)| {
                let with = (t.failing + t.passing) as f64;
                let lift = (self.failing_parallel > 0).then(|| {
                    let when_failing = t.failing as f64 / self.failing_parallel as f64;
                    (when_failing / (with / ran) * 100.0).round() / 100.0
                });
                Neighbour {
                    test: name,
                    together: t,
                    lift,
                }
            })
            .collect();
        v.sort_by(|a, b| {
            b.lift
                .unwrap_or(0.0)
                .total_cmp(&a.lift.unwrap_or(0.0))
                .then(b.together.failing.cmp(&a.together.failing))
                .then(a.test.cmp(b.test))
        });
        v
    }

    /// Its runs, every month together.
    pub fn total(&self) -> TestRuns {
        let mut t = TestRuns::default();
        for m in self.months.values() {
            t.merge(*m);
        }
        t
    }

    fn merge(&mut self, o: TestContext) {
        self.failing += o.failing;
        self.passing += o.passing;
        self.load_failing.merge(o.load_failing);
        self.load_passing.merge(o.load_passing);
        self.failing_parallel += o.failing_parallel;
        self.passing_parallel += o.passing_parallel;
        for (k, t) in o.neighbours {
            let mine = self.neighbours.entry(k).or_default();
            mine.failing += t.failing;
            mine.passing += t.passing;
        }
        for (k, r) in o.months {
            tally(&mut self.months, &k, r);
        }
        for (k, r) in o.builders {
            tally(&mut self.builders, &k, r);
        }
    }
}

/// Add `r` to `key`'s runs, copying the key only the first time.
fn tally(by: &mut BTreeMap<String, TestRuns>, key: &str, r: TestRuns) {
    match by.get_mut(key) {
        Some(mine) => mine.merge(r),
        None => {
            by.insert(key.to_string(), r);
        }
    }
}

/// The context of every test.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// Hashed, not sorted: merging thousands of inputs' contexts looks every test up each time.
    pub tests: FxHashMap<String, TestContext>,
    /// Each test's runs by (month, builder), until `settle` hands them to the tests: an input's
    /// runs share one place, so most merges move a place's tests whole instead of tallying
    /// each test's months and builders.
    places: FxHashMap<(String, String), FxHashMap<String, TestRuns>>,
}

impl Context {
    fn test(&mut self, name: &str) -> &mut TestContext {
        if !self.tests.contains_key(name) {
            self.tests.insert(name.to_string(), TestContext::default());
        }
        self.tests.get_mut(name).expect("inserted above")
    }

    /// Count one run.
    pub fn add_run(&mut self, run: &RunInfo, digest: &RunDigest) {
        let month = run
            .date
            .as_deref()
            .and_then(|d| d.get(..7))
            .unwrap_or("undated");
        let builder = run.builder.as_deref().unwrap_or("");
        // a digest holds a key per test, kind, method and reason: thousands a run
        let mut in_run: FxHashMap<&str, TestRuns> = FxHashMap::default();
        for key in digest.keys.keys() {
            let Some(test) = key.test.as_deref() else {
                continue;
            };
            let r = in_run.entry(test_name(test)).or_default();
            r.runs = 1;
            match key.kind {
                Kind::Flaky => r.flaky = 1,
                Kind::Failed | Kind::Crashed | Kind::TimedOut => r.failed = 1,
                Kind::EnvChanged => r.env_changed = 1,
                _ => {}
            }
        }
        let place = self
            .places
            .entry((month.to_string(), builder.to_string()))
            .or_default();
        for (test, mut r) in in_run {
            // a flaky test failed first: it counts once, as flaky
            if r.flaky > 0 {
                r.failed = 0;
            }
            match place.get_mut(test) {
                Some(mine) => mine.merge(r),
                None => {
                    place.insert(test.to_string(), r);
                }
            }
        }
        let parallel = run.mode == Some("parallel");
        for seen in &digest.results {
            let name = test_name(&seen.test);
            let t = self.test(name);
            if seen.failing {
                t.failing += 1;
                t.load_failing.add(seen.load_centi);
                t.failing_parallel += u64::from(parallel);
            } else {
                t.passing += 1;
                t.load_passing.add(seen.load_centi);
                t.passing_parallel += u64::from(parallel);
            }
            let Some(running) = seen.running.as_deref().filter(|_| parallel) else {
                continue;
            };
            for neighbour in running.split(';').map(test_name) {
                if neighbour.is_empty() || neighbour == name {
                    continue;
                }
                let together = match t.neighbours.get_mut(neighbour) {
                    Some(n) => n,
                    None => t.neighbours.entry(neighbour.to_string()).or_default(),
                };
                if seen.failing {
                    together.failing += 1;
                } else {
                    together.passing += 1;
                }
            }
        }
    }

    /// Hand each test its runs by month and by builder (`TestContext::months`, `builders`):
    /// once, after the last merge.
    pub fn settle(&mut self) {
        for ((month, builder), tests) in std::mem::take(&mut self.places) {
            for (test, r) in tests {
                let t = self.test(&test);
                tally(&mut t.months, &month, r);
                tally(&mut t.builders, &builder, r);
            }
        }
    }

    pub fn merge(&mut self, other: Context) {
        for (place, tests) in other.places {
            match self.places.get_mut(&place) {
                Some(mine) => {
                    for (test, r) in tests {
                        match mine.get_mut(&test) {
                            Some(m) => m.merge(r),
                            None => {
                                mine.insert(test, r);
                            }
                        }
                    }
                }
                None => {
                    self.places.insert(place, tests);
                }
            }
        }
        for (name, t) in other.tests {
            match self.tests.get_mut(&name) {
                Some(mine) => mine.merge(t),
                None => {
                    self.tests.insert(name, t);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::digest::ResultSeen;
    use crate::run::{Event, Phase};

    fn result(test: &str, failing: bool, load: Option<u64>, running: &str) -> ResultSeen {
        ResultSeen {
            test: test.into(),
            failing,
            load_centi: load,
            running: (!running.is_empty()).then(|| running.into()),
        }
    }

    fn parallel_run(month: &str) -> RunInfo {
        RunInfo {
            builder: Some("bot".into()),
            date: Some(format!("{month}-03 10:00:00")),
            mode: Some("parallel"),
            ..RunInfo::default()
        }
    }

    /// A digest with an event for each result (and the results as given).
    fn digest(results: Vec<ResultSeen>) -> RunDigest {
        let mut d = RunDigest::default();
        for r in &results {
            let kind = if r.failing {
                Kind::Failed
            } else {
                Kind::Passed
            };
            d.add(&Event::new(1, Phase::Main, kind, Some(r.test.clone())));
        }
        d.results = results;
        d
    }

    #[test]
    fn lift_singles_out_the_neighbour_of_failures() {
        let mut c = Context::default();
        // test_a fails twice with test_gdb running, passes twice without it, and test_os
        // runs alongside it every time
        for (failing, running) in [
            (true, "test_gdb;test_os"),
            (true, "test_gdb;test_os"),
            (false, "test_os"),
            (false, "test_os"),
        ] {
            c.add_run(
                &parallel_run("2024-03"),
                &digest(vec![result(
                    "test_a",
                    failing,
                    Some(if failing { 350 } else { 100 }),
                    running,
                )]),
            );
        }
        c.settle();
        let t = &c.tests["test_a"];
        assert_eq!((t.failing, t.passing), (2, 2));
        assert_eq!(
            (t.load_failing.mean(), t.load_passing.mean()),
            (Some(3.5), Some(1.0))
        );
        let n: Vec<(&str, u64, u64, Option<f64>)> = t
            .neighbours()
            .iter()
            .map(|n| (n.test, n.together.failing, n.together.passing, n.lift))
            .collect();
        // test_gdb: always there when it fails (2/2), there in 2 of its 4 results: lift 2
        assert_eq!(
            n,
            vec![("test_gdb", 2, 0, Some(2.0)), ("test_os", 2, 2, Some(1.0))]
        );
        assert_eq!(
            t.months["2024-03"],
            TestRuns {
                runs: 4,
                failed: 2,
                flaky: 0,
                env_changed: 0
            }
        );
    }

    #[test]
    fn sequential_runs_give_no_neighbours_and_merging_is_exact() {
        let mut a = Context::default();
        let mut seq = parallel_run("2024-01");
        seq.mode = Some("sequential");
        a.add_run(
            &seq,
            &digest(vec![result("test.test_a", true, Some(101), "test_b")]),
        );
        let mut b = Context::default();
        b.add_run(
            &parallel_run("2024-02"),
            &digest(vec![result("test_a", false, Some(202), "test_b")]),
        );
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.merge(b);
        ba.merge(a);
        ab.settle();
        ba.settle();
        assert_eq!(ab, ba);
        let t = &ab.tests["test_a"];
        assert_eq!((t.failing_parallel, t.passing_parallel), (0, 1));
        assert!(t.neighbours().is_empty());
        assert_eq!(t.total().runs, 2);
        assert_eq!(t.load_failing.mean(), Some(1.01));
    }
}
