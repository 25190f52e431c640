//! The catalog compiler's side files: the first byte picks popularity counts,
//! embeddings, co-purchase counts, an order log or divergence priors; the rest
//! is that file, beside a small valid feed.
#![no_main]
use flaneur_fuzz::{Side, compile_with_side_file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, file)) = data.split_first() else { return };
    let side = match which % 5 {
        0 => Side::Popularity,
        1 => Side::Vectors,
        2 => Side::CoPurchases,
        3 => Side::Orders,
        _ => Side::DivergencePriors,
    };
    compile_with_side_file(side, file);
});
