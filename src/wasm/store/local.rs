//! The localStorage store: one key per shop, the record in base64.
//!
//! `flaneur:profile:<key>` holds the record; `flaneur:quarantine:<key>` a copy
//! of one that could not be read, `flaneur:quarantined-at:<key>` when (ms).
//! `setItem` replaces a value whole, so a page closed mid-write leaves the
//! previous record. A record written by flaneur
//! 0.1 (the export JSON) is read and rewritten in the current format.

use super::{Failure, Merge, Stored};
use crate::Error;
use crate::profile::ProfileImport;
use crate::snapshot::Snapshot;
use crate::util::bytes::{base64_decode, base64_encode};

/// A shop's record in `window.localStorage`.
#[derive(Clone)]
pub(crate) struct Local {
    storage: web_sys::Storage,
    key: String,
    quarantine: String,
    quarantined_at: String,
    shop: String,
}

impl Local {
    /// The store for record `key` of `shop`, if this context has localStorage.
    pub(crate) fn open(key: &str, shop: &str) -> Option<Local> {
        let storage = web_sys::window()?.local_storage().ok()??;
        Some(Local {
            storage,
            key: record_key(key),
            quarantine: quarantine_key(key),
            quarantined_at: format!("flaneur:quarantined-at:{key}"),
            shop: shop.to_owned(),
        })
    }

    /// The record, if any; an unreadable one is moved aside (quarantine).
    pub(crate) fn read(&self) -> Stored {
        let Ok(Some(text)) = self.storage.get_item(&self.key) else { return Stored::Nothing };
        let stored = decode(&text, &self.shop);
        if matches!(stored, Stored::Unreadable(_)) {
            let _ = self.storage.set_item(&self.quarantine, &text);
            let now = js_sys::Date::now() as i64;
            let _ = self.storage.set_item(&self.quarantined_at, &now.to_string());
            let _ = self.storage.remove_item(&self.key);
        }
        stored
    }

    /// Reads, merges and writes back in one synchronous step.
    pub(crate) fn write(&self, merge: Merge) -> Result<(), Failure> {
        let Some(bytes) = merge(self.read()) else { return Ok(()) };
        self.storage.set_item(&self.key, &base64_encode(&bytes)).map_err(|e| Failure::from_js(&e))
    }

    /// Removes the record and its quarantined copy.
    pub(crate) fn erase(&self) -> Result<(), Failure> {
        for key in [&self.key, &self.quarantine, &self.quarantined_at] {
            self.storage.remove_item(key).map_err(|e| Failure::from_js(&e))?;
        }
        Ok(())
    }

    /// Whether a record of the shop is set aside (0 or 1) after deleting one
    /// kept longer than `max_age` ms; one of an older flaneur, undated, is
    /// dated `now`.
    pub(crate) fn quarantined(&self, now: f64, max_age: f64) -> u32 {
        if !matches!(self.storage.get_item(&self.quarantine), Ok(Some(_))) {
            let _ = self.storage.remove_item(&self.quarantined_at);
            return 0;
        }
        let since = self.storage.get_item(&self.quarantined_at).ok().flatten();
        // Integers: f64 text conversion would add kilobytes of WebAssembly.
        match since.and_then(|t| t.parse::<i64>().ok()) {
            Some(since) if now - since as f64 > max_age => {
                let _ = self.storage.remove_item(&self.quarantine);
                let _ = self.storage.remove_item(&self.quarantined_at);
                0
            }
            Some(_) => 1,
            None => {
                let _ = self.storage.set_item(&self.quarantined_at, &(now as i64).to_string());
                1
            }
        }
    }

    /// Removes the record (it moved to another store).
    pub(crate) fn remove(&self) {
        let _ = self.storage.remove_item(&self.key);
    }
}

/// The localStorage key of a shop's record.
pub(crate) fn record_key(key: &str) -> String {
    format!("flaneur:profile:{key}")
}

/// The localStorage key of a shop's quarantined record.
pub(crate) fn quarantine_key(key: &str) -> String {
    format!("flaneur:quarantine:{key}")
}

/// A stored value: the record in base64, or flaneur 0.1's export JSON.
fn decode(text: &str, shop: &str) -> Stored {
    if text.starts_with('{') {
        return match legacy(text, shop) {
            Ok(record) => Stored::Found(Box::new(record)),
            Err(Error::ProfileVersion { found, .. }) => Stored::Newer { found },
            Err(err) => Stored::Unreadable(err),
        };
    }
    match base64_decode(text) {
        Some(bytes) => Stored::from_bytes(&bytes, shop),
        None => Stored::Unreadable(Error::ProfileCorrupt {
            reason: "the stored record is not base64".into(),
        }),
    }
}

/// Reads a record written as export JSON (flaneur 0.1, before records existed).
fn legacy(text: &str, shop: &str) -> Result<Snapshot, Error> {
    let corrupt = |reason: String| Error::ProfileCorrupt { reason };
    let value =
        js_sys::JSON::parse(text).map_err(|_| corrupt("the stored record is not JSON".into()))?;
    let import: ProfileImport = serde_wasm_bindgen::from_value(value)
        .map_err(|e| corrupt(format!("the stored record is not a profile: {e}")))?;
    let (profile, preferences) = import.decode(shop)?;
    Ok(Snapshot {
        shop: shop.to_owned(),
        saved_at: 0,
        preferences: preferences.unwrap_or_default(),
        profile,
        reporting: Default::default(),
        epoch: 0,
    })
}
