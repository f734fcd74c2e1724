use super::{EventRow, EventWriter};
use std::io::{self, Write};

/// A JSON array (`[` … `]`, one object a line) or JSON Lines (one object a line, no array).
pub struct JsonEvents<W: Write> {
    out: W,
    array: bool,
    rows: u64,
}

impl<W: Write> JsonEvents<W> {
    pub fn array(out: W) -> Self {
        JsonEvents {
            out,
            array: true,
            rows: 0,
        }
    }

    pub fn lines(out: W) -> Self {
        JsonEvents {
            out,
            array: false,
            rows: 0,
        }
    }
}

impl<W: Write> EventWriter for JsonEvents<W> {
    fn row(&mut self, row: &EventRow<'_>) -> io::Result<()> {
        if self.array {
            self.out
                .write_all(if self.rows == 0 { b"[\n" } else { b",\n" })?;
        }
        serde_json::to_writer(&mut self.out, row).map_err(io::Error::from)?;
        if !self.array {
            self.out.write_all(b"\n")?;
        }
        self.rows += 1;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.array {
            self.out
                .write_all(if self.rows == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}
