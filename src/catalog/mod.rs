//! The shop's catalog: what can be recommended, in the shop's default order.
//!
//! A catalog arrives as JSON v1 ([`CatalogJson`], specified in
//! `docs/FORMATS.md`), is validated once, and is then held in a form built for
//! scoring: category paths interned into a [`Taxonomy`], vectors L2-normalised
//! and int8-quantized into [`QuantizedVectors`].
//!
//! ```
//! use flaneur::catalog::Catalog;
//! let catalog = Catalog::from_json_str(r#"{
//!   "version": 1, "shop": "demo", "dims": 0,
//!   "facets": {"colour": {"divergence": true}},
//!   "items": [
//!     {"id": "a", "title": "Red sweater", "category": "Women > Knitwear", "attributes": {"colour": "red"}},
//!     {"id": "b", "title": "Blue jeans", "category": "Women > Denim"}
//!   ]}"#).unwrap();
//! assert_eq!(catalog.len(), 2);
//! assert_eq!(catalog.index_of("b"), Some(1));
//! assert_eq!(catalog.taxonomy().path(catalog.item(0).category), "Women > Knitwear");
//! ```

mod item;
mod json;
pub mod quantize;
mod taxonomy;

pub use item::{Facet, Item};
pub use json::{CatalogJson, FacetJson, ItemJson, SUPPORTED_VERSION};
pub use quantize::QuantizedVectors;
pub use taxonomy::{CategoryId, Taxonomy};

use std::collections::HashMap;

use crate::error::Result;

/// A validated catalog, ready for scoring.
#[derive(Debug, Clone)]
pub struct Catalog {
    shop: String,
    facets: Vec<Facet>,
    items: Vec<Item>,
    ids: HashMap<String, u32>,
    taxonomy: Taxonomy,
    vectors: QuantizedVectors,
}

impl Catalog {
    /// Validates a parsed JSON v1 catalog and builds the scoring form.
    pub fn from_json(json: CatalogJson) -> Result<Self> {
        json::build(json)
    }

    /// Parses and validates a JSON v1 catalog (native builds; in the browser the
    /// page's `JSON.parse` result arrives as a [`CatalogJson`] instead).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json_str(text: &str) -> Result<Self> {
        let json: CatalogJson = serde_json::from_str(text)
            .map_err(|e| crate::Error::header_field("(document)", e.to_string()))?;
        Self::from_json(json)
    }

    /// The shop this catalog belongs to.
    pub fn shop(&self) -> &str {
        &self.shop
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the catalog has no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The item at `index` (its position in the shop's default order).
    ///
    /// Panics if `index >= len()`; indices come from [`Catalog::index_of`] or iteration.
    pub fn item(&self, index: usize) -> &Item {
        &self.items[index]
    }

    /// All items, in the shop's default order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Position of the item with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.get(id).map(|&i| i as usize)
    }

    /// The facets the catalog declares.
    pub fn facets(&self) -> &[Facet] {
        &self.facets
    }

    /// The category tree.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// The items' vectors (empty when the catalog has `dims: 0`).
    pub fn vectors(&self) -> &QuantizedVectors {
        &self.vectors
    }
}
