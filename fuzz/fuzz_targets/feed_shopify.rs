//! The catalog compiler's Shopify `products.json` reader: any bytes.
#![no_main]
use flaneur_fuzz::{Feed, compile_feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    compile_feed(Feed::Shopify, data, 0);
});
