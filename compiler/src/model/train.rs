//! The training loop: next-item prediction at every position of each user's
//! window, a softmax cross-entropy over the target and `negatives` shared
//! uniform negatives (or every item), AdamW, early stopping on the
//! validation NDCG@10 of each user's held-out last event.

use std::time::Instant;

use candle_core::{Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};

use super::events::Sequences;
use super::fused;
use super::rng::Rng;
use super::sasrec::{Dims, Sasrec};
use super::validate::{self, Case, Metrics};
use super::{Error, Result};

/// Hyperparameters.
#[derive(Debug, Clone)]
pub struct Options {
    /// `d`.
    pub dims: usize,
    /// Transformer blocks.
    pub blocks: usize,
    /// Attention heads.
    pub heads: usize,
    /// `L`, the longest window.
    pub max_len: usize,
    /// Feed-forward width.
    pub ffn: usize,
    /// Windows per step.
    pub batch: usize,
    /// AdamW's learning rate.
    pub lr: f64,
    /// AdamW's decoupled weight decay.
    pub weight_decay: f64,
    /// Epochs at most.
    pub max_epochs: usize,
    /// Stop after this many epochs without a better validation NDCG@10.
    pub patience: usize,
    /// Shared uniform negatives per step; 0: a softmax over every item.
    pub negatives: usize,
    /// Dropout rate in training.
    pub dropout: f32,
    /// Stop after the epoch that ends past this many minutes (not
    /// deterministic: it depends on the machine's speed).
    pub max_minutes: Option<f64>,
    /// The seed of initialisation, shuffling, window lengths, negatives and dropout.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dims: 64,
            blocks: 2,
            heads: 1,
            max_len: 200,
            ffn: 64,
            batch: 128,
            lr: 1e-3,
            weight_decay: 0.0,
            max_epochs: 200,
            patience: 5,
            negatives: 256,
            dropout: 0.2,
            max_minutes: None,
            seed: 1,
        }
    }
}

/// One epoch's figures.
#[derive(Debug, Clone, Copy)]
pub struct Epoch {
    /// 1-based.
    pub epoch: usize,
    /// Mean training loss.
    pub loss: f64,
    /// Validation metrics after the epoch.
    pub validation: Metrics,
    /// Seconds the epoch took, validation included.
    pub seconds: f64,
}

/// The trained model (the best epoch's weights) and what the file needs.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The model.
    pub model: Sasrec,
    /// Occurrences of each item row in the training sequences.
    pub support: Vec<u64>,
    /// Every epoch run.
    pub epochs: Vec<Epoch>,
    /// The best epoch (1-based; 0 when nothing could be validated).
    pub best: usize,
}

/// Trains on `data`: each user's last event is held out for validation, the
/// rest is trained on. `log` receives each epoch as it ends.
pub fn train(data: &Sequences, o: &Options, log: &mut dyn FnMut(&Epoch)) -> Result<Trained> {
    check(o)?;
    if data.items.is_empty() {
        return Err(Error("no events to train on".to_string()));
    }
    let dims = Dims {
        items: data.items.len(),
        dims: o.dims,
        blocks: o.blocks,
        heads: o.heads,
        max_len: o.max_len,
        ffn: o.ffn,
        events: data.typed,
    };
    let mut rng = Rng::new(o.seed);
    let model = Sasrec::random(dims, &mut rng)?;
    let mut vars = Vec::new();
    let mut tensors = model.tensors.clone();
    for tensor in tensors.values_mut() {
        let var = Var::from_tensor(tensor)?;
        *tensor = var.as_tensor().clone();
        vars.push(var);
    }
    let model = Sasrec { dims, tensors };
    let params =
        ParamsAdamW { lr: o.lr, beta1: 0.9, beta2: 0.98, eps: 1e-8, weight_decay: o.weight_decay };
    let mut optimizer = AdamW::new(vars, params)?;

    let mut train: Vec<&[(u32, u8)]> = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut support = vec![0u64; dims.items];
    for history in &data.users {
        let kept = match validate::last_event_case(history, o.max_len) {
            Some(case) => {
                cases.push(case);
                &history[..history.len() - 1]
            }
            None => &history[..],
        };
        kept.iter().for_each(|&(row, _)| support[row as usize] += 1);
        if kept.len() >= 2 {
            train.push(kept);
        }
    }
    if train.is_empty() {
        return Err(Error("no user has two events before the held-out last one".to_string()));
    }

    let started = Instant::now();
    let mut best: Option<(f64, usize, Sasrec)> = None;
    let mut epochs = Vec::new();
    for epoch in 1..=o.max_epochs {
        let start = Instant::now();
        // Windows of similar lengths share a batch (less padding), in random order.
        rng.shuffle(&mut train);
        let l = o.max_len;
        let mut windows: Vec<(&[(u32, u8)], usize)> = train
            .iter()
            .map(|s| {
                let pairs = s.len() - 1;
                let lo = l.div_ceil(2);
                (*s, if pairs <= l { pairs } else { lo + rng.below(l - lo + 1) })
            })
            .collect();
        windows.sort_by_key(|w| w.1);
        let mut batches: Vec<_> = windows.chunks(o.batch).collect();
        rng.shuffle(&mut batches);
        let (mut total, mut positions) = (0.0, 0usize);
        for chunk in batches {
            let (loss, count) = step(&model, chunk, o, &mut rng)?;
            optimizer.backward_step(&loss)?;
            total += f64::from(loss.to_scalar::<f32>()?) * count as f64;
            positions += count;
        }
        let validation = validate::evaluate(&model, &cases, 256)?;
        let e = Epoch {
            epoch,
            loss: total / positions.max(1) as f64,
            validation,
            seconds: start.elapsed().as_secs_f64(),
        };
        log(&e);
        epochs.push(e);
        let better = best.as_ref().is_none_or(|b| validation.ndcg > b.0);
        if better {
            best = Some((validation.ndcg, epoch, snapshot(&model)?));
        } else if best.as_ref().is_some_and(|b| epoch - b.1 >= o.patience) {
            break;
        }
        if o.max_minutes.is_some_and(|m| started.elapsed().as_secs_f64() > m * 60.0) {
            break;
        }
    }
    let (_, best, model) = match best {
        Some(b) => b,
        None => (0.0, 0, snapshot(&model)?),
    };
    Ok(Trained { model, support, epochs, best })
}

fn check(o: &Options) -> Result<()> {
    let bad = |what: &str| Err(Error(format!("--{what} is out of range")));
    if !(1..=256).contains(&o.dims) {
        return bad("dims");
    }
    if o.heads == 0 || o.dims % o.heads != 0 {
        return bad("heads (must divide --dims)");
    }
    if !(1..=4).contains(&o.blocks) {
        return bad("blocks (1 to 4)");
    }
    if !(1..=512).contains(&o.max_len) {
        return bad("max-len (1 to 512)");
    }
    if !(1..=1024).contains(&o.ffn) {
        return bad("ffn (1 to 1024)");
    }
    if o.batch == 0 || !(0.0..1.0).contains(&o.dropout) || o.lr.is_nan() || o.lr <= 0.0 {
        return bad("batch, dropout or lr");
    }
    Ok(())
}

/// A deep copy of the weights.
fn snapshot(model: &Sasrec) -> Result<Sasrec> {
    let mut tensors = model.tensors.clone();
    for tensor in tensors.values_mut() {
        *tensor = tensor.copy()?;
    }
    Ok(Sasrec { dims: model.dims, tensors })
}

/// One batch's mean loss and its number of predicted positions: each
/// entry is a user's training events and the number `n` of pairs in its
/// window, its last `n` (a user with more than `L` pairs gets `n` drawn from
/// `L/2` to `L` each epoch, as the device's windows hold, docs/FORMATS.md).
fn step(
    model: &Sasrec,
    chunk: &[(&[(u32, u8)], usize)],
    o: &Options,
    rng: &mut Rng,
) -> Result<(Tensor, usize)> {
    let t = chunk.iter().map(|w| w.1).max().unwrap_or(1);
    let b = chunk.len();
    let mut items = vec![0u32; b * t];
    let mut types = vec![0u32; b * t];
    let (mut valid, mut targets) = (Vec::new(), Vec::new());
    for (i, &(seq, n)) in chunk.iter().enumerate() {
        let window = &seq[seq.len() - 1 - n..];
        for p in 0..n {
            items[i * t + p] = window[p].0;
            types[i * t + p] = u32::from(window[p].1);
            valid.push((i * t + p) as u32);
            targets.push(window[p + 1].0);
        }
    }
    let cpu = &Device::Cpu;
    let items = Tensor::from_vec(items, (b, t), cpu)?;
    let types = Tensor::from_vec(types, (b, t), cpu)?;
    let p = o.dropout;
    let mut drop = |x: &Tensor| -> Result<Tensor> {
        if p == 0.0 {
            return Ok(x.clone());
        }
        let keep = 1.0 / (1.0 - p);
        let mask: Vec<f32> =
            (0..x.elem_count()).map(|_| if rng.unit() < p { 0.0 } else { keep }).collect();
        Ok((x * Tensor::from_vec(mask, x.shape(), cpu)?)?)
    };
    let h = model.hidden(&items, &types, &mut drop)?;
    let count = valid.len();
    let h = h.reshape((b * t, o.dims))?.index_select(&Tensor::from_vec(valid, count, cpu)?, 0)?;
    let embedding = model.get("item_embedding")?;
    if o.negatives == 0 {
        let logits = model.scores(&h)?;
        return Ok((fused::cross_entropy(&logits, &targets)?, count));
    }
    let k = o.negatives;
    let negatives: Vec<u32> = (0..k).map(|_| rng.below(model.dims.items) as u32).collect();
    // A negative that is the position's own target is masked out.
    let mut mask = vec![0f32; count * k];
    for (m, target) in targets.iter().enumerate() {
        for (j, negative) in negatives.iter().enumerate() {
            if negative == target {
                mask[m * k + j] = -1e9;
            }
        }
    }
    let target_rows = embedding.index_select(&Tensor::from_vec(targets, count, cpu)?, 0)?;
    let positive = (&h * target_rows)?.sum_keepdim(1)?;
    let negative_rows = embedding.index_select(&Tensor::from_vec(negatives, k, cpu)?, 0)?;
    let negative = (h.matmul(&negative_rows.t()?)? + Tensor::from_vec(mask, (count, k), cpu)?)?;
    let logits = Tensor::cat(&[positive, negative], 1)?;
    Ok((fused::cross_entropy(&logits, &vec![0; count])?, count))
}
