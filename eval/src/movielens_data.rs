//! MovieLens as RecBole ships it (`.inter` and `.item` atomic files, TAB
//! separated, typed header line), and the leave-last-out split.
//!
//! Protocol: every rating is an interaction. Each user's interactions are
//! ordered by (timestamp, item id compared byte by byte) — many users rated
//! their last movies within the same second, so the item id breaks ties, the
//! same rule as `scripts/eval/als.py`. Users with fewer than 5 interactions
//! are skipped; the last interaction is the test item, the others the training
//! history. Movies that nobody rated are left out of the catalog.

use std::collections::HashMap;
use std::path::Path;

/// One rating.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// Index into [`Dataset::movies`].
    pub movie: u32,
    pub rating: f32,
    /// Seconds since the epoch.
    pub at: i64,
}

/// A movie of the catalog.
#[derive(Debug, Clone)]
pub struct Movie {
    pub id: String,
    pub title: String,
    pub year: Option<u16>,
    /// Genre indices into [`Dataset::genres`], sorted.
    pub genres: Vec<u8>,
}

/// A user's history, split.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    /// Training interactions, oldest first.
    pub train: Vec<Rating>,
    /// The held-out last interaction.
    pub test: Rating,
}

/// A dataset, split.
#[derive(Debug)]
pub struct Dataset {
    pub name: String,
    /// Movies with at least one rating, in id order (byte order).
    pub movies: Vec<Movie>,
    pub genres: Vec<String>,
    /// Users with at least 5 interactions, in id order (byte order).
    pub users: Vec<User>,
    /// Users skipped for having fewer than 5 interactions.
    pub skipped_users: usize,
    pub interactions: usize,
}

/// The column index of each named field of a typed RecBole header (`user_id:token` → `user_id`).
fn header_columns(header: &str) -> HashMap<String, usize> {
    header
        .split('\t')
        .enumerate()
        .map(|(i, f)| (f.split(':').next().unwrap_or(f).trim().to_string(), i))
        .collect()
}

fn read_lines(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.lines().map(|l| l.trim_end_matches('\r').to_string()).collect())
}

fn column<'a>(fields: &[&'a str], columns: &HashMap<String, usize>, name: &str) -> Option<&'a str> {
    columns.get(name).and_then(|&i| fields.get(i)).copied()
}

/// Reads `<dir>/<name>.inter` and `<dir>/<name>.item` and splits them.
pub fn load(dir: &Path, name: &str) -> Result<Dataset, String> {
    let inter_path = dir.join(format!("{name}.inter"));
    let item_path = dir.join(format!("{name}.item"));
    let inter = read_lines(&inter_path)?;
    let items = read_lines(&item_path)?;
    let icols = header_columns(inter.first().ok_or("empty .inter file")?);
    let mcols = header_columns(items.first().ok_or("empty .item file")?);
    for needed in ["user_id", "item_id", "rating", "timestamp"] {
        if !icols.contains_key(needed) {
            return Err(format!("{}: no {needed} column", inter_path.display()));
        }
    }
    // Movie metadata: title, year, genres (`class` in ML-100k, `genre` in ML-1M; space-separated).
    let mut meta: HashMap<String, (String, Option<u16>, Vec<String>)> = HashMap::new();
    for line in items.iter().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let Some(id) = column(&f, &mcols, "item_id") else { continue };
        let title = column(&f, &mcols, "movie_title").unwrap_or(id).trim().to_string();
        let year = column(&f, &mcols, "release_year")
            .and_then(|y| y.trim().parse::<f64>().ok())
            .map(|y| y as u16);
        let genres = column(&f, &mcols, "class")
            .or_else(|| column(&f, &mcols, "genre"))
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        meta.insert(id.to_string(), (title, year, genres));
    }
    // Interactions grouped by user.
    let mut by_user: HashMap<String, Vec<(String, f32, i64)>> = HashMap::new();
    let mut interactions = 0;
    for (n, line) in inter.iter().enumerate().skip(1).filter(|(_, l)| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let bad = || format!("{}: line {}: malformed", inter_path.display(), n + 1);
        let user = column(&f, &icols, "user_id").ok_or_else(bad)?;
        let item = column(&f, &icols, "item_id").ok_or_else(bad)?;
        let rating: f32 =
            column(&f, &icols, "rating").and_then(|r| r.trim().parse().ok()).ok_or_else(bad)?;
        let at = column(&f, &icols, "timestamp")
            .and_then(|t| t.trim().parse::<f64>().ok())
            .ok_or_else(bad)? as i64;
        by_user.entry(user.to_string()).or_default().push((item.to_string(), rating, at));
        interactions += 1;
    }
    // The catalog: every rated movie, in id order.
    let mut ids: Vec<&str> = by_user.values().flatten().map(|(i, _, _)| i.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut genre_names: Vec<String> = Vec::new();
    let mut movies = Vec::with_capacity(ids.len());
    for id in &ids {
        let (title, year, genres) =
            meta.get(*id).cloned().unwrap_or_else(|| (id.to_string(), None, Vec::new()));
        let mut g: Vec<u8> = genres
            .iter()
            .map(|name| match genre_names.iter().position(|n| n == name) {
                Some(p) => p as u8,
                None => {
                    genre_names.push(name.clone());
                    (genre_names.len() - 1) as u8
                }
            })
            .collect();
        g.sort_unstable();
        g.dedup();
        movies.push(Movie { id: id.to_string(), title, year, genres: g });
    }
    let index: HashMap<&str, u32> = ids.iter().enumerate().map(|(i, id)| (*id, i as u32)).collect();
    let mut user_ids: Vec<&String> = by_user.keys().collect();
    user_ids.sort_unstable();
    let mut users = Vec::new();
    let mut skipped_users = 0;
    for uid in user_ids {
        let mut history = by_user[uid].clone();
        if history.len() < 5 {
            skipped_users += 1;
            continue;
        }
        history.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.as_bytes().cmp(b.0.as_bytes())));
        let mut ratings: Vec<Rating> = history
            .iter()
            .map(|(item, rating, at)| Rating {
                movie: index[item.as_str()],
                rating: *rating,
                at: *at,
            })
            .collect();
        let test = ratings.pop().ok_or("empty history")?;
        users.push(User { id: uid.clone(), train: ratings, test });
    }
    Ok(Dataset {
        name: name.to_string(),
        movies,
        genres: genre_names,
        users,
        skipped_users,
        interactions,
    })
}

/// The validation split, the one `scripts/eval/als.py` tunes ALS on: each
/// user's last training interaction (the second-to-last of all) is held out,
/// the interactions before it are the history; the test interaction is not
/// used at all. Users and movies are the test split's.
pub fn validation(data: &Dataset) -> Dataset {
    let users = data
        .users
        .iter()
        .filter_map(|u| {
            let (last, before) = u.train.split_last()?;
            Some(User { id: u.id.clone(), train: before.to_vec(), test: last.clone() })
        })
        .collect();
    Dataset {
        name: data.name.clone(),
        movies: data.movies.clone(),
        genres: data.genres.clone(),
        users,
        skipped_users: data.skipped_users,
        interactions: data.interactions,
    }
}

/// How many users rated both movies of each pair in training, `n × n`
/// row-major (`n` movies, symmetric), the diagonal holding each movie's raters.
pub fn co_ratings(data: &Dataset) -> Vec<u32> {
    let n = data.movies.len();
    let mut counts = vec![0u32; n * n];
    let mut items: Vec<usize> = Vec::new();
    for user in &data.users {
        items.clear();
        items.extend(user.train.iter().map(|r| r.movie as usize));
        items.sort_unstable();
        items.dedup();
        for &i in &items {
            let row = &mut counts[i * n..(i + 1) * n];
            for &j in &items {
                row[j] += 1;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_orders_by_time_then_item_id_and_skips_short_histories() {
        let dir = std::env::temp_dir().join(format!("flaneur-ml-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut inter =
            String::from("user_id:token\titem_id:token\trating:float\ttimestamp:float\r\n");
        // u1: five ratings, the last two in the same second: "9" sorts after "10" byte by byte.
        for (item, at) in [("1", 100), ("2", 200), ("3", 300), ("9", 400), ("10", 400)] {
            inter.push_str(&format!("u1\t{item}\t4\t{at}\r\n"));
        }
        inter.push_str("u2\t1\t5\t10\n");
        std::fs::write(dir.join("t.inter"), inter).unwrap();
        std::fs::write(
            dir.join("t.item"),
            "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n\
             1\tA\t1995\tDrama Comedy\n9\tB\t1999\tDrama\n",
        )
        .unwrap();
        let d = load(&dir, "t").unwrap();
        assert_eq!(
            d.movies.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["1", "10", "2", "3", "9"]
        );
        assert_eq!((d.users.len(), d.skipped_users, d.interactions), (1, 1, 6));
        let u = &d.users[0];
        assert_eq!(d.movies[u.test.movie as usize].id, "9");
        assert_eq!(
            u.train.iter().map(|r| d.movies[r.movie as usize].id.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3", "10"]
        );
        assert_eq!(d.movies[0].genres.len(), 2);
        assert_eq!(d.movies[0].year, Some(1995));
        // Validation: "10" (the second-to-last) held out, the test item "9" gone.
        let v = validation(&d);
        let u = &v.users[0];
        assert_eq!(v.movies[u.test.movie as usize].id, "10");
        assert_eq!(
            u.train.iter().map(|r| v.movies[r.movie as usize].id.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        std::fs::remove_dir_all(dir).ok();
    }
}
