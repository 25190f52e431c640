//! `flaneur-eval grocery`: buy-again and discovery on a real grocer's order
//! log (The Complete Journey, 84.51°), under the next-basket protocol of Li
//! et al. (`grocery_data.rs`): the next-basket baselines, TIFU-KNN and ALS on
//! the server against flaneur on the device, every method scored by the same
//! code (`grocery_metrics.rs`). `scripts/eval.sh` writes the order log
//! (`--orders-only`), trains ALS on it (`scripts/eval/grocery_als.py`,
//! cached), then runs this; docs/EVALUATION.md holds the reading.

use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use super::grocery_baselines as baselines;
use super::grocery_data::{self as data, Dropped, Grocery, Households};
use super::grocery_flaneur::{self as device, Cost, SlateMix};
use super::grocery_metrics::{self as metrics, Metrics};
use super::grocery_tifu as tifu;

/// The decay per basket of the decayed own-frequency baseline.
pub const DECAY: f64 = 0.97;
/// Households timed for the cost, and runs of each.
const COST_HOUSEHOLDS: usize = 10;
const COST_RUNS: usize = 21;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Holds `transactions.csv` and `products.csv`; the order log is written here.
    pub data: PathBuf,
    /// ALS lists, factors, the catalog and the report go under here.
    pub out: PathBuf,
    pub households: Households,
    /// Only write the order log (for the ALS script), then stop.
    pub orders_only: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data: PathBuf::from("target/eval/data/completejourney"),
            out: PathBuf::from("target/eval"),
            households: Households::Even,
            orders_only: false,
        }
    }
}

impl Config {
    /// The training order log: `<data>/orders-<even|odd>.csv`.
    pub fn orders(&self) -> PathBuf {
        self.data.join(format!("orders-{}.csv", self.households.name()))
    }

    /// ALS lists, factors and the catalog: `<out>/completejourney/<even|odd>/`.
    pub fn work(&self) -> PathBuf {
        self.out.join("completejourney").join(self.households.name())
    }

    /// The report: `<out>/grocery-report.json` (`grocery-report-odd.json` for odd households).
    pub fn report(&self) -> PathBuf {
        match self.households {
            Households::Even => self.out.join("grocery-report.json"),
            Households::Odd => self.out.join("grocery-report-odd.json"),
        }
    }
}

/// One method's line of the table.
pub type MethodResult = super::method::MethodResult<Metrics, SlateMix>;

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub households_used: String,
    /// Households of the parity with at least one basket.
    pub households: usize,
    /// Households evaluated (at least 4 baskets): one held-out basket each.
    pub tested_households: usize,
    pub training_baskets: usize,
    /// Transaction lines kept, and the order log's lines (distinct products per basket).
    pub lines: usize,
    pub order_lines: usize,
    pub dropped: Dropped,
    pub non_product_departments: Vec<String>,
    pub non_product_categories: Vec<String>,
    /// Products bought in training: the catalog.
    pub catalog_products: usize,
    /// Mean distinct products of a held-out basket.
    pub mean_test_basket: f64,
    /// Share of the held-out baskets' products the household bought before.
    pub repeat_share: f64,
    pub tifu: tifu::Params,
    pub decay: f64,
    pub methods: Vec<MethodResult>,
    pub cost: Cost,
    /// `scripts/eval/grocery_als.py`'s own report.
    pub als: serde_json::Value,
    pub seconds: f64,
}

fn timed<T>(f: impl FnOnce() -> Result<T, String>) -> Result<(T, f64), String> {
    let started = Instant::now();
    let value = f()?;
    Ok((value, started.elapsed().as_secs_f64()))
}

/// Loads and splits the data and writes the order log; the split and the log's line count.
pub fn prepare(config: &Config) -> Result<(Grocery, usize), String> {
    let g = data::load(&config.data, config.households)?;
    let lines = data::write_orders(&g, &config.orders())?;
    eprintln!(
        "grocery: {} {} households ({} tested), {} products, {lines} order lines -> {}",
        g.households.len(),
        config.households.name(),
        g.tested().count(),
        g.catalog_products().count(),
        config.orders().display()
    );
    Ok((g, lines))
}

/// Runs every method (after [`prepare`]).
pub fn run(config: &Config, g: &Grocery, order_lines: usize) -> Result<Report, String> {
    let started = Instant::now();
    let popularity = baselines::popularity(g);
    let best = baselines::best_sellers(&popularity);
    let mut methods = Vec::new();
    let mut add = |method: &str, runs: &str, lists: &[Vec<u32>], mix, seconds: f64| {
        let m = metrics::score(g.tested(), lists);
        eprintln!(
            "grocery: {method}: recall@20 {:.4} (repeat {:.4}, explore {:.4}), NDCG@10 {:.4} \
             ({seconds:.1} s)",
            m.recall20, m.repeat_recall20, m.explore_recall20, m.ndcg10
        );
        methods.push(MethodResult {
            method: method.into(),
            runs: runs.into(),
            metrics: m,
            slates: mix,
            seconds,
        });
    };
    let server = "server, every household's orders";
    let own = "own history (+ best-sellers)";
    let (lists, s) = timed(|| Ok(baselines::g_top_freq(g, &best)))?;
    add("G-TopFreq (best-sellers)", server, &lists, None, s);
    let (lists, s) = timed(|| Ok(baselines::popular_unseen(g, &best)))?;
    add("best-sellers, bought excluded", server, &lists, None, s);
    let (lists, s) = timed(|| Ok(baselines::own_frequency(g, &popularity, &best, 1.0)))?;
    add("P-TopFreq (own most frequent)", own, &lists, None, s);
    let (lists, s) = timed(|| Ok(baselines::own_frequency(g, &popularity, &best, DECAY)))?;
    add(&format!("own frequency, decay {DECAY} per basket"), own, &lists, None, s);
    let p = tifu::DEFAULTS;
    let (lists, s) = timed(|| Ok(tifu::lists(g, &popularity, &best, &p)))?;
    add("TIFU-KNN", server, &lists, None, s);
    let work = config.work();
    let als: serde_json::Value = std::fs::read_to_string(work.join("als.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    let als_seconds = als.get("fit_seconds").and_then(serde_json::Value::as_f64).unwrap_or(0.0);
    let lists = baselines::read_lists(g, &work.join("als-top20.tsv"))?;
    add("ALS (implicit, f = 128)", server, &lists, None, als_seconds);
    let lists = baselines::read_lists(g, &work.join("als-unseen-top20.tsv"))?;
    add("ALS (implicit, f = 128), bought excluded", server, &lists, None, als_seconds);

    let (catalog, s) = timed(|| {
        let factors = work.join("item-factors-64.csv");
        super::grocery_catalog::build(g, &popularity, &factors, &config.orders(), &work)
    })?;
    eprintln!("grocery: catalog of {} products compiled in {s:.1} s", catalog.len());
    let runs = "device, own history + catalog";
    for variant in device::variants() {
        let ((lists, mix), s) = timed(|| device::lists(g, &catalog, &variant))?;
        add(variant.name, runs, &lists, Some(mix), s);
    }
    let cost = device::cost(g, &catalog, COST_HOUSEHOLDS, COST_RUNS)?;

    let tested: Vec<_> = g.tested().collect();
    let (mut items, mut repeats) = (0usize, 0usize);
    for h in &tested {
        let test = h.test.as_ref().map_or(&[][..], |t| &t.items[..]);
        let mine = metrics::bought(h);
        items += test.len();
        repeats += test.iter().filter(|i| mine.binary_search(i).is_ok()).count();
    }
    Ok(Report {
        households_used: config.households.name().into(),
        households: g.households.len(),
        tested_households: tested.len(),
        training_baskets: g.households.iter().map(|h| h.train.len()).sum(),
        lines: g.lines,
        order_lines,
        dropped: g.dropped.clone(),
        non_product_departments: data::NON_PRODUCT_DEPARTMENTS.map(String::from).to_vec(),
        non_product_categories: data::NON_PRODUCT_CATEGORIES.map(String::from).to_vec(),
        catalog_products: catalog.len(),
        mean_test_basket: items as f64 / tested.len().max(1) as f64,
        repeat_share: repeats as f64 / items.max(1) as f64,
        tifu: p,
        decay: DECAY,
        methods,
        cost,
        als,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Writes the report as JSON.
pub fn write_json(report: &Report, path: &std::path::Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}
