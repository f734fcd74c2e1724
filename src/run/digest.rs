//! A run's events folded as they come, for `stats`: per (test, kind, resource, method,
//! reason key) how many, the first and last line, and what leaked. Memory grows with the
//! distinct keys of the run, not with its events: ten million identical warnings are one entry.

use super::event::Event;
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
    /// The longest faulthandler timeout its events printed, in seconds.
    pub timeout_s: Option<u64>,
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

/// `0:15:00` (a `Timeout (…)!` event's detail) in seconds.
fn clock_seconds(clock: &str) -> Option<u64> {
    let clock = clock.split('.').next()?;
    clock
        .split(':')
        .try_fold(0u64, |acc, part| Some(acc * 60 + part.parse::<u64>().ok()?))
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunDigest {
    pub keys: hashbrown::HashMap<DigestKey, KeyDigest, rustc_hash::FxBuildHasher>,
    pub events: u64,
}

impl RunDigest {
    pub fn add(&mut self, e: &Event) {
        self.events += 1;
        let key = DigestKey {
            test: e.test.clone(),
            kind: e.kind,
            resource: e.resource.clone(),
            method: e.method.clone(),
            reason_key: e.reason_key.clone(),
        };
        let d = self.keys.entry(key).or_insert_with(|| KeyDigest {
            first_line: e.line,
            last_line: e.line,
            ..KeyDigest::default()
        });
        d.events += 1;
        d.first_line = d.first_line.min(e.line);
        d.last_line = d.last_line.max(e.line);
        if e.kind == Kind::Timeout
            && let crate::run::Detail::Text(clock) = &e.detail
            && let Some(s) = clock_seconds(clock)
        {
            d.timeout_s = d.timeout_s.max(Some(s));
        }
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
    use crate::run::Phase;

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
    fn timeouts_are_read_in_seconds() {
        assert_eq!(clock_seconds("0:15:00"), Some(900));
        assert_eq!(clock_seconds("1:00:00.000123"), Some(3600));
        assert_eq!(clock_seconds("soon"), None);
        let mut e = Event::new(1, Phase::Main, Kind::Timeout, Some("test_a".into()));
        e.detail = crate::run::Detail::Text("0:20:00".into());
        let d = RunDigest::from_events([&e]);
        assert_eq!(d.keys.values().next().unwrap().timeout_s, Some(1200));
    }
}
