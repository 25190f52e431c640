//! Writes the binary catalogs `scripts/bench-peers.mjs` times the sequence
//! model on: `cargo run --release --example sequence_catalogs -- DIR` writes
//! `DIR/sequence-3416.bin` (MovieLens-1M's 5-core size) and
//! `DIR/sequence-100000.bin`, each a seeded synthetic catalog carrying a random
//! model of the evaluation's shape (d = 64, two single-head blocks, a window
//! of 200, a feed-forward of 64, event types). Timing depends on the shapes,
//! not on what the weights predict. Also times, natively, after a 200-event
//! history, a `recommend` after a step and again, and one `record`.

use std::time::Instant;

use flaneur::Engine;
use flaneur::catalog::{Catalog, ModelShape};
use flaneur::profile::{Event, EventKind};
use flaneur::rank::Request;
use flaneur::testkit::{Rng, Shape, catalog, with_random_sequence_model};

/// The shape `flaneur model train` defaults to.
pub const SHAPE: ModelShape =
    ModelShape { dims: 64, heads: 1, max_len: 200, ffn: 64, blocks: 2, events: true };

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "target/bench".to_owned());
    std::fs::create_dir_all(&dir)?;
    for items in [3416usize, 100_000] {
        let leaves = (items / 50).clamp(20, 200);
        let mut c = Catalog::from_json(catalog(21, Shape { items, dims: 32, leaves, facets: 4 }))?;
        with_random_sequence_model(&mut c, SHAPE, 7)?;
        let bytes = c.to_binary();
        let path = format!("{dir}/sequence-{items}.bin");
        std::fs::write(&path, &bytes)?;
        let mut engine = Engine::new(Catalog::from_binary(&bytes)?);
        let mut rng = Rng::new(3);
        let t0 = 1_780_000_000_000i64;
        for n in 0..200 {
            let item_id = engine.catalog().item(rng.below(items)).id().to_owned();
            engine.record(&Event { kind: EventKind::View { item_id }, at: t0 + n * 60_000 })?;
        }
        let now = t0 + 200 * 60_000;
        let request = Request { k: 24, ..Request::default() };
        // As scripts/bench-sequence.mjs: a step, the first slate after it (every
        // item scored again), the same slate again (the scores kept).
        let (mut first, mut again) = (Vec::new(), Vec::new());
        for n in 0..31 {
            let item_id = engine.catalog().item(rng.below(items)).id().to_owned();
            engine.record(&Event { kind: EventKind::View { item_id }, at: now - 1000 + n })?;
            for times in [&mut first, &mut again] {
                let started = Instant::now();
                engine.recommend(&request, now)?;
                times.push(started.elapsed().as_secs_f64() * 1e3);
            }
        }
        first.sort_by(f64::total_cmp);
        again.sort_by(f64::total_cmp);
        let mut records = Vec::new();
        for n in 0..101 {
            let item_id = engine.catalog().item(rng.below(items)).id().to_owned();
            let started = Instant::now();
            engine.record(&Event { kind: EventKind::View { item_id }, at: now + n })?;
            records.push(started.elapsed().as_secs_f64() * 1e6);
        }
        records.sort_by(f64::total_cmp);
        println!(
            "{path}: {} bytes; recommend k=24 median {:.3} ms after a step, {:.3} ms again; \
             record median {:.1} µs",
            bytes.len(),
            first[15],
            again[15],
            records[50]
        );
    }
    Ok(())
}
