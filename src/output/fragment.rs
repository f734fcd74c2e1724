//! The rows of one input, encoded, waiting for their turn: in memory up to `MEMORY` bytes,
//! then in an anonymous temporary file, so a worker that reads ahead holds little.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

/// Bytes kept in memory before the rest goes to a temporary file.
const MEMORY: usize = 1 << 20;

/// Encoded rows of one input, and how many.
#[derive(Debug, Default)]
pub struct Fragment {
    memory: Vec<u8>,
    file: Option<BufWriter<File>>,
    pub rows: u64,
}

impl Write for Fragment {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(file) = &mut self.file {
            return file.write(buf);
        }
        if self.memory.len() + buf.len() > MEMORY {
            let mut file = BufWriter::with_capacity(64 * 1024, tempfile::tempfile()?);
            file.write_all(&self.memory)?;
            file.write_all(buf)?;
            self.memory = Vec::new();
            self.file = Some(file);
            return Ok(buf.len());
        }
        self.memory.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Fragment {
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Copy the bytes to `out`, leaving out the first `skip`.
    pub fn copy_to(self, out: &mut dyn Write, skip: usize) -> io::Result<()> {
        match self.file {
            None => out.write_all(self.memory.get(skip..).unwrap_or_default()),
            Some(file) => {
                let mut file = file.into_inner().map_err(|e| e.into_error())?;
                file.seek(io::SeekFrom::Start(skip as u64))?;
                io::copy(&mut file, out)?;
                Ok(())
            }
        }
    }

    /// A reader of the bytes, from the start.
    pub fn reader(self) -> io::Result<Box<dyn io::Read>> {
        Ok(match self.file {
            None => Box::new(io::Cursor::new(self.memory)),
            Some(file) => {
                let mut file = file.into_inner().map_err(|e| e.into_error())?;
                file.rewind()?;
                Box::new(io::BufReader::new(file))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_stays_in_memory_large_spills_and_both_copy_whole() {
        let mut small = Fragment::default();
        small.write_all(b",\nabc").unwrap();
        assert!(small.file.is_none());
        let mut out = Vec::new();
        small.copy_to(&mut out, 2).unwrap();
        assert_eq!(out, b"abc");

        let mut large = Fragment::default();
        let line = b"0123456789abcdef".repeat(1000);
        for _ in 0..100 {
            large.write_all(&line).unwrap();
        }
        assert!(large.file.is_some());
        let mut out = Vec::new();
        large.copy_to(&mut out, 3).unwrap();
        assert_eq!(out.len(), line.len() * 100 - 3);
        assert!(out.starts_with(b"3456789abcdef"));
    }
}
