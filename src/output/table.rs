use super::{Cell, RowWriter, Totals};
use crate::text::fit;
use std::io::{self, Write};

/// Columns aligned to their widest cell, shrunk to fit the terminal (long cells are cut with
/// `…`), then one line of totals. Rows are held until the end to know the widths.
pub struct TableRows<W: Write> {
    out: W,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    width: usize,
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

impl<W: Write> TableRows<W> {
    pub fn new(columns: Vec<String>, out: W, width: usize) -> Self {
        TableRows {
            out,
            columns,
            rows: Vec::new(),
            width: width.max(20),
        }
    }
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

impl<W: Write> RowWriter for TableRows<W> {
    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        let mut scratch = String::new();
        let row = cells
            .iter()
            .map(|c| {
                c.write_text(&mut scratch);
                // a cell is one line on screen
                scratch.replace(['\n', '\r', '\t'], " ")
            })
            .collect();
        self.rows.push(row);
        Ok(())
    }

    fn finish(&mut self, totals: &Totals) -> io::Result<()> {
        let natural: Vec<usize> = (0..self.columns.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| chars(&r[i]))
                    .chain([chars(&self.columns[i])])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let widths = fit_widths(natural, self.width);
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                self.rows
                    .iter()
                    .all(|r| r[i].is_empty() || r[i].parse::<f64>().is_ok())
            })
            .collect();
        let line = |cells: &[String]| {
            let parts: Vec<String> = cells
                .iter()
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
        let header = line(&self.columns);
        writeln!(self.out, "{header}")?;
        for row in &self.rows {
            writeln!(self.out, "{}", line(row))?;
        }
        writeln!(self.out, "{totals}")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_are_cut_to_fit() {
        let mut out = Vec::new();
        let mut t = TableRows::new(vec!["name".into(), "n".into()], &mut out, 20);
        t.row(&[Cell::Text(Some(&"x".repeat(50))), Cell::Int(Some(3))])
            .unwrap();
        t.finish(&Totals::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        for l in text.lines().take(2) {
            assert!(l.chars().count() <= 20, "{l:?}");
        }
        assert!(text.contains('…'));
    }
}
