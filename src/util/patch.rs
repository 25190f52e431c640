//! Byte patches between two versions of a file (docs/FORMATS.md, "Catalog
//! patch v1"): what a returning shopper fetches when a shard changed by a few
//! prices or availabilities, instead of the shard again. A patch copies
//! ranges of the old file and inserts new bytes; [`apply`] rebuilds the new
//! file and checks it is exactly the one the patch names (length and content
//! hash), so a patch applied to the wrong file, or tampered with, is refused.

use super::bytes::{ByteReader, ByteWriter, crc32};
use super::hash::content_hash;
use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"FLNRPAT\0";
const VERSION: u16 = 1;
const HEADER_LEN: usize = 16;
/// The largest file a patch may build, in bytes.
pub const MAX_TARGET_BYTES: usize = 1 << 30;
/// An operation: copy `len` bytes of the old file from `at`.
const COPY: u8 = 0;
/// An operation: insert the `len` bytes that follow.
const INSERT: u8 = 1;
/// Equal bytes shorter than this between two changes go into one insert
/// (a copy costs 9 bytes of operation, an insert 5 and its bytes).
const MIN_COPY: usize = 16;

/// The blocks of the old file indexed to find moved bytes.
const BLOCK: usize = 32;

fn copy(ops: &mut ByteWriter, at: usize, len: usize) {
    ops.u8(COPY);
    ops.u32(at as u32);
    ops.u32(len as u32);
}

fn insert(ops: &mut ByteWriter, bytes: &[u8]) {
    if !bytes.is_empty() {
        ops.u8(INSERT);
        ops.u32(bytes.len() as u32);
        ops.bytes(bytes);
    }
}

/// Rebuilds the new file from `old` and `patch`.
///
/// # Errors
///
/// [`Error::CatalogCorrupt`] when the patch is not one (magic, checksum,
/// truncation, an operation out of range), is of another version
/// ([`Error::CatalogVersion`]), or `old` or the result is not the file it names.
pub fn apply(old: &[u8], patch: &[u8]) -> Result<Vec<u8>> {
    apply_within(old, patch, MAX_TARGET_BYTES)
}

/// [`apply`], refusing before any work a patch that builds more than
/// `limit` bytes (the size the manifest gives the new part): a few bytes of
/// copies could otherwise ask for a gigabyte.
///
/// # Errors
///
/// As [`apply`].
pub fn apply_within(old: &[u8], patch: &[u8], limit: usize) -> Result<Vec<u8>> {
    let bad = |reason: String| Error::CatalogCorrupt { reason: format!("patch: {reason}") };
    let Some(header) = patch.get(..HEADER_LEN) else {
        return Err(bad(format!("{} bytes, the header alone takes {HEADER_LEN}", patch.len())));
    };
    let mut r = ByteReader::new(header);
    if r.take(8) != Some(MAGIC.as_slice()) {
        return Err(bad("not a flaneur patch (wrong magic)".into()));
    }
    let version = r.u16().unwrap_or_default();
    if version != VERSION {
        return Err(Error::CatalogVersion { found: version.into(), supported: VERSION.into() });
    }
    if r.u16() != Some(0) {
        return Err(bad("unknown flags at byte 10 (v1 has none)".into()));
    }
    let stored = r.u32().unwrap_or_default();
    if stored != crc32(&patch[HEADER_LEN..]) {
        return Err(bad("checksum mismatch".into()));
    }
    let mut r = ByteReader::new(&patch[HEADER_LEN..]);
    let field = |v: Option<u64>, what: &str| v.ok_or_else(|| bad(format!("truncated at {what}")));
    let old_len = field(r.u32().map(u64::from), "the old length")? as usize;
    let new_len = field(r.u32().map(u64::from), "the new length")? as usize;
    let old_hash = field(r.u64(), "the old hash")?;
    let new_hash = field(r.u64(), "the new hash")?;
    if old.len() != old_len || content_hash(old) != old_hash {
        return Err(bad("it is not a patch of this file".into()));
    }
    let limit = limit.min(MAX_TARGET_BYTES);
    if new_len > limit {
        return Err(bad(format!("it builds {new_len} bytes, at most {limit}")));
    }
    let mut out = Vec::new();
    out.try_reserve_exact(new_len).map_err(|_| bad(format!("no room for {new_len} bytes")))?;
    while r.remaining() > 0 {
        let op = field(r.u8().map(u64::from), "an operation")? as u8;
        match op {
            COPY => {
                let at = field(r.u32().map(u64::from), "a copy's offset")? as usize;
                let len = field(r.u32().map(u64::from), "a copy's length")? as usize;
                let range = old.get(at..at.saturating_add(len));
                let Some(bytes) = range.filter(|_| out.len() + len <= new_len) else {
                    return Err(bad(format!("a copy of {len} bytes at {at} is out of range")));
                };
                out.extend_from_slice(bytes);
            }
            INSERT => {
                let len = field(r.u32().map(u64::from), "an insert's length")? as usize;
                let Some(bytes) = r.take(len).filter(|_| out.len() + len <= new_len) else {
                    return Err(bad(format!("an insert of {len} bytes is out of range")));
                };
                out.extend_from_slice(bytes);
            }
            other => return Err(bad(format!("unknown operation {other}"))),
        }
    }
    if out.len() != new_len || content_hash(&out) != new_hash {
        return Err(bad("the result is not the file the patch names".into()));
    }
    Ok(out)
}

/// The patch from `old` to `new`: runs of bytes found in `old` copied, the
/// rest inserted. A changed price or availability changes bytes in place,
/// a longer or shorter text shifts everything after it: so the next bytes
/// are first looked for where the last copy left off, then anywhere in
/// `old` through an index of its [`BLOCK`]-byte blocks.
pub fn diff(old: &[u8], new: &[u8]) -> Vec<u8> {
    let mut ops = ByteWriter::default();
    let mut index = std::collections::HashMap::with_capacity(old.len() / BLOCK + 1);
    for (k, block) in old.chunks_exact(BLOCK).enumerate() {
        index.entry(content_hash(block)).or_insert(k * BLOCK);
    }
    let equal_run = |o: usize, n: usize| {
        old.get(o..).unwrap_or_default().iter().zip(&new[n..]).take_while(|(a, b)| a == b).count()
    };
    // `shift`: where in `old` the byte after the last copy's end was.
    let (mut at, mut pending, mut shift) = (0usize, 0usize, 0isize);
    while at < new.len() {
        let mut found = None;
        if let Some(o) = at.checked_add_signed(shift) {
            let run = equal_run(o, at);
            if run >= MIN_COPY || (run > 0 && at + run == new.len()) {
                found = Some((o, run));
            }
        }
        if found.is_none() && at + BLOCK <= new.len() {
            if let Some(&o) = index.get(&content_hash(&new[at..at + BLOCK])) {
                let run = equal_run(o, at);
                if run >= MIN_COPY {
                    found = Some((o, run));
                }
            }
        }
        let Some((mut o, mut run)) = found else {
            at += 1;
            continue;
        };
        // Bytes just before the match that are equal too are copied with it.
        let mut start = at;
        while start > pending && o > 0 && old[o - 1] == new[start - 1] {
            (start, o, run) = (start - 1, o - 1, run + 1);
        }
        insert(&mut ops, &new[pending..start]);
        copy(&mut ops, o, run);
        at = start + run;
        pending = at;
        shift = o as isize - start as isize;
    }
    insert(&mut ops, &new[pending..]);
    let mut w = ByteWriter::default();
    w.bytes(MAGIC);
    w.u16(VERSION);
    w.u16(0);
    w.u32(0);
    w.u32(old.len() as u32);
    w.u32(new.len() as u32);
    w.u64(content_hash(old));
    w.u64(content_hash(new));
    w.bytes(ops.as_slice());
    let crc = crc32(&w.as_slice()[HEADER_LEN..]);
    w.patch_u32(12, crc);
    w.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::{apply, apply_within, diff};

    #[test]
    fn a_patch_rebuilds_the_new_file_and_only_from_the_old_one() {
        let old: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut new = old.clone();
        for at in [3, 900, 901, 2500, 4999] {
            new[at] ^= 0x5a;
        }
        let patch = diff(&old, &new);
        assert!(patch.len() < 150, "{} bytes", patch.len());
        assert_eq!(apply(&old, &patch).unwrap(), new);
        assert!(apply(&new, &patch).is_err(), "not the old file");
        // Of another length: the middle inserted.
        let longer = [&old[..100], b"inserted", &old[100..]].concat();
        assert_eq!(apply(&old, &diff(&old, &longer)).unwrap(), longer);
        // Texts of other lengths shift what follows them; bytes change after the shifts too.
        let mut shifted = [&old[..700], b"12.49 EUR", &old[709..2000], b"9", &old[2003..]].concat();
        shifted[4000] ^= 0x33;
        let patch = diff(&old, &shifted);
        assert!(patch.len() < 150, "{} bytes", patch.len());
        assert_eq!(apply(&old, &patch).unwrap(), shifted);
        // Not more than the manifest says the new part holds.
        assert!(apply_within(&old, &patch, shifted.len() - 1).is_err());
        assert_eq!(apply_within(&old, &patch, shifted.len()).unwrap(), shifted);
        assert_eq!(apply(&old, &diff(&old, &old)).unwrap(), old);
        assert_eq!(apply(b"", &diff(b"", b"abc")).unwrap(), b"abc");
    }

    #[test]
    fn every_truncation_and_bit_flip_of_a_patch_is_refused() {
        let old: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
        let mut new = old.clone();
        new[150] = 0;
        let patch = diff(&old, &new);
        for cut in 0..patch.len() {
            assert!(apply(&old, &patch[..cut]).is_err(), "cut at {cut}");
        }
        for at in 0..patch.len() {
            let mut flipped = patch.clone();
            flipped[at] ^= 1;
            assert!(apply(&old, &flipped).is_err(), "flip at {at}");
        }
    }
}
