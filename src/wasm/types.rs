//! TypeScript declarations for the objects the JS API takes and returns.

use wasm_bindgen::prelude::*;

// The declarations live in types.d.ts, a plain TypeScript file that tests/typescript.rs
// holds to the Rust types crossing the boundary; wasm-bindgen copies them into the
// package's flaneur.d.ts (after a blank line, as when they were written here).
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = concat!("\n", include_str!("types.d.ts"));
