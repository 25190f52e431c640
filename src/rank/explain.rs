//! Why an item was recommended, built from the very numbers that ranked it.
//!
//! A reason lists the item's strongest signals with their provenance (how many
//! events, when last). It states what the profile holds, never a cause: "you
//! often look at Knitwear", not "you want a sweater".

use serde::Serialize;

use super::divergence::DivergentReason;
use super::relevance::Scorer;
use crate::catalog::Catalog;
use crate::profile::Profile;

/// Most signals a reason lists.
pub const MAX_SIGNALS: usize = 3;

/// The strongest signals behind one recommendation, strongest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// At most [`MAX_SIGNALS`] signals; empty for non-personal items.
    pub signals: Vec<Signal>,
    /// For a divergent item: the step it takes outside the bubble.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub divergence: Option<DivergentReason>,
}

/// One signal and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Signal {
    /// Which kind of signal.
    pub kind: SignalKind,
    /// What it is about: a category path, `facet: value`, …
    pub label: String,
    /// Its share of the item's relevance.
    pub contribution: f32,
    /// How many events built it, where the profile keeps a count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// When it was last reinforced (ms since the epoch), where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<i64>,
    /// The catalog position of the item the label names ("often bought
    /// with …", "often viewed after …"), so that a page whose catalog holds
    /// no titles (`Catalog::take_shelf_text`) can name it; not serialized.
    #[serde(skip)]
    pub item: Option<u32>,
}

impl Signal {
    /// A signal about the item itself (similarity, popularity, freshness): no
    /// count or date of the shopper's to cite.
    pub fn of_item(kind: SignalKind, label: &str, contribution: f32) -> Self {
        Self {
            kind,
            label: label.to_owned(),
            contribution,
            count: None,
            last_seen: None,
            item: None,
        }
    }

    /// A signal that names the catalog's item `index` by its title (`""`
    /// when the catalog holds no titles: [`Signal::item`] says which).
    pub fn naming(kind: SignalKind, catalog: &Catalog, index: usize, contribution: f32) -> Self {
        let title = catalog.item(index).title();
        Self { item: Some(index as u32), ..Self::of_item(kind, title, contribution) }
    }

    /// Plain-language wording of the signal and its provenance, at the level
    /// of tastes (categories, facet values) and days, never of single moments.
    /// It says what the profile holds, never why the shopper did something.
    ///
    /// ```
    /// use flaneur::rank::explain::{Signal, SignalKind};
    /// let s = Signal {
    ///     kind: SignalKind::Category,
    ///     label: "Women > Knitwear".into(),
    ///     contribution: 0.3,
    ///     count: Some(3),
    ///     last_seen: Some(1_778_544_000_000),
    ///     item: None,
    /// };
    /// let expected = "you often look at Knitwear (3 interactions, last on 12 May 2026)";
    /// assert_eq!(s.describe(), expected);
    /// ```
    pub fn describe(&self) -> String {
        let what = match self.kind {
            SignalKind::Category => {
                format!(
                    "you often look at {}",
                    self.label.rsplit(" > ").next().unwrap_or(&self.label)
                )
            }
            SignalKind::Facet => match self.label.split_once(": ") {
                Some((facet, value)) => format!("you often look at {facet} {value}"),
                None => format!("you often look at {}", self.label),
            },
            SignalKind::Similarity | SignalKind::Popularity | SignalKind::Freshness => {
                self.label.clone()
            }
            SignalKind::BoughtWith => format!("often bought with {}", self.label),
            SignalKind::ViewedAfter => format!("often viewed after {}", self.label),
            SignalKind::Repurchase => return self.label.clone(),
        };
        match (self.count, self.last_seen) {
            (Some(n), Some(at)) => format!(
                "{what} ({n} interaction{}, last on {})",
                if n == 1 { "" } else { "s" },
                day(at)
            ),
            (Some(n), None) => format!("{what} ({n} interaction{})", if n == 1 { "" } else { "s" }),
            _ => what,
        }
    }
}

/// "12 May 2026" for a time in ms since the epoch (UTC).
fn day(ms: i64) -> String {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (y, m, d) = crate::catalog::dates::civil(ms.div_euclid(86_400_000));
    format!("{d} {} {y}", MONTHS[(m - 1) as usize])
}

impl Reason {
    /// The strongest signals in words, joined; empty for a non-personal item.
    pub fn describe(&self) -> String {
        self.signals.iter().map(Signal::describe).collect::<Vec<_>>().join("; ")
    }
}

/// Kinds of signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignalKind {
    /// Affinity to a category.
    Category,
    /// Affinity to a facet value.
    Facet,
    /// Similarity to items the shopper engaged with.
    Similarity,
    /// The shop's aggregate popularity.
    Popularity,
    /// How recently the item was released.
    Freshness,
    /// Often bought with an item in the cart (the label is that item's title).
    #[serde(rename = "bought_with")]
    BoughtWith,
    /// The shopper's own repurථrchase cadence (the label is the sentence that
    /// says it: "You buy this about every 9 days; last bought 8 days ago").
    Repurchase,
    /// A catalog's sequence model predicts it from the order of the shopper's
    /// own steps (the label is the title of the step it attended to most:
    /// "Often viewed after Merino Crew Sweater").
    #[serde(rename = "viewed_after")]
    ViewedAfter,
}

/// Fewest interactions behind a signal before its reason may say when it was
/// last reinforced: a date next to a single interaction would point at one
/// moment of the shopper's life, not at a taste.
pub const MIN_COUNT_FOR_DATE: u32 = 2;

/// When a taste was last reinforced, if it is a taste (several interactions).
fn day_of_a_taste(affinity: &crate::profile::Affinity) -> Option<i64> {
    (affinity.count >= MIN_COUNT_FOR_DATE).then_some(affinity.last_seen)
}

/// The reason for the item at `index`, from the scorer that ranked it.
pub fn explain(scorer: &Scorer<'_>, catalog: &Catalog, profile: &Profile, index: usize) -> Reason {
    let item = catalog.item(index);
    let signals = scorer.signals(index);
    let weights = scorer.weights();
    let taxonomy = catalog.taxonomy();
    let mut out = Vec::new();

    // The most specific category level the shopper has shown interest in.
    if let Some(node) =
        taxonomy.lineage(item.category()).filter(|&n| scorer.category_evidence(n) > 0.0).last()
    {
        let path = taxonomy.path(node);
        let affinity = profile.category(path);
        out.push(Signal {
            kind: SignalKind::Category,
            label: path.to_owned(),
            contribution: weights.category * signals.category * signals.penalty,
            count: affinity.map(|a| a.count),
            last_seen: affinity.and_then(day_of_a_taste),
            item: None,
        });
    }
    let values = item.facet_value_ids();
    let facet_share = weights.facets / values.len().max(1) as f32;
    for id in values.iter() {
        let evidence = scorer.facet_evidence(id);
        if evidence > 0.0 {
            let (facet, value) = catalog.facet_value(id);
            let name = &catalog.facets()[facet as usize].name;
            let affinity = profile.facet(name, value);
            out.push(Signal {
                kind: SignalKind::Facet,
                label: format!("{name}: {value}"),
                contribution: facet_share * evidence * signals.penalty,
                count: affinity.map(|a| a.count),
                last_seen: affinity.and_then(day_of_a_taste),
                item: None,
            });
        }
    }
    let anchor = scorer.sequence_anchor().filter(|_| scorer.uses_sequence());
    if let Some(anchor) = anchor.filter(|_| signals.vector > 0.0) {
        // What the model attended to most, named: "Often viewed after …".
        let contribution = weights.vector * signals.vector * signals.penalty;
        out.push(Signal::naming(SignalKind::ViewedAfter, catalog, anchor as usize, contribution));
    } else if signals.vector > 0.0 {
        let label = if scorer.uses_sequence() {
            "follows what you looked at"
        } else if scorer.uses_user_factor() {
            "matches your history in this shop"
        } else {
            "similar to items you looked at"
        };
        out.push(Signal::of_item(
            SignalKind::Similarity,
            label,
            weights.vector * signals.vector * signals.penalty,
        ));
    }
    if let Some(source) = scorer.co_purchase_source(index).filter(|_| signals.co_purchase > 0.0) {
        // "Often bought with" the bought item that adds most to it.
        let contribution =
            super::relevance::CO_PURCHASE_WEIGHT * signals.co_purchase * signals.penalty;
        out.push(Signal::naming(SignalKind::BoughtWith, catalog, source, contribution));
    }
    if signals.popularity > 0.0 {
        let contribution = weights.popularity * signals.popularity * signals.penalty;
        out.push(Signal::of_item(SignalKind::Popularity, "popular in this shop", contribution));
    }
    if signals.freshness > 0.0 {
        let contribution = weights.freshness * signals.freshness * signals.penalty;
        out.push(Signal::of_item(SignalKind::Freshness, "recently released", contribution));
    }
    out.retain(|s| s.contribution > 0.0);
    crate::util::sort::sort_by(&mut out, |a, b| b.contribution.total_cmp(&a.contribution));
    out.truncate(MAX_SIGNALS);
    Reason { signals: out, divergence: None }
}
