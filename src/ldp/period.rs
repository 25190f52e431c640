//! The reporting period: what was counted since the last report, and only
//! while the shopper had opted in.

use super::question::{AxisCounter, Indicators, KINDS};
use crate::profile::Counter;
use crate::slot::Kind;
use crate::util::bytes::{ByteReader, ByteWriter};
use crate::util::sorted_map::SortedMap;

/// Most divergence groups a period keeps (a bound for hostile stored bytes;
/// a catalog's groups are its divergence facets and `category`, alone and
/// within each report department: at most this many).
pub const MAX_AXES: usize = crate::catalog::MAX_DIVERGENCE_PRIORS;

/// Slots shown and engaged with per kind, and divergent items shown and
/// accepted per axis, since the last report. Counting happens only while
/// the shopper has opted into reports ([`Engine`](crate::Engine) does it);
/// a report empties the period, and so does opting out.
///
/// ```
/// use flaneur::ldp::{Period, Question};
/// use flaneur::slot::Kind;
/// let mut period = Period::default();
/// period.shown(Kind::Divergent, Some("colour"));
/// period.engaged(Kind::Divergent, Some("colour"));
/// let answers = period.indicators();
/// assert!(answers.answer(&Question::DivergentAccepted("colour".into())));
/// assert!(!answers.answer(&Question::Engaged(Kind::Personal)));
/// assert_eq!(Period::from_bytes(&period.to_bytes()), Some(period));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Period {
    /// Impressions and engagements by index in [`KINDS`].
    kinds: [Counter; 3],
    /// Divergent items shown and accepted, by axis.
    axes: SortedMap<String, AxisCounter>,
}

impl Period {
    /// Whether nothing was shown in the period (a report then says nothing worth its ε).
    pub fn is_empty(&self) -> bool {
        self.kinds.iter().all(|c| c.impressions == 0)
    }

    /// Counts one slot shown as `kind`, divergent along `axis` if it is one.
    pub fn shown(&mut self, kind: Kind, axis: Option<&str>) {
        if let Some(i) = KINDS.iter().position(|k| *k == kind) {
            self.kinds[i].impressions = self.kinds[i].impressions.saturating_add(1);
        }
        if let Some(counter) = axis.and_then(|a| self.axis(a)) {
            counter.shown = counter.shown.saturating_add(1);
        }
    }

    /// Counts one engagement with an item last shown as `kind`; `axis` when
    /// it was a divergent item awaiting the shopper's reaction (accepted).
    pub fn engaged(&mut self, kind: Kind, axis: Option<&str>) {
        if let Some(i) = KINDS.iter().position(|k| *k == kind) {
            self.kinds[i].engagements = self.kinds[i].engagements.saturating_add(1);
        }
        if let Some(counter) = axis.and_then(|a| self.axis(a)) {
            counter.accepted = counter.accepted.saturating_add(1);
        }
    }

    /// Counts one divergent item of `group` (an axis within a report
    /// department, `colour@Women`) shown, or accepted when `accepted`; its
    /// axis and its kind are counted by [`Period::shown`] and [`Period::engaged`].
    ///
    /// ```
    /// use flaneur::ldp::{Period, Question};
    /// use flaneur::slot::Kind;
    /// let mut period = Period::default();
    /// period.shown(Kind::Divergent, Some("colour"));
    /// period.in_group("colour@Women", false);
    /// let answers = period.indicators();
    /// assert!(answers.answer(&Question::DivergentShown("colour@Women".into())));
    /// assert!(!answers.answer(&Question::DivergentAccepted("colour@Women".into())));
    /// ```
    pub fn in_group(&mut self, group: &str, accepted: bool) {
        if let Some(counter) = self.axis(group) {
            let count = if accepted { &mut counter.accepted } else { &mut counter.shown };
            *count = count.saturating_add(1);
        }
    }

    /// The counter of `axis`, created if there is room.
    fn axis(&mut self, axis: &str) -> Option<&mut AxisCounter> {
        if !self.axes.contains_key(axis) {
            if self.axes.len() >= MAX_AXES || axis.is_empty() {
                return None;
            }
            self.axes.insert(axis.to_owned(), AxisCounter::default());
        }
        self.axes.get_mut(axis)
    }

    /// The period's true answers to every question of the schema.
    pub fn indicators(&self) -> Indicators {
        Indicators::from_counts(
            KINDS.into_iter().zip(self.kinds),
            self.axes.iter().map(|(axis, counter)| (axis.as_str(), *counter)),
        )
    }

    /// The period as bytes: per kind of [`KINDS`] impressions and engagements
    /// (varints), then the number of axes and, per axis in byte order, its
    /// name (varint length + UTF-8), shown and accepted (varints).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::with_capacity(16 + 16 * self.axes.len());
        self.write(&mut w);
        w.into_bytes()
    }

    /// Appends [`Period::to_bytes`]'s form to `w`.
    pub(crate) fn write(&self, w: &mut ByteWriter) {
        for counter in &self.kinds {
            w.varint(counter.impressions);
            w.varint(counter.engagements);
        }
        w.varint(self.axes.len() as u64);
        for (axis, counter) in self.axes.iter() {
            w.str(axis);
            w.varint(counter.shown);
            w.varint(counter.accepted);
        }
    }

    /// Reads [`Period::to_bytes`]'s form, all of `bytes`; `None` if it is not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Period> {
        let mut r = ByteReader::new(bytes);
        let period = Period::read(&mut r)?;
        (r.remaining() == 0).then_some(period)
    }

    /// Reads a period from `r`: `None` for a truncated one, more than
    /// [`MAX_AXES`] axes, an empty or repeated axis name, or axes out of order.
    pub(crate) fn read(r: &mut ByteReader<'_>) -> Option<Period> {
        let mut period = Period::default();
        for counter in &mut period.kinds {
            *counter = Counter { impressions: r.varint()?, engagements: r.varint()? };
        }
        let axes = usize::try_from(r.varint()?).ok().filter(|n| *n <= MAX_AXES)?;
        let mut last: Option<&str> = None;
        for _ in 0..axes {
            let axis = r.str()?;
            if axis.is_empty() || last.is_some_and(|l| l >= axis) {
                return None;
            }
            last = Some(axis);
            period
                .axes
                .insert(axis.to_owned(), AxisCounter { shown: r.varint()?, accepted: r.varint()? });
        }
        Some(period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_kind_and_unknown_axes_are_bounded_and_every_cut_is_refused() {
        let mut period = Period::default();
        period.shown(Kind::Default, None);
        assert!(period.is_empty(), "the shop's own order is not personalization");
        for i in 0..MAX_AXES + 5 {
            period.shown(Kind::Divergent, Some(&format!("axis{i:03}")));
        }
        period.shown(Kind::Divergent, Some(""));
        assert!(!period.is_empty());
        let bytes = period.to_bytes();
        let back = Period::from_bytes(&bytes).unwrap();
        assert_eq!(back, period);
        assert_eq!(back.axes.len(), MAX_AXES);
        for cut in 0..bytes.len() {
            assert_eq!(Period::from_bytes(&bytes[..cut]), None, "cut at {cut}");
        }
    }

    #[test]
    fn repeated_or_unordered_axes_are_refused() {
        let mut w = ByteWriter::with_capacity(32);
        for _ in 0..6 {
            w.varint(0);
        }
        w.varint(2);
        for axis in ["colour", "colour"] {
            w.str(axis);
            w.varint(1);
            w.varint(0);
        }
        assert_eq!(Period::from_bytes(w.as_slice()), None);
    }
}
