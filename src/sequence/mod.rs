//! The sequence model on the device (docs/FORMATS.md, "Sequence model v1"):
//! the shopper's own last events, encoded by the causal self-attention model
//! the catalog carries ([`crate::catalog::Catalog::sequence_model`]), give a
//! representation `h` whose dot product with an item's vector scores it as the
//! next event. `encoder.rs` keeps each position's keys and values and encodes
//! one position per event; `reference.rs` is the uncached forward pass it must
//! equal; `layers.rs` the arithmetic both share.
//!
//! ```
//! use flaneur::catalog::{Catalog, ModelShape, SequenceModel};
//! use flaneur::sequence::{Encoder, Step, score_all};
//! let mut catalog = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
//!   {"id":"a","title":"A","category":"K"},{"id":"b","title":"B","category":"K"}]}"#)
//!     .unwrap();
//! let shape = ModelShape { dims: 4, heads: 2, max_len: 8, ffn: 8, blocks: 1, events: true };
//! let values = (0..shape.value_count()).map(|i| (i as f32 * 0.7).sin() * 0.3).collect();
//! let model = SequenceModel::from_values(shape, values).unwrap();
//! catalog.set_sequence_model(model, &[1.0, 0.0, 0.5, 0.0, 0.0, 1.0, 0.0, -0.5]).unwrap();
//! let (model, vectors) = (catalog.sequence_model().unwrap(), catalog.vectors());
//! let mut encoder = Encoder::new();
//! assert!(encoder.push(model, vectors, Step { item: 0, kind: 0 }));
//! assert!(encoder.push(model, vectors, Step { item: 1, kind: 1 }));
//! assert!(!encoder.push(model, vectors, Step { item: 7, kind: 0 })); // no such item: skipped
//! let attention: f32 = encoder.attention().unwrap().iter().sum();
//! assert!((attention - 1.0).abs() < 1e-5);
//! let scores = score_all(encoder.state().unwrap(), vectors);
//! assert_eq!(scores.len(), 2);
//! ```

mod encoder;
mod layers;
mod reference;
mod tracker;

pub use encoder::Encoder;
pub use layers::score_all;
pub use reference::{Forward, forward};
pub use tracker::Tracker;

/// One event of the window: an item and what the shopper did with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The item's position in the catalog.
    pub item: u32,
    /// [`VIEW`], [`ADD_TO_CART`] or [`PURCHASE`] (the event embedding's rows).
    pub kind: u8,
}

/// [`Step::kind`] of a view.
pub const VIEW: u8 = 0;
/// [`Step::kind`] of an add-to-cart.
pub const ADD_TO_CART: u8 = 1;
/// [`Step::kind`] of a purchase.
pub const PURCHASE: u8 = 2;

#[cfg(test)]
mod tests;
