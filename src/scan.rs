//! One source, start to end: open, split into lines, assemble runs, hand events on.

use crate::grammar::markers;
use crate::input::lines::{Flow, LineReader, ReadError};
use crate::input::{Inflate, Source};
use crate::leak::Rules;
use crate::run::{Event, Keep, RunBuilder, RunEvents, RunInfo, dressing::Dressing};
use std::io::{self, Read};

/// A source that could not be read whole; `line` is how far it got (0: not opened).
#[derive(Debug, thiserror::Error)]
#[error("{source_name}{}: {error}", line.map(|l| format!(": after line {l}")).unwrap_or_default())]
pub struct SourceError {
    pub source_name: String,
    pub line: Option<u64>,
    pub error: io::Error,
}

/// A run cut short (no final summary): where it was, for `--strict`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cut {
    pub run: u32,
    pub first_line: u64,
    pub last_line: u64,
}

impl Cut {
    pub fn of(run: &RunInfo) -> Option<Cut> {
        (!run.complete).then_some(Cut {
            run: run.run,
            first_line: run.first_line,
            last_line: run.last_line,
        })
    }
}

/// What reading one input came to, said in input order once its rows are out.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub runs: u64,
    pub events: u64,
    pub cuts: Vec<Cut>,
    /// How it ended: read whole, or stopped by an error (said as `source: error`).
    pub error: Option<String>,
}

impl Report {
    /// A run of this input.
    pub fn count(&mut self, info: &RunInfo) {
        self.runs += 1;
        self.events += info.events;
        self.cuts.extend(Cut::of(info));
    }
}

/// Parse everything `reader` holds into runs, handed to `sink` run by run with their events
/// kept as `keep` asks, until the input ends or the sink says stop. The runs of lines read
/// before an I/O error are delivered too: a truncated file still counts for what it has.
pub fn scan_reader<R: Read>(
    reader: R,
    rules: &Rules,
    keep: Keep,
    sink: impl FnMut(RunInfo, RunEvents) -> Flow,
) -> Result<u64, ReadError> {
    scan_lines(
        LineReader::new(reader).passing_over(markers::pass_over),
        rules,
        keep,
        sink,
    )
}

/// `scan_reader` with every line handed to the run builder, none passed over in bulk (what
/// the tests compare the bulk skip against).
pub fn scan_reader_line_by_line<R: Read>(
    reader: R,
    rules: &Rules,
    keep: Keep,
    sink: impl FnMut(RunInfo, RunEvents) -> Flow,
) -> Result<u64, ReadError> {
    scan_lines(LineReader::new(reader), rules, keep, sink)
}

fn scan_lines<R: Read>(
    mut lines: LineReader<R>,
    rules: &Rules,
    keep: Keep,
    sink: impl FnMut(RunInfo, RunEvents) -> Flow,
) -> Result<u64, ReadError> {
    let mut builder = RunBuilder::new(rules, keep, sink);
    let result = match lines.head() {
        Ok(head) => {
            builder.set_dressing(Dressing::guess_from_head(head));
            lines.for_each(|line| builder.push_line(line))
        }
        Err(e) => Err(e),
    };
    builder.finish();
    result
}

/// Open and parse one source.
pub fn scan_source(
    source: &Source,
    inflate: Inflate,
    rules: &Rules,
    keep: Keep,
    sink: impl FnMut(RunInfo, RunEvents) -> Flow,
) -> Result<u64, SourceError> {
    let name = source.name();
    let reader = source.open(inflate).map_err(|error| SourceError {
        source_name: name.clone(),
        line: None,
        error,
    })?;
    scan_reader(reader, rules, keep, sink).map_err(|e| SourceError {
        source_name: name,
        line: Some(e.line),
        error: e.error,
    })
}

/// The events of a run read with `Keep::Events`, all in memory (tests, small inputs).
pub fn listed(events: RunEvents) -> Vec<Event> {
    match events {
        RunEvents::Events(sorted) => sorted.collect(),
        RunEvents::Digest(_) | RunEvents::Count => Vec::new(),
    }
}

/// Parse bytes held in memory (tests, fuzzing).
pub fn scan_bytes(bytes: &[u8], rules: &Rules) -> Vec<(RunInfo, Vec<Event>)> {
    listed_runs(
        LineReader::new(io::Cursor::new(bytes)).passing_over(markers::pass_over),
        rules,
    )
}

/// `scan_bytes`, every line handed to the run builder (`scan_reader_line_by_line`).
pub fn scan_bytes_line_by_line(bytes: &[u8], rules: &Rules) -> Vec<(RunInfo, Vec<Event>)> {
    listed_runs(LineReader::new(io::Cursor::new(bytes)), rules)
}

fn listed_runs<R: Read>(lines: LineReader<R>, rules: &Rules) -> Vec<(RunInfo, Vec<Event>)> {
    let mut runs = Vec::new();
    let _ = scan_lines(lines, rules, Keep::Events, |info, events| {
        runs.push((info, listed(events)));
        Flow::Continue
    });
    runs
}
