//! Property tests (issue #5): for arbitrary bytes, and for real-shaped logs with random
//! damage, the parser never panics, the `events` rows are exactly what `stats` counts, and the
//! output does not depend on the thread count or on stdin versus a file.

use assert_cmd::Command;
use flakelog::leak::Rules;
use flakelog::run::digest::RunDigest;
use flakelog::scan::scan_bytes;
use flakelog::stats::Summary;
use proptest::prelude::*;
use std::path::Path;

mod common;
use std::sync::OnceLock;

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(Rules::builtin)
}

fn fixtures() -> &'static Vec<Vec<u8>> {
    static LOGS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        common::fixture_logs()
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    })
}

/// One way to damage a log, applied at a line chosen by `at`.
#[derive(Debug, Clone)]
enum Damage {
    Drop,
    Duplicate,
    Cut(usize),
    FlipBit(usize, u8),
    Crlf,
    Ansi(usize),
    BuildbotPrefix(u8),
    Insert(Vec<u8>),
    Swap(usize),
}

fn damage() -> impl Strategy<Value = (usize, Damage)> {
    let kind = prop_oneof![
        Just(Damage::Drop),
        Just(Damage::Duplicate),
        any::<usize>().prop_map(Damage::Cut),
        (any::<usize>(), 0u8..8).prop_map(|(i, b)| Damage::FlipBit(i, b)),
        Just(Damage::Crlf),
        any::<usize>().prop_map(Damage::Ansi),
        prop::sample::select(vec![b'o', b'e', b'h']).prop_map(Damage::BuildbotPrefix),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(Damage::Insert),
        any::<usize>().prop_map(Damage::Swap),
    ];
    (any::<usize>(), kind)
}

fn damaged_log() -> impl Strategy<Value = Vec<u8>> {
    (0..fixtures().len(), prop::collection::vec(damage(), 0..16)).prop_map(|(which, damages)| {
        let mut lines: Vec<Vec<u8>> = fixtures()[which]
            .split(|&b| b == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        for (at, d) in damages {
            if lines.is_empty() {
                break;
            }
            let i = at % lines.len();
            match d {
                Damage::Drop => {
                    lines.remove(i);
                }
                Damage::Duplicate => lines.insert(i, lines[i].clone()),
                Damage::Cut(n) => {
                    let n = n % (lines[i].len() + 1);
                    lines[i].truncate(n);
                }
                Damage::FlipBit(n, bit) => {
                    if !lines[i].is_empty() {
                        let n = n % lines[i].len();
                        lines[i][n] ^= 1 << bit;
                    }
                }
                Damage::Crlf => lines[i].push(b'\r'),
                Damage::Ansi(n) => {
                    let n = n % (lines[i].len() + 1);
                    lines[i].splice(n..n, b"\x1b[1;31m".iter().copied());
                }
                Damage::BuildbotPrefix(c) => lines[i].insert(0, c),
                Damage::Insert(bytes) => lines.insert(i, bytes),
                Damage::Swap(j) => {
                    let j = j % lines.len();
                    lines.swap(i, j);
                }
            }
        }
        lines.join(&b'\n')
    })
}

/// The number of events, and what a `Summary` counts of the same runs.
fn events_and_summary(bytes: &[u8]) -> (u64, u64, u64) {
    let runs = scan_bytes(bytes, rules());
    let mut summary = Summary::default();
    let mut events = 0;
    for (info, evs) in &runs {
        events += evs.len() as u64;
        summary.add_run(0, "-", info, &RunDigest::from_events(evs), &[]);
    }
    (events, summary.events, summary.runs)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..8192)) {
        let (events, counted, _) = events_and_summary(&bytes);
        prop_assert_eq!(events, counted);
    }

    #[test]
    fn damaged_logs_never_panic_and_stats_count_every_event(log in damaged_log()) {
        let (events, counted, runs) = events_and_summary(&log);
        prop_assert_eq!(events, counted);
        prop_assert_eq!(runs, scan_bytes(&log, rules()).len() as u64);
    }
}

fn flakelog_out(args: &[&str], file: Option<&Path>, stdin: Option<&[u8]>) -> Vec<u8> {
    let mut cmd = Command::cargo_bin("flakelog").unwrap();
    cmd.args(args);
    if let Some(f) = file {
        cmd.arg(f);
    }
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_vec());
    }
    cmd.output().unwrap().stdout
}

proptest! {
    // each case runs the binary several times: fewer cases
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn output_is_the_same_at_any_thread_count_and_from_stdin(a in damaged_log(), b in damaged_log()) {
        let dir = tempfile::tempdir().unwrap();
        let (pa, pb) = (dir.path().join("a.log"), dir.path().join("b.log"));
        std::fs::write(&pa, &a).unwrap();
        std::fs::write(&pb, &b).unwrap();
        for command in ["events", "stats", "runs"] {
            let one = flakelog_out(&[command, "--format", "csv", "-j1"], Some(dir.path()), None);
            let two = flakelog_out(&[command, "--format", "csv", "-j2"], Some(dir.path()), None);
            prop_assert_eq!(&one, &two);
        }
        // stdin and the file give the same rows but for the `source` column
        let file = flakelog_out(&["events", "--format", "jsonl"], Some(&pa), None);
        let piped = flakelog_out(&["events", "--format", "jsonl"], None, Some(&a));
        let strip = |out: &[u8]| -> Vec<serde_json::Value> {
            String::from_utf8_lossy(out).lines().map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("source");
                v
            }).collect()
        };
        prop_assert_eq!(strip(&file), strip(&piped));
        // and `events` has as many rows as `stats` counted events
        let events = strip(&file).len();
        let stats_table = flakelog_out(&["stats", "--format", "table"], Some(&pa), None);
        let last = String::from_utf8_lossy(&stats_table).lines().last().unwrap_or("").to_string();
        prop_assert!(last.contains(&format!(", {events} events,")), "{}", last);
    }
}
