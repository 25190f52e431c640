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

/// The portable reference: over the common length of `a` and `b`.
#[inline]
pub fn dot_i8_scalar(a: &[i8], b: &[i8]) -> i32 {
    a.iter().zip(b).map(|(&x, &y)| x as i32 * y as i32).sum()
}

/// 16 lanes at a time with wasm `simd128`: widen to i16, multiply-add pairs
/// into i32 lanes (`i32x4.dot_i16x8_s`), then a scalar tail. Exact, like the
/// scalar path: |sum| ≤ 127² · len fits i32 for any catalog dimension.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
pub fn dot_i8_simd(a: &[i8], b: &[i8]) -> i32 {
    use core::arch::wasm32::*;
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let mut acc = i32x4_splat(0);
    let mut chunks_a = a.chunks_exact(16);
    let mut chunks_b = b.chunks_exact(16);
    for (ca, cb) in (&mut chunks_a).zip(&mut chunks_b) {
        // SAFETY: each chunk is exactly 16 bytes; v128_load has no alignment requirement.
        let (va, vb) = unsafe { (v128_load(ca.as_ptr().cast()), v128_load(cb.as_ptr().cast())) };
        let lo = i32x4_dot_i16x8(i16x8_extend_low_i8x16(va), i16x8_extend_low_i8x16(vb));
        let hi = i32x4_dot_i16x8(i16x8_extend_high_i8x16(va), i16x8_extend_high_i8x16(vb));
        acc = i32x4_add(acc, i32x4_add(lo, hi));
    }
    let lanes = i32x4_extract_lane::<0>(acc)
        + i32x4_extract_lane::<1>(acc)
        + i32x4_extract_lane::<2>(acc)
        + i32x4_extract_lane::<3>(acc);
    lanes + dot_i8_scalar(chunks_a.remainder(), chunks_b.remainder())
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

/// [`dot_i8_many`] with wasm `simd128`: up to four rows per pass over the
/// item, whose 16-code chunks are loaded and widened to i16 once for all of
/// them; each row's chunk is widened and multiplied into an i32 accumulator
/// (`i32x4.dot_i16x8`: exact for every code, −128 included). The rows' lengths
/// are checked once per call, not per chunk, and a group of a fixed size keeps
/// its accumulators in registers.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn dot_i8_many_simd(item: &[i8], rows: &[i8], out: &mut [i32]) {
    let d = item.len();
    // Rows present in full; the others give 0.
    let n = rows.len().checked_div(d).map_or(out.len(), |whole| out.len().min(whole));
    let (present, missing) = out.split_at_mut(n);
    missing.fill(0);
    if d == 0 {
        present.fill(0);
        return;
    }
    let mut groups = present.chunks_mut(4);
    let mut first = 0;
    for outs in &mut groups {
        let block = &rows[first * d..(first + outs.len()) * d];
        match outs.len() {
            4 => many_group::<4>(item, block, outs),
            3 => many_group::<3>(item, block, outs),
            2 => many_group::<2>(item, block, outs),
            _ => many_group::<1>(item, block, outs),
        }
        first += outs.len();
    }
}

/// `out[r] = item · block[r·d .. (r+1)·d]` for `M` rows (`block.len() == M · d`).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn many_group<const M: usize>(item: &[i8], block: &[i8], out: &mut [i32]) {
    use core::arch::wasm32::*;
    let d = item.len();
    let full = d / 16 * 16;
    if block.len() != M * d || out.len() != M {
        return dot_i8_many_scalar(item, block, out);
    }
    let mut acc = [i32x4_splat(0); M];
    let mut c = 0;
    while c < full {
        // SAFETY: c + 16 ≤ full ≤ d = item.len(), and r·d + c + 16 ≤ M·d =
        // block.len() for r < M (checked above); v128_load needs no alignment.
        let v = unsafe { v128_load(item.as_ptr().add(c).cast()) };
        let (lo, hi) = (i16x8_extend_low_i8x16(v), i16x8_extend_high_i8x16(v));
        for (r, a) in acc.iter_mut().enumerate() {
            // SAFETY: as above.
            let w = unsafe { v128_load(block.as_ptr().add(r * d + c).cast()) };
            let sum = i32x4_add(
                i32x4_dot_i16x8(lo, i16x8_extend_low_i8x16(w)),
                i32x4_dot_i16x8(hi, i16x8_extend_high_i8x16(w)),
            );
            *a = i32x4_add(*a, sum);
        }
        c += 16;
    }
    for (r, (o, a)) in out.iter_mut().zip(acc).enumerate() {
        let lanes = i32x4_extract_lane::<0>(a)
            + i32x4_extract_lane::<1>(a)
            + i32x4_extract_lane::<2>(a)
            + i32x4_extract_lane::<3>(a);
        *o = lanes + dot_i8_scalar(&item[full..], &block[r * d + full..(r + 1) * d]);
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
    let q: Vec<(v128, v128)> = query[..full]
        .chunks_exact(16)
        .map(|c| {
            let v = unsafe { v128_load(c.as_ptr().cast()) };
            (i16x8_extend_low_i8x16(v), i16x8_extend_high_i8x16(v))
        })
        .collect();
    #[inline(always)]
    fn accumulate(q: &[(v128, v128)], row: &[i8]) -> v128 {
        let mut acc = i32x4_splat(0);
        for (chunk, &(low, high)) in row.chunks_exact(16).zip(q) {
            let r = unsafe { v128_load(chunk.as_ptr().cast()) };
            let sum = i32x4_add(
                i32x4_dot_i16x8(i16x8_extend_low_i8x16(r), low),
                i32x4_dot_i16x8(i16x8_extend_high_i8x16(r), high),
            );
            acc = i32x4_add(acc, sum);
        }
        acc
    }
    let tail = |row: &[i8]| dot_i8_scalar(&query[full..], &row[full..]);
    // As many rows as both sides hold, so the blocks of four line up.
    let n = (rows.len() / d).min(out.len());
    let (rows, out) = (&rows[..n * d], &mut out[..n]);
    let mut rows4 = rows.chunks_exact(4 * d);
    let mut out4 = out.chunks_exact_mut(4);
    for (block, o) in (&mut rows4).zip(&mut out4) {
        let (r0, rest) = block.split_at(d);
        let (r1, rest) = rest.split_at(d);
        let (r2, r3) = rest.split_at(d);
        let (a0, a1, a2, a3) =
            (accumulate(&q, r0), accumulate(&q, r1), accumulate(&q, r2), accumulate(&q, r3));
        // Transpose-and-add: lane i of the result is the sum of row i's accumulator.
        let t0 =
            i32x4_add(i32x4_shuffle::<0, 4, 1, 5>(a0, a1), i32x4_shuffle::<2, 6, 3, 7>(a0, a1));
        let t1 =
            i32x4_add(i32x4_shuffle::<0, 4, 1, 5>(a2, a3), i32x4_shuffle::<2, 6, 3, 7>(a2, a3));
        let sums = i32x4_add(i64x2_shuffle::<0, 2>(t0, t1), i64x2_shuffle::<1, 3>(t0, t1));
        o[0] = i32x4_extract_lane::<0>(sums) + tail(r0);
        o[1] = i32x4_extract_lane::<1>(sums) + tail(r1);
        o[2] = i32x4_extract_lane::<2>(sums) + tail(r2);
        o[3] = i32x4_extract_lane::<3>(sums) + tail(r3);
    }
    for (row, o) in rows4.remainder().chunks_exact(d).zip(out4.into_remainder()) {
        let acc = accumulate(&q, row);
        let lanes = i32x4_extract_lane::<0>(acc)
            + i32x4_extract_lane::<1>(acc)
            + i32x4_extract_lane::<2>(acc)
            + i32x4_extract_lane::<3>(acc);
        *o = lanes + tail(row);
    }
}
