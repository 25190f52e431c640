//! Local measurement: how each kind of slot is received, counted on the device.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::slot::Kind;

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
/// use flaneur::{profile::Stats, slot::Kind};
/// let mut stats = Stats::default();
/// stats.shown(Kind::Divergent);
/// stats.shown(Kind::Divergent);
/// stats.engaged(Kind::Divergent);
/// assert_eq!(stats.get(Kind::Divergent).rate(), 0.5);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    counters: [Counter; Kind::COUNTED.len()],
}

impl Stats {
    /// The counter of one kind (zero for a kind that is not counted, see [`Kind::COUNTED`]).
    pub fn get(&self, kind: Kind) -> Counter {
        self.counters.get(kind as usize).copied().unwrap_or_default()
    }

    /// Counts one impression (kinds outside [`Kind::COUNTED`] are not counted).
    pub fn shown(&mut self, kind: Kind) {
        if let Some(c) = self.counters.get_mut(kind as usize) {
            c.impressions = c.impressions.saturating_add(1);
        }
    }

    /// Counts one engagement with an item shown as `kind`.
    pub fn engaged(&mut self, kind: Kind) {
        if let Some(c) = self.counters.get_mut(kind as usize) {
            c.engagements = c.engagements.saturating_add(1);
        }
    }

    /// Sets a counter (for decoding a stored profile).
    pub(crate) fn set(&mut self, kind: Kind, counter: Counter) {
        if let Some(c) = self.counters.get_mut(kind as usize) {
            *c = counter;
        }
    }
}

/// As the JS API reports them:
/// `{ personal: {impressions, engagements}, divergent: …, popular: …, default: … }`.
impl Serialize for Stats {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Kind::COUNTED.len()))?;
        for kind in Kind::COUNTED {
            map.serialize_entry(&kind, &self.get(kind))?;
        }
        map.end()
    }
}
