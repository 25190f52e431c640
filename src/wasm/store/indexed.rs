//! The IndexedDB store: database `flaneur`, object store `profiles` (the
//! record bytes under the shop's key) and `quarantine` (unreadable records).
//!
//! Every read and write is one `readwrite` transaction: the record is read
//! and, in the same transaction, the merged record is put back. Browsers run
//! `readwrite` transactions over the same store one after another, across
//! tabs and workers, so two tabs never overwrite each other's changes, and a
//! transaction either commits whole or not at all. Works in windows and in
//! workers (it reads `indexedDB` from the global scope).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbFactory, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode,
};

use super::local::Local;
use super::{Failure, Merge, Stored};
use crate::Error;

/// The database's name.
pub(crate) const DATABASE: &str = "flaneur";
/// Its schema version.
const SCHEMA_VERSION: u32 = 1;
/// The object store of records, keyed by shop.
pub(crate) const PROFILES: &str = "profiles";
/// The object store of records that could not be read, keyed by shop.
pub(crate) const QUARANTINE: &str = "quarantine";

/// A shop's record in IndexedDB.
#[derive(Clone)]
pub(crate) struct Indexed {
    db: IdbDatabase,
    key: String,
    shop: String,
}

impl Indexed {
    /// Opens (creating on first use) the database; moves a record the shop
    /// kept in localStorage into it.
    pub(crate) async fn open(key: &str, shop: &str) -> Result<Indexed, String> {
        let store = Indexed::connect(key, shop).await?;
        store.adopt_local_record().await;
        Ok(store)
    }

    /// The database if this context has one named `flaneur` (none: nothing
    /// was ever stored in it), to erase it from a page that does not use it.
    /// Where the browser cannot list databases, it is opened.
    pub(crate) async fn existing(key: &str, shop: &str) -> Result<Option<Indexed>, String> {
        let Some(factory) = factory() else { return Ok(None) };
        let list = js_sys::Reflect::get(&factory, &"databases".into()).unwrap_or_default();
        if let Some(list) = list.dyn_ref::<js_sys::Function>() {
            let names = match list.call0(&factory).map(|p| JsFuture::from(Promise::from(p))) {
                Ok(pending) => pending.await.map_err(|e| describe(&e))?,
                Err(e) => return Err(describe(&e)),
            };
            let named = |d: JsValue| {
                js_sys::Reflect::get(&d, &"name".into()).ok().and_then(|n| n.as_string())
            };
            if !Array::from(&names).iter().any(|d| named(d).as_deref() == Some(DATABASE)) {
                return Ok(None);
            }
        }
        Indexed::connect(key, shop).await.map(Some)
    }

    /// Closes the connection and deletes the whole database if it holds
    /// nothing (no shop's record, nothing set aside), so that not even the
    /// empty schema stays; other pages' connections close when asked.
    pub(crate) async fn drop_if_empty(&self) {
        let Ok(tx) = self.transaction() else { return self.close() };
        let counts: Vec<IdbRequest> = [PROFILES, QUARANTINE]
            .iter()
            .filter_map(|name| object_store(&tx, name).ok()?.count().ok())
            .collect();
        let done = completion(&tx).await;
        self.close();
        let zero = |r: &IdbRequest| r.result().ok().and_then(|n| n.as_f64()) == Some(0.0);
        if done.is_err() || counts.len() != 2 || !counts.iter().all(zero) {
            return;
        }
        if let Some(request) = factory().and_then(|f| f.delete_database(DATABASE).ok()) {
            // Blocked by a page that does not close: the deletion waits for it.
            let _ = settle(&request).await;
        }
    }

    /// Closes the connection (one opened only to erase).
    pub(crate) fn close(&self) {
        self.db.close();
    }

    /// Opens (creating on first use) the database.
    async fn connect(key: &str, shop: &str) -> Result<Indexed, String> {
        let factory = factory().ok_or("no indexedDB in this context")?;
        let request = factory.open_with_u32(DATABASE, SCHEMA_VERSION).map_err(|e| describe(&e))?;
        let upgrade_request = request.clone();
        let upgrade = Closure::once(move || {
            if let Ok(db) = upgrade_request.result().map(JsCast::unchecked_into::<IdbDatabase>) {
                for name in [PROFILES, QUARANTINE] {
                    if !db.object_store_names().contains(name) {
                        let _ = db.create_object_store(name);
                    }
                }
            }
        });
        request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let opened = settle(&request).await;
        drop(upgrade);
        let db: IdbDatabase = opened.map_err(|e| describe(&e))?.unchecked_into();
        // Another page upgrading the schema asks this one to step aside.
        let closing = db.clone();
        let on_version_change = Closure::<dyn FnMut()>::new(move || closing.close());
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget(); // lives as long as the connection
        Ok(Indexed { db, key: key.to_owned(), shop: shop.to_owned() })
    }

    /// The record, if any; an unreadable one is moved to `quarantine`.
    pub(crate) async fn read(&self) -> Stored {
        let seen = Rc::new(RefCell::new(None));
        let keep = seen.clone();
        let merge: Merge = Box::new(move |stored| {
            *keep.borrow_mut() = Some(stored);
            None
        });
        match self.transact(merge).await {
            Ok(()) => seen.take().unwrap_or(Stored::Nothing),
            Err(failure) => {
                Stored::Unreadable(Error::StorageUnavailable { reason: failure.notice() })
            }
        }
    }

    /// Reads the record, merges, and puts the result, in one transaction.
    pub(crate) async fn write(&self, merge: Merge) -> Result<(), Failure> {
        self.transact(merge).await
    }

    /// Deletes the record and its quarantined copy.
    pub(crate) async fn erase(&self) -> Result<(), Failure> {
        let tx = self.transaction()?;
        let key = JsValue::from_str(&self.key);
        for name in [PROFILES, QUARANTINE] {
            object_store(&tx, name)?.delete(&key).map_err(|e| Failure::from_js(&e))?;
        }
        object_store(&tx, QUARANTINE)?.delete(&at_key(&key)).map_err(|e| Failure::from_js(&e))?;
        completion(&tx).await
    }

    /// Whether a record of the shop is set aside (0 or 1) after deleting one
    /// kept longer than `max_age` ms; one of an older flaneur, undated, is
    /// dated `now`.
    pub(crate) async fn quarantined(&self, now: f64, max_age: f64) -> u32 {
        let Ok(tx) = self.transaction() else { return 0 };
        let Ok(quarantine) = object_store(&tx, QUARANTINE) else { return 0 };
        let (key, at) = (JsValue::from_str(&self.key), at_key(&JsValue::from_str(&self.key)));
        let Ok(count) = quarantine.count_with_key(&key) else { return 0 };
        let Ok(date) = quarantine.get(&at) else { return 0 };
        let kept = Rc::new(RefCell::new(0));
        let out = kept.clone();
        let (c, d) = (count.clone(), date.clone());
        let on_read = Closure::once(move || {
            if c.result().ok().and_then(|n| n.as_f64()).unwrap_or(0.0) < 1.0 {
                let _ = quarantine.delete(&at);
                return;
            }
            match d.result().ok().and_then(|t| t.as_f64()) {
                Some(since) if now - since > max_age => {
                    let _ = quarantine.delete(&key);
                    let _ = quarantine.delete(&at);
                }
                Some(_) => *out.borrow_mut() = 1,
                None => {
                    let _ = quarantine.put_with_key(&now.into(), &at);
                    *out.borrow_mut() = 1;
                }
            }
        });
        date.set_onsuccess(Some(on_read.as_ref().unchecked_ref()));
        let done = completion(&tx).await;
        drop(on_read);
        if done.is_ok() { kept.take() } else { 0 }
    }

    /// One `readwrite` transaction: get the record, set an unreadable one
    /// aside, run `merge` on it and put what it returns.
    async fn transact(&self, merge: Merge) -> Result<(), Failure> {
        let tx = self.transaction()?;
        let profiles = object_store(&tx, PROFILES)?;
        let quarantine = object_store(&tx, QUARANTINE)?;
        let key = JsValue::from_str(&self.key);
        let get = profiles.get(&key).map_err(|e| Failure::from_js(&e))?;
        let (request, shop, transaction) = (get.clone(), self.shop.clone(), tx.clone());
        let refused = Rc::new(RefCell::new(None));
        let refusal = refused.clone();
        // Runs inside the transaction, before it can commit: the put joins it.
        let on_read = Closure::once(move || {
            let value = request.result().unwrap_or(JsValue::UNDEFINED);
            let stored = decode(&value, &shop);
            if matches!(stored, Stored::Unreadable(_)) {
                let _ = quarantine.put_with_key(&value, &key);
                let _ = quarantine.put_with_key(&js_sys::Date::now().into(), &at_key(&key));
                let _ = profiles.delete(&key);
            }
            if let Some(bytes) = merge(stored) {
                // A put the browser refuses at once (a value it cannot store)
                // must not let the transaction commit as if it had succeeded.
                if let Err(err) = profiles.put_with_key(&Uint8Array::from(bytes.as_slice()), &key) {
                    *refusal.borrow_mut() = Some(err);
                    let _ = transaction.abort();
                }
            }
        });
        get.set_onsuccess(Some(on_read.as_ref().unchecked_ref()));
        let done = completion(&tx).await;
        drop(on_read);
        match refused.take() {
            Some(err) => Err(Failure::from_js(&err)),
            None => done,
        }
    }

    fn transaction(&self) -> Result<IdbTransaction, Failure> {
        let names = Array::of2(&PROFILES.into(), &QUARANTINE.into());
        self.db
            .transaction_with_str_sequence_and_mode(&names, IdbTransactionMode::Readwrite)
            .map_err(|e| Failure::from_js(&e))
    }

    /// Moves a record this shop kept in localStorage (flaneur 0.1, or the
    /// `local` store) into IndexedDB, unless IndexedDB already has one.
    async fn adopt_local_record(&self) {
        let Some(local) = Local::open(&self.key, &self.shop) else { return };
        let Stored::Found(record) = local.read() else { return };
        let bytes = record.to_bytes();
        let merge: Merge =
            Box::new(move |stored| matches!(stored, Stored::Nothing).then_some(bytes));
        if self.transact(merge).await.is_ok() {
            local.remove();
        }
    }
}

/// The key of the time the record under `key` was set aside: an array, so
/// it never equals a shop's key.
fn at_key(key: &JsValue) -> JsValue {
    Array::of2(key, &"at".into()).into()
}

/// The global `indexedDB`, in a window or a worker.
fn factory() -> Option<IdbFactory> {
    let value = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into()).ok()?;
    (!value.is_undefined() && !value.is_null()).then(|| value.unchecked_into())
}

fn object_store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, Failure> {
    tx.object_store(name).map_err(|e| Failure::from_js(&e))
}

/// A stored value: record bytes, or nothing.
fn decode(value: &JsValue, shop: &str) -> Stored {
    if value.is_undefined() {
        Stored::Nothing
    } else if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        Stored::from_bytes(&bytes.to_vec(), shop)
    } else {
        Stored::Unreadable(Error::ProfileCorrupt {
            reason: "the stored record is not bytes".into(),
        })
    }
}

/// Waits for an open request; resolves with its result, or with what went
/// wrong (the request's `DOMException`, or the event that ended it).
async fn settle(request: &IdbOpenDbRequest) -> Result<JsValue, JsValue> {
    let target: &IdbRequest = request.as_ref();
    let promise = Promise::new(&mut |resolve, reject| {
        target.set_onsuccess(Some(&resolve));
        target.set_onerror(Some(&reject));
        request.set_onblocked(Some(&reject));
    });
    match JsFuture::from(promise).await {
        Ok(_) => target.result(),
        Err(event) => Err(target.error().ok().flatten().map(JsValue::from).unwrap_or(event)),
    }
}

/// Waits for a transaction to commit; an abort (a full quota, for one) is a [`Failure`].
async fn completion(tx: &IdbTransaction) -> Result<(), Failure> {
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onabort(Some(&reject));
    });
    match JsFuture::from(promise).await {
        Ok(_) => Ok(()),
        Err(_) => Err(match tx.error() {
            Some(err) => Failure::from_js(&err),
            None => Failure::Unavailable("the transaction was aborted".into()),
        }),
    }
}

/// What the browser said, in words.
fn describe(err: &JsValue) -> String {
    match Failure::from_js(err) {
        Failure::Full => "the storage quota is full".into(),
        Failure::Unavailable(why) => why,
    }
}
