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
    /// items (worth two impressions, on top of a uniform prior), updated with `outcome`.
    ///
    /// ```
    /// use flaneur::{profile::divergence::Outcome, rank::divergence::Posterior};
    /// let p = Posterior::new(0.5, &Outcome { accepted: 3.0, rejected: 1.0, last_at: 0 });
    /// assert_eq!((p.alpha, p.beta), (5.0, 3.0));
    /// assert_eq!(p.mean(), 0.625);
    /// ```
    pub fn new(popularity: f32, outcome: &Outcome) -> Self {
        let p = popularity.clamp(0.0, 1.0);
        Self {
            alpha: 1.0 + 2.0 * p + outcome.accepted,
            beta: 1.0 + 2.0 * (1.0 - p) + outcome.rejected,
        }
    }

    /// The crowd's prior `prior` (pseudo-outcomes from the reports, in the
    /// catalog), updated with `outcome`. The crowd's prior is the whole prior:
    /// its strength already says how much the reports know, so no uniform
    /// prior is added and a new shopper's device starts at the crowd's
    /// take-up. A shopper's own outcomes add to it one for one, so a few of
    /// them soon outweigh a prior worth a handful.
    ///
    /// ```
    /// use flaneur::catalog::TakeUpPrior;
    /// use flaneur::{profile::divergence::Outcome, rank::divergence::Posterior};
    /// let crowd = TakeUpPrior { accepted: 2.4, rejected: 5.6 };
    /// let p = Posterior::from_prior(crowd, &Outcome::default());
    /// assert!((p.mean() - 0.3).abs() < 1e-6); // 2.4 / 8
    /// let own = Outcome { accepted: 0.0, rejected: 8.0, last_at: 0 };
    /// assert!(Posterior::from_prior(crowd, &own).mean() < 0.2);
    /// ```
    pub fn from_prior(prior: TakeUpPrior, outcome: &Outcome) -> Self {
        // Beta needs both parameters above 0: a prior of "never" is a very small one.
        const LEAST: f32 = 1e-3;
        Self {
            alpha: (prior.accepted.max(0.0) + outcome.accepted).max(LEAST),
            beta: (prior.rejected.max(0.0) + outcome.rejected).max(LEAST),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crowd_prior_is_the_whole_prior_not_added_to_a_uniform_one() {
        // The crowd takes up 1% of category steps, from reports worth 8 outcomes: a new
        // shopper's device starts there, not at (1 + 0.08) / (2 + 8) ≈ 11%.
        let rare = TakeUpPrior { accepted: 0.08, rejected: 7.92 };
        let p = Posterior::from_prior(rare, &Outcome::default());
        assert!((p.mean() - 0.01).abs() < 1e-6, "{}", p.mean());
        let common = TakeUpPrior { accepted: 2.0, rejected: 6.0 };
        assert!((Posterior::from_prior(common, &Outcome::default()).mean() - 0.25).abs() < 1e-6);
        // A degenerate prior still samples.
        let none = TakeUpPrior { accepted: 0.0, rejected: 8.0 };
        let mut rng = <rand::rngs::SmallRng as rand::SeedableRng>::seed_from_u64(1);
        let draw = Posterior::from_prior(none, &Outcome::default()).sample(&mut rng);
        assert!((0.0..=1.0).contains(&draw), "{draw}");
    }
}
