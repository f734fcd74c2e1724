//! `flakelog events`: one row per event, in input order.

use super::{Config, Item, finish, for_each_item, report_incomplete};
use crate::output::{Cell, Totals, opt_uint, text, uint};
use crate::run::{Event, RunInfo};

/// The columns, in order. CSV header = JSON keys.
pub const COLUMNS: [&str; 17] = [
    "source", "line", "run", "python", "phase", "test", "kind", "resource", "count", "detail",
    "elapsed", "load_avg", "running", "builder", "build", "branch", "date",
];

pub fn cells<'a>(source: &'a str, run: &'a RunInfo, e: &'a Event) -> [Cell<'a>; 17] {
    [
        Cell::Text(Some(source)),
        uint(e.line),
        uint(run.run as u64),
        text(&run.python),
        Cell::Text(Some(e.phase.name())),
        text(&e.test),
        Cell::Text(Some(e.kind)),
        text(&e.resource),
        Cell::Int(e.count),
        text(&e.detail),
        opt_uint(e.elapsed),
        Cell::Float(e.load_avg),
        text(&e.running),
        text(&run.builder),
        text(&run.build),
        text(&run.branch),
        text(&run.date),
    ]
}

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
            Item::Run(info, events) => {
                totals.runs += 1;
                if report_incomplete(cfg, source, &info) {
                    totals.errors += 1;
                }
                totals.events += events.len() as u64;
                for e in &events {
                    writer.row(&cells(source, &info, e))?;
                }
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
