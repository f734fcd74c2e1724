//! One section per test of the tests table, reached by its anchor (`#test-NAME`): its runs
//! by month (a chart and a table), by builder, the methods and reasons of its failures, its
//! rows with where each was first and last seen and the command that reproduces it, and the
//! context of its failures: the load average, and the tests running alongside with their lift.

use super::{COLOURS, MonthBars, Sort, header, opt, rate_cell, row_start};
use crate::kind::Kind;
use crate::stats::context::{TestContext, TestRuns};
use crate::stats::{Row, RunOutcome, Summary};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Neighbours and methods shown per test.
const TOP_NEIGHBOURS: usize = 10;
const TOP_METHODS: usize = 5;

/// The anchor of a test's section: its name where it is a plain one, other bytes as `-XX`.
pub fn anchor(test: &str) -> String {
    let mut id = String::from("test-");
    for b in test.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' {
            id.push(b as char);
        } else {
            id.push_str(&format!("-{b:02X}"));
        }
    }
    id
}

/// The sections of `tests` (in that order), from `rows` (every stats row of the page).
pub fn write_sections(
    summary: &Summary,
    tests: &[&str],
    rows: &[Row<'_>],
    out: &mut dyn Write,
) -> io::Result<()> {
    if tests.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h2>Test by test</h2>")?;
    let mut by_test: BTreeMap<&str, Vec<&Row<'_>>> = BTreeMap::new();
    for row in rows {
        by_test.entry(row.key.test).or_default().push(row);
    }
    let none = TestContext::default();
    for &test in tests {
        let mut its_rows = by_test.remove(test).unwrap_or_default();
        its_rows.sort_by_key(|r| r.key.kind.severity());
        let context = summary
            .context
            .as_ref()
            .and_then(|c| c.tests.get(test))
            .unwrap_or(&none);
        section(summary, test, &its_rows, context, out)?;
    }
    Ok(())
}

fn section(
    summary: &Summary,
    test: &str,
    rows: &[&Row<'_>],
    context: &TestContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    let total = context.total();
    writeln!(
        out,
        "<section class=\"test\" id=\"{}\" data-test=\"{}\">\n<h3>{}</h3>",
        anchor(test),
        attr(test),
        esc(test)
    )?;
    writeln!(
        out,
        "<p class=\"runs\" data-runs=\"{}\" data-failed=\"{}\" data-flaky=\"{}\" data-env-changed=\"{}\">In {} runs: {} failed, {} flaky, {} changed the environment.</p>",
        total.runs,
        total.failed,
        total.flaky,
        total.env_changed,
        total.runs,
        total.failed,
        total.flaky,
        total.env_changed
    )?;
    trend(test, &context.months, out)?;
    builders(&context.builders, out)?;
    rows_table(summary, rows, out)?;
    methods_and_reasons(rows, out)?;
    load(context, out)?;
    neighbours(context, out)?;
    writeln!(
        out,
        "<p><a href=\"#tests\">Back to the tests</a></p>\n</section>"
    )
}

/// The counted outcomes of a month, with the colour of the run outcome they match.
fn stack(r: &TestRuns) -> [(RunOutcome, u64); 3] {
    [
        (RunOutcome::Failed, r.failed),
        (RunOutcome::Flaky, r.flaky),
        (RunOutcome::EnvChanged, r.env_changed),
    ]
}

/// Per month: its runs as a pale bar, and inside it the failed, flaky and env-changed ones.
fn trend(test: &str, months: &BTreeMap<String, TestRuns>, out: &mut dyn Write) -> io::Result<()> {
    if months.is_empty() {
        return Ok(());
    }
    let bars = MonthBars {
        bar: 18.0,
        gap: 6.0,
        height: 80.0,
        top: 14.0,
        most: months.values().map(|r| r.runs).max().unwrap_or(1),
    };
    let label = format!(
        "class=\"trend\" aria-label=\"{} by month: runs, and the failed, flaky and env-changed ones\"",
        attr(test)
    );
    bars.open(out, months.len(), &label)?;
    for (i, (month, r)) in months.iter().enumerate() {
        // its runs, pale, behind what went wrong in them
        let h = bars.h(r.runs);
        writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{}\" height=\"{h:.1}\" fill=\"{}\" opacity=\"0.35\" data-month=\"{}\" data-runs=\"{}\"><title>{}: {} runs</title></rect>",
            bars.x(i),
            bars.axis() - h,
            bars.bar,
            COLOURS[RunOutcome::Incomplete as usize],
            attr(month),
            r.runs,
            esc(month),
            r.runs
        )?;
        bars.stack(out, i, month, stack(r))?;
        bars.label(out, i, month)?;
    }
    writeln!(out, "</svg>")?;
    write!(
        out,
        "<details><summary>By month, as a table</summary><table class=\"months\">"
    )?;
    counts_table("month", months.iter().collect(), out)?;
    writeln!(out, "</table></details>")
}

/// Rows of runs, failed, flaky and env changed, one per `what`.
fn counts_table(
    what: &str,
    counts: Vec<(&String, &TestRuns)>,
    out: &mut dyn Write,
) -> io::Result<()> {
    header(
        out,
        &[
            (what, false),
            ("runs", true),
            ("failed", true),
            ("flaky", true),
            ("env changed", true),
        ],
        Sort::Fixed,
    )?;
    for (name, r) in counts {
        let name = if name.is_empty() {
            "(unknown)".into()
        } else {
            esc(name)
        };
        writeln!(
            out,
            "<tr><td>{name}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            r.runs, r.failed, r.flaky, r.env_changed
        )?;
    }
    writeln!(out, "</tbody>")
}

/// Its builders: those where it failed, flaked or changed the environment (most first), and
/// all of them under a fold.
fn builders(builders: &BTreeMap<String, TestRuns>, out: &mut dyn Write) -> io::Result<()> {
    if builders.is_empty() {
        return Ok(());
    }
    let mut sorted: Vec<(&String, &TestRuns)> = builders.iter().collect();
    sorted.sort_by(|a, b| {
        (b.1.bad() + b.1.env_changed)
            .cmp(&(a.1.bad() + a.1.env_changed))
            .then(a.0.cmp(b.0))
    });
    let troubled: Vec<(&String, &TestRuns)> = sorted
        .iter()
        .copied()
        .filter(|(_, r)| r.bad() + r.env_changed > 0)
        .collect();
    if !troubled.is_empty() {
        writeln!(
            out,
            "<table class=\"builders\"><caption>The builders where it failed, flaked or changed the environment</caption>"
        )?;
        counts_table("builder", troubled, out)?;
        writeln!(out, "</table>")?;
    }
    write!(
        out,
        "<details><summary>All {} builders it ran on</summary><table class=\"builders-all\">",
        sorted.len()
    )?;
    counts_table("builder", sorted, out)?;
    writeln!(out, "</table></details>")
}

/// Its `stats` rows: where each was first and last seen, and how to reproduce it.
fn rows_table(summary: &Summary, rows: &[&Row<'_>], out: &mut dyn Write) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<table class=\"rows\"><caption>What it did (the rows of flakelog stats)</caption>"
    )?;
    header(
        out,
        &[
            ("kind", false),
            ("resource", false),
            ("runs", true),
            ("rate", true),
            ("first seen", false),
            ("first seen at", false),
            ("first commit", false),
            ("last seen", false),
            ("last seen at", false),
            ("reproduce", false),
        ],
        Sort::Fixed,
    )?;
    for row in rows {
        let seen = row.seen(summary);
        let code = |s: &Option<String>| {
            s.as_deref()
                .map(|s| format!("<code>{}</code>", esc(s)))
                .unwrap_or_default()
        };
        writeln!(
            out,
            "{}<td>{}</td><td>{}</td><td class=\"n\">{}</td>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            row_start(row),
            row.key.kind.as_str(),
            esc(row.key.resource),
            row.agg.runs,
            rate_cell(row),
            opt(seen.first_seen.as_deref()),
            code(&seen.first_at),
            code(&seen.first_commit),
            opt(seen.last_seen.as_deref()),
            code(&seen.last_at),
            row.repro()
                .map(|c| format!("<code class=\"repro\">{}</code>", esc(&c)))
                .unwrap_or_default(),
        )?;
    }
    writeln!(out, "</tbody></table>")
}

/// The methods its failures happened in and the reasons they gave, most frequent first.
fn methods_and_reasons(rows: &[&Row<'_>], out: &mut dyn Write) -> io::Result<()> {
    let mut methods: BTreeMap<&str, u64> = BTreeMap::new();
    let mut reasons: BTreeMap<&str, u64> = BTreeMap::new();
    for row in rows {
        let kind = row.key.kind;
        if !(kind.is_failure_outcome() || kind.is_method_failure() || kind == Kind::MethodFlaky) {
            continue;
        }
        if kind.is_method_failure() || kind == Kind::MethodFlaky {
            for (m, n) in &row.agg.methods {
                *methods.entry(m).or_insert(0) += n;
            }
        }
        for (r, n) in &row.agg.reasons {
            *reasons.entry(r).or_insert(0) += n;
        }
    }
    for (title, tally) in [("Methods that failed", methods), ("Reasons", reasons)] {
        if tally.is_empty() {
            continue;
        }
        let mut v: Vec<(&str, u64)> = tally.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        write!(out, "<p>{title}: ")?;
        for (i, (what, n)) in v.iter().take(TOP_METHODS).enumerate() {
            let sep = if i > 0 { "; " } else { "" };
            write!(out, "{sep}<code>{}</code> ({n})", esc(what))?;
        }
        writeln!(out, "</p>")?;
    }
    Ok(())
}

fn mean_text(mean: Option<f64>, n: u64) -> String {
    match mean {
        Some(m) => format!("{m:.2} (over {n} result{})", if n == 1 { "" } else { "s" }),
        None => "not shown".to_string(),
    }
}

/// The load average its progress lines showed when it failed, against when it passed.
fn load(c: &TestContext, out: &mut dyn Write) -> io::Result<()> {
    if c.failing == 0 {
        return Ok(());
    }
    let (f, p) = (c.load_failing.mean(), c.load_passing.mean());
    writeln!(
        out,
        "<p class=\"load\" data-load-failing=\"{}\" data-load-passing=\"{}\">Load average when it failed: {}; when it passed: {}.</p>",
        f.map_or_else(String::new, |x| format!("{x:.2}")),
        p.map_or_else(String::new, |x| format!("{x:.2}")),
        mean_text(f, c.load_failing.n),
        mean_text(p, c.load_passing.n)
    )
}

/// The tests running alongside its failures, by lift.
fn neighbours(c: &TestContext, out: &mut dyn Write) -> io::Result<()> {
    let neighbours = c.neighbours();
    if neighbours.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<table class=\"neighbours\"><caption>Running alongside it when it failed ({} failing and {} passing results in parallel runs). Lift: how many times likelier a test is to be running alongside when it fails than when it runs at all.</caption>",
        c.failing_parallel, c.passing_parallel
    )?;
    header(
        out,
        &[
            ("test", false),
            ("when it failed", true),
            ("when it passed", true),
            ("lift", true),
        ],
        Sort::Fixed,
    )?;
    for n in neighbours.iter().take(TOP_NEIGHBOURS) {
        writeln!(
            out,
            "<tr data-neighbour=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            attr(n.test),
            esc(n.test),
            n.together.failing,
            n.together.passing,
            n.lift.map_or_else(String::new, |l| format!("{l:.2}"))
        )?;
    }
    writeln!(out, "</tbody></table>")
}
