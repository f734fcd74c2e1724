//! Run assembly, line by line: small logs and the events they must give.

use crate::leak::Rules;
use crate::scan::scan_bytes;

/// (run, phase, test, kind) of every event.
fn events(log: &str) -> Vec<(u32, &'static str, String, &'static str)> {
    scan_bytes(log.as_bytes(), &Rules::builtin())
        .into_iter()
        .flat_map(|(info, events)| {
            events.into_iter().map(move |e| {
                (
                    info.run,
                    e.phase.name(),
                    e.test.unwrap_or_default(),
                    e.kind.as_str(),
                )
            })
        })
        .collect()
}

fn has(evs: &[(u32, &str, String, &str)], run: u32, phase: &str, test: &str, kind: &str) -> bool {
    evs.iter()
        .any(|e| e.0 == run && e.1 == phase && e.2 == test && e.3 == kind)
}

#[test]
fn sequential_silence_is_a_pass_and_prev_verdicts_go_back() {
    let evs = events(
        "0:00:00 Run tests sequentially\n0:00:00 [1/3] test_a\n0:00:01 [2/3] test_b\nWarning -- reap_children() reaped child process 1\n0:00:02 [3/3] test_c -- test_b failed (env changed)\ntest_c failed\n",
    );
    assert_eq!(
        evs,
        vec![
            (0, "main", "test_a".into(), "passed"),
            (0, "main", "test_b".into(), "reap_children"),
            (0, "main", "test_b".into(), "env_changed"),
            (0, "main", "test_c".into(), "failed"),
        ]
    );
}

#[test]
fn rerun_phase_311_stays_in_its_run_and_makes_flaky() {
    let evs = events(
        "== CPython 3.12.1\n0:00:00 Run 2 tests in parallel using 2 worker processes\n0:00:01 [1/2] test_a passed\n0:00:02 [2/2/1] test_b failed (1 failure)\n\n== Tests result: FAILURE ==\n\n1 test failed:\n    test_b\n0:00:03 Re-running 1 failed tests in verbose mode in subprocesses\n0:00:03 Run 1 test in parallel using 1 worker process\n0:00:04 [1/1] test_b passed\n\n== Tests result: FAILURE then SUCCESS ==\nResult: FAILURE then SUCCESS\n",
    );
    assert!(has(&evs, 0, "main", "test_b", "failed"));
    assert!(has(&evs, 0, "rerun", "test_b", "passed"));
    assert!(has(&evs, 0, "rerun", "test_b", "flaky"));
    assert!(evs.iter().all(|e| e.0 == 0), "{evs:?}");
}

#[test]
fn failed_again_means_not_flaky() {
    let evs = events(
        "0:00:00 Run tests in parallel using 2 child processes\n0:00:01 [1/1/1] test_b failed\n== Tests result: FAILURE ==\n0:00:03 Re-running failed tests in verbose mode\n0:00:03 Re-running test_b in verbose mode\nFAILED (failures=1)\n1 test failed again:\n    test_b\n== Tests result: FAILURE then FAILURE ==\nTests result: FAILURE then FAILURE\n",
    );
    assert!(has(&evs, 0, "rerun", "test_b", "failed"));
    assert!(!evs.iter().any(|e| e.3 == "flaky"));
}

#[test]
fn pasted_summary_gives_outcomes_and_flaky() {
    let evs = events(
        "== Tests result: FAILURE then SUCCESS ==\n\n1 test altered the execution environment:\n    test_e\n\n1 re-run test:\n    test_r\nTests result: FAILURE then SUCCESS\n",
    );
    assert!(has(&evs, 0, "main", "test_e", "env_changed"));
    assert!(has(&evs, 0, "main", "test_r", "failed"));
    assert!(has(&evs, 0, "rerun", "test_r", "passed"));
    assert!(has(&evs, 0, "rerun", "test_r", "flaky"));
}

#[test]
fn a_new_header_or_elapsed_reset_opens_a_run() {
    let one = "== CPython 3.12.1\n0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_a\n0:00:05 test_a failed\n";
    let evs = events(&format!("{one}{one}"));
    assert_eq!(
        evs.iter()
            .filter(|e| e.3 == "failed")
            .map(|e| e.0)
            .collect::<Vec<_>>(),
        vec![0, 1]
    );
    let evs = events("0:05:00 [9/9] test_a passed\n0:00:01 [1/9] test_b passed\n");
    assert_eq!(evs.iter().map(|e| e.0).collect::<Vec<_>>(), vec![0, 1]);
}

#[test]
fn nested_regrtest_output_is_set_aside_when_the_outer_run_goes_on() {
    let evs = events(
        "0:00:00 Run 3 tests in parallel using 2 worker processes\n0:00:10 [1/3] test_a passed\n0:00:20 [2/3/1] test_regrtest failed (1 failure)\n== CPython 3.12.1\n0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_inner\n0:00:01 [1/1/1] test_inner failed\n== Tests result: FAILURE ==\nResult: FAILURE\n0:00:30 [3/3/1] test_c passed\n",
    );
    assert_eq!(
        evs,
        vec![
            (0, "main", "test_a".into(), "passed"),
            (0, "main", "test_regrtest".into(), "failed"),
            (0, "main", "test_c".into(), "passed"),
        ]
    );
}

#[test]
fn set_aside_lines_become_a_run_when_the_outer_never_returns() {
    // a truncated log followed by another log: the second is a run of its own
    let evs = events(
        "0:00:00 Run 3 tests in parallel using 2 worker processes\n0:00:10 [1/3] test_a failed\nTraceback (most recent call last):\n== CPython 3.9.18\n0:00:00 Run tests sequentially\n0:00:00 [1/2] test_x\n0:00:01 [2/2] test_y -- test_x failed\n",
    );
    assert!(has(&evs, 0, "main", "test_a", "failed"));
    assert!(has(&evs, 1, "main", "test_x", "failed"));
}

#[test]
fn warnings_go_to_the_named_test_or_the_block_owner() {
    let evs = events(
        "0:00:00 Run 2 tests in parallel using 2 worker processes\n0:00:01 [1/2/1] test_a failed (env changed)\nWarning -- sys.path was modified by test_zzz\n  Before: []\n  After:  ['/x'] \nWarning -- Dangling thread: <Thread(Thread-1, started 1)>\n0:00:31 load avg: 1.00 running: test_b (30 sec)\nWarning -- Unraisable exception\n",
    );
    assert!(has(&evs, 0, "main", "test_zzz", "modified"));
    assert!(has(&evs, 0, "main", "test_a", "dangling_thread"));
    // after a heartbeat no worker block is open
    assert!(has(&evs, 0, "main", "", "unraisable"));
}

#[test]
fn a_log_cut_before_its_run_mode_line_still_counts_its_passes() {
    let evs = events(
        "0:18:16 load avg: 1.74 [393/425/8] test_userstring\n\
         0:18:17 load avg: 1.74 [394/425/8] test_utf8_mode -- test_userstring failed\n\
         0:18:20 load avg: 1.70 [395/425/8] test_uuid\n\
         0:18:29 load avg: 1.70 [396/425/8] test_venv\n",
    );
    assert!(has(&evs, 0, "main", "test_userstring", "failed"));
    assert!(!has(&evs, 0, "main", "test_userstring", "passed"));
    assert!(has(&evs, 0, "main", "test_utf8_mode", "passed"));
    assert!(has(&evs, 0, "main", "test_uuid", "passed"));
    // the last one got no next line: nothing is known of it
    assert!(!evs.iter().any(|e| e.2 == "test_venv"));
}

#[test]
fn a_verdict_arriving_later_wins_over_a_silent_pass() {
    // the summary lists a test that got no verdict of its own
    let evs = events(
        "0:00:01 [1/3] test_a\n0:00:02 [2/3] test_b\n0:00:03 [3/3] test_c\n\
         == Tests result: FAILURE ==\n\n1 test failed:\n    test_a\n\nTests result: FAILURE\n",
    );
    assert!(has(&evs, 0, "main", "test_a", "failed"));
    assert!(!has(&evs, 0, "main", "test_a", "passed"));
    assert!(has(&evs, 0, "main", "test_b", "passed"));
    // 3.14's second line, in a fragment without its run-mode line
    let evs = events(
        "0:00:05 [  5/491] test_x\n0:00:07 [  5/491/1] test_x failed (1 failure)\n\
         0:00:08 [  6/491/1] test_y\n0:00:09 [  6/491/1] test_y passed\n0:00:10 [  7/491/1] test_z\n",
    );
    assert_eq!(
        evs.iter()
            .filter(|e| e.2 == "test_x" || e.2 == "test_y")
            .map(|e| (e.2.as_str(), e.3))
            .collect::<Vec<_>>(),
        vec![("test_x", "failed"), ("test_y", "passed")]
    );
    // a `test test_x failed` line in the window of a cut run is a verdict too
    let evs = events(
        "[140/389/2] test_threading\ntest test_threading failed -- Traceback\n[141/389/3] test_tracemalloc\n",
    );
    assert!(!has(&evs, 0, "main", "test_threading", "passed"));
}

// ---- method-level truth (§10): verbose lines, glued output, reasons ----

/// Every event, whole.
fn full(log: &str) -> Vec<crate::run::Event> {
    scan_bytes(log.as_bytes(), &Rules::builtin())
        .into_iter()
        .flat_map(|(_, events)| events)
        .collect()
}

fn find<'e>(evs: &'e [crate::run::Event], test: &str, kind: &str) -> &'e crate::run::Event {
    evs.iter()
        .find(|e| e.test.as_deref() == Some(test) && e.kind.as_str() == kind)
        .unwrap_or_else(|| panic!("no {test} {kind} in {evs:#?}"))
}

#[test]
fn a_method_line_owns_what_follows_without_a_progress_line() {
    // corpus 202 and 267: verbose output alone, a timeout glued after the dots
    let evs = full(
        "test_stress (test.test_signal.StressTest) ... Timeout (0:15:00)!\nThread 0x405acdc0 (most recent call first):\n  File \"/b/Lib/test/test_signal.py\", line 973 in measure\n  File \"/b/Lib/unittest/case.py\", line 615 in run\n",
    );
    let t = find(&evs, "test.test_signal", "timeout");
    assert_eq!(t.method.as_deref(), Some("StressTest.test_stress"));
    assert_eq!(
        t.reason.as_deref(),
        Some("Timeout (0:15:00)! at test_signal.py:973 in measure")
    );
    let evs = full(
        "test_fork (test.test_threading.ThreadTests.test_fork) ... ok\nFatal Python error: Aborted\nCurrent thread 0x3ff (most recent call first):\n  <no Python frame>\n",
    );
    let f = find(&evs, "test.test_threading", "fatal_error");
    // the method had ended: the crash is in no known method
    assert_eq!(
        (f.method.as_deref(), f.reason.as_deref()),
        (None, Some("Fatal Python error: Aborted"))
    );
}

#[test]
fn a_progress_line_test_owns_its_methods_output() {
    // the package case: the module is test.test_asyncio.test_tasks, the test test_asyncio
    let evs = full(
        "0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_asyncio\ntest_x (test.test_asyncio.test_tasks.T.test_x) ... Warning -- reap_children() reaped child process 7\nok\n",
    );
    let w = find(&evs, "test_asyncio", "reap_children");
    assert_eq!(w.method.as_deref(), Some("T.test_x"));
}

#[test]
fn what_a_test_prints_after_the_dots_is_a_line_of_its_own() {
    let evs = full(
        "0:00:00 Run tests sequentially\n0:00:00 [1/2] test_a\ntest_ok (test_a.T) ... test test_a failed -- Traceback (most recent call last):\n  File \"/b/test_a.py\", line 3, in test_ok\n    self.fail('x')\nAssertionError: x\n\nok\n0:00:01 [2/2/1] test_b\ntest_b1 (test_b.T) ... Warning -- os.environ was modified by test_b\n  Before: {}\n  After:  {'A': '1'}\nok\n",
    );
    // T2 after the dots: an outcome by itself (the log ends in the main phase), with its reason
    let f = find(&evs, "test_a", "failed");
    assert_eq!(f.reason.as_deref(), Some("AssertionError: x"));
    assert_eq!(f.reason_key.as_deref(), Some("AssertionError: x"));
    let m = find(&evs, "test_b", "modified");
    assert_eq!(
        (m.method.as_deref(), m.resource.as_deref()),
        (Some("T.test_b1"), Some("os.environ"))
    );
}

#[test]
fn failing_methods_get_the_reason_of_their_failure_block() {
    let rule = "-".repeat(70);
    let eq = "=".repeat(70);
    let log = format!(
        "0:00:00 Run 1 test in parallel using 1 worker process\n0:00:01 [1/1/1] test_x failed (2 failures)\ntest_a (test_x.T.test_a) ... FAIL\ntest_b (test_x.T.test_b)\nChecks b. ... ERROR\ntest_c (test_x.T.test_c) ... unexpected success\n  test_d (test_x.T.test_d) (i=1) ... FAIL\n\n{eq}\nERROR: test_b (test_x.T.test_b)\nChecks b.\n{rule}\nTraceback (most recent call last):\n  File \"/b/test_x.py\", line 9, in test_b\n    raise OSError(104, 'reset')\nConnectionResetError: [Errno 104] reset\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File \"/b/test_x.py\", line 11, in test_b\n    raise RuntimeError('port 8080 busy')\nRuntimeError: port 8080 busy\n\n{eq}\nFAIL: test_a (test_x.T.test_a)\n{rule}\nTraceback (most recent call last):\n  File \"/b/test_x.py\", line 3, in test_a\n    self.assertEqual(58, 128)\nAssertionError: 58 != 128\n\n{eq}\nUNEXPECTED SUCCESS: test_c (test_x.T.test_c)\n{rule}\nRan 4 tests in 0.1s\n\nFAILED (failures=2, errors=1)\ntest test_x failed\n"
    );
    let evs = full(&log);
    let methods: Vec<(&str, &str, Option<&str>, Option<&str>)> = evs
        .iter()
        .filter(|e| e.kind.is_method_failure())
        .map(|e| {
            (
                e.kind.as_str(),
                e.method.as_deref().unwrap(),
                e.reason.as_deref(),
                e.reason_key.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        methods,
        vec![
            (
                "method_failed",
                "T.test_a",
                Some("AssertionError: 58 != 128"),
                Some("AssertionError: <n> != <n>")
            ),
            // the chained exception that propagated; a docstring between header and rule
            (
                "method_error",
                "T.test_b",
                Some("RuntimeError: port 8080 busy"),
                Some("RuntimeError: port <n> busy")
            ),
            ("method_unexpected_success", "T.test_c", None, None),
            // a subtest whose block never came (a cut log) is still a failure
            ("method_failed", "T.test_d", None, None),
        ]
    );
    // the progress line came first, the reason after it: the outcome still gets it
    let f = find(&evs, "test_x", "failed");
    assert_eq!(f.reason.as_deref(), Some("RuntimeError: port 8080 busy"));
}

#[test]
fn a_sequential_run_cut_after_a_timeout_timed_out_and_after_a_fatal_error_crashed() {
    // corpus 206
    let evs = full(
        "[145/382/3] test_asyncio\nTimeout (1:00:00)!\nThread 0x00000001:\n  File \"/b/Lib/selectors.py\", line 265 in select\n  File \"/b/Lib/test/test_asyncio/test_events.py\", line 1012 in test_sub\n",
    );
    let t = find(&evs, "test_asyncio", "timed_out");
    assert_eq!(
        t.reason.as_deref(),
        Some("Timeout (1:00:00)! at test_events.py:1012 in test_sub")
    );
    assert!(!evs.iter().any(|e| e.kind.as_str() == "crashed"));
    let evs = full(
        "0:00:00 Run tests sequentially\n0:00:00 [1/2] test_crash\nFatal Python error: Segmentation fault\n\nCurrent thread 0x7f (most recent call first):\n  File \"/b/test_crash.py\", line 14 in test_crash\n",
    );
    let c = find(&evs, "test_crash", "crashed");
    assert_eq!(
        c.reason.as_deref(),
        Some("Fatal Python error: Segmentation fault at test_crash.py:14 in test_crash")
    );
}

#[test]
fn the_test_running_when_interrupted_is_interrupted() {
    // corpus 208: the log begins in the middle of the test a warning names
    let evs = events(
        "^C\nWarning -- multiprocessing.process._dangling was modified by test_fork_server\n  Before: set()\n  After:  {<weakref at 0x3f; to 'Process' at 0x3f>} \n\ntest_fork failed in 6 min 47 sec\n\n== Tests result: FAILURE, INTERRUPTED ==\nTest suite interrupted by signal SIGINT.\n\n3 tests omitted:\n    test_fork_server test_netrc test_os\n",
    );
    assert!(has(&evs, 0, "main", "test_fork", "failed"));
    assert!(has(&evs, 0, "main", "test_fork_server", "interrupted"));
    // the others were never started
    assert!(
        !evs.iter().any(|e| e.2 == "test_netrc" || e.2 == "test_os"),
        "{evs:?}"
    );
    // not interrupted: an omitted test is nothing (--failfast)
    let evs = events(
        "0:00:00 Run tests sequentially\n0:00:00 [1/2] test_a\n0:00:01 [2/2] test_b -- test_a failed\n\n== Tests result: FAILURE ==\n\n1 test omitted:\n    test_b\n",
    );
    assert!(!evs.iter().any(|e| e.2 == "test_b"), "{evs:?}");
}

#[test]
fn a_rerun_that_ran_nothing_is_no_pass() {
    // 3.9–3.11.2 keep the previous re-run's --match: `Ran 0 tests` then `OK`
    let rule = "-".repeat(70);
    let evs = events(&format!(
        "0:00:00 Run tests sequentially\n0:00:00 [1/1] test_m\n0:00:01 test_m failed\n\n== Tests result: FAILURE ==\n\n0:00:02 Re-running failed tests in verbose mode\n0:00:02 Re-running test_m in verbose mode\n\n{rule}\nRan 0 tests in 0.000s\n\nOK\n\n== Tests result: FAILURE then FAILURE ==\n\n1 test run no tests:\n    test_m\n\nTests result: FAILURE then FAILURE\n"
    ));
    assert!(has(&evs, 0, "rerun", "test_m", "ran_no_tests"), "{evs:?}");
    assert!(
        !evs.iter()
            .any(|e| e.3 == "flaky" || (e.1 == "rerun" && e.3 == "passed")),
        "{evs:?}"
    );
}

#[test]
fn a_method_that_failed_and_then_passed_is_flaky_whatever_its_test_did() {
    let evs = full(
        "0:00:00 Run tests sequentially\n0:00:00 [1/1] test_x\ntest_a (test_x.T.test_a) ... FAIL\ntest_b (test_x.T.test_b) ... FAIL\ntest_c (test_x.T.test_c) ... ok\n0:00:01 test_x failed (2 failures)\n\n== Tests result: FAILURE ==\n\n0:00:02 Re-running failed tests in verbose mode\n0:00:02 Re-running test_x in verbose mode (matching: test_a, test_b)\ntest_a (test_x.T.test_a) ... ok\ntest_b (test_x.T.test_b) ... FAIL\ntest_c (test_x.T.test_c) ... ok\nFAILED (failures=1)\n1 test failed again:\n    test_x\n\n== Tests result: FAILURE then FAILURE ==\nTests result: FAILURE then FAILURE\n",
    );
    let flaky: Vec<&str> = evs
        .iter()
        .filter(|e| e.kind.as_str() == "method_flaky")
        .map(|e| e.method.as_deref().unwrap())
        .collect();
    // test_b failed again, test_c never failed
    assert_eq!(flaky, vec!["T.test_a"]);
    assert!(!evs.iter().any(|e| e.kind.as_str() == "flaky"));
}

#[test]
fn an_index_padded_wider_than_the_total_is_another_runs_line() {
    // a one-test run cut in its window, then a `--forever` log whose `[  3/1]` (3 is the
    // index, 1 the failures) looks like the next line of a run of 1 test
    let evs = events(
        "0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_hang\nTimeout (0:00:05)!\n== CPython 3.9.18\n0:00:00 Run tests sequentially\n0:00:00 [  1] test_a passed\n0:00:05 [  3/1] test_b failed (1 failure)\n",
    );
    assert!(has(&evs, 0, "main", "test_hang", "timed_out"), "{evs:?}");
    assert!(has(&evs, 1, "main", "test_b", "failed"), "{evs:?}");
    assert!(!has(&evs, 0, "main", "test_hang", "passed"), "{evs:?}");
}

#[test]
fn before_3_11_a_method_with_failing_subtests_gets_no_status_and_the_next_desc_follows() {
    let rule = "-".repeat(70);
    let eq = "=".repeat(70);
    let evs = full(&format!(
        "0:00:00 Run tests sequentially\n0:00:00 [1/1] test_m\ntest_a (test_m.C) ... test_b (test_m.C) ... ok\n\n{eq}\nFAIL: test_a (test_m.C) (i=1)\n{rule}\nTraceback (most recent call last):\n  File \"/b/test_m.py\", line 3, in test_a\n    self.assertNotIn(i, (1,))\nAssertionError: 1 unexpectedly found in (1,)\n\n{rule}\nRan 2 tests in 0.001s\n\nFAILED (failures=1)\n0:00:01 test_m failed\n"
    ));
    let m: Vec<(Option<&str>, Option<String>, Option<&str>)> = evs
        .iter()
        .filter(|e| e.kind.is_method_failure())
        .map(|e| {
            let detail = e.detail_text().map(|d| d.into_owned());
            (e.method.as_deref(), detail, e.reason.as_deref())
        })
        .collect();
    assert_eq!(
        m,
        vec![(
            Some("C.test_a"),
            Some("(i=1)".to_string()),
            Some("AssertionError: 1 unexpectedly found in (1,)")
        )]
    );
    assert_eq!(
        find(&evs, "test_m", "failed").reason.as_deref(),
        Some("AssertionError: 1 unexpectedly found in (1,)")
    );
}

// ---- from review: hostile and odd verbose output ----

#[test]
fn a_line_of_endless_glued_method_lines_is_read_without_recursion() {
    let line = format!("test_a (m.C) ... {}", ". a (b.c) ... ".repeat(50_000));
    let evs = full(&format!(
        "0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_x\n{line}\n\n== Tests result: SUCCESS ==\n"
    ));
    assert_eq!(evs.len(), 1);
    assert_eq!(find(&evs, "test_x", "passed").line, 5);
}

#[test]
fn a_failure_header_only_counts_right_after_its_rule() {
    let evs = full(
        "0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_a\nERROR: could not resolve host (test.test_a.T)\nsome text\n0:00:01 test_a passed\n",
    );
    assert!(!evs.iter().any(|e| e.kind.is_method_failure()), "{evs:?}");
}

fn failing_methods(n: usize, rule: &str) -> String {
    let eq = "=".repeat(70);
    let mut log = String::from("0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_x\n");
    for i in 0..n {
        log.push_str(&format!("test_{i} (test_x.T.test_{i}) ... FAIL\n"));
    }
    for i in 0..n {
        log.push_str(&format!(
            "{eq}\nFAIL: test_{i} (test_x.T.test_{i})\n{rule}\nTraceback (most recent call last):\n  File \"x.py\", line 1, in test_{i}\nAssertionError: {i}\n\n"
        ));
    }
    log.push_str(&format!(
        "{rule}\nRan {n} tests in 0.1s\n\nFAILED (failures={n})\n"
    ));
    log
}

#[test]
fn more_failing_methods_than_can_wait_are_each_recorded_once() {
    let rule = "-".repeat(70);
    let n = 1100;
    let evs = full(&failing_methods(n, &rule));
    let methods: Vec<&crate::run::Event> =
        evs.iter().filter(|e| e.kind.is_method_failure()).collect();
    assert_eq!(methods.len(), n);
    // every one got its block's reason, those past the waiting bound too
    assert!(methods.iter().all(|e| e.reason.is_some()));
}

#[test]
fn failures_of_several_modules_wait_for_the_blocks_at_the_end() {
    // a package's modules in one `-v` run with no progress line: the U2 blocks come last
    let rule = "-".repeat(70);
    let eq = "=".repeat(70);
    let evs = full(&format!(
        "test_a (test.pkg.one.T.test_a) ... FAIL\ntest_b (test.pkg.two.T.test_b) ... ok\n\n{eq}\nFAIL: test_a (test.pkg.one.T.test_a)\n{rule}\nTraceback (most recent call last):\n  File \"x.py\", line 1, in test_a\nAssertionError: a\n\n{rule}\nRan 2 tests in 0.1s\n"
    ));
    let failed: Vec<(Option<&str>, Option<&str>)> = evs
        .iter()
        .filter(|e| e.kind.is_method_failure())
        .map(|e| (e.test.as_deref(), e.reason.as_deref()))
        .collect();
    assert_eq!(
        failed,
        vec![(Some("test.pkg.one"), Some("AssertionError: a"))]
    );
}

#[test]
fn a_flaky_method_is_found_after_hundreds_of_other_passes() {
    let mut log = String::from(
        "0:00:00 Run tests sequentially\n0:00:00 [1/1] test_x\ntest_z (test_x.T) ... FAIL\n0:00:01 test_x failed\n\n== Tests result: FAILURE ==\n\n0:00:02 Re-running failed tests in verbose mode\n0:00:02 Re-running test_x in verbose mode\n",
    );
    for i in 0..300 {
        log.push_str(&format!("test_{i} (test_x.T) ... ok\n"));
    }
    log.push_str("test_z (test_x.T) ... ok\nOK\n\n== Tests result: FAILURE then SUCCESS ==\nTests result: FAILURE then SUCCESS\n");
    let evs = full(&log);
    let flaky: Vec<&str> = evs
        .iter()
        .filter(|e| e.kind.as_str() == "method_flaky")
        .filter_map(|e| e.method.as_deref())
        .collect();
    assert_eq!(flaky, vec!["T.test_z"]);
}

#[test]
fn an_unrelated_traceback_after_the_exception_is_not_the_reason() {
    let evs = full(
        "0:00:00 Run tests sequentially\n0:00:00 [1/1] test_a\ntest test_a failed -- Traceback (most recent call last):\n  File \"x.py\", line 1, in test_x\nAssertionError: first\n\nTraceback (most recent call last):\n  File \"y.py\", line 2, in cleanup\nOSError: later, elsewhere\n",
    );
    assert_eq!(
        find(&evs, "test_a", "failed").reason.as_deref(),
        Some("AssertionError: first")
    );
}

#[test]
fn what_follows_a_dump_after_a_blank_line_is_read_again() {
    // a dump that did not end the process: the test's subtest lines go on after it
    let evs = full(
        "0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_x\ntest_s (test_x.T.test_s) ... \nTimeout (0:00:05)!\nThread 0x7f (most recent call first):\n  File \"/b/test_x.py\", line 3 in test_s\n\n  test_s (test_x.T.test_s) (i=1) ... FAIL\n",
    );
    let m = find(&evs, "test_x", "method_failed");
    assert_eq!(m.method.as_deref(), Some("T.test_s"));
    let t = find(&evs, "test_x", "timeout");
    assert_eq!(
        t.reason.as_deref(),
        Some("Timeout (0:00:05)! at test_x.py:3 in test_s")
    );
}

#[test]
fn a_subtest_line_of_a_method_named_like_a_leak_value_is_a_method_line() {
    let evs = full(
        "0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_x\ntest_parent (test_x.T.test_parent) ... \n  After_test (test_x.T.After_test) (i=1) ... FAIL\n  Before_test (test_x.T.Before_test) (i=2) ... FAIL\n",
    );
    let methods: Vec<&str> = evs
        .iter()
        .filter(|e| e.kind.is_method_failure())
        .filter_map(|e| e.method.as_deref())
        .collect();
    assert_eq!(methods, vec!["T.After_test", "T.Before_test"]);
}
