//! The "buy again" shelf: the shopper's own purchases, most due first.
//!
//! Each kept purchase ([`crate::profile::Purchases`]) scores its per-basket
//! decayed frequency (TIFU-KNN's personal part, the anchor), times how due it
//! is: the time since the last purchase against an interval that is the
//! shopper's own mean interval shrunk toward the catalog's prior for the item
//! or its category ([`crate::catalog::Catalog::repurchase`]), and by how
//! often its buyers buy it again (the prior's share, softly). Tuned on the
//! even households of The Complete Journey (docs/EVALUATION.md): being due
//! decides the order among equally frequent items more than it moves recall.
//! The interval never leaves the device; the reason says it in words.
//! With personalization off or at intensity 0 (discretion included) the shelf
//! is empty; the request's filters, dismissals and sensitive classes apply.

use super::explain::{Reason, Signal, SignalKind};
use super::filter::Eligibility;
use super::seen::Hidden;
use super::{Inputs, Kind, Knobs, Recommendation, Request, Slate, breadth, shop_order_only};
use crate::catalog::Repurchase;
use crate::error::Result;
use crate::profile::{Purchase, Purchases};

/// A day, in ms.
const DAY_MS: f64 = 86_400_000.0;
/// How many of the shopper's own intervals the catalog's prior weighs.
pub const PRIOR_INTERVALS: f64 = 1.0;
/// Share of the score that depends on being due (the rest is frequency alone):
/// 0.15 (recall@20 0.161 on the grocery evaluation; 0 gave 0.160, 0.5 gave 0.154).
pub const DUE_WEIGHT: f32 = 0.15;
/// Spread of "due" in log time: at half or twice the interval it is about 0.6.
pub const DUE_SPREAD: f64 = 0.7;
/// How due an item is when no interval is known (bought once, no prior).
pub const UNKNOWN_DUE: f32 = 0.5;
/// Share of repeat buyers assumed for an item without a prior.
pub const UNKNOWN_SHARE: f32 = 0.5;
/// How strongly the prior's share of repeat buyers weighs: `share^0.25`
/// (recall@20 0.161; the share alone, 0.158; without it, 0.159).
pub const SHARE_EXPONENT: f32 = 0.25;

/// The buy-again slate for `request`.
pub(super) fn slate(inputs: &Inputs<'_>, request: &Request) -> Result<Slate> {
    let Inputs { catalog, profile, prefs, now, intent, .. } = *inputs;
    let eligible = Eligibility::new(catalog, prefs, request, Hidden::default())?;
    let spread = breadth::breadth(profile, now);
    if shop_order_only(prefs, &Knobs::new(prefs, intent)) {
        return Ok(Slate::new(Vec::new(), 0, intent, spread));
    }
    let bought = profile.purchases();
    let mut scored: Vec<(f32, usize, Due)> = bought
        .iter()
        .filter(|(id, _)| !profile.is_dismissed(id))
        .filter_map(|(id, p)| Some((catalog.index_of(id)?, p)))
        .filter(|&(index, _)| eligible.allows(index))
        .map(|(index, p)| {
            let due = Due::of(p, catalog.repurchase(index), now);
            (due.score(bought, p), index, due)
        })
        .collect();
    crate::util::sort::sort_by(&mut scored, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let items = scored
        .into_iter()
        .take(request.k)
        .map(|(score, index, due)| {
            let signal = Signal {
                kind: SignalKind::Repurchase,
                label: due.describe(),
                contribution: 1.0,
                count: Some(due.occasions),
                last_seen: Some(due.last),
                item: None,
            };
            let reason = Reason { signals: vec![signal], divergence: None };
            Recommendation::new(catalog, index, score, Kind::BuyAgain, reason)
        })
        .collect();
    Ok(Slate::new(items, 0, intent, spread))
}

/// How due one bought item is at a moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Due {
    /// Occasions it was bought on.
    pub occasions: u32,
    /// Its last purchase (ms).
    pub last: i64,
    /// The interval used (ms): the shopper's own, shrunk toward the prior.
    pub interval_ms: Option<f64>,
    /// Time since the last purchase (ms, never negative).
    pub elapsed_ms: f64,
    /// Share of the item's buyers who buy it again (the prior's, or [`UNKNOWN_SHARE`]).
    pub share: f32,
}

impl Due {
    /// How due `p` is at `now`, given the catalog's `prior` for it.
    pub fn of(p: &Purchase, prior: Option<Repurchase>, now: i64) -> Self {
        let own = p.mean_interval_ms();
        let gaps = f64::from(p.occasions.saturating_sub(1));
        let prior_ms = prior.map(|r| f64::from(r.interval_days) * DAY_MS).filter(|ms| *ms > 0.0);
        let interval_ms = match (own, prior_ms) {
            (Some(own), Some(prior)) => {
                Some((gaps * own + PRIOR_INTERVALS * prior) / (gaps + PRIOR_INTERVALS))
            }
            (own, prior) => own.or(prior),
        }
        .filter(|ms| *ms >= 1.0);
        let share = prior.map_or(UNKNOWN_SHARE, |r| r.share.clamp(0.01, 1.0));
        Self {
            occasions: p.occasions,
            last: p.last,
            interval_ms,
            elapsed_ms: now.saturating_sub(p.last).max(0) as f64,
            share,
        }
    }

    /// How due, in (0, 1]: 1 when the time since the last purchase is the
    /// interval, less the further it is in log time (more slowly when overdue).
    pub fn dueness(&self) -> f32 {
        let Some(interval) = self.interval_ms else {
            return UNKNOWN_DUE;
        };
        let ratio = (self.elapsed_ms.max(DAY_MS / 24.0) / interval).ln();
        let spread = if ratio > 0.0 { 2.0 * DUE_SPREAD } else { DUE_SPREAD };
        (-(ratio * ratio) / (2.0 * spread * spread)).exp() as f32
    }

    /// The shelf's score: decayed frequency × (1 − w + w · due) × share^0.25.
    pub fn score(&self, bought: &Purchases, p: &Purchase) -> f32 {
        let due = 1.0 - DUE_WEIGHT + DUE_WEIGHT * self.dueness();
        bought.frequency(p) * due * self.share.powf(SHARE_EXPONENT)
    }

    /// The reason in words, from the numbers that scored it.
    ///
    /// ```
    /// use flaneur::rank::buy_again::Due;
    /// let day = 86_400_000.0;
    /// let due = Due { occasions: 5, last: 0, interval_ms: Some(9.2 * day),
    ///                 elapsed_ms: 8.5 * day, share: 1.0 };
    /// assert_eq!(due.describe(), "You buy this about every 9 days; last bought 8 days ago");
    /// ```
    pub fn describe(&self) -> String {
        let since = match (self.elapsed_ms / DAY_MS).floor() as i64 {
            0 => "today".to_owned(),
            1 => "yesterday".to_owned(),
            n => format!("{n} days ago"),
        };
        match (self.occasions, self.interval_ms) {
            (2.., Some(ms)) => match (ms / DAY_MS).round().max(1.0) as i64 {
                1 => format!("You buy this about every day; last bought {since}"),
                n => format!("You buy this about every {n} days; last bought {since}"),
            },
            (_, Some(ms)) => format!(
                "You bought this {since}; it is often bought again about every {} days",
                (ms / DAY_MS).round().max(1.0) as i64
            ),
            (_, None) => format!("You bought this {since}"),
        }
    }
}
