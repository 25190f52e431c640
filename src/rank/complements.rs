//! The "complements" shelf: items often bought with what is in the cart.
//!
//! Each item of the catalog may carry a short list of the items most often
//! bought with it, strongest first, from the shop's aggregate co-purchase
//! counts ([`Catalog::bought_with`]). An item scores `1 / (rank + 1)` for
//! every cart item that lists it at `rank`; its reason names the cart item
//! that contributes most ("Often bought with …"). The cart stays on the device.
//! No echo applies (the cart, what was seen this session and what was
//! bought are left out unless the request includes them), and so do the
//! request's filters; with personalization off or at intensity 0 it is empty.

use super::explain::{Reason, Signal, SignalKind};
use super::filter::Eligibility;
use super::{Inputs, Kind, Knobs, Recommendation, Request, Slate, breadth, seen, shop_order_only};
use crate::catalog::Catalog;
use crate::error::Result;

/// The complements of the request's cart.
pub(super) fn slate(inputs: &Inputs<'_>, request: &Request) -> Result<Slate> {
    let Inputs { catalog, profile, prefs, now, intent, .. } = *inputs;
    let cart = seen::cart(catalog, profile, request, now);
    let hidden = if request.include_seen {
        seen::Hidden::default()
    } else {
        seen::seen(catalog, profile, &cart, &[], now)
    };
    let eligible = Eligibility::new(catalog, prefs, request, hidden)?;
    let spread = breadth::breadth(profile, now);
    if shop_order_only(prefs, &Knobs::new(prefs, intent)) {
        return Ok(Slate::new(Vec::new(), 0, intent, spread));
    }
    let allowed =
        |index: usize| eligible.allows(index) && !profile.is_dismissed(catalog.item(index).id());
    let scored = score(catalog, &cart, allowed);
    let items = scored
        .into_iter()
        .take(request.k)
        .map(|(score, index, source)| {
            let reason = Reason {
                signals: vec![Signal::naming(SignalKind::BoughtWith, catalog, source, score)],
                divergence: None,
            };
            Recommendation::new(catalog, index, score, Kind::Complement, reason)
        })
        .collect();
    Ok(Slate::new(items, 0, intent, spread))
}

/// `(score, item, the cart item contributing most)`, best first; ties by position.
fn score(
    catalog: &Catalog,
    cart: &[usize],
    allowed: impl Fn(usize) -> bool,
) -> Vec<(f32, usize, usize)> {
    // (item, score, best contribution, its cart item): a cart has a few items,
    // each with a few neighbours, so a short list beats a map.
    let mut found: Vec<(usize, f32, f32, usize)> = Vec::new();
    for &source in cart {
        for (rank, &neighbour) in catalog.bought_with(source).iter().enumerate() {
            let neighbour = neighbour as usize;
            if cart.contains(&neighbour) || !allowed(neighbour) {
                continue;
            }
            let share = 1.0 / (rank + 1) as f32;
            match found.iter_mut().find(|f| f.0 == neighbour) {
                Some(f) => {
                    f.1 += share;
                    if share > f.2 {
                        (f.2, f.3) = (share, source);
                    }
                }
                None => found.push((neighbour, share, share, source)),
            }
        }
    }
    let mut out: Vec<(f32, usize, usize)> =
        found.into_iter().map(|(item, score, _, source)| (score, item, source)).collect();
    crate::util::sort::sort_by(&mut out, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    out
}
