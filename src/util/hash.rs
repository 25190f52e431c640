//! The content hash that names the files of a sharded catalog: FNV-1a over
//! 64 bits, written as 16 lowercase hex digits. It guards against a file
//! mixed up or cut short on the way (a CDN serving an old shard, a truncated
//! download), not against the shop itself, which writes every file anyway.

/// FNV-1a, 64 bits, of `bytes`.
///
/// ```
/// use flaneur::util::hash::{content_hash, hex};
/// assert_eq!(hex(content_hash(b"")), "cbf29ce484222325");
/// assert_eq!(hex(content_hash(b"a")), "af63dc4c8601ec8c");
/// ```
pub fn content_hash(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// `hash` as 16 lowercase hex digits.
pub fn hex(hash: u64) -> String {
    format!("{hash:016x}")
}

/// The hash 16 lowercase hex digits spell, if they do.
///
/// ```
/// use flaneur::util::hash::parse_hex;
/// assert_eq!(parse_hex("00000000000000ff"), Some(255));
/// assert_eq!(parse_hex("FF"), None);
/// assert_eq!(parse_hex("00000000000000FF"), None);
/// ```
pub fn parse_hex(text: &str) -> Option<u64> {
    let lower = text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if text.len() != 16 || !lower {
        return None;
    }
    u64::from_str_radix(text, 16).ok()
}

/// A fast hasher for small keys the crate makes itself (string hashes,
/// `(facet, string)` ids) in build-time maps: multiply and rotate, as rustc's
/// own `FxHasher`, instead of the standard SipHash, which guards against
/// keys chosen by an attacker that these maps never see. Used through
/// [`FastHash`].
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl FastHasher {
    const K: u64 = 0xf135_7aea_2e62_a9c5;

    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
}

/// Builds [`FastHasher`]s: `HashMap<K, V, FastHash>`.
///
/// ```
/// use std::collections::HashMap;
/// use flaneur::util::hash::FastHash;
/// let mut seen: HashMap<u64, u32, FastHash> = HashMap::default();
/// seen.insert(0xcbf2_9ce4_8422_2325, 7);
/// assert_eq!(seen.get(&0xcbf2_9ce4_8422_2325), Some(&7));
/// ```
pub type FastHash = std::hash::BuildHasherDefault<FastHasher>;
