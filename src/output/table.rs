//! An aligned table for a terminal. Its rows are held until the end to know the widths (the
//! other formats stream): a table is for people, CSV and JSON are for archives.

use super::{Cell, Totals};
use comfy_table::{CellAlignment, ContentArrangement, Table};
use std::io::{self, IsTerminal, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A cell as the table shows it: its text, and whether it is a number (aligned right).
struct TableCell {
    text: String,
    numeric: bool,
}

/// A cell is one line on screen, and prints no control character to the terminal: each is
/// shown escaped (`\n`, `\t`, `\x1b`).
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// The terminal's width, else `$COLUMNS`, else 120.
pub fn terminal_width() -> usize {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return w as usize;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(120)
}

/// Columns a narrow terminal leaves out, first to last; a column not named here is never
/// left out (test, method, kind, resource, runs, rate, last_seen, group-by columns…).
const DROP_ORDER: &[&str] = &[
    "repro",
    "example",
    "top_leaked",
    "builders",
    "top_reason",
    "first_commit",
    "commit",
    "first_seen_at",
    "last_seen_at",
    "reason_key",
    "running",
    "detail",
    "reason",
    "platform",
    "source",
    "first_seen",
    "runs_with_test",
    "events",
    "load_avg",
    "elapsed",
    "count",
    "phase",
    "line",
    "build",
    "workers",
    "tests_total",
    "duration_s",
    "mode",
    "python",
    "branch",
    "date",
];

/// Text that is never cut: names and dates a reader looks things up by (numbers neither).
const NEVER_CUT: &[&str] = &[
    "test",
    "method",
    "kind",
    "resource",
    "first_seen",
    "last_seen",
    "date",
    "builder",
];

/// The narrowest a cut column gets.
const MIN_CUT: usize = 8;

/// `s` in at most `width` terminal columns, cut with `…` (wide characters count twice).
fn cut(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Columns aligned to their widest cell and fitted to the terminal: low-priority columns
/// are left out before any cell is cut, and numbers, dates and names are never cut. Then one
/// line of totals.
pub struct TableRows {
    columns: Vec<String>,
    rows: Vec<Vec<TableCell>>,
    width: usize,
    /// `--columns` chose them: leave none out.
    keep_all: bool,
}

impl TableRows {
    pub fn new(columns: Vec<String>, width: usize) -> Self {
        TableRows {
            columns,
            rows: Vec::new(),
            width: width.max(20),
            keep_all: false,
        }
    }

    /// Leave no column out, however narrow the terminal.
    pub fn keeping_every_column(mut self, keep_all: bool) -> Self {
        self.keep_all = keep_all;
        self
    }

    pub fn add(&mut self, row: &[Cell<'_>]) {
        let mut scratch = String::new();
        self.rows.push(
            row.iter()
                .map(|&cell| {
                    cell.write_text(&mut scratch);
                    TableCell {
                        text: escape_controls(&scratch),
                        numeric: matches!(cell, Cell::Int(_) | Cell::Float(_)),
                    }
                })
                .collect(),
        );
    }

    /// Which columns are shown, how wide each is, and which are numbers.
    fn fit(&self) -> (Vec<usize>, Vec<usize>, Vec<bool>) {
        let n = self.columns.len();
        let natural: Vec<usize> = (0..n)
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| r[i].text.width())
                    .chain([self.columns[i].width()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let numeric: Vec<bool> = (0..n)
            .map(|i| {
                self.rows
                    .iter()
                    .all(|r| r[i].numeric || r[i].text.is_empty())
            })
            .collect();
        let total = |shown: &[usize], widths: &[usize]| {
            shown.iter().map(|&i| widths[i]).sum::<usize>() + shown.len().saturating_sub(1) * 2
        };
        let mut shown: Vec<usize> = (0..n).collect();
        if !self.keep_all {
            for name in DROP_ORDER {
                if total(&shown, &natural) <= self.width {
                    break;
                }
                shown.retain(|&i| self.columns[i] != *name);
            }
        }
        // still too wide: cut the widest text that may be cut, never below MIN_CUT
        let mut widths = natural;
        let cuttable = |i: usize| !numeric[i] && !NEVER_CUT.contains(&self.columns[i].as_str());
        while total(&shown, &widths) > self.width {
            let Some(&i) = shown
                .iter()
                .filter(|&&i| cuttable(i) && widths[i] > MIN_CUT)
                .max_by_key(|&&i| widths[i])
            else {
                break; // what is left is never cut: the terminal wraps it
            };
            widths[i] -= 1;
        }
        (shown, widths, numeric)
    }

    pub fn render(&self, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        let (shown, widths, numeric) = self.fit();
        let mut table = Table::new();
        table
            .load_preset(comfy_table::presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(shown.iter().map(|&i| {
                // a number's header stands over its right edge, as the numbers do
                let header = comfy_table::Cell::new(&self.columns[i]);
                if numeric[i] {
                    header.set_alignment(CellAlignment::Right)
                } else {
                    header
                }
            }));
        for row in &self.rows {
            table.add_row(shown.iter().map(|&i| cut(&row[i].text, widths[i])));
        }
        let last = shown.len().saturating_sub(1);
        for (k, &i) in shown.iter().enumerate() {
            if let Some(column) = table.column_mut(k) {
                column.set_padding((0, if k == last { 0 } else { 2 }));
                if numeric[i] {
                    column.set_cell_alignment(CellAlignment::Right);
                }
            }
        }
        for line in table.lines() {
            writeln!(out, "{}", line.trim_end())?;
        }
        writeln!(out, "{totals}")?;
        let left_out: Vec<&str> = (0..self.columns.len())
            .filter(|i| !shown.contains(i))
            .map(|i| self.columns[i].as_str())
            .collect();
        if !left_out.is_empty() && io::stderr().is_terminal() {
            // for a person at a terminal, on stderr: the last line of stdout stays the totals
            eprintln!(
                "flakelog: left out to fit {} columns: {} (--columns chooses)",
                self.width,
                left_out.join(", ")
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(rows: &[Vec<Cell<'_>>], width: usize) -> String {
        let mut bytes = Vec::new();
        for r in rows {
            super::super::typed::encode_row(r, &mut bytes).unwrap();
        }
        let mut t = TableRows::new(vec!["name".into(), "n".into()], width);
        super::super::typed::for_each_row(&bytes[..], |row| {
            t.add(row);
            Ok(())
        })
        .unwrap();
        let mut out = Vec::new();
        t.render(&Totals::default(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn long_cells_are_cut_to_fit() {
        let long = "x".repeat(50);
        let text = render(&[vec![Cell::Text(Some(&long)), Cell::Int(Some(3))]], 20);
        for l in text.lines().take(2) {
            assert!(l.chars().count() <= 20, "{l:?}");
        }
        assert!(text.contains('…'));
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        let text = render(
            &[vec![
                Cell::Text(Some("a\x1b[31mred\x07\0\ttab\nnl")),
                Cell::Int(Some(1)),
            ]],
            200,
        );
        assert!(!text.contains('\x1b') && !text.contains('\x07') && !text.contains('\0'));
        assert!(
            text.contains("a\\x1b[31mred\\x07\\x00\\ttab\\nnl"),
            "{text}"
        );
    }

    /// A stats-like table of `columns` with one row of `cells`, rendered `width` wide.
    fn render_named(columns: &[&str], cells: &[Cell<'_>], width: usize, keep_all: bool) -> String {
        let mut bytes = Vec::new();
        super::super::typed::encode_row(cells, &mut bytes).unwrap();
        let mut t = TableRows::new(columns.iter().map(|c| c.to_string()).collect(), width)
            .keeping_every_column(keep_all);
        super::super::typed::for_each_row(&bytes[..], |row| {
            t.add(row);
            Ok(())
        })
        .unwrap();
        let mut out = Vec::new();
        t.render(&Totals::default(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    const STATS: [&str; 8] = [
        "test",
        "kind",
        "resource",
        "runs",
        "rate",
        "last_seen",
        "example",
        "top_leaked",
    ];

    fn stats_row<'a>(example: &'a str) -> [Cell<'a>; 8] {
        [
            Cell::Text(Some("test_threading")),
            Cell::Text(Some("dangling_thread")),
            Cell::Text(Some("threading._dangling")),
            Cell::Int(Some(123456)),
            Cell::Float(Some(0.0123)),
            Cell::Text(Some("2025-11-30")),
            Cell::Text(Some(example)),
            Cell::Text(Some("+Thread*2; +SpawnProcess")),
        ]
    }

    #[test]
    fn a_narrow_terminal_loses_low_priority_columns_before_any_cell_is_cut() {
        let example = "/home/buildbot/archive/3.x.bolen-ubuntu/4711.log:123456";
        let text = render_named(&STATS, &stats_row(example), 80, false);
        let header = text.lines().next().unwrap();
        assert_eq!(
            header.split_whitespace().collect::<Vec<_>>(),
            ["test", "kind", "resource", "runs", "rate", "last_seen"]
        );
        let row = text.lines().nth(1).unwrap();
        for whole in [
            "test_threading",
            "dangling_thread",
            "threading._dangling",
            "123456",
            "0.0123",
            "2025-11-30",
        ] {
            assert!(row.contains(whole), "{whole} in {row:?}");
        }
        assert!(!row.contains('…') && row.chars().count() <= 80, "{row:?}");
        // numbers are aligned right under their header
        assert!(
            header.find("runs").unwrap() + 4 == row.find("123456").unwrap() + 6,
            "{text}"
        );
        // wide enough: every column
        let wide = render_named(&STATS, &stats_row(example), 200, false);
        assert!(
            wide.lines().next().unwrap().ends_with("top_leaked"),
            "{wide}"
        );
    }

    #[test]
    fn chosen_columns_are_all_shown_and_only_cuttable_text_is_cut() {
        let example = "x".repeat(200);
        let text = render_named(&STATS, &stats_row(&example), 80, true);
        let header = text.lines().next().unwrap();
        assert!(
            header.contains("example") && header.contains("top_leaked"),
            "{header}"
        );
        let row = text.lines().nth(1).unwrap();
        assert!(row.contains("test_threading") && row.contains("2025-11-30"));
        assert!(row.contains("xxxxxx…"), "{row}");
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(cut("日本語のテスト", 7), "日本語…");
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcdef", 4), "abc…");
    }
}
