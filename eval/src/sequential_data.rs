//! The standard sequential protocol's data: the 5-core of a RecBole `.inter`
//! file, written back as a `.inter` file so that `movielens_data::load` (and
//! `scripts/eval/als.py`) split it with the very same rules; the
//! same-second ties broken at random instead (a check); and the strict
//! split, whose device-only users appear in no training data.

use std::collections::HashMap;
use std::path::Path;

use flaneur::testkit::Rng;

use super::movielens_data::{self as data, Dataset, User};

/// Users and items with fewer interactions than this are dropped, repeatedly.
pub const CORE: usize = 5;

/// The iterative `k`-core of `(user, item)` interactions: drops every user
/// and item with fewer than `k` interactions, again and again until none is
/// left; returns which interactions are kept.
pub fn k_core<U, I>(pairs: &[(U, I)], k: usize) -> Vec<bool>
where
    U: std::hash::Hash + Eq,
    I: std::hash::Hash + Eq,
{
    let mut keep = vec![true; pairs.len()];
    loop {
        let mut users: HashMap<&U, usize> = HashMap::new();
        let mut items: HashMap<&I, usize> = HashMap::new();
        for ((u, i), _) in pairs.iter().zip(&keep).filter(|(_, k)| **k) {
            *users.entry(u).or_default() += 1;
            *items.entry(i).or_default() += 1;
        }
        let mut dropped = false;
        for ((u, i), kept) in pairs.iter().zip(keep.iter_mut()).filter(|(_, k)| **k) {
            if users[u] < k || items[i] < k {
                *kept = false;
                dropped = true;
            }
        }
        if !dropped {
            return keep;
        }
    }
}

/// Writes the 5-core of `<raw>/<name>.inter` to `<out>/<name>.inter` (the
/// header and the kept lines as they were) and copies `<name>.item`; returns
/// `(raw interactions, kept interactions)`.
pub fn write_five_core(raw: &Path, out: &Path, name: &str) -> Result<(usize, usize), String> {
    let inter_path = raw.join(format!("{name}.inter"));
    let text = std::fs::read_to_string(&inter_path)
        .map_err(|e| format!("{}: {e}", inter_path.display()))?;
    let mut lines = text.lines();
    let header = lines.next().ok_or_else(|| format!("{}: empty", inter_path.display()))?;
    let names: Vec<&str> = header.split('\t').map(|f| f.split(':').next().unwrap_or(f)).collect();
    let col = |name: &str| {
        names
            .iter()
            .position(|n| n.trim() == name)
            .ok_or_else(|| format!("{}: no {name} column", inter_path.display()))
    };
    let (cu, ci) = (col("user_id")?, col("item_id")?);
    let rows: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let pairs: Vec<(&str, &str)> = rows
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.get(cu).copied().unwrap_or(""), f.get(ci).copied().unwrap_or(""))
        })
        .collect();
    let keep = k_core(&pairs, CORE);
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut body = String::with_capacity(text.len());
    body.push_str(header);
    body.push('\n');
    for (row, _) in rows.iter().zip(&keep).filter(|(_, k)| **k) {
        body.push_str(row);
        body.push('\n');
    }
    write_if_changed(&out.join(format!("{name}.inter")), body.as_bytes())?;
    let item = std::fs::read(raw.join(format!("{name}.item")))
        .map_err(|e| format!("{}: {e}", raw.join(format!("{name}.item")).display()))?;
    write_if_changed(&out.join(format!("{name}.item")), &item)?;
    Ok((rows.len(), keep.iter().filter(|&&k| k).count()))
}

/// Writes `bytes` to `path` unless it already holds them (keeps its
/// modification time, which `scripts/eval.sh` compares to decide on rerunning ALS).
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads the 5-core written by [`write_five_core`]: leave-last-out with the
/// loader's tie order (timestamp, then item id byte by byte).
pub fn load(dir: &Path, name: &str) -> Result<Dataset, String> {
    data::load(dir, name)
}

/// The same users with each history's same-second interactions shuffled
/// (seeded, per user) instead of ordered by item id, then split again: the
/// last is the test item.
pub fn random_ties(d: &Dataset, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let users = d
        .users
        .iter()
        .map(|u| {
            let mut all: Vec<_> = u.train.iter().chain([&u.test]).cloned().collect();
            let mut keyed: Vec<(i64, u64, _)> =
                all.drain(..).map(|r| (r.at, rng.next_u64(), r)).collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut train: Vec<_> = keyed.into_iter().map(|(_, _, r)| r).collect();
            let test = train.pop().unwrap_or_else(|| u.test.clone());
            User { id: u.id.clone(), train, test }
        })
        .collect();
    with_users(d, users)
}

/// A copy of `d` (its movies and genres) with other users.
pub fn with_users(d: &Dataset, users: Vec<User>) -> Dataset {
    Dataset {
        name: d.name.clone(),
        movies: d.movies.clone(),
        genres: d.genres.clone(),
        users,
        skipped_users: d.skipped_users,
        interactions: d.interactions,
    }
}

/// The share of users held out as device-only in the strict split.
pub const DEVICE_SHARE: f64 = 0.1;

/// Which of `n` users are device-only: `ceil(share × n)` of them, drawn
/// without replacement by a seeded shuffle.
pub fn device_only(n: usize, share: f64, seed: u64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Rng::new(seed);
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let count = ((share * n as f64).ceil() as usize).min(n);
    let mut device = vec![false; n];
    for &u in &order[..count] {
        device[u] = true;
    }
    device
}

/// The strict split of `d`: `(training, device)`. The training users keep
/// their whole history as training data (their test item included: nobody
/// evaluates them); the device-only users are the ones evaluated, with
/// their usual history and test item, and appear in no training data.
pub fn strict(d: &Dataset, device: &[bool]) -> (Dataset, Dataset) {
    let (mut training, mut evaluated) = (Vec::new(), Vec::new());
    for (u, &held_out) in d.users.iter().zip(device) {
        if held_out {
            evaluated.push(u.clone());
        } else {
            let mut train = u.train.clone();
            train.push(u.test.clone());
            training.push(User { id: u.id.clone(), train, test: u.test.clone() });
        }
    }
    (with_users(d, training), with_users(d, evaluated))
}

#[cfg(test)]
mod tests {
    use super::super::movielens_data::Rating;
    use super::*;

    #[test]
    fn the_core_is_iterative() {
        // Pass 1 drops users b (2) and e (1), items x (2) and v (1); that leaves
        // user d with 2 and item z with 2 (pass 2), then a, c, y and w with 2
        // each (pass 3): with k = 3 nothing survives, though no user or item
        // of the a, c, y, w block had fewer than 3 at first.
        let mut pairs = Vec::new();
        for u in ["a", "c", "d"] {
            for i in ["y", "w", "z"] {
                pairs.push((u, i));
            }
        }
        pairs.retain(|&(u, i)| !(u == "d" && i == "z"));
        pairs.push(("d", "v"));
        pairs.extend([("b", "x"), ("b", "z"), ("e", "x")]);
        let keep = k_core(&pairs, 3);
        let kept: Vec<_> = pairs.iter().zip(&keep).filter(|(_, k)| **k).map(|(p, _)| *p).collect();
        assert!(kept.is_empty(), "{kept:?}");
        // With k = 2: e and v go, then x (b's only partner left is z), then b.
        let keep = k_core(&pairs, 2);
        assert!(!keep[pairs.iter().position(|&p| p == ("e", "x")).unwrap()]);
        assert!(keep[pairs.iter().position(|&p| p == ("a", "y")).unwrap()]);
        assert!(!keep[pairs.iter().position(|&p| p == ("b", "z")).unwrap()]);
        assert_eq!(keep.iter().filter(|&&k| k).count(), 8);
    }

    #[test]
    fn five_core_file_then_split_last_test_second_to_last_validation() {
        let dir = std::env::temp_dir().join(format!("flaneur-seq-{}", std::process::id()));
        let out = dir.join("out");
        std::fs::create_dir_all(&dir).unwrap();
        let mut inter =
            String::from("user_id:token\titem_id:token\trating:float\ttimestamp:float\n");
        // Users 1..=5 rate items a..e at times 1..5; user 1 rates d and e in the same second
        // (item id order: d then e). User 9 rates "rare" (one rating: dropped) and only 4 others.
        for u in 1..=5 {
            for (t, item) in ["a", "b", "c", "d", "e"].iter().enumerate() {
                let at = if u == 1 && *item == "e" { 4 } else { t + 1 };
                inter.push_str(&format!("{u}\t{item}\t4\t{at}\n"));
            }
        }
        for item in ["a", "b", "c", "rare"] {
            inter.push_str(&format!("9\t{item}\t3\t7\n"));
        }
        std::fs::write(dir.join("t.inter"), inter).unwrap();
        std::fs::write(dir.join("t.item"), "item_id:token\tmovie_title:token_seq\n").unwrap();
        assert_eq!(write_five_core(&dir, &out, "t").unwrap(), (29, 25));
        let d = load(&out, "t").unwrap();
        assert_eq!(d.users.len(), 5);
        assert_eq!(d.movies.len(), 5);
        let id = |r: &Rating| d.movies[r.movie as usize].id.clone();
        let u1 = &d.users[0];
        assert_eq!(id(&u1.test), "e");
        let v = data::validation(&d);
        assert_eq!(id(&v.users[0].test), "d");
        assert_eq!(v.users[0].train.iter().map(id).collect::<Vec<_>>(), ["a", "b", "c"]);
        // Random ties: user 1's last two share a second, so either may be last; the others
        // are unchanged; the same seed gives the same split.
        let r = random_ties(&d, 3);
        assert!(["d", "e"].contains(&id(&r.users[0].test).as_str()));
        assert_eq!(id(&r.users[1].test), "e");
        assert_eq!(r.users[0].train.len(), 4);
        let again = random_ties(&d, 3);
        assert_eq!(r.users[0].test, again.users[0].test);
        let tests: std::collections::HashSet<String> =
            (0..40).map(|s| id(&random_ties(&d, s).users[0].test)).collect();
        assert_eq!(tests.len(), 2);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn strict_users_are_disjoint_and_seeded() {
        let device = device_only(6040, DEVICE_SHARE, 1);
        assert_eq!(device.iter().filter(|&&d| d).count(), 604);
        assert_eq!(device, device_only(6040, DEVICE_SHARE, 1));
        assert_ne!(device, device_only(6040, DEVICE_SHARE, 2));
        let r = |movie: u32| Rating { movie, rating: 4.0, at: movie as i64 };
        let users: Vec<User> = (0..20)
            .map(|u| User { id: format!("{u:02}"), train: vec![r(0), r(1)], test: r(2) })
            .collect();
        let d = Dataset {
            name: "t".into(),
            movies: Vec::new(),
            genres: Vec::new(),
            users,
            skipped_users: 0,
            interactions: 60,
        };
        let device = device_only(20, DEVICE_SHARE, 5);
        let (training, evaluated) = strict(&d, &device);
        assert_eq!((training.users.len(), evaluated.users.len()), (18, 2));
        let ids: std::collections::HashSet<&str> =
            training.users.iter().map(|u| u.id.as_str()).collect();
        assert!(evaluated.users.iter().all(|u| !ids.contains(u.id.as_str())));
        // Training users keep their whole history; evaluated ones their split.
        assert_eq!(training.users[0].train.len(), 3);
        assert_eq!(evaluated.users[0].train.len(), 2);
    }
}
