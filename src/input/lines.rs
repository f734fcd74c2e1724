//! Split a byte stream into normalised lines, numbered from 1, pushed to a callback.

use super::normalize::{SNIFF_LINES, StreamPrefix, normalize};
use std::io::{self, BufRead};

/// An I/O or decompression error after `line` complete lines were read.
#[derive(Debug)]
pub struct ReadError {
    pub line: u64,
    pub error: io::Error,
}

fn read_line<R: BufRead + ?Sized>(reader: &mut R, buf: &mut Vec<u8>) -> io::Result<bool> {
    buf.clear();
    loop {
        match reader.read_until(b'\n', buf) {
            Ok(0) => return Ok(!buf.is_empty()),
            Ok(_) => {
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                }
                return Ok(true);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Call `f(line_number, line)` for every line of `reader`, normalised (see `normalize`).
/// The buildbot channel prefix is decided from the first `SNIFF_LINES` lines of this stream.
/// Returns the number of lines read; on a read error the lines before it have been delivered.
pub fn for_each_line<R: BufRead + ?Sized>(
    reader: &mut R,
    mut f: impl FnMut(u64, &[u8]),
) -> Result<u64, ReadError> {
    let mut head: Vec<Vec<u8>> = Vec::new();
    let mut buf = Vec::new();
    let mut pending_error = None;
    while head.len() < SNIFF_LINES {
        match read_line(reader, &mut buf) {
            Ok(true) => head.push(std::mem::take(&mut buf)),
            Ok(false) => break,
            Err(e) => {
                pending_error = Some(e);
                break;
            }
        }
    }
    let prefix = StreamPrefix::detect(head.iter().map(Vec::as_slice));
    let mut scratch = Vec::new();
    let mut number = 0u64;
    for line in &head {
        number += 1;
        f(number, normalize(line, prefix, &mut scratch));
    }
    if let Some(error) = pending_error {
        return Err(ReadError {
            line: number,
            error,
        });
    }
    if head.len() < SNIFF_LINES {
        return Ok(number);
    }
    loop {
        match read_line(reader, &mut buf) {
            Ok(true) => {
                number += 1;
                f(number, normalize(&buf, prefix, &mut scratch));
            }
            Ok(false) => return Ok(number),
            Err(error) => {
                return Err(ReadError {
                    line: number,
                    error,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(data: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let mut out = Vec::new();
        for_each_line(&mut io::Cursor::new(data), |n, l| out.push((n, l.to_vec()))).unwrap();
        out
    }

    #[test]
    fn numbers_lines_and_keeps_last_without_newline() {
        let got = collect(b"a\r\nb\n\nc");
        assert_eq!(
            got,
            vec![
                (1, b"a".to_vec()),
                (2, b"b".to_vec()),
                (3, b"".to_vec()),
                (4, b"c".to_vec())
            ]
        );
        assert!(collect(b"").is_empty());
    }

    #[test]
    fn buildbot_form_applies_past_the_sniffed_head() {
        let mut data = Vec::new();
        for i in 0..100 {
            data.extend_from_slice(format!("oline {i}\n").as_bytes());
        }
        let got = collect(&data);
        assert_eq!(got.len(), 100);
        assert_eq!(got[99].1, b"line 99");
    }

    #[test]
    fn invalid_utf8_and_nul_pass_through() {
        let got = collect(b"\xff\xfe\x00x\n");
        assert_eq!(got[0].1, b"\xff\xfe\x00x");
    }
}
