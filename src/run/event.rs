//! One row of `flakelog events`.

use serde::Serialize;

/// Which pass of a run a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    #[default]
    Main,
    Rerun,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Main => "main",
            Phase::Rerun => "rerun",
        }
    }
}

/// An event found in a log; owned, so it can leave the worker that parsed it. It travels with
/// its run's `RunInfo` (run index, python, builder, …); the output layer adds the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// 1-based line number in the decompressed source.
    pub line: u64,
    pub phase: Phase,
    pub test: Option<String>,
    /// One word of the vocabulary in README.md (`failed`, `modified`, `refleak`, …).
    pub kind: &'static str,
    pub resource: Option<String>,
    pub count: Option<i64>,
    pub detail: Option<String>,
    /// Seconds from the line's ELAPSED prefix.
    pub elapsed: Option<u64>,
    pub load_avg: Option<f64>,
    /// The tests of the progress line's `-- running:` suffix, `;`-separated.
    pub running: Option<String>,
}

impl Event {
    /// Say in `detail` that the line this came from was cut to `LINE_CAP` bytes.
    pub fn note_cut(&mut self) {
        let note = format!("[line cut at {} MiB]", crate::input::lines::LINE_CAP >> 20);
        self.detail = Some(match self.detail.take() {
            Some(d) if !d.is_empty() => format!("{d} {note}"),
            _ => note,
        });
    }
}

/// The `kind` vocabulary of README.md, in its three groups.
pub mod kinds {
    /// A test file's result in a phase (`Outcome::kind`).
    pub const OUTCOMES: [&str; 10] = [
        "passed",
        "failed",
        "env_changed",
        "skipped",
        "resource_denied",
        "ran_no_tests",
        "interrupted",
        "crashed",
        "timed_out",
        "worker_bug",
    ];
    /// Derived at the end of a run.
    pub const DERIVED: [&str; 1] = ["flaky"];
    /// Warnings and leaks.
    pub const WARNINGS: [&str; 15] = [
        "modified",
        "dangling_thread",
        "dangling_process",
        "reap_children",
        "threading_cleanup",
        "uncollectable",
        "leaked_temp_files",
        "left_behind",
        "unraisable",
        "uncaught_thread_exception",
        "manager_children",
        "refleak",
        "refleak_fine",
        "timeout",
        "fatal_error",
    ];

    /// Every kind, in the order above.
    pub fn all() -> impl Iterator<Item = &'static str> {
        OUTCOMES.into_iter().chain(DERIVED).chain(WARNINGS)
    }

    #[cfg(test)]
    mod tests {
        use crate::grammar::progress::Outcome;

        #[test]
        fn outcomes_are_the_outcome_words() {
            let all = [
                Outcome::Passed,
                Outcome::Failed,
                Outcome::EnvChanged,
                Outcome::Skipped,
                Outcome::ResourceDenied,
                Outcome::RanNoTests,
                Outcome::Interrupted,
                Outcome::Crashed,
                Outcome::TimedOut,
                Outcome::WorkerBug,
            ];
            assert_eq!(all.map(Outcome::kind), super::OUTCOMES);
            assert_eq!(super::all().count(), 26);
        }
    }
}
