//! An engine whose catalog grows as a page fetches the shards of a sharded
//! catalog (`Engine::replace_catalog`): the profile, the preferences and the
//! seed carry over, and nothing computed from the old catalog (the balls, the
//! sequence model's encoder and scores) survives into the next slate.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::Engine;
use flaneur::catalog::{Catalog, Manifest, ModelShape};
use flaneur::profile::{Event, EventKind};
use flaneur::rank::Request;
use flaneur::snapshot::Snapshot;
use flaneur::testkit::{Shape, catalog, with_random_sequence_model};

const T0: i64 = 1_780_000_000_000;
const SHAPE: ModelShape =
    ModelShape { dims: 16, heads: 2, max_len: 12, ffn: 24, blocks: 2, events: true };

/// The parts of a 300-item catalog over three departments, cut at one level
/// with a core of 30 items (with a random sequence model when `model`).
fn parts(model: bool) -> Vec<Catalog> {
    let json = catalog(3, Shape { items: 300, dims: 16, leaves: 24, facets: 2 });
    let mut whole = Catalog::from_json(json).unwrap();
    if model {
        with_random_sequence_model(&mut whole, SHAPE, 5).unwrap();
    }
    whole.split(1, 30).unwrap()
}

fn view(engine: &mut Engine, item_id: &str, at: i64) {
    let event = Event { kind: EventKind::View { item_id: item_id.to_owned() }, at };
    engine.record(&event).unwrap();
}

/// The core items of the department with the most of them, and its shard.
fn core_items_and_their_shard(parts: &[Catalog]) -> (Vec<String>, usize) {
    let (core, shards) = (&parts[0], &parts[1..]);
    let department_of = |id: &str| {
        let item = core.item(core.index_of(id).unwrap());
        Catalog::department(item.category_path(), 1).to_owned()
    };
    let (shard, _) = shards
        .iter()
        .enumerate()
        .map(|(k, shard)| {
            let department = shard.part().unwrap().department.clone().unwrap();
            (k, core.iter().filter(|i| department_of(i.id()) == department).count())
        })
        .max_by_key(|&(_, n)| n)
        .unwrap();
    let department = shards[shard].part().unwrap().department.clone().unwrap();
    let ids = core.iter().map(|i| i.id().to_owned()).filter(|id| department_of(id) == department);
    (ids.collect(), shard + 1)
}

#[test]
fn a_shard_joined_later_keeps_the_profile_and_reaches_the_next_slate() {
    let parts = parts(false);
    let (viewed, shard) = core_items_and_their_shard(&parts);
    assert!(viewed.len() >= 3, "{viewed:?}");
    let mut engine = Engine::with_seed(Catalog::from_parts(&parts[..1]).unwrap(), 9);
    for (n, id) in viewed.iter().enumerate() {
        view(&mut engine, id, T0 + n as i64 * 60_000);
    }
    let now = T0 + 3_600_000;
    let request = Request { k: 24, ..Request::default() };
    let before = engine.recommend(&request, now).unwrap();
    let in_shard = |id: &str| parts[shard].index_of(id).is_some();
    assert!(before.items.iter().all(|i| !in_shard(&i.item_id)), "the shard is not there yet");
    let (profile, preferences) = (engine.profile_view(now), engine.preferences().clone());

    engine.replace_catalog(Catalog::from_parts(&[parts[0].clone(), parts[shard].clone()]).unwrap());
    assert_eq!(engine.catalog().len(), parts[0].len() + parts[shard].len());
    assert_eq!(engine.profile_view(now), profile, "the profile holds for the joined catalog");
    assert_eq!(engine.preferences(), &preferences);
    let after = engine.recommend(&request, now).unwrap();
    let from_shard = after.items.iter().filter(|i| in_shard(&i.item_id)).count();
    assert!(from_shard > 0, "the shard's items are recommendable: {after:?}");
    let explained = engine.explain(parts[shard].item(0).id(), now).unwrap();
    assert!(explained.relevance > 0.0);

    // The same as an engine opened on the joined catalog with the same
    // events and seed, that made the same number of slates.
    let joined = Catalog::from_parts(&[parts[shard].clone(), parts[0].clone()]).unwrap();
    let mut fresh = Engine::with_seed(joined, 9);
    for (n, id) in viewed.iter().enumerate() {
        view(&mut fresh, id, T0 + n as i64 * 60_000);
    }
    fresh.recommend(&request, now).unwrap();
    assert_eq!(fresh.recommend(&request, now).unwrap(), after);
}

#[test]
fn after_a_replace_the_slates_equal_a_fresh_engines_so_no_stale_cache_survives() {
    let parts = parts(true);
    let (viewed, shard) = core_items_and_their_shard(&parts);
    let core = Catalog::from_parts(&parts[..1]).unwrap();
    assert!(core.sequence_model().is_some());
    let mut engine = Engine::with_seed(core, 4);
    let request = Request { k: 12, ..Request::default() };
    let mut slates = 0;
    // The engine that has ranked all along (its caches filled on the core)
    // against one opened on the joined catalog and rebased on its snapshot.
    let check = |engine: &Engine, now: i64, slates: &mut usize| {
        let bytes = engine.snapshot(now).to_bytes();
        let snapshot = Snapshot::from_bytes(&bytes, engine.catalog().shop()).unwrap();
        let mut fresh = Engine::with_seed(engine.catalog().clone(), 4);
        fresh.rebase(Some(snapshot), &[]);
        for _ in 0..*slates {
            fresh.recommend(&request, now).unwrap();
        }
        let (kept, anew) =
            (engine.recommend(&request, now).unwrap(), fresh.recommend(&request, now).unwrap());
        *slates += 1;
        assert_eq!(kept, anew, "after {slates} slates");
        for item in engine.catalog().iter().step_by(23) {
            let id = item.id();
            assert_eq!(engine.explain(id, now).unwrap(), fresh.explain(id, now).unwrap(), "{id}");
        }
    };
    for (n, id) in viewed.iter().take(4).enumerate() {
        view(&mut engine, id, T0 + n as i64 * 60_000);
        check(&engine, T0 + n as i64 * 60_000 + 1, &mut slates);
    }
    assert!(engine.profile_view(T0 + 300_000).sequence_steps > 0);
    // The shard joined in place, as a page joins it (`Engine::join_shard`).
    let department = |k: usize| parts[k].part().unwrap().department.clone();
    let mut layout: Vec<(Option<String>, usize)> = vec![(None, parts[0].len())];
    let mut join = |engine: &mut Engine, k: usize| {
        let held: Vec<(Option<&str>, usize)> =
            layout.iter().map(|(d, n)| (d.as_deref(), *n)).collect();
        engine.join_shard(&held, &parts[k]).unwrap();
        let at = layout.partition_point(|(d, _)| d.is_none() || *d < department(k));
        layout.insert(at, (department(k), parts[k].len()));
    };
    join(&mut engine, shard);
    assert_eq!(engine.catalog().len(), parts[0].len() + parts[shard].len());
    check(&engine, T0 + 300_001, &mut slates);
    // A step on an item of the shard, then every shard.
    let shard_item = parts[shard].item(0).id().to_owned();
    view(&mut engine, &shard_item, T0 + 400_000);
    check(&engine, T0 + 400_001, &mut slates);
    for k in (1..parts.len()).rev().filter(|&k| k != shard) {
        join(&mut engine, k);
    }
    assert_eq!(engine.catalog().len(), 300);
    check(&engine, T0 + 500_001, &mut slates);
    engine.replace_catalog(Catalog::from_parts(&parts).unwrap());
    check(&engine, T0 + 500_002, &mut slates);
}

#[test]
fn the_browser_tests_sharded_fixture_is_what_the_compiler_writes_today() {
    // tests/web.rs opens tests/fixtures/sharded/ (`flaneur catalog build
    // tests/fixtures/sharded.json -o tests/fixtures/sharded --shards 1
    // --core-items 3`): the same cut, made here, gives the same files.
    let whole = Catalog::from_json_str(include_str!("fixtures/sharded.json")).unwrap();
    let (manifest, files) = Manifest::for_parts(&whole.split(1, 3).unwrap(), 1).unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sharded");
    let stored = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert_eq!(Manifest::from_json_str(&stored).unwrap(), manifest, "regenerate the fixture");
    for (name, bytes) in files {
        assert_eq!(std::fs::read(dir.join(&name)).unwrap(), bytes, "{name}");
    }
}
