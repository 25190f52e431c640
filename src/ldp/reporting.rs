//! What the device keeps to make reports: the privacy ledger and the period.

use rand::Rng;

use super::epsilon::check_epsilon;
use super::ledger::{DEFAULT_DAILY_BUDGET, LEDGER_BYTES, Ledger};
use super::mechanism::randomize;
use super::period::Period;
use super::report::Report;
use crate::catalog::dates::format_day;
use crate::error::{Error, Result};
use crate::util::bytes::{ByteReader, ByteWriter};

/// The reporting state of one shop's stored record: the ε spent and the
/// counts of the current period. It lives beside the profile, not in it:
/// exporting, importing or forgetting a taste never frees privacy budget.
///
/// ```
/// use flaneur::ldp::{questions, Reporting};
/// use flaneur::slot::Kind;
/// use rand::{SeedableRng, rngs::SmallRng};
/// let (schema, mut rng) = (questions(&["colour"]), SmallRng::seed_from_u64(3));
/// let mut reporting = Reporting::default();
/// assert_eq!(reporting.report(&schema, 1.0, 20_513, &mut rng)?, None); // nothing shown yet
/// reporting.period.shown(Kind::Personal, None);
/// assert!(reporting.report(&schema, 1.0, 20_513, &mut rng)?.is_some());
/// reporting.period.shown(Kind::Personal, None);
/// assert_eq!(reporting.report(&schema, 1.0, 20_513, &mut rng)?, None); // today's ε is spent
/// assert!(reporting.report(&schema, 1.0, 20_514, &mut rng)?.is_some()); // the next day
/// assert_eq!(Reporting::from_bytes(&reporting.to_bytes()), Some(reporting));
/// # Ok::<(), flaneur::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reporting {
    /// The ε spent, by day.
    pub ledger: Ledger,
    /// What was counted since the last report.
    pub period: Period,
}

impl Reporting {
    /// The report of the current period, randomized with `epsilon` on `today`
    /// (days since 1970-01-01), or `None` when the period showed nothing or a
    /// report was already made today. A report spends its ε in the ledger
    /// (at most [`DEFAULT_DAILY_BUDGET`]) and starts a new, empty period.
    ///
    /// At most one report a day, whatever its ε: what the preference panel
    /// tells the shopper holds for any ε the page chooses, and a smaller ε
    /// only makes that one report more private.
    ///
    /// # Errors
    ///
    /// [`Error::BadArgument`] for an ε outside (0, [`DEFAULT_DAILY_BUDGET`]]
    /// (a larger one could never be paid), a day outside the years 0 to 9999
    /// or a schema [`randomize`] refuses; nothing is spent then.
    pub fn report<R: Rng + ?Sized>(
        &mut self,
        questions: &[String],
        epsilon: f64,
        today: i32,
        rng: &mut R,
    ) -> Result<Option<Report>> {
        let epsilon = report_epsilon(epsilon)?;
        if format_day(today).is_none() {
            return Err(Error::BadArgument(format!("day {today} is out of range")));
        }
        if questions.is_empty() {
            return Err(Error::BadArgument("no question to report on".into()));
        }
        let spent_today = self.ledger.remaining(today, DEFAULT_DAILY_BUDGET) < DEFAULT_DAILY_BUDGET;
        if self.period.is_empty() || spent_today {
            return Ok(None);
        }
        let report = randomize(&self.period.indicators(), questions, epsilon, today, rng)?;
        if !self.ledger.try_spend(today, epsilon, DEFAULT_DAILY_BUDGET) {
            return Ok(None);
        }
        self.period = Period::default();
        Ok(Some(report))
    }

    /// The state as bytes: the ledger ([`Ledger::to_bytes`], [`LEDGER_BYTES`])
    /// then the period ([`Period::to_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::with_capacity(LEDGER_BYTES + 16);
        self.write(&mut w);
        w.into_bytes()
    }

    /// Appends [`Reporting::to_bytes`]'s form to `w`.
    pub(crate) fn write(&self, w: &mut ByteWriter) {
        w.bytes(&self.ledger.to_bytes());
        self.period.write(w);
    }

    /// Reads [`Reporting::to_bytes`]'s form, all of `bytes`; `None` if it is not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Reporting> {
        let mut r = ByteReader::new(bytes);
        let reporting = Reporting::read(&mut r)?;
        (r.remaining() == 0).then_some(reporting)
    }

    /// Reads the state from `r` (`None` for anything that is not one).
    pub(crate) fn read(r: &mut ByteReader<'_>) -> Option<Reporting> {
        let ledger = Ledger::from_bytes(r.take(LEDGER_BYTES)?).ok()?;
        Some(Reporting { ledger, period: Period::read(r)? })
    }
}

/// `epsilon` if a report may use it: finite, positive and at most the daily
/// privacy budget ([`DEFAULT_DAILY_BUDGET`]; a larger ε could never be paid),
/// else [`Error::BadArgument`].
///
/// ```
/// use flaneur::ldp::report_epsilon;
/// assert_eq!(report_epsilon(0.25), Ok(0.25));
/// assert_eq!(report_epsilon(2.0).unwrap_err().code(), "BAD_ARGUMENT");
/// ```
pub fn report_epsilon(epsilon: f64) -> Result<f64> {
    let epsilon = check_epsilon(epsilon)?;
    if epsilon > DEFAULT_DAILY_BUDGET {
        return Err(Error::BadArgument(format!(
            "epsilon {epsilon} is more than the daily privacy budget ({DEFAULT_DAILY_BUDGET})"
        )));
    }
    Ok(epsilon)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ldp::questions;
    use crate::slot::Kind;
    use rand::{SeedableRng, rngs::SmallRng};

    #[test]
    fn bad_arguments_spend_nothing_and_keep_the_period() {
        let schema = questions(&[]);
        let mut rng = SmallRng::seed_from_u64(1);
        let mut reporting = Reporting::default();
        reporting.period.shown(Kind::Popular, None);
        let before = reporting.clone();
        for (epsilon, day, schema) in [
            (1.5, 20_000, &schema[..]),
            (0.0, 20_000, &schema[..]),
            (1.0, i32::MAX, &schema[..]),
            (1.0, 20_000, &[]),
        ] {
            assert_eq!(
                reporting.report(schema, epsilon, day, &mut rng).unwrap_err().code(),
                "BAD_ARGUMENT"
            );
            assert_eq!(reporting, before);
        }
    }

    #[test]
    fn one_report_a_day_whatever_its_epsilon_and_the_clock_going_back_frees_nothing() {
        let schema = questions(&[]);
        let mut rng = SmallRng::seed_from_u64(2);
        let mut reporting = Reporting::default();
        let mut made = 0;
        for _ in 0..10 {
            reporting.period.shown(Kind::Personal, None);
            made +=
                usize::from(reporting.report(&schema, 0.25, 20_100, &mut rng).unwrap().is_some());
        }
        assert_eq!(made, 1);
        assert_eq!(reporting.ledger.spent, 0.25);
        assert_eq!(reporting.report(&schema, 0.25, 20_099, &mut rng).unwrap(), None);
        assert!(!reporting.period.is_empty(), "an unpaid period is kept for a later report");
        assert!(reporting.report(&schema, 0.25, 20_101, &mut rng).unwrap().is_some());
        assert!(Reporting::from_bytes(&reporting.to_bytes()[..LEDGER_BYTES - 1]).is_none());
    }
}
