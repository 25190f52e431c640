//! The catalog compiler's command line (`flaneur catalog …`) on the feeds in
//! `tests/fixtures/feeds/`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flaneur::catalog::{Catalog, Repurchase, VectorKind};

const BIN: &str = env!("CARGO_BIN_EXE_flaneur");

fn feed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds").join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("the flaneur binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

/// Builds `feed` into a temporary catalog and loads it back.
fn build(feed_name: &str, out: &str, extra: &[&str]) -> (Catalog, Vec<u8>) {
    let out = tmp(out);
    let input = feed(feed_name);
    let mut args = vec!["catalog", "build", input.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(
        o.status.success(),
        "build failed: {}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    let bytes = std::fs::read(&out).expect("catalog written");
    (Catalog::from_binary(&bytes).expect("a valid binary catalog"), bytes)
}

#[test]
fn merchant_center_csv_builds_with_facets_sensitive_classes_and_popularity() {
    let popularity = feed("popularity.csv");
    let (c, _) = build(
        "merchant.csv",
        "merchant.bin",
        &[
            "--divergence",
            "color,material",
            "--sensitive",
            "Health=health",
            "--popularity",
            popularity.to_str().unwrap(),
        ],
    );
    assert_eq!(c.len(), 19);
    assert_eq!(c.shop(), "merchant");
    let names: Vec<&str> = c.facets().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["brand", "color", "gender", "material", "size"]);
    assert!(c.facets().iter().all(|f| f.divergence == (f.name == "color" || f.name == "material")));
    let sweater = c.item(c.index_of("SW-001").unwrap());
    assert_eq!(sweater.title(), "Red merino crew-neck sweater");
    assert_eq!(sweater.category_path(), "Women > Knitwear > Sweaters");
    assert_eq!(sweater.price(), Some(89.0));
    assert_eq!(sweater.currency(), Some("EUR"));
    assert_eq!(sweater.url(), Some("https://shop.example/p/sw-001"));
    assert_eq!(sweater.popularity(), 1.0);
    let color = c.facet_index("color").unwrap();
    assert!(sweater.attributes().any(|(f, v)| f == color && v == "red"));
    // out of stock → unavailable; backorder and preorder can be ordered.
    assert!(!c.item(c.index_of("SW-003").unwrap()).available());
    assert!(c.item(c.index_of("JN-003").unwrap()).available());
    assert!(c.item(c.index_of("SH-002").unwrap()).available());
    assert_eq!(c.item(c.index_of("HL-001").unwrap()).sensitive(), Some("health"));
    assert_eq!(c.item(c.index_of("BT-001").unwrap()).sensitive(), None);
    let p = c.item(c.index_of("SH-001").unwrap()).popularity();
    assert!(p > 0.4 && p < 0.6, "log-scaled: {p}");
    assert_eq!(c.item(c.index_of("HM-001").unwrap()).popularity(), 0.0);
    // Computed content vectors: 64 dims, unit length, similar items closer.
    let v = c.vectors();
    assert_eq!((v.dims(), v.len()), (64, 19));
    let dot = |a: &str, b: &str| {
        let (x, y) = (v.dequantize(c.index_of(a).unwrap()), v.dequantize(c.index_of(b).unwrap()));
        x.iter().zip(&y).map(|(p, q)| p * q).sum::<f32>()
    };
    assert!(dot("JN-001", "JN-002") > dot("JN-001", "HM-002"));
}

#[test]
fn tsv_is_sniffed_and_column_mapping_renames_facets() {
    let (c, _) = build(
        "merchant.tsv",
        "merchant-tsv.bin",
        &["--facet", "color=colour", "--divergence", "colour", "--dims", "32"],
    );
    assert_eq!(c.len(), 11);
    assert!(c.facet_index("colour").is_some_and(|i| c.facets()[i as usize].divergence));
    assert!(c.facet_index("color").is_none());
    assert_eq!(c.vectors().dims(), 32);
}

#[test]
fn shopify_products_are_items_and_variants_fold_into_them() {
    let (c, _) = build(
        "shopify-products.json",
        "shopify.bin",
        &["--currency", "EUR", "--base-url", "https://shop.example/"],
    );
    assert_eq!(c.len(), 4, "one item per product, not per variant");
    let merino = c.item(c.index_of("7001").unwrap());
    assert_eq!(merino.price(), Some(84.0), "the lowest variant price");
    assert_eq!(merino.currency(), Some("EUR"));
    assert!(merino.available());
    assert_eq!(merino.url(), Some("https://shop.example/products/merino-crew-neck-sweater"));
    assert_eq!(merino.image(), Some("https://cdn.shop.example/merino-red.jpg"));
    let attrs: Vec<(String, &str)> =
        merino.attributes().map(|(f, v)| (c.facets()[f as usize].name.clone(), v)).collect();
    // The first available variant (Red / M) gives the option values; vendor is the brand.
    assert_eq!(
        attrs,
        [("brand".to_string(), "Alder"), ("color".to_string(), "Red"), ("size".to_string(), "M")]
    );
    assert!(!c.item(c.index_of("7002").unwrap()).available(), "no variant available");
    assert!(c.facet_index("title").is_none(), "Shopify's placeholder option is not a facet");
}

#[test]
fn json_v1_round_trips_to_binary_and_inspect() {
    let (c, _) = build("catalog-v1.json", "v1.bin", &[]);
    let original =
        Catalog::from_json_str(&std::fs::read_to_string(feed("catalog-v1.json")).unwrap()).unwrap();
    assert_eq!(c.shop(), "json-shop");
    assert_eq!(c.len(), original.len());
    for (a, b) in c.iter().zip(original.iter()) {
        assert_eq!((a.id(), a.title(), a.category_path()), (b.id(), b.title(), b.category_path()));
        assert_eq!(
            (a.price(), a.available(), a.popularity(), a.sensitive()),
            (b.price(), b.available(), b.popularity(), b.sensitive())
        );
        assert_eq!(a.released(), b.released());
        assert_eq!(a.attributes().collect::<Vec<_>>(), b.attributes().collect::<Vec<_>>());
    }
    let o = run(&["catalog", "inspect", tmp("v1.bin").to_str().unwrap()]);
    assert!(o.status.success());
    let text = stdout(&o);
    for line in [
        "shop: json-shop",
        "items: 4 (3 available, 2 priced, 1 sensitive, 1 with popularity)",
        "facets: 2 (5 distinct values)",
        "  brand: 2 values",
        "  colour: 3 values, divergence",
        "vectors: 4 x 64 dims, content, int8 with one f32 scale per item (272 bytes)",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} missing from:\n{text}");
    }
    assert!(text.contains("  norm: mean 1.0") || text.contains("  norm: mean 0.99"), "{text}");
    assert!(
        text.contains(&format!("size: {} bytes", std::fs::metadata(tmp("v1.bin")).unwrap().len()))
    );
}

#[test]
fn the_same_feed_gives_byte_identical_catalogs() {
    for (name, extra) in [
        ("merchant.csv", &["--sensitive", "Health=health"][..]),
        ("shopify-products.json", &[][..]),
        ("catalog-v1.json", &[][..]),
    ] {
        let (_, a) = build(name, &format!("{name}.1.bin"), extra);
        let (_, b) = build(name, &format!("{name}.2.bin"), extra);
        assert!(a == b, "{name}: two builds differ");
    }
}

#[test]
fn validate_reports_every_problem_with_line_and_column() {
    let input = feed("malformed.csv");
    let o = run(&["catalog", "validate", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let prefix = format!("{}: ", input.display());
    let lines: Vec<String> =
        stdout(&o).lines().map(|l| l.strip_prefix(&prefix).unwrap_or(l).to_string()).collect();
    assert_eq!(
        lines,
        [
            "line 3, column title: empty title",
            "line 4, column id: duplicate id \"A-1\" (first at line 2)",
            "line 5, column price: \"forty EUR\" is not a price like \"49.90 EUR\"",
            "line 6, column availability: \"sold out\" is not one of in stock, out of stock, \
             preorder, backorder",
            "line 7, column price: \"12.00 EURO\": \"EURO\" is not an ISO 4217 currency code",
            "line 7, column availability: \"maybe\" is not one of in stock, out of stock, \
             preorder, backorder",
            "line 8, column product_type: empty level in \"Women >  > Knitwear\"",
            "line 9, column id: empty id",
            "line 11, column (row): has 3 fields, the header has 8",
        ]
    );
    // build reports the same problems and writes nothing.
    let out = tmp("malformed.bin");
    let _ = std::fs::remove_file(&out);
    let o = run(&["catalog", "build", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 9);
    assert!(!out.exists());
}

/// The problems of `feed`'s lines as `catalog validate` reports them, without the path.
fn validate_lines(input: &Path) -> Vec<String> {
    let o = run(&["catalog", "validate", input.to_str().unwrap()]);
    let prefix = format!("{}: ", input.display());
    stdout(&o).lines().map(|l| l.strip_prefix(&prefix).unwrap_or(l).to_string()).collect()
}

#[test]
fn problems_name_the_files_physical_lines_whatever_its_line_endings() {
    let lf = std::fs::read_to_string(feed("malformed.csv")).unwrap();
    let want = validate_lines(&feed("malformed.csv"));
    assert_eq!(want.len(), 9, "{want:?}");
    // As spreadsheet programs and Python's csv module write it (CRLF), and old Macs (a lone CR).
    for (name, ending) in [("crlf", "\r\n"), ("cr", "\r")] {
        let path = tmp(&format!("malformed-{name}.csv"));
        std::fs::write(&path, lf.replace('\n', ending)).unwrap();
        assert_eq!(validate_lines(&path), want, "{name} line endings");
    }
    // A quoted title over two lines: the rows after it are a line further down.
    for (name, ending) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let text = lf.replace("Red sweater", "\"Red\nsweater\"").replace('\n', ending);
        let path = tmp(&format!("malformed-spanning-{name}.csv"));
        std::fs::write(&path, text).unwrap();
        let got = validate_lines(&path);
        let first = got.first().cloned().unwrap_or_default();
        assert!(first.starts_with("line 4, column title: empty title"), "{name}: {got:?}");
        assert!(got[1].contains("(first at line 2)"), "{name}: {got:?}");
        assert!(got.last().unwrap().starts_with("line 12, column (row)"), "{name}: {got:?}");
    }
}

/// A Merchant Center feed as shops export it (`fixtures/feeds/merchant-wild.csv`): variants
/// in item groups, decimal commas, a sale, images only in `additional_image_link`, numeric
/// Google categories and columns flaneur does not read.
fn wild_feed() -> String {
    std::fs::read_to_string(feed("merchant-wild.csv")).unwrap()
}

#[test]
fn merchant_center_feeds_as_shops_export_them() {
    let input = tmp("wild.csv");
    std::fs::write(&input, wild_feed().replace('\n', "\r\n")).unwrap(); // as CRLF lines
    let out = tmp("wild.bin");
    let args = ["catalog", "build", input.to_str().unwrap(), "-o", out.to_str().unwrap()];
    let o = run(&[&args[..], &["--at", "2026-11-28T12:00Z"]].concat());
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{}{err}", stdout(&o));
    let catalog = Catalog::from_binary(&std::fs::read(&out).unwrap()).unwrap();
    let ids: Vec<&str> = catalog.iter().map(|item| item.id()).collect();
    assert_eq!(ids, ["SH", "MUG-1", "MUG-2", "CAP-1", "BAG-1"], "one item per group");
    let item = |id: &str| catalog.item(catalog.index_of(id).unwrap());
    // The group: its first orderable row (red L), its lowest price (blue M's), orderable.
    let shirt = item("SH");
    assert_eq!(
        (shirt.title(), shirt.price(), shirt.available()),
        ("Shirt red L", Some(39.9), true)
    );
    assert_eq!(shirt.attributes().map(|(_, v)| v).collect::<Vec<_>>(), ["red", "L"]);
    assert_eq!(item("MUG-1").price(), Some(9.0), "on sale at --at");
    assert_eq!(item("MUG-2").price(), Some(10.0), "its sale is over");
    let cap = item("CAP-1");
    assert_eq!((cap.price(), cap.image()), (Some(1299.0), Some("https://s/i/cap-1.jpg")));
    assert_eq!(cap.category_path(), "Google product category 173");
    let bag = item("BAG-1");
    assert_eq!((bag.price(), bag.available()), (Some(1299.0), true));
    assert_eq!(bag.category_path(), "Apparel & Accessories > Handbags");
    // What the feed uses that flaneur cannot, once, not per line.
    for note in [
        "columns flaneur does not use: gtin (2 rows), condition (4 rows)",
        "3 rows in 1 item groups (item_group_id), one item each",
        "1 items take their category from a numeric google_product_category",
        "1 sale prices in effect, 1 not at the time of the build",
    ] {
        assert!(err.contains(note), "{note:?} missing from:\n{err}");
    }
    assert_eq!(err.matches("gtin").count(), 1, "{err}");
    // A sale a week later is over: the mug costs its price again.
    let o = run(&[&args[..], &["--at", "2026-12-05"]].concat());
    assert!(o.status.success());
    let later = Catalog::from_binary(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(later.item(later.index_of("MUG-1").unwrap()).price(), Some(12.0));
}

#[test]
fn a_variants_problems_are_reported_at_its_own_line() {
    let input = tmp("wild-bad.csv");
    let text = wild_feed()
        .replace("39.90 EUR,,,backorder", "forty EUR,,,backorder")
        .replace("2025-11-27T00:00+0100/", "soon/");
    std::fs::write(&input, text).unwrap();
    let lines = validate_lines(&input);
    assert_eq!(
        lines,
        [
            "line 4, column price: \"forty EUR\" is not a price like \"49.90 EUR\"",
            "line 6, column sale_price_effective_date: \"soon/2025-11-30T23:59+0100\" is not a \
             start and an end in ISO 8601 joined by \"/\" (2026-11-27T00:00+0100/\
             2026-11-30T23:59+0100)",
        ]
    );
}

#[test]
fn shopify_problems_name_the_json_path() {
    let o = run(&["catalog", "validate", feed("malformed-shopify.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    for p in [
        "products[1].variants[0].price: \"ten\" is not a price",
        "products[1].id: duplicate id \"1\" (first at products[0])",
        "products[1].title: empty title",
        "products[2].id: empty id",
        "products[2].product_type: empty level in \"Home >\"",
    ] {
        assert!(text.contains(p), "{p:?} missing from:\n{text}");
    }
}

#[test]
fn validate_accepts_a_good_feed_and_options_are_checked() {
    let o = run(&["catalog", "validate", feed("merchant.csv").to_str().unwrap()]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("ok, 19 items"));
    let o = run(&[
        "catalog",
        "validate",
        feed("merchant.csv").to_str().unwrap(),
        "--divergence",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("--divergence \"nope\": no such facet"));
    let o = run(&["catalog", "inspect", feed("merchant.csv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "a CSV is not a binary catalog");
}

#[test]
fn shop_supplied_vectors_are_read_from_a_column() {
    let input = tmp("vectors.csv");
    std::fs::write(
        &input,
        "id,title,product_type,embedding\na,Red sweater,Knitwear,\"[3, 4, 0]\"\n\
         b,Blue jeans,Denim,0 0 1\nc,Bad,Denim,1 x 2\n",
    )
    .unwrap();
    let o = run(&["catalog", "validate", input.to_str().unwrap(), "--vector-column", "embedding"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("line 4, column embedding: \"x\" is not a number"),
        "{}",
        stdout(&o)
    );
    std::fs::write(
        &input,
        "id,title,product_type,embedding\na,Red sweater,Knitwear,\"[3, 4, 0]\"\n\
         b,Blue jeans,Denim,0 0 1\n",
    )
    .unwrap();
    let out = tmp("vectors.bin");
    let o = run(&[
        "catalog",
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--vector-column",
        "embedding",
    ]);
    assert!(o.status.success(), "{}", stdout(&o));
    let c = Catalog::from_binary(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(c.vectors().dims(), 3);
    let v = c.vectors().dequantize(0);
    assert!((v[0] - 0.6).abs() < 0.01 && (v[1] - 0.8).abs() < 0.01);
}

/// Dot product of two items' dequantized vectors.
fn dot(c: &Catalog, a: &str, b: &str) -> f32 {
    let v = c.vectors();
    let (x, y) = (v.dequantize(c.index_of(a).unwrap()), v.dequantize(c.index_of(b).unwrap()));
    x.iter().zip(&y).map(|(p, q)| p * q).sum()
}

#[test]
fn shop_embeddings_are_read_from_a_separate_file() {
    let vectors = feed("embeddings.csv");
    let (c, _) = build("merchant.csv", "embedded.bin", &["--vectors", vectors.to_str().unwrap()]);
    assert_eq!((c.vectors().dims(), c.vectors().len()), (6, 19));
    assert_eq!(c.vector_kind(), VectorKind::Content);
    // SW-002's line: -0.884,0.015,-0.925,-0.133,-0.860,-0.819, stored unit length.
    let given = [-0.884f32, 0.015, -0.925, -0.133, -0.860, -0.819];
    let norm = given.iter().map(|x| x * x).sum::<f32>().sqrt();
    let stored = c.vectors().dequantize(c.index_of("SW-002").unwrap());
    assert!(given.iter().zip(&stored).all(|(g, s)| (g / norm - s).abs() < 0.01), "{stored:?}");
    // As learned factors, their magnitude is kept.
    let (f, _) = build(
        "merchant.csv",
        "embedded-factors.bin",
        &["--vectors", vectors.to_str().unwrap(), "--vector-kind", "factors"],
    );
    assert_eq!(f.vector_kind(), VectorKind::Factors);
    let stored = f.vectors().dequantize(f.index_of("SW-002").unwrap());
    assert!(given.iter().zip(&stored).all(|(g, s)| (g - s).abs() < 0.01), "{stored:?}");
}

/// The rows of `embeddings.csv`: each item's id and vector.
fn embedding_rows() -> Vec<(String, Vec<f32>)> {
    let text = std::fs::read_to_string(feed("embeddings.csv")).unwrap();
    let rows = text.lines().skip(1).map(|line| {
        let mut fields = line.split(',');
        let id = fields.next().unwrap().to_string();
        (id, fields.map(|x| x.parse().unwrap()).collect())
    });
    rows.collect()
}

/// Writes `rows` as Parquet: `schema` names an id column and either a list of
/// floats or one double column per dimension (`one_column_per_dimension`).
fn write_parquet(path: &Path, schema: &str, ids: Ids, rows: &[Vec<f32>], per_dimension: bool) {
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, FloatType, Int32Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    let schema = std::sync::Arc::new(parquet::schema::parser::parse_message_type(schema).unwrap());
    let props = WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .set_max_row_group_size(7) // several row groups
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = SerializedFileWriter::new(file, schema, std::sync::Arc::new(props)).unwrap();
    for chunk in (0..rows.len()).collect::<Vec<_>>().chunks(7) {
        let mut group = writer.next_row_group().unwrap();
        let mut column = group.next_column().unwrap().unwrap();
        match &ids {
            Ids::Text(ids) => {
                let ids: Vec<ByteArray> = chunk.iter().map(|&r| ids[r].as_str().into()).collect();
                let defined = vec![1i16; ids.len()];
                column.typed::<ByteArrayType>().write_batch(&ids, Some(&defined), None).unwrap();
            }
            Ids::Numbers(ids) => {
                let ids: Vec<i32> = chunk.iter().map(|&r| ids[r]).collect();
                column.typed::<Int32Type>().write_batch(&ids, None, None).unwrap();
            }
        }
        column.close().unwrap();
        if per_dimension {
            let dimension = |d: usize| chunk.iter().map(|&r| f64::from(rows[r][d])).collect();
            for values in (0..rows[0].len()).map(dimension) {
                let values: Vec<f64> = values;
                let mut column = group.next_column().unwrap().unwrap();
                let defined = vec![1i16; values.len()];
                column.typed::<DoubleType>().write_batch(&values, Some(&defined), None).unwrap();
                column.close().unwrap();
            }
        } else {
            // An optional list of required floats: definition level 2, a new row at repetition 0.
            let mut column = group.next_column().unwrap().unwrap();
            let values: Vec<f32> = chunk.iter().flat_map(|&r| rows[r].clone()).collect();
            let defined = vec![2i16; values.len()];
            let repeated: Vec<i16> =
                chunk.iter().flat_map(|&r| (0..rows[r].len()).map(|k| i16::from(k > 0))).collect();
            let typed = column.typed::<FloatType>();
            typed.write_batch(&values, Some(&defined), Some(&repeated)).unwrap();
            column.close().unwrap();
        }
        group.close().unwrap();
    }
    writer.close().unwrap();
}

/// The ids of [`write_parquet`]'s rows: text (pandas, polars) or integers (Spark).
enum Ids {
    Text(Vec<String>),
    Numbers(Vec<i32>),
}

const LIST_OF_FLOATS: &str = "message spark_schema { optional binary id (STRING); \
     optional group features (LIST) { repeated group list { required float element; } } }";

#[test]
fn embeddings_are_read_from_parquet_as_a_distributed_trainer_writes_them() {
    let rows = embedding_rows();
    let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let vectors: Vec<Vec<f32>> = rows.iter().map(|r| r.1.clone()).collect();
    let csv = feed("embeddings.csv");
    let (_, from_csv) = build("merchant.csv", "pq-csv.bin", &["--vectors", csv.to_str().unwrap()]);
    // A list column (Spark's itemFactors, pyarrow's list<float>), and a column per dimension.
    let columns = "message schema { optional binary id (STRING); optional double e1; \
         optional double e2; optional double e3; optional double e4; optional double e5; \
         optional double e6; }";
    for (name, schema, per_dimension) in
        [("list", LIST_OF_FLOATS, false), ("columns", columns, true)]
    {
        let path = tmp(&format!("vectors-{name}.parquet"));
        write_parquet(&path, schema, Ids::Text(ids.clone()), &vectors, per_dimension);
        let out = format!("pq-{name}.bin");
        let (_, bytes) = build("merchant.csv", &out, &["--vectors", path.to_str().unwrap()]);
        assert!(bytes == from_csv, "{name}: the catalog the CSV file gives");
    }
    // Spark's own: integer ids, `required int32 id`.
    let feed_path = tmp("numeric-ids.csv");
    std::fs::write(&feed_path, "id,title,product_type\n7,Seven,Toys\n8,Eight,Toys\n9,Nine,Books\n")
        .unwrap();
    let spark = tmp("item-factors.parquet");
    let schema = LIST_OF_FLOATS.replace("optional binary id (STRING)", "required int32 id");
    let factors = vec![vec![1.0, 0.0, 0.5], vec![0.9, 0.1, 0.4], vec![0.0, 1.0, 0.0]];
    write_parquet(&spark, &schema, Ids::Numbers(vec![7, 8, 9]), &factors, false);
    let out = tmp("numeric-ids.bin");
    let o = run(&[
        "catalog",
        "build",
        feed_path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--vectors",
        spark.to_str().unwrap(),
        "--vector-kind",
        "factors",
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    let c = Catalog::from_binary(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!((c.vector_kind(), c.vectors().dims()), (VectorKind::Factors, 3));
    let seven = c.vectors().dequantize(c.index_of("7").unwrap());
    assert!(seven.iter().zip([1.0, 0.0, 0.5]).all(|(s, g)| (s - g).abs() < 0.01), "{seven:?}");
}

#[test]
fn parquet_vector_problems_name_the_row() {
    let rows = embedding_rows();
    let mut ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let mut vectors: Vec<Vec<f32>> = rows.iter().map(|r| r.1.clone()).collect();
    vectors[2].pop(); // row 3: too short
    ids[4] = ids[0].clone(); // row 5: the first row's id again
    let path = tmp("bad-vectors.parquet");
    write_parquet(&path, LIST_OF_FLOATS, Ids::Text(ids.clone()), &vectors, false);
    let input = feed("merchant.csv");
    let validate = |vectors: &Path| {
        let args = ["catalog", "validate", input.to_str().unwrap(), "--vectors"];
        run(&[&args[..], &[vectors.to_str().unwrap()]].concat())
    };
    let o = validate(&path);
    assert_eq!(o.status.code(), Some(1));
    let (out, v) = (stdout(&o), path.display());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!("{v}: row 3, column vector: has 5 values, the first vector has 6")
    );
    let twice = format!("{v}: row 5, column id: \"{}\" already has a vector (row 1)", ids[0]);
    assert_eq!(lines[1], twice);
    // A truncated file: one clear error, nothing built.
    let bytes = std::fs::read(&path).unwrap();
    let cut = tmp("cut-vectors.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let o = validate(&cut);
    let err = String::from_utf8_lossy(&o.stderr).into_owned() + &stdout(&o);
    assert_ne!(o.status.code(), Some(0));
    assert!(err.contains("not readable Parquet"), "{err}");
    // Metadata the parquet crate's reader panics on (found by the `side_files` fuzz
    // target): the same one problem, and the compiler lives on to say it.
    let o = validate(&feed("corrupt-metadata.parquet"));
    let err = String::from_utf8_lossy(&o.stderr).into_owned() + &stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("not readable Parquet: the reader failed on it"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn embedding_file_problems_are_all_reported() {
    let vectors = tmp("bad-embeddings.tsv");
    let good = "0.1\t0.2\t0.3";
    let mut text = String::from("id\te1\te2\te3\n");
    for id in [
        "SW-001", "SW-002", "SW-003", "JN-001", "JN-002", "JN-003", "SH-001", "SH-002", "SH-003",
        "HM-001",
    ] {
        text.push_str(&format!("{id}\t{good}\n"));
    }
    text.push_str("HM-002\t0.1\t0.2\n"); // line 12: too short
    text.push_str("HM-003\t0.1\tlots\t0.3\n"); // line 13: not a number
    text.push_str("SW-001\t0.3\t0.2\t0.1\n"); // line 14: given twice
    text.push_str("GONE-1\t0.3\t0.2\t0.1\n"); // not in the feed: ignored
    std::fs::write(&vectors, text).unwrap();
    let input = feed("merchant.csv");
    let o = run(&[
        "catalog",
        "validate",
        input.to_str().unwrap(),
        "--vectors",
        vectors.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let v = vectors.display();
    let expected = [
        format!("{v}: line 12, column vector: has 2 values, the first vector has 3"),
        format!("{v}: line 13, column vector: \"lots\" is not a number"),
        format!("{v}: line 14, column id: \"SW-001\" already has a vector (line 2)"),
        format!(
            "{v}: 9 item(s) of the feed have no vector: \"HM-002\", \"HM-003\", \"HM-004\", \
             \"KD-001\", \"KD-002\", \"HL-001\", \"HL-002\", \"BT-001\", \"BT-002\""
        ),
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected, "{out}");
    // Two sources of vectors at once are refused.
    let o = run(&[
        "catalog",
        "validate",
        input.to_str().unwrap(),
        "--vectors",
        vectors.to_str().unwrap(),
        "--vector-column",
        "title",
    ]);
    assert!(
        stdout(&o).contains("--vectors and --vector-column both supply vectors"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn factors_are_learned_from_aggregate_co_purchase_counts() {
    let pairs = feed("co-purchases.csv");
    let (content, _) = build("merchant.csv", "content.bin", &[]);
    let (c, bytes) =
        build("merchant.csv", "co-purchased.bin", &["--co-purchases", pairs.to_str().unwrap()]);
    assert_eq!(c.vector_kind(), VectorKind::Factors);
    assert_eq!((c.vectors().dims(), c.vectors().len()), (64, 19));
    // 64 dims hold every direction of these 16 items' counts, so y_a · y_b recovers
    // count(a, b) / the largest own count (JN-001's 150), up to int8 rounding.
    for (a, b, count) in [
        ("SW-001", "JN-001", 48.0),
        ("HM-003", "HM-004", 27.0),
        ("KD-001", "KD-002", 19.0),
        ("JN-001", "JN-001", 150.0),
    ] {
        assert!((dot(&c, a, b) - count / 150.0).abs() < 0.02, "{a}·{b} = {}", dot(&c, a, b));
    }
    assert!(dot(&c, "SW-001", "HM-002").abs() < 0.02 && dot(&c, "HM-003", "KD-001").abs() < 0.02);
    // Bought together, unlike in text: the factors bring them together more than the content
    // vectors did.
    let cosine =
        |c: &Catalog, a: &str, b: &str| dot(c, a, b) / (dot(c, a, a) * dot(c, b, b)).sqrt();
    assert!(cosine(&c, "SW-001", "JN-001") > cosine(&content, "SW-001", "JN-001") + 0.2);
    // Below --min-co-purchases (SW-001–HM-003: 3, HL-001–BT-001: 2) teaches nothing:
    // an item with no pair kept has a zero factor.
    assert_eq!(c.vectors().norm(c.index_of("HL-001").unwrap()), 0.0);
    assert_eq!(c.vectors().norm(c.index_of("SH-003").unwrap()), 0.0);
    assert!(dot(&c, "SW-001", "HM-003").abs() < 0.05, "{}", dot(&c, "SW-001", "HM-003"));
    // The order of the lines does not matter: byte-identical catalogs.
    let text = std::fs::read_to_string(&pairs).unwrap();
    let mut lines: Vec<&str> = text.lines().skip(1).collect();
    lines.reverse();
    let shuffled = tmp("co-purchases-reversed.csv");
    std::fs::write(&shuffled, lines.join("\n")).unwrap();
    let (_, again) = build(
        "merchant.csv",
        "co-purchased-again.bin",
        &["--co-purchases", shuffled.to_str().unwrap()],
    );
    assert!(again == bytes, "same counts, same catalog");
    // On the device, a shopper who viewed jeans gets the sweater bought with them above the lamp.
    let mut engine = flaneur::Engine::new(c);
    let view = |id: &str| flaneur::profile::Event {
        kind: flaneur::profile::EventKind::View { item_id: id.into() },
        at: 0,
    };
    engine.record(&view("JN-001")).unwrap();
    engine.record(&view("JN-001")).unwrap();
    let relevance = |e: &flaneur::Engine, id: &str| e.explain(id, 0).unwrap().relevance;
    assert!(
        relevance(&engine, "SW-001") > relevance(&engine, "HM-002"),
        "{} vs {}",
        relevance(&engine, "SW-001"),
        relevance(&engine, "HM-002")
    );
}

#[test]
fn co_purchase_file_problems_and_misuse_are_reported() {
    let pairs = tmp("bad-pairs.csv");
    std::fs::write(&pairs, "SW-001,JN-001,40\nJN-001,SW-001,41\nSW-002,JN-002,x\n").unwrap();
    let input = feed("merchant.csv");
    let o = run(&[
        "catalog",
        "validate",
        input.to_str().unwrap(),
        "--co-purchases",
        pairs.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let p = pairs.display();
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        [
            format!(
                "{p}: line 2, column item_b: the pair \"JN-001\", \"SW-001\" is given twice \
                 (first at line 1)"
            ),
            format!("{p}: line 3, column count: \"x\" is not a count"),
        ]
    );
    // Counts that are all below the threshold leave nothing to learn: refused, not an all-zero
    // catalog.
    std::fs::write(&pairs, "SW-001,JN-001,4\n").unwrap();
    let o = run(&[
        "catalog",
        "validate",
        input.to_str().unwrap(),
        "--co-purchases",
        pairs.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("no pair of the feed's items was bought together at least 5 times"),
        "{}",
        stdout(&o)
    );
    // With --dims 0 only lists are built, and with --bought-with 0 as well, nothing.
    let o = run(&[
        "catalog",
        "validate",
        input.to_str().unwrap(),
        "--co-purchases",
        pairs.to_str().unwrap(),
        "--dims",
        "0",
        "--bought-with",
        "0",
    ]);
    assert!(stdout(&o).contains("--dims 0 and --bought-with 0 builds nothing"), "{}", stdout(&o));
    let o = run(&["catalog", "validate", input.to_str().unwrap(), "--bought-with", "9"]);
    assert!(stdout(&o).contains("--bought-with 9: expected 0 to 8"), "{}", stdout(&o));
}

#[test]
fn a_json_feed_keeps_its_bought_with_lists_unless_co_purchases_replace_them() {
    let json = tmp("bought-with-feed.json");
    std::fs::write(
        &json,
        r#"{"version":1,"shop":"s","items":[
          {"id":"a","title":"A","category":"C","bought_with":["b","c"]},
          {"id":"b","title":"B","category":"C","bought_with":["a"]},
          {"id":"c","title":"C","category":"C"}]}"#,
    )
    .unwrap();
    let input = json.to_str().unwrap();
    let (c, _) = build(input, "bought-with-feed.bin", &["--dims", "0"]);
    assert_eq!((bought_with(&c, "a"), bought_with(&c, "b")), (vec!["b", "c"], vec!["a"]));
    let pairs = tmp("bought-with-feed.csv");
    std::fs::write(&pairs, "a,c,10\n").unwrap();
    let args = ["--dims", "0", "--co-purchases", pairs.to_str().unwrap()];
    let (c, _) = build(input, "bought-with-feed-2.bin", &args);
    assert_eq!((bought_with(&c, "a"), bought_with(&c, "c")), (vec!["c"], vec!["a"]));
    assert!(bought_with(&c, "b").is_empty());
    // An id the feed does not have is a problem of the feed.
    let text = std::fs::read_to_string(&json).unwrap().replace(r#"["a"]"#, r#"["zz"]"#);
    std::fs::write(&json, text).unwrap();
    let o = run(&["catalog", "validate", input, "--dims", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("\"zz\" is not an item of the catalog"), "{}", stdout(&o));
}

/// The bought-with list of item `id` of `c`, as ids.
fn bought_with<'c>(c: &'c Catalog, id: &str) -> Vec<&'c str> {
    let index = c.index_of(id).unwrap();
    c.bought_with(index).iter().map(|&j| c.item(j as usize).id()).collect()
}

#[test]
fn co_purchase_counts_give_bought_with_lists_ranked_by_cosine() {
    // SW-001 is bought with JN-001 most often (30 times), but HM-001 is bought with it in all of
    // its 20 orders: cosine ranks HM-001 first. SH-001 (4) is below the floor.
    let pairs = tmp("bought-with.csv");
    std::fs::write(
        &pairs,
        "item_a,item_b,count\nSW-001,SW-001,120\nJN-001,JN-001,150\nHM-001,HM-001,20\n\
         KD-001,KD-001,100\nSW-001,JN-001,30\nSW-001,HM-001,20\nSW-001,SH-001,4\n\
         KD-001,SW-001,6\n",
    )
    .unwrap();
    let pairs = pairs.to_str().unwrap();
    let (c, _) =
        build("merchant.csv", "bought-with.bin", &["--co-purchases", pairs, "--dims", "0"]);
    assert_eq!(c.vectors().dims(), 0, "--dims 0: lists only, no factors");
    assert!(c.has_bought_with());
    assert_eq!(bought_with(&c, "SW-001"), ["HM-001", "JN-001", "KD-001"]);
    assert_eq!(bought_with(&c, "JN-001"), ["SW-001"]);
    assert_eq!(bought_with(&c, "KD-001"), ["SW-001"]);
    assert!(bought_with(&c, "SH-001").is_empty());
    let listing = c.iter().filter(|i| !c.bought_with(i.index()).is_empty()).count();
    assert_eq!(listing, 4);
    let o = run(&["catalog", "inspect", tmp("bought-with.bin").to_str().unwrap()]);
    assert!(stdout(&o).lines().any(|l| l == "bought with: 4 items list 6 neighbours"));
    // --bought-with N keeps the N strongest; --min-co-purchases drops the rarer pairs.
    let args = ["--co-purchases", pairs, "--dims", "0", "--bought-with", "2"];
    let (two, _) = build("merchant.csv", "bought-with-2.bin", &args);
    assert_eq!(bought_with(&two, "SW-001"), ["HM-001", "JN-001"]);
    let args = ["--co-purchases", pairs, "--dims", "0", "--min-co-purchases", "25"];
    let (floor, _) = build("merchant.csv", "bought-with-25.bin", &args);
    assert_eq!(bought_with(&floor, "SW-001"), ["JN-001"]);
    assert!(bought_with(&floor, "HM-001").is_empty());
    // With factors, the lists come too; --bought-with 0 leaves them out.
    let (both, _) = build("merchant.csv", "bought-with-factors.bin", &["--co-purchases", pairs]);
    assert_eq!(both.vector_kind(), VectorKind::Factors);
    assert_eq!(bought_with(&both, "SW-001"), ["HM-001", "JN-001", "KD-001"]);
    let args = ["--co-purchases", pairs, "--bought-with", "0"];
    let (none, _) = build("merchant.csv", "bought-with-none.bin", &args);
    assert!(!none.has_bought_with() && none.vectors().dims() == 64);
    let o = run(&["catalog", "inspect", tmp("bought-with-none.bin").to_str().unwrap()]);
    assert!(stdout(&o).lines().any(|l| l == "bought with: none"), "{}", stdout(&o));
}

#[test]
fn popularity_file_problems_are_reported_with_the_feed_problems() {
    let counts = tmp("bad-counts.csv");
    std::fs::write(&counts, "item_id,count\nSW-001,12\nJN-001,many\n").unwrap();
    let input = feed("malformed.csv");
    let o = run(&[
        "catalog",
        "validate",
        input.to_str().unwrap(),
        "--popularity",
        counts.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.lines()
            .any(|l| l
                == format!("{}: line 3, column count: \"many\" is not a count", counts.display())),
        "{text}"
    );
    assert_eq!(text.lines().count(), 10, "the popularity problem and the feed's nine: {text}");
}

#[test]
fn side_files_read_quoted_ids_with_commas() {
    let input = tmp("commas.csv");
    std::fs::write(
        &input,
        "id,title,product_type\n\"Seven, The (1995)\",Seven,Movies\nHeat (1995),Heat,Movies\n",
    )
    .unwrap();
    let counts = tmp("commas-popularity.csv");
    std::fs::write(&counts, "item_id,count\n\"Seven, The (1995)\",40\nHeat (1995),10\n").unwrap();
    let out = tmp("commas.bin");
    let o = run(&[
        "catalog",
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--popularity",
        counts.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stdout(&o));
    let c = Catalog::from_binary(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(c.item(c.index_of("Seven, The (1995)").unwrap()).popularity(), 1.0);
    let heat = c.item(c.index_of("Heat (1995)").unwrap()).popularity();
    assert!((heat - 11f32.ln() / 41f32.ln()).abs() < 1e-6, "{heat}");
}

#[test]
fn a_json_feed_with_a_byte_order_mark_builds_like_one_without() {
    let plain = std::fs::read(feed("catalog-v1.json")).unwrap();
    let with_bom = tmp("bom.json");
    std::fs::write(&with_bom, [b"\xEF\xBB\xBF".as_slice(), &plain].concat()).unwrap();
    let out = tmp("bom.bin");
    let o = run(&["catalog", "build", with_bom.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));
    let (_, expected) = build("catalog-v1.json", "no-bom.bin", &[]);
    assert!(std::fs::read(&out).unwrap() == expected, "the BOM changed the catalog");
}

#[test]
fn a_row_that_is_not_utf8_is_reported_and_the_rest_still_read() {
    let input = tmp("latin1.csv");
    let mut bytes = b"id,title,product_type\na,Caf\xe9 au lait mug,Home\nb,,Home\n".to_vec();
    bytes.extend_from_slice(b"c,Tea cup,Home\n");
    std::fs::write(&input, bytes).unwrap();
    let o = run(&["catalog", "validate", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("line 2, column (row):") && text.contains("UTF-8"), "{text}");
    assert!(text.contains("line 3, column title: empty title"), "{text}");
}

/// `validate`'s problem lines, without the `FEED: ` prefix.
fn problems(input: &Path) -> Vec<String> {
    let o = run(&["catalog", "validate", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let prefix = format!("{}: ", input.display());
    stdout(&o).lines().map(|l| l.strip_prefix(&prefix).unwrap_or(l).to_string()).collect()
}

#[test]
fn json_v1_items_of_the_wrong_type_are_all_reported_with_their_path() {
    assert_eq!(
        problems(&feed("wrong-types-v1.json")),
        [
            "items[1]: invalid type: string \"cheap\", expected f64",
            "items[2]: invalid type: integer `5`, expected a string",
            "items[4]: invalid type: sequence, expected a map",
            "items[5].title: empty title",
        ]
    );
    // A syntax error ends the read with its line and character; the problems before it stay.
    let input = tmp("broken-v1.json");
    std::fs::write(
        &input,
        "{\"version\": 1, \"shop\": \"s\", \"items\": [\n  \
         {\"id\": \"a\", \"title\": 5, \"category\": \"Home\"},\n  \
         {\"id\": \"b\" \"title\": \"B\"}\n]}\n",
    )
    .unwrap();
    assert_eq!(
        problems(&input),
        [
            "items[0]: invalid type: integer `5`, expected a string",
            "line 3, column character 14: expected `,` or `}` at line 3 column 14"
        ]
    );
    // A version this build cannot read is a problem, not a catalog.
    std::fs::write(
        &input,
        r#"{"version": 2, "shop": "s", "items": [{"id": "a", "title": "A", "category": "Home"}]}"#,
    )
    .unwrap();
    assert_eq!(
        problems(&input),
        ["version: catalog format version 2 is not supported (this build reads up to 1)"]
    );
}

#[test]
fn shopify_products_of_the_wrong_type_are_all_reported_with_their_path() {
    assert_eq!(
        problems(&feed("wrong-types-shopify.json")),
        [
            "products[0].variants[0].price: {\"amount\":\"10.00\",\"currency_code\":\"EUR\"} \
             is not a price",
            "products[2].variants[1].price: [\"8.00\"] is not a price",
            "products[3]: invalid type: integer `5`, expected a string",
        ]
    );
}

#[test]
fn json_v1_items_before_the_header_build_the_same_catalog() {
    let items = r#"[
    {"id": "a", "title": "Red wool sweater", "category": "Women > Knitwear",
     "attributes": {"colour": "red", "brand": "Alder"}, "price": 49.9, "currency": "EUR",
     "popularity": 0.4, "vector": [1, 0, 0]},
    {"id": "b", "title": "Blue jeans", "category": "Men > Denim", "attributes": {"colour": "blue"},
     "available": false, "vector": [0.6, 0.8, 0]},
    {"id": "c", "title": "Vitamin D3", "category": "Health > Supplements", "sensitive": "health",
     "vector": [0, 0, 1]}
  ]"#;
    let header = concat!(
        r#""version": 1, "shop": "ordered", "dims": 3, "vector_kind": "factors", "#,
        r#""facets": {"colour": {"divergence": true}, "brand": {}}"#,
    );
    let (first, last) = (tmp("header-first.json"), tmp("items-first.json"));
    std::fs::write(&first, format!("{{{header}, \"items\": {items}}}")).unwrap();
    // Sorted keys (as `jq -S` writes them) put `items` before `shop` and `version`.
    std::fs::write(&last, format!("{{\"items\": {items}, {header}}}")).unwrap();
    let catalog = |input: &Path, name: &str| {
        let out = tmp(name);
        let o = run(&["catalog", "build", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stdout(&o));
        std::fs::read(out).unwrap()
    };
    let (a, b) = (catalog(&first, "header-first.bin"), catalog(&last, "items-first.bin"));
    assert!(a == b, "the order of the keys changed the catalog");
    let c = Catalog::from_binary(&a).unwrap();
    assert_eq!((c.len(), c.shop(), c.vectors().dims()), (3, "ordered", 3));
    assert!(c.facet_index("colour").is_some_and(|i| c.facets()[i as usize].divergence));
    // Header fields on both sides of `items` read the same: a first pass reads the header.
    let split = tmp("items-between.json");
    let tail = concat!(
        r#""dims": 3, "vector_kind": "factors", "#,
        r#""facets": {"colour": {"divergence": true}, "brand": {}}"#,
    );
    std::fs::write(
        &split,
        format!("{{\"version\": 1, \"shop\": \"ordered\", \"items\": {items}, {tail}}}"),
    )
    .unwrap();
    assert!(
        catalog(&split, "items-between.bin") == a,
        "a header field after the items changed the catalog"
    );
}

#[test]
fn a_large_shopify_export_is_read_in_bounded_memory() {
    // 3,000 products with a 16 kB description each: a 50 MB export. Parsed
    // whole, its build peaked at 57 MB; streamed, one product at a time, at
    // 6.5 MB (the catalog itself is 0.7 MB).
    let (products, body) = (3_000, 16 * 1024);
    let input = tmp("large-shopify.json");
    {
        use std::io::Write;
        let words = [
            "soft", "merino", "wool", "ribbed", "cuffs", "warm", "autumn", "layer", "classic",
            "fit", "knit",
        ];
        let mut out = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        out.write_all(b"{\"products\": [\n").unwrap();
        for i in 0..products {
            let mut text = String::with_capacity(body + 16);
            let mut k = i;
            while text.len() < body {
                text.push_str(words[k % words.len()]);
                text.push(' ');
                k = (k * 7 + 3) % 1_000_003;
            }
            writeln!(
                out,
                "{}{{\"id\": {i}, \"title\": \"Sweater {i}\", \"handle\": \"sweater-{i}\", \
                 \"body_html\": \"<p>{text}</p>\", \
                 \"vendor\": \"Brand {}\", \"product_type\": \"Women > Knitwear > T{}\", \
                 \"tags\": \"wool, autumn\", \
                 \"options\": [{{\"name\": \"Color\", \"values\": [\"Red\", \"Navy\"]}}, \
                 {{\"name\": \"Size\", \"values\": [\"S\", \"M\"]}}], \
                 \"variants\": [{{\"price\": \"49.00\", \"available\": true, \
                 \"option1\": \"Red\", \"option2\": \"M\"}}], \
                 \"images\": [{{\"src\": \"https://cdn.shop.example/{i}.jpg\"}}]}}",
                if i == 0 { "" } else { "," },
                i % 50,
                i % 20,
            )
            .unwrap();
        }
        out.write_all(b"]}\n").unwrap();
    }
    let size = std::fs::metadata(&input).unwrap().len() as f64 / 1e6;
    let out = tmp("large-shopify.bin");
    let o = run(&["catalog", "build", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(text.contains("3000 items (Shopify), 3 facets"), "{text}");
    if !cfg!(target_os = "linux") {
        return; // the peak (VmHWM) comes from /proc
    }
    let peak: f64 = text
        .split("peak memory ")
        .nth(1)
        .and_then(|m| m.trim_end().strip_suffix(" MB")?.parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in {text:?}"));
    assert!(
        peak < 24.0,
        "peak memory {peak} MB for a {size:.0} MB export: the products are not streamed"
    );
}

#[test]
fn a_feed_with_a_one_megabyte_title_is_refused_naming_the_line() {
    let huge = "x".repeat(1 << 20);
    let path = tmp("huge-title.csv");
    let rows = format!(
        "id,title,product_type,price,availability\na,{huge},Shoes,10.00 EUR,in stock\n\
         b,Boots,Shoes,12.00 EUR,in stock\n"
    );
    std::fs::write(&path, rows).unwrap();
    let o = run(&["catalog", "validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("line 2") && out.contains("title: is 1048576 bytes long, at most 4096"),
        "{}",
        &out[..out.len().min(500)]
    );
    assert!(out.len() < 1000, "the report does not repeat the title");
}

/// Inputs that once crashed a fuzz target (`tests/fixtures/fuzz/`, docs/RELIABILITY.md):
/// each is now a clear problem report, never an abort.
#[test]
fn inputs_found_by_fuzzing_are_reported_not_crashed_on() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    // A JSON v1 feed whose header declares 1111111111111111111 dims (and then breaks off):
    // the compiler sized its vectorizer before the core refused the dims, and aborted.
    let huge_dims = dir.join("feed_json_v1-huge-dims.json");
    let o = run(&["catalog", "validate", "--format", "json", huge_dims.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains("dims: 1111111111111111111 exceeds the maximum of 1024"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_feed_link_must_be_http_or_relative() {
    let input = tmp("script-links.csv");
    std::fs::write(
        &input,
        "id,title,link,image_link,price,availability,product_type\n\
         A-1,Good,https://shop.example/a,/img/a.png,9.00 EUR,in stock,Home\n\
         A-2,Script,javascript:alert(1),/img/b.png,9.00 EUR,in stock,Home\n\
         A-3,Data image,/p/c,\"data:image/png;base64,AAAA\",9.00 EUR,in stock,Home\n",
    )
    .unwrap();
    let o = run(&["catalog", "validate", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("line 3") && out.contains("http(s) or relative"), "{out}");
    assert!(out.contains("line 4") && out.contains("image"), "{out}");
}

/// An order log over `merchant.csv`, worked out by hand (days of January 2026).
///
/// Kitchen: k1 buys HM-004 on the 1st, twice on the 11th (one occasion) and
/// the 31st, HM-003 on the 20th; k2 HM-004 on the 1st and 5th; k3 HM-004 on
/// the 2nd; k4 HM-003 on the 3rd and 10th; k5 HM-001 (Textiles) on the 4th.
/// - HM-004 and `Home > Kitchen > Mugs`: buyers k1–k3, repeat k1 (gaps 10, 20:
///   median 15) and k2 (4): share 2/3, interval median(15, 4) = 9.5.
/// - `Home > Kitchen`: k1 (days 1, 11, 20, 31: gaps 10, 9, 11, median 10), k2
///   (4), k3 (once), k4 (7): share 3/4, interval 7.
/// - `Home`: k5 too, once: share 3/5, interval 7.
///
/// Jeans: a1 buys JN-001 on the 1st (in ms) and the 16th at 01:00+02:00 (the
/// 15th in UTC: gap 14); a2 on the 1st and 8th (7); a3 twice on the 1st (one
/// occasion); a4–a6 JN-002 once each.
/// - JN-001: share 2/3, interval 10.5; JN-002: share 0, no repeat (3650).
/// - `Men`, `Men > Denim`, `Men > Denim > Jeans`: 6 buyers, share 1/3,
///   interval 10.5: published at `Men` only, the others inherit it.
const ORDERS: &str = "user,item,timestamp
k1,HM-004,1767225600000
k1,HM-004,2026-01-11T08:00:00Z
k1,HM-004,2026-01-11T19:00:00Z
k1,HM-004,2026-01-31
k1,HM-003,2026-01-20 12:30
k2,HM-004,2026-01-01
k2,HM-004,2026-01-05T10:00:00.250Z
k3,HM-004,2026-01-02
k4,HM-003,2026-01-03
k4,HM-003,2026-01-10
k5,HM-001,2026-01-04T23:59:59+00:00
a1,JN-001,1767225600000
a1,JN-001,2026-01-16T01:00:00+02:00
a2,JN-001,2026-01-01
a2,JN-001,2026-01-08T12:00:00Z
a3,JN-001,2026-01-01T09:00:00Z
a3,JN-001,2026-01-01T18:00:00Z
a4,JN-002,2026-01-02
a5,JN-002,2026-01-02
a6,JN-002,2026-01-02
a1,ZZ-999,2026-01-03
";

fn prior(share: f32, interval_days: f32, buyers: u32) -> Repurchase {
    Repurchase { share, interval_days, buyers }
}

/// The prior `c` gives the category at `path`.
fn category_prior(c: &Catalog, path: &str) -> Option<Repurchase> {
    c.category_repurchase(c.taxonomy().find(path).unwrap())
}

/// The prior `c` gives item `id`.
fn item_prior(c: &Catalog, id: &str) -> Option<Repurchase> {
    c.repurchase(c.index_of(id).unwrap())
}

#[test]
fn orders_give_repurchase_shares_and_median_intervals() {
    let orders = tmp("orders.csv");
    std::fs::write(&orders, ORDERS).unwrap();
    let out = tmp("orders.bin");
    let input = feed("merchant.csv");
    let args = ["catalog", "build", input.to_str().unwrap(), "-o", out.to_str().unwrap()];
    let o = run(&[&args[..], &["--dims", "0", "--orders", orders.to_str().unwrap()]].concat());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{}{stderr}", stdout(&o));
    assert!(stderr.contains("1 line(s) name items the feed does not have (skipped)"), "{stderr}");
    // The default --min-buyers 20: nothing here has that many buyers.
    let c = Catalog::from_binary(&std::fs::read(&out).unwrap()).unwrap();
    assert!(!c.has_repurchase(), "{:?}", c.repurchase_categories());

    let (c, _) = build(
        "merchant.csv",
        "orders-3.bin",
        &["--dims", "0", "--orders", orders.to_str().unwrap(), "--min-buyers", "3"],
    );
    let mugs = prior(2.0 / 3.0, 9.5, 3);
    let kitchen = prior(0.75, 7.0, 4);
    let men = prior(1.0 / 3.0, 10.5, 6);
    assert_eq!(category_prior(&c, "Home"), Some(prior(0.6, 7.0, 5)));
    assert_eq!(category_prior(&c, "Home > Kitchen"), Some(kitchen));
    assert_eq!(category_prior(&c, "Home > Kitchen > Mugs"), Some(mugs));
    // Serving (2 buyers) and Textiles (1) are below the minimum: they inherit.
    assert_eq!(category_prior(&c, "Home > Kitchen > Serving"), Some(kitchen));
    assert_eq!(category_prior(&c, "Home > Textiles"), Some(prior(0.6, 7.0, 5)));
    assert_eq!(item_prior(&c, "HM-004"), Some(mugs));
    assert_eq!(item_prior(&c, "HM-003"), Some(kitchen));
    // Jeans: only the department is stored; the items differ from it and keep their own.
    assert_eq!(category_prior(&c, "Men > Denim > Jeans"), Some(men));
    assert_eq!(item_prior(&c, "JN-001"), Some(prior(2.0 / 3.0, 10.5, 3)));
    assert_eq!(item_prior(&c, "JN-002"), Some(prior(0.0, 3650.0, 3)));
    assert_eq!(item_prior(&c, "JN-003"), Some(men));
    let node = |path: &str| c.taxonomy().find(path).unwrap();
    let own: Vec<u32> = c.repurchase_categories().iter().map(|p| p.0).collect();
    let mut expected = ["Home", "Home > Kitchen", "Home > Kitchen > Mugs", "Men"].map(node);
    expected.sort_unstable();
    assert_eq!(own, expected, "HM-004 and the jeans' levels are left to inherit");
    assert_eq!(c.repurchase_items().len(), 2);
    assert!(item_prior(&c, "SW-001").is_none() && item_prior(&c, "HL-001").is_none());
    assert!(mugs.is_replenishable() && men.is_replenishable());

    // --min-buyers 4 hides Mugs (3 buyers) and the jeans' items: they inherit.
    let args = ["--dims", "0", "--orders", orders.to_str().unwrap(), "--min-buyers", "4"];
    let (c, _) = build("merchant.csv", "orders-4.bin", &args);
    assert_eq!(category_prior(&c, "Home > Kitchen > Mugs"), Some(kitchen));
    assert_eq!(item_prior(&c, "HM-004"), Some(kitchen));
    assert_eq!(item_prior(&c, "JN-001"), Some(men));
    assert!(c.repurchase_items().is_empty());

    // Inspect reports them.
    let o = run(&["catalog", "inspect", tmp("orders-4.bin").to_str().unwrap()]);
    let text = stdout(&o);
    assert!(text.contains("repurchase: 3 categories (0 marked by hand) and 0 items"), "{text}");
    assert!(text.contains("  Men: share 0.33, every 10.5 days, 6 buyers"), "{text}");
}

#[test]
fn replenish_marks_categories_by_hand_and_wins_over_orders() {
    let args = ["--dims", "0", "--replenish", "Health=30d, Beauty > Skincare=2w"];
    let (c, bytes) = build("merchant.csv", "replenish.bin", &args);
    assert_eq!(item_prior(&c, "HL-001"), Some(prior(1.0, 30.0, 0)));
    assert_eq!(item_prior(&c, "BT-001"), Some(prior(1.0, 14.0, 0)));
    assert_eq!((item_prior(&c, "BT-002"), item_prior(&c, "SW-001")), (None, None));
    assert_eq!(c.repurchase_categories().len(), 2);
    // Neither option: no priors, as before.
    let (plain, plain_bytes) = build("merchant.csv", "no-replenish.bin", &["--dims", "0"]);
    assert!(!plain.has_repurchase() && plain_bytes.len() < bytes.len());
    assert_eq!(plain_bytes[10..12], [0, 0]);

    let orders = tmp("orders-replenish.csv");
    std::fs::write(&orders, ORDERS).unwrap();
    let args = [
        "--dims",
        "0",
        "--orders",
        orders.to_str().unwrap(),
        "--min-buyers",
        "3",
        "--replenish",
        "Home > Kitchen=5d",
    ];
    let (c, _) = build("merchant.csv", "orders-replenish.bin", &args);
    assert_eq!(category_prior(&c, "Home > Kitchen"), Some(prior(1.0, 5.0, 0)));
    assert_eq!(category_prior(&c, "Home > Kitchen > Serving"), Some(prior(1.0, 5.0, 0)));
    assert_eq!(category_prior(&c, "Home > Kitchen > Mugs"), Some(prior(2.0 / 3.0, 9.5, 3)));

    // An unknown path, a bad interval and too few buyers are refused.
    let input = feed("merchant.csv");
    let o = run(&["catalog", "validate", input.to_str().unwrap(), "--replenish", "Garden=7d"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("--replenish \"Garden\": no item of the feed"), "{}", stdout(&o));
    let o = run(&["catalog", "validate", input.to_str().unwrap(), "--replenish", "Health=7m"]);
    assert_eq!(o.status.code(), Some(2));
    let orders = orders.to_str().unwrap();
    let o = run(&[
        "catalog",
        "validate",
        input.to_str().unwrap(),
        "--orders",
        orders,
        "--min-buyers",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("--min-buyers 1: expected 2 or more"), "{}", stdout(&o));
}

#[test]
fn order_log_problems_are_reported_with_line_and_column() {
    // The same lines whatever ends them: LF, CRLF or a lone CR.
    for (name, ending) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let orders = tmp(&format!("orders-bad-{name}.csv"));
        let text = "user,item,timestamp\nu,HM-004,yesterday\n,HM-004,2026-01-01\nu,HM-004\n";
        std::fs::write(&orders, text.replace('\n', ending)).unwrap();
        order_log_problems_are_reported(&orders);
    }
}

fn order_log_problems_are_reported(orders: &Path) {
    let input = feed("merchant.csv");
    let o = run(&[
        "catalog",
        "validate",
        input.to_str().unwrap(),
        "--orders",
        orders.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let file = orders.display();
    for expected in [
        format!(
            "{file}: line 2, column timestamp: \"yesterday\" is neither ms since the epoch nor an \
             ISO 8601 date"
        ),
        format!("{file}: line 3, column user: empty user"),
        format!("{file}: line 4, column (row): has 2 fields, expected user,item,timestamp"),
    ] {
        assert!(text.contains(&expected), "{expected:?} missing from:\n{text}");
    }
}

#[test]
fn a_json_feed_keeps_its_repurchase_priors_unless_orders_replace_them() {
    let json = tmp("repurchase-feed.json");
    std::fs::write(
        &json,
        r#"{"version":1,"shop":"s","repurchase":{"categories":{"C":{"share":0.5,"interval_days":9}},
          "items":{"b":{"share":0.8,"interval_days":3.5,"buyers":40}}},"items":[
          {"id":"a","title":"A","category":"C > D"},
          {"id":"b","title":"B","category":"C"}]}"#,
    )
    .unwrap();
    let input = json.to_str().unwrap();
    let (c, _) = build(input, "repurchase-feed.bin", &["--dims", "0"]);
    assert_eq!(item_prior(&c, "a"), Some(prior(0.5, 9.0, 0)));
    assert_eq!(item_prior(&c, "b"), Some(prior(0.8, 3.5, 40)));
    let (c, _) = build(input, "repurchase-feed-2.bin", &["--dims", "0", "--replenish", "C > D=1w"]);
    assert_eq!((item_prior(&c, "a"), item_prior(&c, "b")), (Some(prior(1.0, 7.0, 0)), None));
    // A prior the core refuses is a problem of the feed.
    let text = std::fs::read_to_string(&json).unwrap().replace("3.5", "0");
    std::fs::write(&json, text).unwrap();
    let o = run(&["catalog", "validate", input, "--dims", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("repurchase.interval_days"), "{}", stdout(&o));
}

#[test]
fn without_co_purchases_the_order_log_baskets_give_bought_with_lists() {
    // Six users buy HM-003 and HM-004 in one basket (the same timestamp); SW-001 and SW-002
    // are bought by the same six, but never at the same time.
    let mut text = String::from("user,item,timestamp\n");
    for user in 1..=6 {
        text.push_str(&format!("u{user},HM-003,2026-01-0{user}T10:00:00Z\n"));
        text.push_str(&format!("u{user},HM-004,2026-01-0{user}T10:00:00Z\n"));
        text.push_str(&format!("u{user},SW-001,2026-01-0{user}T10:00:00Z\n"));
        text.push_str(&format!("u{user},SW-002,2026-01-0{user}T11:00:00Z\n"));
    }
    let orders = tmp("orders-baskets.csv");
    std::fs::write(&orders, text).unwrap();
    let args = ["--dims", "0", "--orders", orders.to_str().unwrap()];
    let (c, _) = build("merchant.csv", "orders-baskets.bin", &args);
    // Equal cosines and counts: the lower catalog position first.
    assert_eq!(bought_with(&c, "HM-003"), ["SW-001", "HM-004"]);
    assert_eq!(bought_with(&c, "SW-001"), ["HM-003", "HM-004"]);
    assert!(bought_with(&c, "SW-002").is_empty());
    // Under --min-co-purchases, or with --bought-with 0, none.
    let args = ["--dims", "0", "--orders", orders.to_str().unwrap(), "--min-co-purchases", "7"];
    assert!(!build("merchant.csv", "orders-baskets-7.bin", &args).0.has_bought_with());
    let args = ["--dims", "0", "--orders", orders.to_str().unwrap(), "--bought-with", "0"];
    assert!(!build("merchant.csv", "orders-baskets-0.bin", &args).0.has_bought_with());
    // Vectors are left as they were: content vectors from the text, not factors.
    let (c, _) = build("merchant.csv", "orders-baskets-64.bin", &args[2..4]);
    assert_eq!((c.vector_kind(), c.vectors().dims()), (VectorKind::Content, 64));
}

#[test]
fn shards_are_written_by_hash_beside_a_manifest_and_join_into_the_catalog() {
    use flaneur::catalog::Manifest;
    let (whole, _) = build("merchant.csv", "merchant-whole.bin", &[]);
    let write = |name: &str| -> (Manifest, Vec<(String, Vec<u8>)>) {
        let dir = tmp(name);
        let _ = std::fs::remove_dir_all(&dir);
        let input = feed("merchant.csv");
        let args = ["catalog", "build", input.to_str().unwrap(), "-o", dir.to_str().unwrap()];
        let o = run(&[&args[..], &["--shards", "1", "--core-items", "3"]].concat());
        assert!(o.status.success(), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        assert!(stdout(&o).contains("in a core of 3"), "{}", stdout(&o));
        let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
        let manifest = Manifest::from_json_str(&text).unwrap();
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "bin"))
            .map(|p| {
                (p.file_name().unwrap().to_str().unwrap().to_owned(), std::fs::read(p).unwrap())
            })
            .collect();
        files.sort();
        (manifest, files)
    };
    let (manifest, files) = write("merchant-shards");
    assert_eq!(files.len(), 1 + manifest.shards.len());
    // inspect checks every part and says what a first visit costs.
    let o = run(&["catalog", "inspect", tmp("merchant-shards").to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = stdout(&o);
    assert!(report.contains(&format!("core: 3 items, {} bytes", manifest.core.bytes)), "{report}");
    assert!(report.contains("first visit, one department page then home: "), "{report}");
    let (name, bytes) = &files[1];
    let mut flipped = bytes.clone();
    flipped[20] ^= 1;
    std::fs::write(tmp("merchant-shards").join(name), &flipped).unwrap();
    let o = run(&["catalog", "inspect", tmp("merchant-shards").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "a changed part is refused");
    assert!(String::from_utf8_lossy(&o.stderr).contains("hash"));
    std::fs::write(tmp("merchant-shards").join(name), bytes).unwrap();
    assert!(manifest.shards.len() >= 2, "{manifest:?}");
    let parts: Vec<Catalog> =
        files.iter().map(|(name, bytes)| manifest.open_part(name, bytes).unwrap()).collect();
    let joined = Catalog::from_parts(&parts).unwrap();
    assert_eq!(joined.len(), whole.len());
    assert!(whole.iter().all(|item| joined.index_of(item.id()).is_some()));
    // The same feed, the same files.
    assert_eq!(write("merchant-shards-again"), (manifest, files));
    // A depth of 0 is no department.
    let input = feed("merchant.csv");
    let dir = tmp("merchant-shards-0");
    let o = run(&[
        "catalog",
        "build",
        input.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--shards",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn diff_patches_an_earlier_builds_parts_into_the_new_ones() {
    use flaneur::catalog::Manifest;
    let input = feed("merchant.csv");
    let text = std::fs::read_to_string(&input).unwrap();
    let cheaper = tmp("merchant-cheaper.csv");
    std::fs::write(&cheaper, text.replacen("99.00 EUR", "79.00 EUR", 1)).unwrap();
    let shop = ["--shop", "diff-shop", "--shards", "1", "--core-items", "3"];
    let (old, new) = (tmp("diff-old"), tmp("diff-new"));
    for (feed, dir) in [(&input, &old), (&cheaper, &new)] {
        let _ = std::fs::remove_dir_all(dir);
        let args = ["catalog", "build", feed.to_str().unwrap(), "-o", dir.to_str().unwrap()];
        let o = run(&[&args[..], &shop[..]].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = run(&["catalog", "diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |dir: &Path| {
        Manifest::from_json_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap())
            .unwrap()
    };
    let (before, after) = (read(&old), read(&new));
    assert!(!after.patches.is_empty(), "{}", stdout(&o));
    for patch in &after.patches {
        let old_bytes = std::fs::read(old.join(&patch.from)).unwrap();
        let bytes = std::fs::read(new.join(&patch.file)).unwrap();
        let (name, part) = after.apply_patch(&patch.file, &bytes, &old_bytes).unwrap();
        assert_eq!(part, std::fs::read(new.join(&name)).unwrap());
        assert!(bytes.len() * 4 < part.len(), "{} of {}", bytes.len(), part.len());
    }
    let held = std::iter::once(&before.core).chain(&before.shards);
    assert!(held.clone().all(|p| after.patch_for(&p.file).is_some()), "every part patched");
    // inspect still reads the new build.
    assert!(run(&["catalog", "inspect", new.to_str().unwrap()]).status.success());
}

#[test]
fn split_cuts_a_binary_catalog_into_the_parts_build_shards_writes() {
    use flaneur::catalog::Manifest;
    let (whole, _) = build("merchant.csv", "merchant-to-split.bin", &[]);
    let (built, split) = (tmp("merchant-built-shards"), tmp("merchant-split-shards"));
    let _ = std::fs::remove_dir_all(&built);
    let _ = std::fs::remove_dir_all(&split);
    let input = feed("merchant.csv");
    let args = ["catalog", "build", input.to_str().unwrap(), "-o", built.to_str().unwrap()];
    assert!(run(&[&args[..], &["--shards", "1", "--core-items", "2"]].concat()).status.success());
    let bin = tmp("merchant-to-split.bin");
    let args = ["catalog", "split", bin.to_str().unwrap(), "-o", split.to_str().unwrap()];
    let o = run(&[&args[..], &["--shards", "1", "--core-items", "2"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |dir: &Path| std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert_eq!(read(&built), read(&split), "the same catalog, the same parts");
    let manifest = Manifest::from_json_str(&read(&split)).unwrap();
    assert_eq!(manifest.core.items, 2);
    let items: u32 = manifest.shards.iter().map(|s| s.items).sum();
    assert_eq!(items as usize + 2, whole.len());
    let o = run(&["catalog", "split", input.to_str().unwrap(), "-o", "x", "--shards", "1"]);
    assert_eq!(o.status.code(), Some(1), "a feed is not a binary catalog");
}

#[test]
fn the_demo_serves_the_split_of_its_own_binary_catalog() {
    // `make demo-shards` wrote www/demo/catalog/ from www/demo/catalog.bin: a catalog.bin
    // rebuilt without it (or a stale directory) would leave the demo on another catalog.
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/demo");
    let out = tmp("demo-shards");
    let _ = std::fs::remove_dir_all(&out);
    let bin = www.join("catalog.bin");
    let args = ["catalog", "split", bin.to_str().unwrap(), "-o", out.to_str().unwrap()];
    let o = run(&[&args[..], &["--shards", "1", "--core-items", "300"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut served: Vec<_> = std::fs::read_dir(www.join("catalog")).unwrap().flatten().collect();
    served.sort_by_key(|e| e.file_name());
    let written = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(served.len(), written, "the same files: run `make demo-shards`");
    for entry in served {
        let again = std::fs::read(out.join(entry.file_name())).unwrap_or_default();
        let name = entry.file_name();
        assert!(std::fs::read(entry.path()).unwrap() == again, "{name:?}: run `make demo-shards`");
    }
}

#[test]
fn product_codes_are_trained_deterministically_and_keep_dot_products() {
    let (int8, _) = build("merchant.csv", "merchant-int8.bin", &[]);
    let (pq, bytes) = build("merchant.csv", "merchant-pq.bin", &["--vector-codes", "pq"]);
    let book = pq.vectors().codebook().expect("product-quantized");
    assert_eq!((book.subspaces(), book.width()), (32, 2));
    assert!(int8.vectors().codebook().is_none());
    let (_, again) = build("merchant.csv", "merchant-pq-again.bin", &["--vector-codes", "pq"]);
    assert!(again == bytes, "the same feed, the same bytes");
    let o = run(&["catalog", "inspect", tmp("merchant-pq.bin").to_str().unwrap()]);
    let report = stdout(&o);
    let want = format!("product codes, 32 bytes per item and 16384 of centroids ({} bytes)", {
        pq.len() * 32 + 16384
    });
    assert!(report.contains(&want), "{report}");
    // The page's fixture (tests/web.rs, tests/product_codes.rs) is this command's output.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let json = root.join("tests/fixtures/catalog-60.json");
    let out = tmp("catalog-60-pq.bin");
    let o = run(&[
        "catalog",
        "build",
        json.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--vector-codes",
        "pq",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let fixture = std::fs::read(root.join("tests/fixtures/catalog-60-pq.bin")).unwrap();
    assert!(std::fs::read(&out).unwrap() == fixture, "tests/fixtures/catalog-60-pq.bin is stale");
    // The rotation changes every vector but no dot product (nor norm): with
    // fewer items than centroids, each item is near a centroid of its own.
    let ids: Vec<String> = int8.iter().map(|i| i.id().to_owned()).collect();
    let mut rotated = 0;
    for a in &ids {
        let (ia, pa) = (int8.index_of(a).unwrap(), pq.index_of(a).unwrap());
        if int8.vectors().dequantize(ia) != pq.vectors().dequantize(pa) {
            rotated += 1;
        }
        for b in &ids {
            let (want, got) = (dot(&int8, a, b), dot(&pq, a, b));
            assert!((want - got).abs() < 0.03, "{a}·{b}: int8 {want}, pq {got}");
        }
    }
    assert!(rotated > ids.len() / 2, "{rotated} of {} vectors rotated", ids.len());
    // Nothing to compact without vectors.
    let input = feed("merchant.csv");
    let out = tmp("merchant-pq-0.bin");
    let o = run(&[
        "catalog",
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--dims",
        "0",
        "--vector-codes",
        "pq",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("--vector-codes pq needs vectors"), "{}", stdout(&o));
}
