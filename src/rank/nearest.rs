//! The items nearest to a query vector, by dot product: a visual or semantic
//! search the page runs against the catalog's own vectors, without a profile.
//!
//! Two passes. The first streams every item's int8 codes once against the
//! query quantized to int8 (the [`kernel`](super::kernel)'s `dot_i8_rows`,
//! `simd128` in the browser, the query widened once per block) and keeps the best
//! `RERANK × k` approximate scores in a
//! streaming [`Pool`], so no per-item allocation is made. The second re-scores
//! those candidates exactly — the query's `f32` values against the item's
//! stored (dequantized) vector — and returns the best `k`. The returned scores
//! are therefore exact for the catalog as stored; only the *choice* of
//! candidates is approximate, and with 4× over-fetch it misses an exact top-k
//! item only when int8 rounding reorders items across a margin of ~1% of the
//! score range.

use crate::catalog::quantize::quantize;
use crate::catalog::{Catalog, Scratch};
use crate::error::{Error, Result};

use super::kernel::dot_i8_rows;
use super::request::MAX_K;
use super::topk::{Pool, top_k};

/// Candidates re-scored exactly per item returned.
pub const RERANK: usize = 4;

/// Items scored per kernel call.
const BLOCK: usize = 256;

/// The `k` items whose vectors have the largest dot product with `query`,
/// best first (ties: earlier catalog position), as `(position, score)`.
///
/// ```
/// use flaneur::catalog::Catalog;
/// use flaneur::rank::nearest::nearest;
/// let catalog = Catalog::from_json_str(r#"{"version":1,"shop":"s","dims":2,"items":[
///   {"id":"a","title":"A","category":"C","vector":[1,0]},
///   {"id":"b","title":"B","category":"C","vector":[0,1]},
///   {"id":"c","title":"C","category":"C","vector":[0.6,0.8]}]}"#).unwrap();
/// let best = nearest(&catalog, &[0.0, 1.0], 2).unwrap();
/// assert_eq!(best.iter().map(|&(i, _)| catalog.item(i).id()).collect::<Vec<_>>(), ["b", "c"]);
/// assert!((best[1].1 - 0.8).abs() < 0.01);
/// ```
pub fn nearest(catalog: &Catalog, query: &[f32], k: usize) -> Result<Vec<(usize, f32)>> {
    let vectors = catalog.vectors();
    let dims = vectors.dims();
    if dims == 0 {
        return Err(Error::BadArgument("the catalog has no vectors".into()));
    }
    if query.len() != dims {
        return Err(Error::BadArgument(format!(
            "the vector has {} values, the catalog's have {dims}",
            query.len()
        )));
    }
    if let Some(bad) = query.iter().position(|x| !x.is_finite()) {
        return Err(Error::BadArgument(format!("vector value {bad} is not a finite number")));
    }
    if k == 0 || k > MAX_K {
        return Err(Error::BadArgument(format!("k must be between 1 and {}, got {k}", MAX_K)));
    }
    let (q, _) = quantize(query);
    let keep = (k * RERANK).min(vectors.len());
    // Pass 1: approximate scores, the best `keep` kept by a streaming pool.
    let mut pool = Pool::new(keep);
    // Blocks of rows (in the order the catalog keeps them, decoded a block
    // at a time when product-quantized): the kernel widens the query once per block.
    let mut dots = [0i32; BLOCK];
    let mut scratch = Scratch::default();
    for first in (0..vectors.len()).step_by(BLOCK) {
        let end = (first + BLOCK).min(vectors.len());
        let (rows, block_scales) = vectors.rows(first..end, &mut scratch);
        let dots = &mut dots[..block_scales.len()];
        dot_i8_rows(&q, rows, dots);
        pool.extend(
            dots.iter()
                .zip(block_scales)
                .enumerate()
                .map(|(j, (&dot, &scale))| (dot as f32 * scale, vectors.item_at(first + j) as u32)),
        );
    }
    let candidates = pool.finish();
    // Pass 2: exact scores of the candidates.
    let exact: Vec<(f32, u32)> = candidates
        .into_iter()
        .map(|(_, i)| {
            let (codes, scale) = vectors.get(i as usize);
            let dot: f32 = codes.iter().zip(query).map(|(&c, &x)| c as f32 * x).sum();
            (dot * scale, i)
        })
        .collect();
    Ok(top_k(exact, k).into_iter().map(|(score, i)| (i as usize, score)).collect())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn catalog(n: usize, dims: usize, seed: u64) -> Catalog {
        let mut rng = crate::testkit::Rng::new(seed);
        let items: Vec<String> = (0..n)
            .map(|i| {
                let v: Vec<String> =
                    (0..dims).map(|_| format!("{:.4}", rng.unit() * 2.0 - 1.0)).collect();
                format!(r#"{{"id":"i{i}","title":"T","category":"C","vector":[{}]}}"#, v.join(","))
            })
            .collect();
        Catalog::from_json_str(&format!(
            r#"{{"version":1,"shop":"s","dims":{dims},"items":[{}]}}"#,
            items.join(",")
        ))
        .unwrap()
    }

    /// Every item scored exactly against the stored vectors, best first.
    fn brute_force(c: &Catalog, query: &[f32], k: usize) -> Vec<(usize, f32)> {
        let scored: Vec<(f32, u32)> = (0..c.len())
            .map(|i| {
                (
                    c.vectors().dequantize(i).iter().zip(query).map(|(a, b)| a * b).sum::<f32>(),
                    i as u32,
                )
            })
            .collect();
        top_k(scored, k).into_iter().map(|(s, i)| (i as usize, s)).collect()
    }

    #[test]
    fn finds_the_exact_top_k_of_random_catalogs() {
        let c = catalog(3000, 32, 11);
        let mut rng = crate::testkit::Rng::new(99);
        let mut found = 0;
        for _ in 0..20 {
            let query: Vec<f32> = (0..32).map(|_| rng.unit() * 2.0 - 1.0).collect();
            let got = nearest(&c, &query, 24).unwrap();
            let want = brute_force(&c, &query, 24);
            assert_eq!(got.len(), 24);
            // Scores are exact for the items returned, and in order.
            for &(i, s) in &got {
                let exact: f32 =
                    c.vectors().dequantize(i).iter().zip(&query).map(|(a, b)| a * b).sum();
                assert!((exact - s).abs() < 1e-4, "{exact} vs {s}");
            }
            assert!(got.windows(2).all(|w| w[0].1 >= w[1].1));
            found += got.iter().filter(|g| want.iter().any(|w| w.0 == g.0)).count();
        }
        // Recall over 20 queries × 24 items.
        assert!(found as f32 / 480.0 >= 0.99, "recall {}", found as f32 / 480.0);
    }

    #[test]
    fn bad_queries_are_refused() {
        let c = catalog(10, 4, 1);
        assert!(nearest(&c, &[1.0, 0.0, 0.0], 3).is_err());
        assert!(nearest(&c, &[1.0, f32::NAN, 0.0, 0.0], 3).is_err());
        assert!(nearest(&c, &[1.0, 0.0, 0.0, 0.0], 0).is_err());
        // k beyond the catalog: every item, best first.
        assert_eq!(nearest(&c, &[1.0, 0.0, 0.0, 0.0], 50).unwrap().len(), 10);
    }
}
