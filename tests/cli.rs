//! End-to-end tests of the `flakelog` binary: inputs (files, stdin, gzip), formats, errors.

mod common;
use common::{fixture, flakelog, gzip, jsonl};

use serde_json::Value;

/// The row without where it came from (source, line, run): what must not depend on how the
/// bytes arrived.
fn content(row: &Value) -> Value {
    let mut row = row.clone();
    for key in ["source", "line", "run"] {
        row.as_object_mut().unwrap().remove(key);
    }
    row
}

const A: &str = "era-e-3.12.log";
const B: &str = "era-c-3.7.log";

#[test]
fn stdin_of_concatenated_gzip_equals_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        std::fs::read(fixture(A)).unwrap(),
        std::fs::read(fixture(B)).unwrap(),
    );
    let (a_gz, b_gz) = (dir.path().join("a.log.gz"), dir.path().join("b.log.gz"));
    std::fs::write(&a_gz, gzip(&a)).unwrap();
    std::fs::write(&b_gz, gzip(&b)).unwrap();
    // `zcat a.log.gz b.log.gz | flakelog` and `flakelog a.log.gz b.log.gz`
    let mut piped = a.clone();
    piped.extend_from_slice(&b);
    let from_stdin = flakelog()
        .args(["events", "--format", "jsonl"])
        .write_stdin(piped)
        .assert()
        .success();
    let from_files = flakelog()
        .args(["events", "--format", "jsonl"])
        .arg(&a_gz)
        .arg(&b_gz)
        .assert()
        .success();
    let stdin_rows = jsonl(&from_stdin.get_output().stdout);
    let file_rows = jsonl(&from_files.get_output().stdout);
    assert!(!stdin_rows.is_empty());
    assert_eq!(
        stdin_rows.iter().map(content).collect::<Vec<_>>(),
        file_rows.iter().map(content).collect::<Vec<_>>()
    );
    // two runs in the stream, one per file
    let runs: std::collections::BTreeSet<i64> = stdin_rows
        .iter()
        .map(|r| r["run"].as_i64().unwrap())
        .collect();
    assert!(runs.len() >= 2, "runs seen on stdin: {runs:?}");
    assert!(stdin_rows.iter().all(|r| r["source"] == "-"));
    // a multi-member gzip on stdin is the same as its plain text
    let mut members = gzip(&a);
    members.extend(gzip(&b));
    let from_gz_stdin = flakelog()
        .args(["events", "--format", "jsonl"])
        .write_stdin(members)
        .assert()
        .success();
    assert_eq!(jsonl(&from_gz_stdin.get_output().stdout), stdin_rows);
}

#[test]
fn csv_header_and_formats_agree() {
    let csv = flakelog()
        .args(["events"])
        .arg(fixture(A))
        .assert()
        .success();
    let text = String::from_utf8(csv.get_output().stdout.clone()).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "source,line,run,python,phase,test,method,kind,resource,count,detail,reason,reason_key,elapsed,load_avg,running,builder,build,branch,commit,date"
    );
    let json = flakelog()
        .args(["events", "--format", "json"])
        .arg(fixture(A))
        .assert()
        .success();
    let array: Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    let jl = flakelog()
        .args(["events", "--format", "jsonl"])
        .arg(fixture(A))
        .assert()
        .success();
    assert_eq!(array.as_array().unwrap(), &jsonl(&jl.get_output().stdout));
    assert_eq!(text.lines().count() - 1, array.as_array().unwrap().len());
}

#[test]
fn a_missing_file_is_named_and_the_others_still_count() {
    let out = flakelog()
        .args(["events", "--format", "jsonl", "does-not-exist.log"])
        .arg(fixture(A))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("does-not-exist.log"), "{stderr}");
    let alone = flakelog()
        .args(["events", "--format", "jsonl"])
        .arg(fixture(A))
        .assert()
        .success();
    assert_eq!(
        jsonl(&out.get_output().stdout),
        jsonl(&alone.get_output().stdout)
    );
}

#[test]
fn a_truncated_gzip_keeps_what_it_had_and_says_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(fixture(A)).unwrap();
    let mut big = Vec::new();
    for _ in 0..50 {
        big.extend_from_slice(&text);
    }
    let gz = gzip(&big);
    let cut = dir.path().join("cut.log.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let out = flakelog()
        .args(["events", "--format", "jsonl"])
        .arg(&cut)
        .arg(fixture(B))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains("cut.log.gz") && stderr.contains("after line"),
        "{stderr}"
    );
    let rows = jsonl(&out.get_output().stdout);
    assert!(
        rows.iter()
            .any(|r| r["source"].as_str().unwrap().ends_with("cut.log.gz"))
    );
    assert!(
        rows.iter()
            .any(|r| r["source"].as_str().unwrap().ends_with(B))
    );
}

#[test]
fn bad_rules_file_is_a_usage_error_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("my.rules");
    std::fs::write(&rules, "# comment\nclass (unclosed\n").unwrap();
    let out = flakelog()
        .args(["events", "--rules"])
        .arg(&rules)
        .arg(fixture(A))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("my.rules:2"), "{stderr}");
}

#[test]
fn user_rules_rename_a_leaked_class() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("my.rules");
    std::fs::write(
        &rules,
        "class ^<weakref at 0x\\?; to 'SpawnProcess' => spawned child\n",
    )
    .unwrap();
    let log = "Warning -- multiprocessing.process._dangling was modified by test_x\n  Before: set()\n  After:  {<weakref at 0x7f3b2c1d2e80; to 'SpawnProcess' at 0x7f3b2c1d3f10>} \n";
    let out = flakelog()
        .args(["events", "--format", "jsonl", "--rules"])
        .arg(&rules)
        .write_stdin(log)
        .assert()
        .success();
    let rows = jsonl(&out.get_output().stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["detail"], "+spawned child");
    assert_eq!(rows[0]["test"], "test_x");
    assert_eq!(rows[0]["resource"], "multiprocessing.process._dangling");
}

#[test]
fn usage_errors_exit_2() {
    flakelog()
        .args(["events", "--format", "xml"])
        .assert()
        .code(2);
    flakelog().args(["--min-runs", "many"]).assert().code(2);
    flakelog()
        .args(["stats", "--group-by", "planet"])
        .assert()
        .code(2);
    flakelog()
        .args(["runs", "--path-pattern", "(no named group)"])
        .assert()
        .code(2);
}

#[test]
fn an_unknown_kind_is_a_usage_error_that_lists_the_kinds() {
    let out = flakelog()
        .args(["stats", "--kind", "modifed"])
        .arg(fixture(A))
        .assert()
        .code(2);
    assert!(out.get_output().stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("'modifed'"), "{stderr}");
    for kind in flakelog::kind::Kind::ALL {
        assert!(
            stderr.contains(kind.as_str()),
            "{kind} not listed: {stderr}"
        );
    }
    // a right one, comma-separated with another, is accepted
    flakelog()
        .args(["stats", "--kind", "modified,env_changed"])
        .arg(fixture(A))
        .assert()
        .success();
}
