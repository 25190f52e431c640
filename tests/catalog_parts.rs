//! A sharded catalog (docs/FORMATS.md, "Sharded catalog v1"): the compiler's
//! cut into a core and department shards, the manifest naming them by hash,
//! and the join of whichever parts a page has: every item as the whole
//! catalog holds it, and every part that is not the one named refused.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::catalog::{Catalog, Manifest, ModelShape};
use flaneur::profile::{Event, EventKind};
use flaneur::testkit::{Shape, catalog, with_random_sequence_model};
use flaneur::{Engine, Error};

const T0: i64 = 1_780_000_000_000;

/// 300 items over three departments, with bought-with lists, repurchase priors, the
/// crowd's divergence priors of sibling-category steps (overall and in Dept 1) and two report
/// departments.
fn whole() -> Catalog {
    whole_with(|_| {})
}

/// [`whole`] with `edit` made to its items first.
fn whole_with(edit: impl Fn(&mut flaneur::catalog::CatalogJson)) -> Catalog {
    let mut json = catalog(3, Shape { items: 300, dims: 16, leaves: 24, facets: 2 });
    edit(&mut json);
    for i in 0..60 {
        let ids = [(i * 7 + 1) % 300, (i * 13 + 5) % 300];
        json.items[i].bought_with =
            ids.iter().filter(|&&j| j != i).map(|j| format!("sku-{j:07}")).collect();
    }
    let mut text = serde_json::to_value(&json).unwrap();
    text["repurchase"] = serde_json::json!({
        "categories": {"Dept 1": {"share": 0.4, "interval_days": 30.0, "buyers": 12}},
        "items": {"sku-0000007": {"share": 0.8, "interval_days": 9.0, "buyers": 40}}
    });
    text["divergence_priors"] = serde_json::json!({
        "category": {"accepted": 1.5, "rejected": 4.5},
        "category@Dept 1": {"accepted": 2.5, "rejected": 3.5}
    });
    text["report_departments"] = serde_json::json!(["Dept 1", "Dept 2"]);
    Catalog::from_json_str(&text.to_string()).unwrap()
}

fn corrupt(result: Result<Catalog, Error>) -> String {
    match result {
        Err(Error::CatalogCorrupt { reason }) => reason,
        other => panic!("expected CATALOG_INVALID, got {other:?}"),
    }
}

#[test]
fn the_cut_has_a_core_of_the_most_popular_and_a_shard_per_department() {
    let whole = whole();
    let parts = whole.split(1, 40).unwrap();
    let core = &parts[0];
    assert_eq!(core.part().unwrap().department, None);
    assert_eq!(core.len(), 40);
    let floor = core.iter().map(|i| i.popularity()).fold(f32::INFINITY, f32::min);
    let in_core = |id: &str| core.index_of(id).is_some();
    assert!(whole.iter().filter(|i| !in_core(i.id())).all(|i| i.popularity() <= floor));
    let departments: Vec<&str> =
        parts[1..].iter().map(|p| p.part().unwrap().department.as_deref().unwrap()).collect();
    assert_eq!(departments, ["Dept 0", "Dept 1", "Dept 2"]);
    for shard in &parts[1..] {
        let department = shard.part().unwrap().department.clone().unwrap();
        assert!(shard.iter().all(|i| Catalog::department(i.category_path(), 1) == department));
    }
    assert_eq!(parts.iter().map(Catalog::len).sum::<usize>(), whole.len());
    let builds: Vec<u64> = parts.iter().map(|p| p.part().unwrap().build).collect();
    assert!(builds.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn joining_every_part_gives_every_item_as_the_whole_catalog_holds_it() {
    let whole = whole();
    let parts = whole.split(2, 25).unwrap();
    // Through the files, in another order.
    let (manifest, files) = Manifest::for_parts(&parts, 2).unwrap();
    let mut opened: Vec<Catalog> =
        files.iter().rev().map(|(name, bytes)| manifest.open_part(name, bytes).unwrap()).collect();
    opened.swap(0, 1);
    let joined = Catalog::from_parts(&opened).unwrap();
    assert_eq!(joined.part(), None);
    assert_eq!(joined.len(), whole.len());
    // The crowd's divergence priors travel in the core alone and come back whole.
    assert!(!whole.divergence_priors().is_empty());
    assert_eq!(parts[0].divergence_priors(), whole.divergence_priors());
    assert!(parts[1..].iter().all(|shard| shard.divergence_priors().is_empty()));
    assert_eq!(joined.divergence_priors(), whole.divergence_priors());
    // So do the report departments: every shopper is asked the same questions.
    assert_eq!(whole.report_departments(), ["Dept 1", "Dept 2"]);
    assert_eq!(parts[0].report_departments(), whole.report_departments());
    assert!(parts[1..].iter().all(|shard| shard.report_departments().is_empty()));
    assert_eq!(joined.report_departments(), whole.report_departments());
    for item in whole.iter() {
        let j = joined.item(joined.index_of(item.id()).unwrap());
        assert_eq!(
            (j.title(), j.category_path(), j.price(), j.currency(), j.available()),
            (item.title(), item.category_path(), item.price(), item.currency(), item.available())
        );
        assert_eq!(j.popularity(), item.popularity());
        assert_eq!(j.attributes().collect::<Vec<_>>(), item.attributes().collect::<Vec<_>>());
        assert_eq!(joined.vectors().get(j.index()), whole.vectors().get(item.index()));
        // Bought-with lists keep the neighbours of the same part, in order.
        let ids = |c: &Catalog, i: usize| -> Vec<String> {
            c.bought_with(i).iter().map(|&n| c.item(n as usize).id().to_owned()).collect()
        };
        let (kept, all) = (ids(&joined, j.index()), ids(&whole, item.index()));
        assert!(kept.iter().all(|id| all.contains(id)), "{kept:?} within {all:?}");
        assert_eq!(joined.repurchase(j.index()), whole.repurchase(item.index()));
    }
    // The same relevance for every item, from the same profile.
    let (mut a, mut b) = (Engine::new(whole.clone()), Engine::new(joined));
    for (n, index) in [4usize, 77, 150, 222].into_iter().enumerate() {
        let item_id = whole.item(index).id().to_owned();
        let event = Event { kind: EventKind::View { item_id }, at: T0 + n as i64 * 60_000 };
        a.record(&event).unwrap();
        b.record(&event).unwrap();
    }
    for item in whole.iter().step_by(7) {
        let now = T0 + 600_000;
        let (x, y) = (a.explain(item.id(), now).unwrap(), b.explain(item.id(), now).unwrap());
        assert!((x.relevance - y.relevance).abs() < 1e-6, "{}: {x:?} vs {y:?}", item.id());
    }
}

#[test]
fn the_core_alone_or_with_some_shards_is_a_catalog_of_their_items() {
    let parts = whole().split(1, 30).unwrap();
    let core_only = Catalog::from_parts(&parts[..1]).unwrap();
    assert_eq!(core_only.len(), 30);
    let with_one = Catalog::from_parts(&[parts[2].clone(), parts[0].clone()]).unwrap();
    assert_eq!(with_one.len(), 30 + parts[2].len());
}

#[test]
fn the_compiler_writes_the_same_files_for_the_same_catalog() {
    let once = Manifest::for_parts(&whole().split(1, 30).unwrap(), 1).unwrap();
    let again = Manifest::for_parts(&whole().split(1, 30).unwrap(), 1).unwrap();
    assert_eq!(once, again);
    let (manifest, files) = once;
    assert_eq!(files.len(), 1 + manifest.shards.len());
    assert!(files.iter().all(|(name, _)| name.ends_with(".bin") && !name.contains('/')));
    let text = serde_json::to_string(&manifest).unwrap();
    assert_eq!(Manifest::from_json_str(&text).unwrap(), manifest);
    assert_eq!(
        manifest.shard_for("Dept 2 > Cat 7 > Leaf 21").unwrap().department.as_deref(),
        Some("Dept 2")
    );
    assert!(manifest.shard_for("Nowhere").is_none());
}

#[test]
fn a_sequence_model_stays_with_the_core_and_reads_every_shards_vectors() {
    let mut whole = whole();
    let shape = ModelShape { dims: 16, heads: 2, max_len: 12, ffn: 24, blocks: 1, events: true };
    with_random_sequence_model(&mut whole, shape, 5).unwrap();
    let parts = whole.split(1, 20).unwrap();
    assert!(parts[0].sequence_model().is_some());
    assert!(parts[1..].iter().all(|p| p.sequence_model().is_none()));
    let (manifest, files) = Manifest::for_parts(&parts, 1).unwrap();
    let opened: Vec<Catalog> =
        files.iter().map(|(name, bytes)| manifest.open_part(name, bytes).unwrap()).collect();
    let joined = Catalog::from_parts(&opened).unwrap();
    assert_eq!(joined.sequence_model(), whole.sequence_model());
    for item in whole.iter() {
        let j = joined.index_of(item.id()).unwrap();
        assert_eq!(joined.vectors().get(j), whole.vectors().get(item.index()));
    }
    // A joined catalog is a whole one: it round-trips as such.
    assert!(Catalog::from_binary(&joined.to_binary()).unwrap().part().is_none());
}

#[test]
fn parts_that_are_not_the_ones_named_are_refused_by_name() {
    let parts = whole().split(1, 30).unwrap();
    let (manifest, files) = Manifest::for_parts(&parts, 1).unwrap();
    let (name, bytes) = &files[1];
    // Truncated, or one byte changed.
    let reason = corrupt(manifest.open_part(name, &bytes[..bytes.len() - 1]));
    assert!(reason.contains("bytes, the manifest says"), "{reason}");
    let mut flipped = bytes.clone();
    flipped[40] ^= 1;
    assert!(corrupt(manifest.open_part(name, &flipped)).contains("hash"));
    assert!(corrupt(manifest.open_part("../core.bin", bytes)).contains("names no part"));
    // A shard of another build, under this manifest's name, hash and size.
    let mut other = whole();
    other = Catalog::from_parts(&other.split(1, 31).unwrap()).unwrap();
    let (_, other_files) = Manifest::for_parts(&other.split(1, 30).unwrap(), 1).unwrap();
    let (_, stranger) = &other_files[1];
    let mut forged = manifest.clone();
    forged.shards[0].hash = flaneur::util::hash::hex(flaneur::util::hash::content_hash(stranger));
    forged.shards[0].file = format!("shard-{}.bin", forged.shards[0].hash);
    forged.shards[0].bytes = stranger.len() as u64;
    let reason = corrupt(forged.open_part(&forged.shards[0].file.clone(), stranger));
    assert!(reason.contains("of build"), "{reason}");
    // Joins that cannot be.
    assert!(corrupt(Catalog::from_parts(&parts[1..])).contains("exactly one core"));
    let twice = [parts[0].clone(), parts[1].clone(), parts[1].clone()];
    assert!(corrupt(Catalog::from_parts(&twice)).contains("twice"));
    // One build cut with cores of 31 and 30 items: the 31st item is in both.
    let bigger_core = whole().split(1, 31).unwrap().remove(0);
    let overlap = Catalog::from_parts(&[bigger_core, parts[1].clone(), parts[2].clone()]);
    let (code, text) = overlap.map(|_| ()).map_err(|e| (e.code(), e.to_string())).unwrap_err();
    assert!(code == "CATALOG_INVALID" && text.contains("duplicate id"), "{text}");
    let mixed = [parts[0].clone(), whole()];
    assert!(corrupt(Catalog::from_parts(&mixed)).contains("not a part"));
}

#[test]
fn hostile_manifests_are_refused_with_a_coded_error() {
    let (manifest, _) = Manifest::for_parts(&whole().split(1, 30).unwrap(), 1).unwrap();
    let good = serde_json::to_value(&manifest).unwrap();
    let refused = |edit: &dyn Fn(&mut serde_json::Value)| -> Error {
        let mut v = good.clone();
        edit(&mut v);
        Manifest::from_json_str(&v.to_string()).unwrap_err()
    };
    let newer = refused(&|v| v["version"] = 2.into());
    assert_eq!(newer.code(), "CATALOG_VERSION");
    type Edit = fn(&mut serde_json::Value);
    let edits: [Edit; 9] = [
        |v| v["format"] = "other".into(),
        |v| v["build"] = "xyz".into(),
        |v| v["depth"] = 0.into(),
        |v| v["core"]["file"] = "../../etc/passwd".into(),
        |v| v["core"]["department"] = "Dept 0".into(),
        |v| v["shards"][0]["file"] = "https://elsewhere.example/shard.bin".into(),
        |v| v["shards"][1]["department"] = v["shards"][0]["department"].clone(),
        |v| v["shards"][0]["bytes"] = (u64::MAX / 2).into(),
        |v| v["extra"] = 1.into(),
    ];
    for edit in edits {
        let error = refused(&edit);
        assert_eq!(error.code(), "CATALOG_INVALID", "{error}");
        assert!(error.to_string().contains("manifest"), "{error}");
    }
}

#[test]
fn a_returning_shopper_patches_the_parts_it_holds_into_the_new_build() {
    use flaneur::catalog::PatchFile;
    use flaneur::util::hash::{content_hash, hex};
    use flaneur::util::patch;
    let (before, old_files) = Manifest::for_parts(&whole().split(1, 30).unwrap(), 1).unwrap();
    // The next day: three prices and one availability changed.
    let changed = whole_with(|json| {
        for i in [10, 140, 290] {
            json.items[i].price = json.items[i].price.map(|p| p * 1.1);
        }
        json.items[77].available = !json.items[77].available;
    });
    let (mut after, new_files) = Manifest::for_parts(&changed.split(1, 30).unwrap(), 1).unwrap();
    assert_ne!(before.build, after.build);
    let mut patches = Vec::new();
    for ((old_name, old), (new_name, new)) in old_files.iter().zip(&new_files) {
        let bytes = patch::diff(old, new);
        assert!(bytes.len() < new.len() / 10, "{} of {}", bytes.len(), new.len());
        let hash = hex(content_hash(&bytes));
        let file = format!("patch-{hash}.bin");
        after.patches.push(PatchFile {
            from: old_name.clone(),
            to: new_name.clone(),
            file: file.clone(),
            hash,
            bytes: bytes.len() as u64,
        });
        patches.push((file, bytes));
    }
    after.check().unwrap();
    let text = serde_json::to_string(&after).unwrap();
    let after = Manifest::from_json_str(&text).unwrap();
    // Each part held, patched, opens as the new build's and joins.
    let mut opened = Vec::new();
    for ((old_name, old), (file, bytes)) in old_files.iter().zip(&patches) {
        assert_eq!(after.patch_for(old_name).unwrap().file, *file);
        let (name, new) = after.apply_patch(file, bytes, old).unwrap();
        opened.push(after.open_part(&name, &new).unwrap());
    }
    let joined = Catalog::from_parts(&opened).unwrap();
    let price = |c: &Catalog, id: &str| c.item(c.index_of(id).unwrap()).price();
    assert_eq!(price(&joined, "sku-0000140"), price(&changed, "sku-0000140"));
    // A patch of another part, or tampered with, is refused.
    let (file, bytes) = &patches[1];
    assert!(
        corrupt(after.apply_patch(file, bytes, &old_files[2].1).map(|_| whole()))
            .contains("not a patch of this file")
    );
    let mut flipped = bytes.clone();
    flipped[30] ^= 1;
    assert!(
        corrupt(after.apply_patch(file, &flipped, &old_files[1].1).map(|_| whole()))
            .contains("not the bytes")
    );
    let mut v = serde_json::to_value(&after).unwrap();
    v["patches"][0]["to"] = "shard-0000000000000000.bin".into();
    assert_eq!(Manifest::from_json_str(&v.to_string()).unwrap_err().code(), "CATALOG_INVALID");
}

#[test]
fn shards_joined_one_at_a_time_give_the_catalog_of_every_part_joined_at_once() {
    let mut whole = whole();
    // With a sequence model too: it stays with the core through every join.
    let shape = ModelShape { dims: 16, heads: 2, max_len: 12, ffn: 24, blocks: 1, events: true };
    with_random_sequence_model(&mut whole, shape, 5).unwrap();
    let parts = whole.split(1, 30).unwrap();
    assert!(parts.len() >= 4, "a core and three shards at least");
    let department = |k: usize| parts[k].part().unwrap().department.as_deref();
    // Held: the core and the last shard; then the others, first the second, then the first.
    let mut joined =
        Catalog::from_parts(&[parts[0].clone(), parts[parts.len() - 1].clone()]).unwrap();
    let mut layout =
        vec![(None, parts[0].len()), (department(parts.len() - 1), parts[parts.len() - 1].len())];
    for k in (1..parts.len() - 1).rev() {
        joined = joined.join_shard(&layout, &parts[k]).unwrap();
        let at = layout.partition_point(|(d, _)| d.is_none_or(|d| Some(d) < department(k)));
        layout.insert(at, (department(k), parts[k].len()));
    }
    let at_once = Catalog::from_parts(&parts).unwrap();
    // Rebuilt item by item, the joined catalog is every part joined at once
    // (in place), but for the order its arena stores strings in.
    assert_alike(&joined, &at_once, "rebuilt and in place");
    assert!(joined.sequence_model().is_some() && joined.part().is_none());

    // Refused: a shard held already, the core, a layout that does not count the items.
    let err = |r: Result<Catalog, Error>| corrupt(r);
    assert!(err(joined.join_shard(&layout, &parts[1])).contains("held already"));
    assert!(err(joined.join_shard(&layout, &parts[0])).contains("only a shard"));
    assert!(err(joined.join_shard(&layout[1..], &parts[1])).contains("layout"));
}

#[test]
fn parts_whose_shelf_text_is_taken_join_into_a_catalog_without_it_and_keep_it_by_part() {
    let with_links = |json: &mut flaneur::catalog::CatalogJson| {
        for (k, item) in json.items.iter_mut().enumerate() {
            item.url = (k % 4 != 0).then(|| format!("/p/{}", item.id));
            item.image = (k % 3 != 0).then(|| format!("https://cdn.example/img/{k}-large.jpg"));
        }
    };
    let full = Catalog::from_parts(&whole_with(with_links).split(1, 30).unwrap()).unwrap();
    let mut parts = whole_with(with_links).split(1, 30).unwrap();
    let links: Vec<_> = parts.iter_mut().map(|part| part.take_shelf_text()).collect();
    let joined = Catalog::from_parts(&parts).unwrap();
    assert_eq!(joined.len(), full.len());
    // The items in the same order, as they were but for their links, which
    // each part keeps for its items in the order the join put them.
    let mut at = 0;
    for (part, links) in parts.iter().zip(&links) {
        assert_eq!(links.len(), part.len());
        for local in 0..part.len() {
            let (a, b) = (full.item(at), joined.item(at));
            assert_eq!((a.id(), a.price()), (b.id(), b.price()));
            assert_eq!((b.title(), b.url(), b.image()), ("", None, None), "the joined holds none");
            assert_eq!((links.url(local), links.image(local)), (a.url(), a.image()), "{}", a.id());
            assert_eq!(links.title(local), Some(a.title()));
            at += 1;
        }
    }
    assert!(full.iter().filter(|i| i.url().is_some()).count() > 200, "the test has links");
    // Their text is what the joined catalog no longer carries.
    let text: usize = links.iter().map(|l| l.text.len()).sum();
    assert!(joined.to_binary().len() + text <= full.to_binary().len(), "{text} bytes of links");
}

/// Everything a catalog shows of itself, item by item, node by node and row
/// by row: two catalogs alike here rank alike (their string arenas may store
/// strings in another order, which nothing reads).
fn assert_alike(a: &Catalog, b: &Catalog, what: &str) {
    assert_eq!((a.len(), a.shop(), a.facets()), (b.len(), b.shop(), b.facets()), "{what}");
    assert_eq!((a.vector_kind(), a.vectors().dims()), (b.vector_kind(), b.vectors().dims()));
    let (ta, tb) = (a.taxonomy(), b.taxonomy());
    assert_eq!(ta.len(), tb.len(), "{what}: nodes");
    for node in 0..ta.len() as u32 {
        assert_eq!(ta.path(node), tb.path(node), "{what}: node {node}");
        assert_eq!(ta.parent(node), tb.parent(node), "{what}: parent of {node}");
        assert_eq!(a.items_in(node), b.items_in(node), "{what}: items of {}", ta.path(node));
        assert_eq!(a.category_repurchase(node), b.category_repurchase(node));
    }
    assert_eq!(a.facet_value_count(), b.facet_value_count(), "{what}: facet values");
    for v in 0..a.facet_value_count() as u32 {
        assert_eq!(a.facet_value(v), b.facet_value(v), "{what}: facet value {v}");
    }
    for (x, y) in a.iter().zip(b.iter()) {
        let i = x.index();
        assert_eq!((x.id(), x.title(), x.category()), (y.id(), y.title(), y.category()), "{what}");
        assert_eq!(x.facet_value_ids(), y.facet_value_ids(), "{what}: {}", x.id());
        assert_eq!(
            (x.price(), x.currency(), x.available()),
            (y.price(), y.currency(), y.available())
        );
        assert_eq!(
            (x.popularity(), x.released(), x.released_day()),
            (y.popularity(), y.released(), y.released_day())
        );
        assert_eq!((x.sensitive(), x.url(), x.image()), (y.sensitive(), y.url(), y.image()));
        assert_eq!(a.vectors().get(i), b.vectors().get(i), "{what}: vector of {}", x.id());
        assert_eq!(a.bought_with(i), b.bought_with(i), "{what}: bought with {}", x.id());
        assert_eq!(a.repurchase(i), b.repurchase(i), "{what}: prior of {}", x.id());
        assert_eq!(b.index_of(x.id()), Some(i), "{what}: found by id");
    }
    assert_eq!(a.vectors().codes(), b.vectors().codes(), "{what}: rows in the same order");
    assert_eq!(a.vectors().scales(), b.vectors().scales());
    assert_eq!(
        (a.repurchase_categories(), a.repurchase_items()),
        (b.repurchase_categories(), b.repurchase_items())
    );
    assert_eq!(
        (a.has_release_dates(), a.has_bought_with()),
        (b.has_release_dates(), b.has_bought_with())
    );
    assert_eq!(a.sequence_model(), b.sequence_model(), "{what}: the model");
}

#[test]
fn shards_joined_in_place_in_any_order_give_the_catalog_of_every_part_joined_at_once() {
    let varied = |json: &mut flaneur::catalog::CatalogJson| {
        for (k, item) in json.items.iter_mut().enumerate() {
            item.currency = (k % 5 != 0).then(|| ["EUR", "USD", "CHF"][k % 3].to_owned());
            item.released = (k % 4 == 0).then(|| format!("2026-0{}-1{}", 1 + k % 9, k % 10));
            item.sensitive = (k % 23 == 0).then(|| ["health", "intimate"][k % 2].to_owned());
            item.url = (k % 3 != 0).then(|| format!("/p/{}", item.id));
            item.image = (k % 7 == 0).then(|| format!("/i/{}.jpg", k % 11));
            // Titles shared across departments, and one equal to a facet value.
            item.title = if k % 9 == 0 { "Gift card".into() } else { item.title.clone() };
        }
        json.items[3].title = "health".into();
    };
    let mut whole = whole_with(varied);
    let shape = ModelShape { dims: 16, heads: 2, max_len: 12, ffn: 24, blocks: 1, events: true };
    with_random_sequence_model(&mut whole, shape, 5).unwrap();
    assert_joins_alike(&whole);
}

#[test]
fn a_currency_or_sensitive_class_one_part_alone_has_joins_as_the_whole_catalog_holds_it() {
    // Every item in euros but department 1's, in francs, and department 2's, in none;
    // only department 1 has sensitive items; the core is department 0's.
    let by_department = |json: &mut flaneur::catalog::CatalogJson| {
        for (k, item) in json.items.iter_mut().enumerate() {
            let department = item.category.split(" > ").next().unwrap_or_default().to_owned();
            item.currency = match department.as_str() {
                "Dept 1" => Some("CHF".into()),
                "Dept 2" => None,
                _ => Some("EUR".into()),
            };
            if department != "Dept 0" {
                item.popularity = 0.0; // so that the core is department 0's
            }
            if department == "Dept 1" {
                item.sensitive = (k % 3 == 0).then(|| "health".to_owned());
            }
        }
    };
    let whole = whole_with(by_department);
    let parts = whole.split(1, 30).unwrap();
    let core = &parts[0];
    assert!(core.iter().all(|item| item.currency() == Some("EUR") && item.sensitive().is_none()));
    assert!(whole.iter().any(|item| item.currency() == Some("CHF")));
    assert!(whole.iter().any(|item| item.currency().is_none()));
    assert!(whole.iter().any(|item| item.sensitive() == Some("health")));
    assert_joins_alike(&whole);
}

/// Joins `whole`'s parts one at a time, in place, in three orders at two
/// depths, and checks each step against [`Catalog::join_shard`] and the end
/// against every part joined at once, and read back from its bytes.
fn assert_joins_alike(whole: &Catalog) {
    for depth in [1, 2] {
        let parts = whole.split(depth, 30).unwrap();
        let at_once = Catalog::from_parts(&parts).unwrap();
        let shards = parts.len() - 1;
        assert!(shards >= 3, "depth {depth}: {shards} shards");
        let department = |k: usize| parts[k].part().unwrap().department.as_deref();
        // In department order, in reverse, and every other then the rest.
        let reverse: Vec<usize> = (1..=shards).rev().collect();
        let mut interleaved: Vec<usize> = (1..=shards).step_by(2).collect();
        interleaved.extend((2..=shards).step_by(2));
        for order in [(1..=shards).collect::<Vec<_>>(), reverse, interleaved] {
            let mut joined = Catalog::from_parts(&parts[..1]).unwrap();
            let mut layout = vec![(None, parts[0].len())];
            for &k in &order {
                let reference = joined.join_shard(&layout, &parts[k]).unwrap();
                joined.join_shard_in_place(&layout, &parts[k]).unwrap();
                let at = layout.partition_point(|(d, _)| d.is_none_or(|d| Some(d) < department(k)));
                layout.insert(at, (department(k), parts[k].len()));
                assert_alike(&joined, &reference, &format!("depth {depth}, after shard {k}"));
            }
            assert_alike(&joined, &at_once, &format!("depth {depth}, order {order:?}"));
            assert!(joined.part().is_none());
            // Its bytes are the same catalog's too, once read back.
            assert_alike(
                &Catalog::from_binary(&joined.to_binary()).unwrap(),
                &at_once,
                "read back",
            );
        }
    }
}

#[test]
fn an_in_place_join_refused_leaves_the_catalog_as_it_was() {
    let parts = whole().split(1, 30).unwrap();
    let mut joined = Catalog::from_parts(&parts[..2]).unwrap();
    let before = joined.to_binary();
    let layout =
        [(None, parts[0].len()), (parts[1].part().unwrap().department.as_deref(), parts[1].len())];
    let err = |r: Result<(), Error>| match r {
        Err(e) => e.to_string(),
        Ok(()) => panic!("refused"),
    };
    assert!(err(joined.join_shard_in_place(&layout, &parts[1])).contains("held already"));
    assert!(err(joined.join_shard_in_place(&layout, &parts[0])).contains("only a shard"));
    assert!(err(joined.join_shard_in_place(&layout[1..], &parts[2])).contains("layout"));
    // A shard with an item the catalog holds (of another build, where two ids
    // swapped places) is refused by id.
    let (core_id, shard_id) = (parts[0].item(0).id().to_owned(), parts[2].item(0).id().to_owned());
    let swapped = whole_with(|json| {
        for item in &mut json.items {
            if item.id == core_id {
                item.id = shard_id.clone();
            } else if item.id == shard_id {
                item.id = core_id.clone();
            }
        }
    });
    let department = parts[2].part().unwrap().department.clone();
    let other = swapped
        .split(1, 30)
        .unwrap()
        .into_iter()
        .find(|p| p.part().unwrap().department == department)
        .unwrap();
    assert!(other.index_of(&core_id).is_some(), "the shard holds the core's item");
    assert!(err(joined.join_shard_in_place(&layout, &other)).contains("duplicate id"));
    assert!(joined.to_binary() == before, "unchanged");
}

/// More distinct facet values than 16-bit ids hold, and prices finer than a
/// cent: the joins that cross 65,536 pairs widen the ids, and every part joined
/// holds each item as the whole catalog does.
#[test]
fn joins_past_65536_facet_values_and_prices_finer_than_a_cent_hold_every_item_alike() {
    let items: Vec<String> = (0..33_000)
        .map(|i| {
            let price =
                if i == 20_000 { "0.125".to_owned() } else { format!("{}.{:02}", i % 90, i % 100) };
            let (department, leaf) = (i % 4, i % 3);
            let attributes = format!(r#""attributes":{{"a":"a{i}","b":"b{i}"}}"#);
            let category = format!(r#""category":"D{department} > L{leaf}""#);
            format!(r#"{{"id":"i{i}","title":"T",{category},"price":{price},{attributes}}}"#)
        })
        .collect();
    let text = format!(
        r#"{{"version":1,"shop":"s","facets":{{"a":{{}},"b":{{}}}},"items":[{}]}}"#,
        items.join(",")
    );
    let whole = Catalog::from_json_str(&text).unwrap();
    assert!(whole.facet_value_count() > 65_536);
    let parts = whole.split(1, 30).unwrap();
    assert_eq!(parts.len(), 5);
    let mut joined = Catalog::from_parts(&parts[..1]).unwrap();
    let mut layout = vec![(None, parts[0].len())];
    for part in &parts[1..] {
        joined.join_shard_in_place(&layout, part).unwrap();
        layout.push((part.part().unwrap().department.as_deref(), part.len()));
    }
    let every = Catalog::from_parts(&parts).unwrap();
    assert_alike(&joined, &every, "one shard after another");
    assert_alike(&Catalog::from_binary(&joined.to_binary()).unwrap(), &every, "read back");
    for item in whole.iter() {
        let there = joined.item(joined.index_of(item.id()).unwrap());
        assert!(there.attributes().eq(item.attributes()), "{}", item.id());
        assert_eq!(there.price(), item.price(), "{}", item.id());
    }
    let odd = joined.item(joined.index_of("i20000").unwrap());
    assert_eq!(odd.price(), Some(0.125));
    assert!(odd.attributes().eq([(0, "a20000"), (1, "b20000")]));
}

#[test]
fn a_shard_carrying_divergence_priors_is_refused() {
    let parts = whole().split(1, 30).unwrap();
    let mut bytes = parts[1].to_binary();
    assert!(parts[1].part().is_some_and(|p| p.department.is_some()));
    bytes[10] |= 32;
    bytes.extend_from_slice(&1u32.to_le_bytes());
    bytes.extend_from_slice(&8u32.to_le_bytes());
    bytes.extend_from_slice(b"category");
    bytes.extend_from_slice(&1.0f32.to_le_bytes());
    bytes.extend_from_slice(&7.0f32.to_le_bytes());
    let crc = flaneur::util::bytes::crc32(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    let reason = corrupt(Catalog::from_binary(&bytes));
    assert!(reason.contains("a shard carries divergence priors"), "{reason}");
}
