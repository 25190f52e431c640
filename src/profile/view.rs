//! What the profile holds, in a form a shopper can read.

use serde::Serialize;

use super::{Affinity, Profile, evidence};

/// Evidence below which a taste no longer counts: its expiry.
pub const FORGOTTEN_EVIDENCE: f32 = 0.05;

/// One taste the profile holds: a category or a facet value, with its
/// provenance (how many interactions, since when, last when) and when it will
/// have faded away on its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Taste {
    /// `"category"` or `"facet"`.
    pub kind: &'static str,
    /// The category path, or the facet's name.
    pub label: String,
    /// The facet value (facet tastes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Strength now, in [0, 1).
    pub strength: f32,
    /// Interactions behind it.
    pub count: u32,
    /// First interaction (ms since the epoch).
    pub first_seen: i64,
    /// Latest interaction (ms since the epoch).
    pub last_seen: i64,
    /// When it will have faded below [`FORGOTTEN_EVIDENCE`] without new interactions (ms).
    pub expires_at: i64,
}

/// One item the shopper bought, as the panel lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bought {
    /// The item.
    pub item_id: String,
    /// Separate occasions it was bought on.
    pub count: u32,
    /// Latest purchase (ms since the epoch).
    pub last_bought: i64,
    /// The shopper's own mean days between two purchases, from the second on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_days: Option<f64>,
}

/// The profile, readable: tastes strongest first, and counts of the rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    /// Categories and facet values, strongest first.
    pub tastes: Vec<Taste>,
    /// Items remembered individually.
    pub items: usize,
    /// Interest vectors.
    pub interest_vectors: usize,
    /// Items whose purchases are kept.
    pub purchases: usize,
    /// Those items, most recently bought first: what the buy-again shelf ranks.
    pub bought: Vec<Bought>,
    /// Items marked "not interested".
    pub dismissals: usize,
    /// Raw events in the current session's window.
    pub session_events: usize,
    /// Steps of the sequence a catalog's sequence model reads (views, cart
    /// additions, purchases, in order).
    pub sequence_steps: usize,
    /// Days for a taste to lose half its strength.
    pub half_life_days: f64,
}

impl Profile {
    /// The profile as the shopper's panel shows it, at time `now` (ms).
    ///
    /// ```
    /// use flaneur::profile::{Evidence, Profile};
    /// let mut p = Profile::default();
    /// let seen = Evidence {
    ///     item_id: "a",
    ///     categories: &["Knit"],
    ///     facets: &[("colour", "red")],
    ///     vector: None,
    /// };
    /// p.learn(&seen, 2.0, 0);
    /// let view = p.view(0);
    /// assert_eq!(view.tastes.len(), 2);
    /// assert_eq!(view.tastes[0].strength, 0.5);
    /// assert!(view.tastes[0].expires_at > 0);
    /// ```
    pub fn view(&self, now: i64) -> ProfileView {
        let hl = self.half_life_ms;
        let taste = |kind, label: &str, value: Option<&str>, a: &Affinity| Taste {
            kind,
            label: label.to_owned(),
            value: value.map(str::to_owned),
            strength: evidence(a.weight_at(now, hl)),
            count: a.count,
            first_seen: a.first_seen,
            last_seen: a.last_seen,
            expires_at: expiry(a, hl),
        };
        let mut tastes: Vec<Taste> = self
            .categories
            .iter()
            .map(|(path, a)| taste("category", path, None, a))
            .chain(self.facets.iter().map(|((f, v), a)| taste("facet", f, Some(v), a)))
            .filter(|t| t.strength >= FORGOTTEN_EVIDENCE)
            .collect();
        crate::util::sort::sort_by(&mut tastes, |a, b| {
            b.strength.total_cmp(&a.strength).then_with(|| a.label.cmp(&b.label))
        });
        let mut bought: Vec<Bought> = self
            .purchases
            .iter()
            .map(|(id, p)| Bought {
                item_id: id.clone(),
                count: p.occasions,
                last_bought: p.last,
                every_days: p.mean_interval_ms().map(|ms| ms / 86_400_000.0),
            })
            .collect();
        crate::util::sort::sort_by(&mut bought, |a, b| {
            b.last_bought.cmp(&a.last_bought).then_with(|| a.item_id.cmp(&b.item_id))
        });
        ProfileView {
            tastes,
            items: self.items.len(),
            interest_vectors: self.interests.len(),
            purchases: self.purchases.len(),
            bought,
            dismissals: self.dismissed.len(),
            session_events: self.session.len(),
            sequence_steps: self.sequence.len(),
            half_life_days: hl / 86_400_000.0,
        }
    }
}

/// When `a` decays below [`FORGOTTEN_EVIDENCE`]: evidence w/(w+2) < e ⇔ w < 2e/(1-e).
fn expiry(a: &Affinity, half_life_ms: f64) -> i64 {
    let floor = 2.0 * FORGOTTEN_EVIDENCE as f64 / (1.0 - FORGOTTEN_EVIDENCE as f64);
    let w = a.weight as f64;
    if w <= floor || !half_life_ms.is_finite() {
        return if half_life_ms.is_finite() { a.last_seen } else { i64::MAX };
    }
    let after = half_life_ms * (w / floor).log2();
    a.last_seen.saturating_add(after.min(i64::MAX as f64 / 2.0) as i64)
}
