//! `flakelog runs`: one row per regrtest run; truncated runs are kept, `complete=false`.

use super::{Config, write_runs};
use crate::kind::Kind;
use crate::output::{Cell, Fragment, RowEncoder, opt_uint, text, uint};
use crate::run::{Keep, RunEvents, RunInfo};

pub const COLUMNS: [&str; 22] = [
    "source",
    "run",
    "builder",
    "build",
    "branch",
    "commit",
    "python",
    "platform",
    "date",
    "mode",
    "workers",
    "tests_total",
    "tests_run",
    // these count outcomes of their kind
    Kind::Failed.as_str(),
    Kind::EnvChanged.as_str(),
    Kind::Skipped.as_str(),
    "rerun",
    Kind::Flaky.as_str(),
    "result",
    "top_reason",
    "duration_s",
    "complete",
];

pub fn run(cfg: &Config) -> anyhow::Result<u8> {
    // `--test`/`--kind` keep the runs that have such an event: then the events are needed
    let keep = if cfg.filter.selects_events() {
        Keep::Events
    } else {
        Keep::Count
    };
    write_runs(
        cfg,
        &super::columns::RUNS,
        keep,
        |encoder: &mut RowEncoder, out: &mut Fragment, source: &str, r: &RunInfo, events| {
            if cfg.filter.selects_events() {
                let RunEvents::Events(mut events) = events else {
                    return Ok(());
                };
                if !events.any(|e| cfg.filter.keeps_event(&e)) {
                    return Ok(());
                }
            }
            encoder.row(
                &[
                    Cell::Text(Some(source)),
                    uint(r.run as u64),
                    text(&r.builder),
                    text(&r.build),
                    text(&r.branch),
                    text(&r.commit),
                    text(&r.python),
                    text(&r.platform),
                    text(&r.date),
                    Cell::Text(r.mode),
                    opt_uint(r.workers),
                    opt_uint(r.tests_total),
                    uint(r.tests_run),
                    uint(r.failed),
                    uint(r.env_changed),
                    uint(r.skipped),
                    uint(r.rerun),
                    uint(r.flaky),
                    text(&r.result),
                    text(&r.top_reason),
                    Cell::Float(r.duration_s),
                    Cell::Bool(r.complete),
                ],
                out,
            )
        },
    )
}
