//! Ranking: from a catalog and a profile to a slate of recommendations.
//!
//! Every item gets a calibrated relevance ([`Scorer`]). Items below the
//! threshold are withheld: a short slate beats filler. The survivors are
//! ordered by a blend of relevance and the shop's default order set by
//! `intensity`, and the best `k` are kept by a streaming pool with a running floor ([`topk`]).

pub mod balls;
pub mod breadth;
pub mod buy_again;
mod complements;
pub mod divergence;
pub mod diversity;
pub mod explain;
mod filter;
pub mod foldin;
pub mod kernel;
mod knobs;
mod lazy;
pub mod nearest;
mod recent;
mod relevance;
mod request;
pub mod seen;
mod sequence_scores;
pub mod topk;

pub use knobs::{Knobs, MAX_DERIVED};
pub use relevance::{
    FACTOR_WEIGHT, FRESHNESS_HALF_LIFE_DAYS, PURCHASED_FACTOR, SHOWN_FLOOR, SHOWN_GRACE, Scorer,
    Signals, Weights, freshness, shown_factor,
};
pub use request::{Context, Kind, MAX_K, Recommendation, Request, Shelf, Slate};
pub use sequence_scores::{SEQUENCE_TEMPERATURE, SequenceScores};

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use crate::catalog::{Catalog, ItemRef};
use crate::error::{Error, Result};
use crate::intent::Intent;
use crate::preferences::Preferences;
use crate::profile::Profile;
use crate::profile::divergence::DivergenceState;
use divergence::{Bubble, budget_share, divergent_slots, positions, round_slots};
use explain::{Reason, Signal, SignalKind, explain};
use filter::Eligibility;
use lazy::Relevances;
use seen::Hidden;

/// Candidates kept for the diversity re-rank: `CANDIDATES_PER_SLOT · k`, at least
/// [`MIN_CANDIDATES`].
pub const CANDIDATES_PER_SLOT: usize = 4;
/// See [`CANDIDATES_PER_SLOT`].
pub const MIN_CANDIDATES: usize = 48;
/// Breadth below which a category's candidates go straight to the pool
/// rather than through a per-category pool of `leaf_cap · CANDIDATES_PER_SLOT`.
pub const DIRECT_BELOW_BREADTH: f32 = 0.1;

/// A category's vector signals come in one batch (its rows, in order) once
/// this many of its items, and three in four of those looked at, needed
/// theirs: most of the rest will too. Before, each is computed alone.
const BATCH_AFTER: usize = 16;

/// Builds the slate for `request` at time `now` (ms).
///
/// ```
/// use flaneur::{
///     catalog::Catalog,
///     profile::Profile,
///     preferences::Preferences,
///     rank::{recommend, Request},
/// };
/// let catalog = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
///   {"id":"a","title":"A","category":"Tops"},
///   {"id":"b","title":"B","category":"Shoes"}]}"#).unwrap();
/// let request = Request { k: 2, ..Request::default() };
/// let (profile, preferences) = (Profile::default(), Preferences::default());
/// let slate = recommend(&catalog, &profile, &preferences, &request, 0).unwrap();
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
    /// Balls around each category's vectors, bounding the vector signal per
    /// category ([`balls`]); `None` bounds it by its largest value.
    pub balls: Option<&'a balls::NodeBalls>,
    /// What divergence has learned; `None` turns divergence off.
    pub divergence: Option<&'a DivergenceState>,
    /// The session's intent.
    pub intent: Intent,
    /// When the current session started (ms), for the per-session divergence cap.
    pub session_start: i64,
    /// Seed of the slate's random choices (Thompson sampling).
    pub seed: u64,
    /// A catalog's sequence model on the shopper's own sequence: the vector
    /// signal then comes from it ([`Scorer::with_sequence`]).
    pub sequence: Option<SequenceQuery<'a>>,
}

/// What a sequence model made of the shopper's sequence, for one slate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SequenceQuery<'a> {
    /// The model's signal of every item ([`SequenceScores::new`]).
    pub scores: &'a SequenceScores,
    /// The item of the step the prediction attended to most.
    pub anchor: Option<u32>,
}

impl<'a> SequenceQuery<'a> {
    /// The scorer `scorer`, scoring with this query.
    pub fn apply(&self, scorer: Scorer<'a>) -> Scorer<'a> {
        scorer.with_sequence(self.scores, self.anchor)
    }
}

impl<'a> Inputs<'a> {
    /// Inputs without fold-in and without divergence, intent unknown.
    pub fn new(
        catalog: &'a Catalog,
        profile: &'a Profile,
        prefs: &'a Preferences,
        now: i64,
    ) -> Self {
        Self {
            catalog,
            profile,
            prefs,
            now,
            fold_in: None,
            balls: None,
            divergence: None,
            intent: Intent::Unknown,
            session_start: now,
            seed: 0,
            sequence: None,
        }
    }
}

/// Similarity above which a recommended item counts as derived from one item
/// the shopper viewed (discretion: at most [`MAX_DERIVED`] per viewed item).
pub const DERIVED_SIMILARITY: f32 = 0.85;

/// Builds the slate for `request`: hard filters, relevance, abstention below
/// the threshold, the blend with the shop's order, discretion, diversity,
/// divergence and, if asked, popular fill.
pub fn recommend_in(inputs: &Inputs<'_>, request: &Request) -> Result<Slate> {
    recommend_with(inputs, request, Scan::Bounded)
}

/// How the ranking loop visits the catalog.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scan {
    /// Skip the items whose bounds rule them out (what ships).
    Bounded,
    /// Score every allowed item (the reference the tests hold `Bounded` to).
    #[cfg_attr(not(test), allow(dead_code))]
    Exhaustive,
}

fn recommend_with(inputs: &Inputs<'_>, request: &Request, scan: Scan) -> Result<Slate> {
    let Inputs { catalog, profile, prefs, now, intent, .. } = *inputs;
    if request.k == 0 || request.k > MAX_K {
        return Err(Error::BadArgument(format!(
            "k must be between 1 and {MAX_K}, got {}",
            request.k
        )));
    }
    prefs.validate()?;
    match request.shelf {
        Shelf::ForYou => {}
        Shelf::Recent => return recent::slate(inputs, request),
        Shelf::Complements => return complements::slate(inputs, request),
        Shelf::BuyAgain => return buy_again::slate(inputs, request),
    }
    let n = catalog.len().max(1) as f32;
    let shop_order = |index: usize| 1.0 - index as f32 / n;
    let knobs = Knobs::new(prefs, intent);

    if shop_order_only(prefs, &knobs) {
        // The shop's own order: nothing of the profile is used, not even what was seen.
        let eligible = Eligibility::new(catalog, prefs, request, Hidden::default())?;
        let items = (0..catalog.len())
            .filter(|&i| eligible.allows(i))
            .take(request.k)
            .map(|i| {
                Recommendation::new(catalog, i, shop_order(i), Kind::Default, Reason::default())
            })
            .collect();
        return Ok(Slate::new(items, 0, intent, 1.0));
    }
    let eligible = Eligibility::new(catalog, prefs, request, hidden(inputs, request))?;

    let factor = inputs.fold_in.and_then(|f| f.solve(catalog, profile, now));
    let scorer = Scorer::for_shopper(catalog, profile, now, factor.as_deref());
    let scorer = match inputs.sequence {
        Some(query) => query.apply(scorer),
        None => scorer,
    };
    let scorer = match inputs.balls {
        Some(balls) => scorer.with_balls(balls),
        None => scorer,
    };
    // A buyer on a mission wants precision: breadth shapes browsing slates only.
    let spread = if knobs.focus { 0.0 } else { scorer.breadth() };
    let intensity = knobs.intensity;
    let leaf_cap = breadth::leaf_cap(request.k, spread);
    // Per taxonomy node: inside the buying focus (empty: no focus).
    let in_focus: Vec<bool> = match knobs.focus.then(|| buying_focus(catalog, request)).flatten() {
        None => Vec::new(),
        Some(focus) => {
            let taxonomy = catalog.taxonomy();
            (0..taxonomy.len() as u32)
                .map(|node| taxonomy.lineage(node).any(|n| n == focus))
                .collect()
        }
    };
    let base = (request.k * CANDIDATES_PER_SLOT).max(MIN_CANDIDATES);
    let mut pool = topk::Pool::new((base as f32 * (1.0 + 3.0 * spread)).round() as usize);
    // With thin evidence each category sends at most this many candidates:
    // room for other leaves. With more, candidates go straight to the pool,
    // whose floor then rises during a category's scan (the re-rank still
    // caps a leaf).
    let per_category =
        (spread >= DIRECT_BELOW_BREADTH).then_some((leaf_cap * CANDIDATES_PER_SLOT).min(base));
    let relevances = Relevances::new(&scorer, &eligible, &in_focus);
    // Bounds first, dot products last: most items cannot reach the threshold
    // or the pool's floor whatever their vector, and the bounds hold exactly
    // in floating point, so skipping them changes nothing. Divergence scores
    // the skipped items it looks at when it looks.
    let by_category = scorer.category_bounds();
    let vector_weight = scorer.vector_weight();
    let blend = |relevance: f32, index: usize| {
        intensity * relevance + (1.0 - intensity) * shop_order(index)
    };
    // Categories whose items could be relevant, most promising first: the
    // pool's floor rises fast and rules out whole categories.
    let mut nodes: Vec<u32> =
        (0..by_category.len() as u32).filter(|&node| !eligible.items_in(node).is_empty()).collect();
    crate::util::sort::sort_by(&mut nodes, |&a, &b| {
        by_category[b as usize].total_cmp(&by_category[a as usize])
    });
    let bounded = scan == Scan::Bounded;
    // A category's vector signals in one batch ([`BATCH_AFTER`]): its
    // vectors sit in consecutive rows.
    let mut signals: Vec<f32> = Vec::new();
    let mut scratch = crate::catalog::Scratch::default();
    for node in nodes {
        let bound = by_category[node as usize];
        // Later categories have lower bounds, and the floor only rises.
        if bounded
            && (bound < prefs.threshold || intensity * bound + (1.0 - intensity) < pool.floor())
        {
            break;
        }
        if !in_focus.is_empty() && !in_focus[node as usize] {
            continue;
        }
        let vector_bound = scorer.node_vector_bound(node);
        // The category's best candidates, entering the pool together once it is scanned
        // (the pool's floor, and so what is skipped, stays the same during the scan).
        let mut category = per_category.map(topk::Pool::new);
        // A leaf hidden whole but its staples lists only those.
        let listed = if bounded { eligible.items_in(node) } else { catalog.items_in(node) };
        // Where `signals` starts in `listed` once the category's items mostly
        // need their vector signal (`Some(None)`: they have no block of rows);
        // how many have needed it so far.
        let mut batch: Option<Option<usize>> = None;
        let mut needed = 0usize;
        // A node's own list: its items come with their rows.
        let first_row = if listed.len() == catalog.items_in(node).len() {
            catalog.first_row_of(node)
        } else {
            None
        };
        for (at, &index) in listed.iter().enumerate() {
            let index = index as usize;
            let floor = match (bounded, &category) {
                (false, _) => f32::NEG_INFINITY,
                // Not `f32::max` (a call in WebAssembly): floors are never NaN.
                (true, Some(category)) => {
                    let (a, b) = (pool.floor(), category.floor());
                    if a > b { a } else { b }
                }
                (true, None) => pool.floor(),
            };
            if blend(bound, index) < floor {
                continue;
            }
            let item = match first_row {
                Some(first) => catalog.item_at_row(index, first + at),
                None => catalog.item(index),
            };
            if !relevances.admits_item(item) {
                relevances.set(item, f32::NAN);
                continue;
            }
            let partial = scorer.partial(item);
            let item_bound = scorer.item_vector_bound(index, vector_bound);
            let bound = partial.with_vector(vector_weight, item_bound);
            if bounded && (bound < prefs.threshold || blend(bound, index) < floor) {
                continue;
            }
            needed += 1;
            if batch.is_none() && needed >= BATCH_AFTER && 4 * needed >= 3 * (at + 1) {
                batch = Some(
                    scorer.vector_signals(&listed[at..], &mut signals, &mut scratch).then_some(at),
                );
            }
            let vector = match batch.flatten().and_then(|from| signals.get(at - from)) {
                Some(&vector) => vector,
                None => scorer.vector_of(index),
            };
            let relevance = partial.with_vector(vector_weight, vector);
            relevances.set(item, relevance);
            if relevance >= prefs.threshold {
                let candidate = (blend(relevance, index), index as u32);
                match category.as_mut() {
                    Some(category) => category.push(candidate),
                    None => pool.push(candidate),
                }
            }
        }
        if let Some(category) = category {
            pool.extend(category.finish());
        }
    }
    let mut pool = pool.finish();
    if let Some(cap) = knobs.derived_cap {
        pool = limit_derived(catalog, profile, pool, cap);
    }
    let diversity = breadth::diversity(knobs.diversity, spread);
    let chosen = diversity::rerank(catalog, &pool, request.k, diversity, leaf_cap);
    let mut items: Vec<Recommendation> = chosen
        .into_iter()
        .map(|(score, index)| {
            let index = index as usize;
            Recommendation::new(
                catalog,
                index,
                score,
                Kind::Personal,
                explain(&scorer, catalog, profile, index),
            )
        })
        .collect();
    if let Some(state) = inputs.divergence {
        add_divergence(inputs, &knobs, state, &scorer, &relevances, request.k, &mut items);
    }
    let withheld = request.k - items.len();
    if request.fill && items.len() < request.k {
        let fill = popular_fill(catalog, &eligible, &items, request.k - items.len());
        items.extend(fill);
    }
    Ok(Slate::new(items, withheld, intent, spread))
}

/// Whether `x` is among `xs`, a slate's few items: a plain loop, which no
/// optimisation level turns into a call per item looked at.
#[inline(always)]
fn among(xs: &[usize], x: usize) -> bool {
    let mut i = 0;
    while i < xs.len() {
        if xs[i] == x {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether slates keep to the shop's own order and use nothing of the
/// profile: personalization off, or an intensity of 0 (discretion included).
fn shop_order_only(prefs: &Preferences, knobs: &Knobs) -> bool {
    !prefs.personalization || knobs.intensity == 0.0
}

/// What no echo leaves out of `request`'s slate ([`seen`]): nothing when
/// the request includes what was seen.
fn hidden(inputs: &Inputs<'_>, request: &Request) -> Hidden {
    if request.include_seen {
        return Hidden::default();
    }
    let Inputs { catalog, profile, now, .. } = *inputs;
    let mut excluded: Vec<usize> =
        request.exclude.iter().filter_map(|id| catalog.index_of(id)).collect();
    crate::util::sort::sort(&mut excluded);
    let cart = seen::cart(catalog, profile, request, now);
    seen::seen(catalog, profile, &cart, &excluded, now)
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
/// dropped (no chasing one product around the site): the knobs' cap. An item that
/// resembles several viewed items reflects a taste, not one product, and stays.
fn limit_derived(
    catalog: &Catalog,
    profile: &Profile,
    pool: Vec<(f32, u32)>,
    cap: usize,
) -> Vec<(f32, u32)> {
    let viewed: Vec<diversity::Features<'_>> = profile
        .recent()
        .filter_map(|id| catalog.index_of(id))
        .map(|v| diversity::Features::of(catalog, v))
        .collect();
    if viewed.is_empty() {
        return pool;
    }
    let mut per_source = vec![0usize; viewed.len()];
    pool.into_iter()
        .filter(|&(_, index)| {
            let candidate = diversity::Features::of(catalog, index as usize);
            let mut sources = viewed
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_similar(&candidate, DERIVED_SIMILARITY));
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
    knobs: &Knobs,
    state: &DivergenceState,
    scorer: &Scorer<'_>,
    relevances: &Relevances<'_>,
    k: usize,
    items: &mut Vec<Recommendation>,
) {
    let Inputs { catalog, profile, prefs, .. } = *inputs;
    if items.is_empty() {
        return;
    }
    let budget = divergent_slots(k, knobs, state.shown_in_session(inputs.session_start));
    if budget <= 0.0 {
        return;
    }
    let bubble = Bubble::new(catalog, scorer);
    if bubble.is_empty() {
        return;
    }
    let mut rng = SmallRng::seed_from_u64(inputs.seed);
    let personal = profile.stats().get(Kind::Personal);
    let share = budget_share(state, personal, inputs.now, inputs.session_start);
    let count = round_slots(budget * share, rng.random::<f32>()).min(budget.ceil() as usize);
    if count == 0 {
        return;
    }
    let taken: Vec<usize> = items.iter().map(|r| r.index).collect();
    let floor = prefs.threshold * DIVERGENT_FLOOR;
    let relevance = |i: usize| relevances.get(i);
    // Not eligible: false. Most items need no dot product to tell.
    let plausible =
        |item: ItemRef<'_>| !among(&taken, item.index()) && relevances.item_at_least(item, floor);
    let allowed = |item: ItemRef<'_>| relevances.admits_item(item);
    let listed = |node| relevances.items_in(node);
    let farther = state.accepted_total() > 0;
    let mut pool = divergence::ways(catalog, &bubble, listed, allowed, plausible, farther);
    // Divergent items take the places of the last personal items of a leaf
    // the slate shows twice, not of the slate's own steps outward.
    let drop_order = most_redundant(catalog, &taken);
    let dropped = taken.len().saturating_sub(k - count.min(k));
    // The personal items that stay in the slate: what they show is no divergence.
    let gone = |n: usize, index: &usize| drop_order.iter().take(n).any(|d| d == index);
    let personal: Vec<usize> = taken.iter().copied().filter(|i| !gone(dropped, i)).collect();
    pool.retain(|way| !divergence::covered(catalog, way, &personal));
    let scores = divergence::Relevance { exact: &relevance, upper: &|i| relevances.upper(i) };
    let picks = divergence::choose(catalog, scores, state, pool, count, &mut rng);
    if picks.is_empty() {
        return;
    }
    let drop = items.len().saturating_sub(k - picks.len());
    items.retain(|r| !gone(drop, &r.index));
    let spots = positions(items.len() + picks.len(), picks.len());
    for (pick, at) in picks.into_iter().zip(spots) {
        let mut reason = explain(scorer, catalog, profile, pick.index);
        reason.divergence = Some(pick.reason);
        let score = relevance(pick.index);
        let recommendation =
            Recommendation::new(catalog, pick.index, score, Kind::Divergent, reason);
        items.insert(at.min(items.len()), recommendation);
    }
}

/// Positions of the slate's items in the order divergence replaces them,
/// never the first: the last items whose leaf category has another item in
/// the slate first, then the others, each from the end. A leaf the slate
/// shows once is its personal step outward; divergence does not take it.
fn most_redundant(catalog: &Catalog, slate: &[usize]) -> Vec<usize> {
    let leaves: Vec<u32> = slate.iter().map(|&i| catalog.item(i).category()).collect();
    let (mut shared, mut alone) = (Vec::new(), Vec::new());
    for (at, &index) in slate.iter().enumerate().skip(1).rev() {
        let twice = leaves.iter().filter(|&&leaf| leaf == leaves[at]).count() > 1;
        if twice { &mut shared } else { &mut alone }.push(index);
    }
    shared.extend(alone);
    shared
}

/// The most popular eligible items not already in `taken`, labelled `popular`:
/// the non-personal fill a page may ask for with `fill: true`.
fn popular_fill(
    catalog: &Catalog,
    eligible: &Eligibility<'_>,
    taken: &[Recommendation],
    count: usize,
) -> Vec<Recommendation> {
    let candidates: Vec<(f32, u32)> = (0..catalog.len())
        .filter(|&i| eligible.allows(i) && !taken.iter().any(|r| r.index == i))
        .map(|i| (catalog.item(i).popularity(), i as u32))
        .collect();
    topk::top_k(candidates, count)
        .into_iter()
        .map(|(popularity, index)| {
            let reason = Reason {
                signals: vec![Signal::of_item(
                    SignalKind::Popularity,
                    "popular in this shop",
                    popularity,
                )],
                divergence: None,
            };
            Recommendation::new(catalog, index as usize, popularity, Kind::Popular, reason)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;
    use crate::profile::{Event, EventKind};
    use crate::testkit::{Rng, Shape, catalog};

    /// The lazy relevances' bounds: `at_least` answers as the relevance
    /// would, and `upper` is never below it, for every item of a catalog,
    /// allowed or not, with content vectors and with item factors.
    #[test]
    fn relevance_bounds_agree_with_the_relevance() {
        for factors in [false, true] {
            let mut json = catalog(13, Shape { items: 1500, dims: 16, leaves: 30, facets: 4 });
            if factors {
                json.vector_kind = crate::catalog::VectorKind::Factors;
            }
            let Ok(built) = Catalog::from_json(json) else { panic!("synthetic catalog is valid") };
            let balls = balls::NodeBalls::new(&built);
            let fold_in = factors.then(|| foldin::FoldIn::new(&built));
            let engine = random_shopper(&built, 2, 60, 7);
            let now = 100 * 60_000;
            let profile = engine.profile();
            let factor = fold_in.as_ref().and_then(|f| f.solve(&built, profile, now));
            let scorer = Scorer::for_shopper(&built, profile, now, factor.as_deref());
            let scorer = scorer.with_balls(&balls);
            let prefs = Preferences::default();
            let hidden = Hidden::items((0..built.len()).filter(|i| i % 9 == 0).collect());
            let eligible = Eligibility::new(&built, &prefs, &Request::default(), hidden)
                .unwrap_or_else(|_| panic!("no context"));
            let (lazy, reference) = (
                Relevances::new(&scorer, &eligible, &[]),
                Relevances::new(&scorer, &eligible, &[]),
            );
            let mut decided = 0;
            for i in 0..built.len() {
                let relevance = reference.get(i);
                let upper = lazy.upper(i);
                assert!(
                    upper >= relevance || relevance.is_nan(),
                    "item {i}: {upper} < {relevance}"
                );
                for floor in [0.05, 0.2, 0.5] {
                    let at_least = lazy.item_at_least(built.item(i), floor);
                    assert_eq!(at_least, relevance >= floor, "item {i}, {floor}");
                }
                decided += usize::from(relevance.is_nan());
            }
            assert!(decided > 100, "hidden items covered: {decided}");
        }
    }

    /// An engine on `built` after `events` views of random items a minute
    /// apart (drawn with `seed`), every `buy_every`-th a purchase.
    fn random_shopper(built: &Catalog, seed: u64, events: i64, buy_every: i64) -> Engine {
        let mut engine = Engine::with_seed(built.clone(), 1);
        let mut rng = Rng::new(seed);
        for e in 0..events {
            let item_id = built.item(rng.below(built.len())).id().to_owned();
            let kind = if e % buy_every == 0 {
                EventKind::Purchase { item_id }
            } else {
                EventKind::View { item_id }
            };
            let _ = engine.record(&Event { kind, at: e * 60_000 });
        }
        engine
    }

    /// A category's vector signals computed in one batch over its rows are
    /// each item's own, to the bit: interests, and a fold-in factor.
    #[test]
    fn batched_vector_signals_are_each_items_own() {
        let mut json = catalog(14, Shape { items: 1200, dims: 24, leaves: 12, facets: 2 });
        let content = Catalog::from_json(json.clone()).unwrap_or_else(|_| panic!("valid"));
        json.vector_kind = crate::catalog::VectorKind::Factors;
        let factors = Catalog::from_json(json).unwrap_or_else(|_| panic!("valid"));
        for built in [content, factors] {
            let engine = random_shopper(&built, 3, 80, 5);
            let now = 81 * 60_000;
            let fold_in = foldin::FoldIn::new(&built);
            let factor = (built.vector_kind() == crate::catalog::VectorKind::Factors)
                .then(|| fold_in.solve(&built, engine.profile(), now))
                .flatten();
            assert_eq!(
                factor.is_some(),
                built.vector_kind() == crate::catalog::VectorKind::Factors
            );
            let scorer = Scorer::for_shopper(&built, engine.profile(), now, factor.as_deref());
            let mut signals = Vec::new();
            let mut scratch = crate::catalog::Scratch::default();
            let mut compared = 0;
            for node in 0..built.taxonomy().len() as u32 {
                let items = built.items_in(node);
                if items.is_empty() {
                    continue;
                }
                for from in [0, items.len() / 2] {
                    assert!(
                        scorer.vector_signals(&items[from..], &mut signals, &mut scratch),
                        "node {node}"
                    );
                    for (&index, &batched) in items[from..].iter().zip(&signals) {
                        let own = scorer.vector_of(index as usize);
                        assert_eq!(batched.to_bits(), own.to_bits(), "item {index}");
                        compared += usize::from(own > 0.0);
                    }
                }
            }
            assert!(compared > 500, "{compared} positive signals compared");
            // Items whose rows are not one block: no batch.
            let a = built.items_in(built.item(0).category());
            assert!(!scorer.vector_signals(&[a[0], a[2]], &mut signals, &mut scratch));
        }
    }

    /// Skipping items by their bounds must give the very slate that scoring
    /// every item gives: same items, kinds, order and scores, divergence included.
    #[test]
    fn bounded_scan_gives_the_exhaustive_slate() {
        let json = catalog(11, Shape { items: 3000, dims: 16, leaves: 40, facets: 4 });
        bounded_equals_exhaustive(json);
    }

    /// The same with item factors and the shopper's fold-in factor (the
    /// items' lengths then bound the vector signal too).
    #[test]
    fn bounded_scan_gives_the_exhaustive_slate_with_item_factors() {
        let mut json = catalog(12, Shape { items: 3000, dims: 16, leaves: 40, facets: 4 });
        json.vector_kind = crate::catalog::VectorKind::Factors;
        for (n, item) in json.items.iter_mut().enumerate() {
            // Factors' lengths vary: popular items long, rare ones short.
            let length = 0.05 + (n % 17) as f32 / 8.0;
            if let Some(v) = item.vector.as_mut() {
                v.iter_mut().for_each(|x| *x *= length);
            }
        }
        bounded_equals_exhaustive(json);
    }

    fn bounded_equals_exhaustive(json: crate::catalog::CatalogJson) {
        let Ok(built) = Catalog::from_json(json) else { panic!("synthetic catalog is valid") };
        let balls = balls::NodeBalls::new(&built);
        let fold_in = (built.vector_kind() == crate::catalog::VectorKind::Factors)
            .then(|| foldin::FoldIn::new(&built));
        let mut compared = 0;
        let mut divergent = 0;
        for shopper in 0..24u64 {
            let mut engine = Engine::with_seed(built.clone(), shopper);
            let mut rng = Rng::new(shopper);
            let focus: Vec<usize> = (0..3).map(|_| rng.below(built.len())).collect();
            for e in 0..(20 + shopper as usize * 7) {
                // Mostly near a few items' categories, sometimes anywhere.
                let index = if rng.below(5) == 0 {
                    rng.below(built.len())
                } else {
                    focus[e % 3] + 40 * rng.below(40)
                };
                let item_id = built.item(index.min(built.len() - 1)).id().to_owned();
                let kind = match e % 11 {
                    10 => EventKind::AddToCart { item_id },
                    9 => EventKind::Purchase { item_id },
                    7 if shopper % 2 == 0 => EventKind::Dismiss { item_id },
                    _ => EventKind::View { item_id },
                };
                let _ = engine.record(&Event { kind, at: e as i64 * 60_000 });
            }
            let mut prefs = engine.preferences().clone();
            prefs.intensity = [1.0, 0.8, 0.5][shopper as usize % 3];
            prefs.surprise = 0.3;
            let now = 10_000 * 60_000; // a new session: browsing, divergence on
            let inputs = Inputs {
                divergence: Some(engine.profile().divergence()),
                // The per-category vector bounds for three shoppers in four.
                balls: (shopper % 4 != 0).then_some(&balls),
                fold_in: fold_in.as_ref(),
                seed: shopper,
                ..Inputs::new(engine.catalog(), engine.profile(), &prefs, now)
            };
            for k in [1, 8, 24] {
                let request = Request { k, ..Request::default() };
                let fast = recommend_with(&inputs, &request, Scan::Bounded);
                let reference = recommend_with(&inputs, &request, Scan::Exhaustive);
                let (Ok(fast), Ok(reference)) = (fast, reference) else {
                    panic!("both scans give a slate")
                };
                let key = |s: &Slate| {
                    s.items.iter().map(|r| (r.index, r.kind, r.score.to_bits())).collect::<Vec<_>>()
                };
                assert_eq!(key(&fast), key(&reference), "shopper {shopper}, k {k}");
                compared += fast.items.len();
                divergent += fast.items.iter().filter(|r| r.kind == Kind::Divergent).count();
            }
        }
        // The comparison covered full slates and divergent picks.
        assert!(compared > 500, "{compared} items compared");
        assert!(divergent > 10, "{divergent} divergent items compared");
    }
}
