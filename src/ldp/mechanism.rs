//! Randomized response in two stages (RAPPOR): one uniformly chosen
//! question, its permanent answer, one daily randomized bit.
//!
//! The question is drawn uniformly from the schema with the caller's RNG,
//! before and apart from the data. The permanent answer to (question, true
//! answer) is drawn once, the truth with probability
//! `q = e^ε∞ / (1 + e^ε∞)` = 3/4 ([`PERMANENT_EPSILON`]), and kept on the
//! device ([`Permanent`]); each report then keeps that permanent answer with
//! probability `p = e^ε / (1 + e^ε)` and flips it otherwise. For any report
//! `(q, a)` and any two periods `x`, `x'`:
//! `P(q, a | x) / P(q, a | x') = P(a | x_q) / P(a | x'_q) ≤ p / (1 − p) = e^ε`
//! (and ≤ `e^ε∞` too), so each report, question included, is ε-LDP; and all
//! the reports on a question whose truth never changes depend on it only
//! through its permanent answer: together they are ε∞-LDP about it, so
//! averaging them recovers the permanent answer, not the truth.

use rand::{Rng, RngExt};

use super::epsilon::{PERMANENT_EPSILON, check_epsilon};
use super::permanent::Permanent;
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
/// schema, [`questions`](super::questions)), the permanent answer to it and
/// its true answer (drawn into `permanent` the first time), kept with
/// probability [`keep_probability`]`(epsilon)`, else flipped.
///
/// The RNG is used the same way whatever the data (one uniform index, then two
/// coins), so the question chosen for a seed never depends on the indicators.
/// Spend the budget first ([`Ledger::try_spend`](super::Ledger::try_spend)).
/// An ε not allowed, an empty schema, a key not of the schema's shape, a
/// day outside the years 0 to 9999 or a full `permanent` is
/// [`Error::BadArgument`], whatever the indicators; nothing is drawn then.
///
/// ```
/// use flaneur::ldp::{questions, randomize, Indicators, Permanent, DEFAULT_EPSILON};
/// use rand::{SeedableRng, rngs::SmallRng};
/// let (schema, mut permanent) = (questions(&["colour"]), Permanent::default());
/// let mut rng = SmallRng::seed_from_u64(7);
/// let period = Indicators::default();
/// let report = randomize(&period, &schema, DEFAULT_EPSILON, 20_513, &mut permanent, &mut rng)?;
/// assert!(schema.contains(&report.question));
/// assert_eq!((report.v, report.epsilon, report.day.as_str()), (2, 1.0, "2026-03-01"));
/// assert_eq!(permanent.len(), 1);
/// assert!(randomize(&period, &schema, 0.0, 20_513, &mut permanent, &mut rng).is_err());
/// # Ok::<(), flaneur::Error>(())
/// ```
pub fn randomize<R: Rng + ?Sized>(
    indicators: &Indicators,
    questions: &[String],
    epsilon: f64,
    today: i32,
    permanent: &mut Permanent,
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
    let keep_permanent = rng.random_bool(keep_probability(PERMANENT_EPSILON));
    let keep = rng.random_bool(keep_probability(epsilon));
    let truth = indicators.answer(&parsed[chosen]);
    let lasting = permanent
        .answer(&questions[chosen], truth, keep_permanent)
        .ok_or_else(|| Error::BadArgument("no room for another permanent answer".into()))?;
    let answer = if keep { lasting } else { !lasting };
    Ok(Report { v: REPORT_VERSION, question: questions[chosen].clone(), answer, epsilon, day })
}
