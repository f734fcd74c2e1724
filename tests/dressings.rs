//! Streams as archives hold them (issue #9): logs in every dressing (buildbot channel
//! prefixes, CRLF, colours, GitHub Actions timestamps, a docker wrapper's prefix), read alone or
//! joined in one stream in any order, give the same runs and events as their plain text read
//! one by one.

use flakelog::grammar::{LineKind, classify};
use flakelog::leak::Rules;
use flakelog::run::{Event, RunInfo};
use flakelog::scan::scan_bytes;
use proptest::prelude::*;
use std::sync::OnceLock;

mod common;
use common::Dress;

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(Rules::builtin)
}

/// Does the log begin as a whole log does: is its first regrtest line a header or a run mode?
/// (A pasted summary joined after a cut log is that log's summary, in any reader.)
fn opens_a_run(log: &[u8]) -> bool {
    let first = log
        .split(|&b| b == b'\n')
        .map(classify)
        .find(|k| k.is_distinctive());
    matches!(first, Some(LineKind::Header(_) | LineKind::RunMode(_)))
}

/// A fixture's name, its bytes, and the dressings it can wear.
type Fixture = (String, Vec<u8>, Vec<Dress>);

/// The fixtures and the dressings each can wear (one already dressed wears only its own).
fn fixtures() -> &'static Vec<Fixture> {
    static LOGS: OnceLock<Vec<Fixture>> = OnceLock::new();
    LOGS.get_or_init(|| {
        common::fixture_logs()
            .iter()
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                let bytes = std::fs::read(p).unwrap();
                let dressed = name.starts_with("buildbot-") || name.contains("color");
                let dresses = if dressed {
                    vec![Dress::Plain]
                } else {
                    Dress::ALL.to_vec()
                };
                (name, bytes, dresses)
            })
            .collect()
    })
}

/// A run without where it is in its stream.
fn run_content(info: &RunInfo) -> RunInfo {
    RunInfo {
        run: 0,
        first_line: 0,
        last_line: 0,
        ..info.clone()
    }
}

/// An event without its line number.
fn event_content(e: &Event) -> Event {
    Event {
        line: 0,
        ..e.clone()
    }
}

type Content = Vec<(RunInfo, Vec<Event>)>;

fn content(bytes: &[u8]) -> Content {
    scan_bytes(bytes, rules())
        .iter()
        .map(|(info, events)| {
            (
                run_content(info),
                events.iter().map(event_content).collect(),
            )
        })
        .collect()
}

#[test]
fn every_dressing_reads_like_the_plain_log() {
    let mut wrong = Vec::new();
    for (name, bytes, dresses) in fixtures() {
        let plain = content(bytes);
        assert!(!plain.is_empty(), "{name} gives no run");
        for &dress in dresses {
            if content(&dress.apply(bytes)) != plain {
                wrong.push(format!("{name} as {dress:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "differs from plain: {wrong:?}");
}

/// The fixtures that begin as whole logs do.
fn whole_logs() -> &'static Vec<usize> {
    static WHOLE: OnceLock<Vec<usize>> = OnceLock::new();
    WHOLE.get_or_init(|| {
        let whole: Vec<usize> = (0..fixtures().len())
            .filter(|&i| opens_a_run(&fixtures()[i].1))
            .collect();
        assert!(whole.len() >= 15, "{whole:?}");
        whole
    })
}

/// Which whole log, in which dressing.
fn pieces() -> impl Strategy<Value = Vec<(usize, usize)>> {
    let n = whole_logs().len();
    prop::collection::vec((0..n, 0..Dress::ALL.len()), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn joined_logs_read_like_the_logs_one_by_one(pieces in pieces()) {
        let mut joined = Vec::new();
        let mut one_by_one = Content::new();
        let mut names = Vec::new();
        for (which, dress) in pieces {
            let (name, bytes, dresses) = &fixtures()[whole_logs()[which]];
            let dress = dresses[dress % dresses.len()];
            let dressed = dress.apply(bytes);
            names.push(format!("{name} as {dress:?}"));
            one_by_one.extend(content(&dressed));
            // a log that does not end its last line is joined as `cat` joins it
            if !joined.is_empty() && !joined.ends_with(b"\n") {
                joined.push(b'\n');
            }
            joined.extend_from_slice(&dressed);
        }
        let got = content(&joined);
        prop_assert_eq!(got.len(), one_by_one.len(), "runs of {:?}", names);
        for (n, (a, b)) in got.iter().zip(&one_by_one).enumerate() {
            prop_assert_eq!(a, b, "run {} of {:?}", n, names);
        }
    }
}

#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

/// `flakelog CMD --format jsonl` over `paths`, or over `stdin` when there are none.
fn rows(cmd: &str, paths: &[std::path::PathBuf], stdin: Option<Vec<u8>>) -> Vec<serde_json::Value> {
    let mut c = common::flakelog();
    c.args([cmd, "-q", "--format", "jsonl"]).args(paths);
    if let Some(bytes) = stdin {
        c.write_stdin(bytes);
    }
    common::jsonl(&c.assert().success().get_output().stdout)
}

/// A row without the columns that say where in the input it was found.
fn without_place(mut row: serde_json::Value) -> serde_json::Value {
    let o = row.as_object_mut().unwrap();
    for key in [
        "source",
        "run",
        "line",
        "example",
        "first_seen",
        "last_seen",
        "first_seen_at",
        "last_seen_at",
    ] {
        o.remove(key);
    }
    row
}

/// A generated archive where one log in seven has buildbot's prefixes and the others wear
/// the other dressings in turn, piped as `cat` and `zcat` would pipe it, gives the runs and
/// the stats of the directory.
#[test]
fn a_generated_archive_of_mixed_dressings_piped_reads_like_the_directory() {
    let plain = tempfile::tempdir().unwrap();
    gen_corpus::generate(plain.path(), 6 << 20, 11, true, false).unwrap();
    let logs = common::logs_under(plain.path());
    assert!(logs.len() >= 15, "{} logs", logs.len());

    let dressed = tempfile::tempdir().unwrap();
    let others = [
        Dress::Plain,
        Dress::Crlf,
        Dress::Ansi,
        Dress::Gha,
        Dress::Docker,
    ];
    let (mut cat, mut zcat, mut paths) = (Vec::new(), Vec::new(), Vec::new());
    for (n, log) in logs.iter().enumerate() {
        let dress = if n % 7 == 0 {
            Dress::Buildbot
        } else {
            others[n % others.len()]
        };
        let bytes = dress.apply(&std::fs::read(log).unwrap());
        let path = dressed.path().join(format!("{n:03}.log"));
        std::fs::write(&path, &bytes).unwrap();
        paths.push(path);
        cat.extend_from_slice(&bytes);
        zcat.extend(common::gzip(&bytes));
    }

    let dir_runs: Vec<_> = rows("runs", &paths, None)
        .into_iter()
        .map(without_place)
        .collect();
    assert!(dir_runs.len() >= logs.len());
    let piped_runs: Vec<_> = rows("runs", &[], Some(cat.clone()))
        .into_iter()
        .map(without_place)
        .collect();
    assert_eq!(piped_runs.len(), dir_runs.len(), "runs");
    assert_eq!(piped_runs, dir_runs);
    let gz_runs: Vec<_> = rows("runs", &[], Some(zcat))
        .into_iter()
        .map(without_place)
        .collect();
    assert_eq!(gz_runs, dir_runs);

    let dir_stats: Vec<_> = rows("stats", &paths, None)
        .into_iter()
        .map(without_place)
        .collect();
    let piped_stats: Vec<_> = rows("stats", &[], Some(cat))
        .into_iter()
        .map(without_place)
        .collect();
    assert!(dir_stats.len() > 50);
    assert_eq!(piped_stats, dir_stats);
}
