//! No input bytes make the parser panic: random bytes, real-shaped logs with random
//! mutations, and every prefix of a log (a log cut anywhere).

mod common;

fn fixtures() -> Vec<Vec<u8>> {
    common::fixture_logs()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

use flakelog::leak::Rules;
use flakelog::scan::scan_bytes;

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: &[&[u8]] = &[
    b"\n",
    b"\r",
    b"\x1b[1;31m",
    b"\x00",
    b"\xff\xfe",
    b"o",
    b"e",
    b"Warning -- ",
    b"  Before: ",
    b"  After:  ",
    b"== CPython 3.12.1 ",
    b"0:00:00 ",
    b"[ 1/2] ",
    b"test_x failed",
    b"......",
    b"((((",
    b"{'",
    b"Re-running ",
    b"Run 2 tests in parallel using 2 worker processes\n",
    b"== Tests result: FAILURE then SUCCESS ==\n",
];

#[test]
fn random_bytes_never_panic() {
    let rules = Rules::builtin();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..300 {
        let len = rng.below(4096);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        scan_bytes(&bytes, &rules);
    }
}

#[test]
fn mutated_logs_never_panic() {
    let rules = Rules::builtin();
    let mut rng = Rng(42);
    for log in fixtures() {
        for _ in 0..40 {
            let mut lines: Vec<Vec<u8>> = log.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            for _ in 0..1 + rng.below(12) {
                let i = rng.below(lines.len());
                match rng.below(6) {
                    0 => {
                        lines.remove(i);
                    }
                    1 => {
                        let l = lines[i].clone();
                        lines.insert(i, l);
                    }
                    2 => {
                        let cut = rng.below(lines[i].len() + 1);
                        lines[i].truncate(cut);
                    }
                    3 => {
                        let at = rng.below(lines[i].len() + 1);
                        let s = SNIPPETS[rng.below(SNIPPETS.len())];
                        lines[i].splice(at..at, s.iter().copied());
                    }
                    4 if !lines[i].is_empty() => {
                        let at = rng.below(lines[i].len());
                        lines[i][at] ^= 1 << rng.below(8);
                    }
                    _ => {
                        let j = rng.below(lines.len());
                        lines.swap(i, j);
                    }
                }
                if lines.is_empty() {
                    break;
                }
            }
            scan_bytes(&lines.join(&b'\n'), &rules);
        }
    }
}

#[test]
fn every_cut_of_a_log_parses() {
    let rules = Rules::builtin();
    for log in fixtures() {
        let step = (log.len() / 200).max(1);
        for end in (0..log.len()).step_by(step) {
            scan_bytes(&log[..end], &rules);
        }
    }
}

#[test]
fn a_huge_line_is_fine() {
    let rules = Rules::builtin();
    let mut log = b"Warning -- os.environ was modified by test_x\n  Before: {".to_vec();
    for i in 0..200_000 {
        log.extend_from_slice(format!("'K{i}': 'v', ").as_bytes());
    }
    log.extend_from_slice(b"}\n  After:  {'K': 'v'} \n");
    let runs = scan_bytes(&log, &rules);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].1.len(), 1);
    assert_eq!(runs[0].1[0].kind.as_str(), "modified");
}

/// Found by `cargo fuzz run runs` (fuzz/fuzz_targets/runs.rs): in a 3.5-era log (progress lines
/// without results) a test the summary does not list passed, and its event took the progress
/// *index* as its line number: `[ 0/10] test_grammar` gave an event on line 0.
#[test]
fn fuzz_regression_derived_passes_carry_their_line() {
    let rules = Rules::builtin();
    let log = b"== CPython 3.5.10 (default, Sep 6 2020, 10:11:40)\nheader noise\n10:14:02 [ 0/10] test_grammar\n10:14:03 [ 7/10] test_opcodes\n2 tests OK.\nTests result: SUCCESS\n";
    let runs = scan_bytes(log, &rules);
    let lines: Vec<(u64, &str)> = runs[0]
        .1
        .iter()
        .map(|e| (e.line, e.test.as_deref().unwrap()))
        .collect();
    assert_eq!(lines, vec![(3, "test_grammar"), (4, "test_opcodes")]);
}

/// Every input the fuzzer ever crashed on (`fuzz/regressions/`) parses, and keeps the
/// invariants the fuzz target checks.
#[test]
fn fuzz_regressions_stay_fixed() {
    let rules = Rules::builtin();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        for (info, events) in scan_bytes(&data, &rules) {
            assert!(
                info.first_line <= info.last_line || info.first_line == 0,
                "{info:?}"
            );
            assert!(events.iter().all(|e| e.line >= 1), "an event on line 0");
        }
        seen += 1;
    }
    assert!(seen >= 1);
}

/// Found in review: headers inside a test's output, over and over, with long lines after them,
/// made the set-aside buffer replay into itself (12.6 GB, 54 s). Replay is now linear.
#[test]
fn set_aside_output_replays_in_linear_time() {
    let rules = Rules::builtin();
    let mut log = Vec::new();
    for _ in 0..500 {
        log.extend_from_slice(
            b"== CPython 3.12.1 (main, Dec 15 2023, 13:32:22)\n0:00:00 [1/2] test_a passed\n",
        );
    }
    for _ in 0..9 {
        log.extend(std::iter::repeat_n(b'x', 4 << 20));
        log.push(b'\n');
    }
    let runs = scan_bytes(&log, &rules);
    assert_eq!(runs.len(), 500);
    assert!(runs.iter().all(|(_, events)| events.len() == 1));
}
