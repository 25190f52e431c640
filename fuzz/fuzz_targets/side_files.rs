//! The catalog compiler's side files: the first byte picks popularity counts,
//! embeddings or co-purchase counts; the rest is that file, beside a small
//! valid feed.
#![no_main]
use flaneur_fuzz::{Side, compile_with_side_file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, file)) = data.split_first() else { return };
    let side = match which % 3 {
        0 => Side::Popularity,
        1 => Side::Vectors,
        _ => Side::CoPurchases,
    };
    compile_with_side_file(side, file);
});
