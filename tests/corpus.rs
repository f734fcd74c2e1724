//! The real-log ratchet: every `raw/*.log` of the shared corpus of real regrtest output
//! (`$FLAKELOG_CORPUS`, else `../shared/corpus`) is parsed and scored against its hand-read
//! `*.expect.json` the way `shared/tools/check-corpus` scores it, and the problems found are
//! compared with `tests/corpus-known-misses.txt` (one `file: problem` line each, in
//! check-corpus's wording).
//!
//! The test fails on a problem that is not in the list (a regression) and on a listed problem
//! that no longer occurs (the list may only shrink: delete the line). The goal is an empty list.
//! Skips with a notice when the corpus is absent, unless `FLAKELOG_CORPUS_REQUIRED` is set.

use flakelog::input::lines::Flow;
use flakelog::input::{Inflate, Source};
use flakelog::kind::Kind;
use flakelog::leak::Rules;
use flakelog::run::Keep;
use flakelog::scan::{listed, scan_source};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

const KNOWN_MISSES: &str = "tests/corpus-known-misses.txt";

/// check-corpus compares names without a leading `test.`.
fn norm(name: &str) -> String {
    name.strip_prefix("test.").unwrap_or(name).to_string()
}

/// Python's `str()` of an optional test name, as check-corpus prints it.
fn shown(name: &Option<String>) -> &str {
    name.as_deref().unwrap_or("None")
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("FLAKELOG_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    };
    let raw = dir.join("raw");
    if raw.is_dir() {
        return Some(raw);
    }
    assert!(
        std::env::var_os("FLAKELOG_CORPUS_REQUIRED").is_none(),
        "FLAKELOG_CORPUS_REQUIRED is set but {} is not a directory",
        raw.display()
    );
    // written to the stream itself, not through eprintln!, so the test harness shows it
    let _ = writeln!(
        std::io::stderr(),
        "NOTICE: real-log corpus not found at {}: corpus test skipped (set FLAKELOG_CORPUS)",
        raw.display()
    );
    None
}

/// (test, kind, resource) of a warning; `None` in an expectation matches anything.
type Warning = (Option<String>, String, Option<String>);

/// What flakelog found in one log.
#[derive(Default)]
struct Found {
    outcomes: BTreeMap<Option<String>, BTreeSet<String>>,
    warnings: BTreeSet<Warning>,
    results: Vec<String>,
    read_error: Option<String>,
}

fn parse(log: &Path, rules: &Rules) -> Found {
    let mut found = Found::default();
    let result = scan_source(
        &Source::Path(log.to_path_buf()),
        Inflate::InTheReader,
        rules,
        Keep::Events,
        |run, events| {
            found.results.extend(run.result.clone());
            for e in listed(events) {
                let test = e.test.as_deref().map(norm);
                if e.kind.is_outcome() {
                    let kinds = found.outcomes.entry(test).or_default();
                    kinds.insert(e.kind.as_str().to_string());
                } else if e.kind.is_warning() {
                    let key = (test, e.kind.as_str().to_string(), e.resource.clone());
                    found.warnings.insert(key);
                }
            }
            Flow::Continue
        },
    );
    found.read_error = result.err().map(|e| e.to_string());
    found
}

/// The problems of one file, in check-corpus's words and order.
fn score(log: &Path, expect: &Value, rules: &Rules) -> Vec<String> {
    let found = parse(log, rules);
    let mut problems = Vec::new();
    if let Some(e) = found.read_error {
        problems.push(format!("flakelog failed: {e}"));
    }
    let is_failure = |k: &str| Kind::from_name(k).is_some_and(Kind::is_failure_outcome);

    let mut expected: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    for (t, v) in expect["tests"].as_object().into_iter().flatten() {
        let kinds = v["results"].as_array().into_iter().flatten();
        expected
            .entry(Some(norm(t)))
            .or_default()
            .extend(kinds.filter_map(Value::as_str).map(str::to_string));
    }
    for (t, kinds) in &expected {
        for k in kinds {
            if !found.outcomes.get(t).is_some_and(|g| g.contains(k)) {
                problems.push(format!("missing outcome {} {k}", shown(t)));
            }
        }
    }
    for (t, kinds) in &found.outcomes {
        for k in kinds.iter().filter(|k| is_failure(k)) {
            if !expected.get(t).is_some_and(|e| e.contains(k)) {
                problems.push(format!("unexpected outcome {} {k}", shown(t)));
            }
        }
    }

    let expected_warnings: BTreeSet<Warning> = expect["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| {
            let kind = w["kind"].as_str()?;
            Kind::from_name(kind).filter(|k| k.is_warning())?;
            Some((
                w["test"].as_str().map(norm),
                kind.to_string(),
                w["resource"].as_str().map(str::to_string),
            ))
        })
        .collect();
    let matches = |e: &Warning, g: &Warning| {
        e.1 == g.1 && (e.0.is_none() || e.0 == g.0) && (e.2.is_none() || e.2 == g.2)
    };
    let say = |what: &str, w: &Warning| {
        let text = format!(
            "{what} warning {} {} {}",
            shown(&w.0),
            w.1,
            w.2.as_deref().unwrap_or("")
        );
        text.trim_end().to_string()
    };
    for e in &expected_warnings {
        if !found.warnings.iter().any(|g| matches(e, g)) {
            problems.push(say("missing", e));
        }
    }
    for g in &found.warnings {
        if !expected_warnings.iter().any(|e| matches(e, g)) {
            problems.push(say("unexpected", g));
        }
    }

    if let Some(want) = expect["summary"]["result"].as_str()
        && !found.results.iter().any(|r| r == want)
    {
        problems.push(format!("summary result '{want}' not among runs' results"));
    }
    problems
}

/// Every `file: problem` of the corpus as it scores today.
fn corpus_problems(raw: &Path) -> BTreeSet<String> {
    let rules = Rules::builtin();
    let mut logs: Vec<PathBuf> = std::fs::read_dir(raw)
        .expect("corpus directory is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    assert!(!logs.is_empty(), "no .log files in {}", raw.display());
    let mut all = BTreeSet::new();
    let mut matching = 0;
    for log in &logs {
        let expect_path = log.with_extension("expect.json");
        let text = std::fs::read_to_string(&expect_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let expect: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let name = log.file_name().unwrap().to_string_lossy().into_owned();
        let problems = score(log, &expect, &rules);
        matching += usize::from(problems.is_empty());
        all.extend(problems.into_iter().map(|p| format!("{name}: {p}")));
    }
    let _ = writeln!(
        std::io::stderr(),
        "corpus: {} files, {matching} matching, {} problems",
        logs.len(),
        all.len()
    );
    all
}

fn known_misses() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(KNOWN_MISSES);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_corpus_scores_no_worse_and_no_better_than_the_known_misses() {
    let Some(raw) = corpus_dir() else { return };
    let now = corpus_problems(&raw);
    let known = known_misses();
    let new: Vec<&String> = now.difference(&known).collect();
    let fixed: Vec<&String> = known.difference(&now).collect();
    let mut message = String::new();
    if !new.is_empty() {
        message += &format!(
            "{} new problem(s) on the real corpus (a regression, or add the line to {KNOWN_MISSES} \
             if it is a known miss):\n    {}\n",
            new.len(),
            new.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n    ")
        );
    }
    if !fixed.is_empty() {
        message += &format!(
            "{} known miss(es) no longer occur: delete them from {KNOWN_MISSES}:\n    {}\n",
            fixed.len(),
            fixed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n    ")
        );
    }
    assert!(message.is_empty(), "{message}");
}

/// The ratchet only means something if its scoring finds problems: a log scored against an
/// expectation it does not meet must give exactly the problems check-corpus would list.
#[test]
fn the_scoring_finds_what_check_corpus_finds() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("x.log");
    std::fs::write(
        &log,
        "0:00:01 [1/2] test_a passed\n0:00:02 [2/2/1] test_b failed\n\
         Warning -- reap_children() reaped child process 7\n",
    )
    .unwrap();
    let expect = serde_json::json!({
        "tests": {"test_a": {"results": ["passed"]}, "test_c": {"results": ["skipped", "passed"]}},
        "warnings": [{"test": null, "kind": "modified", "resource": "os.environ"}],
        "summary": {"result": "SUCCESS"},
    });
    let got = score(&log, &expect, &Rules::builtin());
    assert_eq!(
        got,
        vec![
            "missing outcome test_c passed",
            "missing outcome test_c skipped",
            "unexpected outcome test_b failed",
            "missing warning None modified os.environ",
            "unexpected warning test_b reap_children",
            "summary result 'SUCCESS' not among runs' results",
        ]
    );
}
