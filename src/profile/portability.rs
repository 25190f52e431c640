//! The shopper's copy of their profile: export (GDPR art. 15 and 20) and import.
//!
//! An export is JSON: a readable account of what the profile holds (tastes
//! with provenance and expiry, counts of the rest, the preferences) and, for
//! import, the exact stored profile as base64 (`data`, checksummed and
//! versioned: see `docs/FORMATS.md`). Import reads only `format`, `version`,
//! `shop`, `preferences` and `data`, and validates all of it before anything
//! changes.

use serde::{Deserialize, Serialize};

use super::{PROFILE_FORMAT_VERSION, Profile, ProfileView};
use crate::error::{Error, Result};
use crate::preferences::Preferences;
use crate::util::bytes::{base64_decode, base64_encode};

/// The `format` of every export.
pub const EXPORT_FORMAT: &str = "flaneur-profile";

/// An export, as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileExport {
    /// Always [`EXPORT_FORMAT`].
    pub format: &'static str,
    /// The stored profile format version of `data`.
    pub version: u32,
    /// The shop this profile belongs to.
    pub shop: String,
    /// When it was exported (ms since the epoch).
    pub exported_at: i64,
    /// The shopper's settings.
    pub preferences: Preferences,
    /// What the profile holds, readable.
    pub profile: ProfileView,
    /// The stored profile, base64.
    pub data: String,
}

impl ProfileExport {
    /// The export of `profile` for `shop` at `now`.
    pub fn new(shop: &str, profile: &Profile, preferences: &Preferences, now: i64) -> Self {
        Self {
            format: EXPORT_FORMAT,
            version: PROFILE_FORMAT_VERSION,
            shop: shop.to_owned(),
            exported_at: now,
            preferences: preferences.clone(),
            profile: profile.view(now),
            data: base64_encode(&profile.to_bytes()),
        }
    }
}

/// An export, as read back: everything else in it is ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileImport {
    /// Must be [`EXPORT_FORMAT`].
    pub format: String,
    /// Stored profile format version of `data`.
    pub version: u32,
    /// Must be this shop.
    pub shop: String,
    /// Settings to restore (validated).
    #[serde(default)]
    pub preferences: Option<Preferences>,
    /// The stored profile, base64.
    pub data: String,
}

impl ProfileImport {
    /// Validates the import for `shop` and decodes it; nothing is applied here.
    ///
    /// ```
    /// use flaneur::{preferences::Preferences, profile::{Profile, ProfileExport, ProfileImport}};
    /// let export = ProfileExport::new("demo", &Profile::default(), &Preferences::default(), 0);
    /// let back = ProfileImport {
    ///     format: export.format.into(),
    ///     version: export.version,
    ///     shop: "demo".into(),
    ///     preferences: None,
    ///     data: export.data.clone(),
    /// };
    /// assert!(back.decode("demo").is_ok());
    /// assert_eq!(back.decode("other").unwrap_err().code(), "BAD_ARGUMENT");
    /// ```
    pub fn decode(&self, shop: &str) -> Result<(Profile, Option<Preferences>)> {
        if self.format != EXPORT_FORMAT {
            return Err(Error::BadArgument(format!(
                "not a flaneur profile export (format \"{}\")",
                self.format
            )));
        }
        if self.version > PROFILE_FORMAT_VERSION {
            return Err(Error::ProfileVersion {
                found: self.version,
                supported: PROFILE_FORMAT_VERSION,
            });
        }
        if self.shop != shop {
            return Err(Error::BadArgument(format!(
                "this export belongs to shop \"{}\", not \"{shop}\"",
                self.shop
            )));
        }
        let bytes = base64_decode(&self.data)
            .ok_or_else(|| Error::ProfileCorrupt { reason: "data is not base64".into() })?;
        let profile = Profile::from_bytes(&bytes)?;
        if let Some(p) = &self.preferences {
            p.validate()?;
        }
        Ok((profile, self.preferences.clone()))
    }
}

/// What an import changed, for the shopper ([`crate::Engine::import`]; the JS
/// `importProfile` returns it as `{ tastes, items, dropped: { sensitive },
/// preferencesKept }`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Tastes (category paths and facet values) the profile now holds.
    pub tastes: usize,
    /// Items with a history of their own in it.
    pub items: usize,
    /// What the import left out.
    pub dropped: Dropped,
    /// The preferences the export asked to change and the import kept as
    /// they were (`"reports"`, `"sensitive"`): only the shopper turns them on.
    pub preferences_kept: Vec<&'static str>,
}

/// What an import left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dropped {
    /// Items of sensitive classes the shopper has not opted into, with every
    /// trace of them.
    pub sensitive: usize,
}
