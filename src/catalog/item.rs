//! Items stored column by column, and a borrowed view of one item.

use super::strings::{StrId, Strings};
use super::{Catalog, CategoryId};

/// A facet the catalog declares (`colour`, `brand`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// Facet name, as used in items' `attributes`.
    pub name: String,
    /// Whether divergence may step along this facet (red → navy).
    pub divergence: bool,
}

/// Index of a distinct `(facet, value)` pair of a catalog.
pub type FacetValueId = u32;

/// The items, struct-of-arrays: one vector per field, indexed by item position.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Columns {
    pub id: Vec<StrId>,
    pub title: Vec<StrId>,
    pub category: Vec<CategoryId>,
    /// Item `i`'s facet values are `attrs[attr_start[i]..attr_start[i + 1]]`.
    pub attr_start: Vec<u32>,
    pub attrs: Vec<FacetValueId>,
    /// `NaN` when the item has no price.
    pub price: Vec<f64>,
    pub currency: Vec<StrId>,
    pub available: Vec<bool>,
    pub popularity: Vec<f32>,
    pub released: Vec<StrId>,
    pub sensitive: Vec<StrId>,
    pub url: Vec<StrId>,
    pub image: Vec<StrId>,
}

/// One item, borrowed from its catalog.
#[derive(Clone, Copy)]
pub struct ItemRef<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) index: usize,
}

impl<'a> ItemRef<'a> {
    fn strings(&self) -> &'a Strings {
        &self.catalog.strings
    }

    fn cols(&self) -> &'a Columns {
        &self.catalog.columns
    }

    /// Position in the catalog: the item's rank in the shop's default order.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The shop's id (SKU).
    pub fn id(&self) -> &'a str {
        self.strings().get(self.cols().id[self.index])
    }

    /// Display title.
    pub fn title(&self) -> &'a str {
        self.strings().get(self.cols().title[self.index])
    }

    /// Leaf of the item's category path.
    pub fn category(&self) -> CategoryId {
        self.cols().category[self.index]
    }

    /// The item's full category path.
    pub fn category_path(&self) -> &'a str {
        self.catalog.taxonomy.path(self.category())
    }

    /// Ids of the item's `(facet, value)` pairs, sorted by facet.
    pub fn facet_value_ids(&self) -> &'a [FacetValueId] {
        let c = self.cols();
        &c.attrs[c.attr_start[self.index] as usize..c.attr_start[self.index + 1] as usize]
    }

    /// The item's `(facet index, value)` pairs, sorted by facet.
    pub fn attributes(&self) -> impl Iterator<Item = (u16, &'a str)> + 'a {
        let catalog = self.catalog;
        self.facet_value_ids().iter().map(move |&v| catalog.facet_value(v))
    }

    /// Price in `currency()`, if the shop gives one.
    pub fn price(&self) -> Option<f64> {
        let p = self.cols().price[self.index];
        (!p.is_nan()).then_some(p)
    }

    /// ISO 4217 currency code.
    pub fn currency(&self) -> Option<&'a str> {
        self.strings().opt(self.cols().currency[self.index])
    }

    /// Whether the item can be bought now.
    pub fn available(&self) -> bool {
        self.cols().available[self.index]
    }

    /// Aggregate, non-personal popularity prior in [0, 1].
    pub fn popularity(&self) -> f32 {
        self.cols().popularity[self.index]
    }

    /// Release date, `YYYY-MM-DD`.
    pub fn released(&self) -> Option<&'a str> {
        self.strings().opt(self.cols().released[self.index])
    }

    /// Sensitive class (`health`, …): learned from only with the shopper's opt-in.
    pub fn sensitive(&self) -> Option<&'a str> {
        self.strings().opt(self.cols().sensitive[self.index])
    }

    /// Product page.
    pub fn url(&self) -> Option<&'a str> {
        self.strings().opt(self.cols().url[self.index])
    }

    /// Image address.
    pub fn image(&self) -> Option<&'a str> {
        self.strings().opt(self.cols().image[self.index])
    }
}

impl std::fmt::Debug for ItemRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Item")
            .field("index", &self.index)
            .field("id", &self.id())
            .field("title", &self.title())
            .finish()
    }
}
