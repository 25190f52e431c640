//! What only the compiler does with a sharded catalog (native builds): cut
//! a catalog into its parts ([`Catalog::split`]), and join a shard by
//! rebuilding the catalog item by item ([`Catalog::join_shard`], the
//! reference for the page's [`Catalog::join_shard_in_place`]).

use std::collections::BTreeMap;

use crate::util::sorted_map::SortedMap;

use super::json::{CatalogBuilder, FacetJson};
use super::parts::{MAX_PARTS, Part};
use super::repurchase_json::RepurchaseJson;
use super::{Catalog, SequenceModel, VectorKind};
use crate::error::{Error, Result};
use crate::util::sort::sort_by;

impl Catalog {
    /// Cuts the catalog into a core, its `core_items` most popular items
    /// (ties by position) with the sequence model and the category priors,
    /// and one shard per department at `depth` levels with its other items,
    /// in department order. Each part lists as bought with an item only items
    /// of the same part; a category prior goes to every part holding an item
    /// under it, an item prior to its item's part.
    ///
    /// # Errors
    ///
    /// [`Error::CatalogCorrupt`] when the cut would need more than
    /// [`MAX_PARTS`] parts; a part that cannot be built gives its builder's error.
    pub fn split(&self, depth: usize, core_items: usize) -> Result<Vec<Catalog>> {
        let build = crate::util::hash::content_hash(&self.to_binary());
        let mut by_popularity: Vec<u32> = (0..self.len() as u32).collect();
        sort_by(&mut by_popularity, |&a, &b| {
            let (pa, pb) = (self.item(a as usize).popularity(), self.item(b as usize).popularity());
            pb.total_cmp(&pa).then(a.cmp(&b))
        });
        let mut core: Vec<u32> = by_popularity.into_iter().take(core_items).collect();
        crate::util::sort::sort(&mut core);
        let mut in_core = vec![false; self.len()];
        for &i in &core {
            in_core[i as usize] = true;
        }
        let mut departments: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for item in self.iter().filter(|item| !in_core[item.index()]) {
            let department = Self::department(item.category_path(), depth);
            departments.entry(department).or_default().push(item.index() as u32);
        }
        if departments.len() >= MAX_PARTS {
            return Err(Error::CatalogCorrupt {
                reason: format!(
                    "{} departments at depth {depth}: a sharded catalog has at most {} shards",
                    departments.len(),
                    MAX_PARTS - 1
                ),
            });
        }
        let model = self.sequence_model.as_deref();
        let core_part = Part { build, department: None };
        let mut parts = vec![assemble(self, &[(self, &core)], model, core_part)?];
        for (department, items) in departments {
            let part = Part { build, department: Some(department.to_owned()) };
            parts.push(assemble(self, &[(self, &items)], None, part)?);
        }
        Ok(parts)
    }
}

impl Catalog {
    /// Joins `shard` into `self`, a catalog [`Catalog::from_parts`] joined,
    /// rebuilt item by item beside it (the compiler's reference for
    /// [`Catalog::join_shard_in_place`], which a page uses),
    /// whose parts hold, in their order, `layout`'s item counts by department
    /// (`None` for the core, first): the catalog `from_parts` would join from
    /// those parts and `shard`, without holding the parts. A page keeps the
    /// joined catalog alone and joins each shard it fetches into it.
    ///
    /// # Errors
    ///
    /// [`Error::CatalogCorrupt`] when `shard` is not a shard, its department
    /// is held already, it differs from `self` in shop, facets or vectors, or
    /// `layout` does not count `self`'s items.
    pub fn join_shard(&self, layout: &[(Option<&str>, usize)], shard: &Catalog) -> Result<Catalog> {
        let before = self.check_join(layout, shard)?;
        let (head, tail): (Vec<u32>, Vec<u32>) =
            ((0..before as u32).collect(), (before as u32..self.len() as u32).collect());
        let all: Vec<u32> = (0..shard.len() as u32).collect();
        let sources = [(self, head.as_slice()), (shard, all.as_slice()), (self, tail.as_slice())];
        let build = shard.part.as_ref().map_or(0, |p| p.build);
        let model = self.sequence_model.as_deref();
        let mut joined = assemble(self, &sources, model, Part { build, department: None })?;
        joined.part = None;
        Ok(joined)
    }
}

/// A catalog of the items `sources` list, each `(catalog, positions)`, in
/// that order, with `first`'s header (shop, facets, vectors), `model` and
/// `part`: every field and vector code as its source holds it, bought-with
/// lists within one source, the priors of the categories and items kept, and
/// `first`'s divergence priors and report departments in a core.
fn assemble(
    first: &Catalog,
    sources: &[(&Catalog, &[u32])],
    model: Option<&SequenceModel>,
    part: Part,
) -> Result<Catalog> {
    let facets: SortedMap<String, FacetJson> = first
        .facets
        .iter()
        .map(|f| (f.name.clone(), FacetJson { divergence: f.divergence }))
        .collect();
    // The builder refuses sequence vectors without a model: they are
    // factors to it, and the kind is set back once it is done.
    let kind = match first.vector_kind {
        VectorKind::Sequence => VectorKind::Factors,
        kind => kind,
    };
    let dims = first.vectors.dims();
    let mut builder = CatalogBuilder::new(1, first.shop.clone(), dims, kind, &facets)?;
    builder.store_vectors_like(&first.vectors);
    let taken: usize = sources.iter().map(|(_, items)| items.len()).sum();
    builder.reserve(taken);
    // The strings of the items taken: all of a source's when all are, else
    // its share and an eighth more (strings shared by items are stored once).
    let (mut count, mut bytes) = (0usize, 0usize);
    for (catalog, items) in sources {
        let (n, len) = (items.len(), catalog.len().max(1));
        let share = |total: usize| {
            let part = total.saturating_mul(n) / len;
            if n >= len { total } else { part + part / 8 }
        };
        count += share(catalog.strings.len());
        bytes += share(catalog.strings.text.len());
    }
    builder.reserve_strings(count, bytes, taken);
    // Per source, each item's position in the result (u32::MAX: not taken).
    let mut positions: Vec<Vec<u32>> = Vec::with_capacity(sources.len());
    let mut next = 0u32;
    for (catalog, items) in sources {
        let mut at = vec![u32::MAX; catalog.len()];
        for &i in *items {
            if let Some(slot) = at.get_mut(i as usize) {
                *slot = next;
                next += 1;
            }
        }
        positions.push(at);
    }
    let mut priors = RepurchaseJson::default();
    for (catalog, items) in sources {
        for &i in *items {
            let item = catalog.item(i as usize);
            let (codes, scale) =
                if dims > 0 { catalog.vectors.stored(i as usize) } else { (&[][..], 0.0) };
            builder.push_item(item, codes, scale)?;
        }
    }
    for ((catalog, items), at) in sources.iter().zip(&positions) {
        for &i in *items {
            let taken = |&n: &u32| at.get(n as usize).copied().filter(|&p| p != u32::MAX);
            let neighbours: Vec<u32> =
                catalog.bought_with(i as usize).iter().filter_map(taken).collect();
            if !neighbours.is_empty() {
                builder.set_bought_with(at[i as usize] as usize, &neighbours)?;
            }
        }
        for &(node, prior) in catalog.repurchase_categories() {
            let path = catalog.taxonomy.path(node);
            // A prior of a category some item taken is under (its builder holds the lineages).
            if builder.holds_category(path) {
                priors.categories.entry(path.to_owned()).or_insert_with(|| prior.into());
            }
        }
        for &(index, prior) in catalog.repurchase_items() {
            if at.get(index as usize).is_some_and(|&p| p != u32::MAX) {
                let id = catalog.item(index as usize).id().to_owned();
                priors.items.entry(id).or_insert_with(|| prior.into());
            }
        }
    }
    builder.set_repurchase(priors);
    if part.department.is_none() {
        // The crowd's priors and the report questions are the whole catalog's: its core
        // carries them.
        builder.set_divergence_priors(first.divergence_priors.clone());
        builder.set_report_departments(first.report_departments.clone());
    }
    let mut catalog = builder.finish()?;
    catalog.vector_kind = first.vector_kind;
    catalog.sequence_model = model.map(|m| Box::new(m.clone()));
    if part.department.is_some() {
        // A shard names its core's codebook; the core holds the centroids.
        catalog.vectors.keep_codebook_reference();
    }
    catalog.part = Some(part);
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{Shape, catalog};

    /// Every item of a catalog assembled in its order is the catalog again,
    /// byte for byte: `push_item` stores what `push` stored from the JSON.
    #[test]
    fn assembling_every_item_in_order_gives_the_catalog_back() {
        let mut json = catalog(3, Shape { items: 300, dims: 8, leaves: 12, facets: 3 });
        for (k, item) in json.items.iter_mut().enumerate() {
            item.currency = (k % 3 != 0).then(|| ["EUR", "USD"][k % 2].to_owned());
            item.sensitive = (k % 17 == 0).then(|| "health".to_owned());
            item.released = (k % 5 == 0).then(|| format!("2026-0{}-1{}", 1 + k % 9, k % 10));
            item.url = (k % 4 != 0).then(|| format!("/p/{}", item.id));
            item.image = (k % 6 != 0).then(|| format!("https://cdn.example/{}.jpg", k % 50));
            item.available = k % 7 != 0;
        }
        let whole = Catalog::from_json(json).unwrap();
        let all: Vec<u32> = (0..whole.len() as u32).collect();
        let part = Part { build: 1, department: None };
        let mut again = assemble(&whole, &[(&whole, &all)], None, part).unwrap();
        again.part = None;
        assert!(again.to_binary() == whole.to_binary(), "the same catalog, byte for byte");
    }
}
