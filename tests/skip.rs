//! The bulk skip of lines while no run is open (issue #12): the needles of
//! `grammar::markers` are a superset of the lines that can change a fresh run builder, and
//! a stream read with the skip gives exactly the runs and events it gives line by line.
//!
//! Lines come from every fixture, the real corpus (`../shared/corpus` or
//! `$FLAKELOG_CORPUS`, skipped with a notice when absent) and a generated archive shaped
//! like a real one (build steps, dressings).

#[path = "../examples/gen_corpus.rs"]
#[allow(clippy::duplicate_mod)]
mod gen_corpus;

mod common;

use common::Dress;
use flakelog::grammar::markers::Markers;
use flakelog::input::lines::{Flow, Line};
use flakelog::leak::Rules;
use flakelog::run::{Keep, RunBuilder};
use flakelog::scan::{scan_bytes, scan_bytes_line_by_line};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(Rules::builtin)
}

fn corpus_logs() -> Vec<PathBuf> {
    let dir = std::env::var_os("FLAKELOG_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let Ok(entries) = std::fs::read_dir(dir.join("raw")) else {
        eprintln!(
            "NOTICE: no real-log corpus at {}: its lines are not checked",
            dir.display()
        );
        return Vec::new();
    };
    let mut logs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    logs
}

/// Every fixture (`fixtures/**.log`), every corpus log, and a small realistic archive (each
/// log in its own dressing), as (name, bytes).
fn logs() -> &'static Vec<(String, Vec<u8>)> {
    static LOGS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let mut paths = common::logs_under(&common::fixture(""));
        paths.extend(corpus_logs());
        let dir = tempfile::tempdir().unwrap();
        gen_corpus::generate_realistic(dir.path(), 6 << 20, 5, true, false).unwrap();
        paths.extend(common::logs_under(dir.path()));
        paths
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
            .collect()
    })
}

/// Is a fresh builder (plain stream) still fresh after `raw`?
fn leaves_fresh(raw: &[u8]) -> bool {
    let mut scratch = Vec::new();
    let text = flakelog::input::normalize::normalize(raw, &mut scratch);
    let mut builder = RunBuilder::new(rules(), Keep::Events, |_, _| Flow::Continue);
    builder.push_line(Line {
        number: 1,
        text,
        is_cut: false,
    });
    builder.is_fresh()
}

/// Every line that changes a fresh builder holds a marker: the skip never passes one over.
#[test]
fn every_line_that_changes_a_fresh_builder_holds_a_marker() {
    let markers = Markers::get();
    let mut checked = 0;
    let mut changing = 0;
    let mut missed = Vec::new();
    for (name, bytes) in logs() {
        for (n, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            checked += 1;
            if leaves_fresh(raw) {
                continue;
            }
            changing += 1;
            if !markers.may_matter(raw) {
                missed.push(format!(
                    "{name}:{}: {}",
                    n + 1,
                    String::from_utf8_lossy(raw)
                ));
            }
        }
    }
    assert!(
        checked > 100_000 && changing > 10_000,
        "{checked} lines, {changing} changing"
    );
    assert!(
        missed.is_empty(),
        "{} lines change a fresh builder and hold no marker, e.g.:\n{}",
        missed.len(),
        missed
            .iter()
            .take(200)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A line without a marker is passed over, so this test can fail: a builder that stayed
/// fresh after a line with no marker is what the skip relies on.
#[test]
fn build_lines_leave_a_fresh_builder_fresh_and_hold_no_marker() {
    let markers = Markers::get();
    for line in [
        "gcc -pthread -c -fno-strict-overflow -Werror=implicit-function-declaration -o Objects/abc.o Objects/abc.c",
        "./Python/ceval.c:415:58: warning: comparison of integer expressions of different signedness [-Wsign-compare]",
        "  415 |     if (bitsize <= 0 || bitsize > dict->size * 8) {",
        "12345 |     ^~~~",
        "checking for stdlib.h... yes",
        "make[1]: Entering directory '/home/buildbot/build'",
    ] {
        assert!(leaves_fresh(line.as_bytes()), "{line}");
        assert!(!markers.may_matter(line.as_bytes()), "{line}");
    }
    for line in [
        "== CPython 3.12.1 (main)",
        "0:00:01 [1/2] test_a passed",
        "......",
    ] {
        assert!(!leaves_fresh(line.as_bytes()), "{line}");
    }
}

/// Read with the bulk skip and line by line, every log (alone, and all of them joined in
/// one stream, in every dressing) gives the same runs and events.
#[test]
fn the_skip_changes_no_run_and_no_event() {
    let mut joined = Vec::new();
    for (n, (name, bytes)) in logs().iter().enumerate() {
        let skipped = scan_bytes(bytes, rules());
        let read = scan_bytes_line_by_line(bytes, rules());
        assert_eq!(skipped, read, "{name}");
        Dress::ALL[n % Dress::ALL.len()].apply_into(bytes, &mut joined);
    }
    let skipped = scan_bytes(&joined, rules());
    let read = scan_bytes_line_by_line(&joined, rules());
    assert!(skipped.len() > 30, "{} runs", skipped.len());
    assert_eq!(skipped, read, "all logs joined");
}
