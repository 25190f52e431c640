//! What the shopper bought, per item, in bounded and incremental form: how
//! many times, first and last time, and a frequency that decays per basket
//! (TIFU-KNN's "recent baskets count more"). Never the raw order log: the
//! cost of using it does not grow with the history.
//!
//! ```
//! use flaneur::profile::Purchases;
//! let day = 86_400_000;
//! let mut bought = Purchases::default();
//! for week in 0..4 {
//!     bought.record("milk", week * 7 * day);
//! }
//! bought.record("kettle", 3 * 7 * day);
//! let milk = bought.get("milk").unwrap();
//! assert_eq!(milk.occasions, 4);
//! assert_eq!(milk.mean_interval_ms(), Some((7 * day) as f64));
//! assert!(bought.frequency(milk) > bought.frequency(bought.get("kettle").unwrap()));
//! ```

use crate::util::sorted_map::SortedMap;

/// Most items whose purchases are kept (the weakest frequency is evicted);
/// what keeps the stored profile within 32 KB (see `docs/FORMATS.md`).
pub const MAX_PURCHASES: usize = 150;
/// How much one basket's weight shrinks with each newer basket.
pub const BASKET_DECAY: f32 = 0.97;
/// Purchases this close (ms) to the one before belong to the same basket,
/// and the same item bought twice within it is one occasion.
pub const OCCASION_MS: i64 = 60 * 60 * 1000;
/// Purchase times are kept to the minute.
const MINUTE_MS: i64 = 60_000;

/// One item's purchases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Purchase {
    /// Separate occasions (baskets) it was bought on.
    pub occasions: u32,
    /// First purchase (ms since the epoch, whole minutes).
    pub first: i64,
    /// Latest purchase (ms since the epoch, whole minutes).
    pub last: i64,
    /// Occasions, each weighted by [`BASKET_DECAY`] per newer basket, as of basket `basket`.
    pub frequency: f32,
    /// The basket (counted from the first) `frequency` is as of.
    pub basket: u32,
}

impl Purchase {
    /// The shopper's own mean time between two occasions (ms), from the
    /// second occasion on.
    pub fn mean_interval_ms(&self) -> Option<f64> {
        (self.occasions >= 2)
            .then(|| self.last.saturating_sub(self.first) as f64 / f64::from(self.occasions - 1))
    }
}

/// The purchases of at most [`MAX_PURCHASES`] items, and the basket count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Purchases {
    items: SortedMap<String, Purchase>,
    /// Baskets so far: purchases more than [`OCCASION_MS`] apart.
    baskets: u32,
    /// The newest purchase (ms, whole minutes).
    last_at: Option<i64>,
}

impl Purchases {
    /// Rebuilds a history from its stored parts (the profile codec checks them).
    pub(crate) fn from_parts(
        items: SortedMap<String, Purchase>,
        baskets: u32,
        last_at: Option<i64>,
    ) -> Self {
        Self { items, baskets, last_at }
    }

    /// Records that `item_id` was bought at `at` (ms). A purchase older than
    /// the newest one (an import, a late tab) counts as an occasion of the
    /// current basket: out of order, the decay is approximate.
    pub fn record(&mut self, item_id: &str, at: i64) {
        let at = at.div_euclid(MINUTE_MS).saturating_mul(MINUTE_MS);
        if self.last_at.is_none_or(|last| at.saturating_sub(last) > OCCASION_MS) {
            self.baskets = self.baskets.saturating_add(1);
        }
        self.last_at = Some(self.last_at.map_or(at, |last| last.max(at)));
        let basket = self.baskets;
        match self.items.get_mut(item_id) {
            Some(p) => {
                let near = at.abs_diff(p.last) <= OCCASION_MS as u64
                    || at.abs_diff(p.first) <= OCCASION_MS as u64;
                if !near {
                    p.frequency = decayed(p.frequency, basket.saturating_sub(p.basket)) + 1.0;
                    p.basket = basket;
                    p.occasions = p.occasions.saturating_add(1);
                }
                p.first = p.first.min(at);
                p.last = p.last.max(at);
            }
            None => {
                let fresh = Purchase { occasions: 1, first: at, last: at, frequency: 1.0, basket };
                self.items.insert(item_id.to_owned(), fresh);
                if self.items.len() > MAX_PURCHASES {
                    let weakest = self
                        .items
                        .iter()
                        .filter(|(id, _)| id.as_str() != item_id)
                        .min_by(|a, b| self.frequency(a.1).total_cmp(&self.frequency(b.1)))
                        .map(|(id, _)| id.clone());
                    if let Some(weakest) = weakest {
                        self.items.remove(&weakest);
                    }
                }
            }
        }
    }

    /// `p`'s frequency decayed to the newest basket.
    pub fn frequency(&self, p: &Purchase) -> f32 {
        decayed(p.frequency, self.baskets.saturating_sub(p.basket))
    }

    /// The purchases of `item_id`, if kept.
    pub fn get(&self, item_id: &str) -> Option<&Purchase> {
        self.items.get(item_id)
    }

    /// Whether `item_id` was bought (and is still kept).
    pub fn contains(&self, item_id: &str) -> bool {
        self.items.contains_key(item_id)
    }

    /// Every kept item and its purchases, by id.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Purchase)> {
        self.items.iter()
    }

    /// The bought item ids, ascending.
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.items.keys()
    }

    /// Items kept.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing was bought.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Baskets so far.
    pub fn baskets(&self) -> u32 {
        self.baskets
    }

    /// The newest purchase (ms), if any.
    pub fn last_at(&self) -> Option<i64> {
        self.last_at
    }

    /// Forgets `item_id`'s purchases; whether there were any.
    pub fn forget(&mut self, item_id: &str) -> bool {
        self.items.remove(item_id).is_some()
    }
}

/// `frequency` after `baskets` newer baskets.
fn decayed(frequency: f32, baskets: u32) -> f32 {
    frequency * BASKET_DECAY.powi(baskets.min(10_000) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn one_basket_is_one_occasion_and_baskets_count_once() {
        let mut p = Purchases::default();
        p.record("a", 0);
        p.record("a", 10 * 60_000);
        p.record("b", 20 * 60_000);
        assert_eq!(p.baskets(), 1);
        assert_eq!(p.get("a").map(|a| a.occasions), Some(1));
        p.record("a", DAY);
        assert_eq!(p.baskets(), 2);
        assert_eq!(p.get("a").map(|a| a.occasions), Some(2));
    }

    #[test]
    fn frequency_decays_per_basket_not_per_day() {
        let mut p = Purchases::default();
        p.record("a", 0);
        p.record("b", 30 * DAY);
        let a = *p.get("a").unwrap();
        assert!((p.frequency(&a) - BASKET_DECAY).abs() < 1e-6);
        assert_eq!(p.frequency(p.get("b").unwrap()), 1.0);
    }

    #[test]
    fn the_weakest_item_is_evicted_past_the_cap() {
        let mut p = Purchases::default();
        for week in 0..3 {
            p.record("staple", week * 7 * DAY);
        }
        for n in 0..MAX_PURCHASES {
            p.record(&format!("once-{n:03}"), 21 * DAY + n as i64 * DAY);
        }
        assert_eq!(p.len(), MAX_PURCHASES);
        assert!(p.contains("staple"));
        assert!(!p.contains("once-000"));
    }

    #[test]
    fn times_are_kept_to_the_minute_and_out_of_order_purchases_widen_the_span() {
        let mut p = Purchases::default();
        p.record("a", 10 * DAY + 59_999);
        p.record("a", 3 * DAY);
        let a = p.get("a").unwrap();
        assert_eq!((a.first, a.last, a.occasions), (3 * DAY, 10 * DAY, 2));
        assert_eq!(a.mean_interval_ms(), Some((7 * DAY) as f64));
    }
}
