//! A sharded catalog's manifest and parts (issue #22): with the first byte
//! even, the input is a manifest (JSON) whose named files are then opened
//! with the valid parts' bytes; odd, a valid shard XORed with the input (its
//! checksum fixed, and the manifest naming its new hash and size, so the
//! decoder reads it all) is opened and joined with the core, and in place
//! beside another shard. Bit 1 of the first byte picks parts with product
//! codes (`--vector-codes pq`) instead of int8 vectors.
#![no_main]
use flaneur::catalog::{Catalog, Manifest};
use flaneur::util::bytes::crc32;
use flaneur::util::hash::{content_hash, hex};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let (manifest, files) = flaneur_fuzz::sharded(mode & 2 != 0);
    if mode % 2 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else { return };
        let Ok(manifest) = Manifest::from_json_str(text) else { return };
        let opened: Vec<Catalog> =
            files.iter().filter_map(|(name, bytes)| manifest.open_part(name, bytes).ok()).collect();
        if let Ok(catalog) = Catalog::from_parts(&opened) {
            flaneur_fuzz::round_trip(&catalog);
        }
        return;
    }
    let (_, shard) = &files[1];
    let mut bytes = shard.clone();
    for (b, x) in bytes[16..].iter_mut().zip(rest) {
        *b ^= x;
    }
    let crc = crc32(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    let mut forged = manifest.clone();
    forged.shards[0].hash = hex(content_hash(&bytes));
    forged.shards[0].file = format!("shard-{}.bin", forged.shards[0].hash);
    forged.shards[0].bytes = bytes.len() as u64;
    let Ok(part) = forged.open_part(&forged.shards[0].file, &bytes) else { return };
    let Ok(core) = forged.open_part(&files[0].0, &files[0].1) else { return };
    if let Ok(catalog) = Catalog::from_parts(&[core.clone(), part.clone()]) {
        flaneur_fuzz::round_trip(&catalog);
    }
    // Joined in place between the core and another shard, in either order.
    let Some(other) = files.get(2).and_then(|(name, b)| forged.open_part(name, b).ok()) else {
        return;
    };
    for parts in [[core.clone(), other.clone(), part.clone()], [core, part, other]] {
        if let Ok(catalog) = Catalog::from_parts(&parts) {
            flaneur_fuzz::round_trip(&catalog);
        }
    }
});
