use super::{Cell, RowWriter, Totals};
use std::io::{self, Write};

/// A JSON array (`[` … `]`, one object a line) or JSON Lines (one object a line, no array).
/// Keys come in column order.
pub struct JsonRows<W: Write> {
    out: W,
    /// Each column name as a JSON string, escaped once.
    keys: Vec<String>,
    array: bool,
    rows: u64,
}

impl<W: Write> JsonRows<W> {
    fn new(columns: Vec<String>, out: W, array: bool) -> Self {
        let keys = columns
            .iter()
            .map(|c| serde_json::to_string(c).unwrap_or_default())
            .collect();
        JsonRows {
            out,
            keys,
            array,
            rows: 0,
        }
    }

    pub fn array(columns: Vec<String>, out: W) -> Self {
        Self::new(columns, out, true)
    }

    pub fn lines(columns: Vec<String>, out: W) -> Self {
        Self::new(columns, out, false)
    }
}

impl<W: Write> RowWriter for JsonRows<W> {
    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        if self.array {
            self.out
                .write_all(if self.rows == 0 { b"[\n" } else { b",\n" })?;
        }
        self.out.write_all(b"{")?;
        for (n, (key, cell)) in self.keys.iter().zip(cells).enumerate() {
            if n > 0 {
                self.out.write_all(b",")?;
            }
            self.out.write_all(key.as_bytes())?;
            self.out.write_all(b":")?;
            match cell {
                Cell::Text(Some(s)) => {
                    serde_json::to_writer(&mut self.out, s).map_err(io::Error::from)?
                }
                Cell::Int(Some(n)) => write!(self.out, "{n}")?,
                // JSON has no NaN or infinity
                Cell::Float(Some(x)) if x.is_finite() => write!(self.out, "{x}")?,
                Cell::Bool(b) => write!(self.out, "{b}")?,
                _ => self.out.write_all(b"null")?,
            }
        }
        self.out.write_all(b"}")?;
        if !self.array {
            self.out.write_all(b"\n")?;
        }
        self.rows += 1;
        Ok(())
    }

    fn finish(&mut self, _totals: &Totals) -> io::Result<()> {
        if self.array {
            self.out
                .write_all(if self.rows == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}
