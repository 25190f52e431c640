//! How many slots divergence may take, and where.

use crate::profile::Counter;
use crate::profile::divergence::DivergenceState;
use crate::rank::knobs::Knobs;

/// Most divergent impressions in one session.
pub const SESSION_CAP: u32 = 24;

/// Divergent slots in a slate of `k`, in expectation: `round(surprise · k)`
/// of the [`Knobs`], never the whole slate (the first slot stays personal),
/// divided by the knobs' divisor (a quarter when the shopper is buying: half
/// a slot is one slot every other slate, see [`round_slots`]), and no more
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
/// assert_eq!(divergent_slots(12, &knobs(0.2, Intent::Unknown), 0), 2.0);
/// assert_eq!(divergent_slots(12, &knobs(0.0, Intent::Exploring), 0), 0.0);
/// assert_eq!(divergent_slots(12, &knobs(0.2, Intent::Buying), 0), 0.5);
/// assert_eq!(divergent_slots(1, &knobs(1.0, Intent::Exploring), 0), 0.0);
/// assert_eq!(divergent_slots(12, &knobs(0.5, Intent::Unknown), 23), 1.0);
/// ```
pub fn divergent_slots(k: usize, knobs: &Knobs, shown_this_session: u32) -> f32 {
    let slots = (knobs.surprise.clamp(0.0, 1.0) * k as f32).round() as usize;
    let slots = slots.min(k.saturating_sub(1)) as f32 / knobs.divergence_divisor.max(1) as f32;
    slots.min(SESSION_CAP.saturating_sub(shown_this_session) as f32)
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

/// Divergent slots pay for themselves when they are taken up at least this
/// share of the rate of the personal slots they replace.
pub const PAYING_SHARE: f32 = 0.4;
/// Divergent slots taken up at this share of the personal slots' rate or
/// less are ignored: divergence keeps only its floor.
pub const IGNORED_SHARE: f32 = 0.2;
/// The least share of its budget divergence keeps however it is received:
/// it never stops looking while `surprise` is above 0.
pub const BUDGET_FLOOR: f32 = 0.25;
/// Divergent outcomes weigh half as much every this many days.
pub const UPTAKE_HALF_LIFE_DAYS: f64 = 7.0;
/// Pseudo-impressions of the prior: a new shopper's divergence starts at its full budget.
const PRIOR_IMPRESSIONS: f32 = 6.0;

/// The share of its budget divergence earns for this shopper, in
/// [[`BUDGET_FLOOR`], 1]: 1 when its uptake (accepted per shown divergent
/// item, recent outcomes weighing more, with a prior at the paying rate)
/// reaches the paying rate, [`PAYING_SHARE`] of the personal slots' uptake
/// (`personal`, engagements per impression, with a prior of 10%); the floor
/// at [`IGNORED_SHARE`] of it or less; linear in between. An item shown in
/// the session that started at `session_start` and still awaiting a reaction
/// is not yet ignored: it counts once the session is over.
///
/// ```
/// use flaneur::profile::Counter;
/// use flaneur::profile::divergence::{Direction, DivergenceState};
/// use flaneur::rank::divergence::{BUDGET_FLOOR, budget_share};
/// let personal = Counter { impressions: 200, engagements: 40 };
/// let mut state = DivergenceState::default();
/// assert_eq!(budget_share(&state, personal, 0, 0), 1.0); // nothing known: the full budget
/// let way = Direction { anchor: "Knit".into(), axis: "colour".into(), to: "navy".into() };
/// for i in 0..10 {
///     state.shown(&format!("item{i}"), &way, i, 0); // shown, never taken up
/// }
/// assert_eq!(budget_share(&state, personal, 60, 0), 1.0); // the session is not over
/// assert_eq!(budget_share(&state, personal, 60, 50), BUDGET_FLOOR); // a later session
/// for i in 6..10 {
///     state.engaged(&format!("item{i}"), 60); // four of them taken up after all
/// }
/// assert_eq!(budget_share(&state, personal, 60, 50), 1.0); // it pays
/// ```
pub fn budget_share(
    state: &DivergenceState,
    personal: Counter,
    now: i64,
    session_start: i64,
) -> f32 {
    let rate = (personal.engagements as f32 + 1.0) / (personal.impressions as f32 + 10.0);
    let paying = (PAYING_SHARE * rate).max(f32::MIN_POSITIVE);
    let half_life = UPTAKE_HALF_LIFE_DAYS * 86_400_000.0;
    let weight = |last_at: i64| {
        let age = now.saturating_sub(last_at).max(0) as f64;
        (-age / half_life).exp2() as f32
    };
    let (mut accepted, mut shown) = (0.0, 0.0);
    for outcome in state.outcomes().values() {
        let w = weight(outcome.last_at);
        accepted += w * outcome.accepted;
        shown += w * (outcome.accepted + outcome.rejected);
    }
    // This session's items awaiting a reaction: not ignored yet.
    for (direction, _) in state.pending().values().filter(|(_, at)| *at >= session_start) {
        shown -= weight(state.outcome(direction).last_at);
    }
    let accepted = PRIOR_IMPRESSIONS * paying + accepted;
    let shown = PRIOR_IMPRESSIONS + shown.max(0.0);
    let ignored = IGNORED_SHARE * rate;
    ((accepted / shown - ignored) / (paying - ignored)).clamp(BUDGET_FLOOR, 1.0)
}

/// `expected` slots as a whole number: its integer part, plus one more with
/// probability its fractional part (`draw` in [0, 1)), so that a budget
/// below one slot still shows a divergent item now and then.
///
/// ```
/// use flaneur::rank::divergence::round_slots;
/// assert_eq!(round_slots(2.0, 0.99), 2);
/// assert_eq!(round_slots(0.5, 0.4), 1);
/// assert_eq!(round_slots(0.5, 0.6), 0);
/// ```
pub fn round_slots(expected: f32, draw: f32) -> usize {
    let whole = expected.max(0.0).floor();
    whole as usize + usize::from(draw < expected - whole)
}
