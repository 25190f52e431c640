//! The privacy budget: how much ε the shopper's reports spent today and in all.

use super::epsilon::LIFETIME_BUDGET;
use crate::error::{Error, Result};
use crate::util::bytes::{ByteReader, ByteWriter};

/// Total ε a shopper's reports may spend in one day unless the caller chooses another.
pub const DEFAULT_DAILY_BUDGET: f64 = 1.0;
/// The ledger's binary format version (its first byte).
pub const LEDGER_VERSION: u8 = 2;
/// Length of the ledger's binary form: version, day, spent, lifetime.
pub const LEDGER_BYTES: usize = 1 + 4 + 8 + 8;
/// Length of version 1's form (no lifetime), still read.
pub const LEDGER_V1_BYTES: usize = 1 + 4 + 8;
/// Slack for sums of floats: ten reports of ε = 0.1 fit a budget of 1.
const TOLERANCE: f64 = 1e-9;

/// ε spent on `day` (days since 1970-01-01, UTC: [`day_of`](crate::catalog::dates::day_of)),
/// and in all ([`LIFETIME_BUDGET`](super::LIFETIME_BUDGET) at most).
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
    /// ε spent in all.
    pub lifetime: f64,
}

impl Ledger {
    /// Spends `epsilon` on `today` if the day's total stays within
    /// `daily_budget` and the lifetime total within [`LIFETIME_BUDGET`] (up
    /// to a tolerance of 10⁻⁹ for float sums); returns whether it did.
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
        if spent + epsilon > daily_budget + TOLERANCE
            || self.lifetime + epsilon > LIFETIME_BUDGET + TOLERANCE
        {
            return false;
        }
        self.day = self.day.max(today);
        self.spent = spent + epsilon;
        self.lifetime += epsilon;
        true
    }

    /// ε still available on `today` under `daily_budget` (never negative).
    pub fn remaining(&self, today: i32, daily_budget: f64) -> f64 {
        let spent = if today > self.day { 0.0 } else { self.spent };
        (daily_budget - spent).max(0.0)
    }

    /// Whether `epsilon` more would go past the lifetime budget.
    pub fn exhausted(&self, epsilon: f64) -> bool {
        self.lifetime + epsilon > LIFETIME_BUDGET + TOLERANCE
    }

    /// The ledger's binary form, little-endian: version byte ([`LEDGER_VERSION`]),
    /// day (i32), spent (f64), lifetime (f64), [`LEDGER_BYTES`] in all.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::with_capacity(LEDGER_BYTES);
        w.u8(LEDGER_VERSION);
        w.u32(self.day as u32);
        w.f64(self.spent);
        w.f64(self.lifetime);
        w.into_bytes()
    }

    /// Reads [`Ledger::to_bytes`]'s form, or version 1's (13 bytes, no
    /// lifetime: it reads as the day's ε). A wrong length or version, or a
    /// negative or non-finite ε, is [`Error::BadArgument`]; a caller that
    /// cannot read its ledger should report nothing that day rather than start
    /// a fresh one.
    pub fn from_bytes(bytes: &[u8]) -> Result<Ledger> {
        let bad = |reason: String| Error::BadArgument(format!("privacy ledger: {reason}"));
        let expected = match bytes.first() {
            Some(1) => LEDGER_V1_BYTES,
            Some(&LEDGER_VERSION) => LEDGER_BYTES,
            Some(version) => {
                return Err(bad(format!("version {version} (this build reads 1 and 2)")));
            }
            None => return Err(bad("empty".into())),
        };
        if bytes.len() != expected {
            return Err(bad(format!("{} bytes, expected {expected}", bytes.len())));
        }
        let mut r = ByteReader::new(&bytes[1..]);
        let (day, spent) = (r.u32(), r.f64());
        let lifetime = if expected == LEDGER_BYTES { r.f64() } else { spent };
        let (Some(day), Some(spent), Some(lifetime)) = (day, spent, lifetime) else {
            return Err(bad("truncated".into()));
        };
        for epsilon in [spent, lifetime] {
            if !(epsilon.is_finite() && epsilon >= 0.0) {
                return Err(bad(format!("ε {epsilon} is not finite and non-negative")));
            }
        }
        Ok(Ledger { day: day as i32, spent, lifetime })
    }
}
