//! Local-differential-privacy reports: the mechanism's guarantee, the
//! estimates on simulated shoppers, the daily budget (`flaneur ldp aggregate`
//! is tested with the compiler, in `compiler/tests/ldp.rs`).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use flaneur::ldp::{
    AxisCounter, DEFAULT_DAILY_BUDGET, Estimate, Indicators, KINDS, LEDGER_BYTES, Ledger,
    PERMANENT_EPSILON, Permanent, Question, Report, aggregate, probability, questions,
};
use flaneur::profile::Counter;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// 2026-03-01.
const TODAY: i32 = 20_513;
/// True shares of yes, given to the schema's questions in turn.
const RATES: [f64; 4] = [0.1, 0.3, 0.6, 0.9];

/// A shop diverging along colour and material (and category): 12 questions.
fn schema() -> Vec<String> {
    questions(&["colour", "material"])
}

/// The true share of yes of the schema's `i`-th question.
fn rate(i: usize) -> f64 {
    RATES[i % RATES.len()]
}

/// One report of a new shopper (no permanent answer drawn yet).
fn randomize(
    period: &Indicators,
    schema: &[String],
    epsilon: f64,
    today: i32,
    rng: &mut SmallRng,
) -> flaneur::Result<Report> {
    flaneur::ldp::randomize(period, schema, epsilon, today, &mut Permanent::default(), rng)
}

/// The probability of reporting `answer` when the truth is `truth`, through
/// both stages: the permanent answer (ε∞), then the daily one (ε).
fn two_stage(answer: bool, truth: bool, epsilon: f64) -> f64 {
    let q = probability(true, true, PERMANENT_EPSILON);
    let daily = |lasting: bool| probability(answer, lasting, epsilon);
    q * daily(truth) + (1.0 - q) * daily(!truth)
}

/// A period with the given answer to each question of `schema`, built from counts as the browser
/// will.
fn period(schema: &[String], answers: impl Fn(usize) -> bool) -> Indicators {
    let mut kinds = [Counter::default(); 3];
    let mut axes: BTreeMap<String, AxisCounter> = BTreeMap::new();
    for (i, key) in schema.iter().enumerate() {
        let count = u64::from(answers(i)) * (1 + i as u64 % 3);
        match Question::parse(key).expect("a schema key") {
            Question::Shown(k) => {
                kinds[KINDS.iter().position(|x| *x == k).unwrap()].impressions = count
            }
            Question::Engaged(k) => {
                kinds[KINDS.iter().position(|x| *x == k).unwrap()].engagements = count
            }
            Question::DivergentShown(a) => axes.entry(a).or_default().shown = count,
            Question::DivergentAccepted(a) => axes.entry(a).or_default().accepted = count,
        }
    }
    let period = Indicators::from_counts(
        KINDS.into_iter().zip(kinds),
        axes.iter().map(|(a, c)| (a.as_str(), *c)),
    );
    for (i, key) in schema.iter().enumerate() {
        assert_eq!(period.answer(&Question::parse(key).unwrap()), answers(i), "{key}");
    }
    period
}

/// One report from each of `shoppers` simulated shoppers, whose true answers follow [`rate`].
fn simulate(shoppers: usize, epsilon: f64, seed: u64) -> Vec<Report> {
    let schema = schema();
    let mut truth = SmallRng::seed_from_u64(seed);
    let mut rng = SmallRng::seed_from_u64(seed ^ 0x5eed);
    (0..shoppers)
        .map(|_| {
            let answers: Vec<bool> =
                (0..schema.len()).map(|i| truth.random_bool(rate(i))).collect();
            randomize(&period(&schema, |i| answers[i]), &schema, epsilon, TODAY, &mut rng).unwrap()
        })
        .collect()
}

/// The half-width of the 95% interval theory expects for `n` reports on a question whose true
/// share is `pi`.
fn expected_half_width(pi: f64, n: f64, epsilon: f64) -> f64 {
    let gap = two_stage(true, true, epsilon) - two_stage(true, false, epsilon);
    let lambda = pi * gap + two_stage(true, false, epsilon);
    1.96 * (lambda * (1.0 - lambda) / n).sqrt() / gap
}

fn truth_of(question: &str) -> f64 {
    rate(schema().iter().position(|q| q == question).expect("a schema question"))
}

#[test]
fn estimates_of_20000_shoppers_recover_the_true_shares_within_their_intervals() {
    let shoppers = 20_000;
    let per_question = shoppers as f64 / schema().len() as f64;
    let mut widths = BTreeMap::new();
    // Each estimate within 3.29 standard errors (its 99.9% interval) of the
    // truth: all 24 hold together for about 97.6% of seeds, where 24 intervals
    // of 95% would for only 29%. The next test checks the 95% itself.
    // (Seeds 1 to 16 were all tried: every one holds.)
    for epsilon in [1.0, 0.5] {
        let estimates = aggregate(&simulate(shoppers, epsilon, 1)).unwrap();
        assert_eq!(estimates.iter().map(|e| e.question.clone()).collect::<Vec<_>>(), {
            let mut sorted = schema();
            sorted.sort();
            sorted
        });
        assert_eq!(estimates.iter().map(|e| e.reports).sum::<u64>(), shoppers as u64);
        for e in &estimates {
            let truth = truth_of(&e.question);
            let z = (e.estimate - truth).abs() / e.std_error;
            assert!(z <= 3.29, "ε = {epsilon}: {e:?} is {z:.2} standard errors from {truth}");
            assert!(e.ci_low < e.estimate && e.estimate < e.ci_high);
            let half = (e.ci_high - e.ci_low) / 2.0;
            let theory = expected_half_width(truth, per_question, epsilon);
            let question = &e.question;
            assert!(
                (half / theory - 1.0).abs() < 0.2,
                "ε = {epsilon}, {question}: half-width {half}, theory {theory}"
            );
            widths.insert((e.question.clone(), epsilon.to_bits()), half);
        }
    }
    for question in schema() {
        let width = |epsilon: f64| widths[&(question.clone(), epsilon.to_bits())];
        let (wide, narrow) = (width(0.5), width(1.0));
        // Theory: (2p − 1) falls from 0.462 to 0.245, so about 1.9 times wider.
        assert!(
            wide > 1.6 * narrow,
            "{question}: ε = 0.5 gives ±{wide}, \
             ε = 1 gives ±{narrow}"
        );
    }
}

#[test]
fn the_95_percent_interval_covers_the_truth_about_95_percent_of_the_time() {
    let schema = vec!["engaged.divergent".to_string()];
    let (runs, n, truth) = (400, 500, 0.3);
    let mut rng = SmallRng::seed_from_u64(11);
    let mut covered = 0;
    for _ in 0..runs {
        let reports: Vec<Report> = (0..n)
            .map(|_| {
                let yes = rng.random_bool(truth);
                randomize(&period(&schema, |_| yes), &schema, 1.0, TODAY, &mut rng).unwrap()
            })
            .collect();
        let [e]: [Estimate; 1] = aggregate(&reports).unwrap().try_into().unwrap();
        covered += usize::from(e.ci_low <= truth && truth <= e.ci_high);
    }
    // Binomial(400, 0.95): sd 1.1 points; 90% and 99% are more than four away.
    let coverage = covered as f64 / runs as f64;
    assert!((0.9..=0.99).contains(&coverage), "coverage {coverage}");
}

#[test]
fn every_report_is_at_most_e_to_the_epsilon_times_likelier_under_one_truth_than_another() {
    let schema = schema();
    let m = schema.len() as f64;
    for epsilon in [0.5f64, 1.0] {
        let bound = f64::exp(epsilon.min(PERMANENT_EPSILON));
        for (q, key) in schema.iter().enumerate() {
            // The probability of the report (key, answer) for a period: the uniform
            // choice of the question, then the randomized answer to it.
            let report = |answer: bool, truth: bool| (1.0 / m) * two_stage(answer, truth, epsilon);
            for answer in [false, true] {
                assert!((report(answer, true) + report(!answer, true) - 1.0 / m).abs() < 1e-15);
                for (x, x2) in [(true, false), (false, true), (true, true), (false, false)] {
                    let ratio = report(answer, x) / report(answer, x2);
                    assert!(
                        ratio <= bound * (1.0 + 1e-12),
                        "ε = {epsilon}, {key} ({q}), answer {answer}: {ratio}"
                    );
                }
                // Through both stages the answer carries less than either ε.
                let ratio = report(answer, answer) / report(answer, !answer);
                assert!(ratio > 1.0 && ratio < 0.8 * bound, "{ratio} vs {bound}");
            }
        }
    }
}

#[test]
fn observed_report_frequencies_keep_to_the_bound() {
    let schema = questions(&[]);
    let (draws, tolerance) = (200_000, 0.12);
    for (epsilon, seed) in [(1.0, 1), (0.5, 2)] {
        let bound = two_stage(true, true, epsilon) / two_stage(true, false, epsilon);
        // Every answer yes, and every answer no: the two periods farthest apart.
        let count = |yes: bool| {
            let period = period(&schema, |_| yes);
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut counts: BTreeMap<(String, bool), f64> = BTreeMap::new();
            for _ in 0..draws {
                let r = randomize(&period, &schema, epsilon, TODAY, &mut rng).unwrap();
                *counts.entry((r.question, r.answer)).or_default() += 1.0;
            }
            counts
        };
        let (all_yes, all_no) = (count(true), count(false));
        assert_eq!(all_yes.len(), 2 * schema.len());
        for (report, n_yes) in &all_yes {
            let n_no = all_no[report];
            let ratio = if report.1 { n_yes / n_no } else { n_no / n_yes };
            assert!(
                ratio <= bound * (1.0 + tolerance),
                "ε = {epsilon}, {report:?}: ratio {ratio} above {bound}"
            );
            // … and the mechanism is not noisier than it claims either.
            assert!(
                ratio >= bound * (1.0 - tolerance),
                "ε = {epsilon}, {report:?}: ratio {ratio} far below {bound}"
            );
        }
    }
}

#[test]
fn the_question_is_chosen_uniformly_whatever_the_answers() {
    let schema = schema();
    let m = schema.len();
    let mixed = {
        let mut rng = SmallRng::seed_from_u64(5);
        let answers: Vec<bool> = (0..m).map(|_| rng.random_bool(0.5)).collect();
        period(&schema, |i| answers[i])
    };
    // Only the first question yes: a choice leaning on the data would show here.
    let periods =
        [period(&schema, |_| false), period(&schema, |_| true), period(&schema, |i| i == 0), mixed];
    let draws = 60_000;
    let mut sequences = Vec::new();
    for period in &periods {
        let mut rng = SmallRng::seed_from_u64(42);
        let chosen: Vec<String> = (0..draws)
            .map(|_| randomize(period, &schema, 1.0, TODAY, &mut rng).unwrap().question)
            .collect();
        let mut counts: BTreeMap<&str, f64> = BTreeMap::new();
        for q in &chosen {
            *counts.entry(q.as_str()).or_default() += 1.0;
        }
        assert_eq!(counts.len(), m);
        let expected = draws as f64 / m as f64;
        let chi2: f64 = counts.values().map(|c| (c - expected).powi(2) / expected).sum();
        // χ² with 11 degrees of freedom: 31.3 is its 0.1% tail.
        assert!(chi2 < 31.3, "χ² = {chi2}: {counts:?}");
        sequences.push(chosen);
    }
    // With the same seed, the very same questions, whatever the answers.
    assert!(sequences.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn a_bad_epsilon_schema_or_day_is_refused_whatever_the_answers() {
    let schema = schema();
    let mut rng = SmallRng::seed_from_u64(1);
    for yes in [false, true] {
        let period = period(&schema, |_| yes);
        for epsilon in [0.0, -0.5, 0.25, 4.0, f64::NAN, f64::INFINITY] {
            let err = randomize(&period, &schema, epsilon, TODAY, &mut rng).unwrap_err();
            assert_eq!(err.code(), "BAD_ARGUMENT", "{epsilon}");
        }
        assert!(randomize(&period, &[], 1.0, TODAY, &mut rng).is_err());
        let mut wrong = schema.clone();
        wrong.push("shown.default".into());
        assert!(randomize(&period, &wrong, 1.0, TODAY, &mut rng).is_err());
        assert!(randomize(&period, &schema, 1.0, i32::MAX, &mut rng).is_err());
        assert!(randomize(&period, &schema, 0.5, TODAY, &mut rng).is_ok());
    }
}

#[test]
fn the_ledger_spends_up_to_the_budget_each_day_and_never_again_when_the_clock_goes_back() {
    let mut ledger = Ledger::default();
    for _ in 0..4 {
        assert!(ledger.try_spend(TODAY, 0.25, DEFAULT_DAILY_BUDGET));
    }
    assert!((ledger.spent - 1.0).abs() < 1e-12 && ledger.day == TODAY);
    assert!(!ledger.try_spend(TODAY, 0.25, DEFAULT_DAILY_BUDGET));
    assert!(!ledger.try_spend(TODAY, 1e-6, DEFAULT_DAILY_BUDGET));
    assert_eq!(ledger.remaining(TODAY, DEFAULT_DAILY_BUDGET), 0.0);
    // The clock goes back a day, a year: still today, nothing to spend.
    for back in [TODAY - 1, TODAY - 365, i32::MIN] {
        assert!(!ledger.try_spend(back, 0.25, DEFAULT_DAILY_BUDGET));
        assert_eq!(ledger, Ledger { day: TODAY, spent: ledger.spent, lifetime: ledger.lifetime });
    }
    // The next day starts afresh, and may not exceed the budget in one go.
    assert!(!ledger.try_spend(TODAY + 1, 1.5, DEFAULT_DAILY_BUDGET));
    assert_eq!(ledger.day, TODAY, "a refused spend changes nothing");
    assert!(ledger.try_spend(TODAY + 1, 0.6, DEFAULT_DAILY_BUDGET));
    assert_eq!(ledger, Ledger { day: TODAY + 1, spent: 0.6, lifetime: 1.6 });
    assert!(!ledger.try_spend(TODAY + 1, 0.6, DEFAULT_DAILY_BUDGET));
    assert!(ledger.try_spend(TODAY + 1, 0.4, DEFAULT_DAILY_BUDGET), "float sums within tolerance");
    // Ten reports of 0.1 fit a budget of 1 despite rounding; an eleventh does not.
    let mut tenths = Ledger::default();
    assert_eq!((0..11).filter(|_| tenths.try_spend(TODAY, 0.1, 1.0)).count(), 10);
    // Nonsense spends nothing.
    let nonsense = [
        (0.0, 1.0),
        (-1.0, 1.0),
        (f64::NAN, 1.0),
        (0.5, f64::NAN),
        (0.5, -1.0),
        (f64::INFINITY, 1.0),
    ];
    for (epsilon, budget) in nonsense {
        let mut l = Ledger::default();
        assert!(!l.try_spend(TODAY, epsilon, budget), "{epsilon} {budget}");
        assert_eq!(l, Ledger::default());
    }
}

#[test]
fn the_ledger_round_trips_through_bytes_and_refuses_corrupted_ones() {
    let ledger = Ledger { day: TODAY, spent: 0.75, lifetime: 30.5 };
    let bytes = ledger.to_bytes();
    assert_eq!(bytes.len(), LEDGER_BYTES);
    assert_eq!(bytes[0], 2);
    assert_eq!(&bytes[1..5], &TODAY.to_le_bytes());
    assert_eq!(&bytes[5..13], &0.75f64.to_le_bytes());
    assert_eq!(&bytes[13..], &30.5f64.to_le_bytes());
    assert_eq!(Ledger::from_bytes(&bytes), Ok(ledger));
    // Version 1 (no lifetime) reads with its day's ε as the lifetime's.
    let mut v1 = bytes[..13].to_vec();
    v1[0] = 1;
    assert_eq!(Ledger::from_bytes(&v1), Ok(Ledger { day: TODAY, spent: 0.75, lifetime: 0.75 }));
    let early = Ledger { day: -3, spent: 0.0, lifetime: 0.0 };
    assert_eq!(Ledger::from_bytes(&early.to_bytes()), Ok(early));

    let corrupt = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut b = bytes.clone();
        edit(&mut b);
        Ledger::from_bytes(&b).map_err(|e| e.code())
    };
    assert_eq!(corrupt(&|b| b.truncate(20)), Err("BAD_ARGUMENT"));
    assert_eq!(corrupt(&|b| b.truncate(13)), Err("BAD_ARGUMENT"));
    assert_eq!(corrupt(&|b| b.push(0)), Err("BAD_ARGUMENT"));
    assert_eq!(corrupt(&|b| b.clear()), Err("BAD_ARGUMENT"));
    assert_eq!(corrupt(&|b| b[0] = 3), Err("BAD_ARGUMENT"));
    assert_eq!(corrupt(&|b| b[0] = 1), Err("BAD_ARGUMENT"), "a version 1 of 21 bytes");
    assert_eq!(corrupt(&|b| b[0] = 0), Err("BAD_ARGUMENT"));
    for bad in [-0.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for at in [5, 13] {
            assert_eq!(
                corrupt(&|b| b[at..at + 8].copy_from_slice(&bad.to_le_bytes())),
                Err("BAD_ARGUMENT"),
                "{bad}"
            );
        }
    }
}

// The engine: counting only while opted in, one report a day, the ledger in the stored record.

mod engine {
    use flaneur::Engine;
    use flaneur::catalog::Catalog;
    use flaneur::ldp::{Question, Report};
    use flaneur::preferences::PreferencesPatch;
    use flaneur::profile::{Event, EventKind};
    use flaneur::rank::{Request, Slate};
    use flaneur::slot::Kind;
    use flaneur::snapshot::Snapshot;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    /// 2026-03-01, noon UTC, in ms.
    const NOON: i64 = 20_513 * 86_400_000 + 43_200_000;
    const DAY: i32 = 20_513;

    fn demo() -> Engine {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/demo/catalog.json"))
                .unwrap();
        Engine::with_seed(Catalog::from_json_str(&text).unwrap(), 11)
    }

    fn opt(engine: &mut Engine, reports: bool) {
        engine
            .set_preferences(PreferencesPatch { reports: Some(reports), ..Default::default() })
            .unwrap();
    }

    /// Views of the first knitwear items, then a slate shown; returns it.
    fn browse(engine: &mut Engine, at: i64) -> Slate {
        let knitwear: Vec<String> = (0..engine.catalog().len())
            .map(|i| engine.catalog().item(i))
            .filter(|item| engine.catalog().taxonomy().path(item.category()).contains("Knitwear"))
            .map(|item| item.id().to_owned())
            .take(6)
            .collect();
        assert_eq!(knitwear.len(), 6, "the demo catalog has knitwear");
        for (n, id) in knitwear.iter().enumerate() {
            engine
                .record(&Event { kind: EventKind::View { item_id: id.clone() }, at: at + n as i64 })
                .unwrap();
        }
        let slate = engine.recommend(&Request { k: 12, ..Request::default() }, at + 10).unwrap();
        engine.mark_shown(&slate.impressions(), at + 10);
        slate
    }

    fn divergent(slate: &Slate) -> (&str, &str) {
        let item =
            slate.items.iter().find(|i| i.kind == Kind::Divergent).expect("a divergent slot");
        (item.item_id.as_str(), item.reason.divergence.as_ref().unwrap().axis.as_str())
    }

    fn report(engine: &mut Engine, day: i32) -> Option<Report> {
        engine.report(day, 1.0, &mut SmallRng::seed_from_u64(day as u64)).unwrap()
    }

    /// The stored record read back into a fresh engine: what a reload sees.
    fn reload(engine: &Engine, at: i64) -> Engine {
        let bytes = engine.snapshot(at).to_bytes();
        let mut fresh = demo();
        fresh.rebase(Some(Snapshot::from_bytes(&bytes, engine.catalog().shop()).unwrap()), &[]);
        fresh
    }

    #[test]
    fn an_opted_in_shopper_reports_each_day_whatever_was_shown_and_keeps_the_permanent_answers() {
        let mut engine = demo();
        opt(&mut engine, true);
        // Nothing browsed at all: a report all the same (its absence would say something).
        assert!(report(&mut engine, DAY).is_some());
        assert_eq!(engine.reporting().permanent.len(), 1);
        // Forgetting everything, opting out and in, and a reload keep the permanent answers.
        engine.forget(&flaneur::profile::Forget::Everything, NOON);
        opt(&mut engine, false);
        opt(&mut engine, true);
        let mut engine = reload(&engine, NOON);
        assert_eq!(engine.reporting().permanent.len(), 1);
        assert!(report(&mut engine, DAY + 1).is_some());
        assert!(report(&mut engine, DAY + 1).is_none());
    }

    #[test]
    fn nothing_is_counted_or_reported_without_the_shoppers_opt_in() {
        let mut engine = demo();
        assert!(!engine.preferences().reports, "reports are off by default");
        let slate = browse(&mut engine, NOON);
        let (id, _) = divergent(&slate);
        engine
            .record(&Event { kind: EventKind::Click { item_id: id.to_owned() }, at: NOON + 20 })
            .unwrap();
        assert!(
            engine.profile().stats().get(Kind::Divergent).engagements > 0,
            "the local counters did count"
        );
        assert!(engine.reporting().period.is_empty());
        assert_eq!(report(&mut engine, DAY), None);
        assert_eq!(engine.reporting(), &Default::default(), "no ε spent");
        assert_eq!(
            engine.report(DAY, 1.5, &mut SmallRng::seed_from_u64(1)).unwrap_err().code(),
            "BAD_ARGUMENT"
        );
    }

    #[test]
    fn an_opted_in_period_counts_per_kind_and_axis_and_reports_once_a_day_across_reloads() {
        let mut engine = demo();
        opt(&mut engine, true);
        let slate = browse(&mut engine, NOON);
        let (id, axis) = divergent(&slate);
        let (id, axis) = (id.to_owned(), axis.to_owned());
        engine
            .record(&Event { kind: EventKind::AddToCart { item_id: id }, at: NOON + 20 })
            .unwrap();
        let answers = engine.reporting().period.indicators();
        for yes in [
            Question::Shown(Kind::Personal),
            Question::Shown(Kind::Divergent),
            Question::Engaged(Kind::Divergent),
            Question::DivergentShown(axis.clone()),
            Question::DivergentAccepted(axis.clone()),
        ] {
            assert!(answers.answer(&yes), "{yes}");
        }
        assert!(!answers.answer(&Question::Engaged(Kind::Personal)));
        assert!(!answers.answer(&Question::Shown(Kind::Popular)));

        let made = report(&mut engine, DAY).expect("a report");
        assert_eq!((made.v, made.epsilon, made.day.as_str()), (2, 1.0, "2026-03-01"));
        assert!(engine.reporting().period.is_empty(), "a report starts a new period");
        browse(&mut engine, NOON + 60_000);
        assert_eq!(report(&mut engine, DAY), None, "today's ε is spent");

        let mut reloaded = reload(&engine, NOON + 70_000);
        assert_eq!(reloaded.reporting(), engine.reporting());
        assert_eq!(report(&mut reloaded, DAY), None, "a reload frees no budget");
        assert_eq!(report(&mut reloaded, DAY - 1), None, "nor does a clock turned back");
        assert!(report(&mut reloaded, DAY + 1).is_some(), "the next day has its own budget");
    }

    #[test]
    fn a_catalog_listing_report_departments_counts_each_step_in_its_department_too() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/demo/catalog.json"))
                .unwrap();
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json["report_departments"] = serde_json::json!(["Women", "Men"]);
        let catalog = Catalog::from_json_str(&json.to_string()).unwrap();
        assert_eq!(catalog.report_departments(), ["Men", "Women"]);
        let mut engine = Engine::with_seed(catalog, 11);
        opt(&mut engine, true);
        let slate = browse(&mut engine, NOON);
        let item = slate.items.iter().find(|i| i.kind == Kind::Divergent).unwrap();
        let direction = item.reason.divergence.clone().unwrap();
        assert!(direction.anchor.starts_with("Women > "), "{}", direction.anchor);
        let group = format!("{}@Women", direction.axis);
        let answers = engine.reporting().period.indicators();
        assert!(answers.answer(&Question::DivergentShown(group.clone())));
        assert!(answers.answer(&Question::DivergentShown(direction.axis.clone())));
        assert!(!answers.answer(&Question::DivergentAccepted(group.clone())));
        assert!(!answers.answer(&Question::DivergentShown(format!("{}@Men", direction.axis))));
        let id = item.item_id.clone();
        engine.record(&Event { kind: EventKind::Click { item_id: id }, at: NOON + 20 }).unwrap();
        let answers = engine.reporting().period.indicators();
        assert!(answers.answer(&Question::DivergentAccepted(group)));
        // Reports draw their question from the grouped schema, which every shopper shares.
        let axes: Vec<&str> = engine
            .catalog()
            .facets()
            .iter()
            .filter(|f| f.divergence)
            .map(|f| f.name.as_str())
            .collect();
        let schema = flaneur::ldp::grouped_questions(&axes, &["Men", "Women"]);
        assert_eq!(schema.len(), 6 + 2 * 3 * (axes.len() + 1));
        let made: Vec<String> =
            (0..40).filter_map(|d| report(&mut engine, DAY + d)).map(|r| r.question).collect();
        assert_eq!(made.len(), 40);
        assert!(made.iter().all(|q| schema.contains(q)), "{made:?}");
        assert!(made.iter().any(|q| q.contains('@')), "{made:?}");
    }

    #[test]
    fn opting_out_discards_the_period_and_keeps_the_spent_budget() {
        let mut engine = demo();
        opt(&mut engine, true);
        browse(&mut engine, NOON);
        assert!(report(&mut engine, DAY).is_some());
        browse(&mut engine, NOON + 60_000);
        assert!(!engine.reporting().period.is_empty());
        opt(&mut engine, false);
        assert!(
            engine.reporting().period.is_empty(),
            "nothing kept for a report the shopper withdrew from"
        );
        opt(&mut engine, true);
        browse(&mut engine, NOON + 120_000);
        assert_eq!(report(&mut engine, DAY), None, "opting out and in again frees no budget");
        engine.forget(&flaneur::Forget::Everything, NOON + 130_000);
        assert!(engine.reporting().period.is_empty(), "forgetting everything forgets the period");
        assert_eq!(engine.reporting().ledger.day, DAY, "but not the ε spent");
    }
}

/// Issue #19: the attacks on reports that a linked, hostile reader can mount.
mod hostile {
    use super::{TODAY, schema};
    use flaneur::ldp::{Period, Question, Report, Reporting, aggregate, check_epsilon};
    use flaneur::slot::Kind;
    use rand::rngs::SmallRng;
    use rand::{RngExt, SeedableRng};

    /// One day's browsing of a shopper of habit: `habits` says, for each kind
    /// and axis, whether it happens (the same every day).
    fn browsing(habits: &[bool]) -> Period {
        let mut period = Period::default();
        for (i, kind) in [Kind::Personal, Kind::Divergent, Kind::Popular].into_iter().enumerate() {
            if habits[2 * i] {
                period.shown(kind, None);
            }
            if habits[2 * i + 1] {
                period.engaged(kind, None);
            }
        }
        for (i, axis) in ["category", "colour", "material"].into_iter().enumerate() {
            if habits[6 + 2 * i] {
                period.shown(Kind::Divergent, Some(axis));
            }
            if habits[7 + 2 * i] {
                period.engaged(Kind::Divergent, Some(axis));
            }
        }
        period
    }

    fn habits(rng: &mut SmallRng, yes: f64) -> Vec<bool> {
        (0..12).map(|_| rng.random_bool(yes)).collect()
    }

    /// The true answer of `period` to the schema's question `key`.
    fn truth(period: &Period, key: &str) -> bool {
        period.indicators().answer(&Question::parse(key).unwrap())
    }

    /// A year of daily reports, at `epsilon`, from one shopper of habit.
    fn a_year(habits: &[bool], epsilon: f64, rng: &mut SmallRng) -> Vec<Report> {
        let schema = schema();
        let mut reporting = Reporting::default();
        let mut made = Vec::new();
        for day in 0..365 {
            reporting.period = browsing(habits);
            if let Some(report) = reporting.report(&schema, epsilon, TODAY + day, rng).unwrap() {
                made.push(report);
            }
        }
        made
    }

    #[test]
    fn a_years_majority_vote_recovers_a_stable_trait_no_better_than_its_permanent_answer() {
        let schema = schema();
        let mut rng = SmallRng::seed_from_u64(19);
        let (mut right, mut voted) = (0.0, 0.0);
        for _ in 0..300 {
            let habits = habits(&mut rng, 0.7);
            let period = browsing(&habits);
            let reports = a_year(&habits, 1.0, &mut rng);
            for key in &schema {
                let on: Vec<bool> =
                    reports.iter().filter(|r| &r.question == key).map(|r| r.answer).collect();
                if on.is_empty() {
                    continue;
                }
                let yes = on.iter().filter(|a| **a).count() * 2;
                let guess = match yes.cmp(&on.len()) {
                    std::cmp::Ordering::Greater => 1.0,
                    std::cmp::Ordering::Less => 0.0,
                    std::cmp::Ordering::Equal => 0.5,
                };
                right += if truth(&period, key) { guess } else { 1.0 - guess };
                voted += 1.0;
            }
        }
        let recovered = right / voted;
        // The permanent answer is the truth with probability 3/4 (ε∞ = ln 3); 300 shoppers
        // × 12 questions keep the rate's sd under a point.
        assert!(recovered <= 0.75 + 0.03, "recovered {recovered} of the traits");
        assert!(voted > 3000.0, "most questions were asked at least once: {voted}");
    }

    #[test]
    fn a_lifetime_budget_ends_the_reports() {
        let mut rng = SmallRng::seed_from_u64(20);
        let habits = vec![true; 12];
        assert_eq!(a_year(&habits, 1.0, &mut rng).len(), 60);
        assert_eq!(a_year(&habits, 0.5, &mut rng).len(), 120);
    }

    #[test]
    fn the_two_stage_estimates_cover_the_truth_for_many_shoppers() {
        let schema = schema();
        let mut rng = SmallRng::seed_from_u64(21);
        for epsilon in [1.0, 0.5] {
            let (mut reports, mut yes) = (Vec::new(), vec![0.0; schema.len()]);
            let shoppers = 20_000;
            for _ in 0..shoppers {
                let habits = habits(&mut rng, 0.6);
                let mut reporting = Reporting { period: browsing(&habits), ..Default::default() };
                for (i, key) in schema.iter().enumerate() {
                    yes[i] += f64::from(u8::from(truth(&reporting.period, key)));
                }
                let made = reporting.report(&schema, epsilon, TODAY, &mut rng).unwrap();
                reports.push(made.expect("a first report"));
            }
            for e in aggregate(&reports).unwrap() {
                let i = schema.iter().position(|q| *q == e.question).unwrap();
                let truth = yes[i] / shoppers as f64;
                let z = (e.estimate - truth).abs() / e.std_error;
                assert!(z <= 3.29, "ε = {epsilon}: {e:?} is {z:.2} standard errors from {truth}");
            }
        }
    }

    #[test]
    fn a_report_is_made_every_eligible_day_whatever_was_counted() {
        let schema = schema();
        let mut rng = SmallRng::seed_from_u64(22);
        let mut reporting = Reporting::default();
        for day in 0..5 {
            let made = reporting.report(&schema, 1.0, TODAY + day, &mut rng).unwrap();
            assert!(made.is_some(), "day {day}: an empty period is reported too");
            assert_eq!(reporting.report(&schema, 1.0, TODAY + day, &mut rng).unwrap(), None);
        }
        // A day before the last one reported is refused (the clock ran backwards).
        reporting.period.shown(Kind::Personal, None);
        assert_eq!(reporting.report(&schema, 1.0, TODAY + 2, &mut rng).unwrap(), None);
    }

    #[test]
    fn only_the_fixed_epsilons_are_allowed() {
        assert_eq!(check_epsilon(0.5), Ok(0.5));
        assert_eq!(check_epsilon(1.0), Ok(1.0));
        for bad in [0.25, 0.7, 0.500001, 2.0, 4.0, 0.0, f64::NAN] {
            assert_eq!(check_epsilon(bad).unwrap_err().code(), "BAD_ARGUMENT", "{bad}");
        }
        let mut reporting = Reporting::default();
        reporting.period.shown(Kind::Personal, None);
        let mut rng = SmallRng::seed_from_u64(23);
        let err = reporting.report(&schema(), 0.25, TODAY, &mut rng).unwrap_err();
        assert_eq!(err.code(), "BAD_ARGUMENT");
    }
}
