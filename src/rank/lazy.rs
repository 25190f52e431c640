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
