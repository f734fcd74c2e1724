//! `flakelog report`: the summary of `stats` as one self-contained HTML page (`report`).

use super::Config;
use crate::cli::ReportArgs;
use std::io::{self, IsTerminal, Write};

pub fn run(cfg: &Config, args: &ReportArgs) -> anyhow::Result<u8> {
    if args.input.output.is_none() && io::stdout().is_terminal() {
        anyhow::bail!("the report is an HTML page: give -o FILE, or redirect it");
    }
    let (summary, totals) =
        super::stats::summarize_and_say(cfg, &[], super::stats::Gather::RowsAndContext);
    let what = describe(&args.input);
    let mut page = Vec::new();
    crate::report::write_html(&summary, &cfg.filter, &what, &mut page)?;
    let written = match &args.input.output {
        Some(path) => {
            std::fs::write(path, &page).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        }
        None => io::stdout()
            .lock()
            .write_all(&page)
            .map_err(|e| super::OutputError(e).into()),
    };
    written?;
    Ok(if totals.errors > 0 { 1 } else { 0 })
}

/// What the page was made from, as the user asked: inputs and filters.
fn describe(input: &crate::cli::InputArgs) -> String {
    let mut parts = vec![if input.paths.is_empty() {
        "From stdin".to_string()
    } else {
        format!("From {}", input.paths.join(", "))
    }];
    let filters = [
        ("test", input.test.as_ref().map(|r| r.as_str().to_string())),
        (
            "builder",
            input.builder.as_ref().map(|r| r.as_str().to_string()),
        ),
        (
            "branch",
            input.branch.as_ref().map(|r| r.as_str().to_string()),
        ),
        ("python", input.python.clone()),
        ("since", input.since.map(|d| d.to_string())),
        ("until", input.until.map(|d| d.to_string())),
    ];
    for (name, value) in filters {
        if let Some(v) = value {
            parts.push(format!("--{name} {v}"));
        }
    }
    if !input.kind.is_empty() {
        let kinds: Vec<&str> = input.kind.iter().map(|k| k.name()).collect();
        parts.push(format!("--kind {}", kinds.join(",")));
    }
    parts.join(" ") + "."
}
