//! Diversity re-ranking: maximal marginal relevance over vectors and facets.

use crate::catalog::quantize::norm_of;
use crate::catalog::{Catalog, Codes, FacetIds};

use super::kernel::dot_i8;

/// Similarity at or above which two items count as near-duplicates: they are
/// never placed side by side while another candidate can go between them.
pub const NEAR_DUPLICATE: f32 = 0.92;

/// Similarity of two items in [0, 1]: cosine of their vectors (when the
/// catalog has them), same leaf category, and shared facet values (Jaccard).
///
/// ```
/// use flaneur::{catalog::Catalog, rank::diversity::similarity};
/// let c = Catalog::from_json_str(r#"{"version":1,"shop":"s","facets":{"colour":{}},"items":[
///   {"id":"a","title":"A","category":"Knit","attributes":{"colour":"red"}},
///   {"id":"b","title":"B","category":"Knit","attributes":{"colour":"red"}},
///   {"id":"c","title":"C","category":"Shoes","attributes":{"colour":"navy"}}]}"#).unwrap();
/// assert_eq!(similarity(&c, 0, 1), 1.0);
/// assert_eq!(similarity(&c, 0, 2), 0.0);
/// ```
pub fn similarity(catalog: &Catalog, a: usize, b: usize) -> f32 {
    Features::of(catalog, a).similarity(&Features::of(catalog, b))
}

/// What [`similarity`] reads of an item, looked up once: the re-rank
/// compares each candidate with every pick.
#[derive(Clone)]
pub(crate) struct Features<'c> {
    leaf: u32,
    facets: FacetIds<'c>,
    /// Codes, scale and length of its vector (empty without vectors).
    codes: Codes<'c>,
    scale: f32,
    norm: f32,
}

impl<'c> Features<'c> {
    pub(crate) fn of(catalog: &'c Catalog, index: usize) -> Self {
        let item = catalog.item(index);
        let vectors = catalog.vectors();
        let (codes, scale, norm) = if vectors.dims() == 0 {
            (Codes::Held(&[]), 0.0, 0.0)
        } else {
            // Read (and, product-quantized, decoded) once for the codes and the norm.
            let (codes, scale) = vectors.get(index);
            let norm = norm_of(&codes, scale);
            (codes, scale, norm)
        };
        Self { leaf: item.category(), facets: item.facet_value_ids(), codes, scale, norm }
    }

    /// [`is_similar`] for the two items: the leaf categories first, when
    /// they alone decide.
    pub(crate) fn is_similar(&self, other: &Self, threshold: f32) -> bool {
        if threshold > MAX_ACROSS_LEAVES && self.leaf != other.leaf {
            return false;
        }
        self.similarity(other) >= threshold
    }

    /// [`similarity`] of the two items.
    fn similarity(&self, other: &Self) -> f32 {
        let same_leaf = if self.leaf == other.leaf { 1.0 } else { 0.0 };
        let facets = match (self.facets, other.facets) {
            (FacetIds::Narrow(a), FacetIds::Narrow(b)) => jaccard(a, b),
            (FacetIds::Wide(a), FacetIds::Wide(b)) => jaccard(a, b),
            // Never within one catalog, whose ids all have one width.
            (a, b) => jaccard(&a.to_vec(), &b.to_vec()),
        };
        if self.codes.is_empty() {
            return LEAF_ONLY * same_leaf + FACETS_ONLY * facets;
        }
        let norms = self.norm * other.norm;
        let cosine = if norms > 0.0 {
            let dot = dot_i8(&self.codes, &other.codes) as f32;
            (dot * self.scale * other.scale / norms).clamp(0.0, 1.0)
        } else {
            0.0
        };
        COSINE * cosine + LEAF * same_leaf + FACETS * facets
    }
}

/// The most two items of different leaf categories can score in
/// [`similarity`]: cosine and facets with vectors, facets alone without.
pub const MAX_ACROSS_LEAVES: f32 =
    if COSINE + FACETS > FACETS_ONLY { COSINE + FACETS } else { FACETS_ONLY };

/// [`similarity`]'s weights with vectors: cosine, same leaf, shared facet values.
const COSINE: f32 = 0.6;
const LEAF: f32 = 0.25;
const FACETS: f32 = 0.15;
/// [`similarity`]'s weights in a catalog without vectors.
const LEAF_ONLY: f32 = 0.6;
const FACETS_ONLY: f32 = 0.4;

/// Whether `similarity(catalog, a, b) >= threshold`, without looking at the
/// vectors when the leaf categories alone decide it (a threshold above
/// [`MAX_ACROSS_LEAVES`] and items of different leaves).
///
/// ```
/// use flaneur::{catalog::Catalog, rank::diversity::is_similar};
/// let c = Catalog::from_json_str(r#"{"version":1,"shop":"s","dims":2,"items":[
///   {"id":"a","title":"A","category":"Knit","vector":[1,0]},
///   {"id":"b","title":"B","category":"Knit","vector":[1,0]},
///   {"id":"c","title":"C","category":"Shoes","vector":[1,0]}]}"#).unwrap();
/// assert!(is_similar(&c, 0, 1, 0.85));
/// assert!(!is_similar(&c, 0, 2, 0.85)); // same vector, another leaf
/// assert!(is_similar(&c, 0, 2, 0.6));
/// ```
pub fn is_similar(catalog: &Catalog, a: usize, b: usize, threshold: f32) -> bool {
    Features::of(catalog, a).is_similar(&Features::of(catalog, b), threshold)
}

/// |A ∩ B| / |A ∪ B| of two sorted id lists (0 when both are empty).
fn jaccard<T: Copy + Ord>(a: &[T], b: &[T]) -> f32 {
    let (mut i, mut j, mut common) = (0, 0, 0);
    // Without branches on the values: ids of unrelated items interleave
    // unpredictably, and the re-rank compares thousands of pairs.
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        common += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    let union = a.len() + b.len() - common;
    if union == 0 { 0.0 } else { common as f32 / union as f32 }
}

/// Picks `k` of `candidates` (`(score, index)`, best first) by maximal
/// marginal relevance: each slot takes the candidate maximising
/// `(1 - diversity) · score - diversity · max similarity to those already picked`,
/// skipping a near-duplicate of the previous pick when another candidate
/// exists, and preferring leaf categories that have fewer than `leaf_cap`
/// items in the slate: a full leaf gives more only when no other candidate
/// is left, so the cap spreads a slate without shortening it.
/// `diversity = 0` keeps the order of `candidates` (within the cap).
pub fn rerank(
    catalog: &Catalog,
    candidates: &[(f32, u32)],
    k: usize,
    diversity: f32,
    leaf_cap: usize,
) -> Vec<(f32, u32)> {
    let leaf = |index: u32| catalog.item(index as usize).category();
    // Items picked per leaf category (a slate spans a few).
    let mut per_leaf: Vec<(u32, usize)> = Vec::new();
    let count = |per_leaf: &[(u32, usize)], index: u32| {
        per_leaf.iter().find(|&&(l, _)| l == leaf(index)).map_or(0, |&(_, n)| n)
    };
    let add = |per_leaf: &mut Vec<(u32, usize)>, index: u32| {
        let l = leaf(index);
        match per_leaf.iter_mut().find(|(known, _)| *known == l) {
            Some((_, n)) => *n += 1,
            None => per_leaf.push((l, 1)),
        }
    };
    if diversity <= 0.0 {
        let mut picked: Vec<(f32, u32)> = Vec::with_capacity(k);
        let mut over: Vec<(f32, u32)> = Vec::new();
        for &(score, index) in candidates {
            if picked.len() == k {
                break;
            }
            if count(&per_leaf, index) < leaf_cap {
                add(&mut per_leaf, index);
                picked.push((score, index));
            } else {
                over.push((score, index));
            }
        }
        let missing = k.saturating_sub(picked.len());
        picked.extend(over.into_iter().take(missing));
        return picked;
    }
    let lambda = 1.0 - diversity;
    let mut pool: Vec<Candidate> = candidates
        .iter()
        .map(|&(s, i)| (s, i, 0.0, 0.0, Features::of(catalog, i as usize)))
        .collect();
    let mut picked: Vec<(f32, u32)> = Vec::with_capacity(k.min(pool.len()));
    while picked.len() < k && !pool.is_empty() {
        let objective =
            |&(score, _, max_sim, _, _): &Candidate| lambda * score - diversity * max_sim;
        let near_duplicate = |c: &Candidate| !picked.is_empty() && c.3 >= NEAR_DUPLICATE;
        let room = |c: &Candidate| count(&per_leaf, c.1) < leaf_cap;
        let best = best_slot(&pool, objective, |c| room(c) && !near_duplicate(c))
            .or_else(|| best_slot(&pool, objective, room))
            .or_else(|| best_slot(&pool, objective, |c| !near_duplicate(c)))
            .or_else(|| best_slot(&pool, objective, |_| true));
        let Some(slot) = best else { break };
        let (score, index, _, _, picked_features) = pool.swap_remove(slot);
        add(&mut per_leaf, index);
        for c in &mut pool {
            c.3 = picked_features.similarity(&c.4);
            // Not `f32::max` (a call in WebAssembly): similarities are never NaN.
            if c.3 > c.2 {
                c.2 = c.3;
            }
        }
        picked.push((score, index));
    }
    picked
}

/// A candidate of the re-rank: score, position, greatest similarity to the
/// items picked so far, similarity to the last one picked, what similarity reads of it.
type Candidate<'c> = (f32, u32, f32, f32, Features<'c>);

/// Position of the candidate with the highest objective among those `keep`
/// accepts; ties go to the higher score, then the earlier position in the catalog.
fn best_slot(
    pool: &[Candidate],
    objective: impl Fn(&Candidate) -> f32,
    keep: impl Fn(&Candidate) -> bool,
) -> Option<usize> {
    pool.iter()
        .enumerate()
        .filter(|(_, c)| keep(c))
        .max_by(|(_, a), (_, b)| {
            objective(a).total_cmp(&objective(b)).then(a.0.total_cmp(&b.0)).then(b.1.cmp(&a.1))
        })
        .map(|(slot, _)| slot)
}
