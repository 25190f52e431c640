//! Ranking: from a catalog and a profile to a slate of recommendations.
//!
//! Every item gets a calibrated relevance ([`Scorer`]). Items below the
//! threshold are withheld: a short slate beats filler. The survivors are
//! ordered by a blend of relevance and the shop's default order set by
//! `intensity`, and the best `k` are picked by partial selection ([`topk`]).

pub mod diversity;
mod filter;
pub mod foldin;
pub mod kernel;
pub mod nearest;
mod relevance;
mod request;
pub mod topk;

pub use relevance::{
    FACTOR_WEIGHT, FRESHNESS_HALF_LIFE_DAYS, PURCHASED_FACTOR, SHOWN_FLOOR, SHOWN_GRACE, Scorer, Signals, Weights, freshness,
    shown_factor,
};
pub use request::{Context, Kind, Recommendation, Request, Slate};

use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::catalog::Catalog;
use crate::divergence::{self, Bubble, DivergenceState, divergent_slots, positions};
use crate::error::{Error, Result};
use crate::intent::Intent;
use crate::explain::{Reason, Signal, SignalKind, explain};
use crate::preferences::Preferences;
use crate::profile::Profile;
use filter::Eligibility;

/// Largest `k` a request may ask for.
pub const MAX_K: usize = 1000;

/// Candidates kept for the diversity re-rank: `CANDIDATES_PER_SLOT · k`, at least [`MIN_CANDIDATES`].
pub const CANDIDATES_PER_SLOT: usize = 4;
/// See [`CANDIDATES_PER_SLOT`].
pub const MIN_CANDIDATES: usize = 48;

/// Builds the slate for `request` at time `now` (ms).
///
/// ```
/// use flaneur::{catalog::Catalog, profile::Profile, preferences::Preferences, rank::{recommend, Request}};
/// let catalog = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
///   {"id":"a","title":"A","category":"Tops"},{"id":"b","title":"B","category":"Shoes"}]}"#).unwrap();
/// let request = Request { k: 2, ..Request::default() };
/// let slate = recommend(&catalog, &Profile::default(), &Preferences::default(), &request, 0).unwrap();
/// assert!(slate.items.is_empty()); // nothing known yet: flaneur abstains
/// assert_eq!(slate.withheld, 2);
/// ```
pub fn recommend(
    catalog: &Catalog,
    profile: &Profile,
    prefs: &Preferences,
    request: &Request,
    now: i64,
) -> Result<Slate> {
    recommend_in(&Inputs::new(catalog, profile, prefs, now), request)
}

/// Everything a slate depends on besides the request.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The shopper's profile.
    pub profile: &'a Profile,
    /// The shopper's preferences.
    pub prefs: &'a Preferences,
    /// The moment of the slate (ms since the epoch).
    pub now: i64,
    /// `YᵀY` of a catalog of item factors: the vector signal then comes from
    /// the shopper's fold-in factor ([`foldin`]).
    pub fold_in: Option<&'a foldin::FoldIn>,
    /// What divergence has learned; `None` turns divergence off.
    pub divergence: Option<&'a DivergenceState>,
    /// The session's intent.
    pub intent: Intent,
    /// When the current session started (ms), for the per-session divergence cap.
    pub session_start: i64,
    /// Seed of the slate's random choices (Thompson sampling).
    pub seed: u64,
}

impl<'a> Inputs<'a> {
    /// Inputs without fold-in and without divergence, intent unknown.
    pub fn new(catalog: &'a Catalog, profile: &'a Profile, prefs: &'a Preferences, now: i64) -> Self {
        Self { catalog, profile, prefs, now, fold_in: None, divergence: None, intent: Intent::Unknown, session_start: now, seed: 0 }
    }
}

/// Similarity above which a recommended item counts as derived from one item
/// the shopper viewed (discretion: at most [`MAX_DERIVED`] per viewed item).
pub const DERIVED_SIMILARITY: f32 = 0.85;
/// Most items of a slate derived from any single viewed item, unless buying.
pub const MAX_DERIVED: usize = 2;

/// Builds the slate for `request`: hard filters, relevance, abstention below
/// the threshold, the blend with the shop's order, discretion, diversity,
/// divergence and, if asked, popular fill.
pub fn recommend_in(inputs: &Inputs<'_>, request: &Request) -> Result<Slate> {
    let Inputs { catalog, profile, prefs, now, intent, .. } = *inputs;
    if request.k == 0 || request.k > MAX_K {
        return Err(Error::BadArgument(format!("k must be between 1 and {MAX_K}, got {}", request.k)));
    }
    prefs.validate()?;
    let eligible = Eligibility::new(catalog, prefs, request)?;
    let n = catalog.len().max(1) as f32;
    let shop_order = |index: usize| 1.0 - index as f32 / n;
    let intensity = prefs.intensity * (1.0 - prefs.discretion);

    if !prefs.personalization || intensity == 0.0 {
        let items = (0..catalog.len())
            .filter(|&i| eligible.allows(i))
            .take(request.k)
            .map(|i| Recommendation::new(catalog, i, shop_order(i), Kind::Default, Reason::default()))
            .collect();
        return Ok(Slate::new(items, 0, intent));
    }

    let mut scorer = Scorer::new(catalog, profile, now, Weights::default());
    if let Some(factor) = inputs.fold_in.and_then(|f| f.solve(catalog, profile, now)) {
        scorer = scorer.with_user_factor(&factor);
    }
    // Per taxonomy node: inside the buying focus (empty: no focus).
    let in_focus: Vec<bool> = match (intent == Intent::Buying).then(|| buying_focus(catalog, request)).flatten() {
        None => Vec::new(),
        Some(focus) => {
            let taxonomy = catalog.taxonomy();
            (0..taxonomy.len() as u32).map(|node| taxonomy.lineage(node).any(|n| n == focus)).collect()
        }
    };
    let mut pool = topk::Pool::new((request.k * CANDIDATES_PER_SLOT).max(MIN_CANDIDATES));
    // Every eligible item's relevance, kept for divergence (NaN: not eligible).
    let mut relevances = vec![f32::NAN; catalog.len()];
    for index in (0..catalog.len()).filter(|&i| eligible.allows(i)) {
        if !in_focus.is_empty() && !in_focus[catalog.item(index).category() as usize] {
            continue;
        }
        let relevance = scorer.relevance(index);
        relevances[index] = relevance;
        if relevance >= prefs.threshold {
            let blended = intensity * relevance + (1.0 - intensity) * shop_order(index);
            pool.push((blended, index as u32));
        }
    }
    let mut pool = pool.finish();
    match intent {
        Intent::Buying => {}
        Intent::Exploring => pool = limit_derived(catalog, profile, pool, 1),
        _ => pool = limit_derived(catalog, profile, pool, MAX_DERIVED),
    }
    let diversity_level = match intent {
        Intent::Exploring => (prefs.diversity * 2.0).min(1.0),
        Intent::Buying => prefs.diversity * 0.5,
        _ => prefs.diversity,
    };
    let chosen = diversity::rerank(catalog, &pool, request.k, diversity_level);
    let mut items: Vec<Recommendation> = chosen
        .into_iter()
        .map(|(score, index)| {
            let index = index as usize;
            Recommendation::new(catalog, index, score, Kind::Personal, explain(&scorer, catalog, profile, index))
        })
        .collect();
    if let Some(state) = inputs.divergence {
        add_divergence(inputs, state, &scorer, &relevances, request.k, &mut items);
    }
    let withheld = request.k - items.len();
    if request.fill && items.len() < request.k {
        let fill = popular_fill(catalog, &eligible, &items, request.k - items.len());
        items.extend(fill);
    }
    Ok(Slate::new(items, withheld, intent))
}

/// When buying on a product page, the context item's category (one level
/// above its leaf): no cross-category jumps.
fn buying_focus(catalog: &Catalog, request: &Request) -> Option<crate::catalog::CategoryId> {
    let item = catalog.item(catalog.index_of(request.context.item_id.as_deref()?)?);
    let leaf = item.category();
    Some(catalog.taxonomy().parent(leaf).unwrap_or(leaf))
}

/// Discretion: an item that closely resembles exactly one item the shopper
/// viewed is derived from it; beyond `cap` such items per viewed item are
/// dropped (no chasing one product around the site): [`MAX_DERIVED`], or one
/// for a shopper who is exploring. An item that
/// resembles several viewed items reflects a taste, not one product, and stays.
fn limit_derived(catalog: &Catalog, profile: &Profile, pool: Vec<(f32, u32)>, cap: usize) -> Vec<(f32, u32)> {
    let viewed: Vec<usize> = profile.recent().filter_map(|id| catalog.index_of(id)).collect();
    if viewed.is_empty() {
        return pool;
    }
    let mut per_source = vec![0usize; viewed.len()];
    pool.into_iter()
        .filter(|&(_, index)| {
            let mut sources = viewed
                .iter()
                .enumerate()
                .filter(|&(_, &v)| diversity::similarity(catalog, v, index as usize) >= DERIVED_SIMILARITY);
            match (sources.next(), sources.next()) {
                (Some((s, _)), None) => {
                    per_source[s] += 1;
                    per_source[s] <= cap
                }
                _ => true,
            }
        })
        .collect()
}

/// A divergent item needs at least this share of the relevance threshold:
/// one step outside the bubble, still plausible, never noise.
pub const DIVERGENT_FLOOR: f32 = 0.5;

/// Replaces the slate's last personal slots with divergent items, spread
/// through the slate and never first, within the budget.
fn add_divergence(
    inputs: &Inputs<'_>,
    state: &DivergenceState,
    scorer: &Scorer<'_>,
    relevances: &[f32],
    k: usize,
    items: &mut Vec<Recommendation>,
) {
    let Inputs { catalog, profile, prefs, intent, .. } = *inputs;
    if items.is_empty() {
        return;
    }
    let surprise = match intent {
        Intent::Exploring => prefs.surprise * 1.5,
        _ => prefs.surprise,
    } + prefs.discretion * 0.3;
    let count = divergent_slots(k, surprise.min(1.0), intent, state.shown_in_session(inputs.session_start));
    if count == 0 {
        return;
    }
    let bubble = Bubble::new(catalog, scorer);
    if bubble.is_empty() {
        return;
    }
    let taken: Vec<usize> = items.iter().map(|r| r.index).collect();
    let floor = prefs.threshold * DIVERGENT_FLOOR;
    let relevance = |i: usize| relevances.get(i).copied().unwrap_or(f32::NAN);
    // NaN (not eligible) fails the comparison.
    let plausible = |i: usize| relevance(i) >= floor && !taken.contains(&i);
    let pool = divergence::ways(catalog, &bubble, plausible, state.accepted_total() > 0);
    let mut rng = SmallRng::seed_from_u64(inputs.seed);
    let picks = divergence::choose(catalog, relevance, state, pool, count, &mut rng);
    if picks.is_empty() {
        return;
    }
    let keep = items.len().min(k - picks.len());
    items.truncate(keep);
    let spots = positions(items.len() + picks.len(), picks.len());
    for (pick, at) in picks.into_iter().zip(spots) {
        let mut reason = explain(scorer, catalog, profile, pick.index);
        reason.divergence = Some(pick.reason);
        let score = relevance(pick.index);
        let recommendation = Recommendation::new(catalog, pick.index, score, Kind::Divergent, reason);
        items.insert(at.min(items.len()), recommendation);
    }
}

/// The most popular eligible items not already in `taken`, labelled `popular`:
/// the non-personal fill a page may ask for with `fill: true`.
fn popular_fill(catalog: &Catalog, eligible: &Eligibility<'_>, taken: &[Recommendation], count: usize) -> Vec<Recommendation> {
    let candidates: Vec<(f32, u32)> = (0..catalog.len())
        .filter(|&i| eligible.allows(i) && !taken.iter().any(|r| r.index == i))
        .map(|i| (catalog.item(i).popularity(), i as u32))
        .collect();
    topk::top_k(candidates, count)
        .into_iter()
        .map(|(popularity, index)| {
            let reason = Reason {
                signals: vec![Signal::of_item(SignalKind::Popularity, "popular in this shop", popularity)],
                divergence: None,
            };
            Recommendation::new(catalog, index as usize, popularity, Kind::Popular, reason)
        })
        .collect()
}
