//! Local differential privacy (LDP) reports: what a shop may learn about how
//! its slots are received, without learning anything reliable about one shopper.
//!
//! 1. [`questions`]: the public schema, yes/no questions built from shop-level
//!    names only (`shown.divergent`, `divergent.accepted.colour`, …), per
//!    divergence axis and, with [`grouped_questions`], per axis within the
//!    departments the catalog lists (`divergent.accepted.colour@Women`).
//! 2. [`Indicators`]: the true answers of one reporting period, from the local
//!    counters' increases since the last report; they stay on the device.
//! 3. [`Ledger`]: the daily and lifetime ε budget, spent before each report.
//! 4. [`randomize`]: one question drawn uniformly; its permanent answer
//!    ([`Permanent`], drawn once per true answer with ε∞ = ln 3 and kept),
//!    kept with probability `e^ε / (1 + e^ε)` and flipped otherwise: the [`Report`].
//! 5. [`Period`] and [`Reporting`]: what the device keeps between reports
//!    (the counts since the last one, taken only while the shopper opted in,
//!    the ledger and the permanent answers), stored in the shop's record.
//! 6. [`Aggregator`]: on the shop's side, an unbiased [`Estimate`] per question
//!    from many reports (`flaneur ldp aggregate reports.jsonl`).
//! 7. [`crowd_priors`]: from those estimates, a Beta prior per divergence axis
//!    of how often shoppers take up its divergent items, for the catalog to
//!    carry to new shoppers' devices (`flaneur ldp aggregate --priors FILE`).
//!
//! ```
//! use flaneur::ldp::{
//!     questions, randomize, Indicators, Ledger, Permanent, DEFAULT_DAILY_BUDGET, DEFAULT_EPSILON,
//! };
//! use flaneur::{profile::Counter, slot::Kind};
//! use rand::{SeedableRng, rngs::SmallRng};
//! let schema = questions(&["colour", "material"]);
//! let counter = Counter { impressions: 3, engagements: 1 };
//! let period = Indicators::from_counts([(Kind::Divergent, counter)], []);
//! let (mut ledger, mut permanent, today) = (Ledger::default(), Permanent::default(), 20_513);
//! let mut rng = SmallRng::seed_from_u64(1);
//! if ledger.try_spend(today, DEFAULT_EPSILON, DEFAULT_DAILY_BUDGET) {
//!     let report = randomize(&period, &schema, DEFAULT_EPSILON, today, &mut permanent, &mut rng)?;
//!     assert_eq!(report.day, "2026-03-01");
//! }
//! assert!(!ledger.try_spend(today, DEFAULT_EPSILON, DEFAULT_DAILY_BUDGET));
//! # Ok::<(), flaneur::Error>(())
//! ```

mod aggregate;
mod epsilon;
mod ledger;
mod mechanism;
mod period;
mod permanent;
mod priors;
mod question;
mod report;
mod reporting;

pub use aggregate::{Aggregator, Estimate, Z_95, aggregate};
pub use epsilon::{
    DEFAULT_EPSILON, EPSILONS, LIFETIME_BUDGET, MAX_EPSILON, PERMANENT_EPSILON, check_epsilon,
};
pub use ledger::{DEFAULT_DAILY_BUDGET, LEDGER_BYTES, LEDGER_V1_BYTES, LEDGER_VERSION, Ledger};
pub use mechanism::{keep_probability, probability, randomize};
pub use period::{MAX_AXES, Period};
pub use permanent::{MAX_PERMANENT, Permanent};
pub use priors::{CrowdPrior, MAX_STRENGTH, MIN_STRENGTH, TAKE_UP_FLOOR, crowd_priors};
pub use question::{AxisCounter, Indicators, KINDS, Question, grouped_questions, questions};
pub use report::{REPORT_VERSION, Report};
pub use reporting::{REPORTING_VERSION, Reporting, check_request, report_epsilon};
