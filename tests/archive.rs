//! Archive-scale behaviour (issue #3): trees of plain and gzip logs, stdin, threads,
//! `stats` and `runs`, where runs come from, and errors among good files.

mod common;
use common::{fixture, flakelog, gzip, jsonl};

use serde_json::Value;
use std::path::{Path, PathBuf};

const LOGS: [&str; 6] = [
    "era-c-3.7.log",
    "era-d-3.10.log",
    "era-e-3.12.log",
    "two-runs.log",
    "truncated-3.12.log",
    "misc-kinds-3.9.log",
];

/// A tree with every other log gzipped (one as a two-member gzip) and a file neither the
/// default walk nor `--glob` reads.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (n, name) in LOGS.iter().enumerate() {
        let text = std::fs::read(fixture(name)).unwrap();
        let sub = dir.path().join(format!("builder-{}", n % 2));
        std::fs::create_dir_all(&sub).unwrap();
        if n % 2 == 0 {
            std::fs::write(sub.join(format!("{n}-{name}")), &text).unwrap();
        } else if n == 1 {
            let (a, b) = text.split_at(text.len() / 2);
            let mut two = gzip(a);
            two.extend(gzip(b));
            std::fs::write(sub.join(format!("{n}-{name}.gz")), two).unwrap();
        } else {
            std::fs::write(sub.join(format!("{n}-{name}.gz")), gzip(&text)).unwrap();
        }
    }
    std::fs::write(dir.path().join("README.md"), b"not a log\n").unwrap();
    dir
}

fn run_ok(args: &[&str], dir: &Path) -> Vec<u8> {
    flakelog()
        .args(args)
        .arg(dir)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

#[test]
fn a_tree_of_plain_and_gzip_logs_reads_like_the_plain_files() {
    let dir = archive();
    let from_tree = jsonl(&run_ok(
        &[
            "runs", "--format", "jsonl", "--glob", "*.log", "--glob", "*.log.gz",
        ],
        dir.path(),
    ));
    let plain: Vec<PathBuf> = LOGS.iter().map(|n| fixture(n)).collect();
    let out = flakelog()
        .args(["runs", "--format", "jsonl"])
        .args(&plain)
        .assert()
        .success();
    let from_files = jsonl(&out.get_output().stdout);
    let strip = |rows: &[Value]| -> Vec<Value> {
        let mut rows: Vec<Value> = rows
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.as_object_mut().unwrap().remove("source");
                r
            })
            .collect();
        rows.sort_by_key(|r| r.to_string());
        rows
    };
    assert_eq!(from_tree.len(), 8, "6 files, two of them with two runs");
    assert_eq!(strip(&from_tree), strip(&from_files));
    // the glob left README.md out
    assert!(
        from_tree
            .iter()
            .all(|r| !r["source"].as_str().unwrap().ends_with("README.md"))
    );
}

#[test]
fn every_command_and_format_is_identical_at_any_thread_count() {
    let dir = archive();
    for command in ["stats", "events", "runs"] {
        for format in ["csv", "json", "jsonl", "table"] {
            let one = run_ok(&[command, "--format", format, "-j1"], dir.path());
            let four = run_ok(&[command, "--format", format, "-j4"], dir.path());
            assert!(!one.is_empty());
            assert_eq!(one, four, "{command} --format {format}");
        }
    }
    let grouped = [
        "stats",
        "--format",
        "csv",
        "--group-by",
        "builder",
        "--group-by",
        "month",
    ];
    assert_eq!(
        run_ok(&[&grouped[..], &["-j1"]].concat(), dir.path()),
        run_ok(&[&grouped[..], &["-j3"]].concat(), dir.path())
    );
}

/// `stats` rows without the columns that name where a row was seen.
fn stats_content(stdout: &[u8]) -> Vec<Value> {
    jsonl(stdout)
        .into_iter()
        .map(|mut r| {
            // where a row was seen depends on how the input was split (truncated-3.12.log has
            // no final newline: piped, the next log's header is glued to its last line, and
            // still read as a header, so `first_commit` agrees)
            for key in [
                "example",
                "first_seen",
                "last_seen",
                "first_seen_at",
                "last_seen_at",
            ] {
                r.as_object_mut().unwrap().remove(key);
            }
            r
        })
        .collect()
}

#[test]
fn stdin_gives_the_same_stats_as_the_files() {
    let mut all = Vec::new();
    for name in LOGS {
        all.extend(gzip(&std::fs::read(fixture(name)).unwrap()));
    }
    let piped = flakelog()
        .args(["stats", "--format", "jsonl"])
        .write_stdin(all)
        .assert()
        .success();
    let files = flakelog()
        .args(["stats", "--format", "jsonl"])
        .args(LOGS.map(fixture))
        .assert()
        .success();
    let (a, b) = (
        stats_content(&piped.get_output().stdout),
        stats_content(&files.get_output().stdout),
    );
    assert!(a.len() > 10);
    assert_eq!(a, b);
}

#[test]
fn a_corrupt_gzip_among_good_files_is_named_and_the_rest_is_complete() {
    let dir = archive();
    let good = run_ok(&["stats", "--format", "csv"], dir.path());
    let text = std::fs::read(fixture("era-a-2.7.log")).unwrap();
    let gz = gzip(&text.repeat(20));
    std::fs::write(dir.path().join("zz-corrupt.log.gz"), &gz[..gz.len() / 3]).unwrap();
    std::fs::write(
        dir.path().join("zz-garbage.log.gz"),
        b"\x1f\x8bnot really gzip at all",
    )
    .unwrap();
    for command in ["stats", "events", "runs"] {
        let out = flakelog()
            .args([command, "--format", "csv"])
            .arg(dir.path())
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr);
        assert!(
            stderr.contains("zz-corrupt.log.gz") && stderr.contains("zz-garbage.log.gz"),
            "{command}: {stderr}"
        );
        let stdout = String::from_utf8_lossy(&out.get_output().stdout);
        if command == "runs" {
            // the good files' runs are all there, and the truncated file's run is kept
            for name in LOGS {
                assert!(stdout.contains(name), "{name} missing from runs");
            }
            assert!(stdout.contains("zz-corrupt.log.gz"));
        }
    }
    // without the corrupt files the counts are exactly the good ones
    let again = flakelog()
        .args(["stats", "--format", "csv"])
        .arg(dir.path())
        .arg("--glob")
        .arg("[0-9]*")
        .assert()
        .success();
    assert_eq!(again.get_output().stdout, good);
}

#[test]
fn runs_come_from_the_path_pattern_or_the_cwd_and_dates_from_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("AMD64 Fedora 3.x").join("1234");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::copy(fixture("era-e-3.12.log"), sub.join("test.log")).unwrap();
    let rows = jsonl(&run_ok(&["runs", "--format", "jsonl"], dir.path()));
    // `== cwd: /home/buildbot/buildarea/3.12.cstratak-fedora.x86_64/build/...`
    assert_eq!(rows[0]["builder"], "3.12.cstratak-fedora.x86_64");
    // `== CPython 3.12.1 (main, Dec 15 2023, 13:32:22)`
    assert_eq!(rows[0]["date"], "2023-12-15");
    assert_eq!(rows[0]["branch"], "main");
    assert!(rows[0]["build"].is_null());
    let pattern = r"(?P<builder>[^/]+)/(?P<build>\d+)/test\.log$";
    let rows = jsonl(&run_ok(
        &["runs", "--format", "jsonl", "--path-pattern", pattern],
        dir.path(),
    ));
    assert_eq!(rows[0]["builder"], "AMD64 Fedora 3.x");
    assert_eq!(rows[0]["build"], "1234");
    let events = jsonl(&run_ok(
        &["events", "--format", "jsonl", "--path-pattern", pattern],
        dir.path(),
    ));
    assert!(events.iter().all(|e| e["builder"] == "AMD64 Fedora 3.x"
        && e["build"] == "1234"
        && e["date"] == "2023-12-15"));
}

#[test]
fn runs_table_marks_truncated_runs_and_reads_summaries() {
    let out = flakelog()
        .args(["runs", "--format", "jsonl"])
        .arg(fixture("truncated-3.12.log"))
        .arg(fixture("era-e-3.12.log"))
        .assert()
        .success();
    let rows = jsonl(&out.get_output().stdout);
    assert_eq!(rows[0]["complete"], false);
    assert_eq!(rows[0]["tests_total"], 433);
    assert!(rows[0]["result"].is_null());
    assert_eq!(rows[1]["complete"], true);
    assert_eq!(
        rows[1]["result"],
        "FAILURE, WORKER BUG then FAILURE, WORKER BUG"
    );
    assert_eq!(rows[1]["mode"], "parallel");
    assert_eq!(rows[1]["workers"], 3);
    assert_eq!(rows[1]["flaky"], 5);
    assert_eq!(rows[1]["rerun"], 7);
}

#[test]
fn group_by_month_and_filters() {
    let out = flakelog()
        .args([
            "stats",
            "--format",
            "jsonl",
            "--group-by",
            "month",
            "--kind",
            "env_changed,modified",
        ])
        .args(LOGS.map(fixture))
        .assert()
        .success();
    let rows = jsonl(&out.get_output().stdout);
    assert!(!rows.is_empty());
    for r in &rows {
        let month = r["month"].as_str().unwrap();
        assert!(
            month.is_empty() || (month.len() == 7 && &month[4..5] == "-"),
            "{month}"
        );
        assert!(r["kind"] == "env_changed" || r["kind"] == "modified");
        let (runs, with_test) = (
            r["runs"].as_u64().unwrap(),
            r["runs_with_test"].as_u64().unwrap(),
        );
        assert!(runs <= with_test);
        assert_eq!(
            r["rate"].as_f64().unwrap(),
            ((runs as f64 / with_test as f64) * 1e4).round() / 1e4
        );
    }
    // the group column comes first, then the documented ones, in order
    let first = String::from_utf8_lossy(&out.get_output().stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    let at = |key: &str| first.find(&format!("\"{key}\":")).unwrap();
    assert!(
        at("month") < at("test") && at("test") < at("kind") && at("kind") < at("resource"),
        "{first}"
    );
    // sorted by runs, descending
    let runs: Vec<u64> = rows.iter().map(|r| r["runs"].as_u64().unwrap()).collect();
    assert!(runs.windows(2).all(|w| w[0] >= w[1]));
    let few = flakelog()
        .args(["stats", "--format", "jsonl", "--min-runs", "2"])
        .args(LOGS.map(fixture))
        .assert()
        .success();
    assert!(
        jsonl(&few.get_output().stdout)
            .iter()
            .all(|r| r["runs"].as_u64().unwrap() >= 2)
    );
}

#[test]
fn stats_is_the_default_command_and_table_ends_with_totals() {
    let out = flakelog()
        .args(["--format", "table"])
        .arg(fixture("era-e-3.12.log"))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.starts_with("test"), "{text}");
    let events = flakelog()
        .args(["events", "--format", "jsonl"])
        .arg(fixture("era-e-3.12.log"))
        .assert()
        .success();
    let n = jsonl(&events.get_output().stdout).len();
    assert_eq!(
        text.lines().last().unwrap(),
        format!("1 files, 1 runs, {n} events, 0 errors, 0 files without a run")
    );
    // not a terminal: csv
    let out = flakelog().arg(fixture("era-e-3.12.log")).assert().success();
    assert!(
        String::from_utf8_lossy(&out.get_output().stdout)
            .starts_with("test,kind,resource,events,runs,")
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = archive();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("flakelog"))
        .args(["events", "--format", "csv"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // read one line, then close our end
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
