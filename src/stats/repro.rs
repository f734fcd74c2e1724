//! `repro`: the command that reproduces what a `stats` row counts, after the recipes of the
//! developer guide's "Unstable tests" page (`unstable-tests.rst`): run the failing method in a
//! loop until it fails, hunt an environment change with `--fail-env-changed` and many jobs,
//! bisect a test file whose cases leak, hunt a refleak with `-R 3:3`, and run a crash or a hang
//! with the timeout the log had.

use crate::kind::Kind;

/// What a row says that decides its command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding<'a> {
    pub test: &'a str,
    pub kind: Kind,
    /// `Class.test_method` the row's events happened in, or that its test's methods failed in.
    pub method: Option<&'a str>,
    /// The timeout the runs had, in seconds.
    pub timeout_s: Option<u64>,
}

/// A name that goes on a command line as it is: `test_os`, `test_asyncio.test_tasks`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// `-m test_m` for `Class.test_m` (regrtest matches a method by its name).
fn match_option(method: Option<&str>) -> String {
    method
        .map(|m| m.rsplit('.').next().unwrap_or(m))
        .filter(|m| is_plain_name(m))
        .map(|m| format!(" -m {m}"))
        .unwrap_or_default()
}

/// The command for `f`, or `None` where there is nothing to reproduce (a pass, a skip) or the
/// test's name is not one a command line can take as it is.
pub fn repro(f: &Finding<'_>) -> Option<String> {
    let test = f.test;
    if !is_plain_name(test) {
        return None;
    }
    let m = match_option(f.method);
    let timeout = f
        .timeout_s
        .map(|s| format!(" --timeout {s}"))
        .unwrap_or_default();
    Some(match f.kind {
        // a failing or flaky method: run it until it fails
        Kind::Failed
        | Kind::Flaky
        | Kind::MethodFailed
        | Kind::MethodError
        | Kind::MethodUnexpectedSuccess
        | Kind::MethodFlaky => format!("./python -m test {test}{m} -v -F"),
        // what a test file leaves behind: bisect its cases, unless the method is known
        Kind::Modified | Kind::DanglingProcess if m.is_empty() => {
            let refleak = if f.kind == Kind::DanglingProcess {
                " -R 3:3"
            } else {
                ""
            };
            format!(
                "./python -m test {test} --list-cases > cases && ./python -m test.bisect_cmd \
                 -i cases -o bisect1 -n 5 -N 500 {test}{refleak} --fail-env-changed"
            )
        }
        Kind::Modified | Kind::DanglingProcess => {
            format!("./python -m test {test}{m} --fail-env-changed -F")
        }
        // the environment changed: in a loop, with many jobs for the race
        Kind::EnvChanged
        | Kind::ReapChildren
        | Kind::DanglingThread
        | Kind::ThreadingCleanup
        | Kind::Uncollectable
        | Kind::LeakedTempFiles
        | Kind::LeftBehind
        | Kind::Unraisable
        | Kind::UncaughtThreadException
        | Kind::ManagerChildren => format!("./python -m test {test}{m} --fail-env-changed -F -j10"),
        Kind::Refleak => format!("./python -m test {test} -R 3:3{m}"),
        // a crash or a hang: verbose, with the timeout the log had
        Kind::Crashed | Kind::TimedOut | Kind::FatalError | Kind::Timeout => {
            format!("./python -m test {test}{m} -v{timeout}")
        }
        Kind::Passed
        | Kind::Skipped
        | Kind::ResourceDenied
        | Kind::RanNoTests
        | Kind::Interrupted
        | Kind::WorkerBug
        | Kind::RefleakFine => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(test: &str, kind: Kind, method: Option<&str>, timeout_s: Option<u64>) -> Option<String> {
        repro(&Finding {
            test,
            kind,
            method,
            timeout_s,
        })
    }

    #[test]
    fn each_recipe_of_the_unstable_tests_page() {
        assert_eq!(
            r(
                "test_asyncio",
                Kind::MethodFlaky,
                Some("RunCoroutineThreadsafeTests.test_run_coroutine_threadsafe_with_timeout"),
                None
            )
            .as_deref(),
            Some(
                "./python -m test test_asyncio -m test_run_coroutine_threadsafe_with_timeout -v -F"
            )
        );
        assert_eq!(
            r("test_os", Kind::Failed, None, None).as_deref(),
            Some("./python -m test test_os -v -F")
        );
        assert_eq!(
            r("test_concurrent_futures", Kind::ReapChildren, None, None).as_deref(),
            Some("./python -m test test_concurrent_futures --fail-env-changed -F -j10")
        );
        assert_eq!(
            r(
                "test_multiprocessing_spawn",
                Kind::DanglingProcess,
                None,
                None
            )
            .as_deref(),
            Some(
                "./python -m test test_multiprocessing_spawn --list-cases > cases && ./python -m \
                 test.bisect_cmd -i cases -o bisect1 -n 5 -N 500 test_multiprocessing_spawn -R \
                 3:3 --fail-env-changed"
            )
        );
        assert_eq!(
            r("test_x", Kind::Modified, Some("T.test_y"), None).as_deref(),
            Some("./python -m test test_x -m test_y --fail-env-changed -F")
        );
        assert_eq!(
            r("test_x", Kind::Refleak, Some("T.test_y"), None).as_deref(),
            Some("./python -m test test_x -R 3:3 -m test_y")
        );
        assert_eq!(
            r(
                "test_signal",
                Kind::Timeout,
                Some("StressTest.test_stress"),
                Some(900)
            )
            .as_deref(),
            Some("./python -m test test_signal -m test_stress -v --timeout 900")
        );
        assert_eq!(
            r("test_x", Kind::Crashed, None, None).as_deref(),
            Some("./python -m test test_x -v")
        );
    }

    #[test]
    fn nothing_to_reproduce_or_no_plain_name() {
        assert_eq!(r("test_x", Kind::Passed, None, None), None);
        assert_eq!(r("test_x", Kind::Skipped, None, None), None);
        assert_eq!(r("", Kind::Failed, None, None), None);
        assert_eq!(r("<regrtest worker>", Kind::Failed, None, None), None);
        assert_eq!(r("test_x; rm -rf ~", Kind::Failed, None, None), None);
        // a method name that is not plain is left out, the rest stays
        assert_eq!(
            r("test_x", Kind::MethodFailed, Some("T.test y"), None).as_deref(),
            Some("./python -m test test_x -v -F")
        );
    }
}
