//! A string arena: every string of a catalog in one buffer, addressed by index.

use std::collections::HashMap;

use crate::util::hash::FastHash;

/// Index of a string in a [`Strings`] arena.
pub type StrId = u32;

/// Marks an absent optional string.
pub const NO_STR: StrId = u32::MAX;

/// All strings of a catalog, concatenated, with their end offsets. One
/// allocation for the text and one for the offsets, however many items.
///
/// ```
/// use flaneur::catalog::strings::{Strings, StringsBuilder};
/// let mut b = StringsBuilder::default();
/// let red = b.intern("red");
/// assert_eq!(b.intern("red"), red); // deduplicated
/// let strings: Strings = b.finish();
/// assert_eq!(strings.get(red), "red");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strings {
    pub(crate) text: String,
    pub(crate) ends: Vec<u32>,
}

impl Strings {
    /// The string with this id; `""` for [`NO_STR`] or an id out of range.
    pub fn get(&self, id: StrId) -> &str {
        let Some(&end) = self.ends.get(id as usize) else { return "" };
        let start = if id == 0 { 0 } else { self.ends[id as usize - 1] };
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    /// The string with this id, `None` for [`NO_STR`].
    pub fn opt(&self, id: StrId) -> Option<&str> {
        (id != NO_STR).then(|| self.get(id))
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Checks that offsets are non-decreasing, within the text and on UTF-8 boundaries.
    pub(crate) fn is_well_formed(&self) -> bool {
        let mut start = 0u32;
        for &end in &self.ends {
            if end < start
                || end as usize > self.text.len()
                || !self.text.is_char_boundary(end as usize)
            {
                return false;
            }
            start = end;
        }
        true
    }
}

/// Builds a [`Strings`] arena, storing each distinct string once.
#[derive(Debug, Default)]
pub struct StringsBuilder {
    strings: Strings,
    /// FNV-1a hash of a string → the first string interned with that hash; the
    /// arena holds the text, so a million-item catalog is not held twice.
    seen: HashMap<u64, StrId, FastHash>,
    /// Further strings whose hash collided with an earlier one.
    collisions: HashMap<u64, Vec<StrId>, FastHash>,
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

impl StringsBuilder {
    /// The id of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> StrId {
        let hash = fnv1a(s);
        let first = self.seen.get(&hash).copied();
        if let Some(id) = first {
            if self.strings.get(id) == s {
                return id;
            }
            if let Some(&id) = self
                .collisions
                .get(&hash)
                .and_then(|ids| ids.iter().find(|&&id| self.strings.get(id) == s))
            {
                return id;
            }
        }
        let id = self.strings.ends.len() as StrId;
        self.strings.text.push_str(s);
        self.strings.ends.push(self.strings.text.len() as u32);
        match first {
            None => {
                self.seen.insert(hash, id);
            }
            Some(_) => self.collisions.entry(hash).or_default().push(id),
        }
        id
    }

    /// Adds `s` without looking for an equal string first, and without a
    /// hash entry: for strings that are distinct by contract (item ids, whose
    /// uniqueness is checked once every item is in), so a million-item
    /// catalog's build does not hold a million entries.
    pub fn add(&mut self, s: &str) -> StrId {
        let id = self.strings.ends.len() as StrId;
        self.strings.text.push_str(s);
        self.strings.ends.push(self.strings.text.len() as u32);
        id
    }

    /// Room for `strings` more strings of `bytes` bytes in all, if it can be
    /// had (a hint, never an error).
    pub fn reserve(&mut self, strings: usize, bytes: usize) {
        let _ = self.strings.ends.try_reserve(strings);
        let _ = self.strings.text.try_reserve(bytes);
    }

    /// Room for `strings` more entries in the index of interned strings
    /// (item ids are added, not interned), if it can be had.
    pub fn reserve_interned(&mut self, strings: usize) {
        let _ = self.seen.try_reserve(strings);
    }

    /// The text of an interned string.
    pub fn get(&self, id: StrId) -> &str {
        self.strings.get(id)
    }

    /// The id of `s`, or [`NO_STR`] for `None`.
    pub fn intern_opt(&mut self, s: Option<&str>) -> StrId {
        s.map_or(NO_STR, |s| self.intern(s))
    }

    /// The arena.
    pub fn finish(self) -> Strings {
        self.strings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_returns_the_same_id_for_the_same_text() {
        let mut b = StringsBuilder::default();
        let words: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        let ids: Vec<StrId> = words.iter().map(|w| b.intern(w)).collect();
        let again: Vec<StrId> = words.iter().map(|w| b.intern(w)).collect();
        assert_eq!(ids, again);
        assert_eq!(b.intern(""), b.intern(""));
        let strings = b.finish();
        assert_eq!(strings.len(), 5001);
        assert!(words.iter().zip(&ids).all(|(w, &id)| strings.get(id) == w));
    }
}
