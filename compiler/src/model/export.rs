//! The safetensors file of docs/FORMATS.md ("Sequence model v1"): written
//! byte for byte here (header keys sorted, so the same model gives the same
//! bytes), read with the `safetensors` crate.

use std::collections::BTreeMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use safetensors::{Dtype, SafeTensors};
use serde_json::{Map, Value, json};

use super::sasrec::{Dims, Sasrec};
use super::{Error, Result};

/// The metadata's `format`.
pub const FORMAT: &str = "flaneur-sequence";

/// A model read from a file, with its metadata.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The model (f32).
    pub model: Sasrec,
    /// The item ids, by row.
    pub items: Vec<String>,
    /// Each item's occurrences in the training sequences, when the file has them.
    pub support: Option<Vec<u64>>,
}

/// The file's bytes: the f32 tensors, and `format`, `version`, `heads`,
/// `items` and `support` as metadata.
pub fn to_bytes(model: &Sasrec, items: &[String], support: &[u64]) -> Result<Vec<u8>> {
    if items.len() != model.dims.items || support.len() != model.dims.items {
        return Err(Error("items and support must have one entry per row".to_string()));
    }
    let string = |v: Value| Value::String(v.to_string());
    let mut header = Map::new();
    let metadata = json!({
        "format": FORMAT,
        "version": "1",
        "heads": model.dims.heads.to_string(),
    });
    let mut metadata = metadata.as_object().cloned().unwrap_or_default();
    metadata.insert("items".to_string(), string(json!(items)));
    metadata.insert("support".to_string(), string(json!(support)));
    header.insert("__metadata__".to_string(), Value::Object(metadata));
    let mut data = Vec::new();
    for (name, tensor) in &model.tensors {
        let values = tensor.flatten_all()?.to_vec1::<f32>()?;
        let start = data.len();
        data.extend(values.iter().flat_map(|v| v.to_le_bytes()));
        header.insert(
            name.clone(),
            json!({"dtype": "F32", "shape": tensor.dims(), "data_offsets": [start, data.len()]}),
        );
    }
    let mut text = Value::Object(header).to_string().into_bytes();
    while text.len() % 8 != 0 {
        text.push(b' ');
    }
    let mut out = Vec::with_capacity(8 + text.len() + data.len());
    out.extend((text.len() as u64).to_le_bytes());
    out.extend(text);
    out.extend(data);
    Ok(out)
}

/// Writes the model file.
pub fn write(path: &Path, model: &Sasrec, items: &[String], support: &[u64]) -> Result<()> {
    let bytes = to_bytes(model, items, support)?;
    std::fs::write(path, bytes).map_err(|e| Error(format!("{}: {e}", path.display())))
}

/// Reads a model file.
pub fn read(path: &Path) -> Result<Loaded> {
    let bytes = std::fs::read(path).map_err(|e| Error(format!("{}: {e}", path.display())))?;
    from_bytes(&bytes)
}

/// Reads a model from the bytes of a file (f32, f16 or bf16 tensors).
pub fn from_bytes(bytes: &[u8]) -> Result<Loaded> {
    let (_, header) = SafeTensors::read_metadata(bytes)?;
    let metadata = header.metadata().clone().unwrap_or_default();
    let field = |key: &str| metadata.get(key).ok_or_else(|| Error(format!("metadata: no {key:?}")));
    if field("format")? != FORMAT || field("version")? != "1" {
        return Err(Error(format!("metadata: not {FORMAT} version 1")));
    }
    let heads: usize = field("heads")?.parse().map_err(|_| Error("metadata: heads".to_string()))?;
    let items: Vec<String> = serde_json::from_str(field("items")?)
        .map_err(|e| Error(format!("metadata: items: {e}")))?;
    let support: Option<Vec<u64>> = match metadata.get("support") {
        Some(text) => {
            Some(serde_json::from_str(text).map_err(|e| Error(format!("metadata: support: {e}")))?)
        }
        None => None,
    };
    let file = SafeTensors::deserialize(bytes)?;
    let mut tensors = BTreeMap::new();
    for (name, view) in file.tensors() {
        let dtype = match view.dtype() {
            Dtype::F32 => DType::F32,
            Dtype::F16 => DType::F16,
            Dtype::BF16 => DType::BF16,
            other => return Err(Error(format!("tensor {name}: dtype {other:?}"))),
        };
        let tensor = Tensor::from_raw_buffer(view.data(), dtype, view.shape(), &Device::Cpu)?;
        tensors.insert(name, tensor.to_dtype(DType::F32)?);
    }
    let dim = |name: &str, axis: usize| -> Result<usize> {
        let t = tensors.get(name).ok_or_else(|| Error(format!("missing tensor {name}")))?;
        t.dims().get(axis).copied().ok_or_else(|| Error(format!("tensor {name}: rank")))
    };
    let blocks = (0..).take_while(|b| tensors.contains_key(&format!("blocks.{b}.ffn.up.weight")));
    let dims = Dims {
        items: dim("item_embedding", 0)?,
        dims: dim("item_embedding", 1)?,
        blocks: blocks.count(),
        heads,
        max_len: dim("position_embedding", 0)?,
        ffn: dim("blocks.0.ffn.up.weight", 0)?,
        events: tensors.contains_key("event_embedding"),
    };
    if heads == 0 || dims.dims % heads != 0 {
        return Err(Error(format!("metadata: heads {heads} does not divide {}", dims.dims)));
    }
    if items.len() != dims.items || support.as_ref().is_some_and(|s| s.len() != dims.items) {
        return Err(Error("metadata: items or support do not match item_embedding".to_string()));
    }
    Ok(Loaded { model: Sasrec::new(dims, tensors)?, items, support })
}
