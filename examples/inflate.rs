//! Baseline for the benchmark: inflate gzip files (all members) to nothing with flate2's
//! `MultiGzDecoder`, one thread. The floor for reading `.log.gz`.
//! `cargo run --release --example inflate -- FILE.gz…`

use flate2::read::MultiGzDecoder;
use std::io::{BufReader, Read};

fn main() -> std::io::Result<()> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut bytes = 0u64;
    for path in std::env::args().skip(1) {
        let mut gz = MultiGzDecoder::new(BufReader::with_capacity(
            256 * 1024,
            std::fs::File::open(&path)?,
        ));
        loop {
            let n = gz.read(&mut buf)?;
            if n == 0 {
                break;
            }
            bytes += n as u64;
        }
    }
    println!("{bytes} bytes inflated");
    Ok(())
}
