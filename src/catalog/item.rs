//! One catalog item and one facet declaration.

use super::CategoryId;

/// A facet the catalog declares (`colour`, `brand`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// Facet name, as used in items' `attributes`.
    pub name: String,
    /// Whether divergence may step along this facet (red → navy).
    pub divergence: bool,
}

/// A validated item. Its index in [`super::Catalog::items`] is its rank in the
/// shop's default merchandising order.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The shop's id (SKU), unique in the catalog.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Leaf of the item's category path.
    pub category: CategoryId,
    /// `(facet index, value)` pairs, sorted by facet index.
    pub attributes: Vec<(u16, String)>,
    /// Price in `currency`, if the shop gives one.
    pub price: Option<f64>,
    /// ISO 4217 currency code.
    pub currency: Option<String>,
    /// Whether the item can be bought now.
    pub available: bool,
    /// Aggregate, non-personal popularity prior in [0, 1].
    pub popularity: f32,
    /// Release date, `YYYY-MM-DD`.
    pub released: Option<String>,
    /// Sensitive class (`health`, …): learned from only with the shopper's opt-in.
    pub sensitive: Option<String>,
    /// Product page.
    pub url: Option<String>,
    /// Image address.
    pub image: Option<String>,
}
