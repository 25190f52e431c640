//! The `repurchase` field of a JSON v1 catalog: priors keyed by category path
//! and by item id, resolved to taxonomy nodes and item positions once every
//! item is known ([`resolve`]).

use crate::util::sorted_map::SortedMap;
use std::fmt;

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::repurchase::Repurchase;
use super::taxonomy::{CategoryId, SEPARATOR, Taxonomy};
use crate::error::{Error, Result};
use crate::util::text::prefix;

/// A catalog's repurchase priors as JSON: by full category path and by item id.
///
/// ```
/// use flaneur::catalog::RepurchaseJson;
/// let json = r#"{"categories": {"Household": {"share": 1.0, "interval_days": 14}},
///                "items": {"sku-1": {"share": 0.62, "interval_days": 9.5, "buyers": 140}}}"#;
/// let r: RepurchaseJson = serde_json::from_str(json).unwrap();
/// assert_eq!(r.items.get("sku-1").map(|p| p.buyers), Some(140));
/// assert_eq!(r.categories.get("Household").map(|p| p.buyers), Some(0));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepurchaseJson {
    /// Priors of taxonomy nodes, by full path ("Grocery > Dairy > Milk").
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub categories: SortedMap<String, PriorJson>,
    /// Priors of items, by id.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub items: SortedMap<String, PriorJson>,
}

/// One prior as JSON: `{"share": 0.71, "interval_days": 8.5, "buyers": 412}`,
/// `buyers` optional (0: marked by hand). A missing or unknown field is kept
/// aside and refused when the catalog is built, naming the category or item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorJson {
    /// Share of its buyers who bought it again, in [0, 1].
    pub share: f32,
    /// Typical days between two purchases by the same buyer, above 0, at most 3650.
    pub interval_days: f32,
    /// Distinct buyers it was learned from (0 when marked by hand).
    pub buyers: u32,
    /// The first field missing or not known, and why: refused on build.
    #[serde(skip)]
    invalid: Option<(String, &'static str)>,
}

impl From<Repurchase> for PriorJson {
    fn from(r: Repurchase) -> Self {
        Self { share: r.share, interval_days: r.interval_days, buyers: r.buyers, invalid: None }
    }
}

impl PriorJson {
    /// The prior, or `(field, reason)` why it cannot be one.
    fn prior(&self) -> std::result::Result<Repurchase, (String, String)> {
        if let Some((field, reason)) = &self.invalid {
            return Err((field.clone(), (*reason).to_string()));
        }
        let prior = Repurchase {
            share: self.share,
            interval_days: self.interval_days,
            buyers: self.buyers,
        };
        match prior.why_not() {
            None => Ok(prior),
            Some((field, reason)) => Err((field.to_string(), reason)),
        }
    }
}

impl<'de> Deserialize<'de> for PriorJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_map(PriorVisitor)
    }
}

struct PriorVisitor;

impl<'de> Visitor<'de> for PriorVisitor {
    type Value = PriorJson;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a repurchase prior {share, interval_days, buyers}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<PriorJson, A::Error> {
        let (mut share, mut interval_days, mut buyers) = (None, None, None);
        let mut unknown = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "share" if share.is_none() => share = Some(map.next_value::<f32>()?),
                "interval_days" if interval_days.is_none() => {
                    interval_days = Some(map.next_value::<f32>()?)
                }
                "buyers" if buyers.is_none() => buyers = Some(map.next_value::<u32>()?),
                "share" | "interval_days" | "buyers" => {
                    return Err(de::Error::custom(format!("duplicate field `{key}`")));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    if unknown.is_none() {
                        unknown = Some((prefix(&key, 64).to_string(), "is not a field of a prior"));
                    }
                }
            }
        }
        let missing = match (share, interval_days) {
            (None, _) => Some(("share".to_string(), "is missing")),
            (_, None) => Some(("interval_days".to_string(), "is missing")),
            _ => None,
        };
        Ok(PriorJson {
            share: share.unwrap_or(0.0),
            interval_days: interval_days.unwrap_or(1.0),
            buyers: buyers.unwrap_or(0),
            invalid: missing.or(unknown),
        })
    }
}

/// A category path as the taxonomy stores it: levels trimmed, joined by " > ".
fn normalised(path: &str) -> String {
    path.split('>').map(str::trim).collect::<Vec<_>>().join(SEPARATOR)
}

/// Node priors and item priors, each strictly ascending.
pub(crate) type Resolved = (Vec<(CategoryId, Repurchase)>, Vec<(u32, Repurchase)>);

/// Resolves `json` over a built catalog's taxonomy and items (`index_of`
/// finds an item's position). A path not in the taxonomy (or given twice),
/// an unknown item id or an invalid prior is a [`Error::CatalogInvalid`]
/// naming it and the field.
pub(crate) fn resolve(
    json: &RepurchaseJson,
    taxonomy: &Taxonomy,
    index_of: impl Fn(&str) -> Option<u32>,
) -> Result<Resolved> {
    let mut categories = Vec::with_capacity(json.categories.len());
    for (path, raw) in &json.categories {
        let name = format!("repurchase.categories[{:?}]", prefix(path, 256));
        let field = |f: &str, reason: String| Error::header_field(&format!("{name}.{f}"), reason);
        let prior = raw.prior().map_err(|(f, reason)| field(&f, reason))?;
        let Some(node) = taxonomy.find(&normalised(path)) else {
            return Err(Error::header_field(&name, "is not a category of the catalog's items"));
        };
        categories.push((node, prior));
    }
    crate::util::sort::sort_by(&mut categories, |a, b| a.0.cmp(&b.0));
    if let Some(w) = categories.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::header_field(
            &format!("repurchase.categories[{:?}]", taxonomy.path(w[0].0)),
            "is given twice (paths differing only in spaces)",
        ));
    }
    let mut items = Vec::with_capacity(json.items.len());
    for (id, raw) in &json.items {
        let name = prefix(id, 256);
        let prior = raw
            .prior()
            .map_err(|(f, reason)| Error::item_field(name, &format!("repurchase.{f}"), reason))?;
        let Some(index) = index_of(id) else {
            return Err(Error::item_field(name, "repurchase", "is not an item of the catalog"));
        };
        items.push((index, prior));
    }
    crate::util::sort::sort_by(&mut items, |a, b| a.0.cmp(&b.0));
    Ok((categories, items))
}
