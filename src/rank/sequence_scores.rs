//! A sequence model's signal of every item, for one state of the shopper's
//! sequence: scored once (one int8 pass of `h · eᵢ` over the catalog's
//! vectors) and kept until the sequence changes, so that every slate and
//! explanation in between looks signals up.

use crate::catalog::quantize::quantize_as_is;
use crate::catalog::{Catalog, Scratch};

use super::kernel::dot_i8_rows;

/// The temperature of a sequence model's signal: an item's is its probability
/// relative to the best item's raised to `1 / SEQUENCE_TEMPERATURE`, so that
/// an item half as likely as the best keeps 79% of its signal rather than 50%
/// (a model sure of little after two views still fills a slate above the
/// threshold; the order among items is the model's whatever the temperature).
pub const SEQUENCE_TEMPERATURE: f32 = 3.0;

/// Rows scored at a time: a divisor of the rows a page of codes holds.
const BLOCK: usize = 1024;

/// A sequence model's vector signal of every item of one catalog: the item's
/// probability relative to the best item's, `exp((score − top) / T)`, times
/// the confidence the sequence's length gives; and per taxonomy node its best
/// item's signal (an exact bound for the scan).
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceScores {
    /// By vector row.
    by_row: Vec<f32>,
    /// By taxonomy node: the largest signal of the items filed under it.
    by_node: Vec<f32>,
    /// The best item's signal, in (0, 1].
    confidence: f32,
}

impl SequenceScores {
    /// Scores every item of `catalog` from a model's representation `h` of a
    /// sequence ([`crate::sequence::Encoder::state`]): item `i` scores `h · eᵢ`
    /// over the catalog's vectors, its signal `confidence · exp((score − best
    /// score) / SEQUENCE_TEMPERATURE)`. `None` for a representation of the
    /// wrong length, a catalog without vectors, a confidence outside (0, 1]
    /// (above 1 is taken as 1) or scores that are not finite.
    pub fn new(catalog: &Catalog, h: &[f32], confidence: f32) -> Option<Self> {
        let vectors = catalog.vectors();
        if h.len() != vectors.dims()
            || vectors.is_empty()
            || confidence.is_nan()
            || confidence <= 0.0
        {
            return None;
        }
        let (codes, scale) = quantize_as_is(h)?;
        let mut dots = [0i32; BLOCK];
        let mut scratch = Scratch::default();
        let mut by_row = Vec::with_capacity(vectors.len());
        // A block of rows at a time: blocks never straddle two pages of codes.
        for first in (0..vectors.len()).step_by(BLOCK) {
            let end = (first + BLOCK).min(vectors.len());
            let dots = &mut dots[..end - first];
            let (rows, scales) = vectors.rows(first..end, &mut scratch);
            dot_i8_rows(&codes, rows, dots);
            by_row.extend(dots.iter().zip(scales).map(|(&dot, &s)| dot as f32 * s * scale));
        }
        // Comparisons rather than `f32::max`, which WebAssembly builds call
        // `fmaxf` for, once per item (a NaN never compares greater).
        let top = by_row.iter().fold(f32::NEG_INFINITY, |top, &s| if s > top { s } else { top });
        if !top.is_finite() {
            return None;
        }
        let confidence = confidence.min(1.0);
        let inverse = 1.0 / SEQUENCE_TEMPERATURE;
        for score in &mut by_row {
            *score = confidence * exp_below_zero((*score - top) * inverse);
        }
        let by_node = (0..catalog.taxonomy().len() as u32)
            .map(|node| {
                let rows = catalog.items_in(node).iter().map(|&i| vectors.row(i as usize));
                rows.fold(0.0f32, |best, row| {
                    let signal = by_row.get(row).copied().unwrap_or(0.0);
                    if signal > best { signal } else { best }
                })
            })
            .collect();
        Some(Self { by_row, by_node, confidence })
    }

    /// Whether these are the scores of a catalog of `catalog`'s size and
    /// taxonomy (those of another catalog are never read).
    pub(crate) fn fits(&self, catalog: &Catalog) -> bool {
        self.by_row.len() == catalog.vectors().len()
            && self.by_node.len() == catalog.taxonomy().len()
    }

    /// The signal of item `index` of `catalog` (0 out of range).
    #[inline(always)]
    pub(crate) fn signal(&self, catalog: &Catalog, index: usize) -> f32 {
        self.by_row.get(catalog.vectors().row(index)).copied().unwrap_or(0.0)
    }

    /// The largest signal of the items filed under taxonomy node `node`.
    pub(crate) fn node_bound(&self, node: u32) -> Option<f32> {
        self.by_node.get(node as usize).copied()
    }

    /// The best item's signal: the confidence the sequence's length gives.
    pub fn confidence(&self) -> f32 {
        self.confidence
    }
}

/// `exp(x)` for `x ≤ 0` (`exp(−87)` below −87), to 3e-5 relative: 2 raised to
/// `x·log₂e`, split into an integer power (built in the exponent bits) and a
/// polynomial of the fraction; plain arithmetic that WebAssembly's SIMD
/// vectorises, where `f32::exp` is a call per item.
#[inline(always)]
fn exp_below_zero(x: f32) -> f32 {
    let t = x.clamp(-87.0, 0.0) * std::f32::consts::LOG2_E;
    let i = t.floor();
    let f = t - i;
    // 2^f on [0, 1): polynomial of degree 6.
    let p = 1.0
        + f * (std::f32::consts::LN_2
            + f * (0.240_226_5
                + f * (0.055_504_11
                    + f * (0.009_618_13 + f * (0.001_333_55 + f * 0.000_154_035)))));
    let scale = f32::from_bits(((i as i32 + 127) as u32) << 23);
    p * scale
}

#[cfg(test)]
mod tests {
    use super::exp_below_zero;

    #[test]
    fn exp_below_zero_is_exp_to_3e5_relative_and_monotone() {
        let mut previous = 0.0f32;
        for i in (0..=100_000).rev() {
            let x = -(i as f32) * 0.0009;
            let (fast, exact) = (exp_below_zero(x), (x as f64).exp());
            if x >= -80.0 {
                assert!(((fast as f64 - exact) / exact).abs() < 3e-5, "{x}: {fast} vs {exact}");
            }
            assert!(fast >= previous, "monotone at {x}");
            previous = fast;
        }
        assert_eq!(exp_below_zero(0.0), 1.0);
        assert_eq!(exp_below_zero(5.0), 1.0);
        assert!(exp_below_zero(-1000.0) < 1e-37);
        assert!(exp_below_zero(f32::NEG_INFINITY) < 1e-37);
    }
}
