//! `flakelog merge PARTIAL…`: partial results (`stats --partial`) folded into the rows one
//! `stats` over all their inputs gives, byte for byte, in any order and grouping of the
//! partials; with `--partial`, into one partial again (a month of days, a year of months).
//!
//! What a partial counted is fixed when it is made: partials merge only when they were made
//! with the same `--group-by`, run filters (`--builder`, `--branch`, `--python`, `--since`,
//! `--until`), `--path-pattern` and `--rules`; `--test`, `--kind` and `--min-runs` apply here.

use super::Config;
use super::stats::{columns, made_with, write_partial, write_stats};
use crate::cli::StatsArgs;
use crate::input::Source;
use crate::output::Totals;
use crate::stats::partial::Partial;
use crate::stats::{GroupBy, Summary};
use anyhow::bail;
use rayon::prelude::*;
use std::collections::BTreeMap;

fn read(source: &Source) -> Result<Partial, String> {
    let bytes = match source {
        Source::Path(p) => std::fs::read(p).map_err(|e| e.to_string())?,
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                .map_err(|e| e.to_string())?;
            bytes
        }
    };
    Partial::from_bytes(&bytes)
}

pub fn run(cfg: &Config, args: &StatsArgs) -> anyhow::Result<u8> {
    let mut errors = cfg.report_problems();
    let read: Vec<(String, Result<Partial, String>)> = cfg.pool.install(|| {
        cfg.sources
            .par_iter()
            .map(|s| (s.name(), read(s)))
            .collect()
    });
    let mut partials: Vec<(String, Partial)> = Vec::new();
    for (name, result) in read {
        match result {
            Ok(p) => partials.push((name, p)),
            Err(e) => {
                // one bad partial does not hide the others: said, counted, the rest merged
                eprintln!("flakelog: {name}: {e}");
                errors += 1;
            }
        }
    }
    let Some((first_name, first)) = partials.first() else {
        bail!("no partial to merge");
    };
    // the partials agree with each other, and with the options given here
    for (name, p) in &partials[1..] {
        if p.made_with != first.made_with {
            bail!(
                "{name} was made with {}, {first_name} with {}: partials merge only when made with the same --group-by, run filters, --path-pattern and --rules",
                p.made_with.describe(),
                first.made_with.describe()
            );
        }
    }
    // options given here must be those the partials were made with
    let asked = made_with(&args.group_by, &args.input);
    let made = &first.made_with;
    if (!asked.options.is_empty() && asked.options != made.options)
        || (!asked.group_by.is_empty() && asked.group_by != made.group_by)
    {
        bail!(
            "the partials were made with {}; here {} was asked: --group-by and run filters apply when a partial is made, not when it is merged",
            made.describe(),
            asked.describe()
        );
    }
    // every input, by name: one that two partials counted would count twice
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, p) in &partials {
        for source in &p.sources {
            if let Some(other) = owner.insert(source, name) {
                bail!(
                    "{source} is in both {other} and {name}: an input is counted in one partial only"
                );
            }
        }
    }
    let all: Vec<&str> = owner.keys().copied().collect();
    let summaries: Vec<Result<Summary, String>> = cfg.pool.install(|| {
        partials
            .par_iter()
            .map(|(name, p)| {
                let place: Vec<usize> = p
                    .sources
                    .iter()
                    .map(|s| all.binary_search(&s.as_str()).unwrap_or(0))
                    .collect();
                let renumber = |i: u64| place.get(i as usize).copied().unwrap_or(usize::MAX);
                Summary::from_data(p.summary.clone(), &renumber)
                    .map_err(|e| format!("{name}: damaged: {e}"))
            })
            .collect()
    });
    let mut ok = Vec::with_capacity(summaries.len());
    for s in summaries {
        match s {
            Ok(s) => ok.push(s),
            Err(e) => {
                eprintln!("flakelog: {e}");
                errors += 1;
            }
        }
    }
    let summary = cfg
        .pool
        .install(|| ok.into_par_iter().reduce(Summary::default, Summary::merge));
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
    if args.partial {
        let out = cfg.binary_output("a partial")?;
        let sources = all.iter().map(|s| s.to_string()).collect();
        write_partial(
            out,
            &Partial::new(first.made_with.clone(), sources, &summary),
        )?;
        return Ok(u8::from(totals.errors > 0));
    }
    let group_by = made
        .group_by
        .iter()
        .map(|g| <GroupBy as clap::ValueEnum>::from_str(g, false))
        .collect::<Result<Vec<GroupBy>, _>>()
        .map_err(|e| anyhow::anyhow!("{first_name}: --group-by {e}"))?;
    let layout = cfg.layout(&columns(&group_by))?;
    let out = cfg.output()?;
    write_stats(cfg, layout, out, &summary, totals, args.min_runs)
}
