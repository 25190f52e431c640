//! The sequence model a catalog may carry (docs/FORMATS.md, "Sequence model
//! v1"): a small causal self-attention model of the SASRec family whose item
//! embeddings are the catalog's own vector column ([`super::VectorKind::Sequence`]),
//! so one set of vectors serves the scan and the model. This file holds the
//! weights and their checks; `crate::sequence` runs the model.
//!
//! Weights are held as `f32` rounded to half precision, exactly what the
//! binary catalog stores (`util::f16`), so a catalog behaves the same before
//! and after a round trip through its bytes.

use std::fmt;

use crate::error::{Error, Result};
use crate::util::f16::{F16_MAX, round_to_f16};

/// Largest model dimension `d` (the catalog's `dims` when it carries a model).
pub const MAX_SEQUENCE_DIMS: usize = 256;
/// Most transformer blocks.
pub const MAX_BLOCKS: usize = 4;
/// Longest window `L` (rows of the position embedding).
pub const MAX_WINDOW: usize = 512;
/// Widest feed-forward layer `f`.
pub const MAX_FFN: usize = 1024;
/// Event types the optional event embedding has rows for: view, add-to-cart, purchase.
pub const EVENT_KINDS: usize = 3;
/// The ε of every layer normalisation.
pub const LAYER_NORM_EPSILON: f32 = 1e-5;

/// A model's sizes: what fixes the name, shape and order of every tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelShape {
    /// Model dimension `d`: the catalog's `dims`.
    pub dims: usize,
    /// Attention heads; divides `dims`.
    pub heads: usize,
    /// Longest window `L`.
    pub max_len: usize,
    /// Feed-forward width `f`.
    pub ffn: usize,
    /// Transformer blocks.
    pub blocks: usize,
    /// Whether the model has an event-type embedding.
    pub events: bool,
}

impl ModelShape {
    /// Checks the limits of the spec; `Err` names the size at fault.
    pub fn check(&self) -> std::result::Result<(), String> {
        let Self { dims, heads, max_len, ffn, blocks, .. } = *self;
        if !(1..=MAX_SEQUENCE_DIMS).contains(&dims) {
            return Err(format!("d = {dims}: expected 1 to {MAX_SEQUENCE_DIMS}"));
        }
        if heads == 0 || dims % heads != 0 {
            return Err(format!("heads = {heads}: must divide d = {dims}"));
        }
        if !(1..=MAX_BLOCKS).contains(&blocks) {
            return Err(format!("blocks = {blocks}: expected 1 to {MAX_BLOCKS}"));
        }
        if !(1..=MAX_WINDOW).contains(&max_len) {
            return Err(format!("L = {max_len}: expected 1 to {MAX_WINDOW}"));
        }
        if !(1..=MAX_FFN).contains(&ffn) {
            return Err(format!("f = {ffn}: expected 1 to {MAX_FFN}"));
        }
        Ok(())
    }

    /// Every tensor but `item_embedding` (the catalog's vectors), by its
    /// safetensors name and shape, in the order [`SequenceModel::from_values`]
    /// takes and [`SequenceModel::values`] gives them.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>)> {
        let (d, f) = (self.dims, self.ffn);
        let mut out = Vec::with_capacity(3 + 16 * self.blocks);
        if self.events {
            out.push(("event_embedding".to_string(), vec![EVENT_KINDS, d]));
        }
        out.push(("position_embedding".to_string(), vec![self.max_len, d]));
        for b in 0..self.blocks {
            let p = format!("blocks.{b}.");
            out.push((format!("{p}attention_norm.weight"), vec![d]));
            out.push((format!("{p}attention_norm.bias"), vec![d]));
            for name in ["query", "key", "value", "output"] {
                out.push((format!("{p}attention.{name}.weight"), vec![d, d]));
                out.push((format!("{p}attention.{name}.bias"), vec![d]));
            }
            out.push((format!("{p}ffn_norm.weight"), vec![d]));
            out.push((format!("{p}ffn_norm.bias"), vec![d]));
            out.push((format!("{p}ffn.up.weight"), vec![f, d]));
            out.push((format!("{p}ffn.up.bias"), vec![f]));
            out.push((format!("{p}ffn.down.weight"), vec![d, f]));
            out.push((format!("{p}ffn.down.bias"), vec![d]));
        }
        out.push(("final_norm.weight".to_string(), vec![d]));
        out.push(("final_norm.bias".to_string(), vec![d]));
        out
    }

    /// How many values [`ModelShape::tensors`] hold together (at most about
    /// 3.3 million within the limits).
    pub fn value_count(&self) -> usize {
        let (d, f) = (self.dims, self.ffn);
        let block = 4 * d + 4 * (d * d + d) + (f * d + f) + (d * f + d);
        usize::from(self.events) * EVENT_KINDS * d + self.max_len * d + self.blocks * block + 2 * d
    }
}

/// A layer normalisation's weight and bias, `d` each.
#[derive(Debug, Clone, PartialEq)]
pub struct Norm {
    /// Per-component scale.
    pub weight: Vec<f32>,
    /// Per-component shift.
    pub bias: Vec<f32>,
}

/// A linear layer `y = x Wᵀ + b`: `weight` is `[out, in]`, row-major (PyTorch's `nn.Linear`).
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// `out × in` weights, row after row.
    pub weight: Vec<f32>,
    /// `out` biases.
    pub bias: Vec<f32>,
}

/// One pre-norm transformer block.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Before attention.
    pub attention_norm: Norm,
    /// `d × d`.
    pub query: Linear,
    /// `d × d`.
    pub key: Linear,
    /// `d × d`.
    pub value: Linear,
    /// `d × d`, after the heads are concatenated.
    pub output: Linear,
    /// Before the feed-forward layers.
    pub ffn_norm: Norm,
    /// `f × d`, then ReLU.
    pub up: Linear,
    /// `d × f`.
    pub down: Linear,
}

/// The weights of a sequence model v1, checked, rounded to half precision.
/// Its item embeddings are the catalog's vectors.
#[derive(Clone, PartialEq)]
pub struct SequenceModel {
    shape: ModelShape,
    /// `3 × d`, when the model has one.
    events: Option<Vec<f32>>,
    /// `L × d`, the oldest event of the window at row 0.
    positions: Vec<f32>,
    blocks: Vec<Block>,
    final_norm: Norm,
}

impl fmt::Debug for SequenceModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The shape, not a million numbers.
        f.debug_struct("SequenceModel").field("shape", &self.shape).finish_non_exhaustive()
    }
}

impl SequenceModel {
    /// Builds a model of `shape` from the values of its tensors, concatenated
    /// in the order of [`ModelShape::tensors`], each row-major. Refused with
    /// [`Error::CatalogInvalid`] naming the field (`sequence_model.blocks.0.ffn.up.weight`)
    /// when the shape breaks a limit, the count is wrong, or a value is not
    /// finite or beyond half precision (±65504). Values are rounded to half precision.
    pub fn from_values(shape: ModelShape, values: Vec<f32>) -> Result<Self> {
        let bad = |field: &str, reason: String| Error::CatalogInvalid {
            item: None,
            field: format!("sequence_model.{field}"),
            reason,
        };
        shape.check().map_err(|reason| bad("shape", reason))?;
        let expected = shape.value_count();
        if values.len() != expected {
            return Err(bad(
                "values",
                format!("{} values, the shape takes {expected}", values.len()),
            ));
        }
        let tensors = shape.tensors();
        let mut at = 0;
        for (name, dims) in &tensors {
            let len: usize = dims.iter().product();
            let slice = &values[at..at + len];
            if let Some(i) = slice.iter().position(|x| !(x.is_finite() && x.abs() <= F16_MAX)) {
                return Err(bad(
                    name,
                    format!(
                        "value {i} is {}: not finite, or beyond half precision (±{F16_MAX})",
                        slice[i]
                    ),
                ));
            }
            at += len;
        }
        let mut cursor = Cursor { values: values.into_iter().map(round_to_f16).collect(), at: 0 };
        let (d, f) = (shape.dims, shape.ffn);
        let events = shape.events.then(|| cursor.take(EVENT_KINDS * d));
        let positions = cursor.take(shape.max_len * d);
        let blocks = (0..shape.blocks)
            .map(|_| Block {
                attention_norm: cursor.norm(d),
                query: cursor.linear(d, d),
                key: cursor.linear(d, d),
                value: cursor.linear(d, d),
                output: cursor.linear(d, d),
                ffn_norm: cursor.norm(d),
                up: cursor.linear(f, d),
                down: cursor.linear(d, f),
            })
            .collect();
        let final_norm = cursor.norm(d);
        Ok(Self { shape, events, positions, blocks, final_norm })
    }

    /// Every value, in the order of [`ModelShape::tensors`] (what [`Self::from_values`] takes).
    pub fn values(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.shape.value_count());
        if let Some(events) = &self.events {
            out.extend_from_slice(events);
        }
        out.extend_from_slice(&self.positions);
        let norm = |out: &mut Vec<f32>, n: &Norm| {
            out.extend_from_slice(&n.weight);
            out.extend_from_slice(&n.bias);
        };
        let linear = |out: &mut Vec<f32>, l: &Linear| {
            out.extend_from_slice(&l.weight);
            out.extend_from_slice(&l.bias);
        };
        for b in &self.blocks {
            norm(&mut out, &b.attention_norm);
            for l in [&b.query, &b.key, &b.value, &b.output] {
                linear(&mut out, l);
            }
            norm(&mut out, &b.ffn_norm);
            linear(&mut out, &b.up);
            linear(&mut out, &b.down);
        }
        norm(&mut out, &self.final_norm);
        out
    }

    /// The model's sizes.
    pub fn shape(&self) -> ModelShape {
        self.shape
    }

    /// Model dimension `d` (the catalog's `dims`).
    pub fn dims(&self) -> usize {
        self.shape.dims
    }

    /// Attention heads.
    pub fn heads(&self) -> usize {
        self.shape.heads
    }

    /// Longest window `L`.
    pub fn max_len(&self) -> usize {
        self.shape.max_len
    }

    /// Feed-forward width `f`.
    pub fn ffn(&self) -> usize {
        self.shape.ffn
    }

    /// The event-type embedding, `3 × d` (view, add-to-cart, purchase), if the model has one.
    pub fn event_embedding(&self) -> Option<&[f32]> {
        self.events.as_deref()
    }

    /// The position embedding, `L × d`, the window's oldest event at row 0.
    pub fn position_embedding(&self) -> &[f32] {
        &self.positions
    }

    /// The transformer blocks, first to last.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The layer normalisation of the last position's output.
    pub fn final_norm(&self) -> &Norm {
        &self.final_norm
    }
}

/// Hands out consecutive runs of the (already counted) values.
struct Cursor {
    values: Vec<f32>,
    at: usize,
}

impl Cursor {
    fn take(&mut self, len: usize) -> Vec<f32> {
        let end = (self.at + len).min(self.values.len());
        let out = self.values[self.at..end].to_vec();
        self.at = end;
        out
    }

    fn norm(&mut self, d: usize) -> Norm {
        Norm { weight: self.take(d), bias: self.take(d) }
    }

    fn linear(&mut self, out: usize, inp: usize) -> Linear {
        Linear { weight: self.take(out * inp), bias: self.take(out) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> ModelShape {
        ModelShape { dims: 8, heads: 2, max_len: 5, ffn: 12, blocks: 2, events: true }
    }

    #[test]
    fn values_round_trip_in_tensor_order() {
        let shape = shape();
        let n = shape.value_count();
        let total: usize = shape.tensors().iter().map(|(_, s)| s.iter().product::<usize>()).sum();
        assert_eq!(n, total);
        let values: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
        let model = SequenceModel::from_values(shape, values.clone()).unwrap();
        let rounded: Vec<f32> = values.iter().map(|&x| round_to_f16(x)).collect();
        assert_eq!(model.values(), rounded);
        assert_eq!(model.blocks()[1].up.weight.len(), 12 * 8);
        assert_eq!(model.event_embedding().map(<[f32]>::len), Some(24));
        assert_eq!(SequenceModel::from_values(shape, rounded).unwrap(), model);
    }

    #[test]
    fn bad_shapes_and_values_are_refused_by_name() {
        let ok = shape();
        let field = |r: Result<SequenceModel>| match r {
            Err(Error::CatalogInvalid { field, reason, .. }) => format!("{field}: {reason}"),
            other => panic!("{other:?}"),
        };
        for (shape, want) in [
            (ModelShape { heads: 3, ..ok }, "heads = 3"),
            (ModelShape { dims: 257, heads: 1, ..ok }, "d = 257"),
            (ModelShape { blocks: 5, ..ok }, "blocks = 5"),
            (ModelShape { max_len: 0, ..ok }, "L = 0"),
            (ModelShape { ffn: 1025, ..ok }, "f = 1025"),
        ] {
            let got = field(SequenceModel::from_values(shape, vec![0.0; 10]));
            assert!(got.contains(want), "{got}");
        }
        let got = field(SequenceModel::from_values(ok, vec![0.0; 3]));
        assert!(got.contains("values"), "{got}");
        let mut values = vec![0.0; ok.value_count()];
        let up = 3 * 8 + 5 * 8 + 4 * 8 + 4 * (64 + 8);
        values[up + 1] = f32::NAN;
        let got = field(SequenceModel::from_values(ok, values.clone()));
        assert!(got.starts_with("sequence_model.blocks.0.ffn.up.weight: value 1"), "{got}");
        values[up + 1] = 70000.0;
        assert!(field(SequenceModel::from_values(ok, values)).contains("half precision"));
    }
}
