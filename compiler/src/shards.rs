//! `flaneur catalog build … --shards DEPTH`: the compiled catalog cut into a
//! core and one shard per department (`Catalog::split`), written as files
//! named by their content hash beside `manifest.json` (docs/FORMATS.md,
//! "Sharded catalog v1"). The same catalog gives the same files, byte for byte.

use std::path::Path;

use flaneur::catalog::{Catalog, Manifest};

/// The name of the manifest in the output directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The manifest.
    pub manifest: Manifest,
    /// Bytes of the manifest file.
    pub manifest_bytes: usize,
}

/// Cuts `catalog` at `depth` levels with a core of its `core_items` most
/// popular items and writes the parts and `manifest.json` into `dir`
/// (created if missing; files of earlier builds are left, as a CDN keeps
/// them for pages still holding the old manifest).
///
/// # Errors
///
/// A message naming what could not be cut or written.
pub fn write(
    catalog: &Catalog,
    dir: &Path,
    depth: u32,
    core_items: usize,
) -> Result<Written, String> {
    let parts = catalog.split(depth as usize, core_items).map_err(|e| e.to_string())?;
    let (manifest, files) = Manifest::for_parts(&parts, depth).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    text.push('\n');
    let path = dir.join(MANIFEST_FILE);
    std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Written { manifest, manifest_bytes: text.len() })
}
