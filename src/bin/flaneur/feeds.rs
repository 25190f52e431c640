//! Feed readers: Merchant Center CSV/TSV (streamed row by row), Shopify
//! `products.json` and flaneur JSON v1. Each turns its rows into [`Draft`]s
//! for the [`Compiler`], reporting its own problems with line and column (or
//! JSON path).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use flaneur::catalog::{CatalogJson, ItemJson, VectorKind};
use serde::Deserialize;

use super::compile::{Compiler, Draft, Locator};

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
            c.start(&shop_name(path), &names, dims, VectorKind::Content);
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
        c.start(&shop_name(path), &names, dims, VectorKind::Content);
    }
    Ok(())
}

/// A Shopify `products.json` export.
#[derive(Deserialize)]
struct ShopifyExport {
    products: Vec<ShopifyProduct>,
}

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

/// Parses a whole JSON document; a syntax error is one problem, with its line and character.
fn read_document<T: serde::de::DeserializeOwned>(path: &Path, c: &mut Compiler) -> std::io::Result<Option<T>> {
    match serde_json::from_reader(BufReader::new(File::open(path)?)) {
        Ok(document) => Ok(Some(document)),
        Err(e) if e.is_io() => Err(std::io::Error::other(e)),
        Err(e) => {
            c.problems.line(e.line() as u64, &format!("character {}", e.column()), e.to_string());
            Ok(None)
        }
    }
}

/// Reads a Shopify export: one catalog item per product (not per variant).
pub fn read_shopify(path: &Path, c: &mut Compiler) -> std::io::Result<()> {
    let Some(export) = read_document::<ShopifyExport>(path, c)? else { return Ok(()) };
    // Facets: brand (vendor) and every option name (lower-cased), renamed by --facet.
    let mapping = c.options.facets.clone();
    let rename = |name: &str| -> String {
        let lower = name.trim().to_lowercase();
        mapping.iter().find(|(col, _)| col.to_lowercase() == lower).map_or(lower, |(_, f)| f.clone())
    };
    let mut names: Vec<String> = vec![rename("brand")];
    for p in &export.products {
        for o in &p.options {
            let name = rename(&o.name);
            if name != "title" && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.sort();
    c.start(&shop_name(path), &names, c.options.dims, VectorKind::Content);
    for (i, p) in export.products.into_iter().enumerate() {
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
    Ok(())
}

/// Reads a flaneur JSON v1 catalog: its items are checked one by one, so every problem is reported.
pub fn read_json(path: &Path, c: &mut Compiler) -> std::io::Result<()> {
    let Some(json) = read_document::<CatalogJson>(path, c)? else { return Ok(()) };
    if c.options.shop.is_none() {
        c.options.shop = Some(json.shop.clone());
    }
    for (name, f) in &json.facets {
        if f.divergence && !c.options.divergence.contains(name) {
            c.options.divergence.push(name.clone());
        }
    }
    let names: Vec<String> = json.facets.keys().cloned().collect();
    let dims = if json.dims > 0 {
        c.supplied_vectors = true;
        json.dims
    } else {
        c.options.dims
    };
    c.start(&json.shop, &names, dims, if json.dims > 0 { json.vector_kind } else { VectorKind::Content });
    for (i, item) in json.items.into_iter().enumerate() {
        let at = Locator::Path(format!("items[{i}]"), "category");
        c.accept(Draft { item, description: String::new(), extra: Vec::new(), at });
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
