//! The methods compared: most-popular and item-kNN (computed here), ALS
//! (top-10 lists written by `scripts/eval/als.py`) and flaneur itself, each
//! user's history replayed into a fresh on-device profile.

use std::collections::HashMap;
use std::path::Path;

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::{Event, EventKind, Profile};
use flaneur::rank::foldin::FoldIn;
use flaneur::rank::{Kind, Request, Scorer};

use super::movielens_data::{Dataset, User};
use super::movielens_metrics::K;

/// The `intensity` preference's default since issue #20, chosen by the coverage sweep.
pub const INTENSITY: f32 = 1.0;
/// The `diversity` preference's default.
pub const DEFAULT_DIVERSITY: f32 = 0.15;

/// Training interactions per movie.
pub fn popularity(data: &Dataset) -> Vec<u32> {
    let mut counts = vec![0u32; data.movies.len()];
    for user in &data.users {
        for r in &user.train {
            counts[r.movie as usize] += 1;
        }
    }
    counts
}

/// The user's training movies as a membership mask.
fn seen_mask(data: &Dataset, user: &User) -> Vec<bool> {
    let mut seen = vec![false; data.movies.len()];
    for r in &user.train {
        seen[r.movie as usize] = true;
    }
    seen
}

/// The `K` best of `scores` among movies the user has not seen (ties: lower index).
fn top_k(scores: &[f32], seen: &[bool]) -> Vec<u32> {
    let candidates = (0..scores.len() as u32)
        .filter(|&i| !seen[i as usize])
        .map(|i| (scores[i as usize], i))
        .collect();
    flaneur::rank::topk::top_k(candidates, K).into_iter().map(|(_, i)| i).collect()
}

/// Most popular unseen movies.
pub fn most_popular(data: &Dataset, popularity: &[u32]) -> Vec<Vec<u32>> {
    let scores: Vec<f32> = popularity.iter().map(|&c| c as f32).collect();
    data.users.iter().map(|u| top_k(&scores, &seen_mask(data, u))).collect()
}

/// Item-kNN: cosine similarity of the movies' training raters
/// (`C_ij / √(C_ii C_jj)`), each movie keeping its `neighbours` most similar;
/// a movie's score is the sum of its similarities to the user's movies.
pub fn item_knn(data: &Dataset, neighbours: usize) -> Vec<Vec<u32>> {
    item_knn_from(data, data, neighbours)
}

/// [`item_knn`] with the similarities from `train`'s users and the lists for
/// `data`'s (the same movies in both).
pub fn item_knn_from(train: &Dataset, data: &Dataset, neighbours: usize) -> Vec<Vec<u32>> {
    let n = data.movies.len();
    let counts = super::movielens_data::co_ratings(train);
    // Each movie's neighbour list, as a sparse row of similarities.
    let mut sim: Vec<Vec<(u32, f32)>> = Vec::with_capacity(n);
    for i in 0..n {
        let ci = counts[i * n + i] as f32;
        let mut row: Vec<(u32, f32)> = (0..n)
            .filter(|&j| j != i && counts[i * n + j] > 0)
            .map(|j| (j as u32, counts[i * n + j] as f32 / (ci * counts[j * n + j] as f32).sqrt()))
            .collect();
        row.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        row.truncate(neighbours);
        sim.push(row);
    }
    data.users
        .iter()
        .map(|u| {
            let mut scores = vec![0.0f32; n];
            for r in &u.train {
                for &(j, s) in &sim[r.movie as usize] {
                    scores[j as usize] += s;
                }
            }
            top_k(&scores, &seen_mask(data, u))
        })
        .collect()
}

/// ALS top-10 lists from `scripts/eval/als.py` (`user<TAB>movie…`), in the dataset's user order.
pub fn read_lists(data: &Dataset, path: &Path) -> Result<Vec<Vec<u32>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let index: HashMap<&str, u32> =
        data.movies.iter().enumerate().map(|(i, m)| (m.id.as_str(), i as u32)).collect();
    let mut by_user: HashMap<&str, Vec<u32>> = HashMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        let mut fields = line.split('\t');
        let user = fields.next().unwrap_or("");
        let list = fields
            .map(|id| {
                index.get(id).copied().ok_or_else(|| {
                    format!("{}: line {}: unknown movie {id:?}", path.display(), n + 1)
                })
            })
            .collect::<Result<Vec<u32>, String>>()?;
        by_user.insert(user, list);
    }
    data.users
        .iter()
        .map(|u| {
            by_user
                .remove(u.id.as_str())
                .ok_or_else(|| format!("{}: no list for user {:?}", path.display(), u.id))
        })
        .collect()
}

/// What flaneur's slates held, besides the movies.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct SlateMix {
    /// Share of slots filled by the labelled popular fill (nothing relevant enough).
    pub popular_fill: f64,
    /// Share of slots given to divergent items.
    pub divergent: f64,
    /// Milliseconds per user: replaying the history and one slate.
    pub ms_per_user: f64,
}

/// The browser's events for one rating: every rating a `View`; a rating of
/// 4 or 5, a strong positive, also 30 s spent on the page (`Dwell`).
fn events(data: &Dataset, rating: &super::movielens_data::Rating) -> impl Iterator<Item = Event> {
    let id = data.movies[rating.movie as usize].id.clone();
    let at = rating.at * 1000;
    let strong = rating.rating >= 4.0;
    let view = Event { kind: EventKind::View { item_id: id.clone() }, at };
    let dwell =
        strong.then_some(Event { kind: EventKind::Dwell { item_id: id, ms: 30_000.0 }, at });
    std::iter::once(view).chain(dwell)
}

/// Per catalog position (the shop's order), the movie's index in `data`.
fn movie_of(data: &Dataset, catalog: &Catalog) -> Result<Vec<u32>, String> {
    let mut movie_of = vec![u32::MAX; catalog.len()];
    for (i, m) in data.movies.iter().enumerate() {
        let index = catalog
            .index_of(&m.id)
            .ok_or_else(|| format!("movie {:?} is not in the catalog", m.id))?;
        movie_of[index] = i as u32;
    }
    Ok(movie_of)
}

/// flaneur on the device: for each user a fresh profile, the training history
/// replayed in time order, then one slate of 10 asked at the test moment, the
/// user's movies excluded, `surprise`, `intensity` and `diversity` as given
/// (the other preferences at their defaults), popular fill on.
pub fn flaneur(
    data: &Dataset,
    catalog: &Catalog,
    surprise: f32,
    intensity: f32,
    diversity: f32,
) -> Result<(Vec<Vec<u32>>, SlateMix), String> {
    let movie_of = movie_of(data, catalog)?;
    let started = std::time::Instant::now();
    let mut engine = Engine::with_seed(catalog.clone(), 7);
    engine
        .set_preferences(PreferencesPatch {
            surprise: Some(surprise),
            intensity: Some(intensity),
            diversity: Some(diversity),
            ..Default::default()
        })
        .map_err(|e| e.to_string())?;
    let mut lists = Vec::with_capacity(data.users.len());
    let (mut slots, mut popular, mut divergent) = (0usize, 0usize, 0usize);
    for user in &data.users {
        engine.replace_profile(Profile::default());
        for rating in &user.train {
            for event in events(data, rating) {
                engine.record(&event).map_err(|e| e.to_string())?;
            }
        }
        let exclude: Vec<String> =
            user.train.iter().map(|r| data.movies[r.movie as usize].id.clone()).collect();
        let request = Request { k: K, exclude, fill: true, ..Request::default() };
        let slate = engine.recommend(&request, user.test.at * 1000).map_err(|e| e.to_string())?;
        slots += slate.items.len();
        popular += slate.items.iter().filter(|r| r.kind == Kind::Popular).count();
        divergent += slate.items.iter().filter(|r| r.kind == Kind::Divergent).count();
        lists.push(slate.items.iter().map(|r| movie_of[r.index]).collect());
    }
    let slots = slots.max(1) as f64;
    let mix = SlateMix {
        popular_fill: popular as f64 / slots,
        divergent: divergent as f64 / slots,
        ms_per_user: started.elapsed().as_secs_f64() * 1000.0 / data.users.len().max(1) as f64,
    };
    Ok((lists, mix))
}

/// Diagnostics of the coverage gap, with the same replayed profile and the
/// same on-device fold-in as [`flaneur`] but none of the slate's machinery
/// (no shop-order blend, threshold, discretion cap or diversity re-rank): the
/// 10 unseen movies with the highest (first) raw predicted preference `x · yᵢ`
/// of the fold-in factor alone, as ALS ranks, and (second) the engine's
/// relevance alone (the fold-in at `FACTOR_WEIGHT`, category, facets and
/// popularity sharing the rest). A user without a factor gets scores of 0.
pub fn fold_in_diagnostics(
    data: &Dataset,
    catalog: &Catalog,
) -> Result<[Vec<Vec<u32>>; 2], String> {
    let movie_of = movie_of(data, catalog)?;
    let fold_in = FoldIn::new(catalog);
    let vectors = catalog.vectors();
    let mut engine = Engine::with_seed(catalog.clone(), 7);
    let (mut by_factor, mut by_relevance) = (Vec::new(), Vec::new());
    for user in &data.users {
        engine.replace_profile(Profile::default());
        for rating in &user.train {
            for event in events(data, rating) {
                engine.record(&event).map_err(|e| e.to_string())?;
            }
        }
        let now = user.test.at * 1000;
        let profile = engine.profile();
        let factor = fold_in.solve(catalog, profile, now);
        let scorer = Scorer::for_shopper(catalog, profile, now, factor.as_deref());
        let (mut raw, mut relevance) =
            (vec![0.0f32; data.movies.len()], vec![0.0f32; data.movies.len()]);
        for (index, &movie) in movie_of.iter().enumerate() {
            if let Some(x) = &factor {
                let (codes, scale) = vectors.get(index);
                let dot: f32 = codes.iter().zip(x).map(|(&c, &x)| f32::from(c) * x).sum();
                raw[movie as usize] = dot * scale;
                relevance[movie as usize] = scorer.relevance(index);
            }
        }
        let seen = seen_mask(data, user);
        by_factor.push(top_k(&raw, &seen));
        by_relevance.push(top_k(&relevance, &seen));
    }
    Ok([by_factor, by_relevance])
}

#[cfg(test)]
mod tests {
    use super::super::movielens_data::{Movie, Rating};
    use super::*;

    /// Four movies; users 1 and 2 watched 0 and 1 together, user 3 watched 0 and 2.
    fn tiny() -> Dataset {
        let r = |movie: u32| Rating { movie, rating: 5.0, at: 0 };
        let movie =
            |id: &str| Movie { id: id.into(), title: id.into(), year: None, genres: vec![] };
        Dataset {
            name: "t".into(),
            movies: vec![movie("a"), movie("b"), movie("c"), movie("d")],
            genres: vec![],
            users: vec![
                User { id: "1".into(), train: vec![r(0), r(1)], test: r(3) },
                User { id: "2".into(), train: vec![r(0), r(1)], test: r(2) },
                User { id: "3".into(), train: vec![r(0), r(2)], test: r(1) },
                User { id: "4".into(), train: vec![r(1)], test: r(0) },
            ],
            skipped_users: 0,
            interactions: 11,
        }
    }

    #[test]
    fn most_popular_skips_the_users_movies_and_breaks_ties_by_index() {
        let d = tiny();
        let pop = popularity(&d);
        assert_eq!(pop, [3, 3, 1, 0]);
        let lists = most_popular(&d, &pop);
        assert_eq!(lists[0], [2, 3]);
        assert_eq!(lists[2], [1, 3]);
        assert_eq!(lists[3], [0, 2, 3]);
    }

    #[test]
    fn item_knn_scores_by_cosine_to_the_users_movies() {
        let d = tiny();
        // User 4 has b: cos(b, a) = 2/√(3·3) ≈ 0.67, cos(b, c) = 0, d never rated.
        let lists = item_knn(&d, 100);
        assert_eq!(lists[3][0], 0);
        // With one neighbour per movie, c keeps a and b keeps a: user 3 (a, c) gets b first.
        let one = item_knn(&d, 1);
        assert_eq!(one[2][0], 1);
    }
}
