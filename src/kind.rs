//! The `kind` vocabulary: what an event is. One enum, in one place; its words exist as text
//! only here (`as_str`), at the output edge and on the command line (`--kind`).

/// What happened, in the four groups README.md lists: a test file's outcome in a phase, a
/// method's failure, what is derived at the end of a run, and warnings or leaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    // outcomes of a test file, one per phase
    Passed,
    Failed,
    EnvChanged,
    Skipped,
    ResourceDenied,
    RanNoTests,
    Interrupted,
    Crashed,
    TimedOut,
    WorkerBug,
    // outcomes of one test method (verbose output, failure blocks)
    MethodFailed,
    MethodError,
    MethodUnexpectedSuccess,
    // derived at the end of a run
    Flaky,
    MethodFlaky,
    // warnings and leaks
    Modified,
    DanglingThread,
    DanglingProcess,
    ReapChildren,
    ThreadingCleanup,
    Uncollectable,
    LeakedTempFiles,
    LeftBehind,
    Unraisable,
    UncaughtThreadException,
    ManagerChildren,
    Refleak,
    RefleakFine,
    Timeout,
    FatalError,
}

/// The four groups of the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindGroup {
    Outcome,
    Method,
    Derived,
    Warning,
}

impl Kind {
    /// Every kind, in README.md's order.
    pub const ALL: [Kind; 30] = [
        Kind::Passed,
        Kind::Failed,
        Kind::EnvChanged,
        Kind::Skipped,
        Kind::ResourceDenied,
        Kind::RanNoTests,
        Kind::Interrupted,
        Kind::Crashed,
        Kind::TimedOut,
        Kind::WorkerBug,
        Kind::MethodFailed,
        Kind::MethodError,
        Kind::MethodUnexpectedSuccess,
        Kind::Flaky,
        Kind::MethodFlaky,
        Kind::Modified,
        Kind::DanglingThread,
        Kind::DanglingProcess,
        Kind::ReapChildren,
        Kind::ThreadingCleanup,
        Kind::Uncollectable,
        Kind::LeakedTempFiles,
        Kind::LeftBehind,
        Kind::Unraisable,
        Kind::UncaughtThreadException,
        Kind::ManagerChildren,
        Kind::Refleak,
        Kind::RefleakFine,
        Kind::Timeout,
        Kind::FatalError,
    ];

    /// The `kind` column value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Passed => "passed",
            Kind::Failed => "failed",
            Kind::EnvChanged => "env_changed",
            Kind::Skipped => "skipped",
            Kind::ResourceDenied => "resource_denied",
            Kind::RanNoTests => "ran_no_tests",
            Kind::Interrupted => "interrupted",
            Kind::Crashed => "crashed",
            Kind::TimedOut => "timed_out",
            Kind::WorkerBug => "worker_bug",
            Kind::MethodFailed => "method_failed",
            Kind::MethodError => "method_error",
            Kind::MethodUnexpectedSuccess => "method_unexpected_success",
            Kind::Flaky => "flaky",
            Kind::MethodFlaky => "method_flaky",
            Kind::Modified => "modified",
            Kind::DanglingThread => "dangling_thread",
            Kind::DanglingProcess => "dangling_process",
            Kind::ReapChildren => "reap_children",
            Kind::ThreadingCleanup => "threading_cleanup",
            Kind::Uncollectable => "uncollectable",
            Kind::LeakedTempFiles => "leaked_temp_files",
            Kind::LeftBehind => "left_behind",
            Kind::Unraisable => "unraisable",
            Kind::UncaughtThreadException => "uncaught_thread_exception",
            Kind::ManagerChildren => "manager_children",
            Kind::Refleak => "refleak",
            Kind::RefleakFine => "refleak_fine",
            Kind::Timeout => "timeout",
            Kind::FatalError => "fatal_error",
        }
    }

    /// The kind a column value names.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub const fn group(self) -> KindGroup {
        match self {
            Kind::Passed
            | Kind::Failed
            | Kind::EnvChanged
            | Kind::Skipped
            | Kind::ResourceDenied
            | Kind::RanNoTests
            | Kind::Interrupted
            | Kind::Crashed
            | Kind::TimedOut
            | Kind::WorkerBug => KindGroup::Outcome,
            Kind::MethodFailed | Kind::MethodError | Kind::MethodUnexpectedSuccess => {
                KindGroup::Method
            }
            Kind::Flaky | Kind::MethodFlaky => KindGroup::Derived,
            _ => KindGroup::Warning,
        }
    }

    /// A test file's result in a phase.
    pub fn is_outcome(self) -> bool {
        self.group() == KindGroup::Outcome
    }

    /// A warning or leak.
    pub fn is_warning(self) -> bool {
        self.group() == KindGroup::Warning
    }

    /// An outcome that is a failure of the run: what `failed`, `failed again` and the
    /// corpus's failure precision count (`interrupted` and `worker_bug` included).
    pub fn is_failure_outcome(self) -> bool {
        matches!(
            self,
            Kind::Failed
                | Kind::EnvChanged
                | Kind::Crashed
                | Kind::TimedOut
                | Kind::Interrupted
                | Kind::WorkerBug
        )
    }

    /// A method's failure (`method_failed`, `method_error`, `method_unexpected_success`).
    pub fn is_method_failure(self) -> bool {
        self.group() == KindGroup::Method
    }

    /// Kinds whose events may say why (`reason`): failures, crashes, timeouts, flakiness.
    pub fn carries_reason(self) -> bool {
        matches!(
            self,
            Kind::Failed
                | Kind::Crashed
                | Kind::TimedOut
                | Kind::MethodFailed
                | Kind::MethodError
                | Kind::MethodUnexpectedSuccess
                | Kind::Flaky
                | Kind::MethodFlaky
                | Kind::Timeout
                | Kind::FatalError
        )
    }

    /// How serious an event of this kind is, most serious first: what a table shows first
    /// (crashes and timeouts, failures, flakiness, env changes, leaks, then the rest).
    pub fn severity(self) -> u8 {
        match self {
            Kind::Crashed | Kind::TimedOut | Kind::WorkerBug | Kind::FatalError | Kind::Timeout => {
                0
            }
            Kind::Failed | Kind::MethodFailed | Kind::MethodError | Kind::Interrupted => 1,
            Kind::Flaky | Kind::MethodFlaky | Kind::MethodUnexpectedSuccess => 2,
            Kind::EnvChanged => 3,
            k if k.is_warning() => 4,
            _ => 5,
        }
    }

    /// Kinds whose events name leaked objects (`top_leaked`).
    pub fn names_leaked_objects(self) -> bool {
        matches!(
            self,
            Kind::Modified | Kind::DanglingThread | Kind::DanglingProcess | Kind::ManagerChildren
        )
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--kind`: clap checks the value against the vocabulary and lists it on a mistake.
impl clap::ValueEnum for Kind {
    fn value_variants<'a>() -> &'a [Self] {
        &Kind::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// What `--kind` names: one kind, or a group of them a user asks about as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindSelector {
    One(Kind),
    /// Every warning and leak kind.
    Leaks,
    /// Thread leaks, whatever form regrtest gave them: `dangling_thread`,
    /// `threading_cleanup`, and `modified` of `threading._dangling`.
    Threads,
    /// Failure outcomes of a test file or a method, and flakiness.
    Failures,
    /// Every kind, `passed` included (`stats` leaves `passed` out otherwise).
    All,
}

impl KindSelector {
    const GROUPS: [(KindSelector, &'static str); 4] = [
        (KindSelector::Leaks, "leaks"),
        (KindSelector::Threads, "threads"),
        (KindSelector::Failures, "failures"),
        (KindSelector::All, "all"),
    ];

    /// Does an event of `kind` about `resource` belong?
    pub fn matches(self, kind: Kind, resource: Option<&str>) -> bool {
        match self {
            KindSelector::One(k) => k == kind,
            KindSelector::Leaks => kind.is_warning(),
            KindSelector::Threads => match kind {
                Kind::DanglingThread | Kind::ThreadingCleanup => true,
                Kind::Modified => resource == Some("threading._dangling"),
                _ => false,
            },
            KindSelector::Failures => {
                kind.is_failure_outcome()
                    || kind.is_method_failure()
                    || kind.group() == KindGroup::Derived
            }
            KindSelector::All => true,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            KindSelector::One(k) => k.as_str(),
            group => Self::GROUPS
                .iter()
                .find(|(g, _)| *g == group)
                .map_or("", |(_, name)| name),
        }
    }
}

/// `--kind`: a kind or a group; clap checks the value and lists them all on a mistake.
impl clap::ValueEnum for KindSelector {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::LazyLock<Vec<KindSelector>> = std::sync::LazyLock::new(|| {
            Kind::ALL
                .into_iter()
                .map(KindSelector::One)
                .chain(KindSelector::GROUPS.map(|(g, _)| g))
                .collect()
        });
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.as_str()), Some(k));
        }
        let names: std::collections::BTreeSet<&str> =
            Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), Kind::ALL.len());
        assert_eq!(Kind::from_name("modifed"), None);
    }

    #[test]
    fn groups_partition_the_vocabulary() {
        let count = |g| Kind::ALL.iter().filter(|k| k.group() == g).count();
        assert_eq!(
            (
                count(KindGroup::Outcome),
                count(KindGroup::Method),
                count(KindGroup::Derived),
                count(KindGroup::Warning)
            ),
            (10, 3, 2, 15)
        );
        // the order of ALL is the groups' order
        let groups: Vec<KindGroup> = Kind::ALL.iter().map(|k| k.group()).collect();
        let mut sorted = groups.clone();
        sorted.sort_by_key(|g| *g as u8);
        assert_eq!(groups, sorted);
        assert!(Kind::Interrupted.is_failure_outcome() && !Kind::Passed.is_failure_outcome());
    }

    #[test]
    fn clap_accepts_the_words_and_nothing_else() {
        use clap::ValueEnum;
        assert_eq!(Kind::from_str("env_changed", false), Ok(Kind::EnvChanged));
        assert!(Kind::from_str("modifed", false).is_err());
    }

    #[test]
    fn groups_select_what_their_names_say() {
        use KindSelector as S;
        assert!(S::Threads.matches(Kind::DanglingThread, None));
        assert!(S::Threads.matches(Kind::Modified, Some("threading._dangling")));
        assert!(!S::Threads.matches(Kind::Modified, Some("os.environ")));
        assert!(!S::Threads.matches(Kind::DanglingProcess, None));
        assert!(S::Leaks.matches(Kind::Refleak, None) && !S::Leaks.matches(Kind::Failed, None));
        assert!(
            S::Failures.matches(Kind::Flaky, None) && S::Failures.matches(Kind::MethodError, None)
        );
        assert!(!S::Failures.matches(Kind::Skipped, None));
        assert!(S::All.matches(Kind::Passed, None));
        let names: Vec<&str> = <S as clap::ValueEnum>::value_variants()
            .iter()
            .map(|s| s.name())
            .collect();
        assert!(names.contains(&"threads") && names.contains(&"modified"));
        assert_eq!(names.len(), Kind::ALL.len() + 4);
    }
}
