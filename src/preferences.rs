//! The shopper's settings, as the preference panel sets them.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::util::sorted_map::SortedMap;

/// Settings that shape what flaneur learns and shows.
///
/// ```
/// use flaneur::preferences::Preferences;
/// let prefs = Preferences { intensity: 1.5, ..Preferences::default() };
/// assert_eq!(prefs.validate().unwrap_err().code(), "BAD_ARGUMENT");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Preferences {
    /// Master switch: off shows the shop's default order and learns nothing.
    pub personalization: bool,
    /// 0 = the shop's default order, 1 = fully personal order (the default since
    /// issue #20: chosen on a validation split, docs/EVALUATION.md "Coverage").
    pub intensity: f32,
    /// Relevance below which nothing is recommended.
    pub threshold: f32,
    /// 0 = slates in pure relevance order; higher trades relevance for variety
    /// (maximal marginal relevance over vectors, categories and facets).
    pub diversity: f32,
    /// Share of a slate given to divergent items, one step outside the bubble (0 = none).
    pub surprise: f32,
    /// 0 = as precise as the profile allows; higher blends toward the shop's
    /// default order and widens divergence, for shoppers who prefer a shop that
    /// does not seem to know them.
    pub discretion: f32,
    /// The shopper's own word on their intent, or `auto` to infer it.
    pub intent: IntentSetting,
    /// Learning paused: events are ignored, recommendations continue.
    pub paused: bool,
    /// Sensitive classes the shopper opted into (`{"health": true}`); all others teach nothing.
    /// A patch turning a class off removes its entry.
    pub sensitive: SortedMap<String, bool>,
    /// Opt-in, off by default: the page may hand the shop one randomized
    /// yes/no answer about how suggestions were received, within a daily
    /// privacy budget (see [`crate::ldp`] and `docs/PRIVACY.md`). Turning it
    /// off discards what was counted for the next report.
    pub reports: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            personalization: true,
            intensity: 1.0,
            threshold: 0.2,
            diversity: 0.15,
            surprise: 0.2,
            discretion: 0.0,
            intent: IntentSetting::Auto,
            paused: false,
            sensitive: SortedMap::new(),
            reports: false,
        }
    }
}

impl Preferences {
    /// Checks ranges: `intensity`, `threshold`, `diversity`, `surprise` and `discretion` in [0, 1].
    pub fn validate(&self) -> Result<()> {
        let ranges = [
            ("intensity", self.intensity),
            ("threshold", self.threshold),
            ("diversity", self.diversity),
            ("surprise", self.surprise),
            ("discretion", self.discretion),
        ];
        for (name, value) in ranges {
            if !(0.0..=1.0).contains(&value) {
                return Err(Error::BadArgument(format!(
                    "{name} must be between 0 and 1, got {value}"
                )));
            }
        }
        Ok(())
    }

    /// Whether items of this sensitive class may be learned from and shown.
    pub fn allows_sensitive(&self, class: &str) -> bool {
        self.sensitive.get(class).copied().unwrap_or(false)
    }

    /// Whether events should be learned from now.
    pub fn is_learning(&self) -> bool {
        self.personalization && !self.paused
    }
}

/// The shopper's word on their intent ("just browsing" / "I know what I want").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntentSetting {
    /// Infer it from the session.
    #[default]
    Auto,
    /// "Just browsing".
    Exploring,
    /// "I know what I want".
    Buying,
}

/// A partial update of [`Preferences`]: fields left out keep their value.
///
/// ```
/// use flaneur::preferences::{Preferences, PreferencesPatch};
/// let mut prefs = Preferences::default();
/// prefs.apply(PreferencesPatch { intensity: Some(0.3), ..Default::default() }).unwrap();
/// assert_eq!(prefs.intensity, 0.3);
/// assert!(prefs.personalization);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PreferencesPatch {
    /// See [`Preferences::personalization`].
    pub personalization: Option<bool>,
    /// See [`Preferences::intensity`].
    pub intensity: Option<f32>,
    /// See [`Preferences::threshold`].
    pub threshold: Option<f32>,
    /// See [`Preferences::diversity`].
    pub diversity: Option<f32>,
    /// See [`Preferences::surprise`].
    pub surprise: Option<f32>,
    /// See [`Preferences::discretion`].
    pub discretion: Option<f32>,
    /// See [`Preferences::intent`].
    pub intent: Option<IntentSetting>,
    /// See [`Preferences::paused`].
    pub paused: Option<bool>,
    /// Merged into [`Preferences::sensitive`] class by class.
    pub sensitive: Option<SortedMap<String, bool>>,
    /// See [`Preferences::reports`].
    pub reports: Option<bool>,
}

impl Preferences {
    /// Applies `patch`; on a validation error nothing changes.
    pub fn apply(&mut self, patch: PreferencesPatch) -> Result<()> {
        let mut next = self.clone();
        if let Some(v) = patch.personalization {
            next.personalization = v;
        }
        if let Some(v) = patch.intensity {
            next.intensity = v;
        }
        if let Some(v) = patch.threshold {
            next.threshold = v;
        }
        if let Some(v) = patch.diversity {
            next.diversity = v;
        }
        if let Some(v) = patch.surprise {
            next.surprise = v;
        }
        if let Some(v) = patch.discretion {
            next.discretion = v;
        }
        if let Some(v) = patch.intent {
            next.intent = v;
        }
        if let Some(v) = patch.paused {
            next.paused = v;
        }
        if let Some(v) = patch.reports {
            next.reports = v;
        }
        if let Some(classes) = patch.sensitive {
            // A class turned off is removed, not kept as `false`: that would
            // still tell that the shopper once opted in.
            for (class, on) in classes {
                if on {
                    next.sensitive.insert(class, true);
                } else {
                    next.sensitive.remove(&class);
                }
            }
        }
        next.validate()?;
        *self = next;
        Ok(())
    }
}
