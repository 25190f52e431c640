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
    /// Where the shopper is.
    pub context: Context,
    /// Item ids never to return (already on the page, in the cart, …).
    pub exclude: Vec<String>,
    /// Fill slots that no item is relevant enough for with popular items,
    /// labelled `popular`. Off by default: flaneur prefers a short slate.
    pub fill: bool,
}

impl Default for Request {
    fn default() -> Self {
        Self { k: 12, context: Context::default(), exclude: Vec::new(), fill: false }
    }
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
}

impl Slate {
    pub(crate) fn new(items: Vec<Recommendation>, withheld: usize, intent: Intent) -> Self {
        Self { items, withheld, intent }
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
