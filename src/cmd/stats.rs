//! `flakelog stats` (the default command): one row per test, kind and resource.

use super::{Config, Item, finish, parse_source, report_incomplete};
use crate::cli::StatsArgs;
use crate::input::Source;
use crate::output::{Cell, Totals, text, uint};
use crate::run::RunInfo;
use crate::stats::{GroupBy, Summary};
use rayon::prelude::*;

/// The columns after the `--group-by` ones.
pub const COLUMNS: [&str; 12] = [
    "test",
    "kind",
    "resource",
    "events",
    "runs",
    "runs_with_test",
    "rate",
    "builders",
    "first_seen",
    "last_seen",
    "example",
    "top_leaked",
];

fn summarize(cfg: &Config, order: usize, source: &Source, group_by: &[GroupBy]) -> Summary {
    let mut summary = Summary::default();
    summary.files = 1;
    let name = source.name();
    parse_source(cfg, source, |item| match item {
        Item::Run(info, events) => summary.add_run(order, &name, &info, &events, group_by),
        Item::End(Err(e)) => summary.add_error(order, e.to_string()),
        Item::End(Ok(0)) => summary.add_without_run(order, &name),
        Item::End(Ok(_)) => {}
    });
    summary
}

/// Every source folded into one summary. Merging is order-independent, so rayon may reduce
/// in any order and the result is the same at any thread count.
pub fn summarize_all(cfg: &Config, group_by: &[GroupBy]) -> Summary {
    let bar = cfg.progress_bar();
    let summary = cfg.pool.install(|| {
        cfg.sources
            .par_iter()
            .enumerate()
            .map(|(order, source)| {
                let s = summarize(cfg, order, source, group_by);
                bar.inc(1);
                s
            })
            .reduce(Summary::default, Summary::merge)
    });
    bar.finish_and_clear();
    summary
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub fn run(cfg: &Config, args: &StatsArgs) -> anyhow::Result<u8> {
    let problems = cfg.report_problems();
    let summary = summarize_all(cfg, &args.group_by);
    // errors and inputs without a run, in input order
    let mut ends: Vec<(usize, Result<&str, &str>)> = summary
        .errors
        .iter()
        .map(|(o, m)| (*o, Err(m.as_str())))
        .chain(
            summary
                .without_run
                .iter()
                .map(|(o, s)| (*o, Ok(s.as_str()))),
        )
        .collect();
    ends.sort_by_key(|(order, _)| *order);
    let mut no_run_errors = 0;
    for (_, end) in ends {
        match end {
            Err(message) => eprintln!("flakelog: {message}"),
            Ok(source) => no_run_errors += u64::from(cfg.report_no_run(source)),
        }
    }
    let mut incomplete = 0;
    for ((_, run), (source, first, last)) in &summary.incomplete {
        let info = RunInfo {
            run: *run,
            first_line: *first,
            last_line: *last,
            ..RunInfo::default()
        };
        incomplete += u64::from(report_incomplete(cfg, source, &info));
    }
    let columns: Vec<&str> = args
        .group_by
        .iter()
        .map(|g| g.name())
        .chain(COLUMNS)
        .collect();
    let mut writer = cfg.writer(&columns);
    for row in summary.rows(args.min_runs, &args.kind) {
        let (key, agg) = (&row.key, &row.agg);
        // dates when the runs have them, else where in the input it was first and last seen
        let first_seen = agg.first_date.clone().or_else(|| row.first_at.clone());
        let last_seen = agg.last_date.clone().or_else(|| row.last_at.clone());
        let top = agg.top_leaked();
        let with_test = row.runs_with_test;
        let rate = (with_test > 0).then(|| round4(agg.runs as f64 / with_test as f64));
        let mut cells: Vec<Cell<'_>> = key
            .group
            .iter()
            .map(|g| Cell::Text(Some(g.as_str())))
            .collect();
        cells.extend([
            Cell::Text(Some(key.test.as_str())),
            Cell::Text(Some(key.kind.as_str())),
            Cell::Text(Some(key.resource.as_str())),
            uint(agg.events),
            uint(agg.runs),
            uint(with_test),
            Cell::Float(rate),
            uint(agg.builders.len() as u64),
            text(&first_seen),
            text(&last_seen),
            text(&row.first_at),
            text(&top),
        ]);
        writer.row(&cells)?;
    }
    let totals = Totals {
        files: summary.files,
        runs: summary.runs,
        events: summary.events,
        errors: problems + summary.errors.len() as u64 + incomplete + no_run_errors,
        without_run: summary.without_run.len() as u64,
    };
    Ok(finish(writer, totals)?)
}
