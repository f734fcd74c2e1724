//! Text out of log bytes: logs are not guaranteed UTF-8, and cells have a width.

use std::borrow::Cow;

/// Log bytes as an owned string; invalid UTF-8 becomes U+FFFD.
pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `s` in at most `max` characters: when longer, its beginning and `…` as the last one.
/// Never splits a character.
pub fn fit(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some(_) => {
            let keep = max.saturating_sub(1);
            let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
            Cow::Owned(format!("{}…", &s[..end]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_only_what_is_longer() {
        assert_eq!(fit("abcdef", 6), "abcdef");
        assert_eq!(fit("abcdefg", 6), "abcde…");
        assert_eq!(fit("ééééé", 3), "éé…");
        assert_eq!(fit("", 0), "");
        assert_eq!(fit("ab", 0), "…");
        assert_eq!(lossy(b"a\xffb"), "a\u{fffd}b");
    }
}
