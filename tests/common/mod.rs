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

/// How an archive may dress a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dress {
    Plain,
    /// Windows line ends.
    Crlf,
    /// buildbot's log-contents form: `h` lines around it, `o`/`e` before every line.
    Buildbot,
    /// colour codes around words and at line starts (3.14, `FORCE_COLOR`).
    Ansi,
    /// a GitHub Actions raw log: an ISO timestamp before every line.
    Gha,
    /// a GitHub Actions log of a docker build: the timestamp, then the container's prefix.
    Docker,
}

impl Dress {
    pub const ALL: [Dress; 6] = [
        Dress::Plain,
        Dress::Crlf,
        Dress::Buildbot,
        Dress::Ansi,
        Dress::Gha,
        Dress::Docker,
    ];

    /// `log` in this dressing.
    pub fn apply(self, log: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(log.len() * 2);
        if self == Dress::Buildbot {
            out.extend_from_slice(b"hmake buildbottest TESTOPTS=-j2\nh argv: [b'make', b'buildbottest']\nh using PTY: False\n");
        }
        let ends_with_newline = log.ends_with(b"\n");
        let body = log.strip_suffix(b"\n").unwrap_or(log);
        for (n, line) in body.split(|&b| b == b'\n').enumerate() {
            if n > 0 {
                out.extend_from_slice(if self == Dress::Crlf { b"\r\n" } else { b"\n" });
            }
            match self {
                Dress::Plain | Dress::Crlf => out.extend_from_slice(line),
                Dress::Buildbot => {
                    let stderr = line.starts_with(b"Warning") || line.starts_with(b"test ");
                    out.push(if stderr { b'e' } else { b'o' });
                    out.extend_from_slice(line);
                }
                Dress::Ansi => {
                    out.extend_from_slice(b"\x1b[0m");
                    for (i, word) in line.split(|&b| b == b' ').enumerate() {
                        if i > 0 {
                            out.push(b' ');
                        }
                        let coloured = matches!(word, b"passed" | b"failed" | b"skipped");
                        if coloured {
                            out.extend_from_slice(b"\x1b[1;32m");
                        }
                        out.extend_from_slice(word);
                        if coloured {
                            out.extend_from_slice(b"\x1b[0m");
                        }
                    }
                }
                Dress::Gha | Dress::Docker => {
                    out.extend_from_slice(b"2025-01-22T10:11:12.1234567Z ");
                    if self == Dress::Docker {
                        out.extend_from_slice(b"cpython-3.13> ");
                    }
                    out.extend_from_slice(line);
                }
            }
        }
        if ends_with_newline {
            out.extend_from_slice(if self == Dress::Crlf { b"\r\n" } else { b"\n" });
        }
        if self == Dress::Buildbot {
            if !out.ends_with(b"\n") {
                out.push(b'\n');
            }
            out.extend_from_slice(b"hprogram finished with exit code 2\nhelapsedTime=1804.331\n");
        }
        out
    }
}
