//! Randomized response: one uniformly chosen question, one randomized bit.
//!
//! The question is drawn uniformly from the schema with the caller's RNG,
//! before and apart from the data; then the true answer is kept with
//! probability `p = e^ε / (1 + e^ε)` and flipped otherwise. For any report
//! `(q, a)` and any two periods `x`, `x'`:
//! `P(q, a | x) / P(q, a | x') = P(a | x_q) / P(a | x'_q) ≤ p / (1 − p) = e^ε`,
//! so the whole report, question included, is ε-locally differentially private.

use rand::{Rng, RngExt};

use super::epsilon::check_epsilon;
use super::question::{Indicators, Question};
use super::report::{REPORT_VERSION, Report};
use crate::catalog::dates::format_day;
use crate::error::{Error, Result};

/// `p = e^ε / (1 + e^ε)`: the probability that a report carries the true answer.
pub fn keep_probability(epsilon: f64) -> f64 {
    probability(true, true, epsilon)
}

/// The probability of reporting `answer` when the true answer is `truth`:
/// `e^ε / (1 + e^ε)` when they agree, `1 / (1 + e^ε)` when they differ.
///
/// ```
/// use flaneur::ldp::probability;
/// let (keep, flip) = (probability(true, true, 1.0), probability(false, true, 1.0));
/// assert!((keep + flip - 1.0).abs() < 1e-15);
/// assert!((keep / flip - 1f64.exp()).abs() < 1e-12);
/// assert_eq!(probability(false, false, 1.0), keep);
/// ```
pub fn probability(answer: bool, truth: bool, epsilon: f64) -> f64 {
    // 1 / (1 + e^-ε) rather than e^ε / (1 + e^ε): no overflow for any ε.
    if answer == truth { 1.0 / (1.0 + (-epsilon).exp()) } else { 1.0 / (1.0 + epsilon.exp()) }
}

/// One report for the period `indicators` made on `today` (days since
/// 1970-01-01): a question drawn uniformly from `questions` (the shop's
/// schema, [`questions`](super::questions)) and its true answer kept with
/// probability [`keep_probability`]`(epsilon)`, else flipped.
///
/// The RNG is used the same way whatever the data (one uniform index, then one
/// coin), so the question chosen for a seed never depends on the indicators.
/// Spend the budget first ([`Ledger::try_spend`](super::Ledger::try_spend)).
/// An ε out of range, an empty schema, a key not of the schema's shape or a
/// day outside the years 0 to 9999 is [`Error::BadArgument`], whatever the indicators.
///
/// ```
/// use flaneur::ldp::{questions, randomize, Indicators, DEFAULT_EPSILON};
/// use rand::{SeedableRng, rngs::SmallRng};
/// let schema = questions(&["colour"]);
/// let mut rng = SmallRng::seed_from_u64(7);
/// let report = randomize(&Indicators::default(), &schema, DEFAULT_EPSILON, 20_513, &mut rng)?;
/// assert!(schema.contains(&report.question));
/// assert_eq!((report.v, report.epsilon, report.day.as_str()), (1, 1.0, "2026-03-01"));
/// assert!(randomize(&Indicators::default(), &schema, 0.0, 20_513, &mut rng).is_err());
/// # Ok::<(), flaneur::Error>(())
/// ```
pub fn randomize<R: Rng + ?Sized>(
    indicators: &Indicators,
    questions: &[String],
    epsilon: f64,
    today: i32,
    rng: &mut R,
) -> Result<Report> {
    let epsilon = check_epsilon(epsilon)?;
    if questions.is_empty() {
        return Err(Error::BadArgument("no question to report on".into()));
    }
    let parse = |key: &String| {
        Question::parse(key)
            .ok_or_else(|| Error::BadArgument(format!("question {key:?} is not of the schema")))
    };
    let parsed = questions.iter().map(parse).collect::<Result<Vec<_>>>()?;
    let day = format_day(today)
        .ok_or_else(|| Error::BadArgument(format!("day {today} is out of range")))?;
    let chosen = rng.random_range(0..questions.len());
    let keep = rng.random_bool(keep_probability(epsilon));
    let truth = indicators.answer(&parsed[chosen]);
    let answer = if keep { truth } else { !truth };
    Ok(Report { v: REPORT_VERSION, question: questions[chosen].clone(), answer, epsilon, day })
}
