//! `flakelog report` in a real browser (issue #14): headless Chromium opens the page made from
//! a generated archive, with scripts on and off. It logs no error, every chart
//! (`svg[role=img]`) shows in the screenshot with its colours, the numbers the browser has
//! are `stats`' numbers for the same input, and a click on a header sorts its table.
//!
//! Each check is also run on a page broken on purpose, and must fail there. Without Chromium
//! (`$CHROMIUM`, or `chromium`/`chromium-browser` on PATH) the tests say so and pass, unless
//! `FLAKELOG_BROWSER_REQUIRED=1` (`.ci/run`).

#[path = "../examples/gen_corpus.rs"]
#[allow(clippy::duplicate_mod)]
mod gen_corpus;

mod common;

#[path = "common/browser.rs"]
mod browser;

use browser::{Page, Shot};
use flakelog::kind::Kind;
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

/// The window the page is read in; it grows to the page's height for the screenshot.
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 3000;

/// Rows per table on the page (`TOP` in src/report.rs).
const TOP: usize = 50;

type Key = (String, String, String);

/// A `stats` row: column → value, as CSV has it.
type StatsRow = BTreeMap<String, String>;

/// What `flakelog` says about the archive, to compare the page with.
struct Input {
    report: PathBuf,
    /// `stats --kind all`: every row
    stats: HashMap<Key, StatsRow>,
    /// the `#tests` table as it must read: `stats` of the failure, env-change, crash and
    /// timeout kinds, most serious kind first (stable: `stats`' order within), top 50
    tests: Vec<(Key, u64)>,
    /// the `#leaks` table: `stats --kind leaks`, top 50
    leaks: Vec<(Key, u64)>,
    /// `stats`' totals line: files, runs, events
    totals: [u64; 3],
    /// rows of `flakelog runs`
    runs: u64,
    _dir: tempfile::TempDir,
}

fn key(row: &StatsRow) -> Key {
    let c = |name: &str| row.get(name).cloned().unwrap_or_default();
    (c("test"), c("kind"), c("resource"))
}

fn runs_of(row: &StatsRow) -> u64 {
    row["runs"].parse().unwrap()
}

/// A generated archive of a few MB (several builders and months), its report and what
/// `stats` and `runs` say about it, made once for the tests here. A third of the logs is
/// there twice more and a third once more (copies are other files, read again): a few MB of
/// generated logs seldom repeat a failure, and the page's numbers should not all be 1.
fn input() -> &'static Input {
    static INPUT: OnceLock<Input> = OnceLock::new();
    INPUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("archive");
        gen_corpus::generate(&archive, 3 << 20, 14, true, false).unwrap();
        for (i, log) in common::logs_under(&archive).iter().enumerate() {
            for again in 1..=i % 3 {
                std::fs::copy(log, log.with_extension(format!("again{again}.log"))).unwrap();
            }
        }
        let flakelog = |args: &[&str]| -> Vec<u8> {
            let out = common::flakelog()
                .args(args)
                .arg("-q")
                .arg(&archive)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
            out.stdout
        };
        let report = dir.path().join("report.html");
        let csv = ["stats", "--format", "csv", "--kind"];
        let calls: Vec<Vec<&str>> = vec![
            vec!["report", "-o", report.to_str().unwrap()],
            [&csv[..], &["all"]].concat(),
            [&csv[..], &["failures,env_changed,crashed,timed_out"]].concat(),
            [&csv[..], &["leaks"]].concat(),
            vec!["stats", "--format", "table"],
            vec!["runs", "--format", "csv"],
        ];
        // at once: each alone keeps fewer than two cores busy
        let outputs: Vec<Vec<u8>> = std::thread::scope(|s| {
            let running: Vec<_> = calls
                .iter()
                .map(|args| s.spawn(|| flakelog(args)))
                .collect();
            running.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let [_, all, severe, leaks, totals, runs] = <[Vec<u8>; 6]>::try_from(outputs).unwrap();

        let stats = |csv: Vec<u8>| -> Vec<StatsRow> {
            let mut csv = csv::Reader::from_reader(&csv[..]);
            let head = csv.headers().unwrap().clone();
            csv.records()
                .map(|r| {
                    head.iter()
                        .zip(r.unwrap().iter())
                        .map(|(h, v)| (h.to_string(), v.to_string()))
                        .collect()
                })
                .collect()
        };
        let table = |rows: Vec<StatsRow>| -> Vec<(Key, u64)> {
            rows.iter()
                .take(TOP)
                .map(|r| (key(r), runs_of(r)))
                .collect()
        };
        let mut severe = stats(severe);
        severe.sort_by_key(|r| Kind::from_name(&r["kind"]).unwrap().severity());

        let totals = String::from_utf8(totals).unwrap();
        let line = Regex::new(r"(\d+) files, (\d+) runs, (\d+) events").unwrap();
        let c = line.captures(&totals).expect("stats' totals line");
        let totals = [1, 2, 3].map(|i| c[i].parse().unwrap());
        let runs = csv::Reader::from_reader(&runs[..]).records().count() as u64;
        Input {
            report,
            stats: stats(all).into_iter().map(|r| (key(&r), r)).collect(),
            tests: table(severe),
            leaks: table(stats(leaks)),
            totals,
            runs,
            _dir: dir,
        }
    })
}

// ------------------------------------------------------------------------------------------
// The page's tables, read from the HTML the browser serialized

#[derive(Debug, Clone, PartialEq)]
struct Cell {
    attrs: BTreeMap<String, String>,
    /// `textContent`
    text: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Table {
    id: String,
    heads: Vec<Cell>,
    rows: Vec<Cell>,
    cells: Vec<Vec<Cell>>,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn attrs(s: &str) -> BTreeMap<String, String> {
    static ATTR: OnceLock<Regex> = OnceLock::new();
    ATTR.get_or_init(|| Regex::new(r#"([\w:-]+)(?:="([^"]*)")?"#).unwrap())
        .captures_iter(s)
        .map(|c| {
            let value = c.get(2).map_or("", |m| m.as_str());
            (c[1].to_string(), unescape(value))
        })
        .collect()
}

fn text_content(html: &str) -> String {
    static TAG: OnceLock<Regex> = OnceLock::new();
    unescape(
        &TAG.get_or_init(|| Regex::new(r"<[^>]*>").unwrap())
            .replace_all(html, ""),
    )
}

/// Every `<table>` of the page, in document order.
fn tables(html: &str) -> Vec<Table> {
    let table = Regex::new(r"(?s)<table\b([^>]*)>(.*?)</table>").unwrap();
    let cell = Regex::new(r"(?s)<(th|td)\b([^>]*)>(.*?)</(?:th|td)>").unwrap();
    let tr = Regex::new(r"(?s)<tr\b([^>]*)>(.*?)</tr>").unwrap();
    table
        .captures_iter(html)
        .map(|t| {
            let mut heads = Vec::new();
            let (mut rows, mut cells) = (Vec::new(), Vec::new());
            for r in tr.captures_iter(&t[2]) {
                let mut tds = Vec::new();
                for c in cell.captures_iter(&r[2]) {
                    let c2 = Cell {
                        attrs: attrs(&c[2]),
                        text: text_content(&c[3]),
                    };
                    if &c[1] == "th" {
                        heads.push(c2);
                    } else {
                        tds.push(c2);
                    }
                }
                if !tds.is_empty() {
                    rows.push(Cell {
                        attrs: attrs(&r[1]),
                        text: text_content(&r[2]),
                    });
                    cells.push(tds);
                }
            }
            Table {
                id: attrs(&t[1]).get("id").cloned().unwrap_or_default(),
                heads,
                rows,
                cells,
            }
        })
        .collect()
}

fn key_of(row: &Cell) -> Option<(Key, u64)> {
    let a = |name: &str| row.attrs.get(name).cloned();
    Some((
        (a("data-test")?, a("data-kind")?, a("data-resource")?),
        a("data-runs")?.parse().ok()?,
    ))
}

// ------------------------------------------------------------------------------------------
// The checks, each a list of what is wrong (empty: all is well), so that a page broken on
// purpose can show each one fails

/// The page's name for a `stats` column, and the column.
const COLUMNS: [(&str, &str); 14] = [
    ("test", "test"),
    ("kind", "kind"),
    ("resource", "resource"),
    ("runs", "runs"),
    ("of runs with the test", "runs_with_test"),
    ("rate", "rate"),
    ("first seen", "first_seen"),
    ("last seen", "last_seen"),
    ("first seen at", "first_seen_at"),
    ("last seen at", "last_seen_at"),
    ("first commit", "first_commit"),
    ("reproduce", "repro"),
    ("top reason", "top_reason"),
    ("what leaked most", "top_leaked"),
];

/// Every table with `data-runs` rows: each row is a `stats` row with its runs, and each
/// column named for a `stats` column shows that row's value (a rate as a percentage, sorted by
/// its `data-v`); `#tests` and `#leaks` are exactly `stats`' rows in `stats`' order; the
/// totals are `stats`' totals; the chart's bars and the heatmap's cells count every run.
fn number_problems(html: &str, input: &Input) -> Vec<String> {
    let mut problems = Vec::new();
    let tables = tables(html);
    let mut counted = 0;
    for t in &tables {
        let columns: Vec<(usize, &str)> = t
            .heads
            .iter()
            .enumerate()
            .filter_map(|(i, h)| COLUMNS.iter().find(|c| c.0 == h.text).map(|c| (i, c.1)))
            .collect();
        let numbered = t.rows.iter().any(|r| r.attrs.contains_key("data-runs"));
        if numbered && !columns.iter().any(|c| c.1 == "runs") {
            problems.push(format!("#{}: no runs column", t.id));
        }
        for (row, cells) in t.rows.iter().zip(&t.cells) {
            if !row.attrs.contains_key("data-runs") {
                continue;
            }
            counted += 1;
            let Some((key, runs)) = key_of(row) else {
                problems.push(format!("#{}: a row without its key: {:?}", t.id, row.attrs));
                continue;
            };
            let Some(stats) = input.stats.get(&key) else {
                problems.push(format!("#{}: {key:?} is no stats row", t.id));
                continue;
            };
            if stats["runs"] != runs.to_string() {
                problems.push(format!(
                    "#{}: {key:?} has data-runs {runs}, stats {}",
                    t.id, stats["runs"]
                ));
            }
            for &(i, column) in &columns {
                let Some(cell) = cells.get(i) else {
                    problems.push(format!("#{}: {key:?} has no {column} cell", t.id));
                    continue;
                };
                let want = &stats[column];
                let (shown, want) = if column == "rate" {
                    let rate: Option<f64> = want.parse().ok();
                    let sorted: Option<f64> = cell.attrs.get("data-v").and_then(|v| v.parse().ok());
                    if sorted != Some(rate.unwrap_or(0.0)) {
                        problems.push(format!(
                            "#{}: {key:?} rate sorts as {sorted:?}, stats {rate:?}",
                            t.id
                        ));
                    }
                    (
                        cell.text.clone(),
                        rate.map_or_else(String::new, |r| format!("{:.1}%", r * 100.0)),
                    )
                } else {
                    (cell.text.clone(), want.clone())
                };
                if shown != want {
                    problems.push(format!(
                        "#{}: {key:?} shows {column} {shown:?}, stats {want:?}",
                        t.id
                    ));
                }
            }
        }
    }
    if counted == 0 {
        problems.push("no table row with data-runs".into());
    }
    for (id, want) in [("tests", &input.tests), ("leaks", &input.leaks)] {
        let got: Option<Vec<(Key, u64)>> = tables
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.rows.iter().filter_map(key_of).collect());
        match got {
            None => problems.push(format!("no #{id} table")),
            Some(got) if got != *want => problems.push(format!(
                "#{id}: {} rows, not stats' {} in stats' order; first difference at row {:?}",
                got.len(),
                want.len(),
                got.iter().zip(want.iter()).position(|(a, b)| a != b)
            )),
            Some(_) => {}
        }
    }
    if input.tests.is_empty() || input.leaks.is_empty() {
        problems.push("the archive gives no failure or no leak to show".into());
    }

    let totals = Regex::new(r#"<p\b([^>]*\bid="totals"[^>]*)>([^<]*)"#).unwrap();
    match totals.captures(html) {
        None => problems.push("no #totals".into()),
        Some(c) => {
            let a = attrs(&c[1]);
            let [files, runs, events] = input.totals;
            let got = ["data-files", "data-runs", "data-events"].map(|n| a.get(n).cloned());
            let want = [files, runs, events].map(|n| Some(n.to_string()));
            if got != want {
                problems.push(format!("#totals: {got:?}, stats: {want:?}"));
            }
            let text = format!("{files} files, {runs} runs, {events} events.");
            if !c[2].starts_with(&text) {
                problems.push(format!("#totals reads {:?}, stats: {text:?}", &c[2]));
            }
            if runs != input.runs {
                problems.push(format!("stats counts {runs} runs, runs {}", input.runs));
            }
        }
    }
    let sum = |re: &str, html: &str| -> u64 {
        Regex::new(re)
            .unwrap()
            .captures_iter(html)
            .map(|c| c[1].parse::<u64>().unwrap())
            .sum()
    };
    let months = Regex::new(r#"(?s)<svg\b[^>]*\bid="months".*?</svg>"#).unwrap();
    let months = months.find(html).map_or("", |m| m.as_str());
    let bars = sum(r#"<rect\b[^>]*\bdata-count="(\d+)""#, months);
    if bars != input.runs {
        problems.push(format!(
            "the chart's bars count {bars} runs, runs {}",
            input.runs
        ));
    }
    let cells = sum(
        r#"<td\b[^>]*\bdata-builder="[^"]*" data-month="[^"]*" data-bad="\d+" data-runs="(\d+)""#,
        html,
    );
    if cells != input.runs {
        problems.push(format!(
            "the heatmap counts {cells} runs, runs {}",
            input.runs
        ));
    }
    problems
}

/// A cell's sort key as the page's script takes it: `data-v`, else the text; numbers as JS's
/// unary `+` reads them.
enum SortKey {
    N(f64),
    T(Vec<u16>),
}

fn sort_key(cell: &Cell, numeric: bool) -> SortKey {
    let v = cell.attrs.get("data-v").unwrap_or(&cell.text);
    if numeric {
        let v = v.trim();
        SortKey::N(if v.is_empty() {
            0.0
        } else {
            v.parse().unwrap_or(f64::NAN)
        })
    } else {
        SortKey::T(v.encode_utf16().collect())
    }
}

fn below(a: &SortKey, b: &SortKey) -> bool {
    match (a, b) {
        (SortKey::N(a), SortKey::N(b)) => a < b,
        (SortKey::T(a), SortKey::T(b)) => a < b,
        _ => false,
    }
}

/// Click every sortable header (`th[data-sort]`) of every table, as a mouse does: the rows
/// must come out the same rows, by that column, descending; some column of each table must
/// change the order; a second click on the first header sorts ascending.
fn sort_problems(page: &mut Page) -> Vec<String> {
    let mut problems = Vec::new();
    let sortable: Vec<(usize, usize)> = tables(&page.html())
        .iter()
        .enumerate()
        .flat_map(|(t, table)| {
            table
                .heads
                .iter()
                .enumerate()
                .filter(|(_, h)| h.attrs.contains_key("data-sort"))
                .map(move |(col, _)| (t, col))
                .collect::<Vec<_>>()
        })
        .collect();
    if sortable.is_empty() {
        return vec!["no sortable header".into()];
    }
    let mut changed: BTreeMap<usize, bool> = BTreeMap::new();
    let mut clicks: Vec<(usize, (usize, usize), bool)> = sortable
        .iter()
        .enumerate()
        .map(|(i, &tc)| (i, tc, true))
        .collect();
    clicks.push((0, sortable[0], false));
    for (i, (t, col), down) in clicks {
        let table = |page: &mut Page| tables(&page.outer_html("table")[t]).swap_remove(0);
        let before = table(page);
        let rects = page.rects("th[data-sort]");
        let Some(rect) = rects.get(i).copied().flatten() else {
            problems.push(format!("#{}: header {col} is not shown", before.id));
            continue;
        };
        page.click(rect);
        let after = table(page);
        let head = &after.heads[col];
        let what = format!("#{} by {:?}", after.id, head.text);
        let mut a = after.rows.clone();
        let mut b = before.rows.clone();
        a.sort_by(|x, y| x.text.cmp(&y.text));
        b.sort_by(|x, y| x.text.cmp(&y.text));
        if a != b {
            problems.push(format!("{what}: the rows are not the same rows"));
        }
        let numeric = head.attrs.get("data-sort").map(String::as_str) == Some("n");
        let keys: Vec<SortKey> = after
            .cells
            .iter()
            .map(|c| sort_key(&c[col], numeric))
            .collect();
        if keys
            .iter()
            .any(|k| matches!(k, SortKey::N(n) if n.is_nan()))
        {
            problems.push(format!("{what}: a cell that is not a number"));
        }
        let wrong = keys.windows(2).position(|w| {
            if down {
                below(&w[0], &w[1])
            } else {
                below(&w[1], &w[0])
            }
        });
        if let Some(at) = wrong {
            problems.push(format!(
                "{what}: not {} at rows {at} and {}",
                if down {
                    "descending"
                } else {
                    "ascending (second click)"
                },
                at + 1
            ));
        }
        *changed.entry(t).or_default() |= after.rows != before.rows;
    }
    for (t, changed) in changed {
        if !changed {
            problems.push(format!("table {t}: no click changed its order"));
        }
    }
    problems
}

/// Every chart on the page, each checked in a screenshot (kept to look at when one fails);
/// the screenshot, and how many charts there are.
fn screenshot_problems(page: &mut Page, name: &str) -> (Vec<String>, Shot, usize) {
    let shot = page.screenshot();
    let charts = page.charts();
    let mut problems = Vec::new();
    for c in &charts {
        if c.rect.y + c.rect.h <= f64::from(shot.height) {
            problems.extend(shot.chart_problems(c));
        } else {
            // below the tallest screenshot a browser takes: a picture of the chart alone
            let (part, rect) = page.screenshot_of(c.rect);
            let moved = browser::Chart { rect, ..c.clone() };
            problems.extend(part.chart_problems(&moved));
        }
    }
    if !charts
        .iter()
        .any(|c| c.name.ends_with(" months") && c.colours.len() >= 2)
    {
        problems.push(format!("no #months chart with its colours: {charts:?}"));
    }
    if !problems.is_empty() {
        problems.push(format!("screenshot kept as {}", shot.keep(name).display()));
    }
    (problems, shot, charts.len())
}

fn tmp_page(dir: &Path, name: &str, html: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, html).unwrap();
    path
}

// ------------------------------------------------------------------------------------------
// The report

#[test]
fn with_scripts_the_page_logs_no_error_shows_its_charts_and_sorts_stats_numbers() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let input = input();
    let started = Instant::now();
    let mut page = Page::open(&chromium, &input.report, true, WIDTH, HEIGHT);

    let logged = page.problems();
    assert!(logged.is_empty(), "the page logged:\n{}", logged.join("\n"));

    let (problems, light, charts) = screenshot_problems(&mut page, "report-scripts-on");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // and in a browser set to dark mode, which the page follows
    page.prefer_dark();
    let (problems, dark, _) = screenshot_problems(&mut page, "report-dark");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let (paper, night) = (light.pixel(0, 0), dark.pixel(0, 0));
    assert!(
        paper.iter().all(|&c| c > 200) && night.iter().all(|&c| c < 60),
        "background: light {paper:?}, dark {night:?}"
    );

    let html = page.html();
    let problems = number_problems(&html, input);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let problems = sort_problems(&mut page);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let logged = page.problems();
    assert!(logged.is_empty(), "sorting logged:\n{}", logged.join("\n"));
    eprintln!(
        "scripts on: {charts} charts, {:.1?} in the browser",
        started.elapsed()
    );
}

#[test]
fn without_scripts_the_page_has_every_table_in_stats_order_and_its_charts() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let input = input();
    let started = Instant::now();
    let mut page = Page::open(&chromium, &input.report, false, WIDTH, HEIGHT);

    let html = page.html();
    let file = std::fs::read_to_string(&input.report).unwrap();
    let (shown, written) = (tables(&html), tables(&file));
    assert!(written.len() >= 4, "{} tables", written.len());
    assert_eq!(shown, written, "the browser's tables are not the page's");
    let rendered = page.rects("table");
    assert!(
        rendered
            .iter()
            .all(|r| r.is_some_and(|r| r.w > 100.0 && r.h > 20.0)),
        "a table is not shown: {rendered:?}"
    );
    let problems = number_problems(&html, input);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let (problems, _, charts) = screenshot_problems(&mut page, "report-scripts-off");
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // a click sorts nothing: the scripts are off on this very page
    let rect = page.rects("#tests th[data-sort=n]")[0].unwrap();
    page.click(rect);
    assert_eq!(
        page.html(),
        html,
        "a click changed the page with scripts off"
    );
    eprintln!(
        "scripts off: {charts} charts, {:.1?} in the browser",
        started.elapsed()
    );
}

// ------------------------------------------------------------------------------------------
// The checks fail where they must

#[test]
fn scripts_off_means_off() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = tmp_page(
        dir.path(),
        "script.html",
        r#"<!DOCTYPE html><html><body><p id="x">before</p>
<script>document.getElementById("x").textContent = "after";</script></body></html>"#,
    );
    let off = Page::open(&chromium, &path, false, 400, 300).html();
    assert!(
        off.contains(">before<") && !off.contains(">after<"),
        "{off}"
    );
    let on = Page::open(&chromium, &path, true, 400, 300).html();
    assert!(on.contains(">after<"), "{on}");
}

#[test]
fn a_page_that_logs_errors_is_caught() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let broken = tmp_page(
        dir.path(),
        "broken.html",
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head><body>
<img src="missing-image.png" alt="">
<script>console.error("logged-error");</script>
<script>console.warn("logged-warning");</script>
<script>throw new Error("thrown-error");</script>
<script>let = ;</script>
<script>Promise.reject(new Error("rejected-promise"));</script>
<script>setTimeout(() => { throw new Error("late-error"); }, 10);</script>
</body></html>"#,
    );
    let logged = Page::open(&chromium, &broken, true, 400, 300).problems();
    let all = logged.join("\n");
    for what in [
        "logged-error",
        "logged-warning",
        "thrown-error",
        "SyntaxError",
        "rejected-promise",
        "late-error",
        "missing-image.png",
    ] {
        assert!(all.contains(what), "{what} not caught in:\n{all}");
    }
    let clean = tmp_page(
        dir.path(),
        "clean.html",
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>clean</title></head><body>
<script>console.log("fine"); document.body.append("fine");</script></body></html>"#,
    );
    assert_eq!(
        Page::open(&chromium, &clean, true, 400, 300).problems(),
        Vec::<String>::new()
    );
}

#[test]
fn a_blank_hidden_or_colourless_chart_is_caught() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let svg = |id: &str, style: &str| {
        format!(
            r##"<svg id="{id}" role="img" style="{style}" width="120" height="60"><rect x="10" y="10" width="100" height="40" fill="#009E73"/><rect x="60" y="10" width="50" height="20" fill="#D55E00"/></svg>"##
        )
    };
    let html = format!(
        r#"<!DOCTYPE html><html><body>
<p>{}</p><p>{}</p><p>{}</p>
<p><svg id="empty" role="img" width="120" height="60"></svg></p>
<div style="position:relative">{}<div style="position:absolute; inset:0; background:#fff"></div></div>
</body></html>"#,
        svg("good", ""),
        svg("invisible", "opacity:0"),
        svg("grey", "filter:grayscale(1)"),
        svg("covered", ""),
    );
    let path = tmp_page(dir.path(), "charts.html", &html);
    for scripts in [true, false] {
        let mut page = Page::open(&chromium, &path, scripts, 400, 300);
        let shot = page.screenshot();
        let charts = page.charts();
        let found: BTreeMap<String, Vec<String>> = charts
            .iter()
            .map(|c| {
                (
                    c.name.rsplit(' ').next().unwrap().to_string(),
                    shot.chart_problems(c),
                )
            })
            .collect();
        assert_eq!(found.len(), 5, "{found:?}");
        assert_eq!(found["good"], Vec::<String>::new());
        for blank in ["invisible", "empty", "covered"] {
            assert!(
                found[blank].iter().any(|p| p.contains("blank")),
                "{blank}: {found:?}"
            );
        }
        assert!(
            found["grey"]
                .iter()
                .any(|p| p.contains("#009e73 is nowhere"))
                && found["grey"]
                    .iter()
                    .any(|p| p.contains("#d55e00 is nowhere")),
            "{found:?}"
        );
    }
}

/// The report with a wrong number in a row, wrong totals and a sort that goes the wrong way.
#[test]
fn a_report_with_wrong_numbers_or_a_wrong_sort_is_caught() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let input = input();
    let good = std::fs::read_to_string(&input.report).unwrap();
    let mut bad = good.clone();
    for (from, to) in [
        (
            r#"th.dataset.dir !== "down""#,
            r#"th.dataset.dir === "down""#,
        ),
        (
            &*format!(r#"id="totals" data-files="{}""#, input.totals[0]),
            &*format!(r#"id="totals" data-files="{}""#, input.totals[0] + 1),
        ),
    ] {
        assert!(bad.contains(from), "{from}");
        bad = bad.replacen(from, to, 1);
    }
    // the first leak's runs, one more: in its data-runs and in its runs cell
    let row = Regex::new(
        r#"(<table id="leaks">(?s:.*?)<tr data-test="[^"]*" data-kind="[^"]*" data-resource="[^"]*" data-runs=")(\d+)(">(?:<td>[^<]*</td>){3}<td class="n">)(\d+)"#,
    )
    .unwrap();
    let c = row.captures(&bad).expect("the first leak's row");
    let more = c[2].parse::<u64>().unwrap() + 1;
    bad = row
        .replace(&bad, format!("${{1}}{more}${{3}}{more}"))
        .into_owned();

    let dir = tempfile::tempdir().unwrap();
    let path = tmp_page(dir.path(), "bad.html", &bad);
    let mut page = Page::open(&chromium, &path, true, WIDTH, HEIGHT);
    let numbers = number_problems(&page.html(), input).join("\n");
    assert!(numbers.contains("#totals"), "{numbers}");
    assert!(numbers.contains("has data-runs"), "{numbers}");
    assert!(numbers.contains("shows runs"), "{numbers}");
    assert!(numbers.contains("not stats'"), "{numbers}");
    let sorting = sort_problems(&mut page).join("\n");
    assert!(sorting.contains("not descending"), "{sorting}");
}
