//! How an archive may dress a log: shared by the generated corpus (`examples/gen_corpus.rs`,
//! `--realistic`) and the integration tests, so both dress logs the same way.

/// A dressing: what a stream adds around every line of a log.
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
        let mut out = Vec::with_capacity(log.len() + log.len() / 2);
        self.apply_into(log, &mut out);
        out
    }

    /// `log` in this dressing, appended to `out`.
    pub fn apply_into(self, log: &[u8], out: &mut Vec<u8>) {
        if self == Dress::Buildbot {
            out.extend_from_slice(b"hmake buildbottest TESTOPTS=-j2\nh argv: [b'make', b'buildbottest']\nh using PTY: False\n");
        }
        let ends_with_newline = log.ends_with(b"\n");
        let body = log.strip_suffix(b"\n").unwrap_or(log);
        // GitHub Actions stamps every line with the time it arrived: seconds go by as lines do
        let mut stamp = *b"2025-01-22T10:11:12.1234567Z ";
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
                    // the fraction of a second changes with every line (7 digits, as GitHub writes)
                    let frac = (n as u64).wrapping_mul(2_654_435_761) % 10_000_000;
                    for (i, d) in format!("{frac:07}").bytes().enumerate() {
                        stamp[20 + i] = d;
                    }
                    out.extend_from_slice(&stamp);
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
    }
}
