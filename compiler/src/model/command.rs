//! `flaneur model train EVENTS.csv -o model.safetensors`: its options and
//! its run (the command line is in `src/main.rs`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use super::train::{self, Options};
use super::{events, export, memory};

/// `flaneur model train`'s arguments.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// The event log: CSV with a header `user,item,timestamp[,event]`.
    pub events: PathBuf,
    /// The model file to write (safetensors, docs/FORMATS.md "Sequence model v1").
    #[arg(short, long)]
    pub output: PathBuf,
    /// Seed of initialisation, shuffling, window lengths, negatives and dropout.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Model dimension d.
    #[arg(long, default_value_t = 64)]
    pub dims: usize,
    /// Transformer blocks.
    #[arg(long, default_value_t = 2)]
    pub blocks: usize,
    /// Attention heads (divides --dims).
    #[arg(long, default_value_t = 1)]
    pub heads: usize,
    /// Longest window L (events).
    #[arg(long, default_value_t = 200)]
    pub max_len: usize,
    /// Feed-forward width.
    #[arg(long, default_value_t = 64)]
    pub ffn: usize,
    /// Users' windows per step.
    #[arg(long, default_value_t = 128)]
    pub batch: usize,
    /// AdamW learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// AdamW decoupled weight decay.
    #[arg(long, default_value_t = 0.0)]
    pub weight_decay: f64,
    /// Epochs at most.
    #[arg(long, default_value_t = 200)]
    pub max_epochs: usize,
    /// Stop after this many epochs without a better validation NDCG@10.
    #[arg(long, default_value_t = 5)]
    pub patience: usize,
    /// Shared uniform negatives per step (0: softmax over every item).
    #[arg(long, default_value_t = 256)]
    pub negatives: usize,
    /// Dropout rate in training.
    #[arg(long, default_value_t = 0.2)]
    pub dropout: f32,
    /// Stop after the epoch that ends past this many minutes (then not deterministic).
    #[arg(long)]
    pub max_minutes: Option<f64>,
}

impl TrainArgs {
    /// The training options these arguments give.
    pub fn options(&self) -> Options {
        Options {
            dims: self.dims,
            blocks: self.blocks,
            heads: self.heads,
            max_len: self.max_len,
            ffn: self.ffn,
            batch: self.batch,
            lr: self.lr,
            weight_decay: self.weight_decay,
            max_epochs: self.max_epochs,
            patience: self.patience,
            negatives: self.negatives,
            dropout: self.dropout,
            max_minutes: self.max_minutes,
            seed: self.seed,
        }
    }
}

/// Runs `flaneur model train`: exit 0 when the model is written, 1 when the
/// input is refused, 2 when training or writing fails.
pub fn run(args: &TrainArgs) -> ExitCode {
    let started = Instant::now();
    memory::keep_freed_memory();
    let data = match events::read(&args.events) {
        Ok(data) => data,
        Err(problem) => {
            eprintln!("flaneur: {problem}");
            return ExitCode::from(1);
        }
    };
    let count: usize = data.users.iter().map(Vec::len).sum();
    println!(
        "{count} events of {} users over {} items ({} lines of other event types skipped)",
        data.users.len(),
        data.items.len(),
        data.skipped
    );
    let mut log = |e: &train::Epoch| {
        println!(
            "epoch {:>3}  loss {:.4}  val NDCG@10 {:.4}  HR@10 {:.4}  {:.1}s",
            e.epoch, e.loss, e.validation.ndcg, e.validation.hit, e.seconds
        );
    };
    let trained = match train::train(&data, &args.options(), &mut log) {
        Ok(trained) => trained,
        Err(e) => {
            eprintln!("flaneur: {}: {e}", args.events.display());
            return ExitCode::from(2);
        }
    };
    if let Err(e) = export::write(&args.output, &trained.model, &data.items, &trained.support) {
        eprintln!("flaneur: {e}");
        return ExitCode::from(2);
    }
    let best = trained.epochs.iter().find(|e| e.epoch == trained.best);
    println!(
        "best epoch {} (val NDCG@10 {:.4}) of {}; wrote {} in {:.1}s",
        trained.best,
        best.map_or(0.0, |e| e.validation.ndcg),
        trained.epochs.len(),
        args.output.display(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
