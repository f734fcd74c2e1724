//! The leak-classification rules of `grammars/leak-classes.rules`: masks and class names.

use regex::Regex;
use std::borrow::Cow;

const BUILTIN: &str = include_str!("../../grammars/leak-classes.rules");

#[derive(Debug)]
enum Rule {
    Mask { re: Regex, replacement: String },
    Class { re: Regex, name: Option<String> },
}

/// An error in a rules file, with where it is.
#[derive(Debug, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct RuleError {
    pub origin: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug)]
pub struct Rules {
    masks: Vec<Rule>,
    classes: Vec<Rule>,
}

impl Rules {
    /// The built-in rules.
    pub fn builtin() -> Rules {
        // The built-in file is tested; a parse failure here is a bug in this repository.
        Rules::parse(BUILTIN, "built-in rules").expect("built-in leak rules parse")
    }

    /// User rules from `text` (tried first), then the built-in ones.
    pub fn with_user(text: &str, origin: &str) -> Result<Rules, RuleError> {
        let mut user = Rules::parse(text, origin)?;
        let builtin = Rules::builtin();
        user.masks.extend(builtin.masks);
        user.classes.extend(builtin.classes);
        Ok(user)
    }

    pub fn parse(text: &str, origin: &str) -> Result<Rules, RuleError> {
        let mut rules = Rules {
            masks: Vec::new(),
            classes: Vec::new(),
        };
        for (n, raw) in text.lines().enumerate() {
            let err = |message: String| RuleError {
                origin: origin.to_string(),
                line: n + 1,
                message,
            };
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (verb, body) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| err("expected `mask` or `class` and a regex".into()))?;
            let (pattern, target) = match body.rsplit_once(" => ") {
                Some((p, t)) => (p.trim(), Some(t.trim().to_string())),
                None => (body.trim(), None),
            };
            let re = Regex::new(pattern).map_err(|e| err(format!("bad regex: {e}")))?;
            match verb {
                "mask" => {
                    let replacement =
                        target.ok_or_else(|| err("a mask needs `=> REPLACEMENT`".into()))?;
                    rules.masks.push(Rule::Mask { re, replacement });
                }
                "class" => {
                    if target.is_none() && re.capture_names().all(|c| c != Some("class")) {
                        return Err(err("a class rule needs a `class` group or `=> NAME`".into()));
                    }
                    rules.classes.push(Rule::Class { re, name: target });
                }
                other => {
                    return Err(err(format!(
                        "unknown rule `{other}` (expected `mask` or `class`)"
                    )));
                }
            }
        }
        Ok(rules)
    }

    /// The item with addresses, pids, thread ids and sequence numbers masked.
    pub fn mask<'a>(&self, item: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(item);
        for rule in &self.masks {
            if let Rule::Mask { re, replacement } = rule
                && let Cow::Owned(s) = re.replace_all(&out, replacement.as_str())
            {
                out = Cow::Owned(s);
            }
        }
        out
    }

    /// The class of a masked item, or the whole masked item when no rule names it (items are
    /// compared whole; `LeakedItem` cuts them only to show them).
    pub fn class_of(&self, masked: &str) -> String {
        for rule in &self.classes {
            if let Rule::Class { re, name } = rule
                && let Some(caps) = re.captures(masked)
            {
                return match (name, caps.name("class")) {
                    (Some(n), _) => n.clone(),
                    (None, Some(c)) => c.as_str().to_string(),
                    (None, None) => masked.to_string(),
                };
            }
        }
        masked.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse_and_mask() {
        let r = Rules::builtin();
        assert_eq!(
            r.mask("<weakref at 0x7f3b2c1d2e80; to 'SpawnProcess' at 0x7f3b2c1d3f10>"),
            "<weakref at 0x?; to 'SpawnProcess' at 0x?>"
        );
        assert_eq!(
            r.mask("<Thread(Thread-3, started daemon 1402)>"),
            "<Thread(Thread-N, started daemon N)>"
        );
        assert_eq!(
            r.mask("<SpawnProcess(SpawnProcess-12, started)>"),
            "<SpawnProcess(SpawnProcess-N, started)>"
        );
    }

    #[test]
    fn builtin_classes() {
        let r = Rules::builtin();
        let class = |s: &str| r.class_of(&r.mask(s));
        assert_eq!(
            class("<weakref at 0x7f3b2c1d2e80; to 'SpawnProcess' at 0x7f3b2c1d3f10>"),
            "SpawnProcess"
        );
        assert_eq!(class("<Thread(Thread-3, started daemon 1402)>"), "Thread");
        assert_eq!(class("<_MainThread(MainThread, started 1)>"), "_MainThread");
        assert_eq!(class("<socket.socket fd=3, family=2>"), "socket.socket");
        assert_eq!(class("<function showwarning at 0x7f00>"), "function");
        assert_eq!(class("<foo.Bar object at 0x7f00>"), "foo.Bar");
        assert_eq!(class("'/tmp/some/path'"), "'/tmp/some/path'");
        // an item no rule names is itself, whole
        assert_eq!(class(&"x".repeat(100)), "x".repeat(100));
    }

    #[test]
    fn user_rules_come_first_and_errors_name_the_line() {
        let r = Rules::with_user("class ^<Thread\\( => MyThread\n", "mine.rules").unwrap();
        assert_eq!(r.class_of("<Thread(x)>"), "MyThread");
        let e = Rules::parse("# ok\nclass (unclosed\n", "bad.rules").unwrap_err();
        assert_eq!((e.origin.as_str(), e.line), ("bad.rules", 2));
        assert!(e.to_string().starts_with("bad.rules:2: bad regex"));
        assert!(Rules::parse("mask x\n", "m").is_err());
        assert!(Rules::parse("class x\n", "m").is_err());
        assert!(Rules::parse("frob x => y\n", "m").is_err());
    }
}
