//! The binary catalog's sequence model section (flag bit 2): a valid catalog
//! carrying a model, its section replaced by the input (first byte even) or
//! XORed with it (odd), the checksum fixed so the decoder reads that far.
#![no_main]
use flaneur::catalog::Catalog;
use flaneur::util::bytes::crc32;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let (valid, section) = flaneur_fuzz::catalog_with_model();
    let mut bytes = valid.clone();
    if mode % 2 == 0 {
        bytes.truncate(*section);
        bytes.extend_from_slice(rest);
    } else {
        for (b, x) in bytes[*section..].iter_mut().zip(rest) {
            *b ^= x;
        }
    }
    let crc = crc32(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    if let Ok(catalog) = Catalog::from_binary(&bytes) {
        flaneur_fuzz::round_trip(&catalog);
        flaneur_fuzz::run_model(&catalog);
    }
});
