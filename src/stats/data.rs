//! A `Summary` as plain data, in one canonical form: strings sorted and numbered by that
//! order, rows sorted. The same summary gives the same data whatever order its inputs were
//! merged in, so a partial file is byte-identical at any thread count. Kinds and `--group-by`
//! columns are written by name, so a new kind does not shift the others.

use super::{Aggregate, GroupBy, Interner, KeyIds, Order, RunOutcome, Summary};
use crate::kind::Kind;
use crate::scan::Report;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryData {
    group_by: Vec<String>,
    /// Test names and resources.
    names: Vec<String>,
    /// `--group-by` values.
    groups: Vec<Vec<String>>,
    rows: Vec<RowData>,
    runs_with_test: Vec<(u32, u32, u64)>,
    sources: Vec<(u64, String)>,
    files: u64,
    runs: u64,
    events: u64,
    reports: Vec<(u64, String, Report)>,
    runs_by_month: Vec<(String, String, Vec<u64>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RowData {
    group: u32,
    event_group: u32,
    test: u32,
    kind: String,
    resource: u32,
    agg: Aggregate,
}

/// Where a value went when its interner was sorted: `new[old]`.
fn sorted_ids<T: Ord + Clone + std::hash::Hash + Eq>(interner: &Interner<T>) -> (Vec<T>, Vec<u32>) {
    let mut values: Vec<T> = interner.values.clone();
    values.sort();
    let mut new = vec![0u32; values.len()];
    for (old, v) in interner.values.iter().enumerate() {
        new[old] = values.binary_search(v).expect("a value of the interner") as u32;
    }
    (values, new)
}

impl Summary {
    /// The summary as canonical data.
    pub fn to_data(&self) -> SummaryData {
        let (names, name_id) = sorted_ids(&self.names);
        let (groups, group_id) = sorted_ids(&self.groups);
        let mut rows: Vec<RowData> = self
            .rows
            .iter()
            .map(|(k, agg)| RowData {
                group: group_id[k.group as usize],
                event_group: group_id[k.event_group as usize],
                test: name_id[k.test as usize],
                kind: k.kind.as_str().to_string(),
                resource: name_id[k.resource as usize],
                agg: agg.clone(),
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.group, a.event_group, a.test, &a.kind, a.resource).cmp(&(
                b.group,
                b.event_group,
                b.test,
                &b.kind,
                b.resource,
            ))
        });
        let mut runs_with_test: Vec<(u32, u32, u64)> = self
            .runs_with_test
            .iter()
            .map(|(&(g, t), &n)| (group_id[g as usize], name_id[t as usize], n))
            .collect();
        runs_with_test.sort_unstable();
        SummaryData {
            group_by: self.group_by.iter().map(|g| g.name().to_string()).collect(),
            names,
            groups,
            rows,
            runs_with_test,
            sources: self
                .sources
                .iter()
                .map(|(&o, n)| (o as u64, n.clone()))
                .collect(),
            files: self.files,
            runs: self.runs,
            events: self.events,
            reports: self
                .reports
                .iter()
                .map(|(&o, (n, r))| (o as u64, n.clone(), r.clone()))
                .collect(),
            runs_by_month: self
                .runs_by_month
                .iter()
                .map(|((m, b), c)| (m.clone(), b.clone(), c.to_vec()))
                .collect(),
        }
    }

    /// The summary the data holds, its sources renumbered by `source` (a partial's own
    /// numbers to those of every input merged). An error says what does not hold together.
    pub fn from_data(data: SummaryData, source: &dyn Fn(u64) -> usize) -> Result<Summary, String> {
        let group_by = data
            .group_by
            .iter()
            .map(|g| {
                <GroupBy as clap::ValueEnum>::from_str(g, false)
                    .map_err(|_| format!("unknown --group-by column `{g}`"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut s = Summary {
            group_by,
            files: data.files,
            runs: data.runs,
            events: data.events,
            ..Summary::default()
        };
        for n in &data.names {
            s.names.id(n.as_str());
        }
        for g in &data.groups {
            s.groups.id(g);
        }
        let (names, groups) = (data.names.len() as u32, data.groups.len() as u32);
        let renumber = |o: &mut Option<Order>| {
            if let Some((src, _)) = o.as_mut() {
                *src = source(*src as u64);
            }
        };
        for mut r in data.rows {
            let kind = Kind::from_name(&r.kind).ok_or(format!("unknown kind `{}`", r.kind))?;
            if r.group >= groups
                || r.event_group >= groups
                || r.test >= names
                || r.resource >= names
            {
                return Err("a row refers to a name it does not have".into());
            }
            renumber(&mut r.agg.first);
            renumber(&mut r.agg.last);
            for seen in [r.agg.earliest.as_mut(), r.agg.latest.as_mut()]
                .into_iter()
                .flatten()
            {
                seen.at.0 = source(seen.at.0 as u64);
            }
            let key = KeyIds {
                group: r.group,
                event_group: r.event_group,
                test: r.test,
                kind,
                resource: r.resource,
            };
            s.rows.insert(key, r.agg);
        }
        for (g, t, n) in data.runs_with_test {
            if g >= groups || t >= names {
                return Err("a test count refers to a name it does not have".into());
            }
            s.runs_with_test.insert((g, t), n);
        }
        s.sources = data
            .sources
            .into_iter()
            .map(|(o, n)| (source(o), n))
            .collect();
        s.reports = data
            .reports
            .into_iter()
            .map(|(o, n, r)| (source(o), (n, r)))
            .collect();
        for (m, b, counts) in data.runs_by_month {
            let counts: [u64; RunOutcome::ALL.len()] = counts
                .try_into()
                .map_err(|_| "a month with the wrong number of outcomes".to_string())?;
            s.runs_by_month.insert((m, b), counts);
        }
        Ok(s)
    }
}
