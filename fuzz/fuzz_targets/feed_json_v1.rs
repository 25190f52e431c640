//! The catalog compiler's flaneur JSON v1 reader: any bytes.
#![no_main]
use flaneur_fuzz::{Feed, compile_feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    compile_feed(Feed::Json, data, 0);
});
