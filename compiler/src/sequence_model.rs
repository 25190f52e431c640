//! `--sequence-model FILE`: reads a sequence model v1 safetensors file
//! (docs/FORMATS.md, "Sequence model v1"), checks it against the spec, and
//! packs it into the catalog: the model's item embeddings become the vector
//! column (kind `sequence`), its other tensors the catalog's model section.
//!
//! The header (at most 100 MB) is read and checked first, names, shapes,
//! dtypes, metadata and limits, so the size the data must have is known
//! before the data is read: a file of another length is refused without
//! reading it. The `safetensors` crate then checks the offsets of the whole file.
//!
//! Catalog items without a learned embedding (not in the model, or seen in
//! fewer than `--min-support` training sequences) get one from their
//! earlier vectors (content vectors, computed or the feed's, or factors) through a
//! ridge-regression linear map fitted on the supported items, content → learned
//! embedding; with no earlier vectors, or none supported, a zero vector: the model
//! then gives that item no sequence signal (its score `h · 0` is 0) and the
//! categories, facets and popularity still rank it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use flaneur::catalog::sequence_model::{MAX_SEQUENCE_DIMS, ModelShape};
use flaneur::catalog::{Catalog, SequenceModel};
use flaneur::util::f16::f16_to_f32;
use safetensors::{Dtype, SafeTensors};
use serde_json::Value;

/// The largest header the spec allows (as the `safetensors` crate).
pub const MAX_HEADER_BYTES: u64 = 100_000_000;
/// The most items a model may list.
pub const MAX_MODEL_ITEMS: usize = 10_000_000;
/// At most this many supported items fit the fallback's linear map (evenly spaced).
const MAX_FIT_ITEMS: usize = 20_000;
/// The ridge penalty, relative to the mean diagonal of `XᵀX`.
const RIDGE: f64 = 0.1;

/// A model file, read and checked.
pub struct ModelFile {
    /// Every tensor but the item embeddings.
    pub model: SequenceModel,
    /// The metadata's `items`: the id of each row of the item embeddings.
    pub items: Vec<String>,
    /// The metadata's `support`, when given: each item's occurrences in training.
    pub support: Option<Vec<u64>>,
    /// `items.len() × d` item embeddings, row after row.
    pub embeddings: Vec<f32>,
}

/// What the header says: the model's shape, the items and the data's size.
struct Plan {
    shape: ModelShape,
    items: Vec<String>,
    support: Option<Vec<u64>>,
    /// Bytes of tensor data the header's shapes and dtypes take.
    data_bytes: u64,
}

/// Reads and checks a model file; the message names the tensor or field at fault.
pub fn read(path: &Path) -> Result<ModelFile, String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let file_len = file.metadata().map_err(|e| e.to_string())?.len();
    let mut len = [0u8; 8];
    file.read_exact(&mut len).map_err(|_| format!("{file_len} bytes: not a safetensors file"))?;
    let header_len = header_len(len, file_len)?;
    let mut header = vec![0u8; header_len as usize];
    file.read_exact(&mut header).map_err(|e| e.to_string())?;
    let plan = plan(&header)?;
    let want = 8 + header_len + plan.data_bytes;
    if file_len != want {
        return Err(format!(
            "the file has {file_len} bytes, its header describes {want} (8 + {header_len} + \
             {} of tensor data)",
            plan.data_bytes
        ));
    }
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(file_len as usize).map_err(|e| e.to_string())?;
    bytes.extend_from_slice(&len);
    bytes.extend_from_slice(&header);
    drop(header);
    file.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    parse(&bytes)
}

/// Checks and reads a whole model file held in memory (what [`read`] does once
/// the file's size matches its header; the fuzz target's entry).
pub fn parse(bytes: &[u8]) -> Result<ModelFile, String> {
    let len: [u8; 8] = match bytes.get(..8).map(<[u8; 8]>::try_from) {
        Some(Ok(len)) => len,
        _ => return Err(format!("{} bytes: not a safetensors file", bytes.len())),
    };
    let header_len = header_len(len, bytes.len() as u64)?;
    let plan = plan(&bytes[8..8 + header_len as usize])?;
    if bytes.len() as u64 != 8 + header_len + plan.data_bytes {
        return Err(format!(
            "the file has {} bytes, its header describes {}",
            bytes.len(),
            8 + header_len + plan.data_bytes
        ));
    }
    let tensors = SafeTensors::deserialize(bytes).map_err(|e| format!("safetensors: {e}"))?;
    let values_of = |name: &str| -> Result<Vec<f32>, String> {
        let view = tensors.tensor(name).map_err(|e| format!("{name}: {e}"))?;
        let data = view.data();
        Ok(match view.dtype() {
            Dtype::F32 => {
                data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
            }
            Dtype::F16 => {
                data.chunks_exact(2).map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]]))).collect()
            }
            Dtype::BF16 => data
                .chunks_exact(2)
                .map(|c| f32::from_bits(u32::from(u16::from_le_bytes([c[0], c[1]])) << 16))
                .collect(),
            other => return Err(format!("{name}: dtype {other:?}, expected F32, F16 or BF16")),
        })
    };
    let embeddings = values_of("item_embedding")?;
    if let Some(i) = embeddings.iter().position(|x| !x.is_finite()) {
        let d = plan.shape.dims;
        return Err(format!("item_embedding: value {i} (row {}) is not finite", i / d));
    }
    let mut values = Vec::with_capacity(plan.shape.value_count());
    for (name, _) in plan.shape.tensors() {
        values.extend(values_of(&name)?);
    }
    let model = SequenceModel::from_values(plan.shape, values).map_err(|e| match e {
        flaneur::Error::CatalogInvalid { field, reason, .. } => {
            format!("{}: {reason}", field.trim_start_matches("sequence_model."))
        }
        other => other.to_string(),
    })?;
    Ok(ModelFile { model, items: plan.items, support: plan.support, embeddings })
}

/// The header's length from the file's first 8 bytes, refused when hostile.
fn header_len(len: [u8; 8], file_len: u64) -> Result<u64, String> {
    let n = u64::from_le_bytes(len);
    if n > MAX_HEADER_BYTES {
        return Err(format!("header length {n} bytes: at most {MAX_HEADER_BYTES}"));
    }
    if n > file_len.saturating_sub(8) {
        return Err(format!("header length {n} bytes, but the file has {file_len} bytes"));
    }
    Ok(n)
}

/// One tensor as the header describes it.
#[derive(serde::Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<u64>,
    #[allow(dead_code)] // checked by the safetensors crate
    data_offsets: (u64, u64),
}

/// Checks the header against the spec: metadata, names, shapes, dtypes, limits.
fn plan(header: &[u8]) -> Result<Plan, String> {
    let text = std::str::from_utf8(header).map_err(|e| format!("header: not UTF-8: {e}"))?;
    let mut raw: BTreeMap<String, Value> =
        serde_json::from_str(text).map_err(|e| format!("header: {e}"))?;
    let metadata = match raw.remove("__metadata__") {
        Some(m) => serde_json::from_value::<HashMap<String, String>>(m)
            .map_err(|e| format!("__metadata__: {e} (every value must be a string)"))?,
        None => return Err("__metadata__: missing (format, version, heads, items)".into()),
    };
    let field =
        |name: &str| metadata.get(name).ok_or_else(|| format!("__metadata__.{name}: missing"));
    if field("format")? != "flaneur-sequence" {
        return Err(format!(
            "__metadata__.format: {:?}, expected \"flaneur-sequence\"",
            field("format")?
        ));
    }
    if field("version")? != "1" {
        return Err(format!(
            "__metadata__.version: {:?}, this build reads \"1\"",
            field("version")?
        ));
    }
    let heads = field("heads")?;
    let heads: usize = heads
        .trim()
        .parse()
        .map_err(|_| format!("__metadata__.heads: {heads:?} is not a count"))?;
    let mut entries = BTreeMap::new();
    for (name, value) in raw {
        let entry: Entry =
            serde_json::from_value(value).map_err(|e| format!("{name}: header entry: {e}"))?;
        if !matches!(entry.dtype.as_str(), "F32" | "F16" | "BF16") {
            return Err(format!("{name}: dtype {}, expected F32, F16 or BF16", entry.dtype));
        }
        entries.insert(name, entry);
    }
    let shape_of = |name: &str| -> Result<&[u64], String> {
        entries.get(name).map(|e| e.shape.as_slice()).ok_or_else(|| format!("{name}: missing"))
    };
    let two = |name: &str| -> Result<(usize, usize), String> {
        match shape_of(name)? {
            &[a, b] => Ok((a as usize, b as usize)),
            other => Err(format!("{name}: shape {other:?}, expected two dimensions")),
        }
    };
    let (n, dims) = two("item_embedding")?;
    if !(1..=MAX_SEQUENCE_DIMS).contains(&dims) {
        return Err(format!("item_embedding: d = {dims}, expected 1 to {MAX_SEQUENCE_DIMS}"));
    }
    if n > MAX_MODEL_ITEMS {
        return Err(format!("item_embedding: {n} items, at most {MAX_MODEL_ITEMS}"));
    }
    let (max_len, _) = two("position_embedding")?;
    let (ffn, _) = two("blocks.0.ffn.up.weight")?;
    let blocks = (0..)
        .take_while(|b| entries.contains_key(&format!("blocks.{b}.attention_norm.weight")))
        .count()
        .max(1);
    let events = entries.contains_key("event_embedding");
    let shape = ModelShape { dims, heads, max_len, ffn, blocks, events };
    shape.check()?;
    let mut expected: BTreeMap<String, Vec<usize>> = shape.tensors().into_iter().collect();
    expected.insert("item_embedding".into(), vec![n, dims]);
    for (name, want) in &expected {
        let got = shape_of(name)?;
        if got.len() != want.len() || got.iter().zip(want).any(|(&g, &w)| g != w as u64) {
            return Err(format!("{name}: shape {got:?}, expected {want:?}"));
        }
    }
    if let Some(extra) = entries.keys().find(|name| !expected.contains_key(*name)) {
        return Err(format!(
            "{extra}: not a tensor of the format (a block beyond blocks.{}, or a stray name)",
            blocks - 1
        ));
    }
    let data_bytes = entries
        .values()
        .map(|e| e.shape.iter().product::<u64>() * if e.dtype == "F32" { 4 } else { 2 })
        .sum();
    let items: Vec<String> = serde_json::from_str(field("items")?)
        .map_err(|e| format!("__metadata__.items: {e} (expected a JSON array of ids)"))?;
    if items.len() != n {
        return Err(format!(
            "__metadata__.items: {} ids, item_embedding has {n} rows",
            items.len()
        ));
    }
    let mut seen = HashSet::with_capacity(n);
    if let Some(dup) = items.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(format!("__metadata__.items: {dup:?} is listed twice"));
    }
    let support = match metadata.get("support") {
        None => None,
        Some(text) => {
            let counts: Vec<u64> = serde_json::from_str(text).map_err(|e| {
                format!("__metadata__.support: {e} (expected a JSON array of counts)")
            })?;
            if counts.len() != n {
                return Err(format!("__metadata__.support: {} counts for {n} items", counts.len()));
            }
            Some(counts)
        }
    };
    Ok(Plan { shape, items, support, data_bytes })
}

/// What [`attach`] did with the catalog's items and the model's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Packed {
    /// Catalog items with their learned embedding.
    pub learned: usize,
    /// Catalog items with an embedding mapped from their earlier vectors.
    pub fallback: usize,
    /// Catalog items with a zero vector.
    pub zero: usize,
    /// Model items the catalog does not have (ignored).
    pub not_in_catalog: usize,
    /// Model items of the catalog seen fewer than `min_support` times.
    pub below_support: usize,
}

/// Packs `file` into `catalog` (items matched by id; see the module's notes
/// for items without a supported embedding).
pub fn attach(catalog: &mut Catalog, file: ModelFile, min_support: u64) -> Result<Packed, String> {
    let ModelFile { model, items, support, embeddings } = file;
    let d = model.dims();
    let mut packed = Packed::default();
    // Per catalog item, the model row of its supported embedding.
    let mut row_of: Vec<Option<usize>> = vec![None; catalog.len()];
    for (r, id) in items.iter().enumerate() {
        match catalog.index_of(id) {
            None => packed.not_in_catalog += 1,
            Some(_) if support.as_ref().is_some_and(|s| s[r] < min_support) => {
                packed.below_support += 1
            }
            Some(i) => row_of[i] = Some(r),
        }
    }
    let old = catalog.vectors();
    let c = old.dims();
    let supported: Vec<usize> = (0..catalog.len()).filter(|&i| row_of[i].is_some()).collect();
    let map = if c > 0 && !supported.is_empty() && old.len() == catalog.len() {
        let stride = supported.len().div_ceil(MAX_FIT_ITEMS);
        let fit: Vec<(Vec<f32>, &[f32])> = supported
            .iter()
            .step_by(stride)
            .map(|&i| {
                let r = row_of[i].unwrap_or_default();
                (old.dequantize(i), &embeddings[r * d..(r + 1) * d])
            })
            .collect();
        ridge(&fit, c, d)
    } else {
        None
    };
    let mut column = vec![0.0f32; catalog.len() * d];
    for (i, out) in column.chunks_exact_mut(d).enumerate() {
        if let Some(r) = row_of[i] {
            out.copy_from_slice(&embeddings[r * d..(r + 1) * d]);
            packed.learned += 1;
            continue;
        }
        let content = if c > 0 { old.dequantize(i) } else { Vec::new() };
        match &map {
            Some(w) if content.iter().any(|&x| x != 0.0) => {
                // out = Wᵀ content, W being c × d.
                for (k, &x) in content.iter().enumerate() {
                    for (o, &wk) in out.iter_mut().zip(&w[k * d..(k + 1) * d]) {
                        *o += (f64::from(x) * wk) as f32;
                    }
                }
                packed.fallback += 1;
            }
            _ => packed.zero += 1,
        }
    }
    catalog.set_sequence_model(model, &column).map_err(|e| e.to_string())?;
    Ok(packed)
}

/// The ridge-regression map `W` (`c × d`, row-major) minimising
/// `Σ |Wᵀx − y|² + λ|W|²` over the pairs `(x, y)`, with `λ` = [`RIDGE`] times
/// the mean diagonal of `XᵀX`: `(XᵀX + λI) W = XᵀY`, solved by Cholesky in `f64`.
/// `None` when it cannot be solved (no signal).
fn ridge(pairs: &[(Vec<f32>, &[f32])], c: usize, d: usize) -> Option<Vec<f64>> {
    let mut xtx = vec![0.0f64; c * c];
    let mut xty = vec![0.0f64; c * d];
    for (x, y) in pairs {
        for (a, &xa) in x.iter().enumerate() {
            let xa = f64::from(xa);
            if xa == 0.0 {
                continue;
            }
            for (b, &xb) in x.iter().enumerate().skip(a) {
                xtx[a * c + b] += xa * f64::from(xb);
            }
            for (o, &yk) in xty[a * d..(a + 1) * d].iter_mut().zip(y.iter()) {
                *o += xa * f64::from(yk);
            }
        }
    }
    for a in 0..c {
        for b in 0..a {
            xtx[a * c + b] = xtx[b * c + a];
        }
    }
    let trace: f64 = (0..c).map(|a| xtx[a * c + a]).sum();
    if trace.is_nan() || trace <= 0.0 {
        return None;
    }
    let lambda = RIDGE * trace / c as f64;
    for a in 0..c {
        xtx[a * c + a] += lambda;
    }
    // Cholesky: XᵀX + λI = L Lᵀ, L lower triangular, stored in place.
    for j in 0..c {
        let mut diag = xtx[j * c + j];
        for k in 0..j {
            diag -= xtx[j * c + k] * xtx[j * c + k];
        }
        if diag.is_nan() || diag <= 0.0 {
            return None;
        }
        let diag = diag.sqrt();
        xtx[j * c + j] = diag;
        for i in j + 1..c {
            let mut v = xtx[i * c + j];
            for k in 0..j {
                v -= xtx[i * c + k] * xtx[j * c + k];
            }
            xtx[i * c + j] = v / diag;
        }
    }
    // Solve L Z = XᵀY, then Lᵀ W = Z, column block by column block.
    let mut w = xty;
    for i in 0..c {
        for k in 0..i {
            let l = xtx[i * c + k];
            for col in 0..d {
                w[i * d + col] -= l * w[k * d + col];
            }
        }
        let l = xtx[i * c + i];
        for col in 0..d {
            w[i * d + col] /= l;
        }
    }
    for i in (0..c).rev() {
        for k in i + 1..c {
            let l = xtx[k * c + i];
            for col in 0..d {
                w[i * d + col] -= l * w[k * d + col];
            }
        }
        let l = xtx[i * c + i];
        for col in 0..d {
            w[i * d + col] /= l;
        }
    }
    w.iter().all(|x| x.is_finite()).then_some(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map recovers an exact linear relation (up to the ridge's shrinkage).
    #[test]
    fn ridge_recovers_a_linear_map() {
        let (c, d) = (3, 2);
        let truth = [1.0, -2.0, 0.5, 0.0, 3.0, 1.0]; // c × d
        let mut seed = 1u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        };
        let xs: Vec<Vec<f32>> = (0..200).map(|_| (0..c).map(|_| next()).collect()).collect();
        let ys: Vec<Vec<f32>> = xs
            .iter()
            .map(|x| (0..d).map(|o| (0..c).map(|k| x[k] * truth[k * d + o] as f32).sum()).collect())
            .collect();
        let pairs: Vec<(Vec<f32>, &[f32])> =
            xs.iter().cloned().zip(ys.iter().map(Vec::as_slice)).collect();
        let w = ridge(&pairs, c, d).unwrap();
        for (got, want) in w.iter().zip(truth) {
            // λ = 0.1 · mean diagonal shrinks by about 1/(1 + 0.1).
            assert!((got - want / 1.1).abs() < 0.15 * want.abs().max(0.5), "{got} vs {want}");
        }
        assert!(ridge(&[(vec![0.0; 3], &[1.0, 1.0][..])], 3, 2).is_none());
    }
}
