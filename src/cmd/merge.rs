//! `flakelog merge PARTIAL…`: partial results (`stats --partial`) folded into the rows one
//! `stats` over all their inputs gives, byte for byte, in any order and grouping of the
//! partials; with `--partial`, into one partial again (a month of days, a year of months).
//!
//! What a partial counted is fixed when it is made: partials merge only when they were made
//! with the same `--group-by`, run filters (`--builder`, `--branch`, `--python`, `--since`,
//! `--until`), `--path-pattern` and `--rules`; `--test`, `--kind` and `--min-runs` apply here.

use super::Config;
use super::stats::{columns, made_with, say, write_partial, write_stats};
use crate::cli::StatsArgs;
use crate::input::Source;
use crate::stats::partial::{Partial, PartialHead};
use crate::stats::{GroupBy, Summary};
use anyhow::bail;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The bytes of a partial (stdin is read once and kept: `merge` reads each input twice).
fn bytes(source: &Source) -> Result<Vec<u8>, String> {
    static STDIN: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    match source {
        Source::Path(p) => std::fs::read(p).map_err(|e| e.to_string()),
        Source::Stdin => STDIN
            .get_or_init(|| {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                    .map_err(|e| e.to_string())?;
                Ok(bytes)
            })
            .clone(),
    }
}

pub fn run(cfg: &Config, args: &StatsArgs) -> anyhow::Result<u8> {
    let mut errors = cfg.report_problems();
    // first what each partial was made with and read (a summary is not held yet): a merge
    // that cannot be right is refused before anything is merged
    let heads: Vec<(usize, String, Result<PartialHead, String>)> = cfg.pool.install(|| {
        cfg.sources
            .par_iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    i,
                    s.name(),
                    bytes(s).and_then(|b| Partial::head_from_bytes(&b)),
                )
            })
            .collect()
    });
    let mut partials: Vec<(usize, String, PartialHead)> = Vec::new();
    for (i, name, head) in heads {
        match head {
            Ok(h) => partials.push((i, name, h)),
            Err(e) => {
                // one bad partial does not hide the others: said, counted, the rest merged
                eprintln!("flakelog: {name}: {e}");
                errors += 1;
            }
        }
    }
    let Some((_, first_name, first)) = partials.first() else {
        bail!("no partial to merge");
    };
    // the partials agree with each other, and with the options given here
    for (_, name, p) in &partials[1..] {
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
    for (_, name, p) in &partials {
        for source in &p.sources {
            if let Some(other) = owner.insert(source, name) {
                bail!(
                    "{source} is in both {other} and {name}: an input is counted in one partial only"
                );
            }
        }
    }
    let all: Vec<&str> = owner.keys().copied().collect();
    // then the summaries, folded as they are read: a few held at a time, whatever the count
    let late = std::sync::Mutex::new(Vec::new());
    let summary = cfg.pool.install(|| {
        partials
            .par_iter()
            .filter_map(|(i, name, head)| {
                let read = bytes(&cfg.sources[*i])
                    .and_then(|b| Partial::from_bytes(&b))
                    .and_then(|p| {
                        if p.sources != head.sources {
                            return Err("changed while it was read".to_string());
                        }
                        let place: Vec<usize> = p
                            .sources
                            .iter()
                            .map(|s| all.binary_search(&s.as_str()).unwrap_or(0))
                            .collect();
                        let renumber =
                            |i: u64| place.get(i as usize).copied().unwrap_or(usize::MAX);
                        Summary::from_data(p.summary, &renumber)
                            .map_err(|e| format!("damaged: {e}"))
                    });
                read.map_err(|e| {
                    late.lock()
                        .expect("not poisoned")
                        .push(format!("{name}: {e}"))
                })
                .ok()
            })
            .reduce(Summary::default, Summary::merge)
    });
    let mut late = late.into_inner().expect("not poisoned");
    late.sort();
    for e in &late {
        eprintln!("flakelog: {e}");
    }
    errors += late.len() as u64;
    let totals = say(cfg, &summary, errors);
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
