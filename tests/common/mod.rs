//! Helpers shared by the integration tests (native and in the browser).
#![allow(dead_code)]

use flaneur::util::bytes::crc32;

/// A binary v1 catalog (docs/FORMATS.md, "Catalog, binary v1"), written field by field.
#[derive(Default)]
pub struct Bin(Vec<u8>);

impl Bin {
    fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn str(&mut self, s: &str) -> &mut Self {
        self.u32(s.len() as u32);
        self.0.extend(s.as_bytes());
        self
    }
    fn u32s(&mut self, vs: &[u32]) -> &mut Self {
        self.u32(vs.len() as u32);
        for &v in vs {
            self.u32(v);
        }
        self
    }
    /// The header with the body's checksum, then the body.
    fn seal(&self) -> Vec<u8> {
        let mut out = b"FLNRCAT\0".to_vec();
        out.extend(1u16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(crc32(&self.0).to_le_bytes());
        out.extend(&self.0);
        out
    }
}

pub const NO_STR: u32 = u32::MAX;

/// A two-item catalog whose parts the tests replace: `items` declared, the
/// string table (`text`, `ends`), and the vectors (`dims`, codes, scales).
pub fn binary(
    items: u32,
    text: &str,
    ends: &[u32],
    dims: u32,
    codes: usize,
    scales: usize,
) -> Vec<u8> {
    let mut b = Bin::default();
    b.str("shop").u8(0).u32(dims).u32(0);
    b.str(text).u32s(ends);
    b.u32(1).str("Shoes");
    b.u32(0);
    b.u32(items);
    b.u32s(&[0, 1]).u32s(&[2, 3]).u32s(&[0, 0]).u32s(&[0, 0, 0]).u32s(&[]);
    b.u32(2);
    for p in [12f64, 80.0] {
        b.0.extend(p.to_le_bytes());
    }
    b.u32s(&[NO_STR, NO_STR]);
    b.u32(2).u8(1).u8(1);
    b.u32(2);
    for p in [0.5f32, 0.25] {
        b.0.extend(p.to_le_bytes());
    }
    for _ in 0..4 {
        b.u32s(&[NO_STR, NO_STR]);
    }
    b.u32(codes as u32);
    b.0.extend(std::iter::repeat_n(1u8, codes));
    b.u32(scales as u32);
    for _ in 0..scales {
        b.0.extend(1f32.to_le_bytes());
    }
    b.u32s(&[0, 1]);
    b.seal()
}

/// The cross-engine sequence case: a 40-item catalog carrying a sequence model
/// whose every weight is a fixed formula (no random generator, so native and
/// wasm builds make the same model), and a 30-step sequence over it. Native
/// and browser tests run it through the incremental encoder and compare with
/// `tests/fixtures/sequence-golden.json`.
pub fn sequence_case() -> (flaneur::catalog::Catalog, Vec<flaneur::sequence::Step>) {
    use flaneur::catalog::{CatalogBuilder, ItemJson, ModelShape, SequenceModel, VectorKind};
    use flaneur::sequence::Step;
    // Built item by item (no JSON text: the browser build has no JSON parser of its own).
    let facets = flaneur::util::sorted_map::SortedMap::new();
    let mut builder = CatalogBuilder::new(1, "golden".into(), 0, VectorKind::Content, &facets)
        .expect("the case's catalog");
    for i in 0..40 {
        let item = ItemJson {
            id: format!("i{i:02}"),
            title: format!("Item {i}"),
            category: format!("C{}", i % 5),
            attributes: Default::default(),
            price: None,
            currency: None,
            available: true,
            popularity: 0.0,
            released: None,
            sensitive: None,
            vector: None,
            url: None,
            image: None,
            bought_with: Vec::new(),
        };
        builder.push(&item).expect("the case's item");
    }
    let mut catalog = builder.finish().expect("the case's catalog");
    let shape = ModelShape { dims: 16, heads: 2, max_len: 12, ffn: 24, blocks: 2, events: true };
    let values =
        (0..shape.value_count()).map(|i| ((i as f32) * 0.731).sin() * 0.35).collect::<Vec<_>>();
    let model = SequenceModel::from_values(shape, values).expect("the case's model");
    let embeddings: Vec<f32> = (0..40 * 16).map(|i| ((i as f32) * 1.37).cos() * 0.9).collect();
    catalog.set_sequence_model(model, &embeddings).expect("the case's embeddings");
    let steps =
        (0..30u32).map(|n| Step { item: (n * 7 + n / 3) % 40, kind: (n % 3) as u8 }).collect();
    (catalog, steps)
}

/// What the case gives: `h` after the 30 steps and the scores of all 40 items.
pub fn sequence_case_outputs() -> (Vec<f32>, Vec<f32>) {
    let (catalog, steps) = sequence_case();
    let model = catalog.sequence_model().expect("a model");
    let mut encoder = flaneur::sequence::Encoder::new();
    for &step in &steps {
        assert!(encoder.push(model, catalog.vectors(), step));
    }
    let h = encoder.state().expect("a state").to_vec();
    let scores = flaneur::sequence::score_all(&h, catalog.vectors());
    (h, scores)
}

/// The golden outputs: `{"h": [...], "scores": [...]}` as written by the native test.
pub const SEQUENCE_GOLDEN: &str = include_str!("../fixtures/sequence-golden.json");

/// Parses [`SEQUENCE_GOLDEN`] without a JSON dependency: the two arrays' numbers.
pub fn sequence_golden() -> (Vec<f32>, Vec<f32>) {
    let numbers = |key: &str| -> Vec<f32> {
        let start = SEQUENCE_GOLDEN.find(key).expect("key") + key.len();
        let open = start + SEQUENCE_GOLDEN[start..].find('[').expect("[") + 1;
        let close = open + SEQUENCE_GOLDEN[open..].find(']').expect("]");
        SEQUENCE_GOLDEN[open..close]
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse().expect("a number"))
            .collect()
    };
    (numbers("\"h\""), numbers("\"scores\""))
}

/// The search queries both builds fold alike (`tests/fixtures/query-folds.tsv`):
/// `(input, folded)`, at least ten.
pub fn query_fold_cases() -> Vec<(&'static str, &'static str)> {
    let cases: Vec<(&str, &str)> = include_str!("../fixtures/query-folds.tsv")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line.split_once('\t').expect("input, a tab, the folded query"))
        .collect();
    assert!(cases.len() >= 10, "only {} cases", cases.len());
    cases
}
