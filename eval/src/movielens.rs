//! `flaneur-eval movielens`: recommendation quality on real interaction logs
//! (MovieLens-100k and -1M as RecBole's wheels ship them), flaneur on the
//! device against server-side recommenders trained on everyone's data.
//! `scripts/eval.sh` (run by `make eval`) fetches the data, trains the ALS
//! anchor in a Python venv and then runs this; the method and the reading of
//! the numbers are in docs/EVALUATION.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use flaneur::catalog::Catalog;

use super::movielens_catalog as catalog;
use super::movielens_data::{self as data, Dataset};
use super::movielens_metrics::{self as metrics, Metrics};
use super::movielens_rank::{self as rank, DEFAULT_DIVERSITY, INTENSITY, SlateMix};
pub use super::movielens_row::{MethodResult, row};

/// The `intensity` preference's default before issue #20 (relevance blended
/// with 20% of the shop's own order): the reference ("the defaults") of the
/// coverage sweep, which chose today's default, 1.
const DEFAULT_INTENSITY: f32 = 0.8;
/// The coverage sweep: every `intensity` × `diversity`, co-purchase factors, no divergence.
pub const SWEEP_INTENSITY: [f32; 3] = [0.8, 0.9, 1.0];
/// See [`SWEEP_INTENSITY`].
pub const SWEEP_DIVERSITY: [f32; 4] = [0.15, 0.3, 0.45, 0.6];
/// A sweep point is eligible when its validation NDCG@10 is at least this
/// share of the defaults' on every dataset.
pub const NDCG_FLOOR: f64 = 0.98;
/// Item factors compared besides the catalog's (64 factors from raw
/// counts): `(dims, --co-purchase-damping)`.
const FACTOR_VARIANTS: [(usize, f64); 4] = [(64, 0.25), (64, 0.35), (64, 0.5), (128, 0.0)];
/// Threads the sweep and the factor variants run on, at most.
const SWEEP_THREADS: usize = 2;

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
    /// flaneur on item factors from PySpark's ALS (`make eval-spark`, see
    /// `spark.rs`), when they were trained: shown after the ALS row, in no ratio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spark: Option<MethodResult>,
    /// The ALS anchor's tuning, as `scripts/eval/als.py` reported it.
    pub als: serde_json::Value,
    /// Best flaneur NDCG@10 over the best server-side anchor's (1.0 = no privacy tax).
    pub ndcg_ratio_to_best_anchor: f64,
    pub best_anchor: String,
    pub best_flaneur: String,
    /// The coverage sweep, in grid order (intensity-major).
    pub sweep: Vec<SweepPoint>,
    /// Wall time of the sweep, the validation catalog's compilation included.
    pub sweep_seconds: f64,
    /// Test-split rankings without the slate's machinery (see
    /// [`rank::fold_in_diagnostics`]): `(label, metrics)`.
    pub diagnostics: Vec<(String, Metrics)>,
    /// The engine at intensity 1, diversity 0.15 on other item factors from the same counts.
    pub variants: Vec<FactorVariant>,
}

/// Item factors compiled from the same counts with other settings, the
/// engine at intensity 1 and diversity 0.15 on both splits.
#[derive(Debug, Clone, Serialize)]
pub struct FactorVariant {
    pub dims: usize,
    /// The compiler's `--co-purchase-damping`.
    pub damping: f64,
    pub validation: Metrics,
    pub test: Metrics,
    /// The fold-in's `x · yᵢ` alone, on the test split.
    pub fold_in_test: Metrics,
}

/// One point of the coverage sweep: flaneur with co-purchase factors, no
/// divergence, on the validation split and on the test split.
#[derive(Debug, Clone, Serialize)]
pub struct SweepPoint {
    pub intensity: f32,
    pub diversity: f32,
    /// Each user's second-to-last interaction held out, the catalog compiled without it.
    pub validation: Metrics,
    /// The leave-last-out split of the main table.
    pub test: Metrics,
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
    let spark = super::spark::row(&d, &popularity, &config.out)?.map(|(m, _)| m);
    if let Some(m) = &spark {
        eprintln!("{name}: {}: NDCG@10 {:.4}", m.method, m.metrics.ndcg10);
    }

    let (content, s) = timed(|| catalog::build(&d, &popularity, &out, None, config.dims, 0.0))?;
    eprintln!("{name}: content catalog compiled in {s:.1} s");
    let ((lists, mix), s) =
        timed(|| rank::flaneur(&d, &content, 0.0, INTENSITY, DEFAULT_DIVERSITY))?;
    add("flaneur, content vectors", "device, own history", &lists, Some(mix), s);
    let counts = out.join("co-purchases.csv");
    let (co_purchase_lines, s) = timed(|| catalog::write_co_purchases(&d, &counts))?;
    eprintln!("{name}: {co_purchase_lines} lines of co-purchase counts in {s:.1} s");
    let (factors, s) =
        timed(|| catalog::build(&d, &popularity, &out, Some(&counts), config.dims, 0.0))?;
    eprintln!("{name}: factor catalog compiled in {s:.1} s");
    let runs = "device, own history + aggregate counts";
    let ((lists, mix), s) =
        timed(|| rank::flaneur(&d, &factors, 0.0, INTENSITY, DEFAULT_DIVERSITY))?;
    add("flaneur, co-purchase factors", runs, &lists, Some(mix), s);
    let ((lists, mix), s) =
        timed(|| rank::flaneur(&d, &factors, 0.2, INTENSITY, DEFAULT_DIVERSITY))?;
    add("flaneur, co-purchase factors, divergence 0.2", runs, &lists, Some(mix), s);
    let ((lists, mix), s) =
        timed(|| rank::flaneur(&d, &factors, 0.0, DEFAULT_INTENSITY, DEFAULT_DIVERSITY))?;
    add("flaneur, co-purchase factors, intensity 0.8 (before #20)", runs, &lists, Some(mix), s);
    let ((lists, mix), s) =
        timed(|| rank::flaneur(&d, &factors, 0.2, DEFAULT_INTENSITY, DEFAULT_DIVERSITY))?;
    let label = "flaneur, co-purchase factors, intensity 0.8 (before #20), divergence 0.2";
    add(label, runs, &lists, Some(mix), s);

    let started = Instant::now();
    let valid = data::validation(&d);
    let valid_popularity = rank::popularity(&valid);
    let valid_out = out.join("validation");
    std::fs::create_dir_all(&valid_out).map_err(|e| format!("{}: {e}", valid_out.display()))?;
    let valid_counts = valid_out.join("co-purchases.csv");
    catalog::write_co_purchases(&valid, &valid_counts)?;
    let valid_factors = catalog::build(
        &valid,
        &valid_popularity,
        &valid_out,
        Some(&valid_counts),
        config.dims,
        0.0,
    )?;
    let sweep = sweep(
        Split { data: &valid, catalog: &valid_factors, popularity: &valid_popularity },
        Split { data: &d, catalog: &factors, popularity: &popularity },
    )?;
    let sweep_seconds = started.elapsed().as_secs_f64();
    eprintln!("{name}: coverage sweep of {} points in {sweep_seconds:.1} s", sweep.len());
    let started = Instant::now();
    let [by_factor, by_relevance] = rank::fold_in_diagnostics(&d, &factors)?;
    let diagnostics = vec![
        (
            "the fold-in's `x · yᵢ` alone (as ALS ranks)".to_owned(),
            metrics::score(&d, &popularity, &by_factor),
        ),
        (
            "relevance alone (fold-in 0.7, category, facets, popularity 0.3)".to_owned(),
            metrics::score(&d, &popularity, &by_relevance),
        ),
    ];
    let variants = parallel(&FACTOR_VARIANTS, |&(dims, damping)| {
        let dir = format!("factors-{dims}-{damping}");
        let valid_catalog = catalog::build(
            &valid,
            &valid_popularity,
            &valid_out.join(&dir),
            Some(&valid_counts),
            dims,
            damping,
        )?;
        let test_catalog =
            catalog::build(&d, &popularity, &out.join(&dir), Some(&counts), dims, damping)?;
        let validation =
            Split { data: &valid, catalog: &valid_catalog, popularity: &valid_popularity };
        let test = Split { data: &d, catalog: &test_catalog, popularity: &popularity };
        let [by_factor, _] = rank::fold_in_diagnostics(&d, &test_catalog)?;
        Ok(FactorVariant {
            dims,
            damping,
            validation: validation.score(1.0, DEFAULT_DIVERSITY)?,
            test: test.score(1.0, DEFAULT_DIVERSITY)?,
            fold_in_test: metrics::score(&d, &popularity, &by_factor),
        })
    })?;
    eprintln!("{name}: diagnostics in {:.1} s", started.elapsed().as_secs_f64());

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
        spark,
        als,
        sweep,
        sweep_seconds,
        diagnostics,
        variants,
    })
}

/// A split to rank and score: its data, its catalog and its popularity.
#[derive(Clone, Copy)]
struct Split<'a> {
    data: &'a Dataset,
    catalog: &'a Catalog,
    popularity: &'a [u32],
}

impl Split<'_> {
    fn score(&self, intensity: f32, diversity: f32) -> Result<Metrics, String> {
        let (lists, _) = rank::flaneur(self.data, self.catalog, 0.0, intensity, diversity)?;
        Ok(metrics::score(self.data, self.popularity, &lists))
    }
}

/// Every point of [`SWEEP_INTENSITY`] × [`SWEEP_DIVERSITY`] on both splits,
/// on up to [`SWEEP_THREADS`] threads (each point is deterministic).
fn sweep(validation: Split<'_>, test: Split<'_>) -> Result<Vec<SweepPoint>, String> {
    let points: Vec<(f32, f32)> = SWEEP_INTENSITY
        .iter()
        .flat_map(|&i| SWEEP_DIVERSITY.iter().map(move |&d| (i, d)))
        .collect();
    parallel(&points, |&(intensity, diversity)| {
        Ok(SweepPoint {
            intensity,
            diversity,
            validation: validation.score(intensity, diversity)?,
            test: test.score(intensity, diversity)?,
        })
    })
}

/// `f` of every item, in order, on up to [`SWEEP_THREADS`] threads; the first error, if any.
pub fn parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, String> + Sync,
) -> Result<Vec<R>, String> {
    let threads =
        std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, SWEEP_THREADS);
    let threads = threads.min(items.len()).max(1);
    let mut done: Vec<(usize, Result<R, String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|w| {
                let f = &f;
                scope.spawn(move || {
                    (w..items.len()).step_by(threads).map(|n| (n, f(&items[n]))).collect()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|_| vec![(0, Err("a thread panicked".into()))]))
            .collect::<Vec<_>>()
    });
    done.sort_by_key(|(n, _)| *n);
    done.into_iter().map(|(_, r)| r).collect()
}

/// The index in every report's sweep of the defaults (intensity 0.8, diversity 0.15).
fn defaults_point() -> usize {
    let i = SWEEP_INTENSITY.iter().position(|&i| i == DEFAULT_INTENSITY).unwrap_or(0);
    let d = SWEEP_DIVERSITY.iter().position(|&d| d == DEFAULT_DIVERSITY).unwrap_or(0);
    i * SWEEP_DIVERSITY.len() + d
}

/// Whether sweep point `n` of `r` keeps [`NDCG_FLOOR`] of the defaults' validation NDCG@10.
fn passes(r: &DatasetReport, n: usize) -> bool {
    let base = r.sweep.get(defaults_point()).map_or(0.0, |p| p.validation.ndcg10);
    r.sweep.get(n).is_some_and(|p| p.validation.ndcg10 >= NDCG_FLOOR * base)
}

/// The rule: among the points that pass on every dataset, the one with the
/// highest validation coverage@10 (the mean over the datasets); the first in
/// grid order on a tie. `None` when there is no sweep.
pub fn choose(reports: &[DatasetReport]) -> Option<usize> {
    let points = reports.iter().map(|r| r.sweep.len()).min().filter(|&n| n > 0)?;
    let coverage = |n: usize| {
        reports.iter().map(|r| r.sweep[n].validation.coverage10).sum::<f64>() / reports.len() as f64
    };
    let mut best: Option<usize> = None;
    for n in (0..points).filter(|&n| reports.iter().all(|r| passes(r, n))) {
        if best.is_none_or(|b| coverage(n) > coverage(b)) {
            best = Some(n);
        }
    }
    best
}

fn vs(x: f64, base: f64) -> String {
    if base > 0.0 { format!("{:+.1}%", 100.0 * (x / base - 1.0)) } else { "–".into() }
}

/// ALS's coverage@10 on the test split, if it ran.
fn als_coverage(r: &DatasetReport) -> Option<f64> {
    r.methods.iter().find(|m| m.method.starts_with("ALS")).map(|m| m.metrics.coverage10)
}

/// Validation and test metrics of every factor setting at intensity 1,
/// diversity 0.15: the catalog's own (64, raw counts) from the sweep first.
fn factor_rows(r: &DatasetReport) -> Vec<(usize, f64, Metrics, Metrics, Option<Metrics>)> {
    let one = SWEEP_INTENSITY.iter().position(|&i| i == 1.0).map(|i| i * SWEEP_DIVERSITY.len());
    let mut rows = Vec::new();
    if let Some(p) = one.and_then(|n| r.sweep.get(n)) {
        let fold_in = r.diagnostics.first().map(|(_, m)| m.clone());
        rows.push((64, 0.0, p.validation.clone(), p.test.clone(), fold_in));
    }
    for v in &r.variants {
        let fold_in = Some(v.fold_in_test.clone());
        rows.push((v.dims, v.damping, v.validation.clone(), v.test.clone(), fold_in));
    }
    rows
}

/// The factor settings' table and, by the sweep's rule, the best of them.
fn render_variants(reports: &[DatasetReport]) -> String {
    let base = defaults_point();
    let mut out = String::from(
        "**Beyond the knobs: the catalog's item factors.** The same co-purchase counts \
         compiled with `--co-purchase-damping` b (`C'(i,j) = C(i,j) / (C(i,i) C(j,j))^b`: \
         popular pairs weigh less) or with more factors, on both splits (the validation \
         catalog from the validation split's counts); the engine at intensity 1, diversity \
         0.15, no divergence. Passes: validation NDCG@10 at least 0.98× the defaults' \
         (intensity 0.8, diversity 0.15, 64 factors, raw counts).\n\n",
    );
    let mut table: Vec<Vec<(usize, f64, bool, f64)>> = Vec::new();
    for r in reports {
        let Some(b) = r.sweep.get(base) else { continue };
        out.push_str(&format!("*{}*\n\n", r.dataset));
        out.push_str(
            "| factors | damping | validation NDCG@10 (vs defaults) | validation coverage@10 | \
             passes | test NDCG@10 (vs defaults) | test coverage@10 | fold-in alone: test \
             NDCG@10 | fold-in alone: test coverage@10 |\n",
        );
        out.push_str("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n");
        let mut rows = Vec::new();
        for (dims, damping, v, t, f) in factor_rows(r) {
            let pass = v.ndcg10 >= NDCG_FLOOR * b.validation.ndcg10;
            let (fn_, fc) = f.map_or(("–".into(), "–".into()), |f| {
                (format!("{:.4}", f.ndcg10), format!("{:.1}%", 100.0 * f.coverage10))
            });
            out.push_str(&format!(
                "| {dims} | {damping} | {:.4} ({}) | {:.1}% | {} | {:.4} ({}) | {:.1}% | {fn_} | \
                 {fc} |\n",
                v.ndcg10,
                vs(v.ndcg10, b.validation.ndcg10),
                100.0 * v.coverage10,
                if pass { "yes" } else { "no" },
                t.ndcg10,
                vs(t.ndcg10, b.test.ndcg10),
                100.0 * t.coverage10,
            ));
            rows.push((dims, damping, pass, v.coverage10));
        }
        table.push(rows);
        out.push('\n');
    }
    let settings = table.iter().map(Vec::len).min().unwrap_or(0);
    let coverage = |n: usize| table.iter().map(|rows| rows[n].3).sum::<f64>() / table.len() as f64;
    let mut best: Option<usize> = None;
    for n in (0..settings).filter(|&n| table.iter().all(|rows| rows[n].2)) {
        if best.is_none_or(|b| coverage(n) > coverage(b)) {
            best = Some(n);
        }
    }
    if let Some(n) = best {
        let (dims, damping, _, _) = table[0][n];
        out.push_str(&format!(
            "By the same rule, the best factor setting: **{dims} factors, damping {damping}** \
             (mean validation coverage@10 {:.1}%).\n\n",
            100.0 * coverage(n)
        ));
    }
    out
}

/// The coverage sweep's tables and the chosen point, as Markdown.
pub fn render_coverage(reports: &[DatasetReport]) -> String {
    let chosen = choose(reports);
    let base = defaults_point();
    let mut out = String::new();
    for r in reports {
        let Some(b) = r.sweep.get(base) else { continue };
        out.push_str(&format!(
            "**{}**: flaneur, co-purchase factors, no divergence; {} points in {:.0} s (the \
             validation catalog's compilation included). Against the defaults before issue #20 \
             (intensity {}, diversity {}): validation NDCG@10 {:.4}, test NDCG@10 {:.4}; ALS's \
             test coverage@10 {}.\n\n",
            r.dataset,
            r.sweep.len(),
            r.sweep_seconds,
            DEFAULT_INTENSITY,
            DEFAULT_DIVERSITY,
            b.validation.ndcg10,
            b.test.ndcg10,
            als_coverage(r).map_or("–".into(), |c| format!("{:.1}%", 100.0 * c)),
        ));
        out.push_str(
            "| intensity | diversity | validation NDCG@10 (vs defaults) | validation \
             coverage@10 | passes (≥ 0.98×) | test NDCG@10 (vs defaults) | test coverage@10 | \
             test HR@10 |\n",
        );
        out.push_str("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n");
        for (n, p) in r.sweep.iter().enumerate() {
            let pass = match (passes(r, n), chosen == Some(n)) {
                (true, true) => "yes, **chosen**",
                (true, false) => "yes",
                (false, _) => "no",
            };
            out.push_str(&format!(
                "| {} | {} | {:.4} ({}) | {:.1}% | {pass} | {:.4} ({}) | {:.1}% | {:.4} |\n",
                p.intensity,
                p.diversity,
                p.validation.ndcg10,
                vs(p.validation.ndcg10, b.validation.ndcg10),
                100.0 * p.validation.coverage10,
                p.test.ndcg10,
                vs(p.test.ndcg10, b.test.ndcg10),
                100.0 * p.test.coverage10,
                p.test.hr10,
            ));
        }
        out.push('\n');
    }
    out.push_str(
        "**Where the coverage goes** (test split): the same profiles and on-device fold-in, the \
         10 unseen movies ranked without the slate's machinery (no shop-order blend, threshold, \
         discretion cap or diversity re-rank), against the engine's slates and ALS.\n\n",
    );
    out.push_str("| ranking |");
    for r in reports {
        out.push_str(&format!(" {} NDCG@10 | {} coverage@10 |", r.dataset, r.dataset));
    }
    out.push_str("\n| --- |");
    for _ in reports {
        out.push_str(" ---: | ---: |");
    }
    out.push('\n');
    let rows = reports.first().map_or(0, |r| r.diagnostics.len());
    // Per ranking: its label, then per dataset (NDCG@10, coverage@10).
    type Line = (String, Vec<Option<(f64, f64)>>);
    let mut lines: Vec<Line> = Vec::new();
    let at =
        |r: &DatasetReport, n: usize| r.sweep.get(n).map(|p| (p.test.ndcg10, p.test.coverage10));
    let one = SWEEP_INTENSITY.iter().position(|&i| i == 1.0).map(|i| i * SWEEP_DIVERSITY.len());
    lines.push((
        format!(
            "engine, defaults before #20 (intensity {DEFAULT_INTENSITY}, diversity \
             {DEFAULT_DIVERSITY})"
        ),
        reports.iter().map(|r| at(r, base)).collect(),
    ));
    if let Some(one) = one {
        lines.push((
            format!("engine, intensity 1, diversity {DEFAULT_DIVERSITY} (today's defaults)"),
            reports.iter().map(|r| at(r, one)).collect(),
        ));
    }
    for n in 0..rows {
        let label = reports[0].diagnostics[n].0.clone();
        let cells = reports
            .iter()
            .map(|r| r.diagnostics.get(n).map(|(_, m)| (m.ndcg10, m.coverage10)))
            .collect();
        lines.push((label, cells));
    }
    lines.push((
        "ALS (implicit, tuned; server)".to_owned(),
        reports
            .iter()
            .map(|r| {
                r.methods
                    .iter()
                    .find(|m| m.method.starts_with("ALS"))
                    .map(|m| (m.metrics.ndcg10, m.metrics.coverage10))
            })
            .collect(),
    ));
    for (label, cells) in lines {
        out.push_str(&format!("| {label} |"));
        for cell in cells {
            match cell {
                Some((ndcg, coverage)) => {
                    out.push_str(&format!(" {ndcg:.4} | {:.1}% |", 100.0 * coverage))
                }
                None => out.push_str(" – | – |"),
            }
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&render_variants(reports));
    match chosen {
        None => out.push_str("**Chosen**: no point passes on every dataset.\n"),
        Some(n) => {
            let Some(p) = reports.first().and_then(|r| r.sweep.get(n)) else { return out };
            out.push_str(&format!(
                "**Chosen** (highest mean validation coverage@10 among the points within {:.0}% \
                 of the defaults' validation NDCG@10 on every dataset): **intensity {}, \
                 diversity {}**. On the test split:",
                100.0 * (1.0 - NDCG_FLOOR),
                p.intensity,
                p.diversity
            ));
            for (i, r) in reports.iter().enumerate() {
                let (p, b) = (&r.sweep[n], &r.sweep[base]);
                let als = als_coverage(r).unwrap_or(f64::NAN);
                out.push_str(&format!(
                    "{} {}: NDCG@10 {:.4} ({} vs the defaults), coverage@10 {:.1}% against the \
                     defaults' {:.1}% and ALS's {:.1}% ({})",
                    if i == 0 { "" } else { ";" },
                    r.dataset,
                    p.test.ndcg10,
                    vs(p.test.ndcg10, b.test.ndcg10),
                    100.0 * p.test.coverage10,
                    100.0 * b.test.coverage10,
                    100.0 * als,
                    if p.test.coverage10 >= als { "at least ALS's" } else { "**below ALS's**" },
                ));
            }
            out.push_str(".\n");
        }
    }
    out
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
            out.push_str(&row(m));
            if let Some(spark) = r.spark.as_ref().filter(|_| m.method.starts_with("ALS")) {
                out.push_str(&row(spark));
            }
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
