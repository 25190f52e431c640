//! Small utilities the rest of the crate builds on: byte encodings, the one
//! sort and the sorted map. They import nothing else from the crate.

pub mod bytes;
pub mod sort;
pub mod sorted_map;
