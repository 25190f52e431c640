//! The binary catalog decoder (`Catalog::from_binary`): any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(catalog) = flaneur::catalog::Catalog::from_binary(data) {
        flaneur_fuzz::round_trip(&catalog);
    }
});
