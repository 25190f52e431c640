//! # flaneur
//!
//! Privacy-first, on-device personalization for online shops. The shop
//! publishes a catalog; the shopper's browser keeps the behavioural profile and
//! ranks the catalog locally, so intimate behaviour never reaches a server.
//!
//! The crate is a pure core that knows nothing of JavaScript:
//! [`catalog`] (what can be recommended), [`profile`] (what was learned, with
//! what divergence learned and the shopper's copy), [`preferences`] (the
//! shopper's settings), [`intent`] (the session's intent), [`rank`]
//! (relevance, abstention, diversity, divergence, reasons), [`ldp`]
//! (privacy-preserving reports of how slots are received), [`snapshot`] (what
//! is stored), [`journal`] (unsaved changes and merging tabs) and [`engine`]
//! (all of it together); [`slot`] names the kinds of slot, [`util`] holds byte
//! encodings, the sort and the sorted map. The browser boundary lives in
//! `src/wasm/` and is compiled only for `wasm32`.
//!
//! ```
//! use flaneur::{Engine, catalog::Catalog, profile::{Event, EventKind}, rank::Request};
//! let catalog = Catalog::from_json_str(r#"{"version":1,"shop":"demo","items":[
//!   {"id":"a","title":"Red sweater","category":"Knitwear"},
//!   {"id":"b","title":"Boots","category":"Shoes"},
//!   {"id":"c","title":"Navy sweater","category":"Knitwear"}]}"#)?;
//! let mut engine = Engine::new(catalog);
//! engine.record(&Event { kind: EventKind::AddToCart { item_id: "a".into() }, at: 0 })?;
//! let slate = engine.recommend(&Request::default(), 0)?;
//! assert_eq!(slate.items[0].item_id, "c"); // "a" is in the cart: not echoed back
//! # Ok::<(), flaneur::Error>(())
//! ```

#![forbid(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

// Modules from the bottom up: each imports only modules listed above it
// (docs/ARCHITECTURE.md draws the graph).
pub mod catalog;
pub mod engine;
pub mod error;
pub mod intent;
pub mod journal;
pub mod ldp;
pub mod preferences;
pub mod profile;
pub mod rank;
pub mod sequence;
pub mod slot;
pub mod snapshot;
pub mod util;

#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use engine::{Applied, Engine, Recorded};
pub use error::{Error, Result};
pub use profile::Forget;
