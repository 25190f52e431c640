//! `flaneur-eval movielens`: recommendation quality on real interaction logs
//! (MovieLens-100k and -1M as RecBole's wheels ship them), flaneur on the
//! device against server-side recommenders trained on everyone's data.
//! `scripts/eval.sh` (run by `make eval`) fetches the data, trains the ALS
//! anchor in a Python venv and then runs this; the method and the reading of
//! the numbers are in docs/EVALUATION.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::movielens_catalog as catalog;
use super::movielens_data::{self as data, Dataset};
use super::movielens_metrics::{self as metrics, Metrics};
use super::movielens_rank::{self as rank, SlateMix};

/// The `intensity` preference's default: relevance blended with 20% of the shop's own order.
const DEFAULT_INTENSITY: f32 = 0.8;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Holds `<name>/<name>.inter` and `.item` per dataset (`scripts/eval-data.sh`).
    pub data: PathBuf,
    /// Holds `<name>/als-top10.tsv` and `als.json` (`scripts/eval/als.py`); catalogs and the
    /// report go here.
    pub out: PathBuf,
    pub datasets: Vec<String>,
    /// Dimensions of the learned item factors.
    pub dims: usize,
    /// Neighbours kept per movie by item-kNN.
    pub neighbours: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data: PathBuf::from("target/eval/data"),
            out: PathBuf::from("target/eval"),
            datasets: vec!["ml-100k".into(), "ml-1m".into()],
            dims: 64,
            neighbours: 100,
        }
    }
}

/// One method's line of the table.
#[derive(Debug, Clone, Serialize)]
pub struct MethodResult {
    pub method: String,
    /// Where it runs and on what data.
    pub runs: String,
    pub metrics: Metrics,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slates: Option<SlateMix>,
    pub seconds: f64,
}

/// One dataset's results.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetReport {
    pub dataset: String,
    pub users: usize,
    pub movies: usize,
    pub interactions: usize,
    pub skipped_users: usize,
    /// Users whose test interaction shares its second with the one before (the tie-break decides).
    pub tied_last_interactions: usize,
    /// Lines of aggregate co-purchase counts the shop side compiled.
    pub co_purchase_lines: usize,
    pub methods: Vec<MethodResult>,
    /// The ALS anchor's tuning, as `scripts/eval/als.py` reported it.
    pub als: serde_json::Value,
    /// Best flaneur NDCG@10 over the best server-side anchor's (1.0 = no privacy tax).
    pub ndcg_ratio_to_best_anchor: f64,
    pub best_anchor: String,
    pub best_flaneur: String,
}

/// Runs every dataset of `config`.
pub fn run(config: &Config) -> Result<Vec<DatasetReport>, String> {
    config.datasets.iter().map(|name| run_dataset(config, name)).collect()
}

fn timed<T>(f: impl FnOnce() -> Result<T, String>) -> Result<(T, f64), String> {
    let started = Instant::now();
    let value = f()?;
    Ok((value, started.elapsed().as_secs_f64()))
}

fn run_dataset(config: &Config, name: &str) -> Result<DatasetReport, String> {
    let dir = config.data.join(name);
    let out = config.out.join(name);
    let d: Dataset = data::load(&dir, name)?;
    eprintln!(
        "{name}: {} users, {} movies, {} interactions",
        d.users.len(),
        d.movies.len(),
        d.interactions
    );
    let popularity = rank::popularity(&d);
    let mut methods = Vec::new();
    let mut add =
        |method: &str, runs: &str, lists: &[Vec<u32>], slates: Option<SlateMix>, seconds: f64| {
            let m = metrics::score(&d, &popularity, lists);
            eprintln!(
                "{name}: {method}: NDCG@10 {:.4}, HR@10 {:.4} ({seconds:.1} s)",
                m.ndcg10, m.hr10
            );
            methods.push(MethodResult {
                method: method.into(),
                runs: runs.into(),
                metrics: m,
                slates,
                seconds,
            });
        };
    let (lists, s) = timed(|| Ok(rank::most_popular(&d, &popularity)))?;
    add("most popular", "server, everyone's data", &lists, None, s);
    let (lists, s) = timed(|| Ok(rank::item_knn(&d, config.neighbours)))?;
    add(
        &format!("item-kNN (cosine, {} neighbours)", config.neighbours),
        "server, everyone's data",
        &lists,
        None,
        s,
    );
    let als_lists = rank::read_lists(&d, &out.join("als-top10.tsv"))?;
    let als: serde_json::Value = std::fs::read_to_string(out.join("als.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    let als_seconds = als.get("total_seconds").and_then(serde_json::Value::as_f64).unwrap_or(0.0);
    add("ALS (implicit, tuned)", "server, everyone's data", &als_lists, None, als_seconds);

    let (content, s) = timed(|| catalog::build(&d, &popularity, &out, None, config.dims))?;
    eprintln!("{name}: content catalog compiled in {s:.1} s");
    let ((lists, mix), s) = timed(|| rank::flaneur(&d, &content, 0.0, DEFAULT_INTENSITY))?;
    add("flaneur, content vectors", "device, own history", &lists, Some(mix), s);
    let counts = out.join("co-purchases.csv");
    let (co_purchase_lines, s) = timed(|| catalog::write_co_purchases(&d, &counts))?;
    eprintln!("{name}: {co_purchase_lines} lines of co-purchase counts in {s:.1} s");
    let (factors, s) = timed(|| catalog::build(&d, &popularity, &out, Some(&counts), config.dims))?;
    eprintln!("{name}: factor catalog compiled in {s:.1} s");
    let runs = "device, own history + aggregate counts";
    let ((lists, mix), s) = timed(|| rank::flaneur(&d, &factors, 0.0, DEFAULT_INTENSITY))?;
    add("flaneur, co-purchase factors", runs, &lists, Some(mix), s);
    let ((lists, mix), s) = timed(|| rank::flaneur(&d, &factors, 0.2, DEFAULT_INTENSITY))?;
    add("flaneur, co-purchase factors, divergence 0.2", runs, &lists, Some(mix), s);
    let ((lists, mix), s) = timed(|| rank::flaneur(&d, &factors, 0.0, 1.0))?;
    add("flaneur, co-purchase factors, intensity 1", runs, &lists, Some(mix), s);
    let ((lists, mix), s) = timed(|| rank::flaneur(&d, &factors, 0.2, 1.0))?;
    add("flaneur, co-purchase factors, intensity 1, divergence 0.2", runs, &lists, Some(mix), s);

    let anchors = &methods[..3];
    let best_anchor = anchors
        .iter()
        .max_by(|a, b| a.metrics.ndcg10.total_cmp(&b.metrics.ndcg10))
        .ok_or("no anchor")?;
    let best_flaneur = methods[3..]
        .iter()
        .max_by(|a, b| a.metrics.ndcg10.total_cmp(&b.metrics.ndcg10))
        .ok_or("no flaneur")?;
    let tied = d.users.iter().filter(|u| u.train.last().is_some_and(|r| r.at == u.test.at)).count();
    Ok(DatasetReport {
        dataset: name.into(),
        users: d.users.len(),
        movies: d.movies.len(),
        interactions: d.interactions,
        skipped_users: d.skipped_users,
        tied_last_interactions: tied,
        co_purchase_lines,
        ndcg_ratio_to_best_anchor: best_flaneur.metrics.ndcg10
            / best_anchor.metrics.ndcg10.max(1e-12),
        best_anchor: best_anchor.method.clone(),
        best_flaneur: best_flaneur.method.clone(),
        methods,
        als,
    })
}

/// The Markdown tables of a run.
pub fn render(reports: &[DatasetReport]) -> String {
    let mut out = String::new();
    for r in reports {
        out.push_str(&format!(
            "**{}**: {} users (leave-last-out; {} with the last two interactions in the same \
             second), {} movies, {} ratings; {} lines of co-purchase counts.\n\n",
            r.dataset,
            r.users,
            r.tied_last_interactions,
            r.movies,
            r.interactions,
            r.co_purchase_lines
        ));
        out.push_str(
            "| method | runs on | HR@10 | NDCG@10 | coverage@10 | genre diversity@10 | \
             novelty (bits) | hits outside top genres | popular fill | divergent | time |\n",
        );
        out.push_str(
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        );
        for m in &r.methods {
            let x = &m.metrics;
            let (fill, divergent) = m.slates.map_or(("–".into(), "–".into()), |s| {
                (format!("{:.1}%", s.popular_fill * 100.0), format!("{:.1}%", s.divergent * 100.0))
            });
            let time = match m.slates {
                Some(s) => format!("{:.2} ms/user", s.ms_per_user),
                None => format!("{:.1} s", m.seconds),
            };
            out.push_str(&format!(
                "| {} | {} | {:.4} | {:.4} | {:.1}% | {:.3} | {:.2} | {:.1}% | {fill} | \
                 {divergent} | {time} |\n",
                m.method,
                m.runs,
                x.hr10,
                x.ndcg10,
                x.coverage10 * 100.0,
                x.diversity10,
                x.novelty10,
                x.hits_outside_top_genres * 100.0
            ));
        }
        let best = r.als.get("best");
        let als = best.map_or(String::from("(no tuning report)"), |b| {
            format!(
                "factors {}, regularization {}, alpha {}",
                b.get("factors").unwrap_or(&serde_json::Value::Null),
                b.get("regularization").unwrap_or(&serde_json::Value::Null),
                b.get("alpha").unwrap_or(&serde_json::Value::Null)
            )
        });
        out.push_str(&format!(
            "\nPrivacy tax: {} reaches **{:.2}×** the NDCG@10 of the best server-side anchor \
             ({}). ALS tuned on a validation split: {als}.\n\n",
            r.best_flaneur, r.ndcg_ratio_to_best_anchor, r.best_anchor
        ));
    }
    out
}

/// Writes the report as JSON.
pub fn write_json(reports: &[DatasetReport], path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(reports).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}
