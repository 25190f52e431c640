//! Merchant Center CSV/TSV feeds, streamed row by row (field mapping in
//! docs/FORMATS.md, "Merchant Center CSV / TSV").

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use flaneur::catalog::{ItemJson, SUPPORTED_VERSION, VectorKind};
use flaneur::util::sorted_map::SortedMap;

use super::common::{parse_availability, parse_price, shop_name};
use super::item_groups::ItemGroups;
use super::sale_price::on_sale;
use crate::compile::{Compiler, Draft, Locator};
use crate::delimited::FileReader;
use crate::physical_lines::{Counted, Lines};
use crate::vector_text::parse_vector;

/// The default facets of a Merchant Center feed, when their columns exist.
const MERCHANT_FACETS: [&str; 5] = ["brand", "color", "material", "size", "gender"];

/// The columns flaneur reads of a Merchant Center feed, besides the facets,
/// `custom_label_0`…`4` and `--vector-column`.
const READ: [&str; 13] = [
    "id",
    "title",
    "description",
    "link",
    "image_link",
    "additional_image_link",
    "price",
    "sale_price",
    "sale_price_effective_date",
    "availability",
    "product_type",
    "google_product_category",
    "item_group_id",
];

/// A csv reader over the feed, its first line the header, and the lines of what it reads.
fn open(path: &Path, tsv: bool) -> std::io::Result<(FileReader, Lines)> {
    let (file, lines) = Counted::new(BufReader::with_capacity(1 << 20, File::open(path)?));
    let reader = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .quoting(!tsv)
        .flexible(true)
        .has_headers(true)
        .from_reader(file);
    Ok((reader, lines))
}

/// Where a row's offer is: the columns of its price, sale and availability.
#[derive(Clone, Copy)]
struct OfferColumns {
    price: Option<usize>,
    sale: Option<usize>,
    sale_dates: Option<usize>,
    availability: Option<usize>,
}

/// A row's offer: its price now (the sale price while the sale is on) and
/// whether it can be ordered, or the problems of the columns that say so.
struct Offer {
    price: Option<(f64, Option<String>)>,
    available: bool,
    on_sale: bool,
    problems: Vec<(&'static str, String)>,
}

impl OfferColumns {
    fn read<'r>(&self, get: &dyn Fn(Option<usize>) -> &'r str, at: i64) -> Offer {
        let mut offer =
            Offer { price: None, available: true, on_sale: false, problems: Vec::new() };
        let sale = get(self.sale);
        if !sale.is_empty() {
            match on_sale(get(self.sale_dates), at) {
                Ok(on) => offer.on_sale = on,
                Err(e) => offer.problems.push(("sale_price_effective_date", e)),
            }
        }
        let (column, text) =
            if offer.on_sale { ("sale_price", sale) } else { ("price", get(self.price)) };
        if !text.is_empty() {
            match parse_price(text) {
                Ok(price) => offer.price = Some(price),
                Err(e) => offer.problems.push((column, e)),
            }
        }
        match parse_availability(get(self.availability)) {
            Ok(a) => offer.available = a,
            Err(e) => offer.problems.push(("availability", e)),
        }
        offer
    }
}

/// What a feed used that flaneur could not, or took in its own way: told
/// once, after the rows, not at every line.
#[derive(Default)]
struct Summary {
    /// Columns flaneur does not read, and the rows giving each a value.
    unread: Vec<(String, u64)>,
    /// Rows whose category is a numeric `google_product_category`.
    numeric_categories: u64,
    /// Sale prices in effect, and those not.
    sales: (u64, u64),
}

impl Summary {
    fn print(&self, path: &Path, groups: &ItemGroups) {
        let file = path.display();
        let unread: Vec<String> = self
            .unread
            .iter()
            .filter(|(_, rows)| *rows > 0)
            .map(|(name, rows)| format!("{name} ({rows} rows)"))
            .collect();
        if !unread.is_empty() {
            eprintln!("flaneur: note: {file}: columns flaneur does not use: {}", unread.join(", "));
        }
        let (merged, rows) = groups.merged();
        if merged > 0 {
            eprintln!(
                "flaneur: note: {file}: {rows} rows in {merged} item groups (item_group_id), one \
                 item each: its first orderable row at the group's lowest price"
            );
        }
        if self.numeric_categories > 0 {
            eprintln!(
                "flaneur: note: {file}: {} items take their category from a numeric \
                 google_product_category, one flat category per number: a product_type or the \
                 category's path gives them names and a hierarchy",
                self.numeric_categories
            );
        }
        if self.sales != (0, 0) {
            eprintln!(
                "flaneur: note: {file}: {} sale prices in effect, {} not at the time of the build",
                self.sales.0, self.sales.1
            );
        }
    }
}

/// The first pass of a feed with `item_group_id`: each group's offer.
fn read_groups(
    path: &Path,
    tsv: bool,
    group: usize,
    offers: OfferColumns,
    at: i64,
) -> std::io::Result<ItemGroups> {
    let (mut reader, lines) = open(path, tsv)?;
    let mut groups = ItemGroups::default();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(groups),
            Ok(true) => {}
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                return Err(std::io::Error::other(e.to_string()));
            }
            Err(_) => continue, // reported by the second pass
        }
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).map_or("", str::trim);
        let id = get(Some(group));
        if id.is_empty() {
            continue;
        }
        let offer = offers.read(&get, at);
        let ok = offer.problems.is_empty();
        let line = lines.of(record.position());
        groups.note(id, line, offer.price.filter(|_| ok), ok.then_some(offer.available));
    }
}

/// Streams a Merchant Center CSV or TSV feed.
pub fn read_merchant(path: &Path, tsv: bool, c: &mut Compiler) -> std::io::Result<()> {
    let (mut reader, lines) = open(path, tsv)?;
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
    let (description, link, image) = (col("description"), col("link"), col("image_link"));
    let more_images = col("additional_image_link");
    let (product_type, google_category) = (col("product_type"), col("google_product_category"));
    let labels: Vec<usize> = (0..5).filter_map(|i| col(&format!("custom_label_{i}"))).collect();
    let offers = OfferColumns {
        price: col("price"),
        sale: col("sale_price"),
        sale_dates: col("sale_price_effective_date"),
        availability: col("availability"),
    };
    let now = c.options.at;
    let group_col = col("item_group_id");
    let groups = match group_col {
        Some(group) => read_groups(path, tsv, group, offers, now)?,
        None => ItemGroups::default(),
    };
    let mut summary = Summary::default();
    let read: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(i, name)| {
            READ.contains(&name.as_str())
                || name.starts_with("custom_label_")
                || facet_cols.iter().any(|(j, _)| j == i)
                || vector_col == Some(*i)
        })
        .map(|(i, _)| i)
        .collect();
    let unread: Vec<usize> = (0..header.len()).filter(|i| !read.contains(i)).collect();
    summary.unread = unread.iter().map(|&i| (header[i].clone(), 0)).collect();

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
                let line = lines.of(e.position());
                c.problems.line(line, "(row)", e.to_string());
                continue;
            }
        }
        let line = lines.of(record.position());
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
        for (k, &i) in unread.iter().enumerate() {
            if !get(Some(i)).is_empty() {
                summary.unread[k].1 += 1;
            }
        }
        let category_column = if get(product_type).is_empty() && !get(google_category).is_empty() {
            "google_product_category"
        } else {
            "product_type"
        };
        let at = Locator::Line(line, category_column);
        let offer = offers.read(&get, now);
        // A group's other rows give only their offer (read in the first pass).
        let group = group_col.map(|g| get(Some(g))).filter(|g| !g.is_empty());
        let group = group.and_then(|g| groups.get(g).map(|found| (g, found)));
        if group.is_some_and(|(_, found)| found.line != line) {
            for (column, message) in offer.problems {
                at.report(&mut c.problems, column, message);
            }
            continue;
        }
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
        bad |= !offer.problems.is_empty();
        for (column, message) in offer.problems {
            at.report(&mut c.problems, column, message);
        }
        if !get(offers.sale).is_empty() {
            let (on, off) = &mut summary.sales;
            *(if offer.on_sale { on } else { off }) += 1;
        }
        let (mut offered, mut available) = (offer.price, offer.available);
        let mut item_id = get(Some(id)).to_string();
        if let Some((group_id, found)) = group {
            // The group is the item: its id, its lowest price, orderable if any row is.
            (item_id, offered, available) =
                (group_id.to_string(), found.price.clone(), found.available);
        }
        let price_value = offered.as_ref().map(|(p, _)| *p);
        let currency = offered.and_then(|(_, cur)| cur).or_else(|| c.options.currency.clone());
        let category =
            if get(product_type).is_empty() { get(google_category) } else { get(product_type) };
        // A numeric Google category names no path: one flat category per number.
        let numeric = category_column == "google_product_category"
            && category.bytes().all(|b| b.is_ascii_digit());
        let category = if numeric {
            summary.numeric_categories += 1;
            format!("Google product category {category}")
        } else {
            category.to_string()
        };
        // The first additional image when there is no image_link.
        let image_link = match get(image) {
            "" => get(more_images).split(',').map(str::trim).find(|l| !l.is_empty()).unwrap_or(""),
            main => main,
        };
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
            id: item_id,
            title: get(Some(title)).to_string(),
            category,
            attributes,
            price: price_value,
            currency,
            available,
            popularity: 0.0,
            released: None,
            sensitive: None,
            vector,
            url: Some(get(link)).filter(|s| !s.is_empty()).map(str::to_string),
            image: Some(image_link).filter(|s| !s.is_empty()).map(str::to_string),
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
    summary.print(path, &groups);
    Ok(())
}
