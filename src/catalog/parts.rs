//! A catalog cut into parts that follow the pages (docs/FORMATS.md, "Sharded
//! catalog v1"): a core every shopper gets (the most popular items, the
//! sequence model) and one shard per department, each a binary catalog that
//! says which part it is ([`Part`]). [`Catalog::split`] cuts (the compiler,
//! `assemble.rs`), [`Catalog::from_parts`] joins whichever parts a page has
//! fetched, each shard in place (`join.rs`).

use super::Catalog;
use crate::error::{Error, Result};
use crate::util::sort::sort_by;

/// Most parts a sharded catalog may have: its core and its shards.
pub const MAX_PARTS: usize = 4096;

/// Which part of a sharded catalog a catalog is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// What every part of one sharded catalog shares: the content hash of
    /// the whole catalog's binary form, so parts of two builds never mix.
    pub build: u64,
    /// The department (the category path cut to the shard depth) whose
    /// items a shard holds; `None` for the core.
    pub department: Option<String>,
}

impl Catalog {
    /// Which part of a sharded catalog this is; `None` for a whole catalog.
    pub fn part(&self) -> Option<&Part> {
        self.part.as_ref()
    }

    /// Tells a joined catalog how many items it will hold once every part
    /// it may join is joined (a page's manifest counts them). Each join then
    /// grows the columns toward that size, by half again up to half of it and
    /// then to all of it, rather than to exactly the items joined so far: a
    /// page adding shard after shard moves its columns a few times instead
    /// of at every join, and WebAssembly memory, which never shrinks, keeps
    /// fewer holes. A hint: the catalog is the same either way.
    pub fn expect_items(&mut self, items: usize) {
        self.expected_items = items;
        self.expected_at_hand = false;
    }

    /// Tells a joined catalog that the parts of `items` items in all are at
    /// hand and joined one after another now (a page opening every part it
    /// kept): the first join grows each column to all of them, so that no
    /// column moves again and leaves its earlier copy as a hole in memory
    /// that never shrinks. [`Catalog::expect_items`] then tells it about the
    /// parts still to come. A hint: the catalog is the same either way.
    ///
    /// ```
    /// use flaneur::catalog::Catalog;
    /// let whole = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
    ///   {"id":"a","title":"A","category":"Knit > Cardigans"},
    ///   {"id":"b","title":"B","category":"Denim > Jeans"},
    ///   {"id":"c","title":"C","category":"Denim > Skirts"}]}"#).unwrap();
    /// let parts = whole.split(1, 1).unwrap();
    /// let mut joined = Catalog::from_parts(&parts[..1]).unwrap();
    /// joined.expect_items_at_hand(whole.len());
    /// let mut layout = vec![(None, parts[0].len())];
    /// for shard in &parts[1..] {
    ///     joined.join_shard_in_place(&layout, shard).unwrap();
    ///     layout.push((shard.part().and_then(|p| p.department.as_deref()), shard.len()));
    /// }
    /// assert_eq!(joined.len(), 3);
    /// assert_eq!(joined.item(joined.index_of("c").unwrap()).category_path(), "Denim > Skirts");
    /// ```
    pub fn expect_items_at_hand(&mut self, items: usize) {
        self.expected_items = items;
        self.expected_at_hand = true;
    }

    /// The department of category path `path` at `depth` levels: its first
    /// `depth` levels (the whole path when it has fewer; at least one level).
    ///
    /// ```
    /// use flaneur::catalog::Catalog;
    /// assert_eq!(Catalog::department("Women > Knitwear > Cardigans", 1), "Women");
    /// assert_eq!(Catalog::department("Women > Knitwear > Cardigans", 2), "Women > Knitwear");
    /// assert_eq!(Catalog::department("Women", 3), "Women");
    /// ```
    pub fn department(path: &str, depth: usize) -> &str {
        let mut end = path.len();
        let mut levels = 0;
        for (at, _) in path.match_indices(" > ") {
            levels += 1;
            if levels >= depth.max(1) {
                end = at;
                break;
            }
        }
        &path[..end]
    }

    /// Joins the parts of one sharded catalog that a page has: exactly one
    /// core and any of its shards, in any order, into one catalog (the core's
    /// items, then each shard's in department order), each shard joined in
    /// place ([`Catalog::join_shard_in_place`]).
    ///
    /// # Errors
    ///
    /// [`Error::CatalogCorrupt`] for a whole catalog among them, no core or
    /// two, parts of different builds, shops, vectors or facets, a department
    /// twice, or more than [`MAX_PARTS`] parts; [`Error::CatalogInvalid`] for
    /// an item in two parts.
    pub fn from_parts(parts: &[Catalog]) -> Result<Catalog> {
        let bad = |reason: String| Error::CatalogCorrupt { reason };
        if parts.len() > MAX_PARTS {
            return Err(bad(format!("{} parts, at most {MAX_PARTS}", parts.len())));
        }
        let mut cores =
            parts.iter().filter(|p| p.part.as_ref().is_some_and(|p| p.department.is_none()));
        let (Some(core), None) = (cores.next(), cores.next()) else {
            return Err(bad("a sharded catalog joins exactly one core with its shards".into()));
        };
        let build = core.part.as_ref().map_or(0, |p| p.build);
        let mut shards: Vec<(&str, &Catalog)> = Vec::with_capacity(parts.len());
        for part in parts {
            let Some(info) = &part.part else {
                return Err(bad("a whole catalog is not a part of a sharded one".into()));
            };
            if info.build != build {
                return Err(bad(format!(
                    "a part of build {:016x} among the parts of build {build:016x}",
                    info.build
                )));
            }
            let same_vectors =
                part.vectors.stored_alike(&core.vectors) && part.vector_kind == core.vector_kind;
            if part.shop != core.shop || part.facets != core.facets || !same_vectors {
                return Err(bad(format!(
                    "the part {:?} differs from its core in shop, facets or vectors",
                    info.department.as_deref().unwrap_or("core")
                )));
            }
            if let Some(department) = &info.department {
                shards.push((department, part));
            }
        }
        sort_by(&mut shards, |a, b| a.0.cmp(b.0));
        if let Some(twice) = shards.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(bad(format!("the shard of {:?} is given twice", twice[0].0)));
        }
        // The core as a joined catalog, then each shard joined into it in place.
        let mut joined = core.clone();
        joined.part = None;
        joined
            .expect_items_at_hand(shards.iter().map(|(_, s)| s.len()).sum::<usize>() + core.len());
        let mut layout: Vec<(Option<&str>, usize)> = vec![(None, core.len())];
        for &(department, shard) in &shards {
            joined.join_shard_in_place(&layout, shard)?;
            layout.push((Some(department), shard.len()));
        }
        joined.expect_items(0);
        Ok(joined)
    }
}
