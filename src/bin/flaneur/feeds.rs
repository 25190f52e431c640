//! Feed readers: Merchant Center CSV/TSV (streamed row by row), Shopify
//! `products.json` and flaneur JSON v1 (streamed product by product, item by
//! item: see [`json_stream`]). Each turns its rows into [`Draft`]s for the
//! [`Compiler`], reporting its own problems with line and column (or JSON path).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use flaneur::catalog::{FacetJson, ItemJson, SUPPORTED_VERSION, VectorKind};
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::compile::{Compiler, Draft, Locator};
use super::json_stream::{self, Elements, Fields};

/// A feed's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Tsv,
    Shopify,
    Json,
}

/// Guesses the format: JSON by its first character (`products` → Shopify,
/// otherwise flaneur JSON v1), else TSV when the header line has more tabs than commas.
pub fn sniff(path: &Path) -> std::io::Result<Format> {
    let mut head = Vec::new();
    File::open(path)?.take(64 * 1024).read_to_end(&mut head)?;
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        return Ok(if text.contains("\"products\"") && !text.contains("\"items\"") { Format::Shopify } else { Format::Json });
    }
    let header = text.lines().next().unwrap_or("");
    Ok(if header.matches('\t').count() > header.matches(',').count() { Format::Tsv } else { Format::Csv })
}

fn shop_name(path: &Path) -> String {
    path.file_stem().map_or_else(|| "shop".into(), |s| s.to_string_lossy().into_owned())
}

/// Parses a Merchant Center price: `"49.90 EUR"`, `"EUR 49.90"` or `"49.90"`.
pub fn parse_price(text: &str) -> Result<(f64, Option<String>), String> {
    let bad = || format!("{text:?} is not a price like \"49.90 EUR\"");
    let number = |s: &str| s.parse::<f64>().ok().filter(|p| p.is_finite() && *p >= 0.0);
    let parts: Vec<&str> = text.split_whitespace().collect();
    let (price, currency) = match parts.as_slice() {
        [n] => (number(n).ok_or_else(bad)?, None),
        [a, b] => match (number(a), number(b)) {
            (Some(p), None) => (p, Some(*b)),
            (None, Some(p)) => (p, Some(*a)),
            _ => return Err(bad()),
        },
        _ => return Err(bad()),
    };
    if let Some(c) = currency {
        if c.len() != 3 || !c.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!("{text:?}: {c:?} is not an ISO 4217 currency code"));
        }
    }
    Ok((price, currency.map(str::to_ascii_uppercase)))
}

/// Merchant Center availability → whether the item can be ordered now.
pub fn parse_availability(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().replace('_', " ").as_str() {
        "" | "in stock" | "preorder" | "backorder" => Ok(true),
        "out of stock" => Ok(false),
        other => Err(format!("{other:?} is not one of in stock, out of stock, preorder, backorder")),
    }
}

/// Parses a vector written as numbers separated by spaces, commas or `;` (brackets allowed).
pub fn parse_vector(text: &str) -> Result<Vec<f32>, String> {
    text.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<f32>().ok().filter(|x| x.is_finite()).ok_or_else(|| format!("{s:?} is not a number")))
        .collect()
}

/// The default facets of a Merchant Center feed, when their columns exist.
const MERCHANT_FACETS: [&str; 5] = ["brand", "color", "material", "size", "gender"];

/// Streams a Merchant Center CSV or TSV feed.
pub fn read_merchant(path: &Path, tsv: bool, c: &mut Compiler) -> std::io::Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .quoting(!tsv)
        .flexible(true)
        .has_headers(true)
        .from_reader(BufReader::with_capacity(1 << 20, File::open(path)?));
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().trim_start_matches('\u{feff}').to_ascii_lowercase()).collect(),
        Err(e) => {
            c.problems.line(1, "(header)", e.to_string());
            return Ok(());
        }
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let before = c.problems.0.len();
    for required in ["id", "title"] {
        if col(required).is_none() {
            c.problems.line(1, required, "missing column");
        }
    }
    // Facets: the default columns that exist, then --facet COLUMN=FACET.
    let mut facet_cols: Vec<(usize, String)> = Vec::new();
    for name in MERCHANT_FACETS {
        if let Some(i) = col(name) {
            facet_cols.push((i, name.to_string()));
        }
    }
    for (column, facet) in c.options.facets.clone() {
        match col(&column.to_ascii_lowercase()) {
            Some(i) => {
                facet_cols.retain(|(j, _)| *j != i);
                facet_cols.push((i, facet));
            }
            None => c.problems.line(1, &column, "--facet names a column the feed does not have"),
        }
    }
    let mut names: Vec<String> = facet_cols.iter().map(|f| f.1.clone()).collect();
    names.sort();
    names.dedup();
    let vector_col = match &c.options.vector_column {
        Some(name) => match col(&name.to_ascii_lowercase()) {
            Some(i) => {
                c.supplied_vectors = true;
                Some(i)
            }
            None => {
                c.problems.line(1, name, "--vector-column names a column the feed does not have");
                None
            }
        },
        None => None,
    };
    if c.problems.0.len() > before {
        return Ok(()); // the header is wrong: the rows cannot be read
    }
    let (id, title) = (col("id").unwrap_or(0), col("title").unwrap_or(0));
    let (description, link, image, price, availability) =
        (col("description"), col("link"), col("image_link"), col("price"), col("availability"));
    let (product_type, google_category) = (col("product_type"), col("google_product_category"));
    let labels: Vec<usize> = (0..5).filter_map(|i| col(&format!("custom_label_{i}"))).collect();

    // The first row fixes the vector length when the shop supplies vectors.
    let mut dims = c.options.dims;
    let mut record = csv::StringRecord::new();
    let mut started = false;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(std::io::Error::other(e.to_string()));
                }
                let line = e.position().map_or(0, |p| p.line());
                c.problems.line(line, "(row)", e.to_string());
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue; // blank line
        }
        if record.len() != header.len() {
            c.problems.line(line, "(row)", format!("has {} fields, the header has {}", record.len(), header.len()));
            continue;
        }
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).map_or("", str::trim);
        let category_column =
            if get(product_type).is_empty() && !get(google_category).is_empty() { "google_product_category" } else { "product_type" };
        let at = Locator::Line(line, category_column);
        let mut bad = false;
        let mut vector = None;
        if let Some(i) = vector_col {
            match parse_vector(get(Some(i))) {
                Ok(v) => {
                    if !started {
                        dims = v.len();
                    }
                    if v.len() != dims {
                        at.report(&mut c.problems, &header[i], format!("has {} values, the first row has {dims}", v.len()));
                        bad = true;
                    }
                    vector = Some(v);
                }
                Err(e) => {
                    at.report(&mut c.problems, &header[i], e);
                    bad = true;
                }
            }
        }
        if !started {
            c.start(SUPPORTED_VERSION, &shop_name(path), &names, dims, VectorKind::Content);
            started = true;
        }
        let (mut price_value, mut currency) = (None, c.options.currency.clone());
        if !get(price).is_empty() {
            match parse_price(get(price)) {
                Ok((p, cur)) => {
                    price_value = Some(p);
                    currency = cur.or(currency);
                }
                Err(e) => {
                    at.report(&mut c.problems, "price", e);
                    bad = true;
                }
            }
        }
        let available = match parse_availability(get(availability)) {
            Ok(a) => a,
            Err(e) => {
                at.report(&mut c.problems, "availability", e);
                bad = true;
                true
            }
        };
        let category = if get(product_type).is_empty() { get(google_category) } else { get(product_type) };
        let mut attributes = BTreeMap::new();
        for (i, facet) in &facet_cols {
            let value = get(Some(*i));
            if !value.is_empty() {
                attributes.insert(facet.clone(), value.to_string());
            }
        }
        let extra: Vec<String> = labels.iter().map(|&i| get(Some(i)).to_string()).filter(|s| !s.is_empty()).collect();
        let item = ItemJson {
            id: get(Some(id)).to_string(),
            title: get(Some(title)).to_string(),
            category: category.to_string(),
            attributes,
            price: price_value,
            currency,
            available,
            popularity: 0.0,
            released: None,
            sensitive: None,
            vector,
            url: Some(get(link)).filter(|s| !s.is_empty()).map(str::to_string),
            image: Some(get(image)).filter(|s| !s.is_empty()).map(str::to_string),
        };
        let draft = Draft { item, description: get(description).to_string(), extra, at };
        if bad {
            // Still run the common checks, so every problem of the row is reported.
            c.check_only(draft);
        } else {
            c.accept(draft);
        }
    }
    if !started && c.problems.is_empty() {
        c.start(SUPPORTED_VERSION, &shop_name(path), &names, dims, VectorKind::Content);
    }
    Ok(())
}

/// One product of a Shopify export, converted from its JSON value.
#[derive(Deserialize)]
struct ShopifyProduct {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body_html: Option<String>,
    #[serde(default)]
    vendor: Option<String>,
    #[serde(default)]
    product_type: Option<String>,
    #[serde(default)]
    handle: Option<String>,
    #[serde(default)]
    tags: Option<serde_json::Value>,
    #[serde(default)]
    variants: Vec<ShopifyVariant>,
    #[serde(default)]
    options: Vec<ShopifyOption>,
    #[serde(default)]
    images: Vec<ShopifyImage>,
}

#[derive(Deserialize)]
struct ShopifyVariant {
    #[serde(default)]
    price: Option<serde_json::Value>,
    #[serde(default)]
    available: Option<bool>,
    #[serde(default)]
    option1: Option<String>,
    #[serde(default)]
    option2: Option<String>,
    #[serde(default)]
    option3: Option<String>,
}

#[derive(Deserialize)]
struct ShopifyOption {
    name: String,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Deserialize)]
struct ShopifyImage {
    src: String,
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Removes HTML tags and decodes the few common entities.
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&nbsp;", " ").replace("&quot;", "\"").replace("&#39;", "'")
}

/// A document error (syntax, a wrong type outside the items, a missing key)
/// ends the read: one problem with its line and character; the problems found
/// before it stay.
fn document_error(c: &mut Compiler, e: &serde_json::Error) {
    c.problems.line(e.line() as u64, &format!("character {}", e.column()), e.to_string());
}

/// An element of the streamed array that does not convert to the reader's
/// type: a problem at its path (`items[7]: invalid type: …`), and the next
/// element is read.
fn element<T: DeserializeOwned>(c: &mut Compiler, array: &str, index: usize, value: serde_json::Value) -> Option<T> {
    serde_json::from_value(value).map_err(|e| c.problems.path(format!("{array}[{index}]"), e.to_string())).ok()
}

/// A Shopify option name as a facet name: lower-cased, renamed by `--facet`.
fn option_facet(mapping: &[(String, String)], name: &str) -> String {
    let lower = name.trim().to_lowercase();
    mapping.iter().find(|(col, _)| col.to_lowercase() == lower).map_or(lower, |(_, f)| f.clone())
}

/// The option names of one product, all the first pass over a Shopify export
/// reads: every other key is skipped, and a product of the wrong shape reads
/// as none (the second pass reports it).
struct OptionNames(Vec<String>);

impl<'de> Deserialize<'de> for OptionNames {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OptionNamesVisitor)
    }
}

struct OptionNamesVisitor;

impl<'de> Visitor<'de> for OptionNamesVisitor {
    type Value = OptionNames;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a product")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OptionNames, A::Error> {
        let mut names = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key != "options" {
                json_stream::skip(&mut map)?;
                continue;
            }
            // Small: `[{"name": "Color", "values": ["Red", "Navy"]}, …]`.
            if let serde_json::Value::Array(options) = map.next_value::<serde_json::Value>()? {
                names.extend(options.iter().filter_map(|o| o.get("name")?.as_str().map(str::to_string)));
            }
        }
        Ok(OptionNames(names))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<OptionNames, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(OptionNames(Vec::new()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
}

/// The first pass over a Shopify export: the distinct option names of all products.
#[derive(Default)]
struct ShopifyOptionNames(Vec<String>);

impl Fields for ShopifyOptionNames {
    fn expecting(&self) -> &'static str {
        "a Shopify products.json object"
    }

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        if key != "products" {
            return json_stream::skip(map);
        }
        let names = &mut self.0;
        let each = |_, product: OptionNames| {
            for name in product.0 {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        };
        map.next_value_seed(Elements::new(each)).map(drop)
    }

    fn end<E: de::Error>(&mut self) -> Result<(), E> {
        Ok(())
    }
}

/// The second pass over a Shopify export: each product, converted and compiled as soon as it is parsed.
struct ShopifyProducts<'a> {
    c: &'a mut Compiler,
    seen: bool,
}

impl Fields for ShopifyProducts<'_> {
    fn expecting(&self) -> &'static str {
        "a Shopify products.json object"
    }

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        if key != "products" {
            return json_stream::skip(map);
        }
        if std::mem::replace(&mut self.seen, true) {
            return Err(de::Error::duplicate_field("products"));
        }
        let c = &mut *self.c;
        let each = |i, value| {
            if let Some(product) = element(c, "products", i, value) {
                shopify_product(c, i, product);
            }
        };
        map.next_value_seed(Elements::new(each)).map(drop)
    }

    fn end<E: de::Error>(&mut self) -> Result<(), E> {
        if self.seen { Ok(()) } else { Err(E::missing_field("products")) }
    }
}

/// Reads a Shopify export: one catalog item per product (not per variant).
///
/// Streamed in two passes, each holding one product at a time: the facets
/// (brand and every option name) must be declared before the first item, so
/// the first pass reads only the products' option names and the second the
/// whole products. A document error in the first pass is left to the second,
/// which meets it after the same products and reports their problems too.
pub fn read_shopify(path: &Path, c: &mut Compiler) -> std::io::Result<()> {
    let mut options = ShopifyOptionNames::default();
    let _first_pass = json_stream::read_object(path, &mut options)?;
    // Facets: brand (vendor) and every option name (lower-cased), renamed by --facet.
    let mut names: Vec<String> = vec![option_facet(&c.options.facets, "brand")];
    for option in &options.0 {
        let name = option_facet(&c.options.facets, option);
        if name != "title" && !names.contains(&name) {
            names.push(name);
        }
    }
    names.sort();
    c.start(SUPPORTED_VERSION, &shop_name(path), &names, c.options.dims, VectorKind::Content);
    let mut products = ShopifyProducts { c, seen: false };
    if let Err(e) = json_stream::read_object(path, &mut products)? {
        document_error(c, &e);
    }
    Ok(())
}

/// Compiles product `i` of a Shopify export into one item.
fn shopify_product(c: &mut Compiler, i: usize, p: ShopifyProduct) {
    let rename = |name: &str| option_facet(&c.options.facets, name);
    let at = Locator::Path(format!("products[{i}]"), "product_type");
    let mut bad = false;
    let mut price: Option<f64> = None;
    for (j, v) in p.variants.iter().enumerate() {
        let Some(raw) = &v.price else { continue };
        match json_text(raw).and_then(|t| t.trim().parse::<f64>().ok()).filter(|x| x.is_finite() && *x >= 0.0) {
            Some(x) => price = Some(price.map_or(x, |m| m.min(x))),
            None => {
                c.problems.path(format!("products[{i}].variants[{j}].price"), format!("{raw} is not a price"));
                bad = true;
            }
        }
    }
    let available = p.variants.is_empty() || p.variants.iter().any(|v| v.available.unwrap_or(true));
    // Attributes: the option values of the first available variant (else the first).
    let mut attributes = BTreeMap::new();
    if let Some(vendor) = p.vendor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        attributes.insert(rename("brand"), vendor.to_string());
    }
    if let Some(v) = p.variants.iter().find(|v| v.available.unwrap_or(true)).or(p.variants.first()) {
        for (o, value) in p.options.iter().zip([&v.option1, &v.option2, &v.option3]) {
            let name = rename(&o.name);
            if let Some(value) = value.as_deref().map(str::trim).filter(|s| !s.is_empty() && name != "title") {
                attributes.insert(name, value.to_string());
            }
        }
    }
    let mut extra: Vec<String> = p.options.iter().flat_map(|o| o.values.iter().cloned()).collect();
    match &p.tags {
        Some(serde_json::Value::String(s)) => extra.extend(s.split(',').map(|t| t.trim().to_string())),
        Some(serde_json::Value::Array(a)) => extra.extend(a.iter().filter_map(json_text)),
        _ => {}
    }
    let category = p.product_type.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("Uncategorized");
    let item = ItemJson {
        id: p.id.as_ref().and_then(json_text).unwrap_or_default(),
        title: p.title,
        category: category.to_string(),
        attributes,
        price,
        currency: c.options.currency.clone(),
        available,
        popularity: 0.0,
        released: None,
        sensitive: None,
        vector: None,
        url: p.handle.map(|h| format!("{}/products/{h}", c.options.base_url)),
        image: p.images.into_iter().next().map(|i| i.src),
    };
    let draft = Draft { item, description: strip_html(p.body_html.as_deref().unwrap_or("")), extra, at };
    if bad { c.check_only(draft) } else { c.accept(draft) }
}

/// The header fields of a JSON v1 catalog, as far as read (field names and
/// defaults as in the core's `CatalogJson`).
#[derive(Default)]
struct Header {
    version: Option<u32>,
    shop: Option<String>,
    dims: Option<usize>,
    vector_kind: Option<VectorKind>,
    facets: Option<BTreeMap<String, FacetJson>>,
}

/// What has become of a JSON v1 catalog's `items`.
enum Items {
    /// Not met yet.
    Ahead,
    /// Streamed into the compiler, started with the header read before them
    /// (whose `dims` was this).
    Streamed { dims: usize },
    /// Met before `version` and `shop`: held until the object ends (the fallback).
    Held(Vec<(usize, ItemJson)>),
    /// Skipped: the catalog's version is not one this build reads.
    Skipped,
}

/// Reads a JSON v1 catalog's top-level object.
struct JsonV1<'a> {
    c: &'a mut Compiler,
    header: Header,
    items: Items,
}

/// Reads a header field's value; a key given twice is an error, as for the core.
fn header_field<'de, T: DeserializeOwned, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    key: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl JsonV1<'_> {
    /// Starts the catalog from the header (`version` and `shop` known; the
    /// other fields take their defaults when not given yet). `false` when the
    /// version is not one this build reads (a problem): the items are then skipped.
    fn start(&mut self) -> bool {
        let (Some(version), Some(shop)) = (self.header.version, self.header.shop.clone()) else { return false };
        let c = &mut *self.c;
        if version == 0 || version > SUPPORTED_VERSION {
            c.problems.path("version", flaneur::Error::CatalogVersion { found: version, supported: SUPPORTED_VERSION }.to_string());
            return false;
        }
        if c.options.shop.is_none() {
            c.options.shop = Some(shop.clone());
        }
        let facets = self.header.facets.clone().unwrap_or_default();
        for (name, f) in &facets {
            if f.divergence && !c.options.divergence.contains(name) {
                c.options.divergence.push(name.clone());
            }
        }
        let names: Vec<String> = facets.keys().cloned().collect();
        let json_dims = self.header.dims.unwrap_or(0);
        let dims = if json_dims > 0 {
            c.supplied_vectors = true;
            json_dims
        } else {
            c.options.dims
        };
        let kind = if json_dims > 0 { self.header.vector_kind.unwrap_or_default() } else { VectorKind::Content };
        c.start(version, &shop, &names, dims, kind);
        true
    }

    /// Called after a header field was read: when the items were already
    /// streamed (with that field's default), a value other than the default is a problem.
    fn late(&mut self, key: &str) {
        let Items::Streamed { dims } = self.items else { return };
        let differs = match key {
            "dims" => self.header.dims != Some(0),
            "vector_kind" => dims > 0 && self.header.vector_kind != Some(VectorKind::Content),
            _ => self.header.facets.as_ref().is_some_and(|f| !f.is_empty()),
        };
        if differs {
            self.c.problems.path(key, "comes after \"items\", which were read without it: write the header fields before \"items\"");
        }
    }
}

/// Compiles item `i` of a JSON v1 catalog.
fn json_item(c: &mut Compiler, i: usize, item: ItemJson) {
    c.accept(Draft { item, description: String::new(), extra: Vec::new(), at: Locator::Path(format!("items[{i}]"), "category") });
}

impl Fields for JsonV1<'_> {
    fn expecting(&self) -> &'static str {
        "a flaneur JSON v1 catalog object"
    }

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        let header = &mut self.header;
        match key {
            "version" => header_field(&mut header.version, "version", map),
            "shop" => header_field(&mut header.shop, "shop", map),
            "dims" | "vector_kind" | "facets" => {
                match key {
                    "dims" => header_field(&mut header.dims, "dims", map)?,
                    "vector_kind" => header_field(&mut header.vector_kind, "vector_kind", map)?,
                    _ => header_field(&mut header.facets, "facets", map)?,
                }
                self.late(key);
                Ok(())
            }
            "items" => {
                if !matches!(self.items, Items::Ahead) {
                    return Err(de::Error::duplicate_field("items"));
                }
                if header.version.is_none() || header.shop.is_none() {
                    // The fallback: `items` before `version` or `shop` (a
                    // serialized `CatalogJson` has `items` last; `jq -S` sorts
                    // them first). The catalog cannot be started yet, so the
                    // items are held, converted, until the object ends
                    // (`end`): memory then grows with the items.
                    let mut held = Vec::new();
                    let c = &mut *self.c;
                    let each = |i, value| {
                        if let Some(item) = element(c, "items", i, value) {
                            held.push((i, item));
                        }
                    };
                    map.next_value_seed(Elements::new(each))?;
                    self.items = Items::Held(held);
                    return Ok(());
                }
                if !self.start() {
                    self.items = Items::Skipped;
                    return json_stream::skip(map);
                }
                self.items = Items::Streamed { dims: self.header.dims.unwrap_or(0) };
                let c = &mut *self.c;
                let each = |i, value| {
                    if let Some(item) = element(c, "items", i, value) {
                        json_item(c, i, item);
                    }
                };
                map.next_value_seed(Elements::new(each)).map(drop)
            }
            _ => json_stream::skip(map),
        }
    }

    fn end<E: de::Error>(&mut self) -> Result<(), E> {
        if self.header.version.is_none() {
            return Err(E::missing_field("version"));
        }
        if self.header.shop.is_none() {
            return Err(E::missing_field("shop"));
        }
        match std::mem::replace(&mut self.items, Items::Skipped) {
            Items::Ahead => return Err(E::missing_field("items")),
            Items::Held(held) => {
                if self.start() {
                    for (i, item) in held {
                        json_item(self.c, i, item);
                    }
                }
            }
            Items::Streamed { .. } | Items::Skipped => {}
        }
        Ok(())
    }
}

/// Reads a flaneur JSON v1 catalog, streamed: each item is converted, checked
/// and compiled as soon as it is parsed, so every problem is reported and only
/// one item is held at a time. The header fields (`version`, `shop`, `dims`,
/// `vector_kind`, `facets`) start the catalog; our writer puts them before
/// `items`. Fallback: `items` before `version` or `shop` are held until the
/// object ends; an optional header field after `items` that is not its default
/// is a problem.
pub fn read_json(path: &Path, c: &mut Compiler) -> std::io::Result<()> {
    let mut reader = JsonV1 { c, header: Header::default(), items: Items::Ahead };
    if let Err(e) = json_stream::read_object(path, &mut reader)? {
        document_error(c, &e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_merchant_center_forms() {
        assert_eq!(parse_price("49.90 EUR"), Ok((49.9, Some("EUR".into()))));
        assert_eq!(parse_price("usd 12"), Ok((12.0, Some("USD".into()))));
        assert_eq!(parse_price("7.5"), Ok((7.5, None)));
        for bad in ["", "forty EUR", "49,90 EUR", "-1 EUR", "12 EURO", "1 2 3", "NaN EUR", "inf"] {
            assert!(parse_price(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn availability_values() {
        assert_eq!(parse_availability("in stock"), Ok(true));
        assert_eq!(parse_availability("In_Stock"), Ok(true));
        assert_eq!(parse_availability("preorder"), Ok(true));
        assert_eq!(parse_availability("backorder"), Ok(true));
        assert_eq!(parse_availability("out of stock"), Ok(false));
        assert_eq!(parse_availability(""), Ok(true));
        assert!(parse_availability("sold out").is_err());
    }

    #[test]
    fn html_is_stripped_and_vectors_parse() {
        assert_eq!(strip_html("<p>Fine <b>wool</b> &amp; silk</p>").split_whitespace().collect::<Vec<_>>(), ["Fine", "wool", "&", "silk"]);
        assert_eq!(parse_vector("[1, 2.5; -3]"), Ok(vec![1.0, 2.5, -3.0]));
        assert!(parse_vector("1 NaN").is_err());
    }
}
