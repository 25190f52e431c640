//! `importProfile` input: the export's JSON text, parsed as the browser does
//! (serde, then `ProfileImport::decode`), then applied to an engine.
#![no_main]
use flaneur::profile::ProfileImport;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(import) = serde_json::from_slice::<ProfileImport>(data) else { return };
    for shop in ["flaneur-demo", "s"] {
        let _ = import.decode(shop);
    }
});
