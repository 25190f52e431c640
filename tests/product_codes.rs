//! Product-quantized vectors (`catalog build --vector-codes pq`,
//! docs/FORMATS.md "Catalog binary v1", flag bit 4): the engine ranks with
//! exactly the int8 rows the codes decode to, the binary format round-trips
//! them in fewer bytes and refuses hostile codebooks by name, and a sharded
//! catalog's shards join their core's codebook.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::Engine;
use flaneur::catalog::{CENTROIDS, Catalog, Codebook};
use flaneur::profile::{Event, EventKind};
use flaneur::rank::Request;
use flaneur::rank::nearest::nearest;
use flaneur::testkit::{Shape, catalog};
use flaneur::util::bytes::crc32;

const T0: i64 = 1_780_000_000_000;

/// 300 items over three departments, 16 dims, with bought-with lists.
fn int8_catalog() -> Catalog {
    let mut json = catalog(3, Shape { items: 300, dims: 16, leaves: 24, facets: 2 });
    for i in 0..60 {
        let ids = [(i * 7 + 1) % 300, (i * 13 + 5) % 300];
        json.items[i].bought_with =
            ids.iter().filter(|&&j| j != i).map(|j| format!("sku-{j:07}")).collect();
    }
    Catalog::from_json(json).unwrap()
}

/// A seeded codebook of 8 sub-spaces of two dimensions, and each item's codes
/// taken as its int8 row's nearest centroids would be (here: a hash of the
/// item and sub-space, so that items differ).
fn codes_for(catalog: &Catalog, seed: u64) -> (Codebook, Vec<u8>) {
    let mut state = seed;
    let mut next = || {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u32
    };
    let centroids: Vec<i8> =
        (0..16 * CENTROIDS).map(|_| ((next() % 255) as i32 - 127) as i8).collect();
    let book = Codebook::new(8, 2, centroids, 0.01).unwrap();
    let codes = (0..catalog.len() * 8).map(|_| (next() % 256) as u8).collect();
    (book, codes)
}

/// `int8_catalog` with product codes of `seed`.
fn coded(seed: u64) -> Catalog {
    let mut c = int8_catalog();
    let (book, codes) = codes_for(&c, seed);
    c.set_product_codes(book, codes).unwrap();
    c
}

fn view(engine: &mut Engine, item_id: &str, at: i64) {
    let event = Event { kind: EventKind::View { item_id: item_id.to_owned() }, at };
    engine.record(&event).unwrap();
}

#[test]
fn product_codes_rank_exactly_as_the_int8_rows_they_decode_to() {
    let pq = coded(7);
    let mut expanded = pq.clone();
    expanded.expand_product_codes();
    assert!(pq.vectors().codebook().is_some() && expanded.vectors().codebook().is_none());
    for i in 0..pq.len() {
        assert_eq!(pq.vectors().get(i), expanded.vectors().get(i), "item {i}");
    }
    // Slates, explanations and nearest neighbours: bit for bit the same.
    let (mut a, mut b) = (Engine::with_seed(pq.clone(), 3), Engine::with_seed(expanded.clone(), 3));
    let viewed = ["sku-0000004", "sku-0000013", "sku-0000101", "sku-0000250"];
    for (n, id) in viewed.iter().enumerate() {
        view(&mut a, id, T0 + n as i64 * 60_000);
        view(&mut b, id, T0 + n as i64 * 60_000);
    }
    let now = T0 + 3_600_000;
    for k in [6, 24, 60] {
        let request = Request { k, ..Request::default() };
        let (sa, sb) = (a.recommend(&request, now).unwrap(), b.recommend(&request, now).unwrap());
        assert!(!sa.items.is_empty());
        assert_eq!(sa, sb, "k {k}");
    }
    for id in ["sku-0000005", "sku-0000140"] {
        assert_eq!(a.explain(id, now).unwrap(), b.explain(id, now).unwrap());
    }
    let query: Vec<f32> = (0..16).map(|j| (j as f32 * 0.7).sin()).collect();
    assert_eq!(nearest(&pq, &query, 10).unwrap(), nearest(&expanded, &query, 10).unwrap());
    // And the int8 catalog they came from ranks otherwise: the codes are what is scored.
    let plain = Engine::with_seed(int8_catalog(), 3);
    assert_ne!(nearest(plain.catalog(), &query, 10).unwrap(), nearest(&pq, &query, 10).unwrap());
}

#[test]
fn product_codes_round_trip_the_binary_format_in_fewer_bytes() {
    let pq = coded(7);
    let bytes = pq.to_binary();
    let again = Catalog::from_binary(&bytes).unwrap();
    assert!(again.to_binary() == bytes, "a decoded catalog re-encodes to the same bytes");
    for i in 0..pq.len() {
        assert_eq!(again.vectors().get(i), pq.vectors().get(i), "item {i}");
    }
    // 16 dims: 8 code bytes an item instead of 16 codes and a 4-byte scale,
    // and the codebook (sub-spaces, 4 KB of centroids, scale, check) once.
    let int8 = int8_catalog().to_binary().len();
    let int8_section = 4 + 300 * 16 + 4 + 300 * 4;
    let pq_section = 4 + 4 + 16 * CENTROIDS + 4 + 4 + 4 + 300 * 8;
    assert_eq!(bytes.len() + int8_section, int8 + pq_section);
    // A catalog of a sequence model keeps int8 vectors.
    let mut with_model = int8_catalog();
    let shape = flaneur::catalog::ModelShape {
        dims: 16,
        heads: 2,
        max_len: 12,
        ffn: 24,
        blocks: 1,
        events: false,
    };
    flaneur::testkit::with_random_sequence_model(&mut with_model, shape, 5).unwrap();
    let (book, codes) = codes_for(&with_model, 1);
    let before = with_model.to_binary();
    let err = with_model.set_product_codes(book, codes).unwrap_err();
    assert_eq!(err.code(), "CATALOG_INVALID");
    assert!(with_model.to_binary() == before, "refused, unchanged");
}

/// Where the vector section of `bytes` (a catalog with product codes of
/// `book` and `n` items) starts: its sub-space count.
fn codebook_at(bytes: &[u8], book: &Codebook, n: usize) -> usize {
    let mut tail = book.check().to_le_bytes().to_vec();
    tail.extend_from_slice(&((n * book.subspaces()) as u32).to_le_bytes());
    let check = bytes.windows(8).position(|w| w == tail).expect("the codebook check");
    let centroids = if book.has_centroids() { book.centroids().len() } else { 0 };
    check - 4 - centroids - 4 - 4
}

fn fixed(mut bytes: Vec<u8>) -> Vec<u8> {
    let crc = crc32(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    bytes
}

fn corrupt_reason(bytes: Vec<u8>) -> String {
    match Catalog::from_binary(&fixed(bytes)) {
        Err(flaneur::Error::CatalogCorrupt { reason }) => reason,
        other => panic!("expected CATALOG_CORRUPT, got {:?}", other.map(|c| c.len())),
    }
}

#[test]
fn hostile_codebooks_are_refused_by_name() {
    let pq = coded(7);
    let book = pq.vectors().codebook().unwrap().clone();
    let bytes = pq.to_binary();
    let at = codebook_at(&bytes, &book, pq.len());
    assert_eq!(bytes[at..at + 4], 8u32.to_le_bytes(), "8 sub-spaces");
    let centroids_at = at + 8;
    let scale_at = centroids_at + book.centroids().len();
    let check_at = scale_at + 4;
    let edit = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = bytes.clone();
        f(&mut b);
        corrupt_reason(b)
    };
    assert!(edit(&|b| b[at] = 3).contains("3 sub-spaces of 16 dims"));
    assert!(edit(&|b| b[at..at + 4].copy_from_slice(&0u32.to_le_bytes())).contains("sub-spaces"));
    assert!(edit(&|b| b[centroids_at + 5] = 0x80).contains("-128"));
    assert!(
        edit(&|b| b[scale_at..scale_at + 4].copy_from_slice(&0f32.to_le_bytes()))
            .contains("codebook scale")
    );
    assert!(
        edit(&|b| b[scale_at..scale_at + 4].copy_from_slice(&f32::NAN.to_le_bytes()))
            .contains("codebook scale")
    );
    assert!(edit(&|b| b[check_at] ^= 1).contains("codebook check"));
    assert!(edit(&|b| b[centroids_at + 9] ^= 2).contains("codebook check"), "a centroid changed");
    // Without its centroids, a whole catalog cannot decode its codes.
    let mut without = bytes[..at + 4].to_vec();
    without.extend_from_slice(&0u32.to_le_bytes());
    without.extend_from_slice(&bytes[scale_at..]);
    without[at + 4..at + 8].copy_from_slice(&0u32.to_le_bytes());
    assert!(corrupt_reason(without).contains("no centroids"));
    // Bit 4 cleared: the codes are not read as int8 codes and scales.
    let cleared = edit(&|b| b[10] &= !16);
    assert!(!cleared.is_empty());
    // A truncation anywhere in the section is an error.
    for cut in [at + 2, centroids_at + 100, scale_at + 2, check_at + 3, check_at + 9] {
        assert!(!corrupt_reason(bytes[..cut].to_vec()).is_empty(), "cut at {cut}");
    }
}

#[test]
fn shards_name_their_cores_codebook_and_join_as_the_whole() {
    let pq = coded(7);
    let parts = pq.split(1, 30).unwrap();
    let book = pq.vectors().codebook().unwrap();
    assert!(parts[0].vectors().codebook().unwrap().has_centroids(), "the core holds them");
    for shard in &parts[1..] {
        let b = shard.vectors().codebook().unwrap();
        assert!(!b.has_centroids() && b.check() == book.check());
        // A shard read back keeps only the check; one with centroids is refused.
        let bytes = shard.to_binary();
        assert!(Catalog::from_binary(&bytes).unwrap().to_binary() == bytes);
        let at = codebook_at(&bytes, b, shard.len());
        let mut with = bytes[..at + 4].to_vec();
        with.extend_from_slice(&(book.centroids().len() as u32).to_le_bytes());
        with.extend(book.centroids().iter().map(|&c| c as u8));
        with.extend_from_slice(&bytes[at + 8..]);
        assert!(corrupt_reason(with).contains("a shard carries centroids"));
    }
    let joined = Catalog::from_parts(&parts).unwrap();
    assert_eq!(joined.len(), pq.len());
    for item in pq.iter() {
        let j = joined.index_of(item.id()).unwrap();
        assert_eq!(joined.vectors().get(j), pq.vectors().get(item.index()), "{}", item.id());
    }
    // In place, shard by shard, as a page joins them: the same rows.
    let mut held = Catalog::from_parts(&parts[..1]).unwrap();
    let mut layout = vec![(None, parts[0].len())];
    for shard in parts[1..].iter().rev() {
        let department = shard.part().unwrap().department.as_deref();
        held.join_shard_in_place(&layout, shard).unwrap();
        let at = layout.partition_point(|(d, _)| d.is_none_or(|d| Some(d) < department));
        layout.insert(at, (department, shard.len()));
    }
    for item in pq.iter() {
        let j = held.index_of(item.id()).unwrap();
        assert_eq!(held.vectors().get(j), pq.vectors().get(item.index()), "{}", item.id());
    }
    assert_eq!(held.vectors().codebook(), joined.vectors().codebook());
    // A shard of another codebook, or an int8 one, is not this core's.
    let other = coded(8).split(1, 30).unwrap();
    let plain = int8_catalog().split(1, 30).unwrap();
    for stranger in [&other[1], &plain[1]] {
        let err = Catalog::from_parts(&[parts[0].clone(), stranger.clone()]).unwrap_err();
        assert_eq!(err.code(), "CATALOG_INVALID", "{err}");
        let mut held = Catalog::from_parts(&parts[..1]).unwrap();
        let before = held.to_binary();
        let layout = [(None, parts[0].len())];
        let err = held.join_shard_in_place(&layout, stranger).unwrap_err().to_string();
        assert!(err.contains("differs from its core in shop, facets or vectors"), "{err}");
        assert!(held.to_binary() == before, "refused, unchanged");
    }
}

/// The page's fixtures (tests/web.rs): `catalog-60-pq.bin` is `flaneur catalog
/// build tests/fixtures/catalog-60.json --vector-codes pq` (the compiler's
/// tests check that), and `catalog-60-pq-expanded.bin` the same catalog with
/// its codes expanded to int8 rows, which must rank alike in the page too.
/// `FLANEUR_WRITE_FIXTURES=1` writes the second again.
#[test]
fn the_pages_product_code_fixtures_are_in_step() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let pq = Catalog::from_binary(&std::fs::read(dir.join("catalog-60-pq.bin")).unwrap()).unwrap();
    assert_eq!(pq.vectors().codebook().map(|b| (b.subspaces(), b.width())), Some((8, 2)));
    let mut expanded = pq.clone();
    expanded.expand_product_codes();
    let path = dir.join("catalog-60-pq-expanded.bin");
    if std::env::var_os("FLANEUR_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, expanded.to_binary()).unwrap();
    }
    assert!(std::fs::read(&path).unwrap() == expanded.to_binary(), "{} is stale", path.display());
}
