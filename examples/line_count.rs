//! Baseline for the benchmark: count the lines of plain files with memchr, one thread,
//! reading in 256 KiB blocks. This is the floor any line-based parser stands on.
//! `cargo run --release --example line_count -- FILE…`

use std::io::Read;

fn main() -> std::io::Result<()> {
    let mut buf = vec![0u8; 256 * 1024];
    let (mut lines, mut bytes) = (0u64, 0u64);
    for path in std::env::args().skip(1) {
        let mut file = std::fs::File::open(&path)?;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            bytes += n as u64;
            lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        }
    }
    println!("{lines} lines, {bytes} bytes");
    Ok(())
}
