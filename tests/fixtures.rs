//! Snapshot tests: every `fixtures/*.log` (one per era and per line kind, written for this
//! repository) against its expected `events` CSV in `fixtures/expected/`. Review a change with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test` and `git diff`).

use flakelog::cmd::events::{COLUMNS, write};
use flakelog::input::lines::Flow;
use flakelog::input::{Inflate, Source};
use flakelog::leak::Rules;
use flakelog::output::{Document, Format, Fragment, Layout, Totals};
use flakelog::run::Keep;
use flakelog::scan::scan_source;
use std::path::Path;

mod common;
use common::fixture_logs;

fn events_csv(log: &Path) -> String {
    let name = log.file_name().unwrap().to_string_lossy().into_owned();
    let rules = Rules::builtin();
    let mut out = Vec::new();
    {
        let mut doc = Document::new(Layout::new(Format::Csv, &COLUMNS), &mut out);
        let mut encoder = doc.encoder();
        scan_source(
            &Source::Path(log.to_path_buf()),
            Inflate::InTheReader,
            &rules,
            Keep::Events,
            |run, events| {
                let mut rows = Fragment::default();
                write(
                    &flakelog::filter::Filter::default(),
                    &mut encoder,
                    &mut rows,
                    &name,
                    &run,
                    events,
                )
                .unwrap();
                doc.append(rows).unwrap();
                Flow::Continue
            },
        )
        .unwrap();
        doc.finish(&Totals::default()).unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn every_fixture_matches_its_expected_events() {
    let logs = fixture_logs();
    assert!(
        logs.len() >= 6,
        "expected a fixture per era, found {}",
        logs.len()
    );
    for log in logs {
        let name = log.file_stem().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({
            snapshot_path => "../fixtures/expected",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("flakelog events fixtures/{name}.log"),
        }, {
            insta::assert_snapshot!(name, events_csv(&log));
        });
    }
}

/// Every era A–F has a fixture, so a grammar change that breaks one era shows up here.
#[test]
fn fixtures_cover_every_era() {
    let names: Vec<String> = fixture_logs()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for era in ["era-a-", "era-b-", "era-c-", "era-d-", "era-e-", "era-f-"] {
        assert!(
            names.iter().any(|n| n.starts_with(era)),
            "no fixture for {era}"
        );
    }
}
