//! `flaneur-eval sequential`: next-item quality on the standard sequential
//! protocol (5-core, leave-last-out, full ranking, the user's items
//! excluded), every method through the same split and metrics: the
//! server-side anchors, the transition model, flaneur's fold-in and
//! flaneur's sequence model; then the strict split, whose evaluated users
//! are in no training data. The protocol is in docs/EVALUATION.md,
//! "Sequences: ML-1M on the standard protocol".

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::movielens_catalog as catalog;
use super::movielens_data::Dataset;
use super::movielens_metrics::{self as metrics, Metrics};
use super::movielens_rank::{self as rank, SlateMix};
use super::sequence_model;
use super::sequential_data as seq;
use super::transition;

/// flaneur's preferences in every row: today's defaults, no divergence.
const INTENSITY: f32 = 1.0;
const DIVERSITY: f32 = 0.15;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Holds `<name>/<name>.inter` and `.item` (`scripts/eval-data.sh`).
    pub data: PathBuf,
    /// Everything this writes: `<name>/` per dataset (the 5-core, ALS lists,
    /// catalogs, the model), `strict/` in each for the strict split.
    pub out: PathBuf,
    pub datasets: Vec<String>,
    /// Dimensions of the catalog's item factors.
    pub dims: usize,
    /// Neighbours kept per movie by item-kNN.
    pub neighbours: usize,
    /// Seeds the strict split's users and the random tie-break.
    pub seed: u64,
    /// Write the 5-core files, the device users and the training CSVs, then stop (for ALS).
    pub prepare_only: bool,
    /// Train and evaluate the sequence model (`flaneur model train`).
    pub sequence_model: bool,
    /// Train a sequence model where none matches its inputs (else that row is skipped).
    pub train_models: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data: PathBuf::from("target/eval/data"),
            out: PathBuf::from("target/eval/sequential"),
            datasets: vec!["ml-1m".into(), "ml-100k".into()],
            dims: 64,
            neighbours: 100,
            seed: 1,
            prepare_only: false,
            sequence_model: true,
            train_models: true,
        }
    }
}

impl Config {
    /// The JSON report's path.
    pub fn report(&self) -> PathBuf {
        self.out.parent().unwrap_or(Path::new(".")).join("sequential-report.json")
    }
}

/// One method's line of a table.
pub type MethodResult = super::method::MethodResult<Metrics, SlateMix>;

/// A method that did not run, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub method: String,
    pub reason: String,
}

/// One split's results.
#[derive(Debug, Clone, Serialize)]
pub struct SplitReport {
    /// Users evaluated.
    pub users: usize,
    /// Users whose histories the methods were trained on.
    pub training_users: usize,
    pub methods: Vec<MethodResult>,
    pub skipped: Vec<Skipped>,
    /// In the standard split, each method's metrics on the strict split's
    /// device-only users alone (in `methods`' order): the same users with and
    /// without their data in training. Empty in the strict split.
    pub on_device_users: Vec<Metrics>,
    /// `flaneur model train`'s wall time (0 when the model file was reused), when it ran.
    pub model_training_seconds: Option<f64>,
}

/// One dataset's results.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetReport {
    pub dataset: String,
    /// Ratings in the raw file, and left in the 5-core.
    pub raw_interactions: usize,
    pub interactions: usize,
    pub users: usize,
    pub movies: usize,
    /// Users whose test interaction shares its second with the one before.
    pub tied_last_interactions: usize,
    pub standard: SplitReport,
    /// The transition model with same-second ties shuffled (seeded) instead of by item id.
    pub transition_random_ties: Metrics,
    pub strict: SplitReport,
    pub seed: u64,
    pub seconds: f64,
}

/// Runs (or, with `prepare_only`, prepares) every dataset.
pub fn run(config: &Config) -> Result<Vec<DatasetReport>, String> {
    let mut reports = Vec::new();
    for name in &config.datasets {
        let started = Instant::now();
        let prepared = prepare(config, name)?;
        if !config.prepare_only {
            reports.push(run_dataset(config, prepared, started)?);
        }
    }
    Ok(reports)
}

/// A dataset's 5-core, its strict split and where its files go.
struct Prepared {
    name: String,
    out: PathBuf,
    raw_interactions: usize,
    data: Dataset,
    strict_train: Dataset,
    strict_eval: Dataset,
    /// Which users (in `data`'s order) are device-only in the strict split.
    device: Vec<bool>,
}

/// Writes the 5-core `.inter`, the device users' ids and the training CSVs.
fn prepare(config: &Config, name: &str) -> Result<Prepared, String> {
    let out = config.out.join(name);
    let (raw, kept) = seq::write_five_core(&config.data.join(name), &out, name)?;
    let data = seq::load(&out, name)?;
    eprintln!(
        "{name}: 5-core: {kept} of {raw} interactions, {} users, {} movies",
        data.users.len(),
        data.movies.len()
    );
    let device = seq::device_only(data.users.len(), seq::DEVICE_SHARE, config.seed);
    let (strict_train, strict_eval) = seq::strict(&data, &device);
    let strict_dir = out.join("strict");
    std::fs::create_dir_all(&strict_dir).map_err(|e| format!("{}: {e}", strict_dir.display()))?;
    let ids: String = strict_eval.users.iter().map(|u| format!("{}\n", u.id)).collect();
    seq::write_if_changed(&strict_dir.join("device-users.txt"), ids.as_bytes())?;
    sequence_model::write_train_csv(&data, &out.join("train.csv"))?;
    sequence_model::write_train_csv(&strict_train, &strict_dir.join("train.csv"))?;
    Ok(Prepared {
        name: name.into(),
        out,
        raw_interactions: raw,
        data,
        strict_train,
        strict_eval,
        device,
    })
}

fn timed<T>(f: impl FnOnce() -> Result<T, String>) -> Result<(T, f64), String> {
    let started = Instant::now();
    let value = f()?;
    Ok((value, started.elapsed().as_secs_f64()))
}

fn run_dataset(config: &Config, p: Prepared, started: Instant) -> Result<DatasetReport, String> {
    let d = &p.data;
    let label = p.name.clone();
    let standard = evaluate(config, &label, d, d, &p.out, Some(&p.device))?;
    let random = seq::random_ties(d, config.seed);
    let popularity = rank::popularity(&random);
    let lists = transition::rank(&random, &random, &popularity);
    let transition_random_ties = metrics::score(&random, &popularity, &lists);
    eprintln!(
        "{label}: transition model, random ties: NDCG@10 {:.4}, HR@10 {:.4}",
        transition_random_ties.ndcg10, transition_random_ties.hr10
    );
    let strict_label = format!("{label} strict");
    let strict = evaluate(
        config,
        &strict_label,
        &p.strict_train,
        &p.strict_eval,
        &p.out.join("strict"),
        None,
    )?;
    let tied = d.users.iter().filter(|u| u.train.last().is_some_and(|r| r.at == u.test.at)).count();
    Ok(DatasetReport {
        dataset: p.name.clone(),
        raw_interactions: p.raw_interactions,
        interactions: d.users.iter().map(|u| u.train.len() + 1).sum(),
        users: d.users.len(),
        movies: d.movies.len(),
        tied_last_interactions: tied,
        standard,
        transition_random_ties,
        strict,
        seed: config.seed,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Every method trained on `train`'s users' `train` histories, evaluated on
/// `eval`'s users (the same dataset in the standard split); files under `dir`.
/// With `subset` (which of `eval`'s users), every method is also scored on
/// those users alone.
fn evaluate(
    config: &Config,
    label: &str,
    train: &Dataset,
    eval: &Dataset,
    dir: &Path,
    subset: Option<&[bool]>,
) -> Result<SplitReport, String> {
    let popularity = rank::popularity(train);
    let subset_data = subset.map(|keep| {
        let users = eval.users.iter().zip(keep).filter(|(_, k)| **k).map(|(u, _)| u.clone());
        seq::with_users(eval, users.collect())
    });
    let mut on_device_users = Vec::new();
    let mut methods = Vec::new();
    let mut skipped = Vec::new();
    let mut add = |method: &str, runs: &str, lists: &[Vec<u32>], slates, seconds: f64| {
        let m = metrics::score(eval, &popularity, lists);
        eprintln!(
            "{label}: {method}: NDCG@10 {:.4}, HR@10 {:.4}, coverage@10 {:.1}% ({seconds:.1} s)",
            m.ndcg10,
            m.hr10,
            100.0 * m.coverage10
        );
        if let (Some(keep), Some(sub)) = (subset, &subset_data) {
            let lists: Vec<Vec<u32>> =
                lists.iter().zip(keep).filter(|(_, k)| **k).map(|(l, _)| l.clone()).collect();
            on_device_users.push(metrics::score(sub, &popularity, &lists));
        }
        methods.push(MethodResult {
            method: method.into(),
            runs: runs.into(),
            metrics: m,
            slates,
            seconds,
        });
    };
    let server = "server, training users' data";
    let (lists, s) = timed(|| Ok(rank::most_popular(eval, &popularity)))?;
    add("most popular", server, &lists, None, s);
    let (lists, s) = timed(|| Ok(rank::item_knn_from(train, eval, config.neighbours)))?;
    let knn = format!("item-kNN (cosine, {} neighbours)", config.neighbours);
    add(&knn, server, &lists, None, s);
    let als = "ALS (implicit, tuned on validation)";
    match rank::read_lists(eval, &dir.join("als-top10.tsv")) {
        Ok(lists) => {
            let seconds = std::fs::read_to_string(dir.join("als.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| v.get("total_seconds").and_then(serde_json::Value::as_f64))
                .unwrap_or(0.0);
            add(als, server, &lists, None, seconds);
        }
        Err(reason) => {
            let reason = format!("{reason} (scripts/eval.sh runs scripts/eval/als.py first)");
            skip(&mut skipped, label, als, reason)
        }
    }
    let (lists, s) = timed(|| Ok(transition::rank(train, eval, &popularity)))?;
    let name = format!("transition model (last {}, 1/distance)", transition::WINDOW);
    add(&name, server, &lists, None, s);

    let cat_dir = dir.join("catalog");
    std::fs::create_dir_all(&cat_dir).map_err(|e| format!("{}: {e}", cat_dir.display()))?;
    let counts = cat_dir.join("co-purchases.csv");
    let (factors, s) = timed(|| {
        catalog::write_co_purchases(train, &counts)?;
        catalog::build(train, &popularity, &cat_dir, Some(&counts), config.dims, 0.0)
    })?;
    eprintln!("{label}: factor catalog compiled in {s:.1} s");
    let device = "device, own history + aggregate counts";
    let ((lists, mix), s) = timed(|| rank::flaneur(eval, &factors, 0.0, INTENSITY, DIVERSITY))?;
    add("flaneur, fold-in (co-purchase factors)", device, &lists, Some(mix), s);

    let seq_name = "flaneur, sequence model";
    let mut model_training_seconds = None;
    if !config.sequence_model {
        skip(&mut skipped, label, seq_name, "not asked (--no-sequence-model)".into());
    } else {
        match sequence_model::train(&dir.join("train.csv"), dir, config.train_models) {
            Err(reason) => skip(&mut skipped, label, seq_name, reason),
            Ok(trained) => {
                model_training_seconds = Some(trained.seconds);
                eprintln!(
                    "{label}: sequence model {} ({:.0} s)",
                    if trained.reused { "reused" } else { "trained" },
                    trained.seconds
                );
                let built = sequence_model::build_catalog(
                    train,
                    &popularity,
                    &dir.join("sequence"),
                    &counts,
                    config.dims,
                    &trained.model,
                );
                match built {
                    Err(reason) => skip(&mut skipped, label, seq_name, reason),
                    Ok(cat) => {
                        let ((lists, mix), s) =
                            timed(|| rank::flaneur(eval, &cat, 0.0, INTENSITY, DIVERSITY))?;
                        let runs = "device, own history + shop's model";
                        add(seq_name, runs, &lists, Some(mix), s);
                    }
                }
            }
        }
    }
    Ok(SplitReport {
        users: eval.users.len(),
        training_users: train.users.len(),
        methods,
        skipped,
        on_device_users,
        model_training_seconds,
    })
}

fn skip(skipped: &mut Vec<Skipped>, label: &str, method: &str, reason: String) {
    eprintln!("{label}: {method}: skipped: {reason}");
    skipped.push(Skipped { method: method.into(), reason });
}

/// Writes the report as JSON.
pub fn write_json(reports: &[DatasetReport], path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(reports).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}
