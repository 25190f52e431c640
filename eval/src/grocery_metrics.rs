//! Next-basket metrics, computed the same way for every method from its
//! lists: recall@10, recall@20 and NDCG@10 of the held-out basket's distinct
//! products, and recall@20 split into the products the household bought in
//! training (repeat) and the others (explore), each averaged over the
//! households that have such products (as Li et al. do).

use serde::Serialize;

use super::grocery_data::Household;

/// The longest list scored.
pub const LIST: usize = 20;

/// One method's scores over the tested households.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub recall10: f64,
    pub recall20: f64,
    /// Binary gains: `Σ 1/log2(rank + 2)` over hits in the first 10, over the same sum for a
    /// perfect list of `min(|basket|, 10)` hits.
    pub ndcg10: f64,
    /// Recall@20 of the basket's products the household bought before.
    pub repeat_recall20: f64,
    /// Recall@20 of the basket's products new to the household.
    pub explore_recall20: f64,
    pub households: usize,
    /// Households whose basket holds a product bought before.
    pub repeat_households: usize,
    /// Households whose basket holds a product new to them.
    pub explore_households: usize,
    /// Mean list length (a method may return fewer than 20).
    pub mean_length: f64,
    /// Share of the listed products that the household bought before.
    pub bought_share: f64,
}

/// The household's training products, sorted.
pub fn bought(household: &Household) -> Vec<u32> {
    let mut out: Vec<u32> = household.train.iter().flat_map(|b| b.items.iter().copied()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn hits(list: &[u32], truth: &[u32]) -> usize {
    list.iter().filter(|i| truth.binary_search(i).is_ok()).count()
}

/// Scores `lists[n]` (best first) against the test basket of the `n`-th tested household.
pub fn score<'a>(tested: impl Iterator<Item = &'a Household>, lists: &[Vec<u32>]) -> Metrics {
    let mut m = Metrics::default();
    let (mut repeat, mut explore) = (0.0, 0.0);
    let (mut slots, mut old_slots) = (0usize, 0usize);
    for (household, list) in tested.zip(lists) {
        let Some(test) = &household.test else { continue };
        let truth = &test.items; // sorted, distinct
        if truth.is_empty() {
            continue;
        }
        let list = &list[..list.len().min(LIST)];
        m.households += 1;
        m.mean_length += list.len() as f64;
        let size = truth.len() as f64;
        m.recall10 += hits(&list[..list.len().min(10)], truth) as f64 / size;
        m.recall20 += hits(list, truth) as f64 / size;
        let dcg: f64 = list
            .iter()
            .take(10)
            .enumerate()
            .filter(|(_, i)| truth.binary_search(i).is_ok())
            .map(|(rank, _)| 1.0 / ((rank + 2) as f64).log2())
            .sum();
        let ideal: f64 = (0..truth.len().min(10)).map(|r| 1.0 / ((r + 2) as f64).log2()).sum();
        m.ndcg10 += dcg / ideal;
        let before = bought(household);
        slots += list.len();
        old_slots += hits(list, &before);
        let (old, new): (Vec<u32>, Vec<u32>) =
            truth.iter().partition(|i| before.binary_search(i).is_ok());
        if !old.is_empty() {
            m.repeat_households += 1;
            repeat += hits(list, &old) as f64 / old.len() as f64;
        }
        if !new.is_empty() {
            m.explore_households += 1;
            explore += hits(list, &new) as f64 / new.len() as f64;
        }
    }
    let n = m.households.max(1) as f64;
    m.recall10 /= n;
    m.recall20 /= n;
    m.ndcg10 /= n;
    m.mean_length /= n;
    m.bought_share = old_slots as f64 / slots.max(1) as f64;
    m.repeat_recall20 = repeat / m.repeat_households.max(1) as f64;
    m.explore_recall20 = explore / m.explore_households.max(1) as f64;
    m
}

#[cfg(test)]
mod tests {
    use super::super::grocery_data::Basket;
    use super::*;

    fn basket(items: &[u32]) -> Basket {
        Basket { id: 0, at: 0, items: items.to_vec() }
    }

    #[test]
    fn recall_ndcg_and_the_repeat_explore_split() {
        // Household 1 bought 1 and 2; its basket {1, 5, 7, 9}: 1 repeats, 5, 7 and 9 are new.
        // Household 2 bought 3; its basket {3}: a repeat only.
        let households = [
            Household { id: 1, train: vec![basket(&[1, 2])], test: Some(basket(&[1, 5, 7, 9])) },
            Household { id: 2, train: vec![basket(&[3])], test: Some(basket(&[3])) },
        ];
        // List 1 hits 5 at rank 0 and 1 at rank 11 (outside the top 10); list 2 misses.
        let mut first: Vec<u32> = vec![5];
        first.extend(100..110);
        first.push(1);
        let lists = vec![first, vec![4]];
        let m = score(households.iter(), &lists);
        assert_eq!(m.households, 2);
        assert!((m.recall10 - (0.25 + 0.0) / 2.0).abs() < 1e-12);
        assert!((m.recall20 - (0.5 + 0.0) / 2.0).abs() < 1e-12);
        let ideal = 1.0 + 1.0 / 3f64.log2() + 0.5 + 1.0 / 5f64.log2();
        assert!((m.ndcg10 - (1.0 / ideal) / 2.0).abs() < 1e-12);
        // Repeat: household 1 finds its 1 of 1 old product, household 2 none of 1.
        assert_eq!((m.repeat_households, m.explore_households), (2, 1));
        assert!((m.repeat_recall20 - 0.5).abs() < 1e-12);
        assert!((m.explore_recall20 - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(m.mean_length, 6.5);
        // Of 13 slots, one (product 1, bought by household 1) was bought before.
        assert!((m.bought_share - 1.0 / 13.0).abs() < 1e-12);
    }
}
