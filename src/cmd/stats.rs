//! `flakelog stats` (the default command): one row per test, kind and resource.

use super::columns::{Column, STATS, group_column};
use super::{Config, OutputError, finish, read_source};
use crate::cli::StatsArgs;
use crate::input::Source;
use crate::input::lines::Flow;
use crate::kind::Kind;
use crate::output::Format;
use crate::output::{Cell, Document, Totals, text, uint};
use crate::run::{Keep, RunEvents};
use crate::stats::{GroupBy, Summary};
use rayon::prelude::*;

/// The columns after the `--group-by` ones.
pub const COLUMNS: [&str; 17] = [
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
    "first_seen_at",
    "last_seen_at",
    "first_commit",
    "example",
    "top_leaked",
    "top_reason",
    "repro",
];

/// What a summary holds besides the `stats` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gather {
    Rows,
    /// The rows and what was around each test (`Summary::context`).
    RowsAndContext,
}

fn summarize(
    cfg: &Config,
    order: usize,
    source: &Source,
    group_by: &[GroupBy],
    gather: Gather,
) -> Summary {
    let mut summary = Summary::default();
    if gather == Gather::RowsAndContext {
        summary.context = Some(Box::default());
    }
    let name = source.name();
    let report = read_source(cfg, source, Keep::Digest, |info, events| {
        if let RunEvents::Digest(digest) = events {
            summary.add_run(order, &name, info, &digest, group_by);
        }
        Flow::Continue
    });
    summary.add_report(order, &name, report);
    summary
}

/// Every source folded into one summary. Merging is order-independent, so rayon may reduce
/// in any order and the result is the same at any thread count.
pub fn summarize_all(cfg: &Config, group_by: &[GroupBy], gather: Gather) -> Summary {
    let bar = cfg.progress_bar();
    let summary = cfg.pool.install(|| {
        cfg.sources
            .par_iter()
            .enumerate()
            .map(|(order, source)| {
                let s = summarize(cfg, order, source, group_by, gather);
                bar.inc(1);
                s
            })
            .reduce(Summary::default, Summary::merge)
    });
    bar.finish_and_clear();
    summary
}

/// Every source summarized, with the totals line, once the path problems and what each input
/// had to say (an error, no run) are on stderr, in input order.
pub fn summarize_and_say(cfg: &Config, group_by: &[GroupBy], gather: Gather) -> (Summary, Totals) {
    let problems = cfg.report_problems();
    let summary = summarize_all(cfg, group_by, gather);
    let mut totals = Totals {
        files: summary.files,
        runs: summary.runs,
        events: summary.events,
        errors: problems,
        without_run: 0,
    };
    for (source, report) in summary.reports.values() {
        totals.say(cfg, source, report);
    }
    (summary, totals)
}

pub fn run(cfg: &Config, args: &StatsArgs) -> anyhow::Result<u8> {
    let columns: Vec<Column> = args
        .group_by
        .iter()
        .map(|&g| group_column(g))
        .chain(STATS)
        .collect();
    // checked before anything is read: a wrong `--columns` is a usage error at once
    let layout = cfg.layout(&columns)?;
    let out = cfg.output()?;
    let (summary, totals) = summarize_and_say(cfg, &args.group_by, Gather::Rows);
    let mut doc = Document::new(layout, out);
    let mut rows = summary.rows(args.min_runs, &cfg.filter);
    if cfg.format == Format::Table && cfg.filter.kinds.is_empty() {
        // the view for people: what is most serious first, and not what only says a test
        // ran or could not (CSV and JSON keep every row, for scripts)
        rows.retain(|r| {
            !matches!(
                r.key.kind,
                Kind::Skipped | Kind::ResourceDenied | Kind::Passed
            )
        });
        rows.sort_by_key(|r| r.key.kind.severity());
    }
    for row in rows {
        let (key, agg) = (&row.key, row.agg);
        let crate::stats::SeenText {
            first_seen,
            last_seen,
            first_at,
            last_at,
            first_commit,
        } = row.seen(&summary);
        let top = agg.top_leaked();
        let with_test = row.runs_with_test;
        let rate = row.rate();
        let repro = row.repro();
        let mut cells: Vec<Cell<'_>> = key.group.iter().map(|&g| Cell::Text(Some(g))).collect();
        cells.extend([
            Cell::Text(Some(key.test)),
            Cell::Text(Some(key.kind.as_str())),
            Cell::Text(Some(key.resource)),
            uint(agg.events),
            uint(agg.runs),
            uint(with_test),
            Cell::Float(rate),
            uint(agg.builders.len() as u64),
            text(&first_seen),
            text(&last_seen),
            text(&first_at),
            text(&last_at),
            text(&first_commit),
            // the most recent occurrence: what a reader opens to see the problem as it is now
            text(&last_at),
            text(&top),
            Cell::Text(agg.top_reason()),
            text(&repro),
        ]);
        doc.row(&cells).map_err(OutputError)?;
    }
    finish(doc, totals)
}
