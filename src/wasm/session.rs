//! At most one report per browser session (tab) and shop, whatever the page's
//! clock says: a page that moves `Date.now` forward buys no second report.
//!
//! The claim is kept in this page's memory (every personalizer of the page)
//! and in `sessionStorage` (the tab's reloads); a new tab is a new session.

use std::cell::RefCell;
use std::collections::BTreeSet;

thread_local! {
    /// The shops this page claimed a report for.
    static CLAIMED: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// The `sessionStorage` key of the claim for the record `key`.
fn marker(key: &str) -> String {
    format!("flaneur:reported:{key}")
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Claims this session's one report for `key`: `false` if it was claimed
/// already (in this page or, before a reload, in this tab).
pub(crate) fn claim(key: &str) -> bool {
    let fresh = CLAIMED.with(|claimed| claimed.borrow_mut().insert(key.to_owned()));
    let storage = session_storage();
    let in_tab = storage.as_ref().and_then(|s| s.get_item(&marker(key)).ok().flatten()).is_some();
    if !fresh || in_tab {
        if fresh {
            CLAIMED.with(|claimed| claimed.borrow_mut().remove(key));
        }
        return false;
    }
    if let Some(storage) = storage {
        let _ = storage.set_item(&marker(key), "1");
    }
    true
}

/// Gives the claim back: no report was made.
pub(crate) fn release(key: &str) {
    CLAIMED.with(|claimed| claimed.borrow_mut().remove(key));
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(&marker(key));
    }
}
