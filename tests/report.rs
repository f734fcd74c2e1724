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

    let bars = Regex::new(r#"data-count="(\d+)""#).unwrap();
    let charted: u64 = bars
        .captures_iter(&html)
        .map(|c| c[1].parse::<u64>().unwrap())
        .sum();
    assert_eq!(charted as usize, jsonl(&["runs"]).len());
}

#[test]
fn filters_apply_and_the_page_is_the_same_at_any_thread_count() {
    let all = page(&["-j1"]);
    assert_eq!(all, page(&["-j2"]));
    let one = page(&["--python", "3.12"]);
    let bars = Regex::new(r#"data-count="(\d+)""#).unwrap();
    let charted: u64 = bars
        .captures_iter(&one)
        .map(|c| c[1].parse::<u64>().unwrap())
        .sum();
    assert_eq!(charted as usize, jsonl(&["runs", "--python", "3.12"]).len());
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
