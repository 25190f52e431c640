//! The browser boundary, in real browsers (wasm-bindgen-test in headless Chromium and Firefox).
#![cfg(target_arch = "wasm32")]

use flaneur::rank::kernel::{
    dot_i8_many_scalar, dot_i8_many_simd, dot_i8_rows_scalar, dot_i8_rows_simd, dot_i8_scalar,
    dot_i8_simd,
};
use flaneur::wasm::Personalizer;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;

const CATALOG: &str = r#"{"version":1,"shop":"web-test","dims":4,
  "facets":{"colour":{"divergence":true}},"items":[
  {"id":"tee","title":"Tee","category":"Men > Tops","attributes":{"colour":"white"},
   "vector":[0,0,1,0],"popularity":0.9},
  {"id":"s1","title":"Red sweater","category":"Women > Knitwear > Sweaters",
   "attributes":{"colour":"red"},"vector":[1,0.1,0,0]},
  {"id":"mug","title":"Mug","category":"Home > Kitchen","attributes":{"colour":"red"},
   "vector":[0,0,0,1],"popularity":1},
  {"id":"s2","title":"Navy sweater","category":"Women > Knitwear > Sweaters",
   "attributes":{"colour":"navy"},"vector":[0.9,0.2,0,0]},
  {"id":"c1","title":"Cardigan","category":"Women > Knitwear > Cardigans",
   "attributes":{"colour":"red"},"vector":[0.7,0.5,0,0]},
  {"id":"s3","title":"Cream sweater","category":"Women > Knitwear > Sweaters",
   "attributes":{"colour":"cream"},"vector":[1,0,0.1,0]}
]}"#;

fn js(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn code_of(err: JsValue) -> String {
    assert!(err.is_instance_of::<js_sys::Error>(), "errors reach JS as Error objects");
    assert_eq!(err.unchecked_ref::<js_sys::Error>().name(), "FlaneurError");
    get(&err, "code").as_string().unwrap()
}

async fn open() -> Personalizer {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &js(CATALOG)).unwrap();
    js_sys::Reflect::set(&options, &"seed".into(), &JsValue::from_f64(42.0)).unwrap();
    js_sys::Reflect::set(&options, &"storage".into(), &"memory".into()).unwrap();
    Personalizer::open(options.into()).await.unwrap()
}

fn slate_ids(p: &Personalizer, request: &str) -> Vec<String> {
    let slate = p.recommend(js(request)).unwrap();
    let items: js_sys::Array = get(&slate, "items").unchecked_into();
    items.iter().map(|i| get(&i, "itemId").as_string().unwrap()).collect()
}

#[wasm_bindgen_test]
async fn views_move_their_category_to_the_top() {
    let p = open().await;
    assert_eq!(p.item_count().unwrap(), 6);
    assert_eq!(p.shop_id(), "web-test");
    assert!(slate_ids(&p, r#"{"k":3}"#).is_empty(), "a fresh profile abstains");
    p.set_preferences(js(r#"{"diversity":0,"surprise":0}"#)).unwrap();
    for id in ["s1", "s2"] {
        // No `at`: the boundary stamps the event with the browser's clock.
        assert!(p.record(js(&format!(r#"{{"type":"view","itemId":"{id}"}}"#))).unwrap());
    }
    // No echo: the two sweaters just viewed come back only when asked for.
    assert_eq!(slate_ids(&p, r#"{"k":4}"#)[0], "s3");
    // Two views are thin evidence: the sibling leaf's cardigan comes before a third sweater.
    let ids = slate_ids(&p, r#"{"k":4,"includeSeen":true}"#);
    assert_eq!(ids, ["s1", "s2", "c1", "s3"]);
    assert!(!ids.contains(&"mug".to_owned()) && !ids.contains(&"tee".to_owned()), "{ids:?}");
    // What was viewed, newest first, labelled as such; an unknown shelf is the caller's fault.
    let recent = p.recommend(js(r#"{"k":4,"shelf":"recent"}"#)).unwrap();
    let items = js_sys::Array::from(&get(&recent, "items"));
    assert_eq!(items.length(), 2);
    assert_eq!(get(&items.get(0), "itemId").as_string().as_deref(), Some("s2"));
    assert_eq!(get(&items.get(0), "kind").as_string().as_deref(), Some("recent"));
    assert_eq!(code_of(p.recommend(js(r#"{"shelf":"later"}"#)).unwrap_err()), "BAD_ARGUMENT");
    let slate = p.recommend(js(r#"{"k":4,"includeSeen":true}"#)).unwrap();
    let first = js_sys::Array::from(&get(&slate, "items")).get(0);
    // Every slate counts as shown; engaging with a shown item counts as engagement.
    let stats = p.stats().unwrap();
    assert!(get(&get(&stats, "personal"), "impressions").as_f64().unwrap() >= 4.0);
    p.record(js(&format!(
        r#"{{"type":"click","itemId":"{}"}}"#,
        get(&first, "itemId").as_string().unwrap()
    )))
    .unwrap();
    assert_eq!(get(&get(&p.stats().unwrap(), "personal"), "engagements").as_f64(), Some(1.0));
    assert_eq!(get(&first, "kind").as_string().unwrap(), "personal");
    let signals = js_sys::Array::from(&get(&get(&first, "reason"), "signals"));
    assert!(signals.length() > 0);
    assert_eq!(get(&slate, "intent").as_string().unwrap(), "unknown");
}

#[wasm_bindgen_test]
async fn preferences_round_trip_and_intensity_zero_restores_the_shop_order() {
    let p = open().await;
    p.record(js(r#"{"type":"add_to_cart","itemId":"c1"}"#)).unwrap();
    p.set_preferences(js(r#"{"intensity":0}"#)).unwrap();
    assert_eq!(get(&p.preferences().unwrap(), "intensity").as_f64(), Some(0.0));
    assert_eq!(slate_ids(&p, r#"{"k":3}"#), ["tee", "s1", "mug"]);
    p.set_preferences(js(r#"{"paused":true,"intensity":1}"#)).unwrap();
    assert!(!p.record(js(r#"{"type":"view","itemId":"mug"}"#)).unwrap(), "paused: nothing learned");
}

#[wasm_bindgen_test]
async fn nearest_finds_the_items_closest_to_a_vector() {
    let p = open().await;
    let found = p.nearest(&[1.0, 0.0, 0.0, 0.0], 3).unwrap();
    let ids: Vec<String> = get(&found, "ids")
        .unchecked_into::<js_sys::Array>()
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    // Unit-length stored vectors: s1 (0.995), s3 (0.995, later), s2 (0.976).
    assert_eq!(ids, ["s1", "s3", "s2"]);
    let scores = get(&found, "scores").unchecked_into::<js_sys::Float32Array>().to_vec();
    assert_eq!(scores.len(), 3);
    assert!((scores[0] - 1.0 / 1.01f32.sqrt()).abs() < 0.01, "{scores:?}");
    assert!(scores[1] <= scores[0] && scores[2] <= scores[1]);
    assert_eq!(code_of(p.nearest(&[1.0, 0.0], 3).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.nearest(&[1.0, f32::NAN, 0.0, 0.0], 3).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.nearest(&[1.0, 0.0, 0.0, 0.0], 0).unwrap_err()), "BAD_ARGUMENT");
}

#[wasm_bindgen_test]
async fn item_vectors_may_be_typed_arrays() {
    // The same catalog with every vector as a Float32Array, or a Float64Array.
    let typed = |float64: bool| {
        let catalog = js(CATALOG);
        for item in get(&catalog, "items").unchecked_into::<js_sys::Array>().iter() {
            let plain = get(&item, "vector").unchecked_into::<js_sys::Array>();
            let vector: JsValue = if float64 {
                js_sys::Float64Array::new(&plain).into()
            } else {
                js_sys::Float32Array::new(&plain).into()
            };
            js_sys::Reflect::set(&item, &"vector".into(), &vector).unwrap();
        }
        catalog
    };
    let open_with = |catalog: &JsValue| {
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"catalog".into(), catalog).unwrap();
        js_sys::Reflect::set(&options, &"storage".into(), &"memory".into()).unwrap();
        Personalizer::open(options.into())
    };
    let plain = open().await;
    let query = [0.7, 0.5, 0.1, 0.0];
    let found = |p: &Personalizer| {
        let found = p.nearest(&query, 6).unwrap();
        let ids: Vec<String> = get(&found, "ids")
            .unchecked_into::<js_sys::Array>()
            .iter()
            .map(|v| v.as_string().unwrap())
            .collect();
        (ids, get(&found, "scores").unchecked_into::<js_sys::Float32Array>().to_vec())
    };
    for float64 in [false, true] {
        let catalog = typed(float64);
        let p = open_with(&catalog).await.unwrap();
        assert_eq!(found(&p), found(&plain), "float64: {float64}");
        // The page's own catalog keeps its vectors.
        let first = js_sys::Array::from(&get(&catalog, "items")).get(0);
        assert!(get(&first, "vector").is_instance_of::<js_sys::Float32Array>() != float64);
    }
    // Typed arrays are checked like plain ones: length and finite values.
    let short = typed(false);
    let first = js_sys::Array::from(&get(&short, "items")).get(0);
    js_sys::Reflect::set(&first, &"vector".into(), &js_sys::Float32Array::new_with_length(3))
        .unwrap();
    let err = open_with(&short).await.err().unwrap();
    assert_eq!(code_of(err.clone()), "CATALOG_INVALID");
    assert!(err.unchecked_ref::<js_sys::Error>().message().as_string().unwrap().contains("vector"));
    let nan = typed(true);
    let first = js_sys::Array::from(&get(&nan, "items")).get(0);
    js_sys::Reflect::set(
        &first,
        &"vector".into(),
        &js_sys::Float64Array::from(&[0.0, f64::NAN, 0.0, 1.0][..]),
    )
    .unwrap();
    assert_eq!(code_of(open_with(&nan).await.err().unwrap()), "CATALOG_INVALID");
}

#[wasm_bindgen_test]
async fn bad_arguments_become_coded_errors() {
    let p = open().await;
    assert_eq!(
        code_of(p.record(js(r#"{"type":"view","itemId":"nope"}"#)).unwrap_err()),
        "UNKNOWN_ITEM"
    );
    assert_eq!(
        code_of(p.record(js(r#"{"type":"teleport","itemId":"s1"}"#)).unwrap_err()),
        "BAD_ARGUMENT"
    );
    assert_eq!(code_of(p.record(JsValue::from_f64(3.0)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.recommend(js(r#"{"k":0}"#)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.recommend(js(r#"{"k":3,"colour":"red"}"#)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(
        code_of(p.recommend(js(r#"{"k":3,"context":{"item":"s1"}}"#)).unwrap_err()),
        "BAD_ARGUMENT"
    );
    assert_eq!(code_of(p.set_preferences(js(r#"{"intensity":2}"#)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.set_preferences(js(r#"{"intensty":0.5}"#)).unwrap_err()), "BAD_ARGUMENT");
    // The message is written for people: it names the argument, with no prefix to strip.
    let err = p.recommend(js(r#"{"k":0}"#)).unwrap_err();
    let message = err.unchecked_ref::<js_sys::Error>().message().as_string().unwrap();
    assert!(message.starts_with("k must be between 1 and 1000"), "{message}");
    let err = p.set_preferences(js(r#"{"intensty":0.5}"#)).unwrap_err();
    let message = err.unchecked_ref::<js_sys::Error>().message().as_string().unwrap();
    assert!(message.starts_with("preferences: unknown field `intensty`"), "{message}");
    // The personalizer still works after every refusal.
    assert!(p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap());

    let open_with = |catalog: JsValue| {
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"catalog".into(), &catalog).unwrap();
        Personalizer::open(options.into())
    };
    let dup = concat!(
        r#"{"version":1,"shop":"s","items":[{"id":"a","title":"A","category":"C"},"#,
        r#"{"id":"a","title":"B","category":"C"}]}"#,
    );
    let err = open_with(js(dup)).await.err().unwrap();
    assert!(
        err.unchecked_ref::<js_sys::Error>().message().as_string().unwrap().contains("item \"a\"")
    );
    assert_eq!(code_of(err), "CATALOG_INVALID");
    assert_eq!(
        code_of(open_with(JsValue::from_str("{not json")).await.err().unwrap()),
        "CATALOG_INVALID"
    );
    assert_eq!(
        code_of(open_with(js(r#"{"version":9,"shop":"s","items":[]}"#)).await.err().unwrap()),
        "CATALOG_VERSION"
    );
    assert_eq!(code_of(Personalizer::open(JsValue::NULL).await.err().unwrap()), "BAD_ARGUMENT");
    // Items are converted one at a time: a malformed one is named by its position.
    let message_of =
        |err: JsValue| err.unchecked_ref::<js_sys::Error>().message().as_string().unwrap();
    let bad_item = concat!(
        r#"{"version":1,"shop":"s","items":[{"id":"a","title":"A","category":"C"},"#,
        r#"{"id":"b","title":5,"category":"C"}]}"#,
    );
    let err = open_with(js(bad_item)).await.err().unwrap();
    assert!(message_of(err.clone()).contains("items[1]"), "{}", message_of(err.clone()));
    assert_eq!(code_of(err), "CATALOG_INVALID");
    let err = open_with(js(r#"{"version":1,"shop":"s","items":{"a":1}}"#)).await.err().unwrap();
    assert!(message_of(err.clone()).contains("items"), "{}", message_of(err.clone()));
    assert_eq!(code_of(err), "CATALOG_INVALID");
    let no_id = r#"{"version":1,"shop":"s","items":[{"id":"","title":"A","category":"C"}]}"#;
    assert!(message_of(open_with(js(no_id)).await.err().unwrap()).contains("items[0].id"));
    // A sparse array claiming 100 million items: refused, and the memory reserved for it stays
    // bounded.
    let memory_bytes = || {
        let buffer = get(&wasm_bindgen::memory(), "buffer");
        get(&buffer, "byteLength").as_f64().unwrap()
    };
    let before = memory_bytes();
    let sparse = js(r#"{"version":1,"shop":"s","dims":64,"facets":{"a":{},"b":{}},"items":[]}"#);
    js_sys::Reflect::set(&get(&sparse, "items"), &"length".into(), &JsValue::from_f64(1e8))
        .unwrap();
    let err = open_with(sparse).await.err().unwrap();
    assert!(message_of(err.clone()).contains("items[0]"), "{}", message_of(err.clone()));
    let grown = memory_bytes() - before;
    assert!(grown < 200e6, "a sparse items array grew the memory by {grown} bytes");
}

#[wasm_bindgen_test]
async fn a_browser_without_random_numbers_is_its_own_error_not_a_bad_argument() {
    let crypto: js_sys::Object = get(&js_sys::global(), "crypto").unchecked_into();
    let refuse = js_sys::Function::new_no_args("throw new Error('no random numbers here')");
    js_sys::Reflect::set(&crypto, &"getRandomValues".into(), &refuse).unwrap();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &js(CATALOG)).unwrap();
    js_sys::Reflect::set(&options, &"storage".into(), &"memory".into()).unwrap();
    // No seed: open asks crypto.getRandomValues for one.
    let refused = Personalizer::open(options.clone().into()).await;
    js_sys::Reflect::delete_property(&crypto, &"getRandomValues".into()).unwrap();
    assert_eq!(code_of(refused.err().unwrap()), "RANDOM_UNAVAILABLE");
    assert!(
        Personalizer::open(options.into()).await.is_ok(),
        "with random numbers back, open works"
    );
}

#[wasm_bindgen_test]
async fn a_binary_catalog_opens_like_its_json_form() {
    let catalog =
        flaneur::catalog::Catalog::from_json(serde_wasm_bindgen::from_value(js(CATALOG)).unwrap())
            .unwrap();
    let bytes = js_sys::Uint8Array::from(&catalog.to_binary()[..]);
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &bytes.buffer()).unwrap();
    let p = Personalizer::open(options.into()).await.unwrap();
    assert_eq!(p.item_count().unwrap(), 6);
    p.set_preferences(js(r#"{"diversity":0,"surprise":0}"#)).unwrap();
    for id in ["s1", "s2"] {
        p.record(js(&format!(r#"{{"type":"view","itemId":"{id}"}}"#))).unwrap();
    }
    assert_eq!(slate_ids(&p, r#"{"k":4,"includeSeen":true}"#), ["s1", "s2", "c1", "s3"]);

    // A corrupted byte is caught by the checksum: a coded error, not a crash.
    let mut broken = catalog.to_binary();
    let last = broken.len() - 1;
    broken[last] ^= 0x40;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &js_sys::Uint8Array::from(&broken[..]))
        .unwrap();
    assert_eq!(code_of(Personalizer::open(options.into()).await.err().unwrap()), "CATALOG_INVALID");
}

#[wasm_bindgen_test]
async fn the_shopper_reads_forgets_exports_imports_and_erases() {
    let p = open().await;
    for id in ["s1", "s2", "s1"] {
        p.record(js(&format!(r#"{{"type":"view","itemId":"{id}"}}"#))).unwrap();
    }
    let summary = p.profile().unwrap();
    let tastes = js_sys::Array::from(&get(&summary, "tastes"));
    assert!(tastes.length() >= 3);
    let labels: Vec<String> =
        tastes.iter().map(|t| get(&t, "label").as_string().unwrap()).collect();
    assert!(labels.contains(&"Women > Knitwear > Sweaters".to_owned()));
    assert!(get(&summary, "storedBytes").as_f64().unwrap() > 20.0);
    assert!(get(&tastes.get(0), "expiresAt").as_f64().unwrap() > js_sys::Date::now());

    assert!(p.forget(js(r#"{"facet":"colour","value":"red"}"#)).unwrap());
    let after = js_sys::Array::from(&get(&p.profile().unwrap(), "tastes"));
    assert!(after.iter().all(|t| get(&t, "value").as_string().as_deref() != Some("red")));
    assert_eq!(code_of(p.forget(js(r#"{"facet":"colour"}"#)).unwrap_err()), "BAD_ARGUMENT");

    let export = p.export_profile().unwrap();
    assert!(export.contains("\"format\":\"flaneur-profile\""));
    let twin = open().await;
    twin.import_profile(JsValue::from_str(&export)).unwrap();
    assert_eq!(
        get(&twin.profile().unwrap(), "storedBytes").as_f64(),
        get(&p.profile().unwrap(), "storedBytes").as_f64()
    );
    let before = get(&twin.profile().unwrap(), "storedBytes").as_f64();
    assert_eq!(
        code_of(
            twin.import_profile(JsValue::from_str("{\"format\":\"flaneur-profile\"}")).unwrap_err()
        ),
        "BAD_ARGUMENT"
    );
    assert_eq!(
        code_of(
            twin.import_profile(JsValue::from_str(
                &export.replace("\"data\":\"", "\"data\":\"AAAA")
            ))
            .unwrap_err()
        ),
        "PROFILE_CORRUPT"
    );
    assert_eq!(
        get(&twin.profile().unwrap(), "storedBytes").as_f64(),
        before,
        "a refused import keeps the profile"
    );

    p.erase().await.unwrap();
    assert_eq!(js_sys::Array::from(&get(&p.profile().unwrap(), "tastes")).length(), 0);
}

async fn open_in(storage: &str, shop_id: &str) -> Personalizer {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &js(CATALOG)).unwrap();
    if !storage.is_empty() {
        js_sys::Reflect::set(&options, &"storage".into(), &storage.into()).unwrap();
    }
    js_sys::Reflect::set(&options, &"shopId".into(), &shop_id.into()).unwrap();
    Personalizer::open(options.into()).await.unwrap()
}

async fn open_stored(shop_id: &str) -> Personalizer {
    open_in("local", shop_id).await
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn tastes(p: &Personalizer) -> usize {
    js_sys::Array::from(&get(&p.profile().unwrap(), "tastes")).length() as usize
}

/// How many events the profile learned about a category (its taste's count).
fn count_of(p: &Personalizer, label: &str) -> f64 {
    let tastes = js_sys::Array::from(&get(&p.profile().unwrap(), "tastes"));
    tastes
        .iter()
        .find(|t| get(t, "label").as_string().as_deref() == Some(label))
        .map_or(0.0, |t| get(&t, "count").as_f64().unwrap())
}

fn notices(p: &Personalizer) -> Vec<String> {
    js_sys::Array::from(&get(&p.profile().unwrap(), "notices"))
        .iter()
        .map(|n| n.as_string().unwrap())
        .collect()
}

#[wasm_bindgen(inline_js = r#"
function request(r) {
  return new Promise((ok, no) => {
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
  });
}
async function db() {
  const d = await new Promise((ok, no) => { const r = indexedDB.open("flaneur", 1);
    r.onupgradeneeded = () => {
      for (const s of ["profiles", "quarantine"])
        if (!r.result.objectStoreNames.contains(s)) r.result.createObjectStore(s);
    };
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  return d;
}
export async function idb_get(store, key) {
  const d = await db();
  try { return await request(d.transaction(store).objectStore(store).get(key)); }
  finally { d.close(); }
}
export async function idb_put(store, key, value) {
  const d = await db(); const tx = d.transaction(store, "readwrite");
  tx.objectStore(store).put(value, key);
  await new Promise((ok, no) => { tx.oncomplete = ok; tx.onabort = () => no(tx.error); });
  d.close();
}
export async function idb_keys(store) {
  const d = await db();
  try { return await request(d.transaction(store).objectStore(store).getAllKeys()); }
  finally { d.close(); }
}
export function sleep(ms) { return new Promise((ok) => setTimeout(ok, ms)); }
"#)]
extern "C" {
    async fn idb_get(store: &str, key: &str) -> JsValue;
    async fn idb_put(store: &str, key: &str, value: JsValue);
    async fn idb_keys(store: &str) -> JsValue;
    async fn sleep(ms: u32);
}

fn has_key(keys: &JsValue, key: &str) -> bool {
    js_sys::Array::from(keys).iter().any(|k| k.as_string().as_deref() == Some(key))
}

#[wasm_bindgen_test]
async fn a_local_profile_survives_reopening_and_erase_leaves_nothing() {
    let shop = "web-test-persist";
    let p = open_stored(shop).await;
    p.erase().await.unwrap();
    p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap();
    p.set_preferences(js(r#"{"surprise":0.35}"#)).unwrap();
    let key = format!("flaneur:profile:{shop}");
    p.flush().await.unwrap();
    assert!(local_storage().get_item(&key).unwrap().is_some());

    let reopened = open_stored(shop).await;
    assert_eq!(tastes(&reopened), tastes(&p));
    assert!(tastes(&reopened) > 0);
    assert_eq!(
        get(&reopened.preferences().unwrap(), "surprise").as_f64().map(|v| (v * 100.0).round()),
        Some(35.0)
    );

    p.erase().await.unwrap();
    assert!(local_storage().get_item(&key).unwrap().is_none());
    assert_eq!(tastes(&open_stored(shop).await), 0);
}

#[wasm_bindgen_test]
async fn a_corrupt_stored_profile_is_set_aside_and_a_fresh_one_starts() {
    let shop = "web-test-corrupt";
    let storage = local_storage();
    let stored = "{\"format\":\"flaneur-profile\",\"version\":2,\"shop\":\"web-test\",\
                  \"data\":\"AAAA\"}";
    storage.set_item(&format!("flaneur:profile:{shop}"), stored).unwrap();
    let p = open_stored(shop).await;
    assert_eq!(tastes(&p), 0);
    let notices = notices(&p);
    assert_eq!(notices.len(), 1);
    assert!(notices[0].starts_with("PROFILE_CORRUPT"), "{notices:?}");
    assert!(
        storage.get_item(&format!("flaneur:quarantine:{shop}")).unwrap().is_some(),
        "the unreadable record is kept aside"
    );
    // The page keeps working, and learning starts again.
    assert!(p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap());
    p.flush().await.unwrap();
    assert_eq!(tastes(&open_stored(shop).await), tastes(&p));
    p.erase().await.unwrap();
    assert!(storage.get_item(&format!("flaneur:quarantine:{shop}")).unwrap().is_none());
}

#[wasm_bindgen_test]
async fn indexeddb_is_the_default_store_and_erase_empties_it() {
    let shop = "web-test-idb";
    let p = open_in("", shop).await;
    p.erase().await.unwrap();
    assert_eq!(get(&p.profile().unwrap(), "storage").as_string().as_deref(), Some("indexeddb"));
    for id in ["s1", "s2", "c1"] {
        p.record(js(&format!(r#"{{"type":"view","itemId":"{id}"}}"#))).unwrap();
    }
    p.flush().await.unwrap();
    let stored = idb_get("profiles", shop).await;
    assert!(stored.is_instance_of::<js_sys::Uint8Array>(), "the record is stored as bytes");
    let bytes = js_sys::Uint8Array::from(stored).to_vec();
    assert_eq!(&bytes[..4], b"FLRC");
    assert_eq!(get(&p.profile().unwrap(), "storedBytes").as_f64(), Some(bytes.len() as f64));

    let reopened = open_in("indexeddb", shop).await;
    assert_eq!(count_of(&reopened, "Women > Knitwear"), 3.0);
    assert!(
        local_storage().get_item(&format!("flaneur:profile:{shop}")).unwrap().is_none(),
        "nothing in localStorage"
    );

    reopened.erase().await.unwrap();
    assert!(idb_get("profiles", shop).await.is_undefined());
    assert!(!has_key(&idb_keys("quarantine").await, shop));
    assert_eq!(tastes(&reopened), 0);
}

#[wasm_bindgen_test]
async fn two_tabs_merge_their_events_and_stay_in_sync() {
    let shop = "web-test-tabs";
    let (a, b) = (open_in("indexeddb", shop).await, open_in("indexeddb", shop).await);
    a.erase().await.unwrap();
    sleep(20).await;
    // Interleaved, in bursts, with writes overlapping.
    for round in 0..10 {
        for _ in 0..5 {
            a.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap();
            b.record(js(r#"{"type":"view","itemId":"c1"}"#)).unwrap();
        }
        if round % 3 == 0 {
            sleep(1).await;
        }
    }
    a.flush().await.unwrap();
    b.flush().await.unwrap();
    let fresh = open_in("indexeddb", shop).await;
    assert_eq!(count_of(&fresh, "Women > Knitwear"), 100.0, "50 + 50 events, none lost");
    assert_eq!(count_of(&fresh, "Women > Knitwear > Sweaters"), 50.0);
    assert_eq!(count_of(&fresh, "Women > Knitwear > Cardigans"), 50.0);
    // The tabs take in each other's writes (BroadcastChannel).
    let mut synced = false;
    for _ in 0..50 {
        if count_of(&a, "Women > Knitwear") == 100.0 && count_of(&b, "Women > Knitwear") == 100.0 {
            synced = true;
            break;
        }
        sleep(10).await;
    }
    assert!(
        synced,
        "a sees {}, b sees {}",
        count_of(&a, "Women > Knitwear"),
        count_of(&b, "Women > Knitwear")
    );
    // Erasing in one tab erases the other tab's copy too.
    a.erase().await.unwrap();
    for _ in 0..50 {
        if tastes(&b) == 0 {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(tastes(&b), 0, "the other tab forgot too");
    b.flush().await.unwrap();
    assert!(idb_get("profiles", shop).await.is_undefined(), "and wrote nothing back");
}

#[wasm_bindgen_test]
async fn paused_learning_writes_nothing() {
    let shop = "web-test-paused";
    let p = open_in("indexeddb", shop).await;
    p.erase().await.unwrap();
    p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap();
    p.set_preferences(js(r#"{"paused":true}"#)).unwrap();
    p.flush().await.unwrap();
    let before = js_sys::Uint8Array::from(idb_get("profiles", shop).await).to_vec();
    assert!(
        !p.record(js(r#"{"type":"view","itemId":"s2"}"#)).unwrap(),
        "nothing learned while paused"
    );
    p.recommend(js(r#"{"k":3}"#)).unwrap();
    p.flush().await.unwrap();
    let after = js_sys::Uint8Array::from(idb_get("profiles", shop).await).to_vec();
    assert_eq!(before, after, "not a byte written while paused");
    let reopened = open_in("indexeddb", shop).await;
    assert_eq!(
        get(&reopened.preferences().unwrap(), "paused").as_bool(),
        Some(true),
        "the pause itself is kept"
    );
    reopened.erase().await.unwrap();
}

#[wasm_bindgen_test]
async fn a_corrupt_indexeddb_record_is_quarantined_and_a_local_one_is_adopted() {
    let shop = "web-test-idb-corrupt";
    open_in("indexeddb", shop).await.erase().await.unwrap();
    idb_put("profiles", shop, js_sys::Uint8Array::from(&b"FLRC\x01garbage"[..]).into()).await;
    let p = open_in("indexeddb", shop).await;
    assert!(notices(&p).iter().any(|n| n.starts_with("PROFILE_CORRUPT")), "{:?}", notices(&p));
    assert!(has_key(&idb_keys("quarantine").await, shop), "the unreadable record is kept aside");
    assert!(idb_get("profiles", shop).await.is_undefined());
    p.erase().await.unwrap();

    // A profile kept in localStorage (the "local" store, or flaneur 0.1) moves into IndexedDB.
    let old = open_stored(shop).await;
    old.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap();
    old.flush().await.unwrap();
    let moved = open_in("indexeddb", shop).await;
    assert_eq!(count_of(&moved, "Women > Knitwear > Sweaters"), 1.0);
    assert!(
        local_storage().get_item(&format!("flaneur:profile:{shop}")).unwrap().is_none(),
        "moved, not copied"
    );
    assert!(idb_get("profiles", shop).await.is_instance_of::<js_sys::Uint8Array>());
    moved.erase().await.unwrap();
}

#[wasm_bindgen_test]
fn simd_and_scalar_kernels_agree_exactly() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 56) as u8 as i8
    };
    for len in [0usize, 1, 15, 16, 17, 64, 100, 1024] {
        let a: Vec<i8> = (0..len).map(|_| next()).collect();
        let b: Vec<i8> = (0..len).map(|_| next()).collect();
        assert_eq!(dot_i8_simd(&a, &b), dot_i8_scalar(&a, &b), "len {len}");
    }
    let extreme = vec![-128i8; 1024];
    assert_eq!(dot_i8_simd(&extreme, &extreme), 128 * 128 * 1024);
    for (d, m) in
        [(64usize, 1usize), (64, 4), (64, 6), (64, 9), (48, 8), (17, 3), (33, 5), (8, 2), (0, 2)]
    {
        let item: Vec<i8> = (0..d).map(|_| next()).collect();
        let rows: Vec<i8> = (0..d * m).map(|_| next()).collect();
        let (mut simd, mut scalar) = (vec![7; m], vec![9; m]);
        dot_i8_many_simd(&item, &rows, &mut simd);
        dot_i8_many_scalar(&item, &rows, &mut scalar);
        assert_eq!(simd, scalar, "d {d} m {m}");
        let (mut simd, mut scalar) = (vec![7; m + 1], vec![7; m + 1]);
        dot_i8_rows_simd(&item, &rows, &mut simd);
        dot_i8_rows_scalar(&item, &rows, &mut scalar);
        assert_eq!(simd, scalar, "rows: d {d} m {m}");
        if d > 0 {
            assert_eq!(simd[m], 7, "out beyond the rows is left alone");
        }
    }
    // Products at their extremes: rows of -128 against queries of -128, -127 and 127.
    for q in [-128i8, -127, 127] {
        let (query, rows) = (vec![q; 64], vec![-128i8; 64 * 5]);
        let (mut simd, mut scalar) = (vec![0; 5], vec![0; 5]);
        dot_i8_rows_simd(&query, &rows, &mut simd);
        dot_i8_rows_scalar(&query, &rows, &mut scalar);
        assert_eq!(simd, scalar, "query of {q}");
        assert_eq!(simd[4], -128 * q as i32 * 64, "query of {q}");
    }
}

/// The page folds search queries with the browser's Unicode tables exactly as
/// the native build does with Rust's (`tests/fixtures/query-folds.tsv`, which
/// tests/intent.rs checks natively): the `.wasm` carries no case tables.
#[wasm_bindgen_test]
fn queries_fold_in_the_page_as_the_shared_cases_say() {
    for (input, folded) in common::query_fold_cases() {
        let got = flaneur::wasm::fold_query(&js_sys::JsString::from(input));
        assert_eq!(got, folded, "{input:?}");
    }
}

#[wasm_bindgen(inline_js = r#"
export function collector() {
  const got = []; const send = (r) => { got.push(r); }; send.got = got; return send;
}
"#)]
extern "C" {
    fn collector() -> js_sys::Function;
}

/// Runs two futures at once (as two tabs would), both to the end.
async fn both<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    use std::task::Poll;
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if ra.is_some() && rb.is_some() { Poll::Ready(()) } else { Poll::Pending }
    })
    .await;
    (ra.unwrap(), rb.unwrap())
}

#[wasm_bindgen_test]
async fn a_report_needs_the_opt_in_and_spends_the_stored_daily_budget_once_across_tabs_and_reloads()
{
    let shop = "web-test-reports";
    let send = collector();
    let got: js_sys::Array = get(&send, "got").unchecked_into();
    let browse = |p: &Personalizer| {
        for id in ["s1", "s2", "c1"] {
            p.record(js(&format!(r#"{{"type":"view","itemId":"{id}"}}"#))).unwrap();
        }
        assert!(!slate_ids(p, r#"{"k":4}"#).is_empty());
    };
    let (a, b) = (open_in("indexeddb", shop).await, open_in("indexeddb", shop).await);
    a.erase().await.unwrap();
    sleep(20).await;
    // Not opted in: a full period, and nothing handed over.
    browse(&a);
    assert_eq!(get(&a.preferences().unwrap(), "reports"), JsValue::FALSE, "off by default");
    assert!(!a.report(send.clone().into(), JsValue::UNDEFINED).await.unwrap());
    assert_eq!(got.length(), 0);
    // Bad arguments are refused before anything happens.
    assert_eq!(
        code_of(a.report(js(r#""not a function""#), JsValue::UNDEFINED).await.unwrap_err()),
        "BAD_ARGUMENT"
    );
    for options in [
        r#"{"epsilon":1.5}"#,
        r#"{"epsilon":0}"#,
        r#"{"epsilon":"1"}"#,
        r#"{"epsilonn":1}"#,
        r#"{"epsilon":0.25}"#,
        r#"{"epsilon":0.7000001}"#,
    ] {
        assert_eq!(
            code_of(a.report(send.clone().into(), js(options)).await.unwrap_err()),
            "BAD_ARGUMENT",
            "{options}"
        );
    }
    // Opted in, in both tabs; each shows a slate, then both report at once.
    a.set_preferences(js(r#"{"reports":true}"#)).unwrap();
    a.flush().await.unwrap();
    for _ in 0..50 {
        if get(&b.preferences().unwrap(), "reports") == JsValue::TRUE {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(
        get(&b.preferences().unwrap(), "reports"),
        JsValue::TRUE,
        "the other tab took the opt-in in"
    );
    browse(&a);
    browse(&b);
    let (made_a, made_b) = both(
        a.report(send.clone().into(), JsValue::UNDEFINED),
        b.report(send.clone().into(), JsValue::UNDEFINED),
    )
    .await;
    assert_eq!(u8::from(made_a.unwrap()) + u8::from(made_b.unwrap()), 1, "one budget, one report");
    assert_eq!(got.length(), 1);
    let report = got.get(0);
    let keys: Vec<String> = js_sys::Object::keys(report.unchecked_ref::<js_sys::Object>())
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["v", "question", "answer", "epsilon", "day"],
        "the report carries nothing else"
    );
    assert_eq!(get(&report, "epsilon").as_f64(), Some(1.0));
    let today = js_sys::Date::new_0().to_iso_string().as_string().unwrap()[..10].to_owned();
    assert_eq!(get(&report, "day").as_string(), Some(today));
    // A reload (a new personalizer on the stored record) has no budget left today.
    let c = open_in("indexeddb", shop).await;
    assert_eq!(get(&c.preferences().unwrap(), "reports"), JsValue::TRUE);
    browse(&c);
    assert!(!c.report(send.clone().into(), JsValue::UNDEFINED).await.unwrap());
    // Memory storage cannot keep a budget beyond the page: no report at all.
    let m = open().await;
    m.set_preferences(js(r#"{"reports":true}"#)).unwrap();
    browse(&m);
    assert!(!m.report(send.clone().into(), JsValue::UNDEFINED).await.unwrap());
    assert_eq!(got.length(), 1);
    c.erase().await.unwrap();
}

#[wasm_bindgen(inline_js = r#"
const realNow = Date.now;
export function shift_clock(days) { Date.now = () => realNow() + days * 86400000; }
export function restore_clock() { Date.now = realNow; }
"#)]
extern "C" {
    fn shift_clock(days: f64);
    fn restore_clock();
}

/// Opted in on `storage` for `shop`, from a clean record.
async fn opted_in(storage: &str, shop: &str) -> Personalizer {
    let p = open_in(storage, shop).await;
    p.erase().await.unwrap();
    p.set_preferences(js(r#"{"reports":true}"#)).unwrap();
    p.flush().await.unwrap();
    p
}

#[wasm_bindgen_test]
async fn a_page_clock_moved_forward_buys_no_second_report_in_one_session() {
    let shop = "web-test-reports-clock";
    let send = collector();
    let got: js_sys::Array = get(&send, "got").unchecked_into();
    let a = opted_in("local", shop).await;
    assert!(a.report(send.clone().into(), JsValue::UNDEFINED).await.unwrap());
    // A page that moves its clock a day, then a month, ahead: no second report, neither from
    // this personalizer nor from a new one in the same tab (a reload).
    for days in [1.0, 30.0] {
        shift_clock(days);
        let moved = a.report(send.clone().into(), JsValue::UNDEFINED).await;
        let b = open_in("local", shop).await;
        let reopened = b.report(send.clone().into(), JsValue::UNDEFINED).await;
        restore_clock();
        assert!(!moved.unwrap(), "+{days} days, the same personalizer");
        assert!(!reopened.unwrap(), "+{days} days, a new personalizer in the same tab");
    }
    assert_eq!(got.length(), 1);
    // The tab's mark of its one report is a byte kept for the shop: erase removes it too.
    let session = web_sys::window().unwrap().session_storage().unwrap().unwrap();
    let mark = format!("flaneur:reported:{shop}");
    assert!(session.get_item(&mark).unwrap().is_some(), "the report marked the tab");
    a.erase().await.unwrap();
    assert_eq!(session.get_item(&mark).unwrap(), None, "erase leaves no mark");
}

#[wasm_bindgen_test]
async fn two_personalizers_on_local_storage_reporting_at_once_make_one_report() {
    let shop = "web-test-reports-local";
    let send = collector();
    let got: js_sys::Array = get(&send, "got").unchecked_into();
    let a = opted_in("local", shop).await;
    let b = open_in("local", shop).await;
    assert_eq!(get(&b.preferences().unwrap(), "reports"), JsValue::TRUE);
    let (made_a, made_b) = both(
        a.report(send.clone().into(), JsValue::UNDEFINED),
        b.report(send.clone().into(), JsValue::UNDEFINED),
    )
    .await;
    assert_eq!(u8::from(made_a.unwrap()) + u8::from(made_b.unwrap()), 1, "one budget, one report");
    assert_eq!(got.length(), 1);
    a.erase().await.unwrap();
}

#[wasm_bindgen(inline_js = r#"
export function nested(depth) {
  let v = "deep"; for (let i = 0; i < depth; i++) v = { v }; return v;
}
"#)]
extern "C" {
    fn nested(depth: u32) -> JsValue;
}

#[wasm_bindgen_test]
async fn hostile_catalogs_are_refused_in_the_page_without_growing_memory() {
    let open_with = |catalog: JsValue| {
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"catalog".into(), &catalog).unwrap();
        js_sys::Reflect::set(&options, &"storage".into(), &"memory".into()).unwrap();
        Personalizer::open(options.into())
    };
    let refusal = |err: JsValue| {
        let message = err.unchecked_ref::<js_sys::Error>().message().as_string().unwrap();
        (code_of(err), message)
    };
    let memory_bytes =
        || get(&get(&wasm_bindgen::memory(), "buffer"), "byteLength").as_f64().unwrap();
    let before = memory_bytes();
    // 10 million items declared in a binary catalog of under 1 KB.
    let ten_million =
        common::binary(10_000_000, "t-1t-2Wool socksLeather boots", &[3, 6, 16, 29], 0, 0, 0);
    assert!(ten_million.len() < 1024);
    let (code, message) = refusal(
        open_with(js_sys::Uint8Array::from(ten_million.as_slice()).into()).await.err().unwrap(),
    );
    assert_eq!(code, "CATALOG_INVALID");
    assert!(message.contains("10000000"), "{message}");
    // A string table pointing outside the buffer.
    let outside =
        common::binary(2, "t-1t-2Wool socksLeather boots", &[3, 6, 16, 4_000_000], 0, 0, 0);
    assert_eq!(
        refusal(
            open_with(js_sys::Uint8Array::from(outside.as_slice()).into()).await.err().unwrap()
        )
        .0,
        "CATALOG_INVALID"
    );
    // A 1 MB title, in the object form and in the text form.
    let huge = "x".repeat(1 << 20);
    let text = format!(
        r#"{{"version":1,"shop":"s","items":[{{"id":"a","title":"{huge}","category":"C"}}]}}"#
    );
    for catalog in [js(&text), JsValue::from_str(&text)] {
        let (code, message) = refusal(open_with(catalog).await.err().unwrap());
        assert_eq!(code, "CATALOG_INVALID");
        assert!(message.contains("title") && message.contains("at most 4096"), "{message}");
    }
    // A vector of the wrong length.
    let short = concat!(
        r#"{"version":1,"shop":"s","dims":4,"items":[{"id":"a","title":"A","category":"C","#,
        r#""vector":[1,2,3]}]}"#,
    );
    let (code, message) = refusal(open_with(js(short)).await.err().unwrap());
    assert_eq!(code, "CATALOG_INVALID");
    assert!(message.contains("3 values, dims is 4"), "{message}");
    // Objects nested 100,000 deep where a string is expected, and in a field flaneur does not know.
    for field in ["title", "extra"] {
        let item = js(r#"{"id":"a","title":"A","category":"C"}"#);
        js_sys::Reflect::set(&item, &field.into(), &nested(100_000)).unwrap();
        let catalog = js(r#"{"version":1,"shop":"s","items":[]}"#);
        js_sys::Reflect::set(&catalog, &"items".into(), &js_sys::Array::of1(&item)).unwrap();
        match open_with(catalog).await {
            Err(err) => assert_eq!(refusal(err).0, "CATALOG_INVALID", "{field}"),
            Ok(p) => assert_eq!(
                (field, p.item_count().unwrap()),
                ("extra", 1),
                "an unknown field is ignored, whatever its depth"
            ),
        }
    }
    let grown = memory_bytes() - before;
    assert!(grown < 16e6, "hostile catalogs grew the memory by {grown} bytes");
}

/// Every key flaneur may have stored for `shop`, in both stores, that is still there.
async fn leftovers(shop: &str) -> Vec<String> {
    let mut left = Vec::new();
    for store in ["profiles", "quarantine"] {
        if has_key(&idb_keys(store).await, shop) {
            left.push(format!("indexeddb {store}"));
        }
    }
    for kind in ["profile", "quarantine"] {
        let key = format!("flaneur:{kind}:{shop}");
        if local_storage().get_item(&key).unwrap().is_some() {
            left.push(key);
        }
    }
    left
}

/// Puts something in every place flaneur stores a shop's bytes.
async fn fill_every_store(shop: &str, profile: &[u8]) {
    idb_put("profiles", shop, js_sys::Uint8Array::from(profile).into()).await;
    idb_put("quarantine", shop, js_sys::Uint8Array::from(&b"junk"[..]).into()).await;
    local_storage().set_item(&format!("flaneur:profile:{shop}"), "RkxSQwk=").unwrap();
    local_storage().set_item(&format!("flaneur:quarantine:{shop}"), "junk").unwrap();
}

#[wasm_bindgen_test]
async fn erase_removes_every_byte_in_every_store_whichever_store_the_page_uses() {
    // A record of a newer flaneur (the page works in memory), a page that
    // fell back to localStorage, and a page in memory: erase clears both stores.
    let newer = b"FLRC\x09newer format";
    for (storage, shop) in [
        ("indexeddb", "web-test-erase-newer"),
        ("local", "web-test-erase-local"),
        ("memory", "web-test-erase-memory"),
    ] {
        fill_every_store(shop, newer).await;
        let p = open_in(storage, shop).await;
        p.erase().await.unwrap();
        assert_eq!(leftovers(shop).await, Vec::<String>::new(), "{storage}");
    }
}

#[wasm_bindgen_test]
async fn a_write_queued_by_another_tab_just_after_an_erase_brings_nothing_back() {
    let shop = "web-test-erase-race";
    let a = open_in("indexeddb", shop).await;
    a.erase().await.unwrap();
    a.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap();
    a.flush().await.unwrap();
    let b = open_in("indexeddb", shop).await;
    assert_eq!(count_of(&b, "Women > Knitwear"), 1.0);
    // Tab b records before the erase; its write is queued behind it.
    b.record(js(r#"{"type":"view","itemId":"c1"}"#)).unwrap();
    b.record(js(r#"{"type":"view","itemId":"s2"}"#)).unwrap();
    let (erased, ()) = both(a.erase(), async {}).await;
    erased.unwrap();
    b.flush().await.unwrap();
    sleep(20).await;
    let fresh = open_in("indexeddb", shop).await;
    assert_eq!(tastes(&fresh), 0, "nothing recorded before the erase came back");
    fresh.erase().await.unwrap();
}

#[wasm_bindgen(inline_js = r#"
export async function idb_set(store, key, value) {
  const d = await new Promise((ok, no) => { const r = indexedDB.open("flaneur", 1);
    r.onupgradeneeded = () => {
      for (const s of ["profiles", "quarantine"])
        if (!r.result.objectStoreNames.contains(s)) r.result.createObjectStore(s);
    };
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const tx = d.transaction(store, "readwrite");
  const s = tx.objectStore(store);
  if (value === undefined) s.delete(key); else s.put(value, key);
  await new Promise((ok, no) => { tx.oncomplete = ok; tx.onabort = () => no(tx.error); });
  d.close();
}
export async function idb_has(store, key) {
  const d = await new Promise((ok, no) => { const r = indexedDB.open("flaneur");
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const r = d.transaction(store).objectStore(store).count(key);
  const n = await new Promise((ok, no) => {
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  d.close();
  return n > 0;
}
"#)]
extern "C" {
    async fn idb_set(store: &str, key: JsValue, value: JsValue);
    async fn idb_has(store: &str, key: JsValue) -> JsValue;
}

/// The IndexedDB key of the time a shop's record was quarantined.
fn quarantined_at_key(shop: &str) -> JsValue {
    js_sys::Array::of2(&shop.into(), &"at".into()).into()
}

fn quarantined(p: &Personalizer) -> Option<f64> {
    get(&p.profile().unwrap(), "quarantined").as_f64()
}

#[wasm_bindgen_test]
async fn quarantined_records_are_counted_expire_after_30_days_and_erase_removes_them() {
    let shop = "web-test-quarantine-expiry";
    open_in("indexeddb", shop).await.erase().await.unwrap();
    let day = 86_400_000.0;
    let now = js_sys::Date::now();
    // Set aside 31 days ago in IndexedDB, 29 days ago in localStorage.
    idb_set("quarantine", shop.into(), js_sys::Uint8Array::from(&b"old"[..]).into()).await;
    idb_set("quarantine", quarantined_at_key(shop), (now - 31.0 * day).into()).await;
    local_storage().set_item(&format!("flaneur:quarantine:{shop}"), "recent").unwrap();
    let at = format!("flaneur:quarantined-at:{shop}");
    local_storage().set_item(&at, &(now - 29.0 * day).to_string()).unwrap();
    let p = open_in("indexeddb", shop).await;
    assert_eq!(quarantined(&p), Some(1.0), "the recent one is still kept, and counted");
    assert!(!has_key(&idb_keys("quarantine").await, shop), "the old one expired");
    assert_eq!(idb_has("quarantine", quarantined_at_key(shop)).await.as_bool(), Some(false));
    assert_eq!(
        local_storage().get_item(&format!("flaneur:quarantine:{shop}")).unwrap().as_deref(),
        Some("recent")
    );
    p.erase().await.unwrap();
    assert_eq!(quarantined(&p), Some(0.0));
    assert_eq!(leftovers(shop).await, Vec::<String>::new());
    assert!(local_storage().get_item(&at).unwrap().is_none());

    // A record set aside now is counted at once, dated, and erased with its date.
    idb_put("profiles", shop, js_sys::Uint8Array::from(&b"FLRC\x03garbage"[..]).into()).await;
    let q = open_in("indexeddb", shop).await;
    assert_eq!(quarantined(&q), Some(1.0));
    assert_eq!(idb_has("quarantine", quarantined_at_key(shop)).await.as_bool(), Some(true));
    q.erase().await.unwrap();
    assert_eq!(idb_has("quarantine", quarantined_at_key(shop)).await.as_bool(), Some(false));
    assert_eq!(leftovers(shop).await, Vec::<String>::new());
}

async fn open_with_consent(shop_id: &str, consent: &str) -> Personalizer {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &js(CATALOG)).unwrap();
    js_sys::Reflect::set(&options, &"shopId".into(), &shop_id.into()).unwrap();
    js_sys::Reflect::set(&options, &"consent".into(), &consent.into()).unwrap();
    Personalizer::open(options.into()).await.unwrap()
}

fn profile_str(p: &Personalizer, key: &str) -> String {
    get(&p.profile().unwrap(), key).as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn with_consent_required_nothing_is_read_or_kept_until_granted_and_revoking_erases() {
    let shop = "web-test-consent";
    let before = open_in("indexeddb", shop).await;
    before.erase().await.unwrap();
    before.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap();
    before.flush().await.unwrap();
    let stored = js_sys::Uint8Array::from(idb_get("profiles", shop).await).to_vec();

    let p = open_with_consent(shop, "required").await;
    assert_eq!(profile_str(&p, "consent"), "required");
    assert_eq!(profile_str(&p, "storage"), "memory");
    assert_eq!(tastes(&p), 0, "the stored profile is not even read");
    p.record(js(r#"{"type":"view","itemId":"c1"}"#)).unwrap();
    p.recommend(js(r#"{"k":3}"#)).unwrap();
    p.set_preferences(js(r#"{"surprise":0.4}"#)).unwrap();
    p.flush().await.unwrap();
    sleep(20).await;
    let after = js_sys::Uint8Array::from(idb_get("profiles", shop).await).to_vec();
    assert_eq!(stored, after, "not a byte written before consent");

    // Granting: the stored profile and what this page learned, merged and kept
    // (a second grant while the first opens the store does nothing more).
    let (first, second) = both(p.grant_consent(), p.grant_consent()).await;
    first.unwrap();
    second.unwrap();
    assert_eq!(profile_str(&p, "consent"), "granted");
    assert_eq!(profile_str(&p, "storage"), "indexeddb");
    assert_eq!(count_of(&p, "Women > Knitwear"), 2.0);
    p.flush().await.unwrap();
    let reopened = open_in("indexeddb", shop).await;
    assert_eq!(profile_str(&reopened, "consent"), "implied");
    assert_eq!(count_of(&reopened, "Women > Knitwear"), 2.0);
    assert_eq!(
        get(&reopened.preferences().unwrap(), "surprise").as_f64().map(|v| (v * 100.0).round()),
        Some(40.0)
    );
    drop(reopened);

    // Revoking erases everything and goes back to memory.
    p.revoke_consent().await.unwrap();
    assert_eq!(profile_str(&p, "consent"), "required");
    assert_eq!(profile_str(&p, "storage"), "memory");
    assert_eq!(tastes(&p), 0);
    p.record(js(r#"{"type":"view","itemId":"s2"}"#)).unwrap();
    p.flush().await.unwrap();
    assert_eq!(leftovers(shop).await, Vec::<String>::new());
    // Granted again: what was learned since is kept.
    p.grant_consent().await.unwrap();
    assert_eq!(profile_str(&p, "storage"), "indexeddb");
    p.flush().await.unwrap();
    assert_eq!(count_of(&open_in("indexeddb", shop).await, "Women > Knitwear"), 1.0);
    p.erase().await.unwrap();

    let err = Personalizer::open({
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"catalog".into(), &js(CATALOG)).unwrap();
        js_sys::Reflect::set(&options, &"consent".into(), &"yes".into()).unwrap();
        options.into()
    })
    .await
    .err()
    .unwrap();
    assert_eq!(code_of(err), "BAD_ARGUMENT");
}

#[wasm_bindgen_test]
async fn revoking_consent_in_one_tab_stops_the_other_tabs_keeping_anything() {
    let shop = "web-test-consent-tabs";
    let a = open_with_consent(shop, "required").await;
    a.grant_consent().await.unwrap();
    let b = open_in("indexeddb", shop).await;
    a.revoke_consent().await.unwrap();
    for _ in 0..50 {
        if profile_str(&b, "consent") == "required" {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(profile_str(&b, "consent"), "required");
    assert_eq!(profile_str(&b, "storage"), "memory");
    b.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap();
    b.flush().await.unwrap();
    assert_eq!(leftovers(shop).await, Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn a_catalog_objects_repurchase_priors_reach_the_buy_again_shelf() {
    // The JSON object path (one item at a time into the builder) keeps the priors.
    let catalog = CATALOG.replacen(
        r#""shop":"web-test","#,
        r#""shop":"web-test","repurchase":{"categories":{"Home":{"share":1,"interval_days":14}}},"#,
        1,
    );
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &js(&catalog)).unwrap();
    js_sys::Reflect::set(&options, &"storage".into(), &"memory".into()).unwrap();
    let p = Personalizer::open(options.into()).await.unwrap();
    let day = 86_400_000.0;
    let now = js_sys::Date::now();
    for (id, at) in [("mug", now - 20.0 * day), ("tee", now - 10.0 * day)] {
        p.record(js(&format!(r#"{{"type":"purchase","itemId":"{id}","at":{at}}}"#))).unwrap();
    }
    let slate = p.recommend(js(r#"{"k":5,"shelf":"buy_again"}"#)).unwrap();
    let items = js_sys::Array::from(&get(&slate, "items"));
    assert_eq!(items.length(), 2);
    let first = items.get(0);
    assert_eq!(get(&first, "itemId").as_string().as_deref(), Some("mug"));
    assert_eq!(get(&first, "kind").as_string().as_deref(), Some("buy_again"));
    let signal = js_sys::Array::from(&get(&get(&first, "reason"), "signals")).get(0);
    assert_eq!(get(&signal, "kind").as_string().as_deref(), Some("repurchase"));
    let words = get(&signal, "label").as_string().unwrap();
    assert_eq!(words, "You bought this 20 days ago; it is often bought again about every 14 days");
    let bought = js_sys::Array::from(&get(&p.profile().unwrap(), "bought"));
    assert_eq!(bought.length(), 2);
    // A malformed prior is the catalog's fault, with its code.
    let bad = CATALOG.replacen(
        r#""shop":"web-test","#,
        r#""shop":"web-test","repurchase":{"categories":{"Home":{"share":2,"interval_days":14}}},"#,
        1,
    );
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &js(&bad)).unwrap();
    js_sys::Reflect::set(&options, &"storage".into(), &"memory".into()).unwrap();
    let err = Personalizer::open(options.into()).await.err().unwrap();
    assert_eq!(code_of(err), "CATALOG_INVALID");
}

#[wasm_bindgen_test]
async fn a_catalog_objects_divergence_priors_and_report_departments_are_read_and_checked() {
    // The JSON object path reads the crowd's priors and report departments: good ones open, and
    // a prior for an axis the catalog does not diverge along, or a malformed department, is the
    // catalog's fault, with its code and the field.
    let open = |priors: &str| {
        let catalog = CATALOG.replacen(
            r#""shop":"web-test","#,
            &format!(r#""shop":"web-test","divergence_priors":{priors},"#),
            1,
        );
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"catalog".into(), &js(&catalog)).unwrap();
        js_sys::Reflect::set(&options, &"storage".into(), &"memory".into()).unwrap();
        Personalizer::open(options.into())
    };
    assert!(open(r#"{"category":{"accepted":2,"rejected":6}}"#).await.is_ok());
    let err = open(r#"{"shoesize":{"accepted":2,"rejected":6}}"#).await.err().unwrap();
    let message = js_sys::Reflect::get(&err, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("divergence_priors") && message.contains("shoesize"), "{message}");
    assert_eq!(code_of(err), "CATALOG_INVALID");
    // The report departments too: a group's prior needs its department listed.
    let grouped =
        r#"{"category@Women":{"accepted":2,"rejected":6}},"report_departments":["Women"]"#;
    assert!(open(grouped).await.is_ok());
    let err = open(r#"{"category@Women":{"accepted":2,"rejected":6}}"#).await.err().unwrap();
    assert_eq!(code_of(err), "CATALOG_INVALID");
    let err = open(r#"{},"report_departments":["Women > Tops"]"#).await.err().unwrap();
    let message = js_sys::Reflect::get(&err, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("report_departments"), "{message}");
    assert_eq!(code_of(err), "CATALOG_INVALID");
}

/// The sequence model in the browser equals it natively: the case of
/// `tests/common` (a model and 30 steps, across two half-drops of the window)
/// gives the golden outputs `tests/sequence_golden.rs` holds the native build to.
#[wasm_bindgen_test]
fn the_sequence_encoder_equals_the_native_one() {
    let (h, scores) = common::sequence_case_outputs();
    let (golden_h, golden_scores) = common::sequence_golden();
    assert_eq!((h.len(), scores.len()), (golden_h.len(), golden_scores.len()));
    for (a, b) in h.iter().zip(&golden_h).chain(scores.iter().zip(&golden_scores)) {
        assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{a} vs native {b}");
    }
}

// ---- A sharded catalog: the manifest, its core, and shards added as pages open ----
// tests/fixtures/sharded/ is `flaneur catalog build tests/fixtures/sharded.json -o
// tests/fixtures/sharded --shards 1 --core-items 3` (tests/catalog_parts_engine.rs checks
// it against today's compiler): a core of mug, tee and s1, and shards Home, Men, Women.

const MANIFEST: &str = include_str!("fixtures/sharded/manifest.json");
const CORE: (&str, &[u8]) =
    ("core-b9ce83982a51f3dc.bin", include_bytes!("fixtures/sharded/core-b9ce83982a51f3dc.bin"));
const HOME: (&str, &[u8]) =
    ("shard-ee98d438f0dd3e10.bin", include_bytes!("fixtures/sharded/shard-ee98d438f0dd3e10.bin"));
const WOMEN: (&str, &[u8]) =
    ("shard-08227e461f4583c5.bin", include_bytes!("fixtures/sharded/shard-08227e461f4583c5.bin"));

/// `{ manifest, parts }` with `parts` as given, each a `Uint8Array`.
fn sharded(manifest: JsValue, parts: &[(&str, &[u8])]) -> JsValue {
    let files = js_sys::Object::new();
    for (name, bytes) in parts {
        js_sys::Reflect::set(&files, &(*name).into(), &js_sys::Uint8Array::from(*bytes)).unwrap();
    }
    let catalog = js_sys::Object::new();
    js_sys::Reflect::set(&catalog, &"manifest".into(), &manifest).unwrap();
    js_sys::Reflect::set(&catalog, &"parts".into(), &files).unwrap();
    catalog.into()
}

async fn open_sharded(catalog: JsValue) -> Result<Personalizer, JsValue> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &catalog).unwrap();
    js_sys::Reflect::set(&options, &"seed".into(), &JsValue::from_f64(42.0)).unwrap();
    js_sys::Reflect::set(&options, &"storage".into(), &"memory".into()).unwrap();
    Personalizer::open(options.into()).await
}

fn add_part(p: &Personalizer, (name, bytes): (&str, &[u8])) -> Result<bool, JsValue> {
    p.add_part(name.into(), js_sys::Uint8Array::from(bytes).into())
}

fn parts(p: &Personalizer) -> Vec<String> {
    p.parts().unwrap()
}

#[wasm_bindgen_test]
async fn a_sharded_catalog_opens_on_its_core_and_a_shard_added_later_is_recommended() {
    let p = open_sharded(sharded(js(MANIFEST), &[CORE])).await.unwrap();
    assert_eq!(p.shop_id(), "web-sharded");
    assert_eq!(p.item_count().unwrap(), 3);
    assert_eq!(parts(&p), [CORE.0]);
    // The shard of the page's department, whatever the depth of its category.
    let shard_for = |path: &str| p.shard_for(path.into()).unwrap().as_string();
    assert_eq!(shard_for("Women > Knitwear > Sweaters").as_deref(), Some(WOMEN.0));
    assert_eq!(shard_for("Women").as_deref(), Some(WOMEN.0));
    assert_eq!(shard_for("Home > Kitchen").as_deref(), Some(HOME.0));
    assert!(p.shard_for("Garden".into()).unwrap().is_null());
    assert_eq!(code_of(p.shard_for(JsValue::from_f64(1.0)).err().unwrap()), "BAD_ARGUMENT");

    p.set_preferences(js(r#"{"diversity":0,"surprise":0}"#)).unwrap();
    assert_eq!(code_of(p.explain("s2".into()).err().unwrap()), "UNKNOWN_ITEM");
    for _ in 0..2 {
        assert!(p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap());
    }
    let tastes_before = tastes(&p);
    let ids = slate_ids(&p, r#"{"k":4}"#);
    assert!(!ids.iter().any(|id| ["s2", "s3", "c1"].contains(&id.as_str())), "{ids:?}");

    // The page opens a Women page: it fetches that shard and adds it.
    assert!(add_part(&p, WOMEN).unwrap());
    assert!(!add_part(&p, WOMEN).unwrap(), "a part held already is not added twice");
    assert_eq!(parts(&p), [CORE.0, WOMEN.0]);
    assert_eq!(p.item_count().unwrap(), 6);
    assert_eq!(tastes(&p), tastes_before, "the profile is kept");
    let explained = p.explain("s2".into()).unwrap();
    assert_eq!(get(&explained, "itemId").as_string().unwrap(), "s2");
    assert!(get(&explained, "relevance").as_f64().unwrap() > 0.0);
    let ids = slate_ids(&p, r#"{"k":4}"#);
    assert!(ids.iter().any(|id| ["s2", "s3", "c1"].contains(&id.as_str())), "{ids:?}");
    assert!(p.record(js(r#"{"type":"view","itemId":"c1"}"#)).unwrap(), "its items are known");

    // An ArrayBuffer works as well; the parts stay in order, core first.
    let home = js_sys::Uint8Array::from(HOME.1).buffer();
    assert!(p.add_part(HOME.0.into(), home.into()).unwrap());
    assert_eq!(parts(&p), [CORE.0, HOME.0, WOMEN.0]);
    assert_eq!(p.item_count().unwrap(), 7);
}

#[wasm_bindgen_test]
async fn a_tampered_part_is_refused_and_the_personalizer_keeps_what_it_had() {
    let p = open_sharded(sharded(js(MANIFEST), &[CORE])).await.unwrap();
    p.set_preferences(js(r#"{"diversity":0,"surprise":0}"#)).unwrap();
    for _ in 0..2 {
        p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap();
    }
    let before = slate_ids(&p, r#"{"k":3,"includeSeen":true}"#);
    assert!(!before.is_empty());
    let mut tampered = WOMEN.1.to_vec();
    tampered[WOMEN.1.len() / 2] ^= 0x01;
    let err = add_part(&p, (WOMEN.0, &tampered)).err().unwrap();
    assert_eq!(code_of(err), "CATALOG_INVALID");
    let err = add_part(&p, ("shard-0000000000000000.bin", WOMEN.1)).err().unwrap();
    assert_eq!(code_of(err), "CATALOG_INVALID", "a file the manifest does not name");
    let err = add_part(&p, (HOME.0, WOMEN.1)).err().unwrap();
    assert_eq!(code_of(err), "CATALOG_INVALID", "another file's bytes");
    let err = p.add_part(WOMEN.0.into(), js(r#"[1, 2]"#)).err().unwrap();
    assert_eq!(code_of(err), "BAD_ARGUMENT");
    let err = p.add_part(JsValue::NULL, js_sys::Uint8Array::from(WOMEN.1).into()).err().unwrap();
    assert_eq!(code_of(err), "BAD_ARGUMENT");
    // Still the core alone, still learning and recommending.
    assert_eq!(parts(&p), [CORE.0]);
    assert_eq!(p.item_count().unwrap(), 3);
    assert!(p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap());
    assert_eq!(slate_ids(&p, r#"{"k":3,"includeSeen":true}"#), before);
    // And the real bytes go in afterwards.
    assert!(add_part(&p, WOMEN).unwrap());
    assert_eq!(p.item_count().unwrap(), 6);
}

#[wasm_bindgen_test]
async fn add_part_and_shard_for_need_a_personalizer_opened_on_a_manifest() {
    let p = open().await;
    assert_eq!(code_of(add_part(&p, WOMEN).err().unwrap()), "BAD_ARGUMENT");
    assert!(parts(&p).is_empty(), "a whole catalog has no parts");
    assert!(p.shard_for("Women > Knitwear".into()).unwrap().is_null());
    assert_eq!(p.item_count().unwrap(), 6);
}

#[wasm_bindgen_test]
async fn a_bad_manifest_or_part_at_open_is_a_coded_error() {
    let code =
        |catalog: JsValue| async move { code_of(open_sharded(catalog).await.err().unwrap()) };
    let with = |key: &str, value: &str| {
        let manifest = js(MANIFEST);
        js_sys::Reflect::set(&manifest, &key.into(), &js(value)).unwrap();
        manifest
    };
    // Every part at once, in any order.
    let p = open_sharded(sharded(js(MANIFEST), &[WOMEN, CORE, HOME])).await.unwrap();
    assert_eq!(parts(&p), [CORE.0, HOME.0, WOMEN.0]);
    assert_eq!(p.item_count().unwrap(), 7);
    // The file's content is the core's to judge: CATALOG_VERSION, CATALOG_INVALID.
    assert_eq!(code(sharded(with("version", "2"), &[CORE])).await, "CATALOG_VERSION");
    assert_eq!(code(sharded(with("extra", "1"), &[CORE])).await, "CATALOG_INVALID");
    assert_eq!(code(sharded(with("depth", "\"one\""), &[CORE])).await, "CATALOG_INVALID");
    assert_eq!(
        code(sharded(with("build", "\"0000000000000000\""), &[CORE])).await,
        "CATALOG_INVALID"
    );
    let core = js_sys::Reflect::get(&js(MANIFEST), &"core".into()).unwrap();
    js_sys::Reflect::set(&core, &"url".into(), &"x".into()).unwrap();
    let manifest = js(MANIFEST);
    js_sys::Reflect::set(&manifest, &"core".into(), &core).unwrap();
    assert_eq!(code(sharded(manifest, &[CORE])).await, "CATALOG_INVALID", "an unknown core field");
    let mut tampered = CORE.1.to_vec();
    tampered[40] ^= 0x01;
    assert_eq!(code(sharded(js(MANIFEST), &[(CORE.0, &tampered)])).await, "CATALOG_INVALID");
    // The option's shape is the caller's: BAD_ARGUMENT.
    assert_eq!(code(sharded(js(MANIFEST), &[WOMEN])).await, "BAD_ARGUMENT", "no core");
    assert_eq!(code(sharded(js("\"manifest\""), &[CORE])).await, "BAD_ARGUMENT");
    let catalog = sharded(js(MANIFEST), &[CORE]);
    js_sys::Reflect::set(&catalog, &"part".into(), &JsValue::TRUE).unwrap();
    assert_eq!(code(catalog).await, "BAD_ARGUMENT", "an unknown option field");
    let catalog = sharded(js(MANIFEST), &[]);
    js_sys::Reflect::set(&catalog, &"parts".into(), &js(&format!(r#"{{"{}":[1]}}"#, CORE.0)))
        .unwrap();
    assert_eq!(code(catalog).await, "BAD_ARGUMENT", "a part that is not bytes");
}

#[wasm_bindgen_test]
async fn items_gives_the_display_data_of_the_parts_held_and_null_for_the_others() {
    let fixture = js(include_str!("fixtures/sharded.json"));
    let listed = js_sys::Array::from(&get(&fixture, "items"));
    let ids = js_sys::Array::new();
    for item in listed.iter() {
        ids.push(&get(&item, "id"));
    }
    ids.push(&"nope".into());
    let p = open_sharded(sharded(js(MANIFEST), &[CORE])).await.unwrap();
    let held = |p: &Personalizer| {
        let shown = p.items(ids.clone().into()).unwrap();
        assert_eq!(shown.length(), ids.length());
        assert!(shown.get(ids.length() - 1).is_null(), "an unknown id is null");
        let mut found = 0;
        for (k, item) in listed.iter().enumerate() {
            let card = shown.get(k as u32);
            if card.is_null() {
                continue;
            }
            found += 1;
            // Titles and links, kept out of WebAssembly memory: present, empty or absent.
            for key in ["id", "title", "category", "url", "image"] {
                assert_eq!(get(&card, key).as_string(), get(&item, key).as_string(), "{key}");
            }
            let colour = get(&get(&card, "attributes"), "colour").as_string();
            assert_eq!(colour, get(&get(&item, "attributes"), "colour").as_string());
            assert_eq!(get(&card, "available").as_bool(), Some(true));
            assert!(get(&card, "price").is_undefined(), "no price in the fixture");
        }
        found
    };
    assert_eq!(held(&p), 3, "the core's items");
    assert!(add_part(&p, WOMEN).unwrap());
    assert_eq!(held(&p), p.item_count().unwrap() as usize, "and the shard's");
    assert!(p.sensitive_classes().unwrap().is_empty());
    assert_eq!(code_of(p.items(JsValue::from_f64(1.0)).err().unwrap()), "BAD_ARGUMENT");
    let mixed = js_sys::Array::of2(&"tee".into(), &JsValue::from_f64(2.0));
    assert_eq!(code_of(p.items(mixed.into()).err().unwrap()), "BAD_ARGUMENT");
}

// ---- Product codes (`catalog build --vector-codes pq`) ----
// tests/fixtures/catalog-60-pq.bin and its codes expanded to int8 rows
// (tests/product_codes.rs keeps the two in step): the page decodes the codes and
// scores them with the same kernels, so both rank alike, to the last bit.

async fn open_binary(bytes: &[u8]) -> Personalizer {
    let options = js_sys::Object::new();
    let catalog = js_sys::Uint8Array::from(bytes);
    js_sys::Reflect::set(&options, &"catalog".into(), &catalog).unwrap();
    js_sys::Reflect::set(&options, &"storage".into(), &"memory".into()).unwrap();
    js_sys::Reflect::set(&options, &"seed".into(), &JsValue::from(7)).unwrap();
    Personalizer::open(options.into()).await.unwrap()
}

#[wasm_bindgen(inline_js = r#"
const pageNow = Date.now;
export function freeze_clock(at) { Date.now = () => at; }
export function thaw_clock() { Date.now = pageNow; }
"#)]
extern "C" {
    fn freeze_clock(at: f64);
    fn thaw_clock();
}

#[wasm_bindgen_test]
async fn product_codes_rank_in_the_page_as_their_int8_rows() {
    // One clock for both engines: evidence decays with age, to the millisecond.
    const NOW: f64 = 1_780_000_000_000.0;
    freeze_clock(NOW);
    let coded: &[u8] = include_bytes!("fixtures/catalog-60-pq.bin");
    let expanded: &[u8] = include_bytes!("fixtures/catalog-60-pq-expanded.bin");
    let catalog = flaneur::catalog::Catalog::from_binary(coded).unwrap();
    assert!(catalog.vectors().codebook().is_some());
    let (a, b) = (open_binary(coded).await, open_binary(expanded).await);
    let ids: Vec<String> = catalog.iter().step_by(7).map(|i| i.id().to_owned()).collect();
    for p in [&a, &b] {
        for (n, id) in ids.iter().enumerate() {
            let at = NOW - 60_000.0 * (ids.len() - n) as f64;
            p.record(js(&format!(r#"{{"type":"view","itemId":"{id}","at":{at}}}"#))).unwrap();
        }
    }
    let text = |v: JsValue| js_sys::JSON::stringify(&v).unwrap().as_string().unwrap();
    for request in [r#"{"k":6}"#, r#"{"k":24,"includeSeen":true}"#] {
        let (sa, sb) = (a.recommend(js(request)).unwrap(), b.recommend(js(request)).unwrap());
        assert!(!slate_ids(&a, request).is_empty());
        assert_eq!(text(sa), text(sb), "{request}");
    }
    let query: Vec<f32> = (0..16).map(|j| (j as f32 * 0.9).cos()).collect();
    assert_eq!(text(a.nearest(&query, 8).unwrap()), text(b.nearest(&query, 8).unwrap()));
    thaw_clock();
}
