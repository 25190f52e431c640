//! The permanent randomized answers (RAPPOR's first stage): one per
//! (question, true answer), drawn once with ε∞ and kept on the device, so
//! that averaging many daily reports recovers at most the permanent answer.

use crate::util::bytes::{ByteReader, ByteWriter};
use crate::util::sorted_map::SortedMap;

/// Most permanent answers kept (a bound for hostile stored bytes; the
/// lifetime budget allows at most 120 reports, so at most 120 answers).
pub const MAX_PERMANENT: usize = 256;
/// Longest question key kept.
const MAX_KEY: usize = 256;

/// The permanent answer of each (question key, true answer) drawn so far.
///
/// ```
/// use flaneur::ldp::Permanent;
/// let mut permanent = Permanent::default();
/// assert_eq!(permanent.answer("shown.personal", true, false), Some(false)); // drawn: a lie
/// assert_eq!(permanent.answer("shown.personal", true, true), Some(false)); // kept
/// assert_eq!(permanent.answer("shown.personal", false, true), Some(false)); // another truth
/// assert_eq!(Permanent::from_bytes(&permanent.to_bytes()), Some(permanent));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permanent {
    answers: SortedMap<(String, bool), bool>,
}

impl Permanent {
    /// Number of answers kept.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// Whether no answer can be added.
    pub fn is_full(&self) -> bool {
        self.answers.len() >= MAX_PERMANENT
    }

    /// The permanent answer to `question` when the truth is `truth`: the one
    /// kept, else the truth if `keep` (a coin of probability
    /// `e^ε∞ / (1 + e^ε∞)`) or its opposite, kept from now on. `None` when it
    /// is new and there is no room (or the key is too long).
    pub fn answer(&mut self, question: &str, truth: bool, keep: bool) -> Option<bool> {
        let key = (question.to_owned(), truth);
        if let Some(answer) = self.answers.get(&key) {
            return Some(*answer);
        }
        if self.is_full() || question.len() > MAX_KEY {
            return None;
        }
        let answer = if keep { truth } else { !truth };
        self.answers.insert(key, answer);
        Some(answer)
    }

    /// The binary form: varint count, then per answer in key order, each
    /// once: varint length + UTF-8 question key, one byte (bit 0 the true
    /// answer, bit 1 the permanent one).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::with_capacity(1 + 24 * self.len());
        self.write(&mut w);
        w.into_bytes()
    }

    /// Appends [`Permanent::to_bytes`]'s form to `w`.
    pub(crate) fn write(&self, w: &mut ByteWriter) {
        w.varint(self.answers.len() as u64);
        for ((question, truth), answer) in self.answers.iter() {
            w.str(question);
            w.u8(u8::from(*truth) | (u8::from(*answer) << 1));
        }
    }

    /// Reads [`Permanent::to_bytes`]'s form, all of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Option<Permanent> {
        let mut r = ByteReader::new(bytes);
        let permanent = Permanent::read(&mut r)?;
        (r.remaining() == 0).then_some(permanent)
    }

    /// Reads the answers from `r`: `None` for too many, a key too long,
    /// unknown bits, or keys out of order or repeated.
    pub(crate) fn read(r: &mut ByteReader<'_>) -> Option<Permanent> {
        let n = usize::try_from(r.varint()?).ok().filter(|n| *n <= MAX_PERMANENT)?;
        let mut answers = SortedMap::new();
        let mut last: Option<(String, bool)> = None;
        for _ in 0..n {
            let question = r.str()?;
            let bits = r.u8()?;
            if question.len() > MAX_KEY || bits > 3 {
                return None;
            }
            let key = (question.to_owned(), bits & 1 == 1);
            if last.as_ref().is_some_and(|l| *l >= key) {
                return None;
            }
            last = Some(key.clone());
            answers.insert(key, bits & 2 == 2);
        }
        Some(Permanent { answers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_ordered_and_every_cut_refused() {
        let mut permanent = Permanent::default();
        for i in 0..MAX_PERMANENT {
            assert!(permanent.answer(&format!("q{i:03}"), true, true).is_some());
        }
        assert!(permanent.is_full());
        assert_eq!(permanent.answer("another", true, true), None);
        assert_eq!(permanent.answer("q000", true, false), Some(true), "kept even when full");
        let bytes = permanent.to_bytes();
        assert_eq!(Permanent::from_bytes(&bytes).as_ref(), Some(&permanent));
        for cut in 0..bytes.len().min(64) {
            assert!(Permanent::from_bytes(&bytes[..cut]).is_none(), "{cut}");
        }
        let mut two = Permanent::default();
        two.answer("b", true, true);
        two.answer("a", true, true);
        let mut swapped = two.to_bytes();
        swapped.swap(2, 5); // "a" and "b"
        assert!(Permanent::from_bytes(&swapped).is_none(), "out of order");
        let mut bad_bits = two.to_bytes();
        bad_bits[3] = 4;
        assert!(Permanent::from_bytes(&bad_bits).is_none());
    }
}
