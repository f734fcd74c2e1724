//! What leaked: the difference between `Before:` and `After:` values, and the classes of
//! dangling objects, named by the rules in `grammars/leak-classes.rules`.

pub mod repr;
pub mod rules;

pub use rules::{RuleError, Rules};
use std::collections::BTreeMap;

/// A leak description: `detail` for the events table, `count` of items it covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Leaked {
    pub detail: String,
    pub count: u64,
}

fn label(name: &str, n: i64) -> String {
    if n.abs() > 1 {
        format!("{name}*{}", n.abs())
    } else {
        name.to_string()
    }
}

/// Unquote a dict key for display: `'PATH'` → `PATH`.
fn unquote(key: &str) -> &str {
    let k = key.trim();
    for q in ['\'', '"'] {
        if k.len() >= 2 && k.starts_with(q) && k.ends_with(q) {
            return &k[1..k.len() - 1];
        }
    }
    k
}

impl Rules {
    /// Each leaf of `value`, masked and classified, counted.
    fn classes(&self, value: &str) -> BTreeMap<String, i64> {
        let mut counts = BTreeMap::new();
        for leaf in repr::leaves(value) {
            *counts.entry(self.class_of(&self.mask(leaf))).or_insert(0) += 1;
        }
        counts
    }

    /// `Dangling processes: {<SpawnProcess(...)>, <SpawnProcess(...)>}` → `SpawnProcess*2`.
    pub fn describe(&self, value: &[u8]) -> Leaked {
        let text = String::from_utf8_lossy(value);
        let counts = self.classes(&text);
        let count = counts.values().sum::<i64>().max(0) as u64;
        let detail = counts
            .iter()
            .map(|(name, n)| label(name, *n))
            .collect::<Vec<_>>()
            .join("; ");
        Leaked { detail, count }
    }

    /// What `After:` has that `Before:` had not (`+Class`), and the reverse (`-Class`);
    /// dict entries are compared by key (`+KEY`, `-KEY`, `~KEY` for a changed value).
    pub fn diff(&self, before: &[u8], after: &[u8]) -> Leaked {
        let before = String::from_utf8_lossy(before);
        let after = String::from_utf8_lossy(after);
        let mut items: BTreeMap<String, i64> = BTreeMap::new();
        let mut keys: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for (value, sign) in [(&before, -1i64), (&after, 1i64)] {
            for leaf in repr::leaves(value) {
                let masked = self.mask(leaf);
                match repr::dict_key(&masked) {
                    Some(key) => {
                        let entry = keys.entry(unquote(key).to_string()).or_default();
                        // remember which side has the key, and the entry itself for changes
                        if sign < 0 {
                            entry.0 += 1
                        } else {
                            entry.1 += 1
                        }
                        *items.entry(format!("\u{0}{masked}")).or_insert(0) += sign;
                    }
                    None => *items.entry(self.class_of(&masked)).or_insert(0) += sign,
                }
            }
        }
        let mut tokens = Vec::new();
        let mut count = 0u64;
        for (name, n) in items
            .iter()
            .filter(|(k, n)| **n != 0 && !k.starts_with('\u{0}'))
        {
            tokens.push(format!(
                "{}{}",
                if *n > 0 { '+' } else { '-' },
                label(name, *n)
            ));
            count += n.unsigned_abs();
        }
        let changed_entry = |key: &str| {
            items.iter().any(|(k, n)| {
                *n != 0
                    && k.starts_with('\u{0}')
                    && repr::dict_key(&k[1..]).is_some_and(|kk| unquote(kk) == key)
            })
        };
        for (key, (in_before, in_after)) in &keys {
            // counts, not presence: os.environ's repr holds the live mapping and a copy
            let sign = match in_after.cmp(in_before) {
                std::cmp::Ordering::Greater => '+',
                std::cmp::Ordering::Less => '-',
                std::cmp::Ordering::Equal if changed_entry(key) => '~',
                std::cmp::Ordering::Equal => continue,
            };
            tokens.push(format!("{sign}{key}"));
            count += 1;
        }
        Leaked {
            detail: tokens.join("; "),
            count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weakref_to_spawn_process() {
        let r = Rules::builtin();
        let got = r.diff(
            b"set()",
            b"{<weakref at 0x7f3b2c1d2e80; to 'SpawnProcess' at 0x7f3b2c1d3f10>}",
        );
        assert_eq!(
            got,
            Leaked {
                detail: "+SpawnProcess".into(),
                count: 1
            }
        );
    }

    #[test]
    fn equal_leaks_compare_equal_after_masking() {
        let r = Rules::builtin();
        let a = r.diff(b"{<weakref at 0x1; to 'Thread' at 0x2>}", b"{<weakref at 0x1; to 'Thread' at 0x2>, <weakref at 0x9; to 'Thread' at 0x8>, <weakref at 0x5; to 'Thread' at 0x6>}");
        let b = r.diff(b"{<weakref at 0xa; to 'Thread' at 0xb>}", b"{<weakref at 0xc; to 'Thread' at 0xd>, <weakref at 0xe; to 'Thread' at 0xf>, <weakref at 0x3; to 'Thread' at 0x4>}");
        assert_eq!(a, b);
        assert_eq!(a.detail, "+Thread*2");
        assert_eq!(a.count, 2);
    }

    #[test]
    fn removed_items_and_dict_keys() {
        let r = Rules::builtin();
        assert_eq!(
            r.diff(b"[<Thread(Thread-1, started 5)>]", b"[]").detail,
            "-Thread"
        );
        let before = b"(140, environ({'A': '1', 'B': '2'}), {'A': '1', 'B': '2'})";
        let after =
            b"(140, environ({'A': '1', 'B': '3', 'C': 'x'}), {'A': '1', 'B': '3', 'C': 'x'})";
        assert_eq!(
            r.diff(before, after),
            Leaked {
                detail: "~B; +C".into(),
                count: 2
            }
        );
        assert_eq!(r.diff(b"['/a', '/b']", b"['/a']").detail, "-'/b'");
        assert_eq!(r.diff(b"x", b"x"), Leaked::default());
    }

    #[test]
    fn dangling_reprs_are_named() {
        let r = Rules::builtin();
        assert_eq!(
            r.describe(b"<Thread(Thread-3, started daemon 1402)>"),
            Leaked {
                detail: "Thread".into(),
                count: 1
            }
        );
        assert_eq!(
            r.describe(b"{<SpawnProcess(SpawnProcess-1, started)>, <SpawnProcess(SpawnProcess-2, started)>, <ForkProcess(ForkProcess-1, stopped)>}"),
            Leaked { detail: "ForkProcess; SpawnProcess*2".into(), count: 3 }
        );
    }
}
