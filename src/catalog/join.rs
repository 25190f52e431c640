//! Joining a shard into the catalog a page holds, in place: the shard's items
//! are spliced into the held columns one column at a time, so that a page
//! never holds two catalogs (the old one and the joined one) at once.
//!
//! The result is the catalog [`Catalog::join_shard`] builds: the same items
//! at the same positions, the same taxonomy ids, facet value ids, rows,
//! vectors, neighbours and priors. Only the string arena may differ in the
//! order it stores strings (the shard's are appended), which nothing reads.

use std::collections::HashMap;

use super::bought_with::BoughtWith;
use super::members::Members;
use super::repurchase::{Priors, Repurchase};
use super::row_merge::{Room, RowPlan, RowSource};
use super::strings::{NO_STR, StrId, Strings};
use super::{Catalog, CategoryId, NO_DAY, Taxonomy};
use crate::error::{Error, Result};

/// Where an item of the joined catalog comes from.
#[derive(Clone, Copy)]
enum Source {
    /// The held catalog's item at this position.
    Held(usize),
    /// The shard's item at this position.
    Shard(usize),
}

/// The positions of a join: `n` shard items spliced in before held item
/// `at`; and how its columns grow.
#[derive(Clone, Copy)]
struct Splice {
    at: usize,
    n: usize,
    total: usize,
    room: Room,
}

impl Splice {
    /// Where item `q` of the joined catalog comes from.
    #[inline]
    fn source(self, q: usize) -> Source {
        if q < self.at {
            Source::Held(q)
        } else if q < self.at + self.n {
            Source::Shard(q - self.at)
        } else {
            Source::Held(q - self.n)
        }
    }

    /// The joined position of held item `p`.
    #[inline]
    fn held(self, p: u32) -> u32 {
        if (p as usize) < self.at { p } else { p + self.n as u32 }
    }

    /// The joined position of shard item `j`.
    #[inline]
    fn shard(self, j: u32) -> u32 {
        j + self.at as u32
    }
}

impl Catalog {
    /// Joins `shard` into `self` in place: afterwards `self` is the catalog
    /// [`Catalog::join_shard`] returns for the same `layout` and `shard`
    /// (every item, position, category, facet value, row, vector, neighbour
    /// and prior the same; the string arena may store strings in another
    /// order). It never holds a second copy of the catalog, only one column
    /// being rebuilt at a time.
    ///
    /// # Errors
    ///
    /// Those of [`Catalog::join_shard`], and an item of the shard held
    /// already (`CATALOG_INVALID`); on any error `self` is unchanged.
    pub fn join_shard_in_place(
        &mut self,
        layout: &[(Option<&str>, usize)],
        shard: &Catalog,
    ) -> Result<()> {
        let at = self.check_join(layout, shard)?;
        if let Some(item) = shard.iter().find(|item| self.index_of(item.id()).is_some()) {
            return Err(Error::item_field(item.id(), "id", "duplicate id"));
        }
        // Nothing below fails.
        let total = self.len() + shard.len();
        let room =
            Room { items: total, expected: self.expected_items, at_once: self.expected_at_hand };
        let splice = Splice { at, n: shard.len(), total, room };
        let shared = self.intern_shard_strings(shard, room);
        let (taxonomy, held_nodes, shard_nodes) = self.joined_taxonomy(shard, splice);
        let (held_values, shard_values) = self.join_facet_values(shard, &shared);
        self.splice_item_columns(shard, splice, &shared);
        let nodes = [held_nodes.as_slice(), shard_nodes.as_slice()];
        let values = [held_values.as_slice(), shard_values.as_slice()];
        self.rearrange_rows(shard, splice, &taxonomy, nodes, values, &shared);
        self.join_neighbours(shard, splice);
        self.join_priors(shard, splice, &taxonomy, nodes);
        self.taxonomy = taxonomy;
        self.join_ids(room);
        // Columns of values per item reckoned from the parts joined first.
        self.columns.attrs.fit(room);
        room.fit(&mut self.strings.ends);
        room.fit_text(&mut self.strings.text);
        self.part = None;
        Ok(())
    }

    /// Interns the shard's strings into the held arena: ids, titles and links
    /// appended, the values items share (facet values, currencies, release
    /// dates, sensitive classes) found among the held ones first. Returns the
    /// shard's string ids in the held arena, by the shard's.
    fn intern_shard_strings(&mut self, shard: &Catalog, room: Room) -> Vec<StrId> {
        let mut shared: HashMap<String, StrId> = HashMap::new();
        let columns = &self.columns;
        let values = self.facet_values.iter().map(|&(_, s)| s);
        let ids = values
            .chain(columns.currency_all)
            .chain(columns.currency.iter().copied())
            .chain(columns.released.iter().copied())
            .chain(columns.sensitive.iter().copied());
        let mut last = NO_STR;
        for id in ids.filter(|&id| id != NO_STR) {
            let text = self.strings.get(id);
            if id != last && !shared.contains_key(text) {
                shared.insert(text.to_owned(), id);
            }
            last = id;
        }
        let mut map = vec![NO_STR; shard.strings.len()];
        // Room for the strings the shard's items use, exactly: its arena also
        // holds its links (taken out), and a held arena grown by doubling
        // would keep the slack for good.
        let sc = &shard.columns;
        let mut used = vec![false; shard.strings.len()];
        let columns = [&sc.id, &sc.title, &sc.url, &sc.image, &sc.currency, &sc.released];
        let ids = columns.into_iter().chain([&sc.sensitive]).flatten().copied();
        let ids = ids.chain(sc.currency_all).chain(shard.facet_values.iter().map(|&(_, id)| id));
        for id in ids {
            if let Some(slot) = used.get_mut(id as usize) {
                *slot = true;
            }
        }
        let (mut count, mut bytes) = (0, 0);
        for (id, _) in used.iter().enumerate().filter(|(_, used)| **used) {
            count += 1;
            bytes += shard.strings.get(id as StrId).len();
        }
        drop(used);
        let strings = &mut self.strings;
        let (text, ends) = (strings.text.len() + bytes, strings.ends.len() + count);
        room.grow_text(&mut strings.text, text);
        room.grow(&mut strings.ends, ends);
        let add = |strings: &mut Strings, text: &str| {
            strings.text.push_str(text);
            strings.ends.push(strings.text.len() as u32);
            (strings.ends.len() - 1) as StrId
        };
        let mut intern_shared = |strings: &mut Strings, map: &mut Vec<StrId>, id: StrId| {
            if id == NO_STR || map[id as usize] != NO_STR {
                return;
            }
            let text = shard.strings.get(id);
            map[id as usize] = match shared.get(text) {
                Some(&held) => held,
                None => {
                    let new = add(strings, text);
                    shared.insert(text.to_owned(), new);
                    new
                }
            };
        };
        for &(_, id) in &shard.facet_values {
            intern_shared(strings, &mut map, id);
        }
        for column in [&sc.currency, &sc.released, &sc.sensitive] {
            for &id in column {
                intern_shared(strings, &mut map, id);
            }
        }
        if let Some(id) = sc.currency_all {
            intern_shared(strings, &mut map, id);
        }
        for column in [&sc.id, &sc.title, &sc.url, &sc.image] {
            for &id in column {
                if id != NO_STR && map[id as usize] == NO_STR {
                    map[id as usize] = add(strings, shard.strings.get(id));
                }
            }
        }
        map
    }

    /// The taxonomy of the joined catalog, its nodes interned in the order
    /// of the joined items (as a builder given them in that order interns
    /// them), and each held and shard node's id in it.
    fn joined_taxonomy(
        &self,
        shard: &Catalog,
        splice: Splice,
    ) -> (Taxonomy, Vec<CategoryId>, Vec<CategoryId>) {
        let mut taxonomy = Taxonomy::default();
        let mut held = vec![CategoryId::MAX; self.taxonomy.len()];
        let mut from_shard = vec![CategoryId::MAX; shard.taxonomy.len()];
        for q in 0..splice.total {
            let (catalog, index, map) = match splice.source(q) {
                Source::Held(p) => (self, p, &mut held),
                Source::Shard(j) => (shard, j, &mut from_shard),
            };
            let node = catalog.item(index).category();
            if map[node as usize] == CategoryId::MAX {
                let path = catalog.taxonomy.path(node);
                map[node as usize] = taxonomy.intern(path).unwrap_or(0);
            }
        }
        // Ancestors no item is filed under are found through their descendants' paths.
        for (catalog, map) in [(self, &mut held), (shard, &mut from_shard)] {
            for node in 0..catalog.taxonomy.len() as CategoryId {
                if map[node as usize] == CategoryId::MAX {
                    map[node as usize] = taxonomy.find(catalog.taxonomy.path(node)).unwrap_or(0);
                }
            }
        }
        (taxonomy, held, from_shard)
    }

    /// Merges the shard's `(facet, value)` pairs into the held ones (sorted
    /// by facet, then value text) and returns each held and shard pair's new id.
    fn join_facet_values(&mut self, shard: &Catalog, shared: &[StrId]) -> (Vec<u32>, Vec<u32>) {
        let strings = &self.strings;
        let key = |&(facet, value): &(u16, StrId)| (facet, strings.get(value));
        let held = std::mem::take(&mut self.facet_values);
        let theirs: Vec<(u16, StrId)> =
            shard.facet_values.iter().map(|&(f, v)| (f, shared[v as usize])).collect();
        let mut merged = Vec::with_capacity(held.len() + theirs.len());
        let (mut held_ids, mut shard_ids) = (vec![0u32; held.len()], vec![0u32; theirs.len()]);
        let (mut i, mut j) = (0, 0);
        while i < held.len() || j < theirs.len() {
            let order = match (held.get(i), theirs.get(j)) {
                (Some(a), Some(b)) => key(a).cmp(&key(b)),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let id = merged.len() as u32;
            if order.is_le() {
                merged.push(held[i]);
                held_ids[i] = id;
                i += 1;
            }
            if order.is_ge() {
                if order.is_gt() {
                    merged.push(theirs[j]);
                }
                shard_ids[j] = id;
                j += 1;
            }
        }
        self.facet_values = merged;
        (held_ids, shard_ids)
    }

    /// Splices the shard's values into the columns kept item after item.
    fn splice_item_columns(&mut self, shard: &Catalog, splice: Splice, shared: &[StrId]) {
        let (held_len, at) = (self.len(), splice.at);
        let room = splice.room;
        let c = &mut self.columns;
        let sc = &shard.columns;
        let map = |id: StrId| if id == NO_STR { NO_STR } else { shared[id as usize] };
        // One currency for every item on both sides stays one; else the column is spelled out.
        let same = c.currency.is_empty()
            && sc.currency.is_empty()
            && c.currency_all == sc.currency_all.map(map);
        if !same && c.currency.is_empty() {
            c.currency = vec![c.currency_of(0); held_len];
            c.currency_all = None;
        }
        let their_currency = if same { Vec::new().into() } else { sc.currency_by_item() };
        let pairs = [
            (&mut c.id, sc.id.as_slice()),
            (&mut c.title, &sc.title),
            (&mut c.currency, &their_currency),
            (&mut c.released, &sc.released),
            (&mut c.url, &sc.url),
            (&mut c.image, &sc.image),
        ];
        for (column, theirs) in pairs {
            if column.is_empty() && theirs.is_empty() {
                continue; // an optional column neither holds stays empty
            }
            if column.is_empty() {
                *column = vec![NO_STR; held_len];
            }
            let values = (0..shard.len()).map(|j| map(theirs.get(j).copied().unwrap_or(NO_STR)));
            room.grow(column, splice.total);
            column.splice(at..at, values);
        }
        c.price.splice(at, &sc.price, room);
        c.drop_absent();
    }

    /// Puts every column kept by row (category, facet values, availability,
    /// popularity, sensitive class, release day, vector) in the joined
    /// catalog's row order: its taxonomy's nodes one after another, each
    /// node's items by position. Each column is merged where it lies
    /// (`row_merge.rs`), one at a time.
    fn rearrange_rows(
        &mut self,
        shard: &Catalog,
        splice: Splice,
        taxonomy: &Taxonomy,
        nodes: [&[CategoryId]; 2],
        values: [&[u32]; 2],
        shared: &[StrId],
    ) {
        let room = splice.room;
        // The joined lists are written into the held lists' allocations, grown
        // as the columns are: memory that never shrinks keeps no hole of them.
        self.vectors.release_maps();
        let held_order = std::mem::take(&mut self.members);
        let held_rows = std::mem::take(&mut self.columns.row);
        let held_row = |p: usize| held_rows.get(p).map_or(p, |&h| h as usize);
        let mut list = held_order.into_allocation();
        room.grow(&mut list, splice.total);
        // Each joined item's node, from the held rows' categories (not yet merged).
        let node_of = |q: usize| match splice.source(q) {
            Source::Held(p) => nodes[0][self.columns.category[held_row(p)] as usize],
            Source::Shard(j) => nodes[1][shard.item(j).category() as usize],
        };
        let members = Members::grouping_in(list, splice.total, taxonomy.len(), node_of);
        let order = members.order();
        let plan = RowPlan::new(splice.total, |r| match splice.source(order[r] as usize) {
            Source::Held(p) => RowSource::Held(held_row(p)),
            Source::Shard(j) => RowSource::Shard(shard.columns.row(j)),
        });
        let pairs = self.facet_values.len();
        let (c, sc) = (&mut self.columns, &shard.columns);
        let [held_nodes, shard_nodes] = nodes;
        plan.merge(
            &mut c.category,
            1,
            room,
            0,
            |n| held_nodes[n as usize],
            |s, out| {
                out[0] = shard_nodes[sc.category[s] as usize];
            },
        );
        let theirs = |id: StrId| if id == NO_STR { NO_STR } else { shared[id as usize] };
        if !c.sensitive.is_empty() || !sc.sensitive.is_empty() {
            if c.sensitive.is_empty() {
                c.sensitive = vec![NO_STR; splice.total - splice.n];
            }
            plan.merge(
                &mut c.sensitive,
                1,
                room,
                NO_STR,
                |v| v,
                |s, out| {
                    out[0] = theirs(sc.sensitive_at(s));
                },
            );
        }
        plan.merge(&mut c.available, 1, room, false, |v| v, |s, out| out[0] = sc.available[s]);
        if !c.popularity.is_empty() || !sc.popularity.is_empty() {
            if c.popularity.is_empty() {
                c.popularity = vec![0.0; splice.total - splice.n];
            }
            plan.merge(
                &mut c.popularity,
                1,
                room,
                0.0,
                |v| v,
                |s, out| {
                    out[0] = sc.popularity.get(s).copied().unwrap_or(0.0);
                },
            );
        }
        let [held_values, shard_values] = values;
        let their_ids = (sc.attr_start.as_slice(), &sc.attrs);
        c.attrs.merge(&mut c.attr_start, &plan, room, pairs, held_values, their_ids, shard_values);
        if !self.released_days.is_empty() || !shard.released_days.is_empty() {
            if self.released_days.is_empty() {
                self.released_days = vec![NO_DAY; splice.total - splice.n];
            }
            let days = &shard.released_days;
            plan.merge(
                &mut self.released_days,
                1,
                room,
                NO_DAY,
                |d| d,
                |s, out| {
                    out[0] = days.get(s).copied().unwrap_or(NO_DAY);
                },
            );
        }
        self.vectors.merge_rows(&shard.vectors, &plan, room);
        let mut rows = std::sync::Arc::try_unwrap(held_rows).unwrap_or_default();
        room.grow(&mut rows, splice.total);
        rows.resize(splice.total, 0);
        for (row, &q) in members.order().iter().enumerate() {
            rows[q as usize] = row as u32;
        }
        let rows = std::sync::Arc::new(rows);
        self.vectors.keep_maps(members.order_map(), &rows);
        self.columns.row = rows;
        self.members = members;
    }
}

impl Catalog {
    /// The checks [`Catalog::join_shard`] makes; the number of held items
    /// before the shard's place (the shards follow the core in department order).
    pub(super) fn check_join(
        &self,
        layout: &[(Option<&str>, usize)],
        shard: &Catalog,
    ) -> Result<usize> {
        let bad = |reason: String| Error::CatalogCorrupt { reason };
        let Some(department) = shard.part.as_ref().and_then(|p| p.department.as_deref()) else {
            return Err(bad("only a shard joins a joined catalog".into()));
        };
        if layout.iter().map(|(_, n)| n).sum::<usize>() != self.len()
            || layout.len() >= super::MAX_PARTS
        {
            return Err(bad("the layout does not count the joined catalog's items".into()));
        }
        if layout.iter().any(|(d, _)| *d == Some(department)) {
            return Err(bad(format!("the shard of {department:?} is held already")));
        }
        let same_vectors =
            shard.vectors.stored_alike(&self.vectors) && shard.vector_kind == self.vector_kind;
        if shard.shop != self.shop || shard.facets != self.facets || !same_vectors {
            return Err(bad(format!(
                "the part {department:?} differs from its core in shop, facets or vectors"
            )));
        }
        Ok(layout
            .iter()
            .take_while(|(d, _)| d.is_none_or(|d| d < department))
            .map(|(_, n)| n)
            .sum())
    }

    /// The neighbour lists at the joined positions: the held ones moved, the
    /// shard's (within the shard) placed.
    fn join_neighbours(&mut self, shard: &Catalog, splice: Splice) {
        if self.bought_with.is_empty() && shard.bought_with.is_empty() {
            self.bought_with = BoughtWith::default();
            return;
        }
        let held = std::mem::take(&mut self.bought_with);
        let mut list = Vec::with_capacity(super::MAX_BOUGHT_WITH);
        let mut start = Vec::with_capacity(splice.total + 1);
        let mut items = Vec::with_capacity(held.items.len() + shard.bought_with.items.len());
        for q in 0..splice.total {
            start.push(items.len() as u32);
            list.clear();
            match splice.source(q) {
                Source::Held(p) => list.extend(held.of(p).iter().map(|&i| splice.held(i))),
                Source::Shard(j) => {
                    list.extend(shard.bought_with.of(j).iter().map(|&i| splice.shard(i)))
                }
            }
            items.extend_from_slice(&list);
        }
        start.push(items.len() as u32);
        self.bought_with =
            if items.is_empty() { BoughtWith::default() } else { BoughtWith { start, items } };
    }

    /// The priors of the joined catalog: the held ones and the shard's (the
    /// held first for a category both give), at the joined nodes and positions.
    fn join_priors(
        &mut self,
        shard: &Catalog,
        splice: Splice,
        taxonomy: &Taxonomy,
        nodes: [&[CategoryId]; 2],
    ) {
        let held = std::mem::take(&mut self.repurchase);
        let mut categories: Vec<(CategoryId, Repurchase)> = Vec::new();
        for (k, list) in [&held.categories, &shard.repurchase.categories].into_iter().enumerate() {
            for &(node, prior) in list {
                let node = nodes[k][node as usize];
                if !categories.iter().any(|&(n, _)| n == node) {
                    categories.push((node, prior));
                }
            }
        }
        crate::util::sort::sort_by(&mut categories, |a, b| a.0.cmp(&b.0));
        let mut items: Vec<(u32, Repurchase)> =
            held.items.iter().map(|&(p, prior)| (splice.held(p), prior)).collect();
        items.extend(shard.repurchase.items.iter().map(|&(j, prior)| (splice.shard(j), prior)));
        crate::util::sort::sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        self.repurchase = Priors::new(categories, items, taxonomy);
    }

    /// The id table of the joined items.
    fn join_ids(&mut self, room: Room) {
        self.ids.rebuild(&self.strings, &self.columns.id, room);
    }
}
