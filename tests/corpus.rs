//! The real-log test: every `raw/*.log` of the shared corpus of real regrtest output
//! (`$FLAKELOG_CORPUS`, else `../shared/corpus`) is parsed and scored against its hand-read
//! `*.expect.json`, the way `shared/tools/check-corpus` scores it. Every file must match.
//! Skips with a notice when the corpus is absent, unless `FLAKELOG_CORPUS_REQUIRED` is set.

use flakelog::input::{Inflate, Source};
use flakelog::leak::Rules;
use flakelog::run::event::kinds;
use flakelog::scan::scan_source;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

const FAILURE_KINDS: &[&str] = &[
    "failed",
    "env_changed",
    "crashed",
    "timed_out",
    "interrupted",
    "worker_bug",
];

fn norm(name: &str) -> String {
    name.strip_prefix("test.").unwrap_or(name).to_string()
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

type Warning = (Option<String>, String, Option<String>);

/// Problems of one file, as check-corpus lists them.
fn score(log: &Path, expect: &Value, rules: &Rules) -> Vec<String> {
    let mut got_out: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    let mut got_leak: BTreeSet<Warning> = BTreeSet::new();
    let result = scan_source(
        &Source::Path(log.to_path_buf()),
        Inflate::InTheReader,
        rules,
        |_run, events| {
            for e in events {
                let test = e.test.as_deref().map(norm);
                if kinds::OUTCOMES.contains(&e.kind) {
                    got_out.entry(test).or_default().insert(e.kind.to_string());
                } else if kinds::WARNINGS.contains(&e.kind) {
                    got_leak.insert((test, e.kind.to_string(), e.resource.clone()));
                }
            }
        },
    );
    let mut problems = Vec::new();
    if let Err(e) = result {
        problems.push(format!("read error: {e}"));
    }
    let mut exp_out: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    if let Some(tests) = expect["tests"].as_object() {
        for (t, v) in tests {
            let kinds = v["results"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            exp_out
                .entry(Some(norm(t)))
                .or_default()
                .extend(kinds.map(str::to_string));
        }
    }
    for (t, kinds) in &exp_out {
        for k in kinds.iter().filter(|k| *k != "passed") {
            if !got_out.get(t).is_some_and(|g| g.contains(k)) {
                problems.push(format!("missing outcome {t:?} {k}"));
            }
        }
    }
    for (t, kinds) in &got_out {
        for k in kinds.iter().filter(|k| FAILURE_KINDS.contains(&k.as_str())) {
            if !exp_out.get(t).is_some_and(|e| e.contains(k)) {
                problems.push(format!("unexpected outcome {t:?} {k}"));
            }
        }
    }
    let exp_leak: BTreeSet<Warning> = expect["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|w| {
            w["kind"]
                .as_str()
                .is_some_and(|k| kinds::WARNINGS.contains(&k))
        })
        .map(|w| {
            (
                w["test"].as_str().map(norm),
                w["kind"].as_str().unwrap_or("").to_string(),
                w["resource"].as_str().map(str::to_string),
            )
        })
        .collect();
    let matches = |e: &Warning, g: &Warning| {
        e.1 == g.1 && (e.0.is_none() || e.0 == g.0) && (e.2.is_none() || e.2 == g.2)
    };
    for e in &exp_leak {
        if !got_leak.iter().any(|g| matches(e, g)) {
            problems.push(format!("missing warning {e:?}"));
        }
    }
    for g in &got_leak {
        if !exp_leak.iter().any(|e| matches(e, g)) {
            problems.push(format!("unexpected warning {g:?}"));
        }
    }
    problems
}

#[test]
fn every_corpus_log_matches_its_expectation() {
    let Some(raw) = corpus_dir() else { return };
    let rules = Rules::builtin();
    let mut logs: Vec<PathBuf> = std::fs::read_dir(&raw)
        .expect("corpus directory is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    assert!(!logs.is_empty(), "no .log files in {}", raw.display());
    let mut failures = Vec::new();
    for log in &logs {
        let expect_path = log.with_extension("expect.json");
        let text = std::fs::read_to_string(&expect_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let expect: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let problems = score(log, &expect, &rules);
        if !problems.is_empty() {
            failures.push(format!(
                "{}:\n    {}",
                log.display(),
                problems.join("\n    ")
            ));
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "corpus: {} files, {} matching",
        logs.len(),
        logs.len() - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} corpus files fall short:\n{}",
        failures.len(),
        logs.len(),
        failures.join("\n")
    );
}
