//! An item a page showed, as the profile learns from it.

use super::divergence::Direction;
use crate::slot::Kind;

/// One item of a slate the page showed: all that impressions, divergence
/// learning and the local counters need of it (the journal keeps these, not
/// whole slates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impression {
    /// The item's id.
    pub item_id: String,
    /// As what it was shown.
    pub kind: Kind,
    /// For a divergent item: the direction it took outside the bubble.
    pub direction: Option<Direction>,
}
