//! Items stored column by column, and a borrowed view of one item.

use super::facet_ids::FacetIds;
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

/// The items, struct-of-arrays: one vector per field. Most are indexed by
/// item position; the fields a slate reads for every item it scores are
/// kept by *row* instead, grouped by category as the vectors are (a slate
/// reads a category's items together), and reached through `row`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Columns {
    pub id: Vec<StrId>,
    pub title: Vec<StrId>,
    /// By row.
    pub category: Vec<CategoryId>,
    /// Row `r`'s facet values are `attrs[attr_start[r]..attr_start[r + 1]]`.
    pub attr_start: Vec<u32>,
    pub attrs: super::facet_ids::FacetIdColumn,
    /// Per item, its row (empty: item `i` is row `i`). A loaded catalog
    /// keeps its rows in the order of [`Catalog::items_in`], node after node,
    /// and shares this map with its vectors ([`super::members::RowMap`]).
    pub row: super::members::RowMap,
    /// Each item's price.
    pub price: super::prices::Prices,
    /// Empty when every item has the same currency, [`Self::currency_all`].
    pub currency: Vec<StrId>,
    /// Every item's currency when `currency` is empty (`None`: no item has one).
    pub currency_all: Option<StrId>,
    /// By row.
    pub available: Vec<bool>,
    /// By row; empty when every item's is 0 (a feed without one).
    pub popularity: Vec<f32>,
    pub released: Vec<StrId>,
    /// By row; empty when no item has a sensitive class.
    pub sensitive: Vec<StrId>,
    pub url: Vec<StrId>,
    pub image: Vec<StrId>,
}

/// Item `i`'s string in an optional column, which is empty when no item has one.
#[inline]
fn optional(column: &[StrId], i: usize) -> StrId {
    column.get(i).copied().unwrap_or(super::strings::NO_STR)
}

impl Columns {
    /// The row of item `i`.
    #[inline(always)]
    pub(crate) fn row(&self, i: usize) -> usize {
        if self.row.is_empty() { i } else { self.row[i] as usize }
    }

    /// Ids of row `r`'s `(facet, value)` pairs, sorted by facet.
    #[inline(always)]
    pub(crate) fn facet_values_at(&self, r: usize) -> FacetIds<'_> {
        self.attrs.slice(self.attr_start[r] as usize, self.attr_start[r + 1] as usize)
    }

    /// Empties the optional columns no item has a value in (currency,
    /// release date, links, sensitive class, popularity), and the currency column when
    /// every item has the same one (a shop's usual case): a catalog without
    /// links, as a page holding them outside WebAssembly memory joins, then
    /// spends nothing on them.
    pub(crate) fn drop_absent(&mut self) {
        let absent = |column: &[StrId]| column.iter().all(|&s| s == super::strings::NO_STR);
        for column in [&mut self.released, &mut self.url, &mut self.image, &mut self.sensitive] {
            if absent(column) {
                *column = Vec::new();
            }
        }
        if self.popularity.iter().all(|&p| p == 0.0) {
            self.popularity = Vec::new();
        }
        if let Some(&first) = self.currency.first()
            && self.currency.iter().all(|&s| s == first)
        {
            self.currency_all = (first != super::strings::NO_STR).then_some(first);
            self.currency = Vec::new();
        }
    }

    /// Item `i`'s currency, [`super::strings::NO_STR`] for none.
    #[inline]
    pub(crate) fn currency_of(&self, i: usize) -> StrId {
        match self.currency.get(i) {
            Some(&id) => id,
            None => self.currency_all.unwrap_or(super::strings::NO_STR),
        }
    }

    /// The currency column item after item, as a file stores it.
    pub(crate) fn currency_by_item(&self) -> std::borrow::Cow<'_, [StrId]> {
        if self.currency.is_empty() {
            vec![self.currency_of(0); self.id.len()].into()
        } else {
            self.currency.as_slice().into()
        }
    }

    /// Row `r`'s sensitive class, [`super::strings::NO_STR`] for none.
    #[inline(always)]
    pub(crate) fn sensitive_at(&self, r: usize) -> StrId {
        self.sensitive.get(r).copied().unwrap_or(super::strings::NO_STR)
    }

    /// An optional column item after item, as a file stores it: its values,
    /// or none for every item when it is empty.
    pub(crate) fn optional_by_item<'c>(
        &self,
        column: &'c [StrId],
    ) -> std::borrow::Cow<'c, [StrId]> {
        if column.is_empty() {
            vec![super::strings::NO_STR; self.id.len()].into()
        } else {
            column.into()
        }
    }

    /// A by-row column item after item (as a file stores it); `absent` for
    /// every item when the column is empty.
    pub(crate) fn by_item<T: Copy>(&self, column: &[T], absent: T) -> Vec<T> {
        (0..self.id.len()).map(|i| column.get(self.row(i)).copied().unwrap_or(absent)).collect()
    }

    /// `attr_start` and `attrs` item after item, whatever order the rows are
    /// kept in (as a file stores them).
    pub(crate) fn attrs_by_item(&self) -> (Vec<u32>, Vec<FacetValueId>) {
        let mut start = Vec::with_capacity(self.id.len() + 1);
        let mut attrs = Vec::with_capacity(self.attrs.len());
        start.push(0);
        for i in 0..self.id.len() {
            attrs.extend(self.facet_values_at(self.row(i)).iter());
            start.push(attrs.len() as u32);
        }
        (start, attrs)
    }

    /// Puts the rows in `order` (row `r` becomes item `order[r]`'s), from
    /// rows item after item; anything but a permutation of the items, or
    /// rows already arranged, leaves them (and returns false).
    pub(crate) fn arrange_rows(&mut self, order: &[u32]) -> bool {
        if !self.row.is_empty() || !super::members::is_permutation(order, self.id.len()) {
            return false;
        }
        let (start, attrs) = self.attrs.arranged(&self.attr_start, order);
        let mut rows = vec![0u32; order.len()];
        for (row, &item) in order.iter().enumerate() {
            rows[item as usize] = row as u32;
        }
        let pick = |column: &[u32]| {
            if column.is_empty() {
                return Vec::new(); // an optional column no item has a value in
            }
            order.iter().map(|&i| column[i as usize]).collect()
        };
        self.category = pick(&self.category);
        self.sensitive = pick(&self.sensitive);
        self.available = order.iter().map(|&i| self.available[i as usize]).collect();
        if !self.popularity.is_empty() {
            self.popularity = order.iter().map(|&i| self.popularity[i as usize]).collect();
        }
        (self.attr_start, self.attrs, self.row) = (start, attrs, std::sync::Arc::new(rows));
        true
    }
}

/// One item, borrowed from its catalog.
#[derive(Clone, Copy)]
pub struct ItemRef<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) index: usize,
    /// Its row, for the columns kept by row.
    pub(crate) row: usize,
}

impl<'a> ItemRef<'a> {
    fn strings(&self) -> &'a Strings {
        &self.catalog.strings
    }

    fn cols(&self) -> &'a Columns {
        &self.catalog.columns
    }

    /// Position in the catalog: the item's rank in the shop's default order.
    #[inline(always)]
    pub fn index(&self) -> usize {
        self.index
    }

    /// The shop's id (SKU).
    pub fn id(&self) -> &'a str {
        self.strings().get(self.cols().id[self.index])
    }

    /// Display title.
    pub fn title(&self) -> &'a str {
        // `""` when the catalog's shelf text was taken out (`Catalog::take_shelf_text`).
        self.strings().get(optional(&self.cols().title, self.index))
    }

    /// Leaf of the item's category path.
    #[inline(always)]
    pub fn category(&self) -> CategoryId {
        self.cols().category[self.row]
    }

    /// The item's full category path.
    pub fn category_path(&self) -> &'a str {
        self.catalog.taxonomy.path(self.category())
    }

    /// Ids of the item's `(facet, value)` pairs, sorted by facet.
    #[inline(always)]
    pub fn facet_value_ids(&self) -> FacetIds<'a> {
        self.cols().facet_values_at(self.row)
    }

    /// The item's `(facet index, value)` pairs, sorted by facet.
    pub fn attributes(&self) -> impl Iterator<Item = (u16, &'a str)> + 'a {
        let catalog = self.catalog;
        self.facet_value_ids().iter().map(move |v| catalog.facet_value(v))
    }

    /// Price in `currency()`, if the shop gives one.
    pub fn price(&self) -> Option<f64> {
        self.cols().price.get(self.index)
    }

    /// ISO 4217 currency code.
    pub fn currency(&self) -> Option<&'a str> {
        self.strings().opt(self.cols().currency_of(self.index))
    }

    /// Whether the item can be bought now.
    #[inline(always)]
    pub fn available(&self) -> bool {
        self.cols().available[self.row]
    }

    /// Aggregate, non-personal popularity prior in [0, 1].
    #[inline(always)]
    pub fn popularity(&self) -> f32 {
        self.cols().popularity.get(self.row).copied().unwrap_or(0.0)
    }

    /// Release date, `YYYY-MM-DD`.
    pub fn released(&self) -> Option<&'a str> {
        self.strings().opt(optional(&self.cols().released, self.index))
    }

    /// Release day (days since 1970-01-01), if it has one.
    pub fn released_day(&self) -> Option<i32> {
        let day = self.catalog.released_days.get(self.row).copied();
        day.filter(|&d| d != super::NO_DAY)
    }

    /// Whether it has a sensitive class ([`Self::sensitive`]), without reading it.
    #[inline(always)]
    pub fn is_sensitive(&self) -> bool {
        self.cols().sensitive_at(self.row) != super::strings::NO_STR
    }

    /// Sensitive class (`health`, …): learned from only with the shopper's opt-in.
    pub fn sensitive(&self) -> Option<&'a str> {
        self.strings().opt(self.cols().sensitive_at(self.row))
    }

    /// Product page.
    pub fn url(&self) -> Option<&'a str> {
        self.strings().opt(optional(&self.cols().url, self.index))
    }

    /// Image address.
    pub fn image(&self) -> Option<&'a str> {
        self.strings().opt(optional(&self.cols().image, self.index))
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
