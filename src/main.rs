//! A thin `main`: parse the command line, run the command, map errors to exit codes.

use clap::Parser;
use flakelog::cli::{Command, Opts};
use flakelog::cmd::{self, Config};
use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let opts = Opts::parse();
    match run(opts) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // `flakelog … | head` ends quietly
            let broken_pipe = err.chain().any(|e| {
                e.downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("flakelog: {err:#}");
            // the output could not be written (a full disk): that is not a usage error
            if err.downcast_ref::<cmd::OutputError>().is_some() {
                return ExitCode::from(1);
            }
            ExitCode::from(2)
        }
    }
}

fn run(opts: Opts) -> anyhow::Result<u8> {
    match opts.command {
        Some(Command::Events(args)) => cmd::events::run(&Config::new(&args)?),
        Some(Command::Runs(args)) => cmd::runs::run(&Config::new(&args)?),
        Some(Command::Merge(mut args)) => {
            // a directory of partials: its `*.flk` files
            if args.input.glob.is_empty() {
                args.input.glob = vec!["*.flk".into()];
            }
            cmd::merge::run(&Config::new(&args.input)?, &args)
        }
        Some(Command::Context(args)) => cmd::context::run(&Config::new(&args)?),
        Some(Command::Report(args)) => cmd::report::run(&Config::new(&args.input)?, &args),
        Some(Command::Stats(args)) => cmd::stats::run(&Config::new(&args.input)?, &args),
        Some(Command::Completions { shell }) => {
            let mut cli = <Opts as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cli, "flakelog", &mut io::stdout());
            Ok(0)
        }
        Some(Command::Columns {
            table,
            schema,
            markdown,
        }) => {
            let mut out = io::stdout().lock();
            if markdown {
                out.write_all(table.markdown().as_bytes())?;
                return Ok(0);
            }
            if schema {
                serde_json::to_writer_pretty(&mut out, &table.schema())?;
                writeln!(out)?;
                return Ok(0);
            }
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(["column", "type", "meaning", "when"])?;
            for c in table.columns() {
                csv.write_record([c.name, c.ty.name(), c.about, "always"])?;
            }
            for c in table.optional_columns() {
                csv.write_record([c.name, c.ty.name(), c.about, "--group-by"])?;
            }
            csv.flush()?;
            Ok(0)
        }
        Some(Command::Man) => {
            let cli = <Opts as clap::CommandFactory>::command();
            clap_mangen::Man::new(cli).render(&mut io::stdout())?;
            Ok(0)
        }
        None => cmd::stats::run(&Config::new(&opts.stats.input)?, &opts.stats),
    }
}
