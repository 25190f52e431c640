//! The uncached forward pass over a whole window, position by position and
//! block by block as the spec writes it: what the cached [`super::Encoder`]
//! must equal, and a plain reference for tools.

use super::Step;
use super::encoder::usable;
use super::layers::{add_scaled, dot, item_embedding, layer_norm, linear, relu, softmax};
use crate::catalog::{QuantizedVectors, SequenceModel};

/// What [`forward`] computes for a window of `n` events.
#[derive(Debug, Clone, PartialEq)]
pub struct Forward {
    /// `h = LN(x_{n−1}; final_norm)`, `d` values.
    pub state: Vec<f32>,
    /// The last position's attention over the `n` positions (last block, mean over heads).
    pub attention: Vec<f32>,
    /// Per block, every position's keys, `n × d`.
    pub keys: Vec<Vec<f32>>,
    /// Per block, every position's values, `n × d`.
    pub values: Vec<Vec<f32>>,
}

/// The spec's forward pass over `steps` as one window (the oldest at
/// position 0), with no cache: each block is applied to every position before
/// the next block. `None` when `steps` is empty, longer than the model's
/// window, or holds a step the encoder would skip.
pub fn forward(
    model: &SequenceModel,
    vectors: &QuantizedVectors,
    steps: &[Step],
) -> Option<Forward> {
    let n = steps.len();
    if n == 0 || n > model.max_len() || !steps.iter().all(|&s| usable(model, vectors, s)) {
        return None;
    }
    let d = model.dims();
    let heads = model.heads();
    let dh = d / heads;
    let inv_sqrt = 1.0 / (dh as f32).sqrt();
    // x: n × d, row p the position p.
    let mut x = vec![0.0f32; n * d];
    for (p, (row, step)) in x.chunks_exact_mut(d).zip(steps).enumerate() {
        item_embedding(vectors, step.item as usize, row);
        add_scaled(row, 1.0, &model.position_embedding()[p * d..(p + 1) * d]);
        if let Some(events) = model.event_embedding() {
            let kind = usize::from(step.kind);
            add_scaled(row, 1.0, &events[kind * d..(kind + 1) * d]);
        }
    }
    let (mut all_keys, mut all_values) = (Vec::new(), Vec::new());
    let mut attention = vec![0.0f32; n];
    let mut a = vec![0.0f32; d];
    let mut hidden = vec![0.0f32; model.ffn()];
    let mut projected = vec![0.0f32; d];
    for (b, block) in model.blocks().iter().enumerate() {
        let mut q = vec![0.0f32; n * d];
        let mut k = vec![0.0f32; n * d];
        let mut v = vec![0.0f32; n * d];
        for p in 0..n {
            layer_norm(&x[p * d..(p + 1) * d], &block.attention_norm, &mut a);
            linear(&block.query, &a, &mut q[p * d..(p + 1) * d]);
            linear(&block.key, &a, &mut k[p * d..(p + 1) * d]);
            linear(&block.value, &a, &mut v[p * d..(p + 1) * d]);
        }
        let mut o = vec![0.0f32; n * d];
        for p in 0..n {
            for h in 0..heads {
                let head = h * dh..(h + 1) * dh;
                let mut scores: Vec<f32> = (0..=p)
                    .map(|j| dot(&q[p * d..][head.clone()], &k[j * d..][head.clone()]) * inv_sqrt)
                    .collect();
                softmax(&mut scores);
                for (j, &w) in scores.iter().enumerate() {
                    add_scaled(&mut o[p * d..][head.clone()], w, &v[j * d..][head.clone()]);
                }
                if b + 1 == model.blocks().len() && p + 1 == n {
                    add_scaled(&mut attention, 1.0 / heads as f32, &scores);
                }
            }
        }
        for p in 0..n {
            let row = &mut x[p * d..(p + 1) * d];
            linear(&block.output, &o[p * d..(p + 1) * d], &mut projected);
            add_scaled(row, 1.0, &projected);
            layer_norm(row, &block.ffn_norm, &mut a);
            linear(&block.up, &a, &mut hidden);
            relu(&mut hidden);
            linear(&block.down, &hidden, &mut projected);
            add_scaled(row, 1.0, &projected);
        }
        all_keys.push(k);
        all_values.push(v);
    }
    let mut state = vec![0.0f32; d];
    layer_norm(&x[(n - 1) * d..], model.final_norm(), &mut state);
    Some(Forward { state, attention, keys: all_keys, values: all_values })
}
