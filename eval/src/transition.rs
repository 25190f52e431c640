//! The transition model, the sequential anchor of issue #21: what followed
//! each of the last few items of a history in the training sequences,
//! weighted by 1/distance, summed and ranked.

use super::movielens_data::Dataset;
use super::movielens_metrics::K;

/// How many of the history's most recent items vote.
pub const WINDOW: usize = 5;

/// Per item, how often each item came right after it in training: `(next, count)`, by `next`.
#[derive(Debug, Clone)]
pub struct Transitions {
    next: Vec<Vec<(u32, u32)>>,
}

impl Transitions {
    /// Counts the transitions of `sequences` (item indices below `items`, oldest first).
    pub fn fit<'a>(items: usize, sequences: impl IntoIterator<Item = &'a [u32]>) -> Self {
        let mut next: Vec<Vec<(u32, u32)>> = vec![Vec::new(); items];
        for seq in sequences {
            for pair in seq.windows(2) {
                let row = &mut next[pair[0] as usize];
                match row.binary_search_by_key(&pair[1], |&(j, _)| j) {
                    Ok(p) => row[p].1 += 1,
                    Err(p) => row.insert(p, (pair[1], 1)),
                }
            }
        }
        Self { next }
    }

    /// Every item's score after `history` (oldest first): the sum over its
    /// last [`WINDOW`] items, the most recent at distance 1, of
    /// `count(item → next) / distance`.
    pub fn scores(&self, history: &[u32]) -> Vec<f64> {
        let mut scores = vec![0.0; self.next.len()];
        for (d, &item) in history.iter().rev().take(WINDOW).enumerate() {
            for &(j, c) in &self.next[item as usize] {
                scores[j as usize] += f64::from(c) / (d + 1) as f64;
            }
        }
        scores
    }
}

/// The `K` best unseen items by `scores`, ties by `popularity` (higher
/// first), then index.
pub fn top_k(scores: &[f64], popularity: &[u32], seen: &[bool]) -> Vec<u32> {
    let mut candidates: Vec<u32> =
        (0..scores.len() as u32).filter(|&i| !seen[i as usize]).collect();
    let better = |a: &u32, b: &u32| {
        let (a, b) = (*a as usize, *b as usize);
        scores[b].total_cmp(&scores[a]).then(popularity[b].cmp(&popularity[a])).then(a.cmp(&b))
    };
    if candidates.len() > K {
        candidates.select_nth_unstable_by(K, better);
        candidates.truncate(K);
    }
    candidates.sort_by(better);
    candidates
}

/// The transition model's lists for `eval`'s users, fitted on `train`'s
/// sequences (their `train` histories), the user's movies excluded.
pub fn rank(train: &Dataset, eval: &Dataset, popularity: &[u32]) -> Vec<Vec<u32>> {
    let sequences: Vec<Vec<u32>> =
        train.users.iter().map(|u| u.train.iter().map(|r| r.movie).collect()).collect();
    let model = Transitions::fit(train.movies.len(), sequences.iter().map(Vec::as_slice));
    eval.users
        .iter()
        .map(|u| {
            let history: Vec<u32> = u.train.iter().map(|r| r.movie).collect();
            let mut seen = vec![false; eval.movies.len()];
            for &i in &history {
                seen[i as usize] = true;
            }
            top_k(&model.scores(&history), popularity, &seen)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_followed_the_last_five_weighted_by_distance() {
        // 0 → 1 twice, 0 → 2 once, 3 → 2 once, 5 → 4 once.
        let seqs: [&[u32]; 3] = [&[0, 1, 3, 2], &[0, 1], &[0, 2, 5, 4]];
        let t = Transitions::fit(7, seqs);
        // History …, 3, 0 (0 most recent): 1 gets 2/1, 2 gets 1/1 + 1/2 (from 3 at distance 2).
        let s = t.scores(&[3, 0]);
        assert_eq!(s[1], 2.0);
        assert_eq!(s[2], 1.5);
        assert_eq!(s[3], 0.0);
        // Only the last five vote: 5 is at distance 6 here.
        let s = t.scores(&[5, 6, 6, 6, 6, 6]);
        assert_eq!(s[4], 0.0);
        let s = t.scores(&[5, 6, 6, 6, 6]);
        assert_eq!(s[4], 0.2);
        // Ranking: seen items out, ties by popularity then index.
        let popularity = [9, 1, 1, 3, 0, 0, 0];
        let mut seen = vec![false; 7];
        seen[0] = true;
        assert_eq!(top_k(&t.scores(&[3, 0]), &popularity, &seen), [1, 2, 3, 4, 5, 6]);
    }
}
