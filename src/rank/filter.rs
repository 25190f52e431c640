//! Which items a request may return at all.

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::preferences::Preferences;

use super::request::Request;

/// The hard filters of a request, resolved once to positions and taxonomy
/// nodes so that checking an item costs a few array reads.
pub(crate) struct Eligibility<'a> {
    catalog: &'a Catalog,
    prefs: &'a Preferences,
    /// One bit per item: excluded by the request or its context item.
    excluded: Vec<u64>,
    /// Per taxonomy node, whether it lies under the context's category; empty for no context
    /// category.
    in_context: Vec<bool>,
}

impl<'a> Eligibility<'a> {
    /// Resolves `request`'s filters, leaving out the positions in `hidden`
    /// too; an unknown context category is a `BAD_ARGUMENT`.
    pub(crate) fn new(
        catalog: &'a Catalog,
        prefs: &'a Preferences,
        request: &Request,
        hidden: &[usize],
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
        for index in ids.filter_map(|id| catalog.index_of(id)).chain(hidden.iter().copied()) {
            if let Some(word) = excluded.get_mut(index / 64) {
                *word |= 1 << (index % 64);
            }
        }
        Ok(Self { catalog, prefs, excluded, in_context })
    }

    /// Number of items of the catalog.
    pub(crate) fn len(&self) -> usize {
        self.catalog.len()
    }

    /// The taxonomy node of the item at `index`.
    pub(crate) fn category(&self, index: usize) -> u32 {
        self.catalog.item(index).category()
    }

    /// Whether the item at `index` may be returned: available, not excluded,
    /// inside the context's category, and not of a sensitive class the shopper
    /// has not opted into.
    pub(crate) fn allows(&self, index: usize) -> bool {
        // The bit first: it is in cache, and rules out many items (what was seen).
        let item = self.catalog.item(index);
        self.excluded[index / 64] & (1 << (index % 64)) == 0
            && item.available()
            && (self.in_context.is_empty() || self.in_context[item.category() as usize])
            && item.sensitive().is_none_or(|class| self.prefs.allows_sensitive(class))
    }
}
