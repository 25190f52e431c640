//! The shopper's intent in the current session.

use serde::{Deserialize, Serialize};

/// What the shopper seems to be doing now. Until the session classifier lands
/// (issue #4) every slate reports [`Intent::Unknown`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    /// Browsing idly across categories: the flâneur.
    Exploring,
    /// Weighing a few alternatives.
    Comparing,
    /// Hunting a known need.
    Buying,
    /// Not enough evidence yet.
    #[default]
    Unknown,
}
