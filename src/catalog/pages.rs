//! A column of fixed-width rows kept in pages of [`PAGE_ROWS`] rows: it
//! grows a page at a time and never moves the rows it holds. WebAssembly
//! memory never shrinks, and a column that grows by moving to a larger
//! block leaves the old one behind as a hole no later, larger block fits
//! (the product codes of a 1,000,000-item catalog are 32 MB: their last
//! move left a hole of 16 MB). Full pages are all the same size, so a page
//! freed anywhere fits any other.

use super::row_merge::{Room, RowPlan, RowSource};

/// Rows per page: a power of two (a row's page is a shift away), and a
/// multiple of the blocks the scans read, which so never straddle two pages.
pub(crate) const PAGE_ROWS: usize = 1 << 13;

/// Rows of `stride` values, page after page; every page but the last is full.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Pages<T> {
    stride: usize,
    rows: usize,
    pages: Vec<Vec<T>>,
}

impl<T: Copy> Pages<T> {
    /// No rows of `stride` values.
    pub(crate) fn new(stride: usize) -> Self {
        Self { stride, rows: 0, pages: Vec::new() }
    }

    /// Pages of `rows` rows of `stride` values, value `at` (counted from
    /// the first row's first) `value(at)`.
    fn from_rows(stride: usize, rows: usize, value: impl Fn(usize) -> T) -> Self {
        let page_values = PAGE_ROWS * stride;
        let total = rows * stride;
        let pages = (0..rows.div_ceil(PAGE_ROWS))
            .map(|p| (p * page_values..total.min((p + 1) * page_values)).map(&value).collect())
            .collect();
        Self { stride, rows, pages }
    }

    /// Values per row.
    pub(crate) fn stride(&self) -> usize {
        self.stride
    }

    /// Rows held.
    pub(crate) fn len(&self) -> usize {
        self.rows
    }

    /// Row `r`'s values; `None` past the last row (or rows of no value).
    #[inline(always)]
    pub(crate) fn row(&self, r: usize) -> Option<&[T]> {
        let at = (r % PAGE_ROWS) * self.stride;
        self.pages.get(r / PAGE_ROWS)?.get(at..at + self.stride)
    }

    /// Row `r`'s values, to change them; `None` past the last row.
    pub(crate) fn row_mut(&mut self, r: usize) -> Option<&mut [T]> {
        let at = (r % PAGE_ROWS) * self.stride;
        self.pages.get_mut(r / PAGE_ROWS)?.get_mut(at..at + self.stride)
    }

    /// The values of `rows`, when they lie in one page (or are none).
    pub(crate) fn span(&self, rows: std::ops::Range<usize>) -> Option<&[T]> {
        if rows.is_empty() {
            return Some(&[]);
        }
        let page = rows.start / PAGE_ROWS;
        if (rows.end - 1) / PAGE_ROWS != page {
            return None;
        }
        let start = (rows.start % PAGE_ROWS) * self.stride;
        self.pages.get(page)?.get(start..start + rows.len() * self.stride)
    }

    /// Every value, row after row, in one vector.
    pub(crate) fn to_vec(&self) -> Vec<T> {
        self.pages.iter().flatten().copied().collect()
    }

    /// Appends the rows of `values` (`stride` values each).
    pub(crate) fn extend_rows(&mut self, values: &[T]) {
        if self.stride == 0 {
            return;
        }
        for row in values.chunks_exact(self.stride) {
            let page = self.page_with_room();
            page.extend_from_slice(row);
            self.rows += 1;
        }
    }

    /// The page the next row goes to, a new one if every page is full;
    /// grown by doubling up to a page.
    fn page_with_room(&mut self) -> &mut Vec<T> {
        let full = PAGE_ROWS * self.stride;
        let p = self.rows / PAGE_ROWS;
        if p == self.pages.len() {
            // The table of pages grows by one: a catalog has a few hundred at most.
            self.pages.reserve_exact(1);
            self.pages.push(Vec::new());
        }
        let page = &mut self.pages[p];
        if page.len() == page.capacity() {
            let target = (2 * page.len()).clamp(16 * self.stride, full);
            let _ = page.try_reserve_exact(target - page.len());
        }
        page
    }

    /// Room for `n` more rows, if it can be had (a hint).
    pub(crate) fn reserve(&mut self, n: usize) {
        let rows = self.rows.saturating_add(n);
        self.grow_to(rows, rows);
    }

    /// Allocates the pages `rows` rows need, each with room for the rows
    /// it will hold once the column has `final_rows` (a page at most).
    fn grow_to(&mut self, rows: usize, final_rows: usize) {
        let wanted = rows.div_ceil(PAGE_ROWS);
        if wanted > self.pages.len()
            && self.pages.try_reserve_exact(wanted - self.pages.len()).is_err()
        {
            return;
        }
        for p in 0..wanted {
            let page_rows = final_rows.max(rows).saturating_sub(p * PAGE_ROWS).min(PAGE_ROWS);
            let needed = page_rows * self.stride;
            if p == self.pages.len() {
                self.pages.push(Vec::new());
            }
            let page = &mut self.pages[p];
            if page.capacity() < needed {
                let _ = page.try_reserve_exact(needed - page.len());
            }
        }
    }

    /// Grows or cuts to `rows` rows, new values `fill`; a page is given the
    /// room for the rows `room` expects it to hold once every part is in.
    pub(crate) fn resize(&mut self, rows: usize, fill: T, room: Room) {
        let final_rows = if room.expects_more() { room.expected } else { rows };
        self.grow_to(rows, final_rows);
        let keep = rows.div_ceil(PAGE_ROWS);
        self.pages.truncate(keep);
        self.pages.resize_with(keep, Vec::new);
        for (p, page) in self.pages.iter_mut().enumerate() {
            page.resize((rows - p * PAGE_ROWS).min(PAGE_ROWS) * self.stride, fill);
        }
        self.rows = rows;
    }

    /// Gives back the room past the last row once every part is joined.
    pub(crate) fn fit(&mut self, room: Room) {
        if !room.expects_more() {
            if let Some(page) = self.pages.last_mut() {
                page.shrink_to_fit();
            }
            self.pages.shrink_to_fit();
        }
    }

    /// Copies row `from` onto row `to`.
    pub(crate) fn copy_row(&mut self, from: usize, to: usize) {
        let s = self.stride;
        let (pf, pt) = (from / PAGE_ROWS, to / PAGE_ROWS);
        let (af, at) = ((from % PAGE_ROWS) * s, (to % PAGE_ROWS) * s);
        if pf == pt {
            if let Some(page) = self.pages.get_mut(pf) {
                page.copy_within(af..af + s, at);
            }
            return;
        }
        if pf.max(pt) >= self.pages.len() {
            return;
        }
        let (low, high) = self.pages.split_at_mut(pf.max(pt));
        let (source, target) = if pf < pt {
            (&low[pf][af..af + s], &mut high[0][at..at + s])
        } else {
            (&high[0][af..af + s], &mut low[pt][at..at + s])
        };
        target.copy_from_slice(source);
    }

    /// The bytes its allocations hold.
    pub(crate) fn held_bytes(&self) -> usize {
        let pages = self.pages.iter().map(Vec::capacity).sum::<usize>();
        pages * std::mem::size_of::<T>() + self.pages.capacity() * std::mem::size_of::<Vec<T>>()
    }

    /// Where the first page lies (tests: a page never moves).
    #[cfg(test)]
    pub(crate) fn first_page(&self) -> Option<*const T> {
        self.pages.first().map(|page| page.as_ptr())
    }
}

impl Pages<i8> {
    /// The rows of stored code bytes, `stride` a row, read as `i8` straight
    /// into pages: a catalog's largest column is never held twice as it loads.
    pub(crate) fn from_bytes(stride: usize, bytes: &[u8]) -> Self {
        let rows = bytes.len().checked_div(stride).unwrap_or(0);
        Self::from_rows(stride, rows, |at| bytes[at] as i8)
    }
}

impl<F: Fn(usize) -> RowSource> RowPlan<F> {
    /// [`RowPlan::merge`] for a paged column: a held row's values through
    /// `held`, a shard row's written by `shard`; new rows come in new pages.
    pub(crate) fn merge_pages<T: Copy>(
        &self,
        column: &mut Pages<T>,
        room: Room,
        fill: T,
        held: impl Fn(T) -> T,
        shard: impl Fn(usize, &mut [T]),
    ) {
        // Held rows out of their order are read from a copy.
        let copy = (!self.in_order()).then(|| column.clone());
        column.resize(self.rows(), fill, room);
        // From the end, as `merge`: a held row in order moves only towards
        // the end, onto rows already read.
        for r in (0..self.rows()).rev() {
            match self.source(r) {
                RowSource::Held(h) => {
                    match &copy {
                        Some(copy) => {
                            if let (Some(from), Some(out)) = (copy.row(h), column.row_mut(r)) {
                                out.copy_from_slice(from);
                            }
                        }
                        None if h != r => column.copy_row(h, r),
                        None => {}
                    }
                    if let Some(out) = column.row_mut(r) {
                        out.iter_mut().for_each(|value| *value = held(*value));
                    }
                }
                RowSource::Shard(s) => {
                    if let Some(out) = column.row_mut(r) {
                        shard(s, out);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize, stride: usize) -> Vec<u16> {
        (0..n * stride).map(|v| v as u16).collect()
    }

    #[test]
    fn rows_read_back_across_pages_and_spans_stay_within_one() {
        let n = 2 * PAGE_ROWS + 5;
        let values = rows(n, 3);
        let pages = Pages::from_rows(3, n, |at| values[at]);
        assert_eq!((pages.len(), pages.to_vec()), (n, values.clone()));
        for r in [0, 1, PAGE_ROWS - 1, PAGE_ROWS, 2 * PAGE_ROWS + 4] {
            assert_eq!(pages.row(r), Some(&values[3 * r..3 * r + 3]), "row {r}");
        }
        assert_eq!(pages.row(n), None);
        assert_eq!(
            pages.span(PAGE_ROWS - 2..PAGE_ROWS),
            Some(&values[3 * (PAGE_ROWS - 2)..3 * PAGE_ROWS])
        );
        assert_eq!(pages.span(PAGE_ROWS - 1..PAGE_ROWS + 1), None, "two pages");
        assert!(pages.held_bytes() >= 2 * n * 3);
    }

    #[test]
    fn a_merge_across_pages_is_the_merge_of_one_vector() {
        let held = 2 * PAGE_ROWS - 3;
        // 20 shard rows among them, one every 800 joined rows: held rows
        // move across page boundaries.
        let total = held + 20;
        let (mut h, mut s) = (0, 0);
        let sources: Vec<RowSource> = (0..total)
            .map(|r| {
                if r % 800 == 7 && s < 20 || h == held {
                    s += 1;
                    RowSource::Shard(s - 1)
                } else {
                    h += 1;
                    RowSource::Held(h - 1)
                }
            })
            .collect();
        assert_eq!((h, s), (held, 20));
        let plan = RowPlan::new(total, |r| sources[r]);
        let room = Room { items: total, expected: 0, at_once: false };
        let shard = |s: usize, out: &mut [u16]| out.iter_mut().for_each(|v| *v = 60000 + s as u16);
        let mut flat = rows(held, 2);
        plan.merge(&mut flat, 2, room, 0, |v| v ^ 1, shard);
        let values = rows(held, 2);
        let mut paged = Pages::from_rows(2, held, |at| values[at]);
        let first = paged.first_page();
        plan.merge_pages(&mut paged, room, 0, |v| v ^ 1, shard);
        assert_eq!(paged.to_vec(), flat);
        assert_eq!(paged.first_page(), first, "the first page never moved");
    }

    #[test]
    fn a_page_is_given_the_room_of_the_rows_expected_in_it() {
        let mut pages = Pages::<i8>::new(4);
        let more = Room { items: 10, expected: 100_000, at_once: false };
        pages.resize(10, 0, more);
        assert_eq!(pages.pages[0].capacity(), 4 * PAGE_ROWS, "a whole page");
        let first = pages.first_page();
        pages.resize(PAGE_ROWS + 3, 1, Room { items: PAGE_ROWS + 3, ..more });
        assert_eq!((pages.first_page(), pages.pages[1].capacity()), (first, 4 * PAGE_ROWS));
        // A catalog of 20 rows in all: its one page holds 20.
        let mut small = Pages::<i8>::new(4);
        small.resize(10, 0, Room { items: 10, expected: 20, at_once: false });
        let (place, capacity) = (small.first_page(), small.pages[0].capacity());
        small.resize(20, 0, Room { items: 20, expected: 20, at_once: false });
        assert_eq!((capacity, small.pages[0].capacity(), small.len()), (80, 80, 20));
        assert_eq!(small.first_page(), place, "grown into the room it was given");
        small.resize(3, 0, Room { items: 3, expected: 0, at_once: false });
        assert_eq!(small.to_vec().len(), 12, "cut to 3 rows");
    }
}
