//! The crowd's priors of divergence a catalog carries (issue #24): per
//! divergence axis, how often shoppers take up its divergent items, as the
//! pseudo-outcomes a new shopper's posterior starts from
//! (`rank::divergence::Posterior`), written by `flaneur ldp aggregate
//! --priors` and carried by `flaneur catalog build --divergence-priors`.

use serde::{Deserialize, Serialize};

use super::item::Facet;
use crate::util::sorted_map::SortedMap;

/// The axis of a step to a sibling category, beside the divergence facets: the
/// same name as `profile::divergence::CATEGORY_AXIS`, which the catalog may
/// not import (`tests/divergence.rs` holds the two equal).
pub const CATEGORY_AXIS: &str = "category";

/// Most priors a catalog carries (one per axis: a catalog has at most this
/// many divergence facets worth a prior).
pub const MAX_DIVERGENCE_PRIORS: usize = 256;
/// Most pseudo-outcomes one prior may be worth in a catalog. The aggregator
/// caps them far lower ([`crate::ldp::MAX_STRENGTH`]); this bounds what a
/// hand-made or hostile catalog can make a device believe.
pub const MAX_PRIOR_OUTCOMES: f32 = 64.0;

/// One axis's prior: pseudo-acceptances and pseudo-rejections.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TakeUpPrior {
    /// Pseudo-acceptances, finite, ≥ 0.
    pub accepted: f32,
    /// Pseudo-rejections, finite, ≥ 0.
    pub rejected: f32,
}

/// A catalog's divergence priors, by axis (`category` or a divergence facet's name).
pub type DivergencePriors = SortedMap<String, TakeUpPrior>;

/// Why `priors` cannot be a catalog's with `facets` (`None`: they can).
/// Checks: at most [`MAX_DIVERGENCE_PRIORS`]; each axis `category` or a
/// divergence facet; both values finite and ≥ 0, summing to more than 0 and
/// at most [`MAX_PRIOR_OUTCOMES`].
///
/// ```
/// use flaneur::catalog::{DivergencePriors, Facet, TakeUpPrior, why_not_divergence_priors};
/// let facet = |name: &str, divergence| Facet { name: name.into(), divergence };
/// let mut priors = DivergencePriors::new();
/// priors.insert("colour".into(), TakeUpPrior { accepted: 2.4, rejected: 5.6 });
/// assert_eq!(why_not_divergence_priors(&priors, &[facet("colour", true)]), None);
/// let not_diverging = [facet("colour", false), facet("material", true)];
/// assert!(why_not_divergence_priors(&priors, &not_diverging).unwrap().contains("colour"));
/// ```
pub fn why_not_divergence_priors(priors: &DivergencePriors, facets: &[Facet]) -> Option<String> {
    let diverges = |axis: &str| facets.iter().any(|f| f.divergence && f.name == axis);
    if priors.len() > MAX_DIVERGENCE_PRIORS {
        return Some(format!("{} priors, at most {MAX_DIVERGENCE_PRIORS}", priors.len()));
    }
    for (axis, prior) in priors.iter() {
        if axis != CATEGORY_AXIS && !diverges(axis) {
            return Some(format!(
                "{axis:?}: not \"category\" nor a divergence facet of the catalog"
            ));
        }
        let values = [prior.accepted, prior.rejected];
        if values.iter().any(|v| !v.is_finite() || *v < 0.0) {
            return Some(format!("{axis:?}: accepted and rejected must be finite and ≥ 0"));
        }
        let sum = prior.accepted + prior.rejected;
        if sum <= 0.0 || sum > MAX_PRIOR_OUTCOMES {
            return Some(format!(
                "{axis:?}: accepted + rejected is {sum}, must be above 0 and at most \
                 {MAX_PRIOR_OUTCOMES}"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(axis: &str, accepted: f32, rejected: f32) -> DivergencePriors {
        let mut priors = DivergencePriors::new();
        priors.insert(axis.into(), TakeUpPrior { accepted, rejected });
        priors
    }

    fn diverging(names: &[String]) -> Vec<Facet> {
        names.iter().map(|name| Facet { name: name.clone(), divergence: true }).collect()
    }

    #[test]
    fn every_rule_is_checked() {
        let axes = diverging(&["colour".into()]);
        assert_eq!(why_not_divergence_priors(&one("category", 1.0, 1.0), &axes), None);
        assert_eq!(why_not_divergence_priors(&one("colour", 0.0, 8.0), &axes), None);
        for bad in [
            one("size", 1.0, 1.0),
            one("colour", -1.0, 3.0),
            one("colour", f32::NAN, 3.0),
            one("colour", f32::INFINITY, 3.0),
            one("colour", 0.0, 0.0),
            one("colour", 40.0, 40.0),
        ] {
            assert!(why_not_divergence_priors(&bad, &axes).is_some(), "{bad:?}");
        }
        let many: DivergencePriors = (0..=MAX_DIVERGENCE_PRIORS)
            .map(|i| (format!("a{i:03}"), TakeUpPrior { accepted: 1.0, rejected: 1.0 }))
            .collect();
        let axes = diverging(&many.keys().cloned().collect::<Vec<_>>());
        assert!(why_not_divergence_priors(&many, &axes).unwrap().contains("at most"));
    }
}
