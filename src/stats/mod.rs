//! `stats`: a mergeable summary of runs and events. Each input folds into its own `Summary`;
//! `merge` is associative and commutative, so parallel workers can merge in any order and the
//! result is the same as one thread's.

use crate::filter::Filter;
use crate::kind::Kind;
use crate::run::RunInfo;
use crate::run::digest::{DigestKey, RunDigest};
use crate::scan::Report;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet};

pub mod context;
mod data;
pub mod partial;
pub mod repro;

/// A test's name as every version meets it: `test.test_asyncio.test_tasks` (3.12+ full runs)
/// is `test_asyncio.test_tasks` elsewhere.
pub fn test_name(name: &str) -> &str {
    name.strip_prefix("test.").unwrap_or(name)
}

/// A column to split the rows by: a run's (builder, branch, python, month) or an event's
/// (method, reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    Builder,
    Branch,
    Python,
    /// `YYYY-MM` of the run date.
    Month,
    /// The event's `Class.test_method`.
    Method,
    /// The event's `reason_key`.
    Reason,
}

impl GroupBy {
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Builder => "builder",
            GroupBy::Branch => "branch",
            GroupBy::Python => "python",
            GroupBy::Month => "month",
            GroupBy::Method => "method",
            GroupBy::Reason => "reason",
        }
    }

    /// Told by each event, not by its run.
    fn is_per_event(self) -> bool {
        matches!(self, GroupBy::Method | GroupBy::Reason)
    }

    fn run_value(self, run: &RunInfo) -> String {
        let v = match self {
            GroupBy::Builder => run.builder.clone(),
            GroupBy::Branch => run.branch.clone(),
            GroupBy::Python => run.python.clone(),
            GroupBy::Month => run.date.as_ref().map(|d| d.chars().take(7).collect()),
            GroupBy::Method | GroupBy::Reason => None,
        };
        v.unwrap_or_default()
    }

    fn event_value(self, key: &DigestKey) -> &str {
        let v = match self {
            GroupBy::Method => &key.method,
            GroupBy::Reason => &key.reason_key,
            _ => &None,
        };
        v.as_deref().unwrap_or("")
    }
}

/// Where something happened, in input order: source index, then line.
type Order = (usize, u64);

/// A row's key, with its strings interned in the `Summary` that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct KeyIds {
    /// The `--group-by` values a run gives (builder, branch, python, month).
    group: u32,
    /// The `--group-by` values an event gives (method, reason).
    event_group: u32,
    test: u32,
    kind: Kind,
    resource: u32,
}

/// A row's key, resolved (borrowed from the summary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'a> {
    /// The `--group-by` values, in the order asked.
    pub group: Vec<&'a str>,
    pub test: &'a str,
    pub kind: Kind,
    pub resource: &'a str,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Aggregate {
    pub events: u64,
    pub runs: u64,
    pub builders: BTreeSet<String>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// First and last occurrence in input order.
    pub first: Option<Order>,
    pub last: Option<Order>,
    /// Leaked objects (`modified`, `dangling_*`) and how many times each leaked.
    pub leaked: BTreeMap<String, u64>,
    /// Methods its events happened in, and how many events each.
    pub methods: BTreeMap<String, u64>,
    /// Reason keys its events said, and how many events each.
    pub reasons: BTreeMap<String, u64>,
    /// The longest timeout of its runs, in seconds.
    pub timeout_s: Option<u64>,
    /// Its earliest occurrence by run date (undated runs after dated ones), then input order:
    /// where `first_seen` points (`first_seen_at`, `first_commit`).
    pub earliest: Option<Seen>,
    /// Its latest occurrence by run date, then input order (`last_seen_at`, `example`).
    pub latest: Option<Seen>,
}

/// One occurrence of a row: its run's date and commit, and where its event is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    pub date: Option<String>,
    pub at: Order,
    pub commit: Option<String>,
}

impl Seen {
    /// Ordered for `earliest`: dated before undated, then by date, then input order.
    fn earliest_key(&self) -> (bool, Option<&str>, Order) {
        (self.date.is_none(), self.date.as_deref(), self.at)
    }

    /// Ordered for `latest`: dated after undated, then by date, then input order.
    fn latest_key(&self) -> (bool, Option<&str>, Order) {
        (self.date.is_some(), self.date.as_deref(), self.at)
    }

    /// The earlier of two by `earliest_key` (the same whatever the merge order).
    fn earlier(a: Option<Seen>, b: Option<Seen>) -> Option<Seen> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.earliest_key() < a.earliest_key() {
                b
            } else {
                a
            }),
            (a, b) => a.or(b),
        }
    }

    fn later(a: Option<Seen>, b: Option<Seen>) -> Option<Seen> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.latest_key() > a.latest_key() {
                b
            } else {
                a
            }),
            (a, b) => a.or(b),
        }
    }
}

/// The key counted most often; a tie goes to the first in the tally's order (alphabetical for
/// a `BTreeMap`).
fn most_frequent<'a>(tally: impl IntoIterator<Item = (&'a str, u64)>) -> Option<&'a str> {
    let mut best: Option<(&str, u64)> = None;
    for (k, n) in tally {
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((k, n));
        }
    }
    best.map(|(k, _)| k)
}

fn add_tally(into: &mut BTreeMap<String, u64>, from: BTreeMap<String, u64>) {
    for (k, v) in from {
        *into.entry(k).or_insert(0) += v;
    }
}

fn min_opt<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

impl Aggregate {
    fn merge(&mut self, other: Aggregate) {
        self.events += other.events;
        self.runs += other.runs;
        self.builders.extend(other.builders);
        self.first_date = min_opt(self.first_date.take(), other.first_date);
        self.last_date = max_opt(self.last_date.take(), other.last_date);
        self.first = min_opt(self.first, other.first);
        self.last = max_opt(self.last, other.last);
        add_tally(&mut self.leaked, other.leaked);
        add_tally(&mut self.methods, other.methods);
        add_tally(&mut self.reasons, other.reasons);
        self.timeout_s = self.timeout_s.max(other.timeout_s);
        self.earliest = Seen::earlier(self.earliest.take(), other.earliest);
        self.latest = Seen::later(self.latest.take(), other.latest);
    }

    /// The method its events happened in most often.
    pub fn top_method(&self) -> Option<&str> {
        most_frequent(self.methods.iter().map(|(k, &n)| (k.as_str(), n)))
    }

    /// The reason key its events said most often.
    pub fn top_reason(&self) -> Option<&str> {
        most_frequent(self.reasons.iter().map(|(k, &n)| (k.as_str(), n)))
    }

    /// The three objects that leaked most: `SpawnProcess (12); Thread (3)`.
    pub fn top_leaked(&self) -> Option<String> {
        if self.leaked.is_empty() {
            return None;
        }
        let mut v: Vec<(&String, &u64)> = self.leaked.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        Some(
            v.iter()
                .take(3)
                .map(|(k, n)| format!("{} ({n})", crate::text::fit(k, crate::leak::SHOWN_CHARS)))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }
}

/// Strings stored once, referred to by number: a test name is compared and hashed as a `u32`
/// on the per-event path.
#[derive(Debug, Clone, Default)]
struct Interner<T: std::hash::Hash + Eq + Clone> {
    ids: FxHashMap<T, u32>,
    values: Vec<T>,
}

impl<T: std::hash::Hash + Eq + Clone> Interner<T> {
    fn id<Q>(&mut self, value: &Q) -> u32
    where
        T: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ToOwned<Owned = T> + ?Sized,
    {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(value.to_owned());
        self.ids.insert(value.to_owned(), id);
        id
    }

    fn get(&self, id: u32) -> &T {
        &self.values[id as usize]
    }
}

/// Everything `stats` needs, for any number of inputs.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    rows: FxHashMap<KeyIds, Aggregate>,
    /// Runs in which each (group, test) appeared at all: the denominator of `rate`.
    runs_with_test: FxHashMap<(u32, u32), u64>,
    /// `--group-by` values, run-given and event-given alike.
    groups: Interner<Vec<String>>,
    /// Where each `--group-by` column's value is: (per event, index in its values).
    group_by: Vec<GroupBy>,
    names: Interner<String>,
    /// The name of each source that had a run, by input order.
    sources: BTreeMap<usize, String>,
    pub files: u64,
    pub runs: u64,
    pub events: u64,
    /// What inputs have to say (an error, no run, runs cut short), by input order.
    pub reports: BTreeMap<usize, (String, Report)>,
    /// The runs shown, by month of their date (`YYYY-MM`, or `undated`) and builder (empty
    /// when unknown), and by outcome.
    pub runs_by_month: BTreeMap<(String, String), [u64; RunOutcome::ALL.len()]>,
    /// What was around each test (`report`, `context`); kept only when asked for.
    pub context: Option<Box<context::Context>>,
}

/// What a run came to, as the report's monthly chart shows it: the worst thing it had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    Clean,
    Flaky,
    EnvChanged,
    Failed,
    /// Cut short: no final result line.
    Incomplete,
}

impl RunOutcome {
    pub const ALL: [RunOutcome; 5] = [
        RunOutcome::Clean,
        RunOutcome::Flaky,
        RunOutcome::EnvChanged,
        RunOutcome::Failed,
        RunOutcome::Incomplete,
    ];

    pub fn of(run: &RunInfo) -> RunOutcome {
        if !run.complete {
            RunOutcome::Incomplete
        } else if run.failed > 0 {
            RunOutcome::Failed
        } else if run.env_changed > 0 {
            RunOutcome::EnvChanged
        } else if run.flaky > 0 {
            RunOutcome::Flaky
        } else {
            RunOutcome::Clean
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RunOutcome::Clean => "clean",
            RunOutcome::Flaky => "flaky",
            RunOutcome::EnvChanged => "env changed",
            RunOutcome::Failed => "failed",
            RunOutcome::Incomplete => "incomplete",
        }
    }
}

/// A `stats` row, resolved and ready to print (borrowed from the summary: a million rows are
/// not copied to be sorted).
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    pub key: Key<'a>,
    pub agg: &'a Aggregate,
    pub runs_with_test: u64,
    /// The method the test's failing methods failed in most often (from its method rows).
    pub failing_method: Option<&'a str>,
}

/// Where and when a row was first and last seen, as `stats` and the report show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenText {
    /// The earliest and latest run date; where no run has one, `first_at` and `last_at`.
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// `source:line` of the earliest and latest occurrence.
    pub first_at: Option<String>,
    pub last_at: Option<String>,
    /// The commit of the run at `first_at`.
    pub first_commit: Option<String>,
}

impl Row<'_> {
    pub fn seen(&self, summary: &Summary) -> SeenText {
        let agg = self.agg;
        let first_at = summary.at(agg.earliest.as_ref().map(|s| s.at));
        let last_at = summary.at(agg.latest.as_ref().map(|s| s.at));
        SeenText {
            first_seen: agg.first_date.clone().or_else(|| first_at.clone()),
            last_seen: agg.last_date.clone().or_else(|| last_at.clone()),
            first_commit: agg.earliest.as_ref().and_then(|s| s.commit.clone()),
            first_at,
            last_at,
        }
    }

    /// The command that reproduces the row (`repro`): with the row's own method, or for a test
    /// file's failure the one its methods failed in.
    pub fn repro(&self) -> Option<String> {
        let failing = matches!(self.key.kind, Kind::Failed | Kind::Flaky);
        let method = self
            .agg
            .top_method()
            .or(self.failing_method.filter(|_| failing));
        repro::repro(&repro::Finding {
            test: self.key.test,
            kind: self.key.kind,
            method,
            timeout_s: self.agg.timeout_s,
        })
    }

    /// `runs / runs_with_test`, to four decimals: the `rate` column, and the report's.
    pub fn rate(&self) -> Option<f64> {
        (self.runs_with_test > 0).then(|| {
            (self.agg.runs as f64 / self.runs_with_test as f64 * 10_000.0).round() / 10_000.0
        })
    }
}

impl Summary {
    /// Count one run of source number `order`, from the digest of its events.
    pub fn add_run(
        &mut self,
        order: usize,
        source: &str,
        run: &RunInfo,
        digest: &RunDigest,
        group_by: &[GroupBy],
    ) {
        if self.group_by.is_empty() {
            self.group_by = group_by.to_vec();
        }
        if let Some(c) = self.context.as_mut() {
            c.add_run(run, digest);
        }
        let month = run
            .date
            .as_deref()
            .and_then(|d| d.get(..7))
            .unwrap_or("undated");
        let outcome = RunOutcome::of(run) as usize;
        let builder = run.builder.as_deref().unwrap_or("");
        let key = (month.to_string(), builder.to_string());
        self.runs_by_month
            .entry(key)
            .or_insert([0; RunOutcome::ALL.len()])[outcome] += 1;
        let run_values: Vec<String> = group_by
            .iter()
            .filter(|g| !g.is_per_event())
            .map(|g| g.run_value(run))
            .collect();
        let group = self.groups.id(&run_values);
        let per_event = group_by.iter().any(|g| g.is_per_event());
        let no_event_group = self.groups.id(&Vec::new());
        self.runs += 1;
        self.events += digest.events;
        if digest.events > 0 {
            self.sources
                .entry(order)
                .or_insert_with(|| source.to_string());
        }
        let mut keys_in_run: FxHashSet<KeyIds> = FxHashSet::default();
        let mut tests_in_run: FxHashSet<u32> = FxHashSet::default();
        for (dk, d) in &digest.keys {
            // one name, so rows from every version meet
            let test = dk.test.as_deref().map_or("", test_name);
            let event_group = if per_event {
                let values: Vec<String> = group_by
                    .iter()
                    .filter(|g| g.is_per_event())
                    .map(|g| g.event_value(dk).to_string())
                    .collect();
                self.groups.id(&values)
            } else {
                no_event_group
            };
            let key = KeyIds {
                group,
                event_group,
                test: self.names.id(test),
                kind: dk.kind,
                resource: self.names.id(dk.resource.as_deref().unwrap_or("")),
            };
            let agg = self.rows.entry(key).or_default();
            agg.events += d.events;
            agg.first = min_opt(agg.first, Some((order, d.first_line)));
            agg.last = max_opt(agg.last, Some((order, d.last_line)));
            // copies only when the occurrence is a new earliest or latest
            let seen = |line| Seen {
                date: run.date.clone(),
                at: (order, line),
                commit: run.commit.clone(),
            };
            let date = run.date.as_deref();
            let first = (date.is_none(), date, (order, d.first_line));
            if agg
                .earliest
                .as_ref()
                .is_none_or(|e| first < e.earliest_key())
            {
                agg.earliest = Some(seen(d.first_line));
            }
            let last = (date.is_some(), date, (order, d.last_line));
            if agg.latest.as_ref().is_none_or(|l| last > l.latest_key()) {
                agg.latest = Some(seen(d.last_line));
            }
            for (object, n) in &d.leaked {
                *agg.leaked.entry(object.clone()).or_insert(0) += n;
            }
            if let Some(m) = &dk.method {
                *agg.methods.entry(m.clone()).or_insert(0) += d.events;
            }
            if let Some(r) = &dk.reason_key {
                *agg.reasons.entry(r.clone()).or_insert(0) += d.events;
            }
            agg.timeout_s = agg.timeout_s.max(run.timeout_s);
            if keys_in_run.insert(key) {
                agg.runs += 1;
                // copies only when something changes: this runs for every row of every run
                if let Some(b) = run.builder.as_ref().filter(|b| !agg.builders.contains(*b)) {
                    agg.builders.insert(b.clone());
                }
                if let Some(d) = &run.date {
                    if agg.first_date.as_ref().is_none_or(|f| d < f) {
                        agg.first_date = Some(d.clone());
                    }
                    if agg.last_date.as_ref().is_none_or(|l| d > l) {
                        agg.last_date = Some(d.clone());
                    }
                }
            }
            tests_in_run.insert(key.test);
        }
        for test in tests_in_run {
            *self.runs_with_test.entry((group, test)).or_insert(0) += 1;
        }
    }

    /// What reading source number `order` came to, kept when it has something to say.
    pub fn add_report(&mut self, order: usize, source: &str, report: Report) {
        self.files += 1;
        if report.error.is_some() || report.runs == 0 || !report.cuts.is_empty() {
            self.reports.insert(order, (source.to_string(), report));
        }
    }

    /// Fold `other` in. The result does not depend on the order of merging.
    pub fn merge(mut self, other: Summary) -> Summary {
        // the smaller folds into the larger: one big file merged into an empty summary is not
        // copied, which would double its peak
        if self.rows.len() < other.rows.len() {
            return other.merge(self);
        }
        let group_ids: Vec<u32> = other
            .groups
            .values
            .iter()
            .map(|g| self.groups.id(g))
            .collect();
        let name_ids: Vec<u32> = other
            .names
            .values
            .iter()
            .map(|n| self.names.id(n.as_str()))
            .collect();
        if self.group_by.is_empty() {
            self.group_by = other.group_by;
        }
        for (k, v) in other.rows {
            let k = KeyIds {
                group: group_ids[k.group as usize],
                event_group: group_ids[k.event_group as usize],
                test: name_ids[k.test as usize],
                kind: k.kind,
                resource: name_ids[k.resource as usize],
            };
            self.rows.entry(k).or_default().merge(v);
        }
        for ((g, t), v) in other.runs_with_test {
            *self
                .runs_with_test
                .entry((group_ids[g as usize], name_ids[t as usize]))
                .or_insert(0) += v;
        }
        self.sources.extend(other.sources);
        for (key, counts) in other.runs_by_month {
            let mine = self
                .runs_by_month
                .entry(key)
                .or_insert([0; RunOutcome::ALL.len()]);
            for (m, c) in mine.iter_mut().zip(counts) {
                *m += c;
            }
        }
        match (self.context.as_mut(), other.context) {
            (Some(mine), Some(theirs)) => mine.merge(*theirs),
            (None, theirs) => self.context = theirs,
            (Some(_), None) => {}
        }
        self.files += other.files;
        self.runs += other.runs;
        self.events += other.events;
        self.reports.extend(other.reports);
        self
    }

    /// The runs shown by month, every builder together.
    pub fn months(&self) -> BTreeMap<&str, [u64; RunOutcome::ALL.len()]> {
        let mut months: BTreeMap<&str, [u64; RunOutcome::ALL.len()]> = BTreeMap::new();
        for ((month, _), counts) in &self.runs_by_month {
            let sum = months.entry(month.as_str()).or_default();
            for (s, c) in sum.iter_mut().zip(counts) {
                *s += c;
            }
        }
        months
    }

    /// `source:line` of an occurrence.
    pub fn at(&self, order: Option<Order>) -> Option<String> {
        order.map(|(source, line)| {
            format!(
                "{}:{line}",
                self.sources.get(&source).map_or("", String::as_str)
            )
        })
    }

    /// The `--group-by` values of a row, in the order asked.
    fn group_values(&self, k: &KeyIds) -> Vec<&str> {
        let (run_values, event_values) = (self.groups.get(k.group), self.groups.get(k.event_group));
        let (mut run_values, mut event_values) = (run_values.iter(), event_values.iter());
        self.group_by
            .iter()
            .filter_map(|g| {
                let values = if g.is_per_event() {
                    &mut event_values
                } else {
                    &mut run_values
                };
                values.next().map(String::as_str)
            })
            .collect()
    }

    /// Per (run group, test): the methods its method rows failed in, counted.
    fn failing_methods(&self) -> FxHashMap<(u32, u32), BTreeMap<&str, u64>> {
        let mut by_test: FxHashMap<(u32, u32), BTreeMap<&str, u64>> = FxHashMap::default();
        for (k, a) in &self.rows {
            if k.kind.is_method_failure() || k.kind == Kind::MethodFlaky {
                let tally = by_test.entry((k.group, k.test)).or_default();
                for (m, n) in &a.methods {
                    *tally.entry(m.as_str()).or_insert(0) += n;
                }
            }
        }
        by_test
    }

    /// The rows, filtered and sorted: `runs` descending, then test, kind, resource, group.
    /// With no `--kind`, every kind but `passed` (which still counts in `runs_with_test`);
    /// `--test` keeps a row whose test, or one of whose methods, matches.
    pub fn rows(&self, min_runs: u64, filter: &Filter) -> Vec<Row<'_>> {
        let wanted = |k: &KeyIds, a: &Aggregate| {
            let resource = Some(self.names.get(k.resource).as_str()).filter(|r| !r.is_empty());
            let kind = if filter.kinds.is_empty() {
                k.kind != Kind::Passed
            } else {
                filter.keeps_kind(k.kind, resource)
            };
            kind && (filter.test.is_none()
                || filter.keeps_test(Some(self.names.get(k.test)), None)
                || a.methods.keys().any(|m| filter.keeps_test(None, Some(m))))
        };
        let failing = self.failing_methods();
        let mut rows: Vec<Row<'_>> = self
            .rows
            .iter()
            .filter(|(k, a)| a.runs >= min_runs && wanted(k, a))
            .map(|(k, a)| Row {
                key: Key {
                    group: self.group_values(k),
                    test: self.names.get(k.test),
                    kind: k.kind,
                    resource: self.names.get(k.resource),
                },
                agg: a,
                runs_with_test: self
                    .runs_with_test
                    .get(&(k.group, k.test))
                    .copied()
                    .unwrap_or(0),
                failing_method: failing
                    .get(&(k.group, k.test))
                    .and_then(|tally| most_frequent(tally.iter().map(|(&m, &n)| (m, n)))),
            })
            .collect();
        rows.sort_by(|a, b| {
            b.agg.runs.cmp(&a.agg.runs).then_with(|| {
                let (a, b) = (&a.key, &b.key);
                (a.test, a.kind.as_str(), a.resource, &a.group).cmp(&(
                    b.test,
                    b.kind.as_str(),
                    b.resource,
                    &b.group,
                ))
            })
        });
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leak::{Change, Leaked, LeakedItem};
    use crate::run::{Detail, Event, Phase};

    fn digest(events: &[Event]) -> RunDigest {
        RunDigest::from_events(events)
    }

    fn ev(line: u64, test: &str, kind: Kind, leaked: &[(&str, u64, Change)]) -> Event {
        let mut e = Event::new(line, Phase::Main, kind, Some(test.into()));
        if !leaked.is_empty() {
            let items = leaked
                .iter()
                .map(|&(name, count, change)| LeakedItem {
                    name: name.into(),
                    count,
                    change,
                })
                .collect();
            e.detail = Detail::Leaked(Leaked { items });
        }
        e
    }

    fn run(builder: &str, date: &str) -> RunInfo {
        RunInfo {
            builder: Some(builder.into()),
            date: Some(date.into()),
            ..RunInfo::default()
        }
    }

    fn sample(order: usize) -> Summary {
        let mut s = Summary {
            files: 1,
            ..Summary::default()
        };
        let events = [
            ev(1, "test_a", Kind::Passed, &[]),
            ev(2, "test_b", Kind::EnvChanged, &[]),
            ev(
                3,
                "test_b",
                Kind::Modified,
                &[
                    ("SpawnProcess", 1, Change::Added),
                    ("Thread", 2, Change::Added),
                    ("Foo", 1, Change::Removed),
                ],
            ),
            ev(
                4,
                "test_b",
                Kind::Modified,
                &[("SpawnProcess", 1, Change::Added)],
            ),
        ];
        let date = format!("2024-0{}-01", order + 1);
        s.add_run(
            order,
            &format!("f{order}.log"),
            &run(&format!("bot{}", order % 2), &date),
            &digest(&events),
            &[],
        );
        s
    }

    /// A filter of `--kind` these kinds.
    fn only(kinds: &[Kind]) -> Filter {
        Filter {
            kinds: kinds
                .iter()
                .copied()
                .map(crate::kind::KindSelector::One)
                .collect(),
            ..Filter::default()
        }
    }

    const ALL: [Kind; 3] = [Kind::Passed, Kind::EnvChanged, Kind::Modified];

    #[test]
    fn counts_runs_events_and_denominators() {
        let s = sample(0).merge(sample(1)).merge(sample(2));
        let rows = s.rows(0, &Filter::default());
        let r = rows.iter().find(|r| r.key.kind == Kind::Modified).unwrap();
        assert_eq!(
            (r.key.test, r.agg.events, r.agg.runs, r.runs_with_test),
            ("test_b", 6, 3, 3)
        );
        assert_eq!(r.agg.builders.len(), 2);
        assert_eq!(
            (r.agg.first_date.as_deref(), r.agg.last_date.as_deref()),
            (Some("2024-01-01"), Some("2024-03-01"))
        );
        assert_eq!(
            (s.at(r.agg.first).as_deref(), s.at(r.agg.last).as_deref()),
            (Some("f0.log:3"), Some("f2.log:4"))
        );
        assert_eq!(
            r.agg.top_leaked().as_deref(),
            Some("SpawnProcess (6); Thread (6)")
        );
        assert_eq!((s.files, s.runs, s.events), (3, 3, 12));
    }

    #[test]
    fn merge_is_order_independent() {
        let a = sample(0).merge(sample(1)).merge(sample(2));
        let b = sample(2).merge(sample(0).merge(sample(1)));
        assert_eq!(a.rows(0, &only(&ALL)), b.rows(0, &only(&ALL)));
        assert_eq!((a.files, a.runs, a.events), (b.files, b.runs, b.events));
    }

    #[test]
    fn split_package_names_meet() {
        let mut s = Summary::default();
        s.add_run(
            0,
            "a",
            &run("b", "2024-01-01"),
            &digest(&[ev(1, "test.test_asyncio.test_tasks", Kind::Failed, &[])]),
            &[],
        );
        s.add_run(
            1,
            "b",
            &run("b", "2024-01-02"),
            &digest(&[ev(1, "test_asyncio.test_tasks", Kind::Failed, &[])]),
            &[],
        );
        let rows = s.rows(0, &Filter::default());
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].key.test, rows[0].agg.runs),
            ("test_asyncio.test_tasks", 2)
        );
    }

    #[test]
    fn filters_and_sort() {
        let mut s = sample(0);
        s.add_run(
            1,
            "g.log",
            &run("x", "2024-05-01"),
            &digest(&[ev(9, "test_z", Kind::Failed, &[])]),
            &[],
        );
        let kinds: Vec<Kind> = s
            .rows(0, &Filter::default())
            .iter()
            .map(|r| r.key.kind)
            .collect();
        assert_eq!(kinds, vec![Kind::EnvChanged, Kind::Modified, Kind::Failed]);
        let passed: Vec<&str> = s
            .rows(0, &only(&[Kind::Passed]))
            .into_iter()
            .map(|r| r.key.test)
            .collect();
        assert_eq!(passed, vec!["test_a"]);
        let failed: Vec<&str> = s
            .rows(0, &only(&[Kind::Failed]))
            .into_iter()
            .map(|r| r.key.test)
            .collect();
        assert_eq!(failed, vec!["test_z"]);
        assert!(s.rows(2, &Filter::default()).is_empty());
    }

    #[test]
    fn group_by_month_splits_rows() {
        let mut s = Summary::default();
        for (order, date) in ["2024-01-05", "2024-01-20", "2024-02-01"]
            .iter()
            .enumerate()
        {
            s.add_run(
                order,
                "f",
                &run("b", date),
                &digest(&[ev(1, "test_a", Kind::Failed, &[])]),
                &[GroupBy::Month],
            );
        }
        let rows = s.rows(0, &Filter::default());
        let got: Vec<(&str, u64, u64)> = rows
            .iter()
            .map(|r| (r.key.group[0], r.agg.runs, r.runs_with_test))
            .collect();
        assert_eq!(got, vec![("2024-01", 2, 2), ("2024-02", 1, 1)]);
    }

    fn method_ev(line: u64, test: &str, kind: Kind, method: &str, reason: &str) -> Event {
        let mut e = Event::new(line, Phase::Main, kind, Some(test.into()));
        e.method = Some(method.into());
        e.give_reason(Some(reason));
        e
    }

    /// Two runs: test_a fails in T.test_x twice (two machines, two numbers), in T.test_y once.
    fn methods_summary(group_by: &[GroupBy]) -> Summary {
        let mut s = Summary::default();
        let runs = [
            vec![
                method_ev(
                    1,
                    "test_a",
                    Kind::MethodFailed,
                    "T.test_x",
                    "AssertionError: 1 != 2",
                ),
                method_ev(2, "test_a", Kind::MethodFailed, "T.test_y", "KeyError: 'k'"),
                ev(3, "test_a", Kind::Failed, &[]),
            ],
            vec![
                method_ev(
                    1,
                    "test_a",
                    Kind::MethodFailed,
                    "T.test_x",
                    "AssertionError: 3 != 4",
                ),
                ev(2, "test_a", Kind::Failed, &[]),
            ],
        ];
        for (order, events) in runs.iter().enumerate() {
            s.add_run(
                order,
                "f",
                &run("b", "2024-01-01"),
                &digest(events),
                group_by,
            );
        }
        s
    }

    #[test]
    fn group_by_method_and_reason_split_rows_by_what_events_say() {
        let s = methods_summary(&[GroupBy::Method]);
        let rows = s.rows(0, &only(&[Kind::MethodFailed]));
        let got: Vec<(Vec<&str>, u64, u64, Option<&str>)> = rows
            .iter()
            .map(|r| {
                (
                    r.key.group.clone(),
                    r.agg.runs,
                    r.runs_with_test,
                    r.agg.top_reason(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                // one key for the same failure on two machines
                (vec!["T.test_x"], 2, 2, Some("AssertionError: <n> != <n>")),
                (vec!["T.test_y"], 1, 2, Some("KeyError: 'k'")),
            ]
        );
        let s = methods_summary(&[GroupBy::Reason, GroupBy::Builder]);
        let rows = s.rows(0, &only(&[Kind::MethodFailed]));
        let groups: Vec<Vec<&str>> = rows.iter().map(|r| r.key.group.clone()).collect();
        // the columns in the order asked, whichever gives them
        assert_eq!(
            groups,
            vec![
                vec!["AssertionError: <n> != <n>", "b"],
                vec!["KeyError: 'k'", "b"]
            ]
        );
        // without grouping, one row, and the method its events failed in most
        let s = methods_summary(&[]);
        let rows = s.rows(0, &only(&[Kind::MethodFailed, Kind::Failed]));
        let method_row = rows
            .iter()
            .find(|r| r.key.kind == Kind::MethodFailed)
            .unwrap();
        assert_eq!(
            (method_row.agg.runs, method_row.agg.top_method()),
            (2, Some("T.test_x"))
        );
        // the test's `failed` row knows which of its methods fail most
        let failed_row = rows.iter().find(|r| r.key.kind == Kind::Failed).unwrap();
        assert_eq!(failed_row.failing_method, Some("T.test_x"));
    }

    #[test]
    fn merging_keeps_per_event_groups_apart() {
        let a = methods_summary(&[GroupBy::Method]);
        let b = methods_summary(&[GroupBy::Method]);
        let merged = a.merge(b);
        let rows = merged.rows(0, &only(&[Kind::MethodFailed]));
        let got: Vec<(Vec<&str>, u64, u64)> = rows
            .iter()
            .map(|r| (r.key.group.clone(), r.agg.runs, r.runs_with_test))
            .collect();
        assert_eq!(
            got,
            vec![(vec!["T.test_x"], 4, 4), (vec!["T.test_y"], 2, 4)]
        );
    }
}
