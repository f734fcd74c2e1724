//! What some streams add in front of every line, decided where it changes: buildbot's
//! one-character channel prefix (`o` stdout, `e` stderr, `h` header) and the constant prefix a
//! wrapper adds (docker compose's `cpython-3.13> `, `web-1  | `). CR, GitHub Actions timestamps
//! and colours are removed from every line before this (`input::normalize`).
//!
//! An archive piped through `zcat` joins logs of every dressing, so no decision is taken once
//! per stream: the head of the stream gives a first guess, a line whose form stops matching the
//! guess ends it, and a line that means nothing as it stands but is a distinctive regrtest line
//! once undressed (a header, a progress line, a warning…) sets the new guess.

use crate::grammar::{self, LineKind};

/// The dressing of the lines being read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dressing {
    /// Every non-empty line starts with one of `o`, `e`, `h`: remove exactly one character.
    buildbot: bool,
    /// Every line starts with this; removed.
    wrapper: Option<Vec<u8>>,
}

/// Buildbot's channel characters.
fn is_channel(b: u8) -> bool {
    matches!(b, b'o' | b'e' | b'h')
}

/// Can a regrtest line that tells its dressing start with `b`? (`== CPython`, ELAPSED, `[`,
/// `Warning --`, `Run …`/`Re-running …`/`Result:`, `Tests result:`/`Total …`.) A cheap test
/// before classifying a line a second time.
fn may_start_distinctive(b: Option<&u8>) -> bool {
    matches!(b, Some(b'=' | b'0'..=b'9' | b'[' | b'W' | b'R' | b'T'))
}

/// The prefix a wrapper puts before each line, if `line` starts with one: a word without
/// spaces and `> ` (`cpython-3.13> `), or a word, spaces and `| ` (docker compose).
fn wrapper_prefix(line: &[u8]) -> Option<usize> {
    let look = &line[..line.len().min(80)];
    let space = memchr::memchr(b' ', look)?;
    if space >= 2 && look[space - 1] == b'>' {
        return Some(space + 1);
    }
    let bar = space + look[space..].iter().take_while(|&&b| b == b' ').count();
    (space >= 1 && look[bar..].starts_with(b"| ")).then_some(bar + 2)
}

impl Dressing {
    /// The first guess, from the head of a stream: buildbot's form when every non-empty line
    /// starts with `o`, `e` or `h` and there are at least two of them.
    pub fn guess_from_head(head: &[u8]) -> Dressing {
        let mut voters = 0;
        for line in head.split(|&b| b == b'\n') {
            let line = crate::input::normalize::strip_cr(line);
            match line.first() {
                None => continue,
                Some(&b) if is_channel(b) => voters += 1,
                Some(_) => return Dressing::default(),
            }
        }
        Dressing {
            buildbot: voters >= 2,
            wrapper: None,
        }
    }

    /// No dressing: lines are taken as they are.
    pub fn is_plain(&self) -> bool {
        !self.buildbot && self.wrapper.is_none()
    }

    pub fn is_buildbot(&self) -> bool {
        self.buildbot
    }

    /// The line as the grammar must see it under the current guess. A non-empty line that
    /// does not carry the dressing ends the guess, and is taken as it is.
    pub fn undress<'a>(&mut self, line: &'a [u8]) -> &'a [u8] {
        let mut l = line;
        if self.buildbot {
            match l.first() {
                None => return l,
                Some(&b) if is_channel(b) => l = &l[1..],
                Some(_) => self.buildbot = false,
            }
        }
        if let Some(w) = &self.wrapper {
            match l.strip_prefix(w.as_slice()) {
                Some(rest) => l = rest,
                // an empty line, or one cut by the wrapper's trailing-space trim, keeps it
                None if l.is_empty() || w.starts_with(l) => return &[],
                None => self.wrapper = None,
            }
        }
        l
    }

    /// A line that means nothing as it stands (`raw`, before `undress`): is it a distinctive
    /// regrtest line in another dressing? Then that dressing is the guess from now on, and the
    /// line is returned undressed, with its kind.
    pub fn redetect<'a>(&mut self, raw: &'a [u8]) -> Option<(&'a [u8], LineKind<'a>)> {
        let channel = raw.first().is_some_and(|&b| is_channel(b));
        // buildbot's form alone
        if channel
            && !self.buildbot
            && may_start_distinctive(raw.get(1))
            && let Some(kind) = distinctive(&raw[1..])
        {
            *self = Dressing {
                buildbot: true,
                wrapper: None,
            };
            return Some((&raw[1..], kind));
        }
        // a wrapper's prefix, after buildbot's character or alone
        for buildbot in [false, true] {
            if buildbot && !channel {
                continue;
            }
            let l = if buildbot { &raw[1..] } else { raw };
            let Some(end) = wrapper_prefix(l) else {
                continue;
            };
            let rest = &l[end..];
            if !may_start_distinctive(rest.first()) {
                continue;
            }
            if let Some(kind) = distinctive(rest) {
                let wrapper = Some(l[..end].to_vec());
                if self.buildbot == buildbot && self.wrapper == wrapper {
                    return None;
                }
                *self = Dressing { buildbot, wrapper };
                return Some((rest, kind));
            }
        }
        None
    }
}

/// The kind of `line` when it is one that plain text is not mistaken for.
fn distinctive(line: &[u8]) -> Option<LineKind<'_>> {
    let kind = grammar::classify(line);
    kind.is_distinctive().then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn undress_all(d: &mut Dressing, lines: &[&str]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                let raw = l.as_bytes();
                let mut text = d.undress(raw);
                if grammar::classify(text) == LineKind::Other
                    && let Some((t, _)) = d.redetect(raw)
                {
                    text = t;
                }
                String::from_utf8_lossy(text).into_owned()
            })
            .collect()
    }

    #[test]
    fn the_head_guesses_buildbot_form() {
        let head = b"hargv: ['make']\no== CPython 3.11.4\n\neWarning -- x\n";
        assert!(Dressing::guess_from_head(head).is_buildbot());
        assert!(!Dressing::guess_from_head(b"== CPython 3.11.4\no\n").is_buildbot());
        assert!(!Dressing::guess_from_head(b"only one\n").is_buildbot());
        assert!(!Dressing::guess_from_head(b"oone\n").is_buildbot());
    }

    #[test]
    fn buildbot_form_ends_where_a_plain_line_comes_and_begins_at_a_distinctive_line() {
        let mut d = Dressing::guess_from_head(b"oa\nob\n");
        let got = undress_all(
            &mut d,
            &[
                "oeggs",
                "o0:00:01 [1/1] test_a passed",
                "",
                "== CPython 3.12.1 (main, Dec 15 2023, 13:32:22)",
                "oeggs",
                "hmake buildbottest",
                "o== CPython 3.11.4 (main, Jun 7 2023, 10:13:09)",
                "oeggs",
            ],
        );
        assert_eq!(
            got,
            vec![
                "eggs",
                "0:00:01 [1/1] test_a passed",
                "",
                "== CPython 3.12.1 (main, Dec 15 2023, 13:32:22)",
                "oeggs",
                "hmake buildbottest",
                "== CPython 3.11.4 (main, Jun 7 2023, 10:13:09)",
                "eggs",
            ]
        );
    }

    #[test]
    fn a_wrapper_prefix_is_found_on_a_distinctive_line_and_kept_while_it_holds() {
        let mut d = Dressing::default();
        let got = undress_all(
            &mut d,
            &[
                "cpython-3.13> LD_LIBRARY_PATH=/build ./python -m test --pgo",
                "cpython-3.13> 0:00:00 load avg: 2.53 Run 44 tests sequentially",
                "cpython-3.13> test_x skipped -- no reason",
                "cpython-3.13>",
                "web-1  | 0:00:01 [1/2] test_a passed",
                "web-1  |   Before: []",
                "== CPython 3.12.1 (main)",
            ],
        );
        assert_eq!(
            got,
            vec![
                "cpython-3.13> LD_LIBRARY_PATH=/build ./python -m test --pgo",
                "0:00:00 load avg: 2.53 Run 44 tests sequentially",
                "test_x skipped -- no reason",
                "",
                "0:00:01 [1/2] test_a passed",
                "  Before: []",
                "== CPython 3.12.1 (main)",
            ]
        );
        assert_eq!(d, Dressing::default());
    }

    #[test]
    fn plain_text_that_looks_dressed_is_not_taken_for_it() {
        let mut d = Dressing::default();
        // a word, `> ` and a number that is not a regrtest line
        assert_eq!(d.redetect(b"x> 12 items"), None);
        assert_eq!(d.redetect(b"o123456"), None);
        assert_eq!(d.redetect(b"echo [1/2] done"), None);
        assert_eq!(d, Dressing::default());
    }
}
