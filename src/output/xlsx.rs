//! An Excel workbook, for spreadsheets that would read a CSV cell as a formula: every text
//! cell is written as a string and every number as a number, so nothing a log says ever
//! runs. Rows stream through rust_xlsxwriter's constant-memory worksheets; past Excel's row
//! limit they go on in another worksheet.

use super::Cell;
use crate::text::fit;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use std::io::{self, Write};

/// Rows in one worksheet, the header row included (Excel's limit).
const SHEET_ROWS: u32 = 1 << 20;
/// Characters in one cell (Excel's limit).
const CELL_CHARS: usize = 32_767;

pub struct XlsxRows {
    workbook: Workbook,
    columns: Vec<String>,
    sheets: usize,
    /// The next row of the current worksheet.
    row: u32,
}

fn xlsx_error(e: XlsxError) -> io::Error {
    io::Error::other(e.to_string())
}

impl XlsxRows {
    pub fn new(columns: Vec<String>) -> io::Result<Self> {
        let mut x = XlsxRows {
            workbook: Workbook::new(),
            columns,
            sheets: 0,
            row: 0,
        };
        x.new_sheet()?;
        Ok(x)
    }

    fn sheet(&mut self) -> io::Result<&mut Worksheet> {
        self.workbook
            .worksheet_from_index(self.sheets - 1)
            .map_err(xlsx_error)
    }

    fn new_sheet(&mut self) -> io::Result<()> {
        self.sheets += 1;
        let name = if self.sheets == 1 {
            "flakelog".to_string()
        } else {
            format!("flakelog ({})", self.sheets)
        };
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(name).map_err(xlsx_error)?;
        for (col, name) in self.columns.iter().enumerate() {
            sheet
                .write_string(0, col as u16, name)
                .map_err(xlsx_error)?;
        }
        self.row = 1;
        Ok(())
    }

    pub fn add(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        if self.row >= SHEET_ROWS {
            self.new_sheet()?;
        }
        let row = self.row;
        let sheet = self.sheet()?;
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            let written = match cell {
                // Excel holds at most 32,767 characters in a cell
                Cell::Text(Some(t)) => sheet.write_string(row, col, fit(t, CELL_CHARS)),
                Cell::Int(Some(n)) => sheet.write_number(row, col, *n as f64),
                Cell::Float(Some(x)) if x.is_finite() => sheet.write_number(row, col, *x),
                Cell::Bool(b) => sheet.write_boolean(row, col, *b),
                _ => continue,
            };
            written.map_err(xlsx_error)?;
        }
        self.row += 1;
        Ok(())
    }

    /// Write the workbook to `out` (through a temporary file, so the rows stay on disk).
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        let mut file = tempfile::tempfile()?;
        self.workbook
            .save_to_writer(&mut file)
            .map_err(xlsx_error)?;
        io::Seek::rewind(&mut file)?;
        io::copy(&mut file, out)?;
        Ok(())
    }
}
