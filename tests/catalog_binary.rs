#![cfg(not(target_arch = "wasm32"))]
//! Binary catalog v1: lossless round trips, a deterministic encoding, and
//! decoding that refuses every truncated, corrupt or hostile input without panicking.

use flaneur::testkit::Rng;
use flaneur::util::sorted_map::SortedMap;
use std::time::Instant;

use flaneur::Error;
use flaneur::catalog::{Catalog, CatalogJson, FacetJson, ItemJson, Repurchase, VectorKind};
use flaneur::util::bytes::crc32;
use proptest::prelude::*;

const NO_STR: u32 = u32::MAX;

fn demo() -> Catalog {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/catalog-60.json"
    ))
    .unwrap();
    Catalog::from_json_str(&text).unwrap()
}

/// Two items covering every optional field present and absent.
const SMALL_JSON: &str = r#"{"version":1,"shop":"s","dims":2,
  "facets":{"colour":{"divergence":true}},"items":[
  {"id":"a","title":"Red","category":"W > Knit","attributes":{"colour":"red"},"price":9.5,
   "currency":"EUR","popularity":0.5,"vector":[1,0]},
  {"id":"b","title":"Blue","category":"W","attributes":{"colour":"blue"},"available":false,
   "vector":[0,2],"url":"/b"}]}"#;

fn small() -> Catalog {
    Catalog::from_json_str(SMALL_JSON).unwrap()
}

/// A catalog with several facets, optional fields, sensitive items and factor vectors.
fn varied() -> Catalog {
    let text = r#"{"version":1,"shop":"v","dims":3,"vector_kind":"factors",
      "facets":{"brand":{},"colour":{"divergence":true},"size":{}},"items":[
      {"id":"x1","title":"One","category":"A > B > C",
       "attributes":{"brand":"k","colour":"red","size":"m"},"price":0,"currency":"EUR",
       "popularity":1,"released":"2026-01-02","sensitive":"health","vector":[0,0,0],
       "url":"/x1","image":"/x1.jpg","bought_with":["é","x0"]},
      {"id":"x0","title":"Zero","category":"A > D","attributes":{"colour":"red"},
       "vector":[-1,2,-3],"bought_with":["x1"]},
      {"id":"é","title":"","category":"E","vector":[1e-3,5,-7]}],
      "repurchase":{"categories":{"A":{"share":0.1,"interval_days":365.25},
                                  "A > B > C":{"share":0.71,"interval_days":8.5,"buyers":412}},
                    "items":{"é":{"share":0.333,"interval_days":0.7,"buyers":4000000000}}}}"#;
    Catalog::from_json_str(text).unwrap()
}

fn corrupt_reason(result: Result<Catalog, Error>) -> String {
    match result {
        Err(Error::CatalogCorrupt { reason }) => reason,
        other => panic!("expected CatalogCorrupt, got {other:?}"),
    }
}

/// Asserts that `b` is observably the same catalog as `a`.
fn assert_same(a: &Catalog, b: &Catalog) {
    assert_eq!(a.shop(), b.shop());
    assert_eq!(a.vector_kind(), b.vector_kind());
    assert_eq!(a.len(), b.len());
    assert_eq!(a.facets(), b.facets());
    for (i, f) in a.facets().iter().enumerate() {
        assert_eq!(b.facet_index(&f.name), Some(i as u16));
    }
    assert_eq!(a.facet_value_count(), b.facet_value_count());
    for v in 0..a.facet_value_count() as u32 {
        let (facet, value) = a.facet_value(v);
        assert_eq!(b.facet_value(v), (facet, value));
        assert_eq!(b.find_facet_value(facet, value), Some(v));
    }
    assert_eq!(b.find_facet_value(0, "no such value"), None);
    let (ta, tb) = (a.taxonomy(), b.taxonomy());
    assert_eq!(ta.len(), tb.len());
    for id in 0..ta.len() as u32 {
        assert_eq!(ta.path(id), tb.path(id));
        assert_eq!(ta.parent(id), tb.parent(id));
        assert_eq!(ta.depth(id), tb.depth(id));
        assert_eq!(tb.find(ta.path(id)), Some(id));
    }
    for (x, y) in a.iter().zip(b.iter()) {
        assert_eq!(x.index(), y.index());
        assert_eq!(x.id(), y.id());
        assert_eq!(x.title(), y.title());
        assert_eq!(x.category(), y.category());
        assert_eq!(x.category_path(), y.category_path());
        assert_eq!(x.facet_value_ids(), y.facet_value_ids());
        assert_eq!(x.attributes().collect::<Vec<_>>(), y.attributes().collect::<Vec<_>>());
        assert_eq!(x.price().map(f64::to_bits), y.price().map(f64::to_bits));
        assert_eq!(x.currency(), y.currency());
        assert_eq!(x.available(), y.available());
        assert_eq!(x.popularity().to_bits(), y.popularity().to_bits());
        assert_eq!(x.released(), y.released());
        assert_eq!(x.sensitive(), y.sensitive());
        assert_eq!(x.url(), y.url());
        assert_eq!(x.image(), y.image());
        assert_eq!(b.index_of(x.id()), Some(x.index()));
        assert_eq!(a.bought_with(x.index()), b.bought_with(x.index()));
    }
    assert_eq!(a.has_bought_with(), b.has_bought_with());
    for x in 0..a.len() + 1 {
        assert_eq!(a.repurchase(x), b.repurchase(x));
    }
    for node in 0..ta.len() as u32 + 1 {
        assert_eq!(a.category_repurchase(node), b.category_repurchase(node));
    }
    assert_eq!(a.repurchase_categories(), b.repurchase_categories());
    assert_eq!(a.repurchase_items(), b.repurchase_items());
    assert_eq!(a.has_repurchase(), b.has_repurchase());
    assert_eq!(b.index_of("no such id"), None);
    let (va, vb) = (a.vectors(), b.vectors());
    assert_eq!(va.dims(), vb.dims());
    assert_eq!(va.len(), vb.len());
    assert_eq!(va.codes(), vb.codes());
    let bits = |s: &[f32]| s.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(va.scales()), bits(vb.scales()));
}

#[test]
fn round_trips_are_lossless() {
    for catalog in [
        demo(),
        small(),
        varied(),
        Catalog::from_json_str(r#"{"version":1,"shop":"e","items":[]}"#).unwrap(),
    ] {
        let bytes = catalog.to_binary();
        let decoded = Catalog::from_binary(&bytes).unwrap();
        assert_same(&catalog, &decoded);
        assert_eq!(decoded.to_binary(), bytes, "a decoded catalog re-encodes to the same bytes");
    }
}

/// A catalog whose categories interleave (item `i` in category `i % 7`), so
/// that rows kept grouped by category differ from the items' order.
fn interleaved() -> (String, Vec<(Vec<f32>, String, String)>) {
    let mut rng = Rng::new(5);
    let mut expected = Vec::new();
    let items: Vec<String> = (0..300)
        .map(|i| {
            let vector: Vec<f32> = (0..20).map(|_| rng.unit() * 2.0 - 1.0).collect();
            let (colour, size) = (format!("c{}", i % 5), format!("s{}", i % 3));
            let text: Vec<String> = vector.iter().map(|x| format!("{x}")).collect();
            let attributes = if i % 4 == 0 {
                format!(r#""colour":"{colour}""#)
            } else {
                format!(r#""colour":"{colour}","size":"{size}""#)
            };
            expected.push((vector, colour, if i % 4 == 0 { String::new() } else { size }));
            // Every column a slate reads by row, varied item by item.
            let sensitive = if i % 9 == 0 { r#","sensitive":"health""# } else { "" };
            let released = if i % 2 == 0 {
                format!(r#","released":"2026-01-{:02}""#, 1 + i % 28)
            } else {
                String::new()
            };
            format!(
                r#"{{"id":"i{i}","title":"T","category":"D > C{}","attributes":{{{attributes}}},
                    "popularity":{},"available":{}{sensitive}{released},"vector":[{}]}}"#,
                i % 7,
                (i % 10) as f32 / 10.0,
                i % 6 != 0,
                text.join(",")
            )
        })
        .collect();
    let json = format!(
        concat!(
            r#"{{"version":1,"shop":"s","dims":20,"#,
            r#""facets":{{"colour":{{}},"size":{{}}}},"items":[{}]}}"#
        ),
        items.join(",")
    );
    (json, expected)
}

/// Rows are kept grouped by category; every item still reads its own vector,
/// facet values, category, popularity, availability, sensitive class and
/// release day, before and after a binary round trip, a file keeps them
/// item after item, and the nearest item to an item's vector is that item.
#[test]
fn items_keep_their_own_rows_whatever_order_they_are_kept_in() {
    let (json, expected) = interleaved();
    let built = Catalog::from_json_str(&json).unwrap();
    let decoded = Catalog::from_binary(&built.to_binary()).unwrap();
    for catalog in [&built, &decoded] {
        let vectors = catalog.vectors();
        // The rows are grouped: the first rows are category C0's items, not the first items.
        assert_eq!((vectors.item_at(0), vectors.item_at(1)), (0, 7));
        for (i, (vector, colour, size)) in expected.iter().enumerate() {
            let (codes, scale) = flaneur::catalog::quantize::quantize(vector);
            assert_eq!(vectors.stored(i), (codes.as_slice(), scale), "vector of item {i}");
            let values: Vec<(u16, &str)> = catalog.item(i).attributes().collect();
            let mut want = vec![(0u16, colour.as_str())];
            if !size.is_empty() {
                want.push((1, size.as_str()));
            }
            assert_eq!(values, want, "facet values of item {i}");
            let nearest = flaneur::rank::nearest::nearest(catalog, vector, 1).unwrap();
            assert_eq!(nearest[0].0, i, "nearest to item {i}'s own vector");
            let item = catalog.item(i);
            assert_eq!(item.category_path(), format!("D > C{}", i % 7), "category of item {i}");
            assert_eq!(item.popularity(), (i % 10) as f32 / 10.0, "popularity of item {i}");
            assert_eq!(item.available(), i % 6 != 0, "availability of item {i}");
            assert_eq!(item.sensitive(), (i % 9 == 0).then_some("health"), "class of item {i}");
            assert_eq!(item.is_sensitive(), i % 9 == 0, "class of item {i}");
            let day = (i % 2 == 0).then(|| 20_454 + (i % 28) as i32); // 2026-01-01 is day 20,454
            assert_eq!(item.released_day(), day, "release day of item {i}");
            assert_eq!(catalog.released_day(i), day, "release day of item {i}");
        }
    }
    // The file is the same whichever way it was loaded, and holds the items in their order.
    assert_eq!(decoded.to_binary(), built.to_binary());
}

#[test]
fn the_encoding_is_deterministic() {
    assert_eq!(demo().to_binary(), demo().to_binary());
    let c = varied();
    assert_eq!(c.to_binary(), c.clone().to_binary());
}

#[test]
fn the_demo_catalog_is_smaller_than_its_json() {
    let json_len =
        std::fs::metadata(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog-60.json"))
            .unwrap()
            .len();
    let binary_len = demo().to_binary().len() as u64;
    eprintln!("demo catalog: JSON {json_len} bytes, binary {binary_len} bytes");
    assert!(binary_len < json_len);
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = small().to_binary();
    for len in 0..bytes.len() {
        corrupt_reason(Catalog::from_binary(&bytes[..len]));
    }
}

/// With the checksum recomputed, a truncation must be caught by the structure itself.
#[test]
fn every_truncation_with_a_fixed_checksum_is_an_error() {
    for catalog in [small(), varied()] {
        let bytes = catalog.to_binary();
        for len in 16..bytes.len() {
            let reason =
                corrupt_reason(Catalog::from_binary(&with_fixed_crc(bytes[..len].to_vec())));
            assert!(!reason.contains("checksum"), "{reason}");
        }
    }
}

#[test]
fn flipping_any_bit_is_an_error() {
    let bytes = small().to_binary();
    for at in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1 << bit;
            let result = Catalog::from_binary(&flipped);
            assert!(result.is_err(), "flipping bit {bit} of byte {at} went unnoticed");
            if at >= 16 {
                assert!(corrupt_reason(result).contains("checksum"));
            }
        }
    }
}

#[test]
fn a_huge_item_count_in_a_tiny_buffer_fails_fast() {
    let mut raw = Raw::small();
    raw.n = Some(u32::MAX);
    let started = Instant::now();
    let reason = corrupt_reason(raw.decode());
    assert!(reason.contains("items: count 4294967295"), "{reason}");
    assert!(started.elapsed().as_secs() < 1);

    // Hand-written from the header on: shop "s", content, dims 0, no facets,
    // no strings, no taxonomy, no facet values, then u32::MAX items.
    let mut body = Vec::new();
    body.extend_from_slice(&1u32.to_le_bytes());
    body.push(b's');
    body.push(0);
    for count in [0u32, 0, 0, 0, 0, 0, u32::MAX] {
        body.extend_from_slice(&count.to_le_bytes());
    }
    let reason = corrupt_reason(Catalog::from_binary(&with_header(&body)));
    assert!(reason.contains("items: count 4294967295 at byte 46"), "{reason}");
}

#[test]
fn huge_counts_anywhere_fail_fast() {
    let cases: [Mutation; 6] = [
        ("facets", |r| r.facet_count = Some(u32::MAX)),
        ("string text", |r| r.text_len = Some(u32::MAX)),
        ("string ends", |r| r.ends_count = Some(u32::MAX)),
        ("taxonomy nodes", |r| r.taxonomy_count = Some(u32::MAX)),
        ("facet values", |r| r.facet_value_count = Some(u32::MAX)),
        ("attrs", |r| r.attrs_count = Some(u32::MAX)),
    ];
    for (field, mutate) in cases {
        let mut raw = Raw::small();
        mutate(&mut raw);
        let reason = corrupt_reason(raw.decode());
        assert!(reason.contains(&format!("{field}: count 4294967295")), "{reason}");
    }
}

#[test]
fn a_wrong_magic_is_corrupt() {
    let mut bytes = small().to_binary();
    bytes[0] = b'X';
    assert!(corrupt_reason(Catalog::from_binary(&bytes)).contains("magic"));
    assert!(
        corrupt_reason(Catalog::from_binary(br#"{"version":1,"shop":"s","items":[]}"#))
            .contains("magic")
    );
}

#[test]
fn a_newer_version_is_refused_as_such() {
    let mut bytes = small().to_binary();
    bytes[8..10].copy_from_slice(&2u16.to_le_bytes());
    let err = Catalog::from_binary(&bytes).unwrap_err();
    assert_eq!(err, Error::CatalogVersion { found: 2, supported: 1 });
    assert_eq!(err.code(), "CATALOG_VERSION");
}

#[test]
fn unknown_flags_and_trailing_bytes_are_corrupt() {
    let mut bytes = small().to_binary();
    // Bit 7: bits 0 to 6 are bought-with, repurchase, the sequence model, the
    // part section, product codes, divergence priors and report departments.
    bytes[10] = 128;
    assert!(corrupt_reason(Catalog::from_binary(&bytes)).contains("flags"));
    bytes[10] = 0x80;
    bytes[11] = 1;
    assert!(corrupt_reason(Catalog::from_binary(&bytes)).contains("flags"));

    let mut raw = Raw::small();
    raw.trailing = vec![0];
    assert!(corrupt_reason(raw.decode()).contains("1 trailing bytes"));
}

// ---------------------------------------------------------------------------
// The layout, written out by hand from docs/FORMATS.md

fn with_fixed_crc(mut bytes: Vec<u8>) -> Vec<u8> {
    let crc = crc32(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    bytes
}

fn with_header(body: &[u8]) -> Vec<u8> {
    with_flags(body, 0)
}

fn with_flags(body: &[u8], flags: u16) -> Vec<u8> {
    let mut bytes = b"FLNRCAT\0".to_vec();
    bytes.extend_from_slice(&1u16.to_le_bytes());
    bytes.extend_from_slice(&flags.to_le_bytes());
    bytes.extend_from_slice(&crc32(body).to_le_bytes());
    bytes.extend_from_slice(body);
    bytes
}

/// A change to a [`Raw`] catalog, and what the decoder's complaint must mention.
type Mutation = (&'static str, fn(&mut Raw));

/// The fields of a binary catalog, as raw values; counts default to the true ones.
#[derive(Clone)]
struct Raw {
    shop: &'static str,
    kind: u8,
    dims: u32,
    facets: Vec<(&'static str, u8)>,
    text: &'static str,
    ends: Vec<u32>,
    taxonomy: Vec<&'static str>,
    facet_values: Vec<(u16, u32)>,
    id: Vec<u32>,
    title: Vec<u32>,
    category: Vec<u32>,
    attr_start: Vec<u32>,
    attrs: Vec<u32>,
    price: Vec<f64>,
    currency: Vec<u32>,
    available: Vec<u8>,
    popularity: Vec<f32>,
    released: Vec<u32>,
    sensitive: Vec<u32>,
    url: Vec<u32>,
    image: Vec<u32>,
    codes: Vec<i8>,
    scales: Vec<f32>,
    id_order: Vec<u32>,
    /// The bought-with start and lists; `Some` sets flag bit 0.
    bought_with: Option<(Vec<u32>, Vec<u32>)>,
    /// The category priors and the item priors; `Some` sets flag bit 1.
    repurchase: Option<(Vec<Prior>, Vec<Prior>)>,
    trailing: Vec<u8>,
    n: Option<u32>,
    facet_count: Option<u32>,
    text_len: Option<u32>,
    ends_count: Option<u32>,
    taxonomy_count: Option<u32>,
    facet_value_count: Option<u32>,
    attrs_count: Option<u32>,
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn put_u32s(out: &mut Vec<u8>, count: Option<u32>, values: &[u32]) {
    put_u32(out, count.unwrap_or(values.len() as u32));
    values.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
}

impl Raw {
    /// `SMALL_JSON`, as `Catalog::to_binary` must write it.
    fn small() -> Self {
        let scale = 1.0f32 / 127.0;
        Raw {
            shop: "s",
            kind: 0,
            dims: 2,
            facets: vec![("colour", 1)],
            // Interned item by item: attribute values, id, title, then the optional strings.
            text: "redaRedEURbluebBlue/b",
            ends: vec![3, 4, 7, 10, 14, 15, 19, 21],
            taxonomy: vec!["W", "W > Knit"],
            facet_values: vec![(0, 4), (0, 0)], // blue < red
            id: vec![1, 5],
            title: vec![2, 6],
            category: vec![1, 0],
            attr_start: vec![0, 1, 2],
            attrs: vec![1, 0],
            price: vec![9.5, f64::NAN],
            currency: vec![3, NO_STR],
            available: vec![1, 0],
            popularity: vec![0.5, 0.0],
            released: vec![NO_STR; 2],
            sensitive: vec![NO_STR; 2],
            url: vec![NO_STR, 7],
            image: vec![NO_STR; 2],
            codes: vec![127, 0, 0, 127],
            scales: vec![scale, scale],
            id_order: vec![0, 1], // "a" < "b"
            bought_with: None,
            repurchase: None,
            trailing: vec![],
            n: None,
            facet_count: None,
            text_len: None,
            ends_count: None,
            taxonomy_count: None,
            facet_value_count: None,
            attrs_count: None,
        }
    }

    fn body(&self) -> Vec<u8> {
        let mut b = Vec::new();
        put_str(&mut b, self.shop);
        b.push(self.kind);
        put_u32(&mut b, self.dims);
        put_u32(&mut b, self.facet_count.unwrap_or(self.facets.len() as u32));
        for (name, divergence) in &self.facets {
            put_str(&mut b, name);
            b.push(*divergence);
        }
        put_u32(&mut b, self.text_len.unwrap_or(self.text.len() as u32));
        b.extend_from_slice(self.text.as_bytes());
        put_u32s(&mut b, self.ends_count, &self.ends);
        put_u32(&mut b, self.taxonomy_count.unwrap_or(self.taxonomy.len() as u32));
        self.taxonomy.iter().for_each(|path| put_str(&mut b, path));
        put_u32(&mut b, self.facet_value_count.unwrap_or(self.facet_values.len() as u32));
        for (facet, value) in &self.facet_values {
            b.extend_from_slice(&facet.to_le_bytes());
            put_u32(&mut b, *value);
        }
        put_u32(&mut b, self.n.unwrap_or(self.id.len() as u32));
        for column in [&self.id, &self.title, &self.category, &self.attr_start] {
            put_u32s(&mut b, None, column);
        }
        put_u32s(&mut b, self.attrs_count, &self.attrs);
        put_u32(&mut b, self.price.len() as u32);
        self.price.iter().for_each(|p| b.extend_from_slice(&p.to_le_bytes()));
        put_u32s(&mut b, None, &self.currency);
        put_u32(&mut b, self.available.len() as u32);
        b.extend_from_slice(&self.available);
        put_u32(&mut b, self.popularity.len() as u32);
        self.popularity.iter().for_each(|p| b.extend_from_slice(&p.to_le_bytes()));
        for column in [&self.released, &self.sensitive, &self.url, &self.image] {
            put_u32s(&mut b, None, column);
        }
        put_u32(&mut b, self.codes.len() as u32);
        b.extend(self.codes.iter().map(|&c| c as u8));
        put_u32(&mut b, self.scales.len() as u32);
        self.scales.iter().for_each(|s| b.extend_from_slice(&s.to_le_bytes()));
        put_u32s(&mut b, None, &self.id_order);
        if let Some((start, lists)) = &self.bought_with {
            put_u32s(&mut b, None, start);
            put_u32s(&mut b, None, lists);
        }
        if let Some((categories, items)) = &self.repurchase {
            for priors in [categories, items] {
                put_u32(&mut b, priors.len() as u32);
                for &(at, share, interval_days, buyers) in priors {
                    put_u32(&mut b, at);
                    b.extend_from_slice(&share.to_le_bytes());
                    b.extend_from_slice(&interval_days.to_le_bytes());
                    put_u32(&mut b, buyers);
                }
            }
        }
        b.extend_from_slice(&self.trailing);
        b
    }

    fn decode(&self) -> Result<Catalog, Error> {
        let flags =
            u16::from(self.bought_with.is_some()) | (u16::from(self.repurchase.is_some()) << 1);
        Catalog::from_binary(&with_flags(&self.body(), flags))
    }
}

#[test]
fn the_encoder_writes_the_documented_layout() {
    assert_eq!(small().to_binary(), with_header(&Raw::small().body()));
    assert_same(&small(), &Raw::small().decode().unwrap());
}

#[test]
fn inconsistent_contents_are_refused_with_the_field_named() {
    let cases: Vec<Mutation> = vec![
        ("shop", |r| r.shop = " "),
        ("vector kind", |r| r.kind = 2),
        ("dims", |r| r.dims = 1025),
        ("facet divergence", |r| r.facets[0].1 = 2),
        ("facet 1", |r| r.facets = vec![("colour", 1), ("colour", 0)]),
        ("string ends", |r| r.ends[1] = 2),
        ("string text", |r| r.ends[7] = 20),
        ("string ends", |r| r.ends[7] = 22),
        ("taxonomy node 1", |r| r.taxonomy = vec!["W", "W>Knit"]),
        ("taxonomy node 0", |r| r.taxonomy = vec!["W > Knit", "W"]),
        ("taxonomy node 1", |r| r.taxonomy = vec!["W", "W"]),
        ("taxonomy node 1", |r| r.taxonomy = vec!["W", "W >  > Knit"]),
        ("facet value 1", |r| r.facet_values = vec![(0, 0), (0, 4)]),
        ("facet value 1", |r| r.facet_values = vec![(0, 4), (0, 4)]),
        ("facet value 0", |r| r.facet_values[0].0 = 1),
        ("facet value 1", |r| r.facet_values[1].1 = 8),
        ("id[1]", |r| r.id[1] = NO_STR),
        ("duplicate item id \"a\"", |r| r.id[1] = 1),
        ("title[0]", |r| r.title[0] = NO_STR),
        ("category[1]", |r| r.category[1] = 2),
        ("attr_start[0]", |r| r.attr_start[0] = 1),
        ("attr_start[2]", |r| r.attr_start[2] = 1),
        ("attr_start: count 2", |r| {
            r.attr_start.pop();
        }),
        ("attrs[0]", |r| r.attrs[0] = 2),
        ("attrs of item 0", |r| {
            r.attr_start = vec![0, 2, 2];
            r.attrs = vec![0, 1];
        }),
        ("price[0]", |r| r.price[0] = -1.0),
        ("price[1]", |r| r.price[1] = f64::INFINITY),
        ("currency[1]", |r| r.currency[1] = 8),
        ("available[0]", |r| r.available[0] = 2),
        ("popularity[1]", |r| r.popularity[1] = 1.5),
        ("popularity[1]", |r| r.popularity[1] = f32::NAN),
        ("image[0]", |r| r.image[0] = 100),
        ("url", |r| r.url.push(NO_STR)),
        ("codes: count 3", |r| r.codes.truncate(3)),
        ("codes[2]", |r| r.codes[2] = -128),
        ("scales: count 1", |r| {
            r.scales.pop();
        }),
        ("scales[0]", |r| r.scales[0] = f32::NAN),
        ("scales[1]", |r| r.scales[1] = -1.0),
    ];
    #[allow(clippy::type_complexity)]
    let id_order_cases: [(&str, fn(&mut Raw)); 4] = [
        ("id order: entry 1 (2) is out of range", |r| r.id_order = vec![0, 2]),
        ("id order: entry 1 (0) is out of range or repeated", |r| r.id_order = vec![0, 0]),
        ("id order: entry 1 is not in ascending id order", |r| r.id_order = vec![1, 0]),
        ("id order: count 1", |r| r.id_order = vec![0]),
    ];
    for (expected, mutate) in cases.into_iter().chain(id_order_cases) {
        let mut raw = Raw::small();
        mutate(&mut raw);
        let reason = corrupt_reason(raw.decode());
        assert!(reason.contains(expected), "expected {expected:?} in {reason:?}");
    }
}

#[test]
fn bought_with_lists_take_flag_bit_0_and_a_section_after_the_id_order() {
    let json = SMALL_JSON.replace(r#""vector":[1,0]"#, r#""vector":[1,0],"bought_with":["b"]"#);
    let catalog = Catalog::from_json_str(&json).unwrap();
    let mut raw = Raw::small();
    raw.bought_with = Some((vec![0, 1, 1], vec![1]));
    assert_eq!(catalog.to_binary(), with_flags(&raw.body(), 1));
    let decoded = raw.decode().unwrap();
    assert_same(&catalog, &decoded);
    assert_eq!((decoded.bought_with(0), decoded.bought_with(1)), (&[1][..], &[][..]));
    // Without lists, the flag and the section are absent: older readers read the bytes.
    assert_eq!(small().to_binary()[10..12], [0, 0]);
    assert!(!small().has_bought_with());
}

/// A stored repurchase prior: position, share, interval days, buyers.
type Prior = (u32, f32, f32, u32);

#[test]
fn repurchase_priors_take_flag_bit_1_and_a_section_after_the_others() {
    let json = SMALL_JSON.replace(
        r#""url":"/b"}]"#,
        r#""url":"/b"}], "repurchase": {"categories": {"W": {"share": 0.7, "interval_days": 9.5}},
           "items": {"b": {"share": 0.25, "interval_days": 30, "buyers": 21}}}"#,
    );
    let catalog = Catalog::from_json_str(&json).unwrap();
    let mut raw = Raw::small();
    raw.repurchase = Some((vec![(0, 0.7, 9.5, 0)], vec![(1, 0.25, 30.0, 21)]));
    assert_eq!(catalog.to_binary(), with_flags(&raw.body(), 2));
    let decoded = raw.decode().unwrap();
    assert_same(&catalog, &decoded);
    let w = Repurchase { share: 0.7, interval_days: 9.5, buyers: 0 };
    // Item a (W > Knit) inherits W's; item b has its own.
    assert_eq!(decoded.repurchase(0), Some(w));
    assert_eq!(
        decoded.repurchase(1),
        Some(Repurchase { share: 0.25, interval_days: 30.0, buyers: 21 })
    );
    assert_eq!((decoded.category_repurchase(1), decoded.repurchase(2)), (Some(w), None));
    // With bought-with lists too, both flags and both sections, bought-with first.
    raw.bought_with = Some((vec![0, 1, 1], vec![1]));
    let both = json.replace(r#""vector":[1,0]"#, r#""vector":[1,0],"bought_with":["b"]"#);
    let both = Catalog::from_json_str(&both).unwrap();
    assert_eq!(both.to_binary(), with_flags(&raw.body(), 3));
    assert_same(&both, &raw.decode().unwrap());
}

#[test]
fn a_file_written_before_the_repurchase_section_reads_without_priors() {
    // What builds before the section wrote: flags 0, nothing after the id order.
    let old = Raw::small().decode().unwrap();
    assert!(!old.has_repurchase());
    assert_eq!(
        (old.repurchase(0), old.repurchase(1), old.category_repurchase(0)),
        (None, None, None)
    );
    assert!(old.repurchase_categories().is_empty() && old.repurchase_items().is_empty());
    assert_eq!(small().to_binary()[10..12], [0, 0]);
}

#[test]
fn inconsistent_repurchase_sections_are_refused() {
    let ok = (0, 0.5, 7.0, 30);
    let cases: [(&str, Vec<Prior>, Vec<Prior>); 8] = [
        ("category 2 is out of range (2)", vec![(2, 0.5, 7.0, 30)], vec![]),
        ("item 2 is out of range (2)", vec![], vec![(2, 0.5, 7.0, 30)]),
        ("category 0 is not after the previous one", vec![ok, ok], vec![]),
        ("item 0 is not after the previous one", vec![], vec![(1, 0.5, 7.0, 3), ok]),
        ("share 1.5 is outside [0, 1]", vec![(0, 1.5, 7.0, 30)], vec![]),
        ("item 1: interval_days 0 is not", vec![], vec![(1, 0.5, 0.0, 30)]),
        ("interval_days NaN", vec![], vec![(0, 0.5, f32::NAN, 30)]),
        ("the flag is set but there is no prior", vec![], vec![]),
    ];
    for (expected, categories, items) in cases {
        let mut raw = Raw::small();
        raw.repurchase = Some((categories, items));
        let reason = corrupt_reason(raw.decode());
        assert!(reason.contains(expected), "expected {expected:?} in {reason:?}");
    }
    // The flag without the section, and a huge count.
    let raw = Raw::small();
    let reason = corrupt_reason(Catalog::from_binary(&with_flags(&raw.body(), 2)));
    assert!(reason.contains("truncated: category priors"), "{reason}");
    let mut body = raw.body();
    put_u32(&mut body, u32::MAX);
    let reason = corrupt_reason(Catalog::from_binary(&with_flags(&body, 2)));
    assert!(reason.contains("category priors: count 4294967295"), "{reason}");
}

/// A bought-with section: the starts, then the lists.
type Section = (Vec<u32>, Vec<u32>);

#[test]
fn inconsistent_bought_with_lists_are_refused() {
    let cases: [(&str, Section); 9] = [
        ("bought-with start[0]", (vec![1, 1, 1], vec![1])),
        ("bought-with start[2]", (vec![0, 1, 2], vec![1])),
        ("bought-with start[1]", (vec![0, 2, 1], vec![1])),
        ("bought-with start[1]", (vec![0, 9, 9], vec![1; 9])),
        ("bought-with start: count 2", (vec![0, 1], vec![1])),
        ("bought-with of item 0 at byte", (vec![0, 1, 1], vec![2])),
        ("is the item itself", (vec![0, 1, 1], vec![0])),
        ("is listed twice", (vec![0, 0, 2], vec![0, 0])),
        ("no item lists a neighbour", (vec![0, 0, 0], vec![])),
    ];
    for (expected, section) in cases {
        let mut raw = Raw::small();
        raw.bought_with = Some(section);
        let reason = corrupt_reason(raw.decode());
        assert!(reason.contains(expected), "expected {expected:?} in {reason:?}");
    }
    // The flag without the section, and a huge count.
    let raw = Raw::small();
    let reason = corrupt_reason(Catalog::from_binary(&with_flags(&raw.body(), 1)));
    assert!(reason.contains("truncated: bought-with start"), "{reason}");
    let mut body = raw.body();
    put_u32s(&mut body, None, &[0, 1, 1]);
    put_u32(&mut body, u32::MAX);
    let reason = corrupt_reason(Catalog::from_binary(&with_flags(&body, 1)));
    assert!(reason.contains("bought-with: count 4294967295"), "{reason}");
}

#[test]
fn the_same_id_text_under_two_string_ids_is_a_duplicate() {
    let mut raw = Raw::small();
    // "red" again as string 8: item a's id is string 0 ("red"), item b's string 8, the same text.
    raw.text = "redaRedEURbluebBlue/bred";
    raw.ends.push(24);
    raw.id = vec![0, 8];
    assert!(corrupt_reason(raw.decode()).contains("duplicate item id \"red\""));
}

#[test]
fn a_catalog_without_vectors_stores_no_scales() {
    let mut raw = Raw::small();
    raw.dims = 0;
    raw.codes.clear();
    raw.scales.clear();
    let catalog = raw.decode().unwrap();
    assert_eq!(catalog.vectors().dims(), 0);
    assert!(catalog.vectors().is_empty());
    raw.scales = vec![0.0, 0.0];
    assert!(corrupt_reason(raw.decode()).contains("scales"));
}

// ---------------------------------------------------------------------------
// Hostile input never panics

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = Catalog::from_binary(&bytes);
        let _ = Catalog::from_binary(&with_header(&bytes));
    }

    #[test]
    fn mutations_of_a_valid_encoding_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        fix_crc in any::<bool>(),
    ) {
        let mut bytes = varied().to_binary();
        for (at, value) in &edits {
            let at = at.index(bytes.len());
            bytes[at] = *value;
        }
        if truncate {
            bytes.truncate(16 + cut.index(bytes.len() - 16));
        }
        if fix_crc && bytes.len() >= 16 {
            bytes = with_fixed_crc(bytes);
        }
        if let Ok(catalog) = Catalog::from_binary(&bytes) {
            // Whatever is accepted is a consistent catalog that re-encodes to the same bytes.
            prop_assert_eq!(catalog.to_binary(), bytes);
            for item in catalog.iter() {
                prop_assert_eq!(catalog.index_of(item.id()), Some(item.index()));
                let _ = (item.category_path(), item.attributes().count(), item.url());
                let n = catalog.len() as u32;
                prop_assert!(catalog.bought_with(item.index()).iter().all(|&j| j < n));
            }
        }
    }

    #[test]
    fn random_small_catalogs_round_trip(catalog in small_catalog()) {
        let decoded = Catalog::from_binary(&catalog.to_binary()).unwrap();
        assert_same(&catalog, &decoded);
    }
}

fn small_catalog() -> impl Strategy<Value = Catalog> {
    let item = (
        0u8..4,
        prop::option::of(0u8..3),
        prop::option::of(0.0f64..1000.0),
        0.0f32..=1.0,
        any::<bool>(),
        prop::collection::vec(-5.0f32..5.0, 3),
    );
    prop::collection::vec(item, 0..12).prop_map(|items| {
        let len = items.len();
        let facets: SortedMap<String, FacetJson> = [("a", true), ("b", false)]
            .iter()
            .map(|&(n, d)| (n.to_owned(), FacetJson { divergence: d }))
            .collect();
        let items = items
            .into_iter()
            .enumerate()
            .map(|(i, (cat, colour, price, popularity, available, vector))| {
                let mut attributes = SortedMap::new();
                if let Some(c) = colour {
                    attributes.insert("a".to_owned(), format!("v{c}"));
                }
                if i % 3 == 0 {
                    attributes.insert("b".to_owned(), format!("w{}", i % 2));
                }
                ItemJson {
                    id: format!("id-{}", (i * 7) % 13),
                    title: format!("Item {i}"),
                    category: format!("Dept {} > Cat {cat}", cat % 2),
                    attributes,
                    price,
                    currency: price.map(|_| "EUR".to_owned()),
                    available,
                    popularity,
                    released: (i % 2 == 0).then(|| "2026-01-01".to_owned()),
                    sensitive: (i % 5 == 4).then(|| "health".to_owned()),
                    vector: Some(vector),
                    url: Some(format!("/p/{i}")),
                    image: None,
                    bought_with: (1..(i % 4))
                        .map(|k| (i + k) % len)
                        .filter(|&j| j != i)
                        .map(|j| format!("id-{}", (j * 7) % 13))
                        .collect(),
                }
            })
            .collect();
        let json = CatalogJson {
            version: 1,
            shop: "p".into(),
            dims: 3,
            vector_kind: VectorKind::Content,
            facets,
            items,
        };
        Catalog::from_json(json).unwrap()
    })
}

// ---------------------------------------------------------------------------
// Scale

fn synthetic(n: usize, dims: usize) -> CatalogJson {
    const COLOURS: [&str; 12] = [
        "red", "navy", "green", "black", "white", "grey", "mustard", "pink", "teal", "brown",
        "cream", "olive",
    ];
    const DEPARTMENTS: [&str; 4] = ["Women", "Men", "Kids", "Home"];
    const KINDS: [&str; 8] =
        ["Knitwear", "Shoes", "Dresses", "Coats", "Denim", "Shirts", "Bags", "Lamps"];
    let facets: SortedMap<String, FacetJson> = ["brand", "colour", "material", "style"]
        .iter()
        .map(|&name| (name.to_owned(), FacetJson { divergence: name != "brand" }))
        .collect();
    let mut rng = Rng::new(7);
    let items = (0..n)
        .map(|i| {
            // Ids in no particular order, as shops' SKUs tend to be.
            let sku = (i as u64).wrapping_mul(2_654_435_761) % 1_000_003;
            let colour = COLOURS[rng.below(12)];
            let kind = KINDS[rng.below(8)];
            let mut attributes = SortedMap::new();
            attributes.insert("colour".to_owned(), colour.to_owned());
            attributes.insert("brand".to_owned(), format!("Brand {}", rng.below(300)));
            attributes.insert("material".to_owned(), format!("material-{}", rng.below(20)));
            if i % 3 == 0 {
                attributes.insert("style".to_owned(), format!("style-{}", rng.below(10)));
            }
            ItemJson {
                id: format!("sku-{sku:07}"),
                title: format!("{colour} {kind} no. {i}"),
                category: format!("{} > {kind} > Line {}", DEPARTMENTS[rng.below(4)], rng.below(5)),
                attributes,
                price: (i % 10 != 0).then(|| rng.below(50_000) as f64 / 100.0),
                currency: Some("EUR".to_owned()),
                available: i % 17 != 0,
                popularity: rng.unit(),
                released: (i % 4 == 0)
                    .then(|| format!("2026-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))),
                sensitive: (i % 97 == 0).then(|| "health".to_owned()),
                vector: Some((0..dims).map(|_| rng.unit() * 2.0 - 1.0).collect()),
                url: Some(format!("/p/sku-{sku:07}")),
                image: Some(format!("/img/sku-{sku:07}.jpg")),
                bought_with: Vec::new(),
            }
        })
        .collect();
    CatalogJson {
        version: 1,
        shop: "synthetic".into(),
        dims,
        vector_kind: VectorKind::Content,
        facets,
        items,
    }
}

/// A large catalog round-trips (the 100k-item load time is measured by `make bench`, not here).
#[test]
fn a_large_catalog_round_trips() {
    let json = synthetic(20_000, 64);
    let started = Instant::now();
    let catalog = Catalog::from_json(json).unwrap();
    let from_json = started.elapsed();
    let bytes = catalog.to_binary();
    let started = Instant::now();
    let decoded = Catalog::from_binary(&bytes).unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "20k items × 64 dims: {:.1} MB binary, decoded in {:.2} ms (from parsed JSON structs: \
         {:.2} ms)",
        bytes.len() as f64 / 1e6,
        elapsed.as_secs_f64() * 1e3,
        from_json.as_secs_f64() * 1e3
    );
    assert_eq!(decoded.len(), 20_000);
    assert_eq!(decoded.vectors().len(), 20_000);
    for i in (0..decoded.len()).step_by(997) {
        let (a, b) = (catalog.item(i), decoded.item(i));
        assert_eq!((a.id(), a.title(), a.category_path()), (b.id(), b.title(), b.category_path()));
        assert_eq!(decoded.index_of(a.id()), Some(i));
        assert_eq!(catalog.vectors().get(i).0, decoded.vectors().get(i).0);
    }
    assert_eq!(decoded.to_binary(), bytes);
}

#[test]
fn a_binary_catalog_may_carry_only_http_or_relative_links() {
    let json = r#"{"version":1,"shop":"s","items":[
      {"id":"a","title":"A","category":"C","url":"https://a.example/p"}]}"#;
    let bytes = Catalog::from_json_str(json).unwrap().to_binary();
    assert!(Catalog::from_binary(&bytes).is_ok());
    // The same bytes with the link's scheme turned into another of the same length.
    let at = bytes.windows(5).position(|w| w == b"https").unwrap();
    let mut hostile = bytes.clone();
    hostile[at..at + 5].copy_from_slice(b"jscri");
    let err = Catalog::from_binary(&with_fixed_crc(hostile)).unwrap_err();
    assert_eq!(err.code(), "CATALOG_INVALID");
    assert!(err.to_string().contains("url[0]"), "{err}");
}

/// Why `bytes` edited by `edit`, its checksum made right again, is refused.
fn resealed_reason(bytes: &[u8], edit: &dyn Fn(&mut Vec<u8>)) -> String {
    let mut b = bytes.to_vec();
    edit(&mut b);
    let crc = crc32(&b[16..]);
    b[12..16].copy_from_slice(&crc.to_le_bytes());
    corrupt_reason(Catalog::from_binary(&b))
}

/// A catalog diverging along colour with the crowd's priors of two axes, as binary.
fn with_divergence_priors() -> Vec<u8> {
    let text = r#"{"version":1,"shop":"s","facets":{"colour":{"divergence":true}},
        "divergence_priors":{"category":{"accepted":1.0,"rejected":7.0},
                             "colour":{"accepted":2.5,"rejected":5.5}},
        "items":[{"id":"a","title":"A","category":"Knitwear","attributes":{"colour":"red"}}]}"#;
    Catalog::from_json_str(text).unwrap().to_binary()
}

#[test]
fn divergence_priors_round_trip_and_every_rule_of_their_section_is_checked() {
    let bytes = with_divergence_priors();
    let catalog = Catalog::from_binary(&bytes).unwrap();
    assert_eq!(
        catalog.divergence_prior("colour").map(|p| (p.accepted, p.rejected)),
        Some((2.5, 5.5))
    );
    assert_eq!(catalog.to_binary(), bytes, "a decoded catalog encodes to the same bytes");
    // The section is last: count, then per prior the axis, accepted, rejected.
    let section = bytes.len() - (4 + (4 + 8 + 8) + (4 + 6 + 8));
    let resealed = |edit: &dyn Fn(&mut Vec<u8>)| resealed_reason(&bytes, edit);
    let no_prior = resealed(&|b| {
        b.truncate(section);
        b.extend_from_slice(&0u32.to_le_bytes());
    });
    assert!(no_prior.contains("no prior"), "{no_prior}");
    // "colour" before "category": not ascending.
    let unordered = resealed(&|b| {
        let tail = b.split_off(section + 4);
        let (category, colour) = tail.split_at(4 + 8 + 8);
        b.extend_from_slice(colour);
        b.extend_from_slice(category);
    });
    assert!(unordered.contains("is not after"), "{unordered}");
    // accepted NaN.
    let nan = resealed(&|b| {
        let at = b.len() - 8;
        b[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    });
    assert!(nan.contains("finite"), "{nan}");
    // The flag without the section.
    let missing = resealed(&|b| b.truncate(section));
    assert!(missing.contains("divergence priors"), "{missing}");
}

/// A catalog asking about two departments apart, with a prior for one group, as binary.
fn with_report_departments() -> Vec<u8> {
    let text = r#"{"version":1,"shop":"s","facets":{"colour":{"divergence":true}},
        "report_departments":["Women","Men"],
        "divergence_priors":{"colour@Women":{"accepted":2.5,"rejected":5.5}},
        "items":[{"id":"a","title":"A","category":"Women > Knitwear",
                  "attributes":{"colour":"red"}}]}"#;
    Catalog::from_json_str(text).unwrap().to_binary()
}

#[test]
fn report_departments_round_trip_and_every_rule_of_their_section_is_checked() {
    let bytes = with_report_departments();
    let catalog = Catalog::from_binary(&bytes).unwrap();
    assert_eq!(catalog.report_departments(), ["Men", "Women"]);
    let prior = catalog.divergence_prior_for("colour", "Women > Knitwear");
    assert_eq!(prior.map(|p| p.accepted), Some(2.5));
    assert_eq!(catalog.divergence_prior_for("colour", "Men > Shirts"), None);
    assert_eq!(catalog.to_binary(), bytes, "a decoded catalog encodes to the same bytes");
    // The section is last: count, then each department.
    let section = bytes.len() - (4 + (4 + 3) + (4 + 5));
    let resealed = |edit: &dyn Fn(&mut Vec<u8>)| resealed_reason(&bytes, edit);
    let none = resealed(&|b| {
        b.truncate(section);
        b.extend_from_slice(&0u32.to_le_bytes());
    });
    assert!(none.contains("there is none"), "{none}");
    let unordered = resealed(&|b| {
        let tail = b.split_off(section + 4);
        let (men, women) = tail.split_at(4 + 3);
        b.extend_from_slice(women);
        b.extend_from_slice(men);
    });
    assert!(unordered.contains("is not after"), "{unordered}");
    // "Women" renamed "Wo>en": not a department's name.
    let malformed = resealed(&|b| {
        let at = b.len() - 3;
        b[at] = b'>';
    });
    assert!(malformed.contains("top-level category"), "{malformed}");
    // Without the departments, the group's prior names nothing the catalog asks about.
    let orphan = resealed(&|b| {
        b.truncate(section);
        b[10] &= !64;
    });
    assert!(orphan.contains("colour@Women"), "{orphan}");
}
