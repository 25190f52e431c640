//! Catalog format JSON v1: the serde shape and its validation.
//!
//! The shape is specified in `docs/FORMATS.md`. Unknown top-level and item
//! fields are ignored (so newer minor additions load); an attribute naming a
//! facet the catalog does not declare is an error.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::{Catalog, Facet, Item, QuantizedVectors, Taxonomy};
use crate::error::{Error, Result};

/// The newest catalog format version this build reads.
pub const SUPPORTED_VERSION: u32 = 1;

/// Largest accepted vector dimension.
const MAX_DIMS: usize = 1024;

/// A JSON v1 catalog as parsed, before validation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CatalogJson {
    /// Format version; must not exceed [`SUPPORTED_VERSION`].
    pub version: u32,
    /// The shop's identifier.
    pub shop: String,
    /// Length of every item vector; 0 when items carry none.
    #[serde(default)]
    pub dims: usize,
    /// Declared facets, by name.
    #[serde(default)]
    pub facets: BTreeMap<String, FacetJson>,
    /// Items in the shop's default order.
    pub items: Vec<ItemJson>,
}

/// A facet declaration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FacetJson {
    /// Whether divergence may step along this facet.
    #[serde(default)]
    pub divergence: bool,
}

/// One item as parsed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemJson {
    /// Unique id (SKU).
    pub id: String,
    /// Display title.
    pub title: String,
    /// Category path, levels separated by `>`.
    pub category: String,
    /// Facet values by facet name.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Price in `currency`.
    #[serde(default)]
    pub price: Option<f64>,
    /// ISO 4217 currency code.
    #[serde(default)]
    pub currency: Option<String>,
    /// Whether the item can be bought now (default true).
    #[serde(default = "default_true")]
    pub available: bool,
    /// Aggregate popularity prior in [0, 1] (default 0).
    #[serde(default)]
    pub popularity: f32,
    /// Release date `YYYY-MM-DD`.
    #[serde(default)]
    pub released: Option<String>,
    /// Sensitive class, if any.
    #[serde(default)]
    pub sensitive: Option<String>,
    /// Content or learned vector of length `dims`.
    #[serde(default)]
    pub vector: Option<Vec<f32>>,
    /// Product page.
    #[serde(default)]
    pub url: Option<String>,
    /// Image address.
    #[serde(default)]
    pub image: Option<String>,
}

fn default_true() -> bool {
    true
}

/// Validates `json` and builds the scoring form.
pub(super) fn build(json: CatalogJson) -> Result<Catalog> {
    if json.version == 0 || json.version > SUPPORTED_VERSION {
        return Err(Error::CatalogVersion { found: json.version, supported: SUPPORTED_VERSION });
    }
    if json.shop.trim().is_empty() {
        return Err(Error::header_field("shop", "must not be empty"));
    }
    if json.dims > MAX_DIMS {
        return Err(Error::header_field("dims", format!("{} exceeds the maximum of {MAX_DIMS}", json.dims)));
    }
    let facets: Vec<Facet> =
        json.facets.iter().map(|(name, f)| Facet { name: name.clone(), divergence: f.divergence }).collect();
    let facet_index: HashMap<&str, u16> =
        facets.iter().enumerate().map(|(i, f)| (f.name.as_str(), i as u16)).collect();
    if facets.len() > u16::MAX as usize {
        return Err(Error::header_field("facets", "too many facets"));
    }

    let mut taxonomy = Taxonomy::default();
    let mut vectors = QuantizedVectors::new(json.dims);
    let mut ids = HashMap::with_capacity(json.items.len());
    let mut items = Vec::with_capacity(json.items.len());
    for (position, raw) in json.items.into_iter().enumerate() {
        if raw.id.is_empty() {
            return Err(Error::CatalogInvalid {
                item: None,
                field: format!("items[{position}].id"),
                reason: "must not be empty".into(),
            });
        }
        let id = raw.id.as_str();
        if ids.insert(raw.id.clone(), position as u32).is_some() {
            return Err(Error::item_field(id, "id", "duplicate id"));
        }
        let category =
            taxonomy.intern(&raw.category).ok_or_else(|| Error::item_field(id, "category", "empty category level"))?;
        if !(0.0..=1.0).contains(&raw.popularity) {
            return Err(Error::item_field(id, "popularity", format!("{} is outside [0, 1]", raw.popularity)));
        }
        if let Some(price) = raw.price {
            if !price.is_finite() || price < 0.0 {
                return Err(Error::item_field(id, "price", format!("{price} is not a price")));
            }
        }
        let mut attributes = Vec::with_capacity(raw.attributes.len());
        for (facet, value) in &raw.attributes {
            let index = *facet_index
                .get(facet.as_str())
                .ok_or_else(|| Error::item_field(id, &format!("attributes.{facet}"), "facet is not declared"))?;
            attributes.push((index, value.clone()));
        }
        attributes.sort_by_key(|(f, _)| *f);
        match (&raw.vector, json.dims) {
            (None, 0) => {}
            (None, dims) => return Err(Error::item_field(id, "vector", format!("missing (dims is {dims})"))),
            (Some(v), dims) if v.len() != dims => {
                return Err(Error::item_field(id, "vector", format!("has {} values, dims is {dims}", v.len())));
            }
            (Some(v), _) => {
                if let Some(bad) = v.iter().position(|x| !x.is_finite()) {
                    return Err(Error::item_field(id, "vector", format!("value {bad} is not a finite number")));
                }
                if json.dims > 0 {
                    vectors.push(v);
                }
            }
        }
        items.push(Item {
            id: raw.id,
            title: raw.title,
            category,
            attributes,
            price: raw.price,
            currency: raw.currency,
            available: raw.available,
            popularity: raw.popularity,
            released: raw.released,
            sensitive: raw.sensitive,
            url: raw.url,
            image: raw.image,
        });
    }
    Ok(Catalog { shop: json.shop, facets, items, ids, taxonomy, vectors })
}
