//! What leaked: the difference between `Before:` and `After:` values, and the classes of
//! dangling objects, named by the rules in `grammars/leak-classes.rules`.

pub mod repr;
pub mod rules;

pub use rules::{RuleError, Rules};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// How an item of a leak stands between `Before:` and `After:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakedItem {
    /// The class the rules gave it (`SpawnProcess`), the masked item when none did, or the
    /// key of a dict entry (`PATH`).
    pub name: String,
    pub count: u64,
    pub change: Change,
}

/// The most characters of an item's name that are shown (an unclassified item is its whole
/// masked text: a path, a repr). Compared whole, shown cut.
pub const SHOWN_CHARS: usize = 61;

impl LeakedItem {
    /// The name as shown: cut to `SHOWN_CHARS`.
    pub fn shown_name(&self) -> std::borrow::Cow<'_, str> {
        crate::text::fit(&self.name, SHOWN_CHARS)
    }

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
        let name = self.shown_name();
        if self.count > 1 {
            write!(f, "{sign}{name}*{}", self.count)
        } else {
            write!(f, "{sign}{name}")
        }
    }
}

/// What a leak warning says leaked, item by item, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
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

/// Counts on the two sides of a difference (`Before:` subtracts, `After:` adds), borrowed from
/// the masked items: a 4 MiB `os.environ` line is not copied again.
#[derive(Default)]
struct Tally<'a> {
    /// Classified items (not dict entries): After minus Before.
    classes: hashbrown::HashMap<String, i64, rustc_hash::FxBuildHasher>,
    /// Dict keys: how often each side has the key.
    keys: hashbrown::HashMap<&'a str, (i64, i64), rustc_hash::FxBuildHasher>,
    /// Whole masked dict entries (`'PATH': '/x'`): After minus Before, to see changed values.
    entries: hashbrown::HashMap<&'a str, i64, rustc_hash::FxBuildHasher>,
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
        let masked: [Vec<Cow<'_, str>>; 2] = [&before, &after].map(|value| {
            repr::leaves(value)
                .into_iter()
                .map(|leaf| self.mask(leaf))
                .collect()
        });
        let mut tally = Tally::default();
        for (items, sign) in masked.iter().zip([-1i64, 1]) {
            for item in items {
                match repr::dict_key(item) {
                    Some(key) => {
                        let sides = tally.keys.entry(unquote(key)).or_default();
                        if sign < 0 {
                            sides.0 += 1
                        } else {
                            sides.1 += 1
                        }
                        *tally.entries.entry(item.as_ref()).or_insert(0) += sign;
                    }
                    None => *tally.classes.entry(self.class_of(item)).or_insert(0) += sign,
                }
            }
        }
        let mut classes: Vec<(String, i64)> =
            tally.classes.into_iter().filter(|(_, n)| *n != 0).collect();
        classes.sort_unstable();
        let mut items: Vec<LeakedItem> = classes
            .into_iter()
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
        let changed: hashbrown::HashSet<&str, rustc_hash::FxBuildHasher> = tally
            .entries
            .iter()
            .filter(|(_, n)| **n != 0)
            .filter_map(|(entry, _)| repr::dict_key(entry).map(unquote))
            .collect();
        let mut keys: Vec<(&str, (i64, i64))> = tally.keys.into_iter().collect();
        keys.sort_unstable();
        for (key, (in_before, in_after)) in keys {
            // counts, not presence: os.environ's repr holds the live mapping and a copy
            let change = match in_after.cmp(&in_before) {
                Ordering::Greater => Change::Added,
                Ordering::Less => Change::Removed,
                Ordering::Equal if changed.contains(key) => Change::ValueChanged,
                Ordering::Equal => continue,
            };
            items.push(LeakedItem {
                name: key.to_string(),
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
    fn long_items_are_compared_whole_and_cut_only_when_shown() {
        let r = Rules::builtin();
        let root = "/home/buildbot/buildarea/3.x.cstratak-fedora.x86_64/build/Lib/test";
        let before = format!("['{root}/aaa']");
        let after = format!("['{root}/bbb']");
        let d = r.diff(before.as_bytes(), after.as_bytes());
        assert_eq!(d.count(), 2, "{d}");
        assert_eq!(d.items[0].name, format!("'{root}/aaa'"));
        assert_eq!(d.items[1].name, format!("'{root}/bbb'"));
        let shown = d.to_string();
        assert!(
            shown.starts_with("-'/home/buildbot") && shown.contains("…; +'/home"),
            "{shown}"
        );
        assert!(
            d.items
                .iter()
                .all(|i| i.shown_name().chars().count() == SHOWN_CHARS)
        );
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

    /// A diff written the slow, obvious way: every lookup a scan of a list.
    fn reference_diff(r: &Rules, before: &str, after: &str) -> String {
        let side = |v: &str| -> Vec<String> {
            repr::leaves(v)
                .into_iter()
                .map(|l| r.mask(l).into_owned())
                .collect()
        };
        fn bump(list: &mut Vec<(String, i64)>, key: &str, by: i64) {
            match list.iter_mut().find(|(k, _)| k == key) {
                Some((_, n)) => *n += by,
                None => list.push((key.to_string(), by)),
            }
        }
        let (mut classes, mut keys_before, mut keys_after, mut entries) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (items, sign) in [(side(before), -1), (side(after), 1)] {
            for item in items {
                match repr::dict_key(&item) {
                    Some(key) => {
                        let keys = if sign < 0 {
                            &mut keys_before
                        } else {
                            &mut keys_after
                        };
                        bump(keys, unquote(key), 1);
                        bump(&mut entries, &item, sign);
                    }
                    None => bump(&mut classes, &r.class_of(&item), sign),
                }
            }
        }
        classes.sort();
        let mut tokens: Vec<String> = classes
            .iter()
            .filter(|(_, n)| *n != 0)
            .map(|(name, n)| {
                let item = LeakedItem {
                    name: name.clone(),
                    count: n.unsigned_abs(),
                    change: if *n > 0 {
                        Change::Added
                    } else {
                        Change::Removed
                    },
                };
                item.to_string()
            })
            .collect();
        let mut all_keys: Vec<String> = keys_before
            .iter()
            .chain(&keys_after)
            .map(|(k, _)| k.clone())
            .collect();
        all_keys.sort();
        all_keys.dedup();
        for key in all_keys {
            let count =
                |list: &Vec<(String, i64)>| list.iter().find(|(k, _)| *k == key).map_or(0, |p| p.1);
            let (b, a) = (count(&keys_before), count(&keys_after));
            let changed = entries
                .iter()
                .any(|(e, n)| *n != 0 && repr::dict_key(e).map(unquote) == Some(key.as_str()));
            let sign = match a.cmp(&b) {
                Ordering::Greater => "+",
                Ordering::Less => "-",
                Ordering::Equal if changed => "~",
                Ordering::Equal => continue,
            };
            tokens.push(format!("{sign}{key}"));
        }
        tokens.join("; ")
    }

    /// A repr of a container of `items` (indices into a small pool, so that duplicates,
    /// changed values and long paths all occur).
    fn repr_of(container: u8, items: &[u8]) -> String {
        const POOL: [&str; 8] = [
            "<Thread(Thread-3, started daemon 140001)>",
            "<weakref at 0x7f3b2c1d2e80; to 'SpawnProcess' at 0x7f3b2c1d3f10>",
            "'/home/buildbot/buildarea/3.x.cstratak-fedora.x86_64/build/Lib/test/aaa'",
            "'/home/buildbot/buildarea/3.x.cstratak-fedora.x86_64/build/Lib/test/bbb'",
            "42",
            "<function showwarning at 0x7f00>",
            "'x, y'",
            "<foo.Bar object at 0x1>",
        ];
        let parts: Vec<String> = items
            .iter()
            .map(|&i| {
                if container == 2 {
                    let key = ["PATH", "HOME", "LANG", "TZ"][i as usize % 4];
                    format!("'{key}': '{}'", i / 4)
                } else {
                    POOL[i as usize % POOL.len()].to_string()
                }
            })
            .collect();
        match container {
            0 => format!("[{}]", parts.join(", ")),
            1 if parts.is_empty() => "set()".to_string(),
            1 => format!("{{{}}}", parts.join(", ")),
            _ => format!("(140, environ({{{0}}}), {{{0}}})", parts.join(", ")),
        }
    }

    proptest::proptest! {
        #[test]
        fn the_diff_is_the_obvious_diff(
            container in 0u8..3,
            before in proptest::collection::vec(0u8..16, 0..12),
            after in proptest::collection::vec(0u8..16, 0..12),
        ) {
            let r = Rules::builtin();
            let (b, a) = (repr_of(container, &before), repr_of(container, &after));
            let got = r.diff(b.as_bytes(), a.as_bytes());
            proptest::prop_assert_eq!(got.to_string(), reference_diff(&r, &b, &a), "{} / {}", b, a);
        }
    }
}
