//! Partial results (`stats --partial`), which `merge` folds into exactly what one `stats` over
//! all their inputs gives.
//!
//! The file: the 16 bytes `flakelog partial`, the format version (u32, little-endian), the
//! length of the body (u64) and its CRC-32 (u32), then the body: zstd-compressed postcard of
//! `Partial`. A partial names every input it read (sorted), so merged partials place each
//! occurrence in the order one pass over all of them would (inputs are ordered by name), and
//! an input counted in two partials is an error instead of a double count.

use super::Summary;
use super::data::SummaryData;
use serde::{Deserialize, Serialize};

const MAGIC: &[u8; 16] = b"flakelog partial";
/// The format this flakelog writes and reads. A change to what a partial holds bumps it.
pub const VERSION: u32 = 1;
const HEADER: usize = MAGIC.len() + 4 + 8 + 4;

/// The options a partial was made with that decide what it counted: partials merge only
/// when these are equal. (`--test`, `--kind`, `--min-runs` and the output options apply at
/// merge time, and are not here.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadeWith {
    /// `--group-by`, in order.
    pub group_by: Vec<String>,
    /// Run filters and path options as given: (`--builder`, `bolen`)...
    pub options: Vec<(String, String)>,
}

impl MadeWith {
    /// `--group-by builder --since 2025-01-01`, or `no options`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .group_by
            .iter()
            .map(|g| format!("--group-by {g}"))
            .collect();
        parts.extend(self.options.iter().map(|(k, v)| format!("{k} {v}")));
        if parts.is_empty() {
            "no options".to_string()
        } else {
            parts.join(" ")
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// The flakelog that wrote it (said in errors; the format is `VERSION`).
    pub written_by: String,
    pub made_with: MadeWith,
    /// Every input read, sorted: a source's number in `summary` is its place here.
    pub sources: Vec<String>,
    pub summary: SummaryData,
}

/// The first fields of a `Partial`, in its order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PartialHead {
    pub written_by: String,
    pub made_with: MadeWith,
    pub sources: Vec<String>,
}

impl Partial {
    pub fn new(made_with: MadeWith, sources: Vec<String>, summary: &Summary) -> Partial {
        Partial {
            written_by: format!("flakelog {}", env!("CARGO_PKG_VERSION")),
            made_with,
            sources,
            summary: summary.to_data(),
        }
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let plain = postcard::to_stdvec(self).map_err(|e| e.to_string())?;
        let body = zstd::bulk::compress(&plain, 3).map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// A partial from its bytes; the error says what is wrong with them.
    pub fn from_bytes(bytes: &[u8]) -> Result<Partial, String> {
        let plain = Self::body(bytes)?;
        let partial: Partial = postcard::from_bytes(&plain).map_err(|e| format!("damaged: {e}"))?;
        if partial.sources.windows(2).any(|w| w[0] >= w[1]) {
            return Err("damaged: its inputs are not in order".into());
        }
        Ok(partial)
    }

    /// What a partial was made with and what it read, without its summary: what `merge`
    /// checks before it holds any summary.
    pub fn head_from_bytes(bytes: &[u8]) -> Result<PartialHead, String> {
        let plain = Self::body(bytes)?;
        // postcard is read in field order: the head is the partial's first fields
        let (head, _): (PartialHead, _) =
            postcard::take_from_bytes(&plain).map_err(|e| format!("damaged: {e}"))?;
        if head.sources.windows(2).any(|w| w[0] >= w[1]) {
            return Err("damaged: its inputs are not in order".into());
        }
        Ok(head)
    }

    /// The body, checked and inflated.
    fn body(bytes: &[u8]) -> Result<Vec<u8>, String> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(
                "not a flakelog partial (make one with `flakelog stats --partial -o FILE`)".into(),
            );
        }
        if bytes.len() < HEADER {
            return Err("cut short: the header is incomplete".into());
        }
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        let version = word(16);
        if version != VERSION {
            return Err(format!(
                "partial format version {version}; this flakelog reads version {VERSION} (make the partials again with this flakelog)"
            ));
        }
        let len = u64::from_le_bytes(bytes[20..28].try_into().expect("8 bytes"));
        let crc = word(28);
        let body = &bytes[HEADER..];
        if body.len() as u64 != len {
            return Err(format!(
                "cut short or overlong: the body has {} bytes, the header says {len}",
                body.len()
            ));
        }
        if crc32fast::hash(body) != crc {
            return Err("damaged: the checksum does not match".into());
        }
        // a body that says it inflates past this is not one flakelog wrote
        const MAX_PLAIN: usize = 1 << 32;
        zstd::bulk::decompress(
            body,
            MAX_PLAIN.min(body.len().saturating_mul(1000).max(1 << 20)),
        )
        .map_err(|e| format!("damaged: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        Partial::new(
            MadeWith::default(),
            vec!["a.log".into()],
            &Summary::default(),
        )
        .to_bytes()
        .unwrap()
    }

    #[test]
    fn a_partial_reads_back_and_every_damage_is_told() {
        let bytes = sample();
        let back = Partial::from_bytes(&bytes).unwrap();
        assert_eq!(back.sources, ["a.log"]);
        assert!(
            Partial::from_bytes(b"hello")
                .unwrap_err()
                .starts_with("not a flakelog partial")
        );
        assert!(
            Partial::from_bytes(&bytes[..20])
                .unwrap_err()
                .starts_with("cut short")
        );
        assert!(
            Partial::from_bytes(&bytes[..bytes.len() - 1])
                .unwrap_err()
                .starts_with("cut short")
        );
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(
            Partial::from_bytes(&flipped)
                .unwrap_err()
                .contains("checksum")
        );
        let mut newer = bytes.clone();
        newer[16] = 2;
        assert!(
            Partial::from_bytes(&newer)
                .unwrap_err()
                .contains("version 2")
        );
    }
}
