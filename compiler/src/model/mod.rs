//! `flaneur model train`: the shop trains the sequence model of
//! docs/FORMATS.md ("Sequence model v1") on its event log, with candle on the
//! CPU, and writes it as a safetensors file.
//!
//! - `events`: the CSV event log → each user's sequence;
//! - `sasrec`: the model's tensors and forward pass;
//! - `fused`: the softmax and cross-entropy kernels, fused;
//! - `memory`: the allocator's thresholds while training;
//! - `train`: the training loop (validation on each user's last event);
//! - `validate`: NDCG@10 and HR@10 over full rankings;
//! - `export`: the safetensors file, written and read;
//! - `reference`: the forward pass of a file for one sequence, which the
//!   device's own inference is compared against.

use std::fmt;

pub mod command;
pub mod events;
pub mod export;
pub mod fused;
pub mod memory;
pub mod reference;
pub mod rng;
pub mod sasrec;
pub mod train;
pub mod validate;

/// What went wrong while reading, training or writing a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

/// The model commands' result.
pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<candle_core::Error> for Error {
    fn from(e: candle_core::Error) -> Self {
        Error(format!("candle: {e}"))
    }
}

impl From<crate::problem::Problem> for Error {
    fn from(p: crate::problem::Problem) -> Self {
        Error(p.to_string())
    }
}

impl From<safetensors::SafeTensorError> for Error {
    fn from(e: safetensors::SafeTensorError) -> Self {
        Error(format!("safetensors: {e}"))
    }
}
