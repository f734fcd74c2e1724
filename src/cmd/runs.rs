//! `flakelog runs`: one row per regrtest run; truncated runs are kept, `complete=false`.

use super::{Config, Item, finish, for_each_item, report_incomplete};
use crate::output::{Cell, Totals, opt_uint, text, uint};

pub const COLUMNS: [&str; 20] = [
    "source",
    "run",
    "builder",
    "build",
    "branch",
    "python",
    "platform",
    "date",
    "mode",
    "workers",
    "tests_total",
    "tests_run",
    "failed",
    "env_changed",
    "skipped",
    "rerun",
    "flaky",
    "result",
    "duration_s",
    "complete",
];

pub fn run(cfg: &Config) -> anyhow::Result<u8> {
    let mut totals = Totals {
        errors: cfg.report_problems(),
        ..Totals::default()
    };
    let mut writer = cfg.writer(&COLUMNS);
    let mut last_order = None;
    for_each_item(cfg, |order, source, item| {
        if last_order != Some(order) {
            last_order = Some(order);
            totals.files += 1;
        }
        match item {
            Item::Run(r, events) => {
                totals.runs += 1;
                if report_incomplete(cfg, source, &r) {
                    totals.errors += 1;
                }
                totals.events += events.len() as u64;
                writer.row(&[
                    Cell::Text(Some(source)),
                    uint(r.run as u64),
                    text(&r.builder),
                    text(&r.build),
                    text(&r.branch),
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
                    Cell::Float(r.duration_s),
                    Cell::Bool(r.complete),
                ])?;
            }
            Item::Error(e) => {
                totals.errors += 1;
                eprintln!("flakelog: {e}");
            }
        }
        Ok(())
    })?;
    Ok(finish(writer, totals)?)
}
