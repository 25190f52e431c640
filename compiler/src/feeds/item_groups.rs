//! Merchant Center variants: the rows of one `item_group_id` (a shirt's
//! sizes and colours) are one item to flaneur, as a Shopify product is one
//! item whatever its variants. A first pass over the feed finds, for each
//! group, the row that stands for it (its first orderable row, else its
//! first), its lowest price and whether any of its rows can be ordered.

use std::collections::HashMap;

/// What the rows of one group say together.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The line of the row that stands for the group.
    pub line: u64,
    /// Whether that row can be ordered (else the group's first row stands).
    orderable_row: bool,
    /// The lowest price among its rows, and its currency.
    pub price: Option<(f64, Option<String>)>,
    /// Whether any of its rows can be ordered.
    pub available: bool,
    /// Its rows.
    pub rows: u32,
}

/// The groups of a feed, by `item_group_id`.
#[derive(Debug, Default)]
pub struct ItemGroups(HashMap<String, Group>);

impl ItemGroups {
    /// Notes row `line` of group `id`: its price and whether it can be
    /// ordered, as the row gives them (`None`: unreadable, counted as neither).
    pub fn note(
        &mut self,
        id: &str,
        line: u64,
        price: Option<(f64, Option<String>)>,
        available: Option<bool>,
    ) {
        let orderable = available == Some(true);
        let group = self.0.entry(id.to_string()).or_insert(Group {
            line,
            orderable_row: orderable,
            price: None,
            available: false,
            rows: 0,
        });
        if orderable && !group.orderable_row {
            (group.line, group.orderable_row) = (line, true);
        }
        group.available |= orderable;
        group.rows += 1;
        if let Some((amount, currency)) = price {
            let lower = group.price.as_ref().is_none_or(|(low, _)| amount < *low);
            if lower {
                group.price = Some((amount, currency));
            }
        }
    }

    /// The group `id`, if the feed has it.
    pub fn get(&self, id: &str) -> Option<&Group> {
        self.0.get(id)
    }

    /// How many groups of more than one row there are, and their rows.
    pub fn merged(&self) -> (usize, u64) {
        let many = self.0.values().filter(|g| g.rows > 1);
        many.fold((0, 0), |(groups, rows), g| (groups + 1, rows + u64::from(g.rows)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_stands_as_its_first_orderable_row_at_its_lowest_price() {
        let mut groups = ItemGroups::default();
        let eur = |p: f64| Some((p, Some("EUR".to_string())));
        groups.note("shirt", 2, eur(30.0), Some(false));
        groups.note("shirt", 3, eur(25.0), Some(true));
        groups.note("shirt", 4, eur(20.0), Some(true));
        groups.note("sock", 5, None, None);
        groups.note("sock", 6, eur(5.0), Some(false));
        let shirt = groups.get("shirt").unwrap();
        assert_eq!(
            (shirt.line, shirt.price.clone(), shirt.available, shirt.rows),
            (3, eur(20.0), true, 3)
        );
        let sock = groups.get("sock").unwrap();
        assert_eq!(
            (sock.line, sock.price.clone(), sock.available),
            (5, eur(5.0), false),
            "none orderable: the first row"
        );
        assert_eq!(groups.merged(), (2, 5));
        assert!(groups.get("hat").is_none());
    }
}
