//! A decaying affinity with its provenance (count, first and last seen).

/// How strongly the shopper is drawn to something, and since when.
///
/// The weight decays exponentially with the profile's half-life. Updates are
/// order-independent: an event older than `last_seen` adds its weight already
/// decayed to `last_seen`, so the same events in any order give the same affinity.
///
/// ```
/// use flaneur::profile::Affinity;
/// let day = 86_400_000.0;
/// let mut a = Affinity::new(1.0, 0);
/// a.add(1.0, 0, day);
/// assert!((a.weight_at(day as i64, day) - 1.0).abs() < 1e-6); // 2.0 halved after one half-life
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affinity {
    /// Weight as of `last_seen`.
    pub weight: f32,
    /// Number of events that touched it.
    pub count: u32,
    /// Time of the first event, ms since the epoch.
    pub first_seen: i64,
    /// Time of the newest event, ms since the epoch.
    pub last_seen: i64,
}

impl Affinity {
    /// A new affinity from one event.
    pub fn new(weight: f32, at: i64) -> Self {
        Self { weight: weight.max(0.0), count: 1, first_seen: at, last_seen: at }
    }

    /// The weight decayed to time `now` (never grows for `now` before `last_seen`).
    pub fn weight_at(&self, now: i64, half_life_ms: f64) -> f32 {
        self.weight * decay(now.saturating_sub(self.last_seen), half_life_ms)
    }

    /// Adds one event's `weight` at time `at`; the result never drops below zero.
    pub fn add(&mut self, weight: f32, at: i64, half_life_ms: f64) {
        if at >= self.last_seen {
            self.weight = self.weight_at(at, half_life_ms) + weight;
            self.last_seen = at;
        } else {
            self.weight += weight * decay(self.last_seen.saturating_sub(at), half_life_ms);
        }
        self.weight = self.weight.max(0.0);
        self.count = self.count.saturating_add(1);
        self.first_seen = self.first_seen.min(at);
    }
}

impl Affinity {
    /// Subtracts `weight` (as of `now`) from this affinity's weight at `now`;
    /// returns true when nothing meaningful is left.
    pub fn subtract(&mut self, weight: f32, now: i64, half_life_ms: f64) -> bool {
        let remaining = (self.weight_at(now, half_life_ms) - weight.max(0.0)).max(0.0);
        let factor = decay(now.saturating_sub(self.last_seen), half_life_ms);
        self.weight = if factor > 0.0 { (remaining / factor).min(self.weight) } else { 0.0 };
        self.weight < 1e-3
    }
}

/// The factor by which a weight shrinks over `elapsed_ms` (1 for no or negative time).
fn decay(elapsed_ms: i64, half_life_ms: f64) -> f32 {
    if elapsed_ms <= 0 { 1.0 } else { (-(elapsed_ms as f64) / half_life_ms).exp2() as f32 }
}

/// Maps a weight of evidence to [0, 1): `w / (w + 2)`, so two views of a thing
/// count as half-certain, for every shopper alike. This saturating map, not a
/// per-shopper normalisation, is what keeps relevance calibrated.
///
/// ```
/// assert_eq!(flaneur::profile::evidence(2.0), 0.5);
/// assert_eq!(flaneur::profile::evidence(0.0), 0.0);
/// ```
pub fn evidence(weight: f32) -> f32 {
    let w = weight.max(0.0);
    w / (w + 2.0)
}
