//! What the fuzz targets share: a driver that compiles bytes as a feed with
//! the catalog compiler's library (`flaneur-compiler`, `compiler/src/lib.rs`).
//!
//! Every target checks the same two things: no input panics, runs away or
//! exhausts memory (libFuzzer's `-rss_limit_mb` and `-timeout` enforce the
//! last two), and whatever is accepted survives its own round trip.

use std::path::PathBuf;

use flaneur::catalog::Catalog;
use flaneur_compiler::{compile, feeds};

/// A feed format the compiler reads.
#[derive(Debug, Clone, Copy)]
pub enum Feed {
    /// Merchant Center CSV.
    Csv,
    /// Merchant Center TSV.
    Tsv,
    /// Shopify `products.json`.
    Shopify,
    /// flaneur JSON v1.
    Json,
}

/// A side file given beside a feed.
#[derive(Debug, Clone, Copy)]
pub enum Side {
    /// `--popularity counts.csv`.
    Popularity,
    /// `--vectors embeddings.csv`.
    Vectors,
    /// `--co-purchases pairs.csv`.
    CoPurchases,
    /// `--orders orders.csv --min-buyers 2 --replenish "Shoes=30d"`.
    Orders,
    /// `--divergence-priors priors.json` (the small feed diverges along color).
    DivergencePriors,
}

/// A file of this process holding `bytes` (the readers take paths).
fn file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("flaneur-fuzz-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("the temporary directory is writable");
    path
}

/// The small valid Merchant Center feed the side-file target compiles.
const FEED: &str = "id,title,product_type,price,availability,color\n\
    a,Red sweater,Women > Knitwear,39.00 EUR,in stock,red\n\
    b,Navy sweater,Women > Knitwear,42.00 EUR,in stock,navy\n\
    c,Boots,Shoes > Boots,99.00 EUR,out of stock,brown\n";

/// Compiles `bytes` as a feed of `format` (with `dims` vector dimensions
/// learned from the text), and checks that an accepted catalog survives its
/// binary round trip unchanged.
pub fn compile_feed(format: Feed, bytes: &[u8], dims: usize) {
    let path = file("feed", bytes);
    let options = compile::Options {
        dims,
        base_url: String::new(),
        co_purchase_damping: 0.5,
        ..Default::default()
    };
    run(format, &path, options);
}

/// Compiles the small feed [`FEED`] with `bytes` as the side file `side`.
pub fn compile_with_side_file(side: Side, bytes: &[u8]) {
    let feed = file("side-feed.csv", FEED.as_bytes());
    let extra = file("side", bytes);
    let mut options = compile::Options {
        base_url: String::new(),
        co_purchase_damping: 0.5,
        ..Default::default()
    };
    match side {
        Side::Popularity => options.popularity = Some(extra),
        Side::Vectors => options.vectors_file = Some(extra),
        Side::CoPurchases => {
            options.co_purchases = Some(extra);
            options.dims = 2;
            options.bought_with = 3;
        }
        Side::Orders => {
            options.orders = Some(extra);
            options.min_buyers = 2;
            options.replenish = vec![("Shoes".into(), 30.0)];
        }
        Side::DivergencePriors => {
            options.divergence_priors = Some(extra);
            options.divergence = vec!["color".into()];
        }
    }
    run(Feed::Csv, &feed, options);
}

fn run(format: Feed, path: &std::path::Path, options: compile::Options) {
    let mut compiler = compile::Compiler::new(options);
    let read = match format {
        Feed::Csv => feeds::read_merchant(path, false, &mut compiler),
        Feed::Tsv => feeds::read_merchant(path, true, &mut compiler),
        Feed::Shopify => feeds::read_shopify(path, &mut compiler),
        Feed::Json => feeds::read_json(path, &mut compiler),
    };
    if read.is_err() {
        return;
    }
    if let Ok(catalog) = compiler.finish() {
        round_trip(&catalog);
    }
}

/// An accepted catalog must read back from its own binary form, equal.
pub fn round_trip(catalog: &Catalog) {
    let bytes = catalog.to_binary();
    let back = Catalog::from_binary(&bytes).expect("a catalog's own binary form reads back");
    assert_eq!(back.to_binary(), bytes, "binary round trip changed the catalog");
}

/// A small binary catalog carrying a sequence model (flag bit 2), and where
/// its model section starts: what the `sequence_model_section` target mutates.
pub fn catalog_with_model() -> &'static (Vec<u8>, usize) {
    use flaneur::catalog::{ModelShape, SequenceModel};
    static BYTES: std::sync::OnceLock<(Vec<u8>, usize)> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let mut catalog = Catalog::from_json_str(
            r#"{"version":1,"shop":"s","items":[
            {"id":"a","title":"A","category":"W > Knit"},{"id":"b","title":"B","category":"M"}]}"#,
        )
        .expect("a valid catalog");
        let shape = ModelShape { dims: 4, heads: 2, max_len: 3, ffn: 5, blocks: 2, events: true };
        let values = (0..shape.value_count()).map(|i| (i as f32 * 0.37).sin()).collect();
        let model = SequenceModel::from_values(shape, values).expect("a valid model");
        let embeddings: Vec<f32> = (0..8).map(|i| i as f32 - 3.5).collect();
        catalog.set_sequence_model(model, &embeddings).expect("a valid column");
        let bytes = catalog.to_binary();
        let section = bytes.len() - (17 + 4 + 2 * shape.value_count());
        (bytes, section)
    })
}

/// Runs the sequence model the catalog carries over a few of its items, so a
/// decoded model is also exercised (no input may make inference panic).
pub fn run_model(catalog: &Catalog) {
    use flaneur::sequence::{Encoder, Step, score_all};
    let Some(model) = catalog.sequence_model() else { return };
    let mut encoder = Encoder::new();
    for t in 0..2 * model.max_len() + 1 {
        let item = (t % (catalog.len() + 1)) as u32; // one past the end: skipped
        encoder.push(model, catalog.vectors(), Step { item, kind: (t % 4) as u8 });
    }
    if let Some(h) = encoder.state() {
        let _ = score_all(h, catalog.vectors());
    }
}

/// A small sharded catalog (issue #22): its manifest and files, a core of two
/// items with the sequence model of [`catalog_with_model`]'s shape and one
/// shard per department, as `flaneur catalog build --shards 1` writes them;
/// with `product_codes`, its vectors product-quantized first (`--vector-codes pq`).
pub fn sharded(
    product_codes: bool,
) -> &'static (flaneur::catalog::Manifest, Vec<(String, Vec<u8>)>) {
    use flaneur::catalog::Manifest;
    type Parts = (Manifest, Vec<(String, Vec<u8>)>);
    static INT8: std::sync::OnceLock<Parts> = std::sync::OnceLock::new();
    static CODED: std::sync::OnceLock<Parts> = std::sync::OnceLock::new();
    let cell = if product_codes { &CODED } else { &INT8 };
    cell.get_or_init(|| {
        let items: Vec<String> = (0..12)
            .map(|i| {
                format!(
                    r#"{{"id":"i{i}","title":"T{i}","category":"D{} > C{}","popularity":0.{i},
                    "vector":[{i},1,0,-1],"bought_with":["i{}"]}}"#,
                    i % 3,
                    i % 5,
                    (i + 3) % 12
                )
            })
            .collect();
        let text = format!(
            r#"{{"version":1,"shop":"s","dims":4,"vector_kind":"factors","items":[{}]}}"#,
            items.join(",")
        );
        let mut catalog = Catalog::from_json_str(&text).expect("a valid catalog");
        if product_codes {
            flaneur_compiler::product_codes::compact(&mut catalog, 1).expect("product codes");
        }
        let parts = catalog.split(1, 2).expect("a valid cut");
        Manifest::for_parts(&parts, 1).expect("a valid manifest")
    })
}
