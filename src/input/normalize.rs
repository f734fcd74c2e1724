//! Transport noise every line loses before the grammar sees it, whatever stream it is in: CR,
//! GitHub Actions timestamps and ANSI SGR colour codes. What only some streams carry
//! (buildbot's channel character, a wrapper's prefix) is decided per run, in `run::dressing`.

/// Remove trailing `\r` (CRLF files, and tools that emit a stray CR).
pub fn strip_cr(mut line: &[u8]) -> &[u8] {
    while let Some(l) = line.strip_suffix(b"\r") {
        line = l;
    }
    line
}

/// `2025-01-22T10:11:12.1234567Z ` at the start of every GitHub Actions raw-log line.
pub fn strip_gha_timestamp(line: &[u8]) -> &[u8] {
    let looks = line.len() > 20
        && line[..4].iter().all(u8::is_ascii_digit)
        && line[4] == b'-'
        && line[7] == b'-'
        && line[10] == b'T'
        && line[13] == b':'
        && line[16] == b':';
    if !looks {
        return line;
    }
    let rest = &line[19..];
    let frac = rest
        .iter()
        .take_while(|&&b| b == b'.' || b.is_ascii_digit())
        .count();
    match &rest[frac..] {
        [b'Z', b' ', tail @ ..] => tail,
        [b'Z'] => &[],
        _ => line,
    }
}

/// Does the line hold an escape character at all (the fast path skips the copy)?
pub fn has_ansi(line: &[u8]) -> bool {
    memchr::memchr(0x1b, line).is_some()
}

/// Copy `line` into `out` without SGR sequences (`ESC [ digits/semicolons letter`).
/// A lone ESC not followed by `[` is dropped too: it never matters to the grammar.
pub fn strip_ansi_into(line: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut rest = line;
    while let Some(pos) = memchr::memchr(0x1b, rest) {
        out.extend_from_slice(&rest[..pos]);
        let after = &rest[pos + 1..];
        rest = match after.first() {
            Some(b'[') => {
                let params = after[1..]
                    .iter()
                    .take_while(|&&b| b.is_ascii_digit() || b == b';')
                    .count();
                match after.get(1 + params) {
                    Some(b) if b.is_ascii_alphabetic() => &after[2 + params..],
                    _ => &after[1 + params..],
                }
            }
            _ => after,
        };
    }
    out.extend_from_slice(rest);
}

/// All of the above, in transport order: CR, timestamp, colours. Returns the line, borrowed
/// from `line` or from `scratch` when colours were removed.
pub fn normalize<'a>(line: &'a [u8], scratch: &'a mut Vec<u8>) -> &'a [u8] {
    normalize_known(line, true, scratch)
}

/// `normalize`, told whether the line may hold an escape character at all (the line reader
/// looks once per block, not once per line).
pub fn normalize_known<'a>(
    line: &'a [u8],
    may_have_escape: bool,
    scratch: &'a mut Vec<u8>,
) -> &'a [u8] {
    let mut l = strip_cr(line);
    if l.first().is_some_and(u8::is_ascii_digit) {
        l = strip_gha_timestamp(l);
    }
    if may_have_escape && has_ansi(l) {
        strip_ansi_into(l, scratch);
        return scratch;
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cr_is_stripped() {
        assert_eq!(strip_cr(b"abc\r"), b"abc");
        assert_eq!(strip_cr(b"abc\r\r"), b"abc");
        assert_eq!(strip_cr(b"a\rbc"), b"a\rbc");
    }

    #[test]
    fn ansi_codes_are_stripped_even_doubled() {
        let mut out = Vec::new();
        strip_ansi_into(
            b"0:00:05 [  5/491/1] \x1b[1;31m\x1b[1;31mtest_x failed (1 failure)\x1b[0m\x1b[0m",
            &mut out,
        );
        assert_eq!(out, b"0:00:05 [  5/491/1] test_x failed (1 failure)");
        strip_ansi_into(b"\x1b[32mok\x1b[0m", &mut out);
        assert_eq!(out, b"ok");
        strip_ansi_into(b"cut \x1b[1;3", &mut out);
        assert_eq!(out, b"cut ");
        strip_ansi_into(b"\x1b", &mut out);
        assert_eq!(out, b"");
    }

    #[test]
    fn gha_timestamp() {
        assert_eq!(
            strip_gha_timestamp(b"2025-01-22T10:11:12.1234567Z 0:00:01 [1/2] test_x passed"),
            b"0:00:01 [1/2] test_x passed"
        );
        assert_eq!(strip_gha_timestamp(b"2025-01-22T10:11:12Z x"), b"x");
        assert_eq!(
            strip_gha_timestamp(b"2025-01-22 10:11:12 x"),
            b"2025-01-22 10:11:12 x"
        );
        assert_eq!(strip_gha_timestamp(b"short"), b"short");
    }

    #[test]
    fn order_is_cr_then_timestamp_then_colour() {
        let mut scratch = Vec::new();
        let line = b"2025-01-22T10:11:12.1234567Z \x1b[32mpassed\x1b[0m\r\n";
        assert_eq!(normalize(&line[..line.len() - 1], &mut scratch), b"passed");
        // a buildbot channel character is not transport noise of every line: it stays
        assert_eq!(normalize(b"oeggs\r", &mut scratch), b"oeggs");
    }
}
