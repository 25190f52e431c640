//! Repurchase priors: how often a category (or an item) is bought again by
//! the same buyer, and after how many days, from the shop's **aggregate**
//! order log (or marked by hand). Resolved once on load, so a lookup is a
//! vector index (a category) or a binary search (an item).

use super::taxonomy::{CategoryId, Taxonomy};

/// Share of buyers who buy again at or above which a category (or item) is replenishable.
pub const REPLENISHABLE_SHARE: f32 = 0.3;

/// The longest accepted typical interval between two purchases, in days (ten years).
pub const MAX_INTERVAL_DAYS: f32 = 3650.0;

/// How a category or item is bought again, from the shop's aggregate order log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Repurchase {
    /// Share of its buyers who bought it again, in [0, 1] (1 when marked by hand).
    pub share: f32,
    /// Typical days between two purchases by the same buyer (median), > 0.
    pub interval_days: f32,
    /// Distinct buyers it was learned from (0 when marked by hand).
    pub buyers: u32,
}

impl Repurchase {
    /// Whether it is bought again often enough to be suggested again:
    /// `share >= REPLENISHABLE_SHARE`.
    ///
    /// ```
    /// use flaneur::catalog::Repurchase;
    /// let milk = Repurchase { share: 0.71, interval_days: 8.5, buyers: 412 };
    /// let sofa = Repurchase { share: 0.02, interval_days: 900.0, buyers: 90 };
    /// assert!(milk.is_replenishable() && !sofa.is_replenishable());
    /// ```
    pub fn is_replenishable(&self) -> bool {
        self.share >= REPLENISHABLE_SHARE
    }

    /// Why this prior cannot be stored: `(field, reason)` for a share outside
    /// [0, 1] or an interval not finite, ≤ 0 or above [`MAX_INTERVAL_DAYS`].
    pub(crate) fn why_not(&self) -> Option<(&'static str, String)> {
        if !(0.0..=1.0).contains(&self.share) {
            return Some(("share", format!("{} is outside [0, 1]", self.share)));
        }
        let days = self.interval_days;
        if !(days.is_finite() && days > 0.0 && days <= MAX_INTERVAL_DAYS) {
            return Some((
                "interval_days",
                format!("{days} is not a number of days above 0 and at most {MAX_INTERVAL_DAYS}"),
            ));
        }
        None
    }
}

/// A catalog's repurchase priors: as given (per node, per item, what is
/// stored) and each node's effective prior (its own or its nearest
/// ancestor's), derived on load.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Priors {
    /// Own priors of taxonomy nodes, strictly ascending by node.
    pub categories: Vec<(CategoryId, Repurchase)>,
    /// Own priors of items, strictly ascending by item position.
    pub items: Vec<(u32, Repurchase)>,
    /// Effective prior of every node; empty when no node has one.
    effective: Vec<Option<Repurchase>>,
}

impl Priors {
    /// Resolves the priors over `taxonomy`; both lists must be strictly
    /// ascending, nodes within the taxonomy and priors valid ([`Repurchase::why_not`]).
    pub(crate) fn new(
        categories: Vec<(CategoryId, Repurchase)>,
        items: Vec<(u32, Repurchase)>,
        taxonomy: &Taxonomy,
    ) -> Self {
        let mut effective = Vec::new();
        if !categories.is_empty() {
            effective = vec![None; taxonomy.len()];
            for &(node, prior) in &categories {
                if let Some(slot) = effective.get_mut(node as usize) {
                    *slot = Some(prior);
                }
            }
            // A parent is interned before its children, so its id is smaller:
            // one pass in id order sees every parent resolved.
            for node in 0..effective.len() {
                if effective[node].is_none() {
                    let parent = taxonomy.parent(node as CategoryId);
                    effective[node] = parent.and_then(|p| effective.get(p as usize).copied()?);
                }
            }
        }
        Self { categories, items, effective }
    }

    /// The prior of taxonomy node `node`: its own or its nearest ancestor's.
    pub(crate) fn of_node(&self, node: CategoryId) -> Option<Repurchase> {
        self.effective.get(node as usize).copied().flatten()
    }

    /// Item `index`'s own prior.
    pub(crate) fn of_item(&self, index: usize) -> Option<Repurchase> {
        let slot = self.items.binary_search_by_key(&index, |&(i, _)| i as usize).ok()?;
        self.items.get(slot).map(|&(_, prior)| prior)
    }

    /// Whether there is no prior at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.items.is_empty()
    }
}

/// Why these priors cannot be stored over `nodes` taxonomy nodes and `n`
/// items: a list not strictly ascending, a node or item out of range, or an
/// invalid prior; `(what, reason)`.
pub(crate) fn why_not(
    categories: &[(CategoryId, Repurchase)],
    items: &[(u32, Repurchase)],
    nodes: usize,
    n: usize,
) -> Option<String> {
    for (what, list, bound) in [("category", categories, nodes), ("item", items, n)] {
        for (k, &(at, prior)) in list.iter().enumerate() {
            if at as usize >= bound {
                return Some(format!("{what} {at} is out of range ({bound})"));
            }
            if k > 0 && list[k - 1].0 >= at {
                return Some(format!("{what} {at} is not after the previous one"));
            }
            if let Some((field, reason)) = prior.why_not() {
                return Some(format!("{what} {at}: {field} {reason}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prior(share: f32, interval_days: f32) -> Repurchase {
        Repurchase { share, interval_days, buyers: 30 }
    }

    fn taxonomy() -> (Taxonomy, CategoryId, CategoryId, CategoryId) {
        let mut t = Taxonomy::default();
        let milk = t.intern("Grocery > Dairy > Milk").unwrap_or_default();
        let tools = t.intern("Home > Tools").unwrap_or_default();
        let grocery = t.find("Grocery").unwrap_or_default();
        (t, grocery, milk, tools)
    }

    #[test]
    fn a_node_falls_back_to_its_nearest_ancestor() {
        let (t, grocery, milk, tools) = taxonomy();
        let dairy = t.parent(milk).unwrap_or_default();
        let p = Priors::new(vec![(grocery, prior(0.5, 7.0))], Vec::new(), &t);
        assert_eq!(p.of_node(milk), Some(prior(0.5, 7.0)));
        assert_eq!(p.of_node(dairy), Some(prior(0.5, 7.0)));
        assert_eq!(p.of_node(tools), None);
        assert_eq!(p.of_node(t.find("Home").unwrap_or_default()), None);
        assert_eq!(p.of_node(999), None);
        // The leaf's own wins over the department's.
        let p =
            Priors::new(vec![(grocery, prior(0.5, 7.0)), (milk, prior(0.8, 4.0))], Vec::new(), &t);
        assert_eq!((p.of_node(milk), p.of_node(dairy)), (Some(prior(0.8, 4.0)), p.of_node(0)));
        assert!(!p.is_empty());
    }

    #[test]
    fn items_are_found_by_position() {
        let (t, ..) = taxonomy();
        let p = Priors::new(Vec::new(), vec![(2, prior(0.6, 9.5)), (7, prior(0.1, 90.0))], &t);
        assert_eq!(p.of_item(2), Some(prior(0.6, 9.5)));
        assert_eq!(p.of_item(7), Some(prior(0.1, 90.0)));
        assert_eq!((p.of_item(0), p.of_item(3), p.of_item(usize::MAX)), (None, None, None));
        assert_eq!(p.of_node(0), None);
        assert!(Priors::default().is_empty());
    }

    #[test]
    fn replenishable_from_the_threshold_on() {
        assert!(prior(REPLENISHABLE_SHARE, 1.0).is_replenishable());
        assert!(!prior(0.29, 1.0).is_replenishable());
    }

    #[test]
    fn bad_priors_and_lists_are_named() {
        assert_eq!(prior(0.0, MAX_INTERVAL_DAYS).why_not(), None);
        assert!(prior(1.01, 3.0).why_not().is_some_and(|(f, _)| f == "share"));
        assert!(prior(f32::NAN, 3.0).why_not().is_some_and(|(f, _)| f == "share"));
        for days in [0.0, -1.0, f32::INFINITY, f32::NAN, 3650.5] {
            assert!(prior(0.5, days).why_not().is_some_and(|(f, _)| f == "interval_days"));
        }
        let ok = [(0, prior(0.5, 3.0)), (2, prior(0.5, 3.0))];
        assert_eq!(why_not(&ok, &ok, 3, 3), None);
        assert!(why_not(&ok, &[], 2, 0).is_some_and(|w| w.contains("out of range")));
        let twice = [(1, prior(0.5, 3.0)), (1, prior(0.5, 3.0))];
        assert!(why_not(&[], &twice, 0, 3).is_some_and(|w| w.contains("not after")));
        let bad = [(1, prior(0.5, 0.0))];
        assert!(why_not(&bad, &[], 3, 0).is_some_and(|w| w.contains("interval_days")));
    }
}
