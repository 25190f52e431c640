//! # flaneur-compiler
//!
//! flaneur's shop-side tools as a library: the catalog compiler (a shop's
//! feed → the binary catalog the browser loads) and the aggregator of the
//! shoppers' LDP reports. The `flaneur` binary (`src/main.rs`) is their
//! command line; the fuzz targets (`fuzz/`) drive the feed readers through
//! [`compile`] and [`feeds`]. Native only: the core (`flaneur`) depends on
//! nothing here, so none of it reaches the WebAssembly build.
//!
//! The modules import one another in one direction only (no import circle):
//!
//! - leaves: `problem` (what is wrong and where), `delimited` (CSV/TSV side
//!   files), `vector_text` (a vector written as text), `vectorize` (vectors
//!   computed from text), `eigen`, `json_stream`, `divergence_priors` (the
//!   crowd priors file `ldp` writes and `compile` reads);
//! - the side files, which report into `problem`: `embeddings`
//!   (`--vectors`), `copurchase` (`--co-purchases`, over `eigen`), `orders`
//!   (`--orders`), and `repurchase`, the priors learned from the orders;
//! - `compile`: the options and the checks every item goes through; it reads
//!   the side files and knows no feed format;
//! - `feeds`: the format readers, which push drafts into `compile`;
//! - on their own: `inspect`, `generate` and `ldp`, the other commands, and
//!   `shards`, the sharded output of `catalog build --shards`.

#![warn(missing_docs)]

pub mod compile;
pub mod divergence_priors;
pub mod feeds;
pub mod generate;
pub mod inspect;
pub mod ldp;
pub mod model;
pub mod orders;
pub mod problem;
pub mod product_codes;
pub mod repurchase;
pub mod sequence_model;
pub mod shards;

mod copurchase;
mod delimited;
mod eigen;
mod embeddings;
mod gzip;
mod json_stream;
mod parquet_vectors;
mod physical_lines;
mod vector_text;
mod vectorize;
