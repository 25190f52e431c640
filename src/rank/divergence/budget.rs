//! How many slots divergence may take, and where.

use crate::rank::knobs::Knobs;

/// Most divergent impressions in one session.
pub const SESSION_CAP: u32 = 24;

/// Divergent slots in a slate of `k`: `round(surprise · k)` of the
/// [`Knobs`], never the whole slate (the first slot stays personal), divided
/// by the knobs' divisor (a quarter when the shopper is buying), and no more
/// than the session has left.
///
/// ```
/// use flaneur::{
///     intent::Intent,
///     preferences::Preferences,
///     rank::{Knobs, divergence::divergent_slots},
/// };
/// let knobs = |surprise, intent| {
///     Knobs::new(&Preferences { surprise, ..Preferences::default() }, intent)
/// };
/// assert_eq!(divergent_slots(12, &knobs(0.2, Intent::Unknown), 0), 2);
/// assert_eq!(divergent_slots(12, &knobs(0.0, Intent::Exploring), 0), 0);
/// assert_eq!(divergent_slots(12, &knobs(0.5, Intent::Buying), 0), 1);
/// assert_eq!(divergent_slots(1, &knobs(1.0, Intent::Exploring), 0), 0);
/// assert_eq!(divergent_slots(12, &knobs(0.5, Intent::Unknown), 23), 1);
/// ```
pub fn divergent_slots(k: usize, knobs: &Knobs, shown_this_session: u32) -> usize {
    let slots = (knobs.surprise.clamp(0.0, 1.0) * k as f32).round() as usize;
    let slots = slots.min(k.saturating_sub(1)) / knobs.divergence_divisor.max(1);
    slots.min(SESSION_CAP.saturating_sub(shown_this_session) as usize)
}

/// Where `count` divergent items go in a slate of `len`: spread evenly,
/// never first. Positions are distinct and ascending.
///
/// ```
/// use flaneur::rank::divergence::positions;
/// assert_eq!(positions(12, 2), vec![4, 8]);
/// assert_eq!(positions(3, 2), vec![1, 2]);
/// assert_eq!(positions(5, 0), Vec::<usize>::new());
/// ```
pub fn positions(len: usize, count: usize) -> Vec<usize> {
    let count = count.min(len.saturating_sub(1));
    let mut out: Vec<usize> = Vec::with_capacity(count);
    for j in 0..count {
        let ideal = ((j + 1) * len / (count + 1)).max(1);
        let at = out.last().map_or(ideal, |&last| ideal.max(last + 1));
        out.push(at.min(len - (count - j)));
    }
    out
}
