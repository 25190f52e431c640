//! The "recently viewed" shelf: what the shopper looked at, newest first.
//!
//! It is the ring of recent items the profile keeps anyway, listed as such
//! ([`Kind::Recent`]), never ranked and never counted as a recommendation.
//! The request's filters apply (availability, sensitive classes, exclusions,
//! the context category), and dismissed items are left out. With
//! personalization off or at intensity 0 (discretion included) it is empty.

use super::explain::Reason;
use super::filter::Eligibility;
use super::seen::Hidden;
use super::{Inputs, Kind, Knobs, Recommendation, Request, Slate, breadth, shop_order_only};
use crate::error::Result;

/// The recently viewed items for `request`, newest first.
pub(super) fn slate(inputs: &Inputs<'_>, request: &Request) -> Result<Slate> {
    let Inputs { catalog, profile, prefs, now, intent, .. } = *inputs;
    let eligible = Eligibility::new(catalog, prefs, request, Hidden::default())?;
    let spread = breadth::breadth(profile, now);
    if shop_order_only(prefs, &Knobs::new(prefs, intent)) {
        return Ok(Slate::new(Vec::new(), 0, intent, spread));
    }
    let recent: Vec<usize> = profile
        .recent()
        .filter(|id| !profile.is_dismissed(id))
        .filter_map(|id| catalog.index_of(id))
        .collect();
    let count = recent.len().max(1) as f32;
    let items = recent
        .into_iter()
        .rev()
        .filter(|&index| eligible.allows(index))
        .take(request.k)
        .enumerate()
        .map(|(rank, index)| {
            let score = 1.0 - rank as f32 / count;
            Recommendation::new(catalog, index, score, Kind::Recent, Reason::default())
        })
        .collect();
    Ok(Slate::new(items, 0, intent, spread))
}
