//! The crowd's priors of divergence a catalog carries (issue #24): per
//! divergence axis, how often shoppers take up its divergent items, as the
//! pseudo-outcomes a new shopper's posterior starts from
//! (`rank::divergence::Posterior`), written by `flaneur ldp aggregate
//! --priors` and carried by `flaneur catalog build --divergence-priors`.

use serde::{Deserialize, Serialize};

use super::item::Facet;
use super::report_departments::{GROUP_SEPARATOR, MAX_REPORT_GROUPS};
use crate::util::sorted_map::SortedMap;

/// The axis of a step to a sibling category, beside the divergence facets: the
/// same name as `profile::divergence::CATEGORY_AXIS`, which the catalog may
/// not import (`tests/divergence.rs` holds the two equal).
pub const CATEGORY_AXIS: &str = "category";

/// Most priors a catalog carries (one per group its reports may ask about).
pub const MAX_DIVERGENCE_PRIORS: usize = MAX_REPORT_GROUPS;
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

/// A catalog's divergence priors, by group: an axis (`category` or a
/// divergence facet's name), or an axis within one of the catalog's report
/// departments (`colour@Women`, [`report_group`](super::report_group)).
pub type DivergencePriors = SortedMap<String, TakeUpPrior>;

/// Why `priors` cannot be a catalog's with `facets` and report `departments`
/// (`None`: they can). Checks: at most [`MAX_DIVERGENCE_PRIORS`]; each group
/// `category` or a divergence facet, alone or followed by `@` and a listed
/// department; both values finite and ≥ 0, summing to more than 0 and at
/// most [`MAX_PRIOR_OUTCOMES`].
///
/// ```
/// use flaneur::catalog::{DivergencePriors, Facet, TakeUpPrior, why_not_divergence_priors};
/// let facet = |name: &str, divergence| Facet { name: name.into(), divergence };
/// let mut priors = DivergencePriors::new();
/// priors.insert("colour".into(), TakeUpPrior { accepted: 2.4, rejected: 5.6 });
/// let colour = [facet("colour", true)];
/// assert_eq!(why_not_divergence_priors(&priors, &colour, &[]), None);
/// let not_diverging = [facet("colour", false), facet("material", true)];
/// assert!(why_not_divergence_priors(&priors, &not_diverging, &[]).unwrap().contains("colour"));
/// priors.insert("colour@Women".into(), TakeUpPrior { accepted: 4.0, rejected: 4.0 });
/// assert!(why_not_divergence_priors(&priors, &colour, &[]).is_some());
/// assert_eq!(why_not_divergence_priors(&priors, &colour, &["Women".into()]), None);
/// ```
pub fn why_not_divergence_priors(
    priors: &DivergencePriors,
    facets: &[Facet],
    departments: &[String],
) -> Option<String> {
    let diverges =
        |axis: &str| axis == CATEGORY_AXIS || facets.iter().any(|f| f.divergence && f.name == axis);
    let listed = |department: &str| departments.iter().any(|d| d == department);
    if priors.len() > MAX_DIVERGENCE_PRIORS {
        return Some(format!("{} priors, at most {MAX_DIVERGENCE_PRIORS}", priors.len()));
    }
    for (axis, prior) in priors.iter() {
        let known = match axis.split_once(GROUP_SEPARATOR) {
            Some((axis, department)) if !departments.is_empty() => {
                diverges(axis) && listed(department)
            }
            _ => diverges(axis),
        };
        if !known {
            return Some(format!(
                "{axis:?}: not \"category\" nor a divergence facet of the catalog, alone or \
                 within a report department"
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
        assert_eq!(why_not_divergence_priors(&one("category", 1.0, 1.0), &axes, &[]), None);
        assert_eq!(why_not_divergence_priors(&one("colour", 0.0, 8.0), &axes, &[]), None);
        let women = ["Women".to_owned()];
        let grouped = one("category@Women", 1.0, 1.0);
        assert_eq!(why_not_divergence_priors(&grouped, &axes, &women), None);
        assert!(why_not_divergence_priors(&grouped, &axes, &[]).is_some(), "no department listed");
        for bad in [
            one("size", 1.0, 1.0),
            one("colour@Men", 1.0, 1.0),
            one("size@Women", 1.0, 1.0),
            one("colour", -1.0, 3.0),
            one("colour", f32::NAN, 3.0),
            one("colour", f32::INFINITY, 3.0),
            one("colour", 0.0, 0.0),
            one("colour", 40.0, 40.0),
        ] {
            assert!(why_not_divergence_priors(&bad, &axes, &women).is_some(), "{bad:?}");
        }
        let many: DivergencePriors = (0..=MAX_DIVERGENCE_PRIORS)
            .map(|i| (format!("a{i:03}"), TakeUpPrior { accepted: 1.0, rejected: 1.0 }))
            .collect();
        let axes = diverging(&many.keys().cloned().collect::<Vec<_>>());
        assert!(why_not_divergence_priors(&many, &axes, &[]).unwrap().contains("at most"));
    }
}
