//! The public question schema: what a report may be about, and the true answers of one period.
//!
//! A report answers one yes/no question about the shopper's last reporting
//! period. The questions are stable string keys built only from public,
//! shop-level information (the slot kinds and the catalog's divergence axes),
//! so every shopper of a shop has the same schema and the key itself says
//! nothing about the shopper.

use std::fmt;

use crate::profile::Counter;
use crate::profile::divergence::CATEGORY_AXIS;
use crate::slot::Kind;

/// The slot kinds with questions of their own, in code order (the shop's
/// default order is not personalization, so it has none).
pub const KINDS: [Kind; 3] = [Kind::Personal, Kind::Divergent, Kind::Popular];

/// One question of the schema.
///
/// ```
/// use flaneur::ldp::Question;
/// use flaneur::slot::Kind;
/// let q = Question::parse("divergent.accepted.colour").unwrap();
/// assert_eq!(q, Question::DivergentAccepted("colour".into()));
/// assert_eq!(Question::Engaged(Kind::Popular).key(), "engaged.popular");
/// assert_eq!(Question::parse("shown.default"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Question {
    /// `shown.<kind>`: at least one item of this kind was shown in the period.
    Shown(Kind),
    /// `engaged.<kind>`: the shopper clicked, carted or bought at least one item shown as this
    /// kind.
    Engaged(Kind),
    /// `divergent.shown.<axis>`: at least one divergent item along this axis was shown.
    DivergentShown(String),
    /// `divergent.accepted.<axis>`: at least one divergent item along this axis was accepted.
    DivergentAccepted(String),
}

impl Question {
    /// The question's stable key (`shown.personal`, `divergent.accepted.category`, …).
    pub fn key(&self) -> String {
        self.to_string()
    }

    /// The question a key names, or `None` when the key is not of the schema's
    /// shape (any non-empty axis name is accepted: the axes are the shop's).
    pub fn parse(key: &str) -> Option<Question> {
        if let Some(axis) = key.strip_prefix("divergent.shown.") {
            return (!axis.is_empty()).then(|| Question::DivergentShown(axis.to_owned()));
        }
        if let Some(axis) = key.strip_prefix("divergent.accepted.") {
            return (!axis.is_empty()).then(|| Question::DivergentAccepted(axis.to_owned()));
        }
        let (what, kind) = key.split_once('.')?;
        let kind = KINDS.into_iter().find(|k| kind_name(*k) == kind)?;
        match what {
            "shown" => Some(Question::Shown(kind)),
            "engaged" => Some(Question::Engaged(kind)),
            _ => None,
        }
    }
}

impl fmt::Display for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Question::Shown(kind) => write!(f, "shown.{}", kind_name(*kind)),
            Question::Engaged(kind) => write!(f, "engaged.{}", kind_name(*kind)),
            Question::DivergentShown(axis) => write!(f, "divergent.shown.{axis}"),
            Question::DivergentAccepted(axis) => write!(f, "divergent.accepted.{axis}"),
        }
    }
}

/// A kind's name in question keys (its serde name).
fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Personal => "personal",
        Kind::Divergent => "divergent",
        Kind::Popular => "popular",
        Kind::Default => "default",
        Kind::Recent => "recent",
        Kind::Complement => "complement",
        Kind::BuyAgain => "buy_again",
    }
}

/// The schema of a shop whose catalog diverges along `axes` (its divergence
/// facets' names; [`CATEGORY_AXIS`] is always added, divergence can always step
/// to a sibling category; empty names are skipped, repeated ones counted once).
///
/// The order is deterministic whatever the order of `axes`: `shown.<kind>`
/// then `engaged.<kind>` for personal, divergent, popular, then for each axis
/// in byte order `divergent.shown.<axis>` and `divergent.accepted.<axis>`.
///
/// ```
/// use flaneur::ldp::questions;
/// assert_eq!(questions(&["material", "colour"]), [
///     "shown.personal", "shown.divergent", "shown.popular",
///     "engaged.personal", "engaged.divergent", "engaged.popular",
///     "divergent.shown.category", "divergent.accepted.category",
///     "divergent.shown.colour", "divergent.accepted.colour",
///     "divergent.shown.material", "divergent.accepted.material",
/// ]);
/// ```
pub fn questions(axes: &[&str]) -> Vec<String> {
    grouped_questions(axes, &[])
}

/// The schema of a shop whose catalog diverges along `axes` and asks about
/// its report `departments` apart (the catalog's `report_departments`):
/// [`questions`]`(axes)`, each axis's pair followed by the pair of the axis
/// within each department in byte order (`divergent.shown.colour@Men`, …).
/// Every question is still one yes/no question about one period.
///
/// ```
/// use flaneur::ldp::grouped_questions;
/// let schema = grouped_questions(&["colour"], &["Women", "Men"]);
/// assert_eq!(schema.len(), 6 + 2 * 2 * 3);
/// assert_eq!(schema[6..10], [
///     "divergent.shown.category", "divergent.accepted.category",
///     "divergent.shown.category@Men", "divergent.accepted.category@Men",
/// ]);
/// ```
pub fn grouped_questions(axes: &[&str], departments: &[&str]) -> Vec<String> {
    let mut axes: Vec<&str> =
        axes.iter().copied().chain([CATEGORY_AXIS]).filter(|a| !a.is_empty()).collect();
    crate::util::sort::sort(&mut axes);
    axes.dedup();
    let mut departments: Vec<&str> =
        departments.iter().copied().filter(|d| !d.is_empty()).collect();
    crate::util::sort::sort(&mut departments);
    departments.dedup();
    let kinds =
        KINDS.into_iter().map(Question::Shown).chain(KINDS.into_iter().map(Question::Engaged));
    let groups = axes.into_iter().flat_map(|a| {
        std::iter::once(a.to_owned())
            .chain(departments.iter().map(move |d| crate::catalog::report_group(a, d)))
    });
    let divergent =
        groups.flat_map(|g| [Question::DivergentShown(g.clone()), Question::DivergentAccepted(g)]);
    kinds.chain(divergent).map(|q| q.key()).collect()
}

/// Divergent items along one axis in a period: shown, and accepted (clicked, carted or bought).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AxisCounter {
    /// Divergent items along the axis shown.
    pub shown: u64,
    /// Divergent items along the axis accepted.
    pub accepted: u64,
}

/// The true answers of one reporting period: what the shopper saw and did
/// since the last report. They never leave the device; only a randomized
/// answer to one question does ([`randomize`](super::randomize)).
///
/// ```
/// use flaneur::ldp::{AxisCounter, Indicators, Question};
/// use flaneur::{profile::Counter, slot::Kind};
/// let period = Indicators::from_counts(
///     [(Kind::Personal, Counter { impressions: 12, engagements: 1 }),
///      (Kind::Divergent, Counter { impressions: 2, engagements: 0 })],
///     [("colour", AxisCounter { shown: 2, accepted: 0 })],
/// );
/// assert!(period.answer(&Question::parse("engaged.personal").unwrap()));
/// assert!(!period.answer(&Question::parse("engaged.divergent").unwrap()));
/// assert!(period.answer(&Question::parse("divergent.shown.colour").unwrap()));
/// assert!(!period.answer(&Question::parse("divergent.shown.category").unwrap()));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Indicators {
    /// `shown.<kind>`, by index in [`KINDS`].
    shown: [bool; 3],
    /// `engaged.<kind>`, by index in [`KINDS`].
    engaged: [bool; 3],
    /// Axes with a divergent item shown, in byte order, each once.
    divergent_shown: Vec<String>,
    /// Axes with a divergent item accepted, in byte order, each once.
    divergent_accepted: Vec<String>,
}

impl Indicators {
    /// The answers from the period's counts: each counter is what was counted
    /// since the last report (its value now minus its value then), per slot kind
    /// and per divergence axis. A kind or axis not given counted nothing; one
    /// given twice counts both times; [`Kind::Default`] has no question and is
    /// ignored. Each answer is "yes" when its count is at least one.
    pub fn from_counts<'a>(
        kinds: impl IntoIterator<Item = (Kind, Counter)>,
        axes: impl IntoIterator<Item = (&'a str, AxisCounter)>,
    ) -> Self {
        let mut out = Indicators::default();
        for (kind, counter) in kinds {
            if let Some(i) = KINDS.iter().position(|k| *k == kind) {
                out.shown[i] |= counter.impressions > 0;
                out.engaged[i] |= counter.engagements > 0;
            }
        }
        for (axis, counter) in axes {
            if counter.shown > 0 {
                insert(&mut out.divergent_shown, axis);
            }
            if counter.accepted > 0 {
                insert(&mut out.divergent_accepted, axis);
            }
        }
        out
    }

    /// The true answer to `question` (no for an axis the period did not count).
    pub fn answer(&self, question: &Question) -> bool {
        let index = |kind: &Kind| KINDS.iter().position(|k| k == kind);
        match question {
            Question::Shown(kind) => index(kind).is_some_and(|i| self.shown[i]),
            Question::Engaged(kind) => index(kind).is_some_and(|i| self.engaged[i]),
            Question::DivergentShown(axis) => self.divergent_shown.binary_search(axis).is_ok(),
            Question::DivergentAccepted(axis) => {
                self.divergent_accepted.binary_search(axis).is_ok()
            }
        }
    }
}

/// Adds `axis` to the sorted set `axes` (a sorted `Vec`: a handful of axes,
/// and far less WebAssembly than a `BTreeSet`).
fn insert(axes: &mut Vec<String>, axis: &str) {
    if let Err(at) = axes.binary_search_by(|a| a.as_str().cmp(axis)) {
        axes.insert(at, axis.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_the_schema_parses_back_to_itself() {
        let keys = questions(&["colour", "", "colour", "a.b"]);
        assert_eq!(keys.len(), 6 + 2 * 3);
        for key in &keys {
            assert_eq!(Question::parse(key).map(|q| q.key()).as_deref(), Some(key.as_str()));
        }
        assert!(keys.contains(&"divergent.accepted.a.b".to_string()));
    }

    #[test]
    fn malformed_keys_are_refused() {
        for key in [
            "",
            "shown",
            "shown.",
            "shown.default",
            "seen.personal",
            "divergent.shown.",
            "divergent.shown",
        ] {
            assert_eq!(Question::parse(key), None, "{key:?}");
        }
    }

    #[test]
    fn counts_of_zero_answer_no_and_repeated_entries_add_up() {
        let none = Indicators::from_counts(
            [(Kind::Default, Counter { impressions: 3, engagements: 3 })],
            [],
        );
        assert_eq!(none, Indicators::default());
        let period = Indicators::from_counts(
            [
                (Kind::Popular, Counter { impressions: 1, engagements: 0 }),
                (Kind::Popular, Counter::default()),
            ],
            [("colour", AxisCounter { shown: 0, accepted: 1 })],
        );
        assert!(period.answer(&Question::Shown(Kind::Popular)));
        assert!(!period.answer(&Question::Engaged(Kind::Popular)));
        assert!(!period.answer(&Question::DivergentShown("colour".into())));
        assert!(period.answer(&Question::DivergentAccepted("colour".into())));
        assert!(!period.answer(&Question::Shown(Kind::Default)));
    }
}
