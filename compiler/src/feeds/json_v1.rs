//! flaneur JSON v1 catalogs as feeds, streamed in two passes: the first reads
//! the header fields (`version`, `shop`, `dims`, `vector_kind`, `facets`,
//! `repurchase`) and
//! skips `items` without keeping any of it; the second starts the catalog and
//! compiles the items one at a time as they are parsed. So the keys may come
//! in any order (our writer puts `items` last, `jq -S` sorts it first) and
//! memory stays bounded either way.

use flaneur::util::sorted_map::SortedMap;
use std::path::Path;

use flaneur::catalog::{FacetJson, ItemJson, RepurchaseJson, SUPPORTED_VERSION, VectorKind};
use serde::de::{self, DeserializeOwned, MapAccess};

use super::common::{document_error, element};
use crate::compile::{Compiler, Draft, Locator};
use crate::json_stream::{self, Elements, Fields};

/// The header fields of a JSON v1 catalog (field names and defaults as in the
/// core's `CatalogJson`), and whether `items` was met: the first pass.
#[derive(Default)]
struct Header {
    version: Option<u32>,
    shop: Option<String>,
    dims: Option<usize>,
    vector_kind: Option<VectorKind>,
    facets: Option<SortedMap<String, FacetJson>>,
    repurchase: Option<RepurchaseJson>,
    items: bool,
}

/// Reads a header field's value; a key given twice is an error, as for the core.
fn header_field<'de, T: DeserializeOwned, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    key: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl Fields for Header {
    fn expecting(&self) -> &'static str {
        "a flaneur JSON v1 catalog object"
    }

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "version" => header_field(&mut self.version, "version", map),
            "shop" => header_field(&mut self.shop, "shop", map),
            "dims" => header_field(&mut self.dims, "dims", map),
            "vector_kind" => header_field(&mut self.vector_kind, "vector_kind", map),
            "facets" => header_field(&mut self.facets, "facets", map),
            "repurchase" => header_field(&mut self.repurchase, "repurchase", map),
            "items" if self.items => Err(de::Error::duplicate_field("items")),
            "items" => {
                self.items = true;
                json_stream::skip(map)
            }
            _ => json_stream::skip(map),
        }
    }

    fn end<E: de::Error>(&mut self) -> Result<(), E> {
        if self.version.is_none() {
            return Err(E::missing_field("version"));
        }
        if self.shop.is_none() {
            return Err(E::missing_field("shop"));
        }
        if !self.items {
            return Err(E::missing_field("items"));
        }
        Ok(())
    }
}

impl Header {
    /// Starts the catalog; `false` when the version is not one this build
    /// reads (a problem) or `version`/`shop` were never read.
    fn start(&mut self, c: &mut Compiler) -> bool {
        let (Some(version), Some(shop)) = (self.version, self.shop.as_deref()) else {
            return false;
        };
        if version == 0 || version > SUPPORTED_VERSION {
            c.problems.path(
                "version",
                flaneur::Error::CatalogVersion { found: version, supported: SUPPORTED_VERSION }
                    .to_string(),
            );
            return false;
        }
        if c.options.shop.is_none() {
            c.options.shop = Some(shop.to_string());
        }
        let facets = self.facets.clone().unwrap_or_default();
        for (name, f) in &facets {
            if f.divergence && !c.options.divergence.contains(name) {
                c.options.divergence.push(name.clone());
            }
        }
        let names: Vec<String> = facets.keys().cloned().collect();
        let json_dims = self.dims.unwrap_or(0);
        let dims = if json_dims > 0 {
            c.supplied_vectors = true;
            json_dims
        } else {
            c.options.dims
        };
        let kind =
            if json_dims > 0 { self.vector_kind.unwrap_or_default() } else { VectorKind::Content };
        c.start(version, shop, &names, dims, kind);
        if let Some(repurchase) = self.repurchase.take() {
            c.set_feed_repurchase(repurchase);
        }
        true
    }
}

/// The second pass: every key but `items` is skipped (the first pass read
/// them), and each item is compiled as soon as it is parsed.
struct Items<'a> {
    c: &'a mut Compiler,
}

impl Fields for Items<'_> {
    fn expecting(&self) -> &'static str {
        "a flaneur JSON v1 catalog object"
    }

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        if key != "items" {
            return json_stream::skip(map);
        }
        let c = &mut *self.c;
        let each = |i, value| {
            if let Some(item) = element::<ItemJson>(c, "items", i, value) {
                let at = Locator::Path(format!("items[{i}]"), "category");
                c.accept(Draft { item, description: String::new(), extra: Vec::new(), at });
            }
        };
        map.next_value_seed(Elements::new(each)).map(drop)
    }

    fn end<E: de::Error>(&mut self) -> Result<(), E> {
        Ok(())
    }
}

/// Reads a flaneur JSON v1 catalog, streamed: each item is converted, checked
/// and compiled as soon as it is parsed, so every problem is reported and only
/// one item is held at a time.
///
/// A document error (syntax, a missing key) found by the first pass after the
/// header fields is left to the second, which meets it after the same items and
/// so reports their problems too; found before them, it is the only problem.
pub fn read_json(path: &Path, c: &mut Compiler) -> std::io::Result<()> {
    let mut header = Header::default();
    let first = json_stream::read_object(path, &mut header)?;
    if let Err(e) = &first {
        if header.version.is_none() || header.shop.is_none() {
            document_error(c, e);
            return Ok(());
        }
    }
    if !header.start(c) {
        return Ok(());
    }
    if let Err(e) = json_stream::read_object(path, &mut Items { c })? {
        document_error(c, &e);
    } else if let Err(e) = first {
        document_error(c, &e); // a missing `items`
    }
    Ok(())
}
