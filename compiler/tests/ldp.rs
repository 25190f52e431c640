//! `flaneur ldp aggregate` on simulated shoppers' reports: the command agrees
//! with the core's `flaneur::ldp::aggregate`, and names every malformed line.
//! (The mechanism itself is tested in the core's `tests/ldp.rs`.)
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flaneur::ldp::{
    AxisCounter, Estimate, Indicators, KINDS, Permanent, Question, Report, aggregate, questions,
    randomize,
};
use flaneur::profile::Counter;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

const BIN: &str = env!("CARGO_BIN_EXE_flaneur");
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
            let mut permanent = Permanent::default();
            let period = period(&schema, |i| answers[i]);
            randomize(&period, &schema, epsilon, TODAY, &mut permanent, &mut rng).unwrap()
        })
        .collect()
}

fn truth_of(question: &str) -> f64 {
    rate(schema().iter().position(|q| q == question).expect("a schema question"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ldp");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("the flaneur binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn write_jsonl(name: &str, reports: &[Report], blank_every: usize) -> PathBuf {
    let mut text = String::new();
    for (i, r) in reports.iter().enumerate() {
        text.push_str(&serde_json::to_string(r).unwrap());
        text.push('\n');
        if blank_every > 0 && i % blank_every == 0 {
            text.push_str("  \n");
        }
    }
    let path = tmp(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn flaneur_ldp_aggregate_recovers_the_true_shares_from_a_jsonl_file() {
    // Half the shoppers report with ε = 1, half with ε = 0.5: estimates combine both.
    let mut reports = simulate(10_000, 1.0, 7);
    reports.extend(simulate(10_000, 0.5, 8));
    let path = write_jsonl("reports.jsonl", &reports, 1000);
    let o = run(&["ldp", "aggregate", path.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    let estimates: Vec<Estimate> =
        serde_json::from_str(&stdout(&o)).expect("a JSON array of estimates");
    // The command and the library agree (to the last bits serde_json's float parsing may round
    // differently).
    let library = aggregate(&reports).unwrap();
    assert_eq!(estimates.len(), library.len());
    for (e, l) in estimates.iter().zip(&library) {
        assert_eq!((&e.question, e.reports), (&l.question, l.reports));
        let pairs = [
            (e.estimate, l.estimate),
            (e.std_error, l.std_error),
            (e.ci_low, l.ci_low),
            (e.ci_high, l.ci_high),
        ];
        for (a, b) in pairs {
            assert!((a - b).abs() < 1e-12, "{e:?} vs {l:?}");
        }
    }
    assert_eq!(estimates.len(), schema().len());
    assert!(estimates.windows(2).all(|w| w[0].question < w[1].question), "sorted by question");
    assert_eq!(estimates.iter().map(|e| e.reports).sum::<u64>(), 20_000);
    for e in &estimates {
        // Within 3.29 standard errors (99.9%): all 12 hold together for 98.8% of seeds.
        let truth = truth_of(&e.question);
        let z = (e.estimate - truth).abs() / e.std_error;
        assert!(z <= 3.29, "{e:?} is {z:.2} standard errors from {truth}");
    }

    let o = run(&["ldp", "aggregate", path.to_str().unwrap()]);
    assert!(o.status.success());
    let table = stdout(&o);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 1 + schema().len());
    assert!(lines[0].starts_with("question") && lines[0].ends_with("95% CI"), "{}", lines[0]);
    let first = &estimates[0];
    assert!(lines[1].starts_with(&first.question), "{}", lines[1]);
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(cells[1], first.reports.to_string());
    assert_eq!(cells[2], format!("{:.3}", first.estimate));
}

#[test]
fn flaneur_ldp_aggregate_skips_every_malformed_line_with_its_number_and_a_count() {
    let good = simulate(3, 1.0, 1);
    let line = |r: &Report| serde_json::to_string(r).unwrap();
    let text = [
        line(&good[0]),
        String::new(),
        r#"{"v":1,"question":"shown.personal","answer":true"#.to_string(),
        line(&good[1]).replace("\"v\":2", "\"v\":1"),
        line(&Report { question: "shown.default".into(), ..good[2].clone() }),
        line(&good[2]).replace("\"v\":2", "\"id\":\"shopper-7\",\"v\":2"),
        line(&Report { epsilon: 8.0, ..good[2].clone() }),
        line(&Report { epsilon: 0.25, ..good[2].clone() }),
        line(&good[2]),
    ]
    .join("\n");
    let path = tmp("malformed.jsonl");
    std::fs::write(&path, text).unwrap();
    let counted = aggregate(&[good[0].clone(), good[2].clone()]).unwrap();
    for json in [false, true] {
        let mut args = vec!["ldp", "aggregate", path.to_str().unwrap()];
        if json {
            args.push("--json");
        }
        let o = run(&args);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        // The good lines are counted and estimated …
        if json {
            let estimates: Vec<Estimate> = serde_json::from_str(&stdout(&o)).expect("JSON");
            let key = |e: &Estimate| (e.question.clone(), e.reports, (e.estimate * 1e9).round());
            assert_eq!(
                estimates.iter().map(key).collect::<Vec<_>>(),
                counted.iter().map(key).collect::<Vec<_>>()
            );
        } else {
            assert_eq!(stdout(&o).lines().count(), 1 + counted.len(), "{}", stdout(&o));
        }
        // … and every other one is named on stderr, with the count and the line numbers.
        let prefix = format!("{}: ", path.display());
        let problems: Vec<&str> = stderr.lines().filter_map(|l| l.strip_prefix(&prefix)).collect();
        assert_eq!(problems.len(), 6, "{stderr}");
        assert!(problems[0].starts_with("line 3, column "), "{}", problems[0]);
        assert!(problems[0].contains("EOF"), "{}", problems[0]);
        assert_eq!(problems[1], "line 4: report version 1 (this build reads 2)");
        assert_eq!(problems[2], "line 5: question \"shown.default\" is not of the schema");
        let unknown = &problems[3];
        assert!(
            unknown.starts_with("line 6, column ") && unknown.contains("unknown field `id`"),
            "{unknown}"
        );
        assert_eq!(problems[4], "line 7: epsilon 8 is not one of 0.5 and 1");
        assert_eq!(problems[5], "line 8: epsilon 0.25 is not one of 0.5 and 1");
        let summary =
            format!("flaneur: skipped 6 malformed line(s) of {}: 3, 4, 5, 6, 7, 8", path.display());
        assert!(stderr.lines().any(|l| l == summary), "{stderr}");
    }
    // Nothing counted at all: a failure.
    let none = tmp("none.jsonl");
    std::fs::write(&none, "{}\nnot json\n").unwrap();
    let o = run(&["ldp", "aggregate", none.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("skipped 2 malformed line(s)"));
    let o = run(&["ldp", "aggregate", tmp("missing.jsonl").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
}

/// Reports from `shoppers` simulated shoppers of a shop diverging along colour and material,
/// whose periods show a divergent item along an axis with the chance `shown` and, when they
/// do, take it up with the chance `take_up` (per axis, in the order category, colour, material).
fn simulate_take_up(shoppers: usize, shown: [f64; 3], take_up: [f64; 3], seed: u64) -> Vec<Report> {
    let schema = schema();
    let axes = ["category", "colour", "material"];
    let mut truth = SmallRng::seed_from_u64(seed);
    let mut rng = SmallRng::seed_from_u64(seed ^ 0x5eed);
    (0..shoppers)
        .map(|_| {
            let counts = axes.iter().enumerate().map(|(i, axis)| {
                let seen = truth.random_bool(shown[i]);
                let accepted = seen && truth.random_bool(take_up[i]);
                (*axis, AxisCounter { shown: u64::from(seen), accepted: u64::from(accepted) })
            });
            let kinds = [(KINDS[1], Counter { impressions: 1, engagements: 0 })];
            let period = Indicators::from_counts(kinds, counts.collect::<Vec<_>>());
            let mut permanent = Permanent::default();
            randomize(&period, &schema, 1.0, TODAY, &mut permanent, &mut rng).unwrap()
        })
        .collect()
}

#[test]
fn priors_follow_the_take_up_and_need_enough_reports() {
    let priors_of = |shoppers: usize, name: &str| {
        let reports = simulate_take_up(shoppers, [0.02, 0.5, 0.5], [0.5, 0.3, 0.05], 7);
        let path = tmp(&format!("{name}.jsonl"));
        let lines: Vec<String> =
            reports.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
        std::fs::write(&path, lines.join("\n")).unwrap();
        let out = tmp(&format!("{name}-priors.json"));
        let o =
            run(&["ldp", "aggregate", path.to_str().unwrap(), "--priors", out.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{stderr}");
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(
            (file["format"].as_str(), file["version"].as_u64()),
            (Some("flaneur-divergence-priors"), Some(1))
        );
        (file["priors"].as_array().unwrap().clone(), stderr)
    };
    // 24,000 shoppers, one report each, about 2,000 on each of the 12 questions.
    let (priors, stderr) = priors_of(24_000, "crowd");
    let groups: Vec<&str> = priors.iter().map(|p| p["group"].as_str().unwrap()).collect();
    assert_eq!(groups, ["colour", "material"], "category, seldom shown, gets none: {stderr}");
    assert!(stderr.contains("no prior for category"), "{stderr}");
    let take_up = |p: &serde_json::Value| p["take_up"].as_f64().unwrap();
    let (colour, material) = (&priors[0], &priors[1]);
    let margin = 3.0 * colour["std_error"].as_f64().unwrap();
    assert!((take_up(colour) - 0.3).abs() < margin, "{colour}");
    assert!(take_up(material) < take_up(colour), "{material} vs {colour}");
    let strength = colour["accepted"].as_f64().unwrap() + colour["rejected"].as_f64().unwrap();
    assert!((strength - flaneur::ldp::MAX_STRENGTH).abs() < 1e-9, "{colour}");
    // Ten times fewer: the same shares, nothing trustworthy enough to publish.
    let (few, stderr) = priors_of(2_400, "few");
    assert_eq!(few, Vec::<serde_json::Value>::new(), "{stderr}");
    assert!(stderr.contains("no prior for category, colour, material"), "{stderr}");
}

#[test]
fn the_priors_reach_the_catalog_and_a_prior_it_cannot_use_is_refused() {
    // Colour steps are shown and taken up; material ones never shown: a prior for colour only.
    let reports = simulate_take_up(24_000, [0.02, 0.5, 0.0], [0.5, 0.3, 0.0], 11);
    let path = tmp("link.jsonl");
    let lines: Vec<String> = reports.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let priors = tmp("link-priors.json");
    let o =
        run(&["ldp", "aggregate", path.to_str().unwrap(), "--priors", priors.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&priors).unwrap()).unwrap();
    let [colour] = file["priors"].as_array().unwrap().as_slice() else { panic!("{file}") };
    assert_eq!(colour["group"], "colour");

    // The catalog compiler carries it, as the file has it; the catalog (diverging along colour)
    // gives it to the engine.
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/catalog-v1.json");
    let build = |priors: &Path, out: &str| {
        let out = tmp(out);
        let args = [
            "catalog",
            "build",
            feed.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--divergence-priors",
            priors.to_str().unwrap(),
        ];
        let o = run(&args);
        // Problems go to stdout, the summary to stderr.
        let said = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        (o.status.success(), said, out)
    };
    let (ok, stderr, out) = build(&priors, "link.bin");
    assert!(ok, "{stderr}");
    let catalog = flaneur::catalog::Catalog::from_binary(&std::fs::read(out).unwrap()).unwrap();
    let carried = catalog.divergence_prior("colour").expect("the colour prior");
    assert_eq!(carried.accepted, colour["accepted"].as_f64().unwrap() as f32);
    assert_eq!(carried.rejected, colour["rejected"].as_f64().unwrap() as f32);
    assert_eq!(catalog.divergence_priors().len(), 1);

    // A prior for an axis the catalog does not diverge along, another format, another version:
    // refused, naming what is wrong.
    let bad = [
        (r#""group": "material", "accepted": 1.0, "rejected": 3.0"#, "material"),
        (r#""group": "colour", "accepted": -1.0, "rejected": 3.0"#, "finite and ≥ 0"),
    ];
    for (i, (entry, says)) in bad.iter().enumerate() {
        let text = format!(
            r#"{{"format": "flaneur-divergence-priors", "version": 1, "priors": [{{{entry}}}]}}"#
        );
        let path = tmp(&format!("bad-priors-{i}.json"));
        std::fs::write(&path, text).unwrap();
        let (ok, stderr, _) = build(&path, "bad.bin");
        assert!(!ok && stderr.contains("divergence_priors") && stderr.contains(says), "{stderr}");
    }
    for (i, text) in [
        r#"{"format": "flaneur-divergence-priors", "version": 2, "priors": []}"#,
        r#"{"format": "something else", "version": 1, "priors": []}"#,
        "not json",
    ]
    .iter()
    .enumerate()
    {
        let path = tmp(&format!("foreign-priors-{i}.json"));
        std::fs::write(&path, text).unwrap();
        let (ok, stderr, _) = build(&path, "foreign.bin");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(!ok && stderr.contains(name), "{stderr}");
    }
}

#[test]
fn report_departments_reach_the_catalog_and_a_group_prior_needs_its_department() {
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/catalog-v1.json");
    let priors = tmp("grouped-priors.json");
    std::fs::write(
        &priors,
        r#"{"format": "flaneur-divergence-priors", "version": 1, "priors": [
            {"group": "colour", "accepted": 1.0, "rejected": 7.0},
            {"group": "colour@Women", "accepted": 3.0, "rejected": 5.0}]}"#,
    )
    .unwrap();
    let build = |departments: Option<&str>, out: &str| {
        let out = tmp(out);
        let mut args = vec![
            "catalog".to_owned(),
            "build".to_owned(),
            feed.to_str().unwrap().to_owned(),
            "-o".to_owned(),
            out.to_str().unwrap().to_owned(),
            "--divergence-priors".to_owned(),
            priors.to_str().unwrap().to_owned(),
        ];
        if let Some(departments) = departments {
            args.extend(["--report-departments".to_owned(), departments.to_owned()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        let said = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        (o.status.success(), said, out)
    };
    let (ok, said, out) = build(Some("Women, Men"), "grouped.bin");
    assert!(ok, "{said}");
    let catalog = flaneur::catalog::Catalog::from_binary(&std::fs::read(out).unwrap()).unwrap();
    assert_eq!(catalog.report_departments(), ["Men", "Women"]);
    let at = |anchor: &str| catalog.divergence_prior_for("colour", anchor).map(|p| p.accepted);
    assert_eq!((at("Women > Knitwear"), at("Men > Denim")), (Some(3.0), Some(1.0)));
    // Without the department the group's prior names a question nobody is asked.
    let (ok, said, _) = build(None, "ungrouped.bin");
    assert!(!ok && said.contains("colour@Women"), "{said}");
    let (ok, said, _) = build(Some("Women > Knitwear"), "malformed.bin");
    assert!(!ok && said.contains("report_departments"), "{said}");
}
