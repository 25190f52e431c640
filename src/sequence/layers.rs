//! The arithmetic of the forward pass, in plain loops the compiler
//! vectorizes (eight independent sums: SIMD lanes natively and with wasm's
//! simd128), shared by the cached encoder and the uncached reference so both
//! compute exactly the spec's function.

use crate::catalog::QuantizedVectors;
use crate::catalog::sequence_model::{LAYER_NORM_EPSILON, Linear, Norm};

/// `Σ a[i] · b[i]` over the shorter length, in eight interleaved partial sums.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        // Fixed-size chunks: no bounds check in the loop, eight lanes at once.
        let (x, y): (&[f32; 8], &[f32; 8]) = match (x.try_into(), y.try_into()) {
            (Ok(x), Ok(y)) => (x, y),
            _ => continue, // chunks_exact(8) gives 8: unreachable
        };
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// `out += w · x`, component by component.
#[inline]
pub fn add_scaled(out: &mut [f32], w: f32, x: &[f32]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o += w * v;
    }
}

/// `out = LN(x)`: layer normalisation with biased variance and ε = 1e-5, as PyTorch's.
pub fn layer_norm(x: &[f32], norm: &Norm, out: &mut [f32]) {
    let n = x.len().max(1) as f32;
    let mean = x.iter().sum::<f32>() / n;
    let var = x.iter().map(|&v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let inv = 1.0 / (var + LAYER_NORM_EPSILON).sqrt();
    for (((o, &v), &w), &b) in out.iter_mut().zip(x).zip(&norm.weight).zip(&norm.bias) {
        *o = (v - mean) * inv * w + b;
    }
}

/// `out = x Wᵀ + b` for a `[out.len(), x.len()]` weight.
pub fn linear(layer: &Linear, x: &[f32], out: &mut [f32]) {
    let inputs = x.len();
    for ((o, row), &b) in out.iter_mut().zip(layer.weight.chunks_exact(inputs)).zip(&layer.bias) {
        *o = b + dot(row, x);
    }
}

/// The softmax of `scores`, in place (shifted by the largest, so it never overflows).
pub fn softmax(scores: &mut [f32]) {
    let max = scores.iter().fold(f32::NEG_INFINITY, |m, &s| m.max(s));
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        sum += *s;
    }
    if sum > 0.0 {
        let inv = 1.0 / sum;
        for s in scores.iter_mut() {
            *s *= inv;
        }
    }
}

/// `out = max(x, 0)` in place.
pub fn relu(x: &mut [f32]) {
    for v in x {
        *v = v.max(0.0);
    }
}

/// `out = E[item]`: the item's vector from the catalog, codes × scale.
pub fn item_embedding(vectors: &QuantizedVectors, item: usize, out: &mut [f32]) {
    let (codes, scale) = vectors.get(item);
    for (o, &c) in out.iter_mut().zip(codes.iter()) {
        *o = f32::from(c) * scale;
    }
}

/// `h · E[i]` for every item `i`, in item order: the model's score of each
/// item as the next event (the tied output layer). Ranking does the same with
/// its own kernels; this is the plain form, for tests and tools.
pub fn score_all(h: &[f32], vectors: &QuantizedVectors) -> Vec<f32> {
    let mut row = vec![0.0; vectors.dims()];
    (0..vectors.len())
        .map(|i| {
            item_embedding(vectors, i, &mut row);
            dot(h, &row)
        })
        .collect()
}
