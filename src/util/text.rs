//! Cutting text on a character boundary.

/// The longest prefix of `s` at most `max` bytes long that ends on a
/// character boundary (`str::floor_char_boundary`, which needs Rust 1.91).
///
/// ```
/// use flaneur::util::text::prefix;
/// assert_eq!(prefix("héllo", 2), "h");
/// assert_eq!(prefix("héllo", 3), "hé");
/// assert_eq!(prefix("hi", 10), "hi");
/// ```
pub fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
