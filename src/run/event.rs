//! One row of `flakelog events`.

use serde::Serialize;

/// Which pass of a run a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    #[default]
    Main,
    Rerun,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Main => "main",
            Phase::Rerun => "rerun",
        }
    }
}

/// An event found in a log; owned, so it can leave the worker that parsed it. It travels with
/// its run's `RunInfo` (run index, python, builder, …); the output layer adds the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// 1-based line number in the decompressed source.
    pub line: u64,
    pub phase: Phase,
    pub test: Option<String>,
    /// One word of the vocabulary in README.md (`failed`, `modified`, `refleak`, …).
    pub kind: &'static str,
    pub resource: Option<String>,
    pub count: Option<i64>,
    pub detail: Option<String>,
    /// Seconds from the line's ELAPSED prefix.
    pub elapsed: Option<u64>,
    pub load_avg: Option<f64>,
    /// The tests of the progress line's `-- running:` suffix, `;`-separated.
    pub running: Option<String>,
}

impl Event {
    /// Say in `detail` that the line this came from was cut to `LINE_CAP` bytes.
    pub fn note_cut(&mut self) {
        let note = format!("[line cut at {} MiB]", crate::input::lines::LINE_CAP >> 20);
        self.detail = Some(match self.detail.take() {
            Some(d) if !d.is_empty() => format!("{d} {note}"),
            _ => note,
        });
    }
}
