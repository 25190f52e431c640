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
