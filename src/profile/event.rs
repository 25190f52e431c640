//! What the shopper does, as the page reports it.

use serde::{Deserialize, Serialize};

/// One shopper action with its timestamp (ms since the epoch). The core never
/// reads a clock: the page (or a test) says when things happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
    /// When, in milliseconds since the Unix epoch.
    pub at: i64,
}

/// The kinds of events flaneur learns from, tagged by `type` in snake_case with
/// camelCase fields, as the JS API receives them:
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use flaneur::profile::{Event, EventKind};
/// let json = r#"{"type":"add_to_cart","itemId":"sku-1","at":5}"#;
/// let e: Event = serde_json::from_str(json).unwrap();
/// assert_eq!(e, Event { kind: EventKind::AddToCart { item_id: "sku-1".into() }, at: 5 });
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum EventKind {
    /// The shopper opened an item.
    View {
        /// The item.
        item_id: String,
    },
    /// The shopper stayed on an item's page for `ms` milliseconds.
    Dwell {
        /// The item.
        item_id: String,
        /// Time spent, in ms.
        ms: f64,
    },
    /// The shopper clicked an item in a list.
    Click {
        /// The item.
        item_id: String,
    },
    /// The shopper put the item in the cart.
    AddToCart {
        /// The item.
        item_id: String,
    },
    /// The shopper took the item out of the cart.
    RemoveFromCart {
        /// The item.
        item_id: String,
    },
    /// The shopper bought the item.
    Purchase {
        /// The item.
        item_id: String,
    },
    /// The shopper said "not interested".
    Dismiss {
        /// The item.
        item_id: String,
    },
    /// The shopper searched.
    Search {
        /// The query as typed.
        query: String,
    },
    /// A search as the profile's session window keeps it: no text, only
    /// whether it refined the search before it (shared a word, or extended
    /// it). The page never sends one: [`crate::Engine::record`] makes it from
    /// a [`EventKind::Search`], whose words it remembers in memory only.
    #[serde(skip)]
    SearchStep {
        /// Whether it refined the previous search of the session.
        refines: bool,
    },
}

impl EventKind {
    /// The item the event is about, if any.
    pub fn item_id(&self) -> Option<&str> {
        match self {
            EventKind::View { item_id }
            | EventKind::Dwell { item_id, .. }
            | EventKind::Click { item_id }
            | EventKind::AddToCart { item_id }
            | EventKind::RemoveFromCart { item_id }
            | EventKind::Purchase { item_id }
            | EventKind::Dismiss { item_id } => Some(item_id),
            EventKind::Search { .. } | EventKind::SearchStep { .. } => None,
        }
    }

    /// How much the event says about the shopper's taste for its item:
    /// a view counts 1, a cart add 3, a purchase 4; removing from the cart and
    /// dismissing weaken. Dwell counts up to one view for 30 s or more.
    ///
    /// ```
    /// use flaneur::profile::EventKind;
    /// let dwell = EventKind::Dwell { item_id: "a".into(), ms: 15_000.0 };
    /// assert_eq!(dwell.weight(), 0.5);
    /// ```
    pub fn weight(&self) -> f32 {
        match self {
            EventKind::View { .. } | EventKind::Click { .. } => 1.0,
            EventKind::Dwell { ms, .. } => (ms / 30_000.0).clamp(0.0, 1.0) as f32,
            EventKind::AddToCart { .. } => 3.0,
            EventKind::RemoveFromCart { .. } => -1.0,
            EventKind::Purchase { .. } => 4.0,
            EventKind::Dismiss { .. } => -2.0,
            EventKind::Search { .. } | EventKind::SearchStep { .. } => 0.0,
        }
    }
}
