//! Crowd priors for divergence: what the anonymous reports say about how
//! often shoppers take up divergent items along each axis (or group of
//! directions), as a Beta prior a new shopper's device can start from.
//!
//! For a group `g` the reports estimate two shares of reporting periods:
//! `s`, those with a divergent item along `g` shown (`divergent.shown.g`),
//! and `a`, those with one accepted (`divergent.accepted.g`). An item is only
//! accepted once shown, so `r = a / s` is the take-up: the chance that a
//! period which showed the group took it up. The two estimates come from
//! different reports, so they are independent, and the delta method gives
//! `var(r) ≈ (var(a) + r² var(s)) / s²`.
//!
//! A Beta prior with mean `r` and that variance has `α + β = r(1 − r) / var(r)
//! − 1` (moments): its strength, in pseudo-outcomes, is how many reports stand
//! behind it. It is capped at [`MAX_STRENGTH`] so that a shopper's own few
//! outcomes soon outweigh the crowd's, and a group gets no prior at all (its
//! devices keep the catalog's popularity prior) unless
//!
//! - the group was seen: the 95% interval of `s` lies above 0, and
//! - the prior is worth at least [`MIN_STRENGTH`] pseudo-outcomes, the weight
//!   of the popularity prior it replaces.
//!
//! The threshold protects rare directions: an estimate from few reports is
//! mostly noise, and a noisy prior would bury a direction (too low: never
//! shown again, never learned) or spend slots on it (too high). Without a
//! prior each device learns it alone, as before. It also means no prior is
//! ever published from a handful of shoppers' reports.

use serde::{Deserialize, Serialize};

use super::aggregate::Estimate;

/// Most pseudo-outcomes a crowd prior is worth: four of a shopper's own
/// outcomes already weigh half as much as the whole crowd's.
pub const MAX_STRENGTH: f64 = 8.0;
/// Fewest pseudo-outcomes a crowd prior must be worth to be published (the
/// weight of the catalog's popularity prior, `rank::divergence::Posterior`).
pub const MIN_STRENGTH: f64 = 2.0;
/// Take-up rates are kept within `[TAKE_UP_FLOOR, 1 − TAKE_UP_FLOOR]`: a
/// prior never says a direction is certain, either way.
pub const TAKE_UP_FLOOR: f64 = 0.01;

/// The crowd's prior for one group of directions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrowdPrior {
    /// The group: an axis (`colour`, `category`), as the report questions name it.
    pub group: String,
    /// Pseudo-acceptances: `strength × take_up`.
    pub accepted: f64,
    /// Pseudo-rejections: `strength × (1 − take_up)`.
    pub rejected: f64,
    /// Estimated take-up `a / s`, within [`TAKE_UP_FLOOR`] of 0 and 1.
    pub take_up: f64,
    /// Its standard error (delta method).
    pub std_error: f64,
    /// Reports behind it: on `divergent.shown.<group>` and `divergent.accepted.<group>`.
    pub reports: u64,
}

impl CrowdPrior {
    /// `accepted + rejected`: what the prior weighs, in outcomes.
    pub fn strength(&self) -> f64 {
        self.accepted + self.rejected
    }
}

/// The crowd priors `estimates` support (see the module's documentation),
/// sorted by group; a group whose two questions do not both have an estimate
/// has none.
///
/// ```
/// use flaneur::ldp::{crowd_priors, Estimate, MAX_STRENGTH};
/// let estimate = |question: &str, estimate: f64, std_error: f64| Estimate {
///     question: question.into(), reports: 40_000, estimate, std_error,
///     ci_low: estimate - 1.96 * std_error, ci_high: estimate + 1.96 * std_error,
/// };
/// let priors = crowd_priors(&[
///     estimate("divergent.shown.colour", 0.40, 0.01),
///     estimate("divergent.accepted.colour", 0.10, 0.01),
///     // Seen by too few: no prior for material.
///     estimate("divergent.shown.material", 0.01, 0.01),
///     estimate("divergent.accepted.material", 0.005, 0.01),
/// ]);
/// let [colour] = priors.try_into().unwrap();
/// assert_eq!((colour.group.as_str(), colour.take_up), ("colour", 0.25));
/// assert_eq!(colour.strength(), MAX_STRENGTH);
/// assert_eq!(colour.accepted, 2.0);
/// ```
pub fn crowd_priors(estimates: &[Estimate]) -> Vec<CrowdPrior> {
    let accepted_of = |group: &str| {
        estimates.iter().find(|e| e.question.strip_prefix("divergent.accepted.") == Some(group))
    };
    let mut priors: Vec<CrowdPrior> = estimates
        .iter()
        .filter_map(|shown| {
            let group = shown.question.strip_prefix("divergent.shown.")?;
            prior(group, shown, accepted_of(group)?)
        })
        .collect();
    priors.sort_by(|a, b| a.group.cmp(&b.group));
    priors
}

/// The prior of `group` from its two estimates, if it clears the thresholds.
fn prior(group: &str, shown: &Estimate, accepted: &Estimate) -> Option<CrowdPrior> {
    if group.is_empty() || shown.ci_low <= 0.0 {
        return None;
    }
    let s = shown.estimate;
    let take_up = (accepted.estimate / s).clamp(TAKE_UP_FLOOR, 1.0 - TAKE_UP_FLOOR);
    let variance =
        (accepted.std_error.powi(2) + take_up.powi(2) * shown.std_error.powi(2)) / (s * s);
    let moments =
        if variance > 0.0 { take_up * (1.0 - take_up) / variance - 1.0 } else { MAX_STRENGTH };
    let strength = moments.min(MAX_STRENGTH);
    if !strength.is_finite() || strength < MIN_STRENGTH {
        return None;
    }
    Some(CrowdPrior {
        group: group.to_owned(),
        accepted: strength * take_up,
        rejected: strength * (1.0 - take_up),
        take_up,
        std_error: variance.sqrt(),
        reports: shown.reports + accepted.reports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(question: &str, reports: u64, estimate: f64, std_error: f64) -> Estimate {
        Estimate {
            question: question.into(),
            reports,
            estimate,
            std_error,
            ci_low: estimate - 1.96 * std_error,
            ci_high: estimate + 1.96 * std_error,
        }
    }

    #[test]
    fn strength_follows_the_reports_up_to_the_cap() {
        // The same shares; the standard errors shrink as 1/√n.
        let strength = |n: u64| {
            let se = 2.16 / (n as f64).sqrt();
            crowd_priors(&[
                estimate("divergent.shown.colour", n, 0.5, se),
                estimate("divergent.accepted.colour", n, 0.2, se),
            ])
            .first()
            .map(CrowdPrior::strength)
        };
        assert_eq!(strength(100), None, "too few reports: no prior");
        let middling = strength(500).unwrap();
        assert!(middling > MIN_STRENGTH && middling < MAX_STRENGTH, "{middling}");
        assert!(strength(300).unwrap() < middling);
        assert_eq!(strength(10_000), Some(MAX_STRENGTH));
    }

    #[test]
    fn a_group_never_seen_or_half_asked_gets_none() {
        let unseen = [
            estimate("divergent.shown.colour", 50_000, 0.005, 0.01),
            estimate("divergent.accepted.colour", 50_000, 0.0, 0.01),
        ];
        assert_eq!(crowd_priors(&unseen), []);
        let half = [estimate("divergent.shown.colour", 50_000, 0.5, 0.001)];
        assert_eq!(crowd_priors(&half), []);
        let other = [estimate("shown.personal", 50_000, 0.9, 0.001)];
        assert_eq!(crowd_priors(&other), []);
    }

    #[test]
    fn take_up_stays_off_zero_and_one() {
        let priors = crowd_priors(&[
            estimate("divergent.shown.a", 1_000_000, 0.5, 0.001),
            estimate("divergent.accepted.a", 1_000_000, -0.02, 0.001),
            estimate("divergent.shown.b", 1_000_000, 0.5, 0.001),
            estimate("divergent.accepted.b", 1_000_000, 0.7, 0.001),
        ]);
        let take_ups: Vec<f64> = priors.iter().map(|p| p.take_up).collect();
        assert_eq!(take_ups, [TAKE_UP_FLOOR, 1.0 - TAKE_UP_FLOOR]);
        assert!(priors.iter().all(|p| p.accepted > 0.0 && p.rejected > 0.0));
    }
}
