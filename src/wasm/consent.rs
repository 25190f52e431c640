//! Consent before anything is kept (ePrivacy art. 5(3)): with `open`'s
//! `consent: "required"` the personalizer learns in memory only, and neither
//! reads nor writes any store, until the page calls `grantConsent()`; then
//! [`attach`] opens the store, merges what is stored with what the page
//! learned, and keeps it. `revokeConsent()` erases and goes back to memory.

use wasm_bindgen::prelude::*;
use web_sys::MessageEvent;

use super::store::{Store, Stored, quarantined};
use super::sync::{self, Shared};
use crate::Error;

/// Whether the profile may be kept on the device.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Consent {
    /// The page did not ask for consent (the default): kept from the start.
    Implied,
    /// Consent is needed and not given: memory only, no store touched.
    Required,
    /// Consent was needed and given: kept.
    Granted,
}

impl Consent {
    /// Reads `open`'s `consent` option (absent: implied).
    pub(crate) fn parse(value: Option<&str>) -> Result<Consent, Error> {
        match value {
            None | Some("implied") => Ok(Consent::Implied),
            Some("required") => Ok(Consent::Required),
            Some(other) => Err(Error::BadArgument(format!(
                "options.consent: \"{other}\" is not a consent mode; use \"implied\" or \
                 \"required\""
            ))),
        }
    }

    /// The name `profile().consent` shows.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Consent::Implied => "implied",
            Consent::Required => "required",
            Consent::Granted => "granted",
        }
    }
}

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
