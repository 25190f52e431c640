//! Top-k by partial selection, with a deterministic tie-break.

use std::cmp::Ordering;

/// Best first: higher score, then earlier position (the shop's default order).
fn better(a: &(f32, u32), b: &(f32, u32)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The `k` best `(score, position)` pairs, best first. Runs in O(n + k log k):
/// a partial selection, then a sort of the `k` survivors only.
///
/// ```
/// use flaneur::rank::topk::top_k;
/// let best = top_k(vec![(0.2, 0), (0.9, 1), (0.5, 2), (0.9, 3)], 3);
/// assert_eq!(best, vec![(0.9, 1), (0.9, 3), (0.5, 2)]);
/// ```
pub fn top_k(mut scored: Vec<(f32, u32)>, k: usize) -> Vec<(f32, u32)> {
    if k == 0 {
        return Vec::new();
    }
    if scored.len() > k {
        scored.select_nth_unstable_by(k - 1, better);
        scored.truncate(k);
    }
    scored.sort_unstable_by(better);
    scored
}
