//! `flaneur-eval vectors`: what compact item vectors (issue #22) cost the
//! shopper, on MovieLens-1M and -100k.
//!
//! The shop's side is the `movielens` evaluation's learned catalog: the same
//! feed, popularity and aggregate co-purchase counts, 64 item factors compiled
//! by `flaneur catalog build --co-purchases` (`movielens_catalog.rs`). Its
//! vectors, decoded from their int8 codes, go through each codec of
//! `compact_vectors.rs` (encoded and decoded back to `f32`), and the result is
//! compiled again as the catalog's vectors (`--vectors FILE --vector-kind
//! factors`, with the same co-purchase counts for the bought-with lists and
//! `--dims 0`, so nothing is learned again): the catalog's int8 codes then
//! hold the compact code's values, which is what the device would rank with
//! if the compact code were shipped — the core is unchanged. Today's int8
//! (the identity codec) goes through the same route, and must give back the
//! learned catalog's codes exactly.
//!
//! The device's side is the `movielens` protocol's main flaneur row
//! (`movielens_rank::flaneur`: each user's history replayed into a fresh
//! profile, one slate of 10 at the test moment, the user's movies excluded,
//! no divergence, the engine's default intensity and diversity), scored by
//! `movielens_metrics::score`. Beside NDCG@10 and HR@10, recall@24 of each
//! codec's ranking against today's: for each user, the implicit-ALS fold-in
//! the device solves from the replayed profile with the codec's catalog
//! (`FoldIn`), the 24 unseen movies with the highest `x · yᵢ`, and the share
//! of today's 24 (the same profile, the int8 catalog's fold-in) among them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::preferences::Preferences;
use flaneur::profile::{Event, EventKind, Profile};
use flaneur::rank::foldin::FoldIn;

use flaneur_compiler::product_codes;

use super::compact_vectors::{CODECS, Codec, Matrix, rotation, transpose};
use super::movielens::parallel;
use super::movielens_catalog as catalog;
use super::movielens_data::{self as data, Dataset, Rating};
use super::movielens_metrics::{self as metrics, K, Metrics};
use super::movielens_rank as rank;

/// The length of the rankings compared by recall.
pub const RECALL_K: usize = 24;
/// Dimensions of the learned item factors (the `movielens` evaluation's).
pub const DIMS: usize = 64;
/// The bar of issue #22: NDCG@10 and HR@10 fall by less than this (relative).
pub const BAR: f64 = 0.01;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Holds `<name>/<name>.inter` and `.item` per dataset (`scripts/eval-data.sh`).
    pub data: PathBuf,
    /// Catalogs, vector files and the report go here.
    pub out: PathBuf,
    pub datasets: Vec<String>,
    /// Seeds the rotations and the k-means of the codecs.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data: PathBuf::from("target/eval/data"),
            out: PathBuf::from("target/eval/vectors"),
            datasets: vec!["ml-1m".into(), "ml-100k".into()],
            seed: 1,
        }
    }
}

impl Config {
    /// The JSON report.
    pub fn report(&self) -> PathBuf {
        self.out.join("vectors-report.json")
    }
}

/// A change against today's int8, relative, with its paired standard error.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Change {
    /// `codec / int8 − 1`.
    pub relative: f64,
    /// The standard error of `relative`, from the per-user differences.
    pub standard_error: f64,
}

/// One codec on one dataset.
#[derive(Debug, Clone, Serialize)]
pub struct CodecResult {
    pub codec: String,
    pub slug: String,
    /// Bytes per item at 64 dimensions (a mean over items for the long-tail codecs).
    pub bytes_per_item: f64,
    /// What the catalog ships once besides the items' codes.
    pub shared: String,
    /// Dimensions of the compiled catalog.
    pub dims: usize,
    /// `Σ‖y − ŷ‖² / Σ‖y‖²` against today's int8 vectors, in their basis.
    pub reconstruction_error: f64,
    pub metrics: Metrics,
    pub ndcg10: Change,
    pub hr10: Change,
    /// Mean share of today's top 24 (fold-in `x · yᵢ`, unseen movies) in the codec's.
    pub recall24: f64,
    /// Mean share of today's slate of 10 in the codec's.
    pub slate_overlap10: f64,
    /// Compiling the catalog and ranking every user.
    pub seconds: f64,
}

/// One dataset.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetReport {
    pub dataset: String,
    pub users: usize,
    pub movies: usize,
    /// Movies without factors (no kept co-purchase pair): zero under every codec.
    pub zero_vectors: usize,
    /// Users with a fold-in factor (the recall is over them).
    pub recall_users: usize,
    pub codecs: Vec<CodecResult>,
    pub seconds: f64,
}

/// Runs every dataset of `config`.
pub fn run(config: &Config) -> Result<Vec<DatasetReport>, String> {
    config.datasets.iter().map(|name| run_dataset(config, name)).collect()
}

/// The browser's events for one rating, as `movielens_rank` replays them:
/// every rating a `View`, a rating of 4 or 5 also 30 s on the page (`Dwell`).
fn events(data: &Dataset, rating: &Rating) -> Vec<Event> {
    let id = data.movies[rating.movie as usize].id.clone();
    let at = rating.at * 1000;
    let mut events = vec![Event { kind: EventKind::View { item_id: id.clone() }, at }];
    if rating.rating >= 4.0 {
        events.push(Event { kind: EventKind::Dwell { item_id: id, ms: 30_000.0 }, at });
    }
    events
}

/// The catalog's vectors, decoded, in the dataset's movie order.
fn movie_vectors(data: &Dataset, catalog: &Catalog) -> Result<Matrix, String> {
    let vectors = catalog.vectors();
    let mut values = Vec::with_capacity(data.movies.len() * vectors.dims());
    for m in &data.movies {
        let index = catalog.index_of(&m.id).ok_or_else(|| format!("{:?} not in catalog", m.id))?;
        values.extend(vectors.dequantize(index));
    }
    Ok(Matrix::new(data.movies.len(), vectors.dims(), values))
}

/// Writes `id,x1,x2,…` per movie (the compiler's `--vectors` file).
fn write_vectors(data: &Dataset, y: &Matrix, path: &Path) -> Result<(), String> {
    let mut w = csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    for (i, m) in data.movies.iter().enumerate() {
        let mut record = vec![m.id.clone()];
        record.extend(y.row(i).iter().map(|x| x.to_string()));
        w.write_record(&record).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

fn run_dataset(config: &Config, name: &str) -> Result<DatasetReport, String> {
    let started = Instant::now();
    let d: Dataset = data::load(&config.data.join(name), name)?;
    let dir = config.out.join(name);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    eprintln!("{name}: {} users, {} movies", d.users.len(), d.movies.len());
    let popularity = rank::popularity(&d);
    let counts = dir.join("co-purchases.csv");
    catalog::write_co_purchases(&d, &counts)?;
    let learned = catalog::build(&d, &popularity, &dir.join("learned"), Some(&counts), DIMS, 0.0)?;
    let y = movie_vectors(&d, &learned)?;
    let zero_vectors = (0..y.rows).filter(|&i| y.row(i).iter().all(|&x| x == 0.0)).count();
    eprintln!(
        "{name}: learned catalog compiled ({zero_vectors} movies without factors) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let defaults = Preferences::default();
    let compiled = parallel(&CODECS, |&codec| {
        let started = Instant::now();
        let coded = codec.apply(&y, &popularity, config.seed);
        let codec_dir = dir.join(codec.slug());
        std::fs::create_dir_all(&codec_dir).map_err(|e| format!("{}: {e}", codec_dir.display()))?;
        let file = codec_dir.join("vectors.csv");
        write_vectors(&d, &coded.vectors, &file)?;
        let (mut command, out) =
            catalog::command(&d, &popularity, &codec_dir, Some(&counts), 0, 0.0)?;
        command.arg("--vectors").arg(&file).args(["--vector-kind", "factors"]);
        if codec == Codec::Shipped {
            command.args(["--vector-codes", "pq"]);
        }
        let compiled = catalog::build_with(&mut command, &out)?;
        let (lists, _) = rank::flaneur(&d, &compiled, 0.0, defaults.intensity, defaults.diversity)?;
        let seconds = started.elapsed().as_secs_f64();
        let error = match codec {
            // The compiler's codes decode to rotated vectors (`y Rᵀ`, R's rows
            // orthonormal): compared with `y` rotated alike.
            Codec::Shipped => {
                let r = transpose(&rotation(DIMS, product_codes::SEED), DIMS, DIMS);
                y.times(&r, DIMS).relative_error(&movie_vectors(&d, &compiled)?)
            }
            _ => y.relative_error(&coded.reconstructed),
        };
        eprintln!("{name}: {}: compiled and ranked in {seconds:.1} s", codec.label());
        Ok((codec, compiled, lists, error, seconds))
    })?;
    // Today's codes and bought-with lists must come back unchanged through the `--vectors`
    // route.
    let today = &compiled[0].1;
    let lists = |c: &Catalog| -> Vec<Vec<String>> {
        (0..c.len())
            .map(|i| c.bought_with(i).iter().map(|&j| c.item(j as usize).id().to_owned()).collect())
            .collect()
    };
    if compiled[0].0 != Codec::Int8
        || movie_vectors(&d, today)? != y
        || lists(today) != lists(&learned)
    {
        return Err(format!("{name}: the int8 catalog compiled from its own vectors differs"));
    }
    let catalogs: Vec<&Catalog> = compiled.iter().map(|c| &c.1).collect();
    let (recall, recall_users) = recall(&d, &catalogs)?;
    let base_lists = &compiled[0].2;
    let base = per_user(&d, base_lists);
    let mut codecs = Vec::new();
    for ((codec, catalog, lists, error, seconds), recall) in compiled.iter().zip(recall) {
        let m = metrics::score(&d, &popularity, lists);
        let mine = per_user(&d, lists);
        let overlap = base_lists
            .iter()
            .zip(lists)
            .map(|(a, b)| a.iter().filter(|i| b.contains(i)).count() as f64 / K as f64)
            .sum::<f64>()
            / d.users.len().max(1) as f64;
        codecs.push(CodecResult {
            codec: codec.label(),
            slug: codec.slug(),
            bytes_per_item: codec.bytes_per_item(DIMS),
            shared: codec.shared(DIMS),
            dims: catalog.vectors().dims(),
            reconstruction_error: *error,
            ndcg10: change(&base, &mine, |u| u.0),
            hr10: change(&base, &mine, |u| u.1),
            metrics: m,
            recall24: recall,
            slate_overlap10: overlap,
            seconds: *seconds,
        });
    }
    Ok(DatasetReport {
        dataset: name.into(),
        users: d.users.len(),
        movies: d.movies.len(),
        zero_vectors,
        recall_users,
        codecs,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Per user, NDCG@10 and HR@10 of `lists` (as `movielens_metrics::score` averages them).
fn per_user(data: &Dataset, lists: &[Vec<u32>]) -> Vec<(f64, f64)> {
    data.users
        .iter()
        .zip(lists)
        .map(|(u, list)| match list.iter().take(K).position(|&m| m == u.test.movie) {
            Some(rank) => (1.0 / ((rank + 2) as f64).log2(), 1.0),
            None => (0.0, 0.0),
        })
        .collect()
}

/// The relative change of the mean of `metric` over `mine` against its mean
/// over `base`, with the standard error of the paired per-user differences.
fn change(base: &[(f64, f64)], mine: &[(f64, f64)], metric: impl Fn(&(f64, f64)) -> f64) -> Change {
    let n = base.len().max(1) as f64;
    let mean_base = base.iter().map(&metric).sum::<f64>() / n;
    if mean_base <= 0.0 {
        return Change::default();
    }
    let diffs: Vec<f64> = base.iter().zip(mine).map(|(a, b)| metric(b) - metric(a)).collect();
    let mean = diffs.iter().sum::<f64>() / n;
    let var = diffs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0).max(1.0);
    Change { relative: mean / mean_base, standard_error: (var / n).sqrt() / mean_base }
}

/// Threads the recall runs on.
const THREADS: usize = 2;

/// Per catalog, the mean share of the first catalog's top [`RECALL_K`] (by the
/// fold-in's `x · yᵢ`, unseen movies) in its own, over the users the first
/// catalog gives a factor; and the number of those users. Each user's profile
/// is replayed once (on the first catalog: the profile holds item ids and
/// evidence, not vectors) and folded into every catalog.
fn recall(data: &Dataset, catalogs: &[&Catalog]) -> Result<(Vec<f64>, usize), String> {
    let fold_ins: Vec<FoldIn> = catalogs.iter().map(|c| FoldIn::new(c)).collect();
    let movie_of: Vec<Vec<u32>> = catalogs
        .iter()
        .map(|c| {
            let mut movie_of = vec![0u32; c.len()];
            for (i, m) in data.movies.iter().enumerate() {
                if let Some(index) = c.index_of(&m.id) {
                    movie_of[index] = i as u32;
                }
            }
            movie_of
        })
        .collect();
    let users = data.users.len();
    let chunk = users.div_ceil(THREADS * 8).max(1);
    let ranges: Vec<(usize, usize)> =
        (0..users).step_by(chunk).map(|s| (s, (s + chunk).min(users))).collect();
    let parts = parallel(&ranges, |&(from, to)| {
        let mut engine = Engine::with_seed(catalogs[0].clone(), 7);
        let mut sums = vec![0.0f64; catalogs.len()];
        let mut counted = 0usize;
        for user in &data.users[from..to] {
            engine.replace_profile(Profile::default());
            for rating in &user.train {
                for event in events(data, rating) {
                    engine.record(&event).map_err(|e| e.to_string())?;
                }
            }
            let now = user.test.at * 1000;
            let mut seen = vec![false; data.movies.len()];
            for r in &user.train {
                seen[r.movie as usize] = true;
            }
            let tops: Vec<Option<Vec<u32>>> = catalogs
                .iter()
                .zip(&fold_ins)
                .zip(&movie_of)
                .map(|((c, f), movie_of)| top(c, f, engine.profile(), now, &seen, movie_of))
                .collect();
            let Some(base) = &tops[0] else { continue };
            counted += 1;
            for (sum, mine) in sums.iter_mut().zip(&tops) {
                let hits =
                    mine.as_ref().map_or(0, |m| m.iter().filter(|i| base.contains(i)).count());
                *sum += hits as f64 / base.len().max(1) as f64;
            }
        }
        Ok((sums, counted))
    })?;
    let counted: usize = parts.iter().map(|p| p.1).sum();
    let recall = (0..catalogs.len())
        .map(|c| parts.iter().map(|p| p.0[c]).sum::<f64>() / counted.max(1) as f64)
        .collect();
    Ok((recall, counted))
}

/// The [`RECALL_K`] unseen movies with the highest fold-in score `x · yᵢ` on
/// `catalog`; `None` when the profile gives no factor.
fn top(
    catalog: &Catalog,
    fold_in: &FoldIn,
    profile: &Profile,
    now: i64,
    seen: &[bool],
    movie_of: &[u32],
) -> Option<Vec<u32>> {
    let x = fold_in.solve(catalog, profile, now)?;
    let vectors = catalog.vectors();
    let scored = (0..catalog.len())
        .filter(|&i| !seen[movie_of[i] as usize])
        .map(|i| {
            let (codes, scale) = vectors.get(i);
            let dot: f32 = codes.iter().zip(&x).map(|(&c, &x)| f32::from(c) * x).sum();
            (dot * scale, movie_of[i])
        })
        .collect();
    Some(flaneur::rank::topk::top_k(scored, RECALL_K).into_iter().map(|(_, m)| m).collect())
}

/// `+0.42% ± 0.55`: a relative change in percent and its standard error.
fn signed(c: Change) -> String {
    format!("{:+.2}% ± {:.2}", 100.0 * c.relative, 100.0 * c.standard_error)
}

/// Whether a codec's NDCG@10 and HR@10 fall by less than [`BAR`] on every dataset.
fn meets_bar(reports: &[DatasetReport], n: usize) -> bool {
    reports.iter().all(|r| {
        r.codecs.get(n).is_some_and(|c| c.ndcg10.relative > -BAR && c.hr10.relative > -BAR)
    })
}

/// The Markdown tables of a run.
pub fn render(reports: &[DatasetReport], seed: u64) -> String {
    let mut out = String::new();
    for r in reports {
        out.push_str(&format!(
            "**{}**: {} users, {} movies ({} without factors), {} users with a fold-in \
             factor for recall@24; {:.0} s.\n\n",
            r.dataset, r.users, r.movies, r.zero_vectors, r.recall_users, r.seconds
        ));
    }
    out.push_str(&format!(
        "Every codec encodes the learned catalog's {DIMS} item factors and decodes them back; \
         the catalog compiled from them is ranked as the MovieLens section's main flaneur row \
         (intensity 1, diversity 0.15, no divergence). Δ: relative change against int8, ± the \
         standard error of the paired per-user difference. Recall@24: the share of int8's top \
         24 by the fold-in's `x · yᵢ` (unseen movies) in the codec's. Seed {seed}.\n\n"
    ));
    out.push_str("| codec | bytes/item at 64 dims |");
    for r in reports {
        let n = &r.dataset;
        out.push_str(&format!(
            " {n} NDCG@10 | Δ | {n} HR@10 | Δ | {n} coverage@10 | {n} recall@24 vs int8 |"
        ));
    }
    out.push_str(" falls < 1% on both |\n| --- | ---: |");
    for _ in reports {
        out.push_str(" ---: | ---: | ---: | ---: | ---: | ---: |");
    }
    out.push_str(" --- |\n");
    let codecs = reports.iter().map(|r| r.codecs.len()).min().unwrap_or(0);
    for n in 0..codecs {
        let first = &reports[0].codecs[n];
        out.push_str(&format!("| {} | {} |", first.codec, bytes(first.bytes_per_item)));
        for r in reports {
            let c = &r.codecs[n];
            out.push_str(&format!(
                " {:.4} | {} | {:.4} | {} | {:.1}% | {:.3} |",
                c.metrics.ndcg10,
                if n == 0 { "–".into() } else { signed(c.ndcg10) },
                c.metrics.hr10,
                if n == 0 { "–".into() } else { signed(c.hr10) },
                100.0 * c.metrics.coverage10,
                c.recall24,
            ));
        }
        let verdict = match (n, meets_bar(reports, n)) {
            (0, _) => "(today)",
            (_, true) => "yes",
            (_, false) => "no",
        };
        out.push_str(&format!(" {verdict} |\n"));
    }
    out.push_str(
        "\n**Details.** Catalog dims: the dimensions the device ranks with. Shipped once: what \
         the catalog carries besides the items' codes. Reconstruction error: \
         `Σ‖y − ŷ‖² / Σ‖y‖²` against int8, in its basis. \
         Slate overlap: the share of int8's slate of 10 in the codec's. \
         Time: the codec, compiling its catalog and ranking every user.\n\n",
    );
    out.push_str("| codec | catalog dims | shipped once |");
    for r in reports {
        let n = &r.dataset;
        out.push_str(&format!(
            " {n} reconstruction error | {n} slate overlap@10 vs int8 | {n} time |"
        ));
    }
    out.push_str("\n| --- | ---: | ---: |");
    for _ in reports {
        out.push_str(" ---: | ---: | ---: |");
    }
    out.push('\n');
    for n in 0..codecs {
        let first = &reports[0].codecs[n];
        out.push_str(&format!("| {} | {} | {} |", first.codec, first.dims, first.shared));
        for r in reports {
            let c = &r.codecs[n];
            out.push_str(&format!(
                " {:.4} | {:.3} | {:.1} s |",
                c.reconstruction_error, c.slate_overlap10, c.seconds
            ));
        }
        out.push('\n');
    }
    let passing: Vec<usize> = (1..codecs).filter(|&n| meets_bar(reports, n)).collect();
    let smallest = passing.iter().copied().min_by(|&a, &b| {
        let (a, b) = (&reports[0].codecs[a], &reports[0].codecs[b]);
        a.bytes_per_item.total_cmp(&b.bytes_per_item)
    });
    out.push('\n');
    match smallest {
        Some(n) => {
            let c = &reports[0].codecs[n];
            out.push_str(&format!(
                "**Smallest within the bar** (NDCG@10 and HR@10 fall by less than 1% on every \
                 dataset): **{}**, {} bytes per item at 64 dims against int8's {}.\n",
                c.codec,
                bytes(c.bytes_per_item),
                bytes(reports[0].codecs[0].bytes_per_item)
            ));
        }
        None => out.push_str(
            "**No codec stays within the bar** (NDCG@10 and HR@10 falling by less than 1% on \
             every dataset).\n",
        ),
    }
    out
}

/// Bytes per item: whole numbers as such, means to one decimal.
fn bytes(b: f64) -> String {
    if b.fract() == 0.0 { format!("{b:.0}") } else { format!("{b:.1}") }
}

/// Writes the report as JSON.
pub fn write_json(reports: &[DatasetReport], path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(reports).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}
