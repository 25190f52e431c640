//! The daily privacy budget: how much ε the shopper's reports spent today.

use crate::error::{Error, Result};
use crate::util::bytes::{ByteReader, ByteWriter};

/// Total ε a shopper's reports may spend in one day unless the caller chooses another.
pub const DEFAULT_DAILY_BUDGET: f64 = 1.0;
/// The ledger's binary format version (its first byte).
pub const LEDGER_VERSION: u8 = 1;
/// Length of the ledger's binary form: version, day, spent.
pub const LEDGER_BYTES: usize = 1 + 4 + 8;
/// Slack for sums of floats: ten reports of ε = 0.1 fit a budget of 1.
const TOLERANCE: f64 = 1e-9;

/// ε spent on `day` (days since 1970-01-01, UTC: [`day_of`](crate::catalog::dates::day_of)).
///
/// ```
/// use flaneur::ldp::{Ledger, DEFAULT_DAILY_BUDGET};
/// let mut ledger = Ledger::default();
/// assert!(ledger.try_spend(20_513, 0.5, DEFAULT_DAILY_BUDGET));
/// assert!(ledger.try_spend(20_513, 0.5, DEFAULT_DAILY_BUDGET));
/// assert!(!ledger.try_spend(20_513, 0.5, DEFAULT_DAILY_BUDGET)); // spent for today
/// // The clock went back: still today.
/// assert!(!ledger.try_spend(20_512, 0.5, DEFAULT_DAILY_BUDGET));
/// assert!(ledger.try_spend(20_514, 1.0, DEFAULT_DAILY_BUDGET)); // a new day
/// assert_eq!(Ledger::from_bytes(&ledger.to_bytes())?, ledger);
/// # Ok::<(), flaneur::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Ledger {
    /// The latest day anything was spent on.
    pub day: i32,
    /// ε spent on that day.
    pub spent: f64,
}

impl Ledger {
    /// Spends `epsilon` on `today` if the day's total stays within
    /// `daily_budget` (up to a tolerance of 10⁻⁹ for float sums); returns whether it did.
    ///
    /// A day after the ledger's starts afresh. A day before it (the clock went
    /// back) counts as the ledger's own day, so turning the clock back never
    /// frees budget; a clock that ran ahead holds the budget of that later day
    /// until it comes. A non-finite or non-positive `epsilon`, or a non-finite
    /// or negative budget, spends nothing and returns `false`.
    pub fn try_spend(&mut self, today: i32, epsilon: f64, daily_budget: f64) -> bool {
        if !(epsilon.is_finite()
            && epsilon > 0.0
            && daily_budget.is_finite()
            && daily_budget >= 0.0)
        {
            return false;
        }
        let spent = if today > self.day { 0.0 } else { self.spent };
        if spent + epsilon > daily_budget + TOLERANCE {
            return false;
        }
        self.day = self.day.max(today);
        self.spent = spent + epsilon;
        true
    }

    /// ε still available on `today` under `daily_budget` (never negative).
    pub fn remaining(&self, today: i32, daily_budget: f64) -> f64 {
        let spent = if today > self.day { 0.0 } else { self.spent };
        (daily_budget - spent).max(0.0)
    }

    /// The ledger's binary form, little-endian: version byte ([`LEDGER_VERSION`]),
    /// day (i32), spent (f64), [`LEDGER_BYTES`] in all.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::with_capacity(LEDGER_BYTES);
        w.u8(LEDGER_VERSION);
        w.u32(self.day as u32);
        w.f64(self.spent);
        w.into_bytes()
    }

    /// Reads [`Ledger::to_bytes`]'s form. A wrong length or version, or a
    /// negative or non-finite `spent`, is [`Error::BadArgument`]; a caller that
    /// cannot read its ledger should report nothing that day rather than start
    /// a fresh one.
    pub fn from_bytes(bytes: &[u8]) -> Result<Ledger> {
        let bad = |reason: String| Error::BadArgument(format!("privacy ledger: {reason}"));
        if bytes.len() != LEDGER_BYTES {
            return Err(bad(format!("{} bytes, expected {LEDGER_BYTES}", bytes.len())));
        }
        let mut r = ByteReader::new(bytes);
        let (version, day, spent) = (r.u8(), r.u32(), r.f64());
        let (Some(version), Some(day), Some(spent)) = (version, day, spent) else {
            return Err(bad("truncated".into()));
        };
        if version != LEDGER_VERSION {
            return Err(bad(format!("version {version} (this build reads {LEDGER_VERSION})")));
        }
        if !(spent.is_finite() && spent >= 0.0) {
            return Err(bad(format!("spent {spent} is not a finite, non-negative ε")));
        }
        Ok(Ledger { day: day as i32, spent })
    }
}
