//! Bytes in: stdin or files, compression sniffed by magic bytes, lines split and normalised.

pub mod lines;
pub mod normalize;
pub mod sources;

use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::sync::mpsc;

/// Where a stream came from, as the user named it (`-` for stdin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Path(std::path::PathBuf),
}

impl Source {
    /// The `source` column: the path as given, `-` for stdin.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_string(),
            Source::Path(p) => p.display().to_string(),
        }
    }
}

const BUFFER: usize = 256 * 1024;
/// Decompressed blocks in flight between the inflating thread and the parser.
const BLOCKS_IN_FLIGHT: usize = 4;

impl Source {
    /// Open for reading, decompressing gzip, xz, zstd or bzip2 (any number of concatenated
    /// members or frames) when the stream starts with their magic bytes, whatever the file is
    /// called.
    ///
    /// With `Inflate::OnItsOwnThread` a compressed stream is inflated on a thread of its own,
    /// so a stream read alone is parsed while it is inflated; when files are read in parallel,
    /// the files are the parallelism and each inflates where it is parsed.
    pub fn open(&self, inflate: Inflate) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Source::Stdin => sniff(raw_stdin()?, inflate),
            Source::Path(p) => {
                let file = File::open(p)?;
                let size = file.metadata().map_or(0, |m| m.len());
                sniff(ShrinkCheck::new(file, size), inflate)
            }
        }
    }
}

/// A file that ends before the size it had when it was opened was cut while being read (log
/// rotation, a truncating copy): that end is an error, not a quiet end of input.
struct ShrinkCheck<R> {
    inner: R,
    size: u64,
    read: u64,
}

impl<R> ShrinkCheck<R> {
    fn new(inner: R, size: u64) -> Self {
        ShrinkCheck {
            inner,
            size,
            read: 0,
        }
    }
}

impl<R: Read> Read for ShrinkCheck<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if n == 0 && !buf.is_empty() && self.read < self.size {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the file shrank while being read: it ended after {} of its {} bytes",
                    self.read, self.size
                ),
            ));
        }
        Ok(n)
    }
}

/// Standard input read straight from its file descriptor (a duplicate of it): no lock and
/// no 8 KiB buffer per read, so a pipe is read as cheaply as a file.
#[cfg(unix)]
fn raw_stdin() -> io::Result<File> {
    use std::os::fd::AsFd;
    Ok(File::from(io::stdin().as_fd().try_clone_to_owned()?))
}

#[cfg(not(unix))]
fn raw_stdin() -> io::Result<io::Stdin> {
    Ok(io::stdin())
}

/// Where a compressed stream is inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inflate {
    InTheReader,
    OnItsOwnThread,
}

/// How a stream is compressed, told by its first bytes (whatever the file is called).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Xz,
    Zstd,
    Bzip2,
}

/// The most bytes `Compression::detect` looks at.
const MAGIC_LEN: usize = 6;

impl Compression {
    pub fn detect(head: &[u8]) -> Compression {
        match head {
            [0x1f, 0x8b, ..] => Compression::Gzip,
            [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Compression::Xz,
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Compression::Zstd,
            [b'B', b'Z', b'h', b'1'..=b'9', ..] => Compression::Bzip2,
            _ => Compression::None,
        }
    }

    /// A reader of the decompressed bytes of `compressed`: every member or frame, one after
    /// the other; a cut stream is an error (`UnexpectedEof` or the decoder's own), never a
    /// quiet end.
    fn decoder<R: Read + Send + 'static>(self, compressed: R) -> io::Result<Box<dyn Read + Send>> {
        let buffered = BufReader::with_capacity(BUFFER, compressed);
        Ok(match self {
            Compression::None => Box::new(buffered),
            Compression::Gzip => Box::new(MultiGzDecoder::new(buffered)),
            Compression::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(buffered)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(buffered)?),
            Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(buffered)),
        })
    }
}

fn sniff<R: Read + Send + 'static>(
    mut reader: R,
    inflate: Inflate,
) -> io::Result<Box<dyn Read + Send>> {
    let mut head = [0u8; MAGIC_LEN];
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    // the bytes read go back in front; plain text is then read straight from the source
    // into the line reader's buffer, with no copy in between
    let whole = io::Cursor::new(head[..got].to_vec()).chain(reader);
    match Compression::detect(&head[..got]) {
        Compression::None => Ok(Box::new(whole)),
        compression => {
            let decoded = compression.decoder(whole)?;
            Ok(match inflate {
                Inflate::OnItsOwnThread => Box::new(inflate_on_thread(decoded)),
                Inflate::InTheReader => decoded,
            })
        }
    }
}

/// Run `reader` on its own thread, handing its bytes over in blocks.
fn inflate_on_thread<R: Read + Send + 'static>(mut reader: R) -> ChannelReader {
    let (tx, rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(BLOCKS_IN_FLIGHT);
    let (recycle_tx, recycle_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        loop {
            let mut block = recycle_rx.try_recv().unwrap_or_default();
            block.resize(BUFFER, 0);
            let mut filled = 0;
            // fill the block (inflate hands out small pieces)
            let result = loop {
                match reader.read(&mut block[filled..]) {
                    Ok(0) => break Ok(()),
                    Ok(n) => {
                        filled += n;
                        if filled == block.len() {
                            break Ok(());
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(e),
                }
            };
            block.truncate(filled);
            let done = filled == 0 || result.is_err();
            if filled > 0 && tx.send(Ok(block)).is_err() {
                return; // the parser is gone
            }
            if let Err(e) = result {
                let _ = tx.send(Err(e));
                return;
            }
            if done {
                return;
            }
        }
    });
    ChannelReader {
        rx,
        recycle: recycle_tx,
        block: Vec::new(),
        pos: 0,
    }
}

/// The reading end of `inflate_on_thread`.
struct ChannelReader {
    rx: mpsc::Receiver<io::Result<Vec<u8>>>,
    recycle: mpsc::Sender<Vec<u8>>,
    block: Vec<u8>,
    pos: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.block.len() {
            match self.rx.recv() {
                Ok(Ok(block)) => {
                    let old = std::mem::replace(&mut self.block, block);
                    let _ = self.recycle.send(old);
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0), // the thread finished
            }
        }
        let n = buf.len().min(self.block.len() - self.pos);
        buf[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// What both ways of inflating read; they must agree.
    fn read_all(bytes: Vec<u8>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut threaded = Vec::new();
        sniff(io::Cursor::new(bytes.clone()), Inflate::InTheReader)
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        sniff(io::Cursor::new(bytes), Inflate::OnItsOwnThread)
            .unwrap()
            .read_to_end(&mut threaded)
            .unwrap();
        assert_eq!(out, threaded);
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

    /// `data` compressed as `c` would compress it.
    fn compress(c: Compression, data: &[u8]) -> Vec<u8> {
        match c {
            Compression::None => data.to_vec(),
            Compression::Gzip => gz(data),
            Compression::Xz => {
                let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Compression::Zstd => zstd::encode_all(data, 3).unwrap(),
            Compression::Bzip2 => {
                let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
        }
    }

    const COMPRESSED: [Compression; 4] = [
        Compression::Gzip,
        Compression::Xz,
        Compression::Zstd,
        Compression::Bzip2,
    ];

    #[test]
    fn every_compressor_by_its_magic_bytes_all_members_read() {
        for c in COMPRESSED {
            let one = compress(c, b"first\n");
            assert_eq!(Compression::detect(&one), c);
            let mut two = one.clone();
            two.extend(compress(c, b"second\n"));
            assert_eq!(read_all(two), b"first\nsecond\n", "{c:?}");
        }
        assert_eq!(Compression::detect(b"BZh"), Compression::None);
        assert_eq!(Compression::detect(b"== CPython"), Compression::None);
    }

    #[test]
    fn a_cut_stream_of_every_compressor_is_an_error() {
        let text = b"line of text that is long enough to need more than one block\n".repeat(4000);
        for c in COMPRESSED {
            let full = compress(c, &text);
            for cut in [full.len() / 2, full.len() - 1] {
                for inflate in [Inflate::InTheReader, Inflate::OnItsOwnThread] {
                    let mut out = Vec::new();
                    let r = sniff(io::Cursor::new(full[..cut].to_vec()), inflate)
                        .unwrap()
                        .read_to_end(&mut out);
                    assert!(
                        r.is_err(),
                        "{c:?} cut at {cut} of {} read whole",
                        full.len()
                    );
                }
            }
        }
    }

    #[test]
    fn a_file_that_shrinks_while_read_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("growing.log");
        std::fs::write(&path, b"line\n".repeat(100_000)).unwrap();
        let mut reader = Source::Path(path.clone())
            .open(Inflate::InTheReader)
            .unwrap();
        // another process truncates it after it was opened
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(1000)
            .unwrap();
        let mut out = Vec::new();
        let err = reader.read_to_end(&mut out).unwrap_err();
        assert!(err.to_string().contains("shrank while being read"), "{err}");
        assert_eq!(out.len(), 1000);
        // a file read whole is fine, and so is one that grows
        let mut whole = Vec::new();
        Source::Path(path)
            .open(Inflate::InTheReader)
            .unwrap()
            .read_to_end(&mut whole)
            .unwrap();
        assert_eq!(whole.len(), 1000);
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_panic() {
        let full = gz(&b"line of text\n".repeat(1000));
        let cut = full[..full.len() / 2].to_vec();
        let mut out = Vec::new();
        for inflate in [Inflate::InTheReader, Inflate::OnItsOwnThread] {
            let r = sniff(io::Cursor::new(cut.clone()), inflate)
                .unwrap()
                .read_to_end(&mut out);
            assert!(r.is_err());
        }
    }
}
