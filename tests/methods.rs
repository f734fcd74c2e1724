//! Method-level truth end to end, on genuine output of this machine's CPython 3.12.1
//! (`python -m test -w …` with the test modules of `fixtures/genuine/`): which method failed,
//! why, and the command that reproduces it.

mod common;
use common::{fixture, flakelog, jsonl};

use serde_json::Value;

const RERUN: &str = "genuine-verbose-rerun-3.12.log";

fn rows(args: &[&str], log: &str) -> Vec<Value> {
    let out = flakelog()
        .args(args)
        .args(["--format", "jsonl"])
        .arg(fixture(log))
        .assert()
        .success();
    jsonl(&out.get_output().stdout)
}

fn find<'r>(rows: &'r [Value], pairs: &[(&str, &str)]) -> &'r Value {
    rows.iter()
        .find(|r| pairs.iter().all(|(k, v)| r[*k] == *v))
        .unwrap_or_else(|| panic!("no row with {pairs:?} in {rows:#?}"))
}

#[test]
fn events_name_the_module_the_method_and_the_reason() {
    let events = rows(&["events"], RERUN);
    let failed = find(
        &events,
        &[("kind", "method_failed"), ("test", "test_fl_fail")],
    );
    assert_eq!(failed["method"], "FailTests.test_b_fail");
    assert_eq!(failed["phase"], "rerun");
    assert_eq!(failed["reason"], "AssertionError: 58 != 128");
    assert_eq!(failed["reason_key"], "AssertionError: <n> != <n>");
    let error = find(&events, &[("kind", "method_error")]);
    assert_eq!(
        (&error["test"], &error["method"], &error["reason_key"]),
        (
            &Value::from("test_fl_error"),
            &Value::from("ErrorTests.test_conn_reset"),
            &Value::from("ConnectionResetError: [Errno <n>] fl: Connection reset by peer")
        )
    );
    // the test file's own failure says why too, from the traceback regrtest printed
    let main = find(
        &events,
        &[
            ("kind", "failed"),
            ("test", "test_fl_fail"),
            ("phase", "main"),
        ],
    );
    assert_eq!(main["reason"], "AssertionError: 58 != 128");
    // the method that failed first and passed in the re-run
    let flaky = find(&events, &[("kind", "method_flaky")]);
    assert_eq!(
        (&flaky["test"], &flaky["method"]),
        (
            &Value::from("test_fl_flaky"),
            &Value::from("FlakyTests.test_flaky")
        )
    );
    // a passing method is no event
    assert!(
        !events
            .iter()
            .any(|r| r["method"] == "MiscTests.test_d_print")
    );
}

#[test]
fn stats_say_how_to_reproduce_with_the_method() {
    let stats = rows(&["stats"], RERUN);
    let failed = find(
        &stats,
        &[("kind", "method_failed"), ("test", "test_fl_fail")],
    );
    assert_eq!(
        failed["repro"],
        "./python -m test test_fl_fail -m test_b_fail -v -F"
    );
    assert_eq!(failed["top_reason"], "AssertionError: <n> != <n>");
    // the test file's row borrows the method its methods failed in
    let test_row = find(&stats, &[("kind", "failed"), ("test", "test_fl_error")]);
    assert_eq!(
        test_row["repro"],
        "./python -m test test_fl_error -m test_conn_reset -v -F"
    );
    let env = find(&stats, &[("kind", "env_changed"), ("test", "test_fl_env")]);
    assert_eq!(
        env["repro"],
        "./python -m test test_fl_env --fail-env-changed -F -j10"
    );
    let modified = find(&stats, &[("kind", "modified"), ("test", "test_fl_thread")]);
    assert!(
        modified["repro"]
            .as_str()
            .unwrap()
            .contains("--list-cases > cases && ./python -m test.bisect_cmd"),
        "{modified}"
    );
}

#[test]
fn stats_group_by_method_and_by_reason() {
    let by_method = rows(
        &["stats", "--group-by", "method", "--kind", "method_failed"],
        RERUN,
    );
    let methods: Vec<(&str, &str, u64)> = by_method
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap(),
                r["test"].as_str().unwrap(),
                r["events"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        methods,
        vec![
            ("FailTests.test_b_fail", "test_fl_fail", 1),
            // two subtests of one method
            ("SubTests.test_subtests", "test_fl_subtest", 2),
        ]
    );
    let by_reason = rows(
        &["stats", "--group-by", "reason", "--kind", "failed"],
        RERUN,
    );
    let reasons: Vec<&str> = by_reason
        .iter()
        .filter(|r| r["test"] == "test_fl_subtest")
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    // the main pass said no reason (`multiple errors occurred`), the re-run did
    assert_eq!(
        reasons,
        vec!["", "AssertionError: <n> unexpectedly found in (<n>, <n>)"]
    );
}

#[test]
fn runs_carry_their_most_frequent_reason() {
    let runs = rows(&["runs"], RERUN);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["top_reason"], "AssertionError: <n> != <n>");
}

#[test]
fn a_rerun_that_ran_nothing_is_not_flaky() {
    let events = rows(&["events"], "genuine-rerun-ran-nothing-3.10.log");
    let misc: Vec<(&str, &str)> = events
        .iter()
        .filter(|r| r["test"] == "test_fl_misc")
        .map(|r| (r["phase"].as_str().unwrap(), r["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(misc, vec![("main", "failed"), ("rerun", "ran_no_tests")]);
}
