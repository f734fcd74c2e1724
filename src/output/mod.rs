//! Rows out: CSV (through the csv crate), a JSON array, JSON Lines, or an aligned table for a
//! terminal. Every command hands rows as `Cell`s under a fixed list of column names, so a
//! format is one file here and a command never knows which format it writes.

mod csv;
mod json;
mod table;

use std::io::{self, Write};

/// One value of a row, borrowed: no allocation per cell. `None` is an empty CSV cell and a
/// JSON `null`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(bool),
}

impl From<&'static str> for Cell<'_> {
    fn from(s: &'static str) -> Self {
        Cell::Text(Some(s))
    }
}

impl Cell<'_> {
    /// The text of the cell as CSV and the table show it.
    pub fn write_text(&self, out: &mut String) {
        use std::fmt::Write as _;
        out.clear();
        let _ = match self {
            Cell::Text(Some(s)) => write!(out, "{s}"),
            Cell::Int(Some(n)) => write!(out, "{n}"),
            Cell::Float(Some(x)) => write!(out, "{x}"),
            Cell::Bool(b) => write!(out, "{b}"),
            Cell::Text(None) | Cell::Int(None) | Cell::Float(None) => Ok(()),
        };
    }
}

pub fn text(s: &Option<String>) -> Cell<'_> {
    Cell::Text(s.as_deref())
}

pub fn uint(n: u64) -> Cell<'static> {
    Cell::Int(Some(i64::try_from(n).unwrap_or(i64::MAX)))
}

pub fn opt_uint(n: Option<u64>) -> Cell<'static> {
    Cell::Int(n.map(|n| i64::try_from(n).unwrap_or(i64::MAX)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Jsonl,
    /// Aligned columns fitted to the terminal, with a totals line.
    Table,
}

/// The last line of a table: how much was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Every source read (whatever it held, whatever went wrong).
    pub files: u64,
    pub runs: u64,
    pub events: u64,
    pub errors: u64,
    /// Sources read whole in which no regrtest run was found.
    pub without_run: u64,
}

impl std::fmt::Display for Totals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} files, {} runs, {} events, {} errors, {} files without a run",
            self.files, self.runs, self.events, self.errors, self.without_run
        )
    }
}

/// Writes rows of one table (fixed columns) in one format.
pub trait RowWriter {
    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()>;
    /// Close the document (JSON array, table) and flush.
    fn finish(&mut self, totals: &Totals) -> io::Result<()>;
}

pub fn row_writer<'w, W: Write + 'w>(
    format: Format,
    columns: Vec<String>,
    out: W,
) -> Box<dyn RowWriter + 'w> {
    match format {
        Format::Csv => Box::new(csv::CsvRows::new(columns, out)),
        Format::Json => Box::new(json::JsonRows::array(columns, out)),
        Format::Jsonl => Box::new(json::JsonRows::lines(columns, out)),
        Format::Table => Box::new(table::TableRows::new(columns, out, table::terminal_width())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Vec<String> {
        ["source", "line", "detail", "rate", "complete"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        {
            let mut w = row_writer(format, columns(), &mut out);
            w.row(&[
                Cell::Text(Some("a.log")),
                Cell::Int(Some(7)),
                Cell::Text(Some("+A, \"q\"")),
                Cell::Float(Some(0.5)),
                Cell::Bool(true),
            ])
            .unwrap();
            w.row(&[
                Cell::Text(Some("b.log")),
                Cell::Int(None),
                Cell::Text(None),
                Cell::Float(None),
                Cell::Bool(false),
            ])
            .unwrap();
            w.finish(&Totals {
                files: 2,
                runs: 3,
                events: 4,
                errors: 0,
                without_run: 1,
            })
            .unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_header_then_rows_none_is_empty() {
        assert_eq!(
            render(Format::Csv),
            "source,line,detail,rate,complete\na.log,7,\"+A, \"\"q\"\"\",0.5,true\nb.log,,,,false\n"
        );
    }

    #[test]
    fn json_array_and_lines_agree_and_none_is_null() {
        let array: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
        let lines: Vec<serde_json::Value> = render(Format::Jsonl)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(array.as_array().unwrap(), &lines);
        assert_eq!(
            lines[0],
            serde_json::json!({"source": "a.log", "line": 7, "detail": "+A, \"q\"", "rate": 0.5, "complete": true})
        );
        assert!(lines[1]["line"].is_null() && lines[1]["detail"].is_null());
        // key order is the column order
        assert!(render(Format::Jsonl).starts_with("{\"source\":\"a.log\",\"line\":7,"));
    }

    #[test]
    fn empty_outputs_are_still_documents() {
        for (format, want) in [
            (Format::Csv, "source,line,detail,rate,complete\n"),
            (Format::Json, "[]\n"),
            (Format::Jsonl, ""),
        ] {
            let mut out = Vec::new();
            row_writer(format, columns(), &mut out)
                .finish(&Totals::default())
                .unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn table_is_aligned_and_ends_with_totals() {
        let text = render(Format::Table);
        let lines: Vec<&str> = text.lines().collect();
        // numbers are right-aligned under their right-aligned header
        assert_eq!(lines[0].find("line").map(|p| p + 3), lines[1].find('7'));
        assert_eq!(
            lines.last().unwrap(),
            &"2 files, 3 runs, 4 events, 0 errors, 1 files without a run"
        );
    }
}
