//! One row of `flakelog events`.

use crate::kind::Kind;
use crate::leak::Leaked;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Which pass of a run a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Phase {
    #[default]
    Main,
    Rerun,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Main => "main",
            Phase::Rerun => "rerun",
        }
    }
}

/// The rest of what an event says, beyond its kind, resource and count.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum Detail {
    #[default]
    None,
    /// As the log words it: outcome detail, refleak deltas, a pid, error text.
    Text(String),
    /// What leaked, item by item (`modified`, `dangling_*`, `manager_children`).
    Leaked(Leaked),
}

/// An event found in a log; owned, so it can leave the worker that parsed it. It travels with
/// its run's `RunInfo` (run index, python, builder, …); the output layer adds the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// 1-based line number in the decompressed source.
    pub line: u64,
    pub phase: Phase,
    pub test: Option<String>,
    /// `Class.test_method` the event happened in, when a method line says.
    pub method: Option<String>,
    pub kind: Kind,
    pub resource: Option<String>,
    pub count: Option<i64>,
    pub detail: Detail,
    /// Why: the exception line that ends the traceback, or what faulthandler said and where.
    pub reason: Option<String>,
    /// `reason` with numbers, addresses, paths and temporary names masked.
    pub reason_key: Option<String>,
    /// The line this came from was longer than `LINE_CAP` and was cut.
    pub is_cut: bool,
    /// Seconds from the line's ELAPSED prefix.
    pub elapsed: Option<u64>,
    pub load_avg: Option<f64>,
    /// The tests of the progress line's `-- running:` suffix, `;`-separated.
    pub running: Option<String>,
}

impl Event {
    /// An event with nothing but where it is, what it is and whose it is.
    pub fn new(line: u64, phase: Phase, kind: Kind, test: Option<String>) -> Event {
        Event {
            line,
            phase,
            test,
            method: None,
            kind,
            resource: None,
            count: None,
            detail: Detail::None,
            reason: None,
            reason_key: None,
            is_cut: false,
            elapsed: None,
            load_avg: None,
            running: None,
        }
    }

    /// Say why, unless something already did: the reason as kept, and its key.
    pub fn give_reason(&mut self, reason: Option<&str>) {
        if self.reason.is_some() || !self.kind.carries_reason() {
            return;
        }
        if let Some(r) = reason {
            let r = crate::reason::fit_reason(r);
            self.reason_key = Some(crate::reason::reason_key(&r));
            self.reason = Some(r);
        }
    }

    /// The objects this event says leaked, with how many of each (`top_leaked`).
    pub fn leaked_objects(&self) -> impl Iterator<Item = (&str, u64)> {
        let items = match &self.detail {
            Detail::Leaked(l) if self.kind.names_leaked_objects() => l.items.as_slice(),
            _ => &[],
        };
        items
            .iter()
            .filter(|i| i.is_leaked_object())
            .map(|i| (i.name.as_str(), i.count))
    }

    /// The `detail` column: the text or the leak, and a note when the line was cut.
    pub fn detail_text(&self) -> Option<Cow<'_, str>> {
        let text: Option<Cow<'_, str>> = match &self.detail {
            Detail::None => None,
            Detail::Text(t) => Some(Cow::Borrowed(t)),
            Detail::Leaked(l) => Some(Cow::Owned(l.to_string())),
        };
        if !self.is_cut {
            return text;
        }
        let note = format!("[line cut at {} MiB]", crate::input::lines::LINE_CAP >> 20);
        Some(Cow::Owned(match text {
            Some(d) if !d.is_empty() => format!("{d} {note}"),
            _ => note,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leak::{Change, LeakedItem};

    #[test]
    fn detail_is_the_text_or_the_leak_and_says_when_cut() {
        let mut e = Event::new(1, Phase::Main, Kind::Modified, None);
        assert_eq!(e.detail_text(), None);
        e.detail = Detail::Leaked(Leaked {
            items: vec![
                LeakedItem {
                    name: "Thread".into(),
                    count: 2,
                    change: Change::Added,
                },
                LeakedItem {
                    name: "PATH".into(),
                    count: 1,
                    change: Change::ValueChanged,
                },
            ],
        });
        assert_eq!(e.detail_text().as_deref(), Some("+Thread*2; ~PATH"));
        assert_eq!(e.leaked_objects().collect::<Vec<_>>(), vec![("Thread", 2)]);
        e.is_cut = true;
        assert_eq!(
            e.detail_text().as_deref(),
            Some("+Thread*2; ~PATH [line cut at 4 MiB]")
        );
        e.detail = Detail::None;
        assert_eq!(e.detail_text().as_deref(), Some("[line cut at 4 MiB]"));
        // only leak kinds name leaked objects
        let mut t = Event::new(1, Phase::Main, Kind::Failed, None);
        t.detail = Detail::Text("(2 failures)".into());
        assert_eq!(t.leaked_objects().count(), 0);
    }
}
