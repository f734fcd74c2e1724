//! Rows with their cell types, as workers encode them for the formats that are not written
//! row by row as text (the table, xlsx): length-prefixed postcard records.

use super::Cell;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

/// A cell, owned, with its type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OwnedCell {
    Text(Option<String>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(bool),
}

impl OwnedCell {
    pub fn as_cell(&self) -> Cell<'_> {
        match self {
            OwnedCell::Text(t) => Cell::Text(t.as_deref()),
            OwnedCell::Int(n) => Cell::Int(*n),
            OwnedCell::Float(x) => Cell::Float(*x),
            OwnedCell::Bool(b) => Cell::Bool(*b),
        }
    }
}

pub fn encode_row(cells: &[Cell<'_>], out: &mut dyn Write) -> io::Result<()> {
    let row: Vec<OwnedCell> = cells
        .iter()
        .map(|c| match *c {
            Cell::Text(t) => OwnedCell::Text(t.map(str::to_string)),
            Cell::Int(n) => OwnedCell::Int(n),
            Cell::Float(x) => OwnedCell::Float(x),
            Cell::Bool(b) => OwnedCell::Bool(b),
        })
        .collect();
    let bytes = postcard::to_stdvec(&row).map_err(io::Error::other)?;
    out.write_all(&(bytes.len() as u32).to_le_bytes())?;
    out.write_all(&bytes)
}

/// The rows `encode_row` wrote to `input`, one at a time.
pub fn decode_rows(mut input: impl Read) -> impl Iterator<Item = io::Result<Vec<OwnedCell>>> {
    std::iter::from_fn(move || {
        let mut len = [0u8; 4];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return None,
            Err(e) => return Some(Err(e)),
        }
        let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
        Some(
            input
                .read_exact(&mut bytes)
                .and_then(|()| postcard::from_bytes(&bytes).map_err(io::Error::other)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_with_their_types() {
        let mut bytes = Vec::new();
        encode_row(
            &[
                Cell::Text(Some("a")),
                Cell::Int(None),
                Cell::Float(Some(0.5)),
            ],
            &mut bytes,
        )
        .unwrap();
        encode_row(&[Cell::Bool(true)], &mut bytes).unwrap();
        let rows: Vec<Vec<OwnedCell>> = decode_rows(&bytes[..]).map(Result::unwrap).collect();
        assert_eq!(
            rows,
            vec![
                vec![
                    OwnedCell::Text(Some("a".into())),
                    OwnedCell::Int(None),
                    OwnedCell::Float(Some(0.5))
                ],
                vec![OwnedCell::Bool(true)]
            ]
        );
    }
}
