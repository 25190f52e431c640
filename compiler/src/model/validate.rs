//! Next-item quality over full rankings: each case's target is ranked among
//! every item except those already in its window (the target itself stays
//! ranked); NDCG@10 = 1/log2(rank + 2) when rank < 10, HR@10 = rank < 10.

use candle_core::{Device, Tensor};

use super::Result;
use super::sasrec::Sasrec;

/// A window (oldest first, at most `L` events) and the item that followed it.
#[derive(Debug, Clone)]
pub struct Case {
    /// (item row, event type).
    pub window: Vec<(u32, u8)>,
    /// The item row to rank.
    pub target: u32,
}

/// Mean NDCG@10 and HR@10.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    /// Mean NDCG@10.
    pub ndcg: f64,
    /// Mean HR@10.
    pub hit: f64,
    /// Cases counted.
    pub cases: usize,
}

/// The case for a whole history: its last event is the target, the last `L`
/// before it the window; `None` with fewer than two events.
pub fn last_event_case(history: &[(u32, u8)], max_len: usize) -> Option<Case> {
    let (last, before) = history.split_last()?;
    if before.is_empty() {
        return None;
    }
    let window = before[before.len().saturating_sub(max_len)..].to_vec();
    Some(Case { window, target: last.0 })
}

/// The target's 0-based rank among the items not in the window.
pub fn rank(scores: &[f32], case: &Case, seen: &mut [u32], stamp: u32) -> usize {
    for &(row, _) in &case.window {
        seen[row as usize] = stamp;
    }
    let target = case.target as usize;
    let s = scores[target];
    let above = scores.iter().zip(seen.iter()).enumerate();
    above.filter(|&(i, (&v, &m))| i != target && m != stamp && v > s).count()
}

/// Metrics over cases, in batches of `batch` windows.
pub fn evaluate(model: &Sasrec, cases: &[Case], batch: usize) -> Result<Metrics> {
    let mut seen = vec![0u32; model.dims.items];
    let mut out = Metrics::default();
    for (index, chunk) in cases.chunks(batch.max(1)).enumerate() {
        let t = chunk.iter().map(|c| c.window.len()).max().unwrap_or(1).max(1);
        let b = chunk.len();
        let mut items = vec![0u32; b * t];
        let mut types = vec![0u32; b * t];
        let mut last = Vec::with_capacity(b);
        for (i, case) in chunk.iter().enumerate() {
            for (p, &(row, kind)) in case.window.iter().enumerate() {
                items[i * t + p] = row;
                types[i * t + p] = u32::from(kind);
            }
            last.push((i * t + case.window.len().max(1) - 1) as u32);
        }
        let items = Tensor::from_vec(items, (b, t), &Device::Cpu)?;
        let types = Tensor::from_vec(types, (b, t), &Device::Cpu)?;
        let h = model.hidden(&items, &types, &mut |x: &Tensor| Ok(x.clone()))?;
        let d = model.dims.dims;
        let last = Tensor::from_vec(last, b, &Device::Cpu)?;
        let h = h.reshape((b * t, d))?.index_select(&last, 0)?;
        let scores = model.scores(&h)?.to_vec2::<f32>()?;
        for (i, (case, scores)) in chunk.iter().zip(&scores).enumerate() {
            let stamp = (index * batch.max(1) + i + 1) as u32;
            let r = rank(scores, case, &mut seen, stamp);
            if r < 10 {
                out.ndcg += 1.0 / ((r + 2) as f64).log2();
                out.hit += 1.0;
            }
            out.cases += 1;
        }
    }
    if out.cases > 0 {
        out.ndcg /= out.cases as f64;
        out.hit /= out.cases as f64;
    }
    Ok(out)
}
