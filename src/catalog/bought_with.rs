//! "Often bought with": each item's short list of neighbours, from the shop's
//! aggregate co-purchase counts, strongest first.

/// The most neighbours an item may list.
pub const MAX_BOUGHT_WITH: usize = 8;

/// Every item's neighbours in one flat array: item `i` lists
/// `items[start[i]..start[i + 1]]`. With no lists at all, both are empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct BoughtWith {
    /// One more entry than items, or none when no item lists a neighbour.
    pub start: Vec<u32>,
    pub items: Vec<u32>,
}

impl BoughtWith {
    /// Packs `lists` (item position, its neighbours), given in ascending item
    /// order, over `n` items; the lists must already be checked by [`why_not`].
    pub(crate) fn from_lists<'a>(
        n: usize,
        lists: impl IntoIterator<Item = (usize, &'a [u32])>,
    ) -> Self {
        let mut start = Vec::with_capacity(n + 1);
        let mut items = Vec::new();
        for (index, list) in lists {
            while start.len() <= index.min(n) {
                start.push(items.len() as u32);
            }
            items.extend_from_slice(list);
        }
        if items.is_empty() {
            return Self::default();
        }
        start.resize(n + 1, items.len() as u32);
        Self { start, items }
    }

    /// Item `index`'s neighbours; empty when it has none or is out of range.
    pub(crate) fn of(&self, index: usize) -> &[u32] {
        match (self.start.get(index), self.start.get(index + 1)) {
            (Some(&a), Some(&b)) => self.items.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Whether any item lists a neighbour.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Why item `index`'s `list` cannot be stored over `n` items, naming the
/// offending position: too long, out of range, the item itself, or twice.
pub(crate) fn why_not(index: usize, list: &[u32], n: usize) -> Option<String> {
    if list.len() > MAX_BOUGHT_WITH {
        return Some(format!("has {} neighbours, at most {MAX_BOUGHT_WITH}", list.len()));
    }
    for (k, &other) in list.iter().enumerate() {
        if other as usize >= n {
            return Some(format!("neighbour {other} is not an item ({n} items)"));
        }
        if other as usize == index {
            return Some(format!("neighbour {other} is the item itself"));
        }
        if list[..k].contains(&other) {
            return Some(format!("neighbour {other} is listed twice"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_pack_into_one_array() {
        let lists: [(usize, &[u32]); 2] = [(1, &[2, 0]), (3, &[1])];
        let b = BoughtWith::from_lists(4, lists);
        assert_eq!(b.start, [0, 0, 2, 2, 3]);
        assert_eq!((b.of(0), b.of(1), b.of(3), b.of(4)), (&[][..], &[2, 0][..], &[1][..], &[][..]));
        let none: [(usize, &[u32]); 1] = [(2, &[])];
        let empty = BoughtWith::from_lists(4, none);
        assert!(empty.is_empty() && empty.start.is_empty() && empty.of(2).is_empty());
    }

    #[test]
    fn bad_lists_are_named() {
        assert_eq!(why_not(0, &[1, 2], 3), None);
        assert!(why_not(0, &[1, 3], 3).is_some_and(|w| w.contains("not an item")));
        assert!(why_not(1, &[1], 3).is_some_and(|w| w.contains("itself")));
        assert!(why_not(0, &[2, 1, 2], 3).is_some_and(|w| w.contains("twice")));
        let long: Vec<u32> = (1..=9).collect();
        assert!(why_not(0, &long, 20).is_some_and(|w| w.contains("at most 8")));
    }
}
