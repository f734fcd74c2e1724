//! ELAPSED and LOAD: the `0:27:13 load avg: 4.88 ` prefix of main-process lines.

use super::util::{failure, uint};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::tag,
    character::complete::{char, digit1},
    combinator::{opt, recognize},
};

/// What the prefix says: seconds since regrtest started, and the 1-minute load when printed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Prefix {
    pub elapsed: u64,
    pub load_avg: Option<f64>,
}

fn two_digits(i: &[u8]) -> IResult<&[u8], u64> {
    match i {
        [a, b, rest @ ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Ok((rest, ((a - b'0') * 10 + (b - b'0')) as u64))
        }
        _ => failure(i, nom::error::ErrorKind::Digit),
    }
}

/// ELAPSED: `0:27:13`, `25:00:05` (3.10+), `1 day, 0:00:05` (timedelta, ≤3.9).
pub fn elapsed(i: &[u8]) -> IResult<&[u8], u64> {
    let (i, days) = opt((uint, alt((tag(" days, "), tag(" day, "))))).parse(i)?;
    let (i, (h, _, m, _, s)) = (uint, char(':'), two_digits, char(':'), two_digits).parse(i)?;
    let days = days.map_or(0, |(d, _)| d);
    let secs = days
        .saturating_mul(86_400)
        .saturating_add(h.saturating_mul(3600))
        .saturating_add(m * 60 + s);
    Ok((i, secs))
}

/// `load avg: 4.88 ` (with its trailing space).
pub fn load_avg(i: &[u8]) -> IResult<&[u8], f64> {
    let (i, (_, num)) = (tag("load avg: "), recognize((digit1, char('.'), digit1))).parse(i)?;
    // The digits are ASCII by construction, so this never fails in practice.
    let value = std::str::from_utf8(num)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0);
    Ok((i, value))
}

/// PREFIX: ELAPSED, a space, and an optional `load avg: N.NN `.
/// Also accepts a bare PREFIX at the end of the line (`log('')` prints `0:45:12 load avg: 2.15`).
pub fn prefix(i: &[u8]) -> IResult<&[u8], Prefix> {
    let (i, elapsed) = elapsed(i)?;
    if i.is_empty() {
        return Ok((
            i,
            Prefix {
                elapsed,
                load_avg: None,
            },
        ));
    }
    let (i, _) = char(' ').parse(i)?;
    let (i, load) = opt(load_avg).parse(i)?;
    // `load avg: 2.15` at the very end has no trailing space left to eat.
    let i = match (load, i.first()) {
        (Some(_), Some(b' ')) => &i[1..],
        _ => i,
    };
    Ok((
        i,
        Prefix {
            elapsed,
            load_avg: load,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_forms() {
        assert_eq!(elapsed(b"0:27:13 x"), Ok((&b" x"[..], 27 * 60 + 13)));
        assert_eq!(elapsed(b"25:00:05").unwrap().1, 25 * 3600 + 5);
        assert_eq!(elapsed(b"1 day, 0:00:05").unwrap().1, 86_400 + 5);
        assert_eq!(elapsed(b"2 days, 1:00:00").unwrap().1, 2 * 86_400 + 3600);
        // near misses
        assert!(elapsed(b"0:2:13").is_err());
        assert!(elapsed(b"12:34").is_err());
        assert!(elapsed(b"== CPython").is_err());
    }

    #[test]
    fn prefix_with_and_without_load() {
        let (rest, p) = prefix(b"0:00:01 load avg: 1.10 [ 1/10] test_a").unwrap();
        assert_eq!(rest, b"[ 1/10] test_a");
        assert_eq!(
            p,
            Prefix {
                elapsed: 1,
                load_avg: Some(1.10)
            }
        );
        let (rest, p) = prefix(b"0:00:01 [ 1/10] test_a").unwrap();
        assert_eq!(rest, b"[ 1/10] test_a");
        assert_eq!(p.load_avg, None);
    }

    #[test]
    fn bare_prefix_line() {
        let (rest, p) = prefix(b"0:45:12 load avg: 2.15").unwrap();
        assert_eq!(rest, b"");
        assert_eq!(p.elapsed, 45 * 60 + 12);
        assert_eq!(p.load_avg, Some(2.15));
        assert_eq!(prefix(b"0:45:12").unwrap().0, b"");
    }

    #[test]
    fn prefix_needs_space() {
        assert!(prefix(b"0:45:12x").is_err());
    }
}
