use super::{EVENT_COLUMNS, EventRow, EventWriter};
use std::io::{self, Write};

pub struct CsvEvents<W: Write> {
    writer: ::csv::Writer<W>,
    header_written: bool,
}

impl<W: Write> CsvEvents<W> {
    pub fn new(out: W) -> Self {
        // the header is written by hand so it is there even when there are no rows
        let writer = ::csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out);
        CsvEvents {
            writer,
            header_written: false,
        }
    }

    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.header_written = true;
            self.writer.write_record(EVENT_COLUMNS).map_err(into_io)?;
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

impl<W: Write> EventWriter for CsvEvents<W> {
    fn row(&mut self, row: &EventRow<'_>) -> io::Result<()> {
        self.header()?;
        self.writer.serialize(row).map_err(into_io)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.header()?;
        self.writer.flush()
    }
}
