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
