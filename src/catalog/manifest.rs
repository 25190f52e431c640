//! The manifest of a sharded catalog (docs/FORMATS.md, "Sharded catalog v1"):
//! which files make it up, each named by its content hash, and which
//! department each shard serves. A page reads it first; a part it fetches
//! is opened only through [`Manifest::open_part`], which checks that the
//! bytes are the ones the manifest names and the part the one it expects.

use serde::{Deserialize, Serialize};

use super::json::MAX_FIELD_BYTES;
use super::{Catalog, MAX_PARTS};
use crate::error::{Error, Result};
use crate::util::hash::{content_hash, hex, parse_hex};

/// The manifest's `format` field.
pub const MANIFEST_FORMAT: &str = "flaneur-catalog-manifest";
/// The manifest version this build writes and reads.
pub const MANIFEST_VERSION: u32 = 1;
/// The largest part a manifest may name, in bytes.
pub const MAX_PART_BYTES: u64 = 1 << 30;

/// A part's file name and bytes, as the compiler writes them.
pub type NamedFile = (String, Vec<u8>);

/// A sharded catalog's manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// [`MANIFEST_VERSION`].
    pub version: u32,
    /// The shop, as every part names it.
    pub shop: String,
    /// The build every part carries, 16 hex digits.
    pub build: String,
    /// Levels of the category path that make a department.
    pub depth: u32,
    /// The part every shopper gets.
    pub core: PartFile,
    /// One per department, strictly ascending by department.
    #[serde(default)]
    pub shards: Vec<PartFile>,
    /// Patches from the parts of earlier builds to this build's, for
    /// returning shoppers (`flaneur catalog diff`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<PatchFile>,
}

/// A patch from a part of an earlier build to one of this build's
/// (docs/FORMATS.md, "Catalog patch v1").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchFile {
    /// The earlier part's file name.
    pub from: String,
    /// The part of this manifest it builds.
    pub to: String,
    /// `patch-<hash>.bin`.
    pub file: String,
    /// [`content_hash`] of the patch, 16 hex digits.
    pub hash: String,
    /// The patch's length in bytes.
    pub bytes: u64,
}

/// One file of a sharded catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartFile {
    /// The department whose items a shard holds (absent for the core).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// `core-<hash>.bin` or `shard-<hash>.bin`, relative to the manifest.
    pub file: String,
    /// [`content_hash`] of the file, 16 hex digits.
    pub hash: String,
    /// The file's length in bytes.
    pub bytes: u64,
    /// Items in the part.
    pub items: u32,
}

impl Manifest {
    /// The manifest of `parts` as [`Catalog::split`] cut them at `depth`
    /// levels, with each part's file name and bytes.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn for_parts(parts: &[Catalog], depth: u32) -> Result<(Self, Vec<NamedFile>)> {
        let mut files = Vec::with_capacity(parts.len());
        let mut core = None;
        let mut shards = Vec::new();
        let mut build = None;
        for part in parts {
            let Some(info) = part.part() else {
                return Err(corrupt("a whole catalog is not a part of a sharded one".into()));
            };
            build = Some(info.build);
            let bytes = part.to_binary();
            let hash = hex(content_hash(&bytes));
            let role = if info.department.is_some() { "shard" } else { "core" };
            let entry = PartFile {
                department: info.department.clone(),
                file: format!("{role}-{hash}.bin"),
                hash,
                bytes: bytes.len() as u64,
                items: part.len() as u32,
            };
            files.push((entry.file.clone(), bytes));
            match info.department {
                None => core = Some(entry),
                Some(_) => shards.push(entry),
            }
        }
        let (Some(core), Some(build)) = (core, build) else {
            return Err(corrupt("the parts have no core".into()));
        };
        let manifest = Self {
            format: MANIFEST_FORMAT.into(),
            version: MANIFEST_VERSION,
            shop: parts.first().map(|p| p.shop().to_owned()).unwrap_or_default(),
            build: hex(build),
            depth,
            core,
            shards,
            patches: Vec::new(),
        };
        manifest.check()?;
        Ok((manifest, files))
    }

    /// Parses and checks a manifest (native builds; the browser hands in the
    /// page's `JSON.parse` result).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json_str(text: &str) -> Result<Self> {
        let manifest: Self = serde_json::from_str(text)
            .map_err(|e| corrupt(format!("the manifest is not one: {e}")))?;
        manifest.check()?;
        Ok(manifest)
    }

    /// Checks every rule of the format: a newer version is refused with
    /// [`Error::CatalogVersion`], anything else wrong with
    /// [`Error::CatalogCorrupt`] naming the field.
    pub fn check(&self) -> Result<()> {
        if self.format != MANIFEST_FORMAT {
            return Err(corrupt(format!("format is {:?}, not {MANIFEST_FORMAT:?}", self.format)));
        }
        if self.version != MANIFEST_VERSION {
            return Err(Error::CatalogVersion { found: self.version, supported: MANIFEST_VERSION });
        }
        if self.shop.trim().is_empty() || self.shop.len() > MAX_FIELD_BYTES {
            return Err(corrupt("shop is blank or longer than 4,096 bytes".into()));
        }
        if parse_hex(&self.build).is_none() {
            return Err(corrupt(format!("build {:?} is not 16 hex digits", self.build)));
        }
        if self.depth == 0 {
            return Err(corrupt("depth is 0: a department is at least one level".into()));
        }
        if self.shards.len() >= MAX_PARTS {
            return Err(corrupt(format!(
                "{} shards, at most {}",
                self.shards.len(),
                MAX_PARTS - 1
            )));
        }
        check_file(&self.core, "core")?;
        if self.core.department.is_some() {
            return Err(corrupt("the core names a department".into()));
        }
        for (k, shard) in self.shards.iter().enumerate() {
            check_file(shard, "shard")?;
            let Some(department) = shard.department.as_deref() else {
                return Err(corrupt(format!("shards[{k}] names no department")));
            };
            if department.trim().is_empty() || department.len() > MAX_FIELD_BYTES {
                return Err(corrupt(format!("shards[{k}].department is blank or too long")));
            }
            let previous = k.checked_sub(1).and_then(|p| self.shards[p].department.as_deref());
            if previous.is_some_and(|p| p >= department) {
                return Err(corrupt(format!(
                    "shards[{k}].department {department:?} is not after {previous:?}: \
                     shards are strictly ascending by department"
                )));
            }
        }
        for (k, patch) in self.patches.iter().enumerate() {
            check_patch(self, patch)
                .map_err(|reason| corrupt(format!("patches[{k}]: {reason}")))?;
        }
        Ok(())
    }

    /// The patch that turns the earlier part `have` (a file name) into one
    /// of this build's, if the manifest lists one.
    pub fn patch_for(&self, have: &str) -> Option<&PatchFile> {
        self.patches.iter().find(|p| p.from == have)
    }

    /// Applies the patch the manifest names `file` (its `bytes`) to the
    /// earlier part `old`: the new part's file name and bytes, to open with
    /// [`Manifest::open_part`]. Refused ([`Error::CatalogCorrupt`]) when the
    /// manifest names no such patch or the bytes, the old part or the result
    /// are not the ones it names.
    pub fn apply_patch(&self, file: &str, bytes: &[u8], old: &[u8]) -> Result<(String, Vec<u8>)> {
        let entry = self
            .patches
            .iter()
            .find(|p| p.file == file)
            .ok_or_else(|| corrupt(format!("the manifest names no patch {file:?}")))?;
        if bytes.len() as u64 != entry.bytes || hex(content_hash(bytes)) != entry.hash {
            return Err(corrupt(format!("{file}: not the bytes the manifest names")));
        }
        let Some(to) = std::iter::once(&self.core).chain(&self.shards).find(|p| p.file == entry.to)
        else {
            return Err(corrupt(format!("{file}: the manifest names no part {:?}", entry.to)));
        };
        let limit = usize::try_from(to.bytes).unwrap_or(usize::MAX);
        let new = crate::util::patch::apply_within(old, bytes, limit).map_err(|e| match e {
            Error::CatalogCorrupt { reason } => corrupt(format!("{file}: {reason}")),
            other => other,
        })?;
        Ok((entry.to.clone(), new))
    }

    /// The shard that holds the items of category path `path` (a page of
    /// that department), if the catalog has one.
    pub fn shard_for(&self, path: &str) -> Option<&PartFile> {
        let department = Catalog::department(path, self.depth as usize);
        let found = self
            .shards
            .binary_search_by(|s| s.department.as_deref().unwrap_or_default().cmp(department));
        found.ok().map(|k| &self.shards[k])
    }

    /// Opens the part the manifest names `file` from its `bytes`: refused
    /// ([`Error::CatalogCorrupt`]) when the manifest names no such file, the
    /// bytes are not the length and hash it gives, they do not decode, or
    /// the part is not of this build, shop and department.
    pub fn open_part(&self, file: &str, bytes: &[u8]) -> Result<Catalog> {
        let entry = std::iter::once(&self.core)
            .chain(&self.shards)
            .find(|p| p.file == file)
            .ok_or_else(|| corrupt(format!("the manifest names no part {file:?}")))?;
        if bytes.len() as u64 != entry.bytes {
            return Err(corrupt(format!(
                "{file}: {} bytes, the manifest says {}",
                bytes.len(),
                entry.bytes
            )));
        }
        let hash = hex(content_hash(bytes));
        if hash != entry.hash {
            return Err(corrupt(format!("{file}: hash {hash}, the manifest says {}", entry.hash)));
        }
        let catalog = Catalog::from_binary(bytes).map_err(|e| match e {
            Error::CatalogCorrupt { reason } => corrupt(format!("{file}: {reason}")),
            other => other,
        })?;
        let part = catalog.part().ok_or_else(|| corrupt(format!("{file} is not a part")))?;
        if hex(part.build) != self.build {
            return Err(corrupt(format!(
                "{file} is of build {}, the manifest's is {}",
                hex(part.build),
                self.build
            )));
        }
        if part.department != entry.department || catalog.shop() != self.shop {
            return Err(corrupt(format!("{file} is not the part the manifest names")));
        }
        Ok(catalog)
    }
}

/// Checks a part's file name, hash and size: `<role>-<hash>.bin`.
fn check_file(part: &PartFile, role: &str) -> Result<()> {
    if parse_hex(&part.hash).is_none() {
        return Err(corrupt(format!("{role} hash {:?} is not 16 hex digits", part.hash)));
    }
    if part.file != format!("{role}-{}.bin", part.hash) {
        return Err(corrupt(format!(
            "{role} file {:?} is not {role}-{}.bin",
            part.file, part.hash
        )));
    }
    if part.bytes > MAX_PART_BYTES {
        return Err(corrupt(format!(
            "{} is {} bytes, at most {MAX_PART_BYTES}",
            part.file, part.bytes
        )));
    }
    Ok(())
}

/// Why `patch` is not one `manifest` may list: `from` a part's file name,
/// `to` one of the manifest's parts, its own name `patch-<hash>.bin`.
fn check_patch(manifest: &Manifest, patch: &PatchFile) -> std::result::Result<(), String> {
    let part_name = |name: &str| {
        let hash = name.strip_prefix("core-").or_else(|| name.strip_prefix("shard-"));
        hash.and_then(|h| h.strip_suffix(".bin")).and_then(parse_hex).is_some()
    };
    if !part_name(&patch.from) {
        return Err(format!("from {:?} is not a part's file name", patch.from));
    }
    let named = std::iter::once(&manifest.core).chain(&manifest.shards).any(|p| p.file == patch.to);
    if !named {
        return Err(format!("to {:?} is not a part of this manifest", patch.to));
    }
    if parse_hex(&patch.hash).is_none() || patch.file != format!("patch-{}.bin", patch.hash) {
        return Err(format!("file {:?} is not patch-<its hash>.bin", patch.file));
    }
    if patch.bytes > MAX_PART_BYTES {
        return Err(format!("{} bytes, at most {MAX_PART_BYTES}", patch.bytes));
    }
    Ok(())
}

fn corrupt(reason: String) -> Error {
    Error::CatalogCorrupt { reason: format!("catalog manifest: {reason}") }
}
