//! No echo: what the shopper has just seen, has in the cart or bought, which
//! a slate leaves out unless the request asks for it (`include_seen`).

use crate::catalog::Catalog;
use crate::profile::{EventKind, Profile};

use super::request::Request;

/// The cart a request is about, as catalog positions: the page's own
/// (`context.cart`) when given, else the session's cart adds less removals.
/// Unknown ids are skipped; no position twice.
pub fn cart(catalog: &Catalog, profile: &Profile, request: &Request, now: i64) -> Vec<usize> {
    let ids: Vec<&str> = match &request.context.cart {
        Some(ids) => ids.iter().map(String::as_str).collect(),
        None => profile.session_cart(now),
    };
    let mut out: Vec<usize> = Vec::with_capacity(ids.len());
    for index in ids.into_iter().filter_map(|id| catalog.index_of(id)) {
        if !out.contains(&index) {
            out.push(index);
        }
    }
    out
}

/// Positions a slate leaves out by default: items the shopper engaged with
/// in the current session (viewed, clicked, carted), the `cart` (from
/// [`cart`]), and everything bought.
pub fn seen(catalog: &Catalog, profile: &Profile, cart: &[usize], now: i64) -> Vec<usize> {
    let session = profile.live_session(now).filter_map(|e| match &e.kind {
        EventKind::View { item_id }
        | EventKind::Dwell { item_id, .. }
        | EventKind::Click { item_id }
        | EventKind::AddToCart { item_id } => Some(item_id.as_str()),
        _ => None,
    });
    let bought = profile.purchased().keys().map(String::as_str);
    let mut out: Vec<usize> = session.chain(bought).filter_map(|id| catalog.index_of(id)).collect();
    out.extend_from_slice(cart);
    crate::util::sort::sort_by_key(&mut out, |&i| i);
    out.dedup();
    out
}
