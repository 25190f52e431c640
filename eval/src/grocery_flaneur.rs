//! flaneur on the device: each tested household's training baskets replayed
//! through the public [`Engine`] as `purchase` events at their basket times
//! (the log holds purchases only: no view or cart event is made up), then
//! one `recommend` a minute before the held-out basket. The requests and
//! preferences compared are the named [`variants`].

use std::time::Instant;

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::{Event, EventKind, Profile};
use flaneur::rank::{Kind, Request, Shelf};

use super::grocery_data::{Grocery, Household};
use super::grocery_metrics::LIST;

/// The clock of the slate: this long before the held-out basket.
pub const BEFORE_TEST_MS: i64 = 60_000;
/// Seed of the engines (divergence's random choices); each household's engine
/// draws from its own seed derived from it ([`household_seed`]), as every
/// device draws its own: with one seed for all, every household would share
/// one draw per choice, and the figures would move by whole steps with the seed.
const SEED: u64 = 7;

/// The seed of the household's engine.
fn household_seed(household: &Household) -> u64 {
    SEED ^ household.id.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// One named way of asking: preferences and a request.
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: &'static str,
    /// Preferences changed from the defaults.
    pub preferences: PreferencesPatch,
    pub shelf: Shelf,
    /// `exclude` = every product the household bought.
    pub exclude_bought: bool,
}

/// The request variants measured, in the table's order.
pub fn variants() -> Vec<Variant> {
    let plain = Variant {
        name: "flaneur, defaults",
        preferences: PreferencesPatch::default(),
        shelf: Shelf::ForYou,
        exclude_bought: false,
    };
    vec![
        plain.clone(),
        Variant { name: "flaneur, bought excluded", exclude_bought: true, ..plain.clone() },
        Variant {
            name: "flaneur, relevance only (surprise 0, diversity 0)",
            preferences: PreferencesPatch {
                surprise: Some(0.0),
                diversity: Some(0.0),
                ..PreferencesPatch::default()
            },
            ..plain.clone()
        },
        Variant {
            name: "flaneur, relevance only, bought excluded",
            preferences: PreferencesPatch {
                surprise: Some(0.0),
                diversity: Some(0.0),
                ..PreferencesPatch::default()
            },
            exclude_bought: true,
            ..plain.clone()
        },
        Variant { name: "flaneur, shelf: buy_again", shelf: Shelf::BuyAgain, ..plain.clone() },
    ]
}

impl Variant {
    fn request(&self, data: &Grocery, household: &Household) -> Request {
        let exclude = if self.exclude_bought {
            super::grocery_metrics::bought(household)
                .into_iter()
                .map(|i| data.products[i as usize].id.clone())
                .collect()
        } else {
            Vec::new()
        };
        Request { k: LIST, shelf: self.shelf, exclude, ..Request::default() }
    }
}

/// What the slates held, besides the products.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct SlateMix {
    /// Share of slots given to divergent items.
    pub divergent: f64,
    /// Milliseconds per household: replaying the history and one slate (per thread).
    pub ms_per_household: f64,
}

/// An engine on `catalog` with the variant's preferences, its fold-in prepared by one slate.
fn engine(catalog: &Catalog, variant: &Variant) -> Result<Engine, String> {
    let mut engine = Engine::with_seed(catalog.clone(), SEED);
    engine.set_preferences(variant.preferences.clone()).map_err(|e| e.to_string())?;
    engine.recommend(&Request::default(), 0).map_err(|e| e.to_string())?;
    Ok(engine)
}

/// `base` (an engine with an empty profile) with the household's training baskets replayed.
fn replayed(base: &Engine, data: &Grocery, household: &Household) -> Result<Engine, String> {
    let mut engine = base.clone();
    engine.replace_profile(Profile::default());
    engine.set_seed(household_seed(household));
    for basket in &household.train {
        for &i in &basket.items {
            let item_id = data.products[i as usize].id.clone();
            let event = Event { kind: EventKind::Purchase { item_id }, at: basket.at };
            engine.record(&event).map_err(|e| e.to_string())?;
        }
    }
    Ok(engine)
}

/// The moment of the household's slate.
fn now(household: &Household) -> i64 {
    household.test.as_ref().map_or(0, |t| t.at) - BEFORE_TEST_MS
}

/// Per catalog position, the product's index in `data`.
fn product_of(data: &Grocery, catalog: &Catalog) -> Result<Vec<u32>, String> {
    let mut out = vec![u32::MAX; catalog.len()];
    for i in data.catalog_products() {
        let id = &data.products[i as usize].id;
        let index = catalog.index_of(id).ok_or_else(|| format!("product {id} not in catalog"))?;
        out[index] = i;
    }
    Ok(out)
}

/// Threads the households are replayed on, at most.
const THREADS: usize = 2;

/// `f(base, n)` for every `n` below `count`, in order, on up to [`THREADS`] threads, each with
/// its own base engine (an engine is not shared between threads).
fn per_thread<R: Send>(
    count: usize,
    catalog: &Catalog,
    variant: &Variant,
    f: impl Fn(&Engine, usize) -> Result<R, String> + Sync,
) -> Result<Vec<R>, String> {
    let threads =
        std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, THREADS).min(count);
    let workers: Vec<usize> = (0..threads.max(1)).collect();
    let done = super::movielens::parallel(&workers, |&w| {
        let base = engine(catalog, variant)?;
        (w..count)
            .step_by(workers.len())
            .map(|n| Ok((n, f(&base, n)?)))
            .collect::<Result<Vec<_>, String>>()
    })?;
    let mut all: Vec<(usize, R)> = done.into_iter().flatten().collect();
    all.sort_by_key(|(n, _)| *n);
    Ok(all.into_iter().map(|(_, r)| r).collect())
}

/// The variant's lists for the tested households, each replayed into a fresh copy of one
/// engine (so a household's slate depends on nothing but its own history).
pub fn lists(
    data: &Grocery,
    catalog: &Catalog,
    variant: &Variant,
) -> Result<(Vec<Vec<u32>>, SlateMix), String> {
    let product_of = product_of(data, catalog)?;
    let tested: Vec<&Household> = data.tested().collect();
    let started = Instant::now();
    let slates = per_thread(tested.len(), catalog, variant, |base, n| {
        let household = tested[n];
        let engine = replayed(base, data, household)?;
        let slate = engine
            .recommend(&variant.request(data, household), now(household))
            .map_err(|e| e.to_string())?;
        let divergent = slate.items.iter().filter(|r| r.kind == Kind::Divergent).count();
        let list: Vec<u32> = slate.items.iter().map(|r| product_of[r.index]).collect();
        Ok((list, divergent))
    })?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, THREADS);
    let seconds = started.elapsed().as_secs_f64() * threads as f64;
    let slots = slates.iter().map(|(l, _)| l.len()).sum::<usize>().max(1) as f64;
    let mix = SlateMix {
        divergent: slates.iter().map(|(_, d)| d).sum::<usize>() as f64 / slots,
        ms_per_household: seconds * 1000.0 / tested.len().max(1) as f64,
    };
    Ok((slates.into_iter().map(|(l, _)| l).collect(), mix))
}

/// What one `recommend` costs natively for the households with the longest histories.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Cost {
    /// Per household (the longest history first): purchase events replayed, median ms.
    pub households: Vec<(u64, usize, f64)>,
    /// Median ms of the same request against an empty profile.
    pub empty_ms: f64,
    /// Items of the empty profile's slate (the rest withheld: nothing is relevant enough).
    pub empty_items: usize,
    /// Median of the households' medians over `empty_ms`.
    pub ratio: f64,
    pub runs: usize,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(0.0)
}

/// The median time of `runs` calls of `recommend`, in ms.
fn time_slates(engine: &Engine, request: &Request, at: i64, runs: usize) -> Result<f64, String> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        engine.recommend(request, at).map_err(|e| e.to_string())?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(median(times))
}

/// Times `recommend({k: 20})` with default preferences for the `n` tested households with the
/// most purchase events (ties: lower id), `runs` times each, and against an empty profile.
pub fn cost(data: &Grocery, catalog: &Catalog, n: usize, runs: usize) -> Result<Cost, String> {
    let variant = &variants()[0];
    let base = engine(catalog, variant)?;
    let events = |h: &Household| h.train.iter().map(|b| b.items.len()).sum::<usize>();
    let mut longest: Vec<&Household> = data.tested().collect();
    longest.sort_by(|a, b| events(b).cmp(&events(a)).then(a.id.cmp(&b.id)));
    longest.truncate(n);
    let mut households = Vec::new();
    let mut empty = Vec::new();
    for h in longest {
        let engine = replayed(&base, data, h)?;
        let request = variant.request(data, h);
        households.push((h.id, events(h), time_slates(&engine, &request, now(h), runs)?));
        empty.push(time_slates(&base, &request, now(h), runs)?);
    }
    let empty_ms = median(empty);
    let full = median(households.iter().map(|h| h.2).collect());
    let first = data.tested().next().ok_or("no tested household")?;
    let empty_slate = base.recommend(&variant.request(data, first), now(first));
    let empty_items = empty_slate.map_err(|e| e.to_string())?.items.len();
    Ok(Cost { households, empty_ms, empty_items, ratio: full / empty_ms.max(1e-9), runs })
}
