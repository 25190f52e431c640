//! The JSON catalog loader (`Catalog::from_json_str`): any text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(catalog) = flaneur::catalog::Catalog::from_json_str(text) {
        flaneur_fuzz::round_trip(&catalog);
    }
});
