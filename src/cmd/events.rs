//! `flakelog events`: one row per event, in input order.

use super::{Config, write_runs};
use crate::filter::Filter;
use crate::output::{Cell, Fragment, RowEncoder, opt_uint, text, uint};
use crate::run::{Event, Keep, RunEvents, RunInfo};
use std::io;

/// The columns, in order. CSV header = JSON keys.
pub const COLUMNS: [&str; 21] = [
    "source",
    "line",
    "run",
    "python",
    "phase",
    "test",
    "method",
    "kind",
    "resource",
    "count",
    "detail",
    "reason",
    "reason_key",
    "elapsed",
    "load_avg",
    "running",
    "builder",
    "build",
    "branch",
    "commit",
    "date",
];

/// The row of event `e`; `detail` is its `detail_text()`, made by the caller so the row can
/// borrow it.
pub fn cells<'a>(
    source: &'a str,
    run: &'a RunInfo,
    e: &'a Event,
    detail: Option<&'a str>,
) -> [Cell<'a>; 21] {
    [
        Cell::Text(Some(source)),
        uint(e.line),
        uint(run.run as u64),
        text(&run.python),
        Cell::Text(Some(e.phase.name())),
        text(&e.test),
        text(&e.method),
        Cell::Text(Some(e.kind.as_str())),
        text(&e.resource),
        Cell::Int(e.count),
        Cell::Text(detail),
        text(&e.reason),
        text(&e.reason_key),
        opt_uint(e.elapsed),
        Cell::Float(e.load_avg),
        text(&e.running),
        text(&run.builder),
        text(&run.build),
        text(&run.branch),
        text(&run.commit),
        text(&run.date),
    ]
}

/// The rows of one run: its events the filter keeps, in line order.
pub fn write(
    filter: &Filter,
    encoder: &mut RowEncoder,
    out: &mut Fragment,
    source: &str,
    info: &RunInfo,
    events: RunEvents,
) -> io::Result<()> {
    if let RunEvents::Events(events) = events {
        for e in events.filter(|e| filter.keeps_event(e)) {
            let detail = e.detail_text();
            encoder.row(&cells(source, info, &e, detail.as_deref()), out)?;
        }
    }
    Ok(())
}

pub fn run(cfg: &Config) -> anyhow::Result<u8> {
    write_runs(
        cfg,
        &super::columns::EVENTS,
        Keep::Events,
        |encoder: &mut RowEncoder, out: &mut Fragment, source: &str, info: &RunInfo, events| {
            write(&cfg.filter, encoder, out, source, info, events)
        },
    )
}
