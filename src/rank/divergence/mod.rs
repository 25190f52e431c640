//! Reasoned divergence: a measured share of well-chosen items one step
//! outside the shopper's bubble, labelled, and learned from.
//!
//! 1. [`Bubble`]: the categories (anchors) and facet values the profile is sure of.
//! 2. [`candidates`]: items that keep an anchor and change exactly one
//!    divergence facet to a value outside the bubble (red → navy sweaters), or
//!    move to a sibling category; two steps only after a divergence was accepted.
//! 3. Each direction (anchor, axis, value) has a Beta [`Posterior`] of this
//!    shopper's acceptance, with a prior from the crowd's take-up of the
//!    direction's axis when the catalog carries one (issue #24), else from
//!    the catalog's aggregate popularity; [`choose`] draws from each
//!    (Thompson sampling, seeded RNG) and weighs the draw by the plausibility
//!    of the direction's best item.
//! 4. [`divergent_slots`] and [`positions`]: the budget (the `surprise` share
//!    of the slate, never the first slot, spread out, fewer when buying, a
//!    per-session cap), of which this shopper's divergence earns a share
//!    ([`budget_share`]): it shrinks towards [`BUDGET_FLOOR`] while divergent
//!    items are ignored and grows back when they are taken up. Directions the
//!    slate's personal items already cover are not divergent ([`covered`]).
//! 5. [`DivergenceState`] (kept with the profile) learns: click, cart or purchase accepts, an
//!    impression left alone rejects, a dismissal rejects strongly and blocks
//!    the direction for good.

mod bubble;
mod budget;
mod candidates;
mod posterior;

pub use bubble::{ANCHOR_EVIDENCE, Bubble, INSIDE_EVIDENCE, MAX_ANCHORS, TOP_EVIDENCE};
pub use budget::{
    BUDGET_FLOOR, IGNORED_SHARE, PAYING_SHARE, SESSION_CAP, UPTAKE_HALF_LIFE_DAYS, budget_share,
    divergent_slots, positions, round_slots,
};
pub use candidates::{Candidate, Way, candidates, covered, ways};
pub use posterior::Posterior;

use rand::Rng;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::profile::divergence::{Direction, DivergenceState};

/// Why an item is divergent, for the page to phrase ("You like red sweaters — navy?").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DivergentReason {
    /// The liked category kept ("Women > Knitwear > Sweaters").
    pub anchor: String,
    /// The facet changed ("colour"), or `"category"` for a sibling category.
    pub axis: String,
    /// The shopper's value ("red"), or the anchor's path for a category step.
    pub from: String,
    /// The value stepped to ("navy"), or the sibling category's path.
    pub to: String,
    /// 1 for one step outside the bubble, 2 for two.
    pub steps: u8,
}

/// A divergent item chosen for a slate.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    /// The item's position in the catalog.
    pub index: usize,
    /// Its direction, for learning from the reaction.
    pub direction: Direction,
    /// Its label.
    pub reason: DivergentReason,
}

/// The relevance of items, and a bound of it that costs less: [`choose`]
/// scores an item only when its bound could beat its direction's best so far.
#[derive(Clone, Copy)]
pub struct Relevance<'a> {
    /// An item's relevance.
    pub exact: &'a dyn Fn(usize) -> f32,
    /// A value never below it.
    pub upper: &'a dyn Fn(usize) -> f32,
}

impl Relevance<'_> {
    /// The most relevant of `items`, in any order (ties: the first by
    /// position), with its steps; `None` when empty.
    #[inline]
    fn best(&self, items: &[(usize, u8)]) -> Option<(f32, usize, u8)> {
        let mut best: Option<(f32, usize, u8)> = None;
        for &(index, steps) in items {
            if let Some((top, at, _)) = best {
                // Its bound tells when an item cannot beat the best: below
                // it, or level with it and later by position.
                let upper = (self.upper)(index);
                if upper < top || (upper == top && index > at) {
                    continue;
                }
            }
            let relevance = (self.exact)(index);
            let wins = best
                .is_none_or(|(top, at, _)| relevance.total_cmp(&top).then(at.cmp(&index)).is_gt());
            if wins {
                best = Some((relevance, index, steps));
            }
        }
        best
    }
}

/// Chooses up to `count` divergent items, one per direction: each direction
/// not blocked draws from its posterior (in a fixed order, so a seeded `rng`
/// gives the same choice), times the `relevance` of its most plausible item
/// (halved for two steps); the best draws win, each with that item.
pub fn choose<R: Rng + ?Sized>(
    catalog: &Catalog,
    relevance: Relevance<'_>,
    state: &DivergenceState,
    ways: Vec<Way>,
    count: usize,
    rng: &mut R,
) -> Vec<Pick> {
    if count == 0 {
        return Vec::new();
    }
    let mut drawn: Vec<(f32, usize, u8, Way)> = ways
        .into_iter()
        .filter(|w| !w.items.is_empty() && !state.is_blocked(&w.direction))
        .filter_map(|way| {
            let outcome = state.outcome(&way.direction);
            let posterior = match catalog
                .divergence_prior_for(&way.direction.axis, &way.direction.anchor)
            {
                Some(crowd) => Posterior::from_prior(crowd, &outcome),
                None => {
                    let popularity =
                        way.items.iter().map(|&(i, _)| catalog.item(i).popularity()).sum::<f32>()
                            / way.items.len() as f32;
                    Posterior::new(popularity, &outcome)
                }
            };
            let draw = posterior.sample(rng);
            let (plausibility, index, steps) = relevance.best(&way.items)?;
            let distance = if steps > 1 { 0.5 } else { 1.0 };
            Some((draw * plausibility * distance, index, steps, way))
        })
        .collect();
    crate::util::sort::sort_by(&mut drawn, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    drawn
        .into_iter()
        .take(count)
        .map(|(_, index, steps, way)| Pick {
            index,
            reason: DivergentReason {
                anchor: way.direction.anchor.clone(),
                axis: way.direction.axis.clone(),
                from: way.from,
                to: way.direction.to.clone(),
                steps,
            },
            direction: way.direction,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Relevance;
    use crate::testkit::Rng;
    use std::cell::Cell;

    /// With any bounds at or above the relevances, the best item is the
    /// plain argmax (ties: the earliest), and loose bounds only cost more scoring.
    #[test]
    fn the_best_item_found_with_bounds_is_the_argmax() {
        let mut rng = Rng::new(3);
        let mut scored_with_tight_bounds = 0;
        for round in 0..300 {
            let n = 1 + rng.below(40);
            // Few distinct values, so ties are common.
            let exact: Vec<f32> = (0..n).map(|_| rng.below(6) as f32 / 5.0).collect();
            let slack = if round % 2 == 0 { 0.0 } else { 0.5 };
            let upper: Vec<f32> = exact.iter().map(|r| r + slack * rng.unit()).collect();
            // In any order: a way lists its items category after category.
            let mut items: Vec<(usize, u8)> = (0..n).map(|i| (i, 1 + (i % 2) as u8)).collect();
            for i in (1..n).rev() {
                items.swap(i, rng.below(i + 1));
            }
            let calls = Cell::new(0);
            let exact_of = |i: usize| {
                calls.set(calls.get() + 1);
                exact[i]
            };
            let relevance = Relevance { exact: &exact_of, upper: &|i| upper[i] };
            let best = relevance.best(&items);
            let top = exact.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let first = exact.iter().position(|&r| r == top).unwrap();
            assert_eq!(best, Some((top, first, 1 + (first % 2) as u8)), "round {round}");
            if slack == 0.0 {
                scored_with_tight_bounds += calls.get();
            }
        }
        // 150 rounds of about 20 items: exact bounds spare most of the scoring.
        assert!(scored_with_tight_bounds < 150 * 8, "{scored_with_tight_bounds} scored");
        let none = Relevance { exact: &|_| 0.0, upper: &|_| 0.0 };
        assert_eq!(none.best(&[]), None);
    }
}
