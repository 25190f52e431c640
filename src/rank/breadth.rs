//! Breadth that follows the evidence: with little known, a slate spreads over
//! related categories and the shop's own order; it narrows as evidence grows.
//!
//! One number, [`breadth`], in [0, 1], from the profile's total weight of
//! evidence (a view counts 1, a cart add 3, …, decayed like every affinity).
//! It loosens two things, each by the same measure:
//! - relevance: the category signal weighs a shared department or category
//!   nearly as much as the shared leaf ([`crate::rank::Scorer`]);
//! - diversity: the candidates come from more categories, the re-rank
//!   spreads more, and a leaf category gives more than [`leaf_cap`] items
//!   only when no other candidate is left.
//!
//! The shop's order keeps its weight (`intensity`): with thin evidence it
//! would otherwise put the shop's first items above what the shopper viewed.

use crate::profile::Profile;

/// Weight of evidence at which a slate is half as broad as a new shopper's:
/// about a dozen views.
pub const HALF_BREADTH_WEIGHT: f32 = 12.0;

/// The breadth of a slate for `profile` at `now`: `H / (H + W)`, `W` the
/// decayed weight of everything the profile learned (the sum over its
/// top-level categories) and `H` [`HALF_BREADTH_WEIGHT`]. 1 for an empty profile.
///
/// ```
/// use flaneur::{profile::{Evidence, Profile}, rank::breadth::breadth};
/// let mut profile = Profile::default();
/// assert_eq!(breadth(&profile, 0), 1.0);
/// let seen = Evidence { item_id: "a", categories: &["Women", "Women > Knitwear"],
///                       facets: &[], vector: None };
/// for _ in 0..12 {
///     profile.learn(&seen, 1.0, 0);
/// }
/// assert_eq!(breadth(&profile, 0), 0.5);
/// ```
pub fn breadth(profile: &Profile, now: i64) -> f32 {
    let hl = profile.half_life_ms();
    let weight: f32 = profile
        .categories()
        .iter()
        .filter(|(path, _)| !path.contains(" > "))
        .map(|(_, a)| a.weight_at(now, hl).max(0.0))
        .sum();
    HALF_BREADTH_WEIGHT / (HALF_BREADTH_WEIGHT + weight)
}

/// Most items of one leaf category in a slate of `k` at `breadth`:
/// `k · (1 − breadth)`, rounded, at least 2 (all `k` when breadth is 0).
///
/// ```
/// use flaneur::rank::breadth::leaf_cap;
/// assert_eq!(leaf_cap(12, 0.0), 12);
/// assert_eq!(leaf_cap(12, 0.75), 3);
/// assert_eq!(leaf_cap(12, 1.0), 2);
/// ```
pub fn leaf_cap(k: usize, breadth: f32) -> usize {
    ((k as f32 * (1.0 - breadth.clamp(0.0, 1.0))).round() as usize).clamp(2.min(k), k.max(1))
}

/// The diversity of the re-rank at `breadth`: `diversity` moved a quarter of the way to 1
/// as breadth goes to 1.
pub fn diversity(diversity: f32, breadth: f32) -> f32 {
    diversity + (1.0 - diversity) * 0.25 * breadth.clamp(0.0, 1.0)
}

/// The weight of the category path's level at `depth` (0 = department) in
/// the category signal: `1 + depth · (1 − breadth)`: with no evidence every
/// level counts alike, with much the leaf counts most.
pub fn level_weight(depth: usize, breadth: f32) -> f32 {
    1.0 + depth as f32 * (1.0 - breadth.clamp(0.0, 1.0))
}
