use anyhow::Context;
use clap::Parser;
use flakelog::cli::{Command, EventsArgs, Opts};
use flakelog::input::Source;
use flakelog::leak::Rules;
use flakelog::output::{EventRow, event_writer};
use flakelog::scan::scan_source;
use std::io::{self, BufWriter};
use std::process::ExitCode;

fn main() -> ExitCode {
    let opts = Opts::parse();
    match run(opts) {
        Ok(code) => code,
        Err(err) => {
            // `flakelog … | head` ends quietly
            if err.chain().any(|e| {
                e.downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("flakelog: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(opts: Opts) -> anyhow::Result<ExitCode> {
    match opts.command {
        Command::Events(args) => events(args),
    }
}

fn load_rules(path: Option<&std::path::Path>) -> anyhow::Result<Rules> {
    match path {
        None => Ok(Rules::builtin()),
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
            Ok(Rules::with_user(&text, &p.display().to_string())?)
        }
    }
}

fn events(args: EventsArgs) -> anyhow::Result<ExitCode> {
    let rules = load_rules(args.rules.as_deref())?;
    let sources: Vec<Source> = if args.paths.is_empty() {
        vec![Source::Stdin]
    } else {
        args.paths.iter().map(|p| Source::from_arg(p)).collect()
    };
    let stdout = io::stdout().lock();
    let mut writer = event_writer(args.format, BufWriter::with_capacity(1 << 16, stdout));
    let mut failed = false;
    for source in &sources {
        let name = source.name();
        let mut write_error = None;
        let result = scan_source(source, &rules, |event| {
            if write_error.is_none()
                && let Err(e) = writer.row(&EventRow::new(&name, &event))
            {
                write_error = Some(e);
            }
        });
        if let Some(e) = write_error {
            return Err(e.into());
        }
        if let Err(e) = result {
            eprintln!("flakelog: {e}");
            failed = true;
        }
    }
    writer.finish()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
