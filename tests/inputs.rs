//! What archives hold besides logs (issue #9): every compressor, files that are not logs,
//! the same file reached twice, and the totals line that counts them alike in every command.

mod common;
use common::{fixture, flakelog, jsonl};

use serde_json::Value;
use std::io::Write;
use std::path::Path;

const LOG: &str = "era-e-3.12.log";

fn xz(data: &[u8]) -> Vec<u8> {
    let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn bz2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Rows without their `source`.
fn content(rows: Vec<Value>) -> Vec<Value> {
    rows.into_iter()
        .map(|mut r| {
            r.as_object_mut().unwrap().remove("source");
            r
        })
        .collect()
}

#[test]
fn the_same_log_in_every_compressor_gives_identical_rows() {
    let text = std::fs::read(fixture(LOG)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (half_a, half_b) = text.split_at(text.len() / 2);
    let copies: [(&str, Vec<u8>); 5] = [
        ("plain.log", text.clone()),
        ("log.gz", common::gzip(&text)),
        // two members or frames each, as archives that append hold them
        ("log.xz", [xz(half_a), xz(half_b)].concat()),
        (
            "log.zst",
            [
                zstd::encode_all(half_a, 3).unwrap(),
                zstd::encode_all(half_b, 3).unwrap(),
            ]
            .concat(),
        ),
        ("log.bz2", [bz2(half_a), bz2(half_b)].concat()),
    ];
    let mut all = Vec::new();
    for (name, bytes) in &copies {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = flakelog()
            .args(["events", "--format", "jsonl"])
            .arg(&path)
            .assert()
            .success();
        all.push((name, content(jsonl(&out.get_output().stdout))));
        // and from stdin
        let piped = flakelog()
            .args(["events", "--format", "jsonl"])
            .write_stdin(bytes.clone())
            .assert()
            .success();
        assert_eq!(
            content(jsonl(&piped.get_output().stdout)),
            all.last().unwrap().1
        );
    }
    assert!(all[0].1.len() > 20);
    for (name, rows) in &all[1..] {
        assert_eq!(rows, &all[0].1, "{name}");
    }
    // a cut xz, zstd or bzip2 stream is named with the line it stopped after, like gzip
    for (name, bytes) in &copies[2..] {
        let cut = dir.path().join(format!("cut.{name}"));
        std::fs::write(&cut, &bytes[..bytes.len() * 3 / 4]).unwrap();
        let out = flakelog().args(["events"]).arg(&cut).assert().code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr);
        assert!(stderr.contains("after line"), "{name}: {stderr}");
    }
}

#[test]
fn an_input_without_a_run_is_named_counted_and_strict_fails_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("Cargo.toml");
    std::fs::write(&toml, b"[package]\nname = \"x\"\n").unwrap();
    let json = dir.path().join("results.json");
    std::fs::write(&json, b"{\"runs\": []}\n").unwrap();
    for cmd in ["events", "runs", "stats"] {
        let out = flakelog()
            .args([cmd, "--format", "table"])
            .arg(fixture(LOG))
            .arg(&toml)
            .arg(&json)
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr);
        assert_eq!(
            stderr,
            format!(
                "flakelog: {}: no regrtest run found\nflakelog: {}: no regrtest run found\n",
                toml.display(),
                json.display()
            ),
            "{cmd}"
        );
        let stdout = String::from_utf8_lossy(&out.get_output().stdout);
        let totals = stdout.lines().last().unwrap();
        assert!(
            totals.starts_with("3 files, 1 runs,")
                && totals.ends_with(", 0 errors, 2 files without a run"),
            "{cmd}: {totals}"
        );
        flakelog()
            .args([cmd, "--strict"])
            .arg(fixture(LOG))
            .arg(&toml)
            .assert()
            .code(1);
    }
    // stdin too
    let out = flakelog()
        .args(["runs"])
        .write_stdin("hello\n")
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "flakelog: -: no regrtest run found\n"
    );
}

#[test]
fn the_totals_line_counts_files_alike_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let bad_gz = dir.path().join("cut.log.gz");
    let gz = common::gzip(&std::fs::read(fixture("era-c-3.7.log")).unwrap());
    std::fs::write(&bad_gz, &gz[..gz.len() / 2]).unwrap();
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    let mut lines = Vec::new();
    for cmd in ["events", "runs", "stats"] {
        let out = flakelog()
            .args([cmd, "--format", "table"])
            .arg(fixture(LOG))
            .arg(&bad_gz)
            .arg(&empty)
            .arg(dir.path().join("missing.log"))
            .assert()
            .code(1);
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        lines.push(stdout.lines().last().unwrap().to_string());
    }
    assert!(lines[0].starts_with("4 files, "), "{}", lines[0]);
    assert!(
        lines[0].ends_with(", 2 errors, 1 files without a run"),
        "{}",
        lines[0]
    );
    assert!(lines.iter().all(|l| l == &lines[0]), "{lines:?}");
}

fn read_sources(args: &[&Path]) -> (Vec<String>, String) {
    let out = flakelog()
        .args(["runs", "--format", "jsonl"])
        .args(args)
        .assert()
        .success();
    let sources = jsonl(&out.get_output().stdout)
        .iter()
        .map(|r| r["source"].as_str().unwrap().to_string())
        .collect();
    (
        sources,
        String::from_utf8_lossy(&out.get_output().stderr).into_owned(),
    )
}

#[test]
fn a_walk_reads_log_like_names_and_all_files_reads_everything() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = std::fs::read(fixture(LOG)).unwrap();
    std::fs::write(d.join("a.log"), &log).unwrap();
    std::fs::write(d.join("stdio"), &log).unwrap();
    std::fs::write(d.join("b.log.gz"), common::gzip(&log)).unwrap();
    std::fs::write(d.join("truth.json"), b"{}\n").unwrap();
    std::fs::write(d.join("a.expect.json"), b"{}\n").unwrap();
    let (sources, stderr) = read_sources(&[d]);
    let names: Vec<&str> = sources
        .iter()
        .map(|s| s.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(names, vec!["a.log", "b.log.gz", "stdio"]);
    assert_eq!(stderr, "");
    let out = flakelog()
        .args(["runs", "--all-files"])
        .arg(d)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains("truth.json: no regrtest run found")
            && stderr.contains("a.expect.json: no regrtest run found"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_file_reached_twice_is_read_once_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("build123")).unwrap();
    std::fs::copy(fixture(LOG), d.join("build123/test.log")).unwrap();
    std::os::unix::fs::symlink(d.join("build123"), d.join("latest")).unwrap();
    let (sources, stderr) = read_sources(&[d]);
    assert_eq!(sources.len(), 1, "{sources:?}");
    assert!(sources[0].ends_with("build123/test.log"));
    assert!(
        stderr.contains("latest/test.log: the same file as") && stderr.contains("read once"),
        "{stderr}"
    );
    let file = d.join("build123/test.log");
    let (twice, _) = read_sources(&[&file, &file]);
    assert_eq!(twice.len(), 1);
}
