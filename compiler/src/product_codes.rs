//! `catalog build --vector-codes pq`: a catalog's int8 vectors made into
//! product-quantized codes (issue #22, "Compact vectors"; the codec chosen by
//! `flaneur-eval vectors`, docs/EVALUATION.md): a seeded random rotation of
//! every vector (dot products and `YᵀY` are blind to it, so the device needs
//! no copy of it), then per sub-space of two dimensions 256 centroids found by
//! k-means on a deterministic sample of the items, stored as int8 codes with
//! one scale (`flaneur::catalog::Codebook`), and each item's nearest centroid
//! per sub-space: 32 bytes an item at 64 dimensions instead of 68.
//!
//! Everything is deterministic (`model::rng`'s SplitMix64, a fixed sample), so the same
//! catalog and seed give the same bytes. The sub-spaces are trained on both
//! cores (rayon), each from its own seed.

use rayon::prelude::*;

use flaneur::catalog::{CENTROIDS, Catalog, Codebook, MAX_PQ_DIMS, VectorKind};

pub use crate::model::rng::Rng;

/// Lloyd iterations after the k-means++ seeding.
pub const KMEANS_ITERATIONS: usize = 20;
/// Items each sub-space's k-means learns from at most (a fixed stride over
/// the items with a vector): 64 per centroid.
pub const TRAINING_ITEMS: usize = 64 * CENTROIDS;
/// The seed `catalog build` uses.
pub const SEED: u64 = 1;

/// What [`compact`] did, for the command's report.
#[derive(Debug, Clone, PartialEq)]
pub struct Compacted {
    /// Sub-spaces: code bytes per item.
    pub subspaces: usize,
    /// `Σ‖y − ŷ‖² / Σ‖y‖²` of the decoded vectors against the int8 ones.
    pub relative_error: f64,
}

/// Makes `catalog`'s vectors product-quantized codes of two dimensions per
/// sub-space (one when dims is odd). Refused, the catalog unchanged, without
/// vectors, with a sequence model's, or above [`MAX_PQ_DIMS`] dimensions.
pub fn compact(catalog: &mut Catalog, seed: u64) -> Result<Compacted, String> {
    let vectors = catalog.vectors();
    let d = vectors.dims();
    if d == 0 || catalog.is_empty() {
        return Err("--vector-codes pq needs vectors (--dims above 0 or supplied ones)".into());
    }
    if d > MAX_PQ_DIMS {
        return Err(format!("--vector-codes pq takes at most {MAX_PQ_DIMS} dims, not {d}"));
    }
    if catalog.vector_kind() == VectorKind::Sequence {
        return Err("--vector-codes pq: a sequence model's item embeddings stay int8".into());
    }
    if vectors.codebook().is_some() {
        return Err("the vectors are product-quantized already".into());
    }
    let width = if d % 2 == 0 { 2 } else { 1 };
    let subspaces = d / width;
    let n = catalog.len();
    let rotation = rotation(d, seed);
    let mut rotated = vec![0.0f32; n * d];
    for (i, out) in rotated.chunks_exact_mut(d).enumerate() {
        let y = vectors.dequantize(i);
        for (c, o) in out.iter_mut().enumerate() {
            *o = (0..d).map(|k| f64::from(y[k]) * rotation[c * d + k]).sum::<f64>() as f32;
        }
    }
    let with_vector: Vec<usize> =
        (0..n).filter(|&i| rotated[i * d..(i + 1) * d].iter().any(|&x| x != 0.0)).collect();
    let stride = with_vector.len().div_ceil(TRAINING_ITEMS).max(1);
    let sample: Vec<usize> = with_vector.iter().step_by(stride).copied().collect();
    let centroids: Vec<Vec<f32>> = (0..subspaces)
        .into_par_iter()
        .map(|s| {
            let points: Vec<&[f32]> = sample
                .iter()
                .map(|&i| &rotated[i * d + s * width..i * d + (s + 1) * width])
                .collect();
            kmeans(&points, width, CENTROIDS, seed ^ ((s as u64 + 1) * 0x9E37_79B9))
        })
        .collect();
    let max = centroids.iter().flatten().fold(0.0f32, |m, &x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    let codes_of: Vec<i8> = centroids
        .iter()
        .flatten()
        .map(|&x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    let book = Codebook::new(subspaces, width, codes_of, scale)
        .ok_or("the trained codebook is not a codebook")?;
    // Each item's nearest centroid per sub-space, among the centroids as stored.
    let decoded: Vec<f32> = book.centroids().iter().map(|&c| f32::from(c) * scale).collect();
    let codes: Vec<u8> = rotated
        .par_chunks_exact(d)
        .flat_map_iter(|y| {
            (0..subspaces).map(|s| {
                let table = &decoded[s * CENTROIDS * width..(s + 1) * CENTROIDS * width];
                nearest(table, width, &y[s * width..(s + 1) * width]) as u8
            })
        })
        .collect();
    let (mut err, mut norm) = (0.0f64, 0.0f64);
    let (mut row, mut stored) = (vec![0i8; d], vec![0i8; subspaces]);
    for (y, item) in rotated.chunks_exact(d).zip(codes.chunks_exact(subspaces)) {
        for (s, &c) in stored.iter_mut().zip(item) {
            *s = c as i8;
        }
        book.decode_into(&stored, &mut row);
        for (&a, &b) in y.iter().zip(&row) {
            let e = f64::from(a) - f64::from(b) * f64::from(scale);
            err += e * e;
            norm += f64::from(a) * f64::from(a);
        }
    }
    catalog.set_product_codes(book, codes).map_err(|e| e.to_string())?;
    Ok(Compacted { subspaces, relative_error: if norm > 0.0 { err / norm } else { 0.0 } })
}

fn distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The index of the centroid nearest `point` (the first on a tie).
pub fn nearest(centroids: &[f32], w: usize, point: &[f32]) -> usize {
    let mut best = (f32::INFINITY, 0);
    for (c, centroid) in centroids.chunks_exact(w).enumerate() {
        let dist = distance(centroid, point);
        if dist < best.0 {
            best = (dist, c);
        }
    }
    best.1
}

/// `k` centroids (`k × w` values) of `points`: the first fixed at zero (so
/// items without a vector keep none), the others seeded by k-means++ and
/// refined by [`KMEANS_ITERATIONS`] Lloyd steps (an emptied cluster keeps its
/// centroid). With fewer distinct points than `k`, the spare centroids repeat zero.
pub fn kmeans(points: &[&[f32]], w: usize, k: usize, seed: u64) -> Vec<f32> {
    let mut rng = Rng::from_state(seed);
    let mut centroids = vec![0.0f32; k * w];
    // k-means++: each next centroid drawn with probability ∝ its squared distance to the nearest.
    let mut near: Vec<f32> = points.iter().map(|p| distance(p, &centroids[..w])).collect();
    for c in 1..k {
        let total: f64 = near.iter().map(|&x| f64::from(x)).sum();
        if total <= 0.0 {
            break;
        }
        let mut target = rng.uniform() * total;
        let mut pick = near.len() - 1;
        for (i, &x) in near.iter().enumerate() {
            target -= f64::from(x);
            if target < 0.0 {
                pick = i;
                break;
            }
        }
        centroids[c * w..(c + 1) * w].copy_from_slice(points[pick]);
        for (n, p) in near.iter_mut().zip(points) {
            *n = n.min(distance(p, &centroids[c * w..(c + 1) * w]));
        }
    }
    let mut assigned = vec![0usize; points.len()];
    for _ in 0..KMEANS_ITERATIONS {
        for (a, p) in assigned.iter_mut().zip(points) {
            *a = nearest(&centroids, w, p);
        }
        let mut sums = vec![0.0f64; k * w];
        let mut counts = vec![0usize; k];
        for (&a, p) in assigned.iter().zip(points) {
            counts[a] += 1;
            for (s, &x) in sums[a * w..(a + 1) * w].iter_mut().zip(p.iter()) {
                *s += f64::from(x);
            }
        }
        for c in 1..k {
            if counts[c] > 0 {
                for (x, s) in centroids[c * w..(c + 1) * w].iter_mut().zip(&sums[c * w..]) {
                    *x = (s / counts[c] as f64) as f32;
                }
            }
        }
    }
    centroids
}

/// A seeded random `d × d` rotation (row-major, orthonormal rows): Gaussian
/// entries made orthonormal by Gram–Schmidt.
pub fn rotation(d: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::from_state(seed ^ 0x0005_EED0_F07A_7E00);
    let mut m: Vec<f64> = (0..d * d).map(|_| rng.gaussian()).collect();
    for r in 0..d {
        for p in 0..r {
            let dot: f64 = (0..d).map(|k| m[r * d + k] * m[p * d + k]).sum();
            for k in 0..d {
                m[r * d + k] -= dot * m[p * d + k];
            }
        }
        let norm = (0..d).map(|k| m[r * d + k] * m[r * d + k]).sum::<f64>().sqrt();
        for k in 0..d {
            m[r * d + k] /= norm;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rotation is orthonormal: it keeps every dot product.
    #[test]
    fn rotation_is_orthonormal() {
        let d = 8;
        let r = rotation(d, 3);
        for a in 0..d {
            for b in 0..d {
                let dot: f64 = (0..d).map(|k| r[a * d + k] * r[b * d + k]).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-9, "rows {a} and {b}: {dot}");
            }
        }
    }

    /// k-means keeps zero as its first centroid and finds two clear clusters.
    #[test]
    fn kmeans_finds_clusters_and_keeps_zero() {
        let pts: Vec<[f32; 2]> =
            (0..40).map(|i| if i % 2 == 0 { [1.0, 1.0] } else { [-1.0, 2.0] }).collect();
        let points: Vec<&[f32]> = pts.iter().map(|p| p.as_slice()).collect();
        let c = kmeans(&points, 2, 4, 9);
        assert_eq!(&c[..2], &[0.0, 0.0]);
        for p in &pts {
            let best = nearest(&c, 2, p);
            assert_eq!(&c[best * 2..best * 2 + 2], p.as_slice());
        }
    }
}
