//! Rows out: CSV (through the csv crate), a JSON array, or JSON Lines. One file per format
//! behind the `EventWriter` trait; the wire type `EventRow` fixes the column names and order.

mod csv;
mod json;

use crate::run::Event;
use serde::Serialize;
use std::io::{self, Write};

/// The `events` columns, in order. CSV header = JSON keys; empty CSV cell = JSON `null`.
pub const EVENT_COLUMNS: [&str; 13] = [
    "source", "line", "run", "python", "phase", "test", "kind", "resource", "count", "detail",
    "elapsed", "load_avg", "running",
];

#[derive(Debug, Serialize)]
pub struct EventRow<'a> {
    pub source: &'a str,
    pub line: u64,
    pub run: u32,
    pub python: Option<&'a str>,
    pub phase: &'static str,
    pub test: Option<&'a str>,
    pub kind: &'static str,
    pub resource: Option<&'a str>,
    pub count: Option<i64>,
    pub detail: Option<&'a str>,
    pub elapsed: Option<u64>,
    pub load_avg: Option<f64>,
    pub running: Option<&'a str>,
}

impl<'a> EventRow<'a> {
    pub fn new(source: &'a str, e: &'a Event) -> Self {
        EventRow {
            source,
            line: e.line,
            run: e.run,
            python: e.python.as_deref(),
            phase: e.phase.name(),
            test: e.test.as_deref(),
            kind: e.kind,
            resource: e.resource.as_deref(),
            count: e.count,
            detail: e.detail.as_deref(),
            elapsed: e.elapsed,
            load_avg: e.load_avg,
            running: e.running.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Jsonl,
}

/// Writes event rows in one format.
pub trait EventWriter {
    fn row(&mut self, row: &EventRow<'_>) -> io::Result<()>;
    /// Close the document (the JSON array) and flush.
    fn finish(&mut self) -> io::Result<()>;
}

pub fn event_writer<'w, W: Write + 'w>(format: Format, out: W) -> Box<dyn EventWriter + 'w> {
    match format {
        Format::Csv => Box::new(csv::CsvEvents::new(out)),
        Format::Json => Box::new(json::JsonEvents::array(out)),
        Format::Jsonl => Box::new(json::JsonEvents::lines(out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{Event, Phase};

    fn sample() -> Event {
        Event {
            line: 7,
            run: 1,
            python: Some("3.12.1".into()),
            phase: Phase::Rerun,
            test: Some("test_os".into()),
            kind: "modified",
            resource: Some("os.environ".into()),
            count: Some(1),
            detail: Some("+A, \"quoted\"".into()),
            elapsed: None,
            load_avg: Some(1.5),
            running: None,
        }
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        {
            let mut w = event_writer(format, &mut out);
            let e = sample();
            w.row(&EventRow::new("a.log", &e)).unwrap();
            w.row(&EventRow::new("b.log", &e)).unwrap();
            w.finish().unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_header_is_the_column_list_and_none_is_empty() {
        let text = render(Format::Csv);
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), EVENT_COLUMNS.join(","));
        assert_eq!(
            lines.next().unwrap(),
            "a.log,7,1,3.12.1,rerun,test_os,modified,os.environ,1,\"+A, \"\"quoted\"\"\",,1.5,"
        );
    }

    #[test]
    fn json_keys_are_the_columns_and_none_is_null() {
        let v: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
        let rows = v.as_array().unwrap();
        assert_eq!(rows.len(), 2);
        let keys: Vec<&str> = rows[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut want = EVENT_COLUMNS.to_vec();
        want.sort();
        let mut got = keys.clone();
        got.sort();
        assert_eq!(got, want);
        assert!(rows[0]["elapsed"].is_null());
        assert_eq!(rows[1]["source"], "b.log");
    }

    #[test]
    fn jsonl_is_one_object_per_line() {
        let text = render(Format::Jsonl);
        assert_eq!(text.lines().count(), 2);
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["kind"], "modified");
        }
    }

    #[test]
    fn empty_json_is_an_empty_array() {
        let mut out = Vec::new();
        event_writer(Format::Json, &mut out).finish().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v, serde_json::json!([]));
    }
}
