//! A sharded catalog in the page (docs/FORMATS.md, "Sharded catalog v1"):
//! `open`'s `catalog: { manifest, parts }`, and the parts a personalizer holds
//! so that it can join them again when `addPart` brings a shard. Which shard
//! a page fetches follows the pages it opens (`shardFor`), never the profile.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::convert::{check_keys, field_names};
use super::error::bad_argument;
use crate::catalog::{Catalog, Manifest, PartFile, PatchFile, ShelfText};
use crate::rank::explain::Reason;
use crate::{Engine, Error};

/// The manifest a personalizer was opened on and the parts it holds, the
/// core first, then the shards in department order: their files and item
/// counts, not the parts (the engine's catalog holds their items, joined).
pub(crate) struct Sharded {
    manifest: Manifest,
    held: Vec<Held>,
}

/// A part joined into the engine's catalog.
struct Held {
    department: Option<String>,
    file: String,
    items: usize,
    /// Its items' titles and links, kept in JavaScript memory (the catalog holds none).
    shelf: HeldShelfText,
}

/// A part's [`ShelfText`] as JavaScript typed arrays: out of WebAssembly
/// memory, read a text at a time when a shelf shows an item.
struct HeldShelfText {
    text: js_sys::Uint8Array,
    ends: js_sys::Uint32Array,
}

impl HeldShelfText {
    fn new(shelf: &ShelfText) -> Self {
        HeldShelfText {
            text: js_sys::Uint8Array::from(shelf.text.as_slice()),
            ends: js_sys::Uint32Array::from(shelf.ends.as_slice()),
        }
    }

    /// The text in slot `slot` (item `i`'s title is slot `3i`, its url
    /// `3i + 1`, its image `3i + 2`).
    fn slot(&self, slot: u32) -> Option<String> {
        if slot >= self.ends.length() {
            return None;
        }
        let before = slot.checked_sub(1).map(|s| self.ends.get_index(s));
        let span = ShelfText::span(before, self.ends.get_index(slot))?;
        if span.end > self.text.length() as usize {
            return None;
        }
        let bytes = self.text.subarray(span.start as u32, span.end as u32).to_vec();
        String::from_utf8(bytes).ok()
    }
}

impl Sharded {
    /// The file names of the parts held, the core first, then the shards in
    /// department order.
    pub(crate) fn files(&self) -> Vec<String> {
        self.held.iter().map(|h| h.file.clone()).collect()
    }

    /// Whether the part `file` is held.
    pub(crate) fn has(&self, file: &str) -> bool {
        self.held.iter().any(|h| h.file == file)
    }

    /// The title, url and image of the engine's item `index`, from the shelf
    /// text of the part that holds it (the catalog's items are the core's,
    /// then each shard's in department order, as the parts are held).
    pub(crate) fn shelf_text(&self, index: usize) -> [Option<String>; 3] {
        [0, 1, 2].map(|k| self.text_of(index, k))
    }

    /// Text `k` (0 title, 1 url, 2 image) of the engine's item `index`.
    fn text_of(&self, index: usize, k: usize) -> Option<String> {
        let mut first = 0;
        for held in &self.held {
            if index < first + held.items {
                return held.shelf.slot(((index - first) * ShelfText::SLOTS + k) as u32);
            }
            first += held.items;
        }
        None
    }

    /// Names the items `reason` cites by their titles (the engine's catalog
    /// holds none: `Signal::item` says which item a label names).
    pub(crate) fn name_items(&self, reason: &mut Reason) {
        for signal in &mut reason.signals {
            if let Some(index) = signal.item {
                signal.label = self.text_of(index as usize, 0).unwrap_or_default();
            }
        }
    }

    /// The file of the shard holding the items of category path `path`.
    pub(crate) fn shard_for(&self, path: &str) -> Option<&str> {
        self.manifest.shard_for(path).map(|shard| shard.file.as_str())
    }

    /// Opens the part `file` against the manifest and joins it into the
    /// catalog `engine` holds, that of the parts held, in place. On any error
    /// nothing changes.
    pub(crate) fn add(
        &mut self,
        file: &str,
        bytes: Vec<u8>,
        engine: &mut Engine,
    ) -> Result<(), Error> {
        self.join(file, bytes, |layout, part| engine.join_shard(layout, part))
    }

    /// Opens the shard `file` against the manifest, takes its titles and links out and
    /// has `join` join it (given the parts held), then holds it. Its bytes, once
    /// read, and its titles and links, once in JavaScript memory, take no room
    /// in WebAssembly memory during the join: a page's peak is the catalog's
    /// and one decoded part's.
    fn join(
        &mut self,
        file: &str,
        bytes: Vec<u8>,
        join: impl FnOnce(&[(Option<&str>, usize)], &Catalog) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut part = self.manifest.open_part(file, &bytes)?;
        drop(bytes);
        let shelf = HeldShelfText::new(&part.take_shelf_text());
        let layout: Vec<(Option<&str>, usize)> =
            self.held.iter().map(|h| (h.department.as_deref(), h.items)).collect();
        join(&layout, &part)?;
        let department = part.part().and_then(|p| p.department.clone());
        let at = self.held.partition_point(|h| h.department.is_none() || h.department < department);
        self.held.insert(at, Held { department, file: file.to_owned(), items: part.len(), shelf });
        Ok(())
    }
}

/// Whether `open`'s catalog option is the sharded form, `{ manifest, parts }`
/// (a JSON v1 catalog has no `manifest`).
pub(crate) fn is_sharded(value: &JsValue) -> bool {
    value.is_object()
        && !value.is_instance_of::<js_sys::ArrayBuffer>()
        && !value.is_instance_of::<js_sys::Uint8Array>()
        && js_sys::Reflect::has(value, &JsValue::from_str("manifest")).unwrap_or(false)
}

/// Reads `{ manifest, parts }`: the manifest checked, each part opened
/// against it, and the parts joined. A wrong shape is `BAD_ARGUMENT`; a bad
/// manifest or part is the core's `CATALOG_INVALID` or `CATALOG_VERSION`.
pub(crate) fn read_sharded(value: &JsValue) -> Result<(Sharded, Catalog), Error> {
    check_keys(value, &["manifest", "parts"], "options.catalog")?;
    let get = |key: &str| {
        js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    };
    let manifest = read_manifest(get("manifest"))?;
    let parts = get("parts");
    if !parts.is_object() {
        return Err(bad_argument(
            "options.catalog.parts",
            "expected an object of part bytes by file name, the core's among them",
        ));
    }

    let entries = js_sys::Object::entries(parts.unchecked_ref());
    let mut files = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let (file, bytes) = (entry.get(0).as_string().unwrap_or_default(), entry.get(1));
        if !is_bytes(&bytes) {
            return Err(bad_argument(
                &format!("options.catalog.parts[{file:?}]"),
                "expected a Uint8Array or an ArrayBuffer",
            ));
        }
        files.push((file, bytes));
    }
    let core = manifest.core.file.clone();
    let Some(at) = files.iter().position(|(file, _)| *file == core) else {
        return Err(bad_argument("options.catalog.parts", format!("must hold the core, {core}")));
    };
    // The core, then each shard joined into it in place and dropped.
    // One part's bytes in WebAssembly memory at a time.
    let (core_file, core_bytes) = files.swap_remove(at);
    let mut core_part =
        manifest.open_part(&core_file, &read_bytes(&core_bytes).unwrap_or_default())?;
    let shelf = HeldShelfText::new(&core_part.take_shelf_text());
    let mut catalog = Catalog::from_parts(std::slice::from_ref(&core_part))?;
    drop(core_part);
    // The parts at hand grow the columns to all of them at the first join;
    // the shards added later, toward the whole catalog the manifest counts.
    let items_of = |file: &str| manifest.shards.iter().find(|s| s.file == file).map(|s| s.items);
    let at_hand = files.iter().filter_map(|(file, _)| items_of(file)).map(|n| n as usize).sum();
    let core_items = catalog.len();
    catalog.expect_items_at_hand(core_items.saturating_add(at_hand));
    let every_item = manifest.shards.iter().map(|s| s.items as usize).sum::<usize>();
    let core = Held { department: None, file: core_file, items: catalog.len(), shelf };
    let mut sharded = Sharded { manifest, held: vec![core] };
    for (file, bytes) in files {
        let bytes = read_bytes(&bytes).unwrap_or_default();
        sharded.join(&file, bytes, |layout, part| catalog.join_shard_in_place(layout, part))?;
    }
    catalog.expect_items(core_items.saturating_add(every_item));
    Ok((sharded, catalog))
}

/// Applies the patch `file` (its `bytes`) that `manifest` names to the earlier
/// part `old` a page kept: the new part's file name and bytes, checked against
/// the manifest (`CATALOG_INVALID` when anything differs from what it names).
pub(crate) fn patch_part(
    manifest: JsValue,
    file: &str,
    bytes: &JsValue,
    old: &JsValue,
) -> Result<(String, Vec<u8>), Error> {
    let manifest = read_manifest(manifest)?;
    let expected = "expected a Uint8Array or an ArrayBuffer";
    let bytes = read_bytes(bytes).ok_or_else(|| bad_argument("bytes", expected))?;
    let old = read_bytes(old).ok_or_else(|| bad_argument("old", expected))?;
    manifest.apply_patch(file, &bytes, &old)
}

/// The parsed `manifest.json`: an object (else `BAD_ARGUMENT`), read into
/// [`Manifest`] and checked; a missing or mistyped field, or one the format
/// does not have, is `CATALOG_INVALID` (serde-wasm-bindgen reads only the
/// fields it expects, so the others are refused here).
fn read_manifest(value: JsValue) -> Result<Manifest, Error> {
    if !value.is_object() {
        return Err(bad_argument(
            "options.catalog.manifest",
            "expected the parsed manifest.json object",
        ));
    }
    let corrupt = |e: Error| match e {
        Error::BadArgument(reason) => Error::CatalogCorrupt { reason },
        other => other,
    };
    let manifest: Manifest = serde_wasm_bindgen::from_value(value.clone()).map_err(|e| {
        Error::CatalogCorrupt { reason: format!("catalog manifest: the manifest is not one: {e}") }
    })?;
    manifest.check()?;
    check_keys(&value, field_names::<Manifest>(), "catalog manifest").map_err(corrupt)?;
    let get = |object: &JsValue, key: &str| {
        js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    };
    let part_fields = field_names::<PartFile>();
    check_keys(&get(&value, "core"), part_fields, "catalog manifest: core").map_err(corrupt)?;
    if let Some(shards) = get(&value, "shards").dyn_ref::<js_sys::Array>() {
        for (k, shard) in shards.iter().enumerate() {
            let what = format!("catalog manifest: shards[{k}]");
            check_keys(&shard, part_fields, &what).map_err(corrupt)?;
        }
    }
    if let Some(patches) = get(&value, "patches").dyn_ref::<js_sys::Array>() {
        for (k, patch) in patches.iter().enumerate() {
            let what = format!("catalog manifest: patches[{k}]");
            check_keys(&patch, field_names::<PatchFile>(), &what).map_err(corrupt)?;
        }
    }
    Ok(manifest)
}

/// The bytes of a `Uint8Array` or an `ArrayBuffer` (copied once into
/// WebAssembly memory); `None` for anything else.
pub(crate) fn read_bytes(value: &JsValue) -> Option<Vec<u8>> {
    is_bytes(value).then(|| js_sys::Uint8Array::new(value).to_vec())
}

/// Whether `value` is a `Uint8Array` or an `ArrayBuffer`.
fn is_bytes(value: &JsValue) -> bool {
    value.is_instance_of::<js_sys::ArrayBuffer>() || value.is_instance_of::<js_sys::Uint8Array>()
}
