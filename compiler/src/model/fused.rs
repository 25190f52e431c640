//! Two row-wise kernels fused into one pass forward and one backward, in
//! place of candle's compositions of elementwise tensors: the softmax of the
//! attention scores and the softmax cross-entropy over every item. The
//! logits of a full-softmax step are `positions × items` floats (about
//! 140 MB on ML-1M); each composed operation allocates and walks a tensor of
//! that size, and the allocations' page faults cost more than the arithmetic.

use std::sync::Arc;

use candle_core::{CpuStorage, CustomOp1, Device, Layout, Shape, Storage, Tensor};
use rayon::prelude::*;

use super::Result;

/// The softmax over the last dimension, with its gradient.
pub fn softmax(x: &Tensor) -> Result<Tensor> {
    Ok(x.contiguous()?.apply_op1(Softmax)?)
}

/// The mean over rows of `−log softmax(logits[m])[targets[m]]`, with its
/// gradient: `logits` is `[M, N]` f32, `targets` has `M` entries below `N`.
pub fn cross_entropy(logits: &Tensor, targets: &[u32]) -> Result<Tensor> {
    let op = CrossEntropy { targets: targets.into() };
    Ok(logits.contiguous()?.apply_op1(op)?.mean_all()?)
}

/// A contiguous f32 storage's values and its last dimension.
fn rows<'a>(storage: &'a CpuStorage, layout: &Layout) -> candle_core::Result<(&'a [f32], usize)> {
    let CpuStorage::F32(values) = storage else { candle_core::bail!("fused kernels take f32") };
    let Some((start, end)) = layout.contiguous_offsets() else {
        candle_core::bail!("fused kernels take contiguous tensors")
    };
    let width = layout.dims().last().copied().unwrap_or(1).max(1);
    Ok((&values[start..end], width))
}

/// A tensor's values, read in place.
fn with_values<T>(
    x: &Tensor,
    f: impl FnOnce(&[f32], usize) -> candle_core::Result<T>,
) -> candle_core::Result<T> {
    let (storage, layout) = x.storage_and_layout();
    let Storage::Cpu(cpu) = &*storage else { candle_core::bail!("fused kernels run on the CPU") };
    let (values, width) = rows(cpu, layout)?;
    f(values, width)
}

/// `exp(x − max)` into `out`, returning their sum.
fn exponentials(x: &[f32], out: &mut [f32]) -> f32 {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for (o, &v) in out.iter_mut().zip(x) {
        *o = (v - max).exp();
        sum += *o;
    }
    sum
}

struct Softmax;

impl CustomOp1 for Softmax {
    fn name(&self) -> &'static str {
        "flaneur-softmax"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let (x, width) = rows(s, l)?;
        let mut out = vec![0f32; x.len()];
        out.par_chunks_mut(width).zip(x.par_chunks(width)).for_each(|(o, x)| {
            let sum = exponentials(x, o);
            o.iter_mut().for_each(|v| *v /= sum);
        });
        Ok((CpuStorage::F32(out), l.shape().clone()))
    }

    /// `∂x = s ⊙ (g − ⟨g, s⟩)` row by row.
    fn bwd(&self, _: &Tensor, res: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let grad = grad.contiguous()?;
        let out = with_values(res, |s, width| {
            with_values(&grad, |g, _| {
                let mut out = vec![0f32; s.len()];
                out.par_chunks_mut(width)
                    .zip(s.par_chunks(width).zip(g.par_chunks(width)))
                    .for_each(|(o, (s, g))| {
                        let dot: f32 = s.iter().zip(g).map(|(s, g)| s * g).sum();
                        for ((o, s), g) in o.iter_mut().zip(s).zip(g) {
                            *o = s * (g - dot);
                        }
                    });
                Ok(out)
            })
        })?;
        Ok(Some(Tensor::from_vec(out, res.shape(), &Device::Cpu)?))
    }
}

struct CrossEntropy {
    targets: Arc<[u32]>,
}

impl CrossEntropy {
    fn check(&self, len: usize, width: usize) -> candle_core::Result<()> {
        if len != self.targets.len() * width || self.targets.iter().any(|&t| t as usize >= width) {
            candle_core::bail!("cross-entropy: {} targets for {len} logits", self.targets.len())
        }
        Ok(())
    }
}

impl CustomOp1 for CrossEntropy {
    fn name(&self) -> &'static str {
        "flaneur-cross-entropy"
    }

    /// Each row's loss: `log Σ exp(x) − x[target]`, `[M]`.
    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let (x, width) = rows(s, l)?;
        self.check(x.len(), width)?;
        let loss: Vec<f32> = x
            .par_chunks(width)
            .zip(self.targets.par_iter())
            .map(|(x, &t)| {
                let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let sum: f32 = x.iter().map(|v| (v - max).exp()).sum();
                sum.ln() + max - x[t as usize]
            })
            .collect();
        Ok((CpuStorage::F32(loss), Shape::from(self.targets.len())))
    }

    /// `∂x = g_m (softmax(x_m) − onehot(target_m))`, recomputed from the logits.
    fn bwd(&self, arg: &Tensor, _: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let g = grad.to_vec1::<f32>()?;
        let out = with_values(arg, |x, width| {
            self.check(x.len(), width)?;
            let mut out = vec![0f32; x.len()];
            out.par_chunks_mut(width)
                .zip(x.par_chunks(width))
                .zip(self.targets.par_iter().zip(g.par_iter()))
                .for_each(|((o, x), (&t, &g))| {
                    let scale = g / exponentials(x, o);
                    o.iter_mut().for_each(|v| *v *= scale);
                    o[t as usize] -= g;
                });
            Ok(out)
        })?;
        Ok(Some(Tensor::from_vec(out, arg.shape(), &Device::Cpu)?))
    }
}

#[cfg(test)]
mod tests {
    use candle_core::{D, Var};

    use super::*;
    use crate::model::rng::Rng;

    fn random(shape: (usize, usize), seed: u64) -> Var {
        let mut rng = Rng::new(seed);
        let v: Vec<f32> = (0..shape.0 * shape.1).map(|_| rng.normal() * 3.0).collect();
        Var::from_tensor(&Tensor::from_vec(v, shape, &Device::Cpu).unwrap()).unwrap()
    }

    fn close(a: &Tensor, b: &Tensor) -> f32 {
        (a - b).unwrap().abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar().unwrap()
    }

    #[test]
    fn the_fused_cross_entropy_equals_candles_value_and_gradient() {
        let x = random((37, 53), 3);
        let targets: Vec<u32> = (0..37).map(|m| (m * 7 % 53) as u32).collect();
        let ours = cross_entropy(x.as_tensor(), &targets).unwrap();
        let t = Tensor::from_vec(targets.clone(), 37, &Device::Cpu).unwrap();
        let theirs = candle_nn::loss::cross_entropy(x.as_tensor(), &t).unwrap();
        assert!(close(&ours, &theirs) < 1e-5, "{ours} {theirs}");
        let g1 = ours.backward().unwrap().get(&x).unwrap().clone();
        let g2 = theirs.backward().unwrap().get(&x).unwrap().clone();
        assert!(close(&g1, &g2) < 1e-6);
    }

    #[test]
    fn the_fused_softmax_equals_candles_value_and_gradient() {
        let x = random((29, 41), 5);
        let w = random((29, 41), 6);
        let masked = |x: &Tensor| {
            let mask: Vec<f32> = (0..29 * 41)
                .map(|i| if i % 41 > i / 41 { f32::NEG_INFINITY } else { 0.0 })
                .collect();
            x.add(&Tensor::from_vec(mask, (29, 41), &Device::Cpu).unwrap()).unwrap()
        };
        let ours = softmax(&masked(x.as_tensor())).unwrap();
        let theirs = candle_nn::ops::softmax(&masked(x.as_tensor()), D::Minus1).unwrap();
        assert!(close(&ours, &theirs) < 1e-6);
        let loss = |s: &Tensor| (s * w.as_tensor()).unwrap().sum_all().unwrap();
        let g1 = loss(&ours).backward().unwrap().get(&x).unwrap().clone();
        let g2 = loss(&theirs).backward().unwrap().get(&x).unwrap().clone();
        assert!(close(&g1, &g2) < 1e-5);
    }

    #[test]
    fn a_target_out_of_range_is_refused() {
        let x = random((2, 3), 1);
        assert!(cross_entropy(x.as_tensor(), &[0, 3]).is_err());
        assert!(cross_entropy(x.as_tensor(), &[0]).is_err());
    }
}
