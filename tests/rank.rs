//! Ranking behaviour: calibration, diversity, near-duplicates, fill, impressions.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::{Event, EventKind};
use flaneur::rank::diversity::{NEAR_DUPLICATE, similarity};
use flaneur::rank::{Kind, Request, Scorer, Weights, shown_factor};

fn demo_catalog() -> Catalog {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/catalog-60.json"
    ))
    .unwrap();
    Catalog::from_json_str(&text).unwrap()
}

fn ids_in(catalog: &Catalog, prefix: &str) -> Vec<String> {
    catalog
        .iter()
        .filter(|i| i.category_path().starts_with(prefix))
        .map(|i| i.id().to_owned())
        .collect()
}

fn record(engine: &mut Engine, kind: EventKind, at: i64) {
    engine.record(&Event { kind, at }).unwrap();
}

fn view(id: &str) -> EventKind {
    EventKind::View { item_id: id.to_owned() }
}

#[test]
fn relevance_means_the_same_for_a_new_and_a_long_standing_shopper() {
    // Knitwear and kitchen items share no category, facet value or vector direction.
    let mut items = Vec::new();
    for n in 0..5 {
        items.push(format!(
            r#"{{"id":"k{n}","title":"K","category":"Women > Knitwear",
                "attributes":{{"colour":"red"}},"vector":[1,0.{n},0,0]}}"#
        ));
        items.push(format!(
            r#"{{"id":"h{n}","title":"H","category":"Home > Kitchen",
                "attributes":{{"colour":"white"}},"vector":[0,0,1,0.{n}]}}"#
        ));
    }
    let text = format!(
        r#"{{"version":1,"shop":"s","dims":4,"facets":{{"colour":{{}}}},"items":[{}]}}"#,
        items.join(",")
    );
    let catalog = Catalog::from_json_str(&text).unwrap();
    let mut newcomer = Engine::new(catalog.clone());
    let mut regular = Engine::new(catalog.clone());
    for id in ["k0", "k1", "k2"] {
        record(&mut newcomer, view(id), 0);
        record(&mut regular, view(id), 0);
    }
    // The regular also has a long, busy history elsewhere in the shop.
    for n in 0..2_000 {
        record(&mut regular, view(&format!("h{}", n % 5)), 0);
    }
    let a = Scorer::new(&catalog, newcomer.profile(), 0, Weights::default());
    let b = Scorer::new(&catalog, regular.profile(), 0, Weights::default());
    for n in 0..5 {
        let i = catalog.index_of(&format!("k{n}")).unwrap();
        assert!(
            (a.relevance(i) - b.relevance(i)).abs() < 1e-6,
            "k{n}: {} vs {}",
            a.relevance(i),
            b.relevance(i)
        );
        assert!(a.relevance(i) > 0.2);
    }
}

#[test]
fn diversity_spreads_a_slate_and_zero_diversity_keeps_relevance_order() {
    let catalog = demo_catalog();
    let mut engine = Engine::new(catalog.clone());
    for id in
        ids_in(&catalog, "Women > Knitwear").iter().chain(&ids_in(&catalog, "Women > Dresses")[..2])
    {
        record(&mut engine, view(id), 0);
    }
    let request = Request { k: 6, ..Request::default() };
    let leaves = |engine: &Engine| -> Vec<String> {
        let slate = engine.recommend(&request, 0).unwrap();
        slate.items.iter().map(|r| catalog.item(r.index).category_path().to_owned()).collect()
    };
    engine
        .set_preferences(PreferencesPatch {
            diversity: Some(0.0),
            surprise: Some(0.0),
            ..Default::default()
        })
        .unwrap();
    let plain = engine.recommend(&request, 0).unwrap();
    assert!(plain.items.windows(2).all(|w| w[0].score >= w[1].score));
    let plain_leaves = leaves(&engine);
    engine
        .set_preferences(PreferencesPatch { diversity: Some(0.6), ..Default::default() })
        .unwrap();
    let diverse_leaves = leaves(&engine);
    let distinct = |v: &[String]| v.iter().collect::<std::collections::BTreeSet<_>>().len();
    assert!(
        distinct(&diverse_leaves) > distinct(&plain_leaves),
        "{plain_leaves:?} vs {diverse_leaves:?}"
    );
    // The best item stays first whatever the diversity.
    assert_eq!(plain.items[0].item_id, engine.recommend(&request, 0).unwrap().items[0].item_id);
}

#[test]
fn near_duplicates_are_never_side_by_side() {
    // Six identical red sweaters and two cardigans: the sweaters must be interleaved.
    let mut items = Vec::new();
    for n in 0..6 {
        items.push(format!(
            r#"{{"id":"s{n}","title":"S","category":"Knit > Sweaters",
                "attributes":{{"colour":"red"}},"vector":[1,0,0]}}"#
        ));
    }
    for n in 0..2 {
        items.push(format!(
            r#"{{"id":"c{n}","title":"C","category":"Knit > Cardigans",
                "attributes":{{"colour":"red"}},"vector":[0.7,0.7,0]}}"#
        ));
    }
    let text = format!(
        r#"{{"version":1,"shop":"s","dims":3,"facets":{{"colour":{{}}}},"items":[{}]}}"#,
        items.join(",")
    );
    let catalog = Catalog::from_json_str(&text).unwrap();
    assert!(similarity(&catalog, 0, 1) >= NEAR_DUPLICATE);
    assert!(similarity(&catalog, 0, 6) < NEAR_DUPLICATE);
    let mut engine = Engine::new(catalog.clone());
    for n in 0..4 {
        record(&mut engine, view(&format!("s{n}")), 0);
    }
    record(&mut engine, view("c0"), 0);
    engine.set_preferences(PreferencesPatch { surprise: Some(0.0), ..Default::default() }).unwrap();
    // The viewed sweaters are among the candidates: asked for explicitly (no echo by default).
    let request = Request { k: 5, include_seen: true, ..Request::default() };
    let slate = engine.recommend(&request, 0).unwrap();
    assert_eq!(slate.items.len(), 5);
    for pair in slate.items.windows(2) {
        let sim = similarity(&catalog, pair[0].index, pair[1].index);
        assert!(sim < NEAR_DUPLICATE, "{} next to {}", pair[0].item_id, pair[1].item_id);
    }
}

#[test]
fn popular_fill_is_off_by_default_and_labelled_when_asked() {
    let catalog = demo_catalog();
    let mut engine = Engine::new(catalog.clone());
    engine.set_preferences(PreferencesPatch { surprise: Some(0.0), ..Default::default() }).unwrap();
    for id in &ids_in(&catalog, "Shoes > Boots")[..2] {
        record(&mut engine, view(id), 0);
    }
    let short = engine.recommend(&Request { k: 30, ..Request::default() }, 0).unwrap();
    assert!(short.items.len() < 30 && short.withheld == 30 - short.items.len());
    assert!(short.items.iter().all(|r| r.kind == Kind::Personal));

    let filled = engine.recommend(&Request { k: 30, fill: true, ..Request::default() }, 0).unwrap();
    assert_eq!(filled.items.len(), 30);
    assert_eq!(filled.withheld, short.withheld);
    let personal = filled.items.iter().take_while(|r| r.kind == Kind::Personal).count();
    assert_eq!(personal, short.items.len());
    let fill: Vec<_> = filled.items[personal..].iter().collect();
    assert!(fill.iter().all(|r| {
        r.kind == Kind::Popular && r.reason.signals[0].label == "popular in this shop"
    }));
    let pops: Vec<f32> = fill.iter().map(|r| catalog.item(r.index).popularity()).collect();
    assert!(pops.windows(2).all(|w| w[0] >= w[1]), "fill is ordered by popularity: {pops:?}");
    let mut ids: Vec<&str> = filled.items.iter().map(|r| r.item_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30, "no item twice");
}

#[test]
fn items_shown_often_without_engagement_sink_and_engagement_restores_them() {
    let catalog = demo_catalog();
    let mut engine = Engine::new(catalog.clone());
    engine
        .set_preferences(PreferencesPatch { diversity: Some(0.0), ..Default::default() })
        .unwrap();
    for id in ids_in(&catalog, "Shoes > Boots") {
        record(&mut engine, view(&id), 0);
    }
    let request = Request { k: 3, ..Request::default() };
    let first = engine.recommend(&request, 0).unwrap();
    let top = first.items[0].item_id.clone();
    let top_score = first.items[0].score;
    for _ in 0..12 {
        let slate = engine.recommend(&request, 0).unwrap();
        engine.mark_shown(&slate.impressions(), 0);
    }
    assert!(engine.profile().shown_count(&top) > 3);
    let index = catalog.index_of(&top).unwrap();
    let scorer = Scorer::new(&catalog, engine.profile(), 0, Weights::default());
    assert!(scorer.penalty(index) < 1.0 && scorer.penalty(index) >= shown_factor(u32::MAX));
    let later = engine.recommend(&Request { k: 20, ..Request::default() }, 0).unwrap();
    let later_score = later.items.iter().find(|r| r.item_id == top).map_or(0.0, |r| r.score);
    assert!(later_score < top_score);
    record(&mut engine, EventKind::Click { item_id: top.clone() }, 1);
    assert_eq!(engine.profile().shown_count(&top), 0);
}

#[test]
fn a_factor_catalog_ranks_by_the_shoppers_own_fold_in_factor() {
    use flaneur::rank::foldin::FoldIn;
    use flaneur::testkit::Rng;
    // Three clusters of learned item factors, all in one category: only the factors can tell
    // them apart.
    let mut rng = Rng::new(5);
    let dirs: Vec<Vec<f32>> =
        (0..3).map(|_| (0..8).map(|_| rng.unit() * 2.0 - 1.0).collect()).collect();
    let mut items = Vec::new();
    for n in 0..60 {
        let v: Vec<String> = dirs[n % 3]
            .iter()
            .map(|d| format!("{:.4}", d * 0.8 + (rng.unit() - 0.5) * 0.1))
            .collect();
        items.push(format!(
            r#"{{"id":"i{n}","title":"T","category":"All","vector":[{}]}}"#,
            v.join(",")
        ));
    }
    let text = format!(
        r#"{{"version":1,"shop":"s","dims":8,"vector_kind":"factors","items":[{}]}}"#,
        items.join(",")
    );
    let catalog = Catalog::from_json_str(&text).unwrap();
    let mut engine = Engine::new(catalog.clone());
    engine
        .set_preferences(PreferencesPatch { diversity: Some(0.0), ..Default::default() })
        .unwrap();
    for n in [1, 4, 7, 10, 13] {
        record(&mut engine, view(&format!("i{n}")), 0); // all in cluster 1
    }
    let fold = FoldIn::new(&catalog);
    let x = fold.solve(&catalog, engine.profile(), 0).expect("a history gives a factor");
    assert_eq!(x.len(), 8);
    let slate = engine
        .recommend(
            &Request {
                k: 10,
                exclude: (0..60).step_by(3).map(|n| format!("i{n}")).collect(),
                ..Request::default()
            },
            0,
        )
        .unwrap();
    let clusters: Vec<usize> = slate.items.iter().map(|r| r.index % 3).collect();
    assert!(clusters.len() >= 5, "{clusters:?}");
    assert!(clusters.iter().all(|&c| c == 1), "only the shopper's cluster: {clusters:?}");
    assert!(
        slate.items[0]
            .reason
            .signals
            .iter()
            .any(|s| s.label == "matches your history in this shop")
    );
    // The fold-in preference carries FACTOR_WEIGHT of relevance, the other signals the rest.
    use flaneur::rank::{FACTOR_WEIGHT, Scorer, Weights};
    let scorer = Scorer::new(&catalog, engine.profile(), 0, Weights::default());
    let plain = scorer.weights();
    let weighted = Scorer::new(&catalog, engine.profile(), 0, Weights::default())
        .with_user_factor(&x)
        .weights();
    assert!((weighted.vector - FACTOR_WEIGHT).abs() < 1e-6, "{weighted:?}");
    let sum = weighted.category
        + weighted.facets
        + weighted.vector
        + weighted.popularity
        + weighted.freshness;
    assert!((sum - 1.0).abs() < 1e-6, "{weighted:?}");
    assert!(
        (weighted.category / weighted.facets - plain.category / plain.facets).abs() < 1e-4,
        "proportions kept"
    );
    // A fresh profile has no factor.
    assert!(fold.solve(&catalog, &flaneur::profile::Profile::default(), 0).is_none());
}

#[test]
fn a_newer_release_ranks_above_an_otherwise_identical_older_one() {
    let text = r#"{"version":1,"shop":"s","facets":{"colour":{}},"items":[
      {"id":"old","title":"T","category":"Knit","attributes":{"colour":"red"},
       "released":"2025-01-10"},
      {"id":"new","title":"T","category":"Knit","attributes":{"colour":"red"},
       "released":"2026-05-01"},
      {"id":"undated","title":"T","category":"Knit","attributes":{"colour":"red"}}]}"#;
    let catalog = Catalog::from_json_str(text).unwrap();
    assert_eq!(catalog.released_day(1), flaneur::catalog::dates::parse_day("2026-05-01"));
    assert_eq!(catalog.released_day(2), None);
    let mut engine = Engine::new(catalog);
    // Relevance alone decides (the shop's order would put "old" first).
    engine
        .set_preferences(PreferencesPatch {
            intensity: Some(1.0),
            diversity: Some(0.0),
            ..Default::default()
        })
        .unwrap();
    let now = 1_778_544_000_000; // 12 May 2026
    record(&mut engine, view("old"), now);
    record(&mut engine, view("new"), now);
    record(&mut engine, view("undated"), now);
    let request = Request { k: 3, include_seen: true, ..Request::default() };
    let slate = engine.recommend(&request, now).unwrap();
    let ids: Vec<&str> = slate.items.iter().map(|r| r.item_id.as_str()).collect();
    assert_eq!(ids[0], "new");
    assert!(slate.items[0].reason.signals.iter().any(|s| s.label == "recently released"));
    let score = |id: &str| slate.items.iter().find(|r| r.item_id == id).unwrap().score;
    assert!(score("new") > score("old") && score("old") > score("undated"));
}

#[test]
fn a_release_date_that_is_not_a_date_is_refused() {
    let text = concat!(
        r#"{"version":1,"shop":"s","items":[{"id":"a","title":"T","category":"K","#,
        r#""released":"2026-02-30"}]}"#,
    );
    match Catalog::from_json_str(text).unwrap_err() {
        flaneur::Error::CatalogInvalid { item, field, .. } => {
            assert_eq!((item.as_deref(), field.as_str()), (Some("a"), "released"))
        }
        other => panic!("{other:?}"),
    }
}
