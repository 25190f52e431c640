//! The shopper's own sequence of meaningful events: the order in which items
//! were viewed, put in the cart and bought, newest last.
//!
//! It is what a catalog's sequence model reads on the device (the order
//! carries what no server in flaneur's design ever sees). It keeps the last
//! [`MAX_SEQUENCE`] steps, items and types only: no times, no dwell, no
//! searches. Forgetting an item removes its steps.

use std::collections::VecDeque;

/// Most steps kept: the longest window a sequence model reads (docs/FORMATS.md).
pub const MAX_SEQUENCE: usize = 200;

/// What the shopper did with an item, as a sequence model reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepKind {
    /// Looked at it.
    View = 0,
    /// Put it in the cart.
    AddToCart = 1,
    /// Bought it.
    Purchase = 2,
}

impl StepKind {
    /// The kind's code (the model's event type and the stored form).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The kind of a code, `None` for an unknown one.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::View),
            1 => Some(Self::AddToCart),
            2 => Some(Self::Purchase),
            _ => None,
        }
    }
}

/// One step of the sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The item, by the shop's id.
    pub item_id: String,
    /// What the shopper did with it.
    pub kind: StepKind,
}

/// The last [`MAX_SEQUENCE`] steps, oldest first.
///
/// ```
/// use flaneur::profile::{Sequence, StepKind};
/// let mut s = Sequence::default();
/// s.push("a", StepKind::View);
/// s.push("b", StepKind::View);
/// s.push("a", StepKind::Purchase);
/// assert_eq!(s.len(), 3);
/// assert!(s.forget("a"));
/// assert_eq!(s.iter().map(|step| step.item_id.as_str()).collect::<Vec<_>>(), ["b"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sequence {
    steps: VecDeque<Step>,
}

impl Sequence {
    /// Appends a step, dropping the oldest beyond [`MAX_SEQUENCE`].
    pub fn push(&mut self, item_id: &str, kind: StepKind) {
        self.steps.push_back(Step { item_id: item_id.to_owned(), kind });
        while self.steps.len() > MAX_SEQUENCE {
            self.steps.pop_front();
        }
    }

    /// Removes every step about `item_id`; returns whether there was one.
    pub fn forget(&mut self, item_id: &str) -> bool {
        let before = self.steps.len();
        self.steps.retain(|s| s.item_id != item_id);
        self.steps.len() != before
    }

    /// Keeps only the newest `n` steps.
    pub fn keep_newest(&mut self, n: usize) {
        while self.steps.len() > n {
            self.steps.pop_front();
        }
    }

    /// The steps, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Step> + ExactSizeIterator {
        self.steps.iter()
    }

    /// How many steps are kept.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether no step is kept.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_steps_in_order() {
        let mut s = Sequence::default();
        for i in 0..MAX_SEQUENCE + 5 {
            s.push(&format!("i{i}"), StepKind::View);
        }
        assert_eq!(s.len(), MAX_SEQUENCE);
        assert_eq!(s.iter().next().map(|x| x.item_id.as_str()), Some("i5"));
        let last = format!("i{}", MAX_SEQUENCE + 4);
        assert_eq!(s.iter().next_back().map(|x| x.item_id.as_str()), Some(last.as_str()));
        s.keep_newest(2);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for kind in [StepKind::View, StepKind::AddToCart, StepKind::Purchase] {
            assert_eq!(StepKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(StepKind::from_code(3), None);
    }
}
