//! `flaneur catalog build … --shards DEPTH`: the compiled catalog cut into a
//! core and one shard per department (`Catalog::split`), written as files
//! named by their content hash beside `manifest.json` (docs/FORMATS.md,
//! "Sharded catalog v1"). The same catalog gives the same files, byte for byte.
//! `flaneur catalog diff OLD NEW` adds the patches from an earlier build's
//! parts ("Catalog patch v1").

use std::path::Path;

use flaneur::catalog::{Catalog, Manifest, PatchFile};
use flaneur::util::hash::{content_hash, hex};

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

/// What `flaneur catalog diff` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Patched {
    /// Patches written (the parts changed since the old build).
    pub patches: usize,
    /// Their bytes, gzipped.
    pub patch_gzip_bytes: usize,
    /// Parts changed without a patch (one would not be less than half the part, gzipped).
    pub whole: usize,
    /// Parts unchanged (the same file).
    pub unchanged: usize,
}

/// `flaneur catalog diff OLD NEW`: for each part of the sharded catalog in
/// `new` whose counterpart in `old` (the core, or the shard of the same
/// department) changed, a patch from the old file to the new one
/// (`util::patch`), written into `new` and listed in its manifest, when it
/// is less than half the new part, gzipped; a returning shopper fetches it
/// instead of the part.
///
/// # Errors
///
/// A message naming the manifest or part that could not be read or written.
pub fn diff(old: &Path, new: &Path) -> Result<Patched, String> {
    let read_manifest = |dir: &Path| -> Result<Manifest, String> {
        let path = dir.join(MANIFEST_FILE);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Manifest::from_json_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let read = |dir: &Path, file: &str| {
        let path = dir.join(file);
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let (before, mut after) = (read_manifest(old)?, read_manifest(new)?);
    let counterpart = |part: &flaneur::catalog::PartFile| {
        std::iter::once(&before.core)
            .chain(&before.shards)
            .find(|p| p.department == part.department)
            .cloned()
    };
    let mut done = Patched { patches: 0, patch_gzip_bytes: 0, whole: 0, unchanged: 0 };
    let parts: Vec<_> = std::iter::once(&after.core).chain(&after.shards).cloned().collect();
    for part in parts {
        let Some(was) = counterpart(&part) else { continue };
        if was.file == part.file {
            done.unchanged += 1;
            continue;
        }
        let (old_bytes, new_bytes) = (read(old, &was.file)?, read(new, &part.file)?);
        let patch = flaneur::util::patch::diff(&old_bytes, &new_bytes);
        let gzip = crate::gzip::gzipped(&patch);
        if gzip * 2 >= crate::gzip::gzipped(&new_bytes) {
            done.whole += 1;
            continue;
        }
        let hash = hex(content_hash(&patch));
        let file = format!("patch-{hash}.bin");
        std::fs::write(new.join(&file), &patch).map_err(|e| format!("{file}: {e}"))?;
        after.patches.retain(|p| p.from != was.file);
        after.patches.push(PatchFile {
            from: was.file.clone(),
            to: part.file.clone(),
            file,
            hash,
            bytes: patch.len() as u64,
        });
        done.patches += 1;
        done.patch_gzip_bytes += gzip;
    }
    after.check().map_err(|e| e.to_string())?;
    let mut text = serde_json::to_string_pretty(&after).map_err(|e| e.to_string())?;
    text.push('\n');
    let path = new.join(MANIFEST_FILE);
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(done)
}
