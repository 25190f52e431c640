//! The arithmetic of the forward pass, in plain loops the compiler
//! vectorizes (eight independent sums: SIMD lanes natively and with wasm's
//! simd128), shared by the cached encoder and the uncached reference so both
//! compute exactly the spec's function.

use crate::catalog::QuantizedVectors;
use crate::catalog::sequence_model::{LAYER_NORM_EPSILON, Linear, Norm};

/// `Σ a[i] · b[i]` over the shorter length, in eight interleaved partial sums.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        dot_simd(a, b)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        dot_scalar(a, b)
    }
}

/// [`dot`]'s eight partial sums as two `f32x4` accumulators, written out:
/// the `.wasm` is built for size, which vectorizes no loop by itself. The
/// same products and sums in the same order (wasm has no fused multiply-add),
/// so it computes what [`dot_scalar`] computes.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
pub fn dot_simd(a: &[f32], b: &[f32]) -> f32 {
    use core::arch::wasm32::*;
    let n = a.len().min(b.len());
    let full = n / 8 * 8;
    let (mut lo, mut hi) = (f32x4_splat(0.0), f32x4_splat(0.0));
    let mut i = 0;
    while i < full {
        // SAFETY: i + 8 ≤ full ≤ n ≤ both lengths; v128_load needs no alignment.
        let (x0, x1, y0, y1) = unsafe {
            let (pa, pb) = (a.as_ptr().add(i), b.as_ptr().add(i));
            (
                v128_load(pa.cast()),
                v128_load(pa.add(4).cast()),
                v128_load(pb.cast()),
                v128_load(pb.add(4).cast()),
            )
        };
        lo = f32x4_add(lo, f32x4_mul(x0, y0));
        hi = f32x4_add(hi, f32x4_mul(x1, y1));
        i += 8;
    }
    // The tail as `dot_scalar` sums it (the same iterator sum, its start included).
    let tail: f32 = a[full..n].iter().zip(&b[full..n]).map(|(x, y)| x * y).sum();
    // `dot_scalar`'s reduction: lane k of `lo` is its sum k, of `hi` its sum k + 4.
    let pairs = f32x4_add(lo, hi);
    ((f32x4_extract_lane::<0>(pairs) + f32x4_extract_lane::<1>(pairs))
        + (f32x4_extract_lane::<2>(pairs) + f32x4_extract_lane::<3>(pairs)))
        + tail
}

/// The portable [`dot`].
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
#[inline]
pub fn dot_scalar(a: &[f32], b: &[f32]) -> f32 {
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

/// `out += w · x`, component by component (four at a time with simd128:
/// the same product and sum per component).
#[inline]
pub fn add_scaled(out: &mut [f32], w: f32, x: &[f32]) {
    let n = out.len().min(x.len());
    let mut i = 0;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::*;
        let ws = f32x4_splat(w);
        while i + 4 <= n {
            // SAFETY: i + 4 ≤ n ≤ both lengths; v128 loads and stores need no alignment.
            unsafe {
                let (po, px) = (out.as_mut_ptr().add(i), x.as_ptr().add(i));
                let sum = f32x4_add(v128_load(po.cast()), f32x4_mul(ws, v128_load(px.cast())));
                v128_store(po.cast(), sum);
            }
            i += 4;
        }
    }
    while i < n {
        out[i] += w * x[i];
        i += 1;
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
