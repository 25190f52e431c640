//! TIFU-KNN (Hu et al., "Modeling Personalized Item Frequency Information for
//! Next-basket Recommendation", KDD 2020), as the paper writes it.
//!
//! A household's training baskets, oldest first, are cut into groups of `m`
//! consecutive baskets counted back from the newest (so only the oldest group
//! may hold fewer). A group of `s` baskets is `(1/s) Σⱼ r_b^(s−j) bⱼ`
//! (`bⱼ` the multi-hot basket, `j` = 1…s oldest first); the household's
//! vector is `(1/k) Σᵢ r_g^(k−i) gᵢ` over its `k` groups, oldest first. The
//! prediction is `α v + (1 − α) mean(v of the nearest households)`, the
//! neighbours the `neighbours` households (all training households of the
//! parity but itself) with the highest cosine of their vectors.
//!
//! The paper's reference code reads its `group_size` as the number of groups
//! instead of the baskets per group; here `m` is baskets per group, as in the
//! paper's text.

use super::grocery_baselines::{fill, top};
use super::grocery_data::{Basket, Grocery};

/// TIFU-KNN's parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Params {
    /// Nearest households averaged.
    pub neighbours: usize,
    /// Weight of the household's own vector.
    pub alpha: f64,
    /// Baskets per group (`m`).
    pub group: usize,
    /// Decay within a group, per basket (`r_b`).
    pub within: f64,
    /// Decay between groups, per group (`r_g`).
    pub between: f64,
}

/// The parameters measured: k = 300, α = 0.7, m = 7, r_b = 0.9, r_g = 0.7.
pub const DEFAULTS: Params =
    Params { neighbours: 300, alpha: 0.7, group: 7, within: 0.9, between: 0.7 };

/// A sparse vector: (product, weight), by product.
pub type Sparse = Vec<(u32, f64)>;

/// The household's TIFU vector from its baskets (oldest first).
pub fn vector(baskets: &[Basket], p: &Params) -> Sparse {
    let mut dense: std::collections::BTreeMap<u32, f64> = Default::default();
    let groups = baskets.len().div_ceil(p.group.max(1));
    // The newest group ends at the last basket; the oldest starts at 0.
    let mut end = baskets.len();
    for g in (0..groups).rev() {
        let start = end.saturating_sub(p.group.max(1));
        let group = &baskets[start..end];
        let s = group.len();
        let group_weight = p.between.powi((groups - 1 - g) as i32) / groups as f64;
        for (j, b) in group.iter().enumerate() {
            let w = group_weight * p.within.powi((s - 1 - j) as i32) / s as f64;
            for &i in &b.items {
                *dense.entry(i).or_default() += w;
            }
        }
        end = start;
    }
    dense.into_iter().collect()
}

fn norm(v: &Sparse) -> f64 {
    v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt()
}

/// TIFU-KNN's lists for the tested households, filled with `best` to the list length.
pub fn lists(data: &Grocery, popularity: &[u32], best: &[u32], p: &Params) -> Vec<Vec<u32>> {
    let vectors: Vec<Sparse> = data.households.iter().map(|h| vector(&h.train, p)).collect();
    let norms: Vec<f64> = vectors.iter().map(norm).collect();
    let mut postings: Vec<Vec<(u32, f64)>> = vec![Vec::new(); data.products.len()];
    for (h, v) in vectors.iter().enumerate() {
        for &(i, w) in v {
            postings[i as usize].push((h as u32, w));
        }
    }
    let tested: Vec<usize> =
        (0..data.households.len()).filter(|&h| data.households[h].test.is_some()).collect();
    super::movielens::parallel(&tested, |&u| {
        let mut dots = vec![0.0f64; vectors.len()];
        for &(i, w) in &vectors[u] {
            for &(h, w2) in &postings[i as usize] {
                dots[h as usize] += w * w2;
            }
        }
        let mut near: Vec<(usize, f64)> = (0..vectors.len())
            .filter(|&h| h != u && norms[h] > 0.0 && norms[u] > 0.0)
            .map(|h| (h, dots[h] / (norms[u] * norms[h])))
            .collect();
        near.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        near.truncate(p.neighbours);
        let mut scores: std::collections::BTreeMap<u32, f64> = Default::default();
        for &(i, w) in &vectors[u] {
            *scores.entry(i).or_default() += p.alpha * w;
        }
        let share = (1.0 - p.alpha) / near.len().max(1) as f64;
        for &(h, _) in &near {
            for &(i, w) in &vectors[h] {
                *scores.entry(i).or_default() += share * w;
            }
        }
        Ok(fill(top(scores.into_iter().collect(), popularity), best))
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_cut_from_the_newest_and_decayed_within_and_between() {
        let b = |items: &[u32]| Basket { id: 0, at: 0, items: items.to_vec() };
        // Three baskets, groups of 2: {b0} and {b1, b2}.
        let baskets = [b(&[0]), b(&[0, 1]), b(&[2])];
        let p = Params { neighbours: 1, alpha: 0.5, group: 2, within: 0.5, between: 0.25 };
        let v = vector(&baskets, &p);
        // Oldest group (1 basket): weight 0.25 / 2 groups; newest group: 1 / 2, its older
        // basket 0.5 of its newer, each over 2 baskets.
        let old = 0.25 / 2.0;
        let new = 0.5 / 2.0;
        assert_eq!(v, [(0, old + new * 0.5), (1, new * 0.5), (2, new)]);
    }
}
