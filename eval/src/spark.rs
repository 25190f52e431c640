//! `flaneur-eval spark` (`make eval-spark`, issue #23): item factors trained
//! by PySpark's ALS on a shop's side, folded in on the device.
//!
//! `--prepare-only` writes the training split of the `movielens` protocol
//! (`movielens_data::load`: leave-last-out, the same users and order) as a
//! shop's interaction log, `<out>/<name>/spark/train.tsv` (`user_id`,
//! `item_id`, `timestamp`; one line a rating, no rating value) and the
//! catalog's item ids, `items.tsv`.
//! `scripts/eval/spark_als.py` trains `pyspark.ml.recommendation.ALS` on it
//! and writes `itemFactors`, keyed by the shop's item ids, to
//! `item-factors.parquet` beside it, and its settings and times to
//! `spark.json`. Then the catalog compiler builds the movies' catalog from
//! that file (`--vectors FILE.parquet --vector-kind factors`: the same feed
//! and popularity as the `movielens` catalogs, Spark's factors as the
//! vectors) and every user is replayed as the `movielens` rows are
//! (`movielens_rank::flaneur`, the engine's defaults) and scored by
//! `movielens_metrics::score`. `flaneur-eval movielens` adds the same row to
//! its table whenever the Parquet file is there.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::movielens_catalog as catalog;
use super::movielens_data::{self as data, Dataset};
use super::movielens_metrics::{self as metrics, Metrics};
use super::movielens_rank::{self as rank, DEFAULT_DIVERSITY, INTENSITY};
use super::movielens_row::{MethodResult, row as table_row};

/// The row's method, in the `movielens` table.
pub const METHOD: &str = "Spark ALS factors → flaneur fold-in";

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Holds `<name>/<name>.inter` and `.item` per dataset (`scripts/eval-data.sh`).
    pub data: PathBuf,
    /// The `movielens` evaluation's output; the Spark job's files are in `<name>/spark/`.
    pub out: PathBuf,
    pub datasets: Vec<String>,
    /// Only write the training logs.
    pub prepare_only: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data: PathBuf::from("target/eval/data"),
            out: PathBuf::from("target/eval"),
            datasets: vec!["ml-1m".into()],
            prepare_only: false,
        }
    }
}

/// The Spark job's directory for dataset `name`.
pub fn dir(out: &Path, name: &str) -> PathBuf {
    out.join(name).join("spark")
}

/// One dataset's result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub dataset: String,
    pub users: usize,
    pub movies: usize,
    /// Movies Spark gave no factor (never in the training log): zero vectors.
    pub zero_vectors: usize,
    /// The row of the `movielens` table.
    pub row: MethodResult,
    /// The fold-in's `x · yᵢ` alone (no slate machinery), as ALS ranks.
    pub fold_in_alone: Metrics,
    /// Spark's own top 10 per user (`spark-top10.tsv`: its user factors, server side).
    pub spark_server: Option<Metrics>,
    /// `spark.json`, as `scripts/eval/spark_als.py` wrote it.
    pub spark: serde_json::Value,
    /// Compiling the catalog and ranking every user.
    pub seconds: f64,
}

/// Writes each dataset's training log (`--prepare-only`).
pub fn prepare(config: &Config) -> Result<(), String> {
    for name in &config.datasets {
        let d = data::load(&config.data.join(name), name)?;
        let dir = dir(&config.out, name);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join("train.tsv");
        let lines = write_training_log(&d, &path)?;
        write_items(&d, &dir.join("items.tsv"))?;
        eprintln!("{name}: {lines} training interactions of {} users in {}", d.users.len(), {
            path.display()
        });
    }
    Ok(())
}

/// Writes `user_id<TAB>item_id<TAB>timestamp` per training rating (users in
/// id order, each history in time order) to `path` (see [`keep_or_replace`]);
/// returns the number of lines.
pub fn write_training_log(d: &Dataset, path: &Path) -> Result<usize, String> {
    let tmp = path.with_extension("tsv.tmp");
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Never)
        .from_path(&tmp)
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    w.write_record(["user_id", "item_id", "timestamp"]).map_err(|e| e.to_string())?;
    let mut lines = 0;
    for user in &d.users {
        for r in &user.train {
            let movie = d.movies[r.movie as usize].id.as_str();
            w.write_record([user.id.as_str(), movie, &r.at.to_string()])
                .map_err(|e| e.to_string())?;
            lines += 1;
        }
    }
    w.flush().map_err(|e| e.to_string())?;
    drop(w);
    keep_or_replace(&tmp, path)?;
    Ok(lines)
}

/// Moves `tmp` to `path`, unless `path` holds the same bytes already (then
/// `tmp` is removed and `path` keeps its modification time, so the Spark job
/// is not run again for the same log).
fn keep_or_replace(tmp: &Path, path: &Path) -> Result<(), String> {
    let same = std::fs::read(path).ok().zip(std::fs::read(tmp).ok()).is_some_and(|(a, b)| a == b);
    let done = if same { std::fs::remove_file(tmp) } else { std::fs::rename(tmp, path) };
    done.map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes the catalog's item ids (every rated movie), `item_id` after a header.
fn write_items(d: &Dataset, path: &Path) -> Result<(), String> {
    let mut text = String::from("item_id\n");
    for m in &d.movies {
        text.push_str(&m.id);
        text.push('\n');
    }
    let tmp = path.with_extension("tsv.tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    keep_or_replace(&tmp, path)
}

/// `spark.json` of the job in `dir`, `Null` when missing or unreadable.
fn settings(dir: &Path) -> serde_json::Value {
    std::fs::read_to_string(dir.join("spark.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// The Spark row of dataset `d`, when `<out>/<name>/spark/item-factors.parquet`
/// exists: the catalog compiled from it and every user replayed on the
/// device at the engine's defaults. Also returns the catalog.
pub fn row(
    d: &Dataset,
    popularity: &[u32],
    out: &Path,
) -> Result<Option<(MethodResult, flaneur::catalog::Catalog)>, String> {
    let dir = dir(out, &d.name);
    let factors = dir.join("item-factors.parquet");
    if !factors.exists() {
        return Ok(None);
    }
    let (mut command, file) = catalog::command(d, popularity, &dir.join("catalog"), None, 0, 0.0)?;
    command.arg("--vectors").arg(&factors).args(["--vector-kind", "factors"]);
    let compiled = catalog::build_with(&mut command, &file)?;
    let started = Instant::now();
    let (lists, mix) = rank::flaneur(d, &compiled, 0.0, INTENSITY, DEFAULT_DIVERSITY)?;
    let seconds = started.elapsed().as_secs_f64();
    let fit = settings(&dir).get("fit_seconds").and_then(serde_json::Value::as_f64);
    let runs = match fit {
        Some(s) => format!("device, own history + item factors from Spark ALS (fit {s:.0} s)"),
        None => "device, own history + item factors from Spark ALS".to_owned(),
    };
    let result = MethodResult {
        method: METHOD.into(),
        runs,
        metrics: metrics::score(d, popularity, &lists),
        slates: Some(mix),
        seconds,
    };
    Ok(Some((result, compiled)))
}

/// Scores every dataset of `config` (its Parquet file must exist).
pub fn run(config: &Config) -> Result<Vec<Report>, String> {
    config.datasets.iter().map(|name| run_dataset(config, name)).collect()
}

fn run_dataset(config: &Config, name: &str) -> Result<Report, String> {
    let started = Instant::now();
    let d = data::load(&config.data.join(name), name)?;
    let popularity = rank::popularity(&d);
    let dir = dir(&config.out, name);
    let (row, compiled) = row(&d, &popularity, &config.out)?.ok_or_else(|| {
        format!("{}: no item-factors.parquet (run scripts/eval/spark_als.py)", dir.display())
    })?;
    let m = &row.metrics;
    eprintln!("{name}: {METHOD}: NDCG@10 {:.4}, HR@10 {:.4}", m.ndcg10, m.hr10);
    let [by_factor, _] = rank::fold_in_diagnostics(&d, &compiled)?;
    let fold_in_alone = metrics::score(&d, &popularity, &by_factor);
    let top10 = dir.join("spark-top10.tsv");
    let spark_server = match top10.exists() {
        true => Some(metrics::score(&d, &popularity, &rank::read_lists(&d, &top10)?)),
        false => None,
    };
    let vectors = compiled.vectors();
    let zero_vectors =
        (0..vectors.len()).filter(|&i| vectors.get(i).0.iter().all(|&c| c == 0)).count();
    Ok(Report {
        dataset: name.into(),
        users: d.users.len(),
        movies: d.movies.len(),
        zero_vectors,
        row,
        fold_in_alone,
        spark_server,
        spark: settings(&dir),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Writes the reports as JSON, one `report.json` in each dataset's Spark directory.
pub fn write_json(config: &Config, reports: &[Report]) -> Result<Vec<PathBuf>, String> {
    reports
        .iter()
        .map(|r| {
            let path = dir(&config.out, &r.dataset).join("report.json");
            let text = serde_json::to_string_pretty(r).map_err(|e| e.to_string())?;
            std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(path)
        })
        .collect()
}

/// A short summary of each report, as Markdown lines.
pub fn render(reports: &[Report]) -> String {
    let mut out = String::new();
    for r in reports {
        let m = &r.row.metrics;
        let server = r.spark_server.as_ref().map_or("–".into(), |s| format!("{:.4}", s.ndcg10));
        out.push_str(&format!(
            "{}: {METHOD}: NDCG@10 {:.4}, HR@10 {:.4}, coverage@10 {:.1}%; the fold-in's \
             `x · yᵢ` alone {:.4}; Spark's own top 10 (server) {server}; {} movies without a \
             factor\n",
            r.dataset,
            m.ndcg10,
            m.hr10,
            100.0 * m.coverage10,
            r.fold_in_alone.ndcg10,
            r.zero_vectors,
        ));
    }
    out
}

/// `section` (the `movielens` section of docs/EVALUATION.md) with each
/// report's row in its dataset's table, right after the `ALS` row (an older
/// Spark row replaced); `None` when a dataset's table or ALS row is missing.
pub fn with_rows(section: &str, reports: &[Report]) -> Option<String> {
    let mut lines: Vec<String> = section.lines().map(str::to_owned).collect();
    for r in reports {
        let heading = format!("**{}**:", r.dataset);
        let start = lines.iter().position(|l| l.starts_with(&heading))?;
        let mut end = lines[start + 1..]
            .iter()
            .position(|l| l.starts_with("**") && l.contains("**:"))
            .map_or(lines.len(), |n| start + 1 + n);
        let old = format!("| {METHOD} |");
        if let Some(n) = lines[start..end].iter().position(|l| l.starts_with(&old)) {
            lines.remove(start + n);
            end -= 1;
        }
        let als = lines[start..end].iter().position(|l| l.starts_with("| ALS "))? + start;
        lines.insert(als + 1, table_row(&r.row).trim_end().to_owned());
    }
    let mut text = lines.join("\n");
    if section.ends_with('\n') {
        text.push('\n');
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(dataset: &str, ndcg10: f64) -> Report {
        let metrics = Metrics { ndcg10, ..Metrics::default() };
        Report {
            dataset: dataset.into(),
            users: 1,
            movies: 1,
            zero_vectors: 0,
            row: MethodResult {
                method: METHOD.into(),
                runs: "device".into(),
                metrics,
                slates: Some(Default::default()),
                seconds: 0.0,
            },
            fold_in_alone: Metrics::default(),
            spark_server: None,
            spark: serde_json::Value::Null,
            seconds: 0.0,
        }
    }

    #[test]
    fn the_row_goes_after_als_in_its_datasets_table_and_replaces_an_older_one() {
        let section = "**ml-100k**: x\n\n| method |\n| ALS (implicit, tuned) | a |\n| flaneur |\n\n\
                       **ml-1m**: y\n\n| method |\n| ALS (implicit, tuned) | b |\n| flaneur |\n";
        let once = with_rows(section, &[report("ml-1m", 0.05)]).unwrap();
        let lines: Vec<&str> = once.lines().collect();
        assert_eq!(lines[9], "| ALS (implicit, tuned) | b |");
        assert!(lines[10].starts_with(&format!("| {METHOD} | device | 0.0000 | 0.0500 |")));
        assert_eq!(lines[11], "| flaneur |");
        assert!(once.ends_with('\n') && once.lines().count() == section.lines().count() + 1);
        let twice = with_rows(&once, &[report("ml-1m", 0.06)]).unwrap();
        assert_eq!(twice.lines().count(), once.lines().count());
        assert!(twice.contains("| 0.0600 |") && !twice.contains("| 0.0500 |"));
        assert_eq!(with_rows(section, &[report("ml-20m", 0.05)]), None);
    }

    #[test]
    fn the_training_log_is_the_training_split_and_kept_when_unchanged() {
        use super::super::movielens_data::{Movie, Rating, User};
        let r = |movie: u32, at: i64| Rating { movie, rating: 4.0, at };
        let movie =
            |id: &str| Movie { id: id.into(), title: id.into(), year: None, genres: vec![] };
        let d = Dataset {
            name: "t".into(),
            movies: vec![movie("A, The (1999)"), movie("b")],
            genres: vec![],
            users: vec![User { id: "u1".into(), train: vec![r(1, 5), r(0, 7)], test: r(1, 9) }],
            skipped_users: 0,
            interactions: 3,
        };
        let dir = std::env::temp_dir().join(format!("flaneur-spark-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("train.tsv");
        assert_eq!(write_training_log(&d, &path).unwrap(), 2);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "user_id\titem_id\ttimestamp\nu1\tb\t5\nu1\tA, The (1999)\t7\n");
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_training_log(&d, &path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), before);
        assert!(!path.with_extension("tsv.tmp").exists());
        std::fs::remove_dir_all(dir).ok();
    }
}
