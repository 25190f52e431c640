//! The cached encoder against the uncached forward pass, and its invariants.

use super::*;
use crate::catalog::{ModelShape, QuantizedVectors, SequenceModel};

/// SplitMix64: a seeded generator with no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn model(shape: ModelShape, rng: &mut Rng) -> SequenceModel {
    let values = (0..shape.value_count()).map(|_| rng.unit() * 0.5).collect();
    SequenceModel::from_values(shape, values).unwrap()
}

fn vectors(dims: usize, items: usize, rng: &mut Rng) -> QuantizedVectors {
    let mut v = QuantizedVectors::new(dims);
    for _ in 0..items {
        let row: Vec<f32> = (0..dims).map(|_| rng.unit()).collect();
        v.push_raw(&row);
    }
    v
}

fn step(rng: &mut Rng, items: usize) -> Step {
    Step { item: rng.below(items) as u32, kind: rng.below(3) as u8 }
}

fn close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= 1e-5 * (1.0 + y.abs()), "{what}[{i}]: {x} vs {y}");
    }
}

fn shapes() -> Vec<ModelShape> {
    let s = |dims, heads, max_len, ffn, blocks, events| ModelShape {
        dims,
        heads,
        max_len,
        ffn,
        blocks,
        events,
    };
    vec![
        s(8, 2, 8, 16, 2, true),
        s(12, 3, 7, 5, 1, false),
        s(16, 4, 9, 32, 3, true),
        s(4, 1, 1, 3, 1, true),
        s(9, 9, 2, 4, 4, false),
        s(33, 1, 6, 20, 2, true),
    ]
}

/// After every push (across several half-drops of the window), the state, the
/// attention and every cached key and value equal the uncached forward pass
/// over the window; the window holds the last events, between L/2 and L of them.
#[test]
fn incremental_encoding_equals_the_full_forward_pass() {
    let mut rng = Rng(7);
    for shape in shapes() {
        let m = model(shape, &mut rng);
        let v = vectors(shape.dims, 30, &mut rng);
        let mut encoder = Encoder::new();
        let mut all = Vec::new();
        for t in 0..3 * shape.max_len + 3 {
            let s = step(&mut rng, 30);
            all.push(s);
            assert!(encoder.push(&m, &v, s));
            let n = encoder.len();
            assert!(n >= 1 && n <= shape.max_len && (t < shape.max_len || n > shape.max_len / 2));
            assert_eq!(encoder.steps(), &all[all.len() - n..], "{shape:?} after {t}");
            let full = forward(&m, &v, encoder.steps()).unwrap();
            let what = format!("{shape:?} after {t}");
            close(encoder.state().unwrap(), &full.state, &format!("state, {what}"));
            close(encoder.attention().unwrap(), &full.attention, &format!("attention, {what}"));
            for b in 0..shape.blocks {
                let (keys, values) = encoder.cache(b);
                close(keys, &full.keys[b], &format!("keys of block {b}, {what}"));
                close(values, &full.values[b], &format!("values of block {b}, {what}"));
            }
        }
        // Rebuilding from the whole history keeps its last L steps.
        let mut rebuilt = Encoder::new();
        rebuilt.rebuild(&m, &v, &all);
        let last = &all[all.len() - shape.max_len..];
        assert_eq!(rebuilt.steps(), last);
        close(rebuilt.state().unwrap(), &forward(&m, &v, last).unwrap().state, "rebuilt");
    }
}

/// Appending an event leaves every earlier position's keys and values as they were.
#[test]
fn an_event_changes_no_earlier_position() {
    let mut rng = Rng(11);
    let shape = ModelShape { dims: 8, heads: 2, max_len: 16, ffn: 8, blocks: 3, events: true };
    let m = model(shape, &mut rng);
    let v = vectors(8, 10, &mut rng);
    let mut encoder = Encoder::new();
    for n in 0..shape.max_len {
        let before: Vec<(Vec<f32>, Vec<f32>)> =
            (0..3).map(|b| (encoder.cache(b).0.to_vec(), encoder.cache(b).1.to_vec())).collect();
        encoder.push(&m, &v, step(&mut rng, 10));
        for (b, (keys, values)) in before.iter().enumerate() {
            assert_eq!(&encoder.cache(b).0[..n * 8], keys.as_slice(), "keys, block {b}");
            assert_eq!(&encoder.cache(b).1[..n * 8], values.as_slice(), "values, block {b}");
        }
    }
}

#[test]
fn attention_sums_to_one_and_skipped_steps_change_nothing() {
    let mut rng = Rng(3);
    let shape = ModelShape { dims: 16, heads: 4, max_len: 10, ffn: 16, blocks: 2, events: true };
    let m = model(shape, &mut rng);
    let v = vectors(16, 5, &mut rng);
    let mut encoder = Encoder::new();
    assert!(encoder.state().is_none() && encoder.attention().is_none() && encoder.is_empty());
    for _ in 0..25 {
        encoder.push(&m, &v, step(&mut rng, 5));
        let attention = encoder.attention().unwrap();
        assert_eq!(attention.len(), encoder.len());
        assert!(attention.iter().all(|&w| (0.0..=1.0).contains(&w)));
        assert!((attention.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
    let (steps, state) = (encoder.steps().to_vec(), encoder.state().unwrap().to_vec());
    let other_dims = vectors(8, 5, &mut rng);
    for (vectors, s) in [
        (&v, Step { item: 5, kind: 0 }),
        (&v, Step { item: u32::MAX, kind: 0 }),
        (&v, Step { item: 1, kind: 3 }),
        (&other_dims, Step { item: 1, kind: 0 }),
    ] {
        assert!(!encoder.push(&m, vectors, s), "{s:?}");
        assert_eq!((encoder.steps(), encoder.state().unwrap()), (&steps[..], &state[..]));
    }
    // A model of another shape: the window is encoded again for it.
    let small = ModelShape { max_len: 4, blocks: 1, ..shape };
    let m2 = model(small, &mut rng);
    assert!(encoder.push(&m2, &v, Step { item: 0, kind: 2 }));
    assert!(encoder.len() <= 4);
    let full = forward(&m2, &v, encoder.steps()).unwrap();
    close(encoder.state().unwrap(), &full.state, "after a change of model");
    encoder.clear();
    assert!(encoder.state().is_none() && encoder.steps().is_empty());
    encoder.rebuild(&m, &v, &[Step { item: 9, kind: 0 }, Step { item: 2, kind: 1 }]);
    assert_eq!(encoder.steps(), [Step { item: 2, kind: 1 }]);
    assert!(forward(&m, &v, &[]).is_none());
}

#[test]
fn a_cleared_encoder_encodes_as_a_new_one() {
    // Cleared, then pushed to: the state is the forward pass's, not an empty
    // buffer (the bug that kept the engine's slates off the model after a reset).
    let mut rng = Rng(11);
    let shape = ModelShape { dims: 8, heads: 2, max_len: 6, ffn: 8, blocks: 2, events: false };
    let m = model(shape, &mut rng);
    let v = vectors(8, 7, &mut rng);
    let mut encoder = Encoder::new();
    for _ in 0..9 {
        encoder.push(&m, &v, step(&mut rng, 7));
    }
    encoder.clear();
    let steps = [Step { item: 3, kind: 0 }, Step { item: 5, kind: 0 }];
    for &s in &steps {
        assert!(encoder.push(&m, &v, s));
    }
    let full = forward(&m, &v, &steps).unwrap();
    assert_eq!(encoder.state().map(<[f32]>::len), Some(8));
    close(encoder.state().unwrap(), &full.state, "after a clear");
}

/// score_all is h · E[i] for every item.
#[test]
fn scores_are_dot_products_with_the_item_vectors() {
    let mut rng = Rng(5);
    let v = vectors(10, 4, &mut rng);
    let h: Vec<f32> = (0..10).map(|_| rng.unit()).collect();
    let scores = score_all(&h, &v);
    for (i, s) in scores.iter().enumerate() {
        let e = v.dequantize(i);
        let want: f32 = h.iter().zip(&e).map(|(a, b)| a * b).sum();
        assert!((s - want).abs() < 1e-5);
    }
}

/// The cost of one push at d = 64, L = 200, 2 blocks, f = 256 (run with
/// `cargo test -p flaneur --release --lib push_cost -- --ignored --nocapture`).
#[test]
#[ignore]
fn push_cost() {
    let mut rng = Rng(1);
    let shape = ModelShape { dims: 64, heads: 2, max_len: 200, ffn: 256, blocks: 2, events: true };
    let m = model(shape, &mut rng);
    let v = vectors(64, 10_000, &mut rng);
    let mut encoder = Encoder::new();
    let pushes = 20_000;
    let (mut plain, mut drops) = (Vec::new(), Vec::new());
    let started = std::time::Instant::now();
    for _ in 0..pushes {
        let (before, at) = (encoder.len(), std::time::Instant::now());
        encoder.push(&m, &v, step(&mut rng, 10_000));
        let took = at.elapsed().as_secs_f64() * 1e6;
        if encoder.len() > before { plain.push(took) } else { drops.push(took) }
    }
    let per_push = started.elapsed().as_secs_f64() / f64::from(pushes) * 1e6;
    let median = |x: &mut Vec<f64>| {
        x.sort_by(f64::total_cmp);
        x.get(x.len() / 2).copied().unwrap_or_default()
    };
    println!(
        "push without a drop (window 100 to 199): median {:.1} µs; with the half-drop: median \
         {:.0} µs ({} of them)",
        median(&mut plain),
        median(&mut drops),
        drops.len()
    );
    let started = std::time::Instant::now();
    let mut rebuilt = Encoder::new();
    rebuilt.rebuild(&m, &v, encoder.steps());
    let rebuild = started.elapsed().as_secs_f64() * 1e3;
    let started = std::time::Instant::now();
    let scores = score_all(encoder.state().unwrap(), &v);
    let scoring = started.elapsed().as_secs_f64() * 1e3;
    println!(
        "push: {per_push:.1} µs on average (amortized half-drops included); rebuild of {} \
         steps: {rebuild:.2} ms; score_all over {} items: {scoring:.2} ms",
        encoder.len(),
        scores.len()
    );
}
