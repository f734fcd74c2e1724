//! CSV rows through the csv crate, with the header from the document.

use super::Cell;
use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

/// Cell starts that a spreadsheet takes for a formula (OWASP's CSV injection rule).
fn is_formula_start(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// The bytes the csv writer has written and the encoder has not yet handed on.
#[derive(Clone, Default)]
struct Pending(Rc<RefCell<Vec<u8>>>);

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Encodes rows as CSV records.
pub struct CsvEncoder {
    writer: ::csv::Writer<Pending>,
    pending: Pending,
    scratch: String,
    /// `--safe-csv`: a text cell that starts like a formula gets a leading `'`.
    safe: bool,
}

pub fn into_io(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl CsvEncoder {
    pub fn new(safe: bool) -> Self {
        let pending = Pending::default();
        CsvEncoder {
            writer: ::csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(pending.clone()),
            pending,
            scratch: String::new(),
            safe,
        }
    }

    /// Hand on what the csv writer wrote.
    fn take(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.writer.flush()?;
        let mut bytes = self.pending.0.borrow_mut();
        out.write_all(&bytes)?;
        bytes.clear();
        Ok(())
    }

    /// The header record: the column names.
    pub fn header(&mut self, columns: &[String], out: &mut dyn Write) -> io::Result<()> {
        self.writer.write_record(columns).map_err(into_io)?;
        self.take(out)
    }

    pub fn row(&mut self, cells: &[Cell<'_>], out: &mut dyn Write) -> io::Result<()> {
        for cell in cells {
            cell.write_text(&mut self.scratch);
            if self.safe && matches!(cell, Cell::Text(_)) && is_formula_start(&self.scratch) {
                self.scratch.insert(0, '\'');
            }
            self.writer
                .write_field(self.scratch.as_bytes())
                .map_err(into_io)?;
        }
        self.writer.write_record(None::<&[u8]>).map_err(into_io)?;
        self.take(out)
    }
}
