//! Item vectors, L2-normalised and quantized to int8 with one scale per item,
//! or held as product-quantized codes (`codebook.rs`) and decoded to int8 rows
//! as they are read.

use std::sync::Arc;

use super::codebook::{Codebook, Codes, MAX_PQ_DIMS};
use super::members::RowMap;
use super::pages::Pages;
use super::row_merge::{Room, RowPlan, RowSource};

/// All item vectors of a catalog, struct-of-arrays: one row of `dims` codes
/// and one scale per item, and `codes · scale ≈` the item's unit vector.
///
/// Rows are in item order until [`QuantizedVectors::arrange`] puts them in
/// another (a catalog stores them grouped by category: a slate scores a
/// category's items together, and reading their rows from one stretch of
/// memory rather than one cache line here and one there is what makes a
/// large catalog fast). [`QuantizedVectors::get`] takes an item either way.
///
/// ```
/// use flaneur::catalog::QuantizedVectors;
/// let mut v = QuantizedVectors::new(2);
/// v.push(&[3.0, 4.0]);
/// let (codes, scale) = v.get(0);
/// assert_eq!(codes, &[95, 127]);
/// assert!((codes[1] as f32 * scale - 0.8).abs() < 1e-6);
/// ```
#[derive(Debug, Clone, Default)]
pub struct QuantizedVectors {
    dims: usize,
    /// `dims` codes per row, row after row, in pages that never move.
    codes: Pages<i8>,
    /// One scale per row.
    scales: Vec<f32>,
    /// Per item, its row (empty: item `i` is row `i`). A catalog's vectors
    /// share it with the catalog's columns ([`RowMap`]).
    rows: RowMap,
    /// Per row, its item (empty: row `r` is item `r`); shared as `rows` is.
    items: RowMap,
    /// With product-quantized vectors: their codebook. `codes` then holds
    /// `subspaces` code bytes (centroid indexes, as `i8`) per row and
    /// `scales` is empty (every decoded row has the codebook's scale).
    codebook: Option<Codebook>,
}

impl QuantizedVectors {
    /// The bytes its allocations hold: codes, scales, codebook, and the row
    /// maps it holds alone (not those it shares with a catalog's columns).
    pub fn held_bytes(&self) -> usize {
        let alone = |map: &RowMap| if Arc::strong_count(map) == 1 { 4 * map.capacity() } else { 0 };
        self.codes.held_bytes()
            + 4 * self.scales.capacity()
            + alone(&self.rows)
            + alone(&self.items)
            + self.codebook.as_ref().map_or(0, Codebook::held_bytes)
    }

    /// An empty set of `dims`-dimensional vectors.
    pub fn new(dims: usize) -> Self {
        Self { dims, codes: Pages::new(dims), ..Self::default() }
    }

    /// Vectors from their stored parts (the binary catalog loader validates them first):
    /// `codes` holds `scales.len()` rows of `dims` codes, item after item.
    pub(super) fn from_parts(dims: usize, codes: Pages<i8>, scales: Vec<f32>) -> Self {
        debug_assert_eq!((codes.len(), codes.stride()), (scales.len(), dims));
        Self { dims, codes, scales, ..Self::default() }
    }

    /// Product-quantized vectors from their codebook and stored codes
    /// (`codebook.subspaces()` bytes per item, item after item; the binary
    /// loader and the compiler check them first).
    pub fn product_quantized(codebook: Codebook, codes: Vec<u8>) -> Self {
        let codes = Pages::from_bytes(codebook.subspaces(), &codes);
        Self::product_quantized_pages(codebook, codes)
    }

    /// [`Self::product_quantized`] from codes already in pages.
    pub(super) fn product_quantized_pages(codebook: Codebook, codes: Pages<i8>) -> Self {
        Self { dims: codebook.dims(), codes, codebook: Some(codebook), ..Self::default() }
    }

    /// No vectors, stored as these are (the same dims and codebook).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn empty_like(&self) -> Self {
        let codes = Pages::new(self.stride());
        Self { dims: self.dims, codes, codebook: self.codebook.clone(), ..Self::default() }
    }

    /// The codebook, when the vectors are product-quantized.
    pub fn codebook(&self) -> Option<&Codebook> {
        self.codebook.as_ref()
    }

    /// Keeps only the check of the codebook (a shard's vectors: its core holds the centroids).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn keep_codebook_reference(&mut self) {
        if let Some(book) = &mut self.codebook {
            *book = book.as_reference();
        }
    }

    /// The same vectors as int8 rows, item after item: each product-quantized
    /// row decoded, with the codebook's scale (what the engine scores).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn expanded(&self) -> Self {
        let mut out = Self::new(self.dims);
        for i in 0..self.len() {
            let (codes, scale) = self.get(i);
            out.codes.extend_rows(&codes);
            out.scales.push(scale);
            out.note_new_row();
        }
        out
    }

    /// Whether `other`'s rows can join these: the same dims and the same
    /// storage (int8, or codes of the same codebook).
    pub(crate) fn stored_alike(&self, other: &QuantizedVectors) -> bool {
        self.dims == other.dims
            && self.codebook.as_ref().map(Codebook::check)
                == other.codebook.as_ref().map(Codebook::check)
    }

    /// Stored values per row: `dims` int8 codes, or `subspaces` code bytes.
    #[inline(always)]
    pub fn stride(&self) -> usize {
        self.codebook.as_ref().map_or(self.dims, Codebook::subspaces)
    }

    /// Dimensions per vector; 0 when the catalog has no vectors.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Number of vectors.
    pub fn len(&self) -> usize {
        match &self.codebook {
            Some(_) => self.codes.len(),
            None => self.scales.len(),
        }
    }

    /// Whether there are no vectors.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends one vector (length `dims`, finite); a zero vector is kept as zeros.
    /// Int8 vectors only: nothing happens to product-quantized ones.
    pub fn push(&mut self, vector: &[f32]) {
        if self.codebook.is_some() {
            return;
        }
        let (codes, scale) = quantize(vector);
        self.codes.extend_rows(&codes);
        self.scales.push(scale);
        self.note_new_row();
    }

    /// A row just appended is its own item's.
    fn note_new_row(&mut self) {
        if !self.rows.is_empty() {
            let last = self.len().saturating_sub(1) as u32;
            Arc::make_mut(&mut self.rows).push(last);
            Arc::make_mut(&mut self.items).push(last);
        }
    }

    /// Appends one vector keeping its magnitude (for learned item factors,
    /// whose length carries meaning): `code · scale` recovers each component
    /// within `scale / 2`.
    pub fn push_raw(&mut self, vector: &[f32]) {
        if self.codebook.is_some() {
            return;
        }
        let max_abs = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = if max_abs > 0.0 { max_abs / 127.0 } else { 0.0 };
        let codes: Vec<i8> = vector
            .iter()
            .map(|x| if scale > 0.0 { (x / scale).round().clamp(-127.0, 127.0) as i8 } else { 0 })
            .collect();
        self.codes.extend_rows(&codes);
        self.scales.push(scale);
        self.note_new_row();
    }

    /// Replaces vector `i` as [`QuantizedVectors::push`] (`raw: false`) or
    /// [`QuantizedVectors::push_raw`] (`raw: true`) would have stored it.
    /// `i` and the length must be in range (the caller checks).
    ///
    /// ```
    /// use flaneur::catalog::QuantizedVectors;
    /// let mut v = QuantizedVectors::new(2);
    /// v.push(&[0.0, 0.0]);
    /// v.replace(0, &[0.0, 2.0], false);
    /// assert_eq!(v.get(0).0, &[0, 127]);
    /// ```
    pub fn replace(&mut self, i: usize, vector: &[f32], raw: bool) {
        if self.codebook.is_some() {
            return;
        }
        let mut one = Self::new(self.dims);
        if raw {
            one.push_raw(vector)
        } else {
            one.push(vector)
        }
        let row = self.row(i);
        if let (Some(out), Some(codes)) = (self.codes.row_mut(row), one.codes.row(0)) {
            out.copy_from_slice(codes);
        }
        self.scales[row] = one.scales[0];
    }

    /// Appends one vector as stored elsewhere ([`Self::stored`]: int8 codes
    /// and a scale, or product-quantized code bytes), as it is (joining the
    /// parts of a sharded catalog).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn push_stored(&mut self, stored: &[i8], scale: f32) {
        debug_assert_eq!(stored.len(), self.stride());
        self.codes.extend_rows(stored);
        if self.codebook.is_none() {
            self.scales.push(scale);
        }
        self.note_new_row();
    }

    /// Joins `other`'s rows in as `plan` places them among the held ones,
    /// in place, grown as `room` says ([`Self::keep_maps`] then names the
    /// joined catalog's rows).
    pub(crate) fn merge_rows<F: Fn(usize) -> RowSource>(
        &mut self,
        other: &QuantizedVectors,
        plan: &RowPlan<F>,
        room: Room,
    ) {
        if self.dims == 0 || !self.stored_alike(other) || plan.rows() != self.len() + other.len() {
            return;
        }
        let theirs = |s: usize, out: &mut [i8]| {
            if let Some(codes) = other.codes.row(s) {
                out.copy_from_slice(codes);
            }
        };
        plan.merge_pages(&mut self.codes, room, 0, |c| c, theirs);
        self.codes.fit(room);
        if self.codebook.is_none() {
            plan.merge(&mut self.scales, 1, room, 0.0, |x| x, |s, out| out[0] = other.scales[s]);
        }
    }

    /// Keeps the rows by a catalog's maps, `order` (per row, its item) and
    /// its inverse `rows`, shared with its columns: the vectors' rows must
    /// be in that order already (as [`Self::merge_rows`] leaves them).
    pub(crate) fn keep_maps(&mut self, order: &RowMap, rows: &RowMap) {
        if self.dims > 0 && order.len() == self.len() && rows.len() == self.len() {
            (self.items, self.rows) = (order.clone(), rows.clone());
        }
    }

    /// Room for `n` more vectors, if it can be had (a hint, never an error).
    pub fn reserve(&mut self, n: usize) {
        self.codes.reserve(n);
        if self.codebook.is_none() {
            let _ = self.scales.try_reserve(n);
        }
    }

    /// Euclidean length of vector `i` (about 1 for content vectors).
    pub fn norm(&self, i: usize) -> f32 {
        let (codes, scale) = self.get(i);
        norm_of(&codes, scale)
    }

    /// Codes and scale of item `i`'s vector (decoded when product-quantized).
    #[inline(always)]
    pub fn get(&self, i: usize) -> (Codes<'_>, f32) {
        let row = self.row(i);
        match &self.codebook {
            // A catalog without vectors (or `i` out of range) has none: empty codes.
            None => {
                let codes = self.codes.row(row).unwrap_or(&[]);
                (Codes::Held(codes), self.scales.get(row).copied().unwrap_or(0.0))
            }
            Some(book) => self.decoded(book, row),
        }
    }

    /// Row `row` decoded by `book` (apart from [`Self::get`], which is inlined where it is read).
    #[inline(never)]
    fn decoded(&self, book: &Codebook, row: usize) -> (Codes<'_>, f32) {
        let mut codes = [0i8; MAX_PQ_DIMS];
        let len = self.dims.min(MAX_PQ_DIMS);
        if let Some(stored) = self.codes.row(row) {
            book.decode_into(stored, &mut codes[..len]);
        }
        (Codes::Decoded { codes, len }, book.scale())
    }

    /// Item `i`'s vector as stored: its int8 codes and scale, or its
    /// product-quantized code bytes and the codebook's scale.
    pub fn stored(&self, i: usize) -> (&[i8], f32) {
        let row = self.row(i);
        let scale = match &self.codebook {
            None => self.scales.get(row).copied().unwrap_or(0.0),
            Some(book) => book.scale(),
        };
        (self.codes.row(row).unwrap_or(&[]), scale)
    }

    /// The int8 codes and scales of `rows` (consecutive rows, in the order
    /// they are kept): borrowed when held as int8, decoded into `scratch`
    /// when product-quantized. Empty when out of range.
    pub fn rows<'a>(
        &'a self,
        rows: std::ops::Range<usize>,
        scratch: &'a mut Scratch,
    ) -> (&'a [i8], &'a [f32]) {
        if rows.start > rows.end || rows.end > self.len() {
            return (&[], &[]);
        }
        let d = self.dims;
        match &self.codebook {
            None => match self.codes.span(rows.clone()) {
                Some(codes) => (codes, &self.scales[rows]),
                // Rows on two pages are copied out.
                None => {
                    scratch.codes.clear();
                    for r in rows.clone() {
                        scratch.codes.extend_from_slice(self.codes.row(r).unwrap_or(&[]));
                    }
                    (&scratch.codes, &self.scales[rows])
                }
            },
            Some(book) => {
                let n = rows.len();
                scratch.codes.clear();
                scratch.codes.resize(n * d, 0);
                for (r, out) in rows.zip(scratch.codes.chunks_exact_mut(d)) {
                    book.decode_into(self.codes.row(r).unwrap_or(&[]), out);
                }
                scratch.scales.clear();
                scratch.scales.resize(n, book.scale());
                (&scratch.codes, &scratch.scales)
            }
        }
    }

    /// The codes and scales of the vectors of `items`, when they sit in
    /// consecutive rows in that order (a category's items, once arranged by
    /// [`Self::arrange`]): one block for a batch of dot products. `None`
    /// otherwise, or for no items.
    ///
    /// ```
    /// use flaneur::catalog::QuantizedVectors;
    /// let mut v = QuantizedVectors::new(1);
    /// for x in [1.0, -1.0, 0.5] {
    ///     v.push(&[x]);
    /// }
    /// v.arrange(&[2, 0, 1]);
    /// let mut scratch = Default::default();
    /// let (codes, scales) = v.block(&[0, 1], &mut scratch).unwrap();
    /// assert_eq!((codes, scales.len()), (&[127i8, -127][..], 2));
    /// assert!(v.block(&[1, 2], &mut scratch).is_none()); // rows 2 and 0
    /// ```
    pub fn block<'a>(
        &'a self,
        items: &[u32],
        scratch: &'a mut Scratch,
    ) -> Option<(&'a [i8], &'a [f32])> {
        let &first_item = items.first()?;
        if first_item as usize >= self.len() {
            return None;
        }
        let first = self.row(first_item as usize);
        let end = first.checked_add(items.len())?;
        let consecutive = if self.items.is_empty() {
            items.iter().enumerate().all(|(j, &item)| item as usize == first + j)
        } else {
            self.items.get(first..end)? == items
        };
        if !consecutive || end > self.len() {
            return None;
        }
        Some(self.rows(first..end, scratch))
    }

    /// The row that holds item `i`'s vector.
    #[inline(always)]
    pub fn row(&self, i: usize) -> usize {
        if self.rows.is_empty() { i } else { self.rows[i] as usize }
    }

    /// The item whose vector row `row` holds.
    ///
    /// ```
    /// use flaneur::catalog::QuantizedVectors;
    /// let mut v = QuantizedVectors::new(1);
    /// for x in [1.0, -1.0, 1.0] {
    ///     v.push(&[x]);
    /// }
    /// v.arrange(&[1, 0, 2]);
    /// assert_eq!((v.item_at(0), v.codes()[0]), (1, -127));
    /// assert_eq!(v.get(1).0, &[-127]);
    /// ```
    #[inline(always)]
    pub fn item_at(&self, row: usize) -> usize {
        if self.items.is_empty() { row } else { self.items[row] as usize }
    }

    /// All stored codes, row after row (row `r` is item [`Self::item_at`]`(r)`'s):
    /// `dims` int8 codes or `subspaces` code bytes per row, copied out of
    /// the pages that hold them.
    pub fn codes(&self) -> Vec<i8> {
        self.codes.to_vec()
    }

    /// How many codes are stored: rows × [`Self::stride`].
    pub fn code_count(&self) -> usize {
        self.codes.len() * self.codes.stride()
    }

    /// Where the first page of codes lies (tests: pages never move).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn codes_address(&self) -> Option<*const i8> {
        self.codes.first_page()
    }

    /// All scales, one per row (none when product-quantized).
    pub fn scales(&self) -> &[f32] {
        &self.scales
    }

    /// The stored codes of every item, item after item (as a file stores them).
    pub fn codes_by_item(&self) -> Vec<i8> {
        (0..self.len()).flat_map(|i| self.stored(i).0.iter().copied()).collect()
    }

    /// The scale of every item, item after item (none when product-quantized).
    pub fn scales_by_item(&self) -> Vec<f32> {
        if self.codebook.is_some() {
            return Vec::new();
        }
        (0..self.len()).map(|i| self.get(i).1).collect()
    }

    /// Puts the rows in `order`: row `r` becomes item `order[r]`'s. `order`
    /// must be a permutation of the items; anything else leaves the rows as
    /// they are (and returns false). Moves the rows in place, one spare row.
    pub fn arrange(&mut self, order: &[u32]) -> bool {
        let mut rows = vec![0; order.len()];
        for (row, &item) in order.iter().enumerate() {
            if let Some(slot) = rows.get_mut(item as usize) {
                *slot = row as u32;
            }
        }
        self.arrange_as(&Arc::new(order.to_vec()), &Arc::new(rows))
    }

    /// [`Self::arrange`] with the maps a catalog's columns keep: `order` (per
    /// row, its item) and its inverse `rows`, which the vectors then share
    /// rather than copy.
    pub(crate) fn arrange_as(&mut self, order: &RowMap, rows: &RowMap) -> bool {
        let n = self.len();
        if !super::members::is_permutation(order, n) || rows.len() != n {
            return false;
        }
        // From the current arrangement to the new one: row r takes the row
        // now holding item order[r].
        let from: Vec<u32> = order.iter().map(|&i| self.row(i as usize) as u32).collect();
        self.permute(&from);
        (self.items, self.rows) = (order.clone(), rows.clone());
        true
    }

    /// Lets go of the row maps it shares (a join then reuses their
    /// allocations) until [`Self::keep_maps`] or [`Self::arrange_as`] sets new ones.
    pub(crate) fn release_maps(&mut self) {
        (self.items, self.rows) = (RowMap::default(), RowMap::default());
    }

    /// Whether these vectors keep their rows by the maps `order` and `rows`
    /// themselves (shared, not copies).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn shares_maps(&self, order: &RowMap, rows: &RowMap) -> bool {
        Arc::ptr_eq(&self.items, order) && Arc::ptr_eq(&self.rows, rows)
    }

    /// Moves row `from[r]` to row `r` for every row, in place (one spare row):
    /// `from` is a permutation of the rows.
    fn permute(&mut self, from: &[u32]) {
        let d = self.stride();
        let scaled = self.codebook.is_none();
        let mut spare = vec![0i8; d];
        let mut done = vec![false; from.len()];
        for start in 0..from.len() {
            if done[start] || from[start] as usize == start {
                done[start] = true;
                continue;
            }
            // Follow the cycle: each row takes its source's content, the last the start's.
            spare.copy_from_slice(self.codes.row(start).unwrap_or(&[]));
            let spare_scale = if scaled { self.scales[start] } else { 0.0 };
            let mut at = start;
            loop {
                done[at] = true;
                let source = from[at] as usize;
                if source == start {
                    if let Some(row) = self.codes.row_mut(at) {
                        row.copy_from_slice(&spare);
                    }
                    if scaled {
                        self.scales[at] = spare_scale;
                    }
                    break;
                }
                self.codes.copy_row(source, at);
                if scaled {
                    self.scales[at] = self.scales[source];
                }
                at = source;
            }
        }
    }

    /// Vector `i` as a unit-length `f32` vector (approximately).
    pub fn dequantize(&self, i: usize) -> Vec<f32> {
        let (codes, scale) = self.get(i);
        codes.iter().map(|&c| c as f32 * scale).collect()
    }
}

/// The Euclidean length of `codes · scale`, summed in integers (exact, and
/// vectorised by the compiler): the same value the f32 sum of these integers
/// gave up to 1,040 dimensions.
pub(crate) fn norm_of(codes: &[i8], scale: f32) -> f32 {
    (codes.iter().map(|&c| c as i32 * c as i32).sum::<i32>() as f32).sqrt() * scale
}

/// Room to decode product-quantized rows into ([`QuantizedVectors::rows`]),
/// reused from one block to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    codes: Vec<i8>,
    scales: Vec<f32>,
}

/// L2-normalises `vector` and maps it to int8 codes with a symmetric scale:
/// the largest component becomes ±127, and `code * scale` recovers each
/// component of the unit vector within `scale / 2`.
pub fn quantize(vector: &[f32]) -> (Vec<i8>, f32) {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    let unit: Vec<f32> =
        if norm == 0.0 { Vec::new() } else { vector.iter().map(|x| x / norm).collect() };
    quantize_as_is(&unit).unwrap_or_else(|| (vec![0; vector.len()], 0.0))
}

/// Maps `vector` as it is (not normalised) to int8 codes with a symmetric
/// scale: the largest component becomes ±127. `None` for an empty, zero or
/// non-finite vector.
///
/// ```
/// use flaneur::catalog::quantize::quantize_as_is;
/// assert_eq!(quantize_as_is(&[2.0, -1.0]), Some((vec![127, -64], 2.0 / 127.0)));
/// assert_eq!(quantize_as_is(&[0.0, 0.0]), None);
/// ```
pub fn quantize_as_is(vector: &[f32]) -> Option<(Vec<i8>, f32)> {
    let max = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if !(max > 0.0 && max.is_finite()) {
        return None;
    }
    let scale = max / 127.0;
    Some((vector.iter().map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8).collect(), scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_of_no_dimension_are_empty_codes_not_a_panic() {
        let none = QuantizedVectors::new(0);
        let (codes, scale) = none.get(3);
        assert!(codes.is_empty() && scale == 0.0);
    }

    /// Arranging moves every row to where `order` says and keeps each item's
    /// codes and scale; arranging again from an arranged state works too, and
    /// anything but a permutation changes nothing.
    #[test]
    fn arranging_keeps_every_items_vector() {
        let mut v = QuantizedVectors::new(3);
        for i in 0..50 {
            let x = i as f32;
            v.push(&[x + 1.0, -x, (x * 0.37).sin()]);
        }
        let before: Vec<(Vec<i8>, f32)> =
            (0..50).map(|i| (v.get(i).0.to_vec(), v.get(i).1)).collect();
        let order: Vec<u32> = (0..50).map(|r| (r * 7 % 50) as u32).collect();
        assert!(v.arrange(&order));
        for (i, (codes, scale)) in before.iter().enumerate() {
            assert_eq!((&*v.get(i).0, v.get(i).1), (codes.as_slice(), *scale), "item {i}");
        }
        for r in 0..50 {
            assert_eq!(v.item_at(r), order[r] as usize);
            assert_eq!(&v.codes()[r * 3..r * 3 + 3], before[order[r] as usize].0.as_slice());
        }
        assert_eq!(v.codes_by_item(), before.iter().flat_map(|b| b.0.clone()).collect::<Vec<_>>());
        let reversed: Vec<u32> = (0..50).rev().collect();
        assert!(v.arrange(&reversed));
        assert_eq!(v.item_at(0), 49);
        for (i, (codes, _)) in before.iter().enumerate() {
            assert_eq!(v.get(i).0, codes.as_slice(), "item {i} after a second arrangement");
        }
        // Not permutations: one short, one repeated, one out of range.
        for bad in [vec![0u32; 49], vec![0u32; 50], (1..=50).collect::<Vec<u32>>()] {
            assert!(!v.arrange(&bad));
            assert_eq!(v.item_at(0), 49, "left as it was");
        }
        // A row pushed after arranging is its own item's.
        v.push(&[1.0, 0.0, 0.0]);
        assert_eq!((v.item_at(50), &*v.get(50).0), (50, &[127i8, 0, 0][..]));
    }
}
