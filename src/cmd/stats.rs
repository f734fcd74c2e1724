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
use crate::stats::partial::{MadeWith, Partial};
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
    let name = cfg.name_of(source);
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
    let places = places_by_name(&source_names(cfg));
    let summary = cfg.pool.install(|| {
        cfg.sources
            .par_iter()
            .enumerate()
            .map(|(i, source)| {
                let s = summarize(cfg, places[i], source, group_by, gather);
                bar.inc(1);
                s
            })
            .reduce(Summary::default, Summary::merge)
    });
    bar.finish_and_clear();
    summary
}

pub fn source_names(cfg: &Config) -> Vec<String> {
    cfg.sources.iter().map(|s| cfg.name_of(s)).collect()
}

/// Each source's place among all of them by name: where `first_seen_at`, `example` and the
/// like break ties, the same in one pass and in merged partials (whose inputs are only known
/// by name).
pub fn places_by_name(names: &[String]) -> Vec<usize> {
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    names
        .iter()
        .map(|n| sorted.binary_search(&n).unwrap_or(0))
        .collect()
}

/// Every source summarized, with the totals line, once the path problems and what each input
/// had to say (an error, no run) are on stderr, in input order.
pub fn summarize_and_say(cfg: &Config, group_by: &[GroupBy], gather: Gather) -> (Summary, Totals) {
    let problems = cfg.report_problems();
    let mut summary = summarize_all(cfg, group_by, gather);
    if let Some(c) = summary.context.as_mut() {
        c.settle();
    }
    let totals = say(cfg, &summary, problems);
    (summary, totals)
}

/// The totals line of `summary`, with `errors` found before it, once what each input had to
/// say (an error, no run) is on stderr, in input order.
pub fn say(cfg: &Config, summary: &Summary, errors: u64) -> Totals {
    let mut totals = Totals {
        files: summary.files,
        runs: summary.runs,
        events: summary.events,
        errors,
        without_run: 0,
    };
    for (source, report) in summary.reports.values() {
        totals.say(cfg, source, report);
    }
    totals
}

/// The columns of `stats` with these `--group-by` columns.
pub fn columns(group_by: &[GroupBy]) -> Vec<Column> {
    group_by
        .iter()
        .map(|&g| group_column(g))
        .chain(STATS)
        .collect()
}

pub fn run(cfg: &Config, args: &StatsArgs) -> anyhow::Result<u8> {
    // checked before anything is read: a wrong `--columns` is a usage error at once
    let layout = cfg.layout(&columns(&args.group_by))?;
    if args.partial {
        let out = cfg.binary_output("a partial")?;
        let (summary, totals) = summarize_and_say(cfg, &args.group_by, Gather::Rows);
        let mut sources = source_names(cfg);
        sources.sort();
        let partial = Partial::new(made_with(&args.group_by, &args.input), sources, &summary);
        write_partial(out, &partial)?;
        return Ok(u8::from(totals.errors > 0));
    }
    let out = cfg.output()?;
    let (summary, totals) = summarize_and_say(cfg, &args.group_by, Gather::Rows);
    write_stats(cfg, layout, out, &summary, totals, args.min_runs)
}

/// What a partial made with these options is made with.
pub fn made_with(group_by: &[GroupBy], input: &crate::cli::InputArgs) -> MadeWith {
    let mut options: Vec<(String, String)> = Vec::new();
    let mut say = |name: &str, v: Option<String>| {
        if let Some(v) = v {
            options.push((name.to_string(), v));
        }
    };
    say(
        "--builder",
        input.builder.as_ref().map(|r| r.as_str().into()),
    );
    say("--branch", input.branch.as_ref().map(|r| r.as_str().into()));
    say("--python", input.python.clone());
    say("--since", input.since.map(|d| d.to_string()));
    say("--until", input.until.map(|d| d.to_string()));
    say("--path-pattern", input.path_pattern.clone());
    say(
        "--rules",
        input.rules.as_ref().map(|p| {
            // the rules' text decides what is counted, wherever the file is
            let text = std::fs::read(p).unwrap_or_default();
            format!("crc32:{:08x}", crc32fast::hash(&text))
        }),
    );
    MadeWith {
        group_by: group_by.iter().map(|g| g.name().to_string()).collect(),
        options,
    }
}

pub fn write_partial(mut out: Box<dyn std::io::Write>, partial: &Partial) -> anyhow::Result<()> {
    let bytes = partial
        .to_bytes()
        .map_err(|e| anyhow::anyhow!("writing the partial: {e}"))?;
    out.write_all(&bytes).map_err(OutputError)?;
    out.flush().map_err(OutputError)?;
    Ok(())
}

/// The rows of `summary` as `stats` writes them.
pub fn write_stats(
    cfg: &Config,
    layout: crate::output::Layout,
    out: Box<dyn std::io::Write>,
    summary: &Summary,
    totals: Totals,
    min_runs: u64,
) -> anyhow::Result<u8> {
    let mut doc = Document::new(layout, out);
    let mut rows = summary.rows(min_runs, &cfg.filter);
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
        } = row.seen(summary);
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
