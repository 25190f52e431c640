//! Slates a shopper trusts (issue #20), on the demo catalog: no echo of what
//! was just seen, breadth that follows the evidence, the recently viewed
//! shelf, and complements of the cart.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::profile::{Event, EventKind, Impression};
use flaneur::rank::{Context, Kind, Request, Shelf, Slate};

/// 1 May 2026, 10:00 UTC.
const START: i64 = 1_777_629_600_000;
const MINUTE: i64 = 60_000;

fn demo() -> Engine {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/demo/catalog.json"))
            .expect("the demo catalog is in the repository");
    Engine::with_seed(Catalog::from_json_str(&text).expect("the demo catalog is valid"), 7)
}

/// The ids of the first `n` items of `leaf`, in the shop's order.
fn items_of(engine: &Engine, leaf: &str, n: usize) -> Vec<String> {
    let catalog = engine.catalog();
    let ids: Vec<String> = catalog
        .iter()
        .filter(|i| catalog.taxonomy().path(i.category()) == leaf)
        .take(n)
        .map(|i| i.id().to_owned())
        .collect();
    assert_eq!(ids.len(), n, "{leaf} has {n} items");
    ids
}

fn record(engine: &mut Engine, kind: EventKind, at: i64) {
    engine.record(&Event { kind, at }).expect("a known item");
}

fn view(engine: &mut Engine, id: &str, at: i64) {
    record(engine, EventKind::View { item_id: id.to_owned() }, at);
}

fn leaves(engine: &Engine, slate: &Slate) -> BTreeSet<String> {
    let catalog = engine.catalog();
    slate
        .items
        .iter()
        .map(|r| catalog.taxonomy().path(catalog.item(r.index).category()).to_owned())
        .collect()
}

fn ids(slate: &Slate) -> Vec<&str> {
    slate.items.iter().map(|r| r.item_id.as_str()).collect()
}

#[test]
fn four_views_of_one_leaf_give_a_broad_slate_without_them() {
    let mut engine = demo();
    let viewed = items_of(&engine, "Women > Knitwear > Sweaters", 4);
    for (i, id) in viewed.iter().enumerate() {
        view(&mut engine, id, START + i as i64 * MINUTE);
    }
    let now = START + 5 * MINUTE;
    let slate = engine.recommend(&Request { k: 12, ..Request::default() }, now).expect("a slate");
    let shown = ids(&slate);
    assert!(viewed.iter().all(|v| !shown.contains(&v.as_str())), "echo: {shown:?}");
    let leaves = leaves(&engine, &slate);
    assert!(leaves.len() >= 3, "{} leaves: {leaves:?}", leaves.len());
    assert_eq!(slate.items.len(), 12, "{slate:#?}");
    assert!(slate.breadth > 0.5, "thin evidence keeps the slate broad: {}", slate.breadth);

    // Asked explicitly, the viewed items may come back.
    let seen = Request { k: 12, include_seen: true, ..Request::default() };
    let with_seen = engine.recommend(&seen, now).expect("a slate");
    assert!(ids(&with_seen).iter().any(|id| viewed.iter().any(|v| v == id)));
}

#[test]
fn forty_views_over_two_leaves_keep_both_and_narrow() {
    let mut engine = demo();
    let sweaters = items_of(&engine, "Women > Knitwear > Sweaters", 20);
    let boots = items_of(&engine, "Shoes > Boots", 20);
    for i in 0..20 {
        view(&mut engine, &sweaters[i], START + (2 * i as i64) * MINUTE);
        view(&mut engine, &boots[i], START + (2 * i as i64 + 1) * MINUTE);
    }
    let now = START + 41 * MINUTE;
    let thin_breadth = {
        let mut thin = demo();
        view(&mut thin, &sweaters[0], START);
        thin.recommend(&Request::default(), START + MINUTE).expect("a slate").breadth
    };
    let slate = engine.recommend(&Request { k: 12, ..Request::default() }, now).expect("a slate");
    let leaves = leaves(&engine, &slate);
    assert!(leaves.contains("Women > Knitwear > Sweaters"), "{leaves:?}");
    assert!(leaves.contains("Shoes > Boots"), "{leaves:?}");
    assert!(
        slate.breadth < 0.5 && slate.breadth < thin_breadth,
        "{} vs {thin_breadth}",
        slate.breadth
    );
    let explanation = engine.explain(&sweaters[0], now).expect("a known item");
    assert_eq!(explanation.breadth, slate.breadth);
}

#[test]
fn the_recent_shelf_lists_what_was_viewed_newest_first_and_learns_nothing() {
    let mut engine = demo();
    let viewed = items_of(&engine, "Home > Kitchen", 3);
    for (i, id) in viewed.iter().enumerate() {
        view(&mut engine, id, START + i as i64 * MINUTE);
    }
    let now = START + 10 * MINUTE;
    let request = Request { k: 12, shelf: Shelf::Recent, ..Request::default() };
    let slate = engine.recommend(&request, now).expect("a slate");
    let expected: Vec<&str> = viewed.iter().rev().map(String::as_str).collect();
    assert_eq!(ids(&slate), expected);
    assert!(slate.items.iter().all(|r| r.kind == Kind::Recent && r.reason.signals.is_empty()));
    // Showing it is not a recommendation: nothing is noted.
    let before = engine.profile().clone();
    assert!(!engine.mark_shown(&slate.impressions(), now));
    assert_eq!(engine.profile(), &before);
    // A product page's recent shelf leaves out the product itself.
    let on_page = Request {
        context: Context { item_id: Some(viewed[2].clone()), ..Context::default() },
        ..request.clone()
    };
    let slate = engine.recommend(&on_page, now).expect("a slate");
    assert_eq!(ids(&slate), &expected[1..]);
    // Off, nothing.
    let mut off = engine.preferences().clone();
    off.personalization = false;
    engine.replace_preferences(off).expect("valid preferences");
    assert!(engine.recommend(&request, now).expect("a slate").items.is_empty());
}

#[test]
fn a_cart_add_is_never_echoed_and_bought_items_stay_out() {
    let mut engine = demo();
    let dresses = items_of(&engine, "Women > Dresses > Day dresses", 6);
    for (i, id) in dresses.iter().enumerate() {
        view(&mut engine, id, START + i as i64 * MINUTE);
    }
    record(&mut engine, EventKind::AddToCart { item_id: dresses[0].clone() }, START + 7 * MINUTE);
    // The next day, a new session: views are no longer "just seen", the cart
    // of the page still is, and so is what was bought.
    let later = START + 24 * 60 * MINUTE;
    record(&mut engine, EventKind::Purchase { item_id: dresses[1].clone() }, later);
    let cart = Context { cart: Some(vec![dresses[0].clone()]), ..Context::default() };
    let request = Request { k: 24, context: cart, ..Request::default() };
    let slate = engine.recommend(&request, later + MINUTE).expect("a slate");
    let shown = ids(&slate);
    assert!(!shown.contains(&dresses[0].as_str()), "the cart is echoed: {shown:?}");
    assert!(!shown.contains(&dresses[1].as_str()), "a bought item is echoed: {shown:?}");
}

#[test]
fn impressions_of_every_kind_round_trip_through_the_stored_profile() {
    let mut engine = demo();
    let items = items_of(&engine, "Home > Bath", 2);
    view(&mut engine, &items[0], START);
    let shown = [Impression { item_id: items[1].clone(), kind: Kind::Complement, direction: None }];
    assert!(engine.mark_shown(&shown, START + MINUTE));
    let bytes = engine.profile().to_bytes();
    let back = flaneur::profile::Profile::from_bytes(&bytes).expect("the profile reads back");
    assert_eq!(&back, engine.profile());
}

#[test]
fn the_complements_shelf_shows_what_is_bought_with_the_cart() {
    let mut engine = demo();
    let sweater = items_of(&engine, "Women > Knitwear > Sweaters", 1).remove(0);
    let catalog = engine.catalog().clone();
    let index = catalog.index_of(&sweater).expect("a known item");
    let neighbours: Vec<&str> =
        catalog.bought_with(index).iter().map(|&i| catalog.item(i as usize).id()).collect();
    assert!(neighbours.len() >= 3, "the demo lists what goes with a sweater");
    view(&mut engine, &sweater, START);
    record(&mut engine, EventKind::AddToCart { item_id: sweater.clone() }, START + MINUTE);
    let request = Request { k: 6, shelf: Shelf::Complements, ..Request::default() };
    // The session's cart: the sweater just added.
    let slate = engine.recommend(&request, START + 2 * MINUTE).expect("a slate");
    assert!(!slate.items.is_empty());
    let title = catalog.item(index).title();
    for item in &slate.items {
        assert_eq!(item.kind, Kind::Complement);
        assert!(neighbours.contains(&item.item_id.as_str()), "{} is listed", item.item_id);
        assert_eq!(item.reason.describe(), format!("often bought with {title}"));
    }
    assert_eq!(slate.items[0].item_id, neighbours[0], "strongest first");
    // The page's own cart wins over the session's: an empty cart has no complements.
    let empty =
        Request { context: Context { cart: Some(Vec::new()), ..Context::default() }, ..request };
    assert!(engine.recommend(&empty, START + 2 * MINUTE).expect("a slate").items.is_empty());
    // Removed from the cart, nothing to complement.
    record(&mut engine, EventKind::RemoveFromCart { item_id: sweater }, START + 3 * MINUTE);
    let request = Request { k: 6, shelf: Shelf::Complements, ..Request::default() };
    assert!(engine.recommend(&request, START + 4 * MINUTE).expect("a slate").items.is_empty());
}

#[test]
fn shelves_keep_sensitive_classes_out_without_opt_in() {
    let mut engine = demo();
    let catalog = engine.catalog().clone();
    let sensitive: Vec<String> = catalog
        .iter()
        .filter(|i| i.sensitive().is_some())
        .take(2)
        .map(|i| i.id().to_owned())
        .collect();
    assert_eq!(sensitive.len(), 2);
    for (i, id) in sensitive.iter().enumerate() {
        // Not learned, so never listed as recently viewed.
        let _ = engine
            .record(&Event { kind: EventKind::View { item_id: id.clone() }, at: START + i as i64 });
    }
    let recent = Request { shelf: Shelf::Recent, ..Request::default() };
    assert!(engine.recommend(&recent, START + MINUTE).expect("a slate").items.is_empty());
    // A page's cart holding one: its complements (the same class) stay hidden.
    let cart = Context { cart: Some(sensitive.clone()), ..Context::default() };
    let request = Request { shelf: Shelf::Complements, context: cart, ..Request::default() };
    let slate = engine.recommend(&request, START + MINUTE).expect("a slate");
    assert!(slate.items.iter().all(|r| catalog.item(r.index).sensitive().is_none()), "{slate:#?}");
}
