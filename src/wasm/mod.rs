//! The browser boundary: the only module that touches wasm-bindgen, js-sys
//! and web-sys. It converts JavaScript values to core types and back, reads
//! the clock for the core, and funnels every core [`crate::Error`] into a JS
//! `Error` with a stable `code` (see [`error`]).

mod args;
mod consent;
mod consent_mode;
pub(crate) mod convert;
pub mod error;
mod parts;
mod personalizer;
mod session;
mod store;
mod sync;
mod types;

pub use args::fold_query;
pub use personalizer::Personalizer;
