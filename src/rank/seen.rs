//! No echo: what the shopper has just seen, has in the cart or bought, which
//! a slate leaves out unless the request asks for it (`include_seen`).
//! A staple (an item of a replenishable category, see
//! [`Catalog::repurchase`]) bought before this session is not echo: it comes
//! back when due. Its substitutes (the other items of its leaf) do not take
//! its place once the shopper buys it regularly.

use crate::catalog::{Catalog, CategoryId};
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

/// Occasions after which a bought staple is bought regularly.
pub const REGULAR_OCCASIONS: u32 = 2;

/// What a slate leaves out by default ([`seen`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hidden {
    /// Positions left out one by one. Unordered; a position may appear twice.
    pub items: Vec<usize>,
    /// Leaves whose items are all left out but the staples listed with each
    /// (ascending positions): a regular staple's substitutes. By leaf, each once.
    pub leaves: Vec<(CategoryId, Vec<u32>)>,
}

impl Hidden {
    /// Only the positions `items`, one by one.
    pub fn items(items: Vec<usize>) -> Self {
        Self { items, leaves: Vec::new() }
    }
}

/// What a slate leaves out by default: items the shopper engaged with in the
/// current session (viewed, clicked, carted, bought), the `cart` (from
/// [`cart`]), everything bought that is not a staple, and the substitutes of
/// the staples bought regularly that the slate may show (a staple the page
/// `excluded` (sorted), shown elsewhere, leaves its substitutes free: they are not in
/// its place). The substitutes are left out as whole leaves, so that a
/// ranking pass need not visit them one by one.
pub fn seen(
    catalog: &Catalog,
    profile: &Profile,
    cart: &[usize],
    excluded: &[usize],
    now: i64,
) -> Hidden {
    let session = profile.live_session(now).filter_map(|e| match &e.kind {
        EventKind::View { item_id }
        | EventKind::Dwell { item_id, .. }
        | EventKind::Click { item_id }
        | EventKind::AddToCart { item_id }
        | EventKind::Purchase { item_id } => Some(item_id.as_str()),
        _ => None,
    });
    let mut out: Vec<usize> = session.filter_map(|id| catalog.index_of(id)).collect();
    let mut staples: Vec<usize> = Vec::new();
    for (id, bought) in profile.purchases().iter() {
        let Some(index) = catalog.index_of(id) else { continue };
        if !catalog.is_staple(index) {
            out.push(index);
        } else if bought.occasions >= REGULAR_OCCASIONS && excluded.binary_search(&index).is_err() {
            staples.push(index);
        }
    }
    // By leaf: each leaf once, with its own few staples (ascending).
    let mut by_leaf: Vec<(CategoryId, u32)> =
        staples.iter().map(|&i| (catalog.item(i).category(), i as u32)).collect();
    crate::util::sort::sort(&mut by_leaf);
    let leaves = by_leaf
        .chunk_by(|a, b| a.0 == b.0)
        .map(|group| (group[0].0, group.iter().map(|&(_, staple)| staple).collect()))
        .collect();
    out.extend_from_slice(cart);
    Hidden { items: out, leaves }
}
