//! What the feed readers share: the file name as the default shop, the
//! Merchant Center price and availability fields, and how a streamed JSON
//! reader reports a broken document or a malformed element.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::compile::Compiler;

/// The shop's default name: the feed's file name without its extension.
pub fn shop_name(path: &Path) -> String {
    path.file_stem().map_or_else(|| "shop".into(), |s| s.to_string_lossy().into_owned())
}

/// Parses a Merchant Center price: `"49.90 EUR"`, `"EUR 49.90"` or `"49.90"`,
/// as shops export them too: a decimal comma (`"49,90 EUR"`) and thousands
/// grouped by commas or points (`"1,299.00"`, `"1.299,00"`, `"1,299"`); a
/// lone point is always the decimal mark (`"1.234 KWD"`).
pub fn parse_price(text: &str) -> Result<(f64, Option<String>), String> {
    let bad = || format!("{text:?} is not a price like \"49.90 EUR\"");
    let parts: Vec<&str> = text.split_whitespace().collect();
    let (price, currency) = match parts.as_slice() {
        [n] => (number(n).ok_or_else(bad)?, None),
        [a, b] => match (number(a), number(b)) {
            (Some(p), None) => (p, Some(*b)),
            (None, Some(p)) => (p, Some(*a)),
            _ => return Err(bad()),
        },
        _ => return Err(bad()),
    };
    if let Some(c) = currency {
        if c.len() != 3 || !c.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!("{text:?}: {c:?} is not an ISO 4217 currency code"));
        }
    }
    Ok((price, currency.map(str::to_ascii_uppercase)))
}

/// An amount, `.` or `,` its decimal mark: the last of them when both are
/// there (the other groups thousands), a lone one (but a comma before three
/// digits, which groups them, as several points do: `1,299`, `1.299.000`).
fn number(text: &str) -> Option<f64> {
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',') {
        return None; // no sign, exponent, NaN or infinity
    }
    let marks: Vec<usize> = text.match_indices(['.', ',']).map(|(at, _)| at).collect();
    let (whole, fraction) = match marks.last() {
        None => (text, ""),
        Some(&last) => {
            let (head, tail) = (&text[..last], &text[last + 1..]);
            let grouping = |head: &str, mark: char| {
                let mut groups = head.split(mark);
                let first = groups.next().unwrap_or("");
                (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
            };
            let mark = text[last..].chars().next().unwrap_or('.');
            let other = if mark == '.' { ',' } else { '.' };
            // A lone point is the decimal mark the specification asks for (`1.234 KWD`).
            let groups = mark == ',' || marks.len() > 1;
            if groups && tail.len() == 3 && grouping(text, mark) && !head.contains(other) {
                // `1,299`, `1.299.000`: every mark groups thousands.
                (text, "")
            } else if !head.contains(mark) && (!head.contains(other) || grouping(head, other)) {
                (head, tail)
            } else {
                return None;
            }
        }
    };
    let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
    if (digits.is_empty() && fraction.is_empty()) || fraction.contains(['.', ',']) {
        return None;
    }
    format!("0{digits}.{fraction}0").parse::<f64>().ok().filter(|p| p.is_finite())
}

/// Merchant Center availability → whether the item can be ordered now.
pub fn parse_availability(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().replace('_', " ").as_str() {
        "" | "in stock" | "preorder" | "backorder" => Ok(true),
        "out of stock" => Ok(false),
        other => {
            Err(format!("{other:?} is not one of in stock, out of stock, preorder, backorder"))
        }
    }
}

/// A document error (syntax, a wrong type outside the items, a missing key)
/// ends the read: one problem with its line and character; the problems found
/// before it stay.
pub fn document_error(c: &mut Compiler, e: &serde_json::Error) {
    c.problems.line(e.line() as u64, &format!("character {}", e.column()), e.to_string());
}

/// An element of the streamed array that does not convert to the reader's
/// type: a problem at its path (`items[7]: invalid type: …`), and the next
/// element is read.
pub fn element<T: DeserializeOwned>(
    c: &mut Compiler,
    array: &str,
    index: usize,
    value: serde_json::Value,
) -> Option<T> {
    serde_json::from_value(value)
        .map_err(|e| c.problems.path(format!("{array}[{index}]"), e.to_string()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_merchant_center_forms() {
        assert_eq!(parse_price("49.90 EUR"), Ok((49.9, Some("EUR".into()))));
        assert_eq!(parse_price("usd 12"), Ok((12.0, Some("USD".into()))));
        assert_eq!(parse_price("7.5"), Ok((7.5, None)));
        // As shops export them: decimal commas, thousands grouped either way.
        for (text, want) in [
            ("49,90 EUR", 49.9),
            ("EUR 49,9", 49.9),
            ("1,299.00 USD", 1299.0),
            ("1.299,00 EUR", 1299.0),
            ("1,299 JPY", 1299.0),
            ("1.299.000 IDR", 1_299_000.0),
            ("1 EUR", 1.0),
            ("0,5 EUR", 0.5),
            (".5 EUR", 0.5),
            ("1.234 KWD", 1.234),
            ("1.234,5 EUR", 1234.5),
        ] {
            assert_eq!(parse_price(text).map(|p| p.0), Ok(want), "{text:?}");
        }
        for bad in [
            "",
            "forty EUR",
            "-1 EUR",
            "12 EURO",
            "1 2 3",
            "NaN EUR",
            "inf",
            "1e3 EUR",
            "1,2,3 EUR",
            "12.34.56 EUR",
            "1.299,00.00 EUR",
            "1,23.45 EUR",
            ", EUR",
            "+5 EUR",
        ] {
            assert!(parse_price(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn availability_values() {
        assert_eq!(parse_availability("in stock"), Ok(true));
        assert_eq!(parse_availability("In_Stock"), Ok(true));
        assert_eq!(parse_availability("preorder"), Ok(true));
        assert_eq!(parse_availability("backorder"), Ok(true));
        assert_eq!(parse_availability("out of stock"), Ok(false));
        assert_eq!(parse_availability(""), Ok(true));
        assert!(parse_availability("sold out").is_err());
    }
}
