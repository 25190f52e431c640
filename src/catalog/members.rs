//! The items of each category: a catalog grouped by its taxonomy nodes.

use std::sync::Arc;

use super::CategoryId;

/// A map between item positions and rows: per item its row, or per row its
/// item (empty: the identity). The columns, the category lists and the
/// vectors of a catalog keep one arrangement, so they share its two maps
/// rather than hold a copy each.
pub(crate) type RowMap = Arc<Vec<u32>>;

/// Item positions grouped by the taxonomy node each item is filed under
/// (its own category, not the ancestors), ascending within a node.
/// Four bytes per item and per node.
///
/// ```
/// use flaneur::catalog::Catalog;
/// let c = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
///   {"id":"a","title":"A","category":"Knit"},{"id":"b","title":"B","category":"Shoes"},
///   {"id":"c","title":"C","category":"Knit"}]}"#).unwrap();
/// let knit = c.item(0).category();
/// assert_eq!(c.items_in(knit), [0, 2]);
/// ```
#[derive(Debug, Clone, Default)]
pub(crate) struct Members {
    /// Per node, where its items start in `items`; one more entry than nodes.
    start: Vec<u32>,
    /// Per row, its item: the catalog's row order ([`RowMap`]).
    items: RowMap,
}

impl Members {
    /// The bytes its lists hold.
    pub(crate) fn held_bytes(&self) -> usize {
        4 * (self.start.capacity() + self.items.capacity())
    }

    /// [`Self::order`], shared.
    pub(crate) fn order_map(&self) -> &RowMap {
        &self.items
    }

    /// The list's allocation, when nothing else shares it (else a new one).
    pub(crate) fn into_allocation(self) -> Vec<u32> {
        Arc::try_unwrap(self.items).unwrap_or_default()
    }

    /// Groups the items, given each one's node, over `nodes` taxonomy nodes.
    /// A node id out of range is ignored (a validated catalog has none).
    pub(crate) fn new(categories: &[CategoryId], nodes: usize) -> Self {
        Self::grouping_in(Vec::new(), categories.len(), nodes, |i| categories[i])
    }

    /// [`Self::new`] of `count` items, item `i` filed under `node_of(i)`
    /// (asked twice per item), without a list of their nodes, into `items`'
    /// allocation (a join reuses the held list's rather than leave a hole in
    /// memory that never shrinks).
    pub(crate) fn grouping_in(
        mut items: Vec<u32>,
        count: usize,
        nodes: usize,
        node_of: impl Fn(usize) -> CategoryId,
    ) -> Self {
        let mut start = vec![0u32; nodes + 1];
        for i in 0..count {
            if let Some(n) = start.get_mut(node_of(i) as usize + 1) {
                *n += 1;
            }
        }
        for n in 0..nodes {
            start[n + 1] += start[n];
        }
        let mut next = start.clone();
        items.clear();
        items.resize(start[nodes] as usize, 0);
        for index in 0..count {
            let c = node_of(index);
            if let Some(slot) = next.get_mut(c as usize).filter(|_| (c as usize) < nodes) {
                items[*slot as usize] = index as u32;
                *slot += 1;
            }
        }
        Self { start, items: Arc::new(items) }
    }

    /// Every item grouped by node, node after node: the order of [`Self::of`]'s lists.
    pub(crate) fn order(&self) -> &[u32] {
        &self.items
    }

    /// The positions of the items filed under `node`, ascending.
    /// Where node `node`'s items start in [`Self::order`].
    pub(crate) fn start_of(&self, node: CategoryId) -> Option<usize> {
        self.start.get(node as usize).map(|&start| start as usize)
    }

    #[inline(always)]
    pub(crate) fn of(&self, node: CategoryId) -> &[u32] {
        let n = node as usize;
        match (self.start.get(n), self.start.get(n + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// Whether `order` lists each of the `n` items `0..n` exactly once.
pub(crate) fn is_permutation(order: &[u32], n: usize) -> bool {
    if order.len() != n {
        return false;
    }
    let mut seen = vec![false; n];
    order.iter().all(|&i| match seen.get_mut(i as usize) {
        Some(s) if !*s => {
            *s = true;
            true
        }
        _ => false,
    })
}
