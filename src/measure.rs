//! Local measurement: how each kind of slot is received, counted on the device.

use serde::{Deserialize, Serialize};

/// Why an item is in a slate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Relevant to this shopper's profile.
    #[default]
    Personal,
    /// Deliberately one step outside the shopper's bubble; the reason says how.
    Divergent,
    /// Non-personal fill by popularity, only when the request asks for `fill`.
    Popular,
    /// The shop's own default order: shown when personalization is off or at intensity 0.
    Default,
}

impl Kind {
    /// Every kind, in code order.
    pub const ALL: [Kind; 4] = [Kind::Personal, Kind::Divergent, Kind::Popular, Kind::Default];

    /// A stable one-byte code (the stored profile uses it).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The kind with this code.
    pub fn from_code(code: u8) -> Option<Kind> {
        Kind::ALL.get(code as usize).copied()
    }
}

/// Impressions and engagements of one kind of slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counter {
    /// Items of this kind shown.
    pub impressions: u64,
    /// Shown items of this kind the shopper then clicked, carted or bought.
    pub engagements: u64,
}

impl Counter {
    /// Engagements per impression (0 without impressions).
    pub fn rate(&self) -> f64 {
        if self.impressions == 0 { 0.0 } else { self.engagements as f64 / self.impressions as f64 }
    }
}

/// The local counters, one per kind of slot; they never leave the device.
///
/// ```
/// use flaneur::measure::{Kind, Stats};
/// let mut stats = Stats::default();
/// stats.shown(Kind::Divergent);
/// stats.shown(Kind::Divergent);
/// stats.engaged(Kind::Divergent);
/// assert_eq!(stats.get(Kind::Divergent).rate(), 0.5);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    counters: [Counter; 4],
}

impl Stats {
    /// The counter of one kind.
    pub fn get(&self, kind: Kind) -> Counter {
        self.counters[kind as usize]
    }

    /// Counts one impression.
    pub fn shown(&mut self, kind: Kind) {
        let c = &mut self.counters[kind as usize];
        c.impressions = c.impressions.saturating_add(1);
    }

    /// Counts one engagement with an item shown as `kind`.
    pub fn engaged(&mut self, kind: Kind) {
        let c = &mut self.counters[kind as usize];
        c.engagements = c.engagements.saturating_add(1);
    }

    /// Sets a counter (for decoding a stored profile).
    pub(crate) fn set(&mut self, kind: Kind, counter: Counter) {
        self.counters[kind as usize] = counter;
    }
}

/// The counters as the JS API reports them: `{ personal: {impressions, engagements}, … }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StatsView {
    /// Personal slots.
    pub personal: Counter,
    /// Divergent slots.
    pub divergent: Counter,
    /// Popular fill.
    pub popular: Counter,
    /// The shop's default order.
    pub default: Counter,
}

impl From<&Stats> for StatsView {
    fn from(s: &Stats) -> Self {
        Self {
            personal: s.get(Kind::Personal),
            divergent: s.get(Kind::Divergent),
            popular: s.get(Kind::Popular),
            default: s.get(Kind::Default),
        }
    }
}
