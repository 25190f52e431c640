//! Shoppers who come back (issue #26): the bounded purchase history, the
//! buy-again shelf and its reasons, and what every shelf promises on it.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::{Event, EventKind, Forget, Impression, MAX_PURCHASES};
use flaneur::rank::{Kind, Request, Shelf, Slate};

/// 1 March 2026, 09:00 UTC.
const START: i64 = 1_772_355_600_000;
const DAY: i64 = 86_400_000;
const MINUTE: i64 = 60_000;

const CATALOG: &str = r#"{"version":1,"shop":"corner","items":[
  {"id":"detergent","title":"Detergent","category":"Household > Laundry",
   "bought_with":["sponges"]},
  {"id":"detergent-eco","title":"Eco detergent","category":"Household > Laundry"},
  {"id":"towels","title":"Paper towels","category":"Household > Paper"},
  {"id":"towels-xl","title":"Paper towels XL","category":"Household > Paper"},
  {"id":"sponges","title":"Sponges","category":"Household > Cleaning"},
  {"id":"coat","title":"Wool coat","category":"Fashion > Coats"},
  {"id":"scarf","title":"Scarf","category":"Fashion > Scarves"},
  {"id":"test-kit","title":"Test kit","category":"Health > Tests","sensitive":"health"}
]}"#;

fn engine() -> Engine {
    Engine::with_seed(Catalog::from_json_str(CATALOG).expect("a valid catalog"), 3)
}

fn buy(engine: &mut Engine, id: &str, at: i64) {
    let kind = EventKind::Purchase { item_id: id.to_owned() };
    engine.record(&Event { kind, at }).expect("a known item");
}

fn buy_again(engine: &Engine, now: i64) -> Slate {
    let request = Request { k: 10, shelf: Shelf::BuyAgain, ..Request::default() };
    engine.recommend(&request, now).expect("a slate")
}

fn ids(slate: &Slate) -> Vec<&str> {
    slate.items.iter().map(|r| r.item_id.as_str()).collect()
}

/// Detergent and towels every week for a month (towels every other week), the coat once.
fn a_month_of_baskets() -> (Engine, i64) {
    let mut e = engine();
    for week in 0..5 {
        let at = START + week * 7 * DAY;
        buy(&mut e, "detergent", at);
        if week % 2 == 0 {
            buy(&mut e, "towels", at);
        }
    }
    buy(&mut e, "coat", START + 30 * DAY);
    (e, START + 35 * DAY)
}

#[test]
fn weekly_staples_lead_the_shelf_with_their_cadence_in_words() {
    let (e, now) = a_month_of_baskets();
    let slate = buy_again(&e, now);
    assert_eq!(ids(&slate), ["detergent", "towels", "coat"]);
    assert!(slate.items.iter().all(|r| r.kind == Kind::BuyAgain));
    let reason = &slate.items[0].reason.signals[0];
    assert_eq!(reason.label, "You buy this about every 7 days; last bought 7 days ago");
    assert_eq!((reason.count, reason.last_seen), (Some(5), Some(START + 28 * DAY)));
    let towels = &slate.items[1].reason.signals[0].label;
    assert_eq!(towels, "You buy this about every 14 days; last bought 7 days ago");
    assert_eq!(slate.items[2].reason.signals[0].label, "You bought this 5 days ago");
    assert_eq!(slate.withheld, 0);
}

#[test]
fn the_shelf_is_the_shoppers_own_and_every_promise_applies() {
    let (mut e, now) = a_month_of_baskets();
    buy(&mut e, "test-kit", START + 31 * DAY);
    // Sensitive classes only with opt-in.
    assert!(!ids(&buy_again(&e, now)).contains(&"test-kit"));
    // The request's exclusions, dismissals, forgetting.
    let request = Request {
        k: 10,
        shelf: Shelf::BuyAgain,
        exclude: vec!["towels".into()],
        ..Request::default()
    };
    assert_eq!(ids(&e.recommend(&request, now).expect("a slate")), ["detergent", "coat"]);
    let kind = EventKind::Dismiss { item_id: "coat".into() };
    e.record(&Event { kind, at: now }).expect("a known item");
    assert_eq!(ids(&buy_again(&e, now)), ["detergent", "towels"]);
    assert!(e.forget(&Forget::Item("detergent".into()), now));
    assert!(e.profile().purchases().get("detergent").is_none());
    assert_eq!(ids(&buy_again(&e, now)), ["towels"]);
    // Intensity 0 and personalization off: nothing of the profile is used.
    let patch = PreferencesPatch { intensity: Some(0.0), ..PreferencesPatch::default() };
    e.set_preferences(patch).expect("valid preferences");
    assert!(buy_again(&e, now).items.is_empty());
    e.reset_preferences();
    let off = PreferencesPatch { personalization: Some(false), ..PreferencesPatch::default() };
    e.set_preferences(off).expect("valid preferences");
    assert!(buy_again(&e, now).items.is_empty());
    // Erasing everything empties it.
    e.reset_preferences();
    assert!(e.forget(&Forget::Everything, now));
    assert!(buy_again(&e, now).items.is_empty());
}

#[test]
fn showing_the_shelf_teaches_nothing() {
    let (mut e, now) = a_month_of_baskets();
    let slate = buy_again(&e, now);
    let shown: Vec<Impression> = slate.impressions();
    assert!(!shown.is_empty());
    assert!(!e.mark_shown(&shown, now), "a list of the shopper's own purchases is not a slate");
    assert!(e.profile().shown().is_empty());
}

#[test]
fn a_bought_one_off_stays_out_of_for_you() {
    let (e, now) = a_month_of_baskets();
    let slate = e.recommend(&Request { k: 8, ..Request::default() }, now).expect("a slate");
    assert!(!ids(&slate).contains(&"coat"), "{:?}", ids(&slate));
}

#[test]
fn a_year_of_weekly_baskets_stays_bounded_and_within_32_kb() {
    // 400 products; each week a basket of 30: 12 weekly staples, then a rotating rest.
    let products: Vec<String> = (0..400).map(|n| format!("sku-{n:07}")).collect();
    let items: Vec<String> = products
        .iter()
        .enumerate()
        .map(|(n, id)| {
            format!(
                concat!(
                    r#"{{"id":"{id}","title":"Product {n}","#,
                    r#""category":"Grocery > Aisle {} > Shelf {}"}}"#
                ),
                n % 12,
                n % 60,
                id = id,
                n = n,
            )
        })
        .collect();
    let json = format!(r#"{{"version":1,"shop":"grocer","items":[{}]}}"#, items.join(","));
    let mut e = Engine::with_seed(Catalog::from_json_str(&json).expect("a valid catalog"), 1);
    let mut purchases = 0;
    for week in 0..52 {
        let at = START + week * 7 * DAY;
        let rest = (0..18).map(|k| 12 + (week as usize * 18 + k) % 388);
        for (n, index) in (0..12).chain(rest).enumerate() {
            buy(&mut e, &products[index], at + n as i64 * 1000);
            purchases += 1;
        }
    }
    assert_eq!(purchases, 52 * 30);
    let p = e.profile();
    assert_eq!(p.purchases().len(), MAX_PURCHASES);
    assert_eq!(p.purchases().baskets(), 52);
    let bytes = p.to_bytes();
    eprintln!("a year of weekly baskets: {} bytes stored", bytes.len());
    assert!(bytes.len() <= 32 * 1024, "{} bytes", bytes.len());
    // The weekly staples are kept, and lead the shelf.
    let now = START + 52 * 7 * DAY;
    let slate = buy_again(&e, now);
    let top: Vec<&str> = ids(&slate);
    assert!(products[..10].iter().all(|id| top.contains(&id.as_str())), "{top:?}");
}

/// The same shop, whose household supplies are marked replenishable (every 14 days).
fn replenishing() -> Engine {
    let json = CATALOG.replacen(
        r#"{"version":1,"shop":"corner","#,
        r#"{"version":1,"shop":"corner",
            "repurchase":{"categories":{"Household":{"share":1.0,"interval_days":14}}},"#,
        1,
    );
    Engine::with_seed(Catalog::from_json_str(&json).expect("a valid catalog"), 3)
}

#[test]
fn a_due_staple_comes_back_in_for_you_and_its_substitutes_stay_out() {
    let mut e = replenishing();
    for week in 0..4 {
        buy(&mut e, "detergent", START + week * 7 * DAY);
    }
    buy(&mut e, "coat", START + 21 * DAY);
    let kind = EventKind::View { item_id: "scarf".into() };
    e.record(&Event { kind, at: START + 21 * DAY }).expect("a known item");
    let now = START + 29 * DAY;
    let request = Request { k: 8, ..Request::default() };
    let slate = e.recommend(&request, now).expect("a slate");
    let shown = ids(&slate);
    assert!(shown.contains(&"detergent"), "the staple comes back: {shown:?}");
    assert!(!shown.contains(&"detergent-eco"), "no substitute in its place: {shown:?}");
    assert!(!shown.contains(&"coat"), "a one-off purchase stays out: {shown:?}");
    // A page that shows the staple elsewhere (excluded here) may get a
    // substitute: it is not in the staple's place.
    let elsewhere = Request { k: 8, exclude: vec!["detergent".into()], ..Request::default() };
    let shown = e.recommend(&elsewhere, now).expect("a slate");
    assert!(ids(&shown).contains(&"detergent-eco"), "{:?}", ids(&shown));
    // Bought in this very session, it is echo like anything else.
    buy(&mut e, "detergent", now - MINUTE);
    let slate = e.recommend(&request, now).expect("a slate");
    assert!(!ids(&slate).contains(&"detergent"), "{:?}", ids(&slate));
}

#[test]
fn the_catalogs_prior_shapes_the_cadence_and_the_words() {
    let mut e = replenishing();
    buy(&mut e, "sponges", START);
    buy(&mut e, "scarf", START);
    let now = START + 12 * DAY;
    let slate = buy_again(&e, now);
    assert_eq!(ids(&slate), ["sponges", "scarf"], "a replenishable item is the likelier");
    let words = &slate.items[0].reason.signals[0].label;
    assert_eq!(words, "You bought this 12 days ago; it is often bought again about every 14 days");
    // Bought twice a week apart, the shopper's own week pulls the prior's fortnight.
    buy(&mut e, "sponges", START + 7 * DAY);
    let words = buy_again(&e, now).items[0].reason.signals[0].label.clone();
    assert_eq!(words, "You buy this about every 11 days; last bought 5 days ago");
}

#[test]
fn what_is_bought_with_the_staples_is_discovered_and_says_so() {
    let mut e = replenishing();
    for week in 0..4 {
        buy(&mut e, "detergent", START + week * 7 * DAY);
    }
    let now = START + 29 * DAY;
    let request = Request { k: 4, exclude: vec!["detergent".into()], ..Request::default() };
    let slate = e.recommend(&request, now).expect("a slate");
    let sponges = slate.items.iter().find(|r| r.item_id == "sponges");
    let Some(sponges) = sponges else { panic!("not discovered: {:?}", ids(&slate)) };
    let reason = sponges.reason.signals.iter().find(|s| s.label == "Detergent");
    assert!(reason.is_some_and(|s| s.contribution > 0.0), "{:?}", sponges.reason);
    assert!(sponges.reason.describe().contains("often bought with Detergent"));
    // Above the department's other items, which are not bought with it.
    let at = |id: &str| ids(&slate).iter().position(|x| *x == id).unwrap_or(usize::MAX);
    assert!(at("sponges") < at("towels"), "{:?}", ids(&slate));
}
