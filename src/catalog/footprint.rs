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
        let columns = [&c.id, &c.title, &c.category, &c.attr_start, &c.row]
            .into_iter()
            .chain([&c.currency, &c.released, &c.sensitive, &c.url, &c.image])
            .map(held)
            .sum::<usize>()
            + c.price.held_bytes()
            + c.attrs.held_bytes()
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// A shop of `items` items in euros over three departments of seven
    /// categories, popular or not.
    fn shop(items: usize, popular: bool) -> Catalog {
        let item = |i: usize| {
            let popularity = if popular { (i % 10) as f32 / 10.0 } else { 0.0 };
            let vector = [(i * 7 % 11) as f32 - 5.0, (i * 3 % 13) as f32 - 6.0];
            format!(
                r#"{{"id":"sku-{i}","title":"Item {i}","category":"Dept {} > Leaf {}",
                "price":{}.5,"currency":"EUR","popularity":{popularity},
                "attributes":{{"colour":"c{}"}},"vector":{vector:?}}}"#,
                i % 3,
                i % 7,
                10 + i % 50,
                i % 5
            )
        };
        let items: Vec<String> = (0..items).map(item).collect();
        Catalog::from_json_str(&format!(
            r#"{{"version":1,"shop":"s","dims":2,"facets":{{"colour":{{}}}},"items":[{}]}}"#,
            items.join(",")
        ))
        .unwrap()
    }

    /// `whole` as built, read back from its bytes, and joined from its parts
    /// (a core of `core` items and a shard per department).
    fn built_loaded_joined(whole: Catalog, core: usize) -> [(&'static str, Catalog); 3] {
        let loaded = Catalog::from_binary(&whole.to_binary()).unwrap();
        let joined = Catalog::from_parts(&whole.split(1, core).unwrap()).unwrap();
        [("built", whole), ("loaded", loaded), ("joined", joined)]
    }

    #[test]
    fn a_catalog_holds_its_row_maps_once_built_loaded_or_joined() {
        for (what, c) in &built_loaded_joined(shop(400, true), 30) {
            assert!(!c.columns.row.is_empty(), "{what}: rows grouped by category");
            assert!(c.vectors.shares_maps(c.members.order_map(), &c.columns.row), "{what}");
            // Only the codes and scales are the vectors' own.
            let own = c.vectors.codes().len() + 4 * c.vectors.scales().len();
            assert!(c.vectors.held_bytes() < own + 64, "{what}: {}", c.vectors.held_bytes());
        }
    }

    #[test]
    fn one_currency_for_every_item_and_no_sensitive_class_or_popularity_cost_no_column() {
        for (what, c) in &built_loaded_joined(shop(200, false), 20) {
            let columns = &c.columns;
            let held = [&columns.currency, &columns.sensitive].map(|c| c.capacity());
            assert_eq!((held, columns.popularity.capacity()), ([0, 0], 0), "{what}");
            assert!(c.iter().all(|item| item.currency() == Some("EUR")
                && !item.is_sensitive()
                && item.popularity() == 0.0));
        }
    }

    #[test]
    fn joins_end_with_no_spare_room_never_hold_twice_what_they_need_and_at_hand_move_nothing() {
        let whole = shop(900, true);
        let parts = whole.split(2, 30).unwrap();
        let every = Catalog::from_parts(&parts).unwrap();
        // One shard after another, toward the catalog the parts make.
        let mut joined = Catalog::from_parts(&parts[..1]).unwrap();
        joined.expect_items(whole.len());
        let mut layout = vec![(None, parts[0].len())];
        let mut codes = None;
        for shard in &parts[1..] {
            joined.join_shard_in_place(&layout, shard).unwrap();
            layout.push((shard.part().and_then(|p| p.department.as_deref()), shard.len()));
            let c = &joined.columns;
            assert!(c.category.capacity() <= 2 * joined.len(), "{}", c.category.capacity());
            assert!(c.attrs.capacity() <= 2 * c.attrs.len());
            // The codes' page has the room of every row it will hold: it never moves.
            let here = joined.vectors.codes_address();
            assert_eq!(*codes.get_or_insert(here), here, "the codes moved");
        }
        // The same parts at hand: each column grown once, at the first join.
        let mut at_hand = Catalog::from_parts(&parts[..1]).unwrap();
        at_hand.expect_items_at_hand(whole.len());
        let mut layout = vec![(None, parts[0].len())];
        let mut places = None;
        for shard in &parts[1..] {
            at_hand.join_shard_in_place(&layout, shard).unwrap();
            layout.push((shard.part().and_then(|p| p.department.as_deref()), shard.len()));
            let c = &at_hand.columns;
            let here = (c.category.as_ptr(), c.id.as_ptr(), at_hand.vectors.codes_address());
            assert_eq!(*places.get_or_insert(here), here, "a column moved");
            assert_eq!(c.category.capacity(), whole.len());
        }
        assert_eq!(at_hand.to_binary(), every.to_binary());
        for c in [&joined, &every, &at_hand] {
            let columns = &c.columns;
            assert_eq!((columns.category.capacity(), columns.row.capacity()), (c.len(), c.len()));
            assert_eq!(columns.attrs.capacity(), columns.attrs.len());
            let own = c.vectors.codes().len() + 4 * c.vectors.scales().len();
            let pages = c.len().div_ceil(super::super::pages::PAGE_ROWS);
            assert_eq!(c.vectors.held_bytes(), own + pages * std::mem::size_of::<Vec<i8>>());
        }
    }
}
