//! Consent before anything is kept (ePrivacy art. 5(3)): with `open`'s
//! `consent: "required"` the personalizer learns in memory only, and neither
//! reads nor writes any store, until the page calls `grantConsent()`; then
//! [`attach`] opens the store, merges what is stored with what the page
//! learned, and keeps it. `revokeConsent()` erases and goes back to memory.
//! The mode itself is [`Consent`] (`consent_mode.rs`), which the shared
//! state holds.

use wasm_bindgen::prelude::*;
use web_sys::MessageEvent;

use super::consent_mode::Consent;
use super::store::{Store, Stored, quarantined};
use super::sync::{self, Shared};
use crate::Error;

/// The listener on the shop's other tabs, kept as long as the personalizer.
pub(crate) type Listener = Option<Closure<dyn FnMut(MessageEvent)>>;

/// Opens the store `kind` for record `key` and makes it the personalizer's:
/// the stored record with the page's unsaved changes replayed on it, then a
/// write of the result. Stops without keeping anything if the profile was
/// erased (or consent revoked) meanwhile.
pub(crate) async fn attach(shared: &Shared, kind: &str, key: &str) -> Result<Listener, Error> {
    let (shop, generation) = {
        let state = shared.try_borrow().map_err(|_| Error::Busy)?;
        (state.engine.catalog().shop().to_owned(), state.generation())
    };
    let (mut store, mut notices) = Store::open(kind, key, &shop).await?;
    let stored = store.read().await;
    let held = quarantined(&store, key, &shop).await;
    {
        let mut state = shared.try_borrow_mut().map_err(|_| Error::Busy)?;
        if state.generation() != generation {
            return Ok(None);
        }
        let state = &mut *state;
        state.home = store.clone();
        match stored {
            Stored::Nothing => state.engine.rebase(None, state.journal.pending()),
            Stored::Found(snapshot) => {
                state.journal.based_on(Some(snapshot.epoch));
                state.engine.rebase(Some(*snapshot), state.journal.pending());
            }
            Stored::Newer { found } => {
                notices.push(sync::newer_notice(found));
                store = Store::Memory;
                state.journal.clear();
            }
            Stored::Unreadable(err) => notices.push(sync::unreadable_notice(&err)),
        }
        state.quarantined = held;
        state.notices.extend(notices);
        state.store = store;
        if state.consent == Consent::Required {
            state.consent = Consent::Granted;
        }
    }
    let persistent = shared.try_borrow().is_ok_and(|state| !state.store.is_memory());
    let listener = if persistent { sync::listen(shared, key) } else { None };
    sync::schedule(shared);
    Ok(listener)
}
