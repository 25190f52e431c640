//! Catalog format JSON v1: the serde shape and its validation.
//!
//! The shape is specified in `docs/FORMATS.md`. Unknown top-level and item
//! fields are ignored (so newer minor additions load); an attribute naming a
//! facet the catalog does not declare is an error. An item's `bought_with`
//! ids are resolved once every item is read, so they may name later items;
//! so are the optional `repurchase` priors ([`RepurchaseJson`]), which name
//! category paths and item ids.

use std::collections::HashMap;

use crate::util::sorted_map::SortedMap;

use serde::{Deserialize, Serialize};

use super::bought_with::{BoughtWith, MAX_BOUGHT_WITH, why_not};
use super::divergence_priors::{DivergencePriors, why_not_divergence_priors};
use super::item::Columns;
use super::link::is_safe_link;
use super::report_departments::why_not_report_departments;
use super::repurchase::Priors;
use super::repurchase_json::{RepurchaseJson, resolve};
use super::strings::{StrId, Strings, StringsBuilder};
use super::{Catalog, Facet, QuantizedVectors, Taxonomy};
use crate::error::{Error, Result};
use crate::util::text::prefix;

/// The newest catalog format version this build reads.
pub const SUPPORTED_VERSION: u32 = 1;

/// The most items [`CatalogBuilder::reserve`] makes room for at once.
pub const MAX_RESERVED_ITEMS: usize = 1 << 20;

/// Largest accepted vector dimension.
pub(super) const MAX_DIMS: usize = 1024;
/// Longest text of a catalog field, in bytes of UTF-8: an id, a title, a
/// category path, a facet name or value, a currency, a date, a sensitive
/// class, a url, an image address, the shop's name. Real ones are far
/// shorter (Merchant Center allows 150 characters of title); a longer one is
/// a broken or hostile feed, refused before it costs memory.
pub const MAX_FIELD_BYTES: usize = 4096;

/// `Err` naming `field` if `text` is longer than [`MAX_FIELD_BYTES`].
pub(super) fn check_field_len(
    text: &str,
    field: &str,
    error: impl FnOnce(&str, String) -> Error,
) -> Result<()> {
    if text.len() > MAX_FIELD_BYTES {
        return Err(error(
            field,
            format!("is {} bytes long, at most {MAX_FIELD_BYTES}", text.len()),
        ));
    }
    Ok(())
}

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
    /// What the vectors are: content embeddings (default) or learned item factors.
    #[serde(default)]
    pub vector_kind: VectorKind,
    /// Declared facets, by name.
    #[serde(default)]
    pub facets: SortedMap<String, FacetJson>,
    /// Items in the shop's default order.
    pub items: Vec<ItemJson>,
}

/// What a catalog's item vectors are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VectorKind {
    /// Content embeddings (text, attributes, images): similar items have similar vectors.
    #[default]
    Content,
    /// Item factors learned by the shop from aggregate interaction data (e.g. implicit ALS):
    /// the shopper's own factor is solved on the device from the local history.
    Factors,
    /// The item embeddings of the sequence model the catalog carries
    /// ([`Catalog::sequence_model`]), magnitude kept: only a binary catalog
    /// can carry a model, so a JSON catalog of this kind is refused.
    Sequence,
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
    pub attributes: SortedMap<String, String>,
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
    /// Ids of the items often bought with this one, strongest first: at most
    /// [`MAX_BOUGHT_WITH`], none twice, never the item's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bought_with: Vec<String>,
}

fn default_true() -> bool {
    true
}

/// The top-level fields of a JSON v1 catalog that [`CatalogJson`] does not hold.
#[derive(Debug, Default)]
pub(super) struct Extras {
    /// `repurchase`.
    pub repurchase: Option<RepurchaseJson>,
    /// `divergence_priors`.
    pub priors: Option<DivergencePriors>,
    /// `report_departments`.
    pub departments: Option<Vec<String>>,
}

/// Validates `json` (and its `extras`, when given) and builds the scoring form.
pub(super) fn build(json: CatalogJson, extras: Extras) -> Result<Catalog> {
    let Extras { repurchase, priors: divergence_priors, departments } = extras;
    let mut builder =
        CatalogBuilder::new(json.version, json.shop, json.dims, json.vector_kind, &json.facets)?;
    builder.reserve(json.items.len());
    for (position, raw) in json.items.iter().enumerate() {
        builder.push_at(position, raw)?;
    }
    if let Some(priors) = divergence_priors {
        builder.set_divergence_priors(priors);
    }
    if let Some(departments) = departments {
        builder.set_report_departments(departments);
    }
    if let Some(repurchase) = repurchase {
        builder.set_repurchase(repurchase);
    }
    builder.finish()
}

/// Builds a [`Catalog`] item by item, with the validation of
/// [`Catalog::from_json`] but without holding the items' JSON form: each item
/// is interned into the columns and its vector quantized as it is pushed, so a
/// catalog compiler can stream a large feed in bounded memory.
///
/// ```
/// use flaneur::catalog::{CatalogBuilder, FacetJson, ItemJson, VectorKind};
/// use flaneur::util::sorted_map::SortedMap;
/// let facets = SortedMap::from([("colour".to_string(), FacetJson { divergence: true })]);
/// let mut b = CatalogBuilder::new(1, "demo".into(), 0, VectorKind::Content, &facets).unwrap();
/// let json = r#"{"id":"a","title":"Red","category":"Knitwear"}"#;
/// let item: ItemJson = serde_json::from_str(json).unwrap();
/// b.push(&item).unwrap();
/// assert_eq!(b.finish().unwrap().len(), 1);
/// ```
#[derive(Debug)]
pub struct CatalogBuilder {
    shop: String,
    dims: usize,
    vector_kind: VectorKind,
    facets: Vec<Facet>,
    facet_index: HashMap<String, u16>,
    strings: StringsBuilder,
    taxonomy: Taxonomy,
    vectors: QuantizedVectors,
    cols: Columns,
    pairs: Vec<(u16, StrId)>,
    pair_ids: HashMap<(u16, StrId), u32, crate::util::hash::FastHash>,
    /// Neighbour lists by item position, resolved in [`CatalogBuilder::finish`].
    neighbours: SortedMap<u32, Neighbours>,
    /// Repurchase priors by path and id, resolved in [`CatalogBuilder::finish`].
    repurchase: RepurchaseJson,
    /// The crowd's divergence priors, checked in [`CatalogBuilder::finish`].
    divergence_priors: DivergencePriors,
    /// The departments the reports ask about apart, checked in [`CatalogBuilder::finish`].
    report_departments: Vec<String>,
}

/// One item's "bought with" list as given.
#[derive(Debug)]
enum Neighbours {
    /// Item ids, from JSON (they may name items not pushed yet).
    Ids(Vec<String>),
    /// Item positions, from [`CatalogBuilder::set_bought_with`].
    Positions(Vec<u32>),
}

impl CatalogBuilder {
    /// Starts a catalog: checks the header fields as [`Catalog::from_json`] does.
    pub fn new(
        version: u32,
        shop: String,
        dims: usize,
        vector_kind: VectorKind,
        facets: &SortedMap<String, FacetJson>,
    ) -> Result<Self> {
        if version == 0 || version > SUPPORTED_VERSION {
            return Err(Error::CatalogVersion { found: version, supported: SUPPORTED_VERSION });
        }
        check_field_len(&shop, "shop", Error::header_field)?;
        for name in facets.keys() {
            check_field_len(name, "facets", Error::header_field)?;
        }
        if shop.trim().is_empty() {
            return Err(Error::header_field("shop", "must not be empty"));
        }
        if dims > MAX_DIMS {
            return Err(Error::header_field(
                "dims",
                format!("{dims} exceeds the maximum of {MAX_DIMS}"),
            ));
        }
        if facets.len() > u16::MAX as usize {
            return Err(Error::header_field("facets", "too many facets"));
        }
        let facets: Vec<Facet> = facets
            .iter()
            .map(|(name, f)| Facet { name: name.clone(), divergence: f.divergence })
            .collect();
        let facet_index =
            facets.iter().enumerate().map(|(i, f)| (f.name.clone(), i as u16)).collect();
        Ok(Self {
            shop,
            dims,
            vector_kind,
            facets,
            facet_index,
            strings: StringsBuilder::default(),
            taxonomy: Taxonomy::default(),
            vectors: QuantizedVectors::new(dims),
            cols: Columns { attr_start: vec![0], ..Columns::default() },
            pairs: Vec::new(),
            pair_ids: HashMap::default(),
            neighbours: SortedMap::new(),
            repurchase: RepurchaseJson::default(),
            divergence_priors: DivergencePriors::new(),
            report_departments: Vec::new(),
        })
    }

    /// Room for `items` more items, so that the columns grow once instead of
    /// doubling (in WebAssembly memory, which never shrinks, the slack of
    /// doubling would stay for good). Item ids and titles are reckoned at 16
    /// bytes each. Only a hint: at most [`MAX_RESERVED_ITEMS`] are reserved (a
    /// sparse array's `length` must not grow the memory for good), and what
    /// cannot be had is simply not reserved.
    pub fn reserve(&mut self, items: usize) {
        let items = items.min(MAX_RESERVED_ITEMS);
        let c = &mut self.cols;
        for column in [
            &mut c.id,
            &mut c.title,
            &mut c.currency,
            &mut c.released,
            &mut c.sensitive,
            &mut c.url,
            &mut c.image,
        ] {
            let _ = column.try_reserve(items);
        }
        let _ = c.category.try_reserve(items);
        let _ = c.attr_start.try_reserve(items);
        c.attrs.reserve(items.saturating_mul(self.facets.len().min(16)));
        c.price.reserve(items);
        let _ = c.available.try_reserve(items);
        let _ = c.popularity.try_reserve(items);
        self.vectors.reserve(items);
        self.strings.reserve(items.saturating_mul(2), items.saturating_mul(32));
    }

    /// Stores vectors as `like` stores them (int8, or codes of its codebook):
    /// before any item is pushed, to assemble parts of a catalog.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn store_vectors_like(&mut self, like: &QuantizedVectors) {
        if self.vectors.is_empty() && like.dims() == self.dims {
            self.vectors = like.empty_like();
        }
    }

    /// Room for `count` more strings of `bytes` bytes in all, if it can be
    /// had (a hint, never an error): joining parts knows what they hold, so
    /// the arena is not grown by doubling (a copy of it beside itself).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn reserve_strings(&mut self, count: usize, bytes: usize, items: usize) {
        self.strings.reserve(count, bytes);
        // Every string but the items' ids is interned.
        self.strings.reserve_interned(count.saturating_sub(items));
    }

    /// Number of items pushed so far.
    pub fn len(&self) -> usize {
        self.cols.id.len()
    }

    /// The id of the `index`-th pushed item.
    pub fn id(&self, index: usize) -> Option<&str> {
        self.cols.id.get(index).map(|&s| self.strings.get(s))
    }

    /// Whether no item was pushed yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// [`CatalogBuilder::push`] for the item at `position` of a catalog's
    /// `items`: an item without an id is named by its position.
    pub fn push_at(&mut self, position: usize, raw: &ItemJson) -> Result<()> {
        if raw.id.is_empty() {
            return Err(Error::CatalogInvalid {
                item: None,
                field: format!("items[{position}].id"),
                reason: "must not be empty".into(),
            });
        }
        self.push(raw)
    }

    /// Validates one item and appends it; a refused item leaves the builder unchanged.
    /// Duplicate ids are found by [`CatalogBuilder::finish`].
    pub fn push(&mut self, raw: &ItemJson) -> Result<()> {
        let id = raw.id.as_str();
        if id.is_empty() {
            return Err(Error::item_field(id, "id", "must not be empty"));
        }
        if id.len() > MAX_FIELD_BYTES {
            let head = prefix(id, 32);
            return Err(Error::item_field(
                &format!("{head}…"),
                "id",
                format!("is {} bytes long, at most {MAX_FIELD_BYTES}", id.len()),
            ));
        }
        let field = |f: &str, reason: String| Error::item_field(id, f, reason);
        check_field_len(&raw.title, "title", field)?;
        check_field_len(&raw.category, "category", field)?;
        for (facet, value) in &raw.attributes {
            check_field_len(value, &format!("attributes.{}", prefix(facet, 64)), field)?;
        }
        for (name, text) in [
            ("currency", &raw.currency),
            ("released", &raw.released),
            ("sensitive", &raw.sensitive),
            ("url", &raw.url),
            ("image", &raw.image),
        ] {
            check_field_len(text.as_deref().unwrap_or(""), name, field)?;
        }
        for (name, link) in [("url", &raw.url), ("image", &raw.image)] {
            if link.as_deref().is_some_and(|l| !is_safe_link(l)) {
                return Err(field(name, "must be an http(s) or relative URL".into()));
            }
        }
        if raw
            .category
            .split('>')
            .enumerate()
            .any(|(depth, l)| l.trim().is_empty() || depth > u8::MAX as usize)
        {
            return Err(Error::item_field(id, "category", "empty category level"));
        }
        if !(0.0..=1.0).contains(&raw.popularity) {
            return Err(Error::item_field(
                id,
                "popularity",
                format!("{} is outside [0, 1]", raw.popularity),
            ));
        }
        if let Some(price) = raw.price {
            if !price.is_finite() || price < 0.0 {
                return Err(Error::item_field(id, "price", format!("{price} is not a price")));
            }
        }
        check_bought_with_ids(id, &raw.bought_with)?;
        let mut facet_ids = Vec::with_capacity(raw.attributes.len());
        for facet in raw.attributes.keys() {
            let index = *self.facet_index.get(facet.as_str()).ok_or_else(|| {
                Error::item_field(id, &format!("attributes.{facet}"), "facet is not declared")
            })?;
            facet_ids.push(index);
        }
        match (&raw.vector, self.dims) {
            (None, 0) => {}
            (None, dims) => {
                return Err(Error::item_field(id, "vector", format!("missing (dims is {dims})")));
            }
            (Some(v), dims) if v.len() != dims => {
                return Err(Error::item_field(
                    id,
                    "vector",
                    format!("has {} values, dims is {dims}", v.len()),
                ));
            }
            (Some(v), _) => {
                if let Some(bad) = v.iter().position(|x| !x.is_finite()) {
                    return Err(Error::item_field(
                        id,
                        "vector",
                        format!("value {bad} is not a finite number"),
                    ));
                }
            }
        }
        // Everything is checked: from here on the item is appended.
        let category = self
            .taxonomy
            .intern(&raw.category)
            .ok_or_else(|| Error::item_field(id, "category", "empty category level"))?;
        let mut attrs = Vec::with_capacity(raw.attributes.len());
        for (index, value) in facet_ids.into_iter().zip(raw.attributes.values()) {
            attrs.push((index, self.facet_value(index, value)));
        }
        crate::util::sort::sort(&mut attrs);
        if let (Some(v), dims) = (&raw.vector, self.dims) {
            if dims > 0 {
                match self.vector_kind {
                    VectorKind::Content => self.vectors.push(v),
                    VectorKind::Factors | VectorKind::Sequence => self.vectors.push_raw(v),
                }
            }
        }
        let strings = &mut self.strings;
        let cols = &mut self.cols;
        cols.id.push(strings.add(id));
        cols.title.push(strings.intern(&raw.title));
        cols.category.push(category);
        let count = cols.attrs.with_wide(|ids| {
            ids.extend(attrs.iter().map(|&(_, tmp)| tmp));
            ids.len()
        });
        cols.attr_start.push(count as u32);
        cols.price.push(raw.price.unwrap_or(f64::NAN));
        cols.currency.push(strings.intern_opt(raw.currency.as_deref()));
        cols.available.push(raw.available);
        cols.popularity.push(raw.popularity);
        cols.released.push(strings.intern_opt(raw.released.as_deref()));
        cols.sensitive.push(strings.intern_opt(raw.sensitive.as_deref()));
        cols.url.push(strings.intern_opt(raw.url.as_deref()));
        cols.image.push(strings.intern_opt(raw.image.as_deref()));
        if !raw.bought_with.is_empty() {
            let index = cols.id.len() as u32 - 1;
            self.neighbours.insert(index, Neighbours::Ids(raw.bought_with.clone()));
        }
        Ok(())
    }

    /// The builder's id of the pair `(facet, value)` (its order among the
    /// pairs met so far; [`CatalogBuilder::finish`] gives the final ids).
    fn facet_value(&mut self, facet: u16, value: &str) -> u32 {
        let pair = (facet, self.strings.intern(value));
        let next = self.pairs.len() as u32;
        let tmp = *self.pair_ids.entry(pair).or_insert(next);
        if tmp == next {
            self.pairs.push(pair);
        }
        tmp
    }

    /// Appends `item` of a validated catalog whose facets are this builder's,
    /// its vector as `codes` and `scale` (none when the catalog has none):
    /// what [`CatalogBuilder::push`] stores for the item as JSON, strings
    /// interned in the same order (so the catalog built is byte for byte the
    /// same), without the JSON copy or the checks its catalog passed already.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn push_item(
        &mut self,
        item: super::ItemRef<'_>,
        codes: &[i8],
        scale: f32,
    ) -> Result<()> {
        let category = self
            .taxonomy
            .intern(item.category_path())
            .ok_or_else(|| Error::item_field(item.id(), "category", "empty category level"))?;
        let mut attrs: Vec<(u16, u32)> = Vec::with_capacity(4);
        for (index, value) in item.attributes() {
            attrs.push((index, self.facet_value(index, value)));
        }
        crate::util::sort::sort(&mut attrs);
        if self.dims > 0 {
            if codes.len() != self.vectors.stride() {
                return Err(Error::item_field(item.id(), "vector", "codes of another length"));
            }
            self.vectors.push_stored(codes, scale);
        }
        let strings = &mut self.strings;
        let cols = &mut self.cols;
        cols.id.push(strings.add(item.id()));
        cols.title.push(strings.intern(item.title()));
        cols.category.push(category);
        let count = cols.attrs.with_wide(|ids| {
            ids.extend(attrs.iter().map(|&(_, tmp)| tmp));
            ids.len()
        });
        cols.attr_start.push(count as u32);
        cols.price.push(item.price().unwrap_or(f64::NAN));
        cols.currency.push(strings.intern_opt(item.currency()));
        cols.available.push(item.available());
        cols.popularity.push(item.popularity());
        cols.released.push(strings.intern_opt(item.released()));
        cols.sensitive.push(strings.intern_opt(item.sensitive()));
        cols.url.push(strings.intern_opt(item.url()));
        cols.image.push(strings.intern_opt(item.image()));
        Ok(())
    }

    /// Whether an item pushed is in the category of `path` or under it.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn holds_category(&self, path: &str) -> bool {
        self.taxonomy.find(path).is_some()
    }

    /// Sets the items often bought with the `index`-th pushed item, by
    /// position, strongest first (for lists known only after every item is:
    /// from co-purchase counts); replaces its `bought_with` ids. At most
    /// [`MAX_BOUGHT_WITH`] pushed items, none twice, never the item itself.
    pub fn set_bought_with(&mut self, index: usize, neighbours: &[u32]) -> Result<()> {
        let Some(&id) = self.cols.id.get(index) else {
            return Err(Error::header_field(
                "bought_with",
                format!("item {index} was not pushed ({} items)", self.len()),
            ));
        };
        if let Some(reason) = why_not(index, neighbours, self.len()) {
            return Err(Error::item_field(self.strings.get(id), "bought_with", reason));
        }
        if neighbours.is_empty() {
            self.neighbours.remove(&(index as u32));
        } else {
            self.neighbours.insert(index as u32, Neighbours::Positions(neighbours.to_vec()));
        }
        Ok(())
    }

    /// Sets the catalog's repurchase priors (a JSON v1 catalog's `repurchase`
    /// field), replacing any set before; an empty one sets none. Category paths
    /// and item ids are resolved, and every prior checked, by
    /// [`CatalogBuilder::finish`], so they may name items pushed later.
    ///
    /// ```
    /// use flaneur::catalog::{CatalogBuilder, ItemJson, Repurchase, RepurchaseJson, VectorKind};
    /// use flaneur::util::sorted_map::SortedMap;
    /// let mut b = CatalogBuilder::new(1, "s".into(), 0, VectorKind::Content, &SortedMap::new())
    ///     .unwrap();
    /// let item: ItemJson =
    ///     serde_json::from_str(r#"{"id":"milk","title":"Milk","category":"Grocery > Milk"}"#)
    ///         .unwrap();
    /// b.push(&item).unwrap();
    /// let weekly = Repurchase { share: 1.0, interval_days: 7.0, buyers: 0 };
    /// let mut priors = RepurchaseJson::default();
    /// priors.categories.insert("Grocery".into(), weekly.into());
    /// b.set_repurchase(priors);
    /// let catalog = b.finish().unwrap();
    /// assert_eq!(catalog.repurchase(0), Some(weekly));
    /// ```
    pub fn set_repurchase(&mut self, repurchase: RepurchaseJson) {
        self.repurchase = repurchase;
    }

    /// Sets the catalog's divergence priors (a JSON v1 catalog's
    /// `divergence_priors`, from `flaneur ldp aggregate --priors`), replacing
    /// any set before; [`CatalogBuilder::finish`] checks them against the
    /// catalog's divergence facets ([`why_not_divergence_priors`]).
    pub fn set_divergence_priors(&mut self, priors: DivergencePriors) {
        self.divergence_priors = priors;
    }

    /// Sets the departments the catalog's reports ask about apart (a JSON v1
    /// catalog's `report_departments`: the granularity at which the shop
    /// learns divergence take-up), replacing any set before; none keeps the
    /// questions per axis. [`CatalogBuilder::finish`] checks them
    /// ([`why_not_report_departments`]) and sorts them.
    ///
    /// ```
    /// use flaneur::catalog::{CatalogBuilder, DivergencePriors, TakeUpPrior, VectorKind};
    /// use flaneur::util::sorted_map::SortedMap;
    /// let mut b = CatalogBuilder::new(1, "s".into(), 0, VectorKind::Content, &SortedMap::new())?;
    /// let prior = |accepted| TakeUpPrior { accepted, rejected: 4.0 };
    /// let priors: DivergencePriors =
    ///     [("category".to_owned(), prior(1.0)), ("category@Women".to_owned(), prior(3.0))].into();
    /// b.set_report_departments(vec!["Women".into(), "Men".into()]);
    /// b.set_divergence_priors(priors);
    /// let catalog = b.finish()?;
    /// assert_eq!(catalog.report_departments(), ["Men", "Women"]);
    /// let at = |anchor| catalog.divergence_prior_for("category", anchor).map(|p| p.accepted);
    /// assert_eq!(at("Women > Tops"), Some(3.0));
    /// assert_eq!(at("Men > Shirts"), Some(1.0));
    /// # Ok::<(), flaneur::Error>(())
    /// ```
    pub fn set_report_departments(&mut self, departments: Vec<String>) {
        self.report_departments = departments;
    }

    /// Replaces the vector of the `index`-th pushed item (for vectors known only
    /// after every item is: a separate embeddings file, factors learned from
    /// co-purchase counts). The vector is checked as [`CatalogBuilder::push`] checks it.
    pub fn set_vector(&mut self, index: usize, vector: &[f32]) -> Result<()> {
        let id =
            self.cols.id.get(index).map(|&s| self.strings.get(s).to_string()).unwrap_or_default();
        if index >= self.vectors.len() {
            return Err(Error::item_field(
                &id,
                "vector",
                format!("item {index} has no vector to replace"),
            ));
        }
        if vector.len() != self.dims {
            return Err(Error::item_field(
                &id,
                "vector",
                format!("has {} values, dims is {}", vector.len(), self.dims),
            ));
        }
        if let Some(bad) = vector.iter().position(|x| !x.is_finite()) {
            return Err(Error::item_field(
                &id,
                "vector",
                format!("value {bad} is not a finite number"),
            ));
        }
        self.vectors.replace(index, vector, self.vector_kind != VectorKind::Content);
        Ok(())
    }

    /// Checks what needs every item (unique ids, release dates) and builds the catalog.
    pub fn finish(self) -> Result<Catalog> {
        let Self {
            shop,
            vector_kind,
            facets,
            strings,
            taxonomy,
            vectors,
            mut cols,
            pairs,
            neighbours,
            repurchase,
            divergence_priors,
            mut report_departments,
            ..
        } = self;
        if vector_kind == VectorKind::Sequence {
            return Err(Error::header_field(
                "vector_kind",
                "\"sequence\" needs the sequence model, which only a binary catalog carries",
            ));
        }
        if let Some(reason) = why_not_report_departments(&report_departments, &facets) {
            return Err(Error::header_field("report_departments", reason));
        }
        crate::util::sort::sort(&mut report_departments);
        let departments = &report_departments;
        if let Some(reason) = why_not_divergence_priors(&divergence_priors, &facets, departments) {
            return Err(Error::header_field("divergence_priors", reason));
        }
        let strings = strings.finish();

        // Facet values get dense ids in (facet, value) order, so lookups can binary-search.
        let mut order: Vec<u32> = (0..pairs.len() as u32).collect();
        crate::util::sort::sort_by(&mut order, |&a, &b| {
            let (pa, pb) = (pairs[a as usize], pairs[b as usize]);
            pa.0.cmp(&pb.0).then_with(|| strings.get(pa.1).cmp(strings.get(pb.1)))
        });
        let mut remap = vec![0u32; pairs.len()];
        for (final_id, &tmp) in order.iter().enumerate() {
            remap[tmp as usize] = final_id as u32;
        }
        let facet_values: Vec<(u16, StrId)> =
            order.iter().map(|&tmp| pairs[tmp as usize]).collect();
        cols.attrs.with_wide(|ids| ids.iter_mut().for_each(|a| *a = remap[*a as usize]));
        cols.attrs.fit_width(facet_values.len());

        let by_id = sorted_by_id(&strings, &cols.id)
            .map_err(|dup| Error::item_field(dup, "id", "duplicate id"))?;
        let released_days = super::released_days(&strings, &cols.released).map_err(|i| {
            let id = cols.id.get(i).map_or("", |&s| strings.get(s));
            Error::item_field(id, "released", "must be a date YYYY-MM-DD")
        })?;
        let bought_with = resolve_bought_with(&strings, &cols.id, &by_id, neighbours)?;
        let index_of = |text: &str| {
            by_id
                .binary_search_by(|&i| strings.get(cols.id[i as usize]).cmp(text))
                .ok()
                .map(|slot| by_id[slot])
        };
        let (categories, items) = resolve(&repurchase, &taxonomy, index_of)?;
        let repurchase = Priors::new(categories, items, &taxonomy);
        let mut vectors = vectors;
        let mut released_days = released_days;
        let (members, ids) =
            super::derive_on_load(&strings, &taxonomy, &mut cols, &mut vectors, &mut released_days);
        Ok(Catalog {
            members,
            bought_with,
            repurchase,
            divergence_priors,
            report_departments,
            shop,
            vector_kind,
            facets,
            strings,
            facet_values,
            columns: cols,
            ids,
            released_days,
            taxonomy,
            vectors,
            sequence_model: None,
            part: None,
            expected_items: 0,
            expected_at_hand: false,
        })
    }
}

/// Checks an item's `bought_with` ids as far as one item can: their number,
/// their lengths, its own id, and repeats (unknown ids are found by [`resolve_bought_with`]).
fn check_bought_with_ids(id: &str, list: &[String]) -> Result<()> {
    let bad = |reason: String| Error::item_field(id, "bought_with", reason);
    if let Some(extra) = list.get(MAX_BOUGHT_WITH) {
        return Err(bad(format!(
            "lists {} items, at most {MAX_BOUGHT_WITH} ({:?} is one too many)",
            list.len(),
            prefix(extra, 64)
        )));
    }
    for (k, other) in list.iter().enumerate() {
        check_field_len(other, "bought_with", |f, r| Error::item_field(id, f, r))?;
        if other == id {
            return Err(bad(format!("{other:?} is the item's own id")));
        }
        if list[..k].contains(other) {
            return Err(bad(format!("{other:?} is listed twice")));
        }
    }
    Ok(())
}

/// Turns the neighbour lists into positions; an id that is no item's is refused.
fn resolve_bought_with(
    strings: &Strings,
    ids: &[StrId],
    by_id: &[u32],
    neighbours: SortedMap<u32, Neighbours>,
) -> Result<BoughtWith> {
    let index_of = |text: &str| {
        by_id
            .binary_search_by(|&i| strings.get(ids[i as usize]).cmp(text))
            .ok()
            .map(|slot| by_id[slot])
    };
    let mut lists = Vec::with_capacity(neighbours.len());
    for (index, list) in neighbours {
        let positions = match list {
            Neighbours::Positions(p) => p,
            Neighbours::Ids(names) => {
                let id = ids.get(index as usize).map_or("", |&s| strings.get(s));
                let mut positions = Vec::with_capacity(names.len());
                for name in &names {
                    let Some(position) = index_of(name) else {
                        return Err(Error::item_field(
                            id,
                            "bought_with",
                            format!("{:?} is not an item of the catalog", prefix(name, 64)),
                        ));
                    };
                    positions.push(position);
                }
                positions
            }
        };
        lists.push((index as usize, positions));
    }
    Ok(BoughtWith::from_lists(ids.len(), lists.iter().map(|(i, p)| (*i, p.as_slice()))))
}

/// Item positions sorted by id; `Err(id)` names an id that occurs twice.
pub(super) fn sorted_by_id<'s>(strings: &'s Strings, ids: &[StrId]) -> Result<Vec<u32>, &'s str> {
    let mut by_id: Vec<u32> = (0..ids.len() as u32).collect();
    crate::util::sort::sort_by(&mut by_id, |&a, &b| {
        strings.get(ids[a as usize]).cmp(strings.get(ids[b as usize]))
    });
    if let Some(w) = by_id
        .windows(2)
        .find(|w| strings.get(ids[w[0] as usize]) == strings.get(ids[w[1] as usize]))
    {
        return Err(strings.get(ids[w[0] as usize]));
    }
    Ok(by_id)
}
