//! The knobs a slate is built with: the shopper's preferences as the
//! session's intent and the discretion setting adjust them, computed once.

use crate::intent::Intent;
use crate::preferences::Preferences;

/// Most items of a slate derived from any single viewed item, unless buying.
pub const MAX_DERIVED: usize = 2;

/// The effective settings of one slate.
///
/// ```
/// use flaneur::{intent::Intent, preferences::Preferences, rank::Knobs};
/// let prefs = Preferences::default();
/// let browsing = Knobs::new(&prefs, Intent::Exploring);
/// assert_eq!(browsing.diversity, (prefs.diversity * 2.0).min(1.0));
/// assert_eq!(browsing.derived_cap, Some(1));
/// let buying = Knobs::new(&prefs, Intent::Buying);
/// assert_eq!((buying.divergence_divisor, buying.derived_cap, buying.focus), (4, None, true));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Knobs {
    /// Weight of relevance against the shop's order: `intensity`, scaled
    /// down by `discretion` (0 gives the shop's order).
    pub intensity: f32,
    /// Diversity of the re-rank: doubled when exploring, halved when buying.
    pub diversity: f32,
    /// Share of the slate divergence may take, at most 1: `surprise`, half as
    /// much again when exploring, plus `0.3 · discretion`.
    pub surprise: f32,
    /// The divergent slots are divided by this: 4 when buying, else 1.
    pub divergence_divisor: usize,
    /// Most items derived from any single viewed item ([`MAX_DERIVED`], one
    /// when exploring); `None` when buying.
    pub derived_cap: Option<usize>,
    /// Whether the slate keeps to the context item's category (buying).
    pub focus: bool,
}

impl Knobs {
    /// The knobs for `prefs` in a session whose intent is `intent`.
    pub fn new(prefs: &Preferences, intent: Intent) -> Self {
        let exploring = intent == Intent::Exploring;
        let buying = intent == Intent::Buying;
        let diversity = match intent {
            Intent::Exploring => (prefs.diversity * 2.0).min(1.0),
            Intent::Buying => prefs.diversity * 0.5,
            _ => prefs.diversity,
        };
        let surprise =
            if exploring { prefs.surprise * 1.5 } else { prefs.surprise } + prefs.discretion * 0.3;
        Self {
            intensity: prefs.intensity * (1.0 - prefs.discretion),
            diversity,
            surprise: surprise.min(1.0),
            divergence_divisor: if buying { 4 } else { 1 },
            derived_cap: match intent {
                Intent::Buying => None,
                Intent::Exploring => Some(1),
                _ => Some(MAX_DERIVED),
            },
            focus: buying,
        }
    }
}
