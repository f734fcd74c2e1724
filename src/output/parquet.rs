//! Apache Parquet, for DuckDB, pandas, Spark and the like: one typed column per column of the
//! command (its type from the column's documentation, never from the values), written with
//! parquet-rs's low-level column writer. Rows are buffered column by column and go out as a
//! row group every `ROW_GROUP_ROWS` rows (or sooner when their text is large), so memory holds
//! one row group, not the table. Pages are zstd-compressed; nothing in the file depends on the
//! time or the thread count, so the same input gives the same bytes.

use super::{Cell, ColumnType};
use bytes::Bytes;
use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical, ZstdLevel};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// Rows in a row group (the last may have fewer).
const ROW_GROUP_ROWS: usize = 1 << 16;
/// Bytes of text buffered before a row group goes out even when it has fewer rows: a table
/// of long `detail` cells stays bounded.
const ROW_GROUP_TEXT: usize = 32 << 20;

fn parquet_error(e: ParquetError) -> io::Error {
    match e {
        ParquetError::External(e) => io::Error::other(e),
        e => io::Error::other(e.to_string()),
    }
}

/// The bytes the file writer has written and the document has not yet taken. The writer
/// wants an owned `Write + Send`; the document owns the real output.
#[derive(Debug, Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Pending {
    fn bytes(&self) -> io::Result<std::sync::MutexGuard<'_, Vec<u8>>> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("parquet buffer poisoned"))
    }

    /// Hand what is pending to `out`.
    fn drain_to(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut bytes = self.bytes()?;
        out.write_all(&bytes)?;
        bytes.clear();
        Ok(())
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes()?.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The values of one column in the row group being gathered; `defined` says which rows have
/// one (the definition levels: 1 a value, 0 null).
#[derive(Debug)]
enum Values {
    /// The texts one after the other, and where each ends: no allocation per cell.
    Text {
        bytes: Vec<u8>,
        ends: Vec<usize>,
    },
    Integer(Vec<i64>),
    Number(Vec<f64>),
    Boolean(Vec<bool>),
    /// Days since 1970-01-01.
    Date(Vec<i32>),
}

#[derive(Debug)]
struct Column {
    name: String,
    ty: ColumnType,
    values: Values,
    defined: Vec<i16>,
}

impl Column {
    fn new(name: &str, ty: ColumnType) -> Column {
        let values = match ty {
            ColumnType::Text => Values::Text {
                bytes: Vec::new(),
                ends: Vec::new(),
            },
            ColumnType::Integer => Values::Integer(Vec::new()),
            ColumnType::Number => Values::Number(Vec::new()),
            ColumnType::Boolean => Values::Boolean(Vec::new()),
            ColumnType::Date => Values::Date(Vec::new()),
        };
        Column {
            name: name.to_string(),
            ty,
            values,
            defined: Vec::new(),
        }
    }

    /// The column's Parquet type: a boolean is never empty, anything else may be.
    fn schema(&self) -> parquet::errors::Result<Type> {
        let (physical, logical, repetition) = match self.ty {
            ColumnType::Text => (
                Physical::BYTE_ARRAY,
                Some(LogicalType::String),
                Repetition::OPTIONAL,
            ),
            ColumnType::Integer => (Physical::INT64, None, Repetition::OPTIONAL),
            ColumnType::Number => (Physical::DOUBLE, None, Repetition::OPTIONAL),
            ColumnType::Boolean => (Physical::BOOLEAN, None, Repetition::REQUIRED),
            ColumnType::Date => (
                Physical::INT32,
                Some(LogicalType::Date),
                Repetition::OPTIONAL,
            ),
        };
        Type::primitive_type_builder(&self.name, physical)
            .with_logical_type(logical)
            .with_repetition(repetition)
            .build()
    }

    /// Add one cell; the bytes of text it holds.
    fn push(&mut self, cell: Cell<'_>) -> io::Result<usize> {
        let mut text = 0;
        let defined = match (&mut self.values, cell) {
            (Values::Text { bytes, ends }, Cell::Text(Some(s))) => {
                text = s.len();
                bytes.extend_from_slice(s.as_bytes());
                ends.push(bytes.len());
                true
            }
            (Values::Integer(v), Cell::Int(Some(n))) => {
                v.push(n);
                true
            }
            (Values::Number(v), Cell::Float(Some(x))) => {
                v.push(x);
                true
            }
            (Values::Boolean(v), Cell::Bool(b)) => {
                v.push(b);
                true
            }
            (Values::Date(v), Cell::Text(Some(s))) => match days_since_epoch(s) {
                Some(days) => {
                    v.push(days);
                    true
                }
                // not a calendar day (`stats`' `source:line` when no run had a date): null
                None => false,
            },
            (Values::Text { .. } | Values::Date(_), Cell::Text(None))
            | (Values::Integer(_), Cell::Int(None))
            | (Values::Number(_), Cell::Float(None)) => false,
            (_, cell) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "column `{}` is {}, the row gives {cell:?}",
                        self.name,
                        self.ty.name()
                    ),
                ));
            }
        };
        if self.ty != ColumnType::Boolean {
            self.defined.push(i16::from(defined));
        }
        Ok(text)
    }

    /// Write the gathered values as this column's chunk of a row group, and forget them.
    fn write(
        &mut self,
        chunk: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    ) -> parquet::errors::Result<()> {
        let defined = (self.ty != ColumnType::Boolean).then_some(&self.defined[..]);
        match &mut self.values {
            Values::Text { bytes, ends } => {
                // one buffer for all, each value a slice of it
                let all = Bytes::from(std::mem::take(bytes));
                let mut start = 0;
                let values: Vec<ByteArray> = ends
                    .iter()
                    .map(|&end| {
                        let value = ByteArray::from(all.slice(start..end));
                        start = end;
                        value
                    })
                    .collect();
                chunk
                    .typed::<ByteArrayType>()
                    .write_batch(&values, defined, None)?;
                ends.clear();
            }
            Values::Integer(v) => {
                chunk.typed::<Int64Type>().write_batch(v, defined, None)?;
                v.clear();
            }
            Values::Number(v) => {
                chunk.typed::<DoubleType>().write_batch(v, defined, None)?;
                v.clear();
            }
            Values::Boolean(v) => {
                chunk.typed::<BoolType>().write_batch(v, defined, None)?;
                v.clear();
            }
            Values::Date(v) => {
                chunk.typed::<Int32Type>().write_batch(v, defined, None)?;
                v.clear();
            }
        }
        self.defined.clear();
        Ok(())
    }
}

/// `YYYY-MM-DD` as days since 1970-01-01, when it is exactly that and a calendar day.
pub fn days_since_epoch(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    let number = |r: std::ops::Range<usize>| text.get(r)?.parse::<i16>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let date = jiff::civil::Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?);
    let epoch = jiff::civil::Date::new(1970, 1, 1).ok()?;
    let span = epoch.until(date.ok()?).ok()?;
    Some(span.get_days())
}

/// A Parquet file being written: the rows of the current row group, column by column.
pub struct ParquetRows {
    writer: SerializedFileWriter<Pending>,
    pending: Pending,
    columns: Vec<Column>,
    rows: usize,
    text: usize,
}

impl std::fmt::Debug for ParquetRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetRows")
            .field("columns", &self.columns.len())
            .field("rows", &self.rows)
            .finish()
    }
}

impl ParquetRows {
    pub fn new(columns: &[String], types: &[ColumnType]) -> io::Result<ParquetRows> {
        let columns: Vec<Column> = columns
            .iter()
            .zip(types)
            .map(|(name, &ty)| Column::new(name, ty))
            .collect();
        let fields = columns
            .iter()
            .map(|c| c.schema().map(Arc::new))
            .collect::<Result<Vec<_>, _>>()
            .map_err(parquet_error)?;
        let schema = Type::group_type_builder("flakelog")
            .with_fields(fields)
            .build()
            .map_err(parquet_error)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            // the writer's name and version, never a date: the bytes depend on the rows only
            .set_created_by(format!(
                "flakelog {} ({})",
                env!("CARGO_PKG_VERSION"),
                parquet::file::properties::DEFAULT_CREATED_BY
            ))
            .build();
        let pending = Pending::default();
        let writer =
            SerializedFileWriter::new(pending.clone(), Arc::new(schema), Arc::new(properties))
                .map_err(parquet_error)?;
        Ok(ParquetRows {
            writer,
            pending,
            columns,
            rows: 0,
            text: 0,
        })
    }

    /// Add a row; a full row group goes to `out`.
    pub fn add(&mut self, row: &[Cell<'_>], out: &mut dyn Write) -> io::Result<()> {
        if row.len() != self.columns.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a row of {} cells for {} columns",
                    row.len(),
                    self.columns.len()
                ),
            ));
        }
        for (column, cell) in self.columns.iter_mut().zip(row) {
            self.text += column.push(*cell)?;
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP_ROWS || self.text >= ROW_GROUP_TEXT {
            self.write_row_group(out)?;
        }
        Ok(())
    }

    /// The gathered rows as one row group, written to `out`.
    fn write_row_group(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group().map_err(parquet_error)?;
        for column in &mut self.columns {
            let Some(mut chunk) = group.next_column().map_err(parquet_error)? else {
                return Err(io::Error::other("parquet: fewer columns than the schema"));
            };
            column.write(&mut chunk).map_err(parquet_error)?;
            chunk.close().map_err(parquet_error)?;
        }
        group.close().map_err(parquet_error)?;
        self.writer.flush()?;
        self.pending.drain_to(out)?;
        self.rows = 0;
        self.text = 0;
        Ok(())
    }

    /// The last row group and the footer, written to `out`.
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        self.write_row_group(out)?;
        self.writer.close().map_err(parquet_error)?;
        self.pending.drain_to(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_counted_from_1970_and_only_calendar_days_are_dates() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("1970-01-02"), Some(1));
        assert_eq!(days_since_epoch("1969-12-31"), Some(-1));
        assert_eq!(days_since_epoch("2023-12-15"), Some(19_706));
        for not in [
            "2023-02-31",
            "2023-13-01",
            "2023-1-15",
            "2023-12-15 ",
            "+023-12-15",
            "a.log:12",
            "",
            "２０２３-12-15",
        ] {
            assert_eq!(days_since_epoch(not), None, "{not}");
        }
    }

    fn write(rows: Vec<Vec<Cell<'_>>>) -> io::Result<Vec<u8>> {
        let columns = ["n".to_string(), "d".to_string(), "ok".to_string()];
        let types = [ColumnType::Integer, ColumnType::Date, ColumnType::Boolean];
        let mut out = Vec::new();
        let mut p = ParquetRows::new(&columns, &types)?;
        for row in rows {
            p.add(&row, &mut out)?;
        }
        p.finish(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_file_begins_and_ends_with_the_magic_and_is_the_same_each_time() {
        let rows = || {
            (0..3)
                .map(|i| {
                    vec![
                        Cell::Int(Some(i)),
                        Cell::Text(Some("2024-02-29")),
                        Cell::Bool(i % 2 == 0),
                    ]
                })
                .collect::<Vec<_>>()
        };
        let a = write(rows()).unwrap();
        assert!(a.starts_with(b"PAR1") && a.ends_with(b"PAR1"));
        assert_eq!(a, write(rows()).unwrap());
        // no rows: still a file, with its schema
        let empty = write(Vec::new()).unwrap();
        assert!(empty.starts_with(b"PAR1") && empty.ends_with(b"PAR1"));
    }

    /// The rows of each row group of the file `bytes`.
    fn row_groups(bytes: &[u8]) -> Vec<i64> {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        reader
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect()
    }

    #[test]
    fn row_groups_hold_a_bounded_number_of_rows_and_of_bytes_of_text() {
        let row = |i: usize| {
            vec![
                Cell::Int(Some(i as i64)),
                Cell::Text(None),
                Cell::Bool(true),
            ]
        };
        let many = write((0..2 * ROW_GROUP_ROWS + 3).map(row).collect()).unwrap();
        let full = ROW_GROUP_ROWS as i64;
        assert_eq!(row_groups(&many), [full, full, 3]);
        // a row group goes out as soon as its text passes ROW_GROUP_TEXT
        let columns = ["detail".to_string()];
        let mut out = Vec::new();
        let mut p = ParquetRows::new(&columns, &[ColumnType::Text]).unwrap();
        let big = "x".repeat(ROW_GROUP_TEXT / 4);
        for _ in 0..10 {
            p.add(&[Cell::Text(Some(&big))], &mut out).unwrap();
        }
        // the first row group is out before the end
        assert!(out.len() > 4);
        p.finish(&mut out).unwrap();
        assert_eq!(row_groups(&out), [4, 4, 2]);
    }

    #[test]
    fn a_cell_of_another_type_than_its_column_is_an_error() {
        let e = write(vec![vec![
            Cell::Text(Some("7")),
            Cell::Text(None),
            Cell::Bool(true),
        ]])
        .unwrap_err();
        assert!(e.to_string().contains("column `n` is integer"), "{e}");
    }
}
