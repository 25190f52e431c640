//! The stored profile decoder and migrator (`Profile::from_bytes`, binary v1
//! and v2) and the stored record around it (`Snapshot::from_bytes`, v1 and v2):
//! any bytes. What is accepted re-encodes to bytes that read back equal.
#![no_main]
use flaneur::profile::Profile;
use flaneur::snapshot::Snapshot;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(profile) = Profile::from_bytes(data) {
        let again =
            Profile::from_bytes(&profile.to_bytes()).expect("a profile's own bytes read back");
        assert_eq!(again, profile);
    }
    for shop in ["flaneur-demo", "s"] {
        if let Ok(record) = Snapshot::from_bytes(data, shop) {
            let again = Snapshot::from_bytes(&record.to_bytes(), shop)
                .expect("a record's own bytes read back");
            assert_eq!(again, record);
        }
    }
});
