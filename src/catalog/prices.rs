//! Item prices, held in cents while every price is a whole number of cents
//! (a shop's usual case): four bytes an item instead of eight, read back as
//! the very number the shop gave. Nothing ranks by price; a shelf shows it.

use super::row_merge::Room;

/// Marks an item without a price among cents.
const NO_CENTS: u32 = u32::MAX;

/// Each item's price, item after item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Prices {
    /// Every price in whole cents ([`NO_CENTS`]: none).
    Cents(Vec<u32>),
    /// Prices as given (`NaN`: none), once one is not a whole number of cents.
    Exact(Vec<f64>),
}

impl Default for Prices {
    fn default() -> Self {
        Prices::Cents(Vec::new())
    }
}

/// `price` in cents when that is exactly `price` again (`NaN`, no price,
/// is [`NO_CENTS`]); `None` for a price cents cannot hold.
fn cents(price: f64) -> Option<u32> {
    if price.is_nan() {
        return Some(NO_CENTS);
    }
    let cents = (price * 100.0).round();
    // Division is correctly rounded: `cents / 100` is the double nearest the
    // decimal price, which is what parsing the shop's text gave.
    (cents >= 0.0 && cents < NO_CENTS as f64 && cents / 100.0 == price).then_some(cents as u32)
}

/// The price `cents` holds (`NaN`: none).
fn price(cents: u32) -> f64 {
    if cents == NO_CENTS { f64::NAN } else { cents as f64 / 100.0 }
}

impl Prices {
    /// Prices as given, `NaN` for none.
    pub(crate) fn from_values(values: Vec<f64>) -> Self {
        if values.iter().all(|&p| cents(p).is_some()) {
            Prices::Cents(values.iter().map(|&p| cents(p).unwrap_or(NO_CENTS)).collect())
        } else {
            Prices::Exact(values)
        }
    }

    /// Item `i`'s price, `None` when it has none. Panics when `i` is out of range.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<f64> {
        let p = match self {
            Prices::Cents(cents) => price(cents[i]),
            Prices::Exact(values) => values[i],
        };
        (!p.is_nan()).then_some(p)
    }

    /// Every price, item after item, `NaN` for none.
    pub(crate) fn values(&self) -> Vec<f64> {
        match self {
            Prices::Cents(cents) => cents.iter().map(|&c| price(c)).collect(),
            Prices::Exact(values) => values.clone(),
        }
    }

    /// Appends a price (`NaN`: none).
    pub(crate) fn push(&mut self, p: f64) {
        if let (Prices::Cents(held), Some(c)) = (&mut *self, cents(p)) {
            held.push(c);
            return;
        }
        let mut values = self.take_exact();
        values.push(p);
        *self = Prices::Exact(values);
    }

    /// Room for `n` more prices, if it can be had.
    pub(crate) fn reserve(&mut self, n: usize) {
        let _ = match self {
            Prices::Cents(cents) => cents.try_reserve(n),
            Prices::Exact(values) => values.try_reserve(n),
        };
    }

    /// Puts `other`'s prices before item `at`, the column grown as `room` says.
    pub(crate) fn splice(&mut self, at: usize, other: &Prices, room: Room) {
        let total = self.len() + other.len();
        if let (Prices::Cents(held), Prices::Cents(theirs)) = (&mut *self, other) {
            room.grow(held, total);
            held.splice(at..at, theirs.iter().copied());
            return;
        }
        let mut values = self.take_exact();
        room.grow(&mut values, total);
        values.splice(at..at, other.values());
        *self = Prices::Exact(values);
    }

    /// The prices as given, taken out (it is left empty).
    fn take_exact(&mut self) -> Vec<f64> {
        match std::mem::take(self) {
            Prices::Cents(cents) => cents.iter().map(|&c| price(c)).collect(),
            Prices::Exact(values) => values,
        }
    }

    /// Number of items.
    pub(crate) fn len(&self) -> usize {
        match self {
            Prices::Cents(cents) => cents.len(),
            Prices::Exact(values) => values.len(),
        }
    }

    /// The bytes its allocation holds.
    pub(crate) fn held_bytes(&self) -> usize {
        match self {
            Prices::Cents(cents) => 4 * cents.capacity(),
            Prices::Exact(values) => 8 * values.capacity(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_whole_cents_are_held_in_cents_and_read_back_as_given() {
        let given = [19.99, 0.0, f64::NAN, 1234567.89, 0.1, 42_949_672.94, 3.0];
        let prices = Prices::from_values(given.to_vec());
        assert!(matches!(prices, Prices::Cents(_)), "{prices:?}");
        for (i, &p) in given.iter().enumerate() {
            assert_eq!(prices.get(i), (!p.is_nan()).then_some(p), "{p}");
        }
        assert_eq!(prices.held_bytes(), 4 * given.len());
    }

    #[test]
    fn one_price_finer_than_a_cent_keeps_every_price_as_given() {
        let given = [19.99, 0.125, f64::NAN, 42_949_672.95, 1e12];
        for (k, &odd) in given.iter().enumerate().filter(|(_, p)| cents(**p).is_none()) {
            let mut pushed = Prices::default();
            pushed.push(5.5);
            pushed.push(odd);
            pushed.push(f64::NAN);
            assert!(matches!(pushed, Prices::Exact(_)), "{odd}");
            assert_eq!((pushed.get(0), pushed.get(1), pushed.get(2)), (Some(5.5), Some(odd), None));
            let mut held = Prices::from_values(vec![1.25, 2.5]);
            let room = Room { items: 3, expected: 0, at_once: false };
            held.splice(1, &Prices::from_values(vec![odd]), room);
            assert_eq!(held.values()[..], [1.25, odd, 2.5], "spliced {k}");
        }
        let mut held = Prices::from_values(vec![1.25, 2.5]);
        let room = Room { items: 4, expected: 0, at_once: false };
        held.splice(2, &Prices::from_values(vec![f64::NAN, 0.5]), room);
        assert!(matches!(held, Prices::Cents(_)));
        assert_eq!((held.get(1), held.get(2), held.get(3)), (Some(2.5), None, Some(0.5)));
    }
}
