//! The next-basket baselines of Li et al.: the shop's best-sellers
//! (G-TopFreq), best-sellers the household never bought, the household's own
//! most frequent products (P-TopFreq), the same with a decay per basket, and
//! the server-side ALS lists `scripts/eval/grocery_als.py` writes. Every list
//! is [`LIST`] long: a personal list too short is filled with best-sellers.

use std::collections::HashMap;
use std::path::Path;

use super::grocery_data::{Grocery, Household};
use super::grocery_metrics::{LIST, bought};

/// Per product: the distinct households that bought it in training.
pub fn popularity(data: &Grocery) -> Vec<u32> {
    let mut counts = vec![0u32; data.products.len()];
    for h in &data.households {
        let mut seen: Vec<u32> = h.train.iter().flat_map(|b| b.items.iter().copied()).collect();
        seen.sort_unstable();
        seen.dedup();
        for i in seen {
            counts[i as usize] += 1;
        }
    }
    counts
}

/// Products by popularity, most households first (ties: lower index); never-bought ones left out.
pub fn best_sellers(popularity: &[u32]) -> Vec<u32> {
    let mut order: Vec<u32> =
        (0..popularity.len() as u32).filter(|&i| popularity[i as usize] > 0).collect();
    order.sort_by(|&a, &b| popularity[b as usize].cmp(&popularity[a as usize]).then(a.cmp(&b)));
    order
}

/// `list` completed to [`LIST`] with the first `best` products not on it yet.
pub fn fill(mut list: Vec<u32>, best: &[u32]) -> Vec<u32> {
    for &i in best {
        if list.len() >= LIST {
            break;
        }
        if !list.contains(&i) {
            list.push(i);
        }
    }
    list
}

/// G-TopFreq: the same best-sellers for every household.
pub fn g_top_freq(data: &Grocery, best: &[u32]) -> Vec<Vec<u32>> {
    let list: Vec<u32> = best.iter().take(LIST).copied().collect();
    data.tested().map(|_| list.clone()).collect()
}

/// Best-sellers, the household's own training products excluded.
pub fn popular_unseen(data: &Grocery, best: &[u32]) -> Vec<Vec<u32>> {
    data.tested()
        .map(|h| {
            let mine = bought(h);
            best.iter().filter(|i| mine.binary_search(i).is_err()).take(LIST).copied().collect()
        })
        .collect()
}

/// Each training product's weight: `Σ decay^age` over the baskets that hold
/// it, `age` 0 for the newest training basket (decay 1: how many baskets).
pub fn own_weights(household: &Household, decay: f64) -> Vec<(u32, f64)> {
    let mut weights: HashMap<u32, f64> = HashMap::new();
    let newest = household.train.len();
    for (n, b) in household.train.iter().enumerate() {
        let w = decay.powi((newest - 1 - n) as i32);
        for &i in &b.items {
            *weights.entry(i).or_default() += w;
        }
    }
    let mut out: Vec<(u32, f64)> = weights.into_iter().collect();
    out.sort_by_key(|&(i, _)| i);
    out
}

/// The `LIST` best of `scored` (highest score, then popularity, then lower index).
pub fn top(mut scored: Vec<(u32, f64)>, popularity: &[u32]) -> Vec<u32> {
    scored.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(popularity[b.0 as usize].cmp(&popularity[a.0 as usize]))
            .then(a.0.cmp(&b.0))
    });
    scored.into_iter().take(LIST).map(|(i, _)| i).collect()
}

/// P-TopFreq (`decay` 1) or its decayed form: the household's own products by
/// weight ([`own_weights`]), then best-sellers.
pub fn own_frequency(
    data: &Grocery,
    popularity: &[u32],
    best: &[u32],
    decay: f64,
) -> Vec<Vec<u32>> {
    data.tested().map(|h| fill(top(own_weights(h, decay), popularity), best)).collect()
}

/// Lists of `scripts/eval/grocery_als.py` (`household<TAB>product…`), in the order of the
/// tested households.
pub fn read_lists(data: &Grocery, path: &Path) -> Result<Vec<Vec<u32>>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e} (run scripts/eval/grocery_als.py first)", path.display()))?;
    let index: HashMap<&str, u32> =
        data.products.iter().enumerate().map(|(i, p)| (p.id.as_str(), i as u32)).collect();
    let mut by_household: HashMap<&str, Vec<u32>> = HashMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        let mut fields = line.split('\t');
        let household = fields.next().unwrap_or("");
        let list = fields
            .map(|id| {
                index.get(id).copied().ok_or_else(|| {
                    format!("{}: line {}: unknown product {id:?}", path.display(), n + 1)
                })
            })
            .collect::<Result<Vec<u32>, String>>()?;
        by_household.insert(household, list);
    }
    data.tested()
        .map(|h| {
            by_household
                .remove(h.id.to_string().as_str())
                .ok_or_else(|| format!("{}: no list for household {}", path.display(), h.id))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::grocery_data::Basket;
    use super::*;

    #[test]
    fn own_weights_decay_per_basket_from_the_newest() {
        let b = |items: &[u32]| Basket { id: 0, at: 0, items: items.to_vec() };
        let h = Household { id: 2, train: vec![b(&[1, 2]), b(&[1]), b(&[3])], test: None };
        assert_eq!(own_weights(&h, 1.0), [(1, 2.0), (2, 1.0), (3, 1.0)]);
        let w = own_weights(&h, 0.5);
        assert_eq!(w, [(1, 0.25 + 0.5), (2, 0.25), (3, 1.0)]);
        // Ties broken by popularity, then index; the list is filled with best-sellers.
        let popularity = [9, 1, 1, 5, 7];
        assert_eq!(top(own_weights(&h, 1.0), &popularity), [1, 3, 2]);
        let best = best_sellers(&popularity);
        assert_eq!(best, [0, 4, 3, 1, 2]);
        assert_eq!(fill(vec![3, 2], &best), [3, 2, 0, 4, 1]);
    }
}
