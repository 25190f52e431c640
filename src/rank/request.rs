//! What a page asks for, and the slate it gets back.

use serde::{Deserialize, Serialize};

use super::explain::Reason;
use crate::catalog::Catalog;
use crate::intent::Intent;
use crate::profile::Impression;
use crate::profile::divergence::Direction;

/// A request for recommendations (`p.recommend({...})` in JS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Request {
    /// How many items at most (1 to [`MAX_K`]).
    pub k: usize,
    /// Which shelf: "for you" (the default), recently viewed, complements of
    /// the cart, or buy again.
    pub shelf: Shelf,
    /// Where the shopper is.
    pub context: Context,
    /// Item ids never to return (already on the page, in the cart, …).
    pub exclude: Vec<String>,
    /// Fill slots that no item is relevant enough for with popular items,
    /// labelled `popular`. Off by default: flaneur prefers a short slate.
    pub fill: bool,
    /// Let the slate show items viewed in this session, in the cart or
    /// bought. Off by default: a slate does not echo what the shopper just saw.
    pub include_seen: bool,
}

impl Default for Request {
    fn default() -> Self {
        Self {
            k: 12,
            shelf: Shelf::ForYou,
            context: Context::default(),
            exclude: Vec::new(),
            fill: false,
            include_seen: false,
        }
    }
}

/// The shelves a page can ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shelf {
    /// Recommendations from the whole profile (restricted by the context).
    #[default]
    ForYou,
    /// The items the shopper viewed, newest first: what the device keeps
    /// anyway, listed as such ([`Kind::Recent`]), never a recommendation.
    Recent,
    /// Items often bought with what is in the cart ([`Kind::Complement`]),
    /// from the catalog's aggregate co-purchase lists.
    Complements,
    /// The shopper's own purchases, most due to be bought again first
    /// ([`Kind::BuyAgain`]).
    BuyAgain,
}

/// Where the shopper is when the page asks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Context {
    /// The product page being shown: never recommended to itself.
    pub item_id: Option<String>,
    /// Restrict to this category path and below.
    pub category: Option<String>,
    /// The current search query.
    pub query: Option<String>,
    /// The ids in the page's cart; when absent, the cart adds (less the
    /// removals) of the current session. It never leaves the device.
    pub cart: Option<Vec<String>>,
}

pub use crate::slot::Kind;

/// Largest `k` a request may ask for.
pub const MAX_K: usize = 1000;

/// One recommended item.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// The item's id.
    pub item_id: String,
    /// Ranking score in [0, 1] (relevance blended with the shop's order by intensity).
    pub score: f32,
    /// Why it is here.
    pub kind: Kind,
    /// The signals that placed it, with their provenance.
    pub reason: Reason,
    /// The item's position in the catalog.
    #[serde(skip)]
    pub index: usize,
}

impl Recommendation {
    pub(crate) fn new(
        catalog: &Catalog,
        index: usize,
        score: f32,
        kind: Kind,
        reason: Reason,
    ) -> Self {
        Self { item_id: catalog.item(index).id().to_owned(), score, kind, reason, index }
    }
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Slate {
    /// Best first.
    pub items: Vec<Recommendation>,
    /// Slots for which no item was relevant enough: left empty, or taken by
    /// `popular` fill when the request asked for it.
    pub withheld: usize,
    /// The session's inferred intent.
    pub intent: Intent,
    /// How widely the slate spreads, in [0, 1]: 1 when the profile holds
    /// little evidence (related categories, the shop's order), towards 0 as
    /// evidence grows ([`super::breadth`]); 0 when buying (precision wins).
    pub breadth: f32,
}

impl Slate {
    pub(crate) fn new(
        items: Vec<Recommendation>,
        withheld: usize,
        intent: Intent,
        breadth: f32,
    ) -> Self {
        Self { items, withheld, intent, breadth }
    }

    /// The slate as the profile learns from it once shown: each item's id,
    /// kind and divergent direction.
    pub fn impressions(&self) -> Vec<Impression> {
        self.items
            .iter()
            .map(|item| Impression {
                item_id: item.item_id.clone(),
                kind: item.kind,
                direction: item.reason.divergence.as_ref().map(|d| Direction {
                    anchor: d.anchor.clone(),
                    axis: d.axis.clone(),
                    to: d.to.clone(),
                }),
            })
            .collect()
    }
}
