//! An aligned table for a terminal. Its rows are held until the end to know the widths (the
//! other formats stream): a table is for people, CSV and JSON are for archives.

use super::typed::OwnedCell;
use super::{Cell, Totals};
use crate::text::fit;
use std::io::{self, Write};

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

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Column widths that fit `total`: the widest columns give way first, none below 4.
fn fit_widths(mut widths: Vec<usize>, total: usize) -> Vec<usize> {
    let gaps = widths.len().saturating_sub(1) * 2;
    while widths.iter().sum::<usize>() + gaps > total {
        let Some((i, &w)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
            break;
        };
        if w <= 4 {
            break;
        }
        widths[i] = w - 1;
    }
    widths
}

/// Columns aligned to their widest cell, shrunk to fit the terminal (long cells are cut with
/// `…`), then one line of totals.
pub struct TableRows {
    columns: Vec<String>,
    rows: Vec<Vec<TableCell>>,
    width: usize,
}

impl TableRows {
    pub fn new(columns: Vec<String>, width: usize) -> Self {
        TableRows {
            columns,
            rows: Vec::new(),
            width: width.max(20),
        }
    }

    pub fn add(&mut self, row: &[OwnedCell]) {
        let mut scratch = String::new();
        self.rows.push(
            row.iter()
                .map(|c| {
                    let cell = c.as_cell();
                    cell.write_text(&mut scratch);
                    TableCell {
                        text: escape_controls(&scratch),
                        numeric: matches!(cell, Cell::Int(_) | Cell::Float(_)),
                    }
                })
                .collect(),
        );
    }

    pub fn render(&self, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        let n = self.columns.len();
        let natural: Vec<usize> = (0..n)
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| chars(&r[i].text))
                    .chain([chars(&self.columns[i])])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let widths = fit_widths(natural, self.width);
        let numeric: Vec<bool> = (0..n)
            .map(|i| {
                self.rows
                    .iter()
                    .all(|r| r[i].numeric || r[i].text.is_empty())
            })
            .collect();
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            let parts: Vec<String> = cells
                .enumerate()
                .map(|(i, c)| {
                    let c = fit(c, widths[i]);
                    if numeric[i] {
                        format!("{c:>w$}", w = widths[i])
                    } else {
                        format!("{c:<w$}", w = widths[i])
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        writeln!(
            out,
            "{}",
            line(&mut self.columns.iter().map(String::as_str))
        )?;
        for row in &self.rows {
            writeln!(out, "{}", line(&mut row.iter().map(|c| c.text.as_str())))?;
        }
        writeln!(out, "{totals}")
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
        for row in super::super::typed::decode_rows(&bytes[..]) {
            t.add(&row.unwrap());
        }
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
}
