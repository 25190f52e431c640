//! Reading the arguments JavaScript passes: events, forget requests, catalogs.
//! Each function checks the shape by hand and names the offending field in a
//! `BAD_ARGUMENT` error (a serde derive for these tagged shapes would cost
//! tens of kilobytes of WebAssembly).

use crate::util::sorted_map::SortedMap;

use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::convert::check_keys;
use super::error::bad_argument;
use crate::catalog::{
    Catalog, CatalogBuilder, DivergencePriors, FacetJson, ItemJson, RepurchaseJson, VectorKind,
};
use crate::profile::EventKind;
use crate::{Error, Forget};

/// Reads `{ facet, value }`, `{ category }`, `{ itemId }` or `{ all: true }`.
pub(crate) fn read_forget(what: &JsValue) -> Result<Forget, Error> {
    let get = |key: &str| {
        js_sys::Reflect::get(what, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
    };
    if !what.is_object() {
        return Err(bad_argument(
            "forget",
            "expected { facet, value }, { category }, { itemId } or { all: true }",
        ));
    }
    if js_sys::Reflect::get(what, &JsValue::from_str("all")).ok().and_then(|v| v.as_bool())
        == Some(true)
    {
        return Ok(Forget::Everything);
    }
    match (get("facet"), get("value"), get("category"), get("itemId")) {
        (Some(facet), Some(value), None, None) => Ok(Forget::Facet { facet, value }),
        (None, None, Some(category), None) => Ok(Forget::Category(category)),
        (None, None, None, Some(id)) => Ok(Forget::Item(id)),
        _ => Err(bad_argument(
            "forget",
            "expected exactly one of { facet, value }, { category }, { itemId }, { all: true }",
        )),
    }
}

/// A seed from `crypto.getRandomValues`, for when the page gives none.
pub(crate) fn random_seed() -> Result<u64, Error> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| Error::RandomUnavailable { reason: e.to_string() })?;
    Ok(u64::from_le_bytes(bytes))
}

/// `query` folded as [`flaneur::intent::fold_query`](crate::intent::fold_query)
/// folds it, with the browser's Unicode tables rather than tables of the
/// `.wasm`'s own: its runs of letters and digits (`\p{Alphabetic}`, `\p{N}`:
/// what `char::is_alphanumeric` accepts) separated by single spaces, then
/// lowercased (`toLowerCase`, `str::to_lowercase`'s mapping).
pub fn fold_query(query: &js_sys::JsString) -> String {
    let separators = js_sys::RegExp::new(r"[^\p{Alphabetic}\p{N}]+", "gu");
    String::from(query.replace_by_pattern(&separators, " ").trim().to_lower_case())
}

/// Reads `{ type, itemId | query, ms?, at? }` field by field (a serde derive
/// for this tagged shape costs tens of kilobytes of WebAssembly).
pub(crate) fn read_event(event: &JsValue) -> Result<(EventKind, Option<i64>), Error> {
    if !event.is_object() {
        return Err(bad_argument(
            "event",
            "expected an object like { type: \"view\", itemId: \"sku-1\" }",
        ));
    }
    let get = |key: &str| {
        js_sys::Reflect::get(event, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    };
    let string = |key: &str| {
        get(key)
            .as_string()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad_argument(&format!("event.{key}"), "expected a non-empty string"))
    };
    let kind = string("type")?;
    let item_id = || string("itemId");
    let kind = match kind.as_str() {
        "view" => EventKind::View { item_id: item_id()? },
        "click" => EventKind::Click { item_id: item_id()? },
        "add_to_cart" => EventKind::AddToCart { item_id: item_id()? },
        "remove_from_cart" => EventKind::RemoveFromCart { item_id: item_id()? },
        "purchase" => EventKind::Purchase { item_id: item_id()? },
        "dismiss" => EventKind::Dismiss { item_id: item_id()? },
        "dwell" => {
            let ms = get("ms").as_f64().filter(|ms| ms.is_finite() && *ms >= 0.0);
            let ms = ms.ok_or_else(|| bad_argument("event.ms", "expected a duration in ms"))?;
            EventKind::Dwell { item_id: item_id()?, ms }
        }
        "search" => EventKind::Search {
            query: get("query")
                .dyn_ref::<js_sys::JsString>()
                .map(fold_query)
                .ok_or_else(|| bad_argument("event.query", "expected a string"))?,
        },
        other => {
            return Err(bad_argument(
                "event.type",
                format!(
                    "unknown type \"{other}\" (view, dwell, click, add_to_cart, remove_from_cart, \
                     purchase, dismiss, search)"
                ),
            ));
        }
    };
    let at = match get("at") {
        at if at.is_undefined() || at.is_null() => None,
        at => match at.as_f64() {
            Some(ms) if ms.is_finite() => Some(ms as i64),
            _ => {
                return Err(bad_argument(
                    "event.at",
                    "expected a finite number of ms since the epoch",
                ));
            }
        },
    };
    Ok((kind, at))
}

/// The catalog option: binary v1 bytes (`ArrayBuffer` or `Uint8Array`,
/// copied once into WebAssembly memory), a parsed JSON v1 object, or its text.
/// In an object, an item's `vector` may also be a `Float32Array` or
/// `Float64Array`, read in one copy ([`typed_vector`]).
pub(crate) fn read_catalog(value: JsValue) -> Result<Catalog, Error> {
    if value.is_instance_of::<js_sys::ArrayBuffer>() || value.is_instance_of::<js_sys::Uint8Array>()
    {
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        return Catalog::from_binary(&bytes);
    }
    let value = match value.as_string() {
        Some(text) => js_sys::JSON::parse(&text).map_err(|e| Error::CatalogInvalid {
            item: None,
            field: "(document)".into(),
            reason: e.as_string().unwrap_or_else(|| "not valid JSON".into()),
        })?,
        None => value,
    };
    if !value.is_object() {
        return Err(bad_argument(
            "options.catalog",
            "expected binary catalog bytes, a JSON v1 catalog object or its text",
        ));
    }
    // The header, then one item at a time straight into the builder: the
    // catalog's JSON form is never held in WebAssembly memory as a whole
    // (at 100,000 items that took the memory from ~20 MiB to 123 MiB).
    let invalid =
        |field: String, reason: String| Error::CatalogInvalid { item: None, field, reason };
    let header: Header = serde_wasm_bindgen::from_value(value.clone())
        .map_err(|e| invalid("(document)".into(), e.to_string()))?;
    let items =
        js_sys::Reflect::get(&value, &JsValue::from_str("items")).unwrap_or(JsValue::UNDEFINED);
    let Some(items) = items.dyn_ref::<js_sys::Array>() else {
        return Err(invalid("items".into(), "must be an array of items".into()));
    };
    let mut builder = CatalogBuilder::new(
        header.version,
        header.shop,
        header.dims,
        header.vector_kind,
        &header.facets,
    )?;
    if let Some(repurchase) = header.repurchase {
        builder.set_repurchase(repurchase);
    }
    if let Some(priors) = header.divergence_priors {
        builder.set_divergence_priors(priors);
    }
    if let Some(departments) = header.report_departments {
        builder.set_report_departments(departments);
    }
    builder.reserve(items.length() as usize);
    for position in 0..items.length() {
        let (item, vector) = typed_vector(items.get(position));
        let mut raw: ItemJson = serde_wasm_bindgen::from_value(item)
            .map_err(|e| invalid(format!("items[{position}]"), e.to_string()))?;
        if vector.is_some() {
            raw.vector = vector;
        }
        builder.push_at(position as usize, &raw)?;
    }
    builder.finish()
}

/// An item whose `vector` is a `Float32Array` or `Float64Array`: its values in
/// one copy, and a shallow copy of the item without them for serde (the
/// page's own object is left untouched). Read through serde, a plain array
/// costs two calls across the boundary per number, most of the time of
/// opening a catalog with vectors; a typed array holds only numbers, so
/// nothing is lost by skipping serde. Any other item is returned as it is.
fn typed_vector(item: JsValue) -> (JsValue, Option<Vec<f32>>) {
    let key = JsValue::from_str("vector");
    let Some(object) = item.dyn_ref::<js_sys::Object>() else { return (item, None) };
    let vector = js_sys::Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
    let values: Vec<f32> = if let Some(v) = vector.dyn_ref::<js_sys::Float32Array>() {
        v.to_vec()
    } else if let Some(v) = vector.dyn_ref::<js_sys::Float64Array>() {
        v.to_vec().into_iter().map(|x| x as f32).collect()
    } else {
        return (item, None);
    };
    let copy = js_sys::Object::assign(&js_sys::Object::new(), object);
    let _ = js_sys::Reflect::delete_property(&copy, &key);
    (copy.into(), Some(values))
}

/// Every field of a JSON v1 catalog but `items` (see [`crate::catalog::CatalogJson`]), which
/// [`read_catalog`] converts item by item.
#[derive(Deserialize)]
struct Header {
    version: u32,
    shop: String,
    #[serde(default)]
    dims: usize,
    #[serde(default)]
    vector_kind: VectorKind,
    #[serde(default)]
    facets: SortedMap<String, FacetJson>,
    /// The shop's repurchase priors, checked against the items by `finish`.
    #[serde(default)]
    repurchase: Option<RepurchaseJson>,
    /// The crowd's divergence priors, checked against the facets by `finish`.
    #[serde(default)]
    divergence_priors: Option<DivergencePriors>,
    /// The departments the reports ask about apart, checked by `finish`.
    #[serde(default)]
    report_departments: Option<Vec<String>>,
}

/// The ε of `report`'s options (`undefined` or `{ epsilon? }`), read field by
/// field: [`DEFAULT_EPSILON`](crate::ldp::DEFAULT_EPSILON) when not given; an
/// unknown field, or an ε that is not a number in (0, 1], is `BAD_ARGUMENT`.
pub(crate) fn read_report_epsilon(options: &JsValue) -> Result<f64, Error> {
    if options.is_undefined() || options.is_null() {
        return Ok(crate::ldp::DEFAULT_EPSILON);
    }
    if !options.is_object() {
        return Err(bad_argument("options", "expected an object like { epsilon: 0.5 }"));
    }
    check_keys(options, &["epsilon"], "options")?;
    let epsilon =
        js_sys::Reflect::get(options, &JsValue::from_str("epsilon")).unwrap_or(JsValue::UNDEFINED);
    if epsilon.is_undefined() {
        return Ok(crate::ldp::DEFAULT_EPSILON);
    }
    epsilon.as_f64().and_then(|e| crate::ldp::report_epsilon(e).ok()).ok_or_else(|| {
        bad_argument("options.epsilon", "must be 0.5 or 1 (a free number could tag a shopper)")
    })
}
