//! `flakelog context`: per failing test, the load average at its failing results against its
//! passing ones, and the tests `running:` alongside its failures with their lift; one row per
//! (test, neighbour), the test's numbers repeated on each (a test with no neighbour seen has
//! one row, its `neighbour` empty).

use super::stats::{Gather, summarize_and_say};
use super::{Config, OutputError, finish};
use crate::output::{Cell, Document, uint};
use crate::stats::context::TestContext;

pub const COLUMNS: [&str; 11] = [
    "test",
    "failing",
    "passing",
    "load_failing",
    "load_passing",
    "failing_parallel",
    "passing_parallel",
    "neighbour",
    "with_failing",
    "with_passing",
    "lift",
];

pub fn run(cfg: &Config) -> anyhow::Result<u8> {
    let layout = cfg.layout(&super::columns::CONTEXT)?;
    let out = cfg.output()?;
    let (summary, totals) = summarize_and_say(cfg, &[], Gather::RowsAndContext);
    let mut doc = Document::new(layout, out);
    let mut tests: Vec<(&String, &TestContext)> = summary
        .context
        .as_ref()
        .map(|c| c.tests.iter().filter(|(_, t)| t.failing > 0).collect())
        .unwrap_or_default();
    tests.retain(|(name, _)| cfg.filter.keeps_test(Some(name), None));
    // the tests that fail most first
    tests.sort_by(|a, b| b.1.failing.cmp(&a.1.failing).then(a.0.cmp(b.0)));
    for (name, t) in tests {
        let test = [
            Cell::Text(Some(name)),
            uint(t.failing),
            uint(t.passing),
            Cell::Float(t.load_failing.mean()),
            Cell::Float(t.load_passing.mean()),
            uint(t.failing_parallel),
            uint(t.passing_parallel),
        ];
        let neighbours = t.neighbours();
        if neighbours.is_empty() {
            let mut cells = test.to_vec();
            cells.extend([
                Cell::Text(None),
                Cell::Int(None),
                Cell::Int(None),
                Cell::Float(None),
            ]);
            doc.row(&cells).map_err(OutputError)?;
        }
        for n in neighbours {
            let mut cells = test.to_vec();
            cells.extend([
                Cell::Text(Some(n.test)),
                uint(n.together.failing),
                uint(n.together.passing),
                Cell::Float(n.lift),
            ]);
            doc.row(&cells).map_err(OutputError)?;
        }
    }
    finish(doc, totals)
}
