//! IEEE 754 half precision (binary16) by hand: the binary catalog stores the
//! sequence model's weights in it. No dependency, no `unsafe`, no panic.

/// The largest finite half-precision value.
pub const F16_MAX: f32 = 65504.0;

/// `x` rounded to the nearest half-precision value, ties to even (as IEEE 754
/// and PyTorch's `.half()` round): the bits of that value. Overflow gives ±∞,
/// NaN a quiet NaN, values too small for a subnormal ±0.
///
/// ```
/// use flaneur::util::f16::{f16_to_f32, f32_to_f16};
/// assert_eq!(f32_to_f16(1.0), 0x3c00);
/// assert_eq!(f16_to_f32(f32_to_f16(0.1)), 0.099975586);
/// assert_eq!(f32_to_f16(1e6), 0x7c00);
/// ```
pub fn f32_to_f16(x: f32) -> u16 {
    let bits = x.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xff) as i32;
    let man = bits & 0x007f_ffff;
    if exp == 0xff {
        return sign | 0x7c00 | if man != 0 { 0x0200 } else { 0 };
    }
    // The half-precision exponent field this value would have.
    let e = exp - 127 + 15;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    if e <= 0 {
        // A subnormal half (or zero): m × 2^-24 with m = significand × 2^(exp − 126).
        if exp == 0 {
            return sign; // an f32 subnormal is far below the smallest half subnormal
        }
        let significand = man | 0x0080_0000;
        let shift = (126 - exp) as u32; // at least 14
        if shift > 24 {
            return sign;
        }
        let m = significand >> shift;
        let rest = significand & ((1 << shift) - 1);
        let half = 1 << (shift - 1);
        let up = rest > half || (rest == half && m & 1 == 1);
        return sign | (m + u32::from(up)) as u16;
    }
    let m = man >> 13;
    let rest = man & 0x1fff;
    let up = rest > 0x1000 || (rest == 0x1000 && m & 1 == 1);
    // A carry out of the mantissa steps the exponent up (to ∞ past the largest finite value).
    sign | (((e as u32) << 10) + m + u32::from(up)) as u16
}

/// The value of the half-precision number with these bits (exact: every half is an f32).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x03ff);
    let magnitude = match exp {
        0 => (man as f32) * (1.0 / 16_777_216.0), // m × 2^-24
        0x1f => f32::from_bits(0x7f80_0000 | (man << 13)),
        _ => f32::from_bits(((exp + 112) << 23) | (man << 13)),
    };
    f32::from_bits(sign | magnitude.to_bits())
}

/// `x` as half precision would keep it.
pub fn round_to_f16(x: f32) -> f32 {
    f16_to_f32(f32_to_f16(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_finite_half_round_trips() {
        for h in 0..=u16::MAX {
            let x = f16_to_f32(h);
            if x.is_nan() {
                assert!(f16_to_f32(f32_to_f16(x)).is_nan());
                continue;
            }
            assert_eq!(f32_to_f16(x), h, "{h:#06x} = {x}");
        }
    }

    /// The midpoint between two neighbouring halves goes to the even one, and
    /// anything just off it to the nearer one.
    #[test]
    fn rounds_to_nearest_even() {
        for h in 0..0x7bffu16 {
            let (lo, hi) = (f16_to_f32(h), f16_to_f32(h + 1));
            let mid = ((f64::from(lo) + f64::from(hi)) / 2.0) as f32;
            let even = if h % 2 == 0 { h } else { h + 1 };
            assert_eq!(f32_to_f16(mid), even, "midpoint of {h:#06x}");
            assert_eq!(f32_to_f16(-mid), even | 0x8000);
            assert_eq!(f32_to_f16(f32::from_bits(mid.to_bits() - 1)), h);
            assert_eq!(f32_to_f16(f32::from_bits(mid.to_bits() + 1)), h + 1);
        }
        assert_eq!(f32_to_f16(F16_MAX), 0x7bff);
        assert_eq!(f32_to_f16(65519.0), 0x7bff);
        assert_eq!(f32_to_f16(65520.0), 0x7c00);
        assert_eq!(f32_to_f16(f32::NEG_INFINITY), 0xfc00);
        assert_eq!(f32_to_f16(1e-9), 0);
        assert_eq!(f32_to_f16(f32::from_bits(1)), 0);
        assert_eq!(f32_to_f16(2.0f32.powi(-25)), 0, "half the smallest subnormal: to even, 0");
        assert_eq!(f32_to_f16(2.0f32.powi(-25) * 1.5), 1);
    }
}
