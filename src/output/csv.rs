use super::{Cell, RowWriter, Totals};
use std::io::{self, Write};

pub struct CsvRows<W: Write> {
    writer: ::csv::Writer<W>,
    columns: Vec<String>,
    header_written: bool,
    scratch: String,
}

impl<W: Write> CsvRows<W> {
    pub fn new(columns: Vec<String>, out: W) -> Self {
        let writer = ::csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out);
        CsvRows {
            writer,
            columns,
            header_written: false,
            scratch: String::new(),
        }
    }

    /// The header goes out even when there are no rows: a reader always sees the columns.
    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.header_written = true;
            self.writer.write_record(&self.columns).map_err(into_io)?;
        }
        Ok(())
    }
}

fn into_io(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl<W: Write> RowWriter for CsvRows<W> {
    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        self.header()?;
        for cell in cells {
            cell.write_text(&mut self.scratch);
            self.writer
                .write_field(self.scratch.as_bytes())
                .map_err(into_io)?;
        }
        self.writer.write_record(None::<&[u8]>).map_err(into_io)
    }

    fn finish(&mut self, _totals: &Totals) -> io::Result<()> {
        self.header()?;
        self.writer.flush()
    }
}
