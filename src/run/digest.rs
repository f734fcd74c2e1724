//! A run's events folded as they come, for `stats`: per (test, kind, resource, method,
//! reason key) how many, the first and last line, and what leaked. Memory grows with the
//! distinct keys of the run, not with its events: ten million identical warnings are one entry.

use super::event::{Event, Phase};
use crate::kind::Kind;
use std::collections::BTreeMap;

/// One (test, kind, resource) of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyDigest {
    pub events: u64,
    pub first_line: u64,
    pub last_line: u64,
    /// Leaked objects (`top_leaked`) and how many times each leaked.
    pub leaked: BTreeMap<String, u64>,
}

/// What sets one event apart from another in `stats`, as the events say it (`None` where
/// they say nothing).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DigestKey {
    pub test: Option<String>,
    pub kind: Kind,
    pub resource: Option<String>,
    pub method: Option<String>,
    pub reason_key: Option<String>,
}

/// A `DigestKey` borrowed from an event, to look it up without copying its strings: its
/// fields hash as `DigestKey`'s do (`Option<&str>` as `Option<String>`).
#[derive(Hash)]
struct KeyOf<'e> {
    test: Option<&'e str>,
    kind: Kind,
    resource: Option<&'e str>,
    method: Option<&'e str>,
    reason_key: Option<&'e str>,
}

impl hashbrown::Equivalent<DigestKey> for KeyOf<'_> {
    fn equivalent(&self, k: &DigestKey) -> bool {
        self.kind == k.kind
            && self.test == k.test.as_deref()
            && self.resource == k.resource.as_deref()
            && self.method == k.method.as_deref()
            && self.reason_key == k.reason_key.as_deref()
    }
}

impl KeyOf<'_> {
    fn to_key(&self) -> DigestKey {
        DigestKey {
            test: self.test.map(str::to_string),
            kind: self.kind,
            resource: self.resource.map(str::to_string),
            method: self.method.map(str::to_string),
            reason_key: self.reason_key.map(str::to_string),
        }
    }
}

/// Distinct keys a run's digest holds before new events are told apart only by test, kind
/// and resource: a run of endless distinct methods or reasons keeps a bounded digest (its
/// counts stay exact; only the split by method and reason stops growing).
const KEYS_MAX: usize = 65_536;

/// A test file's result in the main phase, with what its progress line said around it: the
/// machine's load and the tests still running (what `context` relates failures to).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultSeen {
    pub test: String,
    /// Failed, crashed or timed out (else passed).
    pub failing: bool,
    /// `load avg:` in hundredths: sums of these are exact, whatever the merge order.
    pub load_centi: Option<u64>,
    /// The `-- running:` suffix's tests, `;`-separated.
    pub running: Option<String>,
}

impl ResultSeen {
    /// The result `e` says, if it is a main-phase pass or failure of a test file.
    fn of(e: &Event) -> Option<ResultSeen> {
        let failing = match e.kind {
            Kind::Passed => false,
            Kind::Failed | Kind::Crashed | Kind::TimedOut => true,
            _ => return None,
        };
        if e.phase != Phase::Main {
            return None;
        }
        Some(ResultSeen {
            test: e.test.clone()?,
            failing,
            load_centi: e
                .load_avg
                .filter(|l| l.is_finite() && *l >= 0.0)
                .map(|l| (l * 100.0).round() as u64),
            running: e.running.clone(),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunDigest {
    pub keys: hashbrown::HashMap<DigestKey, KeyDigest, rustc_hash::FxBuildHasher>,
    pub events: u64,
    /// The main-phase results of test files, in input order (at most `KEYS_MAX`).
    pub results: Vec<ResultSeen>,
}

impl RunDigest {
    pub fn add(&mut self, e: &Event) {
        self.events += 1;
        if self.results.len() < KEYS_MAX
            && let Some(r) = ResultSeen::of(e)
        {
            self.results.push(r);
        }
        let mut key = KeyOf {
            test: e.test.as_deref(),
            kind: e.kind,
            resource: e.resource.as_deref(),
            method: e.method.as_deref(),
            reason_key: e.reason_key.as_deref(),
        };
        if self.keys.len() >= KEYS_MAX && !self.keys.contains_key(&key) {
            (key.method, key.reason_key) = (None, None);
        }
        let d = match self.keys.get_mut(&key) {
            Some(d) => d,
            None => self.keys.entry(key.to_key()).or_insert(KeyDigest {
                first_line: e.line,
                last_line: e.line,
                ..KeyDigest::default()
            }),
        };
        d.events += 1;
        d.first_line = d.first_line.min(e.line);
        d.last_line = d.last_line.max(e.line);
        for (object, n) in e.leaked_objects() {
            match d.leaked.get_mut(object) {
                Some(total) => *total += n,
                None => {
                    d.leaked.insert(object.to_string(), n);
                }
            }
        }
    }

    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> RunDigest {
        let mut d = RunDigest::default();
        for e in events {
            d.add(e);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_events_are_one_entry_with_exact_counts() {
        let mut d = RunDigest::default();
        for line in [7, 3, 9] {
            d.add(&Event::new(
                line,
                Phase::Main,
                Kind::Unraisable,
                Some("test_a".into()),
            ));
        }
        d.add(&Event::new(
            4,
            Phase::Main,
            Kind::Failed,
            Some("test_a".into()),
        ));
        assert_eq!((d.events, d.keys.len()), (4, 2));
        let key = DigestKey {
            test: Some("test_a".into()),
            kind: Kind::Unraisable,
            resource: None,
            method: None,
            reason_key: None,
        };
        let k = &d.keys[&key];
        assert_eq!((k.events, k.first_line, k.last_line), (3, 3, 9));
    }

    #[test]
    fn endless_distinct_methods_keep_a_bounded_digest_with_exact_counts() {
        let mut d = RunDigest::default();
        let n = KEYS_MAX as u64 + 100;
        for i in 0..n {
            let mut e = Event::new(i, Phase::Main, Kind::MethodFailed, Some("test_a".into()));
            e.method = Some(format!("T.test_{i}"));
            d.add(&e);
        }
        // the keys past the bound fold into one without a method
        assert_eq!(d.keys.len(), KEYS_MAX + 1);
        assert_eq!(d.keys.values().map(|k| k.events).sum::<u64>(), n);
        let folded = DigestKey {
            test: Some("test_a".into()),
            kind: Kind::MethodFailed,
            resource: None,
            method: None,
            reason_key: None,
        };
        assert_eq!(d.keys[&folded].events, 100);
    }
}
