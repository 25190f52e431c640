//! Feed readers: Merchant Center CSV/TSV (`merchant.rs`, streamed row by row),
//! Shopify `products.json` (`shopify.rs`) and flaneur JSON v1 (`json_v1.rs`),
//! both streamed product by product, item by item (see `json_stream.rs`). Each
//! turns its rows into drafts for the [`Compiler`], reporting its own problems
//! with line and column (or JSON path). This file holds the formats and their
//! sniffing; `feeds/common.rs` what the readers share.
//!
//! The readers depend on the compiler (they push drafts into it), never the
//! other way round: the compiler imports no reader, and the number parser
//! that the `--vectors` file shares with a feed's vector column lives apart,
//! in `vector_text.rs`, so that no import circle runs
//! compile → embeddings → feeds → compile.
//!
//! [`Compiler`]: crate::compile::Compiler

use std::fs::File;
use std::io::Read;
use std::path::Path;

mod common;
mod item_groups;
mod json_v1;
mod merchant;
mod sale_price;
mod shopify;

pub use json_v1::read_json;
pub use merchant::read_merchant;
pub use shopify::read_shopify;

/// A feed's format: `csv`, `tsv` (Merchant Center), `shopify` or `json` (flaneur JSON v1).
// No doc comment per variant: clap would print each as help text of `--format`.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Tsv,
    Shopify,
    Json,
}

/// Guesses the format: JSON by its first character (`products` → Shopify,
/// otherwise flaneur JSON v1), else TSV when the header line has more tabs than commas.
pub fn sniff(path: &Path) -> std::io::Result<Format> {
    let mut head = Vec::new();
    File::open(path)?.take(64 * 1024).read_to_end(&mut head)?;
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        return Ok(if text.contains("\"products\"") && !text.contains("\"items\"") {
            Format::Shopify
        } else {
            Format::Json
        });
    }
    let header = text.lines().next().unwrap_or("");
    Ok(if header.matches('\t').count() > header.matches(',').count() {
        Format::Tsv
    } else {
        Format::Csv
    })
}
