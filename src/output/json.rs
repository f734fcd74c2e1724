//! JSON objects, one a row, keys in column order: the rows of a JSON array (each written with
//! a leading `,\n`, which the document drops before the first) or JSON Lines.

use super::Cell;
use std::io::{self, Write};

pub struct JsonEncoder {
    /// Each column name as a JSON string, escaped once.
    keys: Vec<String>,
    /// Rows of a JSON array (else JSON Lines).
    array: bool,
}

/// What the array form writes before every row; the document drops it before the first.
pub const ARRAY_SEPARATOR: &[u8] = b",\n";

impl JsonEncoder {
    pub fn new(columns: &[String], array: bool) -> Self {
        let keys = columns
            .iter()
            .map(|c| serde_json::to_string(c).unwrap_or_default())
            .collect();
        JsonEncoder { keys, array }
    }

    pub fn row(&mut self, cells: &[Cell<'_>], out: &mut dyn Write) -> io::Result<()> {
        if self.array {
            out.write_all(ARRAY_SEPARATOR)?;
        }
        out.write_all(b"{")?;
        for (n, (key, cell)) in self.keys.iter().zip(cells).enumerate() {
            if n > 0 {
                out.write_all(b",")?;
            }
            out.write_all(key.as_bytes())?;
            out.write_all(b":")?;
            match cell {
                Cell::Text(Some(s)) => {
                    serde_json::to_writer(&mut *out, s).map_err(io::Error::from)?
                }
                Cell::Int(Some(n)) => write!(out, "{n}")?,
                // JSON has no NaN or infinity
                Cell::Float(Some(x)) if x.is_finite() => write!(out, "{x}")?,
                Cell::Bool(b) => write!(out, "{b}")?,
                _ => out.write_all(b"null")?,
            }
        }
        out.write_all(b"}")?;
        if !self.array {
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}
