//! Bytes in: stdin or files, gzip sniffed by magic bytes, lines split and normalised.

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

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const BUFFER: usize = 256 * 1024;
/// Decompressed blocks in flight between the inflating thread and the parser.
const BLOCKS_IN_FLIGHT: usize = 4;

impl Source {
    /// Open for reading, decompressing gzip (any number of concatenated members) when the
    /// stream starts with the gzip magic bytes, whatever the file is called.
    ///
    /// With `Inflate::OnItsOwnThread` gzip is inflated on a thread of its own, so a stream read
    /// alone is parsed while it is inflated; when files are read in parallel, the files are
    /// the parallelism and each inflates where it is parsed.
    pub fn open(&self, inflate: Inflate) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Source::Stdin => sniff(raw_stdin()?, inflate),
            Source::Path(p) => sniff(File::open(p)?, inflate),
        }
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

/// Where gzip is inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inflate {
    InTheReader,
    OnItsOwnThread,
}

fn sniff<R: Read + Send + 'static>(
    mut reader: R,
    inflate: Inflate,
) -> io::Result<Box<dyn Read + Send>> {
    let mut head = [0u8; 2];
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    // the two bytes read go back in front; plain text is then read straight from the source
    // into the line reader's buffer, with no copy in between
    let whole = io::Cursor::new(head[..got].to_vec()).chain(reader);
    // One byte is not enough to decide; a real gzip stream always has far more than two.
    if got == 2 && head == GZIP_MAGIC {
        let gz = MultiGzDecoder::new(BufReader::with_capacity(BUFFER, whole));
        Ok(match inflate {
            Inflate::OnItsOwnThread => Box::new(inflate_on_thread(gz)),
            Inflate::InTheReader => Box::new(gz),
        })
    } else {
        Ok(Box::new(whole))
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
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
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
