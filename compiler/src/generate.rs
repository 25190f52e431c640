//! `flaneur catalog generate` (hidden): a synthetic Merchant Center CSV feed
//! of any size and, optionally, aggregate co-purchase counts over its items,
//! deterministic, for the build benchmark.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

const NOUNS: [&str; 12] = [
    "sweater", "jeans", "jacket", "shirt", "dress", "boots", "sneakers", "scarf", "lamp", "mug",
    "cushion", "serum",
];
const COLOURS: [&str; 10] =
    ["red", "navy", "black", "white", "green", "grey", "beige", "rose", "olive", "mustard"];
const MATERIALS: [&str; 8] =
    ["wool", "cotton", "linen", "leather", "denim", "silk", "ceramic", "oak"];
const DEPARTMENTS: [&str; 6] = ["Women", "Men", "Shoes", "Home", "Kids", "Health"];
const BRANDS: [&str; 9] =
    ["Alder", "Birch", "Cedar", "Dune", "Elm", "Fjord", "Grove", "Heath", "Isle"];

/// A small xorshift generator: the same feed for the same size.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// Writes a generated Merchant Center CSV feed of `items` items to `path`.
pub fn write_feed(path: &Path, items: usize) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    writeln!(
        out,
        "id,title,description,link,image_link,price,availability,brand,color,material,product_type"
    )?;
    for i in 0..items {
        let (noun, colour, material, dept, brand) = (
            rng.pick(&NOUNS),
            rng.pick(&COLOURS),
            rng.pick(&MATERIALS),
            rng.pick(&DEPARTMENTS),
            rng.pick(&BRANDS),
        );
        let cents = 500 + rng.next() % 20_000;
        let availability = if rng.next() % 20 == 0 { "out of stock" } else { "in stock" };
        let leaf = format!("{}{}", noun[..1].to_uppercase(), &noun[1..]);
        writeln!(
            out,
            "sku-{i:07},\"{colour} {material} {noun} {i}\",\
             \"A {colour} {noun} in {material}, by {brand}. Model {}.\",\
             https://shop.example/p/sku-{i:07},https://shop.example/img/sku-{i:07}.jpg,\
             {}.{:02} EUR,{availability},{brand},{colour},{material},\
             {dept} > {leaf}s > {} {leaf}s",
            i % 997,
            cents / 100,
            cents % 100,
            if i % 2 == 0 { "Classic" } else { "Modern" },
        )?;
    }
    out.flush()
}

/// Writes `pairs` co-purchase counts (`item_a,item_b,count`) over the first
/// `items` items of a generated feed: each item's partners mostly among its 50
/// neighbours, counts from 5 to a few hundred, long-tailed; no pair twice.
pub fn write_co_purchases(path: &Path, items: usize, pairs: usize) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut seen = std::collections::HashSet::with_capacity(pairs);
    writeln!(out, "item_a,item_b,count")?;
    if items < 2 {
        return out.flush();
    }
    let mut written = 0;
    while written < pairs && seen.len() < items * (items - 1) / 2 {
        let a = (rng.next() % items as u64) as usize;
        let b = if rng.next() % 5 < 4 {
            (a + 1 + (rng.next() % 50) as usize) % items
        } else {
            (rng.next() % items as u64) as usize
        };
        let key = (a.min(b), a.max(b));
        if a == b || !seen.insert(key) {
            continue;
        }
        let count = 5 + 500 / (1 + rng.next() % 100);
        writeln!(out, "sku-{:07},sku-{:07},{count}", key.0, key.1)?;
        written += 1;
    }
    out.flush()
}
