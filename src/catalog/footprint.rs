//! What a catalog holds in memory, by kind: how a page's memory follows
//! the catalog it holds (`flaneur catalog inspect`, docs/BENCHMARKS.md).

use super::Catalog;

/// The bytes a catalog's allocations hold (their capacity, not their
/// length), by kind. Small fixed parts (the facets, the shop's name) are left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    /// The string arena: text and offsets.
    pub strings: usize,
    /// The item columns (string ids, categories, facet values, prices, …).
    pub columns: usize,
    /// Vector codes, scales and their row maps.
    pub vectors: usize,
    /// Lookups derived on load: the id table, each category's items.
    pub indexes: usize,
    /// The taxonomy, neighbours, priors, release days and the sequence model.
    pub other: usize,
}

impl Footprint {
    /// All of it.
    pub fn total(&self) -> usize {
        self.strings + self.columns + self.vectors + self.indexes + self.other
    }
}

/// The bytes a vector's allocation holds.
fn held<T>(v: &Vec<T>) -> usize {
    v.capacity() * std::mem::size_of::<T>()
}

impl Catalog {
    /// What the catalog holds in memory, by kind.
    ///
    /// ```
    /// use flaneur::catalog::Catalog;
    /// let c = Catalog::from_json_str(r#"{"version":1,"shop":"s","dims":2,"items":[
    ///   {"id":"a","title":"Red sweater","category":"Knit","vector":[1,0]}]}"#).unwrap();
    /// let f = c.footprint();
    /// assert!(f.strings >= "aRed sweater".len() && f.vectors >= 2);
    /// assert_eq!(f.total(), f.strings + f.columns + f.vectors + f.indexes + f.other);
    /// ```
    pub fn footprint(&self) -> Footprint {
        let c = &self.columns;
        let strings = self.strings.text.capacity() + held(&self.strings.ends);
        let columns = [&c.id, &c.title, &c.category, &c.attr_start, &c.attrs, &c.row]
            .into_iter()
            .chain([&c.currency, &c.released, &c.sensitive, &c.url, &c.image])
            .map(held)
            .sum::<usize>()
            + held(&c.price)
            + held(&c.available)
            + held(&c.popularity)
            + held(&self.facet_values);
        let vectors = self.vectors.held_bytes();
        let indexes = self.ids.held_bytes() + self.members.held_bytes();
        let model = self.sequence_model.as_ref().map_or(0, |m| m.shape().value_count() * 4);
        let other = self.taxonomy.held_bytes()
            + held(&self.bought_with.start)
            + held(&self.bought_with.items)
            + held(&self.released_days)
            + model;
        Footprint { strings, columns, vectors, indexes, other }
    }
}
