//! `flakelog report` (issue #14, first part): one self-contained HTML page whose numbers are
//! those of `stats` and `runs` on the same input, byte-identical at any thread count.

mod common;

use regex::Regex;
use std::collections::BTreeMap;

fn page(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    let status = common::flakelog()
        .arg("report")
        .args(args)
        .arg("-o")
        .arg(&out)
        .arg(common::fixture(""))
        .output()
        .unwrap();
    assert!(status.status.code().is_some_and(|c| c <= 1), "{args:?}");
    std::fs::read_to_string(out).unwrap()
}

fn jsonl(args: &[&str]) -> Vec<serde_json::Value> {
    let out = common::flakelog()
        .args(args)
        .args(["--format", "jsonl", "-q"])
        .arg(common::fixture(""))
        .output()
        .unwrap();
    common::jsonl(&out.stdout)
}

/// The runs the monthly chart counts (its bars' `data-count`).
fn charted(html: &str) -> u64 {
    let start = html.find("<svg id=\"months\"").expect("the monthly chart");
    let chart = &html[start..start + html[start..].find("</svg>").unwrap()];
    Regex::new(r#"data-count="(\d+)""#)
        .unwrap()
        .captures_iter(chart)
        .map(|c| c[1].parse::<u64>().unwrap())
        .sum()
}

#[test]
fn the_page_needs_nothing_from_the_network() {
    let html = page(&[]);
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for fetch in ["src=", "<link", "url(", "@import", "https://"] {
        assert!(!html.contains(fetch), "{fetch}");
    }
    let http: Vec<&str> = html
        .match_indices("http://")
        .map(|(i, _)| &html[i..i + 30])
        .collect();
    assert!(
        http.iter()
            .all(|h| h.starts_with("http://www.w3.org/2000/svg")),
        "{http:?}"
    );
}

#[test]
fn every_row_on_the_page_is_a_stats_row_and_the_chart_counts_every_run() {
    let html = page(&[]);
    let stats: BTreeMap<(String, String, String), u64> = jsonl(&["stats", "--kind", "all"])
        .iter()
        .map(|r| {
            (
                (
                    r["test"].as_str().unwrap().to_string(),
                    r["kind"].as_str().unwrap().to_string(),
                    r["resource"].as_str().unwrap_or("").to_string(),
                ),
                r["runs"].as_u64().unwrap(),
            )
        })
        .collect();
    let row = Regex::new(
        r#"<tr data-test="([^"]*)" data-kind="([^"]*)" data-resource="([^"]*)" data-runs="(\d+)">"#,
    )
    .unwrap();
    let mut n = 0;
    for c in row.captures_iter(&html) {
        let key = (c[1].to_string(), c[2].to_string(), c[3].to_string());
        assert_eq!(stats.get(&key), Some(&c[4].parse().unwrap()), "{key:?}");
        n += 1;
    }
    assert!(n > 30, "{n} rows");
    // a row of each table: a failure and a leak
    assert!(
        html.contains("data-kind=\"failed\"") && html.contains("data-kind=\"dangling_thread\"")
    );

    assert_eq!(charted(&html) as usize, jsonl(&["runs"]).len());
}

#[test]
fn filters_apply_and_the_page_is_the_same_at_any_thread_count() {
    let all = page(&["-j1"]);
    assert_eq!(all, page(&["-j2"]));
    let one = page(&["--python", "3.12"]);
    assert_eq!(
        charted(&one) as usize,
        jsonl(&["runs", "--python", "3.12"]).len()
    );
    assert!(one.contains("--python 3.12"));
    assert_ne!(one, all);
}

/// The builder × month heatmap: each cell's runs, and its failed or flaky runs, are those of
/// `flakelog runs` (a run counts by the worst it came to: cut short, failed, env changed,
/// flaky).
#[test]
fn the_heatmap_counts_each_builders_failed_or_flaky_runs_per_month() {
    let html = page(&[]);
    let mut want: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for r in jsonl(&["runs"]) {
        let month = r["date"]
            .as_str()
            .map_or("undated".to_string(), |d| d[..7].to_string());
        let builder = r["builder"].as_str().unwrap_or("").to_string();
        let n = |k: &str| r[k].as_u64().unwrap_or(0);
        let complete = r["complete"].as_bool().unwrap();
        let bad = complete && (n("failed") > 0 || (n("env_changed") == 0 && n("flaky") > 0));
        let cell = want.entry((builder, month)).or_default();
        cell.0 += u64::from(bad);
        cell.1 += 1;
    }
    let cell = Regex::new(
        r#"data-builder="([^"]*)" data-month="([^"]*)" data-bad="(\d+)" data-runs="(\d+)""#,
    )
    .unwrap();
    let got: BTreeMap<(String, String), (u64, u64)> = cell
        .captures_iter(&html)
        .map(|c| {
            (
                (c[1].to_string(), c[2].to_string()),
                (c[3].parse().unwrap(), c[4].parse().unwrap()),
            )
        })
        .collect();
    assert!(got.values().any(|&(bad, _)| bad > 0), "{got:?}");
    assert_eq!(got, want);
}

/// Each test of the tests table links to its section, and the section's numbers are `stats`':
/// its runs are the rows' `runs_with_test`, its flaky and env-changed runs those rows' runs,
/// and each of its rows' commands is the row's `repro`.
#[test]
fn each_test_of_the_table_has_a_section_with_stats_numbers() {
    let html = page(&[]);
    let stats = jsonl(&["stats", "--kind", "all"]);
    let runs_of = |test: &str, kind: &str| {
        stats
            .iter()
            .find(|r| {
                r["test"] == test
                    && r["kind"] == kind
                    && r["resource"].as_str().unwrap_or("").is_empty()
            })
            .map_or(0, |r| r["runs"].as_u64().unwrap())
    };
    let links = Regex::new(r##"<a href="#(test-[^"]+)">"##).unwrap();
    let ids: Vec<String> = links
        .captures_iter(&html)
        .map(|c| c[1].to_string())
        .collect();
    assert!(ids.len() >= 10, "{} links", ids.len());
    let section = Regex::new(
        r#"<section class="test" id="([^"]+)" data-test="([^"]*)">\n<h3>[^<]*</h3>\n<p class="runs" data-runs="(\d+)" data-failed="\d+" data-flaky="(\d+)" data-env-changed="(\d+)">"#,
    )
    .unwrap();
    let mut sections = 0;
    for c in section.captures_iter(&html) {
        sections += 1;
        assert!(ids.contains(&c[1].to_string()), "{} is not linked", &c[1]);
        let test = &c[2];
        let with_test = stats
            .iter()
            .find(|r| r["test"] == test)
            .map(|r| r["runs_with_test"].as_u64().unwrap());
        assert_eq!(with_test, Some(c[3].parse().unwrap()), "{test}");
        assert_eq!(
            runs_of(test, "flaky"),
            c[4].parse::<u64>().unwrap(),
            "{test}"
        );
        assert_eq!(
            runs_of(test, "env_changed"),
            c[5].parse::<u64>().unwrap(),
            "{test}"
        );
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(sections, unique.len());
    // the commands shown are the rows' repro
    let repro = Regex::new(
        r#"<tr data-test="([^"]*)" data-kind="([^"]*)" data-resource="" data-runs="\d+">[^\n]*<code class="repro">([^<]*)</code>"#,
    )
    .unwrap();
    let mut commands = 0;
    for c in repro.captures_iter(&html) {
        let row = stats
            .iter()
            .find(|r| {
                r["test"] == c[1]
                    && r["kind"] == c[2]
                    && r["resource"].as_str().unwrap_or("").is_empty()
            })
            .unwrap();
        let shown = html_escape::decode_html_entities(&c[3]);
        assert_eq!(row["repro"].as_str(), Some(&*shown), "{}", &c[1]);
        commands += 1;
    }
    assert!(commands >= 10, "{commands} commands");
}
