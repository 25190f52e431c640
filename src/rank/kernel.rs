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

/// [`dot_i8_many`] with wasm `simd128`, four rows per pass over the item.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn dot_i8_many_simd(item: &[i8], rows: &[i8], out: &mut [i32]) {
    use core::arch::wasm32::*;
    let d = item.len();
    let full = d / 16 * 16;
    for (group, outs) in out.chunks_mut(4).enumerate() {
        let first = group * 4;
        let mut acc = [i32x4_splat(0); 4];
        let rows_here: [&[i8]; 4] =
            core::array::from_fn(|j| if j < outs.len() { rows.get((first + j) * d..(first + j + 1) * d).unwrap_or(&[]) } else { &[] });
        for c in (0..full).step_by(16) {
            let Some(chunk) = item.get(c..c + 16) else { break };
            // SAFETY: `chunk` is exactly 16 bytes; v128_load has no alignment requirement.
            let v = unsafe { v128_load(chunk.as_ptr().cast()) };
            let (lo, hi) = (i16x8_extend_low_i8x16(v), i16x8_extend_high_i8x16(v));
            for (a, row) in acc.iter_mut().zip(&rows_here) {
                if let Some(r) = row.get(c..c + 16) {
                    // SAFETY: as above.
                    let r = unsafe { v128_load(r.as_ptr().cast()) };
                    let sum = i32x4_add(
                        i32x4_dot_i16x8(lo, i16x8_extend_low_i8x16(r)),
                        i32x4_dot_i16x8(hi, i16x8_extend_high_i8x16(r)),
                    );
                    *a = i32x4_add(*a, sum);
                }
            }
        }
        for (j, o) in outs.iter_mut().enumerate() {
            let a = acc[j];
            let lanes = i32x4_extract_lane::<0>(a) + i32x4_extract_lane::<1>(a) + i32x4_extract_lane::<2>(a)
                + i32x4_extract_lane::<3>(a);
            let row = rows_here[j];
            *o = if row.len() == d { lanes + dot_i8_scalar(&item[full..], &row[full..]) } else { 0 };
        }
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

/// [`dot_i8_rows`] with wasm `simd128`: the query widened to i16 once, each
/// row loaded 16 codes at a time; rows whose length is not a multiple of 16
/// finish with a scalar tail.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn dot_i8_rows_simd(query: &[i8], rows: &[i8], out: &mut [i32]) {
    use core::arch::wasm32::*;
    let d = query.len();
    if d == 0 {
        return;
    }
    let full = d / 16 * 16;
    let widened: Vec<(v128, v128)> = query[..full]
        .chunks_exact(16)
        .map(|c| {
            // SAFETY: `c` is exactly 16 bytes; v128_load has no alignment requirement.
            let v = unsafe { v128_load(c.as_ptr().cast()) };
            (i16x8_extend_low_i8x16(v), i16x8_extend_high_i8x16(v))
        })
        .collect();
    for (row, o) in rows.chunks_exact(d).zip(out) {
        let mut acc = i32x4_splat(0);
        for (chunk, &(lo, hi)) in row[..full].chunks_exact(16).zip(&widened) {
            // SAFETY: as above.
            let r = unsafe { v128_load(chunk.as_ptr().cast()) };
            acc = i32x4_add(acc, i32x4_dot_i16x8(i16x8_extend_low_i8x16(r), lo));
            acc = i32x4_add(acc, i32x4_dot_i16x8(i16x8_extend_high_i8x16(r), hi));
        }
        let lanes = i32x4_extract_lane::<0>(acc)
            + i32x4_extract_lane::<1>(acc)
            + i32x4_extract_lane::<2>(acc)
            + i32x4_extract_lane::<3>(acc);
        *o = lanes + dot_i8_scalar(&query[full..], &row[full..]);
    }
}
