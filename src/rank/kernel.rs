//! The scoring kernel: int8 dot products, with a portable scalar path and a
//! WebAssembly `simd128` path that give identical results (integer arithmetic).

/// Dot product of two int8 vectors, using SIMD where the build enables it.
///
/// ```
/// use flaneur::rank::kernel::dot_i8;
/// assert_eq!(dot_i8(&[1, -2, 3], &[4, 5, -6]), 4 - 10 - 18);
/// ```
#[inline]
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        dot_i8_simd(a, b)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        dot_i8_scalar(a, b)
    }
}

/// The portable reference: over the common length of `a` and `b`. A plain
/// indexed loop, which every optimisation level (the `.wasm` is built for
/// size) compiles to a loop without calls.
#[inline]
pub fn dot_i8_scalar(a: &[i8], b: &[i8]) -> i32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut sum = 0;
    let mut i = 0;
    while i < n {
        sum += a[i] as i32 * b[i] as i32;
        i += 1;
    }
    sum
}

/// 16 lanes at a time with wasm `simd128`: widen to i16, multiply-add pairs
/// into i32 lanes (`i32x4.dot_i16x8_s`), then a scalar tail. Exact, like the
/// scalar path: |sum| ≤ 127² · len fits i32 for any catalog dimension.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
pub fn dot_i8_simd(a: &[i8], b: &[i8]) -> i32 {
    use core::arch::wasm32::*;
    let len = a.len().min(b.len());
    let full = len / 16 * 16;
    let mut acc = i32x4_splat(0);
    let mut c = 0;
    while c < full {
        // SAFETY: c + 16 ≤ full ≤ len ≤ both lengths; v128_load needs no alignment.
        let (va, vb) =
            unsafe { (v128_load(a.as_ptr().add(c).cast()), v128_load(b.as_ptr().add(c).cast())) };
        acc = i32x4_add(acc, dot16(va, i16x8_extend_low_i8x16(vb), i16x8_extend_high_i8x16(vb)));
        c += 16;
    }
    lane_sum(acc) + dot_i8_scalar(&a[full..len], &b[full..len])
}

/// The i32 lanes of `v · (low, high)` for 16 int8 codes `v` against 16 codes
/// already widened to i16 (`low`, `high`): exact for every code, −128 included.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn dot16(
    v: core::arch::wasm32::v128,
    low: core::arch::wasm32::v128,
    high: core::arch::wasm32::v128,
) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::*;
    i32x4_add(
        i32x4_dot_i16x8(i16x8_extend_low_i8x16(v), low),
        i32x4_dot_i16x8(i16x8_extend_high_i8x16(v), high),
    )
}

/// The sum of the four i32 lanes of `v`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn lane_sum(v: core::arch::wasm32::v128) -> i32 {
    use core::arch::wasm32::*;
    i32x4_extract_lane::<0>(v)
        + i32x4_extract_lane::<1>(v)
        + i32x4_extract_lane::<2>(v)
        + i32x4_extract_lane::<3>(v)
}

/// Dot products of one item vector with several rows at once: `out[j] =
/// item · rows[j·d .. (j+1)·d]` where `d = item.len()`. The SIMD path reads and
/// widens the item once for all rows. Rows missing from `rows` give 0.
///
/// ```
/// use flaneur::rank::kernel::dot_i8_many;
/// let mut out = [0; 2];
/// dot_i8_many(&[1, 2], &[3, 4, -1, 1], &mut out);
/// assert_eq!(out, [11, 1]);
/// ```
#[inline]
pub fn dot_i8_many(item: &[i8], rows: &[i8], out: &mut [i32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        dot_i8_many_simd(item, rows, out)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        dot_i8_many_scalar(item, rows, out)
    }
}

/// The portable reference for [`dot_i8_many`].
pub fn dot_i8_many_scalar(item: &[i8], rows: &[i8], out: &mut [i32]) {
    let d = item.len();
    for (j, o) in out.iter_mut().enumerate() {
        *o = rows.get(j * d..(j + 1) * d).map_or(0, |row| dot_i8_scalar(item, row));
    }
}

/// [`dot_i8_many`] with wasm `simd128`: four rows per pass over the item,
/// whose 16-code chunks are loaded and widened to i16 once for all four;
/// each row's chunk is widened and multiplied into its own i32 accumulator
/// (`i32x4.dot_i16x8`: exact for every code, −128 included). The rows left
/// over (fewer than four) go one by one. Written as plain indexed loops with
/// four named accumulators, so that a build for size keeps them in registers.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn dot_i8_many_simd(item: &[i8], rows: &[i8], out: &mut [i32]) {
    use core::arch::wasm32::*;
    let d = item.len();
    // Rows present in full; the others give 0.
    let n = rows.len().checked_div(d).map_or(out.len(), |whole| out.len().min(whole));
    let (present, missing) = out.split_at_mut(n);
    missing.fill(0);
    if d == 0 {
        present.fill(0);
        return;
    }
    let full = d / 16 * 16;
    let mut j = 0;
    while j + 4 <= n {
        let block = &rows[j * d..(j + 4) * d];
        let (mut a0, mut a1, mut a2, mut a3) =
            (i32x4_splat(0), i32x4_splat(0), i32x4_splat(0), i32x4_splat(0));
        let mut c = 0;
        while c < full {
            // SAFETY: c + 16 ≤ full ≤ d = item.len(), and r·d + c + 16 ≤ 4·d =
            // block.len() for r < 4; v128_load needs no alignment.
            let (v, w0, w1, w2, w3) = unsafe {
                let at = |r: usize| v128_load(block.as_ptr().add(r * d + c).cast());
                (v128_load(item.as_ptr().add(c).cast()), at(0), at(1), at(2), at(3))
            };
            let (lo, hi) = (i16x8_extend_low_i8x16(v), i16x8_extend_high_i8x16(v));
            a0 = i32x4_add(a0, dot16(w0, lo, hi));
            a1 = i32x4_add(a1, dot16(w1, lo, hi));
            a2 = i32x4_add(a2, dot16(w2, lo, hi));
            a3 = i32x4_add(a3, dot16(w3, lo, hi));
            c += 16;
        }
        let sums = [lane_sum(a0), lane_sum(a1), lane_sum(a2), lane_sum(a3)];
        let mut r = 0;
        while r < 4 {
            present[j + r] = sums[r];
            if full < d {
                present[j + r] += dot_i8_scalar(&item[full..], &block[r * d + full..(r + 1) * d]);
            }
            r += 1;
        }
        j += 4;
    }
    while j < n {
        present[j] = dot_i8_simd(item, &rows[j * d..(j + 1) * d]);
        j += 1;
    }
}

/// Dot products of one query with every row of a block: `out[j] = query ·
/// rows[j·d .. (j+1)·d]` for `d = query.len()` and every whole row (`out`
/// may be longer; the rest is left alone). The scan of a catalog against one
/// vector ([`super::nearest`]): the SIMD path widens the query once for the
/// whole block, so each row costs one load and two widenings per 16 codes.
///
/// ```
/// use flaneur::rank::kernel::dot_i8_rows;
/// let mut out = [0; 2];
/// dot_i8_rows(&[1, 2], &[3, 4, -1, 1], &mut out);
/// assert_eq!(out, [11, 1]);
/// ```
#[inline]
pub fn dot_i8_rows(query: &[i8], rows: &[i8], out: &mut [i32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        dot_i8_rows_simd(query, rows, out)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        dot_i8_rows_scalar(query, rows, out)
    }
}

/// The portable reference for [`dot_i8_rows`].
pub fn dot_i8_rows_scalar(query: &[i8], rows: &[i8], out: &mut [i32]) {
    if query.is_empty() {
        return;
    }
    for (row, o) in rows.chunks_exact(query.len()).zip(out) {
        *o = dot_i8_scalar(query, row);
    }
}

/// [`dot_i8_rows`] with wasm `simd128`. The query is widened to i16 once;
/// per 16 codes of a row: one load, two widenings to i16 and two i16×i16
/// dot products into i32 lanes (`i32x4.dot_i16x8_s`, one x86 instruction),
/// exact for any codes. Four rows are reduced together (a 4×4 transpose of
/// their accumulators by shuffles) instead of one horizontal sum per row.
/// Rows whose length is not a multiple of 16 finish with a scalar tail.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn dot_i8_rows_simd(query: &[i8], rows: &[i8], out: &mut [i32]) {
    use core::arch::wasm32::*;
    let d = query.len();
    if d == 0 {
        return;
    }
    let full = d / 16 * 16;
    // Each 16 query codes as two vectors of 8 i16.
    let mut q: Vec<v128> = Vec::with_capacity(full / 8);
    let mut c = 0;
    while c < full {
        // SAFETY: c + 16 ≤ full ≤ d; v128_load needs no alignment.
        let v = unsafe { v128_load(query.as_ptr().add(c).cast()) };
        q.push(i16x8_extend_low_i8x16(v));
        q.push(i16x8_extend_high_i8x16(v));
        c += 16;
    }
    let q = q.as_slice();
    /// The i32 lanes of the widened query `q` times the row starting at `row`.
    ///
    /// SAFETY: `row` must have `8 · q.len()` readable bytes.
    #[inline(always)]
    unsafe fn accumulate(q: &[v128], row: *const i8) -> v128 {
        let mut acc = i32x4_splat(0);
        let mut k = 0;
        while k + 1 < q.len() {
            // SAFETY: k / 2 · 16 + 16 ≤ 8 · q.len() readable bytes (the caller's promise).
            let r = unsafe { v128_load(row.add(k * 8).cast()) };
            acc = i32x4_add(acc, dot16(r, q[k], q[k + 1]));
            k += 2;
        }
        acc
    }
    // As many rows as both sides hold, so the blocks of four line up.
    let n = (rows.len() / d).min(out.len());
    let (rows, out) = (&rows[..n * d], &mut out[..n]);
    let mut j = 0;
    while j + 4 <= n {
        let (r0, r1, r2, r3) = (
            &rows[j * d..(j + 1) * d],
            &rows[(j + 1) * d..(j + 2) * d],
            &rows[(j + 2) * d..(j + 3) * d],
            &rows[(j + 3) * d..(j + 4) * d],
        );
        // SAFETY: each row holds d ≥ full = 8 · q.len() bytes.
        let (a0, a1, a2, a3) = unsafe {
            (
                accumulate(q, r0.as_ptr()),
                accumulate(q, r1.as_ptr()),
                accumulate(q, r2.as_ptr()),
                accumulate(q, r3.as_ptr()),
            )
        };
        // Transpose-and-add: lane i of the result is the sum of row i's accumulator.
        let t0 =
            i32x4_add(i32x4_shuffle::<0, 4, 1, 5>(a0, a1), i32x4_shuffle::<2, 6, 3, 7>(a0, a1));
        let t1 =
            i32x4_add(i32x4_shuffle::<0, 4, 1, 5>(a2, a3), i32x4_shuffle::<2, 6, 3, 7>(a2, a3));
        let sums = i32x4_add(i64x2_shuffle::<0, 2>(t0, t1), i64x2_shuffle::<1, 3>(t0, t1));
        out[j] = i32x4_extract_lane::<0>(sums);
        out[j + 1] = i32x4_extract_lane::<1>(sums);
        out[j + 2] = i32x4_extract_lane::<2>(sums);
        out[j + 3] = i32x4_extract_lane::<3>(sums);
        if full < d {
            for (o, row) in out[j..j + 4].iter_mut().zip([r0, r1, r2, r3]) {
                *o += dot_i8_scalar(&query[full..], &row[full..]);
            }
        }
        j += 4;
    }
    while j < n {
        let row = &rows[j * d..(j + 1) * d];
        // SAFETY: the row holds d ≥ full = 8 · q.len() bytes.
        out[j] = lane_sum(unsafe { accumulate(q, row.as_ptr()) })
            + dot_i8_scalar(&query[full..], &row[full..]);
        j += 1;
    }
}
