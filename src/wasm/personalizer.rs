//! `Personalizer`: the class a storefront page uses.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::convert::{field_names, from_js_strict, to_js};
use super::error::bad_argument;
use super::storage::Store;
use crate::catalog::{Catalog, CatalogJson};
use crate::intent::IntentEstimate;
use crate::portability::ProfileImport;
use crate::preferences::{Preferences, PreferencesPatch};
use crate::profile::ProfileView;
use crate::profile::{Event, EventKind};
use crate::measure::StatsView;
use crate::rank::{Context, Request};
use crate::{Engine, Error, Forget, Recorded};

/// On-device personalization for one shop: holds the catalog and the
/// shopper's profile, learns from events and ranks the catalog.
///
/// ```js
/// const p = await Personalizer.open({ catalog, storage: "memory" });
/// p.record({ type: "view", itemId: "sku-1" });
/// const slate = p.recommend({ k: 12 });
/// ```
#[wasm_bindgen]
pub struct Personalizer {
    engine: Engine,
    shop_id: String,
    store: Store,
    notices: Vec<String>,
}

/// `Personalizer.open` options other than the catalog.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct OpenOptions {
    shop_id: Option<String>,
    storage: Option<String>,
    seed: Option<f64>,
}


#[wasm_bindgen]
impl Personalizer {
    /// Opens a personalizer for a catalog: binary v1 bytes (`ArrayBuffer` or
    /// `Uint8Array`), a JSON v1 object, or its text.
    ///
    /// Rejects with `CATALOG_INVALID` / `CATALOG_VERSION` for a bad catalog and
    /// `BAD_ARGUMENT` for bad options.
    pub async fn open(#[wasm_bindgen(unchecked_param_type = "OpenOptions")] options: JsValue) -> Result<Personalizer, JsValue> {
        if !options.is_object() {
            return Err(bad_argument("options", "expected an object with a `catalog`").into());
        }
        let catalog_value = js_sys::Reflect::get(&options, &JsValue::from_str("catalog"))
            .map_err(|_| bad_argument("options.catalog", "could not be read"))?;
        let rest = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
        js_sys::Reflect::delete_property(&rest, &JsValue::from_str("catalog"))
            .map_err(|_| bad_argument("options", "could not be read"))?;
        let opts: OpenOptions = from_js_strict(rest.into(), "options", &[])?;
        if let Some(seed) = opts.seed {
            if !(seed >= 0.0 && seed.fract() == 0.0 && seed <= 9_007_199_254_740_991.0) {
                return Err(bad_argument("options.seed", "must be a non-negative integer").into());
            }
        }
        let catalog = read_catalog(catalog_value)?;
        let shop_id = opts.shop_id.unwrap_or_else(|| catalog.shop().to_owned());
        let seed = match opts.seed {
            Some(seed) => seed as u64,
            None => random_seed()?,
        };
        let (mut store, mut notices) = Store::open(opts.storage.as_deref().unwrap_or("memory"), &shop_id)?;
        let loaded = store.load(catalog.shop());
        notices.extend(loaded.notices);
        let mut engine = Engine::with_seed(catalog, seed);
        if let Some(profile) = loaded.profile {
            engine.replace_profile(profile);
        }
        if let Some(preferences) = loaded.preferences {
            engine.replace_preferences(preferences)?;
        }
        Ok(Personalizer { engine, shop_id, store, notices })
    }

    /// Learns from one event (`{ type, itemId, at? }`; see the event types in
    /// the README). Returns `true` when the profile learned from it, `false`
    /// when learning is paused or the item is in a sensitive class the shopper
    /// has not opted into. An unknown item is a `UNKNOWN_ITEM` error.
    pub fn record(&mut self, #[wasm_bindgen(unchecked_param_type = "FlaneurEvent")] event: JsValue) -> Result<bool, JsValue> {
        let (kind, at) = read_event(&event)?;
        let at = at.unwrap_or_else(|| js_sys::Date::now() as i64);
        let recorded = self.engine.record(&Event { kind, at })?;
        if recorded == Recorded::Learned {
            self.save();
        }
        Ok(recorded == Recorded::Learned)
    }

    /// Recommends up to `k` items: `{ items, withheld, intent }`. The items
    /// count as shown (impressions feed the local counters and divergence).
    #[wasm_bindgen(unchecked_return_type = "Slate")]
    pub fn recommend(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RecommendRequest | undefined")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request: Request = from_js_strict(request, "request", &[("context", field_names::<Context>())])?;
        let now = js_sys::Date::now() as i64;
        let slate = self.engine.recommend(&request, now)?;
        self.engine.mark_shown(&slate, now);
        if self.engine.preferences().is_learning() {
            self.save();
        }
        Ok(to_js(&slate)?)
    }

    /// Local measurement: impressions and engagements per kind of slot
    /// (`personal`, `divergent`, `popular`, `default`). Never leaves the device.
    #[wasm_bindgen(unchecked_return_type = "Stats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(&StatsView::from(self.engine.profile().stats()))?)
    }

    /// Updates the shopper's preferences; fields left out keep their value.
    #[wasm_bindgen(js_name = setPreferences)]
    pub fn set_preferences(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Partial<Preferences>")] patch: JsValue,
    ) -> Result<(), JsValue> {
        if !patch.is_object() {
            return Err(bad_argument("preferences", "expected an object").into());
        }
        let patch: PreferencesPatch = from_js_strict(patch, "preferences", &[])?;
        self.engine.set_preferences(patch)?;
        self.save();
        Ok(())
    }

    /// The current preferences.
    #[wasm_bindgen(unchecked_return_type = "Preferences")]
    pub fn preferences(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(self.engine.preferences())?)
    }

    /// What the profile holds, readable: tastes with provenance and expiry,
    /// counts of the rest, the preferences, and the stored size in bytes.
    #[wasm_bindgen(unchecked_return_type = "ProfileSummary")]
    pub fn profile(&self) -> Result<JsValue, JsValue> {
        let now = js_sys::Date::now() as i64;
        let summary = ProfileSummary {
            view: self.engine.profile_view(now),
            preferences: self.engine.preferences().clone(),
            stored_bytes: self.engine.profile().to_bytes().len(),
            intent: self.engine.intent(now),
            notices: self.notices.clone(),
        };
        Ok(to_js(&summary)?)
    }

    /// Forgets something and its influence: `{ facet, value }`, `{ category }`,
    /// `{ itemId }` or `{ all: true }`. Returns whether there was anything to forget.
    pub fn forget(&mut self, #[wasm_bindgen(unchecked_param_type = "ForgetRequest")] what: JsValue) -> Result<bool, JsValue> {
        let what = read_forget(&what)?;
        let forgot = self.engine.forget(&what, js_sys::Date::now() as i64);
        self.save();
        Ok(forgot)
    }

    /// The shopper's copy of their profile, as a JSON string: readable tastes,
    /// preferences, and the exact stored profile for `importProfile`.
    #[wasm_bindgen(js_name = exportProfile)]
    pub fn export_profile(&self) -> Result<String, JsValue> {
        let export = to_js(&self.engine.export(js_sys::Date::now() as i64))?;
        let text = js_sys::JSON::stringify(&export).map_err(|_| bad_argument("export", "could not be written as JSON"))?;
        Ok(String::from(text))
    }

    /// Replaces the profile with an exported one (a JSON string). Anything
    /// invalid is refused with a coded error and the current profile is kept.
    #[wasm_bindgen(js_name = importProfile)]
    pub fn import_profile(&mut self, json: &str) -> Result<(), JsValue> {
        let value = js_sys::JSON::parse(json).map_err(|_| bad_argument("importProfile", "not JSON"))?;
        let import: ProfileImport = serde_wasm_bindgen::from_value(value).map_err(|e| bad_argument("importProfile", e))?;
        self.engine.import(&import)?;
        self.save();
        Ok(())
    }

    /// Erases everything flaneur holds for this shop: the profile, the
    /// preferences and every byte it stored.
    pub async fn erase(&mut self) -> Result<(), JsValue> {
        self.engine.forget(&Forget::Everything, js_sys::Date::now() as i64);
        self.engine.reset_preferences();
        self.store.erase();
        Ok(())
    }

    /// The shop this personalizer serves.
    #[wasm_bindgen(getter, js_name = shopId)]
    pub fn shop_id(&self) -> String {
        self.shop_id.clone()
    }

    /// Number of items in the catalog.
    #[wasm_bindgen(getter, js_name = itemCount)]
    pub fn item_count(&self) -> usize {
        self.engine.catalog().len()
    }
}

/// What `profile()` returns.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileSummary {
    #[serde(flatten)]
    view: ProfileView,
    preferences: Preferences,
    stored_bytes: usize,
    intent: IntentEstimate,
    notices: Vec<String>,
}

impl Personalizer {
    /// Writes the profile to the store; a failure becomes a notice, never an error.
    fn save(&mut self) {
        let now = js_sys::Date::now() as i64;
        let shop = self.engine.catalog().shop().to_owned();
        if let Some(notice) = self.store.save(&shop, self.engine.profile(), self.engine.preferences(), now) {
            self.notices.push(notice);
        }
    }
}

/// Reads `{ facet, value }`, `{ category }`, `{ itemId }` or `{ all: true }`.
fn read_forget(what: &JsValue) -> Result<Forget, Error> {
    let get = |key: &str| js_sys::Reflect::get(what, &JsValue::from_str(key)).ok().and_then(|v| v.as_string());
    if !what.is_object() {
        return Err(bad_argument("forget", "expected { facet, value }, { category }, { itemId } or { all: true }"));
    }
    if js_sys::Reflect::get(what, &JsValue::from_str("all")).ok().and_then(|v| v.as_bool()) == Some(true) {
        return Ok(Forget::Everything);
    }
    match (get("facet"), get("value"), get("category"), get("itemId")) {
        (Some(facet), Some(value), None, None) => Ok(Forget::Facet { facet, value }),
        (None, None, Some(category), None) => Ok(Forget::Category(category)),
        (None, None, None, Some(id)) => Ok(Forget::Item(id)),
        _ => Err(bad_argument("forget", "expected exactly one of { facet, value }, { category }, { itemId }, { all: true }")),
    }
}

/// A seed from `crypto.getRandomValues`, for when the page gives none.
fn random_seed() -> Result<u64, Error> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| Error::BadArgument(format!("no random seed available: {e}")))?;
    Ok(u64::from_le_bytes(bytes))
}

/// Reads `{ type, itemId | query, ms?, at? }` field by field (a serde derive
/// for this tagged shape costs tens of kilobytes of WebAssembly).
fn read_event(event: &JsValue) -> Result<(EventKind, Option<i64>), Error> {
    if !event.is_object() {
        return Err(bad_argument("event", "expected an object like { type: \"view\", itemId: \"sku-1\" }"));
    }
    let get = |key: &str| js_sys::Reflect::get(event, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let string = |key: &str| {
        get(key).as_string().filter(|s| !s.is_empty()).ok_or_else(|| bad_argument(&format!("event.{key}"), "expected a non-empty string"))
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
        "search" => EventKind::Search { query: get("query").as_string().ok_or_else(|| bad_argument("event.query", "expected a string"))? },
        other => {
            return Err(bad_argument(
                "event.type",
                format!("unknown type \"{other}\" (view, dwell, click, add_to_cart, remove_from_cart, purchase, dismiss, search)"),
            ));
        }
    };
    let at = match get("at") {
        at if at.is_undefined() || at.is_null() => None,
        at => match at.as_f64() {
            Some(ms) if ms.is_finite() => Some(ms as i64),
            _ => return Err(bad_argument("event.at", "expected a finite number of ms since the epoch")),
        },
    };
    Ok((kind, at))
}

/// The catalog option: binary v1 bytes (`ArrayBuffer` or `Uint8Array`,
/// copied once into WebAssembly memory), a parsed JSON v1 object, or its text.
fn read_catalog(value: JsValue) -> Result<Catalog, Error> {
    if value.is_instance_of::<js_sys::ArrayBuffer>() || value.is_instance_of::<js_sys::Uint8Array>() {
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
        return Err(bad_argument("options.catalog", "expected binary catalog bytes, a JSON v1 catalog object or its text"));
    }
    let json: CatalogJson = serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::CatalogInvalid { item: None, field: "(document)".into(), reason: e.to_string() })?;
    Catalog::from_json(json)
}
