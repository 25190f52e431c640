//! ε, the privacy parameter of a report: its default and its allowed range.

use crate::error::{Error, Result};

/// ε of a report unless the caller chooses another (the issue asks for at most 1).
pub const DEFAULT_EPSILON: f64 = 1.0;
/// Largest ε a report may use (at 4 the answer is already the truth 98% of the time).
pub const MAX_EPSILON: f64 = 4.0;

/// `epsilon` if it is finite and in (0, [`MAX_EPSILON`]], else [`Error::BadArgument`].
///
/// ```
/// use flaneur::ldp::{check_epsilon, MAX_EPSILON};
/// assert_eq!(check_epsilon(0.5), Ok(0.5));
/// assert_eq!(check_epsilon(MAX_EPSILON), Ok(4.0));
/// for bad in [0.0, -1.0, 4.5, f64::NAN, f64::INFINITY] {
///     assert_eq!(check_epsilon(bad).unwrap_err().code(), "BAD_ARGUMENT");
/// }
/// ```
pub fn check_epsilon(epsilon: f64) -> Result<f64> {
    if epsilon.is_finite() && epsilon > 0.0 && epsilon <= MAX_EPSILON {
        Ok(epsilon)
    } else {
        Err(Error::BadArgument(format!("epsilon {epsilon} is not in (0, {MAX_EPSILON}]")))
    }
}
