//! Properties that must hold for any input.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::Engine;
use flaneur::catalog::{Catalog, quantize::quantize};
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::{Affinity, Event, EventKind, Profile};
use flaneur::rank::{
    Request, Scorer, Weights,
    topk::{Pool, top_k},
};
use proptest::prelude::*;

fn demo() -> Catalog {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/catalog-60.json"
    ))
    .unwrap();
    Catalog::from_json_str(&text).unwrap()
}

fn event(kind: u8, item_id: String, at: i64) -> Event {
    let kind = match kind % 7 {
        0 => EventKind::View { item_id },
        1 => EventKind::Dwell { item_id, ms: (at % 60_000) as f64 },
        2 => EventKind::Click { item_id },
        3 => EventKind::AddToCart { item_id },
        4 => EventKind::RemoveFromCart { item_id },
        5 => EventKind::Purchase { item_id },
        _ => EventKind::Dismiss { item_id },
    };
    Event { kind, at }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn relevance_and_scores_stay_in_0_1(
        history in prop::collection::vec((any::<u8>(), 0usize..60, 0i64..10_000_000_000), 0..80),
    ) {
        let catalog = demo();
        let mut engine = Engine::new(catalog.clone());
        for (kind, item, at) in &history {
            engine.record(&event(*kind, catalog.item(*item).id().to_owned(), *at)).unwrap();
        }
        let scorer = Scorer::new(&catalog, engine.profile(), 10_000_000_000, Weights::default());
        for i in 0..catalog.len() {
            let r = scorer.relevance(i);
            prop_assert!((0.0..=1.0).contains(&r), "relevance {r}");
        }
        let slate =
            engine.recommend(&Request { k: 60, ..Request::default() }, 10_000_000_000).unwrap();
        prop_assert_eq!(slate.items.len() + slate.withheld, 60);
        for r in &slate.items {
            prop_assert!((0.0..=1.0).contains(&r.score));
        }
        // Determinism: the same seed, history and request give the same slate.
        let mut twin = Engine::new(catalog.clone());
        for (kind, item, at) in &history {
            twin.record(&event(*kind, catalog.item(*item).id().to_owned(), *at)).unwrap();
        }
        prop_assert_eq!(
            slate,
            twin.recommend(&Request { k: 60, ..Request::default() }, 10_000_000_000).unwrap()
        );
    }

    #[test]
    fn abstention_is_honoured_and_intensity_zero_is_the_shop_order(
        history in prop::collection::vec((any::<u8>(), 0usize..60, 0i64..1_000_000), 0..40),
        threshold in 0.0f32..0.9,
        k in 1usize..30,
    ) {
        let catalog = demo();
        let mut engine = Engine::new(catalog.clone());
        for (kind, item, at) in &history {
            engine.record(&event(*kind, catalog.item(*item).id().to_owned(), *at)).unwrap();
        }
        let patch = PreferencesPatch { threshold: Some(threshold), ..Default::default() };
        engine.set_preferences(patch).unwrap();
        let now = 1_000_000;
        let slate = engine.recommend(&Request { k, ..Request::default() }, now).unwrap();
        let scorer = Scorer::new(&catalog, engine.profile(), now, Weights::default());
        for r in &slate.items {
            // Personal items clear the threshold; divergent ones, deliberate and labelled, half of
            // it.
            let floor = if r.kind == flaneur::rank::Kind::Divergent {
                threshold * flaneur::rank::DIVERGENT_FLOOR
            } else {
                threshold
            };
            prop_assert!(scorer.relevance(r.index) >= floor, "{} below {floor}", r.item_id);
            prop_assert!(r.kind != flaneur::rank::Kind::Divergent || r.reason.divergence.is_some());
        }
        prop_assert_eq!(slate.items.len() + slate.withheld, k);

        let patch = PreferencesPatch { intensity: Some(0.0), ..Default::default() };
        engine.set_preferences(patch).unwrap();
        let plain = engine.recommend(&Request { k, ..Request::default() }, now).unwrap();
        let expected: Vec<&str> = catalog
            .iter()
            .filter(|i| i.available() && i.sensitive().is_none())
            .take(k)
            .map(|i| i.id())
            .collect();
        let got: Vec<&str> = plain.items.iter().map(|r| r.item_id.as_str()).collect();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn affinity_does_not_depend_on_event_order(
        events in prop::collection::vec((0.0f32..4.0, 0i64..1_000_000_000), 1..20),
    ) {
        let hl = 86_400_000.0;
        let fold = |list: &[(f32, i64)]| {
            let mut a = Affinity::new(list[0].0, list[0].1);
            for (w, at) in &list[1..] { a.add(*w, *at, hl); }
            a
        };
        let forward = fold(&events);
        let mut reversed = events.clone();
        reversed.reverse();
        let backward = fold(&reversed);
        let now = 2_000_000_000;
        prop_assert!(
            (forward.weight_at(now, hl) - backward.weight_at(now, hl)).abs()
                <= 1e-3 * forward.weight_at(now, hl).max(1.0)
        );
        prop_assert_eq!(
            (forward.count, forward.first_seen, forward.last_seen),
            (backward.count, backward.first_seen, backward.last_seen)
        );
    }

    #[test]
    fn top_k_is_the_prefix_of_a_full_sort(
        scores in prop::collection::vec(0.0f32..1.0, 0..200),
        k in 1usize..50,
    ) {
        let scored: Vec<(f32, u32)> =
            scores.iter().enumerate().map(|(i, s)| (*s, i as u32)).collect();
        let mut sorted = scored.clone();
        sorted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        sorted.truncate(k);
        prop_assert_eq!(top_k(scored, k), sorted);
    }

    #[test]
    fn a_streaming_pool_keeps_what_top_k_keeps(
        scores in prop::collection::vec(0u8..20, 0..300),
        k in 0usize..40,
    ) {
        // Few distinct scores, so ties between positions are common.
        let scored: Vec<(f32, u32)> =
            scores.iter().enumerate().map(|(i, s)| (*s as f32 / 20.0, i as u32)).collect();
        let mut pool = Pool::new(k);
        scored.iter().for_each(|&p| pool.push(p));
        prop_assert_eq!(pool.finish(), top_k(scored, k));
    }

    #[test]
    fn quantization_error_is_within_half_a_step(
        v in prop::collection::vec(-100.0f32..100.0, 1..96),
    ) {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        prop_assume!(norm > 1e-3);
        let (codes, scale) = quantize(&v);
        for (x, c) in v.iter().zip(&codes) {
            prop_assert!(((*c as f32) * scale - x / norm).abs() <= scale * 0.5 + 1e-6);
        }
    }
}

#[test]
fn the_profile_stays_bounded_however_many_distinct_things_it_sees() {
    use flaneur::profile::{
        Evidence, MAX_CATEGORIES, MAX_FACET_VALUES, MAX_RECENT, interests::MAX_INTERESTS,
    };
    let mut profile = Profile::default();
    for n in 0..5_000i64 {
        let path = format!("Dept {} > Cat {n}", n % 7);
        let value = format!("v{n}");
        let mut vector = vec![0.0f32; 8];
        vector[(n % 8) as usize] = 1.0;
        vector[((n / 8) % 8) as usize] += 0.5;
        let seen = Evidence {
            item_id: &value,
            categories: &[&path[..6], &path],
            facets: &[("colour", &value)],
            vector: Some(&vector),
        };
        profile.learn(&seen, 1.0, n * 1000);
    }
    assert_eq!(profile.categories().len(), MAX_CATEGORIES);
    assert_eq!(profile.facets().len(), MAX_FACET_VALUES);
    assert!(profile.interests().len() <= MAX_INTERESTS);
    assert_eq!(profile.recent().count(), MAX_RECENT);
    // The newest things survive eviction; the departments, seen constantly, too.
    assert!(profile.category("Dept 1 > Cat 4999").is_some());
    assert!(profile.category("Dept 0").is_some());
}
