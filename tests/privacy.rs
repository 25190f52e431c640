//! The privacy promise held against a hostile reading (issue #19): what the
//! shopper turns off or forgets leaves no trace in the profile, its export or
//! the stored bytes.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::util::sorted_map::SortedMap;

use flaneur::catalog::Catalog;
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::divergence::{CATEGORY_AXIS, Direction};
use flaneur::profile::{Event, EventKind, Impression, MAX_ITEMS, ProfileImport};
use flaneur::slot::Kind;
use flaneur::util::bytes::base64_decode;
use flaneur::{Engine, Forget};

const DAY: i64 = 86_400_000;

/// Health items (ids, paths and one facet value of their own) beside everyday ones.
fn shop() -> Engine {
    let item = |id: &str, path: &str, colour: &str, v: [f32; 4], sensitive: bool| {
        let s = if sensitive { r#","sensitive":"health""# } else { "" };
        format!(
            r#"{{"id":"{id}","title":"T","category":"{path}","attributes":{{"colour":"{colour}"}},
            "vector":[{},{},{},{}]{s}}}"#,
            v[0], v[1], v[2], v[3]
        )
    };
    let items = [
        item("hx-vitamin-1", "Pharmacy > Vitamins", "amberish", [0.0, 0.0, 0.1, 1.0], true),
        item("hx-vitamin-2", "Pharmacy > Vitamins", "white", [0.0, 0.1, 0.0, 1.0], true),
        item("hx-testkit-1", "Pharmacy > Testkits", "amberish", [0.1, 0.0, 0.0, 1.0], true),
        item("knit-1", "Women > Knitwear", "red", [1.0, 0.0, 0.0, 0.0], false),
        item("knit-2", "Women > Knitwear", "white", [0.9, 0.1, 0.0, 0.0], false),
        item("boot-1", "Shoes > Boots", "red", [0.0, 1.0, 0.0, 0.0], false),
    ];
    let text = format!(
        r#"{{"version":1,"shop":"demo","dims":4,"facets":{{"colour":{{"divergence":true}}}},
        "items":[{}]}}"#,
        items.join(",")
    );
    Engine::with_seed(Catalog::from_json_str(&text).unwrap(), 7)
}

const HEALTH_TRACES: [&str; 6] =
    ["hx-vitamin-1", "hx-vitamin-2", "hx-testkit-1", "Pharmacy", "Vitamins", "amberish"];

fn health(on: bool) -> PreferencesPatch {
    PreferencesPatch {
        sensitive: Some(SortedMap::from([("health".to_owned(), on)])),
        ..PreferencesPatch::default()
    }
}

fn event(kind: EventKind, at: i64) -> Event {
    Event { kind, at }
}

fn id(s: &str) -> String {
    s.to_owned()
}

/// Opts into health, learns from health and everyday items in every way the
/// profile can hold them, with reports on.
fn opted_in_then_active() -> Engine {
    let mut e = shop();
    e.set_preferences(health(true)).unwrap();
    e.set_preferences(PreferencesPatch { reports: Some(true), ..Default::default() }).unwrap();
    let mut at = 0;
    let mut tick = || {
        at += 10_000;
        at
    };
    let direction = Direction {
        anchor: "Pharmacy > Vitamins".into(),
        axis: CATEGORY_AXIS.into(),
        to: "Pharmacy > Testkits".into(),
    };
    let shown = [
        Impression { item_id: id("hx-vitamin-2"), kind: Kind::Personal, direction: None },
        Impression {
            item_id: id("hx-testkit-1"),
            kind: Kind::Divergent,
            direction: Some(direction),
        },
        Impression { item_id: id("knit-2"), kind: Kind::Personal, direction: None },
    ];
    e.mark_shown(&shown, tick());
    // A step along a facet to a value only health items have.
    let to_amber = Direction {
        anchor: "Women > Knitwear".into(),
        axis: "colour".into(),
        to: "amberish".into(),
    };
    let knit =
        Impression { item_id: id("knit-1"), kind: Kind::Divergent, direction: Some(to_amber) };
    e.mark_shown(&[knit], tick());
    for kind in [
        EventKind::Search { query: "vitamin".into() },
        EventKind::View { item_id: id("hx-vitamin-1") },
        EventKind::Dwell { item_id: id("hx-vitamin-1"), ms: 40_000.0 },
        EventKind::Click { item_id: id("hx-vitamin-2") },
        EventKind::AddToCart { item_id: id("hx-vitamin-1") },
        EventKind::Purchase { item_id: id("hx-vitamin-1") },
        EventKind::Dismiss { item_id: id("hx-testkit-1") },
        EventKind::View { item_id: id("knit-1") },
        EventKind::View { item_id: id("knit-2") },
        EventKind::AddToCart { item_id: id("knit-1") },
        EventKind::View { item_id: id("boot-1") },
    ] {
        e.record(&event(kind, tick())).unwrap();
    }
    e.mark_shown(&shown[..1], tick());
    e
}

/// Every form the profile leaves the engine in, as bytes to search.
fn every_form(e: &Engine, now: i64) -> Vec<(&'static str, Vec<u8>)> {
    let export = e.export(now);
    let data = base64_decode(&export.data).unwrap();
    vec![
        ("profile_view", serde_json::to_vec(&e.profile_view(now)).unwrap()),
        ("export", serde_json::to_vec(&export).unwrap()),
        ("export data", data),
        ("snapshot", e.snapshot(now).to_bytes()),
    ]
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn assert_no_trace(e: &Engine, now: i64, traces: &[&str]) {
    for (form, bytes) in every_form(e, now) {
        for trace in traces {
            assert!(!contains(&bytes, trace), "{form} still holds {trace:?}");
        }
    }
}

#[test]
fn opting_out_of_a_sensitive_class_unlearns_every_trace_of_it() {
    let mut e = opted_in_then_active();
    let now = 200_000;
    // The scenario did reach the profile: every trace is there before the opt-out.
    let before = every_form(&e, now);
    for trace in HEALTH_TRACES {
        assert!(contains(&before[3].1, trace), "the snapshot never held {trace:?}");
    }
    assert!(!e.reporting().period.is_empty());
    e.set_preferences(health(false)).unwrap();
    assert_no_trace(&e, now, &HEALTH_TRACES);
    let p = e.profile();
    assert!(p.divergence().outcomes().is_empty() && p.divergence().pending().is_empty());
    assert!(e.reporting().period.is_empty(), "the period cannot be attributed per item");
    // Interest vectors were learned again without the health items (their 4th axis).
    assert!(p.interests().iter().all(|i| i.centroid[3].abs() < 1e-3), "{:?}", p.interests());
    // What the everyday items taught stays.
    assert!(p.items().contains_key("knit-1") && p.category("Women > Knitwear").is_some());
    assert!(p.facet("colour", "red").is_some() && !p.interests().is_empty());
}

#[test]
fn a_shared_taste_keeps_only_what_everyday_items_taught() {
    let mut e = opted_in_then_active();
    let white_before = e.profile().facet("colour", "white").unwrap().weight;
    e.set_preferences(health(false)).unwrap();
    // knit-2 taught "white" one view; the health items taught it more.
    let white = e.profile().facet("colour", "white").unwrap().weight;
    assert!(white < white_before && (white - 1.0).abs() < 1e-3, "{white}");
}

#[test]
fn resetting_or_replacing_preferences_unlearns_a_class_no_longer_allowed() {
    let mut e = opted_in_then_active();
    e.reset_preferences();
    assert_no_trace(&e, 200_000, &HEALTH_TRACES);
    let mut e = opted_in_then_active();
    e.replace_preferences(Default::default()).unwrap();
    assert_no_trace(&e, 200_000, &HEALTH_TRACES);
}

#[test]
fn opting_out_leaves_no_trace_of_the_opt_in_in_the_preferences() {
    let mut e = opted_in_then_active();
    e.set_preferences(health(false)).unwrap();
    // `{"health": false}` would still tell that the shopper once opted in.
    assert!(e.preferences().sensitive.is_empty(), "{:?}", e.preferences().sensitive);
}

// ---- forgetting a category or an item reaches every list ----

/// 140 everyday items and one garden tool.
fn big_shop() -> Engine {
    let mut items: Vec<String> = (0..140)
        .map(|n| format!(r#"{{"id":"sku-{n}","title":"T","category":"Home > Lamps"}}"#))
        .collect();
    items.push(r#"{"id":"rake-1","title":"T","category":"Garden > Tools"}"#.into());
    let text = format!(r#"{{"version":1,"shop":"demo","items":[{}]}}"#, items.join(","));
    Engine::with_seed(Catalog::from_json_str(&text).unwrap(), 7)
}

fn view(e: &mut Engine, item: &str, at: i64) {
    e.record(&event(EventKind::View { item_id: item.into() }, at)).unwrap();
}

/// Buys the rake, then views enough lamps a year later to push it out of the item history.
fn rake_bought_long_ago() -> Engine {
    let mut e = big_shop();
    let direction = Direction { anchor: "Home".into(), axis: CATEGORY_AXIS.into(), to: "x".into() };
    let rake = |kind, direction| Impression { item_id: id("rake-1"), kind, direction };
    e.mark_shown(&[rake(Kind::Personal, None)], 0);
    e.record(&event(EventKind::Purchase { item_id: id("rake-1") }, 1)).unwrap();
    e.record(&event(EventKind::Dismiss { item_id: id("rake-1") }, 2)).unwrap();
    for n in 0..140 {
        view(&mut e, &format!("sku-{n}"), 365 * DAY + n);
    }
    // Shown again, as a divergent item awaiting a reaction, in the new session.
    e.mark_shown(&[rake(Kind::Divergent, Some(direction))], 365 * DAY + 200);
    assert!(!e.profile().items().contains_key("rake-1"), "pushed out of the history");
    assert_eq!(e.profile().items().len(), MAX_ITEMS);
    e
}

fn holds_rake(e: &Engine) -> Vec<&'static str> {
    let p = e.profile();
    let mut lists = vec![];
    if p.purchases().contains("rake-1") {
        lists.push("purchased");
    }
    if p.dismissed().contains_key("rake-1") {
        lists.push("dismissed");
    }
    if p.shown().contains_key("rake-1") {
        lists.push("shown");
    }
    if p.recent().any(|r| r == "rake-1") {
        lists.push("recent");
    }
    if p.session().any(|ev| ev.kind.item_id() == Some("rake-1")) {
        lists.push("session");
    }
    if p.divergence().pending().contains_key("rake-1") {
        lists.push("pending");
    }
    lists
}

#[test]
fn forgetting_a_category_reaches_items_that_left_the_history() {
    let mut e = rake_bought_long_ago();
    assert_eq!(holds_rake(&e), ["purchased", "dismissed", "shown", "pending"]);
    assert!(e.forget(&Forget::Category("Garden".into()), 366 * DAY));
    assert_eq!(holds_rake(&e), Vec::<&str>::new());
    assert_no_trace(&e, 366 * DAY, &["rake-1", "Garden"]);
}

#[test]
fn forgetting_an_item_reaches_every_list() {
    let mut e = rake_bought_long_ago();
    assert!(e.forget(&Forget::Item("rake-1".into()), 366 * DAY));
    assert_eq!(holds_rake(&e), Vec::<&str>::new());
}

// ---- importing respects the opt-ins in force ----

fn import_of(e: &Engine, now: i64) -> ProfileImport {
    serde_json::from_slice(&serde_json::to_vec(&e.export(now)).unwrap()).unwrap()
}

#[test]
fn an_import_drops_every_class_not_opted_into_and_switches_nothing_on() {
    let from = opted_in_then_active();
    assert!(from.preferences().reports && from.preferences().allows_sensitive("health"));
    let mut e = shop();
    e.set_preferences(PreferencesPatch { diversity: Some(0.9), ..Default::default() }).unwrap();
    e.import(&import_of(&from, 200_000)).unwrap();
    assert!(!e.preferences().reports, "an import never turns reports on");
    assert!(!e.preferences().allows_sensitive("health"), "nor a sensitive class");
    assert_eq!(e.preferences().diversity, from.preferences().diversity, "the rest comes in");
    assert_no_trace(&e, 200_000, &HEALTH_TRACES);
    assert!(e.profile().items().contains_key("knit-1"));
}

#[test]
fn an_import_into_an_opted_in_profile_keeps_the_class() {
    let from = opted_in_then_active();
    let mut e = shop();
    e.set_preferences(health(true)).unwrap();
    let summary = e.import(&import_of(&from, 200_000)).unwrap();
    assert!(e.profile().items().contains_key("hx-vitamin-1"));
    assert_eq!(summary.dropped.sensitive, 0);
    assert_eq!(summary.preferences_kept, ["reports"]);
}

#[test]
fn an_import_says_what_it_changed() {
    let from = opted_in_then_active();
    let mut e = shop();
    let summary = e.import(&import_of(&from, 200_000)).unwrap();
    assert_eq!(summary.items, e.profile().items().len());
    assert_eq!(summary.items, 3, "knit-1, knit-2, boot-1");
    let tastes = e.profile().categories().len() + e.profile().facets().len();
    assert_eq!(summary.tastes, tastes);
    assert_eq!(summary.dropped.sensitive, 3, "three health items");
    assert_eq!(summary.preferences_kept, ["reports", "sensitive"]);
}

// ---- search text is kept nowhere ----

fn demo() -> Engine {
    let text = include_str!("fixtures/catalog-60.json");
    Engine::with_seed(Catalog::from_json_str(text).unwrap(), 3)
}

fn search(e: &mut Engine, query: &str, at: i64) {
    e.record(&event(EventKind::Search { query: query.into() }, at)).unwrap();
}

/// The session's searches as the profile keeps them: whether each refined the one before.
fn searches(e: &Engine) -> Vec<bool> {
    let steps = e.profile().session().filter_map(|ev| match ev.kind {
        EventKind::SearchStep { refines } => Some(refines),
        _ => None,
    });
    steps.collect()
}

const QUERY_WORDS: [&str; 3] = ["wintery", "bootz", "lined"];

#[test]
fn search_words_are_kept_nowhere_yet_a_refined_search_still_shows_intent() {
    let mut e = demo();
    let boots: Vec<String> = e
        .catalog()
        .iter()
        .filter(|i| i.category_path() == "Shoes > Boots" && i.title().contains("leather"))
        .map(|i| i.id().to_owned())
        .collect();
    search(&mut e, "wintery bootz", 1_000);
    search(&mut e, "lined wintery bootz", 4_000);
    let mut at = 4_000;
    for id in &boots[..2] {
        at += 2_000;
        e.record(&event(EventKind::View { item_id: id.clone() }, at)).unwrap();
        at += 15_000;
        e.record(&event(EventKind::Dwell { item_id: id.clone(), ms: 15_000.0 }, at)).unwrap();
    }
    assert_eq!(e.intent(at).intent, flaneur::intent::Intent::Buying, "{:?}", e.intent(at));
    assert_eq!(searches(&e), [false, true]);
    assert_no_trace(&e, at, &QUERY_WORDS);
}

#[test]
fn a_paused_search_teaches_nothing_not_even_to_the_next_one() {
    let mut e = demo();
    let pause = |on| PreferencesPatch { paused: Some(on), ..Default::default() };
    e.set_preferences(pause(true)).unwrap();
    search(&mut e, "wintery bootz", 1_000);
    e.set_preferences(pause(false)).unwrap();
    search(&mut e, "wintery bootz lined", 2_000);
    assert_eq!(searches(&e), [false], "the paused search is not the one before");
}

#[test]
fn replayed_searches_refine_as_they_did_when_recorded() {
    use flaneur::journal::Change;
    let mut e = demo();
    search(&mut e, "wintery", 1_000);
    let stored = e.snapshot(1_500);
    let pending: Vec<Change> = ["wintery bootz", "lined"]
        .iter()
        .zip([2_000, 3_000])
        .map(|(q, at)| Change::Event(event(EventKind::Search { query: (*q).into() }, at)))
        .collect();
    for change in &pending {
        e.apply(change).unwrap();
    }
    assert_eq!(searches(&e), [false, true, false]);
    e.rebase(Some(stored), &pending);
    assert_eq!(searches(&e), [false, true, false], "a replay is not a refinement of itself");
}

#[test]
fn forgetting_a_category_forgets_the_divergence_steps_from_and_to_it() {
    let mut e = big_shop();
    let step = |anchor: &str, to: &str| Direction {
        anchor: anchor.into(),
        axis: CATEGORY_AXIS.into(),
        to: to.into(),
    };
    let shown = [
        Impression {
            item_id: id("sku-1"),
            kind: Kind::Divergent,
            direction: Some(step("Garden > Tools", "Home > Lamps")),
        },
        Impression {
            item_id: id("rake-1"),
            kind: Kind::Divergent,
            direction: Some(step("Home > Lamps", "Garden > Tools")),
        },
        Impression {
            item_id: id("sku-2"),
            kind: Kind::Divergent,
            direction: Some(step("Home", "Kitchen")),
        },
    ];
    e.mark_shown(&shown, 0);
    e.record(&event(EventKind::Dismiss { item_id: id("sku-1") }, 1)).unwrap();
    assert!(e.forget(&Forget::Category("Garden".into()), 2));
    let kept: Vec<_> = e.profile().divergence().outcomes().keys().cloned().collect();
    assert_eq!(kept, [step("Home", "Kitchen")]);
    assert!(e.profile().divergence().blocked().is_empty());
    assert_no_trace(&e, 2, &["Garden"]);
}
