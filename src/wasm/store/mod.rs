//! Where the profile lives between page loads: IndexedDB (the default),
//! localStorage (the fallback), or memory (where neither works).
//!
//! Each shop has one record (a [`Snapshot`]: the profile and the preferences,
//! versioned and checksummed; `docs/FORMATS.md`). Writes go through
//! [`Store::write`], which hands the latest stored record to a merge function
//! and stores what it returns in one atomic step: an IndexedDB `readwrite`
//! transaction (which the browser serializes across tabs), or one synchronous
//! read and `setItem` for localStorage. A record that cannot be read is copied
//! aside (quarantine) before anything overwrites it.

mod indexed;
mod local;

use crate::Error;
use crate::snapshot::Snapshot;

pub(crate) use indexed::Indexed;
pub(crate) use local::Local;

/// What a store holds for the shop.
pub(crate) enum Stored {
    /// No record yet (or it was erased).
    Nothing,
    /// A valid record.
    Found(Box<Snapshot>),
    /// A record written by a newer flaneur: left untouched.
    Newer { found: u32 },
    /// A record that cannot be read (it has been copied aside).
    Unreadable(Error),
}

impl Stored {
    /// Reads record bytes.
    pub(crate) fn from_bytes(bytes: &[u8], shop: &str) -> Stored {
        match Snapshot::from_bytes(bytes, shop) {
            Ok(record) => Stored::Found(Box::new(record)),
            Err(Error::ProfileVersion { found, .. }) => Stored::Newer { found },
            Err(err) => Stored::Unreadable(err),
        }
    }
}

/// Why a write did not happen.
pub(crate) enum Failure {
    /// The browser's quota is exhausted.
    Full,
    /// Anything else the browser refused, in its words.
    Unavailable(String),
}

impl Failure {
    /// The notice `profile()` shows for it.
    pub(crate) fn notice(&self) -> String {
        match self {
            Failure::Full => {
                "STORAGE_FULL: the browser's storage is full; flaneur keeps working in memory \
                 for this page"
                    .into()
            }
            Failure::Unavailable(why) => {
                format!(
                    "STORAGE_UNAVAILABLE: the profile could not be stored ({why}); flaneur keeps \
                     working in memory for this page"
                )
            }
        }
    }

    /// Reads a `DOMException` (or anything thrown) from the browser.
    pub(crate) fn from_js(err: &wasm_bindgen::JsValue) -> Failure {
        let name = js_sys::Reflect::get(err, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
            return Failure::Full;
        }
        let message = js_sys::Reflect::get(err, &"message".into()).ok().and_then(|m| m.as_string());
        Failure::Unavailable(message.filter(|m| !m.is_empty()).unwrap_or(if name.is_empty() {
            "unknown error".into()
        } else {
            name
        }))
    }
}

/// The merge a write runs on the latest stored record: it returns the bytes
/// to store, or `None` to store nothing.
pub(crate) type Merge = Box<dyn FnOnce(Stored) -> Option<Vec<u8>>>;

/// Where a personalizer keeps its profile.
#[derive(Clone)]
pub(crate) enum Store {
    /// Nothing survives the page.
    Memory,
    /// `window.localStorage`.
    Local(Local),
    /// IndexedDB, database `flaneur`.
    Indexed(Indexed),
}

impl Store {
    /// The name of the memory store, as `open`'s `storage` and `profile().storage` spell it.
    const MEMORY: &'static str = "memory";
    /// The name of the localStorage store.
    const LOCAL: &'static str = "local";
    /// The name of the IndexedDB store.
    const INDEXED: &'static str = "indexeddb";
    /// The store a page gets unless it asks for another.
    pub(crate) const DEFAULT: &'static str = Store::INDEXED;

    /// This store's name.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Store::Memory => Store::MEMORY,
            Store::Local(_) => Store::LOCAL,
            Store::Indexed(_) => Store::INDEXED,
        }
    }

    /// Opens the store `kind` names (`"indexeddb"`, `"local"` or `"memory"`)
    /// for the record `key` of `shop`, falling back from IndexedDB to
    /// localStorage to memory; each fallback leaves a notice.
    pub(crate) async fn open(
        kind: &str,
        key: &str,
        shop: &str,
    ) -> Result<(Store, Vec<String>), Error> {
        Store::check(kind)?;
        let mut notices = Vec::new();
        match kind {
            Store::MEMORY => return Ok((Store::Memory, notices)),
            Store::INDEXED => match Indexed::open(key, shop).await {
                Ok(store) => return Ok((Store::Indexed(store), notices)),
                Err(why) => notices.push(format!(
                    "STORAGE_UNAVAILABLE: IndexedDB cannot be used here ({why}); the profile is \
                     kept in localStorage instead"
                )),
            },
            _ => {}
        }
        match Local::open(key, shop) {
            Some(store) => Ok((Store::Local(store), notices)),
            None => {
                notices.push(
                    "STORAGE_UNAVAILABLE: this browser gives no storage here; nothing is kept \
                     after the page closes"
                        .into(),
                );
                Ok((Store::Memory, notices))
            }
        }
    }

    /// Refuses a store name other than `"indexeddb"`, `"local"` and `"memory"`.
    pub(crate) fn check(kind: &str) -> Result<(), Error> {
        if [Store::INDEXED, Store::LOCAL, Store::MEMORY].contains(&kind) {
            return Ok(());
        }
        Err(Error::BadArgument(format!(
            "options.storage: \"{kind}\" is not a store; use \"{}\", \"{}\" or \"{}\"",
            Store::INDEXED,
            Store::LOCAL,
            Store::MEMORY
        )))
    }

    /// Whether nothing is kept beyond the page.
    pub(crate) fn is_memory(&self) -> bool {
        matches!(self, Store::Memory)
    }

    /// The shop's record as stored now; an unreadable one is copied aside.
    pub(crate) async fn read(&self) -> Stored {
        match self {
            Store::Memory => Stored::Nothing,
            Store::Local(local) => local.read(),
            Store::Indexed(indexed) => indexed.read().await,
        }
    }

    /// Runs `merge` on the latest stored record and stores its result, atomically.
    pub(crate) async fn write(&self, merge: Merge) -> Result<(), Failure> {
        match self {
            Store::Memory => Ok(()),
            Store::Local(local) => local.write(merge),
            Store::Indexed(indexed) => indexed.write(merge).await,
        }
    }
}

/// Deletes the `flaneur` database if no shop keeps anything in it (after
/// consent was revoked), closing `home`'s connection, which is unusable after.
pub(crate) async fn drop_empty_database(home: Store, key: &str, shop: &str) {
    let indexed = match home {
        Store::Indexed(indexed) => Some(indexed),
        _ => Indexed::existing(key, shop).await.ok().flatten(),
    };
    if let Some(indexed) = indexed {
        indexed.drop_if_empty().await;
    }
}

/// How long a record that could not be read is kept aside: 30 days, in ms.
pub(crate) const QUARANTINE_MS: f64 = 30.0 * 86_400_000.0;

/// How many records of the shop are set aside (0 to 2: one per store) in the
/// stores the page uses (`home`, and localStorage), after deleting those kept
/// longer than [`QUARANTINE_MS`].
pub(crate) async fn quarantined(home: &Store, key: &str, shop: &str) -> u32 {
    let now = js_sys::Date::now();
    let indexed = match home {
        Store::Indexed(indexed) => indexed.quarantined(now, QUARANTINE_MS).await,
        _ => 0,
    };
    indexed + Local::open(key, shop).map_or(0, |local| local.quarantined(now, QUARANTINE_MS))
}

/// Removes every byte stored for record `key` of `shop`, the quarantined
/// copies included, in every store this context has, whichever one the page
/// uses now (`home`, the store it opened): a page in memory or localStorage
/// also clears IndexedDB. Every store is tried; the first failure is returned.
/// (A worker has no localStorage: its page clears that, `www/worker/client.js`.)
pub(crate) async fn erase_everywhere(home: &Store, key: &str, shop: &str) -> Result<(), Failure> {
    let indexed = match home {
        Store::Indexed(indexed) => indexed.erase().await,
        _ => match Indexed::existing(key, shop).await {
            Ok(Some(indexed)) => {
                let erased = indexed.erase().await;
                indexed.close();
                erased
            }
            Ok(None) => Ok(()),
            Err(why) => Err(Failure::Unavailable(why)),
        },
    };
    let local = Local::open(key, shop).map_or(Ok(()), |local| local.erase());
    indexed.and(local)
}
