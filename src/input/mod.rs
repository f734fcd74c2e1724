//! Bytes in: stdin or files, gzip sniffed by magic bytes, lines split and normalised.

pub mod lines;
pub mod normalize;
pub mod sources;

use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Where a stream came from, as the user named it (`-` for stdin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Path(std::path::PathBuf),
}

impl Source {
    pub fn from_arg(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(arg.into())
        }
    }

    /// The `source` column: the path as given, `-` for stdin.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_string(),
            Source::Path(p) => p.display().to_string(),
        }
    }

    /// Open for reading, decompressing gzip (any number of concatenated members) when the
    /// stream starts with the gzip magic bytes, whatever the file is called.
    pub fn open(&self) -> io::Result<Box<dyn BufRead + Send>> {
        match self {
            Source::Stdin => sniff(io::stdin()),
            Source::Path(p) => sniff(File::open(p)?),
        }
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const BUFFER: usize = 256 * 1024;

fn sniff<R: Read + Send + 'static>(reader: R) -> io::Result<Box<dyn BufRead + Send>> {
    let mut buffered = BufReader::with_capacity(BUFFER, reader);
    let head = loop {
        match buffered.fill_buf() {
            Ok(head) => break head,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    };
    // One byte is not enough to decide; a real gzip stream always has far more than two.
    if head.len() >= 2 && head[..2] == GZIP_MAGIC {
        Ok(Box::new(BufReader::with_capacity(
            BUFFER,
            MultiGzDecoder::new(buffered),
        )))
    } else {
        Ok(Box::new(buffered))
    }
}

/// Open a path the way `Source::open` does (for tests and benches).
pub fn open_path(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    Source::Path(path.to_path_buf()).open()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(bytes: Vec<u8>) -> Vec<u8> {
        let mut out = Vec::new();
        sniff(io::Cursor::new(bytes))
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn plain_passes_through() {
        assert_eq!(read_all(b"hello\n".to_vec()), b"hello\n");
        assert_eq!(read_all(b"\x1f".to_vec()), b"\x1f");
        assert_eq!(read_all(Vec::new()), b"");
    }

    #[test]
    fn multi_member_gzip_is_read_whole() {
        let mut two = gz(b"first\n");
        two.extend(gz(b"second\n"));
        assert_eq!(read_all(two), b"first\nsecond\n");
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_panic() {
        let full = gz(&b"line of text\n".repeat(1000));
        let cut = full[..full.len() / 2].to_vec();
        let mut out = Vec::new();
        let r = sniff(io::Cursor::new(cut)).unwrap().read_to_end(&mut out);
        assert!(r.is_err());
    }
}
