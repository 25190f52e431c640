//! The relevance of every item of a slate, each computed when first needed.

use std::cell::Cell;

use super::filter::Eligibility;
use super::relevance::Scorer;
use crate::catalog::ItemRef;

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

    /// The item at `index`, if the catalog has one.
    #[inline]
    fn item(&self, index: usize) -> Option<ItemRef<'a>> {
        let catalog = self.scorer.catalog();
        (index < catalog.len()).then(|| catalog.item(index))
    }

    /// Whether the request allows `item`.
    #[inline(always)]
    pub(crate) fn admits_item(&self, item: ItemRef<'_>) -> bool {
        self.eligible.allows_item(item)
            && (self.in_focus.is_empty() || self.in_focus[item.category() as usize])
    }

    /// The positions of taxonomy node `node`'s items that the request may
    /// allow ([`Eligibility::items_in`]).
    #[inline]
    pub(crate) fn items_in(&self, node: u32) -> &'a [u32] {
        self.eligible.items_in(node)
    }

    /// Records what the ranking loop found for `item`. Kept by row: a
    /// category's items are scanned together, and so are their cells.
    #[inline(always)]
    pub(crate) fn set(&self, item: ItemRef<'_>, relevance: f32) {
        if let Some(cell) = self.cells.get(item.row) {
            cell.set(relevance);
        }
    }

    /// Whether the relevance of `item` is at least `floor` (false when not
    /// allowed), scoring it only when its bounds cannot tell: relevance grows
    /// with the vector signal, which lies between 0 and its bound.
    pub(crate) fn item_at_least(&self, item: ItemRef<'_>, floor: f32) -> bool {
        match self.known(item) {
            Some(known) => known >= floor,
            None if !self.admits_item(item) => {
                self.set(item, f32::NAN);
                false
            }
            None => {
                // Its category alone may tell (a category the shopper likes).
                if self.scorer.category_floor(item) >= floor {
                    return true;
                }
                let (lower, upper) = self.bounds(item);
                lower >= floor || (upper >= floor && self.get_item(item) >= floor)
            }
        }
    }

    /// An upper bound of the relevance of the item at `index`: the relevance
    /// itself once known (NaN when not allowed or out of range).
    pub(crate) fn upper(&self, index: usize) -> f32 {
        let Some(item) = self.item(index) else { return f32::NAN };
        match self.known(item) {
            Some(known) => known,
            None if !self.admits_item(item) => f32::NAN,
            None => self.bounds(item).1,
        }
    }

    /// The relevance of `item` with a vector signal of 0, and with its
    /// vector signal's bound.
    fn bounds(&self, item: ItemRef<'_>) -> (f32, f32) {
        let scorer = self.scorer;
        let partial = scorer.partial(item);
        let node = scorer.node_vector_bound(item.category());
        let vector = scorer.item_vector_bound(item.index(), node);
        let weight = scorer.vector_weight();
        (partial.with_vector(weight, 0.0), partial.with_vector(weight, vector))
    }

    /// The relevance found for `item`, if it was looked at.
    fn known(&self, item: ItemRef<'_>) -> Option<f32> {
        let known = self.cells.get(item.row)?.get();
        (known != UNSCORED).then_some(known)
    }

    /// The relevance of the item at `index`: NaN when not allowed or out of range.
    pub(crate) fn get(&self, index: usize) -> f32 {
        self.item(index).map_or(f32::NAN, |item| self.get_item(item))
    }

    /// [`Self::get`] for an item at hand.
    fn get_item(&self, item: ItemRef<'_>) -> f32 {
        let Some(cell) = self.cells.get(item.row) else { return f32::NAN };
        let known = cell.get();
        if known != UNSCORED {
            return known;
        }
        let relevance =
            if self.admits_item(item) { self.scorer.relevance(item.index()) } else { f32::NAN };
        cell.set(relevance);
        relevance
    }
}
