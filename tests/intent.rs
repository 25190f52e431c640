//! Session intent: scripted sessions on the demo catalog, and properties.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use flaneur::catalog::Catalog;
use flaneur::intent::{Intent, IntentEstimate, MIN_CONFIDENCE, classify};
use flaneur::profile::{Event, EventKind, Profile};
use proptest::prelude::*;

fn demo() -> Catalog {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/catalog-60.json"
    ))
    .unwrap();
    Catalog::from_json_str(&text).unwrap()
}

fn ids(catalog: &Catalog, path: &str) -> Vec<String> {
    catalog.iter().filter(|i| i.category_path() == path).map(|i| i.id().to_owned()).collect()
}

fn leather_boots(catalog: &Catalog) -> Vec<String> {
    catalog
        .iter()
        .filter(|i| i.category_path() == "Shoes > Boots" && i.title().contains("leather"))
        .map(|i| i.id().to_owned())
        .collect()
}

/// A session written event by event, with a clock that moves forward.
#[derive(Default)]
struct Script {
    at: i64,
    events: Vec<Event>,
}

impl Script {
    fn push(&mut self, kind: EventKind, after_ms: i64) -> &mut Self {
        self.at += after_ms;
        self.events.push(Event { kind, at: self.at });
        self
    }

    /// Opens the item 2 s after the last event and stays `dwell_ms` on it.
    fn visit(&mut self, id: &str, dwell_ms: i64) -> &mut Self {
        self.push(EventKind::View { item_id: id.to_owned() }, 2_000)
            .push(EventKind::Dwell { item_id: id.to_owned(), ms: dwell_ms as f64 }, dwell_ms)
    }

    fn view(&mut self, id: &str) -> &mut Self {
        self.push(EventKind::View { item_id: id.to_owned() }, 5_000)
    }

    fn search(&mut self, query: &str) -> &mut Self {
        self.push(EventKind::Search { query: query.to_owned() }, 3_000)
    }

    fn cart(&mut self, id: &str) -> &mut Self {
        self.push(EventKind::AddToCart { item_id: id.to_owned() }, 3_000)
    }

    fn classify(&self, catalog: &Catalog) -> IntentEstimate {
        classify(catalog, &self.events)
    }
}

fn assert_label(estimate: IntentEstimate, intent: Intent) {
    assert_eq!(estimate.intent, intent, "{estimate:?}");
    assert!(estimate.confidence >= MIN_CONFIDENCE && estimate.confidence <= 1.0, "{estimate:?}");
}

/// Flipping back and forth between four boots, reading each for a while.
fn comparing_boots(catalog: &Catalog) -> Script {
    let boots = ids(catalog, "Shoes > Boots");
    let mut script = Script::default();
    for &n in &[0, 1, 2, 0, 1, 3, 2, 0, 3] {
        script.visit(&boots[n], 15_000);
    }
    script
}

#[test]
fn an_idle_browse_across_five_departments_is_exploring() {
    let catalog = demo();
    let mut script = Script::default();
    let paths = [
        "Women > Dresses",
        "Men > Shirts",
        "Shoes > Sneakers",
        "Home > Kitchen",
        "Health > Supplements",
    ];
    for path in paths.into_iter().chain(["Women > Knitwear > Cardigans"]) {
        script.visit(&ids(&catalog, path)[0], 4_000);
    }
    script.visit(&ids(&catalog, "Home > Bedding")[1], 3_000);
    assert_label(script.classify(&catalog), Intent::Exploring);
}

#[test]
fn flipping_between_four_boots_is_comparing() {
    let catalog = demo();
    assert_label(comparing_boots(&catalog).classify(&catalog), Intent::Comparing);
}

#[test]
fn flipping_between_three_boots_with_plain_views_is_comparing() {
    let catalog = demo();
    let boots = ids(&catalog, "Shoes > Boots");
    let mut script = Script::default();
    for n in [0, 1, 2, 0, 1, 2, 1] {
        script.view(&boots[n]);
    }
    assert_label(script.classify(&catalog), Intent::Comparing);
}

#[test]
fn a_cart_add_after_comparing_is_buying() {
    let catalog = demo();
    let mut script = comparing_boots(&catalog);
    let first = ids(&catalog, "Shoes > Boots")[0].clone();
    script.cart(&first);
    assert_label(script.classify(&catalog), Intent::Buying);
}

#[test]
fn a_refined_search_then_a_cart_add_is_buying() {
    let catalog = demo();
    let boots = leather_boots(&catalog);
    let mut script = Script::default();
    script
        .search("boots")
        .search("leather boots")
        .visit(&boots[0], 12_000)
        .visit(&boots[1], 20_000)
        .cart(&boots[1]);
    let estimate = script.classify(&catalog);
    assert_label(estimate, Intent::Buying);
    assert!(estimate.confidence > 0.9, "{estimate:?}");
}

#[test]
fn a_refined_search_toward_one_leaf_is_buying_even_before_the_cart() {
    let catalog = demo();
    let boots = leather_boots(&catalog);
    let mut script = Script::default();
    script
        .search("boots")
        .search("leather boots")
        .visit(&boots[0], 12_000)
        .visit(&boots[1], 20_000);
    assert_label(script.classify(&catalog), Intent::Buying);
}

#[test]
fn a_direct_cart_add_after_one_view_is_buying() {
    let catalog = demo();
    let mug = &ids(&catalog, "Home > Kitchen")[2];
    let mut script = Script::default();
    script.view(mug).cart(mug);
    assert_label(script.classify(&catalog), Intent::Buying);
}

#[test]
fn a_purchase_is_buying() {
    let catalog = demo();
    let mug = ids(&catalog, "Home > Kitchen")[2].clone();
    let mut script = Script::default();
    script.view(&mug).push(EventKind::Purchase { item_id: mug.clone() }, 1_000);
    assert_label(script.classify(&catalog), Intent::Buying);
}

#[test]
fn returning_again_and_again_to_one_product_is_buying() {
    let catalog = demo();
    let sweater = ids(&catalog, "Women > Knitwear > Sweaters")[0].clone();
    let other = ids(&catalog, "Women > Knitwear > Sweaters")[1].clone();
    let mut script = Script::default();
    script
        .visit(&sweater, 30_000)
        .visit(&other, 5_000)
        .visit(&sweater, 25_000)
        .search("cashmere care")
        .visit(&sweater, 20_000);
    assert_label(script.classify(&catalog), Intent::Buying);
}

#[test]
fn two_events_are_unknown() {
    let catalog = demo();
    let mut script = Script::default();
    script.view(&ids(&catalog, "Shoes > Boots")[0]).view(&ids(&catalog, "Home > Kitchen")[0]);
    assert_eq!(
        script.classify(&catalog),
        IntentEstimate { intent: Intent::Unknown, confidence: 0.0 }
    );
}

#[test]
fn an_empty_session_is_unknown_with_confidence_0() {
    let catalog = demo();
    assert_eq!(
        classify(&catalog, &[]),
        IntentEstimate { intent: Intent::Unknown, confidence: 0.0 }
    );
    assert_eq!(
        classify(&catalog, &Profile::default().session().cloned().collect::<Vec<_>>()),
        IntentEstimate::UNKNOWN
    );
}

#[test]
fn searches_alone_are_unknown() {
    let catalog = demo();
    let mut script = Script::default();
    script.search("boots").search("leather boots").search("brown leather boots");
    assert_eq!(script.classify(&catalog), IntentEstimate::UNKNOWN);
}

#[test]
fn a_close_call_is_unknown_below_the_threshold() {
    // Three boots viewed once each: a comparison set without back and forth,
    // at a pace that is neither brisk nor deliberate.
    let catalog = demo();
    let boots = ids(&catalog, "Shoes > Boots");
    let mut script = Script::default();
    script.visit(&boots[0], 15_000).visit(&boots[1], 15_000).visit(&boots[2], 15_000);
    let estimate = script.classify(&catalog);
    assert_eq!(estimate.intent, Intent::Unknown, "{estimate:?}");
    assert!(estimate.confidence > 0.0 && estimate.confidence < MIN_CONFIDENCE, "{estimate:?}");
}

#[test]
fn events_about_unknown_items_are_ignored() {
    let catalog = demo();
    for script in [comparing_boots(&catalog), Script::default()] {
        let mut noisy = Vec::new();
        for event in &script.events {
            noisy.push(Event {
                kind: EventKind::View { item_id: "no-such-item".into() },
                at: event.at,
            });
            noisy.push(event.clone());
            noisy.push(Event {
                kind: EventKind::AddToCart { item_id: "gone".into() },
                at: event.at + 1,
            });
        }
        noisy.push(Event {
            kind: EventKind::Purchase { item_id: "gone".into() },
            at: script.at + 1,
        });
        assert_eq!(classify(&catalog, &noisy), script.classify(&catalog));
    }
}

#[test]
fn refinements_respond_to_the_order_of_searches() {
    let catalog = demo();
    let boots = leather_boots(&catalog);
    let session = |queries: [&str; 3]| {
        let mut script = Script::default();
        for q in queries {
            script.search(q);
        }
        script.visit(&boots[0], 12_000).visit(&boots[1], 20_000);
        script.classify(&catalog)
    };
    // "leather boots" then "boots": a refinement. "boots", "mug", "leather boots": none.
    assert_label(session(["leather boots", "boots", "mug"]), Intent::Buying);
    assert_eq!(session(["boots", "mug", "leather boots"]).intent, Intent::Unknown);
}

#[test]
fn back_and_forth_responds_to_order() {
    let catalog = demo();
    let boots = ids(&catalog, "Shoes > Boots");
    let session = |order: [usize; 6]| {
        let mut script = Script::default();
        for n in order {
            script.view(&boots[n]);
        }
        script.classify(&catalog)
    };
    // The same six views: back and forth compares, one item after another does not.
    let back_and_forth = session([0, 1, 2, 0, 1, 2]);
    let one_by_one = session([0, 0, 1, 1, 2, 2]);
    assert_label(back_and_forth, Intent::Comparing);
    assert_eq!(one_by_one.intent, Intent::Unknown);
    assert!(one_by_one.confidence < back_and_forth.confidence);
}

#[test]
fn only_the_newest_session_window_counts() {
    // A cart add followed by 64 exploring events has left the window.
    let catalog = demo();
    let paths = [
        "Women > Dresses",
        "Men > Shirts",
        "Shoes > Sneakers",
        "Home > Kitchen",
        "Health > Supplements",
    ];
    let mut script = Script::default();
    script.cart(&ids(&catalog, "Shoes > Boots")[0]);
    for n in 0..32 {
        script.visit(&ids(&catalog, paths[n % paths.len()])[n % 6], 3_000);
    }
    assert_label(script.classify(&catalog), Intent::Exploring);
    assert_label(classify(&catalog, &script.events[..10]), Intent::Buying);
}

#[test]
fn odd_dwells_and_clocks_are_harmless() {
    let catalog = demo();
    let boots = ids(&catalog, "Shoes > Boots");
    let mut events = comparing_boots(&catalog).events;
    for (n, ms) in [f64::NAN, f64::INFINITY, -5.0, f64::MAX].into_iter().enumerate() {
        events.push(Event {
            kind: EventKind::Dwell { item_id: boots[n].clone(), ms },
            at: i64::MIN + n as i64,
        });
    }
    let estimate = classify(&catalog, &events);
    assert!((0.0..=1.0).contains(&estimate.confidence), "{estimate:?}");
}

#[test]
fn the_estimate_serializes_in_camel_case() {
    let estimate = IntentEstimate { intent: Intent::Comparing, confidence: 0.5 };
    assert_eq!(
        serde_json::to_string(&estimate).unwrap(),
        r#"{"intent":"comparing","confidence":0.5}"#
    );
}

fn arbitrary_event(catalog: &Catalog, kind: u8, item: usize, at: i64, ms: f64) -> Event {
    const QUERIES: [&str; 6] = ["boots", "leather boots", "mug", "red", "", "Red Cashmere"];
    let item_id = if item < catalog.len() {
        catalog.item(item).id().to_owned()
    } else {
        format!("unknown-{item}")
    };
    let kind = match kind % 9 {
        0 => EventKind::View { item_id },
        1 => EventKind::Dwell { item_id, ms },
        2 => EventKind::Click { item_id },
        3 => EventKind::AddToCart { item_id },
        4 => EventKind::RemoveFromCart { item_id },
        5 => EventKind::Purchase { item_id },
        6 => EventKind::Dismiss { item_id },
        _ => EventKind::Search { query: QUERIES[item % QUERIES.len()].to_owned() },
    };
    Event { kind, at }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn confidence_is_in_range_and_the_estimate_deterministic(
        raw in prop::collection::vec(
            (any::<u8>(), 0usize..64, any::<i64>(), prop::num::f64::ANY),
            0..100,
        )
    ) {
        let catalog = demo();
        let events: Vec<Event> =
            raw.iter().map(|&(k, i, at, ms)| arbitrary_event(&catalog, k, i, at, ms)).collect();
        let estimate = classify(&catalog, &events);
        prop_assert!((0.0..=1.0).contains(&estimate.confidence), "{:?}", estimate);
        prop_assert!(
            estimate.intent == Intent::Unknown || estimate.confidence >= MIN_CONFIDENCE,
            "{:?}",
            estimate
        );
        prop_assert_eq!(estimate, classify(&catalog, &events));
        prop_assert_eq!(estimate, classify(&catalog, events.iter()));
    }
}

/// The query folds both builds are held to (`tests/fixtures/query-folds.tsv`):
/// here the native fold, in tests/web.rs the page's, with the browser's tables.
#[test]
fn queries_fold_as_the_shared_cases_say() {
    for (input, folded) in common::query_fold_cases() {
        assert_eq!(flaneur::intent::fold_query(input), folded, "{input:?}");
    }
    // Folding is what lets differently written searches refine each other.
    assert!(flaneur::intent::refines("T-SHIRT", "t shirt polo"));
    assert!(flaneur::intent::refines("ÉTÉ", "été sandales"));
}
