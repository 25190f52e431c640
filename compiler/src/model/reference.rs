//! The reference forward pass: what the device must compute for a shopper's
//! window, here with candle on the CPU. Tests compare the core's own
//! inference against it.

use std::path::Path;

use candle_core::{Device, Tensor};

use super::export;
use super::sasrec::Sasrec;
use super::{Error, Result};

/// `h`, the final-normed representation of the window's last position
/// (`d` values), for a window of (item row, event type) oldest first
/// (1 to `L` events; types 0 view, 1 add-to-cart, 2 purchase).
pub fn forward_last(model: &Sasrec, window: &[(u32, u8)]) -> Result<Vec<f32>> {
    let n = window.len();
    if n == 0 || n > model.dims.max_len {
        return Err(Error(format!("a window of {n} events (1 to {})", model.dims.max_len)));
    }
    let mut items = Vec::with_capacity(n);
    let mut types = Vec::with_capacity(n);
    for &(row, kind) in window {
        if row as usize >= model.dims.items || kind > 2 {
            return Err(Error(format!("event ({row}, {kind}): no such item row or type")));
        }
        items.push(row);
        types.push(u32::from(kind));
    }
    let items = Tensor::from_vec(items, (1, n), &Device::Cpu)?;
    let types = Tensor::from_vec(types, (1, n), &Device::Cpu)?;
    let h = model.hidden(&items, &types, &mut |x: &Tensor| Ok(x.clone()))?;
    Ok(h.narrow(1, n - 1, 1)?.flatten_all()?.to_vec1::<f32>()?)
}

/// Every item's score `h · E[i]`, by row, for the window.
pub fn scores(model: &Sasrec, window: &[(u32, u8)]) -> Result<Vec<f32>> {
    let h = forward_last(model, window)?;
    let d = h.len();
    let h = Tensor::from_vec(h, (1, d), &Device::Cpu)?;
    Ok(model.scores(&h)?.flatten_all()?.to_vec1::<f32>()?)
}

/// [`forward_last`] of the model in a safetensors file.
pub fn forward_last_file(path: &Path, window: &[(u32, u8)]) -> Result<Vec<f32>> {
    forward_last(&export::read(path)?.model, window)
}
