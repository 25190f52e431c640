//! The browser boundary, in real browsers (wasm-bindgen-test in headless Chromium and Firefox).
#![cfg(target_arch = "wasm32")]

use flaneur::rank::kernel::{dot_i8_many_scalar, dot_i8_many_simd, dot_i8_scalar, dot_i8_simd};
use flaneur::wasm::Personalizer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CATALOG: &str = r#"{"version":1,"shop":"web-test","dims":4,"facets":{"colour":{"divergence":true}},"items":[
  {"id":"tee","title":"Tee","category":"Men > Tops","attributes":{"colour":"white"},"vector":[0,0,1,0],"popularity":0.9},
  {"id":"s1","title":"Red sweater","category":"Women > Knitwear > Sweaters","attributes":{"colour":"red"},"vector":[1,0.1,0,0]},
  {"id":"mug","title":"Mug","category":"Home > Kitchen","attributes":{"colour":"red"},"vector":[0,0,0,1],"popularity":1},
  {"id":"s2","title":"Navy sweater","category":"Women > Knitwear > Sweaters","attributes":{"colour":"navy"},"vector":[0.9,0.2,0,0]},
  {"id":"c1","title":"Cardigan","category":"Women > Knitwear > Cardigans","attributes":{"colour":"red"},"vector":[0.7,0.5,0,0]},
  {"id":"s3","title":"Cream sweater","category":"Women > Knitwear > Sweaters","attributes":{"colour":"cream"},"vector":[1,0,0.1,0]}
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
    Personalizer::open(options.into()).await.unwrap()
}

fn slate_ids(p: &mut Personalizer, request: &str) -> Vec<String> {
    let slate = p.recommend(js(request)).unwrap();
    let items: js_sys::Array = get(&slate, "items").unchecked_into();
    items.iter().map(|i| get(&i, "itemId").as_string().unwrap()).collect()
}

#[wasm_bindgen_test]
async fn views_move_their_category_to_the_top() {
    let mut p = open().await;
    assert_eq!(p.item_count(), 6);
    assert_eq!(p.shop_id(), "web-test");
    assert!(slate_ids(&mut p, r#"{"k":3}"#).is_empty(), "a fresh profile abstains");
    p.set_preferences(js(r#"{"diversity":0,"surprise":0}"#)).unwrap();
    for id in ["s1", "s2"] {
        // No `at`: the boundary stamps the event with the browser's clock.
        assert!(p.record(js(&format!(r#"{{"type":"view","itemId":"{id}"}}"#))).unwrap());
    }
    let ids = slate_ids(&mut p, r#"{"k":4}"#);
    assert_eq!(&ids[..3], ["s1", "s2", "s3"]);
    assert!(!ids.contains(&"mug".to_owned()) && !ids.contains(&"tee".to_owned()), "{ids:?}");
    let slate = p.recommend(js(r#"{"k":4}"#)).unwrap();
    let first = js_sys::Array::from(&get(&slate, "items")).get(0);
    // Every slate counts as shown; engaging with a shown item counts as engagement.
    let stats = p.stats().unwrap();
    assert!(get(&get(&stats, "personal"), "impressions").as_f64().unwrap() >= 4.0);
    p.record(js(&format!(r#"{{"type":"click","itemId":"{}"}}"#, get(&first, "itemId").as_string().unwrap()))).unwrap();
    assert_eq!(get(&get(&p.stats().unwrap(), "personal"), "engagements").as_f64(), Some(1.0));
    assert_eq!(get(&first, "kind").as_string().unwrap(), "personal");
    let signals = js_sys::Array::from(&get(&get(&first, "reason"), "signals"));
    assert!(signals.length() > 0);
    assert_eq!(get(&slate, "intent").as_string().unwrap(), "unknown");
}

#[wasm_bindgen_test]
async fn preferences_round_trip_and_intensity_zero_restores_the_shop_order() {
    let mut p = open().await;
    p.record(js(r#"{"type":"add_to_cart","itemId":"c1"}"#)).unwrap();
    p.set_preferences(js(r#"{"intensity":0}"#)).unwrap();
    assert_eq!(get(&p.preferences().unwrap(), "intensity").as_f64(), Some(0.0));
    assert_eq!(slate_ids(&mut p, r#"{"k":3}"#), ["tee", "s1", "mug"]);
    p.set_preferences(js(r#"{"paused":true,"intensity":1}"#)).unwrap();
    assert!(!p.record(js(r#"{"type":"view","itemId":"mug"}"#)).unwrap(), "paused: nothing learned");
}

#[wasm_bindgen_test]
async fn bad_arguments_become_coded_errors() {
    let mut p = open().await;
    assert_eq!(code_of(p.record(js(r#"{"type":"view","itemId":"nope"}"#)).unwrap_err()), "UNKNOWN_ITEM");
    assert_eq!(code_of(p.record(js(r#"{"type":"teleport","itemId":"s1"}"#)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.record(JsValue::from_f64(3.0)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.recommend(js(r#"{"k":0}"#)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.recommend(js(r#"{"k":3,"colour":"red"}"#)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.recommend(js(r#"{"k":3,"context":{"item":"s1"}}"#)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.set_preferences(js(r#"{"intensity":2}"#)).unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(p.set_preferences(js(r#"{"intensty":0.5}"#)).unwrap_err()), "BAD_ARGUMENT");
    // The personalizer still works after every refusal.
    assert!(p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap());

    let open_with = |catalog: JsValue| {
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"catalog".into(), &catalog).unwrap();
        Personalizer::open(options.into())
    };
    let dup = r#"{"version":1,"shop":"s","items":[{"id":"a","title":"A","category":"C"},{"id":"a","title":"B","category":"C"}]}"#;
    let err = open_with(js(dup)).await.err().unwrap();
    assert!(err.unchecked_ref::<js_sys::Error>().message().as_string().unwrap().contains("item \"a\""));
    assert_eq!(code_of(err), "CATALOG_INVALID");
    assert_eq!(code_of(open_with(JsValue::from_str("{not json")).await.err().unwrap()), "CATALOG_INVALID");
    assert_eq!(code_of(open_with(js(r#"{"version":9,"shop":"s","items":[]}"#)).await.err().unwrap()), "CATALOG_VERSION");
    assert_eq!(code_of(Personalizer::open(JsValue::NULL).await.err().unwrap()), "BAD_ARGUMENT");
}

#[wasm_bindgen_test]
async fn a_binary_catalog_opens_like_its_json_form() {
    let catalog = flaneur::catalog::Catalog::from_json(serde_wasm_bindgen::from_value(js(CATALOG)).unwrap()).unwrap();
    let bytes = js_sys::Uint8Array::from(&catalog.to_binary()[..]);
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &bytes.buffer()).unwrap();
    let mut p = Personalizer::open(options.into()).await.unwrap();
    assert_eq!(p.item_count(), 6);
    p.set_preferences(js(r#"{"diversity":0,"surprise":0}"#)).unwrap();
    for id in ["s1", "s2"] {
        p.record(js(&format!(r#"{{"type":"view","itemId":"{id}"}}"#))).unwrap();
    }
    assert_eq!(&slate_ids(&mut p, r#"{"k":3}"#)[..3], ["s1", "s2", "s3"]);

    // A corrupted byte is caught by the checksum: a coded error, not a crash.
    let mut broken = catalog.to_binary();
    let last = broken.len() - 1;
    broken[last] ^= 0x40;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &js_sys::Uint8Array::from(&broken[..])).unwrap();
    assert_eq!(code_of(Personalizer::open(options.into()).await.err().unwrap()), "CATALOG_INVALID");
}

#[wasm_bindgen_test]
async fn the_shopper_reads_forgets_exports_imports_and_erases() {
    let mut p = open().await;
    for id in ["s1", "s2", "s1"] {
        p.record(js(&format!(r#"{{"type":"view","itemId":"{id}"}}"#))).unwrap();
    }
    let summary = p.profile().unwrap();
    let tastes = js_sys::Array::from(&get(&summary, "tastes"));
    assert!(tastes.length() >= 3);
    let labels: Vec<String> = tastes.iter().map(|t| get(&t, "label").as_string().unwrap()).collect();
    assert!(labels.contains(&"Women > Knitwear > Sweaters".to_owned()));
    assert!(get(&summary, "storedBytes").as_f64().unwrap() > 20.0);
    assert!(get(&tastes.get(0), "expiresAt").as_f64().unwrap() > js_sys::Date::now());

    assert!(p.forget(js(r#"{"facet":"colour","value":"red"}"#)).unwrap());
    let after = js_sys::Array::from(&get(&p.profile().unwrap(), "tastes"));
    assert!(after.iter().all(|t| get(&t, "value").as_string().as_deref() != Some("red")));
    assert_eq!(code_of(p.forget(js(r#"{"facet":"colour"}"#)).unwrap_err()), "BAD_ARGUMENT");

    let export = p.export_profile().unwrap();
    assert!(export.contains("\"format\":\"flaneur-profile\""));
    let mut twin = open().await;
    twin.import_profile(&export).unwrap();
    assert_eq!(get(&twin.profile().unwrap(), "storedBytes").as_f64(), get(&p.profile().unwrap(), "storedBytes").as_f64());
    let before = get(&twin.profile().unwrap(), "storedBytes").as_f64();
    assert_eq!(code_of(twin.import_profile("{\"format\":\"flaneur-profile\"}").unwrap_err()), "BAD_ARGUMENT");
    assert_eq!(code_of(twin.import_profile(&export.replace("\"data\":\"", "\"data\":\"AAAA")).unwrap_err()), "PROFILE_CORRUPT");
    assert_eq!(get(&twin.profile().unwrap(), "storedBytes").as_f64(), before, "a refused import keeps the profile");

    p.erase().await.unwrap();
    assert_eq!(js_sys::Array::from(&get(&p.profile().unwrap(), "tastes")).length(), 0);
}

async fn open_stored(shop_id: &str) -> Personalizer {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"catalog".into(), &js(CATALOG)).unwrap();
    js_sys::Reflect::set(&options, &"storage".into(), &"local".into()).unwrap();
    js_sys::Reflect::set(&options, &"shopId".into(), &shop_id.into()).unwrap();
    Personalizer::open(options.into()).await.unwrap()
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn tastes(p: &Personalizer) -> usize {
    js_sys::Array::from(&get(&p.profile().unwrap(), "tastes")).length() as usize
}

#[wasm_bindgen_test]
async fn a_local_profile_survives_reopening_and_erase_leaves_nothing() {
    let shop = "web-test-persist";
    let mut p = open_stored(shop).await;
    p.erase().await.unwrap();
    p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap();
    p.set_preferences(js(r#"{"surprise":0.35}"#)).unwrap();
    let key = format!("flaneur:profile:{shop}");
    assert!(local_storage().get_item(&key).unwrap().is_some());

    let reopened = open_stored(shop).await;
    assert_eq!(tastes(&reopened), tastes(&p));
    assert!(tastes(&reopened) > 0);
    assert_eq!(get(&reopened.preferences().unwrap(), "surprise").as_f64().map(|v| (v * 100.0).round()), Some(35.0));

    p.erase().await.unwrap();
    assert!(local_storage().get_item(&key).unwrap().is_none());
    assert_eq!(tastes(&open_stored(shop).await), 0);
}

#[wasm_bindgen_test]
async fn a_corrupt_stored_profile_is_set_aside_and_a_fresh_one_starts() {
    let shop = "web-test-corrupt";
    let storage = local_storage();
    storage.set_item(&format!("flaneur:profile:{shop}"), "{\"format\":\"flaneur-profile\",\"version\":2,\"shop\":\"web-test\",\"data\":\"AAAA\"}").unwrap();
    let mut p = open_stored(shop).await;
    assert_eq!(tastes(&p), 0);
    let notices = js_sys::Array::from(&get(&p.profile().unwrap(), "notices"));
    assert_eq!(notices.length(), 1);
    assert!(notices.get(0).as_string().unwrap().starts_with("PROFILE_CORRUPT"));
    assert!(storage.get_item(&format!("flaneur:quarantine:{shop}")).unwrap().is_some(), "the unreadable record is kept aside");
    // The page keeps working, and learning starts again.
    assert!(p.record(js(r#"{"type":"view","itemId":"s1"}"#)).unwrap());
    assert_eq!(tastes(&open_stored(shop).await), tastes(&p));
    p.erase().await.unwrap();
    assert!(storage.get_item(&format!("flaneur:quarantine:{shop}")).unwrap().is_none());
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
    for (d, m) in [(64usize, 1usize), (64, 4), (64, 6), (17, 3), (8, 2), (0, 2)] {
        let item: Vec<i8> = (0..d).map(|_| next()).collect();
        let rows: Vec<i8> = (0..d * m).map(|_| next()).collect();
        let (mut simd, mut scalar) = (vec![7; m], vec![9; m]);
        dot_i8_many_simd(&item, &rows, &mut simd);
        dot_i8_many_scalar(&item, &rows, &mut scalar);
        assert_eq!(simd, scalar, "d {d} m {m}");
    }
}
