//! The commands, one module each, over a shared `Config` and one way of reading sources:
//! files in parallel (rayon), stdin as it arrives, results in input order.

pub mod columns;
pub mod context;
pub mod events;
pub mod merge;
pub mod report;
pub mod runs;
pub mod stats;

use crate::cli::InputArgs;
use crate::filter::Filter;
use crate::input::lines::Flow;
use crate::input::sources::{PathProblem, WalkFilter, expand, glob_set};
use crate::input::{Inflate, Source};
use crate::leak::Rules;
use crate::output::{Document, Format, Fragment, Layout, RowEncoder, Totals};
use crate::run::info::PathPattern;
use crate::run::{Keep, RunEvents, RunInfo};
use crate::scan::{Cut, Report, scan_source};
use anyhow::Context;
use columns::{Column, Type};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

/// The most of a `--rules` file that is read: a rules file is a few lines (`/dev/zero` is not).
const RULES_MAX: u64 = 1 << 20;

fn read_rules(path: &std::path::Path) -> anyhow::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(RULES_MAX + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > RULES_MAX {
        anyhow::bail!("larger than {} MiB: not a rules file", RULES_MAX >> 20);
    }
    Ok(text)
}

/// `-j` beyond this many threads a core only adds threads that wait (and memory).
const THREADS_PER_CORE: usize = 4;

fn max_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()) * THREADS_PER_CORE
}

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
    /// `--stdin-name`: what stdin is called instead of `-`.
    pub stdin_name: Option<String>,
    pub safe_csv: bool,
    /// What the user asked to see: applied to runs and events before anything is counted.
    pub filter: Filter,
    /// `--columns`: the columns to write, in order.
    pub columns: Option<Vec<String>>,
    /// `-o FILE`: where the output goes (`None`: stdout).
    pub output: Option<std::path::PathBuf>,
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
                let text = read_rules(p).with_context(|| p.display().to_string())?;
                Rules::with_user(&text, &p.display().to_string())?
            }
        };
        let path_pattern = match &args.path_pattern {
            Some(p) => {
                Some(PathPattern::new(p).map_err(|e| anyhow::anyhow!("--path-pattern: {e}"))?)
            }
            None => None,
        };
        let mut notices = expansion.notices;
        let threads = match args.threads {
            Some(n) if n > max_threads() => {
                notices.push(format!(
                    "-j {n} capped at {} ({THREADS_PER_CORE} per core)",
                    max_threads()
                ));
                max_threads()
            }
            n => n.unwrap_or(0),
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .context("thread pool")?;
        let to_terminal = args.output.is_none() && io::stdout().is_terminal();
        let format = args.format.unwrap_or(if to_terminal {
            Format::Table
        } else {
            Format::Csv
        });
        if format.is_binary() && to_terminal {
            anyhow::bail!(
                "--format {} writes a binary file: give -o FILE, or redirect it to a file",
                format.name()
            );
        }
        let progress = !args.quiet && io::stderr().is_terminal() && sources.len() > 1;
        if sources.contains(&Source::Stdin) && io::stdin().is_terminal() && !args.quiet {
            // said before the read starts: a bare `flakelog` would otherwise wait in silence
            eprintln!(
                "flakelog: reading regrtest output from the terminal (end with Ctrl-D); \
                 give log files or directories, or pipe a log in; see `flakelog --help`"
            );
        }
        Ok(Config {
            sources,
            problems: expansion.problems,
            notices,
            format,
            pool,
            path_pattern,
            rules,
            progress,
            strict: args.strict,
            stdin_name: args.stdin_name.clone(),
            safe_csv: args.safe_csv,
            filter: args.filter(),
            columns: (!args.columns.is_empty()).then(|| args.columns.clone()),
            output: args.output.clone(),
        })
    }

    /// How rows are written, with these columns (or those `--columns` chose of them), each
    /// of its documented type.
    pub fn layout(&self, columns: &[Column]) -> anyhow::Result<Layout> {
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        let types: Vec<Type> = columns.iter().map(|c| c.ty).collect();
        let mut layout = Layout::new(self.format, &names).with_types(&types);
        layout.safe_csv = self.safe_csv;
        match &self.columns {
            None => Ok(layout),
            Some(wanted) => layout
                .select(wanted)
                .map_err(|e| anyhow::anyhow!("--columns: {e}")),
        }
    }

    /// Where rows go: the `-o` file, created (or truncated) now, so that a file that cannot
    /// be written is said before anything is read; else standard output, line-buffered on a
    /// terminal (rows show as they come), in large blocks otherwise.
    pub fn output(&self) -> anyhow::Result<Box<dyn io::Write>> {
        if let Some(path) = &self.output {
            let file =
                std::fs::File::create(path).with_context(|| format!("-o {}", path.display()))?;
            return Ok(Box::new(io::BufWriter::with_capacity(1 << 16, file)));
        }
        Ok(if io::stdout().is_terminal() {
            Box::new(io::LineWriter::new(io::stdout()))
        } else {
            Box::new(io::BufWriter::with_capacity(1 << 16, io::stdout()))
        })
    }

    /// The `source` column of an input: its path as given, stdin as `-` or `--stdin-name`.
    pub fn name_of(&self, source: &Source) -> String {
        match (source, &self.stdin_name) {
            (Source::Stdin, Some(name)) => name.clone(),
            _ => source.name(),
        }
    }

    /// `output()` for a binary file (`what`): never a terminal.
    pub fn binary_output(&self, what: &str) -> anyhow::Result<Box<dyn io::Write>> {
        if self.output.is_none() && io::stdout().is_terminal() {
            anyhow::bail!("{what} is a binary file: give -o FILE, or redirect it to a file");
        }
        self.output()
    }

    pub fn progress_bar(&self) -> ProgressBar {
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
pub fn report_incomplete(cfg: &Config, source: &str, cut: &Cut) -> bool {
    if !cfg.strict {
        return false;
    }
    eprintln!(
        "flakelog: {source}: line {}: run {} (lines {}-{}) has no final summary",
        cut.last_line, cut.run, cut.first_line, cut.last_line
    );
    true
}

impl Totals {
    /// An input was read: it counts as a file, with its runs and events; what it has to say
    /// is said.
    pub fn count(&mut self, cfg: &Config, source: &str, report: &Report) {
        self.files += 1;
        self.runs += report.runs;
        self.events += report.events;
        self.say(cfg, source, report);
    }

    /// Say what an input has to say: its cut runs (`--strict`), its error, or its having no
    /// run. Counts what is an error.
    pub fn say(&mut self, cfg: &Config, source: &str, report: &Report) {
        for cut in &report.cuts {
            self.errors += u64::from(report_incomplete(cfg, source, cut));
        }
        match &report.error {
            Some(e) => {
                self.errors += 1;
                eprintln!("flakelog: {e}");
            }
            None if report.runs == 0 => {
                self.without_run += 1;
                self.errors += u64::from(cfg.report_no_run(source));
            }
            None => {}
        }
    }
}

/// Read one source, handing each run to `f`, which says whether to go on.
pub fn read_source(
    cfg: &Config,
    source: &Source,
    keep: Keep,
    mut f: impl FnMut(&RunInfo, RunEvents) -> Flow,
) -> Report {
    let name = cfg.name_of(source);
    // a stream read alone inflates on a second thread; many files are the parallelism
    let inflate = if cfg.sources.len() == 1 {
        Inflate::OnItsOwnThread
    } else {
        Inflate::InTheReader
    };
    let mut report = Report::default();
    let result = scan_source(source, inflate, &cfg.rules, keep, |mut info, events| {
        if let Some(p) = &cfg.path_pattern {
            p.apply(&name, &mut info);
        }
        report.count(&info);
        // a run the filters leave out is read (it was in the input) but not shown
        if !cfg.filter.keeps_run(&info) {
            return Flow::Continue;
        }
        f(&info, events)
    });
    report.error = result.err().map(|e| e.to_string());
    report
}

/// How a command turns a run into rows: `rows(encoder, fragment, source, run, events)`.
pub trait RunRows: Sync {
    fn rows(
        &self,
        encoder: &mut RowEncoder,
        out: &mut Fragment,
        source: &str,
        run: &RunInfo,
        events: RunEvents,
    ) -> io::Result<()>;
}

impl<F> RunRows for F
where
    F: Fn(&mut RowEncoder, &mut Fragment, &str, &RunInfo, RunEvents) -> io::Result<()> + Sync,
{
    fn rows(
        &self,
        encoder: &mut RowEncoder,
        out: &mut Fragment,
        source: &str,
        run: &RunInfo,
        events: RunEvents,
    ) -> io::Result<()> {
        self(encoder, out, source, run, events)
    }
}

/// How long rows of a streamed source may wait in the output buffer: short enough that a
/// reader (`| head`, a terminal) sees them at once, long enough that a stream of small runs
/// is not written a row at a time. The first run's rows go out at once.
const FLUSH_EVERY: Duration = Duration::from_millis(50);

/// An output that could not be written: said as such, exit status 1 (a closed pipe is quiet).
#[derive(Debug, thiserror::Error)]
#[error("writing output")]
pub struct OutputError(#[from] pub io::Error);

/// The shape of `events` and `runs`: read every source, files in parallel a batch at a time,
/// each file's rows encoded into a fragment of its own (spilling to a temporary file when
/// large) and written in input order; stdin run by run as it arrives. Then the totals, and
/// the exit status.
pub fn write_runs(
    cfg: &Config,
    columns: &[Column],
    keep: Keep,
    rows: impl RunRows,
) -> anyhow::Result<u8> {
    let mut totals = Totals {
        errors: cfg.report_problems(),
        ..Totals::default()
    };
    let layout = cfg.layout(columns)?;
    let mut doc = Document::new(layout.clone(), cfg.output()?);
    let bar = cfg.progress_bar();
    for batch in batches(cfg) {
        if let [(_, source)] = batch.as_slice() {
            // a source alone (stdin, or one big file) is streamed: rows go out as each run
            // ends, handed to the output at least every FLUSH_EVERY, and a closed output
            // stops the reading (`events BIG | head -1` ends at the first run)
            let name = cfg.name_of(source);
            let mut failure = None;
            let mut flushed: Option<Instant> = None;
            let report = read_source(cfg, source, keep, |info, events| {
                let mut fragment = Fragment::default();
                let written = rows
                    .rows(&mut doc.encoder(), &mut fragment, &name, info, events)
                    .and_then(|()| doc.append(fragment))
                    .and_then(|()| {
                        if flushed.is_some_and(|t| t.elapsed() < FLUSH_EVERY) {
                            return Ok(());
                        }
                        flushed = Some(Instant::now());
                        doc.flush()
                    });
                match written {
                    Ok(()) => Flow::Continue,
                    Err(e) => {
                        failure = Some(e);
                        Flow::Stop
                    }
                }
            });
            bar.inc(1);
            if let Some(e) = failure {
                return Err(OutputError(e).into());
            }
            totals.count(cfg, &name, &report);
            continue;
        }
        let done: Vec<(String, Fragment, Report)> = cfg.pool.install(|| {
            batch
                .par_iter()
                .map(|(_, source)| {
                    let name = cfg.name_of(source);
                    let mut encoder = layout.encoder();
                    let mut fragment = Fragment::default();
                    let mut failure = None;
                    let mut report = read_source(cfg, source, keep, |info, events| {
                        match rows.rows(&mut encoder, &mut fragment, &name, info, events) {
                            Ok(()) => Flow::Continue,
                            Err(e) => {
                                failure = Some(e);
                                Flow::Stop
                            }
                        }
                    });
                    if let Some(e) = failure {
                        // the rows could not be kept (no room for a temporary file)
                        report
                            .error
                            .get_or_insert(format!("{name}: keeping its rows: {e}"));
                    }
                    bar.inc(1);
                    (name, fragment, report)
                })
                .collect()
        });
        for (name, fragment, report) in done {
            doc.append(fragment).map_err(OutputError)?;
            totals.count(cfg, &name, &report);
        }
    }
    bar.finish_and_clear();
    finish(doc, totals)
}

/// The sources in batches: files a few per thread, stdin alone so that it streams.
fn batches(cfg: &Config) -> Vec<Vec<(usize, &Source)>> {
    let size = (cfg.pool.current_num_threads() * 2).max(1);
    let mut batches: Vec<Vec<(usize, &Source)>> = vec![Vec::new()];
    for (order, source) in cfg.sources.iter().enumerate() {
        let last = batches.last().map_or(0, Vec::len);
        let last_is_stdin = batches
            .last()
            .is_some_and(|b| b.iter().any(|(_, s)| **s == Source::Stdin));
        if last >= size || last_is_stdin || (*source == Source::Stdin && last > 0) {
            batches.push(Vec::new());
        }
        if let Some(b) = batches.last_mut() {
            b.push((order, source));
        }
    }
    batches.retain(|b| !b.is_empty());
    batches
}

/// Finish the document and pick the exit status: 1 when anything was not read whole.
pub fn finish(doc: Document<'_>, totals: Totals) -> anyhow::Result<u8> {
    doc.finish(&totals).map_err(OutputError)?;
    Ok(if totals.errors > 0 { 1 } else { 0 })
}
