//! The commands, one module each, over a shared `Config` and one way of reading sources:
//! files in parallel (rayon), stdin as it arrives, results in input order.

pub mod events;
pub mod runs;
pub mod stats;

use crate::cli::InputArgs;
use crate::input::sources::{PathProblem, WalkFilter, expand, glob_set};
use crate::input::{Inflate, Source};
use crate::leak::Rules;
use crate::output::{Format, RowWriter, Totals, row_writer};
use crate::run::info::PathPattern;
use crate::run::{Event, RunInfo};
use crate::scan::{SourceError, scan_source};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::{self, IsTerminal, Write};

/// The checked, resolved form of the command line that every command reads.
pub struct Config {
    pub sources: Vec<Source>,
    pub problems: Vec<PathProblem>,
    /// Said on stderr, not errors (a file reached twice and read once).
    pub notices: Vec<String>,
    pub format: Format,
    pub pool: rayon::ThreadPool,
    pub path_pattern: Option<PathPattern>,
    pub rules: Rules,
    pub progress: bool,
    pub strict: bool,
}

impl Config {
    pub fn new(args: &InputArgs) -> anyhow::Result<Config> {
        let filter = match glob_set(&args.glob).context("--glob")? {
            _ if args.all_files => WalkFilter::All,
            Some(globs) => WalkFilter::Globs(globs),
            None => WalkFilter::LogNames,
        };
        let expansion = expand(&args.paths, &filter);
        let sources = expansion.sources;
        if sources.iter().filter(|s| **s == Source::Stdin).count() > 1 {
            anyhow::bail!("stdin (`-`) can be read only once");
        }
        let rules = match &args.rules {
            None => Rules::builtin(),
            Some(p) => {
                let text = std::fs::read_to_string(p).with_context(|| p.display().to_string())?;
                Rules::with_user(&text, &p.display().to_string())?
            }
        };
        let path_pattern = match &args.path_pattern {
            Some(p) => {
                Some(PathPattern::new(p).map_err(|e| anyhow::anyhow!("--path-pattern: {e}"))?)
            }
            None => None,
        };
        let threads = args.threads.unwrap_or(0);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .context("thread pool")?;
        let format = args.format.unwrap_or(if io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Csv
        });
        let progress = !args.quiet && io::stderr().is_terminal() && sources.len() > 1;
        Ok(Config {
            sources,
            problems: expansion.problems,
            notices: expansion.notices,
            format,
            pool,
            path_pattern,
            rules,
            progress,
            strict: args.strict,
        })
    }

    pub fn writer(&self, columns: &[&str]) -> Box<dyn RowWriter> {
        let stdout = io::BufWriter::with_capacity(1 << 16, io::stdout());
        row_writer(
            self.format,
            columns.iter().map(|c| c.to_string()).collect(),
            stdout,
        )
    }

    fn progress_bar(&self) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(self.sources.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed_precise} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    }

    /// Report the path problems found while expanding the arguments, and the notices
    /// (stderr); how many problems.
    pub fn report_problems(&self) -> u64 {
        for p in &self.problems {
            eprintln!("flakelog: {}: {}", p.path, p.message);
        }
        for n in &self.notices {
            eprintln!("flakelog: {n}");
        }
        self.problems.len() as u64
    }

    /// Say that `source` held no regrtest run. Returns whether it counts as an error
    /// (`--strict`).
    pub fn report_no_run(&self, source: &str) -> bool {
        eprintln!("flakelog: {source}: no regrtest run found");
        self.strict
    }
}

/// `--strict`: say that a run was cut short (no final summary). Returns whether it counts as
/// an error.
pub fn report_incomplete(cfg: &Config, source: &str, run: &RunInfo) -> bool {
    if !cfg.strict || run.complete {
        return false;
    }
    eprintln!(
        "flakelog: {source}: line {}: run {} (lines {}-{}) has no final summary",
        run.last_line, run.run, run.first_line, run.last_line
    );
    true
}

/// What reading one source gives, in order: its runs, then how it ended.
pub enum Item {
    Run(Box<RunInfo>, Vec<Event>),
    /// The source was read to its end (how many runs it held), or stopped by an error.
    End(Result<u32, SourceError>),
}

fn parse_source(cfg: &Config, source: &Source, mut f: impl FnMut(Item)) {
    let name = source.name();
    // a stream read alone inflates on a second thread; many files are the parallelism
    let inflate = if cfg.sources.len() == 1 {
        Inflate::OnItsOwnThread
    } else {
        Inflate::InTheReader
    };
    let mut runs = 0;
    let result = scan_source(source, inflate, &cfg.rules, |mut info, events| {
        if let Some(p) = &cfg.path_pattern {
            p.apply(&name, &mut info);
        }
        runs += 1;
        f(Item::Run(Box::new(info), events));
    });
    f(Item::End(result.map(|_| runs)));
}

/// Parse every source, calling `f(order, source_name, item)` in input order. Files are parsed
/// a batch at a time in parallel, each file's items kept until it is its turn; stdin is
/// handed on run by run as it arrives.
pub fn for_each_item(
    cfg: &Config,
    mut f: impl FnMut(usize, &str, Item) -> io::Result<()>,
) -> io::Result<()> {
    let bar = cfg.progress_bar();
    let batch = (cfg.pool.current_num_threads() * 2).max(1);
    // stdin goes in a batch of its own, so it streams
    let mut batches: Vec<Vec<(usize, &Source)>> = vec![Vec::new()];
    for (order, source) in cfg.sources.iter().enumerate() {
        let full = batches
            .last()
            .is_some_and(|b| b.len() >= batch || b.iter().any(|(_, s)| **s == Source::Stdin));
        if full || (*source == Source::Stdin && batches.last().is_some_and(|b| !b.is_empty())) {
            batches.push(Vec::new());
        }
        if let Some(b) = batches.last_mut() {
            b.push((order, source));
        }
    }
    let mut failure = None;
    for chunk in batches.iter().filter(|b| !b.is_empty()) {
        run_batch(cfg, chunk, &bar, &mut f, &mut failure);
        if let Some(e) = failure.take() {
            bar.finish_and_clear();
            return Err(e);
        }
    }
    bar.finish_and_clear();
    Ok(())
}

type Sink<'a> = dyn FnMut(usize, &str, Item) -> io::Result<()> + 'a;

/// A write error stops the output (`| head` closed the pipe): parsing goes on, writing not.
fn run_batch(
    cfg: &Config,
    chunk: &[(usize, &Source)],
    bar: &ProgressBar,
    f: &mut Sink<'_>,
    failure: &mut Option<io::Error>,
) {
    if let [(order, Source::Stdin)] = chunk {
        parse_source(cfg, &Source::Stdin, |item| {
            if failure.is_none() {
                *failure = f(*order, "-", item).err();
            }
        });
        bar.inc(1);
        return;
    }
    let parsed: Vec<(usize, String, Vec<Item>)> = cfg.pool.install(|| {
        chunk
            .par_iter()
            .map(|(order, source)| {
                let mut items = Vec::new();
                parse_source(cfg, source, |item| items.push(item));
                bar.inc(1);
                (*order, source.name(), items)
            })
            .collect()
    });
    for (order, name, items) in parsed {
        for item in items {
            if failure.is_none() {
                *failure = f(order, &name, item).err();
            }
        }
    }
}

/// The shape of `events` and `runs`: read every source in order, hand each run to `write`,
/// count, report errors and files without a run, finish.
pub fn write_runs(
    cfg: &Config,
    columns: &[&str],
    mut write: impl FnMut(&mut Box<dyn RowWriter>, &str, &RunInfo, &[Event]) -> io::Result<()>,
) -> anyhow::Result<u8> {
    let mut totals = Totals {
        errors: cfg.report_problems(),
        ..Totals::default()
    };
    let mut writer = cfg.writer(columns);
    for_each_item(cfg, |_, source, item| {
        match item {
            Item::Run(info, events) => {
                totals.runs += 1;
                totals.events += events.len() as u64;
                if report_incomplete(cfg, source, &info) {
                    totals.errors += 1;
                }
                write(&mut writer, source, &info, &events)?;
            }
            Item::End(end) => totals.count_end(cfg, source, &end),
        }
        Ok(())
    })?;
    Ok(finish(writer, totals)?)
}

impl Totals {
    /// A source ended: it counts as a file, its error is said, and so is its having no run.
    fn count_end(&mut self, cfg: &Config, source: &str, end: &Result<u32, SourceError>) {
        self.files += 1;
        match end {
            Err(e) => {
                self.errors += 1;
                eprintln!("flakelog: {e}");
            }
            Ok(0) => {
                self.without_run += 1;
                self.errors += u64::from(cfg.report_no_run(source));
            }
            Ok(_) => {}
        }
    }
}

/// Finish a table or document and pick the exit status: 1 when anything was not read whole.
pub fn finish(mut writer: Box<dyn RowWriter>, totals: Totals) -> io::Result<u8> {
    writer.finish(&totals)?;
    io::stdout().flush()?;
    Ok(if totals.errors > 0 { 1 } else { 0 })
}
