//! Profiling harness (temporary): recommend with a heavy profile at 100k items.
use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::profile::{Event, EventKind};
use flaneur::rank::Request;
use flaneur::testkit::{Rng, Shape, catalog};
fn main() {
    let n = 100_000;
    let built = Catalog::from_json(catalog(42, Shape { items: n, ..Shape::default() })).unwrap();
    let mut engine = Engine::new(built);
    const WEEK: i64 = 7 * 86_400_000;
    let mut rng = Rng::new(11);
    let ids: Vec<String> =
        (0..400).map(|p| engine.catalog().item((p * 131) % n).id().to_owned()).collect();
    let start = 1_767_225_600_000;
    for week in 0..52i64 {
        for k in 0..29 {
            let p = if k < 40 { k } else { rng.below(400) };
            let kind = EventKind::Purchase { item_id: ids[p].clone() };
            let _ = engine.record(&Event { kind, at: start + week * WEEK + k as i64 * 1000 });
        }
    }
    let now = start + 52 * WEEK;
    let request = Request { k: 24, ..Request::default() };
    let t = std::time::Instant::now();
    let mut items = 0;
    for _ in 0..300 {
        items += engine.recommend(&request, now).unwrap().items.len();
    }
    eprintln!("{:.3} ms per slate, {items}", t.elapsed().as_secs_f64() * 1e3 / 300.0);
}
