//! `Personalizer`: the class a storefront page uses.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{field_names, from_js, from_js_strict, to_js};
use super::error::bad_argument;
use crate::catalog::{Catalog, CatalogJson};
use crate::preferences::PreferencesPatch;
use crate::profile::{Event, EventKind};
use crate::rank::{Context, Request};
use crate::{Engine, Error, Recorded};

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
}

/// `Personalizer.open` options other than the catalog.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct OpenOptions {
    shop_id: Option<String>,
    storage: Option<String>,
    seed: Option<f64>,
}

/// An event as JavaScript sends it: `at` is optional and defaults to now.
#[derive(Deserialize)]
struct EventInput {
    #[serde(flatten)]
    kind: EventKind,
    at: Option<f64>,
}

#[wasm_bindgen]
impl Personalizer {
    /// Opens a personalizer for a catalog (a JSON v1 object, or its text).
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
        match opts.storage.as_deref() {
            None | Some("memory") => {}
            Some(other) => {
                return Err(bad_argument("options.storage", format!("\"{other}\" is not available yet; use \"memory\"")).into());
            }
        }
        if let Some(seed) = opts.seed {
            if !(seed >= 0.0 && seed.fract() == 0.0 && seed <= 9_007_199_254_740_991.0) {
                return Err(bad_argument("options.seed", "must be a non-negative integer").into());
            }
        }
        let catalog = Catalog::from_json(read_catalog(catalog_value)?)?;
        let shop_id = opts.shop_id.unwrap_or_else(|| catalog.shop().to_owned());
        Ok(Personalizer { engine: Engine::new(catalog), shop_id })
    }

    /// Learns from one event (`{ type, itemId, at? }`; see the event types in
    /// the README). Returns `true` when the profile learned from it, `false`
    /// when learning is paused or the item is in a sensitive class the shopper
    /// has not opted into. An unknown item is a `UNKNOWN_ITEM` error.
    pub fn record(&mut self, #[wasm_bindgen(unchecked_param_type = "FlaneurEvent")] event: JsValue) -> Result<bool, JsValue> {
        let input: EventInput = from_js(event, "event")?;
        let at = match input.at {
            None => js_sys::Date::now() as i64,
            Some(at) if at.is_finite() => at as i64,
            Some(_) => return Err(bad_argument("event.at", "must be a finite number of ms").into()),
        };
        let recorded = self.engine.record(&Event { kind: input.kind, at })?;
        Ok(recorded == Recorded::Learned)
    }

    /// Recommends up to `k` items: `{ items, withheld, intent }`.
    #[wasm_bindgen(unchecked_return_type = "Slate")]
    pub fn recommend(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecommendRequest | undefined")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request: Request = from_js_strict(request, "request", &[("context", field_names::<Context>())])?;
        let slate = self.engine.recommend(&request, js_sys::Date::now() as i64)?;
        Ok(to_js(&slate)?)
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
        Ok(())
    }

    /// The current preferences.
    #[wasm_bindgen(unchecked_return_type = "Preferences")]
    pub fn preferences(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(self.engine.preferences())?)
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

/// The catalog option: a parsed JSON v1 object or its text.
fn read_catalog(value: JsValue) -> Result<CatalogJson, Error> {
    let value = match value.as_string() {
        Some(text) => js_sys::JSON::parse(&text).map_err(|e| Error::CatalogInvalid {
            item: None,
            field: "(document)".into(),
            reason: e.as_string().unwrap_or_else(|| "not valid JSON".into()),
        })?,
        None => value,
    };
    if !value.is_object() {
        return Err(bad_argument("options.catalog", "expected a JSON v1 catalog object or its text"));
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::CatalogInvalid { item: None, field: "(document)".into(), reason: e.to_string() })
}
