//! The relevance of every item of a slate, each computed when first needed.

use std::cell::Cell;

use super::filter::Eligibility;
use super::relevance::Scorer;

/// Not looked at yet (a relevance is never negative; NaN marks an item the
/// request does not allow).
const UNSCORED: f32 = -1.0;

/// One slate's relevances: the ranking loop fills those it needs, and
/// divergence asks for others later. Items the request does not allow (hard
/// filters, or outside the buying focus) have no relevance: NaN, which fails
/// every comparison.
pub(crate) struct Relevances<'a> {
    scorer: &'a Scorer<'a>,
    eligible: &'a Eligibility<'a>,
    /// Per taxonomy node, inside the buying focus (empty: no focus).
    in_focus: &'a [bool],
    cells: Vec<Cell<f32>>,
}

impl<'a> Relevances<'a> {
    pub(crate) fn new(
        scorer: &'a Scorer<'a>,
        eligible: &'a Eligibility<'a>,
        in_focus: &'a [bool],
    ) -> Self {
        Self { scorer, eligible, in_focus, cells: vec![Cell::new(UNSCORED); eligible.len()] }
    }

    /// Whether the request allows the item at `index`.
    pub(crate) fn admits(&self, index: usize) -> bool {
        self.eligible.allows(index)
            && (self.in_focus.is_empty() || self.in_focus[self.eligible.category(index) as usize])
    }

    /// Records what the ranking loop found for `index`.
    pub(crate) fn set(&self, index: usize, relevance: f32) {
        if let Some(cell) = self.cells.get(index) {
            cell.set(relevance);
        }
    }

    /// Whether the relevance of the item at `index` is at least `floor`
    /// (false when not allowed), scoring it only when its bounds cannot tell:
    /// relevance grows with the vector signal, which lies between 0 and its bound.
    pub(crate) fn at_least(&self, index: usize, floor: f32) -> bool {
        match self.known(index) {
            Some(known) => known >= floor,
            None if !self.admits(index) => {
                self.set(index, f32::NAN);
                false
            }
            None => {
                let (lower, upper) = self.bounds(index);
                lower >= floor || (upper >= floor && self.get(index) >= floor)
            }
        }
    }

    /// An upper bound of the relevance of the item at `index`: the relevance
    /// itself once known (NaN when not allowed).
    pub(crate) fn upper(&self, index: usize) -> f32 {
        match self.known(index) {
            Some(known) => known,
            None if !self.admits(index) => f32::NAN,
            None => self.bounds(index).1,
        }
    }

    /// The relevance of the item at `index` with a vector signal of 0, and
    /// with its vector signal's bound.
    fn bounds(&self, index: usize) -> (f32, f32) {
        let scorer = self.scorer;
        let partial = scorer.partial(index);
        let node = scorer.node_vector_bound(self.eligible.category(index));
        let vector = scorer.item_vector_bound(index, node);
        let weight = scorer.vector_weight();
        (partial.with_vector(weight, 0.0), partial.with_vector(weight, vector))
    }

    /// The relevance found for `index`, if it was looked at.
    fn known(&self, index: usize) -> Option<f32> {
        let known = self.cells.get(index)?.get();
        (known != UNSCORED).then_some(known)
    }

    /// The relevance of the item at `index`: NaN when not allowed or out of range.
    pub(crate) fn get(&self, index: usize) -> f32 {
        let Some(cell) = self.cells.get(index) else { return f32::NAN };
        let known = cell.get();
        if known != UNSCORED {
            return known;
        }
        let relevance = if self.admits(index) { self.scorer.relevance(index) } else { f32::NAN };
        cell.set(relevance);
        relevance
    }
}
