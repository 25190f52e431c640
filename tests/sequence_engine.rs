//! The engine with a catalog that carries a sequence model: the profile keeps
//! the order of steps, the encoder follows it event by event, and slates and
//! explanations use what the model predicts.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::Engine;
use flaneur::catalog::{Catalog, ModelShape};
use flaneur::profile::{Event, EventKind, Forget, Profile, StepKind};
use flaneur::rank::Request;
use flaneur::rank::explain::SignalKind;
use flaneur::sequence::{Encoder, Step, Tracker, forward};
use flaneur::testkit::{Shape, catalog, with_random_sequence_model};

const T0: i64 = 1_780_000_000_000;
const SHAPE: ModelShape =
    ModelShape { dims: 16, heads: 2, max_len: 12, ffn: 24, blocks: 2, events: true };

fn shop(with_model: bool) -> Catalog {
    let mut c =
        Catalog::from_json(catalog(11, Shape { items: 400, dims: 16, leaves: 20, facets: 3 }))
            .unwrap();
    if with_model {
        with_random_sequence_model(&mut c, SHAPE, 5).unwrap();
    }
    c
}

fn view(engine: &mut Engine, index: usize, at: i64) {
    let item_id = engine.catalog().item(index).id().to_owned();
    engine.record(&Event { kind: EventKind::View { item_id }, at }).unwrap();
}

fn steps_of(catalog: &Catalog, profile: &Profile) -> Vec<Step> {
    profile
        .sequence()
        .iter()
        .map(|s| Step { item: catalog.index_of(&s.item_id).unwrap() as u32, kind: s.kind.code() })
        .collect()
}

#[test]
fn the_order_is_kept_only_when_the_catalog_carries_a_model() {
    for with_model in [false, true] {
        let mut engine = Engine::new(shop(with_model));
        for (n, index) in [3, 40, 7].into_iter().enumerate() {
            view(&mut engine, index, T0 + n as i64 * 1000);
        }
        let item_id = engine.catalog().item(40).id().to_owned();
        engine.record(&Event { kind: EventKind::AddToCart { item_id }, at: T0 + 5000 }).unwrap();
        let kept: Vec<StepKind> = engine.profile().sequence().iter().map(|s| s.kind).collect();
        if with_model {
            assert_eq!(kept, [StepKind::View, StepKind::View, StepKind::View, StepKind::AddToCart]);
            assert_eq!(engine.profile_view(T0).sequence_steps, 4);
        } else {
            assert!(kept.is_empty(), "no model, no order kept");
        }
    }
}

#[test]
fn the_encoder_follows_the_profile_through_pushes_forgets_and_replacements() {
    let mut engine = Engine::new(shop(true));
    let mut rng = flaneur::testkit::Rng::new(9);
    for n in 0..30 {
        view(&mut engine, rng.below(400), T0 + n * 60_000);
    }
    let catalog = engine.catalog().clone();
    let model = catalog.sequence_model().unwrap();
    let check = |engine: &Engine| {
        let steps = steps_of(&catalog, engine.profile());
        let mut tracker = Tracker::default();
        tracker.sync(&catalog, engine.profile().sequence());
        let window = tracker.encoder().steps().to_vec();
        assert!(steps.ends_with(&window) && !window.is_empty());
        let reference = forward(model, catalog.vectors(), &window).unwrap();
        (reference, window)
    };
    // Thirty pushes through a window of 12 (halved twice) equal an uncached
    // forward pass over the same window.
    let (reference, _) = check(&engine);
    let mut incremental = Tracker::default();
    let mut fresh = Profile::default();
    for step in engine.profile().sequence().iter() {
        fresh.note_step(&step.item_id, step.kind);
        incremental.sync(&catalog, fresh.sequence());
    }
    let pushed = forward(model, catalog.vectors(), incremental.encoder().steps()).unwrap();
    for (a, b) in incremental.encoder().state().unwrap().iter().zip(&pushed.state) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
    assert_eq!(reference.state.len(), SHAPE.dims);
    // Forgetting an item takes its steps out of the order, and the encoder follows.
    let gone = engine.profile().sequence().iter().next_back().unwrap().item_id.clone();
    assert!(engine.forget(&Forget::Item(gone.clone()), T0 + 10_000_000));
    assert!(engine.profile().sequence().iter().all(|s| s.item_id != gone));
    let slate = engine.recommend(&Request { k: 8, ..Request::default() }, T0 + 10_000_000).unwrap();
    assert!(!slate.items.is_empty());
    let (_, window) = check(&engine);
    assert!(window.iter().all(|s| catalog.item(s.item as usize).id() != gone));
    // Forgetting everything empties it.
    engine.forget(&Forget::Everything, T0 + 10_000_001);
    assert!(engine.profile().sequence().is_empty());
}

#[test]
fn a_slate_explains_its_sequence_signal_with_the_step_it_attended_to() {
    let mut engine = Engine::new(shop(true));
    for (n, index) in [5, 17, 240, 33].into_iter().enumerate() {
        view(&mut engine, index, T0 + n as i64 * 60_000);
    }
    let now = T0 + 300_000;
    let slate = engine.recommend(&Request { k: 12, ..Request::default() }, now).unwrap();
    let viewed: Vec<String> =
        engine.profile().sequence().iter().map(|s| s.item_id.clone()).collect();
    let titles: Vec<&str> = viewed
        .iter()
        .map(|id| engine.catalog().item(engine.catalog().index_of(id).unwrap()).title())
        .collect();
    let signals: Vec<_> = slate
        .items
        .iter()
        .flat_map(|r| r.reason.signals.iter())
        .filter(|s| s.kind == SignalKind::ViewedAfter)
        .collect();
    assert!(!signals.is_empty(), "the model's signal is named in the slate");
    for signal in signals {
        assert!(titles.contains(&signal.label.as_str()), "{} names a step", signal.label);
        assert!(signal.describe().starts_with("often viewed after "));
    }
    let explained = engine.explain(&slate.items[0].item_id, now).unwrap();
    assert!(explained.relevance > 0.0);
}

#[test]
fn the_slate_follows_the_models_scores_when_nothing_else_is_known() {
    // One view: categories and facets know one item; the model orders the rest.
    let mut engine = Engine::new(shop(true));
    view(&mut engine, 77, T0);
    let catalog = engine.catalog().clone();
    let model = catalog.sequence_model().unwrap();
    let mut encoder = Encoder::new();
    encoder.push(model, catalog.vectors(), Step { item: 77, kind: 0 });
    let scores = flaneur::sequence::score_all(encoder.state().unwrap(), catalog.vectors());
    let slate = engine.recommend(&Request { k: 10, ..Request::default() }, T0 + 1000).unwrap();
    let best_by_model = (0..catalog.len())
        .filter(|&i| i != 77)
        .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
        .unwrap();
    let listed: Vec<usize> =
        slate.items.iter().map(|r| catalog.index_of(&r.item_id).unwrap()).collect();
    assert!(listed.contains(&best_by_model), "the model's best item {best_by_model} is listed");
}

#[test]
fn after_a_rebase_slates_still_follow_the_model() {
    // What a page does when another tab stored: the profile comes back from
    // its snapshot, the encoder is reset and encodes the sequence again.
    let mut engine = Engine::new(shop(true));
    for (n, index) in [5, 17, 240].into_iter().enumerate() {
        view(&mut engine, index, T0 + n as i64 * 60_000);
    }
    let now = T0 + 300_000;
    let before = engine.recommend(&Request { k: 12, ..Request::default() }, now).unwrap();
    let bytes = engine.snapshot(now).to_bytes();
    let snapshot =
        flaneur::snapshot::Snapshot::from_bytes(&bytes, engine.catalog().shop()).unwrap();
    engine.rebase(Some(snapshot), &[]);
    assert_eq!(engine.profile().sequence().len(), 3);
    let after = engine.recommend(&Request { k: 12, ..Request::default() }, now).unwrap();
    let kinds = |slate: &flaneur::rank::Slate| -> Vec<SignalKind> {
        slate.items.iter().flat_map(|r| r.reason.signals.iter().map(|s| s.kind)).collect()
    };
    assert!(kinds(&after).contains(&SignalKind::ViewedAfter), "{:?}", kinds(&after));
    let ids = |slate: &flaneur::rank::Slate| -> Vec<String> {
        slate.items.iter().map(|r| r.item_id.clone()).collect()
    };
    assert_eq!(ids(&before).len(), ids(&after).len());
}

#[test]
fn the_cached_scores_give_the_slates_of_a_fresh_engine_through_every_change() {
    // The model's scores are kept between slates; whatever changes the
    // sequence (a step, a forgotten item, another tab's profile) must not
    // leave a slate or an explanation on the old ones. Each check compares
    // the engine that has ranked all along with one opened on its snapshot.
    let mut engine = Engine::with_seed(shop(true), 4);
    let mut slates = 0;
    let request = Request { k: 12, ..Request::default() };
    let probes: Vec<String> =
        (0..400).step_by(37).map(|i| engine.catalog().item(i).id().to_owned()).collect();
    let check = |engine: &Engine, now: i64, slates: &mut usize| {
        let bytes = engine.snapshot(now).to_bytes();
        let snapshot =
            flaneur::snapshot::Snapshot::from_bytes(&bytes, engine.catalog().shop()).unwrap();
        let mut fresh = Engine::with_seed(shop(true), 4);
        fresh.rebase(Some(snapshot), &[]);
        for _ in 0..*slates {
            fresh.recommend(&request, now).unwrap();
        }
        let (kept, anew) =
            (engine.recommend(&request, now).unwrap(), fresh.recommend(&request, now).unwrap());
        *slates += 1;
        assert_eq!(kept, anew, "after {slates} slates");
        for id in &probes {
            assert_eq!(engine.explain(id, now).unwrap(), fresh.explain(id, now).unwrap(), "{id}");
        }
    };
    for (n, index) in [5, 17, 240, 33].into_iter().enumerate() {
        view(&mut engine, index, T0 + n as i64 * 60_000);
        check(&engine, T0 + n as i64 * 60_000 + 1, &mut slates);
    }
    let item_id = engine.catalog().item(17).id().to_owned();
    engine.record(&Event { kind: EventKind::AddToCart { item_id }, at: T0 + 300_000 }).unwrap();
    check(&engine, T0 + 300_001, &mut slates);
    let gone = engine.catalog().item(240).id().to_owned();
    assert!(engine.forget(&Forget::Item(gone), T0 + 400_000));
    check(&engine, T0 + 400_001, &mut slates);
    // Another tab's profile replaces this one.
    let mut other = Engine::with_seed(shop(true), 4);
    for (n, index) in [300, 12, 99].into_iter().enumerate() {
        view(&mut other, index, T0 + n as i64 * 60_000);
    }
    let bytes = other.snapshot(T0 + 500_000).to_bytes();
    let snapshot = flaneur::snapshot::Snapshot::from_bytes(&bytes, other.catalog().shop()).unwrap();
    engine.rebase(Some(snapshot), &[]);
    check(&engine, T0 + 500_001, &mut slates);
    view(&mut engine, 77, T0 + 600_000);
    check(&engine, T0 + 600_001, &mut slates);
    engine.forget(&Forget::Everything, T0 + 700_000);
    check(&engine, T0 + 700_001, &mut slates);
}
