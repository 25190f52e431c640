//! `Personalizer`: the class a storefront page uses.

use std::cell::{Cell, RefCell};

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::args::{random_seed, read_catalog, read_event, read_forget, read_report_epsilon};
use super::consent::{Listener, attach};
use super::consent_mode::Consent;
use super::convert::{field_names, from_js_strict, to_js};
use super::error::{bad_argument, install_panic_hook};
use super::parts::{is_sharded, patch_part, read_bytes, read_sharded};
use super::store::{Store, drop_empty_database, erase_everywhere, quarantined};
use super::sync::{self, Shared, State, commit};
use crate::intent::IntentEstimate;
use crate::journal::Change;
use crate::preferences::{Preferences, PreferencesPatch};
use crate::profile::{Event, ProfileImport, ProfileView};
use crate::rank::{Context, Request};
use crate::{Applied, Engine, Error, Recorded};

/// On-device personalization for one shop: holds the catalog and the
/// shopper's profile, learns from events and ranks the catalog. The profile
/// is kept in IndexedDB by default and merged with the shop's other tabs.
///
/// ```js
/// const p = await Personalizer.open({ catalog, shopId: "demo" });
/// p.record({ type: "view", itemId: "sku-1" });
/// const slate = p.recommend({ k: 12 });
/// ```
#[wasm_bindgen]
pub struct Personalizer {
    state: Shared,
    shop_id: String,
    /// The store `open` asked for (opened at once, or when consent is granted).
    storage: String,
    /// Listens to the shop's other tabs; dropped (and the channel closed) with the personalizer.
    on_message: RefCell<Listener>,
    /// A `grantConsent()` is opening the store: a second one does nothing.
    granting: Cell<bool>,
}

/// `Personalizer.open` options other than the catalog.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct OpenOptions {
    shop_id: Option<String>,
    storage: Option<String>,
    seed: Option<f64>,
    consent: Option<String>,
}

#[wasm_bindgen]
impl Personalizer {
    /// Opens a personalizer for a catalog: binary v1 bytes (`ArrayBuffer` or
    /// `Uint8Array`), a JSON v1 object, its text, or a sharded catalog's
    /// `{ manifest, parts }` (the parsed `manifest.json` and the fetched parts'
    /// bytes by file name, the core's among them; see `addPart`). `storage` is
    /// `"indexeddb"` (default), `"local"` or `"memory"`; where the one asked
    /// for is unavailable the next one is used and `profile().notices` says so.
    ///
    /// Rejects with `CATALOG_INVALID` / `CATALOG_VERSION` for a bad catalog and
    /// `BAD_ARGUMENT` for bad options.
    pub async fn open(
        #[wasm_bindgen(unchecked_param_type = "OpenOptions")] options: JsValue,
    ) -> Result<Personalizer, JsValue> {
        install_panic_hook();
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
        if opts.shop_id.as_deref() == Some("") {
            return Err(bad_argument("options.shopId", "must not be empty").into());
        }
        let (sharded, catalog) = if is_sharded(&catalog_value) {
            let (sharded, catalog) = read_sharded(&catalog_value)?;
            (Some(sharded), catalog)
        } else {
            (None, read_catalog(catalog_value)?)
        };
        let shop_id = opts.shop_id.unwrap_or_else(|| catalog.shop().to_owned());
        let seed = match opts.seed {
            Some(seed) => seed as u64,
            None => random_seed()?,
        };
        let storage = opts.storage.unwrap_or_else(|| Store::DEFAULT.to_owned());
        Store::check(&storage)?;
        let consent = Consent::parse(opts.consent.as_deref())?;
        let mut state = State::new(Engine::with_seed(catalog, seed), Store::Memory, vec![], None);
        state.consent = consent;
        state.sharded = sharded;
        let state = Shared::new(RefCell::new(state));
        let on_message = match consent {
            Consent::Required => None,
            _ => attach(&state, &storage, &shop_id).await?,
        };
        let on_message = RefCell::new(on_message);
        Ok(Personalizer { state, shop_id, storage, on_message, granting: Cell::new(false) })
    }

    /// Adds a part of the sharded catalog this personalizer was opened on:
    /// `bytes` are the file `file` the manifest names (opened against it, so
    /// any other bytes are refused), joined with the parts held; slates and
    /// explanations then include its items, and the profile is kept. Returns
    /// `false` when that file is held already. A bad part is `CATALOG_INVALID`
    /// and the personalizer keeps what it had; without a manifest at `open`
    /// this is `BAD_ARGUMENT`. Fetch a shard because a page of its department
    /// is opened (`shardFor`), never because of the profile.
    #[wasm_bindgen(js_name = addPart)]
    pub fn add_part(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] file: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    ) -> Result<bool, JsValue> {
        let file = file.as_string().ok_or_else(|| bad_argument("file", "expected a string"))?;
        let mut state = self.borrow_mut()?;
        let state = &mut *state;
        let Some(sharded) = state.sharded.as_mut() else {
            return Err(
                bad_argument("addPart", "the personalizer was not opened on a manifest").into()
            );
        };
        if sharded.has(&file) {
            return Ok(false);
        }
        let bytes = read_bytes(&bytes)
            .ok_or_else(|| bad_argument("bytes", "expected a Uint8Array or an ArrayBuffer"))?;
        sharded.add(&file, bytes, &mut state.engine)?;
        Ok(true)
    }

    /// Rebuilds a part of `manifest` from the earlier build's part `old` a
    /// page kept and the patch `file` the manifest lists for it (`bytes`):
    /// `{ file, bytes }`, the part to pass to `open` or `addPart`, so that a
    /// returning shopper fetches what changed rather than the part again.
    /// Bytes other than the manifest names are `CATALOG_INVALID`.
    #[wasm_bindgen(
        js_name = patchPart,
        unchecked_return_type = "{ file: string; bytes: Uint8Array }"
    )]
    pub fn patch_part(
        #[wasm_bindgen(unchecked_param_type = "CatalogManifest")] manifest: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] file: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] old: JsValue,
    ) -> Result<JsValue, JsValue> {
        let file = file.as_string().ok_or_else(|| bad_argument("file", "expected a string"))?;
        let (to, part) = patch_part(manifest, &file, &bytes, &old)?;
        let out = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            js_sys::Reflect::set(&out, &JsValue::from_str(key), value).map(|_| ())
        };
        set("file", &JsValue::from_str(&to))?;
        set("bytes", &js_sys::Uint8Array::from(part.as_slice()).into())?;
        Ok(out.into())
    }

    /// What a shelf shows of the items `itemIds`, read from the catalog held
    /// (with a sharded catalog, the parts joined so far): one object per id,
    /// shaped as a JSON v1 catalog item (`id`, `title`, `category`,
    /// `attributes`, `available`, and `price`, `currency`, `url`, `image`,
    /// `sensitive` when the item has them), or `null` for an id it does not
    /// hold. A page needs no copy of the catalog of its own to draw a slate.
    #[wasm_bindgen(unchecked_return_type = "(CatalogItem | null)[]")]
    pub fn items(
        &self,
        #[wasm_bindgen(js_name = itemIds, unchecked_param_type = "string[]")] ids: JsValue,
    ) -> Result<js_sys::Array, JsValue> {
        let expected = "expected an array of item ids (strings)";
        let ids = ids.dyn_into::<js_sys::Array>().map_err(|_| bad_argument("itemIds", expected))?;
        let state = self.borrow()?;
        let catalog = state.engine.catalog();
        let out = js_sys::Array::new_with_length(ids.length());
        for (slot, id) in ids.iter().enumerate() {
            let id = id.as_string().ok_or_else(|| bad_argument("itemIds", expected))?;
            let Some(index) = catalog.index_of(&id) else {
                out.set(slot as u32, JsValue::NULL);
                continue;
            };
            let item = catalog.item(index);
            let card = js_sys::Object::new();
            let set = |key: &str, value: JsValue| {
                js_sys::Reflect::set(&card, &JsValue::from_str(key), &value).map(|_| ())
            };
            set("id", JsValue::from_str(item.id()))?;
            // A sharded catalog's titles and links are kept out of WebAssembly memory, by part.
            let [title, url, image] = match &state.sharded {
                Some(sharded) => {
                    sharded.shelf_text(index).map(|t| t.as_deref().map(JsValue::from_str))
                }
                None => {
                    [Some(item.title()), item.url(), item.image()].map(|t| t.map(JsValue::from_str))
                }
            };
            set("title", title.unwrap_or_else(|| JsValue::from_str("")))?;
            set("category", JsValue::from_str(item.category_path()))?;
            let attributes = js_sys::Object::new();
            for (facet, value) in item.attributes() {
                let name = catalog.facets().get(usize::from(facet)).map(|f| f.name.as_str());
                let name = JsValue::from_str(name.unwrap_or_default());
                js_sys::Reflect::set(&attributes, &name, &JsValue::from_str(value))?;
            }
            set("attributes", attributes.into())?;
            set("available", JsValue::from_bool(item.available()))?;
            let text = |value: Option<&str>| value.map(JsValue::from_str);
            let fields = [
                ("price", item.price().map(JsValue::from_f64)),
                ("currency", text(item.currency())),
                ("url", url),
                ("image", image),
                ("sensitive", text(item.sensitive())),
            ];
            for (key, value) in fields {
                if let Some(value) = value {
                    set(key, value)?;
                }
            }
            out.set(slot as u32, card.into());
        }
        Ok(out)
    }

    /// The sensitive classes of the items held, sorted (with a sharded
    /// catalog, those of the parts joined so far): what a preference panel
    /// offers to opt into when the page has no copy of the catalog.
    #[wasm_bindgen(js_name = sensitiveClasses)]
    pub fn sensitive_classes(&self) -> Result<Vec<String>, JsValue> {
        let state = self.borrow()?;
        let mut classes: crate::util::sorted_map::SortedMap<&str, ()> =
            crate::util::sorted_map::SortedMap::new();
        for class in state.engine.catalog().iter().filter_map(|item| item.sensitive()) {
            classes.entry(class).or_insert(());
        }
        Ok(classes.keys().map(|&c| String::from(c)).collect())
    }

    /// The files of the sharded catalog held: the core first, then the
    /// shards in department order. Empty for a whole catalog.
    pub fn parts(&self) -> Result<Vec<String>, JsValue> {
        Ok(self.borrow()?.sharded.as_ref().map(|s| s.files()).unwrap_or_default())
    }

    /// The file of the shard holding the items of the department of
    /// `categoryPath` (`"Women > Knitwear"`), for a page of that category to
    /// fetch and `addPart`; `null` when no shard holds it or the personalizer
    /// was not opened on a manifest.
    #[wasm_bindgen(js_name = shardFor, unchecked_return_type = "string | null")]
    pub fn shard_for(
        &self,
        #[wasm_bindgen(js_name = categoryPath, unchecked_param_type = "string")] path: JsValue,
    ) -> Result<JsValue, JsValue> {
        let path =
            path.as_string().ok_or_else(|| bad_argument("categoryPath", "expected a string"))?;
        let state = self.borrow()?;
        let file = state.sharded.as_ref().and_then(|s| s.shard_for(&path));
        Ok(file.map_or(JsValue::NULL, JsValue::from_str))
    }

    /// Learns from one event (`{ type, itemId, at? }`; see the event types in
    /// the README). Returns `true` when the profile learned from it, `false`
    /// when learning is paused or the item is in a sensitive class the shopper
    /// has not opted into. An unknown item is a `UNKNOWN_ITEM` error.
    pub fn record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FlaneurEvent")] event: JsValue,
    ) -> Result<bool, JsValue> {
        let (kind, at) = read_event(&event)?;
        let event = Event { kind, at: at.unwrap_or_else(now) };
        Ok(commit(&self.state, Change::Event(event))? == Applied::Event(Recorded::Learned))
    }

    /// Recommends up to `k` items of the asked shelf: `{ items, withheld,
    /// intent, breadth }`. The items count as shown (impressions feed the
    /// local counters and divergence), unless learning is paused or they are
    /// the recently viewed list, which is not a recommendation.
    #[wasm_bindgen(unchecked_return_type = "Slate")]
    pub fn recommend(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecommendRequest | undefined")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request: Request =
            from_js_strict(request, "request", &[("context", field_names::<Context>())])?;
        let at = now();
        let slate = {
            let state = self.borrow()?;
            let mut slate = state.engine.recommend(&request, at)?;
            if let Some(sharded) = &state.sharded {
                slate.items.iter_mut().for_each(|item| sharded.name_items(&mut item.reason));
            }
            slate
        };
        commit(&self.state, Change::Shown { items: slate.impressions(), at })?;
        Ok(to_js(&slate)?)
    }

    /// Why one item would be recommended now: `{ itemId, relevance,
    /// recommendable, reason, text }`. An unknown item is `UNKNOWN_ITEM`.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = item_id.as_string().ok_or_else(|| bad_argument("itemId", "expected a string"))?;
        let state = self.borrow()?;
        let mut explanation = state.engine.explain(&id, now())?;
        if let Some(sharded) = &state.sharded {
            sharded.name_items(&mut explanation.reason);
            explanation.text = explanation.reason.describe();
        }
        Ok(to_js(&explanation)?)
    }

    /// The `k` items whose vectors are nearest `vector` by dot product, best
    /// first, as `{ ids, scores }` (`scores` a `Float32Array`): a visual or
    /// semantic search over the catalog's own vectors (for example an image
    /// embedding computed in the page). The profile is neither read nor
    /// changed. A vector of the wrong length, a non-finite value or `k`
    /// outside 1–1000 is `BAD_ARGUMENT`.
    ///
    /// ```js
    /// const { ids, scores } = p.nearest(new Float32Array(embedding), 24);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Nearest")]
    pub fn nearest(&self, vector: &[f32], k: u32) -> Result<JsValue, JsValue> {
        let state = self.borrow()?;
        let catalog = state.engine.catalog();
        let best = crate::rank::nearest::nearest(catalog, vector, k as usize)?;
        let ids = js_sys::Array::new_with_length(best.len() as u32);
        let scores: Vec<f32> = best.iter().map(|&(_, s)| s).collect();
        for (slot, &(index, _)) in best.iter().enumerate() {
            ids.set(slot as u32, JsValue::from_str(catalog.item(index).id()));
        }
        let out = js_sys::Object::new();
        js_sys::Reflect::set(&out, &JsValue::from_str("ids"), &ids)?;
        js_sys::Reflect::set(
            &out,
            &JsValue::from_str("scores"),
            &js_sys::Float32Array::from(scores.as_slice()),
        )?;
        Ok(out.into())
    }

    /// Local measurement: impressions and engagements per kind of slot
    /// (`personal`, `divergent`, `popular`, `default`). Never leaves the device.
    #[wasm_bindgen(unchecked_return_type = "Stats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(self.borrow()?.engine.profile().stats())?)
    }

    /// Hands the shop at most one anonymous, randomized report, and only if
    /// the shopper opted in (`preferences().reports`, off by default): one
    /// yes/no answer about how suggestions were received since the last
    /// report (`{ v, question, answer, epsilon, day }`, nothing else): the
    /// question's permanent answer (drawn once, the truth with probability
    /// 3/4), kept with probability e^ε / (1 + e^ε) and flipped otherwise.
    ///
    /// flaneur makes no network call: it calls `send(report)`, a function the
    /// page supplies, and resolves `true`; it resolves `false` without calling
    /// it when the shopper has not opted in, a report was already made today
    /// or on a later day (one a day, across reloads and tabs), this tab
    /// already made one (one per browser session, whatever the page's clock),
    /// the lifetime budget is spent, or the profile is kept in memory only.
    /// Whether it reports never depends on the profile. The spent budget is
    /// stored before `send` is called. `options.epsilon` is 0.5 or 1 (default
    /// 1); anything else is `BAD_ARGUMENT`. The coins come from
    /// `crypto.getRandomValues`, never from `options.seed` of `open`.
    ///
    /// ```js
    /// setTimeout(() => p.report((r) => fetch("/flaneur-reports", {
    ///   method: "POST", credentials: "omit", referrerPolicy: "no-referrer", keepalive: true,
    ///   headers: { "content-type": "application/json" }, body: JSON.stringify(r),
    /// })), 5000 + Math.random() * 55000);
    /// ```
    pub async fn report(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(report: FlaneurReport) => void")] send: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ReportOptions | undefined")] options: JsValue,
    ) -> Result<bool, JsValue> {
        let send: js_sys::Function =
            send.dyn_into().map_err(|_| bad_argument("send", "expected a function"))?;
        let epsilon = read_report_epsilon(&options)?;
        let seed = random_seed()?;
        if !super::session::claim(&self.shop_id) {
            return Ok(false);
        }
        let Some(report) = sync::report(&self.state, epsilon, seed).await else {
            super::session::release(&self.shop_id);
            return Ok(false);
        };
        super::session::made(&self.shop_id);
        send.call1(&JsValue::NULL, &to_js(&report)?)?;
        Ok(true)
    }

    /// Updates the shopper's preferences; fields left out keep their value.
    /// Stored even while paused (so the pause itself survives a reload).
    #[wasm_bindgen(js_name = setPreferences)]
    pub fn set_preferences(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Partial<Preferences>")] patch: JsValue,
    ) -> Result<(), JsValue> {
        if !patch.is_object() {
            return Err(bad_argument("preferences", "expected an object").into());
        }
        let patch: PreferencesPatch = from_js_strict(patch, "preferences", &[])?;
        commit(&self.state, Change::Preferences(patch))?;
        Ok(())
    }

    /// The current preferences.
    #[wasm_bindgen(unchecked_return_type = "Preferences")]
    pub fn preferences(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(self.borrow()?.engine.preferences())?)
    }

    /// What the profile holds, readable: tastes with provenance and expiry,
    /// counts of the rest, the preferences, the stored size in bytes, the
    /// unreadable records set aside, the session's intent and storage notices.
    #[wasm_bindgen(unchecked_return_type = "ProfileSummary")]
    pub fn profile(&self) -> Result<JsValue, JsValue> {
        let at = now();
        let state = self.borrow()?;
        let summary = ProfileSummary {
            view: state.engine.profile_view(at),
            preferences: state.engine.preferences().clone(),
            stored_bytes: state.engine.snapshot(at).to_bytes().len(),
            storage: state.store.name(),
            consent: state.consent.name(),
            quarantined: state.quarantined,
            intent: state.engine.intent(at),
            notices: state.notices.clone(),
        };
        Ok(to_js(&summary)?)
    }

    /// Forgets something and its influence: `{ facet, value }`, `{ category }`,
    /// `{ itemId }` or `{ all: true }`. Returns whether there was anything to
    /// forget. Stored even while paused.
    pub fn forget(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ForgetRequest")] what: JsValue,
    ) -> Result<bool, JsValue> {
        let what = read_forget(&what)?;
        Ok(commit(&self.state, Change::Forget { what, at: now() })? == Applied::Forgot(true))
    }

    /// The shopper's copy of their profile, as a JSON string: readable tastes,
    /// preferences, and the exact stored profile for `importProfile`.
    #[wasm_bindgen(js_name = exportProfile)]
    pub fn export_profile(&self) -> Result<String, JsValue> {
        let export = to_js(&self.borrow()?.engine.export(now()))?;
        let text = js_sys::JSON::stringify(&export)
            .map_err(|_| bad_argument("export", "could not be written as JSON"))?;
        Ok(String::from(text))
    }

    /// Replaces the profile with an exported one (a JSON string). Anything
    /// invalid is refused with a coded error and the current profile is kept.
    /// The opt-ins in force hold (reports, sensitive classes); returns what
    /// the import changed.
    #[wasm_bindgen(js_name = importProfile, unchecked_return_type = "ImportSummary")]
    pub fn import_profile(&self, json: JsValue) -> Result<JsValue, JsValue> {
        let json = json
            .as_string()
            .ok_or_else(|| bad_argument("importProfile", "expected the export's JSON text"))?;
        let value =
            js_sys::JSON::parse(&json).map_err(|_| bad_argument("importProfile", "not JSON"))?;
        let import: ProfileImport =
            serde_wasm_bindgen::from_value(value).map_err(|e| bad_argument("importProfile", e))?;
        match commit(&self.state, Change::Import(Box::new(import)))? {
            Applied::Imported(summary) => Ok(to_js(&summary)?),
            _ => {
                Err(Error::Internal { reason: "an import applied as something else".into() }.into())
            }
        }
    }

    /// Erases everything flaneur holds for this shop: the profile, the
    /// preferences and every byte it stored, in this tab and the shop's other
    /// tabs. Rejects with `STORAGE_UNAVAILABLE` if the browser refuses.
    pub async fn erase(&self) -> Result<(), JsValue> {
        let (home, shop) = {
            let mut state = self.borrow_mut()?;
            state.clear();
            state.notices.clear();
            (state.home.clone(), state.engine.catalog().shop().to_owned())
        };
        let erased = erase_everywhere(&home, &self.shop_id, &shop).await;
        super::session::forget(&self.shop_id);
        // Nothing is set aside any more, unless a store refused.
        let held = match erased {
            Ok(()) => 0,
            Err(_) => quarantined(&home, &self.shop_id, &shop).await,
        };
        self.borrow_mut()?.quarantined = held;
        erased.map_err(|failure| Error::StorageUnavailable { reason: failure.notice() })?;
        self.borrow()?.announce("erased");
        Ok(())
    }

    /// The shopper consented to keeping the profile on this device (with
    /// `open`'s `consent: "required"`): the store is opened, what it holds is
    /// merged with what this page learned, and the result is kept from now
    /// on. Does nothing if consent was not required or is already granted.
    #[wasm_bindgen(js_name = grantConsent)]
    pub async fn grant_consent(&self) -> Result<(), JsValue> {
        if self.borrow()?.consent != Consent::Required || self.granting.replace(true) {
            return Ok(());
        }
        let attached = attach(&self.state, &self.storage, &self.shop_id).await;
        self.granting.set(false);
        let listener = attached?;
        if let (Some(listener), Ok(mut slot)) = (listener, self.on_message.try_borrow_mut()) {
            *slot = Some(listener);
        }
        Ok(())
    }

    /// The shopper withdrew consent: everything is erased as by `erase()`
    /// (this tab, the other tabs, every store), and from now on the profile
    /// is kept in memory only, here and in the shop's other open tabs, until
    /// `grantConsent()`; the `flaneur` database itself goes if no shop keeps
    /// anything in it. Rejects with `STORAGE_UNAVAILABLE` if something could
    /// not be removed.
    #[wasm_bindgen(js_name = revokeConsent)]
    pub async fn revoke_consent(&self) -> Result<(), JsValue> {
        {
            let mut state = self.borrow_mut()?;
            state.consent = Consent::Required;
            state.store = Store::Memory;
        }
        let erased = self.erase().await;
        let mut home = Store::Memory;
        if let Ok(mut state) = self.borrow_mut() {
            state.announce("revoked");
            if let Some(channel) = state.channel.take() {
                channel.close();
            }
            home = std::mem::replace(&mut state.home, Store::Memory);
        }
        if erased.is_ok() {
            let shop = self.borrow()?.engine.catalog().shop().to_owned();
            drop_empty_database(home, &self.shop_id, &shop).await;
        }
        if let Ok(mut slot) = self.on_message.try_borrow_mut() {
            slot.take();
        }
        erased
    }

    /// Resolves once everything recorded so far is stored (writes happen on
    /// their own within a few milliseconds; call this before navigating away
    /// if the last events matter).
    pub async fn flush(&self) -> Result<(), JsValue> {
        if let Some(promise) = sync::flushed(&self.state) {
            sync::wait(promise).await;
        }
        Ok(())
    }

    /// The shop this personalizer serves (the storage key).
    #[wasm_bindgen(getter, js_name = shopId)]
    pub fn shop_id(&self) -> String {
        self.shop_id.clone()
    }

    /// Number of items in the catalog.
    #[wasm_bindgen(getter, js_name = itemCount)]
    pub fn item_count(&self) -> Result<usize, JsValue> {
        Ok(self.borrow()?.engine.catalog().len())
    }
}

impl Drop for Personalizer {
    fn drop(&mut self) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            if let Some(channel) = state.channel.take() {
                channel.close();
            }
        }
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
    storage: &'static str,
    /// Whether the profile is kept: `"implied"` (no consent asked), `"required"`
    /// (asked, not given: memory only), `"granted"`.
    consent: &'static str,
    /// Unreadable records set aside (deleted after 30 days, and by `erase`).
    quarantined: u32,
    intent: IntentEstimate,
    notices: Vec<String>,
}

impl Personalizer {
    fn borrow(&self) -> Result<std::cell::Ref<'_, State>, Error> {
        self.state.try_borrow().map_err(|_| Error::Busy)
    }

    fn borrow_mut(&self) -> Result<std::cell::RefMut<'_, State>, Error> {
        self.state.try_borrow_mut().map_err(|_| Error::Busy)
    }
}

/// The clock, in ms since the epoch.
fn now() -> i64 {
    js_sys::Date::now() as i64
}
