//! Native benchmarks of the core: `make bench` (`cargo bench --bench engine`).
//!
//! Prints medians (and p95) over repeated runs of: catalog load (JSON v1 and
//! binary), scoring every item, the full `recommend({k: 24})`, and one event
//! update. Run without `--bench` (as `cargo test --all-targets` does) it only
//! checks on a tiny catalog that every step works, and times nothing.

use std::hint::black_box;
use std::time::Instant;

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::profile::{Event, EventKind};
use flaneur::rank::{Request, Scorer, Shelf, Weights};
use flaneur::testkit::{Rng, Shape, catalog};

const RUNS: usize = 31;

fn measure(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[(times.len() * 95 / 100).min(times.len() - 1)])
}

fn history(engine: &mut Engine, events: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    let n = engine.catalog().len();
    // A shopper with a few focused interests: items from 3 leaf clusters.
    let focus: Vec<usize> = (0..n).filter(|&i| i % 67 < 3).collect();
    for e in 0..events {
        let index = focus[rng.below(focus.len())];
        let item_id = engine.catalog().item(index).id().to_owned();
        let kind = if e % 10 == 9 {
            EventKind::AddToCart { item_id }
        } else {
            EventKind::View { item_id }
        };
        let _ = engine.record(&Event { kind, at: e as i64 * 60_000 });
    }
}

/// Weekly baskets of `purchases / 52` items drawn from `products` items of a
/// few dozen leaves, the first tenth bought every week; returns a moment a
/// week after the last basket.
fn heavy_history(engine: &mut Engine, products: usize, purchases: usize) -> i64 {
    const WEEK: i64 = 7 * 86_400_000;
    let mut rng = Rng::new(11);
    let n = engine.catalog().len();
    let ids: Vec<String> =
        (0..products).map(|p| engine.catalog().item((p * 131) % n).id().to_owned()).collect();
    let per_basket = purchases.div_ceil(52);
    let start = 1_767_225_600_000; // 1 January 2026
    for week in 0..52i64 {
        for k in 0..per_basket {
            let p = if k < products / 10 { k } else { rng.below(products) };
            let kind = EventKind::Purchase { item_id: ids[p].clone() };
            let _ = engine.record(&Event { kind, at: start + week * WEEK + k as i64 * 1000 });
        }
    }
    start + 52 * WEEK
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if full { &[10_000, 100_000] } else { &[500] };
    let runs = if full { RUNS } else { 1 };
    println!("{:<44} {:>12} {:>12}", "benchmark", "median_ms", "p95_ms");
    let row =
        |name: String, (median, p95): (f64, f64)| println!("{name:<44} {median:>12.3} {p95:>12.3}");
    for &n in sizes {
        let json = catalog(42, Shape { items: n, ..Shape::default() });
        row(
            format!("load JSON v1 catalog, {n} items"),
            measure(runs.min(5), || {
                black_box(Catalog::from_json(json.clone()).ok());
            }),
        );
        let Ok(built) = Catalog::from_json(json) else { panic!("synthetic catalog is valid") };
        let binary = built.to_binary();
        row(
            format!("load binary catalog ({:.1} MB), {n} items", binary.len() as f64 / 1e6),
            measure(runs.min(11), || {
                black_box(Catalog::from_binary(&binary).ok());
            }),
        );
        let mut engine = Engine::new(built);
        history(&mut engine, 200, 7);
        let now = 200 * 60_000;
        let request = Request { k: 24, ..Request::default() };
        let slate = engine.recommend(&request, now).ok();
        assert!(slate.is_some_and(|s| s.items.len() == 24), "the benchmark profile fills a slate");
        row(
            format!("score every item, {n} items"),
            measure(runs, || {
                let scorer =
                    Scorer::new(engine.catalog(), engine.profile(), now, Weights::default());
                let mut best = 0.0f32;
                for i in 0..engine.catalog().len() {
                    best = best.max(scorer.relevance(i));
                }
                black_box(best);
            }),
        );
        row(
            format!("recommend k=24 (full slate), {n} items"),
            measure(runs, || {
                black_box(engine.recommend(&request, now).ok());
            }),
        );
        // A new shopper after four views: the broadest slate (breadth ≈ 0.75).
        let mut thin = Engine::new(engine.catalog().clone());
        history(&mut thin, 4, 9);
        let thin_now = 5 * 60_000;
        row(
            format!("recommend k=24, 4-view profile, {n} items"),
            measure(runs, || {
                black_box(thin.recommend(&request, thin_now).ok());
            }),
        );
        // A returning household: a year of weekly baskets, 1,500 purchases over 400 products.
        let mut heavy = Engine::new(engine.catalog().clone());
        let heavy_now = heavy_history(&mut heavy, 400, 1_500);
        row(
            format!("recommend k=24, heavy profile, {n} items"),
            measure(runs, || {
                black_box(heavy.recommend(&request, heavy_now).ok());
            }),
        );
        let again = Request { k: 24, shelf: Shelf::BuyAgain, ..Request::default() };
        row(
            format!("buy_again k=24, heavy profile, {n} items"),
            measure(runs, || {
                black_box(heavy.recommend(&again, heavy_now).ok());
            }),
        );
        let empty = Engine::new(engine.catalog().clone());
        row(
            format!("recommend k=24, empty profile, {n} items"),
            measure(runs, || {
                black_box(empty.recommend(&request, heavy_now).ok());
            }),
        );
        // What a page that asks for `fill` shows a new shopper: 24 best-sellers.
        let filled = Request { k: 24, fill: true, ..Request::default() };
        row(
            format!("recommend k=24 fill, empty profile, {n} items"),
            measure(runs, || {
                black_box(empty.recommend(&filled, heavy_now).ok());
            }),
        );
        let id = engine.catalog().item(n / 2).id().to_owned();
        let batch = 1000;
        let (median, p95) = measure(runs, || {
            for e in 0..batch {
                let _ = engine
                    .record(&Event { kind: EventKind::View { item_id: id.clone() }, at: now + e });
            }
        });
        row(
            format!("record one view event (µs), {n} items"),
            (median * 1e3 / batch as f64, p95 * 1e3 / batch as f64),
        );
    }
}
