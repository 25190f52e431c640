//! ε, the privacy parameters of reports: the few a report may use, the
//! permanent answers' and the lifetime budget.

use crate::error::{Error, Result};

/// ε of a report unless the caller chooses another (the issue asks for at most 1).
pub const DEFAULT_EPSILON: f64 = 1.0;
/// The only ε a report may use: a free number could tag one shopper.
pub const EPSILONS: [f64; 2] = [0.5, 1.0];
/// Largest ε a report may use.
pub const MAX_EPSILON: f64 = 1.0;
/// ε∞ of the permanent answer to each (question, true answer): ln 3, so it is
/// the truth with probability 3/4, however many reports are averaged.
pub const PERMANENT_EPSILON: f64 = 1.098_612_288_668_109_8;
/// Total ε of the daily answers a shopper's reports may ever spend: then
/// they stop (60 reports at ε = 1, 120 at ε = 0.5).
pub const LIFETIME_BUDGET: f64 = 60.0;

/// `epsilon` if it is one of [`EPSILONS`], else [`Error::BadArgument`].
///
/// ```
/// use flaneur::ldp::check_epsilon;
/// assert_eq!(check_epsilon(0.5), Ok(0.5));
/// assert_eq!(check_epsilon(1.0), Ok(1.0));
/// for bad in [0.25, 0.7, 0.0, -1.0, 4.0, f64::NAN, f64::INFINITY] {
///     assert_eq!(check_epsilon(bad).unwrap_err().code(), "BAD_ARGUMENT");
/// }
/// ```
pub fn check_epsilon(epsilon: f64) -> Result<f64> {
    if EPSILONS.contains(&epsilon) {
        Ok(epsilon)
    } else {
        Err(Error::BadArgument(format!("epsilon {epsilon} is not one of 0.5 and 1")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permanent_epsilon_is_ln_3() {
        assert!((PERMANENT_EPSILON - 3f64.ln()).abs() < 1e-15);
    }
}
