//! The command line. Read by main.rs only.

use crate::output::Format;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "flakelog",
    version,
    about = "Mine CPython regrtest logs: failures, flaky tests, env changes and leaks."
)]
pub struct Opts {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One row per event (test outcome, warning, leak), in input order.
    Events(EventsArgs),
}

#[derive(Debug, clap::Args)]
pub struct EventsArgs {
    /// Log files (plain or gzip); `-` or nothing reads stdin.
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Extra leak-classification rules, tried before the built-in ones
    /// (format: grammars/leak-classes.rules).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}
