//! Ranking: from a catalog and a profile to a slate of recommendations.
//!
//! Every item gets a calibrated relevance ([`Scorer`]). Items below the
//! threshold are withheld: a short slate beats filler. The survivors are
//! ordered by a blend of relevance and the shop's default order set by
//! `intensity`, and the best `k` are picked by partial selection ([`topk`]).

pub mod kernel;
mod relevance;
mod request;
pub mod topk;

pub use relevance::{PURCHASED_FACTOR, Scorer, Signals, Weights};
pub use request::{Context, Kind, Recommendation, Request, Slate};

use std::collections::HashSet;

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::explain::explain;
use crate::preferences::Preferences;
use crate::profile::Profile;

/// Largest `k` a request may ask for.
pub const MAX_K: usize = 1000;

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
    if request.k == 0 || request.k > MAX_K {
        return Err(Error::BadArgument(format!("k must be between 1 and {MAX_K}, got {}", request.k)));
    }
    prefs.validate()?;
    let context_node = match &request.context.category {
        Some(path) => Some(
            catalog
                .taxonomy()
                .find(path)
                .ok_or_else(|| Error::BadArgument(format!("context.category \"{path}\" is not in the catalog")))?,
        ),
        None => None,
    };
    let in_context: Vec<bool> = match context_node {
        None => Vec::new(),
        Some(root) => {
            let taxonomy = catalog.taxonomy();
            (0..taxonomy.len() as u32).map(|node| taxonomy.lineage(node).any(|n| n == root)).collect()
        }
    };
    let excluded: HashSet<&str> = request
        .exclude
        .iter()
        .map(String::as_str)
        .chain(request.context.item_id.as_deref())
        .collect();
    let eligible = |index: usize| {
        let item = catalog.item(index);
        item.available()
            && !excluded.contains(item.id())
            && (in_context.is_empty() || in_context[item.category() as usize])
            && item.sensitive().is_none_or(|class| prefs.allows_sensitive(class))
    };

    let n = catalog.len().max(1) as f32;
    let shop_order = |index: usize| 1.0 - index as f32 / n;
    let scorer = Scorer::new(catalog, profile, now, Weights::default());

    if !prefs.personalization || prefs.intensity == 0.0 {
        let items = (0..catalog.len())
            .filter(|&i| eligible(i))
            .take(request.k)
            .map(|i| Recommendation::new(catalog, i, shop_order(i), Kind::Default, Default::default()))
            .collect();
        return Ok(Slate::new(items, request.k));
    }

    let mut scored = Vec::new();
    for index in (0..catalog.len()).filter(|&i| eligible(i)) {
        let relevance = scorer.relevance(index);
        if relevance >= prefs.threshold {
            let blended = prefs.intensity * relevance + (1.0 - prefs.intensity) * shop_order(index);
            scored.push((blended, index as u32));
        }
    }
    let items = topk::top_k(scored, request.k)
        .into_iter()
        .map(|(score, index)| {
            let index = index as usize;
            Recommendation::new(catalog, index, score, Kind::Personal, explain(&scorer, catalog, profile, index))
        })
        .collect();
    Ok(Slate::new(items, request.k))
}
