//! The first vertical slice, natively: catalog → events → profile → slate.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::catalog::Catalog;
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::{Event, EventKind};
use flaneur::rank::{Context, Kind, Request};
use flaneur::{Engine, Error, Recorded};

const DAY: i64 = 86_400_000;

fn demo() -> Engine {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/catalog-60.json"
    ))
    .unwrap();
    Engine::new(Catalog::from_json_str(&text).unwrap())
}

fn ids_in(engine: &Engine, category: &str) -> Vec<String> {
    let c = engine.catalog();
    c.iter().filter(|i| i.category_path() == category).map(|i| i.id().to_owned()).collect()
}

fn category_of(engine: &Engine, id: &str) -> String {
    let c = engine.catalog();
    c.item(c.index_of(id).unwrap()).category_path().to_owned()
}

fn view(engine: &mut Engine, id: &str, at: i64) -> Recorded {
    engine.record(&Event { kind: EventKind::View { item_id: id.into() }, at }).unwrap()
}

fn request(k: usize) -> Request {
    Request { k, ..Request::default() }
}

#[test]
fn the_demo_catalog_loads() {
    let engine = demo();
    let catalog = engine.catalog();
    assert_eq!(catalog.len(), 60);
    assert_eq!(catalog.vectors().dims(), 16);
    assert_eq!(catalog.vectors().len(), 60);
    assert!(catalog.taxonomy().find("Women > Knitwear").is_some());
}

#[test]
fn a_fresh_profile_gets_no_recommendations_rather_than_filler() {
    let slate = demo().recommend(&request(6), 0).unwrap();
    assert!(slate.items.is_empty());
    assert_eq!(slate.withheld, 6);
}

#[test]
fn viewed_category_ranks_above_unrelated_ones() {
    let mut engine = demo();
    // Pure relevance order: no diversity re-rank, no divergence.
    engine
        .set_preferences(PreferencesPatch {
            diversity: Some(0.0),
            surprise: Some(0.0),
            ..Default::default()
        })
        .unwrap();
    let sweaters = ids_in(&engine, "Women > Knitwear > Sweaters");
    for (n, id) in sweaters.iter().take(3).enumerate() {
        assert_eq!(view(&mut engine, id, n as i64 * 60_000), Recorded::Learned);
    }
    let slate = engine.recommend(&request(12), 4 * 60_000).unwrap();
    assert!(!slate.items.is_empty());
    let categories: Vec<String> =
        slate.items.iter().map(|r| category_of(&engine, &r.item_id)).collect();
    // The viewed leaf leads; three views are thin evidence, so the rest spreads
    // over related categories (breadth), and the leaf's items keep their order.
    assert_eq!(categories[0], "Women > Knitwear > Sweaters", "{categories:?}");
    let sweater_scores: Vec<f32> = slate
        .items
        .iter()
        .filter(|r| category_of(&engine, &r.item_id) == "Women > Knitwear > Sweaters")
        .map(|r| r.score)
        .collect();
    assert!(sweater_scores.windows(2).all(|w| w[0] >= w[1]), "{sweater_scores:?}");
    assert!(slate.breadth > 0.5, "{}", slate.breadth);
    // Nothing unrelated (no shared department) is recommended at all.
    assert!(
        categories.iter().all(|c| c.starts_with("Women") || c.contains("Knitwear")),
        "{categories:?}"
    );
    // Each item says why, starting from the most specific category seen.
    let top = &slate.items[0];
    assert_eq!(top.kind, Kind::Personal);
    let category_signal =
        top.reason.signals.iter().find(|s| s.label == "Women > Knitwear > Sweaters").unwrap();
    assert_eq!(category_signal.count, Some(3));
    assert_eq!(category_signal.last_seen, Some(2 * 60_000));
    // Scores are in [0, 1].
    assert!(slate.items.iter().all(|r| (0.0..=1.0).contains(&r.score)));
}

#[test]
fn interest_follows_the_shopper_and_old_interest_fades() {
    let mut engine = demo();
    engine
        .set_preferences(PreferencesPatch {
            diversity: Some(0.0),
            surprise: Some(0.0),
            ..Default::default()
        })
        .unwrap();
    for id in ids_in(&engine, "Women > Knitwear > Sweaters").iter().take(3) {
        view(&mut engine, id, 0);
    }
    for id in ids_in(&engine, "Shoes > Boots").iter().take(3) {
        view(&mut engine, id, 90 * DAY);
    }
    let slate = engine.recommend(&request(3), 90 * DAY).unwrap();
    let categories: Vec<String> =
        slate.items.iter().map(|r| category_of(&engine, &r.item_id)).collect();
    // The new interest leads and holds most of the slate (thin evidence
    // spreads it over related leaves); the old one has faded behind it.
    assert_eq!(categories[0], "Shoes > Boots", "{categories:?}");
    assert!(categories.iter().filter(|c| c.starts_with("Shoes")).count() >= 2, "{categories:?}");
}

#[test]
fn intensity_zero_is_exactly_the_shops_order() {
    let mut engine = demo();
    for id in ids_in(&engine, "Shoes > Boots").iter().take(3) {
        view(&mut engine, id, 0);
    }
    engine
        .set_preferences(PreferencesPatch { intensity: Some(0.0), ..Default::default() })
        .unwrap();
    let slate = engine.recommend(&request(10), 0).unwrap();
    let expected: Vec<&str> = engine
        .catalog()
        .iter()
        .filter(|i| i.available() && i.sensitive().is_none())
        .take(10)
        .map(|i| i.id())
        .collect();
    let got: Vec<&str> = slate.items.iter().map(|r| r.item_id.as_str()).collect();
    assert_eq!(got, expected);
    assert!(slate.items.iter().all(|r| r.kind == Kind::Default));
}

#[test]
fn context_restricts_to_a_category_and_never_recommends_the_current_item() {
    let mut engine = demo();
    let sweaters = ids_in(&engine, "Women > Knitwear > Sweaters");
    for id in &sweaters {
        view(&mut engine, id, 0);
    }
    let req = Request {
        k: 20,
        context: Context {
            item_id: Some(sweaters[0].clone()),
            category: Some("Women > Knitwear".into()),
            ..Context::default()
        },
        exclude: vec![sweaters[1].clone()],
        include_seen: true,
        ..Request::default()
    };
    let slate = engine.recommend(&req, 0).unwrap();
    assert!(!slate.items.is_empty());
    for r in &slate.items {
        assert!(category_of(&engine, &r.item_id).starts_with("Women > Knitwear"));
        assert_ne!(r.item_id, sweaters[0]);
        assert_ne!(r.item_id, sweaters[1]);
    }
    let unknown = Request {
        context: Context { category: Some("Garden".into()), ..Context::default() },
        ..request(3)
    };
    assert_eq!(engine.recommend(&unknown, 0).unwrap_err().code(), "BAD_ARGUMENT");
}

#[test]
fn dismissed_items_disappear_and_bought_items_sink() {
    let mut engine = demo();
    let boots = ids_in(&engine, "Shoes > Boots");
    for id in &boots {
        view(&mut engine, id, 0);
    }
    let before = engine.recommend(&request(6), 0).unwrap();
    let top = before.items[0].item_id.clone();
    let second = before.items[1].item_id.clone();
    engine.record(&Event { kind: EventKind::Dismiss { item_id: top.clone() }, at: 1 }).unwrap();
    engine.record(&Event { kind: EventKind::Purchase { item_id: second.clone() }, at: 2 }).unwrap();
    let after = engine.recommend(&request(6), 3).unwrap();
    let ids: Vec<&str> = after.items.iter().map(|r| r.item_id.as_str()).collect();
    assert!(!ids.contains(&top.as_str()), "dismissed item came back: {ids:?}");
    assert!(
        ids.iter().position(|&i| i == second).is_none_or(|p| p > 0),
        "bought item still on top: {ids:?}"
    );
}

#[test]
fn sensitive_items_teach_nothing_and_are_not_shown_without_opt_in() {
    let mut engine = demo();
    let supplements = ids_in(&engine, "Health > Supplements");
    assert!(!supplements.is_empty());
    for id in &supplements {
        assert_eq!(view(&mut engine, id, 0), Recorded::Sensitive);
    }
    assert!(engine.profile().is_empty());
    assert!(engine.recommend(&request(6), 0).unwrap().items.is_empty());

    let patch = PreferencesPatch {
        sensitive: Some([("health".to_owned(), true)].into()),
        ..Default::default()
    };
    engine.set_preferences(patch).unwrap();
    for id in &supplements {
        assert_eq!(view(&mut engine, id, 0), Recorded::Learned);
    }
    // Every supplement was just viewed: asked to include them.
    let slate = engine.recommend(&Request { include_seen: true, ..request(3) }, 0).unwrap();
    assert_eq!(category_of(&engine, &slate.items[0].item_id), "Health > Supplements");
}

#[test]
fn pausing_stops_learning() {
    let mut engine = demo();
    engine.set_preferences(PreferencesPatch { paused: Some(true), ..Default::default() }).unwrap();
    let id = ids_in(&engine, "Shoes > Boots")[0].clone();
    assert_eq!(view(&mut engine, &id, 0), Recorded::Paused);
    assert!(engine.profile().is_empty());
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_changes_nothing() {
    let mut engine = demo();
    let err = engine
        .record(&Event { kind: EventKind::View { item_id: "nope".into() }, at: 0 })
        .unwrap_err();
    assert_eq!(err, Error::UnknownItem { id: "nope".into() });
    assert!(engine.profile().is_empty());
    assert_eq!(engine.recommend(&request(0), 0).unwrap_err().code(), "BAD_ARGUMENT");
    assert_eq!(engine.recommend(&request(1001), 0).unwrap_err().code(), "BAD_ARGUMENT");
    let bad =
        PreferencesPatch { intensity: Some(f32::NAN), paused: Some(true), ..Default::default() };
    assert_eq!(engine.set_preferences(bad).unwrap_err().code(), "BAD_ARGUMENT");
    assert!(!engine.preferences().paused, "a refused patch must not apply in part");
}

#[test]
fn extreme_timestamps_and_huge_queries_are_absorbed() {
    let mut engine = demo();
    let id = ids_in(&engine, "Shoes > Boots")[0].clone();
    for at in [i64::MIN, i64::MAX, 0, i64::MIN + 1] {
        view(&mut engine, &id, at);
    }
    let query = "é".repeat(10_000);
    engine.record(&Event { kind: EventKind::Search { query }, at: 0 }).unwrap();
    for now in [i64::MIN, 0, i64::MAX] {
        let slate = engine.recommend(&request(5), now).unwrap();
        assert!(slate.items.iter().all(|r| (0.0..=1.0).contains(&r.score)));
    }
    // The session keeps the search without its text.
    let stored: Vec<&EventKind> = engine.profile().session().map(|e| &e.kind).collect();
    assert!(stored.contains(&&EventKind::SearchStep { refines: false }), "{stored:?}");
    let bytes = engine.profile().to_bytes();
    assert_eq!(flaneur::profile::Profile::from_bytes(&bytes).as_ref(), Ok(engine.profile()));
}
