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
mod relevance;
mod request;
pub mod topk;

pub use relevance::{
    FRESHNESS_HALF_LIFE_DAYS, PURCHASED_FACTOR, SHOWN_FLOOR, SHOWN_GRACE, Scorer, Signals, Weights, freshness, shown_factor,
};
pub use request::{Context, Kind, Recommendation, Request, Slate};

use crate::catalog::Catalog;
use crate::error::{Error, Result};
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
    recommend_with(catalog, profile, prefs, request, now, None)
}

/// [`recommend`], with the catalog's `YᵀY` for catalogs of item factors: the
/// vector signal then comes from the shopper's fold-in factor ([`foldin`]).
pub fn recommend_with(
    catalog: &Catalog,
    profile: &Profile,
    prefs: &Preferences,
    request: &Request,
    now: i64,
    fold_in: Option<&foldin::FoldIn>,
) -> Result<Slate> {
    if request.k == 0 || request.k > MAX_K {
        return Err(Error::BadArgument(format!("k must be between 1 and {MAX_K}, got {}", request.k)));
    }
    prefs.validate()?;
    let eligible = Eligibility::new(catalog, prefs, request)?;
    let n = catalog.len().max(1) as f32;
    let shop_order = |index: usize| 1.0 - index as f32 / n;

    if !prefs.personalization || prefs.intensity == 0.0 {
        let items = (0..catalog.len())
            .filter(|&i| eligible.allows(i))
            .take(request.k)
            .map(|i| Recommendation::new(catalog, i, shop_order(i), Kind::Default, Reason::default()))
            .collect();
        return Ok(Slate::new(items, 0));
    }

    let mut scorer = Scorer::new(catalog, profile, now, Weights::default());
    if let Some(factor) = fold_in.and_then(|f| f.solve(catalog, profile, now)) {
        scorer = scorer.with_user_factor(&factor);
    }
    let mut scored = Vec::new();
    for index in (0..catalog.len()).filter(|&i| eligible.allows(i)) {
        let relevance = scorer.relevance(index);
        if relevance >= prefs.threshold {
            let blended = prefs.intensity * relevance + (1.0 - prefs.intensity) * shop_order(index);
            scored.push((blended, index as u32));
        }
    }
    let pool = topk::top_k(scored, (request.k * CANDIDATES_PER_SLOT).max(MIN_CANDIDATES));
    let chosen = diversity::rerank(catalog, &pool, request.k, prefs.diversity);
    let withheld = request.k - chosen.len();
    let mut items: Vec<Recommendation> = chosen
        .into_iter()
        .map(|(score, index)| {
            let index = index as usize;
            Recommendation::new(catalog, index, score, Kind::Personal, explain(&scorer, catalog, profile, index))
        })
        .collect();
    if request.fill && items.len() < request.k {
        let fill = popular_fill(catalog, &eligible, &items, request.k - items.len());
        items.extend(fill);
    }
    Ok(Slate::new(items, withheld))
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
                signals: vec![Signal {
                    kind: SignalKind::Popularity,
                    label: "popular in this shop".into(),
                    contribution: popularity,
                    count: None,
                    last_seen: None,
                }],
            };
            Recommendation::new(catalog, index as usize, popularity, Kind::Popular, reason)
        })
        .collect()
}
