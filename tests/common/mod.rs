//! What the integration tests share: fixtures, gzip, the binary, JSON Lines.
#![allow(dead_code)]

use flate2::{Compression, write::GzEncoder};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Every `fixtures/*.log`, in name order.
pub fn fixture_logs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut logs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    logs
}

/// Every `*.log` under `dir`, in path order.
pub fn logs_under(dir: &Path) -> Vec<PathBuf> {
    let mut logs: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
        .map(|e| e.into_path())
        .collect();
    logs.sort();
    logs
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn flakelog() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("flakelog").unwrap()
}

pub fn jsonl(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

// also part of gen_corpus (examples/), which some tests include beside this
#[allow(clippy::duplicate_mod)]
#[path = "../../examples/support/dress.rs"]
mod dress;
#[allow(unused_imports)]
pub use dress::Dress;
