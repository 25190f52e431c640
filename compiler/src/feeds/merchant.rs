//! Merchant Center CSV/TSV feeds, streamed row by row (field mapping in
//! docs/FORMATS.md, "Merchant Center CSV / TSV").

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use flaneur::catalog::{ItemJson, SUPPORTED_VERSION, VectorKind};
use flaneur::util::sorted_map::SortedMap;

use super::common::{parse_availability, parse_price, shop_name};
use crate::compile::{Compiler, Draft, Locator};
use crate::vector_text::parse_vector;

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
        Ok(h) => {
            h.iter().map(|s| s.trim().trim_start_matches('\u{feff}').to_ascii_lowercase()).collect()
        }
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
            c.problems.line(
                line,
                "(row)",
                format!("has {} fields, the header has {}", record.len(), header.len()),
            );
            continue;
        }
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).map_or("", str::trim);
        let category_column = if get(product_type).is_empty() && !get(google_category).is_empty() {
            "google_product_category"
        } else {
            "product_type"
        };
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
                        at.report(
                            &mut c.problems,
                            &header[i],
                            format!("has {} values, the first row has {dims}", v.len()),
                        );
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
        let category =
            if get(product_type).is_empty() { get(google_category) } else { get(product_type) };
        let mut attributes = SortedMap::new();
        for (i, facet) in &facet_cols {
            let value = get(Some(*i));
            if !value.is_empty() {
                attributes.insert(facet.clone(), value.to_string());
            }
        }
        let extra: Vec<String> =
            labels.iter().map(|&i| get(Some(i)).to_string()).filter(|s| !s.is_empty()).collect();
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
            bought_with: Vec::new(),
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
