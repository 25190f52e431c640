//! Unbiased estimates, per question, of the share of shoppers whose true answer is yes.
//!
//! Two stages randomize each answer: the permanent answer is the truth with
//! probability `q = e^ε∞ / (1 + e^ε∞)` = 3/4, the report keeps it with
//! probability `p = e^ε / (1 + e^ε)`. For the `n` reports on one question
//! made with one ε, whose share of "yes" is `y`, with `g = (2p − 1)(2q − 1)`
//! and `b = (1 − p) + (2p − 1)(1 − q)`: `E[y] = π g + b`, so
//! `π̂ = (y − b) / g` is unbiased, with variance `y(1 − y) / (n g²)` and a
//! 95% interval `π̂ ± 1.96 sd`. The estimate is never clamped: with few
//! reports it may fall below 0 or above 1. The variance takes the reports as
//! independent, which reports of different shoppers are; one shopper's
//! reports on one question share a permanent answer, so count one report
//! per shopper and question (say, one day's) for honest intervals.
//!
//! In the variance, `y` is first brought into `[b, b + g]`, where its
//! expectation always lies: this changes nothing in the usual case and keeps a
//! few unanimous reports (`y` = 0 or 1) from claiming no uncertainty.
//!
//! Reports on one question made with several ε are estimated per ε and
//! combined by inverse-variance weighting, each group weighing
//! `n g²`, the inverse of its variance at a yes-share of ½ (which
//! depends on n and ε only). Weights that do not depend on the answers keep
//! the combination unbiased; its variance is `Σ wᵢ² vᵢ / (Σ wᵢ)²` with each
//! group's own variance `vᵢ`. With one ε it is exactly the estimate above.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::epsilon::PERMANENT_EPSILON;
use super::mechanism::keep_probability;
use super::report::Report;
use crate::error::Result;

/// The normal quantile of a two-sided 95% interval.
pub const Z_95: f64 = 1.96;

/// The estimate for one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The question's key.
    pub question: String,
    /// Reports counted.
    pub reports: u64,
    /// Unbiased estimate of the share of yes, not clamped to [0, 1].
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// `estimate − 1.96 · std_error` (not clamped).
    pub ci_low: f64,
    /// `estimate + 1.96 · std_error` (not clamped).
    pub ci_high: f64,
}

impl Estimate {
    /// The 95% interval clamped to [0, 1], where a share lies.
    pub fn clamped_ci(&self) -> (f64, f64) {
        (self.ci_low.clamp(0.0, 1.0), self.ci_high.clamp(0.0, 1.0))
    }
}

/// Reports and yes answers of one question with one ε.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    reports: u64,
    yes: u64,
}

/// Counts reports one at a time (a file of millions needs only a tally per
/// question and ε), then estimates.
///
/// ```
/// use flaneur::ldp::{Aggregator, Report};
/// let report = |answer| Report {
///     v: 2, question: "shown.divergent".into(), answer, epsilon: 1.0, day: "2026-03-01".into(),
/// };
/// let mut aggregator = Aggregator::default();
/// for i in 0..1000 {
///     aggregator.add(&report(i % 4 != 0))?; // 75% yes
/// }
/// let [estimate] = aggregator.estimates().try_into().unwrap();
/// assert_eq!((estimate.question.as_str(), estimate.reports), ("shown.divergent", 1000));
/// // p = 0.731, q = 0.75: g = 0.231, b = 0.385, (0.75 − 0.385) / 0.231
/// assert!((estimate.estimate - 1.581).abs() < 1e-3);
/// assert!((estimate.ci_high - estimate.estimate - 1.96 * estimate.std_error).abs() < 1e-12);
/// # Ok::<(), flaneur::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Aggregator {
    /// Per question, per ε (its bits), the tally.
    tallies: BTreeMap<String, BTreeMap<u64, Tally>>,
}

impl Aggregator {
    /// Counts one report after [`Report::check`]; a report that fails it is
    /// not counted and its error returned.
    pub fn add(&mut self, report: &Report) -> Result<()> {
        report.check()?;
        let by_epsilon = self.tallies.entry(report.question.clone()).or_default();
        let tally = by_epsilon.entry(report.epsilon.to_bits()).or_default();
        tally.reports += 1;
        tally.yes += u64::from(report.answer);
        Ok(())
    }

    /// One estimate per question with reports, sorted by question.
    pub fn estimates(&self) -> Vec<Estimate> {
        self.tallies.iter().map(|(question, by_epsilon)| combine(question, by_epsilon)).collect()
    }
}

/// Estimates per question of `reports`, sorted by question; the first report
/// that fails [`Report::check`] is the error.
pub fn aggregate<'a>(reports: impl IntoIterator<Item = &'a Report>) -> Result<Vec<Estimate>> {
    let mut aggregator = Aggregator::default();
    for report in reports {
        aggregator.add(report)?;
    }
    Ok(aggregator.estimates())
}

/// The estimate of one question from its tallies per ε (see the module's documentation).
fn combine(question: &str, by_epsilon: &BTreeMap<u64, Tally>) -> Estimate {
    let (mut weights, mut weighted, mut weighted_variance, mut reports) = (0.0, 0.0, 0.0, 0);
    let q = keep_probability(PERMANENT_EPSILON);
    for (&bits, tally) in by_epsilon {
        let p = keep_probability(f64::from_bits(bits));
        let n = tally.reports as f64;
        let gap = (2.0 * p - 1.0) * (2.0 * q - 1.0);
        let base = (1.0 - p) + (2.0 * p - 1.0) * (1.0 - q);
        let y = tally.yes as f64 / n;
        let estimate = (y - base) / gap;
        let y_bounded = y.clamp(base, base + gap);
        let variance = y_bounded * (1.0 - y_bounded) / (n * gap * gap);
        let weight = n * gap * gap;
        weights += weight;
        weighted += weight * estimate;
        weighted_variance += weight * weight * variance;
        reports += tally.reports;
    }
    let estimate = weighted / weights;
    let std_error = weighted_variance.sqrt() / weights;
    Estimate {
        question: question.to_owned(),
        reports,
        estimate,
        std_error,
        ci_low: estimate - Z_95 * std_error,
        ci_high: estimate + Z_95 * std_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reports(epsilon: f64, yes: u64, no: u64) -> Vec<Report> {
        let report = |answer| Report {
            v: 2,
            question: "shown.personal".into(),
            answer,
            epsilon,
            day: "2026-03-01".into(),
        };
        (0..yes).map(|_| report(true)).chain((0..no).map(|_| report(false))).collect()
    }

    #[test]
    fn one_epsilon_gives_the_two_stage_estimate() {
        let (p, q) = (keep_probability(1.0), 0.75);
        let [e] = aggregate(&reports(1.0, 450, 550)).unwrap().try_into().unwrap();
        let y: f64 = 0.45;
        let g = (2.0 * p - 1.0) * (2.0 * q - 1.0);
        let b = (1.0 - p) + (2.0 * p - 1.0) * (1.0 - q);
        assert!((e.estimate - (y - b) / g).abs() < 1e-12);
        let sd = (y * (1.0 - y) / 1000.0).sqrt() / g;
        assert!((e.std_error - sd).abs() < 1e-12, "{} {sd}", e.std_error);
        assert_eq!(e.reports, 1000);
    }

    #[test]
    fn groups_of_several_epsilons_weigh_by_their_precision() {
        let mut all = reports(1.0, 300, 700);
        all.extend(reports(0.5, 10, 0));
        let [e] = aggregate(&all).unwrap().try_into().unwrap();
        let [alone] = aggregate(&reports(1.0, 300, 700)).unwrap().try_into().unwrap();
        assert_eq!(e.reports, 1010);
        // Ten unanimous reports at ε = 0.5 pull a little, and still carry uncertainty.
        assert!(e.estimate > alone.estimate && e.estimate < alone.estimate + 0.05, "{e:?}");
        let [few] = aggregate(&reports(0.5, 10, 0)).unwrap().try_into().unwrap();
        assert!(few.std_error > 0.5 && few.estimate > 1.0, "{few:?}");
    }

    #[test]
    fn bad_reports_are_refused() {
        let mut bad = reports(1.0, 1, 0);
        bad[0].question = "shown.default".into();
        assert!(aggregate(&bad).is_err());
        bad[0] = Report { epsilon: 9.0, ..reports(1.0, 1, 0).remove(0) };
        assert!(aggregate(&bad).is_err());
    }
}
