//! What divergence has learned about this shopper: outcomes per direction,
//! blocked directions, items awaiting a reaction. The ranking stage that
//! uses it is `rank::divergence`.

use crate::util::sorted_map::SortedMap;

/// One direction one step outside the bubble: from `anchor` (a category the
/// shopper likes), along `axis` (a divergence facet, or `"category"` for a
/// sibling category), to the value `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Direction {
    /// Category path the shopper likes ("Women > Knitwear > Sweaters").
    pub anchor: String,
    /// Facet name, or [`CATEGORY_AXIS`].
    pub axis: String,
    /// The value stepped to ("navy"), or the sibling category's path.
    pub to: String,
}

/// The axis name of a step to a sibling category.
pub const CATEGORY_AXIS: &str = "category";
/// Most directions with outcomes kept (the oldest-touched is forgotten first).
pub const MAX_DIRECTIONS: usize = 20;
/// Most blocked (dismissed) directions kept.
pub const MAX_BLOCKED: usize = 16;
/// Most divergent items awaiting the shopper's reaction.
pub const MAX_PENDING: usize = 12;
/// Extra rejections a dismissal adds to the one its impression counted.
pub const DISMISS_WEIGHT: f32 = 2.0;

/// Outcomes of one direction: accepted (click, cart, purchase) and rejected
/// (shown and ignored, or dismissed) impressions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Outcome {
    /// Accepted impressions.
    pub accepted: f32,
    /// Rejected impressions (a dismissal weighs 1 + [`DISMISS_WEIGHT`]).
    pub rejected: f32,
    /// When the direction was last shown or answered (ms).
    pub last_at: i64,
}

/// Everything divergence remembers for one shopper: outcomes per direction,
/// directions never to propose again, divergent items awaiting a reaction,
/// and this session's count of divergent impressions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DivergenceState {
    pub(crate) outcomes: SortedMap<Direction, Outcome>,
    /// Dismissed directions and when.
    pub(crate) blocked: SortedMap<Direction, i64>,
    /// Divergent items awaiting a reaction: their direction and when shown.
    pub(crate) pending: SortedMap<String, (Direction, i64)>,
    /// Accepted divergent impressions, ever: farther steps open after the first.
    pub(crate) accepted_total: u32,
    /// Divergent impressions in the current session, and when that session started.
    pub(crate) session: (i64, u32),
}

impl DivergenceState {
    /// Outcomes so far of `direction`.
    pub fn outcome(&self, direction: &Direction) -> Outcome {
        self.outcomes.get(direction).copied().unwrap_or_default()
    }

    /// All directions with outcomes.
    pub fn outcomes(&self) -> &SortedMap<Direction, Outcome> {
        &self.outcomes
    }

    /// Whether the shopper dismissed an item of this direction.
    pub fn is_blocked(&self, direction: &Direction) -> bool {
        self.blocked.contains_key(direction)
    }

    /// Directions never to propose again (the [`MAX_BLOCKED`] most recent), with when.
    pub fn blocked(&self) -> &SortedMap<Direction, i64> {
        &self.blocked
    }

    /// Divergent items shown and not yet engaged with, by item id: direction and when shown.
    pub fn pending(&self) -> &SortedMap<String, (Direction, i64)> {
        &self.pending
    }

    /// Accepted divergent impressions, ever.
    pub fn accepted_total(&self) -> u32 {
        self.accepted_total
    }

    /// Divergent impressions in the session that started at `session_start` (ms).
    pub fn shown_in_session(&self, session_start: i64) -> u32 {
        if self.session.0 == session_start { self.session.1 } else { 0 }
    }

    /// A divergent item was shown: it counts as ignored until the shopper engages with it.
    /// Shown again in the same session while still awaiting a reaction (a
    /// page drawing its shelves anew), it counts once: only the time moves.
    pub fn shown(&mut self, item_id: &str, direction: &Direction, at: i64, session_start: i64) {
        if let Some((pending, since)) = self.pending.get_mut(item_id) {
            if pending == direction && *since >= session_start {
                *since = (*since).max(at);
                return;
            }
        }
        let outcome = self.outcomes.entry(direction.clone()).or_default();
        outcome.rejected += 1.0;
        outcome.last_at = outcome.last_at.max(at);
        self.pending.insert(item_id.to_owned(), (direction.clone(), at));
        self.session = (session_start, self.shown_in_session(session_start).saturating_add(1));
        self.trim();
    }

    /// The shopper engaged with an item (click, cart, purchase): if it was shown
    /// as divergent, its impression turns from ignored to accepted.
    pub fn engaged(&mut self, item_id: &str, at: i64) {
        if let Some((direction, _)) = self.pending.remove(item_id) {
            let outcome = self.outcomes.entry(direction).or_default();
            outcome.accepted += 1.0;
            outcome.rejected = (outcome.rejected - 1.0).max(0.0);
            outcome.last_at = outcome.last_at.max(at);
            self.accepted_total = self.accepted_total.saturating_add(1);
        }
    }

    /// The shopper dismissed an item: if it was shown as divergent, the
    /// rejection weighs more and its direction is never proposed again.
    pub fn dismissed(&mut self, item_id: &str, at: i64) {
        if let Some((direction, _)) = self.pending.remove(item_id) {
            let outcome = self.outcomes.entry(direction.clone()).or_default();
            outcome.rejected += DISMISS_WEIGHT;
            outcome.last_at = outcome.last_at.max(at);
            self.blocked.insert(direction, at);
            self.trim();
        }
    }

    /// Keeps every map within its cap, forgetting the least recently touched.
    fn trim(&mut self) {
        while self.outcomes.len() > MAX_DIRECTIONS {
            let oldest =
                self.outcomes.iter().min_by_key(|(_, o)| o.last_at).map(|(d, _)| d.clone());
            match oldest {
                Some(d) => self.outcomes.remove(&d),
                None => break,
            };
        }
        while self.blocked.len() > MAX_BLOCKED {
            let oldest = self.blocked.iter().min_by_key(|(_, at)| **at).map(|(d, _)| d.clone());
            match oldest {
                Some(d) => self.blocked.remove(&d),
                None => break,
            };
        }
        while self.pending.len() > MAX_PENDING {
            let oldest =
                self.pending.iter().min_by_key(|(_, (_, at))| *at).map(|(id, _)| id.clone());
            match oldest {
                Some(id) => self.pending.remove(&id),
                None => break,
            };
        }
    }
}
