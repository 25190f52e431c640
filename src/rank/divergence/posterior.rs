//! A direction's acceptance rate as a Beta posterior, for Thompson sampling.

use rand::Rng;
use rand_distr::{Beta, Distribution};

use crate::catalog::TakeUpPrior;
use crate::profile::divergence::Outcome;

/// A Beta distribution over a direction's acceptance rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Posterior {
    /// 1 + prior successes + accepted.
    pub alpha: f32,
    /// 1 + prior failures + rejected.
    pub beta: f32,
}

impl Posterior {
    /// The prior from the catalog's aggregate popularity `p` of the direction's
    /// items (worth two impressions), updated with `outcome`.
    ///
    /// ```
    /// use flaneur::{profile::divergence::Outcome, rank::divergence::Posterior};
    /// let p = Posterior::new(0.5, &Outcome { accepted: 3.0, rejected: 1.0, last_at: 0 });
    /// assert_eq!((p.alpha, p.beta), (5.0, 3.0));
    /// assert_eq!(p.mean(), 0.625);
    /// ```
    pub fn new(popularity: f32, outcome: &Outcome) -> Self {
        let p = popularity.clamp(0.0, 1.0);
        Self::from_prior(TakeUpPrior { accepted: 2.0 * p, rejected: 2.0 * (1.0 - p) }, outcome)
    }

    /// The prior `prior` (pseudo-outcomes: the crowd's, from the catalog),
    /// updated with `outcome`. A shopper's own outcomes add to it one for one,
    /// so a few of them soon outweigh a prior worth a handful.
    ///
    /// ```
    /// use flaneur::catalog::TakeUpPrior;
    /// use flaneur::{profile::divergence::Outcome, rank::divergence::Posterior};
    /// let crowd = TakeUpPrior { accepted: 2.4, rejected: 5.6 };
    /// let p = Posterior::from_prior(crowd, &Outcome::default());
    /// assert!((p.mean() - 0.34).abs() < 1e-6); // (1 + 2.4) / (2 + 8)
    /// let own = Outcome { accepted: 0.0, rejected: 8.0, last_at: 0 };
    /// assert!(Posterior::from_prior(crowd, &own).mean() < 0.2);
    /// ```
    pub fn from_prior(prior: TakeUpPrior, outcome: &Outcome) -> Self {
        Self {
            alpha: 1.0 + prior.accepted.max(0.0) + outcome.accepted,
            beta: 1.0 + prior.rejected.max(0.0) + outcome.rejected,
        }
    }

    /// Expected acceptance rate.
    pub fn mean(&self) -> f32 {
        self.alpha / (self.alpha + self.beta)
    }

    /// One draw (Thompson sampling); the mean if the parameters are degenerate.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f32 {
        Beta::new(self.alpha, self.beta).map_or(self.mean(), |b| b.sample(rng))
    }
}
