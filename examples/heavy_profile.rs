//! Profiling harness: `recommend({k: 24})` for the heavy profile of
//! `scripts/bench-peers.mjs` (a year of weekly baskets, 1,500 purchases of
//! 400 products, repurchase priors, 200 browsing events) at 100,000 items,
//! natively: `cargo run --release --example heavy_profile` (or under `perf`).

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::profile::{Event, EventKind};
use flaneur::rank::{Request, Shelf};

/// bench.js's linear congruential generator.
struct Lcg(u32);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        f64::from(self.0) / 4_294_967_296.0
    }
}

fn normalize(v: &mut [f64]) {
    let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let n = if n > 0.0 { n } else { 1.0 };
    v.iter_mut().for_each(|x| *x /= n);
}

fn main() -> Result<(), flaneur::Error> {
    const N: usize = 100_000;
    const DIMS: usize = 64;
    const LEAVES: usize = 200;
    let facets: [(&str, &[&str]); 6] = [
        ("colour", &["red", "navy", "green", "cream", "black", "mustard"]),
        ("brand", &["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"]),
        ("material", &["wool", "cotton", "linen", "silk", "denim"]),
        ("style", &["classic", "casual", "sport", "formal"]),
        ("size", &["xs", "s", "m", "l", "xl"]),
        ("season", &["spring", "summer", "autumn", "winter"]),
    ];
    let mut rand = Lcg(42);
    let centroids: Vec<Vec<f64>> = (0..LEAVES)
        .map(|_| {
            let mut c: Vec<f64> = (0..DIMS).map(|_| rand.next() * 2.0 - 1.0).collect();
            normalize(&mut c);
            c
        })
        .collect();
    let mut items = Vec::with_capacity(N);
    for i in 0..N {
        let leaf = i % LEAVES;
        let mut v: Vec<f64> =
            centroids[leaf].iter().map(|c| c + 0.22 * (rand.next() * 2.0 - 1.0)).collect();
        normalize(&mut v);
        let attributes: Vec<String> = facets
            .iter()
            .map(|(f, values)| {
                let value = values[(rand.next() * values.len() as f64) as usize];
                format!(r#""{f}":"{value}""#)
            })
            .collect();
        let vector: Vec<String> = v.iter().map(|x| format!("{:.5}", x)).collect();
        items.push(format!(
            concat!(
                r#"{{"id":"sku-{i}","title":"Item {i}","#,
                r#""category":"Dept {} > Cat {} > Leaf {leaf}","#,
                r#""attributes":{{{}}},"popularity":{:.4},"vector":[{}]}}"#
            ),
            leaf / 40,
            leaf / 5,
            attributes.join(","),
            rand.next(),
            vector.join(","),
            i = i,
            leaf = leaf,
        ));
    }
    let json = format!(
        r#"{{"version":1,"shop":"bench-heavy","dims":{DIMS},
        "facets":{{"colour":{{"divergence":true}},"material":{{"divergence":true}},
          "brand":{{}},"style":{{}},"size":{{}},"season":{{}}}},
        "repurchase":{{"categories":{{"Dept 0":{{"share":0.9,"interval_days":14}},
          "Dept 1":{{"share":0.6,"interval_days":30}},
          "Dept 2 > Cat 17":{{"share":0.35,"interval_days":60}}}},
          "items":{{"sku-123":{{"share":0.6,"interval_days":9,"buyers":120}}}}}},
        "items":[{}]}}"#,
        items.join(",")
    );
    let mut engine = Engine::with_seed(Catalog::from_json_str(&json)?, 1);
    let mut shop = Lcg(7);
    let mut products: Vec<String> = vec!["sku-123".into()];
    while products.len() < 400 {
        let leaf = if products.len() < 300 {
            (shop.next() * 80.0) as usize
        } else {
            80 + (shop.next() * 120.0) as usize
        };
        let id = format!("sku-{}", leaf + LEAVES * (shop.next() * (N / LEAVES) as f64) as usize);
        if !products.contains(&id) {
            products.push(id);
        }
    }
    let weight: Vec<f64> = (0..products.len()).map(|r| 1.0 / ((r + 1) as f64).powf(0.9)).collect();
    let total: f64 = weight.iter().sum();
    const WEEK: i64 = 7 * 86_400_000;
    let start = 1_767_225_600_000;
    let mut purchases = 0;
    for b in 0..52 {
        let mut basket: Vec<&String> =
            products.iter().enumerate().filter(|(n, _)| n % 52 == b).map(|(_, p)| p).collect();
        let size = 1500 / 52 + usize::from(b < 1500 % 52);
        while basket.len() < size {
            let mut x = shop.next() * total;
            let pick = weight.iter().position(|w| {
                x -= w;
                x < 0.0
            });
            let id = &products[pick.unwrap_or(products.len() - 1)];
            if !basket.contains(&id) {
                basket.push(id);
            }
        }
        for (n, id) in basket.iter().enumerate() {
            let at = start + b as i64 * WEEK + n as i64 * 1000;
            engine.record(&Event { kind: EventKind::Purchase { item_id: (*id).clone() }, at })?;
            purchases += 1;
        }
    }
    let mut now = start + 52 * WEEK;
    for e in 0..200usize {
        let leaf = [17, 42, 143][e % 3];
        let i = leaf + LEAVES * (rand.next() * (N / LEAVES) as f64) as usize;
        let item_id = format!("sku-{i}");
        let kind = if e % 10 == 0 {
            EventKind::AddToCart { item_id }
        } else {
            EventKind::View { item_id }
        };
        engine.record(&Event { kind, at: now })?;
        now += 1000;
    }
    now += 31 * 60_000;
    for (name, shelf) in [("for_you", Shelf::ForYou), ("buy_again", Shelf::BuyAgain)] {
        let request = Request { k: 24, shelf, ..Request::default() };
        let started = std::time::Instant::now();
        let mut shown = 0;
        for _ in 0..200 {
            shown += engine.recommend(&request, now)?.items.len();
        }
        let ms = started.elapsed().as_secs_f64() * 1e3 / 200.0;
        eprintln!("{name}: {ms:.3} ms per slate ({purchases} purchases, {shown} items shown)");
    }
    Ok(())
}
