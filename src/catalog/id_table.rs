//! Item lookup by id in constant time: an open-addressing hash table of
//! item positions, built on load (4 bytes per slot, three slots for every
//! two items). Every page event names an item by id, and so does every entry of
//! a profile: a slate resolves hundreds of them, each in one or two probes
//! rather than the seventeen string comparisons of a binary search over
//! 100,000 ids.

use super::row_merge::Room;
use super::strings::{StrId, Strings};

/// Marks an empty slot.
const EMPTY: u32 = u32::MAX;

/// Item positions by the hash of their id; linear probing.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdTable {
    /// Half again as many slots as items (none for an empty catalog): any
    /// number, a hash placed by multiplying rather than masking.
    slots: Vec<u32>,
}

impl IdTable {
    /// The bytes its slots hold.
    pub(crate) fn held_bytes(&self) -> usize {
        4 * self.slots.capacity()
    }

    /// The table of `ids` (item `i`'s id is `strings.get(ids[i])`). A
    /// repeated id keeps its first position (a validated catalog has none).
    pub(crate) fn new(strings: &Strings, ids: &[StrId]) -> Self {
        let mut table = Self::default();
        table.rebuild(strings, ids, Room { items: ids.len(), expected: 0, at_once: false });
        table
    }

    /// The table of `ids` in this one's slots, grown as `room` says (a join
    /// rebuilds it where it lies rather than leave a hole in memory that
    /// never shrinks).
    pub(crate) fn rebuild(&mut self, strings: &Strings, ids: &[StrId], room: Room) {
        let slots = &mut self.slots;
        slots.clear();
        if ids.is_empty() {
            *slots = Vec::new();
            return;
        }
        let size = ids.len() + ids.len() / 2 + 1;
        room.grow(slots, size);
        slots.resize(size, EMPTY);
        for (index, &id) in ids.iter().enumerate() {
            let text = strings.get(id);
            let mut at = place(hash(text), size);
            loop {
                let held = slots[at];
                if held == EMPTY {
                    slots[at] = index as u32;
                    break;
                }
                if strings.get(ids[held as usize]) == text {
                    break;
                }
                at = if at + 1 == size { 0 } else { at + 1 };
            }
        }
    }

    /// The position of the item with id `id`: `text_of(i)` gives item `i`'s id.
    #[inline]
    pub(crate) fn find<'s>(&self, id: &str, text_of: impl Fn(u32) -> &'s str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let size = self.slots.len();
        let mut at = place(hash(id), size);
        // At most every slot; the table is never full, so an empty slot ends it sooner.
        for _ in 0..self.slots.len() {
            let held = self.slots[at];
            if held == EMPTY {
                return None;
            }
            if text_of(held) == id {
                return Some(held as usize);
            }
            at = if at + 1 == size { 0 } else { at + 1 };
        }
        None
    }
}

/// The slot of `size` where a probe for `hash` starts: the hash mixed
/// (Fibonacci hashing: FNV-1a leaves ids that differ in their last digits
/// close together, and linear probing would queue them), its top 32 bits
/// scaled to the table (Lemire's multiply-shift).
#[inline]
fn place(hash: u64, size: usize) -> usize {
    (((hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) * size as u64) >> 32) as usize
}

/// FNV-1a, 64 bits, folded: fast for the short ids shops use, and no
/// randomness (the table is the same on every device).
fn hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ (h >> 32)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use crate::catalog::Catalog;

    #[test]
    fn every_id_is_found_and_no_other() {
        let items: Vec<String> = (0..3000)
            .map(|i| format!(r#"{{"id":"sku-{i}","title":"T","category":"C"}}"#))
            .collect();
        let json = format!(r#"{{"version":1,"shop":"s","items":[{}]}}"#, items.join(","));
        let catalog = Catalog::from_json_str(&json).unwrap();
        for i in 0..3000 {
            assert_eq!(catalog.index_of(&format!("sku-{i}")), Some(i));
        }
        for missing in ["", "sku-3000", "sku-", "SKU-1", "sku-01"] {
            assert_eq!(catalog.index_of(missing), None, "{missing:?}");
        }
    }
}
