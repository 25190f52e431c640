//! The Complete Journey (84.51°) as `scripts/eval-data.sh` converts it
//! (`transactions.csv`, `products.csv`), and the next-basket split of Li et
//! al., "A Next Basket Recommendation Reality Check" (TOIS 2023).
//!
//! Protocol: only the households of one parity (even ids by default; odd ids
//! are held out for an independent check). Lines of non-products (see
//! [`is_non_product`]) and returns (quantity ≤ 0 or sales value ≤ 0) are
//! dropped. A basket is a `basket_id`, its time the earliest timestamp of its
//! lines, its products the distinct products of its lines. Baskets are ordered
//! by (time, basket id); each household with at least [`MIN_BASKETS`] baskets
//! keeps its last for test, every earlier basket is training. Households with
//! fewer baskets are training only (the shop's order history, never tested).

use std::collections::HashMap;
use std::path::Path;

/// A household needs this many baskets to be tested.
pub const MIN_BASKETS: usize = 4;

/// Departments whose products are not groceries (fuel, coupons, gift cards, store supplies).
pub const NON_PRODUCT_DEPARTMENTS: [&str; 5] =
    ["FUEL", "COUPON", "MISCELLANEOUS", "CNTRL/STORE SUP", "POSTAL CENTER"];
/// Product categories that are not groceries, in whatever department.
pub const NON_PRODUCT_CATEGORIES: [&str; 4] =
    ["COUPON/MISC ITEMS", "COUPONS/STORE & MFG", "COUPON", "BOTTLE DEPOSITS"];

/// Which households are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Households {
    /// Even `household_id`s: the ones measured.
    Even,
    /// Odd `household_id`s: held out for an independent check.
    Odd,
}

impl Households {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "even" => Some(Self::Even),
            "odd" => Some(Self::Odd),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Even => "even",
            Self::Odd => "odd",
        }
    }

    fn keeps(self, household: u64) -> bool {
        (household % 2 == 0) == (self == Self::Even)
    }
}

/// A product of the product table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Product {
    pub id: String,
    pub department: String,
    pub category: String,
    pub kind: String,
    pub brand: String,
    pub package_size: String,
}

/// One basket: its time and its distinct products (indices into [`Grocery::products`], sorted).
#[derive(Debug, Clone, PartialEq)]
pub struct Basket {
    pub id: u64,
    /// Milliseconds since the epoch.
    pub at: i64,
    pub items: Vec<u32>,
}

/// A household's baskets, split.
#[derive(Debug, Clone)]
pub struct Household {
    pub id: u64,
    /// Training baskets, oldest first.
    pub train: Vec<Basket>,
    /// The held-out last basket, for households with at least [`MIN_BASKETS`].
    pub test: Option<Basket>,
}

/// What the filters dropped.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Dropped {
    /// Lines of the other parity's households.
    pub other_households: usize,
    pub non_product_lines: usize,
    /// Lines whose product is missing from the product table.
    pub unknown_product_lines: usize,
    pub return_lines: usize,
}

/// The households of one parity, split.
#[derive(Debug)]
pub struct Grocery {
    /// Every product of a kept line (training or test), in numeric id order.
    pub products: Vec<Product>,
    /// Per product: bought in some training basket (the catalog).
    pub in_catalog: Vec<bool>,
    /// In id order.
    pub households: Vec<Household>,
    /// Transaction lines kept.
    pub lines: usize,
    pub dropped: Dropped,
}

impl Grocery {
    /// The households with a test basket.
    pub fn tested(&self) -> impl Iterator<Item = &Household> {
        self.households.iter().filter(|h| h.test.is_some())
    }

    /// The catalog's products (bought in training), in numeric id order.
    pub fn catalog_products(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.products.len() as u32).filter(|&p| self.in_catalog[p as usize])
    }
}

/// Whether a product is a non-product: fuel, a coupon, a gift card, a deposit.
pub fn is_non_product(p: &Product) -> bool {
    NON_PRODUCT_DEPARTMENTS.contains(&p.department.as_str())
        || NON_PRODUCT_CATEGORIES.contains(&p.category.as_str())
}

/// One transaction line, as read.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub household: u64,
    pub basket: u64,
    pub product: u64,
    pub quantity: i64,
    pub sales_value: f64,
    pub at: i64,
}

fn open(path: &Path) -> Result<csv::Reader<std::fs::File>, String> {
    csv::Reader::from_path(path)
        .map_err(|e| format!("{}: {e} (run scripts/eval-data.sh first)", path.display()))
}

/// Reads `products.csv` into a map from numeric product id to product.
fn read_products(path: &Path) -> Result<HashMap<u64, Product>, String> {
    let mut reader = open(path)?;
    let mut out = HashMap::new();
    for (n, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("{}: {e}", path.display()))?;
        let field = |i: usize| row.get(i).unwrap_or("").trim().to_string();
        let id: u64 = field(0)
            .parse()
            .map_err(|_| format!("{}: line {}: bad product_id", path.display(), n + 2))?;
        out.insert(
            id,
            Product {
                id: id.to_string(),
                department: field(2),
                brand: field(3),
                category: field(4),
                kind: field(5),
                package_size: field(6),
            },
        );
    }
    Ok(out)
}

/// Reads `transactions.csv`.
fn read_lines(path: &Path) -> Result<Vec<Line>, String> {
    let mut reader = open(path)?;
    let mut out = Vec::new();
    for (n, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("{}: {e}", path.display()))?;
        let bad = |what: &str| format!("{}: line {}: bad {what}", path.display(), n + 2);
        let int = |i: usize, what: &str| -> Result<i64, String> {
            row.get(i).and_then(|s| s.parse().ok()).ok_or_else(|| bad(what))
        };
        out.push(Line {
            household: int(0, "household_id")? as u64,
            basket: int(1, "basket_id")? as u64,
            product: int(2, "product_id")? as u64,
            quantity: int(3, "quantity")?,
            sales_value: row.get(4).and_then(|s| s.parse().ok()).ok_or_else(|| bad("sales"))?,
            at: int(5, "timestamp_ms")?,
        });
    }
    Ok(out)
}

/// Reads `<dir>/transactions.csv` and `<dir>/products.csv` and splits the chosen households.
pub fn load(dir: &Path, households: Households) -> Result<Grocery, String> {
    let products = read_products(&dir.join("products.csv"))?;
    let lines = read_lines(&dir.join("transactions.csv"))?;
    Ok(split(&products, &lines, households))
}

/// Applies the protocol to the lines (see the module's doc).
pub fn split(products: &HashMap<u64, Product>, lines: &[Line], households: Households) -> Grocery {
    let mut dropped = Dropped::default();
    // household → basket → (time, products)
    let mut baskets: HashMap<u64, HashMap<u64, (i64, Vec<u64>)>> = HashMap::new();
    let mut kept = 0;
    for line in lines {
        if !households.keeps(line.household) {
            dropped.other_households += 1;
            continue;
        }
        let Some(product) = products.get(&line.product) else {
            dropped.unknown_product_lines += 1;
            continue;
        };
        if is_non_product(product) {
            dropped.non_product_lines += 1;
            continue;
        }
        if line.quantity <= 0 || line.sales_value <= 0.0 {
            dropped.return_lines += 1;
            continue;
        }
        kept += 1;
        let basket = baskets
            .entry(line.household)
            .or_default()
            .entry(line.basket)
            .or_insert((line.at, Vec::new()));
        basket.0 = basket.0.min(line.at);
        basket.1.push(line.product);
    }
    let mut ids: Vec<u64> =
        baskets.values().flat_map(|b| b.values()).flat_map(|(_, p)| p.iter().copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    let index: HashMap<u64, u32> = ids.iter().enumerate().map(|(i, &p)| (p, i as u32)).collect();
    let mut in_catalog = vec![false; ids.len()];
    let mut out: Vec<Household> = baskets
        .into_iter()
        .map(|(id, by_basket)| {
            let mut list: Vec<Basket> = by_basket
                .into_iter()
                .map(|(basket, (at, products))| {
                    let mut items: Vec<u32> = products.iter().map(|p| index[p]).collect();
                    items.sort_unstable();
                    items.dedup();
                    Basket { id: basket, at, items }
                })
                .collect();
            list.sort_by_key(|b| (b.at, b.id));
            let test = if list.len() >= MIN_BASKETS { list.pop() } else { None };
            for b in &list {
                for &i in &b.items {
                    in_catalog[i as usize] = true;
                }
            }
            Household { id, train: list, test }
        })
        .collect();
    out.sort_by_key(|h| h.id);
    Grocery {
        products: ids.iter().map(|p| products[p].clone()).collect(),
        in_catalog,
        households: out,
        lines: kept,
        dropped,
    }
}

/// Writes the training order log, `user,item,timestamp` (ms since the epoch), one line per
/// product of each training basket, households in id order, baskets oldest first. The file is
/// left untouched when it already holds these bytes (so what is cached on it stays fresh).
pub fn write_orders(data: &Grocery, path: &Path) -> Result<usize, String> {
    let mut text = String::from("user,item,timestamp\n");
    let mut lines = 0;
    for h in &data.households {
        for b in &h.train {
            for &i in &b.items {
                text.push_str(&format!("{},{},{}\n", h.id, data.products[i as usize].id, b.at));
                lines += 1;
            }
        }
    }
    if std::fs::read(path).ok().as_deref() != Some(text.as_bytes()) {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: u64, department: &str) -> (u64, Product) {
        let p = Product {
            id: id.to_string(),
            department: department.into(),
            category: "C".into(),
            ..Product::default()
        };
        (id, p)
    }

    fn line(household: u64, basket: u64, product: u64, at: i64) -> Line {
        Line { household, basket, product, quantity: 1, sales_value: 1.0, at }
    }

    #[test]
    fn the_last_basket_of_households_with_four_is_held_out() {
        let products: HashMap<u64, Product> =
            [product(10, "GROCERY"), product(11, "PRODUCE"), product(99, "FUEL")].into();
        let mut lines = Vec::new();
        // Household 2: five baskets (ids out of time order), the newest at t = 50.
        for (basket, at) in [(5, 50), (1, 10), (2, 20), (3, 30), (4, 40)] {
            lines.push(line(2, basket, 10, at));
        }
        lines.push(line(2, 5, 11, 49)); // the basket's time is its earliest line's
        lines.push(line(2, 5, 99, 50)); // fuel
        lines.push(Line { quantity: 0, ..line(2, 4, 11, 40) }); // a return
        lines.push(Line { sales_value: -1.0, ..line(2, 4, 11, 40) }); // a return
        lines.push(line(2, 6, 99, 60)); // a basket of fuel only: no basket
        lines.push(line(2, 7, 12345, 60)); // a product missing from the table
        // Household 4: three baskets, training only. Household 3 is odd.
        for basket in 1..=3 {
            lines.push(line(4, 100 + basket, 11, basket as i64));
        }
        lines.push(line(3, 200, 10, 1));
        let g = split(&products, &lines, Households::Even);
        assert_eq!(g.households.len(), 2);
        let h = &g.households[0];
        assert_eq!(h.id, 2);
        assert_eq!(h.train.iter().map(|b| b.id).collect::<Vec<_>>(), [1, 2, 3, 4]);
        let test = h.test.as_ref().unwrap();
        assert_eq!((test.id, test.at), (5, 49));
        assert_eq!(test.items.len(), 2);
        assert!(g.households[1].test.is_none());
        assert_eq!(g.households[1].train.len(), 3);
        // Product 10 was bought in training by household 2, 11 by household 4.
        assert_eq!(g.in_catalog, [true, true]);
        assert_eq!(g.dropped.other_households, 1);
        assert_eq!((g.dropped.non_product_lines, g.dropped.return_lines), (2, 2));
        assert_eq!(g.dropped.unknown_product_lines, 1);
        assert_eq!(g.tested().count(), 1);
        let odd = split(&products, &lines, Households::Odd);
        assert_eq!(odd.households.iter().map(|h| h.id).collect::<Vec<_>>(), [3]);
    }
}
