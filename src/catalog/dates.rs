//! Calendar dates (`YYYY-MM-DD`) as days since 1970-01-01.

/// Milliseconds per day.
pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian), or
/// `None` when the text is not such a date.
///
/// ```
/// use flaneur::catalog::dates::parse_day;
/// assert_eq!(parse_day("1970-01-02"), Some(1));
/// assert_eq!(parse_day("2026-03-01"), Some(20_513));
/// assert_eq!(parse_day("2026-02-30"), None);
/// assert_eq!(parse_day("March 1st"), None);
/// ```
pub fn parse_day(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(range)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month[(m - 1) as usize] {
        return None;
    }
    // Days from civil (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// The day (since 1970-01-01) containing the instant `ms` (since the epoch).
pub fn day_of(ms: i64) -> i32 {
    ms.div_euclid(DAY_MS).clamp(i32::MIN as i64 + 1, i32::MAX as i64) as i32
}

/// The `YYYY-MM-DD` date of a day since 1970-01-01 (proleptic Gregorian, the
/// inverse of [`parse_day`] for the years 0 to 9999), or `None` outside them.
///
/// ```
/// use flaneur::catalog::dates::{format_day, parse_day};
/// assert_eq!(format_day(20_513).as_deref(), Some("2026-03-01"));
/// assert_eq!(format_day(0).as_deref(), Some("1970-01-01"));
/// assert_eq!(parse_day(&format_day(-1).unwrap()), Some(-1));
/// assert_eq!(format_day(i32::MAX), None);
/// ```
pub fn format_day(day: i32) -> Option<String> {
    let (y, m, d) = civil(i64::from(day));
    (0..=9999).contains(&y).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// `(year, month 1–12, day 1–31)` of a day since 1970-01-01, proleptic
/// Gregorian (H. Hinnant's civil-from-days algorithm), for any `i64` day a
/// timestamp in ms can give.
///
/// ```
/// use flaneur::catalog::dates::civil;
/// assert_eq!(civil(0), (1970, 1, 1));
/// assert_eq!(civil(20_513), (2026, 3, 1));
/// assert_eq!(civil(-1), (1969, 12, 31));
/// ```
pub fn civil(day: i64) -> (i64, u32, u32) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m as u32, d as u32)
}
