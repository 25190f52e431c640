//! The grocer's catalog as the shop would publish it: the products bought in
//! training, as a flaneur JSON v1 feed in the shop's default order (its
//! best-sellers first), categories `department > product category > product
//! type`, facets `brand` and `package_size`, the server's ALS item factors
//! (`vector_kind: "factors"`) and, as a side file, the aggregate popularity
//! (distinct households that bought each product), compiled by the
//! shop-side `flaneur catalog build` exactly as a shop would run it.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use flaneur::catalog::Catalog;
use serde_json::{Value, json};

use super::grocery_data::{Grocery, Product};

/// A category level as the catalog wants it: spaces collapsed, no `>` inside.
fn clean(level: &str) -> String {
    level.replace('>', "/").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `department > product category > product type`, empty levels and a level
/// repeating its parent left out (`Other` when nothing is left).
pub fn category(p: &Product) -> String {
    let mut levels: Vec<String> = Vec::new();
    for level in [&p.department, &p.category, &p.kind].map(|l| clean(l)) {
        if !level.is_empty() && levels.last() != Some(&level) {
            levels.push(level);
        }
    }
    if levels.is_empty() { "Other".into() } else { levels.join(" > ") }
}

/// A title from what the product table says: its type (or category), size and brand.
fn title(p: &Product) -> String {
    let name = [&p.kind, &p.category, &p.department]
        .map(|l| clean(l))
        .into_iter()
        .find(|l| !l.is_empty())
        .unwrap_or_else(|| format!("Product {}", p.id));
    let size = clean(&p.package_size);
    let mut title = if size.is_empty() { name } else { format!("{name}, {size}") };
    if !p.brand.is_empty() {
        title.push_str(&format!(" ({})", clean(&p.brand)));
    }
    title
}

/// Reads `product,x1,…,xd` lines (`scripts/eval/grocery_als.py`).
pub fn read_factors(path: &Path) -> Result<HashMap<String, Vec<f64>>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e} (run scripts/eval/grocery_als.py first)", path.display()))?;
    let mut out = HashMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        let mut fields = line.split(',');
        let id = fields.next().unwrap_or("").to_string();
        let vector = fields
            .map(|x| x.parse::<f64>())
            .collect::<Result<Vec<f64>, _>>()
            .map_err(|e| format!("{}: line {}: {e}", path.display(), n + 1))?;
        out.insert(id, vector);
    }
    Ok(out)
}

/// The catalog's products in the shop's order: most households first, ties by product id.
pub fn shop_order(data: &Grocery, popularity: &[u32]) -> Vec<u32> {
    let mut order: Vec<u32> = data.catalog_products().collect();
    order.sort_by(|&a, &b| popularity[b as usize].cmp(&popularity[a as usize]).then(a.cmp(&b)));
    order
}

/// Writes the JSON v1 feed and the popularity counts.
fn write_feed(
    data: &Grocery,
    popularity: &[u32],
    factors: &HashMap<String, Vec<f64>>,
    feed: &Path,
    counts: &Path,
) -> Result<usize, String> {
    let mut c = csv::Writer::from_path(counts).map_err(|e| format!("{}: {e}", counts.display()))?;
    c.write_record(["item_id", "count"]).map_err(|e| e.to_string())?;
    for i in data.catalog_products() {
        let id = data.products[i as usize].id.as_str();
        c.write_record([id, &popularity[i as usize].to_string()]).map_err(|e| e.to_string())?;
    }
    c.flush().map_err(|e| e.to_string())?;
    let dims = factors.values().next().map_or(0, Vec::len);
    let mut items = Vec::new();
    for i in shop_order(data, popularity) {
        let p = &data.products[i as usize];
        let vector = factors
            .get(&p.id)
            .filter(|v| v.len() == dims)
            .ok_or_else(|| format!("no {dims}-dimensional item factor for product {}", p.id))?;
        let mut attributes = serde_json::Map::new();
        for (facet, value) in [("brand", &p.brand), ("package_size", &p.package_size)] {
            let value = clean(value);
            if !value.is_empty() {
                attributes.insert(facet.into(), Value::String(value));
            }
        }
        items.push(json!({
            "id": p.id,
            "title": title(p),
            "category": category(p),
            "attributes": attributes,
            "vector": vector,
        }));
    }
    let catalog = json!({
        "version": 1,
        "shop": "completejourney",
        "dims": dims,
        "vector_kind": "factors",
        "facets": { "brand": { "divergence": true }, "package_size": {} },
        "items": items,
    });
    let text = serde_json::to_string(&catalog).map_err(|e| e.to_string())?;
    std::fs::write(feed, text).map_err(|e| format!("{}: {e}", feed.display()))?;
    Ok(dims)
}

/// Compiles the catalog under `dir` with the item factors of `factors_csv`. `orders` is the
/// training order log (`user,item,timestamp`), for the compiler's `--orders`.
pub fn build(
    data: &Grocery,
    popularity: &[u32],
    factors_csv: &Path,
    orders: &Path,
    dir: &Path,
) -> Result<Catalog, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let factors = read_factors(factors_csv)?;
    let feed = dir.join("catalog.json");
    let counts = dir.join("popularity.csv");
    let dims = write_feed(data, popularity, &factors, &feed, &counts)?;
    let out = dir.join("catalog.bin");
    let mut command = Command::new(super::movielens_catalog::compiler()?);
    command.args(["catalog", "build"]).arg(&feed).arg("-o").arg(&out);
    command.args(["--dims", &dims.to_string()]).arg("--popularity").arg(&counts);
    // The shop's order log: repurchase priors for the buy-again shelf and the
    // staples of For you (and, without co-purchase counts, bought-with lists).
    command.arg("--orders").arg(orders);
    super::movielens_catalog::build_with(&mut command, &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_cleaned() {
        let p = |department: &str, category: &str, kind: &str| Product {
            id: "1".into(),
            department: department.into(),
            category: category.into(),
            kind: kind.into(),
            ..Product::default()
        };
        assert_eq!(
            category(&p("GROCERY", "FRZN ICE", "ICE - CRUSHED/CUBED")),
            "GROCERY > FRZN ICE > ICE - CRUSHED/CUBED"
        );
        assert_eq!(
            category(&p("DRUG GM", "CHRISTMAS  SEASONAL", "")),
            "DRUG GM > CHRISTMAS SEASONAL"
        );
        assert_eq!(
            category(&p("DRUG GM", "COFFEE FILTERS", "COFFEE FILTERS")),
            "DRUG GM > COFFEE FILTERS"
        );
        assert_eq!(category(&p("A>B", "", "")), "A/B");
        assert_eq!(category(&p("", " ", "")), "Other");
        let q = Product {
            package_size: "B  1/2 GAL".into(),
            brand: "Private".into(),
            ..p("D", "C", "T")
        };
        assert_eq!(title(&q), "T, B 1/2 GAL (Private)");
    }
}
