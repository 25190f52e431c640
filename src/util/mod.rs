//! Small utilities the rest of the crate builds on: byte encodings, serde
//! field names, the one sort, the sorted map and cutting text. They import
//! nothing else from the crate.

pub mod bytes;
pub mod f16;
pub mod fields;
pub mod hash;
pub mod patch;
pub mod sort;
pub mod sorted_map;
pub mod text;
