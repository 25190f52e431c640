//! Repurchase priors learned from the order log (`--orders`) and marked by
//! hand (`--replenish`), for every taxonomy node and item with enough buyers.
//!
//! A purchase occasion is a distinct (user, UTC day) in an item or in a
//! node's subtree: several lines the same day count once. For each node and
//! item: `buyers` = distinct users, `share` = users with two occasions or more
//! / buyers, `interval_days` = the median over those repeat buyers of each
//! one's median gap in days between consecutive occasions (a per-buyer median
//! first, so heavy buyers do not outweigh the others). A node or item with
//! fewer than `--min-buyers` buyers is not published, so no one shopper's
//! pattern is. One with no repeat buyer is published with share 0 and the
//! longest interval, 3650 days, so it does not inherit a replenishable parent.
//!
//! To keep the catalog small, a learned prior is left out when the catalog's
//! lookup would give nearly the same without it: a node's when it is within
//! 0.02 share and 10% interval of what it inherits from its parent, an item's
//! likewise of its category's. A hand mark (share 1, buyers 0) replaces what
//! was learned for its node and is always kept.
//!
//! Grouping is by sorting integer triples (key, user, day), one taxonomy depth
//! at a time, so 1.5 million lines take a few hundred milliseconds.

use flaneur::catalog::dates::day_of;
use flaneur::catalog::{CategoryId, MAX_INTERVAL_DAYS, Repurchase, Taxonomy};

use crate::orders::Line;

/// Share difference below which a prior adds nothing to its parent's.
const SAME_SHARE: f32 = 0.02;
/// Relative interval difference below which a prior adds nothing to its parent's.
const SAME_INTERVAL: f32 = 0.1;

/// Parses one `--replenish` mark, `PATH=Nd` or `PATH=Nw` (days or weeks).
pub fn parse_replenish(arg: &str) -> Result<(String, f32), String> {
    let bad = || format!("--replenish {arg:?}: expected CATEGORY=Nd or CATEGORY=Nw (7d, 2w)");
    let (path, every) = arg.rsplit_once('=').ok_or_else(bad)?;
    let every = every.trim();
    let (number, unit) = every.split_at(every.len().saturating_sub(1));
    let days = match (number.parse::<f32>(), unit) {
        (Ok(n), "d" | "D") => n,
        (Ok(n), "w" | "W") => n * 7.0,
        _ => return Err(bad()),
    };
    if path.trim().is_empty() {
        return Err(bad());
    }
    if !(days.is_finite() && days > 0.0 && days <= MAX_INTERVAL_DAYS) {
        return Err(format!(
            "--replenish {arg:?}: the interval must be above 0 and at most 3650 days"
        ));
    }
    Ok((path.trim().to_string(), days))
}

/// The priors to publish, and how they came about.
#[derive(Debug, Default)]
pub struct Learned {
    /// Priors of the compiler's taxonomy nodes, ascending by node.
    pub categories: Vec<(CategoryId, Repurchase)>,
    /// Priors of item positions, ascending.
    pub items: Vec<(u32, Repurchase)>,
    /// Nodes with at least the minimum of buyers.
    pub nodes_supported: usize,
    /// Items with at least the minimum of buyers.
    pub items_supported: usize,
    /// Supported nodes left out as nearly what they inherit.
    pub nodes_inherited: usize,
    /// Supported items left out as nearly what their category gives.
    pub items_inherited: usize,
}

/// What one node or item's occasions give.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tally {
    buyers: u32,
    repeat: u32,
    /// Median over repeat buyers of their median gap; `None` with no repeat buyer.
    interval: Option<f64>,
}

impl Tally {
    fn prior(&self, min_buyers: u32) -> Option<Repurchase> {
        (self.buyers >= min_buyers && self.buyers > 0).then(|| Repurchase {
            share: self.repeat as f32 / self.buyers as f32,
            interval_days: self.interval.map_or(MAX_INTERVAL_DAYS, |d| d as f32),
            buyers: self.buyers,
        })
    }
}

/// The median of `values` (the mean of the middle two for an even count); sorts them.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// Tallies `(key, user, day)` occasions: sorted and deduplicated in place,
/// then grouped by key and by user. Ascending by key.
fn tally(occasions: &mut Vec<(u32, u32, i32)>) -> Vec<(u32, Tally)> {
    occasions.sort_unstable();
    occasions.dedup();
    let mut out = Vec::new();
    let (mut gaps, mut medians) = (Vec::new(), Vec::new());
    for key_group in occasions.chunk_by(|a, b| a.0 == b.0) {
        let (mut buyers, mut repeat) = (0u32, 0u32);
        medians.clear();
        for user_group in key_group.chunk_by(|a, b| a.1 == b.1) {
            buyers += 1;
            if user_group.len() < 2 {
                continue;
            }
            repeat += 1;
            gaps.clear();
            gaps.extend(user_group.windows(2).map(|w| f64::from(w[1].2 - w[0].2)));
            medians.extend(median(&mut gaps));
        }
        let interval = median(&mut medians);
        out.push((key_group[0].0, Tally { buyers, repeat, interval }));
    }
    out
}

/// Whether `prior` adds nothing to `inherited`: within [`SAME_SHARE`] and [`SAME_INTERVAL`].
fn nearly(prior: Repurchase, inherited: Option<Repurchase>) -> bool {
    inherited.is_some_and(|p| {
        (prior.share - p.share).abs() <= SAME_SHARE
            && (prior.interval_days - p.interval_days).abs() <= SAME_INTERVAL * p.interval_days
    })
}

/// Learns the priors from `lines` (items by catalog position; item `i` filed
/// under node `category[i]` of `taxonomy`) and applies the hand `marks`
/// (node, days).
pub fn learn(
    lines: &[Line],
    category: &[CategoryId],
    taxonomy: &Taxonomy,
    marks: &[(CategoryId, f32)],
    min_buyers: u32,
) -> Learned {
    let occasion = |l: &Line| (l.item, l.user, day_of(l.ms));
    let mut occasions: Vec<(u32, u32, i32)> = lines.iter().map(occasion).collect();
    let item_tallies = tally(&mut occasions);
    // Nodes one depth at a time: each occasion counts for its item's ancestor at that depth.
    let nodes = taxonomy.len();
    let mut node_tally: Vec<Option<Tally>> = vec![None; nodes];
    let max_depth = (0..nodes as CategoryId).map(|n| taxonomy.depth(n)).max().unwrap_or(0);
    let mut ancestor: Vec<Option<CategoryId>> = vec![None; nodes];
    let mut triples = Vec::with_capacity(occasions.len());
    for depth in 0..=max_depth {
        // Parents come before their children, so one pass in id order resolves every node.
        for node in 0..nodes {
            let id = node as CategoryId;
            ancestor[node] = match taxonomy.depth(id) {
                d if d == depth => Some(id),
                d if d > depth => taxonomy.parent(id).and_then(|p| ancestor[p as usize]),
                _ => None,
            };
        }
        triples.clear();
        for &(item, user, day) in &occasions {
            let node = category.get(item as usize).and_then(|&c| ancestor[c as usize]);
            if let Some(node) = node {
                triples.push((node, user, day));
            }
        }
        for (node, t) in tally(&mut triples) {
            node_tally[node as usize] = Some(t);
        }
    }
    let mut learned = Learned::default();
    // What the catalog's lookup gives each node once the published priors are known.
    let mut effective: Vec<Option<Repurchase>> = vec![None; nodes];
    for node in 0..nodes {
        let id = node as CategoryId;
        let inherited = taxonomy.parent(id).and_then(|p| effective[p as usize]);
        let mark = marks.iter().rev().find(|m| m.0 == id);
        let own = node_tally[node].and_then(|t| t.prior(min_buyers));
        learned.nodes_supported += usize::from(own.is_some());
        let published = match (mark, own) {
            (Some(&(_, days)), _) => {
                Some(Repurchase { share: 1.0, interval_days: days, buyers: 0 })
            }
            (None, Some(prior)) if nearly(prior, inherited) => {
                learned.nodes_inherited += 1;
                None
            }
            (None, own) => own,
        };
        if let Some(prior) = published {
            learned.categories.push((id, prior));
        }
        effective[node] = published.or(inherited);
    }
    for (item, t) in item_tallies {
        let Some(prior) = t.prior(min_buyers) else { continue };
        learned.items_supported += 1;
        let inherited = category.get(item as usize).and_then(|&c| effective[c as usize]);
        if nearly(prior, inherited) {
            learned.items_inherited += 1;
        } else {
            learned.items.push((item, prior));
        }
    }
    learned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_are_per_buyer_first() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0]), Some(2.5));
        // u0 buys on days 0, 1, 2, 3, 4 (median gap 1), u1 on 0 and 10 (10), u2 on 0, 4, 12 (6),
        // u3 once: buyers 4, repeat 3, interval median(1, 10, 6) = 6, not the pooled gaps' 1.
        let mut occasions = vec![(7, 0, 0), (7, 0, 1), (7, 0, 2), (7, 0, 3), (7, 0, 4), (7, 1, 0)];
        occasions.extend([(7, 1, 10), (7, 2, 0), (7, 2, 4), (7, 2, 12), (7, 3, 5), (7, 0, 4)]);
        let t = tally(&mut occasions);
        assert_eq!(t, [(7, Tally { buyers: 4, repeat: 3, interval: Some(6.0) })]);
        let prior = t[0].1.prior(4).unwrap();
        assert_eq!((prior.share, prior.interval_days, prior.buyers), (0.75, 6.0, 4));
        assert_eq!(t[0].1.prior(5), None);
    }

    #[test]
    fn replenish_marks_in_days_or_weeks() {
        assert_eq!(parse_replenish("Grocery=7d"), Ok(("Grocery".into(), 7.0)));
        assert_eq!(parse_replenish(" Pet supplies = 2w"), Ok(("Pet supplies".into(), 14.0)));
        assert_eq!(parse_replenish("A > B=1.5d"), Ok(("A > B".into(), 1.5)));
        for bad in ["Grocery", "Grocery=7", "Grocery=7m", "=7d", "Grocery=0d", "Grocery=600w"] {
            assert!(parse_replenish(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_prior_close_to_its_parents_is_left_out_and_a_mark_wins() {
        let mut t = Taxonomy::default();
        let a = t.intern("A > A1").unwrap();
        let b = t.intern("A > B1").unwrap();
        let root = t.find("A").unwrap();
        // Items 0 (A1) and 1 (B1); users 0–3 buy item 0 every 10 days, users 4–5 item 1 once.
        let mut lines = Vec::new();
        for user in 0..4 {
            for day in [0, 10, 20] {
                lines.push(Line { user, item: 0, ms: day * 86_400_000 });
            }
        }
        for user in 4..6 {
            lines.push(Line { user, item: 1, ms: 0 });
        }
        let learned = learn(&lines, &[a, b], &t, &[], 2);
        // A: 6 buyers, 4 repeat; A1 (4 of 4, 10 days) differs from A (0.67): published; its
        // item is the same as A1 and left out; B1 has no repeat buyer.
        let share = |s: f32, d: f32, n: u32| Repurchase { share: s, interval_days: d, buyers: n };
        assert_eq!(
            learned.categories,
            [
                (root, share(4.0 / 6.0, 10.0, 6)),
                (a, share(1.0, 10.0, 4)),
                (b, share(0.0, 3650.0, 2))
            ]
        );
        assert!(learned.items.is_empty());
        assert_eq!((learned.items_supported, learned.items_inherited), (2, 2));
        let marked = learn(&lines, &[a, b], &t, &[(b, 30.0)], 2);
        assert_eq!(marked.categories[2], (b, share(1.0, 30.0, 0)));
        // Above the minimum of buyers only.
        let few = learn(&lines, &[a, b], &t, &[], 5);
        assert_eq!((few.categories.len(), few.items.len()), (1, 0));
    }
}
