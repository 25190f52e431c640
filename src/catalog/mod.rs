//! The shop's catalog: what can be recommended, in the shop's default order.
//!
//! A catalog arrives as JSON v1 ([`CatalogJson`], specified in
//! `docs/FORMATS.md`), is validated once, and is then held in a form built for
//! scoring: items column by column ([`ItemRef`] borrows one), every string once
//! in an arena ([`strings::Strings`]), each distinct facet value under a dense
//! id, category paths interned into a [`Taxonomy`], and vectors L2-normalised
//! and int8-quantized into [`QuantizedVectors`]. Items may list the items
//! bought with them ([`Catalog::bought_with`]), from the shop's aggregate
//! co-purchase counts.
//!
//! ```
//! use flaneur::catalog::Catalog;
//! let catalog = Catalog::from_json_str(r#"{
//!   "version": 1, "shop": "demo", "dims": 0,
//!   "facets": {"colour": {"divergence": true}},
//!   "items": [
//!     {"id": "a", "title": "Red sweater", "category": "Women > Knitwear",
//!      "attributes": {"colour": "red"}},
//!     {"id": "b", "title": "Blue jeans", "category": "Women > Denim"}
//!   ]}"#).unwrap();
//! assert_eq!(catalog.len(), 2);
//! assert_eq!(catalog.index_of("b"), Some(1));
//! let a = catalog.item(0);
//! assert_eq!(a.category_path(), "Women > Knitwear");
//! assert_eq!(a.attributes().collect::<Vec<_>>(), [(0, "red")]);
//! ```

#[cfg(not(target_arch = "wasm32"))]
mod assemble;
mod binary;
mod bought_with;
mod codebook;
pub mod dates;
mod divergence_priors;
mod facet_ids;
mod footprint;
mod id_table;
mod item;
mod join;
mod json;
pub mod link;
pub mod manifest;
mod members;
mod pages;
mod parts;
mod prices;
pub mod quantize;
mod report_departments;
mod repurchase;
mod repurchase_json;
mod row_merge;
pub mod sequence_model;
pub mod shelf_text;
pub mod strings;
mod taxonomy;

pub use bought_with::MAX_BOUGHT_WITH;
pub use codebook::{CENTROIDS, Codebook, Codes, MAX_PQ_DIMS};
pub use divergence_priors::{
    CATEGORY_AXIS, DivergencePriors, MAX_DIVERGENCE_PRIORS, MAX_PRIOR_OUTCOMES, TakeUpPrior,
    why_not_divergence_priors,
};
pub use facet_ids::FacetIds;
pub use footprint::Footprint;
pub use item::{Facet, FacetValueId, ItemRef};
pub use json::{
    CatalogBuilder, CatalogJson, FacetJson, ItemJson, MAX_FIELD_BYTES, MAX_RESERVED_ITEMS,
    SUPPORTED_VERSION, VectorKind,
};
pub use manifest::{Manifest, PartFile, PatchFile};
pub use parts::{MAX_PARTS, Part};
pub use quantize::{QuantizedVectors, Scratch};
pub use report_departments::{
    GROUP_SEPARATOR, MAX_DEPARTMENT_BYTES, MAX_REPORT_DEPARTMENTS, MAX_REPORT_GROUPS,
    department_of, report_group, why_not_report_departments,
};
pub use repurchase::{MAX_INTERVAL_DAYS, REPLENISHABLE_SHARE, Repurchase};
pub use repurchase_json::{PriorJson, RepurchaseJson};
pub use sequence_model::{ModelShape, SequenceModel};
pub use shelf_text::ShelfText;
pub use taxonomy::{CategoryId, Taxonomy};

use item::Columns;
use members::RowMap;

/// Marks an item without a release date in [`Catalog::released_day`].
pub const NO_DAY: i32 = i32::MIN;
use strings::{StrId, Strings};

use crate::error::{Error, Result};

/// A validated catalog, ready for scoring.
#[derive(Debug, Clone)]
pub struct Catalog {
    shop: String,
    vector_kind: VectorKind,
    facets: Vec<Facet>,
    strings: Strings,
    /// Distinct `(facet index, value)` pairs, sorted; a pair's position is its [`FacetValueId`].
    facet_values: Vec<(u16, StrId)>,
    columns: Columns,
    /// Item positions by id, for lookups.
    ids: id_table::IdTable,
    /// Release day of each item's row (days since 1970-01-01), [`NO_DAY`]
    /// when unknown; derived from the `released` strings on load. Empty
    /// when no item has one.
    released_days: Vec<i32>,
    taxonomy: Taxonomy,
    vectors: QuantizedVectors,
    /// The items of each taxonomy node, derived on load.
    members: members::Members,
    /// Each item's "often bought with" neighbours.
    bought_with: bought_with::BoughtWith,
    /// Repurchase priors of taxonomy nodes and items, resolved per node on load.
    repurchase: repurchase::Priors,
    /// The crowd's priors of divergence take-up, by group (a sharded catalog's core carries them).
    divergence_priors: DivergencePriors,
    /// The departments the reports ask about apart, ascending (a sharded catalog's core
    /// carries them).
    report_departments: Vec<String>,
    /// The sequence model whose item embeddings are `vectors`: present exactly
    /// when `vector_kind` is [`VectorKind::Sequence`].
    sequence_model: Option<Box<SequenceModel>>,
    /// Which part of a sharded catalog this is (`None`: a whole catalog).
    part: Option<Part>,
    /// The items it will hold once every part is joined (0: unknown), which
    /// its joins grow the columns toward ([`Catalog::expect_items`]).
    expected_items: usize,
    /// Whether the parts of `expected_items` are at hand, joined now
    /// ([`Catalog::expect_items_at_hand`]).
    expected_at_hand: bool,
}

impl Catalog {
    /// Validates a parsed JSON v1 catalog and builds the scoring form.
    /// A [`CatalogJson`] holds no `repurchase`, `divergence_priors` nor
    /// `report_departments`: [`Catalog::from_json_str`] reads them, or
    /// [`CatalogBuilder::set_repurchase`], [`CatalogBuilder::set_divergence_priors`]
    /// and [`CatalogBuilder::set_report_departments`] set them.
    pub fn from_json(json: CatalogJson) -> Result<Self> {
        json::build(json, json::Extras::default())
    }

    /// Parses and validates a JSON v1 catalog, its `repurchase`, `divergence_priors` and
    /// `report_departments` too
    /// (native builds; in the browser the page's `JSON.parse` result arrives
    /// as a [`CatalogJson`] instead).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json_str(text: &str) -> Result<Self> {
        /// The top-level fields [`CatalogJson`] does not hold (adding them there would break
        /// every struct literal of it), each read in a pass of its own, allocation-free but
        /// for the field, when the text names it.
        #[derive(serde::Deserialize)]
        struct RepurchaseField {
            #[serde(default)]
            repurchase: Option<RepurchaseJson>,
        }
        #[derive(serde::Deserialize)]
        struct PriorsField {
            #[serde(default)]
            divergence_priors: Option<DivergencePriors>,
        }
        #[derive(serde::Deserialize)]
        struct DepartmentsField {
            #[serde(default)]
            report_departments: Option<Vec<String>>,
        }
        let document =
            |e: serde_json::Error| crate::Error::header_field("(document)", e.to_string());
        let json: CatalogJson = serde_json::from_str(text).map_err(document)?;
        let field =
            |name: &str, e: serde_json::Error| crate::Error::header_field(name, e.to_string());
        let repurchase = if text.contains("\"repurchase\"") {
            serde_json::from_str::<RepurchaseField>(text)
                .map_err(|e| field("repurchase", e))?
                .repurchase
        } else {
            None
        };
        let priors = if text.contains("\"divergence_priors\"") {
            serde_json::from_str::<PriorsField>(text)
                .map_err(|e| field("divergence_priors", e))?
                .divergence_priors
        } else {
            None
        };
        let departments = if text.contains("\"report_departments\"") {
            serde_json::from_str::<DepartmentsField>(text)
                .map_err(|e| field("report_departments", e))?
                .report_departments
        } else {
            None
        };
        json::build(json, json::Extras { repurchase, priors, departments })
    }

    /// Encodes the catalog in the compact binary format v1 (specified in
    /// `docs/FORMATS.md`): deterministic, checksummed, and read back unchanged
    /// by [`Catalog::from_binary`]. Vectors are stored as their quantized codes.
    pub fn to_binary(&self) -> Vec<u8> {
        binary::encode(self)
    }

    /// Decodes and validates a binary v1 catalog, as written by [`Catalog::to_binary`].
    ///
    /// Truncated, corrupt or inconsistent bytes are refused with
    /// [`Error::CatalogCorrupt`](crate::Error::CatalogCorrupt), a newer format
    /// version with [`Error::CatalogVersion`](crate::Error::CatalogVersion);
    /// hostile input never panics, and nothing is allocated beyond what the
    /// input's size warrants.
    ///
    /// ```
    /// use flaneur::catalog::Catalog;
    /// let catalog = Catalog::from_json_str(r#"{"version": 1, "shop": "demo",
    ///   "items": [{"id": "a", "title": "Red sweater", "category": "Knitwear"}]}"#).unwrap();
    /// let bytes = catalog.to_binary();
    /// let loaded = Catalog::from_binary(&bytes).unwrap();
    /// assert_eq!(loaded.item(0).title(), "Red sweater");
    /// assert!(Catalog::from_binary(&bytes[..bytes.len() - 1]).is_err());
    /// ```
    pub fn from_binary(bytes: &[u8]) -> Result<Self> {
        binary::decode(bytes)
    }

    /// The positions of the items filed under taxonomy node `node` (their
    /// own category, not an ancestor), ascending; empty for an unknown node.
    #[inline(always)]
    pub fn items_in(&self, node: CategoryId) -> &[u32] {
        self.members.of(node)
    }

    /// The positions of the items often bought with item `index`, strongest
    /// first, at most [`MAX_BOUGHT_WITH`]; never the item itself, never one twice.
    /// Empty when it lists none or `index` is out of range.
    ///
    /// ```
    /// use flaneur::catalog::Catalog;
    /// let c = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
    ///   {"id":"knit","title":"Knit","category":"Knitwear","bought_with":["scarf"]},
    ///   {"id":"scarf","title":"Scarf","category":"Accessories"}]}"#).unwrap();
    /// assert_eq!(c.bought_with(0), [1]);
    /// assert!(c.bought_with(1).is_empty() && c.bought_with(9).is_empty());
    /// assert!(c.has_bought_with());
    /// ```
    pub fn bought_with(&self, index: usize) -> &[u32] {
        self.bought_with.of(index)
    }

    /// Whether any item lists items bought with it.
    pub fn has_bought_with(&self) -> bool {
        !self.bought_with.is_empty()
    }

    /// The repurchase prior of item `index`: its own when the catalog has one,
    /// else that of its category's nearest node (leaf first, then ancestors)
    /// that has one; `None` otherwise and for an out-of-range index. O(log n).
    ///
    /// ```
    /// use flaneur::catalog::Catalog;
    /// let c = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
    ///   {"id":"milk","title":"Milk","category":"Grocery > Dairy > Milk"},
    ///   {"id":"oats","title":"Oats","category":"Grocery > Cereals"},
    ///   {"id":"sofa","title":"Sofa","category":"Home"}],
    ///   "repurchase": {"categories": {"Grocery": {"share": 0.5, "interval_days": 14}},
    ///                  "items": {"milk": {"share": 0.8, "interval_days": 7, "buyers": 40}}}}"#)
    ///     .unwrap();
    /// assert_eq!(c.repurchase(0).map(|r| r.interval_days), Some(7.0));
    /// assert_eq!(c.repurchase(1).map(|r| r.interval_days), Some(14.0));
    /// assert!(c.repurchase(2).is_none() && c.repurchase(3).is_none());
    /// assert!(c.has_repurchase());
    /// ```
    pub fn repurchase(&self, index: usize) -> Option<Repurchase> {
        if index >= self.len() {
            return None;
        }
        let category = self.item(index).category();
        self.repurchase.of_item(index).or_else(|| self.repurchase.of_node(category))
    }

    /// The repurchase prior of taxonomy node `node`: its own or its nearest
    /// ancestor's; `None` when neither has one or the node is unknown. O(1).
    pub fn category_repurchase(&self, node: CategoryId) -> Option<Repurchase> {
        self.repurchase.of_node(node)
    }

    /// The taxonomy nodes the catalog gives a repurchase prior of their own
    /// (not inherited), with it, ascending by node.
    pub fn repurchase_categories(&self) -> &[(CategoryId, Repurchase)] {
        &self.repurchase.categories
    }

    /// The items the catalog gives a repurchase prior of their own, with it,
    /// ascending by position.
    pub fn repurchase_items(&self) -> &[(u32, Repurchase)] {
        &self.repurchase.items
    }

    /// The crowd's prior of divergence take-up of the group `group` (an axis,
    /// `category` or a divergence facet, or an axis within a report
    /// department, `colour@Women`), when the catalog carries one.
    pub fn divergence_prior(&self, group: &str) -> Option<TakeUpPrior> {
        self.divergence_priors.get(group).copied()
    }

    /// The crowd's prior for a step along `axis` from the category `anchor`:
    /// the prior of the axis within the anchor's department when the catalog
    /// carries one, else the axis's own (see [`CatalogBuilder::set_report_departments`]).
    pub fn divergence_prior_for(&self, axis: &str, anchor: &str) -> Option<TakeUpPrior> {
        self.report_group(axis, anchor)
            .and_then(|group| self.divergence_prior(&group))
            .or_else(|| self.divergence_prior(axis))
    }

    /// Every crowd prior of divergence the catalog carries, by group.
    pub fn divergence_priors(&self) -> &DivergencePriors {
        &self.divergence_priors
    }

    /// The departments the reports ask about apart, ascending (none: the
    /// questions are per divergence axis only).
    pub fn report_departments(&self) -> &[String] {
        &self.report_departments
    }

    /// The report group of a step along `axis` from the category `anchor`
    /// (`colour@Women`), when the anchor's department is a report department.
    pub fn report_group(&self, axis: &str, anchor: &str) -> Option<String> {
        let department = department_of(anchor);
        self.report_departments
            .binary_search_by(|d| d.as_str().cmp(department))
            .is_ok()
            .then(|| report_group(axis, department))
    }

    /// Whether the catalog has any repurchase prior.
    pub fn has_repurchase(&self) -> bool {
        !self.repurchase.is_empty()
    }

    /// Whether the item at `index` is a staple, bought again as a matter of
    /// course: its prior (its own or its category's) is replenishable.
    pub fn is_staple(&self, index: usize) -> bool {
        self.repurchase(index).is_some_and(|r| r.is_replenishable())
    }

    /// The shop this catalog belongs to.
    pub fn shop(&self) -> &str {
        &self.shop
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.columns.id.len()
    }

    /// Whether the catalog has no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at `index` (its position in the shop's default order).
    ///
    /// Panics if `index >= len()`; indices come from [`Catalog::index_of`] or iteration.
    #[inline(always)]
    pub fn item(&self, index: usize) -> ItemRef<'_> {
        if index >= self.len() {
            item_out_of_range(index);
        }
        ItemRef { catalog: self, index, row: self.columns.row(index) }
    }

    /// The row of taxonomy node `node`'s first item ([`Self::items_in`]) when
    /// a loaded catalog keeps a node's rows together in that order: its
    /// `at`-th item is then at row `first + at`, and a scan of a node reads
    /// its rows in order and looks none up ([`Self::item_at_row`]). `None`
    /// when rows are items (a catalog being built) or for an unknown node.
    #[inline(always)]
    pub(crate) fn first_row_of(&self, node: CategoryId) -> Option<usize> {
        if self.columns.row.is_empty() { None } else { self.members.start_of(node) }
    }

    /// The item at position `index` whose row is known to be `row` (from
    /// [`Self::first_row_of`]).
    #[inline(always)]
    pub(crate) fn item_at_row(&self, index: usize, row: usize) -> ItemRef<'_> {
        ItemRef { catalog: self, index, row }
    }

    /// All items, in the shop's default order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ItemRef<'_>> + '_ {
        (0..self.len()).map(move |index| self.item(index))
    }

    /// Position of the item with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.find(id, |i| self.strings.get(self.columns.id[i as usize]))
    }

    /// The facets the catalog declares.
    pub fn facets(&self) -> &[Facet] {
        &self.facets
    }

    /// The `(facet index, value)` pair with this id.
    pub fn facet_value(&self, id: FacetValueId) -> (u16, &str) {
        let (facet, value) = self.facet_values[id as usize];
        (facet, self.strings.get(value))
    }

    /// Number of distinct facet values.
    pub fn facet_value_count(&self) -> usize {
        self.facet_values.len()
    }

    /// The id of a facet value, if any item has it.
    pub fn find_facet_value(&self, facet: u16, value: &str) -> Option<FacetValueId> {
        self.facet_values
            .binary_search_by(|&(f, v)| f.cmp(&facet).then_with(|| self.strings.get(v).cmp(value)))
            .ok()
            .map(|i| i as FacetValueId)
    }

    /// The index of the facet with this name.
    pub fn facet_index(&self, name: &str) -> Option<u16> {
        self.facets.iter().position(|f| f.name == name).map(|i| i as u16)
    }

    /// The item's release day (days since 1970-01-01), if it has one.
    pub fn released_day(&self, index: usize) -> Option<i32> {
        (index < self.len()).then(|| self.item(index).released_day()).flatten()
    }

    /// Whether any item has a release date.
    pub fn has_release_dates(&self) -> bool {
        !self.released_days.is_empty()
    }

    /// The category tree.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// What the vectors are: content embeddings or learned item factors.
    pub fn vector_kind(&self) -> VectorKind {
        self.vector_kind
    }

    /// The items' vectors (empty when the catalog has `dims: 0`).
    pub fn vectors(&self) -> &QuantizedVectors {
        &self.vectors
    }

    /// The sequence model the catalog carries, if any (docs/FORMATS.md,
    /// "Sequence model v1"); its item embeddings are [`Self::vectors`], whose
    /// kind is then [`VectorKind::Sequence`].
    pub fn sequence_model(&self) -> Option<&SequenceModel> {
        self.sequence_model.as_deref()
    }

    /// Attaches a sequence model, with `embeddings` (`len() × model.dims()`
    /// values, item after item) as the new vector column: the model's item
    /// embeddings, magnitude kept (quantized as item factors are). The vector
    /// kind becomes [`VectorKind::Sequence`] and `dims` the model's. Refused with
    /// [`Error::CatalogInvalid`] when the count is wrong or a value is not finite;
    /// the catalog is then unchanged. This is how the catalog compiler packs a model
    /// (`flaneur catalog build --sequence-model`); a JSON catalog cannot carry one.
    ///
    /// ```
    /// use flaneur::catalog::{Catalog, ModelShape, SequenceModel, VectorKind};
    /// let mut c = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
    ///   {"id":"a","title":"A","category":"K"},{"id":"b","title":"B","category":"K"}]}"#)
    ///     .unwrap();
    /// let shape = ModelShape { dims: 2, heads: 1, max_len: 4, ffn: 3, blocks: 1, events: false };
    /// let model = SequenceModel::from_values(shape, vec![0.5; shape.value_count()]).unwrap();
    /// c.set_sequence_model(model, &[1.0, 0.0, 0.0, 2.0]).unwrap();
    /// assert_eq!((c.vector_kind(), c.vectors().dims()), (VectorKind::Sequence, 2));
    /// let again = Catalog::from_binary(&c.to_binary()).unwrap();
    /// assert_eq!(again.sequence_model(), c.sequence_model());
    /// assert_eq!(again.vectors().dequantize(1), [0.0, 2.0]);
    /// ```
    pub fn set_sequence_model(&mut self, model: SequenceModel, embeddings: &[f32]) -> Result<()> {
        let d = model.dims();
        let bad = |reason: String| Error::CatalogInvalid {
            item: None,
            field: "sequence_model.item_embedding".into(),
            reason,
        };
        if Some(embeddings.len()) != self.len().checked_mul(d) {
            return Err(bad(format!(
                "{} values for {} items of {d} dims",
                embeddings.len(),
                self.len()
            )));
        }
        if let Some(i) = embeddings.iter().position(|x| !x.is_finite()) {
            return Err(bad(format!("value {i} of item {} is not finite", i / d)));
        }
        let mut vectors = QuantizedVectors::new(d);
        vectors.reserve(self.len());
        for row in embeddings.chunks_exact(d) {
            vectors.push_raw(row);
        }
        // Rows grouped by category, as every loaded catalog keeps them.
        self.arrange_like_columns(&mut vectors);
        self.vectors = vectors;
        self.vector_kind = VectorKind::Sequence;
        self.sequence_model = Some(Box::new(model));
        Ok(())
    }
}

impl Catalog {
    /// Replaces the int8 vectors with product-quantized ones: `codebook`'s
    /// centroids and each item's `codebook.subspaces()` code bytes, item after
    /// item (the catalog compiler's `--vector-codes pq`, which trains them).
    /// Refused with [`Error::CatalogInvalid`], the catalog unchanged, for a
    /// sequence model's vectors (they stay int8), a codebook of other dims or
    /// without centroids, or a wrong count of codes.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn set_product_codes(&mut self, codebook: Codebook, codes: Vec<u8>) -> Result<()> {
        let bad =
            |reason: String| Error::CatalogInvalid { item: None, field: "vectors".into(), reason };
        if self.vector_kind == VectorKind::Sequence {
            return Err(bad("a sequence model's item embeddings stay int8".into()));
        }
        if codebook.dims() != self.vectors.dims() || !codebook.has_centroids() {
            return Err(bad(format!(
                "a codebook of {} dims for vectors of {}",
                codebook.dims(),
                self.vectors.dims()
            )));
        }
        if codes.len() != self.len() * codebook.subspaces() {
            return Err(bad(format!(
                "{} codes for {} items of {} sub-spaces",
                codes.len(),
                self.len(),
                codebook.subspaces()
            )));
        }
        let mut vectors = QuantizedVectors::product_quantized(codebook, codes);
        // Rows grouped by category, as every loaded catalog keeps them.
        self.arrange_like_columns(&mut vectors);
        self.vectors = vectors;
        Ok(())
    }

    /// Product-quantized vectors made int8 rows again, each the decoded row
    /// the engine scores, with the codebook's scale (for tools and tests that
    /// compare the two); int8 vectors stay as they are.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn expand_product_codes(&mut self) {
        let mut vectors = self.vectors.expanded();
        self.arrange_like_columns(&mut vectors);
        self.vectors = vectors;
    }
}

impl Catalog {
    /// Puts `vectors`' rows in the order the columns keep theirs.
    fn arrange_like_columns(&self, vectors: &mut QuantizedVectors) {
        arrange_vectors(vectors, &self.members, &self.columns.row);
    }
}

/// Puts `vectors`' rows in the order of `members`, sharing the row maps
/// with the columns when they keep theirs by row (`rows` is not empty).
fn arrange_vectors(vectors: &mut QuantizedVectors, members: &members::Members, rows: &RowMap) {
    if rows.is_empty() {
        vectors.arrange(members.order());
    } else {
        vectors.arrange_as(members.order_map(), rows);
    }
}

/// What every loaded catalog derives from its items, JSON or binary: the
/// items of each category, the id table, and the vector rows and facet values
/// regrouped by category (the order a slate reads them in).
fn derive_on_load(
    strings: &Strings,
    taxonomy: &Taxonomy,
    columns: &mut Columns,
    vectors: &mut QuantizedVectors,
    released_days: &mut Vec<i32>,
) -> (members::Members, id_table::IdTable) {
    columns.drop_absent();
    let members = members::Members::new(&columns.category, taxonomy.len());
    let ids = id_table::IdTable::new(strings, &columns.id);
    let order = members.order();
    let arranged = columns.arrange_rows(order);
    arrange_vectors(vectors, &members, &columns.row);
    if released_days.iter().all(|&d| d == NO_DAY) {
        *released_days = Vec::new();
    } else if arranged {
        *released_days = order.iter().map(|&i| released_days[i as usize]).collect();
    }
    (members, ids)
}

/// Parses every item's `released` string into a day; `Err(index)` names the
/// first item whose date is not `YYYY-MM-DD`.
fn released_days(strings: &Strings, released: &[StrId]) -> std::result::Result<Vec<i32>, usize> {
    released
        .iter()
        .enumerate()
        .map(|(i, &s)| match strings.opt(s) {
            None => Ok(NO_DAY),
            Some(text) => dates::parse_day(text).ok_or(i),
        })
        .collect()
}

/// [`Catalog::item`]'s panic, apart: the accessor is inlined everywhere.
#[cold]
#[inline(never)]
fn item_out_of_range(index: usize) -> ! {
    panic!("item index {index} out of range")
}
