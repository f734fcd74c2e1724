//! Small parsers shared by every line family: numbers, test names, durations.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::tag,
    character::complete::{char, digit1},
    combinator::{opt, recognize},
    sequence::delimited,
};

/// An unsigned decimal number (saturating: a 40-digit "count" never panics).
pub fn uint(i: &[u8]) -> IResult<&[u8], u64> {
    let (rest, digits) = digit1(i)?;
    let n = digits.iter().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add((d - b'0') as u64)
    });
    Ok((rest, n))
}

/// A signed decimal number.
pub fn int(i: &[u8]) -> IResult<&[u8], i64> {
    let (rest, neg) = opt(char('-')).parse(i)?;
    let (rest, n) = uint(rest)?;
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    Ok((rest, if neg.is_some() { -n } else { n }))
}

/// `[A-Za-z_]` and `[A-Za-z0-9_.]` as a table: the name scan runs on most lines of a log.
const NAME_START: u8 = 1;
const NAME_CHAR: u8 = 2;
static NAME_TABLE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'_' {
            t[b] = NAME_START | NAME_CHAR;
        } else if c.is_ascii_digit() || c == b'.' {
            t[b] = NAME_CHAR;
        }
        b += 1;
    }
    t
};

/// How many bytes at the start of `i` are `[A-Za-z0-9_.]` (a dotted name's).
pub fn dotted_name_len(i: &[u8]) -> usize {
    i.iter()
        .position(|&c| NAME_TABLE[c as usize] & NAME_CHAR == 0)
        .unwrap_or(i.len())
}

/// TEST: `test_os`, `test.test_asyncio.test_tasks`, or the pseudo-name `<regrtest worker>`.
pub fn test_name(i: &[u8]) -> IResult<&[u8], &[u8]> {
    match i.first() {
        Some(&b) if NAME_TABLE[b as usize] & NAME_START != 0 => {
            let len = dotted_name_len(i);
            Ok((&i[len..], &i[..len]))
        }
        Some(b'<') => tag("<regrtest worker>").parse(i),
        _ => failure(i, nom::error::ErrorKind::Alpha),
    }
}

/// TEST, or `'TEST'` in the repr quotes that 2.7–3.7 put around some names.
pub fn quoted_test_name(i: &[u8]) -> IResult<&[u8], &[u8]> {
    alt((delimited(char('\''), test_name, char('\'')), test_name)).parse(i)
}

fn dur_unit(i: &[u8]) -> IResult<&[u8], &[u8]> {
    alt((tag("hour"), tag("min"), tag("sec"), tag("ms"))).parse(i)
}

/// DUR as printed by `format_duration`: `2 min 3 sec`, `31.5 sec`, `532 ms`, `1 hour 2 min`;
/// 2.7/3.5 also print `160.2s`.
pub fn duration(i: &[u8]) -> IResult<&[u8], &[u8]> {
    alt((
        recognize((
            digit1,
            opt((char('.'), digit1)),
            char(' '),
            dur_unit,
            opt((char(' '), digit1, char(' '), dur_unit)),
        )),
        recognize((digit1, char('.'), digit1, char('s'))),
    ))
    .parse(i)
}

/// The seconds a DUR text stands for (`2 min 3 sec` → 123.0, `532 ms` → 0.532, `160.2s`).
pub fn duration_seconds(text: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(text).ok()?;
    if let Some(secs) = text.strip_suffix('s').and_then(|t| t.parse::<f64>().ok()) {
        return Some(secs);
    }
    let words: Vec<&str> = text.split(' ').collect();
    let mut total = 0.0;
    for pair in words.chunks(2) {
        let [value, unit] = pair else { return None };
        let value: f64 = value.parse().ok()?;
        total += value
            * match *unit {
                "hour" => 3600.0,
                "min" => 60.0,
                "sec" => 1.0,
                "ms" => 0.001,
                _ => return None,
            };
    }
    Some(total)
}

/// A parse failure at `i`, for the few parsers written by hand.
pub fn failure<T>(i: &[u8], kind: nom::error::ErrorKind) -> IResult<&[u8], T> {
    Err(nom::Err::Error(nom::error::Error::new(i, kind)))
}

/// The text inside one balanced pair of parentheses starting at `i[0] == b'('`,
/// e.g. `(Exit code -11 (SIGSEGV))` gives `Exit code -11 (SIGSEGV)`.
pub fn parenthesized(i: &[u8]) -> IResult<&[u8], &[u8]> {
    if i.first() != Some(&b'(') {
        return failure(i, nom::error::ErrorKind::Char);
    }
    let mut depth = 0usize;
    for (pos, &b) in i.iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok((&i[pos + 1..], &i[1..pos]));
                }
            }
            _ => {}
        }
    }
    failure(i, nom::error::ErrorKind::Char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uint_saturates_and_reports_rest() {
        assert_eq!(uint(b"42 x"), Ok((&b" x"[..], 42)));
        assert_eq!(uint(b"99999999999999999999999999").unwrap().1, u64::MAX);
        assert!(uint(b"x1").is_err());
    }

    #[test]
    fn int_reads_sign() {
        assert_eq!(int(b"-11)"), Ok((&b")"[..], -11)));
        assert_eq!(int(b"3"), Ok((&b""[..], 3)));
    }

    #[test]
    fn test_names() {
        assert_eq!(
            test_name(b"test_os passed"),
            Ok((&b" passed"[..], &b"test_os"[..]))
        );
        assert_eq!(
            test_name(b"test.test_asyncio.test_tasks failed").unwrap().1,
            b"test.test_asyncio.test_tasks"
        );
        assert_eq!(
            test_name(b"<regrtest worker> x").unwrap().1,
            b"<regrtest worker>"
        );
        assert!(test_name(b"1test").is_err());
        assert!(test_name(b" test_os").is_err());
    }

    #[test]
    fn durations_of_every_era() {
        for d in [
            "2 min 3 sec",
            "31.5 sec",
            "532 ms",
            "1 hour 2 min",
            "31 sec 532 ms",
            "160.2s",
            "0 ms",
        ] {
            let (rest, got) = duration(d.as_bytes()).unwrap();
            assert_eq!((rest, got), (&b""[..], d.as_bytes()), "{d}");
        }
        assert!(duration(b"2 minutes").is_err() || duration(b"2 minutes").unwrap().0 != b"");
        assert!(duration(b"sec").is_err());
    }

    #[test]
    fn duration_values() {
        assert_eq!(duration_seconds(b"2 min 3 sec"), Some(123.0));
        assert_eq!(duration_seconds(b"1 hour 2 min"), Some(3720.0));
        assert_eq!(duration_seconds(b"31.5 sec"), Some(31.5));
        assert_eq!(duration_seconds(b"532 ms"), Some(0.532));
        assert_eq!(duration_seconds(b"160.2s"), Some(160.2));
        assert_eq!(duration_seconds(b"2 fortnights"), None);
        assert_eq!(duration_seconds(b"2 min 3"), None);
    }

    #[test]
    fn balanced_parentheses() {
        assert_eq!(
            parenthesized(b"(Exit code -11 (SIGSEGV)) rest"),
            Ok((&b" rest"[..], &b"Exit code -11 (SIGSEGV)"[..]))
        );
        assert!(parenthesized(b"(unclosed").is_err());
        assert!(parenthesized(b"no").is_err());
    }
}
