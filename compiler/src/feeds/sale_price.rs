//! Merchant Center's `sale_price_effective_date`: the interval, two ISO 8601
//! times joined by `/` (`2026-11-27T00:00+0100/2026-11-30T23:59+0100`),
//! during which an item's `sale_price` is its price.

use crate::orders::parse_timestamp;

/// Whether a sale of effective dates `dates` is on at `at` (ms since the
/// epoch): always when `dates` is empty; from its start, before its end.
pub fn on_sale(dates: &str, at: i64) -> Result<bool, String> {
    let dates = dates.trim();
    if dates.is_empty() {
        return Ok(true);
    }
    let bad = || {
        format!(
            "{dates:?} is not a start and an end in ISO 8601 joined by \"/\" \
             (2026-11-27T00:00+0100/2026-11-30T23:59+0100)"
        )
    };
    let (start, end) = dates.split_once('/').ok_or_else(bad)?;
    let (start, end) =
        (parse_timestamp(start).ok_or_else(bad)?, parse_timestamp(end).ok_or_else(bad)?);
    if end < start {
        return Err(format!("{dates:?} ends before it starts"));
    }
    Ok(start <= at && at < end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sale_is_on_from_its_start_to_before_its_end() {
        let dates = "2026-11-27T00:00+0100/2026-11-30T23:59+0100";
        let start = parse_timestamp("2026-11-26T23:00Z").unwrap();
        assert_eq!(on_sale(dates, start - 1), Ok(false));
        assert_eq!(on_sale(dates, start), Ok(true));
        assert_eq!(on_sale(dates, parse_timestamp("2026-11-30T22:58:59Z").unwrap()), Ok(true));
        assert_eq!(on_sale(dates, parse_timestamp("2026-11-30T22:59Z").unwrap()), Ok(false));
        assert_eq!(on_sale("", 0), Ok(true), "no dates: always");
        let noon = parse_timestamp("2026-11-27T12:00Z").unwrap();
        assert_eq!(on_sale("2026-11-27/2026-11-28", noon), Ok(true), "dates alone");
        for bad in ["2026-11-27", "soon/later", "2026-11-30/2026-11-27"] {
            assert!(on_sale(bad, start).is_err(), "{bad:?}");
        }
    }
}
