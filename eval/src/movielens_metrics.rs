//! Top-10 metrics, computed the same way for every method from its lists.

use serde::Serialize;

use super::movielens_data::Dataset;

/// The list length every metric is taken at.
pub const K: usize = 10;

/// One method's scores over all test users.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metrics {
    /// Share of users whose test movie is in their top 10.
    pub hr10: f64,
    /// Mean of `1 / log2(rank + 2)` for a hit at 0-based `rank`, else 0.
    pub ndcg10: f64,
    /// Distinct movies recommended to anyone, over the catalog's size.
    pub coverage10: f64,
    /// Mean over lists of the mean pairwise genre distance `1 − Jaccard`.
    pub diversity10: f64,
    /// Mean self-information `−log2((pop + 1) / (users + 1))` of recommended
    /// movies, `pop` = training interactions: higher is less mainstream.
    pub novelty10: f64,
    /// Of the hits, the share whose movie has none of the user's 3 most
    /// frequent training genres: hits outside the bubble.
    pub hits_outside_top_genres: f64,
    /// Mean list length (a method may return fewer than 10).
    pub mean_length: f64,
}

/// Scores `lists[u]` (movie indices, best first) against each user's test movie.
pub fn score(data: &Dataset, popularity: &[u32], lists: &[Vec<u32>]) -> Metrics {
    let users = data.users.len().max(1) as f64;
    let mut m = Metrics::default();
    let mut seen = vec![false; data.movies.len()];
    let (mut hits, mut outside) = (0usize, 0usize);
    let n_users = data.users.len() as f64;
    for (user, list) in data.users.iter().zip(lists) {
        let list = &list[..list.len().min(K)];
        m.mean_length += list.len() as f64;
        if let Some(rank) = list.iter().position(|&i| i == user.test.movie) {
            hits += 1;
            m.ndcg10 += 1.0 / ((rank + 2) as f64).log2();
            let top = top_genres(data, user, 3);
            let genres = &data.movies[user.test.movie as usize].genres;
            if !genres.iter().any(|g| top.contains(g)) {
                outside += 1;
            }
        }
        for &i in list {
            seen[i as usize] = true;
        }
        if !list.is_empty() {
            let novelty: f64 = list
                .iter()
                .map(|&i| -((popularity[i as usize] as f64 + 1.0) / (n_users + 1.0)).log2())
                .sum::<f64>();
            m.novelty10 += novelty / list.len() as f64;
        }
        m.diversity10 += diversity(data, list);
    }
    m.hr10 = hits as f64 / users;
    m.ndcg10 /= users;
    m.coverage10 = seen.iter().filter(|&&s| s).count() as f64 / data.movies.len().max(1) as f64;
    m.diversity10 /= users;
    m.novelty10 /= users;
    m.mean_length /= users;
    m.hits_outside_top_genres = if hits > 0 { outside as f64 / hits as f64 } else { 0.0 };
    m
}

/// The user's `n` most frequent genres over the training history (ties: lower genre index).
pub fn top_genres(data: &Dataset, user: &super::movielens_data::User, n: usize) -> Vec<u8> {
    let mut counts = vec![0u32; data.genres.len()];
    for r in &user.train {
        for &g in &data.movies[r.movie as usize].genres {
            counts[g as usize] += 1;
        }
    }
    let mut order: Vec<usize> = (0..counts.len()).filter(|&g| counts[g] > 0).collect();
    order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
    order.into_iter().take(n).map(|g| g as u8).collect()
}

/// Mean pairwise `1 − |A ∩ B| / |A ∪ B|` over the genres of a list's movies (0 for fewer than
/// 2).
fn diversity(data: &Dataset, list: &[u32]) -> f64 {
    let mut sum = 0.0;
    let mut pairs = 0;
    for (a, &i) in list.iter().enumerate() {
        for &j in &list[a + 1..] {
            let (x, y) = (&data.movies[i as usize].genres, &data.movies[j as usize].genres);
            let both = x.iter().filter(|g| y.contains(g)).count();
            let either = x.len() + y.len() - both;
            sum += if either == 0 { 0.0 } else { 1.0 - both as f64 / either as f64 };
            pairs += 1;
        }
    }
    if pairs == 0 { 0.0 } else { sum / pairs as f64 }
}

#[cfg(test)]
mod tests {
    use super::super::movielens_data::{Movie, Rating, User};
    use super::*;

    fn movie(id: &str, genres: &[u8]) -> Movie {
        Movie { id: id.into(), title: id.into(), year: None, genres: genres.to_vec() }
    }

    #[test]
    fn hits_ndcg_coverage_diversity_and_outside_hits() {
        let r = |movie: u32| Rating { movie, rating: 4.0, at: 0 };
        let data = Dataset {
            name: "t".into(),
            movies: vec![movie("a", &[0]), movie("b", &[0, 1]), movie("c", &[2]), movie("d", &[0])],
            genres: vec!["Drama".into(), "Comedy".into(), "Horror".into()],
            users: vec![
                // hit at rank 1, outside Drama
                User { id: "1".into(), train: vec![r(0)], test: r(2) },
                // miss
                User { id: "2".into(), train: vec![r(0), r(1)], test: r(3) },
            ],
            skipped_users: 0,
            interactions: 5,
        };
        let popularity = [2, 1, 0, 0];
        let m = score(&data, &popularity, &[vec![1, 2], vec![2]]);
        assert_eq!(m.hr10, 0.5);
        assert!((m.ndcg10 - 0.5 / 3f64.log2()).abs() < 1e-12);
        assert_eq!(m.coverage10, 0.5);
        assert_eq!(m.hits_outside_top_genres, 1.0);
        // List 1: b {0,1} vs c {2}: distance 1; list 2 has one movie: 0.
        assert!((m.diversity10 - 0.5).abs() < 1e-12);
        assert_eq!(m.mean_length, 1.5);
        // Novelty: list 1 = mean(−log2(2/3), −log2(1/3)), list 2 = −log2(1/3).
        let expected =
            ((-(2.0f64 / 3.0).log2() - (1.0f64 / 3.0).log2()) / 2.0 - (1.0f64 / 3.0).log2()) / 2.0;
        assert!((m.novelty10 - expected).abs() < 1e-12);
    }
}
