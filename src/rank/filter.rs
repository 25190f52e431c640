//! Which items a request may return at all.

use crate::catalog::{Catalog, CategoryId, ItemRef};
use crate::error::{Error, Result};
use crate::preferences::Preferences;

use super::request::Request;
use super::seen::Hidden;

/// The hard filters of a request, resolved once to positions and taxonomy
/// nodes so that checking an item costs a few array reads.
pub(crate) struct Eligibility<'a> {
    catalog: &'a Catalog,
    prefs: &'a Preferences,
    /// One bit per item: excluded by the request, its context item, or hidden.
    excluded: Vec<u64>,
    /// Leaves hidden whole but for the items listed (ascending), by leaf.
    narrowed: Vec<(CategoryId, Vec<u32>)>,
    /// Per taxonomy node, whether it lies under the context's category; empty for no context
    /// category.
    in_context: Vec<bool>,
}

impl<'a> Eligibility<'a> {
    /// Resolves `request`'s filters, leaving out what is `hidden` too; an
    /// unknown context category is a `BAD_ARGUMENT`.
    pub(crate) fn new(
        catalog: &'a Catalog,
        prefs: &'a Preferences,
        request: &Request,
        hidden: Hidden,
    ) -> Result<Self> {
        let taxonomy = catalog.taxonomy();
        let in_context = match &request.context.category {
            None => Vec::new(),
            Some(path) => {
                let root = taxonomy.find(path).ok_or_else(|| {
                    Error::BadArgument(format!("context.category \"{path}\" is not in the catalog"))
                })?;
                (0..taxonomy.len() as u32)
                    .map(|node| taxonomy.lineage(node).any(|n| n == root))
                    .collect()
            }
        };
        let mut excluded = vec![0u64; catalog.len().div_ceil(64)];
        let ids =
            request.exclude.iter().map(String::as_str).chain(request.context.item_id.as_deref());
        let Hidden { items, leaves } = hidden;
        let mut set = |index: usize, on: bool| {
            if let Some(word) = excluded.get_mut(index / 64) {
                let bit = 1 << (index % 64);
                *word = if on { *word | bit } else { *word & !bit };
            }
        };
        // A leaf hidden whole: every item, then its few kept ones back.
        for (leaf, kept) in &leaves {
            catalog.items_in(*leaf).iter().for_each(|&i| set(i as usize, true));
            kept.iter().for_each(|&i| set(i as usize, false));
        }
        // Then what is hidden or excluded one by one, which no leaf gives back.
        for index in ids.filter_map(|id| catalog.index_of(id)).chain(items) {
            set(index, true);
        }
        let mut narrowed = leaves;
        crate::util::sort::sort_by(&mut narrowed, |a, b| a.0.cmp(&b.0));
        Ok(Self { catalog, prefs, excluded, narrowed, in_context })
    }

    /// The positions filed under taxonomy node `node` that may be allowed,
    /// ascending: [`Catalog::items_in`], or only the kept items of a leaf
    /// hidden whole. Every item of `node` that [`Self::allows`] is among them.
    #[inline]
    pub(crate) fn items_in(&self, node: CategoryId) -> &[u32] {
        match self.narrowed.binary_search_by_key(&node, |(leaf, _)| *leaf) {
            Ok(at) => &self.narrowed[at].1,
            Err(_) => self.catalog.items_in(node),
        }
    }

    /// Number of items of the catalog.
    pub(crate) fn len(&self) -> usize {
        self.catalog.len()
    }

    /// Whether the item at `index` may be returned: available, not excluded,
    /// inside the context's category, and not of a sensitive class the shopper
    /// has not opted into.
    #[inline]
    pub(crate) fn allows(&self, index: usize) -> bool {
        self.allows_item(self.catalog.item(index))
    }

    /// [`Self::allows`] for an item at hand.
    #[inline(always)]
    pub(crate) fn allows_item(&self, item: ItemRef<'_>) -> bool {
        // The bit first: it is in cache, and rules out many items (what was seen).
        let index = item.index();
        self.excluded[index / 64] & (1 << (index % 64)) == 0
            && item.available()
            && (self.in_context.is_empty() || self.in_context[item.category() as usize])
            && (!item.is_sensitive()
                || item.sensitive().is_none_or(|class| self.prefs.allows_sensitive(class)))
    }
}
