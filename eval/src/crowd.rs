//! The crowd loop (issue #24): do the anonymous reports of one cohort of
//! shoppers teach the next cohort's devices which divergence to try?
//!
//! 1. **Cohort 1**: [`Config::cohort`] shoppers of the bubble world browse
//!    the shop with no crowd priors, [`Config::sessions`] sessions a day apart
//!    at the default surprise, each device opted into the anonymous reports
//!    (ε = 1, one report a day, the engine's own reporting code).
//! 2. **The shop aggregates**: for each count of reporting shoppers in
//!    [`Config::reporters`] (the first so many of cohort 1: which shoppers opt
//!    in does not depend on their tastes), their reports are written as JSON
//!    Lines and given to the catalog compiler's `flaneur ldp aggregate
//!    --priors` (the library function the command runs); the priors file is
//!    read back by the reader of `flaneur catalog build --divergence-priors`
//!    and set on the shop's catalog.
//! 3. **Cohort 2**: [`Config::second`] new shoppers (other tastes from the
//!    same distribution, other reaction draws) browse with each catalog, with
//!    no priors (the control: cohort 1's policy on cohort 2's shoppers) and at
//!    surprise 0 (the cost of divergence in clicks).
//! 4. **Finer questions**: cohort 1 again, its catalog listing the shop's
//!    departments as report departments (`colour@Women`, …), the priors of
//!    the largest count of reporters, per axis and per axis within each
//!    department, and cohort 2 with them.
//!
//! Measured per condition: the take-up of divergent slots (clicks per
//! divergent impression) in the first three sessions and in all, the clicks
//! against surprise 0, and the share of latent tastes discovered.

use std::path::{Path, PathBuf};

use flaneur::catalog::{Catalog, DivergencePriors};
use flaneur::ldp::{MAX_STRENGTH, MIN_STRENGTH};
use flaneur::rank::Kind;

use crate::bubble::{ARMS, Run, Shopper, Totals, World, mix, shoppers, simulate_in};
use crate::shop::{self, Shop};
use std::collections::BTreeMap;

/// Sessions whose divergent take-up the bar is about.
pub const FIRST_SESSIONS: usize = 3;
/// The bar: cohort 2's divergent take-up in its first sessions, against cohort 1's.
pub const BAR: f64 = 1.5;

/// The parameters of one run of the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Which shoppers in which shop.
    pub world: World,
    /// Shoppers of cohort 1.
    pub cohort: usize,
    /// Shoppers of cohort 2.
    pub second: usize,
    /// Sessions per shopper, a day apart.
    pub sessions: usize,
    /// Counts of reporting shoppers to learn priors from (each at most `cohort`).
    pub reporters: Vec<usize>,
    /// Seed of the shop, the shoppers and their reactions.
    pub seed: u64,
    /// Items in the shop.
    pub items: usize,
    /// Where the reports and priors files go.
    pub dir: PathBuf,
    /// Also run the loop with the shop's departments as report departments.
    pub departments: bool,
}

impl Config {
    /// The published run in `world`: 20,000 shoppers in cohort 1, half of
    /// them reporting (and ten times fewer), 4,000 in cohort 2, 14 sessions,
    /// with the finer questions too.
    pub fn published(world: World, dir: PathBuf) -> Self {
        Self {
            world,
            cohort: 20_000,
            second: 4_000,
            sessions: 14,
            reporters: vec![1_000, 10_000],
            seed: 1,
            items: shop::DEFAULT_ITEMS,
            dir,
            departments: true,
        }
    }

    /// The section of docs/EVALUATION.md its tables go to.
    pub fn section(&self) -> &'static str {
        match self.world {
            World::Today => "crowd",
            World::Near => "crowd-near",
        }
    }
}

/// What one condition measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What browsed and with what.
    pub label: String,
    /// Its shoppers.
    pub shoppers: usize,
    /// Its totals.
    pub totals: Totals,
}

impl Outcome {
    /// Clicks per divergent impression in the first `sessions` sessions.
    pub fn take_up(&self, sessions: usize) -> Option<f64> {
        let t = &self.totals;
        let shown: u64 = t.by_session.iter().take(sessions).map(|s| s.1).sum();
        let clicked: u64 = t.divergent_clicks_by_session.iter().take(sessions).sum();
        (shown > 0).then(|| clicked as f64 / shown as f64)
    }

    /// Divergent impressions per impression.
    pub fn divergent_share(&self) -> Option<f64> {
        let t = &self.totals;
        let all: u64 = t.impressions.iter().sum();
        (all > 0).then(|| t.impressions[Kind::Divergent.code() as usize] as f64 / all as f64)
    }

    /// All clicks.
    pub fn clicks(&self) -> u64 {
        self.totals.engagements.iter().sum()
    }

    /// The share of latent tastes discovered.
    pub fn discovered(&self) -> Option<f64> {
        let latent = &self.totals.latent;
        let found = latent.iter().filter(|l| l.discovered()).count();
        (!latent.is_empty()).then(|| found as f64 / latent.len() as f64)
    }
}

/// The priors learned from one count of reporters.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// Per axis, or per axis and department too.
    pub grouped: bool,
    /// Reporting shoppers.
    pub reporters: usize,
    /// Their reports.
    pub reports: usize,
    /// The priors file's entries: group, take-up, its standard error, strength.
    pub priors: Vec<(String, f64, f64, f64)>,
    /// The priors as the catalog carries them.
    pub carried: DivergencePriors,
}

/// Everything one run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Its parameters.
    pub config: Config,
    /// Cohort 1.
    pub first: Outcome,
    /// Cohort 2 at surprise 0, without priors, then with each [`Learned`].
    pub baseline: Outcome,
    /// Cohort 2 without priors.
    pub control: Outcome,
    /// Cohort 2 with the priors of each count of reporters.
    pub with_priors: Vec<(Learned, Outcome)>,
}

/// Runs the loop.
///
/// # Errors
///
/// A message when a reports or priors file cannot be written or read back.
pub fn run(config: &Config) -> Result<Report, String> {
    let world = config.world;
    let shop = shop::shop_with(config.seed, config.items, shop::DEFAULT_DIMS, world.colours());
    let surprise = ARMS[1];
    let run = |seed: u64, surprise: f32, reports: bool| Run {
        surprise,
        k: world.k(),
        sessions: config.sessions,
        seed,
        hide_latent: false,
        reports,
    };
    let first_shoppers = shoppers(world, &shop, config.seed, config.cohort);
    let first = browse(&shop, &shop.catalog, &first_shoppers, run(config.seed, surprise, true));
    let first = Outcome {
        label: "cohort 1, no crowd priors".into(),
        shoppers: config.cohort,
        totals: first,
    };

    let second_seed = mix(&[config.seed, 0xC2]);
    let second_shoppers = shoppers(world, &shop, second_seed, config.second);
    let second = |catalog: &Catalog, surprise: f32, label: String| Outcome {
        label,
        shoppers: config.second,
        totals: browse(&shop, catalog, &second_shoppers, run(second_seed, surprise, false)),
    };
    let baseline = second(&shop.catalog, 0.0, "cohort 2, surprise 0".into());
    let control = second(&shop.catalog, surprise, "cohort 2, no crowd priors".into());

    let dir = config.dir.join(world.name());
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut with_priors = Vec::new();
    for &reporters in &config.reporters {
        let reporters = reporters.min(config.cohort);
        let learned = learn(&first.totals, first_shoppers.len(), reporters, &dir, false)?;
        let catalog = shop.catalog_with(learned.carried.clone(), &[]);
        let label = format!("cohort 2, priors from {reporters} reporters");
        let outcome = second(&catalog, surprise, label);
        with_priors.push((learned, outcome));
    }
    if config.departments {
        let departments: Vec<String> =
            shop::TAXONOMY.iter().map(|(name, _)| (*name).to_owned()).collect();
        let asking = shop.catalog_with(DivergencePriors::new(), &departments);
        let run = run(config.seed, surprise, true);
        let grouped_first = browse(&shop, &asking, &first_shoppers, run);
        let reporters = config.reporters.iter().copied().max().unwrap_or(0).min(config.cohort);
        let learned = learn(&grouped_first, first_shoppers.len(), reporters, &dir, true)?;
        let catalog = shop.catalog_with(learned.carried.clone(), &departments);
        let label = format!("cohort 2, priors per axis and department from {reporters} reporters");
        with_priors.push((learned, second(&catalog, surprise, label)));
    }
    Ok(Report { config: config.clone(), first, baseline, control, with_priors })
}

/// Every shopper of `shoppers` browsing `catalog`, on two threads; the
/// totals in the shoppers' order (reports too).
fn browse(shop: &Shop, catalog: &Catalog, shoppers: &[Shopper], run: Run) -> Totals {
    let half = shoppers.len().div_ceil(2);
    let part = |chunk: &[Shopper]| {
        let mut totals = Totals::default();
        for shopper in chunk {
            totals.add(&simulate_in(shop, catalog, shopper, run));
        }
        totals
    };
    let (a, b) = std::thread::scope(|scope| {
        let (left, right) = shoppers.split_at(half.min(shoppers.len()));
        let other = scope.spawn(|| part(right));
        let mine = part(left);
        (mine, other.join().expect("a simulation thread panicked"))
    });
    let mut totals = a;
    totals.add(&b);
    totals
}

/// The priors the reports of the first `reporters` shoppers of cohort 1 give,
/// through the aggregator and the priors file.
fn learn(
    first: &Totals,
    shoppers: usize,
    reporters: usize,
    dir: &Path,
    grouped: bool,
) -> Result<Learned, String> {
    // Reports are in the shoppers' order, as many from each (one a day, budget to spare).
    let per_shopper = first.reports.len() / shoppers.max(1);
    if per_shopper * shoppers != first.reports.len() {
        return Err(format!("{} reports from {shoppers} shoppers", first.reports.len()));
    }
    let kept = &first.reports[..(reporters * per_shopper).min(first.reports.len())];
    let name = if grouped { format!("{reporters}-departments") } else { reporters.to_string() };
    let path = dir.join(format!("reports-{name}.jsonl"));
    let mut text = String::with_capacity(kept.len() * 80);
    for report in kept {
        let line = serde_json::to_string(report).map_err(|e| e.to_string())?;
        text.push_str(&line);
        text.push('\n');
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let out = dir.join(format!("priors-{name}.json"));
    let _ = std::fs::remove_file(&out);
    // `flaneur ldp aggregate reports.jsonl --priors out`: the estimates go to stdout.
    let _ = flaneur_compiler::ldp::aggregate(&path, false, Some(&out));
    let file = std::fs::read_to_string(&out)
        .map_err(|e| format!("the aggregator wrote no {}: {e}", out.display()))?;
    let json: serde_json::Value = serde_json::from_str(&file).map_err(|e| e.to_string())?;
    let priors = json["priors"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|p| {
                    let f = |k: &str| p[k].as_f64().unwrap_or(f64::NAN);
                    let group = p["group"].as_str().unwrap_or_default().to_owned();
                    (group, f("take_up"), f("std_error"), f("accepted") + f("rejected"))
                })
                .collect()
        })
        .unwrap_or_default();
    let carried = flaneur_compiler::divergence_priors::read(&out)?;
    Ok(Learned { grouped, reporters, reports: kept.len(), priors, carried })
}

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{:.1}%", 100.0 * x))
}

fn times(x: Option<f64>, base: Option<f64>) -> String {
    match (x, base) {
        (Some(x), Some(b)) if b > 0.0 => format!("{:.2}×", x / b),
        _ => "–".to_owned(),
    }
}

/// Where the first sessions' divergent slots went, by axis, and how each
/// axis was taken up there: the ceiling of what per-axis priors can do.
fn by_axis(report: &Report) -> String {
    let outcomes: Vec<&Outcome> = [&report.first, &report.control]
        .into_iter()
        .chain(report.with_priors.iter().map(|(_, o)| o))
        .collect();
    let mut axes: Vec<&String> =
        outcomes.iter().flat_map(|o| o.totals.early_by_axis.keys()).collect();
    axes.sort();
    axes.dedup();
    let mut out = format!(
        "**By axis**, sessions 1–{FIRST_SESSIONS}: each axis's share of the divergent \
         impressions, and its take-up (clicks per impression) in parentheses.\n\n| cohort |"
    );
    for axis in &axes {
        out.push_str(&format!(" {axis} |"));
    }
    out.push_str("\n| --- |");
    out.push_str(&" ---: |".repeat(axes.len()));
    out.push('\n');
    for o in outcomes {
        let split: &BTreeMap<String, (u64, u64)> = &o.totals.early_by_axis;
        let all: u64 = split.values().map(|v| v.0).sum();
        out.push_str(&format!("| {} |", o.label));
        for axis in &axes {
            let (shown, clicked) = split.get(*axis).copied().unwrap_or_default();
            let share = (all > 0).then(|| shown as f64 / all as f64);
            let take_up = (shown > 0).then(|| clicked as f64 / shown as f64);
            out.push_str(&format!(" {} ({}) |", percent(share), percent(take_up)));
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Reporting shoppers a group's prior needs to be worth `strength`
/// pseudo-outcomes, from its estimate with `reporters`: the moments'
/// strength `r(1 − r)/var − 1` grows with the reports, as `1/var` does.
pub fn reporters_for(reporters: usize, take_up: f64, std_error: f64, strength: f64) -> f64 {
    let moments = take_up * (1.0 - take_up) / (std_error * std_error) - 1.0;
    reporters as f64 * (strength + 1.0) / (moments + 1.0)
}

/// The report as Markdown: the cohort table, the priors and the estimate of
/// reporters needed.
pub fn render(report: &Report) -> String {
    let c = &report.config;
    let mut out = format!(
        "Cohort 1: {} shoppers × {} sessions a day apart (the {} world, k = {}, seed {}, {} \
         items), every device opted into reports (ε = 1, one a day); the reports of the first \
         {} of them aggregated by `flaneur ldp aggregate --priors`{}. Cohort 2: {} new shoppers \
         of the same distribution, with each catalog; surprise {} throughout, the cost against \
         surprise 0 on the same shoppers and draws.\n\n",
        c.cohort,
        c.sessions,
        c.world.name(),
        c.world.k(),
        c.seed,
        c.items,
        c.reporters.iter().map(|r| format!("{r}")).collect::<Vec<_>>().join(" and "),
        if c.departments {
            "; then cohort 1 again, its catalog listing the shop's departments as report \
             departments, for priors per axis and per axis within each department"
        } else {
            ""
        },
        c.second,
        ARMS[1],
    );
    out.push_str(
        "| cohort | divergent take-up, sessions 1–3 (vs cohort 1) | take-up, all sessions | \
         divergent share | clicks vs surprise 0 | latent tastes discovered |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    let base_take_up = report.first.take_up(FIRST_SESSIONS);
    let base_clicks = report.baseline.clicks() as f64;
    let row = |o: &Outcome, cost: bool| {
        let clicks = if cost {
            format!("{:+.1}%", 100.0 * (o.clicks() as f64 / base_clicks - 1.0))
        } else {
            "–".to_owned()
        };
        format!(
            "| {} | {} ({}) | {} | {} | {} | {} |\n",
            o.label,
            percent(o.take_up(FIRST_SESSIONS)),
            times(o.take_up(FIRST_SESSIONS), base_take_up),
            percent(o.take_up(usize::MAX)),
            percent(o.divergent_share()),
            clicks,
            percent(o.discovered()),
        )
    };
    out.push_str(&row(&report.first, false));
    out.push_str(&row(&report.control, true));
    for (_, outcome) in &report.with_priors {
        out.push_str(&row(outcome, true));
    }
    out.push_str(&format!(
        "\nBar: cohort 2's divergent take-up in its first {FIRST_SESSIONS} sessions at least \
         {BAR}× cohort 1's, at no loss of discovery.\n\n"
    ));
    out.push_str(&by_axis(report));
    out.push_str(
        "**The priors** (take-up per reporting day that showed the axis; strength in \
         pseudo-outcomes, published from 2, capped at 8) and the reporting shoppers a prior \
         needs, from the larger count's standard errors (`reporters × (S + 1) / (m + 1)`, `m` \
         the moments' strength):\n\n\
         | reporters | reports | axis | take-up | std. error | strength | reporters for 2 | \
         reporters for 8 |\n\
         | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for (learned, _) in &report.with_priors {
        let who = if learned.grouped {
            format!("{} (departments)", learned.reporters)
        } else {
            learned.reporters.to_string()
        };
        if learned.priors.is_empty() {
            out.push_str(&format!(
                "| {who} | {} | (none published) | | | | | |\n",
                learned.reports
            ));
        }
        for (group, take_up, error, strength) in &learned.priors {
            out.push_str(&format!(
                "| {who} | {} | {group} | {:.1}% | {:.1}% | {strength:.1} | {:.0} | {:.0} |\n",
                learned.reports,
                100.0 * take_up,
                100.0 * error,
                reporters_for(learned.reporters, *take_up, *error, MIN_STRENGTH),
                reporters_for(learned.reporters, *take_up, *error, MAX_STRENGTH),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loop at a small size, through every real link: the devices' reports
    /// (the engine's reporting), `flaneur ldp aggregate --priors`, the priors
    /// file's reader, the catalog, and the engine ranking with the priors.
    #[test]
    fn a_small_loop_learns_priors_from_reports_and_the_next_cohort_browses_with_them() {
        let dir = std::env::temp_dir().join(format!("flaneur-crowd-{}", std::process::id()));
        let config = Config {
            world: World::Today,
            cohort: 1_000,
            second: 100,
            sessions: 14,
            reporters: vec![100, 1_000],
            seed: 1,
            items: shop::DEFAULT_ITEMS,
            dir: dir.clone(),
            departments: false,
        };
        let report = run(&config).unwrap();
        // One report a day from every device of cohort 1, none from cohort 2.
        assert_eq!(report.first.totals.reports.len(), 1_000 * 14);
        assert!(report.control.totals.reports.is_empty());
        let [(few, few_outcome), (all, with_priors)] = report.with_priors.as_slice() else {
            panic!("two counts of reporters")
        };
        assert_eq!((few.reports, all.reports), (100 * 14, 1_000 * 14));
        // A hundred shoppers' reports publish nothing: their cohort browses as without priors.
        assert!(few.carried.is_empty() && few.priors.is_empty(), "{:?}", few.priors);
        assert_eq!(few_outcome.totals, report.control.totals);
        // A thousand publish colour's, the axis divergence steps along most: the catalog
        // carries what the file says, each prior worth what the thresholds allow.
        let colour = all.priors.iter().find(|p| p.0 == "colour").expect("a colour prior");
        assert!(colour.1 > 0.0 && colour.1 < 1.0, "colour take-up {}", colour.1);
        assert_eq!(all.carried.len(), all.priors.len());
        for (group, _, _, strength) in &all.priors {
            let carried = all.carried.get(group).expect("carried");
            assert!((f64::from(carried.accepted + carried.rejected) - strength).abs() < 1e-3);
            assert!((MIN_STRENGTH..=MAX_STRENGTH + 1e-9).contains(strength), "{group}");
        }
        // The next cohort's devices start from them: other choices, more divergent clicks early.
        assert_ne!(with_priors.totals, report.control.totals);
        let early = |o: &Outcome| o.totals.divergent_clicks_by_session.iter().take(3).sum::<u64>();
        assert!(early(with_priors) > 0 && early(&report.control) > 0);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn reporters_needed_scale_with_the_inverse_variance() {
        // A take-up of 20% with a standard error of 2%: the moments give 399 pseudo-outcomes.
        let n = reporters_for(1_000, 0.2, 0.02, 8.0);
        assert!((n - 1_000.0 * 9.0 / 400.0).abs() < 1e-6, "{n}");
        assert!(reporters_for(1_000, 0.2, 0.04, 8.0) > 3.9 * n);
    }
}
