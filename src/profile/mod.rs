//! The shopper's profile: what flaneur has learned, kept on the device.
//!
//! The profile is keyed by the shop's stable strings (category paths, facet
//! values, item ids), never by catalog positions, so it survives catalog
//! updates. It is bounded: every map has a cap and evicts its weakest entry.
//! It never reads a clock: every update carries its event's timestamp.
//!
//! ```
//! use flaneur::profile::{Evidence, Profile};
//! let mut profile = Profile::default();
//! let seen = Evidence {
//!     item_id: "a",
//!     categories: &["Women", "Women > Knitwear"],
//!     facets: &[("colour", "red")],
//!     vector: None,
//! };
//! profile.learn(&seen, 1.0, 1_000);
//! profile.learn(&seen, 1.0, 2_000);
//! assert_eq!(profile.category("Women > Knitwear").unwrap().count, 2);
//! ```

mod affinity;
mod codec;
pub mod divergence;
mod event;
mod forget;
mod impression;
pub mod interests;
mod portability;
mod purchases;
mod sequence;
mod stats;
mod view;

pub use affinity::{Affinity, evidence};
pub use codec::PROFILE_FORMAT_VERSION;
pub use event::{Event, EventKind};
pub use forget::{Forget, within};
pub use impression::Impression;
pub use interests::{Interest, Interests};
pub use portability::{Dropped, ImportSummary, ProfileExport, ProfileImport};
pub use purchases::{BASKET_DECAY, MAX_PURCHASES, OCCASION_MS, Purchase, Purchases};
pub use sequence::{MAX_SEQUENCE, Sequence, Step as SequenceStep, StepKind};
pub use stats::{Counter, Stats};
pub use view::{Bought, FORGOTTEN_EVIDENCE, ProfileView, Taste};

use std::collections::VecDeque;

use crate::util::sorted_map::SortedMap;

use crate::slot::Kind;
use divergence::{Direction, DivergenceState};

/// Default half-life of what the profile learns: 30 days, in milliseconds.
pub const DEFAULT_HALF_LIFE_MS: f64 = 30.0 * 24.0 * 3600.0 * 1000.0;
/// Most category paths kept.
pub const MAX_CATEGORIES: usize = 128;
/// Most facet values kept. Lowered from 256 to make room for the purchase
/// history within 32 KB (profiles stored with more are trimmed when read).
pub const MAX_FACET_VALUES: usize = 192;
/// Most items kept with their own affinity (the history that item-level signals use).
/// Lowered from 256 to keep the stored profile within 32 KB (see `docs/FORMATS.md`).
pub const MAX_ITEMS: usize = 128;
/// Most items whose impressions without engagement are counted.
/// Lowered from 256 to keep the stored profile within 32 KB.
pub const MAX_SHOWN: usize = 96;
/// Most raw events kept in the current session's window.
pub const MAX_SESSION_EVENTS: usize = 40;
/// Longest search query the engine remembers in memory (never stored), in
/// bytes (longer ones are cut) to tell whether the next search refines it.
pub const MAX_QUERY_BYTES: usize = 64;
/// A gap this long (30 minutes, in ms) between two events starts a new session.
pub const SESSION_GAP_MS: i64 = 30 * 60 * 1000;
/// Most item ids kept in the dismissed set (and, before format v4, the purchased set).
/// Lowered from 256 to keep the stored profile within 32 KB.
pub const MAX_ITEM_MARKS: usize = 96;
/// Length of the ring of recently seen items.
pub const MAX_RECENT: usize = 20;
/// Longest vector an interest learns from (the catalog's own limit on `dims`).
pub const MAX_VECTOR_DIMS: usize = 1024;

/// Impressions of one item since the shopper last engaged with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// How many times it was shown.
    pub count: u32,
    /// When it was last shown (ms).
    pub last_shown: i64,
    /// As what it was last shown (personal, divergent, …).
    pub kind: Kind,
}

/// What one event teaches about one item, in the shop's strings.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// The item's id.
    pub item_id: &'a str,
    /// The item's category path and all its prefixes, root first.
    pub categories: &'a [&'a str],
    /// The item's `(facet, value)` pairs.
    pub facets: &'a [(&'a str, &'a str)],
    /// The item's unit vector, when the catalog has vectors.
    pub vector: Option<&'a [f32]>,
}

/// Everything flaneur knows about one shopper of one shop.
///
/// It is stored on the device in the binary form of [`Profile::to_bytes`].
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    half_life_ms: f64,
    categories: SortedMap<String, Affinity>,
    facets: SortedMap<(String, String), Affinity>,
    interests: Interests,
    items: SortedMap<String, Affinity>,
    shown: SortedMap<String, Shown>,
    session: VecDeque<Event>,
    purchases: Purchases,
    sequence: Sequence,
    dismissed: SortedMap<String, i64>,
    recent: VecDeque<String>,
    last_event_at: Option<i64>,
    divergence: DivergenceState,
    stats: Stats,
}

impl Default for Profile {
    fn default() -> Self {
        Self::with_half_life(DEFAULT_HALF_LIFE_MS)
    }
}

impl Profile {
    /// An empty profile whose affinities halve every `half_life_ms`.
    pub fn with_half_life(half_life_ms: f64) -> Self {
        Self {
            half_life_ms: half_life_ms.max(1.0),
            categories: SortedMap::new(),
            facets: SortedMap::new(),
            interests: Interests::default(),
            items: SortedMap::new(),
            shown: SortedMap::new(),
            session: VecDeque::new(),
            purchases: Purchases::default(),
            sequence: Sequence::default(),
            dismissed: SortedMap::new(),
            recent: VecDeque::new(),
            last_event_at: None,
            divergence: DivergenceState::default(),
            stats: Stats::default(),
        }
    }

    /// The half-life of affinities, in milliseconds.
    pub fn half_life_ms(&self) -> f64 {
        self.half_life_ms
    }

    /// Adds `weight` (negative to weaken) to everything `seen` is made of, at time `at` (ms).
    ///
    /// A non-finite weight (a dwell of NaN ms, say) teaches nothing, and a
    /// vector with a non-finite component or more than [`MAX_VECTOR_DIMS`]
    /// components is ignored: the profile holds only what its stored form accepts.
    pub fn learn(&mut self, seen: &Evidence<'_>, weight: f32, at: i64) {
        if !weight.is_finite() {
            return;
        }
        let hl = self.half_life_ms;
        for path in seen.categories {
            bump(&mut self.categories, (*path).to_owned(), weight, at, hl, MAX_CATEGORIES);
        }
        for (facet, value) in seen.facets {
            bump(
                &mut self.facets,
                ((*facet).to_owned(), (*value).to_owned()),
                weight,
                at,
                hl,
                MAX_FACET_VALUES,
            );
        }
        if let Some(vector) =
            seen.vector.filter(|v| v.len() <= MAX_VECTOR_DIMS && v.iter().all(|x| x.is_finite()))
        {
            self.interests.learn(vector, weight, at, hl);
        }
        bump(&mut self.items, seen.item_id.to_owned(), weight, at, hl, MAX_ITEMS);
        if weight > 0.0 {
            self.shown.remove(seen.item_id);
            self.recent.retain(|id| id != seen.item_id);
            self.recent.push_back(seen.item_id.to_owned());
            if self.recent.len() > MAX_RECENT {
                self.recent.pop_front();
            }
        }
        self.touch(at);
    }

    /// Notes that the shopper bought `item_id`: its purchase history
    /// ([`Purchases`]) decides whether it is pushed again.
    pub fn mark_purchased(&mut self, item_id: &str, at: i64) {
        self.purchases.record(item_id, at);
        self.touch(at);
    }

    /// Appends a step to the shopper's sequence (what a sequence model reads).
    pub fn note_step(&mut self, item_id: &str, kind: StepKind) {
        self.sequence.push(item_id, kind);
    }

    /// The shopper's sequence of views, cart additions and purchases, oldest first.
    pub fn sequence(&self) -> &Sequence {
        &self.sequence
    }

    /// Notes that the shopper said "not interested" to `item_id`.
    pub fn mark_dismissed(&mut self, item_id: &str, at: i64) {
        mark(&mut self.dismissed, item_id, at);
        self.touch(at);
    }

    /// Counts one impression of `item_id`, shown as `kind` at `at`. Engaging
    /// with the item (any positive event) clears its count.
    pub fn mark_shown(&mut self, item_id: &str, kind: Kind, at: i64) {
        let entry = self.shown.entry(item_id.to_owned()).or_insert(Shown {
            count: 0,
            last_shown: at,
            kind,
        });
        entry.count = entry.count.saturating_add(1);
        if at >= entry.last_shown {
            entry.last_shown = at;
            entry.kind = kind;
        }
        self.stats.shown(kind);
        if self.shown.len() > MAX_SHOWN {
            if let Some(oldest) =
                self.shown.iter().min_by_key(|(_, s)| s.last_shown).map(|(k, _)| k.clone())
            {
                self.shown.remove(&oldest);
            }
        }
    }

    /// The shopper engaged (view, click, cart, purchase) with `item_id` at
    /// `at`: counts the engagement for the kind of slot it was last shown in,
    /// and accepts a divergent impression awaiting a reaction. Call it before
    /// [`Profile::learn`], which clears the item's impressions.
    pub fn note_engagement(&mut self, item_id: &str, at: i64) {
        if let Some(shown) = self.shown.get(item_id) {
            self.stats.engaged(shown.kind);
        }
        self.divergence.engaged(item_id, at);
    }

    /// The shopper dismissed `item_id`: a divergent impression of it is
    /// rejected strongly and its direction never proposed again.
    pub fn note_dismissal(&mut self, item_id: &str, at: i64) {
        self.divergence.dismissed(item_id, at);
    }

    /// `item_id` was shown as a divergent item taking `direction`.
    pub fn note_divergent_shown(&mut self, item_id: &str, direction: &Direction, at: i64) {
        let start = self.session_start().unwrap_or(at);
        self.divergence.shown(item_id, direction, at, start);
    }

    /// When the current session started: its first event's time.
    pub fn session_start(&self) -> Option<i64> {
        self.session.front().map(|e| e.at)
    }

    /// The current session's events at `now`, oldest first: none once the
    /// session has been idle for [`SESSION_GAP_MS`].
    pub fn live_session(&self, now: i64) -> impl Iterator<Item = &Event> {
        let live = self.session.back().is_some_and(|e| now.saturating_sub(e.at) <= SESSION_GAP_MS);
        self.session.iter().filter(move |_| live)
    }

    /// The cart as the current session built it at `now`: items added and
    /// not since removed or bought, in the order they were added.
    pub fn session_cart(&self, now: i64) -> Vec<&str> {
        let mut cart: Vec<&str> = Vec::new();
        for event in self.live_session(now) {
            match &event.kind {
                EventKind::AddToCart { item_id } => {
                    cart.retain(|id| id != item_id);
                    cart.push(item_id);
                }
                EventKind::RemoveFromCart { item_id } | EventKind::Purchase { item_id } => {
                    cart.retain(|id| id != item_id);
                }
                _ => {}
            }
        }
        cart
    }

    /// What divergence has learned.
    pub fn divergence(&self) -> &DivergenceState {
        &self.divergence
    }

    /// The local counters of impressions and engagements per kind of slot.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Adds an event to the session window; a gap of [`SESSION_GAP_MS`]
    /// since the window's newest event starts a new session. A search is
    /// kept without its text, as an [`EventKind::SearchStep`] (a raw
    /// [`EventKind::Search`] counts as refining nothing).
    pub fn note_session(&mut self, event: &Event) {
        if let Some(last) = self.session.back() {
            if event.at.saturating_sub(last.at) > SESSION_GAP_MS {
                self.session.clear();
            }
        }
        let kind = match &event.kind {
            EventKind::Search { .. } => EventKind::SearchStep { refines: false },
            other => other.clone(),
        };
        self.session.push_back(Event { kind, at: event.at });
        if self.session.len() > MAX_SESSION_EVENTS {
            self.session.pop_front();
        }
    }

    fn touch(&mut self, at: i64) {
        self.last_event_at = Some(self.last_event_at.map_or(at, |t| t.max(at)));
    }

    /// Affinity for a full category path ("Women > Knitwear").
    pub fn category(&self, path: &str) -> Option<&Affinity> {
        self.categories.get(path)
    }

    /// Affinity for one facet value.
    pub fn facet(&self, facet: &str, value: &str) -> Option<&Affinity> {
        self.facets.get(&(facet.to_owned(), value.to_owned()))
    }

    /// All category affinities, by path.
    pub fn categories(&self) -> &SortedMap<String, Affinity> {
        &self.categories
    }

    /// All facet-value affinities, by `(facet, value)`.
    pub fn facets(&self) -> &SortedMap<(String, String), Affinity> {
        &self.facets
    }

    /// The shopper's interest vectors.
    pub fn interests(&self) -> &Interests {
        &self.interests
    }

    /// Affinities to individual items, by id (bounded history).
    pub fn items(&self) -> &SortedMap<String, Affinity> {
        &self.items
    }

    /// Impressions without engagement, by item id.
    pub fn shown(&self) -> &SortedMap<String, Shown> {
        &self.shown
    }

    /// Times `item_id` was shown since the shopper last engaged with it.
    pub fn shown_count(&self, item_id: &str) -> u32 {
        self.shown.get(item_id).map_or(0, |s| s.count)
    }

    /// The current session's events, oldest first (searches without their text).
    pub fn session(&self) -> impl Iterator<Item = &Event> {
        self.session.iter()
    }

    /// What the shopper bought, per item.
    pub fn purchases(&self) -> &Purchases {
        &self.purchases
    }

    /// Dismissed items and when, by id.
    pub fn dismissed(&self) -> &SortedMap<String, i64> {
        &self.dismissed
    }

    /// Whether the shopper bought this item.
    pub fn is_purchased(&self, item_id: &str) -> bool {
        self.purchases.contains(item_id)
    }

    /// Whether the shopper dismissed this item.
    pub fn is_dismissed(&self, item_id: &str) -> bool {
        self.dismissed.contains_key(item_id)
    }

    /// Recently seen item ids, oldest first.
    pub fn recent(&self) -> impl Iterator<Item = &str> {
        self.recent.iter().map(String::as_str)
    }

    /// Time of the newest event learned, in ms; `None` for a fresh profile.
    pub fn last_event_at(&self) -> Option<i64> {
        self.last_event_at
    }

    /// Whether nothing has been learned yet.
    pub fn is_empty(&self) -> bool {
        self.last_event_at.is_none()
    }
}

/// Adds `weight` to `map[key]`, creating it for positive weights and evicting
/// the weakest entry when the map grows past `cap`.
fn bump<K: Ord + Clone>(
    map: &mut SortedMap<K, Affinity>,
    key: K,
    weight: f32,
    at: i64,
    hl: f64,
    cap: usize,
) {
    match map.get_mut(&key) {
        Some(affinity) => affinity.add(weight, at, hl),
        None if weight > 0.0 => {
            map.insert(key.clone(), Affinity::new(weight, at));
            if map.len() > cap {
                let weakest = map
                    .iter()
                    .filter(|(k, _)| **k != key)
                    .min_by(|a, b| a.1.weight_at(at, hl).total_cmp(&b.1.weight_at(at, hl)))
                    .map(|(k, _)| k.clone());
                if let Some(weakest) = weakest {
                    map.remove(&weakest);
                }
            }
        }
        None => {}
    }
}

/// Records `item_id` at `at` in a bounded set, forgetting the oldest mark past the cap.
fn mark(map: &mut SortedMap<String, i64>, item_id: &str, at: i64) {
    let when = map.entry(item_id.to_owned()).or_insert(at);
    *when = (*when).max(at);
    if map.len() > MAX_ITEM_MARKS {
        if let Some(oldest) = map.iter().min_by_key(|(_, t)| **t).map(|(k, _)| k.clone()) {
            map.remove(&oldest);
        }
    }
}

impl Profile {
    /// Brings a profile read from an older format within today's caps
    /// (format v4 lowered [`MAX_FACET_VALUES`]): the weakest go first.
    pub(crate) fn trim_legacy(&mut self) {
        let (at, hl) = (self.last_event_at.unwrap_or(0), self.half_life_ms);
        while self.facets.len() > MAX_FACET_VALUES {
            let weakest = self
                .facets
                .iter()
                .min_by(|a, b| a.1.weight_at(at, hl).total_cmp(&b.1.weight_at(at, hl)))
                .map(|(k, _)| k.clone());
            match weakest {
                Some(key) => {
                    self.facets.remove(&key);
                }
                None => break,
            }
        }
    }
}
