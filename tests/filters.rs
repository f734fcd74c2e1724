//! Filters on every command (issue #13): `--kind` (kinds and groups), `--test`, `--builder`,
//! `--python`, `--since`/`--until` give what the unfiltered output, filtered by hand, gives.

#[path = "../examples/gen_corpus.rs"]
#[allow(clippy::duplicate_mod)]
mod gen_corpus;

mod common;

use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;

/// A generated archive, made once for all the tests here.
fn archive() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        gen_corpus::generate(dir.path(), 8 << 20, 11, true, false).unwrap();
        dir
    })
    .path()
}

fn rows(args: &[&str]) -> Vec<Value> {
    let out = common::flakelog()
        .args(args)
        .args(["--format", "jsonl", "-q"])
        .arg(archive())
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}");
    common::jsonl(&out.stdout)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

#[test]
fn kind_groups_keep_what_their_names_say() {
    let all = rows(&["events"]);
    let threads = rows(&["events", "--kind", "threads"]);
    let want: Vec<&Value> = all
        .iter()
        .filter(|e| {
            matches!(s(e, "kind"), "dangling_thread" | "threading_cleanup")
                || (s(e, "kind") == "modified" && s(e, "resource") == "threading._dangling")
        })
        .collect();
    assert!(!want.is_empty(), "the archive has thread leaks");
    assert_eq!(threads.iter().collect::<Vec<_>>(), want);

    let two = rows(&["events", "--kind", "failed,flaky"]);
    let want: Vec<&Value> = all
        .iter()
        .filter(|e| matches!(s(e, "kind"), "failed" | "flaky"))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(two.iter().collect::<Vec<_>>(), want);
}

#[test]
fn test_regex_keeps_a_tests_events_and_the_runs_that_have_them() {
    let all = rows(&["events"]);
    let os = rows(&["events", "--test", "^test_os$"]);
    let want: Vec<&Value> = all.iter().filter(|e| s(e, "test") == "test_os").collect();
    assert!(!want.is_empty());
    assert_eq!(os.iter().collect::<Vec<_>>(), want);

    // runs with a `failed` event of a test that failed somewhere
    let failing = s(
        all.iter().find(|e| s(e, "kind") == "failed").unwrap(),
        "test",
    )
    .to_string();
    let pattern = format!("^{}$", regex::escape(&failing));
    let runs = rows(&["runs", "--test", &pattern, "--kind", "failed"]);
    let mut want: Vec<(String, u64)> = all
        .iter()
        .filter(|e| s(e, "test") == failing && s(e, "kind") == "failed")
        .map(|e| (s(e, "source").to_string(), e["run"].as_u64().unwrap()))
        .collect();
    want.dedup();
    let got: Vec<(String, u64)> = runs
        .iter()
        .map(|r| (s(r, "source").to_string(), r["run"].as_u64().unwrap()))
        .collect();
    assert!(!got.is_empty());
    assert_eq!(got, want);

    // stats rows of that test only
    let stats = rows(&["stats", "--test", &pattern]);
    assert!(!stats.is_empty());
    assert!(stats.iter().all(|r| s(r, "test") == failing));
}

#[test]
fn run_filters_keep_runs_by_builder_python_and_date() {
    let all = rows(&["runs"]);
    let builder = s(&all[0], "builder").to_string();
    let by_builder = rows(&[
        "runs",
        "--builder",
        &format!("^{}$", regex::escape(&builder)),
    ]);
    let want: Vec<&Value> = all.iter().filter(|r| s(r, "builder") == builder).collect();
    assert_eq!(by_builder.iter().collect::<Vec<_>>(), want);
    assert!(want.len() < all.len());

    let by_python = rows(&["runs", "--python", "3.12"]);
    let want: Vec<&Value> = all
        .iter()
        .filter(|r| {
            s(r, "python")
                .strip_prefix("3.12")
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(by_python.iter().collect::<Vec<_>>(), want);

    let mut dates: Vec<&str> = all
        .iter()
        .map(|r| s(r, "date"))
        .filter(|d| !d.is_empty())
        .collect();
    dates.sort();
    let (since, until) = (dates[dates.len() / 4], dates[dates.len() * 3 / 4]);
    let ranged = rows(&["runs", "--since", since, "--until", until]);
    let want: Vec<&Value> = all
        .iter()
        .filter(|r| !s(r, "date").is_empty() && s(r, "date") >= since && s(r, "date") <= until)
        .collect();
    assert!(!want.is_empty() && want.len() < all.len());
    assert_eq!(ranged.iter().collect::<Vec<_>>(), want);

    // stats over one builder's runs count only those runs
    let stats = rows(&[
        "stats",
        "--builder",
        &format!("^{}$", regex::escape(&builder)),
        "--kind",
        "all",
    ]);
    let passed_runs: u64 = stats
        .iter()
        .filter(|r| s(r, "kind") == "passed")
        .map(|r| r["runs"].as_u64().unwrap())
        .max()
        .unwrap_or(0);
    assert!(passed_runs as usize <= want_len(&all, &builder));
}

fn want_len(all: &[Value], builder: &str) -> usize {
    all.iter().filter(|r| s(r, "builder") == builder).count()
}

#[test]
fn bad_filter_values_are_usage_errors() {
    for args in [
        &["events", "--kind", "nonsense"][..],
        &["stats", "--since", "2024-13-01"],
        &["runs", "--test", "("],
        &["stats", "--group-by", "nonsense"],
        &["runs", "--columns", "nonsense"],
    ] {
        let out = common::flakelog()
            .args(args)
            .arg(archive())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.is_empty(), "{args:?}");
        if args[1] == "--kind" {
            assert!(
                err.contains("threads") && err.contains("dangling_thread"),
                "{err}"
            );
        }
    }
}

/// The table is the view for people: most serious kinds first, no `skipped`, `passed` or
/// `resource_denied` unless asked; CSV keeps every row, for scripts.
#[test]
fn the_table_shows_the_serious_rows_first_and_csv_keeps_every_row() {
    let table = common::flakelog()
        .args(["stats", "--format", "table", "-q"])
        .arg(archive())
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    let kinds: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|k| flakelog::kind::Kind::from_name(k).is_some())
        .collect();
    assert!(kinds.len() > 10, "{text}");
    assert!(
        !kinds
            .iter()
            .any(|k| matches!(*k, "skipped" | "passed" | "resource_denied"))
    );
    let severity: Vec<u8> = kinds
        .iter()
        .map(|k| flakelog::kind::Kind::from_name(k).unwrap().severity())
        .collect();
    assert!(severity.windows(2).all(|w| w[0] <= w[1]), "{kinds:?}");

    let csv = rows(&["stats"]);
    assert!(csv.iter().any(|r| s(r, "kind") == "skipped"));
    let all = rows(&["stats", "--kind", "all"]);
    assert!(all.iter().any(|r| s(r, "kind") == "passed"));

    // --columns: these, in this order, in every format
    let csv = common::flakelog()
        .args(["runs", "--format", "csv", "--columns", "python,source"])
        .arg(archive())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&csv.stdout);
    assert_eq!(text.lines().next(), Some("python,source"));
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .split(',')
            .nth(1)
            .unwrap()
            .ends_with(".log"),
        "{text}"
    );
}

/// `first_seen_at` and `first_commit` point at the earliest run by date, `example` and
/// `last_seen_at` at the latest, whatever order the files come in.
#[test]
fn pointers_follow_run_dates_not_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let old = std::fs::read_to_string(common::fixture("misc-kinds-3.9.log")).unwrap();
    assert!(old.contains("tags/v3.9.18:8f2d7f5, Aug 24 2023"));
    let new = old.replace(
        "tags/v3.9.18:8f2d7f5, Aug 24 2023",
        "tags/v3.9.19:1234abc, Sep 30 2023",
    );
    // the newer log first in name order
    std::fs::write(dir.path().join("a-new.log"), new).unwrap();
    std::fs::write(dir.path().join("b-old.log"), old).unwrap();
    let out = common::flakelog()
        .args(["stats", "--format", "jsonl", "--kind", "all"])
        .arg(dir.path())
        .output()
        .unwrap();
    // the second run of that log has no header, so no date: its rows point in input order
    let rows: Vec<Value> = common::jsonl(&out.stdout)
        .into_iter()
        .filter(|r| s(r, "first_seen").starts_with("20"))
        .collect();
    assert!(rows.len() > 5);
    for r in &rows {
        assert_eq!(s(r, "first_seen"), "2023-08-24", "{r}");
        assert_eq!(s(r, "last_seen"), "2023-09-30", "{r}");
        assert_eq!(s(r, "first_commit"), "8f2d7f5", "{r}");
        assert!(s(r, "first_seen_at").contains("b-old.log:"), "{r}");
        assert!(s(r, "last_seen_at").contains("a-new.log:"), "{r}");
        assert_eq!(s(r, "example"), s(r, "last_seen_at"), "{r}");
    }
    // and the runs and events say which commit they tested
    let runs = common::jsonl(
        &common::flakelog()
            .args(["runs", "--format", "jsonl"])
            .arg(dir.path())
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(s(&runs[0], "commit"), "1234abc");
}

/// The distinct runs (source, run) of some events.
fn runs_of<'a>(events: impl Iterator<Item = &'a Value>) -> usize {
    let runs: std::collections::BTreeSet<(String, u64)> = events
        .map(|e| (s(e, "source").to_string(), e["run"].as_u64().unwrap()))
        .collect();
    runs.len()
}

/// README's first question: which tests flaked most on a builder in a year, and what they
/// leaked, in one command; each row's runs equal what the events say.
#[test]
fn question_1_what_flaked_on_a_builder_in_a_year_and_what_it_leaked() {
    let events = rows(&["events"]);
    // the builder with the most flaky events, and the year of most of them
    let mut by_builder: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for e in events.iter().filter(|e| s(e, "kind") == "flaky") {
        let year = s(e, "date").get(..4).unwrap_or("").to_string();
        *by_builder
            .entry((s(e, "builder").to_string(), year))
            .or_default() += 1;
    }
    let ((builder, year), _) = by_builder.into_iter().max_by_key(|(_, n)| *n).unwrap();
    let (since, until) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let pattern = format!("^{}$", regex::escape(&builder));
    let got = rows(&[
        "stats",
        "--builder",
        &pattern,
        "--since",
        &since,
        "--until",
        &until,
        "--kind",
        "flaky,leaks",
    ]);
    let in_scope = |e: &&Value| {
        s(e, "builder") == builder
            && s(e, "date") >= since.as_str()
            && s(e, "date") <= until.as_str()
    };
    let leak = |k: &str| flakelog::kind::Kind::from_name(k).is_some_and(|k| k.is_warning());
    let mut want: std::collections::BTreeMap<(String, String, String), usize> = Default::default();
    for e in events
        .iter()
        .filter(in_scope)
        .filter(|e| s(e, "kind") == "flaky" || leak(s(e, "kind")))
    {
        want.insert(
            (
                s(e, "test").trim_start_matches("test.").to_string(),
                s(e, "kind").to_string(),
                s(e, "resource").to_string(),
            ),
            0,
        );
    }
    for (key, n) in want.iter_mut() {
        *n = runs_of(events.iter().filter(in_scope).filter(|e| {
            s(e, "test").trim_start_matches("test.") == key.0
                && s(e, "kind") == key.1
                && s(e, "resource") == key.2
        }));
    }
    let got: std::collections::BTreeMap<(String, String, String), usize> = got
        .iter()
        .map(|r| {
            (
                (
                    s(r, "test").to_string(),
                    s(r, "kind").to_string(),
                    s(r, "resource").to_string(),
                ),
                r["runs"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert!(got.keys().any(|k| k.1 == "flaky"), "{got:?}");
    assert_eq!(got, want);
}

/// README's second question: when a test started leaking threads, in any of their forms,
/// with the line and the commit of that first run.
#[test]
fn question_2_when_a_test_started_leaking_threads() {
    let events = rows(&["events", "--kind", "threads"]);
    let mut per_test: std::collections::BTreeMap<&str, usize> = Default::default();
    for e in &events {
        *per_test.entry(s(e, "test")).or_default() += 1;
    }
    let (test, _) = per_test.into_iter().max_by_key(|(_, n)| *n).unwrap();
    let first_date = events
        .iter()
        .filter(|e| s(e, "test") == test && !s(e, "date").is_empty())
        .map(|e| s(e, "date"))
        .min()
        .unwrap();
    let pattern = format!("^{}$", regex::escape(test));
    let got = rows(&["stats", "--test", &pattern, "--kind", "threads"]);
    let first = got
        .iter()
        .min_by_key(|r| s(r, "first_seen").to_string())
        .unwrap();
    assert_eq!(s(first, "first_seen"), first_date);
    // first_seen_at is a thread event of that test on that day
    let at = s(first, "first_seen_at");
    assert!(
        events.iter().any(|e| {
            format!("{}:{}", s(e, "source"), e["line"]) == at
                && s(e, "test") == test
                && s(e, "date") == first_date
        }),
        "{at}"
    );
}

/// README's third question: the command that reproduces each failing method.
#[test]
fn question_3_the_command_that_reproduces_a_failure() {
    let events = rows(&["events", "--kind", "method_failed,method_error"]);
    let test = s(&events[0], "test")
        .trim_start_matches("test.")
        .to_string();
    let pattern = format!("^(test\\.)?{}$", regex::escape(&test));
    let got = rows(&[
        "stats",
        "--test",
        &pattern,
        "--kind",
        "failures",
        "--group-by",
        "method",
    ]);
    assert!(!got.is_empty());
    for r in got.iter().filter(|r| !s(r, "method").is_empty()) {
        let repro = s(r, "repro");
        assert!(
            repro.starts_with("./python -m test ") && repro.contains(&test),
            "{r}"
        );
    }
    assert!(got.iter().any(|r| !s(r, "method").is_empty()), "{got:?}");
}
