//! Catalog format binary v1: the validated in-memory catalog, column by column,
//! in a compact, checksummed form that loads without parsing JSON or
//! re-quantizing vectors.
//!
//! Everything is little-endian. A `str` is a u32 byte length followed by that
//! many UTF-8 bytes; an `[T]` array is a u32 element count followed by the
//! elements, each a little-endian `T`. `NO_STR` (`0xFFFF_FFFF`) marks an
//! absent optional string.
//!
//! Header (16 bytes):
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0 | 8 | magic `b"FLNRCAT\0"` |
//! | 8 | 2 | format version, u16 = 1 |
//! | 10 | 2 | flags, u16: bits 0–6 bought-with, repurchase, model, part, codes, priors, depts |
//! | 12 | 4 | CRC-32 (IEEE) of every byte from offset 16 to the end |
//!
//! Body, from offset 16, in this order:
//!
//! | field | encoding | rule checked on load |
//! | --- | --- | --- |
//! | shop | `str` | not blank |
//! | vector kind | u8 | 0 = content, 1 = factors, 2 = sequence (exactly with flag bit 2) |
//! | dims | u32 | ≤ 1024 |
//! | facets | u32 count, then per facet: name `str`, divergence u8 | note (a) |
//! | string text | `str` | every string of the arena, concatenated |
//! | string ends | `[u32]` | end offset of each string: note (b) |
//! | taxonomy | u32 count, then per node: full path `str` | note (c) |
//! | facet values | u32 count, then per value: facet u16, value u32 | note (d) |
//! | item count `n` | u32 | |
//! | id | `[u32]` × n | string id of a non-empty string; no two items share the text |
//! | title | `[u32]` × n | string id |
//! | category | `[u32]` × n | < taxonomy node count |
//! | attr_start | `[u32]` × (n + 1) | 0 first, non-decreasing, attrs count last |
//! | attrs | `[u32]` | facet value ids; within an item, facets strictly ascending |
//! | price | `[f64]` × n | NaN (no price, bits `0x7ff8000000000000`) or finite ≥ 0 |
//! | currency | `[u32]` × n | string id or `NO_STR` |
//! | available | `[u8]` × n | 0 or 1 |
//! | popularity | `[f32]` × n | in [0, 1] |
//! | released, sensitive, url, image | `[u32]` × n each | string id or `NO_STR` |
//! | codes | `[i8]` × (n · dims), without bit 4 | in [-127, 127]; item after item |
//! | scales | `[f32]` × (n if dims > 0, else 0), without bit 4 | finite, ≥ 0 |
//! | product codes (bit 4, instead) | `m` u32, `[i8]`, scale f32, check u32, `[u8]` | (j) |
//! | id order | `[u32]` × n | a permutation of the item positions: note (e) |
//! | bought-with start | `[u32]` × (n + 1), only with flag bit 0 | note (f) |
//! | bought-with | `[u32]`, only with flag bit 0 | note (f) |
//! | category priors | u32 count, then per prior: node u32 and a prior, only with bit 1 | (g) |
//! | item priors | u32 count, then per prior: item u32 and a prior, only with bit 1 | note (g) |
//! | model sizes | heads, blocks, window L, ffn f: u32 each; events u8; only with bit 2 | (h) |
//! | model values | u32 count, then that many f16, only with flag bit 2 | note (h) |
//! | part build | u64, only with flag bit 3 | note (i) |
//! | part role | u8: 0 core, 1 shard, then for a shard its department `str`; bit 3 | (i) |
//! | divergence priors | u32 count, per prior: group `str`, accepted, rejected f32; bit 5 | (k) |
//! | report departments | u32 count, then that many `str`; flag bit 6 | note (l) |
//!
//! Notes to the rules checked on load:
//!
//! - (a) facets: count ≤ 65535; names strictly ascending; divergence 0 or 1.
//! - (b) string ends: non-decreasing, on UTF-8 boundaries, the last one = text
//!   length; fewer than `NO_STR` strings.
//! - (c) taxonomy: node `i`'s path, interned in node order, is new, gets id `i`
//!   and is stored normalised.
//! - (d) facet values: facet < facet count; value a string id; strictly
//!   ascending by (facet, value text).
//! - (e) id order: ids strictly ascending by text (so no two items share an id).
//! - (f) bought-with: item `i` lists `bought-with[start[i]..start[i + 1]]`,
//!   strongest first; start 0 first, non-decreasing, the count last; at most
//!   [`MAX_BOUGHT_WITH`] per item, each an item position, never `i`, none
//!   twice; at least one list non-empty (the flag is set exactly when one is).
//! - (g) repurchase priors: a prior is share f32, interval days f32, buyers
//!   u32 (16 bytes with its position); nodes (< taxonomy node count) and items (< n)
//!   strictly ascending; share in [0, 1], interval days finite, above 0 and at
//!   most 3650 (`MAX_INTERVAL_DAYS`); at least one prior (the flag is set exactly
//!   when the catalog has one). The f32 values are stored as they are.
//! - (h) sequence model (docs/FORMATS.md, "Sequence model v1"): the item
//!   embeddings are the vector column (kind 2, `d` = dims, 1 to 256); heads
//!   divides `d`, 1 to 4 blocks, `L` 1 to 512, `f` 1 to 1024, events 0 or 1
//!   (an event embedding); the values are every other tensor in the order of
//!   [`ModelShape::tensors`], IEEE half precision (`util::f16`), all finite, and
//!   their count exactly what the sizes give (checked against the bytes left
//!   before anything is allocated).
//! - (i) part (docs/FORMATS.md, "Sharded catalog v1"): the build every part
//!   of one sharded catalog shares, and whether this is its core or the
//!   shard of a department (a non-blank path of at most 4,096 bytes). A
//!   shard carries no sequence model; its vectors may still be the model's
//!   item embeddings (kind 2), which its core's model reads.
//! - (j) product codes (`codebook.rs`): sub-spaces `m`, the centroids, the
//!   codebook scale and check, then `n · m` code bytes. `m` divides dims (1 to 256); the
//!   centroids are `dims × 256` int8 codes in ±127 (sub-space `s`, centroid
//!   `c` at `(s · 256 + c) · dims / m`), none in a shard and only there (it
//!   joins its core's); the scale is finite and above 0; the check is the
//!   CRC-32 of the centroids then the scale's 4 bytes, and equals it when the
//!   centroids are stored; item `i`'s `m` code bytes name its centroids. Not
//!   with kind 2 (a sequence model's embeddings stay int8).
//! - (k) divergence priors (issue #24, `divergence_priors.rs`): groups strictly
//!   ascending, each `category` or a divergence facet, alone or followed by
//!   `@` and a report department (note (l)); accepted and rejected finite,
//!   ≥ 0, summing to more than 0 and at most 64; at least one prior (the flag
//!   is set exactly when the catalog has one); never in a shard.
//! - (l) report departments (issue #24, `report_departments.rs`): strictly
//!   ascending, at least one and at most 16, each a trimmed top-level
//!   category name of 1 to 128 bytes without `>` or `@`; with them, no
//!   divergence facet name holds `@` and (axes + 1) × (departments + 1) ≤ 256;
//!   never in a shard.
//!
//! Nothing may follow the last section. A catalog without bought-with lists,
//! repurchase priors or a sequence model has flags 0 and reads in builds older than the flags;
//! one with them is refused there for its unknown flag rather than misread.
//!
//! Storing the id order lets a load check it in one pass instead of sorting
//! 100,000 ids. Decoding checks the magic, then the version
//! (newer → [`Error::CatalogVersion`]), the flags and the checksum, and then
//! every count against the bytes that remain *before* allocating, so a hostile
//! count fails fast; any inconsistency is an [`Error::CatalogCorrupt`] naming
//! the field and, where it helps, the byte offset. Arrays are decoded straight
//! into their columns: loading allocates per column, per facet and per
//! taxonomy node, never per item.
//!
//! The body stores exactly what the in-memory catalog holds (the quantized
//! codes, not the JSON floats), so encoding is deterministic and a decoded
//! catalog re-encodes to the same bytes.

use std::fmt::Debug;

use super::bought_with::{BoughtWith, MAX_BOUGHT_WITH, why_not};
use super::divergence_priors::{DivergencePriors, TakeUpPrior, why_not_divergence_priors};
use super::item::Columns;
use super::json::{MAX_DIMS, MAX_FIELD_BYTES};
use super::link::is_safe_link;
use super::pages::Pages;
use super::report_departments::why_not_report_departments;
use super::repurchase::{self, Priors, Repurchase};
use super::sequence_model::{ModelShape, SequenceModel};
use super::strings::{NO_STR, StrId, Strings};
use super::{
    CENTROIDS, Catalog, Codebook, Facet, MAX_PQ_DIMS, Part, QuantizedVectors, Taxonomy, VectorKind,
};
use crate::error::{Error, Result};
use crate::util::bytes::{ByteReader, ByteWriter, crc32};
use crate::util::f16::{f16_to_f32, f32_to_f16};

const MAGIC: &[u8; 8] = b"FLNRCAT\0";
/// The binary format version this build writes and the newest it reads.
const VERSION: u16 = 1;
const HEADER_LEN: usize = 16;
/// Flag bit: the bought-with section follows the id order.
const FLAG_BOUGHT_WITH: u16 = 1;
/// Flag bit: the repurchase section follows the bought-with section (or the id order).
const FLAG_REPURCHASE: u16 = 2;
/// Flag bit: the sequence model section follows the repurchase section (or what comes before it).
const FLAG_SEQUENCE_MODEL: u16 = 4;
/// Flag bit: the part section follows, last: the catalog is a part of a sharded one.
const FLAG_PART: u16 = 8;
/// Flag bit: the vectors are product-quantized (the codebook section replaces codes and scales).
const FLAG_PRODUCT_CODES: u16 = 16;
/// Flag bit: the divergence priors section follows (issue #24).
const FLAG_DIVERGENCE_PRIORS: u16 = 32;
/// Flag bit: the report departments section follows, last (issue #24).
const FLAG_REPORT_DEPARTMENTS: u16 = 64;
/// Every flag v1 defines.
const FLAGS: u16 = FLAG_BOUGHT_WITH
    | FLAG_REPURCHASE
    | FLAG_SEQUENCE_MODEL
    | FLAG_PART
    | FLAG_PRODUCT_CODES
    | FLAG_DIVERGENCE_PRIORS
    | FLAG_REPORT_DEPARTMENTS;
/// Bytes of the model section's sizes: heads, blocks, window, ffn (u32 each), events (u8).
const MODEL_SIZES_BYTES: usize = 17;
/// Bytes of one stored repurchase prior: position, share, interval, buyers.
const PRIOR_BYTES: usize = 16;
/// Offset of the CRC-32 in the header.
const CRC_AT: usize = 12;
/// Bytes every item takes at the least, over all its per-item columns
/// (id, title, category, attr_start, price, currency, available, popularity,
/// released, sensitive, url, image): a bound to refuse hostile item counts early.
const MIN_ITEM_BYTES: usize = 4 + 4 + 4 + 4 + 8 + 4 + 1 + 4 + 4 + 4 + 4 + 4;

/// Encodes `catalog` as binary v1.
pub(super) fn encode(catalog: &Catalog) -> Vec<u8> {
    let mut w = ByteWriter::with_capacity(encoded_len_hint(catalog));
    w.bytes(MAGIC);
    w.u16(VERSION);
    let mut flags = 0;
    if !catalog.bought_with.is_empty() {
        flags |= FLAG_BOUGHT_WITH;
    }
    if !catalog.repurchase.is_empty() {
        flags |= FLAG_REPURCHASE;
    }
    if catalog.sequence_model.is_some() {
        flags |= FLAG_SEQUENCE_MODEL;
    }
    if catalog.part.is_some() {
        flags |= FLAG_PART;
    }
    if catalog.vectors.codebook().is_some() {
        flags |= FLAG_PRODUCT_CODES;
    }
    if !catalog.divergence_priors.is_empty() {
        flags |= FLAG_DIVERGENCE_PRIORS;
    }
    if !catalog.report_departments.is_empty() {
        flags |= FLAG_REPORT_DEPARTMENTS;
    }
    w.u16(flags);
    w.u32(0); // CRC, patched below
    write_header_fields(&mut w, catalog);
    write_strings(&mut w, &catalog.strings);
    write_taxonomy(&mut w, &catalog.taxonomy);
    write_facet_values(&mut w, &catalog.facet_values);
    write_columns(&mut w, &catalog.columns);
    write_vectors(&mut w, &catalog.vectors);
    // The id order, sorted here: a page holds no copy of it (the id table finds items).
    let by_id =
        super::json::sorted_by_id(&catalog.strings, &catalog.columns.id).unwrap_or_default();
    write_array(&mut w, &by_id);
    if !catalog.bought_with.is_empty() {
        write_array(&mut w, &catalog.bought_with.start);
        write_array(&mut w, &catalog.bought_with.items);
    }
    if !catalog.repurchase.is_empty() {
        write_priors(&mut w, &catalog.repurchase.categories);
        write_priors(&mut w, &catalog.repurchase.items);
    }
    if let Some(model) = &catalog.sequence_model {
        write_sequence_model(&mut w, model);
    }
    if let Some(part) = &catalog.part {
        write_part(&mut w, part);
    }
    if !catalog.divergence_priors.is_empty() {
        write_divergence_priors(&mut w, &catalog.divergence_priors);
    }
    if !catalog.report_departments.is_empty() {
        w.u32(catalog.report_departments.len() as u32);
        for department in &catalog.report_departments {
            write_str(&mut w, department);
        }
    }
    let crc = crc32(&w.as_slice()[HEADER_LEN..]);
    w.patch_u32(CRC_AT, crc);
    w.into_bytes()
}

/// Decodes and validates a binary v1 catalog.
pub(super) fn decode(bytes: &[u8]) -> Result<Catalog> {
    let flags = check_header(bytes)?;
    let mut d = Decoder { r: ByteReader::new(bytes) };
    d.take("header", HEADER_LEN)?;
    let shop = d.shop()?;
    let vector_kind = d.vector_kind()?;
    let dims = d.dims()?;
    let facets = d.facets()?;
    let strings = d.strings()?;
    let taxonomy = d.taxonomy()?;
    let facet_values = d.facet_values(facets.len(), &strings)?;
    let columns = d.columns(&strings, &taxonomy, &facet_values)?;
    let vectors = if flags & FLAG_PRODUCT_CODES != 0 {
        d.product_codes(dims, columns.id.len())?
    } else {
        d.vectors(dims, columns.id.len())?
    };
    // Checked (it is how a file proves its ids unique), then not kept.
    drop(d.id_order(&strings, &columns.id)?);
    let bought_with = if flags & FLAG_BOUGHT_WITH != 0 {
        d.bought_with(columns.id.len())?
    } else {
        BoughtWith::default()
    };
    let repurchase = if flags & FLAG_REPURCHASE != 0 {
        d.repurchase(&taxonomy, columns.id.len())?
    } else {
        Priors::default()
    };
    let sequence_model = if flags & FLAG_SEQUENCE_MODEL != 0 {
        Some(Box::new(d.sequence_model(dims)?))
    } else {
        None
    };
    let part = if flags & FLAG_PART != 0 { Some(d.part()?) } else { None };
    let (priors_at, divergence_priors) = if flags & FLAG_DIVERGENCE_PRIORS != 0 {
        (d.at(), d.divergence_priors()?)
    } else {
        (0, DivergencePriors::new())
    };
    let report_departments = if flags & FLAG_REPORT_DEPARTMENTS != 0 {
        d.report_departments(&facets)?
    } else {
        Vec::new()
    };
    d.finish()?;
    if let Some(reason) =
        why_not_divergence_priors(&divergence_priors, &facets, &report_departments)
    {
        return Err(corrupt(format!("divergence priors at byte {priors_at}: {reason}")));
    }
    let shard = part.as_ref().is_some_and(|p| p.department.is_some());
    if shard && !(divergence_priors.is_empty() && report_departments.is_empty()) {
        return Err(corrupt(
            "a shard carries divergence priors or report departments: only the core of a \
             catalog does",
        ));
    }
    if let Some(book) = vectors.codebook() {
        if vector_kind == VectorKind::Sequence {
            return Err(corrupt(
                "product-quantized vectors of kind 2: a sequence model's are int8",
            ));
        }
        if book.has_centroids() == shard {
            return Err(corrupt(if shard {
                "a shard carries centroids: only its core does"
            } else {
                "no centroids: only a shard leaves them to its core"
            }));
        }
    }
    if shard && sequence_model.is_some() {
        return Err(corrupt("a shard carries a sequence model: only the core of a catalog does"));
    }
    // A shard's sequence embeddings go with its core's model.
    if !shard && sequence_model.is_some() != (vector_kind == VectorKind::Sequence) {
        return Err(corrupt(format!(
            "vector kind {vector_kind:?} with{} a sequence model: kind 2 (sequence) goes with \
             the model section (flag bit 2) and only with it",
            if sequence_model.is_some() { "" } else { "out" }
        )));
    }
    let released_days = super::released_days(&strings, &columns.released)
        .map_err(|i| corrupt(format!("released: item {i} has no YYYY-MM-DD date")))?;
    let (mut vectors, mut columns) = (vectors, columns);
    let mut released_days = released_days;
    let (members, ids) =
        super::derive_on_load(&strings, &taxonomy, &mut columns, &mut vectors, &mut released_days);
    Ok(Catalog {
        shop,
        vector_kind,
        facets,
        strings,
        facet_values,
        columns,
        ids,
        released_days,
        taxonomy,
        vectors,
        members,
        bought_with,
        repurchase,
        divergence_priors,
        report_departments,
        sequence_model,
        part,
        expected_items: 0,
        expected_at_hand: false,
    })
}

fn corrupt(reason: impl Into<String>) -> Error {
    Error::CatalogCorrupt { reason: reason.into() }
}

// ---------------------------------------------------------------------------
// Encoding

/// A length or count as the format's u32. Catalog ids and string offsets are
/// u32, so every count of a catalog fits; saturating keeps this panic-free
/// (a saturated count could only make the decoder refuse the bytes).
fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// The encoded size, give or take the few fixed-size fields, so the buffer is allocated once.
fn encoded_len_hint(c: &Catalog) -> usize {
    let names: usize = c.facets.iter().map(|f| 5 + f.name.len()).sum();
    let paths: usize = (0..len_u32(c.taxonomy.len())).map(|id| 4 + c.taxonomy.path(id).len()).sum();
    HEADER_LEN
        + 128
        + c.shop.len()
        + names
        + paths
        + c.strings.text.len()
        + 4 * c.strings.len()
        + 6 * c.facet_values.len()
        + (MIN_ITEM_BYTES + 4) * c.len()
        + 4 * c.columns.attrs.len()
        + c.vectors.code_count()
        + 4 * c.vectors.len()
        + 4 * (c.bought_with.start.len() + c.bought_with.items.len())
        + PRIOR_BYTES * (c.repurchase.categories.len() + c.repurchase.items.len())
        + c.sequence_model
            .as_ref()
            .map_or(0, |m| MODEL_SIZES_BYTES + 4 + 2 * m.shape().value_count())
}

fn write_str(w: &mut ByteWriter, s: &str) {
    w.u32(len_u32(s.len()));
    w.bytes(s.as_bytes());
}

fn write_array<T: Le>(w: &mut ByteWriter, values: &[T]) {
    w.u32(len_u32(values.len()));
    for &v in values {
        v.write(w);
    }
}

fn write_header_fields(w: &mut ByteWriter, c: &Catalog) {
    write_str(w, &c.shop);
    w.u8(match c.vector_kind {
        VectorKind::Content => 0,
        VectorKind::Factors => 1,
        VectorKind::Sequence => 2,
    });
    w.u32(len_u32(c.vectors.dims()));
    w.u32(len_u32(c.facets.len()));
    for facet in &c.facets {
        write_str(w, &facet.name);
        w.u8(u8::from(facet.divergence));
    }
}

fn write_strings(w: &mut ByteWriter, strings: &Strings) {
    write_str(w, &strings.text);
    write_array(w, &strings.ends);
}

fn write_taxonomy(w: &mut ByteWriter, taxonomy: &Taxonomy) {
    w.u32(len_u32(taxonomy.len()));
    for id in 0..len_u32(taxonomy.len()) {
        write_str(w, taxonomy.path(id));
    }
}

fn write_facet_values(w: &mut ByteWriter, facet_values: &[(u16, StrId)]) {
    w.u32(len_u32(facet_values.len()));
    for &(facet, value) in facet_values {
        w.u16(facet);
        w.u32(value);
    }
}

fn write_columns(w: &mut ByteWriter, c: &Columns) {
    w.u32(len_u32(c.id.len()));
    write_array(w, &c.id);
    write_array(w, &c.optional_by_item(&c.title));
    // Item after item, whatever order the rows are kept in.
    write_array(w, &c.by_item(&c.category, 0));
    let (attr_start, attrs) = c.attrs_by_item();
    write_array(w, &attr_start);
    write_array(w, &attrs);
    write_array(w, &c.price.values());
    write_array(w, &c.currency_by_item());
    w.u32(len_u32(c.available.len()));
    for available in c.by_item(&c.available, false) {
        w.u8(u8::from(available));
    }
    write_array(w, &c.by_item(&c.popularity, 0.0));
    write_array(w, &c.optional_by_item(&c.released));
    write_array(w, &c.by_item(&c.sensitive, NO_STR));
    write_array(w, &c.optional_by_item(&c.url));
    write_array(w, &c.optional_by_item(&c.image));
}

/// A u32 count, then each prior: position, share, interval days, buyers.
fn write_priors(w: &mut ByteWriter, priors: &[(u32, Repurchase)]) {
    w.u32(len_u32(priors.len()));
    for &(at, prior) in priors {
        w.u32(at);
        prior.share.write(w);
        prior.interval_days.write(w);
        w.u32(prior.buyers);
    }
}

/// The model's sizes, then its values as f16: note (h) of the layout.
fn write_sequence_model(w: &mut ByteWriter, model: &SequenceModel) {
    let shape = model.shape();
    for size in [shape.heads, shape.blocks, shape.max_len, shape.ffn] {
        w.u32(len_u32(size));
    }
    w.u8(u8::from(shape.events));
    let values = model.values();
    w.u32(len_u32(values.len()));
    for x in values {
        w.u16(f32_to_f16(x));
    }
}

/// Note (k): the count, then per axis in order its name and pseudo-outcomes.
fn write_divergence_priors(w: &mut ByteWriter, priors: &DivergencePriors) {
    w.u32(priors.len() as u32);
    for (axis, prior) in priors.iter() {
        write_str(w, axis);
        w.f32(prior.accepted);
        w.f32(prior.rejected);
    }
}

/// The part section: note (i) of the layout.
fn write_part(w: &mut ByteWriter, part: &Part) {
    w.u64(part.build);
    match &part.department {
        None => w.u8(0),
        Some(department) => {
            w.u8(1);
            write_str(w, department);
        }
    }
}

/// Item after item, whatever order the rows are kept in: int8 codes and
/// scales, or the codebook (note (j)) and each item's code bytes.
fn write_vectors(w: &mut ByteWriter, v: &QuantizedVectors) {
    if let Some(book) = v.codebook() {
        w.u32(len_u32(book.subspaces()));
        write_array(w, book.centroids());
        w.f32(book.scale());
        w.u32(book.check());
        let codes: Vec<u8> = v.codes_by_item().into_iter().map(|c| c as u8).collect();
        write_array(w, &codes);
        return;
    }
    write_array(w, &v.codes_by_item());
    write_array(w, &v.scales_by_item());
}

// ---------------------------------------------------------------------------
// Decoding

/// Checks magic, version, flags and checksum, in that order (a newer version
/// may change everything after its version field), and gives the flags.
fn check_header(bytes: &[u8]) -> Result<u16> {
    let Some(header) = bytes.get(..HEADER_LEN) else {
        return Err(corrupt(format!(
            "truncated: {} bytes, the header alone takes {HEADER_LEN}",
            bytes.len()
        )));
    };
    let mut r = ByteReader::new(header);
    if r.take(MAGIC.len()) != Some(MAGIC.as_slice()) {
        return Err(corrupt("not a flaneur binary catalog (wrong magic at byte 0)"));
    }
    let version = r.u16().unwrap_or_default();
    if version == 0 || version > VERSION {
        return Err(Error::CatalogVersion { found: version.into(), supported: VERSION.into() });
    }
    let flags = r.u16().unwrap_or_default();
    if flags & !FLAGS != 0 {
        return Err(corrupt(format!(
            "unknown flags {flags:#06x} at byte 10 (v1 defines bit 0, bought-with, bit 1, \
             repurchase, bit 2, sequence model, bit 3, part, bit 4, product codes, bit 5, \
             divergence priors, and bit 6, report departments)"
        )));
    }
    let stored = r.u32().unwrap_or_default();
    let actual = crc32(&bytes[HEADER_LEN..]);
    if stored != actual {
        return Err(corrupt(format!(
            "checksum mismatch: header says {stored:#010x}, the {} body bytes give {actual:#010x}",
            bytes.len() - HEADER_LEN
        )));
    }
    Ok(flags)
}

/// A fixed-size little-endian value stored in arrays.
trait Le: Copy + Debug {
    const SIZE: usize;
    /// Decodes one value from a chunk of exactly `SIZE` bytes.
    fn read(chunk: &[u8]) -> Self;
    fn write(self, w: &mut ByteWriter);
}

macro_rules! impl_le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const SIZE: usize = size_of::<$t>();
            #[inline]
            fn read(chunk: &[u8]) -> Self {
                // `chunks_exact(SIZE)` hands in exactly SIZE bytes: the default is unreachable.
                chunk.try_into().map(<$t>::from_le_bytes).unwrap_or_default()
            }
            #[inline]
            fn write(self, w: &mut ByteWriter) {
                w.bytes(&self.to_le_bytes());
            }
        }
    )*};
}
impl_le!(u8, i8, u32, u64, f32, f64);

/// A decoded array and the offset of its first element, for error messages.
struct Array<T> {
    at: usize,
    values: Vec<T>,
}

impl<T: Le> Array<T> {
    /// Fails naming the first element that breaks `rule`.
    fn check(
        &self,
        what: &str,
        rule: impl FnOnce() -> String,
        ok: impl Fn(T) -> bool,
    ) -> Result<()> {
        match self.values.iter().enumerate().find(|&(_, &v)| !ok(v)) {
            None => Ok(()),
            Some((i, v)) => Err(corrupt(format!(
                "{what}[{i}] = {v:?} at byte {}: {}",
                self.at + i * T::SIZE,
                rule()
            ))),
        }
    }
}

/// Bounds- and count-checked reads; every failure is an [`Error::CatalogCorrupt`].
struct Decoder<'a> {
    r: ByteReader<'a>,
}

impl<'a> Decoder<'a> {
    fn at(&self) -> usize {
        self.r.position()
    }

    fn take(&mut self, what: &str, len: usize) -> Result<&'a [u8]> {
        let (at, remaining) = (self.at(), self.r.remaining());
        self.r.take(len).ok_or_else(|| {
            corrupt(format!("truncated: {what} at byte {at} needs {len} bytes, {remaining} remain"))
        })
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(u8::read(self.take(what, 1)?))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::read(self.take(what, 4)?))
    }

    /// A u32 count of entries at least `min_size` bytes each, refused unless that many could fit
    /// in the bytes that remain.
    fn count(&mut self, what: &str, min_size: usize) -> Result<usize> {
        let at = self.at();
        let count = self.u32(what)? as usize;
        let remaining = self.r.remaining();
        match count.checked_mul(min_size) {
            Some(need) if need <= remaining => Ok(count),
            _ => Err(corrupt(format!(
                "{what}: count {count} at byte {at} needs at least {} bytes ({min_size} each), \
                 {remaining} remain",
                count as u64 * min_size as u64
            ))),
        }
    }

    /// A [`Decoder::str`] that is one field's text: at most [`MAX_FIELD_BYTES`].
    fn field(&mut self, what: &str) -> Result<&'a str> {
        let at = self.at();
        let text = self.str(what)?;
        if text.len() > MAX_FIELD_BYTES {
            return Err(corrupt(format!(
                "{what} at byte {at} is {} bytes long, at most {MAX_FIELD_BYTES}",
                text.len()
            )));
        }
        Ok(text)
    }

    fn str(&mut self, what: &str) -> Result<&'a str> {
        let len = self.count(what, 1)?;
        let at = self.at();
        let bytes = self.take(what, len)?;
        std::str::from_utf8(bytes)
            .map_err(|e| corrupt(format!("{what} at byte {at} is not UTF-8: {e}")))
    }

    fn bool(&mut self, what: &str) -> Result<bool> {
        let at = self.at();
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(corrupt(format!("{what} at byte {at} is {other}, not 0 or 1"))),
        }
    }

    /// An `[T]` array, with exactly `expected` elements when given.
    fn array<T: Le>(&mut self, what: &str, expected: Option<usize>) -> Result<Array<T>> {
        let count_at = self.at();
        let count = self.count(what, T::SIZE)?;
        if let Some(expected) = expected.filter(|&e| e != count) {
            return Err(corrupt(format!(
                "{what}: count {count} at byte {count_at}, expected {expected}"
            )));
        }
        let at = self.at();
        let bytes = self.take(what, count * T::SIZE)?;
        Ok(Array { at, values: bytes.chunks_exact(T::SIZE).map(T::read).collect() })
    }

    /// An array of `expected` bytes, where it starts, and its bytes as they lie.
    fn bytes_of(&mut self, what: &str, expected: usize) -> Result<(usize, &'a [u8])> {
        let count_at = self.at();
        let count = self.count(what, 1)?;
        if count != expected {
            return Err(corrupt(format!(
                "{what}: count {count} at byte {count_at}, expected {expected}"
            )));
        }
        let at = self.at();
        Ok((at, self.take(what, count)?))
    }

    fn shop(&mut self) -> Result<String> {
        let at = self.at();
        let shop = self.field("shop")?;
        if shop.trim().is_empty() {
            return Err(corrupt(format!("shop at byte {at} is blank")));
        }
        Ok(shop.to_owned())
    }

    fn vector_kind(&mut self) -> Result<VectorKind> {
        let at = self.at();
        match self.u8("vector kind")? {
            0 => Ok(VectorKind::Content),
            1 => Ok(VectorKind::Factors),
            2 => Ok(VectorKind::Sequence),
            other => Err(corrupt(format!(
                "vector kind at byte {at} is {other}, not 0 (content), 1 (factors) or 2 (sequence)"
            ))),
        }
    }

    fn dims(&mut self) -> Result<usize> {
        let at = self.at();
        let dims = self.u32("dims")? as usize;
        if dims > MAX_DIMS {
            return Err(corrupt(format!(
                "dims {dims} at byte {at} exceeds the maximum of {MAX_DIMS}"
            )));
        }
        Ok(dims)
    }

    fn facets(&mut self) -> Result<Vec<Facet>> {
        let at = self.at();
        let count = self.count("facets", 5)?;
        if count > u16::MAX as usize {
            return Err(corrupt(format!("facet count {count} at byte {at} exceeds {}", u16::MAX)));
        }
        let mut facets: Vec<Facet> = Vec::with_capacity(count);
        for i in 0..count {
            let at = self.at();
            let name = self.field("facet name")?;
            if facets.last().is_some_and(|last| last.name.as_str() >= name) {
                return Err(corrupt(format!(
                    "facet {i} {name:?} at byte {at} is not after the previous name"
                )));
            }
            let divergence = self.bool("facet divergence")?;
            facets.push(Facet { name: name.to_owned(), divergence });
        }
        Ok(facets)
    }

    fn strings(&mut self) -> Result<Strings> {
        let text_at = self.at();
        let text = self.str("string text")?;
        let ends = self.array::<u32>("string ends", None)?;
        if ends.values.len() >= NO_STR as usize {
            return Err(corrupt(format!("string ends at byte {}: too many strings", ends.at)));
        }
        let strings = Strings { text: text.to_owned(), ends: ends.values };
        if !strings.is_well_formed() {
            return Err(corrupt(format!(
                "string ends at byte {}: offsets must be non-decreasing, within the text and on \
                 UTF-8 boundaries",
                ends.at
            )));
        }
        let mut start = 0;
        for (i, &end) in strings.ends.iter().enumerate() {
            let len = end as usize - start;
            if len > MAX_FIELD_BYTES {
                return Err(corrupt(format!(
                    "string {i} at byte {} is {len} bytes long, at most {MAX_FIELD_BYTES}",
                    text_at + 4 + start
                )));
            }
            start = end as usize;
        }
        let last = strings.ends.last().map_or(0, |&end| end as usize);
        if last != strings.text.len() {
            return Err(corrupt(format!(
                "string text at byte {text_at} has {} bytes, the strings end at {last}",
                strings.text.len()
            )));
        }
        Ok(strings)
    }

    fn taxonomy(&mut self) -> Result<Taxonomy> {
        let count = self.count("taxonomy nodes", 5)?;
        let mut taxonomy = Taxonomy::default();
        for i in 0..count {
            let at = self.at();
            let path = self.field("taxonomy path")?;
            let id = taxonomy.intern(path);
            let fresh = id.is_some_and(|id| {
                id as usize == i && taxonomy.len() == i + 1 && taxonomy.path(id) == path
            });
            if !fresh {
                return Err(corrupt(format!(
                    "taxonomy node {i} at byte {at}: {path:?} is not a new, normalised path \
                     (levels joined by \" > \", none empty, at most 256) whose parent comes \
                     before it"
                )));
            }
        }
        Ok(taxonomy)
    }

    fn facet_values(&mut self, facet_count: usize, strings: &Strings) -> Result<Vec<(u16, StrId)>> {
        const SIZE: usize = 6;
        let count = self.count("facet values", SIZE)?;
        let at = self.at();
        let bytes = self.take("facet values", count * SIZE)?;
        let values: Vec<(u16, StrId)> = bytes
            .chunks_exact(SIZE)
            .map(|c| {
                (u16::from_le_bytes([c[0], c[1]]), u32::from_le_bytes([c[2], c[3], c[4], c[5]]))
            })
            .collect();
        let bad = |i: usize, why: &str| {
            corrupt(format!("facet value {i} at byte {}: {why}", at + i * SIZE))
        };
        for (i, &(facet, value)) in values.iter().enumerate() {
            if facet as usize >= facet_count {
                return Err(bad(i, &format!("facet {facet}, but there are {facet_count} facets")));
            }
            if value as usize >= strings.len() {
                return Err(bad(
                    i,
                    &format!("value {value} is not a string id ({} strings)", strings.len()),
                ));
            }
        }
        let key = |&(facet, value): &(u16, StrId)| (facet, strings.get(value));
        if let Some(i) = values.windows(2).position(|w| key(&w[0]) >= key(&w[1])) {
            return Err(bad(i + 1, "not strictly after the previous (facet, value)"));
        }
        Ok(values)
    }

    /// The item columns, in layout order.
    fn columns(
        &mut self,
        strings: &Strings,
        taxonomy: &Taxonomy,
        facet_values: &[(u16, StrId)],
    ) -> Result<Columns> {
        let n = self.count("items", MIN_ITEM_BYTES)?;
        let (id, title) = self.ids_and_titles(n, strings)?;
        let category = self.array::<u32>("category", Some(n))?;
        let nodes = taxonomy.len();
        category.check(
            "category",
            || format!("not a taxonomy node ({nodes} nodes)"),
            |c| (c as usize) < nodes,
        )?;
        let (attr_start, attrs) = self.attrs(n, facet_values)?;
        let price = self.array::<f64>("price", Some(n))?;
        price.check(
            "price",
            || "neither the one NaN (no price) nor finite and ≥ 0".into(),
            |p| p.to_bits() == f64::NAN.to_bits() || (p.is_finite() && p >= 0.0),
        )?;
        let currency = self.optional_strings("currency", n, strings)?;
        let available = self.array::<u8>("available", Some(n))?;
        available.check("available", || "not 0 or 1".into(), |a| a <= 1)?;
        let popularity = self.array::<f32>("popularity", Some(n))?;
        popularity.check("popularity", || "outside [0, 1]".into(), |p| (0.0..=1.0).contains(&p))?;
        let released = self.optional_strings("released", n, strings)?;
        let sensitive = self.optional_strings("sensitive", n, strings)?;
        let url = self.optional_links("url", n, strings)?;
        let image = self.optional_links("image", n, strings)?;
        Ok(Columns {
            id,
            title,
            category: category.values,
            attr_start,
            attrs: super::facet_ids::FacetIdColumn::fitted(attrs, facet_values.len()),
            row: Default::default(),
            price: super::prices::Prices::from_values(price.values),
            currency,
            currency_all: None,
            available: available.values.iter().map(|&a| a == 1).collect(),
            popularity: popularity.values,
            released,
            sensitive,
            url,
            image,
        })
    }

    /// The required string columns: ids (non-empty) and titles.
    fn ids_and_titles(&mut self, n: usize, strings: &Strings) -> Result<(Vec<StrId>, Vec<StrId>)> {
        let count = strings.len();
        let id = self.array::<u32>("id", Some(n))?;
        id.check(
            "id",
            || format!("not the id of a non-empty string ({count} strings)"),
            |s| (s as usize) < count && !strings.get(s).is_empty(),
        )?;
        let title = self.array::<u32>("title", Some(n))?;
        title.check(
            "title",
            || format!("not a string id ({count} strings)"),
            |s| (s as usize) < count,
        )?;
        Ok((id.values, title.values))
    }

    /// A column of optional strings: string ids or [`NO_STR`].
    fn optional_strings(&mut self, what: &str, n: usize, strings: &Strings) -> Result<Vec<StrId>> {
        let count = strings.len();
        let column = self.array::<u32>(what, Some(n))?;
        column.check(
            what,
            || format!("neither a string id ({count} strings) nor NO_STR"),
            |s| s == NO_STR || (s as usize) < count,
        )?;
        Ok(column.values)
    }

    /// An optional string column of links: each one http(s) or relative ([`is_safe_link`]).
    fn optional_links(&mut self, what: &str, n: usize, strings: &Strings) -> Result<Vec<StrId>> {
        let column = self.optional_strings(what, n, strings)?;
        match column.iter().position(|&s| s != NO_STR && !is_safe_link(strings.get(s))) {
            None => Ok(column),
            Some(i) => Err(Error::CatalogInvalid {
                item: None,
                field: format!("{what}[{i}]"),
                reason: "must be an http(s) or relative URL".into(),
            }),
        }
    }

    /// `attr_start` and `attrs`: item `i`'s facet values, one per facet at most, by facet.
    fn attrs(&mut self, n: usize, facet_values: &[(u16, StrId)]) -> Result<(Vec<u32>, Vec<u32>)> {
        let start = self.array::<u32>("attr_start", Some(n + 1))?;
        let attrs = self.array::<u32>("attrs", None)?;
        let count = facet_values.len();
        attrs.check(
            "attrs",
            || format!("not a facet value id ({count} values)"),
            |v| (v as usize) < count,
        )?;
        let bad_start = |i: usize, why: &str| {
            corrupt(format!("attr_start[{i}] at byte {}: {why}", start.at + 4 * i))
        };
        if start.values.first() != Some(&0) {
            return Err(bad_start(0, "must be 0"));
        }
        if start.values.last().map(|&last| last as usize) != Some(attrs.values.len()) {
            return Err(bad_start(
                n,
                &format!("must equal the attrs count {}", attrs.values.len()),
            ));
        }
        let facet = |v: u32| facet_values.get(v as usize).map(|&(f, _)| f);
        for (i, w) in start.values.windows(2).enumerate() {
            let Some(item) = attrs.values.get(w[0] as usize..w[1] as usize) else {
                return Err(bad_start(
                    i + 1,
                    "must lie between the previous start and the attrs count",
                ));
            };
            if item.windows(2).any(|p| facet(p[0]) >= facet(p[1])) {
                return Err(corrupt(format!(
                    "attrs of item {i} at byte {}: facets must be strictly ascending",
                    attrs.at + 4 * w[0] as usize
                )));
            }
        }
        Ok((start.values, attrs.values))
    }

    fn vectors(&mut self, dims: usize, n: usize) -> Result<QuantizedVectors> {
        let Some(code_count) = n.checked_mul(dims) else {
            return Err(corrupt(format!("{n} items × {dims} dims overflow")));
        };
        let (at, bytes) = self.bytes_of("codes", code_count)?;
        if let Some(i) = bytes.iter().position(|&b| b as i8 == i8::MIN) {
            return Err(corrupt(format!(
                "codes[{i}] = -128 at byte {}: -128 is not a code (codes are symmetric, ±127)",
                at + i
            )));
        }
        let codes = Pages::from_bytes(dims, bytes);
        let scales = self.array::<f32>("scales", Some(if dims > 0 { n } else { 0 }))?;
        scales.check("scales", || "not finite and ≥ 0".into(), |s| s.is_finite() && s >= 0.0)?;
        Ok(QuantizedVectors::from_parts(dims, codes, scales.values))
    }

    /// The product-quantized vectors of `n` items of `dims` dimensions: note (j).
    fn product_codes(&mut self, dims: usize, n: usize) -> Result<QuantizedVectors> {
        let at = self.at();
        let subspaces = self.u32("sub-spaces")? as usize;
        if dims == 0 || dims > MAX_PQ_DIMS || subspaces == 0 || dims % subspaces != 0 {
            return Err(corrupt(format!(
                "product codes at byte {at}: {subspaces} sub-spaces of {dims} dims (they must \
                 divide dims, 1 to {MAX_PQ_DIMS})"
            )));
        }
        let width = dims / subspaces;
        let centroids = self.array::<i8>("centroids", None)?;
        if !centroids.values.is_empty() && centroids.values.len() != dims * CENTROIDS {
            return Err(corrupt(format!(
                "centroids at byte {}: {} codes, not 0 or {}",
                centroids.at,
                centroids.values.len(),
                dims * CENTROIDS
            )));
        }
        centroids.check("centroids", || "-128 is not a code".into(), |c| c != i8::MIN)?;
        let at = self.at();
        let scale = f32::from_le_bytes(self.u32("codebook scale")?.to_le_bytes());
        if !(scale.is_finite() && scale > 0.0) {
            return Err(corrupt(format!("codebook scale at byte {at}: not finite and above 0")));
        }
        let at = self.at();
        let check = self.u32("codebook check")?;
        let book = if centroids.values.is_empty() {
            Codebook::reference(subspaces, width, scale, check)
        } else {
            let book = Codebook::new(subspaces, width, centroids.values, scale)
                .ok_or_else(|| corrupt("centroids: not a codebook"))?;
            if book.check() != check {
                return Err(corrupt(format!(
                    "codebook check at byte {at}: {check:#010x}, the centroids give {:#010x}",
                    book.check()
                )));
            }
            book
        };
        let Some(count) = n.checked_mul(subspaces) else {
            return Err(corrupt(format!("{n} items × {subspaces} sub-spaces overflow")));
        };
        let (_, bytes) = self.bytes_of("product codes", count)?;
        Ok(QuantizedVectors::product_quantized_pages(book, Pages::from_bytes(subspaces, bytes)))
    }

    /// The stored id order: a permutation of the positions with ids strictly
    /// ascending by text, checked in one pass (which also rules out duplicates).
    fn id_order(&mut self, strings: &Strings, ids: &[StrId]) -> Result<Vec<u32>> {
        let n = ids.len();
        let order = self.array::<u32>("id order", Some(n))?;
        let mut seen = vec![0u64; n.div_ceil(64)];
        let text = |i: u32| strings.get(ids[i as usize]);
        for (slot, &i) in order.values.iter().enumerate() {
            let fresh = (i as usize) < n && seen[i as usize / 64] & (1 << (i % 64)) == 0;
            if !fresh {
                return Err(corrupt(format!(
                    "id order: entry {slot} ({i}) is out of range or repeated"
                )));
            }
            seen[i as usize / 64] |= 1 << (i % 64);
            if slot > 0 {
                let previous = order.values[slot - 1];
                match text(previous).cmp(text(i)) {
                    std::cmp::Ordering::Less => {}
                    std::cmp::Ordering::Equal => {
                        return Err(corrupt(format!("duplicate item id {:?}", text(i))));
                    }
                    std::cmp::Ordering::Greater => {
                        return Err(corrupt(format!(
                            "id order: entry {slot} is not in ascending id order"
                        )));
                    }
                }
            }
        }
        Ok(order.values)
    }

    /// The bought-with section over `n` items: note (f) of the layout.
    fn bought_with(&mut self, n: usize) -> Result<BoughtWith> {
        let start = self.array::<u32>("bought-with start", Some(n + 1))?;
        let items = self.array::<u32>("bought-with", None)?;
        let bad_start = |i: usize, why: &str| {
            corrupt(format!("bought-with start[{i}] at byte {}: {why}", start.at + 4 * i))
        };
        if start.values.first() != Some(&0) {
            return Err(bad_start(0, "must be 0"));
        }
        if items.values.is_empty() {
            return Err(corrupt(format!(
                "bought-with at byte {}: the flag is set but no item lists a neighbour",
                items.at
            )));
        }
        if start.values.last().map(|&last| last as usize) != Some(items.values.len()) {
            return Err(bad_start(
                n,
                &format!("must equal the bought-with count {}", items.values.len()),
            ));
        }
        for (i, w) in start.values.windows(2).enumerate() {
            let list = items.values.get(w[0] as usize..w[1] as usize);
            let Some(list) = list.filter(|l| l.len() <= MAX_BOUGHT_WITH) else {
                return Err(bad_start(
                    i + 1,
                    &format!(
                        "must lie between the previous start and the bought-with count, at \
                         most {MAX_BOUGHT_WITH} after it"
                    ),
                ));
            };
            if let Some(reason) = why_not(i, list, n) {
                return Err(corrupt(format!(
                    "bought-with of item {i} at byte {}: {reason}",
                    items.at + 4 * w[0] as usize
                )));
            }
        }
        Ok(BoughtWith { start: start.values, items: items.values })
    }

    /// The repurchase section: note (g) of the layout.
    fn repurchase(&mut self, taxonomy: &Taxonomy, n: usize) -> Result<Priors> {
        let at = self.at();
        let categories = self.priors("category priors")?;
        let items = self.priors("item priors")?;
        if categories.is_empty() && items.is_empty() {
            return Err(corrupt(format!(
                "repurchase at byte {at}: the flag is set but there is no prior"
            )));
        }
        if let Some(reason) = repurchase::why_not(&categories, &items, taxonomy.len(), n) {
            return Err(corrupt(format!("repurchase section at byte {at}: {reason}")));
        }
        Ok(Priors::new(categories, items, taxonomy))
    }

    /// A u32 count of priors, then each: position, share, interval days, buyers.
    fn priors(&mut self, what: &str) -> Result<Vec<(u32, Repurchase)>> {
        let count = self.count(what, PRIOR_BYTES)?;
        let bytes = self.take(what, count * PRIOR_BYTES)?;
        Ok(bytes
            .chunks_exact(PRIOR_BYTES)
            .map(|c| {
                let prior = Repurchase {
                    share: f32::read(&c[4..8]),
                    interval_days: f32::read(&c[8..12]),
                    buyers: u32::read(&c[12..16]),
                };
                (u32::read(&c[..4]), prior)
            })
            .collect())
    }

    /// The sequence model section over `dims`-dimensional item vectors: note (h).
    fn sequence_model(&mut self, dims: usize) -> Result<SequenceModel> {
        let at = self.at();
        let sizes = self.take("sequence model sizes", MODEL_SIZES_BYTES)?;
        let size = |i: usize| u32::read(&sizes[4 * i..4 * i + 4]) as usize;
        let events = match sizes[16] {
            0 => false,
            1 => true,
            other => {
                return Err(corrupt(format!(
                    "sequence model events at byte {} is {other}, not 0 or 1",
                    at + 16
                )));
            }
        };
        let shape = ModelShape {
            dims,
            heads: size(0),
            blocks: size(1),
            max_len: size(2),
            ffn: size(3),
            events,
        };
        shape
            .check()
            .map_err(|reason| corrupt(format!("sequence model sizes at byte {at}: {reason}")))?;
        let count_at = self.at();
        let count = self.count("sequence model values", 2)?;
        let expected = shape.value_count();
        if count != expected {
            return Err(corrupt(format!(
                "sequence model values: count {count} at byte {count_at}, the sizes give {expected}"
            )));
        }
        let values_at = self.at();
        let bytes = self.take("sequence model values", 2 * count)?;
        let values: Vec<f32> =
            bytes.chunks_exact(2).map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]]))).collect();
        SequenceModel::from_values(shape, values).map_err(|e| {
            let reason = match e {
                Error::CatalogInvalid { field, reason, .. } => format!("{field}: {reason}"),
                other => other.to_string(),
            };
            corrupt(format!("sequence model values at byte {values_at}: {reason}"))
        })
    }

    /// The divergence priors section: note (k) of the layout (checked against
    /// the facets and departments once the departments are read).
    fn divergence_priors(&mut self) -> Result<DivergencePriors> {
        let at = self.at();
        let count = self.count("divergence priors", 12)?;
        if count == 0 {
            return Err(corrupt(format!(
                "divergence priors at byte {at}: the flag is set but there is no prior"
            )));
        }
        let mut priors = DivergencePriors::new();
        let mut last: Option<&str> = None;
        for _ in 0..count {
            let at = self.at();
            let axis = self.field("divergence prior axis")?;
            if last.is_some_and(|l| l >= axis) {
                return Err(corrupt(format!(
                    "divergence prior axis at byte {at}: {axis:?} is not after {:?}",
                    last.unwrap_or_default()
                )));
            }
            last = Some(axis);
            let accepted = f32::read(self.take("divergence prior", 4)?);
            let rejected = f32::read(self.take("divergence prior", 4)?);
            priors.insert(axis.to_owned(), TakeUpPrior { accepted, rejected });
        }
        Ok(priors)
    }

    /// The report departments section: note (l) of the layout.
    fn report_departments(&mut self, facets: &[Facet]) -> Result<Vec<String>> {
        let at = self.at();
        let count = self.count("report departments", 5)?;
        if count == 0 {
            return Err(corrupt(format!(
                "report departments at byte {at}: the flag is set but there is none"
            )));
        }
        let mut departments: Vec<String> = Vec::with_capacity(count);
        for _ in 0..count {
            let at = self.at();
            let department = self.field("report department")?;
            if departments.last().is_some_and(|l| l.as_str() >= department) {
                return Err(corrupt(format!(
                    "report department at byte {at}: {department:?} is not after the one before"
                )));
            }
            departments.push(department.to_owned());
        }
        if let Some(reason) = why_not_report_departments(&departments, facets) {
            return Err(corrupt(format!("report departments at byte {at}: {reason}")));
        }
        Ok(departments)
    }

    /// The part section: note (i).
    fn part(&mut self) -> Result<Part> {
        let build = u64::read(self.take("part build", 8)?);
        let at = self.at();
        let department = match self.u8("part role")? {
            0 => None,
            1 => {
                let at = self.at();
                let department = self.field("part department")?;
                if department.trim().is_empty() {
                    return Err(corrupt(format!("part department at byte {at} is blank")));
                }
                Some(department.to_owned())
            }
            other => {
                return Err(corrupt(format!(
                    "part role at byte {at} is {other}, not 0 (core) or 1 (shard)"
                )));
            }
        };
        Ok(Part { build, department })
    }

    fn finish(&self) -> Result<()> {
        match self.r.remaining() {
            0 => Ok(()),
            extra => Err(corrupt(format!("{extra} trailing bytes at byte {}", self.at()))),
        }
    }
}
