//! `flakelog report`: one self-contained HTML page (inline CSS, inline SVG, a few lines of
//! JS to sort tables) that opens anywhere with nothing to fetch: runs per month by outcome,
//! the tests that fail or flake most, the leaks seen most. Every number on the page is one
//! `stats` gives for the same input; each carries it in a `data-` attribute for tests.
//! The output depends only on the input: no clock, no random ids.

use crate::filter::Filter;
use crate::kind::{Kind, KindSelector};
use crate::stats::{Row, RunOutcome, Summary};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use std::io::{self, Write};

mod bars;
mod test_section;

use bars::MonthBars;

/// Rows per table: the page is for reading, `stats` has the rest.
const TOP: usize = 50;

/// Okabe–Ito colours, told apart with every common colour-vision deficiency, one per
/// `RunOutcome`.
pub(crate) const COLOURS: [&str; 5] = ["#009E73", "#E69F00", "#56B4E9", "#D55E00", "#999999"];

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #5f5f5f; --line: #d0d0d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #161616; --muted: #a8a8a8; --line: #444; } }
body { font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1, h2 { font-weight: 600; } p.muted, caption { color: var(--muted); text-align: left; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 2rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th[data-sort] { cursor: pointer; }
svg text { fill: var(--fg); font-size: 11px; }
.legend span { display: inline-block; margin-right: 1rem; }
.legend i { display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.3rem; vertical-align: -0.1rem; }
code { font-size: 90%; }
code.repro { user-select: all; }
td code { overflow-wrap: anywhere; }
section.test { border-top: 2px solid var(--line); margin-top: 2rem; }
section.test table { width: auto; min-width: 40%; }
details { margin: 0.5rem 0 1rem; }
"#;

/// Click a header to sort its table by that column (numbers as numbers); without JS the
/// tables read as they are, in `stats`' order.
const SCRIPT: &str = r#"
for (const th of document.querySelectorAll("th[data-sort]")) {
  th.addEventListener("click", () => {
    const table = th.closest("table"), body = table.tBodies[0], i = th.cellIndex;
    const down = th.dataset.dir !== "down"; th.dataset.dir = down ? "down" : "up";
    const key = r => { const c = r.cells[i], v = c.dataset.v ?? c.textContent; return th.dataset.sort === "n" ? +v : v; };
    [...body.rows].sort((a, b) => (key(a) > key(b) ? 1 : key(a) < key(b) ? -1 : 0) * (down ? -1 : 1))
      .forEach(r => body.appendChild(r));
  });
}
"#;

/// The page for `summary` (read with `filter`), described by `what` (the command line's
/// inputs and filters, as the user gave them).
pub fn write_html(
    summary: &Summary,
    filter: &Filter,
    what: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>flakelog report</title>\n<style>{STYLE}</style>\n</head>\n<body>"
    )?;
    writeln!(out, "<h1>flakelog report</h1>")?;
    writeln!(
        out,
        "<p class=\"muted\" id=\"totals\" data-files=\"{}\" data-runs=\"{}\" data-events=\"{}\">{} files, {} runs, {} events. {}</p>",
        summary.files,
        summary.runs,
        summary.events,
        summary.files,
        summary.runs,
        summary.events,
        esc(what)
    )?;
    months(summary, out)?;
    heatmap(summary, out)?;
    let severe = [
        KindSelector::Failures,
        KindSelector::One(Kind::EnvChanged),
        KindSelector::One(Kind::Crashed),
        KindSelector::One(Kind::TimedOut),
    ];
    let mut rows = summary.rows(0, &narrowed(filter, &severe));
    rows.sort_by_key(|r| r.key.kind.severity());
    tests_table(summary, &rows, out)?;
    let leaks = summary.rows(0, &narrowed(filter, &[KindSelector::Leaks]));
    leaks_table(&leaks, out)?;
    let mut tests: Vec<&str> = Vec::new();
    for row in rows.iter().take(TOP) {
        if !tests.contains(&row.key.test) {
            tests.push(row.key.test);
        }
    }
    test_section::write_sections(summary, &tests, &summary.rows(0, filter), out)?;
    writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>")
}

/// The user's filter, with `--kind` narrowed to `kinds` (or to the user's, where given).
fn narrowed(filter: &Filter, kinds: &[KindSelector]) -> Filter {
    let mut f = filter.clone();
    if f.kinds.is_empty() {
        f.kinds = kinds.to_vec();
    }
    f
}

/// Runs per month by outcome: a stacked bar chart (inline SVG), and the same as a table.
fn months(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<h2>Runs per month</h2>")?;
    let months = summary.months();
    if months.is_empty() {
        return writeln!(out, "<p class=\"muted\">No run.</p>");
    }
    let bars = MonthBars {
        bar: 28.0,
        gap: 8.0,
        height: 180.0,
        top: 16.0,
        most: months
            .values()
            .map(|c| c.iter().sum::<u64>())
            .max()
            .unwrap_or(1),
    };
    bars.open(
        out,
        months.len(),
        "id=\"months\" aria-labelledby=\"months-title\"",
    )?;
    writeln!(
        out,
        "<title id=\"months-title\">Runs per month by outcome</title>"
    )?;
    for (i, (month, counts)) in months.iter().enumerate() {
        let y = bars.stack(
            out,
            i,
            month,
            RunOutcome::ALL.into_iter().zip(counts.iter().copied()),
        )?;
        let total: u64 = counts.iter().sum();
        writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{total}</text>",
            bars.x(i) + bars.bar / 2.0,
            y - 3.0
        )?;
        bars.label(out, i, month)?;
    }
    writeln!(out, "</svg>")?;
    write!(out, "<p class=\"legend\">")?;
    for outcome in RunOutcome::ALL {
        write!(
            out,
            "<span><i style=\"background:{}\"></i>{}</span>",
            COLOURS[outcome as usize],
            outcome.name()
        )?;
    }
    writeln!(out, "</p>")?;
    // the same numbers as a table: readable without the picture
    write!(
        out,
        "<table id=\"months-table\"><caption>Runs per month, by what each came to</caption><thead><tr><th>month</th>"
    )?;
    for outcome in RunOutcome::ALL {
        write!(out, "<th class=\"n\">{}</th>", outcome.name())?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for (month, counts) in &months {
        write!(out, "<tr><td>{}</td>", esc(month))?;
        for n in counts {
            write!(out, "<td class=\"n\">{n}</td>")?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table>")
}

/// Builder × month: the share of runs that failed or flaked, as a table whose cells are
/// shaded by it (the number is in every cell, so colour is never the only cue).
fn heatmap(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let bad = |c: &[u64; RunOutcome::ALL.len()]| {
        c[RunOutcome::Failed as usize] + c[RunOutcome::Flaky as usize]
    };
    let months: Vec<&str> = summary.months().into_keys().collect();
    let mut builders: Vec<&str> = summary
        .runs_by_month
        .keys()
        .map(|(_, b)| b.as_str())
        .collect();
    builders.sort_unstable();
    builders.dedup();
    writeln!(out, "<h2>Failed or flaky runs, by builder and month</h2>")?;
    write!(
        out,
        "<table id=\"heatmap\"><caption>Share of each builder's runs in the month that failed or flaked (runs in brackets)</caption><thead><tr><th>builder</th>"
    )?;
    for m in &months {
        write!(out, "<th class=\"n\">{}</th>", esc(m))?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for b in &builders {
        write!(
            out,
            "<tr><td>{}</td>",
            if b.is_empty() {
                "(unknown)".into()
            } else {
                esc(b)
            }
        )?;
        for m in &months {
            match summary.runs_by_month.get(&(m.to_string(), b.to_string())) {
                None => write!(out, "<td></td>")?,
                Some(c) => {
                    let (n, runs) = (bad(c), c.iter().sum::<u64>());
                    let share = n as f64 / runs as f64;
                    write!(
                        out,
                        "<td class=\"n\" data-builder=\"{}\" data-month=\"{}\" data-bad=\"{n}\" data-runs=\"{runs}\" style=\"background:rgba(213,94,0,{:.2})\">{:.0}% ({runs})</td>",
                        attr(b),
                        attr(m),
                        share * 0.85,
                        share * 100.0
                    )?;
                }
            }
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table>")
}

/// Whether a click on a table's header sorts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sort {
    ByClick,
    /// A small table, read as it is.
    Fixed,
}

pub(crate) fn header(out: &mut dyn Write, columns: &[(&str, bool)], sort: Sort) -> io::Result<()> {
    write!(out, "<thead><tr>")?;
    for (name, numeric) in columns {
        let class = if *numeric { " class=\"n\"" } else { "" };
        let by = match (sort, numeric) {
            (Sort::Fixed, _) => "",
            (Sort::ByClick, true) => " data-sort=\"n\"",
            (Sort::ByClick, false) => " data-sort=\"t\"",
        };
        write!(out, "<th{class}{by}>{name}</th>")?;
    }
    writeln!(out, "</tr></thead><tbody>")
}

/// The opening of a table row, its key and runs in `data-` attributes (what the tests read).
pub(crate) fn row_start(row: &Row<'_>) -> String {
    format!(
        "<tr data-test=\"{}\" data-kind=\"{}\" data-resource=\"{}\" data-runs=\"{}\">",
        attr(row.key.test),
        row.key.kind.as_str(),
        attr(row.key.resource),
        row.agg.runs
    )
}

/// The rate cell: a percentage, sorted by its value.
pub(crate) fn rate_cell(row: &Row<'_>) -> String {
    let rate = row.rate();
    format!(
        "<td class=\"n\" data-v=\"{}\">{}</td>",
        rate.unwrap_or(0.0),
        rate.map_or_else(String::new, |r| format!("{:.1}%", r * 100.0))
    )
}

pub(crate) fn opt(s: Option<&str>) -> String {
    s.map_or_else(String::new, |s| esc(s).into_owned())
}

/// The tests that fail, flake or change the environment most.
fn tests_table(summary: &Summary, rows: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<h2>Tests that fail, flake or change the environment</h2>"
    )?;
    writeln!(
        out,
        "<table id=\"tests\"><caption>Most serious first, then by runs; top {TOP} (flakelog stats has them all)</caption>"
    )?;
    header(
        out,
        &[
            ("test", false),
            ("kind", false),
            ("runs", true),
            ("of runs with the test", true),
            ("rate", true),
            ("first seen", false),
            ("last seen", false),
            ("top reason", false),
        ],
        Sort::ByClick,
    )?;
    for row in rows.iter().take(TOP) {
        let seen = row.seen(summary);
        writeln!(
            out,
            "{}<td><a href=\"#{}\">{}</a></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{}<td>{}</td><td>{}</td><td>{}</td></tr>",
            row_start(row),
            test_section::anchor(row.key.test),
            esc(row.key.test),
            row.key.kind.as_str(),
            row.agg.runs,
            row.runs_with_test,
            rate_cell(row),
            opt(seen.first_seen.as_deref()),
            opt(seen.last_seen.as_deref()),
            opt(row.agg.top_reason()),
        )?;
    }
    writeln!(out, "</tbody></table>")
}

/// The leaks seen in the most runs: kind, what leaked.
fn leaks_table(rows: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<h2>Leaks</h2>")?;
    writeln!(
        out,
        "<table id=\"leaks\"><caption>By runs; top {TOP}</caption>"
    )?;
    header(
        out,
        &[
            ("test", false),
            ("kind", false),
            ("resource", false),
            ("runs", true),
            ("rate", true),
            ("what leaked most", false),
        ],
        Sort::ByClick,
    )?;
    for row in rows.iter().take(TOP) {
        writeln!(
            out,
            "{}<td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td>{}<td>{}</td></tr>",
            row_start(row),
            esc(row.key.test),
            row.key.kind.as_str(),
            esc(row.key.resource),
            row.agg.runs,
            rate_cell(row),
            opt(row.agg.top_leaked().as_deref()),
        )?;
    }
    writeln!(out, "</tbody></table>")
}
