//! The shopper in control: read, forget, export and import the profile.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::catalog::Catalog;
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::ProfileImport;
use flaneur::profile::{Event, EventKind, FORGOTTEN_EVIDENCE};
use flaneur::rank::{Scorer, Weights};
use flaneur::{Engine, Forget};

const DAY: i64 = 86_400_000;

fn shop() -> Engine {
    let text = r#"{"version":1,"shop":"demo","facets":{"colour":{"divergence":true}},"items":[
      {"id":"s1","title":"S","category":"Women > Knitwear > Sweaters",
       "attributes":{"colour":"red"}},
      {"id":"s2","title":"S","category":"Women > Knitwear > Sweaters",
       "attributes":{"colour":"red"}},
      {"id":"s3","title":"S","category":"Women > Knitwear > Sweaters",
       "attributes":{"colour":"navy"}},
      {"id":"b1","title":"B","category":"Shoes > Boots","attributes":{"colour":"red"}}]}"#;
    Engine::with_seed(Catalog::from_json_str(text).unwrap(), 1)
}

fn view(engine: &mut Engine, id: &str, at: i64) {
    engine.record(&Event { kind: EventKind::View { item_id: id.into() }, at }).unwrap();
}

fn relevance(engine: &Engine, id: &str, now: i64) -> f32 {
    let c = engine.catalog();
    Scorer::new(c, engine.profile(), now, Weights::default()).relevance(c.index_of(id).unwrap())
}

#[test]
fn the_view_lists_tastes_with_provenance_and_expiry() {
    let mut e = shop();
    view(&mut e, "s1", 0);
    view(&mut e, "s2", DAY);
    let v = e.profile_view(DAY);
    let knit = v.tastes.iter().find(|t| t.label == "Women > Knitwear > Sweaters").unwrap();
    assert_eq!((knit.kind, knit.count, knit.first_seen, knit.last_seen), ("category", 2, 0, DAY));
    assert!(knit.expires_at > DAY + 30 * DAY, "a taste fades over months, not days");
    let red =
        v.tastes.iter().find(|t| t.kind == "facet" && t.value.as_deref() == Some("red")).unwrap();
    assert_eq!(red.label, "colour");
    assert!(v.tastes.windows(2).all(|w| w[0].strength >= w[1].strength));
    // Long after its expiry, a taste is no longer listed.
    let later = e.profile_view(knit.expires_at + DAY);
    assert!(later.tastes.iter().all(|t| t.strength >= FORGOTTEN_EVIDENCE));
    assert!(!later.tastes.iter().any(|t| t.label == "Women > Knitwear > Sweaters"));
}

#[test]
fn forgetting_a_facet_value_removes_its_influence() {
    let mut e = shop();
    for n in 0..3 {
        view(&mut e, "s1", n);
        view(&mut e, "b1", n);
    }
    let before = relevance(&e, "s2", 10);
    assert!(e.forget(&Forget::Facet { facet: "colour".into(), value: "red".into() }, 10));
    assert!(e.profile().facet("colour", "red").is_none());
    assert!(relevance(&e, "s2", 10) < before);
    assert!(
        !e.forget(&Forget::Facet { facet: "colour".into(), value: "red".into() }, 10),
        "nothing left to forget"
    );
}

#[test]
fn forgetting_an_item_takes_back_what_it_taught() {
    let mut e = shop();
    view(&mut e, "s1", 0);
    view(&mut e, "s1", 1);
    view(&mut e, "b1", 2);
    assert!(e.forget(&Forget::Item("s1".into()), 3));
    let p = e.profile();
    assert!(p.items().get("s1").is_none());
    assert!(p.recent().all(|id| id != "s1"));
    assert!(p.session().all(|ev| ev.kind.item_id() != Some("s1")));
    // Sweaters were learned only from s1: gone. Boots stay.
    assert!(p.category("Women > Knitwear > Sweaters").is_none());
    assert!(p.category("Shoes > Boots").is_some());
    // Red was learned from s1 twice and b1 once: one interaction's worth is left.
    let red = p.facet("colour", "red").unwrap().weight_at(3, p.half_life_ms());
    assert!((red - 1.0).abs() < 0.01, "{red}");
}

#[test]
fn forgetting_a_category_forgets_what_lies_below_and_everything_forgets_all() {
    let mut e = shop();
    view(&mut e, "s1", 0);
    view(&mut e, "b1", 0);
    assert!(e.forget(&Forget::Category("Women".into()), 1));
    assert!(e.profile().category("Women > Knitwear > Sweaters").is_none());
    assert!(e.profile().category("Shoes").is_some());
    assert!(e.forget(&Forget::Everything, 1));
    assert!(e.profile().is_empty());
    assert!(e.profile_view(1).tastes.is_empty());
}

#[test]
fn an_export_imports_back_and_bad_imports_change_nothing() {
    let mut e = shop();
    view(&mut e, "s1", 0);
    view(&mut e, "s3", DAY);
    e.set_preferences(PreferencesPatch { surprise: Some(0.4), ..Default::default() }).unwrap();
    let export = e.export(2 * DAY);
    assert_eq!((export.format, export.shop.as_str()), ("flaneur-profile", "demo"));
    assert!(!export.profile.tastes.is_empty(), "the export is readable, not only data");
    let json = serde_json::to_string(&export).unwrap();

    let mut other = shop();
    let import: ProfileImport = serde_json::from_str(&json).unwrap();
    other.import(&import).unwrap();
    assert_eq!(other.profile(), e.profile());
    assert_eq!(other.preferences().surprise, 0.4);

    // Damaged, foreign or newer exports are refused, and the profile is kept.
    let kept = other.profile().clone();
    let mut damaged = import.clone();
    damaged.data.replace_range(40..44, "AAAA");
    assert_eq!(other.import(&damaged).unwrap_err().code(), "PROFILE_CORRUPT");
    let mut foreign = import.clone();
    foreign.shop = "elsewhere".into();
    assert_eq!(other.import(&foreign).unwrap_err().code(), "BAD_ARGUMENT");
    let mut newer = import.clone();
    newer.version = 99;
    assert_eq!(other.import(&newer).unwrap_err().code(), "PROFILE_VERSION");
    let mut not_ours = import;
    not_ours.format = "something-else".into();
    assert_eq!(other.import(&not_ours).unwrap_err().code(), "BAD_ARGUMENT");
    assert_eq!(other.profile(), &kept);
}

#[test]
fn explain_gives_the_reason_and_relevance_the_slate_would_use() {
    let mut e = shop();
    view(&mut e, "s1", 0);
    view(&mut e, "s2", 1);
    let why = e.explain("s3", 2).unwrap();
    assert!((why.relevance - relevance(&e, "s3", 2)).abs() < 1e-6);
    assert!(why.recommendable);
    assert_eq!(why.reason.signals[0].label, "Women > Knitwear > Sweaters");
    assert!(why.text.contains("Sweaters"), "{}", why.text);
    let boots = e.explain("b1", 2).unwrap();
    assert!(boots.relevance < why.relevance, "a red boot shares the colour, not the category");
    assert_eq!(e.explain("nope", 2).unwrap_err().code(), "UNKNOWN_ITEM");
}

#[test]
fn forgetting_a_category_forgets_its_items_and_what_they_taught_the_vectors() {
    let text = r#"{"version":1,"shop":"demo","dims":3,"facets":{"colour":{}},"items":[
      {"id":"s1","title":"S","category":"Women > Knitwear > Sweaters",
       "attributes":{"colour":"red"},"vector":[1,0,0]},
      {"id":"s2","title":"S","category":"Women > Knitwear > Sweaters",
       "attributes":{"colour":"navy"},"vector":[0.95,0.1,0]},
      {"id":"s3","title":"S","category":"Women > Knitwear > Sweaters",
       "attributes":{"colour":"cream"},"vector":[0.9,0,0.1]},
      {"id":"b1","title":"B","category":"Shoes > Boots","attributes":{"colour":"black"},
       "vector":[0,0,1]},
      {"id":"b2","title":"B","category":"Shoes > Boots","attributes":{"colour":"brown"},
       "vector":[0,0.1,0.95]}]}"#;
    let mut e = Engine::with_seed(Catalog::from_json_str(text).unwrap(), 1);
    for (i, id) in ["s1", "s2", "b1", "s1", "s2"].iter().enumerate() {
        view(&mut e, id, i as i64 * 1000);
    }
    let before = e.explain("s3", 10_000).unwrap();
    assert!(
        before
            .reason
            .signals
            .iter()
            .any(|s| s.kind == flaneur::rank::explain::SignalKind::Similarity)
    );
    assert!(e.forget(&Forget::Category("Women > Knitwear".into()), 10_000));
    assert!(
        e.profile().items().keys().all(|id| id.starts_with('b')),
        "{:?}",
        e.profile().items().keys().collect::<Vec<_>>()
    );
    let after = e.explain("s3", 10_000).unwrap();
    assert!(
        !after.recommendable && after.relevance < before.relevance / 3.0,
        "{} after {}",
        after.relevance,
        before.relevance
    );
    // Nothing categorial is left ("Women" was taught only by the sweaters), and
    // the vectors were learned again from the boots alone.
    assert!(
        after.reason.signals.iter().all(|s| s.kind != flaneur::rank::explain::SignalKind::Category),
        "{:?}",
        after.reason.signals
    );
    let similarity = |x: &flaneur::engine::Explanation| {
        x.reason
            .signals
            .iter()
            .filter(|s| s.kind == flaneur::rank::explain::SignalKind::Similarity)
            .map(|s| s.contribution)
            .sum::<f32>()
    };
    assert!(
        similarity(&after) < similarity(&before) / 5.0,
        "{} vs {}",
        similarity(&after),
        similarity(&before)
    );
    assert!(
        e.profile().facet("colour", "red").is_none(),
        "what the red sweater taught went with it"
    );
    // The boots remain, through their category and their vector.
    let boots = e.explain("b2", 10_000).unwrap();
    assert!(
        boots.recommendable
            && boots
                .reason
                .signals
                .iter()
                .any(|s| s.kind == flaneur::rank::explain::SignalKind::Similarity)
    );
}
