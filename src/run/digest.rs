//! A run's events folded as they come, for `stats` and `runs`: per (test, kind, resource) how
//! many, the first and last line, and what leaked. Memory grows with the distinct keys of the
//! run, not with its events: ten million identical warnings are one entry.

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
}

/// (test, kind, resource) as the events say them (`None` where they say nothing).
pub type DigestKey = (Option<String>, Kind, Option<String>);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunDigest {
    pub keys: hashbrown::HashMap<DigestKey, KeyDigest, rustc_hash::FxBuildHasher>,
    pub events: u64,
}

impl RunDigest {
    pub fn add(&mut self, e: &Event) {
        self.events += 1;
        let key = (e.test.clone(), e.kind, e.resource.clone());
        let d = self.keys.entry(key).or_insert_with(|| KeyDigest {
            first_line: e.line,
            last_line: e.line,
            ..KeyDigest::default()
        });
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

    /// The keys in a fixed order (test, kind, resource), for what depends on order.
    pub fn sorted(&self) -> Vec<(&DigestKey, &KeyDigest)> {
        let mut v: Vec<_> = self.keys.iter().collect();
        v.sort_unstable_by(|a, b| {
            let (ka, kb) = (a.0, b.0);
            (&ka.0, ka.1.as_str(), &ka.2).cmp(&(&kb.0, kb.1.as_str(), &kb.2))
        });
        v
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
        let k = &d.keys[&(Some("test_a".into()), Kind::Unraisable, None)];
        assert_eq!((k.events, k.first_line, k.last_line), (3, 3, 9));
    }
}
