//! Reasoned divergence, intent-shaped slates and discretion, on scripted shoppers.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::preferences::{IntentSetting, PreferencesPatch};
use flaneur::profile::divergence::{DISMISS_WEIGHT, Direction, DivergenceState};
use flaneur::profile::{Event, EventKind};
use flaneur::rank::divergence::{self, Bubble, positions};
use flaneur::rank::{Kind, Request, Scorer, Slate, Weights};

const COLOURS: [&str; 6] = ["red", "navy", "green", "cream", "black", "mustard"];
const MATERIALS: [&str; 4] = ["wool", "cotton", "cashmere", "linen"];

/// Sweaters in every colour × material (twice; red wool six times), their
/// sibling cardigans, and unrelated mugs.
fn shop() -> Catalog {
    Catalog::from_json_str(&shop_json("")).unwrap()
}

/// [`shop`] as JSON, with `extra` top-level fields (each followed by a comma).
fn shop_json(extra: &str) -> String {
    let mut items = Vec::new();
    for (leaf, noun) in
        [("Women > Knitwear > Sweaters", "sweater"), ("Women > Knitwear > Cardigans", "cardigan")]
    {
        for copy in 0..6 {
            for colour in COLOURS {
                for material in MATERIALS {
                    if copy >= 2 && (colour, material, noun) != ("red", "wool", "sweater") {
                        continue;
                    }
                    items.push(format!(
                        r#"{{"id":"{noun}-{colour}-{material}-{copy}",
                            "title":"{colour} {material} {noun}","category":"{leaf}",
                            "attributes":{{"colour":"{colour}","material":"{material}"}},
                            "popularity":0.5}}"#
                    ));
                }
            }
        }
    }
    for n in 0..10 {
        items.push(format!(
            r#"{{"id":"mug-{n}","title":"mug","category":"Home > Kitchen",
                "attributes":{{"colour":"white","material":"stoneware"}}}}"#
        ));
    }
    format!(
        concat!(
            r#"{{"version":1,"shop":"s",{}"#,
            r#""facets":{{"colour":{{"divergence":true}},"material":{{"divergence":true}}}},"#,
            r#""items":[{}]}}"#,
        ),
        extra,
        items.join(",")
    )
}

fn record(engine: &mut Engine, kind: EventKind, at: i64) {
    engine.record(&Event { kind, at }).unwrap();
}

const DAY: i64 = 86_400_000;
/// A moment after the fan's last visit, in a new session (intent unknown).
const LATER: i64 = 4 * DAY;

/// A shopper who looked at red wool sweaters, on three days.
fn red_wool_fan(seed: u64) -> Engine {
    let mut engine = Engine::with_seed(shop(), seed);
    for day in 0..3 {
        for copy in 0..2 {
            record(
                &mut engine,
                EventKind::View { item_id: format!("sweater-red-wool-{copy}") },
                day * DAY + copy,
            );
        }
    }
    engine
}

fn patch(f: impl FnOnce(&mut PreferencesPatch)) -> PreferencesPatch {
    let mut p = PreferencesPatch::default();
    f(&mut p);
    p
}

fn divergent(slate: &Slate) -> Vec<usize> {
    slate
        .items
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == Kind::Divergent)
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn the_budget_is_honoured_exactly_for_each_surprise_level() {
    for (surprise, expected) in [(0.0, 0), (0.1, 1), (0.2, 2), (0.3, 3), (0.5, 5)] {
        let mut engine = red_wool_fan(1);
        engine.set_preferences(patch(|p| p.surprise = Some(surprise))).unwrap();
        let slate = engine.recommend(&Request { k: 10, ..Request::default() }, LATER).unwrap();
        let at = divergent(&slate);
        assert_eq!(
            at.len(),
            expected,
            "surprise {surprise}: {:?}",
            slate.items.iter().map(|r| r.kind).collect::<Vec<_>>()
        );
        // Never first, spread through the slate.
        assert!(!at.contains(&0));
        assert_eq!(at, positions(slate.items.len(), expected));
    }
}

#[test]
fn every_divergent_item_is_one_labelled_step_outside_the_bubble() {
    let mut engine = red_wool_fan(2);
    engine.set_preferences(patch(|p| p.surprise = Some(0.5))).unwrap();
    let slate = engine.recommend(&Request { k: 12, ..Request::default() }, LATER).unwrap();
    let catalog = engine.catalog().clone();
    assert!(!divergent(&slate).is_empty());
    for r in slate.items.iter().filter(|r| r.kind == Kind::Divergent) {
        let reason = r.reason.divergence.as_ref().expect("a divergent item carries its reason");
        let item = catalog.item(r.index);
        assert_eq!(reason.steps, 1);
        match reason.axis.as_str() {
            "category" => {
                assert_eq!(reason.anchor, "Women > Knitwear > Sweaters");
                assert_eq!(reason.to, "Women > Knitwear > Cardigans");
                assert_eq!(item.category_path(), reason.to);
                let values: Vec<&str> = item.attributes().map(|(_, v)| v).collect();
                assert_eq!(
                    values,
                    ["red", "wool"],
                    "a sibling category keeps the shopper's values"
                );
            }
            axis => {
                assert_eq!(item.category_path(), reason.anchor);
                let (kept, changed) =
                    if axis == "colour" { ("wool", "red") } else { ("red", "wool") };
                assert_eq!(reason.from, changed);
                assert_ne!(reason.to, reason.from);
                let values: Vec<&str> = item.attributes().map(|(_, v)| v).collect();
                assert!(
                    values.contains(&kept) && values.contains(&reason.to.as_str()),
                    "{values:?} for {reason:?}"
                );
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_slates_and_other_seeds_differ() {
    let run = |seed: u64| -> Vec<Vec<(String, Kind)>> {
        let mut engine = red_wool_fan(seed);
        engine.set_preferences(patch(|p| p.surprise = Some(0.4))).unwrap();
        (0..4)
            .map(|n| {
                let slate =
                    engine.recommend(&Request { k: 10, ..Request::default() }, LATER + n).unwrap();
                engine.mark_shown(&slate.impressions(), LATER + n);
                slate.items.iter().map(|r| (r.item_id.clone(), r.kind)).collect()
            })
            .collect()
    };
    assert_eq!(run(7), run(7));
    let baseline = run(7);
    assert!((1..12).any(|seed| run(seed) != baseline), "Thompson sampling depends on the seed");
}

/// A copy of an engine given another seed draws as an engine made with that
/// seed does (the evaluation gives each household's copy its own seed).
#[test]
fn a_reseeded_copy_draws_as_an_engine_made_with_that_seed() {
    let slates = |engine: &mut Engine| -> Vec<Vec<(String, Kind)>> {
        engine.set_preferences(patch(|p| p.surprise = Some(0.4))).unwrap();
        (0..4)
            .map(|n| {
                let slate =
                    engine.recommend(&Request { k: 10, ..Request::default() }, LATER + n).unwrap();
                slate.items.iter().map(|r| (r.item_id.clone(), r.kind)).collect()
            })
            .collect()
    };
    let mut original = red_wool_fan(7);
    // The original has made slates: a copy's count of slates starts again.
    let before = slates(&mut original);
    let differs = (1..12).find(|&seed| slates(&mut red_wool_fan(seed)) != before);
    let Some(seed) = differs else { panic!("Thompson sampling depends on the seed") };
    let mut copy = original.clone();
    copy.set_seed(seed);
    assert_eq!(slates(&mut copy), slates(&mut red_wool_fan(seed)));
}

#[test]
fn posteriors_count_acceptances_ignored_impressions_and_dismissals() {
    let d = Direction { anchor: "Knit".into(), axis: "colour".into(), to: "navy".into() };
    let mut state = DivergenceState::default();
    state.shown("a", &d, 10, 0);
    state.shown("b", &d, 11, 0);
    assert_eq!((state.outcome(&d).accepted, state.outcome(&d).rejected), (0.0, 2.0));
    state.engaged("a", 12);
    assert_eq!((state.outcome(&d).accepted, state.outcome(&d).rejected), (1.0, 1.0));
    assert_eq!(state.accepted_total(), 1);
    state.engaged("a", 13); // a second engagement is not a second acceptance
    assert_eq!(state.outcome(&d).accepted, 1.0);
    state.dismissed("b", 14);
    assert_eq!(state.outcome(&d).rejected, 1.0 + DISMISS_WEIGHT);
    assert!(state.is_blocked(&d));
    assert_eq!(state.shown_in_session(0), 2);
    assert_eq!(state.shown_in_session(99), 0, "a new session starts its own count");
    let p = divergence::Posterior::new(0.5, &state.outcome(&d));
    assert_eq!((p.alpha, p.beta), (1.0 + 1.0 + 1.0, 1.0 + 1.0 + 1.0 + DISMISS_WEIGHT));
}

#[test]
fn engagement_through_the_engine_accepts_and_a_dismissed_direction_never_returns() {
    let mut engine = red_wool_fan(3);
    engine.set_preferences(patch(|p| p.surprise = Some(0.5))).unwrap();
    let mut now = LATER;
    let slate = engine.recommend(&Request { k: 12, ..Request::default() }, now).unwrap();
    engine.mark_shown(&slate.impressions(), now);
    let picks: Vec<_> = slate.items.iter().filter(|r| r.kind == Kind::Divergent).cloned().collect();
    assert!(picks.len() >= 2);
    let (liked, disliked) = (&picks[0], &picks[1]);
    let direction = |r: &flaneur::rank::Recommendation| {
        let d = r.reason.divergence.as_ref().unwrap();
        Direction { anchor: d.anchor.clone(), axis: d.axis.clone(), to: d.to.clone() }
    };
    record(&mut engine, EventKind::Click { item_id: liked.item_id.clone() }, now + 1);
    assert_eq!(engine.profile().divergence().outcome(&direction(liked)).accepted, 1.0);
    assert_eq!(engine.profile().stats().get(Kind::Divergent).engagements, 1);
    record(&mut engine, EventKind::Dismiss { item_id: disliked.item_id.clone() }, now + 2);
    let blocked = direction(disliked);
    assert!(engine.profile().divergence().is_blocked(&blocked));
    for _ in 0..30 {
        now += 60_000;
        let slate = engine.recommend(&Request { k: 12, ..Request::default() }, now).unwrap();
        engine.mark_shown(&slate.impressions(), now);
        for r in slate.items.iter().filter(|r| r.kind == Kind::Divergent) {
            assert_ne!(direction(r), blocked, "a dismissed direction came back");
        }
    }
}

#[test]
fn farther_steps_open_only_after_an_accepted_divergence() {
    let engine = red_wool_fan(4);
    let catalog = engine.catalog();
    let scorer = Scorer::new(catalog, engine.profile(), LATER, Weights::default());
    let bubble = Bubble::new(catalog, &scorer);
    let near = divergence::candidates(catalog, &bubble, |_| true, false);
    let far = divergence::candidates(catalog, &bubble, |_| true, true);
    assert!(!near.is_empty() && near.iter().all(|c| c.steps == 1));
    assert!(far.iter().any(|c| c.steps == 2));
    // Items far from everything (mugs) are never candidates.
    assert!(far.iter().all(|c| !catalog.item(c.index).id().starts_with("mug")));
}

#[test]
fn a_buying_shopper_gets_little_divergence_and_no_cross_category_jumps() {
    let mut engine = red_wool_fan(5);
    record(&mut engine, EventKind::View { item_id: "cardigan-red-wool-0".into() }, 3 * DAY);
    engine
        .set_preferences(patch(|p| {
            p.surprise = Some(0.5);
            p.intent = Some(IntentSetting::Buying);
        }))
        .unwrap();
    let request = Request {
        k: 12,
        context: flaneur::rank::Context {
            item_id: Some("sweater-red-wool-0".into()),
            ..Default::default()
        },
        ..Request::default()
    };
    let slate = engine.recommend(&request, LATER).unwrap();
    assert_eq!(slate.intent, flaneur::intent::Intent::Buying);
    // A quarter of round(0.5 × 12): 1.5 slots, one or two.
    assert!((1..=2).contains(&divergent(&slate).len()), "{:?}", divergent(&slate));
    let catalog = engine.catalog();
    for r in slate.items.iter().filter(|r| r.kind == Kind::Personal) {
        assert!(catalog.item(r.index).category_path().starts_with("Women > Knitwear"));
    }
}

#[test]
fn discretion_caps_items_derived_from_one_viewed_item() {
    // One viewed red wool sweater; its near copies must not fill the slate.
    let mut engine = Engine::with_seed(shop(), 6);
    engine.set_preferences(patch(|p| p.surprise = Some(0.0))).unwrap();
    for n in 0..3 {
        record(&mut engine, EventKind::View { item_id: "sweater-red-wool-0".into() }, n);
    }
    let catalog = engine.catalog().clone();
    let viewed = catalog.index_of("sweater-red-wool-0").unwrap();
    let slate = engine.recommend(&Request { k: 12, ..Request::default() }, 10).unwrap();
    let derived = derived_from(&catalog, viewed, &slate);
    assert!(slate.items.len() > 6, "enough room to chase the product");
    assert!(derived <= flaneur::rank::MAX_DERIVED, "{derived} items derived from one viewed item");

    // A flâneur is chased even less: one near copy at most.
    engine.set_preferences(patch(|p| p.intent = Some(IntentSetting::Exploring))).unwrap();
    let exploring = engine.recommend(&Request { k: 12, ..Request::default() }, 10).unwrap();
    let derived = derived_from(&catalog, viewed, &exploring);
    assert!(derived <= 1, "{derived} items derived from one viewed item while exploring");

    // When the shopper says "I know what I want", precision wins.
    engine.set_preferences(patch(|p| p.intent = Some(IntentSetting::Buying))).unwrap();
    let buying = engine.recommend(&Request { k: 12, ..Request::default() }, 10).unwrap();
    let derived = derived_from(&catalog, viewed, &buying);
    assert!(derived > flaneur::rank::MAX_DERIVED);
}

/// Items of `slate` close enough to the viewed item to count as derived from it.
fn derived_from(catalog: &Catalog, viewed: usize, slate: &Slate) -> usize {
    let similarity = |r: &&flaneur::rank::Recommendation| {
        flaneur::rank::diversity::similarity(catalog, viewed, r.index)
    };
    slate.items.iter().filter(|r| similarity(r) >= flaneur::rank::DERIVED_SIMILARITY).count()
}

#[test]
fn full_discretion_shows_the_shops_own_order() {
    let mut engine = red_wool_fan(8);
    engine.set_preferences(patch(|p| p.discretion = Some(1.0))).unwrap();
    let slate = engine.recommend(&Request { k: 5, ..Request::default() }, LATER).unwrap();
    assert!(slate.items.iter().all(|r| r.kind == Kind::Default));
    let ids: Vec<&str> = slate.items.iter().map(|r| r.item_id.as_str()).collect();
    let first: Vec<&str> = engine.catalog().iter().take(5).map(|i| i.id()).collect();
    assert_eq!(ids, first);
}

#[test]
fn reasons_speak_of_tastes_never_of_a_single_moment() {
    let mut engine = Engine::with_seed(shop(), 9);
    engine.set_preferences(patch(|p| p.surprise = Some(0.0))).unwrap();
    record(
        &mut engine,
        EventKind::AddToCart { item_id: "cardigan-navy-linen-0".into() },
        1_778_544_000_000,
    );
    let slate =
        engine.recommend(&Request { k: 3, ..Request::default() }, 1_778_544_000_000).unwrap();
    assert!(!slate.items.is_empty());
    for r in &slate.items {
        for s in &r.reason.signals {
            assert!(s.last_seen.is_none(), "one interaction must not be dated: {s:?}");
            assert!(!s.describe().contains("2026"), "{}", s.describe());
        }
    }
}

#[test]
fn the_engine_infers_the_live_sessions_intent_and_slates_report_it() {
    let mut engine = Engine::with_seed(shop(), 10);
    let now = 10 * DAY;
    record(&mut engine, EventKind::View { item_id: "sweater-navy-wool-0".into() }, now);
    record(
        &mut engine,
        EventKind::AddToCart { item_id: "sweater-navy-wool-0".into() },
        now + 30_000,
    );
    assert_eq!(engine.intent(now + 60_000).intent, flaneur::intent::Intent::Buying);
    let slate = engine.recommend(&Request { k: 4, ..Request::default() }, now + 60_000).unwrap();
    assert_eq!(slate.intent, flaneur::intent::Intent::Buying);
    // An hour later the session is over: nothing is known about the next one.
    assert_eq!(engine.intent(now + 3_600_000).intent, flaneur::intent::Intent::Unknown);
    // The shopper's own word wins.
    engine.set_preferences(patch(|p| p.intent = Some(IntentSetting::Exploring))).unwrap();
    assert_eq!(engine.intent(now + 60_000).intent, flaneur::intent::Intent::Exploring);
}

#[test]
fn a_whole_liked_category_steps_to_its_sibling_category() {
    // The shopper likes knitwear as a whole (sweaters and cardigans alike): the
    // anchor is "Women > Knitwear", and its sibling is "Women > Dresses".
    let mut items = Vec::new();
    for (leaf, n) in [
        ("Women > Knitwear > Sweaters", 4),
        ("Women > Knitwear > Cardigans", 4),
        ("Women > Dresses > Midi", 4),
        ("Home > Kitchen", 4),
    ] {
        for i in 0..n {
            items.push(format!(
                r#"{{"id":"{leaf}-{i}","title":"T","category":"{leaf}",
                    "attributes":{{"colour":"red"}},"popularity":0.5}}"#
            ));
        }
    }
    let text = format!(
        r#"{{"version":1,"shop":"s","facets":{{"colour":{{"divergence":true}}}},"items":[{}]}}"#,
        items.join(",")
    );
    let mut engine = Engine::with_seed(Catalog::from_json_str(&text).unwrap(), 11);
    for i in 0..4 {
        record(
            &mut engine,
            EventKind::View { item_id: format!("Women > Knitwear > Sweaters-{i}") },
            i,
        );
        record(
            &mut engine,
            EventKind::View { item_id: format!("Women > Knitwear > Cardigans-{i}") },
            i,
        );
    }
    let catalog = engine.catalog();
    let scorer = Scorer::new(catalog, engine.profile(), LATER, Weights::default());
    let bubble = Bubble::new(catalog, &scorer);
    assert_eq!(catalog.taxonomy().path(bubble.anchors[0].0), "Women > Knitwear");
    let found = divergence::candidates(catalog, &bubble, |_| true, false);
    assert!(!found.is_empty());
    for c in &found {
        assert_eq!(c.direction.axis, "category");
        assert_eq!(c.direction.to, "Women > Dresses");
        assert!(catalog.item(c.index).category_path().starts_with("Women > Dresses"));
    }
}

/// Divergent items shown over `days` sessions, one slate of 12 each, the
/// shopper taking up every divergent item when `takes_up`, else none.
fn divergent_shown_over(days: i64, takes_up: bool) -> (Vec<usize>, f32) {
    let mut engine = red_wool_fan(11);
    let mut per_day = Vec::new();
    for day in 0..days {
        let now = LATER + day * DAY;
        record(&mut engine, EventKind::View { item_id: "sweater-red-wool-3".into() }, now);
        let slate = engine.recommend(&Request { k: 12, ..Request::default() }, now + 1).unwrap();
        assert!(engine.mark_shown(&slate.impressions(), now + 2));
        let picks = divergent(&slate);
        if takes_up {
            for &at in &picks {
                let item_id = slate.items[at].item_id.clone();
                record(&mut engine, EventKind::Click { item_id }, now + 3);
            }
        }
        per_day.push(picks.len());
    }
    let profile = engine.profile();
    let personal = profile.stats().get(Kind::Personal);
    let later = LATER + days * DAY;
    let share = divergence::budget_share(profile.divergence(), personal, later, later);
    (per_day, share)
}

#[test]
fn divergence_ignored_shrinks_to_its_floor_and_never_to_zero() {
    let (ignored, ignored_share) = divergent_shown_over(40, false);
    let (taken, taken_share) = divergent_shown_over(40, true);
    let (early, late) = (ignored[..2].iter().sum::<usize>(), ignored[30..].iter().sum::<usize>());
    // The full budget at first (two slots of twelve at surprise 0.2), then
    // towards a quarter of it: half a slot per slate, never none for long.
    assert_eq!(ignored[0], 2, "{ignored:?}");
    assert!(early >= 3, "{ignored:?}");
    assert!((2..=8).contains(&late), "{late} in 10 slates: {ignored:?}");
    assert!(ignored.windows(10).all(|w| w.iter().sum::<usize>() > 0), "{ignored:?}");
    assert!(ignored_share < 0.5, "{ignored_share}");
    // Taken up, divergence keeps its whole budget (while it has directions left).
    assert_eq!(taken_share, 1.0, "{taken:?}");
    assert!(taken[..5].iter().sum::<usize>() >= ignored[..5].iter().sum::<usize>());
}

#[test]
fn a_step_the_personal_items_already_show_is_no_divergence() {
    let engine = red_wool_fan(3);
    for seed in 0..8 {
        let mut engine = Engine::with_seed(engine.catalog().clone(), seed);
        engine.replace_profile(red_wool_fan(3).profile().clone());
        let slate = engine.recommend(&Request { k: 12, ..Request::default() }, LATER).unwrap();
        let catalog = engine.catalog();
        let personal: Vec<usize> =
            slate.items.iter().filter(|r| r.kind == Kind::Personal).map(|r| r.index).collect();
        for item in slate.items.iter().filter(|r| r.kind == Kind::Divergent) {
            let Some(step) = &item.reason.divergence else { panic!("a divergent item says how") };
            let shown_already = personal.iter().any(|&i| {
                let it = catalog.item(i);
                if step.axis == "category" {
                    it.category_path().starts_with(&step.to)
                } else {
                    it.attributes().any(|(_, v)| v == step.to)
                        && it.category_path().starts_with(&step.anchor)
                }
            });
            assert!(
                !shown_already,
                "seed {seed}: {} → {} is in the personal items",
                step.axis, step.to
            );
        }
    }
}

#[test]
fn a_shelf_drawn_again_in_one_session_counts_its_divergent_item_once() {
    let way = Direction { anchor: "Knit".into(), axis: "colour".into(), to: "navy".into() };
    let mut state = DivergenceState::default();
    for at in 0..5 {
        state.shown("navy-sweater", &way, at, 0); // five renders of one page
    }
    assert_eq!(state.outcome(&way).rejected, 1.0);
    assert_eq!(state.shown_in_session(0), 1);
    // Shown again in a later session, ignored again: a second rejection.
    state.shown("navy-sweater", &way, 10 * DAY, 10 * DAY);
    assert_eq!(state.outcome(&way).rejected, 2.0);
}

/// The axes of the divergent items a fresh red-wool fan is shown, over many seeds.
fn divergent_axes(catalog: &Catalog) -> Vec<String> {
    let mut axes = Vec::new();
    for seed in 0..40 {
        let mut engine = Engine::with_seed(catalog.clone(), seed);
        for copy in 0..2 {
            let view = EventKind::View { item_id: format!("sweater-red-wool-{copy}") };
            record(&mut engine, view, copy);
        }
        // Fewer divergent slots than ways to fill them: the posteriors choose.
        engine.set_preferences(patch(|p| p.surprise = Some(0.2))).unwrap();
        let slate = engine.recommend(&Request { k: 12, ..Request::default() }, LATER).unwrap();
        axes.extend(
            slate.items.iter().filter_map(|r| r.reason.divergence.as_ref()).map(|d| d.axis.clone()),
        );
    }
    axes
}

#[test]
fn the_crowds_priors_steer_a_new_shoppers_divergence_and_their_own_outcomes_still_win() {
    let share = |axes: &[String], axis: &str| {
        axes.iter().filter(|a| *a == axis).count() as f64 / axes.len().max(1) as f64
    };
    let plain = divergent_axes(&shop());
    // The crowd takes material steps up and ignores colour ones.
    let priors = r#""divergence_priors":{"colour":{"accepted":0.1,"rejected":7.9},
        "material":{"accepted":7.9,"rejected":0.1}},"#;
    let crowd = Catalog::from_json_str(&shop_json(priors)).unwrap();
    assert_eq!(crowd.divergence_prior("material").map(|p| p.accepted), Some(7.9));
    let steered = divergent_axes(&crowd);
    assert!(!plain.is_empty() && !steered.is_empty());
    assert!(
        share(&steered, "material") > share(&plain, "material") + 0.2,
        "material: {:.2} with the crowd's priors, {:.2} without",
        share(&steered, "material"),
        share(&plain, "material")
    );
    assert!(share(&steered, "colour") < share(&plain, "colour"));
    // The binary catalog carries them unchanged.
    let again = Catalog::from_binary(&crowd.to_binary()).unwrap();
    assert_eq!(again.divergence_priors(), crowd.divergence_priors());
    // A shopper's own rejections outweigh the crowd's prior in a few outcomes.
    use flaneur::catalog::TakeUpPrior;
    use flaneur::profile::divergence::Outcome;
    let prior = TakeUpPrior { accepted: 7.9, rejected: 0.1 };
    let own = Outcome { accepted: 0.0, rejected: 12.0, last_at: 0 };
    assert!(divergence::Posterior::from_prior(prior, &own).mean() < 0.5);
}

#[test]
fn a_prior_for_an_axis_the_catalog_does_not_diverge_along_is_refused() {
    // The catalog's name of the sibling-category axis is divergence's.
    assert_eq!(flaneur::catalog::CATEGORY_AXIS, flaneur::profile::divergence::CATEGORY_AXIS);
    let priors = r#""divergence_priors":{"size":{"accepted":1.0,"rejected":1.0}},"#;
    let err = Catalog::from_json_str(&shop_json(priors)).unwrap_err().to_string();
    assert!(err.contains("divergence_priors") && err.contains("size"), "{err}");
}
