//! The cached, incremental encoder: one position per event.

use super::Step;
use super::layers::{add_scaled, dot, item_embedding, layer_norm, linear, relu, softmax};
use crate::catalog::{ModelShape, QuantizedVectors, SequenceModel};

/// The shopper's window of events, encoded: per block, every position's keys
/// and values, so a new event costs one position
/// (`O(blocks · (d² + f·d) + blocks · n · d)`), never the whole window.
///
/// The window holds at most `L` events (the model's `max_len`), oldest first;
/// when an event arrives at a full window, the oldest `L − ⌊L/2⌋` are dropped
/// and the remaining `⌊L/2⌋` encoded again from position 0 (positions count
/// from the window's oldest event), so a window holds between `L/2` and `L`
/// events and the re-encoding is amortized over `L/2` pushes.
///
/// A step whose item is not a row of the vectors, whose kind is not 0, 1 or
/// 2, or vectors of another dimension than the model's, is skipped: nothing
/// changes and [`Encoder::push`] returns false. The encoder follows the model
/// it is handed: handed one of another shape than its cache was built with,
/// it encodes its steps again first (a new catalog whose model has the same
/// shape but other weights needs [`Encoder::rebuild`]: the cache cannot
/// tell). Buffers grow to the window's size once and are reused: a push
/// allocates nothing after the first `L`.
#[derive(Debug, Clone, Default)]
pub struct Encoder {
    steps: Vec<Step>,
    /// The model shape the cache and buffers were built for.
    built_for: Option<ModelShape>,
    /// Per block, `n × d` keys and values, position after position.
    keys: Vec<Vec<f32>>,
    values: Vec<Vec<f32>>,
    /// `h` of the last position, empty when the window is.
    state: Vec<f32>,
    /// The last position's attention over the window (last block, mean over heads).
    attention: Vec<f32>,
    scratch: Scratch,
}

/// Per-position working buffers.
#[derive(Debug, Clone, Default)]
struct Scratch {
    x: Vec<f32>,
    a: Vec<f32>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    o: Vec<f32>,
    projected: Vec<f32>,
    hidden: Vec<f32>,
    scores: Vec<f32>,
}

impl Encoder {
    /// An empty window.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one event and encodes its position, reusing the cached keys
    /// and values; at a full window, first drops the oldest half and encodes
    /// the rest again. False (and nothing changed) for a step that cannot be
    /// encoded: see [`Encoder`].
    pub fn push(&mut self, model: &SequenceModel, vectors: &QuantizedVectors, step: Step) -> bool {
        if !usable(model, vectors, step) {
            return false;
        }
        if self.built_for != Some(model.shape()) {
            self.reencode(model, vectors);
        }
        let max_len = model.max_len();
        if self.steps.len() >= max_len {
            let keep = max_len / 2;
            self.steps.drain(..self.steps.len() - keep);
            self.reencode(model, vectors);
        }
        self.steps.push(step);
        self.encode_at(model, vectors, self.steps.len() - 1);
        true
    }

    /// Encodes the last `L` usable steps of `steps` from scratch (steps that
    /// cannot be encoded are left out first).
    pub fn rebuild(&mut self, model: &SequenceModel, vectors: &QuantizedVectors, steps: &[Step]) {
        self.steps.clear();
        self.steps.extend(steps.iter().copied().filter(|&s| usable(model, vectors, s)));
        self.reencode(model, vectors);
    }

    /// Empties the window.
    pub fn clear(&mut self) {
        // The next push sizes the buffers again (the state among them).
        self.built_for = None;
        self.steps.clear();
        for cache in self.keys.iter_mut().chain(&mut self.values) {
            cache.clear();
        }
        self.state.clear();
        self.attention.clear();
    }

    /// Events in the window.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the window is empty.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The window's events, oldest first.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// `h`, the final-normed representation of the last position (`d`
    /// values): item `i` scores `h · E[i]`. `None` for an empty window.
    pub fn state(&self) -> Option<&[f32]> {
        (!self.steps.is_empty()).then_some(self.state.as_slice())
    }

    /// The last position's attention weights over the window's positions
    /// (oldest first; the last block's, averaged over its heads; they sum to
    /// 1): which earlier events the prediction leans on. `None` for an empty window.
    pub fn attention(&self) -> Option<&[f32]> {
        (!self.steps.is_empty()).then_some(self.attention.as_slice())
    }

    /// Block `block`'s cached keys and values, `n × d` each.
    #[cfg(test)]
    pub(crate) fn cache(&self, block: usize) -> (&[f32], &[f32]) {
        let empty: &[f32] = &[];
        (self.keys.get(block).map_or(empty, |k| k), self.values.get(block).map_or(empty, |v| v))
    }

    /// Encodes every step of the window again, from position 0 (the last `L`
    /// usable ones, when another model or other vectors took over).
    fn reencode(&mut self, model: &SequenceModel, vectors: &QuantizedVectors) {
        // Steps pushed over other vectors may not fit these: they are left out.
        self.steps.retain(|&s| usable(model, vectors, s));
        let extra = self.steps.len().saturating_sub(model.max_len());
        self.steps.drain(..extra);
        self.prepare(model);
        for p in 0..self.steps.len() {
            self.encode_at(model, vectors, p);
        }
    }

    /// Empties the cache and sizes every buffer for `model`.
    fn prepare(&mut self, model: &SequenceModel) {
        let shape = model.shape();
        let (d, blocks, max_len, f) = (shape.dims, shape.blocks, shape.max_len, shape.ffn);
        self.built_for = Some(shape);
        for caches in [&mut self.keys, &mut self.values] {
            caches.resize_with(blocks, Vec::new);
            for cache in caches.iter_mut() {
                cache.clear();
                cache.reserve(max_len * d);
            }
        }
        let s = &mut self.scratch;
        for buffer in [&mut s.x, &mut s.a, &mut s.q, &mut s.k, &mut s.v, &mut s.o, &mut s.projected]
        {
            buffer.resize(d, 0.0);
        }
        s.hidden.resize(f, 0.0);
        s.scores.clear();
        s.scores.reserve(max_len);
        self.state.clear();
        self.state.resize(d, 0.0);
        self.attention.clear();
        self.attention.reserve(max_len);
    }

    /// Encodes step `p` of the window as position `p`, from the cached
    /// positions `0 … p − 1` (a cache beyond them is cut first): the spec's
    /// forward pass for that one position. Buffers are sized by [`Self::prepare`].
    fn encode_at(&mut self, model: &SequenceModel, vectors: &QuantizedVectors, p: usize) {
        let Some(&step) = self.steps.get(p) else { return };
        let n = p + 1;
        let d = model.dims();
        let heads = model.heads();
        let dh = d / heads;
        let inv_sqrt = 1.0 / (dh as f32).sqrt();
        let Self { keys, values, state, attention, scratch: s, .. } = self;

        item_embedding(vectors, step.item as usize, &mut s.x);
        add_scaled(&mut s.x, 1.0, &model.position_embedding()[p * d..(p + 1) * d]);
        if let Some(events) = model.event_embedding() {
            let kind = usize::from(step.kind);
            add_scaled(&mut s.x, 1.0, &events[kind * d..(kind + 1) * d]);
        }
        let last_block = model.blocks().len() - 1;
        for (b, block) in model.blocks().iter().enumerate() {
            layer_norm(&s.x, &block.attention_norm, &mut s.a);
            linear(&block.query, &s.a, &mut s.q);
            linear(&block.key, &s.a, &mut s.k);
            linear(&block.value, &s.a, &mut s.v);
            let (block_keys, block_values) = (&mut keys[b], &mut values[b]);
            block_keys.truncate(p * d);
            block_values.truncate(p * d);
            block_keys.extend_from_slice(&s.k);
            block_values.extend_from_slice(&s.v);
            s.o.fill(0.0);
            if b == last_block {
                attention.clear();
                attention.resize(n, 0.0);
            }
            for h in 0..heads {
                let head = h * dh..(h + 1) * dh;
                let q = &s.q[head.clone()];
                s.scores.clear();
                s.scores.extend(
                    block_keys.chunks_exact(d).map(|k| dot(q, &k[head.clone()]) * inv_sqrt),
                );
                softmax(&mut s.scores);
                let o = &mut s.o[head.clone()];
                for (&w, v) in s.scores.iter().zip(block_values.chunks_exact(d)) {
                    add_scaled(o, w, &v[head.clone()]);
                }
                if b == last_block {
                    add_scaled(attention, 1.0 / heads as f32, &s.scores);
                }
            }
            linear(&block.output, &s.o, &mut s.projected);
            add_scaled(&mut s.x, 1.0, &s.projected);
            layer_norm(&s.x, &block.ffn_norm, &mut s.a);
            linear(&block.up, &s.a, &mut s.hidden);
            relu(&mut s.hidden);
            linear(&block.down, &s.hidden, &mut s.projected);
            add_scaled(&mut s.x, 1.0, &s.projected);
        }
        layer_norm(&s.x, model.final_norm(), state);
    }
}

/// Whether `step` can be encoded with `model` over `vectors`.
pub(super) fn usable(model: &SequenceModel, vectors: &QuantizedVectors, step: Step) -> bool {
    vectors.dims() == model.dims() && (step.item as usize) < vectors.len() && step.kind <= 2
}
