//! Rows with their cell types, as workers encode them for the formats that are not written
//! row by row as text (the table, xlsx, Parquet): length-prefixed postcard records of `Cell`s,
//! read back as `Cell`s that borrow their text from the record (no allocation per cell).

use super::Cell;
use std::io::{self, Read, Write};

pub fn encode_row(cells: &[Cell<'_>], out: &mut dyn Write) -> io::Result<()> {
    let bytes = postcard::to_stdvec(cells).map_err(io::Error::other)?;
    out.write_all(&(bytes.len() as u32).to_le_bytes())?;
    out.write_all(&bytes)
}

/// Hand each row `encode_row` wrote to `input` to `f`, in order.
pub fn for_each_row(
    mut input: impl Read,
    mut f: impl FnMut(&[Cell<'_>]) -> io::Result<()>,
) -> io::Result<()> {
    let mut record = Vec::new();
    loop {
        let mut len = [0u8; 4];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        record.resize(u32::from_le_bytes(len) as usize, 0);
        input.read_exact(&mut record)?;
        let row: Vec<Cell<'_>> = postcard::from_bytes(&record).map_err(io::Error::other)?;
        f(&row)?;
    }
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
                Cell::Text(None),
            ],
            &mut bytes,
        )
        .unwrap();
        encode_row(&[Cell::Bool(true), Cell::Int(Some(-7))], &mut bytes).unwrap();
        let mut rows: Vec<String> = Vec::new();
        for_each_row(&bytes[..], |row| {
            rows.push(format!("{row:?}"));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            rows,
            [
                r#"[Text(Some("a")), Int(None), Float(Some(0.5)), Text(None)]"#,
                "[Bool(true), Int(Some(-7))]"
            ]
        );
    }
}
