//! At most one report per browser session (tab) and shop, whatever the page's
//! clock says: a page that moves `Date.now` forward buys no second report.
//!
//! The claim is kept in this page's memory (every personalizer of the page)
//! and, once a report was made, in `sessionStorage` (the tab's reloads); a
//! new tab is a new session. In a worker (no `sessionStorage`) the bound is
//! the worker's lifetime.

use std::cell::RefCell;

thread_local! {
    /// The shops this page claimed a report for.
    static CLAIMED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The `sessionStorage` key of the claim for the record `key`.
fn marker(key: &str) -> String {
    format!("flaneur:reported:{key}")
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Claims this session's one report for `key`: `false` if it was claimed
/// in this page or made in this tab (before a reload). The claim is kept in
/// memory only until [`made`] marks the tab.
pub(crate) fn claim(key: &str) -> bool {
    let made_in_tab =
        session_storage().and_then(|s| s.get_item(&marker(key)).ok().flatten()).is_some();
    !made_in_tab
        && CLAIMED.with(|claimed| {
            let mut claimed = claimed.borrow_mut();
            let new = !claimed.iter().any(|k| k == key);
            if new {
                claimed.push(key.to_owned());
            }
            new
        })
}

/// Marks the tab: a report for `key` was made (`sessionStorage`, so a
/// reload of the tab makes none either). Nothing is written unless a report was made.
pub(crate) fn made(key: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(&marker(key), "1");
    }
}

/// Gives the claim back: no report was made.
pub(crate) fn release(key: &str) {
    CLAIMED.with(|claimed| claimed.borrow_mut().retain(|k| k != key));
}

/// Removes the tab's mark for `key` (erasing removes every byte flaneur kept
/// for the shop). The page's memory keeps its claim: a report already made
/// by this page stays its one report.
pub(crate) fn forget(key: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(&marker(key));
    }
}
