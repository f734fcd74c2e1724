//! The context of failures (issue #14): the load average at a test's failing results against
//! its passing ones, and the tests running alongside its failures with their lift, as
//! `flakelog context` rows and in the report's section of the test.

mod common;

use serde_json::Value;
use std::io::Write;

/// One parallel 3.7-era run on `day` of January 2024: test_a fails (or passes) at load `load`
/// with `running` alongside; test_os and test_gdb pass.
fn run(day: u32, test_a_fails: bool, load: &str, running: &str) -> String {
    let verdict = if test_a_fails { "failed" } else { "passed" };
    let suffix = if running.is_empty() {
        String::new()
    } else {
        format!(" -- running: {running}")
    };
    let failed = u32::from(test_a_fails);
    let (result, tail) = if test_a_fails {
        ("FAILURE", "2 tests OK.\n\n1 test failed:\n    test_a\n")
    } else {
        ("SUCCESS", "3 tests OK.\n")
    };
    format!(
        "== CPython 3.7.16 (default, Jan {day} 2024, 09:35:31) [GCC 10.2.1 20210110]\n\
         == Linux-5.10.0-20-amd64-x86_64-with-debian-11.6 little-endian\n\
         == cwd: /home/buildbot/buildarea/3.7.bolen-debian/build/build/test_python_20573\n\
         Using random seed 5217346\n\
         0:00:00 load avg: 0.31 Run tests in parallel using 2 child processes\n\
         0:00:31 load avg: {load} [1/3/{failed}] test_a {verdict}{suffix}\n\
         0:00:40 load avg: 1.00 [2/3/{failed}] test_gdb passed (40.0 sec)\n\
         0:00:41 load avg: 1.00 [3/3/{failed}] test_os passed\n\
         \n== Tests result: {result} ==\n\n{tail}\nTotal duration: 41 sec\nTests result: {result}\n"
    )
}

/// Four runs: test_a fails twice with test_gdb and test_os running alongside, at load 3.50
/// and 2.50; it passes twice with only test_os alongside, at load 1.00.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let runs = [
        run(3, true, "3.50", "test_gdb (31.0 sec), test_os (30.5 sec)"),
        run(4, false, "1.00", "test_os (30.5 sec)"),
        run(5, true, "2.50", "test_gdb (31.0 sec), test_os (30.5 sec)"),
        run(6, false, "1.00", "test_os (30.5 sec)"),
    ];
    for (i, text) in runs.iter().enumerate() {
        let mut f = std::fs::File::create(dir.path().join(format!("run{i}.log"))).unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }
    dir
}

fn context_rows(dir: &std::path::Path) -> Vec<Value> {
    let out = common::flakelog()
        .args(["context", "--format", "jsonl", "-q"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::jsonl(&out.stdout)
}

#[test]
fn lift_and_load_of_a_test_that_fails_when_test_gdb_runs_alongside() {
    let dir = archive();
    let rows = context_rows(dir.path());
    let got: Vec<(&str, &str, u64, u64, f64)> = rows
        .iter()
        .map(|r| {
            (
                r["test"].as_str().unwrap(),
                r["neighbour"].as_str().unwrap(),
                r["with_failing"].as_u64().unwrap(),
                r["with_passing"].as_u64().unwrap(),
                r["lift"].as_f64().unwrap(),
            )
        })
        .collect();
    // test_gdb is there at both failures and never at a pass: twice as likely as at random;
    // test_os is always there: lift 1
    assert_eq!(
        got,
        vec![
            ("test_a", "test_gdb", 2, 0, 2.0),
            ("test_a", "test_os", 2, 2, 1.0)
        ]
    );
    let r = &rows[0];
    assert_eq!(
        (
            r["failing"].as_u64(),
            r["passing"].as_u64(),
            r["failing_parallel"].as_u64(),
            r["passing_parallel"].as_u64()
        ),
        (Some(2), Some(2), Some(2), Some(2))
    );
    assert_eq!(
        (r["load_failing"].as_f64(), r["load_passing"].as_f64()),
        (Some(3.0), Some(1.0))
    );
}

#[test]
fn the_report_shows_the_same_context_in_the_tests_section() {
    let dir = archive();
    let page = dir.path().join("r.html");
    let status = common::flakelog()
        .args(["report", "-q", "-o"])
        .arg(&page)
        .arg(dir.path())
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    let html = std::fs::read_to_string(page).unwrap();
    let start = html
        .find("<section class=\"test\" id=\"test-test_a\"")
        .unwrap();
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(section.contains("data-load-failing=\"3.00\" data-load-passing=\"1.00\""));
    assert!(
        section.contains(
            "<tr data-neighbour=\"test_gdb\"><td>test_gdb</td><td class=\"n\">2</td><td class=\"n\">0</td><td class=\"n\">2.00</td></tr>"
        ),
        "{section}"
    );
    // the tests table links to it
    assert!(html.contains("<a href=\"#test-test_a\">test_a</a>"));
    // its runs: four, two failed, in January 2024
    assert!(section.contains("data-runs=\"4\" data-failed=\"2\" data-flaky=\"0\""));
    assert!(section.contains("data-month=\"2024-01\" data-outcome=\"failed\" data-count=\"2\""));
}

#[test]
fn a_sequential_run_gives_no_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    let text = run(3, true, "3.50", "test_gdb (31.0 sec)").replace(
        "Run tests in parallel using 2 child processes",
        "Run tests sequentially",
    );
    std::fs::write(dir.path().join("seq.log"), text).unwrap();
    let rows = context_rows(dir.path());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["neighbour"], Value::Null);
    assert_eq!(rows[0]["failing_parallel"].as_u64(), Some(0));
}
