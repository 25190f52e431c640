//! What the device keeps to make reports: the privacy ledger and the period.

use rand::Rng;

use super::epsilon::check_epsilon;
use super::ledger::{DEFAULT_DAILY_BUDGET, LEDGER_BYTES, LEDGER_V1_BYTES, Ledger};
use super::mechanism::randomize;
use super::period::Period;
use super::permanent::Permanent;
use super::report::Report;
use crate::catalog::dates::format_day;
use crate::error::{Error, Result};
use crate::util::bytes::{ByteReader, ByteWriter};

/// The reporting state's binary format version (its first byte; version 1
/// began with the ledger's version byte, 1).
pub const REPORTING_VERSION: u8 = 2;

/// The reporting state of one shop's stored record: the ε spent, the
/// counts of the current period and the permanent answers. It lives beside
/// the profile, not in it: exporting, importing or forgetting a taste never
/// frees privacy budget nor draws the permanent answers again.
///
/// ```
/// use flaneur::ldp::{questions, Reporting};
/// use flaneur::slot::Kind;
/// use rand::{SeedableRng, rngs::SmallRng};
/// let (schema, mut rng) = (questions(&["colour"]), SmallRng::seed_from_u64(3));
/// let mut reporting = Reporting::default();
/// assert!(reporting.report(&schema, 1.0, 20_513, &mut rng)?.is_some()); // nothing shown: still
/// reporting.period.shown(Kind::Personal, None);
/// assert_eq!(reporting.report(&schema, 1.0, 20_513, &mut rng)?, None); // today's ε is spent
/// assert!(reporting.report(&schema, 1.0, 20_514, &mut rng)?.is_some()); // the next day
/// assert_eq!(reporting.report(&schema, 1.0, 20_512, &mut rng)?, None); // the clock went back
/// assert_eq!(Reporting::from_bytes(&reporting.to_bytes()), Some(reporting));
/// # Ok::<(), flaneur::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reporting {
    /// The ε spent, today and in all.
    pub ledger: Ledger,
    /// What was counted since the last report.
    pub period: Period,
    /// The permanent answers drawn so far.
    pub permanent: Permanent,
}

impl Reporting {
    /// The report of the current period, randomized with `epsilon` on `today`
    /// (days since 1970-01-01), or `None` when a report was already made today
    /// or on a later day (a clock that went back), or the lifetime budget is
    /// spent. Whether a report is made never depends on what was counted: an
    /// empty period is reported too. A report spends its ε in the ledger
    /// (at most [`DEFAULT_DAILY_BUDGET`] a day) and starts a new, empty period.
    ///
    /// At most one report a day, whatever its ε: what the preference panel
    /// tells the shopper holds for any ε the page chooses, and a smaller ε
    /// only makes that one report more private.
    ///
    /// # Errors
    ///
    /// [`Error::BadArgument`] for an ε not one of [`EPSILONS`](super::EPSILONS),
    /// a day outside the years 0 to 9999 or a schema [`randomize`] refuses;
    /// nothing is spent then.
    pub fn report<R: Rng + ?Sized>(
        &mut self,
        questions: &[String],
        epsilon: f64,
        today: i32,
        rng: &mut R,
    ) -> Result<Option<Report>> {
        let epsilon = check_request(questions, epsilon, today)?;
        let spent_today = self.ledger.remaining(today, DEFAULT_DAILY_BUDGET) < DEFAULT_DAILY_BUDGET;
        let went_back = today < self.ledger.day;
        if spent_today || went_back || self.ledger.exhausted(epsilon) || self.permanent.is_full() {
            return Ok(None);
        }
        let (indicators, mut permanent) = (self.period.indicators(), self.permanent.clone());
        let report = randomize(&indicators, questions, epsilon, today, &mut permanent, rng)?;
        if !self.ledger.try_spend(today, epsilon, DEFAULT_DAILY_BUDGET) {
            return Ok(None);
        }
        self.permanent = permanent;
        self.period = Period::default();
        Ok(Some(report))
    }

    /// The state as bytes: the version byte ([`REPORTING_VERSION`]), the
    /// ledger ([`Ledger::to_bytes`], [`LEDGER_BYTES`]), the period
    /// ([`Period::to_bytes`]), the permanent answers ([`Permanent::to_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::with_capacity(1 + LEDGER_BYTES + 16);
        self.write(&mut w);
        w.into_bytes()
    }

    /// Appends [`Reporting::to_bytes`]'s form to `w`.
    pub(crate) fn write(&self, w: &mut ByteWriter) {
        w.u8(REPORTING_VERSION);
        w.bytes(&self.ledger.to_bytes());
        self.period.write(w);
        self.permanent.write(w);
    }

    /// Reads [`Reporting::to_bytes`]'s form, or version 1's (the ledger v1
    /// and the period: no permanent answers yet), all of `bytes`; `None` if it is not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Reporting> {
        let mut r = ByteReader::new(bytes);
        let reporting = Reporting::read(&mut r)?;
        (r.remaining() == 0).then_some(reporting)
    }

    /// Reads the state from `r` (`None` for anything that is not one).
    pub(crate) fn read(r: &mut ByteReader<'_>) -> Option<Reporting> {
        let mut peek = r.clone();
        if peek.u8()? == 1 {
            let ledger = Ledger::from_bytes(r.take(LEDGER_V1_BYTES)?).ok()?;
            let period = Period::read(r)?;
            return Some(Reporting { ledger, period, permanent: Permanent::default() });
        }
        if r.u8()? != REPORTING_VERSION {
            return None;
        }
        let ledger = Ledger::from_bytes(r.take(LEDGER_BYTES)?).ok()?;
        let period = Period::read(r)?;
        Some(Reporting { ledger, period, permanent: Permanent::read(r)? })
    }
}

/// The ε of a report on `questions` on `today` if all three may be used:
/// [`Error::BadArgument`] for an ε not allowed, a day outside the years 0 to
/// 9999 or an empty schema.
pub fn check_request(questions: &[String], epsilon: f64, today: i32) -> Result<f64> {
    let epsilon = report_epsilon(epsilon)?;
    if format_day(today).is_none() {
        return Err(Error::BadArgument(format!("day {today} is out of range")));
    }
    if questions.is_empty() {
        return Err(Error::BadArgument("no question to report on".into()));
    }
    Ok(epsilon)
}

/// `epsilon` if a report may use it: one of [`EPSILONS`](super::EPSILONS),
/// all within the daily privacy budget ([`DEFAULT_DAILY_BUDGET`]), else
/// [`Error::BadArgument`].
///
/// ```
/// use flaneur::ldp::report_epsilon;
/// assert_eq!(report_epsilon(0.5), Ok(0.5));
/// assert_eq!(report_epsilon(0.25).unwrap_err().code(), "BAD_ARGUMENT");
/// assert_eq!(report_epsilon(2.0).unwrap_err().code(), "BAD_ARGUMENT");
/// ```
pub fn report_epsilon(epsilon: f64) -> Result<f64> {
    check_epsilon(epsilon)
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
            (0.25, 20_000, &schema[..]),
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
                usize::from(reporting.report(&schema, 0.5, 20_100, &mut rng).unwrap().is_some());
        }
        assert_eq!(made, 1);
        assert_eq!(reporting.ledger.spent, 0.5);
        assert_eq!(reporting.report(&schema, 0.5, 20_099, &mut rng).unwrap(), None);
        assert!(!reporting.period.is_empty(), "an unpaid period is kept for a later report");
        assert!(reporting.report(&schema, 0.5, 20_101, &mut rng).unwrap().is_some());
        assert_eq!(reporting.permanent.len(), 2);
        let bytes = reporting.to_bytes();
        for cut in 0..bytes.len() {
            assert!(Reporting::from_bytes(&bytes[..cut]).is_none(), "{cut}");
        }
    }

    #[test]
    fn version_1_reads_with_its_ledger_and_period_and_no_permanent_answers() {
        let mut period = Period::default();
        period.shown(Kind::Popular, None);
        let mut v1 = vec![1];
        v1.extend_from_slice(&20_100i32.to_le_bytes());
        v1.extend_from_slice(&0.5f64.to_le_bytes());
        v1.extend_from_slice(&period.to_bytes());
        let read = Reporting::from_bytes(&v1).expect("version 1");
        assert_eq!(read.ledger, Ledger { day: 20_100, spent: 0.5, lifetime: 0.5 });
        assert_eq!((read.period, read.permanent.len()), (period, 0));
        assert!(Reporting::from_bytes(&[3]).is_none());
    }
}
