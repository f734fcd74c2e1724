//! One source, start to end: open, split into lines, assemble runs, hand events on.

use crate::input::lines::{Flow, LineReader, ReadError};
use crate::input::{Inflate, Source};
use crate::leak::Rules;
use crate::run::{Event, RunBuilder, RunInfo, dressing::Dressing};
use std::io::{self, Read};

/// A source that could not be read whole; `line` is how far it got (0: not opened).
#[derive(Debug, thiserror::Error)]
#[error("{source_name}{}: {error}", line.map(|l| format!(": after line {l}")).unwrap_or_default())]
pub struct SourceError {
    pub source_name: String,
    pub line: Option<u64>,
    pub error: io::Error,
}

/// Parse everything `reader` holds into runs and their events, handed to `sink` run by run.
/// The runs of lines read before an I/O error are delivered too: a truncated file still counts
/// for what it has.
pub fn scan_reader<R: Read>(
    reader: R,
    rules: &Rules,
    sink: impl FnMut(RunInfo, Vec<Event>),
) -> Result<u64, ReadError> {
    let mut builder = RunBuilder::new(rules, sink);
    let mut lines = LineReader::new(reader);
    let result = lines.head().map(Dressing::guess_from_head);
    let result = match result {
        Ok(dressing) => {
            builder.set_dressing(dressing);
            lines.for_each(|line| {
                builder.push_line(line);
                Flow::Continue
            })
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
    sink: impl FnMut(RunInfo, Vec<Event>),
) -> Result<u64, SourceError> {
    let name = source.name();
    let reader = source.open(inflate).map_err(|error| SourceError {
        source_name: name.clone(),
        line: None,
        error,
    })?;
    scan_reader(reader, rules, sink).map_err(|e| SourceError {
        source_name: name,
        line: Some(e.line),
        error: e.error,
    })
}

/// Parse bytes held in memory (tests, fuzzing).
pub fn scan_bytes(bytes: &[u8], rules: &Rules) -> Vec<(RunInfo, Vec<Event>)> {
    let mut runs = Vec::new();
    let _ = scan_reader(&mut io::Cursor::new(bytes), rules, |info, events| {
        runs.push((info, events))
    });
    runs
}
