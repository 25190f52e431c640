//! The catalog compiler's Merchant Center reader: the first byte picks CSV or
//! TSV and whether vectors are learned from the text; the rest is the feed.
#![no_main]
use flaneur_fuzz::{Feed, compile_feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&how, feed)) = data.split_first() else { return };
    let format = if how & 1 == 0 { Feed::Csv } else { Feed::Tsv };
    compile_feed(format, feed, if how & 2 == 0 { 0 } else { 8 });
});
