//! A join's columns kept by row, merged where they lie: the joined rows are
//! the held rows, in their order, with the shard's rows slotted in between,
//! so each column is grown once and filled from its end, never rebuilt
//! beside itself. WebAssembly memory never shrinks, and a column rebuilt at
//! every join leaves holes too small for the next, larger one: merging in
//! place keeps a page's memory near what its catalog holds.

/// Where a row of the joined catalog takes its values from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RowSource {
    /// The held catalog's row.
    Held(usize),
    /// The shard's row.
    Shard(usize),
}

/// The joined rows' sources, row after row, and whether the held rows come
/// in their own order (then every column merges in place; a core whose
/// taxonomy lists its nodes in another order than its items meet them
/// does not, and is rebuilt once, at its first join).
pub(crate) struct RowPlan<F> {
    rows: usize,
    source: F,
    in_order: bool,
}

impl<F: Fn(usize) -> RowSource> RowPlan<F> {
    /// The plan of `rows` joined rows whose sources `source` gives.
    pub(crate) fn new(rows: usize, source: F) -> Self {
        let mut next = 0;
        let in_order = (0..rows).all(|r| match source(r) {
            RowSource::Held(h) => {
                let ok = h == next && h <= r;
                next = h + 1;
                ok
            }
            RowSource::Shard(_) => true,
        });
        RowPlan { rows, source, in_order }
    }

    /// The joined catalog's rows.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Where joined row `r` takes its values from.
    #[inline]
    pub(crate) fn source(&self, r: usize) -> RowSource {
        (self.source)(r)
    }

    /// Whether the held rows come in their own order (else they are read from a copy).
    pub(crate) fn in_order(&self) -> bool {
        self.in_order
    }

    /// Puts a column of `stride` values per row in the joined order: a held
    /// row's values through `held`, a shard row's written by `shard`. `room`
    /// grows the column.
    pub(crate) fn merge<T: Copy>(
        &self,
        column: &mut Vec<T>,
        stride: usize,
        room: Room,
        fill: T,
        held: impl Fn(T) -> T,
        shard: impl Fn(usize, &mut [T]),
    ) {
        let len = self.rows * stride;
        // Held rows out of their order are read from a copy.
        let copy = (!self.in_order).then(|| column.clone());
        room.grow(column, len);
        column.resize(len, fill);
        // From the end: a held row in order moves only towards the end, onto
        // rows already read, so every value is read before it is overwritten.
        for r in (0..self.rows).rev() {
            let out = r * stride;
            match (self.source)(r) {
                RowSource::Held(h) => {
                    let from = h * stride;
                    match &copy {
                        Some(copy) => {
                            column[out..out + stride].copy_from_slice(&copy[from..from + stride])
                        }
                        None => column.copy_within(from..from + stride, out),
                    }
                    for value in &mut column[out..out + stride] {
                        *value = held(*value);
                    }
                }
                RowSource::Shard(s) => shard(s, &mut column[out..out + stride]),
            }
        }
    }

    /// Puts a ragged column in the joined order: row `r`'s values are
    /// `values[start[r]..start[r + 1]]`, a held row's through `held`, a
    /// shard row's `shard(s)` through `theirs`.
    pub(crate) fn merge_ragged<'s, T: Copy + Default + 's>(
        &self,
        start: &mut Vec<u32>,
        values: &mut Vec<T>,
        room: Room,
        held: impl Fn(T) -> T,
        theirs: impl Fn(T) -> T,
        shard: impl Fn(usize) -> &'s [T],
    ) {
        let count = |r: usize| match (self.source)(r) {
            RowSource::Held(h) => (start[h + 1] - start[h]) as usize,
            RowSource::Shard(s) => shard(s).len(),
        };
        let total: usize = (0..self.rows).map(count).sum();
        // Held rows out of their order are read from a copy.
        let copy = (!self.in_order).then(|| (start.clone(), values.clone()));
        room.grow(values, total);
        values.resize(total, T::default());
        room.grow(start, self.rows + 1);
        start.resize(self.rows + 1, 0);
        // From the end, as `merge`: held row `h` (at most `r`) is read
        // (`start[h]`, `start[h + 1]`, its values) before row `r`'s are written,
        // and the rows still to read lie before everything written.
        let mut end = total;
        for r in (0..self.rows).rev() {
            match (self.source)(r) {
                RowSource::Held(h) => {
                    let (a, b) = match &copy {
                        Some((start, _)) => (start[h] as usize, start[h + 1] as usize),
                        None => (start[h] as usize, start[h + 1] as usize),
                    };
                    let n = b - a;
                    match &copy {
                        Some((_, old)) => values[end - n..end].copy_from_slice(&old[a..b]),
                        None => values.copy_within(a..b, end - n),
                    }
                    for v in &mut values[end - n..end] {
                        *v = held(*v);
                    }
                    start[r + 1] = end as u32;
                    end -= n;
                }
                RowSource::Shard(s) => {
                    let from = shard(s);
                    for (slot, &v) in values[end - from.len()..end].iter_mut().zip(from) {
                        *slot = theirs(v);
                    }
                    start[r + 1] = end as u32;
                    end -= from.len();
                }
            }
        }
        start[0] = 0;
    }
}

/// How a join grows a column: to exactly what it needs, or, when the
/// catalog knows how many items it will hold once every part is joined
/// ([`super::Catalog::expect_items`]), by half again but never past half of
/// that size, and to all of it once more than half is needed, so that a
/// page adding shard after shard moves each column a few times, not at
/// every join, its last move copies at most half of it (the hole a move
/// leaves in memory that never shrinks is the size of what it copied),
/// it ends with no spare room, and never holds more than twice what it needs. Parts at
/// hand, joined one after another at once ([`super::Catalog::join_at_once`]),
/// grow each column to all of them at the first join: a column moved is a
/// hole memory that never shrinks keeps, and nothing is held for long that
/// the next joins do not fill.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Room {
    /// Items the catalog holds after this join.
    pub(crate) items: usize,
    /// Items it will hold with every part (0: unknown).
    pub(crate) expected: usize,
    /// Whether the parts of `expected` items are at hand, joined one after
    /// another now: the first join grows to all of them.
    pub(crate) at_once: bool,
}

impl Room {
    /// Grows `column` to hold `needed` values (a hint: without the memory, it stays).
    pub(crate) fn grow<T>(self, column: &mut Vec<T>, needed: usize) {
        if column.capacity() < needed {
            let _ = column.try_reserve_exact(self.target(column.capacity(), needed) - column.len());
        }
    }

    /// [`Self::grow`] for text.
    pub(crate) fn grow_text(self, text: &mut String, needed: usize) {
        if text.capacity() < needed {
            let _ = text.try_reserve_exact(self.target(text.capacity(), needed) - text.len());
        }
    }

    /// Whether more items are to come: the catalog holds fewer than the
    /// manifest counts.
    pub(crate) fn expects_more(self) -> bool {
        self.expected > self.items
    }

    /// Gives back the room a column of values per item holds beyond its
    /// values once every part is joined: a column whose size per item was
    /// reckoned from the parts joined first may have grown past it.
    pub(crate) fn fit<T>(self, column: &mut Vec<T>) {
        if self.expected > 0 && self.items >= self.expected {
            column.shrink_to_fit();
        }
    }

    /// [`Self::fit`] for text.
    pub(crate) fn fit_text(self, text: &mut String) {
        if self.expected > 0 && self.items >= self.expected {
            text.shrink_to_fit();
        }
    }

    /// The capacity a column of `capacity` grows to, to hold `needed`.
    fn target(self, capacity: usize, needed: usize) -> usize {
        if self.expected <= self.items || self.items == 0 {
            return needed;
        }
        // The column's size with every part, in proportion to its items.
        let full = (needed as u128 * self.expected as u128).div_ceil(self.items as u128);
        let full: usize = full.try_into().unwrap_or(usize::MAX);
        if self.at_once || needed.saturating_mul(2) >= full {
            return full; // at hand, or past half: one last move, to all of it
        }
        needed.max((capacity + capacity / 2).min(full.div_ceil(2)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Joined rows: held rows `0..held` in order, shard rows at the places `shard_at` gives.
    fn plan(held: usize, shard_at: &[usize]) -> Vec<RowSource> {
        let rows = held + shard_at.len();
        let (mut h, mut out) = (0, Vec::with_capacity(rows));
        for r in 0..rows {
            match shard_at.iter().position(|&at| at == r) {
                Some(s) => out.push(RowSource::Shard(s)),
                None => {
                    out.push(RowSource::Held(h));
                    h += 1;
                }
            }
        }
        out
    }

    #[test]
    fn a_column_merges_in_place_as_it_would_be_rebuilt() {
        let sources = plan(6, &[0, 3, 4, 8]);
        let in_order = RowPlan::new(sources.len(), |r| sources[r]);
        assert!(in_order.in_order);
        let mut shuffled = sources.clone();
        shuffled.swap(1, 2); // held rows 0 and 1 swap places: rebuilt
        let out_of_order = RowPlan::new(shuffled.len(), |r| shuffled[r]);
        assert!(!out_of_order.in_order);
        let room = Room { items: 10, expected: 0, at_once: false };
        let held: Vec<u32> = (0..12).map(|v| v * 10).collect(); // 6 rows, stride 2
        let shard_row =
            |s: usize, out: &mut [u32]| out.iter_mut().for_each(|v| *v = 1000 + s as u32);
        let mut merged = held.clone();
        in_order.merge(&mut merged, 2, room, 0, |v| v + 1, shard_row);
        let want: Vec<u32> = sources
            .iter()
            .flat_map(|s| match *s {
                RowSource::Held(h) => [held[2 * h] + 1, held[2 * h + 1] + 1],
                RowSource::Shard(s) => [1000 + s as u32; 2],
            })
            .collect();
        assert_eq!(merged, want);
        let mut rebuilt = held.clone();
        out_of_order.merge(&mut rebuilt, 2, room, 0, |v| v + 1, shard_row);
        assert_eq!(&rebuilt[2..6], &[21, 31, 1, 11], "held rows 1 then 0");
    }

    #[test]
    fn a_ragged_column_merges_in_place_as_it_would_be_rebuilt() {
        // Held rows of 2, 0, 1, 3 values; shard rows of 1, 0, 2 values.
        let (mut start, mut values) = (vec![0u32, 2, 2, 3, 6], vec![1u8, 2, 3, 4, 5, 6]);
        let theirs: [&[u8]; 3] = [&[70], &[], &[80, 90]];
        for shard_at in [&[0, 1, 2][..], &[2, 4, 6], &[4, 5, 6], &[1, 3, 5]] {
            let sources = plan(4, shard_at);
            let p = RowPlan::new(sources.len(), |r| sources[r]);
            let (mut s, mut v) = (start.clone(), values.clone());
            let room = Room { items: 7, expected: 0, at_once: false };
            p.merge_ragged(&mut s, &mut v, room, |x| x * 2, |x| x + 1, |k| theirs[k]);
            let mut want = vec![];
            let mut want_start = vec![0u32];
            for src in &sources {
                match *src {
                    RowSource::Held(h) => want.extend(
                        values[start[h] as usize..start[h + 1] as usize].iter().map(|x| x * 2),
                    ),
                    RowSource::Shard(k) => want.extend(theirs[k].iter().map(|x| x + 1)),
                }
                want_start.push(want.len() as u32);
            }
            assert_eq!((&s, &v), (&want_start, &want), "shard rows at {shard_at:?}");
        }
        // One shard row between held rows of values.
        let sources = plan(4, &[3]);
        RowPlan::new(5, |r| sources[r]).merge_ragged(
            &mut start,
            &mut values,
            Room { items: 5, expected: 0, at_once: false },
            |x| x,
            |x| x,
            |_| &[9, 9][..],
        );
        assert_eq!((start, values), (vec![0, 2, 2, 3, 5, 8], vec![1, 2, 3, 9, 9, 4, 5, 6]));
    }

    #[test]
    fn room_grows_by_half_again_to_half_the_expected_size_then_to_it_or_at_once_at_hand() {
        let mut v: Vec<u8> = vec![0; 100];
        Room { items: 101, expected: 0, at_once: false }.grow(&mut v, 101);
        assert_eq!(v.capacity(), 101, "unknown size: exactly");
        Room { items: 102, expected: 1000, at_once: false }.grow(&mut v, 102);
        assert_eq!(v.capacity(), 151, "half again");
        v.resize(151, 0);
        Room { items: 152, expected: 1000, at_once: false }.grow(&mut v, 151);
        assert_eq!(v.capacity(), 151, "room enough: unchanged");
        let mut w: Vec<u8> = vec![0; 400];
        Room { items: 401, expected: 1000, at_once: false }.grow(&mut w, 401);
        assert_eq!(w.capacity(), 500, "half again, but never past half of every part");
        w.resize(500, 0);
        Room { items: 501, expected: 1000, at_once: false }.grow(&mut w, 501);
        assert_eq!(w.capacity(), 1000, "past half: all of it, never past it");
        let mut twice: Vec<u8> = vec![0; 10]; // two values per item
        Room { items: 6, expected: 20, at_once: false }.grow(&mut twice, 12);
        assert_eq!(twice.capacity(), 15, "half again, under 40 with every part");
        let mut at_hand: Vec<u8> = vec![0; 10];
        Room { items: 6, expected: 20, at_once: true }.grow(&mut at_hand, 12);
        assert_eq!(at_hand.capacity(), 40, "parts at hand: all of them at once");
        let mut over: Vec<u8> = Vec::with_capacity(50);
        over.resize(45, 0);
        Room { items: 19, expected: 20, at_once: true }.fit(&mut over);
        assert_eq!(over.capacity(), 50, "parts still to come: the room stays");
        Room { items: 20, expected: 20, at_once: true }.fit(&mut over);
        assert_eq!(over.capacity(), 45, "every part joined: no spare room");
    }
}
