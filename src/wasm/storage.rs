//! Where the profile lives between page loads: `localStorage`, or memory.
//!
//! One record per shop, under `flaneur:profile:<shopId>`: the profile export
//! JSON (readable view, preferences, the stored profile in base64; see
//! `docs/FORMATS.md`). `setItem` replaces a record whole, so a page closed
//! mid-write leaves the previous record. A record that cannot be read is set
//! aside under `flaneur:quarantine:<shopId>` and a fresh profile starts; a
//! record from a newer flaneur is left untouched and the page works in memory;
//! a full quota keeps flaneur working in memory. Each case leaves a notice for
//! `profile()`.

use crate::portability::{ProfileExport, ProfileImport};
use crate::preferences::Preferences;
use crate::profile::Profile;
use crate::{Error, Result};

/// Where a personalizer keeps its profile.
pub(crate) enum Store {
    /// Nothing survives the page.
    Memory,
    /// `window.localStorage`, under one key per shop.
    Local { storage: web_sys::Storage, key: String, quarantine: String },
}

/// What a store held when opened.
pub(crate) struct Loaded {
    pub profile: Option<Profile>,
    pub preferences: Option<Preferences>,
    pub notices: Vec<String>,
}

impl Store {
    /// Opens the store `kind` names (`"memory"` or `"local"`) for `shop`.
    pub(crate) fn open(kind: &str, shop: &str) -> Result<(Store, Vec<String>)> {
        match kind {
            "memory" => Ok((Store::Memory, Vec::new())),
            "local" => match web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                Some(storage) => Ok((
                    Store::Local {
                        storage,
                        key: format!("flaneur:profile:{shop}"),
                        quarantine: format!("flaneur:quarantine:{shop}"),
                    },
                    Vec::new(),
                )),
                None => Ok((
                    Store::Memory,
                    vec!["STORAGE_UNAVAILABLE: this browser gives no local storage here; nothing is kept after the page closes".into()],
                )),
            },
            other => Err(Error::BadArgument(format!(
                "options.storage: \"{other}\" is not available yet; use \"local\" or \"memory\""
            ))),
        }
    }

    /// Reads the shop's record, setting aside one that cannot be read.
    pub(crate) fn load(&mut self, shop: &str) -> Loaded {
        let mut loaded = Loaded { profile: None, preferences: None, notices: Vec::new() };
        let Store::Local { storage, key, quarantine } = self else { return loaded };
        let Ok(Some(text)) = storage.get_item(key) else { return loaded };
        let decoded = serde_json_free_parse(&text).and_then(|import| import.decode(shop));
        match decoded {
            Ok((profile, preferences)) => {
                loaded.profile = Some(profile);
                loaded.preferences = preferences;
            }
            Err(Error::ProfileVersion { found, .. }) => {
                loaded.notices.push(format!(
                    "PROFILE_VERSION: the stored profile was written by a newer flaneur (format {found}); it is kept as it is and this page works in memory"
                ));
                *self = Store::Memory;
            }
            Err(err) => {
                let _ = storage.set_item(quarantine, &text);
                let _ = storage.remove_item(key);
                loaded.notices.push(format!(
                    "{}: the stored profile could not be read ({err}); it was set aside and a fresh profile started",
                    err.code()
                ));
            }
        }
        loaded
    }

    /// Writes the record; on failure (a full quota) switches to memory and says why.
    pub(crate) fn save(&mut self, shop: &str, profile: &Profile, preferences: &Preferences, now: i64) -> Option<String> {
        let Store::Local { storage, key, .. } = self else { return None };
        let export = ProfileExport::new(shop, profile, preferences, now);
        let text = match crate::wasm::convert::to_js(&export).ok().and_then(|v| js_sys::JSON::stringify(&v).ok()) {
            Some(text) => String::from(text),
            None => return Some("STORAGE_UNAVAILABLE: the profile could not be written".into()),
        };
        if storage.set_item(key, &text).is_err() {
            *self = Store::Memory;
            return Some("STORAGE_FULL: the browser's storage is full; flaneur keeps working in memory for this page".into());
        }
        None
    }

    /// Removes every byte flaneur stored for this shop.
    pub(crate) fn erase(&self) {
        if let Store::Local { storage, key, quarantine } = self {
            let _ = storage.remove_item(key);
            let _ = storage.remove_item(quarantine);
        }
    }
}

/// Parses a stored record with the browser's JSON parser.
fn serde_json_free_parse(text: &str) -> Result<ProfileImport> {
    let corrupt = |reason: String| Error::ProfileCorrupt { reason };
    let value = js_sys::JSON::parse(text).map_err(|_| corrupt("the stored record is not JSON".into()))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| corrupt(format!("the stored record is not a profile: {e}")))
}
