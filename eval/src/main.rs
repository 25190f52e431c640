//! `flaneur-eval`: offline evaluations of the engine with seeded synthetic
//! shops and shoppers (native only; nothing here is part of the WebAssembly
//! build).
//!
//! ```text
//! cargo run --release --bin flaneur-eval -- bubble [--world today|near] [--shoppers N] \
//!     [--sessions N] [--seed N]
//! cargo build --release --bins && target/release/flaneur-eval movielens [--data DIR] \
//!     [--out DIR] [--datasets ml-100k,ml-1m]
//! target/release/flaneur-eval grocery [--data DIR] [--households even|odd] [--orders-only]
//! target/release/flaneur-eval sequential [--data DIR] [--out DIR] [--datasets ml-1m,ml-100k] \
//!     [--seed N] [--prepare-only] [--no-sequence-model] [--reuse-models]
//! target/release/flaneur-eval vectors [--data DIR] [--out DIR] [--datasets ml-1m,ml-100k] \
//!     [--seed N]
//! target/release/flaneur-eval spark [--data DIR] [--out DIR] [--datasets ml-1m] [--prepare-only]
//! target/release/flaneur-eval crowd [--world today|near] [--cohort N] [--second N] \
//!     [--sessions N] [--reporters N,N] [--seed N] [--out DIR] [--no-departments]
//! make eval
//! make eval-spark
//! ```
//!
//! - `bubble`: does divergence (the `surprise` preference) discover latent
//!   interests, and at what engagement and relevance cost? Compares surprise
//!   0, 0.2 (the default) and 0.5 on the same shoppers (see `bubble.rs`), in
//!   two worlds: `today` (latent tastes one step away or further) and `near`
//!   (latent tastes that similarity alone reaches); both unless `--world`.
//! - `movielens`: quality on MovieLens-100k and -1M, flaneur on the device
//!   against most-popular, item-kNN and ALS trained on everyone's data (see
//!   `movielens.rs`; `make eval` fetches the data and trains ALS first) and
//!   writes `target/eval/report.json`.
//! - `grocery`: buy-again and discovery on a grocer's order log (The
//!   Complete Journey), the next-basket baselines, TIFU-KNN and ALS against
//!   flaneur on the device (see `grocery.rs`); writes
//!   `target/eval/grocery-report.json`. Even households only, unless
//!   `--households odd` (held out for an independent check: never published).
//! - `sequential`: next-item quality on the standard sequential protocol
//!   (5-core ML-1M, leave-last-out, full ranking), the transition model and
//!   flaneur's sequence model beside the anchors, and a strict split whose
//!   evaluated users are in no training data (see `sequential.rs`); writes
//!   `target/eval/sequential-report.json`.
//! - `vectors`: compact item vectors (issue #22): the `movielens` learned
//!   catalog with its vectors passed through lossy codecs (fewer bits,
//!   product quantization, fewer dimensions), NDCG@10, HR@10 and recall@24
//!   against today's int8 (see `vectors.rs`); writes
//!   `target/eval/vectors/vectors-report.json`.
//! - `spark`: flaneur on item factors from PySpark's ALS (issue #23, `make
//!   eval-spark`): `--prepare-only` writes the training log the Spark job
//!   reads, then the `movielens` replay scores the catalog compiled from its
//!   `itemFactors` Parquet (see `spark.rs`); writes
//!   `target/eval/ml-1m/spark/report.json` and the row into the `movielens`
//!   table.
//! - `crowd`: the crowd loop (issue #24): one cohort's anonymous reports,
//!   aggregated into divergence priors, carried by the catalog to a second
//!   cohort's devices (see `crowd.rs`); reports and priors files under
//!   `target/eval/crowd/`.
//!
//! Each evaluation prints a Markdown table and, when run with its default
//! parameters, writes it into `docs/EVALUATION.md` between its markers
//! (`<!-- bubble:begin -->` … `<!-- bubble:end -->`). Runs are deterministic:
//! the same command gives the same table.

mod bubble;
mod compact_vectors;
mod crowd;
mod grocery;
mod grocery_baselines;
mod grocery_catalog;
mod grocery_data;
mod grocery_flaneur;
mod grocery_metrics;
mod grocery_report;
mod grocery_tifu;
mod method;
mod movielens;
mod movielens_catalog;
mod movielens_data;
mod movielens_metrics;
mod movielens_rank;
mod movielens_row;
mod sequence_model;
mod sequential;
mod sequential_data;
mod sequential_report;
mod shop;
mod spark;
mod transition;
mod vectors;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = concat!(
    "usage: flaneur-eval bubble [--world today|near] [--shoppers N] [--sessions N] [--seed N]\n",
    "       flaneur-eval movielens [--data DIR] [--out DIR] [--datasets ml-100k,ml-1m] ",
    "[--dims N]\n",
    "       flaneur-eval grocery [--data DIR] [--households even|odd] [--orders-only]\n",
    "       flaneur-eval sequential [--data DIR] [--out DIR] [--datasets ml-1m,ml-100k] ",
    "[--seed N] [--prepare-only] [--no-sequence-model] [--reuse-models]\n",
    "       flaneur-eval vectors [--data DIR] [--out DIR] [--datasets ml-1m,ml-100k] [--seed N]\n",
    "       flaneur-eval spark [--data DIR] [--out DIR] [--datasets ml-1m] [--prepare-only]\n",
    "       flaneur-eval crowd [--world today|near] [--cohort N] [--second N] [--sessions N] ",
    "[--reporters N,N] [--seed N] [--out DIR] [--no-departments]",
);

/// The evaluations' shared document, in the repository (this crate's parent directory).
const DOC: &str = "docs/EVALUATION.md";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bubble") => match parse_bubble(&args[1..]) {
            Ok(configs) => {
                let codes: Vec<ExitCode> = configs.into_iter().map(run_bubble).collect();
                codes.into_iter().find(|c| *c != ExitCode::SUCCESS).unwrap_or(ExitCode::SUCCESS)
            }
            Err(message) => {
                eprintln!("flaneur-eval: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("movielens") => match parse_movielens(&args[1..]) {
            Ok(config) => run_movielens(config),
            Err(message) => {
                eprintln!("flaneur-eval: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("grocery") => match parse_grocery(&args[1..]) {
            Ok(config) => run_grocery(config),
            Err(message) => {
                eprintln!("flaneur-eval: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("sequential") => match parse_sequential(&args[1..]) {
            Ok(config) => run_sequential(config),
            Err(message) => {
                eprintln!("flaneur-eval: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("vectors") => match parse_vectors(&args[1..]) {
            Ok(config) => run_vectors(config),
            Err(message) => {
                eprintln!("flaneur-eval: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("spark") => match parse_spark(&args[1..]) {
            Ok(config) => run_spark(config),
            Err(message) => {
                eprintln!("flaneur-eval: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("crowd") => match parse_crowd(&args[1..]) {
            Ok(configs) => {
                let codes: Vec<ExitCode> =
                    configs.iter().map(|(config, defaults)| run_crowd(config, *defaults)).collect();
                codes.into_iter().find(|c| *c != ExitCode::SUCCESS).unwrap_or(ExitCode::SUCCESS)
            }
            Err(message) => {
                eprintln!("flaneur-eval: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("flaneur-eval: unknown evaluation {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Parses `--world today|near --shoppers N --sessions N --seed N`, each
/// optional: the configuration of each world to run (both without `--world`),
/// each from its world's defaults.
fn parse_bubble(args: &[String]) -> Result<Vec<bubble::Config>, String> {
    let mut worlds = bubble::World::ALL.to_vec();
    let (mut shoppers, mut sessions, mut seed) = (None, None, None);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |what: &str| -> Result<u64, String> {
            value
                .parse::<u64>()
                .map_err(|_| format!("{what} must be a non-negative integer, got {value:?}"))
        };
        match flag.as_str() {
            "--world" => {
                let world = bubble::World::parse(value)
                    .ok_or_else(|| format!("--world must be today or near, got {value:?}"))?;
                worlds = vec![world];
            }
            "--shoppers" => shoppers = Some(number("--shoppers")? as usize),
            "--sessions" => sessions = Some(number("--sessions")? as usize),
            "--seed" => seed = Some(number("--seed")?),
            _ => return Err(format!("unknown option {flag:?}")),
        }
    }
    if shoppers == Some(0) || sessions == Some(0) {
        return Err("--shoppers and --sessions must be at least 1".into());
    }
    Ok(worlds
        .into_iter()
        .map(|world| {
            let defaults = bubble::Config::for_world(world);
            bubble::Config {
                shoppers: shoppers.unwrap_or(defaults.shoppers),
                sessions: sessions.unwrap_or(defaults.sessions),
                seed: seed.unwrap_or(defaults.seed),
                ..defaults
            }
        })
        .collect())
}

/// Parses `--data DIR --out DIR --datasets a,b --dims N`, each optional.
fn parse_movielens(args: &[String]) -> Result<movielens::Config, String> {
    let mut config = movielens::Config::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => config.data = value.into(),
            "--out" => config.out = value.into(),
            "--datasets" => config.datasets = dataset_names(value)?,
            "--dims" => {
                config.dims = value
                    .parse()
                    .ok()
                    .filter(|d| (1..=1024).contains(d))
                    .ok_or("--dims must be 1 to 1024")?;
            }
            _ => return Err(format!("unknown option {flag:?}")),
        }
    }
    Ok(config)
}

fn run_movielens(config: movielens::Config) -> ExitCode {
    let started = Instant::now();
    let reports = match movielens::run(&config) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("flaneur-eval: {message}");
            return ExitCode::FAILURE;
        }
    };
    let table = movielens::render(&reports);
    println!("{table}");
    eprintln!("movielens: {:.1} s", started.elapsed().as_secs_f64());
    let json = config.out.join("report.json");
    if let Err(message) = movielens::write_json(&reports, &json) {
        eprintln!("flaneur-eval: {message}");
        return ExitCode::FAILURE;
    }
    eprintln!("movielens: report written to {}", json.display());
    let coverage = movielens::render_coverage(&reports);
    println!("{coverage}");
    let defaults = config == movielens::Config::default();
    match publish("movielens", &table, defaults) {
        ExitCode::SUCCESS => publish("coverage", &coverage, defaults),
        failed => failed,
    }
}

/// Parses `--data DIR --households even|odd --orders-only`, each optional.
fn parse_grocery(args: &[String]) -> Result<grocery::Config, String> {
    let mut config = grocery::Config::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--orders-only" {
            config.orders_only = true;
            continue;
        }
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => config.data = value.into(),
            "--households" => {
                config.households = grocery_data::Households::parse(value)
                    .ok_or_else(|| format!("--households must be even or odd, got {value:?}"))?;
            }
            _ => return Err(format!("unknown option {flag:?}")),
        }
    }
    Ok(config)
}

fn run_grocery(config: grocery::Config) -> ExitCode {
    let started = Instant::now();
    let result = grocery::prepare(&config).and_then(|(g, lines)| {
        if config.orders_only { Ok(None) } else { grocery::run(&config, &g, lines).map(Some) }
    });
    let report = match result {
        Ok(Some(report)) => report,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("flaneur-eval: {message}");
            return ExitCode::FAILURE;
        }
    };
    let table = grocery_report::render(&report);
    println!("{table}");
    eprintln!("grocery: {:.1} s", started.elapsed().as_secs_f64());
    if let Err(message) = grocery::write_json(&report, &config.report()) {
        eprintln!("flaneur-eval: {message}");
        return ExitCode::FAILURE;
    }
    eprintln!("grocery: report written to {}", config.report().display());
    publish("grocery", &table, config == grocery::Config::default())
}

/// Parses `--data DIR --out DIR --datasets a,b --seed N --prepare-only --no-sequence-model
/// --reuse-models`,
/// each optional.
fn parse_sequential(args: &[String]) -> Result<sequential::Config, String> {
    let mut config = sequential::Config::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--prepare-only" => {
                config.prepare_only = true;
                continue;
            }
            "--no-sequence-model" => {
                config.sequence_model = false;
                continue;
            }
            "--reuse-models" => {
                config.train_models = false;
                continue;
            }
            _ => {}
        }
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => config.data = value.into(),
            "--out" => config.out = value.into(),
            "--datasets" => config.datasets = dataset_names(value)?,
            "--seed" => {
                config.seed = value.parse().map_err(|_| format!("--seed: {value:?}"))?;
            }
            _ => return Err(format!("unknown option {flag:?}")),
        }
    }
    Ok(config)
}

fn run_sequential(config: sequential::Config) -> ExitCode {
    let started = Instant::now();
    let reports = match sequential::run(&config) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("flaneur-eval: {message}");
            return ExitCode::FAILURE;
        }
    };
    if config.prepare_only {
        return ExitCode::SUCCESS;
    }
    let table = sequential_report::render(&reports);
    println!("{table}");
    eprintln!("sequential: {:.1} s", started.elapsed().as_secs_f64());
    if let Err(message) = sequential::write_json(&reports, &config.report()) {
        eprintln!("flaneur-eval: {message}");
        return ExitCode::FAILURE;
    }
    eprintln!("sequential: report written to {}", config.report().display());
    // Without the model's row, or with models reused only, the tables still
    // describe the default run (the rows left out say why).
    let defaults =
        sequential::Config { sequence_model: true, train_models: true, ..config.clone() }
            == sequential::Config::default();
    publish("sequential", &table, defaults)
}

/// Parses `--data DIR --out DIR --datasets a,b --seed N`, each optional.
fn parse_vectors(args: &[String]) -> Result<vectors::Config, String> {
    let mut config = vectors::Config::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => config.data = value.into(),
            "--out" => config.out = value.into(),
            "--datasets" => config.datasets = dataset_names(value)?,
            "--seed" => {
                config.seed = value.parse().map_err(|_| format!("--seed: {value:?}"))?;
            }
            _ => return Err(format!("unknown option {flag:?}")),
        }
    }
    Ok(config)
}

fn run_vectors(config: vectors::Config) -> ExitCode {
    let started = Instant::now();
    let reports = match vectors::run(&config) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("flaneur-eval: {message}");
            return ExitCode::FAILURE;
        }
    };
    let table = vectors::render(&reports, config.seed);
    println!("{table}");
    eprintln!("vectors: {:.1} s", started.elapsed().as_secs_f64());
    if let Err(message) = vectors::write_json(&reports, &config.report()) {
        eprintln!("flaneur-eval: {message}");
        return ExitCode::FAILURE;
    }
    eprintln!("vectors: report written to {}", config.report().display());
    publish("vectors", &table, config == vectors::Config::default())
}

/// The names of `--datasets a,b` (at least one).
fn dataset_names(value: &str) -> Result<Vec<String>, String> {
    let names: Vec<String> =
        value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    if names.is_empty() {
        return Err("--datasets names no dataset".into());
    }
    Ok(names)
}

/// Parses `--data DIR --out DIR --datasets a,b --prepare-only`, each optional.
fn parse_spark(args: &[String]) -> Result<spark::Config, String> {
    let mut config = spark::Config::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--prepare-only" {
            config.prepare_only = true;
            continue;
        }
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => config.data = value.into(),
            "--out" => config.out = value.into(),
            "--datasets" => config.datasets = dataset_names(value)?,
            _ => return Err(format!("unknown option {flag:?}")),
        }
    }
    Ok(config)
}

/// `--prepare-only`: the training logs; else the Spark rows, their reports
/// and, with the defaults, the rows in the `movielens` section of [`DOC`].
fn run_spark(config: spark::Config) -> ExitCode {
    let started = Instant::now();
    let result = if config.prepare_only {
        spark::prepare(&config).map(|()| None)
    } else {
        spark::run(&config).map(Some)
    };
    let reports = match result {
        Ok(Some(reports)) => reports,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("flaneur-eval: {message}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", spark::render(&reports));
    eprintln!("spark: {:.1} s", started.elapsed().as_secs_f64());
    match spark::write_json(&config, &reports) {
        Ok(paths) => {
            paths.iter().for_each(|p| eprintln!("spark: report written to {}", p.display()))
        }
        Err(message) => {
            eprintln!("flaneur-eval: {message}");
            return ExitCode::FAILURE;
        }
    }
    if config != spark::Config::default() {
        eprintln!("spark: non-default parameters, {DOC} left unchanged");
        return ExitCode::SUCCESS;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(DOC);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let updated = section(&text, "movielens").and_then(|s| spark::with_rows(s, &reports));
    match updated {
        Some(body) => publish("movielens", &body, true),
        None => {
            eprintln!("spark: {DOC} has no movielens table with an ALS row; left unchanged");
            ExitCode::SUCCESS
        }
    }
}

/// What lies between `<!-- name:begin -->` and `<!-- name:end -->` in `text`, if both are there.
fn section<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let begin = format!("<!-- {name}:begin -->\n");
    let end = format!("<!-- {name}:end -->");
    let from = text.find(&begin)? + begin.len();
    let to = text[from..].find(&end)? + from;
    Some(&text[from..to])
}

/// Writes an evaluation's tables into its section of [`DOC`], when it ran
/// with its default parameters (other runs are printed only).
fn publish(name: &str, table: &str, defaults: bool) -> ExitCode {
    if !defaults {
        eprintln!("{name}: non-default parameters, {DOC} left unchanged");
        return ExitCode::SUCCESS;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(DOC);
    match write_section(&path, name, table) {
        Ok(()) => {
            eprintln!("{name}: tables written to {DOC}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("flaneur-eval: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Parses the `crowd` options, each optional, from the published run's
/// parameters: the run of each world (both without `--world`), and whether
/// it is the published one.
fn parse_crowd(args: &[String]) -> Result<Vec<(crowd::Config, bool)>, String> {
    let mut worlds = bubble::World::ALL.to_vec();
    let mut config = crowd::Config::published(bubble::World::Today, "target/eval/crowd".into());
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--no-departments" {
            config.departments = false;
            continue;
        }
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let count = |v: &str| match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{flag} needs a positive whole number, not {v:?}")),
        };
        match flag.as_str() {
            "--cohort" => config.cohort = count(value)?,
            "--second" => config.second = count(value)?,
            "--sessions" => config.sessions = count(value)?,
            "--reporters" => {
                config.reporters = value.split(',').map(count).collect::<Result<_, _>>()?;
            }
            "--seed" => config.seed = value.parse().map_err(|_| format!("--seed {value:?}"))?,
            "--out" => config.dir = value.into(),
            "--world" => {
                worlds = vec![
                    bubble::World::parse(value)
                        .ok_or_else(|| format!("--world {value:?}: today or near"))?,
                ];
            }
            _ => return Err(format!("unknown option {flag:?}")),
        }
    }
    Ok(worlds
        .into_iter()
        .map(|world| {
            let config = crowd::Config { world, ..config.clone() };
            let published = crowd::Config::published(world, "target/eval/crowd".into());
            let defaults = config == published;
            (config, defaults)
        })
        .collect())
}

fn run_crowd(config: &crowd::Config, defaults: bool) -> ExitCode {
    let started = Instant::now();
    match crowd::run(config) {
        Ok(report) => {
            let table = crowd::render(&report);
            println!("{table}");
            let name = config.section();
            eprintln!("{name}: {:.1} s", started.elapsed().as_secs_f64());
            publish(name, &table, defaults)
        }
        Err(message) => {
            eprintln!("flaneur-eval: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_bubble(config: bubble::Config) -> ExitCode {
    let started = Instant::now();
    let report = bubble::run(config);
    let table = bubble::render(&report);
    println!("{table}");
    let name = config.world.section();
    eprintln!("{name}: {:.1} s", started.elapsed().as_secs_f64());
    publish(name, &table, config.is_default())
}

/// Replaces what lies between `<!-- name:begin -->` and `<!-- name:end -->`
/// in the file at `path` with `body`; a file without the markers gets them
/// appended, a missing file is created.
fn write_section(path: &Path, name: &str, body: &str) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Evaluation\n".to_owned(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let updated = replace_section(&text, name, body);
    if updated != text {
        std::fs::write(path, updated)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// `text` with the section `name` holding `body` (appended when missing).
fn replace_section(text: &str, name: &str, body: &str) -> String {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let section = format!("{begin}\n{}\n{end}", body.trim_end());
    match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if b < e => format!("{}{section}{}", &text[..b], &text[e + end.len()..]),
        _ => format!("{}\n{section}\n", text.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowd_arguments_give_each_world_and_say_when_they_are_the_published_ones() {
        let args = |list: &[&str]| list.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
        let both = parse_crowd(&[]).unwrap();
        assert_eq!(both.len(), 2);
        assert!(both.iter().all(|(_, published)| *published));
        assert_eq!(both[1].0.section(), "crowd-near");
        let small = parse_crowd(&args(&["--world", "near", "--reporters", "10,100"])).unwrap();
        assert_eq!(small.len(), 1);
        assert_eq!((small[0].0.reporters.clone(), small[0].1), (vec![10, 100], false));
        assert!(!parse_crowd(&args(&["--no-departments"])).unwrap()[0].1);
        for bad in [&["--cohort", "0"][..], &["--world", "far"], &["--second"], &["--x", "1"]] {
            assert!(parse_crowd(&args(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn options_parse() {
        let args: Vec<String> =
            ["--shoppers", "5", "--seed", "9"].iter().map(|s| s.to_string()).collect();
        let configs = parse_bubble(&args).unwrap();
        assert_eq!(configs.len(), 2);
        let config = configs[0];
        assert_eq!(
            (config.shoppers, config.sessions, config.seed),
            (5, bubble::Config::default().sessions, 9)
        );
        let near = bubble::Config::for_world(bubble::World::Near);
        assert_eq!(parse_bubble(&[]).unwrap()[1], near);
        let args: Vec<String> = ["--world", "near"].iter().map(|s| s.to_string()).collect();
        assert_eq!(parse_bubble(&args).unwrap(), vec![near]);
        assert!(parse_bubble(&["--world".to_string(), "far".to_string()]).is_err());
        assert!(parse_bubble(&["--shoppers".to_string()]).is_err());
        assert!(parse_bubble(&["--colour".to_string(), "red".to_string()]).is_err());
        assert!(parse_bubble(&["--sessions".to_string(), "0".to_string()]).is_err());
    }

    #[test]
    fn grocery_options_parse() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_grocery(&[]).unwrap(), grocery::Config::default());
        let odd = parse_grocery(&args(&["--households", "odd", "--orders-only"])).unwrap();
        assert_eq!(odd.households, grocery_data::Households::Odd);
        assert!(odd.orders_only);
        assert!(odd.orders().ends_with("orders-odd.csv"));
        assert!(odd.report().ends_with("grocery-report-odd.json"));
        assert!(parse_grocery(&args(&["--households", "all"])).is_err());
        assert!(parse_grocery(&args(&["--data"])).is_err());
    }

    #[test]
    fn sequential_options_parse() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_sequential(&[]).unwrap(), sequential::Config::default());
        let c = parse_sequential(&args(&["--datasets", "ml-1m", "--prepare-only", "--seed", "3"]))
            .unwrap();
        assert_eq!((c.datasets, c.prepare_only, c.seed), (vec!["ml-1m".to_string()], true, 3));
        assert!(!parse_sequential(&args(&["--no-sequence-model"])).unwrap().sequence_model);
        assert!(!parse_sequential(&args(&["--reuse-models"])).unwrap().train_models);
        assert!(parse_sequential(&args(&["--datasets", ""])).is_err());
        assert!(parse_sequential(&args(&["--seed", "x"])).is_err());
        assert!(sequential::Config::default().report().ends_with("eval/sequential-report.json"));
    }

    #[test]
    fn vectors_options_parse() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_vectors(&[]).unwrap(), vectors::Config::default());
        let c = parse_vectors(&args(&["--datasets", "ml-100k", "--seed", "3"])).unwrap();
        assert_eq!((c.datasets, c.seed), (vec!["ml-100k".to_string()], 3));
        assert!(parse_vectors(&args(&["--datasets", ""])).is_err());
        assert!(parse_vectors(&args(&["--seed", "x"])).is_err());
        assert!(parse_vectors(&args(&["--bits", "4"])).is_err());
        assert!(vectors::Config::default().report().ends_with("vectors/vectors-report.json"));
    }

    #[test]
    fn spark_options_parse() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_spark(&[]).unwrap(), spark::Config::default());
        let c = parse_spark(&args(&["--prepare-only", "--datasets", "ml-100k"])).unwrap();
        assert_eq!((c.datasets, c.prepare_only), (vec!["ml-100k".to_string()], true));
        assert!(parse_spark(&args(&["--datasets", ""])).is_err());
        assert!(parse_spark(&args(&["--rank", "8"])).is_err());
        let text = "a\n<!-- movielens:begin -->\nbody\n<!-- movielens:end -->\n";
        assert_eq!(section(text, "movielens"), Some("body\n"));
        assert_eq!(section(text, "grocery"), None);
    }

    #[test]
    fn sections_are_replaced_in_place() {
        let text = "intro\n<!-- bubble:begin -->\nold\n<!-- bubble:end -->\noutro\n";
        assert_eq!(
            replace_section(text, "bubble", "new\n"),
            "intro\n<!-- bubble:begin -->\nnew\n<!-- bubble:end -->\noutro\n"
        );
        assert_eq!(
            replace_section("intro\n", "bubble", "t"),
            "intro\n<!-- bubble:begin -->\nt\n<!-- bubble:end -->\n"
        );
    }
}
