//! The shop's order log (`--orders`): CSV or TSV lines `user,item,timestamp`
//! after a header, the timestamp in ms since the epoch or ISO 8601. Users are
//! interned to dense numbers as they are read and items mapped to catalog
//! positions, so what is kept is three integers a line; nothing of it is
//! published but the aggregates `crate::repurchase` learns from it.

use std::collections::HashMap;
use std::path::Path;

use flaneur::catalog::dates::{DAY_MS, parse_day};

use crate::delimited;
use crate::problem::{At, Problem, Problems};

/// One order line: a dense user number, a catalog position, ms since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Line {
    /// The user, numbered in order of first appearance.
    pub user: u32,
    /// The item's catalog position.
    pub item: u32,
    /// When, in ms since 1970-01-01T00:00Z.
    pub ms: i64,
}

/// The order lines of the feed's items, and what was read.
#[derive(Debug, Default)]
pub struct Orders {
    /// Every line naming an item of the feed.
    pub lines: Vec<Line>,
    /// Distinct users over those lines.
    pub users: usize,
    /// Data lines read (a header and lines with a problem aside).
    pub read: usize,
    /// Lines naming an item the feed does not have (skipped).
    pub unknown: usize,
}

/// Reads the order log; `index_of` maps an item id to its catalog position.
/// Every problem is recorded with its line and column; `None` when the file
/// cannot be read at all.
pub fn read(
    path: &Path,
    index_of: impl Fn(&str) -> Option<u32>,
    problems: &mut Problems,
) -> Option<Orders> {
    let file = path.display().to_string();
    let mut found: Vec<Problem> = Vec::new();
    let mut problem = |line: u64, column: &str, message: String| {
        found.push(Problem { at: At::File(file.clone(), line, column.into()), message })
    };
    let mut users: HashMap<Box<str>, u32> = HashMap::new();
    let mut orders = Orders::default();
    let read = delimited::records(path, |line, record| {
        let record = match record {
            Ok(r) => r,
            Err(e) => return problem(line, "(row)", e),
        };
        if record.len() != 3 {
            return problem(
                line,
                "(row)",
                format!("has {} fields, expected user,item,timestamp", record.len()),
            );
        }
        let (user, item, when) = (record[0].trim(), record[1].trim(), record[2].trim());
        let Some(ms) = parse_timestamp(when) else {
            if line == 1 {
                return; // the header
            }
            return problem(
                line,
                "timestamp",
                format!("{:?} is neither ms since the epoch nor an ISO 8601 date", prefix(when)),
            );
        };
        if user.is_empty() || item.is_empty() {
            let column = if user.is_empty() { "user" } else { "item" };
            return problem(line, column, format!("empty {column}"));
        }
        orders.read += 1;
        let Some(item) = index_of(item) else {
            orders.unknown += 1;
            return;
        };
        let next = users.len() as u32;
        let user = *users.entry(user.into()).or_insert(next);
        orders.lines.push(Line { user, item, ms });
    });
    problems.0.extend(found);
    if let Err(e) = read {
        problems.feed(format!("{}: {e}", path.display()));
        return None;
    }
    orders.users = users.len();
    Some(orders)
}

/// At most 64 bytes of `text`, for messages.
fn prefix(text: &str) -> &str {
    let mut end = text.len().min(64);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A timestamp as ms since the epoch: an integer is taken as ms; otherwise
/// ISO 8601 `YYYY-MM-DD`, optionally followed by `T` or a space and
/// `HH:MM[:SS[.fff…]]`, and by `Z` or an offset `±HH[:MM]` (none: UTC).
///
/// ```
/// use flaneur_compiler::orders::parse_timestamp;
/// assert_eq!(parse_timestamp("86400000"), Some(86_400_000));
/// assert_eq!(parse_timestamp("1970-01-02"), Some(86_400_000));
/// assert_eq!(parse_timestamp("1970-01-02T01:00:00.5+01:00"), Some(86_400_500));
/// assert_eq!(parse_timestamp("1970-01-02 10:30Z"), Some(86_400_000 + 37_800_000));
/// assert_eq!(parse_timestamp("yesterday"), None);
/// ```
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let day = i64::from(parse_day(text.get(..10)?)?);
    let rest = &text[10..];
    let mut ms = day * DAY_MS;
    let Some(time) = rest.strip_prefix(['T', ' ']) else {
        return rest.is_empty().then_some(ms);
    };
    // The zone: `Z`, `±HH:MM`, `±HHMM` or `±HH` at the end (none: UTC).
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => (&time[..at], &time[at..]),
        None => (time, ""),
    };
    let number = |s: &str, max: i64| -> Option<i64> {
        let ok = s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| s.parse().ok()).flatten().filter(|&v| v <= max)
    };
    let mut parts = clock.splitn(3, ':');
    let hours = number(parts.next()?, 23)?;
    let minutes = number(parts.next()?, 59)?;
    ms += hours * 3_600_000 + minutes * 60_000;
    if let Some(seconds) = parts.next() {
        let (whole, fraction) = seconds.split_once(['.', ',']).unwrap_or((seconds, ""));
        ms += number(whole, 60)? * 1000;
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let millis = format!("{fraction:0<3}");
        ms += millis.get(..3)?.parse::<i64>().ok()?;
    }
    match zone {
        "" | "Z" | "z" => Some(ms),
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let offset = zone[1..].replace(':', "");
            let (h, m) = match offset.len() {
                2 => (number(&offset, 23)?, 0),
                4 => (number(&offset[..2], 23)?, number(&offset[2..], 59)?),
                _ => return None,
            };
            Some(ms - sign * (h * 3_600_000 + m * 60_000))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_ms_and_iso_8601() {
        let day = 20_513 * DAY_MS; // 2026-03-01
        assert_eq!(parse_timestamp("2026-03-01"), Some(day));
        assert_eq!(parse_timestamp("2026-03-01T00:00:00Z"), Some(day));
        assert_eq!(parse_timestamp("2026-03-01T23:59:59.999"), Some(day + DAY_MS - 1));
        assert_eq!(parse_timestamp("2026-03-01T02:00+0200"), Some(day));
        assert_eq!(parse_timestamp("2026-02-28T22:00:00-02"), Some(day));
        assert_eq!(parse_timestamp("2026-03-01T10:00:00.1234Z"), Some(day + 36_000_123));
        assert_eq!(parse_timestamp("-1"), Some(-1));
        for bad in ["", "2026-02-30", "2026-03-01T24:00", "2026-03-01T10", "2026-03-01X", "1e9"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert_eq!(parse_timestamp("2026-03-01T10:00+1"), None);
    }
}
