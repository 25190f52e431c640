//! The sequence model of docs/FORMATS.md ("Sequence model v1"): its tensors,
//! by their names in the file, and its forward pass in candle.

use std::collections::BTreeMap;

use candle_core::{D, DType, Device, Tensor};

use super::fused;
use super::rng::Rng;
use super::{Error, Result};

/// Layer normalisation's ε (the spec's, PyTorch's default).
pub const LN_EPS: f64 = 1e-5;

/// The model's sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    /// `N`: the items.
    pub items: usize,
    /// `d`: the model dimension.
    pub dims: usize,
    /// Transformer blocks.
    pub blocks: usize,
    /// Attention heads (divides `dims`).
    pub heads: usize,
    /// `L`: the longest window.
    pub max_len: usize,
    /// `f`: the feed-forward width.
    pub ffn: usize,
    /// Whether the model has an `event_embedding`.
    pub events: bool,
}

impl Dims {
    /// Every tensor's name and shape, as the spec lists them.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>)> {
        let (n, d, f) = (self.items, self.dims, self.ffn);
        let mut out = vec![
            ("item_embedding".to_string(), vec![n, d]),
            ("position_embedding".to_string(), vec![self.max_len, d]),
        ];
        if self.events {
            out.push(("event_embedding".to_string(), vec![3, d]));
        }
        for b in 0..self.blocks {
            let p = format!("blocks.{b}.");
            for norm in ["attention_norm", "ffn_norm"] {
                out.push((format!("{p}{norm}.weight"), vec![d]));
                out.push((format!("{p}{norm}.bias"), vec![d]));
            }
            for part in ["query", "key", "value", "output"] {
                out.push((format!("{p}attention.{part}.weight"), vec![d, d]));
                out.push((format!("{p}attention.{part}.bias"), vec![d]));
            }
            out.push((format!("{p}ffn.up.weight"), vec![f, d]));
            out.push((format!("{p}ffn.up.bias"), vec![f]));
            out.push((format!("{p}ffn.down.weight"), vec![d, f]));
            out.push((format!("{p}ffn.down.bias"), vec![d]));
        }
        out.push(("final_norm.weight".to_string(), vec![d]));
        out.push(("final_norm.bias".to_string(), vec![d]));
        out
    }
}

/// The model: its sizes and its tensors by name (f32, on the CPU).
#[derive(Debug, Clone)]
pub struct Sasrec {
    /// The sizes.
    pub dims: Dims,
    /// The tensors, by the spec's names.
    pub tensors: BTreeMap<String, Tensor>,
}

/// Dropout, applied by training between layers (the identity at inference).
pub type Dropout<'a> = &'a mut dyn FnMut(&Tensor) -> Result<Tensor>;

impl Sasrec {
    /// A model from named tensors, checked against the spec's names and
    /// shapes (any dtype; converted to f32).
    pub fn new(dims: Dims, tensors: BTreeMap<String, Tensor>) -> Result<Self> {
        let mut out = BTreeMap::new();
        let expected = dims.tensors();
        for (name, shape) in &expected {
            let t = tensors.get(name).ok_or_else(|| Error(format!("missing tensor {name}")))?;
            if t.dims() != shape.as_slice() {
                return Err(Error(format!("tensor {name}: shape {:?}, not {shape:?}", t.dims())));
            }
            out.insert(name.clone(), t.to_dtype(DType::F32)?);
        }
        if let Some(extra) = tensors.keys().find(|k| !out.contains_key(*k)) {
            return Err(Error(format!("unexpected tensor {extra}")));
        }
        Ok(Sasrec { dims, tensors: out })
    }

    /// A freshly initialised model: Xavier-normal weights and position
    /// embedding, N(0, 1/d) item embedding, a zero event embedding and
    /// biases, unit norms.
    pub fn random(dims: Dims, rng: &mut Rng) -> Result<Self> {
        let mut tensors = BTreeMap::new();
        for (name, shape) in dims.tensors() {
            let count: usize = shape.iter().product();
            let values: Vec<f32> = if name.ends_with("norm.weight") {
                vec![1.0; count]
            } else if shape.len() == 1 || name == "event_embedding" {
                vec![0.0; count]
            } else if name == "item_embedding" {
                // Rows of about unit length, as large as the positions' (not
                // Xavier's 1/√N, which drowns the item in its position).
                let std = 1.0 / (dims.dims as f32).sqrt();
                (0..count).map(|_| rng.normal() * std).collect()
            } else {
                let std = (2.0 / (shape[0] + shape[1]) as f32).sqrt();
                (0..count).map(|_| rng.normal() * std).collect()
            };
            tensors.insert(name, Tensor::from_vec(values, shape, &Device::Cpu)?);
        }
        Sasrec::new(dims, tensors)
    }

    /// The tensor of that name.
    pub fn get(&self, name: &str) -> Result<&Tensor> {
        self.tensors.get(name).ok_or_else(|| Error(format!("missing tensor {name}")))
    }

    /// The final-normed representations `h` of every position, `[B, T, d]`,
    /// of a batch of windows `items` (`[B, T]` u32 rows, oldest first,
    /// right-padded with any row) and their event `types` (`[B, T]` u32).
    /// Positions count from 0 at each window's first event; a padded tail
    /// changes nothing before it (attention is causal).
    pub fn hidden(&self, items: &Tensor, types: &Tensor, drop: Dropout) -> Result<Tensor> {
        let (b, t) = items.dims2()?;
        let d = self.dims.dims;
        if t > self.dims.max_len || t == 0 {
            return Err(Error(format!("a window of {t} events (1 to {})", self.dims.max_len)));
        }
        let embed = |name: &str, rows: &Tensor| -> Result<Tensor> {
            Ok(self.get(name)?.index_select(&rows.flatten_all()?, 0)?.reshape((b, t, d))?)
        };
        let mut x = embed("item_embedding", items)?;
        x = x.broadcast_add(&self.get("position_embedding")?.narrow(0, 0, t)?)?;
        if self.dims.events {
            x = (x + embed("event_embedding", types)?)?;
        }
        x = drop(&x)?;
        let mask: Vec<f32> =
            (0..t * t).map(|i| if i % t > i / t { f32::NEG_INFINITY } else { 0.0 }).collect();
        let mask = Tensor::from_vec(mask, (t, t), &Device::Cpu)?;
        let (h, dh) = (self.dims.heads, d / self.dims.heads);
        let scale = 1.0 / (dh as f64).sqrt();
        for block in 0..self.dims.blocks {
            let p = format!("blocks.{block}.");
            let a = self.norm(&x, &format!("{p}attention_norm"))?;
            let split = |name: &str| -> Result<Tensor> {
                let y = self.linear(&a, &format!("{p}attention.{name}"))?;
                if h == 1 {
                    return Ok(y);
                }
                Ok(y.reshape((b, t, h, dh))?.transpose(1, 2)?.contiguous()?)
            };
            let (q, k, v) = (split("query")?, split("key")?, split("value")?);
            let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(&mask)?;
            let attention = fused::softmax(&scores)?;
            let mut o = attention.matmul(&v)?;
            if h > 1 {
                o = o.transpose(1, 2)?.reshape((b, t, d))?;
            }
            let o = self.linear(&o, &format!("{p}attention.output"))?;
            x = (x + drop(&o)?)?;
            let up =
                self.linear(&self.norm(&x, &format!("{p}ffn_norm"))?, &format!("{p}ffn.up"))?;
            let down = self.linear(&drop(&up.relu()?)?, &format!("{p}ffn.down"))?;
            x = (x + drop(&down)?)?;
        }
        self.norm(&x, "final_norm")
    }

    /// `h · E[i]` for every item: `[.., d]` → `[.., N]`.
    pub fn scores(&self, h: &Tensor) -> Result<Tensor> {
        Ok(h.broadcast_matmul(&self.get("item_embedding")?.t()?)?)
    }

    /// `y = x Wᵀ + b` over the last dimension.
    fn linear(&self, x: &Tensor, name: &str) -> Result<Tensor> {
        let w = self.get(&format!("{name}.weight"))?;
        let (out, input) = w.dims2()?;
        let mut shape = x.dims().to_vec();
        let rows = x.elem_count() / input;
        let y = x.reshape((rows, input))?.matmul(&w.t()?)?;
        if let Some(last) = shape.last_mut() {
            *last = out;
        }
        Ok(y.broadcast_add(self.get(&format!("{name}.bias"))?)?.reshape(shape)?)
    }

    /// Layer normalisation over the last dimension (biased variance).
    fn norm(&self, x: &Tensor, name: &str) -> Result<Tensor> {
        let mean = x.mean_keepdim(D::Minus1)?;
        let centred = x.broadcast_sub(&mean)?;
        let variance = centred.sqr()?.mean_keepdim(D::Minus1)?;
        let normed = centred.broadcast_div(&(variance + LN_EPS)?.sqrt()?)?;
        let w = self.get(&format!("{name}.weight"))?;
        Ok(normed.broadcast_mul(w)?.broadcast_add(self.get(&format!("{name}.bias"))?)?)
    }
}
