//! The bad-input matrix (issue #5): every kind of damage an archive holds, each checked for
//! its message on stderr (naming the file, and the line where it applies), the exit status,
//! and that the results of a good file read alongside are complete.

mod common;
use common::{fixture, gzip};

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const GOOD: &str = "era-e-3.12.log";

struct Outcome {
    code: i32,
    stderr: String,
    rows: Vec<Value>,
}

/// `flakelog events --format jsonl BAD GOOD`
fn run_with_good(bad: &Path, extra: &[&str]) -> Outcome {
    let out = Command::cargo_bin("flakelog")
        .unwrap()
        .args(["events", "--format", "jsonl"])
        .args(extra)
        .arg(bad)
        .arg(fixture(GOOD))
        .output()
        .unwrap();
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        rows: String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    }
}

fn rows_of(rows: &[Value], source_suffix: &str) -> Vec<Value> {
    rows.iter()
        .filter(|r| r["source"].as_str().unwrap().ends_with(source_suffix))
        .cloned()
        .collect()
}

fn without_source(rows: Vec<Value>) -> Vec<Value> {
    rows.into_iter()
        .map(|mut r| {
            r.as_object_mut().unwrap().remove("source");
            r
        })
        .collect()
}

/// The good file's rows alongside a bad one are exactly its rows alone.
fn assert_good_complete(o: &Outcome) {
    let alone = Command::cargo_bin("flakelog")
        .unwrap()
        .args(["events", "--format", "jsonl"])
        .arg(fixture(GOOD))
        .output()
        .unwrap();
    let alone: Vec<Value> = String::from_utf8_lossy(&alone.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!alone.is_empty());
    let got = without_source(rows_of(&o.rows, GOOD));
    assert!(
        got == without_source(alone),
        "the good file's rows differ when read with a bad one"
    );
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

#[test]
fn truncated_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let gz = gzip(&std::fs::read(fixture("era-d-3.10.log")).unwrap().repeat(30));
    let bad = write(dir.path(), "cut.log.gz", &gz[..gz.len() / 2]);
    let o = run_with_good(&bad, &[]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("cut.log.gz: after line "), "{}", o.stderr);
    assert!(
        !rows_of(&o.rows, "cut.log.gz").is_empty(),
        "what was read before the cut is kept"
    );
    assert_good_complete(&o);
}

#[test]
fn gzip_with_trailing_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = gzip(&std::fs::read(fixture("two-runs.log")).unwrap());
    gz.extend_from_slice(b"this is not gzip, it is junk appended by a broken upload");
    let bad = write(dir.path(), "trailing.log.gz", &gz);
    let o = run_with_good(&bad, &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("trailing.log.gz"), "{}", o.stderr);
    // the whole log before the junk is there: both of its runs
    let runs: std::collections::BTreeSet<u64> = rows_of(&o.rows, "trailing.log.gz")
        .iter()
        .map(|r| r["run"].as_u64().unwrap())
        .collect();
    assert_eq!(runs.len(), 2);
    assert_good_complete(&o);
}

#[test]
fn empty_file_is_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "empty.log", b"");
    let o = run_with_good(&bad, &[]);
    let said = format!("flakelog: {}: no regrtest run found\n", bad.display());
    assert_eq!((o.code, o.stderr.as_str()), (0, said.as_str()));
    assert!(rows_of(&o.rows, "empty.log").is_empty());
    assert_good_complete(&o);
}

#[test]
fn random_binary_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut x: u64 = 0x1234_5678_9abc_def1;
    let data: Vec<u8> = (0..2_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let bad = write(dir.path(), "core.log", &data);
    let o = run_with_good(&bad, &[]);
    let said = format!("flakelog: {}: no regrtest run found\n", bad.display());
    assert_eq!((o.code, o.stderr.as_str()), (0, said.as_str()));
    assert_good_complete(&o);
}

#[test]
fn latin1_cp1252_and_invalid_utf8_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(fixture("misc-kinds-3.9.log")).unwrap();
    // the same log as a Windows worker writes it: cp1252/Latin-1 instead of UTF-8 (æ = 0xE6),
    // plus a stray invalid byte sequence in test output
    let latin1: Vec<u8> = String::from_utf8(text)
        .unwrap()
        .chars()
        .map(|c| {
            if (c as u32) < 256 {
                c as u32 as u8
            } else {
                b'?'
            }
        })
        .chain(*b"test output \x80\x81\xfe\xff with \x93smart quotes\x94\n")
        .collect();
    let bad = write(dir.path(), "cp1252.log", &latin1);
    let o = run_with_good(&bad, &[]);
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
    let rows = rows_of(&o.rows, "cp1252.log");
    let utf8 = Command::cargo_bin("flakelog")
        .unwrap()
        .args(["events", "--format", "jsonl"])
        .arg(fixture("misc-kinds-3.9.log"))
        .output()
        .unwrap();
    let want = String::from_utf8_lossy(&utf8.stdout).lines().count();
    assert_eq!(rows.len(), want, "every event is found in the Latin-1 copy");
    // the cwd's 0xE6 does not stop the builder being found
    assert!(
        rows.iter()
            .filter(|r| r["run"] == 0)
            .all(|r| r["builder"] == "3.9.ware-win11")
    );
    assert_good_complete(&o);
}

#[test]
fn nul_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read(fixture("era-c-3.7.log")).unwrap();
    for i in (0..text.len()).step_by(97) {
        if text[i] != b'\n' {
            text[i] = 0;
        }
    }
    text.extend_from_slice(b"\0\0\0\n\0");
    let bad = write(dir.path(), "nul.log", &text);
    let o = run_with_good(&bad, &[]);
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
    assert_good_complete(&o);
}

#[test]
fn a_50_mb_line_is_cut_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = b"0:00:00 Run 1 test sequentially\n0:00:00 [1/1] test_os\nWarning -- os.environ was modified by test_os\n  Before: {".to_vec();
    while log.len() < 50 << 20 {
        log.extend_from_slice(b"'VARIABLE_NAME_THAT_IS_LONG': 'some value here', ");
    }
    log.extend_from_slice(b"}\n  After:  {'A': '1'} \ntest_os failed (env changed)\n");
    let bad = write(dir.path(), "huge.log", &log);
    let o = run_with_good(&bad, &[]);
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
    let rows = rows_of(&o.rows, "huge.log");
    let modified: Vec<&Value> = rows.iter().filter(|r| r["kind"] == "modified").collect();
    assert_eq!(modified.len(), 1);
    assert!(
        modified[0]["detail"]
            .as_str()
            .unwrap()
            .contains("[line cut at 4 MiB]"),
        "{}",
        modified[0]
    );
    // counting goes on after the cut: the lines after it keep their numbers
    let verdict = rows.iter().find(|r| r["kind"] == "env_changed").unwrap();
    assert_eq!(verdict["line"], 6);
    assert_good_complete(&o);
}

#[test]
fn a_log_cut_mid_line_and_mid_before_after() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("envchanged-reasons-3.15.log")).unwrap();
    // cut inside the `Before:` value of the first `modified` warning
    let at = text.find("Warning --   Before: (").unwrap() + 60;
    let bad = write(dir.path(), "cut.log", &text.as_bytes()[..at]);
    let o = run_with_good(&bad, &[]);
    assert_eq!(
        (o.code, o.stderr.as_str()),
        (0, ""),
        "kept and marked, not an error"
    );
    let rows = rows_of(&o.rows, "cut.log");
    assert!(rows.iter().any(|r| r["kind"] == "modified"
        && r["resource"] == "os.environ"
        && r["test"] == "test_os"));
    assert!(
        rows.iter()
            .any(|r| r["kind"] == "env_changed" && r["test"] == "test_os")
    );
    assert_good_complete(&o);
    // --strict names the cut run and fails; the runs table marks it
    let strict = run_with_good(&bad, &["--strict"]);
    assert_eq!(strict.code, 1);
    let last_line = text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    let said =
        format!("cut.log: line {last_line}: run 0 (lines 1-{last_line}) has no final summary");
    assert!(strict.stderr.contains(&said), "{}", strict.stderr);
    assert_eq!(strict.rows, o.rows);
    let runs = Command::cargo_bin("flakelog")
        .unwrap()
        .args(["runs", "--format", "jsonl"])
        .arg(&bad)
        .output()
        .unwrap();
    let run: Value =
        serde_json::from_slice(runs.stdout.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(run["complete"], false);
    // a complete log passes --strict
    let fine = Command::cargo_bin("flakelog")
        .unwrap()
        .args(["runs", "--strict"])
        .arg(fixture(GOOD))
        .output()
        .unwrap();
    assert_eq!(fine.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn a_directory_symlink_loop() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(GOOD), dir.path().join(GOOD)).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let out = Command::cargo_bin("flakelog")
        .unwrap()
        .args(["events", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("loop") && stderr.contains("symbolic link loop"),
        "{stderr}"
    );
    let o = Outcome {
        code: 1,
        stderr: stderr.into_owned(),
        rows: String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    };
    // the file is read once, not once per trip round the loop
    assert_good_complete(&o);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "secret.log", b"== CPython 3.12.1\n");
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let good = dir.path().join(GOOD);
    std::fs::copy(fixture(GOOD), &good).unwrap();
    std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o644)).unwrap();
    // root reads any file: run as `nobody` when we are root, from a copy of the binary that
    // `nobody` can reach wherever the checkout lives
    let bin = dir.path().join("flakelog");
    std::fs::copy(assert_cmd::cargo::cargo_bin("flakelog"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = if unsafe { libc_geteuid() } == 0 {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let out = cmd
        .args(["events", "--format", "jsonl"])
        .arg(&bad)
        .arg(&good)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("secret.log") && stderr.to_lowercase().contains("permission denied"),
        "{stderr}"
    );
    let rows: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let o = Outcome {
        code: 1,
        stderr: stderr.into_owned(),
        rows,
    };
    assert!(rows_of(&o.rows, "secret.log").is_empty());
    assert_eq!(rows_of(&o.rows, GOOD).len(), {
        let alone = Command::cargo_bin("flakelog")
            .unwrap()
            .args(["events", "--format", "jsonl"])
            .arg(&good)
            .output()
            .unwrap();
        String::from_utf8_lossy(&alone.stdout).lines().count()
    });
}

unsafe extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

#[test]
fn a_path_that_does_not_exist() {
    let o = run_with_good(Path::new("no/such/file.log"), &[]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("no/such/file.log") && o.stderr.contains("No such file"),
        "{}",
        o.stderr
    );
    assert_good_complete(&o);
}
