//! What leaked: the difference between `Before:` and `After:` values, and the classes of
//! dangling objects, named by the rules in `grammars/leak-classes.rules`.

pub mod repr;
pub mod rules;

pub use rules::{RuleError, Rules};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// How an item of a leak stands between `Before:` and `After:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// In `After:` only (`+Thread`).
    Added,
    /// In `Before:` only (`-Thread`).
    Removed,
    /// A dict key in both, with another value (`~PATH`).
    ValueChanged,
    /// Named by a warning that lists what is left (`Dangling thread: …`), not a difference.
    Present,
}

/// One class of leaked object (or dict key), and how many of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeakedItem {
    /// The class the rules gave it (`SpawnProcess`), the masked item when none did, or the
    /// key of a dict entry (`PATH`).
    pub name: String,
    pub count: u64,
    pub change: Change,
}

impl LeakedItem {
    /// Is this an object that leaked (left behind or added), as `top_leaked` counts them?
    pub fn is_leaked_object(&self) -> bool {
        matches!(self.change, Change::Added | Change::Present)
    }
}

impl std::fmt::Display for LeakedItem {
    /// `+SpawnProcess`, `-Thread*2`, `~PATH`, `SpawnProcess*2`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = match self.change {
            Change::Added => "+",
            Change::Removed => "-",
            Change::ValueChanged => "~",
            Change::Present => "",
        };
        if self.count > 1 {
            write!(f, "{sign}{}*{}", self.name, self.count)
        } else {
            write!(f, "{sign}{}", self.name)
        }
    }
}

/// What a leak warning says leaked, item by item, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Leaked {
    pub items: Vec<LeakedItem>,
}

impl Leaked {
    /// How many items differ or are left: the `count` column.
    pub fn count(&self) -> u64 {
        self.items.iter().map(|i| i.count).sum()
    }
}

impl std::fmt::Display for Leaked {
    /// The `detail` column: `+SpawnProcess; +Thread*2; ~PATH`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, item) in self.items.iter().enumerate() {
            if n > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
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

/// Counts on the two sides of a difference: `Before:` subtracts, `After:` adds.
#[derive(Default)]
struct Tally {
    /// Classified items (not dict entries): After minus Before.
    classes: BTreeMap<String, i64>,
    /// Dict keys: how often each side has the key.
    keys: BTreeMap<String, (i64, i64)>,
    /// Whole masked dict entries (`'PATH': '/x'`): After minus Before, to see changed values.
    entries: BTreeMap<String, i64>,
}

impl Rules {
    /// `Dangling processes: {<SpawnProcess(...)>, <SpawnProcess(...)>}` → `SpawnProcess*2`.
    pub fn describe(&self, value: &[u8]) -> Leaked {
        let text = String::from_utf8_lossy(value);
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for leaf in repr::leaves(&text) {
            *counts.entry(self.class_of(&self.mask(leaf))).or_insert(0) += 1;
        }
        let items = counts
            .into_iter()
            .map(|(name, count)| LeakedItem {
                name,
                count,
                change: Change::Present,
            })
            .collect();
        Leaked { items }
    }

    /// What `After:` has that `Before:` had not (`+Class`), and the reverse (`-Class`);
    /// dict entries are compared by key (`+KEY`, `-KEY`, `~KEY` for a changed value).
    pub fn diff(&self, before: &[u8], after: &[u8]) -> Leaked {
        let before = String::from_utf8_lossy(before);
        let after = String::from_utf8_lossy(after);
        let mut tally = Tally::default();
        for (value, sign) in [(&before, -1i64), (&after, 1i64)] {
            for leaf in repr::leaves(value) {
                let masked = self.mask(leaf);
                match repr::dict_key(&masked) {
                    Some(key) => {
                        let sides = tally.keys.entry(unquote(key).to_string()).or_default();
                        if sign < 0 {
                            sides.0 += 1
                        } else {
                            sides.1 += 1
                        }
                        *tally.entries.entry(masked.into_owned()).or_insert(0) += sign;
                    }
                    None => *tally.classes.entry(self.class_of(&masked)).or_insert(0) += sign,
                }
            }
        }
        let mut items: Vec<LeakedItem> = tally
            .classes
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|(name, n)| LeakedItem {
                name,
                count: n.unsigned_abs(),
                change: if n > 0 {
                    Change::Added
                } else {
                    Change::Removed
                },
            })
            .collect();
        // keys whose whole entry differs between the sides: a changed value
        let changed: BTreeSet<&str> = tally
            .entries
            .iter()
            .filter(|(_, n)| **n != 0)
            .filter_map(|(entry, _)| repr::dict_key(entry).map(unquote))
            .collect();
        for (key, (in_before, in_after)) in &tally.keys {
            // counts, not presence: os.environ's repr holds the live mapping and a copy
            let change = match in_after.cmp(in_before) {
                Ordering::Greater => Change::Added,
                Ordering::Less => Change::Removed,
                Ordering::Equal if changed.contains(key.as_str()) => Change::ValueChanged,
                Ordering::Equal => continue,
            };
            items.push(LeakedItem {
                name: key.clone(),
                count: 1,
                change,
            });
        }
        Leaked { items }
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
            got.items,
            vec![LeakedItem {
                name: "SpawnProcess".into(),
                count: 1,
                change: Change::Added
            }]
        );
        assert_eq!((got.to_string(), got.count()), ("+SpawnProcess".into(), 1));
    }

    #[test]
    fn equal_leaks_compare_equal_after_masking() {
        let r = Rules::builtin();
        let a = r.diff(b"{<weakref at 0x1; to 'Thread' at 0x2>}", b"{<weakref at 0x1; to 'Thread' at 0x2>, <weakref at 0x9; to 'Thread' at 0x8>, <weakref at 0x5; to 'Thread' at 0x6>}");
        let b = r.diff(b"{<weakref at 0xa; to 'Thread' at 0xb>}", b"{<weakref at 0xc; to 'Thread' at 0xd>, <weakref at 0xe; to 'Thread' at 0xf>, <weakref at 0x3; to 'Thread' at 0x4>}");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "+Thread*2");
        assert_eq!(a.count(), 2);
    }

    #[test]
    fn removed_items_and_dict_keys() {
        let r = Rules::builtin();
        assert_eq!(
            r.diff(b"[<Thread(Thread-1, started 5)>]", b"[]")
                .to_string(),
            "-Thread"
        );
        let before = b"(140, environ({'A': '1', 'B': '2'}), {'A': '1', 'B': '2'})";
        let after =
            b"(140, environ({'A': '1', 'B': '3', 'C': 'x'}), {'A': '1', 'B': '3', 'C': 'x'})";
        let d = r.diff(before, after);
        assert_eq!((d.to_string(), d.count()), ("~B; +C".into(), 2));
        assert_eq!(
            d.items.iter().map(|i| i.change).collect::<Vec<_>>(),
            vec![Change::ValueChanged, Change::Added]
        );
        assert_eq!(r.diff(b"['/a', '/b']", b"['/a']").to_string(), "-'/b'");
        assert_eq!(r.diff(b"x", b"x"), Leaked::default());
    }

    #[test]
    fn dangling_reprs_are_named() {
        let r = Rules::builtin();
        let one = r.describe(b"<Thread(Thread-3, started daemon 1402)>");
        assert_eq!((one.to_string(), one.count()), ("Thread".into(), 1));
        let three = r.describe(b"{<SpawnProcess(SpawnProcess-1, started)>, <SpawnProcess(SpawnProcess-2, started)>, <ForkProcess(ForkProcess-1, stopped)>}");
        assert_eq!(
            (three.to_string(), three.count()),
            ("ForkProcess; SpawnProcess*2".into(), 3)
        );
        assert!(three.items.iter().all(LeakedItem::is_leaked_object));
    }
}
