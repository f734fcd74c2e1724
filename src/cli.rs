//! The command line (clap). main.rs parses it; `cmd::Config::new` turns `InputArgs` into the
//! checked configuration every command reads, and each command reads its own options. Below
//! `cmd`, nothing sees clap: only the value enums (`Format`, `GroupBy`, `Kind`) travel on.

use crate::filter::{parse_date, parse_regex};
use crate::kind::KindSelector;
use crate::output::Format;
use crate::stats::GroupBy;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "flakelog",
    version,
    about = "Mine CPython regrtest logs: failures, flaky tests, env changes and leaks.",
    long_about = "Mine CPython regrtest logs: failures, flaky tests, env changes and leaks.\n\n\
        With no command, `flakelog [PATH…]` runs `stats`. PATHs are log files (plain or gzip),\n\
        directories (walked in name order) or `-` for stdin; no PATH reads stdin.",
    args_conflicts_with_subcommands = true
)]
pub struct Opts {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub stats: StatsArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One row per test, kind and resource: how often, in how many runs, since when.
    Stats(StatsArgs),
    /// One row per event (test outcome, warning, leak), in input order.
    Events(InputArgs),
    /// One row per regrtest run.
    Runs(InputArgs),
    /// Per failing test: the load average when it failed against when it passed, and the tests
    /// running alongside its failures, with their lift.
    Context(InputArgs),
    /// Fold partial results (`stats --partial`) into the rows one `stats` over all their inputs
    /// gives (or, with --partial, into one partial). PATHs are partial files, or directories
    /// of `*.flk` files.
    Merge(StatsArgs),
    /// One self-contained HTML page: runs per month, the tests that fail or flake most, leaks.
    Report(ReportArgs),
    /// Print a shell completion script (e.g. `flakelog completions bash > ~/.local/share/bash-completion/completions/flakelog`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `flakelog man > flakelog.1`.
    Man,
    /// Print a command's columns with their type and meaning (CSV), or with `--schema` the
    /// JSON Schema of one of its `--format json`/`jsonl` rows.
    Columns {
        #[arg(value_enum, default_value = "stats")]
        table: crate::cmd::columns::Table,
        /// The JSON Schema instead (as in schemas/TABLE.schema.json)
        #[arg(long, conflicts_with = "markdown")]
        schema: bool,
        /// README's table of them instead (Markdown)
        #[arg(long)]
        markdown: bool,
    },
}

/// What every command reads and how it writes.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Log files (plain or gzip), directories, or `-` for stdin; none reads stdin.
    pub paths: Vec<String>,
    /// Output format [default: table on a terminal, csv otherwise]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to FILE (created or truncated) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only these columns, in this order (comma-separated; `flakelog COMMAND --columns x`
    /// lists them). A table then shows them all, dropping none to fit
    #[arg(long, value_name = "COLUMNS", value_delimiter = ',')]
    pub columns: Vec<String>,
    /// CSV for spreadsheets: a text cell that starts like a formula (`=`, `+`, `-`, `@`, tab,
    /// CR) gets a leading `'`
    #[arg(long)]
    pub safe_csv: bool,
    /// Threads to parse files with [default: all cores]
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,
    /// Only files in directories whose name or path matches (e.g. `*.log.gz`); repeatable.
    /// Without it, a walk reads log-like names: `*.log`, `*.txt`, `stdio` and names without an
    /// extension, each also compressed (`.gz`, `.xz`, `.zst`, `.bz2`)
    #[arg(long, value_name = "GLOB")]
    pub glob: Vec<String>,
    /// Read every file a directory walk finds, whatever its name (hidden ones too)
    #[arg(long)]
    pub all_files: bool,
    /// Regex with named groups `builder`, `build`, `branch`, matched against each file's path
    #[arg(long, value_name = "REGEX")]
    pub path_pattern: Option<String>,
    /// Extra leak-classification rules, tried before the built-in ones
    /// (format: grammars/leak-classes.rules)
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// No progress bar
    #[arg(short, long)]
    pub quiet: bool,
    /// What stdin is called in the `source` column and in a partial, instead of `-` (name each
    /// day's `zcat … | flakelog stats --partial` for what it holds)
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Also fail (exit 1) on runs without their final summary and on inputs without a run,
    /// listing them on stderr
    #[arg(long)]
    pub strict: bool,
    /// Only events whose test (`test_os`, `test.test_os`) or method matches this regex; for
    /// `runs`, runs with such an event
    #[arg(long, value_name = "REGEX", value_parser = parse_regex, help_heading = "Filters")]
    pub test: Option<regex::Regex>,
    /// Only runs whose builder matches this regex
    #[arg(long, value_name = "REGEX", value_parser = parse_regex, help_heading = "Filters")]
    pub builder: Option<regex::Regex>,
    /// Only runs whose branch matches this regex
    #[arg(long, value_name = "REGEX", value_parser = parse_regex, help_heading = "Filters")]
    pub branch: Option<regex::Regex>,
    /// Only runs of this Python version or its prefix (`3.12` keeps 3.12.1, not 3.1)
    #[arg(long, value_name = "VERSION", help_heading = "Filters")]
    pub python: Option<String>,
    /// Only runs dated on or after this day (YYYY-MM-DD, the header's build date)
    #[arg(long, value_name = "DATE", value_parser = parse_date, help_heading = "Filters")]
    pub since: Option<jiff::civil::Date>,
    /// Only runs dated on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date, help_heading = "Filters")]
    pub until: Option<jiff::civil::Date>,
    /// Only these kinds, or groups of them: `leaks` (every warning), `threads` (thread
    /// leaks in any form), `failures`, `all` (`passed` too); repeatable or comma-separated.
    /// For `runs`, runs with such an event
    #[arg(
        long,
        value_enum,
        value_name = "KIND",
        value_delimiter = ',',
        help_heading = "Filters"
    )]
    pub kind: Vec<KindSelector>,
}

impl InputArgs {
    /// The filters asked for.
    pub fn filter(&self) -> crate::filter::Filter {
        crate::filter::Filter {
            test: self.test.clone(),
            builder: self.builder.clone(),
            branch: self.branch.clone(),
            python: self.python.clone(),
            since: self.since,
            until: self.until,
            kinds: self.kind.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    // `-o FILE` (an input option) writes the page there; without it, stdout when it is no terminal
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Split rows by this column as well; repeatable
    #[arg(long, value_enum, value_name = "COLUMN")]
    pub group_by: Vec<GroupBy>,
    /// Only rows seen in at least N runs
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_runs: u64,
    /// Write a partial result instead of rows (binary: give -o FILE), for `flakelog merge`
    #[arg(long)]
    pub partial: bool,
}
