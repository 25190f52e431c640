#![cfg(not(target_arch = "wasm32"))]
//! The sequence model in the binary catalog (flag bit 2, docs/FORMATS.md):
//! lossless and deterministic round trips, the documented layout, and every
//! inconsistent or hostile section refused by name, never a panic.

use flaneur::Error;
use flaneur::catalog::{Catalog, ModelShape, SequenceModel, VectorKind};
use flaneur::sequence::{Encoder, Step, forward};
use flaneur::util::bytes::crc32;
use flaneur::util::f16::{f16_to_f32, f32_to_f16};

const SHAPE: ModelShape =
    ModelShape { dims: 8, heads: 2, max_len: 6, ffn: 12, blocks: 2, events: true };

fn catalog() -> Catalog {
    Catalog::from_json_str(
        r#"{"version":1,"shop":"s","dims":3,"items":[
        {"id":"a","title":"A","category":"W > Knit","vector":[1,0,0]},
        {"id":"b","title":"B","category":"M","vector":[0,1,0]},
        {"id":"c","title":"C","category":"W > Knit","vector":[0,0,1]}]}"#,
    )
    .unwrap()
}

fn model(shape: ModelShape) -> SequenceModel {
    let values = (0..shape.value_count()).map(|i| (i as f32 * 0.61).sin() * 0.4).collect();
    SequenceModel::from_values(shape, values).unwrap()
}

fn embeddings(items: usize, dims: usize) -> Vec<f32> {
    (0..items * dims).map(|i| (i as f32 * 1.3).cos() * 2.0).collect()
}

fn with_model() -> Catalog {
    let mut c = catalog();
    c.set_sequence_model(model(SHAPE), &embeddings(3, 8)).unwrap();
    c
}

fn with_fixed_crc(mut bytes: Vec<u8>) -> Vec<u8> {
    let crc = crc32(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    bytes
}

fn corrupt_reason(result: Result<Catalog, Error>) -> String {
    match result {
        Err(Error::CatalogCorrupt { reason }) => reason,
        other => panic!("expected CatalogCorrupt, got {other:?}"),
    }
}

/// Where the model section starts: its sizes (17 bytes), count and f16 values end the file.
fn section_at(bytes: &[u8]) -> usize {
    bytes.len() - (17 + 4 + 2 * SHAPE.value_count())
}

#[test]
fn a_catalog_with_a_model_round_trips_byte_for_byte() {
    let c = with_model();
    assert_eq!((c.vector_kind(), c.vectors().dims()), (VectorKind::Sequence, 8));
    let bytes = c.to_binary();
    assert_eq!(u16::from_le_bytes([bytes[10], bytes[11]]), 4, "flag bit 2");
    let back = Catalog::from_binary(&bytes).unwrap();
    assert_eq!(back.sequence_model(), c.sequence_model());
    assert_eq!(back.vector_kind(), VectorKind::Sequence);
    for i in 0..3 {
        assert_eq!(back.vectors().get(i), c.vectors().get(i), "item {i}");
        // Magnitude kept, within half a quantization step.
        let want = &embeddings(3, 8)[i * 8..(i + 1) * 8];
        let (_, scale) = c.vectors().get(i);
        for (x, y) in c.vectors().dequantize(i).iter().zip(want) {
            assert!((x - y).abs() <= scale / 2.0 + 1e-6);
        }
    }
    assert_eq!(back.to_binary(), bytes, "deterministic re-encode");
    // The model runs the same on both.
    let steps = [Step { item: 2, kind: 0 }, Step { item: 0, kind: 1 }];
    let a = forward(c.sequence_model().unwrap(), c.vectors(), &steps).unwrap();
    let b = forward(back.sequence_model().unwrap(), back.vectors(), &steps).unwrap();
    assert_eq!(a, b);
    let mut encoder = Encoder::new();
    encoder.rebuild(back.sequence_model().unwrap(), back.vectors(), &steps);
    assert_eq!(encoder.state(), Some(a.state.as_slice()));
}

#[test]
fn the_section_holds_the_sizes_then_every_value_as_f16() {
    let c = with_model();
    let bytes = c.to_binary();
    let at = section_at(&bytes);
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
    assert_eq!([u32_at(at), u32_at(at + 4), u32_at(at + 8), u32_at(at + 12)], [2, 2, 6, 12]);
    assert_eq!(bytes[at + 16], 1, "an event embedding");
    assert_eq!(u32_at(at + 17) as usize, SHAPE.value_count());
    let values: Vec<f32> = bytes[at + 21..]
        .chunks_exact(2)
        .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
        .collect();
    assert_eq!(values, c.sequence_model().unwrap().values());
    let first = (0.0f32 * 0.61).sin() * 0.4;
    let second = (0.61f32).sin() * 0.4;
    assert_eq!(values[..2], [f16_to_f32(f32_to_f16(first)), f16_to_f32(f32_to_f16(second))]);
    // The kind byte, right after the shop's name.
    assert_eq!(bytes[16 + 4 + 1], 2);
    // Without the event embedding, 3·d fewer values.
    let mut c = catalog();
    let shape = ModelShape { events: false, ..SHAPE };
    c.set_sequence_model(model(shape), &embeddings(3, 8)).unwrap();
    let back = Catalog::from_binary(&c.to_binary()).unwrap();
    assert!(back.sequence_model().unwrap().event_embedding().is_none());
    assert_eq!(back.sequence_model().unwrap().shape(), shape);
}

#[test]
fn inconsistent_model_sections_are_refused_by_name() {
    let bytes = with_model().to_binary();
    let at = section_at(&bytes);
    let put = |offset: usize, value: &[u8]| {
        let mut b = bytes.clone();
        b[offset..offset + value.len()].copy_from_slice(value);
        with_fixed_crc(b)
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (put(at, &3u32.to_le_bytes()), "heads = 3: must divide d = 8"),
        (put(at, &0u32.to_le_bytes()), "heads = 0"),
        (put(at + 4, &5u32.to_le_bytes()), "blocks = 5"),
        (put(at + 4, &0u32.to_le_bytes()), "blocks = 0"),
        (put(at + 8, &513u32.to_le_bytes()), "L = 513"),
        (put(at + 12, &0u32.to_le_bytes()), "f = 0"),
        (put(at + 12, &1025u32.to_le_bytes()), "f = 1025"),
        (put(at + 16, &[2]), "events at byte"),
        (put(at + 16, &[0]), "the sizes give"),
        (put(at + 17, &u32::MAX.to_le_bytes()), "sequence model values: count 4294967295"),
        (put(at + 21, &0x7e00u16.to_le_bytes()), "event_embedding: value 0 is NaN"),
        (put(bytes.len() - 2, &0x7c00u16.to_le_bytes()), "final_norm.bias: value 7 is inf"),
        (put(16 + 4 + 1, &[0]), "vector kind Content with a sequence model"),
        (put(10, &[0, 0]), "trailing bytes"),
    ];
    for (bytes, expected) in cases {
        let reason = corrupt_reason(Catalog::from_binary(&bytes));
        assert!(reason.contains(expected), "expected {expected:?} in {reason:?}");
    }
    // Kind 2 without the section.
    let mut plain = bytes[..at].to_vec();
    plain[10] = 0;
    let reason = corrupt_reason(Catalog::from_binary(&with_fixed_crc(plain)));
    assert!(reason.contains("vector kind Sequence without a sequence model"), "{reason}");
    // More than 256 dims is refused by the model's own checks, a wrong column by the setter.
    let mut wide = Catalog::from_json_str(
        r#"{"version":1,"shop":"s","dims":0,"items":[{"id":"a","title":"A","category":"K"}]}"#,
    )
    .unwrap();
    let err = SequenceModel::from_values(ModelShape { dims: 512, heads: 1, ..SHAPE }, vec![]);
    assert!(matches!(err, Err(Error::CatalogInvalid { .. })));
    assert!(wide.set_sequence_model(model(SHAPE), &[0.0; 7]).is_err(), "7 values for 1 × 8");
    assert!(wide.set_sequence_model(model(SHAPE), &[f32::NAN; 8]).is_err());
    assert_eq!(wide.vector_kind(), VectorKind::Content, "unchanged when refused");
}

#[test]
fn every_truncation_and_bit_flip_of_the_section_is_refused_without_a_panic() {
    let bytes = with_model().to_binary();
    let at = section_at(&bytes);
    for len in 0..bytes.len() {
        assert!(Catalog::from_binary(&with_fixed_crc(bytes[..len.max(16)].to_vec())).is_err());
    }
    for i in at - 40..bytes.len().min(at + 200) {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            // Any outcome but a panic; a flipped value bit may still be a valid model.
            let _ = Catalog::from_binary(&with_fixed_crc(b));
        }
    }
}

#[test]
fn a_json_catalog_cannot_claim_sequence_vectors() {
    let err = Catalog::from_json_str(
        r#"{"version":1,"shop":"s","dims":2,"vector_kind":"sequence","items":[
        {"id":"a","title":"A","category":"K","vector":[1,0]}]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("vector_kind"), "{err}");
}
