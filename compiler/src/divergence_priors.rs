//! The divergence priors file (docs/FORMATS.md, "Divergence priors v1"):
//! `flaneur ldp aggregate --priors` writes it, `flaneur catalog build
//! --divergence-priors FILE` reads it ([`read`]) for the catalog to carry. The
//! catalog checks the priors against its own divergence facets when it is
//! finished.

use std::path::Path;

use flaneur::catalog::{DivergencePriors, TakeUpPrior};
use serde::Deserialize;

/// A priors file's `format`.
pub const PRIORS_FORMAT: &str = "flaneur-divergence-priors";
/// A priors file's `version`.
pub const PRIORS_VERSION: u32 = 1;

/// The fields of a priors file the catalog needs (the others are for people).
#[derive(Deserialize)]
struct File {
    format: String,
    version: u32,
    priors: Vec<Entry>,
}

/// One prior of the file.
#[derive(Deserialize)]
struct Entry {
    group: String,
    accepted: f32,
    rejected: f32,
}

/// The priors in the file at `path`, by axis, or why they cannot be read.
pub fn read(path: &Path) -> Result<DivergencePriors, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let file: File = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    if file.format != PRIORS_FORMAT {
        return Err(format!("format is {:?}, not {PRIORS_FORMAT:?}", file.format));
    }
    if file.version != PRIORS_VERSION {
        return Err(format!("version {}, this build reads {PRIORS_VERSION}", file.version));
    }
    let mut priors = DivergencePriors::new();
    for entry in file.priors {
        let prior = TakeUpPrior { accepted: entry.accepted, rejected: entry.rejected };
        if priors.insert(entry.group.clone(), prior).is_some() {
            return Err(format!("{:?} has two priors", entry.group));
        }
    }
    Ok(priors)
}
