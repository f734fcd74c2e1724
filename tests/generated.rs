//! The generated benchmark corpus (`examples/gen_corpus.rs`) against flakelog: every row of the
//! corpus's `truth.json` must come out of `flakelog stats` with exactly its events and runs, no
//! other row may come out, `flakelog runs` must count its runs, and the `.log.gz` copies must
//! give the same stats as the plain `.log` files.
//!
//! The generator counts every event as it writes the line, following the run semantics of
//! README.md, so any difference is either a parser bug or a generator bug; the failure message
//! lists the first differing rows (re-create the corpus with `cargo run --release --example
//! gen_corpus -- --out DIR --size 16MiB --seed 11` to look at it).

#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use flakelog::kind::Kind;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod common;

/// Kinds the generator never writes: buildbots are not interrupted by hand, and its verbose
/// output has no `unexpected success` (the genuine fixtures have one).
const NOT_GENERATED: &[&str] = &["interrupted", "method_unexpected_success"];

/// Two small corpora whose union holds every generated kind (seeds picked for that; if a change
/// to the generator loses a kind, `every_kind_is_exercised` says which, and other seeds can be
/// found with the loop in its message).
const CORPORA: &[(u64, u64)] = &[(16 << 20, 11), (16 << 20, 52)];

type Key = (String, String, String);
type Rows = BTreeMap<Key, (u64, u64)>;

/// `(test, kind, resource)` and `(events, runs)` of a truth or `stats` row.
fn row_of(r: &Value) -> (Key, (u64, u64)) {
    let key = (
        r["test"].as_str().unwrap().to_string(),
        r["kind"].as_str().unwrap().to_string(),
        r["resource"].as_str().unwrap().to_string(),
    );
    (
        key,
        (r["events"].as_u64().unwrap(), r["runs"].as_u64().unwrap()),
    )
}

struct Truth {
    files: u64,
    runs: u64,
    rows: Rows,
}

fn read_truth(dir: &Path) -> Truth {
    let text = std::fs::read_to_string(dir.join("truth.json")).expect("truth.json");
    let v: Value = serde_json::from_str(&text).expect("truth.json is JSON");
    let mut rows = Rows::new();
    for r in v["rows"].as_array().expect("rows") {
        let (key, value) = row_of(r);
        assert!(
            rows.insert(key.clone(), value).is_none(),
            "duplicate truth row {key:?}"
        );
    }
    Truth {
        files: v["files"].as_u64().unwrap(),
        runs: v["runs"].as_u64().unwrap(),
        rows,
    }
}

fn flakelog(args: &[&str], dir: &Path) -> Vec<Value> {
    let out = common::flakelog().args(args).arg(dir).assert().success();
    common::jsonl(&out.get_output().stdout)
}

/// `flakelog stats` rows of every kind, for the files matching `glob`.
fn stats(dir: &Path, glob: &str) -> Rows {
    let kinds = Kind::ALL.map(Kind::as_str).join(",");
    let mut rows = Rows::new();
    for r in flakelog(
        &[
            "stats", "-q", "--format", "jsonl", "--kind", &kinds, "--glob", glob,
        ],
        dir,
    ) {
        let (key, value) = row_of(&r);
        assert!(
            rows.insert(key.clone(), value).is_none(),
            "flakelog printed row {key:?} twice"
        );
    }
    rows
}

fn count_files(dir: &Path, suffix: &str) -> u64 {
    let mut n = 0;
    for builder in std::fs::read_dir(dir).unwrap() {
        let builder = builder.unwrap().path();
        if builder.is_dir() {
            for f in std::fs::read_dir(&builder).unwrap() {
                let f = f.unwrap().path();
                if f.to_string_lossy().ends_with(suffix) {
                    n += 1;
                }
            }
        }
    }
    n
}

/// The rows that differ, as readable lines (empty when equal).
fn differences(want: &Rows, got: &Rows) -> Vec<String> {
    let keys: BTreeSet<&Key> = want.keys().chain(got.keys()).collect();
    keys.into_iter()
        .filter(|k| want.get(*k) != got.get(*k))
        .map(|k| {
            let show = |v: Option<&(u64, u64)>| {
                v.map_or("absent".to_string(), |(e, r)| {
                    format!("events={e} runs={r}")
                })
            };
            format!(
                "  test={:?} kind={} resource={:?}: truth {}, flakelog {}",
                k.0,
                k.1,
                k.2,
                show(want.get(k)),
                show(got.get(k))
            )
        })
        .collect()
}

fn assert_same(what: &str, want: &Rows, got: &Rows) {
    let diff = differences(want, got);
    assert!(
        diff.is_empty(),
        "{what}: {} of {} truth rows / {} flakelog rows differ; first ones:\n{}",
        diff.len(),
        want.len(),
        got.len(),
        diff.iter().take(30).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Generate one corpus (`realistic`: with build steps and dressings) and check flakelog
/// against its truth, plain and gzipped.
fn check_corpus(size: u64, seed: u64, realistic: bool) -> Truth {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    if realistic {
        gen_corpus::generate_realistic(d, size, seed, true, true)
    } else {
        gen_corpus::generate(d, size, seed, true, true)
    }
    .expect("generate the corpus");
    let truth = read_truth(d);
    let what = format!(
        "corpus of {} MiB, seed {seed}, realistic {realistic}",
        size >> 20
    );

    // the truth is what a corpus of this size must hold: many logs, and a real workload
    assert_eq!(count_files(d, ".log"), truth.files, "{what}: .log files");
    assert_eq!(
        count_files(d, ".log.gz"),
        truth.files,
        "{what}: .log.gz files"
    );
    // a realistic log is mostly its build step: fewer logs in the same size
    let min_files = if realistic { 20 } else { 40 };
    assert!(
        truth.files >= min_files,
        "{what}: only {} logs",
        truth.files
    );
    assert!(truth.runs >= truth.files, "{what}: fewer runs than logs");
    let passed: u64 = truth
        .rows
        .iter()
        .filter(|(k, _)| k.1 == "passed")
        .map(|(_, v)| v.0)
        .sum();
    assert!(
        passed >= 250 * truth.files,
        "{what}: {passed} passed events"
    );

    // every row of the truth, and nothing else
    let plain = stats(d, "*.log");
    assert_same(
        &format!("{what}, stats of the .log files"),
        &truth.rows,
        &plain,
    );

    // every run
    let runs = flakelog(&["runs", "-q", "--format", "jsonl", "--glob", "*.log"], d);
    assert_eq!(runs.len() as u64, truth.runs, "{what}: flakelog runs");
    let sources: BTreeSet<&str> = runs.iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources.len() as u64,
        truth.files,
        "{what}: sources with a run"
    );

    // the gzip copies say the same
    let gz = stats(d, "*.log.gz");
    assert_same(&format!("{what}, .log.gz against .log"), &plain, &gz);
    truth
}

#[test]
fn generated_corpora_match_their_truth() {
    let mut seen = BTreeSet::new();
    for &(size, seed) in CORPORA {
        let truth = check_corpus(size, seed, false);
        seen.extend(truth.rows.keys().map(|k| k.1.clone()));
    }
    // every kind flakelog knows is exercised, so a regression in any of them shows up above
    let missing: Vec<&str> = Kind::ALL
        .map(Kind::as_str)
        .into_iter()
        .filter(|k| !NOT_GENERATED.contains(k) && !seen.contains(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "the test corpora hold no {missing:?} event; pick other seeds for CORPORA, e.g. with\n  \
         for s in $(seq 1 60); do cargo run -q --release --example gen_corpus -- --out /tmp/c$s \
         --size 16MiB --seed $s --no-gz; done\nand the kinds of each /tmp/c*/truth.json"
    );
}

/// Logs shaped like a real archive's (build steps, buildbot prefixes, GitHub Actions
/// timestamps, docker and colour dressings, gzip -6) give their truth too.
#[test]
fn a_realistic_corpus_matches_its_truth() {
    let truth = check_corpus(24 << 20, 3, true);
    assert!(truth.runs > 0);
}

/// The same seed gives the same bytes, and the comparison above is sensitive: one line more in
/// one log is a difference.
#[test]
fn generation_is_deterministic_and_a_changed_log_is_caught() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let size = 2 << 20;
    gen_corpus::generate(a.path(), size, 7, true, false).unwrap();
    gen_corpus::generate(b.path(), size, 7, true, false).unwrap();
    let list = |d: &Path| -> BTreeMap<String, Vec<u8>> {
        let mut m = BTreeMap::new();
        for entry in walk(d) {
            let rel = entry
                .strip_prefix(d)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            m.insert(rel, std::fs::read(&entry).unwrap());
        }
        m
    };
    let (la, lb) = (list(a.path()), list(b.path()));
    assert_eq!(
        la.keys().collect::<Vec<_>>(),
        lb.keys().collect::<Vec<_>>(),
        "same files"
    );
    for (name, bytes) in &la {
        assert!(
            bytes == &lb[name],
            "{name} differs between two runs of seed 7"
        );
    }
    let total: u64 = la
        .iter()
        .filter(|(n, _)| n.ends_with(".log"))
        .map(|(_, b)| b.len() as u64)
        .sum();
    assert!(total >= size, "{total} bytes of logs, asked for {size}");

    // tamper with one log: a warning of a test the log never ran
    let truth = read_truth(a.path());
    assert_same("untouched corpus", &truth.rows, &stats(a.path(), "*.log"));
    let victim = la
        .keys()
        .find(|n| n.ends_with(".log"))
        .map(|n| a.path().join(n))
        .unwrap();
    let mut bytes = std::fs::read(&victim).unwrap();
    let nl: &[u8] = if bytes.ends_with(b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    bytes.extend_from_slice(b"0:00:01 load avg: 0.10 [1/1/1] test_tampered failed (env changed)");
    bytes.extend_from_slice(nl);
    bytes.extend_from_slice(b"Warning -- os.environ was modified by test_tampered");
    bytes.extend_from_slice(nl);
    std::fs::write(&victim, bytes).unwrap();
    let diff = differences(&truth.rows, &stats(a.path(), "*.log"));
    assert!(
        diff.iter().any(|d| d.contains("test_tampered")),
        "a tampered log went unnoticed: {diff:?}"
    );
}

fn walk(d: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Sizes on the command line.
#[test]
fn sizes_parse() {
    assert_eq!(gen_corpus::parse_size("1GiB"), Ok(1 << 30));
    assert_eq!(gen_corpus::parse_size("3MiB"), Ok(3 << 20));
    assert_eq!(gen_corpus::parse_size("512KiB"), Ok(512 << 10));
    assert_eq!(gen_corpus::parse_size("4096"), Ok(4096));
    assert!(gen_corpus::parse_size("3 parsecs").is_err());
}
