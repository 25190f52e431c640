//! The sequence case of `tests/common` natively, against the golden outputs
//! that `tests/web.rs` holds the browsers' builds to: wasm equals native.
//! `UPDATE_GOLDEN=1 cargo test --test sequence_golden` rewrites the file.
#![cfg(not(target_arch = "wasm32"))]

mod common;

#[test]
fn the_native_encoder_gives_the_golden_outputs() {
    let (h, scores) = common::sequence_case_outputs();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sequence-golden.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let list = |v: &[f32]| v.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join(", ");
        let text = format!("{{\n  \"h\": [{}],\n  \"scores\": [{}]\n}}\n", list(&h), list(&scores));
        std::fs::write(path, text).unwrap();
        return;
    }
    let (golden_h, golden_scores) = common::sequence_golden();
    assert_eq!((h.len(), scores.len()), (16, 40));
    for (a, b) in h.iter().zip(&golden_h).chain(scores.iter().zip(&golden_scores)) {
        assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{a} vs golden {b}");
    }
    // The scores are the model's, not a constant: they spread.
    let spread = scores.iter().fold(f32::MIN, |m, &x| m.max(x))
        - scores.iter().fold(f32::MAX, |m, &x| m.min(x));
    assert!(spread > 0.1, "scores spread {spread}");
}
